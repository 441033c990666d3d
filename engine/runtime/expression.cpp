#include "expression.h"

#include "appcontext.h"
#include "table.h"

#include "engine/lang/registry.h"

#include <cmath>
#include <limits>
#include <type_traits>

namespace Rivulet::Runtime {

using namespace Lang::Ast;

Evaluator::~Evaluator() = default;

namespace {

// ---- typed access ---------------------------------------------------------------------------

template<class T>
inline T get(Value v);
template<>
inline int32_t get<int32_t>(Value v)
{
    return v.i;
}
template<>
inline int64_t get<int64_t>(Value v)
{
    return v.l;
}
template<>
inline float get<float>(Value v)
{
    return v.f;
}
template<>
inline double get<double>(Value v)
{
    return v.d;
}

inline Value put(int32_t x)
{
    return Value::ofInt(x);
}
inline Value put(int64_t x)
{
    return Value::ofLong(x);
}
inline Value put(float x)
{
    return Value::ofFloat(x);
}
inline Value put(double x)
{
    return Value::ofDouble(x);
}

template<class T>
constexpr AttrType typeOf()
{
    if constexpr (std::is_same_v<T, int32_t>)
        return AttrType::Int;
    else if constexpr (std::is_same_v<T, int64_t>)
        return AttrType::Long;
    else if constexpr (std::is_same_v<T, float>)
        return AttrType::Float;
    else
        return AttrType::Double;
}

// Calls f with a value of the C++ type of a numeric attribute type.
template<class F>
auto withNumeric(AttrType t, F &&f)
{
    switch (t) {
    case AttrType::Int:
        return f(int32_t{});
    case AttrType::Long:
        return f(int64_t{});
    case AttrType::Float:
        return f(float{});
    default:
        return f(double{});
    }
}

// ---- leaves ---------------------------------------------------------------------------------

class ConstantNode final : public Evaluator
{
public:
    ConstantNode(AttrType t, Value v, bool isNull)
        : Evaluator(t)
        , m_value(v)
        , m_null(isNull)
    {
        if (!m_null)
            retain(t, v);
    }
    ~ConstantNode() override
    {
        if (!m_null)
            release(m_type, m_value);
    }
    bool eval(const EvalContext &, Value &out) const override
    {
        out = m_value;
        return !m_null;
    }
    bool isConstant() const override { return true; }
    Value value() const { return m_value; }
    bool isNull() const { return m_null; }

private:
    Value m_value;
    bool m_null;
};

class AttrNode final : public Evaluator
{
public:
    AttrNode(AttrType t, int slot, int index)
        : Evaluator(t)
        , m_slot(slot)
        , m_index(index)
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        const Event *e = ctx.slots[m_slot];
        if (!e || e->isNull(m_index))
            return false;
        out = e->values()[m_index];
        return true;
    }
    bool readsAttribute(int *slot, int *index) const override
    {
        *slot = m_slot;
        *index = m_index;
        return true;
    }
    int slot() const { return m_slot; }
    int index() const { return m_index; }

private:
    int m_slot;
    int m_index;
};

class OutputAttrNode final : public Evaluator
{
public:
    OutputAttrNode(AttrType t, int index)
        : Evaluator(t)
        , m_index(index)
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        const Event *e = ctx.output;
        if (!e || e->isNull(m_index))
            return false;
        out = e->values()[m_index];
        return true;
    }

private:
    int m_index;
};

// e1[0].price, e1[last].price, e1[last - 1].price of a counting pattern element.
class CollectionAttrNode final : public Evaluator
{
public:
    CollectionAttrNode(AttrType t, int slot, EventIndex index, int attr)
        : Evaluator(t)
        , m_slot(slot)
        , m_index(index)
        , m_attr(attr)
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        const Event *e = nullptr;
        if (ctx.collections && !ctx.collections[m_slot].empty()) {
            const auto &events = ctx.collections[m_slot];
            const int n = int(events.size());
            const int i = m_index.fromLast ? n - 1 - m_index.value : m_index.value;
            if (i >= 0 && i < n)
                e = events[size_t(i)];
        } else if (!m_index.present || (m_index.value == 0 && !m_index.fromLast)
                   || (m_index.fromLast && m_index.value == 0)) {
            e = ctx.slots[m_slot];
        }
        if (!e || e->isNull(m_attr))
            return false;
        out = e->values()[m_attr];
        return true;
    }

