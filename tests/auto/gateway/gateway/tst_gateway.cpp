#include "../gatewayfixture.h"

#include "engine/gateway/keystore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QWebSocket>

#include <fstream>
#include <vector>

using namespace GatewayTest;
using Rivulet::Gateway::kCloseForbidden;
using Rivulet::Gateway::kCloseQuotaExceeded;
using Rivulet::Gateway::kCloseTokenInvalid;

namespace {

const QByteArray kApi = "/t/quantis.com/train/location/1.0.0/";

// A subscriber: a real WebSocket client that keeps what it receives and how it was closed.
class Subscriber : public QObject
{
public:
    Subscriber(quint16 port, const QByteArray &path, const QByteArray &token, bool inQuery = false)
    {
        QObject::connect(&ws, &QWebSocket::connected, this, [this] { connected = true; });
        QObject::connect(&ws, &QWebSocket::textMessageReceived, this,
                         [this](const QString &m) { messages << m; });
        QObject::connect(&ws, &QWebSocket::disconnected, this, [this] {
            closed = true;
            closeCode = int(ws.closeCode());
            closeReason = ws.closeReason();
        });
        QByteArray target = path;
        if (inQuery)
            target += "?access_token=" + token;
        QNetworkRequest request(
            QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(QString::fromUtf8(target))));
        if (!inQuery && !token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        ws.open(request);
    }
    QStringList trains() const
    {
        QStringList ids;
        for (const QString &m : messages)
            ids << QJsonDocument::fromJson(m.toUtf8())
                       .object()
                       .value(QStringLiteral("event"))
                       .toObject()
                       .value(QStringLiteral("trainId"))
                       .toString();
        return ids;
    }
    QWebSocket ws;
    QStringList messages;
    bool connected = false;
    bool closed = false;
    int closeCode = -1;
    QString closeReason;
};

long rssKb()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmRSS:") {
            status >> value;
            return value;
        }
    }
    return 0;
}

} // namespace

class tst_Gateway : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachSubscriberGetsOnlyItsTrain();
    void refusals();
    void scopesComeFromRoles();
    void revokedTokenEndsConnectionsWithinASecond();
    void expiredTokenEndsConnections();
    void quotaClosesAndSurvivesRestart();
    void dropPolicyCountsWhatItDrops();
    void burstLimitDrops();
    void cancelledSubscriptionCloses();
    void usageIsWhatWasDelivered();
    void wssServesTheSameApi();
    void badTokenFloodKeepsMemoryFlat();
};

