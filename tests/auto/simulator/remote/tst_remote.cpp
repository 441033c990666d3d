// Remote targets: events POSTed to an http source and sent as text frames to a
// websocket-server source, in the json mapper's default shape. The engine's own sources are
// being written elsewhere, so the receivers here are small servers of the test's own, on free
// ports; waits are on signals with time-outs.
#include "../receivers.h"
#include "../simulatortest.h"

#include "engine/lang/frontend.h"
#include "simulator/remotesink.h"
#include "simulator/simulation.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace SimTest;

namespace {

const StreamSchema kTrain = schema(QStringLiteral("TrainSensorStream"),
                                   QStringLiteral("trainId string, latitude double, longitude "
                                                  "double, speed double, timestamp long"));

SimulationConfig trainConfig(int count)
{
    SimulationConfig c;
    QString error;
    const QByteArray json = R"({"properties": {"simulationName": "t", "timestampStartTime": 1000,
        "noOfEvents": )" + QByteArray::number(count)
                            + R"(}, "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION",
        "trains": 2, "trainIds": ["456", "123"], "speed": 80, "gpsNoise": 5,
        "route": [[6.9337, 79.8502], [6.9289, 79.8648], [6.9488, 79.8765]]}]})";
    if (!SimulationConfig::parse(json, {}, &c, &error))
        qWarning("%s", qPrintable(error));
    return c;
}

} // namespace

class tst_Remote : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void payloadShape();
    void httpDelivers();
    void httpRejected();
    void httpBackPressure();
    void httpRefused();
    void webSocketDelivers();
    void webSocketRefused();
    void webSocketStop();
    void schemasFromTheApp();
    void badTargets();
};

void tst_Remote::payloadShape()
{
    HttpSink sink(QUrl(QStringLiteral("http://localhost:1/")));
    const StreamSchema s =
        schema(QStringLiteral("S"),
               QStringLiteral("s string, i int, l long, f float, d double, b bool, n double"));
    QString error;
    const int stream = sink.openStream(s, &error);
    EventLayout *layout = sink.layout(stream);
    Event *e = layout->allocate();
    Rivulet::Runtime::Value v;
    v.s = Rivulet::Runtime::StringData::make(std::string_view("say \"hi\"\n"));
    layout->set(e, 0, v);
    v.s->deref();
    layout->set(e, 1, Rivulet::Runtime::Value::ofInt(-7));
    layout->set(e, 2, Rivulet::Runtime::Value::ofLong(1'700'000'000'000));
    layout->set(e, 3, Rivulet::Runtime::Value::ofFloat(1.5f));
    layout->set(e, 4, Rivulet::Runtime::Value::ofDouble(6.9337));
    layout->set(e, 5, Rivulet::Runtime::Value::ofBool(true));
    QCOMPARE(sink.payload(stream, *e),
             QByteArray("{\"event\":{\"s\":\"say \\\"hi\\\"\\n\",\"i\":-7,"
                        "\"l\":1700000000000,\"f\":1.5,\"d\":6.9337,\"b\":true,"
                        "\"n\":null}}"));
    layout->release(e);
}

