// On-demand (store) queries through AppRuntime::query: find, insert, delete, update and update
// or insert against tables and named windows, and the errors a caller can make.
#include "engine/runtime/appruntime.h"

#include <QTest>

using namespace Rivulet::Runtime;

namespace {

const char *kApp = R"(
@App:name('OnDemand')
define stream StockStream (symbol string, sector string, price float, volume long);
@PrimaryKey('symbol')
define table StockTable (symbol string, sector string, price float, volume long);
define window StockWindow (symbol string, sector string, price float, volume long) length(2);
from StockStream insert into StockTable;
from StockStream insert into StockWindow;
)";

} // namespace

class tst_OnDemand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void find_data();
    void find();
    void insert();
    void insertDuplicateKey();
    void deleteRows();
    void update();
    void updateOrInsert();
    void errors_data();
    void errors();

private:
    QList<QVariantList> run(const QString &query);
    Engine m_engine{
        Engine::Options{ClockMode::Manual, [](LogLevel, const QString &, const QString &) {}}};
    std::unique_ptr<AppRuntime> m_app;
};

void tst_OnDemand::init()
{
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    m_app = m_engine.createApp(kApp, QStringLiteral("ondemand.siddhi"), &diagnostics);
    QVERIFY(m_app);
    m_app->start();
    InputHandler *in = m_app->inputHandler(QStringLiteral("StockStream"));
    QVERIFY(in->send(1000, {QStringLiteral("WSO2"), QStringLiteral("tech"), 55.5, qlonglong(100)}));
    QVERIFY(in->send(1100, {QStringLiteral("IBM"), QStringLiteral("tech"), 75.5, qlonglong(10)}));
    QVERIFY(in->send(1200, {QStringLiteral("XOM"), QStringLiteral("energy"), 40.0, qlonglong(7)}));
}

void tst_OnDemand::cleanup()
{
    if (m_app)
        m_app->shutdown();
    m_app.reset();
}

QList<QVariantList> tst_OnDemand::run(const QString &query)
{
    QString error;
    const QList<QVariantList> rows = m_app->query(query, &error);
    if (!error.isEmpty())
        qWarning("%s: %s", qPrintable(query), qPrintable(error));
    return rows;
}

void tst_OnDemand::find_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QList<QVariantList>>("expected");
    QTest::newRow("all rows of a table")
        << QStringLiteral("from StockTable select symbol, volume")
        << QList<QVariantList>{{QStringLiteral("WSO2"), qlonglong(100)},
                               {QStringLiteral("IBM"), qlonglong(10)},
                               {QStringLiteral("XOM"), qlonglong(7)}};
    QTest::newRow("no select means select *")
        << QStringLiteral("from StockTable on symbol == 'XOM'")
        << QList<QVariantList>{
               {QStringLiteral("XOM"), QStringLiteral("energy"), 40.0f, qlonglong(7)}};
    QTest::newRow("condition") << QStringLiteral("from StockTable on price > 50 select symbol")
                               << QList<QVariantList>{{QStringLiteral("WSO2")},
                                                      {QStringLiteral("IBM")}};
    QTest::newRow("primary key lookup, qualified")
        << QStringLiteral("from StockTable on StockTable.symbol == 'IBM' select price")
        << QList<QVariantList>{{75.5f}};
    QTest::newRow("alias") << QStringLiteral(
        "from StockTable as t on t.volume < 50 select t.symbol")
                           << QList<QVariantList>{{QStringLiteral("IBM")}, {QStringLiteral("XOM")}};
    QTest::newRow("no match") << QStringLiteral("from StockTable on symbol == 'NONE' select symbol")
                              << QList<QVariantList>{};
    QTest::newRow("aggregates give one row")
        << QStringLiteral("from StockTable select count() as n, sum(volume) as total")
        << QList<QVariantList>{{qlonglong(3), qlonglong(117)}};
    QTest::newRow("group by, order by")
        << QStringLiteral("from StockTable select sector, sum(volume) as total group by sector "
                          "order by total")
        << QList<QVariantList>{{QStringLiteral("energy"), qlonglong(7)},
                               {QStringLiteral("tech"), qlonglong(110)}};
    QTest::newRow("limit and offset")
        << QStringLiteral("from StockTable select symbol order by symbol limit 1 offset 1")
        << QList<QVariantList>{{QStringLiteral("WSO2")}};
    QTest::newRow("named window holds the last two")
        << QStringLiteral("from StockWindow select symbol")
        << QList<QVariantList>{{QStringLiteral("IBM")}, {QStringLiteral("XOM")}};
    QTest::newRow("named window with condition")
        << QStringLiteral("from StockWindow on volume > 8 select symbol, volume")
        << QList<QVariantList>{{QStringLiteral("IBM"), qlonglong(10)}};
}

