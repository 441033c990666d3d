#include "httplistener.h"

#include <QHostAddress>
#include <QHttpServerResponse>
#include <QTcpServer>
#include <QTcpSocket>

namespace Rivulet::Io {

namespace {

// Accepted connections get TCP_NODELAY: clients that pipeline requests (sensors posting many
// small events) would otherwise wait on Nagle's algorithm and delayed ACKs.
class LowDelayTcpServer final : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        addPendingConnection(socket);
    }
};

} // namespace

HttpListener::HttpListener(QObject *parent)
    : QAbstractHttpServer(parent)
{}

HttpListener::~HttpListener() = default;

bool HttpListener::listenOn(const QString &host, quint16 port, QString *error)
{
    QHostAddress address;
    if (host.isEmpty() || host == QLatin1String("0.0.0.0") || host == QLatin1String("*"))
        address = QHostAddress::AnyIPv4;
    else if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host)) {
        *error = QStringLiteral("'%1' is not an IP address to listen on").arg(host);
        return false;
    }
    auto *server = new LowDelayTcpServer(this);
    if (!server->listen(address, port)) {
        *error = server->serverError() == QAbstractSocket::AddressInUseError
                     ? QStringLiteral("port %1 is already in use").arg(port)
                     : QStringLiteral("cannot listen on %1:%2: %3")
                           .arg(host)
                           .arg(port)
                           .arg(server->errorString());
        delete server;
        return false;
    }
    bind(server);
    m_port = server->serverPort();
    m_host = host;
    return true;
}

int HttpListener::addRoute(const QString &path, Handler handler)
{
    const bool prefix = path.endsWith(QLatin1String("/*"));
    m_routes.append({m_nextId, prefix ? path.chopped(1) : path, prefix, std::move(handler)});
    return m_nextId++;
}

void HttpListener::removeRoute(int id)
{
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        if (m_routes[i].id == id) {
            m_routes.removeAt(i);
            return;
        }
    }
}

void HttpListener::respondJson(QHttpServerResponder &responder, int status, const QByteArray &json,
                               const QList<QPair<QByteArray, QByteArray>> &headers)
{
    responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(json.size()));
    for (const auto &h : headers)
        responder.writeHeader(h.first, h.second);
    responder.writeBody(json);
}

bool HttpListener::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    // Exact routes first, then the longest prefix.
    const Route *match = nullptr;
    for (const Route &r : std::as_const(m_routes)) {
        if (!r.prefix && r.path == path) {
            match = &r;
            break;
        }
    }
    if (!match) {
        for (const Route &r : std::as_const(m_routes)) {
            if (r.prefix && path.startsWith(r.path)
                && (!match || r.path.size() > match->path.size()))
                match = &r;
        }
    }
    if (!match)
        return false;
    QHttpServerResponder responder = makeResponder(request, socket);
    const Handler handler = match->handler; // the handler may remove its own route
    handler(request, responder);
    return true;
}

void HttpListener::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    respondJson(responder, 404,
                QByteArrayLiteral(
                    "{\"error\":\"not_found\",\"message\":\"nothing is served at this path\"}"));
}

} // namespace Rivulet::Io
