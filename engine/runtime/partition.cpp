// Partitions: partition with (attr of S | ranges of S, ...) begin ... end, inner streams #S.
#include "partition.h"

#include "appcontext.h"
#include "appruntime.h"
#include "features.h"
#include "fault.h"
#include "processor.h"
#include "querybuilder.h"
#include "timetext.h"

#include <QSet>

#include <algorithm>
#include <charconv>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

// ---- parts ------------------------------------------------------------------------------------

struct PartitionRuntime::Route
{
    QString name;
    StreamJunction *global = nullptr;
    std::shared_ptr<EventLayout> layout;
    bool partitioned = false;
    EvaluatorPtr value;                                       // partition by value
    std::vector<std::pair<EvaluatorPtr, std::string>> ranges; // partition by range: label
    std::unique_ptr<Receiver> receiver;
    FaultHandler fault;
};

struct PartitionRuntime::Instance
{
    std::string key;
    uint32_t hash = 0; // Java's String.hashCode of the key
    uint64_t seq = 0;  // creation order
    int64_t lastUsed = 0;
    std::vector<std::shared_ptr<StreamJunction>> junctions; // routes, then inner streams
    std::vector<std::unique_ptr<QueryRuntime>> queries;

    ~Instance()
    {
        // Queries unsubscribe from the junctions they read: drop them first.
        queries.clear();
    }
};

class PartitionRuntime::RouteReceiver final : public Receiver
{
public:
    RouteReceiver(PartitionRuntime *partition, int route)
        : m_partition(partition)
        , m_route(route)
    {}
    void receive(EventChunk &chunk) override { m_partition->deliver(m_route, chunk); }

private:
    PartitionRuntime *m_partition;
    int m_route;
};

// Stands for a partition query in the app's list of queries: query callbacks added to it see
// the output of every key's copy of the query.
class PartitionRuntime::QueryProxy final : public OutputProcessor
{
public:
    void relay(const EventChunk &chunk)
    {
        if (m_busy) {
            EventChunk copy = chunk;
            process(copy);
            return;
        }
        m_busy = true;
        m_chunk.events.assign(chunk.events.begin(), chunk.events.end());
        m_chunk.batch = chunk.batch;
        process(m_chunk);
        m_chunk.clear();
        m_busy = false;
    }

protected:
    void deliver(EventChunk &) override {}

private:
    EventChunk m_chunk;
    bool m_busy = false;
};

namespace {

// The streams a query reads, in order: "S", "#S" for inner streams, "!S" for fault streams.
void collectSources(const Query &query, QStringList *out)
{
    auto add = [&](const SourceRef &ref) {
        const QString name = ref.inner ? u'#' + ref.name : ref.fault ? u'!' + ref.name : ref.name;
        if (!out->contains(name))
            out->append(name);
    };
    std::function<void(const StateElement &)> walk = [&](const StateElement &e) {
        if (e.kind == StateElement::Stream || e.kind == StateElement::Absent)
            add(e.stream.source);
        if (e.first)
            walk(*e.first);
        if (e.second)
            walk(*e.second);
    };
    switch (query.input.kind) {
    case InputStream::Single:
        add(query.input.single.source);
        break;
    case InputStream::Join:
        add(query.input.join->left.source);
        add(query.input.join->right.source);
        break;
    case InputStream::State:
        if (query.input.state && query.input.state->root)
            walk(*query.input.state->root);
        break;
    case InputStream::Anonymous:
        if (query.input.anonymous)
            collectSources(*query.input.anonymous, out);
        break;
    }
}

uint32_t javaStringHash(std::string_view utf8)
{
    const QString s = QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
    uint32_t h = 0;
    for (QChar c : s)
        h = 31 * h + c.unicode();
    return h;
}

// Java's HashMap.tableSizeFor.
int tableSizeFor(int n)
{
    int cap = 1;
    while (cap < n)
        cap <<= 1;
    return cap;
}

} // namespace

// ---- PartitionRuntime -------------------------------------------------------------------------

