// The engine's HTTP/1.1 server (engine/io/httplistener) driven by a raw QTcpSocket on 127.0.0.1:
// the test writes request bytes and checks the response bytes. Routing, keep-alive and
// pipelining, requests in pieces, bodies by length and in chunks, 100-continue, HEAD and the
// bodiless statuses, closing, malformed input, and what handlers may do. Port 0; every wait is
// for a condition or a signal, with a deadline.
#include "engine/io/httplistener.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <memory>

using Rivulet::Io::HttpListener;
using Rivulet::Io::HttpRequest;
using Rivulet::Io::HttpResponder;

namespace {

constexpr int kTimeout = 10000;

// One response as read off the wire.
struct Response
{
    int status = 0;
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray raw; // the status line to the end of the body, as received

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    int count(const QByteArray &name) const
    {
        int n = 0;
        for (const auto &h : headers)
            n += h.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
        return n;
    }
    // The listener's own errors: application/json with an "error" member.
    bool isJsonError() const
    {
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        return header("Content-Type") == "application/json" && doc.isObject()
               && doc.object().value(QLatin1String("error")).isString()
               && header("Content-Length") == QByteArray::number(body.size());
    }
};

// A client on a plain socket: writes raw bytes, reads responses one at a time.
class Client
{
public:
    explicit Client(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_in += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    }

    bool waitConnected()
    {
        const bool connected = QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, kTimeout);
        // Small pieces go out at once, not held back for an ACK (Nagle's algorithm).
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        return connected;
    }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // Sends bytes and runs the event loop until the listener has read (and so parsed) them, or
    // has answered.
    bool sendAndWaitRead(const QByteArray &bytes, QTcpSocket *server);

    // The next response; head: it answers a HEAD request (no body follows its headers).
    bool next(Response *r, bool head = false)
    {
        bool complete = false;
        (void)QTest::qWaitFor(
            [&] {
                const bool closed = m_socket.state() == QAbstractSocket::UnconnectedState;
                if (closed)
                    m_in += m_socket.readAll();
                complete = take(r, head, closed);
                return complete || closed;
            },
            kTimeout);
        return complete;
    }

    // Waits for the listener to close the connection.
    bool waitClosed()
    {
        const bool closed = QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, kTimeout);
        m_in += m_socket.readAll();
        return closed;
    }

    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QByteArray unread() const { return m_in; }
    QTcpSocket &socket() { return m_socket; }

private:
    bool take(Response *r, bool head, bool closed)
    {
        const qsizetype headEnd = m_in.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        Response out;
        const QList<QByteArray> lines = m_in.left(headEnd).split('\n');
        out.statusLine = lines.value(0).chopped(lines.size() > 1 ? 1 : 0);
        if (!out.statusLine.startsWith("HTTP/1.1 "))
            return false;
        out.status = out.statusLine.mid(9, 3).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            QByteArray line = lines[i];
            if (line.endsWith('\r'))
                line.chop(1);
            const qsizetype colon = line.indexOf(':');
            out.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
        }
        qsizetype end = headEnd + 4;
        const bool bodiless = head || out.status < 200 || out.status == 204 || out.status == 304;
        if (!bodiless) {
            bool hasLength = false;
            const qsizetype length = out.header("Content-Length").toLongLong(&hasLength);
            if (hasLength) {
                if (m_in.size() < end + length)
                    return false;
                end += length;
            } else if (closed) {
                end = m_in.size(); // delimited by the close
            } else {
                return false;
            }
            out.body = m_in.mid(headEnd + 4, end - headEnd - 4);
        }
        out.raw = m_in.left(end);
        m_in.remove(0, end);
        *r = out;
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_in;
};

// Connections the listener holds (the sockets it accepted, not yet freed).
int connections(const HttpListener &listener)
{
    return int(listener.findChildren<QTcpSocket *>().size());
}

// The listener's end of the one connection a test opened (found among the listener's children),
// for waitAllRead.
QTcpSocket *serverSocket(const HttpListener &listener)
{
    QTcpSocket *found = nullptr;
    (void)QTest::qWaitFor(
        [&] {
            for (QTcpSocket *s : listener.findChildren<QTcpSocket *>()) {
                if (!qobject_cast<QTcpServer *>(s->parent()))
                    found = s;
            }
            return found != nullptr;
        },
        kTimeout);
    return found;
}

// Runs the event loop until the listener has read all the client wrote (nothing left in the
// client's buffer or kernel send queue, nor in the kernel receive queue or the buffer of the
// listener's socket), or has answered, or has closed and freed the connection.
bool waitAllRead(Client &c, QTcpSocket *server)
{
    const QPointer<QTcpSocket> end(server);
    return QTest::qWaitFor(
        [&] {
            if (!end || !c.unread().isEmpty())
                return true;
            int unsent = 0;
            int unread = 0;
            ::ioctl(int(c.socket().socketDescriptor()), SIOCOUTQ, &unsent);
            ::ioctl(int(end->socketDescriptor()), FIONREAD, &unread);
            return c.socket().bytesToWrite() == 0 && unsent == 0 && unread == 0
                   && end->bytesAvailable() == 0;
        },
        kTimeout);
}

bool Client::sendAndWaitRead(const QByteArray &bytes, QTcpSocket *server)
{
    send(bytes);
    return waitAllRead(*this, server);
}

void reply(HttpResponder &responder, int status, const QByteArray &body)
{
    responder.writeStatusLine(status);
    responder.writeHeader("Content-Type", "text/plain");
    responder.writeBody(body);
}

// A listener on 127.0.0.1, port 0, with an echo route (the body back, the method and target in
// headers) and a record of the requests its handlers got.
class Server
{
public:
    Server()
    {
        listener.addRoute(QStringLiteral("/echo"),
                          [this](const HttpRequest &request, HttpResponder &responder) {
                              requests << request;
                              responder.writeStatusLine(200);
                              responder.writeHeader("Content-Type", "application/octet-stream");
                              responder.writeHeader("X-Method", request.methodName());
                              responder.writeHeader("X-Target", request.target());
                              responder.writeBody(request.body());
                          });
    }

    bool listen()
    {
        QString error;
        if (!listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error)) {
            qWarning("listen: %s", qPrintable(error));
            return false;
        }
        return listener.port() != 0;
    }

    quint16 port() const { return listener.port(); }

    // A new connection that sends a GET to the echo route: the listener still serves.
    bool stillServes()
    {
        Client c(port());
        if (!c.waitConnected())
            return false;
        c.send("GET /echo?alive HTTP/1.1\r\nHost: t\r\n\r\n");
        Response r;
        return c.next(&r) && r.status == 200 && r.header("X-Target") == "/echo?alive";
    }

    HttpListener listener;
    QList<HttpRequest> requests;
};

// A string literal with the NULs in it.
template<qsizetype N>
QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QByteArray post(const QByteArray &target, const QByteArray &body)
{
    return "POST " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray chunkedPost(const QByteArray &target, const QByteArray &chunks)
{
    return "POST " + target + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
}

} // namespace

class tst_HttpListener : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void routing_data();
    void routing();
    void keepAlive_data();
    void keepAlive();
    void pipelining_data();
    void pipelining();
    void manyConnections();
    void pieces_data();
    void pieces();
    void bodies_data();
    void bodies();
    void chunkedSplit_data();
    void chunkedSplit();
    void expectContinue_data();
    void expectContinue();
    void expectContinueWithBodySent();
    void expectContinueAfterPipelinedRequest();
    void expectContinueHttp10();
    void head_data();
    void head();
    void bodilessStatuses_data();
    void bodilessStatuses();
    void connectionClose_data();
    void connectionClose();
    void malformed_data();
    void malformed();
    void malformedAfterGoodRequest();
    void headSizeLimit_data();
    void headSizeLimit();
    void silentHandler_data();
    void silentHandler();
    void headerInjection_data();
    void headerInjection();
    void handlerHeaders();
    void requestAccessors();
    void methods_data();
    void methods();
    void url_data();
    void url();
    void handlerChangesRoutes_data();
    void handlerChangesRoutes();
    void clientDisconnects_data();
    void clientDisconnects();
    void listenOnErrors_data();
    void listenOnErrors();
    void bindServer();
    void idleTimeout_data();
    void idleTimeout();
    void idleTimeoutSpareActive();
    void blankLinesAreNotKept();
};

