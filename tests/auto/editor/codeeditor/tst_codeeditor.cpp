#include "editor/codeeditor.h"
#include "editor/findbar.h"
#include "editor/siddhilexer.h"

#include <QCheckBox>
#include <QLineEdit>

#include <QSignalSpy>
#include <QTest>

using namespace Rivulet::Editor;
using Sci = QsciScintillaBase;

class tst_CodeEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void themeSwitchAtRunTime();
    void settingsAreValues();
    void findWithOptions_data();
    void findWithOptions();
    void replaceAll_data();
    void replaceAll();
    void replaceOneByOne();
    void findBar();
    void toggleComment();
    void goToLine();
    void multipleCursors();
    void zoom();
};

namespace {

// Scintilla keeps colours as 0xBBGGRR.
long bgr(const QColor &c)
{
    return long(c.red()) | (long(c.green()) << 8) | (long(c.blue()) << 16);
}

long styleFore(const CodeEditor &e, int style)
{
    return e.SendScintilla(Sci::SCI_STYLEGETFORE, long(style));
}

long styleBack(const CodeEditor &e, int style)
{
    return e.SendScintilla(Sci::SCI_STYLEGETBACK, long(style));
}

} // namespace

void tst_CodeEditor::themeSwitchAtRunTime()
{
    CodeEditor editor;
    auto *lexer = new SiddhiLexer(&editor);
    editor.setSyntaxLexer(lexer);
    editor.setText(QStringLiteral("define stream S (a int); -- note\n"));
    editor.ensureStyled();
    const int passes = lexer->passCount();
    const int keyword = int(SyntaxRole::Keyword);
    const int comment = int(SyntaxRole::Comment);
    QCOMPARE(editor.styleAt(0), keyword);

    const EditorTheme light = EditorTheme::light();
    const EditorTheme dark = EditorTheme::dark();
    QCOMPARE(styleFore(editor, keyword), bgr(light.format(SyntaxRole::Keyword).foreground));
    QCOMPARE(styleBack(editor, keyword), bgr(light.paper));

    QSignalSpy changed(&editor, &CodeEditor::themeChanged);
    editor.setTheme(dark);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(editor.theme().name, QStringLiteral("dark"));
    QCOMPARE(styleFore(editor, keyword), bgr(dark.format(SyntaxRole::Keyword).foreground));
    QCOMPARE(styleFore(editor, comment), bgr(dark.format(SyntaxRole::Comment).foreground));
    QCOMPARE(styleBack(editor, keyword), bgr(dark.paper));
    QCOMPARE(styleBack(editor, QsciScintillaBase::STYLE_DEFAULT), bgr(dark.paper));
    QCOMPARE(styleBack(editor, QsciScintillaBase::STYLE_LINENUMBER), bgr(dark.margin));
    QVERIFY(editor.SendScintilla(Sci::SCI_STYLEGETITALIC, long(comment)));
    QCOMPARE(editor.SendScintilla(Sci::SCI_INDICGETFORE, long(CodeEditor::ErrorIndicator)),
             bgr(dark.error));
    QCOMPARE(editor.SendScintilla(Sci::SCI_GETCARETLINEBACK), bgr(dark.caretLine));
    // Colours change without restyling the text.
    QCOMPARE(lexer->passCount(), passes);
    QCOMPARE(editor.styleAt(0), keyword);

    editor.setTheme(light);
    QCOMPARE(styleFore(editor, keyword), bgr(light.format(SyntaxRole::Keyword).foreground));
    QCOMPARE(styleBack(editor, QsciScintillaBase::STYLE_DEFAULT), bgr(light.paper));
}

void tst_CodeEditor::settingsAreValues()
{
    CodeEditor editor;
    editor.setText(QStringLiteral("a\nb\n"));
    EditorSettings settings = EditorSettings::defaults();
    settings.tabWidth = 2;
    settings.indentationGuides = false;
    settings.lineNumbers = false;
    settings.wrapLines = true;
    editor.setSettings(settings);
    QCOMPARE(editor.tabWidth(), 2);
    QVERIFY(!editor.indentationGuides());
    QCOMPARE(editor.marginWidth(CodeEditor::LineNumberMargin), 0);
    QCOMPARE(editor.wrapMode(), QsciScintilla::WrapWord);
    settings.lineNumbers = true;
    settings.folding = false;
    editor.setSettings(settings);
    QVERIFY(editor.marginWidth(CodeEditor::LineNumberMargin) > 0);
    QCOMPARE(editor.folding(), QsciScintilla::NoFoldStyle);
}

