// sink type='http': each event (or each group, for mappers that group: a JSON array) is sent
// to publisher.url with method and headers, all of which may hold {{attr}} templates. Requests
// go out from the IoContext's thread (QNetworkAccessManager); publish(), called under the app's
// lock, only maps the events and hands the request over.
//
// A connection failure, a timeout or a 5xx/429/408 answer is retried with exponential backoff;
// any other non-2xx answer fails at once (retrying a 400 would not help). What a failure does
// is on.error's choice:
//   LOG    (default) retry.count retries, then log and count it;
//   WAIT   retry for as long as it takes, in order, one request at a time (later events wait in
//          a queue of queue.size requests; past that they are dropped, logged and counted);
//   STREAM retry.count retries, then send the events with _error to the stream's fault stream
//          when it has @OnError(action='STREAM'), else log.
#include "iocontext.h"
#include "mappers.h"
#include "transports.h"

#include "engine/runtime/appruntime.h"
#include "engine/runtime/fault.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <unordered_set>

namespace Rivulet::Io {

using namespace Runtime;

namespace {

enum class OnError { Log, Wait, Stream };

struct Request
{
    QUrl url;
    QByteArray method;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int count = 0;               // events in the request
    std::vector<Event *> events; // clones (the stream's layout) for on.error='STREAM'
    int attempt = 0;
    QNetworkReply *reply = nullptr;
};

class HttpSink final : public Sink
{
public:
    using Sink::Sink;
    ~HttpSink() override { stop(); }

    bool start(QString *error) override
    {
        StreamJunction *junction = m_app->junction(m_config.stream);
        if (!junction) {
            *error = QStringLiteral("stream %1 does not exist").arg(m_config.stream);
            return false;
        }
        const EventLayout &layout = *junction->layout();
        const QString url = m_config.option("publisher.url");
        if (!url.contains(QLatin1String("{{"))) {
            const QUrl u(url);
            if (!u.isValid() || u.host().isEmpty()
                || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))) {
                *error =
                    QStringLiteral("publisher.url '%1' is not an http:// or https:// URL").arg(url);
                return false;
            }
        } else if (!url.startsWith(QLatin1String("http://"))
                   && !url.startsWith(QLatin1String("https://"))) {
            *error = QStringLiteral("publisher.url '%1' does not start with http:// or https://")
                         .arg(url);
            return false;
        }
        m_urlText = url;
        m_url = Template(url, layout);
        const QString method = m_config.option("method", QStringLiteral("POST"));
        m_method = Template(method, layout);
        QList<QPair<QString, QString>> headers;
        if (!parseHeaders(m_config.option("headers"), &headers, error))
            return false;
        bool hasContentType = false;
        m_dynamic = url.contains(QLatin1String("{{")) || method.contains(QLatin1String("{{"));
        for (const auto &[name, value] : std::as_const(headers)) {
            m_headers.append({name.toUtf8(), Template(value, layout)});
            m_dynamic = m_dynamic || value.contains(QLatin1String("{{"));
            hasContentType =
                hasContentType
                || name.compare(QLatin1String("content-type"), Qt::CaseInsensitive) == 0;
        }
        if (!hasContentType)
            m_contentType = contentType(m_config.mapType);
        const QString user = m_config.option("basic.auth.username");
        if (!user.isEmpty() || m_config.boolOption("basic.auth.enabled", false))
            m_authorization =
                "Basic "
                + (user + u':' + m_config.option("basic.auth.password")).toUtf8().toBase64();

        const QString onError = m_config.option("on.error", QStringLiteral("LOG")).toUpper();
        if (onError == QLatin1String("WAIT"))
            m_mode = OnError::Wait;
        else if (onError == QLatin1String("STREAM"))
            m_mode = OnError::Stream;
        else if (onError == QLatin1String("LOG"))
            m_mode = OnError::Log;
        else {
            *error = QStringLiteral("on.error must be LOG, WAIT or STREAM, found '%1'")
                         .arg(m_config.option("on.error"));
            return false;
        }
        m_retryCount = std::max(0, m_config.intOption("retry.count", 3));
        m_retryMs = std::max(1, m_config.intOption("retry.interval", 500));
        m_maxRetryMs = std::max(m_retryMs, m_config.intOption("retry.max.interval", 30000));
        m_limit = size_t(std::max(1, m_config.intOption("queue.size", 1024)));
        m_maxInFlight = m_mode == OnError::Wait ? 1 : 16;
        m_timeoutMs = std::max(0, m_config.intOption("socket.idle.timeout", 6000));
        m_fault = FaultHandler(&m_app->context(), junction, m_config.where());
        m_toFaultStream = m_mode == OnError::Stream && junction->faultJunction;

