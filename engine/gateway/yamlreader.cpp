#include "yamlreader.h"

#include "engine/lang/templatevalues.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>

#include <cmath>

namespace Rivulet::Gateway {

YamlReader::YamlReader(QString fileName)
    : m_fileName(std::move(fileName))
{}

bool YamlReader::parse(const QByteArray &text)
{
    try {
        m_root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        m_error = QStringLiteral("%1:%2: %3")
                      .arg(m_fileName)
                      .arg(e.mark.is_null() ? 0 : e.mark.line + 1)
                      .arg(QString::fromStdString(e.msg));
        return false;
    }
    return true;
}

void YamlReader::setVariables(QHash<QString, QString> variables, bool useEnvironment)
{
    m_variables = std::move(variables);
    m_useEnvironment = useEnvironment;
    m_resolve = true;
}

int YamlReader::line(const YAML::Node &node) const
{
    if (!node.IsDefined())
        return 0;
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? 0 : mark.line + 1;
}

bool YamlReader::fail(const YAML::Node &at, const QString &field, const QString &message)
{
    if (m_error.isEmpty()) {
        const int l = line(at);
        m_error = QStringLiteral("%1:%2: %3: %4")
                      .arg(m_fileName, l > 0 ? QString::number(l) : QStringLiteral("1"),
                           field.isEmpty() ? QStringLiteral("(document)") : field, message);
    }
    return false;
}

QString YamlReader::join(const QString &field, const char *key)
{
    return field.isEmpty() ? QString::fromUtf8(key) : field + u'.' + QString::fromUtf8(key);
}

QString YamlReader::index(const QString &field, size_t i)
{
    return field + u'[' + QString::number(i) + u']';
}

bool YamlReader::checkMap(const YAML::Node &node, const QString &field,
                          std::initializer_list<const char *> allowed)
{
    QStringList list;
    for (const char *a : allowed)
        list << QString::fromUtf8(a);
    return checkMap(node, field, list);
}

bool YamlReader::checkMap(const YAML::Node &node, const QString &field, const QStringList &allowed)
{
    if (!node.IsDefined() || node.IsNull())
        return true;
    if (!node.IsMap())
        return fail(node, field,
                    QStringLiteral("must be a mapping of %1").arg(allowed.join(u", ")));
    for (auto it = node.begin(); it != node.end(); ++it) {
        const QString key = QString::fromStdString(it->first.Scalar());
        if (!allowed.contains(key)) {
            return fail(it->first, field.isEmpty() ? key : field + u'.' + key,
                        QStringLiteral("unknown field (expected one of: %1)")
                            .arg(allowed.join(QStringLiteral(", "))));
        }
    }
    return true;
}

bool YamlReader::scalar(const YAML::Node &node, const QString &field, QString *out)
{
    if (!node.IsScalar())
        return fail(node, field, QStringLiteral("must be a single value, not a list or mapping"));
    QString value = QString::fromStdString(node.Scalar());
    if (m_resolve) {
        // The environment wins over the config's own `variables`.
        const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        QString missing;
        const std::optional<QString> resolved = Lang::resolveTemplate(
            value,
            [&](const QString &name) -> std::optional<QString> {
                if (m_useEnvironment && env.contains(name))
                    return env.value(name);
                if (m_variables.contains(name))
                    return m_variables.value(name);
                return std::nullopt;
            },
            &missing);
        if (!resolved)
            return fail(node, field,
                        QStringLiteral("variable ${%1} is not set (set it in the environment or "
                                       "under 'variables')")
                            .arg(missing));
        value = *resolved;
    }
    *out = value;
    return true;
}

bool YamlReader::readString(const YAML::Node &map, const char *key, const QString &field,
                            QString *out)
{
    const YAML::Node n = yamlChild(map, key);
    if (!n.IsDefined() || n.IsNull())
        return true;
    return scalar(n, join(field, key), out);
}

bool YamlReader::readInt(const YAML::Node &map, const char *key, const QString &field, qint64 *out,
                         qint64 min, qint64 max)
{
    const YAML::Node n = yamlChild(map, key);
    if (!n.IsDefined() || n.IsNull())
        return true;
    QString text;
    if (!scalar(n, join(field, key), &text))
        return false;
    bool ok = false;
    const qint64 v = text.trimmed().toLongLong(&ok);
    if (!ok || v < min || v > max)
        return fail(n, join(field, key),
                    QStringLiteral("must be a whole number from %1 to %2, found '%3'")
                        .arg(min)
                        .arg(max)
                        .arg(text));
    *out = v;
    return true;
}

bool YamlReader::readDouble(const YAML::Node &map, const char *key, const QString &field,
                            double *out, double min)
{
    const YAML::Node n = yamlChild(map, key);
    if (!n.IsDefined() || n.IsNull())
        return true;
    QString text;
    if (!scalar(n, join(field, key), &text))
        return false;
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < min)
        return fail(
            n, join(field, key),
            QStringLiteral("must be a number of at least %1, found '%2'").arg(min).arg(text));
    *out = v;
    return true;
}

