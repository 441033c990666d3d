// Joins: stream-stream with windows, stream-table, stream-named window, stream-aggregation.
#include "querybuilder.h"

namespace Rivulet::Runtime {

bool buildJoinQuery(QueryBuilder &builder, const Lang::Ast::Query &query, QueryRuntime &)
{
    return builder.error(query.input.range, QStringLiteral("joins are not implemented yet"));
}

} // namespace Rivulet::Runtime
