#include "values.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

QString typePhrase(AttrType type)
{
    switch (type) {
    case AttrType::String:
        return QStringLiteral("a string");
    case AttrType::Int:
        return QStringLiteral("an int");
    case AttrType::Long:
        return QStringLiteral("a long");
    case AttrType::Float:
        return QStringLiteral("a float");
    case AttrType::Double:
        return QStringLiteral("a double");
    case AttrType::Bool:
        return QStringLiteral("a bool");
    case AttrType::Object:
        return QStringLiteral("an object");
    case AttrType::Unknown:
        break;
    }
    return QStringLiteral("of unknown type");
}

namespace {

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool fail(QString *error, const QString &attribute, AttrType type, std::string_view text)
{
    if (error)
        *error = QStringLiteral("attribute '%1' is %2, but '%3' is not")
                     .arg(attribute, typePhrase(type),
                          QString::fromUtf8(text.data(), qsizetype(text.size())));
    return false;
}

bool parseInteger(std::string_view s, int64_t *out)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size())
        return true;
    // "12.0" and "1e3" are whole numbers too.
    double d = 0;
    const auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
    if (rd.ec != std::errc() || rd.ptr != s.data() + s.size() || d != std::floor(d)
        || std::fabs(d) > 9.2e18)
        return false;
    *out = int64_t(d);
    return true;
}

bool parseReal(std::string_view s, double *out)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    // Java's forms: 1.5f, 1.5d, 1.5F, 1.5D.
    if (!s.empty() && (s.back() == 'f' || s.back() == 'F' || s.back() == 'd' || s.back() == 'D'))
        s.remove_suffix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

bool textToValue(AttrType type, std::string_view text, Value *out, const QString &attribute,
                 QString *error)
{
    switch (type) {
    case AttrType::String:
        out->s = StringData::make(text);
        return true;
    case AttrType::Object:
        out->o = new TextObject(QString::fromUtf8(text.data(), qsizetype(text.size())));
        return true;
    case AttrType::Int:
    case AttrType::Long: {
        const std::string_view s = trimmed(text);
        int64_t n = 0;
        if (!parseInteger(s, &n))
            return fail(error, attribute, type, text);
        if (type == AttrType::Int) {
            if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max())
                return fail(error, attribute, type, text);
            *out = Value::ofInt(int32_t(n));
        } else {
            *out = Value::ofLong(n);
        }
        return true;
    }
    case AttrType::Float:
    case AttrType::Double: {
        double d = 0;
        if (!parseReal(trimmed(text), &d))
            return fail(error, attribute, type, text);
        *out = type == AttrType::Float ? Value::ofFloat(float(d)) : Value::ofDouble(d);
        return true;
    }
    case AttrType::Bool: {
        const std::string_view s = trimmed(text);
        auto is = [&](const char *word) {
            const size_t n = std::char_traits<char>::length(word);
            if (s.size() != n)
                return false;
            for (size_t i = 0; i < n; ++i) {
                if ((s[i] | 0x20) != word[i])
                    return false;
            }
            return true;
        };
        if (is("true"))
            *out = Value::ofBool(true);
        else if (is("false"))
            *out = Value::ofBool(false);
        else
            return fail(error, attribute, type, text);
        return true;
    }
    case AttrType::Unknown:
        break;
    }
    return fail(error, attribute, type, text);
}

bool variantToValue(AttrType type, const QVariant &v, Value *out, bool *isNull,
                    const QString &attribute, QString *error)
{
    *isNull = false;
    if (!v.isValid() || v.isNull()) {
        *isNull = true;
        out->l = 0;
        return true;
    }
    const int id = v.typeId();
    const bool isText = id == QMetaType::QString || id == QMetaType::QByteArray;
    if (isText) {
        const QByteArray utf8 = v.toString().toUtf8();
        return textToValue(type, std::string_view(utf8.constData(), size_t(utf8.size())), out,
                           attribute, error);
    }
    const bool isBool = id == QMetaType::Bool;
    const bool isReal = id == QMetaType::Double || id == QMetaType::Float;
    const bool isNumber = isReal || id == QMetaType::Int || id == QMetaType::LongLong
                          || id == QMetaType::UInt || id == QMetaType::ULongLong
                          || id == QMetaType::Long || id == QMetaType::Short;
    auto wrong = [&]() {
        if (error)
            *error = QStringLiteral("attribute '%1' is %2, but %3 is a %4")
                         .arg(attribute, typePhrase(type), v.toString(),
                              QString::fromLatin1(v.typeName()));
        return false;
    };
    switch (type) {
    case AttrType::String:
        return wrong();
    case AttrType::Object:
        out->o = new TextObject(v.toString());
        return true;
    case AttrType::Bool:
        if (!isBool)
            return wrong();
        *out = Value::ofBool(v.toBool());
        return true;
    case AttrType::Int:
    case AttrType::Long: {
        if (!isNumber)
            return wrong();
        if (isReal) {
            const double d = v.toDouble();
            if (d != std::floor(d) || std::fabs(d) > 9.2e18)
                return wrong();
        }
        const qlonglong n = isReal ? qlonglong(v.toDouble()) : v.toLongLong();
        if (type == AttrType::Int) {
            if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max())
                return wrong();
            *out = Value::ofInt(int32_t(n));
        } else {
            *out = Value::ofLong(n);
        }
        return true;
    }
    case AttrType::Float:
    case AttrType::Double:
        if (!isNumber)
            return wrong();
        *out =
            type == AttrType::Float ? Value::ofFloat(v.toFloat()) : Value::ofDouble(v.toDouble());
        return true;
    case AttrType::Unknown:
        break;
    }
    return wrong();
}

bool setNumber(Event *e, int i, AttrType type, double number)
{
    Value v;
    switch (type) {
    case AttrType::Int: {
        const double r = std::round(number);
        if (!(r >= std::numeric_limits<int32_t>::min() && r <= std::numeric_limits<int32_t>::max()))
            return false;
        v = Value::ofInt(int32_t(r));
        break;
    }
    case AttrType::Long: {
        const double r = std::round(number);
        if (!(std::fabs(r) < 9.2e18))
            return false;
        v = Value::ofLong(int64_t(r));
        break;
    }
    case AttrType::Float:
        v = Value::ofFloat(float(number));
        break;
    case AttrType::Double:
        v = Value::ofDouble(number);
        break;
    default:
        return false;
    }
    e->values()[i] = v;
    e->setNull(i, false);
    return true;
}

} // namespace Rivulet::Simulator
