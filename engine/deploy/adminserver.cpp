#include "adminserver.h"

#include "apphost.h"

#include "engine/io/httplistener.h"
#include "engine/lang/diagnostic.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSet>

namespace Rivulet::Deploy {

namespace {

constexpr qsizetype kMaxBody = 16 * 1024 * 1024;

QByteArray errorBody(const char *code, const QString &message, QJsonObject more = {})
{
    more.insert(QStringLiteral("error"), QLatin1String(code));
    more.insert(QStringLiteral("message"), message);
    return QJsonDocument(more).toJson(QJsonDocument::Compact);
}

bool sameKey(const QByteArray &a, const QByteArray &b)
{
    // Constant time in the length of the expected key.
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < b.size(); ++i)
        diff |= static_cast<unsigned char>(b[i] ^ (i < a.size() ? a[i] : 0));
    return diff == 0;
}

} // namespace

AdminServer::AdminServer(AppHost &host, QObject *parent)
    : QObject(parent)
    , m_host(host)
{}

AdminServer::~AdminServer() = default;

bool AdminServer::listen(const QString &host, quint16 port, QString *error)
{
    m_listener = new Io::HttpListener(this);
    if (!m_listener->listenOn(host, port, error))
        return false;
    m_listener->addRoute(QStringLiteral("/admin/*"),
                         [this](const Io::HttpRequest &request, Io::HttpResponder &responder) {
                             handle(request, responder);
                         });
    return true;
}

quint16 AdminServer::port() const
{
    return m_listener ? m_listener->port() : 0;
}

QString AdminServer::defaultKeyFile()
{
    QString data = QProcessEnvironment::systemEnvironment().value(QStringLiteral("XDG_DATA_HOME"));
    if (data.isEmpty())
        data = QDir::homePath() + QStringLiteral("/.local/share");
    return QDir(data).filePath(QStringLiteral("rivulet/admin.key"));
}

bool AdminServer::loadOrCreateKey(const QString &path, QByteArray *key, bool *created,
                                  QString *error)
{
    *created = false;
    QFile f(path);
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the admin key %1: %2").arg(path, f.errorString());
            return false;
        }
        *key = f.readLine().trimmed();
        if (key->size() < 16) {
            *error = QStringLiteral("the admin key in %1 is shorter than 16 characters").arg(path);
            return false;
        }
        return true;
    }
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + 32));
    *key = random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        *error = QStringLiteral("cannot write the admin key %1: %2").arg(path, f.errorString());
        return false;
    }
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    f.write(*key + '\n');
    f.close();
    *created = true;
    return true;
}

void AdminServer::handle(const Io::HttpRequest &request, Io::HttpResponder &responder)
{
    const QByteArray auth = request.value("Authorization");
    if (!auth.startsWith("Bearer ") || m_key.isEmpty() || !sameKey(auth.mid(7).trimmed(), m_key)) {
        Io::HttpListener::respondJson(
            responder, 401,
            errorBody("unauthorized", QStringLiteral("send Authorization: Bearer <admin key>")),
            {{"WWW-Authenticate", "Bearer realm=\"rivulet-admin\""}});
        return;
    }
    const QString path = request.url().path();
    const auto method = request.method();
    if (path == QLatin1String("/admin/v1/apps")) {
        if (method == Io::HttpRequest::Method::Get) {
            Io::HttpListener::respondJson(
                responder, 200,
                QJsonDocument(QJsonObject{{QStringLiteral("apps"), m_host.describe()}})
                    .toJson(QJsonDocument::Compact));
            return;
        }
        if (method == Io::HttpRequest::Method::Post)
            return deploy(request, responder, false);
        Io::HttpListener::respondJson(
            responder, 405, errorBody("method_not_allowed", QStringLiteral("GET or POST")),
            {{"Allow", "GET, POST"}});
        return;
    }
    if (path == QLatin1String("/admin/v1/validate")) {
        if (method == Io::HttpRequest::Method::Post)
            return deploy(request, responder, true);
        Io::HttpListener::respondJson(responder, 405,
                                      errorBody("method_not_allowed", QStringLiteral("POST")),
                                      {{"Allow", "POST"}});
        return;
    }
    const QString prefix = QStringLiteral("/admin/v1/apps/");
    if (path.startsWith(prefix) && method == Io::HttpRequest::Method::Delete) {
        QString error;
        if (!m_host.remove(path.mid(prefix.size()), &error)) {
            Io::HttpListener::respondJson(responder, 404, errorBody("not_found", error));
            return;
        }
        Io::HttpListener::respondJson(
            responder, 200,
            QJsonDocument(QJsonObject{{QStringLiteral("apps"), m_host.describe()}})
                .toJson(QJsonDocument::Compact));
        return;
    }
    Io::HttpListener::respondJson(responder, 404,
                                  errorBody("not_found", QStringLiteral("no such admin path")));
}

