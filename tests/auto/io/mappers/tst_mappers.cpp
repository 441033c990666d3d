// The source and sink mappers (json, text, csv, passThrough), each through a running app:
// messages published to an inMemory topic go through the source's mapper into a stream, and a
// sink's mapper turns a stream's events into the messages of another topic.
#include "../iotest.h"

#include "engine/io/inmemorybroker.h"

#include <QtTest>

using namespace Rivulet;

namespace {

QStringList L(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

const char *kStream = "(symbol string, price float, volume long)";

QString sourceApp(const QString &map)
{
    return QStringLiteral("@source(type='inMemory', topic='in', @map(%1))\n"
                          "define stream S %2;\n")
        .arg(map, QLatin1String(kStream));
}

QString sinkApp(const QString &map)
{
    return QStringLiteral("define stream S %2;\n"
                          "@sink(type='inMemory', topic='out', @map(%1))\n"
                          "define stream O %2;\n"
                          "from S select * insert into O;\n")
        .arg(map, QLatin1String(kStream));
}

} // namespace

class tst_Mappers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sourceMapper_data();
    void sourceMapper();
    void csvHeaderSkipsFirstRecordOnce();
    void sinkMapper_data();
    void sinkMapper();
    void csvHeaderGoesOutOnce();
    void badMapperOptions_data();
    void badMapperOptions();
    void passThroughBetweenApps();
    void passThroughChecksTypes();
    void mappedMessagesBetweenApps();
    void dynamicTopic();
};

