#include "tls.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

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
#include <unistd.h>

namespace Rivulet::Gateway {

namespace {

QString opensslError()
{
    const unsigned long e = ERR_get_error();
    if (!e)
        return QStringLiteral("unknown OpenSSL error");
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return QString::fromLatin1(buf);
}

bool addExtension(X509 *x, int nid, const QByteArray &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.constData());
    if (!ext)
        return false;
    const bool ok = X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

bool writeFile(const QString &path, const QByteArray &data, bool secret, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    if (secret)
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(data);
    return true;
}

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

bool ensureSelfSignedCertificate(const QString &certificatePath, const QString &keyPath,
                                 const QStringList &hostNames, QString *error, bool *created)
{
    *created = false;
    if (QFileInfo::exists(certificatePath) && QFileInfo::exists(keyPath))
        return true;
    QDir().mkpath(QFileInfo(certificatePath).absolutePath());
    QDir().mkpath(QFileInfo(keyPath).absolutePath());

    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key) {
        *error = QStringLiteral("cannot make a key: %1").arg(opensslError());
        return false;
    }
    X509 *x = X509_new();
    bool ok = x != nullptr;
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    ok = ok && X509_set_version(x, 2) == 1 && bn
         && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != nullptr
         && X509_gmtime_adj(X509_getm_notBefore(x), -3600) != nullptr
         && X509_gmtime_adj(X509_getm_notAfter(x), 825L * 86400L) != nullptr
         && X509_set_pubkey(x, key) == 1;
    BN_free(bn);
    if (ok) {
        X509_NAME *name = X509_get_subject_name(x);
        const QByteArray cn = hostNames.value(0, QStringLiteral("localhost")).toUtf8();
        ok =
            X509_NAME_add_entry_by_txt(
                name, "O", MBSTRING_ASC,
                reinterpret_cast<const unsigned char *>("Rivulet gateway (self-signed)"), -1, -1, 0)
                == 1
            && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                          reinterpret_cast<const unsigned char *>(cn.constData()),
                                          -1, -1, 0)
                   == 1
            && X509_set_issuer_name(x, name) == 1;
    }
    if (ok) {
        QStringList alt;
        QStringList names = hostNames;
        for (const QString &n :
             {QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), QStringLiteral("::1")}) {
            if (!names.contains(n))
                names << n;
        }
        for (const QString &n : std::as_const(names)) {
            QHostAddress address;
            alt << (address.setAddress(n) ? QStringLiteral("IP:") : QStringLiteral("DNS:")) + n;
        }
        ok = addExtension(x, NID_basic_constraints, "critical,CA:TRUE")
             && addExtension(x, NID_key_usage, "critical,digitalSignature,keyCertSign")
             && addExtension(x, NID_ext_key_usage, "serverAuth")
             && addExtension(x, NID_subject_key_identifier, "hash")
             && addExtension(x, NID_subject_alt_name, alt.join(u',').toUtf8())
             && X509_sign(x, key, EVP_sha256()) > 0;
    }
    QByteArray certPem, keyPem;
    if (ok) {
        BIO *b = BIO_new(BIO_s_mem());
        ok = PEM_write_bio_X509(b, x) == 1;
        char *data = nullptr;
        const long n = BIO_get_mem_data(b, &data);
        certPem = QByteArray(data, int(n));
        BIO_free(b);
        b = BIO_new(BIO_s_mem());
        ok = ok && PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
        data = nullptr;
        const long m = BIO_get_mem_data(b, &data);
        keyPem = QByteArray(data, int(m));
        BIO_free(b);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    if (!ok) {
        *error = QStringLiteral("cannot make a self-signed certificate: %1").arg(opensslError());
        return false;
    }
    if (!writeFile(keyPath, keyPem, true, error)
        || !writeFile(certificatePath, certPem, false, error))
        return false;
    *created = true;
    return true;
}

// ---- the terminator ---------------------------------------------------------------------

namespace {
constexpr size_t kBufferLimit = 256 * 1024; // per direction, before reading pauses
}

struct TlsTerminator::Conn
{
    int clientFd = -1;
    int backendFd = -1;
    SSL *ssl = nullptr;
    bool tlsDone = false;
    bool backendConnected = false;
    bool clientEof = false;
    bool backendEof = false;
    bool clientWantsWrite = false; // SSL wants the socket writable
    bool dead = false;
    int64_t deadline = 0;
    QByteArray toBackend;
    QByteArray toClient;
    uint32_t clientEvents = 0;
    uint32_t backendEvents = 0;
    // epoll user data: the low bit tells the side.
    void *clientTag() { return this; }
    void *backendTag() { return reinterpret_cast<char *>(this) + 1; }
};

TlsTerminator::TlsTerminator() = default;

TlsTerminator::~TlsTerminator()
{
    stop();
}

TlsTerminator::Stats TlsTerminator::stats() const
{
    return Stats{m_accepted.load(), m_tlsFailures.load(), m_open.load()};
}

