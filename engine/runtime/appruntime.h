#pragma once

#include "appcontext.h"
#include "event.h"
#include "output.h"
#include "processor.h"

#include "engine/lang/frontend.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace Rivulet::Runtime {

class AppRuntime;
class QueryRuntime;
class Aggregation;
class NamedWindow;
class PartitionRuntime;
class QueryBuilder;
class Table;
class Trigger;
class WindowProcessor;

enum class ClockMode {
    Wall,     // real time; timers fire on their own
    Playback, // time follows the timestamps of the events sent (and advanceTime)
    Manual,   // time moves only with advanceTime (tests)
};

// Sends events into one stream of a running app. Thread-safe: sends from several threads are
// processed one at a time.
class InputHandler
{
public:
    InputHandler(AppRuntime *app, StreamJunction *junction);
    ~InputHandler();

    const QString &streamName() const;
    EventLayout *layout() const;

    // The fast path: an event the caller built (layout()->allocate()) and still owns; the
    // runtime copies what it keeps. Its timestamp and values are used as they are.
    void send(Event *event);
    void send(std::vector<Event *> &events);
    // The convenient path: values checked and converted against the stream's schema. Returns
    // false with a message naming the attribute when a value does not fit.
    bool send(int64_t timestamp, const QVariantList &values, QString *error = nullptr);
    bool send(const QVariantList &values, QString *error = nullptr);

    // Fills ev from values (as send does); exposed for mappers and simulators.
    static bool fill(EventLayout *layout, Event *ev, const QVariantList &values, QString *error);

private:
    AppRuntime *m_app;
    StreamJunction *m_junction;
    Event *m_scratch = nullptr;
    EventChunk m_single;
    bool m_sending = false;
};

// One running SiddhiQL app: its streams, tables, windows and queries, built once from the
// analyzed syntax tree. Create it with Engine::createApp.
class AppRuntime
{
public:
    ~AppRuntime();
    AppRuntime(const AppRuntime &) = delete;
    AppRuntime &operator=(const AppRuntime &) = delete;

    QString name() const { return m_context.name; }
    const Lang::CompiledApp &compiled() const { return m_compiled; }
    ClockMode clockMode() const { return m_clockMode; }

    // Streams that can be sent to (defined streams, triggers excluded).
    QStringList inputStreams() const;
    QStringList streams() const;
    InputHandler *inputHandler(const QString &stream);
    StreamJunction *junction(const QString &stream) const
    {
        return m_junctions.value(stream).get();
    }
    Table *table(const QString &name) const;
    NamedWindow *namedWindow(const QString &name) const { return m_namedWindows.value(name).get(); }
    Aggregation *aggregation(const QString &name) const { return m_aggregations.value(name).get(); }

    // Events of a stream, in Siddhi's delivery order (after the queries that read it).
    int addStreamCallback(const QString &stream, StreamJunction::Callback callback);
    void removeStreamCallback(const QString &stream, int id);
    // What a query emits (by its @info name, or "query1", "query2"... in order).
    bool addQueryCallback(const QString &query, QueryCallback callback);
    QStringList queryNames() const;

    void start();
    void shutdown();
    bool isRunning() const { return m_running; }

    // Runs an on-demand (store) query against the app's tables, named windows and
    // aggregations (Siddhi's SiddhiAppRuntime.query): `from T on ... select ...` returns the
    // rows found; insert, delete, update and update or insert change a table and return no
    // rows. On a problem returns no rows and sets error. Thread-safe (ondemand.cpp).
    QList<QVariantList> query(const QString &text, QString *error = nullptr);

    // Playback and manual clocks: moves time to t (never backwards) and fires what is due.
    void advanceTime(int64_t t);
    int64_t currentTime() const { return m_context.currentTime(); }

    AppContext &context() { return m_context; }
    // Everything that touches the app's state holds this lock.
    std::recursive_mutex &mutex() { return m_mutex; }

    // Called by InputHandler under the lock, before an event is processed.
    void beforeEvent(int64_t timestamp);
    void fireDueTimers();

private:
    friend class Engine;
    friend class QueryBuilder;
    // The features built in their own files (see features.h) keep their parts here.
    friend bool buildNamedWindow(AppRuntime &, QueryBuilder &, const Lang::Ast::Definition &);
    friend bool buildTrigger(AppRuntime &, QueryBuilder &, const Lang::Ast::Definition &);
    friend bool buildAggregation(AppRuntime &, QueryBuilder &, const Lang::Ast::Definition &);
    friend bool buildPartition(AppRuntime &, QueryBuilder &, const Lang::Ast::Partition &, int *);
    friend void startTriggers(AppRuntime &);
    friend void stopTriggers(AppRuntime &);
    AppRuntime(Lang::CompiledApp compiled, ClockMode mode);
    bool build(QList<Lang::Diagnostic> *diagnostics);
    void timerLoop();

    Lang::CompiledApp m_compiled;
    ClockMode m_clockMode;
    std::unique_ptr<Clock> m_clock;
    AppContext m_context;
    std::recursive_mutex m_mutex;

    QHash<QString, std::shared_ptr<StreamJunction>> m_junctions;
    QHash<QString, std::shared_ptr<Table>> m_tables;
    QHash<QString, std::shared_ptr<NamedWindow>> m_namedWindows;
    QHash<QString, std::shared_ptr<Aggregation>> m_aggregations;
    std::vector<std::shared_ptr<Trigger>> m_triggers;
    std::vector<std::shared_ptr<PartitionRuntime>> m_partitions;
    QHash<QString, std::shared_ptr<InputHandler>> m_inputHandlers;
    std::vector<std::unique_ptr<QueryRuntime>> m_queries;

public:
    // Adds a built query (partitions build theirs per key).
    void addQuery(std::unique_ptr<QueryRuntime> query);
    void addJunction(const QString &name, std::shared_ptr<StreamJunction> junction)
    {
        m_junctions.insert(name, std::move(junction));
    }

private:
    QStringList m_queryNames;

    bool m_running = false;
    std::thread m_timerThread;
    std::mutex m_timerMutex;
    std::condition_variable m_timerWake;
    bool m_stopTimer = false;
};

// Creates running apps from SiddhiQL source (Siddhi's SiddhiManager). Not a global: create one.
class Engine
{
public:
    struct Options
    {
        ClockMode clock = ClockMode::Wall;
        AppContext::Logger logger;
    };
    Engine();
    explicit Engine(Options options);

    // Compiles and builds the app. On errors returns null, with every diagnostic (errors and
    // warnings) in diagnostics.
    std::unique_ptr<AppRuntime> createApp(const QByteArray &source, const QString &fileName,
                                          QList<Lang::Diagnostic> *diagnostics);

private:
    Options m_options;
};

} // namespace Rivulet::Runtime
