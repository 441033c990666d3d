#pragma once

#include <QString>

#include <bitset>
#include <cstdint>
#include <vector>

namespace Rivulet::Runtime {

// A Quartz cron expression, as Siddhi's cron window and cron triggers take them:
//   seconds minutes hours day-of-month month day-of-week [year]
// with * ? , - / in every field, JAN-DEC and SUN-SAT names, L, L-n, nW and LW in the day of
// the month, nL and n#k in the day of the week (1 = Sunday). Exactly one of the two day
// fields must be '?', as Quartz requires. Times are evaluated in the local time zone, as
// Quartz does by default, with seconds precision.
class CronExpression
{
public:
    // Parses text; on failure returns false with a message naming the field.
    bool parse(const QString &text, QString *error);
    // The first time strictly after `afterMs` (milliseconds since the epoch) that matches, in
    // milliseconds, or -1 when there is none (a year list in the past).
    int64_t nextAfter(int64_t afterMs) const;
    const QString &text() const { return m_text; }

private:
    bool dayMatches(int year, int month, int day) const;

    QString m_text;
    std::bitset<60> m_seconds;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<13> m_months;       // 1..12
    std::bitset<32> m_daysOfMonth;  // 1..31
    std::bitset<8> m_daysOfWeek;    // 1..7, Sunday = 1
    std::vector<bool> m_years;      // index: year - kFirstYear; empty: every year
    bool m_dayOfMonthGiven = false; // else day of week decides
    bool m_lastDayOfMonth = false;  // L, L-n
    int m_lastDayOffset = 0;
    bool m_nearestWeekday = false; // nW, LW
    int m_nearestWeekdayTo = 0;    // the n of nW; 0 with m_lastDayOfMonth for LW
    int m_lastWeekdayOfMonth = 0;  // nL: the last n-day of the month
    int m_nthWeekday = 0;          // n#k: day n...
    int m_nth = 0;                 // ...the k-th of the month

    static constexpr int kFirstYear = 1970;
    static constexpr int kLastYear = 2199;
};

} // namespace Rivulet::Runtime
