// On-demand (store) queries: AppRuntime::query runs `from T on ... select ...`, `select ...
// insert into T`, `delete T on ...`, `update T set ... on ...` and `update or insert into T
// ...` against the app's tables, named windows and aggregations, as Siddhi's
// SiddhiAppRuntime.query does.
#include "aggregationlookup.h"
#include "appruntime.h"
#include "namedwindow.h"
#include "output.h"
#include "querybuilder.h"
#include "selector.h"
#include "table.h"

#include "engine/lang/analyzer.h"
#include "engine/lang/diagnostic.h"
#include "engine/lang/parser.h"

#include <functional>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

namespace {

QVariant toVariant(AttrType t, Value v, bool isNull)
{
    if (isNull)
        return QVariant();
    switch (t) {
    case AttrType::String:
        return v.s ? QVariant(v.s->toQString()) : QVariant();
    case AttrType::Int:
        return QVariant(v.i);
    case AttrType::Long:
        return QVariant(qlonglong(v.l));
    case AttrType::Float:
        return QVariant(v.f);
    case AttrType::Double:
        return QVariant(v.d);
    case AttrType::Bool:
        return QVariant(v.b);
    case AttrType::Object:
        return v.o ? QVariant(v.o->toString()) : QVariant();
    case AttrType::Unknown:
        break;
    }
    return QVariant();
}

std::shared_ptr<EventLayout> layoutOf(const QList<Lang::AttributeInfo> &attributes)
{
    QList<AttrType> types;
    QStringList names;
    for (const Lang::AttributeInfo &a : attributes) {
        types << a.type;
        names << a.name;
    }
    return std::make_shared<EventLayout>(types, names);
}

// Keeps what the selector emits.
class Collector final : public Processor
{
public:
    void process(EventChunk &chunk) override
    {
        for (const Event *e : chunk.events) {
            QVariantList row;
            for (int i = 0; i < e->size; ++i)
                row << toVariant(e->layout->type(i), e->value(i), e->isNull(i));
            rows << row;
        }
    }
    QList<QVariantList> rows;
};

QString diagnosticsText(const Lang::DiagnosticList &diagnostics)
{
    QStringList lines;
    for (const Lang::Diagnostic &d : diagnostics.sorted()) {
        if (d.severity == Lang::Severity::Error)
            lines
                << QStringLiteral("%1:%2: %3").arg(d.range.line).arg(d.range.column).arg(d.message);
    }
    return lines.join(u'\n');
}

} // namespace

