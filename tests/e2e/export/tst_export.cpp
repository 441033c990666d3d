// Export end to end, with the programs a user runs: `rivulet export` makes a bundle, a
// standalone executable and a deployment of the TrainLocation sample (its ports moved to free
// ones through ${VAR}s); each is started with an empty environment (PATH=/nonexistent) from a
// temporary folder, `curl` posts train readings and `wscat` (under `script`: it prints only to
// a terminal) must show train 456. Every wait is for something to show up, with a deadline.
#include "../e2etools.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace E2e;

namespace {

const int kTimeout = 20000;

// The environment of a deployment: nothing but a PATH that leads nowhere.
QProcessEnvironment bareEnvironment(const QHash<QString, QString> &extra = {})
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/nonexistent"));
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &arguments,
        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, arguments);
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

int curlPost(const QString &url, const QByteArray &body)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                QStringLiteral("-w"), QStringLiteral("%{http_code}"), QStringLiteral("-X"),
                QStringLiteral("POST"), QStringLiteral("-H"),
                QStringLiteral("Content-Type: application/json"), QStringLiteral("--data-binary"),
                QString::fromUtf8(body), url});
    if (!curl.waitForFinished(kTimeout))
        return 0;
    return curl.readAllStandardOutput().toInt();
}

QByteArray reading(const char *train, double speed)
{
    return QStringLiteral(R"({"event":{"trainId":"%1","latitude":6.9271,"longitude":79.8612,)"
                          R"("speed":%2,"timestamp":1700000000000}})")
        .arg(QLatin1String(train))
        .arg(speed)
        .toUtf8();
}

struct Ports
{
    quint16 http = freePort();
    quint16 sensor = freePort();
    quint16 ws = freePort();

    QStringList vars() const
    {
        return {QStringLiteral("--var"), QStringLiteral("HTTP_PORT=%1").arg(http),
                QStringLiteral("--var"), QStringLiteral("SENSOR_PORT=%1").arg(sensor),
                QStringLiteral("--var"), QStringLiteral("WS_PORT=%1").arg(ws)};
    }
};

} // namespace

class tst_Export : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bundle();
    void standalone();
    void corruptStandaloneRefused();
    void deployToRunningEngine();
    void badAppWritesNothing();
    void unsetVariableRefused();
    void fromConfig();
    void gatewayBundle();
    void gatewayStandalone();

private:
    // The sample deployment (app, API definition, config) in m_dir/name with every port moved
    // to a free one; returns the config's path.
    QString gatewayDeployment(const QString &name, Ports *ports, quint16 *ws, quint16 *https);
    // As a user of the tutorial: an application subscribed to TrainRealLocationAPI with the
    // engine's own devportal command, a token from curl, wscat on train 456's topic.
    void tutorial(const QString &rivulet, const QProcessEnvironment &env, const QString &ca,
                  const Ports &ports, quint16 ws, quint16 https);
    // A copy of the sample with its three ports as ${HTTP_PORT}, ${SENSOR_PORT}, ${WS_PORT};
    // `speedOffset` makes a second version whose output differs.
    QString templatedSample(const QString &name, int speedOffset = 0);
    // wscat on ws://localhost:PORT/ receives train 456 once curl posts it.
    void expectTrain456(quint16 httpPort, quint16 wsPort, double speed, double shown);
    // Every shared object the process maps is under root, or the C library's own.
    void expectOnlyBundledLibraries(qint64 pid, const QString &root);

    QTemporaryDir m_dir;
};

void tst_Export::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(rivulet()).isExecutable(), qPrintable(rivulet()));
    const bool ci = qgetenv("CI") == "true";
    for (const char *tool : {"curl", "script", "tar"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            if (ci)
                QFAIL(qPrintable(QStringLiteral("%1 is not installed").arg(QLatin1String(tool))));
            QSKIP("curl, script or tar is not installed (scripts/setup.sh installs them)");
        }
    }
    if (wscat().isEmpty()) {
        if (ci)
            QFAIL("wscat is not installed: run scripts/setup.sh");
        QSKIP("wscat is not installed (scripts/setup.sh installs it)");
    }
}

