#include "singleevent.h"

#include "eventsink.h"
#include "values.h"

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

namespace {

// Fills ev (when given) from values; the first problem as a message.
QString convert(const StreamSchema &schema, const QVariantList &values, EventLayout *layout,
                Event *ev)
{
    if (values.size() != schema.size())
        return QStringLiteral("stream '%1' has %2 attributes (%3), but %4 values were given")
            .arg(schema.name)
            .arg(schema.size())
            .arg(schema.text())
            .arg(values.size());
    for (int i = 0; i < schema.size(); ++i) {
        Value v;
        bool isNull = false;
        QString error;
        if (!variantToValue(schema.types[i], values[i], &v, &isNull, schema.names[i], &error))
            return error;
        if (!ev) {
            if (!isNull)
                Runtime::release(schema.types[i], v);
            continue;
        }
        if (isNull)
            layout->set(ev, i, Value::ofLong(0), true);
        else if (isRefCounted(schema.types[i]))
            setOwned(layout, ev, i, v);
        else
            layout->set(ev, i, v);
    }
    return {};
}

} // namespace

QString checkSingleEvent(const StreamSchema &schema, const QVariantList &values)
{
    return convert(schema, values, nullptr, nullptr);
}

bool sendSingleEvent(EventSink &sink, const SingleEvent &event, QString *error)
{
    const std::optional<StreamSchema> schema = sink.schema(event.streamName);
    if (!schema) {
        *error = QStringLiteral("%1 has no stream '%2'").arg(sink.description(), event.streamName);
        return false;
    }
    QString message = checkSingleEvent(*schema, event.values);
    if (!message.isEmpty()) {
        *error = message;
        return false;
    }
    const int stream = sink.openStream(*schema, &message);
    if (stream < 0) {
        *error = message;
        return false;
    }
    Event *ev = sink.allocate(stream);
    convert(*schema, event.values, sink.layout(stream), ev);
    ev->timestamp = event.timestamp ? *event.timestamp : sink.defaultTimestamp();
    const bool ok = sink.send(stream, ev);
    if (!ok)
        *error = sink.errorString();
    sink.release(stream, ev);
    return ok;
}

} // namespace Rivulet::Simulator
