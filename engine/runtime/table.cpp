#include "table.h"

#include "appcontext.h"

#include "engine/lang/semanticmodel.h"
#include "engine/lang/types.h"

#include <algorithm>
#include <functional>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

namespace {

inline uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

constexpr uint64_t kNullHash = 0x6a09e667f3bcc908ull;

} // namespace

// ---- KeyIndex -------------------------------------------------------------------------------

KeyIndex::KeyIndex(const EventLayout *layout, std::vector<int> columns, bool unique)
    : m_layout(layout)
    , m_columns(std::move(columns))
    , m_unique(unique)
{
    for (int c : m_columns)
        m_types.push_back(layout->type(c));
    m_inlineKey = m_columns.size() == 1;
    m_slots.assign(16, Slot{0, nullptr, Value::ofLong(0)});
    if (!m_unique)
        m_more.assign(16, nullptr);
    m_mask = 15;
}

KeyIndex::~KeyIndex()
{
    clear();
}

void KeyIndex::clear()
{
    for (auto *&m : m_more) {
        delete m;
        m = nullptr;
    }
    for (Slot &s : m_slots)
        s = Slot{0, nullptr, Value::ofLong(0)};
    m_used = 0;
    m_live = 0;
}

// Keys without nulls hash with the top bit clear, keys with a null with it set: a lookup (whose
// key never holds a null) cannot meet a row whose key has one.
constexpr uint64_t kNullKeyBit = uint64_t(1) << 63;

uint64_t KeyIndex::hashOf(const Value *key) const
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < m_types.size(); ++i)
        h = mix(h ^ (hashValue(m_types[i], key[i]) + 0x9e3779b97f4a7c15ull * (i + 1)));
    return h & ~kNullKeyBit;
}

uint64_t KeyIndex::hashOfRow(const Event *row) const
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    bool hasNull = false;
    for (size_t i = 0; i < m_types.size(); ++i) {
        const int c = m_columns[i];
        hasNull = hasNull || row->isNull(c);
        const uint64_t v = row->isNull(c) ? kNullHash : hashValue(m_types[i], row->value(c));
        h = mix(h ^ (v + 0x9e3779b97f4a7c15ull * (i + 1)));
    }
    return hasNull ? (h | kNullKeyBit) : (h & ~kNullKeyBit);
}

bool KeyIndex::rowMatches(const Event *row, const Value *key) const
{
    for (size_t i = 0; i < m_types.size(); ++i) {
        const int c = m_columns[i];
        if (row->isNull(c) || !valuesEqual(m_types[i], row->value(c), key[i]))
            return false;
    }
    return true;
}

bool KeyIndex::slotMatches(const Slot &s, const Value *key) const
{
    if (m_inlineKey) // rows with a null key never get here: their hashes differ (kNullKeyBit)
        return valuesEqual(m_types.front(), s.key, key[0]);
    return rowMatches(s.row, key);
}

bool KeyIndex::rowsMatch(const Event *a, const Event *b) const
{
    for (size_t i = 0; i < m_types.size(); ++i) {
        const int c = m_columns[i];
        const bool an = a->isNull(c);
        if (an != b->isNull(c))
            return false;
        if (!an && !valuesEqual(m_types[i], a->value(c), b->value(c)))
            return false;
    }
    return true;
}

Event *KeyIndex::find(const Value *key, uint64_t hash) const
{
    for (size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
        const Slot &s = m_slots[i];
        if (!s.row)
            return nullptr;
        if (s.hash == hash && s.row != deletedMark()) {
            // The caller reads the row next: start fetching it while the key is compared.
            __builtin_prefetch(s.row);
            if (slotMatches(s, key))
                return s.row;
        }
    }
}

void KeyIndex::findAll(const Value *key, uint64_t hash, std::vector<Event *> &out) const
{
    for (size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
        const Slot &s = m_slots[i];
        if (!s.row)
            return;
        if (s.hash == hash && s.row != deletedMark() && slotMatches(s, key)) {
            out.push_back(s.row);
            if (!m_unique && m_more[i])
                out.insert(out.end(), m_more[i]->begin(), m_more[i]->end());
            return;
        }
    }
}

