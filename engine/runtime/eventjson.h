#pragma once

#include "event.h"

#include <QByteArray>
#include <QJsonArray>
#include <QString>
#include <QVariantList>

namespace Rivulet::Runtime {

class AppRuntime;

// The JSON-lines form of `rivulet run --events` and of the conformance suite:
//   in:  {"stream":"S","timestamp":1000,"data":["IBM",75.6,100]}   or   {"time":6000}
//   out: {"stream":"Out","timestamp":1000,"type":"current","data":["IBM",75.6]}

// One output line (with its newline). Floats and doubles print as Java does (75.6, 1.0E10);
// NaN and infinities as strings.
QByteArray eventToJsonLine(const QString &stream, const Event &event);
// A JSON value for one attribute.
void appendJsonValue(QByteArray &out, AttrType type, Value v, bool isNull);
void appendJsonString(QByteArray &out, const QString &s);

// Converts a JSON array to values checked against a layout: integral numbers for int/long,
// numbers for float/double, strings, bools, null. Names the attribute on a mismatch.
bool jsonToValues(const EventLayout &layout, const QJsonArray &data, QVariantList *values,
                  QString *error);

// Applies one input line to the app: sends the event or moves the clock.
bool replayLine(AppRuntime &app, const QByteArray &line, QString *error);

} // namespace Rivulet::Runtime
