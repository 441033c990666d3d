#include "inmemorybroker.h"

#include <algorithm>

namespace Rivulet::Io {

int InMemoryBroker::subscribe(const QString &topic, Subscriber subscriber)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    m_subscribers.push_back({m_nextId, topic, std::move(subscriber)});
    return m_nextId++;
}

void InMemoryBroker::unsubscribe(int id)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    m_subscribers.erase(std::remove_if(m_subscribers.begin(), m_subscribers.end(),
                                       [id](const Entry &e) { return e.id == id; }),
                        m_subscribers.end());
}

void InMemoryBroker::publish(const QString &topic, const Runtime::EventChunk &chunk)
{
    std::vector<Subscriber> targets;
    {
        std::lock_guard<std::recursive_mutex> lock(m_mutex);
        for (const Entry &e : m_subscribers) {
            if (e.topic == topic)
                targets.push_back(e.subscriber);
        }
    }
    for (const Subscriber &s : targets)
        s(chunk);
}

} // namespace Rivulet::Io
