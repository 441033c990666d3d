#include "simulation.h"

#include "eventsink.h"
#include "eventsource.h"
#include "pacingclock.h"

#include <QDateTime>

#include <cmath>

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

namespace {

constexpr int64_t kMillisecond = 1'000'000;
constexpr int64_t kSlice = 20 * kMillisecond; // back to the event loop this often
constexpr int64_t kProgressInterval = 250 * kMillisecond;
constexpr int64_t kMaxBacklog = 1000 * kMillisecond; // later than this: drop the catch-up
constexpr int kMaxWarnings = 100;

} // namespace

struct Simulation::Feed
{
    std::unique_ptr<EventSource> source;
    int stream = -1;     // in the sink
    int streamIndex = 0; // in m_streams
    Event *event = nullptr;
    bool has = false;
    qint64 sent = 0;
};

Simulation::Simulation(QObject *parent)
    : QObject(parent)
    , m_ownClock(std::make_unique<SteadyPacingClock>())
    , m_clock(m_ownClock.get())
{}

Simulation::~Simulation()
{
    m_clock->cancel();
    releaseEvents();
}

void Simulation::setClock(PacingClock *clock)
{
    m_clock = clock ? clock : m_ownClock.get();
}

int64_t Simulation::now() const
{
    return m_clock->nowNs();
}

bool Simulation::prepare(const SimulationConfig &config, EventSink *sink, const Options &options,
                         QString *error)
{
    if (m_state != State::Idle) {
        *error = QStringLiteral("a simulation is prepared once");
        return false;
    }
    m_sink = sink;
    const SimulationProperties &p = config.properties;
    const quint64 seed = options.seed ? *options.seed : p.seed.value_or(1);
    Random master(seed);
    const bool startGiven = options.startTimestamp.has_value() || p.startTimestamp.has_value();
    const qint64 start = options.startTimestamp
                             ? *options.startTimestamp
                             : p.startTimestamp.value_or(QDateTime::currentMSecsSinceEpoch());
    m_maxEvents = options.count ? options.count : p.count;

    for (int i = 0; i < config.sources.size(); ++i) {
        const SourceConfig &sc = config.sources[i];
        const QString where = QStringLiteral("sources[%1] (%2 of stream '%3')")
                                  .arg(i)
                                  .arg(SourceConfig::typeName(sc.type), sc.streamName);
        auto failSource = [&](const QString &message) {
            *error = where + QStringLiteral(": ") + message;
            releaseEvents();
            m_feeds.clear();
            return false;
        };
        // The attributes: as the target defines the stream, else as the source says.
        StreamSchema schema;
        if (auto known = sink->schema(sc.streamName))
            schema = *known;
        else if (!sc.attributes.isEmpty())
            schema = sc.attributes;
        else
            schema = EventSource::defaultSchema(sc);
        if (schema.isEmpty())
            return failSource(QStringLiteral("the attributes of stream '%1' are unknown: %2 does "
                                             "not define it; give the app that does, or the "
                                             "source's 'attributes'")
                                  .arg(sc.streamName, sink->description()));
        schema.name = sc.streamName;
        QString message;
        const int stream = sink->openStream(schema, &message);
        if (stream < 0)
            return failSource(message);

        SourceContext context;
        context.schema = schema;
        context.layout = sink->layout(stream);
        context.startTimestamp = start;
        context.startGiven = startGiven;
        context.endTimestamp = p.endTimestamp;
        context.seed = master.fork();
        context.baseDirectory = config.baseDirectory;
        auto source = EventSource::create(sc, context, &message);
        if (!source)
            return failSource(message);
        source->setWarningHandler([this](const QString &m) {
            if (++m_warnings <= kMaxWarnings)
                Q_EMIT warning(m);
            else if (m_warnings == kMaxWarnings + 1)
                Q_EMIT warning(QStringLiteral("more warnings follow; only their number is kept"));
        });
        if (!source->start(&message))
            return failSource(message);

        auto feed = std::make_unique<Feed>();
        feed->source = std::move(source);
        feed->stream = stream;
        feed->streamIndex = int(m_streams.indexOf(sc.streamName));
        if (feed->streamIndex < 0) {
            m_streams << sc.streamName;
            feed->streamIndex = int(m_streams.size()) - 1;
        }
        feed->event = sink->allocate(stream);
        m_feeds.push_back(std::move(feed));
    }
    // The first event of each source (so the merge can compare timestamps).
    for (auto &f : m_feeds)
        f->has = f->source->next(f->event);

    // Pacing.
    if (options.rate) {
        m_rate = *options.rate;
        m_pace = m_rate > 0 ? Pace::Rate : Pace::Unpaced;
    } else if (sink->followsEventTime()) {
        m_pace = Pace::Unpaced;
    } else if (p.rate) {
        m_rate = *p.rate;
        m_pace = m_rate > 0 ? Pace::Rate : Pace::Unpaced;
    } else if (p.paceByTimestamps) {
        m_pace = Pace::Timestamps;
    } else {
        const qint64 interval = p.timeInterval.value_or(1000);
        m_rate = interval > 0 ? 1000.0 / double(interval) : 0;
        m_pace = interval > 0 ? Pace::Rate : Pace::Unpaced;
    }
    if (m_pace != Pace::Rate)
        m_rate = 0;
    m_periodNs = m_rate > 0 ? 1e9 / m_rate : 0;

    sink->setCallbacks(
        [this] {
            if (m_waitingForSink && m_state == State::Running) {
                m_waitingForSink = false;
                schedule(now());
            }
        },
        [this](const QString &message) { fail(message); });
    setState(State::Ready);
    return true;
}

