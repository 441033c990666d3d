#include "iocontext.h"

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
    static const QRegularExpression var(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)\\}"));
    if (!value.contains(QLatin1String("${"))) {
        *resolved = value;
        return true;
    }
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString out;
    qsizetype last = 0;
    auto it = var.globalMatch(value);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(1);
        QString replacement;
        if (m_overrides.contains(name))
            replacement = m_overrides.value(name);
        else if (env.contains(name))
            replacement = env.value(name);
        else if (m_variables.contains(name))
            replacement = m_variables.value(name);
        else {
            *error = QStringLiteral("template variable ${%1} is not set").arg(name);
            if (missing)
                *missing = name;
            return false;
        }
        out += value.mid(last, m.capturedStart() - last) + replacement;
        last = m.capturedEnd();
    }
    out += value.mid(last);
    *resolved = out;
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
