#pragma once
/// @file
/// @brief Seeded random numbers that give the same stream on every platform and thread count.
///
/// Generator: xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
/// 2021), seeded through splitmix64 so that nearby seeds give unrelated streams. Independent
/// streams for threads, reads or replicas come from stream(seed, k): the stream depends on the
/// seed and on k only, never on which thread runs it.

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace qcoach {

/// @brief One step of splitmix64: a good 64-bit mixer, used for seeding.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// @brief xoshiro256** generator; satisfies UniformRandomBitGenerator.
class Rng {
public:
    using result_type = std::uint64_t;

    explicit Rng(std::uint64_t seed = 0) noexcept { reseed(seed); }

    /// @brief An independent stream for sub-task k (thread, read, replica) of a seeded run.
    static Rng stream(std::uint64_t seed, std::uint64_t k) noexcept {
        std::uint64_t s = seed;
        std::uint64_t a = splitmix64(s);
        std::uint64_t t = k ^ 0x5851f42d4c957f2dULL;
        std::uint64_t b = splitmix64(t);
        return Rng(a ^ (b * 0x2545f4914f6cdd1dULL));
    }

    /// @brief A generator with the given raw xoshiro256** state (not all zero).
    static Rng from_state(const std::array<std::uint64_t, 4>& state) noexcept {
        Rng r;
        r.s_ = state;
        return r;
    }

    void reseed(std::uint64_t seed) noexcept {
        std::uint64_t s = seed;
        for (auto& w : s_) w = splitmix64(s);
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    result_type operator()() noexcept {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    /// @brief Uniform double in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

    /// @brief Uniform double in (0, 1]: safe to take the logarithm of.
    double uniform_pos() noexcept { return static_cast<double>(((*this)() >> 11) + 1) * 0x1.0p-53; }

    /// @brief Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
    std::uint64_t below(std::uint64_t n) noexcept {
        std::uint64_t x = (*this)();
        __uint128_t m = static_cast<__uint128_t>(x) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                x = (*this)();
                m = static_cast<__uint128_t>(x) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    /// @brief Standard normal deviate (Box-Muller; the spare value is kept for the next call).
    double normal() noexcept {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u = uniform_pos();
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        constexpr double two_pi = 6.283185307179586476925286766559;
        spare_ = r * std::sin(two_pi * v);
        has_spare_ = true;
        return r * std::cos(two_pi * v);
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    std::array<std::uint64_t, 4> s_{};
    double spare_ = 0.0;
    bool has_spare_ = false;
};

} // namespace qcoach
