#include "exporter.h"

#include "asyncapi.h"
#include "bundletexts.h"
#include "payload.h"
#include "runtimefiles.h"
#include "templatevariables.h"

#include "engine/io/iocontext.h"
#include "engine/io/ioruntime.h"
#include "engine/lang/ast.h"
#include "engine/lang/frontend.h"
#include "engine/runtime/appruntime.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace Rivulet::Export {

namespace {

Lang::SourceRange rangeAt(const QByteArray &text, qsizetype offset, qsizetype length)
{
    Lang::SourceRange r;
    r.start = int(offset);
    r.end = int(offset + length);
    const QByteArray before = text.left(offset);
    r.line = int(before.count('\n')) + 1;
    r.column = int(QString::fromUtf8(before.mid(before.lastIndexOf('\n') + 1)).size()) + 1;
    r.endLine = r.line;
    r.endColumn = r.column + int(length) - 1;
    return r;
}

bool writeFile(const QString &path, const QByteArray &data, QFile::Permissions perms,
               QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    f.close();
    f.setPermissions(perms);
    return true;
}

constexpr QFile::Permissions kExecutable = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                           | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                           | QFile::ExeOther;
constexpr QFile::Permissions kReadable =
    QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;

bool copyFile(const QString &from, const QString &to, QFile::Permissions perms, QString *error)
{
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(from, in.errorString());
        return false;
    }
    return writeFile(to, in.readAll(), perms, error);
}

// Removes a folder this export made (never anything else).
void removeTree(const QString &path)
{
    if (!path.isEmpty())
        QDir(path).removeRecursively();
}

// A YAML string list under key, or an error naming the file and line.
bool readStringList(const YAML::Node &root, const char *key, const QString &file, QStringList *out,
                    QString *error)
{
    const YAML::Node n = root[key];
    if (!n.IsDefined() || n.IsNull())
        return true;
    if (!n.IsSequence()) {
        *error = QStringLiteral("%1:%2: %3: must be a list of file names")
                     .arg(file)
                     .arg(n.Mark().line + 1)
                     .arg(QLatin1String(key));
        return false;
    }
    for (const YAML::Node &item : n) {
        if (!item.IsScalar()) {
            *error = QStringLiteral("%1:%2: %3: must be a list of file names")
                         .arg(file)
                         .arg(item.Mark().line + 1)
                         .arg(QLatin1String(key));
            return false;
        }
        out->append(QString::fromStdString(item.as<std::string>()));
    }
    return true;
}

} // namespace

QString ExportResult::problemsText() const
{
    QStringList lines;
    for (const Lang::Diagnostic &d : diagnostics)
        lines << d.toText();
    lines += errors;
    return lines.join(u'\n');
}

Exporter::Exporter(ExportOptions options)
    : m_options(std::move(options))
{
    if (m_options.engineBinary.isEmpty())
        m_options.engineBinary = defaultEngineBinary();
}

QStringList Exporter::variablesOf(const QList<ExportApp> &apps)
{
    QStringList names;
    for (const ExportApp &app : apps) {
        for (const QString &v : templateVariables(app.source)) {
            if (!names.contains(v))
                names << v;
        }
    }
    return names;
}

void Exporter::say(const QString &message) const
{
    if (progress)
        progress(message);
}

