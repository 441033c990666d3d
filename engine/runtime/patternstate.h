#pragma once

#include "clock.h"
#include "event.h"
#include "expression.h"
#include "fault.h"
#include "processor.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// The runtime of patterns and sequences. It follows the structure of Siddhi 5's state machine
// (io.siddhi.core.query.input.stream.state): one "pre" stage per stream element that holds the
// partial matches waiting for it, one "post" stage that hands a match on (to the next element, to
// the element an `every` restarts, to the selector), and receivers that settle the states before
// each event. The behaviour, including the corner cases of counting, logical and absent elements,
// is Siddhi's; the data structures are ours: partial matches are pooled, reference-counted state
// events shared between the lists that hold them (as Siddhi shares StateEvent objects), and an
// incoming event is copied once, only when some state keeps it.
namespace Rivulet::Runtime {

class AppContext;
class QuerySelector;

namespace Pattern {

enum class StateType : uint8_t { Pattern, Sequence };

class StateRuntime;
class PreState;
class PostState;
class CountPreState;

// A partial match. ev.slots holds, per internal slot, the matched event (the last one for a
// counting element, whose events are in ev.collections). Each stored event holds one reference
// (Event::reserved counts them for the events this runtime keeps).
struct PState
{
    explicit PState(int slots)
        : ev(slots)
    {}
    StateEvent ev;
    uint32_t refs = 0;
    PreState *indexedIn = nullptr; // the indexed element whose pending list holds it
};

// A list of partial matches; holds a reference to each.
class StateList
{
public:
    explicit StateList(StateRuntime *rt)
        : m_rt(rt)
    {}
    ~StateList();
    StateList(const StateList &) = delete;
    StateList &operator=(const StateList &) = delete;

    bool empty() const { return m_head == m_items.size(); }
    size_t size() const { return m_items.size() - m_head; }
    PState *at(size_t i) const { return m_items[m_head + i]; }
    void push(PState *s);
    void clear();
    // Removes the first n (dropping their references).
    void popFront(size_t n);
    // Moves every item of other to the end of this list.
    void takeAll(StateList &other);
    bool remove(PState *s);
    void sortByTimestamp();

    // In-place filtering: visit(s) returns true to keep s.
    template<class Visit>
    void retain(Visit visit);

private:
    friend class StateRuntime;
    StateRuntime *m_rt;
    std::vector<PState *> m_items;
    size_t m_head = 0;
};

// ---- post stages ---------------------------------------------------------------------------

class PostState
{
public:
    explicit PostState(StateRuntime *rt)
        : m_rt(rt)
    {}
    virtual ~PostState();

    int stateId = -1; // internal slot
    PreState *thisPre = nullptr;
    PreState *nextPre = nullptr;
    PreState *nextEvery = nullptr;
    CountPreState *callbackPre = nullptr;
    bool toSelector = false; // the last stage: completed matches go to the selector
    bool returned = false;   // a match was completed in the current step

