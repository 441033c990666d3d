#include "mappers.h"

#include "engine/runtime/eventjson.h"

#include <QRegularExpression>

namespace Rivulet::Io {

using namespace Runtime;

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
