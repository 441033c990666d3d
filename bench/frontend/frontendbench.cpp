// frontendbench: how long the SiddhiQL front end (engine/lang) takes on a large app.
//
// It generates a realistic app of about 10,000 lines (sources and sinks, stream, table, window,
// trigger and aggregation definitions, filters, windows, group by/having/order by/limit,
// output rate limiting, joins, patterns, table updates, namespaced functions and partitions),
// checks that it compiles without errors, then times compileApp() (lex + parse + analyze) and
// the lexer alone over several runs and prints min, median and p90.
//
//   frontendbench [--runs N] [--lines N] [--dump FILE]
//
// Run it pinned to one core and under the shared build lock, as docs/PERFORMANCE.md says:
//   flock /tmp/rivulet-build.lock taskset -c 1 build/bin/frontendbench
#include "engine/lang/frontend.h"
#include "engine/lang/diagnostic.h"
#include "engine/lang/lexer.h"
#include "engine/lang/parser.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

namespace {

using Rivulet::Lang::CompiledApp;

// One module of the app; {i} becomes the module's number so that every name is unique.
constexpr char kModule[] = R"(-- Module {i}: the sensors of building {i}
@source(type = 'http', receiver.url = 'http://0.0.0.0:8006/sensors/{i}',
        @map(type = 'json'))
define stream SensorStream{i} (deviceId string, roomNo int, temp double, humidity float,
                               reading long, active bool);

@sink(type = 'log', prefix = 'alerts of building {i}', @map(type = 'json'))
define stream AlertStream{i} (deviceId string, roomNo int, avgTemp double, maxHumidity float);

define stream RoomStream{i} (roomNo int, building string, floor int);

@PrimaryKey('roomNo')
@Index('building')
define table RoomTable{i} (roomNo int, building string, floor int);

define window RecentWindow{i} (deviceId string, temp double) length(100) output all events;

define trigger Tick{i} at every 30 sec;

define aggregation TempAggregation{i}
from SensorStream{i}
select roomNo, avg(temp) as avgTemp, max(temp) as maxTemp, count() as readings
group by roomNo
aggregate every sec ... hour;

/* Hot readings: filter, then average over a sliding time window. */
@info(name = 'hot-{i}')
from SensorStream{i}[temp > 25.0 and active == true and roomNo >= 0]
select deviceId, roomNo, temp, humidity
insert into HotStream{i};

@info(name = 'alerts-{i}')
from HotStream{i}#window.time(5 min)
select deviceId, roomNo, avg(temp) as avgTemp, max(humidity) as maxHumidity
group by deviceId, roomNo
having avgTemp > 30.0
insert into AlertStream{i};

@info(name = 'batches-{i}')
from SensorStream{i}#window.lengthBatch(50)
select roomNo, count() as readings, sum(reading) as total, min(temp) as lowest
group by roomNo
order by total desc
limit 10
output last every 10 sec
insert into BatchStats{i};

from RoomStream{i}
select roomNo, building, floor
update or insert into RoomTable{i}
    on RoomTable{i}.roomNo == roomNo;

from SensorStream{i}[active == false]
select roomNo
delete RoomTable{i}
    on RoomTable{i}.roomNo == roomNo;

@info(name = 'located-{i}')
from AlertStream{i}#window.length(20) as a join RoomTable{i} as r
    on a.roomNo == r.roomNo
select a.deviceId, r.building, r.floor, a.avgTemp
insert into LocatedAlerts{i};

@info(name = 'rising-{i}')
from every e1=SensorStream{i}[temp > 40.0]
    -> e2=SensorStream{i}[deviceId == e1.deviceId and temp > e1.temp] within 1 min
select e1.deviceId, e1.temp as firstTemp, e2.temp as secondTemp
insert into RisingTemp{i};

from SensorStream{i}
select deviceId, str:upper(deviceId) as upperId, math:round(temp) as rounded,
       ifThenElse(temp > 30.0, 'hot', 'ok') as level, humidity * 100.0 / 2 as percent
insert into ShapedStream{i};

from SensorStream{i}
select deviceId, temp
insert into RecentWindow{i};

partition with (deviceId of SensorStream{i})
begin
    from SensorStream{i}#window.length(10)
    select deviceId, avg(temp) as avgTemp, stdDev(temp) as spread
    insert into #DeviceAverages{i};

    from #DeviceAverages{i}[avgTemp > 35.0]
    select deviceId, avgTemp
    insert into DeviceAlerts{i};
end;

)";

QByteArray generateApp(int targetLines, int *modules)
{
    const QByteArray module(kModule);
    const int moduleLines = int(module.count('\n'));
    QByteArray app = "@App:name('FrontEndBench')\n"
                     "@App:description('A generated app for the front-end benchmark')\n\n";
    int lines = int(app.count('\n'));
    int i = 0;
    while (lines + moduleLines <= targetLines) {
        QByteArray m = module;
        m.replace("{i}", QByteArray::number(++i));
        app += m;
        lines += moduleLines;
    }
    // Top up with comment lines to exactly the target.
    while (lines < targetLines) {
        app += "-- padding\n";
        ++lines;
    }
    *modules = i;
    return app;
}

