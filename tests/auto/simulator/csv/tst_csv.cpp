// CSV_SIMULATION: columns, quoting, headers, ordering, timestamps, and bad rows reported with
// their line numbers and skipped.
#include "../simulatortest.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace SimTest;

class tst_Csv : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badRowsAreReportedAndSkipped();
    void quoting();
    void headerMatchesColumnsByName();
    void headerWithOtherNamesIsSkipped();
    void unorderedRowsAreSorted();
    void generatedTimestamps();
    void indices();
    void delimiters_data();
    void delimiters();
    void nullsAndEmptyStrings();
    void timeRange();
    void missingFile();

private:
    QString write(const QString &name, const QByteArray &content);
    QJsonObject source(const QString &file, const QJsonObject &extra = {});

    QTemporaryDir m_dir;
    const StreamSchema m_stock = schema(QStringLiteral("StockStream"),
                                        QStringLiteral("symbol string, price double, volume long"));
};

void tst_Csv::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString tst_Csv::write(const QString &name, const QByteArray &content)
{
    QFile f(m_dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return name;
}

QJsonObject tst_Csv::source(const QString &file, const QJsonObject &extra)
{
    QJsonObject o{{QStringLiteral("simulationType"), QStringLiteral("CSV_SIMULATION")},
                  {QStringLiteral("streamName"), QStringLiteral("StockStream")},
                  {QStringLiteral("fileName"), file},
                  {QStringLiteral("delimiter"), QStringLiteral(",")}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

void tst_Csv::badRowsAreReportedAndSkipped()
{
    const QString file = write(QStringLiteral("stocks.csv"),
                               "1000,IBM,75.5,100\n"
                               "2000,WSO2,55.25,200\n"
                               "3000,ORCL,60\n"       // line 3: a column short
                               "\n"                   // blank lines are not rows
                               "4000,MSFT,abc,300\n"  // line 5: price is not a number
                               "5x00,GOOG,10.0,1\n"   // line 6: bad timestamp
                               "6000,AMZN,12.5,2.5\n" // line 7: volume is not whole
                               "7000,META,99.0,7\n"
                               "8000,\"unclosed,1.0,1\n"); // line 9: quote never closed
    const Pulled p = pull(source(file, {{QStringLiteral("timestampAttribute"), QStringLiteral("0")},
                                        {QStringLiteral("isOrdered"), true}}),
                          m_stock, 100, 7, 0, std::nullopt, m_dir.path(), false);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.timestamps, (std::vector<qint64>{1000, 2000, 7000}));
    QCOMPARE(p.rows[0], (QVariantList{QStringLiteral("IBM"), 75.5, qlonglong(100)}));
    QCOMPARE(p.rows[2], (QVariantList{QStringLiteral("META"), 99.0, qlonglong(7)}));
    QCOMPARE(p.skipped, qint64(5));
    QCOMPARE(p.warnings.size(), 5);
    QCOMPARE(p.warnings[0],
             QStringLiteral("stocks.csv:3: expected 4 columns, found 3; row skipped"));
    QCOMPARE(p.warnings[1], QStringLiteral("stocks.csv:5: attribute 'price' is a double, but "
                                           "'abc' is not; row skipped"));
    QCOMPARE(p.warnings[2], QStringLiteral("stocks.csv:6: the timestamp '5x00' in column 0 is not "
                                           "a whole number; row skipped"));
    QCOMPARE(p.warnings[3], QStringLiteral("stocks.csv:7: attribute 'volume' is a long, but '2.5' "
                                           "is not; row skipped"));
    QCOMPARE(p.warnings[4],
             QStringLiteral("stocks.csv:9: a quoted field is not closed; row skipped"));
}

void tst_Csv::quoting()
{
    const QString file = write(QStringLiteral("quoted.csv"),
                               "\"Big, Blue\",1.5,1\r\n"
                               "\"say \"\"hi\"\"\",2.5,2\r\n"
                               "\"two\nlines\",3.5,3\r\n"
                               "plain,x,4\r\n"); // line 5 (the quoted field spans lines 3-4)
    const Pulled p = pull(source(file), m_stock, 10, 7, 0, std::nullopt, m_dir.path());
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows.size(), size_t(3));
    QCOMPARE(p.rows[0][0].toString(), QStringLiteral("Big, Blue"));
    QCOMPARE(p.rows[1][0].toString(), QStringLiteral("say \"hi\""));
    QCOMPARE(p.rows[2][0].toString(), QStringLiteral("two\nlines"));
    QCOMPARE(p.warnings.size(), 1);
    QVERIFY2(p.warnings[0].startsWith(QStringLiteral("quoted.csv:5: attribute 'price'")),
             qPrintable(p.warnings[0]));
}

void tst_Csv::headerMatchesColumnsByName()
{
    const QString file = write(QStringLiteral("header.csv"), "\xEF\xBB\xBFts,Volume,SYMBOL,price\n"
                                                             "10,100,IBM,75.5\n"
                                                             "20,200,WSO2,55.25\n");
    const Pulled p = pull(
        source(file, {{QStringLiteral("header"), true}, {QStringLiteral("timestampAttribute"), 0}}),
        m_stock, 10, 7, 0, std::nullopt, m_dir.path(), false);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.timestamps, (std::vector<qint64>{10, 20}));
    QCOMPARE(p.rows[1], (QVariantList{QStringLiteral("WSO2"), 55.25, qlonglong(200)}));
    QVERIFY(p.warnings.isEmpty());
}

