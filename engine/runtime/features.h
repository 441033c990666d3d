#pragma once

// The parts of an app built beside the queries, each in its own file: named windows
// (namedwindow.cpp), triggers (trigger.cpp), incremental aggregations (aggregation.cpp),
// partitions (partition.cpp) and on-demand queries (ondemand.cpp). AppRuntime::build calls
// them in this order: windows, triggers, aggregations, then queries and partitions in the
// order they are written.

#include "engine/lang/ast.h"

#include <QString>

namespace Rivulet::Runtime {

class AppRuntime;
class QueryBuilder;

// A `define window`: the window processor, fed by `insert into W`, read by `from W` (its
// output junction) and by joins.
class NamedWindow;
// A `define trigger`: emits triggered_time events at start, periodically or on a cron schedule.
class Trigger;
// A `define aggregation`: incremental aggregation by sec ... year, read by joins (within/per)
// and on-demand queries.
class Aggregation;
// A running `partition`: a copy of its queries per partition key.
class PartitionRuntime;

bool buildNamedWindow(AppRuntime &app, QueryBuilder &builder, const Lang::Ast::Definition &def);
bool buildTrigger(AppRuntime &app, QueryBuilder &builder, const Lang::Ast::Definition &def);
bool buildAggregation(AppRuntime &app, QueryBuilder &builder, const Lang::Ast::Definition &def);
bool buildPartition(AppRuntime &app, QueryBuilder &builder, const Lang::Ast::Partition &partition,
                    int *queryIndex);

// Lifecycle of the parts that act on their own (triggers).
void startTriggers(AppRuntime &app);
void stopTriggers(AppRuntime &app);

} // namespace Rivulet::Runtime
