// The operations behind the OAuth2 endpoints and the developer REST API: users, clients,
// tokens, applications and subscriptions. Qt thread; the store is written first, then the
// shared in-memory state under the gateway's mutex.
#include "gateway.h"

#include "credentials.h"
#include "gateway_p.h"
#include "usagereport.h"

#include "engine/io/iocontext.h"
#include "engine/io/wsserver.h"
#include "engine/lang/shellword.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

namespace Rivulet::Gateway {

namespace {

constexpr int64_t kLoginCacheMs = 5 * 60 * 1000;

ServiceError err(int status, const char *code, const QString &message, const QString &field = {})
{
    return ServiceError{status, QByteArray(code), message, field};
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

QJsonObject policyJson(const ThrottlePolicy &p)
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), p.name);
    o.insert(QStringLiteral("description"), p.description);
    o.insert(QStringLiteral("count"), double(p.count));
    o.insert(QStringLiteral("unlimited"), p.unlimited());
    o.insert(QStringLiteral("timeUnit"), timeUnitName(p.timeUnit));
    o.insert(QStringLiteral("unitTime"), p.unitTime);
    if (p.burstCount > 0) {
        QJsonObject b;
        b.insert(QStringLiteral("count"), double(p.burstCount));
        b.insert(QStringLiteral("timeUnit"), timeUnitName(p.burstUnit));
        o.insert(QStringLiteral("burst"), b);
    }
    o.insert(QStringLiteral("onQuota"), p.onQuota == ThrottlePolicy::Action::Close
                                            ? QStringLiteral("close")
                                            : QStringLiteral("drop"));
    o.insert(QStringLiteral("onBurst"), p.onBurst == ThrottlePolicy::Action::Close
                                            ? QStringLiteral("close")
                                            : QStringLiteral("drop"));
    QJsonObject price;
    price.insert(QStringLiteral("amount"), p.price);
    price.insert(QStringLiteral("perEvents"), double(p.pricePerEvents));
    price.insert(QStringLiteral("freeEvents"), double(p.freeEvents));
    price.insert(QStringLiteral("currency"), p.currency);
    o.insert(QStringLiteral("price"), price);
    return o;
}

} // namespace

// ---- users and clients ----------------------------------------------------------------------

std::optional<Principal> Gateway::authenticateUser(const QString &name, const QByteArray &password)
{
    const QString key = name.toLower();
    const auto found = m_users.constFind(key);
    if (found == m_users.constEnd()) {
        // As slow as a real check, so that timing does not tell which users exist.
        static const QByteArray dummy = Credentials::hashPassword("rivulet-dummy");
        Credentials::verifyPassword(password, dummy);
        return std::nullopt;
    }
    const UserConfig &user = found->first;
    const QByteArray digest =
        Credentials::sha256(m_loginSalt + '\0' + key.toUtf8() + '\0' + password);
    const int64_t t = now();
    const auto cached = m_loginCache.constFind(key);
    const bool ok = (cached != m_loginCache.constEnd() && cached->until > t
                     && Credentials::constantTimeEquals(cached->digest, digest))
                    || Credentials::verifyPassword(password, user.passwordHash);
    if (!ok)
        return std::nullopt;
    m_loginCache.insert(key, CachedLogin{digest, t + kLoginCacheMs});
    return Principal{user.name, found->second, user.roles};
}

namespace {

// "15 min", "42 s", "2 h 5 min": how long until a lock ends.
QString duration(int64_t ms)
{
    const int64_t s = (ms + 999) / 1000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    const int64_t m = (s + 59) / 60;
    if (m < 60)
        return QStringLiteral("%1 min").arg(m);
    return m % 60 ? QStringLiteral("%1 h %2 min").arg(m / 60).arg(m % 60)
                  : QStringLiteral("%1 h").arg(m / 60);
}

} // namespace

std::optional<Principal> Gateway::signIn(const QString &name, const QByteArray &password,
                                         const QString &address, ServiceError *error)
{
    const int64_t t = now();
    int64_t retry = 0;
    auto refuse = [&](SignInGuard::Verdict v, bool justNow) {
        const SignInGuard::Limits &l = m_signInGuard.limits();
        if (v == SignInGuard::Verdict::UserLocked) {
            *error =
                err(423, "account_locked",
                    QStringLiteral("%1the account %2 is locked after %3 failed sign-ins: try "
                                   "again in %4")
                        .arg(justNow ? QStringLiteral("wrong user name or password; ") : QString(),
                             name)
                        .arg(l.maxUserFailures)
                        .arg(duration(retry)),
                    QStringLiteral("username"));
        } else {
            *error =
                err(429, "too_many_attempts",
                    QStringLiteral("%1too many failed sign-ins from %2: try again in %3")
                        .arg(justNow ? QStringLiteral("wrong user name or password; ") : QString(),
                             address, duration(retry)));
        }
        error->retryAfter = (retry + 999) / 1000;
        return std::nullopt;
    };
    SignInGuard::Verdict v = m_signInGuard.check(name, address, t, &retry);
    if (v != SignInGuard::Verdict::Allowed)
        return refuse(v, false);
    std::optional<Principal> p = authenticateUser(name, password);
    if (p) {
        m_signInGuard.succeeded(name);
        return p;
    }
    v = m_signInGuard.failed(name, address, t, &retry);
    if (v != SignInGuard::Verdict::Allowed)
        return refuse(v, true);
    *error = err(401, "invalid_credentials", QStringLiteral("wrong user name or password"),
                 QStringLiteral("password"));
    return std::nullopt;
}

