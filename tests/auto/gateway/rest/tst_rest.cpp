#include "../gatewayfixture.h"
#include "../httpexchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>

using namespace GatewayTest;

class tst_Rest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void tokenEndpointSpeaksRfc6749();
    void revocationSpeaksRfc7009();
    void signInIsRequired();
    void developerFlow();
    void injectionInEveryField_data();
    void injectionInEveryField();
    void tenantsSeeOnlyTheirOwn();
    void bodiesAreChecked();
    void usageAndAnalytics();
    void httpsServesTheSame();

private:
    Reply call(const QByteArray &method, const QString &path, const QByteArray &authorization = {},
               const QByteArray &body = {}, const QByteArray &contentType = "application/json",
               bool https = false);
    Reply form(const QString &path, const QByteArray &authorization, const QByteArray &body)
    {
        return call("POST", path, authorization, body, "application/x-www-form-urlencoded");
    }
    std::unique_ptr<Fixture> f;
    QNetworkAccessManager m_net;
    const QByteArray m_bob = basic("bob@quantis.com", "user123");
};

void tst_Rest::init()
{
    f = std::make_unique<Fixture>();
    QVERIFY(f->start());
}

void tst_Rest::cleanup()
{
    f.reset();
}

Reply tst_Rest::call(const QByteArray &method, const QString &path, const QByteArray &authorization,
                     const QByteArray &body, const QByteArray &contentType, bool https)
{
    QUrl url(QStringLiteral("%1://localhost:%2")
                 .arg(https ? QStringLiteral("https") : QStringLiteral("http"))
                 .arg(https ? f->gateway->httpsPort() : f->gateway->httpPort()));
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", contentType);
    return exchange(m_net, request, method, body,
                    https ? f->gateway->certificatePath() : QString());
}

void tst_Rest::tokenEndpointSpeaksRfc6749()
{
    const auto bob = f->login("bob@quantis.com", "user123");
    const auto app = f->application(bob, QStringLiteral("A"), QString(), QString());
    const QByteArray client = basic(app.clientId.toUtf8(), app.secret);

    Reply r = form(QStringLiteral("/oauth2/token"), client, "grant_type=client_credentials");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(r.object().value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(r.object().value(QStringLiteral("expires_in")).toInt(), 3600);
    QCOMPARE(r.object().value(QStringLiteral("access_token")).toString().size(), 43);

    r = form(QStringLiteral("/oauth2/token"), client,
             "grant_type=password&username=bob%40quantis.com&password=user123");
    QCOMPARE(r.status, 200);
    // Client id and secret in the body work too.
    r = form(QStringLiteral("/oauth2/token"), {},
             "grant_type=client_credentials&client_id=" + app.clientId.toUtf8()
                 + "&client_secret=" + app.secret);
    QCOMPARE(r.status, 200);

    struct Case
    {
        const char *name;
        QByteArray authorization;
        QByteArray body;
        int status;
        const char *error;
    };
    const QList<Case> cases = {
        {"no grant type", client, "scope=x", 400, "invalid_request"},
        {"unknown grant", client, "grant_type=authorization_code&code=x", 400,
         "unsupported_grant_type"},
        {"no client", {}, "grant_type=client_credentials", 401, "invalid_client"},
        {"wrong secret", basic(app.clientId.toUtf8(), "nope"), "grant_type=client_credentials", 401,
         "invalid_client"},
        {"malformed basic", "Basic %%%", "grant_type=client_credentials", 401, "invalid_client"},
        {"unknown client", basic("someone", "x"), "grant_type=client_credentials", 401,
         "invalid_client"},
        {"wrong password", client, "grant_type=password&username=bob%40quantis.com&password=x", 400,
         "invalid_grant"},
        {"unknown user", client, "grant_type=password&username=nobody&password=x", 400,
         "invalid_grant"},
        {"password grant without password", client,
         "grant_type=password&username=bob%40quantis.com", 400, "invalid_request"},
        {"unknown scope", client, "grant_type=client_credentials&scope=root", 400, "invalid_scope"},
        {"two client authentications", client, "grant_type=client_credentials&client_secret=x", 400,
         "invalid_request"},
    };
    for (const Case &c : cases) {
        r = form(QStringLiteral("/oauth2/token"), c.authorization, c.body);
        QVERIFY2(r.status == c.status, qPrintable(QStringLiteral("%1: %2 %3")
                                                      .arg(QLatin1String(c.name))
                                                      .arg(r.status)
                                                      .arg(QString::fromUtf8(r.body))));
        QCOMPARE(r.object().value(QStringLiteral("error")).toString(),
                 QString::fromLatin1(c.error));
        QVERIFY(!r.object().value(QStringLiteral("error_description")).toString().isEmpty());
        if (c.status == 401)
            QVERIFY2(r.header("WWW-Authenticate").startsWith("Basic"), c.name);
    }
    r = call("POST", QStringLiteral("/oauth2/token"), client, "{\"grant_type\":1}");
    QCOMPARE(r.status, 400);
    r = call("GET", QStringLiteral("/oauth2/token"));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("Allow"), QByteArray("POST"));
}

