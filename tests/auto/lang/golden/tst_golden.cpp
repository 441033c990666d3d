// Golden files under tests/lang/: each .siddhi file is an app. Lines of the form
//     -- expect: error 3:17 undefined stream 'Foo'
//     -- expect: warning 1:1 has no @App:name
// state the diagnostics it must produce (severity, line:column, and a part of the message).
// Every error the front end reports must be expected; a file without expectations must have
// no errors. Warnings are checked only where they are expected.
//
// A line that reads exactly
//     -- on-demand
// splits a file in two: the app above it, and an on-demand (store) query below it, which is
// checked against the app. Positions stay those of the file.
#include "engine/lang/frontend.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace Rivulet::Lang;

class tst_Golden : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cases_data();
    void cases();
    void enoughCases();
};

namespace {

QString casesDir()
{
    return QStringLiteral(RIVULET_SOURCE_DIR "/tests/lang");
}

QStringList caseFiles()
{
    QStringList files;
    QDirIterator it(casesDir(), {QStringLiteral("*.siddhi")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

struct Expectation
{
    Severity severity;
    int line;
    int column;
    QString text;
    bool matched = false;
};

} // namespace

void tst_Golden::cases_data()
{
    QTest::addColumn<QString>("path");
    const QDir root(casesDir());
    for (const QString &file : caseFiles())
        QTest::newRow(qPrintable(root.relativeFilePath(file))) << file;
}

void tst_Golden::cases()
{
    QFETCH(QString, path);
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray source = f.readAll();

    static const QRegularExpression expectRe(
        QStringLiteral("--\\s*expect:\\s*(error|warning)\\s+(\\d+):(\\d+)\\s+(.*?)\\s*$"),
        QRegularExpression::MultilineOption);
    QList<Expectation> expectations;
    auto it = expectRe.globalMatch(QString::fromUtf8(source));
    while (it.hasNext()) {
        const auto m = it.next();
        expectations.append(
            {m.captured(1) == QLatin1String("error") ? Severity::Error : Severity::Warning,
             m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4)});
    }

    // An on-demand query after a "-- on-demand" line: each part is compiled with the other
    // blanked out, so that positions are those of the file.
    QByteArray appSource = source;
    QByteArray querySource;
    qsizetype lineStart = 0;
    while (lineStart < source.size()) {
        qsizetype lineEnd = source.indexOf('\n', lineStart);
        if (lineEnd < 0)
            lineEnd = source.size();
        if (source.sliced(lineStart, lineEnd - lineStart).trimmed() == "-- on-demand") {
            auto blank = [](QByteArray text, qsizetype from, qsizetype to) {
                for (qsizetype i = from; i < to; ++i) {
                    if (text[i] != '\n')
                        text[i] = ' ';
                }
                return text;
            };
            appSource = blank(source, lineStart, source.size());
            querySource = blank(source, 0, lineEnd);
            break;
        }
        lineStart = lineEnd + 1;
    }

    CompiledApp compiled = compileApp(appSource, path);
    if (!querySource.isEmpty()) {
        const CompiledOnDemandQuery query = compileOnDemandQuery(compiled, querySource);
        QVERIFY2(query.query || query.hasErrors(), "the on-demand query did not parse");
        compiled.diagnostics += query.diagnostics;
    }
    QString report;
    for (const Diagnostic &d : compiled.diagnostics)
        report += QStringLiteral("\n    %1:%2: %3: %4")
                      .arg(d.range.line)
                      .arg(d.range.column)
                      .arg(severityName(d.severity), d.message);

    for (const Diagnostic &d : compiled.diagnostics) {
        bool expected = false;
        for (Expectation &e : expectations) {
            if (e.severity == d.severity && e.line == d.range.line && e.column == d.range.column
                && d.message.contains(e.text)) {
                e.matched = true;
                expected = true;
            }
        }
        if (d.isError() && !expected) {
            QFAIL(qPrintable(QStringLiteral("unexpected error %1:%2: %3\n  all diagnostics:%4")
                                 .arg(d.range.line)
                                 .arg(d.range.column)
                                 .arg(d.message, report)));
        }
    }
    for (const Expectation &e : std::as_const(expectations)) {
        if (!e.matched) {
            QFAIL(
                qPrintable(QStringLiteral("missing %1 %2:%3 \"%4\"\n  all diagnostics:%5")
                               .arg(severityName(e.severity))
                               .arg(e.line)
                               .arg(e.column)
                               .arg(e.text, report.isEmpty() ? QStringLiteral(" none") : report)));
        }
    }
}

void tst_Golden::enoughCases()
{
    // The front-end issue asks for at least 300 golden cases across every construct.
    QVERIFY2(caseFiles().size() >= 300,
             qPrintable(QStringLiteral("only %1 golden cases").arg(caseFiles().size())));
}

QTEST_APPLESS_MAIN(tst_Golden)
#include "tst_golden.moc"