std::optional<Principal> Gateway::principalOfToken(const QByteArray &token)
{
    const QByteArray hash = Credentials::sha256(token);
    QString user;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto it = m_tokens.constFind(hash);
        if (it == m_tokens.constEnd() || it.value()->rec.expiresAt <= now())
            return std::nullopt;
        user = it.value()->rec.user;
    }
    const auto found = m_users.constFind(user.toLower());
    if (user.isEmpty() || found == m_users.constEnd())
        return std::nullopt;
    return Principal{found->first.name, found->second, found->first.roles};
}

Gateway::App *Gateway::appByUuid(const QString &uuid) const
{
    for (const auto &app : m_apps) {
        if (app->rec.uuid == uuid && !app->deleted())
            return app.get();
    }
    return nullptr;
}

Gateway::App *Gateway::appByClientId(const QString &clientId) const
{
    for (const auto &app : m_apps) {
        if (app->rec.clientId == clientId && !app->deleted())
            return app.get();
    }
    return nullptr;
}

Gateway::App *Gateway::authenticateClient(const QString &clientId, const QByteArray &secret)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    App *app = appByClientId(clientId);
    const QByteArray hash = Credentials::sha256Hex(secret);
    if (!app)
        return nullptr;
    return Credentials::constantTimeEquals(hash, app->rec.clientSecretHash) ? app : nullptr;
}

// ---- tokens ---------------------------------------------------------------------------------

bool Gateway::issueToken(const QString &clientId, const QByteArray &clientSecret,
                         const QString &grantType, const QString &username,
                         const QByteArray &password, const QString &scope, TokenGrant *grant,
                         ServiceError *error, const QString &address)
{
    if (grantType.isEmpty()) {
        *error = err(400, "invalid_request", QStringLiteral("grant_type is required"),
                     QStringLiteral("grant_type"));
        return false;
    }
    const bool password_grant = grantType == QLatin1String("password");
    if (!password_grant && grantType != QLatin1String("client_credentials")) {
        *error = err(400, "unsupported_grant_type",
                     QStringLiteral("grant_type must be client_credentials or password"),
                     QStringLiteral("grant_type"));
        return false;
    }
    if (clientId.isEmpty()) {
        *error = err(401, "invalid_client",
                     QStringLiteral("client authentication is required (HTTP Basic with the "
                                    "client id and secret)"));
        return false;
    }
    App *app = authenticateClient(clientId, clientSecret);
    if (!app) {
        *error = err(401, "invalid_client", QStringLiteral("unknown client or wrong secret"));
        return false;
    }
    const QString tenant = app->rec.tenant;
    QStringList roles;
    QString user;
    if (password_grant) {
        if (username.isEmpty() || password.isEmpty()) {
            *error =
                err(400, "invalid_request",
                    QStringLiteral("the password grant needs username and password"),
                    username.isEmpty() ? QStringLiteral("username") : QStringLiteral("password"));
            return false;
        }
        ServiceError signInError;
        const std::optional<Principal> p = signIn(username, password, address, &signInError);
        if (!p) {
            // RFC 6749 5.2: invalid_grant, whatever the reason (a lock says so in the text).
            *error = err(400, "invalid_grant", signInError.message);
            return false;
        }
        if (p->tenant != tenant) {
            *error = err(400, "invalid_grant",
                         QStringLiteral("user %1 is not of the application's tenant %2")
                             .arg(p->user, tenant));
            return false;
        }
        user = p->user;
        roles = p->roles;
    } else {
        const auto owner = m_users.constFind(app->rec.owner.toLower());
        if (owner != m_users.constEnd())
            roles = owner->first.roles;
    }
    QStringList granted;
    if (!grantScopes(tenant, roles, scope, &granted, error))
        return false;
    return mintToken(app, user, granted, grantType, m_config.tokenLifetime, grant, nullptr, error);
}

// Scopes: "default" always; others when an API of the tenant defines them and the user (the
// application's owner for client credentials) holds one of their roles.
bool Gateway::grantScopes(const QString &tenant, const QStringList &roles, const QString &scope,
                          QStringList *granted, ServiceError *error) const
{
    *granted = QStringList{QStringLiteral("default")};
    const QStringList requested = scope.split(u' ', Qt::SkipEmptyParts);
    for (const QString &s : requested) {
        if (s == QLatin1String("default"))
            continue;
        bool known = false, allowed = false;
        for (const auto &api : m_apis) {
            if (api->def.tenant != tenant)
                continue;
            for (const ScopeDefinition &d : api->def.scopes) {
                if (d.name != s)
                    continue;
                known = true;
                bool roleOk = d.roles.isEmpty();
                for (const QString &r : d.roles)
                    roleOk = roleOk || roles.contains(r);
                allowed = allowed || roleOk;
            }
        }
        if (!known) {
            *error =
                err(400, "invalid_scope",
                    QStringLiteral("no API of tenant %1 defines the scope '%2'").arg(tenant, s),
                    QStringLiteral("scope"));
            return false;
        }
        if (allowed && !granted->contains(s))
            *granted << s; // not allowed: left out (RFC 6749 3.3: a narrower scope)
    }
    return true;
}

bool Gateway::mintToken(App *app, const QString &user, const QStringList &scopes,
                        const QString &grantType, qint64 lifetime, TokenGrant *grant,
                        QByteArray *hash, ServiceError *error)
{
    const QByteArray token = Credentials::randomToken(32);
    TokenRecord rec;
    rec.hash = Credentials::sha256(token);
    rec.applicationId = app->rec.id;
    rec.user = user;
    rec.scopes = scopes;
    rec.grantType = grantType;
    rec.issuedAt = now();
    rec.expiresAt = rec.issuedAt + lifetime * 1000;
    if (!m_store.insertToken(rec)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot store the token: %1").arg(m_store.lastError()));
        return false;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto t = std::make_shared<Token>();
        t->rec = rec;
        t->app = m_apps.value(app->rec.id);
        m_tokens.insert(rec.hash, t);
        ++m_tokensIssued;
    }
    grant->accessToken = token;
    grant->expiresIn = lifetime;
    grant->scopes = scopes;
    if (hash)
        *hash = rec.hash;
    return true;
}

