#include "mainwindow.h"

#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QStatusBar>

namespace Rivulet::Studio {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_text(new QPlainTextEdit(this))
{
    setWindowTitle(QStringLiteral("Rivulet Studio"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setReadOnly(true);
    setCentralWidget(m_text);
    statusBar()->showMessage(tr("Ready"));
    resize(1100, 720);
}

bool MainWindow::openFile(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = f.errorString();
        return false;
    }
    m_text->setPlainText(QString::fromUtf8(f.readAll()));
    setWindowTitle(QFileInfo(path).fileName() + QStringLiteral(" - Rivulet Studio"));
    return true;
}

} // namespace Rivulet::Studio
