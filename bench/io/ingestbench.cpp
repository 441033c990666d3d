// Ingest benchmark: events/s through `rivulet run`'s http and websocket-server sources into a
// filter query, counted at the far end by a WebSocket client of the app's websocket-server
// sink (so only events that went all the way through are counted).
//
//   ingestbench --rivulet build/bin/rivulet [--seconds 5] [--connections 4] [--batch 1]
//
// HTTP: keep-alive connections, each pipelining up to 64 POSTs in flight (one event, or a JSON
// array of --batch events per request). WebSocket: connections sending masked text frames.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connectTo(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    const int port = ntohs(a.sin_port);
    close(fd);
    return port;
}

bool writeAll(int fd, const char *p, size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w <= 0)
            return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

// A WebSocket client handshake on an open socket.
bool wsHandshake(int fd, int port)
{
    const std::string req = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
                            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                              "dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
    if (!writeAll(fd, req.data(), req.size()))
        return false;
    std::string got;
    char buf[1024];
    while (got.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            return false;
        got.append(buf, size_t(n));
    }
    return got.rfind("HTTP/1.1 101", 0) == 0;
}

std::string eventJson(int i)
{
    char b[160];
    std::snprintf(
        b, sizeof b,
        "{\"event\":{\"trainId\":\"%d\",\"latitude\":%.5f,\"longitude\":%.5f,\"speed\":%.1f}}",
        i % 1000, 52.0 + (i % 100) * 0.001, 4.9, 80.0 + i % 40);
    return b;
}

std::string maskedFrame(const std::string &payload)
{
    std::string f;
    f.push_back(char(0x81));
    const size_t n = payload.size();
    if (n < 126) {
        f.push_back(char(0x80 | n));
    } else {
        f.push_back(char(0x80 | 126));
        f.push_back(char((n >> 8) & 0xFF));
        f.push_back(char(n & 0xFF));
    }
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    f.append(mask, 4);
    for (size_t i = 0; i < n; ++i)
        f.push_back(char(payload[i] ^ mask[i & 3]));
    return f;
}

struct Run
{
    const char *mode;
    double eventsPerSecond = 0;
    long long received = 0;
};

