#pragma once

#include "clock.h"
#include "expression.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace Rivulet::Runtime {

enum class LogLevel { Trace, Debug, Info, Warn, Error, Fatal };
QString logLevelName(LogLevel level);
bool parseLogLevel(const QString &text, LogLevel *level);

// What every part of one running app shares: its name, its clock and timers, its log, its
// error counters, and the scratch pool for evaluation. Owned by the AppRuntime; used under
// its processing lock.
class AppContext
{
public:
    using Logger = std::function<void(LogLevel, const QString &app, const QString &message)>;

    QString name;
    Clock *clock = nullptr;
    bool playback = false; // time follows the events' timestamps
    Scheduler scheduler;
    TempPool temps;
    Logger logger;
    std::atomic<qint64> errors{0};    // events that failed (and were logged or routed)
    std::atomic<qint64> processed{0}; // events that entered the app

    int64_t currentTime() const { return clock->now(); }
    void log(LogLevel level, const QString &message) const;
    // An event failed: count it and log it (the caller routes it to a fault stream if asked).
    void reportError(const QString &where, const QString &message);
};

} // namespace Rivulet::Runtime
