#pragma once

#include "clock.h"
#include "cronexpression.h"

#include <QString>

#include <cstdint>

namespace Rivulet::Runtime {

class AppContext;
class StreamJunction;

// A `define trigger T at ...`: sends events (triggered_time long) into its stream T.
//   at 'start'        one event when the app starts
//   at every <time>   periodically, the first one a period after the start (Siddhi schedules
//                     its PeriodicTrigger at a fixed rate with the period as initial delay)
//   at '<cron>'       on a Quartz cron schedule
// Times come from the app's scheduler, so playback and manual clocks drive triggers as they
// drive windows. The event's timestamp and triggered_time are the time it was due.
class Trigger final : public TimerTarget
{
public:
    enum Kind { Start, Periodic, Cron };

    Trigger(AppContext *app, StreamJunction *junction, Kind kind);
    ~Trigger() override;

    void setPeriod(int64_t ms) { m_period = ms; }
    void setCron(CronExpression cron) { m_cron = std::move(cron); }
    Kind kind() const { return m_kind; }

    void start();
    void stop();
    void onTimer(int64_t at) override;

private:
    void emitAt(int64_t at);
    void scheduleAfter(int64_t t);

    AppContext *m_app;
    StreamJunction *m_junction;
    Kind m_kind;
    int64_t m_period = 0;
    CronExpression m_cron;
    bool m_running = false;
    int64_t m_nextAt = -1; // the time asked of the scheduler
};

} // namespace Rivulet::Runtime
