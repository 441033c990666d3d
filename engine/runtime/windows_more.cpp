// The remaining windows of Siddhi 5: batch, sort, frequent, lossyFrequent and session here;
// timeLength, externalTime, externalTimeBatch, delay and cron in windows_time.cpp; expression
// and expressionBatch in windows_expression.cpp.
#include "appcontext.h"
#include "window.h"
#include "windowsupport.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <unordered_map>

namespace Rivulet::Runtime {

std::unique_ptr<WindowProcessor> makeTimedWindow(const Lang::Ast::Call &call, AppContext *app,
                                                 std::shared_ptr<EventLayout> layout,
                                                 std::vector<EvaluatorPtr> &args, QString *error);
std::unique_ptr<WindowProcessor> makeExpressionWindow(const Lang::Ast::Call &call, AppContext *app,
                                                      std::shared_ptr<EventLayout> layout,
                                                      std::vector<EvaluatorPtr> &args,
                                                      QString *error);

namespace {

// batch(length): the events that arrive together (one chunk) form a batch, cut into pieces of
// `length` when given (BatchWindowProcessor). The previous batch expires when the next arrives,
// stamped with the current time: [expired previous batch, reset, new batch].
class BatchWindow final : public WindowProcessor
{
public:
    BatchWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t length)
        : WindowProcessor(app, std::move(layout))
        , m_length(length)
    {}
    ~BatchWindow() override
    {
        releaseAll(m_expired);
        if (m_reset)
            m_layout->release(m_reset);
    }
    bool isBatching() const override { return true; }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        if (outputExpectsExpired) {
            if (!m_expired.empty()) {
                for (Event *x : m_expired) {
                    x->timestamp = t;
                    m_out.add(x);
                    handOver(x);
                }
                m_expired.clear();
                if (m_reset) {
                    m_out.add(m_reset);
                    handOver(m_reset);
                    m_reset = nullptr;
                }
            }
        }
        std::vector<Event *> batch;
        for (Event *e : chunk.events) {
            if (!isDataEvent(e))
                continue;
            if (outputExpectsExpired)
                m_expired.push_back(cloneAs(e, EventType::Expired));
            batch.push_back(e);
            if (m_length > 0 && int64_t(batch.size()) == m_length)
                flush(batch);
        }
        if (!batch.empty())
            flush(batch);
        else
            emit(true);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_expired.begin(), m_expired.end());
    }

protected:
    void timerTick(int64_t) override {}

private:
    static bool isDataEvent(const Event *e)
    {
        return e->type == EventType::Current || e->type == EventType::Expired;
    }
    void flush(std::vector<Event *> &batch)
    {
        if (m_reset) {
            m_out.add(m_reset);
            handOver(m_reset);
        }
        m_reset = cloneAs(batch.front(), EventType::Reset);
        for (Event *e : batch)
            m_out.add(e);
        batch.clear();
        emit(true);
    }
    int64_t m_length;
    std::deque<Event *> m_expired;
    Event *m_reset = nullptr;
};

struct SortKey
{
    int index;
    AttrType type;
    bool descending;
};

int compareValues(AttrType type, const Event *a, const Event *b, int index)
{
    const bool an = a->isNull(index), bn = b->isNull(index);
    if (an || bn)
        return an == bn ? 0 : (an ? -1 : 1);
    const Value x = a->value(index), y = b->value(index);
    switch (type) {
    case AttrType::String:
        return x.s->compare(y.s);
    case AttrType::Bool:
        return int(x.b) - int(y.b);
    case AttrType::Int:
    case AttrType::Long: {
        const int64_t p = toLong(type, x), q = toLong(type, y);
        return p < q ? -1 : p > q ? 1 : 0;
    }
    case AttrType::Float:
    case AttrType::Double: {
        const double p = toDouble(type, x), q = toDouble(type, y);
        return p < q ? -1 : p > q ? 1 : 0;
    }
    default:
        return 0;
    }
}

