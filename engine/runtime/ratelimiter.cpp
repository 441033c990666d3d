#include "ratelimiter.h"

#include "appcontext.h"
#include "clock.h"
#include "selector.h"

#include "engine/lang/registry.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace Rivulet::Runtime {

using Lang::Ast::OutputRate;

namespace {

bool isData(const Event *e)
{
    return e->type == EventType::Current || e->type == EventType::Expired;
}

// Java's equals between two output values of the same attribute (nulls equal each other).
bool sameValue(const Event *a, const Event *b, int i)
{
    const bool an = a->isNull(i), bn = b->isNull(i);
    if (an || bn)
        return an == bn;
    return valuesEqual(a->layout->type(i), a->value(i), b->value(i));
}

// An insertion-ordered map from group key to a value, as Java's LinkedHashMap: putting an
// existing key keeps its place.
template<class T>
class OrderedMap
{
public:
    T &operator[](const std::string &key)
    {
        auto it = m_index.find(key);
        if (it != m_index.end())
            return m_items[it->second].second;
        m_index.emplace(key, m_items.size());
        m_items.emplace_back(key, T{});
        return m_items.back().second;
    }
    T *find(const std::string &key)
    {
        auto it = m_index.find(key);
        return it == m_index.end() ? nullptr : &m_items[it->second].second;
    }
    std::vector<std::pair<std::string, T>> &items() { return m_items; }
    const std::vector<std::pair<std::string, T>> &items() const { return m_items; }
    bool empty() const { return m_items.empty(); }
    void clear()
    {
        m_items.clear();
        m_index.clear();
    }
    // Removes the items for which drop(value) is true, keeping the order of the rest.
    template<class F>
    void removeIf(F drop)
    {
        std::vector<std::pair<std::string, T>> kept;
        for (auto &item : m_items) {
            if (!drop(item.second))
                kept.push_back(std::move(item));
        }
        m_items = std::move(kept);
        m_index.clear();
        for (size_t i = 0; i < m_items.size(); ++i)
            m_index.emplace(m_items[i].first, i);
    }

private:
    std::vector<std::pair<std::string, T>> m_items;
    std::unordered_map<std::string, size_t> m_index;
};

class RateLimiter : public Processor, public TimerTarget
{
public:
    RateLimiter(AppContext *app, std::shared_ptr<EventLayout> layout, QuerySelector *selector)
        : m_app(app)
        , m_layout(std::move(layout))
        , m_selector(selector)
    {}
    ~RateLimiter() override
    {
        m_app->scheduler.cancel(this);
        releaseOwned();
    }
    void onTimer(int64_t at) override
    {
        if (m_period > 0 && at >= m_scheduled)
            flushAndReschedule();
    }

protected:
    int64_t now() const { return m_app->currentTime(); }
    Event *keep(const Event *e) { return m_layout->clone(e); }
    void drop(Event *&e)
    {
        if (e)
            m_layout->release(e);
        e = nullptr;
    }
    // The group key of output i of the chunk being processed.
    const std::string &keyAt(size_t i) const
    {
        static const std::string none;
        if (!m_selector)
            return none;
        const auto &keys = m_selector->outputGroupKeys();
        return i < keys.size() ? keys[i] : none;
    }
    // Sends m_out (clones in it are owned and released afterwards).
    void send()
    {
        if (!m_out.empty())
            forward(m_out);
        m_out.clear();
        releaseOwned();
    }
    void sendOwned(Event *e)
    {
        m_out.add(e);
        m_owned.push_back(e);
    }
    // Periodic limiters: Siddhi starts the period when the app starts; Rivulet's clock at that
    // point is the wall clock, or 0 in playback, where periods are therefore aligned to
    // multiples of the period.
    void startTimer(int64_t period)
    {
        m_period = period;
        m_scheduled = now() + period;
        m_app->scheduler.notifyAt(this, m_scheduled);
    }
    // Snapshot limiters also flush when an event at or after the scheduled time arrives.
    void flushIfDue(int64_t timestamp)
    {
        if (m_period > 0 && timestamp >= m_scheduled)
            flushAndReschedule();
    }
    virtual void tick() = 0;
    // Nothing held: a flush would send nothing, so missed periods can be skipped.
    virtual bool idle() const = 0;

