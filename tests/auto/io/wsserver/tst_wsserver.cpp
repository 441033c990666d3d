// The epoll WebSocket server with real clients: Qt's QWebSocket, and a raw socket for a client
// that never reads. Port 0; every wait is for a condition, with a deadline.
#include "engine/io/wsserver.h"

#include <QAtomicInteger>
#include <QMutex>
#include <QWebSocket>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace Rivulet::Io;

namespace {

QUrl urlOf(const WsServer &server)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.port()));
}

// Resident memory of this process in KiB.
qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// A client that completes the handshake and then never reads: its receive buffer is small,
// so the kernel stops taking data soon and the server's queue for it fills.
class StuckClient
{
public:
    explicit StuckClient(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int small = 4096;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
            return;
        const QByteArray request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\n\r\n";
        if (::write(m_fd, request.constData(), size_t(request.size())) != request.size())
            return;
        // Read the 101 response up to its blank line, one byte at a time, and no further.
        QByteArray response;
        char c = 0;
        while (!response.endsWith("\r\n\r\n") && ::read(m_fd, &c, 1) == 1)
            response += c;
        m_ok = response.startsWith("HTTP/1.1 101");
    }
    ~StuckClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_ok; }

private:
    int m_fd = -1;
    bool m_ok = false;
};

} // namespace

class tst_WsServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyClientGetsEveryFrame();
    void messagesFromClients();
    void oversizedMessageClosedWith1009();
    void thousandClientsConnectAndLeave();
    void clientThatNeverReadsIsDropped();
    void dropOldestKeepsSlowClient();
    void stopClosesClientsWith1001();
    void busyPort();
};

void tst_WsServer::initTestCase()
{
    // A thousand clients and their server ends need two thousand descriptors.
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

void tst_WsServer::everyClientGetsEveryFrame()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    WsServer server(o);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QVERIFY(server.port() != 0);

    std::vector<std::unique_ptr<QWebSocket>> clients;
    std::vector<QStringList> received(5);
    for (int i = 0; i < 5; ++i) {
        auto c = std::make_unique<QWebSocket>();
        connect(c.get(), &QWebSocket::textMessageReceived, this,
                [&received, i](const QString &m) { received[size_t(i)] << m; });
        c->open(urlOf(server));
        clients.push_back(std::move(c));
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(5), 5000);
    for (int n = 0; n < 3; ++n)
        server.broadcast(-1, Frame::text("event " + QByteArray::number(n)));
    for (int i = 0; i < 5; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(received[size_t(i)],
                                  (QStringList{QStringLiteral("event 0"), QStringLiteral("event 1"),
                                               QStringLiteral("event 2")}),
                                  5000);
    QCOMPARE(server.stats().framesQueued, int64_t(15));
    server.stop();
}

void tst_WsServer::messagesFromClients()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    WsServer server(o);
    QMutex mutex;
    QList<QByteArray> messages;
    server.setMessageHandler([&](uint64_t, uint64_t, const QByteArray &m) {
        QMutexLocker lock(&mutex);
        messages << m;
    });
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QWebSocket client;
    client.open(urlOf(server));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);
    client.sendTextMessage(QStringLiteral("hello"));
    client.sendBinaryMessage(QByteArray("\x01\x02", 2));
    client.sendTextMessage(QString(70000, u'x')); // a long frame (64-bit length)
    auto count = [&] {
        QMutexLocker lock(&mutex);
        return messages.size();
    };
    QTRY_COMPARE_WITH_TIMEOUT(count(), 3, 5000);
    QMutexLocker lock(&mutex);
    QCOMPARE(messages[0], QByteArray("hello"));
    QCOMPARE(messages[1], QByteArray("\x01\x02", 2));
    QCOMPARE(messages[2].size(), 70000);
}

void tst_WsServer::oversizedMessageClosedWith1009()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    o.maxMessageBytes = 1024;
    WsServer server(o);
    QAtomicInteger<int> received = 0;
    server.setMessageHandler([&](uint64_t, uint64_t, const QByteArray &) { ++received; });
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QWebSocket client;
    bool disconnected = false;
    connect(&client, &QWebSocket::disconnected, this, [&] { disconnected = true; });
    client.open(urlOf(server));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);
    client.sendTextMessage(QString(1000, u'a'));
    QTRY_COMPARE_WITH_TIMEOUT(received.loadRelaxed(), 1, 5000);
    client.sendTextMessage(QString(2000, u'b'));
    QTRY_VERIFY_WITH_TIMEOUT(disconnected, 5000);
    QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData); // 1009
    QCOMPARE(received.loadRelaxed(), 1);
    // The server goes on: a new client is served.
    QWebSocket next;
    next.open(urlOf(server));
    QTRY_COMPARE_WITH_TIMEOUT(next.state(), QAbstractSocket::ConnectedState, 5000);
}

