#include "gateway.h"

#include "credentials.h"
#include "gateway_p.h"
#include "gatewayhttp.h"
#include "tls.h"

#include "engine/io/httplistener.h"
#include "engine/io/iocontext.h"
#include "engine/io/transport.h"
#include "engine/io/wsserver.h"
#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"

#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTimeZone>
#include <QTimer>
#include <QUrlQuery>

#include <chrono>

namespace Rivulet::Gateway {

using Runtime::LogLevel;

namespace {

constexpr int64_t kDayMs = 86400 * 1000;
constexpr int64_t kChannelCoolingMs = 2000; // a freed channel id waits before reuse
constexpr size_t kMaxTokenLength = 1024;

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// RFC 6750 b64token: the characters a bearer token may have.
bool isToken68(const QByteArray &t)
{
    if (t.isEmpty() || size_t(t.size()) > kMaxTokenLength)
        return false;
    qsizetype i = 0;
    for (; i < t.size(); ++i) {
        const char c = t[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
              || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'))
            break;
    }
    for (; i < t.size(); ++i) {
        if (t[i] != '=')
            return false;
    }
    return true;
}

QByteArray jsonError(const char *error, const QString &message)
{
    QJsonObject o;
    o.insert(QStringLiteral("error"), QString::fromLatin1(error));
    o.insert(QStringLiteral("message"), message);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A header value must not break the response: quotes and control characters go.
QByteArray headerSafe(const QString &text)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '"' || c == '\\' || uint8_t(c) < 0x20)
            out += '\'';
        else
            out += c;
    }
    return out;
}

// An attribute's value as topic text: strings as they are, numbers as Siddhi prints them.
void appendTopicValue(QByteArray &out, Lang::AttrType type, const Runtime::Event &e, int i)
{
    if (e.isNull(i)) {
        out += "null";
        return;
    }
    const Runtime::Value v = e.value(i);
    switch (type) {
    case Lang::AttrType::String:
        out.append(v.s->data, v.s->size);
        return;
    case Lang::AttrType::Int:
        out += QByteArray::number(v.i);
        return;
    case Lang::AttrType::Long:
        out += QByteArray::number(qlonglong(v.l));
        return;
    case Lang::AttrType::Bool:
        out += v.b ? "true" : "false";
        return;
    default:
        Runtime::appendJsonValue(out, type, v, false);
        return;
    }
}

} // namespace

QString dayText(int64_t day)
{
    return QDate(1970, 1, 1).addDays(day).toString(Qt::ISODate);
}

Gateway::Gateway(DeploymentConfig config, Io::IoContext &context, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_context(context)
    , m_clock(wallMs)
{}

Gateway::~Gateway()
{
    stop();
}

void Gateway::setClock(Clock clock)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_clock = clock ? std::move(clock) : Clock(wallMs);
}

quint16 Gateway::wsPort() const
{
    return m_config.ws.enabled && !m_servers.empty() && m_servers[0] ? m_servers[0]->port() : 0;
}

quint16 Gateway::wssPort() const
{
    return m_tls ? m_tls->port() : 0;
}

quint16 Gateway::httpsPort() const
{
    return m_http ? m_http->httpsPort() : 0;
}

quint16 Gateway::httpPort() const
{
    return m_http ? m_http->httpPort() : 0;
}

QStringList Gateway::endpoints() const
{
    QStringList list;
    if (wsPort())
        list << QStringLiteral("ws://%1:%2/").arg(m_config.ws.host).arg(wsPort());
    if (wssPort())
        list << QStringLiteral("wss://%1:%2/").arg(m_config.wss.host).arg(wssPort());
    if (httpsPort())
        list << QStringLiteral("https://%1:%2/").arg(m_config.https.host).arg(httpsPort());
    if (httpPort())
        list << QStringLiteral("http://%1:%2/").arg(m_config.http.host).arg(httpPort());
    return list;
}

QList<Gateway::ServedTopic> Gateway::servedTopics() const
{
    QList<ServedTopic> list;
    for (const auto &api : m_apis) {
        for (const ChannelDefinition &c : api->def.channels)
            list << ServedTopic{api->def.handle(), api->def.tenant, api->def.basePath(),
                                c.topic.text(), c.stream};
    }
    return list;
}

// ---- start and stop --------------------------------------------------------------------------

