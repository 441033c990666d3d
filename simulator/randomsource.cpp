// RANDOM_DATA_SIMULATION: one generator per attribute (primitive, regex-based, custom list,
// property-based), timestamps startTimestamp + k * timestampInterval.
#include "randomsource.h"

#include "properties.h"
#include "regexgenerator.h"
#include "values.h"

#include <cmath>
#include <limits>

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

namespace {

// ---- primitive generators -------------------------------------------------------------------

class IntegerRange final : public AttributeGenerator
{
public:
    IntegerRange(AttrType type, int64_t lo, int64_t hi)
        : m_type(type)
        , m_lo(lo)
        , m_hi(hi)
    {}
    void generate(Random &rng, int64_t, EventLayout *, Event *ev, int i) override
    {
        const int64_t n = rng.between(m_lo, m_hi);
        ev->values()[i] = m_type == AttrType::Int ? Value::ofInt(int32_t(n)) : Value::ofLong(n);
        ev->setNull(i, false);
    }

private:
    AttrType m_type;
    int64_t m_lo;
    int64_t m_hi;
};

class RealRange final : public AttributeGenerator
{
public:
    RealRange(AttrType type, double lo, double hi, int precision)
        : m_type(type)
        , m_lo(lo)
        , m_hi(hi)
        , m_scale(std::pow(10.0, precision))
    {
        // The rounded values that lie within [lo, hi].
        m_loRounded = std::ceil(lo * m_scale - 1e-9) / m_scale;
        m_hiRounded = std::floor(hi * m_scale + 1e-9) / m_scale;
    }
    void generate(Random &rng, int64_t, EventLayout *, Event *ev, int i) override
    {
        double d = std::round(rng.uniform(m_lo, m_hi) * m_scale) / m_scale;
        if (d < m_loRounded)
            d = m_loRounded;
        else if (d > m_hiRounded)
            d = m_hiRounded;
        ev->values()[i] = m_type == AttrType::Float ? Value::ofFloat(float(d)) : Value::ofDouble(d);
        ev->setNull(i, false);
    }
    bool hasValues() const { return m_loRounded <= m_hiRounded; }

private:
    AttrType m_type;
    double m_lo;
    double m_hi;
    double m_scale;
    double m_loRounded = 0;
    double m_hiRounded = 0;
};

class BoolGenerator final : public AttributeGenerator
{
public:
    void generate(Random &rng, int64_t, EventLayout *, Event *ev, int i) override
    {
        ev->values()[i] = Value::ofBool(rng.coin());
        ev->setNull(i, false);
    }
};

// Letters and digits, as WSO2's primitive string generator.
class AlphanumericString final : public AttributeGenerator
{
public:
    explicit AlphanumericString(int length)
        : m_length(length)
    {
        m_buffer.resize(size_t(length));
    }
    void generate(Random &rng, int64_t, EventLayout *layout, Event *ev, int i) override
    {
        static const char kChars[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int k = 0; k < m_length; ++k)
            m_buffer[size_t(k)] = kChars[rng.below(62)];
        Value v;
        v.s = StringData::make(m_buffer.data(), m_length);
        setOwned(layout, ev, i, v);
    }

private:
    int m_length;
    std::string m_buffer;
};

// ---- custom list -------------------------------------------------------------------------

class CustomList final : public AttributeGenerator
{
public:
    CustomList(AttrType type, std::vector<Value> values)
        : m_type(type)
        , m_values(std::move(values))
    {}
    ~CustomList() override
    {
        for (Value v : m_values)
            Runtime::release(m_type, v);
    }
    void generate(Random &rng, int64_t, EventLayout *layout, Event *ev, int i) override
    {
        const Value v = m_values[m_values.size() == 1 ? 0 : rng.below(m_values.size())];
        if (isRefCounted(m_type)) {
            layout->set(ev, i, v);
        } else {
            ev->values()[i] = v;
            ev->setNull(i, false);
        }
    }

private:
    AttrType m_type;
    std::vector<Value> m_values; // strings hold one reference each
};

// ---- text generators: regex and property ---------------------------------------------------

class RegexBased final : public AttributeGenerator
{
public:
    RegexBased(AttrType type, QString name, RegexGenerator regex,
               std::function<void(const QString &)> warn)
        : m_type(type)
        , m_name(std::move(name))
        , m_regex(std::move(regex))
        , m_warn(std::move(warn))
    {}
    void generate(Random &rng, int64_t, EventLayout *layout, Event *ev, int i) override
    {
        m_buffer.clear();
        m_regex.generate(rng, m_buffer);
        Value v;
        QString error;
        if (!textToValue(m_type, m_buffer, &v, m_name, &error)) {
            // The pattern made text that is not a number of the attribute's type.
            if (!m_warned && m_warn)
                m_warn(QStringLiteral("pattern '%1': %2 (sent as null)")
                           .arg(m_regex.pattern(), error));
            m_warned = true;
            layout->set(ev, i, Value::ofLong(0), true);
            return;
        }
        if (isRefCounted(m_type))
            setOwned(layout, ev, i, v);
        else
            layout->set(ev, i, v);
    }

private:
    AttrType m_type;
    QString m_name;
    RegexGenerator m_regex;
    std::function<void(const QString &)> m_warn;
    std::string m_buffer;
    bool m_warned = false;
};

class PropertyBased final : public AttributeGenerator
{
public:
    PropertyBased(AttrType type, PropertyGenerator property)
        : m_type(type)
        , m_property(std::move(property))
    {}
    void generate(Random &rng, int64_t timestamp, EventLayout *layout, Event *ev, int i) override
    {
        m_buffer.clear();
        double number = 0;
        m_property.generate(rng, timestamp, m_buffer, &number);
        if (m_property.kind() == PropertyGenerator::Kind::Text) {
            Value v;
            v.s = StringData::make(m_buffer);
            setOwned(layout, ev, i, v);
        } else if (m_type == AttrType::String) {
            const QByteArray text = m_property.kind() == PropertyGenerator::Kind::Integer
                                        ? QByteArray::number(qint64(number))
                                        : QByteArray::number(number, 'g', 10);
            Value v;
            v.s = StringData::make(text.constData(), int(text.size()));
            setOwned(layout, ev, i, v);
        } else {
            setNumber(ev, i, m_type, number);
        }
    }

private:
    AttrType m_type;
    PropertyGenerator m_property;
    std::string m_buffer;
};

// ---- building ------------------------------------------------------------------------------

bool parseBound(AttrType type, const QString &text, double *d, int64_t *n)
{
    const QByteArray utf8 = text.toUtf8();
    Value v;
    QString ignored;
    const AttrType as =
        (type == AttrType::Int || type == AttrType::Long) ? AttrType::Long : AttrType::Double;
    if (!textToValue(as, std::string_view(utf8.constData(), size_t(utf8.size())), &v, {}, &ignored))
        return false;
    if (as == AttrType::Long) {
        *n = v.l;
        *d = double(v.l);
    } else {
        *d = v.d;
    }
    return true;
}

} // namespace