// ---- routing ----------------------------------------------------------------------------------

void tst_HttpListener::routing_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body"); // the route that answered (for 200)

    QTest::newRow("exact route") << QByteArray("/exact") << 200 << QByteArray("exact");
    QTest::newRow("exact route with a query")
        << QByteArray("/exact?x=1") << 200 << QByteArray("exact");
    QTest::newRow("exact route does not match a longer path")
        << QByteArray("/exact/more") << 404 << QByteArray();
    QTest::newRow("exact route does not match a trailing slash")
        << QByteArray("/exact/") << 404 << QByteArray();
    QTest::newRow("prefix route") << QByteArray("/api/things") << 200 << QByteArray("api");
    QTest::newRow("prefix route, nested path")
        << QByteArray("/api/things/1/2?q=3") << 200 << QByteArray("api");
    QTest::newRow("prefix route, the prefix itself")
        << QByteArray("/api/") << 200 << QByteArray("api");
    QTest::newRow("prefix route does not match without its slash")
        << QByteArray("/api") << 404 << QByteArray();
    QTest::newRow("prefix route does not match a longer segment")
        << QByteArray("/apix/1") << 404 << QByteArray();
    QTest::newRow("longest prefix wins")
        << QByteArray("/api/v1/things") << 200 << QByteArray("api-v1");
    QTest::newRow("longest prefix wins, registered after a shorter one")
        << QByteArray("/api/v1/deep/x") << 200 << QByteArray("api-v1-deep");
    QTest::newRow("exact route beats a longer prefix")
        << QByteArray("/api/v1/special") << 200 << QByteArray("special");
    QTest::newRow("unknown path") << QByteArray("/nowhere") << 404 << QByteArray();
    QTest::newRow("root path, unrouted") << QByteArray("/") << 404 << QByteArray();
    QTest::newRow("percent-encoded path") << QByteArray("/a%20b") << 200 << QByteArray("space");
    QTest::newRow("percent-encoded path with a query")
        << QByteArray("/a%20b?c=%20d") << 200 << QByteArray("space");
    QTest::newRow("percent-encoded letters in a prefix")
        << QByteArray("/%61%70i/x") << 200 << QByteArray("api");
    QTest::newRow("raw path is not decoded twice") << QByteArray("/a%2520b") << 404 << QByteArray();
    QTest::newRow("query is not part of the path")
        << QByteArray("/nowhere?/exact") << 404 << QByteArray();
}

void tst_HttpListener::routing()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    const auto answer = [](const QByteArray &name) {
        return [name](const HttpRequest &, HttpResponder &r) { reply(r, 200, name); };
    };
    listener.addRoute(QStringLiteral("/api/*"), answer("api"));
    listener.addRoute(QStringLiteral("/api/v1/*"), answer("api-v1"));
    listener.addRoute(QStringLiteral("/exact"), answer("exact"));
    listener.addRoute(QStringLiteral("/api/v1/special"), answer("special"));
    listener.addRoute(QStringLiteral("/api/v1/deep/*"), answer("api-v1-deep"));
    listener.addRoute(QStringLiteral("/a b"), answer("space"));
    QVERIFY(listener.hasRoutes());

    Client c(listener.port());
    QVERIFY(c.waitConnected());
    c.send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(r.body, body);
        QCOMPARE(r.header("Content-Length"), QByteArray::number(body.size()));
    } else {
        QCOMPARE(r.statusLine, QByteArray("HTTP/1.1 404 Not Found"));
        QVERIFY2(r.isJsonError(), r.raw.constData());
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QLatin1String("error")).toString(),
                 QStringLiteral("not_found"));
    }
    // An answered request leaves the connection open (HTTP/1.1 keeps it alive).
    QCOMPARE(r.count("Connection"), 0);
    QVERIFY(c.isOpen());
    QVERIFY(c.unread().isEmpty());
}

// ---- keep-alive and pipelining ----------------------------------------------------------------

void tst_HttpListener::keepAlive_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("connection"); // the Connection header, if any

    QTest::newRow("HTTP/1.1 by default") << QByteArray("HTTP/1.1") << QByteArray();
    QTest::newRow("HTTP/1.1 with Connection: keep-alive")
        << QByteArray("HTTP/1.1") << QByteArray("keep-alive");
    QTest::newRow("HTTP/1.0 with Connection: keep-alive")
        << QByteArray("HTTP/1.0") << QByteArray("keep-alive");
    QTest::newRow("HTTP/1.0 with Connection: Keep-Alive, mixed case")
        << QByteArray("HTTP/1.0") << QByteArray("Keep-Alive");
    // RFC 9112, 2.3: a later 1.x minor version is answered as 1.1.
    QTest::newRow("HTTP/1.2 is served as 1.1") << QByteArray("HTTP/1.2") << QByteArray();
}

void tst_HttpListener::keepAlive()
{
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, connection);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    const QByteArray extra =
        connection.isEmpty() ? QByteArray() : "Connection: " + connection + "\r\n";
    for (int i = 0; i < 3; ++i) {
        const QByteArray body = "request " + QByteArray::number(i);
        c.send("POST /echo " + version + "\r\nHost: t\r\n" + extra
               + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        Response r;
        QVERIFY2(c.next(&r), qPrintable(QStringLiteral("response %1").arg(i)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, body);
        QCOMPARE(r.count("Connection"), 0);
        QVERIFY(c.isOpen());
    }
    QCOMPARE(server.requests.size(), 3);
    QCOMPARE(connections(server.listener), 1); // one connection served all three
}

void tst_HttpListener::pipelining_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("count");

    QTest::newRow("50 POSTs with Content-Length") << QStringLiteral("length") << 50;
    QTest::newRow("50 chunked POSTs") << QStringLiteral("chunked") << 50;
    QTest::newRow("50 GETs") << QStringLiteral("get") << 50;
    QTest::newRow("51 of POST, HEAD and an unknown path in turn") << QStringLiteral("mixed") << 51;
    QTest::newRow("500 POSTs") << QStringLiteral("length") << 500;
}

void tst_HttpListener::pipelining()
{
    QFETCH(QString, kind);
    QFETCH(int, count);

    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    QList<QByteArray> seen;
    // Echoes the sequence number from the body, or from the query when there is no body.
    listener.addRoute(
        QStringLiteral("/seq"), [&seen](const HttpRequest &request, HttpResponder &responder) {
            const QByteArray n = request.body().isEmpty()
                                     ? request.query().queryItemValue(QStringLiteral("n")).toUtf8()
                                     : request.body();
            seen << n;
            responder.writeStatusLine(200);
            responder.writeHeader("X-Seq", n);
            responder.writeBody(n);
        });

    const auto isHead = [&](int i) { return kind == QLatin1String("mixed") && i % 3 == 1; };
    const auto isUnknown = [&](int i) { return kind == QLatin1String("mixed") && i % 3 == 2; };
    QByteArray requests;
    for (int i = 0; i < count; ++i) {
        const QByteArray n = QByteArray::number(i);
        if (kind == QLatin1String("length") || (kind == QLatin1String("mixed") && i % 3 == 0))
            requests += post("/seq", n);
        else if (kind == QLatin1String("chunked"))
            requests += chunkedPost("/seq", QByteArray::number(n.size(), 16) + "\r\n" + n
                                                + "\r\n0\r\n\r\n");
        else if (isHead(i))
            requests += "HEAD /seq?n=" + n + " HTTP/1.1\r\nHost: t\r\n\r\n";
        else if (isUnknown(i))
            requests += "GET /nowhere?n=" + n + " HTTP/1.1\r\nHost: t\r\n\r\n";
        else
            requests += "GET /seq?n=" + n + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    Client c(listener.port());
    QVERIFY(c.waitConnected());
    c.send(requests); // all in one write
    for (int i = 0; i < count; ++i) {
        Response r;
        QVERIFY2(c.next(&r, isHead(i)), qPrintable(QStringLiteral("response %1").arg(i)));
        const QByteArray n = QByteArray::number(i);
        if (isUnknown(i)) {
            QCOMPARE(r.status, 404);
            QVERIFY(r.isJsonError());
            continue;
        }
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Seq"), n);
        QCOMPARE(r.header("Content-Length"), QByteArray::number(n.size()));
        QCOMPARE(r.body, isHead(i) ? QByteArray() : n);
    }
    QVERIFY(c.isOpen());
    QVERIFY(c.unread().isEmpty());
    const int answeredByHandler = kind == QLatin1String("mixed") ? count - count / 3 : count;
    QCOMPARE(seen.size(), answeredByHandler);
    for (int i = 1; i < seen.size(); ++i)
        QVERIFY(seen[i].toInt() > seen[i - 1].toInt()); // handled in order
}

void tst_HttpListener::manyConnections()
{
    Server server;
    QVERIFY(server.listen());
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 20; ++i)
        clients.push_back(std::make_unique<Client>(server.port()));
    for (auto &c : clients)
        QVERIFY(c->waitConnected());
    // Interleaved: every client sends half a request, then every client the rest.
    for (size_t i = 0; i < clients.size(); ++i)
        clients[i]->send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Len");
    for (size_t i = 0; i < clients.size(); ++i)
        clients[i]->send("gth: " + QByteArray::number(QByteArray::number(qint64(i)).size())
                         + "\r\n\r\n" + QByteArray::number(qint64(i)));
    for (size_t i = 0; i < clients.size(); ++i) {
        Response r;
        QVERIFY(clients[i]->next(&r));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray::number(qint64(i)));
    }
    QCOMPARE(connections(server.listener), 20);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(connections(server.listener), 0, kTimeout);
}

