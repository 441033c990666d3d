#include "gatewayhttp.h"

#include "gateway.h"
#include "credentials.h"
#include "gatewayhttp_p.h"

#include "engine/io/httplistener.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTimer>
#include <QUrlQuery>

#include <cmath>

namespace Rivulet::Gateway {

using namespace Http;

namespace {

using Method = Io::HttpRequest::Method;

// application/x-www-form-urlencoded, with '+' as a space.
QUrlQuery formBody(const QByteArray &body)
{
    QByteArray b = body;
    b.replace('+', "%20");
    return QUrlQuery(QString::fromUtf8(b));
}

QString formValue(const QUrlQuery &q, const char *key)
{
    return q.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
}

// "Basic base64(user:password)" (RFC 7617). OAuth2 clients form-urlencode both parts first
// (RFC 6749 2.3.1): formEncoded decodes them.
bool basicCredentials(const QByteArray &authorization, QString *user, QByteArray *password,
                      bool formEncoded)
{
    if (!authorization.startsWith("Basic ") && !authorization.startsWith("basic "))
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(authorization.mid(6).trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const qsizetype colon = decoded.decoded.indexOf(':');
    if (colon < 0)
        return false;
    QByteArray u = decoded.decoded.left(colon);
    QByteArray p = decoded.decoded.mid(colon + 1);
    if (formEncoded) {
        u.replace('+', ' ');
        p.replace('+', ' ');
        u = QByteArray::fromPercentEncoding(u);
        p = QByteArray::fromPercentEncoding(p);
    }
    *user = QString::fromUtf8(u);
    *password = p;
    return true;
}

const char *methodName(Method m)
{
    switch (m) {
    case Method::Get:
        return "GET";
    case Method::Post:
        return "POST";
    case Method::Delete:
        return "DELETE";
    case Method::Put:
        return "PUT";
    case Method::Head:
        return "HEAD";
    case Method::Options:
        return "OPTIONS";
    case Method::Patch:
        return "PATCH";
    default:
        return "?";
    }
}

// The https listener's server: TLS, and a watchdog per connection. Qt's HTTP server leaves a
// connection open when it cannot parse a request (an oversized header, say); a connection that
// neither completes a request nor gets an answer for 10 s is closed, which also bounds idle
// keep-alive connections and slow senders.
class GuardedSslServer final : public QSslServer
{
public:
    using QSslServer::QSslServer;
    QTcpSocket *nextPendingConnection() override
    {
        QTcpSocket *socket = QSslServer::nextPendingConnection();
        if (!socket)
            return nullptr;
        auto *watchdog = new QTimer(socket);
        watchdog->setSingleShot(true);
        watchdog->setInterval(10000);
        QObject::connect(watchdog, &QTimer::timeout, socket, [socket] { socket->abort(); });
        QObject::connect(socket, &QIODevice::bytesWritten, watchdog, qOverload<>(&QTimer::start));
        watchdog->start();
        return socket;
    }
};

AnalyticsSnapshot forTenant(AnalyticsSnapshot s, const QString &tenant)
{
    auto keep = [&tenant](const auto &x) { return x.tenant != tenant; };
    s.apis.removeIf(keep);
    s.subscriptions.removeIf(keep);
    s.topics.removeIf(keep);
    s.unattributedFailures.clear();
    return s;
}

} // namespace

GatewayHttp::GatewayHttp(Gateway &gateway)
    : m_gateway(gateway)
{}

GatewayHttp::~GatewayHttp()
{
    if (m_http) {
        for (int id : std::as_const(m_httpRoutes))
            m_http->removeRoute(id);
    }
    delete m_https;
}

quint16 GatewayHttp::httpPort() const
{
    return m_http ? m_http->port() : 0;
}

bool GatewayHttp::listenHttps(const QString &host, quint16 port, const QString &certificatePath,
                              const QString &keyPath, QString *error)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificatePath);
    QFile keyFile(keyPath);
    QSslKey key;
    if (keyFile.open(QIODevice::ReadOnly)) {
        const QByteArray pem = keyFile.readAll();
        for (QSsl::KeyAlgorithm a : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
            key = QSslKey(pem, a, QSsl::Pem);
            if (!key.isNull())
                break;
        }
    }
    if (chain.isEmpty() || key.isNull()) {
        *error = QStringLiteral("gateway https listener: cannot use the certificate %1 and key "
                                "%2 (PEM expected)")
                     .arg(certificatePath, keyPath);
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    auto *server = new GuardedSslServer();
    server->setSslConfiguration(tls);
    server->setHandshakeTimeout(10000);
    QHostAddress address;
    if (host.isEmpty() || host == QLatin1String("0.0.0.0") || host == QLatin1String("*"))
        address = QHostAddress::AnyIPv4;
    else if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host)) {
        delete server;
        *error = QStringLiteral("gateway https listener: '%1' is not an IP address").arg(host);
        return false;
    }
    if (!server->listen(address, port)) {
        *error = server->serverError() == QAbstractSocket::AddressInUseError
                     ? QStringLiteral("gateway https listener: port %1 is already in use").arg(port)
                     : QStringLiteral("gateway https listener: %1").arg(server->errorString());
        delete server;
        return false;
    }
    m_httpsPort = server->serverPort();
    m_https = new Io::HttpListener();
    m_https->bind(server, true); // takes the server
    m_https->addRoute(QStringLiteral("/*"), [this](const Io::HttpRequest &r, Io::HttpResponder &s) {
        handle(r, s, true);
    });
    return true;
}

