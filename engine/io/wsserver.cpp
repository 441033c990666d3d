#include "wsserver.h"

#include <QCryptographicHash>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace Rivulet::Io {

// ---- frames ---------------------------------------------------------------------------------

struct FrameData
{
    int refs = 1; // touched by the I/O thread only, once handed over
    QByteArray bytes;
};

namespace {

QByteArray frameHeader(uint8_t opcode, size_t length)
{
    QByteArray h;
    h.append(char(0x80 | opcode)); // FIN + opcode, unmasked (server to client)
    if (length < 126) {
        h.append(char(length));
    } else if (length <= 0xFFFF) {
        h.append(char(126));
        h.append(char((length >> 8) & 0xFF));
        h.append(char(length & 0xFF));
    } else {
        h.append(char(127));
        for (int i = 7; i >= 0; --i)
            h.append(char((uint64_t(length) >> (8 * i)) & 0xFF));
    }
    return h;
}

void unref(FrameData *f)
{
    if (f && --f->refs == 0)
        delete f;
}

} // namespace

Frame Frame::text(const QByteArray &payload)
{
    auto *d = new FrameData;
    d->bytes.reserve(payload.size() + 10);
    d->bytes = frameHeader(0x1, size_t(payload.size()));
    d->bytes.append(payload);
    return Frame(d);
}

Frame Frame::close(int code, const QByteArray &reason)
{
    QByteArray payload;
    payload.append(char((code >> 8) & 0xFF));
    payload.append(char(code & 0xFF));
    payload.append(reason.left(120));
    auto *d = new FrameData;
    d->bytes = frameHeader(0x8, size_t(payload.size())) + payload;
    return Frame(d);
}

size_t Frame::size() const
{
    return m_data ? size_t(m_data->bytes.size()) : 0;
}

