#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QLineEdit;
class QListWidget;

namespace Rivulet::Studio {

// Ctrl+Shift+P: every action of the studio, found by typing part of its name.
class CommandPalette final : public QDialog
{
    Q_OBJECT

public:
    CommandPalette(const QList<QAction *> &actions, QWidget *parent = nullptr);
    QStringList visibleCommands() const;
    void setFilter(const QString &text);
    bool triggerCurrent();

private:
    void refill();
    QList<QAction *> m_actions;
    QLineEdit *m_filter;
    QListWidget *m_list;
};

} // namespace Rivulet::Studio
