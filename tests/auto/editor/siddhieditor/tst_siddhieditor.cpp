#include "editor/siddhieditor.h"
#include "editor/siddhilexer.h"
#include "trainsample.h"

#include <QSignalSpy>
#include <QTest>

using namespace Rivulet::Editor;
using Rivulet::Lang::Diagnostic;
using Sci = QsciScintillaBase;

class tst_SiddhiEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void diagnosticsAfterAnEdit();
    void diagnosticsAreDebounced();
    void emptyRangeStillShows();
    void goToDefinition_data();
    void goToDefinition();
    void goToDefinitionKeys();
    void completionUsesTheAnalysis();
    void completionReadsFromTheStatementStart();
    void typingShowsCompletionAndCallTip();
    void hoverShowsDocs();
};

namespace {

constexpr int kTimeout = 10000;

// Sets the text and waits for the analysis of it.
bool load(SiddhiEditor &editor, const QByteArray &text)
{
    QSignalSpy spy(&editor, &SiddhiEditor::diagnosticsChanged);
    editor.setText(QString::fromUtf8(text));
    return spy.wait(kTimeout);
}

void replaceRange(SiddhiEditor &editor, int start, int end, const char *with)
{
    editor.SendScintilla(Sci::SCI_SETTARGETRANGE, static_cast<unsigned long>(start), long(end));
    editor.SendScintilla(Sci::SCI_REPLACETARGET, static_cast<unsigned long>(-1), with);
}

} // namespace

void tst_SiddhiEditor::diagnosticsAfterAnEdit()
{
    SiddhiEditor editor;
    editor.resize(800, 600);
    const QByteArray text = trainSample();
    QVERIFY(load(editor, text));
    QVERIFY(editor.diagnostics().isEmpty());
    QCOMPARE(editor.markersAtLine(0), 0u);

    // Misspell the stream of the first query.
    const int at = int(text.indexOf("from TrainSensorStream[")) + 5;
    QSignalSpy spy(&editor, &SiddhiEditor::diagnosticsChanged);
    replaceRange(editor, at, at + 17, "TrainSensorStrem");
    QVERIFY(editor.isAnalysisPending());
    QVERIFY(spy.wait(kTimeout));
    const QList<Diagnostic> diagnostics = spy.takeFirst().at(0).value<QList<Diagnostic>>();
    QCOMPARE(diagnostics.size(), editor.diagnostics().size());
    QVERIFY(!diagnostics.isEmpty());
    const Diagnostic &d = diagnostics.first();
    QVERIFY(d.isError());
    QVERIFY2(d.message.contains(QStringLiteral("TrainSensorStrem")), qPrintable(d.message));
    QCOMPARE(d.range.start, at);
    QCOMPARE(d.range.end, at + 16);
    const int line = editor.lineOf(at);
    QCOMPARE(d.range.line, line + 1);

    // A squiggle on exactly that range, a marker on that line, the message on hover.
    const auto squiggled = [&](int pos) {
        return (editor.SendScintilla(Sci::SCI_INDICATORALLONFOR, long(pos))
                & (1 << CodeEditor::ErrorIndicator))
               != 0;
    };
    QVERIFY(!squiggled(at - 1));
    QVERIFY(squiggled(at));
    QVERIFY(squiggled(at + 15));
    QVERIFY(!squiggled(at + 16));
    QVERIFY(editor.markersAtLine(line) & (1u << CodeEditor::ErrorMarker));
    QVERIFY(!(editor.markersAtLine(line + 1) & (1u << CodeEditor::ErrorMarker)));
    QCOMPARE(editor.diagnosticsAt(at + 3).size(), 1);
    QVERIFY(editor.toolTipAt(at + 3).contains(QStringLiteral("TrainSensorStrem")));
    QCOMPARE(editor.diagnosticsOnLine(line).size(), 1);

    // Squiggles move with the text typed before them.
    editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(at - 5), "\n");
    QVERIFY(squiggled(at + 1));
    QCOMPARE(editor.diagnosticsAt(at + 4).size(), 1);

    // Fixing it clears squiggles and markers.
    QVERIFY(spy.wait(kTimeout));
    spy.clear();
    editor.undo();
    editor.undo();
    QVERIFY(spy.wait(kTimeout));
    QVERIFY(editor.diagnostics().isEmpty());
    QVERIFY(!squiggled(at));
    QCOMPARE(editor.markersAtLine(line), 0u);
}