private:
    int m_slot;
    EventIndex m_index;
    int m_attr;
};

class SlotIsNullNode final : public Evaluator
{
public:
    SlotIsNullNode(int slot, EventIndex index, bool collection)
        : Evaluator(AttrType::Bool)
        , m_slot(slot)
        , m_index(index)
        , m_collection(collection)
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        bool present;
        if (m_collection && ctx.collections) {
            const auto &events = ctx.collections[m_slot];
            const int n = int(events.size());
            const int i = m_index.fromLast ? n - 1 - m_index.value : m_index.value;
            present = i >= 0 && i < n;
            if (n == 0 && !m_index.present)
                present = ctx.slots[m_slot] != nullptr;
        } else {
            present = ctx.slots[m_slot] != nullptr;
        }
        out = Value::ofBool(!present);
        return true;
    }

private:
    int m_slot;
    EventIndex m_index;
    bool m_collection;
};

class EventTimestampNode final : public Evaluator
{
public:
    explicit EventTimestampNode(int slot)
        : Evaluator(AttrType::Long)
        , m_slot(slot)
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        if (m_slot < 0) {
            out = Value::ofLong(ctx.timestamp);
            return true;
        }
        const Event *e = ctx.slots[m_slot];
        if (!e)
            return false;
        out = Value::ofLong(e->timestamp);
        return true;
    }

private:
    int m_slot;
};

// ---- conversions ----------------------------------------------------------------------------

template<class From, class To>
class NumericConvert final : public Evaluator
{
public:
    explicit NumericConvert(EvaluatorPtr child)
        : Evaluator(typeOf<To>())
        , m_child(std::move(child))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value v;
        if (!m_child->eval(ctx, v))
            return false;
        out = put(To(get<From>(v)));
        return true;
    }

private:
    EvaluatorPtr m_child;
};

class ToStringNode final : public Evaluator
{
public:
    explicit ToStringNode(EvaluatorPtr child)
        : Evaluator(AttrType::String)
        , m_child(std::move(child))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value v;
        if (!m_child->eval(ctx, v))
            return false;
        if (m_child->type() == AttrType::String) {
            out = v;
            return true;
        }
        out.s = ctx.temps->keep(StringData::make(valueToString(m_child->type(), v, false)));
        return true;
    }

private:
    EvaluatorPtr m_child;
};

// ---- arithmetic -----------------------------------------------------------------------------

enum class Arith { Add, Sub, Mul, Div, Mod };

template<class T>
inline T wrapAdd(T a, T b)
{
    if constexpr (std::is_integral_v<T>)
        return T(std::make_unsigned_t<T>(a) + std::make_unsigned_t<T>(b));
    else
        return a + b;
}
template<class T>
inline T wrapSub(T a, T b)
{
    if constexpr (std::is_integral_v<T>)
        return T(std::make_unsigned_t<T>(a) - std::make_unsigned_t<T>(b));
    else
        return a - b;
}
template<class T>
inline T wrapMul(T a, T b)
{
    if constexpr (std::is_integral_v<T>)
        return T(std::make_unsigned_t<T>(a) * std::make_unsigned_t<T>(b));
    else
        return a * b;
}

template<Arith Op, class L, class R>
class ArithNode final : public Evaluator
{
    using C = std::common_type_t<L, R>;

public:
    ArithNode(EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(typeOf<C>())
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value a, b;
        if (!m_l->eval(ctx, a) || !m_r->eval(ctx, b))
            return false;
        const C x = C(get<L>(a));
        const C y = C(get<R>(b));
        if constexpr (Op == Arith::Add) {
            out = put(wrapAdd(x, y));
        } else if constexpr (Op == Arith::Sub) {
            out = put(wrapSub(x, y));
        } else if constexpr (Op == Arith::Mul) {
            out = put(wrapMul(x, y));
        } else if constexpr (Op == Arith::Div) {
            // Siddhi's Divide/ModExpressionExecutor*: a zero divisor gives null, for every type.
            if (y == C(0))
                return false;
            if constexpr (std::is_integral_v<C>) {
                if (y == -1) {
                    out = put(wrapSub(C(0), x));
                    return true;
                }
            }
            out = put(C(x / y));
        } else {
            if (y == C(0))
                return false;
            if constexpr (std::is_integral_v<C>) {
                if (y == -1) {
                    out = put(C(0));
                    return true;
                }
                out = put(C(x % y));
            } else {
                out = put(C(std::fmod(x, y)));
            }
        }
        return true;
    }

private:
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

template<class T>
class NegateNode final : public Evaluator
{
public:
    explicit NegateNode(EvaluatorPtr child)
        : Evaluator(typeOf<T>())
        , m_child(std::move(child))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value v;
        if (!m_child->eval(ctx, v))
            return false;
        out = put(wrapSub(T(0), get<T>(v)));
        return true;
    }

private:
    EvaluatorPtr m_child;
};

