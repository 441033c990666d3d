// The developer portal's side of the gateway, against a real Gateway on free loopback ports:
// its files and their headers, sessions (cookie, CSRF token, Origin checks, expiry), sign-in
// limits, and the REST operations the page uses. Time is the fixture's clock, moved by the test.
#include "../gatewayfixture.h"
#include "../httpexchange.h"

#include "engine/gateway/gatewayhttp.h"

#include <QDate>
#include <QDateTime>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTimeZone>
#include <QWebSocket>

using namespace GatewayTest;

namespace {

// A signed-in browser, as the gateway sees it: the cookie and the CSRF token.
struct Browser
{
    QByteArray cookie; // "name=value"
    QByteArray csrf;
    QJsonObject session;
};

} // namespace

class tst_Portal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void portalFilesAreServed();
    void pageHasNoInlineCode();
    void everyAnswerHasSecurityHeaders();
    void signInSetsASessionCookie();
    void signInRefusals();
    void sessionsAuthenticateTheRestApi();
    void changesNeedTheCsrfTokenAndOurOrigin();
    void signOutEndsTheSession();
    void sessionsExpire();
    void signInIsLimitedPerUser();
    void signInIsLimitedPerAddress();
    void tenantsArePublic();
    void renameApplication();
    void tokensWithAChosenValidity();
    void changePolicy();
    void tryItCommands();
    void usageTodayAndThisMonth();

private:
    Reply call(const QByteArray &method, const QString &path,
               const QList<QPair<QByteArray, QByteArray>> &headers = {},
               const QByteArray &body = {}, bool https = false);
    Reply as(const Browser &b, const QByteArray &method, const QString &path,
             const QByteArray &body = {}, bool csrf = true)
    {
        QList<QPair<QByteArray, QByteArray>> headers{{"Cookie", b.cookie}};
        if (csrf)
            headers.append(qMakePair(QByteArray("X-CSRF-Token"), b.csrf));
        if (!body.isEmpty())
            headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        return call(method, path, headers, body);
    }
    Browser signIn(const QByteArray &user = "bob@quantis.com",
                   const QByteArray &password = "user123", bool https = false);
    std::unique_ptr<Fixture> f;
    QNetworkAccessManager m_net;
};

void tst_Portal::init()
{
    f = std::make_unique<Fixture>();
    // Small limits, so that the tests reach them.
    f->config.sessionLifetime = 3600;
    f->config.sessionIdleTimeout = 600;
    f->config.signInMaxFailures = 3;
    f->config.signInMaxAddressFailures = 8;
    f->config.signInLockout = 60;
    f->config.tokenMaxLifetime = 86400;
    QVERIFY(f->start());
}

void tst_Portal::cleanup()
{
    f.reset();
}

Reply tst_Portal::call(const QByteArray &method, const QString &path,
                       const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body,
                       bool https)
{
    QUrl url(QStringLiteral("%1://localhost:%2")
                 .arg(https ? QStringLiteral("https") : QStringLiteral("http"))
                 .arg(https ? f->gateway->httpsPort() : f->gateway->httpPort()));
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q), QUrl::TolerantMode);
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    // Cookies only as the test gives them.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    return exchange(m_net, request, method, body,
                    https ? f->gateway->certificatePath() : QString());
}

Browser tst_Portal::signIn(const QByteArray &user, const QByteArray &password, bool https)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("username"), QString::fromUtf8(user)},
                                  {QStringLiteral("password"), QString::fromUtf8(password)},
                                  {QStringLiteral("tenant"), QStringLiteral("quantis.com")}})
            .toJson(QJsonDocument::Compact);
    const Reply r = call("POST", QStringLiteral("/api/v1/session"),
                         {{"Content-Type", "application/json"}}, body, https);
    Browser b;
    if (r.status != 201) {
        qWarning("sign-in: %d %s", r.status, r.body.constData());
        return b;
    }
    b.cookie = r.header("Set-Cookie").split(';').value(0);
    b.csrf = r.object().value(QStringLiteral("csrfToken")).toString().toLatin1();
    b.session = r.object();
    return b;
}

// ---- files -------------------------------------------------------------------------------------

