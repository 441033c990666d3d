#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSet>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <vector>

class QTcpServer;
class QTcpSocket;
class QTimer;

namespace Rivulet::Io {

class HttpConnection;

// One HTTP/1.1 request as parsed by HttpListener. Header names keep their case as sent;
// lookups ignore case.
class HttpRequest
{
public:
    enum class Method { Unknown, Get, Head, Post, Put, Delete, Patch, Options, Connect, Trace };

    Method method() const { return m_method; }
    QByteArray methodName() const { return m_methodName; }
    QByteArray target() const { return m_target; } // path and query, as sent
    QString path() const { return m_path; }        // percent-decoded, without the query
    // The request's URL (scheme, the Host header, path and query), built on first use.
    QUrl url() const;
    QUrlQuery query() const { return QUrlQuery(url()); }
    QList<QPair<QByteArray, QByteArray>> headers() const { return m_headers; }
    // The first header of that name (case-insensitive), empty when absent.
    QByteArray value(const QByteArray &name) const;
    QByteArray body() const { return m_body; }
    QHostAddress remoteAddress() const { return m_peer; }
    bool isSecure() const { return m_secure; }

private:
    friend class HttpConnection;
    Method m_method = Method::Unknown;
    QByteArray m_methodName;
    QByteArray m_target;
    QString m_path;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    QHostAddress m_peer;
    bool m_secure = false;
    mutable QUrl m_url;
};

// Writes one response into its connection's output, which goes out in one write for all the
// requests a read brought in (pipelined clients get their answers together). A status line,
// headers, then the body; Content-Length is added when the handler gave none.
class HttpResponder
{
public:
    void writeStatusLine(int status);
    void writeHeader(const QByteArray &name, const QByteArray &value);
    void writeBody(const QByteArray &body);
    bool isDone() const { return m_done; }

private:
    friend class HttpConnection;
    HttpResponder(QByteArray *out, bool head, bool close)
        : m_out(out)
        , m_head(head)
        , m_close(close)
    {}
    QByteArray *m_out;
    int m_status = 0;
    bool m_head = false;  // a HEAD request: headers only
    bool m_close = false; // the connection closes after this response
    bool m_hasLength = false;
    bool m_done = false;
};

// An HTTP/1.1 server that dispatches by path to handlers registered at run time (http
// sources, the gateway's token, developer REST and portal endpoints, the admin API). Unknown
// paths get a 404 with a JSON body listing nothing secret. Runs in the thread that owns it;
// handlers answer before they return. Keep-alive, pipelining, chunked request bodies and
// `Expect: 100-continue` are supported; malformed requests get a 400 (oversized heads 431,
// bodies 413) and the connection is closed.
class HttpListener final : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<void(const HttpRequest &request, HttpResponder &responder)>;

    explicit HttpListener(QObject *parent = nullptr);
    ~HttpListener() override;

    bool listenOn(const QString &host, quint16 port, QString *error);
    // Serves the connections of a server that already listens (a QSslServer for https);
    // takes ownership of it.
    void bind(QTcpServer *server, bool secure = false);
    quint16 port() const { return m_port; }
    QString host() const { return m_host; }

    // Exact path, or a prefix when it ends with '/*'. Returns an id for removeRoute.
    int addRoute(const QString &path, Handler handler);
    void removeRoute(int id);
    bool hasRoutes() const { return !m_routes.isEmpty(); }

    // A connection that sends nothing for this long is closed (keep-alive connections left
    // open, clients that stop in the middle of a request). 0: never.
    void setIdleTimeout(int ms);
    int idleTimeout() const { return m_idleTimeoutMs; }
    static constexpr int kDefaultIdleTimeoutMs = 120 * 1000;

    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    static constexpr qsizetype kMaxBodyBytes = 32 * 1024 * 1024;

    static void respondJson(HttpResponder &responder, int status, const QByteArray &json,
                            const QList<QPair<QByteArray, QByteArray>> &headers = {});

private:
    friend class HttpConnection;
    void dispatch(const HttpRequest &request, HttpResponder &responder);
    void acceptFrom(QTcpServer *server, bool secure);
    void closeIdleConnections();

    struct Route
    {
        int id;
        QString path;
        bool prefix;
        Handler handler;
    };
    QList<Route> m_routes;
    int m_nextId = 1;
    quint16 m_port = 0;
    QString m_host;
    int m_idleTimeoutMs = kDefaultIdleTimeoutMs;
    QTimer *m_idleSweep = nullptr;
    QSet<HttpConnection *> m_connections;
};

} // namespace Rivulet::Io
