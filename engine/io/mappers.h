#pragma once

#include "transport.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Rivulet::Io {

// A @payload template: text with {{attribute}} placeholders, filled per event.
class Template
{
public:
    Template() = default;
    Template(const QString &text, const Runtime::EventLayout &layout);
    bool valid() const { return m_valid; }
    // Values as text (strings raw, numbers as Siddhi prints them, null as null).
    QByteArray fill(const Runtime::Event &e, bool json) const;

private:
    struct Part
    {
        QByteArray text;
        int attribute = -1;
    };
    QList<Part> m_parts;
    bool m_valid = false;
};

std::unique_ptr<SourceMapper> makeJsonSourceMapper(const TransportConfig &config,
                                                   const Runtime::EventLayout &layout,
                                                   QString *error);
std::unique_ptr<SinkMapper> makeJsonSinkMapper(const TransportConfig &config,
                                               const Runtime::EventLayout &layout, QString *error);
std::unique_ptr<SourceMapper> makeTextSourceMapper(const TransportConfig &config,
                                                   const Runtime::EventLayout &layout,
                                                   QString *error);
std::unique_ptr<SinkMapper> makeTextSinkMapper(const TransportConfig &config,
                                               const Runtime::EventLayout &layout, QString *error);
std::unique_ptr<SourceMapper> makeCsvSourceMapper(const TransportConfig &config,
                                                  const Runtime::EventLayout &layout,
                                                  QString *error);
std::unique_ptr<SinkMapper> makeCsvSinkMapper(const TransportConfig &config,
                                              const Runtime::EventLayout &layout, QString *error);

} // namespace Rivulet::Io