void tst_Portal::portalFilesAreServed()
{
    for (const bool https : {false, true}) {
        Reply r = call("GET", QStringLiteral("/devportal/"), {}, {}, https);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
        QVERIFY(r.body.contains("<script type=\"module\" src=\"/devportal/app.js\"></script>"));
        const QByteArray csp = r.header("Content-Security-Policy");
        QVERIFY2(csp.contains("script-src 'self'") && csp.contains("style-src 'self'")
                     && csp.contains("frame-ancestors 'none'")
                     && csp.contains("default-src 'none'"),
                 csp.constData());
        QVERIFY(!csp.contains("unsafe"));
        QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(r.header("X-Frame-Options"), QByteArray("DENY"));
        QCOMPARE(r.header("Referrer-Policy"), QByteArray("no-referrer"));
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-cache"));
        // Revalidated by ETag.
        const QByteArray etag = r.header("ETag");
        QVERIFY(!etag.isEmpty());
        r = call("GET", QStringLiteral("/devportal/"), {{"If-None-Match", etag}}, {}, https);
        QCOMPARE(r.status, 304);
        QVERIFY(r.body.isEmpty());
    }
    // The tenant's address serves the same page; an unknown tenant gets it with 404 (the page
    // says so), but none of its files.
    Reply r = call("GET", QStringLiteral("/t/quantis.com/devportal/"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("/devportal/app.js"));
    r = call("GET", QStringLiteral("/t/nowhere.org/devportal/"));
    QCOMPARE(r.status, 404);
    QVERIFY(r.header("Content-Type").startsWith("text/html"));
    r = call("GET", QStringLiteral("/t/nowhere.org/devportal/app.js"));
    QCOMPARE(r.status, 404);
    r = call("GET", QStringLiteral("/devportal"));
    QCOMPARE(r.status, 301);
    QCOMPARE(r.header("Location"), QByteArray("/devportal/"));
    r = call("GET", QStringLiteral("/t/quantis.com/devportal"));
    QCOMPARE(r.status, 301);
    QCOMPARE(r.header("Location"), QByteArray("/t/quantis.com/devportal/"));
    r = call("GET", QStringLiteral("/devportal/app.js"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Type"), QByteArray("text/javascript; charset=utf-8"));
    r = call("GET", QStringLiteral("/devportal/portal.css"));
    QCOMPARE(r.header("Content-Type"), QByteArray("text/css; charset=utf-8"));
    r = call("GET", QStringLiteral("/devportal/favicon.svg"));
    QCOMPARE(r.header("Content-Type"), QByteArray("image/svg+xml"));
    r = call("POST", QStringLiteral("/devportal/"), {}, "x");
    QCOMPARE(r.status, 405);
    // Nothing outside the portal's files, however the path is spelt.
    for (const char *raw :
         {"/devportal/nope.js", "/devportal/..%2f..%2fetc%2fpasswd",
          "/devportal/%2e%2e/gatewayhttp.cpp", "/devportal/.hidden", "/devportal//app.js",
          "/devportal/app.js%00.html", "/t/quantis.com/devportal/../../api/v1/apis"}) {
        // The server runs on this thread: wait with the event loop turning.
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), f->gateway->httpPort());
        QTRY_VERIFY_WITH_TIMEOUT(s.state() == QAbstractSocket::ConnectedState, 5000);
        s.write(QByteArray("GET ") + raw + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray in;
        QTRY_VERIFY_WITH_TIMEOUT((in += s.readAll()).contains("\r\n\r\n"), 5000);
        QVERIFY2(in.startsWith("HTTP/1.1 404") || in.startsWith("HTTP/1.1 400"),
                 qPrintable(QString::fromLatin1(raw) + QStringLiteral(": ")
                            + QString::fromUtf8(in.left(80))));
    }
    // Off: nothing at /devportal/.
    f->stop();
    f->config.portalEnabled = false;
    QVERIFY(f->start());
    QCOMPARE(call("GET", QStringLiteral("/devportal/")).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/devportal/"), {}, {}, true).status, 404);
}

// The page's own files keep the CSP's promise: no inline script or style, no event handler
// attributes, no HTML built from strings, no eval; each module they import is served.
void tst_Portal::pageHasNoInlineCode()
{
    QDirIterator it(QStringLiteral(":/devportal"), QDirIterator::Subdirectories);
    int files = 0;
    static const QRegularExpression importRe(QStringLiteral("from '\\./([a-z]+\\.js)'"));
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        const QString name = path.mid(12);
        ++files;
        QVERIFY2(call("GET", QStringLiteral("/devportal/") + name).status == 200, qPrintable(name));
        if (name.endsWith(QLatin1String(".html"))) {
            static const QRegularExpression inlineScript(
                QStringLiteral("<script(?![^>]*\\bsrc=)[^>]*>"));
            QVERIFY2(!inlineScript.match(text).hasMatch(), qPrintable(name));
            QVERIFY2(!text.contains(QLatin1String("<style")), qPrintable(name));
            QVERIFY2(!text.contains(QRegularExpression(QStringLiteral("\\s(style|on[a-z]+)="))),
                     qPrintable(name));
            QVERIFY2(!text.contains(QLatin1String("http://"))
                         && !text.contains(QLatin1String("https://")),
                     qPrintable(name + QStringLiteral(": loads something from elsewhere")));
        }
        if (name.endsWith(QLatin1String(".js"))) {
            for (const char *bad :
                 {"innerHTML", "outerHTML =", "insertAdjacentHTML", "eval(", "new Function",
                  "document.write", "localStorage", "sessionStorage", "setAttribute('style'"}) {
                QVERIFY2(!text.contains(QLatin1String(bad)),
                         qPrintable(name + QStringLiteral(" uses ") + QLatin1String(bad)));
            }
            auto imports = importRe.globalMatch(text);
            while (imports.hasNext()) {
                const QString module = imports.next().captured(1);
                QVERIFY2(QFile::exists(QStringLiteral(":/devportal/") + module),
                         qPrintable(name + QStringLiteral(" imports ") + module));
            }
        }
    }
    QVERIFY(files >= 8);
}

void tst_Portal::everyAnswerHasSecurityHeaders()
{
    const Browser b = signIn();
    for (const Reply &r :
         {call("GET", QStringLiteral("/api/v1/apis")), as(b, "GET", QStringLiteral("/api/v1/apis")),
          call("GET", QStringLiteral("/api/v1/tenants")),
          call("GET", QStringLiteral("/nothing/here"), {}, {}, true),
          call("POST", QStringLiteral("/oauth2/token"))}) {
        QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(r.header("X-Frame-Options"), QByteArray("DENY"));
        QCOMPARE(r.header("Content-Security-Policy"),
                 QByteArray("default-src 'none'; frame-ancestors 'none'"));
        QCOMPARE(r.header("Referrer-Policy"), QByteArray("no-referrer"));
    }
}

// ---- sessions ----------------------------------------------------------------------------------

void tst_Portal::signInSetsASessionCookie()
{
    Reply r =
        call("POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
             R"({"username":"bob","password":"user123","tenant":"quantis.com"})");
    QCOMPARE(r.status, 201);
    const QByteArray cookie = r.header("Set-Cookie");
    QVERIFY2(cookie.startsWith("rivulet_session="), cookie.constData());
    for (const char *part : {"; Path=/api/v1", "; HttpOnly", "; SameSite=Strict", "; Max-Age="})
        QVERIFY2(cookie.contains(part), cookie.constData());
    QVERIFY(!cookie.contains("Secure")); // plain http
    QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject s = r.object();
    QCOMPARE(s.value(QStringLiteral("user")).toString(), QStringLiteral("bob@quantis.com"));
    QCOMPARE(s.value(QStringLiteral("tenant")).toString(), QStringLiteral("quantis.com"));
    QCOMPARE(s.value(QStringLiteral("csrfToken")).toString().size(), 43);
    QCOMPARE(s.value(QStringLiteral("expiresIn")).toInt(), 600); // the idle timeout comes first
    QCOMPARE(s.value(QStringLiteral("tokenLifetime")).toInt(), 3600);
    QCOMPARE(s.value(QStringLiteral("maxTokenLifetime")).toInt(), 86400);
    QVERIFY(!r.body.contains("user123"));
    // The cookie's value is not the CSRF token, and each sign-in makes a new session.
    const QByteArray id = cookie.split(';').value(0).mid(16);
    QCOMPARE(id.size(), 43);
    QVERIFY(id != s.value(QStringLiteral("csrfToken")).toString().toLatin1());
    QVERIFY(signIn().cookie != "rivulet_session=" + id);

    // Over https: Secure, and a __Secure- name; the plain http cookie is not taken there.
    const Browser secure = signIn("bob@quantis.com", "user123", true);
    QVERIFY(secure.cookie.startsWith("__Secure-rivulet_session="));
    r = call("POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
             R"({"username":"bob","password":"user123","tenant":"quantis.com"})", true);
    QVERIFY(r.header("Set-Cookie").contains("; Secure"));
    QCOMPARE(
        call("GET", QStringLiteral("/api/v1/applications"), {{"Cookie", secure.cookie}}, {}, true)
            .status,
        200);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/applications"),
                  {{"Cookie", "rivulet_session=" + id}}, {}, true)
                 .status,
             401);
}

