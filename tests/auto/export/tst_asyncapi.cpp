#include "engine/export/asyncapi.h"
#include "engine/lang/frontend.h"

#include <QtTest>

#include <yaml-cpp/yaml.h>

using namespace Rivulet;

class tst_AsyncApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void trainLocation();
    void noEndpoints();
    void customPayload();
};

void tst_AsyncApi::trainLocation()
{
    QFile f(QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.siddhi"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const Lang::CompiledApp app = Lang::compileApp(f.readAll(), QStringLiteral("T.siddhi"));
    QVERIFY(!app.hasErrors());
    const QByteArray text = Export::generateAsyncApi(app);
    const YAML::Node doc = YAML::Load(text.toStdString());
    QCOMPARE(doc["asyncapi"].as<std::string>(), std::string("2.6.0"));
    QCOMPARE(doc["info"]["title"].as<std::string>(), std::string("TrainLocation"));
    QCOMPARE(doc["servers"]["ws-8025"]["url"].as<std::string>(), std::string("localhost:8025"));
    QCOMPARE(doc["servers"]["ws-8025"]["protocol"].as<std::string>(), std::string("ws"));
    QCOMPARE(doc["servers"]["http-8006"]["url"].as<std::string>(), std::string("0.0.0.0:8006"));
    const YAML::Node out = doc["channels"]["ws-8025/TrainLocationStream"];
    QVERIFY(out.IsMap());
    QCOMPARE(out["x-rivulet-stream"].as<std::string>(), std::string("TrainLocationStream"));
    const YAML::Node event = out["subscribe"]["message"]["payload"]["properties"]["event"];
    QCOMPARE(event["properties"]["trainId"]["type"].as<std::string>(), std::string("string"));
    QCOMPARE(event["properties"]["speed"]["format"].as<std::string>(), std::string("double"));
    QCOMPARE(event["properties"]["timestamp"]["format"].as<std::string>(), std::string("int64"));
    QVERIFY(doc["channels"]["/trains"]["publish"].IsMap());
    QVERIFY(doc["channels"]["ws-in-8026/TrainSensorStream"]["publish"].IsMap());
}

void tst_AsyncApi::noEndpoints()
{
    const Lang::CompiledApp app =
        Lang::compileApp("define stream S (a int); from S select a insert into T;");
    QVERIFY(Export::generateAsyncApi(app).isEmpty());
}

void tst_AsyncApi::customPayload()
{
    const Lang::CompiledApp app = Lang::compileApp(
        "@App:version('2.1.0')\n"
        "@sink(type='websocket-server', host='0.0.0.0', port='9000', @map(type='text'))\n"
        "define stream S (a int);");
    QVERIFY(!app.hasErrors());
    const YAML::Node doc = YAML::Load(Export::generateAsyncApi(app).toStdString());
    QCOMPARE(doc["info"]["version"].as<std::string>(), std::string("2.1.0"));
    const YAML::Node message = doc["channels"]["ws-9000/S"]["subscribe"]["message"];
    QCOMPARE(message["contentType"].as<std::string>(), std::string("text/plain"));
    QCOMPARE(message["payload"]["type"].as<std::string>(), std::string("string"));
}

QTEST_APPLESS_MAIN(tst_AsyncApi)
#include "tst_asyncapi.moc"
