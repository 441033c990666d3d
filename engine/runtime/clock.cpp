#include "clock.h"

#include <QDateTime>

#include <algorithm>
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
    const bool earliest = m_timers.empty() || at < m_timers.front().at;
    m_timers.push_back({at, m_seq++, target});
    std::push_heap(m_timers.begin(), m_timers.end(), std::greater<Timer>());
    if (earliest && onChange)
        onChange();
}

void Scheduler::cancel(TimerTarget *target)
{
    m_timers.erase(std::remove_if(m_timers.begin(), m_timers.end(),
                                  [target](const Timer &t) { return t.target == target; }),
                   m_timers.end());
    std::make_heap(m_timers.begin(), m_timers.end(), std::greater<Timer>());
}

int64_t Scheduler::nextTime() const
{
    return m_timers.empty() ? std::numeric_limits<int64_t>::max() : m_timers.front().at;
}

bool Scheduler::popDue(int64_t until, TimerTarget **target, int64_t *at)
{
    if (m_timers.empty() || m_timers.front().at > until)
        return false;
    std::pop_heap(m_timers.begin(), m_timers.end(), std::greater<Timer>());
    const Timer t = m_timers.back();
    m_timers.pop_back();
    // Drop later copies of the same request.
    while (!m_timers.empty() && m_timers.front().at == t.at
           && m_timers.front().target == t.target) {
        std::pop_heap(m_timers.begin(), m_timers.end(), std::greater<Timer>());
        m_timers.pop_back();
    }
    *at = t.at;
    *target = t.target;
    return true;
}

} // namespace Rivulet::Runtime
