#include "transport.h"

#include "iocontext.h"
#include "transports.h"

#include "engine/runtime/appruntime.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QMetaObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace Rivulet::Io {

using namespace Runtime;

QString TransportConfig::option(const char *key, const QString &fallback) const
{
    const auto it = options.constFind(QString::fromLatin1(key));
    return it == options.constEnd() ? fallback : *it;
}

bool TransportConfig::boolOption(const char *key, bool fallback) const
{
    const QString v = option(key);
    if (v.isEmpty())
        return fallback;
    return v.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

int TransportConfig::intOption(const char *key, int fallback) const
{
    bool ok = false;
    const int v = option(key).toInt(&ok);
    return ok ? v : fallback;
}

QString TransportConfig::where() const
{
    return QStringLiteral("@%1(type='%2') on stream %3 (%4:%5)")
        .arg(kind, type, stream, file.isEmpty() ? app : file)
        .arg(range.line);
}

// ---- helpers for transports ----------------------------------------------------------------

bool parseHeaders(const QString &option, QList<QPair<QString, QString>> *headers, QString *error)
{
    headers->clear();
    QStringList entries;
    if (option.contains(u'\'')) {
        static const QRegularExpression quoted(QStringLiteral("'([^']*)'"));
        auto it = quoted.globalMatch(option);
        while (it.hasNext())
            entries << it.next().captured(1);
    } else {
        entries = option.split(u',', Qt::SkipEmptyParts);
    }
    for (const QString &entry : std::as_const(entries)) {
        if (entry.trimmed().isEmpty())
            continue;
        const qsizetype colon = entry.indexOf(u':');
        if (colon <= 0) {
            *error = QStringLiteral("header '%1' is not name:value; write headers as "
                                    "\"'name:value','name:value'\"")
                         .arg(entry);
            return false;
        }
        headers->append({entry.left(colon).trimmed(), entry.mid(colon + 1).trimmed()});
    }
    return true;
}

int backoffDelay(int baseMs, int maxMs, int attempt)
{
    const double exponential = double(std::max(1, baseMs)) * std::pow(2.0, std::min(attempt, 30));
    const double capped = std::min(exponential, double(std::max(baseMs, maxMs)));
    const double jitter = 0.5 + 0.5 * QRandomGenerator::global()->generateDouble();
    return std::max(1, int(capped * jitter));
}

void runInContextThread(IoContext *context, const std::function<void()> &f)
{
    if (QThread::currentThread() == context->thread())
        f();
    else
        QMetaObject::invokeMethod(context, f, Qt::BlockingQueuedConnection);
}

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    if (!QCoreApplication::instance())
        return false;
    QDeadlineTimer deadline(timeoutMs);
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(2);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done() || deadline.hasExpired())
            loop.quit();
    });
    tick.start();
    loop.exec();
    return done();
}

// ---- Source ---------------------------------------------------------------------------------

Source::Source(TransportConfig config, AppRuntime *app, InputHandler *input, IoContext *context)
    : m_config(std::move(config))
    , m_app(app)
    , m_input(input)
    , m_context(context)
{
    const EventLayout *l = input->layout();
    m_layout = std::make_unique<EventLayout>(l->types(), l->names());
}

Source::~Source()
{
    for (Event *e : m_batch)
        m_layout->release(e);
}

bool Source::deliver(const QByteArray &message, QString *error, int *events)
{
    std::lock_guard<std::recursive_mutex> lock(m_deliverMutex);
    if (m_deliverDepth > 0) {
        ++m_rejected;
        if (error)
            *error = QStringLiteral("a message looped back into the source it came from");
        return false;
    }
    ++m_deliverDepth;
    m_batch.clear();
    QString mapError;
    const bool ok = m_mapper->map(message, *m_layout, m_batch, &mapError);
    if (events)
        *events = int(m_batch.size());
    if (!m_batch.empty()) {
        const int64_t now = m_app->currentTime();
        for (Event *e : m_batch)
            e->timestamp = now;
        m_input->send(m_batch);
        m_received += qint64(m_batch.size());
        for (Event *e : m_batch)
            m_layout->release(e);
        m_batch.clear();
    }
    --m_deliverDepth;
    if (!ok) {
        ++m_rejected;
        if (error)
            *error = mapError;
    }
    return ok;
}

// ---- Sink -----------------------------------------------------------------------------------

Sink::Sink(TransportConfig config, AppRuntime *app, IoContext *context)
    : m_config(std::move(config))
    , m_app(app)
    , m_context(context)
{}

Sink::~Sink() = default;

// ---- factories ------------------------------------------------------------------------------

namespace {
bool isInMemory(const QString &type)
{
    return type.compare(QLatin1String("inMemory"), Qt::CaseInsensitive) == 0;
}
} // namespace

std::unique_ptr<Source> makeSource(const TransportConfig &config, AppRuntime *app,
                                   InputHandler *input, IoContext *context, QString *error)
{
    std::unique_ptr<Source> source;
    const QString &t = config.type;
    if (t == QLatin1String("http"))
        source = makeHttpSource(config, app, input, context);
    else if (t == QLatin1String("websocket-server"))
        source = makeWsServerSource(config, app, input, context);
    else if (t == QLatin1String("websocket"))
        source = makeWsClientSource(config, app, input, context);
    else if (isInMemory(t))
        source = makeInMemorySource(config, app, input, context);
    if (!source) {
        *error = QStringLiteral("source type '%1' is not available").arg(t);
        return nullptr;
    }
    // inMemory topics carry events: without a @map they pass through (and a message that a
    // mapping sink published is read as JSON).
    QString mapError;
    auto mapper = makeSourceMapper(config, *input->layout(), &mapError);
    if (!mapper) {
        *error = mapError;
        return nullptr;
    }
    source->m_mapper = std::move(mapper);
    return source;
}

std::unique_ptr<Sink> makeSink(const TransportConfig &config, AppRuntime *app, IoContext *context,
                               QString *error)
{
    std::unique_ptr<Sink> sink;
    const QString &t = config.type;
    if (t == QLatin1String("log"))
        sink = makeLogSink(config, app, context);
    else if (t == QLatin1String("websocket-server"))
        sink = makeWsServerSink(config, app, context);
    else if (t == QLatin1String("websocket"))
        sink = makeWsClientSink(config, app, context);
    else if (t == QLatin1String("http"))
        sink = makeHttpSink(config, app, context);
    else if (isInMemory(t))
        sink = makeInMemorySink(config, app, context);
    if (!sink) {
        *error = QStringLiteral("sink type '%1' is not available").arg(t);
        return nullptr;
    }
    StreamJunction *junction = app->junction(config.stream);
    if (t != QLatin1String("log") && junction) {
        QString mapError;
        TransportConfig mapConfig = config;
        if (isInMemory(t) && mapConfig.mapType.isEmpty())
            mapConfig.mapType = QStringLiteral("passThrough"); // Siddhi's default mapping
        auto mapper = makeSinkMapper(mapConfig, *junction->layout(), &mapError);
        if (!mapper) {
            *error = mapError;
            return nullptr;
        }
        sink->m_mapper = std::move(mapper);
    }
    return sink;
}

} // namespace Rivulet::Io
