// The windows of Siddhi 5 driven by time beyond the core four: timeLength, externalTime,
// externalTimeBatch, delay and cron. Each emits current and expired events where Siddhi's
// window processor of the same name does (the comments name the Siddhi behaviour followed).
#include "appcontext.h"
#include "cronexpression.h"
#include "window.h"
#include "windowsupport.h"

#include <limits>

namespace Rivulet::Runtime {

namespace {

bool isData(const Event *e)
{
    return e->type == EventType::Current || e->type == EventType::Expired;
}

// timeLength(time, length): a sliding time window that also holds at most `length` events.
// As TimeLengthWindowProcessor: events a period old expire first, then, when the window is
// full, the oldest held event, then the new event passes; expired events carry the current
// time.
class TimeLengthWindow final : public WindowProcessor
{
public:
    TimeLengthWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t time,
                     int64_t length)
        : WindowProcessor(app, std::move(layout))
        , m_time(time)
        , m_length(length)
    {}
    ~TimeLengthWindow() override { releaseAll(m_queue); }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            expire(t);
            if (e->type != EventType::Current)
                continue;
            Event *clone = cloneAs(e, EventType::Expired);
            if (int64_t(m_queue.size()) >= m_length && !m_queue.empty()) {
                Event *oldest = m_queue.front();
                m_queue.pop_front();
                oldest->timestamp = t;
                m_out.add(oldest);
                handOver(oldest);
            }
            m_queue.push_back(clone);
            m_app->scheduler.notifyAt(this, clone->timestamp + m_time);
            m_out.add(e);
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_queue.begin(), m_queue.end());
    }

protected:
    void timerTick(int64_t) override
    {
        expire(now());
        emit(false);
    }

private:
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
    int64_t m_length;
    std::deque<Event *> m_queue;
};

// externalTime(timestamp, time): a sliding window over the events' own time. As
// ExternalTimeWindowProcessor: each event expires the held events whose timestamp attribute is
// a period older than its own (from the oldest, stopping at the first that is not), and the
// expired events carry the arriving event's timestamp attribute as their time.
class ExternalTimeWindow final : public WindowProcessor
{
public:
    ExternalTimeWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int tsIndex,
                       int64_t time)
        : WindowProcessor(app, std::move(layout))
        , m_tsIndex(tsIndex)
        , m_time(time)
    {}
    ~ExternalTimeWindow() override { releaseAll(m_queue); }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (!isData(e))
                continue;
            int64_t current = 0;
            if (!readLong(e, m_tsIndex, &current)) {
                m_app->reportError(
                    QStringLiteral("window externalTime"),
                    QStringLiteral("the timestamp attribute is null; event dropped"));
                continue;
            }
            while (!m_queue.empty()) {
                Event *x = m_queue.front();
                int64_t held = 0;
                readLong(x, m_tsIndex, &held);
                if (held - current + m_time > 0)
                    break;
                m_queue.pop_front();
                x->timestamp = current;
                m_out.add(x);
                handOver(x);
            }
            if (e->type == EventType::Current)
                m_queue.push_back(cloneAs(e, EventType::Expired));
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
    int m_tsIndex;
    int64_t m_time;
    std::deque<Event *> m_queue;
};

// externalTimeBatch(timestamp, time, start.time, timeout, replace.with.batchtime): tumbling
// batches over the events' own time, as ExternalTimeBatchWindowProcessor:
// - the first batch starts at the first event's timestamp (or is aligned to start.time, or
//   starts at the start.time attribute of the first event);
// - an event at or past the batch end flushes the batch ([expired previous batch], reset,
//   current batch, stamped with the latest event time seen) and starts the next batch;
// - with a timeout, a batch still open `timeout` after the last flush (on the app clock) is
//   flushed; events that then join it are sent again with it when it really ends;
// - replace.with.batchtime puts the batch end time in the timestamp attribute.
class ExternalTimeBatchWindow final : public WindowProcessor
{
public:
    struct Config
    {
        int tsIndex = -1;
        int64_t timeToKeep = 0;
        bool startTimeEnabled = false;
        int64_t startTime = 0;
        int startTimeIndex = -1; // start.time given as an attribute
        int64_t timeout = 0;
        bool replaceTimestamp = false;
    };
    ExternalTimeBatchWindow(AppContext *app, std::shared_ptr<EventLayout> layout, Config config)
        : WindowProcessor(app, std::move(layout))
        , m_config(config)
        , m_startTime(config.startTime)
    {}
    ~ExternalTimeBatchWindow() override
    {
        releaseAll(m_current);
        releaseAll(m_expired);
        if (m_reset)
            m_layout->release(m_reset);
    }
    bool isBatching() const override { return true; }
    void process(EventChunk &chunk) override
    {
        if (chunk.empty())
            return;
        initTiming(chunk.events.front());
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current)
                continue;
            int64_t eventTime = 0;
            if (!readLong(e, m_config.tsIndex, &eventTime)) {
                m_app->reportError(
                    QStringLiteral("window externalTimeBatch"),
                    QStringLiteral("the timestamp attribute is null; event dropped"));
                continue;
            }
            if (m_lastEventTime < eventTime)
                m_lastEventTime = eventTime;
            if (eventTime < m_endTime) {
                append(e);
                continue;
            }
            if (m_flushed) {
                appendToOutput(m_lastEventTime, false);
                m_flushed = false;
            } else {
                flushToOutput(m_lastEventTime, false);
            }
            m_endTime = endTimeFor(m_lastEventTime);
            append(e);
            if (m_config.timeout > 0) {
                m_lastScheduled = now() + m_config.timeout;
                m_app->scheduler.notifyAt(this, m_lastScheduled);
            }
        }
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_expired.begin(), m_expired.end());
    }

