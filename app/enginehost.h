#pragma once

#include "engine/lang/diagnostic.h"
#include "engine/runtime/appcontext.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThread>
#include <QVariantList>
#include <QVector>

#include <memory>

namespace Rivulet::Studio {

// What the studio knows of a stream of a running app (for the simulator's forms, the live
// output's proposals and the metrics).
struct StreamInfo
{
    QString name;
    QStringList attributes;
    QStringList types;
    bool input = false; // a stream queries read but never insert into
};

// An endpoint a running app serves: a websocket-server sink or an http/websocket source.
struct Endpoint
{
    QString kind; // "source" or "sink"
    QString type; // websocket-server, http...
    QString stream;
    QString url;
};

// The last reported position of one moving thing (a train), for the map.
struct Position
{
    QString id;
    double latitude = 0;
    double longitude = 0;
};

struct RunInfo
{
    quint64 runId = 0;
    QString path;
    QString appName;
    QList<StreamInfo> streams;
    QList<Endpoint> endpoints;
};

// The API gateway the studio runs beside the apps a workspace's deployment config lists.
struct GatewayTopic
{
    QString api;      // TrainRealLocationAPI:1.0.0
    QString tenant;   // quantis.com
    QString basePath; // /t/quantis.com/train/location/1.0.0
    QString url; // ws://localhost:9099/t/quantis.com/train/location/1.0.0/loc-train-qnt-{trainId}
};

struct GatewayInfo
{
    QString configPath;
    quint16 wsPort = 0;
    quint16 httpPort = 0; // the token endpoint and REST API without TLS (local development)
    quint16 httpsPort = 0;
    QList<GatewayTopic> topics;
    QHash<QString, QStringList> users; // tenant -> user names of the config
};

class EngineWorker;

// Runs apps in-process on a worker thread of their own, with their real sources, sinks and
// timers; the studio's windows talk to it by signals only. Several apps may run at once.
class EngineHost final : public QObject
{
    Q_OBJECT

public:
    explicit EngineHost(QObject *parent = nullptr);
    ~EngineHost() override;

    // Validates and starts the app; answers with started() or failed(). Returns the run id.
    quint64 start(const QString &path, const QByteArray &source);
    // The workspace's deployment config (rivulet.yaml; empty: none). Read again at every start:
    // its variables apply to every app, and the apps it lists run with its API gateway.
    void setDeploymentConfig(const QString &path) { m_configPath = path; }
    QString deploymentConfig() const { return m_configPath; }
    bool gatewayRunning() const { return m_gateway.wsPort || m_gateway.httpPort; }
    GatewayInfo gateway() const { return m_gateway; }
    void stop(quint64 runId);
    void stopAll();
    bool isRunning(quint64 runId) const { return m_runs.contains(runId); }
    QList<RunInfo> runs() const { return m_runs.values(); }
    RunInfo run(quint64 runId) const { return m_runs.value(runId); }
    // The run of a file, or 0.
    quint64 runOf(const QString &path) const;

    // Sends one event (checked against the schema; errors come back as eventRejected()).
    void sendEvent(quint64 runId, const QString &stream, qint64 timestamp,
                   const QVariantList &values);
    // Starts a feed simulation (SI/Rivulet JSON) into a running app; progress comes back as
    // simulationProgress(), the end as simulationFinished().
    void startSimulation(quint64 runId, const QString &simulationPath, double rate);
    void pauseSimulation(quint64 runId);
    void resumeSimulation(quint64 runId);
    void stopSimulation(quint64 runId);

Q_SIGNALS:
    void started(const Rivulet::Studio::RunInfo &run);
    void failed(quint64 runId, const QString &path, const QString &message,
                const QList<Rivulet::Lang::Diagnostic> &diagnostics);
    void stopped(quint64 runId, const QString &path);
    void log(int level, const QString &app, const QString &message);
    void eventRejected(quint64 runId, const QString &message);
    void eventSent(quint64 runId, const QString &stream);
    // Once a second per run: events so far per stream and published per sink stream.
    void metrics(quint64 runId, const QHash<QString, qint64> &streamEvents,
                 const QHash<QString, qint64> &sinkEvents, qint64 errors);
    // Twice a second: the latest positions seen on streams with latitude and longitude.
    void positions(quint64 runId, const QString &stream,
                   const QVector<Rivulet::Studio::Position> &positions);
    void simulationProgress(quint64 runId, qint64 sent, double eventsPerSecond,
                            const QString &state);
    void simulationFinished(quint64 runId, const QString &summary);
    // The gateway started (again) on the running apps the deployment config lists, or stopped.
    void gatewayStarted(const Rivulet::Studio::GatewayInfo &gateway);
    void gatewayStopped();
    void gatewayFailed(const QString &message);

private:
    QThread m_thread;
    EngineWorker *m_worker = nullptr;
    QHash<quint64, RunInfo> m_runs;
    quint64 m_nextRun = 1;
    QString m_configPath;
    GatewayInfo m_gateway;
};

} // namespace Rivulet::Studio

Q_DECLARE_METATYPE(Rivulet::Studio::RunInfo)
Q_DECLARE_METATYPE(Rivulet::Studio::Position)
Q_DECLARE_METATYPE(Rivulet::Studio::GatewayInfo)
