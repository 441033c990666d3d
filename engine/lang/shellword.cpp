#include "shellword.h"

#include <QRegularExpression>

namespace Rivulet::Lang {

QString shellWord(const QString &text)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    if (safe.match(text).hasMatch())
        return text;
    QString quoted = text;
    quoted.replace(u'\'', QLatin1String("'\\''"));
    return u'\'' + quoted + u'\'';
}

} // namespace Rivulet::Lang