void tst_Csv::headerWithOtherNamesIsSkipped()
{
    const QString file = write(QStringLiteral("header2.csv"), "a,b,c\nIBM,1.0,5\n");
    const Pulled p = pull(source(file, {{QStringLiteral("header"), true}}), m_stock, 10, 7, 0,
                          std::nullopt, m_dir.path());
    QCOMPARE(p.rows.size(), size_t(1));
    QCOMPARE(p.rows[0][0].toString(), QStringLiteral("IBM"));
}

void tst_Csv::unorderedRowsAreSorted()
{
    const QString file = write(QStringLiteral("unordered.csv"),
                               "IBM,1.0,1,3000\n"
                               "WSO2,2.0,2,1000\n"
                               "ORCL,3.0,3,2000\n"
                               "MSFT,bad,4,500\n" // reported when it comes up, then skipped
                               "GOOG,5.0,5,1000\n");
    const Pulled p = pull(source(file, {{QStringLiteral("timestampAttribute"), 3},
                                        {QStringLiteral("isOrdered"), QStringLiteral("false")}}),
                          m_stock, 10, 7, 0, std::nullopt, m_dir.path(), false);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.timestamps, (std::vector<qint64>{1000, 1000, 2000, 3000}));
    // Rows of one timestamp keep the file's order.
    QCOMPARE(p.rows[0][0].toString(), QStringLiteral("WSO2"));
    QCOMPARE(p.rows[1][0].toString(), QStringLiteral("GOOG"));
    QCOMPARE(p.warnings.size(), 1);
    QVERIFY(p.warnings[0].startsWith(QStringLiteral("unordered.csv:4: ")));
}

void tst_Csv::generatedTimestamps()
{
    const QString file = write(QStringLiteral("noTime.csv"), "A,1,1\nB,x,2\nC,3,3\nD,4,4\n");
    const Pulled p =
        pull(source(file, {{QStringLiteral("timestampInterval"), QStringLiteral("250")}}), m_stock,
             10, 7, 5000, std::nullopt, m_dir.path());
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    // A skipped row takes no timestamp.
    QCOMPARE(p.timestamps, (std::vector<qint64>{5000, 5250, 5500}));
    QCOMPARE(p.rows[1][0].toString(), QStringLiteral("C"));
}

void tst_Csv::indices()
{
    const QString file = write(QStringLiteral("indices.csv"), "x,100,IBM,y,75.5\n");
    Pulled p = pull(source(file, {{QStringLiteral("indices"), QStringLiteral("2, 4,1")}}), m_stock,
                    10, 7, 0, std::nullopt, m_dir.path());
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows[0], (QVariantList{QStringLiteral("IBM"), 75.5, qlonglong(100)}));

    p = pull(source(file, {{QStringLiteral("indices"), QJsonArray{2, 4}}}), m_stock, 10, 7, 0,
             std::nullopt, m_dir.path());
    QCOMPARE(p.error, QStringLiteral("stream 'StockStream' has 3 attributes (symbol string, price "
                                     "double, volume long), but 'indices' names 2 columns"));
}

void tst_Csv::delimiters_data()
{
    QTest::addColumn<QString>("delimiter");
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("tab, written \\t") << QStringLiteral("\\t") << QByteArray("IBM\t1.5\t2\n");
    QTest::newRow("semicolon") << QStringLiteral(";") << QByteArray("IBM;1.5;2\n");
    QTest::newRow("pipe") << QStringLiteral("|") << QByteArray("IBM|1.5|2\n");
}

void tst_Csv::delimiters()
{
    QFETCH(QString, delimiter);
    QFETCH(QByteArray, content);
    const QString file = write(QStringLiteral("delimited.csv"), content);
    const Pulled p = pull(source(file, {{QStringLiteral("delimiter"), delimiter}}), m_stock, 10, 7,
                          0, std::nullopt, m_dir.path());
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows.size(), size_t(1));
    QCOMPARE(p.rows[0], (QVariantList{QStringLiteral("IBM"), 1.5, qlonglong(2)}));
}

void tst_Csv::nullsAndEmptyStrings()
{
    const QString file = write(QStringLiteral("nulls.csv"), ",,\n\"\", 2.5 ,\n");
    const Pulled p = pull(source(file), m_stock, 10, 7, 0, std::nullopt, m_dir.path());
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows.size(), size_t(2));
    QVERIFY(p.rows[0][0].isNull());
    QVERIFY(p.rows[0][1].isNull());
    QVERIFY(p.rows[0][2].isNull());
    QCOMPARE(p.rows[1][0], QVariant(QString()));
    QVERIFY(!p.rows[1][0].isNull());
    QCOMPARE(p.rows[1][1].toDouble(), 2.5);
}

void tst_Csv::timeRange()
{
    const QString file = write(QStringLiteral("range.csv"),
                               "1000,A,1,1\n2000,B,1,1\n3000,C,1,1\n4000,D,1,1\n5000,E,1,1\n");
    // With a start given, earlier rows are left out; the end stops the source.
    const Pulled p = pull(source(file, {{QStringLiteral("timestampAttribute"), 0}}), m_stock, 10, 7,
                          2000, 4000, m_dir.path(), true);
    QCOMPARE(p.timestamps, (std::vector<qint64>{2000, 3000, 4000}));
    QVERIFY(p.warnings.isEmpty());
}

void tst_Csv::missingFile()
{
    const Pulled p =
        pull(source(QStringLiteral("nowhere.csv")), m_stock, 10, 7, 0, std::nullopt, m_dir.path());
    QVERIFY2(p.error.startsWith(QStringLiteral("cannot read "))
                 && p.error.contains(QStringLiteral("nowhere.csv")),
             qPrintable(p.error));
}

QTEST_APPLESS_MAIN(tst_Csv)
#include "tst_csv.moc"
