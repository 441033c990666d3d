#include "studiowindow.h"

#include "commandpalette.h"
#include "consoledock.h"
#include "document.h"
#include "exportdialog.h"
#include "gatewayclient.h"
#include "liveoutputdock.h"
#include "metricsdock.h"
#include "problemsdock.h"
#include "simulatordock.h"
#include "welcomepage.h"

#include "editor/editorview.h"
#include "editor/findbar.h"
#include "editor/siddhieditor.h"

#include "engine/gateway/deploymentconfig.h"
#include "engine/lang/frontend.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QLineEdit>
#include <QFormLayout>
#include <QDialogButtonBox>
#include <QDialog>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>

namespace Rivulet::Studio {

namespace {

QString templateText(const QString &name, const QString &kind)
{
    const QString header = QStringLiteral("@App:name('%1')\n@App:description('')\n\n").arg(name);
    if (kind == QLatin1String("filter")) {
        return header
               + QStringLiteral(
                   "-- Keeps the readings above a threshold.\n"
                   "define stream SensorStream (deviceId string, value double, timestamp long);\n\n"
                   "@sink(type='log')\n"
                   "define stream HighReadings (deviceId string, value double);\n\n"
                   "from SensorStream[value > 50.0]\n"
                   "select deviceId, value\n"
                   "insert into HighReadings;\n");
    }
    if (kind == QLatin1String("window")) {
        return header
               + QStringLiteral("-- The average reading per device over the last minute.\n"
                                "define stream SensorStream (deviceId string, value double);\n\n"
                                "@sink(type='log')\n"
                                "define stream Averages (deviceId string, average double);\n\n"
                                "from SensorStream#window.time(1 min)\n"
                                "select deviceId, avg(value) as average\n"
                                "group by deviceId\n"
                                "insert into Averages;\n");
    }
    if (kind == QLatin1String("websocket")) {
        return header
               + QStringLiteral("-- Events POSTed over HTTP, served to every WebSocket client.\n"
                                "@source(type='http', receiver.url='http://0.0.0.0:8080/events', "
                                "@map(type='json'))\n"
                                "define stream InputStream (id string, value double);\n\n"
                                "@sink(type='websocket-server', host='localhost', port='8081', "
                                "@map(type='json'))\n"
                                "define stream OutputStream (id string, value double);\n\n"
                                "from InputStream\n"
                                "select id, value\n"
                                "insert into OutputStream;\n");
    }
    return header
           + QStringLiteral("define stream InputStream (id string, value double);\n\n"
                            "from InputStream\nselect *\ninsert into OutputStream;\n");
}

const char *const kTemplates[][2] = {{"empty", "Empty app"},
                                     {"filter", "Filter: keep readings above a threshold"},
                                     {"window", "Window: average per device over a minute"},
                                     {"websocket", "HTTP in, WebSocket out"}};

} // namespace

StudioWindow::StudioWindow(QSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_engine(new EngineHost(this))
    , m_tabs(new QTabWidget)
    , m_tree(new QTreeView)
    , m_fsModel(new QFileSystemModel(this))
    , m_runLabel(new QLabel)
    , m_editorSettings(Editor::EditorSettings::defaults())
    , m_theme(Editor::EditorTheme::light())
{
    setObjectName(QStringLiteral("StudioWindow"));
    setWindowTitle(tr("Rivulet Studio"));
    resize(1280, 820);

    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setAccessibleName(tr("Open files"));
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (auto *doc = qobject_cast<Document *>(m_tabs->widget(index)))
            closeDocument(doc);
        else
            m_tabs->removeTab(index);
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        updateTitle();
        updateRunActions();
    });