bool Gateway::start(const std::vector<Runtime::AppRuntime *> &apps, QString *error)
{
    if (m_running)
        return true;
    if (!Credentials::init()) {
        *error = QStringLiteral("libsodium cannot start (no entropy source?)");
        return false;
    }
    m_loginSalt = Credentials::randomToken(16);
    SignInGuard::Limits limits;
    limits.maxUserFailures = m_config.signInMaxFailures;
    limits.maxAddressFailures = m_config.signInMaxAddressFailures;
    limits.windowMs = m_config.signInWindow * 1000;
    limits.lockoutMs = m_config.signInLockout * 1000;
    m_signInGuard.setLimits(limits);
    m_portalSessions.setLimits(m_config.sessionLifetime * 1000, m_config.sessionIdleTimeout * 1000);
    for (const TenantConfig &t : std::as_const(m_config.tenants)) {
        for (const UserConfig &u : t.users)
            m_users.insert(u.name.toLower(), {u, t.domain});
    }
    m_startedAt = now();
    if (!openStore(error) || !loadApis(apps, error))
        return false;
    loadState();
    if (!prepareTls(error) || !startListeners(error)) {
        stop();
        return false;
    }
    m_flushTimer = new QTimer(this);
    connect(m_flushTimer, &QTimer::timeout, this, &Gateway::flushCounters);
    m_flushTimer->start(int(m_config.counterFlushMs));
    m_expiryTimer = new QTimer(this);
    connect(m_expiryTimer, &QTimer::timeout, this, &Gateway::expireSessions);
    m_expiryTimer->start(250);
    m_running = true;
    QStringList apiNames;
    for (const auto &api : m_apis)
        apiNames << api->def.handle() + QStringLiteral(" at ") + api->def.basePath();
    m_context.log(LogLevel::Info, QStringLiteral("gateway"),
                  QStringLiteral("serving %1 API(s)%2; %3; key store %4")
                      .arg(m_apis.size())
                      .arg(apiNames.isEmpty() ? QString()
                                              : QStringLiteral(" (") + apiNames.join(u", ") + u')')
                      .arg(endpoints().join(QStringLiteral(", ")), m_store.path()));
    return true;
}

void Gateway::stop()
{
    // Stop delivering first (callbacks run on the apps' threads).
    for (const auto &api : m_apis) {
        for (const auto &ch : api->channels) {
            if (ch->app && ch->callbackId >= 0) {
                ch->app->removeStreamCallback(ch->stream, ch->callbackId);
                ch->callbackId = -1;
            }
        }
    }
    delete m_flushTimer;
    m_flushTimer = nullptr;
    delete m_expiryTimer;
    m_expiryTimer = nullptr;
    if (m_tls)
        m_tls->stop();
    m_tls.reset();
    for (auto &server : m_servers) {
        if (server)
            server->stop(1001, "server shutting down");
    }
    m_servers.clear();
    m_http.reset();
    if (m_store.isOpen()) {
        flushCounters();
        m_store.close();
    }
    m_running = false;
}

bool Gateway::openStore(QString *error)
{
    const QString path = m_config.effectiveKeyStorePath();
    QString e;
    if (!m_store.open(path, &e)) {
        *error = e;
        return false;
    }
    // Old expired or revoked tokens are of no use to anyone.
    m_store.purgeTokens(now() - 7 * kDayMs);
    m_lastPurge = m_lastStorePurge = now();
    return true;
}

