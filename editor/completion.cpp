#include "completion.h"

#include "nameindex.h"

#include "engine/lang/annotations.h"
#include "engine/lang/keywords.h"
#include "engine/lang/lexer.h"
#include "engine/lang/registry.h"

#include <QSet>

#include <optional>

namespace Rivulet::Editor {

using Lang::BuiltinKind;
using Lang::BuiltinSpec;
using Lang::Keyword;
using Lang::Lexer;
using Lang::Registry;
using Lang::SchemaKind;
using Lang::Token;
using Lang::TokenKind;

QStringList CompletionResult::texts() const
{
    QStringList out;
    out.reserve(items.size());
    for (const CompletionItem &item : items)
        out << item.text;
    return out;
}

QString completionKindName(CompletionKind kind)
{
    switch (kind) {
    case CompletionKind::Keyword:
        return QStringLiteral("keyword");
    case CompletionKind::Stream:
        return QStringLiteral("stream");
    case CompletionKind::Attribute:
        return QStringLiteral("attribute");
    case CompletionKind::Reference:
        return QStringLiteral("reference");
    case CompletionKind::Function:
        return QStringLiteral("function");
    case CompletionKind::Aggregate:
        return QStringLiteral("aggregate");
    case CompletionKind::Window:
        return QStringLiteral("window");
    case CompletionKind::StreamProcessor:
        return QStringLiteral("stream processor");
    case CompletionKind::Namespace:
        return QStringLiteral("namespace");
    case CompletionKind::Annotation:
        return QStringLiteral("annotation");
    case CompletionKind::AnnotationKey:
        return QStringLiteral("annotation key");
    case CompletionKind::Value:
        return QStringLiteral("value");
    case CompletionKind::Type:
        return QStringLiteral("type");
    }
    return {};
}

namespace {

const Registry &registry()
{
    return Registry::builtins();
}

// The app's names: those of the last analysis (which knows inferred streams' attributes and,
// from its own token scan, the definitions that did not parse), or, before there is one, a
// token scan of the text as it is now.
class Names
{
public:
    Names(const NameIndex *analysis, QByteArrayView text)
    {
        if (!analysis)
            m_fresh = NameIndex::fromTokens(text);
        m_index = analysis ? analysis : &*m_fresh;
    }

    const NamedSchema *schema(const QString &name) const { return m_index->schema(name); }
    QList<const NamedSchema *> all() const
    {
        QList<const NamedSchema *> out;
        for (const NamedSchema &s : m_index->schemas())
            out << &s;
        return out;
    }
    QStringList functions() const { return m_index->functionNames(); }

private:
    std::optional<NameIndex> m_fresh;
    const NameIndex *m_index = nullptr;
};

QString schemaKindText(const NamedSchema &s)
{
    QString kind = Lang::schemaKindName(s.kind);
    if (s.inferred)
        kind += QStringLiteral(" (from a query)");
    return kind;
}

QString attributeList(const NamedSchema &s)
{
    QStringList parts;
    for (const Lang::AttributeInfo &a : s.attributes)
        parts << a.name + u' ' + Lang::typeName(a.type);
    return parts.join(QStringLiteral(", "));
}

class Items
{
public:
    explicit Items(const QString &prefix)
        : m_prefix(prefix)
    {}

    void add(const QString &text, CompletionKind kind, const QString &detail = {})
    {
        if (text.isEmpty() || !text.startsWith(m_prefix, Qt::CaseInsensitive)
            || m_seen.contains(text))
            return;
        m_seen.insert(text);
        m_items << CompletionItem{text, kind, detail};
    }
    void keyword(Keyword k)
    {
        const Lang::KeywordInfo &info = Lang::keywordInfo(k);
        add(QString::fromLatin1(info.canonical), CompletionKind::Keyword,
            QString::fromUtf8(info.doc));
    }
    void keywords(std::initializer_list<Keyword> ks)
    {
        for (Keyword k : ks)
            keyword(k);
    }
    void keywordsOf(Lang::KeywordCategory category)
    {
        for (const Lang::KeywordInfo &info : Lang::keywordTable()) {
            if (info.category == category)
                keyword(info.keyword);
        }
    }
    void builtins(BuiltinKind kind, CompletionKind as, const QString &ns = {})
    {
        for (const BuiltinSpec *s : registry().all(kind)) {
            if (s->ns.compare(ns, Qt::CaseInsensitive) == 0)
                add(s->name, as, s->signature() + QStringLiteral(": ") + s->doc);
        }
    }
    QList<CompletionItem> take() { return std::move(m_items); }

private:
    QString m_prefix;
    QSet<QString> m_seen;
    QList<CompletionItem> m_items;
};

// The tokens from start up to the one the position is in or right after (and one more).
QList<Token> tokensBefore(QByteArrayView text, int position, const ScanStart &start,
                          Lexer::Option option)
{
    Lexer lexer(text, option);
    if (start.offset > 0 && start.offset <= text.size())
        lexer.reset(start.offset, start.line, 1);
    QList<Token> tokens;
    for (;;) {
        const Token t = lexer.next();
        tokens << t;
        if (t.kind == TokenKind::EndOfFile || t.offset >= position)
            break;
    }
    return tokens;
}

const Token &noToken()
{
    static const Token none;
    return none;
}

struct OpenAnnotation
{
    QString name;
    int depth = 0; // the paren depth of its '('
    int open = 0;  // index of its '(' in the statement
};

// The names of the first count open annotations, joined as an annotation path: "sink.map".
QString annotationPath(const QList<OpenAnnotation> &open, qsizetype count)
{
    QStringList names;
    for (qsizetype i = 0; i < count && i < open.size(); ++i)
        names << open[i].name;
    return names.join(u'.');
}

enum class Clause {
    Start,
    Define,
    From,
    Join,
    On,
    Within,
    Select,
    GroupBy,
    Having,
    OrderBy,
    Limit,
    Output,
    Insert,
    Target, // delete/update <table>
    Set,
    Return,
    Aggregate,
    Partition,
};

struct ScopeEntry
{
    QString reference; // alias, event reference or the stream's own name
    QString schema;
};

// Everything the completion looks at: the statement's significant tokens before the word at
// the cursor.
class Context
{
public:
    explicit Context(QByteArrayView text)
        : m_text(text)
    {}

