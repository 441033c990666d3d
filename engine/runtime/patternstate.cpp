// The state machine of patterns and sequences, after Siddhi 5's StreamPreStateProcessor,
// StreamPostStateProcessor, CountPre/PostStateProcessor, LogicalPre/PostStateProcessor,
// AbsentStreamPre/PostStateProcessor, AbsentLogicalPre/PostStateProcessor, the *InnerStateRuntime
// classes and the Pattern/Sequence*ProcessStreamReceivers. Each stage's comment says which
// Siddhi behaviour it keeps.
//
// Where we knowingly differ from Siddhi:
// - A filter that fails (division by zero...) makes that match not match, and is reported once
//   per event; Siddhi's exception abandons the rest of the event for the query.
// - Copies of a match (`every`) copy the events of a counting element; Siddhi's copies share the
//   chain, which only shows in nestings where a copied count still grows.
// - A sequence that starts with two counts that may be empty would recurse forever in Siddhi's
//   CountPreStateProcessor.startStateReset; here the restart is only flagged.
// - Starting absent elements ask for their first timer when the query is built, with the app's
//   clock at that moment (time 0 in playback, as Siddhi's start); timers are kept in time order
//   and one per stage and time (Siddhi queues them per stage as they come).
// - Every event is settled and offered on its own, and matches go to the selector right after
//   the stage that completed them; Siddhi's single-stream receiver holds them until the end of a
//   multi-event chunk (playback always sends one event at a time).
#include "patternstate.h"

#include "appcontext.h"
#include "selector.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace Rivulet::Runtime::Pattern {

// ---- StateList ------------------------------------------------------------------------------

StateList::~StateList()
{
    clear();
}

void StateList::push(PState *s)
{
    m_rt->ref(s);
    m_items.push_back(s);
}

void StateList::clear()
{
    if (m_items.empty())
        return;
    // Detach first: dropping a reference never touches this list, but stay safe.
    std::vector<PState *> items;
    items.swap(m_items);
    const size_t head = m_head;
    m_head = 0;
    for (size_t i = head; i < items.size(); ++i)
        m_rt->unref(items[i]);
    items.clear();
    if (m_items.empty())
        m_items.swap(items); // keep the capacity
}

void StateList::popFront(size_t n)
{
    for (size_t i = 0; i < n; ++i)
        m_rt->unref(m_items[m_head + i]);
    m_head += n;
    if (m_head == m_items.size()) {
        m_items.clear();
        m_head = 0;
    } else if (m_head > 32 && m_head * 2 > m_items.size()) {
        m_items.erase(m_items.begin(), m_items.begin() + long(m_head));
        m_head = 0;
    }
}

void StateList::takeAll(StateList &other)
{
    if (other.empty())
        return;
    if (empty() && m_head == 0 && other.m_head == 0 && m_items.capacity() <= other.m_items.size()) {
        m_items.swap(other.m_items);
        other.m_items.clear();
        return;
    }
    m_items.insert(m_items.end(), other.m_items.begin() + long(other.m_head), other.m_items.end());
    other.m_items.clear();
    other.m_head = 0;
}

bool StateList::remove(PState *s)
{
    for (size_t i = m_head; i < m_items.size(); ++i) {
        if (m_items[i] == s) {
            m_items.erase(m_items.begin() + long(i));
            m_rt->unref(s);
            return true;
        }
    }
    return false;
}

void StateList::sortByTimestamp()
{
    if (size() < 2)
        return;
    // Siddhi's eventTimeComparator: by timestamp, states that have none (-1) last; stable.
    std::stable_sort(m_items.begin() + long(m_head), m_items.end(),
                     [](const PState *a, const PState *b) {
                         const int64_t x = a->ev.timestamp;
                         const int64_t y = b->ev.timestamp;
                         if (x == -1)
                             return false;
                         if (y == -1)
                             return true;
                         return x < y;
                     });
}

// ---- post stages ----------------------------------------------------------------------------

PostState::~PostState() = default;

void PostState::process(PState *s)
{
    processBase(s);
}

// StreamPostStateProcessor.process: the element matched.
void PostState::processBase(PState *s)
{
    thisPre->stateChanged = true;
    s->ev.timestamp = m_rt->slotEvent(s, stateId)->timestamp;
    if (toSelector)
        returned = true;
    if (nextPre)
        nextPre->addState(s);
    if (nextEvery)
        nextEvery->addEveryState(s);
    if (callbackPre)
        callbackPre->startStateReset();
}

// CountPostStateProcessor.process.
void CountPostState::process(PState *s)
{
    const auto &chain = s->ev.collections[size_t(stateId)];
    const int n = int(chain.size());
    auto *pre = static_cast<CountPreState *>(thisPre);
    pre->successCondition();
    s->ev.timestamp = chain.back()->timestamp;
    if (n >= m_min) {
        if (pre->type() == StateType::Sequence) {
            if (nextPre)
                nextPre->addState(s);
            if (n != m_max)
                pre->addState(s);
        } else if (n == m_min) {
            processMinCountReached(s);
        }
        if (n == m_max)
            pre->stateChanged = true;
    }
}

