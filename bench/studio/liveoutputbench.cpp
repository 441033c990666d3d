// The studio's live output under load: an app run by the studio's EngineHost sends
// --rate events/s (default 50,000) to its websocket-server sink, the whole StudioWindow is up
// (editor, metrics charts, map) and its Live output dock is subscribed. Measures what a user
// feels: events received per second by the dock, how many it shows and how many it counts as
// skipped, and how long the UI thread is ever busy (gaps between 5 ms timer ticks; a frozen
// window would show gaps of seconds).
//
// The peer in the same run: a bare QWebSocket client on its own thread counting messages (the
// ceiling of what any client in this process could receive).
//
//   liveoutputbench [--rate N] [--seconds S]     (run under xvfb-run -a, or with
//                                                 QT_QPA_PLATFORM=offscreen)
#include "app/enginehost.h"
#include "app/liveoutputdock.h"
#include "app/studiowindow.h"
#include "app/document.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSettings>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTabWidget>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <vector>

using namespace Rivulet::Studio;

namespace {

quint16 freePort()
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 0;
}

// A plain client: counts messages on its own thread.
class Counter final : public QObject
{
public:
    std::atomic<qint64> received{0};
    void open(const QUrl &url)
    {
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::textMessageReceived, this,
                [this](const QString &) { received.fetch_add(1, std::memory_order_relaxed); });
        m_socket->open(url);
    }

private:
    QWebSocket *m_socket = nullptr;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    double rate = 50000;
    int seconds = 10;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--rate"))
            rate = args[++i].toDouble();
        else if (args[i] == QLatin1String("--seconds"))
            seconds = args[++i].toInt();
    }

    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("studio.ini")), QSettings::IniFormat);
    StudioWindow window(&settings);
    window.setWorkspace(dir.filePath(QStringLiteral("workspace")));
    window.show();

    const quint16 port = freePort();
    const QString appPath = QDir(window.workspace()).filePath(QStringLiteral("Load.siddhi"));
    QFile appFile(appPath);
    if (!appFile.open(QIODevice::WriteOnly))
        return 1;
    appFile.write(
        QStringLiteral("@App:name('Load')\n"
                       "define stream TrainSensorStream (trainId string, latitude double, "
                       "longitude double, speed double, timestamp long);\n"
                       "@sink(type='websocket-server', host='localhost', port='%1', "
                       "@map(type='json'))\n"
                       "define stream TrainLocationStream (trainId string, latitude double, "
                       "longitude double, speed double, timestamp long);\n"
                       "from TrainSensorStream select * insert into TrainLocationStream;\n")
            .arg(port)
            .toUtf8());
    appFile.close();
    const QString simPath = QDir(window.workspace()).filePath(QStringLiteral("Load.sim.json"));
    QFile sim(simPath);
    if (!sim.open(QIODevice::WriteOnly))
        return 1;
    sim.write(
        QStringLiteral(R"({"properties": {"simulationName": "Load", "noOfEvents": %1, "rate": %2},
 "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION", "streamName": "TrainSensorStream",
   "siddhiAppName": "Load", "trains": 50, "reportInterval": 1000,
   "route": [[6.93370, 79.85020], [7.33400, 80.29940]]}]})")
            .arg(qint64(rate * seconds))
            .arg(rate)
            .toUtf8());
    sim.close();

    QThread counterThread;
    Counter counter;
    counter.moveToThread(&counterThread);
    counterThread.start();

    // The UI thread's heartbeat: a 5 ms timer; any longer gap is time the UI was busy.
    std::vector<double> gaps;
    QElapsedTimer beat;
    QTimer heartbeat;
    heartbeat.setInterval(5);
    heartbeat.setTimerType(Qt::PreciseTimer);
    bool measuring = false;
    QObject::connect(&heartbeat, &QTimer::timeout, &app, [&] {
        if (measuring)
            gaps.push_back(double(beat.nsecsElapsed()) / 1e6);
        beat.restart();
    });

    QElapsedTimer wall;
    qint64 dockAtStart = 0, counterAtStart = 0;
    double sendSeconds = 0;
    QObject::connect(window.engine(), &EngineHost::started, &app, [&](const RunInfo &run) {
        QMetaObject::invokeMethod(
            &counter, [&] { counter.open(QUrl(QStringLiteral("ws://localhost:%1/").arg(port))); });
        // Let both clients connect, then feed.
        QTimer::singleShot(500, &app, [&, runId = run.runId] {
            std::fprintf(stderr, "liveoutputbench: live output connected: %s\n",
                         window.liveOutput()->isConnected() ? "yes" : "no");
            dockAtStart = window.liveOutput()->received();
            counterAtStart = counter.received.load();
            window.engine()->startSimulation(runId, simPath, rate);
            wall.start();
            beat.start();
            measuring = true;
            heartbeat.start();
        });
    });
    QObject::connect(window.engine(), &EngineHost::failed, &app,
                     [](quint64, const QString &, const QString &message) {
                         std::fprintf(stderr, "liveoutputbench: the app failed: %s\n",
                                      qPrintable(message));
                         QCoreApplication::exit(1);
                     });
    QObject::connect(
        window.engine(), &EngineHost::simulationFinished, &app,
        [&](quint64, const QString &summary) {
            std::fprintf(stderr, "liveoutputbench: %s\n", qPrintable(summary));
            sendSeconds = double(wall.elapsed()) / 1000.0;
            // Let the last batches arrive.
            QTimer::singleShot(1000, &app, [&] {
                measuring = false;
                // Rates over the sending time; the second after it only lets the
                // last batches arrive.
                const double s = sendSeconds;
                const qint64 dock = window.liveOutput()->received() - dockAtStart;
                const qint64 peer = counter.received.load() - counterAtStart;
                std::printf(
                    "offered            %10.0f events/s for %d s (%lld events, sent in %.2f s)\n",
                    rate, seconds, static_cast<long long>(rate * seconds), s);
                std::printf("live output dock   %10.0f events/s received (%lld), "
                            "%lld skipped in the view, %d rows kept\n",
                            double(dock) / s, static_cast<long long>(dock),
                            static_cast<long long>(window.liveOutput()->skipped()),
                            window.liveOutput()->model()->rowCount());
                std::printf("bare client (peer) %10.0f events/s received (%lld)\n",
                            double(peer) / s, static_cast<long long>(peer));
                std::printf("UI thread gaps     p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                            "(5 ms timer, %zu ticks)\n",
                            percentile(gaps, 0.5), percentile(gaps, 0.99),
                            gaps.empty() ? 0.0 : *std::max_element(gaps.begin(), gaps.end()),
                            gaps.size());
                QCoreApplication::exit(0);
            });
        });
    Document *doc = window.openFile(appPath);
    if (!doc) {
        std::fprintf(stderr, "liveoutputbench: cannot open %s\n", qPrintable(appPath));
        return 1;
    }
    window.tabs()->setCurrentWidget(doc);
    window.runCurrent();
    if (!window.runOf(doc)) {
        std::fprintf(stderr, "liveoutputbench: the app did not start (see the problems)\n");
        return 1;
    }

    const int rc = app.exec();
    window.engine()->stopAll();
    counterThread.quit();
    counterThread.wait();
    return rc;
}
