#pragma once

#include "enginehost.h"

#include "editor/editorsettings.h"
#include "editor/editortheme.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QFileSystemModel;
class QLabel;
class QMenu;
class QSettings;
class QTabWidget;
class QTreeView;

namespace Rivulet::Studio {

class ConsoleDock;
class Document;
class GatewayClient;
class LiveOutputDock;
class MetricsDock;
class ProblemsDock;
class SimulatorDock;
class WelcomePage;

// Rivulet Studio's main window: a workspace folder with its file tree, editor tabs, the
// Problems, Console, Simulator, Live output and Metrics docks, running apps in-process, and
// the session restored at the next start. Settings come in as a QSettings object (not a
// global), so tests can use their own.
class StudioWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit StudioWindow(QSettings *settings, QWidget *parent = nullptr);
    ~StudioWindow() override;

    // Workspace
    QString workspace() const { return m_workspace; }
    void setWorkspace(const QString &folder);

    // Documents
    Document *openFile(const QString &path);
    Document *currentDocument() const;
    Document *document(const QString &path) const;
    QList<Document *> documents() const;
    bool saveDocument(Document *doc, bool askAboutName = true);
    bool closeDocument(Document *doc);
    QString importSample(const QString &sampleFileName);
    QString newApp(const QString &name, const QString &templateName = QStringLiteral("empty"));

    // Run
    void runCurrent();
    void stopCurrent();
    quint64 runOf(Document *doc) const;
    EngineHost *engine() const { return m_engine; }

    // Session and themes
    void restoreSession();
    void saveSession();
    void setDarkTheme(bool dark);
    bool isDarkTheme() const { return m_theme.isDark; }
    QStringList recentFiles() const;

    QList<QAction *> allActions() const;
    void showCommandPalette();

    ProblemsDock *problems() const { return m_problems; }
    ConsoleDock *console() const { return m_console; }
    SimulatorDock *simulator() const { return m_simulator; }
    LiveOutputDock *liveOutput() const { return m_live; }
    MetricsDock *metrics() const { return m_metrics; }
    GatewayClient *gatewayClient() const { return m_gatewayClient; }
    QTabWidget *tabs() const { return m_tabs; }
    // The workspace's deployment config: the gateway runs beside the apps it lists.
    QString deploymentConfigPath() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createDocks();
    void updateTitle();
    void updateTab(Document *doc);
    void updateRunActions();
    void addRecent(const QString &path);
    void applyThemeToApplication();
    void onStarted(const RunInfo &run);
    void onFailed(quint64 runId, const QString &path, const QString &message,
                  const QList<Lang::Diagnostic> &diagnostics);
    void onStopped(quint64 runId, const QString &path);
    void newFromTemplate();
    void openDialog();
    void saveAs(Document *doc);
    void renameFile(const QString &path);
    void deleteFile(const QString &path);
    void chooseWorkspace();
    void showWelcome();
    void proposeLiveUrls(const RunInfo *justStarted = nullptr);
    void importSampleDeployment(const QString &sampleFileName);
    void onGatewayStarted(const GatewayInfo &gateway);
    void onGatewayStopped();
    bool askGatewayCredentials(const QString &tenant, const QString &problem, QString *user,
                               QString *password);

    QSettings *m_settings;
    QString m_workspace;
    EngineHost *m_engine;
    QTabWidget *m_tabs;
    QTreeView *m_tree;
    QFileSystemModel *m_fsModel;
    WelcomePage *m_welcome = nullptr;
    ProblemsDock *m_problems = nullptr;
    ConsoleDock *m_console = nullptr;
    SimulatorDock *m_simulator = nullptr;
    LiveOutputDock *m_live = nullptr;
    MetricsDock *m_metrics = nullptr;
    GatewayClient *m_gatewayClient = nullptr;
    QLabel *m_runLabel;
    Editor::EditorSettings m_editorSettings;
    Editor::EditorTheme m_theme;
    QHash<QString, quint64> m_runByPath;
    QHash<QString, QAction *> m_actions;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    bool m_restoring = false;
    bool m_layoutRestored = false;
};

} // namespace Rivulet::Studio