    m_fsModel->setNameFilters({QStringLiteral("*.siddhi"), QStringLiteral("*.json"),
                               QStringLiteral("*.yaml"), QStringLiteral("*.yml"),
                               QStringLiteral("*.csv"), QStringLiteral("*.md"),
                               QStringLiteral("*.txt")});
    m_fsModel->setNameFilterDisables(false);
    m_tree->setModel(m_fsModel);
    for (int c = 1; c < m_fsModel->columnCount(); ++c)
        m_tree->hideColumn(c);
    m_tree->header()->hide();
    m_tree->setAccessibleName(tr("Workspace files"));
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (!m_fsModel->isDir(index))
            openFile(m_fsModel->filePath(index));
    });
    connect(m_tree, &QTreeView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_tree->indexAt(pos);
        if (!index.isValid() || m_fsModel->isDir(index))
            return;
        const QString path = m_fsModel->filePath(index);
        QMenu menu;
        menu.addAction(tr("Open"), this, [this, path] { openFile(path); });
        menu.addAction(tr("Rename..."), this, [this, path] { renameFile(path); });
        menu.addAction(tr("Delete"), this, [this, path] { deleteFile(path); });
        menu.exec(m_tree->viewport()->mapToGlobal(pos));
    });

    auto *splitter = new QSplitter;
    splitter->addWidget(m_tree);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 4);
    splitter->setSizes({220, 1000});
    setCentralWidget(splitter);

    createDocks();
    createActions();
    createMenus();
    statusBar()->addPermanentWidget(m_runLabel);
    m_runLabel->setText(tr("No app running"));

    connect(m_engine, &EngineHost::started, this, &StudioWindow::onStarted);
    connect(m_engine, &EngineHost::failed, this, &StudioWindow::onFailed);
    connect(m_engine, &EngineHost::stopped, this, &StudioWindow::onStopped);
    connect(m_engine, &EngineHost::log, m_console, &ConsoleDock::append);
    connect(m_engine, &EngineHost::gatewayStarted, this, &StudioWindow::onGatewayStarted);
    connect(m_engine, &EngineHost::gatewayStopped, this, &StudioWindow::onGatewayStopped);
    m_gatewayClient = new GatewayClient(this);
    m_gatewayClient->setCredentialsPrompt(
        [this](const QString &tenant, const QString &problem, QString *user, QString *password) {
            return askGatewayCredentials(tenant, problem, user, password);
        });

    const QString ws = m_settings->value(QStringLiteral("workspace")).toString();
    setWorkspace(ws.isEmpty()
                     ? QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                           .filePath(QStringLiteral("Rivulet"))
                     : ws);
    setDarkTheme(m_settings->value(QStringLiteral("theme")).toString() == QLatin1String("dark"));
    showWelcome();
}

StudioWindow::~StudioWindow()
{
    m_engine->stopAll();
}

// ---- workspace ------------------------------------------------------------------------------

void StudioWindow::setWorkspace(const QString &folder)
{
    QDir().mkpath(folder);
    m_workspace = QDir(folder).absolutePath();
    m_settings->setValue(QStringLiteral("workspace"), m_workspace);
    m_fsModel->setRootPath(m_workspace);
    m_tree->setRootIndex(m_fsModel->index(m_workspace));
    m_simulator->setWorkspace(m_workspace);
    updateTitle();
}

void StudioWindow::chooseWorkspace()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Workspace folder"), m_workspace);
    if (!folder.isEmpty())
        setWorkspace(folder);
}

QString StudioWindow::importSample(const QString &sampleFileName)
{
    const QString target = QDir(m_workspace).filePath(sampleFileName);
    if (!QFileInfo::exists(target)) {
        QFile::copy(QStringLiteral(":/samples/") + sampleFileName, target);
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                          | QFile::ReadOther);
    }
    // A sample's ready simulation comes with it.
    const QString sim = QFileInfo(sampleFileName).completeBaseName() + QStringLiteral(".sim.json");
    if (QFile::exists(QStringLiteral(":/samples/") + sim)
        && !QFileInfo::exists(QDir(m_workspace).filePath(sim))) {
        QFile::copy(QStringLiteral(":/samples/") + sim, QDir(m_workspace).filePath(sim));
        QFile::setPermissions(QDir(m_workspace).filePath(sim), QFile::ReadOwner | QFile::WriteOwner
                                                                   | QFile::ReadGroup
                                                                   | QFile::ReadOther);
    }
    // A sample a sample deployment config lists brings the config and its APIs (unless the
    // workspace has a config of its own): F5 then runs it with its gateway, as
    // `rivulet run --config` would.
    importSampleDeployment(sampleFileName);
    m_simulator->refreshSimulations();
    openFile(target);
    return target;
}

void StudioWindow::importSampleDeployment(const QString &sampleFileName)
{
    const QString configName = QStringLiteral("rivulet.yaml");
    if (QFileInfo::exists(deploymentConfigPath()))
        return;
    QFile file(QStringLiteral(":/samples/") + configName);
    if (!file.open(QIODevice::ReadOnly))
        return;
    Gateway::DeploymentConfig config;
    QString error;
    if (!Gateway::parseDeploymentConfig(file.readAll(), configName, &config, &error))
        return;
    bool listed = false;
    for (const QString &app : std::as_const(config.apps))
        listed = listed || QFileInfo(app).fileName() == sampleFileName;
    if (!listed)
        return;
    QStringList files{configName};
    for (const QString &api : std::as_const(config.apis))
        files << QFileInfo(api).fileName();
    for (const QString &f : std::as_const(files)) {
        const QString to = QDir(m_workspace).filePath(f);
        if (QFileInfo::exists(to) || !QFile::copy(QStringLiteral(":/samples/") + f, to))
            continue;
        QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                      | QFile::ReadOther);
    }
}

