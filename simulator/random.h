#pragma once

#include <cmath>
#include <cstdint>

namespace Rivulet::Simulator {

// The simulator's random numbers: xoshiro256** seeded through splitmix64. Our own generator and
// our own mappings to ranges (not <random>'s distributions, whose results differ between
// standard libraries), so a seed gives the same events on every machine.
class Random
{
public:
    explicit Random(uint64_t seed = 0) { reseed(seed); }

    void reseed(uint64_t seed)
    {
        uint64_t x = seed;
        for (uint64_t &s : m_s)
            s = splitmix(x);
    }

    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, n), without bias (Lemire's multiply-and-reject). n > 0.
    uint64_t below(uint64_t n)
    {
        unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
        uint64_t low = uint64_t(m);
        if (low < n) {
            const uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<unsigned __int128>(next()) * n;
                low = uint64_t(m);
            }
        }
        return uint64_t(m >> 64);
    }

    // Uniform in [lo, hi], both included. lo <= hi.
    int64_t between(int64_t lo, int64_t hi)
    {
        const uint64_t span = uint64_t(hi) - uint64_t(lo);
        if (span == UINT64_MAX)
            return int64_t(next());
        return int64_t(uint64_t(lo) + below(span + 1));
    }

    // Uniform in [0, 1), 53 random bits.
    double unit() { return double(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
    bool coin() { return (next() >> 63) != 0; }

    // Standard normal (Marsaglia's polar method; the second value is kept for the next call).
    double gaussian()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        double u, v, s;
        do {
            u = 2.0 * unit() - 1.0;
            v = 2.0 * unit() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        m_spare = v * f;
        m_hasSpare = true;
        return u * f;
    }

    // A seed for a child generator (one per source), so adding a source does not change the
    // values of the others.
    uint64_t fork() { return next() ^ 0x9e3779b97f4a7c15ull; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix(uint64_t &x)
    {
        uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }

    uint64_t m_s[4];
    double m_spare = 0;
    bool m_hasSpare = false;
};

} // namespace Rivulet::Simulator