void tst_Portal::signInRefusals()
{
    struct Case
    {
        const char *name;
        QByteArray contentType;
        QByteArray body;
        int status;
        const char *error;
        const char *field;
    };
    const QList<Case> cases = {
        {"wrong password", "application/json",
         R"({"username":"bob@quantis.com","password":"nope","tenant":"quantis.com"})", 401,
         "invalid_credentials", "password"},
        {"unknown user", "application/json",
         R"({"username":"zed","password":"x","tenant":"quantis.com"})", 401, "invalid_credentials",
         "password"},
        {"a form, not JSON", "application/x-www-form-urlencoded",
         "username=bob%40quantis.com&password=user123", 415, "unsupported_media_type", ""},
        {"text/plain (a cross-site form)", "text/plain",
         R"({"username":"bob@quantis.com","password":"user123"})", 415, "unsupported_media_type",
         ""},
        {"no user name", "application/json", R"({"password":"user123"})", 400, "invalid_request",
         "username"},
        {"no password", "application/json", R"({"username":"bob@quantis.com"})", 400,
         "invalid_request", "password"},
        {"a number for a password", "application/json",
         R"({"username":"bob@quantis.com","password":123})", 400, "invalid_request", "password"},
        {"not an object", "application/json", "[1]", 400, "invalid_request", ""},
        {"a user of another tenant", "application/json",
         R"({"username":"eve@other.com","password":"eve123","tenant":"quantis.com"})", 400,
         "invalid_request", "username"},
        {"an unknown tenant", "application/json",
         R"({"username":"bob@quantis.com","password":"user123","tenant":"nowhere.org"})", 404,
         "not_found", "tenant"},
    };
    for (const Case &c : cases) {
        const Reply r = call("POST", QStringLiteral("/api/v1/session"),
                             {{"Content-Type", c.contentType}}, c.body);
        QVERIFY2(r.status == c.status, qPrintable(QStringLiteral("%1: %2 %3")
                                                      .arg(QLatin1String(c.name))
                                                      .arg(r.status)
                                                      .arg(QString::fromUtf8(r.body))));
        QCOMPARE(r.error(), QString::fromLatin1(c.error));
        QCOMPARE(r.object().value(QStringLiteral("field")).toString(),
                 QString::fromLatin1(c.field));
        QVERIFY(!r.object().value(QStringLiteral("message")).toString().isEmpty());
        QVERIFY2(r.header("Set-Cookie").isEmpty(), c.name);
        QVERIFY2(r.header("WWW-Authenticate").isEmpty(), c.name); // no browser sign-in box
    }
    // Without a tenant, any user signs in to their own.
    const Reply r =
        call("POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
             R"({"username":"eve@other.com","password":"eve123"})");
    QCOMPARE(r.status, 201);
    QCOMPARE(r.object().value(QStringLiteral("tenant")).toString(), QStringLiteral("other.com"));
}

