#pragma once

#include "expression.h"
#include "fault.h"
#include "output.h"
#include "processor.h"

#include "engine/lang/ast.h"
#include "engine/lang/diagnostic.h"
#include "engine/lang/semanticmodel.h"

#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppRuntime;
class QuerySelector;
class Table;
class WindowProcessor;

// A built query: the stages it owns and the streams it is subscribed to.
class QueryRuntime
{
public:
    ~QueryRuntime();
    QString name;
    std::vector<std::unique_ptr<Processor>> processors;
    std::vector<std::unique_ptr<Receiver>> receivers;
    std::vector<std::pair<StreamJunction *, Receiver *>> subscriptions;
    std::vector<std::shared_ptr<EventLayout>> layouts;
    std::vector<std::shared_ptr<void>> keepAlive;
    OutputProcessor *output = nullptr;

    template<class T>
    T *own(std::unique_ptr<T> p)
    {
        T *raw = p.get();
        processors.push_back(std::move(p));
        return raw;
    }
    void subscribe(StreamJunction *junction, std::unique_ptr<Receiver> receiver);
};

// Feeds a stream's chunks into the first stage of a query.
class ChainEntry final : public Receiver
{
public:
    explicit ChainEntry(Processor *first)
        : m_first(first)
    {}
    void receive(EventChunk &chunk) override { m_first->process(chunk); }

private:
    Processor *m_first;
};

// The planner: turns an analyzed query into a chain of stages (DuckDB's planner, clox's
// compiler). Problems it finds (a feature Rivulet cannot run) become diagnostics at the
// query's position, and the app is not created.
class QueryBuilder
{
public:
    QueryBuilder(AppRuntime &app, QList<Lang::Diagnostic> *diagnostics);

    std::unique_ptr<QueryRuntime> build(const Lang::Ast::Query &query, const QString &name);

    // The compile options for expressions over a query's inputs.
    CompileOptions options(const std::vector<bool> &collectionSlots = {}) const;
    bool error(const Lang::SourceRange &range, const QString &message);
    AppRuntime &app() { return m_app; }

    // The junction of a stream a query reads (output false) or inserts into (output true):
    // the app's, unless a resolver is set. Partitions build their queries once per key and
    // resolve partitioned, broadcast and inner (#S) streams to that key's junctions. Builders
    // of every kind of query look their streams up here.
    using StreamResolver = std::function<StreamJunction *(const QString &name, bool output)>;
    void setStreamResolver(StreamResolver resolver) { m_resolver = std::move(resolver); }
    StreamJunction *junction(const QString &name, bool output = false) const;

    // The stages of one input (filters, stream functions, window) appended to the query,
    // starting from the given layout. Returns false after reporting an error.
    struct Chain
    {
        Processor *first = nullptr;
        Processor *last = nullptr;
        std::shared_ptr<EventLayout> layout;
        WindowProcessor *window = nullptr;
    };
    bool buildHandlers(const Lang::Ast::SingleInput &input, std::shared_ptr<EventLayout> layout,
                       QueryRuntime &query, const FaultHandler &fault, bool expiredWanted,
                       Chain *chain);
    // The select clause (and rate limiter and output) after the given layout.
    // slotLayouts: the layout of each input slot (one for single streams).
    QuerySelector *buildSelector(const Lang::Ast::Query &query, QueryRuntime &runtime,
                                 const std::vector<std::shared_ptr<EventLayout>> &slotLayouts,
                                 const std::vector<bool> &collectionSlots, bool canPassThrough,
                                 bool batchWindow);
    // The same for a select clause outside a query (on-demand queries): its analysed output
    // attributes and the event types it emits given directly.
    QuerySelector *buildSelector(const Lang::Ast::Selector &selector,
                                 const QList<Lang::AttributeInfo> &outputAttrs,
                                 Lang::Ast::OutputEventType eventType, QueryRuntime &runtime,
                                 const std::vector<std::shared_ptr<EventLayout>> &slotLayouts,
                                 const std::vector<bool> &collectionSlots, bool canPassThrough,
                                 bool batchWindow);
    OutputProcessor *buildOutput(const Lang::Ast::Query &query, QueryRuntime &runtime,
                                 const std::shared_ptr<EventLayout> &outputLayout,
                                 const FaultHandler &fault);
    Processor *buildRateLimiter(const Lang::Ast::Query &query, QueryRuntime &runtime,
                                const std::shared_ptr<EventLayout> &outputLayout);

private:
    bool buildSingle(const Lang::Ast::Query &query, QueryRuntime &runtime);
    bool buildAnonymous(const Lang::Ast::Query &query, QueryRuntime &runtime);

    AppRuntime &m_app;
    QList<Lang::Diagnostic> *m_diagnostics;
    int m_errors = 0;
    StreamResolver m_resolver;
};

// Entry points implemented beside the features they build (joins, patterns, partitions...).
bool buildJoinQuery(QueryBuilder &builder, const Lang::Ast::Query &query, QueryRuntime &runtime);
bool buildStateQuery(QueryBuilder &builder, const Lang::Ast::Query &query, QueryRuntime &runtime);

} // namespace Rivulet::Runtime