QByteArray HandshakeRequest::header(const char *name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QByteArray HandshakeRequest::path() const
{
    const int q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray HandshakeRequest::query() const
{
    const int q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

// ---- state ----------------------------------------------------------------------------------

struct WsServer::Client
{
    int fd = -1;
    uint64_t id = 0;
    enum State { Handshake, Open, Closing } state = Handshake;
    int channel = -1;
    uint64_t tag = 0;
    size_t channelIndex = 0; // position in m_channels[channel]
    size_t allIndex = 0;     // position in m_all
    QByteArray in;           // handshake bytes, or a partial frame
    QByteArray message;      // fragments of a message being received
    // Outgoing frames: a ring over a lazily allocated vector (idle clients hold nothing).
    std::vector<FrameData *> queue;
    size_t head = 0;
    size_t count = 0;
    size_t offset = 0; // bytes of the first frame already written
    bool dirty = false;
    bool waitingWritable = false;
    bool closeAfterFlush = false;
    int64_t deadline = 0;     // handshake timeout
    int64_t lastActivity = 0; // idle timeout
    QByteArray peer;

    FrameData *front() const { return queue[head]; }
    void push(FrameData *f)
    {
        if (count == queue.size()) {
            // Grow the ring, keeping order.
            std::vector<FrameData *> bigger(std::max<size_t>(8, queue.size() * 2), nullptr);
            for (size_t i = 0; i < count; ++i)
                bigger[i] = queue[(head + i) % queue.size()];
            queue.swap(bigger);
            head = 0;
        }
        queue[(head + count) % queue.size()] = f;
        ++count;
    }
    FrameData *pop()
    {
        FrameData *f = queue[head];
        queue[head] = nullptr;
        head = (head + 1) % queue.size();
        --count;
        return f;
    }
    // Removes the second frame: the oldest one not started while the first is partly written.
    FrameData *popSecond()
    {
        const size_t second = (head + 1) % queue.size();
        FrameData *f = queue[second];
        queue[second] = queue[head];
        queue[head] = nullptr;
        head = second;
        --count;
        return f;
    }
};

struct WsServer::Command
{
    enum Kind { Broadcast, CloseTag } kind = Broadcast;
    int channel = 0;
    FrameData *frame = nullptr;
    uint64_t tag = 0;
    int code = 0;
    QByteArray reason;
};

WsServer::WsServer(WsServerOptions options)
    : m_options(std::move(options))
    , m_tickMs(std::max(1, m_options.flushIntervalMs))
{}

WsServer::~WsServer()
{
    stop();
}

int64_t WsServer::nowMs() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void WsServer::setHandshakeHandler(
    std::function<HandshakeDecision(const HandshakeRequest &)> handler)
{
    m_handshake = std::move(handler);
}

void WsServer::setMessageHandler(
    std::function<void(uint64_t, uint64_t, const QByteArray &)> handler)
{
    m_onMessage = std::move(handler);
}

void WsServer::setDisconnectHandler(std::function<void(uint64_t, uint64_t, int)> handler)
{
    m_onDisconnect = std::move(handler);
}

WsServer::Stats WsServer::stats() const
{
    const Counters &c = m_counters;
    Stats s;
    s.clients = c.clients;
    s.accepted = c.accepted;
    s.handshakeFailures = c.handshakeFailures;
    s.framesQueued = c.framesQueued;
    s.framesDropped = c.framesDropped;
    s.slowClientsClosed = c.slowClientsClosed;
    s.bytesSent = c.bytesSent;
    s.messagesReceived = c.messagesReceived;
    return s;
}

bool WsServer::start(QString *error)
{
    if (m_running)
        return true;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo *result = nullptr;
    QByteArray host = m_options.host;
    if (host.isEmpty() || host == "0.0.0.0" || host == "*")
        host = "0.0.0.0";
    else if (host == "localhost")
        host = "127.0.0.1";
    const QByteArray port = QByteArray::number(m_options.port);
    if (getaddrinfo(host.constData(), port.constData(), &hints, &result) != 0 || !result) {
        *error = QStringLiteral("cannot resolve host '%1'").arg(QString::fromUtf8(m_options.host));
        return false;
    }
    int fd = socket(result->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(result);
        *error = QStringLiteral("cannot create a socket: %1")
                     .arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, result->ai_addr, result->ai_addrlen) != 0) {
        const int err = errno;
        freeaddrinfo(result);
        ::close(fd);
        if (err == EADDRINUSE)
            *error = QStringLiteral("port %1 is already in use").arg(m_options.port);
        else if (err == EACCES)
            *error = QStringLiteral("no permission to listen on port %1").arg(m_options.port);
        else
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(QString::fromUtf8(m_options.host))
                         .arg(m_options.port)
                         .arg(QString::fromLocal8Bit(strerror(err)));
        return false;
    }
    freeaddrinfo(result);
    if (listen(fd, 4096) != 0) {
        *error = QStringLiteral("cannot listen on port %1: %2")
                     .arg(m_options.port)
                     .arg(QString::fromLocal8Bit(strerror(errno)));
        ::close(fd);
        return false;
    }
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    m_port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&addr)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in *>(&addr)->sin_port);
    m_listenFd = fd;
    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_listenFd;
    epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_listenFd, &ev);
    ev.data.fd = m_wakeFd;
    epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &ev);
    m_stopping = false;
    m_running = true;
    m_thread = std::thread([this] { run(); });
    return true;
}

void WsServer::stop(int closeCode, const QByteArray &reason)
{
    if (!m_running)
        return;
    m_stopCode = closeCode;
    m_stopReason = reason;
    m_stopping = true;
    wake();
    if (m_thread.joinable())
        m_thread.join();
    m_running = false;
    if (m_listenFd >= 0)
        ::close(m_listenFd);
    if (m_epollFd >= 0)
        ::close(m_epollFd);
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    m_listenFd = m_epollFd = m_wakeFd = -1;
    std::lock_guard<std::mutex> lock(m_commandMutex);
    for (Command &c : m_commands)
        unref(c.frame);
    m_commands.clear();
}

void WsServer::wake()
{
    const uint64_t one = 1;
    const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    (void)n;
}

