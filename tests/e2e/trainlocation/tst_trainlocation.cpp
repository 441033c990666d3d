// The seed scenario end to end, with the programs a user runs: `rivulet run` serving the
// TrainLocation sample, `curl` posting train readings to its http source, a WebSocket sensor
// pushing to its websocket-server source, and `wscat` subscribed to its websocket-server sink.
// wscat writes only to a terminal, so it runs under `script` and its ANSI escapes are stripped.
// Ports are free ones, given to a copy of the sample as ${VAR}s through --var; every wait is
// for something to show up, with a deadline.
#include "../e2etools.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

#include <csignal>

using namespace E2e;

namespace {

const int kTimeout = 15000;

struct HttpResult
{
    int status = 0;
    QByteArray body;
};

// POSTs with curl; the status code is on the last line curl prints.
HttpResult curlPost(const QString &url, const QByteArray &body)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("-w"), QStringLiteral("\n%{http_code}"),
                QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                QStringLiteral("Content-Type: application/json"), QStringLiteral("--data-binary"),
                QString::fromUtf8(body), url});
    if (!curl.waitForFinished(kTimeout))
        return {};
    const QByteArray out = curl.readAllStandardOutput();
    const qsizetype nl = out.lastIndexOf('\n');
    return {out.mid(nl + 1).toInt(), out.left(nl)};
}

const QByteArray kTrain456 = R"({"event":{"trainId":"456","latitude":6.9271,)"
                             R"("longitude":79.8612,"speed":62.5,"timestamp":1700000000000}})";

} // namespace

class tst_TrainLocation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scenario();
    void sampleVerbatim();
    void busyPort_data();
    void busyPort();
    void unsetVariable();
    void invalidAppStartsNothing();
    void badVarArgument();

private:
    // A copy of the sample in m_dir with its three ports as ${HTTP_PORT}, ${SENSOR_PORT} and
    // ${WS_PORT}.
    QString templatedSample();
    QTemporaryDir m_dir;
};

void tst_TrainLocation::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(rivulet()).isExecutable(), qPrintable(rivulet()));
    const bool ci = qgetenv("CI") == "true";
    for (const char *tool : {"curl", "script"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            if (ci)
                QFAIL(qPrintable(QStringLiteral("%1 is not installed").arg(QLatin1String(tool))));
            QSKIP("curl or script is not installed (scripts/setup.sh installs them)");
        }
    }
    if (wscat().isEmpty()) {
        if (ci)
            QFAIL("wscat is not installed: run scripts/setup.sh");
        QSKIP("wscat is not installed (scripts/setup.sh installs it)");
    }
}