// ---- requests in pieces -----------------------------------------------------------------------

void tst_HttpListener::pieces_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("pieceSize");
    QTest::addColumn<QByteArrayList>("bodies"); // of the responses, in order

    QTest::newRow("GET, byte by byte")
        << QByteArray("GET /echo?x=1 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n") << 1
        << QByteArrayList{QByteArray()};
    QTest::newRow("POST with Content-Length, byte by byte")
        << post("/echo", "hello, world") << 1 << QByteArrayList{"hello, world"};
    QTest::newRow("chunked POST with an extension and a trailer, byte by byte")
        << chunkedPost("/echo", "5;e=1\r\nhello\r\n7\r\n, world\r\n0\r\nT: 1\r\n\r\n") << 1
        << QByteArrayList{"hello, world"};
    QTest::newRow("two pipelined requests, byte by byte")
        << QByteArray(post("/echo", "one") + post("/echo", "two")) << 1
        << QByteArrayList{"one", "two"};
    QTest::newRow("empty lines before the request line, byte by byte")
        << QByteArray("\r\n\r\n" + post("/echo", "after blank lines")) << 1
        << QByteArrayList{"after blank lines"};
    QTest::newRow("POST, in 5-byte pieces")
        << post("/echo", "0123456789abcdefghij") << 5 << QByteArrayList{"0123456789abcdefghij"};
    QTest::newRow("chunked POST, in 3-byte pieces")
        << chunkedPost("/echo", "a\r\n0123456789\r\n2\r\nab\r\n0\r\n\r\n") << 3
        << QByteArrayList{"0123456789ab"};
}

void tst_HttpListener::pieces()
{
    QFETCH(QByteArray, request);
    QFETCH(int, pieceSize);
    QFETCH(QByteArrayList, bodies);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    QTcpSocket *serverEnd = serverSocket(server.listener);
    QVERIFY(serverEnd);
    for (qsizetype at = 0; at < request.size(); at += pieceSize) {
        // Not answered until complete: the last request needs its last piece.
        QVERIFY(server.requests.size() < bodies.size());
        QVERIFY2(c.sendAndWaitRead(request.mid(at, pieceSize), serverEnd),
                 qPrintable(QStringLiteral("piece at %1").arg(at)));
    }
    for (const QByteArray &body : std::as_const(bodies)) {
        Response r;
        QVERIFY(c.next(&r));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, body);
    }
    QCOMPARE(server.requests.size(), bodies.size());
    QVERIFY(c.isOpen());
    QVERIFY(c.unread().isEmpty());
}

// ---- bodies -----------------------------------------------------------------------------------

void tst_HttpListener::bodies_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("body"); // as the handler gets it

    QTest::newRow("Content-Length") << post("/echo", "hello") << QByteArray("hello");
    QTest::newRow("Content-Length zero")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << QByteArray();
    QTest::newRow("Content-Length with spaces around the value")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length:   5 \t\r\n\r\nhello")
        << QByteArray("hello");
    QTest::newRow("Content-Length twice, the same value")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello")
        << QByteArray("hello");
    QTest::newRow("binary body with CR, LF and NUL")
        << post("/echo", bytes("a\r\n\r\nb\0c\n")) << bytes("a\r\n\r\nb\0c\n");
    QTest::newRow("body that looks like a request")
        << post("/echo", "GET /nowhere HTTP/1.1\r\n\r\n")
        << QByteArray("GET /nowhere HTTP/1.1\r\n\r\n");
    QTest::newRow("one MiB by Content-Length")
        << post("/echo", QByteArray(1024 * 1024, 'x')) << QByteArray(1024 * 1024, 'x');
    QTest::newRow("chunked, several chunks")
        << chunkedPost("/echo", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n")
        << QByteArray("hello world");
    QTest::newRow("chunked, with chunk extensions") << chunkedPost(
        "/echo", "5;name=value\r\nhello\r\n6 ; a ; b=\"c;d\"\r\n world\r\n0;last\r\n\r\n")
                                                    << QByteArray("hello world");
    QTest::newRow("chunked, with trailers")
        << chunkedPost("/echo", "3\r\nabc\r\n3\r\ndef\r\n0\r\nX-Checksum: 1234\r\nX-More: "
                                "two\r\n\r\n")
        << QByteArray("abcdef");
    QTest::newRow("chunked, hex sizes in both cases")
        << chunkedPost("/echo", "A\r\n0123456789\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n1B\r\n"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ!\r\n0\r\n\r\n")
        << QByteArray("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!");
    QTest::newRow("chunked, leading zeros in sizes")
        << chunkedPost("/echo", "0005\r\nhello\r\n000\r\n\r\n") << QByteArray("hello");
    QTest::newRow("chunked, no data") << chunkedPost("/echo", "0\r\n\r\n") << QByteArray();
    QTest::newRow("chunked, data with CR LF in it")
        << chunkedPost("/echo", "6\r\na\r\n\r\nb\r\n0\r\n\r\n") << QByteArray("a\r\n\r\nb");
    QTest::newRow("chunked, Transfer-Encoding value in mixed case")
        << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
                      "2\r\nok\r\n0\r\n\r\n")
        << QByteArray("ok");
    QByteArray mibChunks;
    QByteArray mib;
    for (int i = 0; i < 16; ++i) {
        mibChunks += "10000\r\n" + QByteArray(65536, char('a' + i)) + "\r\n";
        mib += QByteArray(65536, char('a' + i));
    }
    QTest::newRow("chunked, one MiB in 64 KiB chunks")
        << chunkedPost("/echo", mibChunks + "0\r\n\r\n") << mib;
}

void tst_HttpListener::bodies()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, body);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    // A request after it in the same write: the body (and trailers) end where they should.
    c.send(request + "GET /echo?after HTTP/1.1\r\nHost: t\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.size(), body.size());
    QCOMPARE(r.body, body);
    QCOMPARE(server.requests.value(0).body(), body);
    Response after;
    QVERIFY(c.next(&after));
    QCOMPARE(after.status, 200);
    QCOMPARE(after.header("X-Target"), QByteArray("/echo?after"));
    QCOMPARE(after.body, QByteArray());
    QVERIFY(c.unread().isEmpty());
}

