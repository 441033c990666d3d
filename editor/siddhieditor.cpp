#include "siddhieditor.h"

#include "siddhilexer.h"

#include "engine/lang/keywords.h"
#include "engine/lang/lexer.h"
#include "engine/lang/registry.h"

#include <QKeyEvent>
#include <QPainter>
#include <QPixmap>

#include <optional>

namespace Rivulet::Editor {

using Lang::Lexer;
using Lang::Token;
using Lang::TokenKind;
using Sci = QsciScintillaBase;

namespace {

constexpr char kListSeparator = '\x03';
constexpr char kTypeSeparator = '\x04';

struct KindLook
{
    CompletionKind kind;
    const char *letter;
    QRgb colour;
};

const KindLook kLooks[] = {
    {CompletionKind::Keyword, "k", 0xa626a4},
    {CompletionKind::Stream, "S", 0xb31d28},
    {CompletionKind::Attribute, "a", 0x005cc5},
    {CompletionKind::Reference, "r", 0x6f42c1},
    {CompletionKind::Function, "f", 0x4078f2},
    {CompletionKind::Aggregate, "\u03a3", 0x4078f2},
    {CompletionKind::Window, "w", 0x2188ff},
    {CompletionKind::StreamProcessor, "p", 0x2188ff},
    {CompletionKind::Namespace, "n", 0x586069},
    {CompletionKind::Annotation, "@", 0xc18401},
    {CompletionKind::AnnotationKey, "=", 0xc18401},
    {CompletionKind::Value, "v", 0x22863a},
    {CompletionKind::Type, "t", 0x0184bc},
};

int imageId(CompletionKind kind)
{
    return int(kind) + 1;
}

// The token at position (a name's end counts as inside it), or an EndOfFile token.
Token tokenAt(const QList<Token> &tokens, int position, qsizetype *index = nullptr)
{
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const Token &t = tokens[i];
        if (t.kind == TokenKind::EndOfFile || t.offset > position)
            break;
        if (position < t.end() || (position == t.end() && t.isName())) {
            if (index)
                *index = i;
            return t;
        }
    }
    return Token();
}

} // namespace

SiddhiEditor::SiddhiEditor(QWidget *parent)
    : CodeEditor(parent)
    , m_lexer(new SiddhiLexer(this))
    , m_service(new AnalysisService(this))
{
    setSyntaxLexer(m_lexer);
    setLineCommentPrefix(QStringLiteral("--"));

    SendScintilla(SCI_AUTOCSETIGNORECASE, 1L);
    SendScintilla(SCI_AUTOCSETORDER, long(SC_ORDER_CUSTOM));
    SendScintilla(SCI_AUTOCSETAUTOHIDE, 1L);
    SendScintilla(SCI_AUTOCSETCANCELATSTART, 0L);
    SendScintilla(SCI_AUTOCSETMAXHEIGHT, 12L);
    registerCompletionImages();

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(settings().analysisDelayMs);
    connect(this, &CodeEditor::settingsChanged, this,
            [this] { m_debounce.setInterval(settings().analysisDelayMs); });
    connect(&m_debounce, &QTimer::timeout, this, &SiddhiEditor::analyzeNow);
    connect(this, &QsciScintilla::textChanged, this, &SiddhiEditor::onTextChanged);
    connect(m_service, &AnalysisService::finished, this, &SiddhiEditor::onAnalysisFinished);
    connect(this, &QsciScintillaBase::SCN_CHARADDED, this, &SiddhiEditor::onCharAdded);
    connect(this, &QsciScintilla::cursorPositionChanged, this, [this] {
        if (SendScintilla(SCI_CALLTIPACTIVE))
            updateCallTip();
    });
}

SiddhiEditor::~SiddhiEditor() = default;

