#pragma once

#include "transport.h"

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
