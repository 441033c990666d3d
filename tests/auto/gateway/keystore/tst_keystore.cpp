#include "engine/gateway/keystore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Rivulet::Gateway;

class tst_KeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsTheSchemaUnderNewFolders();
    void survivesReopening();
    void migratesAVersion1Store();
    void refusesANewerSchema();
    void injectionIsJustText();
    void liveTokensLeaveRevokedAndExpired();
};

namespace {

ApplicationRecord makeApp(const QString &name, const QString &clientId)
{
    ApplicationRecord a;
    a.uuid = QStringLiteral("uuid-") + clientId;
    a.tenant = QStringLiteral("quantis.com");
    a.owner = QStringLiteral("bob@quantis.com");
    a.name = name;
    a.clientId = clientId;
    a.clientSecretHash = "ab12";
    a.createdAt = 1000;
    return a;
}

} // namespace

void tst_KeyStore::createsTheSchemaUnderNewFolders()
{
    QTemporaryDir dir;
    KeyStore store;
    QString error;
    const QString path = dir.filePath(QStringLiteral("a/b/keystore.db"));
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), KeyStore::kSchemaVersion);
    QVERIFY(QFile::exists(path));
    QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
}

void tst_KeyStore::survivesReopening()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("k.db"));
    QString error;
    qint64 subId = 0;
    {
        KeyStore store;
        QVERIFY(store.open(path, &error));
        ApplicationRecord a = makeApp(QStringLiteral("TrainApp"), QStringLiteral("c1"));
        QVERIFY(store.insertApplication(&a));
        SubscriptionRecord s;
        s.uuid = QStringLiteral("s1");
        s.applicationId = a.id;
        s.tenant = a.tenant;
        s.api = QStringLiteral("TrainRealLocationAPI");
        s.apiVersion = QStringLiteral("1.0.0");
        s.policy = QStringLiteral("AsyncGold");
        QVERIFY(store.insertSubscription(&s));
        subId = s.id;
        TokenRecord t;
        t.hash = QByteArray(32, 'h');
        t.applicationId = a.id;
        t.scopes = {QStringLiteral("default")};
        t.grantType = QStringLiteral("client_credentials");
        t.issuedAt = 1;
        t.expiresAt = 5000;
        QVERIFY(store.insertToken(t));
        QVERIFY(store.saveCounters({{s.id, 777, 42}}, {}));
    }
    KeyStore store;
    QVERIFY(store.open(path, &error));
    QCOMPARE(store.applications().size(), 1);
    QCOMPARE(store.applications()[0].name, QStringLiteral("TrainApp"));
    QCOMPARE(store.subscriptions().size(), 1);
    QCOMPARE(store.liveTokens(100).size(), 1);
    QCOMPARE(store.liveTokens(100)[0].scopes, QStringList{QStringLiteral("default")});
    QCOMPARE(store.quotas().size(), 1);
    QCOMPARE(store.quotas()[0].subscriptionId, subId);
    QCOMPARE(store.quotas()[0].count, 42);
    // A report reads it read-only, beside the gateway.
    KeyStore reader;
    QVERIFY2(reader.open(path, &error, true), qPrintable(error));
    QCOMPARE(reader.applications().size(), 1);
}

