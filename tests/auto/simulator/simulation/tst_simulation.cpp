// Running simulations: pacing and rate accuracy on a test clock (no sleeping), pause, resume
// and stop, merging sources, counts, seeds, back-pressure, and an app in process.
#include "../simulatortest.h"

#include "engine/runtime/appruntime.h"
#include "simulator/appsink.h"
#include "simulator/simulation.h"
#include "simulator/singleevent.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace SimTest;
using Rivulet::Runtime::AppRuntime;
using Rivulet::Runtime::ClockMode;
using Rivulet::Runtime::Engine;
using Rivulet::Runtime::EventChunk;

class tst_Simulation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rateAccuracy_data();
    void rateAccuracy();
    void paceByTimestamps();
    void farBehindDoesNotBurst();
    void pauseAndResume();
    void stop();
    void unpacedForVirtualTime();
    void mergesSourcesByTimestamp();
    void countAndEnd();
    void seeded();
    void backPressure();
    void warningsAndSkippedRows();
    void unknownAttributes();
    void inProcessApp();
    void trainSampleInProcess();
    void singleEvents();
};

namespace {

const StreamSchema kStock = schema(QStringLiteral("StockStream"),
                                   QStringLiteral("symbol string, price float, volume long"));

QJsonObject stockSource(qint64 interval = 1, const QString &stream = QStringLiteral("StockStream"))
{
    QJsonObject o = json(R"({"simulationType": "RANDOM_DATA_SIMULATION",
        "attributeConfiguration": [
        {"type": "CUSTOM_DATA_BASED", "list": ["IBM", "WSO2", "ORCL"]},
        {"type": "PRIMITIVE_BASED", "min": 0, "max": 1000, "precision": 2},
        {"type": "PRIMITIVE_BASED", "min": 1, "max": 100}]})");
    o.insert(QStringLiteral("streamName"), stream);
    o.insert(QStringLiteral("timestampInterval"), double(interval));
    return o;
}

SimulationConfig config(const QList<QJsonObject> &sources, const QJsonObject &properties = {})
{
    QJsonObject props = properties;
    props.insert(QStringLiteral("simulationName"), QStringLiteral("test"));
    if (!props.contains(QLatin1String("timestampStartTime")))
        props.insert(QStringLiteral("timestampStartTime"), 1000);
    QJsonArray list;
    for (const QJsonObject &s : sources)
        list.append(s);
    SimulationConfig c;
    QString error;
    if (!SimulationConfig::parse(QJsonDocument(QJsonObject{{QStringLiteral("properties"), props},
                                                           {QStringLiteral("sources"), list}})
                                     .toJson(),
                                 {}, &c, &error))
        qWarning("%s", qPrintable(error));
    return c;
}

// Timers that fire up to maxLate ns late, at random (seeded).
std::function<int64_t()> randomLateness(int64_t maxLate, uint64_t seed = 17)
{
    auto rng = std::make_shared<Random>(seed);
    return [rng, maxLate] { return maxLate > 0 ? int64_t(rng->below(uint64_t(maxLate) + 1)) : 0; };
}

struct Run
{
    FakeClock clock;
    CaptureSink sink;
    Simulation sim;
    QString error;
    Run()
    {
        sink.clock = &clock;
        sim.setClock(&clock);
    }
    bool prepare(const SimulationConfig &c, const Simulation::Options &o = {})
    {
        sink.known << kStock;
        return sim.prepare(c, &sink, o, &error);
    }
};

} // namespace

