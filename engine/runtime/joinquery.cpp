// Joins: stream-stream with windows, stream-table, stream-named window, stream-aggregation.
//
// Each stream side runs its filters and window; what the window emits (current events, the
// expired events it pushes out, resets) goes to that side's trigger, which probes what the
// other side holds with the `on` condition and hands the joined events to the selector, one
// batch per triggering event, slots [left, right]. This is Siddhi's JoinProcessor: expired
// events join too (as expired joined events), outer sides emit unmatched events with nulls for
// the other side, unidirectional joins trigger from one side only, and tables and aggregations
// never trigger. A stream without a window holds nothing (Siddhi gives it a lengthBatch(0)):
// its events join once, and as expired events right after when the query wants them.
#include "aggregationlookup.h"
#include "appcontext.h"
#include "appruntime.h"
#include "namedwindow.h"
#include "querybuilder.h"
#include "selector.h"
#include "table.h"
#include "window.h"

#include "engine/lang/semanticmodel.h"

#include <optional>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

namespace {

enum class SideKind { Stream, Window, Table, Aggregation };

bool isBatchWindowName(const QString &name)
{
    static const char *batch[] = {"lengthBatch", "timeBatch", "externalTimeBatch",
                                  "cron",        "batch",     "expressionBatch"};
    for (const char *b : batch) {
        if (name == QLatin1String(b))
            return true;
    }
    return false;
}

std::shared_ptr<EventLayout> layoutOfSchema(const Lang::Schema &schema)
{
    QList<AttrType> types;
    QStringList names;
    for (const Lang::AttributeInfo &a : schema.attributes) {
        types << a.type;
        names << a.name;
    }
    return std::make_shared<EventLayout>(types, names);
}

// The right side's filters and window arguments were analysed in the join's scope, where the
// right stream is slot 1; its processors evaluate one event in slot 0. Shifts the slots of
// those expressions down by one while they are compiled, and puts them back after.
class SlotShift
{
public:
    explicit SlotShift(const SingleInput &input)
    {
        for (const StreamHandler &h : input.handlers) {
            if (h.filter)
                visit(*h.filter);
            for (const auto &a : h.call.args)
                visit(*a);
        }
    }
    ~SlotShift()
    {
        for (auto &[e, old] : m_changed)
            e->inputIndex = old;
    }
    bool readsOtherSide() const { return m_readsLeft; }

private:
    void visit(const Expr &expr)
    {
        auto &e = const_cast<Expr &>(expr);
        if ((e.kind == ExprKind::Variable || e.kind == ExprKind::StreamRef) && e.inputIndex >= 0) {
            if (e.inputIndex == 0) {
                m_readsLeft = true;
            } else {
                m_changed.emplace_back(&e, e.inputIndex);
                e.inputIndex -= 1;
            }
        }
        if (e.lhs)
            visit(*e.lhs);
        if (e.rhs)
            visit(*e.rhs);
        for (const auto &a : e.call.args)
            visit(*a);
    }
    std::vector<std::pair<Expr *, int>> m_changed;
    bool m_readsLeft = false;
};

class JoinRuntime;

// The window of a stream side that has none: holds nothing, and passes each event on its own,
// followed by its expired copy (when the query wants expired events) and a reset, as Siddhi's
// lengthBatch(0) does.
class PassWindow final : public Processor
{
public:
    PassWindow(AppContext *app, std::shared_ptr<EventLayout> layout, bool expired)
        : m_app(app)
        , m_layout(std::move(layout))
        , m_expired(expired)
        , m_reset(m_layout->allocate())
    {
        m_reset->type = EventType::Reset;
    }
    ~PassWindow() override { m_layout->release(m_reset); }
    void process(EventChunk &chunk) override
    {
        const int64_t now = m_app->currentTime();
        m_out.clear();
        m_reset->timestamp = now;
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            m_out.add(e);
            if (m_expired) {
                Event *expired = m_layout->clone(e);
                expired->type = EventType::Expired;
                expired->timestamp = now;
                m_out.add(expired);
                m_clones.push_back(expired);
            }
            // Resets only say "start again": one event without values serves them all.
            m_out.add(m_reset);
        }
        forward(m_out);
        m_out.clear();
        for (Event *c : m_clones)
            m_layout->release(c);
        m_clones.clear();
    }

private:
    AppContext *m_app;
    std::shared_ptr<EventLayout> m_layout;
    bool m_expired;
    Event *m_reset;
    EventChunk m_out;
    std::vector<Event *> m_clones;
};