void CountPostState::processMinCountReached(PState *s)
{
    if (toSelector) {
        thisPre->stateChanged = true;
        returned = true;
    }
    if (nextPre)
        nextPre->addState(s);
    if (nextEvery)
        nextEvery->addEveryState(s);
}

void CountPostState::setNextPre(PreState *pre)
{
    nextPre = pre;
    // A sequence starting with a count that may match nothing (A*, A?): the next element's
    // post stage restarts it (Siddhi's callbackPreStateProcessor).
    if (thisPre->isStart && thisPre->type() == StateType::Sequence && m_min == 0)
        pre->thisPost->callbackPre = static_cast<CountPreState *>(thisPre);
}

// LogicalPostStateProcessor.process.
void LogicalPostState::process(PState *s)
{
    if (m_isAnd) {
        bool proceed;
        if (partnerPre->isAbsent())
            proceed = static_cast<AbsentLogicalPreState *>(partnerPre)->partnerCanProceed(s);
        else
            proceed = m_rt->slotEvent(s, partnerPre->stateId) != nullptr;
        if (proceed)
            processBase(s);
        else
            thisPre->stateChanged = true;
        return;
    }
    processBase(s);
    // `from A or B select ...`: the partner is the last stage the first element checks.
    if (partnerPost->toSelector && thisPre->thisLast == partnerPost)
        partnerPost->returned = true;
}

void LogicalPostState::setNextPre(PreState *pre)
{
    nextPre = pre;
    partnerPost->nextPre = pre;
}

void LogicalPostState::setNextEvery(PreState *pre)
{
    nextEvery = pre;
    partnerPost->nextEvery = pre;
}

// AbsentStreamPostStateProcessor.process: the awaited absence failed; only notes the arrival.
void AbsentStreamPostState::process(PState *s)
{
    thisPre->stateChanged = true;
    const Event *e = m_rt->slotEvent(s, stateId);
    s->ev.timestamp = e->timestamp;
    returned = true;
    if (thisPre->isStart && nextEvery && nextEvery == thisPre)
        nextEvery->addEveryState(s);
    static_cast<AbsentStreamPreState *>(thisPre)->updateLastArrivalTime(e->timestamp);
}

// AbsentLogicalPostStateProcessor.process.
void AbsentLogicalPostState::process(PState *s)
{
    thisPre->stateChanged = true;
    const Event *e = m_rt->slotEvent(s, stateId);
    returned = true;
    static_cast<AbsentLogicalPreState *>(thisPre)->updateLastArrivalTime(e->timestamp);
}

// ---- PreState (StreamPreStateProcessor) -----------------------------------------------------

PreState::~PreState() = default;

void PreState::init()
{
    if (isStart
        && (!initialized || thisPost->nextEvery
            || (m_type == StateType::Sequence && thisPost->nextPre
                && thisPost->nextPre->isAbsent()))) {
        PState *s = m_rt->newState();
        m_rt->ref(s);
        addState(s);
        m_rt->unref(s);
        initialized = true;
    }
}

void PreState::addState(PState *s)
{
    addStateBase(s);
}

void PreState::addStateBase(PState *s)
{
    if (m_type == StateType::Sequence) {
        if (newAndEvery.empty())
            newAndEvery.push(s);
    } else {
        newAndEvery.push(s);
    }
}

void PreState::addEveryState(PState *s)
{
    addEveryStateBase(s);
}

void PreState::addEveryStateBase(PState *s)
{
    PState *c = m_rt->copyState(s);
    c->ev.type = EventType::Current;
    for (int slot : clearSlots)
        m_rt->clearSlot(c, slot);
    newAndEvery.push(c);
}

void PreState::resetState()
{
    indexClear();
    pending.clear();
    if (isStart && newAndEvery.empty()) {
        if (m_type == StateType::Sequence && !thisPost->nextEvery && thisPost->nextPre
            && !thisPost->nextPre->pending.empty())
            return;
        init();
    }
}

void PreState::updateState()
{
    if (index) {
        indexedUpdate();
        return;
    }
    newAndEvery.sortByTimestamp();
    pending.takeAll(newAndEvery);
}

void PreState::clearAll()
{
    indexClear();
    pending.clear();
    newAndEvery.clear();
}

bool PreState::isExpired(const PState *s, int64_t timestamp) const
{
    if (within < 0)
        return false;
    for (int slot : startSlots) {
        const Event *e = m_rt->firstEvent(s, slot);
        if (e && std::llabs(e->timestamp - timestamp) > within)
            return true;
    }
    return false;
}

// StreamPreStateProcessor.expireEvents: matches whose start is older than `within` are dropped;
// the last one dropped restarts the enclosing `every`.
void PreState::expireEvents(int64_t timestamp)
{
    if (index) {
        indexedExpire(timestamp);
        return;
    }
    if (within < 0)
        return;
    PState *expired = nullptr;
    auto noteExpired = [&](PState *s) {
        if (s->ev.type != EventType::Expired) {
            s->ev.type = EventType::Expired;
            m_rt->ref(s);
            if (expired)
                m_rt->unref(expired);
            expired = s;
        }
    };
    size_t n = 0;
    while (n < pending.size() && isExpired(pending.at(n), timestamp)) {
        noteExpired(pending.at(n));
        ++n;
    }
    if (n)
        pending.popFront(n);
    newAndEvery.retain([&](PState *s) {
        if (!isExpired(s, timestamp))
            return true;
        noteExpired(s);
        return false;
    });
    if (expired) {
        if (withinEveryPre) {
            withinEveryPre->addEveryState(expired);
            withinEveryPre->updateState();
        }
        m_rt->unref(expired);
    }
}

