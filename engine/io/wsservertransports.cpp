// source and sink type='websocket-server': sensors push text frames in; every connected client
// receives every event out (serialized once per sink, whatever the number of clients).
#include "iocontext.h"
#include "transports.h"
#include "wsserver.h"

#include "engine/runtime/appruntime.h"

namespace Rivulet::Io {

namespace {

bool serverOptions(const TransportConfig &config, WsServerOptions *o, QString *error)
{
    o->host = config.option("host", QStringLiteral("0.0.0.0")).toUtf8();
    bool ok = false;
    const int port = config.option("port").toInt(&ok);
    if (!ok || port < 0 || port > 65535) {
        *error = QStringLiteral("port '%1' is not a port number").arg(config.option("port"));
        return false;
    }
    o->port = quint16(port);
    o->idleTimeoutMs = config.intOption("idle.timeout", -1);
    o->sendQueueLimit = size_t(std::max(1, config.intOption("send.queue.size", 1024)));
    const QString policy = config.option("slow.client.policy", QStringLiteral("close"));
    if (policy.compare(QLatin1String("drop-oldest"), Qt::CaseInsensitive) == 0)
        o->slowClientPolicy = WsServerOptions::SlowClientPolicy::DropOldest;
    else if (policy.compare(QLatin1String("close"), Qt::CaseInsensitive) != 0) {
        *error = QStringLiteral("slow.client.policy must be 'close' or 'drop-oldest', found '%1'")
                     .arg(policy);
        return false;
    }
    const QString protocols = config.option("sub.protocol");
    for (const QString &p : protocols.split(u',', Qt::SkipEmptyParts))
        o->subprotocols << p.trimmed().toUtf8();
    return true;
}

class WsServerSource final : public Source
{
public:
    using Source::Source;
    ~WsServerSource() override { stop(); }
    bool start(QString *error) override
    {
        WsServerOptions o;
        if (!serverOptions(m_config, &o, error))
            return false;
        m_server = m_context->wsServer(o, m_config.where(), error);
        if (!m_server)
            return false;
        m_server->setMessageHandler([this](uint64_t, uint64_t, const QByteArray &message) {
            QString error;
            if (!deliver(message, &error))
                m_log.error(
                    m_context, m_config.app,
                    QStringLiteral("%1: rejected a message: %2").arg(m_config.where(), error));
        });
        return true;
    }
    void stop() override
    {
        if (m_server) {
            m_server->stop();
            m_context->releaseWsServer(m_server->port());
            m_server.reset();
        }
    }
    QString endpoint() const override
    {
        return m_server ? QStringLiteral("ws://%1:%2/")
                              .arg(m_config.option("host", QStringLiteral("0.0.0.0")))
                              .arg(m_server->port())
                        : QString();
    }

private:
    std::shared_ptr<WsServer> m_server;
    ThrottledLog m_log;
};

class WsServerSink final : public Sink
{
public:
    using Sink::Sink;
    ~WsServerSink() override { stop(); }
    bool start(QString *error) override
    {
        WsServerOptions o;
        if (!serverOptions(m_config, &o, error))
            return false;
        m_server = m_context->wsServer(o, m_config.where(), error);
        if (!m_server)
            return false;
        // A client too slow for its send queue is dropped (1008): counted by the server,
        // logged here (throttled), on the server's thread.
        const size_t limit = o.sendQueueLimit;
        m_dropOldest = o.slowClientPolicy == WsServerOptions::SlowClientPolicy::DropOldest;
        m_server->setDisconnectHandler([this, limit](uint64_t, uint64_t, int code) {
            if (code != 1008)
                return;
            const qint64 dropped = ++m_slowDropped;
            m_log.error(m_context, m_config.app,
                        QStringLiteral("%1: dropped a slow client with close code 1008 (%2 events "
                                       "waiting for it, send.queue.size); %3 so far")
                            .arg(m_config.where())
                            .arg(limit)
                            .arg(dropped));
        });
        return true;
    }
    void stop() override
    {
        if (m_server) {
            m_server->stop(1001, "server shutting down");
            m_context->releaseWsServer(m_server->port());
            m_server.reset();
        }
    }
    QString endpoint() const override
    {
        return m_server ? QStringLiteral("ws://%1:%2/")
                              .arg(m_config.option("host", QStringLiteral("0.0.0.0")))
                              .arg(m_server->port())
                        : QString();
    }
    void publish(const Runtime::EventChunk &chunk) override
    {
        if (!m_server)
            return;
        for (const Runtime::Event *e : chunk.events) {
            if (e->type != Runtime::EventType::Current && e->type != Runtime::EventType::Expired)
                continue;
            m_server->broadcast(-1, Frame::text(m_mapper->map(*e)));
            ++m_published;
        }
        if (m_dropOldest) {
            // slow.client.policy='drop-oldest': the server counts what it drops; log news.
            const int64_t dropped = m_server->stats().framesDropped;
            if (dropped > m_droppedLogged) {
                m_log.error(m_context, m_config.app,
                            QStringLiteral("%1: dropped the oldest events of slow clients "
                                           "(send.queue.size); %2 so far")
                                .arg(m_config.where())
                                .arg(dropped));
                m_droppedLogged = dropped;
            }
        }
    }
    WsServer *server() const { return m_server.get(); }

private:
    std::shared_ptr<WsServer> m_server;
    std::atomic<qint64> m_slowDropped{0};
    bool m_dropOldest = false;
    int64_t m_droppedLogged = 0; // under the app's lock (publish)
    ThrottledLog m_log;
};

} // namespace

std::unique_ptr<Source> makeWsServerSource(const TransportConfig &config, Runtime::AppRuntime *app,
                                           Runtime::InputHandler *input, IoContext *context)
{
    return std::make_unique<WsServerSource>(config, app, input, context);
}

std::unique_ptr<Sink> makeWsServerSink(const TransportConfig &config, Runtime::AppRuntime *app,
                                       IoContext *context)
{
    return std::make_unique<WsServerSink>(config, app, context);
}

} // namespace Rivulet::Io
