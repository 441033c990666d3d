#include "appruntime.h"

#include "features.h"
#include "querybuilder.h"
#include "table.h"
#include "window.h"

#include "engine/lang/registry.h"

#include <QDateTime>

#include <chrono>
#include <cmath>
#include <limits>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

// ---- InputHandler ---------------------------------------------------------------------------

InputHandler::InputHandler(AppRuntime *app, StreamJunction *junction)
    : m_app(app)
    , m_junction(junction)
{}

InputHandler::~InputHandler()
{
    if (m_scratch)
        m_junction->layout()->release(m_scratch);
}

const QString &InputHandler::streamName() const
{
    return m_junction->name();
}

EventLayout *InputHandler::layout() const
{
    return m_junction->layout();
}

void InputHandler::send(Event *event)
{
    std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
    m_app->beforeEvent(event->timestamp);
    event->type = EventType::Current;
    ++m_app->context().processed;
    // A reused one-event chunk: no allocation per send. A callback that sends into this same
    // stream while we deliver gets a chunk of its own.
    if (m_sending) {
        EventChunk chunk;
        chunk.add(event);
        m_junction->send(chunk);
        return;
    }
    m_sending = true;
    m_single.events.assign(1, event);
    m_junction->send(m_single);
    m_sending = false;
}

void InputHandler::send(std::vector<Event *> &events)
{
    if (events.empty())
        return;
    std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
    EventChunk chunk;
    if (m_app->clockMode() == ClockMode::Playback) {
        // Time moves with each event: send them one by one so timers fire in between.
        chunk.events.resize(1);
        for (Event *e : events) {
            m_app->beforeEvent(e->timestamp);
            e->type = EventType::Current;
            chunk.events[0] = e;
            m_junction->send(chunk);
        }
    } else {
        for (Event *e : events)
            e->type = EventType::Current;
        chunk.events.swap(events); // no copy; the caller gets its vector back below
        m_junction->send(chunk);
        events.swap(chunk.events);
    }
    m_app->context().processed += qint64(events.size());
}

bool InputHandler::fill(EventLayout *layout, Event *ev, const QVariantList &values, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    const QStringList &names = layout->names();
    if (values.size() != layout->size())
        return fail(QStringLiteral("expected %1 values (%2), found %3")
                        .arg(layout->size())
                        .arg(names.join(QStringLiteral(", ")))
                        .arg(values.size()));
    for (int i = 0; i < layout->size(); ++i) {
        const QVariant &v = values[i];
        const AttrType t = layout->type(i);
        const QString name = names.value(i);
        if (v.isNull() || !v.isValid()) {
            layout->set(ev, i, Value::ofLong(0), true);
            continue;
        }
        const int id = v.typeId();
        const bool isNumber = id == QMetaType::Int || id == QMetaType::LongLong
                              || id == QMetaType::Double || id == QMetaType::Float
                              || id == QMetaType::UInt || id == QMetaType::ULongLong
                              || id == QMetaType::Long || id == QMetaType::Short;
        const bool isIntegral = isNumber && id != QMetaType::Double && id != QMetaType::Float;
        auto typeError = [&](const char *expected) {
            return fail(QStringLiteral("attribute '%1' is %2, but the value %3 is a %4")
                            .arg(name, QLatin1String(expected), v.toString(),
                                 QString::fromLatin1(v.typeName())));
        };
        switch (t) {
        case AttrType::String: {
            if (id != QMetaType::QString && id != QMetaType::QByteArray)
                return typeError("a string");
            StringData *s = StringData::make(v.toString());
            Value x;
            x.s = s;
            layout->set(ev, i, x);
            s->deref();
            break;
        }
        case AttrType::Int: {
            if (!isIntegral)
                return typeError("an int");
            const qlonglong n = v.toLongLong();
            if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max())
                return fail(QStringLiteral("attribute '%1' is an int, but %2 does not fit one")
                                .arg(name)
                                .arg(n));
            layout->set(ev, i, Value::ofInt(int32_t(n)));
            break;
        }
        case AttrType::Long:
            if (!isIntegral)
                return typeError("a long");
            layout->set(ev, i, Value::ofLong(v.toLongLong()));
            break;
        case AttrType::Float:
            if (!isNumber)
                return typeError("a float");
            layout->set(ev, i, Value::ofFloat(v.toFloat()));
            break;
        case AttrType::Double:
            if (!isNumber)
                return typeError("a double");
            layout->set(ev, i, Value::ofDouble(v.toDouble()));
            break;
        case AttrType::Bool:
            if (id != QMetaType::Bool)
                return typeError("a bool");
            layout->set(ev, i, Value::ofBool(v.toBool()));
            break;
        case AttrType::Object: {
            auto *o = new TextObject(v.toString());
            Value x;
            x.o = o;
            layout->set(ev, i, x);
            o->deref();
            break;
        }
        case AttrType::Unknown:
            break;
        }
    }
    return true;
}