void tst_HttpListener::chunkedSplit_data()
{
    QTest::addColumn<QList<int>>("cuts"); // offsets into the chunked body where a write ends

    const QByteArray chunks = "10;ext=1\r\n0123456789abcdef\r\n3\r\nxyz\r\n0\r\nTrailer: t\r\n\r\n";
    const auto after = [&](const char *marker, int extra) {
        return int(chunks.indexOf(marker)) + extra;
    };
    QTest::newRow("inside a chunk size") << QList<int>{1};
    QTest::newRow("inside a chunk extension") << QList<int>{after("ext", 2)};
    QTest::newRow("between CR and LF of a size line") << QList<int>{after("\r\n", 1)};
    QTest::newRow("after a size line") << QList<int>{after("\r\n", 2)};
    QTest::newRow("inside chunk data") << QList<int>{after("0123", 5)};
    QTest::newRow("between chunk data and its CRLF") << QList<int>{after("xyz", 3)};
    QTest::newRow("between CR and LF after chunk data") << QList<int>{after("xyz", 4)};
    QTest::newRow("after the last chunk's size") << QList<int>{after("\r\n0\r\n", 3)};
    QTest::newRow("inside a trailer") << QList<int>{after("Trailer", 4)};
    QTest::newRow("before the final CRLF") << QList<int>{int(chunks.size()) - 2};
    QTest::newRow("before the final LF") << QList<int>{int(chunks.size()) - 1};
    QTest::newRow("before the body") << QList<int>{0};
    QTest::newRow("at several places") << QList<int>{1,
                                                     after("\r\n", 1),
                                                     after("0123", 5),
                                                     after("xyz", 4),
                                                     after("Trailer", 4),
                                                     int(chunks.size()) - 1};
}

void tst_HttpListener::chunkedSplit()
{
    QFETCH(QList<int>, cuts);

    const QByteArray head = chunkedPost("/echo", {});
    const QByteArray chunks = "10;ext=1\r\n0123456789abcdef\r\n3\r\nxyz\r\n0\r\nTrailer: t\r\n\r\n";
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    QTcpSocket *serverEnd = serverSocket(server.listener);
    QVERIFY(serverEnd);
    int from = 0;
    QByteArray first = head;
    for (int cut : std::as_const(cuts)) {
        QVERIFY(c.sendAndWaitRead(first + chunks.mid(from, cut - from), serverEnd));
        QCOMPARE(server.requests.size(), 0); // not complete yet
        first.clear();
        from = cut;
    }
    c.send(chunks.mid(from));
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("0123456789abcdefxyz"));
    QVERIFY(c.unread().isEmpty());
    QCOMPARE(server.requests.size(), 1);
}

// ---- Expect: 100-continue ---------------------------------------------------------------------

void tst_HttpListener::expectContinue_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("rest"); // sent after the 100 Continue
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("Content-Length body")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                      "Content-Length: 5\r\n\r\n")
        << QByteArray("hello") << QByteArray("hello");
    QTest::newRow("chunked body") << QByteArray(
        "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
        "Transfer-Encoding: chunked\r\n\r\n")
                                  << QByteArray("5\r\nhello\r\n0\r\n\r\n") << QByteArray("hello");
    QTest::newRow("expectation in mixed case")
        << QByteArray("PUT /echo HTTP/1.1\r\nexpect: 100-Continue\r\nContent-Length: 2\r\n\r\n")
        << QByteArray("ok") << QByteArray("ok");
}

void tst_HttpListener::expectContinue()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, rest);
    QFETCH(QByteArray, body);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send(head);
    Response interim;
    QVERIFY(c.next(&interim));
    QCOMPARE(interim.raw, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    QCOMPARE(server.requests.size(), 0);
    c.send(rest);
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, body);
    QVERIFY(c.unread().isEmpty());

    // The next request on the connection with its body sent at once: no interim response.
    c.send(post("/echo", "again"));
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("again"));
    // And another expectation on the same connection gets its own 100 Continue.
    c.send(head);
    QVERIFY(c.next(&interim));
    QCOMPARE(interim.status, 100);
    c.send(rest);
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, body);
    QVERIFY(c.unread().isEmpty());
}

void tst_HttpListener::expectContinueWithBodySent()
{
    // A client that sends the body without waiting gets only the final response.
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody"
           "GET /echo?second HTTP/1.1\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("body"));
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Target"), QByteArray("/echo?second"));
    QVERIFY(c.unread().isEmpty());
}

void tst_HttpListener::expectContinueAfterPipelinedRequest()
{
    // A request answered in the same read as a later request's head that expects 100-continue:
    // the answer, then the 100 Continue, then (after the body) the final response.
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send("GET /echo?first HTTP/1.1\r\n\r\n"
           "POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Target"), QByteArray("/echo?first"));
    QVERIFY2(c.next(&r), "no 100 Continue for the second request");
    QCOMPARE(r.raw, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    c.send("body");
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("body"));
    QVERIFY(c.unread().isEmpty());
}

void tst_HttpListener::expectContinueHttp10()
{
    // RFC 9110, 10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    QTcpSocket *serverEnd = serverSocket(server.listener);
    QVERIFY(serverEnd);
    QVERIFY(c.sendAndWaitRead("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\n"
                              "Content-Length: 4\r\n\r\n",
                              serverEnd));
    c.send("body");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("body"));
    QVERIFY(c.waitClosed());
    QVERIFY(c.unread().isEmpty());
}

// ---- HEAD and bodiless statuses ---------------------------------------------------------------

void tst_HttpListener::head_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("length"); // the Content-Length a GET's body would have

    QTest::newRow("handler body") << QByteArray("/text") << 200 << 11;
    QTest::newRow("handler JSON via respondJson") << QByteArray("/json") << 201 << 11;
    QTest::newRow("unknown path") << QByteArray("/nowhere") << 404 << -1;
}

void tst_HttpListener::head()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(int, length);

    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    QList<HttpRequest::Method> methods;
    listener.addRoute(QStringLiteral("/text"), [&](const HttpRequest &request, HttpResponder &r) {
        methods << request.method();
        reply(r, 200, "hello world");
    });
    listener.addRoute(QStringLiteral("/json"), [&](const HttpRequest &request, HttpResponder &r) {
        methods << request.method();
        HttpListener::respondJson(r, 201, "{\"a\":\"bc\"}\n");
    });

    Client c(listener.port());
    QVERIFY(c.waitConnected());
    c.send("HEAD " + target + " HTTP/1.1\r\nHost: t\r\n\r\nGET " + target
           + " HTTP/1.1\r\nHost: t\r\n\r\n");
    Response h;
    QVERIFY(c.next(&h, true));
    Response g;
    QVERIFY(c.next(&g)); // right after the HEAD's headers: nothing of a body in between
    QCOMPARE(h.status, status);
    QCOMPARE(g.status, status);
    QVERIFY(!g.body.isEmpty());
    if (length >= 0)
        QCOMPARE(g.body.size(), length);
    QCOMPARE(h.header("Content-Length"), QByteArray::number(g.body.size()));
    QCOMPARE(h.count("Content-Length"), 1);
    QCOMPARE(h.header("Content-Type"), g.header("Content-Type"));
    QVERIFY(h.raw.endsWith("\r\n\r\n"));
    QVERIFY(c.unread().isEmpty());
    if (status != 404) {
        QCOMPARE(methods.size(), 2);
        QCOMPARE(methods[0], HttpRequest::Method::Head);
        QCOMPARE(methods[1], HttpRequest::Method::Get);
    }
}

void tst_HttpListener::bodilessStatuses_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("viaRespondJson"); // respondJson gives a Content-Length of its own

    QTest::newRow("204 No Content") << 204 << false;
    QTest::newRow("304 Not Modified") << 304 << false;
    QTest::newRow("204 No Content via respondJson") << 204 << true;
}

void tst_HttpListener::bodilessStatuses()
{
    QFETCH(int, status);
    QFETCH(bool, viaRespondJson);

    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    listener.addRoute(QStringLiteral("/x"), [&](const HttpRequest &, HttpResponder &r) {
        if (viaRespondJson) {
            HttpListener::respondJson(r, status, QByteArray());
            return;
        }
        r.writeStatusLine(status);
        r.writeHeader("ETag", "\"v1\"");
        r.writeBody("this must not be sent");
    });

    Client c(listener.port());
    QVERIFY(c.waitConnected());
    c.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\nGET /x HTTP/1.1\r\nHost: t\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        Response r;
        QVERIFY(c.next(&r));
        QCOMPARE(r.status, status);
        // RFC 9110, 8.6: no Content-Length on a 204; none added to a 304.
        QCOMPARE(r.count("Content-Length"), 0);
        QVERIFY(r.raw.endsWith("\r\n\r\n"));
        QVERIFY2(!r.raw.contains("must not"), r.raw.constData());
    }
    QVERIFY(c.unread().isEmpty());
    QVERIFY(c.isOpen());
}

// ---- closing ----------------------------------------------------------------------------------