void tst_Rest::revocationSpeaksRfc7009()
{
    const auto bob = f->login("bob@quantis.com", "user123");
    const auto a = f->application(bob, QStringLiteral("A"), QString(), QString());
    const auto b = f->application(bob, QStringLiteral("B"), QString(), QString());
    const QByteArray token = f->token(a);
    Reply r = form(QStringLiteral("/oauth2/revoke"), basic(b.clientId.toUtf8(), b.secret),
                   "token=" + token);
    QCOMPARE(r.status, 400); // not b's token
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(),
             QStringLiteral("unauthorized_client"));
    r = form(QStringLiteral("/oauth2/revoke"), basic(a.clientId.toUtf8(), "bad"), "token=" + token);
    QCOMPARE(r.status, 401);
    r = form(QStringLiteral("/oauth2/revoke"), basic(a.clientId.toUtf8(), a.secret),
             "token=" + token + "&token_type_hint=access_token");
    QCOMPARE(r.status, 200);
    r = form(QStringLiteral("/oauth2/revoke"), basic(a.clientId.toUtf8(), a.secret),
             "token=never-issued");
    QCOMPARE(r.status, 200);
    r = form(QStringLiteral("/oauth2/revoke"), basic(a.clientId.toUtf8(), a.secret),
             "token=x&token_type_hint=id_token");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(),
             QStringLiteral("unsupported_token_type"));
}

void tst_Rest::signInIsRequired()
{
    Reply r = call("GET", QStringLiteral("/api/v1/apis"));
    QCOMPARE(r.status, 401);
    QVERIFY(r.header("WWW-Authenticate").startsWith("Basic realm="));
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("unauthorized"));
    r = call("GET", QStringLiteral("/api/v1/apis"), basic("bob@quantis.com", "wrong"));
    QCOMPARE(r.status, 401);
    r = call("GET", QStringLiteral("/api/v1/apis"), "Basic !!!");
    QCOMPARE(r.status, 401);
    r = call("GET", QStringLiteral("/api/v1/apis"), basic("nobody", "x"));
    QCOMPARE(r.status, 401);
    r = call("GET", QStringLiteral("/api/v1/apis"), m_bob);
    QCOMPARE(r.status, 200);
    // A password-grant token stands for its user; a client-credentials one does not.
    const auto bob = f->login("bob@quantis.com", "user123");
    const auto app = f->application(bob, QStringLiteral("A"), QString(), QString());
    const QByteArray userToken =
        f->token(app, QStringLiteral("password"), QStringLiteral("bob@quantis.com"), "user123");
    r = call("GET", QStringLiteral("/api/v1/applications"), "Bearer " + userToken);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array().size(), 1);
    r = call("GET", QStringLiteral("/api/v1/applications"), "Bearer " + f->token(app));
    QCOMPARE(r.status, 401);
}

