#pragma once

#include "ast.h"
#include "types.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace Rivulet::Lang {

struct AttributeInfo
{
    QString name;
    AttrType type = AttrType::Unknown;
};

enum class SchemaKind { Stream, Table, Window, Aggregation, Trigger, InnerStream, FaultStream };
QString schemaKindName(SchemaKind kind);

// What the analyzer knows about a stream, table, window, aggregation or trigger.
struct Schema
{
    QString name;
    SchemaKind kind = SchemaKind::Stream;
    QList<AttributeInfo> attributes;
    bool inferred = false;   // defined by a query's output, not by 'define'
    bool incomplete = false; // its definition did not parse: do not report unknown attributes
    SourceRange range;       // where it is defined (or first inserted into)
    const Ast::Definition *definition = nullptr;
    const Ast::Partition *partition = nullptr; // inner streams: the partition that holds them

    int indexOf(const QString &attribute) const;
    QStringList attributeNames() const;
    // "symbol string, price double"
    QString attributeText() const;
    bool isStreamLike() const
    {
        return kind == SchemaKind::Stream || kind == SchemaKind::InnerStream
               || kind == SchemaKind::FaultStream || kind == SchemaKind::Trigger
               || kind == SchemaKind::Window;
    }
};

// The result of analysis: every schema by name (stream names are case-sensitive, as in Siddhi),
// the inner streams of each partition, and the output schema of each query.
class SemanticModel
{
public:
    SemanticModel();
    SemanticModel(SemanticModel &&) noexcept;
    SemanticModel &operator=(SemanticModel &&) noexcept;
    ~SemanticModel();

    const Schema *find(const QString &name) const;
    const Schema *findInner(const Ast::Partition *partition, const QString &name) const;
    // Every global schema in definition order (inner streams excluded).
    QList<const Schema *> schemas() const;
    QList<const Schema *> schemas(SchemaKind kind) const;
    QList<const Schema *> innerSchemas(const Ast::Partition *partition) const;
    QList<AttributeInfo> queryOutput(const Ast::Query *query) const
    {
        return m_queryOutputs.value(query);
    }

    Schema *add(Schema schema);
    Schema *addInner(const Ast::Partition *partition, Schema schema);
    Schema *findMutable(const QString &name);
    // Keeps a schema that has no name in the app (an inner query's output, a stream widened by
    // a stream function) alive as long as the model, without making it findable.
    Schema *adopt(Schema schema);
    void setQueryOutput(const Ast::Query *query, QList<AttributeInfo> attributes)
    {
        m_queryOutputs.insert(query, std::move(attributes));
    }

private:
    std::vector<std::unique_ptr<Schema>> m_storage;
    QHash<QString, Schema *> m_byName;
    QHash<const Ast::Partition *, QHash<QString, Schema *>> m_inner;
    QHash<const Ast::Query *, QList<AttributeInfo>> m_queryOutputs;
    QSet<const Schema *> m_adopted;
};

} // namespace Rivulet::Lang
