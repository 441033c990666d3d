// The json mapper (siddhi-map-json): {"event":{...}} in and out, arrays of events, enclosing
// elements, @attributes JSON paths, @payload templates. Parsing uses simdjson.
#include "mappers.h"

#include "engine/runtime/eventjson.h"

// simdjson's header trips GCC 12's -Wdangling-pointer in inlined code; the library is fine.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <QStringList>

#include <cmath>
#include <limits>

namespace Rivulet::Io {

using namespace Runtime;
using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

// "$.a.b[0]" or "a.b" or "$['a'].b" -> JSON pointer "/a/b/0".
QString toPointer(QString path)
{
    path = path.trimmed();
    if (path.startsWith(QLatin1String("$")))
        path = path.mid(1);
    QString out;
    QString token;
    auto flush = [&] {
        if (!token.isEmpty()) {
            token.replace(QLatin1String("~"), QLatin1String("~0"))
                .replace(QLatin1String("/"), QLatin1String("~1"));
            out += u'/' + token;
            token.clear();
        }
    };
    for (qsizetype i = 0; i < path.size(); ++i) {
        const QChar c = path[i];
        if (c == u'.') {
            flush();
        } else if (c == u'[') {
            flush();
            const qsizetype close = path.indexOf(u']', i);
            if (close < 0)
                break;
            QString inner = path.mid(i + 1, close - i - 1).trimmed();
            if ((inner.startsWith(u'\'') && inner.endsWith(u'\''))
                || (inner.startsWith(u'"') && inner.endsWith(u'"')))
                inner = inner.mid(1, inner.size() - 2);
            token = inner;
            flush();
            i = close;
        } else {
            token += c;
        }
    }
    flush();
    return out;
}

QString describe(element v)
{
    switch (v.type()) {
    case element_type::STRING:
        return u'"' + QString::fromUtf8(std::string(v.get_string().value()).c_str()) + u'"';
    case element_type::BOOL:
        return v.get_bool().value() ? QStringLiteral("true") : QStringLiteral("false");
    case element_type::NULL_VALUE:
        return QStringLiteral("null");
    case element_type::ARRAY:
        return QStringLiteral("an array");
    case element_type::OBJECT:
        return QStringLiteral("an object");
    default:
        return QString::fromStdString(simdjson::to_string(v));
    }
}

// Sets attribute i of e from a JSON value, converting as Siddhi's json mapper does: numbers for
// numeric attributes (numeric strings too), strings, bools ("true"/"false" too).
bool setFromJson(EventLayout &layout, Event *e, int i, element v, QString *error)
{
    const AttrType t = layout.type(i);
    const QString name = layout.names().value(i);
    auto mismatch = [&](const char *expected) {
        *error = QStringLiteral("attribute '%1' is %2, but the value %3 is not")
                     .arg(name, QLatin1String(expected), describe(v));
        return false;
    };
    if (v.type() == element_type::NULL_VALUE) {
        layout.set(e, i, Value::ofLong(0), true);
        return true;
    }
    double number = 0;
    bool isNumber = false;
    bool isInteger = false;
    int64_t integer = 0;
    switch (v.type()) {
    case element_type::INT64:
        integer = v.get_int64().value();
        number = double(integer);
        isNumber = isInteger = true;
        break;
    case element_type::UINT64: {
        const uint64_t u = v.get_uint64().value();
        if (u > uint64_t(std::numeric_limits<int64_t>::max()))
            return mismatch(t == AttrType::Int ? "an int" : "a long");
        integer = int64_t(u);
        number = double(u);
        isNumber = isInteger = true;
        break;
    }
    case element_type::DOUBLE:
        number = v.get_double().value();
        isNumber = true;
        isInteger = std::floor(number) == number && std::fabs(number) < 9.2e18;
        integer = isInteger ? int64_t(number) : 0;
        break;
    case element_type::STRING:
        if (t != AttrType::String && t != AttrType::Bool && t != AttrType::Object) {
            const std::string_view s = v.get_string().value();
            bool ok = false;
            const QString text = QString::fromUtf8(s.data(), qsizetype(s.size())).trimmed();
            number = text.toDouble(&ok);
            if (!ok)
                return mismatch(t == AttrType::Int     ? "an int"
                                : t == AttrType::Long  ? "a long"
                                : t == AttrType::Float ? "a float"
                                                       : "a double");
            isNumber = true;
            integer = text.toLongLong(&isInteger);
        }
        break;
    default:
        break;
    }
    switch (t) {
    case AttrType::String: {
        QByteArray text;
        if (v.type() == element_type::STRING) {
            const std::string_view s = v.get_string().value();
            StringData *sd = StringData::make(s.data(), int(s.size()));
            Value x;
            x.s = sd;
            layout.set(e, i, x);
            sd->deref();
            return true;
        }
        if (v.type() == element_type::OBJECT || v.type() == element_type::ARRAY)
            return mismatch("a string");
        const std::string raw = simdjson::to_string(v);
        StringData *sd = StringData::make(raw);
        Value x;
        x.s = sd;
        layout.set(e, i, x);
        sd->deref();
        return true;
    }
    case AttrType::Int:
        if (!isNumber || !isInteger || integer < std::numeric_limits<int32_t>::min()
            || integer > std::numeric_limits<int32_t>::max())
            return mismatch("an int");
        layout.set(e, i, Value::ofInt(int32_t(integer)));
        return true;
    case AttrType::Long:
        if (!isNumber || !isInteger)
            return mismatch("a long");
        layout.set(e, i, Value::ofLong(integer));
        return true;
    case AttrType::Float:
        if (!isNumber)
            return mismatch("a float");
        layout.set(e, i, Value::ofFloat(float(number)));
        return true;
    case AttrType::Double:
        if (!isNumber)
            return mismatch("a double");
        layout.set(e, i, Value::ofDouble(number));
        return true;
    case AttrType::Bool:
        if (v.type() == element_type::BOOL) {
            layout.set(e, i, Value::ofBool(v.get_bool().value()));
            return true;
        }
        if (v.type() == element_type::STRING) {
            const std::string_view s = v.get_string().value();
            if (s == "true" || s == "false") {
                layout.set(e, i, Value::ofBool(s == "true"));
                return true;
            }
        }
        return mismatch("a bool");
    case AttrType::Object: {
        auto *o = new TextObject(QString::fromStdString(simdjson::to_string(v)));
        Value x;
        x.o = o;
        layout.set(e, i, x);
        o->deref();
        return true;
    }
    case AttrType::Unknown:
        break;
    }
    return false;
}

class JsonSourceMapper final : public SourceMapper
{
public:
    JsonSourceMapper(const TransportConfig &config, const EventLayout &layout, QString *error)
    {
        m_failOnMissing =
            config.mapOptions
                .value(QStringLiteral("fail.on.missing.attribute"), QStringLiteral("true"))
                .compare(QLatin1String("false"), Qt::CaseInsensitive)
            != 0;
        const QString enclosing = config.mapOptions.value(QStringLiteral("enclosing.element"));
        if (!enclosing.isEmpty() && enclosing != QLatin1String("$"))
            m_enclosing = toPointer(enclosing).toStdString();
        if (config.attributes) {
            const Lang::Ast::Annotation &a = *config.attributes;
            m_paths.resize(size_t(layout.size()));
            const QStringList positional = a.positionalValues();
            if (!positional.isEmpty()) {
                for (int i = 0; i < layout.size() && i < positional.size(); ++i)
                    m_paths[size_t(i)] = toPointer(positional[i]).toStdString();
            } else {
                for (const auto &e : a.elements) {
                    const int i = layout.indexOf(e.key);
                    if (i < 0) {
                        *error =
                            QStringLiteral("@attributes names '%1', which the stream does not have")
                                .arg(e.key);
                        return;
                    }
                    m_paths[size_t(i)] = toPointer(e.value).toStdString();
                }
            }
            m_custom = true;
        }
    }

