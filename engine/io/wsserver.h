#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace Rivulet::Io {

// A server-to-client WebSocket frame, built once and shared by every client it goes to.
// Reference counted by the server's I/O thread only (no atomics per delivery).
struct FrameData;
class Frame
{
public:
    Frame() = default;
    // A text frame with this payload.
    static Frame text(const QByteArray &payload);
    static Frame close(int code, const QByteArray &reason);
    bool isNull() const { return !m_data; }
    size_t size() const;

private:
    friend class WsServer;
    explicit Frame(FrameData *d)
        : m_data(d)
    {}
    FrameData *m_data = nullptr; // ownership passes to the server on broadcast
};

struct HandshakeRequest
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray peer;

    // Case-insensitive header lookup; empty when absent.
    QByteArray header(const char *name) const;
    QByteArray path() const;  // target without the query
    QByteArray query() const; // after '?', or empty
};

// What to answer to a handshake. 101 accepts the client into `channel` (with a tag the
// owner chooses, say an access token's id); anything else is sent as an HTTP response and the
// connection is closed.
struct HandshakeDecision
{
    int status = 101;
    QByteArray reason;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int channel = 0;
    uint64_t tag = 0;
};

struct WsServerOptions
{
    QByteArray host = "0.0.0.0";
    quint16 port = 0;
    // Frames queued per client before it counts as slow.
    size_t sendQueueLimit = 1024;
    enum class SlowClientPolicy { Close, DropOldest };
    SlowClientPolicy slowClientPolicy = SlowClientPolicy::Close;
    int idleTimeoutMs = -1; // close a client silent for this long (-1: never)
    int handshakeTimeoutMs = 5000;
    size_t maxHeaderBytes = 8192;
    size_t maxMessageBytes = 1 << 20;
    QByteArrayList subprotocols; // offered; the first one the client also asks for is chosen
    // Frames due within one tick go out in one write per client (0: write at once).
    int flushIntervalMs = 1;
    // Under load the tick lengthens, up to this, while clients get under two frames per write
    // and the writes take half of the tick or more (fewer, fuller writes); it shortens again
    // as the load falls. Equal to flushIntervalMs: a fixed tick.
    int maxFlushIntervalMs = 8;
};

// A WebSocket server on its own epoll thread, built for fan-out: a frame is serialized once
// and queued (by reference) to every client of its channel; each client's queue is bounded
// and written with one writev per tick. Handshakes can be inspected and refused with any HTTP
// status before the upgrade (the gateway answers 401/403/404 this way).
class WsServer
{
public:
    explicit WsServer(WsServerOptions options);
    ~WsServer();
    WsServer(const WsServer &) = delete;
    WsServer &operator=(const WsServer &) = delete;

    // Binds and starts the I/O thread. On failure returns false with a one-line reason
    // ("port 8025 is already in use").
    bool start(QString *error);
    // Sends a close frame (1001 by default) to every client, flushes briefly, closes.
    void stop(int closeCode = 1001, const QByteArray &reason = "server shutting down");
    bool isRunning() const { return m_running; }
    quint16 port() const { return m_port; }
    const WsServerOptions &options() const { return m_options; }

    // Called on the I/O thread. Default: accept everyone into channel 0.
    void setHandshakeHandler(std::function<HandshakeDecision(const HandshakeRequest &)> handler);
    // A text or binary message from a client (called on the I/O thread).
    void setMessageHandler(
        std::function<void(uint64_t client, uint64_t tag, const QByteArray &)> handler);
    // A client went away (called on the I/O thread): its tag and the close code.
    void setDisconnectHandler(std::function<void(uint64_t client, uint64_t tag, int code)> handler);

    // Thread-safe. Queues the frame to every client of the channel (-1: every client). The
    // server takes the frame.
    void broadcast(int channel, Frame frame);
    // Thread-safe. Closes every client accepted with this tag (revoked tokens).
    void closeTag(uint64_t tag, int code, const QByteArray &reason);

    struct Stats
    {
        int64_t clients = 0;
        int64_t accepted = 0;
        int64_t handshakeFailures = 0;
        int64_t framesQueued = 0;  // deliveries: frames queued to clients
        int64_t framesDropped = 0; // dropped for slow clients (drop-oldest)
        int64_t slowClientsClosed = 0;
        int64_t bytesSent = 0;
        int64_t messagesReceived = 0;
    };
    Stats stats() const;

private:
    struct Client;
    struct Command;
    void run();
    void acceptClients();
    void onReadable(Client *c);
    void onWritable(Client *c);
    bool handleHandshake(Client *c);
    bool handleFrames(Client *c);
    void enqueue(Client *c, FrameData *frame);
    void flush(Client *c);
    void closeClient(Client *c, int code, const QByteArray &reason, bool graceful);
    void destroyClient(Client *c);
    void drainCommands();
    void wake();
    int64_t nowMs() const;

    WsServerOptions m_options;
    quint16 m_port = 0;
    int m_listenFd = -1;
    int m_epollFd = -1;
    int m_wakeFd = -1;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stopping{false};
    int m_stopCode = 1001;
    QByteArray m_stopReason;

    std::function<HandshakeDecision(const HandshakeRequest &)> m_handshake;
    std::function<void(uint64_t, uint64_t, const QByteArray &)> m_onMessage;
    std::function<void(uint64_t, uint64_t, int)> m_onDisconnect;

    // Commands from other threads (broadcasts, closes), swapped out by the I/O thread.
    std::mutex m_commandMutex;
    std::vector<Command> m_commands;
    bool m_wakePending = false;
    // A flush is due at m_flushAt: broadcasts wait for it instead of waking the thread.
    bool m_flushArmed = false;

    // I/O thread state.
    std::vector<Client *> m_byFd;
    std::vector<std::vector<Client *>> m_channels; // channel -> clients
    std::vector<Client *> m_all;
    std::vector<Client *> m_dirty;
    int64_t m_flushAt = -1;
    int64_t m_lastFlush = 0;
    int m_tickMs = 1;
    void flushDirty();
    uint64_t m_nextId = 1;

    std::vector<Client *> m_graveyard;
    void buryDead();

    struct Counters
    {
        std::atomic<int64_t> clients{0}, accepted{0}, handshakeFailures{0}, framesQueued{0},
            framesDropped{0}, slowClientsClosed{0}, bytesSent{0}, messagesReceived{0};
    };
    Counters m_counters;
};

} // namespace Rivulet::Io