bool Gateway::revokeToken(const QString &clientId, const QByteArray &clientSecret,
                          const QByteArray &token, ServiceError *error)
{
    App *app = clientId.isEmpty() ? nullptr : authenticateClient(clientId, clientSecret);
    if (!app) {
        *error = err(401, "invalid_client", QStringLiteral("unknown client or wrong secret"));
        return false;
    }
    if (token.isEmpty()) {
        *error = err(400, "invalid_request", QStringLiteral("token is required"),
                     QStringLiteral("token"));
        return false;
    }
    const QByteArray hash = Credentials::sha256(token);
    std::shared_ptr<Token> tok;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        tok = m_tokens.value(hash);
    }
    if (!tok)
        return true; // RFC 7009 2.2: an unknown or already invalid token is not an error
    if (tok->app.get() != app) {
        *error = err(400, "unauthorized_client",
                     QStringLiteral("the token was not issued to this client"));
        return false;
    }
    const int64_t t = now();
    m_store.revokeToken(hash, t);
    std::lock_guard<std::mutex> lock(m_mutex);
    revokeTokenLocked(tok, t);
    return true;
}

void Gateway::revokeTokenLocked(const std::shared_ptr<Token> &tok, int64_t at)
{
    m_tokens.remove(tok->rec.hash);
    tok->rec.revokedAt = at;
    ++m_tokensRevoked;
    closeSessions([&tok](const Session &s) { return s.token == tok; }, kCloseTokenInvalid,
                  "access token revoked");
}

// ---- APIs and policies ----------------------------------------------------------------------

Gateway::Api *Gateway::apiById(const QString &id) const
{
    for (const auto &api : m_apis) {
        if (api->def.id() == id || api->def.handle() == id)
            return api.get();
    }
    return nullptr;
}

QJsonObject Gateway::apiJson(const Api &api) const
{
    const ApiDefinition &d = api.def;
    QJsonObject o;
    o.insert(QStringLiteral("id"), d.id());
    o.insert(QStringLiteral("name"), d.name);
    o.insert(QStringLiteral("version"), d.version);
    o.insert(QStringLiteral("handle"), d.handle());
    o.insert(QStringLiteral("tenant"), d.tenant);
    o.insert(QStringLiteral("context"), d.context);
    o.insert(QStringLiteral("description"), d.description);
    o.insert(QStringLiteral("basePath"), d.basePath());
    QJsonObject urls;
    if (wsPort())
        urls.insert(QStringLiteral("ws"), QStringLiteral("ws://%1:%2%3/")
                                              .arg(m_config.publicHost)
                                              .arg(wsPort())
                                              .arg(d.basePath()));
    if (wssPort())
        urls.insert(QStringLiteral("wss"), QStringLiteral("wss://%1:%2%3/")
                                               .arg(m_config.publicHost)
                                               .arg(wssPort())
                                               .arg(d.basePath()));
    o.insert(QStringLiteral("urls"), urls);
    QJsonArray topics;
    for (const ChannelDefinition &c : d.channels) {
        QJsonObject t;
        t.insert(QStringLiteral("name"), c.name);
        t.insert(QStringLiteral("description"), c.description);
        t.insert(QStringLiteral("parameters"), QJsonArray::fromStringList(c.topic.parameters()));
        t.insert(QStringLiteral("stream"), c.stream);
        topics.append(t);
    }
    o.insert(QStringLiteral("topics"), topics);
    QStringList offered = d.policies;
    if (offered.isEmpty()) {
        for (const ThrottlePolicy &p : m_config.policies)
            offered << p.name;
    }
    o.insert(QStringLiteral("policies"), QJsonArray::fromStringList(offered));
    QStringList scopes;
    for (const ScopeDefinition &s : d.scopes)
        scopes << s.name;
    o.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(scopes));
    return o;
}

QJsonArray Gateway::listApis(const Principal &who) const
{
    QJsonArray list;
    for (const auto &api : m_apis) {
        if (api->def.tenant == who.tenant)
            list.append(apiJson(*api));
    }
    return list;
}

bool Gateway::api(const Principal &who, const QString &id, QJsonObject *out,
                  ServiceError *error) const
{
    const Api *a = apiById(id);
    if (!a || a->def.tenant != who.tenant) {
        *error =
            err(404, "not_found", QStringLiteral("no API '%1' in tenant %2").arg(id, who.tenant));
        return false;
    }
    *out = apiJson(*a);
    return true;
}

bool Gateway::apiDocument(const Principal &who, const QString &id, QJsonObject *out,
                          ServiceError *error) const
{
    const Api *a = apiById(id);
    if (!a || a->def.tenant != who.tenant) {
        *error =
            err(404, "not_found", QStringLiteral("no API '%1' in tenant %2").arg(id, who.tenant));
        return false;
    }
    *out = a->def.document;
    return true;
}

QJsonArray Gateway::listPolicies(const Principal &) const
{
    QJsonArray list;
    for (const ThrottlePolicy &p : m_config.policies)
        list.append(policyJson(p));
    return list;
}

// ---- applications ---------------------------------------------------------------------------

bool Gateway::canSee(const Principal &who, const App &app) const
{
    return !app.deleted() && app.rec.tenant == who.tenant
           && (app.rec.owner.compare(who.user, Qt::CaseInsensitive) == 0 || who.isAdmin());
}

