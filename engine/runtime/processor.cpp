#include "processor.h"

#include "appcontext.h"

#include <algorithm>

namespace Rivulet::Runtime {

Processor::~Processor() = default;
Receiver::~Receiver() = default;

struct StreamJunction::CallbackReceiver final : public Receiver
{
    CallbackReceiver(int id, Callback cb)
        : id(id)
        , callback(std::move(cb))
    {}
    void receive(EventChunk &chunk) override { callback(chunk); }
    int id;
    Callback callback;
};

StreamJunction::StreamJunction(QString name, std::shared_ptr<EventLayout> layout, AppContext *app)
    : m_name(std::move(name))
    , m_layout(std::move(layout))
    , m_app(app)
{}

StreamJunction::~StreamJunction() = default;

void StreamJunction::subscribe(Receiver *receiver)
{
    m_receivers.push_back(receiver);
}

void StreamJunction::unsubscribe(Receiver *receiver)
{
    m_receivers.erase(std::remove(m_receivers.begin(), m_receivers.end(), receiver),
                      m_receivers.end());
}

int StreamJunction::addCallback(Callback callback)
{
    const int id = m_nextCallbackId++;
    m_callbacks.push_back(std::make_unique<CallbackReceiver>(id, std::move(callback)));
    m_receivers.push_back(m_callbacks.back().get());
    return id;
}

void StreamJunction::removeCallback(int id)
{
    for (auto it = m_callbacks.begin(); it != m_callbacks.end(); ++it) {
        if ((*it)->id == id) {
            unsubscribe(it->get());
            m_callbacks.erase(it);
            return;
        }
    }
}

void StreamJunction::send(EventChunk &chunk)
{
    if (chunk.empty())
        return;
    m_events += qint64(chunk.size());
    if (m_depth > 64) {
        // A query that feeds its own input, directly or through others: stop the loop.
        m_app->reportError(QStringLiteral("stream %1").arg(m_name),
                           QStringLiteral("events loop back into this stream more than 64 "
                                          "levels deep; %1 event(s) dropped")
                               .arg(chunk.size()));
        return;
    }
    ++m_depth;
    // Index, not iterators: a receiver may subscribe another while we deliver.
    for (size_t i = 0; i < m_receivers.size(); ++i) {
        m_receivers[i]->receive(chunk);
        if (m_failed) {
            m_failed = false;
            break;
        }
    }
    --m_depth;
}

} // namespace Rivulet::Runtime