AttributeGenerator::~AttributeGenerator() = default;

std::unique_ptr<AttributeGenerator>
AttributeGenerator::create(const AttributeConfig &config, AttrType type, const QString &name,
                           std::function<void(const QString &)> warn, QString *error)
{
    const QString what = QStringLiteral("attribute '%1' (%2)").arg(name, Lang::typeName(type));
    auto fail = [&](const QString &message) -> std::unique_ptr<AttributeGenerator> {
        *error = what + QStringLiteral(": ") + message;
        return nullptr;
    };
    if (type == AttrType::Object || type == AttrType::Unknown)
        return fail(QStringLiteral("values of this type cannot be generated"));
    switch (config.kind) {
    case AttributeConfig::Kind::Primitive:
        switch (type) {
        case AttrType::String:
            if (!config.length || *config.length < 1)
                return fail(QStringLiteral("PRIMITIVE_BASED strings need a 'length' of 1 or more"));
            return std::make_unique<AlphanumericString>(*config.length);
        case AttrType::Bool:
            return std::make_unique<BoolGenerator>();
        case AttrType::Int:
        case AttrType::Long: {
            double dlo = 0, dhi = 0;
            int64_t lo = 0, hi = 0;
            if (config.min.isEmpty() || config.max.isEmpty())
                return fail(QStringLiteral("PRIMITIVE_BASED %1 needs 'min' and 'max'")
                                .arg(Lang::typeName(type)));
            if (!parseBound(type, config.min, &dlo, &lo))
                return fail(QStringLiteral("'min' %1 is not a whole number").arg(config.min));
            if (!parseBound(type, config.max, &dhi, &hi))
                return fail(QStringLiteral("'max' %1 is not a whole number").arg(config.max));
            if (lo > hi)
                return fail(QStringLiteral("'min' %1 is greater than 'max' %2")
                                .arg(config.min, config.max));
            if (type == AttrType::Int
                && (lo < std::numeric_limits<int32_t>::min()
                    || hi > std::numeric_limits<int32_t>::max()))
                return fail(QStringLiteral("'min' and 'max' must fit an int"));
            return std::make_unique<IntegerRange>(type, lo, hi);
        }
        case AttrType::Float:
        case AttrType::Double: {
            double lo = 0, hi = 0;
            int64_t ignored = 0;
            if (config.min.isEmpty() || config.max.isEmpty() || !config.precision)
                return fail(QStringLiteral("PRIMITIVE_BASED %1 needs 'min', 'max' and "
                                           "'precision' (decimal places)")
                                .arg(Lang::typeName(type)));
            if (!parseBound(type, config.min, &lo, &ignored))
                return fail(QStringLiteral("'min' %1 is not a number").arg(config.min));
            if (!parseBound(type, config.max, &hi, &ignored))
                return fail(QStringLiteral("'max' %1 is not a number").arg(config.max));
            if (lo > hi)
                return fail(QStringLiteral("'min' %1 is greater than 'max' %2")
                                .arg(config.min, config.max));
            auto g = std::make_unique<RealRange>(type, lo, hi, *config.precision);
            if (!g->hasValues())
                return fail(QStringLiteral("no number with %1 decimal places lies between %2 "
                                           "and %3")
                                .arg(*config.precision)
                                .arg(config.min, config.max));
            return g;
        }
        case AttrType::Object:
        case AttrType::Unknown:
            break;
        }
        return fail(QStringLiteral("has no type"));
    case AttributeConfig::Kind::Custom: {
        std::vector<Value> values;
        for (const QString &item : config.list) {
            const QByteArray utf8 = item.toUtf8();
            Value v;
            QString message;
            if (!textToValue(type, std::string_view(utf8.constData(), size_t(utf8.size())), &v,
                             name, &message)) {
                for (Value x : values)
                    Runtime::release(type, x);
                return fail(QStringLiteral("the CUSTOM_DATA_BASED list value '%1' is not %2")
                                .arg(item, typePhrase(type)));
            }
            values.push_back(v);
        }
        return std::make_unique<CustomList>(type, std::move(values));
    }
    case AttributeConfig::Kind::Regex: {
        RegexGenerator regex;
        QString message;
        if (!regex.compile(config.pattern, &message))
            return fail(message);
        return std::make_unique<RegexBased>(type, name, std::move(regex), std::move(warn));
    }
    case AttributeConfig::Kind::Property: {
        PropertyGenerator property;
        QString message;
        if (!property.setProperty(config.property, &message))
            return fail(message);
        if (property.kind() == PropertyGenerator::Kind::Text && type != AttrType::String)
            return fail(QStringLiteral("property %1 gives text, which does not fit %2")
                            .arg(property.property(), typePhrase(type)));
        if (property.kind() == PropertyGenerator::Kind::Real
            && (type == AttrType::Int || type == AttrType::Long || type == AttrType::Bool))
            return fail(QStringLiteral("property %1 gives real numbers, which do not fit %2")
                            .arg(property.property(), typePhrase(type)));
        if (type == AttrType::Bool)
            return fail(QStringLiteral("property %1 does not give bools").arg(property.property()));
        return std::make_unique<PropertyBased>(type, std::move(property));
    }
    }
    return fail(QStringLiteral("unknown generator"));
}

