#pragma once

#include "engine/lang/types.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace Rivulet::Lang {
struct CompiledApp;
}

namespace Rivulet::Simulator {

using Lang::AttrType;

// The attributes of one stream, as the simulator needs them: names and types in order.
struct StreamSchema
{
    QString name;
    QStringList names;
    QList<AttrType> types;

    int size() const { return int(types.size()); }
    bool isEmpty() const { return types.isEmpty(); }
    // The attribute's index: an exact match first, then ignoring case; -1 when absent.
    int indexOf(const QString &attribute) const;
    // "trainId string, latitude double"
    QString text() const;

    // The schema of a stream defined in an app; an empty schema when it has none.
    static StreamSchema fromApp(const Lang::CompiledApp &app, const QString &stream);
    // Parses "a string, b double" or a JSON array [{"name":"a","type":"string"}, ...].
    static bool parse(const QString &stream, const QJsonValue &value, StreamSchema *out,
                      QString *error);
};

// One generator of a RANDOM_DATA_SIMULATION source: how one attribute gets its values.
struct AttributeConfig
{
    enum class Kind { Primitive, Regex, Custom, Property };
    Kind kind = Kind::Primitive;
    // PRIMITIVE_BASED: strings take a length; int and long a min and max; float and double a
    // min, max and precision (decimal places); bool nothing. Min and max are kept as written
    // (a long needs all its digits).
    std::optional<int> length;
    QString min;
    QString max;
    std::optional<int> precision;
    QString primitiveType; // as given; the attribute's type decides what is generated
    QString pattern;       // REGEX_BASED
    QStringList list;      // CUSTOM_DATA_BASED
    QString property;      // PROPERTY_BASED

    static QString kindName(Kind kind);
};

struct GeoPoint
{
    double latitude = 0;
    double longitude = 0;
};

// TRAIN_ROUTE_SIMULATION (Rivulet's own source type): trains moving along a polyline.
struct TrainRouteConfig
{
    enum class End { Reverse, Loop, Stop };
    int trains = 1;
    QStringList trainIds; // when empty: trainIdPrefix + 1, 2, ...
    QString trainIdPrefix = QStringLiteral("train-");
    QList<double> speeds = {80.0}; // km/h: one for all trains, or one per train
    double gpsNoise = 0;           // meters: no report is farther from the track
    qint64 reportInterval = 1000;  // ms between two reports of one train
    QList<GeoPoint> route;         // at least two waypoints
    End end = End::Reverse;        // at the last waypoint: turn back, restart, stop

    QString trainId(int index) const;
    double speed(int index) const;
};

struct CsvConfig
{
    QString fileName; // relative to the simulation file's folder
    QString delimiter = QStringLiteral(",");
    bool isOrdered = true;    // rows are in timestamp order (else they are sorted)
    int timestampColumn = -1; // the column holding timestamps; -1: use an interval
    QList<int> indices;       // the column of each attribute (default: in order)
    bool header = false;      // the first row names the columns (Rivulet's addition)
};

enum class SourceType { Csv, Random, TrainRoute };

struct SourceConfig
{
    SourceType type = SourceType::Random;
    QString streamName;
    QString appName;
    std::optional<qint64> timestampInterval; // ms between generated timestamps
    StreamSchema attributes;                 // Rivulet's addition: when no app defines the stream
    CsvConfig csv;
    QList<AttributeConfig> attributeConfiguration;
    TrainRouteConfig train;

    static QString typeName(SourceType type);
};

struct SimulationProperties
{
    QString name;
    QString description;
    std::optional<qint64> startTimestamp; // default: the time the simulation starts
    std::optional<qint64> endTimestamp;   // no event has a later timestamp
    std::optional<qint64> count;          // noOfEvents: at most this many events in all
    std::optional<qint64> timeInterval;   // ms between two events sent (WSO2's pacing)
    // Rivulet's additions:
    std::optional<double> rate;    // events per second (instead of timeInterval)
    bool paceByTimestamps = false; // send each event when its timestamp comes
    std::optional<quint64> seed;
};

// A feed simulation: its properties and its sources. Reads the feed-simulation JSON of WSO2
// Streaming Integrator (properties, sources of CSV_SIMULATION and RANDOM_DATA_SIMULATION with
// their generator configs) plus Rivulet's TRAIN_ROUTE_SIMULATION and a few optional fields
// (rate, pace, seed, header, attributes), and writes it back in the same shape.
struct SimulationConfig
{
    SimulationProperties properties;
    QList<SourceConfig> sources;
    QString baseDirectory; // relative CSV file names are found here

    // Parses the JSON text; false with a message naming the field on error.
    static bool parse(const QByteArray &json, const QString &baseDirectory, SimulationConfig *out,
                      QString *error);
    static bool load(const QString &path, SimulationConfig *out, QString *error);
    QJsonObject toJson() const;
    QStringList streams() const;
};

// A single event: a stream, an optional timestamp and one value per attribute.
struct SingleEvent
{
    QString streamName;
    QString appName;
    std::optional<qint64> timestamp;
    QVariantList values;

    // WSO2's single-event JSON: {"streamName":"S","siddhiAppName":"A","timestamp":1000,
    // "data":["IBM",75.6]}.
    static bool parse(const QJsonObject &json, SingleEvent *out, QString *error);
};

} // namespace Rivulet::Simulator