void WsServer::broadcast(int channel, Frame frame)
{
    if (!frame.m_data)
        return;
    if (!m_running) {
        unref(frame.m_data);
        return;
    }
    bool needWake;
    {
        std::lock_guard<std::mutex> lock(m_commandMutex);
        Command c;
        c.kind = Command::Broadcast;
        c.channel = channel;
        c.frame = frame.m_data;
        m_commands.push_back(std::move(c));
        // With a flush due, the I/O thread takes the frame at that tick: no wake per event.
        needWake = !m_wakePending && !m_flushArmed;
        if (needWake)
            m_wakePending = true;
    }
    if (needWake)
        wake();
}

void WsServer::closeTag(uint64_t tag, int code, const QByteArray &reason)
{
    if (!m_running)
        return;
    {
        std::lock_guard<std::mutex> lock(m_commandMutex);
        Command c;
        c.kind = Command::CloseTag;
        c.tag = tag;
        c.code = code;
        c.reason = reason;
        m_commands.push_back(std::move(c));
        m_wakePending = true;
    }
    wake();
}

// ---- the I/O thread -------------------------------------------------------------------------

void WsServer::run()
{
    std::vector<epoll_event> events(256);
    int64_t nextSweep = nowMs() + 1000;
    while (!m_stopping) {
        int timeout = int(std::max<int64_t>(0, nextSweep - nowMs()));
        if (m_flushAt >= 0)
            timeout = int(std::max<int64_t>(0, std::min<int64_t>(timeout, m_flushAt - nowMs())));
        const int n = epoll_wait(m_epollFd, events.data(), int(events.size()), timeout);
        for (int i = 0; i < n; ++i) {
            const int fd = events[size_t(i)].data.fd;
            const uint32_t what = events[size_t(i)].events;
            if (fd == m_listenFd) {
                acceptClients();
                continue;
            }
            if (fd == m_wakeFd) {
                uint64_t v;
                while (::read(m_wakeFd, &v, sizeof v) > 0) {
                }
                drainCommands();
                continue;
            }
            Client *c = size_t(fd) < m_byFd.size() ? m_byFd[size_t(fd)] : nullptr;
            if (!c)
                continue;
            if (what & (EPOLLERR | EPOLLHUP)) {
                closeClient(c, 1006, QByteArray(), false);
                continue;
            }
            if (what & EPOLLIN)
                onReadable(c);
            c = size_t(fd) < m_byFd.size() ? m_byFd[size_t(fd)] : nullptr;
            if (c && (what & EPOLLOUT))
                onWritable(c);
        }
        const int64_t now = nowMs();
        if (m_flushAt >= 0 && now >= m_flushAt) {
            // The tick: take the frames broadcast since it was armed, then write.
            drainCommands();
            m_lastFlush = now;
            flushDirty();
        }
        if (!m_graveyard.empty()) {
            // Dirty entries of dead clients go with them.
            m_dirty.erase(
                std::remove_if(m_dirty.begin(), m_dirty.end(), [](Client *c) { return c->fd < 0; }),
                m_dirty.end());
            buryDead();
        }
        if (now >= nextSweep) {
            nextSweep = now + 1000;
            const std::vector<Client *> all = m_all;
            for (Client *c : all) {
                if (c->state == Client::Handshake && now > c->deadline) {
                    ++m_counters.handshakeFailures;
                    closeClient(c, 0, QByteArray(), false);
                } else if (c->state == Client::Open && m_options.idleTimeoutMs > 0
                           && now - c->lastActivity > m_options.idleTimeoutMs) {
                    closeClient(c, 1000, "idle timeout", true);
                }
            }
        }
    }
    // Shutting down: tell every client, flush what fits, close.
    drainCommands();
    const std::vector<Client *> all = m_all;
    for (Client *c : all) {
        if (c->state == Client::Open) {
            Frame f = Frame::close(m_stopCode, m_stopReason);
            enqueue(c, f.m_data);
            unref(f.m_data); // the queue holds its own reference
            flush(c);
        }
        destroyClient(c);
    }
    m_dirty.clear();
    buryDead();
}

