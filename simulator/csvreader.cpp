#include "csvreader.h"

namespace Rivulet::Simulator {

CsvReader::CsvReader(QIODevice *device, char delimiter)
    : m_device(device)
    , m_delimiter(delimiter)
{}

bool CsvReader::read(Record *record)
{
    record->fields.clear();
    record->quoted.clear();
    record->error.clear();

    // Skip blank lines.
    while (true) {
        if (m_device->atEnd())
            return false;
        m_buffer = m_device->readLine();
        ++m_line;
        QByteArray trimmed = m_buffer;
        while (!trimmed.isEmpty() && (trimmed.endsWith('\n') || trimmed.endsWith('\r')))
            trimmed.chop(1);
        if (!trimmed.trimmed().isEmpty()) {
            m_buffer = trimmed;
            break;
        }
    }
    record->line = m_line;
    // UTF-8 byte order mark on the first line.
    if (m_line == 1 && m_buffer.startsWith("\xEF\xBB\xBF"))
        m_buffer.remove(0, 3);

    std::string field;
    bool inQuotes = false;
    bool quoted = false;
    bool afterQuote = false;
    qsizetype i = 0;
    while (true) {
        if (i >= m_buffer.size()) {
            if (inQuotes) {
                // A quoted field goes on over the line break.
                if (m_device->atEnd()) {
                    record->error = QStringLiteral("a quoted field is not closed");
                    return true;
                }
                QByteArray next = m_device->readLine();
                ++m_line;
                while (!next.isEmpty() && (next.endsWith('\n') || next.endsWith('\r')))
                    next.chop(1);
                field += '\n';
                m_buffer = next;
                i = 0;
                continue;
            }
            record->fields.push_back(std::move(field));
            record->quoted.push_back(quoted);
            return true;
        }
        const char c = m_buffer[i++];
        if (inQuotes) {
            if (c == '"') {
                if (i < m_buffer.size() && m_buffer[i] == '"') {
                    field += '"';
                    ++i;
                } else {
                    inQuotes = false;
                    afterQuote = true;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == m_delimiter) {
            record->fields.push_back(std::move(field));
            record->quoted.push_back(quoted);
            field.clear();
            quoted = false;
            afterQuote = false;
            continue;
        }
        if (afterQuote) {
            if (c == ' ' || c == '\t')
                continue;
            record->error = QStringLiteral("text after the closing quote of field %1")
                                .arg(record->fields.size() + 1);
            return true;
        }
        if (c == '"' && field.find_first_not_of(" \t") == std::string::npos) {
            field.clear();
            inQuotes = true;
            quoted = true;
            continue;
        }
        field += c;
    }
}

} // namespace Rivulet::Simulator
