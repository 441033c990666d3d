#include "engine/gateway/deploymentconfig.h"

#include <QTest>

using namespace Rivulet::Gateway;

class tst_Config : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyFileIsAllDefaults();
    void sampleDeploymentLoads();
    void fieldsAreRead();
    void variablesResolve();
    void errorsNameFileLineAndField_data();
    void errorsNameFileLineAndField();
};

static const QByteArray kHash =
    "$argon2id$v=19$m=65536,t=2,p=1$80kq2AtUDR0wGQImdzWvvA$TDfuxr+OJ1qm/HSzeIklDGqWL06yA1gtbe/"
    "BT0cqWQA";

void tst_Config::emptyFileIsAllDefaults()
{
    DeploymentConfig c;
    QString error;
    QVERIFY2(parseDeploymentConfig("", QStringLiteral("/tmp/empty.yaml"), &c, &error),
             qPrintable(error));
    QCOMPARE(c.ws.port, quint16(9099));
    QCOMPARE(c.wss.port, quint16(8099));
    QCOMPARE(c.https.port, quint16(9443));
    QCOMPARE(c.http.port, quint16(9763));
    QCOMPARE(c.http.host, QStringLiteral("localhost"));
    QCOMPARE(c.tokenLifetime, 3600);
    QCOMPARE(c.tokenMaxLifetime, 7 * 86400);
    QVERIFY(c.portalEnabled);
    QCOMPARE(c.sessionLifetime, 8 * 3600);
    QCOMPARE(c.sessionIdleTimeout, 30 * 60);
    QCOMPARE(c.signInMaxFailures, 5);
    QCOMPARE(c.signInMaxAddressFailures, 20);
    QCOMPARE(c.signInLockout, 15 * 60);
    QVERIFY(c.policy(QStringLiteral("AsyncGold")));
    QCOMPARE(c.policy(QStringLiteral("AsyncGold"))->count, 50000);
    QCOMPARE(c.policy(QStringLiteral("AsyncSilver"))->count, 25000);
    QCOMPARE(c.policy(QStringLiteral("AsyncBronze"))->count, 5000);
    QVERIFY(c.policy(QStringLiteral("AsyncUnlimited"))->unlimited());
    QVERIFY(c.effectiveKeyStorePath().endsWith(QLatin1String("rivulet/keystore.db")));
}

void tst_Config::sampleDeploymentLoads()
{
    DeploymentConfig c;
    QString error;
    const QString path =
        QStringLiteral(RIVULET_SOURCE_DIR) + QStringLiteral("/resources/samples/rivulet.yaml");
    QVERIFY2(loadDeploymentConfig(path, &c, &error), qPrintable(error));
    QCOMPARE(c.tenants.size(), 1);
    QCOMPARE(c.tenants[0].domain, QStringLiteral("quantis.com"));
    QCOMPARE(c.tenants[0].users[0].name, QStringLiteral("bob@quantis.com"));
    QVERIFY(c.apps.value(0).endsWith(QLatin1String("resources/samples/TrainLocation.siddhi")));
    QVERIFY(c.apis.value(0).endsWith(QLatin1String("resources/samples/TrainRealLocationAPI.yaml")));
    const ThrottlePolicy *trial = c.policy(QStringLiteral("AsyncTrial"));
    QVERIFY(trial);
    QCOMPARE(trial->count, 1000);
    QCOMPARE(trial->timeUnit, TimeUnit::Minute);
    QCOMPARE(trial->burstCount, 50);
    QCOMPARE(trial->onQuota, ThrottlePolicy::Action::Drop);
}

