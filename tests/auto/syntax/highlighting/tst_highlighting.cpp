// Checks resources/syntax/siddhi.xml with the real KSyntaxHighlighting (KF5) command-line tool,
// kate-syntax-highlighter (Debian package libkf5syntaxhighlighting-tools), as Kate would load it:
// from $XDG_DATA_HOME/org.kde.syntax-highlighting/syntax/. It highlights sample.siddhi, which
// holds every kind of token, and checks the format each token gets.
//
// Without the tool the test is skipped (ctest shows it as skipped); under CI=true it fails
// instead, since scripts/setup.sh installs the package.
#include <QDir>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <iterator>

namespace {

const char kToolName[] = "kate-syntax-highlighter";

QString sourcePath(const char *relative)
{
    return QStringLiteral(RIVULET_SOURCE_DIR "/") + QString::fromUtf8(relative);
}

// One run of a highlighted line: columns [start, end) in the format (itemData) named format.
struct Region
{
    int start = 0;
    int end = 0;
    QString format;
};

struct TracedLine
{
    QString text;
    QList<Region> regions;
};

// The text of an ANSI line without its escape sequences, and the visible column at which each
// "reverse video" label (ESC[7m) starts, as kate-syntax-highlighter --syntax-trace=format
// prints them.
struct AnsiLine
{
    QString visible;
    QList<std::pair<int, QString>> labels;
};

AnsiLine parseAnsi(const QString &line)
{
    AnsiLine out;
    bool labelNext = false;
    int labelStart = -1;
    for (qsizetype i = 0; i < line.size(); ++i) {
        if (line[i] == u'\x1b' && i + 1 < line.size() && line[i + 1] == u'[') {
            qsizetype j = i + 2;
            while (j < line.size() && !line[j].isLetter())
                ++j;
            const QStringView params = QStringView(line).sliced(i + 2, j - i - 2);
            if (labelStart >= 0) {
                out.labels.append({labelStart, out.visible.mid(labelStart)});
                labelStart = -1;
            }
            labelNext = j < line.size() && line[j] == u'm' && params == u"7";
            i = j;
            continue;
        }
        if (labelNext) {
            labelStart = int(out.visible.size());
            labelNext = false;
        }
        out.visible += line[i];
    }
    if (labelStart >= 0)
        out.labels.append({labelStart, out.visible.mid(labelStart)});
    return out;
}

// Reads the output of `kate-syntax-highlighter -f ansi --syntax-trace format`: each source line
// is followed by a line of '|' marks, one where each format run starts, and lines that name
// the runs' formats (in reverse video) under their marks. The last line of each block ends with
// ESC[0m. Returns an error message, or an empty string.
QString parseTrace(const QString &output, const QStringList &sourceLines, QList<TracedLine> *out)
{
    QList<QList<QString>> blocks;
    bool startBlock = true;
    for (const QString &line : output.split(u'\n')) {
        if (startBlock)
            blocks.append(QList<QString>());
        blocks.last().append(line);
        startBlock = line.endsWith(QLatin1String("\x1b[0m"));
    }
    for (qsizetype b = 0; b < blocks.size() && b < sourceLines.size(); ++b) {
        const QList<QString> &block = blocks[b];
        TracedLine traced;
        traced.text = parseAnsi(block[0]).visible;
        if (traced.text != sourceLines[b]) {
            return QStringLiteral("line %1 of the trace is '%2', expected '%3'")
                .arg(b + 1)
                .arg(traced.text, sourceLines[b]);
        }
        if (block.size() < 3)
            return QStringLiteral("line %1 of the trace has no format marks").arg(b + 1);
        const QString marks = parseAnsi(block[1]).visible;
        QMap<int, QString> formats;
        for (qsizetype i = 0; i < marks.size(); ++i) {
            if (marks[i] == u'|')
                formats.insert(int(i), QString());
        }
        for (qsizetype l = 2; l < block.size(); ++l) {
            for (const auto &[column, label] : parseAnsi(block[l]).labels) {
                if (!formats.contains(column)) {
                    return QStringLiteral("line %1: format '%2' at column %3 has no mark")
                        .arg(b + 1)
                        .arg(label)
                        .arg(column);
                }
                formats[column] = label;
            }
        }
        for (auto it = formats.cbegin(); it != formats.cend(); ++it) {
            if (it.value().isEmpty()) {
                return QStringLiteral("line %1: the run at column %2 has no format")
                    .arg(b + 1)
                    .arg(it.key());
            }
            const auto next = std::next(it);
            traced.regions.append({it.key(),
                                   next == formats.cend() ? int(traced.text.size()) : next.key(),
                                   it.value()});
        }
        out->append(traced);
    }
    if (out->size() != sourceLines.size()) {
        return QStringLiteral("the trace has %1 lines, the sample %2")
            .arg(out->size())
            .arg(sourceLines.size());
    }
    return {};
}

} // namespace

