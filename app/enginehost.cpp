#include "enginehost.h"

#include <algorithm>

#include "engine/gateway/deploymentconfig.h"
#include "engine/gateway/gateway.h"
#include "engine/io/iocontext.h"
#include "engine/io/ioruntime.h"
#include "engine/runtime/appruntime.h"

#include "simulator/appsink.h"
#include "simulator/simulation.h"
#include "simulator/simulationconfig.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSet>
#include <QTimer>

namespace Rivulet::Studio {

using namespace Rivulet::Runtime;

// Lives on the engine thread: owns the I/O context and every running app.
class EngineWorker final : public QObject
{
    Q_OBJECT

public:
    struct Run
    {
        std::unique_ptr<AppRuntime> app;
        std::unique_ptr<Io::IoRuntime> io;
        std::unique_ptr<Simulator::AppSink> simSink;
        std::unique_ptr<Simulator::Simulation> simulation;
        QString path;
        // stream -> id -> last position, and whether something changed since the last report
        std::map<QString, std::map<QString, Position>> positions;
        bool positionsChanged = false;
        bool served = false; // listed by the deployment config: the gateway serves its streams
    };

    explicit EngineWorker(EngineHost *host)
        : m_host(host)
    {}
    ~EngineWorker() override { stopAll(); }

    void init()
    {
        m_context = std::make_unique<Io::IoContext>();
        m_context->logger = [this](LogLevel level, const QString &app, const QString &message) {
            Q_EMIT m_host->log(int(level), app, message);
        };
        auto *positions = new QTimer(this);
        positions->setInterval(500);
        connect(positions, &QTimer::timeout, this, &EngineWorker::reportPositions);
        positions->start();
        m_metrics = new QTimer(this);
        m_metrics->setInterval(1000);
        connect(m_metrics, &QTimer::timeout, this, &EngineWorker::reportMetrics);
        m_metrics->start();
    }

    void start(quint64 runId, const QString &path, const QByteArray &source,
               const QString &configPath)
    {
        loadConfig(configPath);
        Engine::Options options;
        options.clock = ClockMode::Wall;
        options.logger = m_context->logger;
        Engine engine(options);
        QList<Lang::Diagnostic> diagnostics;
        auto app = engine.createApp(source, path, &diagnostics);
        if (!app) {
            Q_EMIT m_host->failed(runId, path, QStringLiteral("the app has errors: see Problems"),
                                  diagnostics);
            return;
        }
        auto io = std::make_unique<Io::IoRuntime>(*app, *m_context);
        QList<Lang::Diagnostic> ioProblems;
        if (!io->build(&ioProblems)) {
            Q_EMIT m_host->failed(
                runId, path, QStringLiteral("the app's sources or sinks are wrong: see Problems"),
                ioProblems);
            return;
        }
        QString error;
        if (!io->start(&error)) {
            QString fix;
            if (error.contains(QLatin1String("already in use")))
                fix = QStringLiteral(" — stop the other program (or app) using that port, or "
                                     "change the port in the annotation");
            Q_EMIT m_host->failed(runId, path, error + fix, {});
            return;
        }
        RunInfo info;
        info.runId = runId;
        info.path = path;
        info.appName = app->name();
        const QSet<QString> targets = app->compiled().app->insertTargets();
        for (const Lang::Schema *s : app->compiled().model.schemas()) {
            if (s->kind != Lang::SchemaKind::Stream)
                continue;
            StreamInfo si;
            si.name = s->name;
            for (const auto &a : s->attributes) {
                si.attributes << a.name;
                si.types << Lang::typeName(a.type);
            }
            si.input = !targets.contains(s->name);
            info.streams << si;
        }
        for (const auto &s : io->sources())
            info.endpoints << Endpoint{QStringLiteral("source"), s->config().type,
                                       s->config().stream, s->endpoint()};
        for (const auto &s : io->sinks())
            info.endpoints << Endpoint{QStringLiteral("sink"), s->config().type, s->config().stream,
                                       s->endpoint()};
        auto run = std::make_unique<Run>();
        // Streams with latitude and longitude feed the map: keep the last position per id. When
        // the app derives such a stream from another (sensor readings -> checked locations), the
        // map shows the derived ones only, so each train appears once and as the app serves it.
        QList<const Lang::Schema *> located;
        for (const Lang::Schema *s : app->compiled().model.schemas()) {
            if (!s->isStreamLike())
                continue;
            const int lat = s->indexOf(QStringLiteral("latitude"));
            const int lon = s->indexOf(QStringLiteral("longitude"));
            if (lat >= 0 && lon >= 0 && Lang::isNumeric(s->attributes[lat].type)
                && Lang::isNumeric(s->attributes[lon].type))
                located << s;
        }
        if (std::any_of(located.cbegin(), located.cend(),
                        [&](const Lang::Schema *s) { return targets.contains(s->name); }))
            located.removeIf([&](const Lang::Schema *s) { return !targets.contains(s->name); });
        for (const Lang::Schema *s : std::as_const(located)) {
            const int lat = s->indexOf(QStringLiteral("latitude"));
            const int lon = s->indexOf(QStringLiteral("longitude"));
            int id = -1;
            for (const char *name : {"trainId", "id", "deviceId", "vehicleId", "name"}) {
                if (id < 0)
                    id = s->indexOf(QString::fromLatin1(name));
            }
            for (int i = 0; id < 0 && i < s->attributes.size(); ++i) {
                if (s->attributes[i].type == Lang::AttrType::String)
                    id = i;
            }
            Run *raw = run.get();
            const QString stream = s->name;
            app->addStreamCallback(stream, [raw, stream, lat, lon, id](const EventChunk &chunk) {
                for (const Event *e : chunk.events) {
                    if (e->isNull(lat) || e->isNull(lon))
                        continue;
                    Position p;
                    p.id = id >= 0 ? valueToString(e->layout->type(id), e->value(id), e->isNull(id))
                                   : QString();
                    p.latitude = toDouble(e->layout->type(lat), e->value(lat));
                    p.longitude = toDouble(e->layout->type(lon), e->value(lon));
                    raw->positions[stream][p.id] = p;
                    raw->positionsChanged = true;
                }
            });
        }
        run->app = std::move(app);
        run->io = std::move(io);
        run->path = path;
        run->served = servedByConfig(path);
        m_runs[runId] = std::move(run);
        Q_EMIT m_host->started(info);
        if (m_runs[runId]->served)
            restartGateway();
    }

