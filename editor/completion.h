#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace Rivulet::Editor {

class NameIndex;

enum class CompletionKind {
    Keyword,
    Stream, // streams, tables, windows, aggregations and triggers (detail says which)
    Attribute,
    Reference, // an alias or a pattern's event reference (e1, a)
    Function,
    Aggregate,
    Window,
    StreamProcessor,
    Namespace,
    Annotation,
    AnnotationKey,
    Value, // a registered source, sink or mapper type
    Type,
};

struct CompletionItem
{
    QString text;
    CompletionKind kind = CompletionKind::Keyword;
    QString detail; // signature, type or kind, for the list's tooltip
};

struct CompletionResult
{
    int replaceStart = 0; // byte offset of the start of the word being completed
    QString prefix;       // what is typed of it
    QString context;      // what the cursor is at ("source", "attribute", "window", ...)
    QList<CompletionItem> items;

    QStringList texts() const;
    bool contains(const QString &text) const { return texts().contains(text); }
};

// The parameters of the call the cursor is in, as the call tip shows them.
struct CallTip
{
    bool valid = false;
    int position = 0;        // byte offset of the callee's name
    QString text;            // the registry's signature: "length(int window.length)"
    int highlightStart = -1; // UTF-8 byte offsets of the current parameter in text
    int highlightEnd = -1;
    int argument = 0; // zero-based index of the argument at the cursor
};

// Context-aware completion for SiddhiQL from the tokens around the cursor, the registry and the
// app's names. It needs no parse of the current statement, so it keeps working while the text
// has errors: names come from the last good analysis (setNames) merged with a token scan of
// the text itself.
class CompletionEngine
{
public:
    void setNames(std::shared_ptr<const NameIndex> names) { m_names = std::move(names); }

    CompletionResult complete(QByteArrayView text, int position) const;
    CallTip callTip(QByteArrayView text, int position) const;

private:
    std::shared_ptr<const NameIndex> m_names;
};

QString completionKindName(CompletionKind kind);

} // namespace Rivulet::Editor
