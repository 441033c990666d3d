#include "document.h"

#include "editor/codeeditor.h"
#include "editor/editorsettings.h"
#include "editor/editortheme.h"
#include "editor/editorview.h"
#include "editor/siddhieditor.h"

#include "engine/lang/lexer.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QVBoxLayout>

namespace Rivulet::Studio {

Document::Document(const QString &path, QWidget *parent)
    : QWidget(parent)
    , m_path(path)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (isApp()) {
        m_view = new Editor::EditorView(this);
        m_siddhi = m_view->editor();
        m_siddhi->setFileName(path);
        m_code = m_siddhi;
        layout->addWidget(m_view);
        connect(m_siddhi, &Editor::SiddhiEditor::diagnosticsChanged, this,
                [this](const QList<Lang::Diagnostic> &diagnostics) {
                    m_diagnostics = diagnostics;
                    Q_EMIT diagnosticsChanged(diagnostics);
                });
    } else {
        m_code = new Editor::CodeEditor(this);
        layout->addWidget(m_code);
    }
    connect(m_code, &QsciScintilla::modificationChanged, this, &Document::modificationChanged);
}

void Document::setPath(const QString &path)
{
    m_path = path;
    if (m_siddhi)
        m_siddhi->setFileName(path);
}

QString Document::displayName() const
{
    return QFileInfo(m_path).fileName();
}

bool Document::isApp() const
{
    return m_path.endsWith(QLatin1String(".siddhi"), Qt::CaseInsensitive);
}

bool Document::isModified() const
{
    return m_code->isModified();
}

bool Document::load(QString *error)
{
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = f.errorString();
        return false;
    }
    setText(f.readAll());
    m_code->setModified(false);
    return true;
}

bool Document::save(QString *error)
{
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = f.errorString();
        return false;
    }
    f.write(text());
    if (!f.commit()) {
        *error = f.errorString();
        return false;
    }
    m_code->setModified(false);
    return true;
}

QByteArray Document::text() const
{
    return m_code->utf8Text();
}

void Document::setText(const QByteArray &text)
{
    m_code->setText(QString::fromUtf8(text));
    if (m_siddhi)
        m_siddhi->analyzeNow();
}

QString Document::appName() const
{
    // Only the tokens matter: @ App : name ( '...' )
    const QByteArray source = text();
    const QList<Lang::Token> tokens = Lang::Lexer::tokenize(source);
    for (int i = 0; i + 5 < tokens.size(); ++i) {
        if (tokens[i].kind == Lang::TokenKind::At && tokens[i + 1].is(Lang::Keyword::App)
            && tokens[i + 2].kind == Lang::TokenKind::Colon
            && Lang::Lexer::tokenText(source, tokens[i + 3])
                       .compare(QLatin1String("name"), Qt::CaseInsensitive)
                   == 0
            && tokens[i + 4].kind == Lang::TokenKind::LParen
            && tokens[i + 5].kind == Lang::TokenKind::StringLiteral)
            return Lang::Lexer::stringValue(source, tokens[i + 5]);
    }
    return {};
}

void Document::applySettings(const Editor::EditorSettings &settings,
                             const Editor::EditorTheme &theme)
{
    m_code->setSettings(settings);
    m_code->setTheme(theme);
}

void Document::goTo(int line, int column)
{
    m_code->setCursorPosition(qMax(0, line - 1), qMax(0, column - 1));
    m_code->ensureLineVisible(qMax(0, line - 1));
    m_code->setFocus();
}

} // namespace Rivulet::Studio