    void stop(quint64 runId)
    {
        auto it = m_runs.find(runId);
        if (it == m_runs.end())
            return;
        Run &run = *it->second;
        // The gateway holds on to the apps it serves: it lets go first, and comes back on the
        // apps still running.
        const bool served = run.served && m_gateway;
        if (served)
            stopGateway();
        if (run.simulation)
            run.simulation->stop();
        run.simulation.reset();
        run.simSink.reset();
        run.io->stop();
        const QString path = run.path;
        m_runs.erase(it);
        Q_EMIT m_host->stopped(runId, path);
        if (served)
            restartGateway();
    }

    void stopAll()
    {
        stopGateway();
        std::vector<quint64> ids;
        for (const auto &[id, run] : m_runs)
            ids.push_back(id);
        for (quint64 id : ids)
            stop(id);
    }

    void sendEvent(quint64 runId, const QString &stream, qint64 timestamp,
                   const QVariantList &values)
    {
        Run *run = find(runId);
        if (!run)
            return;
        InputHandler *in = run->app->inputHandler(stream);
        if (!in) {
            Q_EMIT m_host->eventRejected(
                runId, QStringLiteral("the app has no input stream %1").arg(stream));
            return;
        }
        QString error;
        const qint64 ts = timestamp > 0 ? timestamp : QDateTime::currentMSecsSinceEpoch();
        if (!in->send(ts, values, &error))
            Q_EMIT m_host->eventRejected(runId, error);
        else
            Q_EMIT m_host->eventSent(runId, stream);
    }

    void startSimulation(quint64 runId, const QString &path, double rate)
    {
        Run *run = find(runId);
        if (!run)
            return;
        if (run->simulation)
            run->simulation->stop();
        Simulator::SimulationConfig config;
        QString error;
        if (!Simulator::SimulationConfig::load(path, &config, &error)) {
            Q_EMIT m_host->simulationFinished(
                runId,
                QStringLiteral("cannot start %1: %2").arg(QFileInfo(path).fileName(), error));
            return;
        }
        run->simSink = std::make_unique<Simulator::AppSink>(run->app.get());
        run->simulation = std::make_unique<Simulator::Simulation>();
        Simulator::Simulation::Options options;
        if (rate > 0)
            options.rate = rate;
        if (!run->simulation->prepare(config, run->simSink.get(), options, &error)) {
            Q_EMIT m_host->simulationFinished(
                runId,
                QStringLiteral("cannot start %1: %2").arg(QFileInfo(path).fileName(), error));
            run->simulation.reset();
            run->simSink.reset();
            return;
        }
        Simulator::Simulation *sim = run->simulation.get();
        connect(sim, &Simulator::Simulation::progress, this,
                [this, runId, sim](qint64 sent, double perSecond) {
                    Q_EMIT m_host->simulationProgress(runId, sent, perSecond,
                                                      stateName(sim->state()));
                });
        connect(sim, &Simulator::Simulation::stateChanged, this,
                [this, runId, sim](Simulator::Simulation::State) {
                    Q_EMIT m_host->simulationProgress(runId, sim->sent(), sim->rate(),
                                                      stateName(sim->state()));
                });
        connect(sim, &Simulator::Simulation::warning, this, [this, run](const QString &message) {
            Q_EMIT m_host->log(int(LogLevel::Warn), run->app->name(),
                               QStringLiteral("simulation: ") + message);
        });
        connect(sim, &Simulator::Simulation::finished, this, [this, runId, sim] {
            Q_EMIT m_host->simulationFinished(runId, QStringLiteral("%1 events sent (%2)")
                                                         .arg(sim->sent())
                                                         .arg(stateName(sim->state())));
        });
        sim->start();
    }

