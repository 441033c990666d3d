#include "portalsessions.h"

#include "credentials.h"

#include <algorithm>

namespace Rivulet::Gateway {

QByteArray PortalSessions::create(const QString &user, const QString &tenant,
                                  const QStringList &roles, int64_t now, Session *session)
{
    purge(now);
    // Bounded: a user's oldest sessions give way to new ones, and so does the oldest of all.
    QList<std::pair<int64_t, QByteArray>> mine;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->user.compare(user, Qt::CaseInsensitive) == 0)
            mine.append({it->createdAt, it.key()});
    }
    if (mine.size() >= kMaxPerUser) {
        std::sort(mine.begin(), mine.end());
        for (qsizetype i = 0; i <= mine.size() - kMaxPerUser; ++i)
            m_sessions.remove(mine[i].second);
    }
    if (m_sessions.size() >= kMaxSessions) {
        auto oldest = m_sessions.begin();
        for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
            if (it->lastUsed < oldest->lastUsed)
                oldest = it;
        }
        m_sessions.erase(oldest);
    }
    const QByteArray id = Credentials::randomToken(32);
    Session s;
    s.user = user;
    s.tenant = tenant;
    s.roles = roles;
    s.csrfToken = Credentials::randomToken(32);
    s.createdAt = s.lastUsed = now;
    s.expiresAt = std::min(now + m_lifetimeMs, now + m_idleMs);
    m_sessions.insert(Credentials::sha256(id), s);
    *session = s;
    return id;
}

PortalSessions::Lookup PortalSessions::find(const QByteArray &id, int64_t now, Session *session,
                                            bool touch)
{
    if (id.isEmpty() || id.size() > 128)
        return Lookup::Unknown;
    const auto it = m_sessions.find(Credentials::sha256(id));
    if (it == m_sessions.end())
        return Lookup::Unknown;
    if (it->expiresAt <= now)
        return Lookup::Expired; // kept a while, so that the page can say why it signs in again
    if (touch) {
        it->lastUsed = now;
        it->expiresAt = std::min(it->createdAt + m_lifetimeMs, now + m_idleMs);
    }
    *session = *it;
    return Lookup::Found;
}

void PortalSessions::remove(const QByteArray &id)
{
    if (!id.isEmpty())
        m_sessions.remove(Credentials::sha256(id));
}

void PortalSessions::purge(int64_t now)
{
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (it->expiresAt + kExpiredKeptMs <= now)
            it = m_sessions.erase(it);
        else
            ++it;
    }
}

} // namespace Rivulet::Gateway