void tst_KeyStore::migratesAVersion1Store()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.db"));
    {
        // A store as the first release left it: version 1, no counter tables.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral(
            "CREATE TABLE applications (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL "
            "UNIQUE, tenant TEXT NOT NULL, owner TEXT NOT NULL, name TEXT NOT NULL, description "
            "TEXT NOT NULL DEFAULT '', client_id TEXT NOT NULL UNIQUE, client_secret_hash TEXT NOT "
            "NULL, created_at INTEGER NOT NULL, deleted_at INTEGER NOT NULL DEFAULT 0)")));
        QVERIFY(q.exec(QStringLiteral(
            "CREATE TABLE subscriptions (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL "
            "UNIQUE, application_id INTEGER NOT NULL, tenant TEXT NOT NULL, api TEXT NOT NULL, "
            "api_version TEXT NOT NULL, policy TEXT NOT NULL, created_at INTEGER NOT NULL, "
            "cancelled_at INTEGER NOT NULL DEFAULT 0)")));
        QVERIFY(q.exec(QStringLiteral(
            "CREATE TABLE tokens (hash BLOB PRIMARY KEY, application_id INTEGER NOT NULL, user "
            "TEXT "
            "NOT NULL DEFAULT '', scopes TEXT NOT NULL DEFAULT '', grant_type TEXT NOT NULL, "
            "issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL "
            "DEFAULT 0)")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO applications (uuid, tenant, owner, name, client_id, client_secret_hash, "
            "created_at) VALUES ('u1', 'quantis.com', 'bob@quantis.com', 'Old', 'c-old', 'x', "
            "1)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 1")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));
    KeyStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), 2);
    QCOMPARE(store.applications().value(0).name, QStringLiteral("Old"));
    SubscriptionRecord s;
    s.uuid = QStringLiteral("s1");
    s.applicationId = store.applications().value(0).id;
    s.tenant = QStringLiteral("quantis.com");
    s.api = QStringLiteral("A");
    s.apiVersion = QStringLiteral("1");
    s.policy = QStringLiteral("AsyncGold");
    QVERIFY(store.insertSubscription(&s));
    QVERIFY(store.saveCounters({{s.id, 0, 5}}, {{s.id, QStringLiteral("2026-11-27"), 5, 0, 50}}));
    QCOMPARE(store.usage().size(), 1);
}

void tst_KeyStore::refusesANewerSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.db"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("n"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("n"));
    KeyStore store;
    QString error;
    QVERIFY(!store.open(path, &error));
    QVERIFY2(error.contains(QLatin1String("schema version 99")), qPrintable(error));
}

void tst_KeyStore::injectionIsJustText()
{
    QTemporaryDir dir;
    KeyStore store;
    QString error;
    QVERIFY(store.open(dir.filePath(QStringLiteral("k.db")), &error));
    const QString evil = QStringLiteral("x'); DROP TABLE applications; --");
    ApplicationRecord a = makeApp(evil, QStringLiteral("c1"));
    a.description = QStringLiteral("\" OR 1=1; --");
    QVERIFY(store.insertApplication(&a));
    const QList<ApplicationRecord> apps = store.applications();
    QCOMPARE(apps.size(), 1);
    QCOMPARE(apps[0].name, evil);
    QCOMPARE(apps[0].description, QStringLiteral("\" OR 1=1; --"));
    QCOMPARE(store.usage(QStringLiteral("' OR '1'='1"), QString()).size(), 0);
}

void tst_KeyStore::liveTokensLeaveRevokedAndExpired()
{
    QTemporaryDir dir;
    KeyStore store;
    QString error;
    QVERIFY(store.open(dir.filePath(QStringLiteral("k.db")), &error));
    ApplicationRecord a = makeApp(QStringLiteral("A"), QStringLiteral("c1"));
    QVERIFY(store.insertApplication(&a));
    for (int i = 0; i < 3; ++i) {
        TokenRecord t;
        t.hash = QByteArray(32, char('a' + i));
        t.applicationId = a.id;
        t.grantType = QStringLiteral("client_credentials");
        t.issuedAt = 0;
        t.expiresAt = i == 2 ? 50 : 1000;
        QVERIFY(store.insertToken(t));
    }
    QVERIFY(store.revokeToken(QByteArray(32, 'a'), 10));
    const QList<TokenRecord> live = store.liveTokens(100);
    QCOMPARE(live.size(), 1);
    QCOMPARE(live[0].hash, QByteArray(32, 'b'));
    QCOMPARE(store.purgeTokens(2000), 3);
}

QTEST_GUILESS_MAIN(tst_KeyStore)
#include "tst_keystore.moc"
