#pragma once

#include <QByteArray>
#include <QString>

namespace Rivulet::Lang {
struct CompiledApp;
}

namespace Rivulet::Export {

// An AsyncAPI 2.6 document (YAML) of an app's raw endpoints: one server and one channel per
// websocket-server or http source and websocket-server sink, with the stream's attributes as
// the JSON message schema (the json mapper's {"event": {...}} form). Sinks are `subscribe`
// operations (the client receives), sources `publish` (the client sends). Empty when the app
// has no such endpoint. The apps' ${VAR}s must already be substituted.
QByteArray generateAsyncApi(const Lang::CompiledApp &app);

} // namespace Rivulet::Export
