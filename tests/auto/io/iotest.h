#pragma once

// Helpers for the I/O tests: an app with its sources and sinks running in one IoContext, the
// events of its streams and the log lines, all collected for checks.
#include "engine/io/iocontext.h"
#include "engine/io/ioruntime.h"
#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"

#include <QHash>
#include <QMutex>
#include <QStringList>
#include <QTcpServer>

#include <memory>

namespace IoTest {

using namespace Rivulet;

// "WSO2|55.6|100": an event's values as Siddhi prints them.
inline QString values(const Runtime::Event &e)
{
    QStringList parts;
    for (int i = 0; i < e.size; ++i)
        parts << Runtime::valueToString(e.layout->type(i), e.value(i), e.isNull(i));
    return parts.join(u'|');
}

// A port nobody listens on right now (bound and released).
inline quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    return s.serverPort();
}

class App
{
public:
    explicit App(Io::IoContext *shared = nullptr)
        : m_context(shared)
    {
        if (!m_context) {
            m_own = std::make_unique<Io::IoContext>();
            m_context = m_own.get();
            m_context->logger = [this](Runtime::LogLevel, const QString &, const QString &message) {
                QMutexLocker lock(&m_mutex);
                m_log << message;
            };
        }
        Runtime::Engine::Options options;
        options.logger = [this](Runtime::LogLevel, const QString &, const QString &message) {
            QMutexLocker lock(&m_mutex);
            m_log << message;
        };
        m_engine = std::make_unique<Runtime::Engine>(options);
    }
    ~App() { stop(); }

    // Compiles, builds the transports and starts; false with the problems in *error.
    bool start(const QString &source, QString *error, const QStringList &watch = {})
    {
        QList<Lang::Diagnostic> diagnostics;
        m_app = m_engine->createApp(source.toUtf8(), QStringLiteral("test.siddhi"), &diagnostics);
        if (!m_app) {
            for (const auto &d : diagnostics)
                *error += d.toText() + u'\n';
            return false;
        }
        for (const QString &stream : watch) {
            m_app->addStreamCallback(stream, [this, stream](const Runtime::EventChunk &chunk) {
                QMutexLocker lock(&m_mutex);
                for (const Runtime::Event *e : chunk.events)
                    m_events[stream] << values(*e);
            });
        }
        m_io = std::make_unique<Io::IoRuntime>(*m_app, *m_context);
        if (!m_io->build(&diagnostics)) {
            for (const auto &d : diagnostics)
                *error += d.toText() + u'\n';
            return false;
        }
        return m_io->start(error);
    }
    void stop()
    {
        if (m_io)
            m_io->stop();
        m_io.reset();
    }

    QStringList events(const QString &stream) const
    {
        QMutexLocker lock(&m_mutex);
        return m_events.value(stream);
    }
    QStringList log() const
    {
        QMutexLocker lock(&m_mutex);
        return m_log;
    }
    QString logText() const { return log().join(u'\n'); }
    void clear()
    {
        QMutexLocker lock(&m_mutex);
        m_events.clear();
        m_log.clear();
    }

    Io::IoContext &context() { return *m_context; }
    Runtime::AppRuntime &runtime() { return *m_app; }
    Io::IoRuntime &io() { return *m_io; }

private:
    std::unique_ptr<Io::IoContext> m_own;
    Io::IoContext *m_context;
    std::unique_ptr<Runtime::Engine> m_engine;
    std::unique_ptr<Runtime::AppRuntime> m_app;
    std::unique_ptr<Io::IoRuntime> m_io;
    mutable QMutex m_mutex;
    QHash<QString, QStringList> m_events;
    QStringList m_log;
};

} // namespace IoTest