void tst_Gateway::eachSubscriberGetsOnlyItsTrain()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("TrainApp"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("AsyncGold"));
    const QByteArray token = f.token(app);
    const quint16 port = f.gateway->wsPort();
    Subscriber a(port, kApi + "loc-train-qnt-456/", token);      // trailing slash
    Subscriber a2(port, kApi + "loc-train-qnt-456", token);      // without
    Subscriber b(port, kApi + "loc-train-qnt-123", token, true); // ?access_token=
    QTRY_VERIFY_WITH_TIMEOUT(a.connected && a2.connected && b.connected, 5000);
    f.send("456");
    f.send("123");
    f.send("789");
    f.send("456", 7.1);
    QTRY_COMPARE_WITH_TIMEOUT(a.messages.size(), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(b.messages.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(a2.messages.size(), 2, 5000);
    QTest::qWait(100);
    QCOMPARE(a.trains(), (QStringList{QStringLiteral("456"), QStringLiteral("456")}));
    QCOMPARE(b.trains(), QStringList{QStringLiteral("123")});
    QCOMPARE(a.messages[0], QStringLiteral("{\"event\":{\"trainId\":\"456\",\"latitude\":6.9,"
                                           "\"longitude\":79.8,\"speed\":60.0,\"timestamp\":"
                                           "1700000000000}}"));
    // One subscription on one topic: one group, five deliveries in all.
    const auto s = f.gateway->analytics();
    QCOMPARE(s.apis.value(0).stats.delivered, 5);
    QCOMPARE(s.apis.value(0).stats.connections, 3);
    int topics456 = 0;
    for (const auto &t : s.topics) {
        if (t.topic == QLatin1String("loc-train-qnt-456")) {
            ++topics456;
            QCOMPARE(t.stats.delivered, 4);
            QCOMPARE(t.stats.connections, 2);
        }
    }
    QCOMPARE(topics456, 1);
}

void tst_Gateway::refusals()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto eve = f.login("eve@other.com", "eve123");
    const auto subscribed =
        f.application(bob, QStringLiteral("Subscribed"),
                      QStringLiteral("TrainRealLocationAPI:1.0.0"), QStringLiteral("AsyncGold"));
    const auto lonely = f.application(bob, QStringLiteral("Lonely"), QString(), QString());
    const auto evesApp = f.application(eve, QStringLiteral("EveApp"), QStringLiteral("OtherAPI:2"),
                                       QStringLiteral("AsyncGold"));
    const QByteArray good = f.token(subscribed);
    const QByteArray unsubscribed = f.token(lonely);
    const QByteArray eves = f.token(evesApp);
    const QByteArray topic = kApi + "loc-train-qnt-456";
    struct Case
    {
        const char *name;
        QByteArray path;
        QByteArray headers;
        int status;
        const char *bodyHas;
    };
    const QList<Case> cases = {
        {"no token", topic, "", 401, "access token is required"},
        {"empty bearer", topic, "Authorization: Bearer\r\n", 401, "malformed"},
        {"basic scheme", topic, "Authorization: Basic Ym9iOnVzZXIxMjM=\r\n", 401, "malformed"},
        {"token with spaces", topic, "Authorization: Bearer a b c\r\n", 401, "malformed"},
        {"quoted token", topic, "Authorization: Bearer \"abc\"\r\n", 401, "malformed"},
        {"unknown token", topic, "Authorization: Bearer AAAAAAAAAAAAAAAAAAAA\r\n", 401,
         "unknown or revoked"},
        {"bad query token", topic + "?access_token=%22%3B", "", 401, "malformed"},
        {"unknown API", "/t/quantis.com/train/nothing/1.0.0/x",
         "Authorization: Bearer " + good + "\r\n", 404, "no API is served"},
        {"unknown version", "/t/quantis.com/train/location/9.9.9/loc-train-qnt-1",
         "Authorization: Bearer " + good + "\r\n", 404, "no API"},
        {"unknown topic", kApi + "train-456", "Authorization: Bearer " + good + "\r\n", 404,
         "has no topic"},
        {"no topic", kApi, "Authorization: Bearer " + good + "\r\n", 404, "has no topic"},
        {"super tenant path to a tenant API", "/train/location/1.0.0/loc-train-qnt-456",
         "Authorization: Bearer " + good + "\r\n", 404, "no API"},
        {"unknown tenant", "/t/nowhere.com/train/location/1.0.0/loc-train-qnt-456",
         "Authorization: Bearer " + good + "\r\n", 404, "no API"},
        {"not subscribed", topic, "Authorization: Bearer " + unsubscribed + "\r\n", 403,
         "not subscribed"},
        {"token of another tenant", topic, "Authorization: Bearer " + eves + "\r\n", 403,
         "tenant other.com cannot use"},
        {"quantis token on other.com", "/t/other.com/other/2/all",
         "Authorization: Bearer " + good + "\r\n", 403, "tenant quantis.com cannot use"},
        {"missing scope", "/t/quantis.com/train/secure/1.0.0/train-456",
         "Authorization: Bearer " + good + "\r\n", 403, "scope"},
        {"good", topic, "Authorization: Bearer " + good + "\r\n", 101, ""},
        {"good, lower-case scheme", topic, "authorization: bearer " + good + "\r\n", 101, ""},
        {"good, other tenant", "/t/other.com/other/2/all/",
         "Authorization: Bearer " + eves + "\r\n", 101, ""},
    };
    for (const Case &c : cases) {
        QByteArray response;
        const int status = f.handshake(f.gateway->wsPort(), c.path, c.headers, &response);
        QVERIFY2(status == c.status, qPrintable(QStringLiteral("%1: got %2, expected %3\n%4")
                                                    .arg(QLatin1String(c.name))
                                                    .arg(status)
                                                    .arg(c.status)
                                                    .arg(QString::fromUtf8(response))));
        QVERIFY2(response.contains(c.bodyHas), c.name);
        if (c.status == 401)
            QVERIFY2(response.contains("WWW-Authenticate: Bearer realm=\"rivulet\""), c.name);
    }
    // Expired: an hour and a second later.
    f.advance(3601 * 1000);
    QByteArray response;
    QCOMPARE(f.handshake(f.gateway->wsPort(), topic, "Authorization: Bearer " + good + "\r\n",
                         &response),
             401);
    QVERIFY(response.contains("expired"));
    const auto s = f.gateway->analytics();
    QCOMPARE(s.apis.value(0).handshakeFailures.value(QStringLiteral("not_subscribed")), 1);
    QCOMPARE(s.apis.value(0).handshakeFailures.value(QStringLiteral("expired_token")), 1);
    QVERIFY(s.unattributedFailures.value(QStringLiteral("unknown_api")) >= 3);
}