struct Stats
{
    double min = 0;
    double median = 0;
    double p90 = 0;
};

Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    auto rank = [&](double q) {
        // Nearest rank: the smallest value with at least q of the runs at or below it.
        const auto rank = std::max<size_t>(1, size_t(std::ceil(q * double(ms.size()))));
        return ms[std::min(rank, ms.size()) - 1];
    };
    return {ms.front(), rank(0.5), rank(0.9)};
}

// Runs one warm-up and then `runs` timed runs of fn, which returns the milliseconds it measured.
template<typename Fn>
std::vector<double> timeRuns(int runs, Fn fn)
{
    fn();
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r)
        ms.push_back(fn());
    return ms;
}

double millisSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

QByteArray cpuAffinity()
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        QByteArray cpus;
        for (int c = 0; c < CPU_SETSIZE; ++c) {
            if (CPU_ISSET(c, &set))
                cpus += (cpus.isEmpty() ? "" : ",") + QByteArray::number(c);
        }
        return QByteArray::number(CPU_COUNT(&set)) + " (cpu " + cpus + ')';
    }
#endif
    return "unknown";
}

int usage()
{
    std::fputs("usage: frontendbench [--runs N] [--lines N] [--dump FILE]\n", stderr);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    int runs = 20;
    int targetLines = 10000;
    const char *dumpPath = nullptr;
    for (int a = 1; a < argc; ++a) {
        const bool hasValue = a + 1 < argc;
        if (std::strcmp(argv[a], "--runs") == 0 && hasValue)
            runs = std::atoi(argv[++a]);
        else if (std::strcmp(argv[a], "--lines") == 0 && hasValue)
            targetLines = std::atoi(argv[++a]);
        else if (std::strcmp(argv[a], "--dump") == 0 && hasValue)
            dumpPath = argv[++a];
        else
            return usage();
    }
    if (runs < 1 || targetLines < 100)
        return usage();

    int modules = 0;
    const QByteArray source = generateApp(targetLines, &modules);
    if (dumpPath) {
        QFile file(QString::fromLocal8Bit(dumpPath));
        if (!file.open(QIODevice::WriteOnly) || file.write(source) != source.size()) {
            std::fprintf(stderr, "frontendbench: cannot write %s\n", dumpPath);
            return 1;
        }
    }

    // The app must be valid, or the benchmark would time error recovery instead.
    {
        const CompiledApp app = Rivulet::Lang::compileApp(source, QStringLiteral("bench.siddhi"));
        if (app.hasErrors()) {
            std::fprintf(stderr, "frontendbench: the generated app has %d errors, first:\n%s\n",
                         app.errorCount(), qPrintable(app.diagnostics.constFirst().toText()));
            return 1;
        }
    }

    // One warm-up run of each stage, then the timed runs. Results are destroyed outside the
    // timed part.
    qsizetype tokens = 0;
    const std::vector<double> lexMs = timeRuns(runs, [&] {
        const auto start = std::chrono::steady_clock::now();
        const QList<Rivulet::Lang::Token> all = Rivulet::Lang::Lexer::tokenize(source);
        const double ms = millisSince(start);
        tokens = all.size();
        return ms;
    });
    const std::vector<double> parseMs = timeRuns(runs, [&] {
        Rivulet::Lang::DiagnosticList diagnostics;
        const auto start = std::chrono::steady_clock::now();
        Rivulet::Lang::Parser parser(source, &diagnostics);
        const std::unique_ptr<Rivulet::Lang::Ast::App> app = parser.parseApp();
        return millisSince(start);
    });
    int diagnostics = 0;
    const std::vector<double> compileMs = timeRuns(runs, [&] {
        const auto start = std::chrono::steady_clock::now();
        const CompiledApp app = Rivulet::Lang::compileApp(source, QStringLiteral("bench.siddhi"));
        const double ms = millisSince(start);
        diagnostics = int(app.diagnostics.size());
        return ms;
    });

    const Stats compile = stats(compileMs);
    const Stats parse = stats(parseMs);
    const Stats lex = stats(lexMs);
    constexpr double kTargetMs = 100.0;
    std::printf("frontendbench: %d lines (%d modules), %lld bytes, %lld tokens, %d diagnostics "
                "(no errors); %d runs, cpus allowed: %s, build: %s\n",
                targetLines, modules, static_cast<long long>(source.size()),
                static_cast<long long>(tokens), diagnostics, runs, cpuAffinity().constData(),
                RIVULET_BUILD_TYPE);
    std::printf("lex+parse+analyze (compileApp): min %.1f ms, median %.1f ms, p90 %.1f ms"
                " -- target < %.0f ms: %s\n",
                compile.min, compile.median, compile.p90, kTargetMs,
                compile.p90 < kTargetMs ? "met (p90)" : "MISSED (p90)");
    std::printf("lex+parse (Parser::parseApp):   min %.1f ms, median %.1f ms, p90 %.1f ms\n",
                parse.min, parse.median, parse.p90);
    std::printf("lex only (Lexer::tokenize):     min %.1f ms, median %.1f ms, p90 %.1f ms\n",
                lex.min, lex.median, lex.p90);
    return 0;
}
