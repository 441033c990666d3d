// exportbench: how long `rivulet export` takes for the TrainLocation sample (bundle, bundle +
// .tar.gz, standalone) and how long the results take to start serving: the bundle's engine,
// the standalone executable on its first start (it checks and extracts its payload) and on
// later starts (it checks its payload, then reuses the extracted folder). A start ends when
// the app's websocket-server sink accepts a connection. Each figure is the min and median of
// --runs runs (default 7), processes run one after the other. docs/PERFORMANCE.md has results.
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <csignal>
#include <vector>

namespace {

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::Any, 0);
    return s.serverPort();
}

struct Stats
{
    double min = 0;
    double median = 0;
};

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return {v.front(), v[v.size() / 2]};
}

void print(const char *what, const Stats &s)
{
    std::printf("%-48s min %8.1f ms   median %8.1f ms\n", what, s.min, s.median);
    std::fflush(stdout);
}

double timeExport(const QString &rivulet, const QStringList &args)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.start(rivulet, args);
    if (!p.waitForFinished(300000) || p.exitCode() != 0) {
        std::fprintf(stderr, "exportbench: export failed: %s\n",
                     p.readAllStandardError().constData());
        std::exit(1);
    }
    return double(t.nsecsElapsed()) / 1e6;
}

// Starts program with an empty environment (plus extra), waits until port accepts, stops it.
double timeStart(const QString &program, const QStringList &args, quint16 port,
                 const QStringList &extraEnv = {})
{
    QProcess p;
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/nonexistent"));
    for (const QString &kv : extraEnv)
        env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    double ms = -1;
    while (t.elapsed() < 60000) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(100)) {
            ms = double(t.nsecsElapsed()) / 1e6;
            break;
        }
        if (p.state() == QProcess::NotRunning)
            break;
        QThread::usleep(500);
    }
    ::kill(pid_t(p.processId()), SIGTERM);
    p.waitForFinished(20000);
    if (ms < 0) {
        std::fprintf(stderr, "exportbench: %s did not start serving\n", qPrintable(program));
        std::exit(1);
    }
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    int runs = 7;
    QString rivulet = QStringLiteral(RIVULET_BINARY_DIR "/bin/rivulet");
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--runs"))
            runs = std::max(1, args[i + 1].toInt());
        if (args[i] == QLatin1String("--rivulet"))
            rivulet = args[i + 1];
    }
    QTemporaryDir dir;
    QFile sample(QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.siddhi"));
    if (!dir.isValid() || !sample.open(QIODevice::ReadOnly))
        return 1;
    QString text = QString::fromUtf8(sample.readAll());
    const quint16 http = freePort(), sensor = freePort(), ws = freePort();
    text.replace(QLatin1String("0.0.0.0:8006/"), QStringLiteral("0.0.0.0:%1/").arg(http));
    text.replace(QLatin1String("port='8026'"), QStringLiteral("port='%1'").arg(sensor));
    text.replace(QLatin1String("port='8025'"), QStringLiteral("port='%1'").arg(ws));
    const QString appPath = dir.filePath(QStringLiteral("TrainLocation.siddhi"));
    QFile out(appPath);
    out.open(QIODevice::WriteOnly);
    out.write(text.toUtf8());
    out.close();

    std::printf("exportbench: %s, TrainLocation sample, %d runs each\n", qPrintable(rivulet), runs);
    std::vector<double> bundle, tar, standalone, bundleStart, cold, warm;
    for (int i = 0; i < runs; ++i) {
        const QString b = dir.filePath(QStringLiteral("b%1").arg(i));
        bundle.push_back(
            timeExport(rivulet, {QStringLiteral("export"), appPath, QStringLiteral("--out"), b}));
        tar.push_back(
            timeExport(rivulet, {QStringLiteral("export"), appPath, QStringLiteral("--out"),
                                 b + QStringLiteral("t"), QStringLiteral("--tar")}));
        standalone.push_back(timeExport(
            rivulet, {QStringLiteral("export"), appPath, QStringLiteral("--standalone"),
                      QStringLiteral("--out"), dir.filePath(QStringLiteral("s%1").arg(i))}));
        bundleStart.push_back(timeStart(
            b + QStringLiteral("/bin/rivulet"),
            {QStringLiteral("run"), b + QStringLiteral("/apps/TrainLocation.siddhi")}, ws));
        const QString cache = dir.filePath(QStringLiteral("cache%1").arg(i));
        const QString exe = dir.filePath(QStringLiteral("s%1").arg(i));
        cold.push_back(timeStart(exe, {}, ws, {QStringLiteral("RIVULET_STANDALONE_DIR=") + cache}));
        warm.push_back(timeStart(exe, {}, ws, {QStringLiteral("RIVULET_STANDALONE_DIR=") + cache}));
        QDir(b).removeRecursively();
        QDir(b + QStringLiteral("t")).removeRecursively();
        QDir(cache).removeRecursively();
    }
    qint64 standaloneSize = QFileInfo(dir.filePath(QStringLiteral("s0"))).size();
    print("export bundle", stats(bundle));
    print("export bundle + .tar.gz", stats(tar));
    print("export standalone", stats(standalone));
    print("bundle: start to serving", stats(bundleStart));
    print("standalone, first start (check + extract)", stats(cold));
    print("standalone, later start (check + reuse)", stats(warm));
    std::printf("standalone size: %.1f MB\n", double(standaloneSize) / 1e6);
    return 0;
}