void tst_Simulation::rateAccuracy_data()
{
    QTest::addColumn<double>("rate");         // events/s asked for (0: from the file)
    QTest::addColumn<qint64>("timeInterval"); // the file's, when rate is 0
    QTest::addColumn<double>("seconds");
    QTest::addColumn<qint64>("maxLateNs");  // timer slop
    QTest::addColumn<qint64>("sendCostNs"); // time one send takes
    QTest::newRow("10,000/s for 3 s, timers up to 1.5 ms late")
        << 10000.0 << qint64(0) << 3.0 << qint64(1'500'000) << qint64(3'000);
    QTest::newRow("10,000/s for 10 s, punctual timers")
        << 10000.0 << qint64(0) << 10.0 << qint64(0) << qint64(0);
    QTest::newRow("1,000/s, timers up to 5 ms late")
        << 1000.0 << qint64(0) << 4.0 << qint64(5'000'000) << qint64(10'000);
    QTest::newRow("100/s") << 100.0 << qint64(0) << 5.0 << qint64(2'000'000) << qint64(0);
    QTest::newRow("250,000/s, 2 us a send")
        << 250000.0 << qint64(0) << 2.0 << qint64(1'000'000) << qint64(2'000);
    QTest::newRow("the file's timeInterval of 250 ms")
        << 0.0 << qint64(250) << 10.0 << qint64(3'000'000) << qint64(0);
}

void tst_Simulation::rateAccuracy()
{
    QFETCH(double, rate);
    QFETCH(qint64, timeInterval);
    QFETCH(double, seconds);
    QFETCH(qint64, maxLateNs);
    QFETCH(qint64, sendCostNs);
    const double expectedRate = rate > 0 ? rate : 1000.0 / double(timeInterval);
    const qint64 n = qint64(std::llround(expectedRate * seconds)) + 1;

    Run run;
    run.clock.lateness = randomLateness(maxLateNs);
    run.sink.sendCost = sendCostNs;
    Simulation::Options options;
    if (rate > 0)
        options.rate = rate;
    options.count = n;
    QJsonObject props;
    if (timeInterval > 0)
        props.insert(QStringLiteral("timeInterval"), double(timeInterval));
    QVERIFY2(run.prepare(config({stockSource()}, props), options), qPrintable(run.error));
    QCOMPARE(run.sim.rate(), expectedRate);
    QSignalSpy finished(&run.sim, &Simulation::finished);
    const int64_t started = run.clock.nowNs();
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(run.sim.state(), Simulation::State::Finished);
    QCOMPARE(qint64(run.sink.sent.size()), n);

    // The rate over the run, first send to last, within 1%.
    const int64_t first = run.sink.sent.front().at;
    const int64_t last = run.sink.sent.back().at;
    const double achieved = double(n - 1) / (double(last - first) / 1e9);
    QVERIFY2(std::fabs(achieved - expectedRate) / expectedRate < 0.01,
             qPrintable(QStringLiteral("%1 events/s for %2").arg(achieved).arg(expectedRate)));

    // No event goes before its time (event i: i periods after the start), and none falls far
    // behind it.
    const double period = 1e9 / expectedRate;
    int64_t worstLag = 0;
    for (qint64 i = 0; i < n; ++i) {
        const int64_t due = started + int64_t(std::llround(double(i) * period));
        const int64_t at = run.sink.sent[size_t(i)].at;
        QVERIFY2(at + sendCostNs >= due, qPrintable(QStringLiteral("event %1 early").arg(i)));
        worstLag = std::max(worstLag, at - due);
    }
    QVERIFY2(worstLag <= maxLateNs + 25'000'000, qPrintable(QString::number(worstLag)));
    QVERIFY(std::fabs(run.sim.elapsedSeconds() - seconds) / seconds < 0.01);
}

void tst_Simulation::paceByTimestamps()
{
    Run run;
    run.clock.lateness = randomLateness(500'000);
    QJsonObject src = stockSource(5); // timestamps 5 ms apart
    QVERIFY2(run.prepare(config({src}, {{QStringLiteral("pace"), QStringLiteral("timestamps")},
                                        {QStringLiteral("noOfEvents"), 201}})),
             qPrintable(run.error));
    const int64_t started = run.clock.nowNs();
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(run.sink.sent.size(), size_t(201));
    const double span = double(run.sink.sent.back().at - run.sink.sent.front().at) / 1e6;
    QVERIFY2(std::fabs(span - 1000.0) < 1.0, qPrintable(QString::number(span))); // 200 * 5 ms
    // Each event goes when its timestamp comes (relative to the first), not before, and at most
    // a timer's slop after.
    for (const Sent &sent : run.sink.sent) {
        const double late = double(sent.at - started) / 1e6 - double(sent.timestamp - 1000);
        QVERIFY2(late >= 0 && late <= 0.5, qPrintable(QString::number(late)));
    }
}

void tst_Simulation::farBehindDoesNotBurst()
{
    // The target stalls for 3 s once: the simulation carries on at its rate afterwards instead
    // of sending 3 s worth of events at once.
    Run run;
    bool stalled = false;
    run.sink.onSend = [&] {
        if (run.sink.sent.size() == 100 && !stalled) {
            stalled = true;
            run.clock.advance(3'000'000'000);
        }
    };
    Simulation::Options o;
    o.rate = 100;
    o.count = 400;
    QVERIFY(run.prepare(config({stockSource()}), o));
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(run.sink.sent.size(), size_t(400));
    const int64_t resumed = run.sink.sent[100].at;
    int burst = 0;
    for (const Sent &s : run.sink.sent) {
        if (s.at >= resumed && s.at < resumed + 100'000'000)
            ++burst;
    }
    QVERIFY2(burst <= 12, qPrintable(QString::number(burst))); // ~10 in 100 ms at 100/s
}

void tst_Simulation::pauseAndResume()
{
    Run run;
    run.clock.lateness = randomLateness(1'000'000);
    run.sink.onSend = [&] {
        if (run.sink.sent.size() == 1000)
            run.sim.pause();
    };
    Simulation::Options o;
    o.rate = 1000;
    o.count = 3000;
    QVERIFY(run.prepare(config({stockSource()}), o));
    QSignalSpy states(&run.sim, &Simulation::stateChanged);
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(run.sim.state(), Simulation::State::Paused);
    QCOMPARE(run.sink.sent.size(), size_t(1000));
    QVERIFY(!run.clock.pending()); // nothing goes while paused

    run.clock.advance(5'000'000'000); // paused for 5 s
    const int64_t resumedAt = run.clock.nowNs();
    run.sim.resume();
    run.clock.runOut();
    QCOMPARE(run.sim.state(), Simulation::State::Finished);
    QCOMPARE(run.sink.sent.size(), size_t(3000));
    // No burst to make up for the pause: the 100 ms after resuming carry about 100 events.
    int afterResume = 0;
    for (const Sent &s : run.sink.sent) {
        if (s.at >= resumedAt && s.at < resumedAt + 100'000'000)
            ++afterResume;
    }
    QVERIFY2(afterResume <= 103, qPrintable(QString::number(afterResume)));
    // Running time leaves the pause out: 3 s at 1000/s.
    QVERIFY2(std::fabs(run.sim.elapsedSeconds() - 3.0) < 0.03,
             qPrintable(QString::number(run.sim.elapsedSeconds())));
    QList<Simulation::State> seen;
    for (const QList<QVariant> &args : states)
        seen << args.first().value<Simulation::State>();
    QCOMPARE(seen,
             (QList<Simulation::State>{Simulation::State::Running, Simulation::State::Paused,
                                       Simulation::State::Running, Simulation::State::Finishing,
                                       Simulation::State::Finished}));
}

void tst_Simulation::stop()
{
    Run run;
    run.sink.onSend = [&] {
        if (run.sink.sent.size() == 500)
            run.sim.stop();
    };
    Simulation::Options o;
    o.rate = 0; // as fast as possible; no end of its own
    QVERIFY(run.prepare(config({stockSource()}), o));
    QSignalSpy finished(&run.sim, &Simulation::finished);
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(run.sim.state(), Simulation::State::Stopped);
    QCOMPARE(run.sim.sent(), qint64(500));
    QCOMPARE(run.sink.sent.size(), size_t(500));
}

void tst_Simulation::unpacedForVirtualTime()
{
    Run run;
    run.sink.virtualTime = true;
    // The file asks for one event a second; an app on a virtual clock gets them at once.
    QVERIFY(run.prepare(config({stockSource()}, {{QStringLiteral("timeInterval"), 1000},
                                                 {QStringLiteral("noOfEvents"), 5000}})));
    QCOMPARE(run.sim.rate(), 0.0);
    const int64_t before = run.clock.nowNs();
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(run.sink.sent.size(), size_t(5000));
    QCOMPARE(run.clock.nowNs(), before);
}

void tst_Simulation::mergesSourcesByTimestamp()
{
    Run run;
    run.sink.known << schema(QStringLiteral("Other"),
                             QStringLiteral("symbol string, price float, volume long"));
    Simulation::Options o;
    o.rate = 0;
    QVERIFY2(run.prepare(config({stockSource(3), stockSource(5, QStringLiteral("Other"))},
                                {{QStringLiteral("timestampEndTime"), 1100}}),
                         o),
             qPrintable(run.error));
    run.sim.start();
    run.clock.runOut();
    // 1000..1100 every 3 ms (34) and every 5 ms (21), in timestamp order, the first source
    // first on ties.
    QCOMPARE(run.sink.sent.size(), size_t(34 + 21));
    for (size_t i = 1; i < run.sink.sent.size(); ++i) {
        const Sent &a = run.sink.sent[i - 1], &b = run.sink.sent[i];
        QVERIFY(a.timestamp < b.timestamp
                || (a.timestamp == b.timestamp && a.stream == QLatin1String("StockStream")));
    }
    const auto perStream = run.sim.sentPerStream();
    QCOMPARE(perStream, (QList<QPair<QString, qint64>>{{QStringLiteral("StockStream"), 34},
                                                       {QStringLiteral("Other"), 21}}));
}

void tst_Simulation::countAndEnd()
{
    Simulation::Options o;
    o.rate = 0;
    {
        Run run; // noOfEvents
        QVERIFY(run.prepare(
            config({stockSource()}, {{QStringLiteral("noOfEvents"), QStringLiteral("7")}}), o));
        run.sim.start();
        run.clock.runOut();
        QCOMPARE(run.sink.sent.size(), size_t(7));
    }
    {
        Run run; // --count wins over noOfEvents
        o.count = 3;
        QVERIFY(run.prepare(config({stockSource()}, {{QStringLiteral("noOfEvents"), 7}}), o));
        run.sim.start();
        run.clock.runOut();
        QCOMPARE(run.sink.sent.size(), size_t(3));
        o.count.reset();
    }
    {
        Run run; // the end timestamp
        QVERIFY(run.prepare(config({stockSource(10)}, {{QStringLiteral("timestampEndTime"), 1095}}),
                            o));
        run.sim.start();
        run.clock.runOut();
        QCOMPARE(run.sink.sent.size(), size_t(10));
        QCOMPARE(run.sink.sent.back().timestamp, qint64(1090));
    }
}

void tst_Simulation::seeded()
{
    auto sent = [](const QList<QJsonObject> &sources, std::optional<quint64> seed) {
        Run run;
        run.sink.known << schema(QStringLiteral("Other"),
                                 QStringLiteral("symbol string, price float, volume long"));
        Simulation::Options o;
        o.rate = 0;
        o.count = 200;
        o.seed = seed;
        run.prepare(config(sources), o);
        run.sim.start();
        run.clock.runOut();
        std::vector<QVariantList> rows;
        for (const Sent &s : run.sink.sent) {
            if (s.stream == QLatin1String("StockStream"))
                rows.push_back(s.values);
        }
        return rows;
    };
    const auto a = sent({stockSource()}, 42);
    QCOMPARE(sent({stockSource()}, 42), a);
    QVERIFY(sent({stockSource()}, 43) != a);
    // Another source beside it does not change this one's values.
    const auto withOther = sent({stockSource(), stockSource(1, QStringLiteral("Other"))}, 42);
    QCOMPARE(withOther,
             std::vector<QVariantList>(a.begin(), a.begin() + qsizetype(withOther.size())));
}

namespace {
class BusySink final : public EventSink
{
public:
    QString description() const override { return QStringLiteral("busy"); }
    std::optional<StreamSchema> schema(const QString &) const override { return kStock; }
    int openStream(const StreamSchema &s, QString *) override
    {
        m_layout = std::make_unique<EventLayout>(s.types, s.names);
        return 0;
    }
    EventLayout *layout(int) const override { return m_layout.get(); }
    bool send(int, Event *) override
    {
        ++sent;
        return true;
    }
    bool isBusy() const override { return sent % 10 == 0 && sent != released; }
    void ready()
    {
        released = sent;
        notifyReady();
    }
    int sent = 0;
    int released = 0;

private:
    std::unique_ptr<EventLayout> m_layout;
};
} // namespace

void tst_Simulation::backPressure()
{
    FakeClock clock;
    BusySink sink;
    sink.released = 0;
    Simulation sim;
    sim.setClock(&clock);
    Simulation::Options o;
    o.rate = 0;
    o.count = 25;
    QString error;
    QVERIFY2(sim.prepare(config({stockSource()}), &sink, o, &error), qPrintable(error));
    sim.start();
    clock.runOut();
    QCOMPARE(sink.sent, 10); // busy after ten; nothing waits on the clock
    QVERIFY(!clock.pending());
    sink.ready();
    clock.runOut();
    QCOMPARE(sink.sent, 20);
    sink.ready();
    clock.runOut();
    QCOMPARE(sink.sent, 25);
    QCOMPARE(sim.state(), Simulation::State::Finished);
}

void tst_Simulation::warningsAndSkippedRows()
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("s.csv")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("IBM,1.5,1\nWSO2,oops,2\nORCL,3.5\nMSFT,4.5,4\n");
    f.close();
    const QJsonObject src{{QStringLiteral("simulationType"), QStringLiteral("CSV_SIMULATION")},
                          {QStringLiteral("streamName"), QStringLiteral("StockStream")},
                          {QStringLiteral("fileName"), QStringLiteral("s.csv")}};
    SimulationConfig c = config({src});
    c.baseDirectory = dir.path();
    Run run;
    QSignalSpy warnings(&run.sim, &Simulation::warning);
    Simulation::Options o;
    o.rate = 0;
    QVERIFY2(run.prepare(c, o), qPrintable(run.error));
    run.sim.start();
    run.clock.runOut();
    QCOMPARE(run.sink.sent.size(), size_t(2));
    QCOMPARE(run.sim.skipped(), qint64(2));
    QCOMPARE(warnings.size(), 2);
    QCOMPARE(
        warnings[0].first().toString(),
        QStringLiteral("s.csv:2: attribute 'price' is a float, but 'oops' is not; row skipped"));
    QCOMPARE(warnings[1].first().toString(),
             QStringLiteral("s.csv:3: expected 3 columns, found 2; row skipped"));
}

void tst_Simulation::unknownAttributes()
{
    FakeClock clock;
    CaptureSink sink; // knows no stream
    Simulation sim;
    sim.setClock(&clock);
    QString error;
    QVERIFY(!sim.prepare(config({stockSource()}), &sink, {}, &error));
    QCOMPARE(error, QStringLiteral("sources[0] (RANDOM_DATA_SIMULATION of stream 'StockStream'): "
                                   "the attributes of stream 'StockStream' are unknown: capture "
                                   "does not define it; give the app that does, or the source's "
                                   "'attributes'"));
    // With 'attributes' in the source it runs.
    QJsonObject src = stockSource();
    src.insert(QStringLiteral("attributes"),
               QStringLiteral("symbol string, price float, volume long"));
    Simulation again;
    again.setClock(&clock);
    QVERIFY2(again.prepare(config({src}), &sink, {}, &error), qPrintable(error));
}

void tst_Simulation::inProcessApp()
{
    QFile f(QStringLiteral(RIVULET_SOURCE_DIR "/tests/auto/simulator/data/stocks.siddhi"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    Engine::Options eo;
    eo.clock = ClockMode::Playback;
    Engine engine(eo);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(f.readAll(), f.fileName(), &diagnostics);
    QVERIFY(app);
    std::vector<QVariantList> in, out;
    std::vector<qint64> inTs, outTs;
    auto collect = [](std::vector<QVariantList> *rows, std::vector<qint64> *ts) {
        return [rows, ts](const EventChunk &chunk) {
            for (const Event *e : chunk.events) {
                rows->push_back(values(*e->layout, *e));
                ts->push_back(e->timestamp);
            }
        };
    };
    app->addStreamCallback(QStringLiteral("StockStream"), collect(&in, &inTs));
    app->addStreamCallback(QStringLiteral("HighStream"), collect(&out, &outTs));
    app->start();
    {
        Rivulet::Simulator::AppSink sink(app.get());
        Simulation sim; // the steady clock: driven by this test's event loop
        Simulation::Options o;
        o.count = 20000;
        QString error;
        QVERIFY2(sim.prepare(config({stockSource()}), &sink, o, &error), qPrintable(error));
        QCOMPARE(sim.rate(), 0.0); // a playback app: as fast as possible
        QSignalSpy finished(&sim, &Simulation::finished);
        sim.start();
        QVERIFY(finished.wait(30000));
        QCOMPARE(sim.state(), Simulation::State::Finished);
    }
    app->shutdown();
    QCOMPARE(in.size(), size_t(20000));
    std::vector<QVariantList> expected;
    std::vector<qint64> expectedTs;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i][1].toFloat() > 500) {
            expected.push_back(in[i]);
            expectedTs.push_back(inTs[i]);
        }
    }
    QVERIFY(expected.size() > 9000 && expected.size() < 11000);
    QCOMPARE(out, expected);
    QCOMPARE(outTs, expectedTs);
    QCOMPARE(inTs.front(), qint64(1000));
    QCOMPARE(inTs.back(), qint64(1000 + 19999));
}

void tst_Simulation::trainSampleInProcess()
{
    QFile f(QStringLiteral(RIVULET_SOURCE_DIR "/tests/auto/simulator/data/TrainLocation.siddhi"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    Engine::Options eo;
    eo.clock = ClockMode::Playback;
    Engine engine(eo);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(f.readAll(), f.fileName(), &diagnostics);
    QVERIFY(app);
    std::vector<QVariantList> out;
    app->addStreamCallback(QStringLiteral("TrainLocationStream"), [&](const EventChunk &chunk) {
        for (const Event *e : chunk.events)
            out.push_back(values(*e->layout, *e));
    });
    app->start();
    SimulationConfig c;
    QString error;
    QVERIFY2(SimulationConfig::load(
                 QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.sim.json"), &c,
                 &error),
             qPrintable(error));
    {
        Rivulet::Simulator::AppSink sink(app.get());
        Simulation sim;
        Simulation::Options o;
        o.count = 300;
        o.startTimestamp = 1'700'000'000'000;
        QVERIFY2(sim.prepare(c, &sink, o, &error), qPrintable(error));
        QSignalSpy finished(&sim, &Simulation::finished);
        sim.start();
        QVERIFY(finished.wait(30000));
    }
    app->shutdown();
    QCOMPARE(out.size(), size_t(300));
    QSet<QString> trains;
    for (const QVariantList &row : out) {
        trains.insert(row[0].toString());
        // On the Colombo - Polgahawela line.
        QVERIFY(row[1].toDouble() > 6.9 && row[1].toDouble() < 7.4);
        QVERIFY(row[2].toDouble() > 79.8 && row[2].toDouble() < 80.4);
        QVERIFY(row[3].toDouble() > 0);
    }
    QCOMPARE(trains,
             (QSet<QString>{QStringLiteral("456"), QStringLiteral("123"), QStringLiteral("789")}));
    // Train 456 moves: its first and last positions differ.
    QVERIFY(out[0][1] != out[297][1] || out[0][2] != out[297][2]);
}

void tst_Simulation::singleEvents()
{
    QFile f(QStringLiteral(RIVULET_SOURCE_DIR "/tests/auto/simulator/data/stocks.siddhi"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    Engine::Options eo;
    eo.clock = ClockMode::Playback;
    Engine engine(eo);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(f.readAll(), f.fileName(), &diagnostics);
    QVERIFY(app);
    std::vector<QVariantList> out;
    std::vector<qint64> ts;
    app->addStreamCallback(QStringLiteral("HighStream"), [&](const EventChunk &chunk) {
        for (const Event *e : chunk.events) {
            out.push_back(values(*e->layout, *e));
            ts.push_back(e->timestamp);
        }
    });
    app->start();
    Rivulet::Simulator::AppSink sink(app.get());
    QString error;
    SingleEvent e;
    e.streamName = QStringLiteral("StockStream");
    // Values as a form gives them: text.
    e.values = {QStringLiteral("IBM"), QStringLiteral("750.5"), QStringLiteral("100")};
    e.timestamp = 5000;
    QVERIFY2(sendSingleEvent(sink, e, &error), qPrintable(error));
    // Values of their own types; no timestamp: the app's time.
    e.values = {QStringLiteral("WSO2"), 900.25, qlonglong(7)};
    e.timestamp.reset();
    QVERIFY2(sendSingleEvent(sink, e, &error), qPrintable(error));
    QCOMPARE(out.size(), size_t(2));
    QCOMPARE(out[0], (QVariantList{QStringLiteral("IBM"), 750.5f, qlonglong(100)}));
    QCOMPARE(ts, (std::vector<qint64>{5000, 5000}));

    struct Case
    {
        QVariantList values;
        const char *message;
    };
    const Case cases[] = {
        {{QStringLiteral("IBM"), QStringLiteral("abc"), 1},
         "attribute 'price' is a float, but 'abc' is not"},
        {{QStringLiteral("IBM"), 1.5, 2.5}, "attribute 'volume' is a long, but 2.5 is a double"},
        {{42, 1.5, 1}, "attribute 'symbol' is a string, but 42 is a int"},
        {{QStringLiteral("IBM"), 1.5},
         "stream 'StockStream' has 3 attributes (symbol string, price float, volume long), but 2 "
         "values were given"},
    };
    for (const Case &c : cases) {
        e.values = c.values;
        QVERIFY(!sendSingleEvent(sink, e, &error));
        QCOMPARE(error, QString::fromUtf8(c.message));
        QCOMPARE(checkSingleEvent(*sink.schema(QStringLiteral("StockStream")), c.values), error);
    }
    e.streamName = QStringLiteral("Nope");
    QVERIFY(!sendSingleEvent(sink, e, &error));
    QCOMPARE(error, QStringLiteral("app 'StockFilter' has no stream 'Nope'"));
    QCOMPARE(out.size(), size_t(2)); // nothing sent by the failures
    app->shutdown();
}

QTEST_GUILESS_MAIN(tst_Simulation)
#include "tst_simulation.moc"
