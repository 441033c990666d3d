#pragma once

#include "clock.h"
#include "expression.h"
#include "processor.h"

#include "engine/lang/ast.h"

#include <deque>
#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;

// Base of every #window.*: keeps clones of the events it holds (it owns them), emits expired
// events downstream as Siddhi's window processors do, and can list what it holds for joins
// and named windows.
class WindowProcessor : public Processor, public TimerTarget
{
public:
    WindowProcessor(AppContext *app, std::shared_ptr<EventLayout> layout);
    ~WindowProcessor() override;

    // The events the window holds now (for joins, `in`, named windows, on-demand queries).
    virtual void contents(std::vector<Event *> &out) const = 0;
    void onTimer(int64_t at) override;

    // Whether the query wants expired events (insert expired/all events, joins): batch windows
    // keep the previous batch to expire it only then.
    bool outputExpectsExpired = false;
    // Whether the window emits its output as batches (Siddhi's BatchingWindowProcessor): the
    // selector then gives one result per group for each batch.
    virtual bool isBatching() const { return false; }

    EventLayout *layout() const { return m_layout.get(); }

protected:
    // A timer fired: the window does what it does on time (expire, flush).
    virtual void timerTick(int64_t at) = 0;
    int64_t now() const;
    // Sends m_out downstream, then releases the events the window handed over.
    void emit(bool batch);
    void handOver(Event *e) { m_handedOver.push_back(e); }
    Event *cloneAs(const Event *e, EventType type);
    static void releaseAll(std::deque<Event *> &queue);

    AppContext *m_app;
    std::shared_ptr<EventLayout> m_layout;
    EventChunk m_out;
    std::vector<Event *> m_handedOver;
};

// Creates the window named by call (already checked by the analyzer). Returns null with an
// error when the window is not available.
std::unique_ptr<WindowProcessor> makeWindow(const Lang::Ast::Call &call, AppContext *app,
                                            std::shared_ptr<EventLayout> layout,
                                            std::vector<EvaluatorPtr> args, QString *error);

// Constant arguments of windows, read at creation.
int64_t constantLong(const Evaluator &e);
double constantDouble(const Evaluator &e);
bool constantBool(const Evaluator &e);
QString constantString(const Evaluator &e);

} // namespace Rivulet::Runtime
