// Small receivers for remote-target tests: an HTTP/1.1 server and a WebSocket server of the
// test's own, on free ports (the engine's http and websocket-server sources are written
// elsewhere).
#pragma once

#include <QHash>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>
#include <vector>

namespace SimTest {

// An HTTP/1.1 server that reads requests (Content-Length bodies) and answers them, at once or
// when told to.
class HttpReceiver : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method, path, contentType, body;
    };

    HttpReceiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                m_buffers.insert(s, {});
                connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QObject::destroyed, this, [this, s] { m_buffers.remove(s); });
            }
        });
    }
    ~HttpReceiver() override
    {
        // The sockets die with the server, after the members they report to.
        for (QTcpSocket *s : m_server.findChildren<QTcpSocket *>())
            s->disconnect(this);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }

    // The status for request number i (0-based).
    std::function<int(int)> status = [](int) { return 200; };
    bool hold = false; // keep answers until release()
    void release()
    {
        hold = false;
        for (auto &[socket, code] : m_held) {
            if (socket)
                answer(socket, code);
        }
        m_held.clear();
    }

    QList<Request> requests;

Q_SIGNALS:
    void received();

private:
    void read(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        while (true) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            Request r;
            const QList<QByteArray> first = lines.first().trimmed().split(' ');
            r.method = first.value(0);
            r.path = first.value(1);
            qsizetype length = 0;
            for (const QByteArray &line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (name == "content-length")
                    length = value.toLongLong();
                else if (name == "content-type")
                    r.contentType = value;
            }
            if (buf.size() < end + 4 + length)
                return;
            r.body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            const int code = status(int(requests.size()));
            requests << r;
            if (hold)
                m_held.push_back({QPointer<QTcpSocket>(s), code});
            else
                answer(s, code);
            Q_EMIT received();
        }
    }
    static void answer(QTcpSocket *s, int code)
    {
        const QByteArray reason = code == 200 ? "OK" : "Bad Request";
        s->write("HTTP/1.1 " + QByteArray::number(code) + ' ' + reason
                 + "\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    std::vector<std::pair<QPointer<QTcpSocket>, int>> m_held;
};

class WsReceiver : public QObject
{
    Q_OBJECT
public:
    WsReceiver()
        : m_server(QStringLiteral("test"), QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = m_server.nextPendingConnection()) {
                ++connections;
                connect(s, &QWebSocket::textMessageReceived, this,
                        [this](const QString &m) { messages << m; });
                connect(s, &QWebSocket::disconnected, this, [this, s] {
                    ++disconnections;
                    s->deleteLater();
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }

    QStringList messages;
    int connections = 0;
    int disconnections = 0;

private:
    QWebSocketServer m_server;
};

} // namespace SimTest
