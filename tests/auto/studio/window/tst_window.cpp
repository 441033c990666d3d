// The studio's main window, driven as a user would: a real workspace folder, the real engine on
// its worker thread, real sockets on loopback and the live output's real WebSocket client.
#include "app/consoledock.h"
#include "app/document.h"
#include "app/enginehost.h"
#include "app/gatewayclient.h"
#include "app/liveoutputdock.h"
#include "app/metricsdock.h"
#include "app/problemsdock.h"
#include "app/simulatordock.h"
#include "app/studiowindow.h"

#include "editor/codeeditor.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Rivulet::Studio;

// The engine's signals come from its worker thread: a QSignalSpy records them there, possibly
// before wait() would start waiting, so the tests poll the spies (QTRY_*) instead.
namespace {

constexpr int kTimeout = 20000;

quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    return s.serverPort();
}

// The train sample on free ports, as the studio would import it into a workspace.
QByteArray sampleOnPorts(const QString &path, quint16 http, quint16 wsIn, quint16 wsOut)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QByteArray text = f.readAll();
    text.replace("8006", QByteArray::number(http));
    text.replace("8026", QByteArray::number(wsIn));
    text.replace("8025", QByteArray::number(wsOut));
    return text;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class tst_Window : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void importSampleOpensIt();
    void editShowsAndClearsAProblem();
    void appWithErrorsDoesNotStart();
    void runFeedAndWatchLiveOutput();
    void stopAndRunAgainAfterAnEdit();
    void busyPortIsReportedAndStudioStaysUsable();
    void twoAppsRunAtOnce();
    void fileNameFollowsAppName();
    void sessionIsRestored();
    void commandPaletteHasEveryAction();
    void gatewayTokenAndTopic();

private:
    StudioWindow *makeWindow();
    Document *importTrainSample(StudioWindow &w, quint16 *wsOut = nullptr);
    static bool waitStarted(StudioWindow &w, Document *doc);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    QString m_workspace;
};

void tst_Window::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<QSettings>(m_dir->filePath(QStringLiteral("studio.ini")),
                                             QSettings::IniFormat);
    m_workspace = m_dir->filePath(QStringLiteral("workspace"));
    // The gateway's key store and certificate: the test's own, never the user's.
    qputenv("XDG_DATA_HOME", m_dir->filePath(QStringLiteral("data")).toUtf8());
}

void tst_Window::cleanup()
{
    m_settings.reset();
    m_dir.reset();
}

StudioWindow *tst_Window::makeWindow()
{
    auto *w = new StudioWindow(m_settings.get());
    w->setWorkspace(m_workspace);
    w->show();
    return w;
}

Document *tst_Window::importTrainSample(StudioWindow &w, quint16 *wsOut)
{
    const QString path = w.importSample(QStringLiteral("TrainLocation.siddhi"));
    Document *doc = w.document(path);
    if (!doc)
        return nullptr;
    const quint16 out = freePort();
    doc->setText(sampleOnPorts(path, freePort(), freePort(), out));
    // The sample's deployment config came along: its gateway on any free ports.
    const QString config = QDir(m_workspace).filePath(QStringLiteral("rivulet.yaml"));
    QFile f(config);
    if (!f.open(QIODevice::ReadOnly))
        return nullptr;
    QByteArray text = f.readAll();
    f.close();
    for (const char *port : {"9099", "8099", "9443", "9763"})
        text.replace(QByteArray("port: " + QByteArray(port)), QByteArray("port: 0"));
    if (!writeFile(config, text))
        return nullptr;
    if (wsOut)
        *wsOut = out;
    return doc;
}

bool tst_Window::waitStarted(StudioWindow &w, Document *doc)
{
    return QTest::qWaitFor(
        [&] {
            return w.runOf(doc) && w.engine()->isRunning(w.runOf(doc))
                   && !w.engine()->run(w.runOf(doc)).appName.isEmpty();
        },
        kTimeout);
}

void tst_Window::importSampleOpensIt()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    const QString path = w->importSample(QStringLiteral("TrainLocation.siddhi"));
    QCOMPARE(path, QDir(m_workspace).filePath(QStringLiteral("TrainLocation.siddhi")));
    QVERIFY(QFileInfo::exists(path));
    // The sample's ready simulation comes with it and is offered by the simulator.
    QVERIFY(
        QFileInfo::exists(QDir(m_workspace).filePath(QStringLiteral("TrainLocation.sim.json"))));
    QVERIFY(w->simulator()->simulations().contains(
        QDir(m_workspace).filePath(QStringLiteral("TrainLocation.sim.json"))));
    QVERIFY(w->currentDocument());
    QCOMPARE(w->currentDocument()->path(), path);
    QVERIFY(w->currentDocument()->isApp());
    QCOMPARE(w->currentDocument()->appName(), QStringLiteral("TrainLocation"));
    QVERIFY(!w->currentDocument()->isModified());
}

