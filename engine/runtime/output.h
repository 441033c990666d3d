#pragma once

#include "expression.h"
#include "fault.h"
#include "processor.h"
#include "table.h"

#include "engine/lang/ast.h"

#include <functional>
#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;
class NamedWindow;

// Receives what a query emits, before it goes to its target: the current and the expired
// events of one output, in order (Siddhi's QueryCallback).
using QueryCallback = std::function<void(const EventChunk &chunk)>;

// The last stage of a query: hands its output to query callbacks, then to the target.
class OutputProcessor : public Processor
{
public:
    void addCallback(QueryCallback cb) { m_callbacks.push_back(std::move(cb)); }
    void process(EventChunk &chunk) final;

protected:
    virtual void deliver(EventChunk &chunk) = 0;

private:
    std::vector<QueryCallback> m_callbacks;
};

// insert into Stream: expired events become current in the stream (as in Siddhi), marked so
// that tools can still show what they were.
class InsertIntoStream final : public OutputProcessor
{
public:
    explicit InsertIntoStream(StreamJunction *junction)
        : m_junction(junction)
    {}

protected:
    void deliver(EventChunk &chunk) override;

private:
    StreamJunction *m_junction;
};

// return: an inner query hands its output to the outer query's stages.
class ReturnOutput final : public OutputProcessor
{
public:
    explicit ReturnOutput(Processor *target)
        : m_target(target)
    {}
    void setTarget(Processor *target) { m_target = target; }

protected:
    void deliver(EventChunk &chunk) override
    {
        if (m_target)
            m_target->process(chunk);
    }

private:
    Processor *m_target;
};

// insert into W, W a named window: the events enter the window.
class InsertIntoWindow final : public OutputProcessor
{
public:
    explicit InsertIntoWindow(NamedWindow *window)
        : m_window(window)
    {}

protected:
    void deliver(EventChunk &chunk) override;

private:
    NamedWindow *m_window;
};

// Table outputs: insert, delete, update, update or insert. Conditions and set values read
// [query output event, table row] (slots 0 and 1); the condition is planned by the table
// (hash lookups on its keys).
class TableOutput final : public OutputProcessor
{
public:
    enum Kind { Insert, Delete, Update, UpdateOrInsert };
    struct SetClause
    {
        int attribute;
        EvaluatorPtr value;
    };
    TableOutput(AppContext *app, Table *table, Kind kind, FaultHandler fault);
    ~TableOutput() override;
    std::unique_ptr<TableCondition> condition; // null: every row
    std::vector<SetClause> set;
    // Without a set clause: table attribute i takes output attribute byName[i] (-1: unchanged).
    std::vector<int> byName;
    // update or insert on exactly the primary key: the event replaces the row with its key, set
    // clause or not (Siddhi's OverwriteTableIndexOperator).
    bool overwrite = false;

    // How many rows the last delivered chunk inserted, deleted or updated (on-demand queries).
    int affected() const { return m_affected; }

protected:
    void deliver(EventChunk &chunk) override;

private:
    AppContext *m_app;
    Table *m_table;
    Kind m_kind;
    FaultHandler m_fault;
    TempPool m_temps;
    std::vector<Event *> m_matches;
    std::vector<Table::Assignment> m_assignments;
    int m_affected = 0;
};

// The table output of a query or an on-demand query (insert into, delete, update, update or
// insert into T), with its `on` condition and set clause compiled against the output layout.
// Returns null and sets error (and errorRange) when something cannot be compiled.
std::unique_ptr<TableOutput>
makeTableOutput(AppContext *app, Table *table, const Lang::Ast::QueryOutput &output,
                const EventLayout &outputLayout, const CompileOptions &options,
                const FaultHandler &fault, QString *error, Lang::SourceRange *errorRange);

} // namespace Rivulet::Runtime
