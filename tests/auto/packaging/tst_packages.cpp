// packaging/: the .desktop file (desktop-file-validate), the AppStream metainfo (appstreamcli
// validate --no-net), the systemd units (systemd-analyze verify, pointed at this build's
// binary), and the .deb and .tar.gz packages that CPack makes from this build tree: their
// names, dependencies (no GUI library for the engine) and contents, and the engine unpacked
// from its .deb running.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QString sourceDir()
{
    return QString::fromUtf8(RIVULET_SOURCE_DIR);
}

QString binaryDir()
{
    return QString::fromUtf8(RIVULET_BINARY_DIR);
}

struct Run
{
    int exitCode = -1;
    QString out;
};

Run run(const QString &program, const QStringList &arguments, const QString &cwd = {},
        int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    p.start(program, arguments);
    if (!p.waitForFinished(timeoutMs))
        return {-1, QStringLiteral("timed out")};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAll())};
}

bool studioBuilt()
{
    return qgetenv("RIVULET_BUILD_STUDIO") == "1";
}

// Skips (or fails in CI) when a tool is missing; scripts/setup.sh installs them all.
#define REQUIRE_TOOL(tool)                                                                         \
    do {                                                                                           \
        if (QStandardPaths::findExecutable(QStringLiteral(tool)).isEmpty()) {                      \
            if (qgetenv("CI") == "true")                                                           \
                QFAIL(tool " is not installed: run scripts/setup.sh");                             \
            QSKIP(tool " is not installed (scripts/setup.sh installs it)");                        \
        }                                                                                          \
    } while (false)

} // namespace

class tst_Packages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void desktopFile();
    void metainfo();
    void systemdUnits();
    void packages();

private:
    QTemporaryDir m_dir;
};

void tst_Packages::desktopFile()
{
    REQUIRE_TOOL("desktop-file-validate");
    const Run r =
        run(QStringLiteral("desktop-file-validate"),
            {sourceDir() + QStringLiteral("/packaging/invalid.example.Rivulet.Studio.desktop")});
    QVERIFY2(r.exitCode == 0 && r.out.trimmed().isEmpty(), qPrintable(r.out));
}

void tst_Packages::metainfo()
{
    REQUIRE_TOOL("appstreamcli");
    const Run r = run(
        QStringLiteral("appstreamcli"),
        {QStringLiteral("validate"), QStringLiteral("--no-net"), QStringLiteral("--pedantic"),
         sourceDir() + QStringLiteral("/packaging/invalid.example.Rivulet.Studio.metainfo.xml")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out));
    QVERIFY2(!r.out.contains(QLatin1String("\nW:")) && !r.out.contains(QLatin1String("\nE:")),
             qPrintable(r.out));
}

void tst_Packages::systemdUnits()
{
    REQUIRE_TOOL("systemd-analyze");
    QVERIFY(m_dir.isValid());
    // The packaged unit, with its ExecStart pointed at this build's engine (verify checks that
    // the program exists).
    QFile unit(sourceDir() + QStringLiteral("/packaging/rivulet.service"));
    QVERIFY(unit.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(unit.readAll());
    QVERIFY(text.contains(QLatin1String("ExecStart=/usr/bin/rivulet ")));
    for (const char *hardening :
         {"NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
          "User=rivulet", "StateDirectory=rivulet", "CapabilityBoundingSet=\n"})
        QVERIFY2(text.contains(QLatin1String(hardening)), hardening);
    text.replace(QLatin1String("ExecStart=/usr/bin/rivulet "),
                 QStringLiteral("ExecStart=%1/bin/rivulet ").arg(binaryDir()));
    const QString copy = m_dir.filePath(QStringLiteral("rivulet.service"));
    QFile out(copy);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(text.toUtf8());
    out.close();
    const Run r = run(QStringLiteral("systemd-analyze"), {QStringLiteral("verify"), copy});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out));
}

