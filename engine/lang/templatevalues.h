#pragma once

#include <QString>

#include <functional>
#include <optional>

namespace Rivulet::Lang {

// Replaces every ${NAME} in a value (Siddhi's template variables: letters, digits, '_' and '.')
// with what lookup gives for NAME. The first name lookup has no value for is left in *missing
// and the result is empty. One rule for the apps' annotations (IoContext) and the deployment
// config (its own precedence of environment and `variables`).
std::optional<QString>
resolveTemplate(const QString &value,
                const std::function<std::optional<QString>(const QString &)> &lookup,
                QString *missing);

} // namespace Rivulet::Lang
