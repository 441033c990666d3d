// Incremental aggregations: define aggregation A from S select ... aggregate by t every sec ...
// year.
#include "appruntime.h"
#include "features.h"
#include "querybuilder.h"

namespace Rivulet::Runtime {

bool buildAggregation(AppRuntime &, QueryBuilder &builder, const Lang::Ast::Definition &def)
{
    return builder.error(def.range,
                         QStringLiteral("incremental aggregations are not implemented yet"));
}

} // namespace Rivulet::Runtime
