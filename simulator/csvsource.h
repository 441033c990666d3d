#pragma once

#include "csvreader.h"
#include "eventsource.h"

#include <QFile>

#include <memory>
#include <vector>

namespace Rivulet::Simulator {

// CSV_SIMULATION: one event per row. The timestamp comes from a column (timestampAttribute)
// or is generated every timestampInterval ms from the start. Columns map to attributes by
// 'indices', by a header row's names, or in order. Ordered files are read as they are sent;
// unordered ones are read whole and sorted by timestamp first. A bad row (too few columns, a
// value that does not fit its attribute, an unclosed quote) is reported as
// "file.csv:LINE: why; row skipped" and skipped.
class CsvSource final : public EventSource
{
public:
    ~CsvSource() override;
    static std::unique_ptr<CsvSource> create(const SourceConfig &config,
                                             const SourceContext &context, QString *error);
    bool start(QString *error) override;
    bool next(Runtime::Event *ev) override;

private:
    struct Row
    {
        qint64 timestamp;
        CsvReader::Record record;
    };

    CsvSource(SourceContext context, CsvConfig config, qint64 interval);
    void skipRow(qint64 line, const QString &why);
    bool checkRecord(const CsvReader::Record &record, qint64 *timestamp);
    bool fill(const CsvReader::Record &record, qint64 timestamp, Runtime::Event *ev);

    CsvConfig m_config;
    qint64 m_interval;
    QFile m_file;
    QString m_fileLabel;
    std::unique_ptr<CsvReader> m_reader;
    std::vector<int> m_columns; // the column of each attribute
    int m_neededColumns = 0;
    qint64 m_generated = 0;
    std::vector<Row> m_sorted; // unordered files
    size_t m_next = 0;
};

} // namespace Rivulet::Simulator