void tst_Rest::developerFlow()
{
    Reply r = call("GET", QStringLiteral("/api/v1/apis"), m_bob);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array().size(), 2); // TrainRealLocationAPI and SecureTrainAPI, not OtherAPI
    const QJsonObject api = r.array()[0].toObject();
    QCOMPARE(api.value(QStringLiteral("name")).toString(), QStringLiteral("TrainRealLocationAPI"));
    QVERIFY(api.value(QStringLiteral("urls"))
                .toObject()
                .value(QStringLiteral("ws"))
                .toString()
                .endsWith(QLatin1String("/t/quantis.com/train/location/1.0.0/")));
    const QString apiId = api.value(QStringLiteral("id")).toString();
    r = call("GET", QStringLiteral("/api/v1/apis/") + apiId + QStringLiteral("/asyncapi"), m_bob);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("asyncapi")).toString(), QStringLiteral("2.6.0"));
    r = call("GET", QStringLiteral("/api/v1/apis/TrainRealLocationAPI:1.0.0"), m_bob);
    QCOMPARE(r.status, 200);
    r = call("GET", QStringLiteral("/api/v1/policies"), m_bob);
    QCOMPARE(r.status, 200);
    QVERIFY(r.array().size() >= 4);

    r = call("POST", QStringLiteral("/api/v1/applications"), m_bob,
             R"({"name":"TrainApp","description":"location of trains"})");
    QCOMPARE(r.status, 201);
    const QString appId = r.object().value(QStringLiteral("id")).toString();
    const QString clientId = r.object().value(QStringLiteral("clientId")).toString();
    const QByteArray secret = r.object().value(QStringLiteral("clientSecret")).toString().toUtf8();
    QVERIFY(!secret.isEmpty());
    r = call("POST", QStringLiteral("/api/v1/applications"), m_bob, R"({"name":"trainapp"})");
    QCOMPARE(r.status, 409);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("name"));
    r = call("GET", QStringLiteral("/api/v1/applications/") + appId, m_bob);
    QCOMPARE(r.status, 200);
    QVERIFY(!r.object().contains(QStringLiteral("clientSecret"))); // shown once only

    // New keys: the old secret stops working.
    r = call("POST", QStringLiteral("/api/v1/applications/%1/keys").arg(appId), m_bob);
    QCOMPARE(r.status, 200);
    const QByteArray newSecret =
        r.object().value(QStringLiteral("clientSecret")).toString().toUtf8();
    QCOMPARE(r.object().value(QStringLiteral("clientId")).toString(), clientId);
    QCOMPARE(form(QStringLiteral("/oauth2/token"), basic(clientId.toUtf8(), secret),
                  "grant_type=client_credentials")
                 .status,
             401);
    QCOMPARE(form(QStringLiteral("/oauth2/token"), basic(clientId.toUtf8(), newSecret),
                  "grant_type=client_credentials")
                 .status,
             200);

    const QByteArray subscribe =
        QJsonDocument(QJsonObject{{QStringLiteral("applicationId"), appId},
                                  {QStringLiteral("apiId"), apiId},
                                  {QStringLiteral("policy"), QStringLiteral("AsyncBronze")}})
            .toJson();
    r = call("POST", QStringLiteral("/api/v1/subscriptions"), m_bob, subscribe);
    QCOMPARE(r.status, 201);
    const QString subId = r.object().value(QStringLiteral("id")).toString();
    QCOMPARE(
        r.object().value(QStringLiteral("quota")).toObject().value(QStringLiteral("limit")).toInt(),
        5000);
    r = call("POST", QStringLiteral("/api/v1/subscriptions"), m_bob, subscribe);
    QCOMPARE(r.status, 409);
    r = call("GET", QStringLiteral("/api/v1/subscriptions?applicationId=") + appId, m_bob);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array().size(), 1);
    r = call("DELETE", QStringLiteral("/api/v1/subscriptions/") + subId, m_bob);
    QCOMPARE(r.status, 204);
    r = call("GET", QStringLiteral("/api/v1/subscriptions/") + subId, m_bob);
    QCOMPARE(r.status, 404);
    r = call("DELETE", QStringLiteral("/api/v1/applications/") + appId, m_bob);
    QCOMPARE(r.status, 204);
    r = call("GET", QStringLiteral("/api/v1/applications"), m_bob);
    QCOMPARE(r.array().size(), 0);
    QCOMPARE(form(QStringLiteral("/oauth2/token"), basic(clientId.toUtf8(), newSecret),
                  "grant_type=client_credentials")
                 .status,
             401);
    r = call("PUT", QStringLiteral("/api/v1/applications"), m_bob, "{}");
    QCOMPARE(r.status, 405);
    r = call("GET", QStringLiteral("/api/v1/nothing"), m_bob);
    QCOMPARE(r.status, 404);
}