PartitionRuntime::PartitionRuntime(AppRuntime &app, const Partition &partition)
    : m_app(app)
    , m_partition(partition)
{}

PartitionRuntime::~PartitionRuntime()
{
    m_app.context().scheduler.cancel(this);
    for (const auto &r : m_routes) {
        if (r->global && r->receiver)
            r->global->unsubscribe(r->receiver.get());
    }
    m_instances.clear();
}

QStringList PartitionRuntime::keys() const
{
    std::vector<const Instance *> all;
    for (const auto &[key, inst] : m_instances)
        all.push_back(inst.get());
    std::sort(all.begin(), all.end(),
              [](const Instance *a, const Instance *b) { return a->seq < b->seq; });
    QStringList out;
    for (const Instance *i : all)
        out << QString::fromUtf8(i->key.data(), qsizetype(i->key.size()));
    return out;
}

bool PartitionRuntime::build(QueryBuilder &builder, int *queryIndex)
{
    AppContext &ctx = m_app.context();
    const Lang::SemanticModel &model = m_app.compiled().model;
    bool ok = true;

    // @purge(enable='true', interval='1 sec', idle.period='1 min')
    if (const Annotation *purge = findAnnotation(m_partition.annotations, "purge")) {
        const QString enable = purge->value(QStringLiteral("enable")).trimmed();
        const QString idle = purge->value(QStringLiteral("idle.period"));
        const QString interval = purge->value(QStringLiteral("interval"));
        if (enable.compare(QLatin1String("true"), Qt::CaseInsensitive) != 0
            && enable.compare(QLatin1String("false"), Qt::CaseInsensitive) != 0) {
            ok = builder.error(purge->range,
                               QStringLiteral("@purge needs enable='true' or enable='false'"));
        } else if (enable.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0) {
            m_purge = true;
            if (!parseTimeText(idle, &m_idlePeriod))
                ok = builder.error(purge->range, QStringLiteral("@purge needs idle.period, as in "
                                                                "idle.period='10 min'"));
            if (!interval.isEmpty()
                && (!parseTimeText(interval, &m_purgeInterval) || m_purgeInterval <= 0))
                ok = builder.error(purge->range,
                                   QStringLiteral("@purge interval '%1' is not a time such as "
                                                  "'1 min'")
                                       .arg(interval));
        }
    }

    // Which streams the queries read, in the order they first appear (Siddhi subscribes a
    // partition receiver per stream as it meets them).
    QStringList sources;
    for (const auto &q : m_partition.queries)
        collectSources(*q, &sources);
    QHash<QString, const PartitionWith *> withs;
    for (const PartitionWith &w : m_partition.withs)
        withs.insert(w.stream.fault ? u'!' + w.stream.name : w.stream.name, &w);

    for (const QString &name : std::as_const(sources)) {
        if (name.startsWith(u'#'))
            continue;
        const Lang::Schema *schema = model.find(name);
        StreamJunction *global = m_app.junction(name);
        if (!schema || !global
            || !(schema->kind == Lang::SchemaKind::Stream
                 || schema->kind == Lang::SchemaKind::FaultStream
                 || schema->kind == Lang::SchemaKind::Trigger))
            continue; // tables, named windows, aggregations: read as they are
        auto route = std::make_unique<Route>();
        route->name = name;
        route->global = global;
        route->layout = global->sharedLayout();
        route->fault = FaultHandler(&ctx, global, QStringLiteral("partition"));
        if (const PartitionWith *w = withs.value(name)) {
            route->partitioned = true;
            ExpressionCompiler compiler(builder.options());
            if (w->value) {
                route->value = compiler.compile(*w->value);
                if (!route->value)
                    ok = builder.error(w->value->range, compiler.error());
            }
            for (const RangeCondition &rc : w->ranges) {
                ExpressionCompiler rcCompiler(builder.options());
                EvaluatorPtr cond = rcCompiler.compile(*rc.condition);
                if (!cond) {
                    ok = builder.error(rc.condition->range, rcCompiler.error());
                    continue;
                }
                route->ranges.emplace_back(std::move(cond), rc.label.toStdString());
            }
        }
        m_routeIndex.insert(name, int(m_routes.size()));
        m_routes.push_back(std::move(route));
    }
    for (const Lang::Schema *s : model.innerSchemas(&m_partition)) {
        QList<AttrType> types;
        QStringList names;
        for (const Lang::AttributeInfo &a : s->attributes) {
            types << a.type;
            names << a.name;
        }
        m_inner.push_back({u'#' + s->name, std::make_shared<EventLayout>(types, names)});
    }
    // Each key's junctions: the routes, then the inner streams, at these indexes.
    for (size_t i = 0; i < m_routes.size(); ++i)
        m_junctionIndex.insert(m_routes[i]->name, int(i));
    for (size_t i = 0; i < m_inner.size(); ++i)
        m_junctionIndex.insert(m_inner[i].name, int(m_routes.size() + i));
    for (const auto &q : m_partition.queries) {
        ++*queryIndex;
        QString name = q->name();
        if (name.isEmpty())
            name = QStringLiteral("query%1").arg(*queryIndex);
        m_queryNames << name;
    }
    if (!ok)
        return false;

    // Build the queries once for a key that never comes, so that problems are reported when
    // the app is created rather than when the first event arrives.
    {
        std::unique_ptr<Instance> probe = createInstance(std::string_view(), builder);
        if (!probe)
            return false;
    }

    // Query callbacks on partition queries see every key's output.
    for (const QString &name : std::as_const(m_queryNames)) {
        auto shell = std::make_unique<QueryRuntime>();
        shell->name = name;
        QueryProxy *proxy = shell->own(std::make_unique<QueryProxy>());
        shell->output = proxy;
        m_proxies.push_back(proxy);
        m_app.addQuery(std::move(shell));
    }
    for (size_t i = 0; i < m_routes.size(); ++i) {
        Route &r = *m_routes[i];
        r.receiver = std::make_unique<RouteReceiver>(this, int(i));
        r.global->subscribe(r.receiver.get());
    }
    if (m_purge) {
        m_nextPurge = ctx.currentTime() + m_purgeInterval;
        ctx.scheduler.notifyAt(this, m_nextPurge);
    }
    return true;
}

