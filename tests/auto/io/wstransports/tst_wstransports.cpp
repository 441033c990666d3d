// The WebSocket transports in running apps: websocket-server source (sensors push frames) and
// sink (clients subscribe), and the websocket client source and sink against a WsServer, with
// reconnection and the sink's queue while disconnected. Real Qt clients, ports the tests bind.
#include "../iotest.h"

#include "engine/io/wsserver.h"

#include <QMutex>
#include <QWebSocket>
#include <QtTest>

using namespace Rivulet;

namespace {

const char *kTrains = "(trainId string, latitude double, longitude double, speed double)";

quint16 portOf(const QString &endpoint)
{
    return quint16(QUrl(endpoint).port());
}

// A WsServer that records the handshakes and messages it gets (called on its own thread).
class Recorder
{
public:
    explicit Recorder(quint16 port = 0)
    {
        Io::WsServerOptions o;
        o.host = "127.0.0.1";
        o.port = port;
        m_server = std::make_unique<Io::WsServer>(o);
        m_server->setHandshakeHandler([this](const Io::HandshakeRequest &r) {
            QMutexLocker lock(&m_mutex);
            m_handshakes << r;
            return Io::HandshakeDecision();
        });
        m_server->setMessageHandler([this](uint64_t, uint64_t, const QByteArray &m) {
            QMutexLocker lock(&m_mutex);
            m_messages << m;
        });
    }
    bool start(QString *error) { return m_server->start(error); }
    Io::WsServer &server() { return *m_server; }
    QList<QByteArray> messages() const
    {
        QMutexLocker lock(&m_mutex);
        return m_messages;
    }
    QList<Io::HandshakeRequest> handshakes() const
    {
        QMutexLocker lock(&m_mutex);
        return m_handshakes;
    }

private:
    std::unique_ptr<Io::WsServer> m_server;
    mutable QMutex m_mutex;
    QList<QByteArray> m_messages;
    QList<Io::HandshakeRequest> m_handshakes;
};

} // namespace

class tst_WsTransports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serverSourceTakesFrames();
    void serverSourceRejectsBadInput_data();
    void serverSourceRejectsBadInput();
    void serverSourceOversizedFrame();
    void serverSourceClientGoneMidFrame();
    void serverSinkServesEveryClient();
    void serverSinkBusyPort();
    void clientSourceHeadersAndReconnect();
    void clientSinkQueuesWhileDisconnected();
    void clientSinkQueueIsBounded();
};

void tst_WsTransports::serverSourceTakesFrames()
{
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(QStringLiteral("@source(type='websocket-server', host='127.0.0.1', "
                                      "port='0', @map(type='json'))\n"
                                      "define stream Trains %1;\n")
                           .arg(QLatin1String(kTrains)),
                       &error, {QStringLiteral("Trains")}),
             qPrintable(error));
    const quint16 port = portOf(app.io().sources().front()->endpoint());
    QVERIFY(port != 0);
    QWebSocket sensor;
    sensor.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    QTRY_COMPARE_WITH_TIMEOUT(sensor.state(), QAbstractSocket::ConnectedState, 5000);
    sensor.sendTextMessage(QStringLiteral(
        R"({"event":{"trainId":"456","latitude":6.9271,"longitude":79.8612,"speed":62.5}})"));
    sensor.sendTextMessage(
        QStringLiteral(R"([{"event":{"trainId":"1","latitude":1,"longitude":2,"speed":3}},)"
                       R"({"event":{"trainId":"2","latitude":4,"longitude":5,"speed":6}}])"));
    QTRY_COMPARE_WITH_TIMEOUT(
        app.events(QStringLiteral("Trains")),
        (QStringList{QStringLiteral("456|6.9271|79.8612|62.5"), QStringLiteral("1|1.0|2.0|3.0"),
                     QStringLiteral("2|4.0|5.0|6.0")}),
        5000);
    QCOMPARE(app.io().sources().front()->received(), qint64(3));
}

