#include "metricsdock.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTabWidget>
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

} // namespace Rivulet::Studio