struct JoinSide
{
    SideKind kind = SideKind::Stream;
    bool triggers = false;
    bool outer = false;
    bool dropExpired = false; // a batch window kept expired events only to be probed
    WindowProcessor *window = nullptr;
    NamedWindow *named = nullptr;
    Table *table = nullptr;
    std::unique_ptr<TableCondition> tableCondition; // when this side is a table: the probe
    Aggregation *aggregation = nullptr;
    std::shared_ptr<EventLayout> layout;
    FaultHandler fault;
};

// Receives what one side's window emits and joins it with the other side.
class JoinTrigger final : public Processor
{
public:
    JoinTrigger(JoinRuntime *join, int side)
        : m_join(join)
        , m_side(side)
    {}
    void process(EventChunk &chunk) override;

private:
    JoinRuntime *m_join;
    int m_side;
};

class JoinRuntime
{
public:
    JoinRuntime(AppContext *app)
        : m_app(app)
    {}
    ~JoinRuntime()
    {
        for (Event *e : m_aggregationRows)
            e->layout->release(e);
    }

    void process(int side, EventChunk &chunk);
    void configure();

    AppContext *m_app;
    JoinSide sides[2];
    EvaluatorPtr on; // slots [left, right]
    QuerySelector *selector = nullptr;
    // Aggregations: within start [, end] per granularity, evaluated per triggering event.
    EvaluatorPtr withinStart;
    EvaluatorPtr withinEnd;
    EvaluatorPtr per;

private:
    struct Scratch
    {
        std::vector<std::unique_ptr<StateEvent>> pool;
        size_t used = 0;
        StateChunk chunk;
        std::vector<Event *> candidates;
        StateEvent *next()
        {
            if (used == pool.size())
                pool.push_back(std::make_unique<StateEvent>(2));
            StateEvent *s = pool[used++].get();
            s->slots[0] = s->slots[1] = nullptr;
            return s;
        }
    };
    void trigger(int side, Event *e, Scratch &scratch);
    bool aggregationCandidates(const JoinSide &side, const EvalContext &ctx,
                               std::vector<Event *> &out, QString *error);
    bool m_simple = false;
    // One scratch area per nesting level: the selector's output may come back to this join.
    std::vector<std::unique_ptr<Scratch>> m_scratch;
    int m_depth = 0;
    TempPool m_temps;
    std::vector<Event *> m_aggregationRows;
};

void JoinTrigger::process(EventChunk &chunk)
{
    m_join->process(m_side, chunk);
}

void JoinRuntime::configure()
{
    m_simple = selector->aggregates.empty() && selector->groupBy.empty()
               && selector->orderBy.empty() && selector->limit < 0 && selector->offset < 0;
}

