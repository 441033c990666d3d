#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Rivulet::Export {

// What an engine binary needs beside it to run on a machine with only the C library: its
// shared libraries (Qt and what Qt uses, by the name the loader asked for) and the Qt plugins
// it loads at run time (TLS for https/wss, SQLite for the key store).
struct RuntimeFiles
{
    struct Plugin
    {
        QString group; // "tls", "sqldrivers": the folder under plugins/
        QString path;
    };
    QString binary;
    QStringList libraries;
    QList<Plugin> plugins;
};

// The files of this process: loads the plugins, then lists every shared object mapped, less the
// C library's own (libc, libm, ld-linux..., which must be the target's). `rivulet
// runtime-files` prints this as JSON.
RuntimeFiles currentRuntimeFiles();
QByteArray runtimeFilesToJson(const RuntimeFiles &files);
// Runs `engineBinary runtime-files` and reads its answer (the studio is not the engine: its own
// process has the GUI libraries loaded, so it asks the engine).
bool queryRuntimeFiles(const QString &engineBinary, RuntimeFiles *files, QString *error);

// The engine binary an export copies: RIVULET_ENGINE if set, else `rivulet` beside this
// program, else this program when it is the engine.
QString defaultEngineBinary();
// The standalone launcher beside the engine binary (build tree) or installed under
// ../lib/rivulet/; empty when not found.
QString findLauncher(const QString &engineBinary);

} // namespace Rivulet::Export