void GatewayHttp::attachHttp(Io::HttpListener *listener)
{
    m_http = listener;
    auto h = [this](const Io::HttpRequest &r, Io::HttpResponder &s) { handle(r, s, false); };
    m_httpRoutes << listener->addRoute(QStringLiteral("/oauth2/*"), h)
                 << listener->addRoute(QStringLiteral("/api/v1/*"), h)
                 << listener->addRoute(QStringLiteral("/api/v1"), h)
                 << listener->addRoute(QStringLiteral("/metrics"), h);
    if (m_gateway.config().portalEnabled) {
        m_httpRoutes << listener->addRoute(QStringLiteral("/devportal"), h)
                     << listener->addRoute(QStringLiteral("/devportal/*"), h)
                     << listener->addRoute(QStringLiteral("/t/*"), h);
    }
}

void GatewayHttp::handle(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure)
{
    const QString path = request.url().path();
    const Method method = request.method();
    auto only = [&](Method allowed) {
        if (method == allowed)
            return true;
        respond(responder, 405,
                errorBody("method_not_allowed", QStringLiteral("%1 is not allowed here; use %2")
                                                    .arg(QLatin1String(methodName(method)),
                                                         QLatin1String(methodName(allowed)))),
                "application/json", {{"Allow", methodName(allowed)}});
        return false;
    };
    if (path == QLatin1String("/oauth2/token")) {
        if (only(Method::Post))
            token(request, responder);
        return;
    }
    if (path == QLatin1String("/oauth2/revoke")) {
        if (only(Method::Post))
            revoke(request, responder);
        return;
    }
    if (path == QLatin1String("/metrics")) {
        if (only(Method::Get))
            metrics(request, responder, secure, false);
        return;
    }
    if (path == QLatin1String("/api/v1") || path.startsWith(QLatin1String("/api/v1/"))) {
        QStringList parts = path.mid(8).split(u'/', Qt::SkipEmptyParts);
        for (QString &p : parts)
            p = QUrl::fromPercentEncoding(p.toUtf8());
        rest(request, responder, parts, secure);
        return;
    }
    // The developer portal: /devportal/..., /t/{tenant}/devportal/...
    if (m_gateway.config().portalEnabled) {
        QString tenant, rest = path;
        if (path.startsWith(QLatin1String("/t/"))) {
            const qsizetype slash = path.indexOf(u'/', 3);
            tenant = path.mid(3, slash < 0 ? -1 : slash - 3).toLower(); // decoded already
            rest = slash < 0 || tenant.isEmpty() ? QString() : path.mid(slash);
        }
        if (rest == QLatin1String("/devportal")) {
            if (!only(Method::Get))
                return;
            // Encoded as it came: nothing decoded from the path goes into a header.
            const QByteArray location = request.url().path(QUrl::FullyEncoded).toUtf8() + '/';
            respond(responder, 301, QByteArray(), "text/plain", {{"Location", location}});
            return;
        }
        if (rest.startsWith(QLatin1String("/devportal/"))) {
            if (only(Method::Get))
                portal(request, responder, tenant, rest.mid(11));
            return;
        }
    }
    respond(responder, 404,
            errorBody("not_found", QStringLiteral("nothing is served at %1").arg(path)),
            "application/json");
}

