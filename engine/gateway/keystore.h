#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Rivulet::Gateway {

struct ApplicationRecord
{
    qint64 id = 0;
    QString uuid;
    QString tenant;
    QString owner; // the user who created it
    QString name;
    QString description;
    QString clientId;
    QByteArray clientSecretHash; // SHA-256 hex of the secret
    qint64 createdAt = 0;        // epoch ms
    qint64 deletedAt = 0;        // 0: live
};

struct SubscriptionRecord
{
    qint64 id = 0;
    QString uuid;
    qint64 applicationId = 0;
    QString tenant;
    QString api; // API name
    QString apiVersion;
    QString policy;
    qint64 createdAt = 0;
    qint64 cancelledAt = 0; // 0: active
};

struct TokenRecord
{
    QByteArray hash; // SHA-256 of the token (the token itself is never stored)
    qint64 applicationId = 0;
    QString user; // password grant: the user; client credentials: empty
    QStringList scopes;
    QString grantType;
    qint64 issuedAt = 0;
    qint64 expiresAt = 0;
    qint64 revokedAt = 0;
};

struct QuotaRecord
{
    qint64 subscriptionId = 0;
    qint64 windowStart = 0;
    qint64 count = 0;
};

// Events of one subscription on one UTC day (YYYY-MM-DD): what monetization bills.
struct UsageRecord
{
    qint64 subscriptionId = 0;
    QString day;
    qint64 delivered = 0;
    qint64 throttled = 0;
    qint64 bytes = 0;
};

// The gateway's persistent state in SQLite (Qt's QSQLITE driver): applications, subscriptions,
// access tokens (as hashes), quota and usage counters. The schema is versioned with
// PRAGMA user_version and migrated step by step on open. Every statement binds its values.
// Use from one thread (the one that opened it).
class KeyStore
{
public:
    static constexpr int kSchemaVersion = 2;

    KeyStore();
    ~KeyStore();
    KeyStore(const KeyStore &) = delete;
    KeyStore &operator=(const KeyStore &) = delete;

    // Opens (creating the file and its folder) and migrates to kSchemaVersion. readOnly opens an
    // existing store without migrating (reports from another process).
    bool open(const QString &path, QString *error, bool readOnly = false);
    void close();
    bool isOpen() const;
    int schemaVersion() const;
    const QString &path() const { return m_path; }
    const QString &lastError() const { return m_lastError; }

    bool insertApplication(ApplicationRecord *app);
    bool updateApplicationSecret(qint64 id, const QByteArray &secretHash);
    bool updateApplication(qint64 id, const QString &name, const QString &description);
    bool deleteApplication(qint64 id, qint64 at);
    QList<ApplicationRecord> applications(bool includeDeleted = false);

    bool insertSubscription(SubscriptionRecord *sub);
    bool cancelSubscription(qint64 id, qint64 at);
    bool updateSubscriptionPolicy(qint64 id, const QString &policy);
    QList<SubscriptionRecord> subscriptions(bool includeCancelled = false);

    bool insertToken(const TokenRecord &token);
    bool revokeToken(const QByteArray &hash, qint64 at);
    bool revokeApplicationTokens(qint64 applicationId, qint64 at);
    // Tokens neither revoked nor expired at `now`.
    QList<TokenRecord> liveTokens(qint64 now);
    // Deletes tokens that expired or were revoked before `before`.
    int purgeTokens(qint64 before);

    // One transaction: quota windows replaced, usage deltas added to their days.
    bool saveCounters(const QList<QuotaRecord> &quotas, const QList<UsageRecord> &usageDeltas);
    QList<QuotaRecord> quotas();
    // Usage rows with from <= day <= to (YYYY-MM-DD; empty bounds are open).
    QList<UsageRecord> usage(const QString &fromDay = {}, const QString &toDay = {});

private:
    bool migrate(QString *error);
    bool exec(const QString &sql, const QVariantList &values = {});
    QString m_connection;
    QString m_path;
    QString m_lastError;
};

} // namespace Rivulet::Gateway
