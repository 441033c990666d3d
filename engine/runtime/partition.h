#pragma once

#include "clock.h"
#include "event.h"
#include "expression.h"
#include "output.h"

#include "engine/lang/ast.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace Rivulet::Runtime {

class AppRuntime;
class QueryBuilder;
class QueryRuntime;
class StreamJunction;

// A running `partition with (...) begin ... end`. Siddhi keeps one copy of the partition's
// queries per partition key; so does Rivulet: the queries are built for a key the first time
// an event with that key arrives, over that key's own junctions (the partitioned streams, the
// other streams the queries read, and the inner streams #S), so windows, aggregates and
// patterns keep separate state per key.
//   - Events of a partitioned stream go to the instance of their key: by value, the key is
//     the value's text (Java's String.valueOf, so keys of several streams meet); by range,
//     each condition that holds sends the event to its label (an event may go to several,
//     none drops it). A null key drops the event.
//   - Streams the queries read that are not partitioned are broadcast to every key that
//     exists (none yet: dropped), in the order Siddhi iterates its HashSet of keys.
//   - Outputs go to global streams, or to the key's inner streams.
//   - @purge(enable='true', interval='...', idle.period='...') drops keys idle that long.
class PartitionRuntime final : public TimerTarget
{
public:
    PartitionRuntime(AppRuntime &app, const Lang::Ast::Partition &partition);
    ~PartitionRuntime() override;

    // Validates by building the queries once, subscribes to the streams. Returns false after
    // reporting errors through builder.
    bool build(QueryBuilder &builder, int *queryIndex);

    size_t keyCount() const { return m_instances.size(); }
    QStringList keys() const;

    void onTimer(int64_t at) override;

private:
    struct Route;
    struct Instance;
    class RouteReceiver;
    class QueryProxy;
    struct KeyHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct KeyEqual
    {
        using is_transparent = void;
        bool operator()(std::string_view a, std::string_view b) const { return a == b; }
    };

    // Per nesting level (a partition's output may come back to it): reused buffers.
    struct Scratch
    {
        EventChunk chunk;
        std::vector<std::string> keys;
        std::vector<std::pair<std::string, Event *>> pairs;
        std::vector<Instance *> targets;
    };

    void deliver(int route, EventChunk &chunk);
    void broadcast(int route, EventChunk &chunk, Scratch &scratch);
    // Keys of event e on a partitioned route, appended to out (none: dropped). False when
    // the key could not be computed (the event failed).
    bool keysOf(Route &route, Event *e, std::vector<std::string> &out);
    Instance *instanceFor(std::string_view key);
    std::unique_ptr<Instance> createInstance(std::string_view key, QueryBuilder &builder);
    void sortBroadcastOrder();

    AppRuntime &m_app;
    const Lang::Ast::Partition &m_partition;
    std::vector<std::unique_ptr<Route>> m_routes;
    QHash<QString, int> m_routeIndex;
    struct Inner
    {
        QString name; // "#S"
        std::shared_ptr<EventLayout> layout;
    };
    std::vector<Inner> m_inner;
    QHash<QString, int> m_junctionIndex; // name -> index in every Instance::junctions
    QStringList m_queryNames;
    std::vector<QueryProxy *> m_proxies; // per query: what its query callbacks see (owned by
                                         // the query's entry in the app)

    std::unordered_map<std::string, std::unique_ptr<Instance>, KeyHash, KeyEqual> m_instances;
    uint64_t m_nextSeq = 0;
    std::vector<Instance *> m_order; // broadcast order, rebuilt when keys change
    bool m_orderDirty = true;

    std::vector<std::unique_ptr<Scratch>> m_scratch;
    int m_depth = 0;
    int m_chmCapacity = 16; // of Siddhi's ConcurrentHashMap of keys: it never shrinks
    TempPool m_temps;

    bool m_purge = false;
    int64_t m_purgeInterval = 300000;
    int64_t m_idlePeriod = 0;
    int64_t m_nextPurge = -1;
};

} // namespace Rivulet::Runtime
