// rivulet-studio: the desktop IDE. Thin: parses the command line and opens the window.
#include "app/studiowindow.h"
#include "app/document.h"
#include "app/enginehost.h"
#include "app/simulatordock.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTabWidget>
#include <QPixmap>
#include <QScreen>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    // --help and --version answer in a terminal with no display too.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        for (int i = 1; i < argc; ++i) {
            const QByteArray a(argv[i]);
            if (a == "--help" || a == "-h" || a == "--help-all" || a == "--version" || a == "-v")
                qputenv("QT_QPA_PLATFORM", "offscreen");
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("rivulet-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("Rivulet Studio"));
    QApplication::setOrganizationName(QStringLiteral("Rivulet"));
    QApplication::setApplicationVersion(QStringLiteral(RIVULET_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("rivulet-studio"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Rivulet Studio: design, run and test SiddhiQL stream apps."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("run"), QStringLiteral("Run the first app after opening it.")});
    parser.addOption({QStringLiteral("simulate"),
                      QStringLiteral("Start this feed simulation (after --run)."),
                      QStringLiteral("FEED.json")});
    parser.addOption({QStringLiteral("rate"),
                      QStringLiteral("Send the simulation at this many events/s instead of its "
                                     "own pace."),
                      QStringLiteral("EVENTS")});
    parser.addOption({QStringLiteral("sample"),
                      QStringLiteral("Import this sample (e.g. TrainLocation.siddhi) and its "
                                     "simulation into the workspace, and open it."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("workspace"), QStringLiteral("Use this workspace folder."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("screenshot"),
                      QStringLiteral("Save a picture of the main window to FILE and quit."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("after"),
                      QStringLiteral("Seconds to wait before the screenshot (default 1)."),
                      QStringLiteral("SECONDS"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("dark"), QStringLiteral("Use the dark theme.")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Apps and files to open."),
                                 QStringLiteral("[FILE...]"));
    parser.process(app);

    QSettings settings;
    Rivulet::Studio::StudioWindow window(&settings);
    if (parser.isSet(QStringLiteral("workspace")))
        window.setWorkspace(parser.value(QStringLiteral("workspace")));
    if (parser.isSet(QStringLiteral("dark")))
        window.setDarkTheme(true);
    QStringList files = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("sample"))) {
        QString sample = parser.value(QStringLiteral("sample"));
        if (!sample.contains(u'.'))
            sample += QStringLiteral(".siddhi");
        if (!QFile::exists(QStringLiteral(":/samples/") + sample)) {
            const QStringList known =
                QDir(QStringLiteral(":/samples")).entryList({QStringLiteral("*.siddhi")});
            std::fprintf(stderr, "rivulet-studio: no sample called %s; the samples are: %s\n",
                         qPrintable(sample), qPrintable(known.join(QStringLiteral(", "))));
            return 2;
        }
        window.restoreSession();
        files.prepend(window.importSample(sample));
    } else if (files.isEmpty()) {
        window.restoreSession();
    }
    Rivulet::Studio::Document *first = nullptr;
    for (const QString &file : files) {
        auto *doc = window.openFile(file);
        if (!first && doc && doc->isApp())
            first = doc;
    }
    if (first)
        window.tabs()->setCurrentWidget(first);
    window.show();

    if (parser.isSet(QStringLiteral("run")) && first) {
        window.runCurrent();
        if (parser.isSet(QStringLiteral("simulate"))) {
            // A feed is found as given, else in the workspace (where samples bring theirs).
            QString feed = parser.value(QStringLiteral("simulate"));
            if (!QFileInfo::exists(feed) && QFileInfo(feed).isRelative())
                feed = QDir(window.workspace()).filePath(feed);
            feed = QFileInfo(feed).absoluteFilePath();
            const double rate = parser.value(QStringLiteral("rate")).toDouble();
            QObject::connect(window.engine(), &Rivulet::Studio::EngineHost::started, &window,
                             [&window, feed, rate](const Rivulet::Studio::RunInfo &run) {
                                 window.simulator()->refreshSimulations();
                                 window.simulator()->selectSimulation(feed);
                                 window.engine()->startSimulation(run.runId, feed, rate);
                             });
        }
    }

    if (parser.isSet(QStringLiteral("screenshot"))) {
        const QString out = parser.value(QStringLiteral("screenshot"));
        const int ms = int(parser.value(QStringLiteral("after")).toDouble() * 1000);
        QTimer::singleShot(ms, &window, [&window, out] {
            // Under a real display (Xvfb included) the picture is what the screen shows; offscreen
            // the widgets render themselves.
            const bool onScreen =
                QGuiApplication::platformName() != QLatin1String("offscreen") && window.screen();
            const QPixmap shot =
                onScreen ? window.screen()->grabWindow(window.winId()) : window.grab();
            const bool saved = !shot.isNull() && shot.save(out);
            if (!saved)
                qWarning("rivulet-studio: cannot save the screenshot to %s", qPrintable(out));
            window.saveSession();
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
