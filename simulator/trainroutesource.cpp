#include "trainroutesource.h"

#include "values.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace Rivulet::Simulator {

using namespace Rivulet::Runtime;

// ---- GeoPolyline --------------------------------------------------------------------------

namespace {

double cosLatitude(double latitudeDegrees)
{
    return std::cos(latitudeDegrees * std::numbers::pi / 180.0);
}

double segmentLength(const GeoPoint &a, const GeoPoint &b)
{
    const double k = GeoPolyline::kMetresPerDegree;
    const double dy = (b.latitude - a.latitude) * k;
    const double dx = (b.longitude - a.longitude) * k * cosLatitude((a.latitude + b.latitude) / 2);
    return std::hypot(dx, dy);
}

} // namespace

bool GeoPolyline::setPoints(const QList<GeoPoint> &points)
{
    m_points = points;
    m_cumulative.assign(1, 0.0);
    m_total = 0;
    for (qsizetype i = 1; i < points.size(); ++i) {
        m_total += segmentLength(points[i - 1], points[i]);
        m_cumulative.push_back(m_total);
    }
    return points.size() >= 2 && m_total > 0;
}

GeoPoint GeoPolyline::pointAt(double d) const
{
    d = std::clamp(d, 0.0, m_total);
    // The segment holding d: the last waypoint at or before it.
    auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), d);
    size_t i = size_t(std::max<std::ptrdiff_t>(0, (it - m_cumulative.begin()) - 1));
    if (i + 1 >= size_t(m_points.size()))
        return m_points.last();
    const double len = m_cumulative[i + 1] - m_cumulative[i];
    const double f = len > 0 ? (d - m_cumulative[i]) / len : 0.0;
    const GeoPoint &a = m_points[qsizetype(i)];
    const GeoPoint &b = m_points[qsizetype(i + 1)];
    return {a.latitude + f * (b.latitude - a.latitude),
            a.longitude + f * (b.longitude - a.longitude)};
}

// ---- TrainRouteSource ---------------------------------------------------------------------

TrainRouteSource::TrainRouteSource(SourceContext context, TrainRouteConfig config)
    : EventSource(std::move(context))
    , m_config(std::move(config))
{}

TrainRouteSource::~TrainRouteSource()
{
    if (m_idColumn >= 0) {
        for (Value v : m_ids)
            Runtime::release(m_context.schema.types[m_idColumn], v);
    }
}

StreamSchema TrainRouteSource::defaultSchema(const QString &stream)
{
    StreamSchema s;
    s.name = stream;
    s.names = {QStringLiteral("trainId"), QStringLiteral("latitude"), QStringLiteral("longitude"),
               QStringLiteral("speed"), QStringLiteral("timestamp")};
    s.types = {AttrType::String, AttrType::Double, AttrType::Double, AttrType::Double,
               AttrType::Long};
    return s;
}

std::unique_ptr<TrainRouteSource>
TrainRouteSource::create(const SourceConfig &config, const SourceContext &context, QString *error)
{
    auto source = std::unique_ptr<TrainRouteSource>(new TrainRouteSource(context, config.train));
    TrainRouteSource &s = *source;
    const StreamSchema &schema = context.schema;
    if (!s.m_route.setPoints(config.train.route)) {
        *error = QStringLiteral("the train route has no length: give two or more different "
                                "waypoints");
        return nullptr;
    }
    auto find = [&](std::initializer_list<const char *> names) {
        for (const char *n : names) {
            const int i = schema.indexOf(QLatin1String(n));
            if (i >= 0)
                return i;
        }
        return -1;
    };
    s.m_idColumn = find({"trainId", "train", "id"});
    s.m_latColumn = find({"latitude", "lat"});
    s.m_lonColumn = find({"longitude", "lon", "lng"});
    s.m_speedColumn = find({"speed"});
    s.m_timestampColumn = find({"timestamp", "time", "ts"});
    if (s.m_latColumn < 0 || s.m_lonColumn < 0) {
        *error = QStringLiteral("stream '%1' (%2) needs 'latitude' and 'longitude' attributes "
                                "for a train route")
                     .arg(schema.name, schema.text());
        return nullptr;
    }
    auto numeric = [&](int column) { return column < 0 || Lang::isNumeric(schema.types[column]); };
    for (int column : {s.m_latColumn, s.m_lonColumn, s.m_speedColumn}) {
        if (!numeric(column)) {
            *error = QStringLiteral("attribute '%1' of stream '%2' must be a number for a train "
                                    "route")
                         .arg(schema.names[column], schema.name);
            return nullptr;
        }
    }
    if (s.m_timestampColumn >= 0 && schema.types[s.m_timestampColumn] != AttrType::Long
        && schema.types[s.m_timestampColumn] != AttrType::Double) {
        *error = QStringLiteral("attribute '%1' of stream '%2' must be a long to hold the "
                                "timestamp")
                     .arg(schema.names[s.m_timestampColumn], schema.name);
        return nullptr;
    }
    if (s.m_idColumn >= 0) {
        const AttrType type = schema.types[s.m_idColumn];
        for (int j = 0; j < config.train.trains; ++j) {
            const QByteArray id = config.train.trainId(j).toUtf8();
            Value v;
            QString message;
            if (!textToValue(type, std::string_view(id.constData(), size_t(id.size())), &v,
                             schema.names[s.m_idColumn], &message)) {
                *error = QStringLiteral("train id: ") + message;
                for (Value x : s.m_ids)
                    Runtime::release(type, x);
                s.m_ids.clear();
                s.m_idColumn = -1;
                return nullptr;
            }
            s.m_ids.push_back(v);
        }
    }
    return source;
}