    void pauseSimulation(quint64 runId)
    {
        if (Run *run = find(runId); run && run->simulation)
            run->simulation->pause();
    }
    void resumeSimulation(quint64 runId)
    {
        if (Run *run = find(runId); run && run->simulation)
            run->simulation->resume();
    }
    void stopSimulation(quint64 runId)
    {
        if (Run *run = find(runId); run && run->simulation)
            run->simulation->stop();
    }

private:
    // Reads the workspace's deployment config again (it may have been edited since): its
    // variables apply to the app about to start; a broken one is reported and ignored.
    void loadConfig(const QString &path)
    {
        m_configPath = path;
        m_configOk = false;
        if (!path.isEmpty() && QFileInfo::exists(path)) {
            Gateway::DeploymentConfig config;
            QString error;
            if (Gateway::loadDeploymentConfig(path, &config, &error)) {
                m_config = config;
                m_configOk = true;
            } else {
                Q_EMIT m_host->log(
                    int(LogLevel::Error), QStringLiteral("gateway"),
                    QStringLiteral("%1 (the apps run without the gateway)").arg(error));
            }
        }
        m_context->setVariables(m_configOk ? m_config.variables : QHash<QString, QString>());
    }

    bool servedByConfig(const QString &appPath) const
    {
        if (!m_configOk)
            return false;
        const QFileInfo app(appPath);
        for (const QString &listed : m_config.apps) {
            const QFileInfo l(listed);
            if (l.canonicalFilePath() == app.canonicalFilePath() || l.fileName() == app.fileName())
                return true;
        }
        return false;
    }

    void stopGateway()
    {
        if (!m_gateway)
            return;
        m_gateway->stop();
        m_gateway.reset();
        Q_EMIT m_host->gatewayStopped();
    }

    // (Re)starts the gateway on every running app the config lists.
    void restartGateway()
    {
        stopGateway();
        std::vector<AppRuntime *> apps;
        for (const auto &[id, run] : m_runs) {
            if (run->served)
                apps.push_back(run->app.get());
        }
        if (apps.empty() || !m_configOk)
            return;
        auto gateway = std::make_unique<Gateway::Gateway>(m_config, *m_context);
        QString error;
        if (!gateway->start(apps, &error)) {
            if (error.contains(QLatin1String("in use")))
                error += QStringLiteral(" — stop the other program using it, or change the port "
                                        "under listeners: in %1")
                             .arg(QFileInfo(m_configPath).fileName());
            Q_EMIT m_host->log(
                int(LogLevel::Error), QStringLiteral("gateway"),
                QStringLiteral("did not start: %1 (the apps keep running)").arg(error));
            Q_EMIT m_host->gatewayFailed(error);
            return;
        }
        GatewayInfo info;
        info.configPath = m_configPath;
        info.wsPort = gateway->wsPort();
        info.httpPort = gateway->httpPort();
        info.httpsPort = gateway->httpsPort();
        for (const auto &t : gateway->servedTopics()) {
            if (info.wsPort)
                info.topics << GatewayTopic{t.api, t.tenant, t.basePath,
                                            QStringLiteral("ws://localhost:%1%2/%3")
                                                .arg(info.wsPort)
                                                .arg(t.basePath, t.topic)};
        }
        for (const Gateway::TenantConfig &t : std::as_const(m_config.tenants)) {
            for (const Gateway::UserConfig &u : t.users)
                info.users[t.domain] << u.name;
        }
        m_gateway = std::move(gateway);
        Q_EMIT m_host->gatewayStarted(info);
    }

