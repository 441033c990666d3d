#pragma once

#include "transport.h"

#include <QList>
#include <QPair>

#include <functional>

namespace Rivulet::Io {

// One factory per transport, each in its own file.
std::unique_ptr<Source> makeHttpSource(const TransportConfig &, Runtime::AppRuntime *,
                                       Runtime::InputHandler *, IoContext *);
std::unique_ptr<Source> makeWsServerSource(const TransportConfig &, Runtime::AppRuntime *,
                                           Runtime::InputHandler *, IoContext *);
std::unique_ptr<Source> makeWsClientSource(const TransportConfig &, Runtime::AppRuntime *,
                                           Runtime::InputHandler *, IoContext *);
std::unique_ptr<Source> makeInMemorySource(const TransportConfig &, Runtime::AppRuntime *,
                                           Runtime::InputHandler *, IoContext *);
std::unique_ptr<Sink> makeLogSink(const TransportConfig &, Runtime::AppRuntime *, IoContext *);
std::unique_ptr<Sink> makeWsServerSink(const TransportConfig &, Runtime::AppRuntime *, IoContext *);
std::unique_ptr<Sink> makeWsClientSink(const TransportConfig &, Runtime::AppRuntime *, IoContext *);
std::unique_ptr<Sink> makeHttpSink(const TransportConfig &, Runtime::AppRuntime *, IoContext *);
std::unique_ptr<Sink> makeInMemorySink(const TransportConfig &, Runtime::AppRuntime *, IoContext *);

// 'name:value','name:value' (Siddhi's headers option; quotes optional) as name/value pairs.
// False with an error for an entry without a colon.
bool parseHeaders(const QString &option, QList<QPair<QString, QString>> *headers, QString *error);

// Exponential backoff with jitter: base * 2^attempt, at most max, then scaled by a random
// factor from 0.5 to 1 so that many clients do not retry in step.
int backoffDelay(int baseMs, int maxMs, int attempt);

// Runs f on the IoContext's thread (where Qt-based transports keep their sockets): at once
// when called there, else blocking until it has run.
void runInContextThread(IoContext *context, const std::function<void()> &f);

// Runs the calling thread's event loop until done() holds or timeoutMs passes (checked every
// few milliseconds). True when done. For draining sockets while stopping.
bool waitFor(const std::function<bool()> &done, int timeoutMs);

// Logs transport errors without flooding: at most a few per second, with a count of the rest.
class ThrottledLog
{
public:
    void error(IoContext *context, const QString &app, const QString &message);

private:
    std::mutex m_mutex;
    qint64 m_windowStart = 0;
    int m_inWindow = 0;
    int m_suppressed = 0;
};

} // namespace Rivulet::Io
