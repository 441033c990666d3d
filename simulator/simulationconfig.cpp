#include "simulationconfig.h"

#include "engine/lang/frontend.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>
#include <limits>

namespace Rivulet::Simulator {

// ---- StreamSchema -------------------------------------------------------------------------

int StreamSchema::indexOf(const QString &attribute) const
{
    const int exact = int(names.indexOf(attribute));
    if (exact >= 0)
        return exact;
    for (int i = 0; i < names.size(); ++i) {
        if (names[i].compare(attribute, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

QString StreamSchema::text() const
{
    QStringList parts;
    for (int i = 0; i < types.size(); ++i)
        parts << names.value(i) + u' ' + Lang::typeName(types[i]);
    return parts.join(QStringLiteral(", "));
}

StreamSchema StreamSchema::fromApp(const Lang::CompiledApp &app, const QString &stream)
{
    StreamSchema schema;
    const Lang::Schema *s = app.model.find(stream);
    if (!s || !s->isStreamLike())
        return schema;
    schema.name = s->name;
    for (const Lang::AttributeInfo &a : s->attributes) {
        schema.names << a.name;
        schema.types << a.type;
    }
    return schema;
}

bool StreamSchema::parse(const QString &stream, const QJsonValue &value, StreamSchema *out,
                         QString *error)
{
    StreamSchema schema;
    schema.name = stream;
    auto add = [&](const QString &name, const QString &type) {
        AttrType t;
        if (name.isEmpty()) {
            *error = QStringLiteral("an attribute has no name");
            return false;
        }
        if (!Lang::parseTypeName(type, &t) || t == AttrType::Unknown) {
            *error = QStringLiteral("attribute '%1' has unknown type '%2'").arg(name, type);
            return false;
        }
        schema.names << name;
        schema.types << t;
        return true;
    };
    if (value.isString()) {
        const QStringList parts = value.toString().split(u',', Qt::SkipEmptyParts);
        for (const QString &part : parts) {
            const QStringList words = part.simplified().split(u' ');
            if (words.size() != 2) {
                *error = QStringLiteral("'%1' is not 'name type'").arg(part.trimmed());
                return false;
            }
            if (!add(words[0], words[1]))
                return false;
        }
    } else if (value.isArray()) {
        for (const QJsonValue &v : value.toArray()) {
            const QJsonObject o = v.toObject();
            if (!add(o.value(QLatin1String("name")).toString(),
                     o.value(QLatin1String("type")).toString()))
                return false;
        }
    } else {
        *error = QStringLiteral("attributes must be a string such as \"a string, b double\" or "
                                "an array of {\"name\", \"type\"}");
        return false;
    }
    *out = schema;
    return true;
}

// ---- names --------------------------------------------------------------------------------

QString AttributeConfig::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Primitive:
        return QStringLiteral("PRIMITIVE_BASED");
    case Kind::Regex:
        return QStringLiteral("REGEX_BASED");
    case Kind::Custom:
        return QStringLiteral("CUSTOM_DATA_BASED");
    case Kind::Property:
        return QStringLiteral("PROPERTY_BASED");
    }
    return {};
}

QString SourceConfig::typeName(SourceType type)
{
    switch (type) {
    case SourceType::Csv:
        return QStringLiteral("CSV_SIMULATION");
    case SourceType::Random:
        return QStringLiteral("RANDOM_DATA_SIMULATION");
    case SourceType::TrainRoute:
        return QStringLiteral("TRAIN_ROUTE_SIMULATION");
    }
    return {};
}

QString TrainRouteConfig::trainId(int index) const
{
    if (index < trainIds.size())
        return trainIds[index];
    return trainIdPrefix + QString::number(index + 1);
}

double TrainRouteConfig::speed(int index) const
{
    if (speeds.isEmpty())
        return 0;
    return speeds.value(index, speeds.last());
}

// ---- JSON reading -------------------------------------------------------------------------

namespace {

// Reads fields of one JSON object, naming the path of the first bad one. WSO2's files write
// numbers as numbers or as strings ("1000"), and leave fields out or set them to null or "".
class Reader
{
public:
    Reader(const QJsonObject &o, QString path, QString *error)
        : m_o(o)
        , m_path(std::move(path))
        , m_error(error)
    {}

    bool ok() const { return m_ok; }
    bool fail(const QString &message)
    {
        if (m_ok) {
            *m_error = m_path.isEmpty() ? message : m_path + QStringLiteral(": ") + message;
            m_ok = false;
        }
        return false;
    }
    // The first of the names that is present and not null or "".
    QJsonValue value(std::initializer_list<const char *> names, QString *which = nullptr) const
    {
        for (const char *n : names) {
            const QJsonValue v = m_o.value(QLatin1String(n));
            if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().trimmed().isEmpty()))
                continue;
            if (which)
                *which = QLatin1String(n);
            return v;
        }
        return QJsonValue(QJsonValue::Undefined);
    }
    bool has(std::initializer_list<const char *> names) const
    {
        return !value(names).isUndefined();
    }

    std::optional<qint64> int64(std::initializer_list<const char *> names, qint64 min = 0)
    {
        QString name;
        const QJsonValue v = value(names, &name);
        if (v.isUndefined())
            return std::nullopt;
        qint64 n = 0;
        bool ok = false;
        if (v.isDouble()) {
            const double d = v.toDouble();
            ok = std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18;
            n = qint64(d);
        } else if (v.isString()) {
            n = v.toString().trimmed().toLongLong(&ok);
        }
        if (!ok) {
            fail(QStringLiteral("'%1' must be a whole number").arg(name));
            return std::nullopt;
        }
        if (n < min) {
            fail(QStringLiteral("'%1' must be at least %2").arg(name).arg(min));
            return std::nullopt;
        }
        return n;
    }
    std::optional<double> number(std::initializer_list<const char *> names)
    {
        QString name;
        const QJsonValue v = value(names, &name);
        if (v.isUndefined())
            return std::nullopt;
        bool ok = v.isDouble();
        double d = v.toDouble();
        if (v.isString())
            d = v.toString().trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(d)) {
            fail(QStringLiteral("'%1' must be a number").arg(name));
            return std::nullopt;
        }
        return d;
    }
    QString string(std::initializer_list<const char *> names)
    {
        QString name;
        const QJsonValue v = value(names, &name);
        if (v.isUndefined())
            return {};
        if (v.isString())
            return v.toString();
        if (v.isDouble())
            return QString::number(v.toDouble(), 'g', 17);
        fail(QStringLiteral("'%1' must be a string").arg(name));
        return {};
    }
    std::optional<bool> boolean(std::initializer_list<const char *> names)
    {
        QString name;
        const QJsonValue v = value(names, &name);
        if (v.isUndefined())
            return std::nullopt;
        if (v.isBool())
            return v.toBool();
        const QString s = v.toString().trimmed().toLower();
        if (s == QLatin1String("true"))
            return true;
        if (s == QLatin1String("false"))
            return false;
        fail(QStringLiteral("'%1' must be true or false").arg(name));
        return std::nullopt;
    }
    const QString &path() const { return m_path; }

private:
    QJsonObject m_o;
    QString m_path;
    QString *m_error;
    bool m_ok = true;
};

// Numbers as strings, for min and max (kept as written).
QString numberText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString().trimmed();
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d == std::floor(d) && std::fabs(d) < 9.0e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 17);
    }
    return {};
}