void JoinRuntime::process(int sideIndex, EventChunk &chunk)
{
    const JoinSide &side = sides[sideIndex];
    if (!side.triggers || chunk.empty())
        return;
    const JoinSide &other = sides[1 - sideIndex];
    if (size_t(m_depth) == m_scratch.size())
        m_scratch.push_back(std::make_unique<Scratch>());
    Scratch &s = *m_scratch[size_t(m_depth)];
    ++m_depth;
    s.used = 0;
    s.chunk.clear();
    s.chunk.batch = true;

    // Several events probing a keyed table: fetch the index slots a few events ahead.
    const size_t n = chunk.size();
    bool prefetch = false;
    if (n > 2 && other.kind == SideKind::Table && other.tableCondition->keyed()) {
        size_t data = 0;
        for (const Event *e : chunk.events)
            data += e->type == EventType::Current || e->type == EventType::Expired;
        prefetch = data > 1;
    }
    constexpr size_t kAhead = 4;
    Event *probeSlots[2] = {nullptr, nullptr};
    EvalContext probe;
    probe.slots = probeSlots;
    probe.app = m_app;
    probe.temps = &m_temps;
    auto prefetchFor = [&](size_t k) {
        Event *e = chunk.events[k];
        if (e->type != EventType::Current && e->type != EventType::Expired)
            return;
        probeSlots[sideIndex] = e;
        other.tableCondition->prefetch(probe);
        probe.error = nullptr;
        m_temps.clear();
    };
    if (prefetch) {
        for (size_t k = 0; k < kAhead && k < n; ++k)
            prefetchFor(k);
    }
    for (size_t k = 0; k < n; ++k) {
        if (prefetch && k + kAhead < n)
            prefetchFor(k + kAhead);
        Event *e = chunk.events[k];
        switch (e->type) {
        case EventType::Timer:
            continue;
        case EventType::Expired:
            if (side.dropExpired)
                continue;
            break;
        case EventType::Reset:
            if (m_simple)
                continue; // nothing in the selector to start again
            break;
        case EventType::Current:
            break;
        }
        trigger(sideIndex, e, s);
        // One batch per triggering event, as Siddhi's selector sees them; a selector without
        // aggregates, grouping, ordering or limits gives the same output for one batch of all.
        if (!m_simple && !s.chunk.empty()) {
            selector->processStates(s.chunk);
            s.chunk.clear();
            s.chunk.batch = true;
            s.used = 0;
        }
    }
    if (!s.chunk.empty())
        selector->processStates(s.chunk);
    s.chunk.clear();
    --m_depth;
}

bool JoinRuntime::aggregationCandidates(const JoinSide &side, const EvalContext &ctx,
                                        std::vector<Event *> &out, QString *error)
{
    for (Event *e : m_aggregationRows)
        e->layout->release(e);
    m_aggregationRows.clear();
    AggregationWithin within;
    Value v;
    auto timeOf = [&](const Evaluator &ev, int64_t *t, int64_t *patternEnd) {
        if (!ev.eval(ctx, v)) {
            *error = QStringLiteral("the 'within' time is null");
            return false;
        }
        if (ev.type() == AttrType::String)
            return parseWithinTime(v.s->toQString(), t, patternEnd, error);
        if (!Lang::isNumeric(ev.type())) {
            *error = QStringLiteral("the 'within' time must be a long or a date string");
            return false;
        }
        *t = toLong(ev.type(), v);
        if (patternEnd)
            *patternEnd = *t;
        return true;
    };
    int64_t patternEnd = 0;
    if (!withinStart || !timeOf(*withinStart, &within.start, &patternEnd))
        return false;
    within.end = patternEnd;
    if (withinEnd && !timeOf(*withinEnd, &within.end, nullptr))
        return false;
    if (!per || !per->eval(ctx, v) || per->type() != AttrType::String
        || !parsePerDuration(v.s->toQString(), &within.per)) {
        *error = QStringLiteral("'per' must be seconds, minutes, hours, days, months or years");
        return false;
    }
    EventLayout *layout = side.layout.get();
    const bool ok = findAggregationRows(
        side.aggregation, within,
        [&](const Event &row) { m_aggregationRows.push_back(layout->clone(&row)); }, error);
    out.insert(out.end(), m_aggregationRows.begin(), m_aggregationRows.end());
    return ok;
}

