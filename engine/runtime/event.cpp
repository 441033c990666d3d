#include "event.h"

#include <cstdlib>
#include <new>

namespace Rivulet::Runtime {

QString eventTypeName(EventType type)
{
    switch (type) {
    case EventType::Current:
        return QStringLiteral("current");
    case EventType::Expired:
        return QStringLiteral("expired");
    case EventType::Timer:
        return QStringLiteral("timer");
    case EventType::Reset:
        return QStringLiteral("reset");
    }
    return {};
}

EventLayout::EventLayout(QList<AttrType> types, QStringList names)
    : m_types(std::move(types))
    , m_names(std::move(names))
{
    for (int i = 0; i < m_types.size(); ++i) {
        const AttrType t = m_types.at(i);
        m_isRef.push_back(isRefCounted(t) ? 1 : 0);
        if (isRefCounted(t))
            m_refColumns.push_back({i, t});
    }
    const size_t n = size_t(m_types.size());
    m_bytes = sizeof(Event) + n * sizeof(Value) + ((n + 7) & ~size_t(7));
}

EventLayout::~EventLayout()
{
    for (Event *e : m_free)
        std::free(e);
}

// An event from the pool (or the heap), header set, attributes untouched.
Event *EventLayout::take()
{
    Event *e;
    if (!m_free.empty()) {
        e = m_free.back();
        m_free.pop_back();
    } else {
        e = static_cast<Event *>(std::malloc(m_bytes));
        if (!e)
            throw std::bad_alloc();
    }
    e->timestamp = 0;
    e->layout = this;
    e->size = uint16_t(m_isRef.size());
    e->type = EventType::Current;
    e->flags = 0;
    e->reserved = 0;
    return e;
}

Event *EventLayout::allocate()
{
    Event *e = take();
    Value *v = e->values();
    for (int i = 0; i < e->size; ++i)
        v[i].l = 0;
    std::memset(e->nulls(), 1, size_t(e->size));
    return e;
}

Event *EventLayout::allocateForInit()
{
    return take();
}

Event *EventLayout::clone(const Event *src)
{
    Event *e;
    if (!m_free.empty()) {
        e = m_free.back();
        m_free.pop_back();
    } else {
        e = static_cast<Event *>(std::malloc(m_bytes));
        if (!e)
            throw std::bad_alloc();
    }
    std::memcpy(static_cast<void *>(e), src, m_bytes);
    e->layout = this;
    const Value *v = e->values();
    const uint8_t *nulls = e->nulls();
    for (const RefColumn &c : m_refColumns) {
        if (!nulls[c.index])
            retain(c.type, v[c.index]);
    }
    return e;
}

void EventLayout::clearValues(Event *e)
{
    Value *v = e->values();
    uint8_t *nulls = e->nulls();
    for (const RefColumn &c : m_refColumns) {
        if (!nulls[c.index])
            Runtime::release(c.type, v[c.index]);
        v[c.index].l = 0;
    }
    std::memset(nulls, 1, size_t(e->size));
}

void EventLayout::release(Event *e)
{
    if (!e)
        return;
    const Value *v = e->values();
    const uint8_t *nulls = e->nulls();
    for (const RefColumn &c : m_refColumns) {
        if (!nulls[c.index])
            Runtime::release(c.type, v[c.index]);
    }
    if (m_free.size() < 4096)
        m_free.push_back(e);
    else
        std::free(e);
}

void EventLayout::setRef(Event *e, int i, Value v, bool isNull)
{
    const AttrType t = m_types.at(i);
    if (!isNull)
        retain(t, v);
    if (!e->isNull(i))
        Runtime::release(t, e->values()[i]);
    e->values()[i] = v;
    e->setNull(i, isNull);
}

} // namespace Rivulet::Runtime