// ---- comparisons ----------------------------------------------------------------------------

enum class Cmp { Lt, LtEq, Gt, GtEq, Eq, NotEq };

template<Cmp Op, class C>
inline bool compare(C a, C b)
{
    if constexpr (Op == Cmp::Lt)
        return a < b;
    else if constexpr (Op == Cmp::LtEq)
        return a <= b;
    else if constexpr (Op == Cmp::Gt)
        return a > b;
    else if constexpr (Op == Cmp::GtEq)
        return a >= b;
    else if constexpr (Op == Cmp::Eq)
        return a == b;
    else
        return a != b;
}

template<Cmp Op, class L, class R>
class CompareNode final : public Evaluator
{
    using C = std::common_type_t<L, R>;

public:
    CompareNode(EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(AttrType::Bool)
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value a, b;
        if (!m_l->eval(ctx, a) || !m_r->eval(ctx, b)) {
            out = Value::ofBool(false);
            return true;
        }
        out = Value::ofBool(compare<Op, C>(C(get<L>(a)), C(get<R>(b))));
        return true;
    }

private:
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

// attribute <op> constant: the common filter shape, in one virtual call.
template<Cmp Op, class L, class R>
class CompareAttrConstNode final : public Evaluator
{
    using C = std::common_type_t<L, R>;

public:
    CompareAttrConstNode(int slot, int index, R constant)
        : Evaluator(AttrType::Bool)
        , m_slot(slot)
        , m_index(index)
        , m_constant(C(constant))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        const Event *e = ctx.slots[m_slot];
        if (!e || e->isNull(m_index)) {
            out = Value::ofBool(false);
            return true;
        }
        out = Value::ofBool(compare<Op, C>(C(get<L>(e->values()[m_index])), m_constant));
        return true;
    }
    std::ptrdiff_t filterEvents(Event *const *in, size_t n, Event **out) const override
    {
        if (m_slot != 0)
            return -1;
        // One tight loop: no context, no virtual call per event. The store is unconditional
        // and the cursor advances by the outcome, so there is no branch on the data.
        size_t k = 0;
        for (size_t i = 0; i < n; ++i) {
            Event *e = in[i];
            out[k] = e;
            const bool data = e->type != EventType::Timer && e->type != EventType::Reset;
            const bool pass = !data
                              || (!e->isNull(m_index)
                                  && compare<Op, C>(C(get<L>(e->values()[m_index])), m_constant));
            k += pass ? 1 : 0;
        }
        return std::ptrdiff_t(k);
    }

private:
    int m_slot;
    int m_index;
    C m_constant;
};

