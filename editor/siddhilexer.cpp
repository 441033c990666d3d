#include "siddhilexer.h"

#include "nameindex.h"

#include "engine/lang/keywords.h"
#include "engine/lang/lexer.h"
#include "engine/lang/registry.h"

#include "qscintilla.h"

#include <QSet>

#include <climits>
#include <deque>

namespace Rivulet::Editor {

using Lang::Keyword;
using Lang::KeywordCategory;
using Lang::Token;
using Lang::TokenKind;
using Sci = QsciScintillaBase;

namespace {

constexpr int kFoldBase = 0x400;    // SC_FOLDLEVELBASE
constexpr int kFoldHeader = 0x2000; // SC_FOLDLEVELHEADERFLAG

// What a line's start remembers of the text before it.
struct LexState
{
    bool inStatement = false;
    bool partitionStatement = false; // the statement has a 'partition' keyword: 'begin' opens it
    bool appAnnotation = false;      // in @App:...(...), a statement of its own without ';'
    int annotationDepth = 0;         // parentheses open inside an annotation
    int partitionDepth = 0;

    int pack(bool continuation) const
    {
        return (continuation ? SiddhiLexer::kContinuation : 0)
               | (inStatement ? SiddhiLexer::kInStatement : 0)
               | (partitionStatement ? SiddhiLexer::kPartitionStatement : 0)
               | (appAnnotation ? SiddhiLexer::kAppAnnotation : 0)
               | (qMin(annotationDepth, 15) << SiddhiLexer::kAnnotationShift)
               | (qMin(partitionDepth, 255) << SiddhiLexer::kPartitionShift);
    }
    static LexState unpack(int state)
    {
        LexState s;
        s.inStatement = state & SiddhiLexer::kInStatement;
        s.partitionStatement = state & SiddhiLexer::kPartitionStatement;
        s.appAnnotation = state & SiddhiLexer::kAppAnnotation;
        s.annotationDepth = (state >> SiddhiLexer::kAnnotationShift) & 0xf;
        s.partitionDepth = (state >> SiddhiLexer::kPartitionShift) & 0xff;
        return s;
    }
    int foldLevel(bool continuation) const
    {
        return kFoldBase + partitionDepth + (inStatement ? 1 : 0) + (continuation ? 1 : 0);
    }
};

// The engine's lexer with a few tokens of lookahead.
class TokenSource
{
public:
    TokenSource(QByteArrayView source, int start, int line)
        : m_lexer(source, Lang::Lexer::KeepComments)
    {
        if (start > 0)
            m_lexer.reset(start, line, 1);
    }

    Token take()
    {
        fill(0);
        Token t = m_buffer.front();
        m_buffer.pop_front();
        return t;
    }
    // The k-th upcoming token that is not a comment (EndOfFile when there is none).
    const Token &peekSignificant(int k)
    {
        for (size_t i = 0;; ++i) {
            fill(i);
            const Token &t = m_buffer[i];
            if (t.kind == TokenKind::EndOfFile)
                return t;
            if (!t.isComment() && k-- == 0)
                return t;
        }
    }

private:
    void fill(size_t index)
    {
        while (m_buffer.size() <= index) {
            if (!m_buffer.empty() && m_buffer.back().kind == TokenKind::EndOfFile)
                m_buffer.push_back(m_buffer.back());
            else
                m_buffer.push_back(m_lexer.next());
        }
    }

    Lang::Lexer m_lexer;
    std::deque<Token> m_buffer;
};

// The significant tokens before the current one on the same line.
struct Context
{
    struct Prev
    {
        TokenKind kind = TokenKind::EndOfFile;
        Keyword keyword = Keyword::None;
        SyntaxRole role = SyntaxRole::Default;
        int offset = 0;
        int length = 0;
        bool is(TokenKind k) const { return kind == k; }
        bool is(Keyword k) const { return kind == TokenKind::Keyword && keyword == k; }
        bool isName() const
        {
            return kind == TokenKind::Identifier || kind == TokenKind::QuotedIdentifier
                   || kind == TokenKind::Keyword;
        }
    };
    Prev prev[3];

