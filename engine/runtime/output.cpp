#include "output.h"

#include "appcontext.h"
#include "table.h"

namespace Rivulet::Runtime {

void OutputProcessor::process(EventChunk &chunk)
{
    for (const QueryCallback &cb : m_callbacks)
        cb(chunk);
    deliver(chunk);
}

void InsertIntoStream::deliver(EventChunk &chunk)
{
    for (Event *e : chunk.events) {
        if (e->type == EventType::Expired) {
            e->type = EventType::Current;
            e->flags |= kEventWasExpired;
        } else {
            e->flags &= uint8_t(~kEventWasExpired);
        }
    }
    m_junction->send(chunk);
}

TableOutput::TableOutput(AppContext *app, Table *table, Kind kind, FaultHandler fault)
    : m_app(app)
    , m_table(table)
    , m_kind(kind)
    , m_fault(std::move(fault))
{}

void TableOutput::deliver(EventChunk &chunk)
{
    EvalContext ctx;
    ctx.app = m_app;
    ctx.temps = &m_temps;
    for (Event *e : chunk.events) {
        if (e->type != EventType::Current && e->type != EventType::Expired)
            continue;
        Event *slots[2] = {e, nullptr};
        ctx.slots = slots;
        ctx.timestamp = e->timestamp;
        QString error;
        switch (m_kind) {
        case Insert:
            if (!m_table->insert(e, &error))
                m_fault.fail(e, error);
            break;
        case Delete:
            m_table->removeMatches(ctx, 1, condition.get());
            break;
        case Update:
        case UpdateOrInsert: {
            int updated = 0;
            m_table->forEachMatch(ctx, 1, condition.get(), [&](Event *row) {
                ++updated;
                slots[1] = row;
                if (!set.empty()) {
                    // Evaluate every value first: a later one may read an attribute an earlier
                    // one changes.
                    std::vector<std::pair<Value, bool>> values;
                    for (const SetClause &s : set) {
                        Value v;
                        const bool present = s.value->eval(ctx, v);
                        if (present)
                            retain(s.value->type(), v);
                        values.emplace_back(v, !present);
                    }
                    for (size_t i = 0; i < set.size(); ++i) {
                        m_table->updateRow(row, set[i].attribute, values[i].first,
                                           values[i].second);
                        if (!values[i].second)
                            release(set[i].value->type(), values[i].first);
                    }
                } else {
                    for (size_t i = 0; i < byName.size(); ++i) {
                        if (byName[i] >= 0)
                            m_table->updateRow(row, int(i), e->value(byName[i]),
                                               e->isNull(byName[i]));
                    }
                }
                slots[1] = nullptr;
            });
            if (updated == 0 && m_kind == UpdateOrInsert && !m_table->insert(e, &error))
                m_fault.fail(e, error);
            break;
        }
        }
        m_temps.clear();
        if (ctx.error) {
            m_fault.fail(e,
                         ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error) : ctx.errorText);
            ctx.error = nullptr;
            ctx.errorText.clear();
        }
    }
}

} // namespace Rivulet::Runtime
