#include "engine/gateway/keystore.h"
#include "engine/gateway/policy.h"
#include "engine/gateway/usagereport.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Rivulet::Gateway;

namespace {

int64_t at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

class tst_Throttling : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowsAlignToUtc_data();
    void windowsAlignToUtc();
    void quotaPerDay();
    void burstLimitsASecond();
    void allOrNoneForAGroup();
    void unlimitedCountsButNeverRefuses();
    void billingUsesTheFreeAllowanceOncePerMonth();
    void csvEscapesNames();
};

void tst_Throttling::windowsAlignToUtc_data()
{
    QTest::addColumn<int>("unit");
    QTest::addColumn<int>("unitTime");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("start");
    QTest::addColumn<QString>("end");
    QTest::newRow("day") << int(TimeUnit::Day) << 1 << "2026-11-27T17:05:00Z"
                         << "2026-11-27T00:00:00Z"
                         << "2026-11-28T00:00:00Z";
    QTest::newRow("minute") << int(TimeUnit::Minute) << 1 << "2026-11-27T17:05:42Z"
                            << "2026-11-27T17:05:00Z"
                            << "2026-11-27T17:06:00Z";
    QTest::newRow("10 minutes") << int(TimeUnit::Minute) << 10 << "2026-11-27T17:05:42Z"
                                << "2026-11-27T17:00:00Z"
                                << "2026-11-27T17:10:00Z";
    QTest::newRow("month") << int(TimeUnit::Month) << 1 << "2026-02-27T17:05:00Z"
                           << "2026-02-01T00:00:00Z"
                           << "2026-03-01T00:00:00Z";
    QTest::newRow("december") << int(TimeUnit::Month) << 1 << "2026-12-31T23:59:59Z"
                              << "2026-12-01T00:00:00Z"
                              << "2027-01-01T00:00:00Z";
}

void tst_Throttling::windowsAlignToUtc()
{
    QFETCH(int, unit);
    QFETCH(int, unitTime);
    QFETCH(QString, now);
    QFETCH(QString, start);
    QFETCH(QString, end);
    const int64_t t = at(now.toLatin1().constData());
    QCOMPARE(windowStart(TimeUnit(unit), unitTime, t), at(start.toLatin1().constData()));
    QCOMPARE(windowEnd(TimeUnit(unit), unitTime, t), at(end.toLatin1().constData()));
}

void tst_Throttling::quotaPerDay()
{
    ThrottlePolicy bronze = defaultPolicies().at(2);
    QCOMPARE(bronze.name, QStringLiteral("AsyncBronze"));
    QuotaCounter c;
    const int64_t t = at("2026-11-27T10:00:00Z");
    for (int i = 0; i < 5000; ++i)
        QCOMPARE(admit(bronze, c, 1, t), Admission::Admitted);
    QVERIFY(quotaExhausted(bronze, c, t));
    QCOMPARE(admit(bronze, c, 1, t + 1000), Admission::OverQuota);
    QCOMPARE(c.count, 5000);
    // A new UTC day, a new quota.
    QVERIFY(!quotaExhausted(bronze, c, at("2026-11-28T00:00:00Z")));
    QCOMPARE(admit(bronze, c, 1, at("2026-11-28T00:00:00Z")), Admission::Admitted);
    QCOMPARE(c.count, 1);
}

void tst_Throttling::burstLimitsASecond()
{
    ThrottlePolicy p;
    p.count = 1000;
    p.timeUnit = TimeUnit::Minute;
    p.burstCount = 3;
    p.burstUnit = TimeUnit::Second;
    QuotaCounter c;
    const int64_t t = at("2026-11-27T10:00:00Z");
    QCOMPARE(admit(p, c, 1, t), Admission::Admitted);
    QCOMPARE(admit(p, c, 1, t + 100), Admission::Admitted);
    QCOMPARE(admit(p, c, 1, t + 200), Admission::Admitted);
    QCOMPARE(admit(p, c, 1, t + 300), Admission::OverBurst);
    QCOMPARE(c.count, 3); // a refused event is not counted
    QCOMPARE(admit(p, c, 1, t + 1000), Admission::Admitted);
}

void tst_Throttling::allOrNoneForAGroup()
{
    ThrottlePolicy p;
    p.count = 10;
    QuotaCounter c;
    const int64_t t = at("2026-11-27T10:00:00Z");
    QCOMPARE(admit(p, c, 4, t), Admission::Admitted);
    QCOMPARE(admit(p, c, 4, t), Admission::Admitted);
    QCOMPARE(admit(p, c, 4, t), Admission::OverQuota); // 12 > 10: none of the 4
    QCOMPARE(c.count, 8);
    QCOMPARE(admit(p, c, 2, t), Admission::Admitted);
}