    AppContext *m_app;
    std::shared_ptr<EventLayout> m_layout;
    QuerySelector *m_selector;
    EventChunk m_out;

private:
    void flushAndReschedule()
    {
        tick();
        m_scheduled += m_period;
        const int64_t t = now();
        if (m_scheduled <= t && idle())
            m_scheduled += ((t - m_scheduled) / m_period + 1) * m_period;
        m_app->scheduler.notifyAt(this, m_scheduled);
    }
    void releaseOwned()
    {
        for (Event *e : m_owned)
            m_layout->release(e);
        m_owned.clear();
    }
    std::vector<Event *> m_owned;
    int64_t m_period = 0;
    int64_t m_scheduled = 0;
};

// ---- output ... every <n> events ------------------------------------------------------------

// output all every n events: holds events and sends them together with every n-th
// (AllPerEventOutputRateLimiter).
class AllPerEvent final : public RateLimiter
{
public:
    AllPerEvent(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t n)
        : RateLimiter(app, std::move(layout), nullptr)
        , m_n(n)
    {}
    ~AllPerEvent() override
    {
        for (Event *&e : m_held)
            drop(e);
    }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (!isData(e))
                continue;
            m_held.push_back(keep(e));
            if (++m_count == m_n) {
                for (Event *h : m_held)
                    sendOwned(h);
                m_held.clear();
                m_count = 0;
            }
        }
        send();
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    int64_t m_n;
    int64_t m_count = 0;
    std::vector<Event *> m_held;
};

// output first every n events: the first of each n events passes
// (FirstPerEventOutputRateLimiter; with n = 1 its counter never restarts, so only the very
// first event passes, as in Siddhi).
class FirstPerEvent final : public RateLimiter
{
public:
    FirstPerEvent(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t n)
        : RateLimiter(app, std::move(layout), nullptr)
        , m_n(n)
    {}
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (!isData(e))
                continue;
            ++m_count;
            if (m_count == 1)
                m_out.add(e);
            else if (m_count == m_n)
                m_count = 0;
        }
        send();
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    int64_t m_n;
    int64_t m_count = 0;
};