QString StudioWindow::newApp(const QString &name, const QString &templateName)
{
    QString path = QDir(m_workspace).filePath(name + QStringLiteral(".siddhi"));
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = QDir(m_workspace).filePath(QStringLiteral("%1%2.siddhi").arg(name).arg(n));
    const QString appName = QFileInfo(path).completeBaseName();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        statusBar()->showMessage(tr("Cannot create %1: %2").arg(path, f.errorString()), 8000);
        return {};
    }
    f.write(templateText(appName, templateName).toUtf8());
    f.close();
    openFile(path);
    return path;
}

void StudioWindow::newFromTemplate()
{
    QStringList names;
    for (const auto &t : kTemplates)
        names << tr(t[1]);
    bool ok = false;
    const QString chosen =
        QInputDialog::getItem(this, tr("New app"), tr("Start from:"), names, 0, false, &ok);
    if (!ok)
        return;
    const QString name =
        QInputDialog::getText(this, tr("New app"), tr("App name (also the file name):"),
                              QLineEdit::Normal, QStringLiteral("NewApp"), &ok)
            .trimmed();
    if (!ok || name.isEmpty())
        return;
    newApp(name, QString::fromLatin1(kTemplates[names.indexOf(chosen)][0]));
}

void StudioWindow::renameFile(const QString &path)
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename"), tr("New name:"),
                                               QLineEdit::Normal, QFileInfo(path).fileName(), &ok);
    if (!ok || name.isEmpty() || name == QFileInfo(path).fileName())
        return;
    const QString target = QFileInfo(path).dir().filePath(name);
    if (QFileInfo::exists(target) || !QFile::rename(path, target)) {
        statusBar()->showMessage(tr("Cannot rename %1 to %2").arg(QFileInfo(path).fileName(), name),
                                 8000);
        return;
    }
    if (Document *doc = document(path)) {
        doc->setPath(target);
        updateTab(doc);
    }
    m_problems->clearFile(path);
}

void StudioWindow::deleteFile(const QString &path)
{
    if (QMessageBox::question(this, tr("Delete"), tr("Delete %1?").arg(QFileInfo(path).fileName()))
        != QMessageBox::Yes)
        return;
    if (Document *doc = document(path)) {
        doc->codeEditor()->setModified(false);
        closeDocument(doc);
    }
    QFile::remove(path);
    m_problems->clearFile(path);
}

// ---- documents ------------------------------------------------------------------------------

QList<Document *> StudioWindow::documents() const
{
    QList<Document *> out;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *d = qobject_cast<Document *>(m_tabs->widget(i)))
            out << d;
    }
    return out;
}

Document *StudioWindow::document(const QString &path) const
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    for (Document *d : documents()) {
        if (QFileInfo(d->path()).absoluteFilePath() == abs)
            return d;
    }
    return nullptr;
}

Document *StudioWindow::currentDocument() const
{
    return qobject_cast<Document *>(m_tabs->currentWidget());
}

Document *StudioWindow::openFile(const QString &path)
{
    if (Document *existing = document(path)) {
        m_tabs->setCurrentWidget(existing);
        return existing;
    }
    auto *doc = new Document(QFileInfo(path).absoluteFilePath());
    QString error;
    if (!doc->load(&error)) {
        delete doc;
        statusBar()->showMessage(tr("Cannot open %1: %2").arg(path, error), 8000);
        return nullptr;
    }
    doc->applySettings(m_editorSettings, m_theme);
    const int index = m_tabs->addTab(doc, doc->displayName());
    m_tabs->setCurrentIndex(index);
    connect(doc, &Document::modificationChanged, this, [this, doc] { updateTab(doc); });
    connect(doc, &Document::diagnosticsChanged, this,
            [this, doc](const QList<Lang::Diagnostic> &d) {
                m_problems->setDiagnostics(doc->path(), d);
            });
    updateTab(doc);
    if (!m_restoring)
        addRecent(doc->path());
    doc->codeEditor()->setFocus();
    return doc;
}

