// rivulet token: gets (or revokes) an OAuth2 access token from the gateway's token endpoint.
#include "commands.h"
#include "httpclient.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QUrlQuery>

#include <cstdio>

namespace Rivulet::Cli {

namespace {

QByteArray form(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &f : fields) {
        if (f.second.isEmpty())
            continue;
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(f.first) + '=' + QUrl::toPercentEncoding(f.second);
    }
    return out;
}

} // namespace

int tokenCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Gets an OAuth2 access token from the gateway (POST /oauth2/token) and prints it, or "
        "revokes one (POST /oauth2/revoke).\n\n"
        "  rivulet token --client-id ID --client-secret SECRET            client credentials\n"
        "  rivulet token --client-id ID --client-secret SECRET --grant password --username U\n"
        "  rivulet token revoke TOKEN --client-id ID --client-secret SECRET\n\n"
        "The secret and the password may also come from $RIVULET_CLIENT_SECRET and "
        "$RIVULET_PASSWORD. Exit status: 0, 1 when the gateway refuses, 2 for bad usage."));
    parser.addHelpOption();
    addHttpClientOptions(parser);
    parser.addOption({QStringLiteral("client-id"),
                      QStringLiteral("The application's client id (or $RIVULET_CLIENT_ID)."),
                      QStringLiteral("ID")});
    parser.addOption({QStringLiteral("client-secret"), QStringLiteral("The client secret."),
                      QStringLiteral("SECRET")});
    parser.addOption({QStringLiteral("grant"),
                      QStringLiteral("client_credentials (default) or password."),
                      QStringLiteral("GRANT"), QStringLiteral("client_credentials")});
    parser.addOption({QStringLiteral("username"), QStringLiteral("The user (password grant)."),
                      QStringLiteral("USER")});
    parser.addOption({QStringLiteral("password"),
                      QStringLiteral("The user's password (password grant)."),
                      QStringLiteral("PASSWORD")});
    parser.addOption({QStringLiteral("scope"),
                      QStringLiteral("Scopes to ask for, space-separated."),
                      QStringLiteral("SCOPES")});
    parser.addOption(
        {QStringLiteral("json"),
         QStringLiteral("Print the whole token response (JSON), not just the token.")});
    parser.addPositionalArgument(QStringLiteral("revoke TOKEN"),
                                 QStringLiteral("Revoke TOKEN instead of getting one."),
                                 QStringLiteral("[revoke TOKEN]"));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet token"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet token: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }
    HttpClientOptions http;
    QString error;
    if (!httpClientOptions(parser, &http, &error)) {
        std::fprintf(stderr, "rivulet token: %s\n", qPrintable(error));
        return Usage;
    }
    const QStringList positional = parser.positionalArguments();
    const bool revoke = positional.value(0) == QLatin1String("revoke");
    if ((revoke && positional.size() != 2)
        || (!revoke && !positional.isEmpty() && positional.value(0) != QLatin1String("get"))) {
        std::fputs("rivulet token: expected no argument, or 'revoke TOKEN'\n", stderr);
        return Usage;
    }
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString clientId = parser.value(QStringLiteral("client-id"));
    if (clientId.isEmpty())
        clientId = env.value(QStringLiteral("RIVULET_CLIENT_ID"));
    if (clientId.isEmpty()) {
        std::fputs("rivulet token: --client-id is required (see rivulet devportal "
                   "create-application)\n",
                   stderr);
        return Usage;
    }
    const QByteArray secret = readSecret(parser.value(QStringLiteral("client-secret")),
                                         "RIVULET_CLIENT_SECRET", "client secret: ");
    const QByteArray credentials = QUrl::toPercentEncoding(clientId) + ':'
                                   + QUrl::toPercentEncoding(QString::fromUtf8(secret));
    const QByteArray basic = "Basic " + credentials.toBase64();
    const QList<QPair<QByteArray, QByteArray>> headers = {
        {"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"}};

    if (revoke) {
        const HttpReply reply = httpRequest(
            http, "POST", QStringLiteral("/oauth2/revoke"), headers,
            form({{QStringLiteral("token"), positional[1]},
                  {QStringLiteral("token_type_hint"), QStringLiteral("access_token")}}));
        if (reply.status != 200) {
            std::fprintf(stderr, "rivulet token: %s\n", qPrintable(describeError(reply)));
            return Failed;
        }
        std::fputs("revoked\n", stderr);
        return Ok;
    }
    const QString grant = parser.value(QStringLiteral("grant"));
    QString username = parser.value(QStringLiteral("username"));
    QByteArray password;
    if (grant == QLatin1String("password")) {
        if (username.isEmpty()) {
            std::fputs("rivulet token: the password grant needs --username\n", stderr);
            return Usage;
        }
        password =
            readSecret(parser.value(QStringLiteral("password")), "RIVULET_PASSWORD", "password: ");
    } else if (grant != QLatin1String("client_credentials")) {
        std::fprintf(stderr, "rivulet token: --grant must be client_credentials or password\n");
        return Usage;
    }
    const HttpReply reply =
        httpRequest(http, "POST", QStringLiteral("/oauth2/token"), headers,
                    form({{QStringLiteral("grant_type"), grant},
                          {QStringLiteral("username"), username},
                          {QStringLiteral("password"), QString::fromUtf8(password)},
                          {QStringLiteral("scope"), parser.value(QStringLiteral("scope"))}}));
    if (reply.status != 200) {
        std::fprintf(stderr, "rivulet token: %s\n", qPrintable(describeError(reply)));
        return Failed;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        std::fwrite(reply.body.constData(), 1, size_t(reply.body.size()), stdout);
        std::fputs("\n", stdout);
        return Ok;
    }
    const QJsonObject o = QJsonDocument::fromJson(reply.body).object();
    std::printf("%s\n", qPrintable(o.value(QStringLiteral("access_token")).toString()));
    std::fprintf(stderr, "expires in %d s; scope: %s\n",
                 o.value(QStringLiteral("expires_in")).toInt(),
                 qPrintable(o.value(QStringLiteral("scope")).toString()));
    return Ok;
}

} // namespace Rivulet::Cli
