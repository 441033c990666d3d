#pragma once

#include "eventsource.h"

#include <memory>
#include <vector>

namespace Rivulet::Simulator {

// A polyline of latitude/longitude waypoints, measured in metres. Each segment is treated as a
// straight line in a local equirectangular projection at its mean latitude (exact enough for
// the segments of a rail line, metres over tens of kilometres).
class GeoPolyline
{
public:
    // False when there are fewer than two waypoints or the route has no length.
    bool setPoints(const QList<GeoPoint> &points);
    double length() const { return m_total; }
    // The point at distance d (metres, clamped to [0, length]) from the first waypoint.
    GeoPoint pointAt(double d) const;

    static constexpr double kMetresPerDegree = 111195.0797; // pi * 6371008.8 m / 180

private:
    QList<GeoPoint> m_points;
    std::vector<double> m_cumulative; // distance at each waypoint
    double m_total = 0;
};

// TRAIN_ROUTE_SIMULATION: N trains moving along a route at their speeds (km/h), spread evenly
// along it at the start (train j at j/N of its length), all setting off towards the end. Each train
// reports every reportInterval ms (train j offset by j * interval / N, so reports interleave), its
// reported position off the track by GPS noise: a Gaussian error (sigma = gpsNoise / 2 per axis)
// cut off at gpsNoise metres, so no report is farther than gpsNoise from the track. At the last
// waypoint trains turn back (reverse), restart from the first (loop) or stop (speed 0).
//
// Attributes are matched by name: trainId, latitude (lat), longitude (lon, lng), speed and
// timestamp; others are sent as null.
class TrainRouteSource final : public EventSource
{
public:
    ~TrainRouteSource() override;
    static std::unique_ptr<TrainRouteSource> create(const SourceConfig &config,
                                                    const SourceContext &context, QString *error);
    static StreamSchema defaultSchema(const QString &stream);
    bool next(Runtime::Event *ev) override;

private:
    TrainRouteSource(SourceContext context, TrainRouteConfig config);

    TrainRouteConfig m_config;
    GeoPolyline m_route;
    std::vector<Runtime::Value> m_ids; // per train, of the trainId attribute's type
    int m_idColumn = -1;
    int m_latColumn = -1;
    int m_lonColumn = -1;
    int m_speedColumn = -1;
    int m_timestampColumn = -1;
    qint64 m_sequence = 0; // report number: tick * trains + train
};

} // namespace Rivulet::Simulator
