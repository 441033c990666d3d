#include "streamprocessors.h"

#include "appcontext.h"
#include "window.h"

#include <QRegularExpression>
#include <QStringList>

#include <cmath>

namespace Rivulet::Runtime {

FilterProcessor::FilterProcessor(AppContext *app, EvaluatorPtr condition, FaultHandler fault)
    : m_app(app)
    , m_condition(std::move(condition))
    , m_fault(std::move(fault))
    , m_filtersEvents(m_condition->filterEvents(nullptr, 0, nullptr) >= 0)
{}

void FilterProcessor::process(EventChunk &chunk)
{
    const size_t count = chunk.events.size();
    if (m_filtersEvents && count > 0) {
        // A simple condition filters the whole chunk in one loop, without an evaluation
        // context (a single event too).
        m_out.events.resize(count);
        const auto passed =
            size_t(m_condition->filterEvents(chunk.events.data(), count, m_out.events.data()));
        if (passed == count) {
            m_out.events.clear();
            forward(chunk);
        } else if (passed > 0) {
            m_out.events.resize(passed);
            m_out.batch = chunk.batch;
            forward(m_out);
        }
        m_out.clear();
        return;
    }
    EvalContext ctx;
    ctx.app = m_app;
    ctx.temps = &m_temps;
    // Timers and resets are not data: they pass.
    auto passes = [&ctx, this](Event *e) {
        if (e->type == EventType::Timer || e->type == EventType::Reset)
            return true;
        ctx.slots = &e;
        ctx.timestamp = e->timestamp;
        const bool pass = m_condition->test(ctx);
        m_temps.clear();
        return pass && !ctx.error;
    };
    // While every event passes, nothing is copied: when all of them do (a single event that
    // passes, most often), the chunk itself goes on.
    const size_t n = chunk.events.size();
    size_t i = 0;
    while (i < n && passes(chunk.events[i]))
        ++i;
    if (i == n) {
        forward(chunk);
        return;
    }
    // A failure goes to the fault handler; a plain false is dropped.
    auto reject = [&ctx, this](Event *e) {
        if (!ctx.error)
            return;
        m_fault.fail(e, ctx.errorText.isEmpty() ? QString::fromLatin1(ctx.error) : ctx.errorText);
        ctx.error = nullptr;
        ctx.errorText.clear();
    };
    m_out.clear();
    m_out.batch = chunk.batch;
    m_out.events.assign(chunk.events.begin(), chunk.events.begin() + long(i));
    reject(chunk.events[i]);
    for (++i; i < n; ++i) {
        Event *e = chunk.events[i];
        if (passes(e))
            m_out.add(e);
        else
            reject(e);
    }
    if (!m_out.empty())
        forward(m_out);
    m_out.clear();
}

namespace {

// #log([priority], [message], [is.event.logged]): logs each event and passes it on.
class LogProcessor final : public Processor
{
public:
    LogProcessor(AppContext *app, std::vector<EvaluatorPtr> args)
        : m_app(app)
        , m_args(std::move(args))
    {
        // Siddhi's overloads: (), (message), (priority, message), (message, logged),
        // (priority, message, logged).
        if (m_args.size() == 1) {
            if (m_args[0]->type() == AttrType::Bool)
                m_logged = std::move(m_args[0]);
            else
                m_message = std::move(m_args[0]);
        } else if (m_args.size() == 2) {
            if (m_args[1]->type() == AttrType::Bool) {
                m_message = std::move(m_args[0]);
                m_logged = std::move(m_args[1]);
            } else {
                m_priority = constantString(*m_args[0]);
                m_message = std::move(m_args[1]);
            }
        } else if (m_args.size() >= 3) {
            m_priority = constantString(*m_args[0]);
            m_message = std::move(m_args[1]);
            m_logged = std::move(m_args[2]);
        }
        if (!parseLogLevel(m_priority, &m_level))
            m_level = LogLevel::Info;
    }
    void process(EventChunk &chunk) override
    {
        EvalContext ctx;
        ctx.app = m_app;
        ctx.temps = &m_temps;
        for (Event *e : chunk.events) {
            if (e->type != EventType::Current && e->type != EventType::Expired)
                continue;
            ctx.slots = &e;
            ctx.timestamp = e->timestamp;
            QString text;
            Value v;
            if (m_message && m_message->eval(ctx, v))
                text = valueToString(m_message->type(), v, false);
            bool logged = true;
            if (m_logged)
                logged = m_logged->test(ctx);
            if (logged) {
                QStringList parts;
                for (int i = 0; i < e->size; ++i)
                    parts << valueToString(e->layout->type(i), e->value(i), e->isNull(i));
                const QString event =
                    QStringLiteral("Event{timestamp=%1, data=[%2], isExpired=%3}")
                        .arg(e->timestamp)
                        .arg(parts.join(QStringLiteral(", ")), e->type == EventType::Expired
                                                                   ? QStringLiteral("true")
                                                                   : QStringLiteral("false"));
                text = text.isEmpty() ? event : text + QStringLiteral(", ") + event;
            }
            m_temps.clear();
            m_app->log(m_level, text);
        }
        forward(chunk);
    }

private:
    static QString constantString(const Evaluator &e)
    {
        Value v;
        EvalContext ctx;
        return e.isConstant() && e.eval(ctx, v) && e.type() == AttrType::String ? v.s->toQString()
                                                                                : QString();
    }
    AppContext *m_app;
    std::vector<EvaluatorPtr> m_args;
    EvaluatorPtr m_message;
    EvaluatorPtr m_logged;
    QString m_priority = QStringLiteral("INFO");
    LogLevel m_level = LogLevel::Info;
    TempPool m_temps;
};

// Stream functions that add attributes build wider events: the input's values, then theirs.
class WideningProcessor : public Processor
{
public:
    WideningProcessor(AppContext *app, std::shared_ptr<EventLayout> out,
                      std::vector<EvaluatorPtr> args)
        : m_app(app)
        , m_layout(std::move(out))
        , m_args(std::move(args))
    {}
    ~WideningProcessor() override
    {
        for (Event *e : m_owned)
            m_layout->release(e);
    }

protected:
    Event *widen(const Event *in)
    {
        Event *e = m_layout->allocate();
        e->timestamp = in->timestamp;
        e->type = in->type;
        for (int i = 0; i < in->size; ++i)
            m_layout->set(e, i, in->value(i), in->isNull(i));
        m_owned.push_back(e);
        m_out.add(e);
        return e;
    }
    void flush()
    {
        if (!m_out.empty())
            forward(m_out);
        m_out.clear();
        for (Event *e : m_owned)
            m_layout->release(e);
        m_owned.clear();
    }
    AppContext *m_app;
    std::shared_ptr<EventLayout> m_layout;
    std::vector<EvaluatorPtr> m_args;
    EventChunk m_out;
    std::vector<Event *> m_owned;
    TempPool m_temps;
};

// #str:tokenize(text, regex[, distinct]): one event per token, with the token added.
class TokenizeProcessor final : public WideningProcessor
{
public:
    using WideningProcessor::WideningProcessor;
    void process(EventChunk &chunk) override
    {
        EvalContext ctx;
        ctx.app = m_app;
        ctx.temps = &m_temps;
        const bool distinct = m_args.size() > 2 && constantBool(*m_args[2]);
        for (Event *in : chunk.events) {
            if (in->type != EventType::Current && in->type != EventType::Expired)
                continue;
            ctx.slots = &in;
            Value text, regex;
            if (!m_args[0]->eval(ctx, text) || !m_args[1]->eval(ctx, regex)) {
                m_temps.clear();
                continue;
            }
            QStringList tokens =
                text.s->toQString().split(QRegularExpression(regex.s->toQString()));
            if (distinct)
                tokens.removeDuplicates();
            m_temps.clear();
            for (const QString &token : std::as_const(tokens)) {
                Event *e = widen(in);
                StringData *s = StringData::make(token);
                Value v;
                v.s = s;
                m_layout->set(e, m_layout->size() - 1, v);
                s->deref();
            }
        }
        flush();
    }
};

// #pol2Cart(theta, rho[, z]): adds x, y (and z).
class Pol2CartProcessor final : public WideningProcessor
{
public:
    using WideningProcessor::WideningProcessor;
    void process(EventChunk &chunk) override
    {
        EvalContext ctx;
        ctx.app = m_app;
        ctx.temps = &m_temps;
        const int base = m_layout->size() - (m_args.size() > 2 ? 3 : 2);
        for (Event *in : chunk.events) {
            if (in->type != EventType::Current && in->type != EventType::Expired)
                continue;
            ctx.slots = &in;
            Value theta, rho;
            if (!m_args[0]->eval(ctx, theta) || !m_args[1]->eval(ctx, rho))
                continue;
            const double t = toDouble(m_args[0]->type(), theta) * M_PI / 180.0;
            const double r = toDouble(m_args[1]->type(), rho);
            Event *e = widen(in);
            m_layout->set(e, base, Value::ofDouble(r * std::cos(t)));
            m_layout->set(e, base + 1, Value::ofDouble(r * std::sin(t)));
            if (m_args.size() > 2) {
                Value z;
                if (m_args[2]->eval(ctx, z))
                    m_layout->set(e, base + 2, Value::ofDouble(toDouble(m_args[2]->type(), z)));
            }
        }
        flush();
    }
};

} // namespace

std::unique_ptr<Processor> makeStreamFunction(const Lang::Ast::Call &call, AppContext *app,
                                              std::shared_ptr<EventLayout>,
                                              std::shared_ptr<EventLayout> outLayout,
                                              std::vector<EvaluatorPtr> args, QString *error)
{
    if (call.ns.isEmpty() && call.name == QLatin1String("log"))
        return std::make_unique<LogProcessor>(app, std::move(args));
    if (call.ns.compare(QLatin1String("str"), Qt::CaseInsensitive) == 0
        && call.name == QLatin1String("tokenize"))
        return std::make_unique<TokenizeProcessor>(app, std::move(outLayout), std::move(args));
    if (call.ns.isEmpty() && call.name == QLatin1String("pol2Cart"))
        return std::make_unique<Pol2CartProcessor>(app, std::move(outLayout), std::move(args));
    *error = QStringLiteral("stream function '%1' is not available in Rivulet")
                 .arg(call.qualifiedName());
    return nullptr;
}

} // namespace Rivulet::Runtime
