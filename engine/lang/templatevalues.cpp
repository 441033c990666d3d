#include "templatevalues.h"

#include <QRegularExpression>

namespace Rivulet::Lang {

std::optional<QString>
resolveTemplate(const QString &value,
                const std::function<std::optional<QString>(const QString &)> &lookup,
                QString *missing)
{
    if (!value.contains(QLatin1String("${")))
        return value;
    static const QRegularExpression var(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)\\}"));
    QString out;
    qsizetype last = 0;
    auto it = var.globalMatch(value);
    while (it.hasNext()) {
        const auto m = it.next();
        const std::optional<QString> replacement = lookup(m.captured(1));
        if (!replacement) {
            if (missing)
                *missing = m.captured(1);
            return std::nullopt;
        }
        out += value.mid(last, m.capturedStart() - last) + *replacement;
        last = m.capturedEnd();
    }
    out += value.mid(last);
    return out;
}

} // namespace Rivulet::Lang
