// source type='http': events POSTed to receiver.url (one event, or an array).
#include "httplistener.h"
#include "iocontext.h"
#include "transports.h"

#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"

#include <QDateTime>
#include <QUrl>

namespace Rivulet::Io {

namespace {

QByteArray jsonError(const char *code, const QString &message)
{
    QByteArray out = "{\"error\":\"";
    out += code;
    out += "\",\"message\":";
    Runtime::appendJsonString(out, message);
    out += '}';
    return out;
}

class HttpSource final : public Source
{
public:
    using Source::Source;
    ~HttpSource() override { stop(); }

    bool start(QString *error) override
    {
        const QString defaultUrl =
            QStringLiteral("http://0.0.0.0:9763/%1/%2").arg(m_config.app, m_config.stream);
        const QUrl url(m_config.option("receiver.url", defaultUrl));
        if (!url.isValid() || url.scheme() != QLatin1String("http") || url.port() <= 0) {
            *error = QStringLiteral("receiver.url '%1' is not an http://host:port/path URL")
                         .arg(m_config.option("receiver.url", defaultUrl));
            return false;
        }
        m_url = url;
        m_listener = m_context->httpListener(url.host(), quint16(url.port()), error);
        if (!m_listener)
            return false;
        m_basicAuth = m_config.boolOption("basic.auth.enabled", false);
        const QString path = url.path().isEmpty() ? QStringLiteral("/") : url.path();
        m_route = m_listener->addRoute(
            path, [this](const HttpRequest &request, HttpResponder &responder) {
                handle(request, responder);
            });
        return true;
    }

    void stop() override
    {
        if (m_listener && m_route) {
            m_listener->removeRoute(m_route);
            m_route = 0;
        }
    }

    QString endpoint() const override { return m_url.toString(); }

private:
    void handle(const HttpRequest &request, HttpResponder &responder)
    {
        if (request.method() != HttpRequest::Method::Post) {
            HttpListener::respondJson(
                responder, 405,
                jsonError("method_not_allowed", QStringLiteral("send events with POST")),
                {{"Allow", "POST"}});
            return;
        }
        if (m_basicAuth) {
            const QByteArray header = request.value("Authorization");
            bool ok = false;
            if (header.startsWith("Basic ")) {
                const QByteArray decoded = QByteArray::fromBase64(header.mid(6).trimmed());
                const int colon = decoded.indexOf(':');
                if (colon > 0 && m_context->basicAuth)
                    ok = m_context->basicAuth(QString::fromUtf8(decoded.left(colon)),
                                              QString::fromUtf8(decoded.mid(colon + 1)));
            }
            if (!ok) {
                HttpListener::respondJson(
                    responder, 401,
                    jsonError("unauthorized",
                              QStringLiteral("valid HTTP Basic credentials are required")),
                    {{"WWW-Authenticate", "Basic realm=\"rivulet\""}});
                return;
            }
        }
        if (!m_app->isRunning()) {
            HttpListener::respondJson(
                responder, 503,
                jsonError("unavailable", QStringLiteral("app %1 is not running").arg(m_config.app)),
                {{"Retry-After", "5"}});
            return;
        }
        const QByteArray body = request.body();
        if (body.trimmed().isEmpty()) {
            ++m_rejected;
            HttpListener::respondJson(
                responder, 400,
                jsonError("bad_payload",
                          QStringLiteral("the request has no body; send {\"event\":{...}}")));
            return;
        }
        QString error;
        int events = 0;
        if (!deliver(body, &error, &events)) {
            m_log.error(m_context, m_config.app,
                        QStringLiteral("%1: rejected a payload: %2").arg(m_config.where(), error));
            HttpListener::respondJson(responder, 400, jsonError("bad_payload", error));
            return;
        }
        HttpListener::respondJson(responder, 200,
                                  "{\"accepted\":" + QByteArray::number(events) + "}");
    }

    QUrl m_url;
    HttpListener *m_listener = nullptr;
    int m_route = 0;
    bool m_basicAuth = false;
    ThrottledLog m_log;
};

} // namespace

std::unique_ptr<Source> makeHttpSource(const TransportConfig &config, Runtime::AppRuntime *app,
                                       Runtime::InputHandler *input, IoContext *context)
{
    return std::make_unique<HttpSource>(config, app, input, context);
}

void ThrottledLog::error(IoContext *context, const QString &app, const QString &message)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_windowStart >= 1000) {
        if (m_suppressed > 0)
            context->log(Runtime::LogLevel::Warn, app,
                         QStringLiteral("%1 more error(s) like the above were not logged")
                             .arg(m_suppressed));
        m_windowStart = now;
        m_inWindow = 0;
        m_suppressed = 0;
    }
    if (++m_inWindow <= 5)
        context->log(Runtime::LogLevel::Warn, app, message);
    else
        ++m_suppressed;
}

} // namespace Rivulet::Io
