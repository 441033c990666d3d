#include "codeeditor.h"

#include <QHelpEvent>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <climits>

namespace Rivulet::Editor {

using Sci = QsciScintillaBase;

namespace {

constexpr int kMarkerMask = (1 << CodeEditor::ErrorMarker) | (1 << CodeEditor::WarningMarker)
                            | (1 << CodeEditor::InfoMarker);

CodeEditor::Indicator indicatorFor(Lang::Severity severity)
{
    switch (severity) {
    case Lang::Severity::Error:
        return CodeEditor::ErrorIndicator;
    case Lang::Severity::Warning:
        return CodeEditor::WarningIndicator;
    case Lang::Severity::Info:
        break;
    }
    return CodeEditor::InfoIndicator;
}

CodeEditor::Marker markerFor(Lang::Severity severity)
{
    switch (severity) {
    case Lang::Severity::Error:
        return CodeEditor::ErrorMarker;
    case Lang::Severity::Warning:
        return CodeEditor::WarningMarker;
    case Lang::Severity::Info:
        break;
    }
    return CodeEditor::InfoMarker;
}

// A margin icon: a disc (error, info) or a triangle (warning) with a glyph on it.
QImage markerImage(int size, const QColor &fill, const QColor &ink, bool triangle, QChar glyph)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal m = size * 0.1;
    const QRectF box(m, m, size - 2 * m, size - 2 * m);
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    if (triangle) {
        QPainterPath path;
        path.moveTo(box.center().x(), box.top());
        path.lineTo(box.right(), box.bottom());
        path.lineTo(box.left(), box.bottom());
        path.closeSubpath();
        p.drawPath(path);
    } else {
        p.drawEllipse(box);
    }
    QFont font;
    font.setBold(true);
    font.setPixelSize(qMax(6, int(size * 0.62)));
    p.setFont(font);
    p.setPen(ink);
    QRectF textBox = box;
    if (triangle)
        textBox.adjust(0, size * 0.18, 0, 0);
    p.drawText(textBox, Qt::AlignCenter, QString(glyph));
    return image;
}

} // namespace

CodeEditor::CodeEditor(QWidget *parent)
    : QsciScintilla(parent)
    , m_settings(EditorSettings::defaults())
    , m_theme(EditorTheme::light())
{
    setUtf8(true);
    setEolMode(EolUnix);
    setAutoIndent(true);
    setBackspaceUnindents(true);
    setTabIndents(true);
    setBraceMatching(SloppyBraceMatch);
    setAutoCompletionSource(AcsNone);
    setCallTipsStyle(CallTipsNone);
    setScrollWidthTracking(true);
    setScrollWidth(1);

    // Multiple cursors: Ctrl+click adds one (where goToDefinitionAt() does not take the click),
    // Alt+drag selects a rectangle, typing and pasting go to every cursor.
    SendScintilla(SCI_SETMULTIPLESELECTION, 1L);
    SendScintilla(SCI_SETADDITIONALSELECTIONTYPING, 1L);
    SendScintilla(SCI_SETMULTIPASTE, long(SC_MULTIPASTE_EACH));
    SendScintilla(SCI_AUTOCSETMULTI, long(SC_MULTIAUTOC_EACH));
    SendScintilla(SCI_SETVIRTUALSPACEOPTIONS, long(SCVS_RECTANGULARSELECTION));
    SendScintilla(SCI_SETMOUSESELECTIONRECTANGULARSWITCH, 1L);

    // Styling sets styles, line states and indicators on many lines at once; nobody listens
    // for those changes, so Scintilla need not report each one.
    SendScintilla(SCI_SETMODEVENTMASK,
                  long(SC_MODEVENTMASKALL
                       & ~(SC_MOD_CHANGESTYLE | SC_MOD_CHANGELINESTATE | SC_MOD_CHANGEINDICATOR)));

    setMarginType(LineNumberMargin, NumberMargin);
    setMarginMarkerMask(LineNumberMargin, 0);
    setMarginType(DiagnosticMargin, SymbolMargin);
    setMarginMarkerMask(DiagnosticMargin, kMarkerMask);
    setMarginSensitivity(DiagnosticMargin, false);

    indicatorDefine(SquigglePixmapIndicator, ErrorIndicator);
    indicatorDefine(SquigglePixmapIndicator, WarningIndicator);
    indicatorDefine(DotsIndicator, InfoIndicator);
    indicatorDefine(StraightBoxIndicator, FindIndicator);
    setIndicatorDrawUnder(true, FindIndicator);
    SendScintilla(SCI_INDICSETALPHA, long(FindIndicator), 110L);
    SendScintilla(SCI_INDICSETOUTLINEALPHA, long(FindIndicator), 200L);

    connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &CodeEditor::showDwellToolTip);
    connect(this, &QsciScintillaBase::SCN_DWELLEND, this, [] { QToolTip::hideText(); });
    connect(this, &QsciScintilla::linesChanged, this, &CodeEditor::updateLineNumberWidth);
    connect(this, &QsciScintillaBase::SCN_ZOOM, this, [this] {
        m_lineNumberDigits = 0;
        updateLineNumberWidth();
    });
    viewport()->installEventFilter(this);

    applySettings();
}

