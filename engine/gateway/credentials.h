#pragma once

#include <QByteArray>
#include <QString>

// Secrets: user passwords (salted, slow hashes), generated client secrets and access tokens
// (random, high entropy, stored as SHA-256 digests), and constant-time comparison.
namespace Rivulet::Gateway::Credentials {

// Initialises libsodium once; false if the library cannot start (no entropy source).
bool init();

// A crypto_pwhash string (Argon2id, libsodium's interactive limits, random salt): the only
// form in which a password is ever stored. Empty on failure (out of memory).
QByteArray hashPassword(const QByteArray &password);
// True when the password matches a string made by hashPassword. Slow by design (tens of ms).
bool verifyPassword(const QByteArray &password, const QByteArray &hash);
// Whether text looks like a crypto_pwhash string ($argon2id$... or $argon2i$...).
bool isPasswordHash(const QByteArray &text);

// `bytes` random bytes as unpadded base64url (43 characters for 32 bytes).
QByteArray randomToken(int bytes = 32);
// A random identifier of `length` characters from [A-Za-z0-9] (client ids).
QByteArray randomId(int length = 24);
// SHA-256 of data (32 raw bytes).
QByteArray sha256(const QByteArray &data);
// SHA-256 as lower-case hex (how client secrets are kept).
QByteArray sha256Hex(const QByteArray &data);
// Compares without an early exit (secrets and digests).
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace Rivulet::Gateway::Credentials
