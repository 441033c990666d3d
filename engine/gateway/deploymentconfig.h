#pragma once

#include "policy.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Rivulet::Gateway {

// The super tenant's domain (WSO2's name): its APIs live at /{context}/{version}/{topic}.
inline constexpr char kSuperTenant[] = "carbon.super";

struct ListenerConfig
{
    bool enabled = true;
    QString host;
    quint16 port = 0;
};

struct UserConfig
{
    QString name;            // bob@quantis.com (super tenant: admin)
    QByteArray passwordHash; // crypto_pwhash string, never a password
    QStringList roles;
};

struct TenantConfig
{
    QString domain;
    QList<UserConfig> users;
};

// `rivulet run --config rivulet.yaml`: everything the gateway needs besides the apps' own
// annotations. Every field has a default (a config may be empty); docs/gateway.md lists them.
struct DeploymentConfig
{
    QString file;    // the config file ("" when defaults only)
    QString baseDir; // relative paths in the file are relative to its folder

    QHash<QString, QString> variables; // ${VAR} values for apps (the environment wins)

    ListenerConfig ws{true, QStringLiteral("0.0.0.0"), 9099};
    ListenerConfig wss{true, QStringLiteral("0.0.0.0"), 8099};
    ListenerConfig https{true, QStringLiteral("0.0.0.0"), 9443};
    ListenerConfig http{true, QStringLiteral("localhost"), 9763};
    QString publicHost = QStringLiteral("localhost"); // host in the URLs the REST API shows

    QString certificate; // PEM; both empty: a self-signed pair under dataDir/tls
    QString privateKey;

    QString dataDir;      // default $XDG_DATA_HOME/rivulet (~/.local/share/rivulet)
    QString keyStorePath; // default dataDir/keystore.db

    qint64 tokenLifetime = 3600;      // seconds
    qint64 tokenMaxLifetime = 604800; // the longest validity a developer may choose (seconds)
    qint64 handshakeTimeoutMs = 5000;
    qint64 maxHeaderBytes = 8192;
    qint64 sendQueueSize = 1024;
    bool dropOldestWhenSlow = false; // slow clients: closed (default) or oldest frames dropped
    qint64 idleTimeoutMs = -1;
    qint64 counterFlushMs = 1000; // how often quota and usage counters reach the key store

    // The developer portal (/devportal/) and its sessions.
    bool portalEnabled = true;
    qint64 sessionLifetime = 8 * 3600;   // seconds from sign-in
    qint64 sessionIdleTimeout = 30 * 60; // seconds without a request
    // Password sign-ins (the portal, HTTP Basic, the password grant): failures counted within
    // signInWindow; a user past signInMaxFailures is locked, an address past
    // signInMaxAddressFailures is refused, for signInLockout.
    qint64 signInMaxFailures = 5;
    qint64 signInMaxAddressFailures = 20;
    qint64 signInWindow = 15 * 60;  // seconds
    qint64 signInLockout = 15 * 60; // seconds

    QList<TenantConfig> tenants;
    QList<ThrottlePolicy> policies; // the defaults, then the file's (a same name replaces)
    QStringList apps;               // .siddhi files to run
    QStringList apis;               // AsyncAPI documents to serve

    static QString defaultDataDir();
    QString effectiveKeyStorePath() const;
    const ThrottlePolicy *policy(const QString &name) const;
    // The tenant of a user name: the part after the last '@', or the super tenant.
    static QString tenantOfUser(const QString &user);
};

// Reads and checks a config. On error returns false with "file:line: field: message".
bool loadDeploymentConfig(const QString &path, DeploymentConfig *config, QString *error);
bool parseDeploymentConfig(const QByteArray &text, const QString &fileName,
                           DeploymentConfig *config, QString *error);

} // namespace Rivulet::Gateway