std::unique_ptr<PartitionRuntime::Instance> PartitionRuntime::createInstance(std::string_view key,
                                                                             QueryBuilder &builder)
{
    AppContext &ctx = m_app.context();
    auto inst = std::make_unique<Instance>();
    inst->key.assign(key.data(), key.size());
    inst->hash = javaStringHash(key);
    inst->seq = m_nextSeq++;
    inst->lastUsed = ctx.currentTime();
    for (const auto &r : m_routes) {
        auto j = std::make_shared<StreamJunction>(r->name, r->layout, &ctx);
        j->faultJunction = r->global->faultJunction;
        j->upstream = r->global;
        inst->junctions.push_back(std::move(j));
    }
    for (const Inner &in : m_inner) {
        inst->junctions.push_back(std::make_shared<StreamJunction>(in.name, in.layout, &ctx));
    }
    Instance *raw = inst.get();
    builder.setStreamResolver([this, raw](const QString &name, bool output) -> StreamJunction * {
        // Inserts into global streams stay global; inner streams and reads are the key's own.
        if (output && !name.startsWith(u'#'))
            return nullptr;
        const int index = m_junctionIndex.value(name, -1);
        return index < 0 ? nullptr : raw->junctions[size_t(index)].get();
    });
    bool ok = true;
    for (size_t i = 0; i < m_partition.queries.size(); ++i) {
        std::unique_ptr<QueryRuntime> q =
            builder.build(*m_partition.queries[i], m_queryNames[int(i)]);
        if (!q) {
            ok = false;
            continue;
        }
        // A builder that subscribed to a global stream directly (not through
        // QueryBuilder::junction) still gets the key's copy.
        for (auto &[junction, receiver] : q->subscriptions) {
            const int r = m_routeIndex.value(junction->name(), -1);
            if (r >= 0 && junction == m_routes[size_t(r)]->global) {
                junction->unsubscribe(receiver);
                junction = raw->junctions[size_t(r)].get();
                junction->subscribe(receiver);
            }
        }
        if (i < m_proxies.size() && q->output) {
            QueryProxy *proxy = m_proxies[i];
            q->output->addCallback([proxy](const EventChunk &chunk) { proxy->relay(chunk); });
        }
        inst->queries.push_back(std::move(q));
    }
    builder.setStreamResolver(nullptr);
    if (!ok)
        return nullptr;
    return inst;
}

