#include "problemsdock.h"

#include <QApplication>
#include <QFileInfo>
#include <QHeaderView>
#include <QStyle>
#include <QTreeWidget>

namespace Rivulet::Studio {

ProblemsDock::ProblemsDock(QWidget *parent)
    : QDockWidget(tr("Problems"), parent)
    , m_tree(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("ProblemsDock"));
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Problem"), tr("Where"), tr("Hint")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->setAccessibleName(tr("Problems"));
    setWidget(m_tree);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item, int) {
        const QString file = item->data(0, Qt::UserRole).toString();
        if (!file.isEmpty())
            Q_EMIT activated(file, item->data(0, Qt::UserRole + 1).toInt(),
                             item->data(0, Qt::UserRole + 2).toInt());
    });
    connect(m_tree, &QTreeWidget::itemClicked, m_tree, &QTreeWidget::itemActivated);
}

void ProblemsDock::setDiagnostics(const QString &file, const QList<Lang::Diagnostic> &diagnostics)
{
    if (diagnostics.isEmpty())
        m_byFile.remove(file);
    else
        m_byFile.insert(file, diagnostics);
    rebuild();
}

void ProblemsDock::clearFile(const QString &file)
{
    m_byFile.remove(file);
    rebuild();
}

int ProblemsDock::errorCount() const
{
    int n = 0;
    for (const auto &list : m_byFile) {
        for (const auto &d : list)
            n += d.isError() ? 1 : 0;
    }
    return n;
}

int ProblemsDock::count() const
{
    int n = 0;
    for (const auto &list : m_byFile)
        n += int(list.size());
    return n;
}

void ProblemsDock::rebuild()
{
    m_tree->clear();
    int errors = 0;
    int warnings = 0;
    QStringList files = m_byFile.keys();
    files.sort();
    const QIcon errorIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon warningIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    const QIcon infoIcon = style()->standardIcon(QStyle::SP_MessageBoxInformation);
    for (const QString &file : files) {
        const QList<Lang::Diagnostic> &list = m_byFile[file];
        auto *fileItem = new QTreeWidgetItem(
            m_tree,
            {QStringLiteral("%1 (%2)").arg(QFileInfo(file).fileName()).arg(list.size()), file});
        for (const Lang::Diagnostic &d : list) {
            auto *item = new QTreeWidgetItem(
                fileItem,
                {d.message, QStringLiteral("%1:%2").arg(d.range.line).arg(d.range.column), d.hint});
            item->setIcon(0, d.isError()                             ? errorIcon
                             : d.severity == Lang::Severity::Warning ? warningIcon
                                                                     : infoIcon);
            item->setData(0, Qt::UserRole, file);
            item->setData(0, Qt::UserRole + 1, d.range.line);
            item->setData(0, Qt::UserRole + 2, d.range.column);
            item->setToolTip(0, d.hint.isEmpty() ? d.message
                                                 : d.message + QStringLiteral("\n") + d.hint);
            errors += d.isError() ? 1 : 0;
            warnings += d.severity == Lang::Severity::Warning ? 1 : 0;
        }
        fileItem->setExpanded(true);
    }
    setWindowTitle(errors + warnings > 0 ? tr("Problems (%1)").arg(errors + warnings)
                                         : tr("Problems"));
    Q_EMIT countsChanged(errors, warnings);
}

} // namespace Rivulet::Studio
