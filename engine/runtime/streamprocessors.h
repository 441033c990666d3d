#pragma once

#include "expression.h"
#include "fault.h"
#include "processor.h"

#include "engine/lang/ast.h"

#include <memory>

namespace Rivulet::Runtime {

class AppContext;

// [condition]: passes the events for which the condition holds.
class FilterProcessor final : public Processor
{
public:
    FilterProcessor(AppContext *app, EvaluatorPtr condition, FaultHandler fault);
    void process(EventChunk &chunk) override;

private:
    AppContext *m_app;
    EvaluatorPtr m_condition;
    FaultHandler m_fault;
    EventChunk m_out;
    TempPool m_temps;
    bool m_filtersEvents; // the condition filters whole chunks (Evaluator::filterEvents)
};

// #log(...), #str:tokenize(...), #pol2Cart(...): stream functions. Returns null with an error
// for one Rivulet does not have. `outLayout` is the layout of the events it emits (wider than
// the input for tokenize and pol2Cart).
std::unique_ptr<Processor> makeStreamFunction(const Lang::Ast::Call &call, AppContext *app,
                                              std::shared_ptr<EventLayout> inLayout,
                                              std::shared_ptr<EventLayout> outLayout,
                                              std::vector<EvaluatorPtr> args, QString *error);

} // namespace Rivulet::Runtime
