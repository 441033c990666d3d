// Incremental aggregations: define aggregation A from S select ... aggregate [by t] every sec ...
// year, and their lookup (within ... per ...).
#include "aggregation.h"

#include "aggregationlookup.h"
#include "appcontext.h"
#include "appruntime.h"
#include "features.h"
#include "querybuilder.h"
#include "timetext.h"

#include "engine/lang/registry.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cstring>
#include <limits>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

// ---- periods and `within` -------------------------------------------------------------------

namespace {

int64_t unitMillis(Duration d)
{
    switch (d) {
    case Duration::Seconds:
        return 1000;
    case Duration::Minutes:
        return 60000;
    case Duration::Hours:
        return 3600000;
    case Duration::Days:
        return 86400000;
    default:
        return 0;
    }
}

int64_t startOfMonth(int64_t t, const QTimeZone &zone, bool year)
{
    const QDate d = QDateTime::fromMSecsSinceEpoch(t, zone).date();
    const QDate first(d.year(), year ? 1 : d.month(), 1);
    return QDateTime(first, QTime(0, 0), zone).toMSecsSinceEpoch();
}

int64_t nextMonth(int64_t t, const QTimeZone &zone, bool year)
{
    const QDate d = QDateTime::fromMSecsSinceEpoch(t, zone).date();
    const QDate first =
        year ? QDate(d.year() + 1, 1, 1) : QDate(d.year(), d.month(), 1).addMonths(1);
    return QDateTime(first, QTime(0, 0), zone).toMSecsSinceEpoch();
}

QString durationText(Duration d)
{
    switch (d) {
    case Duration::Seconds:
        return QStringLiteral("sec");
    case Duration::Minutes:
        return QStringLiteral("min");
    case Duration::Hours:
        return QStringLiteral("hour");
    case Duration::Days:
        return QStringLiteral("day");
    case Duration::Weeks:
        return QStringLiteral("week");
    case Duration::Months:
        return QStringLiteral("month");
    case Duration::Years:
        return QStringLiteral("year");
    }
    return {};
}

} // namespace

int64_t aggregationPeriodStart(int64_t t, Duration d)
{
    if (const int64_t unit = unitMillis(d))
        return t - t % unit; // Java's remainder, as Siddhi's IncrementalTimeConverterUtil
    return startOfMonth(t, QTimeZone::utc(), d == Duration::Years);
}

int64_t aggregationNextPeriod(int64_t t, Duration d)
{
    if (const int64_t unit = unitMillis(d))
        return t - t % unit + unit;
    return nextMonth(t, QTimeZone::utc(), d == Duration::Years);
}

// ---- Aggregation ------------------------------------------------------------------------------

namespace {

// The end of the aggregation's input chain.
class AggregationSink final : public Processor
{
public:
    explicit AggregationSink(Aggregation *aggregation)
        : m_aggregation(aggregation)
    {}
    void process(EventChunk &chunk) override { m_aggregation->process(chunk); }

private:
    Aggregation *m_aggregation;
};

class PurgeTimer final : public TimerTarget
{
public:
    explicit PurgeTimer(std::function<void(int64_t)> f)
        : m_f(std::move(f))
    {}
    void onTimer(int64_t at) override { m_f(at); }

private:
    std::function<void(int64_t)> m_f;
};

void appendKeyPart(std::string &key, AttrType type, Value v, bool present)
{
    if (!present) {
        key.push_back('\0');
        return;
    }
    key.push_back('\1');
    switch (type) {
    case AttrType::String: {
        const uint32_t n = uint32_t(v.s->size);
        key.append(reinterpret_cast<const char *>(&n), sizeof n);
        key.append(v.s->data, size_t(v.s->size));
        break;
    }
    case AttrType::Object: {
        const QByteArray text = v.o ? v.o->toString().toUtf8() : QByteArray();
        const uint32_t n = uint32_t(text.size());
        key.append(reinterpret_cast<const char *>(&n), sizeof n);
        key.append(text.constData(), size_t(text.size()));
        break;
    }
    case AttrType::Bool:
        key.push_back(v.b ? 't' : 'f');
        break;
    case AttrType::Int:
        key.append(reinterpret_cast<const char *>(&v.i), sizeof v.i);
        break;
    case AttrType::Float:
        key.append(reinterpret_cast<const char *>(&v.f), sizeof v.f);
        break;
    default:
        key.append(reinterpret_cast<const char *>(&v.l), sizeof v.l);
        break;
    }
}

int compareNumbers(AttrType t, Value a, Value b)
{
    switch (t) {
    case AttrType::Int:
        return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case AttrType::Long:
        return a.l < b.l ? -1 : a.l > b.l ? 1 : 0;
    case AttrType::Float:
        return a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
    case AttrType::Double:
        return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    default:
        return 0;
    }
}

} // namespace

