// Patterns and sequences: every, ->, ',', within, counting, and/or, not ... for.
//
// The planner mirrors Siddhi 5's StateInputStreamParser: it walks the state elements, makes a
// pre and a post stage per stream element (count, logical and absent variants where needed),
// wires them (next, every, partners), marks the start elements and the `within` limit, and
// subscribes one receiver per distinct stream. Slots: the event elements in source order (the
// analyzer's scope order), then the slot an absent element's filter reads its candidate from,
// then one slot per absent element.
#include "querybuilder.h"

#include "appruntime.h"
#include "patternstate.h"
#include "selector.h"

#include <climits>
#include <unordered_map>

namespace Rivulet::Runtime {

using namespace Lang::Ast;
using namespace Pattern;

namespace {

struct ElementInfo
{
    int slot = -1;
    int order = -1; // Siddhi's index in the state event
    bool inCount = false;
    StreamJunction *junction = nullptr;
};

class StatePlanner
{
public:
    StatePlanner(QueryBuilder &builder, const Query &query, QueryRuntime &runtime)
        : m_builder(builder)
        , m_query(query)
        , m_runtime(runtime)
        , m_state(*query.input.state)
    {}

    bool build();

private:
    bool collect(const StateElement &e, bool inCount);
    void assignOrder(const StateElement &e);
    Node *parse(const StateElement &e, PreState *pre, PostState *post, bool isStart,
                std::vector<PreState *> &pres);
    bool compileFilters(const StateElement &e, PreState *pre, bool mayIndex);
    bool compileOne(const Expr &condition, PreState *pre);
    Node *node(Node::Kind kind)
    {
        m_rt->nodes.push_back(std::make_unique<Node>());
        Node *n = m_rt->nodes.back().get();
        n->kind = kind;
        return n;
    }
    template<class T, class... Args>
    T *pre(Args &&...args)
    {
        auto p = std::make_unique<T>(m_rt.get(), m_type, std::forward<Args>(args)...);
        T *raw = p.get();
        m_rt->preStages.push_back(std::move(p));
        return raw;
    }
    template<class T, class... Args>
    T *post(Args &&...args)
    {
        auto p = std::make_unique<T>(m_rt.get(), std::forward<Args>(args)...);
        T *raw = p.get();
        m_rt->postStages.push_back(std::move(p));
        return raw;
    }
    void setup(Node *n);
    void connectSelector(Node *n);

