// source and sink type='websocket': a WebSocket client (QWebSocket, in the IoContext's
// thread) that connects to url with extra handshake headers and sub-protocols, and reconnects
// with exponential backoff and jitter when the connection cannot be made or is lost. The source
// maps every text or binary message it receives; the sink sends one message per event (or per
// group, for mappers that group) and keeps a bounded queue while it is disconnected.
#include "iocontext.h"
#include "mappers.h"
#include "transports.h"

#include "engine/runtime/appruntime.h"

#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <deque>

namespace Rivulet::Io {

using namespace Runtime;

namespace {

struct ClientOptions
{
    QUrl url;
    QList<QPair<QString, QString>> headers;
    QStringList protocols;
    int reconnectMs = 1000;
    int maxReconnectMs = 30000;
};

bool clientOptions(const TransportConfig &config, ClientOptions *o, QString *error)
{
    const QString url = config.option("url");
    o->url = QUrl(url);
    if (url.isEmpty() || !o->url.isValid()
        || (o->url.scheme() != QLatin1String("ws") && o->url.scheme() != QLatin1String("wss"))
        || o->url.host().isEmpty()) {
        *error = QStringLiteral("url '%1' is not a ws:// or wss:// URL").arg(url);
        return false;
    }
    if (!parseHeaders(config.option("headers"), &o->headers, error))
        return false;
    for (const QString &p : config.option("sub.protocol").split(u',', Qt::SkipEmptyParts))
        o->protocols << p.trimmed();
    o->reconnectMs = std::max(1, config.intOption("reconnect.interval", 1000));
    o->maxReconnectMs = std::max(o->reconnectMs, config.intOption("reconnect.max.interval", 30000));
    return true;
}

// One client connection that keeps itself open. Lives in the IoContext's thread.
class WsClient final : public QObject
{
public:
    WsClient(ClientOptions options, IoContext *context, QString app, QString where)
        : m_options(std::move(options))
        , m_context(context)
        , m_app(std::move(app))
        , m_where(std::move(where))
    {
        m_retry.setSingleShot(true);
        connect(&m_retry, &QTimer::timeout, this, [this] { open(); });
        connect(&m_socket, &QWebSocket::connected, this, [this] {
            m_context->log(LogLevel::Info, m_app,
                           QStringLiteral("%1: connected to %2")
                               .arg(m_where, m_options.url.toDisplayString()));
            m_attempt = 0;
            m_wasConnected = true;
            if (onConnected)
                onConnected();
        });
        connect(&m_socket, &QWebSocket::disconnected, this, [this] { scheduleReconnect(); });
        connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &m) {
            if (onMessage)
                onMessage(m.toUtf8());
        });
        connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &m) {
            if (onMessage)
                onMessage(m);
        });
        connect(&m_socket, &QWebSocket::bytesWritten, this, [this](qint64) {
            if (onWritten)
                onWritten();
        });
    }

    ~WsClient() override
    {
        m_closing = true;
        disconnect(&m_socket, nullptr, this, nullptr);
    }

    void open()
    {
        if (m_closing)
            return;
        QNetworkRequest request(m_options.url);
        for (const auto &[name, value] : std::as_const(m_options.headers))
            request.setRawHeader(name.toUtf8(), value.toUtf8());
        QWebSocketHandshakeOptions handshake;
        handshake.setSubprotocols(m_options.protocols);
        m_socket.open(request, handshake);
    }

    // Closes with 1001 (going away) and stops reconnecting.
    void close()
    {
        m_closing = true;
        m_retry.stop();
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            m_socket.flush();
        m_socket.close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("client stopping"));
    }

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QWebSocket &socket() { return m_socket; }

    std::function<void(const QByteArray &)> onMessage;
    std::function<void()> onConnected;
    std::function<void()> onWritten;

private:
    void scheduleReconnect()
    {
        if (m_closing)
            return;
        const int delay = backoffDelay(m_options.reconnectMs, m_options.maxReconnectMs, m_attempt);
        ++m_attempt;
        // Log the first failure and then ever more rarely (attempts 1, 2, 4, 8...).
        if ((m_attempt & (m_attempt - 1)) == 0) {
            const QString reason =
                m_socket.closeCode() != QWebSocketProtocol::CloseCodeNormal
                        && m_socket.error() == QAbstractSocket::UnknownSocketError
                    ? QStringLiteral("closed with code %1").arg(int(m_socket.closeCode()))
                    : m_socket.errorString();
            m_context->log(LogLevel::Warn, m_app,
                           QStringLiteral("%1: %2 %3 (%4); retrying in %5 ms (attempt %6)")
                               .arg(m_where,
                                    m_wasConnected ? QStringLiteral("lost the connection to")
                                                   : QStringLiteral("cannot connect to"),
                                    m_options.url.toDisplayString(), reason)
                               .arg(delay)
                               .arg(m_attempt));
        }
        m_wasConnected = false;
        m_retry.start(delay);
    }

    ClientOptions m_options;
    IoContext *m_context;
    QString m_app;
    QString m_where;
    QWebSocket m_socket;
    QTimer m_retry;
    int m_attempt = 0;
    bool m_closing = false;
    bool m_wasConnected = false;
};

class WsClientSource final : public Source
{
public:
    using Source::Source;
    ~WsClientSource() override { stop(); }

