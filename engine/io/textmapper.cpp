// The text and csv mappers (siddhi-map-text, siddhi-map-csv).
#include "mappers.h"

namespace Rivulet::Io {

std::unique_ptr<SourceMapper> makeTextSourceMapper(const TransportConfig &,
                                                   const Runtime::EventLayout &, QString *error)
{
    *error = QStringLiteral("the text source mapper is not implemented yet");
    return nullptr;
}

std::unique_ptr<SinkMapper> makeTextSinkMapper(const TransportConfig &,
                                               const Runtime::EventLayout &, QString *error)
{
    *error = QStringLiteral("the text sink mapper is not implemented yet");
    return nullptr;
}

std::unique_ptr<SourceMapper> makeCsvSourceMapper(const TransportConfig &,
                                                  const Runtime::EventLayout &, QString *error)
{
    *error = QStringLiteral("the csv source mapper is not implemented yet");
    return nullptr;
}

std::unique_ptr<SinkMapper> makeCsvSinkMapper(const TransportConfig &, const Runtime::EventLayout &,
                                              QString *error)
{
    *error = QStringLiteral("the csv sink mapper is not implemented yet");
    return nullptr;
}

} // namespace Rivulet::Io