void tst_Portal::sessionsAuthenticateTheRestApi()
{
    const Browser b = signIn();
    QVERIFY(!b.cookie.isEmpty());
    Reply r = as(b, "GET", QStringLiteral("/api/v1/session"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.object().value(QStringLiteral("signedIn")).toBool());
    QCOMPARE(r.object().value(QStringLiteral("user")).toString(),
             QStringLiteral("bob@quantis.com"));
    QCOMPARE(r.object().value(QStringLiteral("csrfToken")).toString().toLatin1(), b.csrf);
    r = as(b, "GET", QStringLiteral("/api/v1/apis"), {}, false); // reads need no CSRF token
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array().size(), 2);
    r = as(b, "POST", QStringLiteral("/api/v1/applications"), R"({"name":"Web"})");
    QCOMPARE(r.status, 201);
    // The same user through HTTP Basic sees it: one principal, two ways to sign in.
    r = call("GET", QStringLiteral("/api/v1/applications"),
             {{"Authorization", basic("bob@quantis.com", "user123")}});
    QCOMPARE(r.array().size(), 1);
    // Scripts without a session: as before (no CSRF token, the browser box offered).
    r = call("GET", QStringLiteral("/api/v1/session"));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.object().value(QStringLiteral("signedIn")).toBool());
    r = call("GET", QStringLiteral("/api/v1/session"),
             {{"Authorization", basic("bob@quantis.com", "user123")}});
    QCOMPARE(r.object().value(QStringLiteral("user")).toString(),
             QStringLiteral("bob@quantis.com"));
    QVERIFY(!r.object().contains(QStringLiteral("csrfToken")));
    r = call("GET", QStringLiteral("/api/v1/apis"));
    QCOMPARE(r.status, 401);
    QVERIFY(r.header("WWW-Authenticate").startsWith("Basic"));
    // An unknown cookie is refused, and cleared.
    r = call("GET", QStringLiteral("/api/v1/apis"), {{"Cookie", "rivulet_session=forged"}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.error(), QStringLiteral("unauthorized"));
    QVERIFY(r.header("WWW-Authenticate").isEmpty());
    QVERIFY(r.header("Set-Cookie").contains("Max-Age=0"));
}

void tst_Portal::changesNeedTheCsrfTokenAndOurOrigin()
{
    const Browser b = signIn();
    const QString apps = QStringLiteral("/api/v1/applications");
    const QByteArray body = R"({"name":"A"})";
    const QByteArray ours = "http://localhost:" + QByteArray::number(f->gateway->httpPort());
    auto post = [&](const QList<QPair<QByteArray, QByteArray>> &extra) {
        QList<QPair<QByteArray, QByteArray>> h{{"Cookie", b.cookie},
                                               {"Content-Type", "application/json"}};
        h.append(extra);
        return call("POST", apps, h, body);
    };
    Reply r = post({});
    QCOMPARE(r.status, 403);
    QCOMPARE(r.error(), QStringLiteral("csrf_failed"));
    r = post({{"X-CSRF-Token", "wrong"}});
    QCOMPARE(r.error(), QStringLiteral("csrf_failed"));
    r = post({{"X-CSRF-Token", signIn().csrf}}); // another session's token
    QCOMPARE(r.error(), QStringLiteral("csrf_failed"));
    // Another origin: refused even with the right token (another port of localhost is the
    // same site, so SameSite=Strict would let the cookie through).
    const QByteArray wrongScheme =
        "https://localhost:" + QByteArray::number(f->gateway->httpPort());
    for (const QByteArray &origin :
         QList<QByteArray>{"http://localhost:1", "http://evil.example", "null", wrongScheme}) {
        r = post({{"X-CSRF-Token", b.csrf}, {"Origin", origin}});
        QVERIFY2(r.status == 403 && r.error() == QLatin1String("cross_origin"), origin.constData());
    }
    for (const QByteArray &site : {QByteArray("same-site"), QByteArray("cross-site")}) {
        r = post({{"X-CSRF-Token", b.csrf}, {"Sec-Fetch-Site", site}});
        QVERIFY2(r.status == 403 && r.error() == QLatin1String("cross_origin"), site.constData());
    }
    // Every method that changes something, and the other places.
    r = call("DELETE", QStringLiteral("/api/v1/session"),
             {{"Cookie", b.cookie}, {"Origin", "http://localhost:1"}});
    QCOMPARE(r.status, 403);
    r = call("PATCH", QStringLiteral("/api/v1/applications/x"),
             {{"Cookie", b.cookie}, {"Content-Type", "application/json"}}, R"({"name":"B"})");
    QCOMPARE(r.status, 403);
    r = call("POST", QStringLiteral("/api/v1/session"),
             {{"Content-Type", "application/json"}, {"Origin", "http://localhost:1"}},
             R"({"username":"bob@quantis.com","password":"user123"})");
    QCOMPARE(r.status, 403); // no signing in a browser from another site
    QCOMPARE(as(b, "GET", apps).array().size(), 0);
    // Our own page: accepted.
    r = post({{"X-CSRF-Token", b.csrf}, {"Origin", ours}, {"Sec-Fetch-Site", "same-origin"}});
    QCOMPARE(r.status, 201);
    // Scripts with HTTP Basic need no CSRF token, but a browser page of another origin using the
    // browser's remembered Basic credentials is refused all the same.
    r = call("POST", apps,
             {{"Authorization", basic("bob@quantis.com", "user123")},
              {"Content-Type", "application/json"}},
             R"({"name":"Cli"})");
    QCOMPARE(r.status, 201);
    r = call("POST", apps,
             {{"Authorization", basic("bob@quantis.com", "user123")},
              {"Content-Type", "application/json"},
              {"Origin", "http://evil.example"}},
             R"({"name":"Evil"})");
    QCOMPARE(r.status, 403);
    QCOMPARE(as(b, "GET", apps).array().size(), 2);
}

