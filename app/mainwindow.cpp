#include "mainwindow.h"

#include "editor/editorview.h"
#include "editor/siddhieditor.h"

#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QMenuBar>
#include <QStatusBar>

namespace Rivulet::Studio {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_view(new Editor::EditorView(this))
{
    setWindowTitle(QStringLiteral("Rivulet Studio"));
    setCentralWidget(m_view);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *dark = view->addAction(tr("&Dark Theme"));
    dark->setCheckable(true);
    connect(dark, &QAction::toggled, this, [this](bool on) {
        editor()->setTheme(on ? Editor::EditorTheme::dark() : Editor::EditorTheme::light());
    });

    connect(editor(), &Editor::SiddhiEditor::diagnosticsChanged, this,
            [this](const QList<Lang::Diagnostic> &diagnostics) {
                int errors = 0;
                for (const Lang::Diagnostic &d : diagnostics)
                    errors += d.isError() ? 1 : 0;
                const int warnings = int(diagnostics.size()) - errors;
                statusBar()->showMessage(
                    errors == 0 && warnings == 0
                        ? tr("No problems")
                        : tr("%1 error(s), %2 warning(s)").arg(errors).arg(warnings));
            });
    statusBar()->showMessage(tr("Ready"));
    resize(1100, 720);
}

Editor::SiddhiEditor *MainWindow::editor() const
{
    return m_view->editor();
}

bool MainWindow::openFile(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = f.errorString();
        return false;
    }
    editor()->setFileName(path);
    editor()->setText(QString::fromUtf8(f.readAll()));
    editor()->setModified(false);
    editor()->analyzeNow();
    setWindowTitle(QFileInfo(path).fileName() + QStringLiteral(" - Rivulet Studio"));
    return true;
}

} // namespace Rivulet::Studio