bool PreState::passes(PState *s)
{
    if (filters.empty())
        return true;
    if (isAbsent()) {
        // The analyzer resolves an absent element's attributes to the slot after the events.
        s->ev.slots[size_t(m_rt->scratchSlot)] = m_rt->candidate();
        const bool ok = m_rt->test(filters, s, fault);
        s->ev.slots[size_t(m_rt->scratchSlot)] = nullptr;
        return ok;
    }
    return m_rt->test(filters, s, fault);
}

bool PreState::process(PState *s)
{
    stateChanged = false;
    if (!passes(s))
        return false;
    // Matched: the state keeps a copy of the candidate from now on.
    Event *kept = m_rt->keepCandidate();
    if (m_rt->countSlot[size_t(stateId)])
        s->ev.collections[size_t(stateId)].back() = kept;
    s->ev.slots[size_t(stateId)] = kept;
    thisPost->process(s);
    return true;
}

void PreState::processAndReturn(Event *candidate, StateList &returned)
{
    if (index)
        indexedProcess(candidate, returned);
    else
        processAndReturnBase(candidate, returned, true);
}

void PreState::processAndReturnBase(Event *candidate, StateList &returned, bool removeOnNoChange)
{
    pending.retain([&](PState *s) {
        if (s->ev.slots[size_t(stateId)])
            m_rt->clearSlot(s, stateId);
        s->ev.slots[size_t(stateId)] = candidate;
        const bool matched = process(s);
        if (thisLast->returned) {
            thisLast->returned = false;
            returned.push(s);
        }
        if (stateChanged)
            return false;
        if (matched)
            m_rt->clearSlot(s, stateId);
        else
            s->ev.slots[size_t(stateId)] = nullptr;
        if (m_type == StateType::Sequence) {
            if (thisPost->callbackPre)
                thisPost->callbackPre->startStateReset();
            return !removeOnNoChange;
        }
        return true;
    });
}

// ---- the equality index ---------------------------------------------------------------------

uint32_t EqualityIndex::hashBytes(std::string_view bytes)
{
    uint32_t h = 2166136261u;
    for (char c : bytes) {
        h ^= uint8_t(c);
        h *= 16777619u;
    }
    return h ? h : 1;
}

bool PreState::indexKey(const Event *e, int attr, EqualityIndex::Probe *key, char *buffer) const
{
    if (e->isNull(attr))
        return false; // null never equals anything
    const Value v = e->value(attr);
    switch (index->type) {
    case AttrType::String:
        key->bytes = std::string_view(v.s->data, size_t(v.s->size));
        key->hash = v.s->hashValue();
        return true;
    case AttrType::Int: {
        const int64_t x = v.i;
        std::memcpy(buffer, &x, sizeof x);
        key->bytes = std::string_view(buffer, sizeof x);
        break;
    }
    case AttrType::Long:
        std::memcpy(buffer, &v.l, sizeof v.l);
        key->bytes = std::string_view(buffer, sizeof v.l);
        break;
    case AttrType::Bool:
        buffer[0] = v.b ? 1 : 0;
        key->bytes = std::string_view(buffer, 1);
        break;
    default:
        return false;
    }
    key->hash = EqualityIndex::hashBytes(key->bytes);
    return true;
}

void PreState::indexAdd(PState *s)
{
    s->indexedIn = this;
    const Event *e = m_rt->slotEvent(s, index->keySlot);
    char buffer[8];
    EqualityIndex::Probe key;
    if (!e || !indexKey(e, index->keyAttr, &key, buffer))
        return; // can never match; stays in pending for `within` only
    auto it = index->buckets.find(key);
    if (it == index->buckets.end())
        it = index->buckets.emplace(std::string(key.bytes), std::vector<PState *>()).first;
    it->second.push_back(s);
    m_rt->ref(s);
}

void PreState::indexSweep()
{
    pending.retain([this](PState *s) { return s->indexedIn == this; });
    for (auto it = index->buckets.begin(); it != index->buckets.end();) {
        auto &bucket = it->second;
        size_t w = 0;
        for (PState *s : bucket) {
            if (s->indexedIn == this)
                bucket[w++] = s;
            else
                m_rt->unref(s);
        }
        bucket.resize(w);
        if (bucket.empty())
            it = index->buckets.erase(it);
        else
            ++it;
    }
    index->deadInPending = 0;
    index->deadInBuckets = 0;
}