void tst_Gateway::scopesComeFromRoles()
{
    Fixture f;
    QVERIFY(f.start());
    const auto admin = f.login("admin@quantis.com", "admin123");
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto adminApp =
        f.application(admin, QStringLiteral("Ops"), QStringLiteral("SecureTrainAPI:1.0.0"),
                      QStringLiteral("AsyncUnlimited"));
    const auto bobApp =
        f.application(bob, QStringLiteral("Mine"), QStringLiteral("SecureTrainAPI:1.0.0"),
                      QStringLiteral("AsyncUnlimited"));
    const QByteArray path = "/t/quantis.com/train/secure/1.0.0/train-456";
    // Client credentials: the owner's roles. Admin gets the scope, bob does not.
    const QByteArray adminToken = f.token(adminApp, QStringLiteral("client_credentials"), {}, {},
                                          QStringLiteral("train:admin"));
    const QByteArray bobToken = f.token(bobApp, QStringLiteral("client_credentials"), {}, {},
                                        QStringLiteral("train:admin"));
    QCOMPARE(f.handshake(f.gateway->wsPort(), path, "Authorization: Bearer " + adminToken + "\r\n"),
             101);
    QCOMPARE(f.handshake(f.gateway->wsPort(), path, "Authorization: Bearer " + bobToken + "\r\n"),
             403);
    // Password grant: the user's roles (an admin through bob's own application is refused: the
    // user must be of the application's tenant, and the roles are the user's).
    const QByteArray viaPassword =
        f.token(bobApp, QStringLiteral("password"), QStringLiteral("admin@quantis.com"), "admin123",
                QStringLiteral("train:admin"));
    QCOMPARE(
        f.handshake(f.gateway->wsPort(), path, "Authorization: Bearer " + viaPassword + "\r\n"),
        101);
    Rivulet::Gateway::TokenGrant g;
    Rivulet::Gateway::ServiceError e;
    QVERIFY(!f.gateway->issueToken(bobApp.clientId, bobApp.secret, QStringLiteral("password"),
                                   QStringLiteral("eve@other.com"), "eve123", QString(), &g, &e));
    QCOMPARE(e.code, QByteArray("invalid_grant"));
    QVERIFY(!f.gateway->issueToken(bobApp.clientId, bobApp.secret,
                                   QStringLiteral("client_credentials"), QString(), {},
                                   QStringLiteral("no:such:scope"), &g, &e));
    QCOMPARE(e.code, QByteArray("invalid_scope"));
}

void tst_Gateway::revokedTokenEndsConnectionsWithinASecond()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("AsyncGold"));
    const QByteArray token = f.token(app);
    const QByteArray other = f.token(app);
    Subscriber s1(f.gateway->wsPort(), kApi + "loc-train-qnt-1", token);
    Subscriber s2(f.gateway->wsPort(), kApi + "loc-train-qnt-2", token);
    Subscriber keeps(f.gateway->wsPort(), kApi + "loc-train-qnt-1", other);
    QTRY_VERIFY_WITH_TIMEOUT(s1.connected && s2.connected && keeps.connected, 5000);
    Rivulet::Gateway::ServiceError e;
    QVERIFY(f.gateway->revokeToken(app.clientId, app.secret, token, &e));
    QTRY_VERIFY_WITH_TIMEOUT(s1.closed && s2.closed, 1000);
    QCOMPARE(s1.closeCode, kCloseTokenInvalid);
    QCOMPARE(s1.closeReason, QStringLiteral("access token revoked"));
    QVERIFY(!keeps.closed);
    QCOMPARE(f.handshake(f.gateway->wsPort(), kApi + "loc-train-qnt-1",
                         "Authorization: Bearer " + token + "\r\n"),
             401);
    // Revoking again, or an unknown token, is not an error (RFC 7009).
    QVERIFY(f.gateway->revokeToken(app.clientId, app.secret, token, &e));
    QVERIFY(!f.gateway->revokeToken(app.clientId, "wrong", other, &e));
    QCOMPARE(e.code, QByteArray("invalid_client"));
}