bool Gateway::loadApis(const std::vector<Runtime::AppRuntime *> &apps, QString *error)
{
    QStringList tenants{QString::fromLatin1(kSuperTenant)};
    for (const TenantConfig &t : std::as_const(m_config.tenants))
        tenants << t.domain;
    for (const QString &path : std::as_const(m_config.apis)) {
        auto api = std::make_unique<Api>();
        if (!loadAsyncApi(path, &api->def, error))
            return false;
        const ApiDefinition &d = api->def;
        const QString where = QFileInfo(path).fileName();
        if (!tenants.contains(d.tenant)) {
            *error = QStringLiteral("%1: x-rivulet-tenant: tenant '%2' is not among the "
                                    "deployment's tenants (%3)")
                         .arg(path, d.tenant, tenants.join(u", "));
            return false;
        }
        for (const auto &other : m_apis) {
            if (other->def.tenant == d.tenant
                && ((other->def.name == d.name && other->def.version == d.version)
                    || (other->def.context == d.context && other->def.version == d.version))) {
                *error = QStringLiteral("%1: API %2 (%3 %4) is already served by %5")
                             .arg(path, d.handle(), d.context, d.version, other->def.file);
                return false;
            }
        }
        for (const QString &p : d.policies) {
            if (!m_config.policy(p)) {
                QStringList known;
                for (const ThrottlePolicy &tp : std::as_const(m_config.policies))
                    known << tp.name;
                *error = QStringLiteral("%1: x-rivulet-policies: no policy '%2' in the deployment "
                                        "(policies: %3)")
                             .arg(path, p, known.join(u", "));
                return false;
            }
        }
        for (const ChannelDefinition &cd : d.channels) {
            auto ch = std::make_unique<Channel>();
            ch->api = api.get();
            ch->def = &cd;
            ch->stream = cd.stream;
            // The app: named, or the only one with that stream.
            QStringList holders;
            for (Runtime::AppRuntime *app : apps) {
                if (!d.app.isEmpty() && app->name() != d.app)
                    continue;
                if (app->junction(cd.stream)) {
                    holders << app->name();
                    ch->app = app;
                }
            }
            if (holders.isEmpty()) {
                QStringList names;
                for (Runtime::AppRuntime *app : apps)
                    names << app->name();
                *error =
                    d.app.isEmpty()
                        ? QStringLiteral("%1: channels.%2: no running app has a stream '%3' "
                                         "(apps: %4)")
                              .arg(path, cd.name, cd.stream,
                                   names.isEmpty() ? QStringLiteral("none") : names.join(u", "))
                        : QStringLiteral("%1: channels.%2: app '%3' is not running or has no "
                                         "stream '%4' (apps: %5)")
                              .arg(path, cd.name, d.app, cd.stream,
                                   names.isEmpty() ? QStringLiteral("none") : names.join(u", "));
                return false;
            }
            if (holders.size() > 1) {
                *error = QStringLiteral("%1: channels.%2: apps %3 all have a stream '%4': name one "
                                        "with x-rivulet-app")
                             .arg(path, cd.name, holders.join(u", "), cd.stream);
                return false;
            }
            const Runtime::EventLayout *layout = ch->app->junction(cd.stream)->layout();
            for (int i = 0; i < cd.attributes.size(); ++i) {
                const int index = layout->indexOf(cd.attributes[i]);
                if (index < 0) {
                    *error = QStringLiteral("%1: channels.%2.parameters.%3: stream %4 has no "
                                            "attribute '%5' (it has: %6)")
                                 .arg(path, cd.name, cd.topic.parameters().value(i), cd.stream,
                                      cd.attributes[i], layout->names().join(u", "));
                    return false;
                }
                ch->attrIndex.push_back(index);
                ch->attrTypes.push_back(layout->type(index));
            }
            for (const QString &literal : cd.topic.literals())
                ch->literals.push_back(literal.toUtf8());
            Io::TransportConfig tc;
            tc.kind = QStringLiteral("sink");
            tc.type = QStringLiteral("gateway");
            tc.mapType = QStringLiteral("json");
            tc.app = ch->app->name();
            tc.stream = cd.stream;
            tc.file = where;
            QString mapError;
            ch->mapper = Io::makeSinkMapper(tc, *layout, &mapError);
            if (!ch->mapper) {
                *error = QStringLiteral("%1: %2").arg(path, mapError);
                return false;
            }
            ch->wallClock = ch->app->clockMode() == Runtime::ClockMode::Wall;
            api->channels.push_back(std::move(ch));
        }
        m_apis.push_back(std::move(api));
    }
    // Bind last: nothing is delivered before every API is checked.
    for (const auto &api : m_apis) {
        for (const auto &ch : api->channels) {
            Channel *c = ch.get();
            c->callbackId = c->app->addStreamCallback(
                c->stream, [this, c](const Runtime::EventChunk &chunk) { onEvents(c, chunk); });
        }
    }
    return true;
}

void Gateway::loadState()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const ApplicationRecord &a : m_store.applications(true)) {
        auto app = std::make_shared<App>();
        app->rec = a;
        m_apps.insert(a.id, app);
    }
    for (const SubscriptionRecord &s : m_store.subscriptions(false))
        addSubscription(s);
    const int64_t t = now();
    for (const TokenRecord &r : m_store.liveTokens(t)) {
        auto token = std::make_shared<Token>();
        token->rec = r;
        token->app = m_apps.value(r.applicationId);
        if (token->app && !token->app->deleted())
            m_tokens.insert(r.hash, token);
    }
    for (const QuotaRecord &q : m_store.quotas()) {
        auto it = m_subs.find(q.subscriptionId);
        if (it == m_subs.end())
            continue;
        it->second->quota.windowStart = q.windowStart;
        it->second->quota.count = q.count;
    }
}

Gateway::Sub *Gateway::addSubscription(const SubscriptionRecord &record)
{
    auto sub = std::make_unique<Sub>();
    sub->rec = record;
    sub->app = m_apps.value(record.applicationId);
    for (const auto &api : m_apis) {
        if (api->def.tenant == record.tenant && api->def.name == record.api
            && api->def.version == record.apiVersion)
            sub->api = api.get();
    }
    if (const ThrottlePolicy *p = policy(record.policy))
        sub->policy = *p;
    else {
        // A policy removed from the deployment: keep counting, never limit.
        sub->policy.name = record.policy;
        sub->policy.count = 0;
    }
    Sub *raw = sub.get();
    m_subsByApp[record.applicationId].append(raw);
    m_subs[record.id] = std::move(sub);
    return raw;
}

const ThrottlePolicy *Gateway::policy(const QString &name) const
{
    return m_config.policy(name);
}

