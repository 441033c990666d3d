#pragma once

#include "keywords.h"
#include "types.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Rivulet::Lang {

enum class BuiltinKind : std::uint8_t {
    Function,        // expression function: str:upper(x)
    Aggregate,       // aggregate function: sum(x)
    Window,          // #window.length(10)
    StreamProcessor, // #log(), #str:tokenize(...)
    Source,          // @source(type='http', ...)
    Sink,            // @sink(type='log', ...)
    SourceMapper,    // @source(..., @map(type='json'))
    SinkMapper,      // @sink(..., @map(type='json'))
    Store,           // @store(type='...')
};
QString builtinKindName(BuiltinKind kind);

// How a function's return type follows from its arguments.
enum class ReturnRule : std::uint8_t {
    Fixed,          // returnType
    SameAsArg,      // the type of argument returnArg
    WidestNumeric,  // the widest numeric type of all arguments (maximum, minimum)
    SumLike,        // int/long -> long, float/double -> double (sum)
    TypeNamedByArg, // the type named by the constant string argument returnArg (convert, cast)
    RoundLike,      // float -> int, double -> long, int/long unchanged (math:round)
    None,           // windows, stream processors, transports
};

struct ParamSpec
{
    QString name;
    TypeSet types = kAnyType;
    bool optional = false;
    bool constant = false;  // must be a constant (window sizes, formats), not an attribute
    bool repeating = false; // may be given any number of times (last parameter only)
    bool dynamic = false;   // transports: may use {{attr}} templates
    QString defaultValue;
    QString doc;
};

struct BuiltinSpec
{
    BuiltinKind kind = BuiltinKind::Function;
    QString ns;
    QString name;
    QString doc;
    QList<ParamSpec> params;
    ReturnRule returnRule = ReturnRule::None;
    AttrType returnType = AttrType::Unknown;
    int returnArg = 0;
    bool allArgsSameType = false; // coalesce, ifThenElse's branches
    // The parameter lists Siddhi accepts, by index into params (its @ParameterOverload). Empty:
    // the parameters are positional, the optional ones at the end. #log(true) and
    // #window.timeBatch(20 sec, true) skip a parameter, so they need overloads.
    QList<QList<int>> overloads;

    QString qualifiedName() const { return ns.isEmpty() ? name : ns + u':' + name; }
    int requiredCount() const;
    bool acceptsCount(int count) const;
    // "length(int window.length)": the call tip the editor shows.
    QString signature() const;
    // One call tip per accepted parameter list ("log()", "log(string log.message)", ...), or
    // just signature() when the parameters are positional.
    QStringList overloadSignatures() const;
    // The overloads with this many arguments (indices into params), or the positional list.
    QList<QList<int>> forms(int count) const;
};

// The built-ins of the language: keywords, functions, aggregates, windows, stream processors,
// transports and mappers. Immutable; the analyzer, the runtime, the editor and the docs all
// read this one list.
class Registry
{
public:
    static const Registry &builtins();

    // Names are case-sensitive, as in Siddhi: #window.length, not #window.Length.
    const BuiltinSpec *find(BuiltinKind kind, const QString &ns, const QString &name) const;
    QList<const BuiltinSpec *> all(BuiltinKind kind) const;
    const QList<BuiltinSpec> &specs() const { return m_specs; }
    // Extension namespaces with at least one built-in (str, math, time, ...).
    QStringList namespaces() const { return m_namespaces; }
    bool isKnownNamespace(const QString &ns) const;
    const QList<KeywordInfo> &keywords() const { return keywordTable(); }
    // Names of a kind, for "did you mean" hints.
    QStringList names(BuiltinKind kind, const QString &ns = {}) const;

private:
    Registry();
    QList<BuiltinSpec> m_specs;
    QHash<QString, int> m_index; // kind|ns|name (lower case) -> spec
    QStringList m_namespaces;
};

// The closest candidate within a small edit distance, or empty: "did you mean 'TempStream'?"
QString closestMatch(const QString &word, const QStringList &candidates);

} // namespace Rivulet::Lang
