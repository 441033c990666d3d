#include "keystore.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>

namespace Rivulet::Gateway {

namespace {

// Each step takes the schema from version i to i + 1. Never edit a step once released: add one.
const char *const kMigrations[] = {
    // 1: applications, subscriptions, tokens.
    "CREATE TABLE applications ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " uuid TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL,"
    " owner TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " description TEXT NOT NULL DEFAULT '',"
    " client_id TEXT NOT NULL UNIQUE,"
    " client_secret_hash TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " deleted_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE subscriptions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " uuid TEXT NOT NULL UNIQUE,"
    " application_id INTEGER NOT NULL REFERENCES applications(id),"
    " tenant TEXT NOT NULL,"
    " api TEXT NOT NULL,"
    " api_version TEXT NOT NULL,"
    " policy TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " cancelled_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX subscriptions_application ON subscriptions(application_id);"
    "CREATE TABLE tokens ("
    " hash BLOB PRIMARY KEY,"
    " application_id INTEGER NOT NULL REFERENCES applications(id),"
    " user TEXT NOT NULL DEFAULT '',"
    " scopes TEXT NOT NULL DEFAULT '',"
    " grant_type TEXT NOT NULL,"
    " issued_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " revoked_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX tokens_expiry ON tokens(expires_at);",
    // 2: throttling and monetization counters.
    "CREATE TABLE quota_counters ("
    " subscription_id INTEGER PRIMARY KEY REFERENCES subscriptions(id),"
    " window_start INTEGER NOT NULL,"
    " count INTEGER NOT NULL);"
    "CREATE TABLE usage_daily ("
    " subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),"
    " day TEXT NOT NULL,"
    " delivered INTEGER NOT NULL DEFAULT 0,"
    " throttled INTEGER NOT NULL DEFAULT 0,"
    " bytes INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (subscription_id, day));",
};
static_assert(std::size(kMigrations) == KeyStore::kSchemaVersion);

std::atomic<int> g_connections{0};

// SQLite NOT NULL text columns: a null QString would bind as NULL.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

} // namespace

KeyStore::KeyStore()
    : m_connection(QStringLiteral("rivulet-keystore-%1").arg(++g_connections))
{}

KeyStore::~KeyStore()
{
    close();
}

bool KeyStore::isOpen() const
{
    return QSqlDatabase::contains(m_connection)
           && QSqlDatabase::database(m_connection, false).isOpen();
}

void KeyStore::close()
{
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool KeyStore::open(const QString &path, QString *error, bool readOnly)
{
    close();
    m_path = path;
    if (!readOnly) {
        const QString dir = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(dir)) {
            *error = QStringLiteral("cannot create the key store folder %1").arg(dir);
            return false;
        }
    } else if (!QFileInfo::exists(path)) {
        *error = QStringLiteral("no key store at %1").arg(path);
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (!db.isValid()) {
        *error = QStringLiteral("the Qt SQLite driver (QSQLITE) is not available");
        return false;
    }
    db.setDatabaseName(path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db.setConnectOptions(options);
    if (!db.open()) {
        *error =
            QStringLiteral("cannot open the key store %1: %2").arg(path, db.lastError().text());
        return false;
    }
    if (!readOnly) {
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        exec(QStringLiteral("PRAGMA foreign_keys=ON"));
        if (!migrate(error))
            return false;
    } else {
        const int v = schemaVersion();
        if (v > kSchemaVersion) {
            *error = QStringLiteral("the key store %1 has schema version %2, newer than this "
                                    "rivulet (%3)")
                         .arg(path)
                         .arg(v)
                         .arg(kSchemaVersion);
            return false;
        }
    }
    return true;
}

int KeyStore::schemaVersion() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

bool KeyStore::migrate(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    int version = schemaVersion();
    if (version < 0) {
        *error = QStringLiteral("cannot read the key store's schema version: %1")
                     .arg(db.lastError().text());
        return false;
    }
    if (version > kSchemaVersion) {
        *error = QStringLiteral("the key store %1 has schema version %2, newer than this rivulet "
                                "(%3): use a newer rivulet or another keyStore.path")
                     .arg(m_path)
                     .arg(version)
                     .arg(kSchemaVersion);
        return false;
    }
    while (version < kSchemaVersion) {
        if (!db.transaction()) {
            *error = QStringLiteral("cannot migrate the key store: %1").arg(db.lastError().text());
            return false;
        }
        const QStringList statements =
            QString::fromLatin1(kMigrations[version]).split(u';', Qt::SkipEmptyParts);
        bool ok = true;
        for (const QString &sql : statements) {
            if (sql.trimmed().isEmpty())
                continue;
            QSqlQuery q(db);
            if (!q.exec(sql)) {
                *error = QStringLiteral("migrating the key store to version %1 failed: %2")
                             .arg(version + 1)
                             .arg(q.lastError().text());
                ok = false;
                break;
            }
        }
        QSqlQuery v(db);
        if (ok && !v.exec(QStringLiteral("PRAGMA user_version = %1").arg(version + 1))) {
            *error = v.lastError().text();
            ok = false;
        }
        if (!ok) {
            db.rollback();
            return false;
        }
        db.commit();
        ++version;
    }
    return true;
}

bool KeyStore::exec(const QString &sql, const QVariantList &values)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    return true;
}

bool KeyStore::insertApplication(ApplicationRecord *app)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "INSERT INTO applications (uuid, tenant, owner, name, description, client_id, "
        "client_secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(text(app->uuid));
    q.addBindValue(text(app->tenant));
    q.addBindValue(text(app->owner));
    q.addBindValue(text(app->name));
    q.addBindValue(text(app->description));
    q.addBindValue(text(app->clientId));
    q.addBindValue(QString::fromLatin1(app->clientSecretHash));
    q.addBindValue(app->createdAt);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    app->id = q.lastInsertId().toLongLong();
    return true;
}

bool KeyStore::updateApplicationSecret(qint64 id, const QByteArray &secretHash)
{
    return exec(QStringLiteral("UPDATE applications SET client_secret_hash = ? WHERE id = ?"),
                {QString::fromLatin1(secretHash), id});
}

bool KeyStore::updateApplication(qint64 id, const QString &name, const QString &description)
{
    return exec(QStringLiteral("UPDATE applications SET name = ?, description = ? WHERE id = ?"),
                {text(name), text(description), id});
}

bool KeyStore::deleteApplication(qint64 id, qint64 at)
{
    return exec(QStringLiteral("UPDATE applications SET deleted_at = ? WHERE id = ?"), {at, id});
}

QList<ApplicationRecord> KeyStore::applications(bool includeDeleted)
{
    QList<ApplicationRecord> list;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT id, uuid, tenant, owner, name, description, client_id, "
                               "client_secret_hash, created_at, deleted_at FROM applications")
                + (includeDeleted ? QString() : QStringLiteral(" WHERE deleted_at = 0"))
                + QStringLiteral(" ORDER BY id"))) {
        m_lastError = q.lastError().text();
        return list;
    }
    while (q.next()) {
        ApplicationRecord a;
        a.id = q.value(0).toLongLong();
        a.uuid = q.value(1).toString();
        a.tenant = q.value(2).toString();
        a.owner = q.value(3).toString();
        a.name = q.value(4).toString();
        a.description = q.value(5).toString();
        a.clientId = q.value(6).toString();
        a.clientSecretHash = q.value(7).toString().toLatin1();
        a.createdAt = q.value(8).toLongLong();
        a.deletedAt = q.value(9).toLongLong();
        list << a;
    }
    return list;
}