void SiddhiEditor::registerCompletionImages()
{
    const int size = 14;
    for (const KindLook &look : kLooks) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(look.colour));
        p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3);
        QFont font;
        font.setPixelSize(10);
        font.setBold(true);
        p.setFont(font);
        p.setPen(Qt::white);
        p.drawText(QRect(0, 0, size, size), Qt::AlignCenter, QString::fromUtf8(look.letter));
        p.end();
        registerImage(imageId(look.kind), pixmap);
    }
}

// ---- Live diagnostics -------------------------------------------------------------------------

void SiddhiEditor::onTextChanged()
{
    ++m_revision;
    m_debounce.start();
}

void SiddhiEditor::analyzeNow()
{
    m_debounce.stop();
    m_service->request(m_revision, utf8Text(), m_fileName);
}

bool SiddhiEditor::isAnalysisPending() const
{
    return m_debounce.isActive() || !m_analysis || m_analysis->revision != m_revision;
}

void SiddhiEditor::onAnalysisFinished(AnalysisPtr analysis)
{
    if (!analysis || analysis->revision != m_revision)
        return; // the text changed since: a newer analysis is on its way
    m_analysis = analysis;
    const std::shared_ptr<const NameIndex> names(analysis, &analysis->names);
    m_completion.setNames(names);
    m_lexer->setNames(names);
    setDiagnostics(analysis->compiled.diagnostics);
    Q_EMIT diagnosticsChanged(diagnostics());
    Q_EMIT analyzed(analysis);
}

// ---- Completion and call tips -----------------------------------------------------------------

ScanStart SiddhiEditor::scanStartFor(int position)
{
    const SiddhiLexer::StatementStart at = m_lexer->statementStart(position);
    return ScanStart{at.offset, at.line + 1, at.partitionDepth};
}

CompletionResult SiddhiEditor::completionsAt(int position)
{
    const QByteArray text = utf8Text();
    return m_completion.complete(text, position, scanStartFor(position));
}

CallTip SiddhiEditor::callTipAt(int position)
{
    const QByteArray text = utf8Text();
    return m_completion.callTip(text, position, scanStartFor(position));
}

void SiddhiEditor::showCompletions(bool explicitRequest)
{
    showCompletionList(completionsAt(position()), explicitRequest);
}

void SiddhiEditor::showCompletionList(const CompletionResult &result, bool explicitRequest)
{
    const int pos = position();
    if (result.items.isEmpty()) {
        if (explicitRequest)
            SendScintilla(SCI_AUTOCCANCEL);
        return;
    }
    if (!explicitRequest && result.items.size() == 1
        && result.items.constFirst().text.compare(result.prefix, Qt::CaseInsensitive) == 0)
        return; // already typed in full
    QByteArray list;
    for (const CompletionItem &item : result.items) {
        if (!list.isEmpty())
            list += kListSeparator;
        list += item.text.toUtf8() + kTypeSeparator + QByteArray::number(imageId(item.kind));
    }
    SendScintilla(SCI_AUTOCSETSEPARATOR, long(kListSeparator));
    SendScintilla(SCI_AUTOCSETTYPESEPARATOR, long(kTypeSeparator));
    SendScintilla(SCI_AUTOCSHOW, static_cast<unsigned long>(pos - result.replaceStart),
                  list.constData());
}

void SiddhiEditor::updateCallTip()
{
    const CallTip tip = callTipAt(position());
    if (!tip.valid) {
        m_tipPosition = m_tipArgument = -1;
        SendScintilla(SCI_CALLTIPCANCEL);
        return;
    }
    if (tip.position == m_tipPosition && tip.argument == m_tipArgument
        && SendScintilla(SCI_CALLTIPACTIVE))
        return;
    m_tipPosition = tip.position;
    m_tipArgument = tip.argument;
    const QByteArray text = tip.text.toUtf8();
    SendScintilla(SCI_CALLTIPSHOW, static_cast<unsigned long>(tip.position), text.constData());
    if (tip.highlightStart >= 0)
        SendScintilla(SCI_CALLTIPSETHLT, static_cast<unsigned long>(tip.highlightStart),
                      long(tip.highlightEnd));
}

