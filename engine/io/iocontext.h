#pragma once

#include "engine/runtime/appcontext.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>

namespace Rivulet::Io {

class HttpListener;
class InMemoryBroker;
class WsServer;
struct WsServerOptions;

// What the apps of one process share for I/O: template variables, HTTP listeners and
// WebSocket servers by port (so several streams can use one port), the in-memory broker,
// users for basic authentication, and the log. Lives in the thread that runs the Qt event
// loop (Qt-based transports use it); not a global: `rivulet run` and the studio each make one.
class IoContext : public QObject
{
    Q_OBJECT

public:
    explicit IoContext(QObject *parent = nullptr);
    ~IoContext() override;

    // ${VAR} values: the deployment config's variables, overridden by the environment, which
    // the command line's (`rivulet run --var NAME=VALUE`) override in turn.
    void setVariables(const QHash<QString, QString> &variables) { m_variables = variables; }
    void setOverrides(const QHash<QString, QString> &variables) { m_overrides = variables; }
    // Replaces every ${VAR} in value; false with an error naming the first unknown variable
    // (its name also in *missing when given).
    bool resolve(const QString &value, QString *resolved, QString *error,
                 QString *missing = nullptr) const;

    // The HTTP listener on host:port, shared by every http source on it.
    HttpListener *httpListener(const QString &host, quint16 port, QString *error);
    // A WebSocket server on host:port owned by one transport (a port serves one stream).
    std::shared_ptr<WsServer> wsServer(const WsServerOptions &options, const QString &owner,
                                       QString *error);
    void releaseWsServer(quint16 port);

    InMemoryBroker &broker();

    // Checks HTTP Basic credentials (set from the deployment's users); false when none are set.
    std::function<bool(const QString &user, const QString &password)> basicAuth;

    Runtime::AppContext::Logger logger;
    void log(Runtime::LogLevel level, const QString &app, const QString &message) const;

private:
    QHash<QString, QString> m_variables;
    QHash<QString, QString> m_overrides;
    QHash<QString, HttpListener *> m_http; // "host:port"
    QHash<quint16, std::weak_ptr<WsServer>> m_ws;
    QHash<quint16, QString> m_wsOwners;
    std::unique_ptr<InMemoryBroker> m_broker;
    mutable std::mutex m_mutex;
};

} // namespace Rivulet::Io