PartitionRuntime::Instance *PartitionRuntime::instanceFor(std::string_view key)
{
    auto it = m_instances.find(key);
    if (it != m_instances.end())
        return it->second.get();
    QueryBuilder builder(m_app, nullptr);
    std::unique_ptr<Instance> inst = createInstance(key, builder);
    if (!inst) {
        m_app.context().reportError(QStringLiteral("partition"),
                                    QStringLiteral("could not build the queries for key '%1'")
                                        .arg(QString::fromUtf8(key.data(), qsizetype(key.size()))));
        return nullptr;
    }
    Instance *raw = inst.get();
    m_instances.emplace(raw->key, std::move(inst));
    // Siddhi's ConcurrentHashMap of keys doubles when it is three quarters full.
    while (int(m_instances.size()) >= m_chmCapacity * 3 / 4)
        m_chmCapacity *= 2;
    m_orderDirty = true;
    return raw;
}

bool PartitionRuntime::keysOf(Route &route, Event *e, std::vector<std::string> &out)
{
    EvalContext ctx;
    ctx.app = &m_app.context();
    ctx.temps = &m_temps;
    ctx.slots = &e;
    ctx.timestamp = e->timestamp;
    if (route.value) {
        Value v;
        const bool present = route.value->eval(ctx, v);
        if (ctx.error) {
            route.fault.fail(e, ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error)
                                                        : ctx.errorText);
            m_temps.clear();
            return false;
        }
        if (present) {
            std::string key;
            switch (route.value->type()) {
            case AttrType::String:
                key.assign(v.s->data, size_t(v.s->size));
                break;
            case AttrType::Int:
            case AttrType::Long: {
                char buf[24];
                const int64_t n = toLong(route.value->type(), v);
                auto res = std::to_chars(buf, buf + sizeof buf, n);
                key.assign(buf, res.ptr);
                break;
            }
            case AttrType::Bool:
                key = v.b ? "true" : "false";
                break;
            default:
                key = valueToString(route.value->type(), v, false).toStdString();
                break;
            }
            out.push_back(std::move(key));
        }
        m_temps.clear();
        return true;
    }
    for (auto &[cond, label] : route.ranges) {
        const bool holds = cond->test(ctx);
        if (ctx.error) {
            route.fault.fail(e, ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error)
                                                        : ctx.errorText);
            m_temps.clear();
            return false;
        }
        if (holds)
            out.push_back(label);
    }
    m_temps.clear();
    return true;
}

