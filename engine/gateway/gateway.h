#pragma once

#include "analytics.h"
#include "apidefinition.h"
#include "deploymentconfig.h"
#include "keystore.h"
#include "policy.h"
#include "portalsessions.h"
#include "signinguard.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

class QTimer;

namespace Rivulet::Runtime {
class AppRuntime;
struct EventChunk;
} // namespace Rivulet::Runtime

namespace Rivulet::Io {
class HttpListener;
class IoContext;
class SinkMapper;
class WsServer;
struct HandshakeDecision;
struct HandshakeRequest;
} // namespace Rivulet::Io

namespace Rivulet::Gateway {

class GatewayHttp;
class TlsTerminator;

// WebSocket close codes the gateway sends (RFC 6455 leaves 4000-4999 to applications; these
// mirror the HTTP statuses a handshake would get):
inline constexpr int kCloseTokenInvalid = 4401;  // the token was revoked or expired
inline constexpr int kCloseForbidden = 4403;     // subscription cancelled, application deleted
inline constexpr int kCloseQuotaExceeded = 4429; // past the subscription's quota (or burst)
// and 1001 when the server shuts down.

// Who is calling the developer REST API.
struct Principal
{
    QString user;
    QString tenant;
    QStringList roles;
    bool isAdmin() const { return roles.contains(QStringLiteral("admin")); }
};

// A refusal for REST and OAuth2 callers: HTTP status, a machine-readable code, a sentence,
// and the request field at fault when there is one.
struct ServiceError
{
    int status = 400;
    QByteArray code;
    QString message;
    QString field;
    qint64 retryAfter = 0; // seconds, for 423 and 429 (a Retry-After header)
};

struct TokenGrant
{
    QByteArray accessToken;
    qint64 expiresIn = 0; // seconds
    QStringList scopes;
};

// The API gateway inside `rivulet run --config`: serves each AsyncAPI-defined API of the
// deployment on the ws and wss listeners, authenticating every WebSocket handshake with an
// OAuth2 bearer token before the upgrade, routing each event of the bound stream to the
// subscribers of its topic (serialized once per topic), throttling per subscription, and
// counting what it delivers for analytics and monetization. The token endpoint and the
// developer REST API are served on the https and http listeners (GatewayHttp).
//
// Threads: the Qt event loop's thread owns the key store, the HTTP listeners and the timers;
// WebSocket handshakes run on the WebSocket servers' I/O threads and deliveries on the apps'
// threads; the in-memory state they share is guarded by one mutex, held for microseconds.
class Gateway final : public QObject
{
    Q_OBJECT

public:
    Gateway(DeploymentConfig config, Io::IoContext &context, QObject *parent = nullptr);
    ~Gateway() override;

    // Opens the key store, loads the API definitions and binds them to the apps' streams, then
    // listens. On failure returns false with one line naming the file, field or port.
    bool start(const std::vector<Runtime::AppRuntime *> &apps, QString *error);
    // Closes every client (1001), writes the counters, closes the store.
    void stop();

    const DeploymentConfig &config() const { return m_config; }
    quint16 wsPort() const;
    quint16 wssPort() const;
    quint16 httpsPort() const;
    quint16 httpPort() const;
    QString certificatePath() const { return m_certificatePath; }
    QStringList endpoints() const;
    // What the gateway serves: per API channel, its topic template under the API's base path.
    struct ServedTopic
    {
        QString api;      // TrainRealLocationAPI:1.0.0
        QString tenant;   // quantis.com
        QString basePath; // /t/quantis.com/train/location/1.0.0
        QString topic;    // loc-train-qnt-{trainId}
        QString stream;
    };
    QList<ServedTopic> servedTopics() const;

    // Epoch ms. Default: the system clock. Tests move time instead of sleeping.
    using Clock = std::function<int64_t()>;
    void setClock(Clock clock);
    int64_t now() const { return m_clock(); }

    AnalyticsSnapshot analytics();
    // Writes the quota and usage counters to the key store now (a timer does it every
    // counterFlushInterval, and stop() at the end).
    void flushCounters();
    // Closes connections whose token expired (a timer does it four times a second).
    void expireSessions();

