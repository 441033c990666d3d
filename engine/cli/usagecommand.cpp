// rivulet usage: the monetization report (billable events per subscription and period), from a
// running gateway's REST API, or straight from a key store.
#include "commands.h"
#include "httpclient.h"

#include "engine/gateway/deploymentconfig.h"
#include "engine/gateway/keystore.h"
#include "engine/gateway/usagereport.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QUrlQuery>

#include <cstdio>

namespace Rivulet::Cli {

int usageCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints each application's billable usage per subscription and period, as CSV or JSON, "
        "from the counters the gateway throttles with.\n\n"
        "  rivulet usage --user bob@quantis.com [--application APP]     from the gateway "
        "(GET /api/v1/usage)\n"
        "  rivulet usage --config rivulet.yaml                           from its key store, "
        "every tenant\n"
        "Exit status: 0, 1 when refused or unreadable, 2 for bad usage."));
    parser.addHelpOption();
    addHttpClientOptions(parser);
    parser.addOption({{QStringLiteral("u"), QStringLiteral("user")},
                      QStringLiteral("Your user name (or $RIVULET_USER)."),
                      QStringLiteral("USER")});
    parser.addOption({{QStringLiteral("p"), QStringLiteral("password")},
                      QStringLiteral("Your password (or $RIVULET_PASSWORD)."),
                      QStringLiteral("PASSWORD")});
    parser.addOption({QStringLiteral("application"),
                      QStringLiteral("Only this application (its id)."), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("period"), QStringLiteral("month (default) or day."),
                      QStringLiteral("PERIOD"), QStringLiteral("month")});
    parser.addOption(
        {QStringLiteral("from"), QStringLiteral("First day, YYYY-MM-DD."), QStringLiteral("DAY")});
    parser.addOption(
        {QStringLiteral("to"), QStringLiteral("Last day, YYYY-MM-DD."), QStringLiteral("DAY")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv (default) or json."),
                      QStringLiteral("FORMAT"), QStringLiteral("csv")});
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("Read the key store of this deployment config instead."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("Read this key store file instead (default policies)."),
                      QStringLiteral("FILE")});
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet usage"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet usage: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::fputs("rivulet usage: takes no arguments, only options (see --help)\n", stderr);
        return Usage;
    }
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("csv") && format != QLatin1String("json")) {
        std::fputs("rivulet usage: --format must be csv or json\n", stderr);
        return Usage;
    }
    QByteArray out;
    if (parser.isSet(QStringLiteral("config")) || parser.isSet(QStringLiteral("store"))) {
        Gateway::DeploymentConfig config;
        QString error;
        if (parser.isSet(QStringLiteral("config"))) {
            if (!Gateway::loadDeploymentConfig(parser.value(QStringLiteral("config")), &config,
                                               &error)) {
                std::fprintf(stderr, "rivulet usage: %s\n", qPrintable(error));
                return Failed;
            }
        } else {
            config.policies = Gateway::defaultPolicies();
        }
        const QString path = parser.isSet(QStringLiteral("store"))
                                 ? parser.value(QStringLiteral("store"))
                                 : config.effectiveKeyStorePath();
        Gateway::KeyStore store;
        if (!store.open(path, &error, true)) {
            std::fprintf(stderr, "rivulet usage: %s\n", qPrintable(error));
            return Failed;
        }
        Gateway::UsageFilter filter;
        filter.period = parser.value(QStringLiteral("period"));
        filter.from = parser.value(QStringLiteral("from"));
        filter.to = parser.value(QStringLiteral("to"));
        if (parser.isSet(QStringLiteral("application"))) {
            filter.restrictApplications = true;
            filter.applicationIds.insert(parser.value(QStringLiteral("application")));
        }
        QList<Gateway::UsageRow> rows;
        if (!Gateway::buildUsageReport(store, config.policies, filter, &rows, &error)) {
            std::fprintf(stderr, "rivulet usage: %s\n", qPrintable(error));
            return Usage;
        }
        out = format == QLatin1String("csv")
                  ? Gateway::usageCsv(rows)
                  : QJsonDocument(Gateway::usageJson(rows, filter)).toJson(QJsonDocument::Indented);
    } else {
        HttpClientOptions http;
        QString error;
        if (!httpClientOptions(parser, &http, &error)) {
            std::fprintf(stderr, "rivulet usage: %s\n", qPrintable(error));
            return Usage;
        }
        QString user = parser.value(QStringLiteral("user"));
        if (user.isEmpty())
            user = QProcessEnvironment::systemEnvironment().value(QStringLiteral("RIVULET_USER"));
        if (user.isEmpty()) {
            std::fputs("rivulet usage: --user is required (or --config to read a key store)\n",
                       stderr);
            return Usage;
        }
        const QByteArray password =
            readSecret(parser.value(QStringLiteral("password")), "RIVULET_PASSWORD", "password: ");
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("format"), format);
        for (const char *key : {"period", "from", "to"}) {
            const QString v = parser.value(QString::fromLatin1(key));
            if (!v.isEmpty())
                query.addQueryItem(QString::fromLatin1(key), v);
        }
        if (parser.isSet(QStringLiteral("application")))
            query.addQueryItem(QStringLiteral("applicationId"),
                               parser.value(QStringLiteral("application")));
        const HttpReply reply = httpRequest(
            http, "GET", QStringLiteral("/api/v1/usage?") + query.toString(QUrl::FullyEncoded),
            {{"Authorization", "Basic " + QByteArray(user.toUtf8() + ':' + password).toBase64()},
             {"X-Requested-With", "rivulet"}});
        if (reply.status != 200) {
            std::fprintf(stderr, "rivulet usage: %s\n", qPrintable(describeError(reply)));
            return reply.status == 400 ? Usage : Failed;
        }
        out = reply.body;
        if (format == QLatin1String("json"))
            out = QJsonDocument::fromJson(out).toJson(QJsonDocument::Indented);
    }
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    return Ok;
}

} // namespace Rivulet::Cli
