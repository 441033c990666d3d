#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

class QHttpServerRequest;
class QHttpServerResponder;

namespace Rivulet::Io {
class HttpListener;
}

namespace Rivulet::Gateway {

class Gateway;
struct Principal;

// The gateway's HTTP side, the same on the https listener and the plain http one:
//   POST /oauth2/token, POST /oauth2/revoke        OAuth2 (RFC 6749, RFC 7009)
//   /api/v1/...                                    the developer REST API (docs/gateway.md)
//   GET /metrics, GET /api/v1/analytics            Prometheus text, JSON
// Responses are JSON with {"error": code, "message": text, "field": name} on failure, so that a
// browser page can use the API as it is.
class GatewayHttp
{
public:
    explicit GatewayHttp(Gateway &gateway);
    ~GatewayHttp();
    GatewayHttp(const GatewayHttp &) = delete;
    GatewayHttp &operator=(const GatewayHttp &) = delete;

    bool listenHttps(const QString &host, quint16 port, const QString &certificatePath,
                     const QString &keyPath, QString *error);
    // Adds the routes to a listener shared with the apps' http sources.
    void attachHttp(Io::HttpListener *listener);
    quint16 httpsPort() const { return m_httpsPort; }
    quint16 httpPort() const;

private:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    void handle(const QHttpServerRequest &request, QHttpServerResponder &responder, bool secure);
    void token(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void revoke(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void rest(const QHttpServerRequest &request, QHttpServerResponder &responder,
              const QStringList &path, bool secure);
    void metrics(const QHttpServerRequest &request, QHttpServerResponder &responder, bool secure,
                 bool json);
    std::optional<Principal> caller(const QHttpServerRequest &request,
                                    QHttpServerResponder &responder);

    Gateway &m_gateway;
    Io::HttpListener *m_https = nullptr; // owned
    Io::HttpListener *m_http = nullptr;  // shared, not owned
    QList<int> m_httpRoutes;
    quint16 m_httpsPort = 0;
};

} // namespace Rivulet::Gateway