    static QString stateName(Simulator::Simulation::State s)
    {
        using S = Simulator::Simulation::State;
        switch (s) {
        case S::Idle:
            return QStringLiteral("idle");
        case S::Ready:
            return QStringLiteral("ready");
        case S::Running:
            return QStringLiteral("running");
        case S::Paused:
            return QStringLiteral("paused");
        case S::Finishing:
            return QStringLiteral("finishing");
        case S::Finished:
            return QStringLiteral("finished");
        case S::Stopped:
            return QStringLiteral("stopped");
        case S::Failed:
            return QStringLiteral("failed");
        }
        return {};
    }

    Run *find(quint64 runId)
    {
        auto it = m_runs.find(runId);
        return it == m_runs.end() ? nullptr : it->second.get();
    }

    void reportPositions()
    {
        for (const auto &[id, run] : m_runs) {
            std::lock_guard<std::recursive_mutex> lock(run->app->mutex());
            if (!run->positionsChanged)
                continue;
            run->positionsChanged = false;
            for (const auto &[stream, byId] : run->positions) {
                QVector<Position> list;
                for (const auto &[key, p] : byId)
                    list.push_back(p);
                Q_EMIT m_host->positions(id, stream, list);
            }
        }
    }

    void reportMetrics()
    {
        for (const auto &[id, run] : m_runs) {
            QHash<QString, qint64> streams;
            for (const QString &s : run->app->streams()) {
                if (StreamJunction *j = run->app->junction(s))
                    streams.insert(s, j->eventCount());
            }
            QHash<QString, qint64> sinks;
            for (const auto &sink : run->io->sinks())
                sinks[sink->config().stream + u' ' + sink->config().type] += sink->published();
            Q_EMIT m_host->metrics(id, streams, sinks, run->app->context().errors.load());
        }
    }

    EngineHost *m_host;
    std::unique_ptr<Io::IoContext> m_context;
    std::map<quint64, std::unique_ptr<Run>> m_runs;
    QTimer *m_metrics = nullptr;
    QString m_configPath;
    bool m_configOk = false;
    Gateway::DeploymentConfig m_config;
    std::unique_ptr<Gateway::Gateway> m_gateway;
};

EngineHost::EngineHost(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<RunInfo>();
    qRegisterMetaType<QList<Lang::Diagnostic>>();
    qRegisterMetaType<QHash<QString, qint64>>();
    qRegisterMetaType<QVector<Position>>();
    qRegisterMetaType<GatewayInfo>();
    m_thread.setObjectName(QStringLiteral("rivulet-engine"));
    m_worker = new EngineWorker(this);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->init(); }, Qt::BlockingQueuedConnection);
    connect(this, &EngineHost::started, this,
            [this](const RunInfo &run) { m_runs.insert(run.runId, run); });
    connect(this, &EngineHost::stopped, this,
            [this](quint64 runId, const QString &) { m_runs.remove(runId); });
    connect(this, &EngineHost::gatewayStarted, this,
            [this](const GatewayInfo &gateway) { m_gateway = gateway; });
    connect(this, &EngineHost::gatewayStopped, this, [this] { m_gateway = {}; });
}

EngineHost::~EngineHost()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->stopAll(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

quint64 EngineHost::start(const QString &path, const QByteArray &source)
{
    const quint64 id = m_nextRun++;
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, id, path, source, config = m_configPath] {
            w->start(id, path, source, config);
        },
        Qt::QueuedConnection);
    return id;
}

void EngineHost::stop(quint64 runId)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, runId] { w->stop(runId); }, Qt::QueuedConnection);
}

void EngineHost::stopAll()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->stopAll(); }, Qt::BlockingQueuedConnection);
}

quint64 EngineHost::runOf(const QString &path) const
{
    for (const RunInfo &r : m_runs) {
        if (r.path == path)
            return r.runId;
    }
    return 0;
}

void EngineHost::sendEvent(quint64 runId, const QString &stream, qint64 timestamp,
                           const QVariantList &values)
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, runId, stream, timestamp, values] {
            w->sendEvent(runId, stream, timestamp, values);
        },
        Qt::QueuedConnection);
}

void EngineHost::startSimulation(quint64 runId, const QString &simulationPath, double rate)
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, runId, simulationPath, rate] {
            w->startSimulation(runId, simulationPath, rate);
        },
        Qt::QueuedConnection);
}

void EngineHost::pauseSimulation(quint64 runId)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, runId] { w->pauseSimulation(runId); }, Qt::QueuedConnection);
}

void EngineHost::resumeSimulation(quint64 runId)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, runId] { w->resumeSimulation(runId); }, Qt::QueuedConnection);
}

void EngineHost::stopSimulation(quint64 runId)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, runId] { w->stopSimulation(runId); }, Qt::QueuedConnection);
}

} // namespace Rivulet::Studio

#include "enginehost.moc"
