#pragma once

#include "simulationconfig.h"

namespace Rivulet::Simulator {

class EventSink;

// Checks a single event against its stream's attributes and sends it. Values may be of the
// attribute's type or text that spells one ("75.6" for a double, "true" for a bool); null is
// null. Without a timestamp the sink's current time is used. False, sending nothing, with a
// message naming the attribute and the type it expects when a value does not fit (or when
// the stream is unknown, or the count of values is wrong).
bool sendSingleEvent(EventSink &sink, const SingleEvent &event, QString *error);

// The same check without sending: the message sendSingleEvent would give, or empty.
QString checkSingleEvent(const StreamSchema &schema, const QVariantList &values);

} // namespace Rivulet::Simulator