    bool map(const QByteArray &message, EventLayout &layout, std::vector<Event *> &out,
             QString *error) override
    {
        element doc;
        const auto parseError =
            m_parser.parse(message.constData(), size_t(message.size()), true).get(doc);
        if (parseError) {
            *error = QStringLiteral("not valid JSON: %1")
                         .arg(QString::fromLatin1(simdjson::error_message(parseError)));
            return false;
        }
        element root = doc;
        if (!m_enclosing.empty()) {
            if (root.at_pointer(m_enclosing).get(root)) {
                *error = QStringLiteral("the enclosing element %1 is not in the message")
                             .arg(QString::fromStdString(m_enclosing));
                return false;
            }
        }
        if (root.type() == element_type::ARRAY) {
            int index = 0;
            bool ok = true;
            simdjson::dom::array items;
            if (root.get_array().get(items)) {
                *error = QStringLiteral("not a JSON array");
                return false;
            }
            for (element item : items) {
                QString itemError;
                if (!mapOne(item, layout, out, &itemError)) {
                    if (ok)
                        *error =
                            QStringLiteral("event %1 of the array: %2").arg(index).arg(itemError);
                    ok = false;
                }
                ++index;
            }
            return ok;
        }
        return mapOne(root, layout, out, error);
    }

private:
    bool mapOne(element item, EventLayout &layout, std::vector<Event *> &out, QString *error)
    {
        Event *e = layout.allocate();
        bool ok = true;
        if (m_custom) {
            for (int i = 0; i < layout.size() && ok; ++i) {
                element v;
                const std::string &path = m_paths[size_t(i)];
                if (path.empty() || item.at_pointer(path).get(v)) {
                    if (m_failOnMissing) {
                        *error = QStringLiteral("attribute '%1' is missing (path %2)")
                                     .arg(layout.names().value(i),
                                          QString::fromStdString(path.empty() ? std::string("none")
                                                                              : path));
                        ok = false;
                    } else {
                        layout.set(e, i, Value::ofLong(0), true);
                    }
                    continue;
                }
                ok = setFromJson(layout, e, i, v, error);
            }
        } else {
            element event;
            if (item.type() != element_type::OBJECT || item.at_key("event").get(event)
                || event.type() != element_type::OBJECT) {
                *error = QStringLiteral("expected {\"event\":{...}}, found %1").arg(describe(item));
                layout.release(e);
                return false;
            }
            simdjson::dom::object object;
            if (event.get_object().get(object)) {
                layout.release(e);
                *error = QStringLiteral("\"event\" is not an object");
                return false;
            }
            for (int i = 0; i < layout.size() && ok; ++i) {
                element v;
                const QByteArray key = layout.names().value(i).toUtf8();
                if (object.at_key(std::string_view(key.constData(), size_t(key.size()))).get(v)) {
                    if (m_failOnMissing) {
                        *error = QStringLiteral("attribute '%1' is missing")
                                     .arg(layout.names().value(i));
                        ok = false;
                    } else {
                        layout.set(e, i, Value::ofLong(0), true);
                    }
                    continue;
                }
                ok = setFromJson(layout, e, i, v, error);
            }
        }
        if (!ok) {
            layout.release(e);
            return false;
        }
        out.push_back(e);
        return true;
    }