// ---- OAuth2 ---------------------------------------------------------------------------------

void GatewayHttp::token(const Io::HttpRequest &request, Io::HttpResponder &responder)
{
    const QList<QPair<QByteArray, QByteArray>> noStore = {{"Pragma", "no-cache"}};
    auto fail = [&](const ServiceError &e, bool basic) {
        QJsonObject o;
        o.insert(QStringLiteral("error"), QString::fromLatin1(e.code));
        o.insert(QStringLiteral("error_description"), e.message);
        QList<QPair<QByteArray, QByteArray>> headers = noStore;
        if (e.status == 401)
            headers.append(qMakePair(QByteArray("WWW-Authenticate"),
                                     QByteArray(basic ? "Basic realm=\"rivulet\"" : "Basic")));
        respondJson(responder, e.status, o, headers);
    };
    const QByteArray type = header(request, "Content-Type");
    if (!type.toLower().startsWith("application/x-www-form-urlencoded")) {
        fail(ServiceError{400,
                          "invalid_request",
                          QStringLiteral("send the parameters as "
                                         "application/x-www-form-urlencoded"),
                          {}},
             false);
        return;
    }
    const QUrlQuery form = formBody(request.body());
    QString clientId;
    QByteArray secret;
    const QByteArray authorization = header(request, "Authorization");
    const bool basic = !authorization.isEmpty();
    if (basic) {
        if (!basicCredentials(authorization, &clientId, &secret, true)) {
            fail(
                ServiceError{
                    401, "invalid_client", QStringLiteral("malformed Basic credentials"), {}},
                true);
            return;
        }
        if (!formValue(form, "client_secret").isEmpty()) {
            fail(ServiceError{400,
                              "invalid_request",
                              QStringLiteral("authenticate the client one way only"),
                              {}},
                 false);
            return;
        }
    } else {
        clientId = formValue(form, "client_id");
        secret = formValue(form, "client_secret").toUtf8();
    }
    TokenGrant grant;
    ServiceError e;
    if (!m_gateway.issueToken(clientId, secret, formValue(form, "grant_type"),
                              formValue(form, "username"), formValue(form, "password").toUtf8(),
                              formValue(form, "scope"), &grant, &e,
                              request.remoteAddress().toString())) {
        fail(e, basic);
        return;
    }
    QJsonObject o;
    o.insert(QStringLiteral("access_token"), QString::fromLatin1(grant.accessToken));
    o.insert(QStringLiteral("token_type"), QStringLiteral("Bearer"));
    o.insert(QStringLiteral("expires_in"), double(grant.expiresIn));
    o.insert(QStringLiteral("scope"), grant.scopes.join(u' '));
    respondJson(responder, 200, o, noStore);
}