void tst_Window::editShowsAndClearsAProblem()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    Document *doc = importTrainSample(*w);
    QVERIFY(doc);
    // The sample is clean.
    QTRY_VERIFY_WITH_TIMEOUT(w->problems()->count() == 0, kTimeout);

    // A typo as a user makes it: `speed` becomes `sped` in the filter.
    QByteArray text = doc->text();
    const qsizetype at = text.indexOf("and speed >= 0.0");
    QVERIFY(at > 0);
    text.replace(at, 16, "and sped >= 0.0");
    doc->setText(text);
    QVERIFY(doc->isModified());
    QTRY_VERIFY_WITH_TIMEOUT(w->problems()->errorCount() == 1, kTimeout);
    const QList<Rivulet::Lang::Diagnostic> diags = doc->diagnostics();
    QCOMPARE(diags.size(), 1);
    QVERIFY2(diags.first().message.contains(QStringLiteral("sped")),
             qPrintable(diags.first().message));
    const int line = QByteArray(text.left(at)).count('\n') + 1;
    QCOMPARE(diags.first().range.line, line);
    QVERIFY(w->tabs()->tabText(w->tabs()->indexOf(doc)).contains(QLatin1Char('*')));

    // Fixed again: the problem goes.
    text.replace(at, 15, "and speed >= 0.0");
    doc->setText(text);
    QTRY_VERIFY_WITH_TIMEOUT(w->problems()->count() == 0, kTimeout);
    QVERIFY(doc->diagnostics().isEmpty());
}

void tst_Window::appWithErrorsDoesNotStart()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    const QString path = w->newApp(QStringLiteral("Broken"));
    Document *doc = w->document(path);
    QVERIFY(doc);
    doc->setText("@App:name('Broken')\ndefine stream S (a int);\nfrom S select b insert into T;\n");
    QSignalSpy started(w->engine(), &EngineHost::started);
    w->runCurrent();
    QCOMPARE(w->runOf(doc), quint64(0));
    QCOMPARE(w->problems()->errorCount(), 1);
    QVERIFY(w->problems()->isVisible());
    QVERIFY(!QTest::qWaitFor([&] { return !started.isEmpty(); }, 200));
}

void tst_Window::runFeedAndWatchLiveOutput()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    quint16 wsOut = 0;
    Document *doc = importTrainSample(*w, &wsOut);
    QVERIFY(doc);
    QSignalSpy started(w->engine(), &EngineHost::started);
    w->runCurrent();
    QVERIFY(waitStarted(*w, doc));
    const RunInfo run = w->engine()->run(w->runOf(doc));
    QCOMPARE(run.appName, QStringLiteral("TrainLocation"));
    // Run state shows in the tab.
    QTRY_VERIFY_WITH_TIMEOUT(!w->tabs()->tabIcon(w->tabs()->indexOf(doc)).isNull(), kTimeout);
    QVERIFY(w->tabs()->tabToolTip(w->tabs()->indexOf(doc)).contains(QStringLiteral("running")));

    // The live output proposes the app's websocket-server sink and connects to it by itself.
    QTRY_VERIFY_WITH_TIMEOUT(w->liveOutput()->isConnected(), kTimeout);
    QCOMPARE(QUrl(w->liveOutput()->url()).port(), int(wsOut));

    // One event from the simulator's form (typed fields generated from the stream's schema).
    SimulatorDock *sim = w->simulator();
    sim->setValue(QStringLiteral("trainId"), QStringLiteral("456"));
    sim->setValue(QStringLiteral("latitude"), QStringLiteral("6.9271"));
    sim->setValue(QStringLiteral("longitude"), QStringLiteral("79.8612"));
    sim->setValue(QStringLiteral("speed"), QStringLiteral("not a number"));
    sim->setValue(QStringLiteral("timestamp"), QStringLiteral("1700000000000"));
    QSignalSpy sent(w->engine(), &EngineHost::eventSent);
    sim->sendSingleEvent();
    QVERIFY2(sim->lastMessage().contains(QStringLiteral("speed")), qPrintable(sim->lastMessage()));
    QVERIFY(!QTest::qWaitFor([&] { return !sent.isEmpty(); }, 100));
    sim->setValue(QStringLiteral("speed"), QStringLiteral("62.5"));
    sim->sendSingleEvent();
    QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, kTimeout);

    // It arrives through the real WebSocket path, one column per attribute.
    OutputModel *model = w->liveOutput()->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 1, kTimeout);
    const QStringList columns = model->columns();
    const int trainColumn = columns.indexOf(QStringLiteral("trainId"));
    QVERIFY2(trainColumn >= 0, qPrintable(columns.join(u',')));
    QCOMPARE(model->data(model->index(0, trainColumn + 1), Qt::DisplayRole).toString(),
             QStringLiteral("456"));
    QVERIFY(model->raw(0).contains("\"trainId\":\"456\""));

    // A short feed: a train route of 40 events as fast as the app takes them.
    const QString feed = QDir(m_workspace).filePath(QStringLiteral("ShortRun.sim.json"));
    QVERIFY(writeFile(feed, R"({
  "properties": {"simulationName": "ShortRun", "noOfEvents": 40, "rate": 2000, "seed": 7},
  "sources": [{"simulationType": "TRAIN_ROUTE_SIMULATION", "streamName": "TrainSensorStream",
               "siddhiAppName": "TrainLocation", "trains": 2, "trainIds": ["456", "123"],
               "speed": [80, 60], "reportInterval": 1000,
               "route": [[6.93370, 79.85020], [6.92890, 79.86480], [6.94880, 79.87650]]}]
})"));
    sim->refreshSimulations();
    sim->selectSimulation(feed);
    QSignalSpy finished(w->engine(), &EngineHost::simulationFinished);
    sim->startSelectedSimulation();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeout);
    QVERIFY2(finished.first().at(1).toString().startsWith(QStringLiteral("40 events sent")),
             qPrintable(finished.first().at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 41, kTimeout);
    QCOMPARE(w->liveOutput()->received(), qint64(41));
}

