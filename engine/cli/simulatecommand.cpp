// `rivulet simulate`: runs a feed simulation into an app in this process (printing what the app
// outputs, as `rivulet run --events` does) or into a running engine's http or websocket-server
// source.
#include "commands.h"

#include "engine/lang/frontend.h"
#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"
#include "simulator/appsink.h"
#include "simulator/remotesink.h"
#include "simulator/simulation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QSet>
#include <QSocketNotifier>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace Rivulet::Cli {

using namespace Rivulet::Runtime;
using namespace Rivulet::Simulator;

namespace {

constexpr int kInterrupted = 130; // the shell's code for a run ended by Ctrl+C

// Ctrl+C and SIGTERM: the handler only writes a byte; the event loop reads it and stops the
// simulation between two sends. A second Ctrl+C ends the process at once.
int g_signalFds[2] = {-1, -1};

void onSignal(int)
{
    static std::atomic<int> signals{0}; // lock-free: safe in a handler
    if (signals.fetch_add(1) > 0)
        _exit(kInterrupted);
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalFds[0], &c, 1);
}

void printDiagnostics(const QList<Lang::Diagnostic> &diagnostics)
{
    for (const Lang::Diagnostic &d : diagnostics)
        std::fprintf(stderr, "%s\n", qPrintable(d.toText()));
}

bool readApp(const QString &path, QByteArray *source)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "rivulet simulate: cannot read %s: %s\n", qPrintable(path),
                     qPrintable(f.errorString()));
        return false;
    }
    *source = f.readAll();
    return true;
}

// The streams to print, as `rivulet run --events` chooses them: those named by --emit, else
// every stream a query inserts into, and the fault streams.
bool outputStreams(AppRuntime &app, const QStringList &emit, QStringList *streams)
{
    if (!emit.isEmpty()) {
        for (const QString &s : emit) {
            if (!app.junction(s)) {
                std::fprintf(stderr,
                             "rivulet simulate: --emit names unknown stream '%s' (streams: %s)\n",
                             qPrintable(s), qPrintable(app.streams().join(QStringLiteral(", "))));
                return false;
            }
            *streams << s;
        }
        return true;
    }
    const QSet<QString> targets = app.compiled().app->insertTargets();
    for (const Lang::Schema *s : app.compiled().model.schemas()) {
        if (s->kind == Lang::SchemaKind::FaultStream
            || (targets.contains(s->name) && app.junction(s->name)))
            *streams << s->name;
    }
    return true;
}

QString count(qint64 n)
{
    // 1234567 -> 1,234,567
    QString s = QString::number(n);
    for (qsizetype i = s.size() - 3; i > (n < 0 ? 1 : 0); i -= 3)
        s.insert(i, u',');
    return s;
}

} // namespace

int simulateCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a feed simulation (WSO2 Streaming Integrator's feed-simulation JSON, or Rivulet's "
        "with train routes).\n\n"
        "With --app and no --target, runs the app in this process on a virtual clock, as fast "
        "as possible unless --rate is given, and prints every event inserted into a stream as "
        "JSON lines, as `rivulet run --events` does.\n"
        "With --target, sends the events to a running engine's http source (POST) or "
        "websocket-server source (text frames) as {\"event\":{...}}; --app then only tells the "
        "streams' attributes.\n\n"
        "Ctrl+C stops and prints what was sent. Exit status: 0, 1 when the app, the target or "
        "the simulation fails, 2 for bad usage or a bad simulation file, 3 when CSV rows were "
        "skipped, 130 when stopped by Ctrl+C."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("app"),
                      QStringLiteral("The SiddhiQL app to run (or, with --target, whose streams "
                                     "the simulation feeds)."),
                      QStringLiteral("APP")});
    parser.addOption({QStringLiteral("target"),
                      QStringLiteral("Send to a running engine: http://host:port/path or "
                                     "ws://host:port/path."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("rate"),
                      QStringLiteral("Events per second (0: as fast as possible), instead of the "
                                     "simulation's own pace."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("count"),
                      QStringLiteral("Send at most N events (instead of noOfEvents)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("Seed of the random values (default: the file's, else 1)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("start"),
                      QStringLiteral("The first event's timestamp, in ms since the epoch "
                                     "(default: the file's, else now)."),
                      QStringLiteral("MS")});
    parser.addOption({QStringLiteral("emit"),
                      QStringLiteral("In process: print only these streams (comma-separated)."),
                      QStringLiteral("A,B")});
    parser.addOption({QStringLiteral("quiet"),
                      QStringLiteral("No progress line and no summary on standard error.")});
    parser.addPositionalArgument(QStringLiteral("FEED"), QStringLiteral("The simulation (.json)"),
                                 QStringLiteral("FEED"));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet simulate"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet simulate: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        std::fputs("rivulet simulate: give one simulation file\n"
                   "Usage: rivulet simulate FEED.json --app APP.siddhi | --target URL\n",
                   stderr);
        return Usage;
    }
    const bool remote = parser.isSet(QStringLiteral("target"));
    const QString appPath = parser.value(QStringLiteral("app"));
    if (!remote && appPath.isEmpty()) {
        std::fputs("rivulet simulate: give --app APP.siddhi to run the app in this process, or "
                   "--target URL to send to a running engine\n",
                   stderr);
        return Usage;
    }

    Simulation::Options options;
    auto number = [&](const char *name, auto convert) -> bool {
        const QString option = QLatin1String(name);
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        convert(parser.value(option), &ok);
        if (!ok)
            std::fprintf(stderr, "rivulet simulate: --%s takes a number, not '%s'\n", name,
                         qPrintable(parser.value(option)));
        return ok;
    };
    if (!number("rate",
                [&](const QString &v, bool *ok) {
                    const double r = v.toDouble(ok);
                    *ok = *ok && r >= 0;
                    options.rate = r;
                })
        || !number("count",
                   [&](const QString &v, bool *ok) {
                       const qint64 n = v.toLongLong(ok);
                       *ok = *ok && n >= 0;
                       options.count = n;
                   })
        || !number("seed", [&](const QString &v, bool *ok) { options.seed = v.toULongLong(ok); })
        || !number("start",
                   [&](const QString &v, bool *ok) { options.startTimestamp = v.toLongLong(ok); }))
        return Usage;

    SimulationConfig config;
    QString error;
    if (!SimulationConfig::load(positional.first(), &config, &error)) {
        std::fprintf(stderr, "rivulet simulate: %s\n", qPrintable(error));
        return Usage;
    }

    // The target: an app in this process, or a remote engine.
    std::unique_ptr<Engine> engine;
    std::unique_ptr<AppRuntime> app;
    std::unique_ptr<EventSink> sink;
    RemoteSink *remoteSink = nullptr;
    if (remote) {
        auto target = RemoteSink::create(QUrl(parser.value(QStringLiteral("target"))), &error);
        if (!target) {
            std::fprintf(stderr, "rivulet simulate: %s\n", qPrintable(error));
            return Usage;
        }
        if (!appPath.isEmpty()) {
            QByteArray source;
            if (!readApp(appPath, &source))
                return Usage;
            const Lang::CompiledApp compiled = Lang::compileApp(source, appPath);
            if (compiled.hasErrors()) {
                printDiagnostics(compiled.diagnostics);
                return Failed;
            }
            QList<StreamSchema> schemas;
            for (const Lang::Schema *s : compiled.model.schemas(Lang::SchemaKind::Stream))
                schemas << StreamSchema::fromApp(compiled, s->name);
            target->setSchemas(schemas);
        }
        if (config.streams().size() > 1)
            std::fprintf(stderr,
                         "rivulet simulate: warning: the simulation feeds %d streams (%s); all go "
                         "to %s\n",
                         int(config.streams().size()),
                         qPrintable(config.streams().join(QStringLiteral(", "))),
                         qPrintable(target->url().toString()));
        remoteSink = target.get();
        sink = std::move(target);
    } else {
        QByteArray source;
        if (!readApp(appPath, &source))
            return Usage;
        Engine::Options engineOptions;
        engineOptions.clock = ClockMode::Playback;
        engineOptions.logger = [](LogLevel level, const QString &appName, const QString &message) {
            if (int(level) < int(LogLevel::Info))
                return;
            std::fprintf(stderr, "[%s] %s: %s\n", qPrintable(logLevelName(level)),
                         qPrintable(appName), qPrintable(message));
        };
        engine = std::make_unique<Engine>(engineOptions);
        QList<Lang::Diagnostic> diagnostics;
        app = engine->createApp(source, appPath, &diagnostics);
        if (!app) {
            printDiagnostics(diagnostics);
            return Failed;
        }
        QStringList streams;
        if (!outputStreams(*app,
                           parser.value(QStringLiteral("emit")).split(u',', Qt::SkipEmptyParts),
                           &streams))
            return Usage;
        const bool interactive = isatty(fileno(stdout));
        for (const QString &s : std::as_const(streams)) {
            app->addStreamCallback(s, [s, interactive](const EventChunk &chunk) {
                for (const Event *e : chunk.events) {
                    if (e->type != EventType::Current && e->type != EventType::Expired)
                        continue;
                    const QByteArray line = eventToJsonLine(s, *e);
                    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
                }
                if (interactive)
                    std::fflush(stdout);
            });
        }
        app->start();
        sink = std::make_unique<AppSink>(app.get());
    }

    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    const bool progressLine = !quiet && isatty(fileno(stderr));
    int exitCode = Ok;
    {
        Simulation simulation;
        QObject::connect(&simulation, &Simulation::warning, &simulation,
                         [progressLine](const QString &message) {
                             std::fprintf(stderr, "%srivulet simulate: warning: %s\n",
                                          progressLine ? "\r\033[K" : "", qPrintable(message));
                         });
        if (!simulation.prepare(config, sink.get(), options, &error)) {
            std::fprintf(stderr, "rivulet simulate: %s\n", qPrintable(error));
            if (app)
                app->shutdown();
            return Failed;
        }
        if (progressLine) {
            QObject::connect(
                &simulation, &Simulation::progress, &simulation, [](qint64 sent, double rate) {
                    std::fprintf(stderr,
                                 "\r\033[Krivulet simulate: %s events sent, "
                                 "%s/s",
                                 qPrintable(count(sent)), qPrintable(count(qint64(rate + 0.5))));
                });
        }

        // Ctrl+C.
        bool interrupted = false;
        std::unique_ptr<QSocketNotifier> notifier;
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) == 0) {
            notifier = std::make_unique<QSocketNotifier>(g_signalFds[1], QSocketNotifier::Read);
            QObject::connect(notifier.get(), &QSocketNotifier::activated, &simulation, [&] {
                char c;
                [[maybe_unused]] const ssize_t n = ::read(g_signalFds[1], &c, 1);
                interrupted = true;
                simulation.stop();
            });
            struct sigaction sa = {};
            sa.sa_handler = onSignal;
            sigemptyset(&sa.sa_mask);
            ::sigaction(SIGINT, &sa, nullptr);
            ::sigaction(SIGTERM, &sa, nullptr);
        }

        QEventLoop loop;
        QObject::connect(&simulation, &Simulation::finished, &loop, &QEventLoop::quit);
        simulation.start();
        if (simulation.isActive())
            loop.exec();

        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        notifier.reset();
        for (int &fd : g_signalFds) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }

        if (app)
            app->shutdown();
        std::fflush(stdout);
        if (progressLine)
            std::fputs("\r\033[K", stderr);

        if (!quiet || interrupted) {
            QStringList perStream;
            for (const auto &[stream, n] : simulation.sentPerStream())
                perStream << QStringLiteral("%1 %2").arg(stream, count(n));
            const double seconds = simulation.elapsedSeconds();
            QString line =
                QStringLiteral("rivulet simulate: %1sent %2 events in %3 s (%4/s): %5")
                    .arg(interrupted ? QStringLiteral("stopped; ") : QString(),
                         count(simulation.sent()), QString::number(seconds, 'f', 2),
                         count(qint64(seconds > 0 ? double(simulation.sent()) / seconds : 0)),
                         perStream.join(QStringLiteral(", ")));
            if (remoteSink)
                line += QStringLiteral("; %1 accepted, %2 refused by %3")
                            .arg(count(remoteSink->delivered()), count(remoteSink->rejected()),
                                 remoteSink->url().toString());
            if (simulation.skipped() > 0)
                line += QStringLiteral("; %1 rows skipped").arg(count(simulation.skipped()));
            std::fprintf(stderr, "%s\n", qPrintable(line));
        }
        if (simulation.state() == Simulation::State::Failed) {
            std::fprintf(stderr, "rivulet simulate: %s\n", qPrintable(simulation.errorString()));
            exitCode = Failed;
        } else if (interrupted) {
            exitCode = kInterrupted;
        } else if (simulation.skipped() > 0) {
            exitCode = InputSkipped;
        }
    }
    return exitCode;
}

} // namespace Rivulet::Cli