    virtual void process(PState *s);
    virtual void setNextPre(PreState *pre) { nextPre = pre; }
    virtual void setNextEvery(PreState *pre) { nextEvery = pre; }

protected:
    void processBase(PState *s);
    StateRuntime *m_rt;
};

class CountPostState final : public PostState
{
public:
    CountPostState(StateRuntime *rt, int minCount, int maxCount)
        : PostState(rt)
        , m_min(minCount)
        , m_max(maxCount)
    {}
    void process(PState *s) override;
    void processMinCountReached(PState *s);
    void setNextPre(PreState *pre) override;

private:
    int m_min;
    int m_max;
};

class LogicalPreState;

class LogicalPostState : public PostState
{
public:
    LogicalPostState(StateRuntime *rt, bool isAnd)
        : PostState(rt)
        , m_isAnd(isAnd)
    {}
    LogicalPreState *partnerPre = nullptr;
    LogicalPostState *partnerPost = nullptr;
    void process(PState *s) override;
    void setNextPre(PreState *pre) override;
    void setNextEvery(PreState *pre) override;

protected:
    bool m_isAnd;
};

class AbsentStreamPostState final : public PostState
{
public:
    using PostState::PostState;
    void process(PState *s) override;
};

class AbsentLogicalPostState final : public LogicalPostState
{
public:
    using LogicalPostState::LogicalPostState;
    void process(PState *s) override;
};

// ---- pre stages ----------------------------------------------------------------------------

// The waiting matches of a plain pattern element whose filter starts with `x == eN.y` (eN an
// earlier, non-counting element), bucketed by eN.y: an event is offered only to the matches
// of its own key, in their pending order. The others would fail that first conjunct without
// any effect (a pattern keeps a match that fails), so the outcome is Siddhi's. The pending
// list stays the order of record (for `within`); entries that left it are dropped lazily.
struct EqualityIndex
{
    int ownAttr = -1;
    int keySlot = -1;
    int keyAttr = -1;
    AttrType type = AttrType::Unknown;
    // Lookups carry the key's hash: a string's is cached in its StringData.
    struct Probe
    {
        std::string_view bytes;
        size_t hash;
    };
    static uint32_t hashBytes(std::string_view bytes); // StringData::hashValue's FNV-1a
    struct Hash
    {
        using is_transparent = void;
        size_t operator()(const std::string &s) const { return hashBytes(s); }
        size_t operator()(const Probe &p) const { return p.hash; }
    };
    struct Equal
    {
        using is_transparent = void;
        bool operator()(const std::string &a, const std::string &b) const { return a == b; }
        bool operator()(const std::string &a, const Probe &b) const { return a == b.bytes; }
        bool operator()(const Probe &a, const std::string &b) const { return a.bytes == b; }
    };
    std::unordered_map<std::string, std::vector<PState *>, Hash, Equal> buckets;
    size_t deadInPending = 0; // left through a match, still listed in pending
    size_t deadInBuckets = 0; // left through `within`, still listed in a bucket
};

class PreState
{
public:
    PreState(StateRuntime *rt, StateType type)
        : pending(rt)
        , newAndEvery(rt)
        , m_rt(rt)
        , m_type(type)
    {}
    virtual ~PreState();

    // Configuration, filled by the planner.
    int stateId = -1; // internal slot
    int order = -1;   // Siddhi's index of the element in its state event
    bool isStart = false;
    int64_t within = -1;
    std::vector<int> startSlots;
    std::vector<int> clearSlots; // slots of this element and of every element after it
    PreState *withinEveryPre = nullptr;
    PostState *thisPost = nullptr;
    PostState *thisLast = nullptr;
    std::vector<EvaluatorPtr> filters;
    FaultHandler fault;
    std::unique_ptr<EqualityIndex> index; // plain pattern elements only

    StateList pending;
    StateList newAndEvery;
    bool stateChanged = false;

    StateType type() const { return m_type; }

    virtual void init();
    virtual void addState(PState *s);
    virtual void addEveryState(PState *s);
    virtual void resetState();
    virtual void updateState();
    virtual void expireEvents(int64_t timestamp);
    // Offers an incoming event to the waiting matches; completed ones are added to returned.
    virtual void processAndReturn(Event *candidate, StateList &returned);
    bool isAbsent() const { return m_absent; }
    virtual void started() {}
    // Drops every waiting match (the runtime is going away).
    void clearAll();

protected:
    bool isExpired(const PState *s, int64_t timestamp) const;
    // Runs the element's filters with the candidate in its slot; on success the slot keeps a
    // copy of the candidate and the post stage runs. Returns whether it matched.
    bool process(PState *s);
    bool passes(PState *s);
    void addStateBase(PState *s);
    void addEveryStateBase(PState *s);
    void processAndReturnBase(Event *candidate, StateList &returned, bool removeOnNoChange);
    // The equality index (see EqualityIndex).
    bool indexKey(const Event *e, int attr, EqualityIndex::Probe *key, char *buffer) const;
    void indexAdd(PState *s);
    void indexSweep();
    void indexClear();
    void indexedUpdate();
    void indexedExpire(int64_t timestamp);
    void indexedProcess(Event *candidate, StateList &returned);
    bool initialized = false;
    bool m_absent = false;
    StateRuntime *m_rt;
    StateType m_type;
};

class CountPreState final : public PreState
{
public:
    CountPreState(StateRuntime *rt, StateType type, int minCount, int maxCount)
        : PreState(rt, type)
        , m_min(minCount)
        , m_max(maxCount)
    {}
    CountPostState *countPost = nullptr;
    std::vector<int> nextSlots; // the slots of the next two elements in Siddhi's order

