// The http source (POSTed events) and sink (events sent to a URL, with retries and on.error)
// in running apps, against Qt's HTTP client and an HTTP server the test runs.
#include "../iotest.h"

#include "engine/io/httplistener.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

#include <functional>

using namespace Rivulet;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
};

Reply post(const QString &url, const QByteArray &body, const QByteArray &method = "POST",
           const QByteArray &authorization = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
        return {};
    Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return r;
}

// An HTTP server for the sink to send to: records each request and answers with the next
// status of a script (the last one repeats).
class Receiver
{
public:
    struct Request
    {
        QByteArray method;
        QString path;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray header(const char *name) const
        {
            for (const auto &h : headers) {
                if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                    return h.second;
            }
            return {};
        }
    };

    bool listen(quint16 port = 0)
    {
        QString error;
        if (!m_listener.listenOn(QStringLiteral("127.0.0.1"), port, &error))
            return false;
        m_listener.addRoute(QStringLiteral("/*"), [this](const Io::HttpRequest &request,
                                                         Io::HttpResponder &responder) {
            Request r;
            r.method = request.method() == Io::HttpRequest::Method::Post  ? "POST"
                       : request.method() == Io::HttpRequest::Method::Put ? "PUT"
                                                                          : "OTHER";
            r.path = request.url().path();
            r.body = request.body();
            r.headers = request.headers();
            requests << r;
            const int status = statuses.isEmpty()
                                   ? 200
                                   : statuses.value(int(requests.size()) - 1, statuses.constLast());
            Io::HttpListener::respondJson(responder, status, "{}");
        });
        return true;
    }
    quint16 port() const { return m_listener.port(); }
    QList<int> statuses;
    QList<Request> requests;

private:
    Io::HttpListener m_listener;
};

const char *kSinkApp = "define stream In (id string, n long);\n"
                       "%2\n"
                       "@sink(type='http', publisher.url='http://127.0.0.1:%1/events', %3)\n"
                       "define stream Out (id string, n long);\n"
                       "from In select * insert into Out;\n";

QString sinkApp(quint16 port, const QString &options, const QString &annotations = {})
{
    return QString::fromLatin1(kSinkApp).arg(port).arg(annotations, options);
}

} // namespace

class tst_HttpTransports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sourceAcceptsEvents();
    void sourceRejectsBadPayloads_data();
    void sourceRejectsBadPayloads();
    void sourceBasicAuth();
    void sourceWhenAppIsNotRunning();
    void sinkSendsEvents();
    void sinkTemplatesAndAuth();
    void sinkGroupsAChunk();
    void sinkRetriesThenDelivers();
    void sinkGivesUpAndLogs();
    void sinkDoesNotRetryClientErrors();
    void sinkStreamsFailuresToFaultStream();
    void sinkWaitsInOrder();
};

void tst_HttpTransports::sourceAcceptsEvents()
{
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(QStringLiteral("@source(type='http', "
                                      "receiver.url='http://127.0.0.1:%1/trains')\n"
                                      "define stream T (id string, speed double);\n")
                           .arg(port),
                       &error, {QStringLiteral("T")}),
             qPrintable(error));
    const QString url = QStringLiteral("http://127.0.0.1:%1/trains").arg(port);
    Reply r = post(url, R"({"event":{"id":"456","speed":62.5}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray(R"({"accepted":1})"));
    r = post(url, R"([{"event":{"id":"1","speed":1}},{"event":{"id":"2","speed":2}}])");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray(R"({"accepted":2})"));
    QCOMPARE(app.events(QStringLiteral("T")),
             (QStringList{QStringLiteral("456|62.5"), QStringLiteral("1|1.0"),
                          QStringLiteral("2|2.0")}));
    QCOMPARE(post(QStringLiteral("http://127.0.0.1:%1/other").arg(port), "{}").status, 404);
    QCOMPARE(post(url, {}, "GET").status, 405);
}

