#include "timetext.h"

#include "engine/lang/keywords.h"

#include <QStringList>

namespace Rivulet::Runtime {

bool parseTimeText(const QString &text, int64_t *ms)
{
    const QStringList parts = text.simplified().split(u' ', Qt::SkipEmptyParts);
    if (parts.isEmpty() || parts.size() > 2)
        return false;
    bool ok = false;
    const qlonglong n = parts[0].toLongLong(&ok);
    if (!ok || n < 0)
        return false;
    if (parts.size() == 1) {
        *ms = n;
        return true;
    }
    const QByteArray unit = parts[1].toUtf8();
    const qint64 factor = Lang::timeUnitMillis(Lang::lookupKeyword(unit));
    if (factor <= 0)
        return false;
    *ms = int64_t(n) * factor;
    return true;
}

bool parseGranularity(const QString &text, Lang::Ast::Duration *duration)
{
    using Lang::Keyword;
    using Lang::Ast::Duration;
    const QByteArray word = text.trimmed().toUtf8();
    switch (Lang::lookupKeyword(word)) {
    case Keyword::Seconds:
        *duration = Duration::Seconds;
        return true;
    case Keyword::Minutes:
        *duration = Duration::Minutes;
        return true;
    case Keyword::Hours:
        *duration = Duration::Hours;
        return true;
    case Keyword::Days:
        *duration = Duration::Days;
        return true;
    case Keyword::Months:
        *duration = Duration::Months;
        return true;
    case Keyword::Years:
        *duration = Duration::Years;
        return true;
    default:
        return false;
    }
}

} // namespace Rivulet::Runtime