bool Gateway::prepareTls(QString *error)
{
    if (!m_config.wss.enabled && !m_config.https.enabled)
        return true;
    if (!m_config.certificate.isEmpty()) {
        m_certificatePath = m_config.certificate;
        m_keyPath = m_config.privateKey;
        for (const QString &p : {m_certificatePath, m_keyPath}) {
            if (!QFileInfo(p).isReadable()) {
                *error = QStringLiteral("%1: tls: cannot read %2").arg(m_config.file, p);
                return false;
            }
        }
        return true;
    }
    const QString dir =
        QDir(m_config.dataDir.isEmpty() ? DeploymentConfig::defaultDataDir() : m_config.dataDir)
            .filePath(QStringLiteral("tls"));
    m_certificatePath = QDir(dir).filePath(QStringLiteral("gateway.crt"));
    m_keyPath = QDir(dir).filePath(QStringLiteral("gateway.key"));
    bool created = false;
    QStringList names{m_config.publicHost};
    if (!ensureSelfSignedCertificate(m_certificatePath, m_keyPath, names, error, &created))
        return false;
    if (created)
        m_context.log(LogLevel::Info, QStringLiteral("gateway"),
                      QStringLiteral("made a self-signed TLS certificate %1 (trust it with curl "
                                     "--cacert, or set tls.certificate and tls.key)")
                          .arg(m_certificatePath));
    return true;
}

bool Gateway::startListeners(QString *error)
{
    auto makeServer = [&](const QByteArray &host, quint16 port, int index,
                          const char *what) -> bool {
        Io::WsServerOptions o;
        o.host = host;
        o.port = port;
        o.sendQueueLimit = size_t(m_config.sendQueueSize);
        o.slowClientPolicy = m_config.dropOldestWhenSlow
                                 ? Io::WsServerOptions::SlowClientPolicy::DropOldest
                                 : Io::WsServerOptions::SlowClientPolicy::Close;
        o.idleTimeoutMs = int(m_config.idleTimeoutMs);
        o.handshakeTimeoutMs = int(m_config.handshakeTimeoutMs);
        o.maxHeaderBytes = size_t(m_config.maxHeaderBytes);
        o.maxMessageBytes = 64 * 1024; // subscribers have nothing to say
        auto server = std::make_shared<Io::WsServer>(o);
        server->setHandshakeHandler(
            [this, index](const Io::HandshakeRequest &r) { return onHandshake(index, r); });
        server->setDisconnectHandler(
            [this, index](uint64_t, uint64_t tag, int) { onDisconnect(index, tag); });
        QString e;
        if (!server->start(&e)) {
            *error = QStringLiteral("gateway %1 listener: %2").arg(QLatin1String(what), e);
            return false;
        }
        if (m_servers.size() <= size_t(index))
            m_servers.resize(size_t(index) + 1);
        m_servers[size_t(index)] = server;
        return true;
    };
    // Server 0: the ws listener (or, without it, a loopback one for the TLS terminator).
    const QString wsHost = m_config.ws.host;
    const bool loopbackReachable =
        wsHost.isEmpty() || wsHost == QLatin1String("0.0.0.0") || wsHost == QLatin1String("*")
        || wsHost == QLatin1String("localhost") || wsHost == QLatin1String("127.0.0.1");
    if (m_config.ws.enabled) {
        if (!makeServer(wsHost.toUtf8(), m_config.ws.port, 0, "ws"))
            return false;
    } else {
        m_servers.resize(1);
    }
    if (m_config.wss.enabled) {
        quint16 backend = 0;
        if (m_config.ws.enabled && loopbackReachable) {
            backend = m_servers[0]->port();
        } else {
            if (!makeServer("127.0.0.1", 0, 1, "wss (loopback)"))
                return false;
            backend = m_servers[1]->port();
        }
        m_tls = std::make_unique<TlsTerminator>();
        QString e;
        if (!m_tls->start(m_config.wss.host.toUtf8(), m_config.wss.port, m_certificatePath,
                          m_keyPath, backend, int(m_config.handshakeTimeoutMs), &e)) {
            *error = QStringLiteral("gateway wss listener: %1").arg(e);
            return false;
        }
    }
    m_http = std::make_unique<GatewayHttp>(*this);
    if (m_config.https.enabled
        && !m_http->listenHttps(m_config.https.host, m_config.https.port, m_certificatePath,
                                m_keyPath, error))
        return false;
    if (m_config.http.enabled) {
        QString e;
        Io::HttpListener *listener =
            m_context.httpListener(m_config.http.host, m_config.http.port, &e);
        if (!listener) {
            *error = QStringLiteral("gateway http listener: %1").arg(e);
            return false;
        }
        m_http->attachHttp(listener);
    }
    return true;
}

// ---- handshakes -----------------------------------------------------------------------------