protected:
    void timerTick(int64_t at) override
    {
        if (m_endTime < 0 || m_lastScheduled > at)
            return;
        // No event since this timer was set: flush the batch as it is.
        if (!m_flushed) {
            flushToOutput(m_lastEventTime, true);
            m_flushed = true;
        } else if (!m_current.empty()) {
            appendToOutput(m_lastEventTime, true);
        }
        m_lastScheduled = now() + m_config.timeout;
        m_app->scheduler.notifyAt(this, m_lastScheduled);
    }

private:
    bool keepsExpired() const { return outputExpectsExpired || m_config.timeout > 0; }
    int64_t endTimeFor(int64_t current) const
    {
        // Java's %: the remainder takes the sign of the dividend.
        const int64_t elapsed = (current - m_startTime) % m_config.timeToKeep;
        return current + (m_config.timeToKeep - elapsed);
    }
    void initTiming(const Event *first)
    {
        if (m_endTime >= 0)
            return;
        int64_t firstTime = 0;
        readLong(first, m_config.tsIndex, &firstTime);
        if (m_config.startTimeEnabled) {
            if (m_config.startTimeIndex < 0) {
                m_endTime = endTimeFor(firstTime);
            } else {
                readLong(first, m_config.startTimeIndex, &m_startTime);
                m_endTime = m_startTime + m_config.timeToKeep;
            }
        } else {
            m_startTime = firstTime;
            m_endTime = m_startTime + m_config.timeToKeep;
        }
        if (m_config.timeout > 0) {
            m_lastScheduled = now() + m_config.timeout;
            m_app->scheduler.notifyAt(this, m_lastScheduled);
        }
    }
    void append(const Event *e)
    {
        Event *clone = m_layout->clone(e);
        clone->type = EventType::Current;
        if (m_config.replaceTimestamp)
            m_layout->set(clone, m_config.tsIndex, Value::ofLong(m_endTime));
        m_current.push_back(clone);
        if (!m_reset)
            m_reset = cloneAs(e, EventType::Reset);
    }
    void moveCurrentToExpired(bool preserve)
    {
        if (preserve || keepsExpired()) {
            for (Event *c : m_current)
                m_expired.push_back(cloneAs(c, EventType::Expired));
        }
    }
    void flushToOutput(int64_t time, bool preserve)
    {
        if (outputExpectsExpired) {
            for (Event *x : m_expired) {
                x->timestamp = time;
                m_out.add(x);
                handOver(x);
            }
            m_expired.clear();
        }
        releaseAll(m_expired);
        if (!m_current.empty()) {
            m_reset->timestamp = time;
            m_out.add(m_reset);
            handOver(m_reset);
            m_reset = nullptr;
            moveCurrentToExpired(preserve);
            for (Event *c : m_current) {
                m_out.add(c);
                handOver(c);
            }
            m_current.clear();
        }
        emit(true);
    }
    void appendToOutput(int64_t time, bool preserve)
    {
        if (!m_current.empty()) {
            std::vector<Event *> resent;
            for (Event *x : m_expired) {
                if (outputExpectsExpired) {
                    Event *copy = m_layout->clone(x);
                    copy->timestamp = time;
                    m_out.add(copy);
                    handOver(copy);
                }
                resent.push_back(cloneAs(x, EventType::Current));
            }
            Event *reset = m_layout->clone(m_reset);
            reset->timestamp = time;
            m_out.add(reset);
            handOver(reset);
            for (Event *r : resent) {
                m_out.add(r);
                handOver(r);
            }
            moveCurrentToExpired(preserve);
            for (Event *c : m_current) {
                m_out.add(c);
                handOver(c);
            }
            m_current.clear();
        }
        emit(true);
    }

    Config m_config;
    int64_t m_startTime;
    int64_t m_endTime = -1;
    int64_t m_lastScheduled = 0;
    int64_t m_lastEventTime = 0;
    bool m_flushed = false;
    std::deque<Event *> m_current;
    std::deque<Event *> m_expired;
    Event *m_reset = nullptr;
};

// delay(time): holds each event for a period, then lets it pass as a current event stamped
// with the time it leaves (DelayWindowProcessor).
class DelayWindow final : public WindowProcessor
{
public:
    DelayWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t delay)
        : WindowProcessor(app, std::move(layout))
        , m_delay(delay)
    {}
    ~DelayWindow() override { releaseAll(m_queue); }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            release(now());
            if (e->type != EventType::Current)
                continue;
            m_queue.push_back(cloneAs(e, EventType::Current));
            if (m_lastTimestamp < e->timestamp) {
                m_app->scheduler.notifyAt(this, e->timestamp + m_delay);
                m_lastTimestamp = e->timestamp;
            }
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_queue.begin(), m_queue.end());
    }