size_t KeyIndex::findSlotOfRow(const Event *row, uint64_t hash) const
{
    for (size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
        const Slot &s = m_slots[i];
        if (!s.row)
            return size_t(-1);
        if (s.hash == hash && s.row != deletedMark() && rowsMatch(s.row, row))
            return i;
    }
}

void KeyIndex::grow()
{
    std::vector<Slot> old;
    old.swap(m_slots);
    std::vector<std::vector<Event *> *> oldMore;
    oldMore.swap(m_more);
    // Grow when mostly live; just rehash away tombstones otherwise.
    const size_t size = m_live * 4 >= old.size() ? old.size() * 2 : old.size();
    m_slots.assign(size, Slot{0, nullptr, Value::ofLong(0)});
    if (!m_unique)
        m_more.assign(size, nullptr);
    m_mask = size - 1;
    m_used = 0;
    for (size_t j = 0; j < old.size(); ++j) {
        const Slot &s = old[j];
        if (!isLive(s))
            continue;
        size_t i = s.hash & m_mask;
        while (m_slots[i].row)
            i = (i + 1) & m_mask;
        m_slots[i] = s;
        if (!m_unique)
            m_more[i] = oldMore[j];
        ++m_used;
    }
}

bool KeyIndex::insert(Event *row)
{
    if ((m_used + 1) * 5 > m_slots.size() * 4)
        grow();
    const uint64_t hash = hashOfRow(row);
    size_t free = size_t(-1);
    size_t i = hash & m_mask;
    for (;; i = (i + 1) & m_mask) {
        Slot &s = m_slots[i];
        if (!s.row)
            break;
        if (s.row == deletedMark()) {
            if (free == size_t(-1))
                free = i;
            continue;
        }
        if (s.hash == hash && rowsMatch(s.row, row)) {
            if (m_unique)
                return false;
            if (!m_more[i])
                m_more[i] = new std::vector<Event *>();
            m_more[i]->push_back(row);
            return true;
        }
    }
    if (free == size_t(-1)) {
        free = i;
        ++m_used;
    }
    const int c = m_columns.front();
    m_slots[free] = Slot{hash, row, row->isNull(c) ? Value::ofLong(0) : row->value(c)};
    ++m_live;
    return true;
}

void KeyIndex::remove(Event *row)
{
    const size_t i = findSlotOfRow(row, hashOfRow(row));
    if (i == size_t(-1))
        return;
    Slot &s = m_slots[i];
    std::vector<Event *> *more = m_unique ? nullptr : m_more[i];
    if (s.row == row) {
        if (more && !more->empty()) {
            Event *next = more->front();
            more->erase(more->begin());
            const int c = m_columns.front();
            s.row = next;
            s.key = next->isNull(c) ? Value::ofLong(0) : next->value(c);
            return;
        }
        delete more;
        if (!m_unique)
            m_more[i] = nullptr;
        s = Slot{0, deletedMark(), Value::ofLong(0)};
        --m_live;
        return;
    }
    if (more) {
        auto it = std::find(more->begin(), more->end(), row);
        if (it != more->end())
            more->erase(it);
    }
}

// ---- TableCondition -------------------------------------------------------------------------

TableCondition::~TableCondition() = default;

QString TableCondition::planText() const
{
    if (m_mode == Mode::Scan)
        return QStringLiteral("scan");
    if (m_index->unique())
        return QStringLiteral("primary key");
    return QStringLiteral("index on %1")
        .arg(m_table->layout()->names().value(m_index->columns().front()));
}

bool TableCondition::keyCandidates(const EvalContext &ctx, std::vector<Event *> *all,
                                   Event **first) const
{
    Value key[8];
    std::vector<Value> big;
    Value *k = key;
    if (m_keys.size() > 8) {
        big.resize(m_keys.size());
        k = big.data();
    }
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i]->eval(ctx, k[i]))
            return false; // null never equals anything
    }
    const uint64_t hash = m_index->hashOf(k);
    if (all)
        m_index->findAll(k, hash, *all);
    else
        *first = m_index->find(k, hash);
    return true;
}