class StringCompareNode final : public Evaluator
{
public:
    StringCompareNode(bool equal, EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(AttrType::Bool)
        , m_equal(equal)
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value a, b;
        if (!m_l->eval(ctx, a) || !m_r->eval(ctx, b)) {
            out = Value::ofBool(false);
            return true;
        }
        out = Value::ofBool(a.s->equals(b.s) == m_equal);
        return true;
    }

private:
    bool m_equal;
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

class GenericEqualsNode final : public Evaluator
{
public:
    GenericEqualsNode(bool equal, EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(AttrType::Bool)
        , m_equal(equal)
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value a, b;
        const bool an = !m_l->eval(ctx, a);
        const bool bn = !m_r->eval(ctx, b);
        if (an || bn) {
            // Siddhi: a comparison with null is false, except `x == null` style checks on
            // objects, where both null are equal.
            out = Value::ofBool(m_equal ? (an && bn) : (an != bn));
            return true;
        }
        bool eq;
        const AttrType lt = m_l->type();
        const AttrType rt = m_r->type();
        if (lt == rt)
            eq = valuesEqual(lt, a, b);
        else if (lt == AttrType::Object && a.o)
            eq = a.o->toString() == valueToString(rt, b, false);
        else if (rt == AttrType::Object && b.o)
            eq = b.o->toString() == valueToString(lt, a, false);
        else
            eq = false;
        out = Value::ofBool(eq == m_equal);
        return true;
    }

private:
    bool m_equal;
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

// ---- logic ----------------------------------------------------------------------------------

class AndNode final : public Evaluator
{
public:
    AndNode(EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(AttrType::Bool)
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        out = Value::ofBool(m_l->test(ctx) && m_r->test(ctx));
        return true;
    }

private:
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

class OrNode final : public Evaluator
{
public:
    OrNode(EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(AttrType::Bool)
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        out = Value::ofBool(m_l->test(ctx) || m_r->test(ctx));
        return true;
    }

private:
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

class NotNode final : public Evaluator
{
public:
    explicit NotNode(EvaluatorPtr child)
        : Evaluator(AttrType::Bool)
        , m_child(std::move(child))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        out = Value::ofBool(!m_child->test(ctx));
        return true;
    }

private:
    EvaluatorPtr m_child;
};

class IsNullNode final : public Evaluator
{
public:
    explicit IsNullNode(EvaluatorPtr child)
        : Evaluator(AttrType::Bool)
        , m_child(std::move(child))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value v;
        out = Value::ofBool(!m_child->eval(ctx, v));
        return true;
    }

private:
    EvaluatorPtr m_child;
};

class BoolEqualsNode final : public Evaluator
{
public:
    BoolEqualsNode(bool equal, EvaluatorPtr l, EvaluatorPtr r)
        : Evaluator(AttrType::Bool)
        , m_equal(equal)
        , m_l(std::move(l))
        , m_r(std::move(r))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value a, b;
        if (!m_l->eval(ctx, a) || !m_r->eval(ctx, b)) {
            out = Value::ofBool(false);
            return true;
        }
        out = Value::ofBool((a.b == b.b) == m_equal);
        return true;
    }

private:
    bool m_equal;
    EvaluatorPtr m_l;
    EvaluatorPtr m_r;
};

// `condition in Table`: true when some row of the table satisfies the condition, which reads
// the query's inputs and the table row (the slot after the query's own inputs). The table plans
// the condition (hash lookups on keys).
class InTableNode final : public Evaluator
{
public:
    explicit InTableNode(std::unique_ptr<TableCondition> condition)
        : Evaluator(AttrType::Bool)
        , m_condition(std::move(condition))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        out = Value::ofBool(m_condition->contains(ctx));
        return true;
    }

private:
    std::unique_ptr<TableCondition> m_condition;
};

Cmp toCmp(BinaryOp op)
{
    switch (op) {
    case BinaryOp::Lt:
        return Cmp::Lt;
    case BinaryOp::LtEq:
        return Cmp::LtEq;
    case BinaryOp::Gt:
        return Cmp::Gt;
    case BinaryOp::GtEq:
        return Cmp::GtEq;
    case BinaryOp::Eq:
        return Cmp::Eq;
    default:
        return Cmp::NotEq;
    }
}

Cmp flip(Cmp c)
{
    switch (c) {
    case Cmp::Lt:
        return Cmp::Gt;
    case Cmp::LtEq:
        return Cmp::GtEq;
    case Cmp::Gt:
        return Cmp::Lt;
    case Cmp::GtEq:
        return Cmp::LtEq;
    default:
        return c;
    }
}

template<class F>
auto withCmp(Cmp c, F &&f)
{
    switch (c) {
    case Cmp::Lt:
        return f(std::integral_constant<Cmp, Cmp::Lt>{});
    case Cmp::LtEq:
        return f(std::integral_constant<Cmp, Cmp::LtEq>{});
    case Cmp::Gt:
        return f(std::integral_constant<Cmp, Cmp::Gt>{});
    case Cmp::GtEq:
        return f(std::integral_constant<Cmp, Cmp::GtEq>{});
    case Cmp::Eq:
        return f(std::integral_constant<Cmp, Cmp::Eq>{});
    default:
        return f(std::integral_constant<Cmp, Cmp::NotEq>{});
    }
}

template<class F>
auto withArith(Arith a, F &&f)
{
    switch (a) {
    case Arith::Add:
        return f(std::integral_constant<Arith, Arith::Add>{});
    case Arith::Sub:
        return f(std::integral_constant<Arith, Arith::Sub>{});
    case Arith::Mul:
        return f(std::integral_constant<Arith, Arith::Mul>{});
    case Arith::Div:
        return f(std::integral_constant<Arith, Arith::Div>{});
    default:
        return f(std::integral_constant<Arith, Arith::Mod>{});
    }
}

} // namespace