// output last every n events: every n-th event passes, in a chunk of its own
// (LastPerEventOutputRateLimiter).
class LastPerEvent final : public RateLimiter
{
public:
    LastPerEvent(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t n)
        : RateLimiter(app, std::move(layout), nullptr)
        , m_n(n)
    {}
    void process(EventChunk &chunk) override
    {
        std::vector<Event *> pass;
        for (Event *e : chunk.events) {
            if (isData(e) && ++m_count == m_n) {
                m_count = 0;
                pass.push_back(e);
            }
        }
        for (Event *e : pass) {
            m_out.add(e);
            send();
        }
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    int64_t m_n;
    int64_t m_count = 0;
};

// output first every n events, with group by: the first event of each group passes, then
// that group's next n - 1 are held back (FirstGroupByPerEventOutputRateLimiter).
class FirstGroupByPerEvent final : public RateLimiter
{
public:
    FirstGroupByPerEvent(AppContext *app, std::shared_ptr<EventLayout> layout,
                         QuerySelector *selector, int64_t n)
        : RateLimiter(app, std::move(layout), selector)
        , m_n(n)
    {}
    void process(EventChunk &chunk) override
    {
        for (size_t i = 0; i < chunk.events.size(); ++i) {
            Event *e = chunk.events[i];
            if (!isData(e))
                continue;
            const std::string &key = keyAt(i);
            auto it = m_counts.find(key);
            if (it == m_counts.end()) {
                m_counts.emplace(key, 1);
                m_out.add(e);
            } else if (it->second == m_n - 1) {
                m_counts.erase(it);
            } else {
                ++it->second;
            }
        }
        send();
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    int64_t m_n;
    std::unordered_map<std::string, int64_t> m_counts;
};

// output last every n events, with group by: every n events, the last event of each group
// seen since, in the order the groups first came (LastGroupByPerEventOutputRateLimiter).
class LastGroupByPerEvent final : public RateLimiter
{
public:
    LastGroupByPerEvent(AppContext *app, std::shared_ptr<EventLayout> layout,
                        QuerySelector *selector, int64_t n)
        : RateLimiter(app, std::move(layout), selector)
        , m_n(n)
    {}
    ~LastGroupByPerEvent() override { clearHeld(); }
    void process(EventChunk &chunk) override
    {
        for (size_t i = 0; i < chunk.events.size(); ++i) {
            Event *e = chunk.events[i];
            if (!isData(e))
                continue;
            Event *&slot = m_last[keyAt(i)];
            drop(slot);
            slot = keep(e);
            if (++m_count == m_n) {
                m_count = 0;
                for (auto &item : m_last.items()) {
                    sendOwned(item.second);
                    item.second = nullptr;
                }
                m_last.clear();
            }
        }
        send();
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    void clearHeld()
    {
        for (auto &item : m_last.items())
            drop(item.second);
        m_last.clear();
    }
    int64_t m_n;
    int64_t m_count = 0;
    OrderedMap<Event *> m_last;
};

// ---- output ... every <time> ----------------------------------------------------------------

// output all every t: the events of each period, sent together when it ends
// (AllPerTimeOutputRateLimiter).
class AllPerTime final : public RateLimiter
{
public:
    AllPerTime(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t period)
        : RateLimiter(app, std::move(layout), nullptr)
    {
        startTimer(period);
    }
    ~AllPerTime() override
    {
        for (Event *&e : m_held)
            drop(e);
    }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (isData(e))
                m_held.push_back(keep(e));
        }
    }

protected:
    void tick() override
    {
        for (Event *e : m_held)
            sendOwned(e);
        m_held.clear();
        send();
    }
    bool idle() const override { return m_held.empty(); }

private:
    std::vector<Event *> m_held;
};

// output first every t: the first event passes, then nothing until a period has gone by since
// it (FirstPerTimeOutputRateLimiter, which takes only the first event of a chunk).
class FirstPerTime final : public RateLimiter
{
public:
    FirstPerTime(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t period)
        : RateLimiter(app, std::move(layout), nullptr)
        , m_period(period)
    {}
    void process(EventChunk &chunk) override
    {
        if (chunk.empty())
            return;
        const int64_t t = now();
        if (!m_hasOutput || m_outputTime + m_period <= t) {
            m_hasOutput = true;
            m_outputTime = t;
            m_out.add(chunk.events.front());
        }
        send();
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    int64_t m_period;
    bool m_hasOutput = false;
    int64_t m_outputTime = 0;
};

// output first every t, with group by: per group (FirstGroupByPerTimeOutputRateLimiter).
class FirstGroupByPerTime final : public RateLimiter
{
public:
    FirstGroupByPerTime(AppContext *app, std::shared_ptr<EventLayout> layout,
                        QuerySelector *selector, int64_t period)
        : RateLimiter(app, std::move(layout), selector)
        , m_period(period)
    {}
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (size_t i = 0; i < chunk.events.size(); ++i) {
            Event *e = chunk.events[i];
            if (!isData(e))
                continue;
            const std::string &key = keyAt(i);
            auto it = m_outputTimes.find(key);
            if (it == m_outputTimes.end() || it->second + m_period <= t) {
                m_outputTimes[key] = t;
                m_out.add(e);
            }
        }
        send();
    }

protected:
    void tick() override {}
    bool idle() const override { return true; }

private:
    int64_t m_period;
    std::unordered_map<std::string, int64_t> m_outputTimes;
};

// output last every t: the last event of each period, when it ends
// (LastPerTimeOutputRateLimiter).
class LastPerTime final : public RateLimiter
{
public:
    LastPerTime(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t period)
        : RateLimiter(app, std::move(layout), nullptr)
    {
        startTimer(period);
    }
    ~LastPerTime() override { drop(m_last); }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (isData(e)) {
                drop(m_last);
                m_last = keep(e);
            }
        }
    }

protected:
    void tick() override
    {
        if (m_last) {
            sendOwned(m_last);
            m_last = nullptr;
        }
        send();
    }
    bool idle() const override { return !m_last; }

private:
    Event *m_last = nullptr;
};