QJsonObject Gateway::applicationJson(const App &app) const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), app.rec.uuid);
    o.insert(QStringLiteral("name"), app.rec.name);
    o.insert(QStringLiteral("description"), app.rec.description);
    o.insert(QStringLiteral("owner"), app.rec.owner);
    o.insert(QStringLiteral("tenant"), app.rec.tenant);
    o.insert(QStringLiteral("clientId"), app.rec.clientId);
    o.insert(QStringLiteral("createdAt"), isoTime(app.rec.createdAt));
    int subs = 0;
    for (const Sub *s : m_subsByApp.value(app.rec.id))
        subs += s->active() ? 1 : 0;
    o.insert(QStringLiteral("subscriptions"), subs);
    return o;
}

QJsonArray Gateway::listApplications(const Principal &who)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    QList<const App *> apps;
    for (const auto &app : std::as_const(m_apps)) {
        if (canSee(who, *app))
            apps << app.get();
    }
    std::sort(apps.begin(), apps.end(),
              [](const App *a, const App *b) { return a->rec.id < b->rec.id; });
    QJsonArray list;
    for (const App *app : std::as_const(apps))
        list.append(applicationJson(*app));
    return list;
}

bool Gateway::application(const Principal &who, const QString &id, QJsonObject *out,
                          ServiceError *error)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    App *app = appByUuid(id);
    if (!app || !canSee(who, *app)) {
        *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(id));
        return false;
    }
    *out = applicationJson(*app);
    return true;
}

namespace {

bool checkApplicationFields(const QString &name, const QString &description, ServiceError *error)
{
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$"));
    if (!nameRe.match(name).hasMatch()) {
        *error = err(400, "invalid_request",
                     QStringLiteral("an application name has 1 to 100 letters, digits, spaces, "
                                    "'_', '.' or '-', starting with a letter or digit"),
                     QStringLiteral("name"));
        return false;
    }
    if (description.size() > 1000) {
        *error = err(400, "invalid_request",
                     QStringLiteral("the description is longer than 1000 characters"),
                     QStringLiteral("description"));
        return false;
    }
    return true;
}

} // namespace

bool Gateway::createApplication(const Principal &who, const QString &name,
                                const QString &description, QJsonObject *out, ServiceError *error)
{
    if (!checkApplicationFields(name, description, error))
        return false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const auto &app : std::as_const(m_apps)) {
            if (!app->deleted() && app->rec.tenant == who.tenant
                && app->rec.owner.compare(who.user, Qt::CaseInsensitive) == 0
                && app->rec.name.compare(name, Qt::CaseInsensitive) == 0) {
                *error = err(409, "conflict",
                             QStringLiteral("you already have an application named '%1'").arg(name),
                             QStringLiteral("name"));
                return false;
            }
        }
    }
    ApplicationRecord rec;
    rec.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    rec.tenant = who.tenant;
    rec.owner = who.user;
    rec.name = name;
    rec.description = description;
    rec.clientId = QString::fromLatin1(Credentials::randomId(24));
    const QByteArray secret = Credentials::randomToken(32);
    rec.clientSecretHash = Credentials::sha256Hex(secret);
    rec.createdAt = now();
    if (!m_store.insertApplication(&rec)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot store the application: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    auto app = std::make_shared<App>();
    app->rec = rec;
    m_apps.insert(rec.id, app);
    *out = applicationJson(*app);
    out->insert(QStringLiteral("clientSecret"), QString::fromLatin1(secret));
    return true;
}

void Gateway::cancelSubscriptionLocked(Sub *sub, const QByteArray &reason)
{
    sub->rec.cancelledAt = now();
    closeSessions([sub](const Session &s) { return s.group->sub == sub; }, kCloseForbidden, reason);
}

bool Gateway::deleteApplication(const Principal &who, const QString &id, ServiceError *error)
{
    qint64 appId = 0;
    QList<qint64> subIds;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        App *app = appByUuid(id);
        if (!app || !canSee(who, *app)) {
            *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(id));
            return false;
        }
        appId = app->rec.id;
        for (const Sub *s : m_subsByApp.value(appId)) {
            if (s->active())
                subIds << s->rec.id;
        }
    }
    const int64_t t = now();
    for (qint64 s : std::as_const(subIds))
        m_store.cancelSubscription(s, t);
    m_store.revokeApplicationTokens(appId, t);
    if (!m_store.deleteApplication(appId, t)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot delete the application: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::shared_ptr<App> app = m_apps.value(appId);
    app->rec.deletedAt = t;
    for (Sub *s : m_subsByApp.value(appId)) {
        if (s->active())
            cancelSubscriptionLocked(s, "application deleted");
    }
    for (auto it = m_tokens.begin(); it != m_tokens.end();) {
        if (it.value()->app == app)
            it = m_tokens.erase(it);
        else
            ++it;
    }
    closeSessions([&app](const Session &s) { return s.token->app == app; }, kCloseForbidden,
                  "application deleted");
    return true;
}

bool Gateway::generateKeys(const Principal &who, const QString &id, QJsonObject *out,
                           ServiceError *error)
{
    qint64 appId = 0;
    QString clientId;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        App *app = appByUuid(id);
        if (!app || !canSee(who, *app)) {
            *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(id));
            return false;
        }
        appId = app->rec.id;
        clientId = app->rec.clientId;
    }
    const QByteArray secret = Credentials::randomToken(32);
    const QByteArray hash = Credentials::sha256Hex(secret);
    if (!m_store.updateApplicationSecret(appId, hash)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot store the new secret: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_apps.value(appId)->rec.clientSecretHash = hash;
    out->insert(QStringLiteral("applicationId"), id);
    out->insert(QStringLiteral("clientId"), clientId);
    out->insert(QStringLiteral("clientSecret"), QString::fromLatin1(secret));
    out->insert(QStringLiteral("tokenUrl"), QStringLiteral("/oauth2/token"));
    return true;
}

