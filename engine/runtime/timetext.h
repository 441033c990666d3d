#pragma once

#include "engine/lang/ast.h"

#include <QString>

#include <cstdint>

namespace Rivulet::Runtime {

// Time text as Siddhi's annotations take it: "10 sec", "1 min", "500 millisec", "2 hours",
// "1 year" (a month is 30 days, a year 365, as Siddhi's Expression.Time). A bare number is
// milliseconds.
bool parseTimeText(const QString &text, int64_t *ms);

// A granularity of incremental aggregations, as `per` and @retentionPeriod name them: any
// spelling of sec, min, hour, day, month, year ("seconds", "MINUTES", "hour"...).
bool parseGranularity(const QString &text, Lang::Ast::Duration *duration);

} // namespace Rivulet::Runtime
