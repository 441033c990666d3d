#pragma once

#include "processor.h"

#include "engine/lang/ast.h"

#include <QString>

#include <memory>
#include <vector>

namespace Rivulet::Runtime {

class AppContext;
class WindowProcessor;

// A `define window W (...) <window>(...) [output all|current|expired events]`: one window
// processor shared by the app. `insert into W` feeds it; what it emits (filtered by the output
// event type, current and expired events keeping their types) goes to W's junction, which
// `from W ...` queries read; joins and on-demand queries read what it holds.
class NamedWindow
{
public:
    NamedWindow(QString name, std::shared_ptr<EventLayout> layout,
                std::shared_ptr<StreamJunction> output);
    ~NamedWindow();
    NamedWindow(const NamedWindow &) = delete;
    NamedWindow &operator=(const NamedWindow &) = delete;

    const QString &name() const { return m_name; }
    EventLayout *layout() const { return m_layout.get(); }
    std::shared_ptr<EventLayout> sharedLayout() const { return m_layout; }
    StreamJunction *junction() const { return m_output.get(); }
    WindowProcessor *window() const { return m_window.get(); }

    // Events inserted by a query: expired events enter as current ones (Siddhi's
    // InsertIntoWindowCallback does the same).
    void insert(EventChunk &chunk);
    // What the window holds now, oldest first.
    void contents(std::vector<Event *> &out) const;

private:
    friend bool buildNamedWindowRuntime(NamedWindow &, AppContext *, const Lang::Ast::Definition &,
                                        QString *);
    class Publisher;
    QString m_name;
    std::shared_ptr<EventLayout> m_layout;
    std::shared_ptr<StreamJunction> m_output;
    std::unique_ptr<WindowProcessor> m_window;
    std::unique_ptr<Publisher> m_publisher;
};

} // namespace Rivulet::Runtime
