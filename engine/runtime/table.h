#pragma once

#include "expression.h"

#include "engine/lang/ast.h"

#include <QString>

#include <memory>
#include <vector>

namespace Rivulet::Lang {
struct Schema;
}

namespace Rivulet::Runtime {

class AppContext;
class Table;

// A hash index over some columns of a table's rows: the @PrimaryKey (unique) or one @Index
// attribute (several rows per key). Open addressing; each slot keeps the key's hash and its
// first row, so a lookup costs one probe sequence and one comparison per candidate.
class KeyIndex
{
public:
    KeyIndex(const EventLayout *layout, std::vector<int> columns, bool unique);
    ~KeyIndex();
    KeyIndex(const KeyIndex &) = delete;
    KeyIndex &operator=(const KeyIndex &) = delete;

    const std::vector<int> &columns() const { return m_columns; }
    bool unique() const { return m_unique; }

    // The hash of key values given in column order (no nulls).
    uint64_t hashOf(const Value *key) const;
    uint64_t hashOfRow(const Event *row) const;
    // The first row with this key (insertion order), or null.
    Event *find(const Value *key, uint64_t hash) const;
    void prefetch(uint64_t hash) const { __builtin_prefetch(&m_slots[hash & m_mask]); }
    // Every row with this key, in insertion order.
    void findAll(const Value *key, uint64_t hash, std::vector<Event *> &out) const;
    // Unique indexes refuse a second row with the same key (returns false).
    bool insert(Event *row);
    void remove(Event *row);
    void clear();

private:
    // A slot: the key's hash, its first row (null: empty, kDeleted: a tombstone) and, for
    // one-column keys, the key value itself, so that most lookups compare without touching the
    // row. Rows after the first with the same key (non-unique indexes) are in m_more.
    struct Slot
    {
        uint64_t hash;
        Event *row;
        Value key;
    };
    static Event *deletedMark() { return reinterpret_cast<Event *>(uintptr_t(1)); }
    static bool isLive(const Slot &s) { return s.row && s.row != deletedMark(); }
    bool slotMatches(const Slot &s, const Value *key) const;
    bool rowMatches(const Event *row, const Value *key) const;
    bool rowsMatch(const Event *a, const Event *b) const;
    size_t findSlotOfRow(const Event *row, uint64_t hash) const;
    void grow();

    const EventLayout *m_layout;
    std::vector<int> m_columns;
    std::vector<AttrType> m_types;
    bool m_unique;
    bool m_inlineKey; // one column, not null-able in lookups: compare the slot's copy
    std::vector<Slot> m_slots;
    std::vector<std::vector<Event *> *> m_more; // per slot, non-unique indexes only
    size_t m_mask = 0;
    size_t m_used = 0; // live and deleted slots
    size_t m_live = 0;
};

// A condition over a table's rows, planned once: when its `and`-ed terms compare every
// @PrimaryKey attribute (or an @Index attribute) for equality with expressions that do not
// read the row, candidates come from a hash lookup and only the other terms are evaluated;
// otherwise every row is tested. The condition reads the caller's slots with the row in
// `rowSlot` (the analyzer's scope order).
class TableCondition
{
public:
    ~TableCondition();

    Table *table() const { return m_table; }
    int rowSlot() const { return m_rowSlot; }
    // "scan", "primary key", "index on x": for tests and explanations.
    QString planText() const;

    // Calls f(row) for each matching row. slots is the caller's slot array, with room at
    // rowSlot; ctx.slots must point to it. f may change the table: the matches are found first.
    template<class F>
    void forEachMatch(const EvalContext &ctx, Event **slots, F &&f) const;
    void collect(const EvalContext &ctx, Event **slots, std::vector<Event *> &out) const;
    // Whether some row matches (for `in`): ctx.slots hold the inputs before rowSlot.
    bool contains(const EvalContext &ctx) const;
    // For keyed plans: starts fetching the index slot the given inputs will look up, so that a
    // caller with several events can overlap their memory accesses. Does nothing for scans.
    void prefetch(const EvalContext &ctx) const;
    bool keyed() const { return m_mode == Mode::Key; }
    // The whole condition is `T.pk == ...` over every primary key attribute and nothing else.
    bool primaryKeyOnly() const { return m_mode == Mode::Key && m_index->unique() && !m_residual; }

private:
    friend class Table;
    enum class Mode { Scan, Key };
    // Finds the candidate rows by key; returns false when a key value is null (no match).
    bool keyCandidates(const EvalContext &ctx, std::vector<Event *> *all, Event **first) const;

