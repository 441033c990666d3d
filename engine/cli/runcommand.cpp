#include "commands.h"
#include "runconfig.h"
#include "engine/runtime/eventjson.h"

#include "engine/deploy/adminserver.h"
#include "engine/deploy/apphost.h"
#include "engine/io/iocontext.h"
#include "engine/io/ioruntime.h"
#include "engine/runtime/appruntime.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace Rivulet::Cli {

using namespace Rivulet::Runtime;

namespace {

// Prints compiler-style diagnostics to stderr.
void printDiagnostics(const QList<Lang::Diagnostic> &diagnostics)
{
    for (const Lang::Diagnostic &d : diagnostics) {
        QString text = d.toText();
        std::fprintf(stderr, "%s\n", qPrintable(text));
    }
}

// The black-box mode: replay JSON lines in playback time, print every event inserted into a
// stream as JSON lines, exit.
int replay(AppRuntime &app, const QString &eventsPath, const QStringList &emit)
{
    QFile in;
    if (eventsPath == QLatin1String("-")) {
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            std::fprintf(stderr, "rivulet run: cannot read standard input\n");
            return Usage;
        }
    } else {
        in.setFileName(eventsPath);
        if (!in.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "rivulet run: cannot read %s: %s\n", qPrintable(eventsPath),
                         qPrintable(in.errorString()));
            return Usage;
        }
    }
    const QString label = eventsPath == QLatin1String("-") ? QStringLiteral("<stdin>") : eventsPath;

    // Which streams to print: those named by --emit, else every stream some query inserts into
    // (and fault streams).
    QStringList streams;
    if (!emit.isEmpty()) {
        for (const QString &s : emit) {
            if (!app.junction(s)) {
                std::fprintf(stderr,
                             "rivulet run: --emit names unknown stream '%s' (streams: %s)\n",
                             qPrintable(s), qPrintable(app.streams().join(QStringLiteral(", "))));
                return Usage;
            }
            streams << s;
        }
    } else {
        const QSet<QString> targets = app.compiled().app->insertTargets();
        for (const Lang::Schema *s : app.compiled().model.schemas()) {
            if (s->kind == Lang::SchemaKind::FaultStream
                || (targets.contains(s->name) && app.junction(s->name)))
                streams << s->name;
        }
    }
    const bool interactive = isatty(fileno(stdout));
    for (const QString &s : std::as_const(streams)) {
        app.addStreamCallback(s, [s, interactive](const EventChunk &chunk) {
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
    app.start();

    int lineNo = 0;
    int skipped = 0;
    while (!in.atEnd()) {
        QByteArray line = in.readLine();
        ++lineNo;
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith('#') || line.startsWith("//"))
            continue;
        QString error;
        if (!replayLine(app, line, &error)) {
            std::fprintf(stderr, "%s:%d: %s\n", qPrintable(label), lineNo, qPrintable(error));
            ++skipped;
        }
    }
    app.shutdown();
    std::fflush(stdout);
    return skipped > 0 ? InputSkipped : Ok;
}

int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char c = char(signal);
    const ssize_t n = ::write(g_signalPipe[1], &c, 1);
    (void)n;
}

// The service mode: start every app with its sources and sinks, serve until SIGINT/SIGTERM,
// then stop accepting, drain, close clients with 1001 and exit 0. With --admin-port, the admin
// REST API swaps apps while they run (rivulet export --deploy).
struct AdminOptions
{
    bool enabled = false;
    QString host;
    quint16 port = 0;
    QString keyFile;
};