void tst_HttpTransports::sourceRejectsBadPayloads_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("bad JSON") << QByteArray(R"({"event":{"id":)")
                              << QStringLiteral("not valid JSON");
    QTest::newRow("wrong type") << QByteArray(R"({"event":{"id":"1","speed":"fast"}})")
                                << QStringLiteral("attribute 'speed' is a double");
    QTest::newRow("missing attribute")
        << QByteArray(R"({"event":{"id":"1"}})") << QStringLiteral("attribute 'speed' is missing");
    QTest::newRow("no body") << QByteArray() << QStringLiteral("the request has no body");
    QTest::newRow("one bad event of an array")
        << QByteArray(R"([{"event":{"id":"1","speed":1}},{"event":{"id":"2"}}])")
        << QStringLiteral("event 1 of the array: attribute 'speed' is missing");
}

void tst_HttpTransports::sourceRejectsBadPayloads()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@source(type='http', "
                                      "receiver.url='http://127.0.0.1:%1/trains')\n"
                                      "define stream T (id string, speed double);\n")
                           .arg(port),
                       &problem, {QStringLiteral("T")}),
             qPrintable(problem));
    const QString url = QStringLiteral("http://127.0.0.1:%1/trains").arg(port);
    const Reply r = post(url, body);
    QCOMPARE(r.status, 400);
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value(QStringLiteral("error")).toString(), QStringLiteral("bad_payload"));
    QVERIFY2(o.value(QStringLiteral("message")).toString().contains(error), r.body.constData());
    QCOMPARE(app.io().sources().front()->rejected(), qint64(1));
    // Still serving.
    QCOMPARE(post(url, R"({"event":{"id":"ok","speed":1}})").status, 200);
    QVERIFY(app.events(QStringLiteral("T")).contains(QStringLiteral("ok|1.0")));
}

void tst_HttpTransports::sourceBasicAuth()
{
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    app.context().basicAuth = [](const QString &user, const QString &password) {
        return user == QLatin1String("sensor") && password == QLatin1String("s3cret");
    };
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@source(type='http', basic.auth.enabled='true', "
                                      "receiver.url='http://127.0.0.1:%1/trains')\n"
                                      "define stream T (id string, speed double);\n")
                           .arg(port),
                       &problem, {QStringLiteral("T")}),
             qPrintable(problem));
    const QString url = QStringLiteral("http://127.0.0.1:%1/trains").arg(port);
    const QByteArray event = R"({"event":{"id":"1","speed":1}})";
    QCOMPARE(post(url, event).status, 401);
    QCOMPARE(post(url, event, "POST", "Basic " + QByteArray("sensor:wrong").toBase64()).status,
             401);
    QCOMPARE(post(url, event, "POST", "Basic " + QByteArray("sensor:s3cret").toBase64()).status,
             200);
    QCOMPARE(app.events(QStringLiteral("T")).size(), 1);
}

void tst_HttpTransports::sourceWhenAppIsNotRunning()
{
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString problem;
    QVERIFY2(app.start(QStringLiteral("@source(type='http', "
                                      "receiver.url='http://127.0.0.1:%1/trains')\n"
                                      "define stream T (id string, speed double);\n")
                           .arg(port),
                       &problem),
             qPrintable(problem));
    app.runtime().shutdown();
    const Reply r = post(QStringLiteral("http://127.0.0.1:%1/trains").arg(port),
                         R"({"event":{"id":"1","speed":1}})");
    QCOMPARE(r.status, 503);
}

void tst_HttpTransports::sinkSendsEvents()
{
    Receiver receiver;
    QVERIFY(receiver.listen());
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(sinkApp(receiver.port(), QStringLiteral("@map(type='json')")), &error),
             qPrintable(error));
    Runtime::InputHandler *in = app.runtime().inputHandler(QStringLiteral("In"));
    QVERIFY(in->send({QStringLiteral("a"), qint64(1)}));
    QVERIFY(in->send({QStringLiteral("b"), qint64(2)}));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 2, 5000);
    QStringList bodies;
    for (const auto &r : std::as_const(receiver.requests)) {
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QStringLiteral("/events"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        bodies << QString::fromUtf8(r.body);
    }
    bodies.sort();
    QCOMPARE(bodies, (QStringList{QStringLiteral(R"({"event":{"id":"a","n":1}})"),
                                  QStringLiteral(R"({"event":{"id":"b","n":2}})")}));
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sinks().front()->published(), qint64(2), 5000);
}

