// AppHost: a bad app changes nothing, a new version that cannot start gives way to the old one
// again, a good one replaces it, and new names are added.
#include "engine/deploy/apphost.h"
#include "engine/io/iocontext.h"
#include "engine/runtime/appruntime.h"

#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace Rivulet;

namespace {

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

QByteArray app(const char *name, quint16 port, const char *select = "a")
{
    return QStringLiteral("@App:name('%1')\n"
                          "@sink(type='websocket-server', host='127.0.0.1', port='%2', "
                          "@map(type='json'))\n"
                          "define stream Out (a int);\n"
                          "define stream In (a int);\n"
                          "from In select %3 as a insert into Out;\n")
        .arg(QLatin1String(name))
        .arg(port)
        .arg(QLatin1String(select))
        .toUtf8();
}

bool listening(quint16 port)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    return s.waitForConnected(3000);
}

} // namespace

class tst_AppHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void swap();
};

void tst_AppHost::swap()
{
    Runtime::Engine::Options options;
    options.logger = [](Runtime::LogLevel, const QString &, const QString &) {};
    Runtime::Engine engine(options);
    Io::IoContext context;
    context.logger = options.logger;
    Deploy::AppHost host(engine, context);
    QSignalSpy started(&host, &Deploy::AppHost::appStarted);
    QSignalSpy stopping(&host, &Deploy::AppHost::appStopping);

    const quint16 port = freePort();
    QList<Lang::Diagnostic> diagnostics;
    auto v1 = host.prepare(app("A", port), QStringLiteral("v1.siddhi"), &diagnostics);
    QVERIFY(v1);
    host.add(std::move(v1));
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    QVERIFY(listening(port));
    QCOMPARE(started.count(), 1);

    // A bad app: not even a candidate.
    diagnostics.clear();
    QVERIFY(!host.prepare("from Nowhere select x insert into Y;", QStringLiteral("bad.siddhi"),
                          &diagnostics));
    QVERIFY(!diagnostics.isEmpty());
    QCOMPARE(diagnostics.first().file, QStringLiteral("bad.siddhi"));

    // A new version whose port is taken by another program: the old one serves again.
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    auto v2 =
        host.prepare(app("A", squatter.serverPort()), QStringLiteral("v2.siddhi"), &diagnostics);
    QVERIFY(v2);
    std::vector<std::unique_ptr<Deploy::AppHost::Candidate>> batch;
    batch.push_back(std::move(v2));
    QList<Deploy::AppHost::SwapResult> results = host.swap(std::move(batch));
    QCOMPARE(results.size(), 1);
    QCOMPARE(results[0].state, QStringLiteral("kept"));
    QVERIFY2(results[0].error.contains(QString::number(squatter.serverPort())),
             qPrintable(results[0].error));
    QVERIFY(listening(port));
    QCOMPARE(host.describe().at(0).toObject().value(QLatin1String("file")).toString(),
             QStringLiteral("v1.siddhi"));

    // A good new version on the same port replaces it.
    auto v3 = host.prepare(app("A", port, "a * 2"), QStringLiteral("v3.siddhi"), &diagnostics);
    QVERIFY(v3);
    batch.push_back(std::move(v3));
    results = host.swap(std::move(batch));
    QCOMPARE(results[0].state, QStringLiteral("replaced"));
    QVERIFY(listening(port));
    QCOMPARE(host.describe().at(0).toObject().value(QLatin1String("file")).toString(),
             QStringLiteral("v3.siddhi"));

    // Another name is added, and removed.
    const quint16 port2 = freePort();
    batch.push_back(host.prepare(app("B", port2), QStringLiteral("b.siddhi"), &diagnostics));
    results = host.swap(std::move(batch));
    QCOMPARE(results[0].state, QStringLiteral("started"));
    QCOMPARE(host.names(), (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
    QVERIFY(host.remove(QStringLiteral("B"), &error));
    QVERIFY(!host.remove(QStringLiteral("B"), &error));
    QCOMPARE(host.names(), QStringList{QStringLiteral("A")});
    QTRY_VERIFY(!listening(port2));
    QVERIFY(stopping.count() >= 3);
}

QTEST_GUILESS_MAIN(tst_AppHost)
#include "tst_apphost.moc"