    void setTokens(QList<Token> statement) { m_tokens = std::move(statement); }
    const Token &back(int k) const
    {
        const qsizetype i = m_tokens.size() - 1 - k;
        return i >= 0 ? m_tokens[i] : noToken();
    }
    const QList<Token> &tokens() const { return m_tokens; }
    QString text(const Token &t) const
    {
        return t.kind == TokenKind::EndOfFile ? QString() : Lexer::tokenText(m_text, t);
    }
    bool textIs(const Token &t, const char *word) const
    {
        return text(t).compare(QLatin1String(word), Qt::CaseInsensitive) == 0;
    }

    // Annotations whose '(' is open at the cursor, outermost first.
    QList<OpenAnnotation> openAnnotations() const
    {
        QList<OpenAnnotation> stack;
        int depth = 0;
        QString pending;
        for (qsizetype i = 0; i < m_tokens.size(); ++i) {
            const Token &t = m_tokens[i];
            if (t.is(TokenKind::At) && i + 1 < m_tokens.size() && m_tokens[i + 1].isName()) {
                pending = text(m_tokens[i + 1]);
                ++i;
                if (i + 2 < m_tokens.size() && m_tokens[i + 1].is(TokenKind::Colon)
                    && m_tokens[i + 2].isName()) {
                    pending += u':' + text(m_tokens[i + 2]);
                    i += 2;
                }
                continue;
            }
            if (t.is(TokenKind::LParen)) {
                ++depth;
                if (!pending.isEmpty())
                    stack << OpenAnnotation{pending, depth, int(i)};
            } else if (t.is(TokenKind::RParen)) {
                if (!stack.isEmpty() && stack.constLast().depth == depth)
                    stack.removeLast();
                depth = qMax(0, depth - 1);
            }
            pending.clear();
        }
        return stack;
    }

    // The index of the first token after the statement's leading annotations.
    qsizetype bodyStart() const
    {
        qsizetype i = 0;
        while (i < m_tokens.size() && m_tokens[i].is(TokenKind::At)) {
            ++i;
            while (i < m_tokens.size()
                   && (m_tokens[i].isName() || m_tokens[i].is(TokenKind::Colon)))
                ++i;
            if (i < m_tokens.size() && m_tokens[i].is(TokenKind::LParen)) {
                int depth = 0;
                for (; i < m_tokens.size(); ++i) {
                    if (m_tokens[i].is(TokenKind::LParen))
                        ++depth;
                    else if (m_tokens[i].is(TokenKind::RParen) && --depth == 0) {
                        ++i;
                        break;
                    }
                }
            }
        }
        return i;
    }

private:
    QByteArrayView m_text;
    QList<Token> m_tokens;
};

bool isOperandEnd(const Token &t)
{
    switch (t.kind) {
    case TokenKind::Identifier:
    case TokenKind::QuotedIdentifier:
    case TokenKind::IntLiteral:
    case TokenKind::LongLiteral:
    case TokenKind::FloatLiteral:
    case TokenKind::DoubleLiteral:
    case TokenKind::StringLiteral:
    case TokenKind::TripleString:
    case TokenKind::RParen:
    case TokenKind::RBracket:
        return true;
    case TokenKind::Keyword: {
        const Lang::KeywordCategory c = Lang::keywordInfo(t.keyword).category;
        return c == Lang::KeywordCategory::Literal || c == Lang::KeywordCategory::TimeUnit;
    }
    default:
        return false;
    }
}

bool isNumber(const Token &t)
{
    return t.is(TokenKind::IntLiteral) || t.is(TokenKind::LongLiteral);
}

// Keywords that may follow a complete expression or source in each clause.
void followKeywords(Items &items, Clause clause)
{
    using K = Keyword;
    const std::initializer_list<Keyword> outputs = {K::Output, K::Insert, K::Delete, K::Update,
                                                    K::Return};
    switch (clause) {
    case Clause::From:
        items.keywords({K::As, K::Join, K::Left, K::Right, K::Full, K::Inner, K::Unidirectional,
                        K::Select, K::Within});
        items.keywords(outputs);
        break;
    case Clause::Join:
        items.keywords({K::As, K::On, K::Unidirectional, K::Within, K::Select});
        items.keywords(outputs);
        break;
    case Clause::On:
        items.keywords({K::And, K::Or, K::Is, K::In, K::Within, K::Select});
        items.keywords(outputs);
        break;
    case Clause::Select:
        items.keywords({K::As, K::And, K::Or, K::Is, K::In, K::Group, K::Having, K::Order, K::Limit,
                        K::Offset});
        items.keywords(outputs);
        items.keyword(K::Aggregate);
        break;
    case Clause::GroupBy:
        items.keywords({K::Having, K::Order, K::Limit, K::Offset, K::Aggregate});
        items.keywords(outputs);
        break;
    case Clause::Having:
        items.keywords({K::And, K::Or, K::Is, K::In, K::Order, K::Limit, K::Offset});
        items.keywords(outputs);
        break;
    case Clause::OrderBy:
        items.keywords({K::Asc, K::Desc, K::Limit, K::Offset});
        items.keywords(outputs);
        break;
    case Clause::Limit:
        items.keyword(K::Offset);
        items.keywords(outputs);
        break;
    case Clause::Within:
        items.keywords({K::Per, K::Select});
        items.keywords(outputs);
        break;
    case Clause::Output:
        items.keywords({K::Events, K::Insert, K::Delete, K::Update, K::Return});
        break;
    case Clause::Target:
        items.keywords({K::Set, K::On, K::For});
        break;
    case Clause::Set:
        items.keywords({K::On, K::And, K::Or});
        break;
    default:
        break;
    }
}

void addSchemas(Items &items, const Names &names, std::initializer_list<SchemaKind> kinds)
{
    for (const NamedSchema *s : names.all()) {
        bool wanted = false;
        for (SchemaKind k : kinds)
            wanted = wanted || s->kind == k;
        if (wanted)
            items.add(s->name, CompletionKind::Stream,
                      schemaKindText(*s) + QStringLiteral(" (") + attributeList(*s) + u')');
    }
}

void addSources(Items &items, const Names &names)
{
    addSchemas(items, names,
               {SchemaKind::Stream, SchemaKind::Table, SchemaKind::Window, SchemaKind::Aggregation,
                SchemaKind::Trigger});
}

void addAttributes(Items &items, const NamedSchema *schema)
{
    if (!schema)
        return;
    for (const Lang::AttributeInfo &a : schema->attributes)
        items.add(a.name, CompletionKind::Attribute,
                  Lang::typeName(a.type) + QStringLiteral(" of ") + schema->name);
}

void addFunctions(Items &items, const Names &names, bool aggregates)
{
    items.builtins(BuiltinKind::Function, CompletionKind::Function);
    if (aggregates)
        items.builtins(BuiltinKind::Aggregate, CompletionKind::Aggregate);
    for (const QString &ns : registry().namespaces()) {
        bool hasFunctions = false;
        for (const BuiltinSpec *s : registry().all(BuiltinKind::Function))
            hasFunctions = hasFunctions || s->ns == ns;
        if (hasFunctions)
            items.add(ns, CompletionKind::Namespace,
                      QStringLiteral("the %1: extension functions").arg(ns));
    }
    for (const QString &f : names.functions())
        items.add(f, CompletionKind::Function, QStringLiteral("a function of this app"));
}

} // namespace

namespace {

// One completion request: where the cursor is, the statement around it, and what fits there.
class Completer
{
public:
    Completer(QByteArrayView text, int position, const NameIndex *analysis, const ScanStart &start)
        : m_text(text)
        , m_position(qBound(0, position, int(text.size())))
        , m_start(start)
        , m_ctx(text)
        , m_names(analysis, text)
    {
        m_result.replaceStart = m_position;
    }