void WsServer::acceptClients()
{
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        const int fd = accept4(m_listenFd, reinterpret_cast<sockaddr *>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto *c = new Client;
        c->fd = fd;
        c->id = m_nextId++;
        c->deadline = nowMs() + m_options.handshakeTimeoutMs;
        c->lastActivity = nowMs();
        char host[INET6_ADDRSTRLEN] = {};
        if (addr.ss_family == AF_INET)
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(&addr)->sin_addr, host,
                      sizeof host);
        else if (addr.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6 *>(&addr)->sin6_addr, host,
                      sizeof host);
        c->peer = host;
        if (size_t(fd) >= m_byFd.size())
            m_byFd.resize(size_t(fd) + 1, nullptr);
        m_byFd[size_t(fd)] = c;
        c->allIndex = m_all.size();
        m_all.push_back(c);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev);
    }
}

void WsServer::onReadable(Client *c)
{
    char buf[16384];
    for (;;) {
        const ssize_t n = ::read(c->fd, buf, sizeof buf);
        if (n > 0) {
            c->in.append(buf, int(n));
            c->lastActivity = nowMs();
            if (c->state == Client::Handshake) {
                if (!handleHandshake(c))
                    return;
            } else if (c->state != Client::Handshake) {
                if (!handleFrames(c))
                    return;
            }
            if (size_t(n) < sizeof buf)
                return;
            continue;
        }
        if (n == 0) {
            closeClient(c, 1006, QByteArray(), false);
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == EINTR)
            continue;
        closeClient(c, 1006, QByteArray(), false);
        return;
    }
}