// ---- the compiler ---------------------------------------------------------------------------

ExpressionCompiler::ExpressionCompiler(CompileOptions options)
    : m_options(std::move(options))
{}

EvaluatorPtr ExpressionCompiler::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
    return nullptr;
}

EvaluatorPtr ExpressionCompiler::constant(AttrType type, Value value, bool isNull)
{
    return std::make_unique<ConstantNode>(type, value, isNull);
}

EvaluatorPtr ExpressionCompiler::attribute(AttrType type, int slot, int index)
{
    return std::make_unique<AttrNode>(type, slot, index);
}

EvaluatorPtr ExpressionCompiler::convert(EvaluatorPtr child, AttrType to)
{
    if (!child || child->type() == to || to == AttrType::Unknown || to == AttrType::Object)
        return child;
    if (to == AttrType::String)
        return std::make_unique<ToStringNode>(std::move(child));
    const AttrType from = child->type();
    if (!Lang::isNumeric(from) || !Lang::isNumeric(to))
        return child;
    return withNumeric(from, [&](auto f) -> EvaluatorPtr {
        return withNumeric(to, [&](auto t) -> EvaluatorPtr {
            using F = decltype(f);
            using T = decltype(t);
            return std::make_unique<NumericConvert<F, T>>(std::move(child));
        });
    });
}

EvaluatorPtr ExpressionCompiler::compile(const Expr &expr)
{
    switch (expr.kind) {
    case ExprKind::Constant: {
        const Constant &c = expr.constant;
        if (c.isNull)
            return constant(AttrType::Object, Value::ofLong(0), true);
        Value v;
        switch (c.type) {
        case AttrType::Int:
            v = Value::ofInt(int32_t(c.intValue));
            break;
        case AttrType::Long:
            v = Value::ofLong(c.intValue);
            break;
        case AttrType::Float:
            v = Value::ofFloat(float(c.doubleValue));
            break;
        case AttrType::Double:
            v = Value::ofDouble(c.doubleValue);
            break;
        case AttrType::Bool:
            v = Value::ofBool(c.boolValue);
            break;
        case AttrType::String: {
            StringData *s = StringData::make(c.stringValue);
            v.s = s;
            auto node = constant(AttrType::String, v);
            s->deref(); // the node holds its own reference
            return node;
        }
        default:
            v = Value::ofLong(0);
            break;
        }
        return constant(c.type, v);
    }
    case ExprKind::Variable: {
        if (expr.inputIndex == m_options.outputSlot)
            return std::make_unique<OutputAttrNode>(expr.type, expr.attrIndex);
        if (expr.inputIndex < 0 || expr.attrIndex < 0)
            return fail(QStringLiteral("attribute '%1' could not be resolved").arg(expr.attribute));
        const int slot = expr.inputIndex;
        if (slot < int(m_options.collectionSlots.size())
            && m_options.collectionSlots[size_t(slot)]) {
            EventIndex index = expr.index;
            if (!index.present && m_options.collectionDefaultsToLast) {
                index.present = true;
                index.fromLast = true;
                index.value = 0;
            }
            return std::make_unique<CollectionAttrNode>(expr.type, slot, index, expr.attrIndex);
        }
        return std::make_unique<AttrNode>(expr.type, slot, expr.attrIndex);
    }
    case ExprKind::StreamRef:
        // Only meaningful under `is null`, handled there.
        return fail(QStringLiteral("event reference '%1' used as a value").arg(expr.stream));
    case ExprKind::Not: {
        EvaluatorPtr child = compile(*expr.lhs);
        if (!child)
            return nullptr;
        return std::make_unique<NotNode>(std::move(child));
    }
    case ExprKind::Negate: {
        EvaluatorPtr child = compile(*expr.lhs);
        if (!child)
            return nullptr;
        return withNumeric(child->type(), [&](auto t) -> EvaluatorPtr {
            return std::make_unique<NegateNode<decltype(t)>>(std::move(child));
        });
    }
    case ExprKind::IsNull: {
        const Expr &operand = *expr.lhs;
        if (operand.kind == ExprKind::StreamRef) {
            // e1 is null: resolve the event reference to its slot.
            int slot = operand.inputIndex;
            if (slot < 0)
                return fail(QStringLiteral("event '%1' could not be resolved").arg(operand.stream));
            const bool collection = slot < int(m_options.collectionSlots.size())
                                    && m_options.collectionSlots[size_t(slot)];
            return std::make_unique<SlotIsNullNode>(slot, operand.index, collection);
        }
        EvaluatorPtr child = compile(operand);
        if (!child)
            return nullptr;
        return std::make_unique<IsNullNode>(std::move(child));
    }
    case ExprKind::In: {
        if (!m_options.tables)
            return fail(QStringLiteral("'in %1' is not available here").arg(expr.table));
        Table *table = m_options.tables(expr.table);
        if (!table)
            return fail(QStringLiteral("table '%1' not found").arg(expr.table));
        // The analyzer put the table after the query's own inputs: find that slot.
        int rowSlot = -1;
        int maxSlot = -1;
        std::function<void(const Expr &)> find = [&](const Expr &e) {
            if (e.kind == ExprKind::Variable && e.stream == expr.table)
                rowSlot = std::max(rowSlot, e.inputIndex);
            if (e.kind == ExprKind::Variable)
                maxSlot = std::max(maxSlot, e.inputIndex);
            if (e.lhs)
                find(*e.lhs);
            if (e.rhs)
                find(*e.rhs);
            for (const auto &a : e.call.args)
                find(*a);
        };
        find(*expr.lhs);
        if (rowSlot < 0)
            rowSlot = maxSlot + 1; // the condition does not read the row
        QString error;
        auto cond = table->compileCondition(expr.lhs.get(), rowSlot, m_options, &error);
        if (!cond)
            return fail(error);
        return std::make_unique<InTableNode>(std::move(cond));
    }
    case ExprKind::Binary:
        return compileBinary(expr);
    case ExprKind::Function:
        return compileCall(expr);
    }
    return fail(QStringLiteral("unsupported expression"));
}