void tst_Portal::signOutEndsTheSession()
{
    const Browser b = signIn();
    const Browser other = signIn();
    Reply r = as(b, "DELETE", QStringLiteral("/api/v1/session"), {}, false);
    QCOMPARE(r.status, 403); // signing out needs the token too
    r = as(b, "DELETE", QStringLiteral("/api/v1/session"));
    QCOMPARE(r.status, 204);
    QVERIFY(r.header("Set-Cookie").contains("Max-Age=0"));
    r = as(b, "GET", QStringLiteral("/api/v1/apis"));
    QCOMPARE(r.status, 401);
    QCOMPARE(r.error(), QStringLiteral("unauthorized"));
    QVERIFY(!as(b, "GET", QStringLiteral("/api/v1/session"))
                 .object()
                 .value(QStringLiteral("signedIn"))
                 .toBool());
    // Another session of the same user goes on.
    QCOMPARE(as(other, "GET", QStringLiteral("/api/v1/apis")).status, 200);
    // Signing out twice is fine.
    QCOMPARE(as(b, "DELETE", QStringLiteral("/api/v1/session")).status, 204);
}

void tst_Portal::sessionsExpire()
{
    // Idle: 600 s without a request. Each request restarts it; asking GET /session does not.
    Browser b = signIn();
    f->advance(599 * 1000);
    QCOMPARE(as(b, "GET", QStringLiteral("/api/v1/apis")).status, 200);
    f->advance(599 * 1000);
    Reply r = as(b, "GET", QStringLiteral("/api/v1/session"));
    QVERIFY(r.object().value(QStringLiteral("signedIn")).toBool());
    QCOMPARE(r.object().value(QStringLiteral("expiresIn")).toInt(), 1);
    f->advance(2 * 1000);
    r = as(b, "GET", QStringLiteral("/api/v1/apis"));
    QCOMPARE(r.status, 401);
    QCOMPARE(r.error(), QStringLiteral("session_expired"));
    QVERIFY(r.header("WWW-Authenticate").isEmpty());
    r = as(b, "GET", QStringLiteral("/api/v1/session"));
    QVERIFY(!r.object().value(QStringLiteral("signedIn")).toBool());
    QVERIFY(r.object().value(QStringLiteral("expired")).toBool());
    QCOMPARE(as(b, "POST", QStringLiteral("/api/v1/applications"), R"({"name":"A"})").error(),
             QStringLiteral("session_expired"));

    // Lifetime: 3600 s from sign-in, however busy.
    b = signIn();
    for (int i = 0; i < 7; ++i) {
        f->advance(500 * 1000);
        QCOMPARE(as(b, "GET", QStringLiteral("/api/v1/apis")).status, 200);
    }
    f->advance(101 * 1000);
    QCOMPARE(as(b, "GET", QStringLiteral("/api/v1/apis")).error(),
             QStringLiteral("session_expired"));
    // Long after, the gateway forgets it.
    f->advance(2 * 3600 * 1000);
    f->gateway->expireSessions();
    QCOMPARE(as(b, "GET", QStringLiteral("/api/v1/apis")).error(), QStringLiteral("unauthorized"));
}

// ---- sign-in limits ----------------------------------------------------------------------------

void tst_Portal::signInIsLimitedPerUser()
{
    auto session = [&](const char *user, const char *password) {
        return call(
            "POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
            QJsonDocument(QJsonObject{{QStringLiteral("username"), QLatin1String(user)},
                                      {QStringLiteral("password"), QLatin1String(password)}})
                .toJson(QJsonDocument::Compact));
    };
    QCOMPARE(session("bob@quantis.com", "x").status, 401);
    QCOMPARE(session("bob@quantis.com", "user123").status, 201); // a success clears the count
    QCOMPARE(session("bob@quantis.com", "x").status, 401);
    QCOMPARE(session("bob@quantis.com", "y").status, 401);
    Reply r = session("bob@quantis.com", "z");
    QCOMPARE(r.status, 423);
    QCOMPARE(r.error(), QStringLiteral("account_locked"));
    QCOMPARE(r.header("Retry-After"), QByteArray("60"));
    QCOMPARE(r.object().value(QStringLiteral("retryAfter")).toInt(), 60);
    QCOMPARE(r.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("wrong user name or password; the account bob@quantis.com is locked "
                            "after 3 failed sign-ins: try again in 1 min"));
    // Locked for everything that takes a password, the right one too.
    f->advance(15 * 1000);
    r = session("bob@quantis.com", "user123");
    QCOMPARE(r.status, 423);
    QCOMPARE(r.header("Retry-After"), QByteArray("45"));
    QVERIFY(r.object()
                .value(QStringLiteral("message"))
                .toString()
                .startsWith(QLatin1String("the account bob@quantis.com is locked after 3 failed "
                                          "sign-ins: try again in 45 s")));
    r = call("GET", QStringLiteral("/api/v1/apis"),
             {{"Authorization", basic("bob@quantis.com", "user123")}});
    QCOMPARE(r.status, 423);
    QVERIFY(!r.header("Retry-After").isEmpty());
    const auto admin = f->login("admin@quantis.com", "admin123");
    const auto app = f->application(admin, QStringLiteral("A"), QString(), QString());
    r = call("POST", QStringLiteral("/oauth2/token"),
             {{"Authorization", basic(app.clientId.toUtf8(), app.secret)},
              {"Content-Type", "application/x-www-form-urlencoded"}},
             "grant_type=password&username=bob%40quantis.com&password=user123");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error(), QStringLiteral("invalid_grant"));
    QVERIFY(r.object()
                .value(QStringLiteral("error_description"))
                .toString()
                .contains(QLatin1String("locked")));
    // Other users are not locked out with bob.
    QCOMPARE(session("admin@quantis.com", "admin123").status, 201);
    // Unknown users are locked just the same (a lock tells nothing about who exists).
    QCOMPARE(session("ghost@quantis.com", "a").status, 401);
    QCOMPARE(session("ghost@quantis.com", "b").status, 401);
    QCOMPARE(session("ghost@quantis.com", "c").status, 423);
    // The lock ends.
    f->advance(46 * 1000);
    QCOMPARE(session("bob@quantis.com", "user123").status, 201);
}

