#include "commandpalette.h"

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace Rivulet::Studio {

CommandPalette::CommandPalette(const QList<QAction *> &actions, QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint)
    , m_actions(actions)
    , m_filter(new QLineEdit)
    , m_list(new QListWidget)
{
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(6, 6, 6, 6);
    m_filter->setPlaceholderText(tr("Type a command"));
    m_filter->setAccessibleName(tr("Command"));
    m_list->setAccessibleName(tr("Commands"));
    v->addWidget(m_filter);
    v->addWidget(m_list);
    resize(520, 360);
    connect(m_filter, &QLineEdit::textChanged, this, &CommandPalette::refill);
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        if (triggerCurrent())
            accept();
    });
    connect(m_list, &QListWidget::itemActivated, this, [this] {
        if (triggerCurrent())
            accept();
    });
    m_filter->installEventFilter(this);
    refill();
}

void CommandPalette::setFilter(const QString &text)
{
    m_filter->setText(text);
}

QStringList CommandPalette::visibleCommands() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->text();
    return out;
}

void CommandPalette::refill()
{
    m_list->clear();
    const QStringList words = m_filter->text().split(u' ', Qt::SkipEmptyParts);
    for (int i = 0; i < m_actions.size(); ++i) {
        QAction *a = m_actions[i];
        if (!a->isEnabled() || a->text().isEmpty())
            continue;
        QString name = a->text();
        name.remove(u'&');
        bool match = true;
        for (const QString &w : words)
            match = match && name.contains(w, Qt::CaseInsensitive);
        if (!match)
            continue;
        const QString shortcut = a->shortcut().toString(QKeySequence::NativeText);
        auto *item = new QListWidgetItem(
            shortcut.isEmpty() ? name : QStringLiteral("%1\t%2").arg(name, shortcut), m_list);
        item->setData(Qt::UserRole, i);
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

bool CommandPalette::triggerCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return false;
    QAction *a = m_actions.value(item->data(Qt::UserRole).toInt());
    hide();
    if (a)
        a->trigger();
    return a != nullptr;
}

} // namespace Rivulet::Studio