bool TlsTerminator::start(const QByteArray &host, quint16 port, const QString &certificatePath,
                          const QString &keyPath, quint16 backendPort, int handshakeTimeoutMs,
                          QString *error)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        *error = opensslError();
        return false;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(ctx, QFile::encodeName(certificatePath).constData()) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, QFile::encodeName(keyPath).constData(),
                                       SSL_FILETYPE_PEM)
               != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        *error = QStringLiteral("cannot use the TLS certificate %1 and key %2: %3")
                     .arg(certificatePath, keyPath, opensslError());
        SSL_CTX_free(ctx);
        return false;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    QByteArray h = host;
    if (h.isEmpty() || h == "0.0.0.0" || h == "*")
        h = "0.0.0.0";
    else if (h == "localhost")
        h = "127.0.0.1";
    addrinfo *res = nullptr;
    if (getaddrinfo(h.constData(), QByteArray::number(port).constData(), &hints, &res) != 0
        || !res) {
        *error = QStringLiteral("cannot resolve host '%1'").arg(QString::fromUtf8(host));
        SSL_CTX_free(ctx);
        return false;
    }
    const int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        const int err = errno;
        freeaddrinfo(res);
        if (fd >= 0)
            ::close(fd);
        SSL_CTX_free(ctx);
        *error = err == EADDRINUSE ? QStringLiteral("port %1 is already in use").arg(port)
                                   : QStringLiteral("cannot listen on port %1: %2")
                                         .arg(port)
                                         .arg(QString::fromLocal8Bit(strerror(err)));
        return false;
    }
    freeaddrinfo(res);
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    m_port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&addr)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in *>(&addr)->sin_port);
    m_ctx = ctx;
    m_listenFd = fd;
    m_backendPort = backendPort;
    m_handshakeTimeoutMs = handshakeTimeoutMs;
    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr; // the listener
    epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_listenFd, &ev);
    ev.data.ptr = &m_wakeFd;
    epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &ev);
    m_stopping = false;
    m_running = true;
    m_thread = std::thread([this] { run(); });
    return true;
}

void TlsTerminator::stop()
{
    if (!m_running)
        return;
    m_stopping = true;
    const uint64_t one = 1;
    const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    (void)n;
    if (m_thread.joinable())
        m_thread.join();
    for (Conn *c : std::vector<Conn *>(m_conns))
        destroy(c);
    for (Conn *c : m_graveyard)
        delete c;
    m_graveyard.clear();
    ::close(m_listenFd);
    ::close(m_epollFd);
    ::close(m_wakeFd);
    m_listenFd = m_epollFd = m_wakeFd = -1;
    SSL_CTX_free(static_cast<SSL_CTX *>(m_ctx));
    m_ctx = nullptr;
    m_running = false;
}

void TlsTerminator::run()
{
    std::vector<epoll_event> events(256);
    int64_t nextSweep = nowMs() + 500;
    while (!m_stopping) {
        const int timeout = int(std::max<int64_t>(0, nextSweep - nowMs()));
        const int n = epoll_wait(m_epollFd, events.data(), int(events.size()), timeout);
        for (int i = 0; i < n; ++i) {
            void *p = events[size_t(i)].data.ptr;
            if (p == nullptr) {
                accept();
                continue;
            }
            if (p == &m_wakeFd) {
                uint64_t v;
                while (::read(m_wakeFd, &v, sizeof v) > 0) {
                }
                continue;
            }
            Conn *c = reinterpret_cast<Conn *>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(1));
            if (!c->dead)
                pump(c);
        }
        const int64_t now = nowMs();
        if (now >= nextSweep) {
            nextSweep = now + 500;
            for (Conn *c : std::vector<Conn *>(m_conns)) {
                if (!c->tlsDone && now > c->deadline) {
                    ++m_tlsFailures;
                    destroy(c);
                }
            }
        }
        for (Conn *c : m_graveyard)
            delete c;
        m_graveyard.clear();
    }
}

void TlsTerminator::accept()
{
    for (;;) {
        const int fd = accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto *c = new Conn;
        c->clientFd = fd;
        c->ssl = SSL_new(static_cast<SSL_CTX *>(m_ctx));
        SSL_set_fd(c->ssl, fd);
        SSL_set_accept_state(c->ssl);
        c->deadline = nowMs() + m_handshakeTimeoutMs;
        m_conns.push_back(c);
        ++m_accepted;
        ++m_open;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = c->clientTag();
        c->clientEvents = EPOLLIN;
        epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev);
        pump(c);
    }
}