void PreState::indexClear()
{
    if (!index)
        return;
    for (auto &[key, bucket] : index->buckets) {
        for (PState *s : bucket)
            m_rt->unref(s);
    }
    index->buckets.clear();
    for (size_t i = 0; i < pending.size(); ++i) {
        if (pending.at(i)->indexedIn == this)
            pending.at(i)->indexedIn = nullptr;
    }
    index->deadInPending = 0;
    index->deadInBuckets = 0;
}

void PreState::indexedUpdate()
{
    newAndEvery.sortByTimestamp();
    for (size_t i = 0; i < newAndEvery.size(); ++i)
        indexAdd(newAndEvery.at(i));
    pending.takeAll(newAndEvery);
}

void PreState::indexedExpire(int64_t timestamp)
{
    PState *expired = nullptr;
    auto noteExpired = [&](PState *s) {
        if (s->ev.type != EventType::Expired) {
            s->ev.type = EventType::Expired;
            m_rt->ref(s);
            if (expired)
                m_rt->unref(expired);
            expired = s;
        }
    };
    size_t n = 0;
    while (n < pending.size()) {
        PState *s = pending.at(n);
        if (s->indexedIn != this) {
            if (index->deadInPending)
                --index->deadInPending;
            ++n;
            continue;
        }
        if (within < 0 || !isExpired(s, timestamp))
            break;
        noteExpired(s);
        s->indexedIn = nullptr;
        ++index->deadInBuckets;
        ++n;
    }
    if (n)
        pending.popFront(n);
    if (within >= 0) {
        newAndEvery.retain([&](PState *s) {
            if (!isExpired(s, timestamp))
                return true;
            noteExpired(s);
            return false;
        });
    }
    if (expired) {
        if (withinEveryPre) {
            withinEveryPre->addEveryState(expired);
            withinEveryPre->updateState();
        }
        m_rt->unref(expired);
    }
}

void PreState::indexedProcess(Event *candidate, StateList &returned)
{
    char buffer[8];
    EqualityIndex::Probe key;
    if (!indexKey(candidate, index->ownAttr, &key, buffer))
        return;
    const auto it = index->buckets.find(key);
    if (it == index->buckets.end())
        return;
    std::vector<PState *> &bucket = it->second;
    const size_t sid = size_t(stateId);
    size_t w = 0;
    const size_t keySlot = size_t(index->keySlot);
    for (size_t r = 0; r < bucket.size(); ++r) {
        PState *s = bucket[r];
        // The matches are scattered in memory: fetch ahead what the filter will read.
        if (r + 2 < bucket.size())
            __builtin_prefetch(bucket[r + 2]);
        if (r + 1 < bucket.size()) {
            const PState *next = bucket[r + 1];
            __builtin_prefetch(next->ev.slots.data());
            if (const Event *e = next->ev.slots.data()[keySlot])
                __builtin_prefetch(e);
        }
        if (s->indexedIn != this) {
            if (index->deadInBuckets)
                --index->deadInBuckets;
            m_rt->unref(s);
            continue;
        }
        if (s->ev.slots[sid])
            m_rt->clearSlot(s, stateId);
        s->ev.slots[sid] = candidate;
        const bool matched = process(s);
        if (thisLast->returned) {
            thisLast->returned = false;
            returned.push(s);
        }
        if (stateChanged) {
            s->indexedIn = nullptr;
            ++index->deadInPending;
            m_rt->unref(s);
            continue;
        }
        if (matched)
            m_rt->clearSlot(s, stateId);
        else
            s->ev.slots[sid] = nullptr;
        bucket[w++] = s;
    }
    bucket.resize(w);
    // Sweep the entries that left once they outnumber the live ones (amortised O(1)).
    const size_t dead = index->deadInPending + index->deadInBuckets;
    const size_t live = pending.size() - std::min(pending.size(), index->deadInPending);
    if (dead > 64 + live)
        indexSweep();
}

// ---- CountPreState --------------------------------------------------------------------------

void CountPreState::addState(PState *s)
{
    addStateBase(s);
    if (m_min == 0 && !s->ev.slots[size_t(stateId)])
        countPost->processMinCountReached(s);
}

void CountPreState::startStateReset()
{
    // Siddhi also forwards to the post stage's callback, which for a count is this very stage.
    m_startStateReset = true;
}

void CountPreState::updateState()
{
    if (m_startStateReset) {
        m_startStateReset = false;
        init();
    }
    PreState::updateState();
}

void CountPreState::processAndReturn(Event *candidate, StateList &returned)
{
    const size_t sid = size_t(stateId);
    pending.retain([&](PState *s) {
        // Once the element after the count has matched, the count stops collecting.
        for (int next : nextSlots) {
            if (next >= 0 && s->ev.slots[size_t(next)])
                return false;
        }
        auto &chain = s->ev.collections[sid];
        chain.push_back(candidate);
        s->ev.slots[sid] = candidate;
        m_success = false;
        process(s);
        if (thisLast->returned) {
            thisLast->returned = false;
            returned.push(s);
        }
        bool keep = !stateChanged;
        if (!m_success) {
            chain.pop_back(); // the candidate, not kept
            s->ev.slots[sid] = chain.empty() ? nullptr : chain.back();
            if (m_type == StateType::Sequence)
                keep = false;
        }
        return keep;
    });
}

