#pragma once

#include "simulationconfig.h"

#include <QObject>

#include <memory>
#include <optional>
#include <vector>

namespace Rivulet::Runtime {
struct Event;
}

namespace Rivulet::Simulator {

class EventSink;
class EventSource;
class PacingClock;

// Runs a feed simulation into an EventSink: merges its sources by timestamp, paces the sends
// (a rate, WSO2's timeInterval, the events' own timestamps, or as fast as possible), and
// reports progress. Driven by the event loop of its thread: start() returns at once; pause(),
// resume() and stop() take effect between two sends. The same seed sends the same values.
//
// Pacing, first that applies: the rate given to prepare (0: as fast as possible); as fast as
// possible when the sink follows event time (an app on a virtual clock); the file's rate;
// its pace "timestamps"; its timeInterval (0: as fast as possible); one event per second
// (WSO2's default timeInterval of 1000 ms).
class Simulation final : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Ready, Running, Paused, Finishing, Finished, Stopped, Failed };
    Q_ENUM(State)

    struct Options
    {
        std::optional<double> rate;           // events/s; 0: as fast as possible
        std::optional<qint64> count;          // at most this many events (else noOfEvents)
        std::optional<quint64> seed;          // else the file's seed, else 1
        std::optional<qint64> startTimestamp; // else the file's, else now
    };

    explicit Simulation(QObject *parent = nullptr);
    ~Simulation() override;

    // The clock pacing is measured and waited with (not owned); default: the steady clock.
    // Set it before start().
    void setClock(PacingClock *clock);

    // Builds the sources of config for sink (not owned; it must outlive the simulation or its
    // end). Each stream's attributes come from the sink (an app's definition), else from the
    // source ('attributes', or the train route's own). Opens the CSV files. Connect warning()
    // first: rows read here are reported at once. False with a message on error.
    bool prepare(const SimulationConfig &config, EventSink *sink, const Options &options,
                 QString *error);

    void start();
    void pause();
    void resume();
    // Stops sending; what the sink holds is still delivered before finished().
    void stop();

    State state() const { return m_state; }
    bool isActive() const
    {
        return m_state == State::Running || m_state == State::Paused || m_state == State::Finishing;
    }
    QString errorString() const { return m_error; }
    // 0 when unpaced.
    double rate() const { return m_rate; }

    qint64 sent() const { return m_sent; }
    // Events sent per stream, in the order the streams first appear in the simulation.
    QList<QPair<QString, qint64>> sentPerStream() const;
    // Rows skipped by sources (bad CSV rows).
    qint64 skipped() const;
    // Seconds spent running (pauses excluded), by the pacing clock.
    double elapsedSeconds() const;

Q_SIGNALS:
    void stateChanged(Rivulet::Simulator::Simulation::State state);
    // Every 250 ms while running, and at the end: events sent, and the recent rate (events/s).
    void progress(qint64 sent, double eventsPerSecond);
    // A bad CSV row, a generated value that does not fit; the simulation goes on.
    void warning(const QString &message);
    // The run ended (Finished, Stopped or Failed).
    void finished();

private:
    struct Feed; // a source, its stream in the sink, and its next event
    enum class Pace { Unpaced, Rate, Timestamps };

    void step();
    void schedule(int64_t at);
    void setState(State state);
    void beginFinish(State final);
    void fail(const QString &message);
    void releaseEvents();
    void reportProgress(int64_t now, bool force);
    int64_t now() const;

    std::vector<std::unique_ptr<Feed>> m_feeds;
    QStringList m_streams;
    EventSink *m_sink = nullptr;
    std::unique_ptr<PacingClock> m_ownClock;
    PacingClock *m_clock = nullptr;

    State m_state = State::Idle;
    QString m_error;
    Pace m_pace = Pace::Unpaced;
    double m_rate = 0;
    double m_periodNs = 0;
    std::optional<qint64> m_maxEvents;

    qint64 m_sent = 0;
    int64_t m_startedAt = 0; // pacing clock, shifted by pauses
    int64_t m_pausedAt = 0;
    int64_t m_elapsedEnd = 0;
    int64_t m_paceBase = 0; // when event m_paceIndex0 was due
    qint64 m_paceIndex0 = 0;
    qint64 m_firstTimestamp = 0;
    bool m_haveFirstTimestamp = false;
    bool m_waitingForSink = false;
    int64_t m_lastProgressAt = 0;
    qint64 m_lastProgressSent = 0;
    int m_warnings = 0;
};

} // namespace Rivulet::Simulator
