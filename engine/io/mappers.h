#pragma once

#include "transport.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <string_view>

namespace Rivulet::Io {

// Sets attribute i of e from text, converting as Siddhi's text and csv mappers do (Java's
// parsers: "+5", "1.5f", "NaN", "Infinity"; bools as true/false in any case); strings are
// taken as they are. False with an error naming the attribute when the text does not fit.
bool setFromText(Runtime::EventLayout &layout, Runtime::Event *e, int i, std::string_view text,
                 QString *error);
// Appends attribute i as Java's toString prints it ("null" for null).
void appendText(QByteArray &out, const Runtime::Event &e, int i);
// Backslash escapes written in an option value ('\n', '\r\n', '\t') as the characters.
QString unescapeOption(const QString &value);
// The events of a chunk that sinks publish (current and expired; not timer or reset events).
inline bool isPublishable(const Runtime::Event *e)
{
    return e->type == Runtime::EventType::Current || e->type == Runtime::EventType::Expired;
}

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
