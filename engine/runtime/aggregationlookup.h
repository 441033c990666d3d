#pragma once

// Reading an incremental aggregation: what a join `from S join A within <start>[, <end>]
// per '<granularity>'` (and an on-demand query) asks of it.

#include "value.h"

#include "engine/lang/ast.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

namespace Rivulet::Runtime {

class Aggregation;
class EventLayout;
struct Event;

// The rows of `agg` whose AGG_TIMESTAMP (the start of a `per` period) is in [start, end): one
// row per period and group, the completed periods and the ones still in progress merged, the
// oldest period first (groups in the order they first appeared in it). Each row has the
// aggregation's layout (aggregationLayout): AGG_TIMESTAMP, then the selected attributes; its
// timestamp is AGG_TIMESTAMP. A row is valid during the call of f only (clone it to keep it).
// `per` is any spelling of sec, min, hour, day, month or year ("seconds", "MINUTES"...).
// Returns false with an error when per is not one of the aggregation's granularities.
bool findAggregationRows(Aggregation *agg, int64_t start, int64_t end, const QString &per,
                         const std::function<void(Event *row)> &f, QString *error);
bool findAggregationRows(Aggregation *agg, int64_t start, int64_t end, Lang::Ast::Duration per,
                         const std::function<void(Event *row)> &f, QString *error);

// The layout of the rows: AGG_TIMESTAMP long, then the attributes of the select clause.
std::shared_ptr<EventLayout> aggregationLayout(const Aggregation *agg);

// `within` values, as Siddhi's IncrementalStartTimeEndTimeFunctionExecutor reads them.
//   One bound: epoch milliseconds (a long), or a date 'yyyy-MM-dd HH:mm:ss' in UTC, or
//   'yyyy-MM-dd HH:mm:ss +05:30' with a UTC offset.
bool parseWithinTime(const QString &text, int64_t *ms, QString *error);
//   `within '<pattern>'` alone: a date with its smallest fields as **, giving that whole
//   period: '2024-**-** **:**:**' is the year 2024, '2024-06-** **:**:** +05:30' June 2024 in
//   that offset, '2024-06-01 10:**:**' one hour... and a full date one second.
bool parseWithinPattern(const QString &text, int64_t *start, int64_t *end, QString *error);
//   Evaluated `within` values: start (a long or a string) and, when hasEnd, end (a long or a
//   string); a single string is a pattern. Checks start < end as Siddhi does.
bool withinRange(AttrType startType, Value startValue, bool hasEnd, AttrType endType,
                 Value endValue, int64_t *start, int64_t *end, QString *error);

// Period arithmetic of aggregations (UTC; months and years by the calendar).
int64_t aggregationPeriodStart(int64_t t, Lang::Ast::Duration d);
int64_t aggregationNextPeriod(int64_t t, Lang::Ast::Duration d);

} // namespace Rivulet::Runtime
