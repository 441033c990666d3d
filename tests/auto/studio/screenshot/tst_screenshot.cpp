// The studio as a user starts it: the real rivulet-studio binary on a real X display (Xvfb),
// running the train sample with its simulation, saving a screenshot with --screenshot. The
// picture must show a populated window, not a blank or single-colour one.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

quint16 freePort()
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 0;
}

// Share of the cells of a grid over the image that hold more than one colour.
double busyCells(const QImage &image, int columns, int rows)
{
    int busy = 0;
    for (int cy = 0; cy < rows; ++cy) {
        for (int cx = 0; cx < columns; ++cx) {
            const int x0 = image.width() * cx / columns, x1 = image.width() * (cx + 1) / columns;
            const int y0 = image.height() * cy / rows, y1 = image.height() * (cy + 1) / rows;
            const QRgb first = image.pixel(x0, y0);
            bool varied = false;
            for (int y = y0; y < y1 && !varied; y += 2) {
                for (int x = x0; x < x1 && !varied; x += 2)
                    varied = image.pixel(x, y) != first;
            }
            busy += varied ? 1 : 0;
        }
    }
    return double(busy) / (columns * rows);
}

} // namespace

class tst_Screenshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void trainSampleRunning();
};

void tst_Screenshot::trainSampleRunning()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString workspace = dir.filePath(QStringLiteral("workspace"));
    QVERIFY(QDir().mkpath(workspace));

    // The sample on free ports, and its simulation sped up so the picture has rows and trains.
    QFile sample(QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.siddhi"));
    QVERIFY(sample.open(QIODevice::ReadOnly));
    QByteArray app = sample.readAll();
    app.replace("8006", QByteArray::number(freePort()));
    app.replace("8026", QByteArray::number(freePort()));
    app.replace("8025", QByteArray::number(freePort()));
    const QString appPath = QDir(workspace).filePath(QStringLiteral("TrainLocation.siddhi"));
    QFile appFile(appPath);
    QVERIFY(appFile.open(QIODevice::WriteOnly));
    appFile.write(app);
    appFile.close();
    QFile sim(QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/TrainLocation.sim.json"));
    QVERIFY(sim.open(QIODevice::ReadOnly));
    QByteArray feed = sim.readAll();
    feed.replace("\"pace\": \"timestamps\"", "\"rate\": 40");
    const QString simPath = QDir(workspace).filePath(QStringLiteral("TrainLocation.sim.json"));
    QFile simFile(simPath);
    QVERIFY(simFile.open(QIODevice::WriteOnly));
    simFile.write(feed);
    simFile.close();

    const QString out = dir.filePath(QStringLiteral("studio.png"));
    QStringList args{QStringLiteral(RIVULET_BINARY_DIR "/bin/rivulet-studio"),
                     QStringLiteral("--workspace"),
                     workspace,
                     appPath,
                     QStringLiteral("--run"),
                     QStringLiteral("--simulate"),
                     simPath,
                     QStringLiteral("--screenshot"),
                     out,
                     QStringLiteral("--after"),
                     QStringLiteral("4")};
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    QString program;
    if (env.value(QStringLiteral("DISPLAY")).isEmpty()) {
        // Not under scripts/test.sh: bring a display of our own.
        program = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
        if (program.isEmpty())
            QFAIL("no DISPLAY and no xvfb-run: install xvfb (scripts/setup.sh does)");
        args.prepend(QStringLiteral("-screen 0 1600x1000x24"));
        args.prepend(QStringLiteral("-s"));
        args.prepend(QStringLiteral("-a"));
    } else {
        program = args.takeFirst();
    }
    QProcess studio;
    studio.setProcessEnvironment(env);
    studio.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    studio.start(program, args);
    QVERIFY2(studio.waitForStarted(10000), qPrintable(studio.errorString()));
    QVERIFY2(studio.waitForFinished(90000), "the studio did not quit after its screenshot");
    QCOMPARE(studio.exitStatus(), QProcess::NormalExit);
    QCOMPARE(studio.exitCode(), 0);

    QImage image(out);
    QVERIFY2(!image.isNull(), "no screenshot written");
    QVERIFY2(image.width() >= 1000 && image.height() >= 650,
             qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    image = image.convertToFormat(QImage::Format_RGB32);
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    // A blank window has one or two colours; the studio with an app, tables and a chart has many.
    QVERIFY2(colours.size() > 64,
             qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));
    const double busy = busyCells(image, 8, 6);
    QVERIFY2(busy >= 0.5,
             qPrintable(QStringLiteral("only %1% of the window has content").arg(busy * 100)));
    if (qEnvironmentVariableIsSet("RIVULET_KEEP_SCREENSHOT"))
        QFile::copy(out, QString::fromLocal8Bit(qgetenv("RIVULET_KEEP_SCREENSHOT")));
}

QTEST_GUILESS_MAIN(tst_Screenshot)
#include "tst_screenshot.moc"
