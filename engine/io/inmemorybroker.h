#pragma once

#include "engine/runtime/event.h"

#include <QHash>
#include <QString>

#include <functional>
#include <mutex>
#include <vector>

namespace Rivulet::Io {

// Topics between apps of one process (inMemory sources and sinks). A subscriber gets the
// publisher's events synchronously and copies what it keeps.
class InMemoryBroker
{
public:
    using Subscriber = std::function<void(const Runtime::EventChunk &chunk)>;
    int subscribe(const QString &topic, Subscriber subscriber);
    void unsubscribe(int id);
    void publish(const QString &topic, const Runtime::EventChunk &chunk);

private:
    struct Entry
    {
        int id;
        QString topic;
        Subscriber subscriber;
    };
    std::recursive_mutex m_mutex;
    std::vector<Entry> m_subscribers;
    int m_nextId = 1;
};

} // namespace Rivulet::Io