bool parseAttributeConfig(const QJsonObject &o, const QString &path, AttributeConfig *out,
                          QString *error)
{
    Reader r(o, path, error);
    const QString type = r.string({"type"}).trimmed().toUpper();
    AttributeConfig a;
    if (type == QLatin1String("PRIMITIVE_BASED")) {
        a.kind = AttributeConfig::Kind::Primitive;
        if (auto n = r.int64({"length"}, 0))
            a.length = int(std::min<qint64>(*n, 1 << 20));
        if (auto n = r.int64({"precision"}, 0))
            a.precision = int(std::min<qint64>(*n, 15));
        a.min = numberText(r.value({"min"}));
        a.max = numberText(r.value({"max"}));
        a.primitiveType = r.string({"primitiveType"});
    } else if (type == QLatin1String("REGEX_BASED")) {
        a.kind = AttributeConfig::Kind::Regex;
        a.pattern = r.string({"pattern"});
        if (a.pattern.isEmpty())
            return r.fail(QStringLiteral("REGEX_BASED needs a 'pattern'"));
    } else if (type == QLatin1String("CUSTOM_DATA_BASED")) {
        a.kind = AttributeConfig::Kind::Custom;
        const QJsonValue list = r.value({"list"});
        if (list.isArray()) {
            for (const QJsonValue &v : list.toArray())
                a.list << (v.isString() ? v.toString() : numberText(v));
        } else if (list.isString()) {
            // The studio of WSO2 writes "a,b,c".
            for (const QString &s : list.toString().split(u','))
                a.list << s.trimmed();
        }
        if (a.list.isEmpty())
            return r.fail(QStringLiteral("CUSTOM_DATA_BASED needs a non-empty 'list'"));
    } else if (type == QLatin1String("PROPERTY_BASED")) {
        a.kind = AttributeConfig::Kind::Property;
        a.property = r.string({"property"});
        if (a.property.isEmpty())
            return r.fail(QStringLiteral("PROPERTY_BASED needs a 'property'"));
    } else {
        return r.fail(QStringLiteral("unknown generator type '%1' (PRIMITIVE_BASED, REGEX_BASED, "
                                     "CUSTOM_DATA_BASED or PROPERTY_BASED)")
                          .arg(type));
    }
    if (!r.ok())
        return false;
    *out = a;
    return true;
}

