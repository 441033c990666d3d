#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace Rivulet::Gateway {

// Makes a self-signed certificate (ECDSA P-256, SHA-256, 825 days, subjectAltName for the names
// and addresses given) and its key as PEM files, unless both files exist already. The key file
// is readable by its owner only.
bool ensureSelfSignedCertificate(const QString &certificatePath, const QString &keyPath,
                                 const QStringList &hostNames, QString *error, bool *created);

// TLS for the gateway's wss listener: an epoll thread that accepts TLS (OpenSSL, TLS 1.2 and
// 1.3), and pipes each connection's plaintext to the plain WebSocket server on a loopback port,
// so the WebSocket server, its handshake checks and its fan-out serve ws and wss alike. The
// TLS handshake has its own timeout.
class TlsTerminator
{
public:
    TlsTerminator();
    ~TlsTerminator();
    TlsTerminator(const TlsTerminator &) = delete;
    TlsTerminator &operator=(const TlsTerminator &) = delete;

    bool start(const QByteArray &host, quint16 port, const QString &certificatePath,
               const QString &keyPath, quint16 backendPort, int handshakeTimeoutMs, QString *error);
    void stop();
    quint16 port() const { return m_port; }

    struct Stats
    {
        int64_t accepted = 0;
        int64_t tlsFailures = 0;
        int64_t open = 0;
    };
    Stats stats() const;

private:
    struct Conn;
    void run();
    void accept();
    void pump(Conn *c);
    void updateInterest(Conn *c);
    void destroy(Conn *c);

    void *m_ctx = nullptr; // SSL_CTX
    int m_listenFd = -1;
    int m_epollFd = -1;
    int m_wakeFd = -1;
    quint16 m_port = 0;
    quint16 m_backendPort = 0;
    int m_handshakeTimeoutMs = 5000;
    std::thread m_thread;
    std::atomic<bool> m_stopping{false};
    bool m_running = false;
    std::vector<Conn *> m_conns;
    std::vector<Conn *> m_graveyard;
    std::atomic<int64_t> m_accepted{0}, m_tlsFailures{0}, m_open{0};
};

} // namespace Rivulet::Gateway