bool StudioWindow::saveDocument(Document *doc, bool askAboutName)
{
    if (!doc)
        return false;
    // The file name follows @App:name, as SI Tooling users expect: offer to fix a mismatch.
    if (doc->isApp()) {
        const QString name = doc->appName();
        if (!name.isEmpty() && name != QFileInfo(doc->path()).completeBaseName()) {
            const QString target =
                QFileInfo(doc->path()).dir().filePath(name + QStringLiteral(".siddhi"));
            QMessageBox::StandardButton answer = QMessageBox::Yes;
            if (askAboutName) {
                answer = QMessageBox::question(
                    this, tr("File name"),
                    tr("The app is called %1 but the file is %2. Rename the file to %3?")
                        .arg(name, QFileInfo(doc->path()).fileName(), QFileInfo(target).fileName()),
                    QMessageBox::Yes | QMessageBox::No | QMessageBox::Cancel, QMessageBox::Yes);
            }
            if (answer == QMessageBox::Cancel)
                return false;
            if (answer == QMessageBox::Yes && !QFileInfo::exists(target)) {
                const QString old = doc->path();
                if (QFile::rename(old, target) || !QFileInfo::exists(old)) {
                    doc->setPath(target);
                    m_problems->clearFile(old);
                    if (m_runByPath.contains(old))
                        m_runByPath.insert(target, m_runByPath.take(old));
                }
            }
        }
    }
    QString error;
    if (!doc->save(&error)) {
        statusBar()->showMessage(tr("Cannot save %1: %2").arg(doc->displayName(), error), 8000);
        return false;
    }
    updateTab(doc);
    addRecent(doc->path());
    statusBar()->showMessage(tr("Saved %1").arg(doc->displayName()), 3000);
    if (doc->path().endsWith(QLatin1String(".json")))
        m_simulator->refreshSimulations();
    return true;
}

void StudioWindow::saveAs(Document *doc)
{
    if (!doc)
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save as"), doc->path(), tr("SiddhiQL apps (*.siddhi);;All files (*)"));
    if (path.isEmpty())
        return;
    doc->setPath(path);
    saveDocument(doc, false);
}

bool StudioWindow::closeDocument(Document *doc)
{
    if (doc->isModified()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved changes"), tr("Save the changes to %1?").arg(doc->displayName()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        if (answer == QMessageBox::Cancel)
            return false;
        if (answer == QMessageBox::Save && !saveDocument(doc))
            return false;
    }
    m_problems->clearFile(doc->path());
    m_tabs->removeTab(m_tabs->indexOf(doc));
    doc->deleteLater();
    return true;
}

void StudioWindow::openDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open"), m_workspace,
        tr("SiddhiQL apps (*.siddhi);;Simulations (*.json);;All files (*)"));
    for (const QString &f : files)
        openFile(f);
}

void StudioWindow::updateTab(Document *doc)
{
    const int index = m_tabs->indexOf(doc);
    if (index < 0)
        return;
    QString text = doc->displayName();
    if (doc->isModified())
        text += QStringLiteral(" *");
    const bool running = m_runByPath.contains(doc->path());
    m_tabs->setTabText(index, text);
    m_tabs->setTabIcon(index, running ? style()->standardIcon(QStyle::SP_MediaPlay) : QIcon());
    m_tabs->setTabToolTip(index, doc->path() + (running ? tr(" (running)") : QString()));
    updateTitle();
}

void StudioWindow::updateTitle()
{
    Document *doc = currentDocument();
    setWindowTitle(
        doc ? QStringLiteral("%1%2 - Rivulet Studio")
                  .arg(doc->displayName(), doc->isModified() ? QStringLiteral(" *") : QString())
            : tr("Rivulet Studio"));
}

void StudioWindow::addRecent(const QString &path)
{
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    m_settings->setValue(QStringLiteral("recent"), recent);
}

QStringList StudioWindow::recentFiles() const
{
    return m_settings->value(QStringLiteral("recent")).toStringList();
}

void StudioWindow::showWelcome()
{
    if (!m_welcome) {
        m_welcome = new WelcomePage;
        connect(m_welcome, &WelcomePage::importRequested, this,
                [this](const QString &f) { importSample(f); });
        connect(m_welcome, &WelcomePage::newAppRequested, this, &StudioWindow::newFromTemplate);
        connect(m_welcome, &WelcomePage::openWorkspaceRequested, this,
                &StudioWindow::chooseWorkspace);
    }
    if (m_tabs->indexOf(m_welcome) < 0)
        m_tabs->insertTab(0, m_welcome, tr("Welcome"));
    m_tabs->setCurrentWidget(m_welcome);
}

