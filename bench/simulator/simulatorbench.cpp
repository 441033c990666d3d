// The simulator's two figures (docs/PERFORMANCE.md, "Simulator"):
//
//   max   the highest in-process rate: a random feed (a custom list, a float of 2 decimal
//         places, a long range) sent as fast as possible into a filter app on a playback clock,
//         through the input handler's fast path with one reused event per source. Also the
//         same feed into a sink that drops events (the generators alone), and the engine alone
//         on pre-built events (the ceiling).
//   rate  rate accuracy on the wall clock: 10,000 events/s for 10 s into the same app, paced
//         by the steady clock; the achieved rate (first send to last), how late sends are
//         against their schedule, and the CPU time the pacing took.
//
//   simulatorbench [--only max|rate] [--events N] [--rate R] [--seconds S] [--runs N]
#include "engine/runtime/appruntime.h"
#include "simulator/appsink.h"
#include "simulator/simulation.h"

#include <QCoreApplication>
#include <QEventLoop>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sys/resource.h>
#include <vector>

using namespace Rivulet::Runtime;
using namespace Rivulet::Simulator;
using SteadyClock = std::chrono::steady_clock;

namespace {

const QByteArray kApp =
    "@App:name('SimBench')\n"
    "define stream StockStream (symbol string, price float, volume long);\n"
    "from StockStream[price > 500] select symbol, price, volume insert into Out;\n";

SimulationConfig feed()
{
    const QByteArray json = R"({
      "properties": {"simulationName": "bench", "timestampStartTime": 1000},
      "sources": [{"simulationType": "RANDOM_DATA_SIMULATION", "streamName": "StockStream",
        "timestampInterval": 1, "attributeConfiguration": [
          {"type": "CUSTOM_DATA_BASED", "list": ["IBM", "WSO2", "ORCL", "MSFT", "GOOG", "AMZN"]},
          {"type": "PRIMITIVE_BASED", "min": 0, "max": 1000, "precision": 2},
          {"type": "PRIMITIVE_BASED", "min": 1, "max": 1000}]}]})";
    SimulationConfig c;
    QString error;
    if (!SimulationConfig::parse(json, {}, &c, &error))
        std::fprintf(stderr, "feed: %s\n", qPrintable(error));
    return c;
}

