#pragma once

#include <QByteArray>

namespace Rivulet::Lang {
class Registry;
} // namespace Rivulet::Lang

namespace Rivulet::Syntax {

// The KSyntaxHighlighting definition of SiddhiQL (resources/syntax/siddhi.xml), written from the
// engine's keyword table and built-in registry so that it never keeps a list of its own. The
// output is deterministic: the committed file must equal it byte for byte (the test
// syntax/registrydrift checks; `cmake --build build --target update-syntax` rewrites it).
QByteArray generateKateSyntax(const Lang::Registry &registry);

} // namespace Rivulet::Syntax
