// Runs every conformance case through the real `rivulet run --events` binary.
#include "../conformancecase.h"

#include <QProcess>
#include <QTemporaryFile>
#include <QTest>

class tst_ConformanceCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cases_data();
    void cases();
};

void tst_ConformanceCli::cases_data()
{
    QTest::addColumn<QString>("path");
    const QDir root(ConformanceCase::root());
    for (const QString &f : ConformanceCase::files())
        QTest::newRow(qPrintable(root.relativeFilePath(f))) << f;
}

void tst_ConformanceCli::cases()
{
    QFETCH(QString, path);
    ConformanceCase c;
    QString error;
    QVERIFY2(c.load(path, &error), qPrintable(error));

    QTemporaryFile input;
    QVERIFY(input.open());
    for (const QByteArray &line : std::as_const(c.input))
        input.write(line + '\n');
    input.flush();

    QStringList args{QStringLiteral("run"), path, QStringLiteral("--events"), input.fileName()};
    if (!c.emit.isEmpty())
        args << QStringLiteral("--emit") << c.emit.join(u',');
    QProcess p;
    p.start(QStringLiteral(RIVULET_BINARY_DIR "/bin/rivulet"), args);
    QVERIFY2(p.waitForFinished(60000), "rivulet run did not finish within 60 s");
    const QByteArray out = p.readAllStandardOutput();
    const QByteArray err = p.readAllStandardError();
    QList<QByteArray> lines;
    for (const QByteArray &l : out.split('\n')) {
        if (!l.trimmed().isEmpty())
            lines << l.trimmed();
    }
    const QString report = QStringLiteral("\n--- expected\n%1\n--- actual\n%2\n--- stderr\n%3")
                               .arg(QString::fromUtf8(c.expected.join('\n')),
                                    QString::fromUtf8(lines.join('\n')), QString::fromUtf8(err));
    QVERIFY2(
        p.exitCode() == c.exitCode,
        qPrintable(QStringLiteral("exit status %1, expected %2").arg(p.exitCode()).arg(c.exitCode)
                   + report));
    QVERIFY2(lines == c.expected, qPrintable(QStringLiteral("output differs") + report));
}

QTEST_APPLESS_MAIN(tst_ConformanceCli)
#include "tst_conformancecli.moc"
