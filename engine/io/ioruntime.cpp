#include "ioruntime.h"

#include "iocontext.h"

#include "engine/runtime/appruntime.h"

namespace Rivulet::Io {

using namespace Lang::Ast;

IoRuntime::IoRuntime(Runtime::AppRuntime &app, IoContext &context)
    : m_app(app)
    , m_context(context)
{}

IoRuntime::~IoRuntime()
{
    stop();
}

bool IoRuntime::makeConfig(const Annotation &annotation, const QString &kind, const QString &stream,
                           TransportConfig *config, QList<Lang::Diagnostic> *diagnostics)
{
    const Lang::CompiledApp &compiled = m_app.compiled();
    auto problem = [&](const Lang::SourceRange &range, const QString &message,
                       const QString &hint = QString()) {
        Lang::Diagnostic d;
        d.severity = Lang::Severity::Error;
        d.file = compiled.fileName;
        d.range = range;
        d.message = message;
        d.hint = hint;
        if (diagnostics)
            diagnostics->append(d);
        return false;
    };
    config->kind = kind;
    config->app = m_app.name();
    config->stream = stream;
    config->file = compiled.fileName;
    config->range = annotation.range;
    // An unset ${VAR} is an error at the value that uses it, saying how to set it.
    auto unresolved = [&](const Annotation &holder, const AnnotationElement &e,
                          const QString &name) {
        return problem(e.valueRange,
                       QStringLiteral("template variable ${%1} in option '%2' of @%3 is not set")
                           .arg(name, e.key, holder.name),
                       QStringLiteral("pass --var %1=VALUE to rivulet run, export %1, or set it "
                                      "under variables: in the config")
                           .arg(name));
    };
    for (const AnnotationElement &e : annotation.elements) {
        QString value;
        QString error;
        QString missing;
        if (!m_context.resolve(e.value, &value, &error, &missing))
            return unresolved(annotation, e, missing);
        if (e.key.compare(QLatin1String("type"), Qt::CaseInsensitive) == 0)
            config->type = value;
        else
            config->options.insert(e.key.toLower(), value);
    }
    if (const Annotation *map = annotation.annotation("map")) {
        for (const AnnotationElement &e : map->elements) {
            QString value;
            QString error;
            QString missing;
            if (!m_context.resolve(e.value, &value, &error, &missing))
                return unresolved(*map, e, missing);
            if (e.key.compare(QLatin1String("type"), Qt::CaseInsensitive) == 0)
                config->mapType = value;
            else
                config->mapOptions.insert(e.key.toLower(), value);
        }
        config->attributes = map->annotation("attributes");
        config->payload = map->annotation("payload");
    }
    return true;
}

bool IoRuntime::build(QList<Lang::Diagnostic> *diagnostics)
{
    bool ok = true;
    const Lang::CompiledApp &compiled = m_app.compiled();
    for (const auto &def : compiled.app->definitions) {
        if (def->kind != DefinitionKind::Stream)
            continue;
        for (const Annotation &a : def->annotations) {
            const bool isSource = a.is("source");
            if (!isSource && !a.is("sink"))
                continue;
            TransportConfig config;
            if (!makeConfig(a, isSource ? QStringLiteral("source") : QStringLiteral("sink"),
                            def->name, &config, diagnostics)) {
                ok = false;
                continue;
            }
            QString error;
            if (isSource) {
                Runtime::InputHandler *input = m_app.inputHandler(def->name);
                auto source =
                    input ? makeSource(config, &m_app, input, &m_context, &error) : nullptr;
                if (!source) {
                    Lang::Diagnostic d;
                    d.file = compiled.fileName;
                    d.range = a.range;
                    d.message =
                        error.isEmpty()
                            ? QStringLiteral("stream %1 cannot take a source").arg(def->name)
                            : error;
                    if (diagnostics)
                        diagnostics->append(d);
                    ok = false;
                    continue;
                }
                m_sources.push_back(std::move(source));
            } else {
                auto sink = makeSink(config, &m_app, &m_context, &error);
                if (!sink) {
                    Lang::Diagnostic d;
                    d.file = compiled.fileName;
                    d.range = a.range;
                    d.message = error;
                    if (diagnostics)
                        diagnostics->append(d);
                    ok = false;
                    continue;
                }
                m_sinks.push_back(std::move(sink));
            }
        }
    }
    return ok;
}

bool IoRuntime::start(QString *error)
{
    if (m_started)
        return true;
    for (auto &sink : m_sinks) {
        QString e;
        if (!sink->start(&e)) {
            *error = QStringLiteral("%1: %2").arg(sink->config().where(), e);
            stop();
            return false;
        }
        Sink *s = sink.get();
        const int id = m_app.addStreamCallback(
            sink->config().stream, [s](const Runtime::EventChunk &chunk) { s->publish(chunk); });
        m_callbacks.emplace_back(sink->config().stream, id);
    }
    m_app.start();
    for (auto &source : m_sources) {
        QString e;
        if (!source->start(&e)) {
            *error = QStringLiteral("%1: %2").arg(source->config().where(), e);
            stop();
            return false;
        }
    }
    m_started = true;
    return true;
}

void IoRuntime::stop()
{
    for (auto &source : m_sources)
        source->stop();
    m_app.shutdown();
    for (const auto &[stream, id] : m_callbacks)
        m_app.removeStreamCallback(stream, id);
    m_callbacks.clear();
    for (auto &sink : m_sinks)
        sink->stop();
    m_started = false;
}

} // namespace Rivulet::Io