void tst_SiddhiEditor::diagnosticsAreDebounced()
{
    SiddhiEditor editor;
    QVERIFY(load(editor, "define stream S (a int);\n"));
    QSignalSpy analyzed(&editor, &SiddhiEditor::analyzed);
    // A burst of keystrokes gives one analysis, of the final text.
    for (const char *piece : {"from ", "S ", "select ", "b ", "insert ", "into ", "T;"})
        editor.SendScintilla(Sci::SCI_APPENDTEXT, static_cast<unsigned long>(qstrlen(piece)),
                             piece);
    QVERIFY(editor.isAnalysisPending());
    QVERIFY(analyzed.wait(kTimeout));
    QCOMPARE(analyzed.size(), 1);
    QVERIFY(!editor.isAnalysisPending());
    QCOMPARE(editor.analysis()->compiled.source, editor.utf8Text());
    QCOMPARE(editor.diagnostics().size(), 2); // no @App:name; no attribute b
    QVERIFY(editor.diagnostics().at(1).message.contains(u'b'));
}

void tst_SiddhiEditor::emptyRangeStillShows()
{
    // "the app has no @App:name" points at the start of the file with an empty range: the
    // editor still underlines something there.
    SiddhiEditor editor;
    QVERIFY(load(editor, "define stream S (a int);\n"));
    QCOMPARE(editor.diagnostics().size(), 1);
    QCOMPARE(editor.diagnostics().first().range.start, editor.diagnostics().first().range.end);
    QVERIFY(editor.SendScintilla(Sci::SCI_INDICATORALLONFOR, 0L)
            & (1 << CodeEditor::WarningIndicator));
    QVERIFY(editor.markersAtLine(0) & (1u << CodeEditor::WarningMarker));
}

void tst_SiddhiEditor::goToDefinition_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("from");   // the name to click ('|' marks where)
    QTest::addColumn<QByteArray>("target"); // where it goes ('|' marks the definition)

    const QByteArray app = trainSample();
    QTest::newRow("stream") << app << QByteArray("from Train|LocationStream#window")
                            << QByteArray("define stream |TrainLocationStream");
    QTest::newRow("table") << app << QByteArray("insert into LastSeen|Table")
                           << QByteArray("define table |LastSeenTable");
    QTest::newRow("inferred stream")
        << QByteArray(app + "from TrainSpeedStream select trainId insert into Slow;\n")
        << QByteArray("from TrainSpeed|Stream select") << QByteArray("into |TrainSpeedStream;");
    QTest::newRow("alias") << QByteArray(
        "define stream A (x int);\ndefine stream B (y int);\n"
        "from A as p join B as q on p.x == q.y select p.x insert into C;\n")
                           << QByteArray("on |p.x") << QByteArray("as |p join");
    QTest::newRow("event reference")
        << QByteArray("define stream A (x int);\nfrom every e1=A -> e2=A[e2.x > e1.x] select "
                      "e1.x insert into C;\n")
        << QByteArray("select e|1.x") << QByteArray("every |e1=A");
    QTest::newRow("function") << QByteArray(
        "define function twice[javascript] return int { return data[0] * 2; };\n"
        "define stream A (x int);\nfrom A select twice(x) as y insert into B;\n")
                              << QByteArray("select twi|ce(x)") << QByteArray("function |twice[");
    QTest::newRow("not a name") << app << QByteArray("avg|(speed)") << QByteArray();
}

void tst_SiddhiEditor::goToDefinition()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, target);
    SiddhiEditor editor;
    editor.setText(QString::fromUtf8(text));
    const auto locate = [&](const QByteArray &marked) {
        const int bar = int(marked.indexOf('|'));
        QByteArray needle = marked;
        needle.remove(bar, 1);
        const qsizetype at = text.indexOf(needle);
        return at < 0 ? -1 : int(at) + bar;
    };
    const int click = locate(from);
    QVERIFY(click >= 0);
    editor.setPosition(0);
    if (target.isEmpty()) {
        QVERIFY(!editor.goToDefinition(click));
        QCOMPARE(editor.position(), 0);
        return;
    }
    const int definition = locate(target);
    QVERIFY(definition >= 0);
    QVERIFY(editor.goToDefinition(click));
    QCOMPARE(editor.position(), definition);
    QCOMPARE(int(editor.SendScintilla(Sci::SCI_GETSELECTIONSTART)), definition);
}

void tst_SiddhiEditor::goToDefinitionKeys()
{
    SiddhiEditor editor;
    editor.resize(800, 600);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    const QByteArray text = trainSample();
    editor.setText(QString::fromUtf8(text));
    const int use = int(text.indexOf("insert into LastSeenTable")) + 14;
    const int definition = int(text.indexOf("define table LastSeenTable")) + 13;

    // F12 on the name under the cursor.
    editor.setPosition(use);
    QTest::keyClick(&editor, Qt::Key_F12);
    QCOMPARE(editor.position(), definition);

    // Ctrl+click on it.
    editor.setPosition(0);
    editor.ensureLineVisible(editor.lineOf(use));
    const int x = int(editor.SendScintilla(Sci::SCI_POINTXFROMPOSITION, 0UL, long(use)));
    const int y = int(editor.SendScintilla(Sci::SCI_POINTYFROMPOSITION, 0UL, long(use)));
    QTest::mouseClick(editor.viewport(), Qt::LeftButton, Qt::ControlModifier, QPoint(x + 2, y + 4));
    QCOMPARE(editor.position(), definition);
    QCOMPARE(editor.cursorCount(), 1);
}

