#include "nameindex.h"

#include "engine/lang/frontend.h"
#include "engine/lang/lexer.h"

namespace Rivulet::Editor {

using Lang::Keyword;
using Lang::Lexer;
using Lang::SchemaKind;
using Lang::Token;
using Lang::TokenKind;

namespace {

bool kindOfDefinition(const Token &t, SchemaKind *kind, bool *isFunction)
{
    *isFunction = false;
    if (t.kind != TokenKind::Keyword)
        return false;
    switch (t.keyword) {
    case Keyword::Stream:
        *kind = SchemaKind::Stream;
        return true;
    case Keyword::Table:
        *kind = SchemaKind::Table;
        return true;
    case Keyword::Window:
        *kind = SchemaKind::Window;
        return true;
    case Keyword::Trigger:
        *kind = SchemaKind::Trigger;
        return true;
    case Keyword::Aggregation:
        *kind = SchemaKind::Aggregation;
        return true;
    case Keyword::Function:
        *isFunction = true;
        return true;
    default:
        return false;
    }
}

} // namespace

NameIndex NameIndex::fromTokens(QByteArrayView source)
{
    NameIndex index;
    const QList<Token> tokens = Lexer::tokenize(source);
    const auto at = [&](qsizetype i) -> const Token & {
        return tokens[qMin(i, tokens.size() - 1)];
    };
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const Token &t = tokens[i];
        if (t.is(Keyword::Define)) {
            SchemaKind kind = SchemaKind::Stream;
            bool isFunction = false;
            if (!kindOfDefinition(at(i + 1), &kind, &isFunction) || !at(i + 2).isName())
                continue;
            const Token &name = at(i + 2);
            const QString text = Lexer::tokenText(source, name);
            if (isFunction) {
                if (!index.m_functions.contains(text)) {
                    index.m_functions.insert(text, name.offset);
                    index.m_functionNames.insert(text.toUtf8());
                }
                continue;
            }
            NamedSchema schema;
            schema.name = text;
            schema.kind = kind;
            schema.definitionStart = name.offset;
            schema.definitionEnd = name.end();
            if (at(i + 3).is(TokenKind::LParen)) {
                // (name type, name type, ...)
                qsizetype j = i + 4;
                while (j < tokens.size() && at(j).isName()) {
                    Lang::AttributeInfo attribute;
                    attribute.name = Lexer::tokenText(source, at(j));
                    Lang::AttrType type = Lang::AttrType::Unknown;
                    if (at(j + 1).isName()
                        && Lang::parseTypeName(Lexer::tokenText(source, at(j + 1)), &type))
                        attribute.type = type;
                    schema.attributes << attribute;
                    j += 2;
                    if (!at(j).is(TokenKind::Comma))
                        break;
                    ++j;
                }
            }
            index.add(std::move(schema));
        } else if (t.is(Keyword::Into)) {
            qsizetype j = i + 1;
            bool inner = false;
            if (at(j).is(TokenKind::Hash)) {
                inner = true;
                ++j;
            }
            if (!at(j).isName())
                continue;
            const QString text = Lexer::tokenText(source, at(j));
            if (index.m_byName.contains(text))
                continue;
            NamedSchema schema;
            schema.name = text;
            schema.kind = inner ? SchemaKind::InnerStream : SchemaKind::Stream;
            schema.inferred = true;
            schema.definitionStart = at(j).offset;
            schema.definitionEnd = at(j).end();
            index.add(std::move(schema));
        } else if (t.is(Keyword::As) && at(i + 1).isName()) {
            index.addAttributeName(Lexer::tokenText(source, at(i + 1)));
        }
    }
    return index;
}

NameIndex NameIndex::fromCompiled(const Lang::CompiledApp &compiled)
{
    NameIndex index;
    const auto addSchema = [&index](const Lang::Schema *s) {
        NamedSchema schema;
        schema.name = s->name;
        schema.kind = s->kind;
        schema.attributes = s->attributes;
        schema.inferred = s->inferred;
        if (s->range.isValid() && s->range.end > s->range.start) {
            schema.definitionStart = s->range.start;
            schema.definitionEnd = s->range.end;
        }
        index.add(std::move(schema));
    };
    for (const Lang::Schema *s : compiled.model.schemas())
        addSchema(s);
    if (compiled.app) {
        const auto addOutputs = [&](const Lang::Ast::Query *query) {
            for (const Lang::AttributeInfo &a : compiled.model.queryOutput(query))
                index.addAttributeName(a.name);
        };
        for (const Lang::Ast::ExecutionElement &e : compiled.app->executions) {
            if (e.query)
                addOutputs(e.query.get());
            if (e.partition) {
                for (const Lang::Schema *s : compiled.model.innerSchemas(e.partition.get()))
                    addSchema(s);
                for (const auto &q : e.partition->queries)
                    addOutputs(q.get());
            }
        }
        for (const auto &def : compiled.app->definitions) {
            if (def->kind == Lang::Ast::DefinitionKind::Function && !def->name.isEmpty()) {
                index.m_functions.insert(def->name, def->nameRange.start);
                index.m_functionNames.insert(def->name.toUtf8());
            }
        }
    }
    index.merge(fromTokens(compiled.source));
    return index;
}

void NameIndex::add(NamedSchema schema)
{
    if (schema.name.isEmpty())
        return;
    const auto it = m_byName.constFind(schema.name);
    for (const Lang::AttributeInfo &a : schema.attributes)
        addAttributeName(a.name);
    if (it != m_byName.constEnd()) {
        // Keep the first definition; a later one may only add attributes it lacked.
        NamedSchema &existing = m_schemas[*it];
        if (existing.attributes.isEmpty())
            existing.attributes = schema.attributes;
        return;
    }
    m_schemaNames.insert(schema.name.toUtf8());
    m_byName.insert(schema.name, int(m_schemas.size()));
    m_schemas << std::move(schema);
}

void NameIndex::addAttributeName(const QString &name)
{
    if (!name.isEmpty())
        m_attributeNames.insert(name.toUtf8());
}

void NameIndex::merge(const NameIndex &other)
{
    for (const NamedSchema &s : other.m_schemas)
        add(s);
    for (auto it = other.m_functions.constBegin(); it != other.m_functions.constEnd(); ++it) {
        if (!m_functions.contains(it.key())) {
            m_functions.insert(it.key(), it.value());
            m_functionNames.insert(it.key().toUtf8());
        }
    }
    m_attributeNames.unite(other.m_attributeNames);
}

const NamedSchema *NameIndex::schema(const QString &name) const
{
    const auto it = m_byName.constFind(name);
    return it == m_byName.constEnd() ? nullptr : &m_schemas[*it];
}

bool NameIndex::isSchemaName(QByteArrayView utf8) const
{
    return m_schemaNames.contains(QByteArray::fromRawData(utf8.data(), utf8.size()));
}

bool NameIndex::isAttributeName(QByteArrayView utf8) const
{
    return m_attributeNames.contains(QByteArray::fromRawData(utf8.data(), utf8.size()));
}

bool NameIndex::isFunctionName(QByteArrayView utf8) const
{
    return m_functionNames.contains(QByteArray::fromRawData(utf8.data(), utf8.size()));
}

bool NameIndex::sameNamesAs(const NameIndex &other) const
{
    return m_schemaNames == other.m_schemaNames && m_attributeNames == other.m_attributeNames
           && m_functionNames == other.m_functionNames;
}

} // namespace Rivulet::Editor