CodeEditor::~CodeEditor() = default;

void CodeEditor::setSettings(const EditorSettings &settings)
{
    m_settings = settings;
    applySettings();
    Q_EMIT settingsChanged();
}

void CodeEditor::setTheme(const EditorTheme &theme)
{
    m_theme = theme;
    applyTheme();
    Q_EMIT themeChanged();
}

void CodeEditor::setSyntaxLexer(QsciLexer *lexer)
{
    setLexer(lexer);
    applyTheme();
}

void CodeEditor::applySettings()
{
    setTabWidth(m_settings.tabWidth);
    setIndentationWidth(0); // the tab width
    setIndentationsUseTabs(m_settings.indentWithTabs);
    setIndentationGuides(m_settings.indentationGuides);
    setCaretLineVisible(m_settings.highlightCurrentLine);
    SendScintilla(SCI_SETCARETLINEVISIBLEALWAYS, long(m_settings.highlightCurrentLine));
    setWrapMode(m_settings.wrapLines ? WrapWord : WrapNone);
    setWhitespaceVisibility(m_settings.showWhitespace ? WsVisible : WsInvisible);
    setFolding(m_settings.folding ? BoxedTreeFoldStyle : NoFoldStyle, FoldMargin);
    SendScintilla(SCI_SETMOUSEDWELLTIME, long(qMax(50, m_settings.hoverDelayMs)));
    applyTheme();
}

void CodeEditor::applyLexerTheme()
{
    QsciLexer *lex = lexer();
    if (!lex)
        return;
    lex->setDefaultFont(m_settings.font);
    lex->setDefaultColor(m_theme.text);
    lex->setDefaultPaper(m_theme.paper);
    for (int role = 0; role < kSyntaxRoleCount; ++role) {
        const TextFormat &format = m_theme.syntax[size_t(role)];
        QFont font = m_settings.font;
        font.setBold(format.bold);
        font.setItalic(format.italic);
        lex->setFont(font, role);
        lex->setColor(format.foreground.isValid() ? format.foreground : m_theme.text, role);
        lex->setPaper(format.background.isValid() ? format.background : m_theme.paper, role);
    }
}

