#pragma once

#include "ast.h"
#include "semanticmodel.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Rivulet::Lang {

class DiagnosticList;
struct BuiltinSpec;

// The inputs a query's expressions can read, in the order the runtime lays them out:
//   single stream: [stream]; join: [left, right]; pattern/sequence: its event elements in
//   source order; table output (update/delete/update or insert): [query output, table];
//   `cond in Table`: the scope of the query plus [table] for cond.
struct ScopeInput
{
    QString streamName;
    QString reference; // alias or event name, empty when there is none
    const Schema *schema = nullptr;
    bool primary = false; // unqualified attributes resolve here first (the current pattern stream)
    bool collection = false; // a counting element of a pattern: e1[0].x, e1[last].x
    bool visible = true;     // false for later pattern elements while analysing an earlier filter
};

// Checks an app against Siddhi's rules (names, attributes, types, built-ins, annotations) and
// records every schema, including the inferred output streams. Annotates expressions with their
// types and resolved attributes. Never stops at the first problem.
class Analyzer
{
public:
    explicit Analyzer(DiagnosticList *diagnostics);

    SemanticModel analyze(Ast::App &app);

    // For tests and tools: the type of a standalone expression over the given inputs.
    AttrType analyzeExpression(Ast::Expr &expr, const QList<ScopeInput> &inputs);

    // An on-demand (store) query against the model of an analysed app: resolves and types its
    // expressions and returns the attributes it emits (for insert, delete and update, those of
    // its select clause). Scopes: find reads [table, window or aggregation]; the `on` and `set`
    // of delete, update and update or insert read [select output, table], as in queries.
    // The model is borrowed for the call and handed back unchanged.
    QList<AttributeInfo> analyzeOnDemandQuery(Ast::OnDemandQuery &query, SemanticModel &model);

private:
    struct Scope
    {
        QList<ScopeInput> inputs;
        const QList<AttributeInfo> *outputs = nullptr; // having, order by
        bool allowAggregates = false;
        bool insideAggregate = false;
        const Ast::Partition *partition = nullptr;
        QString context; // "in the filter", for messages
    };

    // Definitions
    void collectDefinitions(Ast::App &app);
    void addDefinition(Ast::Definition &def);
    void checkDefinitionAnnotations(const Ast::Definition &def, const Schema &schema);
    void checkTransport(const Ast::Annotation &annotation, bool isSource, const Schema &schema);
    void checkMapper(const Ast::Annotation &map, bool isSource, const Schema &schema);
    void checkAppAnnotations(const Ast::App &app);
    void checkWindowDefinition(Ast::Definition &def, Schema &schema);
    void checkTrigger(const Ast::Definition &def);
    void analyzeAggregation(Ast::Definition &def, Schema &schema);

    // Executions
    bool queryIsReady(const Ast::Query &query, const Ast::Partition *partition) const;
    void analyzeQuery(Ast::Query &query, const Ast::Partition *partition,
                      QList<AttributeInfo> *outputForAnonymous = nullptr);
    void analyzePartition(Ast::Partition &partition);
    void analyzeSingleInput(Ast::SingleInput &input, Scope &scope, bool allowWindow,
                            QList<AttributeInfo> *extraAttributes, bool *isTableOrAggregation);
    void analyzeHandlers(Ast::SingleInput &input, Scope &scope, QList<AttributeInfo> *extra);
    void analyzeWindowCall(Ast::Call &call, Scope &scope, const QString &where);
    void analyzeJoin(Ast::JoinInput &join, Scope &scope);
    void analyzeState(Ast::StateInput &state, Scope &scope);
    void collectStateInputs(Ast::StateElement &element, Scope &scope, bool inCount);
    void analyzeStateFilters(Ast::StateElement &element, Scope &scope, int *index);
    QList<AttributeInfo> analyzeSelector(Ast::Selector &selector, Scope &scope,
                                         const QList<AttributeInfo> &starAttributes,
                                         bool isAggregation);
    void analyzeOutput(Ast::Query &query, const QList<AttributeInfo> &output,
                       const Ast::Partition *partition, bool hasWindow);
    void checkCompatible(const QList<AttributeInfo> &output, const Schema &target,
                         const SourceRange &range);
    const Schema *resolveSource(const Ast::SourceRef &ref, const Ast::Partition *partition,
                                bool report);

    // Expressions
    AttrType analyzeExpr(Ast::Expr &expr, Scope &scope);
    AttrType analyzeVariable(Ast::Expr &expr, Scope &scope);
    AttrType analyzeCall(Ast::Call &call, Scope &scope, bool *isAggregate, const SourceRange &range,
                         Ast::Expr *owner);
    AttrType checkArguments(const BuiltinSpec &spec, Ast::Call &call, Scope &scope,
                            QList<AttrType> *argTypes);
    void expectBool(Ast::Expr &expr, Scope &scope, const QString &what);
    QString suggestionFor(const QString &name, const QStringList &candidates) const;
    QStringList streamNames() const;

    DiagnosticList *m_diagnostics;
    SemanticModel m_model;
    QHash<QString, const Ast::Definition *> m_functions; // define function
    QSet<QString> m_insertTargets;                       // names some query inserts into
    QSet<QString> m_pendingAggregations;                 // aggregations not analysed yet
};

} // namespace Rivulet::Lang
