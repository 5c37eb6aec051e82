#pragma once
/// @file
/// @brief Kernels of the exact solver: the energies of all 2^L low-bit assignments for one
/// assignment of the high bits, as a vectorized minimum and as a filtered scan.
///
/// Split the n binary variables into L low ones (0..L-1) and H = n - L high ones. For a fixed
/// high part, with x_low the low bits,
///
///     E(high, low) = C(high) + T[low] + sum_{i < L} low_i g_i(high)
///     C(high)   = offset + sum_{j high} h_j x_j + sum_{j<k high} J_jk x_j x_k
///     T[low]    = sum_{i < L} h_i low_i + sum_{i<k<L} J_ik low_i low_k      (fixed table)
///     g_i(high) = sum_{j high} J_ij x_j                                    (L numbers)
///
/// The low index is split once more, low = a + 8 b with a the 3 lowest bits (A = 3) and b the
/// other B = L - 3, so that sum low_i g_i = Ga[a] + Gb[b], all subset sums built by doubling
/// (G[m + 2^t] = G[m] + g_t); Gb[b] = Gl[b mod V] + Gh[b / V] with V the register width.
/// Stored as tt[a][b] = T[a + 8 b], the minimum is
///
///     min_low E = C + min_a ( Ga[a] + min_b (tt[a][b] + Gb[b]) ),
///
/// which costs one add and one min per state: 8 accumulators (one per a) run over b in chunks
/// of one SIMD register, each chunk of Gb formed once for the 8 rows: about one register of
/// states per cycle. The per-step overhead (the O(n) Gray update, the small subset sums, eight
/// horizontal minima) is paid once per 2^L states, so L is as large as the cache allows:
/// L = 14 (tt = 64 KiB in float, streamed from L2) measured fastest on Zen 3 at n = 24..30
/// (states/s at n = 30 relative to L = 14: L = 12 -0.22, 13 -0.07, 15 +0.01, 16 +0.04; at
/// n = 24 L = 15 and 16 lose 10 and 33 % to the larger tables).
///
/// The loops are plain C++ over fixed-size arrays with `omp simd` / `GCC unroll` hints, not
/// xsimd: the QUBO layer promises not to pull in xsimd (qubo.hpp), and GCC and Clang turn these
/// loops into the same vaddps/vminps sequence an xsimd::batch version gives (checked on the
/// assembly at -O2 and -O3; the width follows -march: SSE2 4, AVX2 8, AVX-512 16 floats).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace qcoach::qubo::detail {

#if defined(_OPENMP)
#define QCOACH_EXACT_PRAGMA_SIMD _Pragma("omp simd")
#define QCOACH_EXACT_PRAGMA_SIMD_OR_HIT _Pragma("omp simd reduction(|: hit)")
#else
#define QCOACH_EXACT_PRAGMA_SIMD
#define QCOACH_EXACT_PRAGMA_SIMD_OR_HIT
#endif
#if defined(__clang__)
#define QCOACH_EXACT_PRAGMA_UNROLL8 _Pragma("unroll 8")
#elif defined(__GNUC__)
#define QCOACH_EXACT_PRAGMA_UNROLL8 _Pragma("GCC unroll 8")
#else
#define QCOACH_EXACT_PRAGMA_UNROLL8
#endif

/// Bytes of the widest vector register the compiler may use (follows -march).
inline constexpr std::size_t exact_vector_bytes =
#if defined(__AVX512F__)
    64;
#elif defined(__AVX__)
    32;
#else
    16;
#endif

/// Lanes of one register of Real: the chunk over b (B must be at least log2 of it).
template <class Real>
inline constexpr std::size_t exact_lanes = exact_vector_bytes / sizeof(Real);

/// Bits of the low index held by the a part (the 8 accumulator rows).
inline constexpr unsigned exact_a_bits = 3;

/// Low variables evaluated per Gray step (L, see the file comment).
inline constexpr std::size_t exact_low_bits = 14;

/// Bits of b inside one register (b = bl + V bh): gb[b] = gl[bl] + gh[bh].
template <class Real>
inline constexpr unsigned exact_lane_bits = static_cast<unsigned>(std::countr_zero(exact_lanes<Real>));