    void addState(PState *s) override;
    void updateState() override;
    void processAndReturn(Event *candidate, StateList &returned) override;
    void successCondition() { m_success = true; }
    void startStateReset();

private:
    int m_min;
    int m_max;
    bool m_success = false;
    bool m_startStateReset = false;
};

class LogicalPreState : public PreState
{
public:
    LogicalPreState(StateRuntime *rt, StateType type, bool isAnd)
        : PreState(rt, type)
        , m_isAnd(isAnd)
    {}
    LogicalPreState *partner = nullptr;

    void addState(PState *s) override;
    void addEveryState(PState *s) override;
    void resetState() override;
    void updateState() override;
    void processAndReturn(Event *candidate, StateList &returned) override;
    bool isAnd() const { return m_isAnd; }

protected:
    void addStateLogical(PState *s);
    bool m_isAnd;
};

// not S for <time>, alone in a pattern or sequence.
class AbsentStreamPreState final : public PreState, public TimerTarget
{
public:
    AbsentStreamPreState(StateRuntime *rt, StateType type, int64_t waiting)
        : PreState(rt, type)
        , m_waiting(waiting)
    {
        m_absent = true;
    }
    void addState(PState *s) override;
    void addEveryState(PState *s) override;
    void resetState() override;
    void processAndReturn(Event *candidate, StateList &returned) override;
    void started() override;
    void onTimer(int64_t at) override;
    void updateLastArrivalTime(int64_t timestamp);

private:
    void sendEvent(PState *s);
    int64_t m_waiting;
    int64_t m_lastScheduledTime = 0;
    bool m_active = true;
};

// not S [for <time>] combined with another element by and/or.
class AbsentLogicalPreState final : public LogicalPreState, public TimerTarget
{
public:
    AbsentLogicalPreState(StateRuntime *rt, StateType type, bool isAnd, int64_t waiting)
        : LogicalPreState(rt, type, isAnd)
        , m_waiting(waiting)
    {
        m_absent = true;
    }
    void addState(PState *s) override;
    void addEveryState(PState *s) override;
    void processAndReturn(Event *candidate, StateList &returned) override;
    void started() override;
    void onTimer(int64_t at) override;
    void updateLastArrivalTime(int64_t timestamp) { m_lastArrivalTime = timestamp; }
    bool partnerCanProceed(PState *s);
    void setActive(bool active) { m_active = active; }

private:
    bool waitingTimePassed(int64_t now, const PState *s) const;
    void sendEvent(PState *s);
    int64_t m_waiting;
    int64_t m_lastArrivalTime = 0;
    bool m_active = true;
};

// ---- the runtime tree (Siddhi's InnerStateRuntime) ------------------------------------------

struct Node
{
    enum Kind { Stream, Next, Every, Logical, Count };
    Kind kind = Stream;
    PreState *first = nullptr;
    PostState *last = nullptr;
    Node *a = nullptr; // Next: current; Every, Count: inner; Logical: element 1
    Node *b = nullptr; // Next: next; Logical: element 2
};

// Feeds one stream's events to the pre stages that read it.
class StateReceiver final : public Receiver
{
public:
    explicit StateReceiver(StateRuntime *rt)
        : m_rt(rt)
    {}
    std::vector<PreState *> stages; // in Siddhi's setup order; run last to first
    void receive(EventChunk &chunk) override;

private:
    StateRuntime *m_rt;
};

// One pattern or sequence query's state machine.
class StateRuntime
{
public:
    StateRuntime(AppContext *app, StateType type, int internalSlots);
    ~StateRuntime();
    StateRuntime(const StateRuntime &) = delete;
    StateRuntime &operator=(const StateRuntime &) = delete;

