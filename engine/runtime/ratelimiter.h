#pragma once

#include "processor.h"

#include "engine/lang/ast.h"

#include <memory>

namespace Rivulet::Runtime {

class AppContext;
class QuerySelector;

// output [all|first|last] every <n> events | <time>, and output snapshot every <time>: sits
// between the selector and the output and keeps clones of what it holds back. Chosen as
// Siddhi's OutputParser chooses: per group for first/last with group by; for snapshots, by
// whether the query has a window (or is a join), groups, and aggregates. Time-based limiters
// run on the app's scheduler, so playback and tests are deterministic.
//
// `selector` is the query's selector: group-by limiters read the group key of each output
// from it, and snapshot limiters have it pass every event (no batching) and resets on.
std::unique_ptr<Processor> makeRateLimiter(const Lang::Ast::Query &query, AppContext *app,
                                           std::shared_ptr<EventLayout> layout,
                                           QuerySelector *selector, QString *error);

} // namespace Rivulet::Runtime