bool parseGeoPoint(const QJsonValue &v, GeoPoint *p)
{
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble())
            return false;
        p->latitude = a[0].toDouble();
        p->longitude = a[1].toDouble();
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        const QJsonValue lat = o.contains(QLatin1String("latitude")) ? o[QLatin1String("latitude")]
                                                                     : o[QLatin1String("lat")];
        const QJsonValue lon = o.contains(QLatin1String("longitude"))
                                   ? o[QLatin1String("longitude")]
                                   : o[QLatin1String("lon")];
        if (!lat.isDouble() || !lon.isDouble())
            return false;
        p->latitude = lat.toDouble();
        p->longitude = lon.toDouble();
    } else {
        return false;
    }
    return p->latitude >= -90 && p->latitude <= 90 && p->longitude >= -180 && p->longitude <= 180;
}

bool parseTrain(Reader &r, const QJsonObject &o, TrainRouteConfig *t)
{
    if (auto n = r.int64({"trains", "noOfTrains"}, 1))
        t->trains = int(std::min<qint64>(*n, 100000));
    const QJsonValue ids = r.value({"trainIds"});
    if (ids.isArray()) {
        for (const QJsonValue &v : ids.toArray())
            t->trainIds << (v.isString() ? v.toString() : numberText(v));
        if (!r.has({"trains", "noOfTrains"}))
            t->trains = int(std::max<qsizetype>(1, t->trainIds.size()));
    }
    if (r.has({"trainIdPrefix"}))
        t->trainIdPrefix = r.string({"trainIdPrefix"});
    const QJsonValue speed = r.value({"speed", "speeds"});
    if (speed.isArray()) {
        t->speeds.clear();
        for (const QJsonValue &v : speed.toArray()) {
            if (!v.isDouble() || v.toDouble() < 0)
                return r.fail(QStringLiteral("'speed' values must be numbers of km/h, 0 or more"));
            t->speeds << v.toDouble();
        }
        if (t->speeds.isEmpty())
            return r.fail(QStringLiteral("'speed' is an empty list"));
    } else if (auto s = r.number({"speed", "speeds"})) {
        if (*s < 0)
            return r.fail(QStringLiteral("'speed' must be 0 km/h or more"));
        t->speeds = {*s};
    }
    if (auto n = r.number({"gpsNoise"})) {
        if (*n < 0)
            return r.fail(QStringLiteral("'gpsNoise' must be 0 m or more"));
        t->gpsNoise = *n;
    }
    if (auto n = r.int64({"reportInterval", "timestampInterval"}, 1))
        t->reportInterval = *n;
    const QString end = r.string({"routeEnd"}).toLower();
    if (end == QLatin1String("loop"))
        t->end = TrainRouteConfig::End::Loop;
    else if (end == QLatin1String("stop"))
        t->end = TrainRouteConfig::End::Stop;
    else if (end.isEmpty() || end == QLatin1String("reverse"))
        t->end = TrainRouteConfig::End::Reverse;
    else
        return r.fail(QStringLiteral("'routeEnd' must be reverse, loop or stop"));
    const QJsonArray route = o.value(QLatin1String("route")).toArray();
    for (int i = 0; i < route.size(); ++i) {
        GeoPoint p;
        if (!parseGeoPoint(route[i], &p))
            return r.fail(QStringLiteral("route[%1] must be [latitude, longitude] or "
                                         "{\"latitude\", \"longitude\"} in degrees")
                              .arg(i));
        t->route << p;
    }
    if (t->route.size() < 2)
        return r.fail(QStringLiteral("a train route needs at least two waypoints in 'route'"));
    return r.ok();
}

