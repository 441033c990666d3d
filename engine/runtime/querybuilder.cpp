#include "querybuilder.h"

#include "appruntime.h"
#include "namedwindow.h"
#include "ratelimiter.h"
#include "selector.h"
#include "streamprocessors.h"
#include "table.h"
#include "window.h"

#include "engine/lang/registry.h"

namespace Rivulet::Runtime {

using namespace Lang::Ast;

QueryRuntime::~QueryRuntime()
{
    for (auto &[junction, receiver] : subscriptions)
        junction->unsubscribe(receiver);
}

void QueryRuntime::subscribe(StreamJunction *junction, std::unique_ptr<Receiver> receiver)
{
    junction->subscribe(receiver.get());
    subscriptions.emplace_back(junction, receiver.get());
    receivers.push_back(std::move(receiver));
}

QueryBuilder::QueryBuilder(AppRuntime &app, QList<Lang::Diagnostic> *diagnostics)
    : m_app(app)
    , m_diagnostics(diagnostics)
{}

bool QueryBuilder::error(const Lang::SourceRange &range, const QString &message)
{
    ++m_errors;
    if (m_diagnostics) {
        Lang::Diagnostic d;
        d.severity = Lang::Severity::Error;
        d.file = m_app.compiled().fileName;
        d.range = range;
        d.message = message;
        m_diagnostics->append(d);
    }
    return false;
}

StreamJunction *QueryBuilder::junction(const QString &name, bool output) const
{
    if (m_resolver) {
        if (StreamJunction *j = m_resolver(name, output))
            return j;
    }
    return m_app.junction(name);
}

CompileOptions QueryBuilder::options(const std::vector<bool> &collectionSlots) const
{
    CompileOptions o;
    o.app = &m_app.context();
    o.collectionSlots = collectionSlots;
    AppRuntime *app = &m_app;
    o.tables = [app](const QString &name) { return app->table(name); };
    return o;
}

namespace {

bool isBatchWindow(const QString &name)
{
    static const char *batch[] = {"lengthBatch", "timeBatch", "externalTimeBatch",
                                  "cron",        "batch",     "expressionBatch"};
    for (const char *b : batch) {
        if (name == QLatin1String(b))
            return true;
    }
    return false;
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

} // namespace

bool QueryBuilder::buildHandlers(const SingleInput &input, std::shared_ptr<EventLayout> layout,
                                 QueryRuntime &query, const FaultHandler &fault, bool expiredWanted,
                                 Chain *chain)
{
    chain->layout = layout;
    auto append = [&](Processor *p) {
        if (!chain->first)
            chain->first = p;
        else
            chain->last->setNext(p);
        chain->last = p;
    };
    for (const StreamHandler &h : input.handlers) {
        switch (h.kind) {
        case StreamHandler::Filter: {
            ExpressionCompiler compiler(options());
            EvaluatorPtr cond = compiler.compile(*h.filter);
            if (!cond)
                return error(h.range, compiler.error());
            append(query.own(
                std::make_unique<FilterProcessor>(&m_app.context(), std::move(cond), fault)));
            break;
        }
        case StreamHandler::Function:
        case StreamHandler::Window: {
            std::vector<EvaluatorPtr> args;
            ExpressionCompiler compiler(options());
            for (const auto &a : h.call.args) {
                EvaluatorPtr e = compiler.compile(*a);
                if (!e)
                    return error(a->range, compiler.error());
                args.push_back(std::move(e));
            }
            QString message;
            if (h.kind == StreamHandler::Window) {
                auto window =
                    makeWindow(h.call, &m_app.context(), chain->layout, std::move(args), &message);
                if (!window)
                    return error(h.range, message);
                window->outputExpectsExpired = expiredWanted;
                chain->window = window.get();
                append(query.own(std::move(window)));
            } else {
                std::shared_ptr<EventLayout> out = chain->layout;
                QList<AttrType> types = chain->layout->types();
                QStringList names = chain->layout->names();
                if (h.call.name == QLatin1String("tokenize")) {
                    types << AttrType::String;
                    names << QStringLiteral("token");
                } else if (h.call.name == QLatin1String("pol2Cart")) {
                    types << AttrType::Double << AttrType::Double;
                    names << QStringLiteral("x") << QStringLiteral("y");
                    if (h.call.args.size() > 2) {
                        types << AttrType::Double;
                        names << QStringLiteral("z");
                    }
                }
                if (types.size() != chain->layout->size()) {
                    out = std::make_shared<EventLayout>(types, names);
                    query.layouts.push_back(out);
                }
                auto fn = makeStreamFunction(h.call, &m_app.context(), chain->layout, out,
                                             std::move(args), &message);
                if (!fn)
                    return error(h.range, message);
                append(query.own(std::move(fn)));
                chain->layout = out;
            }
            break;
        }
        }
    }
    return true;
}

Processor *QueryBuilder::buildRateLimiter(const Query &query, QueryRuntime &runtime,
                                          const std::shared_ptr<EventLayout> &outputLayout)
{
    if (query.rate.kind == OutputRate::None)
        return nullptr;
    // The selector built just before, over the same output layout: group-by and snapshot
    // limiters work with it.
    QuerySelector *selector = nullptr;
    for (auto it = runtime.processors.rbegin(); it != runtime.processors.rend() && !selector;
         ++it) {
        auto *s = dynamic_cast<QuerySelector *>(it->get());
        if (s && s->outputLayout() == outputLayout.get())
            selector = s;
    }
    QString message;
    auto limiter = makeRateLimiter(query, &m_app.context(), outputLayout, selector, &message);
    if (!limiter) {
        error(query.rate.range, message);
        return nullptr;
    }
    return runtime.own(std::move(limiter));
}

QuerySelector *
QueryBuilder::buildSelector(const Query &query, QueryRuntime &runtime,
                            const std::vector<std::shared_ptr<EventLayout>> &slotLayouts,
                            const std::vector<bool> &collectionSlots, bool canPassThrough,
                            bool batchWindow)
{
    return buildSelector(query.selector, m_app.compiled().model.queryOutput(&query),
                         query.output.eventType, runtime, slotLayouts, collectionSlots,
                         canPassThrough, batchWindow);
}

QuerySelector *QueryBuilder::buildSelector(
    const Selector &sel, const QList<Lang::AttributeInfo> &outputAttrs, OutputEventType eventType,
    QueryRuntime &runtime, const std::vector<std::shared_ptr<EventLayout>> &slotLayouts,
    const std::vector<bool> &collectionSlots, bool canPassThrough, bool batchWindow)
{
    const std::shared_ptr<EventLayout> &inputLayout = slotLayouts.front();
    const int slotCount = int(slotLayouts.size());
    const bool wantsExpired = eventType != OutputEventType::Current;

    bool hasAggregate = false;
    std::function<void(const Expr &)> scan = [&](const Expr &e) {
        if (e.kind == ExprKind::Function && e.call.builtin
            && e.call.builtin->kind == Lang::BuiltinKind::Aggregate)
            hasAggregate = true;
        if (e.lhs)
            scan(*e.lhs);
        if (e.rhs)
            scan(*e.rhs);
        for (const auto &a : e.call.args)
            scan(*a);
    };
    for (const OutputAttribute &a : sel.attributes)
        scan(*a.expr);
    if (sel.having)
        scan(*sel.having);

    const bool passThrough = canPassThrough && (!sel.present || sel.star) && sel.groupBy.empty()
                             && !sel.having && sel.orderBy.empty() && !sel.limit && !sel.offset
                             && !hasAggregate;
    std::shared_ptr<EventLayout> outLayout = passThrough ? inputLayout : layoutOf(outputAttrs);
    runtime.layouts.push_back(outLayout);
    auto selector = std::make_unique<QuerySelector>(&m_app.context(), outLayout, slotCount);
    QuerySelector *s = selector.get();
    s->passThrough = passThrough;
    s->currentOn = eventType != OutputEventType::Expired;
    s->expiredOn = wantsExpired;
    s->collectionSlots = collectionSlots;

    if (!passThrough) {
        CompileOptions opts = options(collectionSlots);
        const bool sliding = !(batchWindow && !wantsExpired);
        QString failure;
        opts.aggregates = [&, s, sliding](const Call &call, AttrType) -> EvaluatorPtr {
            EvaluatorPtr arg;
            AttrType argType = AttrType::Unknown;
            if (!call.args.empty()) {
                ExpressionCompiler argCompiler(options(collectionSlots));
                arg = argCompiler.compile(*call.args[0]);
                if (!arg) {
                    failure = argCompiler.error();
                    return nullptr;
                }
                argType = arg->type();
            }
            QString message;
            auto factory = makeAggregatorFactory(call.name, argType, sliding, &message);
            if (!factory) {
                failure = message;
                return nullptr;
            }
            const AttrType resultType = factory->resultType();
            s->aggregates.push_back({std::move(factory), std::move(arg)});
            return s->aggregateResult(int(s->aggregates.size()) - 1, resultType);
        };
        ExpressionCompiler compiler(opts);
        if (!sel.present || sel.star) {
            // select *: every attribute of every input, in order (the analyzer's output schema).
            for (int slot = 0; slot < slotCount; ++slot) {
                const EventLayout &l = *slotLayouts[size_t(slot)];
                for (int i = 0; i < l.size(); ++i)
                    s->projections.push_back({ExpressionCompiler::attribute(l.type(i), slot, i)});
            }
        }
        for (size_t i = 0; sel.present && !sel.star && i < sel.attributes.size(); ++i) {
            EvaluatorPtr e = compiler.compile(*sel.attributes[i].expr);
            if (!e) {
                error(sel.attributes[i].expr->range,
                      failure.isEmpty() ? compiler.error() : failure);
                return nullptr;
            }
            // The evaluator's type follows the analyzer's; convert when an aggregate differs.
            if (i < size_t(outputAttrs.size()) && e->type() != outputAttrs[int(i)].type)
                e = ExpressionCompiler::convert(std::move(e), outputAttrs[int(i)].type);
            s->projections.push_back({std::move(e)});
        }
        for (const auto &g : sel.groupBy) {
            ExpressionCompiler gc(options(collectionSlots));
            EvaluatorPtr e = gc.compile(*g);
            if (!e) {
                error(g->range, gc.error());
                return nullptr;
            }
            s->groupBy.push_back(std::move(e));
        }
        if (sel.having) {
            ExpressionCompiler hc(opts);
            s->having = hc.compile(*sel.having);
            if (!s->having) {
                error(sel.having->range, failure.isEmpty() ? hc.error() : failure);
                return nullptr;
            }
        }
        for (const OrderByItem &item : sel.orderBy) {
            QuerySelector::OrderKey key;
            key.descending = item.descending;
            const Expr &v = *item.variable;
            if (v.kind == ExprKind::Variable && v.inputIndex == -2) {
                key.outputIndex = v.attrIndex;
                key.type = v.type;
            } else {
                const int idx = outputAttrs.isEmpty() ? -1 : [&] {
                    for (int i = 0; i < outputAttrs.size(); ++i) {
                        if (outputAttrs[i].name == v.attribute)
                            return i;
                    }
                    return -1;
                }();
                if (idx < 0) {
                    error(
                        v.range,
                        QStringLiteral("order by '%1': select it to order by it").arg(v.attribute));
                    return nullptr;
                }
                key.outputIndex = idx;
                key.type = outputAttrs[idx].type;
            }
            s->orderBy.push_back(std::move(key));
        }
        auto constant = [&](const ExprPtr &e) -> int64_t {
            if (!e)
                return -1;
            return e->constant.intValue;
        };
        s->limit = constant(sel.limit);
        s->offset = constant(sel.offset);
    }
    runtime.own(std::move(selector));
    return s;
}

OutputProcessor *QueryBuilder::buildOutput(const Query &query, QueryRuntime &runtime,
                                           const std::shared_ptr<EventLayout> &outputLayout,
                                           const FaultHandler &fault)
{
    const QueryOutput &out = query.output;
    switch (out.kind) {
    case QueryOutput::Return:
        return runtime.own(std::make_unique<ReturnOutput>(nullptr));
    case QueryOutput::Insert: {
        if (Table *table = m_app.table(out.target.name); table && !out.target.inner) {
            return runtime.own(
                std::make_unique<TableOutput>(&m_app.context(), table, TableOutput::Insert, fault));
        }
        if (NamedWindow *window = m_app.namedWindow(out.target.name); window && !out.target.inner)
            return runtime.own(std::make_unique<InsertIntoWindow>(window));
        const QString name = out.target.inner ? u'#' + out.target.name : out.target.name;
        StreamJunction *junction = this->junction(name, true);
        if (!junction) {
            error(out.target.range,
                  QStringLiteral("cannot insert into '%1' here").arg(out.target.displayName()));
            return nullptr;
        }
        return runtime.own(std::make_unique<InsertIntoStream>(junction));
    }
    case QueryOutput::Delete:
    case QueryOutput::Update:
    case QueryOutput::UpdateOrInsert: {
        Table *table = m_app.table(out.target.name);
        if (!table) {
            error(out.target.range, QStringLiteral("'%1' is not a table").arg(out.target.name));
            return nullptr;
        }
        QString message;
        Lang::SourceRange range = out.target.range;
        auto to = makeTableOutput(&m_app.context(), table, out, *outputLayout, options(), fault,
                                  &message, &range);
        if (!to) {
            error(range, message);
            return nullptr;
        }
        return runtime.own(std::move(to));
    }
    }
    return nullptr;
}

std::unique_ptr<QueryRuntime> QueryBuilder::build(const Query &query, const QString &name)
{
    auto runtime = std::make_unique<QueryRuntime>();
    runtime->name = name;
    const int before = m_errors;
    bool ok = false;
    switch (query.input.kind) {
    case InputStream::Single:
        ok = buildSingle(query, *runtime);
        break;
    case InputStream::Join:
        ok = buildJoinQuery(*this, query, *runtime);
        break;
    case InputStream::State:
        ok = buildStateQuery(*this, query, *runtime);
        break;
    case InputStream::Anonymous:
        ok = buildAnonymous(query, *runtime);
        break;
    }
    if (!ok || m_errors > before)
        return nullptr;
    return runtime;
}

bool QueryBuilder::buildSingle(const Query &query, QueryRuntime &runtime)
{
    const SingleInput &in = query.input.single;
    const QString sourceName = in.source.inner   ? u'#' + in.source.name
                               : in.source.fault ? u'!' + in.source.name
                                                 : in.source.name;
    StreamJunction *source = junction(sourceName);
    if (!source)
        return error(in.source.range,
                     QStringLiteral("stream '%1' is not available to this query").arg(sourceName));
    const FaultHandler fault(&m_app.context(), source, runtime.name);
    const bool expiredWanted = query.output.eventType != OutputEventType::Current;
    Chain chain;
    if (!buildHandlers(in, source->sharedLayout(), runtime, fault, expiredWanted, &chain))
        return false;
    const bool batch = chain.window && isBatchWindow(in.window()->call.name);
    QuerySelector *selector = buildSelector(query, runtime, {chain.layout}, {}, true, batch);
    if (!selector)
        return false;
    selector->fault = fault;
    Processor *limiter = buildRateLimiter(query, runtime, runtime.layouts.back());
    if (query.rate.kind != OutputRate::None && !limiter)
        return false;
    OutputProcessor *output = buildOutput(query, runtime, runtime.layouts.back(), fault);
    if (!output)
        return false;
    runtime.output = output;
    // Wire: input -> handlers -> selector -> [rate limiter] -> output
    if (chain.last)
        chain.last->setNext(selector);
    Processor *tail = selector;
    if (limiter) {
        tail->setNext(limiter);
        tail = limiter;
    }
    tail->setNext(output);
    runtime.subscribe(source, std::make_unique<ChainEntry>(chain.first ? chain.first : selector));
    return true;
}

bool QueryBuilder::buildAnonymous(const Query &query, QueryRuntime &runtime)
{
    const Query &inner = *query.input.anonymous;
    // The inner query's output feeds the outer query's stages.
    if (inner.input.kind != InputStream::Single)
        return error(inner.input.range,
                     QStringLiteral("inner queries over joins and patterns are not supported yet"));
    if (!buildSingle(inner, runtime))
        return false;
    auto *ret = dynamic_cast<ReturnOutput *>(runtime.output);
    if (!ret)
        return error(inner.output.range, QStringLiteral("an inner query must end with 'return'"));
    const QList<Lang::AttributeInfo> innerAttrs = m_app.compiled().model.queryOutput(&inner);
    auto innerLayout = layoutOf(innerAttrs);
    runtime.layouts.push_back(innerLayout);
    const FaultHandler fault(&m_app.context(), nullptr, runtime.name);
    const bool expiredWanted = query.output.eventType != OutputEventType::Current;
    Chain chain;
    if (!buildHandlers(query.input.single, innerLayout, runtime, fault, expiredWanted, &chain))
        return false;
    const bool batch = chain.window && isBatchWindow(query.input.single.window()->call.name);
    QuerySelector *selector = buildSelector(query, runtime, {chain.layout}, {}, true, batch);
    if (!selector)
        return false;
    Processor *limiter = buildRateLimiter(query, runtime, runtime.layouts.back());
    OutputProcessor *output = buildOutput(query, runtime, runtime.layouts.back(), fault);
    if (!output)
        return false;
    if (chain.last)
        chain.last->setNext(selector);
    Processor *tail = selector;
    if (limiter) {
        tail->setNext(limiter);
        tail = limiter;
    }
    tail->setNext(output);
    ret->setTarget(chain.first ? chain.first : selector);
    runtime.output = output;
    return true;
}

} // namespace Rivulet::Runtime