bool TrainRouteSource::next(Event *ev)
{
    const int trains = m_config.trains;
    const qint64 interval = m_config.reportInterval;
    const qint64 tick = m_sequence / trains;
    const int j = int(m_sequence % trains);
    const qint64 offsetMs = qint64(j) * interval / trains;
    const qint64 ts = m_context.startTimestamp + tick * interval + offsetMs;
    if (pastEnd(ts))
        return false;
    ++m_sequence;

    // Where train j is: spread along the route at the start, all leaving towards the last
    // waypoint, then moving.
    const double length = m_route.length();
    const double cycle = m_config.end == TrainRouteConfig::End::Reverse ? 2 * length : length;
    const double speedKmh = m_config.speed(j);
    const double travelled = double(tick * interval + offsetMs) / 1000.0 * speedKmh / 3.6;
    double s = length * j / trains + travelled;
    double reportedSpeed = speedKmh;
    double d;
    switch (m_config.end) {
    case TrainRouteConfig::End::Reverse: {
        const double u = std::fmod(s, cycle);
        d = u <= length ? u : cycle - u;
        break;
    }
    case TrainRouteConfig::End::Loop:
        d = std::fmod(s, length);
        break;
    case TrainRouteConfig::End::Stop:
    default:
        d = std::min(s, length);
        if (s >= length)
            reportedSpeed = 0;
        break;
    }
    GeoPoint p = m_route.pointAt(d);

    if (m_config.gpsNoise > 0) {
        const double r = m_config.gpsNoise;
        const double sigma = r / 2;
        double dx, dy;
        do {
            dx = m_rng.gaussian() * sigma;
            dy = m_rng.gaussian() * sigma;
        } while (dx * dx + dy * dy > r * r);
        const double k = GeoPolyline::kMetresPerDegree;
        p.latitude += dy / k;
        p.longitude += dx / (k * cosLatitude(p.latitude));
    }

    EventLayout *layout = m_context.layout;
    const StreamSchema &schema = m_context.schema;
    // Attributes the route does not give are null.
    for (int i = 0; i < schema.size(); ++i) {
        if (i != m_idColumn && i != m_latColumn && i != m_lonColumn && i != m_speedColumn
            && i != m_timestampColumn)
            layout->set(ev, i, Value::ofLong(0), true);
    }
    ev->timestamp = ts;
    if (m_idColumn >= 0)
        layout->set(ev, m_idColumn, m_ids[size_t(j)]);
    setNumber(ev, m_latColumn, schema.types[m_latColumn], p.latitude);
    setNumber(ev, m_lonColumn, schema.types[m_lonColumn], p.longitude);
    if (m_speedColumn >= 0)
        setNumber(ev, m_speedColumn, schema.types[m_speedColumn], reportedSpeed);
    if (m_timestampColumn >= 0) {
        if (schema.types[m_timestampColumn] == AttrType::Long) {
            ev->values()[m_timestampColumn] = Value::ofLong(ts);
            ev->setNull(m_timestampColumn, false);
        } else {
            setNumber(ev, m_timestampColumn, schema.types[m_timestampColumn], double(ts));
        }
    }
    return true;
}

} // namespace Rivulet::Simulator