QList<QVariantList> AppRuntime::query(const QString &text, QString *error)
{
    QString scratch;
    if (!error)
        error = &scratch;
    error->clear();
    std::lock_guard<std::recursive_mutex> lock(m_mutex);

    const QByteArray source = text.toUtf8();
    Lang::DiagnosticList diagnostics;
    Lang::Parser parser(source, &diagnostics);
    std::unique_ptr<OnDemandQuery> q = parser.parseOnDemandQuery();
    if (!q || diagnostics.hasErrors()) {
        *error = diagnosticsText(diagnostics);
        if (error->isEmpty())
            *error = QStringLiteral("the on-demand query could not be read");
        return {};
    }
    Lang::Analyzer analyzer(&diagnostics);
    const QList<Lang::AttributeInfo> output = analyzer.analyzeOnDemandQuery(*q, m_compiled.model);
    if (diagnostics.hasErrors()) {
        *error = diagnosticsText(diagnostics);
        return {};
    }

    CompileOptions options;
    options.app = &m_context;
    AppRuntime *self = this;
    options.tables = [self](const QString &name) { return self->table(name); };
    EvalContext ctx;
    ctx.app = &m_context;
    TempPool temps;
    ctx.temps = &temps;
    ctx.timestamp = currentTime();

    if (q->kind == OnDemandQuery::Find) {
        const QString &name = q->input.name;
        std::shared_ptr<EventLayout> layout;
        std::vector<Event *> rows;
        std::vector<Event *> owned; // aggregation rows copied here
        std::shared_ptr<EventLayout> ownedLayout;
        Event *slots[1] = {nullptr};
        ctx.slots = slots;
        if (Table *t = table(name)) {
            layout = t->sharedLayout();
            QString message;
            auto cond = t->compileCondition(q->on.get(), 0, options, &message);
            if (!cond) {
                *error = message;
                return {};
            }
            cond->collect(ctx, slots, rows);
        } else {
            std::vector<Event *> candidates;
            if (NamedWindow *w = namedWindow(name)) {
                layout = w->sharedLayout();
                w->contents(candidates);
            } else if (const Lang::Schema *s = m_compiled.model.find(name);
                       s && s->kind == Lang::SchemaKind::Aggregation) {
                Aggregation *a = aggregation(name);
                if (!a) {
                    *error = QStringLiteral("aggregation '%1' does not run").arg(name);
                    return {};
                }
                ownedLayout = layoutOf(s->attributes);
                layout = ownedLayout;
                AggregationWithin within;
                auto timeOf = [&](const Expr &e, int64_t *t, int64_t *patternEnd) {
                    if (e.constant.type == AttrType::String)
                        return parseWithinTime(e.constant.stringValue, t, patternEnd, error);
                    *t = e.constant.intValue;
                    if (patternEnd)
                        *patternEnd = *t;
                    return true;
                };
                int64_t end = 0;
                if (!q->withinStart || !q->withinStart->isConstant()
                    || !timeOf(*q->withinStart, &within.start, &end)) {
                    if (error->isEmpty())
                        *error = QStringLiteral("'within' takes constant times here");
                    return {};
                }
                within.end = end;
                if (q->withinEnd
                    && (!q->withinEnd->isConstant()
                        || !timeOf(*q->withinEnd, &within.end, nullptr))) {
                    if (error->isEmpty())
                        *error = QStringLiteral("'within' takes constant times here");
                    return {};
                }
                if (!q->per || !q->per->isConstant()
                    || !parsePerDuration(q->per->constant.stringValue, &within.per)) {
                    *error = QStringLiteral("'per' must be seconds, minutes, hours, days, "
                                            "months or years");
                    return {};
                }
                EventLayout *l = ownedLayout.get();
                if (!findAggregationRows(
                        a, within, [&](const Event &row) { owned.push_back(l->clone(&row)); },
                        error)) {
                    for (Event *e : owned)
                        l->release(e);
                    return {};
                }
                candidates = owned;
            } else {
                *error = QStringLiteral("'%1' is not a table, window or aggregation").arg(name);
                return {};
            }
            EvaluatorPtr on;
            if (q->on) {
                ExpressionCompiler c(options);
                on = c.compile(*q->on);
                if (!on) {
                    *error = c.error();
                    return {};
                }
            }
            for (Event *c : candidates) {
                slots[0] = c;
                if (!on || on->test(ctx))
                    rows.push_back(c);
                temps.clear();
            }
            slots[0] = nullptr;
        }
        QList<QVariantList> result;
        QList<Lang::Diagnostic> problems;
        QueryBuilder builder(*this, &problems);
        QueryRuntime owner;
        QuerySelector *selector = builder.buildSelector(
            q->selector, output, OutputEventType::Current, owner, {layout}, {}, false, true);
        if (!selector) {
            QStringList lines;
            for (const Lang::Diagnostic &d : std::as_const(problems))
                lines << d.message;
            *error = lines.join(u'\n');
        } else {
            Collector collector;
            selector->setNext(&collector);
            std::vector<StateEvent> states(rows.size(), StateEvent(1));
            StateChunk chunk;
            chunk.batch = true;
            for (size_t i = 0; i < rows.size(); ++i) {
                states[i].slots[0] = rows[i];
                states[i].type = EventType::Current;
                states[i].timestamp = rows[i]->timestamp;
                chunk.events.push_back(&states[i]);
            }
            if (!chunk.empty())
                selector->processStates(chunk);
            result = collector.rows;
        }
        for (Event *e : owned)
            ownedLayout->release(e);
        return result;
    }

    // insert, delete, update, update or insert: one event made by the select clause.
    auto outLayout = layoutOf(output);
    Event *event = outLayout->allocate();
    event->timestamp = currentTime();
    ctx.slots = nullptr;
    for (size_t i = 0; i < q->selector.attributes.size() && int(i) < output.size(); ++i) {
        ExpressionCompiler c(options);
        EvaluatorPtr e = c.compile(*q->selector.attributes[i].expr);
        if (!e) {
            *error = c.error();
            outLayout->release(event);
            return {};
        }
        e = ExpressionCompiler::convert(std::move(e), output[int(i)].type);
        Value v;
        const bool present = e->eval(ctx, v);
        outLayout->set(event, int(i), v, !present);
        temps.clear();
    }
    EventChunk chunk;
    chunk.add(event);
    const qint64 errorsBefore = m_context.errors;
    const QString target = q->output.target.name;
    if (NamedWindow *w = namedWindow(target); w && q->kind == OnDemandQuery::Insert) {
        w->insert(chunk);
    } else if (Table *t = table(target)) {
        const FaultHandler fault(&m_context, nullptr, QStringLiteral("on-demand query"));
        Lang::SourceRange range;
        auto out =
            makeTableOutput(&m_context, t, q->output, *outLayout, options, fault, error, &range);
        if (out)
            out->process(chunk);
    } else {
        *error = QStringLiteral("'%1' is not a table").arg(target);
    }
    outLayout->release(event);
    if (error->isEmpty() && m_context.errors > errorsBefore)
        *error = QStringLiteral("the on-demand query failed; see the app's log");
    return {};
}

} // namespace Rivulet::Runtime
