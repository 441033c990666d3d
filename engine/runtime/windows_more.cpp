// The remaining windows of Siddhi 5: timeLength, externalTime, externalTimeBatch, session,
// sort, cron, delay, batch, frequent, lossyFrequent, expression and expressionBatch.
#include "window.h"

namespace Rivulet::Runtime {

std::unique_ptr<WindowProcessor> makeOtherWindow(const Lang::Ast::Call &call, AppContext *,
                                                 std::shared_ptr<EventLayout>,
                                                 std::vector<EvaluatorPtr>, QString *error)
{
    *error = QStringLiteral("window '%1' is not implemented yet").arg(call.qualifiedName());
    return nullptr;
}

} // namespace Rivulet::Runtime
