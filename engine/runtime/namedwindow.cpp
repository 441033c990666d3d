// Named windows: define window W (...) <window>(...) [output ... events].
#include "appruntime.h"
#include "features.h"
#include "querybuilder.h"

namespace Rivulet::Runtime {

bool buildNamedWindow(AppRuntime &, QueryBuilder &builder, const Lang::Ast::Definition &def)
{
    return builder.error(def.range, QStringLiteral("named windows are not implemented yet"));
}

} // namespace Rivulet::Runtime