    AppContext *app() const { return m_app; }
    StateType type() const { return m_type; }

    // Built by the planner.
    std::vector<std::unique_ptr<PreState>> preStages;
    std::vector<std::unique_ptr<PostState>> postStages;
    std::vector<std::unique_ptr<Node>> nodes;
    std::vector<PreState *> allPres; // Siddhi's preStateProcessors, in parse order
    std::vector<PreState *> startup; // absent stages started with the query
    std::vector<TimerTarget *> timers;
    Node *root = nullptr;
    std::vector<bool> countSlot; // per internal slot
    int scratchSlot = -1;        // where an absent element's filter reads its candidate
    QuerySelector *selector = nullptr;

    void start();

    // States
    PState *newState();
    PState *copyState(const PState *s);
    void ref(PState *s) { ++s->refs; }
    void unref(PState *s)
    {
        if (--s->refs == 0)
            recycle(s);
    }
    // Empties a slot (all events of a counting slot), dropping the references it held.
    void clearSlot(PState *s, int slot);
    // Sets a non-counting slot to an event whose reference the caller hands over.
    void setSlot(PState *s, int slot, Event *owned);
    // Drops a reference to a kept event.
    void dropEvent(Event *e) { releaseEvent(e); }
    Event *slotEvent(const PState *s, int slot) const { return s->ev.slots[size_t(slot)]; }
    // The first event of a slot (the head of a counting chain).
    Event *firstEvent(const PState *s, int slot) const
    {
        const auto &chain = s->ev.collections[size_t(slot)];
        return chain.empty() ? s->ev.slots[size_t(slot)] : chain.front();
    }
    // A reference to the kept copy of the event being processed (copied on first use).
    Event *keepCandidate();
    // An empty event with timestamp -1 for a slot (absent logical elements mark themselves).
    Event *emptyEvent(int slot);
    std::vector<std::shared_ptr<EventLayout>> slotLayouts; // per internal slot

    void notifyAt(TimerTarget *target, int64_t at);
    int64_t currentTime() const;
    // Hands a completed match to the selector.
    void emit(PState *s);
    void onEvent(StateReceiver &receiver, Event *event);

    // Evaluation of filters.
    bool test(const std::vector<EvaluatorPtr> &filters, PState *s, const FaultHandler &fault);
    Event *candidate() const { return m_candidate; }

    void init(Node *n);
    void reset(Node *n);
    void update(Node *n);

private:
    void recycle(PState *s);
    static void retainEvent(Event *e) { ++e->reserved; }
    static void releaseEvent(Event *e);

    AppContext *m_app;
    StateType m_type;
    int m_slots;
    std::vector<PState *> m_free;
    std::vector<std::unique_ptr<PState>> m_all;
    Event *m_candidate = nullptr;
    Event *m_kept = nullptr;
    bool m_failed = false;
    int m_depth = 0; // events and selector calls nest when a query's output loops back
    std::vector<std::unique_ptr<StateList>> m_returned; // per depth
    std::vector<std::unique_ptr<StateChunk>> m_chunks;  // per depth
    TempPool m_temps;
    EvalContext m_ctx;
};

template<class Visit>
void StateList::retain(Visit visit)
{
    // Items may be appended while we visit (never to the list being visited, but be safe).
    size_t w = m_head;
    const size_t n = m_items.size();
    for (size_t r = m_head; r < n; ++r) {
        PState *s = m_items[r];
        if (visit(s))
            m_items[w++] = s;
        else
            m_rt->unref(s);
    }
    if (m_items.size() != n) {
        // Appended during the visit: keep them after the survivors.
        for (size_t r = n; r < m_items.size(); ++r)
            m_items[w++] = m_items[r];
    }
    m_items.resize(w);
    if (m_head == m_items.size()) {
        m_items.clear();
        m_head = 0;
    }
}

} // namespace Pattern
} // namespace Rivulet::Runtime