class tst_Highlighting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void definitionIsListed();
    void detectedByExtension();
    void tokenFormats_data();
    void tokenFormats();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run runTool(const QStringList &arguments);

    QString m_tool;
    QTemporaryDir m_dataHome;
    QString m_samplePath;
    QString m_sample;
    QList<TracedLine> m_trace;
};

tst_Highlighting::Run tst_Highlighting::runTool(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Only the definition under test, besides the ones built into the library.
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dataHome.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_DATA_DIRS"), m_dataHome.filePath(QStringLiteral("none")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dataHome.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dataHome.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("QT_LOGGING_RULES"),
               QStringLiteral("kf.syntaxhighlighting.warning=true"));
    process.setProcessEnvironment(env);
    process.start(m_tool, arguments);
    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        run.err = "timed out or failed to start: " + process.errorString().toUtf8();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

void tst_Highlighting::initTestCase()
{
    m_tool = qEnvironmentVariable("RIVULET_KATE_SYNTAX_HIGHLIGHTER");
    if (m_tool.isEmpty())
        m_tool = QStandardPaths::findExecutable(QString::fromLatin1(kToolName));
    if (m_tool.isEmpty()) {
        if (qEnvironmentVariable("CI") == QLatin1String("true"))
            QFAIL("kate-syntax-highlighter is missing under CI: scripts/setup.sh installs "
                  "libkf5syntaxhighlighting-tools");
        QSKIP("kate-syntax-highlighter is not installed (Debian package "
              "libkf5syntaxhighlighting-tools, installed by scripts/setup.sh)");
    }

    QVERIFY(m_dataHome.isValid());
    const QString syntaxDir =
        m_dataHome.filePath(QStringLiteral("data/org.kde.syntax-highlighting/syntax"));
    QVERIFY(QDir().mkpath(syntaxDir));
    QVERIFY(QDir().mkpath(m_dataHome.filePath(QStringLiteral("none"))));
    QVERIFY(QFile::copy(sourcePath("resources/syntax/siddhi.xml"),
                        syntaxDir + QStringLiteral("/siddhi.xml")));

    m_samplePath = sourcePath("tests/auto/syntax/highlighting/sample.siddhi");
    QFile sample(m_samplePath);
    QVERIFY(sample.open(QIODevice::ReadOnly));
    m_sample = QString::fromUtf8(sample.readAll());
    QVERIFY2(!m_sample.contains(u'\t'), "the sample must not hold tabs: the trace expands them");

    const Run run =
        runTool({QStringLiteral("--syntax"), QStringLiteral("SiddhiQL"),
                 QStringLiteral("--output-format"), QStringLiteral("ansi"),
                 QStringLiteral("--syntax-trace"), QStringLiteral("format"), m_samplePath});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
    QStringList lines = m_sample.split(u'\n');
    if (lines.size() > 1 && lines.constLast().isEmpty())
        lines.removeLast();
    const QString error = parseTrace(QString::fromUtf8(run.out), lines, &m_trace);
    QVERIFY2(
        error.isEmpty(),
        qPrintable(
            QStringLiteral("cannot read the output of %1 --syntax-trace: %2").arg(m_tool, error)));
}

void tst_Highlighting::definitionIsListed()
{
    const Run run = runTool({QStringLiteral("--list")});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
    QVERIFY2(run.out.split('\n').contains("SiddhiQL"),
             "kate-syntax-highlighter does not list SiddhiQL: it could not load siddhi.xml");
}

void tst_Highlighting::detectedByExtension()
{
    // No --syntax: the tool picks the definition by the *.siddhi extension.
    const Run run =
        runTool({QStringLiteral("--output-format"), QStringLiteral("html"), m_samplePath});
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.err.constData());
    QVERIFY2(run.out.contains("Definition (SiddhiQL)"), run.out.left(400).constData());
    // Highlighted, not plain: many runs in several distinct styles.
    static const QRegularExpression span(QStringLiteral("<span style=\"([^\"]*)\">"));
    QSet<QString> styles;
    int spans = 0;
    for (const QRegularExpressionMatch &m : span.globalMatch(QString::fromUtf8(run.out))) {
        styles.insert(m.captured(1));
        ++spans;
    }
    QVERIFY2(spans > 100, qPrintable(QString::number(spans)));
    QVERIFY2(styles.size() >= 8,
             qPrintable(QStringList(styles.cbegin(), styles.cend()).join(QStringLiteral(" | "))));
}

