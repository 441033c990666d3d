#pragma once

#include "value.h"

#include <QList>
#include <QString>

#include <cstdint>
#include <vector>

namespace Rivulet::Runtime {

enum class EventType : uint8_t { Current, Expired, Timer, Reset };
QString eventTypeName(EventType type);

class EventLayout;

// One event: a timestamp, a type and its attribute values, laid out in one allocation
// (header, then the values, then one null flag per value). Typed by its layout; no QVariant
// or QString per attribute.
struct Event
{
    int64_t timestamp;
    EventLayout *layout;
    uint16_t size;
    EventType type;
    uint8_t flags;
    uint32_t reserved;

    Value *values() { return reinterpret_cast<Value *>(this + 1); }
    const Value *values() const { return reinterpret_cast<const Value *>(this + 1); }
    uint8_t *nulls() { return reinterpret_cast<uint8_t *>(values() + size); }
    const uint8_t *nulls() const { return reinterpret_cast<const uint8_t *>(values() + size); }
    Value value(int i) const { return values()[i]; }
    bool isNull(int i) const { return nulls()[i] != 0; }
    void setNull(int i, bool null) { nulls()[i] = null ? 1 : 0; }
};
static_assert(sizeof(Event) == 24);

// The runtime form of a schema: attribute types, and a pool of events of that shape. Pools
// are used under the owning app's processing lock only.
class EventLayout
{
public:
    explicit EventLayout(QList<AttrType> types, QStringList names = {});
    ~EventLayout();
    EventLayout(const EventLayout &) = delete;
    EventLayout &operator=(const EventLayout &) = delete;

    int size() const { return int(m_types.size()); }
    AttrType type(int i) const { return m_types[i]; }
    const QList<AttrType> &types() const { return m_types; }
    const QStringList &names() const { return m_names; }
    int indexOf(const QString &name) const { return int(m_names.indexOf(name)); }

    // A fresh event: all attributes null, type Current, timestamp 0.
    Event *allocate();
    // A fresh event (type Current, timestamp 0) whose attributes are not initialised: the
    // caller writes every one of them with init() before anything reads or releases it. For
    // stages that fill a whole event (the selector's output), without clearing it first.
    Event *allocateForInit();
    // A copy that owns its strings and objects (references taken).
    Event *clone(const Event *e);
    // Drops the event's references and returns it to the pool.
    void release(Event *e);
    // Sets attribute i, taking a reference for strings and objects and dropping the old one.
    void set(Event *e, int i, Value v, bool isNull = false)
    {
        if (m_isRef[size_t(i)]) {
            setRef(e, i, v, isNull);
            return;
        }
        e->values()[i] = v;
        e->setNull(i, isNull);
    }
    // Writes attribute i of an event from allocateForInit(), taking a reference for strings
    // and objects (there is no old value to drop).
    void init(Event *e, int i, Value v, bool isNull)
    {
        if (m_isRef[size_t(i)] && !isNull)
            retain(m_types.at(i), v);
        e->values()[i] = v;
        e->setNull(i, isNull);
    }
    void clearValues(Event *e);
    size_t bytes() const { return m_bytes; }

private:
    struct RefColumn
    {
        int index;
        AttrType type;
    };
    Event *take();
    void setRef(Event *e, int i, Value v, bool isNull);

    QList<AttrType> m_types;
    QStringList m_names;
    std::vector<RefColumn> m_refColumns; // columns holding strings or objects
    std::vector<uint8_t> m_isRef;        // per column: a string or an object
    size_t m_bytes = 0;
    std::vector<Event *> m_free;
};

// Events handed down the processor chain together. A chunk does not own its events: whoever
// put them there releases them after the chain returns; a processor that keeps an event
// (a window, a rate limiter) clones it.
struct EventChunk
{
    std::vector<Event *> events;
    bool batch = false; // produced by a batch window: the selector emits one result per group

    bool empty() const { return events.empty(); }
    size_t size() const { return events.size(); }
    void clear()
    {
        events.clear();
        batch = false;
    }
    void add(Event *e) { events.push_back(e); }
};

// An event of a join or a pattern: one event per input of the query (null when absent), and
// for counting pattern elements, every event the element matched.
struct StateEvent
{
    int64_t timestamp = 0;
    EventType type = EventType::Current;
    std::vector<Event *> slots;
    std::vector<std::vector<Event *>> collections; // per slot; empty unless the slot counts

    explicit StateEvent(int slotCount = 0)
        : slots(size_t(slotCount), nullptr)
        , collections(size_t(slotCount))
    {}
};

struct StateChunk
{
    std::vector<StateEvent *> events;
    bool batch = false;
    bool empty() const { return events.empty(); }
    void clear()
    {
        events.clear();
        batch = false;
    }
};

} // namespace Rivulet::Runtime