protected:
    void timerTick(int64_t) override
    {
        release(now());
        emit(false);
    }

private:
    void release(int64_t t)
    {
        while (!m_queue.empty() && m_queue.front()->timestamp - t + m_delay <= 0) {
            Event *x = m_queue.front();
            m_queue.pop_front();
            x->timestamp = t;
            m_out.add(x);
            handOver(x);
        }
    }
    int64_t m_delay;
    int64_t m_lastTimestamp = std::numeric_limits<int64_t>::min();
    std::deque<Event *> m_queue;
};

// cron(expression): collects events and emits them as a batch at each time the cron
// expression names, after the previous batch as expired events (CronWindowProcessor). Nothing
// is emitted when no event arrived since the last time, and no reset event is sent: the
// expired events take the previous batch out of the aggregates. Driven by the app's scheduler,
// so it runs in playback time too (Siddhi uses Quartz on the wall clock).
class CronWindow final : public WindowProcessor
{
public:
    CronWindow(AppContext *app, std::shared_ptr<EventLayout> layout, CronExpression cron)
        : WindowProcessor(app, std::move(layout))
        , m_cron(std::move(cron))
    {
        schedule(now());
    }
    ~CronWindow() override
    {
        releaseAll(m_current);
        releaseAll(m_expired);
    }
    bool isBatching() const override { return true; }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (e->type == EventType::Current)
                m_current.push_back(cloneAs(e, EventType::Current));
        }
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_current.begin(), m_current.end());
    }

protected:
    void timerTick(int64_t at) override
    {
        const int64_t t = now();
        if (!m_current.empty()) {
            for (Event *x : m_expired) {
                x->timestamp = t;
                m_out.add(x);
                handOver(x);
            }
            m_expired.clear();
            for (Event *c : m_current) {
                m_expired.push_back(cloneAs(c, EventType::Expired));
                m_out.add(c);
                handOver(c);
            }
            m_current.clear();
            emit(true);
        }
        schedule(std::max(at, t));
    }

private:
    void schedule(int64_t after)
    {
        const int64_t next = m_cron.nextAfter(after);
        if (next >= 0)
            m_app->scheduler.notifyAt(this, next);
    }
    CronExpression m_cron;
    std::deque<Event *> m_current;
    std::deque<Event *> m_expired;
};

} // namespace

std::unique_ptr<WindowProcessor> makeTimedWindow(const Lang::Ast::Call &call, AppContext *app,
                                                 std::shared_ptr<EventLayout> layout,
                                                 std::vector<EvaluatorPtr> &args, QString *error)
{
    const QString &name = call.name;
    auto attrIndex = [&](size_t i) {
        return i < call.args.size() && call.args[i]->kind == Lang::Ast::ExprKind::Variable
                   ? call.args[i]->attrIndex
                   : -1;
    };
    if (name == QLatin1String("timeLength"))
        return std::make_unique<TimeLengthWindow>(app, std::move(layout), constantLong(*args[0]),
                                                  constantLong(*args[1]));
    if (name == QLatin1String("externalTime")) {
        const int ts = attrIndex(0);
        if (ts < 0) {
            *error = QStringLiteral("window externalTime needs the attribute holding the time");
            return nullptr;
        }
        return std::make_unique<ExternalTimeWindow>(app, std::move(layout), ts,
                                                    constantLong(*args[1]));
    }
    if (name == QLatin1String("externalTimeBatch")) {
        ExternalTimeBatchWindow::Config config;
        config.tsIndex = attrIndex(0);
        if (config.tsIndex < 0) {
            *error =
                QStringLiteral("window externalTimeBatch needs the attribute holding the time");
            return nullptr;
        }
        config.timeToKeep = constantLong(*args[1]);
        if (args.size() > 2) {
            config.startTimeEnabled = true;
            if (call.args[2]->isConstant())
                config.startTime = constantLong(*args[2]);
            else if ((config.startTimeIndex = attrIndex(2)) < 0) {
                *error = QStringLiteral("start.time of window externalTimeBatch must be a "
                                        "constant or an attribute");
                return nullptr;
            }
        }
        if (args.size() > 3)
            config.timeout = constantLong(*args[3]);
        if (args.size() > 4)
            config.replaceTimestamp = constantBool(*args[4]);
        return std::make_unique<ExternalTimeBatchWindow>(app, std::move(layout), config);
    }
    if (name == QLatin1String("delay"))
        return std::make_unique<DelayWindow>(app, std::move(layout), constantLong(*args[0]));
    if (name == QLatin1String("cron")) {
        CronExpression cron;
        if (!cron.parse(constantString(*args[0]), error))
            return nullptr;
        return std::make_unique<CronWindow>(app, std::move(layout), std::move(cron));
    }
    return nullptr;
}

} // namespace Rivulet::Runtime
