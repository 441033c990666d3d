#include "payload.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtEndian>

#include <cstring>

namespace Rivulet::Export {

namespace {

template<typename T>
void put(QByteArray &out, T value)
{
    const T le = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&le), sizeof le);
}

template<typename T>
bool take(const QByteArray &in, qsizetype *pos, T *value)
{
    if (*pos + qsizetype(sizeof(T)) > in.size())
        return false;
    T le;
    std::memcpy(&le, in.constData() + *pos, sizeof le);
    *value = qFromLittleEndian(le);
    *pos += sizeof(T);
    return true;
}

} // namespace

bool writePayload(QIODevice &out, const QList<PayloadEntry> &entries, QString *error)
{
    QCryptographicHash sha(QCryptographicHash::Sha256);
    quint64 total = 0;
    for (const PayloadEntry &e : entries) {
        const QByteArray path = e.path.toUtf8();
        QByteArray stored = qCompress(e.data, 6).mid(4); // qCompress: 4-byte size, then zlib
        quint8 compression = 1;
        if (stored.size() >= e.data.size()) {
            stored = e.data;
            compression = 0;
        }
        QByteArray head;
        put<quint32>(head, quint32(path.size()));
        head += path;
        put<quint32>(head, e.mode);
        put<quint8>(head, compression);
        put<quint64>(head, quint64(e.data.size()));
        put<quint64>(head, quint64(stored.size()));
        sha.addData(head);
        sha.addData(stored);
        if (out.write(head) != head.size() || out.write(stored) != stored.size()) {
            *error = out.errorString();
            return false;
        }
        total += quint64(head.size() + stored.size());
    }
    QByteArray trailer(kPayloadMagic, 16);
    put<quint64>(trailer, total);
    put<quint64>(trailer, quint64(entries.size()));
    trailer += sha.result();
    if (out.write(trailer) != trailer.size()) {
        *error = out.errorString();
        return false;
    }
    return true;
}

bool readPayload(const QString &fileName, QList<PayloadEntry> *entries, QString *error)
{
    QFile f(fileName);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = f.errorString();
        return false;
    }
    const qint64 size = f.size();
    if (size < kTrailerSize || !f.seek(size - kTrailerSize)) {
        *error = QStringLiteral("no payload: the file is too short");
        return false;
    }
    const QByteArray trailer = f.read(kTrailerSize);
    if (!trailer.startsWith(QByteArray(kPayloadMagic, 16))) {
        *error = QStringLiteral("no payload: the file does not end with a Rivulet trailer");
        return false;
    }
    qsizetype pos = 16;
    quint64 payloadSize = 0, count = 0;
    take(trailer, &pos, &payloadSize);
    take(trailer, &pos, &count);
    const QByteArray expected = trailer.mid(pos, 32);
    if (payloadSize > quint64(size - kTrailerSize)) {
        *error = QStringLiteral("corrupt payload: its size is larger than the file");
        return false;
    }
    f.seek(size - kTrailerSize - qint64(payloadSize));
    const QByteArray payload = f.read(qint64(payloadSize));
    if (QCryptographicHash::hash(payload, QCryptographicHash::Sha256) != expected) {
        *error = QStringLiteral("corrupt payload: SHA-256 mismatch");
        return false;
    }
    pos = 0;
    for (quint64 i = 0; i < count; ++i) {
        quint32 pathLength = 0, mode = 0;
        quint8 compression = 0;
        quint64 raw = 0, stored = 0;
        if (!take(payload, &pos, &pathLength) || pos + pathLength > payload.size()) {
            *error = QStringLiteral("corrupt payload: entry %1").arg(i);
            return false;
        }
        PayloadEntry e;
        e.path = QString::fromUtf8(payload.mid(pos, pathLength));
        pos += pathLength;
        if (!take(payload, &pos, &mode) || !take(payload, &pos, &compression)
            || !take(payload, &pos, &raw) || !take(payload, &pos, &stored)
            || pos + qsizetype(stored) > payload.size()) {
            *error = QStringLiteral("corrupt payload: entry %1").arg(i);
            return false;
        }
        const QByteArray data = payload.mid(pos, qsizetype(stored));
        pos += qsizetype(stored);
        if (compression == 1) {
            QByteArray withSize(4, '\0'); // qUncompress wants the size first, big-endian
            qToBigEndian(quint32(raw), withSize.data());
            e.data = qUncompress(withSize + data);
        } else {
            e.data = data;
        }
        e.mode = mode;
        entries->append(e);
    }
    return true;
}

} // namespace Rivulet::Export