// ---- subscriptions --------------------------------------------------------------------------

QJsonObject Gateway::subscriptionJson(const Sub &sub) const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), sub.rec.uuid);
    o.insert(QStringLiteral("applicationId"), sub.app ? sub.app->rec.uuid : QString());
    o.insert(QStringLiteral("application"), sub.app ? sub.app->rec.name : QString());
    o.insert(QStringLiteral("apiId"), sub.api ? sub.api->def.id() : QString());
    o.insert(QStringLiteral("api"), sub.rec.api);
    o.insert(QStringLiteral("version"), sub.rec.apiVersion);
    o.insert(QStringLiteral("policy"), sub.rec.policy);
    o.insert(QStringLiteral("status"),
             sub.active() ? QStringLiteral("active") : QStringLiteral("cancelled"));
    o.insert(QStringLiteral("createdAt"), isoTime(sub.rec.createdAt));
    const int64_t t = now();
    QJsonObject quota;
    const int64_t start = windowStart(sub.policy.timeUnit, sub.policy.unitTime, t);
    quota.insert(QStringLiteral("used"),
                 double(sub.quota.windowStart == start ? sub.quota.count : 0));
    quota.insert(QStringLiteral("limit"),
                 sub.policy.unlimited() ? QJsonValue() : double(sub.policy.count));
    quota.insert(QStringLiteral("windowStart"), isoTime(start));
    quota.insert(QStringLiteral("windowEnd"),
                 isoTime(windowEnd(sub.policy.timeUnit, sub.policy.unitTime, t)));
    o.insert(QStringLiteral("quota"), quota);
    o.insert(QStringLiteral("connections"), double(sub.stats.connections));
    return o;
}

bool Gateway::listSubscriptions(const Principal &who, const QString &applicationId, QJsonArray *out,
                                ServiceError *error)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const App *only = nullptr;
    if (!applicationId.isEmpty()) {
        only = appByUuid(applicationId);
        if (!only || !canSee(who, *only)) {
            *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(applicationId),
                         QStringLiteral("applicationId"));
            return false;
        }
    }
    QList<const Sub *> subs;
    for (const auto &entry : m_subs) {
        const Sub *s = entry.second.get();
        if (!s->active() || !s->app || !canSee(who, *s->app) || (only && s->app.get() != only))
            continue;
        subs << s;
    }
    std::sort(subs.begin(), subs.end(),
              [](const Sub *a, const Sub *b) { return a->rec.id < b->rec.id; });
    for (const Sub *s : std::as_const(subs))
        out->append(subscriptionJson(*s));
    return true;
}

bool Gateway::subscribe(const Principal &who, const QString &applicationId, const QString &apiId,
                        const QString &policyName, QJsonObject *out, ServiceError *error)
{
    SubscriptionRecord rec;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        App *app = applicationId.isEmpty() ? nullptr : appByUuid(applicationId);
        if (!app || !canSee(who, *app)) {
            *error = err(applicationId.isEmpty() ? 400 : 404,
                         applicationId.isEmpty() ? "invalid_request" : "not_found",
                         applicationId.isEmpty()
                             ? QStringLiteral("applicationId is required")
                             : QStringLiteral("no application '%1'").arg(applicationId),
                         QStringLiteral("applicationId"));
            return false;
        }
        Api *api = apiId.isEmpty() ? nullptr : apiById(apiId);
        if (!api || api->def.tenant != who.tenant) {
            *error = err(
                apiId.isEmpty() ? 400 : 404, apiId.isEmpty() ? "invalid_request" : "not_found",
                apiId.isEmpty() ? QStringLiteral("apiId is required")
                                : QStringLiteral("no API '%1' in tenant %2").arg(apiId, who.tenant),
                QStringLiteral("apiId"));
            return false;
        }
        QStringList offered = api->def.policies;
        if (offered.isEmpty()) {
            for (const ThrottlePolicy &p : std::as_const(m_config.policies))
                offered << p.name;
        }
        if (!offered.contains(policyName)) {
            *error = err(
                400, "invalid_request",
                policyName.isEmpty()
                    ? QStringLiteral("policy is required (offered: %1)").arg(offered.join(u", "))
                    : QStringLiteral("%1 does not offer the policy '%2' (offered: %3)")
                          .arg(api->def.handle(), policyName, offered.join(u", ")),
                QStringLiteral("policy"));
            return false;
        }
        for (const Sub *s : m_subsByApp.value(app->rec.id)) {
            if (s->active() && s->api == api) {
                *error = err(409, "conflict",
                             QStringLiteral("application '%1' is already subscribed to %2 (%3)")
                                 .arg(app->rec.name, api->def.handle(), s->rec.uuid),
                             QStringLiteral("apiId"));
                return false;
            }
        }
        rec.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        rec.applicationId = app->rec.id;
        rec.tenant = api->def.tenant;
        rec.api = api->def.name;
        rec.apiVersion = api->def.version;
        rec.policy = policyName;
        rec.createdAt = now();
    }
    if (!m_store.insertSubscription(&rec)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot store the subscription: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    *out = subscriptionJson(*addSubscription(rec));
    return true;
}

Gateway::Sub *Gateway::visibleSubscriptionLocked(const Principal &who, const QString &id) const
{
    for (const auto &entry : m_subs) {
        Sub *s = entry.second.get();
        if (s->rec.uuid == id && s->active() && s->app && canSee(who, *s->app))
            return s;
    }
    return nullptr;
}

bool Gateway::subscription(const Principal &who, const QString &id, QJsonObject *out,
                           ServiceError *error)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (const Sub *s = visibleSubscriptionLocked(who, id)) {
        *out = subscriptionJson(*s);
        return true;
    }
    *error = err(404, "not_found", QStringLiteral("no subscription '%1'").arg(id));
    return false;
}