bool Exporter::prepare(ExportResult *result)
{
    m_apps.clear();
    m_apis.clear();
    m_config.clear();
    QHash<QString, QString> values;
    QList<ExportApp> apps = m_options.apps;

    // The deployment config: its variables, the apps and API documents it names.
    YAML::Node config;
    QString configDir;
    if (!m_options.configPath.isEmpty()) {
        QFile f(m_options.configPath);
        if (!f.open(QIODevice::ReadOnly)) {
            result->errors << QStringLiteral("%1: cannot read the config: %2")
                                  .arg(m_options.configPath, f.errorString());
            return false;
        }
        configDir = QFileInfo(m_options.configPath).absolutePath();
        try {
            config = YAML::Load(f.readAll().toStdString());
        } catch (const YAML::Exception &e) {
            result->errors << QStringLiteral("%1:%2: %3")
                                  .arg(m_options.configPath)
                                  .arg(e.mark.line + 1)
                                  .arg(QString::fromStdString(e.msg));
            return false;
        }
        if (!config.IsNull() && !config.IsMap()) {
            result->errors << QStringLiteral("%1: the config must be a YAML mapping")
                                  .arg(m_options.configPath);
            return false;
        }
        QString error;
        QStringList configApps, configApis;
        if (!readStringList(config, "apps", m_options.configPath, &configApps, &error)
            || !readStringList(config, "apis", m_options.configPath, &configApis, &error)) {
            result->errors << error;
            return false;
        }
        const YAML::Node vars = config["variables"];
        if (vars.IsMap()) {
            for (const auto &kv : vars)
                values.insert(QString::fromStdString(kv.first.as<std::string>()),
                              QString::fromStdString(kv.second.as<std::string>()));
        }
        if (apps.isEmpty()) {
            for (const QString &a : std::as_const(configApps)) {
                const QString path = QDir(configDir).absoluteFilePath(a);
                QFile af(path);
                if (!af.open(QIODevice::ReadOnly)) {
                    result->errors << QStringLiteral("%1: apps: cannot read %2: %3")
                                          .arg(m_options.configPath, path, af.errorString());
                    continue;
                }
                apps.append({path, af.readAll()});
            }
        }
        for (const QString &a : std::as_const(configApis)) {
            const QString path = QDir(configDir).absoluteFilePath(a);
            QFile af(path);
            if (!af.open(QIODevice::ReadOnly)) {
                result->errors << QStringLiteral("%1: apis: cannot read %2: %3")
                                      .arg(m_options.configPath, path, af.errorString());
                continue;
            }
            const QByteArray text = af.readAll();
            try {
                const YAML::Node doc = YAML::Load(text.toStdString());
                if (!doc.IsMap() || !doc["asyncapi"].IsDefined())
                    result->errors << QStringLiteral("%1: not an AsyncAPI document (no "
                                                     "asyncapi: field)")
                                          .arg(path);
            } catch (const YAML::Exception &e) {
                result->errors << QStringLiteral("%1:%2: %3")
                                      .arg(path)
                                      .arg(e.mark.line + 1)
                                      .arg(QString::fromStdString(e.msg));
            }
            m_apis.append({QFileInfo(path).fileName(), text});
        }
    }
    for (auto it = m_options.variables.cbegin(); it != m_options.variables.cend(); ++it)
        values.insert(it.key(), it.value());

    if (apps.isEmpty())
        result->errors << QStringLiteral("no app to export: give apps, or a config whose apps: "
                                         "lists them");

    // Every app: values substituted, compiled, built with its sources and sinks (not started).
    Runtime::Engine engine;
    Io::IoContext context;
    QStringList names;
    QStringList fileNames;
    for (const ExportApp &input : std::as_const(apps)) {
        App app;
        app.source = substituteVariables(input.source, values);
        const QString label =
            input.fileName.isEmpty() ? QStringLiteral("app.siddhi") : input.fileName;
        bool unresolved = false;
        static const QRegularExpression var(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)\\}"));
        const QStringList stillUsed = templateVariables(app.source);
        auto it = var.globalMatch(QString::fromUtf8(app.source));
        while (it.hasNext()) {
            const auto m = it.next();
            if (!stillUsed.contains(m.captured(1)))
                continue;
            const QByteArray prefix =
                QString::fromUtf8(app.source).left(m.capturedStart()).toUtf8();
            Lang::Diagnostic d;
            d.file = label;
            d.range = rangeAt(app.source, prefix.size(), m.capturedLength());
            d.message = QStringLiteral("template variable ${%1} has no value").arg(m.captured(1));
            d.hint = QStringLiteral("give it one: --var %1=VALUE (or variables: in the config)")
                         .arg(m.captured(1));
            result->diagnostics << d;
            unresolved = true;
        }
        if (unresolved)
            continue;
        QList<Lang::Diagnostic> diagnostics;
        auto runtime = engine.createApp(app.source, label, &diagnostics);
        for (const Lang::Diagnostic &d : std::as_const(diagnostics)) {
            if (d.isError())
                result->diagnostics << d;
        }
        if (!runtime)
            continue;
        Io::IoRuntime io(*runtime, context);
        QList<Lang::Diagnostic> ioDiagnostics;
        if (!io.build(&ioDiagnostics)) {
            result->diagnostics += ioDiagnostics;
            continue;
        }
        const Lang::CompiledApp &compiled = runtime->compiled();
        app.name = compiled.name();
        if (names.contains(app.name)) {
            result->errors << QStringLiteral("%1: a second app named %2: app names must differ")
                                  .arg(label, app.name);
            continue;
        }
        names << app.name;
        QString base = QFileInfo(label).completeBaseName();
        if (base.isEmpty() || fileNames.contains(base))
            base = app.name;
        fileNames << base;
        app.fileName = base + QStringLiteral(".siddhi");
        app.asyncApi = generateAsyncApi(compiled);
        for (const auto &sink : io.sinks()) {
            if (sink->config().type == QLatin1String("websocket-server"))
                app.wsSinks << sink->config().option("host") + u':' + sink->config().option("port");
        }
        for (const auto &source : io.sources()) {
            if (source->config().type == QLatin1String("websocket-server"))
                app.wsSources << source->config().option("host") + u':'
                                     + source->config().option("port");
            if (source->config().type == QLatin1String("http")) {
                app.httpSources << source->config().option("receiver.url");
                if (app.attributes.isEmpty()) {
                    for (const auto &def : compiled.app->definitions) {
                        if (def->name == source->config().stream) {
                            for (const auto &a : def->attributes)
                                app.attributes << a.name + u':' + Lang::typeName(a.type);
                        }
                    }
                }
            }
        }
        m_apps << app;
    }
    if (!result->diagnostics.isEmpty() || !result->errors.isEmpty())
        return false;

    // The config as it goes into the bundle: the apps and APIs point into the bundle.
    if (!config.IsDefined() || config.IsNull())
        config = YAML::Node(YAML::NodeType::Map);
    YAML::Node appList(YAML::NodeType::Sequence);
    for (const App &a : std::as_const(m_apps))
        appList.push_back(QString(QStringLiteral("../apps/") + a.fileName).toStdString());
    config["apps"] = appList;
    if (!m_apis.isEmpty()) {
        YAML::Node apiList(YAML::NodeType::Sequence);
        for (const auto &api : std::as_const(m_apis))
            apiList.push_back(QString(QStringLiteral("../apis/") + api.first).toStdString());
        config["apis"] = apiList;
    } else {
        config.remove("apis");
    }
    config.remove("variables"); // substituted into the apps
    // The gateway's TLS certificate and key go into the bundle beside the config.
    m_confFiles.clear();
    YAML::Node tls = config["tls"];
    if (tls.IsMap()) {
        for (const char *key : {"certificate", "key"}) {
            if (!tls[key].IsScalar())
                continue;
            QString path = QString::fromStdString(tls[key].as<std::string>());
            if (path.startsWith(QLatin1String("~/")))
                path = QDir::homePath() + path.mid(1);
            path = QDir(configDir).absoluteFilePath(path);
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) {
                result->errors << QStringLiteral("%1: tls.%2: cannot read %3: %4")
                                      .arg(m_options.configPath, QLatin1String(key), path,
                                           f.errorString());
                return false;
            }
            const QString name = QStringLiteral("tls/") + QFileInfo(path).fileName();
            m_confFiles.append({name, f.readAll()});
            tls[key] = name.toStdString();
        }
    }
    YAML::Emitter emitter;
    emitter << config;
    m_config = "# The deployment config of this bundle, made by `rivulet export`";
    if (!m_options.configPath.isEmpty())
        m_config += " from " + QFileInfo(m_options.configPath).fileName().toUtf8();
    m_config += ".\n# Paths are relative to this folder. The apps' ${VAR}s are already "
                "substituted.\n";
    m_config += QByteArray(emitter.c_str()) + '\n';
    return true;
}

