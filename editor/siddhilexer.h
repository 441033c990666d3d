#pragma once

#include "editortheme.h"

#include "qscintilla.h"

#include <memory>

namespace Rivulet::Editor {

class NameIndex;

// Styles SiddhiQL from the engine's own lexer (one source of truth: no keyword list here), the
// built-in registry and the names the app defines. Style numbers are SyntaxRole values, so any
// EditorTheme colours it.
//
// Restyling is incremental. Each line stores the state the lexer is in at its start (inside a
// multi-line comment, """ string or script; inside a statement; partition depth; annotation
// depth) as its Scintilla line state. After an edit, styling starts on the first changed line
// (or the line where the token that spans into it began) and stops at the first line past the
// edit whose new start state equals the stored one: the rest of the document is styled already.
// Folding levels come from the same pass: partition begin...end, multi-line statements and
// multi-line comments or strings fold.
class SiddhiLexer final : public QsciLexerCustom
{
    Q_OBJECT

public:
    explicit SiddhiLexer(QObject *parent = nullptr);
    ~SiddhiLexer() override;

    const char *language() const override { return "SiddhiQL"; }
    QString description(int style) const override;
    void styleText(int start, int end) override;
    void setEditor(QsciScintilla *editor) override;
    const char *wordCharacters() const override;
    int braceStyle() const override { return int(SyntaxRole::Operator); }
    QColor defaultColor(int style) const override;
    QColor defaultPaper(int style) const override;

    // The names of the app's streams, tables and attributes. Restyles what is on screen (and
    // lazily the rest) when it colours some word differently than the previous names.
    void setNames(std::shared_ptr<const NameIndex> names);
    std::shared_ptr<const NameIndex> names() const { return m_names; }

    // The last line at or before position's that begins between statements (outside any
    // statement and token), and the partition depth there: where a reader of the statement at
    // position can start. Styles the text up to position first.
    struct StatementStart
    {
        int line = 0;
        int offset = 0;
        int partitionDepth = 0;
    };
    StatementStart statementStart(int position);

    // Forgets all styles: what is shown is restyled when it is next painted (or asked for).
    void invalidate();

    // What the last styling pass did (for tests and the benchmark).
    struct Pass
    {
        int startPosition = 0;
        int endPosition = 0; // exclusive: the text in [start, end) got new styles
        int firstLine = 0;
        int lastLine = 0;          // inclusive
        bool stoppedEarly = false; // the state matched before the requested end
        bool forced = false;
    };
    const Pass &lastPass() const { return m_lastPass; }
    int passCount() const { return m_passCount; }

    // Line state layout (exposed for tests).
    static constexpr int kContinuation = 0x1; // the line starts inside a multi-line token
    static constexpr int kInStatement = 0x2;  // the line starts inside a statement
    static constexpr int kPartitionStatement = 0x4;
    static constexpr int kAppAnnotation = 0x8; // inside @App:...( ), which ends without ';'
    static constexpr int kAnnotationShift = 4; // 4 bits: paren depth inside an annotation
    static constexpr int kPartitionShift = 8;  // 8 bits: partition nesting

private:
    void onModified(int position, int type, const char *text, int length, int linesAdded, int line,
                    int foldNow, int foldPrev, int token, int annotationLinesAdded);

    std::shared_ptr<const NameIndex> m_names;
    int m_validEnd = 0;    // styles (and line states) before this position are up to date
    int m_dirtyStart = -1; // text changed in [m_dirtyStart, m_dirtyEnd] since the last pass
    int m_dirtyEnd = -1;
    bool m_forceAll = true;
    Pass m_lastPass;
    int m_passCount = 0;
};

} // namespace Rivulet::Editor