bool parseSource(const QJsonObject &o, const QString &path, SourceConfig *out, QString *error)
{
    Reader r(o, path, error);
    SourceConfig s;
    const QString type = r.string({"simulationType"}).trimmed().toUpper();
    if (type == QLatin1String("CSV_SIMULATION") || type == QLatin1String("FILE_SIMULATION"))
        s.type = SourceType::Csv;
    else if (type == QLatin1String("RANDOM_DATA_SIMULATION"))
        s.type = SourceType::Random;
    else if (type == QLatin1String("TRAIN_ROUTE_SIMULATION"))
        s.type = SourceType::TrainRoute;
    else if (type == QLatin1String("DATABASE_SIMULATION"))
        return r.fail(QStringLiteral("DATABASE_SIMULATION is not supported: export the table to "
                                     "CSV and use CSV_SIMULATION"));
    else if (type.isEmpty())
        return r.fail(QStringLiteral("'simulationType' is missing"));
    else
        return r.fail(QStringLiteral("unknown simulationType '%1' (CSV_SIMULATION, "
                                     "RANDOM_DATA_SIMULATION or TRAIN_ROUTE_SIMULATION)")
                          .arg(type));
    s.streamName = r.string({"streamName"}).trimmed();
    s.appName = r.string({"siddhiAppName", "executionPlanName"}).trimmed();
    if (s.type == SourceType::TrainRoute && s.streamName.isEmpty())
        s.streamName = QStringLiteral("TrainSensorStream");
    if (s.streamName.isEmpty())
        return r.fail(QStringLiteral("'streamName' is missing"));
    s.timestampInterval = r.int64({"timestampInterval"}, 0);
    const QJsonValue attributes = r.value({"attributes"});
    if (!attributes.isUndefined()) {
        QString message;
        if (!StreamSchema::parse(s.streamName, attributes, &s.attributes, &message))
            return r.fail(QStringLiteral("attributes: ") + message);
    }

    switch (s.type) {
    case SourceType::Csv: {
        s.csv.fileName = r.string({"fileName", "csvFileName"});
        if (s.csv.fileName.isEmpty())
            return r.fail(QStringLiteral("CSV_SIMULATION needs a 'fileName'"));
        QString delimiter = r.value({"delimiter"}).toString(QStringLiteral(","));
        if (delimiter == QLatin1String("\\t")
            || delimiter.compare(QLatin1String("tab"), Qt::CaseInsensitive) == 0)
            delimiter = QStringLiteral("\t");
        if (delimiter.size() != 1)
            return r.fail(
                QStringLiteral("'delimiter' must be one character, found '%1'").arg(delimiter));
        s.csv.delimiter = delimiter;
        if (auto n = r.int64({"timestampAttribute"}, 0))
            s.csv.timestampColumn = int(*n);
        s.csv.isOrdered = r.boolean({"isOrdered"}).value_or(true);
        s.csv.header = r.boolean({"header"}).value_or(false);
        const QJsonValue indices = r.value({"indices"});
        if (indices.isArray()) {
            for (const QJsonValue &v : indices.toArray()) {
                if (!v.isDouble() || v.toDouble() < 0)
                    return r.fail(QStringLiteral("'indices' must be column numbers, 0 or more"));
                s.csv.indices << int(v.toDouble());
            }
        } else if (indices.isString()) {
            for (const QString &part : indices.toString().split(u',')) {
                bool ok = false;
                const int i = part.trimmed().toInt(&ok);
                if (!ok || i < 0)
                    return r.fail(QStringLiteral("'indices' must be column numbers such as "
                                                 "\"0,1,2\", found '%1'")
                                      .arg(indices.toString()));
                s.csv.indices << i;
            }
        }
        break;
    }
    case SourceType::Random: {
        const QJsonArray list = o.value(QLatin1String("attributeConfiguration")).toArray();
        if (list.isEmpty())
            return r.fail(QStringLiteral("RANDOM_DATA_SIMULATION needs an "
                                         "'attributeConfiguration' (one generator per "
                                         "attribute)"));
        for (int i = 0; i < list.size(); ++i) {
            AttributeConfig a;
            if (!parseAttributeConfig(list[i].toObject(),
                                      path + QStringLiteral(".attributeConfiguration[%1]").arg(i),
                                      &a, error))
                return false;
            s.attributeConfiguration << a;
        }
        break;
    }
    case SourceType::TrainRoute:
        if (!parseTrain(r, o, &s.train))
            return false;
        break;
    }
    if (!r.ok())
        return false;
    *out = s;
    return true;
}