// sort(length, attr [asc|desc], ...): keeps the `length` events that sort first. As
// SortWindowProcessor, the arriving event passes first; when the window then holds one event
// too many, the one that sorts last leaves as an expired event (stamped with the current
// time). Ties keep arrival order (Java's sort is stable), so among equals the latest leaves.
class SortWindow final : public WindowProcessor
{
public:
    SortWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t length,
               std::vector<SortKey> keys)
        : WindowProcessor(app, std::move(layout))
        , m_length(length)
        , m_keys(std::move(keys))
    {}
    ~SortWindow() override
    {
        for (Event *e : m_sorted)
            m_layout->release(e);
    }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            Event *clone = cloneAs(e, EventType::Expired);
            m_out.add(e);
            const auto at = std::upper_bound(
                m_sorted.begin(), m_sorted.end(), clone,
                [this](const Event *a, const Event *b) { return compare(a, b) < 0; });
            m_sorted.insert(at, clone);
            if (int64_t(m_sorted.size()) > m_length) {
                Event *x = m_sorted.back();
                m_sorted.pop_back();
                x->timestamp = t;
                m_out.add(x);
                handOver(x);
            }
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        out.insert(out.end(), m_sorted.begin(), m_sorted.end());
    }

protected:
    void timerTick(int64_t) override {}

private:
    int compare(const Event *a, const Event *b) const
    {
        for (const SortKey &k : m_keys) {
            const int c = compareValues(k.type, a, b, k.index);
            if (c != 0)
                return k.descending ? -c : c;
        }
        return 0;
    }
    int64_t m_length;
    std::vector<SortKey> m_keys;
    std::vector<Event *> m_sorted;
};

// The text Siddhi's frequent windows key events by: the Java text of the chosen attributes (all
// when none is given), one after the other.
QString frequencyKey(const Event *e, const std::vector<int> &attributes)
{
    QString key;
    const EventLayout *l = e->layout;
    if (attributes.empty()) {
        for (int i = 0; i < l->size(); ++i)
            key += valueToString(l->type(i), e->value(i), e->isNull(i));
    } else {
        for (int i : attributes)
            key += valueToString(l->type(i), e->value(i), e->isNull(i));
    }
    return key;
}

// frequent(count, attrs...): the Misra-Gries frequent-items window (FrequentWindowProcessor).
// An event whose key is held replaces the held event and passes. A new key passes when there
// is room; otherwise every held count drops by one, keys reaching zero leave as expired events
// (before the new event), and the new event passes only if that made room.
class FrequentWindow final : public WindowProcessor
{
public:
    FrequentWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t count,
                   std::vector<int> attributes)
        : WindowProcessor(app, std::move(layout))
        , m_count(count)
        , m_attributes(std::move(attributes))
    {}
    ~FrequentWindow() override
    {
        for (auto &kv : m_entries)
            m_layout->release(kv.second.event);
    }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            const QString key = frequencyKey(e, m_attributes);
            Event *clone = cloneAs(e, EventType::Expired);
            auto it = m_entries.find(key);
            if (it != m_entries.end()) {
                m_layout->release(it->second.event);
                it->second.event = clone;
                ++it->second.count;
                m_out.add(e);
                continue;
            }
            if (int64_t(m_entries.size()) + 1 > m_count) {
                // Walk the counted keys in the order Java's map holds them.
                std::vector<decltype(m_entries)::iterator> keys;
                for (auto k = m_entries.begin(); k != m_entries.end(); ++k)
                    keys.push_back(k);
                std::sort(keys.begin(), keys.end(), [this](auto a, auto b) {
                    return m_order.before(a->second.position, b->second.position);
                });
                for (auto k : keys) {
                    if (--k->second.count == 0) {
                        Event *x = k->second.event;
                        x->timestamp = t;
                        m_out.add(x);
                        handOver(x);
                        m_entries.erase(k);
                    }
                }
                if (int64_t(m_entries.size()) + 1 > m_count) {
                    m_layout->release(clone); // no room: the event is dropped
                    continue;
                }
            }
            Entry entry;
            entry.event = clone;
            entry.count = 1;
            entry.position = m_order.next(key);
            m_entries.emplace(key, entry);
            m_order.grewTo(m_entries.size());
            m_out.add(e);
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        for (const auto &kv : m_entries)
            out.push_back(kv.second.event);
    }

protected:
    void timerTick(int64_t) override {}

private:
    struct Entry
    {
        Event *event = nullptr;
        int64_t count = 0;
        JavaHashOrder::Position position;
    };
    int64_t m_count;
    std::vector<int> m_attributes;
    std::unordered_map<QString, Entry> m_entries;
    JavaHashOrder m_order;
};

