#pragma once

#include "eventsource.h"

#include <memory>
#include <vector>

namespace Rivulet::Simulator {

// Makes the values of one attribute of a random source.
class AttributeGenerator
{
public:
    virtual ~AttributeGenerator();
    // Sets attribute i of ev (of layout) to a new value.
    virtual void generate(Random &rng, int64_t timestamp, Runtime::EventLayout *layout,
                          Runtime::Event *ev, int i) = 0;

    // The generator of config for an attribute of this type and name; null with a message
    // naming the attribute when the config does not fit it. warn reports values that had to
    // be sent as null (a pattern that made text which is not a number).
    static std::unique_ptr<AttributeGenerator> create(const AttributeConfig &config, AttrType type,
                                                      const QString &name,
                                                      std::function<void(const QString &)> warn,
                                                      QString *error);
};

// RANDOM_DATA_SIMULATION: a generator per attribute, timestamps every timestampInterval ms
// (default 1000) from the start.
class RandomSource final : public EventSource
{
public:
    ~RandomSource() override;
    static std::unique_ptr<RandomSource> create(const SourceConfig &config,
                                                const SourceContext &context, QString *error);
    bool next(Runtime::Event *ev) override;

private:
    RandomSource(SourceContext context, qint64 interval);

    qint64 m_interval;
    qint64 m_index = 0;
    std::vector<std::unique_ptr<AttributeGenerator>> m_generators;
};

} // namespace Rivulet::Simulator