void TableCondition::prefetch(const EvalContext &ctx) const
{
    if (m_mode != Mode::Key || m_keys.size() > 4)
        return;
    Value key[4];
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i]->eval(ctx, key[i]))
            return;
    }
    m_index->prefetch(m_index->hashOf(key));
}

void TableCondition::collect(const EvalContext &ctx, Event **slots, std::vector<Event *> &out) const
{
    forEachMatch(ctx, slots, [&out](Event *row) { out.push_back(row); });
}

bool TableCondition::contains(const EvalContext &ctx) const
{
    // The caller's slots stop before the row: evaluate over a copy with room for it.
    Event *local[8] = {};
    std::vector<Event *> big;
    Event **slots = local;
    if (m_rowSlot >= 8) {
        big.assign(size_t(m_rowSlot) + 1, nullptr);
        slots = big.data();
    }
    for (int i = 0; i < m_rowSlot; ++i)
        slots[i] = ctx.slots ? ctx.slots[i] : nullptr;
    EvalContext c = ctx;
    c.slots = slots;
    bool found = false;
    if (m_mode == Mode::Key) {
        Event *first = nullptr;
        std::vector<Event *> all;
        if (keyCandidates(c, m_index->unique() ? nullptr : &all, &first)) {
            if (m_index->unique() && first)
                all.push_back(first);
            for (Event *row : all) {
                slots[m_rowSlot] = row;
                if (!m_residual || m_residual->test(c)) {
                    found = true;
                    break;
                }
            }
        }
    } else {
        for (Event *row : m_table->m_rows) {
            if (!row)
                continue;
            slots[m_rowSlot] = row;
            if (!m_residual || m_residual->test(c)) {
                found = true;
                break;
            }
        }
    }
    if (c.error) {
        ctx.error = c.error;
        ctx.errorText = c.errorText;
    }
    return found;
}

// ---- Table ----------------------------------------------------------------------------------

Table::Table(QString name, std::shared_ptr<EventLayout> layout, std::vector<int> primaryKey,
             std::vector<int> indexes, AppContext *app)
    : m_name(std::move(name))
    , m_layout(std::move(layout))
    , m_primaryKey(std::move(primaryKey))
    , m_app(app)
{
    if (!m_primaryKey.empty()) {
        m_pkIndex = std::make_unique<KeyIndex>(m_layout.get(), m_primaryKey, true);
        m_numericKeyOrder =
            m_primaryKey.size() == 1 && Lang::isNumeric(m_layout->type(m_primaryKey.front()));
    }
    for (int c : indexes) {
        if (m_primaryKey.size() == 1 && m_primaryKey.front() == c)
            continue; // the primary key index serves it
        m_indexes.push_back(std::make_unique<KeyIndex>(m_layout.get(), std::vector<int>{c}, false));
    }
}

Table::~Table()
{
    clear();
}

std::shared_ptr<Table> Table::fromSchema(const Lang::Schema &schema, AppContext *app)
{
    QList<AttrType> types;
    QStringList names;
    for (const Lang::AttributeInfo &a : schema.attributes) {
        types << a.type;
        names << a.name;
    }
    auto layout = std::make_shared<EventLayout>(types, names);
    std::vector<int> pk;
    std::vector<int> indexes;
    if (schema.definition) {
        for (const Annotation &a : schema.definition->annotations) {
            if (!a.is("PrimaryKey") && !a.is("Index"))
                continue;
            for (const AnnotationElement &e : a.elements) {
                const int idx = schema.indexOf(e.value);
                if (idx < 0)
                    continue;
                std::vector<int> &target = a.is("PrimaryKey") ? pk : indexes;
                if (std::find(target.begin(), target.end(), idx) == target.end())
                    target.push_back(idx);
            }
        }
    }
    return std::make_shared<Table>(schema.name, layout, pk, indexes, app);
}

