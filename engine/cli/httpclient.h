#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

class QCommandLineParser;

namespace Rivulet::Cli {

// A blocking HTTP(S) request for the gateway's client commands (token, devportal, usage).
struct HttpClientOptions
{
    QUrl base = QUrl(QStringLiteral("https://localhost:9443"));
    bool insecure = false; // accept any certificate (like curl -k)
    QString caFile;        // trust this certificate too (default: the local gateway's own)
    int timeoutMs = 30000;
};

struct HttpReply
{
    int status = 0; // 0: no HTTP answer (see error)
    QByteArray body;
    QByteArray contentType;
    QString error;
};

HttpReply httpRequest(const HttpClientOptions &options, const QByteArray &method,
                      const QString &pathAndQuery,
                      const QList<QPair<QByteArray, QByteArray>> &headers = {},
                      const QByteArray &body = {});

// --url, -k/--insecure, --cacert: added to a parser, and read back. Without --cacert, the
// self-signed certificate a gateway on this machine made ($XDG_DATA_HOME/rivulet/tls) is trusted.
void addHttpClientOptions(QCommandLineParser &parser);
bool httpClientOptions(const QCommandLineParser &parser, HttpClientOptions *options,
                       QString *error);

// The "error"/"message" (or OAuth2 "error_description") of a JSON error body, or the body.
QString describeError(const HttpReply &reply);

// A secret from an option, an environment variable, a prompt without echo (terminal) or a
// line of standard input.
QByteArray readSecret(const QString &given, const char *environment, const char *prompt);

} // namespace Rivulet::Cli
