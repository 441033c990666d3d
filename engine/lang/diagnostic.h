#pragma once

#include "sourcerange.h"

#include <QList>
#include <QString>

class QJsonArray;
class QJsonObject;

namespace Rivulet::Lang {

enum class Severity { Error, Warning, Info };

// A problem a user can cause, with where it is and, when one helps, a hint to fix it.
struct Diagnostic
{
    Severity severity = Severity::Error;
    QString file;
    SourceRange range;
    QString message;
    QString hint;

    bool isError() const { return severity == Severity::Error; }
    // "file:line:col: error: message" (and "  hint: ..." on the next line when there is one).
    QString toText() const;
    QJsonObject toJson() const;
};

QString severityName(Severity severity);

class DiagnosticList
{
public:
    void add(Severity severity, const SourceRange &range, const QString &message,
             const QString &hint = {});
    void error(const SourceRange &range, const QString &message, const QString &hint = {})
    {
        add(Severity::Error, range, message, hint);
    }
    void warning(const SourceRange &range, const QString &message, const QString &hint = {})
    {
        add(Severity::Warning, range, message, hint);
    }
    void append(const QList<Diagnostic> &more) { m_items += more; }

    void setFile(const QString &file);
    // Stops recording (but keeps counting) after this many, so garbage input stays cheap.
    void setLimit(int limit) { m_limit = limit; }
    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }
    bool hasErrors() const { return m_errors > 0; }
    const QList<Diagnostic> &items() const { return m_items; }
    // Sorted by position, errors before warnings at the same place.
    QList<Diagnostic> sorted() const;

private:
    QList<Diagnostic> m_items;
    QString m_file;
    int m_errors = 0;
    int m_warnings = 0;
    int m_limit = 1000;
};

QJsonArray diagnosticsToJson(const QList<Diagnostic> &diagnostics);

} // namespace Rivulet::Lang