void tst_Remote::httpDelivers()
{
    HttpReceiver receiver;
    QVERIFY(receiver.listen());
    HttpSink sink(QUrl(QStringLiteral("http://127.0.0.1:%1/trains").arg(receiver.port())));
    Simulation sim;
    Simulation::Options o;
    o.rate = 0;
    QString error;
    QVERIFY2(sim.prepare(trainConfig(60), &sink, o, &error), qPrintable(error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(sim.state(), Simulation::State::Finished);
    QCOMPARE(sink.delivered(), qint64(60));
    QCOMPARE(sink.rejected(), qint64(0));
    QCOMPARE(receiver.requests.size(), 60);
    QList<qint64> timestamps;
    for (const HttpReceiver::Request &r : std::as_const(receiver.requests)) {
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/trains"));
        QCOMPARE(r.contentType, QByteArray("application/json"));
        const QJsonObject event =
            QJsonDocument::fromJson(r.body).object()[QStringLiteral("event")].toObject();
        QCOMPARE(event.keys(), (QStringList{QStringLiteral("latitude"), QStringLiteral("longitude"),
                                            QStringLiteral("speed"), QStringLiteral("timestamp"),
                                            QStringLiteral("trainId")}));
        QVERIFY(event[QStringLiteral("trainId")].isString());
        QVERIFY(event[QStringLiteral("latitude")].isDouble());
        QCOMPARE(event[QStringLiteral("speed")].toDouble(), 80.0);
        timestamps << qint64(event[QStringLiteral("timestamp")].toDouble());
    }
    // Every event arrived once (requests run on several connections, so in any order).
    std::sort(timestamps.begin(), timestamps.end());
    for (int i = 0; i < timestamps.size(); ++i)
        QCOMPARE(timestamps[i], qint64(1000 + i * 500));
}

void tst_Remote::httpRejected()
{
    HttpReceiver receiver;
    receiver.status = [](int i) { return i % 4 == 0 ? 400 : 200; };
    QVERIFY(receiver.listen());
    HttpSink sink(QUrl(QStringLiteral("http://127.0.0.1:%1/trains").arg(receiver.port())));
    Simulation sim;
    Simulation::Options o;
    o.rate = 0;
    QString error;
    QVERIFY(sim.prepare(trainConfig(40), &sink, o, &error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QVERIFY(finished.wait(20000));
    // Refused events are counted; the run goes on.
    QCOMPARE(sim.state(), Simulation::State::Finished);
    QCOMPARE(sink.rejected(), qint64(10));
    QCOMPARE(sink.delivered(), qint64(30));
}

void tst_Remote::httpBackPressure()
{
    HttpReceiver receiver;
    receiver.hold = true;
    QVERIFY(receiver.listen());
    HttpSink sink(QUrl(QStringLiteral("http://127.0.0.1:%1/trains").arg(receiver.port())));
    Simulation sim;
    Simulation::Options o;
    o.rate = 0;
    QString error;
    QVERIFY(sim.prepare(trainConfig(100), &sink, o, &error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    // With no answers, sending stops at the in-flight limit.
    QTRY_COMPARE_WITH_TIMEOUT(sim.sent(), qint64(HttpSink::kMaxInFlight), 10000);
    QVERIFY(sink.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(receiver.requests.size() >= 6, 10000);
    QCOMPARE(sim.sent(), qint64(HttpSink::kMaxInFlight));
    receiver.release();
    QVERIFY(finished.wait(20000));
    QCOMPARE(sim.state(), Simulation::State::Finished);
    QCOMPARE(sink.delivered(), qint64(100));
}

void tst_Remote::httpRefused()
{
    quint16 port;
    {
        QTcpServer s; // a port that was free a moment ago, and is closed now
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        port = s.serverPort();
    }
    HttpSink sink(QUrl(QStringLiteral("http://127.0.0.1:%1/trains").arg(port)));
    Simulation sim;
    Simulation::Options o;
    o.rate = 0;
    QString error;
    QVERIFY(sim.prepare(trainConfig(10), &sink, o, &error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(sim.state(), Simulation::State::Failed);
    QVERIFY2(sim.errorString().startsWith(QStringLiteral("http://127.0.0.1:%1/trains: ").arg(port))
                 && sim.errorString().contains(QStringLiteral("refused")),
             qPrintable(sim.errorString()));
}

void tst_Remote::webSocketDelivers()
{
    WsReceiver receiver;
    QVERIFY(receiver.listen());
    WebSocketSink sink(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(receiver.port())));
    Simulation sim;
    Simulation::Options o;
    o.rate = 0;
    QString error;
    QVERIFY2(sim.prepare(trainConfig(500), &sink, o, &error), qPrintable(error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(sim.state(), Simulation::State::Finished);
    // Everything arrived, in order, before the connection was closed.
    QTRY_COMPARE_WITH_TIMEOUT(receiver.disconnections, 1, 10000);
    QCOMPARE(receiver.connections, 1);
    QCOMPARE(receiver.messages.size(), 500);
    for (int i = 0; i < receiver.messages.size(); ++i) {
        const QJsonObject event = QJsonDocument::fromJson(receiver.messages[i].toUtf8())
                                      .object()[QStringLiteral("event")]
                                      .toObject();
        QCOMPARE(qint64(event[QStringLiteral("timestamp")].toDouble()), qint64(1000 + i * 500));
        QCOMPARE(event[QStringLiteral("trainId")].toString(),
                 i % 2 ? QStringLiteral("123") : QStringLiteral("456"));
    }
}

void tst_Remote::webSocketRefused()
{
    quint16 port;
    {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        port = s.serverPort();
    }
    WebSocketSink sink(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    Simulation sim;
    QString error;
    QVERIFY(sim.prepare(trainConfig(10), &sink, {}, &error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(sim.state(), Simulation::State::Failed);
    QVERIFY2(sim.errorString().contains(QStringLiteral("refused")), qPrintable(sim.errorString()));
}

void tst_Remote::webSocketStop()
{
    // Stopped midway: what was sent still arrives, then the connection closes.
    WsReceiver receiver;
    QVERIFY(receiver.listen());
    WebSocketSink sink(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(receiver.port())));
    Simulation sim;
    Simulation::Options o;
    o.rate = 20000;
    o.count = 10'000'000;
    QString error;
    QVERIFY(sim.prepare(trainConfig(10), &sink, o, &error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QTRY_VERIFY_WITH_TIMEOUT(sim.sent() >= 2000, 20000);
    sim.stop();
    if (finished.isEmpty())
        QVERIFY(finished.wait(20000));
    QCOMPARE(sim.state(), Simulation::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.disconnections, 1, 10000);
    QCOMPARE(qint64(receiver.messages.size()), sim.sent());
}

void tst_Remote::schemasFromTheApp()
{
    // The app tells the stream's attributes (their order and types win over the source's).
    const Rivulet::Lang::CompiledApp app = Rivulet::Lang::compileApp(
        "define stream TrainSensorStream (speed int, trainId string, latitude float, "
        "longitude float);");
    WsReceiver receiver;
    QVERIFY(receiver.listen());
    WebSocketSink sink(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(receiver.port())));
    sink.setSchemas({StreamSchema::fromApp(app, QStringLiteral("TrainSensorStream"))});
    Simulation sim;
    Simulation::Options o;
    o.rate = 0;
    QString error;
    QVERIFY(sim.prepare(trainConfig(2), &sink, o, &error));
    QSignalSpy finished(&sim, &Simulation::finished);
    sim.start();
    QVERIFY(finished.wait(20000));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.messages.size(), 2, 10000);
    QVERIFY2(receiver.messages[0].startsWith(
                 QStringLiteral(R"({"event":{"speed":80,"trainId":"456","latitude":6.93)")),
             qPrintable(receiver.messages[0]));
}

void tst_Remote::badTargets()
{
    QString error;
    QVERIFY(!RemoteSink::create(QUrl(QStringLiteral("ftp://host/x")), &error));
    QVERIFY2(error.contains(QStringLiteral("must be an http://, https://, ws:// or wss:// URL")),
             qPrintable(error));
    QVERIFY(!RemoteSink::create(QUrl(QStringLiteral("localhost:8006")), &error));
    QVERIFY(RemoteSink::create(QUrl(QStringLiteral("https://example.invalid/x")), &error));
    QVERIFY(RemoteSink::create(QUrl(QStringLiteral("wss://example.invalid/")), &error));
}

QTEST_GUILESS_MAIN(tst_Remote)
#include "tst_remote.moc"
