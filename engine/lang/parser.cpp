#include "parser.h"

#include "diagnostic.h"
#include "lexer.h"
#include "registry.h"

#include <limits>

namespace Rivulet::Lang {

using namespace Ast;

namespace {

ExprPtr makeExpr(ExprKind kind, const SourceRange &range)
{
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->range = range;
    return e;
}

QString q(const QString &s)
{
    return u'\'' + s + u'\'';
}

} // namespace

Parser::Parser(QByteArrayView source, DiagnosticList *diagnostics)
    : m_src(source)
    , m_diagnostics(diagnostics)
{
    m_tokens = Lexer::tokenize(source, diagnostics);
    // Unexpected characters are reported by the lexer; the parser skips them.
    QList<Token> clean;
    clean.reserve(m_tokens.size());
    for (const Token &t : std::as_const(m_tokens)) {
        if (t.kind == TokenKind::Unexpected || (t.kind == TokenKind::BlockComment))
            continue;
        clean.append(t);
    }
    m_tokens = std::move(clean);
}

Parser::~Parser() = default;

// ---------------------------------------------------------------------------------------------
// Tokens

const Token &Parser::peekToken(int ahead) const
{
    const int i = m_pos + ahead;
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.constLast();
}

Token Parser::take()
{
    const Token t = m_tokens[m_pos];
    if (t.kind != TokenKind::EndOfFile)
        ++m_pos;
    return t;
}

bool Parser::accept(TokenKind kind)
{
    if (!at(kind))
        return false;
    take();
    return true;
}

bool Parser::accept(Keyword kw)
{
    if (!at(kw))
        return false;
    take();
    return true;
}

Token Parser::expect(TokenKind kind, const QString &context)
{
    if (!at(kind)) {
        fail(cur(),
             QStringLiteral("expected %1 %2, found %3")
                 .arg(QString::fromLatin1(tokenKindSpelling(kind)), context, describe(cur())));
    }
    return take();
}

Token Parser::expect(Keyword kw, const QString &context)
{
    if (!at(kw)) {
        fail(cur(),
             QStringLiteral("expected '%1' %2, found %3")
                 .arg(QString::fromLatin1(keywordInfo(kw).canonical), context, describe(cur())));
    }
    return take();
}

QString Parser::text(const Token &t) const
{
    return Lexer::tokenText(m_src, t);
}

QString Parser::describe(const Token &t) const
{
    switch (t.kind) {
    case TokenKind::EndOfFile:
        return QStringLiteral("the end of the file");
    case TokenKind::StringLiteral:
    case TokenKind::TripleString: {
        QString s = QString::fromUtf8(m_src.sliced(t.offset, qMin(t.length, 24)));
        if (t.length > 24)
            s += QStringLiteral("...");
        return QStringLiteral("string ") + s;
    }
    case TokenKind::Script:
        return QStringLiteral("a '{...}' block");
    default:
        break;
    }
    QString s = QString::fromUtf8(m_src.sliced(t.offset, qMin(t.length, 32)));
    return q(s);
}

SourceRange Parser::rangeFrom(const Token &first) const
{
    return rangeFrom(first.range());
}

SourceRange Parser::rangeFrom(const SourceRange &first) const
{
    const Token &last = previous();
    if (last.end() < first.start)
        return first;
    return SourceRange::span(first, last.range());
}

void Parser::fail(const Token &at, const QString &message, const QString &hint)
{
    error(at.range(), message, hint);
    throw Abort{};
}

void Parser::error(const SourceRange &range, const QString &message, const QString &hint)
{
    if (m_diagnostics)
        m_diagnostics->error(range, message, hint);
}

bool Parser::isStructuralKeyword(const Token &t) const
{
    if (t.kind != TokenKind::Keyword)
        return false;
    switch (t.keyword) {
    case Keyword::From:
    case Keyword::Select:
    case Keyword::Insert:
    case Keyword::Delete:
    case Keyword::Update:
    case Keyword::Return:
    case Keyword::Output:
    case Keyword::Group:
    case Keyword::Having:
    case Keyword::Order:
    case Keyword::Limit:
    case Keyword::Offset:
    case Keyword::Define:
    case Keyword::Partition:
    case Keyword::Begin:
    case Keyword::End:
    case Keyword::Join:
    case Keyword::On:
    case Keyword::Within:
    case Keyword::Every:
    case Keyword::Not:
    case Keyword::And:
    case Keyword::Or:
    case Keyword::Unidirectional:
    case Keyword::Into:
    case Keyword::Per:
    case Keyword::As:
    case Keyword::Is:
    case Keyword::In:
    case Keyword::Of:
    case Keyword::Set:
    case Keyword::Null:
    case Keyword::True:
    case Keyword::False:
        return true;
    default:
        return false;
    }
}

// Keywords that start a clause or a statement: where a name may be followed by a clause, these
// are read as the clause.
bool Parser::isClauseKeyword(const Token &t) const
{
    if (t.kind != TokenKind::Keyword)
        return false;
    switch (t.keyword) {
    case Keyword::From:
    case Keyword::Select:
    case Keyword::Insert:
    case Keyword::Delete:
    case Keyword::Update:
    case Keyword::Return:
    case Keyword::Output:
    case Keyword::Group:
    case Keyword::Having:
    case Keyword::Order:
    case Keyword::Define:
    case Keyword::Partition:
    case Keyword::Join:
    case Keyword::On:
    case Keyword::Every:
    case Keyword::Not:
        return true;
    default:
        return false;
    }
}

bool Parser::canBeName(const Token &t, NamePos pos) const
{
    if (t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier)
        return true;
    if (t.kind != TokenKind::Keyword)
        return false;
    switch (pos) {
    case NamePos::Any:
        return true;
    case NamePos::Source:
    case NamePos::Rename:
        return !isClauseKeyword(t);
    case NamePos::Expression:
        // 'start' and 'end' are common attribute names; 'end' only ends a partition after a
        // query's output, never where an operand is expected.
        return !isStructuralKeyword(t) || t.is(Keyword::End) || t.is(Keyword::Begin)
               || t.is(Keyword::Set);
    }
    return false;
}

// Whether the keyword at the given offset starts an operand: a function call, a qualified
// reference, or an attribute whose name is a keyword that cannot start a clause there.
bool Parser::startsOperand(int ahead) const
{
    const Token &t = peekToken(ahead);
    if (t.kind != TokenKind::Keyword)
        return true;
    const Token &n = peekToken(ahead + 1);
    if (n.is(TokenKind::LParen) || n.is(TokenKind::Dot) || n.is(TokenKind::LBracket))
        return true;
    if (canBeName(t, NamePos::Expression))
        return true;
    // Any keyword may name an attribute (`on == true`); followed by an operator or a closing
    // bracket it cannot be anything else.
    switch (n.kind) {
    case TokenKind::EqEq:
    case TokenKind::NotEq:
    case TokenKind::Lt:
    case TokenKind::LtEq:
    case TokenKind::Gt:
    case TokenKind::GtEq:
    case TokenKind::Plus:
    case TokenKind::Minus:
    case TokenKind::Star:
    case TokenKind::Slash:
    case TokenKind::Percent:
    case TokenKind::RBracket:
    case TokenKind::RParen:
        return true;
    default:
        return n.is(Keyword::Is);
    }
}

bool Parser::firstOnLine(int index) const
{
    if (index <= 0)
        return true;
    return m_tokens[index].line > m_tokens[index - 1].endLine;
}

bool Parser::startsStatement(const Token &t) const
{
    return t.is(Keyword::Define) || t.is(Keyword::From) || t.is(Keyword::Partition)
           || t.kind == TokenKind::At;
}

void Parser::skipPartitionBody()
{
    while (!at(TokenKind::EndOfFile)) {
        if (firstOnLine(m_pos)
            && (at(Keyword::Define) || at(Keyword::Partition) || at(TokenKind::At)))
            return;
        if (accept(Keyword::End)) {
            accept(TokenKind::Semicolon);
            return;
        }
        take();
    }
}

// Skips to the start of the next statement. When the failed statement already consumed tokens,
// the current token may itself start the next statement (a definition after an unclosed
// annotation), so it is not skipped.
void Parser::synchronize(bool inPartition, bool advanced)
{
    int depth = 0;
    bool first = !advanced;
    while (!at(TokenKind::EndOfFile)) {
        const Token &t = cur();
        if (!first && depth <= 0 && firstOnLine(m_pos)) {
            if (t.is(Keyword::Define) || t.is(Keyword::Partition) || t.kind == TokenKind::At)
                return;
            if (t.is(Keyword::From) && !previous().is(TokenKind::LParen))
                return;
            if (inPartition && t.is(Keyword::End))
                return;
        }
        first = false;
        switch (t.kind) {
        case TokenKind::LParen:
        case TokenKind::LBracket:
            ++depth;
            break;
        case TokenKind::RParen:
        case TokenKind::RBracket:
            --depth;
            break;
        case TokenKind::Semicolon:
            take();
            return;
        default:
            break;
        }
        if (inPartition && t.is(Keyword::End) && depth <= 0)
            return;
        take();
    }
}

// A string, name or script that runs to the end of its line or file was reported by the lexer;
// whatever the parser would say next about the statement is noise, so skip the statement.
void Parser::abortIfUnterminated(const Token &t)
{
    if (t.unterminated)
        throw Abort{};
}

void Parser::enter()
{
    if (++m_depth > kMaxNesting) {
        m_depth = 0; // so that the rest of the file can still be parsed after the abort
        fail(cur(), QStringLiteral("nesting is too deep"),
             QStringLiteral("split the expression, or use fewer parentheses"));
    }
}

// ---------------------------------------------------------------------------------------------
// App

std::unique_ptr<App> Parser::parseApp()
{
    auto app = std::make_unique<App>();
    while (!at(TokenKind::EndOfFile)) {
        if (accept(TokenKind::Semicolon))
            continue;
        const int statementStart = m_pos;
        const int depthBefore = m_depth;
        bool inPartitionHeader = false;
        try {
            // App annotations apply to the app wherever they are written, and are kept even
            // when a later annotation of the statement does not parse.
            QList<Annotation> annotations;
            while (at(TokenKind::At)) {
                Annotation a = parseAnnotation();
                if (a.name.startsWith(QLatin1String("app:"), Qt::CaseInsensitive))
                    app->annotations.append(std::move(a));
                else
                    annotations.append(std::move(a));
            }
            const Token first = cur();
            if (at(Keyword::Define)) {
                parseDefinition(*app, std::move(annotations), first);
                endStatement(QStringLiteral("the definition"));
            } else if (at(Keyword::From)) {
                ExecutionElement element;
                element.query = parseQuery(std::move(annotations), 0);
                app->executions.push_back(std::move(element));
                endStatement(QStringLiteral("the query"));
            } else if (at(Keyword::Partition)) {
                inPartitionHeader = true;
                ExecutionElement element;
                element.partition = parsePartition(std::move(annotations));
                app->executions.push_back(std::move(element));
                endStatement(QStringLiteral("the partition"));
            } else if (!annotations.isEmpty()) {
                fail(cur(), QStringLiteral("expected a definition, query or partition after the "
                                           "annotation @%1, found %2")
                                .arg(annotations.constLast().name, describe(cur())));
            } else if (m_pos == statementStart && !at(TokenKind::EndOfFile)) {
                if (at(Keyword::Select) || at(Keyword::Insert)) {
                    fail(cur(), QStringLiteral("expected 'from' before %1").arg(describe(cur())),
                         QStringLiteral(
                             "a query starts with: from <stream> select ... insert into <stream>"));
                }
                fail(cur(),
                     QStringLiteral("expected a definition, a query or a partition, found %1")
                         .arg(describe(cur())),
                     QStringLiteral("statements start with 'define', 'from', 'partition' or an "
                                    "annotation such as @App:name('...')"));
            }
            ++app->statementCount;
        } catch (const Abort &) {
            m_depth = depthBefore;
            if (m_openDefinition)
                m_openDefinition->incomplete = true;
            m_openDefinition = nullptr;
            if (inPartitionHeader) {
                // The partition's header did not parse: skip its queries, up to its 'end'.
                skipPartitionBody();
            } else {
                const bool advanced = m_pos > statementStart;
                if (!advanced)
                    take();
                synchronize(false, advanced);
            }
        }
    }
    return app;
}

void Parser::endStatement(const QString &what)
{
    if (accept(TokenKind::Semicolon) || at(TokenKind::EndOfFile))
        return;
    if (startsStatement(cur())) {
        // Report, but carry on with the next statement: nothing needs skipping.
        error(previous().range(),
              QStringLiteral("missing ';' after %1, before %2").arg(what, describe(cur())),
              QStringLiteral("statements are separated by ';'"));
        return;
    }
    fail(cur(), QStringLiteral("unexpected %1 after the end of %2").arg(describe(cur()), what),
         QStringLiteral("is a ';' missing, or a clause in the wrong order?"));
}

// ---------------------------------------------------------------------------------------------
// Names and annotations

QString Parser::parseName(const QString &what, SourceRange *range, NamePos pos)
{
    const Token &t = cur();
    if (!canBeName(t, pos)) {
        QString hint;
        if (t.kind == TokenKind::Keyword)
            hint = QStringLiteral("%1 is a keyword; to use it as a name, quote it: `%2`")
                       .arg(describe(t), text(t));
        fail(t, QStringLiteral("expected %1, found %2").arg(what, describe(t)), hint);
    }
    if (t.kind == TokenKind::QuotedIdentifier) {
        abortIfUnterminated(t);
        if (t.length <= 2)
            fail(t, QStringLiteral("expected %1, found an empty quoted name ``").arg(what),
                 QStringLiteral("a name in backquotes needs at least one character"));
    }
    const Token n = take();
    if (range)
        *range = n.range();
    return text(n);
}

QList<Annotation> Parser::parseAnnotations()
{
    QList<Annotation> out;
    while (at(TokenKind::At))
        out.append(parseAnnotation());
    return out;
}

Annotation Parser::parseAnnotation()
{
    enter();
    const Token at = expect(TokenKind::At, QStringLiteral("to start an annotation"));
    Annotation a;
    SourceRange nameRange;
    a.name = parseName(QStringLiteral("an annotation name after '@'"), &nameRange, NamePos::Any);
    while (this->at(TokenKind::Colon) || this->at(TokenKind::Dot)) {
        const Token sep = take();
        SourceRange second;
        const QString part = parseName(QStringLiteral("an annotation name"), &second, NamePos::Any);
        a.name += QString::fromUtf8(m_src.sliced(sep.offset, sep.length)) + part;
        nameRange = SourceRange::span(nameRange, second);
    }
    a.nameRange = nameRange;
    if (accept(TokenKind::LParen)) {
        if (!this->at(TokenKind::RParen)) {
            for (;;) {
                if (this->at(TokenKind::At)) {
                    a.annotations.append(parseAnnotation());
                } else {
                    AnnotationElement e;
                    const Token first = cur();
                    // key = value, or just value
                    const bool keyed = (canBeName(first) || first.kind == TokenKind::Keyword
                                        || first.kind == TokenKind::StringLiteral)
                                       && [&] {
                                              // Look for '=' after a dotted/dashed/coloned name.
                                              int i = 0;
                                              if (first.kind == TokenKind::StringLiteral)
                                                  return peekToken(1).is(TokenKind::Assign);
                                              while (true) {
                                                  const Token &n = peekToken(i);
                                                  if (!n.isName())
                                                      return false;
                                                  const Token &s = peekToken(i + 1);
                                                  if (s.is(TokenKind::Assign))
                                                      return true;
                                                  if (s.is(TokenKind::Dot) || s.is(TokenKind::Minus)
                                                      || s.is(TokenKind::Colon)) {
                                                      i += 2;
                                                      continue;
                                                  }
                                                  return false;
                                              }
                                          }();
                    if (keyed) {
                        if (first.kind == TokenKind::StringLiteral) {
                            const Token k = take();
                            e.key = Lexer::stringValue(m_src, k);
                            e.keyRange = k.range();
                        } else {
                            Token k = take();
                            e.key = text(k);
                            SourceRange keyRange = k.range();
                            while (!this->at(TokenKind::Assign)) {
                                const Token sep = take();
                                const Token part = take();
                                e.key += QString::fromUtf8(m_src.sliced(sep.offset, sep.length))
                                         + text(part);
                                keyRange = SourceRange::span(keyRange, part.range());
                            }
                            e.keyRange = keyRange;
                        }
                        take(); // '='
                    }
                    const Token v = cur();
                    if (v.kind == TokenKind::StringLiteral || v.kind == TokenKind::TripleString) {
                        abortIfUnterminated(v);
                        take();
                        e.value = Lexer::stringValue(m_src, v);
                    } else if (v.isLiteral() || v.isName()) {
                        // Siddhi wants quoted values; say so, but keep the value so that one
                        // missing pair of quotes does not hide the rest of the file.
                        take();
                        e.value = text(v);
                        error(v.range(),
                              QStringLiteral("annotation values must be quoted strings, found %1")
                                  .arg(describe(v)),
                              QStringLiteral("write %1'%2'")
                                  .arg(e.key.isEmpty() ? QString() : e.key + u'=', e.value));
                    } else {
                        fail(v, QStringLiteral("expected a quoted value in @%1(...), found %2")
                                    .arg(a.name, describe(v)));
                    }
                    e.valueRange = v.range();
                    e.range = SourceRange::span(first.range(), v.range());
                    a.elements.append(e);
                }
                if (accept(TokenKind::Comma))
                    continue;
                if (this->at(TokenKind::At)) {
                    // Siddhi wants a comma here; the nested annotation is unmistakable, so say
                    // so and read it.
                    if (m_diagnostics)
                        m_diagnostics->warning(cur().range(),
                                               QStringLiteral("missing ',' before the nested "
                                                              "annotation inside @%1(...)")
                                                   .arg(a.name),
                                               QStringLiteral("Siddhi rejects it: separate the "
                                                              "elements of @%1 with commas")
                                                   .arg(a.name));
                    continue;
                }
                break;
            }
        }
        expect(TokenKind::RParen, QStringLiteral("to close @%1(").arg(a.name));
    }
    a.range = rangeFrom(at);
    leave();
    return a;
}

// ---------------------------------------------------------------------------------------------
// Definitions

AttrType Parser::parseType(SourceRange *range)
{
    const Token t = cur();
    AttrType type = AttrType::Unknown;
    if (t.isName() && parseTypeName(text(t), &type)) {
        take();
        if (range)
            *range = t.range();
        return type;
    }
    QString hint =
        QStringLiteral("the types are string, int, long, float, double, bool and object");
    if (t.isName()) {
        const QString word = text(t).toLower();
        if (word == QLatin1String("integer"))
            hint = QStringLiteral("did you mean 'int'?");
        else if (word == QLatin1String("boolean"))
            hint = QStringLiteral("did you mean 'bool'?");
        else if (word == QLatin1String("str") || word == QLatin1String("text")
                 || word == QLatin1String("varchar"))
            hint = QStringLiteral("did you mean 'string'?");
    }
    fail(t, QStringLiteral("expected a type, found %1").arg(describe(t)), hint);
}

void Parser::parseAttributeList(Definition &def)
{
    expect(TokenKind::LParen, QStringLiteral("before the attributes of %1").arg(q(def.name)));
    for (;;) {
        AttributeDef attr;
        attr.name = parseName(QStringLiteral("an attribute name"), &attr.nameRange, NamePos::Any);
        attr.type = parseType(&attr.typeRange);
        def.attributes.push_back(attr);
        if (accept(TokenKind::Comma))
            continue;
        if (cur().isName() && !at(TokenKind::RParen)) {
            fail(cur(),
                 QStringLiteral("expected ',' or ')' after attribute %1, found %2")
                     .arg(q(attr.name), describe(cur())),
                 QStringLiteral("attributes are separated by commas"));
        }
        break;
    }
    expect(TokenKind::RParen, QStringLiteral("to close the attributes of %1").arg(q(def.name)));
}

void Parser::parseDefinition(App &app, QList<Annotation> annotations, const Token &first)
{
    take(); // define
    auto def = std::make_unique<Definition>();
    def->annotations = std::move(annotations);
    const Token kindToken = cur();
    if (accept(Keyword::Stream)) {
        def->kind = DefinitionKind::Stream;
    } else if (accept(Keyword::Table)) {
        def->kind = DefinitionKind::Table;
    } else if (accept(Keyword::Window)) {
        def->kind = DefinitionKind::Window;
    } else if (accept(Keyword::Trigger)) {
        def->kind = DefinitionKind::Trigger;
    } else if (accept(Keyword::Function)) {
        def->kind = DefinitionKind::Function;
    } else if (accept(Keyword::Aggregation)) {
        def->kind = DefinitionKind::Aggregation;
    } else {
        const QString match =
            kindToken.isName() ? closestMatch(
                text(kindToken), {QStringLiteral("stream"), QStringLiteral("table"),
                                  QStringLiteral("window"), QStringLiteral("trigger"),
                                  QStringLiteral("function"), QStringLiteral("aggregation")})
                               : QString();
        fail(kindToken,
             QStringLiteral("expected stream, table, window, trigger, function or aggregation "
                            "after 'define', found %1")
                 .arg(describe(kindToken)),
             match.isEmpty() ? QString() : QStringLiteral("did you mean %1?").arg(q(match)));
    }
    const QString kindName = definitionKindName(def->kind);
    def->name = parseName(QStringLiteral("a %1 name").arg(kindName), &def->nameRange, NamePos::Any);
    def->range = rangeFrom(first);
    // From here on the definition is in the app, even if the rest fails to parse: queries that
    // use it then do not report it as undefined.
    Definition *d = def.get();
    app.definitions.push_back(std::move(def));
    m_openDefinition = d;

    switch (d->kind) {
    case DefinitionKind::Stream:
    case DefinitionKind::Table:
        parseAttributeList(*d);
        break;
    case DefinitionKind::Window:
        parseAttributeList(*d);
        if (canBeName(cur())) {
            d->hasWindowCall = true;
            parseCall(d->windowCall, QStringLiteral("of the window"));
        } else {
            fail(cur(), QStringLiteral("expected the window type of window %1, such as "
                                       "length(10) or time(1 min), found %2")
                            .arg(q(d->name), describe(cur())));
        }
        if (accept(Keyword::Output)) {
            bool given = false;
            d->windowOutput = parseOutputEventType(&given);
            if (!given)
                fail(cur(), QStringLiteral("expected 'all events', 'current events' or 'expired "
                                           "events' after 'output', found %1")
                                .arg(describe(cur())));
        }
        break;
    case DefinitionKind::Trigger: {
        if (at(TokenKind::LParen))
            fail(cur(), QStringLiteral("a trigger has no attribute list"),
                 QStringLiteral("every trigger emits one attribute, triggered_time long: write "
                                "define trigger %1 at every 1 sec")
                     .arg(d->name));
        expect(Keyword::At, QStringLiteral("after the trigger name"));
        const Token t = cur();
        if (accept(Keyword::Every)) {
            if (!atTimeValue())
                fail(cur(),
                     QStringLiteral("expected a time such as '5 sec' after 'every', found %1")
                         .arg(describe(cur())),
                     timeHint());
            d->triggerEveryMs = parseTimeValue(&d->triggerRange);
        } else if (at(TokenKind::StringLiteral)) {
            abortIfUnterminated(cur());
            const Token s = take();
            d->triggerAt = Lexer::stringValue(m_src, s);
            d->triggerRange = s.range();
        } else {
            fail(t,
                 QStringLiteral("expected 'every <time>', 'start' or a cron expression after "
                                "'at', found %1")
                     .arg(describe(t)),
                 QStringLiteral("define trigger T at every 5 sec; define trigger T at 'start'; "
                                "define trigger T at '*/5 * * * * ?'"));
        }
        break;
    }
    case DefinitionKind::Function: {
        expect(TokenKind::LBracket, QStringLiteral("before the function's language, as in "
                                                   "[javascript]"));
        d->language = parseName(QStringLiteral("a language name"), nullptr, NamePos::Any);
        expect(TokenKind::RBracket, QStringLiteral("after the function's language"));
        expect(Keyword::Return, QStringLiteral("before the function's return type"));
        d->returnType = parseType(nullptr);
        const Token body = cur();
        abortIfUnterminated(body);
        if (body.kind != TokenKind::Script)
            fail(body, QStringLiteral("expected the function body in '{ ... }', found %1")
                           .arg(describe(body)));
        take();
        QByteArrayView raw = m_src.sliced(body.offset, body.length);
        raw = raw.sliced(1);
        if (!body.unterminated && !raw.isEmpty())
            raw.chop(1);
        d->body = QString::fromUtf8(raw);
        d->bodyRange = body.range();
        break;
    }
    case DefinitionKind::Aggregation:
        parseAggregationBody(*d);
        break;
    }
    d->range = rangeFrom(first);
    m_openDefinition = nullptr;
}

void Parser::parseAggregationBody(Definition &def)
{
    expect(Keyword::From, QStringLiteral("after the aggregation name"));
    def.aggregationInput = std::make_unique<SingleInput>(
        parseSingleInput(false, false, QStringLiteral("in an aggregation")));
    if (!at(Keyword::Select))
        fail(cur(), QStringLiteral("expected 'select' in aggregation %1, found %2")
                        .arg(q(def.name), describe(cur())));
    parseSelector(def.aggregationSelector, false);
    expect(Keyword::Aggregate, QStringLiteral("in aggregation %1").arg(q(def.name)));
    if (accept(Keyword::By))
        def.aggregateBy = parseReference();
    expect(Keyword::Every, QStringLiteral("before the aggregation's granularities"));
    auto duration = [&](const Token &t, Duration *d) {
        switch (t.keyword) {
        case Keyword::Seconds:
            *d = Duration::Seconds;
            return true;
        case Keyword::Minutes:
            *d = Duration::Minutes;
            return true;
        case Keyword::Hours:
            *d = Duration::Hours;
            return true;
        case Keyword::Days:
            *d = Duration::Days;
            return true;
        case Keyword::Weeks:
            *d = Duration::Weeks;
            return true;
        case Keyword::Months:
            *d = Duration::Months;
            return true;
        case Keyword::Years:
            *d = Duration::Years;
            return true;
        default:
            return false;
        }
    };
    const Token first = cur();
    Duration d1;
    if (!duration(first, &d1))
        fail(first,
             QStringLiteral("expected a granularity (sec, min, hour, day, month, year) "
                            "after 'every', found %1")
                 .arg(describe(first)),
             QStringLiteral("for example: aggregate by timestamp every sec ... year"));
    take();
    def.granularities.append(d1);
    if (accept(TokenKind::TripleDot)) {
        const Token last = cur();
        Duration d2;
        if (!duration(last, &d2))
            fail(
                last,
                QStringLiteral("expected a granularity after '...', found %1").arg(describe(last)));
        take();
        if (int(d2) < int(d1))
            error(rangeFrom(first), QStringLiteral("the granularity range must go from the "
                                                   "smaller to the larger unit"));
        for (int i = int(d1) + 1; i <= int(d2); ++i) {
            if (Duration(i) != Duration::Weeks)
                def.granularities.append(Duration(i));
        }
    } else {
        while (accept(TokenKind::Comma)) {
            const Token t = cur();
            Duration d;
            if (!duration(t, &d))
                fail(t,
                     QStringLiteral("expected a granularity after ',', found %1").arg(describe(t)));
            take();
            def.granularities.append(d);
        }
    }
    def.granularityRange = rangeFrom(first);
}

// ---------------------------------------------------------------------------------------------
// Queries

std::unique_ptr<Query> Parser::parseQuery(QList<Annotation> annotations, int depth)
{
    enter();
    auto query = std::make_unique<Query>();
    query->annotations = std::move(annotations);
    query->depth = depth;
    const Token first = expect(Keyword::From, QStringLiteral("to start a query"));
    parseQueryInput(query->input, depth);
    if (at(Keyword::Select))
        parseSelector(query->selector, true);
    else if (at(Keyword::Group) || at(Keyword::Having) || at(Keyword::Order) || at(Keyword::Limit))
        fail(cur(), QStringLiteral("%1 needs a 'select' clause before it").arg(describe(cur())));
    if (at(Keyword::Output))
        parseOutputRate(query->rate);
    parseQueryOutput(query->output, depth > 0);
    query->range = rangeFrom(first);
    leave();
    return query;
}

bool Parser::looksLikeStateStart() const
{
    if (at(Keyword::Every) || at(Keyword::Not))
        return true;
    if (cur().isName() && peekToken(1).is(TokenKind::Assign))
        return true;
    if (at(TokenKind::LParen) && !peekToken(1).is(Keyword::From))
        return true;
    return false;
}

void Parser::parseQueryInput(InputStream &input, int depth)
{
    const Token first = cur();
    if (at(TokenKind::LParen) && peekToken(1).is(Keyword::From)) {
        take();
        input.kind = InputStream::Anonymous;
        input.anonymous = parseQuery({}, depth + 1);
        if (input.anonymous->output.kind != QueryOutput::Return)
            error(input.anonymous->output.range,
                  QStringLiteral("an inner query must end with 'return', not insert into"),
                  QStringLiteral("write: from (from S ... select ... return) select ..."));
        expect(TokenKind::RParen, QStringLiteral("to close the inner query"));
        // Filters, stream functions and a window may follow the inner query.
        parseHandlers(input.single, true, QString());
        input.range = rangeFrom(first);
        return;
    }
    if (looksLikeStateStart()) {
        parseStateInput(input);
        input.range = rangeFrom(first);
        return;
    }
    const int start = m_pos;
    bool leftUnidirectional = false;
    SingleInput single = parseSingleInput(true, true, QString());
    if (accept(Keyword::Unidirectional))
        leftUnidirectional = true;
    const Token &t = cur();
    const bool isJoin = t.is(Keyword::Join) || t.is(Keyword::Inner) || t.is(Keyword::Left)
                        || t.is(Keyword::Right) || t.is(Keyword::Full) || t.is(Keyword::Outer);
    if (isJoin) {
        parseJoin(input, std::move(single), leftUnidirectional);
    } else if (leftUnidirectional) {
        fail(t,
             QStringLiteral("expected a join after 'unidirectional', found %1").arg(describe(t)));
    } else if (t.is(TokenKind::Arrow) || t.is(TokenKind::Comma) || t.is(TokenKind::Lt)
               || t.is(Keyword::And) || t.is(Keyword::Or) || t.is(TokenKind::Star)
               || t.is(TokenKind::Plus) || t.is(TokenKind::Question)) {
        // A pattern or sequence whose first element has no event reference: parse it again as one.
        m_pos = start;
        parseStateInput(input);
    } else {
        input.kind = InputStream::Single;
        input.single = std::move(single);
        if (!input.single.alias.isEmpty())
            error(input.single.aliasRange,
                  QStringLiteral(
                      "'as' names the sides of a join; a single stream cannot be renamed"));
    }
    input.range = rangeFrom(first);
}

SourceRef Parser::parseSourceRef(const QString &what)
{
    SourceRef ref;
    const Token first = cur();
    if (accept(TokenKind::Hash))
        ref.inner = true;
    else if (accept(TokenKind::Bang))
        ref.fault = true;
    ref.name = parseName(what, &ref.range);
    ref.range = rangeFrom(first);
    return ref;
}

SingleInput Parser::parseSingleInput(bool allowWindow, bool allowAlias, const QString &context)
{
    SingleInput in;
    const Token first = cur();
    in.source = parseSourceRef(QStringLiteral("a stream name"));
    parseHandlers(in, allowWindow, context);
    if (allowAlias && accept(Keyword::As))
        in.alias = parseName(QStringLiteral("a name after 'as'"), &in.aliasRange, NamePos::Rename);
    in.range = rangeFrom(first);
    return in;
}

void Parser::parseHandlers(SingleInput &in, bool allowWindow, const QString &context)
{
    for (;;) {
        const Token first = cur();
        if (at(TokenKind::LBracket)
            || (at(TokenKind::Hash) && peekToken(1).is(TokenKind::LBracket))) {
            accept(TokenKind::Hash);
            take(); // [
            StreamHandler h;
            h.kind = StreamHandler::Filter;
            if (at(TokenKind::RBracket))
                fail(cur(), QStringLiteral("expected a condition inside '[ ]'"));
            h.filter = parseExpr();
            expect(TokenKind::RBracket, QStringLiteral("to close the filter"));
            h.range = rangeFrom(first);
            in.handlers.push_back(std::move(h));
            continue;
        }
        if (at(TokenKind::Hash)) {
            take();
            StreamHandler h;
            if (at(Keyword::Window) && peekToken(1).is(TokenKind::Dot)) {
                take();
                take();
                h.kind = StreamHandler::Window;
                parseCall(h.call, QStringLiteral("of the window"));
                h.range = rangeFrom(first);
                if (!allowWindow) {
                    error(h.range, QStringLiteral("a window cannot be used %1")
                                       .arg(context.isEmpty() ? QStringLiteral("here") : context));
                } else if (in.window()) {
                    error(h.range, QStringLiteral("a stream can have only one window"),
                          QStringLiteral("remove one of the #window clauses"));
                }
            } else {
                h.kind = StreamHandler::Function;
                parseCall(h.call, QStringLiteral("of the stream function"));
                h.range = rangeFrom(first);
            }
            in.handlers.push_back(std::move(h));
            continue;
        }
        break;
    }
}

void Parser::parseJoin(InputStream &input, SingleInput left, bool leftUnidirectional)
{
    input.kind = InputStream::Join;
    input.join = std::make_unique<JoinInput>();
    JoinInput &join = *input.join;
    join.left = std::move(left);
    const Token first = cur();
    if (accept(Keyword::Left)) {
        expect(Keyword::Outer, QStringLiteral("after 'left'"));
        join.type = JoinType::LeftOuter;
    } else if (accept(Keyword::Right)) {
        expect(Keyword::Outer, QStringLiteral("after 'right'"));
        join.type = JoinType::RightOuter;
    } else if (accept(Keyword::Full)) {
        expect(Keyword::Outer, QStringLiteral("after 'full'"));
        join.type = JoinType::FullOuter;
    } else if (accept(Keyword::Outer)) {
        join.type = JoinType::FullOuter;
    } else {
        accept(Keyword::Inner);
        join.type = JoinType::Inner;
    }
    expect(Keyword::Join, join.type == JoinType::Inner
                              ? QStringLiteral("in the join")
                              : QStringLiteral("after %1")
                                    .arg(q(QString::fromUtf8(m_src.sliced(
                                        first.offset, previous().end() - first.offset)))));
    join.joinRange = rangeFrom(first);
    join.right = parseSingleInput(true, true, QString());
    if (leftUnidirectional)
        join.trigger = JoinInput::LeftOnly;
    if (at(Keyword::Unidirectional)) {
        const Token u = take();
        if (leftUnidirectional)
            error(u.range(), QStringLiteral("only one side of a join can be unidirectional"));
        else
            join.trigger = JoinInput::RightOnly;
    }
    if (accept(Keyword::On))
        join.on = parseExpr();
    if (at(Keyword::Within) || at(Keyword::Per))
        parseWithinPer(&join.withinStart, &join.withinEnd, &join.per);
}

void Parser::parseWithinPer(ExprPtr *start, ExprPtr *end, ExprPtr *per)
{
    expect(Keyword::Within, QStringLiteral("before the time range"));
    *start = parseExpr();
    if (accept(TokenKind::Comma))
        *end = parseExpr();
    expect(Keyword::Per, QStringLiteral("after 'within ...': the granularity, as in per 'days'"));
    *per = parseExpr();
}

void Parser::parseStateInput(InputStream &input)
{
    input.kind = InputStream::State;
    input.state = std::make_unique<StateInput>();
    int separator = 0; // 0 none, 1 '->', 2 ','
    input.state->root = parseStateChain(&separator);
    input.state->isSequence = separator == 2;
    if (at(Keyword::Within)) {
        const Token w = take();
        if (!atTimeValue())
            fail(cur(),
                 QStringLiteral("expected a time such as '10 min' after 'within', found %1")
                     .arg(describe(cur())),
                 timeHint());
        input.state->withinMs = parseTimeValue(nullptr);
        input.state->withinRange = rangeFrom(w);
    }
}

std::unique_ptr<StateElement> Parser::parseStateChain(int *separator)
{
    enter();
    std::vector<std::unique_ptr<StateElement>> items;
    items.push_back(parseStateTerm(separator));
    while (at(TokenKind::Arrow) || at(TokenKind::Comma)) {
        const Token sep = take();
        const int kind = sep.is(TokenKind::Arrow) ? 1 : 2;
        if (*separator == 0) {
            *separator = kind;
        } else if (*separator != kind) {
            error(
                sep.range(),
                QStringLiteral("a query is either a pattern ('->') or a sequence (','), not both"));
        }
        items.push_back(parseStateTerm(separator));
    }
    // Fold right: A -> B -> C is Next(A, Next(B, C)).
    std::unique_ptr<StateElement> result = std::move(items.back());
    for (int i = int(items.size()) - 2; i >= 0; --i) {
        auto next = std::make_unique<StateElement>();
        next->kind = StateElement::Next;
        next->range = SourceRange::span(items[i]->range, result->range);
        next->first = std::move(items[i]);
        next->second = std::move(result);
        result = std::move(next);
    }
    leave();
    return result;
}

std::unique_ptr<StateElement> Parser::parseStateTerm(int *separator)
{
    const Token first = cur();
    if (accept(Keyword::Every)) {
        auto every = std::make_unique<StateElement>();
        every->kind = StateElement::Every;
        if (at(TokenKind::LParen)) {
            take();
            every->first = parseStateChain(separator);
            expect(TokenKind::RParen, QStringLiteral("to close 'every ('"));
        } else {
            every->first = parseStateLogical();
        }
        every->range = rangeFrom(first);
        return every;
    }
    if (at(TokenKind::LParen)) {
        take();
        auto inner = parseStateChain(separator);
        expect(TokenKind::RParen, QStringLiteral("to close '('"));
        return inner;
    }
    return parseStateLogical();
}

std::unique_ptr<StateElement> Parser::parseStateLogical()
{
    const Token first = cur();
    auto left = parseStateCountable();
    if (at(Keyword::And) || at(Keyword::Or)) {
        const bool isAnd = take().is(Keyword::And);
        auto logical = std::make_unique<StateElement>();
        logical->kind = StateElement::Logical;
        logical->isAnd = isAnd;
        logical->first = std::move(left);
        logical->second = parseStateCountable();
        logical->range = rangeFrom(first);
        if (logical->first->kind == StateElement::Count
            || logical->second->kind == StateElement::Count)
            error(logical->range,
                  QStringLiteral("counting patterns cannot be combined with and/or"));
        return logical;
    }
    return left;
}

std::unique_ptr<StateElement> Parser::parseStateCountable()
{
    const Token first = cur();
    auto element = std::make_unique<StateElement>();
    if (accept(Keyword::Not)) {
        element->kind = StateElement::Absent;
        element->stream = parseSingleInput(false, false, QStringLiteral("in a pattern"));
        if (accept(Keyword::For)) {
            if (!atTimeValue())
                fail(cur(),
                     QStringLiteral("expected a time after 'for', found %1").arg(describe(cur())),
                     timeHint(QStringLiteral("not S for 5 min")));
            element->waitingMs = parseTimeValue(&element->forRange);
        }
        element->range = rangeFrom(first);
        return element;
    }
    element->kind = StateElement::Stream;
    QString eventRef;
    SourceRange eventRefRange;
    if (cur().isName() && peekToken(1).is(TokenKind::Assign)) {
        eventRef = parseName(QStringLiteral("an event name"), &eventRefRange, NamePos::Any);
        take(); // '='
    }
    element->stream =
        parseSingleInput(false, false, QStringLiteral("inside a pattern or sequence"));
    element->stream.eventRef = eventRef;
    element->stream.eventRefRange = eventRefRange;
    element->range = rangeFrom(first);

    int minCount = -2;
    int maxCount = -2;
    const int countStart = m_pos;
    if (accept(TokenKind::Lt)) {
        // <n:m>, <n:>, <:m>, <n>
        if (at(TokenKind::IntLiteral))
            minCount = int(parseIntLiteral(QStringLiteral("count")));
        else
            minCount = 0;
        if (accept(TokenKind::Colon)) {
            maxCount =
                at(TokenKind::IntLiteral) ? int(parseIntLiteral(QStringLiteral("count"))) : -1;
        } else {
            if (at(TokenKind::Gt) && minCount == 0
                && m_tokens[countStart + 1].is(TokenKind::IntLiteral))
                fail(m_tokens[countStart + 1], QStringLiteral("an exact count must be at least 1"),
                     QStringLiteral("<n> matches exactly n events; <0:n> matches up to n"));
            if (minCount == 0)
                fail(cur(), QStringLiteral("expected a count such as <2:5> after the stream"));
            maxCount = minCount;
        }
        expect(TokenKind::Gt, QStringLiteral("to close the count"));
    } else if (accept(TokenKind::Star)) {
        minCount = 0;
        maxCount = -1;
    } else if (accept(TokenKind::Plus)) {
        minCount = 1;
        maxCount = -1;
    } else if (accept(TokenKind::Question)) {
        minCount = 0;
        maxCount = 1;
    }
    if (minCount != -2) {
        auto count = std::make_unique<StateElement>();
        count->kind = StateElement::Count;
        count->minCount = minCount;
        count->maxCount = maxCount;
        count->range = rangeFrom(first);
        if (maxCount != -1 && maxCount < minCount)
            error(SourceRange::span(m_tokens[countStart].range(), previous().range()),
                  QStringLiteral("the count's maximum %1 is below its minimum %2")
                      .arg(maxCount)
                      .arg(minCount));
        count->first = std::move(element);
        return count;
    }
    return element;
}

void Parser::parseSelector(Selector &selector, bool allowOrderLimit)
{
    const Token first = expect(Keyword::Select, QStringLiteral("to start the selection"));
    selector.present = true;
    if (accept(TokenKind::Star)) {
        selector.star = true;
    } else {
        selector.star = false;
        for (;;) {
            OutputAttribute out;
            const Token start = cur();
            if (start.is(TokenKind::EndOfFile) || start.is(TokenKind::Semicolon))
                fail(start, QStringLiteral("expected an attribute to select, found %1")
                                .arg(describe(start)));
            if (start.kind == TokenKind::Keyword && !start.is(Keyword::Not)
                && !start.is(Keyword::Null) && !start.is(Keyword::True) && !start.is(Keyword::False)
                && !startsOperand(0))
                fail(start, QStringLiteral("expected an attribute to select, found %1")
                                .arg(describe(start)));
            out.expr = parseExpr();
            if (accept(Keyword::As)) {
                out.rename = parseName(QStringLiteral("a name after 'as'"), &out.renameRange,
                                       NamePos::Rename);
            } else if (out.expr->kind != ExprKind::Variable) {
                error(out.expr->range, QStringLiteral("a computed attribute needs a name"),
                      QStringLiteral("add 'as <name>' after it"));
            }
            selector.attributes.push_back(std::move(out));
            if (accept(TokenKind::Comma))
                continue;
            break;
        }
    }
    if (at(Keyword::Group)) {
        take();
        expect(Keyword::By, QStringLiteral("after 'group'"));
        for (;;) {
            selector.groupBy.push_back(parseReference());
            if (!accept(TokenKind::Comma))
                break;
        }
    }
    if (at(Keyword::Having)) {
        const Token having = take();
        ExprPtr condition = parseExpr();
        if (allowOrderLimit) {
            selector.having = std::move(condition);
        } else {
            // Siddhi's aggregation definition takes select and group by only.
            error(SourceRange::span(having.range(), condition->range),
                  QStringLiteral("an aggregation has no 'having'"),
                  QStringLiteral("filter the aggregated values where the aggregation is read: "
                                 "in the join or on-demand query"));
        }
    }
    if (allowOrderLimit) {
        if (at(Keyword::Order)) {
            take();
            expect(Keyword::By, QStringLiteral("after 'order'"));
            for (;;) {
                OrderByItem item;
                item.variable = parseReference();
                if (accept(Keyword::Desc))
                    item.descending = true;
                else
                    accept(Keyword::Asc);
                selector.orderBy.push_back(std::move(item));
                if (!accept(TokenKind::Comma))
                    break;
            }
        }
        if (accept(Keyword::Limit))
            selector.limit = parseExpr();
        if (accept(Keyword::Offset))
            selector.offset = parseExpr();
    }
    selector.range = rangeFrom(first);
}

void Parser::parseOutputRate(OutputRate &rate)
{
    const Token first = take(); // output
    if (accept(Keyword::Snapshot)) {
        rate.kind = OutputRate::Snapshot;
        expect(Keyword::Every, QStringLiteral("after 'output snapshot'"));
        if (!atTimeValue())
            fail(cur(),
                 QStringLiteral("expected a time after 'output snapshot every', found %1")
                     .arg(describe(cur())),
                 timeHint(QStringLiteral("output snapshot every 5 sec")));
        rate.value = parseTimeValue(nullptr);
        rate.range = rangeFrom(first);
        return;
    }
    if (accept(Keyword::All))
        rate.type = OutputRate::All;
    else if (accept(Keyword::First))
        rate.type = OutputRate::First;
    else if (accept(Keyword::Last))
        rate.type = OutputRate::Last;
    expect(Keyword::Every, QStringLiteral("in the output rate"));
    if (atTimeValue()) {
        rate.kind = OutputRate::Time;
        rate.value = parseTimeValue(nullptr);
    } else if (at(TokenKind::IntLiteral)) {
        rate.kind = OutputRate::Events;
        rate.value = parseIntLiteral(QStringLiteral("number of events"));
        expect(Keyword::Events, QStringLiteral("after the number of events"));
        if (rate.value <= 0)
            error(rangeFrom(first), QStringLiteral("the output rate must be at least 1 event"));
    } else {
        fail(cur(), QStringLiteral("expected '<n> events' or a time after 'every', found %1")
                        .arg(describe(cur())));
    }
    rate.range = rangeFrom(first);
}

OutputEventType Parser::parseOutputEventType(bool *given)
{
    *given = false;
    if (at(Keyword::All) && peekToken(1).is(Keyword::Events)) {
        take();
        take();
        *given = true;
        return OutputEventType::All;
    }
    if (at(Keyword::Expired) && peekToken(1).is(Keyword::Events)) {
        take();
        take();
        *given = true;
        return OutputEventType::Expired;
    }
    if (at(Keyword::Current) && peekToken(1).is(Keyword::Events)) {
        take();
        take();
        *given = true;
        return OutputEventType::Current;
    }
    if (accept(Keyword::Events)) {
        *given = true;
        return OutputEventType::Current;
    }
    if (at(Keyword::All) || at(Keyword::Expired) || at(Keyword::Current))
        fail(peekToken(1), QStringLiteral("expected 'events' after %1").arg(describe(cur())));
    return OutputEventType::Current;
}

void Parser::parseSetClause(QueryOutput &output)
{
    if (!accept(Keyword::Set))
        return;
    output.hasSet = true;
    for (;;) {
        SetAssignment a;
        a.target = parseReference();
        expect(TokenKind::Assign, QStringLiteral("in the set clause"));
        a.value = parseExpr();
        output.set.push_back(std::move(a));
        if (!accept(TokenKind::Comma))
            break;
    }
}

void Parser::parseQueryOutput(QueryOutput &output, bool allowReturn)
{
    const Token first = cur();
    auto forEvents = [&] {
        if (accept(Keyword::For)) {
            bool given = false;
            output.eventType = parseOutputEventType(&given);
            output.eventTypeGiven = given;
            if (!given)
                fail(cur(), QStringLiteral("expected 'current events', 'expired events' or 'all "
                                           "events' after 'for', found %1")
                                .arg(describe(cur())));
        }
    };
    if (accept(Keyword::Insert)) {
        output.kind = QueryOutput::Insert;
        bool given = false;
        output.eventType = parseOutputEventType(&given);
        output.eventTypeGiven = given;
        expect(Keyword::Into, QStringLiteral("after 'insert'"));
        output.target =
            parseSourceRef(QStringLiteral("a stream or table name after 'insert into'"));
    } else if (accept(Keyword::Delete)) {
        output.kind = QueryOutput::Delete;
        output.target = parseSourceRef(QStringLiteral("a table name after 'delete'"));
        forEvents();
        if (accept(Keyword::On))
            output.on = parseExpr();
    } else if (at(Keyword::Update) && peekToken(1).is(Keyword::Or)) {
        take();
        take();
        expect(Keyword::Insert, QStringLiteral("after 'update or'"));
        expect(Keyword::Into, QStringLiteral("after 'update or insert'"));
        output.kind = QueryOutput::UpdateOrInsert;
        output.target =
            parseSourceRef(QStringLiteral("a table name after 'update or insert into'"));
        forEvents();
        parseSetClause(output);
        expect(Keyword::On, QStringLiteral("with the condition that finds the rows to update"));
        output.on = parseExpr();
    } else if (accept(Keyword::Update)) {
        output.kind = QueryOutput::Update;
        output.target = parseSourceRef(QStringLiteral("a table name after 'update'"));
        forEvents();
        parseSetClause(output);
        expect(Keyword::On, QStringLiteral("with the condition that finds the rows to update"));
        output.on = parseExpr();
    } else if (at(Keyword::Return)) {
        const Token r = take();
        output.kind = QueryOutput::Return;
        bool given = false;
        output.eventType = parseOutputEventType(&given);
        output.eventTypeGiven = given;
        if (!allowReturn && !at(TokenKind::Semicolon) && !at(TokenKind::EndOfFile)
            && !at(Keyword::End) && !startsStatement(cur()))
            fail(cur(), QStringLiteral("unexpected %1 after 'return'").arg(describe(cur())));
        Q_UNUSED(r);
    } else {
        QString hint = QStringLiteral("a query ends with 'insert into <stream>', 'delete', "
                                      "'update', 'update or insert into' or 'return'");
        if (at(TokenKind::EndOfFile) || at(TokenKind::Semicolon) || startsStatement(cur()))
            fail(cur(),
                 QStringLiteral("the query has no output: expected 'insert into', found %1")
                     .arg(describe(cur())),
                 hint);
        if (at(TokenKind::LBracket) || at(TokenKind::Hash))
            hint = QStringLiteral("filters and windows go right after the stream name");
        fail(cur(),
             QStringLiteral("expected 'insert into' or another clause of the query, found %1")
                 .arg(describe(cur())),
             hint);
    }
    output.range = rangeFrom(first);
}

std::unique_ptr<Partition> Parser::parsePartition(QList<Annotation> annotations)
{
    auto partition = std::make_unique<Partition>();
    partition->annotations = std::move(annotations);
    const Token first = take(); // partition
    expect(Keyword::With, QStringLiteral("after 'partition'"));
    expect(TokenKind::LParen, QStringLiteral("after 'partition with'"));
    for (;;) {
        PartitionWith with;
        const Token start = cur();
        ExprPtr expr = parseExpr();
        if (at(Keyword::As)) {
            RangeCondition rc;
            rc.condition = std::move(expr);
            for (;;) {
                expect(Keyword::As, QStringLiteral("after the range condition"));
                const Token label =
                    expect(TokenKind::StringLiteral, QStringLiteral("as the range's label"));
                rc.label = Lexer::stringValue(m_src, label);
                rc.labelRange = label.range();
                with.ranges.push_back(std::move(rc));
                if (!accept(Keyword::Or))
                    break;
                rc = RangeCondition();
                rc.condition = parseExpr();
            }
        } else {
            with.value = std::move(expr);
        }
        expect(Keyword::Of, QStringLiteral("before the partitioned stream, as in 'symbol of "
                                           "StockStream'"));
        with.stream = parseSourceRef(QStringLiteral("a stream name after 'of'"));
        with.range = rangeFrom(start);
        partition->withs.push_back(std::move(with));
        if (!accept(TokenKind::Comma))
            break;
    }
    expect(TokenKind::RParen, QStringLiteral("to close 'partition with ('"));
    expect(Keyword::Begin, QStringLiteral("before the partition's queries"));
    while (!at(Keyword::End) && !at(TokenKind::EndOfFile)) {
        if (accept(TokenKind::Semicolon))
            continue;
        const int start = m_pos;
        const int depthBefore = m_depth;
        try {
            QList<Annotation> queryAnnotations = parseAnnotations();
            if (!at(Keyword::From)) {
                fail(cur(),
                     QStringLiteral("expected a query or 'end' in the partition, found %1")
                         .arg(describe(cur())),
                     at(Keyword::Define) ? QStringLiteral("definitions go outside partitions")
                                         : QString());
            }
            partition->queries.push_back(parseQuery(std::move(queryAnnotations), 0));
            if (!accept(TokenKind::Semicolon) && !at(Keyword::End)) {
                if (at(Keyword::From) || at(TokenKind::At))
                    error(previous().range(),
                          QStringLiteral("missing ';' after the query, before %1")
                              .arg(describe(cur())));
                else
                    fail(cur(), QStringLiteral("unexpected %1 after the end of the query")
                                    .arg(describe(cur())));
            }
        } catch (const Abort &) {
            m_depth = depthBefore;
            const bool advanced = m_pos > start;
            if (!advanced)
                take();
            synchronize(true, advanced);
            if (at(TokenKind::EndOfFile) || at(Keyword::Define) || at(Keyword::Partition))
                break;
        }
    }
    if (!at(Keyword::End)) {
        error(first.range(), QStringLiteral("the partition has no 'end'"),
              QStringLiteral("close the partition with 'end;'"));
        partition->range = rangeFrom(first);
        return partition;
    }
    take();
    partition->range = rangeFrom(first);
    return partition;
}

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr Parser::parseStandaloneExpression()
{
    try {
        ExprPtr e = parseExpr();
        if (!at(TokenKind::EndOfFile))
            fail(cur(), QStringLiteral("unexpected %1 after the expression").arg(describe(cur())));
        return e;
    } catch (const Abort &) {
        return nullptr;
    }
}

namespace {

// Precedences as in Siddhi's grammar: or < and < in < equality < comparison < additive <
// multiplicative. 0 means "not a binary operator".
int precedence(const Token &t, BinaryOp *op)
{
    switch (t.kind) {
    case TokenKind::Keyword:
        if (t.keyword == Keyword::Or) {
            *op = BinaryOp::Or;
            return 1;
        }
        if (t.keyword == Keyword::And) {
            *op = BinaryOp::And;
            return 2;
        }
        if (t.keyword == Keyword::In)
            return 3;
        return 0;
    case TokenKind::EqEq:
        *op = BinaryOp::Eq;
        return 4;
    case TokenKind::NotEq:
        *op = BinaryOp::NotEq;
        return 4;
    case TokenKind::Lt:
        *op = BinaryOp::Lt;
        return 5;
    case TokenKind::LtEq:
        *op = BinaryOp::LtEq;
        return 5;
    case TokenKind::Gt:
        *op = BinaryOp::Gt;
        return 5;
    case TokenKind::GtEq:
        *op = BinaryOp::GtEq;
        return 5;
    case TokenKind::Plus:
        *op = BinaryOp::Add;
        return 6;
    case TokenKind::Minus:
        *op = BinaryOp::Sub;
        return 6;
    case TokenKind::Star:
        *op = BinaryOp::Mul;
        return 7;
    case TokenKind::Slash:
        *op = BinaryOp::Div;
        return 7;
    case TokenKind::Percent:
        *op = BinaryOp::Mod;
        return 7;
    default:
        return 0;
    }
}

} // namespace

ExprPtr Parser::parseExpr(int minPrecedence)
{
    enter();
    ExprPtr lhs = parseUnary();
    for (;;) {
        BinaryOp op = BinaryOp::And;
        const int prec = precedence(cur(), &op);
        if (prec == 0 || prec < minPrecedence)
            break;
        const Token opToken = take();
        if (opToken.is(Keyword::In)) {
            auto in = makeExpr(ExprKind::In, lhs->range);
            in->table = parseName(QStringLiteral("a table name after 'in'"), &in->tableRange);
            in->lhs = std::move(lhs);
            in->range = SourceRange::span(in->lhs->range, in->tableRange);
            lhs = std::move(in);
            continue;
        }
        if (at(TokenKind::EndOfFile) || at(TokenKind::RParen) || at(TokenKind::RBracket)
            || at(TokenKind::Semicolon) || at(TokenKind::Comma))
            fail(cur(), QStringLiteral("expected an operand after '%1', found %2")
                            .arg(QString::fromLatin1(binaryOpSpelling(op)), describe(cur())));
        ExprPtr rhs = parseExpr(prec + 1);
        auto bin = makeExpr(ExprKind::Binary, SourceRange::span(lhs->range, rhs->range));
        bin->op = op;
        bin->lhs = std::move(lhs);
        bin->rhs = std::move(rhs);
        lhs = std::move(bin);
    }
    leave();
    return lhs;
}

ExprPtr Parser::parseUnary()
{
    const Token first = cur();
    if (accept(Keyword::Not)) {
        enter();
        auto e = makeExpr(ExprKind::Not, first.range());
        e->lhs = parseUnary();
        e->range = SourceRange::span(first.range(), e->lhs->range);
        leave();
        return e;
    }
    if ((at(TokenKind::Minus) || at(TokenKind::Plus))) {
        const Token sign = cur();
        const Token &n = peekToken(1);
        if (n.kind == TokenKind::IntLiteral || n.kind == TokenKind::LongLiteral
            || n.kind == TokenKind::FloatLiteral || n.kind == TokenKind::DoubleLiteral) {
            take();
            return parseNumber(sign.is(TokenKind::Minus), sign);
        }
        take();
        enter();
        ExprPtr operand = parseUnary();
        leave();
        if (sign.is(TokenKind::Plus))
            return operand;
        auto e = makeExpr(ExprKind::Negate, SourceRange::span(sign.range(), operand->range));
        e->lhs = std::move(operand);
        return e;
    }
    ExprPtr e = parsePrimary();
    if (at(Keyword::Is)) {
        const Token is = take();
        const bool negated = accept(Keyword::Not);
        expect(Keyword::Null, QStringLiteral("after 'is'"));
        if (e->kind != ExprKind::Variable && e->kind != ExprKind::StreamRef
            && e->kind != ExprKind::Function)
            error(is.range(), QStringLiteral("'is null' applies to an attribute, an event or a "
                                             "function call"));
        auto isNull = makeExpr(ExprKind::IsNull, rangeFrom(e->range));
        isNull->lhs = std::move(e);
        if (!negated)
            return isNull;
        auto n = makeExpr(ExprKind::Not, isNull->range);
        n->lhs = std::move(isNull);
        return n;
    }
    if (e->kind == ExprKind::StreamRef)
        fail(cur(),
             QStringLiteral("expected '.<attribute>' or 'is null' after the event reference %1")
                 .arg(q(e->stream)));
    return e;
}

qint64 Parser::parseIntLiteral(const QString &context)
{
    const Token t = take();
    bool ok = false;
    QByteArrayView digits = m_src.sliced(t.offset, t.length);
    if (t.kind == TokenKind::LongLiteral)
        digits.chop(1);
    const qint64 v = digits.toLongLong(&ok);
    if (!ok || v > std::numeric_limits<int>::max()) {
        error(t.range(), QStringLiteral("the %1 %2 is too large").arg(context, describe(t)));
        return std::numeric_limits<int>::max();
    }
    return v;
}

ExprPtr Parser::parseNumber(bool negative, const Token &signToken)
{
    const Token t = take();
    const SourceRange range = negative || signToken.kind == TokenKind::Plus
                                  ? SourceRange::span(signToken.range(), t.range())
                                  : t.range();
    auto e = makeExpr(ExprKind::Constant, range);
    QByteArray digits = m_src.sliced(t.offset, t.length).toByteArray();
    if (t.kind == TokenKind::LongLiteral || t.kind == TokenKind::FloatLiteral
        || (t.kind == TokenKind::DoubleLiteral && (digits.endsWith('d') || digits.endsWith('D'))))
        digits.chop(1);
    if (negative)
        digits.prepend('-');
    bool ok = false;
    switch (t.kind) {
    case TokenKind::IntLiteral: {
        const qint64 v = digits.toLongLong(&ok);
        if (!ok || v > std::numeric_limits<int>::max() || v < std::numeric_limits<int>::min()) {
            // A time value (5 sec) is an int literal followed by a unit.
            error(
                range,
                QStringLiteral("the number %1 does not fit an int")
                    .arg(QString::fromLatin1(digits)),
                QStringLiteral("add 'L' to make it a long: %1L").arg(QString::fromLatin1(digits)));
        }
        e->constant.type = AttrType::Int;
        e->constant.intValue = v;
        break;
    }
    case TokenKind::LongLiteral: {
        const qint64 v = digits.toLongLong(&ok);
        if (!ok)
            error(range, QStringLiteral("the number %1 does not fit a long")
                             .arg(QString::fromLatin1(digits)));
        e->constant.type = AttrType::Long;
        e->constant.intValue = v;
        break;
    }
    case TokenKind::FloatLiteral:
        e->constant.type = AttrType::Float;
        e->constant.doubleValue = double(digits.toFloat(&ok));
        break;
    default:
        e->constant.type = AttrType::Double;
        e->constant.doubleValue = digits.toDouble(&ok);
        break;
    }
    return e;
}

// A hint for a place that expects a time value but has something else: a number without a unit,
// or a time in quotes.
QString Parser::timeHint(const QString &example) const
{
    const Token &t = cur();
    if (t.is(TokenKind::IntLiteral) || t.is(TokenKind::LongLiteral)) {
        return QStringLiteral("add a unit: %1 sec, %1 min, %1 hour ...")
            .arg(QString::fromUtf8(m_src.sliced(t.offset, t.length)));
    }
    if (t.is(TokenKind::StringLiteral)) {
        const QString value = Lexer::stringValue(m_src, t).trimmed();
        const QList<Token> inner = Lexer::tokenize(value.toUtf8(), nullptr);
        if (inner.size() >= 3 && inner[0].is(TokenKind::IntLiteral)
            && inner[1].kind == TokenKind::Keyword && timeUnitMillis(inner[1].keyword) > 0)
            return QStringLiteral("a time is written without quotes: %1").arg(value);
    }
    return example.isEmpty() ? QString() : QStringLiteral("for example: %1").arg(example);
}

bool Parser::atTimeValue() const
{
    return (at(TokenKind::IntLiteral) || at(TokenKind::LongLiteral))
           && peekToken(1).kind == TokenKind::Keyword && timeUnitMillis(peekToken(1).keyword) > 0;
}

qint64 Parser::parseTimeValue(SourceRange *range)
{
    const Token first = cur();
    qint64 total = 0;
    Keyword lastUnit = Keyword::None;
    for (;;) {
        const Token n = take();
        const Token unit = take();
        QByteArrayView digits = m_src.sliced(n.offset, n.length);
        if (n.kind == TokenKind::LongLiteral)
            digits.chop(1);
        bool ok = false;
        const qint64 v = digits.toLongLong(&ok);
        const qint64 millis = timeUnitMillis(unit.keyword);
        if (!ok || v > std::numeric_limits<qint64>::max() / millis) {
            error(SourceRange::span(n.range(), unit.range()),
                  QStringLiteral("the time is too long"));
        } else {
            total += v * millis;
        }
        if (lastUnit != Keyword::None && timeUnitMillis(lastUnit) <= millis)
            error(unit.range(), QStringLiteral("time units must go from the largest to the "
                                               "smallest, as in '1 hour and 25 min'"));
        lastUnit = unit.keyword;
        if (atTimeValue())
            continue;
        if (at(Keyword::And) && (peekToken(1).kind == TokenKind::IntLiteral)
            && peekToken(2).kind == TokenKind::Keyword
            && timeUnitMillis(peekToken(2).keyword) > 0) {
            take();
            continue;
        }
        break;
    }
    if (range)
        *range = rangeFrom(first);
    return total;
}

ExprPtr Parser::parsePrimary()
{
    const Token t = cur();
    switch (t.kind) {
    case TokenKind::LParen: {
        take();
        enter();
        ExprPtr inner = parseExpr();
        leave();
        expect(TokenKind::RParen, QStringLiteral("to close '('"));
        inner->range = rangeFrom(t);
        return inner;
    }
    case TokenKind::IntLiteral:
    case TokenKind::LongLiteral: {
        if (atTimeValue()) {
            auto e = makeExpr(ExprKind::Constant, t.range());
            e->constant.type = AttrType::Long;
            e->constant.isTime = true;
            e->constant.intValue = parseTimeValue(&e->range);
            return e;
        }
        return parseNumber(false, t);
    }
    case TokenKind::FloatLiteral:
    case TokenKind::DoubleLiteral:
        return parseNumber(false, t);
    case TokenKind::StringLiteral:
    case TokenKind::TripleString: {
        abortIfUnterminated(t);
        take();
        auto e = makeExpr(ExprKind::Constant, t.range());
        e->constant.type = AttrType::String;
        e->constant.stringValue = Lexer::stringValue(m_src, t);
        return e;
    }
    case TokenKind::Keyword:
        if (t.keyword == Keyword::True || t.keyword == Keyword::False) {
            take();
            auto e = makeExpr(ExprKind::Constant, t.range());
            e->constant.type = AttrType::Bool;
            e->constant.boolValue = t.keyword == Keyword::True;
            return e;
        }
        if (t.keyword == Keyword::Null) {
            take();
            auto e = makeExpr(ExprKind::Constant, t.range());
            e->constant.type = AttrType::Object;
            e->constant.isNull = true;
            return e;
        }
        if (!startsOperand(0))
            fail(t, QStringLiteral("expected an expression, found %1").arg(describe(t)));
        return parseReference();
    case TokenKind::Identifier:
    case TokenKind::QuotedIdentifier:
    case TokenKind::Hash:
    case TokenKind::Bang:
        return parseReference();
    case TokenKind::EndOfFile:
        fail(t, QStringLiteral("expected an expression, found the end of the file"));
    default:
        break;
    }
    fail(t, QStringLiteral("expected an expression, found %1").arg(describe(t)));
}

EventIndex Parser::parseEventIndex()
{
    EventIndex index;
    index.present = true;
    take(); // [
    if (accept(Keyword::Last)) {
        index.fromLast = true;
        if (accept(TokenKind::Minus)) {
            if (!at(TokenKind::IntLiteral))
                fail(cur(), QStringLiteral("expected a number after 'last -'"));
            index.value = int(parseIntLiteral(QStringLiteral("index")));
        }
    } else if (at(TokenKind::IntLiteral)) {
        index.value = int(parseIntLiteral(QStringLiteral("index")));
    } else {
        fail(cur(), QStringLiteral("expected an event index such as [0] or [last], found %1")
                        .arg(describe(cur())));
    }
    expect(TokenKind::RBracket, QStringLiteral("to close the event index"));
    return index;
}

ExprPtr Parser::parseReference()
{
    const Token first = cur();
    // Function call: name(...) or ns:name(...)
    if (canBeName(first) || first.kind == TokenKind::Keyword) {
        const Token &n1 = peekToken(1);
        if (n1.is(TokenKind::LParen)
            || (n1.is(TokenKind::Colon) && peekToken(2).isName()
                && peekToken(3).is(TokenKind::LParen))) {
            auto e = makeExpr(ExprKind::Function, first.range());
            parseCall(e->call, QString());
            e->range = e->call.range;
            return e;
        }
    }
    auto e = makeExpr(ExprKind::Variable, first.range());
    bool qualified = false;
    if (accept(TokenKind::Hash)) {
        e->streamInner = true;
        qualified = true;
    } else if (accept(TokenKind::Bang)) {
        e->streamFault = true;
        qualified = true;
    }
    SourceRange nameRange;
    // A keyword followed by '.', '[' or '#' can only be a stream or event name.
    const Token &after = peekToken(1);
    const bool qualifiedNext =
        after.is(TokenKind::Dot) || after.is(TokenKind::LBracket) || after.is(TokenKind::Hash);
    const QString name1 = parseName(
        QStringLiteral("an attribute or stream name"), &nameRange,
        qualified || qualifiedNext || startsOperand(0) ? NamePos::Any : NamePos::Expression);
    if (at(TokenKind::LBracket)) {
        e->index = parseEventIndex();
        qualified = true;
    }
    QString name = name1;
    if (at(TokenKind::Hash) && peekToken(1).isName()) {
        // e1#e2.attr (nested references in Siddhi's grammar)
        take();
        SourceRange second;
        name += u'#' + parseName(QStringLiteral("a name after '#'"), &second, NamePos::Any);
        nameRange = SourceRange::span(nameRange, second);
        if (at(TokenKind::LBracket))
            e->index = parseEventIndex();
        qualified = true;
    }
    if (accept(TokenKind::Dot)) {
        e->stream = name;
        e->streamRange = nameRange;
        e->attribute = parseName(QStringLiteral("an attribute name after '.'"), &e->attributeRange,
                                 NamePos::Any);
    } else if (qualified) {
        e->kind = ExprKind::StreamRef;
        e->stream = name;
        e->streamRange = nameRange;
        if (!at(Keyword::Is))
            fail(cur(), QStringLiteral("expected '.<attribute>' after %1, found %2")
                            .arg(q(QString::fromUtf8(
                                     m_src.sliced(first.offset, previous().end() - first.offset))),
                                 describe(cur())));
    } else {
        e->attribute = name;
        e->attributeRange = nameRange;
    }
    e->range = rangeFrom(first);
    return e;
}

void Parser::parseCall(Call &call, const QString &context)
{
    const Token first = cur();
    SourceRange r1;
    QString name =
        parseName(QStringLiteral("a function name %1").arg(context).trimmed(), &r1, NamePos::Any);
    if (accept(TokenKind::Colon)) {
        call.ns = name;
        SourceRange r2;
        name = parseName(QStringLiteral("a function name after '%1:'").arg(call.ns), &r2,
                         NamePos::Any);
        call.nameRange = SourceRange::span(r1, r2);
    } else {
        call.nameRange = r1;
    }
    call.name = name;
    expect(TokenKind::LParen, QStringLiteral("after %1").arg(q(call.qualifiedName())));
    if (accept(TokenKind::Star)) {
        call.starArgument = true;
    } else if (!at(TokenKind::RParen)) {
        for (;;) {
            call.args.push_back(parseExpr());
            if (!accept(TokenKind::Comma))
                break;
        }
    }
    expect(TokenKind::RParen,
           QStringLiteral("to close the arguments of %1").arg(q(call.qualifiedName())));
    call.range = rangeFrom(first);
}

// ---------------------------------------------------------------------------------------------
// On-demand queries

std::unique_ptr<OnDemandQuery> Parser::parseOnDemandQuery()
{
    auto query = std::make_unique<OnDemandQuery>();
    const Token first = cur();
    try {
        if (accept(Keyword::From)) {
            query->kind = OnDemandQuery::Find;
            query->input = parseSourceRef(QStringLiteral("a table, window or aggregation name"));
            if (accept(Keyword::As))
                query->alias =
                    parseName(QStringLiteral("a name after 'as'"), nullptr, NamePos::Rename);
            if (accept(Keyword::On))
                query->on = parseExpr();
            if (at(Keyword::Within))
                parseWithinPer(&query->withinStart, &query->withinEnd, &query->per);
            if (at(TokenKind::Semicolon) && peekToken(1).is(Keyword::Select)) {
                // "from T on roomNo >= 10; select roomNo, type", as in the Siddhi 5.1 guide:
                // Siddhi rejects the ';', but nothing else can be meant.
                if (m_diagnostics)
                    m_diagnostics->warning(
                        cur().range(), QStringLiteral("';' before 'select' in an on-demand query"),
                        QStringLiteral("Siddhi rejects it: the query ends after its selection"));
                take();
            }
            if (at(Keyword::Select))
                parseSelector(query->selector, true);
            if (at(Keyword::Delete) || at(Keyword::Update) || at(Keyword::Insert)) {
                parseQueryOutput(query->output, false);
                switch (query->output.kind) {
                case QueryOutput::Delete:
                    query->kind = OnDemandQuery::Delete;
                    break;
                case QueryOutput::Update:
                    query->kind = OnDemandQuery::Update;
                    break;
                case QueryOutput::UpdateOrInsert:
                    query->kind = OnDemandQuery::UpdateOrInsert;
                    break;
                default:
                    query->kind = OnDemandQuery::Insert;
                    break;
                }
            }
        } else {
            if (at(Keyword::Select))
                parseSelector(query->selector, true);
            parseQueryOutput(query->output, false);
            switch (query->output.kind) {
            case QueryOutput::Insert:
                query->kind = OnDemandQuery::Insert;
                break;
            case QueryOutput::Delete:
                query->kind = OnDemandQuery::Delete;
                break;
            case QueryOutput::Update:
                query->kind = OnDemandQuery::Update;
                break;
            case QueryOutput::UpdateOrInsert:
                query->kind = OnDemandQuery::UpdateOrInsert;
                break;
            case QueryOutput::Return:
                fail(first, QStringLiteral("an on-demand query cannot 'return'"));
            }
        }
        accept(TokenKind::Semicolon);
        if (!at(TokenKind::EndOfFile))
            fail(cur(), QStringLiteral("unexpected %1 after the end of the on-demand query")
                            .arg(describe(cur())));
    } catch (const Abort &) {
        return nullptr;
    }
    query->range = rangeFrom(first);
    return query;
}

} // namespace Rivulet::Lang
