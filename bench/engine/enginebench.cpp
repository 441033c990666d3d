// The queries of Siddhi's own performance samples, run through the Rivulet engine from one
// input thread, beside a hand-written C++ loop doing the same filter on the same data (the
// ceiling). Prints events/s and p99 per-event latency for each, and the memory of a time
// window under a steady rate over time.
//
//   enginebench [--events N] [--batch B] [--only NAME] [--runs R]
//
// Each case runs R times (default 5), each in a fresh app; the table shows the median rate with
// the slowest and fastest run, and the median of the runs' p99. Events are built once
// (caller-owned, as InputHandler::send(Event*) allows) and re-sent, so the figures measure the
// engine, not the generator. Latency is the time of one send() call (the event's whole
// synchronous trip through the query), sampled on every 64th event; the "timer" line is the
// same measurement around nothing, the part of every p99 that is the clock itself.
// "filter, batches of 64" sends chunks of 64 events (InputHandler::send(std::vector&)): the
// same query with the per-send cost (the app lock, the dispatch) shared by 64 events.
#include "engine/runtime/appruntime.h"

#include <QCoreApplication>
#include <QStringList>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
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
    // Batches are cut from the pool once and re-sent, as single events are: per event the
    // loop below only re-stamps the timestamp, as the hand-written loop does.
    std::vector<std::vector<Event *>> chunks;
    if (batch > 1) {
        for (size_t at = 0; at < poolSize; at += batch)
            chunks.emplace_back(pool.begin() + long(at),
                                pool.begin() + long(std::min(poolSize, at + batch)));
    }
    size_t nextChunk = 0;
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
            std::vector<Event *> &chunk = chunks[nextChunk];
            nextChunk = nextChunk + 1 == chunks.size() ? 0 : nextChunk + 1;
            if (chunk.size() > count - i)
                chunk.resize(count - i);
            for (Event *e : chunk)
                e->timestamp = 1000 + int64_t(i++);
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