bool WsServer::handleHandshake(Client *c)
{
    const int end = c->in.indexOf("\r\n\r\n");
    if (end < 0) {
        if (size_t(c->in.size()) > m_options.maxHeaderBytes) {
            ++m_counters.handshakeFailures;
            const QByteArray r = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: "
                                 "close\r\nContent-Length: 0\r\n\r\n";
            const ssize_t w = ::write(c->fd, r.constData(), size_t(r.size()));
            (void)w;
            closeClient(c, 0, QByteArray(), false);
            return false;
        }
        return true;
    }
    HandshakeRequest req;
    req.peer = c->peer;
    const QList<QByteArray> lines = c->in.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    req.method = requestLine.value(0);
    req.target = requestLine.value(1);
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const int colon = line.indexOf(':');
        if (colon > 0)
            req.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    c->in = c->in.mid(end + 4);

    auto refuse = [&](int status, const QByteArray &reason,
                      const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body) {
        ++m_counters.handshakeFailures;
        QByteArray r = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
        for (const auto &h : headers)
            r += h.first + ": " + h.second + "\r\n";
        r += "Connection: close\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
             + body;
        const ssize_t w = ::write(c->fd, r.constData(), size_t(r.size()));
        (void)w;
        closeClient(c, 0, QByteArray(), false);
        return false;
    };

    const QByteArray key = req.header("Sec-WebSocket-Key");
    if (req.method != "GET" || req.header("Upgrade").toLower() != "websocket" || key.isEmpty()) {
        return refuse(426, "Upgrade Required",
                      {{"Upgrade", "websocket"}, {"Content-Type", "text/plain"}},
                      "This is a WebSocket endpoint: connect with a WebSocket client, for example "
                      "wscat -c ws://host:port/\n");
    }
    if (req.header("Sec-WebSocket-Version") != "13")
        return refuse(426, "Upgrade Required", {{"Sec-WebSocket-Version", "13"}}, QByteArray());

    HandshakeDecision decision;
    if (m_handshake)
        decision = m_handshake(req);
    if (decision.status != 101) {
        return refuse(decision.status,
                      decision.reason.isEmpty() ? QByteArray("Refused") : decision.reason,
                      decision.headers, decision.body);
    }
    QByteArray protocol;
    if (!m_options.subprotocols.isEmpty()) {
        const QByteArrayList asked = req.header("Sec-WebSocket-Protocol").split(',');
        for (const QByteArray &a : asked) {
            if (m_options.subprotocols.contains(a.trimmed())) {
                protocol = a.trimmed();
                break;
            }
        }
    }
    const QByteArray accept =
        QCryptographicHash::hash(QByteArray(key).append("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                 QCryptographicHash::Sha1)
            .toBase64();
    QByteArray r =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: "
        + accept + "\r\n";
    if (!protocol.isEmpty())
        r += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    for (const auto &h : decision.headers)
        r += h.first + ": " + h.second + "\r\n";
    r += "\r\n";
    auto *f = new FrameData;
    f->bytes = r;
    c->state = Client::Open;
    c->channel = std::max(0, decision.channel);
    c->tag = decision.tag;
    if (size_t(c->channel) >= m_channels.size())
        m_channels.resize(size_t(c->channel) + 1);
    c->channelIndex = m_channels[size_t(c->channel)].size();
    m_channels[size_t(c->channel)].push_back(c);
    ++m_counters.clients;
    ++m_counters.accepted;
    enqueue(c, f);
    unref(f); // the queue holds its own reference
    flush(c);
    if (c->fd < 0)
        return false;
    if (!c->in.isEmpty())
        return handleFrames(c);
    return true;
}

bool WsServer::handleFrames(Client *c)
{
    for (;;) {
        const QByteArray &in = c->in;
        if (in.size() < 2)
            return true;
        const uint8_t b0 = uint8_t(in[0]);
        const uint8_t b1 = uint8_t(in[1]);
        const bool fin = b0 & 0x80;
        const uint8_t opcode = b0 & 0x0F;
        const bool masked = b1 & 0x80;
        uint64_t length = b1 & 0x7F;
        size_t pos = 2;
        if (length == 126) {
            if (in.size() < 4)
                return true;
            length = (uint64_t(uint8_t(in[2])) << 8) | uint8_t(in[3]);
            pos = 4;
        } else if (length == 127) {
            if (in.size() < 10)
                return true;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | uint8_t(in[2 + i]);
            pos = 10;
        }
        if (!masked) {
            closeClient(c, 1002, "client frames must be masked", true);
            return false;
        }
        if (length > m_options.maxMessageBytes
            || size_t(c->message.size()) + length > m_options.maxMessageBytes) {
            closeClient(c, 1009, "message too big", true);
            return false;
        }
        if (size_t(in.size()) < pos + 4 + length)
            return true;
        const uint8_t *mask = reinterpret_cast<const uint8_t *>(in.constData()) + pos;
        QByteArray payload(int(length), Qt::Uninitialized);
        const char *src = in.constData() + pos + 4;
        for (uint64_t i = 0; i < length; ++i)
            payload[qsizetype(i)] = char(src[i] ^ char(mask[i & 3]));
        c->in.remove(0, qsizetype(pos + 4 + length));

        switch (opcode) {
        case 0x0: // continuation
        case 0x1: // text
        case 0x2: // binary
            c->message.append(payload);
            if (fin) {
                ++m_counters.messagesReceived;
                QByteArray message;
                message.swap(c->message);
                if (m_onMessage)
                    m_onMessage(c->id, c->tag, message);
                if (c->fd < 0)
                    return false;
            }
            break;
        case 0x8: { // close: answer and go
            int code = 1005;
            if (payload.size() >= 2)
                code = (uint8_t(payload[0]) << 8) | uint8_t(payload[1]);
            closeClient(c, code == 1005 ? 1000 : code, QByteArray(), true);
            return false;
        }
        case 0x9: { // ping -> pong
            auto *f = new FrameData;
            f->bytes = frameHeader(0xA, size_t(payload.size())) + payload;
            enqueue(c, f);
            unref(f); // the queue holds its own reference
            flush(c);
            if (c->fd < 0)
                return false;
            break;
        }
        case 0xA:
            break; // pong
        default:
            closeClient(c, 1002, "unknown opcode", true);
            return false;
        }
    }
}

void WsServer::enqueue(Client *c, FrameData *frame)
{
    ++frame->refs;
    if (c->count >= m_options.sendQueueLimit && c->state == Client::Open) {
        // Drop the oldest frame not started (a partly written one must be finished).
        if (m_options.slowClientPolicy == WsServerOptions::SlowClientPolicy::DropOldest
            && c->count > (c->offset > 0 ? 1u : 0u)) {
            unref(c->offset > 0 ? c->popSecond() : c->pop());
            ++m_counters.framesDropped;
        } else {
            unref(frame);
            ++m_counters.slowClientsClosed;
            closeClient(c, 1008, "slow consumer: send queue full", false);
            return;
        }
    }
    c->push(frame);
}

void WsServer::flush(Client *c)
{
    if (c->fd < 0)
        return;
    while (c->count > 0) {
        iovec iov[64];
        int n = 0;
        for (size_t i = 0; i < c->count && n < 64; ++i) {
            FrameData *f = c->queue[(c->head + i) % c->queue.size()];
            const size_t skip = i == 0 ? c->offset : 0;
            iov[n].iov_base = f->bytes.data() + skip;
            iov[n].iov_len = size_t(f->bytes.size()) - skip;
            ++n;
        }
        const ssize_t written = ::writev(c->fd, iov, n);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!c->waitingWritable) {
                    c->waitingWritable = true;
                    epoll_event ev{};
                    ev.events = EPOLLIN | EPOLLOUT;
                    ev.data.fd = c->fd;
                    epoll_ctl(m_epollFd, EPOLL_CTL_MOD, c->fd, &ev);
                }
                return;
            }
            closeClient(c, 1006, QByteArray(), false);
            return;
        }
        m_counters.bytesSent += written;
        size_t left = size_t(written);
        while (left > 0 && c->count > 0) {
            FrameData *f = c->front();
            const size_t remaining = size_t(f->bytes.size()) - c->offset;
            if (left >= remaining) {
                left -= remaining;
                c->offset = 0;
                unref(c->pop());
            } else {
                c->offset += left;
                left = 0;
            }
        }
    }
    if (c->waitingWritable) {
        c->waitingWritable = false;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = c->fd;
        epoll_ctl(m_epollFd, EPOLL_CTL_MOD, c->fd, &ev);
    }
    if (c->closeAfterFlush)
        destroyClient(c);
}

