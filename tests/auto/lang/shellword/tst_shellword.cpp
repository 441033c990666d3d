#include "engine/lang/shellword.h"

#include <QProcess>
#include <QTest>

// Lang::shellWord: words for the commands users copy (the portal's wscat line, the export
// dialog's `rivulet export`), checked against the real shell.
class tst_ShellWord : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void words_data();
    void words();
};

void tst_ShellWord::words_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("word");

    QTest::newRow("safe characters stay as they are")
        << QStringLiteral("ws://localhost:9099/t/quantis.com/a-b_c/1.0.0/x%2F@+=,")
        << QStringLiteral("ws://localhost:9099/t/quantis.com/a-b_c/1.0.0/x%2F@+=,");
    QTest::newRow("a space") << QStringLiteral("my app.siddhi")
                             << QStringLiteral("'my app.siddhi'");
    QTest::newRow("a single quote") << QStringLiteral("it's") << QStringLiteral("'it'\\''s'");
    QTest::newRow("empty") << QString() << QStringLiteral("''");
    QTest::newRow("tilde at the start is not expanded")
        << QStringLiteral("~/apps") << QStringLiteral("'~/apps'");
    QTest::newRow("dollar and backquote")
        << QStringLiteral("$HOME`id`") << QStringLiteral("'$HOME`id`'");
    QTest::newRow("glob and semicolon")
        << QStringLiteral("*.siddhi;rm") << QStringLiteral("'*.siddhi;rm'");
}

void tst_ShellWord::words()
{
    QFETCH(QString, text);
    QFETCH(QString, word);
    QCOMPARE(Rivulet::Lang::shellWord(text), word);
    // The shell reads the word back as the text, unchanged.
    QProcess sh;
    sh.start(QStringLiteral("/bin/sh"),
             {QStringLiteral("-c"), QStringLiteral("printf %s ") + word});
    QVERIFY(sh.waitForFinished(10000));
    QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()), text);
}

QTEST_APPLESS_MAIN(tst_ShellWord)
#include "tst_shellword.moc"