void Table::clear()
{
    for (Event *e : m_rows) {
        if (e)
            m_layout->release(e);
    }
    m_rows.clear();
    m_count = 0;
    if (m_pkIndex)
        m_pkIndex->clear();
    for (auto &i : m_indexes)
        i->clear();
}

void Table::rows(std::vector<Event *> &out) const
{
    const size_t start = out.size();
    for (Event *e : m_rows) {
        if (e)
            out.push_back(e);
    }
    if (m_numericKeyOrder && out.size() - start > 1) {
        std::vector<Event *> part(out.begin() + long(start), out.end());
        sortByKey(part);
        std::copy(part.begin(), part.end(), out.begin() + long(start));
    }
}

void Table::sortByKey(std::vector<Event *> &rows) const
{
    if (!m_numericKeyOrder)
        return;
    const int c = m_primaryKey.front();
    const AttrType t = m_layout->type(c);
    std::stable_sort(rows.begin(), rows.end(), [c, t](const Event *a, const Event *b) {
        if (a->isNull(c) || b->isNull(c))
            return a->isNull(c) && !b->isNull(c);
        if (t == AttrType::Int || t == AttrType::Long)
            return toLong(t, a->value(c)) < toLong(t, b->value(c));
        return toDouble(t, a->value(c)) < toDouble(t, b->value(c));
    });
}

bool Table::insert(const Event *e, QString *error)
{
    Event *row = m_layout->clone(e);
    row->type = EventType::Current;
    row->flags = 0;
    if (m_pkIndex && !m_pkIndex->insert(row)) {
        if (error) {
            QStringList key;
            for (int c : m_primaryKey)
                key << valueToString(m_layout->type(c), row->value(c), row->isNull(c));
            *error = QStringLiteral("table %1 already has a row with primary key %2: event dropped")
                         .arg(m_name, key.join(QStringLiteral(", ")));
        }
        m_layout->release(row);
        return false;
    }
    for (auto &i : m_indexes)
        i->insert(row);
    row->reserved = uint32_t(m_rows.size());
    m_rows.push_back(row);
    ++m_count;
    return true;
}

void Table::remove(Event *row)
{
    const size_t pos = row->reserved;
    if (pos >= m_rows.size() || m_rows[pos] != row)
        return;
    if (m_pkIndex)
        m_pkIndex->remove(row);
    for (auto &i : m_indexes)
        i->remove(row);
    m_rows[pos] = nullptr;
    --m_count;
    m_layout->release(row);
    if (m_rows.size() > 32 && m_count * 2 < m_rows.size())
        compact();
    else if (m_count == 0)
        m_rows.clear();
}

void Table::compact()
{
    size_t n = 0;
    for (Event *e : m_rows) {
        if (!e)
            continue;
        e->reserved = uint32_t(n);
        m_rows[n++] = e;
    }
    m_rows.resize(n);
}

bool Table::update(Event *row, const std::vector<Assignment> &values, QString *error)
{
    auto touches = [&](const std::vector<int> &columns) {
        for (const Assignment &a : values) {
            if (std::find(columns.begin(), columns.end(), a.attribute) != columns.end())
                return true;
        }
        return false;
    };
    const bool keyChanges = m_pkIndex && touches(m_primaryKey);
    std::vector<KeyIndex *> indexes;
    for (auto &i : m_indexes) {
        if (touches(i->columns()))
            indexes.push_back(i.get());
    }
    if (keyChanges) {
        // Refuse a change that would give the row the key of another row.
        Event *probe = m_layout->clone(row);
        for (const Assignment &a : values)
            m_layout->set(probe, a.attribute, a.value, a.isNull);
        std::vector<Value> key;
        bool hasNull = false;
        for (int c : m_primaryKey) {
            key.push_back(probe->value(c));
            hasNull = hasNull || probe->isNull(c);
        }
        Event *other =
            hasNull ? nullptr : m_pkIndex->find(key.data(), m_pkIndex->hashOf(key.data()));
        m_layout->release(probe);
        if (other && other != row) {
            if (error)
                *error =
                    QStringLiteral("updating a row of table %1 would duplicate the primary key of "
                                   "another row: update skipped")
                        .arg(m_name);
            return false;
        }
        m_pkIndex->remove(row);
    }
    for (KeyIndex *i : indexes)
        i->remove(row);
    // A value may be one the row holds now (set a = b, b = a): keep every value alive until all
    // are in place.
    for (const Assignment &a : values) {
        if (!a.isNull)
            retain(m_layout->type(a.attribute), a.value);
    }
    for (const Assignment &a : values)
        m_layout->set(row, a.attribute, a.value, a.isNull);
    for (const Assignment &a : values) {
        if (!a.isNull)
            Runtime::release(m_layout->type(a.attribute), a.value);
    }
    if (keyChanges)
        m_pkIndex->insert(row);
    for (KeyIndex *i : indexes)
        i->insert(row);
    return true;
}

