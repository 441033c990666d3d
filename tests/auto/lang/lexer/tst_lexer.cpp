#include "engine/lang/diagnostic.h"
#include "engine/lang/lexer.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Rivulet::Lang;
using K = TokenKind;

Q_DECLARE_METATYPE(QList<Rivulet::Lang::TokenKind>)

class tst_Lexer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kinds_data();
    void kinds();
    void keywordsAnyCase();
    void timeUnitSpellings();
    void literalValues();
    void positionsCountCharacters();
    void commentsKeptForTheEditor();
    void unterminatedTokensAreReported_data();
    void unterminatedTokensAreReported();
    void garbageNeverHangs();
    void unexpectedRunIsOneError_data();
    void unexpectedRunIsOneError();
};

void tst_Lexer::kinds_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QList<K>>("expected");
    QTest::newRow("empty") << QByteArray("") << QList<K>{};
    QTest::newRow("identifiers") << QByteArray("StockStream _x a1")
                                 << QList<K>{K::Identifier, K::Identifier, K::Identifier};
    QTest::newRow("quoted identifier") << QByteArray("`select`") << QList<K>{K::QuotedIdentifier};
    QTest::newRow("int") << QByteArray("123") << QList<K>{K::IntLiteral};
    QTest::newRow("long") << QByteArray("123L 5l") << QList<K>{K::LongLiteral, K::LongLiteral};
    QTest::newRow("float") << QByteArray("1.5f 2F .5f")
                           << QList<K>{K::FloatLiteral, K::FloatLiteral, K::FloatLiteral};
    QTest::newRow("double") << QByteArray("1.5 1.5d 1e3 2.5E-2 .25")
                            << QList<K>{K::DoubleLiteral, K::DoubleLiteral, K::DoubleLiteral,
                                        K::DoubleLiteral, K::DoubleLiteral};
    QTest::newRow("int then dot") << QByteArray("e1.price")
                                  << QList<K>{K::Identifier, K::Dot, K::Identifier};
    QTest::newRow("strings") << QByteArray("'a' \"b\" \"\"\"c\nd\"\"\"")
                             << QList<K>{K::StringLiteral, K::StringLiteral, K::TripleString};
    QTest::newRow("operators")
        << QByteArray("== != <= >= < > = -> - + * / % ! # @ : ; , . ... ( ) [ ] ?")
        << QList<K>{K::EqEq,     K::NotEq,   K::LtEq,      K::GtEq,   K::Lt,     K::Gt,
                    K::Assign,   K::Arrow,   K::Minus,     K::Plus,   K::Star,   K::Slash,
                    K::Percent,  K::Bang,    K::Hash,      K::At,     K::Colon,  K::Semicolon,
                    K::Comma,    K::Dot,     K::TripleDot, K::LParen, K::RParen, K::LBracket,
                    K::RBracket, K::Question};
    QTest::newRow("comments skipped")
        << QByteArray("a -- c\n/* b */ b") << QList<K>{K::Identifier, K::Identifier};
    QTest::newRow("script") << QByteArray("{ var x = \"}\"; return x; }") << QList<K>{K::Script};
    QTest::newRow("nested script") << QByteArray("{ if (a) { b(); } }") << QList<K>{K::Script};
    QTest::newRow("keyword") << QByteArray("from") << QList<K>{K::Keyword};
    QTest::newRow("unexpected") << QByteArray("a $ b")
                                << QList<K>{K::Identifier, K::Unexpected, K::Identifier};
    QTest::newRow("utf8 unexpected is one token")
        << QByteArray("a \xC3\xA9 b") << QList<K>{K::Identifier, K::Unexpected, K::Identifier};
}

void tst_Lexer::kinds()
{
    QFETCH(QByteArray, source);
    QFETCH(QList<K>, expected);
    const QList<Token> tokens = Lexer::tokenize(source);
    QList<K> kinds;
    for (const Token &t : tokens) {
        if (t.kind != K::EndOfFile)
            kinds << t.kind;
    }
    QCOMPARE(kinds, expected);
    QCOMPARE(tokens.constLast().kind, K::EndOfFile);
}

void tst_Lexer::keywordsAnyCase()
{
    for (const char *word : {"FROM", "From", "from", "fRoM"}) {
        const QList<Token> t = Lexer::tokenize(word);
        QVERIFY(t[0].is(Keyword::From));
    }
    QVERIFY(Lexer::tokenize("True")[0].is(Keyword::True));
    QVERIFY(Lexer::tokenize("unidirectional")[0].is(Keyword::Unidirectional));
    QCOMPARE(Lexer::tokenize("fromage")[0].kind, K::Identifier);
}

void tst_Lexer::timeUnitSpellings()
{
    const struct
    {
        const char *word;
        Keyword kw;
    } cases[] = {{"sec", Keyword::Seconds},
                 {"second", Keyword::Seconds},
                 {"seconds", Keyword::Seconds},
                 {"min", Keyword::Minutes},
                 {"minute", Keyword::Minutes},
                 {"minutes", Keyword::Minutes},
                 {"hour", Keyword::Hours},
                 {"hours", Keyword::Hours},
                 {"day", Keyword::Days},
                 {"days", Keyword::Days},
                 {"week", Keyword::Weeks},
                 {"weeks", Keyword::Weeks},
                 {"month", Keyword::Months},
                 {"months", Keyword::Months},
                 {"year", Keyword::Years},
                 {"years", Keyword::Years},
                 {"millisec", Keyword::Milliseconds},
                 {"millisecond", Keyword::Milliseconds},
                 {"milliseconds", Keyword::Milliseconds}};
    for (const auto &c : cases) {
        const Token t = Lexer::tokenize(c.word)[0];
        QVERIFY2(t.is(c.kw), c.word);
        QVERIFY(timeUnitMillis(t.keyword) > 0);
    }
    QCOMPARE(timeUnitMillis(Keyword::Months), 30LL * 24 * 3600 * 1000);
    QCOMPARE(timeUnitMillis(Keyword::Years), 365LL * 24 * 3600 * 1000);
}

