// expression and expressionBatch: windows whose extent is a SiddhiQL condition, given as a
// string and compiled once with the engine's own parser, analyzer and expression compiler.
// The condition reads the event being checked (its attributes unqualified), `first` (the oldest
// event held) and `last` (the newest), eventTimestamp(first) and eventTimestamp(last), and
// aggregates over the events held (count(), sum(price)...), as Siddhi's Expression(Batch)
// WindowProcessor evaluates it.
#include "aggregators.h"
#include "appcontext.h"
#include "window.h"

#include "engine/lang/analyzer.h"
#include "engine/lang/diagnostic.h"
#include "engine/lang/parser.h"

namespace Rivulet::Runtime {

namespace {

// The condition of an expression window. Evaluating it also feeds its aggregates, as Siddhi's
// aggregate executors do: a current event is added, an expired event removed, a reset resets.
class WindowCondition
{
public:
    bool build(const QString &text, const EventLayout &layout, AppContext *app, QString *error)
    {
        m_app = app;
        m_text = text;
        m_source = text.toUtf8();
        Lang::DiagnosticList diagnostics;
        Lang::Parser parser(m_source, &diagnostics);
        m_ast = parser.parseStandaloneExpression();
        auto firstError = [&]() {
            for (const Lang::Diagnostic &d : diagnostics.items()) {
                if (d.severity == Lang::Severity::Error)
                    return d.message;
            }
            return QStringLiteral("it does not parse");
        };
        if (!m_ast || diagnostics.hasErrors()) {
            *error = QStringLiteral("the window expression '%1' is not valid: %2")
                         .arg(text, firstError());
            return false;
        }
        m_schema.name = QStringLiteral("window");
        for (int i = 0; i < layout.size(); ++i)
            m_schema.attributes.append({layout.names().value(i), layout.type(i)});
        QList<Lang::ScopeInput> inputs;
        Lang::ScopeInput self;
        self.schema = &m_schema;
        self.primary = true;
        Lang::ScopeInput first = self;
        first.primary = false;
        first.reference = QStringLiteral("first");
        Lang::ScopeInput last = first;
        last.reference = QStringLiteral("last");
        inputs << self << first << last;
        Lang::Analyzer analyzer(&diagnostics);
        const AttrType type = analyzer.analyzeExpression(*m_ast, inputs);
        if (diagnostics.hasErrors()) {
            *error = QStringLiteral("the window expression '%1' is not valid: %2")
                         .arg(text, firstError());
            return false;
        }
        if (type != AttrType::Bool) {
            *error = QStringLiteral("the window expression '%1' does not return a bool").arg(text);
            return false;
        }
        resolveEventReferences(*m_ast);

        CompileOptions options;
        options.app = app;
        QString failure;
        options.aggregates = [&](const Lang::Ast::Call &call, AttrType) -> EvaluatorPtr {
            Aggregate aggregate;
            AttrType argType = AttrType::Unknown;
            if (!call.args.empty()) {
                CompileOptions argOptions;
                argOptions.app = app;
                ExpressionCompiler argCompiler(argOptions);
                aggregate.argument = argCompiler.compile(*call.args[0]);
                if (!aggregate.argument) {
                    failure = argCompiler.error();
                    return nullptr;
                }
                argType = aggregate.argument->type();
            }
            QString message;
            auto factory = makeAggregatorFactory(call.name, argType, true, &message);
            if (!factory) {
                failure = message;
                return nullptr;
            }
            aggregate.aggregator = factory->create();
            auto result = std::make_unique<AggregateResult>(aggregate.aggregator.get(),
                                                            factory->resultType());
            m_aggregates.push_back(std::move(aggregate));
            return result;
        };
        ExpressionCompiler compiler(options);
        m_condition = compiler.compile(*m_ast);
        if (!m_condition) {
            *error = QStringLiteral("the window expression '%1' cannot run: %2")
                         .arg(text, failure.isEmpty() ? compiler.error() : failure);
            return false;
        }
        return true;
    }

