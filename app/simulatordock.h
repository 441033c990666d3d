#pragma once

#include "enginehost.h"

#include <QDockWidget>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QWidget;

namespace Rivulet::Studio {

// Feeds a running app: one event from a form generated from the stream's schema (typed
// validation per attribute), or a feed simulation (CSV, random, train route) kept as JSON in
// the workspace, run, paused and stopped with progress and rate.
class SimulatorDock final : public QDockWidget
{
    Q_OBJECT

public:
    SimulatorDock(EngineHost *engine, QWidget *parent = nullptr);

    void setWorkspace(const QString &folder);
    void refreshSimulations();
    // The simulation files (*.sim.json, *.json with a simulation) of the workspace.
    QStringList simulations() const;
    void selectSimulation(const QString &path);
    void startSelectedSimulation();
    void setValue(const QString &attribute, const QString &value);
    void sendSingleEvent();
    QString lastMessage() const;

Q_SIGNALS:
    // The studio opens files it is asked to (a new simulation to edit).
    void openFileRequested(const QString &path);

private:
    void onRunsChanged();
    void rebuildForm();
    void createSimulation(const QString &kind);
    quint64 currentRun() const;
    const StreamInfo *currentStream() const;
    void setMessage(const QString &text, bool error);

    EngineHost *m_engine;
    QString m_workspace;
    QComboBox *m_app;
    QComboBox *m_stream;
    QWidget *m_formHost;
    QFormLayout *m_form;
    QList<QPair<QString, QWidget *>> m_fields;
    QLineEdit *m_timestamp;
    QPushButton *m_send;
    QListWidget *m_sims;
    QDoubleSpinBox *m_rate;
    QPushButton *m_start;
    QPushButton *m_pause;
    QPushButton *m_stop;
    QProgressBar *m_progress;
    QLabel *m_simStatus;
    QLabel *m_message;
    bool m_paused = false;
};

} // namespace Rivulet::Studio
