#include "editor/editorview.h"
#include "editor/siddhieditor.h"
#include "trainsample.h"

#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QTest>

using namespace Rivulet::Editor;

// Makes the README's picture: the editor on the train sample with one deliberate error (a
// misspelt attribute), its squiggle and its margin marker.
class tst_Screenshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editorWithAnError();
};

void tst_Screenshot::editorWithAnError()
{
    QByteArray text = trainSample();
    const QByteArray correct = "and speed >= 0]";
    QVERIFY(text.contains(correct));
    text.replace(correct, "and sped >= 0]");

    EditorView view;
    SiddhiEditor *editor = view.editor();
    EditorSettings settings = EditorSettings::defaults();
    settings.font = QFont(QStringLiteral("DejaVu Sans Mono"), 10);
    editor->setSettings(settings);
    editor->setFileName(QStringLiteral("TrainLocation.siddhi"));
    view.resize(860, 640);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QSignalSpy spy(editor, &SiddhiEditor::diagnosticsChanged);
    editor->setText(QString::fromUtf8(text));
    QVERIFY(spy.wait(10000));
    QCOMPARE(editor->diagnostics().size(), 1);
    const Rivulet::Lang::Diagnostic d = editor->diagnostics().first();
    QVERIFY2(d.message.contains(QStringLiteral("sped")), qPrintable(d.message));
    QCOMPARE(d.range.start, int(text.indexOf("sped >= 0")));

    // The caret on the error's line, the list of a select's attributes closed.
    editor->setPosition(d.range.end);
    editor->setFocus();
    editor->ensureStyled();
    QTest::qWait(50); // let the paint of the last changes through
    // Opaque 24-bit, saved with the strongest compression: a small file for the README.
    const QImage image = view.grab().toImage().convertToFormat(QImage::Format_RGB888);
    QVERIFY(!image.isNull());

    const QString out = QStringLiteral(RIVULET_BINARY_DIR "/editor.png");
    QVERIFY(image.save(out, "PNG", 0));
    qInfo("saved %s", qPrintable(out));
    // The same editor in the dark theme, switched at run time.
    editor->setTheme(EditorTheme::dark());
    QTest::qWait(50);
    const QString dark = QStringLiteral(RIVULET_BINARY_DIR "/editor-dark.png");
    QVERIFY(view.grab().save(dark));
    qInfo("saved %s", qPrintable(dark));

    if (qEnvironmentVariableIntValue("RIVULET_UPDATE_SCREENSHOTS")) {
        const QString doc = QStringLiteral(RIVULET_SOURCE_DIR "/docs/images/editor.png");
        QDir().mkpath(QStringLiteral(RIVULET_SOURCE_DIR "/docs/images"));
        QVERIFY(image.save(doc, "PNG", 0));
        qInfo("saved %s", qPrintable(doc));
    }
}

int main(int argc, char **argv)
{
    // A real window under Xvfb when there is a display; offscreen otherwise.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    tst_Screenshot test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_screenshot.moc"
