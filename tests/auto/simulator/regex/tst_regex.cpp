// Strings generated from regular expressions match them, cover their alternatives, repeat with
// the seed, and unsupported syntax is refused with the position.
#include "simulator/regexgenerator.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Rivulet::Simulator;

class tst_Regex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void coversAlternatives();
    void repetitionBounds();
    void seeded();
    void unicode();
    void rejects_data();
    void rejects();
};

void tst_Regex::matches_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::newRow("literal") << QStringLiteral("IBM");
    QTest::newRow("class range") << QStringLiteral("[a-z]{8}");
    QTest::newRow("several ranges") << QStringLiteral("[a-zA-Z0-9_]{3,12}");
    QTest::newRow("negated class") << QStringLiteral("[^,\"]{5}");
    QTest::newRow("digit escape") << QStringLiteral("\\d{4}-\\d{2}-\\d{2}");
    QTest::newRow("word escape") << QStringLiteral("\\w+@\\w+\\.com");
    QTest::newRow("space escape") << QStringLiteral("\\w+\\s\\w+");
    QTest::newRow("negated escapes") << QStringLiteral("\\D\\W\\S");
    QTest::newRow("optional") << QStringLiteral("colou?r");
    QTest::newRow("star and plus") << QStringLiteral("ab*c+d");
    QTest::newRow("exact count") << QStringLiteral("x{3}");
    QTest::newRow("open count") << QStringLiteral("y{2,}");
    QTest::newRow("group") << QStringLiteral("(ab)+");
    QTest::newRow("non-capturing group") << QStringLiteral("(?:ha){2,3}!");
    QTest::newRow("alternation") << QStringLiteral("WSO2|IBM|ORCL");
    QTest::newRow("alternation in group") << QStringLiteral("train-(north|south)-[0-9]{3}");
    QTest::newRow("nested groups") << QStringLiteral("((a|b)c|d(e|f)){2}");
    QTest::newRow("dot") << QStringLiteral("a.c");
    QTest::newRow("escaped metacharacters") << QStringLiteral("\\(\\d\\)\\.\\*\\+\\?\\[\\]");
    QTest::newRow("class escapes inside") << QStringLiteral("[\\d_]{6}");
    QTest::newRow("dash at the end of a class") << QStringLiteral("[a-c-]{6}");
    QTest::newRow("bracket first in a class") << QStringLiteral("[]a]{4}");
    QTest::newRow("anchors") << QStringLiteral("^[A-Z]{2}\\d{2}$");
    QTest::newRow("lazy quantifier") << QStringLiteral("a+?b*?");
    QTest::newRow("brace literal") << QStringLiteral("a{b}");
    QTest::newRow("hex escape") << QStringLiteral("\\x41B");
    QTest::newRow("id") << QStringLiteral("loc-train-qnt-[1-9][0-9]{2}");
    QTest::newRow("empty alternative") << QStringLiteral("a(b|)c");
}

void tst_Regex::matches()
{
    QFETCH(QString, pattern);
    RegexGenerator g;
    QString error;
    QVERIFY2(g.compile(pattern, &error), qPrintable(error));
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    QVERIFY2(re.isValid(), qPrintable(re.errorString()));
    Random rng(42);
    for (int i = 0; i < 300; ++i) {
        const QString s = g.generate(rng);
        QVERIFY2(re.match(s).hasMatch(),
                 qPrintable(QStringLiteral("'%1' does not match %2").arg(s, pattern)));
    }
}

void tst_Regex::coversAlternatives()
{
    RegexGenerator g;
    QString error;
    QVERIFY(g.compile(QStringLiteral("WSO2|IBM|ORCL|(GOOG|MSFT)"), &error));
    Random rng(1);
    QSet<QString> seen;
    for (int i = 0; i < 500; ++i)
        seen.insert(g.generate(rng));
    QCOMPARE(seen,
             (QSet<QString>{QStringLiteral("WSO2"), QStringLiteral("IBM"), QStringLiteral("ORCL"),
                            QStringLiteral("GOOG"), QStringLiteral("MSFT")}));

    // Every member of a class shows up.
    QVERIFY(g.compile(QStringLiteral("[a-e]"), &error));
    seen.clear();
    for (int i = 0; i < 500; ++i)
        seen.insert(g.generate(rng));
    QCOMPARE(seen.size(), 5);
}

