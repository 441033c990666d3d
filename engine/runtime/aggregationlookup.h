#pragma once

// How joins (`from S join A within ... per ...`) and on-demand queries (`from A within ...
// per ... select ...`) read an incremental aggregation. aggregation.cpp implements
// findAggregationRows; joinquery.cpp and ondemand.cpp only call it.

#include "event.h"

#include "engine/lang/ast.h"

#include <QString>

#include <cstdint>
#include <functional>

namespace Rivulet::Runtime {

class Aggregation;

// The rows asked for: the buckets of granularity `per` whose start time t satisfies
// start <= t < end (epoch milliseconds, UTC).
struct AggregationWithin
{
    int64_t start = 0;
    int64_t end = 0;
    Lang::Ast::Duration per = Lang::Ast::Duration::Seconds;
};

// Called once per row. The row has the aggregation's schema as the analyzer records it
// (AGG_TIMESTAMP, then the attributes of its select clause, in order and of those types); it
// is only valid during the call (callers copy what they keep).
using AggregationRowCallback = std::function<void(const Event &row)>;

// Calls row() for every aggregated row in the range, oldest bucket first (then in the order the
// aggregation keeps its groups), as Siddhi's AggregationRuntime.find returns them. Returns
// false with a message when it cannot answer (a granularity the aggregation does not keep,
// say). Implemented by aggregation.cpp.
bool findAggregationRows(Aggregation *aggregation, const AggregationWithin &within,
                         const AggregationRowCallback &row, QString *error);

// Parses the `within` and `per` values Siddhi accepts: epoch milliseconds, dates such as
// '2017-06-01 04:05:50' or '2017-06-01 04:05:50 +05:30', or one pattern with ** fields such as
// '2017-06-** **:**:**' (the whole month). Shared by joins and on-demand queries.
bool parseWithinTime(const QString &text, int64_t *start, int64_t *patternEnd, QString *error);
bool parsePerDuration(const QString &text, Lang::Ast::Duration *per);

} // namespace Rivulet::Runtime
