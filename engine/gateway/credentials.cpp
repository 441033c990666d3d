#include "credentials.h"

#include <QCryptographicHash>

#include <sodium.h>

namespace Rivulet::Gateway::Credentials {

bool init()
{
    static const int result = sodium_init();
    return result >= 0;
}

QByteArray hashPassword(const QByteArray &password)
{
    if (!init())
        return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.constData(), quint64(password.size()),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0)
        return {};
    return QByteArray(out);
}

bool verifyPassword(const QByteArray &password, const QByteArray &hash)
{
    if (!init() || !isPasswordHash(hash) || hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    const QByteArray terminated = hash; // QByteArray keeps a terminating NUL
    return crypto_pwhash_str_verify(terminated.constData(), password.constData(),
                                    quint64(password.size()))
           == 0;
}

bool isPasswordHash(const QByteArray &text)
{
    return text.startsWith("$argon2id$") || text.startsWith("$argon2i$");
}

QByteArray randomToken(int bytes)
{
    init();
    QByteArray raw(bytes, Qt::Uninitialized);
    randombytes_buf(raw.data(), size_t(raw.size()));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray randomId(int length)
{
    init();
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray id(length, Qt::Uninitialized);
    for (int i = 0; i < length; ++i)
        id[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    return id;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QByteArray sha256Hex(const QByteArray &data)
{
    return sha256(data).toHex();
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return sodium_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

} // namespace Rivulet::Gateway::Credentials
