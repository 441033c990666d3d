// Incremental aggregations through the C++ API: events in, then the rows a join's
// `within ... per ...` would read (findAggregationRows, parseWithinTime and parsePerDuration of
// aggregationlookup.h), compared with what Siddhi 5 returns.
// Cases marked "Siddhi:" come from Siddhi's Aggregation1TestCase with its expected rows (which
// Siddhi compares unsorted; Rivulet returns them oldest period first).
#include "engine/runtime/aggregation.h"
#include "engine/runtime/aggregationlookup.h"
#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"

#include <QTest>

using namespace Rivulet::Runtime;

class tst_Aggregation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lookup_data();
    void lookup();
    void withinPatterns_data();
    void withinPatterns();
    void withinRangeChecks();
    void perNotAggregated();
    void invalidDefinitions_data();
    void invalidDefinitions();
    void purgeDropsOldPeriods();
    void processingTimeClosesPeriods();
};

namespace {

// A lookup: within start, end (or a pattern) per granularity.
struct Lookup
{
    QString within; // "start,end" (longs or dates) or one pattern
    QString per;
};

std::unique_ptr<AppRuntime> makeApp(const QByteArray &source, QString *error)
{
    Engine::Options options;
    options.clock = ClockMode::Playback;
    options.logger = [](LogLevel, const QString &, const QString &) {};
    Engine engine(options);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(source, QStringLiteral("test.siddhi"), &diagnostics);
    if (!app) {
        QStringList messages;
        for (const auto &d : diagnostics)
            messages << d.toText();
        *error = messages.join(u'\n');
    }
    return app;
}

bool bounds(const QString &within, int64_t *start, int64_t *end, QString *error)
{
    const QStringList parts = within.split(u',');
    if (parts.size() == 1)
        return parseWithinTime(parts[0], start, end, error);
    auto one = [&](const QString &text, int64_t *out) {
        bool ok = false;
        const qlonglong n = text.trimmed().toLongLong(&ok);
        if (ok) {
            *out = n;
            return true;
        }
        return parseWithinTime(text.trimmed(), out, nullptr, error);
    };
    return one(parts[0], start) && one(parts[1], end);
}

QList<QByteArray> rows(AppRuntime &app, const QString &aggregation, const Lookup &l, QString *error)
{
    QList<QByteArray> out;
    AggregationWithin within;
    if (!bounds(l.within, &within.start, &within.end, error))
        return out;
    if (!parsePerDuration(l.per, &within.per)) {
        *error = QStringLiteral("'%1' is not a granularity").arg(l.per);
        return out;
    }
    std::lock_guard<std::recursive_mutex> lock(app.mutex());
    findAggregationRows(
        app.aggregation(aggregation), within,
        [&](const Event &row) { out << eventToJsonLine(aggregation, row).trimmed(); }, error);
    return out;
}

const char *kStock = "define stream stockStream (symbol string, price float, lastClosingPrice "
                     "float, volume long, quantity int, timestamp long);\n";

QByteArray stock(const char *symbol, const char *price, const char *quantity, qint64 ts,
                 qint64 eventTime = 1000)
{
    return QStringLiteral("{\"stream\":\"stockStream\",\"timestamp\":%1,\"data\":[\"%2\",%3,null,"
                          "200,%4,%5]}")
        .arg(eventTime)
        .arg(QLatin1String(symbol), QLatin1String(price), QLatin1String(quantity))
        .arg(ts)
        .toUtf8();
}

} // namespace

