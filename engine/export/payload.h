#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

class QIODevice;

namespace Rivulet::Export {

// The payload of a standalone executable, appended to a copy of rivulet-launcher:
//
//   launcher bytes | entry... | trailer
//   entry:   u32 pathLength | path (UTF-8, relative, no "..") | u32 mode (permission bits)
//            | u8 compression (0 stored, 1 zlib) | u64 size | u64 storedSize | stored bytes
//   trailer: "RIVULET-PAYLOAD1" (16 bytes) | u64 payloadSize | u64 entryCount
//            | SHA-256 of the entries (32 bytes)                        -- 64 bytes in all
//
// Integers are little-endian. The launcher (engine/export/launcher) checks the magic and the
// SHA-256 at every start and refuses a payload that does not match.
inline constexpr char kPayloadMagic[] = "RIVULET-PAYLOAD1";
inline constexpr int kTrailerSize = 64;

struct PayloadEntry
{
    QString path;
    QByteArray data;
    quint32 mode = 0644;
};

// Writes the entries (compressed when it pays) and the trailer at the device's position.
bool writePayload(QIODevice &out, const QList<PayloadEntry> &entries, QString *error);
// Reads back the payload of a standalone file, checking the trailer and the SHA-256.
bool readPayload(const QString &fileName, QList<PayloadEntry> *entries, QString *error);

} // namespace Rivulet::Export