void tst_Gateway::expiredTokenEndsConnections()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("AsyncGold"));
    Subscriber s(f.gateway->wsPort(), kApi + "loc-train-qnt-1", f.token(app));
    QTRY_VERIFY_WITH_TIMEOUT(s.connected, 5000);
    f.advance(3599 * 1000);
    QTest::qWait(300); // the expiry timer runs four times a second
    QVERIFY(!s.closed);
    f.advance(2000);
    QTRY_VERIFY_WITH_TIMEOUT(s.closed, 1000);
    QCOMPARE(s.closeCode, kCloseTokenInvalid);
    QCOMPARE(s.closeReason, QStringLiteral("access token expired"));
}

void tst_Gateway::quotaClosesAndSurvivesRestart()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("Tiny"));
    const QByteArray token = f.token(app);
    {
        Subscriber s(f.gateway->wsPort(), kApi + "loc-train-qnt-1", token);
        QTRY_VERIFY_WITH_TIMEOUT(s.connected, 5000);
        for (int i = 0; i < 5; ++i)
            f.send("1");
        QTRY_VERIFY_WITH_TIMEOUT(s.closed, 3000);
        QCOMPARE(s.messages.size(), 3);
        QCOMPARE(s.closeCode, kCloseQuotaExceeded);
        QCOMPARE(s.closeReason, QStringLiteral("quota exceeded: Tiny allows 3 events per day"));
    }
    QByteArray response;
    QCOMPARE(f.handshake(f.gateway->wsPort(), kApi + "loc-train-qnt-1",
                         "Authorization: Bearer " + token + "\r\n", &response),
             429);
    QVERIFY(response.contains("Retry-After: "));
    // A restart keeps the count (and the token, and the subscription).
    f.stop();
    QVERIFY(f.start());
    QCOMPARE(f.handshake(f.gateway->wsPort(), kApi + "loc-train-qnt-1",
                         "Authorization: Bearer " + token + "\r\n"),
             429);
    // The next UTC day brings a new quota.
    const int64_t day = 86400 * 1000;
    f.clock->store((f.clock->load() / day + 1) * day + 1000);
    // The token would have expired by then: a new one.
    Subscriber again(f.gateway->wsPort(), kApi + "loc-train-qnt-1", f.token(app));
    QTRY_VERIFY_WITH_TIMEOUT(again.connected, 5000);
    f.send("1");
    QTRY_COMPARE_WITH_TIMEOUT(again.messages.size(), 1, 3000);
}

void tst_Gateway::dropPolicyCountsWhatItDrops()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("TinyDrop"));
    Subscriber s(f.gateway->wsPort(), kApi + "loc-train-qnt-1", f.token(app));
    QTRY_VERIFY_WITH_TIMEOUT(s.connected, 5000);
    for (int i = 0; i < 5; ++i)
        f.send("1");
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 3, 3000);
    QTest::qWait(300);
    QVERIFY(!s.closed);
    QCOMPARE(s.messages.size(), 3);
    const auto stats = f.gateway->analytics().subscriptions.value(0).stats;
    QCOMPARE(stats.delivered, 3);
    QCOMPARE(stats.throttled, 2);
}