void tst_Rest::injectionInEveryField_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    const QByteArray evil = "x'); DROP TABLE applications; --";
    const QByteArray evilJson = "\"x'); DROP TABLE applications; --\"";
    QTest::newRow("application name") << QByteArray("POST") << "/api/v1/applications"
                                      << QByteArray("{\"name\":" + evilJson + "}") << 400;
    QTest::newRow("application name, quote") << QByteArray("POST") << "/api/v1/applications"
                                             << QByteArray(R"({"name":"a' OR '1'='1"})") << 400;
    QTest::newRow("description (kept as text)")
        << QByteArray("POST") << "/api/v1/applications"
        << QByteArray("{\"name\":\"Safe\",\"description\":" + evilJson + "}") << 201;
    QTest::newRow("subscription applicationId")
        << QByteArray("POST") << "/api/v1/subscriptions"
        << QByteArray("{\"applicationId\":" + evilJson
                      + ",\"apiId\":\"TrainRealLocationAPI:1.0.0\",\"policy\":\"AsyncGold\"}")
        << 404;
    QTest::newRow("subscription apiId") << QByteArray("POST") << "/api/v1/subscriptions"
                                        << QByteArray("{\"applicationId\":\"APP\",\"apiId\":"
                                                      + evilJson + ",\"policy\":\"AsyncGold\"}")
                                        << 404;
    QTest::newRow("subscription policy")
        << QByteArray("POST") << "/api/v1/subscriptions"
        << QByteArray("{\"applicationId\":\"APP\",\"apiId\":\"TrainRealLocationAPI:1.0.0\","
                      "\"policy\":"
                      + evilJson + "}")
        << 400;
    QTest::newRow("application id in the path")
        << QByteArray("GET")
        << QStringLiteral("/api/v1/applications/")
               + QString::fromUtf8(QUrl::toPercentEncoding(QString::fromUtf8(evil)))
        << QByteArray() << 404;
    QTest::newRow("keys of an id in the path")
        << QByteArray("POST") << "/api/v1/applications/1%20OR%201=1/keys" << QByteArray() << 404;
    QTest::newRow("subscription id in the path")
        << QByteArray("DELETE") << "/api/v1/subscriptions/'%20OR%20''='" << QByteArray() << 404;
    QTest::newRow("api id in the path")
        << QByteArray("GET") << "/api/v1/apis/'%3B--" << QByteArray() << 404;
    QTest::newRow("subscriptions query")
        << QByteArray("GET") << "/api/v1/subscriptions?applicationId=1'%20OR%20'1'='1"
        << QByteArray() << 404;
    QTest::newRow("usage from") << QByteArray("GET") << "/api/v1/usage?from=2026-01-01'%20OR%201=1"
                                << QByteArray() << 400;
    QTest::newRow("usage period") << QByteArray("GET") << "/api/v1/usage?period=day;DROP"
                                  << QByteArray() << 400;
    QTest::newRow("usage application")
        << QByteArray("GET") << "/api/v1/usage?applicationId=x'%20OR%201=1" << QByteArray() << 404;
}

