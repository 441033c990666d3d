// Simulation files: WSO2 Streaming Integrator's feed-simulation JSON loads as it is written
// (numbers as strings, nulls, empty strings, older field names), Rivulet's additions load, a
// saved simulation loads back the same, and mistakes are named by their path.
#include "simulator/simulationconfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace Rivulet::Simulator;

class tst_Config : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void siFeedSimulation();
    void olderFieldNames();
    void trainRoute();
    void roundTrip();
    void sample();
    void errors_data();
    void errors();
    void singleEvent();
};

// A feed simulation as WSO2 Streaming Integrator's tooling saves one: numbers as strings,
// unset fields as null or "".
static const char kSiFeed[] = R"({
  "properties": {
    "simulationName": "StockFeed",
    "description": "two sources",
    "timestampStartTime": "1488615136958",
    "timestampEndTime": null,
    "noOfEvents": "8",
    "timeInterval": "1000"
  },
  "sources": [
    {
      "siddhiAppName": "StockApp",
      "streamName": "StockStream",
      "timestampInterval": "5",
      "simulationType": "RANDOM_DATA_SIMULATION",
      "attributeConfiguration": [
        {"type": "PRIMITIVE_BASED", "primitiveType": "STRING", "length": "10"},
        {"type": "PRIMITIVE_BASED", "primitiveType": "DOUBLE", "min": "300", "max": "350", "precision": "2"},
        {"type": "PRIMITIVE_BASED", "primitiveType": "LONG", "min": "150", "max": "300"},
        {"type": "CUSTOM_DATA_BASED", "list": "WSO2,IBM,ORCL"},
        {"type": "REGEX_BASED", "pattern": "[a-z]{3}"},
        {"type": "PROPERTY_BASED", "property": "FULL_NAME"}
      ]
    },
    {
      "siddhiAppName": "StockApp",
      "streamName": "TradeStream",
      "simulationType": "CSV_SIMULATION",
      "fileName": "trades.csv",
      "timestampAttribute": "0",
      "isOrdered": true,
      "delimiter": ",",
      "indices": "1,2,3",
      "timestampInterval": ""
    }
  ]
})";

void tst_Config::siFeedSimulation()
{
    SimulationConfig c;
    QString error;
    QVERIFY2(SimulationConfig::parse(kSiFeed, QStringLiteral("/data"), &c, &error),
             qPrintable(error));
    const SimulationProperties &p = c.properties;
    QCOMPARE(p.name, QStringLiteral("StockFeed"));
    QCOMPARE(p.description, QStringLiteral("two sources"));
    QCOMPARE(p.startTimestamp, std::optional<qint64>(1488615136958));
    QVERIFY(!p.endTimestamp);
    QCOMPARE(p.count, std::optional<qint64>(8));
    QCOMPARE(p.timeInterval, std::optional<qint64>(1000));
    QVERIFY(!p.rate);
    QCOMPARE(c.sources.size(), 2);
    QCOMPARE(c.streams(),
             (QStringList{QStringLiteral("StockStream"), QStringLiteral("TradeStream")}));

    const SourceConfig &r = c.sources[0];
    QCOMPARE(r.type, SourceType::Random);
    QCOMPARE(r.appName, QStringLiteral("StockApp"));
    QCOMPARE(r.timestampInterval, std::optional<qint64>(5));
    QCOMPARE(r.attributeConfiguration.size(), 6);
    QCOMPARE(r.attributeConfiguration[0].length, std::optional<int>(10));
    QCOMPARE(r.attributeConfiguration[1].min, QStringLiteral("300"));
    QCOMPARE(r.attributeConfiguration[1].max, QStringLiteral("350"));
    QCOMPARE(r.attributeConfiguration[1].precision, std::optional<int>(2));
    QCOMPARE(r.attributeConfiguration[3].kind, AttributeConfig::Kind::Custom);
    QCOMPARE(r.attributeConfiguration[3].list,
             (QStringList{QStringLiteral("WSO2"), QStringLiteral("IBM"), QStringLiteral("ORCL")}));
    QCOMPARE(r.attributeConfiguration[4].pattern, QStringLiteral("[a-z]{3}"));
    QCOMPARE(r.attributeConfiguration[5].property, QStringLiteral("FULL_NAME"));

    const SourceConfig &csv = c.sources[1];
    QCOMPARE(csv.type, SourceType::Csv);
    QCOMPARE(csv.csv.fileName, QStringLiteral("trades.csv"));
    QCOMPARE(csv.csv.timestampColumn, 0);
    QCOMPARE(csv.csv.isOrdered, true);
    QCOMPARE(csv.csv.indices, (QList<int>{1, 2, 3}));
    QVERIFY(!csv.timestampInterval);
    QCOMPARE(c.baseDirectory, QStringLiteral("/data"));
}

