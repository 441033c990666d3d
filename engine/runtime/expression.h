#pragma once

#include "event.h"

#include "engine/lang/ast.h"

#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;
class Table;

// Values created while evaluating one row (str:upper's result, say). They live until the
// processor that evaluated the row clears the pool, so evaluators can hand out borrowed
// strings without counting references on the hot path.
class TempPool
{
public:
    ~TempPool() { clear(); }
    StringData *keep(StringData *s)
    {
        m_strings.push_back(s);
        return s;
    }
    ObjectData *keep(ObjectData *o)
    {
        m_objects.push_back(o);
        return o;
    }
    void clear()
    {
        if (m_strings.empty() && m_objects.empty())
            return;
        for (StringData *s : m_strings)
            s->deref();
        for (ObjectData *o : m_objects)
            o->deref();
        m_strings.clear();
        m_objects.clear();
    }

private:
    std::vector<StringData *> m_strings;
    std::vector<ObjectData *> m_objects;
};

// What an evaluator reads: the events of the query's inputs (one slot per input, in the
// analyzer's scope order), the matched events of counting pattern elements, the output event
// (having, order by, table conditions), and where to report a failure.
struct EvalContext
{
    Event *const *slots = nullptr;
    const std::vector<Event *> *collections = nullptr; // per slot
    const Event *output = nullptr;
    int64_t timestamp = 0; // of the event being processed (eventTimestamp())
    AppContext *app = nullptr;
    TempPool *temps = nullptr;
    mutable const char *error = nullptr; // set when evaluation fails (division by zero...)
    mutable QString errorText;
};

class Evaluator
{
public:
    explicit Evaluator(AttrType type)
        : m_type(type)
    {}
    virtual ~Evaluator();
    AttrType type() const { return m_type; }
    // Writes the result to out and returns true, or returns false for null.
    virtual bool eval(const EvalContext &ctx, Value &out) const = 0;
    // A condition: true or false (null counts as false, as Siddhi's conditions do).
    bool test(const EvalContext &ctx) const
    {
        Value v;
        return eval(ctx, v) && v.b;
    }
    virtual bool isConstant() const { return false; }
    // A condition on one input event that needs no context and cannot fail (an attribute
    // compared with a constant): copies the events of in[0..n) that pass to out, in order,
    // and returns how many; timer and reset events pass (they are not data). Returns -1 when
    // the condition is not of that kind, and the caller tests event by event (n == 0 asks
    // just that).
    virtual std::ptrdiff_t filterEvents(Event *const *in, size_t n, Event **out) const
    {
        (void)in;
        (void)n;
        (void)out;
        return -1;
    }
    // A plain read of an input event's attribute (ExpressionCompiler::attribute): the slot and
    // index it reads, so that hot loops can read the event themselves. False for the rest.
    virtual bool readsAttribute(int *slot, int *index) const
    {
        (void)slot;
        (void)index;
        return false;
    }

protected:
    AttrType m_type;
};
using EvaluatorPtr = std::unique_ptr<Evaluator>;

// An aggregate function call met while compiling a select; the selector replaces it by an
// evaluator of the group's aggregator.
using AggregateHook = std::function<EvaluatorPtr(const Lang::Ast::Call &call, AttrType resultType)>;
// A table for `condition in Table`.
using TableLookup = std::function<Table *(const QString &name)>;

struct CompileOptions
{
    AggregateHook aggregates;
    TableLookup tables;
    std::vector<bool> collectionSlots; // slots that are counting pattern elements
    // e1.x without an index on a counting element reads its first event (Siddhi's selector) or,
    // when set, its last one (Siddhi's pattern filters: SingleInputStreamParser uses CURRENT).
    bool collectionDefaultsToLast = false;
    int outputSlot = -2; // inputIndex the analyzer uses for output attributes
    AppContext *app = nullptr;
};

class ExpressionCompiler
{
public:
    explicit ExpressionCompiler(CompileOptions options);
    // Compiles an analyzed expression. Returns null and sets error() when something cannot
    // run (an unsupported extension): that is reported when the app is created.
    EvaluatorPtr compile(const Lang::Ast::Expr &expr);
    QString error() const { return m_error; }

    // A constant evaluator of a given type (used by processors for defaults).
    static EvaluatorPtr constant(AttrType type, Value value, bool isNull = false);
    // Reads attribute `index` of the event in `slot`.
    static EvaluatorPtr attribute(AttrType type, int slot, int index);
    // Converts an evaluator's result to another numeric type (or string).
    static EvaluatorPtr convert(EvaluatorPtr child, AttrType to);

private:
    EvaluatorPtr compileBinary(const Lang::Ast::Expr &expr);
    EvaluatorPtr compileCall(const Lang::Ast::Expr &expr);
    EvaluatorPtr fail(const QString &message);

    CompileOptions m_options;
    QString m_error;
};

// Builds the evaluator of a built-in (non-aggregate) function, or null with an error.
EvaluatorPtr makeFunction(const Lang::Ast::Call &call, AttrType resultType,
                          std::vector<EvaluatorPtr> args, QString *error);

} // namespace Rivulet::Runtime