        runInContextThread(m_context, [this] {
            auto *nam = new QNetworkAccessManager;
            std::lock_guard<std::mutex> lock(m_mutex);
            m_nam = nam;
        });
        return true;
    }

    void stop() override
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_nam)
                return;
        }
        runInContextThread(m_context, [this] {
            m_stopping = true;
            // Drain: what is queued goes out, and requests under way may finish.
            pump();
            waitFor(
                [this] {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    return m_active.empty() && m_queue.empty();
                },
                3000);
            QNetworkAccessManager *nam = nullptr;
            std::deque<std::unique_ptr<Request>> queued;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                std::swap(nam, m_nam);
                queued.swap(m_queue);
            }
            int lost = 0;
            for (Request *r : m_active) {
                if (r->reply) {
                    QObject::disconnect(r->reply, nullptr, nam, nullptr);
                    r->reply->abort();
                }
                lost += r->count;
                dispose(r);
            }
            m_active.clear();
            for (auto &r : queued) {
                lost += r->count;
                dispose(r.release());
            }
            delete nam; // with it, replies and retry timers
            if (lost) {
                m_failed += lost;
                m_context->log(LogLevel::Warn, m_config.app,
                               QStringLiteral("%1: %2 event(s) to %3 were not delivered before "
                                              "stopping")
                                   .arg(m_config.where())
                                   .arg(lost)
                                   .arg(m_urlText));
            }
        });
    }

    QString endpoint() const override { return m_urlText; }

    void publish(const EventChunk &chunk) override
    {
        std::vector<const Event *> events;
        for (const Event *e : chunk.events) {
            if (isPublishable(e))
                events.push_back(e);
        }
        if (events.empty())
            return;
        std::vector<std::unique_ptr<Request>> made;
        if (!m_dynamic && m_mapper->canGroup() && events.size() > 1) {
            made.push_back(makeRequest(events.data(), events.size(), m_mapper->mapGroup(events)));
        } else {
            for (size_t i = 0; i < events.size(); ++i)
                made.push_back(makeRequest(&events[i], 1, m_mapper->map(*events[i])));
        }
        std::vector<std::unique_ptr<Request>> overflow;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            for (auto &r : made) {
                if (!m_nam || m_queue.size() >= m_limit)
                    overflow.push_back(std::move(r));
                else
                    m_queue.push_back(std::move(r));
            }
            if (m_nam && !m_queue.empty() && !m_pumpPending) {
                m_pumpPending = true;
                QMetaObject::invokeMethod(
                    m_nam, [this] { pump(); }, Qt::QueuedConnection);
            }
        }
        for (auto &r : overflow)
            finish(r.release(),
                   QStringLiteral("%1 requests are already waiting (queue.size)").arg(m_limit),
                   false);
    }