void tst_Mappers::sourceMapper_data()
{
    QTest::addColumn<QString>("map");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("error"); // a part of the error, empty when the message is good

    const QString text = QStringLiteral("type='text'");
    QTest::newRow("text: default format")
        << text << QByteArray("symbol:\"WSO2\",\nprice:55.6,\nvolume:100") << L({"WSO2|55.6|100"})
        << QString();
    QTest::newRow("text: single quotes, any order, spaces")
        << text << QByteArray("volume : 100,\nsymbol: 'WSO2',\nprice:55.6\n")
        << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("text: thousands separators in numbers")
        << text << QByteArray("symbol:\"WSO2\",\nprice:1,055.5,\nvolume:1,000")
        << L({"WSO2|1055.5|1000"}) << QString();
    QTest::newRow("text: CRLF line ends")
        << text << QByteArray("symbol:\"WSO2\",\r\nprice:55.6,\r\nvolume:100\r\n")
        << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("text: null") << text << QByteArray("symbol:null,\nprice:55.6,\nvolume:null")
                                << L({"null|55.6|null"}) << QString();
    QTest::newRow("text: unknown names are ignored")
        << text << QByteArray("symbol:\"WSO2\",\nextra:1,\nprice:55.6,\nvolume:100")
        << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("text: missing attribute")
        << text << QByteArray("symbol:\"WSO2\",\nprice:55.6") << QStringList()
        << QStringLiteral("attribute 'volume' is missing");
    QTest::newRow("text: missing attribute allowed")
        << QStringLiteral("type='text', fail.on.missing.attribute='false'")
        << QByteArray("symbol:\"WSO2\",\nprice:55.6") << L({"WSO2|55.6|null"}) << QString();
    QTest::newRow("text: wrong type")
        << text << QByteArray("symbol:\"WSO2\",\nprice:cheap,\nvolume:100") << QStringList()
        << QStringLiteral("attribute 'price' is a float, but the value 'cheap' is not");
    QTest::newRow("text: grouped events")
        << QStringLiteral("type='text', event.grouping.enabled='true'")
        << QByteArray("symbol:\"WSO2\",\nprice:55.6,\nvolume:100\n~~~~~~~~~~\n"
                      "symbol:\"IBM\",\nprice:75.5,\nvolume:10")
        << L({"WSO2|55.6|100", "IBM|75.5|10"}) << QString();
    QTest::newRow("text: grouped events, own delimiter, one bad")
        << QStringLiteral("type='text', event.grouping.enabled='true', delimiter='####'")
        << QByteArray("symbol:\"WSO2\",\nprice:55.6,\nvolume:100\n####\n"
                      "symbol:\"IBM\",\nprice:x,\nvolume:10\n####\n"
                      "symbol:\"ABC\",\nprice:1,\nvolume:2\n")
        << L({"WSO2|55.6|100", "ABC|1.0|2"})
        << QStringLiteral("event 1 of the group: attribute 'price'");
    const QString regex =
        QStringLiteral("type='text', regex.A='(\\w+)\\s([-0-9.]+)', regex.B='volume\\s([-0-9]+)', "
                       "@attributes(symbol='A[1]', price='A[2]', volume='B')");
    QTest::newRow("text: regex groups")
        << regex << QByteArray("WSO2 55.6 volume 100") << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("text: regex finds nothing")
        << regex << QByteArray("WSO2 55.6 vol 100") << QStringList()
        << QStringLiteral("attribute 'volume': regex.volume\\s([-0-9]+) found nothing");
    QTest::newRow("text: regex by position")
        << QStringLiteral("type='text', regex.A='(\\w+):([0-9.]+):([0-9]+)', "
                          "@attributes('A[1]', 'A[2]', 'A[3]')")
        << QByteArray("IBM:75.5:7") << L({"IBM|75.5|7"}) << QString();

    const QString csv = QStringLiteral("type='csv'");
    QTest::newRow("csv: default") << csv << QByteArray("WSO2,55.6,100") << L({"WSO2|55.6|100"})
                                  << QString();
    QTest::newRow("csv: quoted fields (RFC 4180)")
        << csv << QByteArray("\"WSO2, \"\"Colombo\"\"\", 55.6 ,\"100\"\r\n")
        << L({"WSO2, \"Colombo\"|55.6|100"}) << QString();
    QTest::newRow("csv: a line break inside quotes")
        << csv << QByteArray("\"two\nlines\",1,2") << L({"two\nlines|1.0|2"}) << QString();
    QTest::newRow("csv: several records, blank lines skipped")
        << csv << QByteArray("WSO2,55.6,100\n\nIBM,75.5,10\n")
        << L({"WSO2|55.6|100", "IBM|75.5|10"}) << QString();
    QTest::newRow("csv: delimiter")
        << QStringLiteral("type='csv', delimiter=';'") << QByteArray("WSO2;55.6;100")
        << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("csv: tab delimiter")
        << QStringLiteral("type='csv', delimiter='\\t'") << QByteArray("WSO2\t55.6\t100")
        << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("csv: positions")
        << QStringLiteral("type='csv', @attributes(symbol='2', price='0', volume='1')")
        << QByteArray("55.6,100,WSO2") << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("csv: bare null is null, quoted is text")
        << csv << QByteArray("\"null\",null,null") << L({"null|null|null"}) << QString();
    QTest::newRow("csv: missing field")
        << csv << QByteArray("WSO2,55.6") << QStringList()
        << QStringLiteral("attribute 'volume' is missing: it is field 3, but the record has 2");
    QTest::newRow("csv: extra field")
        << csv << QByteArray("WSO2,55.6,100,7") << QStringList()
        << QStringLiteral("4 fields, but the stream has 3 attributes");
    QTest::newRow("csv: missing field allowed")
        << QStringLiteral("type='csv', fail.on.unknown.attribute='false'")
        << QByteArray("WSO2,55.6") << L({"WSO2|55.6|null"}) << QString();
    QTest::newRow("csv: wrong type")
        << csv << QByteArray("WSO2,55.6,lots") << QStringList()
        << QStringLiteral("attribute 'volume' is a long, but the value 'lots' is not");
    QTest::newRow("csv: wrong type allowed")
        << QStringLiteral("type='csv', fail.on.unknown.attribute='false'")
        << QByteArray("WSO2,55.6,lots") << L({"WSO2|55.6|null"}) << QString();
    QTest::newRow("csv: quote left open") << csv << QByteArray("\"WSO2,55.6,100") << QStringList()
                                          << QStringLiteral("a quoted field is not closed");
    QTest::newRow("csv: one bad record of two")
        << csv << QByteArray("WSO2,55.6,x\nIBM,75.5,10") << L({"IBM|75.5|10"})
        << QStringLiteral("record 1: attribute 'volume'");

    const QString json = QStringLiteral("type='json'");
    QTest::newRow("json: event") << json
                                 << QByteArray(
                                        R"({"event":{"symbol":"WSO2","price":55.6,"volume":100}})")
                                 << L({"WSO2|55.6|100"}) << QString();
    QTest::newRow("json: bad JSON") << json << QByteArray(R"({"event":{"symbol":"WSO2",)")
                                    << QStringList() << QStringLiteral("not valid JSON");
    QTest::newRow("json: wrong type")
        << json << QByteArray(R"({"event":{"symbol":"WSO2","price":55.6,"volume":"many"}})")
        << QStringList() << QStringLiteral("attribute 'volume' is a long");
    QTest::newRow("json: missing attribute")
        << json << QByteArray(R"({"event":{"symbol":"WSO2","price":55.6}})") << QStringList()
        << QStringLiteral("attribute 'volume' is missing");
    QTest::newRow("passThrough: a message is read as JSON")
        << QStringLiteral("type='passThrough'")
        << QByteArray(R"({"event":{"symbol":"WSO2","price":55.6,"volume":100}})")
        << L({"WSO2|55.6|100"}) << QString();
}

