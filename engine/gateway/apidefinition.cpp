#include "apidefinition.h"

#include "deploymentconfig.h"
#include "yamlreader.h"

#include <QFile>
#include <QUuid>

namespace Rivulet::Gateway {

bool TopicTemplate::parse(const QString &text, QString *error)
{
    m_text = text;
    m_literals.clear();
    m_params.clear();
    QString pattern = QStringLiteral("^");
    QString literal;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == u'{') {
            const qsizetype close = text.indexOf(u'}', i);
            if (close < 0) {
                *error = QStringLiteral("'{' without '}' in channel '%1'").arg(text);
                return false;
            }
            const QString name = text.mid(i + 1, close - i - 1);
            static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.-]*$"));
            if (!nameRe.match(name).hasMatch()) {
                *error = QStringLiteral("'{%1}' in channel '%2' is not a parameter name")
                             .arg(name, text);
                return false;
            }
            if (m_params.contains(name)) {
                *error =
                    QStringLiteral("parameter {%1} appears twice in channel '%2'").arg(name, text);
                return false;
            }
            if (!m_params.isEmpty() && literal.isEmpty()) {
                *error = QStringLiteral("parameters {%1} and {%2} in channel '%3' need text "
                                        "between them")
                             .arg(m_params.last(), name, text);
                return false;
            }
            m_literals << literal;
            pattern += QRegularExpression::escape(literal) + QStringLiteral("([^/]+?)");
            literal.clear();
            m_params << name;
            i = close;
        } else if (c == u'}') {
            *error = QStringLiteral("'}' without '{' in channel '%1'").arg(text);
            return false;
        } else {
            literal += c;
        }
    }
    m_literals << literal;
    pattern += QRegularExpression::escape(literal) + QStringLiteral("$");
    m_re = QRegularExpression(pattern);
    return true;
}

bool TopicTemplate::match(const QString &topic, QStringList *values) const
{
    if (m_params.isEmpty()) {
        if (topic != m_text)
            return false;
        values->clear();
        return true;
    }
    const auto m = m_re.match(topic);
    if (!m.hasMatch())
        return false;
    values->clear();
    for (int i = 1; i <= m_params.size(); ++i)
        values->append(m.captured(i));
    return true;
}

QString TopicTemplate::render(const QStringList &values) const
{
    QString out = m_literals.value(0);
    for (int i = 0; i < m_params.size(); ++i)
        out += values.value(i) + m_literals.value(i + 1);
    return out;
}

QString ApiDefinition::id() const
{
    static const QUuid ns(QStringLiteral("6f1c2b7e-6a2d-4b8e-9a57-3c1d0e5f8a91"));
    return QUuid::createUuidV5(ns, tenant + u'/' + name + u'/' + version)
        .toString(QUuid::WithoutBraces);
}

QString ApiDefinition::basePath() const
{
    const QString tail = context + u'/' + version;
    if (tenant == QLatin1String(kSuperTenant))
        return tail;
    return QStringLiteral("/t/") + tenant + tail;
}

namespace {

bool parseDocument(YamlReader &r, ApiDefinition *api)
{
    const YAML::Node root = r.root();
    if (!root.IsMap())
        return r.fail(root, QString(), QStringLiteral("an AsyncAPI document is a mapping"));
    QString version;
    if (!r.readString(root, "asyncapi", QString(), &version))
        return false;
    if (version.isEmpty())
        return r.fail(root, QStringLiteral("asyncapi"),
                      QStringLiteral("missing: this is not an AsyncAPI document (asyncapi: "
                                     "'2.6.0')"));
    static const QRegularExpression v2(QStringLiteral("^2\\.[0-6]\\.[0-9]+$"));
    if (!v2.match(version).hasMatch())
        return r.fail(
            yamlChild(root, "asyncapi"), QStringLiteral("asyncapi"),
            QStringLiteral("version %1 is not supported (2.0.0 to 2.6.0 are)").arg(version));

    const YAML::Node info = yamlChild(root, "info");
    if (!info.IsMap())
        return r.fail(info.IsDefined() ? info : root, QStringLiteral("info"),
                      QStringLiteral("missing: info needs title and version"));
    if (!r.readString(info, "title", QStringLiteral("info"), &api->name)
        || !r.readString(info, "version", QStringLiteral("info"), &api->version)
        || !r.readString(info, "description", QStringLiteral("info"), &api->description))
        return false;
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9_.-]{1,100}$"));
    if (!nameRe.match(api->name).hasMatch())
        return r.fail(yamlChild(info, "title").IsDefined() ? yamlChild(info, "title") : info,
                      QStringLiteral("info.title"),
                      QStringLiteral("the API name needs letters, digits, '_', '.' or '-', found "
                                     "'%1'")
                          .arg(api->name));
    static const QRegularExpression versionRe(QStringLiteral("^[A-Za-z0-9_.-]{1,40}$"));
    if (!versionRe.match(api->version).hasMatch())
        return r.fail(yamlChild(info, "version").IsDefined() ? yamlChild(info, "version") : info,
                      QStringLiteral("info.version"),
                      QStringLiteral("the version needs letters, digits, '_', '.' or '-', found "
                                     "'%1'")
                          .arg(api->version));