void CodeEditor::applyTheme()
{
    const EditorTheme &t = m_theme;
    if (lexer()) {
        applyLexerTheme();
    } else {
        setFont(m_settings.font);
        setColor(t.text);
        setPaper(t.paper);
    }
    SendScintilla(SCI_STYLESETBACK, long(STYLE_DEFAULT), t.paper);
    SendScintilla(SCI_STYLESETFORE, long(STYLE_DEFAULT), t.text);

    setCaretForegroundColor(t.caret);
    setCaretLineBackgroundColor(t.caretLine);
    setSelectionBackgroundColor(t.selection);
    if (t.selectionText.isValid())
        setSelectionForegroundColor(t.selectionText);
    else
        resetSelectionForegroundColor();
    SendScintilla(SCI_SETADDITIONALSELBACK, t.selection);
    SendScintilla(SCI_SETADDITIONALCARETFORE, t.caret);

    setMarginsFont(m_settings.font);
    setMarginsBackgroundColor(t.margin);
    setMarginsForegroundColor(t.marginText);
    setMarginBackgroundColor(DiagnosticMargin, t.margin);
    setFoldMarginColors(t.foldMargin, t.foldMargin);
    for (int marker = int(SC_MARKNUM_FOLDEREND); marker <= int(SC_MARKNUM_FOLDEROPEN); ++marker) {
        SendScintilla(SCI_MARKERSETFORE, long(marker), t.paper);
        SendScintilla(SCI_MARKERSETBACK, long(marker), t.foldMarker);
    }

    setMatchedBraceBackgroundColor(t.braceMatch);
    setMatchedBraceForegroundColor(t.braceMatchText);
    setUnmatchedBraceBackgroundColor(t.paper);
    setUnmatchedBraceForegroundColor(t.braceBad);
    setIndentationGuidesForegroundColor(t.indentGuide);
    setIndentationGuidesBackgroundColor(t.paper);
    setWhitespaceForegroundColor(t.indentGuide);

    setCallTipsBackgroundColor(t.callTipPaper);
    setCallTipsForegroundColor(t.callTipText);
    setCallTipsHighlightColor(t.callTipHighlight);

    setIndicatorForegroundColor(t.error, ErrorIndicator);
    setIndicatorForegroundColor(t.warning, WarningIndicator);
    setIndicatorForegroundColor(t.info, InfoIndicator);
    setIndicatorForegroundColor(t.findMatch, FindIndicator);
    setIndicatorOutlineColor(t.findMatch, FindIndicator);

    defineMarkers();
    m_lineNumberDigits = 0;
    updateLineNumberWidth();
}

void CodeEditor::defineMarkers()
{
    const int size = qMax(12, int(SendScintilla(SCI_TEXTHEIGHT, 0L)) - 2);
    const QColor white(Qt::white);
    markerDefine(markerImage(size, m_theme.error, white, false, u'!'), ErrorMarker);
    markerDefine(markerImage(size, m_theme.warning, QColor(0x24, 0x29, 0x2e), true, u'!'),
                 WarningMarker);
    markerDefine(markerImage(size, m_theme.info, white, false, u'i'), InfoMarker);
    setMarginWidth(DiagnosticMargin, size + 4);
}

void CodeEditor::updateLineNumberWidth()
{
    if (!m_settings.lineNumbers) {
        setMarginWidth(LineNumberMargin, 0);
        return;
    }
    int digits = 1;
    for (int n = qMax(1, lines()); n >= 10; n /= 10)
        ++digits;
    digits = qMax(3, digits);
    if (digits == m_lineNumberDigits)
        return;
    m_lineNumberDigits = digits;
    const QByteArray sample(digits, '9');
    const int width = int(SendScintilla(SCI_TEXTWIDTH, long(STYLE_LINENUMBER), sample.constData()));
    setMarginWidth(LineNumberMargin, width + 14);
}

QByteArray CodeEditor::utf8Text() const
{
    const int length = int(SendScintilla(SCI_GETLENGTH));
    const char *text = static_cast<const char *>(SendScintillaPtrResult(SCI_GETCHARACTERPOINTER));
    return QByteArray(text, length);
}

QByteArray CodeEditor::textRange(int start, int end) const
{
    const int length = int(SendScintilla(SCI_GETLENGTH));
    start = qBound(0, start, length);
    end = qBound(start, end, length);
    const char *text = reinterpret_cast<const char *>(
        SendScintilla(SCI_GETRANGEPOINTER, static_cast<unsigned long>(start), long(end - start)));
    return QByteArray(text, end - start);
}