void tst_Highlighting::tokenFormats_data()
{
    QTest::addColumn<QString>("context"); // a text that occurs once in sample.siddhi
    QTest::addColumn<QString>("token");   // a part of it, which occurs once in it
    QTest::addColumn<QString>("format");  // the itemData of siddhi.xml it must get

    auto row = [](const char *name, const char *context, const char *token, const char *format) {
        QTest::newRow(name) << QString::fromUtf8(context) << QString::fromUtf8(token)
                            << QString::fromUtf8(format);
    };
    // Annotations.
    row("app annotation", "@App:name('HighlightingSample')", "@App:name", "Annotation");
    row("single-quoted string", "@App:name('HighlightingSample')", "'HighlightingSample'",
        "String");
    row("double-quoted string", "@App:description(\"Every kind", "\"Every kind", "String");
    row("source annotation", "@source(type = 'http'", "@source", "Annotation");
    row("annotation key", "@source(type = 'http'", "type", "Annotation Key");
    row("dotted annotation key", "receiver.url = ", "receiver.url", "Annotation Key");
    row("nested map annotation", "@map(type = 'json')", "@map", "Annotation");
    row("string value of an annotation", "@map(type = 'json')", "'json'", "String");
    row("primary key annotation", "@PrimaryKey('roomNo')", "@PrimaryKey", "Annotation");
    row("template in a string", "prefix = 'room {{roomNo}}'", "{{roomNo}}", "String Template");
    row("triple-quoted string", "@payload(\"\"\"Room {{", "\"\"\"Room ", "Triple String");
    row("template in a triple-quoted string", "\"\"\"Room {{roomNo}}", "{{roomNo}}",
        "String Template");
    row("triple-quoted string over lines", "is at {{avgTemp}} degrees\"\"\"", "degrees\"\"\"",
        "Triple String");
    // Comments.
    row("block comment", "/* A block comment", "/* A block comment", "Comment");
    row("block comment's second line", "   over two lines.", "over two lines.", "Comment");
    row("line comment", "-- A line comment", "-- A line comment", "Comment");
    // Definitions.
    row("keyword define", "define stream TempStream", "define", "Keyword");
    row("keyword stream", "define stream TempStream", "stream", "Keyword");
    row("stream name", "define stream TempStream", "TempStream", "Normal Text");
    row("type long", "(deviceID long,", "long", "Data Type");
    row("type object", "extra object,", "object", "Data Type");
    row("type string", "avgTemp double, label string);", "string", "Data Type");
    row("backquoted name", "`from` string);", "`from`", "Quoted Name");
    row("keyword table", "define table RoomTable", "table", "Keyword");
    row("keyword trigger", "define trigger FiveMinTrigger", "trigger", "Keyword");
    row("integer", "at every 5 min;", "5", "Integer");
    row("time unit", "at every 5 min;", "min", "Time Unit");
    // Functions defined in a script.
    row("script body", "    var s = data[0]", "var s = data[0]", "Script");
    row("string in a script", "+ 'it\\'s' +", "'it\\'s'", "String");
    row("comment in a script", "// the script's own comment", "// the script's own comment",
        "Comment");
    // Queries.
    row("keyword from", "from TempStream[temp > 30.5f", "from", "Keyword");
    row("operator >", "[temp > 30.5f", ">", "Operator");
    row("float with f suffix", "[temp > 30.5f", "30.5f", "Float");
    row("keyword and", "30.5f and roomNo", "and", "Keyword");
    row("operator !=", "roomNo != 0", "!=", "Operator");
    row("keyword not", "not (ok is null)", "not", "Keyword");
    row("keyword is", "not (ok is null)", "is", "Keyword");
    row("literal null", "not (ok is null)", "null", "Literal");
    row("window", "#window.time(1 hour", "#window.time", "Window");
    row("time unit hour", "(1 hour and 25 min)", "hour", "Time Unit");
    row("and in a time value", "(1 hour and 25 min)", "and", "Keyword");
    row("aggregate avg", "avg(temp)", "avg", "Aggregate");
    row("keyword as", "avg(temp) as avgTemp", "as", "Keyword");
    row("str: function", "str:upper(label)", "str:upper", "Function");
    row("keyword group", "group by roomNo", "group", "Keyword");
    row("keyword by", "group by roomNo", "by", "Keyword");
    row("operator >=", "avgTemp >= 1.5d", ">=", "Operator");
    row("double with d suffix", "avgTemp >= 1.5d", "1.5d", "Float");
    row("keyword desc", "order by avgTemp desc", "desc", "Keyword");
    row("keyword limit", "limit 10", "limit", "Keyword");
    row("window lengthBatch", "#window.lengthBatch(100)", "#window.lengthBatch", "Window");
    row("stream processor", "#log('batch')", "log", "Stream Processor");
    row("math: function", "math:round(temp)", "math:round", "Function");
    row("operator *", "math:round(temp) * 2", "*", "Operator");
    row("core function UUID", "UUID() as id", "UUID", "Function");
    row("core function ifThenElse", "ifThenElse(ok == true", "ifThenElse", "Function");
    row("operator ==", "ifThenElse(ok == true", "==", "Operator");
    row("literal true", "ifThenElse(ok == true", "true", "Literal");
    row("long with L suffix", "123L, 1e3", "123L", "Integer");
    row("double with exponent", "123L, 1e3", "1e3", "Float");
    row("min called is an aggregate", "min(temp) as lowest", "min", "Aggregate");
    row("literal false", "ok != false", "false", "Literal");
    row("time: function", "time:currentTimestamp()", "time:currentTimestamp", "Function");
    row("extension function", "geo:distance(ratio", "geo:distance", "Extension");
    row("double", "geo:distance(ratio, 1.0)", "1.0", "Float");
    row("user-defined function", "concatFn(label) as both", "concatFn", "Normal Text");
    row("keyword output", "output last every 5 sec", "output", "Keyword");
    row("keyword last", "output last every 5 sec", "last", "Keyword");
    row("time unit sec", "output last every 5 sec", "sec", "Time Unit");
    row("upper-case keyword", "INSERT INTO Shaped", "INSERT", "Keyword");
    row("upper-case keyword into", "INSERT INTO Shaped", "INTO", "Keyword");
    // Patterns, joins, partitions.
    row("keyword every", "from every e1=", "every", "Keyword");
    row("pattern arrow", "] -> e2=", "->", "Operator");
    row("keyword within", "within 10 sec", "within", "Keyword");
    row("keyword join", "as t join RoomTable", "join", "Keyword");
    row("keyword on", "as r on t.roomNo", "on", "Keyword");
    row("keyword partition", "partition with (roomNo", "partition", "Keyword");
    row("keyword with", "partition with (roomNo", "with", "Keyword");
    row("keyword of", "(roomNo of TempStream)", "of", "Keyword");
    row("keyword begin", "\nbegin\n", "begin", "Keyword");
    row("aggregate count", "count() as n", "count", "Aggregate");
    row("inner stream", "insert into #Counts;", "Counts", "Normal Text");
    row("aggregate max", "max(n) as most", "max", "Aggregate");
    row("keyword end", "\nend;", "end", "Keyword");
}

