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

// Where to start reading the text: the start of a line that begins between statements (the
// editor knows one from its lexer's line states), so that a request in a large app reads only
// the statement at the cursor. The default reads from the top.
struct ScanStart
{
    int offset = 0;
    int line = 1;           // 1-based line of offset
    int partitionDepth = 0; // inside how many partition begin ... end at offset
};

// Context-aware completion for SiddhiQL from the tokens around the cursor, the registry and the
// app's names. It needs no parse of the current statement, so it keeps working while the text
// has errors: names come from the last analysis (setNames; the analyzer's schemas plus a token
// scan of what did not parse), or from a token scan of the text before there is one.
class CompletionEngine
{
public:
    void setNames(std::shared_ptr<const NameIndex> names) { m_names = std::move(names); }

    CompletionResult complete(QByteArrayView text, int position, const ScanStart &start = {}) const;
    CallTip callTip(QByteArrayView text, int position, const ScanStart &start = {}) const;

private:
    std::shared_ptr<const NameIndex> m_names;
};

QString completionKindName(CompletionKind kind);

} // namespace Rivulet::Editor