void tst_Config::fieldsAreRead()
{
    const QByteArray yaml =
        "listeners:\n"
        "  ws: {port: 0, host: 127.0.0.1}\n"
        "  wss: {enabled: false}\n"
        "keyStore: {path: store/keys.db}\n"
        "tokens: {lifetime: 15m, maxLifetime: 2d}\n"
        "portal: {enabled: false, sessionLifetime: 1h, sessionIdleTimeout: 5m}\n"
        "signIn: {maxFailures: 3, maxAddressFailures: 9, window: 1m, "
        "lockout: 2m}\n"
        "gateway: {handshakeTimeout: 2s, maxHeaderBytes: 4096}\n"
        "tenants:\n"
        "  - domain: Quantis.COM\n"
        "    users:\n"
        "      - name: bob@quantis.com\n"
        "        passwordHash: \""
        + kHash
        + "\"\n"
          "        roles: subscriber\n"
          "policies:\n"
          "  - name: AsyncGold\n"
          "    count: 10\n"
          "    timeUnit: hours\n"
          "    onQuota: drop\n"
          "  - name: Metered\n"
          "    price: {amount: 0.5, perEvents: 100, freeEvents: 5}\n";
    DeploymentConfig c;
    QString error;
    QVERIFY2(parseDeploymentConfig(yaml, QStringLiteral("/srv/x/rivulet.yaml"), &c, &error),
             qPrintable(error));
    QCOMPARE(c.ws.port, quint16(0));
    QCOMPARE(c.ws.host, QStringLiteral("127.0.0.1"));
    QVERIFY(!c.wss.enabled);
    QCOMPARE(c.keyStorePath, QStringLiteral("/srv/x/store/keys.db"));
    QCOMPARE(c.tokenLifetime, 900);
    QCOMPARE(c.tokenMaxLifetime, 2 * 86400);
    QVERIFY(!c.portalEnabled);
    QCOMPARE(c.sessionLifetime, 3600);
    QCOMPARE(c.sessionIdleTimeout, 300);
    QCOMPARE(c.signInMaxFailures, 3);
    QCOMPARE(c.signInMaxAddressFailures, 9);
    QCOMPARE(c.signInWindow, 60);
    QCOMPARE(c.signInLockout, 120);
    QCOMPARE(c.handshakeTimeoutMs, 2000);
    QCOMPARE(c.tenants[0].domain, QStringLiteral("quantis.com"));
    QCOMPARE(c.tenants[0].users[0].roles, QStringList{QStringLiteral("subscriber")});
    QCOMPARE(c.policy(QStringLiteral("AsyncGold"))->count, 10);
    QCOMPARE(c.policy(QStringLiteral("AsyncGold"))->timeUnit, TimeUnit::Hour);
    QCOMPARE(c.policy(QStringLiteral("Metered"))->pricePerEvents, 100);
    QCOMPARE(c.policies.size(), 5);
}

void tst_Config::variablesResolve()
{
    qputenv("RIVULET_TEST_WS_PORT", "12345");
    DeploymentConfig c;
    QString error;
    QVERIFY2(parseDeploymentConfig("variables: {FEED: '8006'}\n"
                                   "listeners: {ws: {port: '${RIVULET_TEST_WS_PORT}'}}\n",
                                   QStringLiteral("v.yaml"), &c, &error),
             qPrintable(error));
    QCOMPARE(c.ws.port, quint16(12345));
    QCOMPARE(c.variables.value(QStringLiteral("FEED")), QStringLiteral("8006"));
    QVERIFY(!parseDeploymentConfig("listeners:\n  ws: {port: '${NOT_SET_ANYWHERE_X}'}\n",
                                   QStringLiteral("v.yaml"), &c, &error));
    QCOMPARE(error, QStringLiteral("v.yaml:2: listeners.ws.port: variable ${NOT_SET_ANYWHERE_X} "
                                   "is not set (set it in the environment or under 'variables')"));
}

