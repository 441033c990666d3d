#pragma once

#include "enginehost.h"

#include <QHash>
#include <QJsonDocument>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Rivulet::Studio {

// The studio's client of the gateway it runs: issues access tokens for the live output the way
// an API consumer gets them, through the gateway's own developer REST API and token endpoint
// (plain http listener, local development). As the tenant's user it makes sure an application
// "Rivulet Studio" exists and is subscribed to the topic's API, then asks for a
// client-credentials token. Nothing here bypasses the gateway's checks.
class GatewayClient final : public QObject
{
    Q_OBJECT

public:
    static constexpr char kApplicationName[] = "Rivulet Studio";

    explicit GatewayClient(QObject *parent = nullptr);
    ~GatewayClient() override;

    void setGateway(const GatewayInfo &gateway);
    const GatewayInfo &gateway() const { return m_gateway; }
    // The API topic a URL belongs to (tenant and API), or nullptr.
    const GatewayTopic *topicOf(const QString &url) const;

    // Asks for a user name and password for a tenant (problem: why asking again, or empty).
    // Returns false when the user cancels. Without a prompt, only remembered or sample
    // credentials are tried.
    using CredentialsPrompt = std::function<bool(const QString &tenant, const QString &problem,
                                                 QString *user, QString *password)>;
    void setCredentialsPrompt(CredentialsPrompt prompt) { m_prompt = std::move(prompt); }
    void setCredentials(const QString &tenant, const QString &user, const QString &password);

    using Done = std::function<void(const QString &token, const QString &error)>;
    void issueToken(const QString &url, Done done);

private:
    struct Job;
    struct Reply
    {
        int status = 0;
        QJsonDocument json;
        QString error; // transport error or the API's message
    };
    void request(const QByteArray &method, const QString &path, const QByteArray &body,
                 const QByteArray &authorization, const QByteArray &contentType,
                 std::function<void(const Reply &)> then);
    void step(const std::shared_ptr<Job> &job);
    void fail(const std::shared_ptr<Job> &job, const QString &error);
    bool credentialsFor(const std::shared_ptr<Job> &job, const QString &problem);

    QNetworkAccessManager *m_network;
    GatewayInfo m_gateway;
    CredentialsPrompt m_prompt;
    struct Credentials
    {
        QString user;
        QString password;
    };
    QHash<QString, Credentials> m_credentials; // by tenant, for this session only
    QHash<QString, QString> m_secrets;         // client id -> secret, for this session only
};

} // namespace Rivulet::Studio
