#include "ratelimiter.h"

namespace Rivulet::Runtime {

std::unique_ptr<Processor> makeRateLimiter(const Lang::Ast::OutputRate &, AppContext *,
                                           std::shared_ptr<EventLayout>, QString *error)
{
    *error = QStringLiteral("output rate limiting is not implemented yet");
    return nullptr;
}

} // namespace Rivulet::Runtime