// ---- RandomSource --------------------------------------------------------------------------

RandomSource::RandomSource(SourceContext context, qint64 interval)
    : EventSource(std::move(context))
    , m_interval(interval)
{}

RandomSource::~RandomSource() = default;

std::unique_ptr<RandomSource> RandomSource::create(const SourceConfig &config,
                                                   const SourceContext &context, QString *error)
{
    const StreamSchema &schema = context.schema;
    if (config.attributeConfiguration.size() != schema.size()) {
        *error = QStringLiteral("stream '%1' has %2 attributes (%3), but the "
                                "attributeConfiguration has %4 generators: give one per "
                                "attribute, in order")
                     .arg(schema.name)
                     .arg(schema.size())
                     .arg(schema.text())
                     .arg(config.attributeConfiguration.size());
        return nullptr;
    }
    auto source = std::unique_ptr<RandomSource>(
        new RandomSource(context, config.timestampInterval.value_or(1000)));
    for (int i = 0; i < schema.size(); ++i) {
        auto g = AttributeGenerator::create(
            config.attributeConfiguration[i], schema.types[i], schema.names[i],
            [s = source.get()](const QString &m) { s->warn(m); }, error);
        if (!g)
            return nullptr;
        source->m_generators.push_back(std::move(g));
    }
    return source;
}

bool RandomSource::next(Event *ev)
{
    const qint64 ts = m_context.startTimestamp + m_index * m_interval;
    if (pastEnd(ts))
        return false;
    ++m_index;
    ev->timestamp = ts;
    EventLayout *layout = m_context.layout;
    const int n = int(m_generators.size());
    for (int i = 0; i < n; ++i)
        m_generators[size_t(i)]->generate(m_rng, ts, layout, ev, i);
    return true;
}

} // namespace Rivulet::Simulator
