#include "simulatordock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QIntValidator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QVBoxLayout>

namespace Rivulet::Studio {

SimulatorDock::SimulatorDock(EngineHost *engine, QWidget *parent)
    : QDockWidget(tr("Simulator"), parent)
    , m_engine(engine)
    , m_app(new QComboBox)
    , m_stream(new QComboBox)
    , m_formHost(new QWidget)
    , m_form(new QFormLayout(m_formHost))
    , m_timestamp(new QLineEdit)
    , m_send(new QPushButton(tr("&Send event")))
    , m_sims(new QListWidget)
    , m_rate(new QDoubleSpinBox)
    , m_start(new QPushButton(tr("&Run")))
    , m_pause(new QPushButton(tr("Pa&use")))
    , m_stop(new QPushButton(tr("S&top")))
    , m_progress(new QProgressBar)
    , m_simStatus(new QLabel)
    , m_message(new QLabel)
{
    setObjectName(QStringLiteral("SimulatorDock"));
    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    v->setContentsMargins(4, 4, 4, 4);

    auto *target = new QFormLayout;
    m_app->setAccessibleName(tr("Running app"));
    m_stream->setAccessibleName(tr("Input stream"));
    target->addRow(tr("&App:"), m_app);
    v->addLayout(target);

    auto *single = new QGroupBox(tr("Single event"));
    auto *sv = new QVBoxLayout(single);
    auto *streamRow = new QFormLayout;
    streamRow->addRow(tr("Str&eam:"), m_stream);
    sv->addLayout(streamRow);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_formHost);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumHeight(110);
    sv->addWidget(scroll, 1);
    auto *sendRow = new QHBoxLayout;
    m_timestamp->setPlaceholderText(tr("timestamp (ms, empty: now)"));
    m_timestamp->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,15}")), this));
    m_timestamp->setAccessibleName(tr("Event timestamp"));
    sendRow->addWidget(m_timestamp, 1);
    sendRow->addWidget(m_send);
    sv->addLayout(sendRow);
    v->addWidget(single, 3);

    auto *feeds = new QGroupBox(tr("Feed simulations"));
    auto *fv = new QVBoxLayout(feeds);
    m_sims->setAccessibleName(tr("Simulations in the workspace"));
    fv->addWidget(m_sims, 1);
    auto *rateRow = new QHBoxLayout;
    m_rate->setRange(0, 10'000'000);
    m_rate->setDecimals(0);
    m_rate->setSuffix(tr(" events/s"));
    m_rate->setSpecialValueText(tr("file's rate"));
    m_rate->setAccessibleName(tr("Simulation rate"));
    auto *newButton = new QPushButton(tr("&New..."));
    auto *newMenu = new QMenu(newButton);
    newMenu->addAction(tr("Random values per attribute"), this,
                       [this] { createSimulation(QStringLiteral("random")); });
    newMenu->addAction(tr("Train route"), this,
                       [this] { createSimulation(QStringLiteral("train")); });
    newMenu->addAction(tr("From a CSV file..."), this,
                       [this] { createSimulation(QStringLiteral("csv")); });
    newButton->setMenu(newMenu);
    auto *edit = new QPushButton(tr("&Edit"));
    rateRow->addWidget(newButton);
    rateRow->addWidget(edit);
    rateRow->addWidget(m_rate, 1);
    fv->addLayout(rateRow);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_start);
    runRow->addWidget(m_pause);
    runRow->addWidget(m_stop);
    fv->addLayout(runRow);
    m_progress->setRange(0, 0);
    m_progress->setVisible(false);
    fv->addWidget(m_progress);
    fv->addWidget(m_simStatus);
    v->addWidget(feeds, 2);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Simulator message"));
    v->addWidget(m_message);
    // Scrolls rather than holding the docks around it to its full height.
    auto *outer = new QScrollArea;
    outer->setWidgetResizable(true);
    outer->setFrameShape(QFrame::NoFrame);
    outer->setWidget(w);
    setWidget(outer);

    connect(m_engine, &EngineHost::started, this, &SimulatorDock::onRunsChanged);
    connect(m_engine, &EngineHost::stopped, this, &SimulatorDock::onRunsChanged);
    connect(m_app, &QComboBox::currentIndexChanged, this, [this] {
        const QString keep = m_stream->currentText();
        m_stream->clear();
        const RunInfo run = m_engine->run(currentRun());
        for (const StreamInfo &s : run.streams) {
            if (s.input)
                m_stream->addItem(s.name);
        }
        if (m_stream->findText(keep) >= 0)
            m_stream->setCurrentText(keep);
        rebuildForm();
    });
    connect(m_stream, &QComboBox::currentIndexChanged, this, &SimulatorDock::rebuildForm);
    connect(m_send, &QPushButton::clicked, this, &SimulatorDock::sendSingleEvent);
    connect(m_engine, &EngineHost::eventRejected, this,
            [this](quint64, const QString &message) { setMessage(message, true); });
    connect(m_engine, &EngineHost::eventSent, this, [this](quint64, const QString &stream) {
        setMessage(tr("sent one event to %1").arg(stream), false);
    });
    connect(edit, &QPushButton::clicked, this, [this] {
        if (auto *item = m_sims->currentItem())
            Q_EMIT openFileRequested(item->data(Qt::UserRole).toString());
    });
    connect(m_start, &QPushButton::clicked, this, &SimulatorDock::startSelectedSimulation);
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_paused)
            m_engine->resumeSimulation(currentRun());
        else
            m_engine->pauseSimulation(currentRun());
    });
    connect(m_stop, &QPushButton::clicked, this,
            [this] { m_engine->stopSimulation(currentRun()); });
    connect(m_engine, &EngineHost::simulationProgress, this,
            [this](quint64, qint64 sent, double rate, const QString &state) {
                m_paused = state == QLatin1String("paused");
                m_pause->setText(m_paused ? tr("Res&ume") : tr("Pa&use"));
                m_progress->setVisible(state == QLatin1String("running")
                                       || state == QLatin1String("paused"));
                m_simStatus->setText(
                    tr("%1: %2 events sent, %3 events/s").arg(state).arg(sent).arg(qRound64(rate)));
            });
    connect(m_engine, &EngineHost::simulationFinished, this,
            [this](quint64, const QString &summary) {
                m_progress->setVisible(false);
                m_simStatus->setText(summary);
            });
    onRunsChanged();
}

