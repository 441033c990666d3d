#include "annotations.h"

namespace Rivulet::Lang {

namespace {

AnnotationSpec make(const char *name, AnnotationPlace place, const char *doc,
                    QList<AnnotationKeySpec> keys = {}, const char *parent = "")
{
    AnnotationSpec s;
    s.name = QString::fromLatin1(name);
    s.place = place;
    s.doc = QString::fromUtf8(doc);
    s.keys = std::move(keys);
    s.parent = QString::fromLatin1(parent);
    return s;
}

AnnotationSpec typed(AnnotationSpec s, BuiltinKind kind)
{
    s.hasTypeKind = true;
    s.typeKind = kind;
    s.keys.prepend(
        {QStringLiteral("type"), QStringLiteral("the %1 to use").arg(builtinKindName(kind))});
    return s;
}

AnnotationKeySpec key(const char *k, const char *doc)
{
    return {QString::fromLatin1(k), QString::fromUtf8(doc)};
}

QList<AnnotationSpec> makeTable()
{
    using P = AnnotationPlace;
    QList<AnnotationSpec> t;
    t << make("App:name", P::App, "the app's name: @App:name('TrainLocation')");
    t << make("App:description", P::App, "what the app does");
    t << make("App:statistics", P::App, "collect run-time statistics",
              {key("reporter", "where to report"), key("interval", "seconds between reports")});
    t << make("App:playback", P::App, "drive the app's clock from event timestamps",
              {key("idle.time", "advance the clock after this idle time"),
               key("increment", "by this much")});
    t << typed(make("source", P::Definition, "receive events into this stream"),
               BuiltinKind::Source);
    t << typed(make("sink", P::Definition, "publish this stream's events"), BuiltinKind::Sink);
    t << typed(make("store", P::Definition, "keep this table in a store"), BuiltinKind::Store);
    t << make("PrimaryKey", P::Definition, "the table's primary key: @PrimaryKey('id')");
    t << make("Index", P::Definition, "index table attributes: @Index('name')");
    t << make("OnError", P::Definition, "what to do with events that fail",
              {key("action", "'LOG' or 'STREAM' (to the fault stream !Name)")});
    t << make("Async", P::Definition, "process this stream's events asynchronously",
              {key("buffer.size", "events to buffer"), key("workers", "worker threads"),
               key("batch.size.max", "largest batch")});
    t << make("purge", P::Definition, "purge old data of an aggregation",
              {key("enable", "'true' or 'false'"), key("interval", "how often to purge")});
    t << make("info", P::Query, "names a query: @info(name='FilterQuery')",
              {key("name", "the query's name")});
    t << typed(make("map", P::Nested, "how events are read from messages", {}, "source"),
               BuiltinKind::SourceMapper);
    t << typed(make("map", P::Nested, "how events are written as messages", {}, "sink"),
               BuiltinKind::SinkMapper);
    t << make("attributes", P::Nested, "where each attribute is found in a message", {},
              "source.map");
    t << make("payload", P::Nested, "the message template: @payload('{\"id\":\"{{id}}\"}')", {},
              "sink.map");
    t << make("distribution", P::Nested, "send to several destinations",
              {key("strategy", "'roundRobin', 'partitioned' or 'broadcast'"),
               key("partitionKey", "the attribute to partition by")},
              "sink");
    t << make("destination", P::Nested, "one destination of a distributed sink", {},
              "sink.distribution");
    t << make("retentionPeriod", P::Nested, "how long to keep each granularity", {}, "purge");
    return t;
}

} // namespace

const QList<AnnotationSpec> &annotationTable()
{
    static const QList<AnnotationSpec> table = makeTable();
    return table;
}

bool annotationGoesIn(const AnnotationSpec &spec, const QString &path)
{
    if (spec.place != AnnotationPlace::Nested)
        return path.isEmpty();
    if (path.compare(spec.parent, Qt::CaseInsensitive) == 0)
        return true;
    return path.endsWith(u'.' + spec.parent, Qt::CaseInsensitive);
}

const AnnotationSpec *findAnnotationSpec(const QString &name, const QString &path)
{
    for (const AnnotationSpec &s : annotationTable()) {
        if (s.name.compare(name, Qt::CaseInsensitive) == 0
            && (s.place != AnnotationPlace::Nested || annotationGoesIn(s, path)))
            return &s;
    }
    return nullptr;
}

} // namespace Rivulet::Lang