bool InputHandler::send(int64_t timestamp, const QVariantList &values, QString *error)
{
    std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
    EventLayout *l = m_junction->layout();
    if (!m_scratch)
        m_scratch = l->allocate();
    l->clearValues(m_scratch);
    if (!fill(l, m_scratch, values, error))
        return false;
    m_scratch->timestamp = timestamp;
    send(m_scratch);
    l->clearValues(m_scratch);
    return true;
}

bool InputHandler::send(const QVariantList &values, QString *error)
{
    return send(m_app->currentTime(), values, error);
}

// ---- AppRuntime -----------------------------------------------------------------------------

AppRuntime::AppRuntime(Lang::CompiledApp compiled, ClockMode mode)
    : m_compiled(std::move(compiled))
    , m_clockMode(mode)
{
    if (m_compiled.app && findAnnotation(m_compiled.app->annotations, "app:playback"))
        m_clockMode = ClockMode::Playback;
    if (m_clockMode == ClockMode::Wall)
        m_clock = std::make_unique<WallClock>();
    else
        m_clock = std::make_unique<VirtualClock>(0);
    m_context.name = m_compiled.name();
    m_context.clock = m_clock.get();
    m_context.playback = m_clockMode != ClockMode::Wall;
}

AppRuntime::~AppRuntime()
{
    shutdown();
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    m_partitions.clear();
    m_queries.clear();
    m_triggers.clear();
    m_aggregations.clear();
    m_namedWindows.clear();
    m_inputHandlers.clear();
    m_tables.clear();
    m_junctions.clear();
}

QStringList AppRuntime::inputStreams() const
{
    QStringList out;
    for (const Lang::Schema *s : m_compiled.model.schemas(Lang::SchemaKind::Stream))
        out << s->name;
    return out;
}

QStringList AppRuntime::streams() const
{
    QStringList out;
    for (const Lang::Schema *s : m_compiled.model.schemas()) {
        if (s->isStreamLike() && s->kind != Lang::SchemaKind::Window)
            out << s->name;
    }
    return out;
}

InputHandler *AppRuntime::inputHandler(const QString &stream)
{
    return m_inputHandlers.value(stream).get();
}

Table *AppRuntime::table(const QString &name) const
{
    return m_tables.value(name).get();
}

void AppRuntime::addQuery(std::unique_ptr<QueryRuntime> query)
{
    m_queryNames << query->name;
    m_queries.push_back(std::move(query));
}

int AppRuntime::addStreamCallback(const QString &stream, StreamJunction::Callback callback)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    StreamJunction *j = junction(stream);
    return j ? j->addCallback(std::move(callback)) : -1;
}

void AppRuntime::removeStreamCallback(const QString &stream, int id)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (StreamJunction *j = junction(stream))
        j->removeCallback(id);
}

bool AppRuntime::addQueryCallback(const QString &query, QueryCallback callback)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    for (const auto &q : m_queries) {
        if (q->name == query && q->output) {
            q->output->addCallback(std::move(callback));
            return true;
        }
    }
    return false;
}

QStringList AppRuntime::queryNames() const
{
    return m_queryNames;
}

bool AppRuntime::build(QList<Lang::Diagnostic> *diagnostics)
{
    QueryBuilder builder(*this, diagnostics);
    bool ok = true;
    auto fail = [&](const Lang::SourceRange &range, const QString &message) {
        builder.error(range, message);
        ok = false;
    };

    // Streams (defined, inferred, fault), triggers: one junction each.
    for (const Lang::Schema *s : m_compiled.model.schemas()) {
        if (s->kind == Lang::SchemaKind::Table || s->kind == Lang::SchemaKind::Aggregation)
            continue;
        QList<AttrType> types;
        QStringList names;
        for (const Lang::AttributeInfo &a : s->attributes) {
            types << a.type;
            names << a.name;
        }
        auto layout = std::make_shared<EventLayout>(types, names);
        m_junctions.insert(s->name, std::make_shared<StreamJunction>(s->name, layout, &m_context));
    }
    for (const Lang::Schema *s : m_compiled.model.schemas(Lang::SchemaKind::FaultStream)) {
        if (StreamJunction *base = junction(s->name.mid(1)))
            base->faultJunction = junction(s->name);
    }

    // Tables.
    for (const Lang::Schema *s : m_compiled.model.schemas(Lang::SchemaKind::Table))
        m_tables.insert(s->name, Table::fromSchema(*s, &m_context));

    for (const auto &def : m_compiled.app->definitions) {
        switch (def->kind) {
        case DefinitionKind::Window:
            if (!buildNamedWindow(*this, builder, *def))
                ok = false;
            break;
        case DefinitionKind::Trigger:
            if (!buildTrigger(*this, builder, *def))
                ok = false;
            break;
        case DefinitionKind::Aggregation:
            if (!buildAggregation(*this, builder, *def))
                ok = false;
            break;
        case DefinitionKind::Function:
            fail(def->range,
                 QStringLiteral(
                     "script functions cannot run: Rivulet does not embed a script engine"));
            break;
        default:
            break;
        }
    }

    // Queries, in the order they are written (that is Siddhi's delivery order too).
    int index = 0;
    for (const ExecutionElement &e : m_compiled.app->executions) {
        if (e.partition) {
            if (!buildPartition(*this, builder, *e.partition, &index))
                ok = false;
            continue;
        }
        const Query &q = *e.query;
        ++index;
        QString name = q.name();
        if (name.isEmpty())
            name = QStringLiteral("query%1").arg(index);
        auto runtime = builder.build(q, name);
        if (!runtime) {
            ok = false;
            continue;
        }
        m_queryNames << name;
        m_queries.push_back(std::move(runtime));
    }

    // Input handlers for every stream (Siddhi lets any stream be sent to).
    for (auto it = m_junctions.cbegin(); it != m_junctions.cend(); ++it) {
        const Lang::Schema *s = m_compiled.model.find(it.key());
        if (s && (s->kind == Lang::SchemaKind::Stream))
            m_inputHandlers.insert(it.key(),
                                   std::make_shared<InputHandler>(this, it.value().get()));
    }
    return ok;
}

