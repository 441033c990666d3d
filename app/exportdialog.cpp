#include "exportdialog.h"

#include "engine/gateway/deploymentconfig.h"
#include "engine/lang/shellword.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

namespace Rivulet::Studio {

namespace {

QWidget *withBrowse(QLineEdit *edit, QWidget *parent, std::function<QString()> choose)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QToolButton(row);
    browse->setText(QStringLiteral("…"));
    QObject::connect(browse, &QToolButton::clicked, edit, [edit, choose] {
        const QString path = choose();
        if (!path.isEmpty())
            edit->setText(path);
    });
    layout->addWidget(browse);
    return row;
}

} // namespace

ExportDialog::ExportDialog(const QString &workspace, const QHash<QString, QByteArray> &openTexts,
                           const QString &current, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_openTexts(openTexts)
{
    setWindowTitle(tr("Export apps"));
    setObjectName(QStringLiteral("exportDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    // The apps: every .siddhi of the workspace, and open documents outside it.
    m_apps = new QListWidget(this);
    m_apps->setObjectName(QStringLiteral("apps"));
    QStringList paths;
    if (!workspace.isEmpty()) {
        QDirIterator it(workspace, {QStringLiteral("*.siddhi")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            paths << QFileInfo(it.next()).absoluteFilePath();
    }
    for (auto it = openTexts.cbegin(); it != openTexts.cend(); ++it) {
        if (it.key().endsWith(QLatin1String(".siddhi")) && !paths.contains(it.key()))
            paths << it.key();
    }
    const QString currentPath =
        current.isEmpty() ? QString() : QFileInfo(current).absoluteFilePath();
    if (!currentPath.isEmpty() && !paths.contains(currentPath))
        paths << currentPath;
    paths.sort();
    for (const QString &path : std::as_const(paths)) {
        auto *item = new QListWidgetItem(
            workspace.isEmpty() ? path : QDir(workspace).relativeFilePath(path), m_apps);
        item->setData(Qt::UserRole, path);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(path == currentPath ? Qt::Checked : Qt::Unchecked);
    }
    m_apps->setMaximumHeight(140);
    form->addRow(tr("Apps:"), m_apps);

    m_config = new QLineEdit(this);
    m_config->setObjectName(QStringLiteral("config"));
    m_config->setPlaceholderText(tr("optional: rivulet.yaml (listeners, tenants, APIs)"));
    form->addRow(tr("Config:"), withBrowse(m_config, this, [this] {
                     return QFileDialog::getOpenFileName(this, tr("Deployment config"), m_workspace,
                                                         tr("YAML (*.yaml *.yml)"));
                 }));
    // The workspace's deployment config, when it lists the app being exported: the bundle then
    // serves the same API gateway the studio ran.
    {
        const QString config = QDir(m_workspace).filePath(QStringLiteral("rivulet.yaml"));
        Gateway::DeploymentConfig deployment;
        QString error;
        if (QFileInfo::exists(config)
            && Gateway::loadDeploymentConfig(config, &deployment, &error)) {
            for (const QString &app : std::as_const(deployment.apps)) {
                if (!currentPath.isEmpty()
                    && QFileInfo(app).fileName() == QFileInfo(currentPath).fileName())
                    m_config->setText(config);
            }
        }
    }

    m_variables = new QTableWidget(0, 2, this);
    m_variables->setObjectName(QStringLiteral("variables"));
    m_variables->setHorizontalHeaderLabels({tr("${VAR}"), tr("Value")});
    m_variables->horizontalHeader()->setStretchLastSection(true);
    m_variables->verticalHeader()->hide();
    m_variables->setMaximumHeight(120);
    form->addRow(tr("Values:"), m_variables);

    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->addItem(tr("Bundle folder (engine, libraries, apps, systemd unit, Dockerfile)"),
                      int(Export::Target::Bundle));
    m_target->addItem(tr("Standalone executable (one file to copy and run)"),
                      int(Export::Target::Standalone));
    m_target->addItem(tr("Deploy to a running engine (its admin API)"),
                      int(Export::Target::Deploy));
    form->addRow(tr("Target:"), m_target);

    m_targetPages = new QStackedWidget(this);
    {
        auto *page = new QWidget(m_targetPages);
        auto *f = new QFormLayout(page);
        f->setContentsMargins(0, 0, 0, 0);
        m_bundleOut = new QLineEdit(page);
        m_bundleOut->setObjectName(QStringLiteral("bundleOut"));
        f->addRow(tr("Folder:"), withBrowse(m_bundleOut, page, [this] {
                      return QFileDialog::getSaveFileName(this, tr("Bundle folder"), m_workspace);
                  }));
        m_tar = new QCheckBox(tr("Also write a .tar.gz"), page);
        m_tar->setChecked(true);
        f->addRow(QString(), m_tar);
        m_targetPages->addWidget(page);
    }
    {
        auto *page = new QWidget(m_targetPages);
        auto *f = new QFormLayout(page);
        f->setContentsMargins(0, 0, 0, 0);
        m_standaloneOut = new QLineEdit(page);
        m_standaloneOut->setObjectName(QStringLiteral("standaloneOut"));
        f->addRow(tr("File:"), withBrowse(m_standaloneOut, page, [this] {
                      return QFileDialog::getSaveFileName(this, tr("Standalone executable"),
                                                          m_workspace);
                  }));
        m_targetPages->addWidget(page);
    }
    {
        auto *page = new QWidget(m_targetPages);
        auto *f = new QFormLayout(page);
        f->setContentsMargins(0, 0, 0, 0);
        m_url = new QLineEdit(QStringLiteral("http://127.0.0.1:9090"), page);
        m_url->setObjectName(QStringLiteral("url"));
        f->addRow(tr("Engine:"), m_url);
        m_keyFile = new QLineEdit(page);
        m_keyFile->setObjectName(QStringLiteral("keyFile"));
        m_keyFile->setPlaceholderText(tr("the file `rivulet run --admin-port` wrote its key to"));
        f->addRow(tr("Admin key file:"), withBrowse(m_keyFile, page, [this] {
                      return QFileDialog::getOpenFileName(this, tr("Admin key"), QDir::homePath());
                  }));
        m_targetPages->addWidget(page);
    }
    form->addRow(QString(), m_targetPages);
    if (!workspace.isEmpty()) {
        m_bundleOut->setText(QDir(workspace).filePath(QStringLiteral("export/bundle")));
        m_standaloneOut->setText(QDir(workspace).filePath(QStringLiteral("export/app")));
    }

    m_command = new QLabel(this);
    m_command->setObjectName(QStringLiteral("command"));
    m_command->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_command->setWordWrap(true);
    layout->addWidget(m_command);

    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("log"));
    m_log->setReadOnly(true);
    m_log->setMinimumHeight(140);
    layout->addWidget(m_log, 1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_validate = m_buttons->addButton(tr("&Validate"), QDialogButtonBox::ActionRole);
    m_export = m_buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    m_export->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_validate, &QPushButton::clicked, this, [this] { start(true); });
    connect(m_export, &QPushButton::clicked, this, [this] { start(false); });
    layout->addWidget(m_buttons);

    connect(m_apps, &QListWidget::itemChanged, this, [this] { refreshVariables(); });
    connect(m_target, &QComboBox::currentIndexChanged, this, [this] { updateTarget(); });
    for (QLineEdit *e : {m_config, m_bundleOut, m_standaloneOut, m_url, m_keyFile})
        connect(e, &QLineEdit::textChanged, this, [this] { updateTarget(); });
    connect(m_tar, &QCheckBox::toggled, this, [this] { updateTarget(); });
    connect(m_variables, &QTableWidget::itemChanged, this, [this] { updateTarget(); });
    refreshVariables();
    updateTarget();
    resize(640, 620);
}

ExportDialog::~ExportDialog() = default;

void ExportDialog::refreshVariables()
{
    const Export::ExportOptions o = options();
    const QStringList names = Export::Exporter::variablesOf(o.apps);
    QHash<QString, QString> kept;
    for (int r = 0; r < m_variables->rowCount(); ++r)
        kept.insert(m_variables->item(r, 0)->text(), m_variables->item(r, 1)->text());
    const QSignalBlocker blocker(m_variables);
    m_variables->setRowCount(int(names.size()));
    for (int r = 0; r < names.size(); ++r) {
        auto *name = new QTableWidgetItem(names[r]);
        name->setFlags(Qt::ItemIsEnabled);
        m_variables->setItem(r, 0, name);
        m_variables->setItem(r, 1, new QTableWidgetItem(kept.value(names[r])));
    }
    updateTarget();
}

void ExportDialog::updateTarget()
{
    m_targetPages->setCurrentIndex(m_target->currentIndex());
    m_command->setText(tr("Same as: %1").arg(commandLine()));
}

Export::ExportOptions ExportDialog::options() const
{
    Export::ExportOptions o;
    for (int i = 0; i < m_apps->count(); ++i) {
        const QListWidgetItem *item = m_apps->item(i);
        if (item->checkState() != Qt::Checked)
            continue;
        const QString path = item->data(Qt::UserRole).toString();
        QByteArray text = m_openTexts.value(path);
        if (!m_openTexts.contains(path)) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                text = f.readAll();
        }
        o.apps.append({path, text});
    }
    o.configPath = m_config->text().trimmed();
    for (int r = 0; m_variables && r < m_variables->rowCount(); ++r) {
        const QTableWidgetItem *value = m_variables->item(r, 1);
        if (value && !value->text().isEmpty())
            o.variables.insert(m_variables->item(r, 0)->text(), value->text());
    }
    o.target = Export::Target(m_target->currentData().toInt());
    switch (o.target) {
    case Export::Target::Bundle:
        o.out = m_bundleOut->text().trimmed();
        o.tar = m_tar->isChecked();
        break;
    case Export::Target::Standalone:
        o.out = m_standaloneOut->text().trimmed();
        break;
    case Export::Target::Deploy: {
        o.deployUrl = m_url->text().trimmed();
        QFile key(m_keyFile->text().trimmed());
        if (key.open(QIODevice::ReadOnly))
            o.adminKey = QString::fromUtf8(key.readLine().trimmed());
        break;
    }
    }
    o.force = true; // the dialog asks before replacing (see start())
    return o;
}

QString ExportDialog::commandLine() const
{
    const Export::ExportOptions o = options();
    QStringList args{QStringLiteral("rivulet"), QStringLiteral("export")};
    for (const auto &app : o.apps)
        args << Rivulet::Lang::shellWord(app.fileName);
    if (!o.configPath.isEmpty())
        args << QStringLiteral("--config") << Rivulet::Lang::shellWord(o.configPath);
    QStringList names = o.variables.keys();
    names.sort();
    for (const QString &n : std::as_const(names))
        args << QStringLiteral("--var")
             << Rivulet::Lang::shellWord(n + u'=' + o.variables.value(n));
    switch (o.target) {
    case Export::Target::Bundle:
        args << QStringLiteral("--out") << Rivulet::Lang::shellWord(o.out);
        if (o.tar)
            args << QStringLiteral("--tar");
        break;
    case Export::Target::Standalone:
        args << QStringLiteral("--standalone") << QStringLiteral("--out")
             << Rivulet::Lang::shellWord(o.out);
        break;
    case Export::Target::Deploy:
        args << QStringLiteral("--deploy") << Rivulet::Lang::shellWord(o.deployUrl)
             << QStringLiteral("--admin-key-file")
             << Rivulet::Lang::shellWord(m_keyFile->text().trimmed());
        break;
    }
    return args.join(u' ');
}

QString ExportDialog::log() const
{
    return m_log->toPlainText();
}

void ExportDialog::setTarget(Export::Target target)
{
    m_target->setCurrentIndex(m_target->findData(int(target)));
}

void ExportDialog::setOut(const QString &path)
{
    m_bundleOut->setText(path);
    m_standaloneOut->setText(path);
}

void ExportDialog::setVariable(const QString &name, const QString &value)
{
    for (int r = 0; r < m_variables->rowCount(); ++r) {
        if (m_variables->item(r, 0)->text() == name)
            m_variables->item(r, 1)->setText(value);
    }
}

void ExportDialog::append(const QString &line)
{
    m_log->appendPlainText(line);
}

void ExportDialog::start(bool validateOnly)
{
    if (m_busy)
        return;
    Export::ExportOptions o = options();
    m_log->clear();
    if (o.apps.isEmpty() && o.configPath.isEmpty()) {
        append(tr("Choose at least one app."));
        Q_EMIT finished(false);
        return;
    }
    m_busy = true;
    m_validate->setEnabled(false);
    m_export->setEnabled(false);
    QApplication::setOverrideCursor(Qt::BusyCursor);
    append(commandLine());
    QThread *worker = QThread::create([this, o, validateOnly] {
        Export::Exporter exporter(o);
        exporter.progress = [this](const QString &message) {
            QMetaObject::invokeMethod(
                this, [this, message] { append(message); }, Qt::QueuedConnection);
        };
        const Export::ExportResult result = validateOnly ? exporter.validate() : exporter.run();
        QMetaObject::invokeMethod(
            this, [this, result, validateOnly] { done(result, validateOnly); },
            Qt::QueuedConnection);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void ExportDialog::done(const Export::ExportResult &result, bool validateOnly)
{
    QApplication::restoreOverrideCursor();
    m_busy = false;
    m_validate->setEnabled(true);
    m_export->setEnabled(true);
    if (!result.ok) {
        append(result.problemsText());
        append(validateOnly ? tr("Not valid.") : tr("Nothing was written."));
    } else {
        for (const QString &note : result.notes)
            append(tr("Note: %1").arg(note));
        for (const QString &path : result.written)
            append(tr("Wrote %1").arg(path));
        if (!result.deployAnswer.isEmpty())
            append(QString::fromUtf8(result.deployAnswer));
        append(validateOnly ? tr("Everything is valid.") : tr("Done."));
    }
    Q_EMIT finished(result.ok);
}

} // namespace Rivulet::Studio
