#include "semanticmodel.h"

#include <QStringList>

namespace Rivulet::Lang {

QString schemaKindName(SchemaKind kind)
{
    switch (kind) {
    case SchemaKind::Stream:
        return QStringLiteral("stream");
    case SchemaKind::Table:
        return QStringLiteral("table");
    case SchemaKind::Window:
        return QStringLiteral("window");
    case SchemaKind::Aggregation:
        return QStringLiteral("aggregation");
    case SchemaKind::Trigger:
        return QStringLiteral("trigger");
    case SchemaKind::InnerStream:
        return QStringLiteral("inner stream");
    case SchemaKind::FaultStream:
        return QStringLiteral("fault stream");
    }
    return {};
}

int Schema::indexOf(const QString &attribute) const
{
    for (int i = 0; i < attributes.size(); ++i) {
        if (attributes[i].name == attribute)
            return i;
    }
    return -1;
}

QStringList Schema::attributeNames() const
{
    QStringList names;
    for (const AttributeInfo &a : attributes)
        names << a.name;
    return names;
}

QString Schema::attributeText() const
{
    QStringList parts;
    for (const AttributeInfo &a : attributes)
        parts << a.name + u' ' + typeName(a.type);
    return parts.join(QStringLiteral(", "));
}

SemanticModel::SemanticModel() = default;
SemanticModel::SemanticModel(SemanticModel &&) noexcept = default;
SemanticModel &SemanticModel::operator=(SemanticModel &&) noexcept = default;
SemanticModel::~SemanticModel() = default;

const Schema *SemanticModel::find(const QString &name) const
{
    return m_byName.value(name);
}

Schema *SemanticModel::findMutable(const QString &name)
{
    return m_byName.value(name);
}

const Schema *SemanticModel::findInner(const Ast::Partition *partition, const QString &name) const
{
    const auto it = m_inner.constFind(partition);
    return it == m_inner.constEnd() ? nullptr : it->value(name);
}

QList<const Schema *> SemanticModel::schemas() const
{
    QList<const Schema *> out;
    for (const auto &s : m_storage) {
        if (s->kind != SchemaKind::InnerStream && !m_adopted.contains(s.get()))
            out << s.get();
    }
    return out;
}

QList<const Schema *> SemanticModel::schemas(SchemaKind kind) const
{
    QList<const Schema *> out;
    for (const auto &s : m_storage) {
        if (s->kind == kind && !m_adopted.contains(s.get()))
            out << s.get();
    }
    return out;
}

QList<const Schema *> SemanticModel::innerSchemas(const Ast::Partition *partition) const
{
    QList<const Schema *> out;
    for (const auto &s : m_storage) {
        if (s->kind == SchemaKind::InnerStream && s->partition == partition)
            out << s.get();
    }
    return out;
}

Schema *SemanticModel::add(Schema schema)
{
    m_storage.push_back(std::make_unique<Schema>(std::move(schema)));
    Schema *s = m_storage.back().get();
    m_byName.insert(s->name, s);
    return s;
}

Schema *SemanticModel::adopt(Schema schema)
{
    schema.partition = nullptr;
    m_storage.push_back(std::make_unique<Schema>(std::move(schema)));
    m_storage.back()->kind = SchemaKind::Stream;
    m_adopted.insert(m_storage.back().get());
    return m_storage.back().get();
}

Schema *SemanticModel::addInner(const Ast::Partition *partition, Schema schema)
{
    schema.kind = SchemaKind::InnerStream;
    schema.partition = partition;
    m_storage.push_back(std::make_unique<Schema>(std::move(schema)));
    Schema *s = m_storage.back().get();
    m_inner[partition].insert(s->name, s);
    return s;
}

} // namespace Rivulet::Lang
