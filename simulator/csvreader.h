#pragma once

#include <QIODevice>
#include <QString>

#include <string>
#include <vector>

namespace Rivulet::Simulator {

// Reads delimited records (RFC 4180 quoting: fields in double quotes may hold the delimiter,
// doubled quotes and line breaks) from a device, one record at a time.
class CsvReader
{
public:
    struct Record
    {
        std::vector<std::string> fields; // UTF-8
        std::vector<bool> quoted;        // per field: it was written in quotes
        qint64 line = 0;                 // the line the record starts on (1-based)
        QString error;                   // set when the record is malformed
    };

    CsvReader(QIODevice *device, char delimiter);

    // Reads the next record; false at the end of the input. A malformed record (an unclosed
    // quote, text after a closing quote) comes back with its error set; reading goes on with
    // the next line.
    bool read(Record *record);
    qint64 line() const { return m_line; }

private:
    QIODevice *m_device;
    char m_delimiter;
    qint64 m_line = 0;
    QByteArray m_buffer;
};

} // namespace Rivulet::Simulator