void tst_Regex::repetitionBounds()
{
    RegexGenerator g;
    QString error;
    Random rng(3);
    QVERIFY(g.compile(QStringLiteral("a{2,5}"), &error));
    QSet<qsizetype> lengths;
    for (int i = 0; i < 400; ++i)
        lengths.insert(g.generate(rng).size());
    QCOMPARE(lengths, (QSet<qsizetype>{2, 3, 4, 5}));

    // Unbounded repetition stops at 8 more than the minimum.
    QVERIFY(g.compile(QStringLiteral("b+"), &error));
    qsizetype longest = 0;
    for (int i = 0; i < 400; ++i) {
        const qsizetype n = g.generate(rng).size();
        QVERIFY(n >= 1);
        longest = std::max(longest, n);
    }
    QCOMPARE(longest, qsizetype(1 + RegexGenerator::kUnboundedExtra));
}

void tst_Regex::seeded()
{
    RegexGenerator g;
    QString error;
    QVERIFY(g.compile(QStringLiteral("[A-Z]{3}-\\d{4}"), &error));
    Random a(99), b(99), c(100);
    QStringList fromA, fromB, fromC;
    for (int i = 0; i < 20; ++i) {
        fromA << g.generate(a);
        fromB << g.generate(b);
        fromC << g.generate(c);
    }
    QCOMPARE(fromA, fromB);
    QVERIFY(fromA != fromC);
}

void tst_Regex::unicode()
{
    RegexGenerator g;
    QString error;
    // \uHHHH (Java's form; PCRE spells it differently, so it is checked here by value).
    QVERIFY(g.compile(QStringLiteral("\\u00fc\\x41"), &error));
    Random once(1);
    QCOMPARE(g.generate(once), QStringLiteral("üA"));

    QVERIFY(g.compile(QStringLiteral("Zürich-[αβγ]{2}"), &error));
    Random rng(5);
    const QRegularExpression re(
        QRegularExpression::anchoredPattern(QStringLiteral("Zürich-[αβγ]{2}")));
    for (int i = 0; i < 50; ++i) {
        std::string utf8;
        g.generate(rng, utf8);
        const QString s = QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
        QVERIFY2(re.match(s).hasMatch(), qPrintable(s));
    }
}

void tst_Regex::rejects_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("message");
    QTest::newRow("unbalanced open")
        << QStringLiteral("(ab") << QStringLiteral("missing ')' at position 4");
    QTest::newRow("unbalanced close")
        << QStringLiteral("ab)") << QStringLiteral("unbalanced ')' at position 3");
    QTest::newRow("open class") << QStringLiteral("[abc") << QStringLiteral("missing ']'");
    QTest::newRow("nothing to repeat")
        << QStringLiteral("*a") << QStringLiteral("nothing to repeat at position 1");
    QTest::newRow("nested quantifier")
        << QStringLiteral("a**") << QStringLiteral("nested quantifier");
    QTest::newRow("backreference")
        << QStringLiteral("(a)\\1")
        << QStringLiteral("backreferences are not supported at position 5");
    QTest::newRow("lookahead") << QStringLiteral("a(?=b)") << QStringLiteral("lookaround");
    QTest::newRow("unknown escape")
        << QStringLiteral("\\q") << QStringLiteral("unknown escape '\\q'");
    QTest::newRow("reversed range")
        << QStringLiteral("[z-a]") << QStringLiteral("range out of order");
    QTest::newRow("reversed count") << QStringLiteral("a{5,2}") << QStringLiteral("out of order");
    QTest::newRow("empty negated class")
        << QStringLiteral("[^ -~]") << QStringLiteral("matches no printable character");
}

void tst_Regex::rejects()
{
    QFETCH(QString, pattern);
    QFETCH(QString, message);
    RegexGenerator g;
    QString error;
    QVERIFY(!g.compile(pattern, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(error.contains(pattern), qPrintable(error));
}

QTEST_APPLESS_MAIN(tst_Regex)
#include "tst_regex.moc"