QString tst_Export::templatedSample(const QString &name, int speedOffset)
{
    QFile f(sourceDir() + QStringLiteral("/resources/samples/TrainLocation.siddhi"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(f.readAll());
    text.replace(QLatin1String("0.0.0.0:8006/"), QLatin1String("0.0.0.0:${HTTP_PORT}/"));
    text.replace(QLatin1String("port='8026'"), QLatin1String("port='${SENSOR_PORT}'"));
    text.replace(QLatin1String("port='8025'"), QLatin1String("port='${WS_PORT}'"));
    if (speedOffset != 0)
        text.replace(QLatin1String("select trainId, latitude, longitude, speed, timestamp"),
                     QStringLiteral("select trainId, latitude, longitude, speed + %1.0 as speed, "
                                    "timestamp")
                         .arg(speedOffset));
    QDir().mkpath(m_dir.filePath(name));
    const QString path = m_dir.filePath(name + QStringLiteral("/TrainLocation.siddhi"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    out.write(text.toUtf8());
    return path;
}

void tst_Export::expectTrain456(quint16 httpPort, quint16 wsPort, double speed, double shown)
{
    Child client;
    client.start(QStringLiteral("script"),
                 {QStringLiteral("-qc"),
                  QStringLiteral("%1 -c ws://localhost:%2/").arg(wscat()).arg(wsPort),
                  QStringLiteral("/dev/null")});
    QVERIFY2(client.waitForOutput(QStringLiteral("Connected")), qPrintable(client.all()));
    const QString url = QStringLiteral("http://127.0.0.1:%1/trains").arg(httpPort);
    QCOMPARE(curlPost(url, reading("456", speed)), 200);
    const QString expected = QStringLiteral(R"("trainId":"456")");
    QVERIFY2(client.waitForOutput(expected), qPrintable(client.all()));
    QVERIFY2(client.out().contains(QStringLiteral("\"speed\":%1").arg(shown)),
             qPrintable(client.out()));
}

void tst_Export::expectOnlyBundledLibraries(qint64 pid, const QString &root)
{
    QFile maps(QStringLiteral("/proc/%1/maps").arg(pid));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    static const QRegularExpression glibc(QStringLiteral(
        "/(ld-linux[^/]*|lib(c|m|dl|pthread|rt|resolv|nss_[a-z]+|mvec)\\.so[.0-9]*)$"));
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    for (const QByteArray &line : maps.readAll().split('\n')) {
        const qsizetype slash = line.indexOf('/');
        if (slash < 0 || !line.contains(".so"))
            continue;
        const QString path = QString::fromUtf8(line.mid(slash));
        if (path.startsWith(canonicalRoot) || glibc.match(path).hasMatch())
            continue;
        QFAIL(qPrintable(QStringLiteral("loaded from outside the bundle: %1").arg(path)));
    }
}

void tst_Export::bundle()
{
    const QString app = templatedSample(QStringLiteral("bundle-src"));
    const Ports ports;
    const QString out = m_dir.filePath(QStringLiteral("deploy/train"));
    const Run exported =
        run(rivulet(), QStringList{QStringLiteral("export"), app} + ports.vars()
                           + QStringList{QStringLiteral("--out"), out, QStringLiteral("--tar")});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    for (const char *file :
         {"bin/rivulet", "bin/qt.conf", "lib/rivulet/libQt6Core.so.6",
          "lib/rivulet/plugins/tls/libqopensslbackend.so",
          "lib/rivulet/plugins/sqldrivers/libqsqlite.so", "apps/TrainLocation.siddhi",
          "conf/rivulet.yaml", "apis/TrainLocation-endpoints.yaml", "systemd/rivulet-train.service",
          "Dockerfile", "README.md", "SHA256SUMS"})
        QVERIFY2(QFileInfo::exists(out + u'/' + QLatin1String(file)), file);
    QFile readme(out + QStringLiteral("/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString readmeText = QString::fromUtf8(readme.readAll());
    QVERIFY2(readmeText.contains(QStringLiteral("wscat -c ws://localhost:%1/").arg(ports.ws)),
             qPrintable(readmeText));
    QVERIFY(readmeText.contains(QStringLiteral("bin/rivulet run")));
    // No temporary folder is left beside it; the archive holds the same folder.
    const QStringList siblings = QDir(m_dir.filePath(QStringLiteral("deploy")))
                                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    QCOMPARE(siblings, (QStringList{QStringLiteral("train"), QStringLiteral("train.tar.gz")}));
    const Run listed =
        run(QStringLiteral("tar"), {QStringLiteral("-tzf"), out + QStringLiteral(".tar.gz")});
    QVERIFY(listed.out.contains(QStringLiteral("train/bin/rivulet\n")));
    QVERIFY(listed.out.contains(QStringLiteral("train/apps/TrainLocation.siddhi\n")));

    // Unpacked elsewhere and started as the README says, with nothing on PATH.
    const QString unpacked = m_dir.filePath(QStringLiteral("unpacked"));
    QDir().mkpath(unpacked);
    QCOMPARE(run(QStringLiteral("tar"), {QStringLiteral("-xzf"), out + QStringLiteral(".tar.gz"),
                                         QStringLiteral("-C"), unpacked})
                 .exitCode,
             0);
    const QString root = unpacked + QStringLiteral("/train");
    Child engine;
    engine.start(root + QStringLiteral("/bin/rivulet"),
                 {QStringLiteral("run"), QStringLiteral("./apps/TrainLocation.siddhi")},
                 bareEnvironment(), root);
    QVERIFY2(engine.waitForOutput(QStringLiteral("started from")), qPrintable(engine.all()));
    expectOnlyBundledLibraries(engine.pid(), root);
    expectTrain456(ports.http, ports.ws, 62.5, 62.5);
    engine.stop();
    QCOMPARE(engine.exitCode(), 0);
}

void tst_Export::standalone()
{
    const QString app = templatedSample(QStringLiteral("standalone-src"));
    const Ports ports;
    const QString out = m_dir.filePath(QStringLiteral("bin/TrainLocation"));
    const Run exported = run(
        rivulet(), QStringList{QStringLiteral("export"), app} + ports.vars()
                       + QStringList{QStringLiteral("--standalone"), QStringLiteral("--out"), out});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    QVERIFY(QFileInfo(out).isExecutable());
    QCOMPARE(QDir(m_dir.filePath(QStringLiteral("bin"))).entryList(QDir::Files),
             QStringList{QStringLiteral("TrainLocation")});

    // "scp" it: the one file, alone in a new folder, run with an empty environment.
    const QString copy = m_dir.filePath(QStringLiteral("elsewhere/TrainLocation"));
    QDir().mkpath(QFileInfo(copy).absolutePath());
    QVERIFY(QFile::copy(out, copy));
    const QString cache = m_dir.filePath(QStringLiteral("standalone-cache"));
    Child engine;
    engine.start(copy, {}, bareEnvironment({{QStringLiteral("RIVULET_STANDALONE_DIR"), cache}}));
    QVERIFY2(engine.waitForOutput(QStringLiteral("started from")), qPrintable(engine.all()));
    expectOnlyBundledLibraries(engine.pid(), cache);
    expectTrain456(ports.http, ports.ws, 40.0, 40);
    engine.stop();
    QCOMPARE(engine.exitCode(), 0);

    // A second start uses what the first one extracted.
    const Run info = run(copy, {QStringLiteral("--payload-info")},
                         bareEnvironment({{QStringLiteral("RIVULET_STANDALONE_DIR"), cache}}));
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(info.out.contains(QStringLiteral("extracted to: ") + cache), qPrintable(info.out));
}

void tst_Export::corruptStandaloneRefused()
{
    const QString app = templatedSample(QStringLiteral("corrupt-src"));
    const QString out = m_dir.filePath(QStringLiteral("corrupt/TrainLocation"));
    const Ports ports;
    const Run exported = run(
        rivulet(), QStringList{QStringLiteral("export"), app} + ports.vars()
                       + QStringList{QStringLiteral("--standalone"), QStringLiteral("--out"), out});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadWrite));
    const qint64 size = f.size();
    const QString cache = m_dir.filePath(QStringLiteral("corrupt-cache"));
    const QProcessEnvironment env =
        bareEnvironment({{QStringLiteral("RIVULET_STANDALONE_DIR"), cache}});

    // One byte of the payload changed (near the end, inside the apps and config).
    f.seek(size - 200);
    const char byte = f.read(1).at(0);
    f.seek(size - 200);
    f.write(QByteArray(1, char(byte ^ 0x5a)));
    f.close(); // a file open for writing cannot be executed (ETXTBSY)
    Run r = run(out, {}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("corrupt (SHA-256 mismatch)")), qPrintable(r.err));
    QVERIFY2(!QFileInfo::exists(cache), "nothing is extracted from a corrupt payload");

    // Cut short: no trailer at all.
    QVERIFY(f.resize(size - 1000));
    r = run(out, {}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no payload")), qPrintable(r.err));
}

void tst_Export::deployToRunningEngine()
{
    const QString v1 = templatedSample(QStringLiteral("v1"));
    const QString v2 = templatedSample(QStringLiteral("v2"), 1000);
    const Ports ports;
    const quint16 adminPort = freePort();
    const QString key = m_dir.filePath(QStringLiteral("admin/admin.key"));

    // The engine, v1 exported as a bundle and started with its admin API on.
    const QString out = m_dir.filePath(QStringLiteral("deployed"));
    Run r = run(rivulet(), QStringList{QStringLiteral("export"), v1} + ports.vars()
                               + QStringList{QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    Child engine;
    engine.start(out + QStringLiteral("/bin/rivulet"),
                 {QStringLiteral("run"), QStringLiteral("./apps/TrainLocation.siddhi"),
                  QStringLiteral("--admin-port"), QString::number(adminPort),
                  QStringLiteral("--admin-key-file"), key},
                 bareEnvironment(), out);
    QVERIFY2(engine.waitForOutput(QStringLiteral("admin API on")), qPrintable(engine.all()));
    QVERIFY2(engine.all().contains(QStringLiteral("key written to")), qPrintable(engine.all()));
    expectTrain456(ports.http, ports.ws, 62.5, 62.5);

    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(adminPort);
    // Without the key: refused, nothing changes.
    r = run(rivulet(), QStringList{QStringLiteral("export"), v2} + ports.vars()
                           + QStringList{QStringLiteral("--deploy"), url});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("admin key")), qPrintable(r.err));
    QProcessEnvironment wrongKey = QProcessEnvironment::systemEnvironment();
    wrongKey.insert(QStringLiteral("RIVULET_ADMIN_KEY"), QStringLiteral("not-the-key-at-all"));
    r = run(rivulet(),
            QStringList{QStringLiteral("export"), v2} + ports.vars()
                + QStringList{QStringLiteral("--deploy"), url},
            wrongKey);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("HTTP 401")), qPrintable(r.err));

    // v2 with the key: swapped in, and it serves.
    r = run(rivulet(), QStringList{QStringLiteral("export"), v2} + ports.vars()
                           + QStringList{QStringLiteral("--deploy"), url,
                                         QStringLiteral("--admin-key-file"), key});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("\"state\":\"replaced\"")), qPrintable(r.out));
    expectTrain456(ports.http, ports.ws, 62.5, 1062.5);

    // A bad app: refused by export itself with its diagnostics...
    const QString bad = m_dir.filePath(QStringLiteral("v3/Bad.siddhi"));
    QDir().mkpath(QFileInfo(bad).absolutePath());
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("@App:name('TrainLocation')\ndefine stream S (a int);\n"
                "from S select nope insert into T;\n");
    }
    r = run(rivulet(), {QStringLiteral("export"), bad, QStringLiteral("--deploy"), url,
                        QStringLiteral("--admin-key-file"), key});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("Bad.siddhi:3:15: error:")), qPrintable(r.err));
    // ... and by the engine when sent straight to its API; v2 keeps serving.
    QFile keyFile(key);
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    QProcess curl;
    curl.start(QStringLiteral("curl"), {QStringLiteral("-s"), QStringLiteral("-w"),
                                        QStringLiteral("\n%{http_code}"), QStringLiteral("-H"),
                                        QStringLiteral("Authorization: Bearer ")
                                            + QString::fromUtf8(keyFile.readLine().trimmed()),
                                        QStringLiteral("--data-binary"), QStringLiteral("@") + bad,
                                        url + QStringLiteral("/admin/v1/validate")});
    QVERIFY(curl.waitForFinished(kTimeout));
    const QByteArray answer = curl.readAllStandardOutput();
    QVERIFY2(answer.endsWith("\n400"), answer.constData()); // not JSON: a bad request
    expectTrain456(ports.http, ports.ws, 62.5, 1062.5);

    engine.stop();
    QCOMPARE(engine.exitCode(), 0);
}

