#pragma once
/// @file
/// @brief The sweep kernel of simulated annealing: eight reads at once, one per SIMD lane,
/// Metropolis updates over cached local fields.
///
/// State of one read, for each variable i:
///
///     field_i = h_i + sum_j J_ij v_j               (CsrModel local field)
///     sgn_i   = 1 - 2 x_i  (binary)  or  -2 s_i  (spin)
///
/// so that the one-flip change is delta_i = sgn_i field_i, and a flip adds J_ij sgn_i to every
/// neighbour's field and negates sgn_i (csr.hpp).
///
/// Lanes. A group of 8 reads is stored interleaved (field[i * 8 + lane], sgn likewise). Every
/// read attempts variable i at the same time: the 8 deltas, the 8 tests and, when at least one
/// lane accepts, one vector update per neighbour, field[j][lanes] += J_ij dv[lanes], with dv = 0
/// in the lanes that keep their value. A rejected lane adds a zero, which changes nothing (at
/// most the sign of a zero field, which no comparison and no later sum can see), so each lane
/// runs the plain single-read algorithm on its own random stream: the result of a read does not
/// depend on which reads share its group, on the group size, or on the thread count.
/// A neighbour update costs about what one scalar update costs, for eight attempts, and the
/// random numbers and tests are vectorized as well.
///
/// Metropolis test. Each attempt draws u uniform in (0, 1] and flips iff
///
///     delta <= -ln(u) / beta      (equivalently u <= e^{-beta delta}),
///
/// which accepts every delta <= 0 (-ln u >= 0) and accepts delta > 0 with probability
/// e^{-beta delta}. u = (r + 1/2) 2^-31 from the top 31 bits r of a 32-bit draw (rounded to
/// float), so u >= 2^-32 and -ln u <= 32 ln 2 = 22.2: moves with beta delta above that
/// (acceptance < 2.4e-10) are never taken - the cheap "skip the hopeless move" rule falls out
/// of the test without a branch. -ln u comes from a float
/// logarithm (exponent plus an atanh series on the mantissa in [1/sqrt2, sqrt2), |z| <= 0.172,
/// five terms, truncation below 1e-9): accurate to float rounding, ~1e-7 relative, so every
/// acceptance probability is right to about 1e-6 relative, far below any run's sampling noise.
///
/// Random numbers: xoshiro128++ (Blackman & Vigna) in each lane, seeded from the read's
/// Rng::stream(seed, k).
///
/// The vectors are GCC/Clang vector extensions rather than loops left to the auto-vectorizer
/// (which kept the logarithm scalar at -O3) or xsimd (which the QUBO layer does not include,
/// see qubo.hpp). They compile for any target: a 32-byte vector becomes one AVX register or two
/// SSE registers. Bits are reinterpreted with vector casts ((T) v, a no-op on the register);
/// no vector crosses a function boundary by value, so nothing depends on the vector ABI.

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/csr.hpp"

namespace qcoach::qubo::detail {

/// Reads per group (SIMD lanes).
inline constexpr std::size_t anneal_lanes = 8;

/// Largest -ln u the test can draw (u >= 2^-32): 32 ln 2. A move with beta delta above it is
/// never accepted (its acceptance would be below 2^-32 = 2.3e-10).
inline constexpr double anneal_max_threshold = 22.18070977791825;

using anneal_u32v = std::uint32_t __attribute__((vector_size(32)));
using anneal_i32v = std::int32_t __attribute__((vector_size(32)));
using anneal_f32v = float __attribute__((vector_size(32)));

/// Vector types of 8 lanes of Real and the matching comparison mask.
template <class Real>
struct anneal_vec;
template <>
struct anneal_vec<float> {
    using type = float __attribute__((vector_size(32)));
    using mask = std::int32_t __attribute__((vector_size(32)));
    static constexpr std::int32_t sign_bit = INT32_MIN;
};
template <>
struct anneal_vec<double> {
    using type = double __attribute__((vector_size(64)));
    using mask = std::int64_t __attribute__((vector_size(64)));
    static constexpr std::int64_t sign_bit = INT64_MIN;
};

/// xoshiro128++ in 8 lanes.
struct anneal_lane_rng {
    anneal_u32v s0{}, s1{}, s2{}, s3{};

