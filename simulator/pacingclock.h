#pragma once

#include <QPointer>

#include <cstdint>
#include <functional>

class QObject;
class QTimer;

namespace Rivulet::Simulator {

// The time a simulation paces its sends by, in nanoseconds, and the way it waits. The steady
// clock waits with a timer in the simulation's event loop; tests give a clock of their own that
// moves time forward when asked to wait, so rate tests need no sleeping.
class PacingClock
{
public:
    virtual ~PacingClock();
    virtual int64_t nowNs() const = 0;
    // Calls wake once, at `at` or soon after, from context's event loop. A later call replaces
    // the one waiting.
    virtual void wakeAt(int64_t at, QObject *context, std::function<void()> wake) = 0;
    virtual void cancel() = 0;
};

// std::chrono::steady_clock, waiting with a precise single-shot QTimer (millisecond steps:
// events that come due within one step are sent together, on their schedule on average).
class SteadyPacingClock final : public PacingClock
{
public:
    SteadyPacingClock();
    ~SteadyPacingClock() override;
    int64_t nowNs() const override;
    void wakeAt(int64_t at, QObject *context, std::function<void()> wake) override;
    void cancel() override;

private:
    QPointer<QTimer> m_timer;
    std::function<void()> m_wake;
};

} // namespace Rivulet::Simulator