void AppRuntime::beforeEvent(int64_t timestamp)
{
    if (m_clockMode == ClockMode::Playback) {
        auto *clock = static_cast<VirtualClock *>(m_clock.get());
        if (timestamp > clock->now())
            clock->set(timestamp);
        fireDueTimers();
    }
}

void AppRuntime::fireDueTimers()
{
    TimerTarget *target = nullptr;
    int64_t at = 0;
    const int64_t now = m_context.currentTime();
    while (m_context.scheduler.popDue(now, &target, &at))
        target->onTimer(at);
}

void AppRuntime::advanceTime(int64_t t)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (m_clockMode == ClockMode::Wall) {
        fireDueTimers();
        return;
    }
    auto *clock = static_cast<VirtualClock *>(m_clock.get());
    if (t > clock->now())
        clock->set(t);
    fireDueTimers();
}

void AppRuntime::start()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (m_running)
        return;
    m_running = true;
    if (m_clockMode == ClockMode::Wall) {
        m_stopTimer = false;
        m_context.scheduler.onChange = [this] {
            std::lock_guard<std::mutex> l(m_timerMutex);
            m_timerWake.notify_one();
        };
        m_timerThread = std::thread([this] { timerLoop(); });
    }
    startTriggers(*this);
}

void AppRuntime::shutdown()
{
    {
        std::lock_guard<std::recursive_mutex> lock(m_mutex);
        if (!m_running)
            return;
        m_running = false;
        stopTriggers(*this);
    }
    if (m_timerThread.joinable()) {
        {
            std::lock_guard<std::mutex> l(m_timerMutex);
            m_stopTimer = true;
            m_timerWake.notify_one();
        }
        m_timerThread.join();
    }
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    m_context.scheduler.onChange = nullptr;
}

void AppRuntime::timerLoop()
{
    for (;;) {
        int64_t next;
        {
            std::lock_guard<std::recursive_mutex> lock(m_mutex);
            fireDueTimers();
            next = m_context.scheduler.nextTime();
        }
        std::unique_lock<std::mutex> l(m_timerMutex);
        if (m_stopTimer)
            return;
        if (next == std::numeric_limits<int64_t>::max()) {
            m_timerWake.wait_for(l, std::chrono::seconds(1));
        } else {
            const int64_t delay = next - QDateTime::currentMSecsSinceEpoch();
            if (delay > 0)
                m_timerWake.wait_for(l, std::chrono::milliseconds(delay));
        }
        if (m_stopTimer)
            return;
    }
}

// ---- Engine ---------------------------------------------------------------------------------

Engine::Engine() = default;

Engine::Engine(Options options)
    : m_options(std::move(options))
{}

std::unique_ptr<AppRuntime> Engine::createApp(const QByteArray &source, const QString &fileName,
                                              QList<Lang::Diagnostic> *diagnostics)
{
    Lang::CompiledApp compiled = Lang::compileApp(source, fileName);
    if (diagnostics)
        *diagnostics = compiled.diagnostics;
    if (compiled.hasErrors())
        return nullptr;
    std::unique_ptr<AppRuntime> app(new AppRuntime(std::move(compiled), m_options.clock));
    app->m_context.logger = m_options.logger;
    QList<Lang::Diagnostic> buildErrors;
    if (!app->build(&buildErrors)) {
        if (diagnostics)
            *diagnostics += buildErrors;
        return nullptr;
    }
    return app;
}

} // namespace Rivulet::Runtime
