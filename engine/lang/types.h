#pragma once

#include <QString>

#include <cstdint>

namespace Rivulet::Lang {

// The attribute types of SiddhiQL. Numeric types are ordered by Siddhi's promotion:
// int < long < float < double. Unknown stands for "could not be determined" (an unknown
// extension, an earlier error) and is compatible with everything, so one mistake does not
// cascade into many diagnostics.
enum class AttrType : std::uint8_t { String, Int, Long, Float, Double, Bool, Object, Unknown };

// A set of types, for the parameters of built-ins.
using TypeSet = std::uint8_t;
constexpr TypeSet typeBit(AttrType t)
{
    return TypeSet(1u << unsigned(t));
}
constexpr TypeSet kNumericTypes = typeBit(AttrType::Int) | typeBit(AttrType::Long)
                                  | typeBit(AttrType::Float) | typeBit(AttrType::Double);
constexpr TypeSet kAnyType = 0x7f;

QString typeName(AttrType type);
// Parses "string", "INT", ... (case-insensitive); returns false when it is not a type name.
bool parseTypeName(const QString &name, AttrType *type);
QString typeSetText(TypeSet types);

constexpr bool isNumeric(AttrType t)
{
    return t == AttrType::Int || t == AttrType::Long || t == AttrType::Float
           || t == AttrType::Double;
}
// The wider of two numeric types (Siddhi's promotion); Unknown when either is not numeric.
AttrType widerNumeric(AttrType a, AttrType b);

} // namespace Rivulet::Lang
