// Partitions, triggers and @OnError through the C++ API: what the golden files cannot show
// (query callbacks on partition queries, error counters and logs, clocks other than playback,
// many keys).
#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"

#include <QDateTime>
#include <QTest>

using namespace Rivulet::Runtime;

class tst_Partition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queryCallbackSeesEveryKey();
    void manyKeys();
    void errorsAreCountedAndLogged();
    void triggersOnManualClock();
    void startTriggerOnWallClock();
    void partitionQueryErrorsAreReported();
};

namespace {

std::unique_ptr<AppRuntime> build(const QByteArray &source, ClockMode clock, QStringList *logs,
                                  QString *error)
{
    Engine::Options options;
    options.clock = clock;
    options.logger = [logs](LogLevel level, const QString &, const QString &message) {
        if (logs)
            logs->append(logLevelName(level) + u' ' + message);
    };
    Engine engine(options);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(source, QStringLiteral("test.siddhi"), &diagnostics);
    if (!app && error) {
        QStringList messages;
        for (const auto &d : diagnostics)
            messages << d.toText();
        *error = messages.join(u'\n');
    }
    return app;
}

} // namespace

void tst_Partition::queryCallbackSeesEveryKey()
{
    QString error;
    auto app = build("define stream S (k string, v int);\n"
                     "from S select k insert into Before;\n"
                     "partition with (k of S) begin\n"
                     "  @info(name = 'perKey') from S select k, sum(v) as total insert into Out;\n"
                     "  from S select k insert into #Inner;\n"
                     "end;",
                     ClockMode::Playback, nullptr, &error);
    QVERIFY2(app, qPrintable(error));
    // Partition queries are named like the others, numbering on through the partition.
    QCOMPARE(app->queryNames(), (QStringList{QStringLiteral("query1"), QStringLiteral("perKey"),
                                             QStringLiteral("query3")}));
    QList<QByteArray> seen;
    QVERIFY(app->addQueryCallback(QStringLiteral("perKey"), [&](const EventChunk &chunk) {
        for (const Event *e : chunk.events)
            seen << eventToJsonLine(QStringLiteral("perKey"), *e).trimmed();
    }));
    app->start();
    QVERIFY(app->inputHandler(QStringLiteral("S"))->send(1000, {QStringLiteral("a"), 1}));
    QVERIFY(app->inputHandler(QStringLiteral("S"))->send(1001, {QStringLiteral("b"), 2}));
    QVERIFY(app->inputHandler(QStringLiteral("S"))->send(1002, {QStringLiteral("a"), 3}));
    app->shutdown();
    QCOMPARE(seen, (QList<QByteArray>{
                       R"({"stream":"perKey","timestamp":1000,"type":"current","data":["a",1]})",
                       R"({"stream":"perKey","timestamp":1001,"type":"current","data":["b",2]})",
                       R"({"stream":"perKey","timestamp":1002,"type":"current","data":["a",4]})"}));
}

void tst_Partition::manyKeys()
{
    // 20,000 keys with a window each, then a broadcast stream reaching all of them.
    QString error;
    auto app = build("define stream S (k long, v int);\n"
                     "define stream All (n int);\n"
                     "partition with (k of S) begin\n"
                     "  from S#window.length(2) select k, sum(v) as total insert into Out;\n"
                     "  from All select n, count() as c insert into Seen;\n"
                     "end;",
                     ClockMode::Playback, nullptr, &error);
    QVERIFY2(app, qPrintable(error));
    qint64 outs = 0, seen = 0;
    int64_t lastTotal = 0;
    app->addStreamCallback(QStringLiteral("Out"), [&](const EventChunk &c) {
        outs += qint64(c.size());
        lastTotal = c.events.back()->value(1).l;
    });
    app->addStreamCallback(QStringLiteral("Seen"),
                           [&](const EventChunk &c) { seen += qint64(c.size()); });
    app->start();
    InputHandler *s = app->inputHandler(QStringLiteral("S"));
    const int keys = 20000;
    for (int round = 0; round < 3; ++round) {
        for (int k = 0; k < keys; ++k)
            QVERIFY(s->send(1000 + round, {qlonglong(k), round + 1}));
    }
    QVERIFY(app->inputHandler(QStringLiteral("All"))->send(2000, {7}));
    app->shutdown();
    QCOMPARE(outs, qint64(3 * keys));
    QCOMPARE(lastTotal, int64_t(5)); // the last key's window holds 2 and 3
    QCOMPARE(seen, qint64(keys));
}

