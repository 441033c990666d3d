#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace Rivulet::Gateway {

// The developer portal's browser sessions, kept on the server: a session is a random id (the
// HttpOnly cookie's value; only its SHA-256 is kept) and a random CSRF token the page sends back
// in a header on every state-changing request. A session ends `lifetimeMs` after sign-in, after
// `idleMs` without a request, or at sign-out. In memory: a restart signs everyone out.
// Qt thread only; time is given by the caller (the gateway's clock).
class PortalSessions
{
public:
    struct Session
    {
        QString user;
        QString tenant;
        QStringList roles;
        QByteArray csrfToken;
        int64_t createdAt = 0;
        int64_t lastUsed = 0;
        int64_t expiresAt = 0; // min(createdAt + lifetime, lastUsed + idle)
    };
    enum class Lookup { Found, Unknown, Expired };

    static constexpr int kMaxSessions = 100000;
    static constexpr int kMaxPerUser = 50;
    static constexpr int64_t kExpiredKeptMs = 3600 * 1000; // an expired session is known as such

    void setLimits(int64_t lifetimeMs, int64_t idleMs)
    {
        m_lifetimeMs = lifetimeMs;
        m_idleMs = idleMs;
    }

    // A new session; returns its id (the cookie's value) and fills *session.
    QByteArray create(const QString &user, const QString &tenant, const QStringList &roles,
                      int64_t now, Session *session);
    // The session of a cookie value; with `touch`, a found one counts as used (its idle time
    // restarts).
    Lookup find(const QByteArray &id, int64_t now, Session *session, bool touch = true);
    void remove(const QByteArray &id);
    // Forgets sessions that expired a while ago (the gateway's timer calls it).
    void purge(int64_t now);
    int size() const { return int(m_sessions.size()); }

private:
    int64_t m_lifetimeMs = 8 * 3600 * 1000;
    int64_t m_idleMs = 30 * 60 * 1000;
    QHash<QByteArray, Session> m_sessions; // by SHA-256 of the id
};

} // namespace Rivulet::Gateway