void tst_Window::stopAndRunAgainAfterAnEdit()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    quint16 wsOut = 0;
    Document *doc = importTrainSample(*w, &wsOut);
    QVERIFY(doc);
    w->runCurrent();
    QVERIFY(waitStarted(*w, doc));
    const quint64 first = w->runOf(doc);

    QSignalSpy stopped(w->engine(), &EngineHost::stopped);
    w->stopCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!stopped.isEmpty(), kTimeout);
    QCOMPARE(stopped.first().at(0).toULongLong(), first);
    QTRY_COMPARE_WITH_TIMEOUT(w->runOf(doc), quint64(0), kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!w->liveOutput()->isConnected(), kTimeout);

    // The port is free again: a second run binds it.
    w->runCurrent();
    QVERIFY(waitStarted(*w, doc));
    const quint64 second = w->runOf(doc);
    QVERIFY(second != first);

    // Running again after an edit restarts cleanly, on the same port, with the new text.
    QByteArray text = doc->text();
    text.replace("speed >= 0.0]", "speed > 10.0]");
    doc->setText(text);
    stopped.clear();
    w->runCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!stopped.isEmpty(), kTimeout);
    QCOMPARE(stopped.first().at(0).toULongLong(), second);
    QVERIFY(waitStarted(*w, doc));
    QVERIFY(w->runOf(doc) != second);
    QTRY_COMPARE_WITH_TIMEOUT(w->engine()->runs().size(), 1, kTimeout);

    QTRY_VERIFY_WITH_TIMEOUT(w->liveOutput()->isConnected(), kTimeout);
    const quint64 run = w->runOf(doc);
    w->engine()->sendEvent(run, QStringLiteral("TrainSensorStream"), 1000,
                           {QStringLiteral("1"), 6.9, 79.8, 5.0, qlonglong(1)});
    w->engine()->sendEvent(run, QStringLiteral("TrainSensorStream"), 1000,
                           {QStringLiteral("2"), 6.9, 79.8, 50.0, qlonglong(2)});
    QTRY_VERIFY_WITH_TIMEOUT(w->liveOutput()->model()->rowCount() >= 1, kTimeout);
    QVERIFY(!QTest::qWaitFor([&] { return w->liveOutput()->model()->rowCount() > 1; }, 300));
    QVERIFY(w->liveOutput()->model()->raw(0).contains("\"trainId\":\"2\""));
}