void JoinRuntime::trigger(int sideIndex, Event *e, Scratch &s)
{
    const JoinSide &side = sides[sideIndex];
    const JoinSide &other = sides[1 - sideIndex];
    if (e->type == EventType::Reset) {
        // Aggregates start again with the next batch of the triggering side.
        StateEvent *r = s.next();
        r->slots[size_t(sideIndex)] = e;
        r->type = EventType::Reset;
        r->timestamp = e->timestamp;
        s.chunk.events.push_back(r);
        return;
    }

    const size_t before = s.chunk.events.size();
    Event *slots[2] = {nullptr, nullptr};
    slots[sideIndex] = e;
    EvalContext ctx;
    ctx.slots = slots;
    ctx.app = m_app;
    ctx.temps = &m_temps;
    ctx.timestamp = e->timestamp;
    const int o = 1 - sideIndex;
    auto add = [&](Event *found) {
        StateEvent *st = s.next();
        st->slots[size_t(sideIndex)] = e;
        st->slots[size_t(o)] = found;
        st->type = e->type;
        st->timestamp = e->timestamp;
        s.chunk.events.push_back(st);
    };
    QString failure;
    switch (other.kind) {
    case SideKind::Table:
        other.tableCondition->forEachMatch(ctx, slots, add);
        break;
    case SideKind::Stream:
    case SideKind::Window:
    case SideKind::Aggregation: {
        s.candidates.clear();
        if (other.kind == SideKind::Stream) {
            if (other.window)
                other.window->contents(s.candidates);
        } else if (other.kind == SideKind::Window) {
            other.named->contents(s.candidates);
        } else if (!aggregationCandidates(other, ctx, s.candidates, &failure)) {
            if (!ctx.error) {
                ctx.error = "aggregation";
                ctx.errorText = failure;
            }
        }
        for (Event *c : s.candidates) {
            if (ctx.error)
                break;
            slots[o] = c;
            const bool match = !on || on->test(ctx);
            m_temps.clear();
            if (!ctx.error && match)
                add(c);
        }
        slots[o] = nullptr;
        break;
    }
    }
    m_temps.clear();
    if (ctx.error) {
        side.fault.fail(e,
                        ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error) : ctx.errorText);
        s.chunk.events.resize(before);
    } else if (s.chunk.events.size() == before && side.outer) {
        add(nullptr);
    }
}

} // namespace

