#pragma once

#include "event.h"

#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;

// One stage of a query: takes a chunk, passes what it produces to the next stage. Stages run
// synchronously under the app's processing lock.
class Processor
{
public:
    virtual ~Processor();
    virtual void process(EventChunk &chunk) = 0;
    void setNext(Processor *next) { m_next = next; }
    Processor *next() const { return m_next; }

protected:
    void forward(EventChunk &chunk)
    {
        if (m_next && !chunk.empty())
            m_next->process(chunk);
    }
    Processor *m_next = nullptr;
};

// Something subscribed to a stream: a query's input, or a callback.
class Receiver
{
public:
    virtual ~Receiver();
    virtual void receive(EventChunk &chunk) = 0;
};

// A stream inside a running app: who publishes to it does not know who listens. Receivers get
// events in subscription order (queries in the order they were written, then callbacks), as
// Siddhi delivers them.
class StreamJunction
{
public:
    StreamJunction(QString name, std::shared_ptr<EventLayout> layout, AppContext *app);
    ~StreamJunction();

    const QString &name() const { return m_name; }
    EventLayout *layout() const { return m_layout.get(); }
    std::shared_ptr<EventLayout> sharedLayout() const { return m_layout; }

    void subscribe(Receiver *receiver);
    void unsubscribe(Receiver *receiver);
    using Callback = std::function<void(const EventChunk &)>;
    // Returns an id for removeCallback.
    int addCallback(Callback callback);
    void removeCallback(int id);
    bool hasReceivers() const { return !m_receivers.empty(); }

    void send(EventChunk &chunk);
    qint64 eventCount() const { return m_events; }

    // Where events that fail go when the stream has @OnError(action='STREAM').
    StreamJunction *faultJunction = nullptr;
    bool logErrors = true;
    // An event of this stream failed in a receiver (and was logged or routed to the fault
    // stream): the receivers after it do not get the chunk, as in Siddhi, where the error
    // unwinds to the stream's publisher.
    void markFailed()
    {
        m_failed = true;
        if (upstream)
            upstream->markFailed();
    }
    bool hasFailed() const { return m_failed; }
    // A stream that only relays another one (a partition's per-key copy of S): a failure
    // here is a failure of the event in that stream too.
    StreamJunction *upstream = nullptr;

private:
    struct CallbackReceiver;
    QString m_name;
    std::shared_ptr<EventLayout> m_layout;
    AppContext *m_app;
    std::vector<Receiver *> m_receivers;
    std::vector<std::unique_ptr<CallbackReceiver>> m_callbacks;
    int m_nextCallbackId = 1;
    int m_depth = 0;
    qint64 m_events = 0;
    bool m_failed = false;
};

// Marks an event that a query inserted as expired: streams carry it as current (as Siddhi
// does), but tools can still show what it was.
constexpr uint8_t kEventWasExpired = 0x1;

} // namespace Rivulet::Runtime