void tst_HttpListener::connectionClose_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("head");

    QTest::newRow("HTTP/1.0 without keep-alive")
        << QByteArray("GET /echo HTTP/1.0\r\n\r\n") << 200 << false;
    QTest::newRow("HTTP/1.0 POST with a body")
        << QByteArray("POST /echo HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi") << 200 << false;
    QTest::newRow("HTTP/1.1 with Connection: close")
        << QByteArray("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n") << 200 << false;
    QTest::newRow("HTTP/1.1 with Connection: Close, mixed case")
        << QByteArray("GET /echo HTTP/1.1\r\nConnection: Close\r\n\r\n") << 200 << false;
    QTest::newRow("close among other connection options")
        << QByteArray("GET /echo HTTP/1.1\r\nConnection: TE, close\r\n\r\n") << 200 << false;
    QTest::newRow("requests pipelined after Connection: close are not answered")
        << QByteArray("GET /echo HTTP/1.1\r\nConnection: close\r\n\r\nGET /echo HTTP/1.1\r\n\r\n")
        << 200 << false;
    QTest::newRow("Connection: close on an unknown path")
        << QByteArray("GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n") << 404 << false;
    QTest::newRow("Connection: close on a HEAD")
        << QByteArray("HEAD /echo HTTP/1.1\r\nConnection: close\r\n\r\n") << 200 << true;
}

void tst_HttpListener::connectionClose()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(bool, head);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    QSignalSpy disconnected(&c.socket(), &QTcpSocket::disconnected);
    c.send(request);
    Response r;
    QVERIFY(c.next(&r, head));
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QCOMPARE(r.count("Connection"), 1);
    QVERIFY(disconnected.count() > 0 || disconnected.wait(kTimeout));
    QVERIFY(c.waitClosed());
    QVERIFY2(c.unread().isEmpty(), c.unread().constData());
    QVERIFY(server.requests.size() <= 1);
    QTRY_COMPARE_WITH_TIMEOUT(connections(server.listener), 0, kTimeout);
    QVERIFY(server.stillServes());
}

// ---- idle connections -------------------------------------------------------------------------

