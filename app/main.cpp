#include "app/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QScreen>
#include <QTimer>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("rivulet-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("Rivulet Studio"));
    QApplication::setOrganizationName(QStringLiteral("Rivulet"));
    QApplication::setApplicationVersion(QStringLiteral(RIVULET_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Rivulet Studio: design, run and test SiddhiQL stream apps."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("screenshot"),
                      QStringLiteral("Save a picture of the main window to FILE and quit."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("after"),
                      QStringLiteral("Seconds to wait before the screenshot (default 1)."),
                      QStringLiteral("SECONDS"), QStringLiteral("1")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Apps to open."),
                                 QStringLiteral("[FILE...]"));
    parser.process(app);

    Rivulet::Studio::MainWindow window;
    for (const QString &file : parser.positionalArguments()) {
        QString error;
        if (!window.openFile(file, &error))
            qWarning("rivulet-studio: cannot open %s: %s", qPrintable(file), qPrintable(error));
    }
    window.show();

    if (parser.isSet(QStringLiteral("screenshot"))) {
        const QString out = parser.value(QStringLiteral("screenshot"));
        const int ms = int(parser.value(QStringLiteral("after")).toDouble() * 1000);
        QTimer::singleShot(ms, &window, [&window, out] {
            const bool saved = window.grab().save(out);
            if (!saved)
                qWarning("rivulet-studio: cannot save the screenshot to %s", qPrintable(out));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
