// `rivulet simulate`, run as a user runs it: outputs as JSON lines exactly like
// `rivulet run --events`, seeds, counts, bad rows, usage errors, remote targets, Ctrl+C, and a
// real `rivulet run` serving the TrainLocation streams when this branch's engine can serve.
#include "../receivers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace SimTest;

namespace {

const QString kRivulet = QStringLiteral(RIVULET_BINARY_DIR "/bin/rivulet");
const QString kData = QStringLiteral(RIVULET_SOURCE_DIR "/tests/auto/simulator/data/");
const QString kSample =
    QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.sim.json");

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QList<QByteArray> lines() const { return out.split('\n').mid(0, out.count('\n')); }
};

Result rivulet(const QStringList &args)
{
    QProcess p;
    p.start(kRivulet, args);
    Result r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// A port free a moment ago.
quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printsOutputsLikeRunEvents();
    void seedAndCount();
    void trainSample();
    void badRows();
    void usage_data();
    void usage();
    void webSocketTarget();
    void httpTarget();
    void ctrlCStopsCleanly();
    void realRivuletRun();
};

void tst_Cli::printsOutputsLikeRunEvents()
{
    // The inputs (printed with --emit) replayed through `rivulet run --events` give exactly the
    // lines `rivulet simulate` printed for the outputs.
    const QStringList common{QStringLiteral("simulate"), kData + QStringLiteral("stocks.sim.json"),
                             QStringLiteral("--app"), kData + QStringLiteral("stocks.siddhi"),
                             QStringLiteral("--quiet")};
    const Result sim = rivulet(common);
    QCOMPARE(sim.exitCode, 0);
    QVERIFY(sim.err.isEmpty());
    const Result inputs =
        rivulet(common + QStringList{QStringLiteral("--emit"), QStringLiteral("StockStream")});
    QCOMPARE(inputs.exitCode, 0);
    QCOMPARE(inputs.lines().size(), 1000);

    QTemporaryDir dir;
    QFile events(dir.filePath(QStringLiteral("in.jsonl")));
    QVERIFY(events.open(QIODevice::WriteOnly));
    for (const QByteArray &line : inputs.lines()) {
        QJsonObject o = QJsonDocument::fromJson(line).object();
        QCOMPARE(o[QStringLiteral("stream")].toString(), QStringLiteral("StockStream"));
        o.remove(QStringLiteral("type"));
        events.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    }
    events.close();
    const Result run = rivulet({QStringLiteral("run"), kData + QStringLiteral("stocks.siddhi"),
                                QStringLiteral("--events"), events.fileName()});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(!sim.out.isEmpty());
    QCOMPARE(sim.out, run.out);
    for (const QByteArray &line : sim.lines()) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QCOMPARE(o[QStringLiteral("stream")].toString(), QStringLiteral("HighStream"));
        QCOMPARE(o[QStringLiteral("type")].toString(), QStringLiteral("current"));
        QVERIFY(o[QStringLiteral("data")].toArray()[1].toDouble() > 500);
    }
}

void tst_Cli::seedAndCount()
{
    const QStringList common{QStringLiteral("simulate"), kData + QStringLiteral("stocks.sim.json"),
                             QStringLiteral("--app"),    kData + QStringLiteral("stocks.siddhi"),
                             QStringLiteral("--emit"),   QStringLiteral("StockStream")};
    const Result a = rivulet(common
                             + QStringList{QStringLiteral("--seed"), QStringLiteral("5"),
                                           QStringLiteral("--count"), QStringLiteral("50")});
    const Result b = rivulet(common
                             + QStringList{QStringLiteral("--seed"), QStringLiteral("5"),
                                           QStringLiteral("--count"), QStringLiteral("50")});
    const Result c = rivulet(common
                             + QStringList{QStringLiteral("--seed"), QStringLiteral("6"),
                                           QStringLiteral("--count"), QStringLiteral("50")});
    QCOMPARE(a.exitCode, 0);
    QCOMPARE(a.lines().size(), 50);
    QCOMPARE(a.out, b.out);
    QVERIFY(a.out != c.out);
    // The summary on standard error says what was sent.
    QVERIFY2(a.err.contains("rivulet simulate: sent 50 events in ")
                 && a.err.contains("StockStream 50"),
             a.err.constData());

    // --start moves the timestamps; --rate 0 is the default for an app on a virtual clock.
    const Result d = rivulet(common
                             + QStringList{QStringLiteral("--count"), QStringLiteral("2"),
                                           QStringLiteral("--start"), QStringLiteral("7000"),
                                           QStringLiteral("--rate"), QStringLiteral("0")});
    QCOMPARE(d.lines().size(), 2);
    QVERIFY(d.lines()[1].contains("\"timestamp\":7010"));
}

