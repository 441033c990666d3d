#include "editorview.h"

#include "findbar.h"
#include "siddhieditor.h"

#include <QInputDialog>
#include <QShortcut>
#include <QVBoxLayout>

namespace Rivulet::Editor {

EditorView::EditorView(QWidget *parent)
    : QWidget(parent)
    , m_editor(new SiddhiEditor(this))
    , m_findBar(new FindBar(m_editor, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_findBar);
    setFocusProxy(m_editor);

    const auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence::Find, [this] { m_findBar->showFind(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_H), [this] { m_findBar->showReplace(); });
    shortcut(QKeySequence::FindNext, [this] { m_findBar->findNext(); });
    shortcut(QKeySequence::FindPrevious, [this] { m_findBar->findPrevious(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_G), [this] { askGoToLine(); });
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), m_findBar);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, m_findBar, &FindBar::close);
}

void EditorView::askGoToLine()
{
    int line = 0, index = 0;
    m_editor->getCursorPosition(&line, &index);
    bool ok = false;
    const int target =
        QInputDialog::getInt(this, tr("Go to Line"), tr("Line (1 to %1):").arg(m_editor->lines()),
                             line + 1, 1, m_editor->lines(), 1, &ok);
    if (ok)
        m_editor->goToLine(target);
}

} // namespace Rivulet::Editor