int CodeEditor::position() const
{
    return int(SendScintilla(SCI_GETCURRENTPOS));
}

void CodeEditor::setPosition(int position)
{
    SendScintilla(SCI_GOTOPOS, long(position));
}

int CodeEditor::lineOf(int position) const
{
    return int(SendScintilla(SCI_LINEFROMPOSITION, long(position)));
}

int CodeEditor::lineStart(int line) const
{
    return int(SendScintilla(SCI_POSITIONFROMLINE, long(line)));
}

void CodeEditor::ensureStyled(int upTo)
{
    const long length = SendScintilla(SCI_GETLENGTH);
    SendScintilla(SCI_COLOURISE, static_cast<unsigned long>(length), long(upTo < 0 ? -1 : upTo));
}

int CodeEditor::styleAt(int position) const
{
    return int(SendScintilla(SCI_GETSTYLEAT, long(position)));
}

// ---- Editing commands ---------------------------------------------------------------------

void CodeEditor::toggleComment()
{
    if (m_commentPrefix.isEmpty() || isReadOnly())
        return;
    int lineFrom = 0, indexFrom = 0, lineTo = 0, indexTo = 0;
    if (hasSelectedText()) {
        getSelection(&lineFrom, &indexFrom, &lineTo, &indexTo);
        if (indexTo == 0 && lineTo > lineFrom)
            --lineTo;
    } else {
        getCursorPosition(&lineFrom, &indexFrom);
        lineTo = lineFrom;
    }
    const int prefixLength = int(m_commentPrefix.size());
    bool allCommented = true;
    bool anyText = false;
    int minIndent = INT_MAX;
    for (int line = lineFrom; line <= lineTo; ++line) {
        const int start = int(SendScintilla(SCI_GETLINEINDENTPOSITION, long(line)));
        const int end = int(SendScintilla(SCI_GETLINEENDPOSITION, long(line)));
        if (start == end)
            continue;
        anyText = true;
        minIndent = qMin(minIndent, int(SendScintilla(SCI_GETLINEINDENTATION, long(line))));
        if (textRange(start, qMin(end, start + prefixLength)) != m_commentPrefix)
            allCommented = false;
    }
    if (!anyText)
        return;
    beginUndoAction();
    for (int line = lineTo; line >= lineFrom; --line) {
        const int start = int(SendScintilla(SCI_GETLINEINDENTPOSITION, long(line)));
        const int end = int(SendScintilla(SCI_GETLINEENDPOSITION, long(line)));
        if (start == end)
            continue;
        if (allCommented) {
            int n = prefixLength;
            if (start + n < end && textRange(start + n, start + n + 1) == " ")
                ++n;
            SendScintilla(SCI_DELETERANGE, static_cast<unsigned long>(start), long(n));
        } else {
            const long at = SendScintilla(SCI_FINDCOLUMN, long(line), long(minIndent));
            const QByteArray insert = m_commentPrefix + ' ';
            SendScintilla(SCI_INSERTTEXT, static_cast<unsigned long>(at), insert.constData());
        }
    }
    endUndoAction();
}

bool CodeEditor::goToLine(int line)
{
    if (line < 1 || line > lines())
        return false;
    goToPosition(lineStart(line - 1));
    return true;
}

void CodeEditor::goToPosition(int position, int selectTo)
{
    const int line = lineOf(position);
    ensureLineVisible(line);
    SendScintilla(SCI_ENSUREVISIBLEENFORCEPOLICY, long(line));
    if (selectTo >= 0)
        SendScintilla(SCI_SETSEL, static_cast<unsigned long>(position), long(selectTo));
    else
        SendScintilla(SCI_GOTOPOS, long(position));
    // Keep some context above the target.
    const int onScreen = int(SendScintilla(SCI_LINESONSCREEN));
    const int visible = int(SendScintilla(SCI_VISIBLEFROMDOCLINE, long(line)));
    const int first = int(SendScintilla(SCI_GETFIRSTVISIBLELINE));
    if (visible < first || visible >= first + onScreen)
        setFirstVisibleLine(qMax(0, visible - onScreen / 3));
}