bool buildJoinQuery(QueryBuilder &builder, const Query &query, QueryRuntime &runtime)
{
    const JoinInput &join = *query.input.join;
    AppRuntime &app = builder.app();
    const Lang::SemanticModel &model = app.compiled().model;
    const bool expiredWanted = query.output.eventType != OutputEventType::Current;
    auto jr = std::make_shared<JoinRuntime>(&app.context());
    runtime.keepAlive.push_back(jr);

    const SingleInput *inputs[2] = {&join.left, &join.right};
    StreamJunction *faultSource = nullptr;
    std::vector<std::pair<StreamJunction *, Processor *>> entries;

    for (int i = 0; i < 2; ++i) {
        const SingleInput &in = *inputs[i];
        JoinSide &side = jr->sides[i];
        const QString name = in.source.inner   ? u'#' + in.source.name
                             : in.source.fault ? u'!' + in.source.name
                                               : in.source.name;
        if (Table *t = app.table(in.source.name); t && !in.source.inner && !in.source.fault) {
            side.kind = SideKind::Table;
            side.table = t;
            side.layout = t->sharedLayout();
        } else if (NamedWindow *w = app.namedWindow(in.source.name);
                   w && !in.source.inner && !in.source.fault) {
            side.kind = SideKind::Window;
            side.named = w;
            side.layout = w->sharedLayout();
        } else if (const Lang::Schema *s = model.find(in.source.name);
                   s && s->kind == Lang::SchemaKind::Aggregation && !in.source.inner) {
            side.kind = SideKind::Aggregation;
            side.aggregation = app.aggregation(in.source.name);
            if (!side.aggregation)
                return builder.error(in.source.range,
                                     QStringLiteral("joins with aggregation '%1' are not "
                                                    "available yet: the aggregation does not run")
                                         .arg(in.source.name));
            side.layout = layoutOfSchema(*s);
            runtime.layouts.push_back(side.layout);
        } else {
            side.kind = SideKind::Stream;
        }
        if ((side.kind == SideKind::Table || side.kind == SideKind::Aggregation)
            && !in.handlers.empty())
            return builder.error(in.handlers.front().range,
                                 QStringLiteral("'%1' is not a stream: it cannot have filters or "
                                                "windows in a join")
                                     .arg(in.source.name));
        const bool dynamic = side.kind == SideKind::Stream || side.kind == SideKind::Window;
        side.triggers =
            dynamic
            && (join.trigger == JoinInput::Both || (join.trigger == JoinInput::LeftOnly && i == 0)
                || (join.trigger == JoinInput::RightOnly && i == 1));
        side.outer = join.type == JoinType::FullOuter
                     || (join.type == JoinType::LeftOuter && i == 0)
                     || (join.type == JoinType::RightOuter && i == 1);
        if (!dynamic)
            continue;

        StreamJunction *source =
            side.kind == SideKind::Window ? side.named->junction() : builder.junction(name);
        if (!source)
            return builder.error(
                in.source.range,
                QStringLiteral("stream '%1' is not available to this query").arg(name));
        if (!faultSource)
            faultSource = source;
        side.fault = FaultHandler(&app.context(), source, runtime.name);

        std::optional<SlotShift> shift;
        if (i == 1) {
            shift.emplace(in);
            if (shift->readsOtherSide())
                return builder.error(in.range,
                                     QStringLiteral("a filter of a join input can only read its "
                                                    "own stream"));
        }
        QueryBuilder::Chain chain;
        if (!builder.buildHandlers(in, source->sharedLayout(), runtime, side.fault, expiredWanted,
                                   &chain))
            return false;
        shift.reset();
        // Stream functions may have added attributes; the query sees the stream's own (the
        // analyzer's scope), which come first.
        side.layout = source->sharedLayout();
        auto append = [&](Processor *p) {
            if (!chain.first)
                chain.first = p;
            else
                chain.last->setNext(p);
            chain.last = p;
        };
        if (side.kind == SideKind::Stream) {
            if (chain.window) {
                side.window = chain.window;
                if (isBatchWindowName(in.window()->call.name) && !expiredWanted) {
                    // Keep the last batch to be probed; the query does not want it as expired
                    // events.
                    chain.window->outputExpectsExpired = true;
                    side.dropExpired = true;
                }
            } else {
                append(runtime.own(
                    std::make_unique<PassWindow>(&app.context(), chain.layout, expiredWanted)));
            }
        }
        append(runtime.own(std::make_unique<JoinTrigger>(jr.get(), i)));
        entries.emplace_back(source, chain.first);
    }

    // The condition, and for a table side its planned probe.
    CompileOptions opts = builder.options();
    if (join.on) {
        ExpressionCompiler c(opts);
        jr->on = c.compile(*join.on);
        if (!jr->on)
            return builder.error(join.on->range, c.error());
    }
    for (int i = 0; i < 2; ++i) {
        JoinSide &side = jr->sides[i];
        if (side.kind != SideKind::Table)
            continue;
        QString message;
        side.tableCondition = side.table->compileCondition(join.on.get(), i, opts, &message);
        if (!side.tableCondition)
            return builder.error(join.on ? join.on->range : join.joinRange, message);
    }
    if (join.withinStart) {
        auto compile = [&](const ExprPtr &e, EvaluatorPtr *out) {
            if (!e)
                return true;
            ExpressionCompiler c(opts);
            *out = c.compile(*e);
            if (!*out)
                return builder.error(e->range, c.error());
            return true;
        };
        if (!compile(join.withinStart, &jr->withinStart) || !compile(join.withinEnd, &jr->withinEnd)
            || !compile(join.per, &jr->per))
            return false;
    }

    QuerySelector *selector = builder.buildSelector(
        query, runtime, {jr->sides[0].layout, jr->sides[1].layout}, {}, false, false);
    if (!selector)
        return false;
    const FaultHandler fault(&app.context(), faultSource, runtime.name);
    selector->fault = fault;
    jr->selector = selector;
    jr->configure();
    Processor *limiter = builder.buildRateLimiter(query, runtime, runtime.layouts.back());
    if (query.rate.kind != OutputRate::None && !limiter)
        return false;
    OutputProcessor *output = builder.buildOutput(query, runtime, runtime.layouts.back(), fault);
    if (!output)
        return false;
    runtime.output = output;
    Processor *tail = selector;
    if (limiter) {
        tail->setNext(limiter);
        tail = limiter;
    }
    tail->setNext(output);
    for (auto &[junction, first] : entries)
        runtime.subscribe(junction, std::make_unique<ChainEntry>(first));
    return true;
}

} // namespace Rivulet::Runtime