    api->tenant = QString::fromLatin1(kSuperTenant);
    if (!r.readString(root, "x-rivulet-tenant", QString(), &api->tenant)
        || !r.readString(root, "x-rivulet-context", QString(), &api->context)
        || !r.readString(root, "x-rivulet-app", QString(), &api->app)
        || !r.readString(root, "x-rivulet-stream", QString(), &api->stream)
        || !r.readStringList(root, "x-rivulet-policies", QString(), &api->policies))
        return false;
    api->tenant = api->tenant.toLower();
    QString context = api->context.trimmed();
    if (context.isEmpty())
        context = u'/' + api->name.toLower();
    if (!context.startsWith(u'/'))
        context.prepend(u'/');
    while (context.endsWith(u'/'))
        context.chop(1);
    static const QRegularExpression contextRe(QStringLiteral("^(/[A-Za-z0-9_.~-]+)+$"));
    if (!contextRe.match(context).hasMatch() || context == QLatin1String("/t")
        || context.startsWith(QLatin1String("/t/")))
        return r.fail(yamlChild(root, "x-rivulet-context").IsDefined()
                          ? yamlChild(root, "x-rivulet-context")
                          : root,
                      QStringLiteral("x-rivulet-context"),
                      QStringLiteral("the context is a path like /train/location (not under /t/), "
                                     "found '%1'")
                          .arg(api->context));
    api->context = context;
    if (api->stream.isEmpty())
        return r.fail(root, QStringLiteral("x-rivulet-stream"),
                      QStringLiteral("missing: name the app stream this API serves"));

    const YAML::Node scopes = yamlChild(root, "x-rivulet-scopes");
    if (scopes.IsDefined() && !scopes.IsNull()) {
        if (!scopes.IsSequence())
            return r.fail(scopes, QStringLiteral("x-rivulet-scopes"),
                          QStringLiteral("must be a list of scopes"));
        for (size_t i = 0; i < scopes.size(); ++i) {
            const QString f = YamlReader::index(QStringLiteral("x-rivulet-scopes"), i);
            ScopeDefinition s;
            if (scopes[i].IsScalar()) {
                if (!r.scalar(scopes[i], f, &s.name))
                    return false;
            } else {
                if (!r.checkMap(scopes[i], f, {"name", "roles", "description"})
                    || !r.readString(scopes[i], "name", f, &s.name)
                    || !r.readStringList(scopes[i], "roles", f, &s.roles)
                    || !r.readString(scopes[i], "description", f, &s.description))
                    return false;
            }
            static const QRegularExpression scopeRe(
                QStringLiteral("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$"));
            if (!scopeRe.match(s.name).hasMatch())
                return r.fail(scopes[i], f,
                              QStringLiteral("a scope is a word without spaces or quotes"));
            api->scopes << s;
        }
    }