int CodeEditor::searchFlags(FindFlags flags) const
{
    int f = 0;
    if (flags & RegularExpression)
        f |= SCFIND_REGEXP | SCFIND_CXX11REGEX;
    if (flags & CaseSensitive)
        f |= SCFIND_MATCHCASE;
    if (flags & WholeWord)
        f |= SCFIND_WHOLEWORD;
    return f;
}

bool CodeEditor::findInRange(const QByteArray &needle, int from, int to, int *matchStart,
                             int *matchEnd)
{
    SendScintilla(SCI_SETTARGETRANGE, static_cast<unsigned long>(from), long(to));
    const long found = SendScintilla(SCI_SEARCHINTARGET, static_cast<unsigned long>(needle.size()),
                                     needle.constData());
    if (found < 0)
        return false;
    *matchStart = int(SendScintilla(SCI_GETTARGETSTART));
    *matchEnd = int(SendScintilla(SCI_GETTARGETEND));
    return true;
}

bool CodeEditor::find(const QString &text, FindFlags flags)
{
    if (text.isEmpty())
        return false;
    const QByteArray needle = text.toUtf8();
    SendScintilla(SCI_SETSEARCHFLAGS, long(searchFlags(flags)));
    const int length = int(SendScintilla(SCI_GETLENGTH));
    const int selStart = int(SendScintilla(SCI_GETSELECTIONSTART));
    const int selEnd = int(SendScintilla(SCI_GETSELECTIONEND));
    int s = -1, e = -1;
    bool found = false;
    if (!(flags & Backward)) {
        found = findInRange(needle, selEnd, length, &s, &e);
        if (found && s == e && s == selEnd && selEnd < length) // an empty match where we are
            found = findInRange(needle, int(SendScintilla(SCI_POSITIONAFTER, long(selEnd))), length,
                                &s, &e);
        if (!found && !(flags & NoWrap))
            found = findInRange(needle, 0, selEnd, &s, &e);
    } else {
        found = findInRange(needle, selStart, 0, &s, &e);
        if (!found && !(flags & NoWrap))
            found = findInRange(needle, length, selStart, &s, &e);
    }
    if (found)
        goToPosition(s, e);
    return found;
}

bool CodeEditor::replace(const QString &text, const QString &replacement, FindFlags flags)
{
    if (text.isEmpty() || isReadOnly())
        return false;
    const QByteArray needle = text.toUtf8();
    SendScintilla(SCI_SETSEARCHFLAGS, long(searchFlags(flags)));
    const int selStart = int(SendScintilla(SCI_GETSELECTIONSTART));
    const int selEnd = int(SendScintilla(SCI_GETSELECTIONEND));
    int s = -1, e = -1;
    bool replaced = false;
    if (selStart != selEnd && findInRange(needle, selStart, selEnd, &s, &e) && s == selStart
        && e == selEnd) {
        const QByteArray with = replacement.toUtf8();
        SendScintilla(SCI_SETTARGETRANGE, static_cast<unsigned long>(s), long(e));
        const long n =
            SendScintilla((flags & RegularExpression) ? SCI_REPLACETARGETRE : SCI_REPLACETARGET,
                          static_cast<unsigned long>(with.size()), with.constData());
        SendScintilla(SCI_SETSEL, static_cast<unsigned long>(s + n), long(s + n));
        replaced = true;
    }
    find(text, flags & ~Backward);
    return replaced;
}

