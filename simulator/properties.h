#pragma once

#include "random.h"

#include <QStringList>

#include <cstdint>
#include <string>

namespace Rivulet::Simulator {

// Realistic-looking values for PROPERTY_BASED attributes: the property names of WSO2 Streaming
// Integrator's simulator (FULL_NAME, CITY, EMAIL, UUID, IP, LATITUDE, ...), from small word
// lists of our own and the simulation's seeded generator, so they repeat with the seed.
class PropertyGenerator
{
public:
    // What a property produces: text, a whole number or a real number. Numbers also fit
    // numeric attributes; text fits string attributes only.
    enum class Kind { Text, Integer, Real };

    // Every property name, in the order of the documentation.
    static QStringList propertyNames();

    // Selects the property (case-insensitive); false with a message listing the names when
    // it is unknown.
    bool setProperty(const QString &name, QString *error);
    const QString &property() const { return m_name; }
    Kind kind() const { return m_kind; }

    // One value. Text goes to text (appended, UTF-8), numbers to *number. `timestamp` is the
    // event's (DATE and the calendar properties use it, so they follow the simulation's time).
    void generate(Random &rng, int64_t timestamp, std::string &text, double *number) const;

    enum class Id;

private:
    QString m_name;
    Id m_id{};
    Kind m_kind = Kind::Text;
};

} // namespace Rivulet::Simulator