Gateway::Route Gateway::route(const QByteArray &rawPath) const
{
    Route r;
    QByteArray path = rawPath;
    while (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    QString tenant = QString::fromLatin1(kSuperTenant);
    QByteArray rest = path;
    if (path.startsWith("/t/")) {
        const qsizetype slash = path.indexOf('/', 3);
        tenant = QString::fromUtf8(
                     QByteArray::fromPercentEncoding(path.mid(3, slash < 0 ? -1 : slash - 3)))
                     .toLower();
        rest = slash < 0 ? QByteArray() : path.mid(slash);
    }
    for (const auto &api : m_apis) {
        if (api->def.tenant != tenant)
            continue;
        const QByteArray prefix = (api->def.context + u'/' + api->def.version).toUtf8();
        if (!rest.startsWith(prefix) || (rest.size() > prefix.size() && rest[prefix.size()] != '/'))
            continue;
        r.api = api.get();
        const QByteArray topic = QByteArray::fromPercentEncoding(rest.mid(prefix.size() + 1));
        if (topic.isEmpty() || topic.contains('/')) {
            r.failure = "unknown_topic";
            return r;
        }
        const QString text = QString::fromUtf8(topic);
        QStringList values;
        for (const auto &ch : api->channels) {
            if (ch->def->topic.match(text, &values)) {
                r.channel = ch.get();
                r.topic = topic;
                return r;
            }
        }
        r.failure = "unknown_topic";
        return r;
    }
    r.failure = "unknown_api";
    return r;
}

void Gateway::failHandshake(Api *api, const char *reason)
{
    ++m_refusedHandshakes;
    if (api)
        ++api->failures[QString::fromLatin1(reason)];
    else
        ++m_unattributedFailures[QString::fromLatin1(reason)];
}

int Gateway::allocateChannel()
{
    const int64_t t = now();
    while (!m_coolingChannels.empty()
           && t - m_coolingChannels.front().second >= kChannelCoolingMs) {
        m_freeChannels.push_back(m_coolingChannels.front().first);
        m_coolingChannels.erase(m_coolingChannels.begin());
    }
    if (!m_freeChannels.empty()) {
        const int id = m_freeChannels.back();
        m_freeChannels.pop_back();
        return id;
    }
    return m_nextChannel++;
}

void Gateway::releaseChannel(int id)
{
    // Not reused at once: a broadcast queued for the old group must not reach a new one.
    m_coolingChannels.emplace_back(id, now());
}

Io::HandshakeDecision Gateway::onHandshake(int server, const Io::HandshakeRequest &request)
{
    Io::HandshakeDecision d;
    auto refuse = [&d](int status, const char *reason, const QByteArray &body) {
        d.status = status;
        d.reason = reason;
        d.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        d.body = body;
        return d;
    };
    const Route r = route(request.path());

    // The token: an Authorization header, else ?access_token=.
    QByteArray token;
    const char *tokenProblem = nullptr;
    const QByteArray authorization = request.header("Authorization");
    if (!authorization.isEmpty()) {
        const qsizetype space = authorization.indexOf(' ');
        const QByteArray scheme = space < 0 ? authorization : authorization.left(space);
        token = space < 0 ? QByteArray() : authorization.mid(space + 1).trimmed();
        if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0 || !isToken68(token))
            tokenProblem = "malformed_authorization";
    } else {
        const QUrlQuery query(QString::fromUtf8(request.query()));
        token = query.queryItemValue(QStringLiteral("access_token"), QUrl::FullyDecoded).toUtf8();
        if (token.isEmpty())
            tokenProblem = "missing_token";
        else if (!isToken68(token))
            tokenProblem = "malformed_authorization";
    }
    const QByteArray hash = tokenProblem ? QByteArray() : Credentials::sha256(token);

    std::lock_guard<std::mutex> lock(m_mutex);
    const int64_t t = now();
    if (tokenProblem) {
        failHandshake(r.api, tokenProblem);
        d.headers.append(
            {"WWW-Authenticate",
             qstrcmp(tokenProblem, "missing_token") == 0
                 ? QByteArray("Bearer realm=\"rivulet\"")
                 : QByteArray("Bearer realm=\"rivulet\", error=\"invalid_request\", "
                              "error_description=\"use Authorization: Bearer <token>\"")});
        return refuse(
            401, "Unauthorized",
            qstrcmp(tokenProblem, "missing_token") == 0
                ? jsonError("invalid_request", QStringLiteral("an access token is required: send "
                                                              "Authorization: Bearer <token>"))
                : jsonError("invalid_request", QStringLiteral("malformed Authorization header: use "
                                                              "Authorization: Bearer <token>")));
    }
    const auto found = m_tokens.constFind(hash);
    const std::shared_ptr<Token> tok = found == m_tokens.constEnd() ? nullptr : found.value();
    if (!tok || !tok->app || tok->app->deleted() || tok->rec.expiresAt <= t) {
        const bool expired = tok && tok->rec.expiresAt <= t;
        failHandshake(r.api, expired ? "expired_token" : "invalid_token");
        d.headers.append({"WWW-Authenticate",
                          QByteArray("Bearer realm=\"rivulet\", error=\"invalid_token\", "
                                     "error_description=\"")
                              + (expired ? "the access token expired" : "unknown or revoked token")
                              + '"'});
        return refuse(401, "Unauthorized",
                      jsonError("invalid_token", expired
                                                     ? QStringLiteral("the access token expired")
                                                     : QStringLiteral("unknown or revoked token")));
    }
    if (!r.api || !r.channel) {
        failHandshake(r.api, r.failure ? r.failure : "unknown_api");
        return refuse(404, "Not Found",
                      r.api
                          ? jsonError("not_found",
                                      QStringLiteral("API %1 has no topic '%2'")
                                          .arg(r.api->def.handle(),
                                               QString::fromUtf8(request.path()).section(u'/', -1)))
                          : jsonError("not_found", QStringLiteral("no API is served at %1")
                                                       .arg(QString::fromUtf8(request.path()))));
    }
    Api *api = r.api;
    const QString appTenant = tok->app->rec.tenant;
    if (appTenant != api->def.tenant) {
        failHandshake(api, "wrong_tenant");
        return refuse(403, "Forbidden",
                      jsonError("forbidden", QStringLiteral("a token of tenant %1 cannot use an "
                                                            "API of tenant %2")
                                                 .arg(appTenant, api->def.tenant)));
    }
    QStringList missing;
    for (const ScopeDefinition &s : api->def.scopes) {
        if (!tok->rec.scopes.contains(s.name))
            missing << s.name;
    }
    if (!missing.isEmpty()) {
        failHandshake(api, "insufficient_scope");
        d.headers.append(
            {"WWW-Authenticate", "Bearer realm=\"rivulet\", error=\"insufficient_scope\", scope=\""
                                     + headerSafe(missing.join(u' ')) + '"'});
        return refuse(
            403, "Forbidden",
            jsonError("insufficient_scope",
                      QStringLiteral("the token lacks the scope(s) %1").arg(missing.join(u' '))));
    }
    Sub *sub = nullptr;
    for (Sub *s : m_subsByApp.value(tok->app->rec.id)) {
        if (s->active() && s->api == api)
            sub = s;
    }
    if (!sub) {
        failHandshake(api, "not_subscribed");
        return refuse(
            403, "Forbidden",
            jsonError("forbidden", QStringLiteral("application '%1' is not subscribed to %2")
                                       .arg(tok->app->rec.name, api->def.handle())));
    }
    if (sub->policy.onQuota == ThrottlePolicy::Action::Close
        && quotaExhausted(sub->policy, sub->quota, t)) {
        failHandshake(api, "quota_exceeded");
        const int64_t retry =
            (windowEnd(sub->policy.timeUnit, sub->policy.unitTime, t) - t + 999) / 1000;
        d.headers.append({"Retry-After", QByteArray::number(qlonglong(retry))});
        return refuse(429, "Too Many Requests",
                      jsonError("quota_exceeded",
                                QStringLiteral("the subscription used its %1 quota (%2 events per "
                                               "%3); it renews in %4 s")
                                    .arg(sub->policy.name)
                                    .arg(sub->policy.count)
                                    .arg(timeUnitName(sub->policy.timeUnit))
                                    .arg(retry)));
    }

    // Accepted: join the subscription's group on this topic.
    Channel *ch = r.channel;
    auto &topicSlot = ch->topics[r.topic];
    if (!topicSlot) {
        topicSlot = std::make_unique<Topic>();
        topicSlot->channel = ch;
        topicSlot->name = r.topic;
    }
    Topic *topic = topicSlot.get();
    Group *group = nullptr;
    for (const auto &g : topic->groups) {
        if (g->sub == sub)
            group = g.get();
    }
    if (!group) {
        if (topic->groups.empty())
            ch->liveTopics.fetch_add(1, std::memory_order_relaxed);
        auto g = std::make_unique<Group>();
        g->topic = topic;
        g->sub = sub;
        g->channelId = allocateChannel();
        group = g.get();
        topic->groups.push_back(std::move(g));
        sub->groups.push_back(group);
    }
    ++group->connections[server];
    for (FlowStats *s : {&api->stats, &sub->stats, &topic->stats}) {
        ++s->connections;
        ++s->connectionsTotal;
    }
    Session session;
    session.tag = m_nextTag++;
    session.token = tok;
    session.group = group;
    session.server = server;
    m_sessions.emplace(session.tag, session);
    m_nextExpiry = std::min<int64_t>(m_nextExpiry, tok->rec.expiresAt);
    d.status = 101;
    d.channel = group->channelId;
    d.tag = session.tag;
    return d;
}

