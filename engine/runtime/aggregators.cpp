#include "aggregators.h"

#include <cmath>
#include <deque>
#include <unordered_map>

namespace Rivulet::Runtime {

Aggregator::~Aggregator() = default;
AggregatorFactory::~AggregatorFactory() = default;

namespace {

template<class T>
T read(AttrType t, Value v)
{
    if constexpr (std::is_same_v<T, double>)
        return toDouble(t, v);
    else
        return T(toLong(t, v));
}

// sum: long for int/long, double for float/double; null while nothing was added.
template<class T>
class SumAggregator final : public Aggregator
{
public:
    explicit SumAggregator(AttrType argType)
        : m_argType(argType)
    {}
    void add(Value v, bool isNull) override
    {
        if (isNull)
            return;
        m_sum += read<T>(m_argType, v);
        ++m_count;
    }
    void remove(Value v, bool isNull) override
    {
        if (isNull)
            return;
        m_sum -= read<T>(m_argType, v);
        --m_count;
    }
    void reset() override
    {
        m_sum = 0;
        m_count = 0;
    }
    bool result(Value &out) const override
    {
        if (m_count == 0)
            return false;
        if constexpr (std::is_same_v<T, double>)
            out = Value::ofDouble(m_sum);
        else
            out = Value::ofLong(m_sum);
        return true;
    }
    bool isEmpty() const override { return m_count == 0; }

private:
    AttrType m_argType;
    T m_sum = 0;
    int64_t m_count = 0;
};

class CountAggregator final : public Aggregator
{
public:
    // Siddhi counts every event, whatever its argument.
    void add(Value, bool) override { ++m_count; }
    void remove(Value, bool) override { --m_count; }
    void reset() override { m_count = 0; }
    bool result(Value &out) const override
    {
        out = Value::ofLong(m_count);
        return true;
    }
    bool isEmpty() const override { return m_count == 0; }

private:
    int64_t m_count = 0;
};

class AvgAggregator final : public Aggregator
{
public:
    explicit AvgAggregator(AttrType argType)
        : m_argType(argType)
    {}
    void add(Value v, bool isNull) override
    {
        if (isNull)
            return;
        m_sum += toDouble(m_argType, v);
        ++m_count;
    }
    void remove(Value v, bool isNull) override
    {
        if (isNull)
            return;
        m_sum -= toDouble(m_argType, v);
        --m_count;
    }
    void reset() override
    {
        m_sum = 0;
        m_count = 0;
    }
    bool result(Value &out) const override
    {
        if (m_count == 0)
            return false;
        out = Value::ofDouble(m_sum / double(m_count));
        return true;
    }
    bool isEmpty() const override { return m_count == 0; }

private:
    AttrType m_argType;
    double m_sum = 0;
    int64_t m_count = 0;
};

// min and max over a sliding window: Siddhi's monotonic deque (values that can still become
// the extreme), removing the first occurrence of an expired value.
template<bool IsMax>
class ExtremeAggregator final : public Aggregator
{
public:
    ExtremeAggregator(AttrType type, bool sliding)
        : m_type(type)
        , m_sliding(sliding)
    {}
    void add(Value v, bool isNull) override
    {
        if (isNull)
            return;
        const double x = toDouble(m_type, v);
        if (m_sliding) {
            while (!m_deque.empty() && beats(x, toDouble(m_type, m_deque.back())))
                m_deque.pop_back();
            m_deque.push_back(v);
        }
        if (!m_has || beats(x, toDouble(m_type, m_value))) {
            m_value = v;
            m_has = true;
        }
    }
    void remove(Value v, bool isNull) override
    {
        if (isNull)
            return;
        const double x = toDouble(m_type, v);
        if (m_sliding) {
            for (auto it = m_deque.begin(); it != m_deque.end(); ++it) {
                if (toDouble(m_type, *it) == x) {
                    m_deque.erase(it);
                    break;
                }
            }
            m_has = !m_deque.empty();
            if (m_has)
                m_value = m_deque.front();
        } else if (m_has && toDouble(m_type, m_value) == x) {
            m_has = false;
        }
    }
    void reset() override
    {
        m_deque.clear();
        m_has = false;
    }
    bool result(Value &out) const override
    {
        if (!m_has)
            return false;
        out = m_value;
        return true;
    }
    bool isEmpty() const override { return !m_has && m_deque.empty(); }

private:
    static bool beats(double a, double b) { return IsMax ? a > b : a < b; }
    AttrType m_type;
    bool m_sliding;
    std::deque<Value> m_deque;
    Value m_value{};
    bool m_has = false;
};

template<bool IsMax>
class ForeverAggregator final : public Aggregator
{
public:
    explicit ForeverAggregator(AttrType type)
        : m_type(type)
    {}
    void add(Value v, bool isNull) override
    {
        if (isNull)
            return;
        const double x = toDouble(m_type, v);
        if (!m_has || (IsMax ? x > toDouble(m_type, m_value) : x < toDouble(m_type, m_value))) {
            m_value = v;
            m_has = true;
        }
    }
    // Expired events do not lower a forever maximum, nor do resets.
    void remove(Value v, bool isNull) override { add(v, isNull); }
    void reset() override {}
    bool result(Value &out) const override
    {
        if (!m_has)
            return false;
        out = m_value;
        return true;
    }
    bool isEmpty() const override { return !m_has; }

private:
    AttrType m_type;
    Value m_value{};
    bool m_has = false;
};

struct ValueKey
{
    AttrType type;
    Value value;
    bool operator==(const ValueKey &o) const { return valuesEqual(type, value, o.value); }
};
struct ValueKeyHash
{
    size_t operator()(const ValueKey &k) const { return hashValue(k.type, k.value); }
};

// distinctCount and unionSet: a count per distinct value (holding references to strings).
class DistinctAggregator final : public Aggregator
{
public:
    DistinctAggregator(AttrType type, bool asSet)
        : m_type(type)
        , m_asSet(asSet)
    {}
    ~DistinctAggregator() override
    {
        for (auto &kv : m_counts)
            release(kv.first.type, kv.first.value);
        if (m_set)
            m_set->deref();
    }
    void add(Value v, bool isNull) override
    {
        if (isNull) {
            // distinctCount keeps its values in a HashMap, where null is a value too.
            if (!m_asSet)
                ++m_nulls;
            return;
        }
        if (m_asSet) {
            // unionSet's argument is a set: count each element.
            auto *set = dynamic_cast<SetObject *>(v.o);
            if (!set)
                return;
            for (const SetObject::Element &e : set->elements())
                addOne(e.type, e.value);
            return;
        }
        addOne(m_type, v);
    }
    void remove(Value v, bool isNull) override
    {
        if (isNull) {
            if (!m_asSet && m_nulls > 0)
                --m_nulls;
            return;
        }
        if (m_asSet) {
            auto *set = dynamic_cast<SetObject *>(v.o);
            if (!set)
                return;
            for (const SetObject::Element &e : set->elements())
                removeOne(e.type, e.value);
            return;
        }
        removeOne(m_type, v);
    }
    void reset() override
    {
        for (auto &kv : m_counts)
            release(kv.first.type, kv.first.value);
        m_counts.clear();
        m_nulls = 0;
        dropSet();
    }
    bool result(Value &out) const override
    {
        if (!m_asSet) {
            out = Value::ofLong(int64_t(m_counts.size()) + (m_nulls > 0 ? 1 : 0));
            return true;
        }
        if (!m_set) {
            m_set = new SetObject;
            for (const auto &kv : m_counts)
                m_set->insert(kv.first.type, kv.first.value);
        }
        out.o = m_set;
        return true;
    }
    bool isEmpty() const override { return m_counts.empty() && m_nulls == 0; }

private:
    void addOne(AttrType t, Value v)
    {
        auto it = m_counts.find({t, v});
        if (it == m_counts.end()) {
            retain(t, v);
            m_counts.emplace(ValueKey{t, v}, 1);
            dropSet();
        } else {
            ++it->second;
        }
    }
    void removeOne(AttrType t, Value v)
    {
        auto it = m_counts.find({t, v});
        if (it == m_counts.end())
            return;
        if (--it->second == 0) {
            const ValueKey key = it->first;
            m_counts.erase(it);
            release(key.type, key.value);
            dropSet();
        }
    }
    void dropSet()
    {
        if (m_set) {
            m_set->deref();
            m_set = nullptr;
        }
    }
    AttrType m_type;
    bool m_asSet;
    std::unordered_map<ValueKey, int64_t, ValueKeyHash> m_counts;
    int64_t m_nulls = 0;
    mutable SetObject *m_set = nullptr;
};

// Siddhi's running standard deviation (population), with removal.
class StdDevAggregator final : public Aggregator
{
public:
    explicit StdDevAggregator(AttrType type)
        : m_type(type)
    {}
    void add(Value v, bool isNull) override
    {
        if (isNull)
            return;
        const double x = toDouble(m_type, v);
        ++m_count;
        if (m_count == 1) {
            m_sum = m_mean = x;
            m_m2 = 0;
            return;
        }
        const double old = m_mean;
        m_sum += x;
        m_mean = m_sum / double(m_count);
        m_m2 += (x - old) * (x - m_mean);
    }
    void remove(Value v, bool isNull) override
    {
        if (isNull)
            return;
        const double x = toDouble(m_type, v);
        --m_count;
        if (m_count == 0) {
            m_sum = m_mean = m_m2 = 0;
            return;
        }
        const double old = m_mean;
        m_sum -= x;
        m_mean = m_sum / double(m_count);
        m_m2 -= (x - old) * (x - m_mean);
    }
    void reset() override
    {
        m_count = 0;
        m_sum = m_mean = m_m2 = 0;
    }
    bool result(Value &out) const override
    {
        if (m_count == 0)
            return false;
        out = Value::ofDouble(m_count == 1 ? 0.0 : std::sqrt(m_m2 / double(m_count)));
        return true;
    }
    bool isEmpty() const override { return m_count == 0; }

private:
    AttrType m_type;
    int64_t m_count = 0;
    double m_sum = 0, m_mean = 0, m_m2 = 0;
};

// and / or over bool values: counts of true and false.
template<bool IsAnd>
class LogicalAggregator final : public Aggregator
{
public:
    void add(Value v, bool isNull) override
    {
        if (isNull)
            return;
        ++(v.b ? m_true : m_false);
    }
    void remove(Value v, bool isNull) override
    {
        if (isNull)
            return;
        --(v.b ? m_true : m_false);
    }
    void reset() override { m_true = m_false = 0; }
    bool result(Value &out) const override
    {
        out = Value::ofBool(IsAnd ? (m_true > 0 && m_false == 0) : m_true > 0);
        return true;
    }
    bool isEmpty() const override { return m_true == 0 && m_false == 0; }

private:
    int64_t m_true = 0;
    int64_t m_false = 0;
};

template<class F>
class Factory final : public AggregatorFactory
{
public:
    Factory(AttrType result, F make)
        : m_make(std::move(make))
    {
        m_resultType = result;
    }
    std::unique_ptr<Aggregator> create() const override { return m_make(); }

private:
    F m_make;
};

template<class F>
std::unique_ptr<AggregatorFactory> factory(AttrType result, F make)
{
    return std::make_unique<Factory<F>>(result, std::move(make));
}

} // namespace

std::unique_ptr<AggregatorFactory> makeAggregatorFactory(const QString &name, AttrType argType,
                                                         bool sliding, QString *error)
{
    const bool numeric = Lang::isNumeric(argType);
    auto needNumeric = [&]() -> std::unique_ptr<AggregatorFactory> {
        *error = QStringLiteral("%1() needs a number, found %2").arg(name, Lang::typeName(argType));
        return nullptr;
    };
    if (name == QLatin1String("sum")) {
        if (!numeric)
            return needNumeric();
        if (argType == AttrType::Int || argType == AttrType::Long)
            return factory(AttrType::Long,
                           [argType] { return std::make_unique<SumAggregator<int64_t>>(argType); });
        return factory(AttrType::Double,
                       [argType] { return std::make_unique<SumAggregator<double>>(argType); });
    }
    if (name == QLatin1String("count"))
        return factory(AttrType::Long, [] { return std::make_unique<CountAggregator>(); });
    if (name == QLatin1String("avg")) {
        if (!numeric)
            return needNumeric();
        return factory(AttrType::Double,
                       [argType] { return std::make_unique<AvgAggregator>(argType); });
    }
    if (name == QLatin1String("max") || name == QLatin1String("min")) {
        if (!numeric)
            return needNumeric();
        if (name == QLatin1String("max"))
            return factory(argType, [argType, sliding] {
                return std::make_unique<ExtremeAggregator<true>>(argType, sliding);
            });
        return factory(argType, [argType, sliding] {
            return std::make_unique<ExtremeAggregator<false>>(argType, sliding);
        });
    }
    if (name == QLatin1String("maxForever") || name == QLatin1String("minForever")) {
        if (!numeric)
            return needNumeric();
        if (name == QLatin1String("maxForever"))
            return factory(
                argType, [argType] { return std::make_unique<ForeverAggregator<true>>(argType); });
        return factory(argType,
                       [argType] { return std::make_unique<ForeverAggregator<false>>(argType); });
    }
    if (name == QLatin1String("distinctCount"))
        return factory(AttrType::Long,
                       [argType] { return std::make_unique<DistinctAggregator>(argType, false); });
    if (name == QLatin1String("unionSet"))
        return factory(AttrType::Object,
                       [argType] { return std::make_unique<DistinctAggregator>(argType, true); });
    if (name == QLatin1String("stdDev")) {
        if (!numeric)
            return needNumeric();
        return factory(AttrType::Double,
                       [argType] { return std::make_unique<StdDevAggregator>(argType); });
    }
    if (name == QLatin1String("and"))
        return factory(AttrType::Bool, [] { return std::make_unique<LogicalAggregator<true>>(); });
    if (name == QLatin1String("or"))
        return factory(AttrType::Bool, [] { return std::make_unique<LogicalAggregator<false>>(); });
    *error = QStringLiteral("unknown aggregate function '%1'").arg(name);
    return nullptr;
}

} // namespace Rivulet::Runtime
