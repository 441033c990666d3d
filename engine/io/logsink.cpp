// sink type='log': each event to the log, as "prefix : Event{timestamp=..., data=[...],
// isExpired=...}".
#include "iocontext.h"
#include "transports.h"

#include "engine/runtime/appruntime.h"

#include <QStringList>

namespace Rivulet::Io {

namespace {

class LogSink final : public Sink
{
public:
    LogSink(const TransportConfig &config, Runtime::AppRuntime *app, IoContext *context)
        : Sink(config, app, context)
    {
        m_prefix = config.option("prefix", config.app + QStringLiteral(" : ") + config.stream);
        if (!Runtime::parseLogLevel(config.option("priority", QStringLiteral("INFO")), &m_level))
            m_level = Runtime::LogLevel::Info;
    }
    bool start(QString *) override { return true; }
    void stop() override {}
    QString endpoint() const override { return QStringLiteral("log"); }
    void publish(const Runtime::EventChunk &chunk) override
    {
        for (const Runtime::Event *e : chunk.events) {
            if (e->type != Runtime::EventType::Current && e->type != Runtime::EventType::Expired)
                continue;
            QStringList parts;
            for (int i = 0; i < e->size; ++i)
                parts << Runtime::valueToString(e->layout->type(i), e->value(i), e->isNull(i));
            const bool expired =
                e->type == Runtime::EventType::Expired || (e->flags & Runtime::kEventWasExpired);
            m_context->log(m_level, m_config.app,
                           QStringLiteral("%1 : Event{timestamp=%2, data=[%3], isExpired=%4}")
                               .arg(m_prefix)
                               .arg(e->timestamp)
                               .arg(parts.join(QStringLiteral(", ")),
                                    expired ? QStringLiteral("true") : QStringLiteral("false")));
            ++m_published;
        }
    }

private:
    QString m_prefix;
    Runtime::LogLevel m_level = Runtime::LogLevel::Info;
};

} // namespace

std::unique_ptr<Sink> makeLogSink(const TransportConfig &config, Runtime::AppRuntime *app,
                                  IoContext *context)
{
    return std::make_unique<LogSink>(config, app, context);
}

} // namespace Rivulet::Io