    CompletionResult run()
    {
        if (!locate())
            return m_result; // in a comment, a script or a number
        readStatement();
        if (m_inString)
            return completeInString();
        m_result.prefix = prefixFrom(m_result.replaceStart);
        l0 = m_ctx.back(0);
        l1 = m_ctx.back(1);
        l2 = m_ctx.back(2);
        m_annotations = m_ctx.openAnnotations();
        if (auto r = completeAnnotation())
            return *r;
        if (auto r = completeHandler())
            return *r;
        walkStatement();
        if (auto r = completeName())
            return *r;
        return completeExpression();
    }

private:
    struct Open
    {
        bool bracket;
        QString stream; // '[': the stream it filters; '(': the window or function's stream
        bool windowArgs;
    };

    bool locate();
    void readStatement();
    CompletionResult completeInString();
    std::optional<CompletionResult> completeAnnotation();
    std::optional<CompletionResult> completeHandler();
    void walkStatement();
    std::optional<CompletionResult> completeName();
    CompletionResult completeExpression();

    QString prefixFrom(int start) const
    {
        return QString::fromUtf8(m_text.sliced(start, m_position - start));
    }
    CompletionResult finish(Items &items, const char *context)
    {
        m_result.context = QString::fromLatin1(context);
        m_result.items = items.take();
        return m_result;
    }
    const NamedSchema *schemaOf(const QString &reference) const
    {
        for (const ScopeEntry &e : m_scope) {
            if (e.reference == reference)
                return m_names.schema(e.schema);
        }
        return m_names.schema(reference);
    }

    QByteArrayView m_text;
    int m_position;
    ScanStart m_start;
    CompletionResult m_result;
    Context m_ctx;
    Names m_names;

    // Where the cursor is.
    QList<Token> m_all;
    qsizetype m_significantEnd = 0; // tokens before this index precede the cursor
    const Token *m_inString = nullptr;
    int m_partitionDepth = 0;
    Token l0, l1, l2; // the last three significant tokens before the cursor
    QList<OpenAnnotation> m_annotations;

