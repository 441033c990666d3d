#include "httpclient.h"

#include "engine/gateway/deploymentconfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace Rivulet::Cli {

HttpReply httpRequest(const HttpClientOptions &options, const QByteArray &method,
                      const QString &pathAndQuery,
                      const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body)
{
    HttpReply result;
    QNetworkAccessManager manager;
    QUrl url = options.base;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    const qsizetype q = pathAndQuery.indexOf(u'?');
    url.setPath(base + (q < 0 ? pathAndQuery : pathAndQuery.left(q)), QUrl::TolerantMode);
    if (q >= 0)
        url.setQuery(pathAndQuery.mid(q + 1), QUrl::TolerantMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(options.timeoutMs);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    if (url.scheme() == QLatin1String("https") && !options.caFile.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(QSslCertificate::fromPath(options.caFile));
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    if (options.insecure) {
        QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                         [reply](const QList<QSslError> &) { reply->ignoreSslErrors(); });
    }
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    if (result.status == 0)
        result.error = QStringLiteral("cannot reach %1: %2")
                           .arg(options.base.toString(), reply->errorString());
    delete reply;
    return result;
}

void addHttpClientOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("url"),
                      QStringLiteral("The gateway's https (or http) listener. Default: "
                                     "$RIVULET_URL, else https://localhost:9443."),
                      QStringLiteral("URL")});
    parser.addOption({{QStringLiteral("k"), QStringLiteral("insecure")},
                      QStringLiteral("Accept any TLS certificate (like curl -k).")});
    parser.addOption({QStringLiteral("cacert"),
                      QStringLiteral("Trust this certificate (the gateway's self-signed one)."),
                      QStringLiteral("FILE")});
}

bool httpClientOptions(const QCommandLineParser &parser, HttpClientOptions *options, QString *error)
{
    QString url = parser.value(QStringLiteral("url"));
    if (url.isEmpty())
        url = QProcessEnvironment::systemEnvironment().value(QStringLiteral("RIVULET_URL"));
    if (!url.isEmpty()) {
        const QUrl u(url, QUrl::StrictMode);
        if (!u.isValid()
            || (u.scheme() != QLatin1String("https") && u.scheme() != QLatin1String("http"))
            || u.host().isEmpty()) {
            *error = QStringLiteral("--url must be an http or https URL, found '%1'").arg(url);
            return false;
        }
        options->base = u;
    }
    options->insecure = parser.isSet(QStringLiteral("insecure"));
    options->caFile = parser.value(QStringLiteral("cacert"));
    if (options->caFile.isEmpty()) {
        // On the gateway's own machine its self-signed certificate is trusted as it is.
        const QString own = QDir(Gateway::DeploymentConfig::defaultDataDir())
                                .filePath(QStringLiteral("tls/gateway.crt"));
        if (QFileInfo::exists(own))
            options->caFile = own;
    }
    if (!options->caFile.isEmpty() && QSslCertificate::fromPath(options->caFile).isEmpty()) {
        *error = QStringLiteral("--cacert: no PEM certificate in %1").arg(options->caFile);
        return false;
    }
    return true;
}

QString describeError(const HttpReply &reply)
{
    if (reply.status == 0)
        return reply.error;
    const QJsonObject o = QJsonDocument::fromJson(reply.body).object();
    QString text = o.value(QStringLiteral("message")).toString();
    if (text.isEmpty())
        text = o.value(QStringLiteral("error_description")).toString();
    const QString code = o.value(QStringLiteral("error")).toString();
    if (text.isEmpty())
        text = QString::fromUtf8(reply.body.trimmed()).left(300);
    return QStringLiteral("HTTP %1%2: %3")
        .arg(reply.status)
        .arg(code.isEmpty() ? QString() : QStringLiteral(" ") + code, text);
}

QByteArray readSecret(const QString &given, const char *environment, const char *prompt)
{
    if (!given.isEmpty())
        return given.toUtf8();
    const QString env =
        QProcessEnvironment::systemEnvironment().value(QString::fromLatin1(environment));
    if (!env.isEmpty())
        return env.toUtf8();
    const bool tty = isatty(fileno(stdin));
    termios old{};
    if (tty) {
        std::fprintf(stderr, "%s", prompt);
        std::fflush(stderr);
        tcgetattr(fileno(stdin), &old);
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(fileno(stdin), TCSANOW, &quiet);
    }
    QFile in;
    QByteArray line;
    if (in.open(stdin, QIODevice::ReadOnly))
        line = in.readLine();
    if (tty) {
        tcsetattr(fileno(stdin), TCSANOW, &old);
        std::fprintf(stderr, "\n");
    }
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

} // namespace Rivulet::Cli
