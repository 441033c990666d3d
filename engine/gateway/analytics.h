#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <array>
#include <cstdint>

namespace Rivulet::Gateway {

// Delivery latency: from the event's timestamp (when the app took it in) to the moment the
// gateway hands the frame to the subscribers' connections. Bucket upper bounds in ms.
struct LatencyHistogram
{
    static constexpr std::array<double, 12> kBoundsMs = {1,   2,   5,   10,   25,   50,
                                                         100, 250, 500, 1000, 2500, 5000};
    std::array<int64_t, kBoundsMs.size() + 1> buckets{}; // the last one: above every bound
    int64_t count = 0;
    double sumMs = 0;

    void add(double ms, int64_t times = 1);
    void merge(const LatencyHistogram &other);
};

struct FlowStats
{
    int64_t connections = 0; // open now
    int64_t connectionsTotal = 0;
    int64_t delivered = 0; // events handed to connections (one per connection)
    int64_t throttled = 0; // events a connection did not get because of its policy
    int64_t bytes = 0;     // payload bytes delivered
    LatencyHistogram latency;

    void merge(const FlowStats &other);
};

// What /metrics and the analytics JSON show, copied out of the gateway under its lock.
struct AnalyticsSnapshot
{
    struct Api
    {
        QString tenant, name, version;
        FlowStats stats;
        QMap<QString, int64_t> handshakeFailures; // by reason
    };
    struct Subscription
    {
        QString tenant, api, version, application, applicationId, subscriptionId, policy;
        FlowStats stats;
    };
    struct Topic
    {
        QString tenant, api, version, topic;
        FlowStats stats;
    };
    QList<Api> apis;
    QList<Subscription> subscriptions;
    QList<Topic> topics;
    QMap<QString, int64_t> unattributedFailures; // handshakes refused before an API was known
    int64_t handshakeTimeouts = 0; // and malformed or oversized requests (the servers' count)
    int64_t slowClientsClosed = 0;
    int64_t framesDropped = 0;
    int64_t tokensIssued = 0;
    int64_t tokensRevoked = 0;
    int64_t uptimeMs = 0;
};

// Prometheus text exposition format 0.0.4.
QByteArray toPrometheus(const AnalyticsSnapshot &snapshot);
// {"apis":[...],"applications":[...],"subscriptions":[...],"topics":[...],...}
QJsonObject toJson(const AnalyticsSnapshot &snapshot);

} // namespace Rivulet::Gateway