// lossyFrequent(support, error, attrs...): lossy counting (LossyFrequentWindowProcessor). An
// event passes when its key's count reaches (support - error) x events seen; every
// ceil(1/error) events, keys whose count + bucket is at most the current bucket leave as
// expired events.
class LossyFrequentWindow final : public WindowProcessor
{
public:
    LossyFrequentWindow(AppContext *app, std::shared_ptr<EventLayout> layout, double support,
                        double error, std::vector<int> attributes)
        : WindowProcessor(app, std::move(layout))
        , m_support(support)
        , m_error(error)
        , m_windowWidth(std::ceil(1 / error))
        , m_attributes(std::move(attributes))
    {}
    ~LossyFrequentWindow() override
    {
        for (auto &kv : m_entries)
            m_layout->release(kv.second.event);
    }
    void process(EventChunk &chunk) override
    {
        const int64_t t = now();
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            ++m_total;
            if (m_total != 1)
                m_bucket = std::ceil(double(m_total) / m_windowWidth);
            const QString key = frequencyKey(e, m_attributes);
            Event *clone = cloneAs(e, EventType::Expired);
            auto it = m_entries.find(key);
            if (it != m_entries.end()) {
                m_layout->release(it->second.event);
                it->second.event = clone;
                ++it->second.count;
            } else {
                Entry entry;
                entry.event = clone;
                entry.count = 1;
                entry.bucket = int64_t(m_bucket) - 1;
                entry.position = m_order.next(key);
                it = m_entries.emplace(key, entry).first;
                m_order.grewTo(m_entries.size());
            }
            if (double(it->second.count) >= (m_support - m_error) * double(m_total))
                m_out.add(e);
            if (std::fmod(double(m_total), m_windowWidth) == 0) {
                std::vector<decltype(m_entries)::iterator> keys;
                for (auto k = m_entries.begin(); k != m_entries.end(); ++k)
                    keys.push_back(k);
                std::sort(keys.begin(), keys.end(), [this](auto a, auto b) {
                    return m_order.before(a->second.position, b->second.position);
                });
                for (auto k : keys) {
                    if (double(k->second.count + k->second.bucket) <= m_bucket) {
                        Event *x = k->second.event;
                        x->timestamp = t;
                        m_out.add(x);
                        handOver(x);
                        m_entries.erase(k);
                    }
                }
            }
        }
        emit(false);
    }
    void contents(std::vector<Event *> &out) const override
    {
        for (const auto &kv : m_entries)
            out.push_back(kv.second.event);
    }

protected:
    void timerTick(int64_t) override {}

private:
    struct Entry
    {
        Event *event = nullptr;
        int64_t count = 0;
        int64_t bucket = 0;
        JavaHashOrder::Position position;
    };
    double m_support;
    double m_error;
    double m_windowWidth;
    std::vector<int> m_attributes;
    int64_t m_total = 0;
    double m_bucket = 1;
    std::unordered_map<QString, Entry> m_entries;
    JavaHashOrder m_order;
};

// The events of a session, linked as Siddhi's ComplexEventChunk links them, with the same
// iterator state: Siddhi inserts late events "before the current position", a position that
// persists between calls, and the order of the expired events follows it.
struct SessionNode
{
    Event *event;
    SessionNode *next;
};

class SessionChunk
{
public:
    SessionNode *first = nullptr;
    SessionNode *last = nullptr;
    int64_t start = 0;
    int64_t end = 0;
    int64_t alive = 0;

    bool empty() const { return first == nullptr; }
    void add(SessionNode *chain)
    {
        if (!chain)
            return;
        if (!first)
            first = chain;
        else
            last->next = chain;
        last = tail(chain);
    }
    bool hasNext() const
    {
        if (m_lastReturned)
            return m_lastReturned->next != nullptr;
        if (m_previous)
            return m_previous->next != nullptr;
        return first != nullptr;
    }
    void next()
    {
        SessionNode *n;
        if (m_lastReturned) {
            n = m_lastReturned->next;
            m_previous = m_lastReturned;
        } else if (m_previous) {
            n = m_previous->next;
        } else {
            n = first;
        }
        m_lastReturned = n;
    }
    void insertBeforeCurrent(SessionNode *chain)
    {
        SessionNode *end = tail(chain);
        if (!m_lastReturned) {
            // Siddhi would throw here; put the events first.
            end->next = first;
            first = chain;
            if (!last)
                last = end;
            return;
        }
        if (m_previous)
            m_previous->next = chain;
        else
            first = chain;
        m_previous = end;
        end->next = m_lastReturned;
    }
    void setTimes(int64_t s, int64_t e, int64_t a)
    {
        start = s;
        end = e;
        alive = a;
    }
    // Hands the chain over and leaves the chunk empty.
    SessionNode *take()
    {
        SessionNode *chain = first;
        first = last = m_previous = m_lastReturned = nullptr;
        return chain;
    }

private:
    static SessionNode *tail(SessionNode *n)
    {
        while (n->next)
            n = n->next;
        return n;
    }
    SessionNode *m_previous = nullptr;
    SessionNode *m_lastReturned = nullptr;
};

