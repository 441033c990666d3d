#pragma once

#include <QHash>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <functional>
#include <initializer_list>

namespace Rivulet::Gateway {

// Reads a YAML (or JSON: yaml-cpp reads both) document strictly, for the deployment config and
// AsyncAPI documents. The first problem is kept as "file:line: field: message", where field is
// the dotted path of the value ("listeners.ws.port", "tenants[0].users[1].roles").
// Internal to the gateway: yaml-cpp stays out of the gateway's public headers.
class YamlReader
{
public:
    explicit YamlReader(QString fileName);

    bool parse(const QByteArray &text);
    const YAML::Node &root() const { return m_root; }
    const QString &fileName() const { return m_fileName; }

    // ${VAR} in string values: looked up here (environment first, then `variables`).
    void setVariables(QHash<QString, QString> variables, bool useEnvironment = true);

    // Records the error (the first one wins) and returns false.
    bool fail(const YAML::Node &at, const QString &field, const QString &message);
    bool failed() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    int line(const YAML::Node &node) const; // 1-based; 0 when unknown

    // Checks that node is a map whose keys are all in `allowed`. A null node is an empty map.
    bool checkMap(const YAML::Node &node, const QString &field,
                  std::initializer_list<const char *> allowed);
    bool checkMap(const YAML::Node &node, const QString &field, const QStringList &allowed);
    // The value of node[key] when present. Absent or null keeps *out as it is (the default).
    bool readString(const YAML::Node &map, const char *key, const QString &field, QString *out);
    bool readInt(const YAML::Node &map, const char *key, const QString &field, qint64 *out,
                 qint64 min, qint64 max);
    bool readDouble(const YAML::Node &map, const char *key, const QString &field, double *out,
                    double min);
    bool readBool(const YAML::Node &map, const char *key, const QString &field, bool *out);
    // A list of strings, or one string.
    bool readStringList(const YAML::Node &map, const char *key, const QString &field,
                        QStringList *out);
    // Seconds: a number, or a string like "90s", "15m", "1h", "2d".
    bool readSeconds(const YAML::Node &map, const char *key, const QString &field, qint64 *out,
                     qint64 min);
    // The scalar as text, ${VAR}s resolved.
    bool scalar(const YAML::Node &node, const QString &field, QString *out);

    static QString join(const QString &field, const char *key);
    static QString index(const QString &field, size_t i);

private:
    QString m_fileName;
    YAML::Node m_root;
    QString m_error;
    QHash<QString, QString> m_variables;
    bool m_useEnvironment = true;
    bool m_resolve = false;
};

// node[key] without yaml-cpp's exceptions: an undefined node when node is not a map or has no
// such key (yaml-cpp's own operator[] returns a node that throws on use then).
YAML::Node yamlChild(const YAML::Node &node, const char *key);
YAML::Node yamlChild(const YAML::Node &node, const std::string &key);

// The document (or part of it) as JSON: plain scalars that read as numbers, booleans or null
// become those; quoted scalars stay strings.
QJsonValue yamlToJson(const YAML::Node &node);

} // namespace Rivulet::Gateway