QJsonValue optionalNumber(const std::optional<qint64> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue(QJsonValue::Null);
}

} // namespace

// ---- SimulationConfig ---------------------------------------------------------------------

bool SimulationConfig::parse(const QByteArray &json, const QString &baseDirectory,
                             SimulationConfig *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull()) {
        // Qt gives an offset; a line number is what a user can find.
        const int line = int(json.left(parseError.offset).count('\n')) + 1;
        *error = QStringLiteral("line %1: %2").arg(line).arg(parseError.errorString());
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("a simulation is a JSON object with 'properties' and 'sources'");
        return false;
    }
    const QJsonObject root = doc.object();
    SimulationConfig config;
    config.baseDirectory = baseDirectory;

    Reader r(root.value(QLatin1String("properties")).toObject(), QStringLiteral("properties"),
             error);
    SimulationProperties &p = config.properties;
    p.name = r.string({"simulationName", "name"});
    p.description = r.string({"description"});
    p.startTimestamp = r.int64({"timestampStartTime", "startTimestamp"});
    p.endTimestamp = r.int64({"timestampEndTime", "endTimestamp"});
    p.count = r.int64({"noOfEvents"});
    p.timeInterval = r.int64({"timeInterval"});
    p.rate = r.number({"rate"});
    if (p.rate && *p.rate < 0)
        return r.fail(QStringLiteral("'rate' must be 0 events/s or more"));
    const QString pace = r.string({"pace"}).toLower();
    if (pace == QLatin1String("timestamps"))
        p.paceByTimestamps = true;
    else if (!pace.isEmpty() && pace != QLatin1String("interval"))
        return r.fail(QStringLiteral("'pace' must be 'interval' or 'timestamps'"));
    if (auto seed = r.int64({"seed"}, std::numeric_limits<qint64>::min()))
        p.seed = quint64(*seed);
    if (!r.ok())
        return false;
    if (p.startTimestamp && p.endTimestamp && *p.endTimestamp < *p.startTimestamp)
        return r.fail(QStringLiteral("timestampEndTime is before timestampStartTime"));

    const QJsonValue sources = root.value(QLatin1String("sources"));
    if (!sources.isArray() || sources.toArray().isEmpty()) {
        *error = QStringLiteral("a simulation needs at least one source in 'sources'");
        return false;
    }
    const QJsonArray list = sources.toArray();
    for (int i = 0; i < list.size(); ++i) {
        if (!list[i].isObject()) {
            *error = QStringLiteral("sources[%1] must be an object").arg(i);
            return false;
        }
        SourceConfig s;
        if (!parseSource(list[i].toObject(), QStringLiteral("sources[%1]").arg(i), &s, error))
            return false;
        config.sources << s;
    }
    *out = config;
    return true;
}

