#pragma once

#include "analysisservice.h"
#include "codeeditor.h"
#include "completion.h"

#include <QTimer>

namespace Rivulet::Editor {

class SiddhiLexer;

// The SiddhiQL editor: a CodeEditor with the SiddhiLexer, context-aware completion and call
// tips, live diagnostics from the engine's front end (run off the UI thread, debounced), and
// go to definition (Ctrl+click or F12 on a stream, table, window, aggregation or function).
class SiddhiEditor final : public CodeEditor
{
    Q_OBJECT

public:
    explicit SiddhiEditor(QWidget *parent = nullptr);
    ~SiddhiEditor() override;

    SiddhiLexer *siddhiLexer() const { return m_lexer; }
    // The name diagnostics carry (the file being edited).
    void setFileName(const QString &fileName) { m_fileName = fileName; }
    QString fileName() const { return m_fileName; }

    // The result of the last analysis that matches the text (null before the first).
    AnalysisPtr analysis() const { return m_analysis; }
    bool isAnalysisPending() const;
    // Analyses now instead of after the typing pause.
    void analyzeNow();

    CompletionResult completionsAt(int position);
    CallTip callTipAt(int position);
    // Shows the completion list at the cursor (Ctrl+Space); explicit shows it even when
    // nothing is typed yet.
    void showCompletions(bool explicitRequest = true);
    void updateCallTip();
    bool goToDefinition(int position) { return goToDefinitionAt(position); }
    // Where the name at position is defined (byte offset of the name), or -1.
    int definitionOf(int position, int *end = nullptr) const;

Q_SIGNALS:
    // Every time the analysis of the current text is done: the sorted list for a problems panel.
    void diagnosticsChanged(const QList<Rivulet::Lang::Diagnostic> &diagnostics);
    void analyzed(Rivulet::Editor::AnalysisPtr analysis);

protected:
    QString hoverText(int position) const override;
    bool goToDefinitionAt(int position) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onTextChanged();
    void onCharAdded(int ch);
    void onAnalysisFinished(AnalysisPtr analysis);
    void registerCompletionImages();
    void showCompletionList(const CompletionResult &result, bool explicitRequest);
    ScanStart scanStartFor(int position);

    SiddhiLexer *m_lexer = nullptr;
    AnalysisService *m_service = nullptr;
    QTimer m_debounce;
    CompletionEngine m_completion;
    AnalysisPtr m_analysis;
    QString m_fileName;
    quint64 m_revision = 0;
    int m_tipPosition = -1;
    int m_tipArgument = -1;
};

} // namespace Rivulet::Editor