void tst_Lexer::literalValues()
{
    const QByteArray src = "'it''s' \"x\" \"\"\"a\nb\"\"\" `my stream`";
    const QList<Token> t = Lexer::tokenize(src);
    QCOMPARE(Lexer::stringValue(src, t[0]), QStringLiteral("it"));
    QCOMPARE(Lexer::stringValue(src, t[2]), QStringLiteral("x"));
    QCOMPARE(Lexer::stringValue(src, t[3]), QStringLiteral("a\nb"));
    QCOMPARE(Lexer::tokenText(src, t[4]), QStringLiteral("my stream"));
}

void tst_Lexer::positionsCountCharacters()
{
    const QByteArray src = "-- é\n  \xC3\xA9x from";
    const QList<Token> t = Lexer::tokenize(src);
    // é is one unexpected character at column 3; 'x' at column 4; 'from' at column 6.
    QCOMPARE(t[0].kind, K::Unexpected);
    QCOMPARE(t[0].line, 2);
    QCOMPARE(t[0].column, 3);
    QCOMPARE(t[1].column, 4);
    QCOMPARE(t[2].column, 6);
    QCOMPARE(t[2].offset, src.indexOf("from"));
}

void tst_Lexer::commentsKeptForTheEditor()
{
    const QByteArray src = "a -- line\n/* block\n*/ b";
    const QList<Token> t = Lexer::tokenize(src, nullptr, Lexer::KeepComments);
    QCOMPARE(t[1].kind, K::LineComment);
    QCOMPARE(t[2].kind, K::BlockComment);
    QCOMPARE(t[2].line, 2);
    QCOMPARE(t[2].endLine, 3);
    QCOMPARE(t[3].line, 3);
}

void tst_Lexer::unterminatedTokensAreReported_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("message");
    QTest::newRow("string") << QByteArray("select 'abc\nfrom")
                            << QStringLiteral("unterminated string");
    QTest::newRow("triple string")
        << QByteArray("\"\"\"abc") << QStringLiteral("unterminated string");
    QTest::newRow("block comment")
        << QByteArray("/* never closed") << QStringLiteral("unterminated comment");
    QTest::newRow("script") << QByteArray("{ return 1;")
                            << QStringLiteral("unterminated function body");
    QTest::newRow("quoted name") << QByteArray("`abc")
                                 << QStringLiteral("unterminated quoted name");
}

void tst_Lexer::unterminatedTokensAreReported()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, message);
    DiagnosticList diagnostics;
    Lexer::tokenize(source, &diagnostics);
    QCOMPARE(diagnostics.errorCount(), 1);
    QVERIFY2(diagnostics.items()[0].message.startsWith(message),
             qPrintable(diagnostics.items()[0].message));
}

void tst_Lexer::garbageNeverHangs()
{
    QRandomGenerator rng(42);
    for (int round = 0; round < 50; ++round) {
        QByteArray garbage(4096, '\0');
        for (char &c : garbage)
            c = char(rng.bounded(256));
        DiagnosticList diagnostics;
        const QList<Token> tokens = Lexer::tokenize(garbage, &diagnostics);
        QVERIFY(!tokens.isEmpty());
        QCOMPARE(tokens.constLast().kind, K::EndOfFile);
        // Every token makes progress.
        int last = -1;
        for (const Token &t : tokens) {
            QVERIFY(t.offset >= last);
            last = t.offset + (t.kind == K::EndOfFile ? 0 : qMax(1, t.length)) - 1;
        }
    }
}

void tst_Lexer::unexpectedRunIsOneError_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("length");
    QTest::newRow("one ascii") << QByteArray("a $ b") << QStringLiteral("unexpected character '$'")
                               << 1;
    QTest::newRow("utf-8 character")
        << QByteArray("a \xc2\xa7 b") << QStringLiteral("unexpected character '\u00a7'") << 2;
    QTest::newRow("control and invalid bytes")
        << QByteArray("a \x01\x02\xff\x7f b", 8)
        << QStringLiteral("unexpected characters '\\x01\\x02\\xFF\\x7F'") << 4;
    QTest::newRow("run stops at a token") << QByteArray("a $$(b") << QStringLiteral("'$$'") << 2;
}

void tst_Lexer::unexpectedRunIsOneError()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, message);
    QFETCH(int, length);
    DiagnosticList diagnostics;
    const QList<Token> tokens = Lexer::tokenize(source, &diagnostics);
    QCOMPARE(diagnostics.errorCount(), 1);
    QVERIFY2(diagnostics.items()[0].message.contains(message),
             qPrintable(diagnostics.items()[0].message));
    QCOMPARE(tokens[1].kind, K::Unexpected);
    QCOMPARE(tokens[1].length, length);
}

QTEST_APPLESS_MAIN(tst_Lexer)
#include "tst_lexer.moc"
