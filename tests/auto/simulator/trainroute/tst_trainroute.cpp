// TRAIN_ROUTE_SIMULATION: reported positions stay on the polyline within the GPS noise, trains
// move at their speeds, turn back, loop or stop at the end, and report in turn.
#include "../simulatortest.h"

#include "simulator/trainroutesource.h"

#include <QSet>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <numbers>

using namespace SimTest;

class tst_TrainRoute : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void staysWithinNoise_data();
    void staysWithinNoise();
    void movesAtItsSpeed();
    void reverseReachesBothEnds();
    void stopsAtTheEnd();
    void loopRestarts();
    void reportsInTurn();
    void attributesByName();
    void errors();

private:
    static double metresToRoute(double lat, double lon, const QList<GeoPoint> &route);
    static double metresBetween(double lat1, double lon1, double lat2, double lon2);
};

namespace {

const QList<GeoPoint> kRoute = {{6.93370, 79.85020}, {6.92890, 79.86480}, {6.94880, 79.87650},
                                {6.97720, 79.88750}, {7.02810, 79.92120}, {7.09120, 79.99990},
                                {7.15640, 80.09510}, {7.33400, 80.29940}};

QJsonObject trainSource(int trains, const QJsonValue &speed, double noise, qint64 interval,
                        const QString &end = QStringLiteral("reverse"),
                        const QList<GeoPoint> &route = kRoute)
{
    QJsonArray points;
    for (const GeoPoint &p : route)
        points.append(QJsonArray{p.latitude, p.longitude});
    return {{QStringLiteral("simulationType"), QStringLiteral("TRAIN_ROUTE_SIMULATION")},
            {QStringLiteral("streamName"), QStringLiteral("TrainSensorStream")},
            {QStringLiteral("trains"), trains},
            {QStringLiteral("speed"), speed},
            {QStringLiteral("gpsNoise"), noise},
            {QStringLiteral("reportInterval"), double(interval)},
            {QStringLiteral("routeEnd"), end},
            {QStringLiteral("route"), points}};
}

const StreamSchema kTrainSchema =
    TrainRouteSource::defaultSchema(QStringLiteral("TrainSensorStream"));

} // namespace

// Worked out here, apart from the simulator: the distance from a point to the nearest segment,
// in metres, each segment flattened around its mean latitude (a rail segment is short enough).
double tst_TrainRoute::metresToRoute(double lat, double lon, const QList<GeoPoint> &route)
{
    const double k = 6371008.8 * std::numbers::pi / 180.0;
    double best = 1e300;
    for (qsizetype i = 1; i < route.size(); ++i) {
        // Segment end points relative to the point, in metres.
        const double c1 =
            std::cos((route[i - 1].latitude + route[i].latitude) / 2 * std::numbers::pi / 180.0);
        const double ax = (route[i - 1].longitude - lon) * k * c1;
        const double ay = (route[i - 1].latitude - lat) * k;
        const double bx = (route[i].longitude - lon) * k * c1;
        const double by = (route[i].latitude - lat) * k;
        const double dx = bx - ax, dy = by - ay;
        const double len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
        t = std::clamp(t, 0.0, 1.0);
        best = std::min(best, std::hypot(ax + t * dx, ay + t * dy));
    }
    return best;
}

double tst_TrainRoute::metresBetween(double lat1, double lon1, double lat2, double lon2)
{
    // Haversine.
    const double r = 6371008.8;
    const double p1 = lat1 * std::numbers::pi / 180, p2 = lat2 * std::numbers::pi / 180;
    const double dp = p2 - p1, dl = (lon2 - lon1) * std::numbers::pi / 180;
    const double a = std::sin(dp / 2) * std::sin(dp / 2)
                     + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2 * r * std::asin(std::sqrt(a));
}

void tst_TrainRoute::staysWithinNoise_data()
{
    QTest::addColumn<double>("noise");
    QTest::addColumn<QString>("end");
    QTest::newRow("no noise") << 0.0 << QStringLiteral("reverse");
    QTest::newRow("8 m, reverse") << 8.0 << QStringLiteral("reverse");
    QTest::newRow("25 m, loop") << 25.0 << QStringLiteral("loop");
    QTest::newRow("3 m, stop") << 3.0 << QStringLiteral("stop");
}