    // Checks the condition for `self`, with the window's first and last events.
    bool evaluate(Event *self, Event *first, Event *last, EventType type)
    {
        Event *slots[3] = {self, first, last};
        EvalContext ctx;
        ctx.slots = slots;
        ctx.timestamp = self->timestamp;
        ctx.app = m_app;
        ctx.temps = &m_temps;
        for (Aggregate &a : m_aggregates) {
            if (type == EventType::Reset) {
                a.aggregator->reset();
                continue;
            }
            Value v{};
            bool isNull = false;
            if (a.argument)
                isNull = !a.argument->eval(ctx, v);
            if (type == EventType::Current)
                a.aggregator->add(v, isNull);
            else
                a.aggregator->remove(v, isNull);
        }
        const bool result = m_condition->test(ctx);
        m_temps.clear();
        if (ctx.error) {
            m_app->reportError(QStringLiteral("window expression '%1'").arg(m_text),
                               ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error)
                                                       : ctx.errorText);
        }
        return result;
    }

private:
    class AggregateResult final : public Evaluator
    {
    public:
        AggregateResult(const Aggregator *aggregator, AttrType type)
            : Evaluator(type)
            , m_aggregator(aggregator)
        {}
        bool eval(const EvalContext &, Value &out) const override
        {
            return m_aggregator->result(out);
        }

    private:
        const Aggregator *m_aggregator;
    };
    struct Aggregate
    {
        std::unique_ptr<Aggregator> aggregator;
        EvaluatorPtr argument;
    };

    // eventTimestamp(first) and eventTimestamp(last) read the events in slots 1 and 2.
    static void resolveEventReferences(Lang::Ast::Expr &e)
    {
        if (e.kind == Lang::Ast::ExprKind::StreamRef)
            e.inputIndex = e.stream == QLatin1String("first")  ? 1
                           : e.stream == QLatin1String("last") ? 2
                                                               : 0;
        if (e.lhs)
            resolveEventReferences(*e.lhs);
        if (e.rhs)
            resolveEventReferences(*e.rhs);
        for (auto &a : e.call.args)
            resolveEventReferences(*a);
    }

    AppContext *m_app = nullptr;
    QString m_text;
    QByteArray m_source;
    Lang::Ast::ExprPtr m_ast;
    Lang::Schema m_schema;
    EvaluatorPtr m_condition;
    std::vector<Aggregate> m_aggregates;
    TempPool m_temps;
};

// expression('condition'): a sliding window that keeps events while the condition holds. Each
// arriving event is added; when the condition fails for it, the held events leave from the
// oldest, each checked as it leaves (as an expired event, stamped with the current time) until
// the condition holds again (ExpressionWindowProcessor). Expired events come before the new
// current event.
class ExpressionWindow final : public WindowProcessor
{
public:
    ExpressionWindow(AppContext *app, std::shared_ptr<EventLayout> layout,
                     std::unique_ptr<WindowCondition> condition)
        : WindowProcessor(app, std::move(layout))
        , m_condition(std::move(condition))
    {}
    ~ExpressionWindow() override { releaseAll(m_queue); }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            Event *clone = cloneAs(e, EventType::Expired);
            m_queue.push_back(clone);
            if (!m_condition->evaluate(clone, m_queue.front(), clone, EventType::Current)) {
                while (!m_queue.empty()) {
                    Event *x = m_queue.front();
                    m_queue.pop_front();
                    m_out.add(x);
                    handOver(x);
                    x->timestamp = t;
                    Event *first = m_queue.empty() ? x : m_queue.front();
                    if (m_condition->evaluate(x, first, clone, EventType::Expired))
                        break;
                }
            }
            m_out.add(e);
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_queue.begin(), m_queue.end());
    }

protected:
    void timerTick(int64_t) override {}

private:
    std::unique_ptr<WindowCondition> m_condition;
    std::deque<Event *> m_queue;
};

// expressionBatch('condition', include.triggering.event, stream.current.event): events gather
// while the condition holds; the event for which it fails ends the batch
// (ExpressionBatchWindowProcessor). The batch is then emitted, after the previous batch as
// expired events, with no reset event: its current events carry the current time, and the
// triggering event starts the next batch (or ends this one, with include.triggering.event).
// The aggregates of the condition restart from the triggering event. With stream.current.event,
// events pass as they arrive and the batch leaves as expired events when it ends.
class ExpressionBatchWindow final : public WindowProcessor
{
public:
    ExpressionBatchWindow(AppContext *app, std::shared_ptr<EventLayout> layout,
                          std::unique_ptr<WindowCondition> condition, bool includeTriggering,
                          bool streamCurrent)
        : WindowProcessor(app, std::move(layout))
        , m_condition(std::move(condition))
        , m_includeTriggering(includeTriggering)
        , m_streamCurrent(streamCurrent)
    {}
    ~ExpressionBatchWindow() override
    {
        releaseAll(m_current);
        releaseAll(m_expired);
    }
    bool isBatching() const override { return true; }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            Event *event = cloneAs(e, EventType::Current);
            if (m_streamCurrent)
                processAsStream(event, t);
            else
                processBatch(event, t);
        }
    }
    void contents(std::vector<Event *> &out) const override
    {
        const auto &held = m_streamCurrent ? m_expired : m_current;
        out.insert(out.end(), held.begin(), held.end());
    }

