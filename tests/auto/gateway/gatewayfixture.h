#pragma once

// An in-process deployment for the gateway tests: the TrainLocation sample app (no I/O), the
// sample TrainRealLocationAPI, two more APIs (one needing a scope, one of another tenant), three
// users, small policies, every listener on a free port, a key store in a temporary folder, and
// a clock the test moves.

#include "engine/gateway/credentials.h"
#include "engine/gateway/gateway.h"
#include "engine/io/iocontext.h"
#include "engine/runtime/appruntime.h"

#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>

namespace GatewayTest {

using namespace Rivulet;

inline QByteArray hashOf(const char *password)
{
    static QHash<QByteArray, QByteArray> cache;
    if (!cache.contains(password))
        cache.insert(password, Gateway::Credentials::hashPassword(password));
    return cache.value(password);
}

inline int64_t wallNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Fixture
{
    QTemporaryDir dir;
    Runtime::Engine engine;
    std::unique_ptr<Runtime::AppRuntime> app;
    std::unique_ptr<Io::IoContext> context;
    std::unique_ptr<Gateway::Gateway> gateway;
    Gateway::DeploymentConfig config;
    std::shared_ptr<std::atomic<int64_t>> clock = std::make_shared<std::atomic<int64_t>>(wallNow());

    Fixture()
    {
        const QString samples = QStringLiteral(RIVULET_SOURCE_DIR "/resources/samples/");
        QFile appFile(samples + QStringLiteral("TrainLocation.siddhi"));
        if (!appFile.open(QIODevice::ReadOnly))
            qFatal("cannot read the sample app");
        QList<Lang::Diagnostic> diagnostics;
        app = engine.createApp(appFile.readAll(), appFile.fileName(), &diagnostics);
        if (!app)
            qFatal("the sample app does not build");
        app->start();

        // The sample API, offering every policy (the tests use small ones).
        QFile sampleApi(samples + QStringLiteral("TrainRealLocationAPI.yaml"));
        if (!sampleApi.open(QIODevice::ReadOnly))
            qFatal("cannot read the sample API");
        QByteArray apiText = sampleApi.readAll();
        const qsizetype policies = apiText.indexOf("x-rivulet-policies:");
        apiText.remove(policies, apiText.indexOf('\n', policies) - policies);
        write("train.yaml", apiText);
        write("secure.yaml", "asyncapi: 2.6.0\n"
                             "info: {title: SecureTrainAPI, version: '1.0.0'}\n"
                             "x-rivulet-tenant: quantis.com\n"
                             "x-rivulet-context: /train/secure\n"
                             "x-rivulet-stream: TrainLocationStream\n"
                             "x-rivulet-scopes: [{name: 'train:admin', roles: [admin]}]\n"
                             "channels:\n  'train-{trainId}': {subscribe: {}}\n");
        write("other.yaml", "asyncapi: 2.6.0\n"
                            "info: {title: OtherAPI, version: '2'}\n"
                            "x-rivulet-tenant: other.com\n"
                            "x-rivulet-context: /other\n"
                            "x-rivulet-stream: TrainLocationStream\n"
                            "channels:\n  'all': {subscribe: {}}\n");
        config.ws = {true, QStringLiteral("127.0.0.1"), 0};
        config.wss = {true, QStringLiteral("127.0.0.1"), 0};
        config.https = {true, QStringLiteral("127.0.0.1"), 0};
        config.http = {true, QStringLiteral("127.0.0.1"), 0};
        config.dataDir = dir.path();
        config.counterFlushMs = 100;
        config.tenants = {
            {QStringLiteral("quantis.com"),
             {{QStringLiteral("bob@quantis.com"),
               hashOf("user123"),
               {QStringLiteral("subscriber")}},
              {QStringLiteral("admin@quantis.com"),
               hashOf("admin123"),
               {QStringLiteral("admin"), QStringLiteral("subscriber")}}}},
            {QStringLiteral("other.com"),
             {{QStringLiteral("eve@other.com"), hashOf("eve123"), {QStringLiteral("subscriber")}}}},
        };
        // The sample deployment's policies (its API offers them), and small ones for tests.
        Gateway::DeploymentConfig sample;
        QString error;
        if (!Gateway::loadDeploymentConfig(samples + QStringLiteral("rivulet.yaml"), &sample,
                                           &error))
            qFatal("the sample config: %s", qPrintable(error));
        config.policies = sample.policies;
        Gateway::ThrottlePolicy tiny;
        tiny.name = QStringLiteral("Tiny");
        tiny.count = 3;
        config.policies << tiny;
        tiny.name = QStringLiteral("TinyDrop");
        tiny.onQuota = Gateway::ThrottlePolicy::Action::Drop;
        config.policies << tiny;
        Gateway::ThrottlePolicy bursty;
        bursty.name = QStringLiteral("Bursty");
        bursty.count = 0;
        bursty.burstCount = 2;
        config.policies << bursty;
        config.apis = {dir.filePath(QStringLiteral("train.yaml")),
                       dir.filePath(QStringLiteral("secure.yaml")),
                       dir.filePath(QStringLiteral("other.yaml"))};
    }

    ~Fixture()
    {
        stop();
        if (app)
            app->shutdown();
    }

    void write(const char *name, const QByteArray &text)
    {
        QFile f(dir.filePath(QString::fromLatin1(name)));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", name);
        f.write(text);
    }

    bool start()
    {
        context = std::make_unique<Io::IoContext>();
        context->logger = [](Runtime::LogLevel, const QString &, const QString &) {};
        gateway = std::make_unique<Gateway::Gateway>(config, *context);
        auto c = clock;
        gateway->setClock([c] { return c->load(); });
        QString error;
        if (!gateway->start({app.get()}, &error)) {
            qWarning("gateway: %s", qPrintable(error));
            return false;
        }
        return true;
    }

    void stop()
    {
        if (gateway)
            gateway->stop();
        gateway.reset();
        context.reset();
    }

    void advance(int64_t ms) { clock->fetch_add(ms); }

    Gateway::Principal login(const char *user, const char *password)
    {
        const auto p = gateway->authenticateUser(QString::fromLatin1(user), password);
        if (!p)
            qFatal("cannot sign in %s", user);
        return *p;
    }

    // An application subscribed to an API with a policy; returns its client id and secret.
    struct Client
    {
        QString id;
        QString clientId;
        QByteArray secret;
    };
    Client application(const Gateway::Principal &who, const QString &name, const QString &api,
                       const QString &policy)
    {
        QJsonObject out;
        Gateway::ServiceError e;
        if (!gateway->createApplication(who, name, QString(), &out, &e))
            qFatal("createApplication: %s", qPrintable(e.message));
        Client c{out.value(QStringLiteral("id")).toString(),
                 out.value(QStringLiteral("clientId")).toString(),
                 out.value(QStringLiteral("clientSecret")).toString().toUtf8()};
        if (!api.isEmpty()) {
            QJsonObject sub;
            if (!gateway->subscribe(who, c.id, api, policy, &sub, &e))
                qFatal("subscribe: %s", qPrintable(e.message));
        }
        return c;
    }

    QByteArray token(const Client &c, const QString &grant = QStringLiteral("client_credentials"),
                     const QString &user = {}, const QByteArray &password = {},
                     const QString &scope = {})
    {
        Gateway::TokenGrant g;
        Gateway::ServiceError e;
        if (!gateway->issueToken(c.clientId, c.secret, grant, user, password, scope, &g, &e))
            qFatal("issueToken: %s", qPrintable(e.message));
        return g.accessToken;
    }

    void send(const char *trainId, double latitude = 6.9)
    {
        QString error;
        if (!app->inputHandler(QStringLiteral("TrainLocationStream"))
                 ->send(wallNow(),
                        {QString::fromLatin1(trainId), latitude, 79.8, 60.0, qint64(1700000000000)},
                        &error))
            qFatal("send: %s", qPrintable(error));
    }

    // The status line's code of a raw WebSocket handshake (0 when none came).
    int handshake(quint16 port, const QByteArray &path, const QByteArray &extraHeaders,
                  QByteArray *response = nullptr)
    {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (!s.waitForConnected(5000))
            return 0;
        s.write("GET " + path
                + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + extraHeaders + "\r\n");
        QByteArray in;
        while (!in.contains("\r\n\r\n") && s.waitForReadyRead(5000))
            in += s.readAll();
        // Read the body too (Content-Length), for the error's text.
        const qsizetype head = in.indexOf("\r\n\r\n");
        const qsizetype cl = in.indexOf("Content-Length: ");
        if (head > 0 && cl > 0 && cl < head) {
            const int length = in.mid(cl + 16, in.indexOf("\r\n", cl) - cl - 16).toInt();
            while (in.size() < head + 4 + length && s.waitForReadyRead(5000))
                in += s.readAll();
        }
        if (response)
            *response = in;
        if (!in.startsWith("HTTP/1.1 "))
            return 0;
        return in.mid(9, 3).toInt();
    }
};

} // namespace GatewayTest