void SiddhiEditor::onCharAdded(int ch)
{
    if (ch == '(' || ch == ',' || ch == ')')
        updateCallTip();
    if (!settings().autoCompletion)
        return;
    const bool wordChar = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                          || (ch >= '0' && ch <= '9') || ch == '_';
    if (SendScintilla(SCI_AUTOCACTIVE)) {
        if (!wordChar && (ch == '.' || ch == ':' || ch == '@' || ch == '#'))
            showCompletions(false);
        return;
    }
    if (ch == '.' || ch == '@' || ch == '#' || ch == ':' || ch == '\'' || ch == '"') {
        showCompletions(false);
    } else if (wordChar && !(ch >= '0' && ch <= '9')) {
        const int pos = position();
        const int start =
            int(SendScintilla(SCI_WORDSTARTPOSITION, static_cast<unsigned long>(pos), 1L));
        if (pos - start >= qMax(1, settings().autoCompletionMinChars))
            showCompletions(false);
    } else if (ch == ' ') {
        // After a word that expects a name: from, join, into, define, delete, update ...
        static const QStringList nameContexts = {
            QStringLiteral("source"), QStringLiteral("target"), QStringLiteral("table"),
            QStringLiteral("definition"), QStringLiteral("output")};
        const CompletionResult result = completionsAt(position());
        if (nameContexts.contains(result.context))
            showCompletionList(result, false);
    }
}

void SiddhiEditor::keyPressEvent(QKeyEvent *event)
{
    const Qt::KeyboardModifiers mods = event->modifiers() & ~Qt::KeypadModifier;
    if (mods == Qt::ControlModifier && event->key() == Qt::Key_Space) {
        showCompletions(true);
        event->accept();
        return;
    }
    if (mods == (Qt::ControlModifier | Qt::ShiftModifier) && event->key() == Qt::Key_Space) {
        updateCallTip();
        event->accept();
        return;
    }
    CodeEditor::keyPressEvent(event);
}

// ---- Hover and go to definition ---------------------------------------------------------------

