// Partitions: partition with (attr of S | ranges of S) begin ... end, inner streams #S.
#include "appruntime.h"
#include "features.h"
#include "querybuilder.h"

namespace Rivulet::Runtime {

bool buildPartition(AppRuntime &, QueryBuilder &builder, const Lang::Ast::Partition &partition,
                    int *)
{
    return builder.error(partition.range, QStringLiteral("partitions are not implemented yet"));
}

} // namespace Rivulet::Runtime
