#pragma once

#include "eventsink.h"

#include <QObject>
#include <QUrl>

#include <memory>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;
class QWebSocket;

namespace Rivulet::Simulator {

// A remote engine (a `rivulet run` here or elsewhere, or any Siddhi) reached through one of its
// sources. Events go as the json mapper's default shape, {"event":{"attr":value,...}}; the
// engine stamps them with its own arrival time. Knows stream attributes only when given them
// (setSchemas, from the app the engine runs).
class RemoteSink : public QObject, public EventSink
{
    Q_OBJECT
public:
    ~RemoteSink() override;

    // An HttpSink for http(s):// URLs, a WebSocketSink for ws(s)://; null with a message for
    // anything else.
    static std::unique_ptr<RemoteSink> create(const QUrl &url, QString *error);

    QUrl url() const { return m_url; }
    QString description() const override { return m_url.toString(); }
    void setSchemas(const QList<StreamSchema> &schemas) { m_schemas = schemas; }
    std::optional<StreamSchema> schema(const QString &stream) const override;
    int openStream(const StreamSchema &schema, QString *error) override;
    Runtime::EventLayout *layout(int stream) const override;

    // Events the target accepted, and refused (an HTTP error status).
    qint64 delivered() const { return m_delivered; }
    qint64 rejected() const { return m_rejected; }

    // {"event":{"trainId":"456","latitude":51.5}} for one event of the stream.
    QByteArray payload(int stream, const Runtime::Event &event) const;

protected:
    explicit RemoteSink(const QUrl &url, QObject *parent = nullptr);
    virtual void streamOpened() {}

    QUrl m_url;
    qint64 m_delivered = 0;
    qint64 m_rejected = 0;

private:
    struct Stream
    {
        StreamSchema schema;
        std::unique_ptr<Runtime::EventLayout> layout;
        std::vector<QByteArray> keys; // "\"name\":" per attribute
    };
    QList<StreamSchema> m_schemas;
    std::vector<Stream> m_streams;
};

// POSTs each event to an http source (Content-Type: application/json), keeping up to 32
// requests in flight. A refused connection fails the simulation; an error status counts the
// event as rejected and goes on.
class HttpSink final : public RemoteSink
{
    Q_OBJECT
public:
    explicit HttpSink(const QUrl &url, QObject *parent = nullptr);
    ~HttpSink() override;

    bool send(int stream, Runtime::Event *event) override;
    bool isBusy() const override { return m_inFlight >= kMaxInFlight; }
    void finish(std::function<void()> done) override;

    static constexpr int kMaxInFlight = 32;

private:
    void onFinished(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    int m_inFlight = 0;
    bool m_failed = false;
    std::function<void()> m_done;
};

// Sends each event as a text frame to a websocket-server source. Connects when the first
// stream is opened; sends wait for the handshake, and for the socket to drain when more than
// 4 MiB are queued.
class WebSocketSink final : public RemoteSink
{
    Q_OBJECT
public:
    explicit WebSocketSink(const QUrl &url, QObject *parent = nullptr);
    ~WebSocketSink() override;

    bool send(int stream, Runtime::Event *event) override;
    bool isBusy() const override;
    void finish(std::function<void()> done) override;

    static constexpr qint64 kMaxQueued = 4 << 20;
    static constexpr int kTimeoutMs = 10000;

private:
    void streamOpened() override;
    void onConnected();
    void onDisconnected();
    void onBytesWritten(qint64 bytes);

    QWebSocket *m_socket;
    QTimer *m_timeout;
    bool m_connecting = false;
    bool m_connected = false;
    bool m_closing = false;
    qint64 m_queued = 0;
    std::function<void()> m_done;
};

} // namespace Rivulet::Simulator
