#pragma once

#include "engine/runtime/event.h"

#include <QString>
#include <QVariant>

#include <string_view>

namespace Rivulet::Simulator {

using Runtime::AttrType;

// Converts text (a CSV field, a generated string, a form's input) to a value of the type.
// Strings come back as a new StringData holding one reference, which the caller owns (use
// setOwned). False with a message naming the attribute and the type when the text does not fit.
bool textToValue(AttrType type, std::string_view text, Runtime::Value *out,
                 const QString &attribute, QString *error);

// Converts a value from JSON or a form (numbers, bools, strings that spell them) as
// textToValue does; an invalid or null QVariant is null.
bool variantToValue(AttrType type, const QVariant &v, Runtime::Value *out, bool *isNull,
                    const QString &attribute, QString *error);

// Sets attribute i to v, taking over the reference v holds (for strings and objects).
inline void setOwned(Runtime::EventLayout *layout, Runtime::Event *e, int i, Runtime::Value v)
{
    layout->set(e, i, v);
    Runtime::release(layout->type(i), v);
}

// Sets a number of the attribute's type from a double (rounding to whole numbers for int and
// long); false when it does not fit the type.
bool setNumber(Runtime::Event *e, int i, AttrType type, double number);

// "an int", "a double", ... for messages.
QString typePhrase(AttrType type);

} // namespace Rivulet::Simulator
