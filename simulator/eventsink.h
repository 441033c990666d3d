#pragma once

#include "simulationconfig.h"

#include "engine/runtime/event.h"

#include <QString>

#include <functional>
#include <optional>

namespace Rivulet::Simulator {

// Where simulated events go: an app running in this process (AppSink) or a remote engine
// reached through its http or websocket-server source (HttpSink, WebSocketSink).
//
// A simulation opens each stream it feeds, builds events in the layout the sink gives (through
// allocate/release), and sends them one by one. Sends are synchronous for an app in process;
// remote sinks queue and report back-pressure with isBusy() and the ready callback.
class EventSink
{
public:
    virtual ~EventSink();

    // "app 'TrainLocation'", "http://localhost:8006/trains"
    virtual QString description() const = 0;

    // The attributes of a stream as the target defines them; nullopt when it does not know.
    virtual std::optional<StreamSchema> schema(const QString &stream) const = 0;

    // Readies a stream of this shape; returns the id to send with, or -1 with *error set.
    virtual int openStream(const StreamSchema &schema, QString *error) = 0;
    // The layout events of an open stream are built in.
    virtual Runtime::EventLayout *layout(int stream) const = 0;
    virtual Runtime::Event *allocate(int stream);
    virtual void release(int stream, Runtime::Event *event);

    // Sends one event (the caller keeps it; the sink copies what it needs). False when the
    // target has failed: see errorString().
    virtual bool send(int stream, Runtime::Event *event) = 0;

    // Back-pressure: while true, send no more; the sink calls the ready callback when it takes
    // events again.
    virtual bool isBusy() const { return false; }
    // True when the target's time follows the events' timestamps (an app on a virtual clock):
    // a simulation then runs as fast as possible unless told a rate.
    virtual bool followsEventTime() const { return false; }
    // The timestamp of a single event sent without one.
    virtual qint64 defaultTimestamp() const;
    // Delivers everything queued, then calls done (at once when nothing is queued).
    virtual void finish(std::function<void()> done) { done(); }

    QString errorString() const { return m_error; }
    // ready: the sink takes events again; failed: the target failed (the message says why).
    void setCallbacks(std::function<void()> ready, std::function<void(const QString &)> failed);

protected:
    void notifyReady();
    void notifyFailed(const QString &message);
    void setErrorString(const QString &message) { m_error = message; }

private:
    QString m_error;
    std::function<void()> m_ready;
    std::function<void(const QString &)> m_failed;
};

} // namespace Rivulet::Simulator
