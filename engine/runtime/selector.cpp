#include "selector.h"

#include "appcontext.h"

#include <algorithm>
#include <cstring>

namespace Rivulet::Runtime {

class QuerySelector::AggregateResultNode final : public Evaluator
{
public:
    AggregateResultNode(const QuerySelector *selector, int index, AttrType type)
        : Evaluator(type)
        , m_selector(selector)
        , m_index(index)
    {}
    bool eval(const EvalContext &, Value &out) const override
    {
        const Group *g = m_selector->m_current;
        if (!g)
            return false;
        return g->aggregators[size_t(m_index)]->result(out);
    }

private:
    const QuerySelector *m_selector;
    int m_index;
};

QuerySelector::QuerySelector(AppContext *app, std::shared_ptr<EventLayout> outputLayout,
                             int slotCount)
    : m_app(app)
    , m_layout(std::move(outputLayout))
    , m_slotCount(slotCount)
{}

QuerySelector::~QuerySelector()
{
    for (Event *e : m_owned)
        m_layout->release(e);
}

EvaluatorPtr QuerySelector::aggregateResult(int index, AttrType type)
{
    return std::make_unique<AggregateResultNode>(this, index, type);
}

void QuerySelector::resetAll()
{
    for (auto &a : m_single.aggregators)
        a->reset();
    // A reset empties every group (Siddhi destroys empty group states). Groups used in the
    // batch just ended are reset in place and kept for the next one; groups idle for a whole
    // batch are forgotten, so memory follows the live keys.
    for (auto it = m_groups.begin(); it != m_groups.end();) {
        if (it->second->generation + 1 < m_generation) {
            it = m_groups.erase(it);
            continue;
        }
        for (auto &a : it->second->aggregators)
            a->reset();
        ++it;
    }
    ++m_generation;
}

void QuerySelector::prepareReads()
{
    auto refOf = [](const Evaluator *e) {
        AttrRef r;
        if (e && !e->readsAttribute(&r.slot, &r.index))
            r.slot = -1;
        return r;
    };
    m_argReads.clear();
    for (const AggregateCall &call : aggregates)
        m_argReads.push_back(refOf(call.argument.get()));
    m_groupReads.clear();
    for (const EvaluatorPtr &g : groupBy)
        m_groupReads.push_back(refOf(g.get()));
    m_readsPrepared = true;
}

// Evaluates e, or reads its attribute straight from the event when it is a plain attribute
// (no virtual call per row for the common `sum(price)`, `group by symbol`).
inline bool QuerySelector::evalRead(const Evaluator &e, const AttrRef &ref, const EvalContext &ctx,
                                    Value &out)
{
    if (ref.slot < 0)
        return e.eval(ctx, out);
    const Event *ev = ctx.slots[ref.slot];
    if (!ev || ev->isNull(ref.index))
        return false;
    out = ev->values()[ref.index];
    return true;
}

void QuerySelector::updateAggregates(Group &group, const EvalContext &ctx, EventType type)
{
    const size_t n = aggregates.size();
    if (group.aggregators.size() != n) {
        group.aggregators.clear();
        for (const AggregateCall &call : aggregates)
            group.aggregators.push_back(call.factory->create());
    }
    const bool add = type == EventType::Current;
    for (size_t i = 0; i < n; ++i) {
        Value v{};
        bool isNull = false;
        if (const Evaluator *arg = aggregates[i].argument.get())
            isNull = !evalRead(*arg, m_argReads[i], ctx, v);
        Aggregator *a = group.aggregators[i].get();
        if (add)
            a->add(v, isNull);
        else
            a->remove(v, isNull);
    }
}

QuerySelector::Group *QuerySelector::groupFor(const EvalContext &ctx, std::string *key)
{
    key->clear();
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t gi = 0; gi < groupBy.size(); ++gi) {
        const EvaluatorPtr &g = groupBy[gi];
        Value v;
        if (!evalRead(*g, m_groupReads[gi], ctx, v)) {
            key->push_back('\0');
            h = (h ^ 0x5bd1e995u) * 0xff51afd7ed558ccdull;
            continue;
        }
        key->push_back('\1');
        h = (h
             ^ (g->type() == AttrType::Float ? hashValue(AttrType::Double, Value::ofDouble(v.f))
                                             : hashValue(g->type(), v)))
            * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
        switch (g->type()) {
        case AttrType::String: {
            const uint32_t n = uint32_t(v.s->size);
            key->append(reinterpret_cast<const char *>(&n), sizeof n);
            key->append(v.s->data, size_t(v.s->size));
            break;
        }
        case AttrType::Object: {
            const QByteArray text = v.o ? v.o->toString().toUtf8() : QByteArray();
            const uint32_t n = uint32_t(text.size());
            key->append(reinterpret_cast<const char *>(&n), sizeof n);
            key->append(text.constData(), size_t(text.size()));
            break;
        }
        case AttrType::Float: {
            // Normalise so that equal values give equal keys.
            const double d = double(v.f);
            key->append(reinterpret_cast<const char *>(&d), sizeof d);
            break;
        }
        case AttrType::Bool:
            key->push_back(v.b ? 't' : 'f');
            break;
        default:
            key->append(reinterpret_cast<const char *>(&v.l), sizeof v.l);
            break;
        }
    }
    m_keyHash = size_t(h);
    auto it = m_groups.find(LookupKey{std::string_view(*key), m_keyHash});
    if (it == m_groups.end())
        it = m_groups.emplace(StoredKey{*key, m_keyHash}, std::make_unique<Group>()).first;
    it->second->generation = m_generation;
    return it->second.get();
}

