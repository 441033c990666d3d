#include "mappers.h"

#include "engine/runtime/eventjson.h"

#include <QRegularExpression>

#include <charconv>
#include <cmath>
#include <limits>

namespace Rivulet::Io {

using namespace Runtime;

namespace {

std::string_view trimmed(std::string_view s)
{
    while (!s.empty()
           && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty()
           && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

// Integer.parseInt / Long.parseLong: an optional sign and digits, nothing else.
bool parseInteger(std::string_view s, int64_t *out)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty() || s.front() == '+')
        return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Double.parseDouble: a sign, decimal or exponent forms, NaN, Infinity, a trailing f/d.
bool parseReal(std::string_view s, double *out)
{
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (!s.empty() && (s.back() == 'f' || s.back() == 'F' || s.back() == 'd' || s.back() == 'D'))
        s.remove_suffix(1);
    if (s == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (s == "Infinity") {
        *out = negative ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
        return true;
    }
    if (s.empty() || s.front() == '+' || s.front() == '-')
        return false;
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        return false;
    *out = negative ? -v : v;
    return true;
}

} // namespace

bool setFromText(EventLayout &layout, Event *e, int i, std::string_view text, QString *error)
{
    const AttrType t = layout.type(i);
    auto mismatch = [&](const char *expected) {
        *error = QStringLiteral("attribute '%1' is %2, but the value '%3' is not")
                     .arg(layout.names().value(i), QLatin1String(expected),
                          QString::fromUtf8(text.data(), qsizetype(text.size())));
        return false;
    };
    switch (t) {
    case AttrType::String: {
        StringData *sd = StringData::make(text);
        Value x;
        x.s = sd;
        layout.set(e, i, x);
        sd->deref();
        return true;
    }
    case AttrType::Int: {
        int64_t v = 0;
        if (!parseInteger(trimmed(text), &v) || v < std::numeric_limits<int32_t>::min()
            || v > std::numeric_limits<int32_t>::max())
            return mismatch("an int");
        layout.set(e, i, Value::ofInt(int32_t(v)));
        return true;
    }
    case AttrType::Long: {
        int64_t v = 0;
        if (!parseInteger(trimmed(text), &v))
            return mismatch("a long");
        layout.set(e, i, Value::ofLong(v));
        return true;
    }
    case AttrType::Float: {
        double v = 0;
        if (!parseReal(trimmed(text), &v))
            return mismatch("a float");
        layout.set(e, i, Value::ofFloat(float(v)));
        return true;
    }
    case AttrType::Double: {
        double v = 0;
        if (!parseReal(trimmed(text), &v))
            return mismatch("a double");
        layout.set(e, i, Value::ofDouble(v));
        return true;
    }
    case AttrType::Bool: {
        const std::string_view v = trimmed(text);
        if (equalsIgnoreCase(v, "true") || equalsIgnoreCase(v, "false")) {
            layout.set(e, i, Value::ofBool(equalsIgnoreCase(v, "true")));
            return true;
        }
        return mismatch("a bool");
    }
    case AttrType::Object: {
        auto *o = new TextObject(QString::fromUtf8(text.data(), qsizetype(text.size())));
        Value x;
        x.o = o;
        layout.set(e, i, x);
        o->deref();
        return true;
    }
    case AttrType::Unknown:
        break;
    }
    return mismatch("of an unknown type");
}

void appendText(QByteArray &out, const Event &e, int i)
{
    if (e.isNull(i)) {
        out += "null";
        return;
    }
    const AttrType t = e.layout->type(i);
    const Value v = e.value(i);
    char buf[32];
    switch (t) {
    case AttrType::String:
        if (v.s)
            out.append(v.s->data, v.s->size);
        else
            out += "null";
        return;
    case AttrType::Int: {
        const auto r = std::to_chars(buf, buf + sizeof buf, v.i);
        out.append(buf, r.ptr - buf);
        return;
    }
    case AttrType::Long: {
        const auto r = std::to_chars(buf, buf + sizeof buf, v.l);
        out.append(buf, r.ptr - buf);
        return;
    }
    case AttrType::Bool:
        out += v.b ? "true" : "false";
        return;
    default:
        out += valueToString(t, v, false).toUtf8();
        return;
    }
}

QString unescapeOption(const QString &value)
{
    QString out;
    out.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value[i];
        if (c == u'\\' && i + 1 < value.size()) {
            const QChar n = value[i + 1];
            if (n == u'n') {
                out += u'\n';
                ++i;
                continue;
            }
            if (n == u'r') {
                out += u'\r';
                ++i;
                continue;
            }
            if (n == u't') {
                out += u'\t';
                ++i;
                continue;
            }
            if (n == u'\\') {
                out += u'\\';
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

SourceMapper::~SourceMapper() = default;
SinkMapper::~SinkMapper() = default;

QByteArray SinkMapper::mapGroup(const std::vector<const Event *> &events)
{
    QByteArray out;
    for (const Event *e : events)
        out += map(*e);
    return out;
}

Template::Template(const QString &text, const EventLayout &layout)
{
    static const QRegularExpression placeholder(
        QStringLiteral("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}"));
    qsizetype last = 0;
    auto it = placeholder.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        m_parts.append({text.mid(last, m.capturedStart() - last).toUtf8(), -1});
        m_parts.append({QByteArray(), layout.indexOf(m.captured(1))});
        last = m.capturedEnd();
    }
    m_parts.append({text.mid(last).toUtf8(), -1});
    m_valid = true;
}

QByteArray Template::fill(const Event &e, bool json) const
{
    QByteArray out;
    for (const Part &p : m_parts) {
        if (p.attribute < 0) {
            out += p.text;
            continue;
        }
        const AttrType t = e.layout->type(p.attribute);
        if (e.isNull(p.attribute)) {
            out += "null";
        } else if (t == AttrType::String) {
            const StringData *s = e.value(p.attribute).s;
            if (json) {
                // Inside JSON text a value must not break the document.
                QByteArray quoted;
                appendJsonString(quoted, s->toQString());
                out += quoted.mid(1, quoted.size() - 2);
            } else {
                out.append(s->data, s->size);
            }
        } else if (json) {
            appendJsonValue(out, t, e.value(p.attribute), false);
        } else {
            out += valueToString(t, e.value(p.attribute), false).toUtf8();
        }
    }
    return out;
}

namespace {

// passThrough: for in-process transports the payload is the event itself; as bytes (when a
// transport needs bytes) it is the JSON form.
class PassThroughSinkMapper final : public SinkMapper
{
public:
    QByteArray map(const Event &e) override { return eventToJsonLine(QString(), e).trimmed(); }
};

} // namespace

std::unique_ptr<SourceMapper> makeSourceMapper(const TransportConfig &config,
                                               const EventLayout &layout, QString *error)
{
    const QString type = config.mapType.isEmpty() ? QStringLiteral("json") : config.mapType;
    if (type.compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
        return makeJsonSourceMapper(config, layout, error);
    if (type.compare(QLatin1String("text"), Qt::CaseInsensitive) == 0)
        return makeTextSourceMapper(config, layout, error);
    if (type.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
        return makeCsvSourceMapper(config, layout, error);
    if (type.compare(QLatin1String("passThrough"), Qt::CaseInsensitive) == 0)
        return makeJsonSourceMapper(config, layout, error);
    *error = QStringLiteral("unknown map type '%1'").arg(type);
    return nullptr;
}

std::unique_ptr<SinkMapper> makeSinkMapper(const TransportConfig &config, const EventLayout &layout,
                                           QString *error)
{
    const QString type = config.mapType.isEmpty() ? QStringLiteral("json") : config.mapType;
    if (type.compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
        return makeJsonSinkMapper(config, layout, error);
    if (type.compare(QLatin1String("text"), Qt::CaseInsensitive) == 0)
        return makeTextSinkMapper(config, layout, error);
    if (type.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
        return makeCsvSinkMapper(config, layout, error);
    if (type.compare(QLatin1String("passThrough"), Qt::CaseInsensitive) == 0)
        return std::make_unique<PassThroughSinkMapper>();
    *error = QStringLiteral("unknown map type '%1'").arg(type);
    return nullptr;
}

} // namespace Rivulet::Io