void tst_Aggregation::lookup_data()
{
    QTest::addColumn<QByteArray>("app");
    QTest::addColumn<QList<QByteArray>>("input");
    QTest::addColumn<QString>("within");
    QTest::addColumn<QString>("per");
    QTest::addColumn<QList<QByteArray>>("expected");

    const QByteArray stockAgg = QByteArray(kStock)
                                + "define aggregation A from stockStream select symbol, "
                                  "avg(price) as avgPrice, sum(price) as totalPrice, (price * "
                                  "quantity) as lastTradeValue group by symbol aggregate by "
                                  "timestamp every sec...hour;\n";
    // Siddhi: incrementalStreamProcessorTest5 (external time, per seconds, a month pattern).
    QTest::newRow("external time per seconds")
        << stockAgg << QList<QByteArray>{stock("WSO2", "50", "6", 1496289950000),
                                         stock("WSO2", "70", "10", 1496289950000),
                                         stock("WSO2", "60", "56", 1496289952000),
                                         stock("WSO2", "100", "16", 1496289952000),
                                         stock("IBM", "100", "26", 1496289954000),
                                         stock("IBM", "100", "96", 1496289954000)}
        << QStringLiteral("2017-06-** **:**:**") << QStringLiteral("seconds")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1496289950000,"type":"current","data":[1496289950000,"WSO2",60.0,120.0,700.0]})",
               R"({"stream":"A","timestamp":1496289952000,"type":"current","data":[1496289952000,"WSO2",80.0,160.0,1600.0]})",
               R"({"stream":"A","timestamp":1496289954000,"type":"current","data":[1496289954000,"IBM",100.0,200.0,9600.0]})"};

    // Siddhi: incrementalStreamProcessorTest6: groups of one second, several symbols per
    // second, a minute later; within two dates, per seconds.
    QList<QByteArray> test6 = {
        stock("WSO2", "50", "6", 1496289950000),  stock("WSO2", "70", "10", 1496289950000),
        stock("WSO2", "50", "6", 1496289950000),  stock("WSO2", "70", "10", 1496289950000),
        stock("IBM", "100", "26", 1496289951000), stock("IBM", "100", "96", 1496289951000),
        stock("IBM", "900", "60", 1496289952000), stock("IBM", "500", "7", 1496289952000),
        stock("WSO2", "60", "56", 1496289953000), stock("WSO2", "100", "16", 1496289953000),
        stock("IBM", "400", "9", 1496289953000),  stock("WSO2", "140", "11", 1496289953000),
        stock("IBM", "600", "6", 1496289954000),  stock("IBM", "1000", "9", 1496290016000)};
    QTest::newRow("external time, within two dates")
        << QByteArray(QByteArray(kStock)
                      + "define aggregation A from stockStream select symbol, avg(price) as "
                        "avgPrice, sum(price) as totalPrice, (price * quantity) as "
                        "lastTradeValue group by symbol aggregate by timestamp every sec...year;")
        << test6 << QStringLiteral("2017-06-01 04:05:50,2017-06-01 04:06:57")
        << QStringLiteral("seconds")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1496289950000,"type":"current","data":[1496289950000,"WSO2",60.0,240.0,700.0]})",
               R"({"stream":"A","timestamp":1496289951000,"type":"current","data":[1496289951000,"IBM",100.0,200.0,9600.0]})",
               R"({"stream":"A","timestamp":1496289952000,"type":"current","data":[1496289952000,"IBM",700.0,1400.0,3500.0]})",
               R"({"stream":"A","timestamp":1496289953000,"type":"current","data":[1496289953000,"WSO2",100.0,300.0,1540.0]})",
               R"({"stream":"A","timestamp":1496289953000,"type":"current","data":[1496289953000,"IBM",400.0,400.0,3600.0]})",
               R"({"stream":"A","timestamp":1496289954000,"type":"current","data":[1496289954000,"IBM",600.0,600.0,3600.0]})",
               R"({"stream":"A","timestamp":1496290016000,"type":"current","data":[1496290016000,"IBM",1000.0,1000.0,9000.0]})"};

    // The same, rolled up per minute and per hour.
    QTest::newRow("rolled up per minute")
        << QByteArray(QByteArray(kStock)
                      + "define aggregation A from stockStream select symbol, avg(price) as "
                        "avgPrice, sum(price) as totalPrice, count() as n group by symbol "
                        "aggregate by timestamp every sec...year;")
        << test6 << QStringLiteral("2017-06-01 **:**:**") << QStringLiteral("min")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1496289900000,"type":"current","data":[1496289900000,"WSO2",77.14285714285714,540.0,7]})",
               R"({"stream":"A","timestamp":1496289900000,"type":"current","data":[1496289900000,"IBM",433.3333333333333,2600.0,6]})",
               R"({"stream":"A","timestamp":1496289960000,"type":"current","data":[1496289960000,"IBM",1000.0,1000.0,1]})"};
    QTest::newRow("rolled up per hour")
        << QByteArray(QByteArray(kStock)
                      + "define aggregation A from stockStream select symbol, sum(price) as "
                        "totalPrice, count() as n group by symbol aggregate by timestamp every "
                        "sec...year;")
        << test6 << QStringLiteral("2017-**-** **:**:**") << QStringLiteral("hours")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1496289600000,"type":"current","data":[1496289600000,"WSO2",540.0,7]})",
               R"({"stream":"A","timestamp":1496289600000,"type":"current","data":[1496289600000,"IBM",3600.0,7]})"};

    // Siddhi: incrementalStreamProcessorTest9: no group by, every min, day, year; per days
    // across three years. Periods still in progress count (the last day, 2020-08-03).
    QTest::newRow("per days across years")
        << QByteArray(QByteArray(kStock)
                      + "define aggregation A from stockStream select avg(price) as avgPrice, "
                        "sum(price) as totalPrice, (price * quantity) as lastTradeValue, count() "
                        "as count aggregate by timestamp every min, day, year;")
        << QList<QByteArray>{stock("WSO2", "50", "6", 1496289950000),
                             stock("WSO2", "70", "10", 1496289950000),
                             stock("WSO2", "60", "56", 1496289952000),
                             stock("WSO2", "100", "16", 1496289952000),
                             stock("IBM", "100", "26", 1496289954000),
                             stock("IBM", "100", "96", 1496289954000),
                             stock("IBM", "900", "60", 1496289956000),
                             stock("IBM", "500", "7", 1496289956000),
                             stock("IBM", "400", "9", 1496290016000),
                             stock("IBM", "600", "6", 1496290076000),
                             stock("CISCO", "700", "20", 1496293676000),
                             stock("WSO2", "60", "56", 1496297276000),
                             stock("CISCO", "800", "10", 1496383676000),
                             stock("CISCO", "900", "15", 1496470076000),
                             stock("IBM", "100", "96", 1499062076000),
                             stock("IBM", "400", "9", 1501740476000),
                             stock("WSO2", "60", "6", 1533276476000),
                             stock("WSO2", "260", "16", 1564812476000),
                             stock("CISCO", "260", "16", 1596434876000)}
        << QStringLiteral("1496200000000,1596434876000") << QStringLiteral("days")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1496275200000,"type":"current","data":[1496275200000,303.3333333333333,3640.0,3360.0,12]})",
               R"({"stream":"A","timestamp":1496361600000,"type":"current","data":[1496361600000,800.0,800.0,8000.0,1]})",
               R"({"stream":"A","timestamp":1496448000000,"type":"current","data":[1496448000000,900.0,900.0,13500.0,1]})",
               R"({"stream":"A","timestamp":1499040000000,"type":"current","data":[1499040000000,100.0,100.0,9600.0,1]})",
               R"({"stream":"A","timestamp":1501718400000,"type":"current","data":[1501718400000,400.0,400.0,3600.0,1]})",
               R"({"stream":"A","timestamp":1533254400000,"type":"current","data":[1533254400000,60.0,60.0,360.0,1]})",
               R"({"stream":"A","timestamp":1564790400000,"type":"current","data":[1564790400000,260.0,260.0,4160.0,1]})",
               R"({"stream":"A","timestamp":1596412800000,"type":"current","data":[1596412800000,260.0,260.0,4160.0,1]})"};

    QTest::newRow("per years")
        << QByteArray(QByteArray(kStock)
                      + "define aggregation A from stockStream select sum(price) as total, "
                        "count() as n aggregate by timestamp every min, day, year;")
        << QList<QByteArray>{stock("A", "1", "1", 1496289950000),
                             stock("A", "2", "1", 1499062076000),
                             stock("A", "4", "1", 1533276476000),
                             stock("A", "8", "1", 1564812476000)}
        << QStringLiteral("2017-01-01 00:00:00,2020-01-01 00:00:00") << QStringLiteral("year")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1483228800000,"type":"current","data":[1483228800000,3.0,2]})",
               R"({"stream":"A","timestamp":1514764800000,"type":"current","data":[1514764800000,4.0,1]})",
               R"({"stream":"A","timestamp":1546300800000,"type":"current","data":[1546300800000,8.0,1]})"};

    QTest::newRow("per months with a time zone pattern")
        << QByteArray(QByteArray(kStock)
                      + "define aggregation A from stockStream select sum(price) as total "
                        "aggregate by timestamp every sec ... year;")
        << QList<QByteArray>{stock("A", "1", "1", 1496289950000), // 2017-06-01 04:05:50 UTC
                             stock("A", "2", "1", 1498867200000), // 2017-07-01 00:00:00 UTC
                             stock("A", "4", "1", 1501545599000)} // 2017-07-31 23:59:59 UTC
        << QStringLiteral("2017-**-** **:**:**") << QStringLiteral("months")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1496275200000,"type":"current","data":[1496275200000,1.0]})",
               R"({"stream":"A","timestamp":1498867200000,"type":"current","data":[1498867200000,6.0]})"};

    // min, max, count and distinctCount, on processing time (the event timestamps).
    const QByteArray ev = "define stream S (k string, v int, tag string);\n"
                          "define aggregation A from S select k, min(v) as lo, max(v) as hi, "
                          "count() as n, distinctCount(tag) as tags, sum(v) as total group by k "
                          "aggregate every sec ... min;\n";
    auto s = [](const char *k, int v, const char *tag, qint64 ts) {
        return QStringLiteral("{\"stream\":\"S\",\"timestamp\":%1,\"data\":[\"%2\",%3,\"%4\"]}")
            .arg(ts)
            .arg(QLatin1String(k))
            .arg(v)
            .arg(QLatin1String(tag))
            .toUtf8();
    };
    const QList<QByteArray> evIn = {s("a", 5, "x", 1000),  s("a", 3, "y", 1500),
                                    s("b", 7, "x", 1700),  s("a", 9, "x", 2100),
                                    s("b", 1, "z", 62000), s("b", 4, "z", 62500)};
    QTest::newRow("min max count distinctCount per sec")
        << ev << evIn << QStringLiteral("0,100000") << QStringLiteral("sec")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1000,"type":"current","data":[1000,"a",3,5,2,2,8]})",
               R"({"stream":"A","timestamp":1000,"type":"current","data":[1000,"b",7,7,1,1,7]})",
               R"({"stream":"A","timestamp":2000,"type":"current","data":[2000,"a",9,9,1,1,9]})",
               R"({"stream":"A","timestamp":62000,"type":"current","data":[62000,"b",1,4,2,1,5]})"};
    QTest::newRow("min max count distinctCount per min")
        << ev << evIn << QStringLiteral("0,100000") << QStringLiteral("min")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":0,"type":"current","data":[0,"a",3,9,3,2,17]})",
               R"({"stream":"A","timestamp":0,"type":"current","data":[0,"b",7,7,1,1,7]})",
               R"({"stream":"A","timestamp":60000,"type":"current","data":[60000,"b",1,4,2,1,5]})"};
    QTest::newRow("within selects periods")
        << ev << evIn << QStringLiteral("2000,62000") << QStringLiteral("sec")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":2000,"type":"current","data":[2000,"a",9,9,1,1,9]})"};

    // avg over int: Siddhi divides the long sum by the long count.
    QTest::newRow("avg of ints divides longs")
        << QByteArray("define stream S (v int);\n"
                      "define aggregation A from S select avg(v) as a, sum(v) as s "
                      "aggregate every sec;")
        << QList<QByteArray>{R"({"stream":"S","timestamp":1000,"data":[1]})",
                             R"({"stream":"S","timestamp":1100,"data":[2]})"}
        << QStringLiteral("0,5000") << QStringLiteral("sec")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1000,"type":"current","data":[1000,1.0,3]})"};

    // Nulls: sums skip them, the count behind avg does not.
    QTest::newRow("nulls")
        << QByteArray("define stream S (v double);\n"
                      "define aggregation A from S select avg(v) as a, sum(v) as s, count() as "
                      "n, max(v) as m aggregate every sec;")
        << QList<QByteArray>{R"({"stream":"S","timestamp":1000,"data":[4.0]})",
                             R"({"stream":"S","timestamp":1100,"data":[null]})",
                             R"({"stream":"S","timestamp":2000,"data":[null]})"}
        << QStringLiteral("0,5000") << QStringLiteral("sec")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1000,"type":"current","data":[1000,2.0,4.0,2,4.0]})",
               R"({"stream":"A","timestamp":2000,"type":"current","data":[2000,null,null,1,null]})"};

    // A filter on the input; the latest event gives the attributes that are not aggregated.
    QTest::newRow("filter and latest values")
        << QByteArray("define stream S (k string, v int, note string);\n"
                      "define aggregation A from S[v > 0] select k, note, sum(v) as s group by k "
                      "aggregate every sec ... hour;")
        << QList<QByteArray>{R"({"stream":"S","timestamp":1000,"data":["a",1,"first"]})",
                             R"({"stream":"S","timestamp":1200,"data":["a",-5,"skipped"]})",
                             R"({"stream":"S","timestamp":1300,"data":["a",2,"second"]})"}
        << QStringLiteral("0,3600000") << QStringLiteral("hour")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":0,"type":"current","data":[0,"a","second",3]})"};

    // External time out of order: an event older than the period in progress is counted in
    // that period (Siddhi's IncrementalExecutor).
    QTest::newRow("out of order external time")
        << QByteArray("define stream S (v int, ts long);\n"
                      "define aggregation A from S select sum(v) as s aggregate by ts every sec;")
        << QList<QByteArray>{R"({"stream":"S","timestamp":1,"data":[1,1000]})",
                             R"({"stream":"S","timestamp":2,"data":[2,2000]})",
                             R"({"stream":"S","timestamp":3,"data":[4,1500]})"}
        << QStringLiteral("0,5000") << QStringLiteral("sec")
        << QList<QByteArray>{R"({"stream":"A","timestamp":1000,"type":"current","data":[1000,1]})",
                             R"({"stream":"A","timestamp":2000,"type":"current","data":[2000,6]})"};

    // aggregate by a date string.
    QTest::newRow("aggregate by a date string")
        << QByteArray("define stream S (v int, at string);\n"
                      "define aggregation A from S select sum(v) as s aggregate by at every "
                      "sec ... day;")
        << QList<
               QByteArray>{R"({"stream":"S","timestamp":1,"data":[1,"2024-01-01 10:00:00"]})",
                           R"({"stream":"S","timestamp":2,"data":[2,"2024-01-01 12:00:00 +05:30"]})",
                           R"({"stream":"S","timestamp":3,"data":[4,"2024-01-02 00:00:01"]})"}
        << QStringLiteral("2024-01-** **:**:**") << QStringLiteral("days")
        << QList<QByteArray>{
               R"({"stream":"A","timestamp":1704067200000,"type":"current","data":[1704067200000,3]})",
               R"({"stream":"A","timestamp":1704153600000,"type":"current","data":[1704153600000,4]})"};
}

