#include "diagnostic.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace Rivulet::Lang {

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Error:
        return QStringLiteral("error");
    case Severity::Warning:
        return QStringLiteral("warning");
    case Severity::Info:
        return QStringLiteral("note");
    }
    return {};
}

QString Diagnostic::toText() const
{
    QString text = (file.isEmpty() ? QStringLiteral("<input>") : file) + u':'
                   + QString::number(range.line) + u':' + QString::number(range.column)
                   + QStringLiteral(": ") + severityName(severity) + QStringLiteral(": ") + message;
    if (!hint.isEmpty())
        text += QStringLiteral("\n  hint: ") + hint;
    return text;
}

QJsonObject Diagnostic::toJson() const
{
    QJsonObject o{{QStringLiteral("file"), file},
                  {QStringLiteral("severity"), severityName(severity)},
                  {QStringLiteral("line"), range.line},
                  {QStringLiteral("column"), range.column},
                  {QStringLiteral("endLine"), range.endLine},
                  {QStringLiteral("endColumn"), range.endColumn},
                  {QStringLiteral("offset"), range.start},
                  {QStringLiteral("length"), range.end - range.start},
                  {QStringLiteral("message"), message}};
    if (!hint.isEmpty())
        o.insert(QStringLiteral("hint"), hint);
    return o;
}

void DiagnosticList::add(Severity severity, const SourceRange &range, const QString &message,
                         const QString &hint)
{
    if (severity == Severity::Error)
        ++m_errors;
    else if (severity == Severity::Warning)
        ++m_warnings;
    if (m_items.size() >= m_limit)
        return;
    m_items.append(Diagnostic{severity, m_file, range, message, hint});
}

void DiagnosticList::setFile(const QString &file)
{
    m_file = file;
    for (Diagnostic &d : m_items)
        d.file = file;
}

QList<Diagnostic> DiagnosticList::sorted() const
{
    QList<Diagnostic> out = m_items;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic &a, const Diagnostic &b) {
        if (a.range.start != b.range.start)
            return a.range.start < b.range.start;
        return int(a.severity) < int(b.severity);
    });
    return out;
}

QJsonArray diagnosticsToJson(const QList<Diagnostic> &diagnostics)
{
    QJsonArray array;
    for (const Diagnostic &d : diagnostics)
        array.append(d.toJson());
    return array;
}

} // namespace Rivulet::Lang