Event *QuerySelector::buildOutput(const EvalContext &ctx, const Row &row)
{
    // Every attribute is written below when there is one projection per output attribute
    // (always, from the query builder), so the event need not be cleared first.
    const bool writesAll = projections.size() == size_t(m_layout->size());
    Event *out = writesAll ? m_layout->allocateForInit() : m_layout->allocate();
    out->timestamp = row.timestamp;
    out->type = row.type;
    for (size_t i = 0; i < projections.size(); ++i) {
        Value v{};
        const bool present = projections[i].evaluator->eval(ctx, v);
        if (writesAll)
            m_layout->init(out, int(i), v, !present);
        else
            m_layout->set(out, int(i), v, !present);
    }
    m_owned.push_back(out);
    return out;
}

void QuerySelector::addOutput(Event *e)
{
    m_out.add(e);
    if (provideGroupKeys)
        m_outKeys.push_back(groupBy.empty() || e->type == EventType::Reset ? std::string()
                                                                           : m_keyBuffer);
}

// Follows Siddhi's QuerySelector: a batch chunk (from a batch window) with group by gives the
// last output of each group (processInBatchGroupBy), with aggregates and no group by the last
// output (processInBatchNoGroupBy); otherwise one output per event (processNoGroupBy,
// processGroupBy). Order by, offset and limit apply where Siddhi applies them.
template<class RowAt>
void QuerySelector::run(size_t count, bool batch, RowAt rowAt)
{
    if (!m_readsPrepared)
        prepareReads();
    const bool hasAggregates = !aggregates.empty();
    const bool grouped = !groupBy.empty();
    const bool batchMode = batch && batchingEnabled && (grouped || hasAggregates);
    EvalContext ctx;
    ctx.app = m_app;
    ctx.temps = &m_temps;

    // Batch mode: the last output of each group, in the order groups first appeared.
    ++m_batchRound;
    Event *lastBatchEvent = nullptr;
    // processGroupBy counts the limit while it collects (and applies no order or offset).
    int64_t limitCount = 0;

    for (size_t i = 0; i < count; ++i) {
        const Row row = rowAt(i);
        switch (row.type) {
        case EventType::Timer:
            continue;
        case EventType::Reset:
            resetAll();
            if (forwardResets && !grouped && !batchMode) {
                Event *reset = m_layout->allocate();
                reset->type = EventType::Reset;
                reset->timestamp = row.timestamp;
                m_owned.push_back(reset);
                addOutput(reset);
            }
            continue;
        case EventType::Current:
        case EventType::Expired:
            break;
        }
        ctx.slots = row.slots;
        ctx.collections = row.collections;
        ctx.timestamp = row.timestamp;
        ctx.output = nullptr;
        ctx.error = nullptr;

        Group *group = &m_single;
        if (grouped)
            group = groupFor(ctx, &m_keyBuffer);
        if (hasAggregates)
            updateAggregates(*group, ctx, row.type);
        m_current = group;

        const bool wanted = (row.type == EventType::Current && currentOn)
                            || (row.type == EventType::Expired && expiredOn);
        if (!wanted && !batchMode) {
            m_temps.clear();
            if (grouped && row.type == EventType::Expired && hasAggregates) {
                bool empty = true;
                for (const auto &a : group->aggregators)
                    empty = empty && a->isEmpty();
                if (empty)
                    m_groups.erase(
                        m_groups.find(LookupKey{std::string_view(m_keyBuffer), m_keyHash}));
            }
            continue;
        }
        Event *out = buildOutput(ctx, row);
        if (ctx.error) {
            const QString message =
                ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error) : ctx.errorText;
            if (fault.isSet())
                fault.fail(row.slots ? row.slots[0] : nullptr, message);
            else
                m_app->reportError(QStringLiteral("select"), message);
            ctx.errorText.clear();
            m_temps.clear();
            continue;
        }
        bool keep = wanted;
        if (keep && having) {
            ctx.output = out;
            keep = having->test(ctx);
        }
        m_temps.clear();
        if (grouped && !batchMode && row.type == EventType::Expired && hasAggregates) {
            // The last event of a group left the window: forget the group, so that memory
            // follows the window and not the history.
            bool empty = true;
            for (const auto &a : group->aggregators)
                empty = empty && a->isEmpty();
            if (empty) {
                m_current = nullptr;
                m_groups.erase(m_groups.find(LookupKey{std::string_view(m_keyBuffer), m_keyHash}));
            }
        }
        if (!keep)
            continue;
        if (!batchMode) {
            if (grouped && limit >= 0) {
                if (limitCount >= limit)
                    continue;
                ++limitCount;
            }
            addOutput(out);
            continue;
        }
        if (!grouped) {
            lastBatchEvent = out;
            continue;
        }
        if (group->batchRound != m_batchRound) {
            group->batchRound = m_batchRound;
            group->batchSlot = m_out.size();
            addOutput(out);
        } else {
            m_out.events[group->batchSlot] = out;
        }
    }
    m_current = nullptr;

    if (batchMode && !grouped) {
        m_out.clear();
        m_outKeys.clear();
        if (lastBatchEvent && offset <= 0 && limit != 0)
            addOutput(lastBatchEvent);
        finish(Finish::AsIs);
        return;
    }
    // Siddhi's processGroupBy orders, offsets and limits the chunk it took the outputs from,
    // so a streaming group by only applies its limit (counted above).
    finish(grouped && !batchMode ? Finish::AsIs : Finish::OrderOffsetLimit);
}