void tst_WsTransports::serverSourceRejectsBadInput_data()
{
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QString>("error");
    QTest::newRow("bad JSON") << QStringLiteral(R"({"event":{"trainId":"456",)")
                              << QStringLiteral("not valid JSON");
    QTest::newRow("not an event") << QStringLiteral(R"({"trainId":"456"})")
                                  << QStringLiteral("expected {\"event\":{...}}");
    QTest::newRow("wrong type")
        << QStringLiteral(
               R"({"event":{"trainId":"456","latitude":"north","longitude":1,"speed":2}})")
        << QStringLiteral("attribute 'latitude' is a double, but the value \"north\" is not");
    QTest::newRow("missing attribute")
        << QStringLiteral(R"({"event":{"trainId":"456","latitude":1,"longitude":2}})")
        << QStringLiteral("attribute 'speed' is missing");
    QTest::newRow("empty") << QString() << QStringLiteral("not valid JSON");
}

void tst_WsTransports::serverSourceRejectsBadInput()
{
    QFETCH(QString, frame);
    QFETCH(QString, error);
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@source(type='websocket-server', host='127.0.0.1', "
                                      "port='0')\n"
                                      "define stream Trains %1;\n")
                           .arg(QLatin1String(kTrains)),
                       &problem, {QStringLiteral("Trains")}),
             qPrintable(problem));
    const auto &source = app.io().sources().front();
    QWebSocket sensor;
    sensor.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(portOf(source->endpoint()))));
    QTRY_COMPARE_WITH_TIMEOUT(sensor.state(), QAbstractSocket::ConnectedState, 5000);
    sensor.sendTextMessage(frame);
    QTRY_COMPARE_WITH_TIMEOUT(source->rejected(), qint64(1), 5000);
    QVERIFY2(app.logText().contains(error), qPrintable(app.logText()));
    QVERIFY2(app.logText().contains(QLatin1String("@source(type='websocket-server') on stream "
                                                  "Trains (test.siddhi:1)")),
             qPrintable(app.logText()));
    // Nothing stops: the same connection goes on, and the next good frame arrives.
    sensor.sendTextMessage(
        QStringLiteral(R"({"event":{"trainId":"7","latitude":1,"longitude":2,"speed":3}})"));
    QTRY_COMPARE_WITH_TIMEOUT(app.events(QStringLiteral("Trains")),
                              QStringList{QStringLiteral("7|1.0|2.0|3.0")}, 5000);
    QCOMPARE(sensor.state(), QAbstractSocket::ConnectedState);
}

void tst_WsTransports::serverSourceOversizedFrame()
{
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@source(type='websocket-server', host='127.0.0.1', "
                                      "port='0')\n"
                                      "define stream Trains %1;\n")
                           .arg(QLatin1String(kTrains)),
                       &problem, {QStringLiteral("Trains")}),
             qPrintable(problem));
    const QUrl url(app.io().sources().front()->endpoint());
    QWebSocket big;
    bool closed = false;
    connect(&big, &QWebSocket::disconnected, this, [&closed] { closed = true; });
    big.open(url);
    QTRY_COMPARE_WITH_TIMEOUT(big.state(), QAbstractSocket::ConnectedState, 5000);
    big.sendTextMessage(QString(2 * 1024 * 1024, u' ')); // more than the 1 MiB limit
    QTRY_VERIFY_WITH_TIMEOUT(closed, 10000);
    QCOMPARE(big.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QWebSocket next;
    next.open(url);
    QTRY_COMPARE_WITH_TIMEOUT(next.state(), QAbstractSocket::ConnectedState, 5000);
    next.sendTextMessage(
        QStringLiteral(R"({"event":{"trainId":"8","latitude":1,"longitude":2,"speed":3}})"));
    QTRY_COMPARE_WITH_TIMEOUT(app.events(QStringLiteral("Trains")).size(), 1, 5000);
}

