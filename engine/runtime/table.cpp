#include "table.h"

#include "appcontext.h"

#include <algorithm>

namespace Rivulet::Runtime {

Table::Table(QString name, std::shared_ptr<EventLayout> layout, std::vector<int> primaryKey,
             AppContext *app)
    : m_name(std::move(name))
    , m_layout(std::move(layout))
    , m_primaryKey(std::move(primaryKey))
    , m_app(app)
{}

Table::~Table()
{
    clear();
}

void Table::clear()
{
    for (Event *e : m_rows)
        m_layout->release(e);
    m_rows.clear();
    m_byKey.clear();
}

std::string Table::keyOf(const Event *e) const
{
    std::string key;
    for (int c : m_primaryKey) {
        if (e->isNull(c)) {
            key.push_back('\0');
            continue;
        }
        key.push_back('\1');
        const Value v = e->value(c);
        switch (m_layout->type(c)) {
        case AttrType::String: {
            const uint32_t n = uint32_t(v.s->size);
            key.append(reinterpret_cast<const char *>(&n), sizeof n);
            key.append(v.s->data, size_t(v.s->size));
            break;
        }
        case AttrType::Bool:
            key.push_back(v.b ? 't' : 'f');
            break;
        case AttrType::Float: {
            const double d = v.f;
            key.append(reinterpret_cast<const char *>(&d), sizeof d);
            break;
        }
        default:
            key.append(reinterpret_cast<const char *>(&v.l), sizeof v.l);
            break;
        }
    }
    return key;
}

bool Table::insert(const Event *e, QString *error)
{
    if (!m_primaryKey.empty()) {
        std::string key = keyOf(e);
        if (m_byKey.count(key)) {
            if (error)
                *error = QStringLiteral("a row with the same primary key is already in table %1")
                             .arg(m_name);
            return false;
        }
        Event *row = m_layout->clone(e);
        row->type = EventType::Current;
        m_byKey.emplace(std::move(key), row);
        m_rows.push_back(row);
        return true;
    }
    Event *row = m_layout->clone(e);
    row->type = EventType::Current;
    m_rows.push_back(row);
    return true;
}

void Table::forEachMatch(const EvalContext &ctx, int rowSlot, const Evaluator *condition,
                         const std::function<void(Event *)> &f) const
{
    if (!condition) {
        for (Event *row : std::vector<Event *>(m_rows))
            f(row);
        return;
    }
    std::vector<Event *> slots(size_t(std::max(rowSlot, 0)) + 1, nullptr);
    for (int i = 0; i < rowSlot; ++i)
        slots[size_t(i)] = ctx.slots ? ctx.slots[i] : nullptr;
    EvalContext local = ctx;
    local.slots = slots.data();
    std::vector<Event *> matches;
    for (Event *row : m_rows) {
        slots[size_t(rowSlot)] = row;
        if (condition->test(local))
            matches.push_back(row);
    }
    for (Event *row : matches)
        f(row);
}

bool Table::containsMatch(const EvalContext &ctx, int rowSlot, const Evaluator &condition) const
{
    std::vector<Event *> slots(size_t(std::max(rowSlot, 0)) + 1, nullptr);
    for (int i = 0; i < rowSlot; ++i)
        slots[size_t(i)] = ctx.slots ? ctx.slots[i] : nullptr;
    EvalContext local = ctx;
    local.slots = slots.data();
    for (Event *row : m_rows) {
        slots[size_t(rowSlot)] = row;
        if (condition.test(local))
            return true;
    }
    return false;
}

int Table::removeMatches(const EvalContext &ctx, int rowSlot, const Evaluator *condition)
{
    std::vector<Event *> doomed;
    forEachMatch(ctx, rowSlot, condition, [&](Event *row) { doomed.push_back(row); });
    if (doomed.empty())
        return 0;
    for (Event *row : doomed) {
        if (!m_primaryKey.empty())
            m_byKey.erase(keyOf(row));
        m_rows.erase(std::find(m_rows.begin(), m_rows.end(), row));
        m_layout->release(row);
    }
    return int(doomed.size());
}

void Table::updateRow(Event *row, int attribute, Value v, bool isNull)
{
    const bool keyColumn =
        std::find(m_primaryKey.begin(), m_primaryKey.end(), attribute) != m_primaryKey.end();
    if (keyColumn)
        m_byKey.erase(keyOf(row));
    m_layout->set(row, attribute, v, isNull);
    if (keyColumn)
        m_byKey[keyOf(row)] = row;
}

} // namespace Rivulet::Runtime