void QuerySelector::orderOutput()
{
    const size_t n = m_out.size();
    std::vector<size_t> index(n);
    for (size_t i = 0; i < n; ++i)
        index[i] = i;
    auto less = [this](size_t ia, size_t ib) {
        const Event *a = m_out.events[ia];
        const Event *b = m_out.events[ib];
        for (const OrderKey &k : orderBy) {
            if (k.outputIndex < 0)
                continue;
            const bool an = a->isNull(k.outputIndex);
            const bool bn = b->isNull(k.outputIndex);
            if (an || bn) {
                // OrderByEventComparator: a value sorts before a null, whatever the order.
                if (an == bn)
                    continue;
                return bn;
            }
            int c = 0;
            const Value x = a->value(k.outputIndex);
            const Value y = b->value(k.outputIndex);
            switch (k.type) {
            case AttrType::String:
                c = x.s->compare(y.s);
                break;
            case AttrType::Bool:
                c = int(x.b) - int(y.b);
                break;
            case AttrType::Int:
            case AttrType::Long: {
                const int64_t p = toLong(k.type, x), q = toLong(k.type, y);
                c = p < q ? -1 : p > q ? 1 : 0;
                break;
            }
            case AttrType::Object: {
                const uint32_t p = x.o ? x.o->hashValue() : 0, q = y.o ? y.o->hashValue() : 0;
                c = p < q ? -1 : p > q ? 1 : 0;
                break;
            }
            default: {
                const double p = toDouble(k.type, x), q = toDouble(k.type, y);
                c = p < q ? -1 : p > q ? 1 : 0;
                break;
            }
            }
            if (c != 0)
                return k.descending ? c > 0 : c < 0;
        }
        return false;
    };
    // Siddhi sorts each run of events of one type (current, expired) on its own.
    size_t begin = 0;
    while (begin < n) {
        size_t end = begin + 1;
        while (end < n && m_out.events[end]->type == m_out.events[begin]->type)
            ++end;
        std::stable_sort(index.begin() + long(begin), index.begin() + long(end), less);
        begin = end;
    }
    std::vector<Event *> events(n);
    std::vector<std::string> keys(m_outKeys.size());
    for (size_t i = 0; i < n; ++i) {
        events[i] = m_out.events[index[i]];
        if (!keys.empty())
            keys[i] = std::move(m_outKeys[index[i]]);
    }
    m_out.events = std::move(events);
    m_outKeys = std::move(keys);
}

