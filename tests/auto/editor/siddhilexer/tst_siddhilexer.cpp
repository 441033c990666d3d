#include "editor/codeeditor.h"
#include "editor/nameindex.h"
#include "editor/siddhilexer.h"
#include "trainsample.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Rivulet::Editor;
using Sci = QsciScintillaBase;

Q_DECLARE_METATYPE(Rivulet::Editor::SyntaxRole)

class tst_SiddhiLexer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stylesOfSample_data();
    void stylesOfSample();
    void multiLineTokens();
    void functionsAndWindowsFromTheRegistry();
    void foldingPoints();
    void incrementalRestyleRange();
    void incrementalMatchesFullStyling();
    void newNamesRestyle();
};

namespace {

constexpr int kFoldBase = 0x400;
constexpr int kFoldHeader = 0x2000;
constexpr int kFoldNumberMask = 0x0fff;

// An editor with the lexer, the text styled in full and the names the tokens define.
struct Styled
{
    CodeEditor editor;
    SiddhiLexer *lexer = new SiddhiLexer(&editor);

    explicit Styled(const QByteArray &text, bool names = true)
    {
        editor.setSyntaxLexer(lexer);
        if (names)
            lexer->setNames(std::make_shared<NameIndex>(NameIndex::fromTokens(text)));
        editor.setText(QString::fromUtf8(text));
        editor.ensureStyled();
    }
    SyntaxRole roleAt(int position) const { return SyntaxRole(editor.styleAt(position)); }
    int foldLevel(int line) const
    {
        return int(editor.SendScintilla(Sci::SCI_GETFOLDLEVEL, long(line)));
    }
    QByteArray styles() const
    {
        QByteArray out;
        for (int i = 0; i < editor.length(); ++i)
            out += char(editor.styleAt(i));
        return out;
    }
    QList<int> lineStates() const
    {
        QList<int> out;
        for (int line = 0; line < editor.lines(); ++line)
            out << int(editor.SendScintilla(Sci::SCI_GETLINESTATE, long(line)));
        return out;
    }
    QList<int> foldLevels() const
    {
        QList<int> out;
        for (int line = 0; line < editor.lines(); ++line)
            out << foldLevel(line);
        return out;
    }
};

int lineOfText(const QByteArray &text, const char *needle)
{
    const qsizetype at = text.indexOf(needle);
    if (at < 0)
        qFatal("'%s' is not in the text", needle);
    return int(text.left(at).count('\n'));
}

} // namespace

