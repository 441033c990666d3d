#pragma once

#include "sourcerange.h"
#include "types.h"

#include <QList>
#include <QSet>
#include <QString>

#include <memory>
#include <vector>

namespace Rivulet::Lang {
struct BuiltinSpec;
}

// The syntax tree of a SiddhiQL app, with the source range of every node. The parser builds it;
// the analyzer annotates expressions with their types and resolved attributes; the runtime
// compiles it into evaluators once.
namespace Rivulet::Lang::Ast {

struct Expr;
struct Query;
using ExprPtr = std::unique_ptr<Expr>;

struct AnnotationElement
{
    QString key; // empty for positional elements: @PrimaryKey('id')
    QString value;
    SourceRange keyRange;
    SourceRange valueRange;
    SourceRange range;
};

struct Annotation
{
    QString name; // as written after '@', "App:name" for app annotations
    SourceRange nameRange;
    SourceRange range;
    QList<AnnotationElement> elements;
    QList<Annotation> annotations; // nested, in order: @sink(..., @map(..., @payload(...)))

    bool is(const char *n) const
    {
        return name.compare(QLatin1String(n), Qt::CaseInsensitive) == 0;
    }
    // The value of the element with this key (case-insensitive), or of the first positional
    // element when key is empty.
    QString value(const QString &key = {}) const;
    const AnnotationElement *element(const QString &key) const;
    const Annotation *annotation(const char *nestedName) const;
    QStringList positionalValues() const;
};

const Annotation *findAnnotation(const QList<Annotation> &annotations, const char *name);

enum class ExprKind { Constant, Variable, StreamRef, Binary, Not, Negate, IsNull, In, Function };
enum class BinaryOp { Or, And, Eq, NotEq, Lt, LtEq, Gt, GtEq, Add, Sub, Mul, Div, Mod };
const char *binaryOpSpelling(BinaryOp op);

// e[0], e[last], e[last - 2]
struct EventIndex
{
    bool present = false;
    bool fromLast = false;
    int value = 0; // from the start, or how far before the last
};

struct Constant
{
    AttrType type = AttrType::Object; // Object with isNull for `null`
    bool isNull = false;
    bool isTime = false; // a time value such as `5 sec`; type is Long and value is millis
    qint64 intValue = 0;
    double doubleValue = 0;
    bool boolValue = false;
    QString stringValue;
};

struct Call
{
    QString ns; // extension namespace: str in str:concat(...), empty for core functions
    QString name;
    SourceRange nameRange;
    SourceRange range;
    std::vector<ExprPtr> args;
    bool starArgument = false;            // count(*)
    const BuiltinSpec *builtin = nullptr; // set by the analyzer when found in the registry

    QString qualifiedName() const { return ns.isEmpty() ? name : ns + u':' + name; }
};

struct Expr
{
    ExprKind kind = ExprKind::Constant;
    SourceRange range;

    Constant constant; // Constant

    // Variable: [#|!]stream[index].attribute or attribute;  StreamRef: [#|!]stream[index]
    QString stream;
    SourceRange streamRange;
    bool streamInner = false;
    bool streamFault = false;
    EventIndex index;
    QString attribute;
    SourceRange attributeRange;

    BinaryOp op = BinaryOp::And; // Binary
    ExprPtr lhs;                 // Binary, Not, Negate, IsNull, In
    ExprPtr rhs;                 // Binary
    QString table;               // In
    SourceRange tableRange;

    Call call; // Function

    // Filled in by the analyzer.
    AttrType type = AttrType::Unknown;
    int inputIndex = -1; // which input of the query scope a variable reads
    int attrIndex = -1;  // which attribute of that input

    bool isConstant() const { return kind == ExprKind::Constant; }
    bool isVariable() const { return kind == ExprKind::Variable; }
};

struct SourceRef
{
    QString name;
    SourceRange range;
    bool inner = false; // #Stream: an inner stream of a partition
    bool fault = false; // !Stream: the fault stream of Stream
    QString displayName() const;
};

struct StreamHandler
{
    enum Kind { Filter, Function, Window };
    Kind kind = Filter;
    ExprPtr filter;
    Call call;
    SourceRange range;
};

// One stream with its filters, stream functions and window: `S[price > 10]#window.length(5)`
struct SingleInput
{
    SourceRef source;
    std::vector<StreamHandler> handlers;
    QString alias; // `as a` (joins)
    SourceRange aliasRange;
    QString eventRef; // `e1=` (patterns and sequences)
    SourceRange eventRefRange;
    SourceRange range;

