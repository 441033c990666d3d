#include "apphost.h"

#include "engine/io/iocontext.h"
#include "engine/io/ioruntime.h"
#include "engine/runtime/appruntime.h"

#include <QCryptographicHash>
#include <QJsonObject>

namespace Rivulet::Deploy {

AppHost::Candidate::~Candidate()
{
    io.reset(); // the transports before the app they feed
}

AppHost::AppHost(Runtime::Engine &engine, Io::IoContext &context, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_context(context)
{}

AppHost::~AppHost()
{
    stop(QStringLiteral("shutdown"));
}

std::unique_ptr<AppHost::Candidate> AppHost::prepare(const QByteArray &source, const QString &file,
                                                     QList<Lang::Diagnostic> *diagnostics)
{
    auto c = std::make_unique<Candidate>();
    c->file = file;
    c->source = source;
    c->app = m_engine.createApp(source, file, diagnostics);
    if (!c->app)
        return nullptr;
    c->name = c->app->name();
    c->io = std::make_unique<Io::IoRuntime>(*c->app, m_context);
    if (!c->io->build(diagnostics))
        return nullptr;
    return c;
}

void AppHost::add(std::unique_ptr<Candidate> candidate)
{
    m_apps.push_back(std::move(candidate));
}

bool AppHost::startOne(Candidate &c, QString *error)
{
    if (!c.io->start(error))
        return false;
    QStringList endpoints;
    for (const auto &s : c.io->sources())
        endpoints << QStringLiteral("%1 source %2").arg(s->config().type, s->endpoint());
    for (const auto &s : c.io->sinks())
        endpoints << QStringLiteral("%1 sink %2").arg(s->config().type, s->endpoint());
    m_context.log(
        Runtime::LogLevel::Info, c.name,
        QStringLiteral("started from %1%2")
            .arg(c.file, endpoints.isEmpty()
                             ? QString()
                             : QStringLiteral("; ") + endpoints.join(QStringLiteral("; "))));
    Q_EMIT appStarted(c.name);
    return true;
}

void AppHost::stopOne(Candidate &c, const QString &reason)
{
    Q_EMIT appStopping(c.name);
    c.io->stop();
    m_context.log(Runtime::LogLevel::Info, c.name, QStringLiteral("stopped (%1)").arg(reason));
}

bool AppHost::start(QString *error)
{
    for (size_t i = 0; i < m_apps.size(); ++i) {
        if (!startOne(*m_apps[i], error)) {
            for (size_t j = 0; j < i; ++j)
                stopOne(*m_apps[j], QStringLiteral("another app failed to start"));
            return false;
        }
    }
    m_started = true;
    return true;
}

void AppHost::stop(const QString &reason)
{
    if (!m_started)
        return;
    for (auto &c : m_apps)
        stopOne(*c, reason);
    m_started = false;
}

QList<AppHost::SwapResult> AppHost::swap(std::vector<std::unique_ptr<Candidate>> candidates)
{
    Q_EMIT aboutToSwap();
    QList<SwapResult> results;
    for (auto &candidate : candidates) {
        SwapResult r;
        r.name = candidate->name;
        auto it = std::find_if(m_apps.begin(), m_apps.end(),
                               [&](const auto &c) { return c->name == candidate->name; });
        if (it == m_apps.end()) {
            QString error;
            if (startOne(*candidate, &error)) {
                r.state = QStringLiteral("started");
                m_apps.push_back(std::move(candidate));
            } else {
                r.state = QStringLiteral("failed");
                r.error = error;
            }
            results << r;
            continue;
        }
        // Stop the old version (its ports are needed), start the new one; if it cannot
        // start, bring the old one back from its source.
        std::unique_ptr<Candidate> old = std::move(*it);
        m_apps.erase(it);
        stopOne(*old, QStringLiteral("replaced by a new version"));
        QString error;
        if (startOne(*candidate, &error)) {
            r.state = QStringLiteral("replaced");
            m_apps.push_back(std::move(candidate));
            results << r;
            continue;
        }
        r.error = error;
        candidate.reset();
        const QByteArray source = old->source;
        const QString file = old->file;
        old.reset();
        QList<Lang::Diagnostic> diagnostics;
        auto again = prepare(source, file, &diagnostics);
        QString againError;
        if (again && startOne(*again, &againError)) {
            r.state = QStringLiteral("kept");
            m_apps.push_back(std::move(again));
        } else {
            r.state = QStringLiteral("failed");
            r.error +=
                QStringLiteral("; the previous version could not restart: %1").arg(againError);
        }
        m_context.log(Runtime::LogLevel::Error, r.name,
                      QStringLiteral("the new version did not start (%1): %2")
                          .arg(r.error, r.state == QLatin1String("kept")
                                            ? QStringLiteral("the previous version serves again")
                                            : QStringLiteral("nothing serves it now")));
        results << r;
    }
    m_started = true;
    Q_EMIT swapped();
    return results;
}

bool AppHost::remove(const QString &name, QString *error)
{
    auto it =
        std::find_if(m_apps.begin(), m_apps.end(), [&](const auto &c) { return c->name == name; });
    if (it == m_apps.end()) {
        *error = QStringLiteral("no app named %1 runs here").arg(name);
        return false;
    }
    Q_EMIT aboutToSwap();
    stopOne(**it, QStringLiteral("removed"));
    m_apps.erase(it);
    Q_EMIT swapped();
    return true;
}

QStringList AppHost::names() const
{
    QStringList out;
    for (const auto &c : m_apps)
        out << c->name;
    return out;
}

std::vector<Runtime::AppRuntime *> AppHost::runtimes() const
{
    std::vector<Runtime::AppRuntime *> out;
    for (const auto &c : m_apps)
        out.push_back(c->app.get());
    return out;
}

Runtime::AppRuntime *AppHost::app(const QString &name) const
{
    for (const auto &c : m_apps) {
        if (c->name == name)
            return c->app.get();
    }
    return nullptr;
}

QJsonArray AppHost::describe() const
{
    QJsonArray out;
    for (const auto &c : m_apps) {
        QJsonArray endpoints;
        for (const auto &s : c->io->sources())
            endpoints.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("source")},
                                         {QStringLiteral("type"), s->config().type},
                                         {QStringLiteral("stream"), s->config().stream},
                                         {QStringLiteral("endpoint"), s->endpoint()}});
        for (const auto &s : c->io->sinks())
            endpoints.append(QJsonObject{{QStringLiteral("kind"), QStringLiteral("sink")},
                                         {QStringLiteral("type"), s->config().type},
                                         {QStringLiteral("stream"), s->config().stream},
                                         {QStringLiteral("endpoint"), s->endpoint()}});
        out.append(QJsonObject{
            {QStringLiteral("name"), c->name},
            {QStringLiteral("file"), c->file},
            {QStringLiteral("state"), QStringLiteral("running")},
            {QStringLiteral("sha256"),
             QString::fromLatin1(
                 QCryptographicHash::hash(c->source, QCryptographicHash::Sha256).toHex())},
            {QStringLiteral("endpoints"), endpoints}});
    }
    return out;
}

} // namespace Rivulet::Deploy
