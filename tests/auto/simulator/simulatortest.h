// Helpers shared by the simulator's tests: a pacing clock the test moves, a sink that records
// what it is sent, and a way to pull events out of one source.
#pragma once

#include "simulator/eventsink.h"
#include "simulator/eventsource.h"
#include "simulator/pacingclock.h"
#include "simulator/simulationconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariantList>

#include <functional>
#include <memory>
#include <vector>

namespace SimTest {

using namespace Rivulet::Simulator;
using Rivulet::Runtime::Event;
using Rivulet::Runtime::EventLayout;

// Time moves only when the test fires the pending wake-up, landing `lateness()` after the time
// asked for (a timer's slop).
class FakeClock final : public PacingClock
{
public:
    int64_t nowNs() const override { return m_now; }
    void wakeAt(int64_t at, QObject *, std::function<void()> wake) override
    {
        m_at = at;
        m_wake = std::move(wake);
    }
    void cancel() override { m_wake = nullptr; }

    bool pending() const { return bool(m_wake); }
    void advance(int64_t ns) { m_now += ns; }
    // Moves to the time asked for (plus lateness) and wakes the waiter.
    void fire()
    {
        auto wake = std::move(m_wake);
        m_wake = nullptr;
        m_now = std::max(m_now, m_at) + (lateness ? lateness() : 0);
        ++wakes;
        wake();
    }
    // Fires until nothing waits (or a limit, against endless loops).
    void runOut(int limit = 10'000'000)
    {
        while (pending() && limit-- > 0)
            fire();
    }

    std::function<int64_t()> lateness;
    qint64 wakes = 0;

private:
    int64_t m_now = 1'000'000'000'000; // any start
    int64_t m_at = 0;
    std::function<void()> m_wake;
};

struct Sent
{
    QString stream;
    qint64 timestamp;
    QVariantList values;
    int64_t at; // pacing-clock time of the send
};

inline QVariantList values(const EventLayout &layout, const Event &e)
{
    QVariantList out;
    for (int i = 0; i < layout.size(); ++i) {
        if (e.isNull(i)) {
            out << QVariant();
            continue;
        }
        const Rivulet::Runtime::Value v = e.value(i);
        switch (layout.type(i)) {
        case Rivulet::Lang::AttrType::String:
            out << v.s->toQString();
            break;
        case Rivulet::Lang::AttrType::Int:
            out << v.i;
            break;
        case Rivulet::Lang::AttrType::Long:
            out << qlonglong(v.l);
            break;
        case Rivulet::Lang::AttrType::Float:
            out << v.f;
            break;
        case Rivulet::Lang::AttrType::Double:
            out << v.d;
            break;
        case Rivulet::Lang::AttrType::Bool:
            out << v.b;
            break;
        default:
            out << QVariant();
        }
    }
    return out;
}

// Records every event; each send costs `sendCost` ns of the fake clock when one is given.
class CaptureSink final : public EventSink
{
public:
    QString description() const override { return QStringLiteral("capture"); }
    std::optional<StreamSchema> schema(const QString &stream) const override
    {
        for (const StreamSchema &s : known) {
            if (s.name == stream)
                return s;
        }
        return std::nullopt;
    }
    int openStream(const StreamSchema &schema, QString *) override
    {
        for (size_t i = 0; i < m_schemas.size(); ++i) {
            if (m_schemas[i].name == schema.name)
                return int(i);
        }
        m_schemas.push_back(schema);
        m_layouts.push_back(std::make_unique<EventLayout>(schema.types, schema.names));
        return int(m_schemas.size()) - 1;
    }
    EventLayout *layout(int stream) const override { return m_layouts[size_t(stream)].get(); }
    bool send(int stream, Event *event) override
    {
        if (clock && sendCost)
            clock->advance(sendCost);
        sent.push_back({m_schemas[size_t(stream)].name, event->timestamp,
                        values(*m_layouts[size_t(stream)], *event), clock ? clock->nowNs() : 0});
        if (onSend)
            onSend();
        return true;
    }
    bool followsEventTime() const override { return virtualTime; }

    QList<StreamSchema> known;
    FakeClock *clock = nullptr;
    int64_t sendCost = 0;
    bool virtualTime = false;
    std::function<void()> onSend;
    std::vector<Sent> sent;

private:
    std::vector<StreamSchema> m_schemas;
    std::vector<std::unique_ptr<EventLayout>> m_layouts;
};

inline StreamSchema schema(const QString &name, const QString &attributes)
{
    StreamSchema s;
    QString error;
    StreamSchema::parse(name, QJsonValue(attributes), &s, &error);
    return s;
}

// A simulation holding one source (given as a JSON object) and the given properties.
inline bool parseSimulation(const QJsonObject &source, SimulationConfig *config, QString *error,
                            const QJsonObject &properties = {}, const QString &baseDir = {})
{
    QJsonObject props = properties;
    if (!props.contains(QLatin1String("simulationName")))
        props.insert(QStringLiteral("simulationName"), QStringLiteral("test"));
    const QJsonObject root{{QStringLiteral("properties"), props},
                           {QStringLiteral("sources"), QJsonArray{source}}};
    return SimulationConfig::parse(QJsonDocument(root).toJson(), baseDir, config, error);
}

// Pulls up to `max` events out of one source built for `schema`. Warnings are collected.
struct Pulled
{
    QString error;
    std::vector<QVariantList> rows;
    std::vector<qint64> timestamps;
    QStringList warnings;
    qint64 skipped = 0;
};

inline Pulled pull(const QJsonObject &sourceJson, const StreamSchema &schema, int max,
                   uint64_t seed = 7, qint64 start = 1000, std::optional<qint64> end = {},
                   const QString &baseDir = {}, bool startGiven = true)
{
    Pulled out;
    SimulationConfig config;
    if (!parseSimulation(sourceJson, &config, &out.error, {}, baseDir))
        return out;
    EventLayout layout(schema.types, schema.names);
    SourceContext context;
    context.schema = schema;
    context.layout = &layout;
    context.startTimestamp = start;
    context.startGiven = startGiven;
    context.endTimestamp = end;
    context.seed = seed;
    context.baseDirectory = baseDir;
    auto source = EventSource::create(config.sources.first(), context, &out.error);
    if (!source)
        return out;
    source->setWarningHandler([&](const QString &m) { out.warnings << m; });
    if (!source->start(&out.error))
        return out;
    Event *e = layout.allocate();
    for (int i = 0; i < max && source->next(e); ++i) {
        out.rows.push_back(values(layout, *e));
        out.timestamps.push_back(e->timestamp);
    }
    out.skipped = source->skipped();
    layout.release(e);
    return out;
}

inline QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace SimTest
