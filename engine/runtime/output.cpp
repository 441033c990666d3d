#include "output.h"

#include "appcontext.h"
#include "namedwindow.h"
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

void InsertIntoWindow::deliver(EventChunk &chunk)
{
    m_window->insert(chunk);
}

TableOutput::TableOutput(AppContext *app, Table *table, Kind kind, FaultHandler fault)
    : m_app(app)
    , m_table(table)
    , m_kind(kind)
    , m_fault(std::move(fault))
{}

TableOutput::~TableOutput() = default;

void TableOutput::deliver(EventChunk &chunk)
{
    EvalContext ctx;
    ctx.app = m_app;
    ctx.temps = &m_temps;
    m_affected = 0;
    for (Event *e : chunk.events) {
        if (e->type != EventType::Current && e->type != EventType::Expired)
            continue;
        Event *slots[2] = {e, nullptr};
        ctx.slots = slots;
        ctx.timestamp = e->timestamp;
        QString error;
        switch (m_kind) {
        case Insert:
            if (m_table->insert(e, &error))
                ++m_affected;
            else
                m_fault.fail(e, error);
            break;
        case Delete:
            m_matches.clear();
            if (condition)
                condition->collect(ctx, slots, m_matches);
            else
                m_table->rows(m_matches);
            for (Event *row : m_matches)
                m_table->remove(row);
            m_affected += int(m_matches.size());
            break;
        case Update:
        case UpdateOrInsert: {
            if (overwrite) {
                m_table->overwrite(e);
                ++m_affected;
                break;
            }
            m_matches.clear();
            if (condition)
                condition->collect(ctx, slots, m_matches);
            else
                m_table->rows(m_matches);
            for (Event *row : m_matches) {
                slots[1] = row;
                m_assignments.clear();
                if (!set.empty()) {
                    // Evaluate every value first: a later one may read an attribute an earlier
                    // one changes.
                    for (const SetClause &s : set) {
                        Value v;
                        const bool present = s.value->eval(ctx, v);
                        m_assignments.push_back({s.attribute, v, !present});
                    }
                } else {
                    for (size_t i = 0; i < byName.size(); ++i) {
                        if (byName[i] >= 0)
                            m_assignments.push_back(
                                {int(i), e->value(byName[i]), e->isNull(byName[i])});
                    }
                }
                if (!ctx.error) {
                    if (m_table->update(row, m_assignments, &error))
                        ++m_affected;
                    else
                        m_fault.fail(e, error);
                }
                m_temps.clear();
                slots[1] = nullptr;
                if (ctx.error)
                    break;
            }
            if (m_matches.empty() && m_kind == UpdateOrInsert && !ctx.error) {
                if (m_table->insert(e, &error))
                    ++m_affected;
                else
                    m_fault.fail(e, error);
            }
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

std::unique_ptr<TableOutput>
makeTableOutput(AppContext *app, Table *table, const Lang::Ast::QueryOutput &out,
                const EventLayout &outputLayout, const CompileOptions &options,
                const FaultHandler &fault, QString *error, Lang::SourceRange *errorRange)
{
    using Lang::Ast::QueryOutput;
    const TableOutput::Kind kind = out.kind == QueryOutput::Delete   ? TableOutput::Delete
                                   : out.kind == QueryOutput::Update ? TableOutput::Update
                                   : out.kind == QueryOutput::UpdateOrInsert
                                       ? TableOutput::UpdateOrInsert
                                       : TableOutput::Insert;
    auto to = std::make_unique<TableOutput>(app, table, kind, fault);
    if (kind == TableOutput::Insert)
        return to;
    if (out.on) {
        to->condition = table->compileCondition(out.on.get(), 1, options, error);
        if (!to->condition) {
            *errorRange = out.on->range;
            return nullptr;
        }
    }
    to->overwrite =
        kind == TableOutput::UpdateOrInsert && to->condition && to->condition->primaryKeyOnly();
    for (const Lang::Ast::SetAssignment &a : out.set) {
        ExpressionCompiler c(options);
        EvaluatorPtr value = c.compile(*a.value);
        if (!value) {
            *error = c.error();
            *errorRange = a.value->range;
            return nullptr;
        }
        value = ExpressionCompiler::convert(std::move(value),
                                            table->layout()->type(a.target->attrIndex));
        to->set.push_back({a.target->attrIndex, std::move(value)});
    }
    if (out.set.empty()) {
        for (int i = 0; i < table->layout()->size(); ++i) {
            const int from = outputLayout.indexOf(table->layout()->names().value(i));
            // Only an output attribute of the same type replaces a table attribute.
            to->byName.push_back(
                from >= 0 && outputLayout.type(from) == table->layout()->type(i) ? from : -1);
        }
    }
    return to;
}

} // namespace Rivulet::Runtime
