#include "httplistener.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <cstring>
#include <utility>

namespace Rivulet::Io {

namespace {

// Accepted connections get TCP_NODELAY: clients that pipeline requests (sensors posting many
// small events) would otherwise wait on Nagle's algorithm and delayed ACKs.
class LowDelayTcpServer final : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        addPendingConnection(socket);
    }
};

const char *reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 423:
        return "Locked";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 300   ? "OK"
               : status < 400 ? "Redirect"
               : status < 500 ? "Client Error"
                              : "Server Error";
    }
}

HttpRequest::Method methodFrom(const QByteArray &name)
{
    using M = HttpRequest::Method;
    static const struct
    {
        const char *name;
        M method;
    } methods[] = {{"GET", M::Get},         {"POST", M::Post},       {"PUT", M::Put},
                   {"DELETE", M::Delete},   {"HEAD", M::Head},       {"PATCH", M::Patch},
                   {"OPTIONS", M::Options}, {"CONNECT", M::Connect}, {"TRACE", M::Trace}};
    for (const auto &m : methods) {
        if (name == m.name)
            return m.method;
    }
    return M::Unknown;
}

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A Host header that is a host and a port only: a '/', '?', '#', '@' or '\\' in it would move
// a part of it into the URL's path, query, fragment or user info.
bool isHostAndPort(const QByteArray &host)
{
    for (char c : host) {
        if (c == '/' || c == '?' || c == '#' || c == '@' || c == '\\')
            return false;
    }
    return !host.isEmpty();
}

QByteArray trimmedOws(const char *b, const char *e)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        ++b;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        --e;
    return QByteArray(b, e - b);
}

} // namespace

// ---- HttpRequest ------------------------------------------------------------------------------

QUrl HttpRequest::url() const
{
    if (m_url.isEmpty()) {
        QByteArray host = value("Host");
        if (!isHostAndPort(host))
            host = "localhost";
        m_url = QUrl::fromEncoded((m_secure ? "https://" : "http://") + host + m_target);
        if (!m_url.isValid()) // a Host header that is no host: keep path and query
            m_url =
                QUrl::fromEncoded((m_secure ? "https://localhost" : "http://localhost") + m_target);
    }
    return m_url;
}

QByteArray HttpRequest::value(const QByteArray &name) const
{
    for (const auto &h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

// ---- HttpResponder ----------------------------------------------------------------------------

void HttpResponder::writeStatusLine(int status)
{
    if (m_status != 0 || m_done)
        return;
    m_status = status;
    m_out->append("HTTP/1.1 ");
    m_out->append(QByteArray::number(status));
    m_out->append(' ');
    m_out->append(reasonPhrase(status));
    m_out->append("\r\n");
    if (m_close)
        m_out->append("Connection: close\r\n");
}

void HttpResponder::writeHeader(const QByteArray &name, const QByteArray &value)
{
    if (m_done)
        return;
    if (m_status == 0)
        writeStatusLine(200);
    // No CR or LF may reach the wire from a header value.
    if (name.contains('\r') || name.contains('\n') || value.contains('\r') || value.contains('\n'))
        return;
    if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
        // The first one only, and none on a 1xx or 204 (RFC 9110, 8.6).
        if (m_hasLength || m_status < 200 || m_status == 204)
            return;
        m_hasLength = true;
    } else if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
        return; // the connection's own
    }
    m_out->append(name);
    m_out->append(": ");
    m_out->append(value);
    m_out->append("\r\n");
}

void HttpResponder::writeBody(const QByteArray &body)
{
    if (m_done)
        return;
    if (m_status == 0)
        writeStatusLine(200);
    const bool bodiless = m_status < 200 || m_status == 204 || m_status == 304;
    if (!m_hasLength && !bodiless) {
        m_out->append("Content-Length: ");
        m_out->append(QByteArray::number(body.size()));
        m_out->append("\r\n");
    }
    m_out->append("\r\n");
    if (!m_head && !bodiless)
        m_out->append(body);
    m_done = true;
}

// ---- one connection ---------------------------------------------------------------------------

