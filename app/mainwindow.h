#pragma once

#include <QMainWindow>

class QPlainTextEdit;

namespace Rivulet::Studio {

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    bool openFile(const QString &path, QString *error = nullptr);

private:
    QPlainTextEdit *m_text = nullptr;
};

} // namespace Rivulet::Studio