    // What the statement says (walkStatement).
    qsizetype m_body = 0;
    Clause m_clause = Clause::Start;
    QList<ScopeEntry> m_scope;
    QList<Open> m_opens;
    bool m_isDefine = false;
    bool m_isAggregationDefine = false;
};

// Finds the word being completed; false where nothing completes (comments, scripts, numbers).
bool Completer::locate()
{
    const QByteArrayView text = m_text;
    const int position = m_position;
    CompletionResult &result = m_result;
    m_all = tokensBefore(text, position, m_start, Lexer::KeepComments);
    const QList<Token> &all = m_all;
    // The token the cursor is in or right after.
    qsizetype current = -1;
    for (qsizetype i = 0; i < all.size() && all[i].kind != TokenKind::EndOfFile; ++i) {
        if (all[i].offset >= position)
            break;
        current = i;
    }
    m_significantEnd = current + 1;
    if (current >= 0) {
        const Token &c = all[current];
        const bool inside = position < c.end();
        const bool atEnd = position == c.end();
        // A token that runs to the end of its line or of the text (a line comment, an
        // unterminated string) holds the cursor at its end too.
        const bool open = atEnd && (c.is(TokenKind::LineComment) || c.unterminated);
        if (c.isComment()) {
            if (inside || open) {
                result.context = QStringLiteral("comment");
                return false;
            }
        } else if (c.is(TokenKind::StringLiteral) || c.is(TokenKind::TripleString)) {
            if (inside || open) {
                m_inString = &c;
                m_significantEnd = current;
            }
        } else if (c.is(TokenKind::Script)) {
            if (inside || open) {
                result.context = QStringLiteral("script");
                return false;
            }
        } else if (c.isLiteral() && (inside || atEnd)) {
            result.context = QStringLiteral("number");
            return false;
        } else if (c.isName() && (inside || atEnd)) {
            result.replaceStart = c.offset;
            m_significantEnd = current;
        }
    }
    return true;
}

// The significant tokens of the statement before the cursor.
void Completer::readStatement()
{
    // The statement so far, and whether it is inside a partition's begin ... end.
    QList<Token> before;
    int &partitionDepth = m_partitionDepth;
    partitionDepth = m_start.partitionDepth;
    bool partitionStatement = false;
    bool inStatement = false;
    int nesting = 0;
    for (qsizetype i = 0; i < m_significantEnd; ++i) {
        const Token &t = m_all[i];
        if (t.isComment())
            continue;
        if (t.is(TokenKind::Semicolon)) {
            before.clear();
            inStatement = partitionStatement = false;
            nesting = 0;
            continue;
        }
        if (!inStatement && t.is(Keyword::End) && partitionDepth > 0) {
            --partitionDepth;
            inStatement = true;
            before << t;
            continue;
        }
        // A statement keyword first on its line while parentheses are still open: the
        // statement before it is unfinished (a typo); start afresh, as the parser does.
        if ((t.is(Keyword::Define) || t.is(Keyword::From) || t.is(Keyword::Partition))
            && nesting > 0 && !before.isEmpty() && before.constLast().endLine < t.line) {
            before.clear();
            nesting = 0;
            partitionStatement = false;
        }
        if (t.is(TokenKind::LParen) || t.is(TokenKind::LBracket))
            ++nesting;
        else if ((t.is(TokenKind::RParen) || t.is(TokenKind::RBracket)) && nesting > 0)
            --nesting;
        inStatement = true;
        if (t.is(Keyword::Partition))
            partitionStatement = true;
        if (t.is(Keyword::Begin) && partitionStatement) {
            ++partitionDepth;
            before.clear();
            inStatement = partitionStatement = false;
            nesting = 0;
            continue;
        }
        before << t;
    }
    m_ctx.setTokens(std::move(before));
}

// Inside a string: the registered types after type= in an annotation, nothing elsewhere.
CompletionResult Completer::completeInString()
{
    const int open = m_inString->is(TokenKind::TripleString) ? 3 : 1;
    m_result.replaceStart = qMin(m_position, m_inString->offset + open);
    m_result.prefix = prefixFrom(m_result.replaceStart);
    Items items(m_result.prefix);
    const QList<OpenAnnotation> annotations = m_ctx.openAnnotations();
    if (!annotations.isEmpty() && m_ctx.back(0).is(TokenKind::Assign)
        && m_ctx.textIs(m_ctx.back(1), "type")) {
        const Lang::AnnotationSpec *spec = Lang::findAnnotationSpec(
            annotations.constLast().name, annotationPath(annotations, annotations.size() - 1));
        if (spec && spec->hasTypeKind) {
            for (const BuiltinSpec *s : registry().all(spec->typeKind))
                items.add(s->name, CompletionKind::Value, s->doc);
            return finish(items, "type");
        }
    }
    m_result.items = items.take();
    return m_result;
}

// Annotation names after @, their keys inside the parentheses, type= values.
std::optional<CompletionResult> Completer::completeAnnotation()
{
    const QByteArrayView text = m_text;
    const int position = m_position;
    CompletionResult &result = m_result;
    const Context &ctx = m_ctx;
    const QList<OpenAnnotation> &annotations = m_annotations;
    // ---- Annotations ----------------------------------------------------------------------
    if (l0.is(TokenKind::At)) {
        Items items(result.prefix);
        const QString path = annotationPath(annotations, annotations.size());
        for (const Lang::AnnotationSpec &s : Lang::annotationTable()) {
            if (Lang::annotationGoesIn(s, path))
                items.add(s.name, CompletionKind::Annotation, s.doc);
        }
        return finish(items, "annotation");
    }
    if (l0.is(TokenKind::Colon) && l1.isName() && l2.is(TokenKind::At)) {
        Items items(result.prefix);
        const QString head = ctx.text(l1) + u':';
        for (const Lang::AnnotationSpec &s : Lang::annotationTable()) {
            if (s.name.startsWith(head, Qt::CaseInsensitive))
                items.add(s.name.mid(head.size()), CompletionKind::Annotation, s.doc);
        }
        return finish(items, "annotation");
    }
    if (!annotations.isEmpty()) {
        const OpenAnnotation &open = annotations.constLast();
        const Lang::AnnotationSpec *spec = Lang::findAnnotationSpec(
            open.name, annotationPath(annotations, annotations.size() - 1));
        // A dotted key being typed: receiver.u|
        int k = 0;
        while (ctx.back(k).is(TokenKind::Dot) && ctx.back(k + 1).isName())
            k += 2;
        const Token &beforeKey = ctx.back(k);
        if (beforeKey.is(TokenKind::LParen) || beforeKey.is(TokenKind::Comma)) {
            if (k > 0)
                result.replaceStart = ctx.back(k - 1).offset;
            result.prefix =
                QString::fromUtf8(text.sliced(result.replaceStart, position - result.replaceStart));
            Items items(result.prefix);
            if (spec) {
                for (const Lang::AnnotationKeySpec &key : spec->keys)
                    items.add(key.key, CompletionKind::AnnotationKey, key.doc);
                if (spec->hasTypeKind) {
                    // The options of the type given in this annotation.
                    const QList<Token> &ts = ctx.tokens();
                    for (qsizetype i = open.open + 1; i + 2 < ts.size(); ++i) {
                        if (ctx.textIs(ts[i], "type") && ts[i + 1].is(TokenKind::Assign)
                            && ts[i + 2].is(TokenKind::StringLiteral)) {
                            const QString type = Lexer::stringValue(text, ts[i + 2]);
                            if (const BuiltinSpec *s = registry().find(spec->typeKind, {}, type)) {
                                for (const Lang::ParamSpec &p : s->params)
                                    items.add(p.name, CompletionKind::AnnotationKey, p.doc);
                            }
                            break;
                        }
                    }
                }
            }
            return finish(items, "annotation key");
        }
        if (l0.is(TokenKind::Assign) && ctx.textIs(l1, "type") && spec && spec->hasTypeKind) {
            Items items(result.prefix);
            for (const BuiltinSpec *s : registry().all(spec->typeKind))
                items.add(u'\'' + s->name + u'\'', CompletionKind::Value, s->doc);
            return finish(items, "type");
        }
        Items none(result.prefix);
        return finish(none, "annotation");
    }

    return std::nullopt;
}

// After '#', '#window.' and a namespace's ':'.
std::optional<CompletionResult> Completer::completeHandler()
{
    const CompletionResult &result = m_result;
    const Context &ctx = m_ctx;
    const Names &names = m_names;
    // ---- After # . : ------------------------------------------------------------------------
    if (l0.is(TokenKind::Dot) && l1.is(Keyword::Window) && l2.is(TokenKind::Hash)) {
        Items items(result.prefix);
        items.builtins(BuiltinKind::Window, CompletionKind::Window);
        return finish(items, "window");
    }
    if (l0.is(TokenKind::Hash)) {
        Items items(result.prefix);
        if (l1.is(Keyword::From) || l1.is(Keyword::Join) || l1.is(Keyword::Into)
            || l1.is(TokenKind::Comma) || l1.is(TokenKind::Arrow) || l1.is(TokenKind::Assign)) {
            addSchemas(items, names, {SchemaKind::InnerStream});
            return finish(items, "inner stream");
        }
        items.keyword(Keyword::Window);
        items.builtins(BuiltinKind::StreamProcessor, CompletionKind::StreamProcessor);
        for (const BuiltinSpec *s : registry().all(BuiltinKind::StreamProcessor)) {
            if (!s->ns.isEmpty())
                items.add(s->ns, CompletionKind::Namespace);
        }
        return finish(items, "stream handler");
    }
    if (l0.is(TokenKind::Colon) && l1.isName() && registry().isKnownNamespace(ctx.text(l1))) {
        Items items(result.prefix);
        const QString ns = ctx.text(l1);
        if (l2.is(TokenKind::Hash)) {
            items.builtins(BuiltinKind::StreamProcessor, CompletionKind::StreamProcessor, ns);
            return finish(items, "stream handler");
        }
        items.builtins(BuiltinKind::Function, CompletionKind::Function, ns);
        return finish(items, "function");
    }

    return std::nullopt;
}

// The clause the cursor is in, the sources in scope and the brackets still open.
void Completer::walkStatement()
{
    const Context &ctx = m_ctx;
    // ---- Walk the statement: clause, sources in scope, open brackets -------------------------
    const QList<Token> &ts = ctx.tokens();
    m_body = ctx.bodyStart();
    const qsizetype body = m_body;
    Clause &clause = m_clause;
    QList<ScopeEntry> &scope = m_scope;
    QList<Open> &opens = m_opens;
    QString target; // delete/update Table
    m_isDefine = body < ts.size() && ts[body].is(Keyword::Define);
    m_isAggregationDefine =
        m_isDefine && body + 1 < ts.size() && ts[body + 1].is(Keyword::Aggregation);
    QString lastSource;
    for (qsizetype i = body; i < ts.size(); ++i) {
        const Token &t = ts[i];
        const Token &prev = i > body ? ts[i - 1] : noToken();
        if (t.is(TokenKind::LBracket)) {
            opens << Open{true, prev.isName() ? ctx.text(prev) : lastSource, false};
            continue;
        }
        if (t.is(TokenKind::LParen)) {
            const bool window =
                i >= body + 3 && ts[i - 2].is(TokenKind::Dot) && ts[i - 3].is(Keyword::Window);
            opens << Open{false, lastSource, window};
            continue;
        }
        if (t.is(TokenKind::RBracket) || t.is(TokenKind::RParen)) {
            if (!opens.isEmpty())
                opens.removeLast();
            continue;
        }
        if (!opens.isEmpty())
            continue;
        if (t.kind == TokenKind::Keyword) {
            switch (t.keyword) {
            case Keyword::Define:
                clause = Clause::Define;
                continue;
            case Keyword::From:
                clause = Clause::From;
                continue;
            case Keyword::Join:
                clause = Clause::Join;
                continue;
            case Keyword::On:
                clause = Clause::On;
                continue;
            case Keyword::Within:
                clause = Clause::Within;
                continue;
            case Keyword::Select:
                clause = Clause::Select;
                continue;
            case Keyword::By:
                if (prev.is(Keyword::Group))
                    clause = Clause::GroupBy;
                else if (prev.is(Keyword::Order))
                    clause = Clause::OrderBy;
                else if (prev.is(Keyword::Aggregate))
                    clause = Clause::Aggregate;
                continue;
            case Keyword::Having:
                clause = Clause::Having;
                continue;
            case Keyword::Limit:
            case Keyword::Offset:
                clause = Clause::Limit;
                continue;
            case Keyword::Output:
                clause = Clause::Output;
                continue;
            case Keyword::Insert:
            case Keyword::Into:
            case Keyword::Return:
                clause = Clause::Insert;
                continue;
            case Keyword::Delete:
            case Keyword::Update:
                clause = Clause::Target;
                continue;
            case Keyword::Set:
                clause = Clause::Set;
                continue;
            case Keyword::Aggregate:
                clause = Clause::Aggregate;
                continue;
            case Keyword::Partition:
                clause = Clause::Partition;
                continue;
            default:
                break;
            }
        }
        if (!t.isName() || t.kind == TokenKind::Keyword)
            continue;
        const QString name = ctx.text(t);
        if (clause == Clause::From || clause == Clause::Join || clause == Clause::Define) {
            const Token &next = i + 1 < ts.size() ? ts[i + 1] : noToken();
            if (prev.is(Keyword::As)) {
                if (!scope.isEmpty())
                    scope.last().reference = name;
            } else if (next.is(TokenKind::Assign)) {
                // e1=Stream: the reference comes first, the stream after '='
            } else if (prev.is(Keyword::From) || prev.is(Keyword::Join) || prev.is(Keyword::Every)
                       || prev.is(TokenKind::Arrow) || prev.is(TokenKind::Comma)
                       || prev.is(Keyword::Not) || prev.is(TokenKind::Hash)
                       || prev.is(TokenKind::Assign)) {
                QString reference = name;
                if (prev.is(TokenKind::Assign) && i >= body + 2 && ts[i - 2].isName())
                    reference = ctx.text(ts[i - 2]);
                scope << ScopeEntry{reference, name};
                lastSource = name;
            }
        } else if (clause == Clause::Target
                   && (prev.is(Keyword::Delete) || prev.is(Keyword::Update))) {
            target = name;
        } else if (clause == Clause::Partition && prev.is(Keyword::Of)) {
            scope << ScopeEntry{name, name};
        }
    }
    if (!target.isEmpty())
        scope << ScopeEntry{target, target};
}

// Names after from, join, into, delete, update, in and of; keyword pairs; statement starts.
std::optional<CompletionResult> Completer::completeName()
{
    const CompletionResult &result = m_result;
    const Context &ctx = m_ctx;
    const Names &names = m_names;
    const QList<Token> &ts = ctx.tokens();
    const qsizetype body = m_body;
    const Clause clause = m_clause;
    const QList<Open> &opens = m_opens;
    const int partitionDepth = m_partitionDepth;
    // ---- References: X.| ----------------------------------------------------------------------
    if (l0.is(TokenKind::Dot) && l1.isName()) {
        Items items(result.prefix);
        addAttributes(items, schemaOf(ctx.text(l1)));
        return finish(items, "attribute");
    }

    // ---- Definitions -----------------------------------------------------------------------
    if (l0.is(Keyword::Define)) {
        Items items(result.prefix);
        items.keywords({Keyword::Stream, Keyword::Table, Keyword::Window, Keyword::Trigger,
                        Keyword::Function, Keyword::Aggregation});
        return finish(items, "definition");
    }
    if (m_isDefine && !m_isAggregationDefine) {
        Items items(result.prefix);
        const bool inAttributes = opens.size() == 1 && !opens[0].bracket;
        if (inAttributes && l0.isName() && (l1.is(TokenKind::LParen) || l1.is(TokenKind::Comma))) {
            items.keywordsOf(Lang::KeywordCategory::Type);
            return finish(items, "type");
        }
        if (l0.is(Keyword::Return)) {
            items.keywordsOf(Lang::KeywordCategory::Type);
            return finish(items, "type");
        }
        if (body + 1 < ts.size() && ts[body + 1].is(Keyword::Trigger)) {
            if (l0.is(Keyword::At)) {
                items.keyword(Keyword::Every);
            } else if (isNumber(l0)) {
                items.keywordsOf(Lang::KeywordCategory::TimeUnit);
            } else if (l0.isName() && l1.is(Keyword::Trigger)) {
                items.keyword(Keyword::At);
            }
            return finish(items, "trigger");
        }
        if (l0.is(TokenKind::RParen) && opens.isEmpty() && body + 1 < ts.size()
            && ts[body + 1].is(Keyword::Window))
            items.keyword(Keyword::Output);
        return finish(items, "definition");
    }

    // ---- Names of sources and targets -------------------------------------------------------
    const bool inFrom = clause == Clause::From || clause == Clause::Join;
    if (opens.isEmpty()) {
        if (l0.is(Keyword::From) || l0.is(Keyword::Join) || l0.is(TokenKind::Arrow)
            || (inFrom
                && (l0.is(Keyword::Every) || l0.is(Keyword::Not) || l0.is(TokenKind::Comma)
                    || (l0.is(TokenKind::Assign) && l1.isName())))) {
            Items items(result.prefix);
            addSources(items, names);
            if (l0.is(Keyword::From) || l0.is(TokenKind::Arrow))
                items.keyword(Keyword::Every);
            if (l0.is(Keyword::From) || l0.is(TokenKind::Arrow) || l0.is(Keyword::Every))
                items.keyword(Keyword::Not);
            return finish(items, "source");
        }
        if (l0.is(Keyword::Into)) {
            Items items(result.prefix);
            addSchemas(items, names, {SchemaKind::Stream, SchemaKind::Table, SchemaKind::Window});
            if (partitionDepth > 0)
                addSchemas(items, names, {SchemaKind::InnerStream});
            return finish(items, "target");
        }
        if (l0.is(Keyword::Delete) || l0.is(Keyword::Update)) {
            Items items(result.prefix);
            addSchemas(items, names, {SchemaKind::Table});
            if (l0.is(Keyword::Update))
                items.keyword(Keyword::Or);
            return finish(items, "table");
        }
        if (l0.is(Keyword::Insert) || (l0.is(Keyword::Or) && l1.is(Keyword::Update))) {
            Items items(result.prefix);
            if (l0.is(Keyword::Or))
                items.keyword(Keyword::Insert);
            else
                items.keywords({Keyword::Into, Keyword::Current, Keyword::Expired, Keyword::All});
            return finish(items, "output");
        }
        if ((l0.is(Keyword::Current) || l0.is(Keyword::Expired) || l0.is(Keyword::All))
            && (l1.is(Keyword::Insert) || clause == Clause::Output)) {
            Items items(result.prefix);
            items.keyword(Keyword::Events);
            return finish(items, "output");
        }
        if (l0.is(Keyword::Events) && clause == Clause::Insert) {
            Items items(result.prefix);
            items.keyword(Keyword::Into);
            return finish(items, "output");
        }
    }
    if (l0.is(Keyword::In)) {
        Items items(result.prefix);
        addSchemas(items, names, {SchemaKind::Table});
        return finish(items, "table");
    }
    if (l0.is(Keyword::Of)) {
        Items items(result.prefix);
        addSchemas(items, names, {SchemaKind::Stream});
        return finish(items, "source");
    }

    // ---- Keyword pairs ----------------------------------------------------------------------
    {
        Items items(result.prefix);
        bool pair = true;
        if (l0.is(Keyword::Group) || l0.is(Keyword::Order))
            items.keyword(Keyword::By);
        else if (l0.is(Keyword::Aggregate))
            items.keywords({Keyword::By, Keyword::Every});
        else if (l0.is(Keyword::Output))
            items.keywords(
                {Keyword::First, Keyword::Last, Keyword::All, Keyword::Snapshot, Keyword::Every});
        else if (l0.is(Keyword::Partition))
            items.keyword(Keyword::With);
        else if (l0.is(Keyword::Left) || l0.is(Keyword::Right) || l0.is(Keyword::Full))
            items.keyword(Keyword::Outer);
        else if (l0.is(Keyword::Outer) || l0.is(Keyword::Inner))
            items.keyword(Keyword::Join);
        else if (l0.is(Keyword::Is))
            items.keywords({Keyword::Not, Keyword::Null});
        else if (l0.is(Keyword::Not) && l1.is(Keyword::Is))
            items.keyword(Keyword::Null);
        else
            pair = false;
        if (pair)
            return finish(items, "keyword");
    }

    // ---- Statement start --------------------------------------------------------------------
    if (body >= ts.size()) {
        Items items(result.prefix);
        if (partitionDepth > 0)
            items.keywords({Keyword::From, Keyword::End}); // partitions hold queries only
        else
            items.keywords({Keyword::Define, Keyword::From, Keyword::Partition});
        return finish(items, "statement");
    }
    if (clause == Clause::Partition && opens.isEmpty() && l0.is(TokenKind::RParen)) {
        Items items(result.prefix);
        items.keyword(Keyword::Begin);
        return finish(items, "partition");
    }

    return std::nullopt;
}

// Attributes, references and functions in expressions, or the keywords that may follow.
CompletionResult Completer::completeExpression()
{
    const CompletionResult &result = m_result;
    const Names &names = m_names;
    const Clause clause = m_clause;
    const QList<ScopeEntry> &scope = m_scope;
    const QList<Open> &opens = m_opens;
    const bool inFrom = clause == Clause::From || clause == Clause::Join;
    // ---- Expressions ------------------------------------------------------------------------
    const bool expressionStart = !isOperandEnd(l0);
    Items items(result.prefix);
    const Open *innermost = opens.isEmpty() ? nullptr : &opens.constLast();
    if (innermost && innermost->bracket) {
        // A filter: the filtered stream's attributes first, then other references in scope.
        if (expressionStart) {
            addAttributes(items, schemaOf(innermost->stream));
            for (const ScopeEntry &e : scope) {
                if (e.reference != innermost->stream && e.reference != e.schema)
                    items.add(e.reference, CompletionKind::Reference, e.schema);
            }
            addFunctions(items, names, false);
            items.keywords({Keyword::Not, Keyword::True, Keyword::False, Keyword::Null});
        } else {
            items.keywords({Keyword::And, Keyword::Or, Keyword::Is, Keyword::In});
        }
        return finish(items, "filter");
    }
    if (inFrom && !innermost) {
        if (isOperandEnd(l0))
            followKeywords(items, clause);
        if (isNumber(l0) && clause == Clause::Within)
            items.keywordsOf(Lang::KeywordCategory::TimeUnit);
        return finish(items, "after source");
    }
    const bool timeContext = clause == Clause::Within || clause == Clause::Output
                             || clause == Clause::Aggregate || (innermost && innermost->windowArgs);
    if (isNumber(l0) && timeContext) {
        items.keywordsOf(Lang::KeywordCategory::TimeUnit);
        if (clause == Clause::Output)
            items.keyword(Keyword::Events);
        return finish(items, "time");
    }
    if (clause == Clause::Aggregate && opens.isEmpty()) {
        if (l0.is(Keyword::Every) || l0.is(TokenKind::TripleDot) || l0.is(TokenKind::Comma))
            items.keywordsOf(Lang::KeywordCategory::TimeUnit);
        else if (l0.kind == TokenKind::Keyword
                 && Lang::keywordInfo(l0.keyword).category == Lang::KeywordCategory::TimeUnit)
            items.add(QStringLiteral("..."), CompletionKind::Keyword);
        else if (expressionStart)
            for (const ScopeEntry &e : scope)
                addAttributes(items, names.schema(e.schema));
        else
            items.keyword(Keyword::Every);
        return finish(items, "aggregate");
    }
    const bool expressionClause = clause == Clause::Select || clause == Clause::GroupBy
                                  || clause == Clause::Having || clause == Clause::OrderBy
                                  || clause == Clause::On || clause == Clause::Set
                                  || clause == Clause::Partition || innermost;
    if (!expressionClause) {
        if (!expressionStart)
            followKeywords(items, clause);
        return finish(items, "keyword");
    }
    if (expressionStart) {
        const bool nameOnly = clause == Clause::GroupBy || clause == Clause::OrderBy;
        for (const ScopeEntry &e : scope)
            addAttributes(items, names.schema(e.schema));
        if (scope.isEmpty() && clause == Clause::Partition) {
            for (const NamedSchema *s : names.all())
                addAttributes(items, s);
        }
        const bool several = scope.size() > 1 || clause == Clause::Set || clause == Clause::On;
        for (const ScopeEntry &e : scope) {
            if (several || e.reference != e.schema)
                items.add(e.reference, CompletionKind::Reference, e.schema);
        }
        if (!nameOnly) {
            const bool aggregates = clause == Clause::Select || clause == Clause::Having
                                    || clause == Clause::OrderBy || m_isAggregationDefine;
            addFunctions(items, names, aggregates);
            items.keywords({Keyword::Not, Keyword::True, Keyword::False, Keyword::Null});
        }
        return finish(items, "expression");
    }
    if (clause == Clause::Partition)
        items.keyword(Keyword::Of);
    followKeywords(items, clause);
    if (clause == Clause::Select && m_isAggregationDefine)
        items.keyword(Keyword::Aggregate);
    return finish(items, "keyword");
}

} // namespace

CompletionResult CompletionEngine::complete(QByteArrayView text, int position,
                                            const ScanStart &start) const
{
    return Completer(text, position, m_names.get(), start).run();
}

CallTip CompletionEngine::callTip(QByteArrayView text, int position, const ScanStart &start) const
{
    CallTip tip;
    position = qBound(0, position, int(text.size()));
    const QList<Token> all = tokensBefore(text, position, start, Lexer::SkipComments);
    QList<Token> ts;
    for (const Token &t : all) {
        if (t.kind == TokenKind::EndOfFile || t.offset >= position)
            break;
        const bool inside = t.end() > position || (t.unterminated && t.end() == position);
        if (inside && (t.isLiteral() || t.is(TokenKind::Script) || t.isComment()))
            return tip; // inside a string, script or comment
        ts << t;
    }
    // The innermost '(' that is still open at the cursor.
    int depth = 0;
    int commas = 0;
    qsizetype open = -1;
    for (qsizetype i = ts.size() - 1; i >= 0; --i) {
        const Token &t = ts[i];
        if (t.is(TokenKind::Semicolon))
            break;
        if (t.is(TokenKind::RParen) || t.is(TokenKind::RBracket)) {
            ++depth;
        } else if (t.is(TokenKind::LParen) || t.is(TokenKind::LBracket)) {
            if (depth == 0) {
                if (t.is(TokenKind::LBracket))
                    return tip;
                open = i;
                break;
            }
            --depth;
        } else if (t.is(TokenKind::Comma) && depth == 0) {
            ++commas;
        }
    }
    if (open < 1 || !ts[open - 1].isName())
        return tip;
    const auto at = [&](qsizetype i) -> const Token & { return i >= 0 ? ts[i] : noToken(); };
    const Token &nameToken = ts[open - 1];
    QString name = Lexer::tokenText(text, nameToken);
    QString ns;
    qsizetype first = open - 1;
    if (at(open - 2).is(TokenKind::Colon) && at(open - 3).isName()) {
        ns = Lexer::tokenText(text, at(open - 3));
        first = open - 3;
    }
    const BuiltinSpec *spec = nullptr;
    if (at(first - 1).is(TokenKind::Dot) && at(first - 2).is(Keyword::Window)
        && at(first - 3).is(TokenKind::Hash)) {
        spec = registry().find(BuiltinKind::Window, ns, name);
    } else if (at(first - 1).is(TokenKind::Hash)) {
        spec = registry().find(BuiltinKind::StreamProcessor, ns, name);
    } else if (at(first - 1).is(TokenKind::At)) {
        return tip; // annotations have keys, not parameters
    } else {
        spec = registry().find(BuiltinKind::Function, ns, name);
        if (!spec)
            spec = registry().find(BuiltinKind::Aggregate, ns, name);
    }
    if (!spec)
        return tip;

    tip.valid = true;
    tip.position = ts[first].offset;
    tip.text = spec->signature();
    tip.argument = commas;
    // The parameter segments of the signature: split at commas outside brackets.
    const QByteArray sig = tip.text.toUtf8();
    const int lp = int(sig.indexOf('('));
    const int rp = int(sig.lastIndexOf(')'));
    if (lp < 0 || rp <= lp + 1)
        return tip;
    QList<QPair<int, int>> segments;
    int segmentStart = lp + 1;
    int nesting = 0;
    for (int i = lp + 1; i <= rp; ++i) {
        const char c = sig[i];
        if (c == '[')
            ++nesting;
        else if (c == ']')
            --nesting;
        if ((c == ',' && nesting == 0) || i == rp) {
            if (sig.mid(segmentStart, i - segmentStart) == "..." && !segments.isEmpty())
                segments.last().second = i; // "T arg, ...": one repeating parameter
            else
                segments.append({segmentStart, i});
            segmentStart = i + 1;
            while (segmentStart < rp && sig[segmentStart] == ' ')
                ++segmentStart;
        }
    }
    if (segments.isEmpty())
        return tip;
    const int index = qMin(commas, int(segments.size()) - 1);
    if (commas >= segments.size() && !spec->params.constLast().repeating)
        return tip; // too many arguments: no parameter to highlight
    tip.highlightStart = segments[index].first;
    tip.highlightEnd = segments[index].second;
    return tip;
}

} // namespace Rivulet::Editor