bool Gateway::unsubscribe(const Principal &who, const QString &id, ServiceError *error)
{
    Sub *sub = nullptr;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        sub = visibleSubscriptionLocked(who, id);
    }
    if (!sub) {
        *error = err(404, "not_found", QStringLiteral("no subscription '%1'").arg(id));
        return false;
    }
    const int64_t t = now();
    if (!m_store.cancelSubscription(sub->rec.id, t)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot cancel the subscription: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    cancelSubscriptionLocked(sub, "subscription cancelled");
    return true;
}

bool Gateway::usage(const Principal &who, const QString &applicationId, const QString &period,
                    const QString &from, const QString &to, const QString &format, QByteArray *body,
                    ServiceError *error)
{
    UsageFilter filter;
    filter.period = period.isEmpty() ? QStringLiteral("month") : period;
    filter.from = from;
    filter.to = to;
    filter.tenant = who.tenant;
    filter.restrictApplications = true;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const auto &app : std::as_const(m_apps)) {
            // Deleted applications still have a bill: owners and admins see it.
            const bool visible =
                app->rec.tenant == who.tenant
                && (app->rec.owner.compare(who.user, Qt::CaseInsensitive) == 0 || who.isAdmin());
            if (visible && (applicationId.isEmpty() || app->rec.uuid == applicationId))
                filter.applicationIds.insert(app->rec.uuid);
        }
    }
    if (!applicationId.isEmpty() && filter.applicationIds.isEmpty()) {
        *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(applicationId),
                     QStringLiteral("applicationId"));
        return false;
    }
    const QString f = format.isEmpty() ? QStringLiteral("json") : format;
    if (f != QLatin1String("json") && f != QLatin1String("csv")) {
        *error = err(400, "invalid_request", QStringLiteral("format must be json or csv"),
                     QStringLiteral("format"));
        return false;
    }
    flushCounters();
    QList<UsageRow> rows;
    QString e;
    if (!buildUsageReport(m_store, m_config.policies, filter, &rows, &e)) {
        *error = err(400, "invalid_request", e,
                     e.startsWith(QLatin1String("period")) ? QStringLiteral("period")
                                                           : QStringLiteral("from"));
        return false;
    }
    *body = f == QLatin1String("csv")
                ? usageCsv(rows)
                : QJsonDocument(usageJson(rows, filter)).toJson(QJsonDocument::Compact);
    return true;
}

// ---- the developer portal's operations --------------------------------------------------------

bool Gateway::updateApplication(const Principal &who, const QString &id, const QString *name,
                                const QString *description, QJsonObject *out, ServiceError *error)
{
    qint64 appId = 0;
    QString newName, newDescription;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        App *app = appByUuid(id);
        if (!app || !canSee(who, *app)) {
            *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(id));
            return false;
        }
        appId = app->rec.id;
        newName = name ? *name : app->rec.name;
        newDescription = description ? *description : app->rec.description;
        if (!checkApplicationFields(newName, newDescription, error))
            return false;
        // Names are unique per owner.
        for (const auto &other : std::as_const(m_apps)) {
            if (other.get() != app && !other->deleted() && other->rec.tenant == app->rec.tenant
                && other->rec.owner.compare(app->rec.owner, Qt::CaseInsensitive) == 0
                && other->rec.name.compare(newName, Qt::CaseInsensitive) == 0) {
                const bool own = app->rec.owner.compare(who.user, Qt::CaseInsensitive) == 0;
                *error = err(
                    409, "conflict",
                    own ? QStringLiteral("you already have an application named '%1'").arg(newName)
                        : QStringLiteral("%1 already has an application named '%2'")
                              .arg(app->rec.owner, newName),
                    QStringLiteral("name"));
                return false;
            }
        }
    }
    if (!m_store.updateApplication(appId, newName, newDescription)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot update the application: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    App *app = m_apps.value(appId).get();
    app->rec.name = newName;
    app->rec.description = newDescription;
    *out = applicationJson(*app);
    return true;
}

namespace {

// A token's public id: the start of its hash (the token cannot be found from it).
QString tokenId(const QByteArray &hash)
{
    return QString::fromLatin1(hash.left(8).toHex());
}

} // namespace

bool Gateway::listTokens(const Principal &who, const QString &applicationId, QJsonArray *out,
                         ServiceError *error)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const App *app = appByUuid(applicationId);
    if (!app || !canSee(who, *app)) {
        *error = err(404, "not_found", QStringLiteral("no application '%1'").arg(applicationId));
        return false;
    }
    const int64_t t = now();
    QList<const Token *> tokens;
    for (const auto &tok : std::as_const(m_tokens)) {
        if (tok->app.get() == app && tok->rec.expiresAt > t)
            tokens << tok.get();
    }
    std::sort(tokens.begin(), tokens.end(), [](const Token *a, const Token *b) {
        return a->rec.issuedAt != b->rec.issuedAt ? a->rec.issuedAt > b->rec.issuedAt
                                                  : a->rec.hash < b->rec.hash;
    });
    for (const Token *tok : std::as_const(tokens)) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), tokenId(tok->rec.hash));
        o.insert(QStringLiteral("grantType"), tok->rec.grantType);
        o.insert(QStringLiteral("user"), tok->rec.user);
        o.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(tok->rec.scopes));
        o.insert(QStringLiteral("issuedAt"), isoTime(tok->rec.issuedAt));
        o.insert(QStringLiteral("expiresAt"), isoTime(tok->rec.expiresAt));
        o.insert(QStringLiteral("expiresIn"), double((tok->rec.expiresAt - t) / 1000));
        out->append(o);
    }
    return true;
}

