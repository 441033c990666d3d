#include "findbar.h"

#include "codeeditor.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>

namespace Rivulet::Editor {

FindBar::FindBar(CodeEditor *editor, QWidget *parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_regex(new QCheckBox(tr("Regex"), this))
    , m_case(new QCheckBox(tr("Match case"), this))
    , m_word(new QCheckBox(tr("Whole word"), this))
    , m_status(new QLabel(this))
    , m_replaceRow(new QWidget(this))
{
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    m_replace->setPlaceholderText(tr("Replace with"));

    auto *previous = new QPushButton(tr("Previous"), this);
    auto *next = new QPushButton(tr("Next"), this);
    auto *closeButton = new QToolButton(this);
    closeButton->setText(QStringLiteral("\u2715"));
    closeButton->setAutoRaise(true);
    closeButton->setToolTip(tr("Close (Esc)"));

    auto *findRow = new QHBoxLayout;
    findRow->setContentsMargins(0, 0, 0, 0);
    findRow->addWidget(m_find, 1);
    findRow->addWidget(previous);
    findRow->addWidget(next);
    findRow->addWidget(m_regex);
    findRow->addWidget(m_case);
    findRow->addWidget(m_word);
    findRow->addWidget(m_status);
    findRow->addWidget(closeButton);

    auto *replaceOneButton = new QPushButton(tr("Replace"), m_replaceRow);
    auto *replaceAllButton = new QPushButton(tr("Replace all"), m_replaceRow);
    auto *replaceLayout = new QHBoxLayout(m_replaceRow);
    replaceLayout->setContentsMargins(0, 0, 0, 0);
    replaceLayout->addWidget(m_replace, 1);
    replaceLayout->addWidget(replaceOneButton);
    replaceLayout->addWidget(replaceAllButton);
    replaceLayout->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);
    layout->addLayout(findRow);
    layout->addWidget(m_replaceRow);

    connect(m_find, &QLineEdit::returnPressed, this, &FindBar::findNext);
    connect(m_find, &QLineEdit::textChanged, this, &FindBar::updateMatches);
    connect(m_replace, &QLineEdit::returnPressed, this, &FindBar::replaceOne);
    connect(next, &QPushButton::clicked, this, &FindBar::findNext);
    connect(previous, &QPushButton::clicked, this, &FindBar::findPrevious);
    connect(replaceOneButton, &QPushButton::clicked, this, &FindBar::replaceOne);
    connect(replaceAllButton, &QPushButton::clicked, this, &FindBar::replaceAll);
    connect(closeButton, &QToolButton::clicked, this, &FindBar::close);
    for (QCheckBox *box : {m_regex, m_case, m_word})
        connect(box, &QCheckBox::toggled, this, &FindBar::updateMatches);
    hide();
}

int FindBar::flags() const
{
    int f = CodeEditor::NoFindFlags;
    if (m_regex->isChecked())
        f |= CodeEditor::RegularExpression;
    if (m_case->isChecked())
        f |= CodeEditor::CaseSensitive;
    if (m_word->isChecked())
        f |= CodeEditor::WholeWord;
    return f;
}

void FindBar::showFind()
{
    m_replaceRow->hide();
    show();
    if (m_editor->hasSelectedText() && !m_editor->selectedText().contains(u'\n'))
        m_find->setText(m_editor->selectedText());
    m_find->setFocus();
    m_find->selectAll();
    updateMatches();
}

void FindBar::showReplace()
{
    showFind();
    m_replaceRow->show();
}

void FindBar::findNext()
{
    if (!m_editor->find(m_find->text(), CodeEditor::FindFlags(flags())))
        m_status->setText(tr("No match"));
}

void FindBar::findPrevious()
{
    if (!m_editor->find(m_find->text(), CodeEditor::FindFlags(flags() | CodeEditor::Backward)))
        m_status->setText(tr("No match"));
}

void FindBar::replaceOne()
{
    m_editor->replace(m_find->text(), m_replace->text(), CodeEditor::FindFlags(flags()));
    updateMatches();
}

void FindBar::replaceAll()
{
    const int n =
        m_editor->replaceAll(m_find->text(), m_replace->text(), CodeEditor::FindFlags(flags()));
    updateMatches();
    m_status->setText(tr("%n replaced", nullptr, n));
}

void FindBar::close()
{
    m_editor->highlightMatches({});
    hide();
    m_editor->setFocus();
}

void FindBar::updateMatches()
{
    if (!isVisible())
        return;
    const int n = m_editor->highlightMatches(m_find->text(), CodeEditor::FindFlags(flags()));
    m_status->setText(m_find->text().isEmpty() ? QString() : tr("%n match(es)", nullptr, n));
}

} // namespace Rivulet::Editor
