#include "appcontext.h"

#include <cstdio>

namespace Rivulet::Runtime {

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Trace:
        return QStringLiteral("TRACE");
    case LogLevel::Debug:
        return QStringLiteral("DEBUG");
    case LogLevel::Info:
        return QStringLiteral("INFO");
    case LogLevel::Warn:
        return QStringLiteral("WARN");
    case LogLevel::Error:
        return QStringLiteral("ERROR");
    case LogLevel::Fatal:
        return QStringLiteral("FATAL");
    }
    return {};
}

bool parseLogLevel(const QString &text, LogLevel *level)
{
    const QString t = text.trimmed().toUpper();
    static const struct
    {
        const char *name;
        LogLevel level;
    } table[] = {{"TRACE", LogLevel::Trace},  {"DEBUG", LogLevel::Debug},
                 {"INFO", LogLevel::Info},    {"WARN", LogLevel::Warn},
                 {"WARNING", LogLevel::Warn}, {"ERROR", LogLevel::Error},
                 {"FATAL", LogLevel::Fatal}};
    for (const auto &e : table) {
        if (t == QLatin1String(e.name)) {
            *level = e.level;
            return true;
        }
    }
    return false;
}

void AppContext::log(LogLevel level, const QString &message) const
{
    if (logger) {
        logger(level, name, message);
        return;
    }
    std::fprintf(stderr, "[%s] %s: %s\n", qPrintable(logLevelName(level)), qPrintable(name),
                 qPrintable(message));
}

void AppContext::reportError(const QString &where, const QString &message)
{
    ++errors;
    log(LogLevel::Error, where + QStringLiteral(": ") + message);
}

} // namespace Rivulet::Runtime
