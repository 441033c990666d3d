// The studio's Export dialog: apps of the workspace, ${VAR}s found in the apps chosen, the
// command line it stands for, an export that writes a bundle, and one refused with diagnostics.
#include "app/exportdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace Rivulet;

class tst_ExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void variablesAndCommand();
    void exportBundle();
    void refusedWithDiagnostics();

private:
    QString write(const QString &name, const QByteArray &text);
    QTemporaryDir m_dir;
};

QString tst_ExportDialog::write(const QString &name, const QByteArray &text)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(text);
    return path;
}

static const QByteArray kApp =
    "@App:name('Echo')\n"
    "@sink(type='websocket-server', host='127.0.0.1', port='${WS_PORT}', @map(type='json'))\n"
    "define stream Out (a int);\n"
    "define stream In (a int);\n"
    "from In select a insert into Out;\n";

void tst_ExportDialog::variablesAndCommand()
{
    const QString echo = write(QStringLiteral("Echo.siddhi"), kApp);
    write(QStringLiteral("Other.siddhi"), "define stream S (a int);");
    // An unsaved edit of Other.siddhi uses a variable too: what the editor shows is exported.
    const QHash<QString, QByteArray> open{
        {m_dir.filePath(QStringLiteral("Other.siddhi")),
         "@sink(type='log', prefix='${PREFIX}') define stream S (a int);"}};
    Studio::ExportDialog dialog(m_dir.path(), open, echo);
    auto *apps = dialog.findChild<QListWidget *>(QStringLiteral("apps"));
    QVERIFY(apps);
    QCOMPARE(apps->count(), 2);
    auto *variables = dialog.findChild<QTableWidget *>(QStringLiteral("variables"));
    QCOMPARE(variables->rowCount(), 1);
    QCOMPARE(variables->item(0, 0)->text(), QStringLiteral("WS_PORT"));
    apps->item(1)->setCheckState(Qt::Checked);
    QCOMPARE(variables->rowCount(), 2);
    QCOMPARE(variables->item(1, 0)->text(), QStringLiteral("PREFIX"));
    dialog.setVariable(QStringLiteral("WS_PORT"), QStringLiteral("9001"));
    dialog.setTarget(Export::Target::Standalone);
    dialog.setOut(m_dir.filePath(QStringLiteral("out/echo")));
    const Export::ExportOptions o = dialog.options();
    QCOMPARE(o.apps.size(), 2);
    QCOMPARE(o.apps[1].source, open.value(m_dir.filePath(QStringLiteral("Other.siddhi"))));
    QCOMPARE(o.variables.value(QStringLiteral("WS_PORT")), QStringLiteral("9001"));
    QCOMPARE(o.target, Export::Target::Standalone);
    const QString command = dialog.commandLine();
    QVERIFY2(command.contains(QStringLiteral("--var WS_PORT=9001 --standalone --out ")),
             qPrintable(command));
}

void tst_ExportDialog::exportBundle()
{
    const QString echo = write(QStringLiteral("Echo.siddhi"), kApp);
    Studio::ExportDialog dialog(QString(), {}, echo);
    dialog.setVariable(QStringLiteral("WS_PORT"), QStringLiteral("9002"));
    const QString out = m_dir.filePath(QStringLiteral("bundle/echo"));
    dialog.setTarget(Export::Target::Bundle);
    dialog.setOut(out);
    dialog.findChild<QCheckBox *>()->setChecked(false);
    QSignalSpy finished(&dialog, &Studio::ExportDialog::finished);
    dialog.start(false);
    QVERIFY(!finished.isEmpty() || finished.wait(120000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog.log()));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/bin/rivulet")));
    QFile app(out + QStringLiteral("/apps/Echo.siddhi"));
    QVERIFY(app.open(QIODevice::ReadOnly));
    QVERIFY(app.readAll().contains("port='9002'"));
}

void tst_ExportDialog::refusedWithDiagnostics()
{
    const QString bad = write(QStringLiteral("Bad.siddhi"), "define stream S (a int);\n"
                                                            "from S select zz insert into T;\n");
    Studio::ExportDialog dialog(QString(), {}, bad);
    const QString out = m_dir.filePath(QStringLiteral("never"));
    dialog.setOut(out);
    QSignalSpy finished(&dialog, &Studio::ExportDialog::finished);
    dialog.start(false);
    QVERIFY(!finished.isEmpty() || finished.wait(60000));
    QVERIFY(!finished.at(0).at(0).toBool());
    QVERIFY2(dialog.log().contains(QStringLiteral("Bad.siddhi:2:15: error:")),
             qPrintable(dialog.log()));
    QVERIFY(!QFileInfo::exists(out));
}

QTEST_MAIN(tst_ExportDialog)
#include "tst_exportdialog.moc"
