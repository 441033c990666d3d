#pragma once

#include "engine/lang/diagnostic.h"

#include <QDockWidget>
#include <QHash>

class QTreeWidget;
class QTreeWidgetItem;

namespace Rivulet::Studio {

// Every diagnostic of the open apps (and of the last failed run), grouped by file. Activating
// one asks to jump there.
class ProblemsDock final : public QDockWidget
{
    Q_OBJECT

public:
    explicit ProblemsDock(QWidget *parent = nullptr);
    void setDiagnostics(const QString &file, const QList<Lang::Diagnostic> &diagnostics);
    void clearFile(const QString &file);
    int errorCount() const;
    int count() const;

Q_SIGNALS:
    void activated(const QString &file, int line, int column);
    void countsChanged(int errors, int warnings);

private:
    void rebuild();
    QTreeWidget *m_tree;
    QHash<QString, QList<Lang::Diagnostic>> m_byFile;
};

} // namespace Rivulet::Studio
