// length, lengthBatch, time and timeBatch: Siddhi's four most used windows, each emitting
// current and expired events exactly where Siddhi's window processor does.
#include "appcontext.h"
#include "window.h"

#include <limits>

namespace Rivulet::Runtime {

namespace {

// A sliding window of the last n events. Each arriving event pushes the oldest out once the
// window is full: the expired event (stamped with the current time) goes first, then the new
// current event.
class LengthWindow final : public WindowProcessor
{
public:
    LengthWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t length)
        : WindowProcessor(app, std::move(layout))
        , m_length(length)
    {}
    ~LengthWindow() override { releaseAll(m_queue); }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            Event *clone = cloneAs(e, EventType::Expired);
            if (int64_t(m_queue.size()) < m_length) {
                m_queue.push_back(clone);
            } else {
                Event *oldest = m_queue.front();
                m_queue.pop_front();
                oldest->timestamp = t;
                m_out.add(oldest);
                handOver(oldest);
                m_queue.push_back(clone);
            }
            m_out.add(e);
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_queue.begin(), m_queue.end());
    }

protected:
    void timerTick(int64_t) override {}

private:
    int64_t m_length;
    std::deque<Event *> m_queue;
};

// Tumbling batches of n events, each emitted as one batch chunk: the previous batch as expired
// events (when the query wants them), a reset, then the new batch. With stream.current.event,
// events pass at once and the batch only bounds the aggregation.
class LengthBatchWindow final : public WindowProcessor
{
public:
    LengthBatchWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t length,
                      bool streamCurrent)
        : WindowProcessor(app, std::move(layout))
        , m_length(length)
        , m_streamCurrent(streamCurrent)
    {}
    ~LengthBatchWindow() override
    {
        releaseAll(m_current);
        releaseAll(m_expired);
        if (m_reset)
            m_layout->release(m_reset);
    }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            if (!m_reset)
                m_reset = cloneAs(e, EventType::Reset);
            if (m_streamCurrent)
                streamCurrent(e, t);
            else
                fullBatch(e, t);
            if (!m_out.empty())
                emit(true);
        }
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_expired.begin(), m_expired.end());
    }
    bool isBatching() const override { return true; }

protected:
    void timerTick(int64_t) override {}

private:
    void flushExpiredAndReset(int64_t t)
    {
        if (outputExpectsExpired && !m_expired.empty()) {
            for (Event *x : m_expired) {
                x->timestamp = t;
                m_out.add(x);
                handOver(x);
            }
            m_expired.clear();
        }
        if (m_reset) {
            m_reset->timestamp = t;
            m_out.add(m_reset);
            handOver(m_reset);
            m_reset = nullptr;
        }
    }
    void fullBatch(Event *e, int64_t t)
    {
        m_current.push_back(m_layout->clone(e));
        if (int64_t(m_current.size()) < m_length)
            return;
        flushExpiredAndReset(t);
        releaseAll(m_expired);
        for (Event *c : m_current) {
            if (outputExpectsExpired)
                m_expired.push_back(cloneAs(c, EventType::Expired));
            c->type = EventType::Current;
            m_out.add(c);
            handOver(c);
        }
        m_current.clear();
    }
    void streamCurrent(Event *e, int64_t t)
    {
        if (++m_count == m_length + 1) {
            flushExpiredAndReset(t);
            m_count = 1;
        }
        m_out.add(e);
        if (outputExpectsExpired)
            m_expired.push_back(cloneAs(e, EventType::Expired));
    }

    int64_t m_length;
    bool m_streamCurrent;
    int64_t m_count = 0;
    std::deque<Event *> m_current;
    std::deque<Event *> m_expired;
    Event *m_reset = nullptr;
};

// A sliding window of the events of the last period. Events expire when the current time has
// moved a period past their timestamp; a timer makes sure that happens without new events.
class TimeWindow final : public WindowProcessor
{
public:
    TimeWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t time)
        : WindowProcessor(app, std::move(layout))
        , m_time(time)
    {}
    ~TimeWindow() override { releaseAll(m_queue); }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            expire(now());
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            Event *clone = cloneAs(e, EventType::Expired);
            m_queue.push_back(clone);
            scheduleExpiry();
            m_out.add(e);
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_queue.begin(), m_queue.end());
    }

protected:
    void timerTick(int64_t at) override
    {
        if (at == m_timerAt)
            m_timerAt = -1;
        expire(now());
        scheduleExpiry();
        emit(false);
    }

private:
    // Siddhi asks for a timer at every event's expiry; one timer for the oldest event does the
    // same work (expiry stops at the first event not due, in arrival order) without a timer
    // per event.
    void scheduleExpiry()
    {
        if (m_timerAt != -1 || m_queue.empty())
            return;
        m_timerAt = m_queue.front()->timestamp + m_time;
        m_app->scheduler.notifyAt(this, m_timerAt);
    }
    void expire(int64_t t)
    {
        while (!m_queue.empty() && m_queue.front()->timestamp - t + m_time <= 0) {
            Event *x = m_queue.front();
            m_queue.pop_front();
            x->timestamp = t;
            m_out.add(x);
            handOver(x);
        }
    }
    int64_t m_time;
    int64_t m_timerAt = -1;
    std::deque<Event *> m_queue;
};

