#pragma once

// The gateway's in-memory state, shared by gateway.cpp (handshakes, delivery, timers) and
// devportal.cpp (tokens, applications, subscriptions). Private to the gateway.

#include "gateway.h"

#include "engine/lang/types.h"

#include <QByteArray>

#include <unordered_map>

namespace Rivulet::Gateway {

struct Gateway::App
{
    ApplicationRecord rec;
    bool deleted() const { return rec.deletedAt != 0; }
};

struct Gateway::Token
{
    TokenRecord rec;
    std::shared_ptr<App> app;
};

// One channel of an API, bound to a stream; its concrete topics are made when a subscriber
// first connects to them.
struct Gateway::Channel
{
    Api *api = nullptr;
    const ChannelDefinition *def = nullptr;
    Runtime::AppRuntime *app = nullptr;
    QString stream;
    std::vector<int> attrIndex; // per topic parameter
    std::vector<Lang::AttrType> attrTypes;
    std::vector<QByteArray> literals; // the topic template's text around the parameters (UTF-8)
    std::unique_ptr<Io::SinkMapper> mapper;
    int callbackId = -1;
    bool wallClock = true;
    std::unordered_map<QByteArray, std::unique_ptr<Topic>> topics; // by name (UTF-8)
    std::atomic<int> liveTopics{0}; // topics with subscribers: 0 skips the stream's events
};

struct Gateway::Api
{
    ApiDefinition def;
    std::vector<std::unique_ptr<Channel>> channels;
    FlowStats stats;
    QMap<QString, int64_t> failures; // handshake refusals by reason
};

// A concrete topic ("loc-train-qnt-456") of a channel.
struct Gateway::Topic
{
    Channel *channel = nullptr;
    QByteArray name;
    std::vector<std::unique_ptr<Group>> groups; // one per subscription with connections here
    FlowStats stats;
};

// The connections of one subscription on one topic: one WebSocket server channel, so that a
// frame goes to all of them at once and the subscription's quota is checked once per event.
struct Gateway::Group
{
    Topic *topic = nullptr;
    Sub *sub = nullptr;
    int channelId = 0;
    int connections[2] = {0, 0}; // per WebSocket server
    int total() const { return connections[0] + connections[1]; }
};

struct Gateway::Sub
{
    SubscriptionRecord rec;
    std::shared_ptr<App> app;
    Api *api = nullptr; // null when the API is not served by this deployment
    ThrottlePolicy policy;
    QuotaCounter quota;
    bool quotaDirty = false;
    bool closing = false; // a quota close is scheduled: deliver nothing more
    std::vector<Group *> groups;
    FlowStats stats;
    // Usage not yet in the key store: the current day's, and earlier days' (rare).
    int64_t pendingDay = -1; // days since the epoch (UTC)
    int64_t pendingDelivered = 0, pendingThrottled = 0, pendingBytes = 0;
    QList<UsageRecord> carried;
    bool active() const { return rec.cancelledAt == 0; }
};

struct Gateway::Session
{
    uint64_t tag = 0;
    std::shared_ptr<Token> token;
    Group *group = nullptr;
    int server = 0;
    bool closing = false;
};

struct Gateway::Route
{
    Api *api = nullptr;
    Channel *channel = nullptr;
    QByteArray topic;
    const char *failure = nullptr; // unknown_api, unknown_topic
};

// "2026-11-27" for days since the epoch.
QString dayText(int64_t day);

} // namespace Rivulet::Gateway