class HttpConnection final : public QObject
{
public:
    HttpConnection(HttpListener *listener, QTcpSocket *socket, bool secure)
        : QObject(listener)
        , m_listener(listener)
        , m_socket(socket)
        , m_secure(secure)
    {
        socket->setParent(this);
        m_peer = socket->peerAddress();
        m_lastActivity.start();
        listener->m_connections.insert(this);
        connect(socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(socket, &QTcpSocket::disconnected, this, [this] { deleteLater(); });
        if (socket->bytesAvailable() > 0)
            onReadyRead();
    }

private:
    enum class Parse { Incomplete, Done, Failed };

    void onReadyRead()
    {
        if (m_closing)
            return;
        m_in.append(m_socket->readAll());
        m_lastActivity.start();
        QByteArray out;
        qsizetype pos = 0;
        const QPointer<HttpConnection> alive(this);
        while (!m_closing && pos < m_in.size()) {
            HttpRequest request;
            qsizetype next = pos;
            const Parse p = parse(pos, &next, &request, &out);
            if (p == Parse::Incomplete) {
                pos = next; // blank lines before a request line are not kept
                break;
            }
            pos = next;
            if (p == Parse::Failed)
                break;
            HttpResponder responder(&out, request.method() == HttpRequest::Method::Head,
                                    m_closeAfter);
            m_listener->dispatch(request, responder);
            if (!alive)
                return;
            if (!responder.isDone()) {
                if (out.isEmpty() || responder.m_status == 0) {
                    HttpResponder fallback(&out, request.method() == HttpRequest::Method::Head,
                                           m_closeAfter);
                    HttpListener::respondJson(fallback, 500,
                                              "{\"error\":\"internal\",\"message\":\"the "
                                              "handler gave no answer\"}");
                } else {
                    responder.writeBody(QByteArray());
                }
            }
            m_expectContinueSent = false;
            if (m_closeAfter)
                m_closing = true;
        }
        m_in.remove(0, pos);
        if (!out.isEmpty())
            m_socket->write(out);
        if (m_closing) {
            m_in.clear();
            m_socket->disconnectFromHost();
        }
    }

    void fail(QByteArray *out, int status, const char *message)
    {
        HttpResponder r(out, false, true);
        HttpListener::respondJson(
            r, status, QByteArray("{\"error\":\"bad_request\",\"message\":\"") + message + "\"}");
        m_closing = true;
    }

    // Parses the request at m_in[pos...]; on Done, *next is the position after it.
    Parse parse(qsizetype pos, qsizetype *next, HttpRequest *request, QByteArray *out)
    {
        const char *data = m_in.constData();
        const qsizetype size = m_in.size();
        // Empty lines before a request line are ignored (RFC 9112, 2.2).
        while (pos < size && (data[pos] == '\r' || data[pos] == '\n'))
            ++pos;
        *next = pos;
        if (pos >= size)
            return Parse::Incomplete;
        const qsizetype headEnd = m_in.indexOf("\r\n\r\n", pos);
        if (headEnd < 0) {
            // Up to 3 bytes of the empty line that ends a head of the largest size may be in.
            if (size - pos > HttpListener::kMaxHeadBytes + 3) {
                fail(out, 431, "the request head is larger than 64 KiB");
                return Parse::Failed;
            }
            return Parse::Incomplete;
        }
        if (headEnd - pos > HttpListener::kMaxHeadBytes) {
            fail(out, 431, "the request head is larger than 64 KiB");
            return Parse::Failed;
        }
        // A CR only before an LF, an LF only after a CR, and no NUL (RFC 9112, 2.2; RFC 9110,
        // 5.5): a parser in front of this one could split the fields at them differently.
        for (qsizetype i = pos; i < headEnd; ++i) {
            const char c = data[i];
            if (c == '\0' || (c == '\r' && data[i + 1] != '\n')
                || (c == '\n' && data[i - 1] != '\r')) {
                fail(out, 400, "a bare CR, LF or NUL in the request head");
                return Parse::Failed;
            }
        }
        // Request line.
        const char *line = data + pos;
        const char *lineEnd = static_cast<const char *>(std::memchr(line, '\r', headEnd - pos + 1));
        const char *sp1 = static_cast<const char *>(std::memchr(line, ' ', lineEnd - line));
        const char *sp2 =
            sp1 ? static_cast<const char *>(std::memchr(sp1 + 1, ' ', lineEnd - sp1 - 1)) : nullptr;
        if (!sp1 || !sp2 || sp1 == line || sp2 == sp1 + 1) {
            fail(out, 400, "malformed request line");
            return Parse::Failed;
        }
        const QByteArray version(sp2 + 1, lineEnd - sp2 - 1);
        // HTTP/1.x with a later minor version is answered as 1.1 (RFC 9112, 2.3).
        const bool http10 = version == "HTTP/1.0";
        if (!http10
            && !(version.size() == 8 && version.startsWith("HTTP/1.") && version.at(7) >= '1'
                 && version.at(7) <= '9')) {
            fail(out, version.startsWith("HTTP/") ? 505 : 400, "unsupported HTTP version");
            return Parse::Failed;
        }
        for (const char *c = line; c < sp1; ++c) {
            if (!isTokenChar(*c)) {
                fail(out, 400, "malformed method");
                return Parse::Failed;
            }
        }
        request->m_methodName = QByteArray(line, sp1 - line);
        request->m_method = methodFrom(request->m_methodName);
        request->m_target = QByteArray(sp1 + 1, sp2 - sp1 - 1);
        if (!request->m_target.startsWith('/') && request->m_target != "*") {
            fail(out, 400, "the request target must be a path");
            return Parse::Failed;
        }
        // Header fields.
        bool keepAlive = !http10;
        bool chunked = false, expectContinue = false;
        qint64 contentLength = -1;
        const char *p = lineEnd + 2;
        const char *end = data + headEnd + 2;
        while (p < end) {
            const char *e = static_cast<const char *>(std::memchr(p, '\r', end - p));
            if (!e || e[1] != '\n') {
                fail(out, 400, "header lines must end in CRLF");
                return Parse::Failed;
            }
            const char *colon = static_cast<const char *>(std::memchr(p, ':', e - p));
            if (!colon || colon == p) {
                fail(out, 400, "malformed header field");
                return Parse::Failed;
            }
            for (const char *c = p; c < colon; ++c) {
                if (!isTokenChar(*c)) { // also rejects "Name :" and folded lines
                    fail(out, 400, "malformed header field name");
                    return Parse::Failed;
                }
            }
            QByteArray name(p, colon - p);
            QByteArray value = trimmedOws(colon + 1, e);
            if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
                bool ok = false;
                const qint64 n = value.toLongLong(&ok);
                if (!ok || n < 0 || value.startsWith('+')
                    || (contentLength >= 0 && contentLength != n)) {
                    fail(out, 400, "invalid Content-Length");
                    return Parse::Failed;
                }
                contentLength = n;
            } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
                if (value.compare("chunked", Qt::CaseInsensitive) != 0) {
                    fail(out, 501, "only the chunked transfer coding is supported");
                    return Parse::Failed;
                }
                chunked = true;
            } else if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
                const QByteArray v = value.toLower();
                if (v.contains("close"))
                    keepAlive = false;
                else if (v.contains("keep-alive"))
                    keepAlive = true;
            } else if (name.compare("Expect", Qt::CaseInsensitive) == 0) {
                // Ignored from an HTTP/1.0 client, which may not know 100 (RFC 9110, 10.1.1).
                expectContinue = !http10 && value.compare("100-continue", Qt::CaseInsensitive) == 0;
            }
            request->m_headers.append({std::move(name), std::move(value)});
            p = e + 2;
        }
        if (chunked && contentLength >= 0) {
            fail(out, 400, "Content-Length and Transfer-Encoding together");
            return Parse::Failed;
        }
        if (contentLength > HttpListener::kMaxBodyBytes) {
            fail(out, 413, "the request body is larger than 32 MiB");
            return Parse::Failed;
        }
        // Body.
        qsizetype bodyStart = headEnd + 4;
        qsizetype after = bodyStart;
        if (chunked) {
            QByteArray body;
            qsizetype q = bodyStart;
            // The chunk-size lines and the trailers, bounded as a head is: m_in does not grow
            // without limit on a line that never ends.
            qsizetype framing = 0;
            if (m_chunks.active) {
                // The same request, continued where the last read stopped: the chunks already
                // complete are not parsed and copied again (a large upload in many reads).
                body = std::move(m_chunks.body);
                q = pos + m_chunks.offset;
                framing = m_chunks.framing;
                m_chunks = {};
            }
            // When the chunked body is incomplete: remember the complete chunks and where the
            // next size line starts.
            auto suspend = [&, this](qsizetype lineStart, qsizetype framingBefore) {
                m_chunks.active = true;
                m_chunks.offset = lineStart - pos;
                m_chunks.framing = framingBefore;
                m_chunks.body = std::move(body);
                return continueOrIncomplete(expectContinue, out);
            };
            for (;;) {
                const qsizetype framingBefore = framing;
                const qsizetype le = m_in.indexOf("\r\n", q);
                if (framing + (le < 0 ? size : le) - q > HttpListener::kMaxHeadBytes) {
                    fail(out, 400, "the chunk-size lines are longer than 64 KiB");
                    return Parse::Failed;
                }
                if (le < 0)
                    return suspend(q, framingBefore);
                framing += le - q + 2;
                bool ok = false;
                QByteArray sizeField = m_in.mid(q, le - q);
                const qsizetype semi = sizeField.indexOf(';');
                if (semi >= 0)
                    sizeField.truncate(semi);
                // Hex digits only: no sign, no "0x" (which a parser in front may read as 0).
                const QByteArray digits = sizeField.trimmed();
                ok = !digits.isEmpty() && std::all_of(digits.cbegin(), digits.cend(), isHexDigit);
                const qint64 chunk = ok ? digits.toLongLong(&ok, 16) : -1;
                if (!ok || chunk < 0) {
                    fail(out, 400, "malformed chunk size");
                    return Parse::Failed;
                }
                if (body.size() + chunk > HttpListener::kMaxBodyBytes) {
                    fail(out, 413, "the request body is larger than 32 MiB");
                    return Parse::Failed;
                }
                if (chunk == 0) {
                    // Trailer fields (ignored) up to an empty line.
                    qsizetype t = le + 2;
                    for (;;) {
                        const qsizetype te = m_in.indexOf("\r\n", t);
                        if (framing + (te < 0 ? size : te) - t > HttpListener::kMaxHeadBytes) {
                            fail(out, 431, "the trailers are larger than 64 KiB");
                            return Parse::Failed;
                        }
                        if (te < 0)
                            return suspend(q, framingBefore);
                        if (te == t) {
                            after = te + 2;
                            break;
                        }
                        framing += te - t + 2;
                        t = te + 2;
                    }
                    break;
                }
                if (le + 2 + chunk + 2 > size)
                    return suspend(q, framingBefore);
                if (m_in.at(le + 2 + chunk) != '\r' || m_in.at(le + 3 + chunk) != '\n') {
                    fail(out, 400, "malformed chunk");
                    return Parse::Failed;
                }
                body.append(data + le + 2, chunk);
                q = le + 2 + chunk + 2;
            }
            request->m_body = body;
        } else if (contentLength > 0) {
            if (size - bodyStart < contentLength)
                return continueOrIncomplete(expectContinue, out);
            request->m_body = m_in.mid(bodyStart, contentLength);
            after = bodyStart + contentLength;
        }
        // The path, percent-decoded as QUrl::path() would give it.
        const qsizetype qm = request->m_target.indexOf('?');
        const QByteArray rawPath = qm < 0 ? request->m_target : request->m_target.left(qm);
        request->m_path =
            rawPath.contains('%') ? QUrl::fromPercentEncoding(rawPath) : QString::fromUtf8(rawPath);
        request->m_peer = m_peer;
        request->m_secure = m_secure;
        m_closeAfter = !keepAlive;
        *next = after;
        return Parse::Done;
    }

    Parse continueOrIncomplete(bool expectContinue, QByteArray *out)
    {
        if (expectContinue && !m_expectContinueSent) {
            m_expectContinueSent = true;
            // After the answers to the requests before it, which this read queued in out.
            out->append("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return Parse::Incomplete;
    }

    HttpListener *m_listener;
    QTcpSocket *m_socket;
    QHostAddress m_peer;
    QByteArray m_in;
    bool m_secure = false;
    bool m_closeAfter = false;
    bool m_closing = false;
    bool m_expectContinueSent = false;
    struct
    {
        bool active = false;
        qsizetype offset = 0;  // of the next chunk-size line, from the request's start
        qsizetype framing = 0; // bytes of chunk-size lines so far
        QByteArray body;       // the complete chunks so far
    } m_chunks;
    QElapsedTimer m_lastActivity;

public:
    qint64 idleMs() const { return m_lastActivity.elapsed(); }
    // Closes the connection; one already closing (a peer that does not read what is left to
    // write) is cut off.
    void closeIdle()
    {
        m_in.clear();
        if (m_closing) {
            m_socket->abort();
            deleteLater();
            return;
        }
        m_closing = true;
        m_socket->disconnectFromHost();
    }
    ~HttpConnection() override { m_listener->m_connections.remove(this); }
};

// ---- HttpListener -----------------------------------------------------------------------------

HttpListener::HttpListener(QObject *parent)
    : QObject(parent)
    , m_idleSweep(new QTimer(this))
{
    connect(m_idleSweep, &QTimer::timeout, this, [this] { closeIdleConnections(); });
    setIdleTimeout(kDefaultIdleTimeoutMs);
}

void HttpListener::setIdleTimeout(int ms)
{
    m_idleTimeoutMs = std::max(0, ms);
    if (m_idleTimeoutMs == 0) {
        m_idleSweep->stop();
        return;
    }
    // Swept a few times per timeout: a connection goes at most a sweep late.
    m_idleSweep->start(std::clamp(m_idleTimeoutMs / 4, 10, 10000));
}

void HttpListener::closeIdleConnections()
{
    const QSet<HttpConnection *> connections = m_connections; // closing may remove some
    for (HttpConnection *c : connections) {
        if (c->idleMs() >= m_idleTimeoutMs)
            c->closeIdle();
    }
}

HttpListener::~HttpListener()
{
    // Before the members go: a connection takes itself out of m_connections when deleted.
    const QSet<HttpConnection *> connections = std::exchange(m_connections, {});
    qDeleteAll(connections);
}

bool HttpListener::listenOn(const QString &host, quint16 port, QString *error)
{
    QHostAddress address;
    if (host.isEmpty() || host == QLatin1String("0.0.0.0") || host == QLatin1String("*"))
        address = QHostAddress::AnyIPv4;
    else if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host)) {
        *error = QStringLiteral("'%1' is not an IP address to listen on").arg(host);
        return false;
    }
    auto *server = new LowDelayTcpServer(this);
    if (!server->listen(address, port)) {
        *error = server->serverError() == QAbstractSocket::AddressInUseError
                     ? QStringLiteral("port %1 is already in use").arg(port)
                     : QStringLiteral("cannot listen on %1:%2: %3")
                           .arg(host)
                           .arg(port)
                           .arg(server->errorString());
        delete server;
        return false;
    }
    acceptFrom(server, false);
    m_port = server->serverPort();
    m_host = host;
    return true;
}

