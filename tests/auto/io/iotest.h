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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

// A WebSocket client on a plain socket, for what Qt's client will not do: stop reading, or
// stop in the middle of a frame. Completes the handshake in the constructor (blocking).
class RawWebSocket
{
public:
    explicit RawWebSocket(quint16 port, int receiveBuffer = 0)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receiveBuffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
            return;
        const QByteArray request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\n\r\n";
        if (!write(request))
            return;
        // The 101 response up to its blank line, one byte at a time, and no further.
        QByteArray response;
        char c = 0;
        while (!response.endsWith("\r\n\r\n") && ::read(m_fd, &c, 1) == 1)
            response += c;
        m_ok = response.startsWith("HTTP/1.1 101");
    }
    ~RawWebSocket() { close(); }
    bool ok() const { return m_ok; }
    bool write(const QByteArray &bytes)
    {
        return ::write(m_fd, bytes.constData(), size_t(bytes.size())) == bytes.size();
    }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    // A masked text frame header (as clients must send) announcing length bytes.
    static QByteArray textHeader(quint64 length)
    {
        QByteArray h;
        h += char(0x81);
        if (length < 126) {
            h += char(0x80 | length);
        } else if (length < 65536) {
            h += char(0x80 | 126);
            h += char(length >> 8);
            h += char(length & 0xff);
        } else {
            h += char(0x80 | 127);
            for (int i = 7; i >= 0; --i)
                h += char((length >> (8 * i)) & 0xff);
        }
        h += QByteArray(4, '\0'); // mask 0: the payload goes as it is
        return h;
    }

private:
    int m_fd = -1;
    bool m_ok = false;
};

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
