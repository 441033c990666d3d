#include "engine/gateway/apidefinition.h"

#include <QJsonArray>
#include <QTest>

using namespace Rivulet::Gateway;

class tst_AsyncApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sampleApiLoads();
    void jsonDocumentLoads();
    void superTenantByDefault();
    void topicTemplates_data();
    void topicTemplates();
    void errors_data();
    void errors();
};

void tst_AsyncApi::sampleApiLoads()
{
    ApiDefinition api;
    QString error;
    const QString path = QStringLiteral(RIVULET_SOURCE_DIR)
                         + QStringLiteral("/resources/samples/TrainRealLocationAPI.yaml");
    QVERIFY2(loadAsyncApi(path, &api, &error), qPrintable(error));
    QCOMPARE(api.name, QStringLiteral("TrainRealLocationAPI"));
    QCOMPARE(api.version, QStringLiteral("1.0.0"));
    QCOMPARE(api.tenant, QStringLiteral("quantis.com"));
    QCOMPARE(api.context, QStringLiteral("/train/location"));
    QCOMPARE(api.app, QStringLiteral("TrainLocation"));
    QCOMPARE(api.stream, QStringLiteral("TrainLocationStream"));
    QCOMPARE(api.basePath(), QStringLiteral("/t/quantis.com/train/location/1.0.0"));
    QCOMPARE(api.channels.size(), 1);
    QCOMPARE(api.channels[0].name, QStringLiteral("loc-train-qnt-{trainId}"));
    QCOMPARE(api.channels[0].attributes, QStringList{QStringLiteral("trainId")});
    QCOMPARE(api.channels[0].messageName, QStringLiteral("TrainLocation"));
    QVERIFY(api.policies.contains(QStringLiteral("AsyncGold")));
    // The id is stable (a UUID v5 of tenant, name and version).
    ApiDefinition again;
    QVERIFY(loadAsyncApi(path, &again, &error));
    QCOMPARE(api.id(), again.id());
    QCOMPARE(api.document.value(QStringLiteral("asyncapi")).toString(), QStringLiteral("2.6.0"));
    QCOMPARE(api.document.value(QStringLiteral("info"))
                 .toObject()
                 .value(QStringLiteral("version"))
                 .toString(),
             QStringLiteral("1.0.0")); // quoted: stays a string
}

void tst_AsyncApi::jsonDocumentLoads()
{
    const QByteArray json = R"({
        "asyncapi": "2.6.0",
        "info": {"title": "Alerts", "version": "2"},
        "x-rivulet-stream": "AlertStream",
        "x-rivulet-scopes": [{"name": "alerts:read", "roles": ["ops"]}],
        "channels": {"/alerts/{room}-{level}": {"subscribe": {"message": {"name": "Alert"}},
                     "parameters": {"room": {"x-rivulet-attribute": "roomNo"}}}}
    })";
    ApiDefinition api;
    QString error;
    QVERIFY(!parseAsyncApi(json, QStringLiteral("a.json"), &api, &error));
    QVERIFY2(error.contains(QLatin1String("one path segment")), qPrintable(error));
    QByteArray fixed = json;
    fixed.replace("/alerts/{room}-{level}", "alerts-{room}-{level}");
    api = ApiDefinition();
    QVERIFY2(parseAsyncApi(fixed, QStringLiteral("a.json"), &api, &error), qPrintable(error));
    QCOMPARE(api.channels[0].attributes,
             (QStringList{QStringLiteral("roomNo"), QStringLiteral("level")}));
    QCOMPARE(api.scopes.size(), 1);
    QCOMPARE(api.scopes[0].roles, QStringList{QStringLiteral("ops")});
    QCOMPARE(api.context, QStringLiteral("/alerts"));
}

void tst_AsyncApi::superTenantByDefault()
{
    ApiDefinition api;
    QString error;
    QVERIFY2(parseAsyncApi("asyncapi: 2.6.0\ninfo: {title: T, version: v1}\n"
                           "x-rivulet-stream: S\nx-rivulet-context: /a/b/\n"
                           "channels:\n  all:\n    subscribe: {}\n",
                           QStringLiteral("t.yaml"), &api, &error),
             qPrintable(error));
    QCOMPARE(api.tenant, QStringLiteral("carbon.super"));
    QCOMPARE(api.basePath(), QStringLiteral("/a/b/v1"));
}

