// bench_editor: how long the SiddhiQL editor takes to style a 10,000-line app in full, and to
// restyle it after one keystroke in the middle. Run it under Xvfb or offscreen (it picks
// offscreen when there is no display):
//
//   build/bench/bench_editor [--lines N] [--keystrokes N]

#include "editor/codeeditor.h"
#include "editor/completion.h"
#include "editor/nameindex.h"
#include "editor/siddhilexer.h"

#include "engine/lang/frontend.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Rivulet;
using Sci = QsciScintillaBase;

namespace {

// A realistic app: sources and sinks, tables, filters, windows, joins, patterns, partitions,
// comments and """ payloads, each block with names of its own.
QByteArray makeApp(int targetLines)
{
    QByteArray text =
        "@App:name('Bench')\n@App:description('A large app for the editor benchmark')\n\n";
    for (int i = 0; text.count('\n') < targetLines; ++i) {
        const QByteArray n = QByteArray::number(i);
        text += "/* Block " + n
                + ": train sensors, their positions and speeds.\n"
                  "   Each block defines its own streams. */\n"
                  "@source(type='websocket-server', host='0.0.0.0', port='"
                + QByteArray::number(9000 + i % 1000)
                + "',\n"
                  "        @map(type='json'))\n"
                  "define stream Sensor"
                + n
                + " (trainId string, latitude double, longitude double,\n"
                  "                            speed double, ts long);\n"
                  "@sink(type='log', @map(type='text', @payload(\"\"\"train {{trainId}}\n"
                  "    at {{latitude}}, {{longitude}}\"\"\")))\n"
                  "define stream Position"
                + n
                + " (trainId string, latitude double, longitude double);\n"
                  "define table Seen"
                + n
                + " (trainId string, ts long);\n"
                  "\n"
                  "-- Keep readings inside the network.\n"
                  "@info(name='Valid"
                + n
                + "')\n"
                  "from Sensor"
                + n
                + "[latitude >= -90.0 and latitude <= 90.0 and speed >= 0]\n"
                  "select str:upper(trainId) as trainId, latitude, longitude\n"
                  "insert into Position"
                + n
                + ";\n"
                  "\n"
                  "from Sensor"
                + n
                + "#window.time(1 min)\n"
                  "select trainId, avg(speed) as avgSpeed, count() as readings\n"
                  "group by trainId having avgSpeed > 10.0\n"
                  "insert into Speed"
                + n
                + ";\n"
                  "\n"
                  "from every e1=Sensor"
                + n + " -> e2=Sensor" + n
                + "[e2.speed > e1.speed * 2] within 5 sec\n"
                  "select e1.trainId, e2.speed as burst\n"
                  "insert into Burst"
                + n
                + ";\n"
                  "\n"
                  "partition with (trainId of Sensor"
                + n
                + ")\n"
                  "begin\n"
                  "    from Sensor"
                + n
                + "\n"
                  "    select trainId, max(ts) as ts\n"
                  "    insert into Seen"
                + n
                + ";\n"
                  "end;\n\n";
    }
    return text;
}

struct Stats
{
    double min = 0, median = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    Stats s;
    s.min = v.front();
    s.median = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, size_t(double(v.size()) * 0.95))];
    s.max = v.back();
    return s;
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("lines"), QStringLiteral("Lines of the app."),
                      QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("keystrokes"), QStringLiteral("Keystrokes to time."),
                      QStringLiteral("N"), QStringLiteral("300")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Full stylings to time."),
                      QStringLiteral("N"), QStringLiteral("9")});
    parser.process(app);
    const int targetLines = parser.value(QStringLiteral("lines")).toInt();
    const int keystrokes = parser.value(QStringLiteral("keystrokes")).toInt();
    const int runs = parser.value(QStringLiteral("runs")).toInt();

    const QByteArray text = makeApp(targetLines);
    QElapsedTimer timer;
    timer.start();
    const Lang::CompiledApp compiled = Lang::compileApp(text);
    const double frontEnd = ms(timer);
    auto names = std::make_shared<Editor::NameIndex>(Editor::NameIndex::fromCompiled(compiled));

    Editor::CodeEditor editor;
    auto *lexer = new Editor::SiddhiLexer(&editor);
    editor.setSyntaxLexer(lexer);
    lexer->setNames(names);
    editor.resize(1000, 800);
    editor.setText(QString::fromUtf8(text));
    const int lines = editor.lines();

    // 1. Style the whole app: the first time after loading it, then forced again.
    std::vector<double> full;
    for (int run = 0; run < runs; ++run) {
        if (run > 0)
            lexer->invalidate();
        timer.start();
        editor.ensureStyled();
        full.push_back(ms(timer));
        if (lexer->lastPass().endPosition != editor.length()) {
            std::fprintf(stderr, "bench_editor: the full styling stopped early\n");
            return 1;
        }
    }

    // 2. One keystroke in the middle: a letter typed two characters into a line, styled up to
    //    the end of a 50-line screen (what Scintilla asks for when it paints) and up to the end
    //    of the document. Timed: the restyle alone, and with Scintilla's insertion. A letter typed
    //    into 'begin' or 'end' changes the partition depth of every line after it, so those
    //    keystrokes restyle up to the end asked for: they are the maximum.
    struct Keystrokes
    {
        Stats restyle;   // the lexer's pass alone
        Stats keystroke; // Scintilla's insertion (with QScintilla's notifications) + the pass
        int maxLines = 0;
    };
    const auto keystrokeRuns = [&](bool toDocumentEnd) {
        std::vector<double> restyle, keystroke;
        Keystrokes out;
        const int middle = lines / 2;
        QElapsedTimer insertTimer;
        for (int k = 0; k < keystrokes; ++k) {
            const int line = middle + k % 40;
            const int start = int(editor.SendScintilla(Sci::SCI_GETLINEINDENTPOSITION, long(line)));
            const int end = int(editor.SendScintilla(Sci::SCI_GETLINEENDPOSITION, long(line)));
            const int pos = qMin(start + 2, end);
            const int upTo = toDocumentEnd ? -1 : editor.lineStart(qMin(lines - 1, line + 50));
            insertTimer.start();
            editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(pos), "x");
            timer.start();
            editor.ensureStyled(upTo);
            restyle.push_back(ms(timer));
            keystroke.push_back(ms(insertTimer));
            out.maxLines =
                qMax(out.maxLines, lexer->lastPass().lastLine - lexer->lastPass().firstLine + 1);
            editor.SendScintilla(Sci::SCI_DELETERANGE, static_cast<unsigned long>(pos), 1L);
            editor.ensureStyled(upTo);
        }
        out.restyle = stats(restyle);
        out.keystroke = stats(keystroke);
        return out;
    };
    const Keystrokes screen = keystrokeRuns(false);
    const Keystrokes document = keystrokeRuns(true);

    // 3. Completion in the middle of the app (on the UI thread, once per request).
    Editor::CompletionEngine completion;
    completion.setNames(names);
    //    The editor reads from the start of the statement at the cursor (the lexer's line
    //    states say where it is); reading the whole app is shown for comparison.
    const int cursor = int(text.indexOf("select trainId, avg(speed)", text.size() / 2)) + 16;
    std::vector<double> completionTimes, wholeTimes;
    int items = 0;
    for (int k = 0; k < 20; ++k) {
        timer.start();
        const auto at = lexer->statementStart(cursor);
        const QByteArray current = editor.utf8Text();
        items =
            int(completion.complete(current, cursor, {at.offset, at.line + 1, at.partitionDepth})
                    .items.size());
        completionTimes.push_back(ms(timer));
        timer.start();
        completion.complete(current, cursor);
        wholeTimes.push_back(ms(timer));
    }
    const Stats c = stats(completionTimes);
    const Stats whole = stats(wholeTimes);

    // 4. For scale: opening a comment in the middle (everything after it changes colour).
    const int mid = editor.lineStart(lines / 2);
    editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(mid), "\"\"\"");
    timer.start();
    editor.ensureStyled();
    const double openString = ms(timer);
    const int openStringLines = lexer->lastPass().lastLine - lexer->lastPass().firstLine + 1;

    const double first = full.front(); // every line's state and fold level set anew
    full.erase(full.begin());
    const Stats f = stats(full);
    std::printf("app: %d lines, %lld bytes, %d diagnostics from the front end\n", lines,
                qint64(text.size()), int(compiled.diagnostics.size()));
    std::printf("front end (lex, parse, analyse; off the UI thread in the editor): %.1f ms\n",
                frontEnd);
    std::printf("full styling, first after loading: %.1f ms\n", first);
    std::printf("full styling, again: min %.1f ms, median %.1f ms, max %.1f ms (%d runs)\n", f.min,
                f.median, f.max, runs - 1);
    const auto report = [&](const char *what, const Keystrokes &k) {
        std::printf("keystroke in the middle, restyle to the end of the %s: median %.3f ms, "
                    "p95 %.3f ms, max %.3f ms (%d keystrokes, at most %d line(s) restyled)\n",
                    what, k.restyle.median, k.restyle.p95, k.restyle.max, keystrokes, k.maxLines);
        std::printf("  with the insertion itself: median %.3f ms, p95 %.3f ms, max %.3f ms\n",
                    k.keystroke.median, k.keystroke.p95, k.keystroke.max);
    };
    report("screen", screen);
    report("document", document);
    std::printf("completion in a select in the middle: median %.3f ms, max %.3f ms (%d items); "
                "reading the whole app instead: median %.1f ms\n",
                c.median, c.max, items, whole.median);
    std::printf("opening a \"\"\" string in the middle (restyles the %d lines after it): %.1f ms\n",
                openStringLines, openString);
    return 0;
}
