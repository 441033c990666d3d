#include "value.h"

#include <QStringList>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <new>

namespace Rivulet::Runtime {

StringData *StringData::make(const char *text, int size)
{
    void *mem = ::operator new(sizeof(StringData) + size_t(size));
    auto *s = static_cast<StringData *>(mem);
    new (&s->refs) std::atomic<int32_t>(1);
    s->size = size;
    s->hash = 0;
    if (size > 0)
        std::memcpy(s->data, text, size_t(size));
    s->data[size] = '\0';
    return s;
}

StringData *StringData::make(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return make(utf8.constData(), int(utf8.size()));
}

uint32_t StringData::hashValue() const
{
    if (hash == 0) {
        // FNV-1a, never 0 so that 0 can mean "not computed".
        uint32_t h = 2166136261u;
        for (int i = 0; i < size; ++i) {
            h ^= uint8_t(data[i]);
            h *= 16777619u;
        }
        hash = h ? h : 1;
    }
    return hash;
}

int StringData::compare(const StringData *other) const
{
    const int n = std::min(size, other->size);
    const int c = std::memcmp(data, other->data, size_t(n));
    if (c != 0)
        return c;
    return size - other->size;
}

ObjectData::~ObjectData() = default;

namespace {

// Formats the shortest round-trip digits of a finite, non-zero value the way Java's
// Double.toString does: plain notation for 1e-3 <= |x| < 1e7, else d.dddE[-]n.
QString javaStyle(const char *buf, size_t len)
{
    // buf holds std::to_chars scientific output: [-]d[.ddd]e[+-]xx
    std::string s(buf, len);
    bool negative = false;
    if (!s.empty() && s[0] == '-') {
        negative = true;
        s.erase(0, 1);
    }
    const size_t e = s.find('e');
    std::string mantissa = s.substr(0, e);
    const int exponent = std::atoi(s.c_str() + e + 1);
    std::string digits;
    for (char c : mantissa) {
        if (c != '.')
            digits += c;
    }
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    std::string out;
    if (exponent >= -3 && exponent < 7) {
        if (exponent >= 0) {
            const size_t intLen = size_t(exponent) + 1;
            std::string intPart = digits.substr(0, std::min(intLen, digits.size()));
            while (intPart.size() < intLen)
                intPart += '0';
            std::string frac = digits.size() > intLen ? digits.substr(intLen) : std::string("0");
            out = intPart + "." + frac;
        } else {
            out = "0." + std::string(size_t(-exponent - 1), '0') + digits;
        }
    } else {
        out = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : std::string("0"))
              + "E" + std::to_string(exponent);
    }
    if (negative)
        out.insert(out.begin(), '-');
    return QString::fromLatin1(out.data(), qsizetype(out.size()));
}

} // namespace

QString javaDoubleString(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (d == 0)
        return std::signbit(d) ? QStringLiteral("-0.0") : QStringLiteral("0.0");
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    return javaStyle(buf, size_t(r.ptr - buf));
}

QString javaFloatString(float f)
{
    if (std::isnan(f))
        return QStringLiteral("NaN");
    if (std::isinf(f))
        return f > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (f == 0)
        return std::signbit(f) ? QStringLiteral("-0.0") : QStringLiteral("0.0");
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
    return javaStyle(buf, size_t(r.ptr - buf));
}

QString valueToString(AttrType t, Value v, bool isNull)
{
    if (isNull)
        return QStringLiteral("null");
    switch (t) {
    case AttrType::String:
        return v.s ? v.s->toQString() : QStringLiteral("null");
    case AttrType::Int:
        return QString::number(v.i);
    case AttrType::Long:
        return QString::number(v.l);
    case AttrType::Float:
        return javaFloatString(v.f);
    case AttrType::Double:
        return javaDoubleString(v.d);
    case AttrType::Bool:
        return v.b ? QStringLiteral("true") : QStringLiteral("false");
    case AttrType::Object:
        return v.o ? v.o->toString() : QStringLiteral("null");
    case AttrType::Unknown:
        break;
    }
    return {};
}

bool valuesEqual(AttrType t, Value a, Value b)
{
    switch (t) {
    case AttrType::String:
        return a.s == b.s || (a.s && b.s && a.s->equals(b.s));
    case AttrType::Int:
        return a.i == b.i;
    case AttrType::Long:
        return a.l == b.l;
    case AttrType::Float:
        return a.f == b.f;
    case AttrType::Double:
        return a.d == b.d;
    case AttrType::Bool:
        return a.b == b.b;
    case AttrType::Object:
        return a.o == b.o || (a.o && b.o && a.o->equals(b.o));
    case AttrType::Unknown:
        break;
    }
    return false;
}

uint32_t hashValue(AttrType t, Value v)
{
    switch (t) {
    case AttrType::String:
        return v.s ? v.s->hashValue() : 0;
    case AttrType::Int:
        return uint32_t(v.i) * 2654435761u;
    case AttrType::Long:
        return uint32_t((uint64_t(v.l) * 0x9E3779B97F4A7C15ull) >> 32);
    case AttrType::Float:
        return uint32_t(std::hash<float>{}(v.f));
    case AttrType::Double:
        return uint32_t(std::hash<double>{}(v.d));
    case AttrType::Bool:
        return v.b ? 1231u : 1237u;
    case AttrType::Object:
        return v.o ? v.o->hashValue() : 0;
    case AttrType::Unknown:
        break;
    }
    return 0;
}

SetObject::~SetObject()
{
    for (const Element &e : m_elements)
        release(e.type, e.value);
}

QString SetObject::toString() const
{
    QStringList parts;
    for (const Element &e : m_elements)
        parts << valueToString(e.type, e.value, false);
    return u'[' + parts.join(QStringLiteral(", ")) + u']';
}

bool SetObject::contains(AttrType t, Value v) const
{
    for (const Element &e : m_elements) {
        if (e.type == t && valuesEqual(t, e.value, v))
            return true;
    }
    return false;
}

void SetObject::insert(AttrType t, Value v)
{
    if (contains(t, v))
        return;
    retain(t, v);
    m_elements.push_back({t, v});
}

bool TextObject::equals(const ObjectData *other) const
{
    const auto *o = dynamic_cast<const TextObject *>(other);
    return o && o->m_text == m_text;
}

uint32_t TextObject::hashValue() const
{
    return uint32_t(qHash(m_text));
}

} // namespace Rivulet::Runtime