void tst_Export::badAppWritesNothing()
{
    const QString bad = m_dir.filePath(QStringLiteral("badapp/Broken.siddhi"));
    QDir().mkpath(QFileInfo(bad).absolutePath());
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("define stream S (a int);\nfrom S[b > 1] select a insert into T;\n");
    }
    const QString parent = m_dir.filePath(QStringLiteral("badout"));
    QDir().mkpath(parent);
    for (const QStringList &target :
         {QStringList{QStringLiteral("--tar")}, QStringList{QStringLiteral("--standalone")}}) {
        const Run r =
            run(rivulet(), QStringList{QStringLiteral("export"), bad, QStringLiteral("--out"),
                                       parent + QStringLiteral("/out")}
                               + target);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("Broken.siddhi:2:8: error:")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("nothing was written")), qPrintable(r.err));
        QVERIFY(QDir(parent).isEmpty());
    }
}

void tst_Export::unsetVariableRefused()
{
    const QString app = templatedSample(QStringLiteral("unset-src"));
    const QString out = m_dir.filePath(QStringLiteral("unset-out"));
    const Run r = run(rivulet(), {QStringLiteral("export"), app, QStringLiteral("--var"),
                                  QStringLiteral("HTTP_PORT=1"), QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("template variable ${SENSOR_PORT} has no value")),
             qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("--var WS_PORT=VALUE")), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out));
}