// ---- LogicalPreState ------------------------------------------------------------------------

void LogicalPreState::addState(PState *s)
{
    addStateLogical(s);
}

void LogicalPreState::addStateLogical(PState *s)
{
    if (isStart || m_type == StateType::Sequence) {
        if (newAndEvery.empty())
            newAndEvery.push(s);
        if (partner && partner->newAndEvery.empty())
            partner->newAndEvery.push(s);
    } else {
        newAndEvery.push(s);
        if (partner)
            partner->newAndEvery.push(s);
    }
}

void LogicalPreState::addEveryState(PState *s)
{
    PState *c = m_rt->copyState(s);
    c->ev.type = EventType::Current;
    m_rt->clearSlot(c, stateId);
    for (int slot : clearSlots)
        m_rt->clearSlot(c, slot);
    newAndEvery.push(c);
    if (partner) {
        m_rt->clearSlot(c, partner->stateId);
        partner->newAndEvery.push(c);
    }
}

void LogicalPreState::resetState()
{
    if (!m_isAnd || pending.size() == partner->pending.size()) {
        pending.clear();
        partner->pending.clear();
        if (isStart && newAndEvery.empty()) {
            if (m_type == StateType::Sequence && !thisPost->nextEvery && thisPost->nextPre
                && !thisPost->nextPre->pending.empty())
                return;
            init();
        }
    }
}

void LogicalPreState::updateState()
{
    newAndEvery.sortByTimestamp();
    pending.takeAll(newAndEvery);
    partner->newAndEvery.sortByTimestamp();
    partner->pending.takeAll(partner->newAndEvery);
}

void LogicalPreState::processAndReturn(Event *candidate, StateList &returned)
{
    pending.retain([&](PState *s) {
        if (!m_isAnd && m_rt->slotEvent(s, partner->stateId))
            return false; // `or`: the partner already matched
        if (s->ev.slots[size_t(stateId)])
            m_rt->clearSlot(s, stateId);
        s->ev.slots[size_t(stateId)] = candidate;
        const bool matched = process(s);
        if (thisLast->returned) {
            thisLast->returned = false;
            returned.push(s);
        }
        if (stateChanged)
            return false;
        if (matched)
            m_rt->clearSlot(s, stateId);
        else
            s->ev.slots[size_t(stateId)] = nullptr;
        return m_type != StateType::Sequence;
    });
}

// ---- AbsentStreamPreState -------------------------------------------------------------------

void AbsentStreamPreState::addState(PState *s)
{
    if (!m_active)
        return; // no `every`, and the pattern already completed once
    if (m_type == StateType::Sequence)
        newAndEvery.clear();
    newAndEvery.push(s);
    if (!isStart) {
        m_lastScheduledTime = s->ev.timestamp + m_waiting;
        m_rt->notifyAt(this, m_lastScheduledTime);
    }
}

void AbsentStreamPreState::addEveryState(PState *s)
{
    addEveryStateBase(s);
    m_lastScheduledTime = s->ev.timestamp + m_waiting;
    m_rt->notifyAt(this, m_lastScheduledTime);
}

void AbsentStreamPreState::resetState()
{
    pending.clear();
    if (isStart) {
        if (m_type == StateType::Sequence && !thisPost->nextEvery && thisPost->nextPre
            && !thisPost->nextPre->pending.empty())
            return;
        init();
    }
}

void AbsentStreamPreState::processAndReturn(Event *candidate, StateList &returned)
{
    Q_UNUSED(returned);
    if (!m_active)
        return;
    // An arrival cancels the waiting matches; nothing is returned.
    StateList discarded(m_rt);
    processAndReturnBase(candidate, discarded, false);
}

void AbsentStreamPreState::started()
{
    if (isStart && m_waiting != -1 && m_active) {
        m_lastScheduledTime = m_rt->currentTime() + m_waiting;
        m_rt->notifyAt(this, m_lastScheduledTime);
    }
}

void AbsentStreamPreState::updateLastArrivalTime(int64_t timestamp)
{
    m_lastScheduledTime = timestamp + m_waiting;
    m_rt->notifyAt(this, m_lastScheduledTime);
}

// AbsentStreamPreStateProcessor.process: the waiting time of some matches has passed.
void AbsentStreamPreState::onTimer(int64_t at)
{
    if (!m_active)
        return;
    const int64_t now = at;
    bool initialize = isStart && newAndEvery.empty() && pending.empty();
    if (initialize && m_type == StateType::Sequence && !thisPost->nextEvery
        && m_lastScheduledTime > 0)
        initialize = false; // a sequence without every, and an event arrived
    if (initialize) {
        PState *s = m_rt->newState();
        m_rt->ref(s);
        addState(s);
        m_rt->unref(s);
    } else if (m_type == StateType::Sequence && !newAndEvery.empty()) {
        resetState();
    }
    updateState();

    StateList ready(m_rt);
    pending.retain([&](PState *s) {
        if (isExpired(s, now)) {
            if (withinEveryPre && thisPost->nextEvery && thisPost->nextEvery != this)
                thisPost->nextEvery->addEveryState(s);
            return false;
        }
        const int64_t ts = s->ev.timestamp;
        if ((ts == -1 && now >= m_lastScheduledTime) || (ts != -1 && now >= ts + m_waiting)) {
            s->ev.timestamp = now;
            ready.push(s);
            return false;
        }
        return true;
    });
    if (withinEveryPre)
        withinEveryPre->updateState();

    const bool notProcessed = ready.empty();
    for (size_t i = 0; i < ready.size(); ++i)
        sendEvent(ready.at(i));
    ready.clear();

    const int64_t actual = m_rt->currentTime();
    if (actual > m_waiting + now)
        m_lastScheduledTime = actual + m_waiting;
    if (notProcessed && m_lastScheduledTime < now) {
        m_lastScheduledTime = now + m_waiting;
        m_rt->notifyAt(this, m_lastScheduledTime);
    }
}

