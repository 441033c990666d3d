#include "analytics.h"

#include <QJsonArray>

namespace Rivulet::Gateway {

void LatencyHistogram::add(double ms, int64_t times)
{
    size_t i = 0;
    while (i < kBoundsMs.size() && ms > kBoundsMs[i])
        ++i;
    buckets[i] += times;
    count += times;
    sumMs += ms * double(times);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    for (size_t i = 0; i < buckets.size(); ++i)
        buckets[i] += other.buckets[i];
    count += other.count;
    sumMs += other.sumMs;
}

void FlowStats::merge(const FlowStats &o)
{
    connections += o.connections;
    connectionsTotal += o.connectionsTotal;
    delivered += o.delivered;
    throttled += o.throttled;
    bytes += o.bytes;
    latency.merge(o.latency);
}

namespace {

QByteArray escapeLabel(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

using Labels = QList<QPair<const char *, QString>>;

QByteArray labels(const Labels &l, const QByteArray &extra = {})
{
    QByteArray out = "{";
    bool first = true;
    for (const auto &p : l) {
        if (!first)
            out += ',';
        first = false;
        out += p.first;
        out += "=\"";
        out += escapeLabel(p.second);
        out += '"';
    }
    if (!extra.isEmpty()) {
        if (!first)
            out += ',';
        out += extra;
    }
    out += '}';
    return out;
}

QByteArray number(double v)
{
    return QByteArray::number(v, 'g', 15);
}

class Writer
{
public:
    void family(const char *name, const char *type, const char *help)
    {
        m_out += "# HELP ";
        m_out += name;
        m_out += ' ';
        m_out += help;
        m_out += "\n# TYPE ";
        m_out += name;
        m_out += ' ';
        m_out += type;
        m_out += '\n';
    }
    void sample(const char *name, const Labels &l, double v, const QByteArray &extra = {})
    {
        m_out += name;
        m_out += labels(l, extra);
        m_out += ' ';
        m_out += number(v);
        m_out += '\n';
    }
    void histogram(const char *name, const Labels &l, const LatencyHistogram &h)
    {
        int64_t cumulative = 0;
        const QByteArray bucket = QByteArray(name) + "_bucket";
        for (size_t i = 0; i < LatencyHistogram::kBoundsMs.size(); ++i) {
            cumulative += h.buckets[i];
            sample(bucket.constData(), l, double(cumulative),
                   "le=\"" + number(LatencyHistogram::kBoundsMs[i] / 1000.0) + '"');
        }
        sample(bucket.constData(), l, double(h.count), "le=\"+Inf\"");
        const QByteArray sum = QByteArray(name) + "_sum";
        const QByteArray count = QByteArray(name) + "_count";
        sample(sum.constData(), l, h.sumMs / 1000.0);
        sample(count.constData(), l, double(h.count));
    }
    QByteArray m_out;
};

template<typename T, typename LabelsOf>
void flowFamilies(Writer &w, const char *prefix, const QList<T> &items, LabelsOf labelsOf,
                  const char *what)
{
    const QByteArray p(prefix);
    struct Metric
    {
        const char *suffix;
        const char *type;
        const char *help;
        int64_t FlowStats::*field;
    };
    const Metric metrics[] = {
        {"_connections", "gauge", "open WebSocket connections", &FlowStats::connections},
        {"_connections_total", "counter", "WebSocket connections accepted",
         &FlowStats::connectionsTotal},
        {"_events_delivered_total", "counter", "events delivered (one per connection)",
         &FlowStats::delivered},
        {"_events_throttled_total", "counter", "events withheld by the subscription policy",
         &FlowStats::throttled},
        {"_delivered_bytes_total", "counter", "payload bytes delivered", &FlowStats::bytes},
    };
    for (const Metric &m : metrics) {
        const QByteArray name = p + m.suffix;
        const QByteArray help = QByteArray(m.help) + " per " + what;
        w.family(name.constData(), m.type, help.constData());
        for (const T &item : items)
            w.sample(name.constData(), labelsOf(item), double(item.stats.*(m.field)));
    }
    const QByteArray name = p + "_delivery_latency_seconds";
    const QByteArray help = QByteArray("from the event's timestamp to its hand-off to the "
                                       "connections, per ")
                            + what;
    w.family(name.constData(), "histogram", help.constData());
    for (const T &item : items)
        w.histogram(name.constData(), labelsOf(item), item.stats.latency);
}

QJsonObject flowJson(const FlowStats &s)
{
    QJsonObject o;
    o.insert(QStringLiteral("connections"), double(s.connections));
    o.insert(QStringLiteral("connectionsTotal"), double(s.connectionsTotal));
    o.insert(QStringLiteral("delivered"), double(s.delivered));
    o.insert(QStringLiteral("throttled"), double(s.throttled));
    o.insert(QStringLiteral("bytes"), double(s.bytes));
    QJsonObject latency;
    QJsonArray bounds, counts;
    for (double b : LatencyHistogram::kBoundsMs)
        bounds.append(b);
    for (int64_t c : s.latency.buckets)
        counts.append(double(c));
    latency.insert(QStringLiteral("boundsMs"), bounds);
    latency.insert(QStringLiteral("counts"), counts);
    latency.insert(QStringLiteral("count"), double(s.latency.count));
    latency.insert(QStringLiteral("meanMs"),
                   s.latency.count ? s.latency.sumMs / double(s.latency.count) : 0.0);
    o.insert(QStringLiteral("latency"), latency);
    return o;
}

QJsonObject mapJson(const QMap<QString, int64_t> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), double(it.value()));
    return o;
}

} // namespace

