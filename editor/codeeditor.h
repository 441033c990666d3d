#pragma once

#include "editorsettings.h"
#include "editortheme.h"

#include "engine/lang/diagnostic.h"

#include "qscintilla.h"

#include <QByteArray>
#include <QList>

namespace Rivulet::Editor {

// QScintilla, wrapped once: line numbers, current line, brace matching, folding, indentation
// guides, comment toggling, find and replace, go to line, zoom, multiple cursors, diagnostics
// (squiggles, margin markers, hover) and themes. Language-neutral: a language brings a lexer
// whose style numbers are SyntaxRole values and overrides the hooks below. Settings and theme
// are values passed in, never read from a global.
//
// Positions are byte offsets into the UTF-8 text, as in the engine's source ranges.
class CodeEditor : public QsciScintilla
{
    Q_OBJECT

public:
    enum FindFlag {
        NoFindFlags = 0,
        RegularExpression = 0x1,
        CaseSensitive = 0x2,
        WholeWord = 0x4,
        Backward = 0x8,
        NoWrap = 0x10,
    };
    Q_DECLARE_FLAGS(FindFlags, FindFlag)

    // Margins, markers and indicators.
    enum Margin { LineNumberMargin = 0, DiagnosticMargin = 1, FoldMargin = 2 };
    enum Marker { ErrorMarker = 1, WarningMarker = 2, InfoMarker = 3 };
    enum Indicator {
        ErrorIndicator = 8,
        WarningIndicator = 9,
        InfoIndicator = 10,
        FindIndicator = 11,
    };

    explicit CodeEditor(QWidget *parent = nullptr);
    ~CodeEditor() override;

    void setSettings(const EditorSettings &settings);
    const EditorSettings &settings() const { return m_settings; }
    void setTheme(const EditorTheme &theme);
    const EditorTheme &theme() const { return m_theme; }

    // Installs the language's lexer (style numbers are SyntaxRole values) and colours it.
    void setSyntaxLexer(QsciLexer *lexer);
    void setLineCommentPrefix(const QString &prefix) { m_commentPrefix = prefix.toUtf8(); }

    QByteArray utf8Text() const;
    QByteArray textRange(int start, int end) const; // the UTF-8 bytes in [start, end)
    int position() const;
    void setPosition(int position);
    int lineOf(int position) const;
    int lineStart(int line) const;
    // Asks the lexer to style everything up to upTo (the end when -1) now.
    void ensureStyled(int upTo = -1);
    int styleAt(int position) const;

    // Editing commands (also on the keyboard: Ctrl+/, Ctrl+D, Alt+Shift+Up/Down, Ctrl+=/-/0).
    void toggleComment();
    bool goToLine(int line); // 1-based
    void goToPosition(int position, int selectTo = -1);
    bool find(const QString &text, FindFlags flags = NoFindFlags);
    // Replaces the selection when it is a match of text, then selects the next match.
    bool replace(const QString &text, const QString &replacement, FindFlags flags = NoFindFlags);
    int replaceAll(const QString &text, const QString &replacement, FindFlags flags = NoFindFlags);
    // Highlights every match of text (empty clears); returns how many there are.
    int highlightMatches(const QString &text, FindFlags flags = NoFindFlags);
    void selectNextOccurrence();
    void addCursorAbove();
    void addCursorBelow();
    int cursorCount() const;
    void resetZoom();

    // Diagnostics: squiggles on their exact ranges, markers in the margin, message on hover.
    void setDiagnostics(const QList<Lang::Diagnostic> &diagnostics);
    const QList<Lang::Diagnostic> &diagnostics() const { return m_diagnostics; }
    // The diagnostics whose squiggle covers position (squiggles move with edits).
    QList<Lang::Diagnostic> diagnosticsAt(int position) const;
    QList<Lang::Diagnostic> diagnosticsOnLine(int line) const; // 0-based line
    // The text of the tooltip at a position: its diagnostics, then what hoverText() adds.
    QString toolTipAt(int position) const;

Q_SIGNALS:
    void settingsChanged();
    void themeChanged();

protected:
    // Hooks for a language.
    virtual QString hoverText(int position) const;
    virtual bool goToDefinitionAt(int position);
    virtual void applyLexerTheme();

    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applySettings();
    void applyTheme();
    void defineMarkers();
    void updateLineNumberWidth();
    void showDwellToolTip(int position, int x, int y);
    int searchFlags(FindFlags flags) const;
    bool findInRange(const QByteArray &needle, int from, int to, int *matchStart, int *matchEnd);

    EditorSettings m_settings;
    EditorTheme m_theme;
    QByteArray m_commentPrefix = QByteArrayLiteral("--");
    QList<Lang::Diagnostic> m_diagnostics;
    int m_lineNumberDigits = 0;
};

} // namespace Rivulet::Editor

Q_DECLARE_OPERATORS_FOR_FLAGS(Rivulet::Editor::CodeEditor::FindFlags)