    const YAML::Node channels = yamlChild(root, "channels");
    if (!channels.IsMap() || channels.size() == 0)
        return r.fail(channels.IsDefined() ? channels : root, QStringLiteral("channels"),
                      QStringLiteral("missing: an API needs at least one channel"));
    for (auto it = channels.begin(); it != channels.end(); ++it) {
        ChannelDefinition ch;
        QString name = QString::fromStdString(it->first.Scalar());
        const QString f = QStringLiteral("channels.") + name;
        while (name.startsWith(u'/'))
            name.remove(0, 1);
        ch.name = name;
        QString error;
        if (name.isEmpty() || name.contains(u'/') || !ch.topic.parse(name, &error))
            return r.fail(it->first, f,
                          error.isEmpty() ? QStringLiteral("a channel is one path segment, like "
                                                           "loc-train-qnt-{trainId}")
                                          : error);
        const YAML::Node c = it->second;
        if (!c.IsMap())
            return r.fail(c.IsDefined() ? c : it->first, f,
                          QStringLiteral("a channel is a mapping (description, parameters, "
                                         "subscribe)"));
        ch.stream = api->stream;
        if (!r.readString(c, "description", f, &ch.description)
            || !r.readString(c, "x-rivulet-stream", f, &ch.stream))
            return false;
        if (yamlChild(c, "publish").IsDefined() && !yamlChild(c, "subscribe").IsDefined())
            return r.fail(yamlChild(c, "publish"), f + QStringLiteral(".publish"),
                          QStringLiteral("clients can only subscribe to a Rivulet API (events go "
                                         "from the app to them): use a subscribe operation"));
        if (!yamlChild(c, "subscribe").IsDefined())
            return r.fail(c, f + QStringLiteral(".subscribe"),
                          QStringLiteral("missing: the channel needs a subscribe operation"));
        const YAML::Node sub = yamlChild(c, "subscribe");
        if (sub.IsMap()) {
            const YAML::Node message = yamlChild(sub, "message");
            if (message.IsMap()) {
                if (yamlChild(message, "name").IsDefined() && yamlChild(message, "name").IsScalar())
                    ch.messageName = QString::fromStdString(yamlChild(message, "name").Scalar());
                else if (yamlChild(message, "$ref").IsDefined()
                         && yamlChild(message, "$ref").IsScalar())
                    ch.messageName = QString::fromStdString(yamlChild(message, "$ref").Scalar())
                                         .section(u'/', -1);
            }
        }
        const YAML::Node params = yamlChild(c, "parameters");
        const QString pf = f + QStringLiteral(".parameters");
        if (params.IsDefined() && !params.IsNull() && !params.IsMap())
            return r.fail(params, pf, QStringLiteral("must be a mapping of parameter names"));
        if (params.IsMap()) {
            for (auto p = params.begin(); p != params.end(); ++p) {
                const QString pname = QString::fromStdString(p->first.Scalar());
                if (!ch.topic.parameters().contains(pname))
                    return r.fail(p->first, pf + u'.' + pname,
                                  QStringLiteral("the channel name has no {%1}").arg(pname));
            }
        }
        for (const QString &pname : ch.topic.parameters()) {
            QString attribute = pname;
            const YAML::Node p =
                params.IsMap() ? yamlChild(params, pname.toStdString()) : YAML::Node();
            if (p.IsDefined() && p.IsMap()
                && !r.readString(p, "x-rivulet-attribute", pf + u'.' + pname, &attribute))
                return false;
            ch.attributes << attribute;
        }
        api->channels << ch;
    }
    api->document = yamlToJson(root).toObject();
    return true;
}

} // namespace

bool parseAsyncApi(const QByteArray &text, const QString &fileName, ApiDefinition *api,
                   QString *error)
{
    YamlReader r(fileName);
    api->file = fileName;
    if (!r.parse(text)) {
        *error = r.error();
        return false;
    }
    bool ok = false;
    try {
        ok = parseDocument(r, api);
    } catch (const YAML::Exception &e) {
        r.fail(r.root(), QString(), QString::fromStdString(e.msg));
    }
    if (!ok)
        *error = r.error();
    return ok;
}

bool loadAsyncApi(const QString &path, ApiDefinition *api, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    return parseAsyncApi(f.readAll(), path, api, error);
}

} // namespace Rivulet::Gateway