void Gateway::onDisconnect(int server, uint64_t tag)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_sessions.find(tag);
    if (it == m_sessions.end())
        return;
    Group *group = it->second.group;
    m_sessions.erase(it);
    --group->connections[server];
    Topic *topic = group->topic;
    Sub *sub = group->sub;
    Api *api = topic->channel->api;
    for (FlowStats *s : {&api->stats, &sub->stats, &topic->stats})
        --s->connections;
    if (group->total() > 0)
        return;
    releaseChannel(group->channelId);
    sub->groups.erase(std::remove(sub->groups.begin(), sub->groups.end(), group),
                      sub->groups.end());
    auto &groups = topic->groups;
    groups.erase(
        std::remove_if(groups.begin(), groups.end(),
                       [group](const std::unique_ptr<Group> &g) { return g.get() == group; }),
        groups.end());
    if (groups.empty())
        topic->channel->liveTopics.fetch_sub(1, std::memory_order_relaxed);
    // Idle topics keep their statistics; past a bound, the idle ones go.
    Channel *ch = topic->channel;
    if (ch->topics.size() > 10000) {
        for (auto t = ch->topics.begin(); t != ch->topics.end();) {
            if (t->second->groups.empty())
                t = ch->topics.erase(t);
            else
                ++t;
        }
    }
}