void tst_SiddhiLexer::stylesOfSample_data()
{
    QTest::addColumn<QByteArray>("needle");
    QTest::addColumn<int>("offset");
    QTest::addColumn<SyntaxRole>("role");

    using R = SyntaxRole;
    QTest::newRow("annotation @") << QByteArray("@App:name") << 0 << R::Annotation;
    QTest::newRow("app annotation name") << QByteArray("@App:name") << 5 << R::Annotation;
    QTest::newRow("annotation string") << QByteArray("'TrainLocation'") << 3 << R::String;
    QTest::newRow("block comment, first line") << QByteArray("/* Train") << 4 << R::Comment;
    QTest::newRow("block comment, continued line")
        << QByteArray("the app keeps") << 4 << R::Comment;
    QTest::newRow("source annotation") << QByteArray("@source(") << 2 << R::Annotation;
    QTest::newRow("annotation key") << QByteArray("host='0.0.0.0', port='8026'") << 1 << R::Default;
    QTest::newRow("nested annotation")
        << QByteArray("@map(type='json'))\ndefine stream TrainSensorStream") << 2 << R::Annotation;
    QTest::newRow("define keyword")
        << QByteArray("define stream TrainSensorStream") << 0 << R::Keyword;
    QTest::newRow("stream keyword")
        << QByteArray("define stream TrainSensorStream") << 8 << R::Keyword;
    QTest::newRow("defined stream")
        << QByteArray("define stream TrainSensorStream") << 15 << R::Stream;
    QTest::newRow("defined table") << QByteArray("LastSeenTable (") << 2 << R::Stream;
    QTest::newRow("attribute type") << QByteArray("trainId string, latitude") << 9 << R::Type;
    QTest::newRow("attribute in definition")
        << QByteArray("trainId string, latitude") << 17 << R::Attribute;
    QTest::newRow("line comment") << QByteArray("-- Drop readings") << 6 << R::Comment;
    QTest::newRow("source after from") << QByteArray("from TrainSensorStream[") << 7 << R::Stream;
    QTest::newRow("attribute in filter") << QByteArray("[latitude >= -90.0") << 2 << R::Attribute;
    QTest::newRow("operator") << QByteArray("latitude >= -90.0") << 9 << R::Operator;
    QTest::newRow("number") << QByteArray("-90.0 and") << 2 << R::Number;
    QTest::newRow("and keyword") << QByteArray("-90.0 and") << 6 << R::Keyword;
    QTest::newRow("namespace of a function") << QByteArray("str:upper(") << 1 << R::Function;
    QTest::newRow("namespaced function") << QByteArray("str:upper(") << 5 << R::Function;
    QTest::newRow("rename") << QByteArray("as avgSpeed") << 0 << R::Keyword;
    QTest::newRow("window keyword") << QByteArray("#window.time(1 min)") << 2 << R::Keyword;
    QTest::newRow("window name") << QByteArray("#window.time(1 min)") << 9 << R::Window;
    QTest::newRow("window argument") << QByteArray("#window.time(1 min)") << 13 << R::Number;
    QTest::newRow("time unit") << QByteArray("#window.time(1 min)") << 16 << R::TimeUnit;
    QTest::newRow("aggregate function") << QByteArray("avg(speed)") << 1 << R::Function;
    QTest::newRow("attribute argument") << QByteArray("avg(speed)") << 5 << R::Attribute;
    QTest::newRow("group by attribute") << QByteArray("group by trainId") << 10 << R::Attribute;
    QTest::newRow("inferred stream after into")
        << QByteArray("into TrainSpeedStream") << 6 << R::Stream;
    QTest::newRow("partition keyword") << QByteArray("partition with") << 3 << R::Keyword;
    QTest::newRow("stream after of") << QByteArray("of TrainLocationStream)") << 5 << R::Stream;
    QTest::newRow("begin") << QByteArray("\nbegin\n") << 2 << R::Keyword;
    QTest::newRow("end") << QByteArray("end;") << 1 << R::Keyword;
    QTest::newRow("statement end") << QByteArray("end;") << 3 << R::Operator;
}

void tst_SiddhiLexer::stylesOfSample()
{
    QFETCH(QByteArray, needle);
    QFETCH(int, offset);
    QFETCH(SyntaxRole, role);
    const QByteArray text = trainSample();
    Styled s(text);
    const qsizetype at = text.indexOf(needle);
    QVERIFY2(at >= 0, needle.constData());
    QCOMPARE(int(s.roleAt(int(at) + offset)), int(role));
}

void tst_SiddhiLexer::multiLineTokens()
{
    const QByteArray text = "@sink(type='log', @map(type='text', @payload(\"\"\"train {{trainId}}\n"
                            "is at {{latitude}}\"\"\")))\n"
                            "define stream S (trainId string, latitude double);\n"
                            "define function twice[javascript] return double {\n"
                            "  return data[0] * 2;\n"
                            "};\n"
                            "from S select true as ok, null as nothing insert into T; § \n"
                            "/* never closed\n"
                            "from S select trainId insert into T;\n";
    Styled s(text);
    const auto at = [&](const char *needle, int offset = 0) {
        return s.roleAt(int(text.indexOf(needle)) + offset);
    };
    QCOMPARE(at("train {{"), SyntaxRole::String);
    QCOMPARE(at("is at {{"), SyntaxRole::String); // a """ string's second line
    QCOMPARE(at("return data"), SyntaxRole::Script);
    QCOMPARE(at("twice["), SyntaxRole::Function);
    QCOMPARE(at("true as"), SyntaxRole::Constant);
    QCOMPARE(at("null as"), SyntaxRole::Constant);
    QCOMPARE(at("\xc2\xa7"), SyntaxRole::Error); // a character that starts no token
    QCOMPARE(at("never closed"), SyntaxRole::Comment);
    QCOMPARE(at("from S select trainId"), SyntaxRole::Comment); // inside the open comment

    // Lines that start inside a token say so in their state.
    const QList<int> states = s.lineStates();
    QVERIFY(states[1] & SiddhiLexer::kContinuation);
    QVERIFY(states[4] & SiddhiLexer::kContinuation);
    QVERIFY(!(states[2] & SiddhiLexer::kContinuation));
    QVERIFY(states[8] & SiddhiLexer::kContinuation);
}