void tst_Aggregation::lookup()
{
    QFETCH(QByteArray, app);
    QFETCH(QList<QByteArray>, input);
    QFETCH(QString, within);
    QFETCH(QString, per);
    QFETCH(QList<QByteArray>, expected);

    QString error;
    auto runtime = makeApp(app, &error);
    QVERIFY2(runtime, qPrintable(error));
    runtime->start();
    for (const QByteArray &line : std::as_const(input))
        QVERIFY2(replayLine(*runtime, line, &error), qPrintable(error));
    const QList<QByteArray> actual = rows(*runtime, QStringLiteral("A"), {within, per}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(actual == expected, qPrintable(QStringLiteral("\n--- expected\n%1\n--- actual\n%2")
                                                .arg(QString::fromUtf8(expected.join('\n')),
                                                     QString::fromUtf8(actual.join('\n')))));
    runtime->shutdown();
}

void tst_Aggregation::withinPatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::newRow("second") << "2017-06-01 04:05:50" << qint64(1496289950000)
                            << qint64(1496289951000);
    QTest::newRow("minute") << "2017-06-01 04:05:**" << qint64(1496289900000)
                            << qint64(1496289960000);
    QTest::newRow("hour") << "2017-06-01 04:**:**" << qint64(1496289600000)
                          << qint64(1496293200000);
    QTest::newRow("day") << "2017-06-01 **:**:**" << qint64(1496275200000) << qint64(1496361600000);
    QTest::newRow("month") << "2017-06-** **:**:**" << qint64(1496275200000)
                           << qint64(1498867200000);
    QTest::newRow("year") << "2017-**-** **:**:**" << qint64(1483228800000)
                          << qint64(1514764800000);
    QTest::newRow("month with offset")
        << "2017-06-** **:**:** +05:30" << qint64(1496275200000 - 19800000)
        << qint64(1498867200000 - 19800000);
    QTest::newRow("second with negative offset")
        << "2017-06-01 04:05:50 -02:00" << qint64(1496289950000 + 7200000)
        << qint64(1496289951000 + 7200000);
}

