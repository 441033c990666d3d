// The `rivulet` binary: a thin dispatcher over the engine library's commands.
#include "commands.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace {

const char *const kUsage =
    "Usage: rivulet <command> [options]\n"
    "\n"
    "Rivulet runs SiddhiQL stream apps and serves them as realtime WebSocket APIs.\n"
    "\n"
    "Commands:\n"
    "  validate FILE...        check apps and print file:line:col: error: message\n"
    "  run APP... [--events F] run apps; with --events, replay JSON lines and print outputs\n"
    "  export APP... --out DIR bundle apps for deployment (--standalone: one executable;\n"
    "                          --deploy URL: into a running engine; --tar: also .tar.gz)\n"
    "  simulate FEED.json      send a feed simulation into --app APP (in process) or to a\n"
    "                          running engine at --target URL (http:// or ws://)\n"
    "  run --config FILE       serve a deployment: its apps and the API gateway\n"
    "  token                   get or revoke an OAuth2 access token from the gateway\n"
    "  devportal COMMAND       list APIs, create applications, subscribe (developer portal)\n"
    "  usage                   billable usage per subscription and period (CSV or JSON)\n"
    "  user hash-password      a password hash for the deployment config\n"
    "\n"
    "Options:\n"
    "  -h, --help              show this help (rivulet <command> --help for a command)\n"
    "  -v, --version           show the version\n";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rivulet"));
    QCoreApplication::setOrganizationName(QStringLiteral("Rivulet"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RIVULET_VERSION));

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        std::fputs(kUsage, stderr);
        return Rivulet::Cli::Usage;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("-h") || command == QLatin1String("--help")
        || command == QLatin1String("help")) {
        std::fputs(kUsage, stdout);
        return Rivulet::Cli::Ok;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")
        || command == QLatin1String("version")) {
        std::printf("rivulet %s (Qt %s)\n", RIVULET_VERSION, qVersion());
        return Rivulet::Cli::Ok;
    }
    if (command == QLatin1String("validate"))
        return Rivulet::Cli::validateCommand(args);
    if (command == QLatin1String("run"))
        return Rivulet::Cli::runCommand(args);
    if (command == QLatin1String("export"))
        return Rivulet::Cli::exportCommand(args);
    if (command == QLatin1String("runtime-files"))
        return Rivulet::Cli::runtimeFilesCommand(args);
    if (command == QLatin1String("simulate"))
        return Rivulet::Cli::simulateCommand(args);
    if (command == QLatin1String("token"))
        return Rivulet::Cli::tokenCommand(args);
    if (command == QLatin1String("devportal"))
        return Rivulet::Cli::devportalCommand(args);
    if (command == QLatin1String("usage"))
        return Rivulet::Cli::usageCommand(args);
    if (command == QLatin1String("user"))
        return Rivulet::Cli::userCommand(args);

    std::fprintf(stderr, "rivulet: unknown command '%s'\n\n%s", qPrintable(command), kUsage);
    return Rivulet::Cli::Usage;
}