class Aggregation::ResultNode final : public Evaluator
{
public:
    ResultNode(const Aggregation *aggregation, int call, AttrType type)
        : Evaluator(type)
        , m_aggregation(aggregation)
        , m_call(call)
    {}
    bool eval(const EvalContext &, Value &out) const override
    {
        const Row *row = m_aggregation->m_current;
        return row && m_aggregation->callResult(*row, m_call, out);
    }

private:
    const Aggregation *m_aggregation;
    int m_call;
};

void Aggregation::Bucket::clear()
{
    start = -1;
    rows.clear();
    index.clear();
}

Aggregation::Aggregation(AppRuntime &app, const Definition &definition)
    : m_app(app)
    , m_def(definition)
    , m_name(definition.name)
{}

Aggregation::~Aggregation()
{
    m_app.context().scheduler.cancel(this);
    if (m_purgeTimer)
        m_app.context().scheduler.cancel(m_purgeTimer.get());
    m_input.reset();
    for (Level &level : m_levels) {
        for (auto &r : level.current.rows)
            releaseRow(*r);
        for (auto &[start, bucket] : level.table) {
            for (auto &r : bucket.rows)
                releaseRow(*r);
        }
    }
}

void Aggregation::releaseRow(Row &row)
{
    if (row.latest) {
        m_inputLayout->release(row.latest);
        row.latest = nullptr;
    }
}