void tst_Aggregation::withinPatterns()
{
    QFETCH(QString, pattern);
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    int64_t s = 0, e = 0;
    QString error;
    QVERIFY2(parseWithinTime(pattern, &s, &e, &error), qPrintable(error));
    QCOMPARE(qint64(s), start);
    QCOMPARE(qint64(e), end);
}

void tst_Aggregation::withinRangeChecks()
{
    int64_t s = 0, e = 0;
    QString error;
    QVERIFY(!parseWithinTime(QStringLiteral("2017-06-** 04:**:**"), &s, &e, &error));
    QVERIFY(!parseWithinTime(QStringLiteral("2017/06/01"), &s, &e, &error));
    QVERIFY(parseWithinTime(QStringLiteral("2024-01-01 00:00:00 +05:30"), &s, nullptr, &error));
    QCOMPARE(qint64(s), qint64(1704047400000));
    QCOMPARE(qint64(aggregationPeriodStart(1496289950123, Rivulet::Lang::Ast::Duration::Months)),
             qint64(1496275200000));
    QCOMPARE(qint64(aggregationNextPeriod(1496289950123, Rivulet::Lang::Ast::Duration::Years)),
             qint64(1514764800000));
    QCOMPARE(qint64(aggregationPeriodStart(1496289950123, Rivulet::Lang::Ast::Duration::Hours)),
             qint64(1496289600000));
}