bool KeyStore::insertSubscription(SubscriptionRecord *sub)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO subscriptions (uuid, application_id, tenant, api, "
                             "api_version, policy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(text(sub->uuid));
    q.addBindValue(sub->applicationId);
    q.addBindValue(text(sub->tenant));
    q.addBindValue(text(sub->api));
    q.addBindValue(text(sub->apiVersion));
    q.addBindValue(text(sub->policy));
    q.addBindValue(sub->createdAt);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    sub->id = q.lastInsertId().toLongLong();
    return true;
}

bool KeyStore::cancelSubscription(qint64 id, qint64 at)
{
    return exec(QStringLiteral("UPDATE subscriptions SET cancelled_at = ? WHERE id = ?"), {at, id});
}

bool KeyStore::updateSubscriptionPolicy(qint64 id, const QString &policy)
{
    return exec(QStringLiteral("UPDATE subscriptions SET policy = ? WHERE id = ?"), {policy, id});
}

QList<SubscriptionRecord> KeyStore::subscriptions(bool includeCancelled)
{
    QList<SubscriptionRecord> list;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT id, uuid, application_id, tenant, api, api_version, "
                               "policy, created_at, cancelled_at FROM subscriptions")
                + (includeCancelled ? QString() : QStringLiteral(" WHERE cancelled_at = 0"))
                + QStringLiteral(" ORDER BY id"))) {
        m_lastError = q.lastError().text();
        return list;
    }
    while (q.next()) {
        SubscriptionRecord s;
        s.id = q.value(0).toLongLong();
        s.uuid = q.value(1).toString();
        s.applicationId = q.value(2).toLongLong();
        s.tenant = q.value(3).toString();
        s.api = q.value(4).toString();
        s.apiVersion = q.value(5).toString();
        s.policy = q.value(6).toString();
        s.createdAt = q.value(7).toLongLong();
        s.cancelledAt = q.value(8).toLongLong();
        list << s;
    }
    return list;
}