void AbsentStreamPreState::sendEvent(PState *s)
{
    if (thisPost->toSelector)
        m_rt->emit(s);
    if (thisPost->nextPre)
        thisPost->nextPre->addState(s);
    if (thisPost->nextEvery)
        thisPost->nextEvery->addEveryState(s);
    else if (isStart)
        m_active = false;
    if (thisPost->callbackPre)
        thisPost->callbackPre->startStateReset();
}

// ---- AbsentLogicalPreState ------------------------------------------------------------------

void AbsentLogicalPreState::addState(PState *s)
{
    if (!m_active)
        return;
    addStateLogical(s);
    if (!isStart && m_waiting != -1) {
        m_rt->notifyAt(this, s->ev.timestamp + m_waiting);
        if (partner->isAbsent()) {
            auto *p = static_cast<AbsentLogicalPreState *>(partner);
            m_rt->notifyAt(p, s->ev.timestamp + p->m_waiting);
        }
    }
}

void AbsentLogicalPreState::addEveryState(PState *s)
{
    PState *c = m_rt->copyState(s);
    c->ev.type = EventType::Current;
    if (const Event *e = m_rt->slotEvent(c, stateId))
        c->ev.timestamp = e->timestamp; // the time of the last arrival
    m_rt->clearSlot(c, stateId);
    m_rt->clearSlot(c, partner->stateId);
    newAndEvery.push(c);
    partner->newAndEvery.push(c);
}

bool AbsentLogicalPreState::waitingTimePassed(int64_t now, const PState *s) const
{
    if (const Event *e = m_rt->slotEvent(s, stateId))
        return now >= e->timestamp + m_waiting; // seen before and added back by `every`
    return now >= s->ev.timestamp + m_waiting;
}

void AbsentLogicalPreState::onTimer(int64_t at)
{
    if (!m_active)
        return;
    bool notProcessed = true;
    const int64_t now = at;
    if (now >= m_lastArrivalTime + m_waiting) {
        if (isStart && m_type == StateType::Sequence && newAndEvery.empty() && pending.empty()) {
            PState *s = m_rt->newState();
            m_rt->ref(s);
            addState(s);
            m_rt->unref(s);
        } else if (m_type == StateType::Sequence && !newAndEvery.empty()) {
            resetState();
        }
        updateState();

        PState *expired = nullptr;
        StateList ready(m_rt);
        pending.retain([&](PState *s) {
            if (isExpired(s, now)) {
                m_rt->ref(s);
                if (expired)
                    m_rt->unref(expired);
                expired = s;
                return false;
            }
            if (!waitingTimePassed(now, s))
                return true;
            const bool partnerSeen = m_rt->slotEvent(s, partner->stateId) != nullptr;
            if (!m_isAnd && !partnerSeen) {
                // `or`: the absence completes the element
                if (!m_rt->slotEvent(s, stateId))
                    m_rt->setSlot(s, stateId, m_rt->emptyEvent(stateId));
                ready.push(s);
            } else if (m_isAnd && partnerSeen) {
                ready.push(s); // `and`: the partner came and waited for us
            } else if (m_isAnd) {
                // `and`: the partner has not come; mark the absence and let it decide
                if (!m_rt->slotEvent(s, stateId))
                    m_rt->setSlot(s, stateId, m_rt->emptyEvent(stateId));
            }
            return false;
        });
        if (expired) {
            if (withinEveryPre) {
                withinEveryPre->addEveryState(expired);
                withinEveryPre->updateState();
            }
            m_rt->unref(expired);
        }
        notProcessed = ready.empty();
        for (size_t i = 0; i < ready.size(); ++i) {
            PState *s = ready.at(i);
            s->ev.timestamp = now;
            sendEvent(s);
        }
        ready.clear();
        m_lastArrivalTime = 0;
    }
    if (thisPost->nextEvery || (notProcessed && isStart)) {
        const int64_t next = m_lastArrivalTime == 0 ? m_rt->currentTime() + m_waiting
                                                    : m_lastArrivalTime + m_waiting;
        m_rt->notifyAt(this, next);
    }
}

