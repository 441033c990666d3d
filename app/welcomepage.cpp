#include "welcomepage.h"

#include "engine/lang/frontend.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Rivulet::Studio {

QList<Sample> builtinSamples()
{
    QList<Sample> out;
    const QStringList files = QDir(QStringLiteral(":/samples"))
                                  .entryList({QStringLiteral("*.siddhi")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        Sample s;
        s.fileName = file;
        s.resource = QStringLiteral(":/samples/") + file;
        QFile f(s.resource);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = f.readAll();
        const Lang::CompiledApp compiled = Lang::compileApp(text, file);
        s.title = compiled.name();
        // What the sample shows: its @App:description, else its leading comment.
        QStringList lines;
        if (compiled.app) {
            if (const auto *a =
                    Lang::Ast::findAnnotation(compiled.app->annotations, "App:description"))
                lines << a->value();
        }
        if (lines.isEmpty() || lines.first().isEmpty()) {
            lines.clear();
            for (const QByteArray &line : text.split('\n')) {
                const QByteArray t = line.trimmed();
                if (t.startsWith("--")) {
                    lines << QString::fromUtf8(t.mid(2).trimmed());
                    continue;
                }
                if (!t.isEmpty() && !t.startsWith('@'))
                    break;
                if (!lines.isEmpty() && t.isEmpty())
                    break;
            }
        }
        if (QFile::exists(QStringLiteral(":/samples/") + QFileInfo(file).completeBaseName()
                          + QStringLiteral(".sim.json")))
            lines << QObject::tr("(comes with a ready simulation)");
        s.description = lines.join(u' ');
        // The train scenario first.
        if (file.startsWith(QLatin1String("TrainLocation")))
            out.prepend(s);
        else
            out.append(s);
    }
    return out;
}

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent)
    , m_list(new QListWidget)
{
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(24, 20, 24, 20);
    auto *title = new QLabel(
        tr("<h1>Rivulet Studio</h1><p>Design stream apps in SiddhiQL, feed them simulated "
           "events, watch their live WebSocket output, and export them for the headless "
           "<code>rivulet</code> engine.</p>"));
    title->setWordWrap(true);
    v->addWidget(title);
    auto *buttons = new QHBoxLayout;
    auto *newApp = new QPushButton(tr("&New app..."));
    auto *openWs = new QPushButton(tr("Open &workspace..."));
    buttons->addWidget(newApp);
    buttons->addWidget(openWs);
    buttons->addStretch(1);
    v->addLayout(buttons);
    v->addWidget(
        new QLabel(tr("<h3>Samples</h3>Double-click (or press Enter on) a sample to copy it into "
                      "your workspace and open it.")));
    m_list->setAccessibleName(tr("Samples"));
    m_list->setWordWrap(true);
    m_list->setSpacing(4);
    m_list->setAlternatingRowColors(true);
    for (const Sample &s : builtinSamples()) {
        auto *item =
            new QListWidgetItem(QStringLiteral("%1\n%2").arg(s.title, s.description), m_list);
        item->setData(Qt::UserRole, s.fileName);
        item->setToolTip(s.fileName);
    }
    v->addWidget(m_list, 1);
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT importRequested(item->data(Qt::UserRole).toString());
    });
    connect(newApp, &QPushButton::clicked, this, &WelcomePage::newAppRequested);
    connect(openWs, &QPushButton::clicked, this, &WelcomePage::openWorkspaceRequested);
}

} // namespace Rivulet::Studio
