#include "commands.h"

#include "engine/export/exporter.h"
#include "engine/export/runtimefiles.h"

#include <QCommandLineParser>
#include <QFile>
#include <QProcessEnvironment>

#include <cstdio>

namespace Rivulet::Cli {

int exportCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Exports apps for deployment: a bundle folder (--out DIR, with --tar also DIR.tar.gz), "
        "one standalone executable (--standalone --out FILE), or a deployment into a running "
        "engine (--deploy URL). Everything is validated first: on any problem the diagnostics "
        "are printed and nothing is written.\n"
        "Exit status: 0, 1 when an app, the config or the writing failed, 2 for bad usage."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("The deployment config (rivulet.yaml); its apps: are "
                                     "exported when no APP is given."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("var"),
                      QStringLiteral("A value for the apps' ${NAME} (repeatable)."),
                      QStringLiteral("NAME=VALUE")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("The bundle folder, or the standalone executable."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("standalone"),
                      QStringLiteral("Write one executable holding the engine, its libraries "
                                     "and the apps.")});
    parser.addOption({QStringLiteral("tar"), QStringLiteral("Also write the bundle as .tar.gz.")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Replace an existing --out.")});
    parser.addOption({QStringLiteral("deploy"),
                      QStringLiteral("Send the apps to the admin API of a running `rivulet run "
                                     "--admin-port` at URL (http://localhost:PORT)."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("admin-key-file"),
                      QStringLiteral("The engine's admin key for --deploy (or set "
                                     "RIVULET_ADMIN_KEY)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("engine"),
                      QStringLiteral("The engine binary to copy (default: this one)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("check"), QStringLiteral("Validate only: write nothing.")});
    parser.addOption({QStringLiteral("list-variables"),
                      QStringLiteral("Print the ${VAR}s the apps use, one a line.")});
    parser.addPositionalArgument(QStringLiteral("APP"), QStringLiteral("SiddhiQL apps (.siddhi)"),
                                 QStringLiteral("[APP...]"));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet export"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet export: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }

    Export::ExportOptions options;
    for (const QString &path : parser.positionalArguments()) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "rivulet export: cannot read %s: %s\n", qPrintable(path),
                         qPrintable(f.errorString()));
            return Usage;
        }
        options.apps.append({path, f.readAll()});
    }
    if (parser.isSet(QStringLiteral("list-variables"))) {
        for (const QString &v : Export::Exporter::variablesOf(options.apps))
            std::printf("%s\n", qPrintable(v));
        return Ok;
    }
    for (const QString &v : parser.values(QStringLiteral("var"))) {
        const qsizetype eq = v.indexOf(u'=');
        if (eq <= 0) {
            std::fprintf(stderr, "rivulet export: --var wants NAME=VALUE, not '%s'\n",
                         qPrintable(v));
            return Usage;
        }
        options.variables.insert(v.left(eq), v.mid(eq + 1));
    }
    options.configPath = parser.value(QStringLiteral("config"));
    options.out = parser.value(QStringLiteral("out"));
    options.tar = parser.isSet(QStringLiteral("tar"));
    options.force = parser.isSet(QStringLiteral("force"));
    options.engineBinary = parser.value(QStringLiteral("engine"));
    const bool check = parser.isSet(QStringLiteral("check"));
    if (parser.isSet(QStringLiteral("deploy"))) {
        options.target = Export::Target::Deploy;
        options.deployUrl = parser.value(QStringLiteral("deploy"));
        options.adminKey =
            QProcessEnvironment::systemEnvironment().value(QStringLiteral("RIVULET_ADMIN_KEY"));
        if (parser.isSet(QStringLiteral("admin-key-file"))) {
            QFile f(parser.value(QStringLiteral("admin-key-file")));
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "rivulet export: cannot read %s: %s\n",
                             qPrintable(f.fileName()), qPrintable(f.errorString()));
                return Usage;
            }
            options.adminKey = QString::fromUtf8(f.readLine().trimmed());
        }
        if (parser.isSet(QStringLiteral("standalone")) || options.tar) {
            std::fputs("rivulet export: --deploy writes nothing: no --standalone or --tar\n",
                       stderr);
            return Usage;
        }
    } else if (parser.isSet(QStringLiteral("standalone"))) {
        options.target = Export::Target::Standalone;
        if (options.tar) {
            std::fputs("rivulet export: --tar packs a bundle, not a standalone executable\n",
                       stderr);
            return Usage;
        }
    }
    if (options.target != Export::Target::Deploy && options.out.isEmpty() && !check) {
        std::fputs("rivulet export: give --out PATH (or --deploy URL, or --check)\n", stderr);
        return Usage;
    }
    if (options.apps.isEmpty() && options.configPath.isEmpty()) {
        std::fputs("rivulet export: no app given\nUsage: rivulet export APP.siddhi... [--config "
                   "FILE] [--var NAME=VALUE] --out DIR [--standalone] [--tar]\n",
                   stderr);
        return Usage;
    }

    Export::Exporter exporter(options);
    exporter.progress = [](const QString &message) {
        std::fprintf(stderr, "rivulet export: %s\n", qPrintable(message));
    };
    const Export::ExportResult result = check ? exporter.validate() : exporter.run();
    if (!result.ok) {
        std::fprintf(stderr, "%s\n", qPrintable(result.problemsText()));
        std::fprintf(stderr, "rivulet export: nothing was %s\n",
                     options.target == Export::Target::Deploy ? "deployed" : "written");
        return Failed;
    }
    for (const QString &note : result.notes)
        std::fprintf(stderr, "rivulet export: note: %s\n", qPrintable(note));
    if (check)
        std::fputs("rivulet export: everything is valid\n", stderr);
    for (const QString &path : result.written)
        std::printf("%s\n", qPrintable(path));
    if (options.target == Export::Target::Deploy)
        std::printf("%s\n", result.deployAnswer.constData());
    return Ok;
}

int runtimeFilesCommand(const QStringList &)
{
    const QByteArray json = Export::runtimeFilesToJson(Export::currentRuntimeFiles());
    std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
    return Ok;
}

} // namespace Rivulet::Cli
