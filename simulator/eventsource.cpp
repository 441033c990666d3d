#include "eventsource.h"

#include "csvsource.h"
#include "randomsource.h"
#include "trainroutesource.h"

namespace Rivulet::Simulator {

EventSource::EventSource(SourceContext context)
    : m_context(std::move(context))
    , m_rng(m_context.seed)
{}

EventSource::~EventSource() = default;

bool EventSource::start(QString *)
{
    return true;
}

void EventSource::warn(const QString &message)
{
    if (m_warn)
        m_warn(message);
}

std::unique_ptr<EventSource> EventSource::create(const SourceConfig &config,
                                                 const SourceContext &context, QString *error)
{
    switch (config.type) {
    case SourceType::Csv:
        return CsvSource::create(config, context, error);
    case SourceType::Random:
        return RandomSource::create(config, context, error);
    case SourceType::TrainRoute:
        return TrainRouteSource::create(config, context, error);
    }
    *error = QStringLiteral("unknown source type");
    return nullptr;
}

StreamSchema EventSource::defaultSchema(const SourceConfig &config)
{
    if (config.type == SourceType::TrainRoute)
        return TrainRouteSource::defaultSchema(config.streamName);
    return {};
}

} // namespace Rivulet::Simulator