bool Gateway::issueApplicationToken(const Principal &who, const QString &applicationId,
                                    qint64 validity, const QString &scope, QJsonObject *out,
                                    ServiceError *error)
{
    const qint64 lifetime = validity == 0 ? m_config.tokenLifetime : validity;
    if (lifetime < 1 || lifetime > m_config.tokenMaxLifetime) {
        *error = err(400, "invalid_request",
                     QStringLiteral("the validity must be between 1 and %1 seconds")
                         .arg(m_config.tokenMaxLifetime),
                     QStringLiteral("validity"));
        return false;
    }
    App *app = nullptr;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        app = appByUuid(applicationId);
        if (!app || !canSee(who, *app)) {
            *error =
                err(404, "not_found", QStringLiteral("no application '%1'").arg(applicationId));
            return false;
        }
    }
    // As the client credentials grant: the token stands for the application, with its owner's
    // roles for scopes.
    QStringList roles;
    const auto owner = m_users.constFind(app->rec.owner.toLower());
    if (owner != m_users.constEnd())
        roles = owner->first.roles;
    QStringList granted;
    if (!grantScopes(app->rec.tenant, roles, scope, &granted, error))
        return false;
    TokenGrant grant;
    QByteArray hash;
    if (!mintToken(app, QString(), granted, QStringLiteral("client_credentials"), lifetime, &grant,
                   &hash, error))
        return false;
    out->insert(QStringLiteral("id"), tokenId(hash));
    out->insert(QStringLiteral("applicationId"), applicationId);
    out->insert(QStringLiteral("accessToken"), QString::fromLatin1(grant.accessToken));
    out->insert(QStringLiteral("tokenType"), QStringLiteral("Bearer"));
    out->insert(QStringLiteral("expiresIn"), double(grant.expiresIn));
    out->insert(QStringLiteral("expiresAt"), isoTime(now() + grant.expiresIn * 1000));
    out->insert(QStringLiteral("scopes"), QJsonArray::fromStringList(grant.scopes));
    return true;
}

bool Gateway::revokeApplicationToken(const Principal &who, const QString &applicationId,
                                     const QString &id, ServiceError *error)
{
    std::shared_ptr<Token> tok;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const App *app = appByUuid(applicationId);
        if (!app || !canSee(who, *app)) {
            *error =
                err(404, "not_found", QStringLiteral("no application '%1'").arg(applicationId));
            return false;
        }
        for (const auto &t : std::as_const(m_tokens)) {
            if (t->app.get() == app && tokenId(t->rec.hash) == id)
                tok = t;
        }
    }
    if (!tok) {
        *error =
            err(404, "not_found", QStringLiteral("no live token '%1' of this application").arg(id));
        return false;
    }
    const int64_t t = now();
    m_store.revokeToken(tok->rec.hash, t);
    std::lock_guard<std::mutex> lock(m_mutex);
    revokeTokenLocked(tok, t);
    return true;
}

bool Gateway::changePolicy(const Principal &who, const QString &id, const QString &policyName,
                           QJsonObject *out, ServiceError *error)
{
    Sub *sub = nullptr;
    const ThrottlePolicy *p = nullptr;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        sub = visibleSubscriptionLocked(who, id);
        if (!sub) {
            *error = err(404, "not_found", QStringLiteral("no subscription '%1'").arg(id));
            return false;
        }
        if (!sub->api) {
            *error = err(409, "conflict",
                         QStringLiteral("%1:%2 is not served by this deployment")
                             .arg(sub->rec.api, sub->rec.apiVersion));
            return false;
        }
        QStringList offered = sub->api->def.policies;
        if (offered.isEmpty()) {
            for (const ThrottlePolicy &tp : std::as_const(m_config.policies))
                offered << tp.name;
        }
        p = policy(policyName);
        if (!offered.contains(policyName) || !p) {
            *error = err(
                400, "invalid_request",
                policyName.isEmpty()
                    ? QStringLiteral("policy is required (offered: %1)").arg(offered.join(u", "))
                    : QStringLiteral("%1 does not offer the policy '%2' (offered: %3)")
                          .arg(sub->api->def.handle(), policyName, offered.join(u", ")),
                QStringLiteral("policy"));
            return false;
        }
    }
    if (!m_store.updateSubscriptionPolicy(sub->rec.id, policyName)) {
        *error = err(500, "server_error",
                     QStringLiteral("cannot change the policy: %1").arg(m_store.lastError()));
        return false;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    sub->rec.policy = policyName;
    sub->policy = *p; // the counters carry on: a window the new policy shares keeps its count
    *out = subscriptionJson(*sub);
    return true;
}