int CodeEditor::replaceAll(const QString &text, const QString &replacement, FindFlags flags)
{
    if (text.isEmpty() || isReadOnly())
        return 0;
    const QByteArray needle = text.toUtf8();
    const QByteArray with = replacement.toUtf8();
    const unsigned int message =
        (flags & RegularExpression) ? SCI_REPLACETARGETRE : SCI_REPLACETARGET;
    SendScintilla(SCI_SETSEARCHFLAGS, long(searchFlags(flags)));
    int count = 0;
    int pos = 0;
    beginUndoAction();
    for (;;) {
        const int length = int(SendScintilla(SCI_GETLENGTH));
        int s = -1, e = -1;
        if (pos > length || !findInRange(needle, pos, length, &s, &e))
            break;
        SendScintilla(SCI_SETTARGETRANGE, static_cast<unsigned long>(s), long(e));
        const int n =
            int(SendScintilla(message, static_cast<unsigned long>(with.size()), with.constData()));
        ++count;
        pos = s + n;
        if (e == s) {
            // An empty match: step over one character so the loop ends.
            if (pos >= int(SendScintilla(SCI_GETLENGTH)))
                break;
            pos = int(SendScintilla(SCI_POSITIONAFTER, long(pos)));
        }
    }
    endUndoAction();
    return count;
}

int CodeEditor::highlightMatches(const QString &text, FindFlags flags)
{
    const int length = int(SendScintilla(SCI_GETLENGTH));
    SendScintilla(SCI_SETINDICATORCURRENT, long(FindIndicator));
    SendScintilla(SCI_INDICATORCLEARRANGE, 0UL, long(length));
    if (text.isEmpty())
        return 0;
    const QByteArray needle = text.toUtf8();
    SendScintilla(SCI_SETSEARCHFLAGS, long(searchFlags(flags)));
    int count = 0;
    int pos = 0;
    while (pos <= length && count < 100000) {
        int s = -1, e = -1;
        if (!findInRange(needle, pos, length, &s, &e))
            break;
        if (e > s) {
            SendScintilla(SCI_SETINDICATORCURRENT, long(FindIndicator));
            SendScintilla(SCI_INDICATORFILLRANGE, static_cast<unsigned long>(s), long(e - s));
            ++count;
            pos = e;
        } else {
            if (s >= length)
                break;
            pos = int(SendScintilla(SCI_POSITIONAFTER, long(s)));
        }
    }
    return count;
}

void CodeEditor::selectNextOccurrence()
{
    const bool empty = SendScintilla(SCI_GETSELECTIONEMPTY) != 0;
    SendScintilla(SCI_SETSEARCHFLAGS, long(SCFIND_MATCHCASE | (empty ? SCFIND_WHOLEWORD : 0)));
    SendScintilla(SCI_TARGETWHOLEDOCUMENT);
    SendScintilla(SCI_MULTIPLESELECTADDNEXT);
    SendScintilla(SCI_SCROLLCARET);
}

void CodeEditor::addCursorAbove()
{
    const long main = SendScintilla(SCI_GETMAINSELECTION);
    const long caret = SendScintilla(SCI_GETSELECTIONNCARET, main);
    const int line = lineOf(int(caret));
    if (line == 0)
        return;
    const long column = SendScintilla(SCI_GETCOLUMN, caret);
    const long pos = SendScintilla(SCI_FINDCOLUMN, long(line - 1), column);
    SendScintilla(SCI_ADDSELECTION, static_cast<unsigned long>(pos), pos);
    SendScintilla(SCI_SCROLLCARET);
}

void CodeEditor::addCursorBelow()
{
    const long main = SendScintilla(SCI_GETMAINSELECTION);
    const long caret = SendScintilla(SCI_GETSELECTIONNCARET, main);
    const int line = lineOf(int(caret));
    if (line + 1 >= lines())
        return;
    const long column = SendScintilla(SCI_GETCOLUMN, caret);
    const long pos = SendScintilla(SCI_FINDCOLUMN, long(line + 1), column);
    SendScintilla(SCI_ADDSELECTION, static_cast<unsigned long>(pos), pos);
    SendScintilla(SCI_SCROLLCARET);
}

