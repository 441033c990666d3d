#include "eventsink.h"

#include <QDateTime>

namespace Rivulet::Simulator {

EventSink::~EventSink() = default;

Runtime::Event *EventSink::allocate(int stream)
{
    return layout(stream)->allocate();
}

void EventSink::release(int stream, Runtime::Event *event)
{
    layout(stream)->release(event);
}

qint64 EventSink::defaultTimestamp() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

void EventSink::setCallbacks(std::function<void()> ready,
                             std::function<void(const QString &)> failed)
{
    m_ready = std::move(ready);
    m_failed = std::move(failed);
}

void EventSink::notifyReady()
{
    if (m_ready)
        m_ready();
}

void EventSink::notifyFailed(const QString &message)
{
    m_error = message;
    if (m_failed)
        m_failed(message);
}

} // namespace Rivulet::Simulator
