#pragma once

// One HTTP exchange with the gateway from a test (tst_rest, tst_portal): the answer's status,
// headers and body, waited for with a limit.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>

namespace GatewayTest {

struct Reply
{
    int status = 0; // 0: no answer
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    QString error() const { return object().value(QStringLiteral("error")).toString(); }
    QByteArray header(const char *name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

inline QByteArray basic(const QByteArray &user, const QByteArray &password)
{
    return "Basic " + QByteArray(user + ':' + password).toBase64();
}

// Sends the request and waits for its answer, 30 s at most. An https request trusts the
// certificate at trustedCertificate (the gateway's self-signed one).
inline Reply exchange(QNetworkAccessManager &net, QNetworkRequest request, const QByteArray &method,
                      const QByteArray &body, const QString &trustedCertificate = {})
{
    if (!trustedCertificate.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(trustedCertificate));
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = net.sendCustomRequest(request, method, body);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000))
        reply->abort();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    if (r.status == 0)
        qWarning("no answer: %s", qPrintable(reply->errorString()));
    delete reply;
    return r;
}

} // namespace GatewayTest