// Tumbling batches of the events of each period, emitted when the period ends (by timer, or by
// the first event after it). start.time aligns the batches; stream.current.event passes
// events at once.
class TimeBatchWindow final : public WindowProcessor
{
public:
    TimeBatchWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t time,
                    bool hasStart, int64_t start, bool streamCurrent)
        : WindowProcessor(app, std::move(layout))
        , m_time(time)
        , m_hasStart(hasStart)
        , m_start(start)
        , m_streamCurrent(streamCurrent)
    {}
    ~TimeBatchWindow() override
    {
        releaseAll(m_current);
        releaseAll(m_expired);
        if (m_reset)
            m_layout->release(m_reset);
    }
    void process(EventChunk &chunk) override { run(&chunk); }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_expired.begin(), m_expired.end());
    }
    bool isBatching() const override { return true; }

protected:
    void timerTick(int64_t) override { run(nullptr); }

private:
    void run(EventChunk *chunk)
    {
        const int64_t t = now();
        if (m_nextEmit == -1) {
            if (m_hasStart) {
                // As TimeBatchWindowProcessor.getNextEmitTime, with Java's remainder (its sign
                // follows t - start: before the start time the first batch ends later).
                const int64_t elapsed = (t - m_start) % m_time;
                m_nextEmit = t + (m_time - elapsed);
            } else {
                m_nextEmit = t + m_time;
            }
            m_app->scheduler.notifyAt(this, m_nextEmit);
        }
        bool send = false;
        if (t >= m_nextEmit) {
            m_nextEmit += m_time;
            m_app->scheduler.notifyAt(this, m_nextEmit);
            send = true;
        }
        if (chunk) {
            for (Event *e : chunk->events) {
                if (e->type != EventType::Current)
                    continue;
                if (!m_reset)
                    m_reset = cloneAs(e, EventType::Reset);
                if (!m_streamCurrent) {
                    m_current.push_back(m_layout->clone(e));
                } else {
                    m_out.add(e);
                    if (outputExpectsExpired)
                        m_expired.push_back(cloneAs(e, EventType::Expired));
                }
            }
        }
        if (send) {
            if (outputExpectsExpired && !m_expired.empty()) {
                for (Event *x : m_expired) {
                    x->timestamp = t;
                    m_out.add(x);
                    handOver(x);
                }
                m_expired.clear();
            }
            if (m_reset) {
                m_out.add(m_reset);
                handOver(m_reset);
                m_reset = nullptr;
            }
            for (Event *c : m_current) {
                if (outputExpectsExpired)
                    m_expired.push_back(cloneAs(c, EventType::Expired));
                m_out.add(c);
                handOver(c);
            }
            m_current.clear();
        }
        emit(true);
    }

    int64_t m_time;
    bool m_hasStart;
    int64_t m_start;
    bool m_streamCurrent;
    int64_t m_nextEmit = -1;
    std::deque<Event *> m_current;
    std::deque<Event *> m_expired;
    Event *m_reset = nullptr;
};

} // namespace

std::unique_ptr<WindowProcessor> makeOtherWindow(const Lang::Ast::Call &call, AppContext *app,
                                                 std::shared_ptr<EventLayout> layout,
                                                 std::vector<EvaluatorPtr> args, QString *error);

std::unique_ptr<WindowProcessor> makeWindow(const Lang::Ast::Call &call, AppContext *app,
                                            std::shared_ptr<EventLayout> layout,
                                            std::vector<EvaluatorPtr> args, QString *error)
{
    const QString &name = call.name;
    if (call.ns.isEmpty()) {
        if (name == QLatin1String("length"))
            return std::make_unique<LengthWindow>(app, std::move(layout), constantLong(*args[0]));
        if (name == QLatin1String("lengthBatch"))
            return std::make_unique<LengthBatchWindow>(app, std::move(layout),
                                                       constantLong(*args[0]),
                                                       args.size() > 1 && constantBool(*args[1]));
        if (name == QLatin1String("time"))
            return std::make_unique<TimeWindow>(app, std::move(layout), constantLong(*args[0]));
        if (name == QLatin1String("timeBatch")) {
            bool hasStart = false;
            int64_t start = 0;
            bool streamCurrent = false;
            if (args.size() >= 2) {
                if (args[1]->type() == AttrType::Bool) {
                    streamCurrent = constantBool(*args[1]);
                } else {
                    hasStart = true;
                    start = constantLong(*args[1]);
                }
            }
            if (args.size() >= 3)
                streamCurrent = constantBool(*args[2]);
            return std::make_unique<TimeBatchWindow>(app, std::move(layout), constantLong(*args[0]),
                                                     hasStart, start, streamCurrent);
        }
    }
    return makeOtherWindow(call, app, std::move(layout), std::move(args), error);
}

} // namespace Rivulet::Runtime
