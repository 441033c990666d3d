#pragma once

#include <QStringList>

// The subcommands of the `rivulet` binary. Each takes its own arguments (without the command
// name) and returns the process exit status.
namespace Rivulet::Cli {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2, InputSkipped = 3 };

int validateCommand(const QStringList &arguments);
int runCommand(const QStringList &arguments);
int simulateCommand(const QStringList &arguments);
int exportCommand(const QStringList &arguments);
// Hidden: the libraries and plugins this binary uses, as JSON (what an export copies).
int runtimeFilesCommand(const QStringList &arguments);
// The API gateway's client side.
int tokenCommand(const QStringList &arguments);
int devportalCommand(const QStringList &arguments);
int usageCommand(const QStringList &arguments);
int userCommand(const QStringList &arguments);

} // namespace Rivulet::Cli
