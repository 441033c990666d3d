// source and sink type='inMemory': topics between the apps of one process, through the
// IoContext's broker. With passThrough (the default) the events themselves travel and the
// source copies them into its stream's layout, checking the types; with another mapper the
// sink publishes the mapped message and the source maps it back.
#include "inmemorybroker.h"
#include "iocontext.h"
#include "mappers.h"
#include "transports.h"

#include "engine/runtime/appruntime.h"

namespace Rivulet::Io {

using namespace Runtime;

namespace {

// How a value of one type becomes a value of the target type: as it is, or widened as Siddhi
// widens numbers (int -> long -> float -> double).
enum class Conversion : uint8_t { Same, ToLong, ToFloat, ToDouble, Invalid };

Conversion conversion(AttrType from, AttrType to)
{
    if (from == to)
        return Conversion::Same;
    auto rank = [](AttrType t) {
        switch (t) {
        case AttrType::Int:
            return 1;
        case AttrType::Long:
            return 2;
        case AttrType::Float:
            return 3;
        case AttrType::Double:
            return 4;
        default:
            return 0;
        }
    };
    const int f = rank(from), t = rank(to);
    if (f == 0 || t == 0 || f > t)
        return Conversion::Invalid;
    return to == AttrType::Long    ? Conversion::ToLong
           : to == AttrType::Float ? Conversion::ToFloat
                                   : Conversion::ToDouble;
}

class InMemorySource final : public Source
{
public:
    using Source::Source;
    ~InMemorySource() override { stop(); }

    bool start(QString *error) override
    {
        m_topic = m_config.option("topic");
        if (m_topic.isEmpty()) {
            *error = QStringLiteral("an inMemory source needs a topic");
            return false;
        }
        m_subscription = m_context->broker().subscribe(
            m_topic, [this](const InMemoryBroker::Message &message) { receive(message); });
        return true;
    }
    void stop() override
    {
        if (m_subscription) {
            m_context->broker().unsubscribe(m_subscription);
            m_subscription = 0;
        }
    }
    QString endpoint() const override { return QStringLiteral("inMemory topic %1").arg(m_topic); }

private:
    void receive(const InMemoryBroker::Message &message)
    {
        QString error;
        const bool ok =
            message.events ? copy(*message.events, &error) : deliver(message.payload, &error);
        if (!ok)
            m_log.error(m_context, m_config.app,
                        QStringLiteral("%1: rejected events from topic '%2': %3")
                            .arg(m_config.where(), m_topic, error));
    }

    // Copies the publisher's events (from its pool, read only) into this source's own pool.
    bool copy(const EventChunk &chunk, QString *error)
    {
        std::lock_guard<std::recursive_mutex> lock(m_deliverMutex);
        if (m_deliverDepth > 0) {
            ++m_rejected;
            *error = QStringLiteral("events looped back into the source they came from");
            return false;
        }
        if (chunk.empty())
            return true;
        const EventLayout *from = chunk.events.front()->layout;
        if (from != m_checked && !check(*from, error)) {
            ++m_rejected;
            return false;
        }
        ++m_deliverDepth;
        std::vector<Event *> batch;
        batch.reserve(chunk.size());
        for (const Event *e : chunk.events) {
            if (!isPublishable(e) || e->layout != from)
                continue;
            Event *c = m_layout->allocate();
            c->timestamp = e->timestamp; // events keep their time, as Siddhi's passThrough does
            for (int i = 0; i < m_layout->size(); ++i) {
                if (e->isNull(i))
                    continue;
                const Value v = e->value(i);
                const AttrType t = from->type(i);
                switch (m_conversions[size_t(i)]) {
                case Conversion::Same:
                    m_layout->set(c, i, v);
                    break;
                case Conversion::ToLong:
                    m_layout->set(c, i, Value::ofLong(toLong(t, v)));
                    break;
                case Conversion::ToFloat:
                    m_layout->set(c, i, Value::ofFloat(float(toDouble(t, v))));
                    break;
                case Conversion::ToDouble:
                    m_layout->set(c, i, Value::ofDouble(toDouble(t, v)));
                    break;
                case Conversion::Invalid:
                    break;
                }
            }
            batch.push_back(c);
        }
        if (!batch.empty()) {
            m_input->send(batch);
            m_received += qint64(batch.size());
        }
        for (Event *e : batch)
            m_layout->release(e);
        --m_deliverDepth;
        return true;
    }