// output last every t, with group by: the last event of each group in the period, in the
// order the groups first came (LastGroupByPerTimeOutputRateLimiter).
class LastGroupByPerTime final : public RateLimiter
{
public:
    LastGroupByPerTime(AppContext *app, std::shared_ptr<EventLayout> layout,
                       QuerySelector *selector, int64_t period)
        : RateLimiter(app, std::move(layout), selector)
    {
        startTimer(period);
    }
    ~LastGroupByPerTime() override
    {
        for (auto &item : m_last.items())
            drop(item.second);
    }
    void process(EventChunk &chunk) override
    {
        for (size_t i = 0; i < chunk.events.size(); ++i) {
            Event *e = chunk.events[i];
            if (!isData(e))
                continue;
            Event *&slot = m_last[keyAt(i)];
            drop(slot);
            slot = keep(e);
        }
    }

protected:
    void tick() override
    {
        for (auto &item : m_last.items()) {
            sendOwned(item.second);
            item.second = nullptr;
        }
        m_last.clear();
        send();
    }
    bool idle() const override { return m_last.empty(); }

private:
    OrderedMap<Event *> m_last;
};

// ---- output snapshot every <time> -----------------------------------------------------------

// Snapshot limiters send, every period, copies of what the query's output currently is. The
// copies keep their timestamps and types. Siddhi's WrappedSnapshotOutputRateLimiter picks one
// of the classes below.
class SnapshotLimiter : public RateLimiter
{
public:
    SnapshotLimiter(AppContext *app, std::shared_ptr<EventLayout> layout, QuerySelector *selector,
                    int64_t period)
        : RateLimiter(app, std::move(layout), selector)
    {
        startTimer(period);
    }
    void process(EventChunk &chunk) override
    {
        for (size_t i = 0; i < chunk.events.size(); ++i)
            handle(chunk.events[i], keyAt(i));
    }

protected:
    virtual void handle(Event *e, const std::string &key) = 0;
    void sendCopy(const Event *e) { sendOwned(keep(e)); }
};

// No window, no group by: the last current event (PerSnapshotOutputRateLimiter).
class PerSnapshot final : public SnapshotLimiter
{
public:
    using SnapshotLimiter::SnapshotLimiter;
    ~PerSnapshot() override { drop(m_last); }

protected:
    void handle(Event *e, const std::string &) override
    {
        flushIfDue(e->timestamp);
        if (e->type == EventType::Current) {
            drop(m_last);
            m_last = keep(e);
        }
    }
    void tick() override
    {
        if (m_last)
            sendCopy(m_last);
        send();
    }
    bool idle() const override { return !m_last; }

private:
    Event *m_last = nullptr;
};

// No window, group by: the last current event of each group (GroupByPerSnapshot...).
class GroupByPerSnapshot final : public SnapshotLimiter
{
public:
    using SnapshotLimiter::SnapshotLimiter;
    ~GroupByPerSnapshot() override
    {
        for (auto &item : m_last.items())
            drop(item.second);
    }

protected:
    void handle(Event *e, const std::string &key) override
    {
        if (e->type != EventType::Current)
            return;
        flushIfDue(e->timestamp);
        Event *&slot = m_last[key];
        drop(slot);
        slot = keep(e);
    }
    void tick() override
    {
        for (const auto &item : m_last.items())
            sendCopy(item.second);
        send();
    }
    bool idle() const override { return m_last.empty(); }

private:
    OrderedMap<Event *> m_last;
};

// A window and no aggregates: the events in the window. Expired events remove the first held
// event with the same output values; resets empty it (WindowedPerSnapshotOutputRateLimiter).
class WindowedPerSnapshot final : public SnapshotLimiter
{
public:
    using SnapshotLimiter::SnapshotLimiter;
    ~WindowedPerSnapshot() override { clear(); }

protected:
    void handle(Event *e, const std::string &) override
    {
        flushIfDue(e->timestamp);
        switch (e->type) {
        case EventType::Current:
            m_events.push_back(keep(e));
            break;
        case EventType::Expired:
            for (auto it = m_events.begin(); it != m_events.end(); ++it) {
                bool same = true;
                for (int i = 0; same && i < e->size; ++i)
                    same = sameValue(*it, e, i);
                if (same) {
                    m_layout->release(*it);
                    m_events.erase(it);
                    break;
                }
            }
            break;
        case EventType::Reset:
            clear();
            break;
        case EventType::Timer:
            break;
        }
    }
    void tick() override
    {
        for (const Event *e : m_events)
            sendCopy(e);
        send();
    }
    bool idle() const override { return m_events.empty(); }

private:
    void clear()
    {
        for (Event *&e : m_events)
            drop(e);
        m_events.clear();
    }
    std::vector<Event *> m_events;
};