void WsServer::onWritable(Client *c)
{
    flush(c);
}

void WsServer::drainCommands()
{
    std::vector<Command> commands;
    {
        std::lock_guard<std::mutex> lock(m_commandMutex);
        commands.swap(m_commands);
        m_wakePending = false;
        m_flushArmed = false;
    }
    int64_t queued = 0;
    for (Command &cmd : commands) {
        if (cmd.kind == Command::Broadcast) {
            auto deliver = [&](const std::vector<Client *> &clients) {
                // Copy: a slow client closed while we deliver leaves the list.
                for (size_t i = 0; i < clients.size(); ++i) {
                    Client *c = clients[i];
                    if (c->state != Client::Open)
                        continue;
                    const size_t before = clients.size();
                    enqueue(c, cmd.frame);
                    ++queued;
                    if (c->fd >= 0 && !c->dirty) {
                        c->dirty = true;
                        m_dirty.push_back(c);
                    }
                    if (clients.size() < before)
                        --i; // c was removed (swap-remove): look at this index again
                }
            };
            if (cmd.channel < 0) {
                for (auto &ch : m_channels)
                    deliver(ch);
            } else if (size_t(cmd.channel) < m_channels.size()) {
                deliver(m_channels[size_t(cmd.channel)]);
            }
            unref(cmd.frame);
        } else if (cmd.kind == Command::CloseTag) {
            const std::vector<Client *> all = m_all;
            for (Client *c : all) {
                if (c->tag == cmd.tag && c->state == Client::Open)
                    closeClient(c, cmd.code, cmd.reason, true);
            }
        }
    }
    m_counters.framesQueued += queued;
    if (!m_dirty.empty()) {
        if (m_options.flushIntervalMs <= 0) {
            flushDirty();
        } else {
            // Flush at once when the last flush was a tick ago (low rates: no added latency);
            // otherwise at the next tick (high rates: one write per client per tick).
            const int64_t now = nowMs();
            if (m_flushAt < 0)
                m_flushAt = std::max(now, m_lastFlush + m_tickMs);
            if (m_flushAt > now) {
                std::lock_guard<std::mutex> lock(m_commandMutex);
                m_flushArmed = true;
            }
        }
    }
}

