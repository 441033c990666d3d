// The csv mapper (siddhi-map-csv): one event per record, fields in attribute order (or in the
// order @attributes / @payload give by position), quoted as RFC 4180 says: a field holding the
// delimiter, a quote or a line break is enclosed in double quotes, with quotes doubled.
//     WSO2,55.6,100
//     "WSO2, Colombo",55.6,100
// A bare null is a null value (what the sink writes for one); a quoted "null" is the text.
#include "mappers.h"

#include <QStringList>

#include <algorithm>

namespace Rivulet::Io {

using namespace Runtime;

namespace {

bool isTrue(const QString &v)
{
    return v.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

QByteArray delimiterOption(const TransportConfig &config)
{
    const QByteArray d =
        unescapeOption(config.mapOptions.value(QStringLiteral("delimiter"), QStringLiteral(",")))
            .toUtf8();
    return d.isEmpty() ? QByteArray(",") : d;
}

struct Field
{
    std::string text;
    bool quoted = false;
};

// Reads the records of text into records (reusing its storage). Records end at \n, \r\n or
// \r outside quotes; blank lines are skipped. False with an error for a quote left open or
// text after a closing quote.
bool parseCsv(std::string_view in, std::string_view delimiter,
              std::vector<std::vector<Field>> &records, size_t *count, QString *error)
{
    *count = 0;
    size_t pos = 0;
    const size_t n = in.size();
    auto atDelimiter = [&](size_t p) { return in.substr(p, delimiter.size()) == delimiter; };
    int line = 1;
    while (pos < n) {
        if (records.size() <= *count)
            records.emplace_back();
        std::vector<Field> &record = records[*count];
        size_t fields = 0;
        auto field = [&]() -> Field & {
            if (record.size() <= fields)
                record.emplace_back();
            Field &f = record[fields++];
            f.text.clear();
            f.quoted = false;
            return f;
        };
        const int recordLine = line;
        for (;;) {
            Field &f = field();
            // Spaces before an opening quote are allowed (Siddhi's own example has them).
            size_t start = pos;
            while (start < n && (in[start] == ' ' || in[start] == '\t') && !atDelimiter(start))
                ++start;
            if (start < n && in[start] == '"') {
                f.quoted = true;
                pos = start + 1;
                bool closed = false;
                while (pos < n) {
                    const char c = in[pos];
                    if (c == '"') {
                        if (pos + 1 < n && in[pos + 1] == '"') {
                            f.text += '"';
                            pos += 2;
                            continue;
                        }
                        ++pos;
                        closed = true;
                        break;
                    }
                    if (c == '\n')
                        ++line;
                    f.text += c;
                    ++pos;
                }
                if (!closed) {
                    *error =
                        QStringLiteral("line %1: a quoted field is not closed").arg(recordLine);
                    return false;
                }
                while (pos < n && (in[pos] == ' ' || in[pos] == '\t') && !atDelimiter(pos))
                    ++pos;
                if (pos < n && !atDelimiter(pos) && in[pos] != '\n' && in[pos] != '\r') {
                    *error = QStringLiteral("line %1: unexpected '%2' after a quoted field")
                                 .arg(line)
                                 .arg(QChar::fromLatin1(in[pos]));
                    return false;
                }
            } else {
                const size_t begin = pos;
                while (pos < n && in[pos] != '\n' && in[pos] != '\r' && !atDelimiter(pos))
                    ++pos;
                f.text.assign(in.data() + begin, pos - begin);
            }
            if (pos < n && atDelimiter(pos)) {
                pos += delimiter.size();
                if (pos >= n) {
                    field(); // "a,b," ends with an empty field
                    break;
                }
                continue;
            }
            // End of the record.
            if (pos < n && in[pos] == '\r')
                ++pos;
            if (pos < n && in[pos] == '\n')
                ++pos;
            ++line;
            break;
        }
        record.resize(fields);
        const bool blank = fields == 1 && !record[0].quoted && record[0].text.empty();
        if (!blank)
            ++*count;
    }
    return true;
}

class CsvSourceMapper final : public SourceMapper
{
public:
    CsvSourceMapper(const TransportConfig &config, const EventLayout &layout, QString *error)
    {
        m_delimiter = delimiterOption(config);
        m_header = isTrue(config.mapOptions.value(QStringLiteral("header")))
                   || isTrue(config.mapOptions.value(QStringLiteral("header.present")));
        m_grouping = isTrue(config.mapOptions.value(QStringLiteral("event.grouping.enabled")));
        m_failOnUnknown = config.mapOptions.value(QStringLiteral("fail.on.unknown.attribute"))
                              .compare(QLatin1String("false"), Qt::CaseInsensitive)
                          != 0;
        m_columns.resize(size_t(layout.size()));
        for (int i = 0; i < layout.size(); ++i)
            m_columns[size_t(i)] = i;
        if (!config.attributes)
            return;
        // @attributes(symbol='2', price='0') or @attributes('2', '0', ...): field positions.
        m_custom = true;
        std::fill(m_columns.begin(), m_columns.end(), -1);
        const Lang::Ast::Annotation &a = *config.attributes;
        QList<QPair<int, QString>> mappings;
        const QStringList positional = a.positionalValues();
        if (!positional.isEmpty()) {
            for (int i = 0; i < layout.size() && i < positional.size(); ++i)
                mappings.append({i, positional[i]});
        } else {
            for (const auto &e : a.elements) {
                const int i = layout.indexOf(e.key);
                if (i < 0) {
                    *error =
                        QStringLiteral("@attributes names '%1', which the stream does not have")
                            .arg(e.key);
                    return;
                }
                mappings.append({i, e.value});
            }
        }
        for (const auto &[attribute, mapping] : std::as_const(mappings)) {
            bool ok = false;
            const int column = mapping.trimmed().toInt(&ok);
            if (!ok || column < 0) {
                *error = QStringLiteral("@attributes maps '%1' to '%2'; give the field's position "
                                        "from 0, such as '2'")
                             .arg(layout.names().value(attribute), mapping);
                return;
            }
            m_columns[size_t(attribute)] = column;
        }
    }

    bool map(const QByteArray &message, EventLayout &layout, std::vector<Event *> &out,
             QString *error) override
    {
        size_t count = 0;
        if (!parseCsv({message.constData(), size_t(message.size())},
                      {m_delimiter.constData(), size_t(m_delimiter.size())}, m_records, &count,
                      error))
            return false;
        size_t first = 0;
        // With a header: the first record of every message when events come grouped, else the
        // first record received (Siddhi skips the first message; a message is a line there).
        if (m_header && count > 0 && (m_grouping || !m_headerSeen)) {
            first = 1;
            m_headerSeen = true;
        }
        bool ok = true;
        for (size_t r = first; r < count; ++r) {
            QString recordError;
            Event *e = layout.allocate();
            if (!mapRecord(m_records[r], layout, e, &recordError)) {
                layout.release(e);
                if (ok)
                    *error = count - first > 1
                                 ? QStringLiteral("record %1: %2").arg(r + 1).arg(recordError)
                                 : recordError;
                ok = false;
                continue;
            }
            out.push_back(e);
        }
        return ok;
    }

private:
    bool mapRecord(const std::vector<Field> &fields, EventLayout &layout, Event *e, QString *error)
    {
        if (!m_custom && m_failOnUnknown && int(fields.size()) > layout.size()) {
            *error = QStringLiteral("%1 fields, but the stream has %2 attributes (%3)")
                         .arg(fields.size())
                         .arg(layout.size())
                         .arg(layout.names().join(QStringLiteral(", ")));
            return false;
        }
        for (int i = 0; i < layout.size(); ++i) {
            const int column = m_columns[size_t(i)];
            if (column < 0 || column >= int(fields.size())) {
                if (!m_failOnUnknown)
                    continue;
                *error = column < 0
                             ? QStringLiteral("attribute '%1' has no position in @attributes")
                                   .arg(layout.names().value(i))
                             : QStringLiteral("attribute '%1' is missing: it is field %2, but the "
                                              "record has %3 field(s)")
                                   .arg(layout.names().value(i))
                                   .arg(column + 1)
                                   .arg(fields.size());
                return false;
            }
            const Field &f = fields[size_t(column)];
            if (!f.quoted && f.text == "null")
                continue; // null
            if (layout.type(i) != AttrType::String && !f.quoted
                && f.text.find_first_not_of(" \t") == std::string::npos) {
                if (!m_failOnUnknown)
                    continue;
                *error = QStringLiteral("attribute '%1' is empty").arg(layout.names().value(i));
                return false;
            }
            if (!setFromText(layout, e, i, f.text, error)) {
                if (!m_failOnUnknown) {
                    error->clear();
                    continue;
                }
                return false;
            }
        }
        return true;
    }

    QByteArray m_delimiter;
    bool m_header = false;
    bool m_headerSeen = false;
    bool m_grouping = false;
    bool m_failOnUnknown = true;
    bool m_custom = false;
    std::vector<int> m_columns; // per attribute: its field
    std::vector<std::vector<Field>> m_records;
};

class CsvSinkMapper final : public SinkMapper
{
public:
    CsvSinkMapper(const TransportConfig &config, const EventLayout &layout, QString *error)
    {
        m_delimiter = delimiterOption(config);
        m_header = isTrue(config.mapOptions.value(QStringLiteral("header")));
        m_grouping = isTrue(config.mapOptions.value(QStringLiteral("event.grouping.enabled")));
        if (config.payload && !config.payload->elements.isEmpty()) {
            // @payload(symbol='0', price='2', volume='1'): the field each attribute goes to.
            const auto &elements = config.payload->elements;
            m_columns.assign(size_t(elements.size()), -1);
            for (const auto &e : elements) {
                const int attribute = layout.indexOf(e.key);
                bool ok = false;
                const int column = e.value.trimmed().toInt(&ok);
                if (attribute < 0) {
                    *error = QStringLiteral("@payload names '%1', which the stream does not have")
                                 .arg(e.key);
                    return;
                }
                if (!ok || column < 0 || column >= int(elements.size())
                    || m_columns[size_t(column)] >= 0) {
                    *error = QStringLiteral("@payload puts '%1' at position '%2'; give each "
                                            "attribute its own position from 0 to %3")
                                 .arg(e.key, e.value)
                                 .arg(elements.size() - 1);
                    return;
                }
                m_columns[size_t(column)] = attribute;
            }
        } else {
            for (int i = 0; i < layout.size(); ++i)
                m_columns.push_back(i);
        }
        if (m_header) {
            for (size_t c = 0; c < m_columns.size(); ++c) {
                if (c)
                    m_headerLine += m_delimiter;
                appendField(m_headerLine, layout.names().value(m_columns[c]).toUtf8());
            }
            m_headerLine += '\n';
        }
    }

    QByteArray map(const Event &e) override
    {
        QByteArray out;
        takeHeader(out);
        appendRecord(out, e);
        return out;
    }
    bool canGroup() const override { return m_grouping; }
    QByteArray mapGroup(const std::vector<const Event *> &events) override
    {
        QByteArray out;
        takeHeader(out);
        for (const Event *e : events)
            appendRecord(out, *e);
        return out;
    }

private:
    // The header goes out once, in front of the first message (Siddhi sends it as a message
    // of its own before the first event).
    void takeHeader(QByteArray &out)
    {
        if (!m_headerLine.isEmpty()) {
            out += m_headerLine;
            m_headerLine.clear();
        }
    }

    void appendField(QByteArray &out, const QByteArray &text) const
    {
        const bool quote = text.contains('"') || text.contains('\n') || text.contains('\r')
                           || text.contains(m_delimiter) || text == "null"
                           || (!text.isEmpty()
                               && (text.front() == ' ' || text.front() == '\t' || text.back() == ' '
                                   || text.back() == '\t'));
        if (!quote) {
            out += text;
            return;
        }
        out += '"';
        for (char c : text) {
            if (c == '"')
                out += '"';
            out += c;
        }
        out += '"';
    }

    void appendRecord(QByteArray &out, const Event &e)
    {
        for (size_t c = 0; c < m_columns.size(); ++c) {
            if (c)
                out += m_delimiter;
            const int i = m_columns[c];
            if (e.isNull(i)) {
                out += "null";
                continue;
            }
            const AttrType t = e.layout->type(i);
            if (t == AttrType::String || t == AttrType::Object) {
                m_scratch.clear();
                appendText(m_scratch, e, i);
                appendField(out, m_scratch);
            } else {
                appendText(out, e, i);
            }
        }
        out += '\n';
    }

    QByteArray m_delimiter;
    bool m_header = false;
    bool m_grouping = false;
    std::vector<int> m_columns; // per field: its attribute
    QByteArray m_headerLine;
    QByteArray m_scratch;
};

} // namespace

std::unique_ptr<SourceMapper> makeCsvSourceMapper(const TransportConfig &config,
                                                  const EventLayout &layout, QString *error)
{
    auto m = std::make_unique<CsvSourceMapper>(config, layout, error);
    if (!error->isEmpty())
        return nullptr;
    return m;
}

std::unique_ptr<SinkMapper> makeCsvSinkMapper(const TransportConfig &config,
                                              const EventLayout &layout, QString *error)
{
    auto m = std::make_unique<CsvSinkMapper>(config, layout, error);
    if (!error->isEmpty())
        return nullptr;
    return m;
}

} // namespace Rivulet::Io
