#pragma once

#include <QString>
#include <QTimeZone>

#include <bitset>
#include <cstdint>
#include <vector>

namespace Rivulet::Runtime {

// A Quartz cron expression, as Siddhi's cron triggers and #window.cron take them:
//   seconds minutes hours day-of-month month day-of-week [year]
// Fields take *, ?, lists (a,b), ranges (a-b), steps (a/n, */n, a-b/n), month names (JAN-DEC)
// and day names (SUN-SAT, 1 = Sunday). Day-of-month also takes L, L-n, nW and LW; day-of-week
// takes nL (the last such day of the month) and n#k (the k-th such day). As in Quartz, exactly
// one of day-of-month and day-of-week is '?'. Precision is one second; times are evaluated in
// a time zone (the system's by default, as Quartz uses the JVM's).
class CronExpression
{
public:
    CronExpression() = default;

    // Parses text; on failure returns false with a message naming the field.
    bool parse(const QString &text, QString *error);
    bool isValid() const { return m_valid; }
    QString text() const { return m_text; }

    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }

    // The first time (ms since the epoch) strictly after t at which the expression fires, on a
    // whole second; -1 when there is none (a year list that has ended).
    int64_t nextAfter(int64_t t) const;

    // True when the expression fires at the second that holds t.
    bool matches(int64_t t) const;

private:
    struct DaySpec
    {
        bool any = true;          // '?' or '*'
        std::bitset<32> days;     // day of month 1..31, or day of week 1..7 (Sunday = 1)
        bool last = false;        // L (day of month), nL (day of week: last n-day)
        int lastOffset = 0;       // L-n
        bool lastWeekday = false; // LW
        int nearestWeekday = 0;   // nW
        int nth = 0;              // n#k: k
    };

    bool parseField(const QString &field, int min, int max, std::bitset<64> *bits, int kind,
                    QString *error) const;
    bool parseDayOfMonth(const QString &field, QString *error);
    bool parseDayOfWeek(const QString &field, QString *error);
    bool dayMatches(int year, int month, int day) const;

    bool m_valid = false;
    QString m_text;
    QTimeZone m_zone = QTimeZone::systemTimeZone();
    std::bitset<64> m_seconds;
    std::bitset<64> m_minutes;
    std::bitset<64> m_hours;
    std::bitset<64> m_months; // 1..12
    DaySpec m_dom;
    DaySpec m_dow;
    bool m_domGiven = false; // not '?'
    bool m_dowGiven = false;
    bool m_anyYear = true;
    std::vector<int> m_years; // sorted, when a year field restricts them
};

} // namespace Rivulet::Runtime