void WsServer::flushDirty()
{
    m_flushAt = -1;
    std::vector<Client *> dirty;
    dirty.swap(m_dirty);
    const auto started = std::chrono::steady_clock::now();
    size_t frames = 0;
    for (Client *c : dirty) {
        c->dirty = false;
        if (c->fd >= 0) {
            frames += c->count;
            flush(c);
        }
    }
    if (m_options.maxFlushIntervalMs <= m_options.flushIntervalMs || dirty.empty())
        return;
    // Adapt the tick: lengthen it while the writes take half of it or more (the thread is
    // near saturation) and each client gets less than two frames per write; shorten it when
    // they take under a quarter or the writes are already full. At light loads the tick stays
    // short, so latency does not grow where throughput does not need it.
    const int64_t spentUs = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
    const int64_t tickUs = int64_t(m_tickMs) * 1000;
    if (spentUs * 2 >= tickUs && frames < 2 * dirty.size())
        m_tickMs = std::min(m_tickMs * 2, m_options.maxFlushIntervalMs);
    else if (spentUs * 4 < tickUs || frames >= 4 * dirty.size())
        m_tickMs = std::max(m_tickMs / 2, m_options.flushIntervalMs);
}

void WsServer::closeClient(Client *c, int code, const QByteArray &reason, bool graceful)
{
    if (c->fd < 0 || c->state == Client::Closing)
        return;
    const bool wasOpen = c->state == Client::Open;
    if (wasOpen) {
        // Leave the channel (swap-remove).
        auto &list = m_channels[size_t(c->channel)];
        Client *last = list.back();
        list[c->channelIndex] = last;
        last->channelIndex = c->channelIndex;
        list.pop_back();
        --m_counters.clients;
    }
    c->state = Client::Closing;
    if (wasOpen && m_onDisconnect)
        m_onDisconnect(c->id, c->tag, code);
    if (graceful && wasOpen && code > 0) {
        // Drop what is queued but not started, send the close frame, then close.
        const size_t keep = c->offset > 0 ? 1 : 0;
        while (c->count > keep) {
            const size_t last = (c->head + c->count - 1) % c->queue.size();
            unref(c->queue[last]);
            c->queue[last] = nullptr;
            --c->count;
        }
        Frame f = Frame::close(code, reason);
        c->push(f.m_data);
        c->closeAfterFlush = true;
        flush(c);
        return;
    }
    if (wasOpen && code > 0 && code != 1006 && c->offset == 0) {
        // Best effort: a close frame if the socket has room (never in the middle of a frame
        // already partly written, which it would corrupt).
        const Frame f = Frame::close(code, reason);
        const ssize_t w =
            ::write(c->fd, f.m_data->bytes.constData(), size_t(f.m_data->bytes.size()));
        (void)w;
        unref(f.m_data);
    }
    destroyClient(c);
}

void WsServer::destroyClient(Client *c)
{
    if (c->fd >= 0) {
        epoll_ctl(m_epollFd, EPOLL_CTL_DEL, c->fd, nullptr);
        ::close(c->fd);
        m_byFd[size_t(c->fd)] = nullptr;
        c->fd = -1;
    }
    if (c->state == Client::Open) {
        auto &list = m_channels[size_t(c->channel)];
        Client *last = list.back();
        list[c->channelIndex] = last;
        last->channelIndex = c->channelIndex;
        list.pop_back();
        --m_counters.clients;
    }
    while (c->count > 0)
        unref(c->pop());
    // Leave m_all (swap-remove), then free. Dirty lists check fd < 0 first.
    Client *last = m_all.back();
    m_all[c->allIndex] = last;
    last->allIndex = c->allIndex;
    m_all.pop_back();
    // Freed after this round of the loop: lists being walked may still point at it.
    m_graveyard.push_back(c);
}

void WsServer::buryDead()
{
    for (Client *c : m_graveyard)
        delete c;
    m_graveyard.clear();
}

} // namespace Rivulet::Io