void tst_Portal::signInIsLimitedPerAddress()
{
    auto session = [&](const QString &user) {
        return call(
            "POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
            QJsonDocument(QJsonObject{{QStringLiteral("username"), user},
                                      {QStringLiteral("password"), QStringLiteral("guess")}})
                .toJson(QJsonDocument::Compact));
    };
    // Eight failures from this address, one per name (no user gets locked).
    for (int i = 0; i < 7; ++i)
        QCOMPARE(session(QStringLiteral("user%1@quantis.com").arg(i)).status, 401);
    Reply r = session(QStringLiteral("user7@quantis.com"));
    QCOMPARE(r.status, 429);
    QCOMPARE(r.error(), QStringLiteral("too_many_attempts"));
    QCOMPARE(r.header("Retry-After"), QByteArray("60"));
    QVERIFY(r.object()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QLatin1String("too many failed sign-ins from")));
    // Then nobody signs in from here for a while, bob included.
    r = call("POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
             R"({"username":"bob@quantis.com","password":"user123"})");
    QCOMPARE(r.status, 429);
    f->advance(61 * 1000);
    r = call("POST", QStringLiteral("/api/v1/session"), {{"Content-Type", "application/json"}},
             R"({"username":"bob@quantis.com","password":"user123"})");
    QCOMPARE(r.status, 201);
}

// ---- the operations the page uses ------------------------------------------------------------

void tst_Portal::tenantsArePublic()
{
    const Reply r = call("GET", QStringLiteral("/api/v1/tenants"));
    QCOMPARE(r.status, 200);
    const QJsonArray t = r.array();
    QCOMPARE(t.size(), 2);
    QCOMPARE(t[0].toObject().value(QStringLiteral("domain")).toString(),
             QStringLiteral("quantis.com"));
    QCOMPARE(t[0].toObject().value(QStringLiteral("apis")).toInt(), 2);
    QCOMPARE(t[0].toObject().value(QStringLiteral("portal")).toString(),
             QStringLiteral("/t/quantis.com/devportal/"));
    QCOMPARE(t[1].toObject().value(QStringLiteral("domain")).toString(),
             QStringLiteral("other.com"));
    QVERIFY(!r.body.contains("bob")); // no users
    QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants")).status, 405);
}