void tst_Gateway::burstLimitDrops()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("Bursty"));
    Subscriber s(f.gateway->wsPort(), kApi + "loc-train-qnt-1", f.token(app));
    QTRY_VERIFY_WITH_TIMEOUT(s.connected, 5000);
    // The fake clock stands still: one burst window.
    for (int i = 0; i < 4; ++i)
        f.send("1");
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 2, 3000);
    f.advance(1000);
    f.send("1");
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 3, 3000);
    QVERIFY(!s.closed);
    QCOMPARE(f.gateway->analytics().subscriptions.value(0).stats.throttled, 2);
}

void tst_Gateway::cancelledSubscriptionCloses()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("AsyncGold"));
    const QByteArray token = f.token(app);
    Subscriber s(f.gateway->wsPort(), kApi + "loc-train-qnt-1", token);
    QTRY_VERIFY_WITH_TIMEOUT(s.connected, 5000);
    QJsonArray subs;
    Rivulet::Gateway::ServiceError e;
    QVERIFY(f.gateway->listSubscriptions(bob, app.id, &subs, &e));
    QCOMPARE(subs.size(), 1);
    QVERIFY(
        f.gateway->unsubscribe(bob, subs[0].toObject().value(QStringLiteral("id")).toString(), &e));
    QTRY_VERIFY_WITH_TIMEOUT(s.closed, 1000);
    QCOMPARE(s.closeCode, kCloseForbidden);
    QCOMPARE(f.handshake(f.gateway->wsPort(), kApi + "loc-train-qnt-1",
                         "Authorization: Bearer " + token + "\r\n"),
             403);
}

void tst_Gateway::usageIsWhatWasDelivered()
{
    Fixture f;
    f.config.policies.last().price = 1.5; // Bursty... no: a priced unlimited policy
    Rivulet::Gateway::ThrottlePolicy metered;
    metered.name = QStringLiteral("Metered");
    metered.price = 0.5;
    metered.pricePerEvents = 2;
    metered.freeEvents = 3;
    f.config.policies << metered;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("Billed"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("Metered"));
    const QByteArray token = f.token(app);
    Subscriber a(f.gateway->wsPort(), kApi + "loc-train-qnt-1", token);
    Subscriber b(f.gateway->wsPort(), kApi + "loc-train-qnt-1", token);
    QTRY_VERIFY_WITH_TIMEOUT(a.connected && b.connected, 5000);
    for (int i = 0; i < 5; ++i)
        f.send("1");
    QTRY_COMPARE_WITH_TIMEOUT(a.messages.size() + b.messages.size(), 10, 3000);
    QByteArray body;
    Rivulet::Gateway::ServiceError e;
    QVERIFY(f.gateway->usage(bob, QString(), QStringLiteral("month"), QString(), QString(),
                             QStringLiteral("json"), &body, &e));
    const QJsonArray rows =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 1);
    const QJsonObject row = rows[0].toObject();
    QCOMPARE(row.value(QStringLiteral("delivered")).toInt(), 10);
    QCOMPARE(row.value(QStringLiteral("billableEvents")).toInt(), 7);
    QCOMPARE(row.value(QStringLiteral("amount")).toDouble(), 1.75);
    QCOMPARE(row.value(QStringLiteral("application")).toString(), QStringLiteral("Billed"));
    QCOMPARE(f.gateway->analytics().subscriptions.value(0).stats.delivered, 10);
    // Another user of the tenant sees nothing of bob's.
    const auto admin = f.login("admin@quantis.com", "admin123");
    QVERIFY(f.gateway->usage(admin, QString(), QString(), QString(), QString(),
                             QStringLiteral("csv"), &body, &e));
    QVERIFY(body.contains("Billed")); // an admin sees the tenant's
    const auto eve = f.login("eve@other.com", "eve123");
    QVERIFY(f.gateway->usage(eve, QString(), QString(), QString(), QString(), QStringLiteral("csv"),
                             &body, &e));
    QVERIFY(!body.contains("Billed"));
}

