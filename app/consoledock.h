#pragma once

#include <QDateTime>
#include <QDockWidget>
#include <QVector>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace Rivulet::Studio {

// The engine's log and the `log` sinks' output, with a level and a text filter. Keeps the
// last few thousand lines.
class ConsoleDock final : public QDockWidget
{
    Q_OBJECT

public:
    explicit ConsoleDock(QWidget *parent = nullptr);
    // level: Runtime::LogLevel as int (0 trace .. 5 fatal)
    void append(int level, const QString &source, const QString &message);
    void clear();
    QString plainText() const;
    int lineCount() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        QDateTime when;
        int level;
        QString source;
        QString message;
    };
    bool accepts(const Entry &e) const;
    void showEntry(const Entry &e);
    void refilter();

    QPlainTextEdit *m_text;
    QComboBox *m_level;
    QLineEdit *m_filter;
    QVector<Entry> m_entries;
    static constexpr int kMaxEntries = 5000;
};

} // namespace Rivulet::Studio