// session(gap, key, allowed.latency): SessionWindowProcessor. Current events pass at once; a
// session (per key) ends `gap` after its last event, and its events then leave as expired
// events with their own timestamps. With an allowed latency the ended session is kept that much
// longer as the previous session, for late events, and merged back when a late event bridges
// the gap. To aggregate per session, group by the session key (as Siddhi's documentation says).
class SessionWindow final : public WindowProcessor
{
public:
    SessionWindow(AppContext *app, std::shared_ptr<EventLayout> layout, int64_t gap, int keyIndex,
                  int64_t latency)
        : WindowProcessor(app, std::move(layout))
        , m_gap(gap)
        , m_keyIndex(keyIndex)
        , m_latency(latency)
    {}
    ~SessionWindow() override
    {
        for (auto &kv : m_sessions) {
            freeChain(kv.second->current.take());
            freeChain(kv.second->previous.take());
        }
        freeChain(m_expired.take());
        for (SessionNode *n : m_freeNodes)
            delete n;
    }
    void process(EventChunk &chunk) override
    {
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current)
                continue;
            const int64_t ts = e->timestamp;
            const int64_t maxTs = ts + m_gap;
            const int64_t alive = maxTs + m_latency;
            Container &c = container(keyOf(e));
            SessionNode *n = node(cloneAs(e, EventType::Expired));
            SessionChunk &current = c.current;
            bool pass = true;
            if (current.empty()) {
                current.add(n);
                current.setTimes(ts, maxTs, alive);
                m_app->scheduler.notifyAt(this, maxTs);
            } else if (ts >= current.start) {
                if (ts <= current.end) {
                    current.setTimes(current.start, maxTs, alive);
                    current.add(n);
                    m_app->scheduler.notifyAt(this, maxTs);
                } else if (m_latency > 0) {
                    moveCurrentToPrevious(c);
                    current.setTimes(ts, maxTs, alive);
                    current.add(n);
                    m_app->scheduler.notifyAt(this, maxTs);
                } else {
                    // Siddhi keeps it in no session (its timer has not ended the session yet).
                    freeChain(n);
                }
            } else {
                pass = addLateEvent(c, ts, n);
            }
            if (pass)
                m_out.add(e);
        }
        flushExpired();
    }
    void contents(std::vector<Event *> &out) const override
    {
        for (const auto &kv : m_sessions) {
            for (SessionNode *n = kv.second->current.first; n; n = n->next)
                out.push_back(n->event);
            for (SessionNode *n = kv.second->previous.first; n; n = n->next)
                out.push_back(n->event);
        }
    }

protected:
    void timerTick(int64_t at) override
    {
        currentSessionTimeout(at);
        if (m_latency > 0)
            previousSessionTimeout(at);
        flushExpired();
    }

