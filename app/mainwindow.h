#pragma once

#include <QMainWindow>

namespace Rivulet::Editor {
class EditorView;
class SiddhiEditor;
} // namespace Rivulet::Editor

namespace Rivulet::Studio {

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    bool openFile(const QString &path, QString *error = nullptr);
    Editor::SiddhiEditor *editor() const;

private:
    Editor::EditorView *m_view = nullptr;
};

} // namespace Rivulet::Studio
