#include "gatewayclient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace Rivulet::Studio {

namespace {

// The sample deployment's user (resources/samples/rivulet.yaml, as in the tutorial): tried
// without asking, so the token button is one click on the sample.
constexpr char kSampleUser[] = "bob@quantis.com";
constexpr char kSamplePassword[] = "user123";

QByteArray basic(const QString &user, const QString &password)
{
    const QByteArray pair = user.toUtf8() + ':' + password.toUtf8();
    return "Basic " + pair.toBase64();
}

} // namespace

struct GatewayClient::Job
{
    enum Stage { Applications, CreateApplication, Keys, Subscriptions, Api, Subscribe, Token };
    Stage stage = Applications;
    QString tenant;
    QString api;
    QString user;
    QString password;
    QString applicationId;
    QString clientId;
    QString secret;
    QString policy;
    Done done;
};

GatewayClient::GatewayClient(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{}

GatewayClient::~GatewayClient() = default;

void GatewayClient::setGateway(const GatewayInfo &gateway)
{
    // Another gateway (another config or key store) knows other secrets.
    if (gateway.configPath != m_gateway.configPath)
        m_secrets.clear();
    m_gateway = gateway;
}

const GatewayTopic *GatewayClient::topicOf(const QString &url) const
{
    const QUrl u(url);
    for (const GatewayTopic &t : m_gateway.topics) {
        const QUrl base(t.url);
        if (u.port() == base.port()
            && QString(u.path() + u'/').startsWith(QString(t.basePath + u'/')))
            return &t;
    }
    return nullptr;
}

void GatewayClient::setCredentials(const QString &tenant, const QString &user,
                                   const QString &password)
{
    m_credentials.insert(tenant, Credentials{user, password});
}

void GatewayClient::issueToken(const QString &url, Done done)
{
    if (!m_gateway.httpPort) {
        done({}, tr("the gateway is not running (or its http listener is disabled in %1)")
                     .arg(m_gateway.configPath.isEmpty() ? QStringLiteral("rivulet.yaml")
                                                         : m_gateway.configPath));
        return;
    }
    const GatewayTopic *topic = topicOf(url);
    if (!topic) {
        done({}, tr("%1 is not a topic of the gateway's APIs").arg(url));
        return;
    }
    auto job = std::make_shared<Job>();
    job->tenant = topic->tenant;
    job->api = topic->api;
    job->done = std::move(done);
    if (!credentialsFor(job, {})) {
        job->done({}, tr("cancelled"));
        return;
    }
    step(job);
}

bool GatewayClient::credentialsFor(const std::shared_ptr<Job> &job, const QString &problem)
{
    if (problem.isEmpty()) {
        if (m_credentials.contains(job->tenant)) {
            job->user = m_credentials[job->tenant].user;
            job->password = m_credentials[job->tenant].password;
            return true;
        }
        const QStringList users = m_gateway.users.value(job->tenant);
        if (users.contains(QLatin1String(kSampleUser))) {
            job->user = QString::fromLatin1(kSampleUser);
            job->password = QString::fromLatin1(kSamplePassword);
            return true;
        }
        job->user = users.value(0);
    }
    if (!m_prompt)
        return false;
    QString user = job->user, password;
    if (!m_prompt(job->tenant, problem, &user, &password))
        return false;
    job->user = user;
    job->password = password;
    return true;
}

void GatewayClient::request(const QByteArray &method, const QString &path, const QByteArray &body,
                            const QByteArray &authorization, const QByteArray &contentType,
                            std::function<void(const Reply &)> then)
{
    QUrl url(QStringLiteral("http://localhost:%1").arg(m_gateway.httpPort));
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", authorization);
    request.setRawHeader("X-Requested-With", "rivulet-studio"); // 401 without a sign-in box
    request.setTransferTimeout(15000);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, body);
    connect(reply, &QNetworkReply::finished, this, [reply, then = std::move(then)] {
        reply->deleteLater();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.json = QJsonDocument::fromJson(reply->readAll());
        if (r.status == 0) {
            r.error = reply->errorString();
        } else if (r.status >= 400) {
            const QJsonObject o = r.json.object();
            r.error = o.value(QLatin1String("message")).toString();
            if (r.error.isEmpty())
                r.error = o.value(QLatin1String("error_description")).toString();
            if (r.error.isEmpty())
                r.error = o.value(QLatin1String("error")).toString();
            if (r.error.isEmpty())
                r.error = QStringLiteral("HTTP %1").arg(r.status);
        }
        then(r);
    });
}

void GatewayClient::fail(const std::shared_ptr<Job> &job, const QString &error)
{
    job->done({}, error);
}

