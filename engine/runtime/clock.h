#pragma once

#include <QString>

#include <cstdint>
#include <functional>
#include <vector>

namespace Rivulet::Runtime {

// Where time comes from. The wall clock by default; a virtual clock for playback, replays and
// tests, so every time-based behaviour can be driven instead of waited for.
class Clock
{
public:
    virtual ~Clock();
    virtual int64_t now() const = 0;
    virtual bool isVirtual() const { return false; }
};

class WallClock final : public Clock
{
public:
    int64_t now() const override;
};

class VirtualClock final : public Clock
{
public:
    explicit VirtualClock(int64_t start = 0)
        : m_now(start)
    {}
    int64_t now() const override { return m_now; }
    bool isVirtual() const override { return true; }
    void set(int64_t t) { m_now = t; }

private:
    int64_t m_now;
};

// Something that wants to be told when a time has come (windows expiring events, output rate
// limiters, absent patterns, triggers).
class TimerTarget
{
public:
    virtual ~TimerTarget();
    // Called under the app's processing lock, in time order. `at` is the time asked for.
    virtual void onTimer(int64_t at) = 0;
};

// The timers of one app. Targets ask for a time; whoever drives the clock fires what is due
// (the app's timer thread for the wall clock, the input for playback and tests).
class Scheduler
{
public:
    void notifyAt(TimerTarget *target, int64_t at);
    void cancel(TimerTarget *target);
    // The earliest time asked for, or INT64_MAX.
    int64_t nextTime() const;
    // Pops the earliest timer due at or before `until`; false when there is none.
    bool popDue(int64_t until, TimerTarget **target, int64_t *at);
    bool empty() const { return m_timers.empty(); }
    std::function<void()> onChange; // wakes the timer thread when an earlier time is asked for

private:
    struct Timer
    {
        int64_t at;
        uint64_t seq; // keeps timers of one time in the order they were asked for
        TimerTarget *target;
        bool operator>(const Timer &o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };
    // A binary min-heap: asking for a time is a push without allocation in steady state.
    // The same target may be asked for the same time twice; firing it twice is harmless
    // (targets check what is due), so no duplicate search on the hot path.
    std::vector<Timer> m_timers;
    uint64_t m_seq = 0;
};

} // namespace Rivulet::Runtime