void tst_OnDemand::find()
{
    QFETCH(QString, query);
    QFETCH(QList<QVariantList>, expected);
    QString error;
    const QList<QVariantList> rows = m_app->query(query, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows, expected);
}

void tst_OnDemand::insert()
{
    QString error;
    QVERIFY(m_app
                ->query(QStringLiteral("select 'ORCL' as symbol, 'tech' as sector, 12.5f as price, "
                                       "5L as volume insert into StockTable"),
                        &error)
                .isEmpty());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockTable on symbol == 'ORCL' select price, volume")),
             (QList<QVariantList>{{12.5f, qlonglong(5)}}));
    // Into a named window: the oldest event leaves.
    m_app->query(QStringLiteral("select 'ORCL' as symbol, 'tech' as sector, 12.5f as price, 5L "
                                "as volume insert into StockWindow"),
                 &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockWindow select symbol")),
             (QList<QVariantList>{{QStringLiteral("XOM")}, {QStringLiteral("ORCL")}}));
}

void tst_OnDemand::insertDuplicateKey()
{
    QString error;
    m_app->query(QStringLiteral("select 'IBM' as symbol, 'tech' as sector, 1.0f as price, 1L as "
                                "volume insert into StockTable"),
                 &error);
    QVERIFY(!error.isEmpty());
    QCOMPARE(run(QStringLiteral("from StockTable on symbol == 'IBM' select volume")),
             (QList<QVariantList>{{qlonglong(10)}}));
}

void tst_OnDemand::deleteRows()
{
    QString error;
    m_app->query(QStringLiteral("delete StockTable on StockTable.sector == 'tech'"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockTable select symbol")),
             (QList<QVariantList>{{QStringLiteral("XOM")}}));
    // With a select clause: its attributes are what the condition compares with.
    m_app->query(QStringLiteral("select 'XOM' as s delete StockTable on StockTable.symbol == s"),
                 &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockTable select symbol")), QList<QVariantList>{});
}

void tst_OnDemand::update()
{
    QString error;
    m_app->query(QStringLiteral("update StockTable set StockTable.price = 99.5f, StockTable.volume "
                                "= StockTable.volume * 2 on StockTable.symbol == 'WSO2'"),
                 &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockTable on symbol == 'WSO2' select price, volume")),
             (QList<QVariantList>{{99.5f, qlonglong(200)}}));
    m_app->query(QStringLiteral("select 1L as v update StockTable set StockTable.volume = v on "
                                "StockTable.volume < 50"),
                 &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockTable select symbol, volume")),
             (QList<QVariantList>{{QStringLiteral("WSO2"), qlonglong(200)},
                                  {QStringLiteral("IBM"), qlonglong(1)},
                                  {QStringLiteral("XOM"), qlonglong(1)}}));
}

void tst_OnDemand::updateOrInsert()
{
    QString error;
    const QString q = QStringLiteral(
        "select '%1' as symbol, 'tech' as sector, %2f as price, 3L as volume update or insert into "
        "StockTable on StockTable.symbol == symbol");
    m_app->query(q.arg(QStringLiteral("NEW"), QStringLiteral("1.5")), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_app->query(q.arg(QStringLiteral("IBM"), QStringLiteral("2.5")), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(run(QStringLiteral("from StockTable on volume == 3 select symbol, price")),
             (QList<QVariantList>{{QStringLiteral("IBM"), 2.5f}, {QStringLiteral("NEW"), 1.5f}}));
}

void tst_OnDemand::errors_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("syntax") << QStringLiteral("from StockTable select");
    QTest::newRow("unknown table") << QStringLiteral("from NoSuchTable select *");
    QTest::newRow("a stream is not a store") << QStringLiteral("from StockStream select *");
    QTest::newRow("unknown attribute") << QStringLiteral("from StockTable select nope");
    QTest::newRow("delete from a window") << QStringLiteral("delete StockWindow on volume > 1");
    QTest::newRow("insert of the wrong shape")
        << QStringLiteral("select 'X' as symbol insert into StockTable");
}

void tst_OnDemand::errors()
{
    QFETCH(QString, query);
    QString error;
    QVERIFY(m_app->query(query, &error).isEmpty());
    QVERIFY2(!error.isEmpty(), "an error message is expected");
    // The app goes on.
    QCOMPARE(run(QStringLiteral("from StockTable select count() as n")),
             (QList<QVariantList>{{qlonglong(3)}}));
}

QTEST_APPLESS_MAIN(tst_OnDemand)
#include "tst_ondemand.moc"
