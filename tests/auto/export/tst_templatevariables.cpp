#include "engine/export/templatevariables.h"

#include <QtTest>

using namespace Rivulet::Export;

class tst_TemplateVariables : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void variables_data();
    void variables();
    void substitute_data();
    void substitute();
};

void tst_TemplateVariables::variables_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("none") << QByteArray("define stream S (a int);") << QStringList();
    QTest::newRow("in order, each once")
        << QByteArray("@sink(type='x', host='${HOST}', port='${PORT}', url='${HOST}:${PORT}')")
        << QStringList{QStringLiteral("HOST"), QStringLiteral("PORT")};
    QTest::newRow("dots and digits")
        << QByteArray("@source(url='${a.b_2}')") << QStringList{QStringLiteral("a.b_2")};
    QTest::newRow("line comments skipped")
        << QByteArray("-- ${NOT}\n// ${NOT2}\n@sink(port='${YES}')")
        << QStringList{QStringLiteral("YES")};
    QTest::newRow("block comment skipped")
        << QByteArray("/* ${NOT}\n ${NOT2} */ @sink(port='${YES}')")
        << QStringList{QStringLiteral("YES")};
    QTest::newRow("dashes inside a string are not a comment")
        << QByteArray("@sink(url='http://x--y/${P}')") << QStringList{QStringLiteral("P")};
    QTest::newRow("not a variable")
        << QByteArray("@sink(a='$PORT', b='${1X}', c='${}')") << QStringList();
}

void tst_TemplateVariables::variables()
{
    QFETCH(QByteArray, source);
    QFETCH(QStringList, expected);
    QCOMPARE(templateVariables(source), expected);
}

void tst_TemplateVariables::substitute_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("all given") << QByteArray("port='${PORT}', host='${HOST}'")
                               << QByteArray("port='8025', host='0.0.0.0'");
    QTest::newRow("unknown stays")
        << QByteArray("port='${PORT}', x='${OTHER}'") << QByteArray("port='8025', x='${OTHER}'");
    QTest::newRow("twice") << QByteArray("${PORT}${PORT}") << QByteArray("80258025");
    QTest::newRow("utf-8 around") << QByteArray("-- é ${HOST} ü") << QByteArray("-- é 0.0.0.0 ü");
}

void tst_TemplateVariables::substitute()
{
    QFETCH(QByteArray, source);
    QFETCH(QByteArray, expected);
    const QHash<QString, QString> values{{QStringLiteral("PORT"), QStringLiteral("8025")},
                                         {QStringLiteral("HOST"), QStringLiteral("0.0.0.0")}};
    QCOMPARE(substituteVariables(source, values), expected);
}

QTEST_APPLESS_MAIN(tst_TemplateVariables)
#include "tst_templatevariables.moc"