// ---- run ------------------------------------------------------------------------------------

quint64 StudioWindow::runOf(Document *doc) const
{
    return doc ? m_runByPath.value(doc->path()) : 0;
}

void StudioWindow::runCurrent()
{
    Document *doc = currentDocument();
    if (!doc || !doc->isApp()) {
        statusBar()->showMessage(tr("Open a SiddhiQL app (.siddhi) to run it"), 5000);
        return;
    }
    const QByteArray text = doc->text();
    // F5 validates first: an app with errors does not start.
    const Lang::CompiledApp compiled = Lang::compileApp(text, doc->path());
    m_problems->setDiagnostics(doc->path(), compiled.diagnostics);
    if (compiled.hasErrors()) {
        m_problems->show();
        m_problems->raise();
        statusBar()->showMessage(tr("%1 has %2 error(s): fix them to run it")
                                     .arg(doc->displayName())
                                     .arg(compiled.errorCount()),
                                 8000);
        return;
    }
    if (const quint64 old = m_runByPath.value(doc->path()))
        m_engine->stop(old); // running again after an edit restarts cleanly
    m_engine->setDeploymentConfig(deploymentConfigPath());
    const quint64 id = m_engine->start(doc->path(), text);
    m_runByPath.insert(doc->path(), id);
    m_console->append(2, QStringLiteral("studio"), tr("starting %1").arg(doc->displayName()));
    statusBar()->showMessage(tr("Starting %1...").arg(doc->displayName()));
    updateTab(doc);
    updateRunActions();
}

void StudioWindow::stopCurrent()
{
    Document *doc = currentDocument();
    if (!doc)
        return;
    if (const quint64 id = m_runByPath.value(doc->path()))
        m_engine->stop(id);
}

void StudioWindow::onStarted(const RunInfo &run)
{
    if (m_runByPath.value(run.path) != run.runId)
        return;
    QStringList endpoints;
    for (const Endpoint &e : run.endpoints)
        endpoints << QStringLiteral("%1 %2 %3").arg(e.type, e.kind, e.url);
    m_console->append(2, run.appName,
                      tr("running%1")
                          .arg(endpoints.isEmpty()
                                   ? QString()
                                   : QStringLiteral(": ") + endpoints.join(QStringLiteral(", "))));
    statusBar()->showMessage(tr("Running %1").arg(run.appName), 5000);
    const int n = m_engine->runs().size();
    m_runLabel->setText(n == 1 ? tr("1 app running") : tr("%1 apps running").arg(n));
    if (Document *doc = document(run.path))
        updateTab(doc);
    proposeLiveUrls(&run);
    updateRunActions();
}

void StudioWindow::onFailed(quint64 runId, const QString &path, const QString &message,
                            const QList<Lang::Diagnostic> &diagnostics)
{
    if (m_runByPath.value(path) == runId)
        m_runByPath.remove(path);
    if (!diagnostics.isEmpty())
        m_problems->setDiagnostics(path, diagnostics);
    m_console->append(4, QFileInfo(path).completeBaseName(),
                      tr("could not start: %1").arg(message));
    m_console->show();
    statusBar()->showMessage(tr("%1 could not start: %2").arg(QFileInfo(path).fileName(), message),
                             15000);
    if (Document *doc = document(path))
        updateTab(doc);
    updateRunActions();
}

void StudioWindow::onStopped(quint64 runId, const QString &path)
{
    if (m_runByPath.value(path) == runId)
        m_runByPath.remove(path);
    m_console->append(2, QFileInfo(path).completeBaseName(), tr("stopped"));
    const int n = int(m_engine->runs().size());
    m_runLabel->setText(n == 0   ? tr("No app running")
                        : n == 1 ? tr("1 app running")
                                 : tr("%1 apps running").arg(n));
    if (Document *doc = document(path))
        updateTab(doc);
    updateRunActions();
}

QString StudioWindow::deploymentConfigPath() const
{
    return QDir(m_workspace).filePath(QStringLiteral("rivulet.yaml"));
}

void StudioWindow::onGatewayStarted(const GatewayInfo &gateway)
{
    m_gatewayClient->setGateway(gateway);
    m_live->setTokenProvider(
        [this](const QString &url, std::function<void(QString, QString)> done) {
            m_gatewayClient->issueToken(
                url, [done](const QString &token, const QString &error) { done(token, error); });
        });
    QStringList topics;
    for (const GatewayTopic &t : gateway.topics)
        topics << t.url;
    m_console->append(2, QStringLiteral("gateway"),
                      tr("serving %1 — pick a topic in Live output and press Get token")
                          .arg(topics.join(QStringLiteral(", "))));
    m_metrics->setGateway(gateway);
    proposeLiveUrls();
}