// The ceiling: the same filter over the same events, written by hand. With viaCallback, each
// event that passes is handed to a std::function the compiler cannot see through (as the engine
// hands its output to a stream callback): not the ceiling, a yardstick for what delivery costs.
Result handWrittenFilter(size_t count, bool viaCallback = false)
{
    Result r;
    r.name = viaCallback ? QStringLiteral("  the loop, a callback per output")
                         : QStringLiteral("hand-written filter loop");
    EventLayout layout({AttrType::String, AttrType::Float, AttrType::Long});
    const size_t poolSize = std::min<size_t>(count, 1 << 16);
    std::vector<Event *> pool = makeEvents(&layout, poolSize, 1000, 1);
    qint64 outputs = 0;
    volatile qint64 sink = 0;
    std::function<void(const Event *)> callback = [&sink](const Event *e) {
        sink = sink + e->timestamp;
    };
    std::function<void(const Event *)> *volatile callbackRef = &callback;
    auto deliver = [&](const Event *e) {
        if (viaCallback)
            (*callbackRef)(e);
        else
            sink = sink + e->timestamp;
    };
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

// Bytes the allocator has handed out and not taken back (small blocks and mmapped ones): what
// the app holds, without the allocator's cached free memory that RSS keeps counting.
long heapInUseKb()
{
    const struct mallinfo2 m = mallinfo2();
    return long((m.uordblks + m.hblkhd) / 1024);
}

// The cost of the latency measurement itself: two clock reads around nothing, as runQuery
// times a send.
Result timerOverhead(size_t count)
{
    Result r;
    r.name = QStringLiteral("timer (clock read around nothing)");
    std::vector<double> samples;
    samples.reserve(count / 64 + 1);
    for (size_t i = 0; i < count; i += 64) {
        const auto t0 = SteadyClock::now();
        samples.push_back(
            std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count());
    }
    std::sort(samples.begin(), samples.end());
    r.p99Micros = samples.empty() ? 0 : samples[size_t(double(samples.size() - 1) * 0.99)];
    return r;
}

// Runs a case `runs` times: the median rate (with the slowest and fastest run) and the median
// p99, so that one disturbed run does not make the figure.
struct Summary
{
    Result median;
    double minRate = 0;
    double maxRate = 0;
};

Summary summarize(std::vector<Result> results)
{
    Summary s;
    if (results.empty())
        return s;
    std::vector<double> rates, p99s;
    for (const Result &r : results) {
        rates.push_back(r.eventsPerSecond);
        p99s.push_back(r.p99Micros);
    }
    std::sort(rates.begin(), rates.end());
    std::sort(p99s.begin(), p99s.end());
    s.median = results.back();
    s.median.eventsPerSecond = rates[rates.size() / 2];
    s.median.p99Micros = p99s[p99s.size() / 2];
    s.minRate = rates.front();
    s.maxRate = rates.back();
    return s;
}

// Memory of a time window under a steady rate: 10,000 events per second of event time into a
// 1 s time window with group by (so it holds 10,000 events), heap and RSS sampled ten times
// along the run. Flat means the window frees what it expires.
void timeWindowMemory(size_t total)
{
    Engine::Options options;
    options.clock = ClockMode::Playback;
    options.logger = [](LogLevel, const QString &, const QString &) {};
    Engine engine(options);
    QList<Rivulet::Lang::Diagnostic> d;
    auto rt = engine.createApp(kStream
                                   + "from StockStream#window.time(1 sec) select symbol, "
                                     "avg(price) as a group by symbol insert into Out;",
                               QStringLiteral("memory"), &d);
    if (!rt) {
        std::printf("time window memory: app not created\n");
        return;
    }
    rt->start();
    InputHandler *in = rt->inputHandler(QStringLiteral("StockStream"));
    std::vector<Event *> pool = makeEvents(in->layout(), 1 << 16, 0, 1);
    std::printf("\ntime window memory: 1 sec window, group by symbol, 10,000 events/s of event "
                "time (the window holds 10,000 events), %zu events\n",
                total);
    std::printf("%12s %14s %14s %12s\n", "events sent", "event time (s)", "heap in use (KB)",
                "RSS (KB)");
    long heapFirst = 0, rssFirst = 0, heapLast = 0, rssLast = 0, heapMin = 0, heapMax = 0;
    const size_t step = std::max<size_t>(1, total / 10);
    for (size_t i = 0; i < total; ++i) {
        Event *e = pool[i % pool.size()];
        e->timestamp = int64_t(i / 10); // 10 events per ms: 10,000 per second of event time
        in->send(e);
        if ((i + 1) % step == 0) {
            const long heap = heapInUseKb();
            const long rss = rssKb();
            std::printf("%12zu %14.1f %14ld %12ld\n", i + 1, double(i / 10) / 1000.0, heap, rss);
            if (heapFirst == 0) {
                heapFirst = heapMin = heapMax = heap;
                rssFirst = rss;
            }
            heapMin = std::min(heapMin, heap);
            heapMax = std::max(heapMax, heap);
            heapLast = heap;
            rssLast = rss;
        }
    }
    std::printf("time window memory: heap %+ld KB and RSS %+ld KB from the first sample to the "
                "last (heap between %ld and %ld KB)\n",
                heapLast - heapFirst, rssLast - rssFirst, heapMin, heapMax);
    rt->shutdown();
    for (Event *e : pool)
        in->layout()->release(e);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication qapp(argc, argv);
    size_t count = 10'000'000;
    size_t batch = 1;
    int runs = 5;
    QString only;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--events") && i + 1 < args.size())
            count = size_t(args[++i].toLongLong());
        else if (args[i] == QLatin1String("--batch") && i + 1 < args.size())
            batch = size_t(args[++i].toLongLong());
        else if (args[i] == QLatin1String("--only") && i + 1 < args.size())
            only = args[++i];
        else if (args[i] == QLatin1String("--runs") && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
        else {
            std::fprintf(stderr, "usage: enginebench [--events N] [--batch B] [--only NAME] "
                                 "[--runs R]\n");
            return 2;
        }
    }

    struct Case
    {
        const char *name;
        QByteArray query;
        bool playback;
        size_t scale; // fraction of count for slow cases
        size_t batch; // 0: the --batch option
    };
    const QByteArray filterQuery = "from StockStream[700 > price] select * insert into Out;";
    const std::vector<Case> cases = {
        {"filter", filterQuery, false, 1, 0},
        {"filter, batches of 64", filterQuery, false, 1, 64},
        {"length window sum/avg",
         "from StockStream#window.length(10) select sum(price) as total, avg(volume) as avgVolume "
         "insert into Out;",
         false, 1, 0},
        {"lengthBatch group by",
         "from StockStream#window.lengthBatch(10) select symbol, sum(price) as total, avg(volume) "
         "as avgVolume group by symbol insert into Out;",
         false, 1, 0},
        {"time window 1 sec avg group by",
         "from StockStream#window.time(1 sec) select symbol, avg(price) as avgPrice group by "
         "symbol insert into Out;",
         true, 1, 0},
        {"pattern within 1 sec",
         "from every e1=StockStream[price > 50] -> e2=StockStream[symbol == e1.symbol and price > "
         "e1.price] within 1 sec select e1.symbol as symbol, e1.price as p1, e2.price as p2 insert "
         "into Out;",
         true, 4, 0},
    };

    std::printf("Rivulet engine benchmark: %zu events per query (pattern: a quarter), %s, "
                "median of %d runs\n",
                count,
                batch > 1 ? qPrintable(QStringLiteral("batches of %1").arg(batch))
                          : "one event per send()",
                runs);
    std::printf("%-34s %12s %25s %10s %10s\n", "query", "events/s", "(slowest - fastest run)",
                "p99 (us)", "outputs");
    auto print = [](const Summary &s) {
        const Result &r = s.median;
        if (!r.note.isEmpty()) {
            std::printf("%-34s %s\n", qPrintable(r.name), qPrintable(r.note));
            return;
        }
        std::printf("%-34s %12.0f %12.0f - %-12.0f %10.2f %10lld\n", qPrintable(r.name),
                    r.eventsPerSecond, s.minRate, s.maxRate, r.p99Micros,
                    static_cast<long long>(r.outputs));
        std::fflush(stdout);
    };
    auto selected = [&only](const QString &name) {
        return only.isEmpty() || name.startsWith(only);
    };
    auto repeat = [runs](const std::function<Result()> &run) {
        std::vector<Result> results;
        for (int i = 0; i < runs; ++i)
            results.push_back(run());
        return summarize(std::move(results));
    };

    const Result timer = timerOverhead(count);
    std::printf("%-34s %12s %25s %10.2f\n", qPrintable(timer.name), "", "", timer.p99Micros);
    Summary ceiling;
    if (selected(QStringLiteral("filter"))) {
        ceiling = repeat([count] { return handWrittenFilter(count); });
        print(ceiling);
        print(repeat([count] { return handWrittenFilter(count, true); }));
    }
    for (const Case &c : cases) {
        const QString name = QString::fromLatin1(c.name);
        if (!selected(name))
            continue;
        const size_t caseBatch = c.batch ? c.batch : batch;
        const Summary s = repeat([&] {
            return runQuery(name, kStream + c.query, count / c.scale, caseBatch, c.playback);
        });
        print(s);
        if (name.startsWith(QLatin1String("filter")) && ceiling.median.eventsPerSecond > 0
            && s.median.eventsPerSecond > 0)
            std::printf("%-34s %11.2fx\n", "  vs the hand-written loop",
                        s.median.eventsPerSecond / ceiling.median.eventsPerSecond);
    }
    // Stream-table join on a 100,000-row table with a primary key.
    if (selected(QStringLiteral("table join"))) {
        const QByteArray app =
            kStream
            + "@PrimaryKey('symbol') define table CompanyTable (symbol string, company string);\n"
              "define stream CompanyStream (symbol string, company string);\n"
              "from CompanyStream insert into CompanyTable;\n"
              "from StockStream join CompanyTable on StockStream.symbol == CompanyTable.symbol "
              "select StockStream.symbol as symbol, CompanyTable.company as company, "
              "StockStream.price as price insert into Out;";
        const Summary s = repeat([&] {
            return runQuery(
                QStringLiteral("table join (100k rows, PK)"), app, count, batch, false,
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
        });
        print(s);
    }
    if (selected(QStringLiteral("memory")))
        timeWindowMemory(count);
    return 0;
}