void tst_WsTransports::serverSourceClientGoneMidFrame()
{
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@source(type='websocket-server', host='127.0.0.1', "
                                      "port='0')\n"
                                      "define stream Trains %1;\n")
                           .arg(QLatin1String(kTrains)),
                       &problem, {QStringLiteral("Trains")}),
             qPrintable(problem));
    const auto &source = app.io().sources().front();
    const quint16 port = portOf(source->endpoint());
    for (int i = 0; i < 20; ++i) {
        IoTest::RawWebSocket raw(port);
        QVERIFY(raw.ok());
        // A frame that announces 100 bytes, then 10 of them, then the socket goes.
        QVERIFY(raw.write(IoTest::RawWebSocket::textHeader(100) + QByteArray(10, '{')));
        raw.close();
    }
    QWebSocket sensor;
    sensor.open(QUrl(source->endpoint()));
    QTRY_COMPARE_WITH_TIMEOUT(sensor.state(), QAbstractSocket::ConnectedState, 5000);
    sensor.sendTextMessage(
        QStringLiteral(R"({"event":{"trainId":"9","latitude":1,"longitude":2,"speed":3}})"));
    QTRY_COMPARE_WITH_TIMEOUT(app.events(QStringLiteral("Trains")),
                              QStringList{QStringLiteral("9|1.0|2.0|3.0")}, 5000);
    QCOMPARE(source->rejected(), qint64(0)); // half a frame is not a message
}

