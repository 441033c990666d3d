// The developer portal's side of GatewayHttp: its files (compiled in from devportal-web/ as Qt
// resources under :/devportal/), its sessions (/api/v1/session), and the same-origin check every
// change of the REST API goes through. The page itself only calls the REST API.
#include "gatewayhttp.h"

#include "credentials.h"
#include "gateway.h"
#include "gatewayhttp_p.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

namespace Rivulet::Gateway {

using namespace Http;

namespace {

using Method = Io::HttpRequest::Method;

// The page's policy: its own scripts, styles and images only; no inline script or style, no
// plugins, no framing, forms and fetches to this origin only.
constexpr char kPortalCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

QByteArray contentType(const QString &name)
{
    const QString ext = name.section(u'.', -1).toLower();
    if (ext == QLatin1String("html"))
        return "text/html; charset=utf-8";
    if (ext == QLatin1String("js") || ext == QLatin1String("mjs"))
        return "text/javascript; charset=utf-8";
    if (ext == QLatin1String("css"))
        return "text/css; charset=utf-8";
    if (ext == QLatin1String("svg"))
        return "image/svg+xml";
    if (ext == QLatin1String("png"))
        return "image/png";
    if (ext == QLatin1String("json"))
        return "application/json";
    return "application/octet-stream";
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

QByteArray cookieHeader(bool secure, const QByteArray &value, qint64 maxAge)
{
    return GatewayHttp::sessionCookieName(secure) + '=' + value
           + "; Path=/api/v1; Max-Age=" + QByteArray::number(maxAge) + "; HttpOnly; SameSite=Strict"
           + (secure ? "; Secure" : "");
}

} // namespace

QByteArray GatewayHttp::sessionCookieName(bool secure)
{
    return secure ? QByteArrayLiteral("__Secure-rivulet_session")
                  : QByteArrayLiteral("rivulet_session");
}

QByteArray GatewayHttp::sessionCookie(const Io::HttpRequest &request, bool secure) const
{
    const QByteArray name = sessionCookieName(secure) + '=';
    for (const auto &h : request.headers()) {
        if (h.first.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : h.second.split(';')) {
            const QByteArray p = part.trimmed();
            if (p.startsWith(name))
                return p.mid(name.size());
        }
    }
    return {};
}

bool GatewayHttp::sameOrigin(const Io::HttpRequest &request, Io::HttpResponder &responder,
                             bool secure)
{
    // Browsers say where a request comes from; scripts and the CLI send neither header.
    const QByteArray site = header(request, "Sec-Fetch-Site");
    const QByteArray origin = header(request, "Origin");
    QString refused;
    if (!site.isEmpty() && site != "same-origin" && site != "none") {
        refused = QStringLiteral("a page of another origin (Sec-Fetch-Site: %1)")
                      .arg(QString::fromLatin1(site));
    } else if (!origin.isEmpty()) {
        const QByteArray host = header(request, "Host");
        const QByteArray expected = (secure ? "https://" : "http://") + host;
        if (host.isEmpty() || origin.compare(expected, Qt::CaseInsensitive) != 0)
            refused =
                QStringLiteral("a page of another origin (%1)").arg(QString::fromUtf8(origin));
    }
    if (refused.isEmpty())
        return true;
    respond(responder, 403,
            errorBody("cross_origin",
                      QStringLiteral("refused: this change comes from %1; the developer portal "
                                     "and scripts may make changes, other sites may not")
                          .arg(refused)),
            "application/json");
    return false;
}

// ---- files ----------------------------------------------------------------------------------

const GatewayHttp::File *GatewayHttp::file(const QString &name)
{
    const auto cached = m_files.constFind(name);
    if (cached != m_files.constEnd())
        return &cached.value();
    static const QRegularExpression safe(
        QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$"));
    if (!safe.match(name).hasMatch() || name.contains(QLatin1String("..")))
        return nullptr;
    QFile f(QStringLiteral(":/devportal/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return nullptr;
    File file;
    file.body = f.readAll();
    file.type = contentType(name);
    file.etag = '"' + Credentials::sha256Hex(file.body).left(20) + '"';
    return &m_files.insert(name, file).value();
}

void GatewayHttp::portal(const Io::HttpRequest &request, Io::HttpResponder &responder,
                         const QString &tenant, const QString &path)
{
    const QString name =
        path.isEmpty() ? QStringLiteral("index.html") : path; // decoded already (QUrl::path())
    int status = 200;
    if (!tenant.isEmpty()) {
        bool known = false;
        for (const QJsonValue &t : m_gateway.listTenants())
            known = known || t.toObject().value(QStringLiteral("domain")).toString() == tenant;
        // The page itself says that the tenant is unknown, and offers the others.
        if (!known) {
            if (!path.isEmpty()) {
                respond(responder, 404,
                        errorBody("not_found", QStringLiteral("no tenant '%1'").arg(tenant)),
                        "application/json");
                return;
            }
            status = 404;
        }
    }
    const File *f = file(name);
    if (!f) {
        respond(responder, 404,
                errorBody("not_found",
                          QStringLiteral("the developer portal has no file '%1'").arg(name)),
                "application/json");
        return;
    }
    const bool notModified = status == 200 && header(request, "If-None-Match") == f->etag;
    responder.writeStatusLine(notModified ? 304 : status);
    if (!notModified) {
        responder.writeHeader("Content-Type", f->type);
        responder.writeHeader("Content-Length", QByteArray::number(f->body.size()));
    }
    // Compiled in: a new binary may bring new files, so revalidate (ETag) at each load.
    responder.writeHeader("Cache-Control", "no-cache");
    responder.writeHeader("ETag", f->etag);
    responder.writeHeader("Content-Security-Policy", kPortalCsp);
    for (const auto &h : securityHeaders())
        responder.writeHeader(h.first, h.second);
    responder.writeHeader("Cross-Origin-Opener-Policy", "same-origin");
    responder.writeHeader("Cross-Origin-Resource-Policy", "same-origin");
    responder.writeHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    responder.writeBody(notModified ? QByteArray() : f->body);
}

// ---- sessions -------------------------------------------------------------------------------

void GatewayHttp::session(const Io::HttpRequest &request, Io::HttpResponder &responder, bool secure)
{
    const Method method = request.method();
    const DeploymentConfig &config = m_gateway.config();
    const int64_t now = m_gateway.now();
    auto sessionJson = [&](const PortalSessions::Session &s) {
        QJsonObject o;
        o.insert(QStringLiteral("signedIn"), true);
        o.insert(QStringLiteral("user"), s.user);
        o.insert(QStringLiteral("tenant"), s.tenant);
        o.insert(QStringLiteral("roles"), QJsonArray::fromStringList(s.roles));
        o.insert(QStringLiteral("csrfToken"), QString::fromLatin1(s.csrfToken));
        o.insert(QStringLiteral("signedInAt"), isoTime(s.createdAt));
        o.insert(QStringLiteral("expiresAt"), isoTime(s.expiresAt));
        o.insert(QStringLiteral("expiresIn"),
                 double(std::max<int64_t>(0, s.expiresAt - now)) / 1000);
        o.insert(QStringLiteral("idleTimeout"), double(config.sessionIdleTimeout));
        o.insert(QStringLiteral("tokenLifetime"), double(config.tokenLifetime));
        o.insert(QStringLiteral("maxTokenLifetime"), double(config.tokenMaxLifetime));
        return o;
    };
    const QByteArray cookie = sessionCookie(request, secure);
    const QByteArray clear = cookieHeader(secure, QByteArray(), 0);

    if (method == Method::Get) {
        PortalSessions::Session s;
        // Asking does not count as using it: an open tab alone does not keep a session alive.
        const auto found = cookie.isEmpty()
                               ? PortalSessions::Lookup::Unknown
                               : m_gateway.portalSessions().find(cookie, now, &s, false);
        if (found == PortalSessions::Lookup::Found)
            return respondJson(responder, 200, sessionJson(s));
        if (!header(request, "Authorization").isEmpty()) {
            // HTTP Basic or a Bearer token: who that is (there is no CSRF token without a cookie).
            const std::optional<Principal> who = caller(request, responder, secure);
            if (!who)
                return;
            QJsonObject o;
            o.insert(QStringLiteral("signedIn"), true);
            o.insert(QStringLiteral("user"), who->user);
            o.insert(QStringLiteral("tenant"), who->tenant);
            o.insert(QStringLiteral("roles"), QJsonArray::fromStringList(who->roles));
            return respondJson(responder, 200, o);
        }
        // Not signed in is an answer here, not an error: the page asks before it knows.
        QJsonObject o;
        o.insert(QStringLiteral("signedIn"), false);
        o.insert(QStringLiteral("expired"), found == PortalSessions::Lookup::Expired);
        return respondJson(responder, 200, o,
                           cookie.isEmpty() ? Headers{} : Headers{{"Set-Cookie", clear}});
    }

    if (method == Method::Delete) {
        PortalSessions::Session s;
        if (!cookie.isEmpty()
            && m_gateway.portalSessions().find(cookie, now, &s, false)
                   == PortalSessions::Lookup::Found) {
            if (!Credentials::constantTimeEquals(header(request, "X-CSRF-Token"), s.csrfToken)) {
                return respond(
                    responder, 403,
                    errorBody("csrf_failed", QStringLiteral("signing out needs the session's "
                                                            "X-CSRF-Token header")),
                    "application/json");
            }
        }
        m_gateway.portalSessions().remove(cookie);
        return respond(responder, 204, QByteArray(), "application/json", {{"Set-Cookie", clear}});
    }

    if (method != Method::Post) {
        return respond(responder, 405,
                       errorBody("method_not_allowed", QStringLiteral("use GET, POST or DELETE")),
                       "application/json", {{"Allow", "GET, POST, DELETE"}});
    }
    // Sign in. JSON only: a plain HTML form of another site cannot send it.
    if (!header(request, "Content-Type").toLower().startsWith("application/json")) {
        return respond(responder, 415,
                       errorBody("unsupported_media_type",
                                 QStringLiteral("send {\"username\", \"password\", \"tenant\"} as "
                                                "application/json")),
                       "application/json");
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &pe);
    const QJsonObject body = doc.object();
    auto bad = [&](const QString &message, const char *field) {
        respond(responder, 400, errorBody("invalid_request", message, QString::fromLatin1(field)),
                "application/json");
    };
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return bad(QStringLiteral("the body must be a JSON object"), "");
    for (const char *key : {"username", "password", "tenant"}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull() && !v.isString())
            return bad(QStringLiteral("%1 must be a string").arg(QLatin1String(key)), key);
    }
    QString user = body.value(QStringLiteral("username")).toString().trimmed();
    const QByteArray password = body.value(QStringLiteral("password")).toString().toUtf8();
    const QString tenant = body.value(QStringLiteral("tenant")).toString().trimmed().toLower();
    if (user.isEmpty())
        return bad(QStringLiteral("enter your user name"), "username");
    if (password.isEmpty())
        return bad(QStringLiteral("enter your password"), "password");
    if (user.size() > 256 || password.size() > 1024)
        return bad(QStringLiteral("the user name or password is too long"), "username");
    if (!tenant.isEmpty()) {
        bool known = false;
        for (const QJsonValue &t : m_gateway.listTenants())
            known = known || t.toObject().value(QStringLiteral("domain")).toString() == tenant;
        if (!known) {
            return respond(responder, 404,
                           errorBody("not_found", QStringLiteral("no tenant '%1'").arg(tenant),
                                     QStringLiteral("tenant")),
                           "application/json");
        }
        // "bob" in quantis.com's portal is bob@quantis.com.
        if (!user.contains(u'@') && tenant != QLatin1String(kSuperTenant))
            user += u'@' + tenant;
        if (DeploymentConfig::tenantOfUser(user) != tenant)
            return bad(QStringLiteral("%1 is not a user name of %2 (name@%2)").arg(user, tenant),
                       "username");
    }
    ServiceError e;
    const std::optional<Principal> who =
        m_gateway.signIn(user, password, request.remoteAddress().toString(), &e);
    if (!who)
        return respondError(responder, e);
    if (!tenant.isEmpty() && who->tenant != tenant)
        return bad(QStringLiteral("%1 is not a user of %2").arg(user, tenant), "username");
    // A new session each time (never one a page was given before signing in).
    m_gateway.portalSessions().remove(cookie);
    PortalSessions::Session s;
    const QByteArray id =
        m_gateway.portalSessions().create(who->user, who->tenant, who->roles, now, &s);
    // The cookie outlives the session by the time the gateway remembers an expired one, so that
    // the page can be told that it expired (rather than that it is not signed in).
    const qint64 maxAge = config.sessionLifetime + PortalSessions::kExpiredKeptMs / 1000;
    respondJson(responder, 201, sessionJson(s), {{"Set-Cookie", cookieHeader(secure, id, maxAge)}});
}

} // namespace Rivulet::Gateway