// The latest value of each aggregate output attribute.
class AggregateValues
{
public:
    ~AggregateValues() { clear(); }
    void set(const Event *e, const std::vector<int> &positions)
    {
        if (m_values.empty())
            m_values.resize(size_t(e->size));
        for (int p : positions) {
            Slot &s = m_values[size_t(p)];
            s.release();
            s.type = e->layout->type(p);
            s.present = true;
            s.isNull = e->isNull(p);
            s.value = e->value(p);
            if (!s.isNull)
                retain(s.type, s.value);
        }
    }
    void apply(Event *copy, const std::vector<int> &positions) const
    {
        for (int p : positions) {
            const bool known = size_t(p) < m_values.size() && m_values[size_t(p)].present;
            if (!known) {
                copy->layout->set(copy, p, Value{}, true);
                continue;
            }
            const Slot &s = m_values[size_t(p)];
            copy->layout->set(copy, p, s.value, s.isNull);
        }
    }
    void clear()
    {
        for (Slot &s : m_values)
            s.release();
        m_values.clear();
    }

private:
    struct Slot
    {
        AttrType type = AttrType::Unknown;
        Value value{};
        bool isNull = true;
        bool present = false;
        void release()
        {
            if (present && !isNull)
                Runtime::release(type, value);
            present = false;
            isNull = true;
        }
    };
    std::vector<Slot> m_values;
};

// Siddhi's comparator for windowed snapshots with some aggregates: the other attributes are
// equal. It steps through the aggregate positions with the attribute index, so with aggregate
// positions that are not consecutive from the first it compares some of them too; kept as is.
bool sameNonAggregates(const Event *a, const Event *b, const std::vector<int> &positions)
{
    const int count = int(positions.size());
    int ignoreIndex = 0;
    int ignorePosition = count > 0 ? positions[0] : -1;
    for (int i = 0; i < a->size; ++i) {
        if (ignorePosition == i) {
            ++ignoreIndex;
            ignorePosition = ignoreIndex == count ? -1 : (i < count ? positions[size_t(i)] : -1);
            continue;
        }
        if (!sameValue(a, b, i))
            return false;
    }
    return true;
}

// A window, some aggregates, no group by: the events in the window, each with the latest
// aggregate values (AggregationWindowedPerSnapshotOutputRateLimiter).
class AggregationWindowedPerSnapshot final : public SnapshotLimiter
{
public:
    AggregationWindowedPerSnapshot(AppContext *app, std::shared_ptr<EventLayout> layout,
                                   QuerySelector *selector, int64_t period,
                                   std::vector<int> positions)
        : SnapshotLimiter(app, std::move(layout), selector, period)
        , m_positions(std::move(positions))
    {}
    ~AggregationWindowedPerSnapshot() override { clear(); }

protected:
    void handle(Event *e, const std::string &) override
    {
        flushIfDue(e->timestamp);
        switch (e->type) {
        case EventType::Current:
            m_events.push_back(keep(e));
            m_aggregates.set(e, m_positions);
            break;
        case EventType::Expired:
            for (auto it = m_events.begin(); it != m_events.end(); ++it) {
                if (sameNonAggregates(e, *it, m_positions)) {
                    m_layout->release(*it);
                    m_events.erase(it);
                    m_aggregates.set(e, m_positions);
                    break;
                }
            }
            break;
        case EventType::Reset:
            clear();
            break;
        case EventType::Timer:
            break;
        }
    }
    void tick() override
    {
        for (const Event *e : m_events) {
            Event *copy = keep(e);
            m_aggregates.apply(copy, m_positions);
            sendOwned(copy);
        }
        send();
    }
    bool idle() const override { return m_events.empty(); }

private:
    void clear()
    {
        for (Event *&e : m_events)
            drop(e);
        m_events.clear();
        m_aggregates.clear();
    }
    std::vector<int> m_positions;
    std::vector<Event *> m_events;
    AggregateValues m_aggregates;
};

