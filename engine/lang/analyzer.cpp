#include "analyzer.h"

#include "diagnostic.h"
#include "registry.h"

#include <QRegularExpression>

#include <climits>
#include <functional>

namespace Rivulet::Lang {

using namespace Ast;

namespace {

QString q(const QString &s)
{
    return u'\'' + s + u'\'';
}

bool containsTemplateVariable(const QString &value)
{
    return value.contains(QLatin1String("${"));
}

const Registry &registry()
{
    return Registry::builtins();
}

// "a stream", "an aggregation", "an inner stream"
QString aKind(SchemaKind kind)
{
    const QString name = schemaKindName(kind);
    const bool vowel = name.startsWith(u'a') || name.startsWith(u'i');
    return (vowel ? QStringLiteral("an ") : QStringLiteral("a ")) + name;
}

bool typeIn(AttrType t, TypeSet set)
{
    return t == AttrType::Unknown || (set & typeBit(t));
}

// Siddhi's equality rules: numbers with numbers, and otherwise the same type; object (and
// null) compare with anything.
bool comparableForEquality(AttrType a, AttrType b)
{
    if (a == AttrType::Unknown || b == AttrType::Unknown || a == AttrType::Object
        || b == AttrType::Object)
        return true;
    if (isNumeric(a) && isNumeric(b))
        return true;
    return a == b;
}

} // namespace

Analyzer::Analyzer(DiagnosticList *diagnostics)
    : m_diagnostics(diagnostics)
{}

QString Analyzer::suggestionFor(const QString &name, const QStringList &candidates) const
{
    const QString match = closestMatch(name, candidates);
    return match.isEmpty() ? QString() : QStringLiteral("did you mean %1?").arg(q(match));
}

QStringList Analyzer::streamNames() const
{
    QStringList names;
    for (const Schema *s : m_model.schemas())
        names << s->name;
    return names;
}

// ---------------------------------------------------------------------------------------------
// The app

SemanticModel Analyzer::analyze(App &app)
{
    m_model = SemanticModel();
    m_functions.clear();
    m_insertTargets.clear();
    m_pendingAggregations.clear();

    checkAppAnnotations(app);
    collectDefinitions(app);

    for (const ExecutionElement &e : app.executions) {
        if (e.query && e.query->output.kind == QueryOutput::Insert && !e.query->output.target.inner)
            m_insertTargets.insert(e.query->output.target.name);
        if (e.partition) {
            for (const auto &q : e.partition->queries) {
                if (q->output.kind == QueryOutput::Insert && !q->output.target.inner)
                    m_insertTargets.insert(q->output.target.name);
            }
        }
    }

    // Siddhi defines an output stream when the first query inserting into it is created. A
    // query that reads a stream only a later query defines is analysed once that one is, so
    // the order of queries in the file does not matter. Aggregations take part in the same
    // rounds: they may read inferred streams, and joins read their schemas.
    QList<Definition *> aggregations;
    for (auto &def : app.definitions) {
        if (def->kind == DefinitionKind::Aggregation) {
            if (Schema *s = m_model.findMutable(def->name); s && s->definition == def.get()) {
                aggregations << def.get();
                m_pendingAggregations.insert(def->name);
            }
        }
    }
    auto aggregationReady = [&](const Definition &def) {
        if (!def.aggregationInput)
            return true;
        const QString &in = def.aggregationInput->source.name;
        return m_model.find(in) || !m_insertTargets.contains(in);
    };
    QList<ExecutionElement *> pending;
    for (ExecutionElement &e : app.executions)
        pending << &e;
    bool force = false;
    for (;;) {
        int progress = 0;
        for (qsizetype i = 0; i < aggregations.size();) {
            if (force || aggregationReady(*aggregations[i])) {
                Definition *def = aggregations.takeAt(i);
                analyzeAggregation(*def, *m_model.findMutable(def->name));
                m_pendingAggregations.remove(def->name);
                ++progress;
            } else {
                ++i;
            }
        }
        QList<ExecutionElement *> deferred;
        for (ExecutionElement *e : std::as_const(pending)) {
            if (e->query) {
                if (force || queryIsReady(*e->query, nullptr)) {
                    analyzeQuery(*e->query, nullptr);
                    ++progress;
                } else {
                    deferred << e;
                }
            } else if (e->partition) {
                analyzePartition(*e->partition);
                ++progress;
            }
        }
        pending = deferred;
        if (pending.isEmpty() && aggregations.isEmpty())
            break;
        if (progress == 0)
            force = true; // no progress: analyse the rest and let them report what is missing
    }
    return std::move(m_model);
}

void Analyzer::checkAppAnnotations(const App &app)
{
    bool hasName = false;
    for (const Annotation &a : app.annotations) {
        const QString sub = a.name.section(u':', 1).toLower();
        if (sub == QLatin1String("name")) {
            if (hasName) {
                m_diagnostics->warning(
                    a.range,
                    QStringLiteral("@App:name is given twice: the app is named by the first"),
                    QStringLiteral("remove one of them"));
                continue;
            }
            hasName = true;
            if (a.value().trimmed().isEmpty())
                m_diagnostics->error(
                    a.range,
                    QStringLiteral("@App:name needs a name, as in @App:name('TrainLocation')"));
        } else if (sub == QLatin1String("description") || sub == QLatin1String("statistics")
                   || sub == QLatin1String("async") || sub == QLatin1String("enablestatistics")) {
            // known, nothing to check
        } else if (sub == QLatin1String("playback")) {
            for (const AnnotationElement &e : a.elements) {
                if (e.key.compare(QLatin1String("idle.time"), Qt::CaseInsensitive) != 0
                    && e.key.compare(QLatin1String("increment"), Qt::CaseInsensitive) != 0) {
                    m_diagnostics->error(
                        e.range, QStringLiteral("unknown option %1 of @App:playback").arg(q(e.key)),
                        QStringLiteral(
                            "@App:playback takes idle.time and increment, as in "
                            "@App:playback(idle.time='100 millisecond', increment='2 sec')"));
                }
            }
        } else {
            m_diagnostics->warning(
                a.nameRange, QStringLiteral("unknown app annotation @%1").arg(a.name),
                QStringLiteral("app annotations are @App:name, @App:description, "
                               "@App:statistics and @App:playback"));
        }
    }
    if (!hasName) {
        SourceRange start;
        start.end = 0;
        m_diagnostics->warning(
            start, QStringLiteral("the app has no @App:name"),
            QStringLiteral("add @App:name('MyApp') at the top so the app has a stable name"));
    }
}

void Analyzer::collectDefinitions(App &app)
{
    for (auto &def : app.definitions)
        addDefinition(*def);
}

void Analyzer::addDefinition(Definition &def)
{
    if (def.kind == DefinitionKind::Function) {
        if (m_functions.contains(def.name)) {
            m_diagnostics->error(def.nameRange,
                                 QStringLiteral("function %1 is defined twice").arg(q(def.name)));
        }
        m_functions.insert(def.name, &def);
        const QString lang = def.language.toLower();
        if (!def.incomplete && lang != QLatin1String("javascript") && lang != QLatin1String("js")
            && lang != QLatin1String("scala") && lang != QLatin1String("r"))
            m_diagnostics->warning(
                def.nameRange, QStringLiteral("unknown script language %1").arg(q(def.language)),
                QStringLiteral("Siddhi's script functions are written in javascript, scala or R"));
        return;
    }

    Schema schema;
    schema.name = def.name;
    schema.range = def.nameRange;
    schema.definition = &def;
    schema.incomplete = def.incomplete;
    switch (def.kind) {
    case DefinitionKind::Stream:
        schema.kind = SchemaKind::Stream;
        break;
    case DefinitionKind::Table:
        schema.kind = SchemaKind::Table;
        break;
    case DefinitionKind::Window:
        schema.kind = SchemaKind::Window;
        break;
    case DefinitionKind::Trigger:
        schema.kind = SchemaKind::Trigger;
        break;
    case DefinitionKind::Aggregation:
        schema.kind = SchemaKind::Aggregation;
        break;
    case DefinitionKind::Function:
        break;
    }
    QSet<QString> seen;
    for (const AttributeDef &a : def.attributes) {
        if (seen.contains(a.name)) {
            m_diagnostics->error(
                a.nameRange,
                QStringLiteral("attribute %1 is defined twice in %2").arg(q(a.name), q(def.name)));
            continue;
        }
        seen.insert(a.name);
        schema.attributes.append({a.name, a.type});
    }
    if (def.kind == DefinitionKind::Trigger)
        schema.attributes = {{QStringLiteral("triggered_time"), AttrType::Long}};

    if (Schema *existing = m_model.findMutable(def.name)) {
        bool same = existing->kind == schema.kind
                    && existing->attributes.size() == schema.attributes.size();
        for (int i = 0; same && i < schema.attributes.size(); ++i) {
            same = existing->attributes[i].name == schema.attributes[i].name
                   && existing->attributes[i].type == schema.attributes[i].type;
        }
        if (!same && !existing->incomplete && !schema.incomplete) {
            m_diagnostics->error(
                def.nameRange,
                QStringLiteral("%1 is already defined as %2 at line %3%4")
                    .arg(q(def.name), aKind(existing->kind))
                    .arg(existing->range.line)
                    .arg(existing->kind == schema.kind ? QStringLiteral(" with other attributes")
                                                       : QString()),
                existing->kind == schema.kind
                    ? QStringLiteral("it was (%1)").arg(existing->attributeText())
                    : QStringLiteral(
                        "streams, tables, windows, triggers and aggregations share one namespace"));
        }
        return;
    }
    Schema *added = m_model.add(std::move(schema));
    if (def.kind == DefinitionKind::Window)
        checkWindowDefinition(def, *added);
    if (def.kind == DefinitionKind::Trigger)
        checkTrigger(def);
    checkDefinitionAnnotations(def, *added);

    // @OnError(action='STREAM') makes the fault stream !S: S's attributes plus _error.
    if (def.kind == DefinitionKind::Stream) {
        if (const Annotation *onError = findAnnotation(def.annotations, "OnError")) {
            if (onError->value(QStringLiteral("action"))
                    .compare(QLatin1String("STREAM"), Qt::CaseInsensitive)
                == 0) {
                Schema fault;
                fault.name = u'!' + def.name;
                fault.kind = SchemaKind::FaultStream;
                fault.attributes = added->attributes;
                fault.attributes.append({QStringLiteral("_error"), AttrType::Object});
                fault.range = onError->range;
                fault.incomplete = def.incomplete;
                m_model.add(std::move(fault));
            }
        }
    }
}

void Analyzer::checkTrigger(const Definition &def)
{
    if (def.triggerEveryMs == 0)
        m_diagnostics->error(def.triggerRange,
                             QStringLiteral("a periodic trigger needs a period above zero"));
    if (def.triggerEveryMs >= 0 || def.incomplete)
        return;
    const QString at = def.triggerAt.trimmed();
    if (at.compare(QLatin1String("start"), Qt::CaseInsensitive) == 0)
        return;
    const QStringList fields = at.split(u' ', Qt::SkipEmptyParts);
    if (fields.size() < 6 || fields.size() > 7) {
        m_diagnostics->error(
            def.triggerRange,
            QStringLiteral("%1 is neither 'start' nor a cron expression").arg(q(def.triggerAt)),
            QStringLiteral("a cron expression has 6 or 7 fields: seconds minutes hours "
                           "day-of-month month day-of-week [year], as in '*/5 * * * * ?'"));
    }
}

void Analyzer::checkWindowDefinition(Definition &def, Schema &schema)
{
    if (!def.hasWindowCall)
        return;
    Scope scope;
    scope.inputs.append(ScopeInput{def.name, {}, &schema, true, false, true});
    scope.context = QStringLiteral("in the window definition");
    analyzeWindowCall(def.windowCall, scope, QStringLiteral("window %1").arg(q(def.name)));
}

void Analyzer::checkDefinitionAnnotations(const Definition &def, const Schema &schema)
{
    for (const Annotation &a : def.annotations) {
        if (a.is("source") || a.is("sink")) {
            if (def.kind != DefinitionKind::Stream) {
                m_diagnostics->error(a.nameRange,
                                     QStringLiteral("@%1 can only be put on a stream").arg(a.name));
                continue;
            }
            checkTransport(a, a.is("source"), schema);
        } else if (a.is("PrimaryKey") || a.is("Index")) {
            if (def.kind != DefinitionKind::Table) {
                m_diagnostics->error(a.nameRange,
                                     QStringLiteral("@%1 can only be put on a table").arg(a.name));
                continue;
            }
            if (a.elements.isEmpty())
                m_diagnostics->error(
                    a.range, QStringLiteral("@%1 needs at least one attribute name").arg(a.name));
            for (const AnnotationElement &e : a.elements) {
                if (schema.indexOf(e.value) < 0 && !schema.incomplete) {
                    m_diagnostics->error(
                        e.valueRange,
                        QStringLiteral("table %1 has no attribute %2").arg(q(def.name), q(e.value)),
                        suggestionFor(e.value, schema.attributeNames()).isEmpty()
                            ? QStringLiteral("attributes of %1: %2")
                                  .arg(def.name, schema.attributeNames().join(QStringLiteral(", ")))
                            : suggestionFor(e.value, schema.attributeNames()));
                }
            }
        } else if (a.is("store")) {
            const QString type = a.value(QStringLiteral("type"));
            if (type.compare(QLatin1String("inMemory"), Qt::CaseInsensitive) != 0)
                m_diagnostics->warning(
                    a.range,
                    QStringLiteral("store type %1 is not supported: table %2 is kept in memory")
                        .arg(q(type), q(def.name)));
        } else if (a.is("OnError")) {
            const AnnotationElement *action = a.element(QStringLiteral("action"));
            const QString value = action ? action->value : QString();
            if (value.compare(QLatin1String("LOG"), Qt::CaseInsensitive) != 0
                && value.compare(QLatin1String("STREAM"), Qt::CaseInsensitive) != 0) {
                m_diagnostics->error(
                    action ? action->valueRange : a.range,
                    action ? QStringLiteral("@OnError action must be 'LOG' or 'STREAM', found %1")
                                 .arg(q(value))
                           : QStringLiteral("@OnError needs an action: action='LOG' or "
                                            "action='STREAM'"));
            }
        } else if (a.is("Async")) {
            for (const AnnotationElement &e : a.elements) {
                if (containsTemplateVariable(e.value))
                    continue;
                bool ok = false;
                const int v = e.value.toInt(&ok);
                if (!ok || v <= 0)
                    m_diagnostics->error(
                        e.valueRange,
                        QStringLiteral("@Async %1 must be a positive number").arg(e.key));
            }
        } else if (a.is("purge")) {
            if (def.kind != DefinitionKind::Aggregation)
                m_diagnostics->error(
                    a.nameRange,
                    QStringLiteral("@purge can only be put on an aggregation or a partition"));
        }
    }
}

// An option matches a parameter by name (case-insensitive), or a "prefix.*" parameter by its
// prefix: the text mapper's regex.A, regex.B...
static bool optionMatches(const QString &param, const QString &key)
{
    if (param.endsWith(QLatin1String(".*")))
        return key.size() > param.size() - 1
               && key.startsWith(QStringView(param).chopped(1), Qt::CaseInsensitive);
    return param.compare(key, Qt::CaseInsensitive) == 0;
}

void Analyzer::checkTransport(const Annotation &a, bool isSource, const Schema &schema)
{
    const BuiltinKind kind = isSource ? BuiltinKind::Source : BuiltinKind::Sink;
    const QString what = isSource ? QStringLiteral("source") : QStringLiteral("sink");
    const AnnotationElement *typeElement = a.element(QStringLiteral("type"));
    if (!typeElement) {
        m_diagnostics->error(
            a.range, QStringLiteral("@%1 needs a type, such as type='%2'")
                         .arg(a.name, isSource ? QStringLiteral("http") : QStringLiteral("log")));
        return;
    }
    const BuiltinSpec *spec = registry().find(kind, QString(), typeElement->value);
    const Annotation *distribution = nullptr;
    for (const Annotation &nested : a.annotations) {
        if (nested.is("map")) {
            checkMapper(nested, isSource, schema);
        } else if (!isSource && nested.is("distribution")) {
            if (distribution) {
                m_diagnostics->error(nested.nameRange,
                                     QStringLiteral("a sink has at most one @distribution"));
                continue;
            }
            distribution = &nested;
        } else {
            m_diagnostics->error(
                nested.nameRange,
                QStringLiteral("unexpected @%1 inside @%2").arg(nested.name, a.name),
                isSource ? QStringLiteral("@%1 holds options and a @map(...)").arg(a.name)
                         : QStringLiteral("@%1 holds options, a @map(...) and a @distribution(...)")
                               .arg(a.name));
        }
    }
    if (!spec) {
        m_diagnostics->error(typeElement->valueRange,
                             QStringLiteral("unknown %1 type %2").arg(what, q(typeElement->value)),
                             [&] {
                                 const QStringList names = registry().names(kind);
                                 const QString s = suggestionFor(typeElement->value, names);
                                 return s.isEmpty()
                                            ? QStringLiteral("the %1 types are %2")
                                                  .arg(what, names.join(QStringLiteral(", ")))
                                            : s;
                             }());
        return;
    }

    QStringList known;
    for (const ParamSpec &p : spec->params)
        known << p.name;
    // The options of the transport, in @source/@sink itself or (for distributed sinks) in each
    // @destination.
    auto checkOptions = [&](const Annotation &holder) {
        for (const AnnotationElement &e : holder.elements) {
            if (e.key.isEmpty()) {
                m_diagnostics->error(
                    e.range,
                    QStringLiteral("options of @%1 are key='value' pairs").arg(holder.name));
                continue;
            }
            if (&holder == &a && e.key.compare(QLatin1String("type"), Qt::CaseInsensitive) == 0)
                continue;
            const ParamSpec *param = nullptr;
            for (const ParamSpec &p : spec->params) {
                if (optionMatches(p.name, e.key))
                    param = &p;
            }
            if (!param) {
                const QString s = suggestionFor(e.key, known);
                m_diagnostics->error(
                    e.keyRange,
                    QStringLiteral("unknown option %1 of %2 type %3")
                        .arg(q(e.key), what, q(spec->name)),
                    s.isEmpty()
                        ? QStringLiteral("its options are %1").arg(known.join(QStringLiteral(", ")))
                        : s);
                continue;
            }
            if (containsTemplateVariable(e.value))
                continue;
            if (param->name == QLatin1String("port")) {
                bool ok = false;
                const int port = e.value.toInt(&ok);
                if (!ok || port < 0 || port > 65535)
                    m_diagnostics->error(
                        e.valueRange,
                        QStringLiteral("port must be a number from 0 to 65535, found %1")
                            .arg(q(e.value)));
            } else if (param->name == QLatin1String("on.error")) {
                static const QStringList actions = {QStringLiteral("LOG"), QStringLiteral("WAIT"),
                                                    QStringLiteral("STREAM")};
                if (!actions.contains(e.value.toUpper()))
                    m_diagnostics->error(
                        e.valueRange,
                        QStringLiteral("on.error must be 'LOG', 'WAIT' or 'STREAM', found %1")
                            .arg(q(e.value)));
            }
            // {{attr}} templates name attributes of the stream.
            if (param->dynamic)
                checkTemplate(e, schema, QStringLiteral("option %1").arg(q(e.key)));
        }
    };
    checkOptions(a);

    QList<const Annotation *> destinations;
    if (distribution) {
        for (const Annotation &nested : distribution->annotations) {
            if (nested.is("destination")) {
                destinations << &nested;
                checkOptions(nested);
            } else {
                m_diagnostics->error(
                    nested.nameRange,
                    QStringLiteral("unexpected @%1 inside @distribution").arg(nested.name),
                    QStringLiteral("@distribution holds strategy, partitionKey and one "
                                   "@destination(...) per endpoint"));
            }
        }
        const QString strategy = distribution->value(QStringLiteral("strategy"));
        const AnnotationElement *key = distribution->element(QStringLiteral("partitionKey"));
        for (const AnnotationElement &e : distribution->elements) {
            if (e.key.compare(QLatin1String("strategy"), Qt::CaseInsensitive) != 0
                && e.key.compare(QLatin1String("partitionKey"), Qt::CaseInsensitive) != 0)
                m_diagnostics->error(
                    e.range.isValid() ? e.keyRange : distribution->range,
                    QStringLiteral("unknown option %1 of @distribution").arg(q(e.key)),
                    QStringLiteral("@distribution takes strategy and "
                                   "partitionKey"));
        }
        if (strategy.compare(QLatin1String("roundRobin"), Qt::CaseInsensitive) == 0) {
            // nothing more
        } else if (strategy.compare(QLatin1String("partitioned"), Qt::CaseInsensitive) == 0) {
            if (!key) {
                m_diagnostics->error(
                    distribution->range,
                    QStringLiteral("the 'partitioned' strategy needs a partitionKey"),
                    QStringLiteral("name the attribute that picks the destination, as in "
                                   "partitionKey='%1'")
                        .arg(schema.attributes.isEmpty() ? QStringLiteral("id")
                                                         : schema.attributes.constFirst().name));
            } else if (schema.indexOf(key->value) < 0 && !schema.incomplete) {
                const QString s = suggestionFor(key->value, schema.attributeNames());
                m_diagnostics->error(
                    key->valueRange,
                    QStringLiteral("partitionKey %1 is not an attribute of %2")
                        .arg(q(key->value), q(schema.name)),
                    s.isEmpty()
                        ? QStringLiteral("attributes of %1: %2")
                              .arg(schema.name, schema.attributeNames().join(QStringLiteral(", ")))
                        : s);
            }
        } else {
            m_diagnostics->error(
                distribution->range,
                strategy.isEmpty()
                    ? QStringLiteral("@distribution needs a strategy")
                    : QStringLiteral("unknown distribution strategy %1").arg(q(strategy)),
                QStringLiteral("the strategies are 'roundRobin' and 'partitioned'"));
        }
        if (destinations.isEmpty())
            m_diagnostics->error(distribution->range,
                                 QStringLiteral("@distribution needs at least one @destination"));
    }

    // Required options: in the transport itself, or else in every destination.
    for (const ParamSpec &p : spec->params) {
        if (p.optional || a.element(p.name))
            continue;
        if (destinations.isEmpty()) {
            m_diagnostics->error(a.range,
                                 QStringLiteral("%1 type %2 needs the option %3")
                                     .arg(what, q(spec->name), q(p.name)),
                                 QStringLiteral("%1: %2").arg(p.name, p.doc));
            continue;
        }
        for (const Annotation *d : std::as_const(destinations)) {
            if (!d->element(p.name))
                m_diagnostics->error(
                    d->range,
                    QStringLiteral("@destination needs the option %1 of sink type %2")
                        .arg(q(p.name), q(spec->name)),
                    QStringLiteral("give it in @sink for every destination, or in each "
                                   "@destination: %1: %2")
                        .arg(p.name, p.doc));
        }
    }
}

void Analyzer::checkTemplate(const AnnotationElement &e, const Schema &schema, const QString &where)
{
    static const QRegularExpression placeholder(
        QStringLiteral("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}"));
    auto it = placeholder.globalMatch(e.value);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString attr = m.captured(1);
        if (schema.indexOf(attr) < 0 && !schema.incomplete) {
            const QString s = suggestionFor(attr, schema.attributeNames());
            m_diagnostics->error(e.valueRange,
                                 QStringLiteral("%1 uses {{%2}}, but stream %3 has no attribute %4")
                                     .arg(where, attr, q(schema.name), q(attr)),
                                 s.isEmpty() ? QStringLiteral("attributes of %1: %2")
                                                   .arg(schema.name, schema.attributeNames().join(
                                                                         QStringLiteral(", ")))
                                             : s);
        }
    }
}