void SimulatorDock::setWorkspace(const QString &folder)
{
    m_workspace = folder;
    refreshSimulations();
}

QStringList SimulatorDock::simulations() const
{
    QStringList out;
    for (int i = 0; i < m_sims->count(); ++i)
        out << m_sims->item(i)->data(Qt::UserRole).toString();
    return out;
}

void SimulatorDock::refreshSimulations()
{
    const QString keep =
        m_sims->currentItem() ? m_sims->currentItem()->data(Qt::UserRole).toString() : QString();
    m_sims->clear();
    if (m_workspace.isEmpty())
        return;
    const QFileInfoList files =
        QDir(m_workspace).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QFileInfo &fi : files) {
        QFile f(fi.filePath());
        if (!f.open(QIODevice::ReadOnly) || f.size() > 4 * 1024 * 1024)
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        if (!o.contains(QLatin1String("sources")) && !o.contains(QLatin1String("properties")))
            continue;
        const QString name = o.value(QLatin1String("properties"))
                                 .toObject()
                                 .value(QLatin1String("simulationName"))
                                 .toString();
        auto *item = new QListWidgetItem(
            name.isEmpty() ? fi.fileName() : QStringLiteral("%1  (%2)").arg(name, fi.fileName()),
            m_sims);
        item->setData(Qt::UserRole, fi.filePath());
        if (fi.filePath() == keep)
            m_sims->setCurrentItem(item);
    }
    if (!m_sims->currentItem() && m_sims->count() > 0)
        m_sims->setCurrentRow(0);
}

void SimulatorDock::selectSimulation(const QString &path)
{
    for (int i = 0; i < m_sims->count(); ++i) {
        if (QFileInfo(m_sims->item(i)->data(Qt::UserRole).toString()) == QFileInfo(path))
            m_sims->setCurrentRow(i);
    }
}

void SimulatorDock::startSelectedSimulation()
{
    auto *item = m_sims->currentItem();
    if (!currentRun()) {
        setMessage(tr("run an app first (F5)"), true);
        return;
    }
    if (!item) {
        setMessage(tr("create a simulation first (New...)"), true);
        return;
    }
    m_engine->startSimulation(currentRun(), item->data(Qt::UserRole).toString(), m_rate->value());
}

