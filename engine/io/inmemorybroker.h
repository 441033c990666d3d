#pragma once

#include "engine/runtime/event.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace Rivulet::Io {

// Topics between apps of one process (inMemory sources and sinks). A subscriber gets what is
// published synchronously, on the publisher's thread, and copies what it keeps.
class InMemoryBroker
{
public:
    // What travels on a topic: the events themselves (a passThrough sink), or the message a
    // sink mapper made of them.
    struct Message
    {
        const Runtime::EventChunk *events = nullptr;
        QByteArray payload;
    };
    using Subscriber = std::function<void(const Message &message)>;

    InMemoryBroker();
    ~InMemoryBroker();
    int subscribe(const QString &topic, Subscriber subscriber);
    // Once this returns, the subscriber is not running and will not be called again.
    void unsubscribe(int id);
    void publish(const QString &topic, const Runtime::EventChunk &chunk);
    void publish(const QString &topic, const QByteArray &payload);
    int subscriberCount(const QString &topic) const;

private:
    struct Entry;
    void deliver(const QString &topic, const Message &message);

    mutable std::mutex m_mutex;
    std::vector<std::shared_ptr<Entry>> m_subscribers;
    int m_nextId = 1;
};

} // namespace Rivulet::Io