void tst_Partition::errorsAreCountedAndLogged()
{
    QString error;
    QStringList logs;
    // str:substr past the end of the text throws in Siddhi (division by zero does not: it
    // gives null).
    auto app = build("@OnError(action='LOG') define stream L (s string);\n"
                     "@OnError(action='STREAM') define stream T (s string);\n"
                     "from L select str:substr(s, 0, 2) as q insert into LOut;\n"
                     "from T select str:substr(s, 0, 2) as q insert into TOut;\n",
                     ClockMode::Playback, &logs, &error);
    QVERIFY2(app, qPrintable(error));
    qint64 faults = 0;
    app->addStreamCallback(QStringLiteral("!T"),
                           [&](const EventChunk &c) { faults += qint64(c.size()); });
    app->start();
    QVERIFY(app->inputHandler(QStringLiteral("L"))->send(1, {QStringLiteral("x")}));
    QVERIFY(app->inputHandler(QStringLiteral("L"))->send(2, {QStringLiteral("xyz")}));
    QCOMPARE(app->context().errors.load(), qint64(1));
    QCOMPARE(logs.size(), 1);
    QVERIFY2(logs.first().startsWith(QLatin1String("ERROR"))
                 && logs.first().contains(QLatin1String("str:substr")),
             qPrintable(logs.first()));
    // Routed to the fault stream: counted, not logged.
    QVERIFY(app->inputHandler(QStringLiteral("T"))->send(3, {QStringLiteral("a")}));
    QVERIFY(app->inputHandler(QStringLiteral("T"))->send(4, {QStringLiteral("")}));
    QCOMPARE(app->context().errors.load(), qint64(3));
    QCOMPARE(faults, qint64(2));
    QCOMPARE(logs.size(), 1);
    app->shutdown();
}

void tst_Partition::triggersOnManualClock()
{
    QString error;
    auto app = build("define trigger T at every 250 millisec;\n"
                     "define trigger C at '*/1 * * * * ?';\n"
                     "from T select triggered_time insert into Ticks;\n"
                     "from C select triggered_time insert into Crons;\n",
                     ClockMode::Manual, nullptr, &error);
    QVERIFY2(app, qPrintable(error));
    QList<qint64> ticks, crons;
    app->addStreamCallback(QStringLiteral("Ticks"), [&](const EventChunk &c) {
        for (const Event *e : c.events)
            ticks << e->value(0).l;
    });
    app->addStreamCallback(QStringLiteral("Crons"), [&](const EventChunk &c) {
        for (const Event *e : c.events)
            crons << e->value(0).l;
    });
    app->start();
    app->advanceTime(600);
    QCOMPARE(ticks, (QList<qint64>{250, 500}));
    app->advanceTime(1000);
    QCOMPARE(ticks, (QList<qint64>{250, 500, 750, 1000}));
    QCOMPARE(crons, (QList<qint64>{0, 1000}));
    app->shutdown();
    // Stopped: time moves, triggers do not fire.
    app->advanceTime(5000);
    QCOMPARE(ticks.size(), 4);
}

void tst_Partition::startTriggerOnWallClock()
{
    QString error;
    auto app = build("define trigger Boot at 'start';\n"
                     "from Boot select triggered_time insert into Booted;\n",
                     ClockMode::Wall, nullptr, &error);
    QVERIFY2(app, qPrintable(error));
    qint64 at = -1;
    app->addStreamCallback(QStringLiteral("Booted"),
                           [&](const EventChunk &c) { at = c.events.front()->value(0).l; });
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    app->start(); // the start trigger fires during start()
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    app->shutdown();
    QVERIFY(at >= before && at <= after);
}

void tst_Partition::partitionQueryErrorsAreReported()
{
    // A query inside a partition that cannot be built is reported when the app is created,
    // at the query's position, even though copies are made only when keys come.
    QString error;
    auto app = build("define stream S (k string, v double);\n"
                     "partition with (k of S) begin\n"
                     "  from S#window.frobnicate(3) select k insert into Out;\n"
                     "end;",
                     ClockMode::Playback, nullptr, &error);
    QVERIFY(!app);
    QVERIFY2(error.contains(QLatin1String(":3:")), qPrintable(error));
}

QTEST_APPLESS_MAIN(tst_Partition)
#include "tst_partition.moc"