void tst_Aggregation::perNotAggregated()
{
    QString error;
    auto app = makeApp("define stream S (v int);\n"
                       "define aggregation A from S select sum(v) as s aggregate every sec, min;",
                       &error);
    QVERIFY2(app, qPrintable(error));
    const QList<QByteArray> out = rows(*app, QStringLiteral("A"),
                                       {QStringLiteral("0,1000"), QStringLiteral("hours")}, &error);
    QVERIFY(out.isEmpty());
    QVERIFY2(error.contains(QLatin1String("no hour granularity")), qPrintable(error));
    error.clear();
    rows(*app, QStringLiteral("A"), {QStringLiteral("0,1000"), QStringLiteral("weeks")}, &error);
    QVERIFY2(error.contains(QLatin1String("no week granularity")), qPrintable(error));
}

void tst_Aggregation::invalidDefinitions_data()
{
    QTest::addColumn<QByteArray>("app");
    QTest::addColumn<QString>("message");
    QTest::newRow("retention below the minimum")
        << QByteArray("define stream S (v int);\n"
                      "@purge(enable='true', interval='10 sec', @retentionPeriod(sec='10 sec'))\n"
                      "define aggregation A from S select sum(v) as s aggregate every sec ... min;")
        << QStringLiteral("minimum");
    QTest::newRow("retention of a granularity not aggregated")
        << QByteArray("define stream S (v int);\n"
                      "@purge(enable='true', @retentionPeriod(hour='30 days'))\n"
                      "define aggregation A from S select sum(v) as s aggregate every sec ... min;")
        << QStringLiteral("does not aggregate by it");
    QTest::newRow("aggregate that cannot be incremental")
        << QByteArray("define stream S (v double);\n"
                      "define aggregation A from S select stdDev(v) as s aggregate every sec;")
        << QStringLiteral("cannot be aggregated incrementally");
}