void tst_HttpListener::idleTimeout_data()
{
    QTest::addColumn<QByteArray>("sent"); // before the client goes quiet

    QTest::newRow("keep-alive connection after an answered request")
        << QByteArray("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("connection that never sent anything") << QByteArray();
    QTest::newRow("stopped in the middle of the head") << QByteArray("POST /echo HTTP/1.1\r\nHo");
    QTest::newRow("stopped in the middle of the body")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    QTest::newRow("stopped in the middle of a chunked body")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n5\r\nab");
}

void tst_HttpListener::idleTimeout()
{
    QFETCH(QByteArray, sent);

    Server server;
    server.listener.setIdleTimeout(200);
    QCOMPARE(server.listener.idleTimeout(), 200);
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    if (!sent.isEmpty())
        c.send(sent);
    // The listener closes the quiet connection and frees it; others are still served.
    QVERIFY(c.waitClosed());
    QTRY_COMPARE_WITH_TIMEOUT(connections(server.listener), 0, kTimeout);
    QVERIFY(server.stillServes());
}

void tst_HttpListener::idleTimeoutSpareActive()
{
    // A client that keeps sending, slower than nothing but faster than the timeout, stays.
    Server server;
    server.listener.setIdleTimeout(600);
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    QElapsedTimer clock;
    clock.start();
    int answered = 0;
    while (clock.elapsed() < 1500) {
        c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
        Response r;
        QVERIFY(c.next(&r));
        QCOMPARE(r.status, 200);
        ++answered;
        // A sixth of the timeout passes between requests.
        QElapsedTimer gap;
        gap.start();
        QVERIFY(QTest::qWaitFor([&] { return gap.elapsed() >= 100; }, kTimeout));
        QVERIFY(c.isOpen());
    }
    QVERIFY(answered >= 5);
    QVERIFY(c.isOpen());
    // setIdleTimeout(0): never.
    server.listener.setIdleTimeout(0);
    QCOMPARE(server.listener.idleTimeout(), 0);
}

void tst_HttpListener::blankLinesAreNotKept()
{
    // RFC 9112, 2.2: empty lines before a request line are ignored, and they do not count
    // toward the 64 KiB head limit: 1 MiB of them, then a request, is served.
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    const QByteArray blank = QByteArray("\r\n").repeated(64 * 1024);
    for (int i = 0; i < 8; ++i)
        QVERIFY(c.sendAndWaitRead(blank, serverSocket(server.listener)));
    c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QVERIFY(c.isOpen());
}

// ---- malformed input --------------------------------------------------------------------------

void tst_HttpListener::malformed_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const QByteArray pad(70 * 1024, 'a');
    QTest::newRow("bad request line") << QByteArray("GARBAGE\r\n\r\n") << 400;
    QTest::newRow("missing version") << QByteArray("GET /echo\r\nHost: t\r\n\r\n") << 400;
    QTest::newRow("missing target") << QByteArray("GET  HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("empty method") << QByteArray(" /echo HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("extra space in the request line")
        << QByteArray("GET /echo  HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("space inside the target") << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("method with a non-token character")
        << QByteArray("GE\"T /echo HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET /echo HTTP/2.0\r\n\r\n") << 505;
    QTest::newRow("HTTP/2 connection preface")
        << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 505;
    QTest::newRow("not HTTP") << QByteArray("GET /echo FTP/1.1\r\n\r\n") << 400;
    QTest::newRow("lower-case version") << QByteArray("GET /echo http/1.1\r\n\r\n") << 400;
    QTest::newRow("target not starting with a slash")
        << QByteArray("GET echo HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("absolute-form target")
        << QByteArray("GET http://t/echo HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("header without colon")
        << QByteArray("GET /echo HTTP/1.1\r\nHost t\r\n\r\n") << 400;
    QTest::newRow("header with an empty name")
        << QByteArray("GET /echo HTTP/1.1\r\n: value\r\n\r\n") << 400;
    QTest::newRow("space before the colon")
        << QByteArray("GET /echo HTTP/1.1\r\nHost : t\r\n\r\n") << 400;
    QTest::newRow("obs-fold line with a space")
        << QByteArray("GET /echo HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n") << 400;
    QTest::newRow("obs-fold line with a tab")
        << QByteArray("GET /echo HTTP/1.1\r\nX-A: one\r\n\ttwo: three\r\n\r\n") << 400;
    QTest::newRow("bare LF ending the request line")
        << QByteArray("GET /echo HTTP/1.1\nHost: t\r\n\r\n") << 400;
    QTest::newRow("bare CR in the request line")
        << QByteArray("GET /echo HTTP/1.1\rX\r\nHost: t\r\n\r\n") << 400;
    QTest::newRow("bare LF inside a header value")
        << QByteArray("GET /echo HTTP/1.1\r\nX-A: a\nContent-Length: 5\r\n\r\nhello") << 400;
    QTest::newRow("bare CR inside a header value")
        << QByteArray("GET /echo HTTP/1.1\r\nX-A: a\rb\r\n\r\n") << 400;
    QTest::newRow("NUL inside a header value")
        << bytes("GET /echo HTTP/1.1\r\nX-A: a\0b\r\n\r\n") << 400;
    QTest::newRow("NUL inside a header name")
        << bytes("GET /echo HTTP/1.1\r\nX\0A: b\r\n\r\n") << 400;
    QTest::newRow("non-numeric Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n") << 400;
    QTest::newRow("empty Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: \r\n\r\n") << 400;
    QTest::newRow("negative Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::newRow("Content-Length with a plus sign")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello") << 400;
    QTest::newRow("Content-Length as a list")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello") << 400;
    QTest::newRow("Content-Length in hex")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 0x5\r\n\r\nhello") << 400;
    QTest::newRow("Content-Length beyond 64 bits")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") << 400;
    QTest::newRow("conflicting duplicate Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
                      "hello!")
        << 400;
    QTest::newRow("Content-Length together with Transfer-Encoding: chunked")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
                      "\r\n\r\n0\r\n\r\n")
        << 400;
    QTest::newRow("Transfer-Encoding: chunked together with Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5"
                      "\r\n\r\n0\r\n\r\n")
        << 400;
    QTest::newRow("Transfer-Encoding gzip")
        << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << 501;
    QTest::newRow("Transfer-Encoding gzip, chunked")
        << QByteArray("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 501;
    QTest::newRow("bad chunk size") << chunkedPost("/echo", "zz\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("empty chunk size") << chunkedPost("/echo", "\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("negative chunk size") << chunkedPost("/echo", "-5\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("chunk size with a 0x prefix")
        << chunkedPost("/echo", "0x5\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("chunk size with a plus sign")
        << chunkedPost("/echo", "+5\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("chunk size beyond 64 bits")
        << chunkedPost("/echo", "10000000000000000\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("chunk data longer than its size")
        << chunkedPost("/echo", "3\r\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("head larger than 64 KiB")
        << QByteArray("GET /echo HTTP/1.1\r\nX-Pad: " + pad + "\r\n\r\n") << 431;
    QTest::newRow("head larger than 64 KiB, not terminated")
        << QByteArray("GET /echo HTTP/1.1\r\nX-Pad: " + pad) << 431;
    QTest::newRow("Content-Length above 32 MiB")
        << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 33554433\r\n\r\n") << 413;
    QTest::newRow("chunk size above 32 MiB") << chunkedPost("/echo", "2000001\r\nhello") << 413;
    QTest::newRow("chunks adding up to more than 32 MiB")
        << chunkedPost("/echo", "1\r\na\r\n2000000\r\n") << 413;
    QTest::newRow("chunk-size line longer than 64 KiB") << chunkedPost("/echo", "1;" + pad) << 400;
    QTest::newRow("trailers larger than 64 KiB")
        << chunkedPost("/echo", "1\r\na\r\n0\r\nX-Pad: " + pad) << 431;
}

void tst_HttpListener::malformed()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);

    Server server;
    QVERIFY(server.listen());
    {
        Client c(server.port());
        QVERIFY(c.waitConnected());
        c.send(request);
        Response r;
        QVERIFY(c.next(&r));
        QCOMPARE(r.status, status);
        QVERIFY2(r.isJsonError(), r.raw.constData());
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY(c.waitClosed());
        QVERIFY2(c.unread().isEmpty(), c.unread().left(200).constData());
    }
    QCOMPARE(server.requests.size(), 0); // no handler saw it
    QTRY_COMPARE_WITH_TIMEOUT(connections(server.listener), 0, kTimeout);
    // Bad input never takes the listener down.
    QVERIFY(server.stillServes());
}

void tst_HttpListener::malformedAfterGoodRequest()
{
    // Requests before a malformed one in the same write are answered, in order, then the error.
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send(post("/echo", "one") + post("/echo", "two") + "BROKEN\r\n\r\n" + post("/echo", "never"));
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.body, QByteArray("one"));
    QVERIFY(c.next(&r));
    QCOMPARE(r.body, QByteArray("two"));
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 400);
    QVERIFY(r.isJsonError());
    QVERIFY(c.waitClosed());
    QVERIFY(c.unread().isEmpty());
    QCOMPARE(server.requests.size(), 2);
    QVERIFY(server.stillServes());
}

void tst_HttpListener::headSizeLimit_data()
{
    QTest::addColumn<int>("headSize");  // bytes before the empty line that ends the head
    QTest::addColumn<bool>("inPieces"); // the last byte sent on its own
    QTest::addColumn<int>("status");

    const int limit = int(HttpListener::kMaxHeadBytes);
    QTest::newRow("at the limit") << limit << false << 200;
    QTest::newRow("at the limit, the final LF sent last") << limit << true << 200;
    QTest::newRow("one byte over the limit") << limit + 1 << false << 431;
    QTest::newRow("one byte over the limit, the final LF sent last") << limit + 1 << true << 431;
}

void tst_HttpListener::headSizeLimit()
{
    QFETCH(int, headSize);
    QFETCH(bool, inPieces);
    QFETCH(int, status);

    const QByteArray start = "GET /echo HTTP/1.1\r\nX-Pad: ";
    const QByteArray head = start + QByteArray(headSize - start.size(), 'p');
    QCOMPARE(head.size(), headSize);
    const QByteArray request = head + "\r\n\r\n";

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    if (inPieces) {
        QTcpSocket *serverEnd = serverSocket(server.listener);
        QVERIFY(serverEnd);
        QVERIFY(c.sendAndWaitRead(request.chopped(1), serverEnd));
        if (c.unread().isEmpty()) // not answered before it is complete
            c.send(request.right(1));
    } else {
        c.send(request);
    }
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, status);
    if (status == 200)
        QCOMPARE(server.requests.value(0).value("X-Pad").size(), headSize - start.size());
    else
        QVERIFY(r.isJsonError());
}

// ---- what handlers do -------------------------------------------------------------------------

void tst_HttpListener::silentHandler_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("writes"); // what the handler writes: "nothing", "status", "headers"
    QTest::addColumn<int>("status");

    QTest::newRow("GET, handler writes nothing") << QByteArray("GET") << "nothing" << 500;
    QTest::newRow("POST, handler writes nothing") << QByteArray("POST") << "nothing" << 500;
    QTest::newRow("HEAD, handler writes nothing") << QByteArray("HEAD") << "nothing" << 500;
    QTest::newRow("handler writes a status line only") << QByteArray("GET") << "status" << 202;
    QTest::newRow("handler writes headers only") << QByteArray("GET") << "headers" << 200;
    QTest::newRow("HEAD, handler writes a status line only")
        << QByteArray("HEAD") << "status" << 202;
}

void tst_HttpListener::silentHandler()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, writes);
    QFETCH(int, status);

    Server server;
    QVERIFY(server.listen());
    server.listener.addRoute(QStringLiteral("/quiet"), [&](const HttpRequest &, HttpResponder &r) {
        if (writes == QLatin1String("status"))
            r.writeStatusLine(202);
        else if (writes == QLatin1String("headers"))
            r.writeHeader("X-Only", "headers");
    });
    Client c(server.port());
    QVERIFY(c.waitConnected());
    const bool head = method == "HEAD";
    // An answered request ahead of it in the same write, and one after it: the fallback answer
    // keeps the order and the framing.
    c.send(post("/echo", "before") + method
           + " /quiet HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n" + post("/echo", "after"));
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.body, QByteArray("before"));
    QVERIFY(c.next(&r, head));
    QCOMPARE(r.status, status);
    if (status == 500) {
        if (head) {
            QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
            QVERIFY(r.header("Content-Length").toInt() > 0);
        } else {
            QVERIFY2(r.isJsonError(), r.raw.constData());
        }
    } else {
        QCOMPARE(r.header("Content-Length"), QByteArray("0"));
        QCOMPARE(r.body, QByteArray());
        if (writes == QLatin1String("headers"))
            QCOMPARE(r.header("X-Only"), QByteArray("headers"));
    }
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("after"));
    QVERIFY2(c.unread().isEmpty(), c.unread().constData());
    QVERIFY(c.isOpen());
}

void tst_HttpListener::headerInjection_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");

    QTest::newRow("CR LF in a value") << QByteArray("X-Bad") << QByteArray("a\r\nInjected: 1");
    QTest::newRow("CR LF CR LF in a value")
        << QByteArray("X-Bad") << QByteArray("a\r\n\r\nInjected body");
    QTest::newRow("LF in a value") << QByteArray("X-Bad") << QByteArray("a\nInjected: 1");
    QTest::newRow("CR in a value") << QByteArray("X-Bad") << QByteArray("a\rInjected: 1");
    QTest::newRow("CR LF in a name") << QByteArray("X-Bad\r\nInjected") << QByteArray("1");
    QTest::newRow("LF in a Content-Length value")
        << QByteArray("Content-Length") << QByteArray("2\nInjected: 1");
}

void tst_HttpListener::headerInjection()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);

    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    listener.addRoute(QStringLiteral("/x"), [&](const HttpRequest &, HttpResponder &r) {
        r.writeStatusLine(200);
        r.writeHeader("X-Before", "1");
        r.writeHeader(name, value);
        r.writeHeader("X-After", "2");
        r.writeBody("ok");
    });
    Client c(listener.port());
    QVERIFY(c.waitConnected());
    c.send("GET /x HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        Response r;
        QVERIFY(c.next(&r));
        QCOMPARE(r.status, 200);
        QVERIFY2(!r.raw.contains("Injected"), r.raw.constData());
        QVERIFY(!r.raw.contains("X-Bad"));
        QCOMPARE(r.header("X-Before"), QByteArray("1"));
        QCOMPARE(r.header("X-After"), QByteArray("2"));
        QCOMPARE(r.header("Content-Length"), QByteArray("2"));
        QCOMPARE(r.body, QByteArray("ok"));
        // Every header line is a name, a colon and a value.
        QList<QByteArray> lines = r.raw.left(r.raw.indexOf("\r\n\r\n") + 2).split('\n');
        lines.removeLast(); // after the last CR LF
        for (qsizetype l = 1; l < lines.size(); ++l) {
            QVERIFY(lines[l].endsWith('\r'));
            QVERIFY(lines[l].indexOf(':') > 0);
        }
    }
    QVERIFY(c.unread().isEmpty());
}

