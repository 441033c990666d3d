#pragma once

#include "expression.h"

#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;

// An in-memory table (define table, with @PrimaryKey and @Index). Rows are events owned by the
// table, kept in insertion order. Conditions that read a row see it in the slot after the
// query's own inputs (`rowSlot`), as the analyzer lays them out.
class Table
{
public:
    Table(QString name, std::shared_ptr<EventLayout> layout, std::vector<int> primaryKey,
          AppContext *app);
    ~Table();

    const QString &name() const { return m_name; }
    EventLayout *layout() const { return m_layout.get(); }
    std::shared_ptr<EventLayout> sharedLayout() const { return m_layout; }
    const std::vector<int> &primaryKey() const { return m_primaryKey; }
    size_t size() const { return m_rows.size(); }
    const std::vector<Event *> &rows() const { return m_rows; }

    // Adds a copy of the event. A row with the same primary key is an error (returned false,
    // with a message), as in Siddhi.
    bool insert(const Event *e, QString *error);
    // Calls f for each row satisfying the condition (all rows when condition is null).
    void forEachMatch(const EvalContext &ctx, int rowSlot, const Evaluator *condition,
                      const std::function<void(Event *row)> &f) const;
    bool containsMatch(const EvalContext &ctx, int rowSlot, const Evaluator &condition) const;
    // Removes the rows satisfying the condition; returns how many.
    int removeMatches(const EvalContext &ctx, int rowSlot, const Evaluator *condition);
    // Replaces attribute values of a row (takes references), keeping the primary key index right.
    void updateRow(Event *row, int attribute, Value v, bool isNull);
    void clear();

private:
    std::string keyOf(const Event *e) const;
    QString m_name;
    std::shared_ptr<EventLayout> m_layout;
    std::vector<int> m_primaryKey;
    AppContext *m_app;
    std::vector<Event *> m_rows;
    std::unordered_map<std::string, Event *> m_byKey;
};

} // namespace Rivulet::Runtime