bool YamlReader::readBool(const YAML::Node &map, const char *key, const QString &field, bool *out)
{
    const YAML::Node n = yamlChild(map, key);
    if (!n.IsDefined() || n.IsNull())
        return true;
    QString text;
    if (!scalar(n, join(field, key), &text))
        return false;
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("true") || t == QLatin1String("yes") || t == QLatin1String("on"))
        *out = true;
    else if (t == QLatin1String("false") || t == QLatin1String("no") || t == QLatin1String("off"))
        *out = false;
    else
        return fail(n, join(field, key),
                    QStringLiteral("must be true or false, found '%1'").arg(text));
    return true;
}

bool YamlReader::readStringList(const YAML::Node &map, const char *key, const QString &field,
                                QStringList *out)
{
    const YAML::Node n = yamlChild(map, key);
    if (!n.IsDefined() || n.IsNull())
        return true;
    const QString f = join(field, key);
    QStringList list;
    if (n.IsScalar()) {
        QString s;
        if (!scalar(n, f, &s))
            return false;
        list << s;
    } else if (n.IsSequence()) {
        for (size_t i = 0; i < n.size(); ++i) {
            QString s;
            if (!scalar(n[i], index(f, i), &s))
                return false;
            list << s;
        }
    } else {
        return fail(n, f, QStringLiteral("must be a list of values"));
    }
    *out = list;
    return true;
}

bool YamlReader::readSeconds(const YAML::Node &map, const char *key, const QString &field,
                             qint64 *out, qint64 min)
{
    const YAML::Node n = yamlChild(map, key);
    if (!n.IsDefined() || n.IsNull())
        return true;
    const QString f = join(field, key);
    QString text;
    if (!scalar(n, f, &text))
        return false;
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*(s|m|h|d)?\\s*$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return fail(n, f,
                    QStringLiteral("must be a duration in seconds (3600) or with a unit (90s, 15m, "
                                   "1h, 2d), found '%1'")
                        .arg(text));
    qint64 v = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    if (unit == QLatin1String("m"))
        v *= 60;
    else if (unit == QLatin1String("h"))
        v *= 3600;
    else if (unit == QLatin1String("d"))
        v *= 86400;
    if (v < min)
        return fail(n, f, QStringLiteral("must be at least %1 s, found '%2'").arg(min).arg(text));
    *out = v;
    return true;
}

YAML::Node yamlChild(const YAML::Node &node, const std::string &key)
{
    if (!node.IsDefined() || !node.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return it->second;
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node yamlChild(const YAML::Node &node, const char *key)
{
    return yamlChild(node, std::string(key));
}

QJsonValue yamlToJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return QJsonValue::Null;
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto &item : node)
            a.append(yamlToJson(item));
        return a;
    }
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (auto it = node.begin(); it != node.end(); ++it)
            o.insert(QString::fromStdString(it->first.Scalar()), yamlToJson(it->second));
        return o;
    }
    case YAML::NodeType::Scalar:
        break;
    }
    const QString s = QString::fromStdString(node.Scalar());
    if (node.Tag() == "!") // quoted: a string whatever it looks like
        return s;
    if (s == QLatin1String("true"))
        return true;
    if (s == QLatin1String("false"))
        return false;
    if (s == QLatin1String("null") || s == QLatin1String("~"))
        return QJsonValue::Null;
    static const QRegularExpression number(
        QStringLiteral("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"));
    if (number.match(s).hasMatch())
        return s.toDouble();
    return s;
}

} // namespace Rivulet::Gateway