void tst_Window::busyPortIsReportedAndStudioStaysUsable()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::Any, 0));
    const QString path = w->importSample(QStringLiteral("TrainLocation.siddhi"));
    Document *doc = w->document(path);
    QVERIFY(doc);
    doc->setText(sampleOnPorts(path, freePort(), freePort(), squatter.serverPort()));

    // (a lambda, not a QSignalSpy: the diagnostics argument is not a registered metatype)
    QString message;
    connect(w->engine(), &EngineHost::failed, this,
            [&message](quint64, const QString &, const QString &m) { message = m; });
    w->runCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!message.isEmpty(), kTimeout);
    QVERIFY2(message.contains(QString::number(squatter.serverPort())), qPrintable(message));
    QVERIFY2(w->console()->plainText().contains(QString::number(squatter.serverPort())),
             qPrintable(w->console()->plainText()));
    QCOMPARE(w->runOf(doc), quint64(0));
    QVERIFY(w->engine()->runs().isEmpty());

    // The port is freed: running again works.
    squatter.close();
    w->runCurrent();
    QVERIFY(waitStarted(*w, doc));
}

void tst_Window::twoAppsRunAtOnce()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    Document *train = importTrainSample(*w);
    QVERIFY(train);
    w->runCurrent();
    QVERIFY(waitStarted(*w, train));

    const QString path = w->newApp(QStringLiteral("Doubler"));
    Document *other = w->document(path);
    QVERIFY(other);
    other->setText("@App:name('Doubler')\ndefine stream In (v int);\n"
                   "from In select v * 2 as w insert into Out;\n");
    w->tabs()->setCurrentWidget(other);
    w->runCurrent();
    QVERIFY(waitStarted(*w, other));
    QCOMPARE(w->engine()->runs().size(), 2);
    QVERIFY(w->runOf(train) != w->runOf(other));

    QSignalSpy stopped(w->engine(), &EngineHost::stopped);
    w->stopCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!stopped.isEmpty(), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(w->engine()->runs().size(), 1, kTimeout);
    QVERIFY(w->engine()->isRunning(w->runOf(train)));
}

void tst_Window::fileNameFollowsAppName()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    const QString path = w->newApp(QStringLiteral("First"));
    Document *doc = w->document(path);
    QVERIFY(doc);
    QByteArray text = doc->text();
    text.replace("@App:name('First')", "@App:name('Renamed')");
    doc->setText(text);
    QVERIFY(w->saveDocument(doc, false));
    const QString renamed = QDir(m_workspace).filePath(QStringLiteral("Renamed.siddhi"));
    QCOMPARE(doc->path(), renamed);
    QVERIFY(QFileInfo::exists(renamed));
    QVERIFY(!QFileInfo::exists(path));
    QFile f(renamed);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("@App:name('Renamed')"));
    QVERIFY(!doc->isModified());
    QVERIFY(w->recentFiles().contains(renamed));
}

void tst_Window::sessionIsRestored()
{
    QString train, other;
    QSize size;
    {
        std::unique_ptr<StudioWindow> w(makeWindow());
        train = w->importSample(QStringLiteral("TrainLocation.siddhi"));
        other = w->newApp(QStringLiteral("Second"), QStringLiteral("filter"));
        w->tabs()->setCurrentWidget(w->document(train));
        w->setDarkTheme(true);
        w->resize(1111, 900);
        QTest::qWait(0);
        size = w->size();
        w->saveSession();
    }
    std::unique_ptr<StudioWindow> w(new StudioWindow(m_settings.get()));
    QCOMPARE(w->workspace(), QDir(m_workspace).absolutePath());
    w->restoreSession();
    w->show();
    QCOMPARE(w->documents().size(), 2);
    QVERIFY(w->document(train));
    QVERIFY(w->document(other));
    QCOMPARE(w->currentDocument()->path(), train);
    QVERIFY(w->isDarkTheme());
    QCOMPARE(w->size(), size);
    QCOMPARE(w->size().width(), 1111);
}

void tst_Window::commandPaletteHasEveryAction()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    const QList<QAction *> actions = w->allActions();
    QStringList shortcuts;
    for (QAction *a : actions) {
        for (const QKeySequence &k : a->shortcuts())
            shortcuts << k.toString();
    }
    for (const char *s : {"Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+W", "F5", "Shift+F5", "Ctrl+Shift+P"})
        QVERIFY2(shortcuts.contains(QLatin1String(s)), s);
}