void tst_Mappers::sourceMapper()
{
    QFETCH(QString, map);
    QFETCH(QByteArray, message);
    QFETCH(QStringList, expected);
    QFETCH(QString, error);

    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(sourceApp(map), &problem, {QStringLiteral("S")}), qPrintable(problem));
    app.context().broker().publish(QStringLiteral("in"), message);
    QCOMPARE(app.events(QStringLiteral("S")), expected);
    const auto &source = app.io().sources().front();
    QCOMPARE(source->received(), qint64(expected.size()));
    if (error.isEmpty()) {
        QCOMPARE(source->rejected(), qint64(0));
        QVERIFY2(app.log().isEmpty(), qPrintable(app.logText()));
    } else {
        QCOMPARE(source->rejected(), qint64(1));
        QVERIFY2(app.logText().contains(error), qPrintable(app.logText()));
    }
}

void tst_Mappers::csvHeaderSkipsFirstRecordOnce()
{
    // One record per message: the first message is the header (as Siddhi reads files line by
    // line). Grouped: every message starts with one.
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(sourceApp(QStringLiteral("type='csv', header='true'")), &problem,
                       {QStringLiteral("S")}),
             qPrintable(problem));
    app.context().broker().publish(QStringLiteral("in"), QByteArray("symbol,price,volume"));
    app.context().broker().publish(QStringLiteral("in"), QByteArray("WSO2,55.6,100"));
    app.context().broker().publish(QStringLiteral("in"), QByteArray("IBM,75.5,10"));
    QCOMPARE(app.events(QStringLiteral("S")), (L({"WSO2|55.6|100", "IBM|75.5|10"})));

    IoTest::App grouped;
    QVERIFY2(grouped.start(sourceApp(QStringLiteral(
                               "type='csv', header='true', event.grouping.enabled='true'")),
                           &problem, {QStringLiteral("S")}),
             qPrintable(problem));
    grouped.context().broker().publish(QStringLiteral("in"),
                                       QByteArray("symbol,price,volume\nWSO2,55.6,100\n"));
    grouped.context().broker().publish(QStringLiteral("in"),
                                       QByteArray("symbol,price,volume\nIBM,75.5,10\n"));
    QCOMPARE(grouped.events(QStringLiteral("S")), (L({"WSO2|55.6|100", "IBM|75.5|10"})));
}

