// The queries of Siddhi's own performance samples, run through the Rivulet engine from one
// input thread, beside a hand-written C++ loop doing the same filter on the same data (the
// ceiling). Prints events/s and p99 per-event latency for each.
//
//   enginebench [--events N] [--batch B] [--only NAME]
//
// Events are built once (caller-owned, as InputHandler::send(Event*) allows) and re-sent, so
// the figures measure the engine, not the generator. Latency is the time of one send() call
// (the event's whole synchronous trip through the query), sampled on every 64th event.
#include "engine/runtime/appruntime.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace Rivulet::Runtime;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Result
{
    QString name;
    double eventsPerSecond = 0;
    double p99Micros = 0;
    qint64 outputs = 0;
    QString note;
};

long rssKb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    }
    return 0;
}

const char *const kSymbols[] = {"IBM",  "WSO2", "ORCL", "MSFT", "GOOG",
                                "AMZN", "AAPL", "META", "NVDA", "INTC"};

// StockStream (symbol string, price float, volume long) events, with timestamps 1 ms apart.
std::vector<Event *> makeEvents(EventLayout *layout, size_t n, int64_t startTs, int64_t stepMs)
{
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> price(0.f, 1000.f);
    std::uniform_int_distribution<int> volume(1, 1000);
    std::vector<StringData *> symbols;
    for (const char *s : kSymbols)
        symbols.push_back(StringData::make(s, int(std::strlen(s))));
    std::vector<Event *> events;
    events.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        Event *e = layout->allocate();
        e->timestamp = startTs + int64_t(i) * stepMs;
        Value s;
        s.s = symbols[i % symbols.size()];
        layout->set(e, 0, s);
        layout->set(e, 1, Value::ofFloat(price(rng)));
        layout->set(e, 2, Value::ofLong(volume(rng)));
        events.push_back(e);
    }
    for (StringData *s : symbols)
        s->deref();
    return events;
}

Result runQuery(const QString &name, const QByteArray &app, size_t count, size_t batch,
                bool playback, const std::function<void(AppRuntime &)> &prepare = {})
{
    Result r;
    r.name = name;
    Engine::Options options;
    options.clock = playback ? ClockMode::Playback : ClockMode::Manual;
    options.logger = [](LogLevel, const QString &, const QString &) {};
    Engine engine(options);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto runtime = engine.createApp(app, name, &diagnostics);
    if (!runtime) {
        QStringList m;
        for (const auto &d : diagnostics)
            m << d.message;
        r.note = QStringLiteral("not available: ") + m.join(QStringLiteral("; "));
        return r;
    }
    qint64 outputs = 0;
    runtime->addStreamCallback(QStringLiteral("Out"),
                               [&outputs](const EventChunk &c) { outputs += qint64(c.size()); });
    if (prepare)
        prepare(*runtime);
    runtime->start();
    InputHandler *in = runtime->inputHandler(QStringLiteral("StockStream"));
    // A pool of distinct events, re-sent with advancing timestamps.
    const size_t poolSize = std::min<size_t>(count, 1 << 16);
    std::vector<Event *> pool = makeEvents(in->layout(), poolSize, 1000, 1);
    std::vector<double> samples;
    samples.reserve(count / 64 + 1);
    std::vector<Event *> chunk;
    chunk.reserve(batch);
    const auto start = SteadyClock::now();
    for (size_t i = 0; i < count;) {
        if (batch <= 1) {
            Event *e = pool[i % poolSize];
            e->timestamp = 1000 + int64_t(i);
            if ((i & 63) == 0) {
                const auto t0 = SteadyClock::now();
                in->send(e);
                samples.push_back(
                    std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count());
            } else {
                in->send(e);
            }
            ++i;
        } else {
            chunk.clear();
            for (size_t k = 0; k < batch && i < count; ++k, ++i) {
                Event *e = pool[i % poolSize];
                e->timestamp = 1000 + int64_t(i);
                chunk.push_back(e);
            }
            const auto t0 = SteadyClock::now();
            in->send(chunk);
            samples.push_back(
                std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count()
                / double(chunk.size()));
        }
    }
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    runtime->shutdown();
    for (Event *e : pool)
        in->layout()->release(e);
    std::sort(samples.begin(), samples.end());
    r.eventsPerSecond = double(count) / seconds;
    r.p99Micros = samples.empty() ? 0 : samples[size_t(double(samples.size() - 1) * 0.99)];
    r.outputs = outputs;
    return r;
}

// The ceiling: the same filter over the same events, written by hand.
Result handWrittenFilter(size_t count)
{
    Result r;
    r.name = QStringLiteral("hand-written filter loop");
    EventLayout layout({AttrType::String, AttrType::Float, AttrType::Long});
    const size_t poolSize = std::min<size_t>(count, 1 << 16);
    std::vector<Event *> pool = makeEvents(&layout, poolSize, 1000, 1);
    qint64 outputs = 0;
    volatile qint64 sink = 0;
    auto deliver = [&](const Event *e) { sink = sink + e->timestamp; };
    const auto start = SteadyClock::now();
    for (size_t i = 0; i < count; ++i) {
        Event *e = pool[i % poolSize];
        e->timestamp = 1000 + int64_t(i);
        if (!e->isNull(1) && 700.f > e->value(1).f) {
            ++outputs;
            deliver(e);
        }
    }
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    for (Event *e : pool)
        layout.release(e);
    r.eventsPerSecond = double(count) / seconds;
    r.outputs = outputs;
    return r;
}