int serve(Deploy::AppHost &host, Io::IoContext &context, const AdminOptions &admin,
          RunConfig &runConfig)
{
    QString error;
    if (!host.start(&error)) {
        std::fprintf(stderr, "rivulet run: %s\n", qPrintable(error));
        return Failed;
    }
    // The gateway binds its APIs to the running apps: it stops before a swap and starts again
    // on the apps that run after it.
    if (!runConfig.startGateway(context, host.runtimes(), &error)) {
        std::fprintf(stderr, "rivulet run: %s\n", qPrintable(error));
        host.stop(QStringLiteral("the gateway failed to start"));
        return Failed;
    }
    QObject::connect(&host, &Deploy::AppHost::aboutToSwap, &host,
                     [&runConfig] { runConfig.stopGateway(); });
    QObject::connect(&host, &Deploy::AppHost::swapped, &host, [&runConfig, &context, &host] {
        QString gatewayError;
        if (!runConfig.startGateway(context, host.runtimes(), &gatewayError))
            context.log(LogLevel::Error, QStringLiteral("gateway"),
                        QStringLiteral("did not restart after the swap: %1").arg(gatewayError));
    });
    std::unique_ptr<Deploy::AdminServer> adminServer;
    if (admin.enabled) {
        QByteArray key;
        bool created = false;
        adminServer = std::make_unique<Deploy::AdminServer>(host);
        if (!Deploy::AdminServer::loadOrCreateKey(admin.keyFile, &key, &created, &error)
            || !adminServer->listen(admin.host, admin.port, &error)) {
            std::fprintf(stderr, "rivulet run: admin API: %s\n", qPrintable(error));
            host.stop(QStringLiteral("admin API failed"));
            return Failed;
        }
        adminServer->setKey(key);
        context.log(LogLevel::Info, QStringLiteral("admin"),
                    QStringLiteral("admin API on http://%1:%2/admin/v1/apps; key %3 %4")
                        .arg(admin.host)
                        .arg(adminServer->port())
                        .arg(created ? QStringLiteral("written to") : QStringLiteral("read from"),
                             admin.keyFile));
    }

    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) == 0) {
        struct sigaction sa
        {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    int received = 0;
    QObject::connect(&notifier, &QSocketNotifier::activated, &notifier,
                     [&received](QSocketDescriptor, QSocketNotifier::Type) {
                         char c = 0;
                         while (::read(g_signalPipe[0], &c, 1) == 1)
                             received = c;
                         QCoreApplication::quit();
                     });
    QCoreApplication::exec();
    adminServer.reset();
    runConfig.stopGateway();
    const char *name = received == SIGTERM ? "SIGTERM" : received == SIGINT ? "SIGINT" : "quit";
    host.stop(QLatin1String(name));
    return Ok;
}

} // namespace

int runCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs SiddhiQL apps.\n\n"
        "Without --events, serves them: listens where their @source and @sink annotations say "
        "(${NAME} in annotation values comes from --var, then the environment) until SIGINT or "
        "SIGTERM.\n\n"
        "With --events, replays JSON lines in playback time and prints every event inserted into a "
        "stream as JSON lines, then exits:\n"
        "  in:  {\"stream\":\"S\",\"timestamp\":1000,\"data\":[\"IBM\",75.6,100]}  or  "
        "{\"time\":6000}\n"
        "  out: "
        "{\"stream\":\"Out\",\"timestamp\":1000,\"type\":\"current\",\"data\":[\"IBM\",75.6]}\n"
        "Exit status: 0, 1 when an app does not validate, 2 for bad usage, 3 when an input line "
        "was skipped."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("events"),
                      QStringLiteral("Replay events from FILE (- for standard input)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("emit"),
                      QStringLiteral("Print only these streams (comma-separated)."),
                      QStringLiteral("A,B")});
    parser.addOption({QStringLiteral("var"),
                      QStringLiteral("Set the template variable ${NAME} of annotation values "
                                     "(repeatable; wins over the environment)."),
                      QStringLiteral("NAME=VALUE")});
    parser.addOption({QStringLiteral("log-level"),
                      QStringLiteral("TRACE, DEBUG, INFO (default), WARN or ERROR."),
                      QStringLiteral("LEVEL"), QStringLiteral("INFO")});
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("Serve with this deployment config (rivulet.yaml): its apps, "
                                     "and the API gateway."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("admin-port"),
                      QStringLiteral("Serve the admin REST API (deploy apps while running) on PORT "
                                     "(0: any free port)."),
                      QStringLiteral("PORT")});
    parser.addOption({QStringLiteral("admin-host"),
                      QStringLiteral("Address of the admin API (default 127.0.0.1: this machine "
                                     "only)."),
                      QStringLiteral("HOST"), QStringLiteral("127.0.0.1")});
    parser.addOption({QStringLiteral("admin-key-file"),
                      QStringLiteral("The admin API's bearer key; written with a new random key "
                                     "when missing (default %1).")
                          .arg(Deploy::AdminServer::defaultKeyFile()),
                      QStringLiteral("FILE")});
    parser.addPositionalArgument(QStringLiteral("APP"),
                                 QStringLiteral("SiddhiQL apps (.siddhi), or folders of them; none "
                                                "with --admin-port (deploy them later)"),
                                 QStringLiteral("APP..."));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet run"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet run: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }
    // A folder stands for the .siddhi files in it (the packaged service runs
    // /etc/rivulet/apps), in name order.
    QStringList apps;
    for (const QString &arg : parser.positionalArguments()) {
        const QFileInfo info(arg);
        if (!info.isDir()) {
            apps << arg;
            continue;
        }
        const QDir dir(arg);
        for (const QString &name :
             dir.entryList({QStringLiteral("*.siddhi")}, QDir::Files, QDir::Name))
            apps << dir.filePath(name);
    }
    RunConfig runConfig;
    if (parser.isSet(QStringLiteral("config"))) {
        if (parser.isSet(QStringLiteral("events"))) {
            std::fputs("rivulet run: --config serves apps; --events replays (use one)\n", stderr);
            return Usage;
        }
        QString error;
        if (!runConfig.load(parser.value(QStringLiteral("config")), &error)) {
            std::fprintf(stderr, "rivulet run: %s\n", qPrintable(error));
            return Failed;
        }
        QStringList given;
        for (const QString &app : std::as_const(apps))
            given << QFileInfo(app).absoluteFilePath();
        for (const QString &app : runConfig.apps()) {
            if (!given.contains(app))
                apps << app;
        }
    }
    // With the admin API (or a gateway config) an engine may start empty and get its apps
    // deployed.
    if (apps.isEmpty() && !runConfig.isSet()
        && (!parser.isSet(QStringLiteral("admin-port"))
            || parser.isSet(QStringLiteral("events")))) {
        std::fputs("rivulet run: no app given\nUsage: rivulet run APP.siddhi... [--var NAME=VALUE] "
                   "[--events FILE]\n",
                   stderr);
        return Usage;
    }
    LogLevel minLevel = LogLevel::Info;
    if (!parseLogLevel(parser.value(QStringLiteral("log-level")), &minLevel)) {
        std::fprintf(stderr, "rivulet run: unknown log level '%s'\n",
                     qPrintable(parser.value(QStringLiteral("log-level"))));
        return Usage;
    }
    const bool replayMode = parser.isSet(QStringLiteral("events"));
    if (replayMode && apps.size() != 1) {
        std::fputs("rivulet run: --events replays into one app\n", stderr);
        return Usage;
    }

    Engine::Options options;
    options.clock = replayMode ? ClockMode::Playback : ClockMode::Wall;
    options.logger = [minLevel](LogLevel level, const QString &app, const QString &message) {
        if (int(level) < int(minLevel))
            return;
        std::fprintf(stderr, "[%s] %s: %s\n", qPrintable(logLevelName(level)), qPrintable(app),
                     qPrintable(message));
    };
    AdminOptions admin;
    if (parser.isSet(QStringLiteral("admin-port"))) {
        bool ok = false;
        const uint port = parser.value(QStringLiteral("admin-port")).toUInt(&ok);
        if (!ok || port > 65535 || replayMode) {
            std::fputs(replayMode
                           ? "rivulet run: --admin-port serves; it does not go with --events\n"
                           : "rivulet run: --admin-port wants a port number\n",
                       stderr);
            return Usage;
        }
        admin.enabled = true;
        admin.port = quint16(port);
        admin.host = parser.value(QStringLiteral("admin-host"));
        admin.keyFile = parser.isSet(QStringLiteral("admin-key-file"))
                            ? parser.value(QStringLiteral("admin-key-file"))
                            : Deploy::AdminServer::defaultKeyFile();
    }
    QHash<QString, QString> variables;
    static const QRegularExpression variableName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.]*$"));
    for (const QString &assignment : parser.values(QStringLiteral("var"))) {
        const qsizetype eq = assignment.indexOf(u'=');
        const QString name = eq < 0 ? assignment : assignment.left(eq);
        if (eq < 0 || !variableName.match(name).hasMatch()) {
            std::fprintf(stderr,
                         "rivulet run: --var takes NAME=VALUE (a name of letters, digits, _ and "
                         "., not starting with a digit), found '%s'\n",
                         qPrintable(assignment));
            return Usage;
        }
        variables.insert(name, assignment.mid(eq + 1));
    }

    Engine engine(options);
    Io::IoContext context;
    context.logger = options.logger;
    runConfig.apply(context);
    context.setOverrides(variables);
    std::vector<std::unique_ptr<AppRuntime>> runtimes;
    Deploy::AppHost host(engine, context);
    bool failed = false;
    for (const QString &path : apps) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "rivulet run: cannot read %s: %s\n", qPrintable(path),
                         qPrintable(f.errorString()));
            return Usage;
        }
        QList<Lang::Diagnostic> diagnostics;
        if (!replayMode) {
            auto candidate = host.prepare(f.readAll(), path, &diagnostics);
            if (!candidate) {
                printDiagnostics(diagnostics);
                failed = true;
                continue;
            }
            host.add(std::move(candidate));
            continue;
        }
        auto app = engine.createApp(f.readAll(), path, &diagnostics);
        if (!app) {
            printDiagnostics(diagnostics);
            failed = true;
            continue;
        }
        runtimes.push_back(std::move(app));
    }
    if (failed)
        return Failed;
    if (replayMode)
        return replay(*runtimes.front(), parser.value(QStringLiteral("events")),
                      parser.value(QStringLiteral("emit")).split(u',', Qt::SkipEmptyParts));
    return serve(host, context, admin, runConfig);
}

} // namespace Rivulet::Cli