void tst_Packages::packages()
{
    REQUIRE_TOOL("cpack");
    REQUIRE_TOOL("dpkg-deb");
    REQUIRE_TOOL("dpkg-shlibdeps");
    QVERIFY(m_dir.isValid());
    const QString out = m_dir.filePath(QStringLiteral("packages"));
    Run r = run(QStringLiteral("cpack"),
                {QStringLiteral("-G"), QStringLiteral("DEB;TGZ"), QStringLiteral("--config"),
                 binaryDir() + QStringLiteral("/CPackConfig.cmake"), QStringLiteral("-B"), out},
                binaryDir());
    QVERIFY2(r.exitCode == 0, qPrintable(r.out));
    const QString version = QStringLiteral(RIVULET_VERSION);
    const QString engineDeb = out + QStringLiteral("/rivulet_%1_amd64.deb").arg(version);
    const QString studioDeb = out + QStringLiteral("/rivulet-studio_%1_amd64.deb").arg(version);
    QVERIFY2(QFileInfo::exists(engineDeb), qPrintable(QDir(out).entryList().join(u' ')));
    QVERIFY(!QDir(out).entryList({QStringLiteral("rivulet-*.tar.gz")}).isEmpty());

    // The engine: no GUI library among its dependencies; what dlopen loads is listed.
    r = run(QStringLiteral("dpkg-deb"),
            {QStringLiteral("-f"), engineDeb, QStringLiteral("Depends")});
    QCOMPARE(r.exitCode, 0);
    for (const char *gui : {"libqt6gui", "libqt6widgets", "libqscintilla", "libqt6charts",
                            "libqt6svg", "libgl", "libx11"})
        QVERIFY2(!r.out.contains(QLatin1String(gui)), qPrintable(r.out));
    for (const char *dep :
         {"libqt6core6", "libqt6network6", "libqt6websockets6", "libqt6sql6-sqlite", "libssl3"})
        QVERIFY2(r.out.contains(QLatin1String(dep)), qPrintable(r.out));
    // HTTP is served by the engine's own listener (engine/io/httplistener.h).
    QVERIFY2(!r.out.contains(QLatin1String("libqt6httpserver")), qPrintable(r.out));
    r = run(QStringLiteral("dpkg-deb"), {QStringLiteral("--contents"), engineDeb});
    for (const char *file :
         {"./usr/bin/rivulet", "./usr/lib/rivulet/rivulet-launcher",
          "./usr/lib/systemd/system/rivulet.service", "./usr/lib/sysusers.d/rivulet.conf",
          "./usr/share/rivulet/samples/TrainLocation.siddhi", "./usr/share/doc/rivulet/README.md",
          "./usr/share/doc/rivulet/EXPORT.md"})
        QVERIFY2(r.out.contains(QLatin1String(file) + u'\n'), file);
    QVERIFY2(!r.out.contains(QLatin1String("rivulet-studio")), qPrintable(r.out));
    r = run(QStringLiteral("dpkg-deb"), {QStringLiteral("--info"), engineDeb});
    QVERIFY2(r.out.contains(QLatin1String("postinst")), qPrintable(r.out));

    // Unpacked, the engine runs and checks the sample it ships.
    const QString root = m_dir.filePath(QStringLiteral("root"));
    QCOMPARE(run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), engineDeb, root}).exitCode, 0);
    r = run(root + QStringLiteral("/usr/bin/rivulet"), {QStringLiteral("--version")});
    QVERIFY2(r.exitCode == 0 && r.out.contains(version), qPrintable(r.out));
    r = run(root + QStringLiteral("/usr/bin/rivulet"),
            {QStringLiteral("validate"),
             root + QStringLiteral("/usr/share/rivulet/samples/TrainLocation.siddhi")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out));

    if (!studioBuilt())
        return;
    QVERIFY(QFileInfo::exists(studioDeb));
    r = run(QStringLiteral("dpkg-deb"),
            {QStringLiteral("-f"), studioDeb, QStringLiteral("Depends")});
    QVERIFY2(r.out.contains(QStringLiteral("rivulet (= %1)").arg(version)), qPrintable(r.out));
    r = run(QStringLiteral("dpkg-deb"), {QStringLiteral("--contents"), studioDeb});
    for (const char *file :
         {"./usr/bin/rivulet-studio",
          "./usr/share/applications/invalid.example.Rivulet.Studio.desktop",
          "./usr/share/metainfo/invalid.example.Rivulet.Studio.metainfo.xml",
          "./usr/share/icons/hicolor/scalable/apps/invalid.example.Rivulet.Studio.svg",
          "./usr/share/icons/hicolor/48x48/apps/invalid.example.Rivulet.Studio.png",
          "./usr/share/org.kde.syntax-highlighting/syntax/siddhi.xml"})
        QVERIFY2(r.out.contains(QLatin1String(file) + u'\n'), file);
}

QTEST_GUILESS_MAIN(tst_Packages)
#include "tst_packages.moc"