void tst_Cli::trainSample()
{
    const Result r =
        rivulet({QStringLiteral("simulate"), kSample, QStringLiteral("--app"),
                 kData + QStringLiteral("TrainLocation.siddhi"), QStringLiteral("--count"),
                 QStringLiteral("6"), QStringLiteral("--quiet")});
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.lines();
    QCOMPARE(lines.size(), 6);
    QStringList trains;
    for (const QByteArray &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QCOMPARE(o[QStringLiteral("stream")].toString(), QStringLiteral("TrainLocationStream"));
        const QJsonArray data = o[QStringLiteral("data")].toArray();
        trains << data[0].toString();
        QCOMPARE(qint64(data[4].toDouble()), qint64(o[QStringLiteral("timestamp")].toDouble()));
    }
    QCOMPARE(trains,
             (QStringList{QStringLiteral("456"), QStringLiteral("123"), QStringLiteral("789"),
                          QStringLiteral("456"), QStringLiteral("123"), QStringLiteral("789")}));
}

void tst_Cli::badRows()
{
    const Result r = rivulet({QStringLiteral("simulate"), kData + QStringLiteral("ticks.sim.json"),
                              QStringLiteral("--app"), kData + QStringLiteral("stocks.siddhi")});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.lines().size(), 2); // 750.5 and 920.0
    QVERIFY2(r.err.contains("rivulet simulate: warning: ticks.csv:2: attribute 'price' is a float, "
                            "but 'oops' is not; row skipped"),
             r.err.constData());
    QVERIFY2(r.err.contains("rivulet simulate: warning: ticks.csv:3: expected 4 columns, found 3; "
                            "row skipped"),
             r.err.constData());
    QVERIFY2(r.err.contains("; 2 rows skipped"), r.err.constData());
}

void tst_Cli::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString feed = kData + QStringLiteral("stocks.sim.json");
    const QString app = kData + QStringLiteral("stocks.siddhi");
    QTest::newRow("no feed") << QStringList{QStringLiteral("simulate")} << 2
                             << QStringLiteral("give one simulation file");
    QTest::newRow("no app and no target") << QStringList{QStringLiteral("simulate"), feed} << 2
                                          << QStringLiteral("give --app APP.siddhi");
    QTest::newRow("bad rate") << QStringList{QStringLiteral("simulate"), feed,
                                             QStringLiteral("--app"),    app,
                                             QStringLiteral("--rate"),   QStringLiteral("fast")}
                              << 2 << QStringLiteral("--rate takes a number, not 'fast'");
    QTest::newRow("missing feed") << QStringList{
        QStringLiteral("simulate"), kData + QStringLiteral("none.json"), QStringLiteral("--app"),
        app} << 2 << QStringLiteral("cannot read ");
    QTest::newRow("bad target") << QStringList{QStringLiteral("simulate"), feed,
                                               QStringLiteral("--target"),
                                               QStringLiteral("ftp://x/")}
                                << 2
                                << QStringLiteral(
                                       "must be an http://, https://, ws:// or wss:// URL");
    QTest::newRow("stream not in the app")
        << QStringList{QStringLiteral("simulate"), kSample, QStringLiteral("--app"), app} << 1
        << QStringLiteral("app 'StockFilter' has no input stream 'TrainSensorStream' (streams: "
                          "StockStream, HighStream)");
    QTest::newRow("unknown attributes for a remote target")
        << QStringList{QStringLiteral("simulate"), feed, QStringLiteral("--target"),
                       QStringLiteral("http://127.0.0.1:1/")}
        << 1 << QStringLiteral("the attributes of stream 'StockStream' are unknown");
    QTest::newRow("help") << QStringList{QStringLiteral("simulate"), QStringLiteral("--help")} << 0
                          << QString();
}

void tst_Cli::usage()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Result r = rivulet(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
}

void tst_Cli::webSocketTarget()
{
    WsReceiver receiver;
    QVERIFY(receiver.listen());
    QProcess p;
    p.start(kRivulet,
            {QStringLiteral("simulate"), kSample, QStringLiteral("--target"),
             QStringLiteral("ws://127.0.0.1:%1/").arg(receiver.port()), QStringLiteral("--rate"),
             QStringLiteral("0"), QStringLiteral("--count"), QStringLiteral("30")});
    QSignalSpy finished(&p, &QProcess::finished);
    QVERIFY(finished.wait(60000));
    const QByteArray err = p.readAllStandardError();
    QCOMPARE(p.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.messages.size(), 30, 10000);
    const QJsonObject event = QJsonDocument::fromJson(receiver.messages[0].toUtf8())
                                  .object()[QStringLiteral("event")]
                                  .toObject();
    QCOMPARE(event[QStringLiteral("trainId")].toString(), QStringLiteral("456"));
    QVERIFY(event.contains(QStringLiteral("latitude")));
    QVERIFY2(err.contains("sent 30 events")
                 && err.contains("30 accepted, 0 refused by ws://127.0.0.1:"),
             err.constData());
}