Run runOnce(const std::string &rivulet, const char *mode, int seconds, int connections, int batch)
{
    Run r{mode};
    const int httpPort = freePort();
    const int wsInPort = freePort();
    const int outPort = freePort();
    const std::string app = "/tmp/rivulet-ingestbench.siddhi";
    {
        std::ofstream f(app);
        f << "@App:name('IngestBench')\n"
             "@source(type='http', receiver.url='http://127.0.0.1:${HTTP_PORT}/events', "
             "@map(type='json'))\n"
             "@source(type='websocket-server', host='127.0.0.1', port='${WS_PORT}', "
             "@map(type='json'))\n"
             "define stream TrainStream (trainId string, latitude double, longitude double, speed "
             "double);\n"
             "@sink(type='websocket-server', host='127.0.0.1', port='${OUT_PORT}', "
             "send.queue.size='1000000', @map(type='json'))\n"
             "define stream Moving (trainId string, latitude double, speed double);\n"
             "from TrainStream[speed > 0.0] select trainId, latitude, speed insert into Moving;\n";
    }
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("HTTP_PORT", std::to_string(httpPort).c_str(), 1);
        setenv("WS_PORT", std::to_string(wsInPort).c_str(), 1);
        setenv("OUT_PORT", std::to_string(outPort).c_str(), 1);
        execl(rivulet.c_str(), rivulet.c_str(), "run", app.c_str(), "--log-level", "ERROR",
              nullptr);
        _exit(127);
    }
    // Wait for the sink to listen, then count what arrives there.
    int counter = -1;
    for (int i = 0; i < 200 && counter < 0; ++i) {
        counter = connectTo(outPort);
        if (counter < 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (counter < 0 || !wsHandshake(counter, outPort)) {
        std::fprintf(stderr, "ingestbench: rivulet did not start\n");
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        return r;
    }
    std::atomic<bool> stop{false};
    std::atomic<long long> received{0};
    std::atomic<bool> measuring{false};
    std::thread reader([&] {
        std::vector<char> buf(1 << 16);
        size_t pending = 0;
        std::string carry;
        while (!stop) {
            const ssize_t n = ::read(counter, buf.data(), buf.size());
            if (n <= 0)
                break;
            carry.append(buf.data(), size_t(n));
            // Count complete frames.
            size_t pos = 0;
            long long frames = 0;
            while (carry.size() - pos >= 2) {
                size_t len = uint8_t(carry[pos + 1]) & 0x7F;
                size_t hdr = 2;
                if (len == 126) {
                    if (carry.size() - pos < 4)
                        break;
                    len = (size_t(uint8_t(carry[pos + 2])) << 8) | uint8_t(carry[pos + 3]);
                    hdr = 4;
                }
                if (carry.size() - pos < hdr + len)
                    break;
                pos += hdr + len;
                ++frames;
            }
            carry.erase(0, pos);
            if (measuring)
                received += frames;
            (void)pending;
        }
    });
    std::vector<std::thread> senders;
    for (int c = 0; c < connections; ++c) {
        senders.emplace_back([&, c] {
            const bool http = std::strcmp(mode, "http") == 0;
            const int port = http ? httpPort : wsInPort;
            int fd = -1;
            for (int i = 0; i < 100 && fd < 0; ++i) {
                fd = connectTo(port);
                if (fd < 0)
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            if (fd < 0)
                return;
            if (!http && !wsHandshake(fd, port))
                return;
            int i = c * 1000000;
            std::vector<char> rbuf(1 << 16);
            long long inFlight = 0;
            std::string out;
            while (!stop) {
                out.clear();
                const int n = http ? 16 : 64;
                for (int k = 0; k < n; ++k) {
                    std::string body;
                    if (batch <= 1) {
                        body = eventJson(i++);
                    } else {
                        body = "[";
                        for (int b = 0; b < batch; ++b) {
                            if (b)
                                body += ',';
                            body += eventJson(i++);
                        }
                        body += ']';
                    }
                    if (http) {
                        out += "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                               "application/json\r\nContent-Length: "
                               + std::to_string(body.size()) + "\r\n\r\n" + body;
                        ++inFlight;
                    } else {
                        out += maskedFrame(body);
                    }
                }
                if (!writeAll(fd, out.data(), out.size()))
                    return;
                if (http) {
                    // Keep at most 64 requests in flight: read responses.
                    while (inFlight > 48 && !stop) {
                        const ssize_t got = ::read(fd, rbuf.data(), rbuf.size());
                        if (got <= 0)
                            return;
                        for (ssize_t p = 0; p + 8 < got; ++p) {
                            if (std::memcmp(rbuf.data() + p, "HTTP/1.1", 8) == 0)
                                --inFlight;
                        }
                    }
                } else {
                    std::this_thread::yield();
                }
            }
            close(fd);
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(1)); // warm-up
    measuring = true;
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    measuring = false;
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    stop = true;
    kill(pid, SIGTERM);
    for (auto &t : senders)
        t.join();
    shutdown(counter, SHUT_RDWR);
    reader.join();
    close(counter);
    waitpid(pid, nullptr, 0);
    r.received = received;
    r.eventsPerSecond = double(received) / elapsed;
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    std::string rivulet = "build/bin/rivulet";
    int seconds = 5;
    int connections = 4;
    int batch = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--rivulet" && i + 1 < argc)
            rivulet = argv[++i];
        else if (a == "--seconds" && i + 1 < argc)
            seconds = std::atoi(argv[++i]);
        else if (a == "--connections" && i + 1 < argc)
            connections = std::atoi(argv[++i]);
        else if (a == "--batch" && i + 1 < argc)
            batch = std::atoi(argv[++i]);
    }
    std::printf("ingest into a filter query, %d connection(s), %d event(s) per message, %d s\n",
                connections, batch, seconds);
    for (const char *mode : {"http", "websocket"}) {
        const Run r = runOnce(rivulet, mode, seconds, connections, batch);
        std::printf("%-10s %12.0f events/s (%lld events through the query)\n", mode,
                    r.eventsPerSecond, r.received);
        std::fflush(stdout);
    }
    return 0;
}
