#pragma once

#include <QWidget>

class QListWidget;

namespace Rivulet::Studio {

struct Sample
{
    QString fileName;    // TrainLocation.siddhi
    QString resource;    // :/samples/TrainLocation.siddhi
    QString title;       // @App:name
    QString description; // the leading comment
};

// Lists the samples that ship with the studio; one click imports one into the workspace.
QList<Sample> builtinSamples();

class WelcomePage final : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomePage(QWidget *parent = nullptr);

Q_SIGNALS:
    void importRequested(const QString &sampleFileName);
    void newAppRequested();
    void openWorkspaceRequested();

private:
    QListWidget *m_list;
};

} // namespace Rivulet::Studio