void tst_Portal::renameApplication()
{
    const Browser b = signIn();
    const QString id = as(b, "POST", QStringLiteral("/api/v1/applications"), R"({"name":"One"})")
                           .object()
                           .value(QStringLiteral("id"))
                           .toString();
    as(b, "POST", QStringLiteral("/api/v1/applications"), R"({"name":"Two"})");
    const QString path = QStringLiteral("/api/v1/applications/") + id;
    Reply r = as(b, "PATCH", path, R"({"name":"Uno","description":"first"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("name")).toString(), QStringLiteral("Uno"));
    QCOMPARE(r.object().value(QStringLiteral("description")).toString(), QStringLiteral("first"));
    r = as(b, "PATCH", path, R"({"description":"only this"})"); // the name stays
    QCOMPARE(r.object().value(QStringLiteral("name")).toString(), QStringLiteral("Uno"));
    r = as(b, "PATCH", path, R"({"name":"two"})");
    QCOMPARE(r.status, 409);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("name"));
    r = as(b, "PATCH", path, R"({"name":"<script>"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("name"));
    r = as(b, "PATCH", path, R"({"name":7})");
    QCOMPARE(r.status, 400);
    // Kept across a restart.
    f->stop();
    QVERIFY(f->start());
    r = call("GET", path, {{"Authorization", basic("bob@quantis.com", "user123")}});
    QCOMPARE(r.object().value(QStringLiteral("name")).toString(), QStringLiteral("Uno"));
    QCOMPARE(r.object().value(QStringLiteral("description")).toString(),
             QStringLiteral("only this"));
    // Another tenant's user cannot see it; another user's session neither.
    r = call(
        "PATCH", path,
        {{"Authorization", basic("eve@other.com", "eve123")}, {"Content-Type", "application/json"}},
        R"({"name":"Mine"})");
    QCOMPARE(r.status, 404);
}

void tst_Portal::tokensWithAChosenValidity()
{
    const auto bob = f->login("bob@quantis.com", "user123");
    const auto app =
        f->application(bob, QStringLiteral("T"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                       QStringLiteral("AsyncGold"));
    const Browser b = signIn();
    const QString tokens = QStringLiteral("/api/v1/applications/%1/tokens").arg(app.id);
    Reply r = as(b, "POST", tokens, R"({"validity":120})");
    QCOMPARE(r.status, 201);
    const QByteArray token = r.object().value(QStringLiteral("accessToken")).toString().toLatin1();
    QCOMPARE(token.size(), 43);
    QCOMPARE(r.object().value(QStringLiteral("expiresIn")).toInt(), 120);
    QCOMPARE(r.object().value(QStringLiteral("tokenType")).toString(), QStringLiteral("Bearer"));
    const QString id = r.object().value(QStringLiteral("id")).toString();
    QCOMPARE(id, QString::fromLatin1(Gateway::Credentials::sha256(token).left(8).toHex()));
    f->advance(1000);
    r = as(b, "POST", tokens, "{}"); // the deployment's lifetime
    QCOMPARE(r.object().value(QStringLiteral("expiresIn")).toInt(), 3600);
    for (const char *bad : {R"({"validity":0.5})", R"({"validity":"1h"})", R"({"validity":-5})",
                            R"({"validity":86401})"}) {
        r = as(b, "POST", tokens, bad);
        QVERIFY2(r.status == 400
                     && r.object().value(QStringLiteral("field")) == QLatin1String("validity"),
                 bad);
    }
    // Listed without the token itself.
    r = as(b, "GET", tokens);
    QCOMPARE(r.array().size(), 2);
    QVERIFY(!r.body.contains(token));
    QCOMPARE(r.array()[1].toObject().value(QStringLiteral("id")).toString(), id);
    QCOMPARE(r.array()[1].toObject().value(QStringLiteral("grantType")).toString(),
             QStringLiteral("client_credentials"));
    // It connects; it expires when chosen.
    const QByteArray path = "/t/quantis.com/train/location/1.0.0/loc-train-qnt-456";
    QCOMPARE(f->handshake(f->gateway->wsPort(), path, "Authorization: Bearer " + token + "\r\n"),
             101);
    f->advance(121 * 1000);
    QCOMPARE(f->handshake(f->gateway->wsPort(), path, "Authorization: Bearer " + token + "\r\n"),
             401);
    QCOMPARE(as(b, "GET", tokens).array().size(), 1);
    // Revoked: refused at once, gone from the list.
    r = as(b, "POST", tokens, R"({"validity":600})");
    const QByteArray second = r.object().value(QStringLiteral("accessToken")).toString().toLatin1();
    QCOMPARE(f->handshake(f->gateway->wsPort(), path, "Authorization: Bearer " + second + "\r\n"),
             101);
    r = as(b, "DELETE", tokens + u'/' + r.object().value(QStringLiteral("id")).toString());
    QCOMPARE(r.status, 204);
    QCOMPARE(f->handshake(f->gateway->wsPort(), path, "Authorization: Bearer " + second + "\r\n"),
             401);
    QCOMPARE(as(b, "DELETE", tokens + QStringLiteral("/0123456789abcdef")).status, 404);
    // Another user's application: not found.
    r = call("POST", tokens,
             {{"Authorization", basic("admin@quantis.com", "admin123")},
              {"Content-Type", "application/json"}},
             "{}");
    QCOMPARE(r.status, 201); // the tenant's admin may
    r = call(
        "POST", tokens,
        {{"Authorization", basic("eve@other.com", "eve123")}, {"Content-Type", "application/json"}},
        "{}");
    QCOMPARE(r.status, 404);
}

void tst_Portal::changePolicy()
{
    const auto bob = f->login("bob@quantis.com", "user123");
    const auto app = f->application(bob, QStringLiteral("P"), QString(), QString());
    const Browser b = signIn();
    Reply r = as(
        b, "POST", QStringLiteral("/api/v1/subscriptions"),
        QStringLiteral(
            R"({"applicationId":"%1","apiId":"TrainRealLocationAPI:1.0.0","policy":"AsyncGold"})")
            .arg(app.id)
            .toUtf8());
    QCOMPARE(r.status, 201);
    const QString path = QStringLiteral("/api/v1/subscriptions/")
                         + r.object().value(QStringLiteral("id")).toString();
    r = as(b, "PATCH", path, R"({"policy":"Tiny"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("policy")).toString(), QStringLiteral("Tiny"));
    QCOMPARE(
        r.object().value(QStringLiteral("quota")).toObject().value(QStringLiteral("limit")).toInt(),
        3);
    r = as(b, "PATCH", path, R"({"policy":"NoSuch"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("policy"));
    r = as(b, "PATCH", path, "{}");
    QCOMPARE(r.status, 400);
    // The new policy is the one that throttles: Tiny allows 3 events a day.
    const QByteArray token = f->token(app);
    QWebSocket ws;
    QNetworkRequest request(
        QUrl(QStringLiteral("ws://127.0.0.1:%1/t/quantis.com/train/location/1.0.0/loc-train-qnt-7")
                 .arg(f->gateway->wsPort())));
    request.setRawHeader("Authorization", "Bearer " + token);
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy messages(&ws, &QWebSocket::textMessageReceived);
    QSignalSpy closed(&ws, &QWebSocket::disconnected);
    ws.open(request);
    QVERIFY(connected.wait(5000));
    for (int i = 0; i < 4; ++i)
        f->send("7");
    QTRY_VERIFY_WITH_TIMEOUT(closed.count() == 1, 5000);
    QCOMPARE(messages.count(), 3);
    QCOMPARE(int(ws.closeCode()), 4429); // outside the enum's named values: compare as int
    // Kept across a restart.
    f->stop();
    QVERIFY(f->start());
    r = call("GET", path, {{"Authorization", basic("bob@quantis.com", "user123")}});
    QCOMPARE(r.object().value(QStringLiteral("policy")).toString(), QStringLiteral("Tiny"));
}

void tst_Portal::tryItCommands()
{
    const Browser b = signIn();
    const QString connect = QStringLiteral("/api/v1/apis/TrainRealLocationAPI:1.0.0/connect");
    Reply r =
        as(b, "GET", connect + QStringLiteral("?channel=loc-train-qnt-%7BtrainId%7D&trainId=456"));
    QCOMPARE(r.status, 200);
    const QString ws =
        QStringLiteral("ws://localhost:%1/t/quantis.com/train/location/1.0.0/loc-train-qnt-456/")
            .arg(f->gateway->wsPort());
    QJsonObject o = r.object();
    QCOMPARE(o.value(QStringLiteral("topic")).toString(), QStringLiteral("loc-train-qnt-456"));
    QCOMPARE(o.value(QStringLiteral("urls")).toObject().value(QStringLiteral("ws")).toString(), ws);
    QCOMPARE(o.value(QStringLiteral("commands")).toObject().value(QStringLiteral("ws")).toString(),
             QStringLiteral("wscat -c %1 -H \"Authorization: Bearer $TOKEN\"").arg(ws));
    // The self-signed certificate the gateway made: wscat must be told to trust it.
    QCOMPARE(
        o.value(QStringLiteral("commands")).toObject().value(QStringLiteral("wss")).toString(),
        QStringLiteral("wscat --ca %1 -c wss://localhost:%2/t/quantis.com/train/location/1.0.0/"
                       "loc-train-qnt-456/ -H \"Authorization: Bearer $TOKEN\"")
            .arg(f->gateway->certificatePath())
            .arg(f->gateway->wssPort()));
    QCOMPARE(o.value(QStringLiteral("tokenPlaceholder")).toString(), QStringLiteral("$TOKEN"));
    // A whole topic; odd characters are encoded, and the command stays one shell word.
    r = as(b, "GET", connect + QStringLiteral("?topic=loc-train-qnt-a%20b'%3Bx"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object()
                 .value(QStringLiteral("commands"))
                 .toObject()
                 .value(QStringLiteral("ws"))
                 .toString(),
             QStringLiteral("wscat -c ws://localhost:%1/t/quantis.com/train/location/1.0.0/"
                            "loc-train-qnt-a%20b%27%3Bx/ -H \"Authorization: Bearer $TOKEN\"")
                 .arg(f->gateway->wsPort()));
    // Refusals name the field.
    r = as(b, "GET", connect + QStringLiteral("?channel=loc-train-qnt-%7BtrainId%7D"));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("trainId"));
    r = as(b, "GET", connect + QStringLiteral("?channel=loc-train-qnt-%7BtrainId%7D&trainId=a/b"));
    QCOMPARE(r.status, 400);
    r = as(b, "GET", connect + QStringLiteral("?topic=nope"));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("topic"));
    r = as(b, "GET", connect + QStringLiteral("?channel=nope"));
    QCOMPARE(r.status, 404);
    r = as(b, "GET", connect);
    QCOMPARE(r.status, 400);
    r = as(b, "GET", QStringLiteral("/api/v1/apis/OtherAPI:2/connect?topic=all"));
    QCOMPARE(r.status, 404); // another tenant's API
}

void tst_Portal::usageTodayAndThisMonth()
{
    const auto bob = f->login("bob@quantis.com", "user123");
    const auto app =
        f->application(bob, QStringLiteral("U"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                       QStringLiteral("TinyDrop"));
    const Browser b = signIn();
    const QString usage = QStringLiteral("/api/v1/applications/%1/usage").arg(app.id);
    Reply r = as(b, "GET", usage);
    QCOMPARE(r.status, 200);
    QJsonArray subs = r.object().value(QStringLiteral("subscriptions")).toArray();
    QCOMPARE(subs.size(), 1);
    QCOMPARE(subs[0]
                 .toObject()
                 .value(QStringLiteral("today"))
                 .toObject()
                 .value(QStringLiteral("delivered"))
                 .toInt(),
             0);
    // Five events to one subscriber under TinyDrop (3 a day): 3 delivered, 2 throttled.
    QWebSocket ws;
    QNetworkRequest request(
        QUrl(QStringLiteral("ws://127.0.0.1:%1/t/quantis.com/train/location/1.0.0/loc-train-qnt-5")
                 .arg(f->gateway->wsPort())));
    request.setRawHeader("Authorization", "Bearer " + f->token(app));
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy messages(&ws, &QWebSocket::textMessageReceived);
    ws.open(request);
    QVERIFY(connected.wait(5000));
    for (int i = 0; i < 5; ++i)
        f->send("5");
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 3, 5000);
    r = as(b, "GET", usage);
    const QJsonObject o = r.object();
    const QDate today = QDateTime::fromMSecsSinceEpoch(f->clock->load(), QTimeZone::utc()).date();
    QCOMPARE(o.value(QStringLiteral("day")).toString(), today.toString(Qt::ISODate));
    QCOMPARE(o.value(QStringLiteral("month")).toString(),
             today.toString(QStringLiteral("yyyy-MM")));
    QTRY_COMPARE_WITH_TIMEOUT(as(b, "GET", usage)
                                  .object()
                                  .value(QStringLiteral("subscriptions"))
                                  .toArray()[0]
                                  .toObject()
                                  .value(QStringLiteral("today"))
                                  .toObject()
                                  .value(QStringLiteral("throttled"))
                                  .toInt(),
                              2, 5000);
    subs = as(b, "GET", usage).object().value(QStringLiteral("subscriptions")).toArray();
    const QJsonObject s = subs[0].toObject();
    QCOMPARE(s.value(QStringLiteral("policy")).toString(), QStringLiteral("TinyDrop"));
    QCOMPARE(s.value(QStringLiteral("today")).toObject().value(QStringLiteral("delivered")).toInt(),
             3);
    QCOMPARE(s.value(QStringLiteral("month")).toObject().value(QStringLiteral("delivered")).toInt(),
             3);
    QCOMPARE(s.value(QStringLiteral("month")).toObject().value(QStringLiteral("throttled")).toInt(),
             2);
    // Another user's application: not found.
    r = call("GET", usage, {{"Authorization", basic("eve@other.com", "eve123")}});
    QCOMPARE(r.status, 404);
}

QTEST_GUILESS_MAIN(tst_Portal)
#include "tst_portal.moc"
