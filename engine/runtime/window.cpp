#include "window.h"

#include "appcontext.h"

namespace Rivulet::Runtime {

WindowProcessor::WindowProcessor(AppContext *app, std::shared_ptr<EventLayout> layout)
    : m_app(app)
    , m_layout(std::move(layout))
{}

WindowProcessor::~WindowProcessor()
{
    m_app->scheduler.cancel(this);
    for (Event *e : m_handedOver)
        m_layout->release(e);
}

int64_t WindowProcessor::now() const
{
    return m_app->currentTime();
}

void WindowProcessor::onTimer(int64_t at)
{
    timerTick(at);
}

void WindowProcessor::emit(bool batch)
{
    if (!m_out.empty()) {
        m_out.batch = batch;
        forward(m_out);
    }
    m_out.clear();
    for (Event *e : m_handedOver)
        m_layout->release(e);
    m_handedOver.clear();
}

Event *WindowProcessor::cloneAs(const Event *e, EventType type)
{
    Event *c = m_layout->clone(e);
    c->type = type;
    return c;
}

void WindowProcessor::releaseAll(std::deque<Event *> &queue)
{
    for (Event *e : queue)
        e->layout->release(e);
    queue.clear();
}

int64_t constantLong(const Evaluator &e)
{
    Value v;
    EvalContext ctx;
    if (!e.eval(ctx, v))
        return 0;
    return toLong(e.type(), v);
}

double constantDouble(const Evaluator &e)
{
    Value v;
    EvalContext ctx;
    if (!e.eval(ctx, v))
        return 0;
    return toDouble(e.type(), v);
}

bool constantBool(const Evaluator &e)
{
    Value v;
    EvalContext ctx;
    return e.eval(ctx, v) && e.type() == AttrType::Bool && v.b;
}

QString constantString(const Evaluator &e)
{
    Value v;
    EvalContext ctx;
    if (!e.eval(ctx, v) || e.type() != AttrType::String)
        return {};
    return v.s->toQString();
}

} // namespace Rivulet::Runtime