    // ---- Users, clients and tokens (Qt thread) ----------------------------------------------
    // Checks a password, without rate limits (signIn adds them).
    std::optional<Principal> authenticateUser(const QString &name, const QByteArray &password);
    // A password sign-in from a client address ("" when unknown), rate limited per user and per
    // address (SignInGuard): a locked user gets 423 account_locked, a refused address 429
    // too_many_attempts, both with retryAfter; a wrong password 401 invalid_credentials.
    std::optional<Principal> signIn(const QString &name, const QByteArray &password,
                                    const QString &address, ServiceError *error);
    // A password-grant access token stands for its user.
    std::optional<Principal> principalOfToken(const QByteArray &token);
    // RFC 6749 section 4.4 (client_credentials) and 4.3 (password).
    bool issueToken(const QString &clientId, const QByteArray &clientSecret,
                    const QString &grantType, const QString &username, const QByteArray &password,
                    const QString &scope, TokenGrant *grant, ServiceError *error,
                    const QString &address = {});
    // RFC 7009: revokes the token when it belongs to the client; ends its connections.
    bool revokeToken(const QString &clientId, const QByteArray &clientSecret,
                     const QByteArray &token, ServiceError *error);

    // ---- The developer REST API (Qt thread); JSON in the REST API's shapes ------------------
    QJsonArray listApis(const Principal &who) const;
    bool api(const Principal &who, const QString &id, QJsonObject *out, ServiceError *error) const;
    bool apiDocument(const Principal &who, const QString &id, QJsonObject *out,
                     ServiceError *error) const;
    QJsonArray listPolicies(const Principal &who) const;
    QJsonArray listApplications(const Principal &who);
    bool application(const Principal &who, const QString &id, QJsonObject *out,
                     ServiceError *error);
    bool createApplication(const Principal &who, const QString &name, const QString &description,
                           QJsonObject *out, ServiceError *error);
    bool deleteApplication(const Principal &who, const QString &id, ServiceError *error);
    // Renames an application and/or changes its description (null: unchanged).
    bool updateApplication(const Principal &who, const QString &id, const QString *name,
                           const QString *description, QJsonObject *out, ServiceError *error);
    // New client secret (the old one stops working); the client id stays.
    bool generateKeys(const Principal &who, const QString &id, QJsonObject *out,
                      ServiceError *error);
    // An application's live access tokens (never the tokens themselves: an id, times, scopes).
    bool listTokens(const Principal &who, const QString &applicationId, QJsonArray *out,
                    ServiceError *error);
    // A client-credentials token for an application its owner (or an admin) manages, valid for
    // `validity` seconds (0: tokens.lifetime; at most tokens.maxLifetime).
    bool issueApplicationToken(const Principal &who, const QString &applicationId, qint64 validity,
                               const QString &scope, QJsonObject *out, ServiceError *error);
    // Revokes one of them by its id; its connections are closed (4401).
    bool revokeApplicationToken(const Principal &who, const QString &applicationId,
                                const QString &tokenId, ServiceError *error);
    bool listSubscriptions(const Principal &who, const QString &applicationId, QJsonArray *out,
                           ServiceError *error);
    bool subscribe(const Principal &who, const QString &applicationId, const QString &apiId,
                   const QString &policy, QJsonObject *out, ServiceError *error);
    bool subscription(const Principal &who, const QString &id, QJsonObject *out,
                      ServiceError *error);
    bool unsubscribe(const Principal &who, const QString &id, ServiceError *error);
    // Moves a subscription to another policy the API offers; its counters carry on.
    bool changePolicy(const Principal &who, const QString &id, const QString &policy,
                      QJsonObject *out, ServiceError *error);
    // An application's events per subscription, delivered and throttled, today and this month
    // (UTC), for the portal's chart.
    bool applicationUsage(const Principal &who, const QString &applicationId, QJsonObject *out,
                          ServiceError *error);
    // How to connect to a topic of an API: its ws and wss URLs and the wscat commands, with
    // $TOKEN for the access token. The topic is given whole, or as a channel and its
    // parameters' values.
    bool topicConnection(const Principal &who, const QString &apiId, const QString &topic,
                         const QString &channel, const QHash<QString, QString> &parameters,
                         QJsonObject *out, ServiceError *error) const;
    // The tenants, for the portal's tenant picker (public): domain and number of APIs.
    QJsonArray listTenants() const;

    // ---- The developer portal's sessions (Qt thread) ----------------------------------------
    PortalSessions &portalSessions() { return m_portalSessions; }
    // Billable usage per subscription and period ("month" or "day") between two days
    // (YYYY-MM-DD, inclusive, empty: open), for the caller's applications (a tenant admin: the
    // tenant's). Format "json" or "csv".
    bool usage(const Principal &who, const QString &applicationId, const QString &period,
               const QString &from, const QString &to, const QString &format, QByteArray *body,
               ServiceError *error);

private:
    struct Api;
    struct Channel;
    struct Topic;
    struct Group;
    struct Sub;
    struct App;
    struct Token;
    struct Session;

