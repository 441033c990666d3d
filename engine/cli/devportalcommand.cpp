// rivulet devportal: what the tutorial does in the Developer Portal, from a terminal, through
// the gateway's developer REST API (/api/v1).
#include "commands.h"
#include "httpclient.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

#include <cstdio>

namespace Rivulet::Cli {

namespace {

struct Portal
{
    HttpClientOptions http;
    QByteArray authorization;
    bool json = false;

    HttpReply call(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers = {{"Authorization", authorization},
                                                        {"X-Requested-With", "rivulet"}};
        QByteArray payload;
        if (!body.isEmpty()) {
            headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
            payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        return httpRequest(http, method, path, headers, payload);
    }
};

void printTable(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return;
    QList<int> widths;
    for (const QStringList &r : rows) {
        for (int i = 0; i < r.size(); ++i) {
            if (widths.size() <= i)
                widths << 0;
            widths[i] = std::max(widths[i], int(r[i].size()));
        }
    }
    for (const QStringList &r : rows) {
        QString line;
        for (int i = 0; i < r.size(); ++i)
            line += i + 1 < r.size() ? r[i].leftJustified(widths[i] + 2) : r[i];
        std::printf("%s\n", qPrintable(line));
    }
}

QString str(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? QString::number(v.toDouble(), 'g', 15) : v.toString();
}

int failed(const HttpReply &reply)
{
    std::fprintf(stderr, "rivulet devportal: %s\n", qPrintable(describeError(reply)));
    return reply.status == 0 ? Failed : (reply.status == 400 ? Usage : Failed);
}

void printSubscription(const QJsonObject &o)
{
    std::printf("subscription %s: %s -> %s:%s (%s)\n", qPrintable(str(o, "id")),
                qPrintable(str(o, "application")), qPrintable(str(o, "api")),
                qPrintable(str(o, "version")), qPrintable(str(o, "policy")));
}

bool emitJson(const Portal &p, const HttpReply &reply)
{
    if (!p.json)
        return false;
    std::fwrite(reply.body.constData(), 1, size_t(reply.body.size()), stdout);
    std::fputs("\n", stdout);
    return true;
}

// An application by id or by name.
bool resolveApplication(Portal &p, const QString &given, QString *id, int *status)
{
    const HttpReply reply = p.call("GET", QStringLiteral("/api/v1/applications"));
    if (reply.status != 200) {
        *status = failed(reply);
        return false;
    }
    QStringList names;
    for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
        const QJsonObject o = v.toObject();
        names << str(o, "name");
        if (str(o, "id") == given || str(o, "name").compare(given, Qt::CaseInsensitive) == 0) {
            *id = str(o, "id");
            return true;
        }
    }
    std::fprintf(stderr, "rivulet devportal: no application '%s' (yours: %s)\n", qPrintable(given),
                 names.isEmpty() ? "none" : qPrintable(names.join(QStringLiteral(", "))));
    *status = Failed;
    return false;
}

// An API by id, Name:version, or Name when one version is served.
bool resolveApi(Portal &p, const QString &given, QString *id, int *status)
{
    const HttpReply reply = p.call("GET", QStringLiteral("/api/v1/apis"));
    if (reply.status != 200) {
        *status = failed(reply);
        return false;
    }
    QStringList handles, matches;
    for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
        const QJsonObject o = v.toObject();
        handles << str(o, "handle");
        if (str(o, "id") == given || str(o, "handle") == given || str(o, "name") == given) {
            matches << str(o, "id");
            *id = str(o, "id");
        }
    }
    if (matches.size() == 1)
        return true;
    std::fprintf(stderr, "rivulet devportal: %s API '%s' (APIs: %s)\n",
                 matches.isEmpty() ? "no" : "more than one", qPrintable(given),
                 handles.isEmpty() ? "none" : qPrintable(handles.join(QStringLiteral(", "))));
    *status = Failed;
    return false;
}

} // namespace

int devportalCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The developer portal from a terminal (the gateway's REST API, /api/v1):\n\n"
        "  apis                              the APIs of your tenant\n"
        "  policies                          the subscription policies\n"
        "  applications                      your applications\n"
        "  create-application NAME           prints its client id and secret\n"
        "  delete-application APP\n"
        "  generate-keys APP                 a new client secret (the old one stops working)\n"
        "  subscribe APP API --policy P      API: Name:version, Name, or id\n"
        "  subscriptions [APP]\n"
        "  unsubscribe SUBSCRIPTION\n"
        "  rename-application APP NAME       (--description TEXT changes it too)\n"
        "  change-policy SUBSCRIPTION --policy P\n"
        "  tokens APP                        the application's live access tokens\n"
        "  create-token APP [--validity S]   a client-credentials token, valid S seconds\n"
        "  revoke-token APP TOKEN            TOKEN: an id from `tokens`; its connections close\n\n"
        "Sign in with --user and --password (or $RIVULET_USER, $RIVULET_PASSWORD; without them "
        "the password is asked for). APP is a name or an id.\n"
        "Exit status: 0, 1 when the gateway refuses, 2 for bad usage."));
    parser.addHelpOption();
    addHttpClientOptions(parser);
    parser.addOption({{QStringLiteral("u"), QStringLiteral("user")},
                      QStringLiteral("Your user name, e.g. bob@quantis.com."),
                      QStringLiteral("USER")});
    parser.addOption({{QStringLiteral("p"), QStringLiteral("password")},
                      QStringLiteral("Your password."),
                      QStringLiteral("PASSWORD")});
    parser.addOption({QStringLiteral("policy"), QStringLiteral("The policy to subscribe with."),
                      QStringLiteral("POLICY")});
    parser.addOption({QStringLiteral("description"),
                      QStringLiteral("An application's description."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("validity"),
                      QStringLiteral("How long a new token lives, in seconds."),
                      QStringLiteral("SECONDS")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the REST API's JSON.")});
    parser.addPositionalArgument(QStringLiteral("COMMAND"), QStringLiteral("What to do."),
                                 QStringLiteral("COMMAND [ARGS...]"));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet devportal"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet devportal: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    const QStringList args = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("help")) || args.isEmpty()) {
        std::fputs(qPrintable(parser.helpText()),
                   args.isEmpty() && !parser.isSet(QStringLiteral("help")) ? stderr : stdout);
        return args.isEmpty() && !parser.isSet(QStringLiteral("help")) ? Usage : Ok;
    }
    Portal p;
    QString error;
    if (!httpClientOptions(parser, &p.http, &error)) {
        std::fprintf(stderr, "rivulet devportal: %s\n", qPrintable(error));
        return Usage;
    }
    p.json = parser.isSet(QStringLiteral("json"));
    const QString command = args[0];
    const QStringList known = {QStringLiteral("apis"),
                               QStringLiteral("policies"),
                               QStringLiteral("applications"),
                               QStringLiteral("create-application"),
                               QStringLiteral("delete-application"),
                               QStringLiteral("generate-keys"),
                               QStringLiteral("subscribe"),
                               QStringLiteral("subscriptions"),
                               QStringLiteral("unsubscribe"),
                               QStringLiteral("rename-application"),
                               QStringLiteral("change-policy"),
                               QStringLiteral("tokens"),
                               QStringLiteral("create-token"),
                               QStringLiteral("revoke-token")};
    if (!known.contains(command)) {
        std::fprintf(stderr, "rivulet devportal: unknown command '%s' (commands: %s)\n",
                     qPrintable(command), qPrintable(known.join(QStringLiteral(", "))));
        return Usage;
    }
    auto needArgs = [&](int n, const char *usage) {
        if (args.size() == n + 1)
            return true;
        std::fprintf(stderr, "rivulet devportal: usage: rivulet devportal %s\n", usage);
        return false;
    };
    QString user = parser.value(QStringLiteral("user"));
    if (user.isEmpty())
        user = QProcessEnvironment::systemEnvironment().value(QStringLiteral("RIVULET_USER"));
    if (user.isEmpty()) {
        std::fputs("rivulet devportal: --user is required (e.g. --user bob@quantis.com)\n", stderr);
        return Usage;
    }
    const QByteArray password =
        readSecret(parser.value(QStringLiteral("password")), "RIVULET_PASSWORD", "password: ");
    p.authorization = "Basic " + QByteArray(user.toUtf8() + ':' + password).toBase64();
    int status = Ok;

    if (command == QLatin1String("apis")) {
        const HttpReply reply = p.call("GET", QStringLiteral("/api/v1/apis"));
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        QList<QStringList> rows = {{QStringLiteral("API"), QStringLiteral("TOPICS"),
                                    QStringLiteral("POLICIES"), QStringLiteral("URL")}};
        for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
            const QJsonObject o = v.toObject();
            QStringList topics;
            for (const QJsonValue &t : o.value(QStringLiteral("topics")).toArray())
                topics << t.toObject().value(QStringLiteral("name")).toString();
            QStringList policies;
            for (const QJsonValue &x : o.value(QStringLiteral("policies")).toArray())
                policies << x.toString();
            const QJsonObject urls = o.value(QStringLiteral("urls")).toObject();
            rows << QStringList{str(o, "handle"), topics.join(u','), policies.join(u','),
                                urls.value(QStringLiteral("ws")).toString()};
        }
        printTable(rows);
        return Ok;
    }
    if (command == QLatin1String("policies")) {
        const HttpReply reply = p.call("GET", QStringLiteral("/api/v1/policies"));
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        QList<QStringList> rows = {{QStringLiteral("POLICY"), QStringLiteral("QUOTA"),
                                    QStringLiteral("BURST"), QStringLiteral("PAST QUOTA"),
                                    QStringLiteral("PRICE")}};
        for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
            const QJsonObject o = v.toObject();
            const QJsonObject burst = o.value(QStringLiteral("burst")).toObject();
            const QJsonObject price = o.value(QStringLiteral("price")).toObject();
            const int unitTime = o.value(QStringLiteral("unitTime")).toInt();
            rows << QStringList{
                str(o, "name"),
                o.value(QStringLiteral("unlimited")).toBool()
                    ? QStringLiteral("unlimited")
                    : QStringLiteral("%1 per %2%3")
                          .arg(str(o, "count"),
                               unitTime > 1 ? QString::number(unitTime) + u' ' : QString(),
                               str(o, "timeUnit")),
                burst.isEmpty()
                    ? QStringLiteral("-")
                    : QStringLiteral("%1 per %2").arg(str(burst, "count"), str(burst, "timeUnit")),
                str(o, "onQuota"),
                price.value(QStringLiteral("amount")).toDouble() > 0
                    ? QStringLiteral("%1 %2 per %3 events (%4 free)")
                          .arg(str(price, "amount"), str(price, "currency"),
                               str(price, "perEvents"), str(price, "freeEvents"))
                    : QStringLiteral("free")};
        }
        printTable(rows);
        return Ok;
    }
    if (command == QLatin1String("applications")) {
        const HttpReply reply = p.call("GET", QStringLiteral("/api/v1/applications"));
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        QList<QStringList> rows = {{QStringLiteral("NAME"), QStringLiteral("ID"),
                                    QStringLiteral("CLIENT ID"), QStringLiteral("SUBSCRIPTIONS")}};
        for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
            const QJsonObject o = v.toObject();
            rows << QStringList{str(o, "name"), str(o, "id"), str(o, "clientId"),
                                str(o, "subscriptions")};
        }
        printTable(rows);
        return Ok;
    }
    if (command == QLatin1String("create-application")) {
        if (!needArgs(1, "create-application NAME [--description TEXT]"))
            return Usage;
        QJsonObject body;
        body.insert(QStringLiteral("name"), args[1]);
        if (parser.isSet(QStringLiteral("description")))
            body.insert(QStringLiteral("description"), parser.value(QStringLiteral("description")));
        const HttpReply reply = p.call("POST", QStringLiteral("/api/v1/applications"), body);
        if (reply.status != 201)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        const QJsonObject o = QJsonDocument::fromJson(reply.body).object();
        std::printf("application:   %s\nid:            %s\nclient id:     %s\nclient secret: %s\n",
                    qPrintable(str(o, "name")), qPrintable(str(o, "id")),
                    qPrintable(str(o, "clientId")), qPrintable(str(o, "clientSecret")));
        std::fputs("Keep the client secret: it is shown only once (generate-keys makes a new "
                   "one).\n",
                   stderr);
        return Ok;
    }
    if (command == QLatin1String("delete-application")) {
        if (!needArgs(1, "delete-application APP"))
            return Usage;
        QString id;
        if (!resolveApplication(p, args[1], &id, &status))
            return status;
        const HttpReply reply = p.call("DELETE", QStringLiteral("/api/v1/applications/") + id);
        if (reply.status != 204)
            return failed(reply);
        std::fprintf(stderr, "deleted %s\n", qPrintable(args[1]));
        return Ok;
    }
    if (command == QLatin1String("generate-keys")) {
        if (!needArgs(1, "generate-keys APP"))
            return Usage;
        QString id;
        if (!resolveApplication(p, args[1], &id, &status))
            return status;
        const HttpReply reply =
            p.call("POST", QStringLiteral("/api/v1/applications/%1/keys").arg(id));
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        const QJsonObject o = QJsonDocument::fromJson(reply.body).object();
        std::printf("client id:     %s\nclient secret: %s\n", qPrintable(str(o, "clientId")),
                    qPrintable(str(o, "clientSecret")));
        return Ok;
    }
    if (command == QLatin1String("subscribe")) {
        if (!needArgs(2, "subscribe APP API --policy POLICY"))
            return Usage;
        QString appId, apiId;
        if (!resolveApplication(p, args[1], &appId, &status)
            || !resolveApi(p, args[2], &apiId, &status))
            return status;
        QJsonObject body;
        body.insert(QStringLiteral("applicationId"), appId);
        body.insert(QStringLiteral("apiId"), apiId);
        body.insert(QStringLiteral("policy"), parser.value(QStringLiteral("policy")));
        const HttpReply reply = p.call("POST", QStringLiteral("/api/v1/subscriptions"), body);
        if (reply.status != 201)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        printSubscription(QJsonDocument::fromJson(reply.body).object());
        return Ok;
    }
    if (command == QLatin1String("subscriptions")) {
        if (args.size() > 2) {
            std::fputs("rivulet devportal: usage: rivulet devportal subscriptions [APP]\n", stderr);
            return Usage;
        }
        QString path = QStringLiteral("/api/v1/subscriptions");
        if (args.size() == 2) {
            QString id;
            if (!resolveApplication(p, args[1], &id, &status))
                return status;
            path += QStringLiteral("?applicationId=") + id;
        }
        const HttpReply reply = p.call("GET", path);
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        QList<QStringList> rows = {{QStringLiteral("ID"), QStringLiteral("APPLICATION"),
                                    QStringLiteral("API"), QStringLiteral("POLICY"),
                                    QStringLiteral("USED"), QStringLiteral("CONNECTIONS")}};
        for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
            const QJsonObject o = v.toObject();
            const QJsonObject quota = o.value(QStringLiteral("quota")).toObject();
            const QJsonValue limit = quota.value(QStringLiteral("limit"));
            rows << QStringList{str(o, "id"),
                                str(o, "application"),
                                str(o, "api") + u':' + str(o, "version"),
                                str(o, "policy"),
                                str(quota, "used")
                                    + (limit.isDouble() ? u'/' + str(quota, "limit") : QString()),
                                str(o, "connections")};
        }
        printTable(rows);
        return Ok;
    }
    if (command == QLatin1String("rename-application")) {
        if (!needArgs(2, "rename-application APP NAME [--description TEXT]"))
            return Usage;
        QString id;
        if (!resolveApplication(p, args[1], &id, &status))
            return status;
        QJsonObject body{{QStringLiteral("name"), args[2]}};
        if (parser.isSet(QStringLiteral("description")))
            body.insert(QStringLiteral("description"), parser.value(QStringLiteral("description")));
        const HttpReply reply = p.call("PATCH", QStringLiteral("/api/v1/applications/") + id, body);
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        std::fprintf(stderr, "renamed %s to %s\n", qPrintable(args[1]), qPrintable(args[2]));
        return Ok;
    }
    if (command == QLatin1String("change-policy")) {
        if (!needArgs(1, "change-policy SUBSCRIPTION --policy POLICY"))
            return Usage;
        const HttpReply reply =
            p.call("PATCH", QStringLiteral("/api/v1/subscriptions/") + args[1],
                   QJsonObject{{QStringLiteral("policy"), parser.value(QStringLiteral("policy"))}});
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        printSubscription(QJsonDocument::fromJson(reply.body).object());
        return Ok;
    }
    if (command == QLatin1String("tokens")) {
        if (!needArgs(1, "tokens APP"))
            return Usage;
        QString id;
        if (!resolveApplication(p, args[1], &id, &status))
            return status;
        const HttpReply reply =
            p.call("GET", QStringLiteral("/api/v1/applications/%1/tokens").arg(id));
        if (reply.status != 200)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        QList<QStringList> rows = {{QStringLiteral("ID"), QStringLiteral("GRANT"),
                                    QStringLiteral("SCOPES"), QStringLiteral("ISSUED"),
                                    QStringLiteral("EXPIRES")}};
        for (const QJsonValue &v : QJsonDocument::fromJson(reply.body).array()) {
            const QJsonObject o = v.toObject();
            QStringList scopes;
            for (const QJsonValue &sc : o.value(QStringLiteral("scopes")).toArray())
                scopes << sc.toString();
            rows << QStringList{str(o, "id"), str(o, "grantType"), scopes.join(u' '),
                                str(o, "issuedAt"), str(o, "expiresAt")};
        }
        printTable(rows);
        return Ok;
    }
    if (command == QLatin1String("create-token")) {
        if (!needArgs(1, "create-token APP [--validity SECONDS]"))
            return Usage;
        QString id;
        if (!resolveApplication(p, args[1], &id, &status))
            return status;
        QJsonObject body;
        if (parser.isSet(QStringLiteral("validity"))) {
            bool ok = false;
            const qint64 seconds = parser.value(QStringLiteral("validity")).toLongLong(&ok);
            if (!ok || seconds <= 0) {
                std::fputs("rivulet devportal: --validity: a number of seconds above 0\n", stderr);
                return Usage;
            }
            body.insert(QStringLiteral("validity"), double(seconds));
        }
        const HttpReply reply =
            p.call("POST", QStringLiteral("/api/v1/applications/%1/tokens").arg(id), body);
        if (reply.status != 201)
            return failed(reply);
        if (emitJson(p, reply))
            return Ok;
        const QJsonObject o = QJsonDocument::fromJson(reply.body).object();
        std::printf("%s\n", qPrintable(str(o, "accessToken")));
        std::fprintf(stderr, "token %s, expires %s\n", qPrintable(str(o, "id")),
                     qPrintable(str(o, "expiresAt")));
        return Ok;
    }
    if (command == QLatin1String("revoke-token")) {
        if (!needArgs(2, "revoke-token APP TOKEN"))
            return Usage;
        QString id;
        if (!resolveApplication(p, args[1], &id, &status))
            return status;
        const HttpReply reply =
            p.call("DELETE", QStringLiteral("/api/v1/applications/%1/tokens/%2").arg(id, args[2]));
        if (reply.status != 204)
            return failed(reply);
        std::fprintf(stderr, "revoked %s\n", qPrintable(args[2]));
        return Ok;
    }
    // unsubscribe
    if (!needArgs(1, "unsubscribe SUBSCRIPTION"))
        return Usage;
    const HttpReply reply = p.call("DELETE", QStringLiteral("/api/v1/subscriptions/") + args[1]);
    if (reply.status != 204)
        return failed(reply);
    std::fprintf(stderr, "cancelled %s\n", qPrintable(args[1]));
    return Ok;
}

} // namespace Rivulet::Cli