void Table::overwrite(const Event *e)
{
    Event *row = nullptr;
    if (m_pkIndex && m_primaryKey.size() <= 8) {
        Value key[8];
        bool hasNull = false;
        for (size_t i = 0; i < m_primaryKey.size(); ++i) {
            key[i] = e->value(m_primaryKey[i]);
            hasNull = hasNull || e->isNull(m_primaryKey[i]);
        }
        if (!hasNull)
            row = findByPrimaryKey(key);
    }
    if (!row) {
        insert(e, nullptr);
        return;
    }
    std::vector<Assignment> all;
    for (int i = 0; i < m_layout->size(); ++i)
        all.push_back({i, e->value(i), e->isNull(i)});
    update(row, all, nullptr);
}

Event *Table::findByPrimaryKey(const Value *key) const
{
    if (!m_pkIndex)
        return nullptr;
    return m_pkIndex->find(key, m_pkIndex->hashOf(key));
}

void Table::scan(const EvalContext &ctx, Event **slots, int rowSlot, const Evaluator *condition,
                 std::vector<Event *> &out) const
{
    for (Event *row : m_rows) {
        if (!row)
            continue;
        if (condition) {
            slots[rowSlot] = row;
            const bool ok = condition->test(ctx);
            slots[rowSlot] = nullptr;
            if (!ok)
                continue;
        }
        out.push_back(row);
    }
    if (out.size() > 1)
        sortByKey(out);
}

namespace {

// True when e reads the given slot (or is something whose reads we cannot see).
bool readsSlot(const Expr &e, int slot)
{
    if (e.kind == ExprKind::Variable && e.inputIndex == slot)
        return true;
    if (e.kind == ExprKind::StreamRef || e.kind == ExprKind::In)
        return true;
    if (e.lhs && readsSlot(*e.lhs, slot))
        return true;
    if (e.rhs && readsSlot(*e.rhs, slot))
        return true;
    for (const auto &a : e.call.args) {
        if (readsSlot(*a, slot))
            return true;
    }
    return false;
}

void conjuncts(const Expr &e, std::vector<const Expr *> &out)
{
    if (e.kind == ExprKind::Binary && e.op == BinaryOp::And) {
        conjuncts(*e.lhs, out);
        conjuncts(*e.rhs, out);
        return;
    }
    out.push_back(&e);
}

// A probe of type `from` finds column values of type `to` exactly when Siddhi's comparison
// would promote the column to the probe's type without changing equality: same type, or a
// numeric column at least as wide as the probe.
bool probeFits(AttrType column, AttrType probe)
{
    if (column == probe)
        return column != AttrType::Object && column != AttrType::Unknown;
    if (Lang::isNumeric(column) && Lang::isNumeric(probe))
        return Lang::widerNumeric(column, probe) == column;
    return false;
}

// Evaluates every term; true only when all are true.
class AllOfNode final : public Evaluator
{
public:
    explicit AllOfNode(std::vector<EvaluatorPtr> terms)
        : Evaluator(AttrType::Bool)
        , m_terms(std::move(terms))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        for (const EvaluatorPtr &t : m_terms) {
            if (!t->test(ctx)) {
                out = Value::ofBool(false);
                return true;
            }
        }
        out = Value::ofBool(true);
        return true;
    }

private:
    std::vector<EvaluatorPtr> m_terms;
};

} // namespace