QString SiddhiEditor::hoverText(int position) const
{
    const QByteArray text = utf8Text();
    const QList<Token> tokens = Lexer::tokenize(text);
    qsizetype index = -1;
    const Token t = tokenAt(tokens, position, &index);
    if (index < 0 || !t.isName())
        return {};
    const QString word = Lexer::tokenText(text, t);
    const auto at = [&](qsizetype i) { return i >= 0 && i < tokens.size() ? tokens[i] : Token(); };
    const Lang::Registry &registry = Lang::Registry::builtins();
    const auto describe = [](const Lang::BuiltinSpec *spec) {
        return QStringLiteral("<code>%1</code><br>%2")
            .arg(spec->signature().toHtmlEscaped(), spec->doc.toHtmlEscaped());
    };
    switch (SyntaxRole(styleAt(t.offset))) {
    case SyntaxRole::Function: {
        QString ns;
        QString name = word;
        qsizetype first = index;
        if (at(index + 1).is(TokenKind::Colon) && at(index + 2).isName()) {
            ns = word;
            name = Lexer::tokenText(text, at(index + 2));
        } else if (at(index - 1).is(TokenKind::Colon) && at(index - 2).isName()) {
            ns = Lexer::tokenText(text, at(index - 2));
            first = index - 2;
        }
        const bool processor = at(first - 1).is(TokenKind::Hash);
        for (Lang::BuiltinKind kind : {Lang::BuiltinKind::Function, Lang::BuiltinKind::Aggregate,
                                       Lang::BuiltinKind::StreamProcessor}) {
            if (processor != (kind == Lang::BuiltinKind::StreamProcessor))
                continue;
            if (const Lang::BuiltinSpec *spec = registry.find(kind, ns, name))
                return describe(spec);
        }
        return {};
    }
    case SyntaxRole::Window:
        if (const Lang::BuiltinSpec *spec = registry.find(Lang::BuiltinKind::Window, {}, word))
            return describe(spec);
        return {};
    case SyntaxRole::Stream: {
        const NamedSchema *s = m_analysis ? m_analysis->names.schema(word) : nullptr;
        std::optional<NameIndex> fresh;
        if (!s || s->attributes.isEmpty()) {
            // Defined since the last analysis?
            fresh = NameIndex::fromTokens(text);
            if (const NamedSchema *f = fresh->schema(word))
                s = f;
        }
        if (!s)
            return {};
        QStringList attributes;
        for (const Lang::AttributeInfo &a : s->attributes)
            attributes << a.name + u' ' + Lang::typeName(a.type);
        return QStringLiteral("%1 <b>%2</b> (%3)")
            .arg(Lang::schemaKindName(s->kind), s->name.toHtmlEscaped(),
                 attributes.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    case SyntaxRole::Keyword:
    case SyntaxRole::Type:
    case SyntaxRole::TimeUnit:
    case SyntaxRole::Constant:
        if (t.kind == TokenKind::Keyword) {
            const Lang::KeywordInfo &info = Lang::keywordInfo(t.keyword);
            return QStringLiteral("<b>%1</b>: %2")
                .arg(QString::fromLatin1(info.canonical),
                     QString::fromUtf8(info.doc).toHtmlEscaped());
        }
        return {};
    default:
        return {};
    }
}

int SiddhiEditor::definitionOf(int position, int *end) const
{
    const QByteArray text = utf8Text();
    const QList<Token> tokens = Lexer::tokenize(text);
    qsizetype index = -1;
    const Token t = tokenAt(tokens, position, &index);
    if (index < 0 || !t.isName())
        return -1;
    const QString word = Lexer::tokenText(text, t);
    const auto found = [end](int s, int e) {
        if (end)
            *end = e;
        return s;
    };

    // An alias or event reference of the same statement: `as a`, `e1=`.
    qsizetype first = index;
    while (first > 0 && !tokens[first - 1].is(TokenKind::Semicolon))
        --first;
    qsizetype last = index;
    while (last + 1 < tokens.size() && !tokens[last].is(TokenKind::Semicolon)
           && tokens[last].kind != TokenKind::EndOfFile)
        ++last;
    for (qsizetype i = first; i <= last; ++i) {
        const Token &c = tokens[i];
        if (!c.isName() || Lexer::tokenText(text, c) != word)
            continue;
        const bool alias = i > 0 && tokens[i - 1].is(Lang::Keyword::As) && i + 1 < tokens.size()
                           && !tokens[i + 1].is(Lang::Keyword::Select)
                           && !tokens[i + 1].is(TokenKind::Comma);
        const bool eventRef =
            i + 1 < tokens.size() && tokens[i + 1].is(TokenKind::Assign) && i > 0
            && (tokens[i - 1].is(Lang::Keyword::From) || tokens[i - 1].is(Lang::Keyword::Every)
                || tokens[i - 1].is(TokenKind::Arrow) || tokens[i - 1].is(TokenKind::Comma)
                || tokens[i - 1].is(TokenKind::LParen));
        if (alias || eventRef)
            return found(c.offset, c.end());
    }

    // Streams, tables, windows, aggregations, triggers and functions of the app.
    const NameIndex fresh = NameIndex::fromTokens(text);
    if (const NamedSchema *s = fresh.schema(word); s && s->definitionStart >= 0)
        return found(s->definitionStart, s->definitionEnd);
    if (const int f = fresh.functionDefinition(word); f >= 0)
        return found(f, f + int(word.toUtf8().size()));
    if (m_analysis && m_analysis->revision == m_revision) {
        if (const NamedSchema *s = m_analysis->names.schema(word); s && s->definitionStart >= 0)
            return found(s->definitionStart, s->definitionEnd);
    }
    return -1;
}

bool SiddhiEditor::goToDefinitionAt(int position)
{
    int end = -1;
    const int start = definitionOf(position, &end);
    if (start < 0)
        return false;
    goToPosition(end, start);
    return true;
}

} // namespace Rivulet::Editor