void tst_Cli::httpTarget()
{
    HttpReceiver receiver;
    QVERIFY(receiver.listen());
    QProcess p;
    // --app tells the attributes of a stream the simulation only names.
    p.start(kRivulet, {QStringLiteral("simulate"), kData + QStringLiteral("stocks.sim.json"),
                       QStringLiteral("--app"), kData + QStringLiteral("stocks.siddhi"),
                       QStringLiteral("--target"),
                       QStringLiteral("http://127.0.0.1:%1/stocks").arg(receiver.port()),
                       QStringLiteral("--rate"), QStringLiteral("0"), QStringLiteral("--count"),
                       QStringLiteral("25")});
    QSignalSpy finished(&p, &QProcess::finished);
    QVERIFY(finished.wait(60000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(receiver.requests.size(), 25);
    const QJsonObject event = QJsonDocument::fromJson(receiver.requests[0].body)
                                  .object()[QStringLiteral("event")]
                                  .toObject();
    QCOMPARE(event.keys(), (QStringList{QStringLiteral("price"), QStringLiteral("symbol"),
                                        QStringLiteral("volume")}));
}

void tst_Cli::ctrlCStopsCleanly()
{
    // 200 events a second for a long time: stopped by SIGINT after the first outputs.
    QProcess p;
    p.start(kRivulet,
            {QStringLiteral("simulate"), kData + QStringLiteral("stocks.sim.json"),
             QStringLiteral("--app"), kData + QStringLiteral("stocks.siddhi"),
             QStringLiteral("--emit"), QStringLiteral("StockStream"), QStringLiteral("--rate"),
             QStringLiteral("200"), QStringLiteral("--count"), QStringLiteral("1000000")});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).count('\n') >= 3, 30000);
    QCOMPARE(p.state(), QProcess::Running);
    ::kill(pid_t(p.processId()), SIGINT);
    QSignalSpy finished(&p, &QProcess::finished);
    if (p.state() == QProcess::Running)
        QVERIFY(finished.wait(30000));
    out += p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 130);
    // Every line printed is whole, and the summary counts them.
    QVERIFY(out.endsWith('\n'));
    const qsizetype lines = out.count('\n');
    QVERIFY2(
        err.contains(
            QStringLiteral("rivulet simulate: stopped; sent %1 events in ").arg(lines).toUtf8()),
        err.constData());
}

void tst_Cli::realRivuletRun()
{
    // The TrainLocation streams served by a real `rivulet run` on free ports: the simulation
    // posts to its http source and a WebSocket client of its websocket-server sink sees the
    // trains. Needs the engine's I/O layer (sources and sinks), written on another branch.
    const quint16 httpPort = freePort();
    const quint16 sinkPort = freePort();
    QTemporaryDir dir;
    QFile app(dir.filePath(QStringLiteral("TrainLocation.siddhi")));
    QVERIFY(app.open(QIODevice::WriteOnly));
    app.write(
        QStringLiteral(
            "@App:name('TrainLocation')\n"
            "@source(type='http', receiver.url='http://127.0.0.1:%1/trains', @map(type='json'))\n"
            "define stream TrainSensorStream (trainId string, latitude double, longitude "
            "double, speed double, timestamp long);\n"
            "@sink(type='websocket-server', host='127.0.0.1', port='%2', @map(type='json'))\n"
            "define stream TrainLocationStream (trainId string, latitude double, longitude "
            "double, speed double, timestamp long);\n"
            "from TrainSensorStream select * insert into TrainLocationStream;\n")
            .arg(httpPort)
            .arg(sinkPort)
            .toUtf8());
    app.close();

    QProcess engine;
    engine.start(kRivulet, {QStringLiteral("run"), app.fileName()});
    QVERIFY(engine.waitForStarted());
    // Serving, or refusing at once because this engine cannot serve yet.
    QWebSocket client;
    bool connected = false;
    QObject::connect(&client, &QWebSocket::connected, &client, [&] { connected = true; });
    QStringList seen;
    QObject::connect(&client, &QWebSocket::textMessageReceived, &client,
                     [&](const QString &m) { seen << m; });
    QElapsedTimer waited;
    waited.start();
    while (!connected && engine.state() == QProcess::Running && waited.elapsed() < 30000) {
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(sinkPort)));
        QTRY_VERIFY_WITH_TIMEOUT(client.state() != QAbstractSocket::ConnectingState
                                     || engine.state() != QProcess::Running,
                                 5000);
    }
    if (!connected) {
        if (engine.state() != QProcess::NotRunning)
            engine.kill();
        engine.waitForFinished();
        const QByteArray err = engine.readAllStandardError();
        if (err.contains("needs the I/O layer"))
            QSKIP("pending: `rivulet run APP.siddhi` cannot serve apps on this branch yet (the "
                  "I/O layer is written on another branch)");
        QFAIL(
            qPrintable(QStringLiteral("the engine did not serve: %1").arg(QString::fromUtf8(err))));
    }
    const Result sim = rivulet({QStringLiteral("simulate"), kSample, QStringLiteral("--target"),
                                QStringLiteral("http://127.0.0.1:%1/trains").arg(httpPort),
                                QStringLiteral("--rate"), QStringLiteral("0"),
                                QStringLiteral("--count"), QStringLiteral("20")});
    QCOMPARE(sim.exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 20, 20000);
    QVERIFY(seen.join(u'\n').contains(QStringLiteral("456")));
    engine.terminate();
    QVERIFY(engine.waitForFinished(20000));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