void Analyzer::checkMapper(const Annotation &map, bool isSource, const Schema &schema)
{
    const BuiltinKind kind = isSource ? BuiltinKind::SourceMapper : BuiltinKind::SinkMapper;
    const AnnotationElement *typeElement = map.element(QStringLiteral("type"));
    if (!typeElement) {
        m_diagnostics->error(map.range, QStringLiteral("@map needs a type, such as type='json'"));
        return;
    }
    const BuiltinSpec *spec = registry().find(kind, QString(), typeElement->value);
    if (!spec) {
        const QStringList names = registry().names(kind);
        const QString s = suggestionFor(typeElement->value, names);
        m_diagnostics->error(
            typeElement->valueRange,
            QStringLiteral("unknown map type %1").arg(q(typeElement->value)),
            s.isEmpty()
                ? QStringLiteral("the map types are %1").arg(names.join(QStringLiteral(", ")))
                : s);
        return;
    }
    QStringList known;
    for (const ParamSpec &p : spec->params)
        known << p.name;
    for (const AnnotationElement &e : map.elements) {
        if (e.key.isEmpty() || e.key.compare(QLatin1String("type"), Qt::CaseInsensitive) == 0)
            continue;
        bool found = false;
        for (const ParamSpec &p : spec->params)
            found = found || optionMatches(p.name, e.key);
        if (!found) {
            const QString s = suggestionFor(e.key, known);
            m_diagnostics->error(
                e.keyRange,
                QStringLiteral("unknown option %1 of map type %2").arg(q(e.key), q(spec->name)),
                s.isEmpty() ? (known.isEmpty() ? QStringLiteral("it has no options")
                                               : QStringLiteral("its options are %1")
                                                     .arg(known.join(QStringLiteral(", "))))
                            : s);
        }
    }
    for (const Annotation &nested : map.annotations) {
        if (nested.is("attributes")) {
            if (!isSource) {
                m_diagnostics->error(
                    nested.nameRange, QStringLiteral("@attributes belongs in a source's @map"),
                    QStringLiteral("a sink's @map shapes its output with @payload"));
                continue;
            }
            const QStringList positional = nested.positionalValues();
            if (!positional.isEmpty() && positional.size() != nested.elements.size()) {
                m_diagnostics->error(
                    nested.range,
                    QStringLiteral("@attributes is either all by position or all by name"));
                continue;
            }
            if (!positional.isEmpty()) {
                if (positional.size() != schema.attributes.size() && !schema.incomplete)
                    m_diagnostics->error(
                        nested.range,
                        QStringLiteral("@attributes lists %1 paths but stream %2 has %3 attributes")
                            .arg(positional.size())
                            .arg(q(schema.name))
                            .arg(schema.attributes.size()));
            } else {
                for (const AnnotationElement &e : nested.elements) {
                    if (schema.indexOf(e.key) < 0 && !schema.incomplete) {
                        const QString s = suggestionFor(e.key, schema.attributeNames());
                        m_diagnostics->error(
                            e.keyRange,
                            QStringLiteral("stream %1 has no attribute %2")
                                .arg(q(schema.name), q(e.key)),
                            s.isEmpty() ? QStringLiteral("attributes of %1: %2")
                                              .arg(schema.name, schema.attributeNames().join(
                                                                    QStringLiteral(", ")))
                                        : s);
                    }
                }
            }
        } else if (nested.is("payload")) {
            if (isSource) {
                m_diagnostics->error(nested.nameRange,
                                     QStringLiteral("@payload belongs in a sink's @map"));
                continue;
            }
            for (const AnnotationElement &e : nested.elements)
                checkTemplate(e, schema, QStringLiteral("@payload"));
        } else {
            m_diagnostics->error(
                nested.nameRange, QStringLiteral("unexpected @%1 inside @map").arg(nested.name),
                isSource ? QStringLiteral("a source's @map may hold @attributes(...)")
                         : QStringLiteral("a sink's @map may hold @payload(...)"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sources of queries

const Schema *Analyzer::resolveSource(const SourceRef &ref, const Partition *partition, bool report)
{
    if (ref.inner) {
        if (!partition) {
            if (report)
                m_diagnostics->error(
                    ref.range, QStringLiteral("inner stream %1 can only be used inside a partition")
                                   .arg(q(ref.displayName())));
            return nullptr;
        }
        const Schema *s = m_model.findInner(partition, ref.name);
        if (!s && report) {
            QStringList names;
            for (const Schema *inner : m_model.innerSchemas(partition))
                names << inner->name;
            m_diagnostics->error(
                ref.range, QStringLiteral("undefined inner stream %1").arg(q(ref.displayName())),
                names.isEmpty()
                    ? QStringLiteral("inner streams are defined by a query of the "
                                     "partition that inserts into #%1")
                          .arg(ref.name)
                    : [&] {
                          const QString match = closestMatch(ref.name, names);
                          return match.isEmpty()
                                     ? QString()
                                     : QStringLiteral("did you mean %1?").arg(q(u'#' + match));
                      }());
        }
        return s;
    }
    const QString name = ref.fault ? u'!' + ref.name : ref.name;
    const Schema *s = m_model.find(name);
    if (!s && report) {
        if (ref.fault) {
            const Schema *base = m_model.find(ref.name);
            m_diagnostics->error(
                ref.range, QStringLiteral("undefined fault stream %1").arg(q(name)),
                base ? QStringLiteral("add @OnError(action='STREAM') to the definition of %1")
                           .arg(ref.name)
                     : QString());
        } else {
            QString hint = suggestionFor(ref.name, streamNames());
            if (hint.isEmpty())
                hint = QStringLiteral("define it first: define stream %1 (...);").arg(ref.name);
            m_diagnostics->error(ref.range, QStringLiteral("undefined stream %1").arg(q(ref.name)),
                                 hint);
        }
    }
    return s;
}

bool Analyzer::queryIsReady(const Query &query, const Partition *partition) const
{
    auto ready = [&](const SourceRef &ref) {
        if (ref.inner) {
            return partition == nullptr || m_model.findInner(partition, ref.name) != nullptr ||
                   [&] {
                       for (const auto &q : partition->queries) {
                           if (q->output.target.inner && q->output.target.name == ref.name)
                               return false;
                       }
                       return true;
                   }();
        }
        if (ref.fault)
            return true;
        if (m_pendingAggregations.contains(ref.name))
            return false;
        return m_model.find(ref.name) || !m_insertTargets.contains(ref.name);
    };
    std::function<bool(const StateElement &)> stateReady = [&](const StateElement &e) {
        switch (e.kind) {
        case StateElement::Stream:
        case StateElement::Absent:
            return ready(e.stream.source);
        default:
            break;
        }
        return (!e.first || stateReady(*e.first)) && (!e.second || stateReady(*e.second));
    };
    const InputStream &in = query.input;
    switch (in.kind) {
    case InputStream::Single:
        return ready(in.single.source);
    case InputStream::Join:
        return in.join && ready(in.join->left.source) && ready(in.join->right.source);
    case InputStream::State:
        return in.state && in.state->root && stateReady(*in.state->root);
    case InputStream::Anonymous:
        return in.anonymous && queryIsReady(*in.anonymous, partition);
    }
    return true;
}

void Analyzer::analyzeSingleInput(SingleInput &input, Scope &scope, bool allowWindow,
                                  QList<AttributeInfo> *extraAttributes, bool *isTableOrAggregation)
{
    const Schema *schema = resolveSource(input.source, scope.partition, true);
    if (isTableOrAggregation)
        *isTableOrAggregation =
            schema
            && (schema->kind == SchemaKind::Table || schema->kind == SchemaKind::Aggregation);
    ScopeInput si;
    si.streamName = input.source.name;
    si.reference = !input.eventRef.isEmpty() ? input.eventRef : input.alias;
    si.schema = schema;
    si.primary = true;
    scope.inputs.append(si);
    Q_UNUSED(allowWindow);
    analyzeHandlers(input, scope, extraAttributes);
}

void Analyzer::analyzeHandlers(SingleInput &input, Scope &scope, QList<AttributeInfo> *extra)
{
    const Schema *schema = scope.inputs.isEmpty() ? nullptr : scope.inputs.constLast().schema;
    for (StreamHandler &h : input.handlers) {
        switch (h.kind) {
        case StreamHandler::Filter: {
            Scope filterScope = scope;
            filterScope.context = QStringLiteral("in the filter");
            filterScope.allowAggregates = false;
            expectBool(*h.filter, filterScope, QStringLiteral("the filter condition"));
            break;
        }
        case StreamHandler::Window: {
            if (schema
                && (schema->kind == SchemaKind::Table || schema->kind == SchemaKind::Aggregation)) {
                m_diagnostics->error(
                    h.range, QStringLiteral("%1 cannot have a window").arg(aKind(schema->kind)));
                break;
            }
            if (schema && schema->kind == SchemaKind::Window) {
                m_diagnostics->error(
                    h.range, QStringLiteral("%1 is already a window; it cannot have another")
                                 .arg(q(schema->name)));
                break;
            }
            analyzeWindowCall(h.call, scope, QStringLiteral("the window"));
            break;
        }
        case StreamHandler::Function: {
            Call &call = h.call;
            const BuiltinSpec *spec =
                registry().find(BuiltinKind::StreamProcessor, call.ns, call.name);
            if (!spec) {
                if (!call.ns.isEmpty() && !registry().isKnownNamespace(call.ns)) {
                    warnUnknownNamespace(call, QString());
                    Scope argScope = scope;
                    for (auto &arg : call.args)
                        analyzeExpr(*arg, argScope);
                    break;
                }
                if (call.ns.isEmpty()
                    && registry().find(BuiltinKind::Window, QString(), call.name)) {
                    m_diagnostics->error(
                        call.nameRange,
                        QStringLiteral("%1 is a window: write #window.%1(...)").arg(call.name));
                    break;
                }
                QStringList names = registry().names(BuiltinKind::StreamProcessor, call.ns);
                const QString s = suggestionFor(call.name, names);
                m_diagnostics->error(
                    call.nameRange,
                    QStringLiteral("unknown stream function %1").arg(q(call.qualifiedName())),
                    s.isEmpty() ? QStringLiteral("the stream functions are %1")
                                      .arg(names.join(QStringLiteral(", ")))
                                : s);
                break;
            }
            call.builtin = spec;
            Scope argScope = scope;
            argScope.allowAggregates = false;
            QList<AttrType> argTypes;
            checkArguments(*spec, call, argScope, &argTypes);
            // Stream functions that add attributes.
            if (extra) {
                if (spec->name == QLatin1String("tokenize"))
                    extra->append({QStringLiteral("token"), AttrType::String});
                else if (spec->name == QLatin1String("pol2Cart")) {
                    extra->append({QStringLiteral("x"), AttrType::Double});
                    extra->append({QStringLiteral("y"), AttrType::Double});
                    if (call.args.size() > 2)
                        extra->append({QStringLiteral("z"), AttrType::Double});
                }
            }
            break;
        }
        }
    }
}

// Extensions of namespaces Rivulet does not know cannot be checked (or run): a warning, as the
// app may still be meant for a Siddhi with that extension installed.
void Analyzer::warnUnknownNamespace(const Call &call, const QString &what)
{
    const QStringList known = registry().namespaces();
    QString hint;
    for (const QString &ns : known) {
        if (ns.compare(call.ns, Qt::CaseInsensitive) == 0)
            hint = QStringLiteral("did you mean %1? Namespaces and names are case-sensitive")
                       .arg(q(ns + u':' + call.name));
    }
    if (hint.isEmpty())
        hint =
            QStringLiteral("Rivulet knows the namespaces %1").arg(known.join(QStringLiteral(", ")));
    m_diagnostics->warning(call.nameRange,
                           QStringLiteral("unknown extension namespace %1: %2%3 cannot be checked")
                               .arg(q(call.ns), what, q(call.qualifiedName())),
                           hint);
}

void Analyzer::analyzeWindowCall(Call &call, Scope &scope, const QString &where)
{
    const BuiltinSpec *spec = registry().find(BuiltinKind::Window, call.ns, call.name);
    if (!spec) {
        if (!call.ns.isEmpty() && !registry().isKnownNamespace(call.ns)) {
            warnUnknownNamespace(call, QStringLiteral("window "));
            Scope argScope = scope;
            argScope.allowAggregates = false;
            for (auto &arg : call.args)
                analyzeExpr(*arg, argScope);
            return;
        }
        const QStringList names = registry().names(BuiltinKind::Window);
        const QString s = suggestionFor(call.name, names);
        m_diagnostics->error(
            call.nameRange, QStringLiteral("unknown window %1").arg(q(call.qualifiedName())),
            s.isEmpty() ? QStringLiteral("the windows are %1").arg(names.join(QStringLiteral(", ")))
                        : s);
        return;
    }
    call.builtin = spec;
    Scope argScope = scope;
    argScope.allowAggregates = false;
    argScope.context = QStringLiteral("in %1").arg(where);
    QList<AttrType> types;
    checkArguments(*spec, call, argScope, &types);
    // Window-specific rules.
    const QString name = spec->name;
    auto positiveConstant = [&](int index, const char *what) {
        if (index >= int(call.args.size()))
            return;
        Expr &arg = *call.args[index];
        if (arg.isConstant() && !arg.constant.isNull
            && (arg.constant.type == AttrType::Int || arg.constant.type == AttrType::Long)
            && arg.constant.intValue <= 0) {
            m_diagnostics->error(arg.range, QStringLiteral("the %1 of window %2 must be above zero")
                                                .arg(QLatin1String(what), q(name)));
        }
    };
    if (name == QLatin1String("length") || name == QLatin1String("lengthBatch")
        || name == QLatin1String("sort") || name == QLatin1String("batch")
        || name == QLatin1String("frequent")) {
        positiveConstant(0, "length");
    } else if (name == QLatin1String("time") || name == QLatin1String("timeBatch")
               || name == QLatin1String("session") || name == QLatin1String("delay")) {
        positiveConstant(0, "time");
    } else if (name == QLatin1String("timeLength")) {
        positiveConstant(0, "time");
        positiveConstant(1, "length");
    } else if (name == QLatin1String("externalTime")
               || name == QLatin1String("externalTimeBatch")) {
        if (!call.args.empty() && call.args[0]->kind != ExprKind::Variable)
            m_diagnostics->error(
                call.args[0]->range,
                QStringLiteral(
                    "the first argument of window %1 must be an attribute holding the event time")
                    .arg(q(name)));
        positiveConstant(1, "time");
    } else if (name == QLatin1String("sort")) {
        // handled above
    }
    if (name == QLatin1String("sort")) {
        for (size_t i = 1; i < call.args.size(); ++i) {
            Expr &arg = *call.args[i];
            if (arg.isConstant() && arg.constant.type == AttrType::String) {
                const QString order = arg.constant.stringValue.toLower();
                if (order != QLatin1String("asc") && order != QLatin1String("desc"))
                    m_diagnostics->error(
                        arg.range, QStringLiteral("sort order must be 'asc' or 'desc', found %1")
                                       .arg(q(arg.constant.stringValue)));
            } else if (arg.kind != ExprKind::Variable) {
                m_diagnostics->error(arg.range,
                                     QStringLiteral("window 'sort' takes attributes, each "
                                                    "optionally followed by 'asc' or 'desc'"));
            }
        }
    }
    if (name == QLatin1String("cron") && !call.args.empty() && call.args[0]->isConstant()) {
        const QStringList fields =
            call.args[0]->constant.stringValue.split(u' ', Qt::SkipEmptyParts);
        if (fields.size() < 6 || fields.size() > 7)
            m_diagnostics->error(
                call.args[0]->range,
                QStringLiteral("%1 is not a cron expression")
                    .arg(q(call.args[0]->constant.stringValue)),
                QStringLiteral("a cron expression has 6 or 7 fields, as in '*/5 * * * * ?'"));
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

void Analyzer::analyzePartition(Partition &partition)
{
    QSet<QString> seen;
    for (PartitionWith &with : partition.withs) {
        const Schema *schema = resolveSource(with.stream, nullptr, true);
        if (schema
            && !(schema->kind == SchemaKind::Stream || schema->kind == SchemaKind::FaultStream)) {
            m_diagnostics->error(with.stream.range,
                                 QStringLiteral("only streams can be partitioned, and %1 is %2")
                                     .arg(q(with.stream.name), aKind(schema->kind)));
            schema = nullptr;
        }
        if (seen.contains(with.stream.name))
            m_diagnostics->error(
                with.stream.range,
                QStringLiteral("stream %1 is partitioned twice").arg(q(with.stream.name)));
        seen.insert(with.stream.name);
        Scope scope;
        scope.inputs.append(ScopeInput{with.stream.name, {}, schema, true, false, true});
        scope.context = QStringLiteral("in the partition key");
        if (with.value) {
            const AttrType t = analyzeExpr(*with.value, scope);
            if (t == AttrType::Object)
                m_diagnostics->error(with.value->range,
                                     QStringLiteral("a partition key cannot be an object"));
        }
        QSet<QString> labels;
        for (RangeCondition &rc : with.ranges) {
            expectBool(*rc.condition, scope, QStringLiteral("the range condition"));
            if (labels.contains(rc.label))
                m_diagnostics->warning(
                    rc.labelRange, QStringLiteral("range label %1 is used twice").arg(q(rc.label)));
            labels.insert(rc.label);
        }
    }
    QList<Query *> pending;
    for (auto &q : partition.queries)
        pending << q.get();
    while (!pending.isEmpty()) {
        QList<Query *> deferred;
        for (Query *q : std::as_const(pending)) {
            if (queryIsReady(*q, &partition))
                analyzeQuery(*q, &partition);
            else
                deferred << q;
        }
        if (deferred.size() == pending.size()) {
            for (Query *q : std::as_const(deferred))
                analyzeQuery(*q, &partition);
            break;
        }
        pending = deferred;
    }
}

void Analyzer::analyzeQuery(Query &query, const Partition *partition,
                            QList<AttributeInfo> *outputForAnonymous)
{
    Scope scope;
    scope.partition = partition;
    QList<AttributeInfo> star;
    bool hasWindow = false;
    InputStream &in = query.input;
    switch (in.kind) {
    case InputStream::Single: {
        QList<AttributeInfo> extra;
        bool tableOrAggregation = false;
        analyzeSingleInput(in.single, scope, true, &extra, &tableOrAggregation);
        const Schema *schema = scope.inputs.constFirst().schema;
        if (tableOrAggregation) {
            m_diagnostics->error(
                in.single.source.range,
                QStringLiteral("%1 is %2: a query can only read it in a join or an on-demand query")
                    .arg(q(in.single.source.name), aKind(schema->kind)),
                QStringLiteral("join it with a stream: from S join %1 on ...")
                    .arg(in.single.source.name));
        }
        if (schema) {
            star = schema->attributes;
            if (!extra.isEmpty()) {
                // Stream functions add attributes: expose them through a widened schema.
                Schema widened = *schema;
                widened.attributes += extra;
                widened.name = schema->name;
                Schema *w = m_model.adopt(widened);
                scope.inputs[0].schema = w;
                star = w->attributes;
            }
        }
        hasWindow = in.single.window() != nullptr || (schema && schema->kind == SchemaKind::Window);
        break;
    }
    case InputStream::Join: {
        if (!in.join)
            return;
        analyzeJoin(*in.join, scope);
        for (const ScopeInput &si : std::as_const(scope.inputs)) {
            if (si.schema)
                star += si.schema->attributes;
        }
        hasWindow = true;
        break;
    }
    case InputStream::State: {
        if (!in.state)
            return;
        analyzeState(*in.state, scope);
        for (const ScopeInput &si : std::as_const(scope.inputs)) {
            if (si.schema)
                star += si.schema->attributes;
        }
        break;
    }
    case InputStream::Anonymous: {
        if (!in.anonymous)
            return;
        QList<AttributeInfo> innerOutput;
        analyzeQuery(*in.anonymous, partition, &innerOutput);
        Schema anon;
        anon.name = QStringLiteral("(inner query)");
        anon.kind = SchemaKind::Stream;
        anon.attributes = innerOutput;
        anon.inferred = true;
        Schema *s = m_model.adopt(anon);
        scope.inputs.append(ScopeInput{s->name, {}, s, true, false, true});
        QList<AttributeInfo> extra;
        analyzeHandlers(in.single, scope, &extra);
        star = innerOutput + extra;
        hasWindow = in.single.window() != nullptr;
        break;
    }
    }

    // Duplicate names among the attributes of select * (joins of streams with common names).
    QList<AttributeInfo> output = analyzeSelector(query.selector, scope, star, false);
    if (query.rate.kind != OutputRate::None && query.rate.value <= 0
        && query.rate.kind != OutputRate::Events)
        m_diagnostics->error(query.rate.range,
                             QStringLiteral("the output rate must be above zero"));
    // Siddhi's Query.updateOutputEventType: a snapshot query inserts all events unless told
    // otherwise, and can insert nothing else.
    if (query.rate.kind == OutputRate::Snapshot) {
        if (!query.output.eventTypeGiven)
            query.output.eventType = OutputEventType::All;
        else if (query.output.eventType != OutputEventType::All)
            m_diagnostics->error(query.output.range,
                                 QStringLiteral("a query with output snapshot can only insert all "
                                                "events"));
    }
    m_model.setQueryOutput(&query, output);
    if (outputForAnonymous) {
        *outputForAnonymous = output;
        return;
    }
    Q_UNUSED(hasWindow);
    analyzeOutput(query.output, output, partition);
}

void Analyzer::analyzeJoin(JoinInput &join, Scope &scope)
{
    bool leftStatic = false;
    bool rightStatic = false;
    analyzeSingleInput(join.left, scope, true, nullptr, &leftStatic);
    scope.inputs.last().primary = false;
    analyzeSingleInput(join.right, scope, true, nullptr, &rightStatic);
    scope.inputs.last().primary = false;
    const Schema *l = scope.inputs[0].schema;
    const Schema *r = scope.inputs[1].schema;
    if (l && r && leftStatic && rightStatic) {
        m_diagnostics->error(
            join.joinRange,
            l->kind == r->kind
                ? QStringLiteral("a join needs at least one stream or window: %1 and %2 are both "
                                 "%3s")
                      .arg(q(l->name), q(r->name), schemaKindName(l->kind))
                : QStringLiteral("a join needs at least one stream or window: %1 is %2 and %3 is "
                                 "%4")
                      .arg(q(l->name), aKind(l->kind), q(r->name), aKind(r->kind)),
            QStringLiteral("only streams and windows receive the events that trigger a join"));
    }
    if (join.trigger == JoinInput::LeftOnly && leftStatic)
        m_diagnostics->error(
            join.joinRange,
            QStringLiteral(
                "a table or aggregation cannot be unidirectional: only streams trigger a join"));
    if (join.trigger == JoinInput::RightOnly && rightStatic)
        m_diagnostics->error(
            join.joinRange,
            QStringLiteral(
                "a table or aggregation cannot be unidirectional: only streams trigger a join"));
    if (l && r && scope.inputs[0].reference.isEmpty() && scope.inputs[1].reference.isEmpty()
        && l->name == r->name)
        m_diagnostics->error(
            join.right.source.range, QStringLiteral("a self-join needs names for both sides"),
            QStringLiteral("write: from %1#window.length(10) as a join %1#window.length(10) as b")
                .arg(l->name));
    const bool hasAggregation =
        (l && l->kind == SchemaKind::Aggregation) || (r && r->kind == SchemaKind::Aggregation);
    if (hasAggregation && !join.per)
        m_diagnostics->error(
            join.joinRange, QStringLiteral("a join with an aggregation needs 'within ... per ...'"),
            QStringLiteral("for example: within '2024-01-01 00:00:00 +00:00', '2025-01-01 00:00:00 "
                           "+00:00' per 'days'"));
    if (!hasAggregation && join.per && l && r)
        m_diagnostics->error(
            join.per->range,
            QStringLiteral("'within ... per ...' applies only to joins with an aggregation"));
    if (join.on) {
        Scope on = scope;
        on.context = QStringLiteral("in the join condition");
        expectBool(*join.on, on, QStringLiteral("the join condition"));
    }
    Scope timeScope = scope;
    if (join.withinStart)
        checkWithin(*join.withinStart, timeScope);
    if (join.withinEnd)
        checkWithin(*join.withinEnd, timeScope);
    if (join.per)
        checkPer(*join.per, timeScope);
}

// within <start> [, <end>]: epoch milliseconds, or dates as strings ('2024-01-01 00:00:00',
// '2024-**-** **:**:**').
void Analyzer::checkWithin(Expr &bound, Scope &scope)
{
    const AttrType t = analyzeExpr(bound, scope);
    if (t != AttrType::String && t != AttrType::Long && t != AttrType::Int
        && t != AttrType::Unknown)
        m_diagnostics->error(bound.range,
                             QStringLiteral("'within' takes epoch milliseconds (long) or a date "
                                            "string, found %1")
                                 .arg(typeName(t)),
                             QStringLiteral("for example: within '2024-01-01 00:00:00', "
                                            "'2024-02-01 00:00:00' or within 1704067200000L, "
                                            "1706745600000L"));
}

// per <granularity>: a string naming one of Siddhi's granularities, or an attribute holding one.
void Analyzer::checkPer(Expr &per, Scope &scope)
{
    const AttrType t = analyzeExpr(per, scope);
    if (t != AttrType::String && t != AttrType::Unknown)
        m_diagnostics->error(
            per.range,
            QStringLiteral("'per' takes a granularity such as 'days', found %1").arg(typeName(t)));
    if (per.isConstant() && per.constant.type == AttrType::String) {
        static const QStringList units = {
            QStringLiteral("seconds"), QStringLiteral("minutes"), QStringLiteral("hours"),
            QStringLiteral("days"),    QStringLiteral("months"),  QStringLiteral("years"),
            QStringLiteral("sec"),     QStringLiteral("min"),     QStringLiteral("hour"),
            QStringLiteral("day"),     QStringLiteral("month"),   QStringLiteral("year"),
            QStringLiteral("second"),  QStringLiteral("minute")};
        if (!units.contains(per.constant.stringValue.toLower()))
            m_diagnostics->error(
                per.range,
                QStringLiteral("unknown granularity %1").arg(q(per.constant.stringValue)),
                QStringLiteral("use seconds, minutes, hours, days, months or years"));
    }
}

void Analyzer::collectStateInputs(StateElement &element, Scope &scope, bool inCount)
{
    switch (element.kind) {
    case StateElement::Stream: {
        const Schema *schema = resolveSource(element.stream.source, scope.partition, true);
        if (schema
            && (schema->kind == SchemaKind::Table || schema->kind == SchemaKind::Aggregation))
            m_diagnostics->error(element.stream.source.range,
                                 QStringLiteral("a pattern reads streams, and %1 is %2")
                                     .arg(q(schema->name), aKind(schema->kind)));
        ScopeInput si;
        si.streamName = element.stream.source.name;
        si.reference = element.stream.eventRef;
        si.schema = schema;
        si.collection = inCount;
        for (const ScopeInput &other : std::as_const(scope.inputs)) {
            if (!si.reference.isEmpty() && other.reference == si.reference)
                m_diagnostics->error(
                    element.stream.eventRefRange,
                    QStringLiteral("event name %1 is used twice").arg(q(si.reference)));
        }
        scope.inputs.append(si);
        break;
    }
    case StateElement::Absent: {
        resolveSource(element.stream.source, scope.partition, true);
        if (element.waitingMs == 0)
            m_diagnostics->error(element.forRange,
                                 QStringLiteral("the waiting time must be above zero"));
        break;
    }
    case StateElement::Count:
        if (element.first)
            collectStateInputs(*element.first, scope, true);
        break;
    default:
        if (element.first)
            collectStateInputs(*element.first, scope, inCount);
        if (element.second)
            collectStateInputs(*element.second, scope, inCount);
        break;
    }
}

void Analyzer::analyzeStateFilters(StateElement &element, Scope &scope, int *index)
{
    switch (element.kind) {
    case StateElement::Stream: {
        // Inside e2's filter, e2's own attributes come first and later events are not yet known.
        Scope local = scope;
        for (int i = 0; i < local.inputs.size(); ++i) {
            local.inputs[i].primary = (i == *index);
            local.inputs[i].visible = i <= *index;
        }
        ++*index;
        const Schema *schema = local.inputs[*index - 1].schema;
        Q_UNUSED(schema);
        Scope handlerScope = local;
        handlerScope.inputs = local.inputs.mid(0, *index);
        // analyzeHandlers resolves against the last input as the stream's own schema.
        QList<AttributeInfo> extra;
        for (StreamHandler &h : element.stream.handlers) {
            if (h.kind == StreamHandler::Filter) {
                Scope f = local;
                f.context = QStringLiteral("in the filter");
                expectBool(*h.filter, f, QStringLiteral("the filter condition"));
            } else if (h.kind == StreamHandler::Function) {
                SingleInput single;
                single.handlers.push_back(std::move(h));
                analyzeHandlers(single, handlerScope, &extra);
                h = std::move(single.handlers.front());
            }
        }
        break;
    }
    case StateElement::Absent: {
        Scope local;
        local.partition = scope.partition;
        const Schema *schema = resolveSource(element.stream.source, scope.partition, false);
        local.inputs = scope.inputs;
        for (ScopeInput &si : local.inputs) {
            si.primary = false;
            si.visible = true;
        }
        local.inputs.append(ScopeInput{element.stream.source.name, {}, schema, true, false, true});
        for (StreamHandler &h : element.stream.handlers) {
            if (h.kind == StreamHandler::Filter) {
                local.context = QStringLiteral("in the filter");
                expectBool(*h.filter, local, QStringLiteral("the filter condition"));
            }
        }
        break;
    }
    default:
        if (element.first)
            analyzeStateFilters(*element.first, scope, index);
        if (element.second)
            analyzeStateFilters(*element.second, scope, index);
        break;
    }
}

void Analyzer::analyzeState(StateInput &state, Scope &scope)
{
    if (!state.root)
        return;
    collectStateInputs(*state.root, scope, false);
    int index = 0;
    analyzeStateFilters(*state.root, scope, &index);
    for (ScopeInput &si : scope.inputs) {
        si.primary = false;
        si.visible = true;
    }
    if (state.withinMs == 0)
        m_diagnostics->error(state.withinRange, QStringLiteral("'within' needs a time above zero"));
    // An absent element needs a waiting time unless it is combined with another element.
    std::function<void(StateElement &, bool)> checkAbsent = [&](StateElement &e, bool inLogical) {
        if (e.kind == StateElement::Absent && e.waitingMs < 0 && !inLogical)
            m_diagnostics->error(e.range,
                                 QStringLiteral("'not %1' needs a waiting time: not %1 for <time>")
                                     .arg(e.stream.source.name));
        if (e.first)
            checkAbsent(*e.first, e.kind == StateElement::Logical);
        if (e.second)
            checkAbsent(*e.second, e.kind == StateElement::Logical);
    };
    checkAbsent(*state.root, false);
    if (state.isSequence) {
        std::function<void(StateElement &, bool)> checkEvery = [&](StateElement &e, bool first) {
            if (e.kind == StateElement::Every && !first)
                m_diagnostics->error(e.range,
                                     QStringLiteral("in a sequence, 'every' can only start it"));
            if (e.kind == StateElement::Next) {
                if (e.first)
                    checkEvery(*e.first, first);
                if (e.second)
                    checkEvery(*e.second, false);
            }
        };
        checkEvery(*state.root, true);
    }
}

QList<AttributeInfo> Analyzer::analyzeSelector(Selector &selector, Scope &scope,
                                               const QList<AttributeInfo> &starAttributes,
                                               bool isAggregation)
{
    QList<AttributeInfo> output;
    bool hasAggregate = false;
    if (!selector.present || selector.star) {
        output = starAttributes;
        QSet<QString> names;
        for (const AttributeInfo &a : std::as_const(output)) {
            if (names.contains(a.name)) {
                m_diagnostics->error(
                    selector.present ? selector.range : SourceRange(),
                    QStringLiteral("select * would emit attribute %1 twice").arg(q(a.name)),
                    QStringLiteral(
                        "select the attributes one by one and rename one of them with 'as'"));
                break;
            }
            names.insert(a.name);
        }
    } else {
        QSet<QString> names;
        for (OutputAttribute &out : selector.attributes) {
            Scope s = scope;
            s.allowAggregates = true;
            s.context = QStringLiteral("in select");
            const int errorsBefore = m_diagnostics->errorCount();
            const AttrType t = analyzeExpr(*out.expr, s);
            const bool exprFailed = m_diagnostics->errorCount() > errorsBefore;
            std::function<bool(const Expr &)> usesAggregate = [&](const Expr &e) {
                if (e.kind == ExprKind::Function && e.call.builtin
                    && e.call.builtin->kind == BuiltinKind::Aggregate)
                    return true;
                if (e.lhs && usesAggregate(*e.lhs))
                    return true;
                if (e.rhs && usesAggregate(*e.rhs))
                    return true;
                for (const auto &a : e.call.args) {
                    if (usesAggregate(*a))
                        return true;
                }
                return false;
            };
            hasAggregate = hasAggregate || usesAggregate(*out.expr);
            const QString name = out.name();
            if (name.isEmpty())
                continue;
            if (names.contains(name) && !exprFailed) {
                m_diagnostics->error(out.renameRange.isValid() && !out.rename.isEmpty()
                                         ? out.renameRange
                                         : out.expr->range,
                                     QStringLiteral("attribute %1 is selected twice").arg(q(name)),
                                     QStringLiteral("rename one of them with 'as'"));
            }
            if (!exprFailed)
                names.insert(name);
            output.append({name, t});
        }
    }
    for (auto &g : selector.groupBy) {
        Scope s = scope;
        s.context = QStringLiteral("in group by");
        analyzeExpr(*g, s);
    }
    if (isAggregation && !hasAggregate && selector.present && !selector.star)
        m_diagnostics->warning(
            selector.range, QStringLiteral("the aggregation selects no aggregate function"),
            QStringLiteral("select sum(...), avg(...), count() ... to aggregate"));
    if (selector.having) {
        Scope s = scope;
        s.outputs = &output;
        s.allowAggregates = true;
        s.context = QStringLiteral("in having");
        expectBool(*selector.having, s, QStringLiteral("the having condition"));
    }
    for (OrderByItem &item : selector.orderBy) {
        Scope s = scope;
        s.outputs = &output;
        s.context = QStringLiteral("in order by");
        analyzeExpr(*item.variable, s);
    }
    auto checkCount = [&](ExprPtr &e, const char *what) {
        if (!e)
            return;
        Scope s;
        const AttrType t = analyzeExpr(*e, s);
        if (t != AttrType::Int && t != AttrType::Long && t != AttrType::Unknown)
            m_diagnostics->error(e->range, QStringLiteral("%1 must be an int or long, found %2")
                                               .arg(QLatin1String(what), typeName(t)));
        else if (e->isConstant() && e->constant.intValue < 0)
            m_diagnostics->error(e->range,
                                 QStringLiteral("%1 cannot be negative").arg(QLatin1String(what)));
    };
    checkCount(selector.limit, "limit");
    checkCount(selector.offset, "offset");
    return output;
}

void Analyzer::checkCompatible(const QList<AttributeInfo> &output, const Schema &target,
                               const SourceRange &range)
{
    if (target.incomplete)
        return;
    const QString kind = schemaKindName(target.kind);
    const QString targetName =
        q(target.kind == SchemaKind::InnerStream ? u'#' + target.name : target.name);
    if (output.size() != target.attributes.size()) {
        auto count = [](qsizetype n) {
            return n == 1 ? QStringLiteral("1 attribute") : QStringLiteral("%1 attributes").arg(n);
        };
        m_diagnostics->error(
            range,
            QStringLiteral("the query emits %1 but %2 %3 has %4")
                .arg(count(output.size()), kind, targetName, count(target.attributes.size())),
            QStringLiteral("%1 is (%2)").arg(target.name, target.attributeText()));
        return;
    }
    for (int i = 0; i < output.size(); ++i) {
        const AttributeInfo &o = output[i];
        const AttributeInfo &t = target.attributes[i];
        if (o.type != t.type && o.type != AttrType::Unknown && t.type != AttrType::Unknown) {
            m_diagnostics->error(
                range,
                QStringLiteral(
                    "attribute %1 of %2 %3 is %4, but the query emits %5 (%6) in its place")
                    .arg(q(t.name), kind, targetName, typeName(t.type), typeName(o.type),
                         q(o.name)),
                isNumeric(o.type) && isNumeric(t.type)
                    ? QStringLiteral("convert it: convert(%1, '%2') as %3")
                          .arg(o.name, typeName(t.type), t.name)
                    : QStringLiteral("%1 is (%2)").arg(target.name, target.attributeText()));
            return;
        }
        if (o.name != t.name) {
            m_diagnostics->error(range,
                                 QStringLiteral("attribute %1 of %2 %3 is named %4 in the query")
                                     .arg(QString::number(i + 1), kind, targetName, q(o.name)),
                                 QStringLiteral("rename it: ... as %1").arg(t.name));
            return;
        }
    }
}

void Analyzer::analyzeOutput(QueryOutput &out, const QList<AttributeInfo> &output,
                             const Partition *partition)
{
    switch (out.kind) {
    case QueryOutput::Return:
        return;
    case QueryOutput::Insert: {
        if (out.target.fault) {
            m_diagnostics->error(out.target.range,
                                 QStringLiteral("a query cannot insert into a fault stream"));
            return;
        }
        if (out.target.inner) {
            if (!partition) {
                m_diagnostics->error(
                    out.target.range,
                    QStringLiteral("inner stream %1 can only be used inside a partition")
                        .arg(q(out.target.displayName())));
                return;
            }
            if (const Schema *existing = m_model.findInner(partition, out.target.name)) {
                checkCompatible(output, *existing, out.target.range);
            } else {
                Schema s;
                s.name = out.target.name;
                s.attributes = output;
                s.inferred = true;
                s.range = out.target.range;
                m_model.addInner(partition, s);
            }
            return;
        }
        const Schema *target = m_model.find(out.target.name);
        if (!target) {
            Schema s;
            s.name = out.target.name;
            s.kind = SchemaKind::Stream;
            s.attributes = output;
            s.inferred = true;
            s.range = out.target.range;
            m_model.add(s);
            return;
        }
        if (target->kind == SchemaKind::Aggregation || target->kind == SchemaKind::Trigger) {
            m_diagnostics->error(out.target.range,
                                 QStringLiteral("a query cannot insert into %1 %2")
                                     .arg(schemaKindName(target->kind), q(target->name)));
            return;
        }
        checkCompatible(output, *target, out.target.range);
        return;
    }
    case QueryOutput::Delete:
    case QueryOutput::Update:
    case QueryOutput::UpdateOrInsert: {
        const Schema *target = m_model.find(out.target.name);
        if (!target) {
            const QString s = suggestionFor(out.target.name, streamNames());
            m_diagnostics->error(
                out.target.range, QStringLiteral("undefined table %1").arg(q(out.target.name)),
                s.isEmpty()
                    ? QStringLiteral("define it: define table %1 (...);").arg(out.target.name)
                    : s);
            return;
        }
        if (target->kind != SchemaKind::Table) {
            m_diagnostics->error(
                out.target.range,
                QStringLiteral("only tables can be updated or deleted from, and %1 is %2")
                    .arg(q(target->name), aKind(target->kind)));
            return;
        }
        // Scope of 'on' and 'set': the query's output event, then the table.
        Schema outSchema;
        outSchema.name = QStringLiteral("(query output)");
        outSchema.attributes = output;
        Schema *os = m_model.adopt(outSchema);
        Scope scope;
        scope.partition = partition;
        scope.inputs.append(ScopeInput{QString(), QString(), os, true, false, true});
        scope.inputs.append(ScopeInput{target->name, QString(), target, false, false, true});
        if (out.on) {
            scope.context = QStringLiteral("in the 'on' condition");
            expectBool(*out.on, scope, QStringLiteral("the 'on' condition"));
        }
        for (SetAssignment &a : out.set) {
            Scope s = scope;
            s.context = QStringLiteral("in the set clause");
            Expr &t = *a.target;
            if (t.kind != ExprKind::Variable) {
                m_diagnostics->error(
                    t.range,
                    QStringLiteral("the set clause assigns table attributes: set %1.attr = ...")
                        .arg(target->name));
                continue;
            }
            if (!t.stream.isEmpty() && t.stream != target->name) {
                m_diagnostics->error(
                    t.streamRange,
                    QStringLiteral("the set clause assigns attributes of %1, not of %2")
                        .arg(q(target->name), q(t.stream)));
                continue;
            }
            const int idx = target->indexOf(t.attribute);
            if (idx < 0) {
                const QString sug = suggestionFor(t.attribute, target->attributeNames());
                m_diagnostics->error(
                    t.attributeRange,
                    QStringLiteral("table %1 has no attribute %2")
                        .arg(q(target->name), q(t.attribute)),
                    sug.isEmpty() ? QStringLiteral("attributes of %1: %2")
                                        .arg(target->name,
                                             target->attributeNames().join(QStringLiteral(", ")))
                                  : sug);
                continue;
            }
            t.inputIndex = 1;
            t.attrIndex = idx;
            t.type = target->attributes[idx].type;
            const AttrType vt = analyzeExpr(*a.value, s);
            const AttrType tt = t.type;
            if (vt != tt && vt != AttrType::Unknown && tt != AttrType::Unknown
                && !(vt == AttrType::Object && a.value->isConstant())) {
                m_diagnostics->error(
                    a.value->range,
                    QStringLiteral("%1.%2 is %3 but the value is %4")
                        .arg(target->name, t.attribute, typeName(tt), typeName(vt)));
            }
        }
        if (out.kind == QueryOutput::UpdateOrInsert
            || (out.kind == QueryOutput::Update && !out.hasSet)) {
            // Without a set clause the output attributes replace the table's by name.
            if (out.kind == QueryOutput::UpdateOrInsert)
                checkCompatible(output, *target, out.target.range);
        }
        return;
    }
    }
}

void Analyzer::analyzeAggregation(Definition &def, Schema &schema)
{
    if (!def.aggregationInput)
        return;
    Scope scope;
    QList<AttributeInfo> extra;
    bool tableOrAggregation = false;
    analyzeSingleInput(*def.aggregationInput, scope, false, &extra, &tableOrAggregation);
    const Schema *in = scope.inputs.constFirst().schema;
    if (tableOrAggregation)
        m_diagnostics->error(
            def.aggregationInput->source.range,
            QStringLiteral("an aggregation reads a stream, not %1").arg(aKind(in->kind)));
    QList<AttributeInfo> star = in ? in->attributes : QList<AttributeInfo>();
    // AGG_TIMESTAMP, the start of each bucket, may be selected; it is always the first attribute
    // of the aggregation, so selecting it adds nothing.
    static const QString aggTimestamp = QStringLiteral("AGG_TIMESTAMP");
    Schema bucket;
    bucket.name = def.name;
    bucket.kind = SchemaKind::Aggregation;
    bucket.attributes = {{aggTimestamp, AttrType::Long}};
    scope.inputs.append(ScopeInput{def.name, QString(), m_model.adopt(bucket), false, false, true});
    QList<AttributeInfo> output = analyzeSelector(def.aggregationSelector, scope, star, true);
    if (def.aggregateBy) {
        Scope s = scope;
        s.context = QStringLiteral("in aggregate by");
        const AttrType t = analyzeExpr(*def.aggregateBy, s);
        if (t != AttrType::Long && t != AttrType::String && t != AttrType::Unknown)
            m_diagnostics->error(
                def.aggregateBy->range,
                QStringLiteral("'aggregate by' takes a long timestamp (or a string date), found %1")
                    .arg(typeName(t)));
    }
    for (Duration d : def.granularities) {
        if (d == Duration::Weeks)
            m_diagnostics->error(def.granularityRange,
                                 QStringLiteral("aggregations do not support weeks"),
                                 QStringLiteral("use sec, min, hour, day, month and year"));
    }
    QList<AttributeInfo> attrs;
    attrs.append({aggTimestamp, AttrType::Long});
    for (const AttributeInfo &a : std::as_const(output)) {
        if (a.name != aggTimestamp)
            attrs.append(a);
    }
    schema.attributes = attrs;
}

// ---------------------------------------------------------------------------------------------
// On-demand (store) queries

QList<AttributeInfo> Analyzer::analyzeOnDemandQuery(OnDemandQuery &query, SemanticModel &model)
{
    m_model = std::move(model);
    QList<AttributeInfo> output;
    Scope scope;
    QList<AttributeInfo> star;
    if (query.kind == OnDemandQuery::Find || !query.input.name.isEmpty()) {
        // from <table|window|aggregation> [as a] [on ...] [within ... per ...] select ...
        const Schema *input = resolveSource(query.input, nullptr, true);
        if (input && input->kind != SchemaKind::Table && input->kind != SchemaKind::Window
            && input->kind != SchemaKind::Aggregation) {
            m_diagnostics->error(
                query.input.range,
                QStringLiteral("an on-demand query reads a table, a window or an aggregation, and "
                               "%1 is %2")
                    .arg(q(input->name), aKind(input->kind)),
                QStringLiteral("streams hold no events to query: insert them into a table or a "
                               "window first"));
            input = nullptr;
        }
        scope.inputs.append(ScopeInput{query.input.name, query.alias, input, true, false, true});
        if (input)
            star = input->attributes;
        const bool isAggregation = input && input->kind == SchemaKind::Aggregation;
        if (isAggregation && !query.per)
            m_diagnostics->error(
                query.input.range,
                QStringLiteral("reading aggregation %1 needs 'within ... per ...'")
                    .arg(q(input->name)),
                QStringLiteral("for example: from %1 within '2024-**-** **:**:**' per 'hours' "
                               "select ...")
                    .arg(input->name));
        else if (input && !isAggregation && query.per)
            m_diagnostics->error(
                query.per->range,
                QStringLiteral("'within ... per ...' applies only to aggregations, and %1 is %2")
                    .arg(q(input->name), aKind(input->kind)));
        if (query.on) {
            Scope on = scope;
            on.context = QStringLiteral("in the 'on' condition");
            expectBool(*query.on, on, QStringLiteral("the 'on' condition"));
        }
        // No event is being processed: the time range and granularity are constants.
        Scope timeScope;
        timeScope.context = QStringLiteral("in within ... per ...");
        if (query.withinStart)
            checkWithin(*query.withinStart, timeScope);
        if (query.withinEnd)
            checkWithin(*query.withinEnd, timeScope);
        if (query.per)
            checkPer(*query.per, timeScope);
    }
    if (query.input.name.isEmpty() && query.selector.present && query.selector.star) {
        m_diagnostics->error(query.selector.range,
                             QStringLiteral("'select *' needs an input; select values instead"),
                             QStringLiteral("for example: select 'a' as key, 1 as count"));
        model = std::move(m_model);
        return {};
    }
    output = analyzeSelector(query.selector, scope, star, false);
    switch (query.kind) {
    case OnDemandQuery::Find:
        break;
    case OnDemandQuery::Insert: {
        const Schema *target = m_model.find(query.output.target.name);
        if (!target) {
            const QString s = suggestionFor(query.output.target.name, streamNames());
            m_diagnostics->error(
                query.output.target.range,
                QStringLiteral("undefined table %1").arg(q(query.output.target.name)), s);
        } else if (target->kind != SchemaKind::Table && target->kind != SchemaKind::Window) {
            // Siddhi inserts into tables only; Rivulet's runtime also fills named windows.
            m_diagnostics->error(
                query.output.target.range,
                QStringLiteral("an on-demand query inserts into a table or a window, and %1 is %2")
                    .arg(q(target->name), aKind(target->kind)));
        } else {
            checkCompatible(output, *target, query.output.target.range);
        }
        break;
    }
    case OnDemandQuery::Delete:
    case OnDemandQuery::Update:
    case OnDemandQuery::UpdateOrInsert:
        analyzeOutput(query.output, output, nullptr);
        break;
    }
    model = std::move(m_model);
    return output;
}

// ---------------------------------------------------------------------------------------------
// Expressions

AttrType Analyzer::analyzeExpression(Expr &expr, const QList<ScopeInput> &inputs)
{
    Scope scope;
    scope.inputs = inputs;
    scope.allowAggregates = true;
    return analyzeExpr(expr, scope);
}

void Analyzer::expectBool(Expr &expr, Scope &scope, const QString &what)
{
    const AttrType t = analyzeExpr(expr, scope);
    if (t != AttrType::Bool && t != AttrType::Unknown) {
        m_diagnostics->error(
            expr.range, QStringLiteral("%1 must be a bool, found %2").arg(what, typeName(t)),
            t == AttrType::String || isNumeric(t)
                ? QStringLiteral("compare it with something, for example: %1 == ...")
                      .arg(expr.kind == ExprKind::Variable ? expr.attribute : QStringLiteral("x"))
                : QString());
    }
}

AttrType Analyzer::analyzeExpr(Expr &expr, Scope &scope)
{
    AttrType result = AttrType::Unknown;
    switch (expr.kind) {
    case ExprKind::Constant:
        result = expr.constant.isNull ? AttrType::Object : expr.constant.type;
        break;
    case ExprKind::Variable:
        result = analyzeVariable(expr, scope);
        break;
    case ExprKind::StreamRef: {
        // e1 in `e1 is null`, eventTimestamp(e1): the runtime reads the event's slot.
        bool found = false;
        for (int i = 0; i < scope.inputs.size() && !found; ++i) {
            const ScopeInput &si = scope.inputs[i];
            if (si.visible
                && (si.reference == expr.stream
                    || (si.reference.isEmpty() && si.streamName == expr.stream))) {
                found = true;
                expr.inputIndex = i;
            }
        }
        if (!found) {
            m_diagnostics->error(
                expr.streamRange,
                QStringLiteral("unknown event %1 %2").arg(q(expr.stream), scope.context));
        }
        result = AttrType::Object;
        break;
    }
    case ExprKind::Not: {
        const AttrType t = analyzeExpr(*expr.lhs, scope);
        if (t != AttrType::Bool && t != AttrType::Unknown)
            m_diagnostics->error(expr.lhs->range,
                                 QStringLiteral("'not' needs a bool, found %1").arg(typeName(t)));
        result = AttrType::Bool;
        break;
    }
    case ExprKind::Negate: {
        const AttrType t = analyzeExpr(*expr.lhs, scope);
        if (!isNumeric(t) && t != AttrType::Unknown)
            m_diagnostics->error(expr.lhs->range,
                                 QStringLiteral("'-' needs a number, found %1").arg(typeName(t)));
        result = isNumeric(t) ? t : AttrType::Unknown;
        break;
    }
    case ExprKind::IsNull: {
        // `e2 is null` checks whether the event e2 of a pattern matched: Siddhi's grammar tries
        // a stream reference before an attribute, so a bare name that names an event is one.
        Expr &operand = *expr.lhs;
        if (operand.kind == ExprKind::Variable && operand.stream.isEmpty()
            && !operand.index.present) {
            bool isEvent = false;
            for (const ScopeInput &si : std::as_const(scope.inputs))
                isEvent =
                    isEvent
                    || (si.visible && !si.reference.isEmpty() && si.reference == operand.attribute);
            if (isEvent) {
                operand.kind = ExprKind::StreamRef;
                operand.stream = operand.attribute;
                operand.streamRange = operand.attributeRange;
                operand.attribute.clear();
            }
        }
        analyzeExpr(operand, scope);
        result = AttrType::Bool;
        break;
    }
    case ExprKind::In: {
        const Schema *table = m_model.find(expr.table);
        if (!table) {
            const QString s = suggestionFor(expr.table, streamNames());
            m_diagnostics->error(expr.tableRange,
                                 QStringLiteral("undefined table %1").arg(q(expr.table)), s);
        } else if (table->kind != SchemaKind::Table && table->kind != SchemaKind::Window) {
            m_diagnostics->error(expr.tableRange,
                                 QStringLiteral("'in' checks membership in a table, and %1 is %2")
                                     .arg(q(expr.table), aKind(table->kind)));
            table = nullptr;
        }
        Scope inScope = scope;
        inScope.allowAggregates = false;
        ScopeInput si;
        si.streamName = expr.table;
        si.schema = table;
        si.primary = false;
        inScope.inputs.append(si);
        const AttrType t = analyzeExpr(*expr.lhs, inScope);
        if (t != AttrType::Bool && t != AttrType::Unknown)
            m_diagnostics->error(
                expr.lhs->range,
                QStringLiteral("the condition before 'in' must be a bool, found %1")
                    .arg(typeName(t)),
                QStringLiteral("for example: %1.id == id in %1").arg(expr.table));
        result = AttrType::Bool;
        break;
    }
    case ExprKind::Binary: {
        const AttrType a = analyzeExpr(*expr.lhs, scope);
        const AttrType b = analyzeExpr(*expr.rhs, scope);
        const QString op = QString::fromLatin1(binaryOpSpelling(expr.op));
        switch (expr.op) {
        case BinaryOp::And:
        case BinaryOp::Or:
            if (a != AttrType::Bool && a != AttrType::Unknown)
                m_diagnostics->error(
                    expr.lhs->range,
                    QStringLiteral("'%1' needs bool operands, found %2").arg(op, typeName(a)));
            else if (b != AttrType::Bool && b != AttrType::Unknown)
                m_diagnostics->error(
                    expr.rhs->range,
                    QStringLiteral("'%1' needs bool operands, found %2").arg(op, typeName(b)));
            result = AttrType::Bool;
            break;
        case BinaryOp::Eq:
        case BinaryOp::NotEq:
            if (!comparableForEquality(a, b))
                m_diagnostics->error(expr.range,
                                     QStringLiteral("cannot compare %1 with %2 using '%3'")
                                         .arg(typeName(a), typeName(b), op),
                                     a == AttrType::String || b == AttrType::String
                                         ? QStringLiteral("convert one side: convert(x, 'string')")
                                         : QString());
            result = AttrType::Bool;
            break;
        case BinaryOp::Lt:
        case BinaryOp::LtEq:
        case BinaryOp::Gt:
        case BinaryOp::GtEq:
            if (a != AttrType::Unknown && b != AttrType::Unknown && !(isNumeric(a) && isNumeric(b)))
                m_diagnostics->error(
                    expr.range,
                    QStringLiteral("'%1' compares numbers, found %2 and %3")
                        .arg(op, typeName(a), typeName(b)),
                    a == AttrType::String && b == AttrType::String
                        ? QStringLiteral("compare strings with str:strcmp(a, b) %1 0").arg(op)
                        : QString());
            result = AttrType::Bool;
            break;
        default: // arithmetic
            if (a != AttrType::Unknown && !isNumeric(a)) {
                m_diagnostics->error(
                    expr.lhs->range,
                    QStringLiteral("'%1' needs numbers, found %2").arg(op, typeName(a)),
                    expr.op == BinaryOp::Add && a == AttrType::String
                        ? QStringLiteral("join strings with str:concat(a, b)")
                        : QString());
                result = AttrType::Unknown;
            } else if (b != AttrType::Unknown && !isNumeric(b)) {
                m_diagnostics->error(
                    expr.rhs->range,
                    QStringLiteral("'%1' needs numbers, found %2").arg(op, typeName(b)),
                    expr.op == BinaryOp::Add && b == AttrType::String
                        ? QStringLiteral("join strings with str:concat(a, b)")
                        : QString());
                result = AttrType::Unknown;
            } else {
                result = widerNumeric(a, b);
            }
            break;
        }
        break;
    }
    case ExprKind::Function: {
        bool isAggregate = false;
        result = analyzeCall(expr.call, scope, &isAggregate, expr.range, &expr);
        break;
    }
    }
    expr.type = result;
    return result;
}

AttrType Analyzer::analyzeVariable(Expr &expr, Scope &scope)
{
    const QString &attr = expr.attribute;
    if (!expr.stream.isEmpty()) {
        // Qualified: reference (alias, event name) first, then stream name.
        int found = -1;
        for (int i = 0; i < scope.inputs.size(); ++i) {
            const ScopeInput &si = scope.inputs[i];
            if (!si.visible)
                continue;
            if (!si.reference.isEmpty() && si.reference == expr.stream) {
                found = i;
                break;
            }
        }
        if (found < 0) {
            for (int i = 0; i < scope.inputs.size(); ++i) {
                const ScopeInput &si = scope.inputs[i];
                if (si.visible && si.streamName == expr.stream
                    && (si.reference.isEmpty() || scope.inputs.size() == 1)) {
                    found = i;
                    break;
                }
            }
        }
        if (found < 0) {
            // A later pattern element?
            for (const ScopeInput &si : std::as_const(scope.inputs)) {
                if (!si.visible && (si.reference == expr.stream || si.streamName == expr.stream)) {
                    m_diagnostics->error(
                        expr.streamRange,
                        QStringLiteral("%1 is not matched yet at this point of the pattern")
                            .arg(q(expr.stream)),
                        QStringLiteral("a filter can only use events matched before it"));
                    return AttrType::Unknown;
                }
            }
            QStringList names;
            for (const ScopeInput &si : std::as_const(scope.inputs)) {
                if (!si.visible)
                    continue;
                names << (si.reference.isEmpty() ? si.streamName : si.reference);
            }
            const QString s = suggestionFor(expr.stream, names);
            m_diagnostics->error(expr.streamRange,
                                 QStringLiteral("unknown stream or event %1 %2")
                                     .arg(q(expr.stream), scope.context)
                                     .trimmed(),
                                 s.isEmpty() ? (names.isEmpty()
                                                    ? QString()
                                                    : QStringLiteral("this query reads %1")
                                                          .arg(names.join(QStringLiteral(", "))))
                                             : s);
            return AttrType::Unknown;
        }
        const ScopeInput &si = scope.inputs[found];
        if (expr.index.present && !si.collection
            && !(expr.index.value == 0 && !expr.index.fromLast)) {
            m_diagnostics->error(expr.range,
                                 QStringLiteral("%1 matches a single event; only a counting "
                                                "element such as %2=%3<2:5> has events to index")
                                     .arg(q(expr.stream), expr.stream, si.streamName),
                                 QStringLiteral("write %1.%2").arg(expr.stream, attr));
        }
        if (!si.schema)
            return AttrType::Unknown;
        const int idx = si.schema->indexOf(attr);
        if (idx < 0) {
            if (si.schema->incomplete)
                return AttrType::Unknown;
            const QString s = suggestionFor(attr, si.schema->attributeNames());
            m_diagnostics->error(
                expr.attributeRange,
                QStringLiteral("%1 has no attribute %2").arg(q(si.schema->name), q(attr)),
                s.isEmpty() ? QStringLiteral("attributes of %1: %2")
                                  .arg(si.schema->name,
                                       si.schema->attributeNames().join(QStringLiteral(", ")))
                            : s);
            return AttrType::Unknown;
        }
        expr.inputIndex = found;
        expr.attrIndex = idx;
        return si.schema->attributes[idx].type;
    }

    // Unqualified: output attributes (having, order by), then the primary input, then all.
    if (scope.outputs) {
        for (int i = 0; i < scope.outputs->size(); ++i) {
            if (scope.outputs->at(i).name == attr) {
                expr.inputIndex = -2;
                expr.attrIndex = i;
                return scope.outputs->at(i).type;
            }
        }
    }
    for (int i = 0; i < scope.inputs.size(); ++i) {
        const ScopeInput &si = scope.inputs[i];
        if (si.primary && si.visible && si.schema) {
            const int idx = si.schema->indexOf(attr);
            if (idx >= 0) {
                expr.inputIndex = i;
                expr.attrIndex = idx;
                return si.schema->attributes[idx].type;
            }
        }
    }
    int found = -1;
    int foundAttr = -1;
    QStringList holders;
    bool anyIncomplete = false;
    for (int i = 0; i < scope.inputs.size(); ++i) {
        const ScopeInput &si = scope.inputs[i];
        if (!si.visible)
            continue;
        if (!si.schema) {
            anyIncomplete = true;
            continue;
        }
        anyIncomplete = anyIncomplete || si.schema->incomplete;
        const int idx = si.schema->indexOf(attr);
        if (idx >= 0) {
            if (found < 0) {
                found = i;
                foundAttr = idx;
            }
            holders << (si.reference.isEmpty() ? si.streamName : si.reference);
        }
    }
    if (holders.size() > 1) {
        m_diagnostics->error(expr.range,
                             QStringLiteral("attribute %1 is ambiguous: both %2 and %3 have it")
                                 .arg(q(attr), holders[0], holders[1]),
                             QStringLiteral("qualify it: %1.%2").arg(holders[0], attr));
        return scope.inputs[found].schema->attributes[foundAttr].type;
    }
    if (found >= 0) {
        expr.inputIndex = found;
        expr.attrIndex = foundAttr;
        return scope.inputs[found].schema->attributes[foundAttr].type;
    }
    if (anyIncomplete)
        return AttrType::Unknown;
    // Not found: say where we looked.
    QStringList candidates;
    QString where;
    for (const ScopeInput &si : std::as_const(scope.inputs)) {
        if (!si.visible || !si.schema)
            continue;
        candidates += si.schema->attributeNames();
        if (where.isEmpty())
            where =
                QStringLiteral("attributes of %1: %2")
                    .arg(si.schema->name, si.schema->attributeNames().join(QStringLiteral(", ")));
    }
    if (scope.outputs) {
        for (const AttributeInfo &a : *scope.outputs)
            candidates << a.name;
    }
    if (scope.inputs.isEmpty() && !scope.outputs) {
        m_diagnostics->error(
            expr.range,
            QStringLiteral("%1 must be a constant here, not an attribute").arg(q(attr)));
        return AttrType::Unknown;
    }
    const QString s = suggestionFor(attr, candidates);
    QString hint = s.isEmpty()
                       ? where
                       : s + (where.isEmpty() ? QString() : QStringLiteral(" (") + where + u')');
    if (attr == QLatin1String("_error"))
        hint = QStringLiteral("_error is an attribute of fault streams: read !Stream, and add "
                              "@OnError(action='STREAM') to Stream's definition");
    m_diagnostics->error(
        expr.range, QStringLiteral("unknown attribute %1 %2").arg(q(attr), scope.context).trimmed(),
        hint);
    return AttrType::Unknown;
}

AttrType Analyzer::checkArguments(const BuiltinSpec &spec, Call &call, Scope &scope,
                                  QList<AttrType> *argTypes)
{
    const int count = call.starArgument ? 0 : int(call.args.size());
    // Arguments that already had an error are not checked again against the parameters.
    QList<bool> failed;
    for (auto &arg : call.args) {
        const int before = m_diagnostics->errorCount();
        argTypes->append(analyzeExpr(*arg, scope));
        failed.append(m_diagnostics->errorCount() > before);
    }
    const QString name = q(spec.qualifiedName());
    const QString kind = builtinKindName(spec.kind);
    const QList<QList<int>> forms = spec.forms(count);
    const QString tip = spec.overloadSignatures().join(QStringLiteral("; "));
    if (forms.isEmpty()) {
        QString expected;
        if (!spec.overloads.isEmpty()) {
            int low = INT_MAX;
            int high = 0;
            for (const QList<int> &o : spec.overloads) {
                low = qMin(low, int(o.size()));
                high = qMax(high, int(o.size()));
            }
            expected =
                low == high ? QString::number(low) : QStringLiteral("%1 to %2").arg(low).arg(high);
        } else {
            const int required = spec.requiredCount();
            if (!spec.params.isEmpty() && spec.params.constLast().repeating)
                expected = QStringLiteral("at least %1").arg(required);
            else if (required == spec.params.size())
                expected = QString::number(required);
            else
                expected = QStringLiteral("%1 to %2").arg(required).arg(spec.params.size());
        }
        m_diagnostics->error(
            call.range,
            QStringLiteral("%1 %2 takes %3 argument%4, found %5")
                .arg(kind, name, expected,
                     expected == QLatin1String("1") ? QString() : QStringLiteral("s"))
                .arg(count),
            tip);
        return AttrType::Unknown;
    }
    // The sort window's arguments after the length alternate attribute and order: no types.
    const bool sortWindow = spec.kind == BuiltinKind::Window && spec.name == QLatin1String("sort");
    auto typesMatch = [&](const QList<int> &form) {
        for (int i = 0; i < count; ++i) {
            if (sortWindow && i > 0)
                break;
            const Expr &arg = *call.args[i];
            if (!typeIn(argTypes->at(i), spec.params[form[i]].types)
                && !(arg.isConstant() && arg.constant.isNull))
                return false;
        }
        return true;
    };
    // With overloads, the first parameter list whose types fit; else report against the first.
    QList<int> form = forms.constFirst();
    for (const QList<int> &f : forms) {
        if (typesMatch(f)) {
            form = f;
            break;
        }
    }
    for (int i = 0; i < count; ++i) {
        const ParamSpec &p = spec.params[form[i]];
        if (sortWindow && i > 0)
            break;
        Expr &arg = *call.args[i];
        const AttrType t = argTypes->at(i);
        if (failed[i])
            continue;
        if (!typeIn(t, p.types) && !(arg.isConstant() && arg.constant.isNull)) {
            m_diagnostics->error(arg.range,
                                 QStringLiteral("argument %1 (%2) of %3 must be %4, found %5")
                                     .arg(i + 1)
                                     .arg(p.name, name, typeSetText(p.types), typeName(t)),
                                 tip);
        }
        if (p.constant && !arg.isConstant()) {
            m_diagnostics->error(arg.range,
                                 QStringLiteral("argument %1 (%2) of %3 must be a constant")
                                     .arg(i + 1)
                                     .arg(p.name, name),
                                 tip);
        }
    }
    if (spec.allArgsSameType) {
        AttrType first = AttrType::Unknown;
        for (int i = 0; i < count; ++i) {
            const AttrType t = argTypes->at(i);
            if (t == AttrType::Unknown
                || (call.args[i]->isConstant() && call.args[i]->constant.isNull))
                continue;
            if (first == AttrType::Unknown) {
                first = t;
            } else if (t != first) {
                m_diagnostics->error(
                    call.args[i]->range,
                    QStringLiteral("all arguments of %1 must have one type: found %2 and %3")
                        .arg(name, typeName(first), typeName(t)));
                break;
            }
        }
    }
    switch (spec.returnRule) {
    case ReturnRule::Fixed:
        return spec.returnType;
    case ReturnRule::SameAsArg:
        return spec.returnArg < count ? argTypes->at(spec.returnArg) : AttrType::Unknown;
    case ReturnRule::WidestNumeric: {
        AttrType t = AttrType::Int;
        for (AttrType a : *argTypes) {
            if (a == AttrType::Unknown)
                return AttrType::Unknown;
            t = widerNumeric(t, a);
        }
        return t;
    }
    case ReturnRule::SumLike: {
        const AttrType a = count > 0 ? argTypes->at(0) : AttrType::Unknown;
        if (a == AttrType::Int || a == AttrType::Long)
            return AttrType::Long;
        if (a == AttrType::Float || a == AttrType::Double)
            return AttrType::Double;
        return AttrType::Unknown;
    }
    case ReturnRule::RoundLike: {
        const AttrType a = count > 0 ? argTypes->at(0) : AttrType::Unknown;
        if (a == AttrType::Float)
            return AttrType::Int;
        if (a == AttrType::Double)
            return AttrType::Long;
        return a;
    }
    case ReturnRule::TypeNamedByArg: {
        if (spec.returnArg >= count)
            return AttrType::Unknown;
        Expr &arg = *call.args[spec.returnArg];
        AttrType t = AttrType::Unknown;
        if (!arg.isConstant())
            return AttrType::Unknown; // reported: the parameter must be a constant
        if (arg.constant.type != AttrType::String || !parseTypeName(arg.constant.stringValue, &t)
            || t == AttrType::Object) {
            m_diagnostics->error(arg.range,
                                 QStringLiteral("%1 needs the name of a type: 'string', 'int', "
                                                "'long', 'float', 'double' or 'bool'")
                                     .arg(name));
            return AttrType::Unknown;
        }
        return t;
    }
    case ReturnRule::None:
        break;
    }
    return AttrType::Unknown;
}

AttrType Analyzer::analyzeCall(Call &call, Scope &scope, bool *isAggregate,
                               const SourceRange &range, Expr *owner)
{
    Q_UNUSED(range);
    Q_UNUSED(owner);
    const Registry &reg = registry();
    const BuiltinSpec *spec = reg.find(BuiltinKind::Function, call.ns, call.name);
    if (!spec)
        spec = reg.find(BuiltinKind::Aggregate, call.ns, call.name);
    if (!spec && call.ns.isEmpty() && m_functions.contains(call.name)) {
        const Definition *fn = m_functions.value(call.name);
        for (auto &arg : call.args)
            analyzeExpr(*arg, scope);
        return fn->returnType;
    }
    if (!spec) {
        for (auto &arg : call.args)
            analyzeExpr(*arg, scope);
        if (!call.ns.isEmpty() && !reg.isKnownNamespace(call.ns)) {
            warnUnknownNamespace(call, QString());
            return AttrType::Unknown;
        }
        QStringList names = reg.names(BuiltinKind::Function, call.ns);
        names += reg.names(BuiltinKind::Aggregate, call.ns);
        if (call.ns.isEmpty())
            names += m_functions.keys();
        QString hint = suggestionFor(call.name, names);
        if (hint.isEmpty() && call.ns.isEmpty()) {
            for (const QString &ns : reg.namespaces()) {
                if (reg.find(BuiltinKind::Function, ns, call.name)) {
                    hint = QStringLiteral("did you mean %1?").arg(q(ns + u':' + call.name));
                    break;
                }
            }
        }
        if (hint.isEmpty() && !call.ns.isEmpty())
            hint = QStringLiteral("the functions of %1 are %2")
                       .arg(q(call.ns), names.join(QStringLiteral(", ")));
        if (call.ns.isEmpty() && reg.find(BuiltinKind::Window, QString(), call.name))
            hint = QStringLiteral("%1 is a window: use it after a stream as #window.%1(...)")
                       .arg(call.name);
        m_diagnostics->error(
            call.nameRange,
            call.ns.isEmpty()
                ? QStringLiteral("unknown function %1").arg(q(call.name))
                : QStringLiteral("namespace %1 has no function %2").arg(q(call.ns), q(call.name)),
            hint);
        return AttrType::Unknown;
    }
    call.builtin = spec;
    *isAggregate = spec->kind == BuiltinKind::Aggregate;
    if (*isAggregate) {
        if (scope.insideAggregate) {
            m_diagnostics->error(call.nameRange,
                                 QStringLiteral("aggregate functions cannot be nested"));
        } else if (!scope.allowAggregates) {
            m_diagnostics->error(
                call.nameRange,
                QStringLiteral("aggregate function %1 can only be used in select or having")
                    .arg(q(call.name)),
                scope.context == QLatin1String("in the filter")
                    ? QStringLiteral("aggregate in one query, then filter its output in another")
                    : QString());
        }
    }
    // eventTimestamp(e1): the argument names a pattern event, not an attribute.
    if (spec->name == QLatin1String("eventTimestamp") && call.args.size() == 1
        && call.args[0]->kind == ExprKind::Variable && call.args[0]->stream.isEmpty()) {
        Expr &arg = *call.args[0];
        bool isEvent = false;
        for (const ScopeInput &si : std::as_const(scope.inputs))
            isEvent = isEvent || (!si.reference.isEmpty() && si.reference == arg.attribute);
        if (isEvent) {
            arg.kind = ExprKind::StreamRef;
            arg.stream = arg.attribute;
            arg.streamRange = arg.attributeRange;
            arg.attribute.clear();
            analyzeExpr(arg, scope);
            return AttrType::Long;
        }
    }
    Scope argScope = scope;
    if (*isAggregate) {
        argScope.insideAggregate = true;
        argScope.allowAggregates = false;
    }
    QList<AttrType> argTypes;
    return checkArguments(*spec, call, argScope, &argTypes);
}

} // namespace Rivulet::Lang