void GatewayHttp::revoke(const Io::HttpRequest &request, Io::HttpResponder &responder)
{
    const QUrlQuery form = formBody(request.body());
    QString clientId;
    QByteArray secret;
    const QByteArray authorization = header(request, "Authorization");
    if (!authorization.isEmpty()) {
        if (!basicCredentials(authorization, &clientId, &secret, true))
            clientId.clear();
    } else {
        clientId = formValue(form, "client_id");
        secret = formValue(form, "client_secret").toUtf8();
    }
    ServiceError e;
    const QString hint = formValue(form, "token_type_hint");
    if (!hint.isEmpty() && hint != QLatin1String("access_token")
        && hint != QLatin1String("refresh_token")) {
        e = ServiceError{400,
                         "unsupported_token_type",
                         QStringLiteral("token_type_hint must be access_token"),
                         {}};
    } else if (m_gateway.revokeToken(clientId, secret, formValue(form, "token").toUtf8(), &e)) {
        respond(responder, 200, QByteArray(), "application/json");
        return;
    }
    QJsonObject o;
    o.insert(QStringLiteral("error"), QString::fromLatin1(e.code));
    o.insert(QStringLiteral("error_description"), e.message);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (e.status == 401)
        headers.append(
            qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Basic realm=\"rivulet\"")));
    respondJson(responder, e.status, o, headers);
}

// ---- the developer REST API -----------------------------------------------------------------

std::optional<Principal> GatewayHttp::caller(const Io::HttpRequest &request,
                                             Io::HttpResponder &responder, bool secure)
{
    const QByteArray authorization = header(request, "Authorization");
    // A browser session: the portal's cookie, and its CSRF token on every change.
    const QByteArray cookie =
        authorization.isEmpty() ? sessionCookie(request, secure) : QByteArray();
    if (!cookie.isEmpty()) {
        PortalSessions::Session s;
        const auto found = m_gateway.portalSessions().find(cookie, m_gateway.now(), &s);
        if (found == PortalSessions::Lookup::Found) {
            const Method m = request.method();
            const bool changes = m != Method::Get && m != Method::Head && m != Method::Options;
            if (changes
                && !Credentials::constantTimeEquals(header(request, "X-CSRF-Token"), s.csrfToken)) {
                respond(responder, 403,
                        errorBody("csrf_failed",
                                  QStringLiteral("this change lacks the session's X-CSRF-Token "
                                                 "header (reload the portal and try again)")),
                        "application/json");
                return std::nullopt;
            }
            return Principal{s.user, s.tenant, s.roles};
        }
        const QByteArray clear = sessionCookieName(secure)
                                 + "=; Path=/api/v1; Max-Age=0; HttpOnly; SameSite=Strict"
                                 + (secure ? "; Secure" : "");
        respond(responder, 401,
                found == PortalSessions::Lookup::Expired
                    ? errorBody("session_expired",
                                QStringLiteral("your session expired: sign in again"))
                    : errorBody("unauthorized",
                                QStringLiteral("you are not signed in (the session ended): sign "
                                               "in again")),
                "application/json", {{"Set-Cookie", clear}});
        return std::nullopt;
    }
    std::optional<Principal> who;
    QString problem;
    ServiceError e;
    if (authorization.isEmpty()) {
        problem = QStringLiteral("sign in: HTTP Basic with your user name and password, or a "
                                 "Bearer token from the password grant");
    } else if (authorization.startsWith("Bearer ") || authorization.startsWith("bearer ")) {
        who = m_gateway.principalOfToken(authorization.mid(7).trimmed());
        if (!who)
            problem = QStringLiteral("the Bearer token is unknown, expired, revoked, or not from "
                                     "the password grant");
    } else {
        QString user;
        QByteArray password;
        if (!basicCredentials(authorization, &user, &password, false)) {
            problem = QStringLiteral("malformed Authorization header");
        } else if (!(who = m_gateway.signIn(user, password, request.remoteAddress().toString(),
                                            &e))) {
            if (e.status != 401) {
                respondError(responder, e); // a locked account, a refused address
                return std::nullopt;
            }
            problem = e.message;
        }
    }
    if (who)
        return who;
    Headers headers;
    // Scripts ask not to get the browser's own sign-in box.
    if (header(request, "X-Requested-With").isEmpty())
        headers.append(qMakePair(QByteArray("WWW-Authenticate"),
                                 QByteArray("Basic realm=\"rivulet\", charset=\"UTF-8\"")));
    respond(responder, 401, errorBody("unauthorized", problem), "application/json", headers);
    return std::nullopt;
}

