#pragma once

#include "eventsink.h"

#include <vector>

namespace Rivulet::Runtime {
class AppRuntime;
class InputHandler;
} // namespace Rivulet::Runtime

namespace Rivulet::Simulator {

// Sends into an app running in this process, through its input handlers' fast path: events are
// built in the stream's own layout and handed over as they are (InputHandler::send(Event *)).
class AppSink final : public EventSink
{
public:
    explicit AppSink(Runtime::AppRuntime *app);

    QString description() const override;
    std::optional<StreamSchema> schema(const QString &stream) const override;
    int openStream(const StreamSchema &schema, QString *error) override;
    Runtime::EventLayout *layout(int stream) const override;
    Runtime::Event *allocate(int stream) override;
    void release(int stream, Runtime::Event *event) override;
    bool send(int stream, Runtime::Event *event) override;
    bool followsEventTime() const override;
    qint64 defaultTimestamp() const override;

private:
    Runtime::AppRuntime *m_app;
    std::vector<Runtime::InputHandler *> m_handlers;
};

} // namespace Rivulet::Simulator
