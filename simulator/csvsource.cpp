// CSV_SIMULATION: events from the rows of a delimited file. A bad row is reported with its line
// number and skipped; the simulation goes on.
#include "csvsource.h"

#include "values.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

CsvSource::CsvSource(SourceContext context, CsvConfig config, qint64 interval)
    : EventSource(std::move(context))
    , m_config(std::move(config))
    , m_interval(interval)
{}

CsvSource::~CsvSource() = default;

std::unique_ptr<CsvSource> CsvSource::create(const SourceConfig &config,
                                             const SourceContext &context, QString *error)
{
    auto source = std::unique_ptr<CsvSource>(
        new CsvSource(context, config.csv, config.timestampInterval.value_or(1000)));
    const QString path = QDir(context.baseDirectory).absoluteFilePath(config.csv.fileName);
    source->m_fileLabel = QFileInfo(path).fileName();
    source->m_file.setFileName(path);
    const StreamSchema &schema = context.schema;
    if (!config.csv.indices.isEmpty() && config.csv.indices.size() != schema.size()) {
        *error = QStringLiteral("stream '%1' has %2 attributes (%3), but 'indices' names %4 "
                                "columns")
                     .arg(schema.name)
                     .arg(schema.size())
                     .arg(schema.text())
                     .arg(config.csv.indices.size());
        return nullptr;
    }
    return source;
}

bool CsvSource::start(QString *error)
{
    if (!m_file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_reader = std::make_unique<CsvReader>(&m_file, m_config.delimiter.at(0).toLatin1());
    const StreamSchema &schema = m_context.schema;

    m_columns.clear();
    for (int c : m_config.indices)
        m_columns.push_back(c);
    if (m_config.header) {
        CsvReader::Record header;
        if (m_reader->read(&header) && header.error.isEmpty() && m_columns.empty()) {
            // With a header and no indices, columns are matched by name when every attribute
            // has one.
            std::vector<int> byName;
            for (const QString &name : schema.names) {
                int found = -1;
                for (size_t c = 0; c < header.fields.size(); ++c) {
                    if (QString::fromUtf8(header.fields[c])
                            .trimmed()
                            .compare(name, Qt::CaseInsensitive)
                        == 0)
                        found = int(c);
                }
                if (found < 0)
                    break;
                byName.push_back(found);
            }
            if (int(byName.size()) == schema.size())
                m_columns = byName;
        }
    }
    if (m_columns.empty()) {
        // The columns in order, leaving out the timestamp's.
        for (int c = 0; int(m_columns.size()) < schema.size(); ++c) {
            if (c != m_config.timestampColumn)
                m_columns.push_back(c);
        }
    }
    m_neededColumns =
        std::max(m_config.timestampColumn + 1,
                 m_columns.empty() ? 0 : *std::max_element(m_columns.begin(), m_columns.end()) + 1);

    if (!m_config.isOrdered && m_config.timestampColumn >= 0) {
        // Read every row and sort by timestamp (rows of one timestamp keep their order).
        CsvReader::Record record;
        while (m_reader->read(&record)) {
            qint64 ts = 0;
            if (!checkRecord(record, &ts))
                continue;
            m_sorted.push_back({ts, std::move(record)});
            record = {};
        }
        std::stable_sort(m_sorted.begin(), m_sorted.end(),
                         [](const Row &a, const Row &b) { return a.timestamp < b.timestamp; });
    }
    return true;
}

void CsvSource::skipRow(qint64 line, const QString &why)
{
    ++m_skipped;
    warn(QStringLiteral("%1:%2: %3; row skipped").arg(m_fileLabel).arg(line).arg(why));
}

// Checks a record's shape and reads its timestamp; reports and returns false for a bad row
// (and for rows outside the simulation's time range, silently).
bool CsvSource::checkRecord(const CsvReader::Record &record, qint64 *timestamp)
{
    if (!record.error.isEmpty()) {
        skipRow(record.line, record.error);
        return false;
    }
    if (int(record.fields.size()) < m_neededColumns) {
        skipRow(record.line, QStringLiteral("expected %1 columns, found %2")
                                 .arg(m_neededColumns)
                                 .arg(record.fields.size()));
        return false;
    }
    if (m_config.timestampColumn < 0) {
        *timestamp = m_context.startTimestamp + m_generated * m_interval;
        return true;
    }
    Value v;
    QString error;
    const std::string &text = record.fields[size_t(m_config.timestampColumn)];
    if (!textToValue(AttrType::Long, text, &v, QStringLiteral("timestamp"), &error)) {
        skipRow(record.line, QStringLiteral("the timestamp '%1' in column %2 is not a whole number")
                                 .arg(QString::fromStdString(text))
                                 .arg(m_config.timestampColumn));
        return false;
    }
    *timestamp = v.l;
    if (m_context.startGiven && v.l < m_context.startTimestamp)
        return false;
    return true;
}

// Fills ev from a checked record; false (reported) when a value does not fit its attribute.
bool CsvSource::fill(const CsvReader::Record &record, qint64 timestamp, Event *ev)
{
    EventLayout *layout = m_context.layout;
    const StreamSchema &schema = m_context.schema;
    for (int i = 0; i < schema.size(); ++i) {
        const size_t column = size_t(m_columns[size_t(i)]);
        const std::string &text = record.fields[column];
        const AttrType type = schema.types[i];
        // An empty field is null; "" (quoted) is an empty string.
        if (text.empty() && !(type == AttrType::String && record.quoted[column])) {
            layout->set(ev, i, Value::ofLong(0), true);
            continue;
        }
        Value v;
        QString error;
        if (!textToValue(type, text, &v, schema.names[i], &error)) {
            skipRow(record.line, error);
            return false;
        }
        if (isRefCounted(type))
            setOwned(layout, ev, i, v);
        else
            layout->set(ev, i, v);
    }
    ev->timestamp = timestamp;
    return true;
}

bool CsvSource::next(Event *ev)
{
    if (!m_reader)
        return false;
    if (!m_config.isOrdered && m_config.timestampColumn >= 0) {
        while (m_next < m_sorted.size()) {
            const Row &row = m_sorted[m_next++];
            if (pastEnd(row.timestamp))
                return false;
            if (fill(row.record, row.timestamp, ev))
                return true;
        }
        return false;
    }
    CsvReader::Record record;
    while (m_reader->read(&record)) {
        qint64 ts = 0;
        if (!checkRecord(record, &ts))
            continue;
        if (pastEnd(ts)) {
            // Ordered rows: nothing later can be in range. Generated timestamps: the same.
            return false;
        }
        if (!fill(record, ts, ev))
            continue;
        ++m_generated;
        return true;
    }
    return false;
}

} // namespace Rivulet::Simulator