    const StreamHandler *window() const;
    QString referenceName() const
    {
        return !eventRef.isEmpty() ? eventRef : !alias.isEmpty() ? alias : source.name;
    }
};

enum class JoinType { Inner, LeftOuter, RightOuter, FullOuter };
QString joinTypeName(JoinType type);

struct JoinInput
{
    SingleInput left;
    SingleInput right;
    JoinType type = JoinType::Inner;
    enum Trigger { Both, LeftOnly, RightOnly } trigger = Both; // unidirectional
    SourceRange joinRange;
    ExprPtr on;
    ExprPtr withinStart; // within <start> [, <end>] per <duration>: joins with aggregations
    ExprPtr withinEnd;
    ExprPtr per;
};

struct StateElement
{
    enum Kind { Stream, Absent, Next, Every, Logical, Count };
    Kind kind = Stream;
    SourceRange range;
    SingleInput stream;    // Stream, Absent
    qint64 waitingMs = -1; // Absent: not S for <time> (-1 when not given)
    SourceRange forRange;
    std::unique_ptr<StateElement> first;  // Next, Logical, Every (child), Count (child)
    std::unique_ptr<StateElement> second; // Next, Logical
    bool isAnd = true;                    // Logical
    int minCount = 1;                     // Count: <2:5>, <2:>, <:5>, <3>, and *, +, ? in sequences
    int maxCount = 1;                     // -1: any number
};

struct StateInput
{
    bool isSequence = false;
    std::unique_ptr<StateElement> root;
    qint64 withinMs = -1;
    SourceRange withinRange;
};

struct InputStream
{
    enum Kind { Single, Join, State, Anonymous };
    Kind kind = Single;
    SourceRange range;
    SingleInput single; // Single; for Anonymous, the handlers after the inner query
    std::unique_ptr<JoinInput> join;
    std::unique_ptr<StateInput> state;
    std::unique_ptr<Query> anonymous;
};

struct OutputAttribute
{
    ExprPtr expr;
    QString rename;
    SourceRange renameRange;
    // The emitted name: the rename, or the attribute name of a plain variable.
    QString name() const;
};

struct OrderByItem
{
    ExprPtr variable;
    bool descending = false;
};

struct Selector
{
    bool present = false; // false: no select clause, which means select *
    bool star = true;
    SourceRange range;
    std::vector<OutputAttribute> attributes;
    std::vector<ExprPtr> groupBy;
    ExprPtr having;
    std::vector<OrderByItem> orderBy;
    ExprPtr limit;
    ExprPtr offset;
};

struct OutputRate
{
    enum Kind { None, Events, Time, Snapshot };
    enum Type { All, First, Last };
    Kind kind = None;
    Type type = All;
    qint64 value = 0; // events, or milliseconds
    SourceRange range;
};

enum class OutputEventType { Current, Expired, All };

struct SetAssignment
{
    ExprPtr target; // a Variable: Table.attr or attr
    ExprPtr value;
};

struct QueryOutput
{
    enum Kind { Insert, Delete, Update, UpdateOrInsert, Return };
    Kind kind = Insert;
    OutputEventType eventType = OutputEventType::Current;
    bool eventTypeGiven = false;
    SourceRef target; // empty for Return
    bool hasSet = false;
    std::vector<SetAssignment> set;
    ExprPtr on;
    SourceRange range;
};

struct Query
{
    QList<Annotation> annotations;
    InputStream input;
    Selector selector;
    OutputRate rate;
    QueryOutput output;
    SourceRange range;
    int depth = 0; // 0 for a top-level query, > 0 for anonymous inner queries

    // @info(name='...'), or empty
    QString name() const;
};

struct RangeCondition
{
    ExprPtr condition;
    QString label;
    SourceRange labelRange;
};

struct PartitionWith
{
    SourceRef stream;
    ExprPtr value;                      // partition by value: `symbol of Stock`
    std::vector<RangeCondition> ranges; // partition by range: `price < 10 as 'low' or ...`
    SourceRange range;
    bool isRange() const { return !ranges.empty(); }
};

struct Partition
{
    QList<Annotation> annotations;
    std::vector<PartitionWith> withs;
    std::vector<std::unique_ptr<Query>> queries;
    SourceRange range;
};

struct AttributeDef
{
    QString name;
    SourceRange nameRange;
    AttrType type = AttrType::Unknown;
    SourceRange typeRange;
};

enum class DefinitionKind { Stream, Table, Window, Trigger, Function, Aggregation };
QString definitionKindName(DefinitionKind kind);

// Granularities of incremental aggregations.
enum class Duration { Seconds, Minutes, Hours, Days, Weeks, Months, Years };
QString durationName(Duration d);

struct Definition
{
    DefinitionKind kind = DefinitionKind::Stream;
    QList<Annotation> annotations;
    QString name;
    SourceRange nameRange;
    SourceRange range;
    std::vector<AttributeDef> attributes;
    bool incomplete = false; // the parser stopped inside it: do not trust the schema

    // Window
    bool hasWindowCall = false;
    Call windowCall;
    OutputEventType windowOutput = OutputEventType::All;

    // Trigger: at every <time> | at 'start' | at '<cron>'
    qint64 triggerEveryMs = -1;
    QString triggerAt;
    SourceRange triggerRange;

    // Function: define function name[language] return type { body }
    QString language;
    AttrType returnType = AttrType::Unknown;
    QString body;
    SourceRange bodyRange;

    // Aggregation: define aggregation N from S select ... group by ... aggregate [by t] every ...
    std::unique_ptr<SingleInput> aggregationInput;
    Selector aggregationSelector;
    ExprPtr aggregateBy;
    QList<Duration> granularities;
    SourceRange granularityRange;
};

struct ExecutionElement
{
    std::unique_ptr<Query> query;
    std::unique_ptr<Partition> partition;
};

struct App
{
    QList<Annotation> annotations; // @App:... annotations
    std::vector<std::unique_ptr<Definition>> definitions;
    std::vector<ExecutionElement> executions;
    int statementCount = 0;

    QString name() const; // @App:name, or empty
    // The streams queries insert into (partitions' queries too; #inner streams left out): what
    // an app produces, as opposed to what it takes in.
    QSet<QString> insertTargets() const;
};

// An on-demand (store) query, run against tables, named windows and aggregations.
struct OnDemandQuery
{
    enum Kind { Find, Insert, Delete, Update, UpdateOrInsert };
    Kind kind = Find;
    SourceRef input; // Find: from <input>
    QString alias;
    ExprPtr on;
    ExprPtr withinStart;
    ExprPtr withinEnd;
    ExprPtr per;
    Selector selector;
    QueryOutput output;
    SourceRange range;
};

} // namespace Rivulet::Lang::Ast