void HttpListener::bind(QTcpServer *server, bool secure)
{
    server->setParent(this);
    if (m_port == 0)
        m_port = server->serverPort();
    acceptFrom(server, secure);
}

void HttpListener::acceptFrom(QTcpServer *server, bool secure)
{
    connect(server, &QTcpServer::pendingConnectionAvailable, this, [this, server, secure] {
        while (QTcpSocket *socket = server->nextPendingConnection())
            new HttpConnection(this, socket, secure);
    });
}

int HttpListener::addRoute(const QString &path, Handler handler)
{
    const bool prefix = path.endsWith(QLatin1String("/*"));
    m_routes.append({m_nextId, prefix ? path.chopped(1) : path, prefix, std::move(handler)});
    return m_nextId++;
}

void HttpListener::removeRoute(int id)
{
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        if (m_routes[i].id == id) {
            m_routes.removeAt(i);
            return;
        }
    }
}

void HttpListener::respondJson(HttpResponder &responder, int status, const QByteArray &json,
                               const QList<QPair<QByteArray, QByteArray>> &headers)
{
    responder.writeStatusLine(status);
    responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(json.size()));
    for (const auto &h : headers)
        responder.writeHeader(h.first, h.second);
    responder.writeBody(json);
}

void HttpListener::dispatch(const HttpRequest &request, HttpResponder &responder)
{
    const QString path = request.path();
    // Exact routes first, then the longest prefix.
    const Route *match = nullptr;
    for (const Route &r : std::as_const(m_routes)) {
        if (!r.prefix && r.path == path) {
            match = &r;
            break;
        }
    }
    if (!match) {
        for (const Route &r : std::as_const(m_routes)) {
            if (r.prefix && path.startsWith(r.path)
                && (!match || r.path.size() > match->path.size()))
                match = &r;
        }
    }
    if (!match) {
        respondJson(
            responder, 404,
            QByteArrayLiteral(
                "{\"error\":\"not_found\",\"message\":\"nothing is served at this path\"}"));
        return;
    }
    const Handler handler = match->handler; // the handler may remove its own route
    handler(request, responder);
}

} // namespace Rivulet::Io
