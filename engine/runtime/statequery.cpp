// Patterns and sequences: every, ->, ',', within, counting, and/or, not ... for.
#include "querybuilder.h"

namespace Rivulet::Runtime {

bool buildStateQuery(QueryBuilder &builder, const Lang::Ast::Query &query, QueryRuntime &)
{
    return builder.error(query.input.range,
                         QStringLiteral("patterns and sequences are not implemented yet"));
}

} // namespace Rivulet::Runtime