void PartitionRuntime::deliver(int routeIndex, EventChunk &chunk)
{
    Route &route = *m_routes[size_t(routeIndex)];
    if (m_depth >= int(m_scratch.size()))
        m_scratch.push_back(std::make_unique<Scratch>());
    Scratch &s = *m_scratch[size_t(m_depth)];
    ++m_depth;
    struct Leave
    {
        int &depth;
        ~Leave() { --depth; }
    } leave{m_depth};

    if (!route.partitioned) {
        broadcast(routeIndex, chunk, s);
        return;
    }
    const int64_t now = m_app.context().currentTime();
    auto sendTo = [&](const std::string &key, EventChunk &c) {
        Instance *inst = instanceFor(key);
        if (!inst)
            return;
        inst->lastUsed = now;
        inst->junctions[size_t(routeIndex)]->send(c);
    };
    // Consecutive events of one key travel together, as Siddhi's PartitionStreamReceiver
    // sends them: every query of the key sees the run before the next key's run starts.
    s.pairs.clear();
    for (Event *e : chunk.events) {
        s.keys.clear();
        if (!keysOf(route, e, s.keys))
            return; // failed: the stream's receivers after this one do not see it
        for (std::string &k : s.keys)
            s.pairs.emplace_back(std::move(k), e);
    }
    size_t i = 0;
    while (i < s.pairs.size()) {
        size_t j = i + 1;
        while (j < s.pairs.size() && s.pairs[j].first == s.pairs[i].first)
            ++j;
        s.chunk.clear();
        for (size_t k = i; k < j; ++k)
            s.chunk.add(s.pairs[k].second);
        sendTo(s.pairs[i].first, s.chunk);
        if (route.global->hasFailed())
            break;
        i = j;
    }
    s.chunk.clear();
    s.pairs.clear();
}

void PartitionRuntime::sortBroadcastOrder()
{
    m_order.clear();
    for (const auto &[key, inst] : m_instances)
        m_order.push_back(inst.get());
    // Siddhi iterates `new HashSet<>(keys of a ConcurrentHashMap)`: by the HashSet's bucket,
    // then by the ConcurrentHashMap's bucket, then by insertion. Both spread the hash the same
    // way (h ^ h >>> 16).
    const int n = int(m_order.size());
    const int setCapacity = tableSizeFor(std::max(int(float(n) / 0.75f) + 1, 16));
    const uint32_t setMask = uint32_t(setCapacity - 1);
    const uint32_t mapMask = uint32_t(m_chmCapacity - 1);
    std::sort(m_order.begin(), m_order.end(), [&](const Instance *a, const Instance *b) {
        const uint32_t ha = a->hash ^ (a->hash >> 16);
        const uint32_t hb = b->hash ^ (b->hash >> 16);
        if ((ha & setMask) != (hb & setMask))
            return (ha & setMask) < (hb & setMask);
        if ((ha & mapMask) != (hb & mapMask))
            return (ha & mapMask) < (hb & mapMask);
        return a->seq < b->seq;
    });
    m_orderDirty = false;
}

void PartitionRuntime::broadcast(int routeIndex, EventChunk &chunk, Scratch &s)
{
    Route &route = *m_routes[size_t(routeIndex)];
    if (m_instances.empty())
        return;
    if (m_orderDirty)
        sortBroadcastOrder();
    // A key created while we deliver (a query writing to a partitioned stream) waits for the
    // next event: iterate over the keys as they were.
    s.targets.assign(m_order.begin(), m_order.end());
    for (Instance *inst : s.targets) {
        inst->junctions[size_t(routeIndex)]->send(chunk);
        if (route.global->hasFailed())
            break;
    }
    s.targets.clear();
}

void PartitionRuntime::onTimer(int64_t at)
{
    if (!m_purge || at != m_nextPurge)
        return; // not the time asked for (a scheduler may call twice)
    // Keys idle for longer than idle.period lose their state (Siddhi cleans their states).
    for (auto it = m_instances.begin(); it != m_instances.end();) {
        if (it->second->lastUsed + m_idlePeriod < at) {
            it = m_instances.erase(it);
            m_orderDirty = true;
        } else {
            ++it;
        }
    }
    const int64_t now = m_app.context().currentTime();
    int64_t next = at + m_purgeInterval;
    if (next <= now)
        next = now - (now - at) % m_purgeInterval + m_purgeInterval;
    m_nextPurge = next;
    m_app.context().scheduler.notifyAt(this, next);
}

bool buildPartition(AppRuntime &app, QueryBuilder &builder, const Partition &partition,
                    int *queryIndex)
{
    auto runtime = std::make_shared<PartitionRuntime>(app, partition);
    if (!runtime->build(builder, queryIndex))
        return false;
    app.m_partitions.push_back(std::move(runtime));
    return true;
}

} // namespace Rivulet::Runtime