// A window, only aggregates, no group by: the last current output; an expired event or a
// reset empties it (AllAggregationPerSnapshotOutputRateLimiter).
class AllAggregationPerSnapshot final : public SnapshotLimiter
{
public:
    using SnapshotLimiter::SnapshotLimiter;
    ~AllAggregationPerSnapshot() override { drop(m_last); }

protected:
    void handle(Event *e, const std::string &) override
    {
        flushIfDue(e->timestamp);
        drop(m_last);
        if (e->type == EventType::Current)
            m_last = keep(e);
    }
    void tick() override
    {
        if (m_last)
            sendCopy(m_last);
        send();
    }
    bool idle() const override { return !m_last; }

private:
    Event *m_last = nullptr;
};

// A window, some aggregates, group by: the first held event of each group, with that group's
// latest aggregate values (AggregationGroupByWindowedPerSnapshotOutputRateLimiter).
class AggregationGroupByWindowedPerSnapshot final : public SnapshotLimiter
{
public:
    AggregationGroupByWindowedPerSnapshot(AppContext *app, std::shared_ptr<EventLayout> layout,
                                          QuerySelector *selector, int64_t period,
                                          std::vector<int> positions)
        : SnapshotLimiter(app, std::move(layout), selector, period)
        , m_positions(std::move(positions))
    {}
    ~AggregationGroupByWindowedPerSnapshot() override { clear(); }

protected:
    void handle(Event *e, const std::string &key) override
    {
        flushIfDue(e->timestamp);
        AggregateValues &values = m_aggregates[key];
        switch (e->type) {
        case EventType::Current:
            m_events.emplace_back(key, keep(e));
            values.set(e, m_positions);
            break;
        case EventType::Expired:
            for (auto it = m_events.begin(); it != m_events.end(); ++it) {
                if (sameNonAggregates(it->second, e, m_positions)) {
                    m_layout->release(it->second);
                    m_events.erase(it);
                    values.set(e, m_positions);
                    break;
                }
            }
            break;
        case EventType::Reset:
            clear();
            break;
        case EventType::Timer:
            break;
        }
    }
    void tick() override
    {
        std::unordered_map<std::string, bool> sent;
        for (const auto &[key, e] : m_events) {
            if (!sent.emplace(key, true).second)
                continue;
            Event *copy = keep(e);
            m_aggregates[key].apply(copy, m_positions);
            sendOwned(copy);
        }
        send();
    }
    bool idle() const override { return m_events.empty(); }

private:
    void clear()
    {
        for (auto &item : m_events)
            drop(item.second);
        m_events.clear();
        m_aggregates.clear();
    }
    std::vector<int> m_positions;
    std::vector<std::pair<std::string, Event *>> m_events;
    std::unordered_map<std::string, AggregateValues> m_aggregates;
};

// A window, only aggregates, group by: the last output of each group still in the window
// (count of current minus expired above zero), which may be an expired output
// (AllAggregationGroupByWindowedPerSnapshotOutputRateLimiter).
class AllAggregationGroupByWindowedPerSnapshot final : public SnapshotLimiter
{
public:
    using SnapshotLimiter::SnapshotLimiter;
    ~AllAggregationGroupByWindowedPerSnapshot() override { clear(); }

protected:
    void handle(Event *e, const std::string &key) override
    {
        flushIfDue(e->timestamp);
        if (e->type == EventType::Reset) {
            clear();
            return;
        }
        if (!isData(e))
            return;
        Holder &h = m_groups[key];
        drop(h.last);
        h.last = keep(e);
        h.count += e->type == EventType::Current ? 1 : -1;
    }
    void tick() override
    {
        m_groups.removeIf([this](Holder &h) {
            if (h.count > 0)
                return false;
            drop(h.last);
            return true;
        });
        for (const auto &item : m_groups.items())
            sendCopy(item.second.last);
        send();
    }
    bool idle() const override { return m_groups.empty(); }

private:
    struct Holder
    {
        int64_t count = 0;
        Event *last = nullptr;
    };
    void clear()
    {
        for (auto &item : m_groups.items())
            drop(item.second.last);
        m_groups.clear();
    }
    OrderedMap<Holder> m_groups;
};

bool isAggregateCall(const Lang::Ast::Expr &e)
{
    return e.kind == Lang::Ast::ExprKind::Function && e.call.builtin
           && e.call.builtin->kind == Lang::BuiltinKind::Aggregate;
}