void tst_Config::olderFieldNames()
{
    // Earlier releases: startTimestamp/endTimestamp, executionPlanName, FILE_SIMULATION.
    const QByteArray json = R"({"properties": {"simulationName": "old", "startTimestamp": 10,
        "endTimestamp": 20, "timeInterval": 0},
      "sources": [{"simulationType": "FILE_SIMULATION", "executionPlanName": "Plan",
        "streamName": "S", "fileName": "f.csv", "delimiter": "\\t"}]})";
    SimulationConfig c;
    QString error;
    QVERIFY2(SimulationConfig::parse(json, {}, &c, &error), qPrintable(error));
    QCOMPARE(c.properties.startTimestamp, std::optional<qint64>(10));
    QCOMPARE(c.properties.endTimestamp, std::optional<qint64>(20));
    QCOMPARE(c.properties.timeInterval, std::optional<qint64>(0));
    QCOMPARE(c.sources[0].type, SourceType::Csv);
    QCOMPARE(c.sources[0].appName, QStringLiteral("Plan"));
    QCOMPARE(c.sources[0].csv.delimiter, QStringLiteral("\t"));
}

void tst_Config::trainRoute()
{
    const QByteArray json = R"({"properties": {"simulationName": "t", "rate": 50, "seed": 9,
        "pace": "timestamps"},
      "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION",
        "trainIds": ["456", "123"], "speed": [80, 60.5], "gpsNoise": 8, "reportInterval": 500,
        "routeEnd": "loop", "attributes": "trainId string, latitude double, longitude double",
        "route": [[6.93, 79.85], {"latitude": 6.95, "longitude": 79.87}, {"lat": 7.0, "lon": 79.9}]}]})";
    SimulationConfig c;
    QString error;
    QVERIFY2(SimulationConfig::parse(json, {}, &c, &error), qPrintable(error));
    QCOMPARE(c.properties.rate, std::optional<double>(50));
    QCOMPARE(c.properties.seed, std::optional<quint64>(9));
    QVERIFY(c.properties.paceByTimestamps);
    const SourceConfig &s = c.sources[0];
    QCOMPARE(s.streamName, QStringLiteral("TrainSensorStream")); // the default
    QCOMPARE(s.train.trains, 2);                                 // from the ids
    QCOMPARE(s.train.trainId(1), QStringLiteral("123"));
    QCOMPARE(s.train.speed(1), 60.5);
    QCOMPARE(s.train.speed(7), 60.5); // the last speed for the trains after
    QCOMPARE(s.train.gpsNoise, 8.0);
    QCOMPARE(s.train.reportInterval, qint64(500));
    QCOMPARE(s.train.end, TrainRouteConfig::End::Loop);
    QCOMPARE(s.train.route.size(), 3);
    QCOMPARE(s.train.route[2].longitude, 79.9);
    QCOMPARE(s.attributes.text(),
             QStringLiteral("trainId string, latitude double, longitude double"));

    TrainRouteConfig t;
    t.trainIdPrefix = QStringLiteral("T");
    QCOMPARE(t.trainId(0), QStringLiteral("T1"));
}

void tst_Config::roundTrip()
{
    SimulationConfig c;
    QString error;
    QVERIFY(SimulationConfig::parse(kSiFeed, {}, &c, &error));
    const QByteArray saved = QJsonDocument(c.toJson()).toJson();
    SimulationConfig again;
    QVERIFY2(SimulationConfig::parse(saved, {}, &again, &error), qPrintable(error));
    QCOMPARE(again.toJson(), c.toJson());
    QCOMPARE(again.sources[0].attributeConfiguration[3].list.size(), 3);
}

void tst_Config::sample()
{
    SimulationConfig c;
    QString error;
    QVERIFY2(SimulationConfig::load(
                 QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.sim.json"), &c,
                 &error),
             qPrintable(error));
    QCOMPARE(c.sources.size(), 1);
    QCOMPARE(c.sources[0].type, SourceType::TrainRoute);
    QCOMPARE(c.sources[0].streamName, QStringLiteral("TrainSensorStream"));
    QVERIFY(c.sources[0].train.route.size() >= 2);
    QVERIFY(c.properties.paceByTimestamps);
}

