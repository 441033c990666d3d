// Helpers for reading incremental aggregations (see aggregationlookup.h).
#include "aggregationlookup.h"

#include <QDate>
#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace Rivulet::Runtime {

// Until aggregation.cpp provides the real lookup, joins and on-demand queries over
// aggregations report that they cannot run. The definition there replaces this one.
__attribute__((weak)) bool findAggregationRows(Aggregation *, const AggregationWithin &,
                                               const AggregationRowCallback &, QString *error)
{
    if (error)
        *error = QStringLiteral("reading incremental aggregations is not available yet");
    return false;
}

bool parsePerDuration(const QString &text, Lang::Ast::Duration *per)
{
    using Lang::Ast::Duration;
    const QString t = text.trimmed().toLower();
    static const struct
    {
        const char *names[3];
        Duration d;
    } table[] = {
        {{"seconds", "second", "sec"}, Duration::Seconds},
        {{"minutes", "minute", "min"}, Duration::Minutes},
        {{"hours", "hour", nullptr}, Duration::Hours},
        {{"days", "day", nullptr}, Duration::Days},
        {{"weeks", "week", nullptr}, Duration::Weeks},
        {{"months", "month", nullptr}, Duration::Months},
        {{"years", "year", nullptr}, Duration::Years},
    };
    for (const auto &row : table) {
        for (const char *n : row.names) {
            if (n && t == QLatin1String(n)) {
                *per = row.d;
                return true;
            }
        }
    }
    return false;
}

bool parseWithinTime(const QString &text, int64_t *start, int64_t *patternEnd, QString *error)
{
    // yyyy-MM-dd HH:mm:ss, any field possibly **, then an optional +hh:mm / -hh:mm zone.
    static const QRegularExpression re(QStringLiteral(
        R"(^\s*(\d{4}|\*\*)-(\d{1,2}|\*\*)-(\d{1,2}|\*\*)\s+(\d{1,2}|\*\*):(\d{1,2}|\*\*):(\d{1,2}|\*\*)(?:\.\d+)?\s*(?:([+-])(\d{1,2}):(\d{2}))?\s*$)"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch()) {
        if (error)
            *error =
                QStringLiteral("'%1' is not a time such as '2017-06-01 04:05:50 +05:30'").arg(text);
        return false;
    }
    int fields[6];
    int firstWild = -1;
    for (int i = 0; i < 6; ++i) {
        const QString f = m.captured(i + 1);
        if (f == QLatin1String("**")) {
            if (firstWild < 0)
                firstWild = i;
            fields[i] = (i == 1 || i == 2) ? 1 : 0;
        } else {
            if (firstWild >= 0) {
                if (error)
                    *error = QStringLiteral("in '%1', only the fields after the first ** can be "
                                            "** too")
                                 .arg(text);
                return false;
            }
            fields[i] = f.toInt();
        }
    }
    if (firstWild == 0) {
        if (error)
            *error = QStringLiteral("in '%1', the year cannot be **").arg(text);
        return false;
    }
    int offsetSeconds = 0;
    if (!m.captured(7).isEmpty()) {
        offsetSeconds = m.captured(8).toInt() * 3600 + m.captured(9).toInt() * 60;
        if (m.captured(7) == QLatin1String("-"))
            offsetSeconds = -offsetSeconds;
    }
    const QTimeZone zone(offsetSeconds);
    const QDate date(fields[0], fields[1], fields[2]);
    const QTime time(fields[3], fields[4], fields[5]);
    if (!date.isValid() || !time.isValid()) {
        if (error)
            *error = QStringLiteral("'%1' is not a valid date and time").arg(text);
        return false;
    }
    const QDateTime begin(date, time, zone);
    *start = begin.toMSecsSinceEpoch();
    if (patternEnd) {
        QDateTime end = begin;
        switch (firstWild) {
        case 1:
            end = begin.addYears(1);
            break;
        case 2:
            end = begin.addMonths(1);
            break;
        case 3:
            end = begin.addDays(1);
            break;
        case 4:
            end = begin.addSecs(3600);
            break;
        case 5:
            end = begin.addSecs(60);
            break;
        default:
            end = begin.addSecs(1);
            break;
        }
        *patternEnd = end.toMSecsSinceEpoch();
    }
    return true;
}

} // namespace Rivulet::Runtime
