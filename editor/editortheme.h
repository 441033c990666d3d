#pragma once

#include <QColor>
#include <QString>

#include <array>

namespace Rivulet::Editor {

// What a piece of source text is, for colouring. A lexer's style numbers are these values, so
// one theme colours any lexer of the editor.
enum class SyntaxRole : int {
    Default,
    Comment,
    Keyword,
    Type,
    TimeUnit,
    Constant, // true, false, null
    Number,
    String,
    Script, // function bodies { ... }
    Operator,
    Annotation,
    Function,
    Window,
    Stream, // streams, tables, windows, aggregations, triggers
    Attribute,
    Error, // characters that start no token
    Count_
};
constexpr int kSyntaxRoleCount = int(SyntaxRole::Count_);

struct TextFormat
{
    QColor foreground;
    QColor background; // invalid: the theme's paper
    bool bold = false;
    bool italic = false;
};

// The colours of the editor. Passed in as a value (CodeEditor::setTheme), never read from a
// global, and switchable at run time.
struct EditorTheme
{
    QString name;
    bool isDark = false;
    QColor paper;
    QColor text;
    QColor caret;
    QColor caretLine;
    QColor selection;
    QColor selectionText;
    QColor margin;
    QColor marginText;
    QColor foldMargin;
    QColor foldMarker;
    QColor braceMatch;
    QColor braceMatchText;
    QColor braceBad;
    QColor indentGuide;
    QColor error;
    QColor warning;
    QColor info;
    QColor findMatch;
    QColor callTipPaper;
    QColor callTipText;
    QColor callTipHighlight;
    std::array<TextFormat, kSyntaxRoleCount> syntax;

    const TextFormat &format(SyntaxRole role) const { return syntax[size_t(role)]; }

    static EditorTheme light();
    static EditorTheme dark();
    // "light" or "dark"; anything else gives the light theme.
    static EditorTheme byName(const QString &name);
};

} // namespace Rivulet::Editor