private:
    static QByteArray contentType(const QString &mapType)
    {
        if (mapType.compare(QLatin1String("text"), Qt::CaseInsensitive) == 0)
            return "text/plain";
        if (mapType.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
            return "text/csv";
        return "application/json";
    }

    std::unique_ptr<Request> makeRequest(const Event *const *events, size_t n, QByteArray body)
    {
        auto r = std::make_unique<Request>();
        const Event &first = *events[0];
        r->url = QUrl(QString::fromUtf8(m_url.fill(first, false)));
        r->method = m_method.fill(first, false).toUpper();
        for (const auto &[name, value] : std::as_const(m_headers))
            r->headers.append({name, value.fill(first, false)});
        if (!m_contentType.isEmpty())
            r->headers.append({"Content-Type", m_contentType});
        if (!m_authorization.isEmpty())
            r->headers.append({"Authorization", m_authorization});
        r->body = std::move(body);
        r->count = int(n);
        if (m_toFaultStream) {
            // Cloned under the app's lock (we are in publish), released under it too.
            EventLayout *layout = m_app->junction(m_config.stream)->layout();
            for (size_t i = 0; i < n; ++i)
                r->events.push_back(layout->clone(events[i]));
        }
        return r;
    }

    // In the context thread: starts queued requests while fewer than m_maxInFlight are out.
    void pump()
    {
        for (;;) {
            std::unique_ptr<Request> r;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_pumpPending = false;
                if (!m_nam || m_queue.empty() || int(m_active.size()) >= m_maxInFlight)
                    return;
                r = std::move(m_queue.front());
                m_queue.pop_front();
                m_active.insert(r.get());
            }
            send(r.release());
        }
    }

    void send(Request *r)
    {
        QNetworkRequest request(r->url);
        for (const auto &[name, value] : std::as_const(r->headers))
            request.setRawHeader(name, value);
        request.setTransferTimeout(m_timeoutMs);
        QNetworkReply *reply = m_nam->sendCustomRequest(request, r->method, r->body);
        r->reply = reply;
        QObject::connect(reply, &QNetworkReply::finished, m_nam, [this, r] { finished(r); });
    }

    void finished(Request *r)
    {
        QNetworkReply *reply = r->reply;
        r->reply = nullptr;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300) {
            m_published += r->count;
            done(r);
            return;
        }
        const bool retryable = status == 0 || status >= 500 || status == 429 || status == 408;
        const QString message =
            status
                ? QStringLiteral("HTTP %1 %2")
                      .arg(status)
                      .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                      .trimmed()
                : reply->errorString();
        if (retryable && !m_stopping && (m_mode == OnError::Wait || r->attempt < m_retryCount)) {
            const int delay = backoffDelay(m_retryMs, m_maxRetryMs, r->attempt);
            ++r->attempt;
            if ((r->attempt & (r->attempt - 1)) == 0)
                m_log.error(m_context, m_config.app,
                            QStringLiteral("%1: sending to %2 failed (%3); retry %4 in %5 ms")
                                .arg(m_config.where(), r->url.toDisplayString(), message)
                                .arg(r->attempt)
                                .arg(delay));
            QTimer::singleShot(delay, m_nam, [this, r] { send(r); });
            return;
        }
        finish(r, message, true);
    }

    // A request that will not be delivered: counted, logged, and with on.error='STREAM' its
    // events go to the fault stream. active: it was in m_active (else never started).
    void finish(Request *r, const QString &message, bool active)
    {
        m_failed += r->count;
        const bool routed = m_toFaultStream && !r->events.empty();
        m_log.error(
            m_context, m_config.app,
            QStringLiteral("%1: could not deliver %2 event(s) to %3: %4%5")
                .arg(m_config.where())
                .arg(r->count)
                .arg(r->url.toDisplayString(), message,
                     routed ? QStringLiteral("; sent to the fault stream !%1").arg(m_config.stream)
                            : QString()));
        if (routed) {
            std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
            for (const Event *e : r->events)
                m_fault.fail(e, message);
        }
        if (active)
            done(r);
        else
            dispose(r);
    }

    void done(Request *r)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_active.erase(r);
        }
        dispose(r);
        pump();
    }

    void dispose(Request *r)
    {
        if (!r->events.empty()) {
            std::lock_guard<std::recursive_mutex> lock(m_app->mutex());
            EventLayout *layout = m_app->junction(m_config.stream)->layout();
            for (Event *e : r->events)
                layout->release(e);
        }
        delete r;
    }

    // Options.
    QString m_urlText;
    Template m_url;
    Template m_method;
    QList<QPair<QByteArray, Template>> m_headers;
    QByteArray m_contentType;
    QByteArray m_authorization;
    bool m_dynamic = false;
    OnError m_mode = OnError::Log;
    int m_retryCount = 3;
    int m_retryMs = 500;
    int m_maxRetryMs = 30000;
    size_t m_limit = 1024;
    int m_maxInFlight = 16;
    int m_timeoutMs = 6000;
    FaultHandler m_fault;
    bool m_toFaultStream = false;

    // State: m_queue and m_active under m_mutex; the rest in the context thread.
    std::mutex m_mutex;
    QNetworkAccessManager *m_nam = nullptr;
    std::deque<std::unique_ptr<Request>> m_queue;
    std::unordered_set<Request *> m_active;
    bool m_pumpPending = false;
    bool m_stopping = false;
    ThrottledLog m_log;
};

} // namespace

std::unique_ptr<Sink> makeHttpSink(const TransportConfig &config, AppRuntime *app,
                                   IoContext *context)
{
    return std::make_unique<HttpSink>(config, app, context);
}

} // namespace Rivulet::Io
