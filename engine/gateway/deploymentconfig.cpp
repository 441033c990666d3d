#include "deploymentconfig.h"

#include "credentials.h"
#include "yamlreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>

namespace Rivulet::Gateway {

QString DeploymentConfig::defaultDataDir()
{
    const QString xdg =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("XDG_DATA_HOME"));
    if (!xdg.isEmpty())
        return QDir(xdg).filePath(QStringLiteral("rivulet"));
    const QString generic = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(generic.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share") : generic)
        .filePath(QStringLiteral("rivulet"));
}

QString DeploymentConfig::effectiveKeyStorePath() const
{
    if (!keyStorePath.isEmpty())
        return keyStorePath;
    return QDir(dataDir.isEmpty() ? defaultDataDir() : dataDir)
        .filePath(QStringLiteral("keystore.db"));
}

const ThrottlePolicy *DeploymentConfig::policy(const QString &name) const
{
    for (const ThrottlePolicy &p : policies) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

QString DeploymentConfig::tenantOfUser(const QString &user)
{
    const qsizetype at = user.lastIndexOf(u'@');
    if (at < 0)
        return QString::fromLatin1(kSuperTenant);
    return user.mid(at + 1).toLower();
}

namespace {

QString absolute(const QString &baseDir, const QString &path)
{
    if (path.isEmpty())
        return path;
    QString p = path;
    if (p.startsWith(QLatin1String("~/")))
        p = QDir::homePath() + p.mid(1);
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(p));
}

bool readListener(YamlReader &r, const YAML::Node &root, const char *name, ListenerConfig *l)
{
    const YAML::Node listeners = yamlChild(root, "listeners");
    if (!listeners.IsDefined() || listeners.IsNull())
        return true;
    const YAML::Node n = yamlChild(listeners, name);
    const QString field = QStringLiteral("listeners.") + QString::fromLatin1(name);
    if (!n.IsDefined() || n.IsNull())
        return true;
    if (!r.checkMap(n, field, {"enabled", "host", "port"}))
        return false;
    qint64 port = l->port;
    if (!r.readBool(n, "enabled", field, &l->enabled) || !r.readString(n, "host", field, &l->host)
        || !r.readInt(n, "port", field, &port, 0, 65535))
        return false;
    l->port = quint16(port);
    return true;
}

bool readPolicy(YamlReader &r, const YAML::Node &n, const QString &field, ThrottlePolicy *p)
{
    if (!r.checkMap(n, field,
                    {"name", "description", "count", "timeUnit", "unitTime", "burst", "onQuota",
                     "onBurst", "price"}))
        return false;
    if (!n.IsMap())
        return r.fail(n, field, QStringLiteral("must be a mapping with at least a name"));
    if (!r.readString(n, "name", field, &p->name))
        return false;
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    if (!nameRe.match(p->name).hasMatch())
        return r.fail(yamlChild(n, "name").IsDefined() ? yamlChild(n, "name") : n,
                      YamlReader::join(field, "name"),
                      QStringLiteral("a policy needs a name of letters, digits, '_', '.', '-'"));
    QString unit;
    qint64 count = 0, unitTime = 1;
    if (!r.readString(n, "description", field, &p->description)
        || !r.readInt(n, "count", field, &count, 0, std::numeric_limits<qint64>::max())
        || !r.readInt(n, "unitTime", field, &unitTime, 1, 1000000)
        || !r.readString(n, "timeUnit", field, &unit))
        return false;
    p->count = count;
    p->unitTime = int(unitTime);
    if (!unit.isEmpty() && !parseTimeUnit(unit, &p->timeUnit))
        return r.fail(
            yamlChild(n, "timeUnit"), YamlReader::join(field, "timeUnit"),
            QStringLiteral("must be second, minute, hour, day or month, found '%1'").arg(unit));
    auto action = [&](const char *key, ThrottlePolicy::Action *a) {
        QString text;
        if (!r.readString(n, key, field, &text))
            return false;
        if (text.isEmpty())
            return true;
        if (text == QLatin1String("close"))
            *a = ThrottlePolicy::Action::Close;
        else if (text == QLatin1String("drop"))
            *a = ThrottlePolicy::Action::Drop;
        else
            return r.fail(yamlChild(n, key), YamlReader::join(field, key),
                          QStringLiteral("must be close or drop, found '%1'").arg(text));
        return true;
    };
    if (!action("onQuota", &p->onQuota) || !action("onBurst", &p->onBurst))
        return false;
    const YAML::Node burst = yamlChild(n, "burst");
    const QString burstField = YamlReader::join(field, "burst");
    if (burst.IsDefined() && !burst.IsNull()) {
        if (!r.checkMap(burst, burstField, {"count", "timeUnit"}))
            return false;
        qint64 bc = 0;
        QString bu;
        if (!r.readInt(burst, "count", burstField, &bc, 0, std::numeric_limits<qint64>::max())
            || !r.readString(burst, "timeUnit", burstField, &bu))
            return false;
        p->burstCount = bc;
        if (!bu.isEmpty()
            && (!parseTimeUnit(bu, &p->burstUnit)
                || (p->burstUnit != TimeUnit::Second && p->burstUnit != TimeUnit::Minute)))
            return r.fail(yamlChild(burst, "timeUnit"), YamlReader::join(burstField, "timeUnit"),
                          QStringLiteral("must be second or minute, found '%1'").arg(bu));
    }
    const YAML::Node price = yamlChild(n, "price");
    const QString priceField = YamlReader::join(field, "price");
    if (price.IsDefined() && !price.IsNull()) {
        if (!r.checkMap(price, priceField, {"amount", "perEvents", "freeEvents", "currency"}))
            return false;
        qint64 per = p->pricePerEvents, free = p->freeEvents;
        if (!r.readDouble(price, "amount", priceField, &p->price, 0)
            || !r.readInt(price, "perEvents", priceField, &per, 1,
                          std::numeric_limits<qint64>::max())
            || !r.readInt(price, "freeEvents", priceField, &free, 0,
                          std::numeric_limits<qint64>::max())
            || !r.readString(price, "currency", priceField, &p->currency))
            return false;
        p->pricePerEvents = per;
        p->freeEvents = free;
    }
    return true;
}

bool readTenants(YamlReader &r, const YAML::Node &root, DeploymentConfig *c)
{
    const YAML::Node tenants = yamlChild(root, "tenants");
    if (!tenants.IsDefined() || tenants.IsNull())
        return true;
    if (!tenants.IsSequence())
        return r.fail(tenants, QStringLiteral("tenants"),
                      QStringLiteral("must be a list of tenants (- domain: quantis.com)"));
    QStringList seenUsers;
    QStringList seenDomains;
    static const QRegularExpression domainRe(
        QStringLiteral("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"));
    for (size_t i = 0; i < tenants.size(); ++i) {
        const YAML::Node t = tenants[i];
        const QString field = YamlReader::index(QStringLiteral("tenants"), i);
        if (!r.checkMap(t, field, {"domain", "users"}))
            return false;
        TenantConfig tenant;
        if (!r.readString(t, "domain", field, &tenant.domain))
            return false;
        tenant.domain = tenant.domain.toLower();
        if (!domainRe.match(tenant.domain).hasMatch())
            return r.fail(
                yamlChild(t, "domain").IsDefined() ? yamlChild(t, "domain") : t,
                YamlReader::join(field, "domain"),
                QStringLiteral("a tenant needs a domain name like quantis.com, found '%1'")
                    .arg(tenant.domain));
        if (seenDomains.contains(tenant.domain))
            return r.fail(yamlChild(t, "domain"), YamlReader::join(field, "domain"),
                          QStringLiteral("tenant '%1' is listed twice").arg(tenant.domain));
        seenDomains << tenant.domain;
        const YAML::Node users = yamlChild(t, "users");
        const QString usersField = YamlReader::join(field, "users");
        if (users.IsDefined() && !users.IsNull() && !users.IsSequence())
            return r.fail(users, usersField, QStringLiteral("must be a list of users"));
        for (size_t j = 0; users.IsDefined() && j < users.size(); ++j) {
            const YAML::Node u = users[j];
            const QString uf = YamlReader::index(usersField, j);
            if (!r.checkMap(u, uf, {"name", "passwordHash", "password", "roles"}))
                return false;
            UserConfig user;
            QString hash;
            if (!r.readString(u, "name", uf, &user.name)
                || !r.readString(u, "passwordHash", uf, &hash)
                || !r.readStringList(u, "roles", uf, &user.roles))
                return false;
            if (yamlChild(u, "password").IsDefined())
                return r.fail(yamlChild(u, "password"), YamlReader::join(uf, "password"),
                              QStringLiteral("passwords are stored only as hashes: put the output "
                                             "of 'rivulet user hash-password' in passwordHash"));
            if (user.name.isEmpty() || user.name.contains(u' ') || user.name.contains(u':'))
                return r.fail(yamlChild(u, "name").IsDefined() ? yamlChild(u, "name") : u,
                              YamlReader::join(uf, "name"),
                              QStringLiteral("a user needs a name without spaces or ':'"));
            const QString userTenant = DeploymentConfig::tenantOfUser(user.name);
            if (userTenant != tenant.domain)
                return r.fail(yamlChild(u, "name"), YamlReader::join(uf, "name"),
                              tenant.domain == QLatin1String(kSuperTenant)
                                  ? QStringLiteral("a super tenant user has no @domain")
                                  : QStringLiteral("a user of tenant %1 is named like name@%1")
                                        .arg(tenant.domain));
            if (seenUsers.contains(user.name.toLower()))
                return r.fail(yamlChild(u, "name"), YamlReader::join(uf, "name"),
                              QStringLiteral("user '%1' is listed twice").arg(user.name));
            seenUsers << user.name.toLower();
            user.passwordHash = hash.toUtf8();
            if (!Credentials::isPasswordHash(user.passwordHash))
                return r.fail(
                    yamlChild(u, "passwordHash").IsDefined() ? yamlChild(u, "passwordHash") : u,
                    YamlReader::join(uf, "passwordHash"),
                    QStringLiteral("must be a password hash made by 'rivulet user "
                                   "hash-password' ($argon2id$...)"));
            tenant.users << user;
        }
        c->tenants << tenant;
    }
    return true;
}

} // namespace

namespace {

bool parseConfig(YamlReader &r, const QString &fileName, DeploymentConfig *c, QString *error)
{
    const YAML::Node root = r.root();
    c->file = fileName;
    c->baseDir = fileName.isEmpty() ? QDir::currentPath() : QFileInfo(fileName).absolutePath();
    c->policies = defaultPolicies();
    auto done = [&]() {
        *error = r.error();
        return false;
    };
    if (root.IsNull() || !root.IsDefined())
        return true; // an empty file: every default
    if (!r.checkMap(root, QString(),
                    {"variables", "listeners", "publicHost", "tls", "dataDir", "keyStore", "tokens",
                     "gateway", "portal", "signIn", "tenants", "policies", "apps", "apis"}))
        return done();

    // Variables first: the rest may use them.
    const YAML::Node vars = yamlChild(root, "variables");
    if (vars.IsDefined() && !vars.IsNull()) {
        if (!vars.IsMap()) {
            r.fail(vars, QStringLiteral("variables"),
                   QStringLiteral("must be a mapping of NAME: value"));
            return done();
        }
        for (auto it = vars.begin(); it != vars.end(); ++it) {
            QString v;
            const QString name = QString::fromStdString(it->first.Scalar());
            if (!r.scalar(it->second, QStringLiteral("variables.") + name, &v))
                return done();
            c->variables.insert(name, v);
        }
    }
    r.setVariables(c->variables);

    const YAML::Node listeners = yamlChild(root, "listeners");
    if (!r.checkMap(listeners, QStringLiteral("listeners"), {"ws", "wss", "https", "http"})
        || !readListener(r, root, "ws", &c->ws) || !readListener(r, root, "wss", &c->wss)
        || !readListener(r, root, "https", &c->https) || !readListener(r, root, "http", &c->http)
        || !r.readString(root, "publicHost", QString(), &c->publicHost))
        return done();

    const YAML::Node tls = yamlChild(root, "tls");
    if (!r.checkMap(tls, QStringLiteral("tls"), {"certificate", "key"}))
        return done();
    if (tls.IsMap()) {
        if (!r.readString(tls, "certificate", QStringLiteral("tls"), &c->certificate)
            || !r.readString(tls, "key", QStringLiteral("tls"), &c->privateKey))
            return done();
        if (c->certificate.isEmpty() != c->privateKey.isEmpty()) {
            r.fail(tls, QStringLiteral("tls"),
                   QStringLiteral("give both certificate and key, or neither (a "
                                  "self-signed pair is then generated)"));
            return done();
        }
    }
    c->certificate = absolute(c->baseDir, c->certificate);
    c->privateKey = absolute(c->baseDir, c->privateKey);

    QString dataDir;
    if (!r.readString(root, "dataDir", QString(), &dataDir))
        return done();
    c->dataDir =
        dataDir.isEmpty() ? DeploymentConfig::defaultDataDir() : absolute(c->baseDir, dataDir);

    const YAML::Node keyStore = yamlChild(root, "keyStore");
    if (!r.checkMap(keyStore, QStringLiteral("keyStore"), {"path"}))
        return done();
    if (keyStore.IsMap()) {
        QString path;
        if (!r.readString(keyStore, "path", QStringLiteral("keyStore"), &path))
            return done();
        c->keyStorePath = absolute(c->baseDir, path);
    }

    const YAML::Node tokens = yamlChild(root, "tokens");
    if (!r.checkMap(tokens, QStringLiteral("tokens"), {"lifetime", "maxLifetime"}))
        return done();
    if (tokens.IsMap()) {
        const bool maxGiven = yamlChild(tokens, "maxLifetime").IsDefined();
        if (!r.readSeconds(tokens, "lifetime", QStringLiteral("tokens"), &c->tokenLifetime, 1)
            || !r.readSeconds(tokens, "maxLifetime", QStringLiteral("tokens"), &c->tokenMaxLifetime,
                              1))
            return done();
        if (maxGiven && c->tokenMaxLifetime < c->tokenLifetime) {
            r.fail(yamlChild(tokens, "maxLifetime"), QStringLiteral("tokens.maxLifetime"),
                   QStringLiteral("must be at least tokens.lifetime (%1 s)").arg(c->tokenLifetime));
            return done();
        }
        c->tokenMaxLifetime = std::max(c->tokenMaxLifetime, c->tokenLifetime);
    }

    const YAML::Node portal = yamlChild(root, "portal");
    if (!r.checkMap(portal, QStringLiteral("portal"),
                    {"enabled", "sessionLifetime", "sessionIdleTimeout"}))
        return done();
    if (portal.IsMap()) {
        const QString f = QStringLiteral("portal");
        if (!r.readBool(portal, "enabled", f, &c->portalEnabled)
            || !r.readSeconds(portal, "sessionLifetime", f, &c->sessionLifetime, 1)
            || !r.readSeconds(portal, "sessionIdleTimeout", f, &c->sessionIdleTimeout, 1))
            return done();
    }

    const YAML::Node signIn = yamlChild(root, "signIn");
    if (!r.checkMap(signIn, QStringLiteral("signIn"),
                    {"maxFailures", "maxAddressFailures", "window", "lockout"}))
        return done();
    if (signIn.IsMap()) {
        const QString f = QStringLiteral("signIn");
        if (!r.readInt(signIn, "maxFailures", f, &c->signInMaxFailures, 1, 1000)
            || !r.readInt(signIn, "maxAddressFailures", f, &c->signInMaxAddressFailures, 1, 100000)
            || !r.readSeconds(signIn, "window", f, &c->signInWindow, 1)
            || !r.readSeconds(signIn, "lockout", f, &c->signInLockout, 1))
            return done();
    }

    const YAML::Node gw = yamlChild(root, "gateway");
    if (!r.checkMap(gw, QStringLiteral("gateway"),
                    {"handshakeTimeout", "maxHeaderBytes", "sendQueueSize", "slowClientPolicy",
                     "idleTimeout", "counterFlushInterval"}))
        return done();
    if (gw.IsMap()) {
        const QString f = QStringLiteral("gateway");
        qint64 handshake = c->handshakeTimeoutMs / 1000, idle = -1;
        qint64 flushMs = c->counterFlushMs;
        QString slow;
        if (!r.readSeconds(gw, "handshakeTimeout", f, &handshake, 1)
            || !r.readInt(gw, "maxHeaderBytes", f, &c->maxHeaderBytes, 1024, 1 << 20)
            || !r.readInt(gw, "sendQueueSize", f, &c->sendQueueSize, 1, 1 << 20)
            || !r.readString(gw, "slowClientPolicy", f, &slow)
            || !r.readInt(gw, "counterFlushInterval", f, &flushMs, 50, 60000))
            return done();
        if (yamlChild(gw, "idleTimeout").IsDefined()) {
            if (!r.readSeconds(gw, "idleTimeout", f, &idle, 1))
                return done();
            c->idleTimeoutMs = idle * 1000;
        }
        c->handshakeTimeoutMs = handshake * 1000;
        c->counterFlushMs = flushMs;
        if (slow == QLatin1String("drop-oldest"))
            c->dropOldestWhenSlow = true;
        else if (!slow.isEmpty() && slow != QLatin1String("close")) {
            r.fail(yamlChild(gw, "slowClientPolicy"), QStringLiteral("gateway.slowClientPolicy"),
                   QStringLiteral("must be close or drop-oldest, found '%1'").arg(slow));
            return done();
        }
    }

    if (!readTenants(r, root, c))
        return done();

    const YAML::Node policies = yamlChild(root, "policies");
    if (policies.IsDefined() && !policies.IsNull()) {
        if (!policies.IsSequence()) {
            r.fail(policies, QStringLiteral("policies"),
                   QStringLiteral("must be a list of policies (- name: ...)"));
            return done();
        }
        QStringList seen;
        for (size_t i = 0; i < policies.size(); ++i) {
            ThrottlePolicy p;
            const QString field = YamlReader::index(QStringLiteral("policies"), i);
            if (!readPolicy(r, policies[i], field, &p))
                return done();
            if (seen.contains(p.name)) {
                r.fail(yamlChild(policies[i], "name"), YamlReader::join(field, "name"),
                       QStringLiteral("policy '%1' is listed twice").arg(p.name));
                return done();
            }
            seen << p.name;
            bool replaced = false;
            for (ThrottlePolicy &existing : c->policies) {
                if (existing.name == p.name) {
                    existing = p;
                    replaced = true;
                }
            }
            if (!replaced)
                c->policies << p;
        }
    }

    QStringList apps, apis;
    if (!r.readStringList(root, "apps", QString(), &apps)
        || !r.readStringList(root, "apis", QString(), &apis))
        return done();
    for (const QString &a : std::as_const(apps))
        c->apps << absolute(c->baseDir, a);
    for (const QString &a : std::as_const(apis))
        c->apis << absolute(c->baseDir, a);

    // Ports: two enabled listeners cannot share one (0 = any free port is fine).
    const QList<QPair<const char *, const ListenerConfig *>> all = {
        {"ws", &c->ws}, {"wss", &c->wss}, {"https", &c->https}, {"http", &c->http}};
    for (int i = 0; i < all.size(); ++i) {
        for (int j = i + 1; j < all.size(); ++j) {
            const ListenerConfig *a = all[i].second;
            const ListenerConfig *b = all[j].second;
            if (a->enabled && b->enabled && a->port != 0 && a->port == b->port) {
                const QString field = QStringLiteral("listeners.") + QLatin1String(all[j].first);
                const YAML::Node at = listeners.IsMap() ? yamlChild(listeners, all[j].first) : root;
                {
                    r.fail(at.IsDefined() ? at : root, field + QStringLiteral(".port"),
                           QStringLiteral("port %1 is also the port of listeners.%2")
                               .arg(b->port)
                               .arg(QLatin1String(all[i].first)));
                    return done();
                }
            }
        }
    }
    return true;
}

} // namespace

bool parseDeploymentConfig(const QByteArray &text, const QString &fileName, DeploymentConfig *c,
                           QString *error)
{
    YamlReader r(fileName);
    if (!r.parse(text)) {
        *error = r.error();
        return false;
    }
    try {
        return parseConfig(r, fileName, c, error);
    } catch (const YAML::Exception &e) {
        r.fail(r.root(), QString(), QString::fromStdString(e.msg));
        *error = r.error();
        return false;
    }
}

bool loadDeploymentConfig(const QString &path, DeploymentConfig *config, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    return parseDeploymentConfig(f.readAll(), path, config, error);
}

} // namespace Rivulet::Gateway