void tst_HttpListener::handlerHeaders()
{
    // Content-Length once, the first one given; Connection is the listener's own.
    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    listener.addRoute(QStringLiteral("/x"), [](const HttpRequest &, HttpResponder &r) {
        r.writeHeader("content-length", "2"); // a status line of 200 goes first
        r.writeHeader("Content-Length", "99");
        r.writeHeader("Connection", "close");
        r.writeHeader("X-Multi", "a");
        r.writeHeader("X-Multi", "b");
        r.writeBody("ok");
        r.writeBody("ignored: the response is complete");
        r.writeHeader("X-Late", "ignored");
        r.writeStatusLine(500);
        QVERIFY(r.isDone());
    });
    Client c(listener.port());
    QVERIFY(c.waitConnected());
    c.send("GET /x HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        Response r;
        QVERIFY(c.next(&r));
        QCOMPARE(r.statusLine, QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(r.count("Content-Length"), 1);
        QCOMPARE(r.header("Content-Length"), QByteArray("2"));
        QCOMPARE(r.count("Connection"), 0);
        QCOMPARE(r.count("X-Multi"), 2);
        QCOMPARE(r.count("X-Late"), 0);
        QCOMPARE(r.body, QByteArray("ok"));
    }
    QVERIFY(c.unread().isEmpty());
    QVERIFY(c.isOpen());
}

// ---- the request --------------------------------------------------------------------------------

void tst_HttpListener::requestAccessors()
{
    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send("POST /echo?a=1&b=x%20y&a=2&c HTTP/1.1\r\n"
           "Host: example.com:8080\r\n"
           "X-Custom: one\r\n"
           "x-custom: two\r\n"
           "Content-Type:text/plain\r\n"
           "X-Spaced: \t padded value \t \r\n"
           "X-Empty:\r\n"
           "Content-Length: 4\r\n"
           "\r\n"
           "body");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(server.requests.size(), 1);
    const HttpRequest request = server.requests.first();
    QCOMPARE(request.method(), HttpRequest::Method::Post);
    QCOMPARE(request.methodName(), QByteArray("POST"));
    QCOMPARE(request.target(), QByteArray("/echo?a=1&b=x%20y&a=2&c"));
    QCOMPARE(request.path(), QStringLiteral("/echo"));
    const QUrlQuery query = request.query();
    QCOMPARE(query.queryItemValue(QStringLiteral("b"), QUrl::FullyDecoded), QStringLiteral("x y"));
    QCOMPARE(query.allQueryItemValues(QStringLiteral("a")),
             (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
    QVERIFY(query.hasQueryItem(QStringLiteral("c")));
    QVERIFY(!query.hasQueryItem(QStringLiteral("d")));
    QCOMPARE(request.value("x-custom"), QByteArray("one")); // the first, any case
    QCOMPARE(request.value("X-CUSTOM"), QByteArray("one"));
    QCOMPARE(request.value("content-type"), QByteArray("text/plain"));
    QCOMPARE(request.value("X-Spaced"), QByteArray("padded value"));
    QCOMPARE(request.value("X-Empty"), QByteArray());
    QCOMPARE(request.value("X-Missing"), QByteArray());
    const QList<QPair<QByteArray, QByteArray>> headers{
        {"Host", "example.com:8080"},   {"X-Custom", "one"},          {"x-custom", "two"},
        {"Content-Type", "text/plain"}, {"X-Spaced", "padded value"}, {"X-Empty", ""},
        {"Content-Length", "4"}};
    QCOMPARE(request.headers(), headers);
    QCOMPARE(request.body(), QByteArray("body"));
    QVERIFY(request.remoteAddress().isEqual(QHostAddress(QHostAddress::LocalHost)));
    QCOMPARE(request.remoteAddress().toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(!request.isSecure());
    const QUrl url = request.url();
    QCOMPARE(url.scheme(), QStringLiteral("http"));
    QCOMPARE(url.host(), QStringLiteral("example.com"));
    QCOMPARE(url.port(), 8080);
    QCOMPARE(url.path(), QStringLiteral("/echo"));

    // The decoded path, for routing and for handlers.
    c.send("GET /echo%2Fnot%20a%20route HTTP/1.1\r\n\r\n");
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 404);
    server.listener.addRoute(QStringLiteral("/dir/*"), [&](const HttpRequest &q, HttpResponder &o) {
        server.requests << q;
        reply(o, 200, q.path().toUtf8());
    });
    c.send("GET /dir/caf%C3%A9%20au%20lait?x HTTP/1.1\r\n\r\n");
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(server.requests.last().path(), QStringLiteral("/dir/caf\u00e9 au lait"));
    QCOMPARE(server.requests.last().target(), QByteArray("/dir/caf%C3%A9%20au%20lait?x"));
}

void tst_HttpListener::methods_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<HttpRequest::Method>("method");

    QTest::newRow("GET") << QByteArray("GET") << HttpRequest::Method::Get;
    QTest::newRow("POST") << QByteArray("POST") << HttpRequest::Method::Post;
    QTest::newRow("PUT") << QByteArray("PUT") << HttpRequest::Method::Put;
    QTest::newRow("DELETE") << QByteArray("DELETE") << HttpRequest::Method::Delete;
    QTest::newRow("PATCH") << QByteArray("PATCH") << HttpRequest::Method::Patch;
    QTest::newRow("OPTIONS") << QByteArray("OPTIONS") << HttpRequest::Method::Options;
    QTest::newRow("CONNECT") << QByteArray("CONNECT") << HttpRequest::Method::Connect;
    QTest::newRow("TRACE") << QByteArray("TRACE") << HttpRequest::Method::Trace;
    QTest::newRow("extension method") << QByteArray("PURGE") << HttpRequest::Method::Unknown;
    QTest::newRow("methods are case-sensitive")
        << QByteArray("get") << HttpRequest::Method::Unknown;
}

void tst_HttpListener::methods()
{
    QFETCH(QByteArray, name);
    QFETCH(HttpRequest::Method, method);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send(name + " /echo HTTP/1.1\r\nHost: t\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Method"), name);
    QCOMPARE(server.requests.size(), 1);
    QCOMPARE(server.requests.first().method(), method);
    QCOMPARE(server.requests.first().methodName(), name);
}

void tst_HttpListener::url_data()
{
    QTest::addColumn<QByteArray>("host"); // the Host header; empty: none sent
    QTest::addColumn<QString>("urlHost");
    QTest::addColumn<int>("urlPort");

    QTest::newRow("host name") << QByteArray("example.com") << "example.com" << -1;
    QTest::newRow("host name and port") << QByteArray("example.com:8080") << "example.com" << 8080;
    QTest::newRow("IPv4 address and port") << QByteArray("10.1.2.3:99") << "10.1.2.3" << 99;
    QTest::newRow("IPv6 literal and port") << QByteArray("[::1]:9000") << "::1" << 9000;
    QTest::newRow("no Host header") << QByteArray() << "localhost" << -1;
    QTest::newRow("Host with a path in it") << QByteArray("evil.example/x") << "localhost" << -1;
    QTest::newRow("Host with a query in it") << QByteArray("evil.example?y=") << "localhost" << -1;
    QTest::newRow("Host with a fragment in it") << QByteArray("evil.example#") << "localhost" << -1;
    QTest::newRow("Host with user info") << QByteArray("user@evil.example") << "localhost" << -1;
    QTest::newRow("Host with a space") << QByteArray("a b") << "localhost" << -1;
}

void tst_HttpListener::url()
{
    QFETCH(QByteArray, host);
    QFETCH(QString, urlHost);
    QFETCH(int, urlPort);

    Server server;
    QVERIFY(server.listen());
    Client c(server.port());
    QVERIFY(c.waitConnected());
    c.send("GET /echo/../echo?q=1&r=%2F HTTP/1.1\r\n"
           + (host.isEmpty() ? QByteArray() : "Host: " + host + "\r\n") + "\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 404); // no normalization: "/echo/../echo" is not "/echo"
    c.send("GET /echo?q=1&r=%2F HTTP/1.1\r\n"
           + (host.isEmpty() ? QByteArray() : "Host: " + host + "\r\n") + "\r\n");
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    const HttpRequest request = server.requests.value(0);
    const QUrl url = request.url();
    QVERIFY(url.isValid());
    QCOMPARE(url.scheme(), QStringLiteral("http"));
    QCOMPARE(url.host(), urlHost);
    QCOMPARE(url.port(), urlPort);
    QCOMPARE(url.userInfo(), QString());
    // Whatever the Host header says, path and query are the request target's.
    QCOMPARE(url.path(), QStringLiteral("/echo"));
    QCOMPARE(request.query().queryItemValue(QStringLiteral("q")), QStringLiteral("1"));
    QCOMPARE(request.query().queryItemValue(QStringLiteral("r"), QUrl::FullyDecoded),
             QStringLiteral("/"));
    QVERIFY(!url.hasFragment());
}

void tst_HttpListener::handlerChangesRoutes_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("nextStatus"); // of the next request to the same path

    QTest::newRow("removes its own route") << QStringLiteral("remove own") << 404;
    QTest::newRow("removes every route") << QStringLiteral("remove all") << 404;
    QTest::newRow("adds many routes") << QStringLiteral("add") << 200;
    QTest::newRow("replaces its own route") << QStringLiteral("replace") << 201;
}

void tst_HttpListener::handlerChangesRoutes()
{
    QFETCH(QString, change);
    QFETCH(int, nextStatus);

    HttpListener listener;
    QString error;
    QVERIFY2(listener.listenOn(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
    QList<int> ids;
    for (int i = 0; i < 5; ++i) {
        ids << listener.addRoute(QStringLiteral("/other%1").arg(i),
                                 [](const HttpRequest &, HttpResponder &r) { reply(r, 200, "o"); });
    }
    auto ownId = std::make_shared<int>(0);
    // The handler's captures outlive the route's removal while it runs (ASan checks).
    const QByteArray tag(100, 't');
    *ownId = listener.addRoute(QStringLiteral("/self"), [&listener, &ids, ownId, change, tag](
                                                            const HttpRequest &, HttpResponder &r) {
        if (change == QLatin1String("remove own")) {
            listener.removeRoute(*ownId);
        } else if (change == QLatin1String("remove all")) {
            listener.removeRoute(*ownId);
            for (int id : std::as_const(ids))
                listener.removeRoute(id);
        } else if (change == QLatin1String("add")) {
            for (int i = 0; i < 200; ++i) {
                listener.addRoute(
                    QStringLiteral("/added%1").arg(i),
                    [](const HttpRequest &, HttpResponder &o) { reply(o, 200, "a"); });
            }
        } else if (change == QLatin1String("replace")) {
            listener.removeRoute(*ownId);
            *ownId = listener.addRoute(
                QStringLiteral("/self"),
                [](const HttpRequest &, HttpResponder &o) { reply(o, 201, "replaced"); });
        }
        reply(r, 200, tag + change.toUtf8()); // uses the captures after the change
    });
    QCOMPARE(listener.addRoute(QStringLiteral("/x"), {}) > *ownId, true); // ids increase
    listener.removeRoute(*ownId + 1);
    listener.removeRoute(12345); // unknown id: nothing happens

    Client c(listener.port());
    QVERIFY(c.waitConnected());
    // Two requests in one write: the second is dispatched after the first changed the routes.
    c.send("GET /self HTTP/1.1\r\n\r\nGET /self HTTP/1.1\r\n\r\n");
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, tag + change.toUtf8());
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, nextStatus);
    if (nextStatus == 404)
        QVERIFY(r.isJsonError());
    if (change == QLatin1String("add")) {
        c.send("GET /added199 HTTP/1.1\r\n\r\n");
        QVERIFY(c.next(&r));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("a"));
    }
    if (change == QLatin1String("remove all"))
        QVERIFY(!listener.hasRoutes());
    c.send("GET /other0 HTTP/1.1\r\n\r\n");
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, change == QLatin1String("remove all") ? 404 : 200);
    QVERIFY(c.isOpen());
}