private:
    struct Container
    {
        SessionChunk current;
        SessionChunk previous;
        JavaHashOrder::Position position;
    };

    std::string keyOf(const Event *e) const
    {
        if (m_keyIndex < 0)
            return "default-key";
        if (e->isNull(m_keyIndex))
            return "null";
        const StringData *s = e->value(m_keyIndex).s;
        return std::string(s->data, size_t(s->size));
    }
    Container &container(const std::string &key)
    {
        auto it = m_sessions.find(key);
        if (it == m_sessions.end()) {
            auto c = std::make_unique<Container>();
            c->position = m_order.next(QString::fromUtf8(key.data(), qsizetype(key.size())));
            it = m_sessions.emplace(key, std::move(c)).first;
            m_order.grewTo(m_sessions.size());
        }
        return *it->second;
    }
    SessionNode *node(Event *e)
    {
        SessionNode *n;
        if (!m_freeNodes.empty()) {
            n = m_freeNodes.back();
            m_freeNodes.pop_back();
        } else {
            n = new SessionNode;
        }
        n->event = e;
        n->next = nullptr;
        return n;
    }
    void freeChain(SessionNode *n)
    {
        while (n) {
            SessionNode *next = n->next;
            m_layout->release(n->event);
            m_freeNodes.push_back(n);
            n = next;
        }
    }
    void moveCurrentToPrevious(Container &c)
    {
        SessionChunk &current = c.current;
        SessionChunk &previous = c.previous;
        if (!previous.empty())
            m_expired.add(previous.take());
        const int64_t s = current.start, e = current.end, a = current.alive;
        previous.add(current.take());
        previous.setTimes(s, e, a);
        m_app->scheduler.notifyAt(this, a);
    }
    // Merges the previous session into the next when they are within a gap of each other.
    void mergeWindows(SessionChunk &previous, SessionChunk &next)
    {
        if (!previous.empty() && previous.end >= next.start - m_gap) {
            if (next.hasNext())
                next.next();
            const int64_t start = previous.start;
            next.insertBeforeCurrent(previous.take());
            next.start = start;
        }
    }
    // A late event (older than its key's current session). Returns whether it passes on.
    bool addLateEvent(Container &c, int64_t ts, SessionNode *n)
    {
        SessionChunk &current = c.current;
        SessionChunk &previous = c.previous;
        if (ts >= current.start - m_gap) {
            if (current.hasNext())
                current.next();
            current.insertBeforeCurrent(n);
            current.start = ts;
            if (m_latency > 0)
                mergeWindows(previous, current);
            return true;
        }
        if (m_latency > 0 && !previous.empty() && ts >= previous.start - m_gap) {
            previous.add(n);
            if (ts <= previous.end - m_gap && ts < previous.start) {
                previous.start = ts;
            } else {
                previous.end = ts + m_gap;
                previous.alive = ts + m_gap + m_latency;
                mergeWindows(previous, current);
            }
            return true;
        }
        // Too late: its session has timed out (Siddhi logs it and drops it).
        m_app->log(LogLevel::Info,
                   QStringLiteral("window session: an event at %1 is late and its session has "
                                  "timed out")
                       .arg(ts));
        freeChain(n);
        return false;
    }
    std::vector<Container *> ordered(bool current)
    {
        std::vector<Container *> list;
        for (auto &kv : m_sessions) {
            const SessionChunk &s = current ? kv.second->current : kv.second->previous;
            if (!s.empty())
                list.push_back(kv.second.get());
        }
        // By end time; equal ends in the order of Java's hash map.
        std::sort(list.begin(), list.end(),
                  [this, current](const Container *a, const Container *b) {
                      const int64_t ea = current ? a->current.end : a->previous.end;
                      const int64_t eb = current ? b->current.end : b->previous.end;
                      if (ea != eb)
                          return ea < eb;
                      return m_order.before(a->position, b->position);
                  });
        return list;
    }
    void currentSessionTimeout(int64_t at)
    {
        for (Container *c : ordered(true)) {
            SessionChunk &current = c->current;
            if (at < current.end)
                break;
            if (m_latency > 0) {
                const int64_t s = current.start, e = current.end, a = current.alive;
                c->previous.add(current.take());
                c->previous.setTimes(s, e, a);
                m_app->scheduler.notifyAt(this, a);
            } else {
                m_expired.add(current.take());
            }
        }
    }
    void previousSessionTimeout(int64_t at)
    {
        for (Container *c : ordered(false)) {
            if (at < c->previous.alive)
                break;
            m_expired.add(c->previous.take());
        }
    }
    void flushExpired()
    {
        SessionNode *n = m_expired.take();
        while (n) {
            SessionNode *next = n->next;
            m_out.add(n->event);
            handOver(n->event);
            m_freeNodes.push_back(n);
            n = next;
        }
        // Forget keys with no session left, so that memory follows the live sessions.
        for (auto it = m_sessions.begin(); it != m_sessions.end();) {
            if (it->second->current.empty() && it->second->previous.empty())
                it = m_sessions.erase(it);
            else
                ++it;
        }
        emit(false);
    }

    int64_t m_gap;
    int m_keyIndex;
    int64_t m_latency;
    std::unordered_map<std::string, std::unique_ptr<Container>> m_sessions;
    JavaHashOrder m_order;
    SessionChunk m_expired;
    std::vector<SessionNode *> m_freeNodes;
};

} // namespace