ExportResult Exporter::validate()
{
    ExportResult result;
    result.ok = prepare(&result);
    return result;
}

QStringList Exporter::runArguments(const QString &root) const
{
    QStringList args{QStringLiteral("run")};
    if (m_engineHasConfig) {
        args << QStringLiteral("--config") << root + QStringLiteral("/conf/rivulet.yaml");
        return args;
    }
    for (const App &a : m_apps)
        args << root + QStringLiteral("/apps/") + a.fileName;
    return args;
}

bool Exporter::writeTree(const QString &root, bool standalone, ExportResult *result)
{
    QString error;
    // Does this engine read a deployment config (`run --config`)? Then the bundle starts from
    // conf/rivulet.yaml; else from its apps.
    {
        QProcess probe;
        probe.start(m_options.engineBinary, {QStringLiteral("run"), QStringLiteral("--help")});
        probe.waitForFinished(30000);
        m_engineHasConfig = probe.readAllStandardOutput().contains("--config");
    }

    say(QStringLiteral("asking %1 for its libraries").arg(m_options.engineBinary));
    RuntimeFiles files;
    if (!queryRuntimeFiles(m_options.engineBinary, &files, &error)) {
        result->errors << error;
        return false;
    }
    say(QStringLiteral("copying the engine and %1 libraries").arg(files.libraries.size()));
    if (!copyFile(m_options.engineBinary, root + QStringLiteral("/bin/rivulet"), kExecutable,
                  &error))
        return result->errors << error, false;
    // A build tree's engine carries its debug information (tens of MB): leave it behind when
    // binutils' strip is there (an installed engine is stripped already).
    const QString strip = QStandardPaths::findExecutable(QStringLiteral("strip"));
    if (!strip.isEmpty()) {
        QProcess p;
        p.start(strip, {QStringLiteral("--strip-debug"), root + QStringLiteral("/bin/rivulet")});
        p.waitForFinished(60000);
    }
    for (const QString &lib : std::as_const(files.libraries)) {
        // Under the name the loader asked for, and for a library loaded by its unversioned
        // name (OpenSSL, which Qt loads at run time) also under its real versioned name.
        QStringList names{QFileInfo(lib).fileName()};
        const QString real = QFileInfo(QFileInfo(lib).canonicalFilePath()).fileName();
        if (names.first().endsWith(QLatin1String(".so")) && real != names.first())
            names << real;
        for (const QString &name : std::as_const(names)) {
            if (!copyFile(lib, root + QStringLiteral("/lib/rivulet/") + name, kReadable, &error))
                return result->errors << error, false;
        }
        // Qt's TLS backend asks for libssl.so and libcrypto.so before their versioned names:
        // on a machine with libssl-dev those would be the system's, loaded beside the bundle's
        // copies the engine links. The unversioned names point at the bundled ones.
        static const QRegularExpression openSsl(QStringLiteral("^(libssl|libcrypto)\\.so\\.\\d+$"));
        const QRegularExpressionMatch m = openSsl.match(names.first());
        if (m.hasMatch()) {
            const QString link =
                root + QStringLiteral("/lib/rivulet/") + m.captured(1) + QStringLiteral(".so");
            if (!QFileInfo::exists(link) && !QFile::link(names.first(), link))
                return result->errors
                           << QStringLiteral("cannot link %1 to %2").arg(link, names.first()),
                       false;
        }
    }
    for (const auto &plugin : std::as_const(files.plugins)) {
        if (!copyFile(plugin.path,
                      root + QStringLiteral("/lib/rivulet/plugins/") + plugin.group + u'/'
                          + QFileInfo(plugin.path).fileName(),
                      kReadable, &error))
            return result->errors << error, false;
    }
    // The engine finds its libraries through its RPATH ($ORIGIN/../lib/rivulet) and its
    // plugins through qt.conf beside it.
    if (!writeFile(root + QStringLiteral("/bin/qt.conf"),
                   "[Paths]\nPrefix=..\nPlugins=lib/rivulet/plugins\n", kReadable, &error))
        return result->errors << error, false;

    for (const App &a : std::as_const(m_apps)) {
        if (!writeFile(root + QStringLiteral("/apps/") + a.fileName, a.source, kReadable, &error))
            return result->errors << error, false;
        if (!a.asyncApi.isEmpty()
            && !writeFile(root + QStringLiteral("/apis/") + a.name
                              + QStringLiteral("-endpoints.yaml"),
                          a.asyncApi, kReadable, &error))
            return result->errors << error, false;
    }
    for (const auto &api : std::as_const(m_apis)) {
        if (!writeFile(root + QStringLiteral("/apis/") + api.first, api.second, kReadable, &error))
            return result->errors << error, false;
    }
    if (!writeFile(root + QStringLiteral("/conf/rivulet.yaml"), m_config, kReadable, &error))
        return result->errors << error, false;
    for (const auto &file : std::as_const(m_confFiles)) {
        if (!writeFile(root + QStringLiteral("/conf/") + file.first, file.second,
                       QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup, &error))
            return result->errors << error, false;
    }

    BundleInfo info;
    info.name = m_name;
    info.standalone = standalone;
    info.runArguments = runArguments(QStringLiteral("."));
    info.unitArguments = runArguments(QStringLiteral("/opt/rivulet/") + m_name);
    info.hasGatewayConfig = !m_apis.isEmpty();
    for (const App &a : std::as_const(m_apps)) {
        BundleInfo::AppInfo ai;
        ai.name = a.name;
        ai.file = a.fileName;
        ai.wsSinks = a.wsSinks;
        ai.wsSources = a.wsSources;
        ai.httpSources = a.httpSources;
        ai.attributes = a.attributes;
        info.apps << ai;
    }
    if (standalone) {
        QStringList lines = runArguments(QStringLiteral("@BUNDLE@"));
        if (!writeFile(root + QStringLiteral("/standalone.args"), lines.join(u'\n').toUtf8() + '\n',
                       kReadable, &error))
            return result->errors << error, false;
    } else {
        const QList<QPair<QString, QByteArray>> texts{
            {QStringLiteral("README.md"), bundleReadme(info)},
            {QStringLiteral("Dockerfile"), bundleDockerfile(info)},
            {QStringLiteral(".dockerignore"), QByteArray("*.tar.gz\n")},
            {QStringLiteral("systemd/rivulet-%1.service").arg(m_name), bundleSystemdUnit(info)}};
        for (const auto &t : texts) {
            if (!writeFile(root + u'/' + t.first, t.second, kReadable, &error))
                return result->errors << error, false;
        }
        result->notes += bundleNotes(info);
        // SHA256SUMS of every file, so a copy can be checked with `sha256sum -c`.
        QByteArray sums;
        QStringList all;
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            all << QDir(root).relativeFilePath(it.next());
        all.sort();
        for (const QString &rel : std::as_const(all)) {
            QFile f(root + u'/' + rel);
            f.open(QIODevice::ReadOnly);
            sums += QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex() + "  "
                    + rel.toUtf8() + '\n';
        }
        if (!writeFile(root + QStringLiteral("/SHA256SUMS"), sums, kReadable, &error))
            return result->errors << error, false;
    }
    return true;
}