void Gateway::closeSessions(const std::function<bool(const Session &)> &which, int code,
                            const QByteArray &reason)
{
    for (auto &entry : m_sessions) {
        Session &s = entry.second;
        if (s.closing || !which(s))
            continue;
        s.closing = true;
        if (size_t(s.server) < m_servers.size() && m_servers[size_t(s.server)])
            m_servers[size_t(s.server)]->closeTag(s.tag, code, reason);
    }
}

void Gateway::expireSessions()
{
    const int64_t t = now();
    if (t - m_lastPurge >= 60 * 1000) {
        // Expired tokens leave memory once a minute, and the store once an hour (a week on).
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            for (auto it = m_tokens.begin(); it != m_tokens.end();) {
                if (it.value()->rec.expiresAt <= t)
                    it = m_tokens.erase(it);
                else
                    ++it;
            }
        }
        m_portalSessions.purge(t);
        if (t - m_lastStorePurge >= 3600 * 1000) {
            m_store.purgeTokens(t - 7 * kDayMs);
            m_lastStorePurge = t;
        }
        m_lastPurge = t;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (t < m_nextExpiry)
        return;
    int64_t next = std::numeric_limits<int64_t>::max();
    for (auto &entry : m_sessions) {
        Session &s = entry.second;
        if (s.closing)
            continue;
        if (s.token->rec.expiresAt <= t) {
            s.closing = true;
            if (size_t(s.server) < m_servers.size() && m_servers[size_t(s.server)])
                m_servers[size_t(s.server)]->closeTag(s.tag, kCloseTokenInvalid,
                                                      "access token expired");
        } else {
            next = std::min<int64_t>(next, s.token->rec.expiresAt);
        }
    }
    m_nextExpiry = next;
}

void Gateway::scheduleQuotaClose(Sub *sub)
{
    if (sub->closing)
        return;
    sub->closing = true;
    // A moment later: frames already handed to the connections go out before the close.
    QMetaObject::invokeMethod(
        this,
        [this, sub] {
            QTimer::singleShot(200, this, [this, sub] {
                std::lock_guard<std::mutex> lock(m_mutex);
                const QByteArray reason =
                    QStringLiteral("quota exceeded: %1 allows %2 events per %3%4")
                        .arg(sub->policy.name)
                        .arg(sub->policy.count)
                        .arg(sub->policy.unitTime > 1 ? QString::number(sub->policy.unitTime) + u' '
                                                      : QString())
                        .arg(timeUnitName(sub->policy.timeUnit))
                        .toUtf8();
                closeSessions([sub](const Session &s) { return s.group->sub == sub; },
                              kCloseQuotaExceeded, reason);
                sub->closing = false;
            });
        },
        Qt::QueuedConnection);
}

// ---- delivery -------------------------------------------------------------------------------

void Gateway::onEvents(Channel *ch, const Runtime::EventChunk &chunk)
{
    if (ch->liveTopics.load(std::memory_order_relaxed) == 0)
        return;
    QByteArray name;
    const int64_t wall = wallMs();
    std::lock_guard<std::mutex> lock(m_mutex);
    const int64_t t = now();
    const int64_t day = t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs;
    Api *api = ch->api;
    for (const Runtime::Event *e : chunk.events) {
        if (e->type != Runtime::EventType::Current && e->type != Runtime::EventType::Expired)
            continue;
        name.clear();
        for (size_t i = 0; i < ch->attrIndex.size(); ++i) {
            name += ch->literals[i];
            appendTopicValue(name, ch->attrTypes[i], *e, ch->attrIndex[i]);
        }
        name += ch->literals.back();
        const auto found = ch->topics.find(name);
        if (found == ch->topics.end() || found->second->groups.empty())
            continue;
        Topic *topic = found->second.get();
        const QByteArray payload = ch->mapper->map(*e); // once per topic
        const double latency =
            ch->wallClock ? double(std::max<int64_t>(0, wall - e->timestamp)) : -1.0;
        for (const auto &g : topic->groups) {
            Group *group = g.get();
            const int64_t n = group->total();
            if (n <= 0)
                continue;
            Sub *sub = group->sub;
            if (sub->pendingDay != day) {
                if (sub->pendingDay >= 0
                    && (sub->pendingDelivered || sub->pendingThrottled || sub->pendingBytes))
                    sub->carried << UsageRecord{sub->rec.id, dayText(sub->pendingDay),
                                                sub->pendingDelivered, sub->pendingThrottled,
                                                sub->pendingBytes};
                sub->pendingDay = day;
                sub->pendingDelivered = sub->pendingThrottled = sub->pendingBytes = 0;
            }
            Admission a = Admission::OverQuota;
            if (sub->active() && !sub->closing)
                a = admit(sub->policy, sub->quota, n, t);
            if (a == Admission::Admitted) {
                for (int s = 0; s < 2; ++s) {
                    if (group->connections[s] > 0 && size_t(s) < m_servers.size()
                        && m_servers[size_t(s)])
                        m_servers[size_t(s)]->broadcast(group->channelId, Io::Frame::text(payload));
                }
                const int64_t bytes = n * payload.size();
                sub->quotaDirty = true;
                sub->pendingDelivered += n;
                sub->pendingBytes += bytes;
                for (FlowStats *s : {&api->stats, &sub->stats, &topic->stats}) {
                    s->delivered += n;
                    s->bytes += bytes;
                    if (latency >= 0)
                        s->latency.add(latency, n);
                }
                continue;
            }
            sub->pendingThrottled += n;
            for (FlowStats *s : {&api->stats, &sub->stats, &topic->stats})
                s->throttled += n;
            if (!sub->active() || sub->closing)
                continue;
            const ThrottlePolicy::Action action =
                a == Admission::OverQuota ? sub->policy.onQuota : sub->policy.onBurst;
            if (action == ThrottlePolicy::Action::Close)
                scheduleQuotaClose(sub);
        }
    }
}

