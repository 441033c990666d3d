// Named windows: define window W (...) <window>(...) [output ... events].
#include "namedwindow.h"

#include "appruntime.h"
#include "features.h"
#include "querybuilder.h"
#include "window.h"

namespace Rivulet::Runtime {

using namespace Lang::Ast;

// The last stage of the window: passes the current and/or expired events (as the definition's
// output clause says) to the window's junction. Timers and resets stay inside.
class NamedWindow::Publisher final : public Processor
{
public:
    Publisher(StreamJunction *junction, OutputEventType type)
        : m_junction(junction)
        , m_current(type != OutputEventType::Expired)
        , m_expired(type != OutputEventType::Current)
    {}
    void process(EventChunk &chunk) override
    {
        m_out.clear();
        m_out.batch = chunk.batch; // a batch window's batch stays one for the queries reading W
        for (Event *e : chunk.events) {
            if ((e->type == EventType::Current && m_current)
                || (e->type == EventType::Expired && m_expired))
                m_out.add(e);
        }
        if (!m_out.empty())
            m_junction->send(m_out);
        m_out.clear();
    }

private:
    StreamJunction *m_junction;
    bool m_current;
    bool m_expired;
    EventChunk m_out;
};

NamedWindow::NamedWindow(QString name, std::shared_ptr<EventLayout> layout,
                         std::shared_ptr<StreamJunction> output)
    : m_name(std::move(name))
    , m_layout(std::move(layout))
    , m_output(std::move(output))
{}

NamedWindow::~NamedWindow() = default;

void NamedWindow::insert(EventChunk &chunk)
{
    if (!m_window || chunk.empty())
        return;
    // The window reads the events of the chunk; they stay the inserting query's. Expired
    // events enter as current ones, so mark them for the time of the call only.
    std::vector<EventType> types;
    types.reserve(chunk.size());
    for (Event *e : chunk.events) {
        types.push_back(e->type);
        if (e->type == EventType::Expired)
            e->type = EventType::Current;
    }
    m_window->process(chunk);
    for (size_t i = 0; i < chunk.size() && i < types.size(); ++i)
        chunk.events[i]->type = types[i];
}

void NamedWindow::contents(std::vector<Event *> &out) const
{
    if (m_window)
        m_window->contents(out);
}

bool buildNamedWindowRuntime(NamedWindow &window, AppContext *app, const Definition &def,
                             QString *error)
{
    std::vector<EvaluatorPtr> args;
    CompileOptions options;
    options.app = app;
    ExpressionCompiler compiler(options);
    for (const auto &a : def.windowCall.args) {
        EvaluatorPtr e = compiler.compile(*a);
        if (!e) {
            *error = compiler.error();
            return false;
        }
        args.push_back(std::move(e));
    }
    window.m_window = makeWindow(def.windowCall, app, window.m_layout, std::move(args), error);
    if (!window.m_window)
        return false;
    // Siddhi's named windows keep expired events unless the definition asks for current ones.
    window.m_window->outputExpectsExpired = def.windowOutput != OutputEventType::Current;
    window.m_publisher =
        std::make_unique<NamedWindow::Publisher>(window.m_output.get(), def.windowOutput);
    window.m_window->setNext(window.m_publisher.get());
    return true;
}

bool buildNamedWindow(AppRuntime &app, QueryBuilder &builder, const Definition &def)
{
    if (!def.hasWindowCall)
        return builder.error(def.range,
                             QStringLiteral("window '%1' needs a window, as in: define window %1 "
                                            "(...) length(10)")
                                 .arg(def.name));
    auto junction = app.m_junctions.value(def.name);
    if (!junction)
        return builder.error(def.range,
                             QStringLiteral("window '%1' could not be created").arg(def.name));
    auto window = std::make_shared<NamedWindow>(def.name, junction->sharedLayout(), junction);
    QString error;
    if (!buildNamedWindowRuntime(*window, &app.context(), def, &error))
        return builder.error(def.windowCall.range, error);
    app.m_namedWindows.insert(def.name, window);
    return true;
}

} // namespace Rivulet::Runtime