void tst_Rest::injectionInEveryField()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    Reply r = call("POST", QStringLiteral("/api/v1/applications"), m_bob, R"({"name":"Mine"})");
    QCOMPARE(r.status, 201);
    body.replace("APP", r.object().value(QStringLiteral("id")).toString().toUtf8());
    r = call(method, path, m_bob, body);
    QVERIFY2(r.status == status, r.body.constData());
    QVERIFY(r.object().contains(QStringLiteral("error")) || status < 300);
    // The store is whole: the application made before is still there.
    r = call("GET", QStringLiteral("/api/v1/applications"), m_bob);
    QCOMPARE(r.status, 200);
    QVERIFY(r.array().size() >= 1);
    QCOMPARE(r.array()[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Mine"));
    if (status == 201)
        QCOMPARE(r.array()[1].toObject().value(QStringLiteral("description")).toString(),
                 QStringLiteral("x'); DROP TABLE applications; --"));
    // The token endpoint too.
    r = form(QStringLiteral("/oauth2/token"), basic("x' OR '1'='1", "' OR '1'='1"),
             "grant_type=password&username=x'%20OR%20'1'='1&password='%20OR%20''='");
    QCOMPARE(r.status, 401);
}

void tst_Rest::tenantsSeeOnlyTheirOwn()
{
    const QByteArray eve = basic("eve@other.com", "eve123");
    Reply r = call("POST", QStringLiteral("/api/v1/applications"), m_bob, R"({"name":"BobApp"})");
    const QString bobApp = r.object().value(QStringLiteral("id")).toString();
    r = call("GET", QStringLiteral("/api/v1/apis"), eve);
    QCOMPARE(r.array().size(), 1);
    QCOMPARE(r.array()[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("OtherAPI"));
    r = call("GET", QStringLiteral("/api/v1/apis/TrainRealLocationAPI:1.0.0"), eve);
    QCOMPARE(r.status, 404);
    r = call("GET", QStringLiteral("/api/v1/applications/") + bobApp, eve);
    QCOMPARE(r.status, 404);
    r = call("DELETE", QStringLiteral("/api/v1/applications/") + bobApp, eve);
    QCOMPARE(r.status, 404);
    r = call("POST", QStringLiteral("/api/v1/applications"), eve, R"({"name":"EveApp"})");
    const QString eveApp = r.object().value(QStringLiteral("id")).toString();
    r = call("POST", QStringLiteral("/api/v1/subscriptions"), eve,
             QJsonDocument(QJsonObject{{QStringLiteral("applicationId"), eveApp},
                                       {QStringLiteral("apiId"),
                                        QStringLiteral("TrainRealLocationAPI:1.0.0")},
                                       {QStringLiteral("policy"), QStringLiteral("AsyncGold")}})
                 .toJson());
    QCOMPARE(r.status, 404);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("apiId"));
    // Another user of the same tenant does not see bob's either (an admin does).
    r = call("GET", QStringLiteral("/api/v1/applications/") + bobApp,
             basic("admin@quantis.com", "admin123"));
    QCOMPARE(r.status, 200);
}

void tst_Rest::bodiesAreChecked()
{
    Reply r = call("POST", QStringLiteral("/api/v1/applications"), m_bob, "{not json");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(),
             QStringLiteral("invalid_request"));
    r = call("POST", QStringLiteral("/api/v1/applications"), m_bob, "[1,2]");
    QCOMPARE(r.status, 400);
    r = call("POST", QStringLiteral("/api/v1/applications"), m_bob, R"({"name":42})");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("name"));
    r = call("POST", QStringLiteral("/api/v1/applications"), m_bob,
             "{\"name\":\"" + QByteArray(200, 'a') + "\"}");
    QCOMPARE(r.status, 400);
    r = call("POST", QStringLiteral("/api/v1/subscriptions"), m_bob, "{}");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("field")).toString(), QStringLiteral("applicationId"));
}

void tst_Rest::usageAndAnalytics()
{
    Reply r = call("GET", QStringLiteral("/metrics"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    QVERIFY(r.body.contains("# TYPE rivulet_gateway_api_events_delivered_total counter"));
    QVERIFY(r.body.contains("rivulet_gateway_api_connections{tenant=\"quantis.com\","
                            "api=\"TrainRealLocationAPI\",version=\"1.0.0\"} 0"));
    r = call("GET", QStringLiteral("/api/v1/analytics"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("apis")).toArray().size(), 3);
    r = call("GET", QStringLiteral("/api/v1/usage?format=csv"), m_bob);
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("text/csv"));
    QVERIFY(r.body.startsWith("period,tenant,application,"));
    r = call("GET", QStringLiteral("/api/v1/usage?period=day"), m_bob);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("period")).toString(), QStringLiteral("day"));
    r = call("GET", QStringLiteral("/api/v1/usage?format=xml"), m_bob);
    QCOMPARE(r.status, 400);
}

void tst_Rest::httpsServesTheSame()
{
    Reply r = call("GET", QStringLiteral("/api/v1/apis"), m_bob, {}, {}, true);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array().size(), 2);
    // Over https, analytics are for admins.
    r = call("GET", QStringLiteral("/metrics"), {}, {}, {}, true);
    QCOMPARE(r.status, 401);
    r = call("GET", QStringLiteral("/metrics"), m_bob, {}, {}, true);
    QCOMPARE(r.status, 403);
    r = call("GET", QStringLiteral("/api/v1/analytics"), basic("admin@quantis.com", "admin123"), {},
             {}, true);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("apis")).toArray().size(), 2); // its tenant's
}

QTEST_GUILESS_MAIN(tst_Rest)
#include "tst_rest.moc"