int CodeEditor::cursorCount() const
{
    return int(SendScintilla(SCI_GETSELECTIONS));
}

void CodeEditor::resetZoom()
{
    zoomTo(0);
}

// ---- Diagnostics ----------------------------------------------------------------------------

void CodeEditor::setDiagnostics(const QList<Lang::Diagnostic> &diagnostics)
{
    m_diagnostics = diagnostics;
    const int length = int(SendScintilla(SCI_GETLENGTH));
    for (int indicator : {ErrorIndicator, WarningIndicator, InfoIndicator}) {
        SendScintilla(SCI_SETINDICATORCURRENT, long(indicator));
        SendScintilla(SCI_INDICATORCLEARRANGE, 0UL, long(length));
    }
    markerDeleteAll(ErrorMarker);
    markerDeleteAll(WarningMarker);
    markerDeleteAll(InfoMarker);
    for (qsizetype i = 0; i < m_diagnostics.size(); ++i) {
        const Lang::Diagnostic &d = m_diagnostics[i];
        int start = qBound(0, d.range.start, length);
        int end = qBound(start, d.range.end, length);
        if (end == start) {
            // An empty range (a missing token): mark the word or character there.
            end = int(SendScintilla(SCI_WORDENDPOSITION, static_cast<unsigned long>(start), 1L));
            if (end == start && start < length)
                end = int(SendScintilla(SCI_POSITIONAFTER, long(start)));
            if (end == start && start > 0)
                start = int(SendScintilla(SCI_POSITIONBEFORE, long(start)));
        }
        SendScintilla(SCI_SETINDICATORCURRENT, long(indicatorFor(d.severity)));
        SendScintilla(SCI_SETINDICATORVALUE, long(i + 1));
        if (end > start)
            SendScintilla(SCI_INDICATORFILLRANGE, static_cast<unsigned long>(start),
                          long(end - start));
        const int line = lineOf(start);
        const Marker marker = markerFor(d.severity);
        if (!(markersAtLine(line) & (1u << marker)))
            markerAdd(line, marker);
    }
}

QList<Lang::Diagnostic> CodeEditor::diagnosticsAt(int position) const
{
    QList<Lang::Diagnostic> out;
    for (int indicator : {ErrorIndicator, WarningIndicator, InfoIndicator}) {
        const long value = SendScintilla(SCI_INDICATORVALUEAT, long(indicator), long(position));
        if (value > 0 && value <= m_diagnostics.size())
            out << m_diagnostics[value - 1];
    }
    return out;
}

QList<Lang::Diagnostic> CodeEditor::diagnosticsOnLine(int line) const
{
    QList<Lang::Diagnostic> out;
    QList<long> seen;
    const long start = SendScintilla(SCI_POSITIONFROMLINE, long(line));
    const long end = SendScintilla(SCI_GETLINEENDPOSITION, long(line));
    for (int indicator : {ErrorIndicator, WarningIndicator, InfoIndicator}) {
        long pos = start;
        while (pos <= end) {
            const long value = SendScintilla(SCI_INDICATORVALUEAT, long(indicator), pos);
            if (value > 0 && value <= m_diagnostics.size() && !seen.contains(value)) {
                seen << value;
                out << m_diagnostics[value - 1];
            }
            const long next = SendScintilla(SCI_INDICATOREND, long(indicator), pos);
            if (next <= pos)
                break;
            pos = next;
        }
    }
    return out;
}

QString CodeEditor::toolTipAt(int position) const
{
    QStringList parts;
    for (const Lang::Diagnostic &d : diagnosticsAt(position)) {
        QString html = QStringLiteral("<b>%1</b>: %2")
                           .arg(Lang::severityName(d.severity), d.message.toHtmlEscaped());
        if (!d.hint.isEmpty())
            html += QStringLiteral("<br><i>%1</i>").arg(d.hint.toHtmlEscaped());
        parts << html;
    }
    const QString hover = hoverText(position);
    if (!hover.isEmpty())
        parts << hover;
    return parts.join(QStringLiteral("<hr>"));
}