    QueryBuilder &m_builder;
    const Query &m_query;
    QueryRuntime &m_runtime;
    const StateInput &m_state;
    StateType m_type = StateType::Pattern;
    std::shared_ptr<StateRuntime> m_rt;
    std::unordered_map<const StateElement *, ElementInfo> m_info;
    std::vector<const StateElement *> m_visible; // event elements in source order
    std::vector<const StateElement *> m_absent;
    std::vector<int> m_slotOfOrder;
    std::vector<int> m_orderOfSlot;
    int m_nextOrder = 0;
    bool m_failed = false;
    std::vector<bool> m_collectionSlots;
    std::vector<std::pair<StreamJunction *, std::unique_ptr<StateReceiver>>> m_receivers;
};

bool StatePlanner::collect(const StateElement &e, bool inCount)
{
    switch (e.kind) {
    case StateElement::Stream:
    case StateElement::Absent: {
        const SourceRef &src = e.stream.source;
        const QString name = src.inner ? u'#' + src.name : src.fault ? u'!' + src.name : src.name;
        StreamJunction *junction = m_builder.junction(name);
        if (!junction)
            return m_builder.error(
                src.range, QStringLiteral("stream '%1' is not available to this query").arg(name));
        for (const StreamHandler &h : e.stream.handlers) {
            if (h.kind == StreamHandler::Window)
                return m_builder.error(h.range,
                                       QStringLiteral("a pattern element cannot have a window"));
            if (h.kind == StreamHandler::Function)
                return m_builder.error(
                    h.range,
                    QStringLiteral("stream functions inside patterns are not supported yet"));
        }
        ElementInfo info;
        info.inCount = inCount;
        info.junction = junction;
        m_info[&e] = info;
        if (e.kind == StateElement::Stream)
            m_visible.push_back(&e);
        else
            m_absent.push_back(&e);
        return true;
    }
    case StateElement::Count:
        return !e.first || collect(*e.first, true);
    default:
        return (!e.first || collect(*e.first, inCount))
               && (!e.second || collect(*e.second, inCount));
    }
}

// Siddhi numbers the stream elements as it parses them: in order, except that a logical
// element parses its second operand first.
void StatePlanner::assignOrder(const StateElement &e)
{
    switch (e.kind) {
    case StateElement::Stream:
    case StateElement::Absent:
        m_info[&e].order = m_nextOrder++;
        break;
    case StateElement::Logical:
        if (e.second)
            assignOrder(*e.second);
        if (e.first)
            assignOrder(*e.first);
        break;
    default:
        if (e.first)
            assignOrder(*e.first);
        if (e.second)
            assignOrder(*e.second);
        break;
    }
}

void flattenAnd(const Expr &e, std::vector<const Expr *> *out)
{
    if (e.kind == ExprKind::Binary && e.op == BinaryOp::And) {
        flattenAnd(*e.lhs, out);
        flattenAnd(*e.rhs, out);
    } else {
        out->push_back(&e);
    }
}

// Evaluating it has no effect and cannot fail: attributes, constants, comparisons, logic and
// arithmetic other than division.
bool isPure(const Expr &e)
{
    switch (e.kind) {
    case ExprKind::Constant:
    case ExprKind::Variable:
        return true;
    case ExprKind::Binary:
        return e.op != BinaryOp::Div && e.op != BinaryOp::Mod && isPure(*e.lhs) && isPure(*e.rhs);
    case ExprKind::Not:
    case ExprKind::Negate:
    case ExprKind::IsNull:
        return e.lhs && (e.lhs->kind == ExprKind::StreamRef || isPure(*e.lhs));
    default:
        return false;
    }
}

bool StatePlanner::compileOne(const Expr &condition, PreState *p)
{
    CompileOptions opts = m_builder.options(m_collectionSlots);
    opts.collectionDefaultsToLast = true; // Siddhi's filters read e1.x as e1[last].x
    ExpressionCompiler compiler(opts);
    EvaluatorPtr cond = compiler.compile(condition);
    if (!cond) {
        m_builder.error(condition.range, compiler.error());
        return false;
    }
    p->filters.push_back(std::move(cond));
    return true;
}

bool StatePlanner::compileFilters(const StateElement &e, PreState *p, bool mayIndex)
{
    const ElementInfo &info = m_info.at(&e);
    p->fault = FaultHandler(&m_builder.app().context(), info.junction, m_runtime.name);
    bool first = true;
    for (const StreamHandler &h : e.stream.handlers) {
        if (h.kind != StreamHandler::Filter)
            continue;
        if (first && mayIndex) {
            // `... and x == eN.y and ...`: bucket the waiting matches by eN.y (see
            // EqualityIndex) and test only the other conjuncts, in their order. The conjuncts
            // before the equality must be free of effects (no call can fail), since a
            // mismatching key now skips them.
            std::vector<const Expr *> conjuncts;
            flattenAnd(*h.filter, &conjuncts);
            auto plain = [&](const Expr *v) {
                return v->kind == ExprKind::Variable && !v->index.present && v->inputIndex >= 0
                       && v->inputIndex < int(m_visible.size()) && v->attrIndex >= 0
                       && !m_collectionSlots[size_t(v->inputIndex)];
            };
            int chosen = -1;
            for (size_t i = 0; i < conjuncts.size() && chosen < 0; ++i) {
                const Expr &c = *conjuncts[i];
                if (c.kind == ExprKind::Binary && c.op == BinaryOp::Eq && plain(c.lhs.get())
                    && plain(c.rhs.get()) && c.lhs->type == c.rhs->type
                    && (c.lhs->type == AttrType::String || c.lhs->type == AttrType::Int
                        || c.lhs->type == AttrType::Long || c.lhs->type == AttrType::Bool)
                    && (c.lhs->inputIndex == info.slot) != (c.rhs->inputIndex == info.slot)) {
                    chosen = int(i);
                    break;
                }
                if (!isPure(c))
                    break;
            }
            if (chosen >= 0) {
                const Expr &c = *conjuncts[size_t(chosen)];
                const Expr *own = c.lhs->inputIndex == info.slot ? c.lhs.get() : c.rhs.get();
                const Expr *other = own == c.lhs.get() ? c.rhs.get() : c.lhs.get();
                auto index = std::make_unique<EqualityIndex>();
                index->ownAttr = own->attrIndex;
                index->keySlot = other->inputIndex;
                index->keyAttr = other->attrIndex;
                index->type = own->type;
                p->index = std::move(index);
                for (size_t i = 0; i < conjuncts.size(); ++i) {
                    if (int(i) != chosen && !compileOne(*conjuncts[i], p))
                        return false;
                }
                first = false;
                continue;
            }
        }
        first = false;
        if (!compileOne(*h.filter, p))
            return false;
    }
    return true;
}

// StateInputStreamParser.parse
Node *StatePlanner::parse(const StateElement &e, PreState *preOverride, PostState *postOverride,
                          bool isStart, std::vector<PreState *> &pres)
{
    if (m_failed)
        return nullptr;
    switch (e.kind) {
    case StateElement::Stream:
    case StateElement::Absent: {
        const ElementInfo &info = m_info.at(&e);
        const bool absent = e.kind == StateElement::Absent;
        PreState *p = preOverride;
        if (!p) {
            if (absent) {
                auto *a = pre<AbsentStreamPreState>(e.waitingMs);
                m_rt->startup.push_back(a);
                m_rt->timers.push_back(a);
                p = a;
            } else {
                p = pre<PreState>();
            }
        }
        p->stateId = info.slot;
        p->order = info.order;
        p->isStart = isStart;
        for (int slot = 0; slot < int(m_orderOfSlot.size()); ++slot) {
            if (m_orderOfSlot[size_t(slot)] >= info.order)
                p->clearSlots.push_back(slot);
        }
        const bool plainPattern = !preOverride && !absent && m_type == StateType::Pattern;
        if (!compileFilters(e, p, plainPattern)) {
            m_failed = true;
            return nullptr;
        }
        PostState *q = postOverride;
        if (!q) {
            if (absent)
                q = post<AbsentStreamPostState>();
            else
                q = post<PostState>();
        }
        q->stateId = info.slot;
        q->thisPre = p;
        p->thisPost = q;
        p->thisLast = q;
        Node *n = node(Node::Stream);
        n->first = p;
        n->last = q;
        pres.push_back(p);
        return n;
    }
    case StateElement::Next: {
        Node *a = parse(*e.first, preOverride, postOverride, isStart, pres);
        Node *b = parse(*e.second, preOverride, postOverride, false, pres);
        if (!a || !b)
            return nullptr;
        a->last->setNextPre(b->first);
        Node *n = node(Node::Next);
        n->a = a;
        n->b = b;
        n->first = a->first;
        n->last = b->last;
        return n;
    }
    case StateElement::Every: {
        std::vector<PreState *> inside;
        Node *inner = parse(*e.first, preOverride, postOverride, isStart, inside);
        if (!inner)
            return nullptr;
        Node *n = node(Node::Every);
        n->a = inner;
        n->first = inner->first;
        n->last = inner->last;
        n->last->setNextEvery(n->first);
        for (PreState *p : inside)
            p->withinEveryPre = n->first;
        pres.insert(pres.end(), inside.begin(), inside.end());
        return n;
    }
    case StateElement::Logical: {
        const bool isAnd = e.isAnd;
        auto makePre = [&](const StateElement &operand) -> LogicalPreState * {
            if (operand.kind == StateElement::Absent) {
                auto *a = pre<AbsentLogicalPreState>(isAnd, operand.waitingMs);
                m_rt->startup.push_back(a);
                m_rt->timers.push_back(a);
                return a;
            }
            return pre<LogicalPreState>(isAnd);
        };
        auto makePost = [&](const StateElement &operand) -> LogicalPostState * {
            if (operand.kind == StateElement::Absent)
                return post<AbsentLogicalPostState>(isAnd);
            return post<LogicalPostState>(isAnd);
        };
        LogicalPreState *pre1 = makePre(*e.first);
        LogicalPostState *post1 = makePost(*e.first);
        LogicalPreState *pre2 = makePre(*e.second);
        LogicalPostState *post2 = makePost(*e.second);
        post1->partnerPre = pre2;
        post2->partnerPre = pre1;
        post1->partnerPost = post2;
        post2->partnerPost = post1;
        pre1->partner = pre2;
        pre2->partner = pre1;
        Node *b = parse(*e.second, pre2, post2, isStart, pres);
        Node *a = parse(*e.first, pre1, post1, isStart, pres);
        if (!a || !b)
            return nullptr;
        Node *n = node(Node::Logical);
        n->a = a;
        n->b = b;
        n->first = a->first;
        n->last = b->last;
        return n;
    }
    case StateElement::Count: {
        const int minCount = std::max(0, e.minCount);
        const int maxCount = e.maxCount < 0 ? INT_MAX : e.maxCount;
        auto *cpre = pre<CountPreState>(minCount, maxCount);
        auto *cpost = post<CountPostState>(minCount, maxCount);
        cpre->countPost = cpost;
        Node *inner = parse(*e.first, cpre, cpost, isStart, pres);
        if (!inner)
            return nullptr;
        const int order = cpre->order;
        for (int k = 1; k <= 2; ++k) {
            const int o = order + k;
            cpre->nextSlots.push_back(o < int(m_slotOfOrder.size()) ? m_slotOfOrder[size_t(o)]
                                                                    : -1);
        }
        Node *n = node(Node::Count);
        n->a = inner;
        n->first = inner->first;
        n->last = inner->last;
        return n;
    }
    }
    return nullptr;
}

// Registers each stream's first stages with its receiver, in Siddhi's setup order.
void StatePlanner::setup(Node *n)
{
    switch (n->kind) {
    case Node::Stream: {
        StreamJunction *junction = nullptr;
        for (const auto &[element, info] : m_info) {
            if (info.slot == n->first->stateId) {
                junction = info.junction;
                break;
            }
        }
        StateReceiver *receiver = nullptr;
        for (auto &[j, r] : m_receivers) {
            if (j == junction)
                receiver = r.get();
        }
        if (!receiver) {
            m_receivers.emplace_back(junction, std::make_unique<StateReceiver>(m_rt.get()));
            receiver = m_receivers.back().second.get();
        }
        receiver->stages.push_back(n->first);
        break;
    }
    case Node::Next:
        setup(n->a);
        setup(n->b);
        break;
    case Node::Every:
    case Node::Count:
        setup(n->a);
        break;
    case Node::Logical:
        setup(n->b);
        setup(n->a);
        break;
    }
}

void StatePlanner::connectSelector(Node *n)
{
    switch (n->kind) {
    case Node::Stream:
    case Node::Count:
        n->last->toSelector = true;
        break;
    case Node::Next:
        connectSelector(n->b);
        break;
    case Node::Every:
        connectSelector(n->a);
        break;
    case Node::Logical:
        connectSelector(n->b);
        connectSelector(n->a);
        break;
    }
}

bool StatePlanner::build()
{
    if (!m_state.root)
        return m_builder.error(m_query.input.range, QStringLiteral("an empty pattern"));
    m_type = m_state.isSequence ? StateType::Sequence : StateType::Pattern;
    if (!collect(*m_state.root, false))
        return false;
    assignOrder(*m_state.root);

    // Slots: events in source order, the absent filter's slot, then the absent elements.
    const int visible = int(m_visible.size());
    const int scratch = visible;
    const int internal = visible + 1 + int(m_absent.size());
    m_collectionSlots.assign(size_t(visible), false);
    std::vector<std::shared_ptr<EventLayout>> layouts;
    layouts.resize(size_t(internal));
    for (int i = 0; i < visible; ++i) {
        ElementInfo &info = m_info[m_visible[size_t(i)]];
        info.slot = i;
        m_collectionSlots[size_t(i)] = info.inCount;
        layouts[size_t(i)] = info.junction->sharedLayout();
    }
    for (int j = 0; j < int(m_absent.size()); ++j) {
        ElementInfo &info = m_info[m_absent[size_t(j)]];
        info.slot = visible + 1 + j;
        layouts[size_t(info.slot)] = info.junction->sharedLayout();
    }
    layouts[size_t(scratch)] = visible > 0 ? layouts[0] : layouts[size_t(scratch + 1)];
    m_slotOfOrder.assign(size_t(m_nextOrder), -1);
    m_orderOfSlot.assign(size_t(internal), INT_MAX);
    for (const auto &[element, info] : m_info) {
        m_slotOfOrder[size_t(info.order)] = info.slot;
        m_orderOfSlot[size_t(info.slot)] = info.order;
    }

    m_rt = std::make_shared<StateRuntime>(&m_builder.app().context(), m_type, internal);
    m_rt->scratchSlot = scratch;
    m_rt->slotLayouts = layouts;
    for (int i = 0; i < visible; ++i)
        m_rt->countSlot[size_t(i)] = m_collectionSlots[size_t(i)];

    std::vector<PreState *> pres;
    Node *root = parse(*m_state.root, nullptr, nullptr, true, pres);
    if (!root)
        return false;
    m_rt->root = root;
    m_rt->allPres = pres;
    if (m_state.withinMs >= 0) {
        std::vector<int> startSlots;
        for (PreState *p : pres) {
            if (p->isStart)
                startSlots.push_back(p->stateId);
        }
        for (PreState *p : pres) {
            p->startSlots = startSlots;
            p->within = m_state.withinMs;
        }
    }
    root->first->thisLast = root->last;

    // The select clause, over the event slots (an app of absent elements only reads none).
    std::vector<std::shared_ptr<EventLayout>> slotLayouts;
    for (int i = 0; i < visible; ++i)
        slotLayouts.push_back(layouts[size_t(i)]);
    if (slotLayouts.empty())
        slotLayouts.push_back(layouts[size_t(scratch)]);
    QuerySelector *selector =
        m_builder.buildSelector(m_query, m_runtime, slotLayouts, m_collectionSlots, false, false);
    if (!selector)
        return false;
    const FaultHandler fault(&m_builder.app().context(), nullptr, m_runtime.name);
    selector->fault = fault;
    Processor *limiter = m_builder.buildRateLimiter(m_query, m_runtime, m_runtime.layouts.back());
    if (m_query.rate.kind != OutputRate::None && !limiter)
        return false;
    OutputProcessor *output =
        m_builder.buildOutput(m_query, m_runtime, m_runtime.layouts.back(), fault);
    if (!output)
        return false;
    m_runtime.output = output;
    Processor *tail = selector;
    if (limiter) {
        tail->setNext(limiter);
        tail = limiter;
    }
    tail->setNext(output);
    m_rt->selector = selector;
    connectSelector(root);

    setup(root);
    for (auto &[junction, receiver] : m_receivers)
        m_runtime.subscribe(junction, std::move(receiver));
    m_runtime.keepAlive.push_back(m_rt);
    m_rt->start();
    return true;
}

} // namespace

bool buildStateQuery(QueryBuilder &builder, const Query &query, QueryRuntime &runtime)
{
    if (!query.input.state)
        return builder.error(query.input.range, QStringLiteral("an empty pattern"));
    StatePlanner planner(builder, query, runtime);
    return planner.build();
}

} // namespace Rivulet::Runtime