void AbsentLogicalPreState::sendEvent(PState *s)
{
    if (thisPost->toSelector)
        m_rt->emit(s);
    if (thisPost->nextPre)
        thisPost->nextPre->addState(s);
    if (thisPost->nextEvery) {
        thisPost->nextEvery->addEveryState(s);
    } else if (isStart) {
        m_active = false;
        if (!m_isAnd && partner->isAbsent())
            static_cast<AbsentLogicalPreState *>(partner)->setActive(false);
    }
    if (thisPost->callbackPre)
        thisPost->callbackPre->startStateReset();
}

void AbsentLogicalPreState::processAndReturn(Event *candidate, StateList &returned)
{
    Q_UNUSED(returned);
    if (!m_active)
        return;
    const size_t sid = size_t(stateId);
    pending.retain([&](PState *s) {
        if (!m_isAnd && m_rt->slotEvent(s, partner->stateId))
            return false;
        Event *current = s->ev.slots[sid]; // owned; detached while the candidate is tried
        s->ev.slots[sid] = candidate;
        bool holdsKept = process(s);
        bool restored = false;
        auto restore = [&] {
            if (restored)
                return;
            if (holdsKept)
                m_rt->clearSlot(s, stateId);
            s->ev.slots[sid] = current;
            holdsKept = false;
            restored = true;
        };
        if (m_waiting != -1 || (m_type == StateType::Sequence && m_isAnd && thisPost->nextEvery))
            restore();
        bool keep = true;
        if (thisLast->returned) {
            thisLast->returned = false;
            keep = false; // it arrived: no longer a candidate for the absence
            if (m_type == StateType::Sequence)
                partner->pending.remove(s);
        }
        if (!stateChanged) {
            restore();
            if (m_type == StateType::Sequence)
                keep = false;
        }
        if (!restored && current)
            m_rt->dropEvent(current); // replaced by the arrival, as Siddhi's setEvent does
        return keep;
    });
}

bool AbsentLogicalPreState::partnerCanProceed(PState *s)
{
    if (m_type == StateType::Sequence && !thisPost->nextEvery && m_lastArrivalTime > 0)
        return false;
    if (m_waiting == -1) {
        // no waiting time: the partner proceeds unless this stream has arrived
        if (!thisPost->nextEvery)
            return m_rt->slotEvent(s, stateId) == nullptr;
        if (m_lastArrivalTime > 0) {
            m_lastArrivalTime = 0;
            init();
            return false;
        }
        return true;
    }
    return m_rt->slotEvent(s, stateId) != nullptr;
}

void AbsentLogicalPreState::started()
{
    if (isStart && m_waiting != -1 && m_active)
        m_rt->notifyAt(this, m_rt->currentTime() + m_waiting);
}

// ---- receiver -------------------------------------------------------------------------------

void StateReceiver::receive(EventChunk &chunk)
{
    for (Event *e : chunk.events) {
        if (e->type == EventType::Current)
            m_rt->onEvent(*this, e);
    }
}

// ---- StateRuntime ---------------------------------------------------------------------------

StateRuntime::StateRuntime(AppContext *app, StateType type, int internalSlots)
    : m_app(app)
    , m_type(type)
    , m_slots(internalSlots)
{
    countSlot.assign(size_t(internalSlots), false);
    m_ctx.app = app;
    m_ctx.temps = &m_temps;
}

StateRuntime::~StateRuntime()
{
    for (TimerTarget *t : timers)
        m_app->scheduler.cancel(t);
    for (auto &pre : preStages)
        pre->clearAll();
    for (auto &list : m_returned)
        list->clear();
}

void StateRuntime::start()
{
    if (root)
        init(root);
    for (PreState *p : startup)
        p->started();
}

PState *StateRuntime::newState()
{
    PState *s;
    if (!m_free.empty()) {
        s = m_free.back();
        m_free.pop_back();
    } else {
        m_all.push_back(std::make_unique<PState>(m_slots));
        s = m_all.back().get();
    }
    s->refs = 0;
    s->indexedIn = nullptr;
    s->ev.timestamp = -1;
    s->ev.type = EventType::Current;
    return s;
}

PState *StateRuntime::copyState(const PState *src)
{
    PState *s = newState();
    for (int i = 0; i < m_slots; ++i) {
        if (i == scratchSlot)
            continue;
        const size_t k = size_t(i);
        if (countSlot[k]) {
            const auto &from = src->ev.collections[k];
            auto &to = s->ev.collections[k];
            to.assign(from.begin(), from.end());
            for (Event *e : to)
                retainEvent(e);
            s->ev.slots[k] = to.empty() ? nullptr : to.back();
        } else if (Event *e = src->ev.slots[k]) {
            retainEvent(e);
            s->ev.slots[k] = e;
        }
    }
    s->ev.type = src->ev.type;
    s->ev.timestamp = src->ev.timestamp;
    return s;
}

void StateRuntime::recycle(PState *s)
{
    for (int i = 0; i < m_slots; ++i) {
        if (i != scratchSlot)
            clearSlot(s, i);
    }
    m_free.push_back(s);
}

void StateRuntime::releaseEvent(Event *e)
{
    if (--e->reserved == 0)
        e->layout->release(e);
}