    Table *m_table = nullptr;
    int m_rowSlot = 0;
    Mode m_mode = Mode::Scan;
    const KeyIndex *m_index = nullptr;
    std::vector<EvaluatorPtr> m_keys; // one per index column, converted to the column's type
    EvaluatorPtr m_residual;          // what remains to test on candidates (null: nothing)
};

// An in-memory table (define table, with @PrimaryKey and @Index). Rows are events owned by
// the table, kept in insertion order (Siddhi keeps a table with a numeric primary key in key
// order: scans of such a table return rows by ascending key, as Siddhi's do).
class Table
{
public:
    Table(QString name, std::shared_ptr<EventLayout> layout, std::vector<int> primaryKey,
          std::vector<int> indexes, AppContext *app);
    ~Table();
    Table(const Table &) = delete;
    Table &operator=(const Table &) = delete;

    // The table of a `define table` (its @PrimaryKey and @Index annotations read).
    static std::shared_ptr<Table> fromSchema(const Lang::Schema &schema, AppContext *app);

    const QString &name() const { return m_name; }
    EventLayout *layout() const { return m_layout.get(); }
    std::shared_ptr<EventLayout> sharedLayout() const { return m_layout; }
    const std::vector<int> &primaryKey() const { return m_primaryKey; }
    size_t size() const { return m_count; }

    // Every row, in the table's order.
    void rows(std::vector<Event *> &out) const;

    // Adds a copy of the event. A row with the same primary key is an error (returns false,
    // with a message), as in Siddhi, and the table is unchanged.
    bool insert(const Event *e, QString *error);
    void remove(Event *row);
    // Sets attributes of a row (values taken by reference), keeping the indexes right. A change
    // that would duplicate the primary key of another row is refused (false, with a message).
    struct Assignment
    {
        int attribute;
        Value value;
        bool isNull;
    };
    bool update(Event *row, const std::vector<Assignment> &values, QString *error);
    // Replaces the row with the event's primary key by the event (all attributes), or inserts
    // the event when there is none: Siddhi's IndexEventHolder.overwrite.
    void overwrite(const Event *e);
    void clear();

    // Plans a condition over the rows (null: every row). Returns null with an error when an
    // expression cannot be compiled.
    std::unique_ptr<TableCondition> compileCondition(const Lang::Ast::Expr *condition, int rowSlot,
                                                     const CompileOptions &options, QString *error);

    // The row with this primary key (values in key order, of the key's types), or null.
    Event *findByPrimaryKey(const Value *key) const;

private:
    friend class TableCondition;
    void scan(const EvalContext &ctx, Event **slots, int rowSlot, const Evaluator *condition,
              std::vector<Event *> &out) const;
    void sortByKey(std::vector<Event *> &rows) const;
    void compact();

    QString m_name;
    std::shared_ptr<EventLayout> m_layout;
    std::vector<int> m_primaryKey;
    AppContext *m_app;
    // Rows in insertion order; removed rows leave a null until the next compaction. Each row's
    // position is kept in its Event::reserved field (the table owns its rows).
    std::vector<Event *> m_rows;
    size_t m_count = 0;
    std::unique_ptr<KeyIndex> m_pkIndex;
    std::vector<std::unique_ptr<KeyIndex>> m_indexes;
    bool m_numericKeyOrder = false; // one numeric primary key: scans return rows by key
};

template<class F>
void TableCondition::forEachMatch(const EvalContext &ctx, Event **slots, F &&f) const
{
    if (m_mode == Mode::Key) {
        Event *first = nullptr;
        std::vector<Event *> all;
        if (!keyCandidates(ctx, m_index->unique() ? nullptr : &all, &first))
            return;
        if (m_index->unique()) {
            if (!first)
                return;
            if (m_residual) {
                slots[m_rowSlot] = first;
                const bool ok = m_residual->test(ctx);
                slots[m_rowSlot] = nullptr;
                if (!ok)
                    return;
            }
            f(first);
            return;
        }
        size_t kept = 0;
        for (Event *row : all) {
            if (m_residual) {
                slots[m_rowSlot] = row;
                const bool ok = m_residual->test(ctx);
                slots[m_rowSlot] = nullptr;
                if (!ok)
                    continue;
            }
            all[kept++] = row;
        }
        all.resize(kept);
        if (all.size() > 1)
            m_table->sortByKey(all);
        for (Event *row : all)
            f(row);
        return;
    }
    std::vector<Event *> matches;
    m_table->scan(ctx, slots, m_rowSlot, m_residual.get(), matches);
    for (Event *row : matches)
        f(row);
}

} // namespace Rivulet::Runtime
