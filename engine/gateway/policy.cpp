#include "policy.h"

#include <QDateTime>
#include <QTimeZone>

namespace Rivulet::Gateway {

QString timeUnitName(TimeUnit unit)
{
    switch (unit) {
    case TimeUnit::Second:
        return QStringLiteral("second");
    case TimeUnit::Minute:
        return QStringLiteral("minute");
    case TimeUnit::Hour:
        return QStringLiteral("hour");
    case TimeUnit::Day:
        return QStringLiteral("day");
    case TimeUnit::Month:
        return QStringLiteral("month");
    }
    return QString();
}

bool parseTimeUnit(const QString &text, TimeUnit *unit)
{
    QString t = text.trimmed().toLower();
    if (t.endsWith(u's'))
        t.chop(1);
    if (t == QLatin1String("second") || t == QLatin1String("sec"))
        *unit = TimeUnit::Second;
    else if (t == QLatin1String("minute") || t == QLatin1String("min"))
        *unit = TimeUnit::Minute;
    else if (t == QLatin1String("hour"))
        *unit = TimeUnit::Hour;
    else if (t == QLatin1String("day"))
        *unit = TimeUnit::Day;
    else if (t == QLatin1String("month"))
        *unit = TimeUnit::Month;
    else
        return false;
    return true;
}

QList<ThrottlePolicy> defaultPolicies()
{
    QList<ThrottlePolicy> list;
    auto add = [&](const char *name, int64_t count, const char *description) {
        ThrottlePolicy p;
        p.name = QString::fromLatin1(name);
        p.count = count;
        p.timeUnit = TimeUnit::Day;
        p.description = QString::fromLatin1(description);
        list << p;
    };
    add("AsyncGold", 50000, "50,000 events a day");
    add("AsyncSilver", 25000, "25,000 events a day");
    add("AsyncBronze", 5000, "5,000 events a day");
    add("AsyncUnlimited", 0, "unlimited events");
    return list;
}

namespace {

int64_t unitMs(TimeUnit unit)
{
    switch (unit) {
    case TimeUnit::Second:
        return 1000;
    case TimeUnit::Minute:
        return 60 * 1000;
    case TimeUnit::Hour:
        return 3600 * 1000;
    case TimeUnit::Day:
        return 86400 * 1000;
    case TimeUnit::Month:
        break;
    }
    return 0;
}

// Months since 1970-01 of the UTC date holding ms.
int64_t monthIndex(int64_t ms)
{
    const QDate d = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
    return int64_t(d.year() - 1970) * 12 + (d.month() - 1);
}

int64_t monthStartMs(int64_t index)
{
    const int year = int(1970 + index / 12);
    const int month = int(index % 12) + 1;
    return QDateTime(QDate(year, month, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

} // namespace

int64_t windowStart(TimeUnit unit, int unitTime, int64_t nowMs)
{
    const int64_t n = std::max(1, unitTime);
    if (unit == TimeUnit::Month) {
        const int64_t m = monthIndex(nowMs);
        return monthStartMs(m - m % n);
    }
    const int64_t len = unitMs(unit) * n;
    const int64_t q = nowMs >= 0 ? nowMs / len : (nowMs - len + 1) / len;
    return q * len;
}

int64_t windowEnd(TimeUnit unit, int unitTime, int64_t nowMs)
{
    const int64_t n = std::max(1, unitTime);
    if (unit == TimeUnit::Month) {
        const int64_t m = monthIndex(nowMs);
        return monthStartMs(m - m % n + n);
    }
    return windowStart(unit, unitTime, nowMs) + unitMs(unit) * n;
}

Admission admit(const ThrottlePolicy &policy, QuotaCounter &counter, int64_t events, int64_t nowMs)
{
    if (events <= 0)
        return Admission::Admitted;
    // Unlimited policies keep a daily window too: the count is reported, never enforced.
    const int64_t start = windowStart(policy.timeUnit, policy.unitTime, nowMs);
    if (start != counter.windowStart) {
        counter.windowStart = start;
        counter.count = 0;
    }
    if (!policy.unlimited() && counter.count + events > policy.count)
        return Admission::OverQuota;
    if (policy.burstCount > 0) {
        const int64_t burst = windowStart(policy.burstUnit, 1, nowMs);
        if (burst != counter.burstStart) {
            counter.burstStart = burst;
            counter.burstCount = 0;
        }
        if (counter.burstCount + events > policy.burstCount)
            return Admission::OverBurst;
        counter.burstCount += events;
    }
    counter.count += events;
    return Admission::Admitted;
}

bool quotaExhausted(const ThrottlePolicy &policy, const QuotaCounter &counter, int64_t nowMs)
{
    if (policy.unlimited())
        return false;
    if (windowStart(policy.timeUnit, policy.unitTime, nowMs) != counter.windowStart)
        return false;
    return counter.count >= policy.count;
}

} // namespace Rivulet::Gateway
