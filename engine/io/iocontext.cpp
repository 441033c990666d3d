#include "iocontext.h"

#include "engine/lang/templatevalues.h"

#include "httplistener.h"
#include "inmemorybroker.h"
#include "wsserver.h"

#include <QProcessEnvironment>
#include <QRegularExpression>

#include <cstdio>

namespace Rivulet::Io {

IoContext::IoContext(QObject *parent)
    : QObject(parent)
    , m_broker(std::make_unique<InMemoryBroker>())
{}

IoContext::~IoContext() = default;

bool IoContext::resolve(const QString &value, QString *resolved, QString *error,
                        QString *missing) const
{
    // --var wins over the environment, which wins over the deployment config's variables.
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString name;
    const std::optional<QString> out = Lang::resolveTemplate(
        value,
        [&](const QString &n) -> std::optional<QString> {
            if (m_overrides.contains(n))
                return m_overrides.value(n);
            if (env.contains(n))
                return env.value(n);
            if (m_variables.contains(n))
                return m_variables.value(n);
            return std::nullopt;
        },
        &name);
    if (!out) {
        *error = QStringLiteral("template variable ${%1} is not set").arg(name);
        if (missing)
            *missing = name;
        return false;
    }
    *resolved = *out;
    return true;
}

HttpListener *IoContext::httpListener(const QString &host, quint16 port, QString *error)
{
    const QString key = host + u':' + QString::number(port);
    if (HttpListener *l = m_http.value(key))
        return l;
    // Another host on the same port conflicts.
    for (auto it = m_http.cbegin(); it != m_http.cend(); ++it) {
        if (it.value()->port() == port) {
            *error = QStringLiteral("port %1 is already served on host %2")
                         .arg(port)
                         .arg(it.value()->host());
            return nullptr;
        }
    }
    auto *listener = new HttpListener(this);
    if (!listener->listenOn(host, port, error)) {
        delete listener;
        return nullptr;
    }
    m_http.insert(key, listener);
    return listener;
}

std::shared_ptr<WsServer> IoContext::wsServer(const WsServerOptions &options, const QString &owner,
                                              QString *error)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto existing = m_ws.value(options.port).lock()) {
        *error = QStringLiteral("port %1 is already used by %2")
                     .arg(options.port)
                     .arg(m_wsOwners.value(options.port));
        return nullptr;
    }
    auto server = std::make_shared<WsServer>(options);
    if (!server->start(error))
        return nullptr;
    m_ws.insert(server->port(), server);
    m_wsOwners.insert(server->port(), owner);
    return server;
}

void IoContext::releaseWsServer(quint16 port)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_ws.remove(port);
    m_wsOwners.remove(port);
}

InMemoryBroker &IoContext::broker()
{
    return *m_broker;
}

void IoContext::log(Runtime::LogLevel level, const QString &app, const QString &message) const
{
    if (logger) {
        logger(level, app, message);
        return;
    }
    std::fprintf(stderr, "[%s] %s: %s\n", qPrintable(Runtime::logLevelName(level)), qPrintable(app),
                 qPrintable(message));
}

} // namespace Rivulet::Io
