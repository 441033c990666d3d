#pragma once

#include "engine/lang/ast.h"
#include "engine/lang/sourcerange.h"
#include "engine/runtime/event.h"

#include <QHash>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace Rivulet::Runtime {
class AppRuntime;
class InputHandler;
class StreamJunction;
} // namespace Rivulet::Runtime

// Sources, sinks and mappers: how events get into and out of a running app (Siddhi's
// siddhi-io and siddhi-map extensions). Built from the @source/@sink annotations by IoRuntime.
namespace Rivulet::Io {

class IoContext;

// One @source or @sink annotation, with ${VAR}s resolved.
struct TransportConfig
{
    QString kind;                    // "source" or "sink"
    QString type;                    // http, websocket-server, log...
    QHash<QString, QString> options; // keys lower case
    QString mapType;                 // json (default for most), text, csv, passThrough
    QHash<QString, QString> mapOptions;
    const Lang::Ast::Annotation *attributes = nullptr; // @map(..., @attributes(...))
    const Lang::Ast::Annotation *payload = nullptr;    // @map(..., @payload(...))
    QString app;
    QString stream;
    QString file;
    Lang::SourceRange range;

    QString option(const char *key, const QString &fallback = {}) const;
    bool boolOption(const char *key, bool fallback) const;
    int intOption(const char *key, int fallback) const;
    // "@sink(type='websocket-server') of stream TrainLocationStream (TrainLocation.siddhi:12)"
    QString where() const;
};

// Turns a message into events of a stream. Each source owns one (not shared between threads).
class SourceMapper
{
public:
    virtual ~SourceMapper();
    // Appends the events in the message to out, allocated from `layout` (the source's own
    // layout, not the app's pools). Returns false with a message naming what is wrong; the
    // events already appended are those that mapped.
    virtual bool map(const QByteArray &message, Runtime::EventLayout &layout,
                     std::vector<Runtime::Event *> &out, QString *error) = 0;
};

// Turns an event into the message a sink sends, once per sink (not once per client).
class SinkMapper
{
public:
    virtual ~SinkMapper();
    virtual QByteArray map(const Runtime::Event &event) = 0;
    // Several events in one message (sinks that can: JSON arrays). Default: one per event.
    virtual bool canGroup() const { return false; }
    virtual QByteArray mapGroup(const std::vector<const Runtime::Event *> &events);
};

std::unique_ptr<SourceMapper> makeSourceMapper(const TransportConfig &config,
                                               const Runtime::EventLayout &layout, QString *error);
std::unique_ptr<SinkMapper> makeSinkMapper(const TransportConfig &config,
                                           const Runtime::EventLayout &layout, QString *error);

class Source
{
public:
    Source(TransportConfig config, Runtime::AppRuntime *app, Runtime::InputHandler *input,
           IoContext *context);
    virtual ~Source();
    virtual bool start(QString *error) = 0;
    virtual void stop() = 0;
    // Where clients send to ("http://0.0.0.0:8006/trains").
    virtual QString endpoint() const = 0;
    const TransportConfig &config() const { return m_config; }

    qint64 received() const { return m_received; }
    qint64 rejected() const { return m_rejected; }

protected:
    friend std::unique_ptr<Source> makeSource(const TransportConfig &, Runtime::AppRuntime *,
                                              Runtime::InputHandler *, IoContext *, QString *);
    // Maps a message and sends its events; counts and returns false with the error when the
    // message (or part of it) is bad. Thread-safe: call from whichever thread receives.
    bool deliver(const QByteArray &message, QString *error, int *events = nullptr);

    TransportConfig m_config;
    Runtime::AppRuntime *m_app;
    Runtime::InputHandler *m_input;
    IoContext *m_context;
    std::unique_ptr<SourceMapper> m_mapper;
    std::unique_ptr<Runtime::EventLayout> m_layout; // this source's own event pool
    std::vector<Runtime::Event *> m_batch;
    std::atomic<qint64> m_received{0};
    std::atomic<qint64> m_rejected{0};
    // One message at a time through the mapper and m_layout. Recursive, and m_deliverDepth
    // counts, so that a message looping back into its own source (an inMemory topic that a
    // sink of the same stream feeds) is refused instead of deadlocking.
    std::recursive_mutex m_deliverMutex;
    int m_deliverDepth = 0;
};

class Sink
{
public:
    Sink(TransportConfig config, Runtime::AppRuntime *app, IoContext *context);
    virtual ~Sink();
    virtual bool start(QString *error) = 0;
    virtual void stop() = 0;
    virtual QString endpoint() const = 0;
    // Called under the app's lock, in Siddhi's delivery order, with the stream's events.
    virtual void publish(const Runtime::EventChunk &chunk) = 0;
    const TransportConfig &config() const { return m_config; }
    qint64 published() const { return m_published; }
    qint64 failed() const { return m_failed; }

protected:
    friend std::unique_ptr<Sink> makeSink(const TransportConfig &, Runtime::AppRuntime *,
                                          IoContext *, QString *);
    TransportConfig m_config;
    Runtime::AppRuntime *m_app;
    IoContext *m_context;
    std::unique_ptr<SinkMapper> m_mapper;
    std::atomic<qint64> m_published{0};
    std::atomic<qint64> m_failed{0};
};

// Factories by type: null with an error for a type Rivulet does not have.
std::unique_ptr<Source> makeSource(const TransportConfig &config, Runtime::AppRuntime *app,
                                   Runtime::InputHandler *input, IoContext *context,
                                   QString *error);
std::unique_ptr<Sink> makeSink(const TransportConfig &config, Runtime::AppRuntime *app,
                               IoContext *context, QString *error);

} // namespace Rivulet::Io
