#include "pacingclock.h"

#include <QTimer>

#include <chrono>

namespace Rivulet::Simulator {

PacingClock::~PacingClock() = default;

SteadyPacingClock::SteadyPacingClock() = default;

SteadyPacingClock::~SteadyPacingClock()
{
    delete m_timer.data();
}

int64_t SteadyPacingClock::nowNs() const
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void SteadyPacingClock::wakeAt(int64_t at, QObject *context, std::function<void()> wake)
{
    if (!m_timer) {
        m_timer = new QTimer(context);
        m_timer->setSingleShot(true);
        m_timer->setTimerType(Qt::PreciseTimer);
        QObject::connect(m_timer, &QTimer::timeout, context, [this] {
            auto wake = std::move(m_wake);
            m_wake = nullptr;
            if (wake)
                wake();
        });
    }
    m_wake = std::move(wake);
    const int64_t wait = at - nowNs();
    // Whole milliseconds, rounded up: never early.
    const int ms = wait <= 0 ? 0 : int(std::min<int64_t>((wait + 999'999) / 1'000'000, 1 << 30));
    m_timer->start(ms);
}

void SteadyPacingClock::cancel()
{
    if (m_timer)
        m_timer->stop();
    m_wake = nullptr;
}

} // namespace Rivulet::Simulator