void AdminServer::deploy(const Io::HttpRequest &request, Io::HttpResponder &responder,
                         bool validateOnly)
{
    const QByteArray body = request.body();
    if (body.size() > kMaxBody) {
        Io::HttpListener::respondJson(responder, 413,
                                      errorBody("too_large", QStringLiteral("at most 16 MiB")));
        return;
    }
    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(body, &parseError).object();
    const QJsonArray apps = o.value(QLatin1String("apps")).toArray();
    if (parseError.error != QJsonParseError::NoError || apps.isEmpty()) {
        Io::HttpListener::respondJson(
            responder, 400,
            errorBody(
                "bad_request",
                QStringLiteral("send {\"apps\":[{\"file\":\"A.siddhi\",\"source\":\"...\"}]}")));
        return;
    }
    // Everything is compiled and built before anything running is touched.
    std::vector<std::unique_ptr<AppHost::Candidate>> candidates;
    QList<Lang::Diagnostic> diagnostics;
    QSet<QString> names;
    for (const QJsonValue &v : apps) {
        const QJsonObject a = v.toObject();
        const QString file = a.value(QLatin1String("file")).toString(QStringLiteral("app.siddhi"));
        QList<Lang::Diagnostic> own;
        auto c = m_host.prepare(a.value(QLatin1String("source")).toString().toUtf8(), file, &own);
        for (const Lang::Diagnostic &d : std::as_const(own)) {
            if (d.isError())
                diagnostics << d;
        }
        if (!c)
            continue;
        if (names.contains(c->name)) {
            Lang::Diagnostic d;
            d.file = file;
            d.message = QStringLiteral("a second app named %1 in one deployment").arg(c->name);
            diagnostics << d;
            continue;
        }
        names.insert(c->name);
        candidates.push_back(std::move(c));
    }
    if (!diagnostics.isEmpty()) {
        Io::HttpListener::respondJson(
            responder, 422,
            errorBody("invalid_app",
                      QStringLiteral("%1 problem(s); nothing was changed").arg(diagnostics.size()),
                      {{QStringLiteral("diagnostics"), Lang::diagnosticsToJson(diagnostics)}}));
        return;
    }
    if (validateOnly) {
        Io::HttpListener::respondJson(
            responder, 200,
            QJsonDocument(QJsonObject{{QStringLiteral("valid"), true},
                                      {QStringLiteral("diagnostics"), QJsonArray()}})
                .toJson(QJsonDocument::Compact));
        return;
    }
    const QList<AppHost::SwapResult> results = m_host.swap(std::move(candidates));
    QJsonArray out;
    bool allStarted = true;
    for (const AppHost::SwapResult &r : results) {
        QJsonObject a{{QStringLiteral("name"), r.name}, {QStringLiteral("state"), r.state}};
        if (!r.error.isEmpty())
            a.insert(QStringLiteral("error"), r.error);
        if (r.state != QLatin1String("started") && r.state != QLatin1String("replaced"))
            allStarted = false;
        out.append(a);
    }
    if (!allStarted) {
        Io::HttpListener::respondJson(
            responder, 409,
            errorBody("start_failed",
                      QStringLiteral("an app could not start; the previous version serves"),
                      {{QStringLiteral("apps"), out}}));
        return;
    }
    Io::HttpListener::respondJson(
        responder, 200,
        QJsonDocument(QJsonObject{{QStringLiteral("apps"), out}}).toJson(QJsonDocument::Compact));
}

} // namespace Rivulet::Deploy