void tst_TrainRoute::staysWithinNoise()
{
    QFETCH(double, noise);
    QFETCH(QString, end);
    // Reports a minute apart for 5 trains: hours of travel, many ends of the line.
    const Pulled p = pull(trainSource(5, QJsonArray{80, 60, 100, 120, 45}, noise, 60000, end),
                          kTrainSchema, 5000);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows.size(), size_t(5000));
    double sum = 0, worst = 0;
    for (const QVariantList &row : p.rows) {
        const double d = metresToRoute(row[1].toDouble(), row[2].toDouble(), kRoute);
        worst = std::max(worst, d);
        sum += d;
    }
    // Within the noise (and the projection's rounding, far below a centimetre here).
    QVERIFY2(worst <= noise + 0.01, qPrintable(QStringLiteral("%1 m off the route").arg(worst)));
    if (noise > 0) {
        // The noise is there: on average a fair part of it.
        QVERIFY2(sum / double(p.rows.size()) > noise / 5,
                 qPrintable(QStringLiteral("mean %1 m").arg(sum / double(p.rows.size()))));
    }
}

void tst_TrainRoute::movesAtItsSpeed()
{
    // One train at 72 km/h = 20 m/s, reporting every second, no noise.
    const Pulled p = pull(trainSource(1, 72, 0, 1000), kTrainSchema, 600);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    std::vector<double> steps;
    for (size_t i = 1; i < p.rows.size(); ++i) {
        const double d = metresBetween(p.rows[i - 1][1].toDouble(), p.rows[i - 1][2].toDouble(),
                                       p.rows[i][1].toDouble(), p.rows[i][2].toDouble());
        // A straight step is never longer than the track between (20 m), and is 20 m apart
        // from the corners.
        QVERIFY2(d <= 20.0 * 1.005, qPrintable(QString::number(d)));
        steps.push_back(d);
        QCOMPARE(p.rows[i][3].toDouble(), 72.0);
    }
    std::sort(steps.begin(), steps.end());
    QVERIFY2(std::fabs(steps[steps.size() / 2] - 20.0) < 0.1,
             qPrintable(QString::number(steps[steps.size() / 2])));
}

void tst_TrainRoute::reverseReachesBothEnds()
{
    const Pulled p = pull(trainSource(1, 100, 0, 60000), kTrainSchema, 200);
    double nearFirst = 1e300, nearLast = 1e300;
    for (const QVariantList &row : p.rows) {
        const double lat = row[1].toDouble(), lon = row[2].toDouble();
        nearFirst = std::min(
            nearFirst, metresBetween(lat, lon, kRoute.first().latitude, kRoute.first().longitude));
        nearLast = std::min(
            nearLast, metresBetween(lat, lon, kRoute.last().latitude, kRoute.last().longitude));
    }
    // 100 km/h, a report a minute: always within 1.7 km of an end when passing it.
    QVERIFY2(nearFirst < 1700 && nearLast < 1700,
             qPrintable(QStringLiteral("%1 m, %2 m").arg(nearFirst).arg(nearLast)));
}

void tst_TrainRoute::stopsAtTheEnd()
{
    const Pulled p = pull(trainSource(2, 100, 0, 60000, QStringLiteral("stop")), kTrainSchema, 400);
    const QVariantList &last = p.rows.back();
    QCOMPARE(last[3].toDouble(), 0.0);
    QVERIFY(metresBetween(last[1].toDouble(), last[2].toDouble(), kRoute.last().latitude,
                          kRoute.last().longitude)
            < 0.01);
}

void tst_TrainRoute::loopRestarts()
{
    // A square loop of about 1.1 km a side at 36 km/h (10 m/s): back at the start in ~445 s.
    const QList<GeoPoint> square = {{0, 0}, {0, 0.01}, {0.01, 0.01}, {0.01, 0}, {0, 0}};
    const Pulled p =
        pull(trainSource(1, 36, 0, 1000, QStringLiteral("loop"), square), kTrainSchema, 1000);
    int nearStart = 0;
    for (const QVariantList &row : p.rows) {
        QVERIFY(metresToRoute(row[1].toDouble(), row[2].toDouble(), square) < 0.01);
        if (metresBetween(row[1].toDouble(), row[2].toDouble(), 0, 0) < 10)
            ++nearStart;
    }
    QVERIFY2(nearStart >= 3, qPrintable(QString::number(nearStart))); // t=0, ~445 s, ~890 s
}