void tst_Aggregation::invalidDefinitions()
{
    QFETCH(QByteArray, app);
    QFETCH(QString, message);
    QString error;
    auto runtime = makeApp(app, &error);
    QVERIFY(!runtime);
    QVERIFY2(error.contains(message), qPrintable(error));
}

void tst_Aggregation::purgeDropsOldPeriods()
{
    QString error;
    auto app = makeApp("define stream S (v int);\n"
                       "@purge(enable='true', interval='10 sec', "
                       "@retentionPeriod(sec='120 sec', min='all'))\n"
                       "define aggregation A from S select sum(v) as s aggregate every sec ... "
                       "min;",
                       &error);
    QVERIFY2(app, qPrintable(error));
    app->start();
    for (const char *line : {R"({"stream":"S","timestamp":1000,"data":[1]})",
                             R"({"stream":"S","timestamp":2000,"data":[2]})",
                             R"({"stream":"S","timestamp":125000,"data":[4]})"})
        QVERIFY(replayLine(*app, line, &error));
    // Purged at 130 s: seconds before 10 s are gone; minutes are kept.
    QVERIFY(replayLine(*app, R"({"time":130000})", &error));
    const auto secs = rows(*app, QStringLiteral("A"),
                           {QStringLiteral("0,200000"), QStringLiteral("sec")}, &error);
    QCOMPARE(secs, (QList<QByteArray>{
                       R"({"stream":"A","timestamp":125000,"type":"current","data":[125000,4]})"}));
    const auto mins = rows(*app, QStringLiteral("A"),
                           {QStringLiteral("0,200000"), QStringLiteral("min")}, &error);
    QCOMPARE(mins, (QList<QByteArray>{
                       R"({"stream":"A","timestamp":0,"type":"current","data":[0,3]})",
                       R"({"stream":"A","timestamp":120000,"type":"current","data":[120000,4]})"}));
}

void tst_Aggregation::processingTimeClosesPeriods()
{
    // On processing time the scheduler closes a period when its time is over, even without
    // new events: the period is then stored and rolled up, and a late event (older timestamp)
    // counts in the period in progress.
    QString error;
    auto app = makeApp("define stream S (v int);\n"
                       "define aggregation A from S select sum(v) as s aggregate every sec ... "
                       "min;",
                       &error);
    QVERIFY2(app, qPrintable(error));
    app->start();
    QVERIFY(replayLine(*app, R"({"stream":"S","timestamp":1000,"data":[1]})", &error));
    QVERIFY(replayLine(*app, R"({"time":2500})", &error));
    QVERIFY(replayLine(*app, R"({"stream":"S","timestamp":1200,"data":[2]})", &error));
    const auto secs =
        rows(*app, QStringLiteral("A"), {QStringLiteral("0,10000"), QStringLiteral("sec")}, &error);
    QCOMPARE(secs, (QList<QByteArray>{
                       R"({"stream":"A","timestamp":1000,"type":"current","data":[1000,1]})",
                       R"({"stream":"A","timestamp":2000,"type":"current","data":[2000,2]})"}));
}

QTEST_APPLESS_MAIN(tst_Aggregation)
#include "tst_aggregation.moc"