void tst_Highlighting::tokenFormats()
{
    QFETCH(QString, context);
    QFETCH(QString, token);
    QFETCH(QString, format);

    const qsizetype at = m_sample.indexOf(context);
    QVERIFY2(at >= 0, "the context is not in sample.siddhi");
    QVERIFY2(m_sample.indexOf(context, at + 1) < 0, "the context occurs more than once");
    const qsizetype inContext = context.indexOf(token);
    QVERIFY2(inContext >= 0 && context.indexOf(token, inContext + 1) < 0,
             "the token must occur once in the context");
    const qsizetype offset = at + inContext;
    const int line = int(QStringView(m_sample).first(offset).count(u'\n'));
    const qsizetype lineStart = offset > 0 ? m_sample.lastIndexOf(u'\n', offset - 1) + 1 : 0;
    const int column = int(offset - lineStart);
    QVERIFY2(!token.contains(u'\n'), "a token lies on one line");

    QStringList seen;
    for (const Region &region : std::as_const(m_trace[line].regions)) {
        if (region.end <= column || region.start >= column + token.size())
            continue;
        seen << region.format;
    }
    seen.removeDuplicates();
    QVERIFY2(seen == QStringList{format},
             qPrintable(QStringLiteral("line %1, column %2: '%3' is highlighted as [%4]")
                            .arg(line + 1)
                            .arg(column + 1)
                            .arg(token, seen.join(QStringLiteral(", ")))));
}

QTEST_APPLESS_MAIN(tst_Highlighting)

#include "tst_highlighting.moc"