// ---- clients that leave -----------------------------------------------------------------------

void tst_HttpListener::clientDisconnects_data()
{
    QTest::addColumn<QByteArray>("sent"); // before the client leaves
    QTest::addColumn<bool>("abort");      // reset (RST) rather than close (FIN)

    QByteArray pipelined;
    for (int i = 0; i < 50; ++i)
        pipelined += post("/echo", QByteArray(1000, 'p'));
    const struct
    {
        const char *name;
        QByteArray sent;
    } cases[] = {
        {"before sending anything", QByteArray()},
        {"in the request line", "GET /ec"},
        {"in the headers", "GET /echo HTTP/1.1\r\nHost: t\r\nX-A: "},
        {"in a Content-Length body", "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc"},
        {"in a chunked body", chunkedPost("/echo", "10\r\nabc")},
        {"in the trailers", chunkedPost("/echo", "1\r\na\r\n0\r\nX-T: 1\r\n")},
        {"after an Expect: 100-continue head",
         "POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"},
        {"with 50 pipelined requests not yet answered", pipelined},
        {"after a complete request", post("/echo", "done")},
    };
    for (const auto &c : cases) {
        QTest::addRow("%s, close", c.name) << c.sent << false;
        QTest::addRow("%s, reset", c.name) << c.sent << true;
    }
}

void tst_HttpListener::clientDisconnects()
{
    QFETCH(QByteArray, sent);
    QFETCH(bool, abort);

    Server server;
    QVERIFY(server.listen());
    {
        Client c(server.port());
        QVERIFY(c.waitConnected());
        QTcpSocket *serverEnd = serverSocket(server.listener);
        QVERIFY(serverEnd);
        if (!sent.isEmpty())
            QVERIFY(c.sendAndWaitRead(sent, serverEnd));
        if (abort)
            c.socket().abort();
        else
            c.socket().disconnectFromHost();
    }
    // The listener frees the connection and serves the next client.
    QTRY_COMPARE_WITH_TIMEOUT(connections(server.listener), 0, kTimeout);
    QVERIFY(server.stillServes());
    QTRY_COMPARE_WITH_TIMEOUT(connections(server.listener), 0, kTimeout);
}

// ---- listening --------------------------------------------------------------------------------

void tst_HttpListener::listenOnErrors_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("portInUse");
    QTest::addColumn<QString>("error"); // a part of the message

    QTest::newRow("not an IP address")
        << QStringLiteral("example.com") << false << QStringLiteral("not an IP address");
    QTest::newRow("port in use") << QStringLiteral("127.0.0.1") << true
                                 << QStringLiteral("already in use");
}

void tst_HttpListener::listenOnErrors()
{
    QFETCH(QString, host);
    QFETCH(bool, portInUse);
    QFETCH(QString, error);

    QTcpServer taken;
    quint16 port = 0;
    if (portInUse) {
        QVERIFY(taken.listen(QHostAddress(QHostAddress::LocalHost), 0));
        port = taken.serverPort();
    }
    HttpListener listener;
    QString message;
    QVERIFY(!listener.listenOn(host, port, &message));
    QVERIFY2(message.contains(error), qPrintable(message));
    QCOMPARE(listener.port(), quint16(0));
}

void tst_HttpListener::bindServer()
{
    // A server that already listens (as a QSslServer would for https) is served as well.
    auto *tcp = new QTcpServer;
    QVERIFY(tcp->listen(QHostAddress(QHostAddress::LocalHost), 0));
    const quint16 port = tcp->serverPort();
    Server server;
    server.listener.bind(tcp);
    QCOMPARE(server.listener.port(), port);
    QCOMPARE(tcp->parent(), &server.listener);
    Client c(port);
    QVERIFY(c.waitConnected());
    c.send(post("/echo", "bound"));
    Response r;
    QVERIFY(c.next(&r));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("bound"));
    QVERIFY(!server.requests.value(0).isSecure());
}

QTEST_GUILESS_MAIN(tst_HttpListener)

#include "tst_httplistener.moc"
