#pragma once

#include <QHash>
#include <QString>

#include <cstdint>

namespace Rivulet::Gateway {

// Rate limits password sign-ins (the portal's sign-in, HTTP Basic on the REST API, the password
// grant): failures are counted per user name and per client address within a window; a user
// past maxUserFailures is locked, an address past maxAddressFailures is refused, both for
// `lockoutMs` after the failure that tipped them over. Unknown user names are counted like
// known ones, so a lock tells nothing about which users exist. A success clears the user's
// failures (not the address's). Memory is bounded: at most kMaxEntries names and addresses.
// Qt thread only; time is given by the caller (the gateway's clock).
class SignInGuard
{
public:
    struct Limits
    {
        int64_t maxUserFailures = 5;
        int64_t maxAddressFailures = 20;
        int64_t windowMs = 15 * 60 * 1000;
        int64_t lockoutMs = 15 * 60 * 1000;
    };
    enum class Verdict { Allowed, UserLocked, AddressBlocked };

    static constexpr int kMaxEntries = 10000;

    void setLimits(const Limits &limits) { m_limits = limits; }
    const Limits &limits() const { return m_limits; }

    // Whether a sign-in of `user` from `address` may be tried at `now`; when not, how many ms
    // until it may.
    Verdict check(const QString &user, const QString &address, int64_t now,
                  int64_t *retryAfterMs) const;
    // Records a failed attempt; returns the verdict it leads to (a lock from this attempt on).
    Verdict failed(const QString &user, const QString &address, int64_t now, int64_t *retryAfterMs);
    void succeeded(const QString &user);

private:
    struct Entry
    {
        int64_t windowStart = 0;
        int64_t failures = 0;
        int64_t lockedUntil = 0;
        int64_t lastSeen = 0;
    };
    static void count(QHash<QString, Entry> &map, const QString &key, int64_t limit,
                      const Limits &limits, int64_t now);
    static void prune(QHash<QString, Entry> &map, const Limits &limits, int64_t now);

    Limits m_limits;
    QHash<QString, Entry> m_users; // lower-case names
    QHash<QString, Entry> m_addresses;
};

} // namespace Rivulet::Gateway
