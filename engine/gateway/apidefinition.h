#pragma once

#include <QJsonObject>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace Rivulet::Gateway {

// A channel name with parameters, "loc-train-qnt-{trainId}": literal text and {name}s.
class TopicTemplate
{
public:
    bool parse(const QString &text, QString *error);
    const QString &text() const { return m_text; }
    const QStringList &parameters() const { return m_params; }
    // The parameter values when topic matches (percent-decoded text, no '/').
    bool match(const QString &topic, QStringList *values) const;
    // literal0 + values[0] + literal1 + ... (values in parameter order)
    QString render(const QStringList &values) const;
    const QStringList &literals() const { return m_literals; }

private:
    QString m_text;
    QStringList m_literals; // one more than parameters
    QStringList m_params;
    QRegularExpression m_re;
};

struct ScopeDefinition
{
    QString name;
    QStringList roles; // users holding one of these may get the scope; empty: every user
    QString description;
};

struct ChannelDefinition
{
    QString name; // as in the document, without a leading '/'
    TopicTemplate topic;
    QString description;
    QString stream;         // the app stream it serves (the API's unless overridden)
    QStringList attributes; // per topic parameter: the stream attribute bound to it
    QString messageName;
};

// An API as an AsyncAPI 2.x document describes it (YAML or JSON), with Rivulet's extensions:
//   x-rivulet-tenant    tenant domain (default: the super tenant, carbon.super)
//   x-rivulet-context   base path, e.g. /train/location
//   x-rivulet-app       the app holding the stream (optional when the stream name is unique)
//   x-rivulet-stream    the stream whose events the API serves (a channel may override it)
//   x-rivulet-policies  the subscription policies offered (default: every policy)
//   x-rivulet-scopes    scopes a token needs to connect: [{name, roles, description}]
// and per channel parameter, x-rivulet-attribute: the stream attribute bound to it (default:
// the parameter's name). docs/gateway.md describes the whole format.
struct ApiDefinition
{
    QString file;
    QString name; // info.title
    QString version;
    QString description;
    QString tenant;
    QString context; // "/train/location": leading '/', no trailing '/'
    QString app;
    QString stream;
    QStringList policies;
    QList<ScopeDefinition> scopes;
    QList<ChannelDefinition> channels;
    QJsonObject document; // the whole document as JSON (what GET .../asyncapi returns)

    // Stable across restarts: a UUID (v5) of tenant, name and version.
    QString id() const;
    // "TrainRealLocationAPI:1.0.0"
    QString handle() const { return name + u':' + version; }
    // The path prefix clients connect to: /t/quantis.com/train/location/1.0.0 (super tenant:
    // /train/location/1.0.0).
    QString basePath() const;
};

// Parses and checks an AsyncAPI document; on error "file:line: field: message".
bool parseAsyncApi(const QByteArray &text, const QString &fileName, ApiDefinition *api,
                   QString *error);
bool loadAsyncApi(const QString &path, ApiDefinition *api, QString *error);

} // namespace Rivulet::Gateway