void StateRuntime::clearSlot(PState *s, int slot)
{
    const size_t k = size_t(slot);
    if (countSlot[k]) {
        auto &chain = s->ev.collections[k];
        for (Event *e : chain)
            releaseEvent(e);
        chain.clear();
        s->ev.slots[k] = nullptr;
        return;
    }
    if (Event *e = s->ev.slots[k]) {
        s->ev.slots[k] = nullptr;
        releaseEvent(e);
    }
}

void StateRuntime::setSlot(PState *s, int slot, Event *owned)
{
    clearSlot(s, slot);
    s->ev.slots[size_t(slot)] = owned;
}

Event *StateRuntime::keepCandidate()
{
    if (!m_kept) {
        m_kept = m_candidate->layout->clone(m_candidate);
        m_kept->reserved = 1; // the runtime's own reference, dropped after the event
    }
    retainEvent(m_kept);
    return m_kept;
}

Event *StateRuntime::emptyEvent(int slot)
{
    Event *e = slotLayouts[size_t(slot)]->allocate();
    e->timestamp = -1;
    e->reserved = 1;
    return e;
}

void StateRuntime::notifyAt(TimerTarget *target, int64_t at)
{
    m_app->scheduler.notifyAt(target, at);
}

int64_t StateRuntime::currentTime() const
{
    return m_app->currentTime();
}

bool StateRuntime::test(const std::vector<EvaluatorPtr> &filters, PState *s,
                        const FaultHandler &fault)
{
    EvalContext &ctx = m_ctx;
    ctx.slots = s->ev.slots.data();
    ctx.collections = s->ev.collections.data();
    ctx.timestamp = m_candidate ? m_candidate->timestamp : 0;
    bool ok = true;
    for (const EvaluatorPtr &f : filters) {
        ok = f->test(ctx);
        if (ctx.error) [[unlikely]] {
            // Siddhi stops the event at the failing filter; we count it as not matching, and
            // report it once per event.
            if (!m_failed) {
                m_failed = true;
                fault.fail(m_candidate, ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error)
                                                                : ctx.errorText);
            }
            ctx.error = nullptr;
            ctx.errorText.clear();
            ok = false;
        }
        if (!ok)
            break;
    }
    m_temps.clear();
    return ok;
}

void StateRuntime::emit(PState *s)
{
    if (!selector)
        return;
    while (size_t(m_depth) >= m_chunks.size())
        m_chunks.push_back(std::make_unique<StateChunk>());
    StateChunk &chunk = *m_chunks[size_t(m_depth)];
    chunk.events.clear();
    chunk.events.push_back(&s->ev);
    ++m_depth;
    selector->processStates(chunk);
    --m_depth;
    chunk.events.clear();
}

void StateRuntime::onEvent(StateReceiver &receiver, Event *event)
{
    Event *const savedCandidate = m_candidate;
    Event *const savedKept = m_kept;
    const bool savedFailed = m_failed;
    m_candidate = event;
    m_kept = nullptr;
    m_failed = false;
    while (size_t(m_depth) >= m_returned.size())
        m_returned.push_back(std::make_unique<StateList>(this));
    StateList &returned = *m_returned[size_t(m_depth)];
    ++m_depth;

    // Settle the states (Siddhi's stabilizeStates): drop what is older than `within`, then
    // make what earlier events added visible — for a pattern only to the stages of this
    // stream; a sequence resets and updates every stage, so a state lives for one event.
    const int64_t ts = event->timestamp;
    for (PreState *p : allPres)
        p->expireEvents(ts);
    if (m_type == StateType::Pattern) {
        for (PreState *p : receiver.stages)
            p->updateState();
    } else {
        reset(root);
        update(root);
    }
    // Later elements first, so that one event never moves a match two steps.
    for (size_t i = receiver.stages.size(); i-- > 0;) {
        receiver.stages[i]->processAndReturn(event, returned);
        for (size_t j = 0; j < returned.size(); ++j)
            emit(returned.at(j));
        returned.clear();
    }

    --m_depth;
    if (m_kept)
        releaseEvent(m_kept);
    m_candidate = savedCandidate;
    m_kept = savedKept;
    m_failed = savedFailed;
}

void StateRuntime::init(Node *n)
{
    switch (n->kind) {
    case Node::Stream:
    case Node::Count:
        n->first->init();
        break;
    case Node::Next:
        init(n->a);
        init(n->b);
        break;
    case Node::Every:
        init(n->a);
        break;
    case Node::Logical:
        init(n->b);
        init(n->a);
        break;
    }
}

void StateRuntime::reset(Node *n)
{
    switch (n->kind) {
    case Node::Stream:
    case Node::Count:
    case Node::Every: // EveryInnerStateRuntime resets its first stage only, as Siddhi does
        n->first->resetState();
        break;
    case Node::Next:
        reset(n->b);
        reset(n->a);
        break;
    case Node::Logical:
        reset(n->b);
        break;
    }
}

void StateRuntime::update(Node *n)
{
    switch (n->kind) {
    case Node::Stream:
    case Node::Count:
    case Node::Every:
        n->first->updateState();
        break;
    case Node::Next:
        update(n->a);
        update(n->b);
        break;
    case Node::Logical:
        update(n->b);
        break;
    }
}

} // namespace Rivulet::Runtime::Pattern
