// Quartz cron expressions (seconds precision): parsing and the next fire time.
#include "cron.h"

#include <QDate>
#include <QDateTime>
#include <QStringList>
#include <QTime>

#include <algorithm>

namespace Rivulet::Runtime {

namespace {

enum FieldKind { Numeric, Month, DayOfWeek, Year };

const char *const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char *const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// A number or (for months and days of week) a name; -1 when it is neither.
int fieldValue(const QString &text, int kind)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (ok)
        return n;
    const QString upper = text.toUpper();
    if (kind == Month) {
        for (int i = 0; i < 12; ++i) {
            if (upper == QLatin1String(kMonthNames[i]))
                return i + 1;
        }
    } else if (kind == DayOfWeek) {
        for (int i = 0; i < 7; ++i) {
            if (upper == QLatin1String(kDayNames[i]))
                return i + 1;
        }
    }
    return -1;
}

int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Quartz's day of week: Sunday = 1 ... Saturday = 7.
int quartzDayOfWeek(const QDate &d)
{
    return d.dayOfWeek() % 7 + 1;
}

} // namespace

bool CronExpression::parseField(const QString &field, int min, int max, std::bitset<64> *bits,
                                int kind, QString *error) const
{
    bits->reset();
    const QStringList items = field.split(u',');
    for (const QString &rawItem : items) {
        QString item = rawItem.trimmed();
        if (item.isEmpty()) {
            *error = QStringLiteral("empty value in '%1'").arg(field);
            return false;
        }
        int step = 1;
        const qsizetype slash = item.indexOf(u'/');
        if (slash >= 0) {
            bool ok = false;
            step = item.mid(slash + 1).toInt(&ok);
            if (!ok || step <= 0) {
                *error = QStringLiteral("'%1' has no valid step after '/'").arg(item);
                return false;
            }
            item = item.left(slash);
        }
        int from = min;
        int to = max;
        if (item == QLatin1String("*") || item == QLatin1String("?")) {
            // every value
        } else {
            const qsizetype dash = item.indexOf(u'-');
            if (dash > 0) {
                from = fieldValue(item.left(dash), kind);
                to = fieldValue(item.mid(dash + 1), kind);
            } else {
                from = fieldValue(item, kind);
                // 'a/n' runs from a to the end of the range; a lone value is itself.
                to = slash >= 0 ? max : from;
            }
            if (from < min || from > max || to < min || to > max) {
                *error = QStringLiteral("'%1' is outside %2-%3").arg(item).arg(min).arg(max);
                return false;
            }
        }
        if (from <= to) {
            for (int v = from; v <= to; v += step)
                bits->set(size_t(v - (kind == Year ? min : 0)));
        } else {
            // A range that wraps around (FRI-MON, 22-2), as Quartz allows.
            const int span = max - min + 1;
            for (int k = 0; k <= (to + span - from); k += step) {
                const int v = min + (from - min + k) % span;
                bits->set(size_t(v - (kind == Year ? min : 0)));
            }
        }
    }
    return true;
}

bool CronExpression::parseDayOfMonth(const QString &field, QString *error)
{
    m_dom = DaySpec();
    if (field == QLatin1String("?")) {
        m_domGiven = false;
        return true;
    }
    m_domGiven = true;
    const QString f = field.toUpper();
    if (f == QLatin1String("*")) {
        return true;
    }
    m_dom.any = false;
    if (f == QLatin1String("LW")) {
        m_dom.lastWeekday = true;
        return true;
    }
    if (f.startsWith(u'L')) {
        m_dom.last = true;
        if (f.size() > 1) {
            bool ok = false;
            const int offset = f.mid(1).startsWith(u'-') ? f.mid(2).toInt(&ok) : -1;
            if (!ok || offset < 0 || offset > 30) {
                *error = QStringLiteral("day-of-month '%1' is not L or L-n").arg(field);
                return false;
            }
            m_dom.lastOffset = offset;
        }
        return true;
    }
    if (f.endsWith(u'W')) {
        bool ok = false;
        const int day = f.chopped(1).toInt(&ok);
        if (!ok || day < 1 || day > 31) {
            *error = QStringLiteral("day-of-month '%1' is not nW with n in 1-31").arg(field);
            return false;
        }
        m_dom.nearestWeekday = day;
        return true;
    }
    std::bitset<64> bits;
    if (!parseField(f, 1, 31, &bits, Numeric, error)) {
        *error = QStringLiteral("day-of-month: ") + *error;
        return false;
    }
    for (int d = 1; d <= 31; ++d)
        m_dom.days.set(size_t(d), bits.test(size_t(d)));
    return true;
}

