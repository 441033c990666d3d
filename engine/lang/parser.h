#pragma once

#include "ast.h"
#include "token.h"

#include <QByteArrayView>
#include <QList>

#include <memory>

namespace Rivulet::Lang {

class DiagnosticList;

// A hand-written recursive-descent parser for the whole of SiddhiQL 5.x. After an error it
// records a diagnostic, skips to the next statement and goes on, so one run reports every
// error in a file; the statements that parsed are still in the tree. It never crashes or hangs
// on any input: nesting is bounded and every loop consumes a token.
class Parser
{
public:
    Parser(QByteArrayView source, DiagnosticList *diagnostics);
    ~Parser();

    std::unique_ptr<Ast::App> parseApp();
    std::unique_ptr<Ast::OnDemandQuery> parseOnDemandQuery();
    Ast::ExprPtr parseStandaloneExpression();

    const QList<Token> &tokens() const { return m_tokens; }

    // Recursion depth the parser allows; a level of parentheses costs two. Deep enough for any
    // real app, shallow enough for a worker thread's stack.
    static constexpr int kMaxNesting = 600;

private:
    struct Abort
    {};

    // Tokens
    const Token &cur() const { return m_tokens[m_pos]; }
    const Token &peekToken(int ahead) const;
    const Token &previous() const { return m_tokens[m_pos > 0 ? m_pos - 1 : 0]; }
    Token take();
    bool at(TokenKind kind) const { return cur().kind == kind; }
    bool at(Keyword kw) const { return cur().is(kw); }
    bool accept(TokenKind kind);
    bool accept(Keyword kw);
    Token expect(TokenKind kind, const QString &context);
    Token expect(Keyword kw, const QString &context);
    QString describe(const Token &t) const;
    QString text(const Token &t) const;
    SourceRange rangeFrom(const Token &first) const;
    SourceRange rangeFrom(const SourceRange &first) const;
    [[noreturn]] void fail(const Token &at, const QString &message, const QString &hint = {});
    void error(const SourceRange &range, const QString &message, const QString &hint = {});
    // Where a name is read decides which keywords may serve as one. Siddhi's grammar lets every
    // keyword be a name; the parser keeps the words that start clauses for itself where a name
    // and a clause could both follow, so that a forgotten name is reported as such.
    enum class NamePos {
        Any,        // only a name can be here: after '.', in a definition, before '=' or '('
        Source,     // a stream, table, window or aggregation: from X, insert into X, join X
        Rename,     // after 'as'
        Expression, // an attribute on its own in an expression
    };
    bool isStructuralKeyword(const Token &t) const;
    bool isClauseKeyword(const Token &t) const;
    bool canBeName(const Token &t, NamePos pos = NamePos::Source) const;
    bool startsStatement(const Token &t) const;
    bool startsOperand(int ahead) const;
    bool firstOnLine(int index) const;
    void synchronize(bool inPartition, bool advanced = false);
    void skipPartitionBody();
    void enter();
    void abortIfUnterminated(const Token &t);
    void leave() { --m_depth; }

    // Names and annotations
    QString parseName(const QString &what, SourceRange *range = nullptr,
                      NamePos pos = NamePos::Source);
    QList<Ast::Annotation> parseAnnotations();
    Ast::Annotation parseAnnotation();
    void endStatement(const QString &what);

    // Definitions
    void parseDefinition(Ast::App &app, QList<Ast::Annotation> annotations, const Token &first);
    void parseAttributeList(Ast::Definition &def);
    void parseAggregationBody(Ast::Definition &def);
    AttrType parseType(SourceRange *range);

    // Queries
    std::unique_ptr<Ast::Query> parseQuery(QList<Ast::Annotation> annotations, int depth);
    void parseQueryInput(Ast::InputStream &input, int depth);
    Ast::SingleInput parseSingleInput(bool allowWindow, bool allowAlias, const QString &context);
    void parseHandlers(Ast::SingleInput &input, bool allowWindow, const QString &context);
    Ast::SourceRef parseSourceRef(const QString &what);
    void parseJoin(Ast::InputStream &input, Ast::SingleInput left, bool leftUnidirectional);
    void parseStateInput(Ast::InputStream &input);
    std::unique_ptr<Ast::StateElement> parseStateChain(int *separator);
    std::unique_ptr<Ast::StateElement> parseStateTerm(int *separator);
    std::unique_ptr<Ast::StateElement> parseStateLogical();
    std::unique_ptr<Ast::StateElement> parseStateCountable();
    bool looksLikeStateStart() const;
    void parseSelector(Ast::Selector &selector, bool allowOrderLimit);
    void parseOutputRate(Ast::OutputRate &rate);
    void parseQueryOutput(Ast::QueryOutput &output, bool allowReturn);
    Ast::OutputEventType parseOutputEventType(bool *given);
    void parseSetClause(Ast::QueryOutput &output);
    void parseWithinPer(Ast::ExprPtr *start, Ast::ExprPtr *end, Ast::ExprPtr *per);
    std::unique_ptr<Ast::Partition> parsePartition(QList<Ast::Annotation> annotations);

    // Expressions
    Ast::ExprPtr parseExpr(int minPrecedence = 0);
    Ast::ExprPtr parseUnary();
    Ast::ExprPtr parsePrimary();
    Ast::ExprPtr parseNumber(bool negative, const Token &signToken);
    Ast::ExprPtr parseReference();
    void parseCall(Ast::Call &call, const QString &context);
    Ast::EventIndex parseEventIndex();
    bool atTimeValue() const;
    QString timeHint(const QString &example = {}) const;
    qint64 parseTimeValue(SourceRange *range);
    qint64 parseIntLiteral(const QString &context);

    QByteArrayView m_src;
    DiagnosticList *m_diagnostics;
    QList<Token> m_tokens;
    int m_pos = 0;
    int m_depth = 0;
    Ast::Definition *m_openDefinition = nullptr;
};

} // namespace Rivulet::Lang
