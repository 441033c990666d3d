#include "remotesink.h"

#include "engine/runtime/eventjson.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

// ---- RemoteSink ---------------------------------------------------------------------------

RemoteSink::RemoteSink(const QUrl &url, QObject *parent)
    : QObject(parent)
    , m_url(url)
{}

RemoteSink::~RemoteSink() = default;

std::unique_ptr<RemoteSink> RemoteSink::create(const QUrl &url, QString *error)
{
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty()) {
        *error = QStringLiteral("'%1' is not a URL such as http://localhost:8006/trains or "
                                "ws://localhost:8026/")
                     .arg(url.toString());
        return nullptr;
    }
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        return std::make_unique<HttpSink>(url);
    if (scheme == QLatin1String("ws") || scheme == QLatin1String("wss"))
        return std::make_unique<WebSocketSink>(url);
    *error = QStringLiteral("'%1': the target must be an http://, https://, ws:// or wss:// URL")
                 .arg(url.toString());
    return nullptr;
}

std::optional<StreamSchema> RemoteSink::schema(const QString &stream) const
{
    for (const StreamSchema &s : m_schemas) {
        if (s.name == stream)
            return s;
    }
    return std::nullopt;
}

int RemoteSink::openStream(const StreamSchema &schema, QString *)
{
    for (size_t i = 0; i < m_streams.size(); ++i) {
        if (m_streams[i].schema.name == schema.name)
            return int(i);
    }
    Stream s;
    s.schema = schema;
    s.layout = std::make_unique<EventLayout>(schema.types, schema.names);
    for (const QString &name : schema.names) {
        QByteArray key;
        appendJsonString(key, name);
        key += ':';
        s.keys.push_back(key);
    }
    m_streams.push_back(std::move(s));
    streamOpened();
    return int(m_streams.size()) - 1;
}

EventLayout *RemoteSink::layout(int stream) const
{
    return m_streams[size_t(stream)].layout.get();
}

QByteArray RemoteSink::payload(int stream, const Event &event) const
{
    const Stream &s = m_streams[size_t(stream)];
    QByteArray out;
    out.reserve(32 + qsizetype(s.keys.size()) * 24);
    out += "{\"event\":{";
    for (size_t i = 0; i < s.keys.size(); ++i) {
        if (i)
            out += ',';
        out += s.keys[i];
        appendJsonValue(out, s.schema.types[qsizetype(i)], event.value(int(i)),
                        event.isNull(int(i)));
    }
    out += "}}";
    return out;
}

// ---- HttpSink -----------------------------------------------------------------------------

HttpSink::HttpSink(const QUrl &url, QObject *parent)
    : RemoteSink(url, parent)
    , m_network(new QNetworkAccessManager(this))
{
    connect(m_network, &QNetworkAccessManager::finished, this,
            [this](QNetworkReply *reply) { onFinished(reply); });
}

HttpSink::~HttpSink() = default;

bool HttpSink::send(int stream, Event *event)
{
    if (m_failed)
        return false;
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    m_network->post(request, payload(stream, *event));
    ++m_inFlight;
    return true;
}

void HttpSink::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const bool wasBusy = isBusy();
    --m_inFlight;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        // No HTTP answer at all: the target is not there.
        if (!m_failed) {
            m_failed = true;
            notifyFailed(QStringLiteral("%1: %2").arg(m_url.toString(), reply->errorString()));
        }
    } else if (status.toInt() >= 200 && status.toInt() < 300) {
        ++m_delivered;
    } else {
        ++m_rejected;
    }
    if (m_inFlight == 0 && m_done) {
        auto done = std::move(m_done);
        m_done = nullptr;
        done();
        return;
    }
    if (wasBusy && !isBusy() && !m_failed)
        notifyReady();
}

void HttpSink::finish(std::function<void()> done)
{
    if (m_inFlight == 0 || m_failed) {
        done();
        return;
    }
    m_done = std::move(done);
}

// ---- WebSocketSink ------------------------------------------------------------------------

WebSocketSink::WebSocketSink(const QUrl &url, QObject *parent)
    : RemoteSink(url, parent)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        if (m_closing) {
            m_socket->abort();
            onDisconnected();
        } else if (!m_connected) {
            m_socket->abort();
            notifyFailed(QStringLiteral("%1: no answer to the WebSocket handshake within %2 s")
                             .arg(m_url.toString())
                             .arg(kTimeoutMs / 1000));
        }
    });
    connect(m_socket, &QWebSocket::connected, this, [this] { onConnected(); });
    connect(m_socket, &QWebSocket::disconnected, this, [this] { onDisconnected(); });
    connect(m_socket, &QWebSocket::bytesWritten, this,
            [this](qint64 bytes) { onBytesWritten(bytes); });
    // Qt 6.4 names the signal error() (errorOccurred() from 6.5).
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                if (!m_closing)
                    notifyFailed(
                        QStringLiteral("%1: %2").arg(m_url.toString(), m_socket->errorString()));
            });
}

WebSocketSink::~WebSocketSink()
{
    m_socket->abort();
}

void WebSocketSink::streamOpened()
{
    if (m_connecting || m_connected)
        return;
    m_connecting = true;
    m_timeout->start(kTimeoutMs);
    m_socket->open(m_url);
}

void WebSocketSink::onConnected()
{
    m_connecting = false;
    m_connected = true;
    m_timeout->stop();
    notifyReady();
}

void WebSocketSink::onDisconnected()
{
    const bool expected = m_closing;
    m_connected = false;
    m_timeout->stop();
    if (expected) {
        if (m_done) {
            auto done = std::move(m_done);
            m_done = nullptr;
            done();
        }
    } else if (!m_connecting) {
        notifyFailed(QStringLiteral("%1: the server closed the connection").arg(m_url.toString()));
    }
}

void WebSocketSink::onBytesWritten(qint64 bytes)
{
    const bool wasBusy = isBusy();
    m_queued = std::max<qint64>(0, m_queued - bytes);
    if (wasBusy && !isBusy())
        notifyReady();
}

bool WebSocketSink::isBusy() const
{
    return !m_connected || m_queued > kMaxQueued;
}

bool WebSocketSink::send(int stream, Event *event)
{
    if (!m_connected) {
        setErrorString(QStringLiteral("%1: not connected").arg(m_url.toString()));
        return false;
    }
    const QByteArray json = payload(stream, *event);
    m_socket->sendTextMessage(QString::fromUtf8(json));
    m_queued += json.size();
    ++m_delivered;
    return true;
}

void WebSocketSink::finish(std::function<void()> done)
{
    if (!m_connected) {
        m_socket->abort();
        done();
        return;
    }
    // Queued frames go out before the close frame; done when the server has closed too.
    m_done = std::move(done);
    m_closing = true;
    m_timeout->start(kTimeoutMs);
    m_socket->close(QWebSocketProtocol::CloseCodeNormal);
}

} // namespace Rivulet::Simulator