bool SimulationConfig::load(const QString &path, SimulationConfig *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    QString message;
    if (!parse(f.readAll(), QFileInfo(path).absolutePath(), out, &message)) {
        *error = path + QStringLiteral(": ") + message;
        return false;
    }
    return true;
}

QStringList SimulationConfig::streams() const
{
    QStringList out;
    for (const SourceConfig &s : sources) {
        if (!out.contains(s.streamName))
            out << s.streamName;
    }
    return out;
}

QJsonObject SimulationConfig::toJson() const
{
    const SimulationProperties &p = properties;
    QJsonObject props{
        {QStringLiteral("simulationName"), p.name},
        {QStringLiteral("description"), p.description},
        {QStringLiteral("timestampStartTime"), optionalNumber(p.startTimestamp)},
        {QStringLiteral("timestampEndTime"), optionalNumber(p.endTimestamp)},
        {QStringLiteral("noOfEvents"), optionalNumber(p.count)},
        {QStringLiteral("timeInterval"), optionalNumber(p.timeInterval)},
    };
    if (p.rate)
        props.insert(QStringLiteral("rate"), *p.rate);
    if (p.paceByTimestamps)
        props.insert(QStringLiteral("pace"), QStringLiteral("timestamps"));
    if (p.seed)
        props.insert(QStringLiteral("seed"), QString::number(*p.seed));

    QJsonArray list;
    for (const SourceConfig &s : sources) {
        QJsonObject o{{QStringLiteral("simulationType"), SourceConfig::typeName(s.type)},
                      {QStringLiteral("streamName"), s.streamName},
                      {QStringLiteral("siddhiAppName"), s.appName}};
        if (s.timestampInterval)
            o.insert(QStringLiteral("timestampInterval"), QString::number(*s.timestampInterval));
        if (!s.attributes.isEmpty())
            o.insert(QStringLiteral("attributes"), s.attributes.text());
        switch (s.type) {
        case SourceType::Csv: {
            o.insert(QStringLiteral("fileName"), s.csv.fileName);
            o.insert(QStringLiteral("delimiter"), s.csv.delimiter == QLatin1String("\t")
                                                      ? QStringLiteral("\\t")
                                                      : s.csv.delimiter);
            o.insert(QStringLiteral("isOrdered"), s.csv.isOrdered);
            if (s.csv.timestampColumn >= 0)
                o.insert(QStringLiteral("timestampAttribute"),
                         QString::number(s.csv.timestampColumn));
            if (!s.csv.indices.isEmpty()) {
                QStringList parts;
                for (int i : s.csv.indices)
                    parts << QString::number(i);
                o.insert(QStringLiteral("indices"), parts.join(u','));
            }
            if (s.csv.header)
                o.insert(QStringLiteral("header"), true);
            break;
        }
        case SourceType::Random: {
            QJsonArray attrs;
            for (const AttributeConfig &a : s.attributeConfiguration) {
                QJsonObject c{{QStringLiteral("type"), AttributeConfig::kindName(a.kind)}};
                switch (a.kind) {
                case AttributeConfig::Kind::Primitive:
                    if (!a.primitiveType.isEmpty())
                        c.insert(QStringLiteral("primitiveType"), a.primitiveType);
                    if (a.length)
                        c.insert(QStringLiteral("length"), QString::number(*a.length));
                    if (!a.min.isEmpty())
                        c.insert(QStringLiteral("min"), a.min);
                    if (!a.max.isEmpty())
                        c.insert(QStringLiteral("max"), a.max);
                    if (a.precision)
                        c.insert(QStringLiteral("precision"), QString::number(*a.precision));
                    break;
                case AttributeConfig::Kind::Regex:
                    c.insert(QStringLiteral("pattern"), a.pattern);
                    break;
                case AttributeConfig::Kind::Custom:
                    c.insert(QStringLiteral("list"), QJsonArray::fromStringList(a.list));
                    break;
                case AttributeConfig::Kind::Property:
                    c.insert(QStringLiteral("property"), a.property);
                    break;
                }
                attrs.append(c);
            }
            o.insert(QStringLiteral("attributeConfiguration"), attrs);
            break;
        }
        case SourceType::TrainRoute: {
            const TrainRouteConfig &t = s.train;
            o.insert(QStringLiteral("trains"), t.trains);
            if (!t.trainIds.isEmpty())
                o.insert(QStringLiteral("trainIds"), QJsonArray::fromStringList(t.trainIds));
            else
                o.insert(QStringLiteral("trainIdPrefix"), t.trainIdPrefix);
            if (t.speeds.size() == 1) {
                o.insert(QStringLiteral("speed"), t.speeds.first());
            } else {
                QJsonArray speeds;
                for (double v : t.speeds)
                    speeds.append(v);
                o.insert(QStringLiteral("speed"), speeds);
            }
            o.insert(QStringLiteral("gpsNoise"), t.gpsNoise);
            o.insert(QStringLiteral("reportInterval"), double(t.reportInterval));
            o.insert(QStringLiteral("routeEnd"),
                     t.end == TrainRouteConfig::End::Loop   ? QStringLiteral("loop")
                     : t.end == TrainRouteConfig::End::Stop ? QStringLiteral("stop")
                                                            : QStringLiteral("reverse"));
            QJsonArray route;
            for (const GeoPoint &p : t.route)
                route.append(QJsonArray{p.latitude, p.longitude});
            o.insert(QStringLiteral("route"), route);
            break;
        }
        }
        list.append(o);
    }
    return QJsonObject{{QStringLiteral("properties"), props}, {QStringLiteral("sources"), list}};
}

// ---- SingleEvent --------------------------------------------------------------------------

bool SingleEvent::parse(const QJsonObject &json, SingleEvent *out, QString *error)
{
    Reader r(json, {}, error);
    SingleEvent e;
    e.streamName = r.string({"streamName"}).trimmed();
    e.appName = r.string({"siddhiAppName", "executionPlanName"}).trimmed();
    e.timestamp = r.int64({"timestamp"}, std::numeric_limits<qint64>::min());
    if (!r.ok())
        return false;
    if (e.streamName.isEmpty())
        return r.fail(QStringLiteral("'streamName' is missing"));
    const QJsonValue data = json.value(QLatin1String("data"));
    if (!data.isArray())
        return r.fail(QStringLiteral("'data' must be an array with one value per attribute"));
    e.values = data.toArray().toVariantList();
    *out = e;
    return true;
}

} // namespace Rivulet::Simulator