// The sample's deployment config comes with it: F5 runs the app with its API gateway, the live
// output proposes the gateway's topic, and one click on Get token signs in as the sample user
// (through the gateway's REST API and token endpoint), subscribes "Rivulet Studio", and connects
// with the bearer token: only train 456's events arrive. The Metrics dock shows the gateway's
// analytics.
void tst_Window::gatewayTokenAndTopic()
{
    std::unique_ptr<StudioWindow> w(makeWindow());
    Document *doc = importTrainSample(*w);
    QVERIFY(doc);
    QVERIFY(QFileInfo::exists(QDir(m_workspace).filePath(QStringLiteral("rivulet.yaml"))));
    QVERIFY(
        QFileInfo::exists(QDir(m_workspace).filePath(QStringLiteral("TrainRealLocationAPI.yaml"))));
    w->runCurrent();
    QVERIFY(waitStarted(*w, doc));
    QTRY_VERIFY_WITH_TIMEOUT(w->engine()->gatewayRunning(), kTimeout);
    const GatewayInfo gateway = w->engine()->gateway();
    QCOMPARE(gateway.topics.size(), 1);
    const QString topic = gateway.topics.first().url;
    QVERIFY2(topic.endsWith(QStringLiteral("/t/quantis.com/train/location/1.0.0/"
                                           "loc-train-qnt-{trainId}")),
             qPrintable(topic));
    QTRY_VERIFY_WITH_TIMEOUT(w->liveOutput()->proposals().contains(topic), kTimeout);

    // Without a token the gateway refuses the handshake.
    LiveOutputDock *live = w->liveOutput();
    const QString train456 =
        QString(topic).replace(QStringLiteral("{trainId}"), QStringLiteral("456"));
    live->disconnectFromUrl();
    QTRY_VERIFY_WITH_TIMEOUT(!live->isConnected(), kTimeout);
    live->setUrl(train456);
    live->setHeaders({});
    live->connectToUrl();
    QTRY_VERIFY2_WITH_TIMEOUT(live->statusText().contains(QStringLiteral("401")),
                              qPrintable(live->statusText()), kTimeout);
    QVERIFY(!live->isConnected());

    // One click: a token, and the connection with it.
    auto *button = live->findChild<QPushButton *>(QStringLiteral("tokenButton"));
    QVERIFY(button);
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), kTimeout);
    button->click();
    QTRY_VERIFY_WITH_TIMEOUT(live->isConnected(), kTimeout);
    QVERIFY2(live->headers().startsWith(QStringLiteral("Authorization: Bearer ")),
             qPrintable(live->headers() + u' ' + live->statusText()));

    // Only train 456's events reach the topic.
    SimulatorDock *sim = w->simulator();
    QSignalSpy sent(w->engine(), &EngineHost::eventSent);
    for (const char *train : {"123", "456"}) {
        sim->setValue(QStringLiteral("trainId"), QString::fromLatin1(train));
        sim->setValue(QStringLiteral("latitude"), QStringLiteral("6.9271"));
        sim->setValue(QStringLiteral("longitude"), QStringLiteral("79.8612"));
        sim->setValue(QStringLiteral("speed"), QStringLiteral("62.5"));
        sim->setValue(QStringLiteral("timestamp"), QStringLiteral("1700000000000"));
        sim->sendSingleEvent();
    }
    QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 2, kTimeout);
    OutputModel *model = live->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 1, kTimeout);
    QCOMPARE(model->rowCount(), 1);
    QVERIFY2(model->raw(0).contains("\"trainId\":\"456\""), model->raw(0).constData());

    // The gateway's analytics: the studio's subscription delivered it.
    QTableWidget *table = w->metrics()->gatewayTable();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            w->metrics()->refreshGateway();
            for (int r = 0; r < table->rowCount(); ++r) {
                if (table->item(r, 0) && table->item(r, 0)->text() == QLatin1String("Subscription")
                    && table->item(r, 1)->text().contains(QLatin1String("Rivulet Studio"))
                    && table->item(r, 3)->text().toLongLong() >= 1)
                    return true;
            }
            return false;
        }(),
        kTimeout);

    // Wrong credentials are said as such; nothing else breaks.
    w->gatewayClient()->setCredentials(QStringLiteral("quantis.com"),
                                       QStringLiteral("bob@quantis.com"), QStringLiteral("nope"));
    w->gatewayClient()->setCredentialsPrompt({});
    button->click();
    QTRY_VERIFY_WITH_TIMEOUT(live->statusText().startsWith(QStringLiteral("no token")), kTimeout);
    QVERIFY2(live->statusText().contains(QStringLiteral("sign in")),
             qPrintable(live->statusText()));
    QVERIFY(live->isConnected());

    // Stop: the gateway goes with the app.
    w->stopCurrent();
    QTRY_VERIFY_WITH_TIMEOUT(!w->engine()->gatewayRunning(), kTimeout);
}

QTEST_MAIN(tst_Window)
#include "tst_window.moc"