protected:
    void timerTick(int64_t) override {}

private:
    void restart(Event *event, Event *first)
    {
        m_condition->evaluate(event, first, event, EventType::Reset);
        m_condition->evaluate(event, first, event, EventType::Current);
    }
    void send(Event *e)
    {
        m_out.add(e);
        handOver(e);
    }
    void processBatch(Event *event, int64_t t)
    {
        Event *first = m_current.empty() ? event : m_current.front();
        if (m_condition->evaluate(event, first, event, EventType::Current)) {
            m_current.push_back(event);
            return;
        }
        restart(event, first);
        for (Event *x : m_expired) {
            x->timestamp = t;
            send(x);
        }
        m_expired.clear();
        if (!m_current.empty()) {
            for (Event *c : m_current) {
                c->timestamp = t;
                m_expired.push_back(cloneAs(c, EventType::Expired));
                send(c);
            }
            m_current.clear();
            if (m_includeTriggering) {
                send(event);
                Event *x = cloneAs(event, EventType::Expired);
                x->timestamp = t;
                m_expired.push_back(x);
            } else {
                m_current.push_back(event);
            }
        } else {
            Event *x = cloneAs(event, EventType::Expired);
            x->timestamp = t;
            send(x);
            event->timestamp = t;
            send(event);
        }
        emit(true);
    }
    void processAsStream(Event *event, int64_t t)
    {
        Event *first = m_expired.empty() ? event : m_expired.front();
        if (m_condition->evaluate(event, first, event, EventType::Current)) {
            m_expired.push_back(cloneAs(event, EventType::Expired));
            send(event);
            emit(true);
            return;
        }
        restart(event, first);
        if (!m_expired.empty()) {
            for (Event *x : m_expired)
                x->timestamp = t;
            Event *x = cloneAs(event, EventType::Expired);
            if (m_includeTriggering) {
                send(event);
                for (Event *h : m_expired)
                    send(h);
                m_expired.clear();
                x->timestamp = t;
                send(x);
            } else {
                for (Event *h : m_expired)
                    send(h);
                m_expired.clear();
                send(event);
                m_expired.push_back(x);
            }
        } else {
            Event *x = cloneAs(event, EventType::Expired);
            x->timestamp = t;
            send(x);
            event->timestamp = t;
            send(event);
        }
        emit(true);
    }

    std::unique_ptr<WindowCondition> m_condition;
    bool m_includeTriggering;
    bool m_streamCurrent;
    std::deque<Event *> m_current;
    std::deque<Event *> m_expired;
};

} // namespace

std::unique_ptr<WindowProcessor> makeExpressionWindow(const Lang::Ast::Call &call, AppContext *app,
                                                      std::shared_ptr<EventLayout> layout,
                                                      std::vector<EvaluatorPtr> &args,
                                                      QString *error)
{
    const bool batch = call.name == QLatin1String("expressionBatch");
    if (!batch && call.name != QLatin1String("expression"))
        return nullptr;
    if (!batch && args.size() > 1) {
        // Siddhi's expression window takes the expression only.
        *error = QStringLiteral("window expression takes one parameter, the expression");
        return nullptr;
    }
    auto condition = std::make_unique<WindowCondition>();
    if (!condition->build(constantString(*args[0]), *layout, app, error))
        return nullptr;
    if (!batch)
        return std::make_unique<ExpressionWindow>(app, std::move(layout), std::move(condition));
    const bool include = args.size() > 1 && constantBool(*args[1]);
    const bool stream = args.size() > 2 && constantBool(*args[2]);
    return std::make_unique<ExpressionBatchWindow>(app, std::move(layout), std::move(condition),
                                                   include, stream);
}

} // namespace Rivulet::Runtime