    bool check(const EventLayout &from, QString *error)
    {
        const EventLayout &to = *m_layout;
        auto describe = [](const EventLayout &l) -> QString {
            QStringList parts;
            for (int i = 0; i < l.size(); ++i)
                parts << QStringLiteral("%1 %2").arg(l.names().value(i), Lang::typeName(l.type(i)));
            return QStringLiteral("(") + parts.join(QStringLiteral(", ")) + u')';
        };
        if (from.size() != to.size()) {
            *error = QStringLiteral("the topic carries %1 attributes %2, but stream %3 has %4 %5")
                         .arg(from.size())
                         .arg(describe(from), m_config.stream)
                         .arg(to.size())
                         .arg(describe(to));
            return false;
        }
        std::vector<Conversion> conversions(size_t(to.size()));
        for (int i = 0; i < to.size(); ++i) {
            conversions[size_t(i)] = conversion(from.type(i), to.type(i));
            if (conversions[size_t(i)] == Conversion::Invalid) {
                *error = QStringLiteral("attribute %1 of the topic is %2, but '%3' of stream %4 "
                                        "is %5")
                             .arg(i + 1)
                             .arg(Lang::typeName(from.type(i)), to.names().value(i),
                                  m_config.stream, Lang::typeName(to.type(i)));
                return false;
            }
        }
        m_conversions = std::move(conversions);
        m_checked = &from;
        return true;
    }

    QString m_topic;
    int m_subscription = 0;
    const EventLayout *m_checked = nullptr; // the publisher layout m_conversions are for
    std::vector<Conversion> m_conversions;
    ThrottledLog m_log;
};

class InMemorySink final : public Sink
{
public:
    InMemorySink(const TransportConfig &config, AppRuntime *app, IoContext *context)
        : Sink(config, app, context)
    {
        const QString map = config.mapType;
        m_passThrough =
            map.isEmpty() || map.compare(QLatin1String("passThrough"), Qt::CaseInsensitive) == 0;
    }
    ~InMemorySink() override { stop(); }

    bool start(QString *error) override
    {
        const QString topic = m_config.option("topic");
        if (topic.isEmpty()) {
            *error = QStringLiteral("an inMemory sink needs a topic");
            return false;
        }
        if (topic.contains(QLatin1String("{{"))) {
            StreamJunction *junction = m_app->junction(m_config.stream);
            if (!junction) {
                *error = QStringLiteral("stream %1 does not exist").arg(m_config.stream);
                return false;
            }
            m_topicTemplate = Template(topic, *junction->layout());
        }
        m_topic = topic;
        m_running = true;
        return true;
    }
    void stop() override { m_running = false; }
    QString endpoint() const override { return QStringLiteral("inMemory topic %1").arg(m_topic); }

    void publish(const EventChunk &chunk) override
    {
        if (!m_running)
            return;
        InMemoryBroker &broker = m_context->broker();
        // Local: a subscriber may lead back into this sink while we publish.
        std::vector<const Event *> events;
        events.reserve(chunk.size());
        for (const Event *e : chunk.events) {
            if (isPublishable(e))
                events.push_back(e);
        }
        if (events.empty())
            return;
        if (m_topicTemplate.valid()) {
            // A topic per event ({{attr}}): one message each.
            for (const Event *e : events) {
                const QString topic = QString::fromUtf8(m_topicTemplate.fill(*e, false));
                if (m_passThrough) {
                    EventChunk one;
                    one.add(const_cast<Event *>(e));
                    broker.publish(topic, one);
                } else {
                    broker.publish(topic, m_mapper->map(*e));
                }
                ++m_published;
            }
            return;
        }
        if (m_passThrough) {
            EventChunk out;
            out.batch = chunk.batch;
            for (const Event *e : events)
                out.add(const_cast<Event *>(e));
            broker.publish(m_topic, out);
        } else if (m_mapper->canGroup() && events.size() > 1) {
            broker.publish(m_topic, m_mapper->mapGroup(events));
        } else {
            for (const Event *e : events)
                broker.publish(m_topic, m_mapper->map(*e));
        }
        m_published += qint64(events.size());
    }

private:
    QString m_topic;
    Template m_topicTemplate;
    bool m_passThrough = true;
    std::atomic<bool> m_running{false};
};

} // namespace

std::unique_ptr<Source> makeInMemorySource(const TransportConfig &config, AppRuntime *app,
                                           InputHandler *input, IoContext *context)
{
    return std::make_unique<InMemorySource>(config, app, input, context);
}

std::unique_ptr<Sink> makeInMemorySink(const TransportConfig &config, AppRuntime *app,
                                       IoContext *context)
{
    return std::make_unique<InMemorySink>(config, app, context);
}

} // namespace Rivulet::Io
