#include "runtimefiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QPluginLoader>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSslSocket>

#include <link.h>

namespace Rivulet::Export {

namespace {

// The C library and its loader come from the target system: a copied libc would not match
// the target's ld.so. Everything else (libstdc++ included) travels with the bundle.
bool isSystemLibrary(const QString &fileName)
{
    static const char *const prefixes[] = {
        "ld-linux",   "libc.so",      "libm.so",        "libdl.so",  "libpthread.so",
        "librt.so",   "libresolv.so", "libutil.so",     "libanl.so", "libnss_",
        "libmvec.so", "linux-vdso",   "libBrokenLocale"};
    for (const char *p : prefixes) {
        if (fileName.startsWith(QLatin1String(p)))
            return true;
    }
    return false;
}

int collect(struct dl_phdr_info *info, size_t, void *data)
{
    auto *names = static_cast<QStringList *>(data);
    if (info->dlpi_name && info->dlpi_name[0])
        names->append(QString::fromLocal8Bit(info->dlpi_name));
    return 0;
}

} // namespace

RuntimeFiles currentRuntimeFiles()
{
    RuntimeFiles files;
    files.binary = QCoreApplication::applicationFilePath();
    const QString pluginDir = QLibraryInfo::path(QLibraryInfo::PluginsPath);
    const std::pair<const char *, const char *> wanted[] = {{"tls", "libqopensslbackend.so"},
                                                            {"tls", "libqcertonlybackend.so"},
                                                            {"sqldrivers", "libqsqlite.so"}};
    QStringList pluginPaths;
    for (const auto &[group, name] : wanted) {
        const QString path =
            QDir(pluginDir).filePath(QLatin1String(group) + u'/' + QLatin1String(name));
        if (!QFileInfo::exists(path))
            continue;
        QPluginLoader loader(path);
        if (!loader.load())
            continue; // a plugin that does not load here would not load there either
        files.plugins.append({QLatin1String(group), path});
        pluginPaths << QFileInfo(path).canonicalFilePath();
    }
    // The OpenSSL backend loads libssl and libcrypto only when TLS is first asked for.
    QSslSocket::supportsSsl();
    QStringList loaded;
    dl_iterate_phdr(collect, &loaded);
    for (const QString &path : std::as_const(loaded)) {
        const QFileInfo info(path);
        if (isSystemLibrary(info.fileName()) || pluginPaths.contains(info.canonicalFilePath()))
            continue;
        if (!files.libraries.contains(path))
            files.libraries << path;
    }
    return files;
}

QByteArray runtimeFilesToJson(const RuntimeFiles &files)
{
    QJsonArray plugins;
    for (const auto &p : files.plugins)
        plugins.append(
            QJsonObject{{QStringLiteral("group"), p.group}, {QStringLiteral("path"), p.path}});
    return QJsonDocument(QJsonObject{{QStringLiteral("binary"), files.binary},
                                     {QStringLiteral("libraries"),
                                      QJsonArray::fromStringList(files.libraries)},
                                     {QStringLiteral("plugins"), plugins}})
        .toJson(QJsonDocument::Indented);
}

bool queryRuntimeFiles(const QString &engineBinary, RuntimeFiles *files, QString *error)
{
    QProcess process;
    process.setProgram(engineBinary);
    process.setArguments({QStringLiteral("runtime-files")});
    process.start();
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = QStringLiteral("cannot ask %1 for its libraries: %2")
                     .arg(engineBinary,
                          process.error() == QProcess::FailedToStart
                              ? process.errorString()
                              : QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
        return false;
    }
    QJsonParseError parseError;
    const QJsonObject o =
        QJsonDocument::fromJson(process.readAllStandardOutput(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !o.contains(QLatin1String("libraries"))) {
        *error = QStringLiteral("%1 runtime-files: unexpected answer").arg(engineBinary);
        return false;
    }
    files->binary = o.value(QLatin1String("binary")).toString();
    files->libraries.clear();
    for (const QJsonValue &v : o.value(QLatin1String("libraries")).toArray())
        files->libraries << v.toString();
    files->plugins.clear();
    for (const QJsonValue &v : o.value(QLatin1String("plugins")).toArray()) {
        const QJsonObject p = v.toObject();
        files->plugins.append({p.value(QLatin1String("group")).toString(),
                               p.value(QLatin1String("path")).toString()});
    }
    return true;
}

QString defaultEngineBinary()
{
    const QString env =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("RIVULET_ENGINE"));
    if (!env.isEmpty())
        return env;
    const QString beside =
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("rivulet"));
    if (QFileInfo(beside).isExecutable())
        return beside;
    return QCoreApplication::applicationFilePath();
}

QString findLauncher(const QString &engineBinary)
{
    const QDir dir = QFileInfo(engineBinary).absoluteDir();
    for (const QString &candidate :
         {dir.filePath(QStringLiteral("rivulet-launcher")),
          dir.filePath(QStringLiteral("../lib/rivulet/rivulet-launcher")),
          dir.filePath(QStringLiteral("../libexec/rivulet/rivulet-launcher"))}) {
        if (QFileInfo(candidate).isExecutable())
            return QDir::cleanPath(candidate);
    }
    return {};
}

} // namespace Rivulet::Export