void tst_WsServer::thousandClientsConnectAndLeave()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    WsServer server(o);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    constexpr int kClients = 1000;
    std::vector<std::unique_ptr<QWebSocket>> clients;
    int received = 0;
    int closed = 0;
    for (int round = 0; round < 2; ++round) {
        clients.clear();
        received = 0;
        for (int i = 0; i < kClients; ++i) {
            auto c = std::make_unique<QWebSocket>();
            connect(c.get(), &QWebSocket::textMessageReceived, this,
                    [&received](const QString &) { ++received; });
            c->open(urlOf(server));
            clients.push_back(std::move(c));
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(kClients), 30000);
        server.broadcast(-1, Frame::text("to everyone"));
        QTRY_COMPARE_WITH_TIMEOUT(received, kClients, 30000);
        // Half leave politely, half just drop their sockets.
        for (int i = 0; i < kClients; ++i) {
            if (i % 2)
                clients[size_t(i)]->close();
            else
                clients[size_t(i)]->abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(0), 30000);
        closed += kClients;
    }
    QCOMPARE(server.stats().accepted, int64_t(2 * kClients));
    QCOMPARE(closed, 2 * kClients);
    // The server still serves.
    QWebSocket last;
    QString got;
    connect(&last, &QWebSocket::textMessageReceived, this, [&got](const QString &m) { got = m; });
    last.open(urlOf(server));
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(1), 5000);
    server.broadcast(-1, Frame::text("still here"));
    QTRY_COMPARE_WITH_TIMEOUT(got, QStringLiteral("still here"), 5000);
}

void tst_WsServer::clientThatNeverReadsIsDropped()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    o.sendQueueLimit = 8;
    WsServer server(o);
    QMutex mutex;
    QList<int> codes;
    server.setDisconnectHandler([&](uint64_t, uint64_t, int code) {
        QMutexLocker lock(&mutex);
        codes << code;
    });
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    StuckClient stuck(server.port());
    QVERIFY(stuck.ok());
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(1), 5000);

    // Push far more than the kernel's buffers and the queue hold: 1,000 frames of 64 KiB.
    const qint64 before = residentKiB();
    const QByteArray payload(64 * 1024, 'x');
    QDeadlineTimer deadline(20000);
    int sent = 0;
    while (server.stats().slowClientsClosed == 0 && !deadline.hasExpired() && sent < 1000) {
        server.broadcast(-1, Frame::text(payload));
        ++sent;
        if (sent % 16 == 0)
            QTest::qWait(1); // let the server's thread write
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().slowClientsClosed, int64_t(1), 10000);
    QCOMPARE(server.stats().clients, int64_t(0));
    {
        QMutexLocker lock(&mutex);
        QCOMPARE(codes, QList<int>{1008});
    }
    // Without a bound the loop above would have queued all 1,000 frames (64 MiB) for it;
    // memory stays near the queue and the socket buffers.
    const qint64 after = residentKiB();
    QVERIFY2(after - before < 32 * 1024,
             qPrintable(QStringLiteral("resident memory grew by %1 KiB").arg(after - before)));
}

void tst_WsServer::dropOldestKeepsSlowClient()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    o.sendQueueLimit = 4;
    o.slowClientPolicy = WsServerOptions::SlowClientPolicy::DropOldest;
    WsServer server(o);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    StuckClient stuck(server.port());
    QVERIFY(stuck.ok());
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(1), 5000);
    const QByteArray payload(64 * 1024, 'y');
    QDeadlineTimer deadline(20000);
    while (server.stats().framesDropped == 0 && !deadline.hasExpired()) {
        server.broadcast(-1, Frame::text(payload));
        QTest::qWait(1);
    }
    QVERIFY2(server.stats().framesDropped > 0, qPrintable(QStringLiteral("closed %1 clients %2")
                                                              .arg(server.stats().slowClientsClosed)
                                                              .arg(server.stats().clients)));
    QCOMPARE(server.stats().slowClientsClosed, int64_t(0));
    QCOMPARE(server.stats().clients, int64_t(1));
}

void tst_WsServer::stopClosesClientsWith1001()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    WsServer server(o);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QWebSocket a, b;
    a.open(urlOf(server));
    b.open(urlOf(server));
    QTRY_COMPARE_WITH_TIMEOUT(server.stats().clients, int64_t(2), 5000);
    server.stop();
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(b.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(a.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QCOMPARE(b.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
}

void tst_WsServer::busyPort()
{
    WsServerOptions o;
    o.host = "127.0.0.1";
    WsServer first(o);
    QString error;
    QVERIFY2(first.start(&error), qPrintable(error));
    o.port = first.port();
    WsServer second(o);
    QVERIFY(!second.start(&error));
    QVERIFY2(error.contains(QString::number(o.port)), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_WsServer)
#include "tst_wsserver.moc"
