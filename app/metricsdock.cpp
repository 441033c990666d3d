#include "metricsdock.h"

#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QScatterSeries>
#include <QTableWidget>
#include <QTabWidget>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

namespace Rivulet::Studio {

namespace {

QChartView *makeView(QChart *chart)
{
    auto *view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    // A chart's own minimum (axes, title, legend) would keep the bottom docks short.
    view->setMinimumSize(220, 180);
    return view;
}

} // namespace

MetricsDock::MetricsDock(EngineHost *engine, QWidget *parent)
    : QDockWidget(tr("Metrics"), parent)
    , m_engine(engine)
    , m_tabs(new QTabWidget)
    , m_streamsChart(new QChart)
    , m_sinksChart(new QChart)
    , m_mapChart(new QChart)
    , m_streamsX(new QValueAxis)
    , m_streamsY(new QValueAxis)
    , m_sinksX(new QValueAxis)
    , m_sinksY(new QValueAxis)
    , m_lon(new QValueAxis)
    , m_lat(new QValueAxis)
    , m_summary(new QLabel)
    , m_gatewayPage(new QWidget)
    , m_gatewayTable(new QTableWidget(0, 6))
    , m_gatewaySummary(new QLabel)
    , m_gatewayTimer(new QTimer(this))
    , m_network(new QNetworkAccessManager(this))
{
    setObjectName(QStringLiteral("MetricsDock"));
    auto setupRates = [](QChart *chart, QValueAxis *x, QValueAxis *y, const QString &title) {
        chart->setTitle(title);
        chart->legend()->setAlignment(Qt::AlignBottom);
        x->setRange(0, 60);
        x->setLabelFormat(QStringLiteral("%d s"));
        x->setTitleText(QObject::tr("last minute"));
        y->setRange(0, 10);
        y->setLabelFormat(QStringLiteral("%.0f"));
        y->setTitleText(QObject::tr("events/s"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
    };
    setupRates(m_streamsChart, m_streamsX, m_streamsY, tr("Events per stream"));
    setupRates(m_sinksChart, m_sinksX, m_sinksY, tr("Events per sink"));
    m_mapChart->setTitle(tr("Positions (latitude / longitude)"));
    m_mapChart->legend()->setAlignment(Qt::AlignBottom);
    m_lon->setTitleText(tr("longitude"));
    m_lat->setTitleText(tr("latitude"));
    m_mapChart->addAxis(m_lon, Qt::AlignBottom);
    m_mapChart->addAxis(m_lat, Qt::AlignLeft);
    m_tabs->addTab(makeView(m_streamsChart), tr("Streams"));
    m_tabs->addTab(makeView(m_sinksChart), tr("Sinks"));
    m_tabs->addTab(makeView(m_mapChart), tr("Map"));
    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    v->setContentsMargins(2, 2, 2, 2);
    v->addWidget(m_tabs, 1);
    m_summary->setText(tr("Run an app (F5) to see its metrics."));
    v->addWidget(m_summary);
    setWidget(w);
    m_gatewayTable->setObjectName(QStringLiteral("gatewayAnalytics"));
    m_gatewayTable->setHorizontalHeaderLabels({tr("What"), tr("Name"), tr("Connections"),
                                               tr("Delivered"), tr("Throttled"),
                                               tr("Mean latency")});
    m_gatewayTable->verticalHeader()->hide();
    m_gatewayTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_gatewayTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_gatewayTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_gatewayTable->setAccessibleName(tr("Gateway analytics"));
    m_gatewaySummary->setWordWrap(true);
    auto *gv = new QVBoxLayout(m_gatewayPage);
    gv->setContentsMargins(0, 0, 0, 0);
    gv->addWidget(m_gatewayTable, 1);
    gv->addWidget(m_gatewaySummary);
    m_gatewayTimer->setInterval(2000);
    connect(m_gatewayTimer, &QTimer::timeout, this, &MetricsDock::refreshGateway);
    connect(engine, &EngineHost::metrics, this, &MetricsDock::onMetrics);
    connect(engine, &EngineHost::positions, this, &MetricsDock::onPositions);
}

void MetricsDock::addRate(QChart *chart, QValueAxis *yAxis, QHash<QString, QLineSeries *> &series,
                          const QString &name, double rate)
{
    QLineSeries *s = series.value(name);
    if (!s) {
        s = new QLineSeries;
        s->setName(name);
        chart->addSeries(s);
        s->attachAxis(chart->axes(Qt::Horizontal).constFirst());
        s->attachAxis(yAxis);
        series.insert(name, s);
    }
    s->append(m_tick, rate);
    if (s->count() > 61)
        s->removePoints(0, s->count() - 61);
    if (rate > yAxis->max())
        yAxis->setMax(rate * 1.2);
}

void MetricsDock::onMetrics(quint64 runId, const QHash<QString, qint64> &streams,
                            const QHash<QString, qint64> &sinks, qint64 errors)
{
    ++m_tick;
    const QString app = m_engine->run(runId).appName;
    qint64 total = 0;
    for (auto it = streams.cbegin(); it != streams.cend(); ++it) {
        const QString key = app + u'/' + it.key();
        const double rate = double(it.value() - m_lastCounts.value(key, it.value()));
        m_lastCounts.insert(key, it.value());
        addRate(m_streamsChart, m_streamsY, m_streamSeries, it.key(), rate);
        total += it.value();
    }
    for (auto it = sinks.cbegin(); it != sinks.cend(); ++it) {
        const QString key = app + QStringLiteral("/sink/") + it.key();
        const double rate = double(it.value() - m_lastCounts.value(key, it.value()));
        m_lastCounts.insert(key, it.value());
        addRate(m_sinksChart, m_sinksY, m_sinkSeries, it.key(), rate);
    }
    for (QValueAxis *x : {m_streamsX, m_sinksX})
        x->setRange(std::max(0, m_tick - 60), std::max(60, m_tick));
    m_summary->setText(
        tr("%1: %2 events through its streams, %3 failed").arg(app).arg(total).arg(errors));
}

void MetricsDock::onPositions(quint64, const QString &stream, const QVector<Position> &positions)
{
    // The first positions an app reports: show them (the map says more than the rates).
    if (!m_mapShown && !positions.isEmpty()) {
        m_mapShown = true;
        m_tabs->setCurrentIndex(2);
    }
    for (const Position &p : positions) {
        const QString key = stream + u'/' + p.id;
        QScatterSeries *trail = m_trails.value(key);
        QScatterSeries *head = m_heads.value(key);
        if (!trail) {
            trail = new QScatterSeries;
            trail->setName(p.id.isEmpty() ? stream : p.id);
            trail->setMarkerSize(5);
            m_mapChart->addSeries(trail); // takes the theme's next colour
            trail->setBorderColor(trail->color());
            trail->attachAxis(m_lon);
            trail->attachAxis(m_lat);
            head = new QScatterSeries;
            head->setMarkerSize(12);
            head->setColor(trail->color());
            head->setPointLabelsVisible(true);
            head->setPointLabelsFormat(p.id.isEmpty() ? stream : p.id);
            head->setPointLabelsClipping(false);
            head->setPointLabelsColor(m_dark ? Qt::white : Qt::black);
            m_mapChart->addSeries(head);
            head->attachAxis(m_lon);
            head->attachAxis(m_lat);
            m_mapChart->legend()->markers(head).constFirst()->setVisible(false);
            m_trails.insert(key, trail);
            m_heads.insert(key, head);
        }
        trail->append(p.longitude, p.latitude);
        if (trail->count() > 300)
            trail->removePoints(0, trail->count() - 300);
        head->clear();
        head->append(p.longitude, p.latitude);
        // Grow the view to fit everything seen, with room around it for the labels.
        if (!m_boundsSet) {
            m_bounds = QRectF(p.longitude, p.latitude, 0, 0);
            m_boundsSet = true;
        }
        m_bounds.setLeft(std::min(m_bounds.left(), p.longitude));
        m_bounds.setRight(std::max(m_bounds.right(), p.longitude));
        m_bounds.setTop(std::min(m_bounds.top(), p.latitude));
        m_bounds.setBottom(std::max(m_bounds.bottom(), p.latitude));
    }
    if (m_boundsSet) {
        const double padX = std::max(0.01, m_bounds.width() * 0.12);
        const double padY = std::max(0.01, m_bounds.height() * 0.12);
        m_lon->setRange(m_bounds.left() - padX, m_bounds.right() + padX);
        m_lat->setRange(m_bounds.top() - padY, m_bounds.bottom() + padY);
    }
}

void MetricsDock::setDark(bool dark)
{
    m_dark = dark;
    for (QChart *c : {m_streamsChart, m_sinksChart, m_mapChart}) {
        c->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        c->setAnimationOptions(QChart::NoAnimation);
    }
    // A theme recolours every series: keep each train's marker the colour of its trail.
    for (auto it = m_trails.cbegin(); it != m_trails.cend(); ++it) {
        it.value()->setBorderColor(it.value()->color());
        if (QScatterSeries *head = m_heads.value(it.key())) {
            head->setColor(it.value()->color());
            head->setPointLabelsColor(dark ? Qt::white : Qt::black);
        }
    }
}

int MetricsDock::mapPointCount() const
{
    int n = 0;
    for (QScatterSeries *s : m_heads)
        n += s->count();
    return n;
}

QStringList MetricsDock::seriesNames() const
{
    QStringList out = m_streamSeries.keys() + m_sinkSeries.keys();
    out.sort();
    return out;
}

void MetricsDock::setGateway(const GatewayInfo &gateway)
{
    m_gateway = gateway;
    const int index = m_tabs->indexOf(m_gatewayPage);
    if (!gateway.httpPort) {
        m_gatewayTimer->stop();
        if (index >= 0)
            m_tabs->removeTab(index);
        m_gatewayTable->setRowCount(0);
        return;
    }
    if (index < 0)
        m_tabs->addTab(m_gatewayPage, tr("Gateway"));
    m_gatewaySummary->setText(tr("Reading the gateway's analytics..."));
    m_gatewayTimer->start();
    refreshGateway();
}

void MetricsDock::refreshGateway()
{
    if (!m_gateway.httpPort || m_gatewayBusy)
        return;
    m_gatewayBusy = true;
    QNetworkRequest request(
        QUrl(QStringLiteral("http://localhost:%1/api/v1/analytics").arg(m_gateway.httpPort)));
    request.setTransferTimeout(5000);
    QNetworkReply *reply = m_network->get(request);
    const quint16 port = m_gateway.httpPort;
    connect(reply, &QNetworkReply::finished, this, [this, reply, port] {
        reply->deleteLater();
        m_gatewayBusy = false;
        if (port != m_gateway.httpPort)
            return; // the gateway restarted meanwhile
        if (reply->error() != QNetworkReply::NoError) {
            m_gatewaySummary->setText(
                tr("Cannot read the gateway's analytics: %1").arg(reply->errorString()));
            return;
        }
        showAnalytics(QJsonDocument::fromJson(reply->readAll()).object());
    });
}

void MetricsDock::showAnalytics(const QJsonObject &analytics)
{
    struct Row
    {
        QString what, name;
        QJsonObject flow;
    };
    QList<Row> rows;
    for (const QJsonValue &v : analytics.value(QLatin1String("apis")).toArray()) {
        const QJsonObject o = v.toObject();
        rows << Row{tr("API"),
                    o.value(QLatin1String("api")).toString() + u' '
                        + o.value(QLatin1String("version")).toString(),
                    o};
    }
    for (const QJsonValue &v : analytics.value(QLatin1String("subscriptions")).toArray()) {
        const QJsonObject o = v.toObject();
        rows << Row{tr("Subscription"),
                    tr("%1 (%2) to %3")
                        .arg(o.value(QLatin1String("application")).toString(),
                             o.value(QLatin1String("policy")).toString(),
                             o.value(QLatin1String("api")).toString()),
                    o};
    }
    for (const QJsonValue &v : analytics.value(QLatin1String("topics")).toArray()) {
        const QJsonObject o = v.toObject();
        rows << Row{tr("Topic"), o.value(QLatin1String("topic")).toString(), o};
    }
    m_gatewayTable->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const QJsonObject &f = rows[r].flow;
        const double mean =
            f.value(QLatin1String("latency")).toObject().value(QLatin1String("meanMs")).toDouble();
        const QStringList cells{rows[r].what,
                                rows[r].name,
                                QString::number(f.value(QLatin1String("connections")).toInteger()),
                                QString::number(f.value(QLatin1String("delivered")).toInteger()),
                                QString::number(f.value(QLatin1String("throttled")).toInteger()),
                                f.value(QLatin1String("delivered")).toInteger() > 0
                                    ? QStringLiteral("%1 ms").arg(mean, 0, 'f', 1)
                                    : QString()};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c >= 2)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_gatewayTable->setItem(r, c, item);
        }
    }
    qint64 refused = 0;
    for (const QJsonValue &v : analytics.value(QLatin1String("apis")).toArray()) {
        const QJsonObject failures =
            v.toObject().value(QLatin1String("handshakeFailures")).toObject();
        for (auto it = failures.begin(); it != failures.end(); ++it)
            refused += it.value().toInteger();
    }
    const QJsonObject unattributed =
        analytics.value(QLatin1String("unattributedHandshakeFailures")).toObject();
    for (auto it = unattributed.begin(); it != unattributed.end(); ++it)
        refused += it.value().toInteger();
    m_gatewaySummary->setText(
        tr("Gateway on ws://localhost:%1 — tokens issued %2, revoked %3; handshakes refused %4; "
           "slow clients closed %5")
            .arg(m_gateway.wsPort)
            .arg(analytics.value(QLatin1String("tokensIssued")).toInteger())
            .arg(analytics.value(QLatin1String("tokensRevoked")).toInteger())
            .arg(refused)
            .arg(analytics.value(QLatin1String("slowClientsClosed")).toInteger()));
}

} // namespace Rivulet::Studio