void GatewayHttp::rest(const Io::HttpRequest &request, Io::HttpResponder &responder,
                       const QStringList &path, bool secure)
{
    const Method method = request.method();
    const QString top = path.value(0);
    if (top == QLatin1String("analytics") && path.size() == 1) {
        if (method == Method::Get)
            metrics(request, responder, secure, true);
        else
            respond(responder, 405, errorBody("method_not_allowed", QStringLiteral("use GET")),
                    "application/json", {{"Allow", "GET"}});
        return;
    }
    // Public: the tenants, for the portal's tenant picker.
    if (top == QLatin1String("tenants") && path.size() == 1) {
        if (method == Method::Get)
            return respondJson(responder, 200, m_gateway.listTenants());
        return respond(responder, 405, errorBody("method_not_allowed", QStringLiteral("use GET")),
                       "application/json", {{"Allow", "GET"}});
    }
    // No change is taken from a page of another origin, however it signs in.
    if (method != Method::Get && method != Method::Head && !sameOrigin(request, responder, secure))
        return;
    if (top == QLatin1String("session") && path.size() == 1)
        return session(request, responder, secure);
    const std::optional<Principal> who = caller(request, responder, secure);
    if (!who)
        return;
    auto methodNotAllowed = [&](const char *allowed) {
        respond(responder, 405,
                errorBody("method_not_allowed",
                          QStringLiteral("%1 is not allowed here (allowed: %2)")
                              .arg(QLatin1String(methodName(method)), QLatin1String(allowed))),
                "application/json", {{"Allow", allowed}});
    };
    // A JSON object body; false (after answering) when it is not one.
    QJsonObject body;
    auto readBody = [&]() {
        const QByteArray raw = request.body();
        if (raw.trimmed().isEmpty())
            return true;
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(raw, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            respond(
                responder, 400,
                errorBody("invalid_request", QStringLiteral("the body must be a JSON object (%1)")
                                                 .arg(pe.error != QJsonParseError::NoError
                                                          ? pe.errorString()
                                                          : QStringLiteral("not an object"))),
                "application/json");
            return false;
        }
        body = doc.object();
        return true;
    };
    // A string field of the body: wrong types are refused with the field's name.
    auto field = [&](const char *name, QString *out) {
        const QJsonValue v = body.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString()) {
            respond(responder, 400,
                    errorBody("invalid_request",
                              QStringLiteral("%1 must be a string").arg(QLatin1String(name)),
                              QString::fromLatin1(name)),
                    "application/json");
            return false;
        }
        *out = v.toString();
        return true;
    };
    ServiceError e;
    const QUrlQuery query(request.url());
    auto q = [&](const char *key) {
        return query.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
    };

    if (top == QLatin1String("apis")) {
        if (method != Method::Get)
            return methodNotAllowed("GET");
        if (path.size() == 1)
            return respondJson(responder, 200, m_gateway.listApis(*who));
        QJsonObject out;
        if (path.size() == 3 && path[2] == QLatin1String("connect")) {
            QHash<QString, QString> parameters;
            for (const auto &item : query.queryItems(QUrl::FullyDecoded))
                parameters.insert(item.first, item.second);
            if (m_gateway.topicConnection(*who, path[1], q("topic"), q("channel"), parameters, &out,
                                          &e))
                return respondJson(responder, 200, out);
            return respondError(responder, e);
        }
        if (path.size() == 2 && m_gateway.api(*who, path[1], &out, &e))
            return respondJson(responder, 200, out);
        if (path.size() == 3 && path[2] == QLatin1String("asyncapi")
            && m_gateway.apiDocument(*who, path[1], &out, &e))
            return respondJson(responder, 200, out);
        if (path.size() > 3 || (path.size() == 3 && path[2] != QLatin1String("asyncapi")))
            e = ServiceError{404, "not_found", QStringLiteral("no such resource"), {}};
        return respondError(responder, e);
    }
    if (top == QLatin1String("policies") && path.size() == 1) {
        if (method != Method::Get)
            return methodNotAllowed("GET");
        return respondJson(responder, 200, m_gateway.listPolicies(*who));
    }
    if (top == QLatin1String("applications")) {
        if (path.size() == 1) {
            if (method == Method::Get)
                return respondJson(responder, 200, m_gateway.listApplications(*who));
            if (method != Method::Post)
                return methodNotAllowed("GET, POST");
            QString name, description;
            if (!readBody() || !field("name", &name) || !field("description", &description))
                return;
            QJsonObject out;
            if (m_gateway.createApplication(*who, name, description, &out, &e))
                return respondJson(responder, 201, out);
            return respondError(responder, e);
        }
        if (path.size() == 2) {
            QJsonObject out;
            if (method == Method::Get) {
                if (m_gateway.application(*who, path[1], &out, &e))
                    return respondJson(responder, 200, out);
                return respondError(responder, e);
            }
            if (method == Method::Delete) {
                if (m_gateway.deleteApplication(*who, path[1], &e))
                    return respond(responder, 204, QByteArray(), "application/json");
                return respondError(responder, e);
            }
            if (method == Method::Patch) {
                QString name, description;
                if (!readBody() || !field("name", &name) || !field("description", &description))
                    return;
                const bool hasName = body.contains(QLatin1String("name"));
                const bool hasDescription = body.contains(QLatin1String("description"));
                if (m_gateway.updateApplication(*who, path[1], hasName ? &name : nullptr,
                                                hasDescription ? &description : nullptr, &out, &e))
                    return respondJson(responder, 200, out);
                return respondError(responder, e);
            }
            return methodNotAllowed("GET, PATCH, DELETE");
        }
        if (path.size() == 3 && path[2] == QLatin1String("tokens")) {
            if (method == Method::Get) {
                QJsonArray out;
                if (m_gateway.listTokens(*who, path[1], &out, &e))
                    return respondJson(responder, 200, out);
                return respondError(responder, e);
            }
            if (method != Method::Post)
                return methodNotAllowed("GET, POST");
            if (!readBody())
                return;
            QString scope;
            const QJsonValue validity = body.value(QStringLiteral("validity"));
            if (!validity.isUndefined() && !validity.isNull()
                && (!validity.isDouble() || validity.toDouble() != std::floor(validity.toDouble())
                    || validity.toDouble() < 1 || validity.toDouble() > 1e12))
                return respondError(responder,
                                    ServiceError{400, "invalid_request",
                                                 QStringLiteral("validity must be a whole number "
                                                                "of seconds"),
                                                 QStringLiteral("validity")});
            if (!field("scope", &scope))
                return;
            QJsonObject out;
            if (m_gateway.issueApplicationToken(*who, path[1], qint64(validity.toDouble()), scope,
                                                &out, &e))
                return respondJson(responder, 201, out);
            return respondError(responder, e);
        }
        if (path.size() == 4 && path[2] == QLatin1String("tokens")) {
            if (method != Method::Delete)
                return methodNotAllowed("DELETE");
            if (m_gateway.revokeApplicationToken(*who, path[1], path[3], &e))
                return respond(responder, 204, QByteArray(), "application/json");
            return respondError(responder, e);
        }
        if (path.size() == 3 && path[2] == QLatin1String("usage")) {
            if (method != Method::Get)
                return methodNotAllowed("GET");
            QJsonObject out;
            if (m_gateway.applicationUsage(*who, path[1], &out, &e))
                return respondJson(responder, 200, out);
            return respondError(responder, e);
        }
        if (path.size() == 3 && path[2] == QLatin1String("keys")) {
            if (method != Method::Post)
                return methodNotAllowed("POST");
            QJsonObject out;
            if (m_gateway.generateKeys(*who, path[1], &out, &e))
                return respondJson(responder, 200, out);
            return respondError(responder, e);
        }
    }
    if (top == QLatin1String("subscriptions")) {
        if (path.size() == 1) {
            if (method == Method::Get) {
                QJsonArray out;
                if (m_gateway.listSubscriptions(*who, q("applicationId"), &out, &e))
                    return respondJson(responder, 200, out);
                return respondError(responder, e);
            }
            if (method != Method::Post)
                return methodNotAllowed("GET, POST");
            QString app, api, policy;
            if (!readBody() || !field("applicationId", &app) || !field("apiId", &api)
                || !field("policy", &policy))
                return;
            QJsonObject out;
            if (m_gateway.subscribe(*who, app, api, policy, &out, &e))
                return respondJson(responder, 201, out);
            return respondError(responder, e);
        }
        if (path.size() == 2) {
            QJsonObject out;
            if (method == Method::Get) {
                if (m_gateway.subscription(*who, path[1], &out, &e))
                    return respondJson(responder, 200, out);
                return respondError(responder, e);
            }
            if (method == Method::Delete) {
                if (m_gateway.unsubscribe(*who, path[1], &e))
                    return respond(responder, 204, QByteArray(), "application/json");
                return respondError(responder, e);
            }
            if (method == Method::Patch) {
                QString policy;
                if (!readBody() || !field("policy", &policy))
                    return;
                if (m_gateway.changePolicy(*who, path[1], policy, &out, &e))
                    return respondJson(responder, 200, out);
                return respondError(responder, e);
            }
            return methodNotAllowed("GET, PATCH, DELETE");
        }
    }
    if (top == QLatin1String("usage") && path.size() == 1) {
        if (method != Method::Get)
            return methodNotAllowed("GET");
        QString format = q("format");
        if (format.isEmpty() && header(request, "Accept").contains("text/csv"))
            format = QStringLiteral("csv");
        QByteArray out;
        if (!m_gateway.usage(*who, q("applicationId"), q("period"), q("from"), q("to"), format,
                             &out, &e))
            return respondError(responder, e);
        if (format == QLatin1String("csv"))
            return respond(responder, 200, out, "text/csv; charset=utf-8",
                           {{"Content-Disposition", "attachment; filename=\"usage.csv\""}});
        return respond(responder, 200, out, "application/json");
    }
    respond(
        responder, 404,
        errorBody("not_found", QStringLiteral("no such resource: /api/v1/%1").arg(path.join(u'/'))),
        "application/json");
}

// ---- analytics ------------------------------------------------------------------------------

void GatewayHttp::metrics(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure,
                          bool json)
{
    // The plain http listener is for local use (localhost by default): open, like most
    // /metrics endpoints. Over https, analytics are for a tenant's admins.
    AnalyticsSnapshot snapshot = m_gateway.analytics();
    if (secure) {
        const std::optional<Principal> who = caller(request, responder, secure);
        if (!who)
            return;
        if (!who->isAdmin()) {
            respond(responder, 403,
                    errorBody("forbidden", QStringLiteral("analytics need the admin role")),
                    "application/json");
            return;
        }
        if (who->tenant != QLatin1String(kSuperTenant))
            snapshot = forTenant(snapshot, who->tenant);
    }
    if (json)
        respondJson(responder, 200, toJson(snapshot));
    else
        respond(responder, 200, toPrometheus(snapshot), "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace Rivulet::Gateway