QByteArray toPrometheus(const AnalyticsSnapshot &s)
{
    Writer w;
    auto apiLabels = [](const AnalyticsSnapshot::Api &a) {
        return Labels{{"tenant", a.tenant}, {"api", a.name}, {"version", a.version}};
    };
    flowFamilies(w, "rivulet_gateway_api", s.apis, apiLabels, "API");
    flowFamilies(
        w, "rivulet_gateway_subscription", s.subscriptions,
        [](const AnalyticsSnapshot::Subscription &x) {
            return Labels{{"tenant", x.tenant},
                          {"api", x.api},
                          {"version", x.version},
                          {"application", x.application},
                          {"application_id", x.applicationId},
                          {"subscription", x.subscriptionId},
                          {"policy", x.policy}};
        },
        "subscription");
    flowFamilies(
        w, "rivulet_gateway_topic", s.topics,
        [](const AnalyticsSnapshot::Topic &t) {
            return Labels{
                {"tenant", t.tenant}, {"api", t.api}, {"version", t.version}, {"topic", t.topic}};
        },
        "topic");

    w.family("rivulet_gateway_handshake_failures_total", "counter",
             "WebSocket handshakes refused, by API and reason");
    for (const auto &a : s.apis) {
        for (auto it = a.handshakeFailures.cbegin(); it != a.handshakeFailures.cend(); ++it)
            w.sample("rivulet_gateway_handshake_failures_total",
                     apiLabels(a) << QPair<const char *, QString>("reason", it.key()),
                     double(it.value()));
    }
    for (auto it = s.unattributedFailures.cbegin(); it != s.unattributedFailures.cend(); ++it)
        w.sample("rivulet_gateway_handshake_failures_total",
                 Labels{{"tenant", QString()},
                        {"api", QString()},
                        {"version", QString()},
                        {"reason", it.key()}},
                 double(it.value()));
    w.family("rivulet_gateway_handshake_timeouts_total", "counter",
             "handshakes that timed out, were malformed or too large");
    w.sample("rivulet_gateway_handshake_timeouts_total", {}, double(s.handshakeTimeouts));
    w.family("rivulet_gateway_slow_clients_closed_total", "counter",
             "connections closed because their send queue was full");
    w.sample("rivulet_gateway_slow_clients_closed_total", {}, double(s.slowClientsClosed));
    w.family("rivulet_gateway_frames_dropped_total", "counter",
             "frames dropped for slow clients (drop-oldest)");
    w.sample("rivulet_gateway_frames_dropped_total", {}, double(s.framesDropped));
    w.family("rivulet_gateway_tokens_issued_total", "counter", "access tokens issued");
    w.sample("rivulet_gateway_tokens_issued_total", {}, double(s.tokensIssued));
    w.family("rivulet_gateway_tokens_revoked_total", "counter", "access tokens revoked");
    w.sample("rivulet_gateway_tokens_revoked_total", {}, double(s.tokensRevoked));
    w.family("rivulet_gateway_uptime_seconds", "gauge", "seconds since the gateway started");
    w.sample("rivulet_gateway_uptime_seconds", {}, double(s.uptimeMs) / 1000.0);
    return w.m_out;
}