bool Aggregation::parsePurge(QueryBuilder &builder)
{
    // Siddhi's defaults (IncrementalDataPurger): purge every 15 minutes, keep seconds for
    // 120 sec, minutes for 24 hours, hours for 30 days, days for a year, months and years.
    for (Level &level : m_levels) {
        switch (level.duration) {
        case Duration::Seconds:
            level.retention = 120LL * 1000;
            break;
        case Duration::Minutes:
            level.retention = 24LL * 3600 * 1000;
            break;
        case Duration::Hours:
            level.retention = 30LL * 86400 * 1000;
            break;
        case Duration::Days:
            level.retention = 365LL * 86400 * 1000;
            break;
        default:
            level.retention = -1;
            break;
        }
    }
    const Annotation *purge = findAnnotation(m_def.annotations, "purge");
    if (!purge)
        return true;
    const QString enable = purge->value(QStringLiteral("enable")).trimmed();
    if (!enable.isEmpty()) {
        if (enable.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            m_purge = true;
        else if (enable.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
            m_purge = false;
        else
            return builder.error(purge->range,
                                 QStringLiteral("@purge enable must be 'true' or 'false', found "
                                                "'%1'")
                                     .arg(enable));
    }
    if (!m_purge)
        return true;
    const QString interval = purge->value(QStringLiteral("interval"));
    if (!interval.isEmpty() && (!parseTimeText(interval, &m_purgeInterval) || m_purgeInterval <= 0))
        return builder.error(
            purge->range,
            QStringLiteral("@purge interval '%1' is not a time such as '10 sec'").arg(interval));
    if (const Annotation *retention = purge->annotation("retentionPeriod")) {
        for (const AnnotationElement &el : retention->elements) {
            Duration d;
            if (!parseGranularity(el.key, &d))
                return builder.error(el.range, QStringLiteral("'%1' is not a granularity (sec, "
                                                              "min, hour, day, month, year)")
                                                   .arg(el.key));
            auto level = std::find_if(m_levels.begin(), m_levels.end(),
                                      [d](const Level &l) { return l.duration == d; });
            if (level == m_levels.end())
                return builder.error(el.range,
                                     QStringLiteral("%1 granularity cannot be purged: aggregation "
                                                    "'%2' does not aggregate by it")
                                         .arg(durationText(d), m_name));
            if (el.value.trimmed().compare(QLatin1String("all"), Qt::CaseInsensitive) == 0) {
                level->retention = -1;
                continue;
            }
            int64_t ms = 0;
            if (!parseTimeText(el.value, &ms))
                return builder.error(el.range, QStringLiteral("retention '%1' is not a time such "
                                                              "as '120 sec' or 'all'")
                                                   .arg(el.value));
            // Siddhi's minimums keep what the next granularity still needs.
            int64_t minimum = 0;
            switch (d) {
            case Duration::Seconds:
                minimum = 120LL * 1000;
                break;
            case Duration::Minutes:
                minimum = 120LL * 60 * 1000;
                break;
            case Duration::Hours:
                minimum = 25LL * 3600 * 1000;
                break;
            case Duration::Days:
                minimum = 32LL * 86400 * 1000;
                break;
            case Duration::Months:
                minimum = 13LL * 30 * 86400 * 1000;
                break;
            default:
                break;
            }
            if (ms < minimum)
                return builder.error(el.range,
                                     QStringLiteral("%1 granularity cannot be purged with a "
                                                    "retention of '%2': the minimum is %3 minutes")
                                         .arg(durationText(d), el.value)
                                         .arg(minimum / 60000));
            level->retention = ms;
        }
    }
    return true;
}

bool Aggregation::build(QueryBuilder &builder)
{
    AppContext &ctx = m_app.context();
    const Lang::Schema *schema = m_app.compiled().model.find(m_name);
    if (!schema || !m_def.aggregationInput)
        return builder.error(m_def.range,
                             QStringLiteral("aggregation '%1' has no input stream").arg(m_name));
    {
        QList<AttrType> types;
        QStringList names;
        for (const Lang::AttributeInfo &a : schema->attributes) {
            types << a.type;
            names << a.name;
        }
        m_layout = std::make_shared<EventLayout>(types, names);
    }

    // Granularities, finest first.
    for (Duration d : m_def.granularities) {
        if (d == Duration::Weeks)
            return builder.error(m_def.granularityRange,
                                 QStringLiteral("aggregations do not support weeks"));
        if (std::find(m_durations.begin(), m_durations.end(), d) == m_durations.end())
            m_durations.push_back(d);
    }
    std::sort(m_durations.begin(), m_durations.end(),
              [](Duration a, Duration b) { return int(a) < int(b); });
    if (m_durations.empty())
        return builder.error(m_def.range,
                             QStringLiteral("aggregation '%1' has no granularity").arg(m_name));
    for (Duration d : m_durations) {
        Level level;
        level.duration = d;
        level.nextEmit = std::numeric_limits<int64_t>::min();
        m_levels.push_back(std::move(level));
    }
    if (!parsePurge(builder))
        return false;

    // Input: the stream, its filters and stream functions.
    const SingleInput &in = *m_def.aggregationInput;
    const QString sourceName = in.source.inner   ? u'#' + in.source.name
                               : in.source.fault ? u'!' + in.source.name
                                                 : in.source.name;
    StreamJunction *source = builder.junction(sourceName);
    if (!source)
        return builder.error(in.source.range,
                             QStringLiteral("stream '%1' is not available to aggregation '%2'")
                                 .arg(sourceName, m_name));
    m_input = std::make_unique<QueryRuntime>();
    m_input->name = QStringLiteral("aggregation ") + m_name;
    m_fault = FaultHandler(&ctx, source, m_input->name);
    QueryBuilder::Chain chain;
    if (!builder.buildHandlers(in, source->sharedLayout(), *m_input, m_fault, false, &chain))
        return false;
    if (chain.window)
        return builder.error(in.range, QStringLiteral("an aggregation cannot have a window"));
    m_inputLayout = chain.layout;

    // aggregate by
    if (m_def.aggregateBy) {
        ExpressionCompiler c(builder.options());
        m_timeOf = c.compile(*m_def.aggregateBy);
        if (!m_timeOf)
            return builder.error(m_def.aggregateBy->range, c.error());
        if (m_timeOf->type() != AttrType::Long && m_timeOf->type() != AttrType::String)
            return builder.error(m_def.aggregateBy->range,
                                 QStringLiteral("'aggregate by' takes a long or a date string"));
        m_externalTime = true;
    }

    // group by
    const Selector &sel = m_def.aggregationSelector;
    for (const auto &g : sel.groupBy) {
        ExpressionCompiler c(builder.options());
        EvaluatorPtr e = c.compile(*g);
        if (!e)
            return builder.error(g->range, c.error());
        m_groupBy.push_back(std::move(e));
    }

    // select: aggregate calls become base values; the rest reads the latest event.
    QString failure;
    CompileOptions opts = builder.options();
    opts.aggregates = [&](const Call &call, AttrType) -> EvaluatorPtr {
        CallSpec spec;
        const QString n = call.name;
        if (n == QLatin1String("sum"))
            spec.kind = CallKind::Sum;
        else if (n == QLatin1String("count"))
            spec.kind = CallKind::Count;
        else if (n == QLatin1String("avg"))
            spec.kind = CallKind::Avg;
        else if (n == QLatin1String("min"))
            spec.kind = CallKind::Min;
        else if (n == QLatin1String("max"))
            spec.kind = CallKind::Max;
        else if (n == QLatin1String("distinctCount"))
            spec.kind = CallKind::DistinctCount;
        else {
            failure = QStringLiteral("%1() cannot be aggregated incrementally: aggregations "
                                     "support sum, count, avg, min, max and distinctCount")
                          .arg(call.qualifiedName());
            return nullptr;
        }
        if (!call.args.empty() && spec.kind != CallKind::Count) {
            ExpressionCompiler argCompiler(builder.options());
            spec.argument = argCompiler.compile(*call.args[0]);
            if (!spec.argument) {
                failure = argCompiler.error();
                return nullptr;
            }
            spec.argType = spec.argument->type();
        } else if (spec.kind != CallKind::Count) {
            failure = QStringLiteral("%1() needs an argument").arg(n);
            return nullptr;
        }
        const AttrType t = spec.argType;
        const bool numeric = t == AttrType::Int || t == AttrType::Long || t == AttrType::Float
                             || t == AttrType::Double;
        const int call_ = int(m_calls.size());
        spec.firstBase = int(m_bases.size());
        switch (spec.kind) {
        case CallKind::Sum:
        case CallKind::Avg: {
            if (!numeric) {
                failure =
                    QStringLiteral("%1() of a %2 cannot be aggregated").arg(n, Lang::typeName(t));
                return nullptr;
            }
            const AttrType sumType =
                (t == AttrType::Int || t == AttrType::Long) ? AttrType::Long : AttrType::Double;
            m_bases.push_back({BaseKind::Sum, sumType, call_});
            if (spec.kind == CallKind::Avg) {
                m_bases.push_back({BaseKind::Count, AttrType::Long, call_});
                spec.resultType = AttrType::Double;
            } else {
                spec.resultType = sumType;
            }
            break;
        }
        case CallKind::Count:
            m_bases.push_back({BaseKind::Count, AttrType::Long, call_});
            spec.resultType = AttrType::Long;
            break;
        case CallKind::Min:
        case CallKind::Max:
            if (!numeric) {
                failure =
                    QStringLiteral("%1() of a %2 cannot be aggregated").arg(n, Lang::typeName(t));
                return nullptr;
            }
            m_bases.push_back(
                {spec.kind == CallKind::Min ? BaseKind::Min : BaseKind::Max, t, call_});
            spec.resultType = t;
            break;
        case CallKind::DistinctCount:
            if (t == AttrType::Object) {
                failure = QStringLiteral("distinctCount() of an object cannot be aggregated");
                return nullptr;
            }
            m_bases.push_back({BaseKind::Set, t, call_});
            spec.resultType = AttrType::Long;
            break;
        }
        const AttrType resultType = spec.resultType;
        m_calls.push_back(std::move(spec));
        return std::make_unique<ResultNode>(this, call_, resultType);
    };
    if (!sel.present || sel.star) {
        for (int i = 0; i < m_inputLayout->size(); ++i)
            m_outputs.push_back(ExpressionCompiler::attribute(m_inputLayout->type(i), 0, i));
    } else {
        for (const OutputAttribute &a : sel.attributes) {
            ExpressionCompiler c(opts);
            EvaluatorPtr e = c.compile(*a.expr);
            if (!e)
                return builder.error(a.expr->range, failure.isEmpty() ? c.error() : failure);
            const int index = int(m_outputs.size()) + 1;
            if (index < m_layout->size() && e->type() != m_layout->type(index))
                e = ExpressionCompiler::convert(std::move(e), m_layout->type(index));
            m_outputs.push_back(std::move(e));
        }
    }
    if (int(m_outputs.size()) + 1 != m_layout->size())
        return builder.error(m_def.range,
                             QStringLiteral("aggregation '%1': the select clause does not match "
                                            "its schema")
                                 .arg(m_name));

    // Wire the input: stream -> filters -> this.
    Processor *sink = m_input->own(std::make_unique<AggregationSink>(this));
    if (chain.last)
        chain.last->setNext(sink);
    m_input->subscribe(source, std::make_unique<ChainEntry>(chain.first ? chain.first : sink));

    if (m_purge) {
        m_purgeTimer = std::make_unique<PurgeTimer>([this](int64_t at) { purge(at); });
        m_nextPurge = ctx.currentTime() + m_purgeInterval;
        ctx.scheduler.notifyAt(m_purgeTimer.get(), m_nextPurge);
    }
    return true;
}

Aggregation::Row *Aggregation::rowFor(Bucket &bucket, const std::string &key)
{
    auto it = bucket.index.find(key);
    if (it != bucket.index.end())
        return it->second;
    auto row = std::make_unique<Row>();
    row->key = key;
    row->bases.resize(m_bases.size());
    for (size_t i = 0; i < m_bases.size(); ++i) {
        if (m_bases[i].kind == BaseKind::Set)
            row->bases[i].set = std::make_unique<std::unordered_set<std::string>>();
    }
    Row *raw = row.get();
    bucket.rows.push_back(std::move(row));
    bucket.index.emplace(raw->key, raw);
    return raw;
}

void Aggregation::copyLatest(Row &into, const Row &from)
{
    if (!from.latest)
        return;
    // The latest event wins; on a tie the one merged last (Siddhi's `>=`).
    if (into.latest && from.latestTime < into.latestTime)
        return;
    if (into.latest)
        m_inputLayout->release(into.latest);
    into.latest = m_inputLayout->clone(from.latest);
    into.latestTime = from.latestTime;
}

void Aggregation::mergeRow(Row &into, const Row &from)
{
    copyLatest(into, from);
    for (size_t i = 0; i < m_bases.size(); ++i) {
        const BaseSpec &spec = m_bases[i];
        Base &a = into.bases[i];
        const Base &b = from.bases[i];
        if (spec.kind == BaseKind::Set) {
            a.set->insert(b.set->begin(), b.set->end());
            continue;
        }
        if (!b.present)
            continue;
        if (!a.present) {
            a.value = b.value;
            a.present = true;
            continue;
        }
        switch (spec.kind) {
        case BaseKind::Sum:
            if (spec.type == AttrType::Long)
                a.value.l += b.value.l;
            else
                a.value.d += b.value.d;
            break;
        case BaseKind::Count:
            a.value.l += b.value.l;
            break;
        case BaseKind::Min:
            if (compareNumbers(spec.type, b.value, a.value) < 0)
                a.value = b.value;
            break;
        case BaseKind::Max:
            if (compareNumbers(spec.type, b.value, a.value) > 0)
                a.value = b.value;
            break;
        case BaseKind::Set:
            break;
        }
    }
}

void Aggregation::storeInTable(size_t level, Bucket &&bucket)
{
    Bucket &stored = m_levels[level].table[bucket.start];
    if (stored.rows.empty()) {
        const int64_t start = bucket.start;
        stored = std::move(bucket);
        stored.start = start;
        return;
    }
    // The same period finished twice (out-of-order events): merge.
    for (auto &r : bucket.rows) {
        mergeRow(*rowFor(stored, r->key), *r);
        releaseRow(*r);
    }
}

void Aggregation::rollCheck(size_t level, int64_t time)
{
    Level &l = m_levels[level];
    if (time < l.nextEmit)
        return;
    l.nextEmit = aggregationNextPeriod(time, l.duration);
    const int64_t newStart = aggregationPeriodStart(time, l.duration);
    Bucket finished = std::move(l.current);
    l.current = Bucket();
    l.current.start = newStart;
    if (!finished.rows.empty()) {
        if (level + 1 < m_levels.size()) {
            for (const auto &r : finished.rows)
                addRow(level + 1, *r, finished.start);
        }
        storeInTable(level, std::move(finished));
    }
    // Siddhi's timer event: the next granularity may close its period too.
    if (level + 1 < m_levels.size())
        rollCheck(level + 1, newStart);
}

void Aggregation::addRow(size_t level, const Row &row, int64_t time)
{
    rollCheck(level, time);
    mergeRow(*rowFor(m_levels[level].current, row.key), row);
}

void Aggregation::addEvent(Event *e, int64_t time)
{
    rollCheck(0, time);
    EvalContext ctx;
    ctx.app = &m_app.context();
    ctx.temps = &m_temps;
    ctx.slots = &e;
    ctx.timestamp = e->timestamp;
    m_keyBuffer.clear();
    for (const EvaluatorPtr &g : m_groupBy) {
        Value v;
        const bool present = g->eval(ctx, v);
        appendKeyPart(m_keyBuffer, g->type(), v, present);
    }
    // Evaluate every argument before changing anything: a failing event counts nowhere.
    struct Arg
    {
        Value v;
        bool present;
    };
    Arg args[16];
    std::vector<Arg> moreArgs;
    Arg *argv = args;
    if (m_calls.size() > 16) {
        moreArgs.resize(m_calls.size());
        argv = moreArgs.data();
    }
    for (size_t c = 0; c < m_calls.size(); ++c) {
        argv[c].present = false;
        if (m_calls[c].argument)
            argv[c].present = m_calls[c].argument->eval(ctx, argv[c].v);
    }
    if (ctx.error) {
        m_fault.fail(e, ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error) : ctx.errorText);
        m_temps.clear();
        return;
    }
    Row *row = rowFor(m_levels[0].current, m_keyBuffer);
    for (size_t i = 0; i < m_bases.size(); ++i) {
        const BaseSpec &spec = m_bases[i];
        const CallSpec &call = m_calls[size_t(spec.call)];
        const Arg &arg = argv[spec.call];
        Base &b = row->bases[i];
        if (spec.kind == BaseKind::Count) {
            // count() and avg's count take every event, null or not (Siddhi's count base
            // starts at 1 for each event).
            if (!b.present) {
                b.value.l = 0;
                b.present = true;
            }
            ++b.value.l;
            continue;
        }
        if (!arg.present)
            continue;
        switch (spec.kind) {
        case BaseKind::Sum:
            if (spec.type == AttrType::Long) {
                const int64_t x = toLong(call.argType, arg.v);
                b.value.l = b.present ? b.value.l + x : x;
            } else {
                const double x = toDouble(call.argType, arg.v);
                b.value.d = b.present ? b.value.d + x : x;
            }
            b.present = true;
            break;
        case BaseKind::Min:
            if (!b.present || compareNumbers(spec.type, arg.v, b.value) < 0)
                b.value = arg.v;
            b.present = true;
            break;
        case BaseKind::Max:
            if (!b.present || compareNumbers(spec.type, arg.v, b.value) > 0)
                b.value = arg.v;
            b.present = true;
            break;
        case BaseKind::Set: {
            std::string k;
            appendKeyPart(k, spec.type, arg.v, true);
            b.set->insert(std::move(k));
            break;
        }
        case BaseKind::Count:
            break;
        }
    }
    m_temps.clear();
    if (!row->latest || time >= row->latestTime) {
        if (row->latest)
            m_inputLayout->release(row->latest);
        row->latest = m_inputLayout->clone(e);
        row->latestTime = time;
    }
}

void Aggregation::process(EventChunk &chunk)
{
    for (Event *e : chunk.events) {
        if (e->type != EventType::Current)
            continue;
        int64_t time = e->timestamp;
        if (m_timeOf) {
            EvalContext ctx;
            ctx.app = &m_app.context();
            ctx.temps = &m_temps;
            ctx.slots = &e;
            ctx.timestamp = e->timestamp;
            Value v;
            const bool present = m_timeOf->eval(ctx, v);
            QString error;
            bool ok = present && !ctx.error;
            if (ok && m_timeOf->type() == AttrType::String)
                ok = parseWithinTime(v.s->toQString(), &time, nullptr, &error);
            else if (ok)
                time = v.l;
            m_temps.clear();
            if (!ok) {
                m_fault.fail(e, !error.isEmpty() ? error
                                : ctx.error      ? QString::fromLatin1(ctx.error)
                                                 : QStringLiteral("the 'aggregate by' "
                                                                       "timestamp is null"));
                continue;
            }
        }
        addEvent(e, time);
    }
    if (!m_externalTime)
        scheduleTimer();
}

void Aggregation::scheduleTimer()
{
    // On processing time the clock closes periods: wake up when the earliest period that holds
    // something ends.
    int64_t at = std::numeric_limits<int64_t>::max();
    for (const Level &l : m_levels) {
        if (!l.current.rows.empty())
            at = std::min(at, l.nextEmit);
    }
    if (at == std::numeric_limits<int64_t>::max())
        return;
    if (m_timerAt == at)
        return;
    m_timerAt = at;
    m_app.context().scheduler.notifyAt(this, at);
}

void Aggregation::onTimer(int64_t at)
{
    if (at == m_timerAt)
        m_timerAt = -1;
    rollCheck(0, at);
    scheduleTimer();
}

void Aggregation::purge(int64_t at)
{
    if (at != m_nextPurge)
        return; // not the time asked for (a scheduler may call twice)
    for (Level &l : m_levels) {
        if (l.retention < 0)
            continue;
        const int64_t limit = at - l.retention;
        while (!l.table.empty() && l.table.begin()->first < limit) {
            for (auto &r : l.table.begin()->second.rows)
                releaseRow(*r);
            l.table.erase(l.table.begin());
        }
    }
    const int64_t now = m_app.context().currentTime();
    int64_t next = at + m_purgeInterval;
    if (next <= now)
        next = now - (now - at) % m_purgeInterval + m_purgeInterval;
    m_nextPurge = next;
    m_app.context().scheduler.notifyAt(m_purgeTimer.get(), next);
}

bool Aggregation::callResult(const Row &row, int callIndex, Value &out) const
{
    const CallSpec &call = m_calls[size_t(callIndex)];
    const Base &first = row.bases[size_t(call.firstBase)];
    switch (call.kind) {
    case CallKind::Sum:
    case CallKind::Min:
    case CallKind::Max:
        if (!first.present)
            return false;
        out = first.value;
        return true;
    case CallKind::Count:
        out = Value::ofLong(first.present ? first.value.l : 0);
        return true;
    case CallKind::Avg: {
        const Base &count = row.bases[size_t(call.firstBase) + 1];
        if (!first.present || !count.present || count.value.l == 0)
            return false;
        if (m_bases[size_t(call.firstBase)].type == AttrType::Long)
            out = Value::ofDouble(double(first.value.l / count.value.l)); // long division
        else
            out = Value::ofDouble(first.value.d / double(count.value.l));
        return true;
    }
    case CallKind::DistinctCount:
        out = Value::ofLong(int64_t(first.set ? first.set->size() : 0));
        return true;
    }
    return false;
}

bool Aggregation::find(int64_t start, int64_t end, Duration per,
                       const std::function<void(const Event &row)> &f, QString *error)
{
    const auto found = std::find(m_durations.begin(), m_durations.end(), per);
    if (found == m_durations.end()) {
        if (error) {
            QStringList have;
            for (Duration d : m_durations)
                have << durationText(d);
            *error = QStringLiteral("aggregation '%1' has no %2 granularity (it has %3)")
                         .arg(m_name, durationText(per), have.join(QStringLiteral(", ")));
        }
        return false;
    }
    const size_t index = size_t(found - m_durations.begin());

    // Rows per (period, group), in the order met: finished periods, then the periods in
    // progress of this granularity and the finer ones (Siddhi's IncrementalDataAggregator).
    struct Group
    {
        int64_t start;
        std::vector<const Row *> rows;
    };
    std::vector<Group> groups;
    std::unordered_map<std::string, size_t> byKey;
    std::string k;
    auto take = [&](int64_t periodStart, const Row *row) {
        if (periodStart < start || periodStart >= end)
            return;
        k.assign(reinterpret_cast<const char *>(&periodStart), sizeof periodStart);
        k += row->key;
        auto [it, inserted] = byKey.emplace(k, groups.size());
        if (inserted)
            groups.push_back({periodStart, {}});
        groups[it->second].rows.push_back(row);
    };
    const Level &perLevel = m_levels[index];
    for (auto it = perLevel.table.lower_bound(start); it != perLevel.table.end() && it->first < end;
         ++it) {
        for (const auto &r : it->second.rows)
            take(it->first, r.get());
    }
    for (size_t k2 = index + 1; k2-- > 0;) {
        const Bucket &b = m_levels[k2].current;
        if (b.rows.empty())
            continue;
        const int64_t periodStart = aggregationPeriodStart(b.start, per);
        for (const auto &r : b.rows)
            take(periodStart, r.get());
    }
    std::stable_sort(groups.begin(), groups.end(),
                     [](const Group &a, const Group &b) { return a.start < b.start; });

    EvalContext ctx;
    ctx.app = &m_app.context();
    ctx.temps = &m_temps;
    for (const Group &g : groups) {
        Row merged;
        const Row *row = g.rows.front();
        if (g.rows.size() > 1) {
            merged.key = row->key;
            merged.bases.resize(m_bases.size());
            for (size_t i = 0; i < m_bases.size(); ++i) {
                if (m_bases[i].kind == BaseKind::Set)
                    merged.bases[i].set = std::make_unique<std::unordered_set<std::string>>();
            }
            for (const Row *r : g.rows)
                mergeRow(merged, *r);
            row = &merged;
        }
        m_current = row;
        Event *latest = row->latest;
        ctx.slots = &latest;
        ctx.timestamp = g.start;
        Event *out = m_layout->allocate();
        out->timestamp = g.start;
        m_layout->set(out, 0, Value::ofLong(g.start));
        for (size_t i = 0; i < m_outputs.size(); ++i) {
            Value v;
            bool present = m_outputs[i]->eval(ctx, v);
            if (ctx.error) {
                present = false;
                ctx.error = nullptr;
                ctx.errorText.clear();
            }
            m_layout->set(out, int(i) + 1, v, !present);
        }
        m_temps.clear();
        m_current = nullptr;
        if (row == &merged)
            releaseRow(merged);
        f(*out);
        m_layout->release(out);
    }
    return true;
}

// ---- entry points -----------------------------------------------------------------------------

// The lookup joins and on-demand queries call (aggregationlookup.h); this definition replaces
// the weak placeholder in aggregationlookup.cpp.
bool findAggregationRows(Aggregation *aggregation, const AggregationWithin &within,
                         const AggregationRowCallback &row, QString *error)
{
    if (!aggregation) {
        if (error)
            *error = QStringLiteral("no such aggregation");
        return false;
    }
    return aggregation->find(within.start, within.end, within.per, row, error);
}

bool buildAggregation(AppRuntime &app, QueryBuilder &builder, const Definition &def)
{
    auto aggregation = std::make_shared<Aggregation>(app, def);
    if (!aggregation->build(builder))
        return false;
    app.m_aggregations.insert(def.name, std::move(aggregation));
    return true;
}

} // namespace Rivulet::Runtime