    bool openStore(QString *error);
    bool loadApis(const std::vector<Runtime::AppRuntime *> &apps, QString *error);
    bool startListeners(QString *error);
    bool prepareTls(QString *error);
    void loadState();

    Io::HandshakeDecision onHandshake(int server, const Io::HandshakeRequest &request);
    void onDisconnect(int server, uint64_t tag);
    void onEvents(Channel *channel, const Runtime::EventChunk &chunk);

    // Under m_mutex.
    struct Route;
    Route route(const QByteArray &path) const;
    void failHandshake(Api *api, const char *reason);
    int allocateChannel();
    void releaseChannel(int id);
    void closeSessions(const std::function<bool(const Session &)> &which, int code,
                       const QByteArray &reason);
    void scheduleQuotaClose(Sub *sub);
    Sub *addSubscription(const SubscriptionRecord &record);
    void cancelSubscriptionLocked(Sub *sub, const QByteArray &reason);
    App *appByUuid(const QString &uuid) const;
    App *appByClientId(const QString &clientId) const;
    Api *apiById(const QString &id) const;
    const ThrottlePolicy *policy(const QString &name) const;
    bool canSee(const Principal &who, const App &app) const;
    // The active subscription with this id that who may see, or null (m_mutex held).
    Sub *visibleSubscriptionLocked(const Principal &who, const QString &id) const;
    QJsonObject applicationJson(const App &app) const;
    QJsonObject subscriptionJson(const Sub &sub) const;
    QJsonObject apiJson(const Api &api) const;
    App *authenticateClient(const QString &clientId, const QByteArray &secret);
    void flushCountersLocked(QList<QuotaRecord> *quotas, QList<UsageRecord> *usage);
    bool grantScopes(const QString &tenant, const QStringList &roles, const QString &scope,
                     QStringList *granted, ServiceError *error) const;
    bool mintToken(App *app, const QString &user, const QStringList &scopes,
                   const QString &grantType, qint64 lifetime, TokenGrant *grant, QByteArray *hash,
                   ServiceError *error);
    void revokeTokenLocked(const std::shared_ptr<Token> &token, int64_t at);

    DeploymentConfig m_config;
    Io::IoContext &m_context;
    Clock m_clock;
    KeyStore m_store;
    QString m_certificatePath;
    QString m_keyPath;
    bool m_running = false;
    int64_t m_startedAt = 0;

    std::vector<std::shared_ptr<Io::WsServer>> m_servers; // 0: ws (or loopback), 1: wss backend
    std::unique_ptr<TlsTerminator> m_tls;
    std::unique_ptr<GatewayHttp> m_http;
    QTimer *m_flushTimer = nullptr;
    QTimer *m_expiryTimer = nullptr;

    // Shared with the I/O and app threads: everything below, under m_mutex.
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Api>> m_apis;
    QHash<qint64, std::shared_ptr<App>> m_apps;
    std::unordered_map<qint64, std::unique_ptr<Sub>> m_subs; // never removed while running
    QHash<qint64, QList<Sub *>> m_subsByApp;
    QHash<QByteArray, std::shared_ptr<Token>> m_tokens; // by SHA-256 of the token
    std::unordered_map<uint64_t, Session> m_sessions;   // by WebSocket tag
    uint64_t m_nextTag = 1;
    int m_nextChannel = 1;
    std::vector<std::pair<int, int64_t>> m_coolingChannels; // freed ids and when
    std::vector<int> m_freeChannels;
    QMap<QString, int64_t> m_unattributedFailures;
    int64_t m_refusedHandshakes = 0;
    int64_t m_tokensIssued = 0;
    int64_t m_tokensRevoked = 0;
    int64_t m_nextExpiry = std::numeric_limits<int64_t>::max();
    int64_t m_lastPurge = 0;      // Qt thread
    int64_t m_lastStorePurge = 0; // Qt thread

    // Password checks are slow by design: a successful one is remembered for a while.
    struct CachedLogin
    {
        QByteArray digest;
        int64_t until = 0;
    };
    QHash<QString, CachedLogin> m_loginCache;
    QByteArray m_loginSalt;
    QHash<QString, std::pair<UserConfig, QString>> m_users; // lower-case name -> user, tenant
    SignInGuard m_signInGuard;
    PortalSessions m_portalSessions;
};

} // namespace Rivulet::Gateway