void tst_Export::fromConfig()
{
    // A config naming the app (relative to it), values for its ${VAR}s, a TLS pair and an API
    // document: the bundle gets them all, with paths into the bundle.
    const QString app = templatedSample(QStringLiteral("config-src"));
    const QString dir = QFileInfo(app).absolutePath();
    auto write = [&](const char *name, const QByteArray &text) {
        QFile f(dir + u'/' + QLatin1String(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    };
    write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
    write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
    write("Api.yaml", "asyncapi: '2.6.0'\ninfo: {title: Api, version: '1.0.0'}\n");
    write("rivulet.yaml", "tls:\n  certificate: cert.pem\n  key: key.pem\n"
                          "apps:\n  - TrainLocation.siddhi\napis:\n  - Api.yaml\n"
                          "variables:\n  HTTP_PORT: 1\n  SENSOR_PORT: 2\n  WS_PORT: 3\n");
    const QString out = m_dir.filePath(QStringLiteral("config-out"));
    const Run r = run(rivulet(), {QStringLiteral("export"), QStringLiteral("--config"),
                                  dir + QStringLiteral("/rivulet.yaml"), QStringLiteral("--var"),
                                  QStringLiteral("WS_PORT=4"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile conf(out + QStringLiteral("/conf/rivulet.yaml"));
    QVERIFY(conf.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(conf.readAll());
    for (const char *line : {"certificate: tls/cert.pem", "key: tls/key.pem",
                             "- ../apps/TrainLocation.siddhi", "- ../apis/Api.yaml"})
        QVERIFY2(text.contains(QLatin1String(line)), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("variables")), qPrintable(text));
    for (const char *file : {"conf/tls/cert.pem", "conf/tls/key.pem", "apis/Api.yaml"})
        QVERIFY2(QFileInfo::exists(out + u'/' + QLatin1String(file)), file);
    QFile exported(out + QStringLiteral("/apps/TrainLocation.siddhi"));
    QVERIFY(exported.open(QIODevice::ReadOnly));
    const QByteArray appText = exported.readAll();
    QVERIFY(appText.contains("0.0.0.0:1/trains") && appText.contains("port='2'"));
    QVERIFY2(appText.contains("port='4'"), "--var wins over the config's variables");
}

QString tst_Export::gatewayDeployment(const QString &name, Ports *ports, quint16 *ws,
                                      quint16 *https)
{
    const QString app = templatedSample(name);
    const QString dir = QFileInfo(app).absolutePath();
    const QString samples = sourceDir() + QStringLiteral("/resources/samples/");
    if (!QFile::copy(samples + QStringLiteral("TrainRealLocationAPI.yaml"),
                     dir + QStringLiteral("/TrainRealLocationAPI.yaml")))
        return {};
    QFile in(samples + QStringLiteral("rivulet.yaml"));
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(in.readAll());
    *ws = freePort();
    *https = freePort();
    text.replace(QLatin1String("port: 9099"), QStringLiteral("port: %1").arg(*ws));
    text.replace(QLatin1String("port: 8099"), QStringLiteral("port: %1").arg(freePort()));
    text.replace(QLatin1String("port: 9443"), QStringLiteral("port: %1").arg(*https));
    text.replace(QLatin1String("port: 9763"), QStringLiteral("port: %1").arg(freePort()));
    // The app's ${VAR}s from the config's variables: this time not from --var.
    text += QStringLiteral("variables:\n  HTTP_PORT: %1\n  SENSOR_PORT: %2\n  WS_PORT: %3\n")
                .arg(ports->http)
                .arg(ports->sensor)
                .arg(ports->ws);
    const QString config = dir + QStringLiteral("/rivulet.yaml");
    QFile out(config);
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(text.toUtf8());
    return config;
}

void tst_Export::tutorial(const QString &rivulet, const QProcessEnvironment &env, const QString &ca,
                          const Ports &ports, quint16 ws, quint16 https)
{
    const QString url = QStringLiteral("https://localhost:%1").arg(https);
    const QStringList signIn{QStringLiteral("devportal"),
                             QStringLiteral("--url"),
                             url,
                             QStringLiteral("--cacert"),
                             ca,
                             QStringLiteral("-u"),
                             QStringLiteral("bob@quantis.com"),
                             QStringLiteral("-p"),
                             QStringLiteral("user123")};
    Run r =
        run(rivulet,
            signIn + QStringList{QStringLiteral("create-application"), QStringLiteral("TrainApp")},
            env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    static const QRegularExpression id(QStringLiteral("client id:\\s+(\\S+)"));
    static const QRegularExpression secret(QStringLiteral("client secret:\\s+(\\S+)"));
    const QString clientId = id.match(r.out).captured(1);
    const QString clientSecret = secret.match(r.out).captured(1);
    QVERIFY2(!clientId.isEmpty() && !clientSecret.isEmpty(), qPrintable(r.out));
    r = run(rivulet,
            signIn
                + QStringList{QStringLiteral("subscribe"), QStringLiteral("TrainApp"),
                              QStringLiteral("TrainRealLocationAPI:1.0.0"),
                              QStringLiteral("--policy"), QStringLiteral("AsyncGold")},
            env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    // The token with curl (password grant), as the tutorial does.
    r = run(QStringLiteral("curl"),
            {QStringLiteral("-s"), QStringLiteral("--cacert"), ca, QStringLiteral("-u"),
             clientId + u':' + clientSecret, QStringLiteral("-d"),
             QStringLiteral("grant_type=password"), QStringLiteral("-d"),
             QStringLiteral("username=bob@quantis.com"), QStringLiteral("-d"),
             QStringLiteral("password=user123"), url + QStringLiteral("/oauth2/token")});
    static const QRegularExpression tokenRe(QStringLiteral("\"access_token\":\"([^\"]+)\""));
    const QString token = tokenRe.match(r.out).captured(1);
    QVERIFY2(!token.isEmpty(), qPrintable(r.out + r.err));

    // wscat on train 456's topic sees train 456 and not train 123.
    Child client;
    client.start(QStringLiteral("script"),
                 {QStringLiteral("-qc"),
                  QStringLiteral("%1 -c ws://localhost:%2/t/quantis.com/train/location/1.0.0/"
                                 "loc-train-qnt-456/ -H 'Authorization: Bearer %3'")
                      .arg(wscat())
                      .arg(ws)
                      .arg(token),
                  QStringLiteral("/dev/null")});
    QVERIFY2(client.waitForOutput(QStringLiteral("Connected")), qPrintable(client.all()));
    const QString trains = QStringLiteral("http://127.0.0.1:%1/trains").arg(ports.http);
    QCOMPARE(curlPost(trains, reading("123", 10)), 200);
    QCOMPARE(curlPost(trains, reading("456", 62.5)), 200);
    QVERIFY2(client.waitForOutput(QStringLiteral(R"("trainId":"456")")), qPrintable(client.all()));
    QVERIFY2(!client.out().contains(QStringLiteral(R"("trainId":"123")")),
             qPrintable(client.out()));
}

void tst_Export::gatewayBundle()
{
    Ports ports;
    quint16 ws = 0, https = 0;
    const QString config = gatewayDeployment(QStringLiteral("gw-src"), &ports, &ws, &https);
    QVERIFY(!config.isEmpty());
    const QString out = m_dir.filePath(QStringLiteral("gw/train"));
    const Run exported = run(rivulet(), {QStringLiteral("export"), QStringLiteral("--config"),
                                         config, QStringLiteral("--out"), out});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/apis/TrainRealLocationAPI.yaml")));
    QFile readme(out + QStringLiteral("/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    QVERIFY(readme.readAll().contains("bin/rivulet run --config ./conf/rivulet.yaml"));

    const QString data = m_dir.filePath(QStringLiteral("gw-data"));
    QProcessEnvironment env =
        bareEnvironment({{QStringLiteral("XDG_DATA_HOME"), data}, {QStringLiteral("HOME"), data}});
    Child engine;
    engine.start(
        out + QStringLiteral("/bin/rivulet"),
        {QStringLiteral("run"), QStringLiteral("--config"), QStringLiteral("./conf/rivulet.yaml")},
        env, out);
    QVERIFY2(engine.waitForOutput(QStringLiteral("serving 1 API(s)")), qPrintable(engine.all()));
    expectOnlyBundledLibraries(engine.pid(), out);
    // The gateway's client commands of the bundle's own engine, with the same bare environment.
    tutorial(out + QStringLiteral("/bin/rivulet"), env,
             data + QStringLiteral("/rivulet/tls/gateway.crt"), ports, ws, https);
    engine.stop();
    QCOMPARE(engine.exitCode(), 0);
}

void tst_Export::gatewayStandalone()
{
    Ports ports;
    quint16 ws = 0, https = 0;
    const QString config = gatewayDeployment(QStringLiteral("gws-src"), &ports, &ws, &https);
    QVERIFY(!config.isEmpty());
    const QString exe = m_dir.filePath(QStringLiteral("gws/TrainLocation"));
    const Run exported =
        run(rivulet(), {QStringLiteral("export"), QStringLiteral("--config"), config,
                        QStringLiteral("--standalone"), QStringLiteral("--out"), exe});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    const QString data = m_dir.filePath(QStringLiteral("gws-data"));
    const QProcessEnvironment env = bareEnvironment(
        {{QStringLiteral("XDG_DATA_HOME"), data},
         {QStringLiteral("HOME"), data},
         {QStringLiteral("RIVULET_STANDALONE_DIR"), m_dir.filePath(QStringLiteral("gws-cache"))}});
    Child engine;
    engine.start(exe, {}, env);
    QVERIFY2(engine.waitForOutput(QStringLiteral("serving 1 API(s)")), qPrintable(engine.all()));
    // The client commands from this build: the standalone file runs only `run`.
    tutorial(rivulet(), QProcessEnvironment::systemEnvironment(),
             data + QStringLiteral("/rivulet/tls/gateway.crt"), ports, ws, https);
    engine.stop();
    QCOMPARE(engine.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_Export)
#include "tst_export.moc"