void tst_Mappers::sinkMapper_data()
{
    QTest::addColumn<QString>("map");
    QTest::addColumn<bool>("together"); // the events arrive in one chunk
    QTest::addColumn<QList<QByteArray>>("expected");

    QTest::newRow("text: default") << QStringLiteral("type='text'") << false
                                   << QList<QByteArray>{"symbol:\"WSO2\",\nprice:55.6,\nvolume:100",
                                                        "symbol:null,\nprice:1.0E10,\nvolume:-1"};
    QTest::newRow("text: grouped")
        << QStringLiteral("type='text', event.grouping.enabled='true'") << true
        << QList<QByteArray>{"symbol:\"WSO2\",\nprice:55.6,\nvolume:100\n~~~~~~~~~~\n"
                             "symbol:null,\nprice:1.0E10,\nvolume:-1"};
    QTest::newRow("text: not grouped, one message per event")
        << QStringLiteral("type='text'") << true
        << QList<QByteArray>{"symbol:\"WSO2\",\nprice:55.6,\nvolume:100",
                             "symbol:null,\nprice:1.0E10,\nvolume:-1"};
    QTest::newRow("text: payload")
        << QStringLiteral("type='text', @payload(\"Stock price of {{symbol}} is {{price}}\")")
        << false
        << QList<QByteArray>{"Stock price of WSO2 is 55.6", "Stock price of null is 1.0E10"};
    QTest::newRow("text: payload grouped")
        << QStringLiteral("type='text', event.grouping.enabled='true', delimiter='--', "
                          "@payload(\"{{symbol}}:{{volume}}\")")
        << true << QList<QByteArray>{"WSO2:100\n--\nnull:-1"};
    QTest::newRow("csv: default") << QStringLiteral("type='csv'") << false
                                  << QList<QByteArray>{"WSO2,55.6,100\n", "null,1.0E10,-1\n"};
    QTest::newRow("csv: positions and delimiter")
        << QStringLiteral("type='csv', delimiter='-', @payload(symbol='0', price='2', "
                          "volume='1')")
        << false << QList<QByteArray>{"WSO2-100-55.6\n", "null--1-1.0E10\n"};
    QTest::newRow("csv: grouped") << QStringLiteral("type='csv', event.grouping.enabled='true'")
                                  << true << QList<QByteArray>{"WSO2,55.6,100\nnull,1.0E10,-1\n"};
    QTest::newRow("json: a chunk is an array")
        << QStringLiteral("type='json'") << true
        << QList<QByteArray>{R"([{"event":{"symbol":"WSO2","price":55.6,"volume":100}},)"
                             R"({"event":{"symbol":null,"price":1.0E10,"volume":-1}}])"};
}

void tst_Mappers::sinkMapper()
{
    QFETCH(QString, map);
    QFETCH(bool, together);
    QFETCH(QList<QByteArray>, expected);

    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(sinkApp(map), &problem), qPrintable(problem));
    QList<QByteArray> messages;
    const int id = app.context().broker().subscribe(
        QStringLiteral("out"),
        [&messages](const Io::InMemoryBroker::Message &m) { messages << m.payload; });
    Runtime::InputHandler *input = app.runtime().inputHandler(QStringLiteral("S"));
    const QList<QVariantList> rows = {{QStringLiteral("WSO2"), 55.6f, qint64(100)},
                                      {QVariant(), 1e10f, qint64(-1)}};
    if (together) {
        Runtime::EventLayout layout(input->layout()->types(), input->layout()->names());
        std::vector<Runtime::Event *> events;
        for (const QVariantList &row : rows) {
            Runtime::Event *e = layout.allocate();
            QVERIFY(Runtime::InputHandler::fill(&layout, e, row, &problem));
            events.push_back(e);
        }
        input->send(events);
        for (Runtime::Event *e : events)
            layout.release(e);
    } else {
        for (const QVariantList &row : rows)
            QVERIFY2(input->send(row, &problem), qPrintable(problem));
    }
    app.context().broker().unsubscribe(id);
    QCOMPARE(messages, expected);
    QCOMPARE(app.io().sinks().front()->published(), qint64(2));
}

void tst_Mappers::csvHeaderGoesOutOnce()
{
    IoTest::App app;
    QString problem;
    QVERIFY2(
        app.start(sinkApp(QStringLiteral("type='csv', header='true', delimiter=';'")), &problem),
        qPrintable(problem));
    QList<QByteArray> messages;
    app.context().broker().subscribe(
        QStringLiteral("out"),
        [&messages](const Io::InMemoryBroker::Message &m) { messages << m.payload; });
    Runtime::InputHandler *input = app.runtime().inputHandler(QStringLiteral("S"));
    QVERIFY(input->send({QStringLiteral("a;b \"c\""), 1.5f, qint64(1)}));
    QVERIFY(input->send({QStringLiteral(" d"), 2.5f, qint64(2)}));
    QCOMPARE(messages, (QList<QByteArray>{"symbol;price;volume\n\"a;b \"\"c\"\"\";1.5;1\n",
                                          "\" d\";2.5;2\n"}));
}

