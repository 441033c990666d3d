#include "appsink.h"

#include "engine/runtime/appruntime.h"

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

AppSink::AppSink(AppRuntime *app)
    : m_app(app)
{}

QString AppSink::description() const
{
    return QStringLiteral("app '%1'").arg(m_app->name());
}

std::optional<StreamSchema> AppSink::schema(const QString &stream) const
{
    InputHandler *handler = m_app->inputHandler(stream);
    if (!handler)
        return std::nullopt;
    StreamSchema s;
    s.name = stream;
    s.names = handler->layout()->names();
    s.types = handler->layout()->types();
    return s;
}

int AppSink::openStream(const StreamSchema &schema, QString *error)
{
    InputHandler *handler = m_app->inputHandler(schema.name);
    if (!handler) {
        *error =
            QStringLiteral("app '%1' has no input stream '%2' (streams: %3)")
                .arg(m_app->name(), schema.name, m_app->inputStreams().join(QStringLiteral(", ")));
        return -1;
    }
    const EventLayout *l = handler->layout();
    if (l->types() != schema.types) {
        *error =
            QStringLiteral("stream '%1' of app '%2' is (%3), but the simulation sends (%4)")
                .arg(schema.name, m_app->name(), this->schema(schema.name)->text(), schema.text());
        return -1;
    }
    for (int i = 0; i < int(m_handlers.size()); ++i) {
        if (m_handlers[size_t(i)] == handler)
            return i;
    }
    m_handlers.push_back(handler);
    return int(m_handlers.size()) - 1;
}

EventLayout *AppSink::layout(int stream) const
{
    return m_handlers[size_t(stream)]->layout();
}

// The layout's pool belongs to the app and is used under its lock.
Event *AppSink::allocate(int stream)
{
    std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
    return layout(stream)->allocate();
}

void AppSink::release(int stream, Event *event)
{
    std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
    layout(stream)->release(event);
}

bool AppSink::send(int stream, Event *event)
{
    m_handlers[size_t(stream)]->send(event);
    return true;
}

bool AppSink::followsEventTime() const
{
    return m_app->clockMode() != ClockMode::Wall;
}

qint64 AppSink::defaultTimestamp() const
{
    return m_app->currentTime();
}

} // namespace Rivulet::Simulator
