#include "commands.h"

#include "engine/lang/frontend.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <unistd.h>

namespace Rivulet::Cli {

namespace {

// The source line of a diagnostic with a caret under its range, as compilers print it.
QString excerpt(const QByteArray &source, const Lang::Diagnostic &d)
{
    int start = d.range.start;
    if (start > source.size())
        return {};
    int lineStart = start;
    while (lineStart > 0 && source[lineStart - 1] != '\n')
        --lineStart;
    int lineEnd = start;
    while (lineEnd < source.size() && source[lineEnd] != '\n')
        ++lineEnd;
    const QString line = QString::fromUtf8(source.mid(lineStart, lineEnd - lineStart));
    const int col = QString::fromUtf8(source.mid(lineStart, start - lineStart)).size();
    int len = d.range.endLine == d.range.line ? qMax(1, d.range.endColumn - d.range.column) : 1;
    len = qMin(len, qMax(1, int(line.size()) - col));
    QString caret(col, u' ');
    for (int i = 0; i < col && i < line.size(); ++i) {
        if (line[i] == u'\t')
            caret[i] = u'\t';
    }
    return QStringLiteral("  ") + line + QStringLiteral("\n  ") + caret + u'^'
           + QString(len - 1, u'~') + u'\n';
}

} // namespace

int validateCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks SiddhiQL apps and prints every problem as file:line:col: error: message.\n"
        "Exit status: 0 when no file has errors, 1 when one has, 2 for bad usage or an "
        "unreadable file."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("Output format: text (default) or json."),
                      QStringLiteral("text|json"), QStringLiteral("text")});
    parser.addOption({{QStringLiteral("q"), QStringLiteral("quiet")},
                      QStringLiteral("Print errors only, not warnings.")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("SiddhiQL apps (.siddhi)"),
                                 QStringLiteral("FILE..."));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet validate"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet validate: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("text") && format != QLatin1String("json")) {
        std::fprintf(stderr, "rivulet validate: unknown format '%s' (use text or json)\n",
                     qPrintable(format));
        return Usage;
    }
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        std::fputs(
            "rivulet validate: no file given\nUsage: rivulet validate [--format json] FILE...\n",
            stderr);
        return Usage;
    }
    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    const bool tty = isatty(fileno(stdout));

    bool unreadable = false;
    int errors = 0;
    int warnings = 0;
    QJsonArray json;
    for (const QString &file : files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "rivulet validate: cannot read %s: %s\n", qPrintable(file),
                         qPrintable(f.errorString()));
            unreadable = true;
            continue;
        }
        const QByteArray source = f.readAll();
        const Lang::CompiledApp compiled = Lang::compileApp(source, file);
        for (const Lang::Diagnostic &d : compiled.diagnostics) {
            if (d.isError())
                ++errors;
            else if (d.severity == Lang::Severity::Warning)
                ++warnings;
            if (quiet && !d.isError())
                continue;
            if (format == QLatin1String("json")) {
                json.append(d.toJson());
                continue;
            }
            QString text = d.file + u':' + QString::number(d.range.line) + u':'
                           + QString::number(d.range.column) + QStringLiteral(": ")
                           + Lang::severityName(d.severity) + QStringLiteral(": ") + d.message
                           + u'\n';
            if (tty)
                text += excerpt(source, d);
            if (!d.hint.isEmpty()) {
                text += d.file + u':' + QString::number(d.range.line) + u':'
                        + QString::number(d.range.column) + QStringLiteral(": note: ") + d.hint
                        + u'\n';
            }
            std::fputs(text.toUtf8().constData(), stdout);
        }
    }
    if (format == QLatin1String("json")) {
        std::fputs(QJsonDocument(json).toJson(QJsonDocument::Indented).constData(), stdout);
    } else if (errors + warnings > 0 || tty) {
        std::fprintf(stderr, "%d error%s, %d warning%s in %lld file%s\n", errors,
                     errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
                     static_cast<long long>(files.size()), files.size() == 1 ? "" : "s");
    }
    if (unreadable)
        return Usage;
    return errors > 0 ? Failed : Ok;
}

} // namespace Rivulet::Cli