/// @brief out[a] = min_b (tt[a * nb + b] + gb[b]) for a in [0, 8), with gb[b] = gl[bl] + gh[bh]
/// formed in a register per chunk (one broadcast and one add for eight rows) rather than read
/// from a table written just before. nb is a multiple of exact_lanes<Real>; tt is 64-byte
/// aligned.
template <class Real>
inline void exact_row_minima(const Real* __restrict tt, const Real* __restrict gl, const Real* __restrict gh,
                             std::size_t nb, Real* __restrict out) noexcept {
    constexpr std::size_t V = exact_lanes<Real>;
    alignas(64) Real acc[8][V];
    alignas(64) Real low[V];
    for (std::size_t k = 0; k < V; ++k) low[k] = gl[k];
    for (std::size_t a = 0; a < 8; ++a)
        for (std::size_t k = 0; k < V; ++k) acc[a][k] = std::numeric_limits<Real>::infinity();
    for (std::size_t b = 0, j = 0; b < nb; b += V, ++j) {
        alignas(64) Real g[V];
        QCOACH_EXACT_PRAGMA_SIMD
        for (std::size_t k = 0; k < V; ++k) g[k] = low[k] + gh[j];
        QCOACH_EXACT_PRAGMA_UNROLL8
        for (std::size_t a = 0; a < 8; ++a) {
            const Real* row = tt + a * nb + b;
            QCOACH_EXACT_PRAGMA_SIMD
            for (std::size_t k = 0; k < V; ++k) {
                const Real e = row[k] + g[k];
                acc[a][k] = e < acc[a][k] ? e : acc[a][k];
            }
        }
    }
    for (std::size_t a = 0; a < 8; ++a) {
        Real m = acc[a][0];
        for (std::size_t k = 1; k < V; ++k) m = acc[a][k] < m ? acc[a][k] : m;
        out[a] = m;
    }
}

/// @brief Fill gb[0 .. 2^bits) with gb[b] = sum_t b_t c[t] by doubling (one add per entry; the
/// inner loop over m vectorizes once 2^t reaches a register).
template <class Real>
inline void exact_subset_sums(const Real* c, unsigned bits, Real* __restrict gb) noexcept {
    gb[0] = Real(0);
    for (unsigned t = 0; t < bits; ++t) {
        const std::size_t half = std::size_t{1} << t;
        const Real ct = c[t];
        QCOACH_EXACT_PRAGMA_SIMD
        for (std::size_t m = 0; m < half; ++m) gb[half + m] = gb[m] + ct;
    }
}

/// @brief Call f(low) for every low = a + 8 b with tt[a][b] + gb[b] <= limit - ga[a] (gb as in
/// exact_row_minima): the second look at a high part whose minimum passed the filter. Each
/// register of b is tested as a whole first (hits are rare); the caller re-evaluates each hit
/// exactly.
template <class Real, class F>
inline void exact_scan(const Real* tt, const Real* gl, const Real* gh, std::size_t nb, const Real* ga, Real limit,
                       F&& f) {
    constexpr std::size_t V = exact_lanes<Real>;
    for (std::size_t a = 0; a < 8; ++a) {
        const Real* row = tt + a * nb;
        const Real lim = limit - ga[a];
        for (std::size_t b = 0, j = 0; b < nb; b += V, ++j) {
            alignas(64) Real e[V];
            int hit = 0;
            QCOACH_EXACT_PRAGMA_SIMD_OR_HIT
            for (std::size_t k = 0; k < V; ++k) {
                e[k] = row[b + k] + (gl[k] + gh[j]);
                hit |= e[k] <= lim ? 1 : 0;
            }
            if (hit == 0) continue;
            for (std::size_t k = 0; k < V; ++k) {
                if (e[k] <= lim) f(static_cast<std::uint64_t>(a | ((b + k) << exact_a_bits)));
            }
        }
    }
}

#undef QCOACH_EXACT_PRAGMA_SIMD
#undef QCOACH_EXACT_PRAGMA_SIMD_OR_HIT
#undef QCOACH_EXACT_PRAGMA_UNROLL8

} // namespace qcoach::qubo::detail
