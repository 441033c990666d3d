#include "engine/export/payload.h"

#include "sha256.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace Rivulet::Export;

class tst_Payload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void launcherSha256_data();
    void launcherSha256();
    void roundTrip();
    void corruptionDetected();
    void noTrailer();
};

void tst_Payload::launcherSha256_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("chunk");
    for (int size : {0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 1 << 20})
        for (int chunk : {1, 7, 64, 4096})
            QTest::addRow("%d bytes in %d-byte pieces", size, chunk) << size << chunk;
}

void tst_Payload::launcherSha256()
{
    QFETCH(int, size);
    QFETCH(int, chunk);
    if (size > 100000 && chunk < 64)
        QSKIP("slow and adds nothing");
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator rng(size);
    for (char &c : data)
        c = char(rng.bounded(256));
    Rivulet::Launcher::Sha256 sha;
    for (int i = 0; i < size; i += chunk)
        sha.add(data.constData() + i, size_t(qMin(chunk, size - i)));
    unsigned char digest[32];
    sha.finish(digest);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(digest), 32),
             QCryptographicHash::hash(data, QCryptographicHash::Sha256));
}

static QString writeStandalone(const QString &dir, const QList<PayloadEntry> &entries)
{
    const QString path = dir + QStringLiteral("/standalone");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("\x7f"
            "ELF pretend launcher bytes");
    QString error;
    if (!writePayload(f, entries, &error))
        return {};
    return path;
}

void tst_Payload::roundTrip()
{
    QTemporaryDir dir;
    QByteArray big(300000, 'x'); // compresses
    QByteArray random(5000, Qt::Uninitialized);
    QRandomGenerator rng(7);
    for (char &c : random)
        c = char(rng.bounded(256)); // does not: stored
    const QList<PayloadEntry> entries{{QStringLiteral("bin/rivulet"), random, 0755},
                                      {QStringLiteral("apps/A.siddhi"), big, 0644},
                                      {QStringLiteral("empty"), QByteArray(), 0644}};
    const QString path = writeStandalone(dir.path(), entries);
    QVERIFY(!path.isEmpty());
    QVERIFY(QFileInfo(path).size() < 20000); // the big one went in compressed
    QList<PayloadEntry> read;
    QString error;
    QVERIFY2(readPayload(path, &read, &error), qPrintable(error));
    QCOMPARE(read.size(), entries.size());
    for (int i = 0; i < entries.size(); ++i) {
        QCOMPARE(read[i].path, entries[i].path);
        QCOMPARE(read[i].data, entries[i].data);
        QCOMPARE(read[i].mode, entries[i].mode);
    }
}

void tst_Payload::corruptionDetected()
{
    QTemporaryDir dir;
    const QString path = writeStandalone(
        dir.path(), {{QStringLiteral("apps/A.siddhi"), QByteArray("define stream S (a int);")}});
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.seek(f.size() - kTrailerSize - 3);
    f.write("?");
    f.close();
    QList<PayloadEntry> read;
    QString error;
    QVERIFY(!readPayload(path, &read, &error));
    QCOMPARE(error, QStringLiteral("corrupt payload: SHA-256 mismatch"));
}

void tst_Payload::noTrailer()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("plain"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(100, 'a'));
    f.close();
    QList<PayloadEntry> read;
    QString error;
    QVERIFY(!readPayload(path, &read, &error));
    QVERIFY2(error.startsWith(QLatin1String("no payload")), qPrintable(error));
}

QTEST_APPLESS_MAIN(tst_Payload)
#include "tst_payload.moc"