void StudioWindow::onGatewayStopped()
{
    m_live->setTokenProvider({});
    m_metrics->setGateway({});
    proposeLiveUrls();
}

bool StudioWindow::askGatewayCredentials(const QString &tenant, const QString &problem,
                                         QString *user, QString *password)
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Sign in to %1").arg(tenant));
    auto *form = new QFormLayout(&dialog);
    if (!problem.isEmpty()) {
        auto *label = new QLabel(problem);
        label->setWordWrap(true);
        form->addRow(label);
    }
    auto *name = new QComboBox;
    name->setEditable(true);
    name->addItems(m_engine->gateway().users.value(tenant));
    name->setCurrentText(*user);
    auto *secret = new QLineEdit;
    secret->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&User:"), name);
    form->addRow(tr("&Password:"), secret);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    secret->setFocus();
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *user = name->currentText().trimmed();
    *password = secret->text();
    return true;
}

void StudioWindow::proposeLiveUrls(const RunInfo *justStarted)
{
    QStringList urls;
    for (const RunInfo &run : m_engine->runs()) {
        for (const Endpoint &e : run.endpoints) {
            if (e.kind == QLatin1String("sink") && e.type == QLatin1String("websocket-server")) {
                QUrl u(e.url);
                if (u.host() == QLatin1String("0.0.0.0"))
                    u.setHost(QStringLiteral("localhost"));
                urls << u.toString();
            }
        }
    }
    // The gateway's topics (their {parameters} to fill in), after the apps' own sinks.
    for (const GatewayTopic &t : m_engine->gateway().topics)
        urls << t.url;
    m_live->setProposals(urls);
    // An app that starts again (after Stop or an edit) serves the same URL: follow it, whether or
    // not the old connection has noticed yet that the previous run closed it.
    if (justStarted && m_live->isConnected()) {
        for (const Endpoint &e : justStarted->endpoints) {
            QUrl u(e.url);
            if (u.host() == QLatin1String("0.0.0.0"))
                u.setHost(QStringLiteral("localhost"));
            if (e.kind == QLatin1String("sink") && u == QUrl(m_live->url())) {
                m_live->connectToUrl();
                return;
            }
        }
    }
    // The first time an app serves something, watch it: connect and show the output and map.
    if (!urls.isEmpty() && !m_live->isConnected()) {
        m_live->setUrl(urls.first());
        m_live->connectToUrl();
        m_live->raise();
        m_metrics->raise();
    }
}

void StudioWindow::updateRunActions()
{
    Document *doc = currentDocument();
    const bool isApp = doc && doc->isApp();
    m_actions.value(QStringLiteral("run"))->setEnabled(isApp);
    m_actions.value(QStringLiteral("stop"))->setEnabled(isApp && m_runByPath.contains(doc->path()));
}

// ---- themes, session ------------------------------------------------------------------------

void StudioWindow::setDarkTheme(bool dark)
{
    m_theme = dark ? Editor::EditorTheme::dark() : Editor::EditorTheme::light();
    m_settings->setValue(QStringLiteral("theme"),
                         dark ? QStringLiteral("dark") : QStringLiteral("light"));
    for (Document *d : documents())
        d->applySettings(m_editorSettings, m_theme);
    m_metrics->setDark(dark);
    applyThemeToApplication();
    if (QAction *a = m_actions.value(QStringLiteral("dark")))
        a->setChecked(dark);
}

void StudioWindow::applyThemeToApplication()
{
    qApp->setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (!m_theme.isDark) {
        qApp->setPalette(qApp->style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x94));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6f, 0x73, 0x7a));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6f, 0x73, 0x7a));
    qApp->setPalette(p);
}

void StudioWindow::saveSession()
{
    QStringList open;
    for (Document *d : documents())
        open << d->path();
    m_settings->setValue(QStringLiteral("session/open"), open);
    m_settings->setValue(QStringLiteral("session/current"),
                         currentDocument() ? currentDocument()->path() : QString());
    m_settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings->setValue(QStringLiteral("window/state"), saveState());
    m_settings->sync();
}