bool CronExpression::parseDayOfWeek(const QString &field, QString *error)
{
    m_dow = DaySpec();
    if (field == QLatin1String("?")) {
        m_dowGiven = false;
        return true;
    }
    m_dowGiven = true;
    const QString f = field.toUpper();
    if (f == QLatin1String("*"))
        return true;
    m_dow.any = false;
    if (f == QLatin1String("L")) {
        m_dow.days.set(7); // Quartz: 'L' alone is Saturday
        return true;
    }
    if (f.size() > 1 && f.endsWith(u'L')) {
        const int day = fieldValue(f.chopped(1), DayOfWeek);
        if (day < 1 || day > 7) {
            *error = QStringLiteral("day-of-week '%1' is not nL with n in 1-7").arg(field);
            return false;
        }
        m_dow.last = true;
        m_dow.days.set(size_t(day));
        return true;
    }
    if (const qsizetype hash = f.indexOf(u'#'); hash > 0) {
        const int day = fieldValue(f.left(hash), DayOfWeek);
        bool ok = false;
        const int nth = f.mid(hash + 1).toInt(&ok);
        if (day < 1 || day > 7 || !ok || nth < 1 || nth > 5) {
            *error = QStringLiteral("day-of-week '%1' is not n#k (n in 1-7, k in 1-5)").arg(field);
            return false;
        }
        m_dow.days.set(size_t(day));
        m_dow.nth = nth;
        return true;
    }
    std::bitset<64> bits;
    if (!parseField(f, 1, 7, &bits, DayOfWeek, error)) {
        *error = QStringLiteral("day-of-week: ") + *error;
        return false;
    }
    for (int d = 1; d <= 7; ++d)
        m_dow.days.set(size_t(d), bits.test(size_t(d)));
    return true;
}

bool CronExpression::parse(const QString &text, QString *error)
{
    QString scratch;
    if (!error)
        error = &scratch;
    m_valid = false;
    m_text = text.trimmed();
    const QStringList fields = m_text.split(u' ', Qt::SkipEmptyParts);
    if (fields.size() < 6 || fields.size() > 7) {
        *error = QStringLiteral("a cron expression has 6 or 7 fields (seconds minutes hours "
                                "day-of-month month day-of-week [year]), '%1' has %2")
                     .arg(m_text)
                     .arg(fields.size());
        return false;
    }
    auto numeric = [&](int index, int min, int max, std::bitset<64> *bits, const char *name) {
        if (fields[index] == QLatin1String("?")) {
            *error = QStringLiteral("'?' can only be used for day-of-month or day-of-week");
            return false;
        }
        if (!parseField(fields[index], min, max, bits, Numeric, error)) {
            *error = QLatin1String(name) + QStringLiteral(": ") + *error;
            return false;
        }
        return true;
    };
    if (!numeric(0, 0, 59, &m_seconds, "seconds") || !numeric(1, 0, 59, &m_minutes, "minutes")
        || !numeric(2, 0, 23, &m_hours, "hours"))
        return false;
    if (!parseDayOfMonth(fields[3], error))
        return false;
    if (fields[4] == QLatin1String("?")) {
        *error = QStringLiteral("'?' can only be used for day-of-month or day-of-week");
        return false;
    }
    if (!parseField(fields[4], 1, 12, &m_months, Month, error)) {
        *error = QStringLiteral("month: ") + *error;
        return false;
    }
    if (!parseDayOfWeek(fields[5], error))
        return false;
    if (m_domGiven == m_dowGiven) {
        // Quartz's rule: one of the two must be '?'.
        *error = QStringLiteral("give either a day-of-month or a day-of-week and '?' for the "
                                "other, as in '0 0 12 * * ?'");
        return false;
    }
    m_anyYear = true;
    m_years.clear();
    if (fields.size() == 7 && fields[6] != QLatin1String("*")) {
        // Years 1970-2099 do not fit 64 bits: parse them item by item.
        m_anyYear = false;
        for (const QString &item : fields[6].split(u',')) {
            int step = 1;
            QString range = item;
            if (const qsizetype slash = item.indexOf(u'/'); slash >= 0) {
                step = item.mid(slash + 1).toInt();
                range = item.left(slash);
            }
            int from = 1970, to = 2099;
            bool ok1 = true, ok2 = true;
            if (range != QLatin1String("*")) {
                const qsizetype dash = range.indexOf(u'-');
                if (dash > 0) {
                    from = range.left(dash).toInt(&ok1);
                    to = range.mid(dash + 1).toInt(&ok2);
                } else {
                    from = range.toInt(&ok1);
                    to = item.contains(u'/') ? 2099 : from;
                }
            }
            if (!ok1 || !ok2 || step <= 0 || from < 1970 || to > 2099 || from > to) {
                *error = QStringLiteral("year: '%1' is not a year or range in 1970-2099").arg(item);
                return false;
            }
            for (int y = from; y <= to; y += step)
                m_years.push_back(y);
        }
        std::sort(m_years.begin(), m_years.end());
        m_years.erase(std::unique(m_years.begin(), m_years.end()), m_years.end());
    }
    m_valid = true;
    return true;
}