void tst_Gateway::wssServesTheSameApi()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("AsyncGold"));
    const QByteArray token = f.token(app);
    QWebSocket ws;
    QStringList messages;
    bool connected = false;
    QObject::connect(&ws, &QWebSocket::connected, &ws, [&] { connected = true; });
    QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws,
                     [&](const QString &m) { messages << m; });
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(f.gateway->certificatePath()));
    QNetworkRequest request(QUrl(QStringLiteral("wss://localhost:%1%2loc-train-qnt-456")
                                     .arg(f.gateway->wssPort())
                                     .arg(QString::fromUtf8(kApi))));
    ws.setSslConfiguration(tls);
    request.setRawHeader("Authorization", "Bearer " + token);
    QObject::connect(&ws, &QWebSocket::sslErrors, &ws, [](const QList<QSslError> &errors) {
        for (const QSslError &e : errors)
            qWarning("TLS: %s", qPrintable(e.errorString()));
    });
    QObject::connect(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &ws,
                     [&ws](QAbstractSocket::SocketError) {
                         qWarning("WebSocket: %s", qPrintable(ws.errorString()));
                     });
    ws.open(request);
    QTRY_VERIFY_WITH_TIMEOUT(connected, 5000);
    f.send("123");
    f.send("456");
    QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 3000);
    QVERIFY(messages[0].contains(QLatin1String("\"456\"")));
    // Refusals come through TLS as they are.
    QSslSocket raw;
    raw.setSslConfiguration(tls);
    raw.connectToHostEncrypted(QStringLiteral("localhost"), f.gateway->wssPort());
    QVERIFY(raw.waitForEncrypted(5000));
    raw.write("GET " + kApi
              + "loc-train-qnt-456 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                "dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QByteArray in;
    while (!in.contains("\r\n\r\n") && raw.waitForReadyRead(5000))
        in += raw.readAll();
    QVERIFY2(in.startsWith("HTTP/1.1 401"), in.constData());
}

void tst_Gateway::badTokenFloodKeepsMemoryFlat()
{
    Fixture f;
    QVERIFY(f.start());
    const auto bob = f.login("bob@quantis.com", "user123");
    const auto app =
        f.application(bob, QStringLiteral("A"), QStringLiteral("TrainRealLocationAPI:1.0.0"),
                      QStringLiteral("AsyncGold"));
    const quint16 port = f.gateway->wsPort();
    const QByteArray path = kApi + "loc-train-qnt-456";
    auto flood = [&](int n) {
        // 64 handshakes in flight at a time, each with its own bad token.
        std::vector<std::unique_ptr<QTcpSocket>> inFlight;
        int sent = 0, answered = 0;
        while (answered < n) {
            while (sent < n && inFlight.size() < 64) {
                auto s = std::make_unique<QTcpSocket>();
                s->connectToHost(QStringLiteral("127.0.0.1"), port);
                s->write("GET " + path
                         + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer "
                         + Rivulet::Gateway::Credentials::randomToken(32) + "\r\n\r\n");
                inFlight.push_back(std::move(s));
                ++sent;
            }
            QTcpSocket *first = inFlight.front().get();
            if (first->state() == QAbstractSocket::UnconnectedState
                || first->waitForDisconnected(5000)) {
                if (!first->readAll().startsWith("HTTP/1.1 401"))
                    return false;
                inFlight.erase(inFlight.begin());
                ++answered;
            } else {
                return false;
            }
        }
        return true;
    };
    QVERIFY(flood(1000)); // warm up: allocator pools, hash tables
    const long before = rssKb();
    QElapsedTimer timer;
    timer.start();
    // A valid subscriber connects and is served in the middle of the flood.
    Subscriber valid(port, path, f.token(app));
    QVERIFY(flood(10000));
    const qint64 floodMs = timer.elapsed();
    QTRY_VERIFY_WITH_TIMEOUT(valid.connected, 5000);
    QElapsedTimer delivery;
    delivery.start();
    f.send("456");
    QTRY_COMPARE_WITH_TIMEOUT(valid.messages.size(), 1, 2000);
    const long after = rssKb();
    qInfo("10,000 bad-token handshakes in %lld ms; RSS %ld -> %ld KiB; a valid event then took "
          "%lld ms",
          floodMs, before, after, delivery.elapsed());
    QVERIFY2(after - before < 4096, "memory grew by more than 4 MiB");
    const auto s = f.gateway->analytics();
    QCOMPARE(s.apis.value(0).handshakeFailures.value(QStringLiteral("invalid_token")), 11000);
}

QTEST_GUILESS_MAIN(tst_Gateway)
#include "tst_gateway.moc"
