#include "editortheme.h"

namespace Rivulet::Editor {

namespace {

TextFormat f(const char *fg, bool bold = false, bool italic = false)
{
    return TextFormat{QColor(QLatin1String(fg)), QColor(), bold, italic};
}

void set(EditorTheme &t, SyntaxRole role, TextFormat format)
{
    t.syntax[size_t(role)] = format;
}

} // namespace

EditorTheme EditorTheme::light()
{
    EditorTheme t;
    t.name = QStringLiteral("light");
    t.isDark = false;
    t.paper = QColor(0xff, 0xff, 0xff);
    t.text = QColor(0x24, 0x29, 0x2e);
    t.caret = QColor(0x24, 0x29, 0x2e);
    t.caretLine = QColor(0xf3, 0xf6, 0xfa);
    t.selection = QColor(0xc8, 0xdd, 0xf7);
    t.selectionText = QColor(); // keep the syntax colours
    t.margin = QColor(0xf6, 0xf8, 0xfa);
    t.marginText = QColor(0x8c, 0x95, 0x9f);
    t.foldMargin = QColor(0xf6, 0xf8, 0xfa);
    t.foldMarker = QColor(0x8c, 0x95, 0x9f);
    t.braceMatch = QColor(0xd4, 0xed, 0xda);
    t.braceMatchText = QColor(0x11, 0x63, 0x29);
    t.braceBad = QColor(0xd7, 0x3a, 0x49);
    t.indentGuide = QColor(0xd8, 0xde, 0xe4);
    t.error = QColor(0xd7, 0x3a, 0x49);
    t.warning = QColor(0xc6, 0x8a, 0x00);
    t.info = QColor(0x03, 0x66, 0xd6);
    t.findMatch = QColor(0xff, 0xdf, 0x5d);
    t.callTipPaper = QColor(0xff, 0xfb, 0xe6);
    t.callTipText = QColor(0x24, 0x29, 0x2e);
    t.callTipHighlight = QColor(0x03, 0x66, 0xd6);

    set(t, SyntaxRole::Default, f("#24292e"));
    set(t, SyntaxRole::Comment, f("#6a737d", false, true));
    set(t, SyntaxRole::Keyword, f("#a626a4", true));
    set(t, SyntaxRole::Type, f("#0184bc"));
    set(t, SyntaxRole::TimeUnit, f("#0184bc", false, true));
    set(t, SyntaxRole::Constant, f("#986801", true));
    set(t, SyntaxRole::Number, f("#986801"));
    set(t, SyntaxRole::String, f("#50a14f"));
    set(t, SyntaxRole::Script, f("#50a14f", false, true));
    set(t, SyntaxRole::Operator, f("#5c6370"));
    set(t, SyntaxRole::Annotation, f("#c18401"));
    set(t, SyntaxRole::Function, f("#4078f2"));
    set(t, SyntaxRole::Window, f("#4078f2", true));
    set(t, SyntaxRole::Stream, f("#b31d28", true));
    set(t, SyntaxRole::Attribute, f("#005cc5"));
    TextFormat error = f("#ffffff");
    error.background = QColor(0xd7, 0x3a, 0x49);
    set(t, SyntaxRole::Error, error);
    return t;
}

EditorTheme EditorTheme::dark()
{
    EditorTheme t;
    t.name = QStringLiteral("dark");
    t.isDark = true;
    t.paper = QColor(0x1e, 0x22, 0x27);
    t.text = QColor(0xd4, 0xd8, 0xde);
    t.caret = QColor(0xe6, 0xea, 0xef);
    t.caretLine = QColor(0x2a, 0x2f, 0x36);
    t.selection = QColor(0x3a, 0x4a, 0x63);
    t.selectionText = QColor();
    t.margin = QColor(0x1a, 0x1d, 0x22);
    t.marginText = QColor(0x63, 0x6d, 0x78);
    t.foldMargin = QColor(0x1a, 0x1d, 0x22);
    t.foldMarker = QColor(0x63, 0x6d, 0x78);
    t.braceMatch = QColor(0x2f, 0x4f, 0x3a);
    t.braceMatchText = QColor(0x98, 0xe0, 0xa8);
    t.braceBad = QColor(0xf9, 0x75, 0x83);
    t.indentGuide = QColor(0x33, 0x39, 0x40);
    t.error = QColor(0xf9, 0x75, 0x83);
    t.warning = QColor(0xe5, 0xc0, 0x7b);
    t.info = QColor(0x61, 0xaf, 0xef);
    t.findMatch = QColor(0x7a, 0x62, 0x18);
    t.callTipPaper = QColor(0x2a, 0x2f, 0x36);
    t.callTipText = QColor(0xd4, 0xd8, 0xde);
    t.callTipHighlight = QColor(0x61, 0xaf, 0xef);

    set(t, SyntaxRole::Default, f("#d4d8de"));
    set(t, SyntaxRole::Comment, f("#7f8a96", false, true));
    set(t, SyntaxRole::Keyword, f("#c678dd", true));
    set(t, SyntaxRole::Type, f("#56b6c2"));
    set(t, SyntaxRole::TimeUnit, f("#56b6c2", false, true));
    set(t, SyntaxRole::Constant, f("#d19a66", true));
    set(t, SyntaxRole::Number, f("#d19a66"));
    set(t, SyntaxRole::String, f("#98c379"));
    set(t, SyntaxRole::Script, f("#98c379", false, true));
    set(t, SyntaxRole::Operator, f("#abb2bf"));
    set(t, SyntaxRole::Annotation, f("#e5c07b"));
    set(t, SyntaxRole::Function, f("#61afef"));
    set(t, SyntaxRole::Window, f("#61afef", true));
    set(t, SyntaxRole::Stream, f("#ef8d6b", true));
    set(t, SyntaxRole::Attribute, f("#8fc6f5"));
    TextFormat error = f("#ffffff");
    error.background = QColor(0xa8, 0x32, 0x3e);
    set(t, SyntaxRole::Error, error);
    return t;
}

EditorTheme EditorTheme::byName(const QString &name)
{
    return name.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0 ? dark() : light();
}

} // namespace Rivulet::Editor