std::unique_ptr<TableCondition> Table::compileCondition(const Expr *condition, int rowSlot,
                                                        const CompileOptions &options,
                                                        QString *error)
{
    auto plan = std::unique_ptr<TableCondition>(new TableCondition);
    plan->m_table = this;
    plan->m_rowSlot = std::max(rowSlot, 0);
    if (!condition)
        return plan;

    auto compile = [&](const Expr &e) -> EvaluatorPtr {
        ExpressionCompiler c(options);
        EvaluatorPtr ev = c.compile(e);
        if (!ev && error)
            *error = c.error();
        return ev;
    };

    // Terms `row.col == probe` whose probe does not read the row.
    std::vector<const Expr *> terms;
    conjuncts(*condition, terms);
    struct KeyTerm
    {
        int column;
        const Expr *probe;
        size_t term;
    };
    std::vector<KeyTerm> keyTerms;
    for (size_t i = 0; i < terms.size(); ++i) {
        const Expr &t = *terms[i];
        if (t.kind != ExprKind::Binary || t.op != BinaryOp::Eq)
            continue;
        const Expr *col = nullptr;
        const Expr *probe = nullptr;
        if (t.lhs->kind == ExprKind::Variable && t.lhs->inputIndex == plan->m_rowSlot
            && !t.lhs->index.present && !readsSlot(*t.rhs, plan->m_rowSlot)) {
            col = t.lhs.get();
            probe = t.rhs.get();
        } else if (t.rhs->kind == ExprKind::Variable && t.rhs->inputIndex == plan->m_rowSlot
                   && !t.rhs->index.present && !readsSlot(*t.lhs, plan->m_rowSlot)) {
            col = t.rhs.get();
            probe = t.lhs.get();
        }
        if (!col || col->attrIndex < 0 || col->attrIndex >= m_layout->size())
            continue;
        if (probe->kind == ExprKind::Constant && probe->constant.isNull)
            continue;
        if (!probeFits(m_layout->type(col->attrIndex), probe->type))
            continue;
        keyTerms.push_back({col->attrIndex, probe, i});
    }

    auto termFor = [&](int column) -> const KeyTerm * {
        for (const KeyTerm &k : keyTerms) {
            if (k.column == column)
                return &k;
        }
        return nullptr;
    };
    std::vector<const KeyTerm *> chosen;
    const KeyIndex *index = nullptr;
    if (m_pkIndex) {
        for (int c : m_primaryKey) {
            const KeyTerm *k = termFor(c);
            if (!k) {
                chosen.clear();
                break;
            }
            chosen.push_back(k);
        }
        if (!chosen.empty())
            index = m_pkIndex.get();
    }
    if (!index) {
        for (const auto &i : m_indexes) {
            if (const KeyTerm *k = termFor(i->columns().front())) {
                chosen = {k};
                index = i.get();
                break;
            }
        }
    }

    std::vector<bool> used(terms.size(), false);
    if (index) {
        plan->m_mode = TableCondition::Mode::Key;
        plan->m_index = index;
        for (const KeyTerm *k : chosen) {
            EvaluatorPtr probe = compile(*k->probe);
            if (!probe)
                return nullptr;
            plan->m_keys.push_back(
                ExpressionCompiler::convert(std::move(probe), m_layout->type(k->column)));
            used[k->term] = true;
        }
    }
    std::vector<EvaluatorPtr> rest;
    for (size_t i = 0; i < terms.size(); ++i) {
        if (used[i])
            continue;
        EvaluatorPtr ev = compile(*terms[i]);
        if (!ev)
            return nullptr;
        rest.push_back(std::move(ev));
    }
    if (rest.size() == 1)
        plan->m_residual = std::move(rest.front());
    else if (!rest.empty())
        plan->m_residual = std::make_unique<AllOfNode>(std::move(rest));
    return plan;
}

} // namespace Rivulet::Runtime