EvaluatorPtr ExpressionCompiler::compileBinary(const Expr &expr)
{
    if (expr.op == BinaryOp::And || expr.op == BinaryOp::Or) {
        EvaluatorPtr l = compile(*expr.lhs);
        EvaluatorPtr r = l ? compile(*expr.rhs) : nullptr;
        if (!l || !r)
            return nullptr;
        if (expr.op == BinaryOp::And)
            return std::make_unique<AndNode>(std::move(l), std::move(r));
        return std::make_unique<OrNode>(std::move(l), std::move(r));
    }

    const bool isCompare = expr.op == BinaryOp::Lt || expr.op == BinaryOp::LtEq
                           || expr.op == BinaryOp::Gt || expr.op == BinaryOp::GtEq
                           || expr.op == BinaryOp::Eq || expr.op == BinaryOp::NotEq;
    const AttrType lt = expr.lhs->type;
    const AttrType rt = expr.rhs->type;

    // Fast path: numeric attribute against a numeric constant, either way round.
    if (isCompare && Lang::isNumeric(lt) && Lang::isNumeric(rt)) {
        const Expr *attr = nullptr;
        const Expr *cons = nullptr;
        Cmp op = toCmp(expr.op);
        auto isPlainAttr = [&](const Expr &e) {
            return e.kind == ExprKind::Variable && e.inputIndex >= 0
                   && e.inputIndex != m_options.outputSlot
                   && !(e.inputIndex < int(m_options.collectionSlots.size())
                        && m_options.collectionSlots[size_t(e.inputIndex)]);
        };
        if (isPlainAttr(*expr.lhs) && expr.rhs->kind == ExprKind::Constant
            && !expr.rhs->constant.isNull) {
            attr = expr.lhs.get();
            cons = expr.rhs.get();
        } else if (isPlainAttr(*expr.rhs) && expr.lhs->kind == ExprKind::Constant
                   && !expr.lhs->constant.isNull) {
            attr = expr.rhs.get();
            cons = expr.lhs.get();
            op = flip(op);
        }
        if (attr) {
            const Constant &c = cons->constant;
            return withCmp(op, [&](auto opc) -> EvaluatorPtr {
                return withNumeric(attr->type, [&](auto l) -> EvaluatorPtr {
                    return withNumeric(cons->type, [&](auto r) -> EvaluatorPtr {
                        using L = decltype(l);
                        using R = decltype(r);
                        R value;
                        if constexpr (std::is_integral_v<R>)
                            value = R(c.intValue);
                        else
                            value = R(c.doubleValue);
                        return std::make_unique<CompareAttrConstNode<decltype(opc)::value, L, R>>(
                            attr->inputIndex, attr->attrIndex, value);
                    });
                });
            });
        }
    }

    EvaluatorPtr l = compile(*expr.lhs);
    EvaluatorPtr r = l ? compile(*expr.rhs) : nullptr;
    if (!l || !r)
        return nullptr;
    const AttrType a = l->type();
    const AttrType b = r->type();

    if (isCompare) {
        const Cmp op = toCmp(expr.op);
        if (Lang::isNumeric(a) && Lang::isNumeric(b)) {
            return withCmp(op, [&](auto opc) -> EvaluatorPtr {
                return withNumeric(a, [&](auto x) -> EvaluatorPtr {
                    return withNumeric(b, [&](auto y) -> EvaluatorPtr {
                        return std::make_unique<
                            CompareNode<decltype(opc)::value, decltype(x), decltype(y)>>(
                            std::move(l), std::move(r));
                    });
                });
            });
        }
        const bool eq = op == Cmp::Eq;
        if (op != Cmp::Eq && op != Cmp::NotEq)
            return fail(
                QStringLiteral("cannot order %1 and %2").arg(Lang::typeName(a), Lang::typeName(b)));
        if (a == AttrType::String && b == AttrType::String)
            return std::make_unique<StringCompareNode>(eq, std::move(l), std::move(r));
        if (a == AttrType::Bool && b == AttrType::Bool)
            return std::make_unique<BoolEqualsNode>(eq, std::move(l), std::move(r));
        return std::make_unique<GenericEqualsNode>(eq, std::move(l), std::move(r));
    }

    if (!Lang::isNumeric(a) || !Lang::isNumeric(b))
        return fail(
            QStringLiteral("arithmetic on %1 and %2").arg(Lang::typeName(a), Lang::typeName(b)));
    Arith op;
    switch (expr.op) {
    case BinaryOp::Add:
        op = Arith::Add;
        break;
    case BinaryOp::Sub:
        op = Arith::Sub;
        break;
    case BinaryOp::Mul:
        op = Arith::Mul;
        break;
    case BinaryOp::Div:
        op = Arith::Div;
        break;
    default:
        op = Arith::Mod;
        break;
    }
    return withArith(op, [&](auto opc) -> EvaluatorPtr {
        return withNumeric(a, [&](auto x) -> EvaluatorPtr {
            return withNumeric(b, [&](auto y) -> EvaluatorPtr {
                return std::make_unique<ArithNode<decltype(opc)::value, decltype(x), decltype(y)>>(
                    std::move(l), std::move(r));
            });
        });
    });
}