bool KeyStore::insertToken(const TokenRecord &t)
{
    return exec(
        QStringLiteral("INSERT INTO tokens (hash, application_id, user, scopes, grant_type, "
                       "issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        {t.hash, t.applicationId, text(t.user), text(t.scopes.join(u' ')), text(t.grantType),
         t.issuedAt, t.expiresAt});
}

bool KeyStore::revokeToken(const QByteArray &hash, qint64 at)
{
    return exec(
        QStringLiteral("UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at = 0"),
        {at, hash});
}

bool KeyStore::revokeApplicationTokens(qint64 applicationId, qint64 at)
{
    return exec(QStringLiteral("UPDATE tokens SET revoked_at = ? WHERE application_id = ? AND "
                               "revoked_at = 0"),
                {at, applicationId});
}

QList<TokenRecord> KeyStore::liveTokens(qint64 now)
{
    QList<TokenRecord> list;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT hash, application_id, user, scopes, grant_type, issued_at, "
                             "expires_at FROM tokens WHERE revoked_at = 0 AND expires_at > ?"));
    q.addBindValue(now);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return list;
    }
    while (q.next()) {
        TokenRecord t;
        t.hash = q.value(0).toByteArray();
        t.applicationId = q.value(1).toLongLong();
        t.user = q.value(2).toString();
        t.scopes = q.value(3).toString().split(u' ', Qt::SkipEmptyParts);
        t.grantType = q.value(4).toString();
        t.issuedAt = q.value(5).toLongLong();
        t.expiresAt = q.value(6).toLongLong();
        list << t;
    }
    return list;
}

int KeyStore::purgeTokens(qint64 before)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("DELETE FROM tokens WHERE expires_at < ? OR (revoked_at > 0 AND "
                             "revoked_at < ?)"));
    q.addBindValue(before);
    q.addBindValue(before);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return 0;
    }
    return q.numRowsAffected();
}

bool KeyStore::saveCounters(const QList<QuotaRecord> &quotas, const QList<UsageRecord> &usage)
{
    if (quotas.isEmpty() && usage.isEmpty())
        return true;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        m_lastError = db.lastError().text();
        return false;
    }
    bool ok = true;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO quota_counters (subscription_id, window_start, count) "
                             "VALUES (?, ?, ?) ON CONFLICT(subscription_id) DO UPDATE SET "
                             "window_start = excluded.window_start, count = excluded.count"));
    for (const QuotaRecord &r : quotas) {
        q.addBindValue(r.subscriptionId);
        q.addBindValue(r.windowStart);
        q.addBindValue(r.count);
        if (!q.exec()) {
            ok = false;
            m_lastError = q.lastError().text();
            break;
        }
    }
    QSqlQuery u(db);
    u.prepare(QStringLiteral(
        "INSERT INTO usage_daily (subscription_id, day, delivered, throttled, bytes) VALUES (?, "
        "?, ?, ?, ?) ON CONFLICT(subscription_id, day) DO UPDATE SET delivered = delivered + "
        "excluded.delivered, throttled = throttled + excluded.throttled, bytes = bytes + "
        "excluded.bytes"));
    for (int i = 0; ok && i < usage.size(); ++i) {
        const UsageRecord &r = usage[i];
        u.addBindValue(r.subscriptionId);
        u.addBindValue(text(r.day));
        u.addBindValue(r.delivered);
        u.addBindValue(r.throttled);
        u.addBindValue(r.bytes);
        if (!u.exec()) {
            ok = false;
            m_lastError = u.lastError().text();
        }
    }
    if (!ok) {
        db.rollback();
        return false;
    }
    return db.commit();
}

QList<QuotaRecord> KeyStore::quotas()
{
    QList<QuotaRecord> list;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT subscription_id, window_start, count FROM quota_counters")))
        return list;
    while (q.next())
        list << QuotaRecord{q.value(0).toLongLong(), q.value(1).toLongLong(),
                            q.value(2).toLongLong()};
    return list;
}

QList<UsageRecord> KeyStore::usage(const QString &fromDay, const QString &toDay)
{
    QList<UsageRecord> list;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT subscription_id, day, delivered, throttled, bytes FROM "
                             "usage_daily WHERE day >= ? AND day <= ? ORDER BY subscription_id, "
                             "day"));
    q.addBindValue(fromDay.isEmpty() ? QStringLiteral("0000-00-00") : fromDay);
    q.addBindValue(toDay.isEmpty() ? QStringLiteral("9999-99-99") : toDay);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return list;
    }
    while (q.next()) {
        UsageRecord r;
        r.subscriptionId = q.value(0).toLongLong();
        r.day = q.value(1).toString();
        r.delivered = q.value(2).toLongLong();
        r.throttled = q.value(3).toLongLong();
        r.bytes = q.value(4).toLongLong();
        list << r;
    }
    return list;
}

} // namespace Rivulet::Gateway
