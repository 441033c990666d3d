#pragma once

#include "expression.h"
#include "fault.h"
#include "processor.h"

#include <functional>
#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;
class Table;

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

// Table outputs: insert, delete, update, update or insert. Conditions and set values read
// [query output event, table row] (slots 0 and 1).
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
    EvaluatorPtr condition;
    std::vector<SetClause> set;
    // Without a set clause: table attribute i takes output attribute byName[i] (-1: unchanged).
    std::vector<int> byName;

protected:
    void deliver(EventChunk &chunk) override;

private:
    AppContext *m_app;
    Table *m_table;
    Kind m_kind;
    FaultHandler m_fault;
    TempPool m_temps;
};

} // namespace Rivulet::Runtime