void QuerySelector::offsetOutput()
{
    // Siddhi's offsetEventChunk: drop the first `offset` outputs, skipping resets.
    size_t w = 0;
    int64_t dropped = 0;
    bool done = false;
    for (size_t i = 0; i < m_out.size(); ++i) {
        Event *e = m_out.events[i];
        const bool data = e->type == EventType::Current || e->type == EventType::Expired;
        if (!done && data) {
            if (offset > dropped) {
                if ((e->type == EventType::Current && currentOn)
                    || (e->type == EventType::Expired && expiredOn))
                    ++dropped;
                continue;
            }
            done = true;
        }
        m_out.events[w] = e;
        if (!m_outKeys.empty())
            m_outKeys[w] = std::move(m_outKeys[i]);
        ++w;
    }
    m_out.events.resize(w);
    if (!m_outKeys.empty())
        m_outKeys.resize(w);
}

void QuerySelector::limitOutput()
{
    // Siddhi's limitEventChunk, with its precedence: `limit > count && current || expired`, so
    // expired events pass (and count) whatever the limit when the query outputs them.
    size_t w = 0;
    int64_t kept = 0;
    for (size_t i = 0; i < m_out.size(); ++i) {
        Event *e = m_out.events[i];
        if (e->type == EventType::Current || e->type == EventType::Expired) {
            const bool pass = (limit > kept && e->type == EventType::Current && currentOn)
                              || (e->type == EventType::Expired && expiredOn);
            if (!pass)
                continue;
            ++kept;
        }
        m_out.events[w] = e;
        if (!m_outKeys.empty())
            m_outKeys[w] = std::move(m_outKeys[i]);
        ++w;
    }
    m_out.events.resize(w);
    if (!m_outKeys.empty())
        m_outKeys.resize(w);
}

void QuerySelector::finish(Finish mode)
{
    if (mode == Finish::OrderOffsetLimit) {
        if (!orderBy.empty() && m_out.size() > 1)
            orderOutput();
        if (offset >= 0)
            offsetOutput();
        if (limit >= 0)
            limitOutput();
    }
    if (!m_out.empty())
        forward(m_out);
    m_out.clear();
    m_outKeys.clear();
    for (Event *e : m_owned)
        m_layout->release(e);
    m_owned.clear();
}

void QuerySelector::process(EventChunk &chunk)
{
    if (passThrough) {
        auto wanted = [this](const Event *e) {
            return (e->type == EventType::Current && currentOn)
                   || (e->type == EventType::Expired && expiredOn)
                   || (e->type == EventType::Reset && forwardResets);
        };
        // Everything wanted (a chunk of current events, most often): the chunk itself goes
        // on, uncopied. What goes on is never a batch (as the copy below is not).
        if (!chunk.batch && std::all_of(chunk.events.begin(), chunk.events.end(), wanted)) {
            forward(chunk);
            return;
        }
        m_out.clear();
        for (Event *e : chunk.events) {
            if (wanted(e))
                m_out.add(e);
        }
        if (!m_out.empty())
            forward(m_out);
        m_out.clear();
        return;
    }
    run(chunk.size(), chunk.batch, [&chunk](size_t i) {
        Event *const *slot = &chunk.events[i];
        return Row{slot, nullptr, (*slot)->timestamp, (*slot)->type};
    });
}

void QuerySelector::processStates(StateChunk &chunk)
{
    run(chunk.events.size(), chunk.batch, [&chunk](size_t i) {
        const StateEvent *s = chunk.events[i];
        return Row{s->slots.data(), s->collections.data(), s->timestamp, s->type};
    });
}

} // namespace Rivulet::Runtime
