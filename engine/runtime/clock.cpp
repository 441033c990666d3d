#include "clock.h"

#include <QDateTime>

#include <limits>

namespace Rivulet::Runtime {

Clock::~Clock() = default;
TimerTarget::~TimerTarget() = default;

int64_t WallClock::now() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

void Scheduler::notifyAt(TimerTarget *target, int64_t at)
{
    // One pending timer per target and time is enough.
    auto range = m_timers.equal_range(at);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == target)
            return;
    }
    const bool earliest = m_timers.empty() || at < m_timers.begin()->first;
    m_timers.emplace(at, target);
    if (earliest && onChange)
        onChange();
}

void Scheduler::cancel(TimerTarget *target)
{
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second == target)
            it = m_timers.erase(it);
        else
            ++it;
    }
}

int64_t Scheduler::nextTime() const
{
    return m_timers.empty() ? std::numeric_limits<int64_t>::max() : m_timers.begin()->first;
}

bool Scheduler::popDue(int64_t until, TimerTarget **target, int64_t *at)
{
    if (m_timers.empty() || m_timers.begin()->first > until)
        return false;
    auto it = m_timers.begin();
    *at = it->first;
    *target = it->second;
    m_timers.erase(it);
    return true;
}

} // namespace Rivulet::Runtime