    /// Seed lane `lane` from a 64-bit generator (two draws; the all-zero state is avoided).
    void seed(std::size_t lane, Rng& rng) noexcept {
        const std::uint64_t a = rng();
        const std::uint64_t b = rng();
        s0[lane] = static_cast<std::uint32_t>(a);
        s1[lane] = static_cast<std::uint32_t>(a >> 32);
        s2[lane] = static_cast<std::uint32_t>(b);
        s3[lane] = static_cast<std::uint32_t>(b >> 32);
        if ((a | b) == 0) s0[lane] = 1;
    }
};

/// -ln(u) for the next 8 uniforms u in (0, 1] (see the file comment). Output by reference.
[[gnu::always_inline]] inline void anneal_neg_log_uniform(anneal_lane_rng& r, anneal_f32v& out) noexcept {
    const anneal_u32v x = ((r.s0 + r.s3) << 7 | (r.s0 + r.s3) >> 25) + r.s0;
    const anneal_u32v t = r.s1 << 9;
    r.s2 ^= r.s0;
    r.s3 ^= r.s1;
    r.s1 ^= r.s2;
    r.s0 ^= r.s3;
    r.s2 ^= t;
    r.s3 = r.s3 << 11 | r.s3 >> 21;
    // u = (r + 1/2) 2^-32 from the top 31 bits (signed conversion is what every x86 level has).
    const anneal_u32v top = x >> 1;
    const anneal_f32v u = __builtin_convertvector(((anneal_i32v)(top)), anneal_f32v) * 0x1p-31f + 0x1p-32f;
    const anneal_i32v bits = ((anneal_i32v)(u));
    anneal_i32v e = (bits >> 23) - 127;
    anneal_f32v m = ((anneal_f32v)((bits & 0x7fffff) | 0x3f800000));
    // Fold m in [1, 2) into [1/sqrt2, sqrt2): halve it and count one more in the exponent.
    const anneal_i32v big = m > 1.41421356f;
    m = ((anneal_f32v)((((anneal_i32v)(m * 0.5f)) & big) | (((anneal_i32v)(m)) & ~big)));
    e -= big;
    // ln m = 2 atanh z = 2 (z + z^3/3 + z^5/5 + z^7/7 + z^9/9 + ...), z = (m - 1) / (m + 1).
    const anneal_f32v z = (m - 1.0f) / (m + 1.0f);
    const anneal_f32v z2 = z * z;
    const anneal_f32v ln_m = z * (2.0f + z2 * (2.0f / 3.0f + z2 * (2.0f / 5.0f + z2 * (2.0f / 7.0f + z2 * (2.0f / 9.0f)))));
    out = -(__builtin_convertvector(e, anneal_f32v) * 0.693147180559945f + ln_m);
}

/// @brief One sweep (variables 0..n-1 in order) of the 8 reads of a group at inverse
/// temperature `beta` >= 0. `field` and `sgn` hold n * 8 interleaved values; `change[lane]`
/// gains each lane's energy change. No checks.
template <class Real>
void anneal_sweep(const CsrModel<Real>& csr, Real* __restrict field, Real* __restrict sgn, double beta,
                  anneal_lane_rng& rng, Real* __restrict change) noexcept {
    using vec = typename anneal_vec<Real>::type;
    using mask = typename anneal_vec<Real>::mask;
    constexpr std::size_t W = anneal_lanes;
    const std::size_t n = csr.num_variables();
    const std::size_t* rows = csr.row_offsets().data();
    const var_t* cols = csr.columns().data();
    const Real* vals = csr.values().data();
    // beta = 0 accepts everything (guarding the 0 * inf of -ln(1) / 0).
    const bool infinite = !(beta > 0.0);
    const float inv_beta = infinite ? 0.0f : static_cast<float>(1.0 / beta);
    mask sign{};
    sign += anneal_vec<Real>::sign_bit;
    vec sum{};
    anneal_lane_rng r = rng;
    for (std::size_t i = 0; i < n; ++i) {
        anneal_f32v nl;
        anneal_neg_log_uniform(r, nl);
        vec threshold = __builtin_convertvector(nl * inv_beta, vec);
        if (infinite) threshold = vec{} + std::numeric_limits<Real>::infinity();
        vec* f = reinterpret_cast<vec*>(field + i * W);
        vec* sp = reinterpret_cast<vec*>(sgn + i * W);
        const vec s = *sp;
        const vec delta = s * *f;
        const mask accept = delta <= threshold;
        std::uint64_t words[sizeof(mask) / 8];
        std::memcpy(words, &accept, sizeof(mask));
        std::uint64_t any = 0;
        for (const std::uint64_t w : words) any |= w;
        if (any == 0) continue;
        const mask s_bits = ((mask)(s));
        const vec dv = ((vec)(s_bits & accept));   // sgn where accepted, +0 elsewhere
        *sp = ((vec)(s_bits ^ (accept & sign))); // negate the accepted lanes
        sum += ((vec)(((mask)(delta)) & accept));
        for (std::size_t k = rows[i]; k < rows[i + 1]; ++k) {
            vec* g = reinterpret_cast<vec*>(field + static_cast<std::size_t>(cols[k]) * W);
            *g += vals[k] * dv;
        }
    }
    rng = r;
    for (std::size_t l = 0; l < W; ++l) change[l] += sum[l];
}

} // namespace qcoach::qubo::detail
