#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Rivulet::Editor {

class CodeEditor;

// Find and replace for a CodeEditor: plain text or regular expression, case, whole word.
class FindBar final : public QWidget
{
    Q_OBJECT

public:
    explicit FindBar(CodeEditor *editor, QWidget *parent = nullptr);

    void showFind();
    void showReplace();
    void findNext();
    void findPrevious();
    void replaceOne();
    void replaceAll();
    void close();

    QLineEdit *findEdit() const { return m_find; }
    QLineEdit *replaceEdit() const { return m_replace; }
    QCheckBox *regexBox() const { return m_regex; }
    QCheckBox *caseBox() const { return m_case; }
    QCheckBox *wordBox() const { return m_word; }

private:
    int flags() const;
    void updateMatches();

    CodeEditor *m_editor;
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QCheckBox *m_regex;
    QCheckBox *m_case;
    QCheckBox *m_word;
    QLabel *m_status;
    QWidget *m_replaceRow;
};

} // namespace Rivulet::Editor