    void reset() { prev[0] = prev[1] = prev[2] = Prev(); }
    void push(const Token &t, SyntaxRole role)
    {
        prev[2] = prev[1];
        prev[1] = prev[0];
        prev[0] = Prev{t.kind, t.keyword, role, t.offset, t.length};
    }
};

bool isDefinitionKind(const Context::Prev &p)
{
    return p.is(Keyword::Stream) || p.is(Keyword::Table) || p.is(Keyword::Window)
           || p.is(Keyword::Trigger) || p.is(Keyword::Aggregation);
}

// Keywords after which a name is a stream, table, window or aggregation.
bool introducesSource(const Context::Prev &p)
{
    return p.is(Keyword::From) || p.is(Keyword::Join) || p.is(Keyword::Into) || p.is(Keyword::Of)
           || p.is(Keyword::Delete) || p.is(Keyword::Update) || p.is(Keyword::In);
}

// The registry's function and window names, lower case ("str:concat", "length"): what the
// highlighting colours as functions and windows. Names the registry does not know stay plain,
// so a misspelt function looks different before the analysis underlines it.
struct BuiltinNames
{
    QSet<QByteArray> functions; // functions, aggregates and stream processors, with namespace
    QSet<QByteArray> windows;

    BuiltinNames()
    {
        for (const Lang::BuiltinSpec &spec : Lang::Registry::builtins().specs()) {
            const QByteArray name = spec.qualifiedName().toLower().toUtf8();
            if (spec.kind == Lang::BuiltinKind::Window)
                windows.insert(name);
            else if (spec.kind == Lang::BuiltinKind::Function
                     || spec.kind == Lang::BuiltinKind::Aggregate
                     || spec.kind == Lang::BuiltinKind::StreamProcessor)
                functions.insert(name);
        }
    }

