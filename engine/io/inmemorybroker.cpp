#include "inmemorybroker.h"

#include <algorithm>

namespace Rivulet::Io {

struct InMemoryBroker::Entry
{
    int id;
    QString topic;
    Subscriber subscriber;
    // Held while the subscriber runs; recursive so that a subscriber may publish again.
    std::recursive_mutex callMutex;
    bool active = true;
};

InMemoryBroker::InMemoryBroker() = default;
InMemoryBroker::~InMemoryBroker() = default;

int InMemoryBroker::subscribe(const QString &topic, Subscriber subscriber)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto entry = std::make_shared<Entry>();
    entry->id = m_nextId++;
    entry->topic = topic;
    entry->subscriber = std::move(subscriber);
    m_subscribers.push_back(entry);
    return entry->id;
}

void InMemoryBroker::unsubscribe(int id)
{
    std::shared_ptr<Entry> entry;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto it = std::find_if(m_subscribers.begin(), m_subscribers.end(),
                                     [id](const auto &e) { return e->id == id; });
        if (it == m_subscribers.end())
            return;
        entry = *it;
        m_subscribers.erase(it);
    }
    // Wait for a delivery in progress on another thread.
    std::lock_guard<std::recursive_mutex> call(entry->callMutex);
    entry->active = false;
}

int InMemoryBroker::subscriberCount(const QString &topic) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return int(std::count_if(m_subscribers.cbegin(), m_subscribers.cend(),
                             [&](const auto &e) { return e->topic == topic; }));
}

void InMemoryBroker::deliver(const QString &topic, const Message &message)
{
    std::vector<std::shared_ptr<Entry>> targets;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const auto &e : m_subscribers) {
            if (e->topic == topic)
                targets.push_back(e);
        }
    }
    for (const auto &e : targets) {
        std::lock_guard<std::recursive_mutex> call(e->callMutex);
        if (e->active)
            e->subscriber(message);
    }
}

void InMemoryBroker::publish(const QString &topic, const Runtime::EventChunk &chunk)
{
    Message m;
    m.events = &chunk;
    deliver(topic, m);
}

void InMemoryBroker::publish(const QString &topic, const QByteArray &payload)
{
    Message m;
    m.payload = payload;
    deliver(topic, m);
}

} // namespace Rivulet::Io