void tst_WsTransports::serverSinkServesEveryClient()
{
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("define stream In %1;\n"
                                      "@sink(type='websocket-server', host='127.0.0.1', port='0')\n"
                                      "define stream Out %1;\n"
                                      "from In[speed >= 0.0] select * insert into Out;\n")
                           .arg(QLatin1String(kTrains)),
                       &problem),
             qPrintable(problem));
    const QUrl url(app.io().sinks().front()->endpoint());
    QWebSocket a, b;
    QStringList gotA, gotB;
    connect(&a, &QWebSocket::textMessageReceived, this, [&gotA](const QString &m) { gotA << m; });
    connect(&b, &QWebSocket::textMessageReceived, this, [&gotB](const QString &m) { gotB << m; });
    a.open(url);
    b.open(url);
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), QAbstractSocket::ConnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(b.state(), QAbstractSocket::ConnectedState, 5000);
    Runtime::InputHandler *in = app.runtime().inputHandler(QStringLiteral("In"));
    QVERIFY(in->send({QStringLiteral("456"), 6.5, 79.5, 62.5}));
    QVERIFY(in->send({QStringLiteral("bad"), 6.5, 79.5, -1.0}));
    const QStringList expected{QStringLiteral(
        R"({"event":{"trainId":"456","latitude":6.5,"longitude":79.5,"speed":62.5}})")};
    QTRY_COMPARE_WITH_TIMEOUT(gotA, expected, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(gotB, expected, 5000);
    // Stopping closes every client with 1001.
    app.stop();
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(b.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(a.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QCOMPARE(b.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
}

void tst_WsTransports::serverSinkBusyPort()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    IoTest::App app;
    QString problem;
    QVERIFY(!app.start(QStringLiteral("@sink(type='websocket-server', host='127.0.0.1', "
                                      "port='%1')\n"
                                      "define stream Out (a int);\n")
                           .arg(busy.serverPort()),
                       &problem));
    QVERIFY2(problem.contains(QString::number(busy.serverPort())), qPrintable(problem));
    QVERIFY2(problem.contains(QLatin1String("@sink(type='websocket-server') on stream Out")),
             qPrintable(problem));
    QVERIFY2(!problem.contains(u'\n'), qPrintable(problem));
}

void tst_WsTransports::clientSourceHeadersAndReconnect()
{
    Recorder server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    const quint16 port = server.server().port();
    IoTest::App app;
    QVERIFY2(app.start(QStringLiteral("@source(type='websocket', url='ws://127.0.0.1:%1/feed', "
                                      "headers=\"'X-Token:abc','X-Site: north'\", "
                                      "sub.protocol='trains.v1', reconnect.interval='20', "
                                      "reconnect.max.interval='100', @map(type='text'))\n"
                                      "define stream Feed (line string, n int);\n")
                           .arg(port),
                       &error, {QStringLiteral("Feed")}),
             qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(server.server().stats().clients, int64_t(1), 5000);
    const Io::HandshakeRequest hs = server.handshakes().value(0);
    QCOMPARE(hs.path(), QByteArray("/feed"));
    QCOMPARE(hs.header("X-Token"), QByteArray("abc"));
    QCOMPARE(hs.header("X-Site"), QByteArray("north"));
    QCOMPARE(hs.header("Sec-WebSocket-Protocol"), QByteArray("trains.v1"));
    server.server().broadcast(-1, Io::Frame::text("line:\"first\",\nn:1"));
    QTRY_COMPARE_WITH_TIMEOUT(app.events(QStringLiteral("Feed")),
                              QStringList{QStringLiteral("first|1")}, 5000);

    // The server goes away and comes back on the same port: the source reconnects.
    server.server().stop();
    QTRY_VERIFY_WITH_TIMEOUT(app.logText().contains(QLatin1String("lost the connection to")), 5000);
    Recorder again(port);
    QVERIFY2(again.start(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(again.server().stats().clients, int64_t(1), 10000);
    again.server().broadcast(-1, Io::Frame::text("line:\"second\",\nn:2"));
    QTRY_COMPARE_WITH_TIMEOUT(app.events(QStringLiteral("Feed")).size(), 2, 5000);
    QCOMPARE(app.events(QStringLiteral("Feed")).value(1), QStringLiteral("second|2"));
    // A bad message is rejected and counted; the connection stays.
    again.server().broadcast(-1, Io::Frame::text("line:\"third\",\nn:many"));
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sources().front()->rejected(), qint64(1), 5000);
    QCOMPARE(again.server().stats().clients, int64_t(1));
    app.stop();
    QTRY_COMPARE_WITH_TIMEOUT(again.server().stats().clients, int64_t(0), 5000);
}

void tst_WsTransports::clientSinkQueuesWhileDisconnected()
{
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(QStringLiteral("@sink(type='websocket', url='ws://127.0.0.1:%1/', "
                                      "reconnect.interval='20', reconnect.max.interval='100')\n"
                                      "define stream Out (id string, n int);\n")
                           .arg(port),
                       &error),
             qPrintable(error));
    Runtime::InputHandler *out = app.runtime().inputHandler(QStringLiteral("Out"));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(out->send({QStringLiteral("e%1").arg(i), i}));
    QTRY_VERIFY_WITH_TIMEOUT(app.logText().contains(QLatin1String("cannot connect to")), 5000);
    Recorder server(port);
    QVERIFY2(server.start(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(server.messages().size(), 3, 10000);
    QCOMPARE(server.messages(),
             (QList<QByteArray>{R"({"event":{"id":"e1","n":1}})", R"({"event":{"id":"e2","n":2}})",
                                R"({"event":{"id":"e3","n":3}})"}));
    // Connected: events go straight out.
    QVERIFY(out->send({QStringLiteral("e4"), 4}));
    QTRY_COMPARE_WITH_TIMEOUT(server.messages().size(), 4, 5000);
    QCOMPARE(app.io().sinks().front()->published(), qint64(4));
    QCOMPARE(app.io().sinks().front()->failed(), qint64(0));
}

void tst_WsTransports::clientSinkQueueIsBounded()
{
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(QStringLiteral("@sink(type='websocket', url='ws://127.0.0.1:%1/', "
                                      "queue.size='2', reconnect.interval='20', "
                                      "reconnect.max.interval='50', @map(type='csv'))\n"
                                      "define stream Out (id string, n int);\n")
                           .arg(port),
                       &error),
             qPrintable(error));
    Runtime::InputHandler *out = app.runtime().inputHandler(QStringLiteral("Out"));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(out->send({QStringLiteral("e%1").arg(i), i}));
    QCOMPARE(app.io().sinks().front()->failed(), qint64(3));
    QVERIFY2(app.logText().contains(QLatin1String("dropped the oldest")),
             qPrintable(app.logText()));
    Recorder server(port);
    QVERIFY2(server.start(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(server.messages().size(), 2, 10000);
    QCOMPARE(server.messages(), (QList<QByteArray>{"e4,4\n", "e5,5\n"}));
}

QTEST_GUILESS_MAIN(tst_WsTransports)
#include "tst_wstransports.moc"
