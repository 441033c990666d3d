#pragma once

#include "engine/lang/diagnostic.h"

#include <QByteArray>
#include <QJsonArray>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace Rivulet::Runtime {
class AppRuntime;
class Engine;
} // namespace Rivulet::Runtime

namespace Rivulet::Io {
class IoContext;
class IoRuntime;
} // namespace Rivulet::Io

namespace Rivulet::Deploy {

// The apps one `rivulet run` serves, each with its sources and sinks, and the swap of a new
// version for a running one. A candidate is compiled and its transports built before anything
// running is touched, so a bad app never stops a good one; swapping stops the old version
// (freeing its ports), starts the new one, and restarts the old one from its source if the
// new one cannot start. Lives in the thread of the Qt event loop.
class AppHost final : public QObject
{
    Q_OBJECT

public:
    // An app compiled and built, not started.
    struct Candidate
    {
        QString name;
        QString file;
        QByteArray source;
        std::unique_ptr<Runtime::AppRuntime> app;
        std::unique_ptr<Io::IoRuntime> io;
        ~Candidate();
    };

    struct SwapResult
    {
        QString name;
        QString state; // "started", "replaced", "kept" (the new one failed, the old one serves)
                       // or "failed" (nothing of that name runs now)
        QString error;
    };

    AppHost(Runtime::Engine &engine, Io::IoContext &context, QObject *parent = nullptr);
    ~AppHost() override;

    std::unique_ptr<Candidate> prepare(const QByteArray &source, const QString &file,
                                       QList<Lang::Diagnostic> *diagnostics);
    // Startup: adds a prepared app; start() starts everything added.
    void add(std::unique_ptr<Candidate> candidate);
    bool start(QString *error);
    void stop(const QString &reason);

    // Each candidate replaces the running app of its name, or is added.
    QList<SwapResult> swap(std::vector<std::unique_ptr<Candidate>> candidates);
    bool remove(const QString &name, QString *error);

    QStringList names() const;
    // The running apps, in the order they were added.
    std::vector<Runtime::AppRuntime *> runtimes() const;
    Runtime::AppRuntime *app(const QString &name) const;
    // [{name, file, state, endpoints: [...]}]
    QJsonArray describe() const;

Q_SIGNALS:
    // After an app started (its streams can be subscribed), before one stops.
    void appStarted(const QString &name);
    void appStopping(const QString &name);
    // Around a swap or a removal: what binds to the running apps (the gateway) lets go of them
    // before, and binds to runtimes() again after.
    void aboutToSwap();
    void swapped();

private:
    bool startOne(Candidate &candidate, QString *error);
    void stopOne(Candidate &candidate, const QString &reason);

    Runtime::Engine &m_engine;
    Io::IoContext &m_context;
    std::vector<std::unique_ptr<Candidate>> m_apps;
    bool m_started = false;
};

} // namespace Rivulet::Deploy