void StudioWindow::restoreSession()
{
    m_restoring = true;
    restoreGeometry(m_settings->value(QStringLiteral("window/geometry")).toByteArray());
    m_layoutRestored =
        restoreState(m_settings->value(QStringLiteral("window/state")).toByteArray());
    for (const QString &path : m_settings->value(QStringLiteral("session/open")).toStringList()) {
        if (QFileInfo::exists(path))
            openFile(path);
    }
    const QString current = m_settings->value(QStringLiteral("session/current")).toString();
    if (Document *d = document(current))
        m_tabs->setCurrentWidget(d);
    m_restoring = false;
}

void StudioWindow::closeEvent(QCloseEvent *event)
{
    saveSession();
    for (Document *d : documents()) {
        if (d->isModified()) {
            m_tabs->setCurrentWidget(d);
            const auto answer = QMessageBox::question(
                this, tr("Unsaved changes"), tr("Save the changes to %1?").arg(d->displayName()),
                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
            if (answer == QMessageBox::Cancel) {
                event->ignore();
                return;
            }
            if (answer == QMessageBox::Save && !saveDocument(d)) {
                event->ignore();
                return;
            }
        }
    }
    m_engine->stopAll();
    event->accept();
}

// ---- actions --------------------------------------------------------------------------------

void StudioWindow::createDocks()
{
    m_problems = new ProblemsDock(this);
    m_console = new ConsoleDock(this);
    m_simulator = new SimulatorDock(m_engine, this);
    m_live = new LiveOutputDock(this);
    m_metrics = new MetricsDock(m_engine, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_console);
    addDockWidget(Qt::BottomDockWidgetArea, m_live);
    tabifyDockWidget(m_problems, m_console);
    tabifyDockWidget(m_console, m_live);
    addDockWidget(Qt::RightDockWidgetArea, m_simulator);
    addDockWidget(Qt::RightDockWidgetArea, m_metrics);
    tabifyDockWidget(m_simulator, m_metrics);
    m_problems->raise();
    m_simulator->raise();
    // The first layout (no saved session): sized once the window has its real size.
    QTimer::singleShot(0, this, [this] {
        if (m_layoutRestored)
            return;
        for (QDockWidget *d :
             {static_cast<QDockWidget *>(m_problems), static_cast<QDockWidget *>(m_console),
              static_cast<QDockWidget *>(m_live)})
            resizeDocks({d}, {260}, Qt::Vertical);
        resizeDocks({m_simulator}, {400}, Qt::Horizontal);
    });
    connect(m_problems, &ProblemsDock::activated, this,
            [this](const QString &file, int line, int column) {
                if (Document *d = openFile(file))
                    d->goTo(line, column);
            });
    connect(m_simulator, &SimulatorDock::openFileRequested, this,
            [this](const QString &path) { openFile(path); });
}

void StudioWindow::createActions()
{
    auto add = [this](const char *id, const QString &text, const QKeySequence &key, auto slot,
                      QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
        auto *a = new QAction(text, this);
        a->setObjectName(QString::fromLatin1(id));
        if (!key.isEmpty())
            a->setShortcut(key);
        if (icon != QStyle::SP_CustomBase)
            a->setIcon(style()->standardIcon(icon));
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        m_actions.insert(QString::fromLatin1(id), a);
        return a;
    };
    add(
        "new", tr("&New app..."), QKeySequence::New, [this] { newFromTemplate(); },
        QStyle::SP_FileIcon);
    add(
        "open", tr("&Open..."), QKeySequence::Open, [this] { openDialog(); },
        QStyle::SP_DialogOpenButton);
    add(
        "save", tr("&Save"), QKeySequence::Save, [this] { saveDocument(currentDocument()); },
        QStyle::SP_DialogSaveButton);
    add("saveAs", tr("Save &as..."), QKeySequence::SaveAs, [this] { saveAs(currentDocument()); });
    auto *closeFile = add("close", tr("&Close file"), QKeySequence(), [this] {
        if (Document *d = currentDocument())
            closeDocument(d);
        else if (m_tabs->currentWidget() == m_welcome)
            m_tabs->removeTab(m_tabs->currentIndex());
    });
    // Ctrl+W on every desktop (the platform's QKeySequence::Close may be Ctrl+F4 alone).
    closeFile->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_W), QKeySequence(Qt::CTRL | Qt::Key_F4)});
    add("rename", tr("&Rename file..."), QKeySequence(), [this] {
        if (Document *d = currentDocument())
            renameFile(d->path());
    });
    add("delete", tr("&Delete file"), QKeySequence(), [this] {
        if (Document *d = currentDocument())
            deleteFile(d->path());
    });
    add("workspace", tr("Open &workspace folder..."), QKeySequence(),
        [this] { chooseWorkspace(); });
    add("welcome", tr("&Welcome and samples"), QKeySequence(), [this] { showWelcome(); });
    add("export", tr("&Export..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), [this] {
        QHash<QString, QByteArray> texts;
        for (Document *d : documents())
            texts.insert(QFileInfo(d->path()).absoluteFilePath(), d->text());
        ExportDialog dialog(m_workspace, texts,
                            currentDocument() ? currentDocument()->path() : QString(), this);
        dialog.exec();
    });
    add("quit", tr("&Quit"), QKeySequence::Quit, [this] { close(); });
    // Ctrl+F itself belongs to the editor (its find bar); this is the menu and palette entry.
    add("find", tr("&Find... (Ctrl+F)"), QKeySequence(), [this] {
        if (Document *d = currentDocument(); d && d->view())
            d->view()->findBar()->showFind();
    });
    add(
        "run", tr("&Run app"), QKeySequence(Qt::Key_F5), [this] { runCurrent(); },
        QStyle::SP_MediaPlay);
    add(
        "stop", tr("&Stop app"), QKeySequence(Qt::SHIFT | Qt::Key_F5), [this] { stopCurrent(); },
        QStyle::SP_MediaStop);
    add("stopAll", tr("Stop &all apps"), QKeySequence(), [this] { m_engine->stopAll(); });
    add("palette", tr("Command &palette..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
        [this] { showCommandPalette(); });
    auto *dark =
        add("dark", tr("&Dark theme"), QKeySequence(), [this](bool on) { setDarkTheme(on); });
    dark->setCheckable(true);
    add("liveConnect", tr("Connect live &output"), QKeySequence(), [this] {
        m_live->show();
        m_live->raise();
        m_live->connectToUrl();
    });
    add("simulate", tr("Run the selected simu&lation"), QKeySequence(), [this] {
        m_simulator->show();
        m_simulator->raise();
        m_simulator->startSelectedSimulation();
    });
    updateRunActions();
}

void StudioWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    for (const char *id : {"new", "open", "save", "saveAs", "close"})
        file->addAction(m_actions.value(QString::fromLatin1(id)));
    m_recentMenu = file->addMenu(tr("Recent &files"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, [this] {
        m_recentMenu->clear();
        for (const QString &path : recentFiles())
            m_recentMenu->addAction(path, this, [this, path] { openFile(path); });
    });
    file->addSeparator();
    for (const char *id : {"rename", "delete", "workspace", "welcome", "export"})
        file->addAction(m_actions.value(QString::fromLatin1(id)));
    file->addSeparator();
    file->addAction(m_actions.value(QStringLiteral("quit")));

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_actions.value(QStringLiteral("find")));
    edit->addAction(m_actions.value(QStringLiteral("palette")));

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    for (const char *id : {"run", "stop", "stopAll", "simulate", "liveConnect"})
        run->addAction(m_actions.value(QString::fromLatin1(id)));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *d :
         {static_cast<QDockWidget *>(m_problems), static_cast<QDockWidget *>(m_console),
          static_cast<QDockWidget *>(m_simulator), static_cast<QDockWidget *>(m_live),
          static_cast<QDockWidget *>(m_metrics)})
        m_viewMenu->addAction(d->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_actions.value(QStringLiteral("dark")));

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    for (const char *id : {"new", "open", "save", "run", "stop"})
        bar->addAction(m_actions.value(QString::fromLatin1(id)));
}

QList<QAction *> StudioWindow::allActions() const
{
    QList<QAction *> out = m_actions.values();
    for (QDockWidget *d :
         {static_cast<QDockWidget *>(m_problems), static_cast<QDockWidget *>(m_console),
          static_cast<QDockWidget *>(m_simulator), static_cast<QDockWidget *>(m_live),
          static_cast<QDockWidget *>(m_metrics)})
        out << d->toggleViewAction();
    std::sort(out.begin(), out.end(), [](QAction *a, QAction *b) {
        return a->text().remove(u'&') < b->text().remove(u'&');
    });
    return out;
}

void StudioWindow::showCommandPalette()
{
    auto *palette = new CommandPalette(allActions(), this);
    palette->setAttribute(Qt::WA_DeleteOnClose);
    palette->move(mapToGlobal(QPoint((width() - palette->width()) / 2, 60)));
    palette->show();
}

} // namespace Rivulet::Studio
