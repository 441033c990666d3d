#pragma once

#include "aggregators.h"
#include "expression.h"
#include "fault.h"
#include "processor.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace Rivulet::Runtime {

// The select clause of a query: projection, aggregates per group, having, order by, limit and
// offset. Follows Siddhi's QuerySelector: in a batch chunk (from a batch window) it emits the
// last result of each group; otherwise one result per event. Output events belong to the
// selector and are released when the stages after it return.
class QuerySelector final : public Processor
{
public:
    struct Projection
    {
        EvaluatorPtr evaluator;
    };
    struct AggregateCall
    {
        std::unique_ptr<AggregatorFactory> factory;
        EvaluatorPtr argument; // null for count()
    };
    struct OrderKey
    {
        int outputIndex = -1;   // an output attribute, or
        EvaluatorPtr evaluator; // an input expression
        AttrType type = AttrType::Unknown;
        bool descending = false;
    };

    QuerySelector(AppContext *app, std::shared_ptr<EventLayout> outputLayout, int slotCount);
    ~QuerySelector() override;

    // Configuration, filled by the query builder.
    std::vector<AggregateCall> aggregates;
    std::vector<Projection> projections;
    std::vector<EvaluatorPtr> groupBy;
    EvaluatorPtr having;
    std::vector<OrderKey> orderBy;
    int64_t limit = -1;
    int64_t offset = -1;
    bool currentOn = true;
    bool expiredOn = false;
    // select * over one input of the same shape, nothing else: events pass through untouched.
    bool passThrough = false;
    std::vector<bool> collectionSlots;
    // Siddhi's QuerySelector.batchingEnabled: off under `output snapshot`, so that every event of
    // a batch window reaches the rate limiter.
    bool batchingEnabled = true;
    // Pass reset events on (snapshot rate limiters without group by clear what they hold).
    bool forwardResets = false;
    // Keep the group key of each output event (group-by rate limiters read it while the output
    // is being forwarded).
    bool provideGroupKeys = false;
    const std::vector<std::string> &outputGroupKeys() const { return m_outKeys; }
    // Where an event whose projection fails goes (the @OnError of the query's input stream).
    // Unset: the failure is logged and counted.
    FaultHandler fault;

    // The evaluator that reads aggregate i of the group being processed.
    EvaluatorPtr aggregateResult(int index, AttrType type);

    EventLayout *outputLayout() const { return m_layout.get(); }

    void process(EventChunk &chunk) override;
    void processStates(StateChunk &chunk);

private:
    struct Group
    {
        std::vector<std::unique_ptr<Aggregator>> aggregators;
        uint64_t generation = 0; // the reset generation that last used it
        uint64_t batchRound = 0; // batch mode: the round in which batchSlot is valid
        size_t batchSlot = 0;    // batch mode: where its output sits in the output chunk
    };
    struct Row
    {
        Event *const *slots;
        const std::vector<Event *> *collections;
        int64_t timestamp;
        EventType type;
    };
    // Group keys: the encoded values, with a hash computed while encoding (strings bring
    // their cached hash), so a lookup hashes nothing twice.
    struct StoredKey
    {
        std::string bytes;
        size_t hash;
    };
    struct LookupKey
    {
        std::string_view bytes;
        size_t hash;
    };
    struct KeyHash
    {
        using is_transparent = void;
        size_t operator()(const StoredKey &k) const { return k.hash; }
        size_t operator()(const LookupKey &k) const { return k.hash; }
    };
    struct KeyEqual
    {
        using is_transparent = void;
        bool operator()(const StoredKey &a, const StoredKey &b) const { return a.bytes == b.bytes; }
        bool operator()(const StoredKey &a, const LookupKey &b) const { return a.bytes == b.bytes; }
        bool operator()(const LookupKey &a, const StoredKey &b) const { return a.bytes == b.bytes; }
    };
    class AggregateResultNode;
    friend class AggregateResultNode;

    // Where a plain-attribute argument or group-by key reads (slot -1: evaluate it).
    struct AttrRef
    {
        int slot = -1;
        int index = -1;
    };
    void prepareReads();
    static bool evalRead(const Evaluator &e, const AttrRef &ref, const EvalContext &ctx,
                         Value &out);

    template<class RowAt>
    void run(size_t count, bool batch, RowAt rowAt);
    Group *groupFor(const EvalContext &ctx, std::string *key);
    void updateAggregates(Group &group, const EvalContext &ctx, EventType type);
    void resetAll();
    Event *buildOutput(const EvalContext &ctx, const Row &row);
    enum class Finish { AsIs, OrderOffsetLimit };
    void finish(Finish mode);
    void orderOutput();
    void offsetOutput();
    void limitOutput();
    void addOutput(Event *e);

    AppContext *m_app;
    std::shared_ptr<EventLayout> m_layout;
    int m_slotCount;
    Group m_single; // no group by
    std::unordered_map<StoredKey, std::unique_ptr<Group>, KeyHash, KeyEqual> m_groups;
    size_t m_keyHash = 0;
    const Group *m_current = nullptr;
    uint64_t m_generation = 1; // bumped by every reset (batch windows)
    uint64_t m_batchRound = 0;
    std::string m_keyBuffer;
    EventChunk m_out;
    std::vector<std::string> m_outKeys; // parallel to m_out when provideGroupKeys
    std::vector<Event *> m_owned;
    TempPool m_temps;
    std::vector<AttrRef> m_argReads;   // per aggregate
    std::vector<AttrRef> m_groupReads; // per group-by key
    bool m_readsPrepared = false;
};

} // namespace Rivulet::Runtime