QJsonObject toJson(const AnalyticsSnapshot &s)
{
    QJsonObject root;
    QJsonArray apis;
    for (const auto &a : s.apis) {
        QJsonObject o = flowJson(a.stats);
        o.insert(QStringLiteral("tenant"), a.tenant);
        o.insert(QStringLiteral("api"), a.name);
        o.insert(QStringLiteral("version"), a.version);
        o.insert(QStringLiteral("handshakeFailures"), mapJson(a.handshakeFailures));
        apis.append(o);
    }
    root.insert(QStringLiteral("apis"), apis);

    // Applications: the sum of their subscriptions.
    QMap<QString, QPair<AnalyticsSnapshot::Subscription, FlowStats>> apps;
    QJsonArray subs;
    for (const auto &x : s.subscriptions) {
        QJsonObject o = flowJson(x.stats);
        o.insert(QStringLiteral("tenant"), x.tenant);
        o.insert(QStringLiteral("api"), x.api);
        o.insert(QStringLiteral("version"), x.version);
        o.insert(QStringLiteral("application"), x.application);
        o.insert(QStringLiteral("applicationId"), x.applicationId);
        o.insert(QStringLiteral("subscriptionId"), x.subscriptionId);
        o.insert(QStringLiteral("policy"), x.policy);
        subs.append(o);
        auto &entry = apps[x.applicationId];
        entry.first = x;
        entry.second.merge(x.stats);
    }
    QJsonArray applications;
    for (auto it = apps.cbegin(); it != apps.cend(); ++it) {
        QJsonObject o = flowJson(it.value().second);
        o.insert(QStringLiteral("tenant"), it.value().first.tenant);
        o.insert(QStringLiteral("application"), it.value().first.application);
        o.insert(QStringLiteral("applicationId"), it.key());
        applications.append(o);
    }
    root.insert(QStringLiteral("applications"), applications);
    root.insert(QStringLiteral("subscriptions"), subs);
    QJsonArray topics;
    for (const auto &t : s.topics) {
        QJsonObject o = flowJson(t.stats);
        o.insert(QStringLiteral("tenant"), t.tenant);
        o.insert(QStringLiteral("api"), t.api);
        o.insert(QStringLiteral("version"), t.version);
        o.insert(QStringLiteral("topic"), t.topic);
        topics.append(o);
    }
    root.insert(QStringLiteral("topics"), topics);
    root.insert(QStringLiteral("unattributedHandshakeFailures"), mapJson(s.unattributedFailures));
    root.insert(QStringLiteral("handshakeTimeouts"), double(s.handshakeTimeouts));
    root.insert(QStringLiteral("slowClientsClosed"), double(s.slowClientsClosed));
    root.insert(QStringLiteral("framesDropped"), double(s.framesDropped));
    root.insert(QStringLiteral("tokensIssued"), double(s.tokensIssued));
    root.insert(QStringLiteral("tokensRevoked"), double(s.tokensRevoked));
    root.insert(QStringLiteral("uptimeSeconds"), double(s.uptimeMs) / 1000.0);
    return root;
}

} // namespace Rivulet::Gateway
