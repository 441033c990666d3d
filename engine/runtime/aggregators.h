#pragma once

#include "value.h"

#include <QString>

#include <memory>

namespace Rivulet::Runtime {

// The state of one aggregate function for one group. Current events add, expired events
// remove, reset events (batch windows) reset. Nulls are ignored, as in Siddhi.
class Aggregator
{
public:
    virtual ~Aggregator();
    virtual void add(Value v, bool isNull) = 0;
    virtual void remove(Value v, bool isNull) = 0;
    virtual void reset() = 0;
    // The current result; false for null. Strings and objects are borrowed.
    virtual bool result(Value &out) const = 0;
    // Nothing left in it: a group whose aggregators are all empty can be forgotten.
    virtual bool isEmpty() const = 0;
};

class AggregatorFactory
{
public:
    virtual ~AggregatorFactory();
    virtual std::unique_ptr<Aggregator> create() const = 0;
    AttrType resultType() const { return m_resultType; }

protected:
    AttrType m_resultType = AttrType::Unknown;
};

// sum, count, avg, min, max, distinctCount, maxForever, minForever, stdDev, and, or, unionSet.
// `sliding` is false when the query only ever resets (batch windows): min and max then need
// no history. Returns null with an error for an unknown name or argument type.
std::unique_ptr<AggregatorFactory> makeAggregatorFactory(const QString &name, AttrType argType,
                                                         bool sliding, QString *error);

} // namespace Rivulet::Runtime