void tst_Mappers::badMapperOptions_data()
{
    QTest::addColumn<QString>("app");
    QTest::addColumn<QString>("error");
    QTest::newRow("text: regex does not compile")
        << sourceApp(QStringLiteral("type='text', regex.A='([a-z]+', @attributes(symbol='A', "
                                    "price='A', volume='A')"))
        << QStringLiteral("regex.A '([a-z]+' is not a valid regular expression");
    QTest::newRow("text: group of a regex that is not there")
        << sourceApp(QStringLiteral("type='text', regex.A='([a-z]+)', @attributes(symbol='A', "
                                    "price='B', volume='A')"))
        << QStringLiteral("@attributes maps 'price' to regex B, but @map has no regex.B option");
    QTest::newRow("text: group number too high")
        << sourceApp(QStringLiteral("type='text', regex.A='([a-z]+)', @attributes(symbol='A', "
                                    "price='A[2]', volume='A')"))
        << QStringLiteral("group 2 of regex.A, which has 1 group(s)");
    QTest::newRow("csv: position not a number")
        << sourceApp(QStringLiteral("type='csv', @attributes(symbol='first', price='1', "
                                    "volume='2')"))
        << QStringLiteral("@attributes maps 'symbol' to 'first'");
    QTest::newRow("csv: payload position twice")
        << sinkApp(QStringLiteral("type='csv', @payload(symbol='0', price='0', volume='1')"))
        << QStringLiteral("@payload puts 'price' at position '0'");
}

void tst_Mappers::badMapperOptions()
{
    QFETCH(QString, app);
    QFETCH(QString, error);
    IoTest::App a;
    QString problem;
    QVERIFY(!a.start(app, &problem));
    QVERIFY2(problem.contains(error), qPrintable(problem));
    QVERIFY2(problem.startsWith(QLatin1String("test.siddhi:")), qPrintable(problem));
}

void tst_Mappers::passThroughBetweenApps()
{
    // Two apps in one process: the events themselves travel, copied into the receiving
    // stream's layout; float widens to double, int to long.
    Io::IoContext context;
    IoTest::App publisher(&context);
    IoTest::App subscriber(&context);
    QString problem;
    QVERIFY2(subscriber.start(QStringLiteral("@source(type='inMemory', topic='stocks')\n"
                                             "define stream In (symbol string, price double, "
                                             "volume long);\n"),
                              &problem, {QStringLiteral("In")}),
             qPrintable(problem));
    QVERIFY2(publisher.start(QStringLiteral("define stream S (symbol string, price float, "
                                            "volume int);\n"
                                            "@sink(type='inMemory', topic='stocks')\n"
                                            "define stream O (symbol string, price float, "
                                            "volume int);\n"
                                            "from S[volume > 0] select * insert into O;\n"),
                             &problem),
             qPrintable(problem));
    Runtime::InputHandler *input = publisher.runtime().inputHandler(QStringLiteral("S"));
    QVERIFY(input->send({QStringLiteral("WSO2"), 55.5f, 100}));
    QVERIFY(input->send({QStringLiteral("IBM"), 75.5f, 0})); // filtered out
    QVERIFY(input->send({QVariant(), 1.25f, 7}));
    QCOMPARE(subscriber.events(QStringLiteral("In")), (L({"WSO2|55.5|100", "null|1.25|7"})));
    QCOMPARE(subscriber.io().sources().front()->received(), qint64(2));
    QCOMPARE(publisher.io().sinks().front()->published(), qint64(2));

    // Once the subscriber stops, nothing reaches it.
    subscriber.stop();
    QCOMPARE(context.broker().subscriberCount(QStringLiteral("stocks")), 0);
    QVERIFY(input->send({QStringLiteral("LATE"), 1.0f, 1}));
    QCOMPARE(subscriber.events(QStringLiteral("In")).size(), 2);
}

