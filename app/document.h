#pragma once

#include "engine/lang/diagnostic.h"

#include <QString>
#include <QWidget>

namespace Rivulet::Editor {
class CodeEditor;
class EditorView;
class SiddhiEditor;
struct EditorSettings;
struct EditorTheme;
} // namespace Rivulet::Editor

namespace Rivulet::Studio {

// One open file: a SiddhiQL app (EditorView with live diagnostics) or any other text file
// (simulations, configs, CSV) in a plain code editor.
class Document final : public QWidget
{
    Q_OBJECT

public:
    explicit Document(const QString &path, QWidget *parent = nullptr);

    QString path() const { return m_path; }
    void setPath(const QString &path);
    QString displayName() const;
    bool isApp() const;
    bool isModified() const;

    bool load(QString *error);
    bool save(QString *error);
    QByteArray text() const;
    void setText(const QByteArray &text);

    Editor::CodeEditor *codeEditor() const { return m_code; }
    Editor::SiddhiEditor *siddhiEditor() const { return m_siddhi; }
    Editor::EditorView *view() const { return m_view; }
    QList<Lang::Diagnostic> diagnostics() const { return m_diagnostics; }

    // The app's name from @App:name in the current text, or empty.
    QString appName() const;

    void applySettings(const Editor::EditorSettings &settings, const Editor::EditorTheme &theme);
    void goTo(int line, int column);

Q_SIGNALS:
    void modificationChanged(bool modified);
    void diagnosticsChanged(const QList<Rivulet::Lang::Diagnostic> &diagnostics);

private:
    QString m_path;
    Editor::EditorView *m_view = nullptr;
    Editor::SiddhiEditor *m_siddhi = nullptr;
    Editor::CodeEditor *m_code = nullptr;
    QList<Lang::Diagnostic> m_diagnostics;
};

} // namespace Rivulet::Studio
