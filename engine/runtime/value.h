#pragma once

#include "engine/lang/types.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace Rivulet::Runtime {

using Lang::AttrType;

// An immutable UTF-8 string shared by reference count: events copy a pointer, not the text.
struct StringData
{
    std::atomic<int32_t> refs;
    int32_t size;
    mutable uint32_t hash; // 0: not computed yet
    char data[1];

    static StringData *make(const char *text, int size);
    static StringData *make(std::string_view text) { return make(text.data(), int(text.size())); }
    static StringData *make(const QString &text);
    void ref() { refs.fetch_add(1, std::memory_order_relaxed); }
    void deref()
    {
        if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            ::operator delete(this);
    }
    std::string_view view() const { return {data, size_t(size)}; }
    QString toQString() const { return QString::fromUtf8(data, size); }
    uint32_t hashValue() const;
    bool equals(const StringData *other) const
    {
        return this == other
               || (size == other->size && std::memcmp(data, other->data, size_t(size)) == 0);
    }
    int compare(const StringData *other) const;
};

// A value of type object: sets (createSet, unionSet), errors (_error of fault streams) and
// whatever a mapper or function produces. Reference counted like strings.
class ObjectData
{
public:
    virtual ~ObjectData();
    void ref() { m_refs.fetch_add(1, std::memory_order_relaxed); }
    void deref()
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }
    virtual QString toString() const = 0;
    virtual bool equals(const ObjectData *other) const { return this == other; }
    virtual uint32_t hashValue() const { return uint32_t(reinterpret_cast<uintptr_t>(this) >> 4); }

private:
    std::atomic<int32_t> m_refs{1};
};

// One attribute value. Which member is live follows from the schema: the runtime compiles
// every expression for its types, so a Value carries no tag of its own. Nulls are tracked
// beside the values (see Event).
union Value {
    int32_t i;
    int64_t l;
    float f;
    double d;
    bool b;
    StringData *s;
    ObjectData *o;

    static Value ofInt(int32_t v)
    {
        Value x;
        x.l = 0;
        x.i = v;
        return x;
    }
    static Value ofLong(int64_t v)
    {
        Value x;
        x.l = v;
        return x;
    }
    static Value ofFloat(float v)
    {
        Value x;
        x.l = 0;
        x.f = v;
        return x;
    }
    static Value ofDouble(double v)
    {
        Value x;
        x.d = v;
        return x;
    }
    static Value ofBool(bool v)
    {
        Value x;
        x.l = 0;
        x.b = v;
        return x;
    }
};
static_assert(sizeof(Value) == 8);

inline bool isRefCounted(AttrType t)
{
    return t == AttrType::String || t == AttrType::Object;
}

// Take a reference for a copy of v (of type t).
inline void retain(AttrType t, Value v)
{
    if (t == AttrType::String) {
        if (v.s)
            v.s->ref();
    } else if (t == AttrType::Object) {
        if (v.o)
            v.o->ref();
    }
}

inline void release(AttrType t, Value v)
{
    if (t == AttrType::String) {
        if (v.s)
            v.s->deref();
    } else if (t == AttrType::Object) {
        if (v.o)
            v.o->deref();
    }
}

// Numeric reads with Siddhi's promotion (the runtime knows the source type).
inline double toDouble(AttrType t, Value v)
{
    switch (t) {
    case AttrType::Int:
        return v.i;
    case AttrType::Long:
        return double(v.l);
    case AttrType::Float:
        return v.f;
    case AttrType::Double:
        return v.d;
    default:
        return 0;
    }
}
inline int64_t toLong(AttrType t, Value v)
{
    switch (t) {
    case AttrType::Int:
        return v.i;
    case AttrType::Long:
        return v.l;
    case AttrType::Float:
        return int64_t(v.f);
    case AttrType::Double:
        return int64_t(v.d);
    default:
        return 0;
    }
}

// Text of a value as Siddhi prints it (Java's toString of the boxed value).
QString valueToString(AttrType t, Value v, bool isNull);
// Java's Float/Double.toString, which Siddhi's outputs show: 75.6, 1.0E10, NaN.
QString javaDoubleString(double d);
QString javaFloatString(float f);

bool valuesEqual(AttrType t, Value a, Value b);
uint32_t hashValue(AttrType t, Value v);

// A set, for createSet/unionSet/sizeOfSet.
class SetObject final : public ObjectData
{
public:
    struct Element
    {
        AttrType type;
        Value value;
    };
    ~SetObject() override;
    QString toString() const override;
    bool contains(AttrType t, Value v) const;
    void insert(AttrType t, Value v); // takes its own reference
    int size() const { return int(m_elements.size()); }
    const std::vector<Element> &elements() const { return m_elements; }

private:
    std::vector<Element> m_elements;
};

// An object holding a message (the _error attribute of fault streams, unknown JSON values).
class TextObject final : public ObjectData
{
public:
    explicit TextObject(QString text)
        : m_text(std::move(text))
    {}
    QString toString() const override { return m_text; }
    bool equals(const ObjectData *other) const override;
    uint32_t hashValue() const override;

private:
    QString m_text;
};

} // namespace Rivulet::Runtime