void tst_CodeEditor::findWithOptions_data()
{
    QTest::addColumn<QString>("needle");
    QTest::addColumn<int>("flags");
    QTest::addColumn<int>("start"); // -1: not found
    QTest::addColumn<int>("end");

    QTest::newRow("plain, any case")
        << QStringLiteral("price") << int(CodeEditor::NoFindFlags) << 7 << 12;
    QTest::newRow("whole word") << QStringLiteral("price") << int(CodeEditor::WholeWord) << 15
                                << 20;
    QTest::newRow("whole word, case")
        << QStringLiteral("price") << int(CodeEditor::WholeWord | CodeEditor::CaseSensitive) << 22
        << 27;
    QTest::newRow("case") << QStringLiteral("PRICE") << int(CodeEditor::CaseSensitive) << -1 << -1;
    QTest::newRow("regex") << QStringLiteral("P[a-z]+e\\b") << int(CodeEditor::RegularExpression)
                           << 15 << 20;
    QTest::newRow("regex, any case")
        << QStringLiteral("p[a-z]+es") << int(CodeEditor::RegularExpression) << 7 << 13;
    QTest::newRow("backward wraps")
        << QStringLiteral("from") << int(CodeEditor::Backward) << 28 << 32;
}

void tst_CodeEditor::findWithOptions()
{
    QFETCH(QString, needle);
    QFETCH(int, flags);
    QFETCH(int, start);
    QFETCH(int, end);
    CodeEditor editor;
    editor.setText(QStringLiteral("select prices, Price, price from S"));
    editor.setPosition(0);
    const bool found = editor.find(needle, CodeEditor::FindFlags(flags));
    QCOMPARE(found, start >= 0);
    if (!found)
        return;
    QCOMPARE(int(editor.SendScintilla(Sci::SCI_GETSELECTIONSTART)), start);
    QCOMPARE(int(editor.SendScintilla(Sci::SCI_GETSELECTIONEND)), end);
}

void tst_CodeEditor::replaceAll_data()
{
    QTest::addColumn<QString>("needle");
    QTest::addColumn<QString>("replacement");
    QTest::addColumn<int>("flags");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("result");

    QTest::newRow("whole word") << QStringLiteral("price") << QStringLiteral("cost")
                                << int(CodeEditor::WholeWord) << 2
                                << QStringLiteral("cost prices cost");
    QTest::newRow("case sensitive")
        << QStringLiteral("price") << QStringLiteral("cost") << int(CodeEditor::CaseSensitive) << 2
        << QStringLiteral("cost costs Price");
    QTest::newRow("regex with groups")
        << QStringLiteral("(p)rice(s?)") << QStringLiteral("\\1ay\\2")
        << int(CodeEditor::RegularExpression | CodeEditor::CaseSensitive) << 2
        << QStringLiteral("pay pays Price");
    QTest::newRow("empty matches end")
        << QStringLiteral("x*") << QStringLiteral("-") << int(CodeEditor::RegularExpression) << 19
        << QStringLiteral("-p-r-i-c-e- -p-r-i-c-e-s- -P-r-i-c-e-");
}

void tst_CodeEditor::replaceAll()
{
    QFETCH(QString, needle);
    QFETCH(QString, replacement);
    QFETCH(int, flags);
    QFETCH(int, count);
    QFETCH(QString, result);
    CodeEditor editor;
    editor.setText(QStringLiteral("price prices Price"));
    QCOMPARE(editor.replaceAll(needle, replacement, CodeEditor::FindFlags(flags)), count);
    QCOMPARE(editor.text(), result);
    editor.undo(); // one step
    QCOMPARE(editor.text(), QStringLiteral("price prices Price"));
}

void tst_CodeEditor::replaceOneByOne()
{
    CodeEditor editor;
    editor.setText(QStringLiteral("a1 b2 a3"));
    editor.setPosition(0);
    const auto flags = CodeEditor::FindFlags(CodeEditor::RegularExpression);
    QVERIFY(editor.find(QStringLiteral("a([0-9])"), flags));
    QVERIFY(editor.replace(QStringLiteral("a([0-9])"), QStringLiteral("x\\1"), flags));
    QCOMPARE(editor.text(), QStringLiteral("x1 b2 a3"));
    QCOMPARE(editor.selectedText(), QStringLiteral("a3")); // the next match
    QVERIFY(editor.replace(QStringLiteral("a([0-9])"), QStringLiteral("x\\1"), flags));
    QCOMPARE(editor.text(), QStringLiteral("x1 b2 x3"));
    QCOMPARE(editor.highlightMatches(QStringLiteral("x"), CodeEditor::NoFindFlags), 2);
}

