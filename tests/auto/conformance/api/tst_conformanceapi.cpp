// Runs every conformance case through the C++ API (Engine, InputHandler, stream callbacks),
// the way an application embedding the engine would, and checks the same expected output.
#include "../conformancecase.h"

#include "engine/runtime/appruntime.h"
#include "engine/runtime/eventjson.h"

#include <QSet>
#include <QTest>

using namespace Rivulet::Runtime;

class tst_ConformanceApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cases_data();
    void cases();
    void enoughCases();
};

void tst_ConformanceApi::cases_data()
{
    QTest::addColumn<QString>("path");
    const QDir root(ConformanceCase::root());
    for (const QString &f : ConformanceCase::files())
        QTest::newRow(qPrintable(root.relativeFilePath(f))) << f;
}

void tst_ConformanceApi::cases()
{
    QFETCH(QString, path);
    ConformanceCase c;
    QString error;
    QVERIFY2(c.load(path, &error), qPrintable(error));

    Engine::Options options;
    options.clock = ClockMode::Playback;
    options.logger = [](LogLevel, const QString &, const QString &) {};
    Engine engine(options);
    QList<Rivulet::Lang::Diagnostic> diagnostics;
    auto app = engine.createApp(c.app, path, &diagnostics);
    if (!app) {
        QStringList messages;
        for (const auto &d : diagnostics)
            messages << d.toText();
        QVERIFY2(c.exitCode == 1, qPrintable(messages.join(u'\n')));
        return;
    }
    QStringList streams = c.emit;
    if (streams.isEmpty()) {
        QSet<QString> targets;
        auto collect = [&](const Rivulet::Lang::Ast::Query &q) {
            if (q.output.kind == Rivulet::Lang::Ast::QueryOutput::Insert && !q.output.target.inner)
                targets.insert(q.output.target.name);
        };
        for (const auto &e : app->compiled().app->executions) {
            if (e.query)
                collect(*e.query);
            if (e.partition) {
                for (const auto &q : e.partition->queries)
                    collect(*q);
            }
        }
        for (const auto *s : app->compiled().model.schemas()) {
            if (s->kind == Rivulet::Lang::SchemaKind::FaultStream
                || (targets.contains(s->name) && app->junction(s->name)))
                streams << s->name;
        }
    }
    QList<QByteArray> lines;
    for (const QString &s : std::as_const(streams)) {
        app->addStreamCallback(s, [&lines, s](const EventChunk &chunk) {
            for (const Event *e : chunk.events) {
                if (e->type == EventType::Current || e->type == EventType::Expired)
                    lines << eventToJsonLine(s, *e).trimmed();
            }
        });
    }
    app->start();
    int skipped = 0;
    for (const QByteArray &line : std::as_const(c.input)) {
        QString lineError;
        if (!replayLine(*app, line, &lineError))
            ++skipped;
    }
    app->shutdown();
    const QString report =
        QStringLiteral("\n--- expected\n%1\n--- actual\n%2")
            .arg(QString::fromUtf8(c.expected.join('\n')), QString::fromUtf8(lines.join('\n')));
    QCOMPARE(skipped > 0 ? 3 : 0, c.exitCode);
    QVERIFY2(lines == c.expected, qPrintable(QStringLiteral("output differs") + report));
}

void tst_ConformanceApi::enoughCases()
{
    // The runtime issue asks for at least 200 cases.
    QVERIFY2(ConformanceCase::files().size() >= 200,
             qPrintable(
                 QStringLiteral("only %1 conformance cases").arg(ConformanceCase::files().size())));
}

QTEST_APPLESS_MAIN(tst_ConformanceApi)
#include "tst_conformanceapi.moc"
