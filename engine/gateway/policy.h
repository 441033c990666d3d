#pragma once

#include <QList>
#include <QString>

#include <cstdint>

namespace Rivulet::Gateway {

enum class TimeUnit { Second, Minute, Hour, Day, Month };

QString timeUnitName(TimeUnit unit);
bool parseTimeUnit(const QString &text, TimeUnit *unit);

// A subscription throttling policy (WSO2's subscription tiers for async APIs): an event quota
// per time window, an optional burst limit, what happens past them, and the price of the events
// for monetization. Windows are fixed and aligned to UTC (a day runs from 00:00 UTC; a month is
// the calendar month).
struct ThrottlePolicy
{
    QString name;
    QString description;
    int64_t count = 0; // events per window; 0 = unlimited
    TimeUnit timeUnit = TimeUnit::Day;
    int unitTime = 1;       // window length in units ("5 per 10 minutes": count 5, minute, 10)
    int64_t burstCount = 0; // events per burst window; 0 = no burst limit
    TimeUnit burstUnit = TimeUnit::Second;
    enum class Action { Close, Drop };
    Action onQuota = Action::Close; // past the quota: close the connections, or drop events
    Action onBurst = Action::Drop;  // past the burst limit (a spike, not the subscriber's fault)

    // Monetization: `price` per `pricePerEvents` events beyond `freeEvents` in a billing month.
    double price = 0;
    int64_t pricePerEvents = 1000;
    int64_t freeEvents = 0;
    QString currency = QStringLiteral("USD");

    bool unlimited() const { return count <= 0; }
};

// AsyncGold 50,000 events/day, AsyncSilver 25,000/day, AsyncBronze 5,000/day, AsyncUnlimited.
QList<ThrottlePolicy> defaultPolicies();

// The start of the window holding `nowMs` (epoch ms, UTC), and the start of the next one.
int64_t windowStart(TimeUnit unit, int unitTime, int64_t nowMs);
int64_t windowEnd(TimeUnit unit, int unitTime, int64_t nowMs);

// A subscription's counters in its current windows.
struct QuotaCounter
{
    int64_t windowStart = -1;
    int64_t count = 0; // events admitted in the window
    int64_t burstStart = -1;
    int64_t burstCount = 0;
};

enum class Admission { Admitted, OverQuota, OverBurst };

// Admits `events` deliveries at once (all or none: one broadcast goes to every connection of a
// subscription on a topic) and counts them when admitted.
Admission admit(const ThrottlePolicy &policy, QuotaCounter &counter, int64_t events, int64_t nowMs);
// True when the quota window is used up (for refusing new connections of a closed subscriber).
bool quotaExhausted(const ThrottlePolicy &policy, const QuotaCounter &counter, int64_t nowMs);

} // namespace Rivulet::Gateway