EvaluatorPtr ExpressionCompiler::compileCall(const Expr &expr)
{
    const Call &call = expr.call;
    if (call.builtin && call.builtin->kind == Lang::BuiltinKind::Aggregate) {
        if (!m_options.aggregates)
            return fail(
                QStringLiteral("aggregate function '%1' is not allowed here").arg(call.name));
        return m_options.aggregates(call, expr.type);
    }
    if (!call.builtin) {
        if (!call.ns.isEmpty())
            return fail(QStringLiteral("extension function '%1' is not available in Rivulet")
                            .arg(call.qualifiedName()));
        return fail(QStringLiteral("script function '%1' cannot run: Rivulet does not embed a "
                                   "JavaScript engine")
                        .arg(call.name));
    }
    if (call.ns.isEmpty() && call.name == QLatin1String("eventTimestamp")) {
        // eventTimestamp() is the processed event's; eventTimestamp(e1) a pattern event's.
        int slot = -1;
        if (!call.args.empty()) {
            if (call.args[0]->kind != ExprKind::StreamRef || call.args[0]->inputIndex < 0)
                return fail(QStringLiteral("eventTimestamp() takes a pattern event such as e1"));
            slot = call.args[0]->inputIndex;
        }
        return std::make_unique<EventTimestampNode>(slot);
    }
    std::vector<EvaluatorPtr> args;
    for (const auto &a : call.args) {
        EvaluatorPtr e = compile(*a);
        if (!e)
            return nullptr;
        args.push_back(std::move(e));
    }
    QString error;
    EvaluatorPtr fn = makeFunction(call, expr.type, std::move(args), &error);
    if (!fn)
        return fail(error);
    return fn;
}

} // namespace Rivulet::Runtime