void tst_CodeEditor::findBar()
{
    CodeEditor editor;
    editor.setText(QStringLiteral("price prices Price"));
    editor.setPosition(0);
    FindBar bar(&editor);
    bar.showReplace();
    QVERIFY(bar.isVisible());
    bar.findEdit()->setText(QStringLiteral("price"));
    bar.wordBox()->setChecked(true);
    bar.caseBox()->setChecked(true);
    bar.findNext();
    QCOMPARE(int(editor.SendScintilla(Sci::SCI_GETSELECTIONSTART)), 0);
    QCOMPARE(editor.selectedText(), QStringLiteral("price"));
    bar.replaceEdit()->setText(QStringLiteral("cost"));
    bar.caseBox()->setChecked(false);
    bar.replaceAll();
    QCOMPARE(editor.text(), QStringLiteral("cost prices cost"));
    bar.regexBox()->setChecked(true);
    bar.findEdit()->setText(QStringLiteral("pr(i)ces"));
    bar.replaceEdit()->setText(QStringLiteral("d\\1ces"));
    bar.replaceAll();
    QCOMPARE(editor.text(), QStringLiteral("cost dices cost"));
    bar.close();
    QVERIFY(!bar.isVisible());
}

void tst_CodeEditor::toggleComment()
{
    CodeEditor editor;
    editor.setText(QStringLiteral("from S\n    select a\n\n  insert into T;\n"));
    editor.setSelection(0, 2, 3, 5);
    editor.toggleComment();
    QCOMPARE(editor.text(), QStringLiteral("-- from S\n--     select a\n\n--   insert into T;\n"));
    editor.setSelection(0, 0, 3, 3);
    editor.toggleComment();
    QCOMPARE(editor.text(), QStringLiteral("from S\n    select a\n\n  insert into T;\n"));
    // The keyboard: Ctrl+/ on the current line, indentation kept.
    editor.setCursorPosition(1, 6);
    QTest::keyClick(&editor, Qt::Key_Slash, Qt::ControlModifier);
    QCOMPARE(editor.text(1), QStringLiteral("    -- select a\n"));
    editor.undo();
    QCOMPARE(editor.text(1), QStringLiteral("    select a\n"));
}

void tst_CodeEditor::goToLine()
{
    CodeEditor editor;
    editor.setText(QStringLiteral("one\ntwo\nthree\n"));
    QVERIFY(editor.goToLine(3));
    int line = -1, index = -1;
    editor.getCursorPosition(&line, &index);
    QCOMPARE(line, 2);
    QCOMPARE(index, 0);
    QVERIFY(!editor.goToLine(0));
    QVERIFY(!editor.goToLine(99));
}

void tst_CodeEditor::multipleCursors()
{
    CodeEditor editor;
    editor.resize(600, 400);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.setText(QStringLiteral("abc\nabd\nabe\n"));
    editor.setCursorPosition(0, 2);
    editor.addCursorBelow();
    editor.addCursorBelow();
    QCOMPARE(editor.cursorCount(), 3);
    QTest::keyClicks(&editor, QStringLiteral("X"));
    QCOMPARE(editor.text(), QStringLiteral("abXc\nabXd\nabXe\n"));
    QTest::keyClick(&editor, Qt::Key_Escape);
    QCOMPARE(editor.cursorCount(), 1);

    // Ctrl+D: the word, then its next occurrences.
    editor.setText(QStringLiteral("speed + speed + speedy"));
    editor.setPosition(1);
    QTest::keyClick(&editor, Qt::Key_D, Qt::ControlModifier);
    QCOMPARE(editor.cursorCount(), 1);
    QCOMPARE(editor.selectedText(), QStringLiteral("speed"));
    QTest::keyClick(&editor, Qt::Key_D, Qt::ControlModifier);
    QCOMPARE(editor.cursorCount(), 2);
    QTest::keyClicks(&editor, QStringLiteral("v"));
    QCOMPARE(editor.text(), QStringLiteral("v + v + speedy"));
}

void tst_CodeEditor::zoom()
{
    CodeEditor editor;
    editor.setText(QStringLiteral("x\n"));
    const int width = editor.marginWidth(CodeEditor::LineNumberMargin);
    QTest::keyClick(&editor, Qt::Key_Equal, Qt::ControlModifier);
    QTest::keyClick(&editor, Qt::Key_Equal, Qt::ControlModifier);
    QCOMPARE(editor.SendScintilla(Sci::SCI_GETZOOM), 2L);
    QVERIFY(editor.marginWidth(CodeEditor::LineNumberMargin) > width);
    QTest::keyClick(&editor, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(editor.SendScintilla(Sci::SCI_GETZOOM), 0L);
    QCOMPARE(editor.marginWidth(CodeEditor::LineNumberMargin), width);
}

QTEST_MAIN(tst_CodeEditor)
#include "tst_codeeditor.moc"
