#include "cronexpression.h"

#include <QDate>
#include <QDateTime>
#include <QStringList>
#include <QTime>

namespace Rivulet::Runtime {

namespace {

int nameValue(const QString &item, const char *const *names, int count, int base)
{
    for (int i = 0; i < count; ++i) {
        if (item.compare(QLatin1String(names[i]), Qt::CaseInsensitive) == 0)
            return base + i;
    }
    return -1;
}

const char *const kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                               "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char *const kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec
{
    const char *name;
    int min;
    int max;
    const char *const *names = nullptr;
    int nameCount = 0;
    int nameBase = 0;
};

bool parseNumber(const QString &text, const FieldSpec &spec, int *value)
{
    bool ok = false;
    int v = text.toInt(&ok);
    if (!ok && spec.names) {
        v = nameValue(text, spec.names, spec.nameCount, spec.nameBase);
        ok = v >= 0;
    }
    if (!ok || v < spec.min || v > spec.max)
        return false;
    *value = v;
    return true;
}

// Parses a list of values, ranges and steps into `set` (indexed by value).
template<class Set>
bool parseList(const QString &field, const FieldSpec &spec, Set *set, QString *error)
{
    auto fail = [&](const QString &item) {
        *error = QStringLiteral("'%1' is not a valid %2").arg(item, QLatin1String(spec.name));
        return false;
    };
    for (const QString &item : field.split(u',')) {
        if (item.isEmpty())
            return fail(field);
        QString range = item;
        int step = 1;
        const qsizetype slash = item.indexOf(u'/');
        if (slash >= 0) {
            bool ok = false;
            step = item.mid(slash + 1).toInt(&ok);
            if (!ok || step <= 0)
                return fail(item);
            range = item.left(slash);
        }
        int from = spec.min;
        int to = spec.max;
        if (range == QLatin1String("*") || range == QLatin1String("?")) {
            // every value
        } else if (const qsizetype dash = range.indexOf(u'-'); dash > 0) {
            if (!parseNumber(range.left(dash), spec, &from)
                || !parseNumber(range.mid(dash + 1), spec, &to))
                return fail(item);
        } else {
            if (!parseNumber(range, spec, &from))
                return fail(item);
            to = slash >= 0 ? spec.max : from;
        }
        if (to >= from) {
            for (int v = from; v <= to; v += step)
                set->set(size_t(v));
        } else {
            // Quartz wraps a range such as FRI-MON or 22-2 around the end of the field.
            const int span = spec.max - spec.min + 1;
            for (int v = from; v <= to + span; v += step)
                set->set(size_t(v > spec.max ? v - span : v));
        }
    }
    return true;
}

int daysInMonth(int year, int month)
{
    return QDate(year, month, 1).daysInMonth();
}

// Quartz numbers the days of the week from Sunday = 1.
int quartzDayOfWeek(const QDate &date)
{
    return date.dayOfWeek() % 7 + 1;
}

} // namespace

bool CronExpression::parse(const QString &text, QString *error)
{
    m_text = text;
    const QStringList fields = text.simplified().split(u' ', Qt::SkipEmptyParts);
    if (fields.size() < 6 || fields.size() > 7) {
        *error = QStringLiteral("a cron expression has 6 or 7 fields (seconds minutes hours "
                                "day-of-month month day-of-week [year]), found %1")
                     .arg(fields.size());
        return false;
    }
    const FieldSpec seconds{"second", 0, 59};
    const FieldSpec minutes{"minute", 0, 59};
    const FieldSpec hours{"hour", 0, 23};
    const FieldSpec dom{"day of the month", 1, 31};
    const FieldSpec months{"month", 1, 12, kMonths, 12, 1};
    const FieldSpec dow{"day of the week", 1, 7, kDays, 7, 1};
    const FieldSpec years{"year", kFirstYear, kLastYear};
    if (!parseList(fields[0], seconds, &m_seconds, error)
        || !parseList(fields[1], minutes, &m_minutes, error)
        || !parseList(fields[2], hours, &m_hours, error)
        || !parseList(fields[4], months, &m_months, error))
        return false;

    const QString dayOfMonth = fields[3].toUpper();
    const QString dayOfWeek = fields[5].toUpper();
    const bool domAny = dayOfMonth == QLatin1String("?");
    const bool dowAny = dayOfWeek == QLatin1String("?");
    if (domAny == dowAny) {
        *error = QStringLiteral("one of day-of-month and day-of-week must be '?' (and only one), "
                                "as in '0 0 12 * * ?'");
        return false;
    }
    m_dayOfMonthGiven = !domAny;
    if (m_dayOfMonthGiven) {
        if (dayOfMonth == QLatin1String("L")) {
            m_lastDayOfMonth = true;
        } else if (dayOfMonth == QLatin1String("LW")) {
            m_lastDayOfMonth = true;
            m_nearestWeekday = true;
        } else if (dayOfMonth.startsWith(QLatin1String("L-"))) {
            bool ok = false;
            m_lastDayOffset = dayOfMonth.mid(2).toInt(&ok);
            if (!ok || m_lastDayOffset < 0 || m_lastDayOffset > 30) {
                *error = QStringLiteral("'%1' is not a valid day of the month").arg(fields[3]);
                return false;
            }
            m_lastDayOfMonth = true;
        } else if (dayOfMonth.endsWith(u'W')) {
            bool ok = false;
            m_nearestWeekdayTo = dayOfMonth.chopped(1).toInt(&ok);
            if (!ok || m_nearestWeekdayTo < 1 || m_nearestWeekdayTo > 31) {
                *error = QStringLiteral("'%1' is not a valid day of the month").arg(fields[3]);
                return false;
            }
            m_nearestWeekday = true;
        } else if (!parseList(dayOfMonth, dom, &m_daysOfMonth, error)) {
            return false;
        }
    } else {
        if (dayOfWeek == QLatin1String("L")) {
            m_daysOfWeek.set(7);
        } else if (dayOfWeek.endsWith(u'L')) {
            if (!parseNumber(dayOfWeek.chopped(1), dow, &m_lastWeekdayOfMonth)) {
                *error = QStringLiteral("'%1' is not a valid day of the week").arg(fields[5]);
                return false;
            }
        } else if (const qsizetype hash = dayOfWeek.indexOf(u'#'); hash > 0) {
            bool ok = false;
            m_nth = dayOfWeek.mid(hash + 1).toInt(&ok);
            if (!ok || m_nth < 1 || m_nth > 5
                || !parseNumber(dayOfWeek.left(hash), dow, &m_nthWeekday)) {
                *error = QStringLiteral("'%1' is not a valid day of the week").arg(fields[5]);
                return false;
            }
        } else if (!parseList(dayOfWeek, dow, &m_daysOfWeek, error)) {
            return false;
        }
    }
    m_years.clear();
    if (fields.size() == 7 && fields[6] != QLatin1String("*")) {
        std::bitset<kLastYear + 1> set;
        if (!parseList(fields[6], years, &set, error))
            return false;
        m_years.assign(size_t(kLastYear - kFirstYear + 1), false);
        for (int y = kFirstYear; y <= kLastYear; ++y)
            m_years[size_t(y - kFirstYear)] = set.test(size_t(y));
    }
    return true;
}

bool CronExpression::dayMatches(int year, int month, int day) const
{
    const QDate date(year, month, day);
    const int last = daysInMonth(year, month);
    if (m_dayOfMonthGiven) {
        if (m_nearestWeekday) {
            // The weekday nearest to the given day (or the last day), within the month.
            int target = m_lastDayOfMonth ? last : std::min(m_nearestWeekdayTo, last);
            const int dow = quartzDayOfWeek(QDate(year, month, target));
            if (dow == 7) // Saturday: Friday, or Monday when Friday is in the month before
                target = target == 1 ? target + 2 : target - 1;
            else if (dow == 1) // Sunday: Monday, or Friday when Monday is in the next month
                target = target == last ? target - 2 : target + 1;
            return day == target;
        }
        if (m_lastDayOfMonth)
            return day == last - m_lastDayOffset;
        return m_daysOfMonth.test(size_t(day));
    }
    const int dow = quartzDayOfWeek(date);
    if (m_lastWeekdayOfMonth)
        return dow == m_lastWeekdayOfMonth && day + 7 > last;
    if (m_nthWeekday)
        return dow == m_nthWeekday && (day - 1) / 7 + 1 == m_nth;
    return m_daysOfWeek.test(size_t(dow));
}

int64_t CronExpression::nextAfter(int64_t afterMs) const
{
    // Quartz: the next second after the given time.
    int64_t startSeconds = afterMs >= 0 ? afterMs / 1000 : (afterMs - 999) / 1000;
    ++startSeconds;
    const QDateTime start = QDateTime::fromSecsSinceEpoch(startSeconds);
    QDate date = start.date();
    int hour = start.time().hour();
    int minute = start.time().minute();
    int second = start.time().second();

    auto nextSet = [](const auto &set, int from, int max) {
        for (int v = from; v <= max; ++v) {
            if (set.test(size_t(v)))
                return v;
        }
        return -1;
    };
    for (int guard = 0; guard < 200000; ++guard) {
        const int year = date.year();
        if (year > kLastYear)
            return -1;
        if (!m_years.empty() && (year < kFirstYear || !m_years[size_t(year - kFirstYear)])) {
            date = QDate(year + 1, 1, 1);
            hour = minute = second = 0;
            continue;
        }
        if (!m_months.test(size_t(date.month()))) {
            const int m = nextSet(m_months, date.month() + 1, 12);
            date = m < 0 ? QDate(year + 1, 1, 1) : QDate(year, m, 1);
            hour = minute = second = 0;
            continue;
        }
        if (!dayMatches(year, date.month(), date.day())) {
            date = date.addDays(1);
            hour = minute = second = 0;
            continue;
        }
        const int h = nextSet(m_hours, hour, 23);
        if (h < 0) {
            date = date.addDays(1);
            hour = minute = second = 0;
            continue;
        }
        if (h != hour) {
            hour = h;
            minute = second = 0;
        }
        const int mi = nextSet(m_minutes, minute, 59);
        if (mi < 0) {
            ++hour;
            minute = second = 0;
            if (hour > 23) {
                date = date.addDays(1);
                hour = 0;
            }
            continue;
        }
        if (mi != minute) {
            minute = mi;
            second = 0;
        }
        const int s = nextSet(m_seconds, second, 59);
        if (s < 0) {
            ++minute;
            second = 0;
            if (minute > 59) {
                minute = 0;
                ++hour;
                if (hour > 23) {
                    date = date.addDays(1);
                    hour = 0;
                }
            }
            continue;
        }
        const QDateTime fire(date, QTime(hour, minute, s));
        const int64_t ms = fire.toMSecsSinceEpoch();
        if (ms <= afterMs) {
            // A local time repeated when the clocks go back: look one second later.
            second = s + 1;
            if (second > 59) {
                second = 0;
                ++minute;
            }
            continue;
        }
        return ms;
    }
    return -1;
}

} // namespace Rivulet::Runtime