bool queryHasWindow(const Lang::Ast::Query &query)
{
    using Lang::Ast::InputStream;
    if (query.input.kind == InputStream::Join)
        return true;
    if (query.input.kind == InputStream::Single || query.input.kind == InputStream::Anonymous)
        return query.input.single.window() != nullptr;
    return false;
}

} // namespace

std::unique_ptr<Processor> makeRateLimiter(const Lang::Ast::Query &query, AppContext *app,
                                           std::shared_ptr<EventLayout> layout,
                                           QuerySelector *selector, QString *error)
{
    const OutputRate &rate = query.rate;
    const bool groupBy = !query.selector.groupBy.empty();
    if (groupBy && !selector) {
        *error = QStringLiteral("output rate limiting with group by needs the query's selector");
        return nullptr;
    }
    if (selector && groupBy)
        selector->provideGroupKeys = true;
    switch (rate.kind) {
    case OutputRate::None:
        break;
    case OutputRate::Events: {
        const int64_t n = rate.value;
        if (n <= 0) {
            *error = QStringLiteral("the output rate must be above zero events");
            return nullptr;
        }
        switch (rate.type) {
        case OutputRate::All:
            return std::make_unique<AllPerEvent>(app, std::move(layout), n);
        case OutputRate::First:
            if (groupBy)
                return std::make_unique<FirstGroupByPerEvent>(app, std::move(layout), selector, n);
            return std::make_unique<FirstPerEvent>(app, std::move(layout), n);
        case OutputRate::Last:
            if (groupBy)
                return std::make_unique<LastGroupByPerEvent>(app, std::move(layout), selector, n);
            return std::make_unique<LastPerEvent>(app, std::move(layout), n);
        }
        break;
    }
    case OutputRate::Time: {
        const int64_t t = rate.value;
        switch (rate.type) {
        case OutputRate::All:
            return std::make_unique<AllPerTime>(app, std::move(layout), t);
        case OutputRate::First:
            if (groupBy)
                return std::make_unique<FirstGroupByPerTime>(app, std::move(layout), selector, t);
            return std::make_unique<FirstPerTime>(app, std::move(layout), t);
        case OutputRate::Last:
            if (groupBy)
                return std::make_unique<LastGroupByPerTime>(app, std::move(layout), selector, t);
            return std::make_unique<LastPerTime>(app, std::move(layout), t);
        }
        break;
    }
    case OutputRate::Snapshot: {
        const int64_t t = rate.value;
        // Snapshots need every output of the selector, resets included (Siddhi turns the
        // selector's batching off for them).
        if (selector) {
            selector->batchingEnabled = false;
            selector->forwardResets = !groupBy;
        }
        std::vector<int> aggregates;
        const auto &attributes = query.selector.attributes;
        const bool star = !query.selector.present || query.selector.star;
        for (size_t i = 0; !star && i < attributes.size(); ++i) {
            if (isAggregateCall(*attributes[i].expr))
                aggregates.push_back(int(i));
        }
        const int outputs = layout->size();
        if (!queryHasWindow(query)) {
            if (groupBy)
                return std::make_unique<GroupByPerSnapshot>(app, std::move(layout), selector, t);
            return std::make_unique<PerSnapshot>(app, std::move(layout), selector, t);
        }
        if (groupBy) {
            if (!aggregates.empty() && int(aggregates.size()) == outputs)
                return std::make_unique<AllAggregationGroupByWindowedPerSnapshot>(
                    app, std::move(layout), selector, t);
            if (!aggregates.empty())
                return std::make_unique<AggregationGroupByWindowedPerSnapshot>(
                    app, std::move(layout), selector, t, std::move(aggregates));
            return std::make_unique<WindowedPerSnapshot>(app, std::move(layout), selector, t);
        }
        if (!aggregates.empty() && int(aggregates.size()) == outputs)
            return std::make_unique<AllAggregationPerSnapshot>(app, std::move(layout), selector, t);
        if (!aggregates.empty())
            return std::make_unique<AggregationWindowedPerSnapshot>(
                app, std::move(layout), selector, t, std::move(aggregates));
        return std::make_unique<WindowedPerSnapshot>(app, std::move(layout), selector, t);
    }
    }
    *error = QStringLiteral("unknown output rate");
    return nullptr;
}

} // namespace Rivulet::Runtime