void tst_SiddhiEditor::completionUsesTheAnalysis()
{
    SiddhiEditor editor;
    const QByteArray text = trainSample() + "from TrainSpeedStream select ";
    QVERIFY(load(editor, text));
    // avgSpeed is only known from the analysis of the query that makes TrainSpeedStream.
    const CompletionResult result = editor.completionsAt(int(text.size()));
    QVERIFY2(result.contains(QStringLiteral("avgSpeed")), qPrintable(result.texts().join(u' ')));
    QVERIFY(result.contains(QStringLiteral("readings")));
    QVERIFY(!result.contains(QStringLiteral("latitude")));
}

void tst_SiddhiEditor::completionReadsFromTheStatementStart()
{
    // The editor reads from where the lexer says the statement at the cursor starts; that gives
    // what reading from the top gives, everywhere in the sample.
    SiddhiEditor editor;
    const QByteArray text = trainSample();
    QVERIFY(load(editor, text));
    CompletionEngine fromTop;
    fromTop.setNames(
        std::shared_ptr<const NameIndex>(editor.analysis(), &editor.analysis()->names));
    for (int pos = 0; pos <= int(text.size()); pos += 3) {
        const CompletionResult a = editor.completionsAt(pos);
        const CompletionResult b = fromTop.complete(text, pos);
        QVERIFY2(a.context == b.context && a.texts() == b.texts()
                     && a.replaceStart == b.replaceStart,
                 qPrintable(QStringLiteral("at %1: %2 / %3").arg(pos).arg(a.context, b.context)));
        const CallTip ta = editor.callTipAt(pos);
        const CallTip tb = fromTop.callTip(text, pos);
        QCOMPARE(ta.valid, tb.valid);
        QCOMPARE(ta.text, tb.text);
    }
}

void tst_SiddhiEditor::typingShowsCompletionAndCallTip()
{
    SiddhiEditor editor;
    editor.resize(800, 600);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QVERIFY(load(editor, "define stream Trains (id string, speed double);\n"));
    editor.setPosition(editor.length());
    QTest::keyClicks(&editor, QStringLiteral("from Tr"));
    QVERIFY(editor.SendScintilla(Sci::SCI_AUTOCACTIVE));
    QTest::keyClick(&editor, Qt::Key_Return); // picks Trains
    QVERIFY(editor.utf8Text().endsWith("from Trains"));
    QTest::keyClicks(&editor, QStringLiteral("#window."));
    QVERIFY(editor.SendScintilla(Sci::SCI_AUTOCACTIVE));
    QTest::keyClick(&editor, Qt::Key_Escape);
    QTest::keyClicks(&editor, QStringLiteral("length("));
    QVERIFY(editor.SendScintilla(Sci::SCI_CALLTIPACTIVE));
    QTest::keyClicks(&editor, QStringLiteral("5)"));
    QVERIFY(!editor.SendScintilla(Sci::SCI_CALLTIPACTIVE));
    // Ctrl+Space lists the attributes in a select.
    QTest::keyClicks(&editor, QStringLiteral(" select "));
    editor.SendScintilla(Sci::SCI_AUTOCCANCEL);
    QTest::keyClick(&editor, Qt::Key_Space, Qt::ControlModifier);
    QVERIFY(editor.SendScintilla(Sci::SCI_AUTOCACTIVE));
    QTest::keyClick(&editor, Qt::Key_Escape);
}

void tst_SiddhiEditor::hoverShowsDocs()
{
    SiddhiEditor editor;
    const QByteArray text = trainSample();
    QVERIFY(load(editor, text));
    editor.ensureStyled();
    QVERIFY(
        editor.toolTipAt(int(text.indexOf("avg(speed)")) + 1).contains(QStringLiteral("average")));
    QVERIFY(editor.toolTipAt(int(text.indexOf("time(1 min)")) + 1)
                .contains(QStringLiteral("window.time")));
    const QString stream = editor.toolTipAt(int(text.indexOf("from TrainLocationStream#")) + 7);
    QVERIFY2(stream.contains(QStringLiteral("trainId string")), qPrintable(stream));
    QVERIFY(editor.toolTipAt(int(text.indexOf("partition with")) + 2)
                .contains(QStringLiteral("partition")));
}

QTEST_MAIN(tst_SiddhiEditor)
#include "tst_siddhieditor.moc"