void tst_Config::errors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("syntax") << QByteArray("{\n\"properties\": {,}\n}")
                            << QStringLiteral("line 2: ");
    QTest::newRow("not an object")
        << QByteArray("[]") << QStringLiteral("a simulation is a JSON object");
    QTest::newRow("no sources") << QByteArray(R"({"properties": {"simulationName": "x"}})")
                                << QStringLiteral("at least one source");
    QTest::newRow("bad number")
        << QByteArray(R"({"properties": {"noOfEvents": "ten"}, "sources": [{}]})")
        << QStringLiteral("properties: 'noOfEvents' must be a whole number");
    QTest::newRow("negative interval")
        << QByteArray(R"({"properties": {"timeInterval": -5}, "sources": [{}]})")
        << QStringLiteral("properties: 'timeInterval' must be at least 0");
    QTest::newRow("end before start") << QByteArray(
        R"({"properties": {"timestampStartTime": 10, "timestampEndTime": 5}, "sources": [{}]})")
                                      << QStringLiteral(
                                             "timestampEndTime is before timestampStartTime");
    QTest::newRow("unknown source type")
        << QByteArray(
               R"({"properties": {}, "sources": [{"simulationType": "KAFKA", "streamName": "S"}]})")
        << QStringLiteral("sources[0]: unknown simulationType 'KAFKA'");
    QTest::newRow("database") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "DATABASE_SIMULATION", "streamName": "S"}]})")
                              << QStringLiteral("sources[0]: DATABASE_SIMULATION is not supported");
    QTest::newRow("no stream") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "CSV_SIMULATION", "fileName": "a.csv"}]})")
                               << QStringLiteral("sources[0]: 'streamName' is missing");
    QTest::newRow("csv without file") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "CSV_SIMULATION", "streamName": "S"}]})")
                                      << QStringLiteral(
                                             "sources[0]: CSV_SIMULATION needs a 'fileName'");
    QTest::newRow("long delimiter") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "CSV_SIMULATION", "streamName": "S", "fileName": "a", "delimiter": "::"}]})")
                                    << QStringLiteral("'delimiter' must be one character");
    QTest::newRow("bad indices") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "CSV_SIMULATION", "streamName": "S", "fileName": "a", "indices": "0,x"}]})")
                                 << QStringLiteral("'indices' must be column numbers");
    QTest::newRow("random without generators") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "RANDOM_DATA_SIMULATION", "streamName": "S"}]})")
                                               << QStringLiteral(
                                                      "needs an 'attributeConfiguration'");
    QTest::newRow("unknown generator") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "RANDOM_DATA_SIMULATION", "streamName": "S", "attributeConfiguration": [{"type": "PRIMITIVE_BASED"}, {"type": "GAUSSIAN"}]}]})")
                                       << QStringLiteral("sources[0].attributeConfiguration[1]: "
                                                         "unknown generator type 'GAUSSIAN'");
    QTest::newRow("regex without pattern") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "RANDOM_DATA_SIMULATION", "streamName": "S", "attributeConfiguration": [{"type": "REGEX_BASED"}]}]})")
                                           << QStringLiteral("sources[0].attributeConfiguration[0]:"
                                                             " REGEX_BASED needs a 'pattern'");
    QTest::newRow("route of one point") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION", "route": [[1, 2]]}]})")
                                        << QStringLiteral(
                                               "a train route needs at least two waypoints");
    QTest::newRow("bad waypoint") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION", "route": [[1, 2], [95, 2]]}]})")
                                  << QStringLiteral(
                                         "sources[0]: route[1] must be [latitude, longitude]");
    QTest::newRow("negative noise") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION", "gpsNoise": -1, "route": [[1, 2], [1, 3]]}]})")
                                    << QStringLiteral("'gpsNoise' must be 0 m or more");
    QTest::newRow("bad attributes") << QByteArray(
        R"({"properties": {}, "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION", "attributes": "a strin", "route": [[1, 2], [1, 3]]}]})")
                                    << QStringLiteral(
                                           "attributes: attribute 'a' has unknown type 'strin'");
    QTest::newRow("bad pace") << QByteArray(R"({"properties": {"pace": "wall"}, "sources": [{}]})")
                              << QStringLiteral("'pace' must be 'interval' or 'timestamps'");
}

void tst_Config::errors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    SimulationConfig c;
    QString error;
    QVERIFY(!SimulationConfig::parse(json, {}, &c, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void tst_Config::singleEvent()
{
    SingleEvent e;
    QString error;
    QVERIFY(SingleEvent::parse(QJsonDocument::fromJson(R"({"streamName": "FooStream",
        "siddhiAppName": "TestSiddhiApp", "timestamp": "1500", "data": [null, 9, 45.5, "x"]})")
                                   .object(),
                               &e, &error));
    QCOMPARE(e.streamName, QStringLiteral("FooStream"));
    QCOMPARE(e.appName, QStringLiteral("TestSiddhiApp"));
    QCOMPARE(e.timestamp, std::optional<qint64>(1500));
    QCOMPARE(e.values.size(), 4);
    QVERIFY(e.values[0].isNull());
    QCOMPARE(e.values[1].toInt(), 9);

    QVERIFY(!SingleEvent::parse(QJsonDocument::fromJson(R"({"streamName": "S"})").object(), &e,
                                &error));
    QVERIFY2(error.contains(QStringLiteral("'data' must be an array")), qPrintable(error));
}

QTEST_APPLESS_MAIN(tst_Config)
#include "tst_config.moc"