std::unique_ptr<AppRuntime> makeApp(Engine &engine, qint64 *outputs)
{
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(kApp, QStringLiteral("simbench.siddhi"), &diagnostics);
    if (!app) {
        for (const auto &d : diagnostics)
            std::fprintf(stderr, "%s\n", qPrintable(d.toText()));
        return nullptr;
    }
    app->addStreamCallback(QStringLiteral("Out"),
                           [outputs](const EventChunk &c) { *outputs += qint64(c.size()); });
    app->start();
    return app;
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Passes events on to another sink, noting when each was sent.
class TimingSink final : public EventSink
{
public:
    TimingSink(EventSink *inner, size_t expected)
        : m_inner(inner)
    {
        times.reserve(expected);
    }
    QString description() const override { return m_inner->description(); }
    std::optional<StreamSchema> schema(const QString &s) const override
    {
        return m_inner->schema(s);
    }
    int openStream(const StreamSchema &s, QString *e) override { return m_inner->openStream(s, e); }
    EventLayout *layout(int s) const override { return m_inner->layout(s); }
    Event *allocate(int s) override { return m_inner->allocate(s); }
    void release(int s, Event *e) override { m_inner->release(s, e); }
    bool send(int s, Event *e) override
    {
        times.push_back(SteadyClock::now());
        return m_inner->send(s, e);
    }
    bool followsEventTime() const override { return m_inner->followsEventTime(); }

    std::vector<SteadyClock::time_point> times;

private:
    EventSink *m_inner;
};

// Drops every event: the cost of generating them alone.
class NullSink final : public EventSink
{
public:
    QString description() const override { return QStringLiteral("null"); }
    std::optional<StreamSchema> schema(const QString &stream) const override
    {
        StreamSchema s;
        s.name = stream;
        s.names = {QStringLiteral("symbol"), QStringLiteral("price"), QStringLiteral("volume")};
        s.types = {AttrType::String, AttrType::Float, AttrType::Long};
        return s;
    }
    int openStream(const StreamSchema &s, QString *) override
    {
        m_layout = std::make_unique<EventLayout>(s.types, s.names);
        return 0;
    }
    EventLayout *layout(int) const override { return m_layout.get(); }
    bool send(int, Event *e) override
    {
        m_sum += e->timestamp;
        return true;
    }
    bool followsEventTime() const override { return true; }
    qint64 m_sum = 0;

private:
    std::unique_ptr<EventLayout> m_layout;
};

// Runs a simulation to its end in an event loop; returns seconds from start to finished.
double run(const SimulationConfig &config, EventSink *sink, const Simulation::Options &options,
           qint64 *sent)
{
    Simulation sim;
    QString error;
    if (!sim.prepare(config, sink, options, &error)) {
        std::fprintf(stderr, "prepare: %s\n", qPrintable(error));
        return 0;
    }
    QEventLoop loop;
    QObject::connect(&sim, &Simulation::finished, &loop, &QEventLoop::quit);
    const auto t0 = SteadyClock::now();
    sim.start();
    loop.exec();
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    *sent = sim.sent();
    return seconds;
}

void maxRate(qint64 events, int runs)
{
    std::printf(
        "== max in-process rate: %lld events, random feed -> filter app (playback clock) ==\n",
        (long long)events);
    const SimulationConfig config = feed();
    Simulation::Options options;
    options.count = events;
    options.seed = 1;

    std::vector<double> rates, nullRates, ceilings;
    qint64 outputs = 0;
    for (int r = 0; r < runs; ++r) {
        Engine::Options eo;
        eo.clock = ClockMode::Playback;
        eo.logger = [](LogLevel, const QString &, const QString &) {};
        Engine engine(eo);
        outputs = 0;
        auto app = makeApp(engine, &outputs);
        if (!app)
            return;
        qint64 sent = 0;
        {
            AppSink sink(app.get());
            const double s = run(config, &sink, options, &sent);
            rates.push_back(double(sent) / s);
        }
        app->shutdown();

        NullSink null;
        const double s = run(config, &null, options, &sent);
        nullRates.push_back(double(sent) / s);

        // The ceiling: the engine alone, one pre-built event re-sent with new timestamps.
        qint64 ceilingOut = 0;
        auto app2 = makeApp(engine, &ceilingOut);
        InputHandler *in = app2->inputHandler(QStringLiteral("StockStream"));
        Event *e = in->layout()->allocate();
        Value sym;
        sym.s = StringData::make(std::string_view("IBM"));
        in->layout()->set(e, 0, sym);
        sym.s->deref();
        in->layout()->set(e, 2, Value::ofLong(10));
        const auto t0 = SteadyClock::now();
        for (qint64 i = 0; i < events; ++i) {
            e->timestamp = 1000 + i;
            in->layout()->set(e, 1, Value::ofFloat(float((i * 7919) % 1000)));
            in->send(e);
        }
        const double cs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
        ceilings.push_back(double(events) / cs);
        {
            std::lock_guard<std::recursive_mutex> lock(app2->mutex());
            in->layout()->release(e);
        }
        app2->shutdown();
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    auto line = [&](const char *what, const std::vector<double> &v) {
        std::printf("  %-52s median %6.2f M events/s  (", what, median(v) / 1e6);
        for (size_t i = 0; i < v.size(); ++i)
            std::printf("%s%.2f", i ? ", " : "", v[i] / 1e6);
        std::printf(")\n");
    };
    line("simulator -> app (generate + send + filter)", rates);
    line("simulator -> null sink (generate only)", nullRates);
    line("pre-built event -> app (the engine alone)", ceilings);
    std::printf("  outputs of the last run: %lld (price > 500)\n", (long long)outputs);
}

void rateAccuracy(double rate, double seconds, int runs)
{
    std::printf(
        "== rate accuracy: %.0f events/s for %.0f s on the wall clock (steady clock pacing) ==\n",
        rate, seconds);
    const SimulationConfig config = feed();
    for (int r = 0; r < runs; ++r) {
        Engine::Options eo;
        eo.clock = ClockMode::Playback;
        eo.logger = [](LogLevel, const QString &, const QString &) {};
        Engine engine(eo);
        qint64 outputs = 0;
        auto app = makeApp(engine, &outputs);
        if (!app)
            return;
        const qint64 n = qint64(rate * seconds) + 1;
        AppSink appSink(app.get());
        TimingSink sink(&appSink, size_t(n));
        Simulation::Options options;
        options.rate = rate;
        options.count = n;
        options.seed = 1;
        const double cpu0 = cpuSeconds();
        qint64 sent = 0;
        const double wall = run(config, &sink, options, &sent);
        const double cpu = cpuSeconds() - cpu0;
        app->shutdown();

        const auto &t = sink.times;
        const double span = std::chrono::duration<double>(t.back() - t.front()).count();
        const double achieved = double(t.size() - 1) / span;
        // Lateness of each send against its schedule (event i due i / rate after the first).
        std::vector<double> late;
        late.reserve(t.size());
        for (size_t i = 0; i < t.size(); ++i) {
            const double due = double(i) / rate;
            late.push_back(std::chrono::duration<double>(t[i] - t.front()).count() - due);
        }
        std::sort(late.begin(), late.end());
        auto q = [&](double p) { return late[size_t(double(late.size() - 1) * p)] * 1e3; };
        std::printf("  run %d: %lld sent in %.3f s; achieved %.2f events/s (%+.3f%%); "
                    "lateness ms p50 %.3f p99 %.3f max %.3f; CPU %.2f s (%.1f%% of a core)\n",
                    r + 1, (long long)sent, wall, achieved, (achieved / rate - 1) * 100, q(0.5),
                    q(0.99), q(1.0), cpu, cpu / wall * 100);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication qapp(argc, argv);
    QString only;
    qint64 events = 20'000'000;
    double rate = 10000;
    double seconds = 10;
    int runs = 3;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--only"))
            only = args[++i];
        else if (args[i] == QLatin1String("--events"))
            events = args[++i].toLongLong();
        else if (args[i] == QLatin1String("--rate"))
            rate = args[++i].toDouble();
        else if (args[i] == QLatin1String("--seconds"))
            seconds = args[++i].toDouble();
        else if (args[i] == QLatin1String("--runs"))
            runs = args[++i].toInt();
    }
    if (only.isEmpty() || only == QLatin1String("max"))
        maxRate(events, runs);
    if (only.isEmpty() || only == QLatin1String("rate"))
        rateAccuracy(rate, seconds, runs);
    return 0;
}