    // Whether set holds ns:name (or name when ns is empty), in any case.
    static bool contains(const QSet<QByteArray> &set, QByteArrayView ns, QByteArrayView name)
    {
        char buffer[96];
        const qsizetype size = ns.isEmpty() ? name.size() : ns.size() + 1 + name.size();
        if (size > qsizetype(sizeof buffer))
            return false;
        qsizetype n = 0;
        const auto put = [&](QByteArrayView part) {
            for (const char c : part)
                buffer[n++] = (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
        };
        if (!ns.isEmpty()) {
            put(ns);
            buffer[n++] = ':';
        }
        put(name);
        return set.contains(QByteArray::fromRawData(buffer, n));
    }
};

const BuiltinNames &builtinNames()
{
    static const BuiltinNames names;
    return names;
}

SyntaxRole keywordRole(Keyword keyword)
{
    switch (Lang::keywordInfo(keyword).category) {
    case KeywordCategory::Type:
        return SyntaxRole::Type;
    case KeywordCategory::TimeUnit:
        return SyntaxRole::TimeUnit;
    case KeywordCategory::Literal:
        return SyntaxRole::Constant;
    case KeywordCategory::Reserved:
        break;
    }
    return SyntaxRole::Keyword;
}

} // namespace

SiddhiLexer::SiddhiLexer(QObject *parent)
    : QsciLexerCustom(parent)
{}

SiddhiLexer::~SiddhiLexer() = default;

QString SiddhiLexer::description(int style) const
{
    switch (SyntaxRole(style)) {
    case SyntaxRole::Default:
        return tr("Default");
    case SyntaxRole::Comment:
        return tr("Comment");
    case SyntaxRole::Keyword:
        return tr("Keyword");
    case SyntaxRole::Type:
        return tr("Type");
    case SyntaxRole::TimeUnit:
        return tr("Time unit");
    case SyntaxRole::Constant:
        return tr("Constant");
    case SyntaxRole::Number:
        return tr("Number");
    case SyntaxRole::String:
        return tr("String");
    case SyntaxRole::Script:
        return tr("Script");
    case SyntaxRole::Operator:
        return tr("Operator");
    case SyntaxRole::Annotation:
        return tr("Annotation");
    case SyntaxRole::Function:
        return tr("Function");
    case SyntaxRole::Window:
        return tr("Window");
    case SyntaxRole::Stream:
        return tr("Stream or table");
    case SyntaxRole::Attribute:
        return tr("Attribute");
    case SyntaxRole::Error:
        return tr("Error");
    case SyntaxRole::Count_:
        break;
    }
    return {};
}

const char *SiddhiLexer::wordCharacters() const
{
    return "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
}

QColor SiddhiLexer::defaultColor(int style) const
{
    if (style >= 0 && style < kSyntaxRoleCount)
        return EditorTheme::light().format(SyntaxRole(style)).foreground;
    return QsciLexerCustom::defaultColor(style);
}

QColor SiddhiLexer::defaultPaper(int style) const
{
    if (style == int(SyntaxRole::Error))
        return EditorTheme::light().format(SyntaxRole::Error).background;
    return EditorTheme::light().paper;
}

void SiddhiLexer::setEditor(QsciScintilla *newEditor)
{
    if (editor())
        disconnect(editor(), &QsciScintillaBase::SCN_MODIFIED, this, &SiddhiLexer::onModified);
    QsciLexerCustom::setEditor(newEditor);
    if (newEditor)
        connect(newEditor, &QsciScintillaBase::SCN_MODIFIED, this, &SiddhiLexer::onModified);
    m_validEnd = 0;
    m_dirtyStart = m_dirtyEnd = -1;
    m_forceAll = true;
}

void SiddhiLexer::setNames(std::shared_ptr<const NameIndex> names)
{
    const bool same = (m_names && names && m_names->sameNamesAs(*names)) || (!m_names && !names);
    m_names = std::move(names);
    if (same)
        return;
    invalidate();
    if (QsciScintilla *ed = editor()) {
        // Restyle from the top to the end of what is on screen now; the rest when it is shown.
        const long firstVisible = ed->SendScintilla(Sci::SCI_GETFIRSTVISIBLELINE);
        const long docLine = ed->SendScintilla(Sci::SCI_DOCLINEFROMVISIBLE, firstVisible);
        const long lastLine = docLine + ed->SendScintilla(Sci::SCI_LINESONSCREEN) + 1;
        const long end = ed->SendScintilla(Sci::SCI_GETLINEENDPOSITION, lastLine);
        ed->SendScintilla(Sci::SCI_COLOURISE, 0L, end);
    }
}

SiddhiLexer::StatementStart SiddhiLexer::statementStart(int position)
{
    StatementStart start;
    QsciScintilla *ed = editor();
    if (!ed)
        return start;
    const long length = ed->SendScintilla(Sci::SCI_GETLENGTH);
    ed->SendScintilla(Sci::SCI_COLOURISE, static_cast<unsigned long>(length), long(position));
    int line = int(ed->SendScintilla(Sci::SCI_LINEFROMPOSITION, long(position)));
    int state = int(ed->SendScintilla(Sci::SCI_GETLINESTATE, long(line)));
    while (line > 0 && (state & (kInStatement | kContinuation))) {
        --line;
        state = int(ed->SendScintilla(Sci::SCI_GETLINESTATE, long(line)));
    }
    start.line = line;
    start.offset = int(ed->SendScintilla(Sci::SCI_POSITIONFROMLINE, long(line)));
    start.partitionDepth = LexState::unpack(state).partitionDepth;
    return start;
}

void SiddhiLexer::invalidate()
{
    m_forceAll = true;
    if (QsciScintilla *ed = editor())
        ed->SendScintilla(Sci::SCI_STARTSTYLING, 0L); // nothing is styled: restyle when shown
}

void SiddhiLexer::onModified(int position, int type, const char *, int length, int, int, int, int,
                             int, int)
{
    if (type & Sci::SC_MOD_INSERTTEXT) {
        if (position < m_validEnd)
            m_validEnd += length;
        if (m_dirtyStart < 0) {
            m_dirtyStart = position;
            m_dirtyEnd = position + length;
        } else {
            if (m_dirtyEnd >= position)
                m_dirtyEnd += length;
            m_dirtyStart = qMin(m_dirtyStart, position);
            m_dirtyEnd = qMax(m_dirtyEnd, position + length);
        }
    } else if (type & Sci::SC_MOD_DELETETEXT) {
        if (position < m_validEnd)
            m_validEnd = qMax(position, m_validEnd - length);
        if (m_dirtyStart < 0) {
            m_dirtyStart = m_dirtyEnd = position;
        } else {
            if (m_dirtyEnd > position)
                m_dirtyEnd = qMax(position, m_dirtyEnd - length);
            if (m_dirtyStart > position)
                m_dirtyStart = qMax(position, m_dirtyStart - length);
            m_dirtyStart = qMin(m_dirtyStart, position);
            m_dirtyEnd = qMax(m_dirtyEnd, position);
        }
    }
}

void SiddhiLexer::styleText(int start, int end)
{
    QsciScintilla *ed = editor();
    if (!ed)
        return;
    const int length = int(ed->SendScintilla(Sci::SCI_GETLENGTH));
    end = qMin(end, length);
    const auto lineOf = [ed](int position) {
        return int(ed->SendScintilla(Sci::SCI_LINEFROMPOSITION, position));
    };
    const auto lineStart = [ed](int line) {
        return int(ed->SendScintilla(Sci::SCI_POSITIONFROMLINE, line));
    };
    const auto lineState = [ed](int line) {
        return int(ed->SendScintilla(Sci::SCI_GETLINESTATE, line));
    };

    const int dirtyLineStart = m_dirtyStart < 0 ? INT_MAX : lineStart(lineOf(m_dirtyStart));
    const bool force = m_forceAll || start < qMin(m_validEnd, dirtyLineStart);
    if (start >= end)
        return;

    // Start on a line that begins between tokens.
    int line = lineOf(start);
    while (line > 0 && (lineState(line) & kContinuation))
        --line;
    const int from = lineStart(line);
    LexState st = line == 0 ? LexState() : LexState::unpack(lineState(line));
    if (line == 0 && lineState(0) != 0)
        ed->SendScintilla(Sci::SCI_SETLINESTATE, 0L, 0L);

    const char *doc =
        static_cast<const char *>(ed->SendScintillaPtrResult(Sci::SCI_GETCHARACTERPOINTER));
    const QByteArrayView source(doc, length);
    QByteArray styles;
    styles.reserve(qMax(0, end - from) + 256);

    const BuiltinNames &builtins = builtinNames();
    TokenSource tokens(source, from, line + 1);
    Context ctx;
    int currentLine = line;
    int previousLevel = st.foldLevel(false);
    bool early = false;
    int stopAt = -1;

    const auto setFoldLevel = [ed](int line, int level) {
        if (int(ed->SendScintilla(Sci::SCI_GETFOLDLEVEL, line)) != level)
            ed->SendScintilla(Sci::SCI_SETFOLDLEVEL, line, level);
    };
    // A new line starts at lineStartPosition: store its state; true when styling can stop.
    const auto newLine = [&](int lineStartPosition, bool continuation) {
        ++currentLine;
        const int state = st.pack(continuation);
        const int level = st.foldLevel(continuation);
        setFoldLevel(currentLine - 1, previousLevel | (level > previousLevel ? kFoldHeader : 0));
        const int old = lineState(currentLine);
        if (!continuation && !force && lineStartPosition > m_dirtyEnd
            && lineStartPosition < m_validEnd && old == state) {
            early = true;
            stopAt = lineStartPosition;
            return true;
        }
        if (old != state)
            ed->SendScintilla(Sci::SCI_SETLINESTATE, currentLine, state);
        if (lineStartPosition >= length)
            setFoldLevel(currentLine, level); // the empty last line: never styled on its own
        previousLevel = level;
        ctx.reset();
        if (!continuation && lineStartPosition >= end) {
            stopAt = lineStartPosition;
            return true;
        }
        return false;
    };

    int cursor = from;
    for (;;) {
        const Token t = tokens.take();
        if (t.offset > cursor)
            styles.append(t.offset - cursor, char(SyntaxRole::Default));
        bool stop = false;
        for (int i = cursor; i < t.offset; ++i) {
            if (doc[i] == '\n' && newLine(i + 1, false)) {
                stop = true;
                break;
            }
        }
        if (stop || t.kind == TokenKind::EndOfFile)
            break;

        SyntaxRole role = SyntaxRole::Default;
        const Context::Prev &p1 = ctx.prev[0];
        const Context::Prev &p2 = ctx.prev[1];
        const Context::Prev &p3 = ctx.prev[2];
        const auto next = [&](int k) -> const Token & {
            const Token &n = tokens.peekSignificant(k);
            static const Token none;
            return n.line == t.endLine ? n : none;
        };
        switch (t.kind) {
        case TokenKind::LineComment:
        case TokenKind::BlockComment:
            role = SyntaxRole::Comment;
            break;
        case TokenKind::StringLiteral:
        case TokenKind::TripleString:
            role = SyntaxRole::String;
            break;
        case TokenKind::Script:
            role = SyntaxRole::Script;
            break;
        case TokenKind::IntLiteral:
        case TokenKind::LongLiteral:
        case TokenKind::FloatLiteral:
        case TokenKind::DoubleLiteral:
            role = SyntaxRole::Number;
            break;
        case TokenKind::Unexpected:
            role = SyntaxRole::Error;
            break;
        case TokenKind::At:
            role = SyntaxRole::Annotation;
            break;
        case TokenKind::Colon:
            role = p1.role == SyntaxRole::Annotation && p1.isName() ? SyntaxRole::Annotation
                   : p1.role == SyntaxRole::Function                ? SyntaxRole::Function
                                                                    : SyntaxRole::Operator;
            break;
        case TokenKind::Keyword:
            if (p1.is(TokenKind::At)
                || (p1.is(TokenKind::Colon) && p1.role == SyntaxRole::Annotation))
                role = SyntaxRole::Annotation;
            else if (isDefinitionKind(p1) && p2.is(Keyword::Define))
                role = SyntaxRole::Stream;
            else
                role = keywordRole(t.keyword);
            break;
        case TokenKind::Identifier:
        case TokenKind::QuotedIdentifier: {
            const QByteArrayView text = source.sliced(t.offset, t.length);
            if (p1.is(TokenKind::At)
                || (p1.is(TokenKind::Colon) && p1.role == SyntaxRole::Annotation))
                role = SyntaxRole::Annotation;
            else if (p1.is(TokenKind::Dot) && p2.is(Keyword::Window) && p3.is(TokenKind::Hash))
                role = BuiltinNames::contains(builtins.windows, {}, text) ? SyntaxRole::Window
                                                                          : SyntaxRole::Default;
            else if (isDefinitionKind(p1) && p2.is(Keyword::Define))
                role = SyntaxRole::Stream;
            else if (p1.is(Keyword::Function) && p2.is(Keyword::Define))
                role = SyntaxRole::Function;
            else if (next(0).is(TokenKind::LParen)) {
                // A call: ns:name( or name( of the registry, or a function of the app.
                const bool qualified = p1.is(TokenKind::Colon) && p2.isName();
                const QByteArrayView ns =
                    qualified ? source.sliced(p2.offset, p2.length) : QByteArrayView();
                const bool known = BuiltinNames::contains(builtins.functions, ns, text)
                                   || (!qualified && m_names && m_names->isFunctionName(text));
                role = known ? SyntaxRole::Function : SyntaxRole::Default;
            } else if (next(0).is(TokenKind::Colon) && next(1).isName()
                       && next(2).is(TokenKind::LParen) && st.annotationDepth == 0) {
                const Token &name = next(1);
                role = BuiltinNames::contains(builtins.functions, text,
                                              source.sliced(name.offset, name.length))
                           ? SyntaxRole::Function
                           : SyntaxRole::Default;
            } else if (st.annotationDepth > 0)
                role = SyntaxRole::Default; // an annotation's keys
            else if (introducesSource(p1) || p1.is(TokenKind::Hash))
                role = SyntaxRole::Stream;
            else if (p1.is(TokenKind::Dot))
                role = SyntaxRole::Attribute;
            else if (m_names && m_names->isSchemaName(text))
                role = SyntaxRole::Stream;
            else if (m_names && m_names->isAttributeName(text))
                role = SyntaxRole::Attribute;
            else if (m_names && m_names->isFunctionName(text))
                role = SyntaxRole::Function;
            break;
        }
        default:
            role = SyntaxRole::Operator;
            break;
        }
        styles.append(t.length, char(role));

        if (!t.isComment()) {
            // Statement, partition and annotation structure (folding and the line states).
            if (!st.inStatement) {
                if (t.is(Keyword::End) && st.partitionDepth > 0) {
                    --st.partitionDepth;
                    st.inStatement = true;
                } else if (!t.is(TokenKind::Semicolon)) {
                    st.inStatement = true;
                }
            }
            if (t.is(TokenKind::Semicolon) || t.is(Keyword::Define)) {
                if (t.is(TokenKind::Semicolon)) {
                    st.inStatement = false;
                    st.partitionStatement = false;
                }
                st.annotationDepth = 0;
                st.appAnnotation = false;
            } else if (t.is(Keyword::Partition) && st.annotationDepth == 0) {
                st.partitionStatement = true;
            } else if (t.is(Keyword::Begin) && st.partitionStatement) {
                ++st.partitionDepth;
                st.inStatement = false;
                st.partitionStatement = false;
            } else if (t.is(TokenKind::LParen)) {
                if (st.annotationDepth > 0)
                    st.annotationDepth = qMin(st.annotationDepth + 1, 15);
                else if (p1.role == SyntaxRole::Annotation && p1.isName())
                    st.annotationDepth = 1;
            } else if (t.is(TokenKind::RParen) && st.annotationDepth > 0) {
                if (--st.annotationDepth == 0 && st.appAnnotation) {
                    st.appAnnotation = false;
                    st.inStatement = false; // @App:name('...') needs no ';'
                }
            } else if (t.is(Keyword::App) && p1.is(TokenKind::At)) {
                st.appAnnotation = true;
            }
            ctx.push(t, role);
        }

        // Lines that start inside this token.
        for (int i = t.offset; i < t.end(); ++i) {
            if (doc[i] == '\n')
                newLine(i + 1, true);
        }
        cursor = t.end();
    }
    if (stopAt < 0) {
        stopAt = length;
        setFoldLevel(currentLine, previousLevel);
    }
    styles.resize(stopAt - from, char(SyntaxRole::Default));

    ed->SendScintilla(Sci::SCI_STARTSTYLING, from);
    if (!styles.isEmpty())
        ed->SendScintilla(Sci::SCI_SETSTYLINGEX, styles.size(), styles.constData());
    if (early)
        ed->SendScintilla(Sci::SCI_STARTSTYLING, qMin(m_validEnd, length));
    else
        m_validEnd = stopAt;

    m_lastPass.startPosition = from;
    m_lastPass.endPosition = stopAt;
    m_lastPass.firstLine = line;
    m_lastPass.lastLine = qMax(line, stopAt >= length ? currentLine : currentLine - 1);
    m_lastPass.stoppedEarly = early;
    m_lastPass.forced = force;
    ++m_passCount;
    m_dirtyStart = m_dirtyEnd = -1;
    m_forceAll = false;
}

} // namespace Rivulet::Editor