QString tst_TrainLocation::templatedSample()
{
    QFile f(sourceDir() + QStringLiteral("/resources/samples/TrainLocation.siddhi"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(f.readAll());
    text.replace(QLatin1String("0.0.0.0:8006/"), QLatin1String("0.0.0.0:${HTTP_PORT}/"));
    text.replace(QLatin1String("port='8026'"), QLatin1String("port='${SENSOR_PORT}'"));
    text.replace(QLatin1String("port='8025'"), QLatin1String("port='${WS_PORT}'"));
    const QString path = m_dir.filePath(QStringLiteral("TrainLocation.siddhi"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    out.write(text.toUtf8());
    return path;
}

void tst_TrainLocation::scenario()
{
    const QString app = templatedSample();
    QVERIFY(!app.isEmpty());
    const quint16 httpPort = freePort(), sensorPort = freePort(), wsPort = freePort();

    Child server;
    server.start(rivulet(), {QStringLiteral("run"), app, QStringLiteral("--var"),
                             QStringLiteral("HTTP_PORT=%1").arg(httpPort), QStringLiteral("--var"),
                             QStringLiteral("SENSOR_PORT=%1").arg(sensorPort),
                             QStringLiteral("--var"), QStringLiteral("WS_PORT=%1").arg(wsPort)});
    QVERIFY2(server.waitForOutput(QStringLiteral("started from")), qPrintable(server.err()));
    QVERIFY2(server.err().contains(
                 QStringLiteral("websocket-server sink ws://localhost:%1/").arg(wsPort)),
             qPrintable(server.err()));

    // wscat -c ws://localhost:PORT/, as the README says, under a terminal.
    Child client;
    client.start(QStringLiteral("script"),
                 {QStringLiteral("-qc"),
                  QStringLiteral("%1 -c ws://localhost:%2/").arg(wscat()).arg(wsPort),
                  QStringLiteral("/dev/null")});
    QVERIFY2(client.waitForOutput(QStringLiteral("Connected")), qPrintable(client.out()));

    // A train reading through the http source.
    const QString url = QStringLiteral("http://127.0.0.1:%1/trains").arg(httpPort);
    HttpResult r = curlPost(url, kTrain456);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray(R"({"accepted":1})"));
    QVERIFY2(client.waitForOutput(QStringLiteral("< ") + QString::fromUtf8(kTrain456)),
             qPrintable(client.out()));

    // A reading the query drops, and a payload that is not JSON: neither reaches wscat.
    r = curlPost(url, R"({"event":{"trainId":"bad","latitude":123.0,"longitude":0.0,)"
                      R"("speed":1.0,"timestamp":1}})");
    QCOMPARE(r.status, 200);
    r = curlPost(url, R"({"event":{"trainId":"456",)");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains("\"error\":\"bad_payload\"") && r.body.contains("not valid JSON"),
             r.body.constData());

    // A sensor pushing over the websocket-server source.
    QWebSocket sensor;
    sensor.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(sensorPort)));
    QTRY_COMPARE_WITH_TIMEOUT(sensor.state(), QAbstractSocket::ConnectedState, kTimeout);
    const QByteArray pushed = R"({"event":{"trainId":"789","latitude":7.2906,)"
                              R"("longitude":80.6337,"speed":40.0,"timestamp":1700000001000}})";
    sensor.sendTextMessage(QString::fromUtf8(pushed));
    QVERIFY2(client.waitForOutput(QStringLiteral("< ") + QString::fromUtf8(pushed)),
             qPrintable(client.out()));
    QVERIFY2(!client.out().contains(QLatin1String("\"bad\"")), qPrintable(client.out()));
    QCOMPARE(client.out().count(QLatin1String("< {")), 2);
    QVERIFY2(server.err().contains(QLatin1String("rejected a payload: not valid JSON")),
             qPrintable(server.err()));

    // SIGTERM: clients are closed with 1001 and rivulet exits 0.
    server.signal(SIGTERM);
    QVERIFY2(client.waitForOutput(QStringLiteral("Disconnected (code: 1001")),
             qPrintable(client.out()));
    QTRY_COMPARE_WITH_TIMEOUT(sensor.state(), QAbstractSocket::UnconnectedState, kTimeout);
    QVERIFY(server.waitForExit());
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    QVERIFY2(server.err().contains(QLatin1String("stopped (SIGTERM)")), qPrintable(server.err()));
}

void tst_TrainLocation::sampleVerbatim()
{
    // The sample as it ships, on its own ports, when they are free here.
    for (quint16 port : {8006, 8025, 8026}) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::Any, port))
            QSKIP("ports 8006, 8025 and 8026 are not all free here");
    }
    Child server;
    server.start(rivulet(),
                 {QStringLiteral("run"),
                  sourceDir() + QStringLiteral("/resources/samples/TrainLocation.siddhi")});
    QVERIFY2(server.waitForOutput(QStringLiteral("started from")), qPrintable(server.err()));
    Child client;
    client.start(QStringLiteral("script"),
                 {QStringLiteral("-qc"), wscat() + QStringLiteral(" -c ws://localhost:8025/"),
                  QStringLiteral("/dev/null")});
    QVERIFY2(client.waitForOutput(QStringLiteral("Connected")), qPrintable(client.out()));
    QCOMPARE(curlPost(QStringLiteral("http://localhost:8006/trains"), kTrain456).status, 200);
    QVERIFY2(client.waitForOutput(QStringLiteral("< ") + QString::fromUtf8(kTrain456)),
             qPrintable(client.out()));
    server.signal(SIGINT);
    QVERIFY2(client.waitForOutput(QStringLiteral("Disconnected (code: 1001")),
             qPrintable(client.out()));
    QVERIFY(server.waitForExit());
    QCOMPARE(server.exitCode(), 0);
    QVERIFY2(server.err().contains(QLatin1String("stopped (SIGINT)")), qPrintable(server.err()));
}