void GatewayClient::step(const std::shared_ptr<Job> &job)
{
    const QByteArray auth = basic(job->user, job->password);
    const QByteArray json = "application/json";
    switch (job->stage) {
    case Job::Applications:
        request(
            "GET", QStringLiteral("/api/v1/applications"), {}, auth, {},
            [this, job](const Reply &r) {
                if (r.status == 401) {
                    m_credentials.remove(job->tenant);
                    if (!credentialsFor(job, tr("%1: wrong user name or password").arg(job->user)))
                        return fail(job, tr("%1 could not sign in to tenant %2: %3")
                                             .arg(job->user, job->tenant, r.error));
                    return step(job);
                }
                if (!r.error.isEmpty())
                    return fail(job, tr("listing applications: %1").arg(r.error));
                setCredentials(job->tenant, job->user, job->password);
                for (const QJsonValue &v : r.json.array()) {
                    const QJsonObject a = v.toObject();
                    if (a.value(QLatin1String("name")).toString()
                        == QLatin1String(kApplicationName)) {
                        job->applicationId = a.value(QLatin1String("id")).toString();
                        job->clientId = a.value(QLatin1String("clientId")).toString();
                    }
                }
                if (job->applicationId.isEmpty())
                    job->stage = Job::CreateApplication;
                else if (m_secrets.contains(job->clientId))
                    job->secret = m_secrets.value(job->clientId), job->stage = Job::Subscriptions;
                else
                    job->stage = Job::Keys;
                step(job);
            });
        return;
    case Job::CreateApplication:
        request("POST", QStringLiteral("/api/v1/applications"),
                QJsonDocument(QJsonObject{{QStringLiteral("name"), QLatin1String(kApplicationName)},
                                          {QStringLiteral("description"),
                                           QStringLiteral("Tokens for the studio's live output")}})
                    .toJson(QJsonDocument::Compact),
                auth, json, [this, job](const Reply &r) {
                    if (!r.error.isEmpty())
                        return fail(job, tr("creating the application: %1").arg(r.error));
                    const QJsonObject a = r.json.object();
                    job->applicationId = a.value(QLatin1String("id")).toString();
                    job->clientId = a.value(QLatin1String("clientId")).toString();
                    job->secret = a.value(QLatin1String("clientSecret")).toString();
                    m_secrets.insert(job->clientId, job->secret);
                    job->stage = Job::Subscriptions;
                    step(job);
                });
        return;
    case Job::Keys:
        // The secret is shown once, at creation: a studio started again asks for a new one.
        request("POST", QStringLiteral("/api/v1/applications/%1/keys").arg(job->applicationId), {},
                auth, json, [this, job](const Reply &r) {
                    if (!r.error.isEmpty())
                        return fail(job, tr("getting the application's keys: %1").arg(r.error));
                    job->secret = r.json.object().value(QLatin1String("clientSecret")).toString();
                    m_secrets.insert(job->clientId, job->secret);
                    job->stage = Job::Subscriptions;
                    step(job);
                });
        return;
    case Job::Subscriptions:
        request(
            "GET", QStringLiteral("/api/v1/subscriptions?applicationId=%1").arg(job->applicationId),
            {}, auth, {}, [this, job](const Reply &r) {
                if (!r.error.isEmpty())
                    return fail(job, tr("listing subscriptions: %1").arg(r.error));
                const QString name = job->api.section(u':', 0, 0);
                const QString version = job->api.section(u':', 1);
                job->stage = Job::Api;
                for (const QJsonValue &v : r.json.array()) {
                    const QJsonObject s = v.toObject();
                    if (s.value(QLatin1String("api")).toString() == name
                        && s.value(QLatin1String("version")).toString() == version
                        && s.value(QLatin1String("status")).toString() == QLatin1String("active"))
                        job->stage = Job::Token;
                }
                step(job);
            });
        return;
    case Job::Api:
        request("GET", QStringLiteral("/api/v1/apis/%1").arg(job->api), {}, auth, {},
                [this, job](const Reply &r) {
                    if (!r.error.isEmpty())
                        return fail(job, tr("reading %1: %2").arg(job->api, r.error));
                    QStringList policies;
                    for (const QJsonValue &v :
                         r.json.object().value(QLatin1String("policies")).toArray())
                        policies << v.toString();
                    if (policies.isEmpty())
                        return fail(job, tr("%1 offers no subscription policy").arg(job->api));
                    // Testing should not run into a quota: the most generous policy offered.
                    job->policy = policies.contains(QLatin1String("AsyncUnlimited"))
                                      ? QStringLiteral("AsyncUnlimited")
                                      : policies.first();
                    job->stage = Job::Subscribe;
                    step(job);
                });
        return;
    case Job::Subscribe:
        request("POST", QStringLiteral("/api/v1/subscriptions"),
                QJsonDocument(QJsonObject{{QStringLiteral("applicationId"), job->applicationId},
                                          {QStringLiteral("apiId"), job->api},
                                          {QStringLiteral("policy"), job->policy}})
                    .toJson(QJsonDocument::Compact),
                auth, json, [this, job](const Reply &r) {
                    if (!r.error.isEmpty() && r.status != 409)
                        return fail(job, tr("subscribing to %1: %2").arg(job->api, r.error));
                    job->stage = Job::Token;
                    step(job);
                });
        return;
    case Job::Token:
        request("POST", QStringLiteral("/oauth2/token"), "grant_type=client_credentials",
                basic(job->clientId, job->secret), "application/x-www-form-urlencoded",
                [this, job](const Reply &r) {
                    if (!r.error.isEmpty()) {
                        m_secrets.remove(job->clientId);
                        return fail(job, tr("the token endpoint refused: %1").arg(r.error));
                    }
                    const QString token =
                        r.json.object().value(QLatin1String("access_token")).toString();
                    if (token.isEmpty())
                        return fail(job, tr("the token endpoint answered without a token"));
                    job->done(token, {});
                });
        return;
    }
}

} // namespace Rivulet::Studio
