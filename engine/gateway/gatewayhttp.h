#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace Rivulet::Io {
class HttpListener;
class HttpRequest;
class HttpResponder;
} // namespace Rivulet::Io

namespace Rivulet::Gateway {

class Gateway;
struct Principal;

// The gateway's HTTP side, the same on the https listener and the plain http one:
//   POST /oauth2/token, POST /oauth2/revoke        OAuth2 (RFC 6749, RFC 7009)
//   /api/v1/...                                    the developer REST API (docs/gateway.md)
//   GET /metrics, GET /api/v1/analytics            Prometheus text, JSON
//   /devportal/, /t/{tenant}/devportal/            the developer portal (gatewayportal.cpp)
// Responses are JSON with {"error": code, "message": text, "field": name} on failure, so that a
// browser page can use the API as it is.
//
// Callers of the REST API sign in with HTTP Basic or a Bearer token (scripts, the CLI), or with
// the portal's session cookie; a cookie-authenticated change must carry the session's CSRF token
// in X-CSRF-Token, and no change is taken from a page of another origin.
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

    // The session cookie's name: __Secure-rivulet_session over https (a cookie an http page set
    // is never taken there), rivulet_session over http.
    static QByteArray sessionCookieName(bool secure);

private:
    void handle(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure);
    void token(const Io::HttpRequest &request, Io::HttpResponder &responder);
    void revoke(const Io::HttpRequest &request, Io::HttpResponder &responder);
    void rest(const Io::HttpRequest &request, Io::HttpResponder &responder, const QStringList &path,
              bool secure);
    void metrics(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure,
                 bool json);
    std::optional<Principal> caller(const Io::HttpRequest &request, Io::HttpResponder &responder,
                                    bool secure);

    // gatewayportal.cpp
    // Serves the portal's files; tenant is "" at /devportal/.
    void portal(const Io::HttpRequest &request, Io::HttpResponder &responder, const QString &tenant,
                const QString &file);
    // /api/v1/session: POST signs in (sets the cookie), GET tells who is signed in and the
    // CSRF token, DELETE signs out.
    void session(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure);
    // False (after answering 403) when a state-changing request comes from a page of another
    // origin (Origin, Sec-Fetch-Site).
    bool sameOrigin(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure);
    QByteArray sessionCookie(const Io::HttpRequest &request, bool secure) const;

    struct File
    {
        QByteArray body;
        QByteArray type;
        QByteArray etag;
    };
    const File *file(const QString &name);

    Gateway &m_gateway;
    Io::HttpListener *m_https = nullptr; // owned
    Io::HttpListener *m_http = nullptr;  // shared, not owned
    QList<int> m_httpRoutes;
    quint16 m_httpsPort = 0;
    QHash<QString, File> m_files; // the portal's files, read once from the resources
};

} // namespace Rivulet::Gateway
