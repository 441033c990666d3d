#pragma once

#include "clock.h"
#include "event.h"
#include "expression.h"
#include "fault.h"
#include "processor.h"

#include "engine/lang/ast.h"

#include <QList>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace Rivulet::Runtime {

class AppRuntime;
class QueryBuilder;
class QueryRuntime;

// A `define aggregation A from S select k, sum(x) as total, avg(y) as a group by k aggregate
// [by ts] every sec ... year`, kept as Siddhi's incremental aggregation keeps it: one executor
// per granularity, finest first. Each holds the period in progress (per group: the base values
// — sums, counts, minimums, maximums, distinct sets — and the latest event, for the attributes
// that are not aggregated); when an event (or, on processing time, the clock) reaches the next
// period, the finished one is stored at that granularity and handed to the next coarser one.
// An event older than the period in progress is counted in it, as Siddhi does.
//   - Time: the `aggregate by` attribute (a long, or a date string), else the event's
//     timestamp; on processing time the scheduler also closes periods.
//   - avg = sum / count (count of events; integer division for int and long sums, as
//     Siddhi's avg over long bases), min, max, count, sum, distinctCount.
//   - @purge(enable, interval, @retentionPeriod(sec='120 sec', ...)) with Siddhi's defaults
//     (every 15 min; sec 120 sec, min 24 hours, hour 30 days, day 1 year, month and year
//     kept).
class Aggregation final : public TimerTarget
{
public:
    Aggregation(AppRuntime &app, const Lang::Ast::Definition &definition);
    ~Aggregation() override;

    bool build(QueryBuilder &builder);

    QString name() const { return m_name; }
    std::shared_ptr<EventLayout> layout() const { return m_layout; }
    const std::vector<Lang::Ast::Duration> &granularities() const { return m_durations; }

    // See findAggregationRows (aggregationlookup.h): rows of [start, end) per `per`.
    bool find(int64_t start, int64_t end, Lang::Ast::Duration per,
              const std::function<void(const Event &row)> &f, QString *error);

    // Events after the aggregation's filters.
    void process(EventChunk &chunk);
    void onTimer(int64_t at) override;

private:
    enum class BaseKind { Sum, Count, Min, Max, Set };
    struct BaseSpec
    {
        BaseKind kind;
        AttrType type; // of the value kept (sums: long or double)
        int call;      // which aggregate call feeds it
    };
    enum class CallKind { Sum, Count, Avg, Min, Max, DistinctCount };
    struct CallSpec
    {
        CallKind kind;
        EvaluatorPtr argument; // null for count()
        AttrType argType = AttrType::Unknown;
        AttrType resultType = AttrType::Unknown;
        int firstBase = 0;
    };
    struct Base
    {
        Value value{};
        bool present = false;
        std::unique_ptr<std::unordered_set<std::string>> set;
    };
    // One group in one period.
    struct Row
    {
        std::string key;
        Event *latest = nullptr; // clone of the latest input event of the group (owned)
        int64_t latestTime = 0;
        std::vector<Base> bases;
    };
    struct Bucket
    {
        int64_t start = -1;
        std::vector<std::unique_ptr<Row>> rows;
        std::unordered_map<std::string, Row *> index;
        void clear();
    };
    struct Level
    {
        Lang::Ast::Duration duration;
        int64_t nextEmit = -1;
        Bucket current;
        std::map<int64_t, Bucket> table; // finished periods by start
        int64_t retention = -1;          // ms, -1: keep all
    };
    class ResultNode;
    friend class ResultNode;

    void addEvent(Event *e, int64_t time);
    void rollCheck(size_t level, int64_t time);
    void addRow(size_t level, const Row &row, int64_t time);
    Row *rowFor(Bucket &bucket, const std::string &key);
    void mergeRow(Row &into, const Row &from);
    void copyLatest(Row &into, const Row &from);
    void releaseRow(Row &row);
    void storeInTable(size_t level, Bucket &&bucket);
    void scheduleTimer();
    void purge(int64_t at);
    bool callResult(const Row &row, int call, Value &out) const;
    bool parsePurge(QueryBuilder &builder);

    AppRuntime &m_app;
    const Lang::Ast::Definition &m_def;
    QString m_name;
    std::shared_ptr<EventLayout> m_layout;      // AGG_TIMESTAMP + selected attributes
    std::shared_ptr<EventLayout> m_inputLayout; // after the filters
    std::unique_ptr<QueryRuntime> m_input;      // the input chain and its subscription
    FaultHandler m_fault;

    std::vector<Lang::Ast::Duration> m_durations;
    std::vector<Level> m_levels;
    std::vector<CallSpec> m_calls;
    std::vector<BaseSpec> m_bases;
    std::vector<EvaluatorPtr> m_groupBy;
    std::vector<EvaluatorPtr> m_outputs; // one per selected attribute
    EvaluatorPtr m_timeOf;               // aggregate by
    bool m_externalTime = false;

    const Row *m_current = nullptr; // the row being output
    std::string m_keyBuffer;
    TempPool m_temps;
    int64_t m_timerAt = -1;

    bool m_purge = true;
    int64_t m_purgeInterval = 15 * 60 * 1000;
    std::unique_ptr<TimerTarget> m_purgeTimer;
    int64_t m_nextPurge = -1;
};

// Period arithmetic of aggregations (UTC; months and years by the calendar), as Siddhi's
// IncrementalTimeConverterUtil: the start of the period that holds t, and the next one.
int64_t aggregationPeriodStart(int64_t t, Lang::Ast::Duration d);
int64_t aggregationNextPeriod(int64_t t, Lang::Ast::Duration d);

} // namespace Rivulet::Runtime