bool Gateway::applicationUsage(const Principal &who, const QString &applicationId, QJsonObject *out,
                               ServiceError *error)
{
    QList<const Sub *> subs;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const App *app = appByUuid(applicationId);
        if (!app || !canSee(who, *app)) {
            *error =
                err(404, "not_found", QStringLiteral("no application '%1'").arg(applicationId));
            return false;
        }
        for (const Sub *s : m_subsByApp.value(app->rec.id))
            subs << s;
    }
    flushCounters();
    const QDate today = QDateTime::fromMSecsSinceEpoch(now(), QTimeZone::utc()).date();
    const QString todayText = today.toString(Qt::ISODate);
    const QDate first(today.year(), today.month(), 1);
    QHash<qint64, std::pair<UsageRecord, UsageRecord>> sums; // subscription -> today, month
    for (const UsageRecord &u : m_store.usage(first.toString(Qt::ISODate), todayText)) {
        auto &s = sums[u.subscriptionId];
        s.second.delivered += u.delivered;
        s.second.throttled += u.throttled;
        if (u.day == todayText) {
            s.first.delivered += u.delivered;
            s.first.throttled += u.throttled;
        }
    }
    auto counts = [](const UsageRecord &u) {
        QJsonObject o;
        o.insert(QStringLiteral("delivered"), double(u.delivered));
        o.insert(QStringLiteral("throttled"), double(u.throttled));
        return o;
    };
    QJsonArray list;
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const Sub *s : std::as_const(subs)) {
        const auto found = sums.constFind(s->rec.id);
        if (!s->active() && found == sums.constEnd())
            continue; // cancelled with nothing this month
        QJsonObject o = subscriptionJson(*s);
        o.insert(QStringLiteral("subscriptionId"), s->rec.uuid);
        o.insert(QStringLiteral("today"),
                 counts(found == sums.constEnd() ? UsageRecord{} : found->first));
        o.insert(QStringLiteral("month"),
                 counts(found == sums.constEnd() ? UsageRecord{} : found->second));
        list.append(o);
    }
    out->insert(QStringLiteral("applicationId"), applicationId);
    out->insert(QStringLiteral("day"), todayText);
    out->insert(QStringLiteral("month"), today.toString(QStringLiteral("yyyy-MM")));
    out->insert(QStringLiteral("subscriptions"), list);
    return true;
}

bool Gateway::topicConnection(const Principal &who, const QString &apiId, const QString &topic,
                              const QString &channel, const QHash<QString, QString> &parameters,
                              QJsonObject *out, ServiceError *error) const
{
    const Api *a = apiById(apiId);
    if (!a || a->def.tenant != who.tenant) {
        *error = err(404, "not_found",
                     QStringLiteral("no API '%1' in tenant %2").arg(apiId, who.tenant));
        return false;
    }
    QString name = topic;
    const ChannelDefinition *def = nullptr;
    if (name.isEmpty()) {
        for (const ChannelDefinition &c : a->def.channels) {
            if (c.name == channel)
                def = &c;
        }
        if (!def) {
            *error = err(
                channel.isEmpty() ? 400 : 404, channel.isEmpty() ? "invalid_request" : "not_found",
                channel.isEmpty()
                    ? QStringLiteral("give a topic, or a channel and its parameters")
                    : QStringLiteral("API %1 has no channel '%2'").arg(a->def.handle(), channel),
                QStringLiteral("channel"));
            return false;
        }
        QStringList values;
        for (const QString &p : def->topic.parameters()) {
            const QString v = parameters.value(p).trimmed();
            if (v.isEmpty() || v.contains(u'/')) {
                *error = err(400, "invalid_request",
                             v.isEmpty() ? QStringLiteral("give a value for %1").arg(p)
                                         : QStringLiteral("%1 cannot contain '/'").arg(p),
                             p);
                return false;
            }
            values << v;
        }
        name = def->topic.render(values);
    }
    QStringList values;
    const ChannelDefinition *matched = nullptr;
    for (const ChannelDefinition &c : a->def.channels) {
        if (!matched && c.topic.match(name, &values))
            matched = &c;
    }
    if (!matched || name.contains(u'/') || (def && matched != def)) {
        *error = err(404, "not_found",
                     QStringLiteral("API %1 has no topic '%2'").arg(a->def.handle(), name),
                     QStringLiteral("topic"));
        return false;
    }
    const QString path =
        a->def.basePath() + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(name)) + u'/';
    const QString host = m_config.publicHost;
    QJsonObject urls, commands;
    const QString header = QStringLiteral(" -H \"Authorization: Bearer $TOKEN\"");
    if (wsPort()) {
        const QString url = QStringLiteral("ws://%1:%2%3").arg(host).arg(wsPort()).arg(path);
        urls.insert(QStringLiteral("ws"), url);
        commands.insert(QStringLiteral("ws"),
                        QString(QStringLiteral("wscat -c ") + Lang::shellWord(url) + header));
    }
    if (wssPort()) {
        const QString url = QStringLiteral("wss://%1:%2%3").arg(host).arg(wssPort()).arg(path);
        urls.insert(QStringLiteral("wss"), url);
        // A self-signed certificate made here: wscat must be told to trust it.
        const bool selfSigned = m_config.certificate.isEmpty() && !m_certificatePath.isEmpty();
        commands.insert(QStringLiteral("wss"),
                        QString(QStringLiteral("wscat ")
                                + (selfSigned ? QStringLiteral("--ca ")
                                                    + Lang::shellWord(m_certificatePath) + u' '
                                              : QString())
                                + QStringLiteral("-c ") + Lang::shellWord(url) + header));
    }
    out->insert(QStringLiteral("api"), a->def.handle());
    out->insert(QStringLiteral("channel"), matched->name);
    out->insert(QStringLiteral("topic"), name);
    out->insert(QStringLiteral("urls"), urls);
    out->insert(QStringLiteral("commands"), commands);
    out->insert(QStringLiteral("tokenPlaceholder"), QStringLiteral("$TOKEN"));
    return true;
}

QJsonArray Gateway::listTenants() const
{
    QStringList domains;
    for (const TenantConfig &t : m_config.tenants)
        domains << t.domain;
    QHash<QString, int> apis;
    for (const auto &api : m_apis) {
        ++apis[api->def.tenant];
        if (!domains.contains(api->def.tenant))
            domains << api->def.tenant;
    }
    QJsonArray list;
    for (const QString &d : std::as_const(domains)) {
        QJsonObject o;
        o.insert(QStringLiteral("domain"), d);
        o.insert(QStringLiteral("apis"), apis.value(d));
        o.insert(QStringLiteral("portal"), QStringLiteral("/t/%1/devportal/").arg(d));
        list.append(o);
    }
    return list;
}

} // namespace Rivulet::Gateway