void tst_HttpTransports::sinkTemplatesAndAuth()
{
    Receiver receiver;
    QVERIFY(receiver.listen());
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(QStringLiteral(
                           "define stream Out (id string, n long);\n"
                           "@sink(type='http', publisher.url='http://127.0.0.1:%1/trains/{{id}}', "
                           "method='PUT', headers=\"'X-Count:{{n}}','X-Static:yes'\", "
                           "basic.auth.username='bob', basic.auth.password='pw', "
                           "@map(type='text'))\n"
                           "define stream Sent (id string, n long);\n"
                           "from Out select * insert into Sent;\n")
                           .arg(receiver.port()),
                       &error),
             qPrintable(error));
    QVERIFY(app.runtime()
                .inputHandler(QStringLiteral("Out"))
                ->send({QStringLiteral("456"), qint64(7)}));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 1, 5000);
    const Receiver::Request &r = receiver.requests.front();
    QCOMPARE(r.method, QByteArray("PUT"));
    QCOMPARE(r.path, QStringLiteral("/trains/456"));
    QCOMPARE(r.header("X-Count"), QByteArray("7"));
    QCOMPARE(r.header("X-Static"), QByteArray("yes"));
    QCOMPARE(r.header("Content-Type"), QByteArray("text/plain"));
    QCOMPARE(r.header("Authorization"), "Basic " + QByteArray("bob:pw").toBase64());
    QCOMPARE(r.body, QByteArray("id:\"456\",\nn:7"));
}

void tst_HttpTransports::sinkGroupsAChunk()
{
    // Siddhi's json mapper makes one array of the events that arrive together.
    Receiver receiver;
    QVERIFY(receiver.listen());
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(QStringLiteral("define stream In (id string, n long);\n"
                                      "@sink(type='http', "
                                      "publisher.url='http://127.0.0.1:%1/events')\n"
                                      "define stream Out (id string, n long);\n"
                                      "from In#window.lengthBatch(2) select * insert into Out;\n")
                           .arg(receiver.port()),
                       &error),
             qPrintable(error));
    Runtime::InputHandler *in = app.runtime().inputHandler(QStringLiteral("In"));
    QVERIFY(in->send({QStringLiteral("a"), qint64(1)}));
    QVERIFY(in->send({QStringLiteral("b"), qint64(2)}));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 1, 5000);
    QCOMPARE(receiver.requests.front().body,
             QByteArray(R"([{"event":{"id":"a","n":1}},{"event":{"id":"b","n":2}}])"));
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sinks().front()->published(), qint64(2), 5000);
}

void tst_HttpTransports::sinkRetriesThenDelivers()
{
    Receiver receiver;
    receiver.statuses = {503, 500, 200};
    QVERIFY(receiver.listen());
    IoTest::App app;
    QString error;
    QVERIFY2(
        app.start(sinkApp(receiver.port(), QStringLiteral("retry.count='3', retry.interval='10'")),
                  &error),
        qPrintable(error));
    QVERIFY(
        app.runtime().inputHandler(QStringLiteral("In"))->send({QStringLiteral("a"), qint64(1)}));
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sinks().front()->published(), qint64(1), 10000);
    QCOMPARE(receiver.requests.size(), 3);
    QCOMPARE(app.io().sinks().front()->failed(), qint64(0));
    QVERIFY2(app.logText().contains(QLatin1String("failed (HTTP 503")), qPrintable(app.logText()));
}

