#include "types.h"

#include <QStringList>

namespace Rivulet::Lang {

QString typeName(AttrType type)
{
    switch (type) {
    case AttrType::String:
        return QStringLiteral("string");
    case AttrType::Int:
        return QStringLiteral("int");
    case AttrType::Long:
        return QStringLiteral("long");
    case AttrType::Float:
        return QStringLiteral("float");
    case AttrType::Double:
        return QStringLiteral("double");
    case AttrType::Bool:
        return QStringLiteral("bool");
    case AttrType::Object:
        return QStringLiteral("object");
    case AttrType::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

bool parseTypeName(const QString &name, AttrType *type)
{
    static const struct
    {
        const char *name;
        AttrType type;
    } table[] = {{"string", AttrType::String}, {"int", AttrType::Int},
                 {"long", AttrType::Long},     {"float", AttrType::Float},
                 {"double", AttrType::Double}, {"bool", AttrType::Bool},
                 {"object", AttrType::Object}};
    for (const auto &entry : table) {
        if (name.compare(QLatin1String(entry.name), Qt::CaseInsensitive) == 0) {
            *type = entry.type;
            return true;
        }
    }
    return false;
}

QString typeSetText(TypeSet types)
{
    if ((types & kAnyType) == kAnyType)
        return QStringLiteral("any type");
    QStringList names;
    for (int t = 0; t <= int(AttrType::Object); ++t) {
        if (types & typeBit(AttrType(t)))
            names << typeName(AttrType(t));
    }
    if (names.size() <= 1)
        return names.value(0);
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

AttrType widerNumeric(AttrType a, AttrType b)
{
    if (!isNumeric(a) || !isNumeric(b))
        return AttrType::Unknown;
    return int(a) > int(b) ? a : b;
}

} // namespace Rivulet::Lang
