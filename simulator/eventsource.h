#pragma once

#include "random.h"
#include "simulationconfig.h"

#include "engine/runtime/event.h"

#include <functional>
#include <memory>
#include <optional>

namespace Rivulet::Simulator {

// What a source is built with: the stream's attributes, the layout to fill, the time range
// and its own seed.
struct SourceContext
{
    StreamSchema schema;
    Runtime::EventLayout *layout = nullptr; // events passed to next() are of this layout
    qint64 startTimestamp = 0;              // the first generated timestamp
    bool startGiven = false;                // the simulation set it (CSV timestamps then
                                            // before it are skipped)
    std::optional<qint64> endTimestamp;     // no event is later
    uint64_t seed = 0;
    QString baseDirectory; // CSV files are found relative to it
};

// One source of a feed simulation: produces the events of one stream in timestamp order,
// writing each into an event the simulation owns and reuses (no allocation per event beyond
// the strings that are generated).
class EventSource
{
public:
    virtual ~EventSource();

    const QString &stream() const { return m_context.schema.name; }
    const StreamSchema &schema() const { return m_context.schema; }
    Runtime::EventLayout *layout() const { return m_context.layout; }

    // Opens what the source reads; false with a message.
    virtual bool start(QString *error);
    // Overwrites ev with the next event (timestamp and every attribute); false at the end.
    virtual bool next(Runtime::Event *ev) = 0;

    // Rows that could not be used (CSV), each reported through the warning callback first.
    qint64 skipped() const { return m_skipped; }
    void setWarningHandler(std::function<void(const QString &)> handler)
    {
        m_warn = std::move(handler);
    }

    // Builds the source of config for the context; null with a message naming the source,
    // the attribute and what is wrong.
    static std::unique_ptr<EventSource> create(const SourceConfig &config,
                                               const SourceContext &context, QString *error);
    // The attributes a source type sends when no app defines its stream (the train route's
    // trainId, latitude, longitude, speed, timestamp); empty for the others.
    static StreamSchema defaultSchema(const SourceConfig &config);

protected:
    explicit EventSource(SourceContext context);
    void warn(const QString &message);
    bool pastEnd(qint64 timestamp) const
    {
        return m_context.endTimestamp && timestamp > *m_context.endTimestamp;
    }

    SourceContext m_context;
    Random m_rng;
    qint64 m_skipped = 0;

private:
    std::function<void(const QString &)> m_warn;
};

} // namespace Rivulet::Simulator