void SimulatorDock::onRunsChanged()
{
    const quint64 keep = currentRun();
    m_app->blockSignals(true);
    m_app->clear();
    for (const RunInfo &r : m_engine->runs())
        m_app->addItem(r.appName, QVariant::fromValue(r.runId));
    for (int i = 0; i < m_app->count(); ++i) {
        if (m_app->itemData(i).toULongLong() == keep)
            m_app->setCurrentIndex(i);
    }
    m_app->blockSignals(false);
    Q_EMIT m_app->currentIndexChanged(m_app->currentIndex());
    const bool running = m_app->count() > 0;
    m_send->setEnabled(running);
    m_start->setEnabled(running);
    setMessage(running ? QString() : tr("Run an app (F5) to feed it events."), false);
}

quint64 SimulatorDock::currentRun() const
{
    return m_app->currentData().toULongLong();
}

const StreamInfo *SimulatorDock::currentStream() const
{
    static thread_local RunInfo run;
    run = m_engine->run(currentRun());
    for (const StreamInfo &s : run.streams) {
        if (s.name == m_stream->currentText())
            return &s;
    }
    return nullptr;
}

void SimulatorDock::rebuildForm()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_fields.clear();
    const StreamInfo *s = currentStream();
    if (!s)
        return;
    for (int i = 0; i < s->attributes.size(); ++i) {
        const QString &type = s->types.value(i);
        QWidget *field;
        if (type == QLatin1String("bool")) {
            auto *c = new QCheckBox;
            field = c;
        } else {
            auto *e = new QLineEdit;
            if (type == QLatin1String("int"))
                e->setValidator(new QIntValidator(e));
            else if (type == QLatin1String("long"))
                e->setValidator(new QRegularExpressionValidator(
                    QRegularExpression(QStringLiteral("-?\\d{0,19}")), e));
            else if (type == QLatin1String("float") || type == QLatin1String("double"))
                e->setValidator(new QRegularExpressionValidator(
                    QRegularExpression(QStringLiteral("-?\\d*(\\.\\d*)?([eE][-+]?\\d+)?")), e));
            e->setPlaceholderText(type);
            field = e;
        }
        field->setAccessibleName(s->attributes[i]);
        m_form->addRow(QStringLiteral("%1 (%2):").arg(s->attributes[i], type), field);
        m_fields.append({s->attributes[i], field});
    }
}

void SimulatorDock::setValue(const QString &attribute, const QString &value)
{
    for (const auto &[name, field] : std::as_const(m_fields)) {
        if (name != attribute)
            continue;
        if (auto *c = qobject_cast<QCheckBox *>(field))
            c->setChecked(value == QLatin1String("true"));
        else if (auto *e = qobject_cast<QLineEdit *>(field))
            e->setText(value);
    }
}

void SimulatorDock::sendSingleEvent()
{
    const StreamInfo *s = currentStream();
    if (!s) {
        setMessage(tr("choose a running app and one of its input streams"), true);
        return;
    }
    QVariantList values;
    for (int i = 0; i < m_fields.size(); ++i) {
        const QString type = s->types.value(i);
        QWidget *field = m_fields[i].second;
        if (auto *c = qobject_cast<QCheckBox *>(field)) {
            values << c->isChecked();
            continue;
        }
        const QString text = qobject_cast<QLineEdit *>(field)->text().trimmed();
        if (text.isEmpty() && type != QLatin1String("string")) {
            values << QVariant();
            continue;
        }
        bool ok = true;
        if (type == QLatin1String("int"))
            values << QVariant(qlonglong(text.toInt(&ok)));
        else if (type == QLatin1String("long"))
            values << QVariant(text.toLongLong(&ok));
        else if (type == QLatin1String("float") || type == QLatin1String("double"))
            values << text.toDouble(&ok);
        else
            values << text;
        if (!ok) {
            setMessage(
                tr("attribute '%1' is %2, but '%3' is not").arg(m_fields[i].first, type, text),
                true);
            field->setFocus();
            return;
        }
    }
    m_engine->sendEvent(currentRun(), s->name, m_timestamp->text().toLongLong(), values);
}