void tst_Mappers::passThroughChecksTypes()
{
    Io::IoContext context;
    QStringList log;
    context.logger = [&log](Runtime::LogLevel, const QString &, const QString &m) { log << m; };
    IoTest::App publisher(&context);
    IoTest::App subscriber(&context);
    IoTest::App fewer(&context);
    QString problem;
    QVERIFY2(subscriber.start(QStringLiteral("@source(type='inMemory', topic='t')\n"
                                             "define stream In (symbol string, price int, "
                                             "volume long);\n"),
                              &problem, {QStringLiteral("In")}),
             qPrintable(problem));
    QVERIFY2(fewer.start(QStringLiteral("@source(type='inMemory', topic='t')\n"
                                        "define stream Two (symbol string, price double);\n"),
                         &problem, {QStringLiteral("Two")}),
             qPrintable(problem));
    QVERIFY2(publisher.start(QStringLiteral("@sink(type='inMemory', topic='t')\n"
                                            "define stream O (symbol string, price double, "
                                            "volume long);\n"),
                             &problem),
             qPrintable(problem));
    QVERIFY(publisher.runtime()
                .inputHandler(QStringLiteral("O"))
                ->send({QStringLiteral("WSO2"), 55.5, qint64(1)}));
    QVERIFY(subscriber.events(QStringLiteral("In")).isEmpty());
    QVERIFY(fewer.events(QStringLiteral("Two")).isEmpty());
    QCOMPARE(subscriber.io().sources().front()->rejected(), qint64(1));
    QCOMPARE(fewer.io().sources().front()->rejected(), qint64(1));
    const QString text = log.join(u'\n');
    QVERIFY2(text.contains(QLatin1String(
                 "attribute 2 of the topic is double, but 'price' of stream In is int")),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("the topic carries 3 attributes")), qPrintable(text));
}

void tst_Mappers::mappedMessagesBetweenApps()
{
    // A sink with a mapper publishes text; a source with the same mapper reads it back.
    Io::IoContext context;
    IoTest::App publisher(&context);
    IoTest::App subscriber(&context);
    QString problem;
    QVERIFY2(subscriber.start(QStringLiteral("@source(type='inMemory', topic='t', "
                                             "@map(type='csv'))\n"
                                             "define stream In (symbol string, n long);\n"),
                              &problem, {QStringLiteral("In")}),
             qPrintable(problem));
    QVERIFY2(publisher.start(QStringLiteral("@sink(type='inMemory', topic='t', "
                                            "@map(type='csv'))\n"
                                            "define stream O (symbol string, n long);\n"),
                             &problem),
             qPrintable(problem));
    QVERIFY(publisher.runtime()
                .inputHandler(QStringLiteral("O"))
                ->send({QStringLiteral("a,\"b\""), qint64(1)}));
    QVERIFY(publisher.runtime()
                .inputHandler(QStringLiteral("O"))
                ->send({QStringLiteral("null"), qint64(2)}));
    QCOMPARE(subscriber.events(QStringLiteral("In")), (L({"a,\"b\"|1", "null|2"})));
}

void tst_Mappers::dynamicTopic()
{
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@sink(type='inMemory', topic='stock.{{symbol}}', "
                                      "@map(type='text'))\n"
                                      "define stream O (symbol string, n long);\n"),
                       &problem),
             qPrintable(problem));
    QHash<QString, QList<QByteArray>> got;
    for (const char *topic : {"stock.A", "stock.B"}) {
        const QString t = QString::fromLatin1(topic);
        app.context().broker().subscribe(
            t, [&got, t](const Io::InMemoryBroker::Message &m) { got[t] << m.payload; });
    }
    Runtime::InputHandler *input = app.runtime().inputHandler(QStringLiteral("O"));
    QVERIFY(input->send({QStringLiteral("A"), qint64(1)}));
    QVERIFY(input->send({QStringLiteral("B"), qint64(2)}));
    QVERIFY(input->send({QStringLiteral("A"), qint64(3)}));
    QCOMPARE(got.value(QStringLiteral("stock.A")),
             (QList<QByteArray>{"symbol:\"A\",\nn:1", "symbol:\"A\",\nn:3"}));
    QCOMPARE(got.value(QStringLiteral("stock.B")), (QList<QByteArray>{"symbol:\"B\",\nn:2"}));
}

QTEST_GUILESS_MAIN(tst_Mappers)
#include "tst_mappers.moc"
