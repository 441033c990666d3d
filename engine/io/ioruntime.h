#pragma once

#include "transport.h"

#include "engine/lang/diagnostic.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace Rivulet::Runtime {
class AppRuntime;
}

namespace Rivulet::Io {

class IoContext;

// The sources and sinks of one app, made from its @source and @sink annotations (template
// variables resolved). Start: sinks first (their servers listen), then the app, then sources;
// stop: the reverse, so nothing is accepted that cannot be delivered.
class IoRuntime
{
public:
    IoRuntime(Runtime::AppRuntime &app, IoContext &context);
    ~IoRuntime();

    // Creates the transports; problems (unknown type, bad option, unset ${VAR}) become
    // diagnostics at the annotation.
    bool build(QList<Lang::Diagnostic> *diagnostics);
    // Starts sinks, the app, sources. On failure (a busy port) stops what started and returns
    // false with one line naming the port and the annotation.
    bool start(QString *error);
    // Stops sources, drains and stops the app, then sinks (clients get close code 1001).
    void stop();

    const std::vector<std::unique_ptr<Source>> &sources() const { return m_sources; }
    const std::vector<std::unique_ptr<Sink>> &sinks() const { return m_sinks; }

private:
    bool makeConfig(const Lang::Ast::Annotation &annotation, const QString &kind,
                    const QString &stream, TransportConfig *config,
                    QList<Lang::Diagnostic> *diagnostics);

    Runtime::AppRuntime &m_app;
    IoContext &m_context;
    std::vector<std::unique_ptr<Source>> m_sources;
    std::vector<std::unique_ptr<Sink>> m_sinks;
    std::vector<std::pair<QString, int>> m_callbacks;
    bool m_started = false;
};

} // namespace Rivulet::Io