    bool start(QString *error) override
    {
        ClientOptions o;
        if (!clientOptions(m_config, &o, error))
            return false;
        m_url = o.url;
        runInContextThread(m_context, [&] {
            m_client = new WsClient(o, m_context, m_config.app, m_config.where());
            m_client->onMessage = [this](const QByteArray &message) {
                QString error;
                if (!deliver(message, &error))
                    m_log.error(
                        m_context, m_config.app,
                        QStringLiteral("%1: rejected a message: %2").arg(m_config.where(), error));
            };
            m_client->open();
        });
        return true;
    }
    void stop() override
    {
        if (!m_client)
            return;
        runInContextThread(m_context, [this] {
            m_client->close();
            delete m_client;
            m_client = nullptr;
        });
    }
    QString endpoint() const override { return m_url.toDisplayString(); }

private:
    QUrl m_url;
    WsClient *m_client = nullptr;
    ThrottledLog m_log;
};

class WsClientSink final : public Sink
{
public:
    using Sink::Sink;
    ~WsClientSink() override { stop(); }

    bool start(QString *error) override
    {
        ClientOptions o;
        if (!clientOptions(m_config, &o, error))
            return false;
        m_url = o.url;
        m_limit = size_t(std::max(1, m_config.intOption("queue.size", 1024)));
        runInContextThread(m_context, [&] {
            auto *client = new WsClient(o, m_context, m_config.app, m_config.where());
            client->onConnected = [this] { flush(); };
            client->onWritten = [this] { flush(); };
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_client = client;
            }
            client->open();
        });
        return true;
    }

    void stop() override
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_client)
                return;
        }
        runInContextThread(m_context, [this] {
            // Send what is queued if connected, then give the socket a moment to write it.
            flush();
            waitFor(
                [this] {
                    flush();
                    std::lock_guard<std::mutex> lock(m_mutex);
                    return !m_client->isConnected()
                           || (m_queue.empty() && m_client->socket().bytesToWrite() == 0);
                },
                2000);
            size_t unsent = 0;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                unsent = m_queue.size();
                m_queue.clear();
                m_failed += qint64(unsent);
            }
            if (unsent)
                m_context->log(LogLevel::Warn, m_config.app,
                               QStringLiteral("%1: %2 message(s) to %3 were not sent before "
                                              "stopping")
                                   .arg(m_config.where())
                                   .arg(unsent)
                                   .arg(m_url.toDisplayString()));
            WsClient *client = nullptr;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                std::swap(client, m_client);
            }
            client->close();
            delete client; // drops a flush still queued for it
        });
    }

    QString endpoint() const override { return m_url.toDisplayString(); }

    void publish(const EventChunk &chunk) override
    {
        std::vector<const Event *> events;
        for (const Event *e : chunk.events) {
            if (isPublishable(e))
                events.push_back(e);
        }
        if (events.empty())
            return;
        std::vector<QByteArray> messages;
        if (m_mapper->canGroup() && events.size() > 1) {
            messages.push_back(m_mapper->mapGroup(events));
        } else {
            for (const Event *e : events)
                messages.push_back(m_mapper->map(*e));
        }
        size_t dropped = 0;
        bool schedule = false;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_client)
                return;
            for (QByteArray &m : messages) {
                if (m_queue.size() >= m_limit) {
                    m_queue.pop_front();
                    ++dropped;
                }
                m_queue.push_back(std::move(m));
            }
            if (!m_flushPending) {
                m_flushPending = true;
                schedule = true;
            }
            m_failed += qint64(dropped);
            if (schedule)
                QMetaObject::invokeMethod(
                    m_client, [this] { flush(); }, Qt::QueuedConnection);
        }
        if (dropped)
            m_log.error(m_context, m_config.app,
                        QStringLiteral("%1: not connected to %2 and %3 messages are waiting; "
                                       "dropped the oldest %4")
                            .arg(m_config.where(), m_url.toDisplayString())
                            .arg(m_limit)
                            .arg(dropped));
    }

    size_t queued() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_queue.size();
    }

private:
    // In the context thread: sends what is queued while the socket has room (at most
    // kMaxBuffered bytes waiting in it, so a slow server cannot make memory grow).
    void flush()
    {
        static constexpr qint64 kMaxBuffered = 1 << 20;
        for (;;) {
            QByteArray m;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_flushPending = false;
                if (!m_client || !m_client->isConnected() || m_queue.empty()
                    || m_client->socket().bytesToWrite() >= kMaxBuffered)
                    return;
                m = std::move(m_queue.front());
                m_queue.pop_front();
            }
            m_client->socket().sendTextMessage(QString::fromUtf8(m));
            ++m_published;
        }
    }

    QUrl m_url;
    WsClient *m_client = nullptr;
    mutable std::mutex m_mutex;
    std::deque<QByteArray> m_queue;
    size_t m_limit = 1024;
    bool m_flushPending = false;
    ThrottledLog m_log;
};

} // namespace

std::unique_ptr<Source> makeWsClientSource(const TransportConfig &config, AppRuntime *app,
                                           InputHandler *input, IoContext *context)
{
    return std::make_unique<WsClientSource>(config, app, input, context);
}

std::unique_ptr<Sink> makeWsClientSink(const TransportConfig &config, AppRuntime *app,
                                       IoContext *context)
{
    return std::make_unique<WsClientSink>(config, app, context);
}

} // namespace Rivulet::Io
