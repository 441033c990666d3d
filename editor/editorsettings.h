#pragma once

#include <QFont>

namespace Rivulet::Editor {

// How the editor behaves. Passed in as a value (CodeEditor::setSettings), never read from a
// global; the studio keeps it in its own settings.
struct EditorSettings
{
    QFont font; // default: the system's fixed-width font (see defaults())
    int tabWidth = 4;
    bool indentWithTabs = false;
    bool lineNumbers = true;
    bool folding = true;
    bool indentationGuides = true;
    bool highlightCurrentLine = true;
    bool wrapLines = false;
    bool showWhitespace = false;
    bool autoCompletion = true;     // pop up completions while typing
    int autoCompletionMinChars = 1; // letters typed before the list pops up on its own
    int analysisDelayMs = 300;      // live diagnostics run this long after the last keystroke
    int hoverDelayMs = 500;

    static EditorSettings defaults();
};

} // namespace Rivulet::Editor
