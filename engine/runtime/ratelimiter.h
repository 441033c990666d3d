#pragma once

#include "processor.h"

#include "engine/lang/ast.h"

#include <memory>

namespace Rivulet::Runtime {

class AppContext;

// output [all|first|last] every <n> events | <time>, and output snapshot every <time>: sits
// between the selector and the output, keeps clones of what it holds back.
std::unique_ptr<Processor> makeRateLimiter(const Lang::Ast::OutputRate &rate, AppContext *app,
                                           std::shared_ptr<EventLayout> layout, QString *error);

} // namespace Rivulet::Runtime