const QByteArray kStream =
    "@App:name('Bench')\ndefine stream StockStream (symbol string, price float, volume long);\n";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication qapp(argc, argv);
    size_t count = 10'000'000;
    size_t batch = 1;
    QString only;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--events") && i + 1 < args.size())
            count = size_t(args[++i].toLongLong());
        else if (args[i] == QLatin1String("--batch") && i + 1 < args.size())
            batch = size_t(args[++i].toLongLong());
        else if (args[i] == QLatin1String("--only") && i + 1 < args.size())
            only = args[++i];
    }

    struct Case
    {
        const char *name;
        QByteArray query;
        bool playback;
        size_t scale; // fraction of count for slow cases
    };
    const std::vector<Case> cases = {
        {"filter", "from StockStream[700 > price] select * insert into Out;", false, 1},
        {"length window sum/avg",
         "from StockStream#window.length(10) select sum(price) as total, avg(volume) as avgVolume "
         "insert into Out;",
         false, 1},
        {"lengthBatch group by",
         "from StockStream#window.lengthBatch(10) select symbol, sum(price) as total, avg(volume) "
         "as avgVolume group by symbol insert into Out;",
         false, 1},
        {"time window 1 sec avg group by",
         "from StockStream#window.time(1 sec) select symbol, avg(price) as avgPrice group by "
         "symbol insert into Out;",
         true, 1},
        {"pattern within 1 sec",
         "from every e1=StockStream[price > 50] -> e2=StockStream[symbol == e1.symbol and price > "
         "e1.price] within 1 sec select e1.symbol as symbol, e1.price as p1, e2.price as p2 insert "
         "into Out;",
         true, 4},
    };

    std::printf("Rivulet engine benchmark: %zu events per query, %s\n", count,
                batch > 1 ? qPrintable(QStringLiteral("batches of %1").arg(batch))
                          : "one event per send()");
    std::printf("%-34s %14s %12s %12s\n", "query", "events/s", "p99 (us)", "outputs");
    std::vector<Result> results;
    auto print = [](const Result &r) {
        if (!r.note.isEmpty()) {
            std::printf("%-34s %s\n", qPrintable(r.name), qPrintable(r.note));
            return;
        }
        std::printf("%-34s %14.0f %12.2f %12lld\n", qPrintable(r.name), r.eventsPerSecond,
                    r.p99Micros, static_cast<long long>(r.outputs));
        std::fflush(stdout);
    };
    Result ceiling;
    if (only.isEmpty() || only == QLatin1String("filter")) {
        ceiling = handWrittenFilter(count);
        print(ceiling);
    }
    for (const Case &c : cases) {
        if (!only.isEmpty() && !QString::fromLatin1(c.name).startsWith(only))
            continue;
        Result r = runQuery(QString::fromLatin1(c.name), kStream + c.query, count / c.scale, batch,
                            c.playback);
        print(r);
        if (QString::fromLatin1(c.name) == QLatin1String("filter") && ceiling.eventsPerSecond > 0
            && r.eventsPerSecond > 0)
            std::printf("%-34s %14.2fx\n", "  filter vs hand-written loop",
                        r.eventsPerSecond / ceiling.eventsPerSecond);
    }
    // Stream-table join on a 100,000-row table with a primary key.
    if (only.isEmpty() || only.startsWith(QLatin1String("table"))) {
        const QByteArray app =
            kStream
            + "@PrimaryKey('symbol') define table CompanyTable (symbol string, company string);\n"
              "define stream CompanyStream (symbol string, company string);\n"
              "from CompanyStream insert into CompanyTable;\n"
              "from StockStream join CompanyTable on StockStream.symbol == CompanyTable.symbol "
              "select StockStream.symbol as symbol, CompanyTable.company as company, "
              "StockStream.price as price insert into Out;";
        Result r =
            runQuery(QStringLiteral("table join (100k rows, PK)"), app, count, batch, false,
                     [](AppRuntime &rt) {
                         InputHandler *companies = rt.inputHandler(QStringLiteral("CompanyStream"));
                         if (!companies)
                             return;
                         for (int i = 0; i < 100000; ++i) {
                             const QString symbol = i < 10 ? QString::fromLatin1(kSymbols[i])
                                                           : QStringLiteral("S%1").arg(i);
                             companies->send(0, {symbol, QStringLiteral("Company %1").arg(i)});
                         }
                     });
        print(r);
    }
    // Memory under a steady rate for a time window: RSS before and after many window lengths.
    if (only.isEmpty() || only.startsWith(QLatin1String("memory"))) {
        Engine::Options options;
        options.clock = ClockMode::Playback;
        options.logger = [](LogLevel, const QString &, const QString &) {};
        Engine engine(options);
        QList<Rivulet::Lang::Diagnostic> d;
        auto rt = engine.createApp(kStream
                                       + "from StockStream#window.time(1 sec) select symbol, "
                                         "avg(price) as a group by symbol insert into Out;",
                                   QStringLiteral("memory"), &d);
        InputHandler *in = rt->inputHandler(QStringLiteral("StockStream"));
        std::vector<Event *> pool = makeEvents(in->layout(), 1 << 16, 0, 1);
        long rssAfterWarmup = 0;
        const size_t total = count;
        for (size_t i = 0; i < total; ++i) {
            Event *e = pool[i % pool.size()];
            e->timestamp = int64_t(i / 10); // 10,000 events per second of event time
            in->send(e);
            if (i == total / 10)
                rssAfterWarmup = rssKb();
        }
        const long rssEnd = rssKb();
        std::printf("%-34s warm-up RSS %ld KB, end RSS %ld KB (%+ld KB over %zu events, 10k "
                    "events/s event time)\n",
                    "time window memory", rssAfterWarmup, rssEnd, rssEnd - rssAfterWarmup, total);
        for (Event *e : pool)
            in->layout()->release(e);
    }
    return 0;
}
