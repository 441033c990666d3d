#pragma once

#include "engine/export/exporter.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace Rivulet::Studio {

// File > Export...: the apps of the workspace to export, the deployment config, values for the
// apps' ${VAR}s (found in the apps chosen), and the target: a bundle folder (and .tar.gz), a
// standalone executable, or a running engine. The export itself is engine/export's Exporter,
// the code behind `rivulet export`, run on a worker thread; its diagnostics show in the dialog.
class ExportDialog final : public QDialog
{
    Q_OBJECT

public:
    // openTexts: the text of each open document by absolute path, so that what is exported is
    // what the editor shows, saved or not; current is checked at first.
    ExportDialog(const QString &workspace, const QHash<QString, QByteArray> &openTexts,
                 const QString &current, QWidget *parent = nullptr);
    ~ExportDialog() override;

    // What the dialog would export now (for tests and for the command it shows).
    Export::ExportOptions options() const;
    // The equivalent command line.
    QString commandLine() const;
    bool isBusy() const { return m_busy; }
    QString log() const;

    void setTarget(Export::Target target);
    void setOut(const QString &path);
    void setVariable(const QString &name, const QString &value);
    // Runs the export (or only its validation) on a worker thread; finished() follows.
    void start(bool validateOnly);

Q_SIGNALS:
    void finished(bool ok);

private:
    void refreshVariables();
    void updateTarget();
    void append(const QString &line);
    void done(const Export::ExportResult &result, bool validateOnly);

    QString m_workspace;
    QHash<QString, QByteArray> m_openTexts;
    QListWidget *m_apps = nullptr;
    QLineEdit *m_config = nullptr;
    QTableWidget *m_variables = nullptr;
    QComboBox *m_target = nullptr;
    QStackedWidget *m_targetPages = nullptr;
    QLineEdit *m_bundleOut = nullptr;
    QCheckBox *m_tar = nullptr;
    QLineEdit *m_standaloneOut = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_keyFile = nullptr;
    QLabel *m_command = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QPushButton *m_validate = nullptr;
    QPushButton *m_export = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

} // namespace Rivulet::Studio
