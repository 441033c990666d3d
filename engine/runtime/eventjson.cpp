#include "eventjson.h"

#include "appruntime.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace Rivulet::Runtime {

void appendJsonString(QByteArray &out, const QString &s)
{
    out += '"';
    const QByteArray utf8 = s.toUtf8();
    for (char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (uchar(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(uchar(c)));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJsonValue(QByteArray &out, AttrType type, Value v, bool isNull)
{
    if (isNull) {
        out += "null";
        return;
    }
    switch (type) {
    case AttrType::String:
        if (v.s) {
            out += '"';
            // Fast path for plain text; escape when needed.
            bool plain = true;
            for (int i = 0; i < v.s->size && plain; ++i) {
                const uchar c = uchar(v.s->data[i]);
                plain = c >= 0x20 && c != '"' && c != '\\';
            }
            if (plain) {
                out.append(v.s->data, v.s->size);
                out += '"';
            } else {
                out.chop(1);
                appendJsonString(out, v.s->toQString());
            }
        } else {
            out += "null";
        }
        break;
    case AttrType::Int:
        out += QByteArray::number(v.i);
        break;
    case AttrType::Long:
        out += QByteArray::number(qlonglong(v.l));
        break;
    case AttrType::Float:
    case AttrType::Double: {
        const double d = type == AttrType::Float ? double(v.f) : v.d;
        const QString text = type == AttrType::Float ? javaFloatString(v.f) : javaDoubleString(v.d);
        if (std::isfinite(d))
            out += text.toLatin1();
        else
            appendJsonString(out, text);
        break;
    }
    case AttrType::Bool:
        out += v.b ? "true" : "false";
        break;
    case AttrType::Object:
        if (v.o)
            appendJsonString(out, v.o->toString());
        else
            out += "null";
        break;
    case AttrType::Unknown:
        out += "null";
        break;
    }
}

QByteArray eventToJsonLine(const QString &stream, const Event &e)
{
    QByteArray out;
    out.reserve(64 + e.size * 12);
    out += "{\"stream\":";
    appendJsonString(out, stream);
    out += ",\"timestamp\":";
    out += QByteArray::number(qlonglong(e.timestamp));
    const bool expired = e.type == EventType::Expired || (e.flags & 0x1);
    out += expired ? ",\"type\":\"expired\",\"data\":[" : ",\"type\":\"current\",\"data\":[";
    for (int i = 0; i < e.size; ++i) {
        if (i)
            out += ',';
        appendJsonValue(out, e.layout->type(i), e.value(i), e.isNull(i));
    }
    out += "]}\n";
    return out;
}

bool jsonToValues(const EventLayout &layout, const QJsonArray &data, QVariantList *values,
                  QString *error)
{
    const QStringList &names = layout.names();
    if (data.size() != layout.size()) {
        *error = QStringLiteral("expected %1 values (%2), found %3")
                     .arg(layout.size())
                     .arg(names.join(QStringLiteral(", ")))
                     .arg(data.size());
        return false;
    }
    values->clear();
    for (int i = 0; i < layout.size(); ++i) {
        const QJsonValue v = data[i];
        const AttrType t = layout.type(i);
        auto mismatch = [&](const char *expected) {
            const QString shown =
                v.isString()
                    ? u'"' + v.toString() + u'"'
                    : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                          .mid(1)
                          .chopped(1);
            *error = QStringLiteral("attribute '%1' is %2, but the value %3 is not")
                         .arg(names.value(i), QLatin1String(expected), shown);
            return false;
        };
        if (v.isNull()) {
            values->append(QVariant());
            continue;
        }
        switch (t) {
        case AttrType::String:
            if (!v.isString())
                return mismatch("a string");
            values->append(v.toString());
            break;
        case AttrType::Int:
        case AttrType::Long: {
            if (!v.isDouble())
                return mismatch(t == AttrType::Int ? "an int" : "a long");
            const double d = v.toDouble();
            if (std::floor(d) != d)
                return mismatch(t == AttrType::Int ? "an int" : "a long");
            if (t == AttrType::Int && (d < -2147483648.0 || d > 2147483647.0))
                return mismatch("an int");
            values->append(QVariant(qlonglong(d)));
            break;
        }
        case AttrType::Float:
        case AttrType::Double:
            if (!v.isDouble())
                return mismatch(t == AttrType::Float ? "a float" : "a double");
            values->append(v.toDouble());
            break;
        case AttrType::Bool:
            if (!v.isBool())
                return mismatch("a bool");
            values->append(v.toBool());
            break;
        case AttrType::Object:
            values->append(v.toVariant());
            break;
        case AttrType::Unknown:
            values->append(QVariant());
            break;
        }
    }
    return true;
}

bool replayLine(AppRuntime &app, const QByteArray &line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not JSON: %1 at offset %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral(
            "expected an object such as {\"stream\":\"S\",\"timestamp\":1000,\"data\":[...]}");
        return false;
    }
    const QJsonObject o = doc.object();
    if (o.contains(QLatin1String("time")) && !o.contains(QLatin1String("stream"))) {
        const QJsonValue t = o.value(QLatin1String("time"));
        if (!t.isDouble()) {
            *error = QStringLiteral("\"time\" must be a number of milliseconds");
            return false;
        }
        app.advanceTime(qint64(t.toDouble()));
        return true;
    }
    const QString stream = o.value(QLatin1String("stream")).toString();
    if (stream.isEmpty()) {
        *error = QStringLiteral("missing \"stream\"");
        return false;
    }
    InputHandler *handler = app.inputHandler(stream);
    if (!handler) {
        *error = QStringLiteral("unknown stream '%1' (input streams: %2)")
                     .arg(stream, app.inputStreams().join(QStringLiteral(", ")));
        return false;
    }
    const QJsonValue data = o.value(QLatin1String("data"));
    if (!data.isArray()) {
        *error = QStringLiteral("\"data\" must be an array of the attribute values");
        return false;
    }
    QVariantList values;
    if (!jsonToValues(*handler->layout(), data.toArray(), &values, error))
        return false;
    const QJsonValue ts = o.value(QLatin1String("timestamp"));
    if (!ts.isUndefined() && !ts.isDouble()) {
        *error = QStringLiteral("\"timestamp\" must be a number of milliseconds");
        return false;
    }
    const int64_t timestamp = ts.isUndefined() ? app.currentTime() : int64_t(ts.toDouble());
    return handler->send(timestamp, values, error);
}

} // namespace Rivulet::Runtime