bool CronExpression::dayMatches(int year, int month, int day) const
{
    const QDate date(year, month, day);
    const int dim = date.daysInMonth();
    if (m_domGiven) {
        const DaySpec &s = m_dom;
        if (s.any)
            return true;
        if (s.lastWeekday) {
            int d = dim;
            while (QDate(year, month, d).dayOfWeek() > 5)
                --d;
            return day == d;
        }
        if (s.last)
            return day == dim - s.lastOffset;
        if (s.nearestWeekday > 0) {
            int target = std::min(s.nearestWeekday, dim);
            const int dow = QDate(year, month, target).dayOfWeek(); // 6 Sat, 7 Sun
            if (dow == 6)
                target = target == 1 ? 3 : target - 1;
            else if (dow == 7)
                target = target == dim ? target - 2 : target + 1;
            return day == target;
        }
        return s.days.test(size_t(day));
    }
    const DaySpec &s = m_dow;
    if (s.any)
        return true;
    const int q = quartzDayOfWeek(date);
    if (!s.days.test(size_t(q)))
        return false;
    if (s.last)
        return day + 7 > dim;
    if (s.nth > 0)
        return (day - 1) / 7 + 1 == s.nth;
    return true;
}

int64_t CronExpression::nextAfter(int64_t t) const
{
    if (!m_valid)
        return -1;
    const int64_t start = floorDiv(t, 1000) * 1000 + 1000;
    const QDateTime first = QDateTime::fromMSecsSinceEpoch(start, m_zone);
    int y = first.date().year(), mo = first.date().month(), d = first.date().day();
    int h = first.time().hour(), mi = first.time().minute(), s = first.time().second();

    auto daysIn = [](int year, int month) { return QDate(year, month, 1).daysInMonth(); };
    // Carries overflowing fields into the next larger one.
    auto normalize = [&] {
        if (s > 59) {
            s = 0;
            ++mi;
        }
        if (mi > 59) {
            mi = 0;
            ++h;
        }
        if (h > 23) {
            h = 0;
            ++d;
        }
        if (d > daysIn(y, mo)) {
            d = 1;
            ++mo;
        }
        if (mo > 12) {
            mo = 1;
            ++y;
        }
    };
    auto nextSet = [](const std::bitset<64> &bits, int from, int max) {
        for (int v = from; v <= max; ++v) {
            if (bits.test(size_t(v)))
                return v;
        }
        return -1;
    };

    for (int guard = 0; guard < 200000; ++guard) {
        if (y > 2299)
            return -1;
        if (!m_anyYear) {
            auto it = std::lower_bound(m_years.begin(), m_years.end(), y);
            if (it == m_years.end())
                return -1;
            if (*it != y) {
                y = *it;
                mo = 1;
                d = 1;
                h = mi = s = 0;
            }
        }
        if (!m_months.test(size_t(mo))) {
            const int next = nextSet(m_months, mo + 1, 12);
            if (next < 0) {
                ++y;
                mo = nextSet(m_months, 1, 12);
            } else {
                mo = next;
            }
            d = 1;
            h = mi = s = 0;
            continue;
        }
        if (!dayMatches(y, mo, d)) {
            ++d;
            h = mi = s = 0;
            normalize();
            continue;
        }
        if (!m_hours.test(size_t(h))) {
            const int next = nextSet(m_hours, h + 1, 23);
            if (next < 0) {
                h = 24;
            } else {
                h = next;
            }
            mi = s = 0;
            normalize();
            continue;
        }
        if (!m_minutes.test(size_t(mi))) {
            const int next = nextSet(m_minutes, mi + 1, 59);
            mi = next < 0 ? 60 : next;
            s = 0;
            normalize();
            continue;
        }
        if (!m_seconds.test(size_t(s))) {
            const int next = nextSet(m_seconds, s + 1, 59);
            s = next < 0 ? 60 : next;
            normalize();
            continue;
        }
        const int64_t at = QDateTime(QDate(y, mo, d), QTime(h, mi, s), m_zone).toMSecsSinceEpoch();
        if (at > t)
            return at;
        // A local time repeated by a daylight saving change: look further.
        ++s;
        normalize();
    }
    return -1;
}

bool CronExpression::matches(int64_t t) const
{
    const int64_t second = floorDiv(t, 1000) * 1000;
    return nextAfter(second - 1) == second;
}

} // namespace Rivulet::Runtime
