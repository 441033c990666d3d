// Triggers: define trigger T at 'start' | at every <time> | at '<cron>'.
#include "appruntime.h"
#include "features.h"
#include "querybuilder.h"

namespace Rivulet::Runtime {

bool buildTrigger(AppRuntime &, QueryBuilder &builder, const Lang::Ast::Definition &def)
{
    return builder.error(def.range, QStringLiteral("triggers are not implemented yet"));
}

void startTriggers(AppRuntime &) {}
void stopTriggers(AppRuntime &) {}

} // namespace Rivulet::Runtime