void TlsTerminator::pump(Conn *c)
{
    if (!c->tlsDone) {
        const int r = SSL_do_handshake(c->ssl);
        if (r == 1) {
            c->tlsDone = true;
            // Connect to the WebSocket server on loopback.
            c->backendFd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            const int one = 1;
            setsockopt(c->backendFd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(m_backendPort);
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(c->backendFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
                && errno != EINPROGRESS) {
                destroy(c);
                return;
            }
            epoll_event ev{};
            ev.events = EPOLLOUT;
            ev.data.ptr = c->backendTag();
            c->backendEvents = EPOLLOUT;
            epoll_ctl(m_epollFd, EPOLL_CTL_ADD, c->backendFd, &ev);
        } else {
            const int e = SSL_get_error(c->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                c->clientWantsWrite = e == SSL_ERROR_WANT_WRITE;
                updateInterest(c);
                return;
            }
            ERR_clear_error();
            ++m_tlsFailures;
            destroy(c);
            return;
        }
    }
    if (!c->backendConnected) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->backendFd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            destroy(c);
            return;
        }
        // Writable means connected; before that, wait.
        sockaddr_storage peer{};
        socklen_t plen = sizeof peer;
        if (getpeername(c->backendFd, reinterpret_cast<sockaddr *>(&peer), &plen) != 0) {
            updateInterest(c);
            return;
        }
        c->backendConnected = true;
    }
    char buf[16384];
    // Client -> backend.
    c->clientWantsWrite = false;
    while (!c->clientEof && size_t(c->toBackend.size()) < kBufferLimit) {
        const int n = SSL_read(c->ssl, buf, sizeof buf);
        if (n > 0) {
            c->toBackend.append(buf, n);
            continue;
        }
        const int e = SSL_get_error(c->ssl, n);
        if (e == SSL_ERROR_WANT_READ)
            break;
        if (e == SSL_ERROR_WANT_WRITE) {
            c->clientWantsWrite = true;
            break;
        }
        ERR_clear_error();
        c->clientEof = true;
    }
    while (!c->toBackend.isEmpty()) {
        const ssize_t w =
            ::write(c->backendFd, c->toBackend.constData(), size_t(c->toBackend.size()));
        if (w > 0) {
            c->toBackend.remove(0, w);
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        c->backendEof = true;
        c->toBackend.clear();
        break;
    }
    // Backend -> client.
    while (!c->backendEof && size_t(c->toClient.size()) < kBufferLimit) {
        const ssize_t n = ::read(c->backendFd, buf, sizeof buf);
        if (n > 0) {
            c->toClient.append(buf, int(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        c->backendEof = true;
    }
    while (!c->toClient.isEmpty() && !c->clientEof) {
        const int w = SSL_write(c->ssl, c->toClient.constData(), int(c->toClient.size()));
        if (w > 0) {
            c->toClient.remove(0, w);
            continue;
        }
        const int e = SSL_get_error(c->ssl, w);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            c->clientWantsWrite = e == SSL_ERROR_WANT_WRITE;
            break;
        }
        ERR_clear_error();
        c->clientEof = true;
        c->toClient.clear();
    }
    if (c->clientEof && c->toBackend.isEmpty()) {
        destroy(c);
        return;
    }
    if (c->backendEof && c->toClient.isEmpty()) {
        SSL_shutdown(c->ssl);
        destroy(c);
        return;
    }
    updateInterest(c);
}

void TlsTerminator::updateInterest(Conn *c)
{
    uint32_t client = 0;
    if (!c->tlsDone || size_t(c->toBackend.size()) < kBufferLimit)
        client |= EPOLLIN;
    if (c->clientWantsWrite || (c->tlsDone && !c->toClient.isEmpty()))
        client |= EPOLLOUT;
    if (client != c->clientEvents) {
        epoll_event ev{};
        ev.events = client;
        ev.data.ptr = c->clientTag();
        epoll_ctl(m_epollFd, EPOLL_CTL_MOD, c->clientFd, &ev);
        c->clientEvents = client;
    }
    if (c->backendFd >= 0) {
        uint32_t backend = 0;
        if (!c->backendConnected || !c->toBackend.isEmpty())
            backend |= EPOLLOUT;
        if (c->backendConnected && size_t(c->toClient.size()) < kBufferLimit)
            backend |= EPOLLIN;
        if (backend != c->backendEvents) {
            epoll_event ev{};
            ev.events = backend;
            ev.data.ptr = c->backendTag();
            epoll_ctl(m_epollFd, EPOLL_CTL_MOD, c->backendFd, &ev);
            c->backendEvents = backend;
        }
    }
}

void TlsTerminator::destroy(Conn *c)
{
    if (c->dead)
        return;
    c->dead = true;
    if (c->clientFd >= 0) {
        epoll_ctl(m_epollFd, EPOLL_CTL_DEL, c->clientFd, nullptr);
        ::close(c->clientFd);
    }
    if (c->backendFd >= 0) {
        epoll_ctl(m_epollFd, EPOLL_CTL_DEL, c->backendFd, nullptr);
        ::close(c->backendFd);
    }
    SSL_free(c->ssl);
    c->ssl = nullptr;
    m_conns.erase(std::remove(m_conns.begin(), m_conns.end(), c), m_conns.end());
    m_graveyard.push_back(c);
    --m_open;
}

} // namespace Rivulet::Gateway
