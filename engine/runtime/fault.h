#pragma once

#include "event.h"

#include <QString>

namespace Rivulet::Runtime {

class AppContext;
class StreamJunction;

// What happens to an event that fails in a query (a function that throws in Siddhi, such as
// str:substr past the end of the text): Siddhi's @OnError on the stream it came from. LOG (the
// default) logs and counts it; STREAM sends it, with the error in _error, to the fault stream
// !S. Either way the app goes on, and the stream's later receivers do not get the event.
class FaultHandler
{
public:
    FaultHandler() = default;
    FaultHandler(AppContext *app, StreamJunction *source, QString where)
        : m_app(app)
        , m_source(source)
        , m_where(std::move(where))
    {}
    void fail(const Event *event, const QString &message) const;
    bool isSet() const { return m_app != nullptr; }

private:
    AppContext *m_app = nullptr;
    StreamJunction *m_source = nullptr;
    QString m_where;
};

} // namespace Rivulet::Runtime