void tst_HttpTransports::sinkGivesUpAndLogs()
{
    Receiver receiver;
    receiver.statuses = {500};
    QVERIFY(receiver.listen());
    IoTest::App app;
    QString error;
    QVERIFY2(
        app.start(sinkApp(receiver.port(), QStringLiteral("retry.count='2', retry.interval='10'")),
                  &error),
        qPrintable(error));
    QVERIFY(
        app.runtime().inputHandler(QStringLiteral("In"))->send({QStringLiteral("a"), qint64(1)}));
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sinks().front()->failed(), qint64(1), 10000);
    QCOMPARE(receiver.requests.size(), 3);
    QVERIFY2(app.logText().contains(QLatin1String("could not deliver 1 event(s) to "
                                                  "http://127.0.0.1:")),
             qPrintable(app.logText()));
    QVERIFY2(app.logText().contains(QLatin1String("HTTP 500")), qPrintable(app.logText()));
}

void tst_HttpTransports::sinkDoesNotRetryClientErrors()
{
    Receiver receiver;
    receiver.statuses = {400, 200};
    QVERIFY(receiver.listen());
    IoTest::App app;
    QString error;
    QVERIFY2(
        app.start(sinkApp(receiver.port(), QStringLiteral("retry.count='3', retry.interval='10'")),
                  &error),
        qPrintable(error));
    QVERIFY(
        app.runtime().inputHandler(QStringLiteral("In"))->send({QStringLiteral("a"), qint64(1)}));
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sinks().front()->failed(), qint64(1), 10000);
    QCOMPARE(receiver.requests.size(), 1);
}

void tst_HttpTransports::sinkStreamsFailuresToFaultStream()
{
    // Nothing listens: connection refused, one retry, then !Out gets the event with _error.
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(sinkApp(port,
                               QStringLiteral("on.error='STREAM', retry.count='1', "
                                              "retry.interval='10'"),
                               QStringLiteral("@OnError(action='STREAM')")),
                       &error, {QStringLiteral("!Out")}),
             qPrintable(error));
    Runtime::InputHandler *in = app.runtime().inputHandler(QStringLiteral("In"));
    QVERIFY(in->send({QStringLiteral("a"), qint64(1)}));
    QVERIFY(in->send({QStringLiteral("b"), qint64(2)}));
    QTRY_COMPARE_WITH_TIMEOUT(app.events(QStringLiteral("!Out")).size(), 2, 10000);
    QStringList faults = app.events(QStringLiteral("!Out"));
    faults.sort();
    QVERIFY2(faults[0].startsWith(QLatin1String("a|1|"))
                 && faults[1].startsWith(QLatin1String("b|2|")),
             qPrintable(faults.join(u'\n')));
    QVERIFY2(faults[0].contains(QLatin1String("refused")), qPrintable(faults[0]));
    QCOMPARE(app.io().sinks().front()->failed(), qint64(2));
    QVERIFY2(app.logText().contains(QLatin1String("sent to the fault stream !Out")),
             qPrintable(app.logText()));
}

void tst_HttpTransports::sinkWaitsInOrder()
{
    // on.error='WAIT': nothing listens at first; once the server is up every event arrives,
    // in order, and none is lost.
    const quint16 port = IoTest::freePort();
    IoTest::App app;
    QString error;
    QVERIFY2(app.start(sinkApp(port, QStringLiteral("on.error='WAIT', retry.interval='10', "
                                                    "retry.max.interval='50'")),
                       &error),
             qPrintable(error));
    Runtime::InputHandler *in = app.runtime().inputHandler(QStringLiteral("In"));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(in->send({QStringLiteral("e%1").arg(i), qint64(i)}));
    QTRY_VERIFY_WITH_TIMEOUT(app.logText().contains(QLatin1String("retry 2 in")), 5000);
    Receiver receiver;
    QVERIFY(receiver.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 5, 10000);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(receiver.requests[i].body,
                 QStringLiteral(R"({"event":{"id":"e%1","n":%1}})").arg(i + 1).toUtf8());
    QTRY_COMPARE_WITH_TIMEOUT(app.io().sinks().front()->published(), qint64(5), 5000);
    QCOMPARE(app.io().sinks().front()->failed(), qint64(0));
}

QTEST_GUILESS_MAIN(tst_HttpTransports)
#include "tst_httptransports.moc"
