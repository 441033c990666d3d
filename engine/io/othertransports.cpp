// websocket (client) source and sink, http sink, inMemory source and sink.
#include "transports.h"

namespace Rivulet::Io {

std::unique_ptr<Source> makeWsClientSource(const TransportConfig &, Runtime::AppRuntime *,
                                           Runtime::InputHandler *, IoContext *)
{
    return nullptr;
}

std::unique_ptr<Source> makeInMemorySource(const TransportConfig &, Runtime::AppRuntime *,
                                           Runtime::InputHandler *, IoContext *)
{
    return nullptr;
}

std::unique_ptr<Sink> makeWsClientSink(const TransportConfig &, Runtime::AppRuntime *, IoContext *)
{
    return nullptr;
}

std::unique_ptr<Sink> makeHttpSink(const TransportConfig &, Runtime::AppRuntime *, IoContext *)
{
    return nullptr;
}

std::unique_ptr<Sink> makeInMemorySink(const TransportConfig &, Runtime::AppRuntime *, IoContext *)
{
    return nullptr;
}

} // namespace Rivulet::Io
