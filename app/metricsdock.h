#pragma once

#include "enginehost.h"

#include <QDockWidget>
#include <QJsonObject>
#include <QRectF>
#include <QHash>
#include <QMap>

class QLabel;
class QNetworkAccessManager;
class QTableWidget;
class QTabWidget;
class QTimer;

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace Rivulet::Studio {

// Charts of the running apps: events/s per stream and per sink over the last minute, and a
// map-like scatter of latitude/longitude for streams that have them (each train's trail, its
// last position labelled with its id).
class MetricsDock final : public QDockWidget
{
    Q_OBJECT

public:
    MetricsDock(EngineHost *engine, QWidget *parent = nullptr);
    int mapPointCount() const;
    QStringList seriesNames() const;
    // Follows the studio's theme (the charts' own light or dark theme).
    void setDark(bool dark);
    bool isDark() const { return m_dark; }
    // With a running gateway (from the workspace's deployment config), a Gateway tab shows its
    // analytics, read every two seconds from its JSON endpoint (GET /api/v1/analytics on the
    // local http listener); an empty info hides it.
    void setGateway(const GatewayInfo &gateway);
    QTableWidget *gatewayTable() const { return m_gatewayTable; }
    // Reads the analytics now (the timer does it every two seconds).
    void refreshGateway();

private:
    void onMetrics(quint64 runId, const QHash<QString, qint64> &streams,
                   const QHash<QString, qint64> &sinks, qint64 errors);
    void onPositions(quint64 runId, const QString &stream, const QVector<Position> &positions);
    void showAnalytics(const QJsonObject &analytics);
    void addRate(QChart *chart, QValueAxis *yAxis, QHash<QString, QLineSeries *> &series,
                 const QString &name, double rate);

    EngineHost *m_engine;
    QTabWidget *m_tabs;
    QChart *m_streamsChart;
    QChart *m_sinksChart;
    QChart *m_mapChart;
    QValueAxis *m_streamsX;
    QValueAxis *m_streamsY;
    QValueAxis *m_sinksX;
    QValueAxis *m_sinksY;
    QValueAxis *m_lon;
    QValueAxis *m_lat;
    QHash<QString, QLineSeries *> m_streamSeries;
    QHash<QString, QLineSeries *> m_sinkSeries;
    QHash<QString, qint64> m_lastCounts;
    QHash<QString, QScatterSeries *> m_trails;
    QHash<QString, QScatterSeries *> m_heads;
    QLabel *m_summary;
    int m_tick = 0;
    bool m_boundsSet = false;
    QRectF m_bounds; // longitude x latitude of every position seen
    bool m_mapShown = false;
    bool m_dark = false;
    GatewayInfo m_gateway;
    QWidget *m_gatewayPage;
    QTableWidget *m_gatewayTable;
    QLabel *m_gatewaySummary;
    QTimer *m_gatewayTimer;
    QNetworkAccessManager *m_network;
    bool m_gatewayBusy = false;
};

} // namespace Rivulet::Studio