void Simulation::start()
{
    if (m_state != State::Ready)
        return;
    m_startedAt = now();
    m_paceBase = m_startedAt;
    m_paceIndex0 = 0;
    m_lastProgressAt = m_startedAt;
    setState(State::Running);
    schedule(m_startedAt);
}

void Simulation::pause()
{
    if (m_state != State::Running)
        return;
    m_clock->cancel();
    m_pausedAt = now();
    setState(State::Paused);
}

void Simulation::resume()
{
    if (m_state != State::Paused)
        return;
    // The schedule moves on by the pause: no burst to catch up.
    const int64_t paused = now() - m_pausedAt;
    m_startedAt += paused;
    m_paceBase += paused;
    m_lastProgressAt += paused;
    setState(State::Running);
    schedule(now());
}

void Simulation::stop()
{
    if (m_state == State::Running || m_state == State::Paused || m_state == State::Ready) {
        if (m_state == State::Ready)
            m_startedAt = now();
        else if (m_state == State::Paused)
            m_startedAt += now() - m_pausedAt;
        beginFinish(State::Stopped);
    }
}

void Simulation::schedule(int64_t at)
{
    m_clock->wakeAt(at, this, [this] { step(); });
}

void Simulation::step()
{
    if (m_state != State::Running)
        return;
    int64_t t = now();
    const int64_t sliceEnd = t + kSlice;
    const size_t feeds = m_feeds.size();
    for (unsigned n = 1;; ++n) {
        if (m_maxEvents && m_sent >= *m_maxEvents) {
            beginFinish(State::Finished);
            return;
        }
        // The source whose next event is earliest (the first one on ties).
        Feed *next = nullptr;
        if (feeds == 1) {
            if (m_feeds[0]->has)
                next = m_feeds[0].get();
        } else {
            for (const auto &f : m_feeds) {
                if (f->has && (!next || f->event->timestamp < next->event->timestamp))
                    next = f.get();
            }
        }
        if (!next) {
            beginFinish(State::Finished);
            return;
        }
        if (m_sink->isBusy()) {
            m_waitingForSink = true;
            reportProgress(now(), false);
            return;
        }
        if (m_pace != Pace::Unpaced) {
            int64_t due;
            if (m_pace == Pace::Rate) {
                due =
                    m_paceBase + int64_t(std::llround(double(m_sent - m_paceIndex0) * m_periodNs));
            } else {
                if (!m_haveFirstTimestamp) {
                    m_firstTimestamp = next->event->timestamp;
                    m_haveFirstTimestamp = true;
                }
                due = m_paceBase + (next->event->timestamp - m_firstTimestamp) * kMillisecond;
            }
            t = now();
            if (due > t) {
                reportProgress(t, false);
                schedule(due);
                return;
            }
            if (t - due > kMaxBacklog) {
                // Far behind (a stalled target, a suspended process): carry on from here
                // instead of sending a burst.
                m_paceBase += t - due;
            }
        }
        if (!m_sink->send(next->stream, next->event)) {
            fail(m_sink->errorString());
            return;
        }
        ++m_sent;
        ++next->sent;
        // A slot may have paused, stopped or failed the run during the send; the events are
        // released only when it has ended.
        if (next->event)
            next->has = next->source->next(next->event);
        if (m_state != State::Running)
            return;
        if (m_pace != Pace::Unpaced || (n & 255) == 0) {
            t = now();
            if (t >= sliceEnd) {
                reportProgress(t, false);
                schedule(t);
                return;
            }
        }
    }
}

void Simulation::reportProgress(int64_t t, bool force)
{
    if (!force && t - m_lastProgressAt < kProgressInterval)
        return;
    const double seconds = double(t - m_lastProgressAt) / 1e9;
    const double rate = seconds > 0 ? double(m_sent - m_lastProgressSent) / seconds : 0;
    m_lastProgressAt = t;
    m_lastProgressSent = m_sent;
    Q_EMIT progress(m_sent, rate);
}

void Simulation::beginFinish(State final)
{
    m_clock->cancel();
    const int64_t end = now();
    setState(State::Finishing);
    reportProgress(end, true);
    m_elapsedEnd = end;
    m_sink->finish([this, final] {
        if (m_state != State::Finishing)
            return;
        releaseEvents();
        setState(final);
        Q_EMIT finished();
    });
}

void Simulation::fail(const QString &message)
{
    if (m_state == State::Failed || m_state == State::Finished || m_state == State::Stopped)
        return;
    m_clock->cancel();
    m_error = message;
    if (m_state != State::Finishing)
        m_elapsedEnd = now();
    releaseEvents();
    setState(State::Failed);
    Q_EMIT finished();
}

void Simulation::releaseEvents()
{
    for (auto &f : m_feeds) {
        if (f->event) {
            m_sink->release(f->stream, f->event);
            f->event = nullptr;
            f->has = false;
        }
    }
}

void Simulation::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QList<QPair<QString, qint64>> Simulation::sentPerStream() const
{
    QList<QPair<QString, qint64>> out;
    for (const QString &s : m_streams)
        out.append({s, 0});
    for (const auto &f : m_feeds)
        out[f->streamIndex].second += f->sent;
    return out;
}

qint64 Simulation::skipped() const
{
    qint64 n = 0;
    for (const auto &f : m_feeds)
        n += f->source->skipped();
    return n;
}

double Simulation::elapsedSeconds() const
{
    if (m_state == State::Idle || m_state == State::Ready)
        return 0;
    int64_t end;
    if (m_state == State::Running)
        end = now();
    else if (m_state == State::Paused)
        end = m_pausedAt;
    else
        end = m_elapsedEnd;
    return double(end - m_startedAt) / 1e9;
}

} // namespace Rivulet::Simulator