bool Exporter::writeBundle(ExportResult *result)
{
    const QString out = QDir::cleanPath(QDir::current().absoluteFilePath(m_options.out));
    const QFileInfo outInfo(out);
    m_name = outInfo.fileName();
    if (outInfo.exists() && !m_options.force) {
        result->errors << QStringLiteral("%1 exists: choose another --out or give --force to "
                                         "replace it")
                              .arg(out);
        return false;
    }
    if (!QDir().mkpath(outInfo.absolutePath())) {
        result->errors << QStringLiteral("cannot create %1").arg(outInfo.absolutePath());
        return false;
    }
    // Written beside the target under a temporary name, renamed when complete.
    QTemporaryDir tmp(out + QStringLiteral(".tmp-XXXXXX"));
    if (!tmp.isValid()) {
        result->errors
            << QStringLiteral("cannot create a folder beside %1: %2").arg(out, tmp.errorString());
        return false;
    }
    QFile::setPermissions(tmp.path(), kExecutable);
    if (!writeTree(tmp.path(), false, result))
        return false;

    QString tarTmp;
    if (m_options.tar) {
        say(QStringLiteral("writing %1.tar.gz").arg(out));
        const QString tarTool = QStandardPaths::findExecutable(QStringLiteral("tar"));
        if (tarTool.isEmpty()) {
            result->errors << QStringLiteral("--tar needs the tar program (Debian: tar)");
            return false;
        }
        tarTmp = out + QStringLiteral(".tar.gz.tmp");
        QProcess tar;
        tar.setWorkingDirectory(tmp.path());
        // The archive holds one folder named like the bundle; owner root, sorted, so two
        // exports of the same apps give the same list.
        tar.start(tarTool,
                  {QStringLiteral("--create"), QStringLiteral("--gzip"), QStringLiteral("--file"),
                   tarTmp, QStringLiteral("--sort=name"), QStringLiteral("--owner=0"),
                   QStringLiteral("--group=0"), QStringLiteral("--numeric-owner"),
                   QStringLiteral("--transform=s,^\\.,%1,").arg(m_name), QStringLiteral(".")});
        if (!tar.waitForFinished(300000) || tar.exitCode() != 0) {
            result->errors << QStringLiteral("tar failed: %1")
                                  .arg(QString::fromLocal8Bit(tar.readAllStandardError()));
            QFile::remove(tarTmp);
            return false;
        }
    }

    // Into place: the old bundle (with --force) is moved aside first and removed last.
    QString aside;
    if (outInfo.exists()) {
        aside =
            out + QStringLiteral(".old-") + QString::number(QDateTime::currentMSecsSinceEpoch());
        if (!QDir().rename(out, aside)) {
            result->errors << QStringLiteral("cannot move the old %1 aside").arg(out);
            QFile::remove(tarTmp);
            return false;
        }
    }
    if (!QDir().rename(tmp.path(), out)) {
        result->errors << QStringLiteral("cannot rename %1 to %2").arg(tmp.path(), out);
        if (!aside.isEmpty())
            QDir().rename(aside, out);
        QFile::remove(tarTmp);
        return false;
    }
    tmp.setAutoRemove(false);
    removeTree(aside);
    result->written << out;
    if (!tarTmp.isEmpty()) {
        const QString tarOut = out + QStringLiteral(".tar.gz");
        QFile::remove(tarOut);
        if (!QFile::rename(tarTmp, tarOut)) {
            result->errors << QStringLiteral("cannot rename %1 to %2").arg(tarTmp, tarOut);
            return false;
        }
        result->written << tarOut;
    }
    return true;
}

