#pragma once

#include <QWidget>

namespace Rivulet::Editor {

class FindBar;
class SiddhiEditor;

// What a studio embeds: the SiddhiQL editor with its find bar and the usual keys
// (Ctrl+F find, Ctrl+H replace, F3/Shift+F3 next/previous, Ctrl+G go to line, Esc close).
class EditorView final : public QWidget
{
    Q_OBJECT

public:
    explicit EditorView(QWidget *parent = nullptr);

    SiddhiEditor *editor() const { return m_editor; }
    FindBar *findBar() const { return m_findBar; }
    void askGoToLine();

private:
    SiddhiEditor *m_editor;
    FindBar *m_findBar;
};

} // namespace Rivulet::Editor
