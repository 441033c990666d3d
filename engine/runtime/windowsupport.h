#pragma once

// Small helpers shared by the window processors (not part of the runtime's public API).

#include "event.h"
#include "value.h"

#include <QString>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace Rivulet::Runtime {

// Java's String.hashCode of the UTF-16 text.
inline int32_t javaStringHash(const QString &s)
{
    uint32_t h = 0;
    for (QChar c : s)
        h = 31 * h + c.unicode();
    return int32_t(h);
}

// Siddhi's frequent and session windows iterate java.util.concurrent.ConcurrentHashMap keys,
// so the order in which they expire events follows that table: by bin (the spread hash masked
// by the table size), then by insertion within a bin. This keeps that order: bins exactly;
// within a bin, insertion order (Java may reorder a bin when the table grows).
class JavaHashOrder
{
public:
    struct Position
    {
        int32_t hash = 0;
        uint64_t seq = 0;
    };
    Position next(const QString &key) { return {javaStringHash(key), ++m_seq}; }
    // Called with the map's size after each insertion: the table doubles at 3/4 full.
    void grewTo(size_t count)
    {
        while (count >= m_tableSize - m_tableSize / 4)
            m_tableSize *= 2;
    }
    bool before(const Position &a, const Position &b) const
    {
        const uint32_t ba = bin(a.hash), bb = bin(b.hash);
        return ba != bb ? ba < bb : a.seq < b.seq;
    }

private:
    uint32_t bin(int32_t h) const
    {
        const uint32_t u = uint32_t(h);
        return ((u ^ (u >> 16)) & 0x7fffffffu) & uint32_t(m_tableSize - 1);
    }
    size_t m_tableSize = 16;
    uint64_t m_seq = 0;
};

// Reads attribute `index` of an event as a long (external timestamps, start times).
inline bool readLong(const Event *e, int index, int64_t *out)
{
    if (index < 0 || e->isNull(index))
        return false;
    *out = toLong(e->layout->type(index), e->value(index));
    return true;
}

} // namespace Rivulet::Runtime