void tst_Throttling::unlimitedCountsButNeverRefuses()
{
    const ThrottlePolicy unlimited = defaultPolicies().at(3);
    QVERIFY(unlimited.unlimited());
    QuotaCounter c;
    const int64_t t = at("2026-11-27T10:00:00Z");
    for (int i = 0; i < 100; ++i)
        QCOMPARE(admit(unlimited, c, 1000, t), Admission::Admitted);
    QCOMPARE(c.count, 100000);
    QVERIFY(!quotaExhausted(unlimited, c, t));
}

void tst_Throttling::billingUsesTheFreeAllowanceOncePerMonth()
{
    QTemporaryDir dir;
    KeyStore store;
    QString error;
    QVERIFY2(store.open(dir.filePath(QStringLiteral("k.db")), &error), qPrintable(error));
    ApplicationRecord app;
    app.uuid = QStringLiteral("app-1");
    app.tenant = QStringLiteral("quantis.com");
    app.owner = QStringLiteral("bob@quantis.com");
    app.name = QStringLiteral("Trains, \"live\"");
    app.clientId = QStringLiteral("c1");
    app.clientSecretHash = "x";
    QVERIFY(store.insertApplication(&app));
    SubscriptionRecord sub;
    sub.uuid = QStringLiteral("sub-1");
    sub.applicationId = app.id;
    sub.tenant = app.tenant;
    sub.api = QStringLiteral("TrainRealLocationAPI");
    sub.apiVersion = QStringLiteral("1.0.0");
    sub.policy = QStringLiteral("Metered");
    QVERIFY(store.insertSubscription(&sub));
    const QList<UsageRecord> days = {
        {sub.id, QStringLiteral("2026-10-31"), 700, 0, 7000},
        {sub.id, QStringLiteral("2026-11-01"), 600, 1, 6000},
        {sub.id, QStringLiteral("2026-11-02"), 600, 2, 6000},
        {sub.id, QStringLiteral("2026-11-03"), 300, 0, 3000},
    };
    QVERIFY(store.saveCounters({}, days));
    // Counters add up when saved again.
    QVERIFY(store.saveCounters({}, {{sub.id, QStringLiteral("2026-11-03"), 100, 0, 1000}}));

    ThrottlePolicy metered;
    metered.name = QStringLiteral("Metered");
    metered.price = 2.0;
    metered.pricePerEvents = 100;
    metered.freeEvents = 1000;
    QList<UsageRow> rows;
    UsageFilter month;
    QVERIFY(buildUsageReport(store, {metered}, month, &rows, &error));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].period, QStringLiteral("2026-10"));
    QCOMPARE(rows[0].delivered, 700);
    QCOMPARE(rows[0].billableEvents, 0);
    QCOMPARE(rows[1].period, QStringLiteral("2026-11"));
    QCOMPARE(rows[1].delivered, 1600);
    QCOMPARE(rows[1].throttled, 3);
    QCOMPARE(rows[1].billableEvents, 600);
    QCOMPARE(rows[1].amount, 12.0);

    UsageFilter daily;
    daily.period = QStringLiteral("day");
    daily.from = QStringLiteral("2026-11-02");
    QVERIFY(buildUsageReport(store, {metered}, daily, &rows, &error));
    QCOMPARE(rows.size(), 2);
    // 600 on the 1st used 600 of the 1000 free; the 2nd is 200 over; the 3rd all billable.
    QCOMPARE(rows[0].billableEvents, 200);
    QCOMPARE(rows[1].billableEvents, 400);

    UsageFilter bad;
    bad.period = QStringLiteral("week");
    QVERIFY(!buildUsageReport(store, {metered}, bad, &rows, &error));
    bad.period = QStringLiteral("day");
    bad.from = QStringLiteral("2026-13-01' OR 1=1 --");
    QVERIFY(!buildUsageReport(store, {metered}, bad, &rows, &error));
}

void tst_Throttling::csvEscapesNames()
{
    UsageRow r;
    r.period = QStringLiteral("2026-11");
    r.application = QStringLiteral("Trains, \"live\"");
    r.currency = QStringLiteral("USD");
    const QByteArray csv = usageCsv({r});
    QVERIFY(csv.startsWith("period,tenant,application,"));
    QVERIFY2(csv.contains(",\"Trains, \"\"live\"\"\","), csv.constData());
}

QTEST_GUILESS_MAIN(tst_Throttling)
#include "tst_throttling.moc"