bool Exporter::writeStandalone(ExportResult *result)
{
    const QString out = QDir::cleanPath(QDir::current().absoluteFilePath(m_options.out));
    const QFileInfo outInfo(out);
    m_name = outInfo.completeBaseName();
    if (outInfo.exists() && !m_options.force) {
        result->errors << QStringLiteral("%1 exists: choose another --out or give --force to "
                                         "replace it")
                              .arg(out);
        return false;
    }
    const QString launcher = findLauncher(m_options.engineBinary);
    if (launcher.isEmpty()) {
        result->errors << QStringLiteral("no rivulet-launcher beside %1 (nor in "
                                         "../lib/rivulet/): the standalone target needs it")
                              .arg(m_options.engineBinary);
        return false;
    }
    QTemporaryDir tree;
    if (!tree.isValid() || !writeTree(tree.path(), true, result))
        return false;

    say(QStringLiteral("packing the payload"));
    QList<PayloadEntry> entries;
    QStringList all;
    QDirIterator it(tree.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        all << QDir(tree.path()).relativeFilePath(it.next());
    all.sort();
    for (const QString &rel : std::as_const(all)) {
        QFile f(tree.path() + u'/' + rel);
        if (!f.open(QIODevice::ReadOnly)) {
            result->errors << QStringLiteral("cannot read %1").arg(f.fileName());
            return false;
        }
        PayloadEntry e;
        e.path = rel;
        e.data = f.readAll();
        e.mode = (f.permissions() & QFile::ExeOwner) ? 0755 : 0644;
        entries << e;
    }

    QDir().mkpath(outInfo.absolutePath());
    QSaveFile file(out); // written beside the target, renamed into place on commit
    QFile in(launcher);
    if (!file.open(QIODevice::WriteOnly) || !in.open(QIODevice::ReadOnly)) {
        result->errors << QStringLiteral("cannot write %1: %2").arg(out, file.errorString());
        return false;
    }
    QString error;
    if (file.write(in.readAll()) < 0 || !writePayload(file, entries, &error)) {
        result->errors << QStringLiteral("cannot write %1: %2").arg(out, error);
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        result->errors << QStringLiteral("cannot write %1: %2").arg(out, file.errorString());
        return false;
    }
    QFile::setPermissions(out, kExecutable);
    result->written << out;
    return true;
}

bool Exporter::deploy(ExportResult *result)
{
    const QUrl base(m_options.deployUrl);
    if (!base.isValid()
        || (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https"))) {
        result->errors << QStringLiteral("--deploy wants the engine's admin URL, "
                                         "http://HOST:PORT, not '%1'")
                              .arg(m_options.deployUrl);
        return false;
    }
    if (m_options.adminKey.isEmpty()) {
        result->errors << QStringLiteral("--deploy needs the engine's admin key: --admin-key-file "
                                         "FILE (the engine writes it on start) or "
                                         "RIVULET_ADMIN_KEY");
        return false;
    }
    QJsonArray apps;
    for (const App &a : std::as_const(m_apps))
        apps.append(QJsonObject{{QStringLiteral("file"), a.fileName},
                                {QStringLiteral("source"), QString::fromUtf8(a.source)}});
    QUrl url = base;
    url.setPath(base.path().chopped(base.path().endsWith(u'/') ? 1 : 0)
                + QStringLiteral("/admin/v1/apps"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + m_options.adminKey.toUtf8());
    QNetworkAccessManager manager;
    say(QStringLiteral("deploying %1 app(s) to %2").arg(m_apps.size()).arg(url.toString()));
    QNetworkReply *reply =
        manager.post(request, QJsonDocument(QJsonObject{{QStringLiteral("apps"), apps}}).toJson());
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(m_options.deployTimeoutMs);
    loop.exec();
    if (!reply->isFinished()) {
        reply->abort();
        result->errors << QStringLiteral("%1: no answer within %2 s")
                              .arg(url.toString())
                              .arg(m_options.deployTimeoutMs / 1000);
        reply->deleteLater();
        return false;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result->deployAnswer = reply->readAll();
    const QString networkError = reply->errorString();
    reply->deleteLater();
    if (status == 0) {
        result->errors << QStringLiteral("%1: %2").arg(url.toString(), networkError);
        return false;
    }
    const QJsonObject answer = QJsonDocument::fromJson(result->deployAnswer).object();
    for (const QJsonValue &v : answer.value(QLatin1String("diagnostics")).toArray()) {
        const QJsonObject o = v.toObject();
        Lang::Diagnostic d;
        d.file = o.value(QLatin1String("file")).toString();
        d.range.line = o.value(QLatin1String("line")).toInt(1);
        d.range.column = o.value(QLatin1String("column")).toInt(1);
        d.message = o.value(QLatin1String("message")).toString();
        d.hint = o.value(QLatin1String("hint")).toString();
        result->diagnostics << d;
    }
    if (status != 200) {
        result->errors << QStringLiteral("the engine refused the deployment (HTTP %1): %2")
                              .arg(status)
                              .arg(answer.value(QLatin1String("message")).toString());
        return false;
    }
    for (const QJsonValue &v : answer.value(QLatin1String("apps")).toArray())
        result->notes << QStringLiteral("%1: %2").arg(
            v.toObject().value(QLatin1String("name")).toString(),
            v.toObject().value(QLatin1String("state")).toString());
    return true;
}

ExportResult Exporter::run()
{
    ExportResult result;
    say(QStringLiteral("validating %1 app(s)").arg(m_options.apps.size()));
    if (!prepare(&result))
        return result;
    if (m_options.target != Target::Deploy && m_options.out.isEmpty()) {
        result.errors << QStringLiteral("no --out given");
        return result;
    }
    switch (m_options.target) {
    case Target::Bundle:
        result.ok = writeBundle(&result);
        break;
    case Target::Standalone:
        result.ok = writeStandalone(&result);
        break;
    case Target::Deploy:
        result.ok = deploy(&result);
        break;
    }
    return result;
}

} // namespace Rivulet::Export