void tst_TrainRoute::reportsInTurn()
{
    QJsonObject src = trainSource(3, 80, 5, 1000);
    src.insert(QStringLiteral("trainIds"),
               QJsonArray{QStringLiteral("456"), QStringLiteral("123")});
    const Pulled p = pull(src, kTrainSchema, 9, 7, 1'700'000'000'000);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    const qint64 t0 = 1'700'000'000'000;
    QCOMPARE(p.timestamps, (std::vector<qint64>{t0, t0 + 333, t0 + 666, t0 + 1000, t0 + 1333,
                                                t0 + 1666, t0 + 2000, t0 + 2333, t0 + 2666}));
    QStringList ids;
    for (size_t i = 0; i < 3; ++i)
        ids << p.rows[i][0].toString();
    // Named trains first, then the prefix for the rest.
    QCOMPARE(ids, (QStringList{QStringLiteral("456"), QStringLiteral("123"),
                               QStringLiteral("train-3")}));
    // The timestamp attribute holds the event's timestamp.
    for (size_t i = 0; i < p.rows.size(); ++i)
        QCOMPARE(p.rows[i][4].toLongLong(), p.timestamps[i]);

    // The same seed, the same noise; another seed, other noise.
    QCOMPARE(pull(src, kTrainSchema, 9, 7, t0).rows, p.rows);
    QVERIFY(pull(src, kTrainSchema, 9, 8, t0).rows != p.rows);
}

void tst_TrainRoute::attributesByName()
{
    // Another order, other types, names in other case, an attribute the route does not give.
    const StreamSchema s = schema(QStringLiteral("TrainSensorStream"),
                                  QStringLiteral("LAT float, lng double, train int, speed int, "
                                                 "note string, ts long"));
    QJsonObject src = trainSource(2, 80.4, 0, 1000);
    src.insert(QStringLiteral("trainIds"), QJsonArray{QStringLiteral("7"), QStringLiteral("9")});
    const Pulled p = pull(src, s, 2, 7, 5000);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows[1][2].toInt(), 9);
    QCOMPARE(p.rows[1][3].toInt(), 80);
    QVERIFY(p.rows[1][4].isNull());
    QCOMPARE(p.rows[1][5].toLongLong(), qlonglong(5500));
    QVERIFY(std::fabs(p.rows[0][0].toFloat() - 6.9337f) < 1e-3f);
}

void tst_TrainRoute::errors()
{
    Pulled p = pull(
        trainSource(1, 80, 0, 1000),
        schema(QStringLiteral("TrainSensorStream"), QStringLiteral("trainId string, x double")), 1);
    QVERIFY2(p.error.contains(QStringLiteral("needs 'latitude' and 'longitude'")),
             qPrintable(p.error));

    p = pull(trainSource(1, 80, 0, 1000),
             schema(QStringLiteral("TrainSensorStream"),
                    QStringLiteral("latitude string, longitude double")),
             1);
    QVERIFY2(p.error.contains(QStringLiteral(
                 "attribute 'latitude' of stream 'TrainSensorStream' must be a number")),
             qPrintable(p.error));

    QJsonObject src = trainSource(1, 80, 0, 1000);
    src.insert(QStringLiteral("trainIds"), QJsonArray{QStringLiteral("abc")});
    p = pull(src,
             schema(QStringLiteral("TrainSensorStream"),
                    QStringLiteral("trainId int, latitude double, longitude double")),
             1);
    QVERIFY2(p.error.contains(
                 QStringLiteral("train id: attribute 'trainId' is an int, but 'abc' is not")),
             qPrintable(p.error));

    p = pull(trainSource(1, 80, 0, 1000, QStringLiteral("reverse"), {{1, 1}, {1, 1}}), kTrainSchema,
             1);
    QVERIFY2(p.error.contains(QStringLiteral("the train route has no length")),
             qPrintable(p.error));
}

QTEST_APPLESS_MAIN(tst_TrainRoute)
#include "tst_trainroute.moc"
