#include "fault.h"

#include "appcontext.h"
#include "processor.h"

namespace Rivulet::Runtime {

void FaultHandler::fail(const Event *event, const QString &message) const
{
    if (!m_app)
        return;
    // Siddhi: the error unwinds to the publisher of the stream the event came from, so the
    // receivers after this one do not see the event.
    if (m_source)
        m_source->markFailed();
    StreamJunction *fault = m_source ? m_source->faultJunction : nullptr;
    // Events in a stream may come from a query's own layout of the same shape.
    const bool sameShape = fault && event
                           && (event->layout == m_source->layout()
                               || event->layout->types() == m_source->layout()->types());
    if (!fault || !sameShape) {
        m_app->reportError(m_where, message);
        return;
    }
    ++m_app->errors;
    // !S carries S's attributes and _error.
    EventLayout *layout = fault->layout();
    Event *f = layout->allocate();
    f->timestamp = event->timestamp;
    for (int i = 0; i < event->size && i < layout->size() - 1; ++i)
        layout->set(f, i, event->value(i), event->isNull(i));
    auto *error = new TextObject(message);
    Value v;
    v.o = error;
    layout->set(f, layout->size() - 1, v);
    error->deref();
    EventChunk chunk;
    chunk.add(f);
    fault->send(chunk);
    layout->release(f);
}

} // namespace Rivulet::Runtime