void SimulatorDock::createSimulation(const QString &kind)
{
    const StreamInfo *s = currentStream();
    if (!s || m_workspace.isEmpty()) {
        setMessage(tr("run an app first: the simulation is made for one of its input streams"),
                   true);
        return;
    }
    const RunInfo run = m_engine->run(currentRun());
    QJsonObject source;
    source.insert(QStringLiteral("streamName"), s->name);
    source.insert(QStringLiteral("siddhiAppName"), run.appName);
    if (kind == QLatin1String("csv")) {
        bool ok = false;
        const QString file =
            QInputDialog::getText(this, tr("CSV feed"), tr("CSV file (in the workspace):"),
                                  QLineEdit::Normal, QStringLiteral("%1.csv").arg(s->name), &ok);
        if (!ok || file.isEmpty())
            return;
        source.insert(QStringLiteral("simulationType"), QStringLiteral("CSV_SIMULATION"));
        source.insert(QStringLiteral("fileName"), file);
        source.insert(QStringLiteral("delimiter"), QStringLiteral(","));
        source.insert(QStringLiteral("isOrdered"), true);
        source.insert(QStringLiteral("timestampInterval"), QStringLiteral("1000"));
    } else if (kind == QLatin1String("train")) {
        source.insert(QStringLiteral("simulationType"), QStringLiteral("TRAIN_ROUTE_SIMULATION"));
        source.insert(QStringLiteral("trains"), 3);
        source.insert(QStringLiteral("speed"), 100);
        source.insert(QStringLiteral("gpsNoise"), 5);
        source.insert(QStringLiteral("reportInterval"), 1000);
        source.insert(QStringLiteral("routeEnd"), QStringLiteral("reverse"));
        source.insert(QStringLiteral("route"),
                      QJsonArray{QJsonArray{52.3676, 4.9041}, QJsonArray{52.0907, 5.1214},
                                 QJsonArray{51.9244, 4.4777}});
    } else {
        source.insert(QStringLiteral("simulationType"), QStringLiteral("RANDOM_DATA_SIMULATION"));
        source.insert(QStringLiteral("timestampInterval"), QStringLiteral("1000"));
        QJsonArray config;
        for (int i = 0; i < s->attributes.size(); ++i) {
            const QString type = s->types.value(i);
            QJsonObject a;
            a.insert(QStringLiteral("type"), QStringLiteral("PRIMITIVE_BASED"));
            a.insert(QStringLiteral("primitiveType"), type.toUpper());
            if (type == QLatin1String("string"))
                a.insert(QStringLiteral("length"), QStringLiteral("5"));
            else if (type == QLatin1String("int") || type == QLatin1String("long")) {
                a.insert(QStringLiteral("min"), QStringLiteral("0"));
                a.insert(QStringLiteral("max"), QStringLiteral("100"));
            } else if (type == QLatin1String("float") || type == QLatin1String("double")) {
                a.insert(QStringLiteral("min"), QStringLiteral("0"));
                a.insert(QStringLiteral("max"), QStringLiteral("100"));
                a.insert(QStringLiteral("precision"), QStringLiteral("2"));
            }
            config.append(a);
        }
        source.insert(QStringLiteral("attributeConfiguration"), config);
    }
    const QString name = QStringLiteral("%1-%2").arg(run.appName, kind);
    QJsonObject properties{{QStringLiteral("simulationName"), name},
                           {QStringLiteral("description"), tr("%1 feed for %2").arg(kind, s->name)},
                           {QStringLiteral("timeInterval"), QStringLiteral("1000")},
                           {QStringLiteral("noOfEvents"), QStringLiteral("100")}};
    const QJsonObject doc{{QStringLiteral("properties"), properties},
                          {QStringLiteral("sources"), QJsonArray{source}}};
    QString path = QDir(m_workspace).filePath(name + QStringLiteral(".sim.json"));
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = QDir(m_workspace).filePath(QStringLiteral("%1-%2.sim.json").arg(name).arg(n));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        setMessage(tr("cannot write %1: %2").arg(path, f.errorString()), true);
        return;
    }
    f.write(QJsonDocument(doc).toJson(QJsonDocument::Indented));
    f.close();
    refreshSimulations();
    selectSimulation(path);
    setMessage(tr("created %1: edit it, then Run").arg(QFileInfo(path).fileName()), false);
    Q_EMIT openFileRequested(path);
}

void SimulatorDock::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

QString SimulatorDock::lastMessage() const
{
    return m_message->text();
}

} // namespace Rivulet::Studio