    simdjson::dom::parser m_parser;
    bool m_failOnMissing = true;
    bool m_custom = false;
    std::string m_enclosing;
    std::vector<std::string> m_paths;
};

// {"event":{"a":1,...}} per event, or the @payload template with {{attr}} filled in.
class JsonSinkMapper final : public SinkMapper
{
public:
    JsonSinkMapper(const TransportConfig &config, const EventLayout &layout)
    {
        for (const QString &n : layout.names()) {
            QByteArray key;
            appendJsonString(key, n);
            m_keys << key;
        }
        if (config.payload)
            m_template = Template(config.payload->value(), layout);
        const QString enclosing = config.mapOptions.value(QStringLiteral("enclosing.element"));
        if (!enclosing.isEmpty() && enclosing != QLatin1String("$")) {
            QString name = enclosing;
            if (name.startsWith(QLatin1String("$.")))
                name = name.mid(2);
            appendJsonString(m_enclosing, name);
        }
    }
    QByteArray map(const Event &e) override
    {
        QByteArray out;
        if (m_template.valid()) {
            out = m_template.fill(e, true);
        } else {
            out.reserve(32 + e.size * 24);
            out += "{\"event\":{";
            for (int i = 0; i < e.size; ++i) {
                if (i)
                    out += ',';
                out += m_keys[i];
                out += ':';
                appendJsonValue(out, e.layout->type(i), e.value(i), e.isNull(i));
            }
            out += "}}";
        }
        if (!m_enclosing.isEmpty())
            out = "{" + m_enclosing + ":" + out + "}";
        return out;
    }
    bool canGroup() const override { return true; }
    QByteArray mapGroup(const std::vector<const Event *> &events) override
    {
        QByteArray out = "[";
        for (size_t i = 0; i < events.size(); ++i) {
            if (i)
                out += ',';
            out += map(*events[i]);
        }
        out += ']';
        return out;
    }

private:
    QList<QByteArray> m_keys;
    Template m_template;
    QByteArray m_enclosing;
};

} // namespace

std::unique_ptr<SourceMapper> makeJsonSourceMapper(const TransportConfig &config,
                                                   const EventLayout &layout, QString *error)
{
    auto m = std::make_unique<JsonSourceMapper>(config, layout, error);
    if (!error->isEmpty())
        return nullptr;
    return m;
}

std::unique_ptr<SinkMapper> makeJsonSinkMapper(const TransportConfig &config,
                                               const EventLayout &layout, QString *)
{
    return std::make_unique<JsonSinkMapper>(config, layout);
}

} // namespace Rivulet::Io
