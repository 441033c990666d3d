#pragma once

#include "engine/lang/semanticmodel.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Rivulet::Lang {
struct CompiledApp;
}

namespace Rivulet::Editor {

// A stream, table, window, aggregation or trigger of the app, as the editor needs it.
struct NamedSchema
{
    QString name;
    Lang::SchemaKind kind = Lang::SchemaKind::Stream;
    QList<Lang::AttributeInfo> attributes;
    int definitionStart = -1; // byte range of the name where it is defined (or first inserted)
    int definitionEnd = -1;
    bool inferred = false;
};

// The names an app defines: what the highlighting, completion and go-to-definition know beyond
// the registry. Built from the analyzer's semantic model where it has one, and from a scan of
// the tokens otherwise, so it stays useful while the text does not parse.
class NameIndex
{
public:
    // Only what the tokens tell: define statements, attribute lists, insert into targets.
    static NameIndex fromTokens(QByteArrayView source);
    // The analyzer's schemas (with inferred streams and their attributes), completed by the
    // token scan for what did not analyse.
    static NameIndex fromCompiled(const Lang::CompiledApp &compiled);

    const NamedSchema *schema(const QString &name) const;
    const QList<NamedSchema> &schemas() const { return m_schemas; }
    // A `define function` name and where it is defined.
    int functionDefinition(const QString &name) const { return m_functions.value(name, -1); }
    QStringList functionNames() const { return m_functions.keys(); }

    // Fast look-ups by the raw UTF-8 text of a token (for the highlighter).
    bool isSchemaName(QByteArrayView utf8) const;
    bool isAttributeName(QByteArrayView utf8) const;
    bool isFunctionName(QByteArrayView utf8) const;

    // Whether highlighting would colour some word differently with the other index.
    bool sameNamesAs(const NameIndex &other) const;

private:
    void add(NamedSchema schema);
    void addAttributeName(const QString &name);
    void merge(const NameIndex &other);

    QList<NamedSchema> m_schemas;
    QHash<QString, int> m_byName;
    QHash<QString, int> m_functions;
    QSet<QByteArray> m_schemaNames;
    QSet<QByteArray> m_attributeNames;
    QSet<QByteArray> m_functionNames;
};

} // namespace Rivulet::Editor
