#include "signinguard.h"

#include <algorithm>

namespace Rivulet::Gateway {

SignInGuard::Verdict SignInGuard::check(const QString &user, const QString &address, int64_t now,
                                        int64_t *retryAfterMs) const
{
    const auto u = m_users.constFind(user.toLower());
    if (u != m_users.constEnd() && u->lockedUntil > now) {
        *retryAfterMs = u->lockedUntil - now;
        return Verdict::UserLocked;
    }
    const auto a = m_addresses.constFind(address);
    if (!address.isEmpty() && a != m_addresses.constEnd() && a->lockedUntil > now) {
        *retryAfterMs = a->lockedUntil - now;
        return Verdict::AddressBlocked;
    }
    *retryAfterMs = 0;
    return Verdict::Allowed;
}

void SignInGuard::count(QHash<QString, Entry> &map, const QString &key, int64_t limit,
                        const Limits &limits, int64_t now)
{
    if (!map.contains(key) && map.size() >= kMaxEntries)
        prune(map, limits, now);
    Entry &e = map[key];
    if (now - e.windowStart >= limits.windowMs || e.lockedUntil != 0) {
        if (e.lockedUntil > now)
            return; // already locked: the lock is not extended by attempts it refused
        e = Entry{now, 0, 0, now};
    }
    ++e.failures;
    e.lastSeen = now;
    if (e.failures >= limit)
        e.lockedUntil = now + limits.lockoutMs;
}

void SignInGuard::prune(QHash<QString, Entry> &map, const Limits &limits, int64_t now)
{
    for (auto it = map.begin(); it != map.end();) {
        if (it->lockedUntil <= now && now - it->windowStart >= limits.windowMs)
            it = map.erase(it);
        else
            ++it;
    }
    // Still full (an attack from many names at once): the least recently seen half goes.
    if (map.size() >= kMaxEntries) {
        QList<int64_t> seen;
        seen.reserve(map.size());
        for (const Entry &e : std::as_const(map))
            seen << e.lastSeen;
        std::nth_element(seen.begin(), seen.begin() + seen.size() / 2, seen.end());
        const int64_t median = seen.at(seen.size() / 2);
        for (auto it = map.begin(); it != map.end();) {
            if (it->lastSeen <= median && it->lockedUntil <= now)
                it = map.erase(it);
            else
                ++it;
        }
    }
}

SignInGuard::Verdict SignInGuard::failed(const QString &user, const QString &address, int64_t now,
                                         int64_t *retryAfterMs)
{
    count(m_users, user.toLower(), m_limits.maxUserFailures, m_limits, now);
    if (!address.isEmpty())
        count(m_addresses, address, m_limits.maxAddressFailures, m_limits, now);
    return check(user, address, now, retryAfterMs);
}

void SignInGuard::succeeded(const QString &user)
{
    m_users.remove(user.toLower());
}

} // namespace Rivulet::Gateway