void tst_SiddhiLexer::functionsAndWindowsFromTheRegistry()
{
    const QByteArray text =
        "define function twice[javascript] return int { return data[0] * 2; };\n"
        "define stream S (a int, b string);\n"
        "from S#window.lengthBatch(5)#window.nope(1)#log('x')\n"
        "select twice(a) as c, str:concat(b, 'x') as d, STR:UPPER(b) as e,\n"
        "       str:nope(b) as f, nope(a) as g, sum(a) as h\n"
        "insert into T;\n";
    Styled s(text);
    const auto at = [&](const char *needle, int offset = 0) {
        return s.roleAt(int(text.indexOf(needle)) + offset);
    };
    QCOMPARE(at("lengthBatch"), SyntaxRole::Window);
    QCOMPARE(at("nope(1)"), SyntaxRole::Default);   // not a window of the registry
    QCOMPARE(at("log("), SyntaxRole::Function);     // a stream processor
    QCOMPARE(at("twice(a)"), SyntaxRole::Function); // the app's own function
    QCOMPARE(at("str:concat"), SyntaxRole::Function);
    QCOMPARE(at("str:concat", 4), SyntaxRole::Function);
    QCOMPARE(at("STR:UPPER", 4), SyntaxRole::Function); // names are case-insensitive
    QCOMPARE(at("str:nope", 4), SyntaxRole::Default);
    QCOMPARE(at("nope(a)"), SyntaxRole::Default);
    QCOMPARE(at("sum(a)"), SyntaxRole::Function);
}

void tst_SiddhiLexer::foldingPoints()
{
    const QByteArray text = trainSample();
    Styled s(text);
    const auto isHeader = [&](const char *needle) {
        return (s.foldLevel(lineOfText(text, needle)) & kFoldHeader) != 0;
    };
    const auto level = [&](const char *needle) {
        return (s.foldLevel(lineOfText(text, needle)) & kFoldNumberMask) - kFoldBase;
    };
    // Multi-line comments and statements fold from their first line.
    QVERIFY(isHeader("/* Train sensors"));
    QCOMPARE(level("the app keeps"), 1);
    QVERIFY(isHeader("@source(type='websocket-server'"));
    QCOMPARE(level("define stream TrainSensorStream"), 1);
    QVERIFY(isHeader("@info(name='ValidLocations')"));
    QCOMPARE(level("insert into TrainLocationStream;"), 1);
    // A one-line statement does not fold.
    QVERIFY(!isHeader("define table LastSeenTable"));
    QCOMPARE(level("define table LastSeenTable"), 0);
    // partition ... begin ... end folds, with its queries one level deeper.
    QVERIFY(isHeader("partition with"));
    QCOMPARE(level("partition with"), 0);
    QCOMPARE(level("begin"), 1);
    QVERIFY(isHeader("    from TrainLocationStream\n"));
    QCOMPARE(level("    select trainId, max(ts)"), 2);
    QCOMPARE(level("end;"), 1);
    QCOMPARE(level("@App:name"), 0);
}