QString CodeEditor::hoverText(int) const
{
    return {};
}

bool CodeEditor::goToDefinitionAt(int)
{
    return false;
}

void CodeEditor::showDwellToolTip(int position, int x, int y)
{
    if (position < 0)
        return;
    const QString text = toolTipAt(position);
    if (text.isEmpty())
        return;
    QToolTip::showText(viewport()->mapToGlobal(QPoint(x, y)),
                       QStringLiteral("<qt>%1</qt>").arg(text), viewport());
}

bool CodeEditor::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == viewport() && event->type() == QEvent::ToolTip) {
        // Hovering a margin marker shows the messages of its line.
        auto *help = static_cast<QHelpEvent *>(event);
        int margins = 0;
        for (int m = 0; m < 3; ++m)
            margins += int(SendScintilla(SCI_GETMARGINWIDTHN, long(m)));
        if (help->pos().x() < margins) {
            const long pos =
                SendScintilla(SCI_POSITIONFROMPOINT, static_cast<unsigned long>(margins + 1),
                              long(help->pos().y()));
            QStringList parts;
            for (const Lang::Diagnostic &d : diagnosticsOnLine(lineOf(int(pos))))
                parts << QStringLiteral("<b>%1</b>: %2")
                             .arg(Lang::severityName(d.severity), d.message.toHtmlEscaped());
            if (parts.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(
                    help->globalPos(),
                    QStringLiteral("<qt>%1</qt>").arg(parts.join(QStringLiteral("<br>"))),
                    viewport());
            return true;
        }
        return true; // the text area shows its tooltips on dwell
    }
    return QsciScintilla::eventFilter(watched, event);
}

void CodeEditor::keyPressEvent(QKeyEvent *event)
{
    const Qt::KeyboardModifiers mods = event->modifiers() & ~Qt::KeypadModifier;
    const int key = event->key();
    const bool ctrl = mods == Qt::ControlModifier;
    if (ctrl && key == Qt::Key_Slash) {
        toggleComment();
    } else if (ctrl && key == Qt::Key_D) {
        selectNextOccurrence();
    } else if (mods == (Qt::AltModifier | Qt::ShiftModifier) && key == Qt::Key_Up) {
        addCursorAbove();
    } else if (mods == (Qt::AltModifier | Qt::ShiftModifier) && key == Qt::Key_Down) {
        addCursorBelow();
    } else if ((ctrl || mods == (Qt::ControlModifier | Qt::ShiftModifier))
               && (key == Qt::Key_Plus || key == Qt::Key_Equal)) {
        zoomIn();
    } else if (ctrl && key == Qt::Key_Minus) {
        zoomOut();
    } else if (ctrl && key == Qt::Key_0) {
        resetZoom();
    } else if (mods == Qt::NoModifier && key == Qt::Key_F12) {
        goToDefinitionAt(position());
    } else if (mods == Qt::NoModifier && key == Qt::Key_Escape && cursorCount() > 1
               && !SendScintilla(SCI_AUTOCACTIVE)) {
        const long main = SendScintilla(SCI_GETMAINSELECTION);
        SendScintilla(SCI_SETEMPTYSELECTION, SendScintilla(SCI_GETSELECTIONNCARET, main));
    } else {
        QsciScintilla::keyPressEvent(event);
        return;
    }
    event->accept();
}

void CodeEditor::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && event->modifiers() == Qt::ControlModifier) {
        const QPoint p = event->position().toPoint();
        const long pos = SendScintilla(SCI_POSITIONFROMPOINTCLOSE,
                                       static_cast<unsigned long>(p.x()), long(p.y()));
        if (pos >= 0 && goToDefinitionAt(int(pos))) {
            event->accept();
            return;
        }
    }
    QsciScintilla::mousePressEvent(event);
}

} // namespace Rivulet::Editor
