// Triggers: define trigger T at 'start' | at every <time> | at '<cron>'.
#include "trigger.h"

#include "appcontext.h"
#include "appruntime.h"
#include "features.h"
#include "processor.h"
#include "querybuilder.h"

namespace Rivulet::Runtime {

Trigger::Trigger(AppContext *app, StreamJunction *junction, Kind kind)
    : m_app(app)
    , m_junction(junction)
    , m_kind(kind)
{}

Trigger::~Trigger()
{
    m_app->scheduler.cancel(this);
}

void Trigger::start()
{
    if (m_running)
        return;
    m_running = true;
    const int64_t now = m_app->currentTime();
    switch (m_kind) {
    case Start:
        emitAt(now);
        break;
    case Periodic:
        m_nextAt = now + m_period;
        m_app->scheduler.notifyAt(this, m_nextAt);
        break;
    case Cron:
        // Quartz's first fire time is the first match after (start - 1 s): a start on a
        // matching second fires at once.
        scheduleAfter(now - 1000);
        break;
    }
}

void Trigger::stop()
{
    m_running = false;
    m_app->scheduler.cancel(this);
}

void Trigger::scheduleAfter(int64_t t)
{
    m_nextAt = m_cron.nextAfter(t);
    if (m_nextAt >= 0)
        m_app->scheduler.notifyAt(this, m_nextAt);
}

void Trigger::onTimer(int64_t at)
{
    // A scheduler may call a target twice for one time: fire only for the time asked for.
    if (!m_running || at != m_nextAt)
        return;
    // Schedule the next one first: an event that takes long does not shift the schedule
    // (a fixed rate, as Siddhi's scheduleAtFixedRate).
    if (m_kind == Periodic) {
        m_nextAt = at + m_period;
        m_app->scheduler.notifyAt(this, m_nextAt);
    } else if (m_kind == Cron) {
        scheduleAfter(at);
    }
    emitAt(at);
}

void Trigger::emitAt(int64_t at)
{
    EventLayout *layout = m_junction->layout();
    Event *e = layout->allocate();
    e->timestamp = at;
    layout->set(e, 0, Value::ofLong(at));
    EventChunk chunk;
    chunk.add(e);
    m_junction->send(chunk);
    layout->release(e);
}

bool buildTrigger(AppRuntime &app, QueryBuilder &builder, const Lang::Ast::Definition &def)
{
    StreamJunction *junction = app.junction(def.name);
    if (!junction || junction->layout()->size() != 1)
        return builder.error(def.range,
                             QStringLiteral("trigger '%1' has no stream to send to").arg(def.name));
    std::shared_ptr<Trigger> trigger;
    if (def.triggerEveryMs > 0) {
        trigger = std::make_shared<Trigger>(&app.context(), junction, Trigger::Periodic);
        trigger->setPeriod(def.triggerEveryMs);
    } else if (def.triggerAt.trimmed().compare(QLatin1String("start"), Qt::CaseInsensitive) == 0) {
        trigger = std::make_shared<Trigger>(&app.context(), junction, Trigger::Start);
    } else {
        CronExpression cron;
        QString message;
        if (!cron.parse(def.triggerAt, &message))
            return builder.error(def.triggerRange.end > def.triggerRange.start ? def.triggerRange
                                                                               : def.range,
                                 QStringLiteral("trigger '%1': %2").arg(def.name, message));
        trigger = std::make_shared<Trigger>(&app.context(), junction, Trigger::Cron);
        trigger->setCron(std::move(cron));
    }
    app.m_triggers.push_back(std::move(trigger));
    return true;
}

void startTriggers(AppRuntime &app)
{
    // Start triggers in definition order; a start trigger's event is processed right away.
    for (const auto &t : app.m_triggers)
        t->start();
}

void stopTriggers(AppRuntime &app)
{
    for (const auto &t : app.m_triggers)
        t->stop();
}

} // namespace Rivulet::Runtime
