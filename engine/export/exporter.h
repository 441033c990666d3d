#pragma once

#include "engine/lang/diagnostic.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace Rivulet::Export {

// What an export makes: a bundle folder (and .tar.gz), one standalone executable, or a
// deployment into a running engine through its admin API.
enum class Target { Bundle, Standalone, Deploy };

struct ExportApp
{
    QString fileName;  // where it came from (diagnostics name it); its base name names the copy
    QByteArray source; // the text as the user sees it, ${VAR}s and all
};

struct ExportOptions
{
    QList<ExportApp> apps;
    QString configPath;                // the deployment config (rivulet.yaml), optional
    QHash<QString, QString> variables; // values for the apps' ${VAR}s (over the config's)
    Target target = Target::Bundle;
    QString out;          // Bundle: the folder; Standalone: the executable
    bool tar = false;     // Bundle: also out + ".tar.gz"
    bool force = false;   // replace an existing out (never half: the old one stays until the new
                          // one is complete)
    QString engineBinary; // the engine to copy; default: defaultEngineBinary()
    QString deployUrl;    // Deploy: http://host:port of `rivulet run --admin-port`
    QString adminKey;     // Deploy: the engine's admin key
    int deployTimeoutMs = 60000;
};

struct ExportResult
{
    bool ok = false;
    QList<Lang::Diagnostic> diagnostics; // the apps' problems, with file:line:col
    QStringList errors;                  // other problems (config, files, engine), one line each
    QStringList written;                 // what was written (absolute paths)
    QStringList notes;                   // what the user should know (ports bound to localhost...)
    QByteArray deployAnswer;             // Deploy: the engine's JSON answer

    // Diagnostics and errors as text, one per line (file:line:col: error: message).
    QString problemsText() const;
};

// The export behind both `rivulet export` and the studio's Export dialog. Validates everything
// first (every app compiled with its values and its sources and sinks built, the config read),
// and writes nothing when anything is wrong; a bundle or executable is written beside its
// target under a temporary name and renamed into place when complete.
class Exporter
{
public:
    explicit Exporter(ExportOptions options);

    // The ${VAR}s the apps use, in order of first use.
    static QStringList variablesOf(const QList<ExportApp> &apps);

    // Validation only (what run() does first).
    ExportResult validate();
    ExportResult run();

    // Progress lines ("copying libraries", ...); optional.
    std::function<void(const QString &message)> progress;

private:
    struct Prepared;
    bool prepare(ExportResult *result);
    bool writeTree(const QString &root, bool standalone, ExportResult *result);
    bool writeBundle(ExportResult *result);
    bool writeStandalone(ExportResult *result);
    bool deploy(ExportResult *result);
    QStringList runArguments(const QString &root) const;
    void say(const QString &message) const;

    ExportOptions m_options;
    struct App
    {
        QString name;      // @App:name
        QString fileName;  // apps/<fileName>
        QByteArray source; // ${VAR}s substituted
        QByteArray asyncApi;
        QStringList wsSinks;     // "host:port" of websocket-server sinks
        QStringList wsSources;   // "host:port" of websocket-server sources
        QStringList httpSources; // receiver URLs
        QStringList attributes;  // of the first sink's stream, for the README's sample event
    };
    QList<App> m_apps;
    QByteArray m_config;                           // conf/rivulet.yaml as it goes into the bundle
    QList<QPair<QString, QByteArray>> m_apis;      // apis/<name>: the config's API documents
    QList<QPair<QString, QByteArray>> m_confFiles; // conf/<name>: TLS certificate and key
    bool m_engineHasConfig = false;
    QString m_name; // the bundle's name: the out folder's base name
};

} // namespace Rivulet::Export