void tst_Config::errorsNameFileLineAndField_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // the error starts with this
    QTest::newRow("unknown top-level field")
        << QByteArray("listeners: {}\nlistener: {}\n")
        << QStringLiteral("r.yaml:2: listener: unknown field (expected one of:");
    QTest::newRow("misspelt listener field")
        << QByteArray("listeners:\n  ws:\n    prot: 1\n")
        << QStringLiteral("r.yaml:3: listeners.ws.prot: unknown field (expected one of: enabled, "
                          "host, port)");
    QTest::newRow("port not a number")
        << QByteArray("listeners:\n  https:\n    port: abc\n")
        << QStringLiteral("r.yaml:3: listeners.https.port: must be a whole number from 0 to 65535, "
                          "found 'abc'");
    QTest::newRow("port too big") << QByteArray("listeners: {ws: {port: 70000}}\n")
                                  << QStringLiteral("r.yaml:1: listeners.ws.port: must be a whole");
    QTest::newRow("two listeners one port")
        << QByteArray("listeners:\n  ws: {port: 7000}\n  http: {port: 7000}\n")
        << QStringLiteral("r.yaml:3: listeners.http.port: port 7000 is also the port of "
                          "listeners.ws");
    QTest::newRow("plain password")
        << QByteArray("tenants:\n  - domain: q.com\n    users:\n      - name: a@q.com\n"
                      "        password: secret\n")
        << QStringLiteral("r.yaml:5: tenants[0].users[0].password: passwords are stored only as "
                          "hashes");
    QTest::newRow("hash missing")
        << QByteArray("tenants:\n  - domain: q.com\n    users:\n      - name: a@q.com\n")
        << QStringLiteral("r.yaml:4: tenants[0].users[0].passwordHash: must be a password hash");
    QTest::newRow("user of another tenant")
        << QByteArray("tenants:\n  - domain: q.com\n    users:\n      - name: a@x.com\n"
                      "        passwordHash: \""
                      + kHash + "\"\n")
        << QStringLiteral("r.yaml:4: tenants[0].users[0].name: a user of tenant q.com is named "
                          "like name@q.com");
    QTest::newRow("bad tenant domain")
        << QByteArray("tenants:\n  - domain: 'bad domain'\n")
        << QStringLiteral("r.yaml:2: tenants[0].domain: a tenant needs a domain name");
    QTest::newRow("tenants not a list") << QByteArray("tenants: quantis.com\n")
                                        << QStringLiteral("r.yaml:1: tenants: must be a list");
    QTest::newRow("bad time unit")
        << QByteArray("policies:\n  - name: P\n    count: 5\n    timeUnit: fortnight\n")
        << QStringLiteral("r.yaml:4: policies[0].timeUnit: must be second, minute, hour, day or "
                          "month, found 'fortnight'");
    QTest::newRow("burst per hour")
        << QByteArray("policies:\n  - name: P\n    burst: {count: 5, timeUnit: hour}\n")
        << QStringLiteral("r.yaml:3: policies[0].burst.timeUnit: must be second or minute");
    QTest::newRow("negative count")
        << QByteArray("policies:\n  - name: P\n    count: -1\n")
        << QStringLiteral("r.yaml:3: policies[0].count: must be a whole number from 0");
    QTest::newRow("bad action")
        << QByteArray("policies:\n  - {name: P, onQuota: explode}\n")
        << QStringLiteral("r.yaml:2: policies[0].onQuota: must be close or drop, found 'explode'");
    QTest::newRow("duration") << QByteArray("tokens:\n  lifetime: soon\n")
                              << QStringLiteral(
                                     "r.yaml:2: tokens.lifetime: must be a duration in seconds");
    QTest::newRow("max lifetime below lifetime")
        << QByteArray("tokens:\n  lifetime: 2h\n  maxLifetime: 1h\n")
        << QStringLiteral(
               "r.yaml:3: tokens.maxLifetime: must be at least tokens.lifetime (7200 s)");
    QTest::newRow("misspelt portal field")
        << QByteArray("portal:\n  sessionLifetim: 1h\n")
        << QStringLiteral("r.yaml:2: portal.sessionLifetim: unknown field (expected one of: "
                          "enabled, sessionLifetime, sessionIdleTimeout)");
    QTest::newRow("no sign-in at all")
        << QByteArray("signIn: {maxFailures: 0}\n")
        << QStringLiteral("r.yaml:1: signIn.maxFailures: must be a whole number from 1");
    QTest::newRow("only a certificate")
        << QByteArray("tls:\n  certificate: c.pem\n")
        << QStringLiteral("r.yaml:2: tls: give both certificate and key");
    QTest::newRow("syntax error") << QByteArray("listeners: [\n") << QStringLiteral("r.yaml:2: ");
    QTest::newRow("not a mapping")
        << QByteArray("- a\n- b\n") << QStringLiteral("r.yaml:1: (document): must be a mapping");
    QTest::newRow("apps not strings")
        << QByteArray("apps:\n  - {x: 1}\n")
        << QStringLiteral("r.yaml:2: apps[0]: must be a single value");
}

void tst_Config::errorsNameFileLineAndField()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    DeploymentConfig c;
    QString error;
    QVERIFY(!parseDeploymentConfig(yaml, QStringLiteral("r.yaml"), &c, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_Config)
#include "tst_config.moc"