void tst_SiddhiLexer::incrementalRestyleRange()
{
    QByteArray block = "define stream S%1 (symbol string, price double);\n"
                       "/* a comment\n   on two lines */\n"
                       "@info(name='q%1')\n"
                       "from S%1[price > 10]#window.length(5)\n"
                       "select symbol, avg(price) as average\n"
                       "insert into Out%1;\n";
    QByteArray text;
    for (int i = 0; i < 100; ++i)
        text += QByteArray(block).replace("%1", QByteArray::number(i));
    Styled s(text);
    const SiddhiLexer::Pass full = s.lexer->lastPass();
    QCOMPARE(full.startPosition, 0);
    QCOMPARE(full.endPosition, int(text.size()));
    const int lastLine = s.editor.lines() - 1;

    // One keystroke inside a name in the middle restyles that line only.
    const int middle = int(text.indexOf("select symbol, avg(price) as average\ninsert into Out50"));
    const int line = s.editor.lineOf(middle);
    s.editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(middle + 8), "x");
    s.editor.ensureStyled();
    SiddhiLexer::Pass pass = s.lexer->lastPass();
    QCOMPARE(pass.firstLine, line);
    QCOMPARE(pass.lastLine, line);
    QVERIFY(pass.stoppedEarly);
    QCOMPARE(SyntaxRole(s.editor.styleAt(middle + 8)), SyntaxRole::Default); // sxymbol: unknown
    QCOMPARE(s.editor.SendScintilla(Sci::SCI_GETENDSTYLED), long(s.editor.length()));

    // Opening a """ string restyles to the end, and so does closing it again (every line
    // after it had started inside the string).
    const int open = s.editor.lineStart(line);
    s.editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(open), "\"\"\"");
    s.editor.ensureStyled();
    pass = s.lexer->lastPass();
    QCOMPARE(pass.firstLine, line);
    QCOMPARE(pass.lastLine, lastLine);
    QCOMPARE(SyntaxRole(s.editor.styleAt(s.editor.length() - 2)), SyntaxRole::String);
    s.editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(open + 3), "\"\"\"");
    s.editor.ensureStyled();
    pass = s.lexer->lastPass();
    QCOMPARE(pass.firstLine, line);
    QCOMPARE(pass.lastLine, lastLine);
    QCOMPARE(SyntaxRole(s.editor.styleAt(s.editor.length() - 2)), SyntaxRole::Operator);

    // A comment opened in the middle restyles only as far as its effect goes.
    s.editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(open), "/*");
    s.editor.ensureStyled();
    pass = s.lexer->lastPass();
    QCOMPARE(pass.firstLine, line);
    // It runs to the next block's "*/" (line + 4); the query it cut short goes on through the
    // next @info line, after which the lines start inside a statement as they did before.
    QCOMPARE(pass.lastLine, line + 5);
    QVERIFY(pass.stoppedEarly);

    // Editing a line inside a multi-line comment restyles from where the comment starts.
    const int where = int(s.editor.utf8Text().indexOf("on two lines */\n@info(name='q70')"));
    QVERIFY(where > 0);
    s.editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(where), "still ");
    s.editor.ensureStyled();
    pass = s.lexer->lastPass();
    QCOMPARE(pass.firstLine, s.editor.lineOf(where) - 1);
    QCOMPARE(pass.lastLine, s.editor.lineOf(where));
}

void tst_SiddhiLexer::incrementalMatchesFullStyling()
{
    // Random edits (that open and close comments, strings, scripts, statements and partitions):
    // after each, the incremental styles, line states and fold levels equal a full styling.
    const QByteArray text = trainSample();
    Styled s(text, false);
    const QList<QByteArray> pieces = {"/*",    "*/",     "\"\"\"",
                                      "'",     ";",      "\n",
                                      "begin", "end;",   "partition with (a of S) begin\n",
                                      "{",     "}",      "--",
                                      "x",     "@info(", ")",
                                      "\n\n"};
    QRandomGenerator random(20240611);
    for (int round = 0; round < 120; ++round) {
        const int length = s.editor.length();
        const int at = int(random.bounded(length + 1));
        if (random.bounded(3) == 0 && length > 10) {
            const int n = int(random.bounded(qMin(12, length - at) + 1));
            s.editor.SendScintilla(Sci::SCI_DELETERANGE, static_cast<unsigned long>(at), long(n));
        } else {
            const QByteArray piece = pieces[int(random.bounded(int(pieces.size())))];
            s.editor.SendScintilla(Sci::SCI_INSERTTEXT, static_cast<unsigned long>(at),
                                   piece.constData());
        }
        s.editor.ensureStyled();
        Styled fresh(s.editor.utf8Text(), false);
        QCOMPARE(s.styles(), fresh.styles());
        QCOMPARE(s.lineStates(), fresh.lineStates());
        QCOMPARE(s.foldLevels(), fresh.foldLevels());
    }
}

void tst_SiddhiLexer::newNamesRestyle()
{
    const QByteArray text = "from Trains select id insert into Out;\n";
    Styled s(text, false);
    QCOMPARE(s.roleAt(int(text.indexOf("id insert"))), SyntaxRole::Default);
    // Once the analysis knows Trains' attributes, 'id' is an attribute.
    const QByteArray defined = "define stream Trains (id string);\n";
    s.lexer->setNames(std::make_shared<NameIndex>(NameIndex::fromTokens(defined)));
    s.editor.ensureStyled();
    QCOMPARE(s.roleAt(int(text.indexOf("id insert"))), SyntaxRole::Attribute);
    QCOMPARE(s.roleAt(int(text.indexOf("Trains"))), SyntaxRole::Stream);
}

QTEST_MAIN(tst_SiddhiLexer)
#include "tst_siddhilexer.moc"