// ---- counters and analytics -----------------------------------------------------------------

void Gateway::flushCountersLocked(QList<QuotaRecord> *quotas, QList<UsageRecord> *usage)
{
    for (auto &entry : m_subs) {
        Sub *sub = entry.second.get();
        if (sub->quotaDirty) {
            quotas->append(QuotaRecord{sub->rec.id, sub->quota.windowStart, sub->quota.count});
            sub->quotaDirty = false;
        }
        usage->append(sub->carried);
        sub->carried.clear();
        if (sub->pendingDay >= 0
            && (sub->pendingDelivered || sub->pendingThrottled || sub->pendingBytes)) {
            usage->append(UsageRecord{sub->rec.id, dayText(sub->pendingDay), sub->pendingDelivered,
                                      sub->pendingThrottled, sub->pendingBytes});
            sub->pendingDelivered = sub->pendingThrottled = sub->pendingBytes = 0;
        }
    }
}

void Gateway::flushCounters()
{
    if (!m_store.isOpen())
        return;
    QList<QuotaRecord> quotas;
    QList<UsageRecord> usage;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        flushCountersLocked(&quotas, &usage);
    }
    if (!m_store.saveCounters(quotas, usage)) {
        m_context.log(LogLevel::Error, QStringLiteral("gateway"),
                      QStringLiteral("cannot write counters to the key store: %1; will retry")
                          .arg(m_store.lastError()));
        // Put them back: nothing billed may be lost.
        std::lock_guard<std::mutex> lock(m_mutex);
        for (const QuotaRecord &q : std::as_const(quotas)) {
            auto it = m_subs.find(q.subscriptionId);
            if (it != m_subs.end())
                it->second->quotaDirty = true;
        }
        for (const UsageRecord &u : std::as_const(usage)) {
            auto it = m_subs.find(u.subscriptionId);
            if (it != m_subs.end())
                it->second->carried << u;
        }
    }
}

AnalyticsSnapshot Gateway::analytics()
{
    AnalyticsSnapshot s;
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto &api : m_apis) {
        AnalyticsSnapshot::Api a;
        a.tenant = api->def.tenant;
        a.name = api->def.name;
        a.version = api->def.version;
        a.stats = api->stats;
        a.handshakeFailures = api->failures;
        s.apis << a;
        for (const auto &ch : api->channels) {
            for (const auto &entry : ch->topics) {
                AnalyticsSnapshot::Topic t;
                t.tenant = a.tenant;
                t.api = a.name;
                t.version = a.version;
                t.topic = QString::fromUtf8(entry.first);
                t.stats = entry.second->stats;
                s.topics << t;
            }
        }
    }
    for (const auto &entry : m_subs) {
        const Sub *sub = entry.second.get();
        AnalyticsSnapshot::Subscription x;
        x.tenant = sub->rec.tenant;
        x.api = sub->rec.api;
        x.version = sub->rec.apiVersion;
        x.application = sub->app ? sub->app->rec.name : QString();
        x.applicationId = sub->app ? sub->app->rec.uuid : QString();
        x.subscriptionId = sub->rec.uuid;
        x.policy = sub->rec.policy;
        x.stats = sub->stats;
        s.subscriptions << x;
    }
    s.unattributedFailures = m_unattributedFailures;
    int64_t serverFailures = 0;
    for (const auto &server : m_servers) {
        if (!server)
            continue;
        const Io::WsServer::Stats st = server->stats();
        serverFailures += st.handshakeFailures;
        s.slowClientsClosed += st.slowClientsClosed;
        s.framesDropped += st.framesDropped;
    }
    s.handshakeTimeouts = std::max<int64_t>(0, serverFailures - m_refusedHandshakes);
    if (m_tls)
        s.handshakeTimeouts += m_tls->stats().tlsFailures;
    s.tokensIssued = m_tokensIssued;
    s.tokensRevoked = m_tokensRevoked;
    s.uptimeMs = now() - m_startedAt;
    return s;
}

} // namespace Rivulet::Gateway