void tst_AsyncApi::topicTemplates_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<bool>("matches");
    QTest::addColumn<QStringList>("values");
    QTest::newRow("one parameter")
        << "loc-train-qnt-{trainId}"
        << "loc-train-qnt-456" << true << QStringList{QStringLiteral("456")};
    QTest::newRow("prefix differs") << "loc-train-qnt-{trainId}"
                                    << "loc-train-xyz-456" << false << QStringList{};
    QTest::newRow("empty value") << "loc-train-qnt-{trainId}"
                                 << "loc-train-qnt-" << false << QStringList{};
    QTest::newRow("two parameters")
        << "{room}.{level}"
        << "r1.high" << true << QStringList{QStringLiteral("r1"), QStringLiteral("high")};
    QTest::newRow("no parameter") << "all"
                                  << "all" << true << QStringList{};
    QTest::newRow("no parameter, other") << "all"
                                         << "alll" << false << QStringList{};
    QTest::newRow("regex characters are literal") << "a.b-{x}"
                                                  << "aXb-1" << false << QStringList{};
}

void tst_AsyncApi::topicTemplates()
{
    QFETCH(QString, pattern);
    QFETCH(QString, topic);
    QFETCH(bool, matches);
    QFETCH(QStringList, values);
    TopicTemplate t;
    QString error;
    QVERIFY2(t.parse(pattern, &error), qPrintable(error));
    QStringList got;
    QCOMPARE(t.match(topic, &got), matches);
    if (matches) {
        QCOMPARE(got, values);
        QCOMPARE(t.render(got), topic);
    }
}

void tst_AsyncApi::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");
    const QByteArray head = "asyncapi: 2.6.0\ninfo: {title: Trains, version: '1'}\n";
    QTest::newRow("not asyncapi") << QByteArray("openapi: 3.0.0\n")
                                  << QStringLiteral("api.yaml:1: asyncapi: missing");
    QTest::newRow("version 3") << QByteArray("asyncapi: 3.0.0\n")
                               << QStringLiteral("api.yaml:1: asyncapi: version 3.0.0 is not "
                                                 "supported");
    QTest::newRow("no stream") << head + "channels: {a: {subscribe: {}}}\n"
                               << QStringLiteral("api.yaml:1: x-rivulet-stream: missing");
    QTest::newRow("no channels") << head + "x-rivulet-stream: S\n"
                                 << QStringLiteral("api.yaml:1: channels: missing");
    QTest::newRow("publish only")
        << head + "x-rivulet-stream: S\nchannels:\n  a:\n    publish: {}\n"
        << QStringLiteral("api.yaml:6: channels.a.publish: clients can only subscribe");
    QTest::newRow("unknown parameter")
        << head
               + "x-rivulet-stream: S\nchannels:\n  a-{x}:\n    subscribe: {}\n"
                 "    parameters:\n      y: {}\n"
        << QStringLiteral("api.yaml:8: channels.a-{x}.parameters.y: the channel name has no {y}");
    QTest::newRow("unclosed brace")
        << head + "x-rivulet-stream: S\nchannels:\n  a-{x:\n    subscribe: {}\n"
        << QStringLiteral("api.yaml:5: channels.a-{x: '{' without '}'");
    QTest::newRow("context under /t/")
        << head + "x-rivulet-stream: S\nx-rivulet-context: /t/x\nchannels: {a: {subscribe: {}}}\n"
        << QStringLiteral("api.yaml:4: x-rivulet-context: the context is a path");
    QTest::newRow("bad title") << QByteArray("asyncapi: 2.6.0\ninfo: {title: 'a b', version: 1}\n")
                               << QStringLiteral("api.yaml:2: info.title: the API name");
    QTest::newRow("adjacent parameters")
        << head + "x-rivulet-stream: S\nchannels:\n  '{a}{b}':\n    subscribe: {}\n"
        << QStringLiteral("api.yaml:5: channels.{a}{b}: parameters {a} and {b}");
}

void tst_AsyncApi::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    ApiDefinition api;
    QString error;
    QVERIFY(!parseAsyncApi(yaml, QStringLiteral("api.yaml"), &api, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_AsyncApi)
#include "tst_asyncapi.moc"