void tst_TrainLocation::busyPort_data()
{
    QTest::addColumn<QString>("taken"); // which of the three ports is already in use
    QTest::addColumn<QString>("annotation");
    QTest::newRow("websocket-server sink") << QStringLiteral("WS_PORT")
                                           << QStringLiteral("@sink(type='websocket-server') on "
                                                             "stream TrainLocationStream");
    QTest::newRow("http source") << QStringLiteral("HTTP_PORT")
                                 << QStringLiteral("@source(type='http') on stream "
                                                   "TrainSensorStream");
    QTest::newRow("websocket-server source")
        << QStringLiteral("SENSOR_PORT")
        << QStringLiteral("@source(type='websocket-server') on stream TrainSensorStream");
}

void tst_TrainLocation::busyPort()
{
    QFETCH(QString, taken);
    QFETCH(QString, annotation);
    const QString app = templatedSample();
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::Any, 0));
    QStringList arguments{QStringLiteral("run"), app};
    for (const QString &name :
         {QStringLiteral("HTTP_PORT"), QStringLiteral("SENSOR_PORT"), QStringLiteral("WS_PORT")}) {
        const quint16 port = name == taken ? busy.serverPort() : freePort();
        arguments << QStringLiteral("--var") << QStringLiteral("%1=%2").arg(name).arg(port);
    }
    Child server;
    server.start(rivulet(), arguments);
    QVERIFY(server.waitForExit());
    QCOMPARE(server.exitCode(), 1);
    const QStringList lines = server.err().trimmed().split(u'\n');
    QCOMPARE(lines.size(), 1);
    const QString line = lines.front();
    QVERIFY2(line.contains(QStringLiteral("port %1 is already in use").arg(busy.serverPort())),
             qPrintable(line));
    QVERIFY2(line.contains(annotation), qPrintable(line));
    QVERIFY2(line.contains(QLatin1String("TrainLocation.siddhi:")), qPrintable(line));
}

void tst_TrainLocation::unsetVariable()
{
    const QString app = templatedSample();
    Child server;
    server.start(rivulet(),
                 {QStringLiteral("run"), app, QStringLiteral("--var"),
                  QStringLiteral("HTTP_PORT=%1").arg(freePort()), QStringLiteral("--var"),
                  QStringLiteral("SENSOR_PORT=%1").arg(freePort())});
    QVERIFY(server.waitForExit());
    QCOMPARE(server.exitCode(), 1);
    const QString err = server.err();
    QVERIFY2(err.contains(QRegularExpression(QStringLiteral(
                 "TrainLocation\\.siddhi:14:\\d+: error: template variable \\$\\{WS_PORT\\} in "
                 "option 'port' of @sink is not set"))),
             qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("hint: pass --var WS_PORT=VALUE")), qPrintable(err));
    QVERIFY2(!err.contains(QLatin1String("started")), qPrintable(err));
}

void tst_TrainLocation::invalidAppStartsNothing()
{
    const quint16 port = freePort();
    const QString path = m_dir.filePath(QStringLiteral("Invalid.siddhi"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QStringLiteral("@sink(type='websocket-server', host='127.0.0.1', port='%1')\n"
                           "define stream Out (a int);\n"
                           "from Missing select a insert into Out;\n")
                .arg(port)
                .toUtf8());
    f.close();
    Child server;
    server.start(rivulet(), {QStringLiteral("run"), path});
    QVERIFY(server.waitForExit());
    QCOMPARE(server.exitCode(), 1);
    QVERIFY2(server.err().contains(QLatin1String("Invalid.siddhi:3:")), qPrintable(server.err()));
    // Nothing was listening: the port is still free.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, port));
}

void tst_TrainLocation::badVarArgument()
{
    Child server;
    server.start(rivulet(), {QStringLiteral("run"), templatedSample(), QStringLiteral("--var"),
                             QStringLiteral("NOVALUE")});
    QVERIFY(server.waitForExit());
    QCOMPARE(server.exitCode(), 2);
    QVERIFY2(server.err().contains(QLatin1String("--var takes NAME=VALUE")),
             qPrintable(server.err()));
}

QTEST_GUILESS_MAIN(tst_TrainLocation)
#include "tst_trainlocation.moc"