std::unique_ptr<WindowProcessor> makeOtherWindow(const Lang::Ast::Call &call, AppContext *app,
                                                 std::shared_ptr<EventLayout> layout,
                                                 std::vector<EvaluatorPtr> args, QString *error)
{
    using Lang::Ast::ExprKind;
    const QString &name = call.name;
    auto isAttribute = [&](size_t i) {
        return i < call.args.size() && call.args[i]->kind == ExprKind::Variable
               && call.args[i]->attrIndex >= 0;
    };
    if (call.ns.isEmpty()) {
        if (auto w = makeTimedWindow(call, app, layout, args, error); w || !error->isEmpty())
            return w;
        if (auto w = makeExpressionWindow(call, app, layout, args, error); w || !error->isEmpty())
            return w;
        if (name == QLatin1String("batch"))
            return std::make_unique<BatchWindow>(app, std::move(layout),
                                                 args.empty() ? 0 : constantLong(*args[0]));
        if (name == QLatin1String("sort")) {
            std::vector<SortKey> keys;
            for (size_t i = 1; i < call.args.size(); ++i) {
                if (!isAttribute(i)) {
                    *error = QStringLiteral("window sort takes attributes, each optionally "
                                            "followed by 'asc' or 'desc'");
                    return nullptr;
                }
                SortKey key{call.args[i]->attrIndex, layout->type(call.args[i]->attrIndex), false};
                if (i + 1 < call.args.size() && call.args[i + 1]->isConstant()
                    && call.args[i + 1]->constant.type == AttrType::String) {
                    key.descending = call.args[i + 1]->constant.stringValue.compare(
                                         QLatin1String("desc"), Qt::CaseInsensitive)
                                     == 0;
                    ++i;
                }
                keys.push_back(key);
            }
            return std::make_unique<SortWindow>(app, std::move(layout), constantLong(*args[0]),
                                                std::move(keys));
        }
        if (name == QLatin1String("frequent")) {
            std::vector<int> attributes;
            for (size_t i = 1; i < call.args.size(); ++i) {
                if (!isAttribute(i)) {
                    *error = QStringLiteral("window frequent takes attributes after the count");
                    return nullptr;
                }
                attributes.push_back(call.args[i]->attrIndex);
            }
            return std::make_unique<FrequentWindow>(app, std::move(layout), constantLong(*args[0]),
                                                    std::move(attributes));
        }
        if (name == QLatin1String("lossyFrequent")) {
            const double support = constantDouble(*args[0]);
            // Siddhi requires the error bound before the attributes; Rivulet also accepts
            // attributes right after the support, with the default error bound.
            size_t firstAttribute = 1;
            double errorBound = support / 10;
            if (call.args.size() > 1 && call.args[1]->isConstant()) {
                errorBound = constantDouble(*args[1]);
                firstAttribute = 2;
            }
            if (support < 0 || support > 1 || errorBound <= 0 || errorBound > 1) {
                *error = QStringLiteral("window lossyFrequent needs a support and an error bound "
                                        "between 0 and 1");
                return nullptr;
            }
            std::vector<int> attributes;
            for (size_t i = firstAttribute; i < call.args.size(); ++i) {
                if (!isAttribute(i)) {
                    *error = QStringLiteral("window lossyFrequent takes attributes after the "
                                            "support and the error bound");
                    return nullptr;
                }
                attributes.push_back(call.args[i]->attrIndex);
            }
            return std::make_unique<LossyFrequentWindow>(app, std::move(layout), support,
                                                         errorBound, std::move(attributes));
        }
        if (name == QLatin1String("session")) {
            const int64_t gap = constantLong(*args[0]);
            int keyIndex = -1;
            int64_t latency = 0;
            for (size_t i = 1; i < call.args.size(); ++i) {
                if (isAttribute(i) && layout->type(call.args[i]->attrIndex) == AttrType::String
                    && keyIndex < 0 && i == 1)
                    keyIndex = call.args[i]->attrIndex;
                else if (call.args[i]->isConstant())
                    latency = constantLong(*args[i]);
                else {
                    *error = QStringLiteral("window session takes a gap, a string key attribute "
                                            "and an allowed latency");
                    return nullptr;
                }
            }
            if (latency > gap) {
                *error = QStringLiteral("the allowed latency of window session cannot be longer "
                                        "than its gap");
                return nullptr;
            }
            return std::make_unique<SessionWindow>(app, std::move(layout), gap, keyIndex, latency);
        }
    }
    *error = QStringLiteral("window '%1' is not available in Rivulet").arg(call.qualifiedName());
    return nullptr;
}

} // namespace Rivulet::Runtime
