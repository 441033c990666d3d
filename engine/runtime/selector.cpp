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
    // A reset empties every group: forget them (Siddhi destroys empty group states).
    m_groups.clear();
}

void QuerySelector::updateAggregates(Group &group, const EvalContext &ctx, EventType type)
{
    if (group.aggregators.size() != aggregates.size()) {
        group.aggregators.clear();
        for (const AggregateCall &call : aggregates)
            group.aggregators.push_back(call.factory->create());
    }
    for (size_t i = 0; i < aggregates.size(); ++i) {
        Value v{};
        bool isNull = false;
        if (aggregates[i].argument)
            isNull = !aggregates[i].argument->eval(ctx, v);
        if (type == EventType::Current)
            group.aggregators[i]->add(v, isNull);
        else
            group.aggregators[i]->remove(v, isNull);
    }
}

QuerySelector::Group *QuerySelector::groupFor(const EvalContext &ctx, std::string *key)
{
    key->clear();
    for (const EvaluatorPtr &g : groupBy) {
        Value v;
        if (!g->eval(ctx, v)) {
            key->push_back('\0');
            continue;
        }
        key->push_back('\1');
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
    auto it = m_groups.find(std::string_view(*key));
    if (it == m_groups.end())
        it = m_groups.emplace(*key, std::make_unique<Group>()).first;
    return it->second.get();
}

Event *QuerySelector::buildOutput(const EvalContext &ctx, const Row &row)
{
    Event *out = m_layout->allocate();
    out->timestamp = row.timestamp;
    out->type = row.type;
    for (size_t i = 0; i < projections.size(); ++i) {
        Value v;
        const bool present = projections[i].evaluator->eval(ctx, v);
        m_layout->set(out, int(i), v, !present);
    }
    m_owned.push_back(out);
    return out;
}

template<class RowAt>
void QuerySelector::run(size_t count, bool batch, RowAt rowAt)
{
    const bool hasAggregates = !aggregates.empty();
    const bool grouped = !groupBy.empty();
    const bool batchMode = batch && (grouped || hasAggregates);
    EvalContext ctx;
    ctx.app = m_app;
    ctx.temps = &m_temps;

    // Batch mode: the last output of each group, in the order groups first appeared.
    std::unordered_map<std::string, size_t> batchKeys;
    Event *lastBatchEvent = nullptr;

    for (size_t i = 0; i < count; ++i) {
        const Row row = rowAt(i);
        switch (row.type) {
        case EventType::Timer:
            continue;
        case EventType::Reset:
            resetAll();
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
                    m_groups.erase(m_groups.find(std::string_view(m_keyBuffer)));
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
        if (grouped && row.type == EventType::Expired && hasAggregates) {
            // The last event of a group left the window: forget the group, so that memory
            // follows the window and not the history.
            bool empty = true;
            for (const auto &a : group->aggregators)
                empty = empty && a->isEmpty();
            if (empty) {
                m_current = nullptr;
                m_groups.erase(m_groups.find(std::string_view(m_keyBuffer)));
            }
        }
        if (!keep)
            continue;
        if (!batchMode) {
            m_out.add(out);
            continue;
        }
        if (!grouped) {
            lastBatchEvent = out;
            continue;
        }
        const auto [it, inserted] = batchKeys.emplace(m_keyBuffer, m_out.size());
        if (inserted)
            m_out.add(out);
        else
            m_out.events[it->second] = out;
    }
    m_current = nullptr;

    if (batchMode && !grouped && lastBatchEvent) {
        m_out.clear();
        if (offset <= 0 && limit != 0)
            m_out.add(lastBatchEvent);
        finish(false);
        return;
    }
    finish(true);
}

void QuerySelector::finish(bool applyOrderLimit)
{
    if (applyOrderLimit) {
        if (!orderBy.empty() && m_out.size() > 1) {
            std::stable_sort(
                m_out.events.begin(), m_out.events.end(), [this](const Event *a, const Event *b) {
                    for (const OrderKey &k : orderBy) {
                        if (k.outputIndex < 0)
                            continue;
                        const bool an = a->isNull(k.outputIndex);
                        const bool bn = b->isNull(k.outputIndex);
                        int c = 0;
                        if (an || bn) {
                            c = an == bn ? 0 : (an ? -1 : 1);
                        } else {
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
                            default: {
                                const double p = toDouble(k.type, x), q = toDouble(k.type, y);
                                c = p < q ? -1 : p > q ? 1 : 0;
                                break;
                            }
                            }
                        }
                        if (c != 0)
                            return k.descending ? c > 0 : c < 0;
                    }
                    return false;
                });
        }
        if (offset > 0) {
            const size_t n = std::min(size_t(offset), m_out.size());
            m_out.events.erase(m_out.events.begin(), m_out.events.begin() + long(n));
        }
        if (limit >= 0 && m_out.size() > size_t(limit))
            m_out.events.resize(size_t(limit));
    }
    if (!m_out.empty())
        forward(m_out);
    m_out.clear();
    for (Event *e : m_owned)
        m_layout->release(e);
    m_owned.clear();
}

void QuerySelector::process(EventChunk &chunk)
{
    if (passThrough) {
        m_out.clear();
        for (Event *e : chunk.events) {
            if ((e->type == EventType::Current && currentOn)
                || (e->type == EventType::Expired && expiredOn))
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
