#pragma once
/// @file
/// @brief The O(n) scan of a tabu iteration: the lowest allowed delta, how many allowed
/// variables share it, and where they are.
///
/// Variable i is allowed when it is not tabu (until[i] < clock) or its flip would give a new
/// best (delta[i] < aspiration). The move is drawn uniformly from the allowed variables with
/// the lowest delta: with count of them, r = U{0..count-1} picks the r-th in index order (no
/// random draw when count is 1). Both paths below compute exactly that, so they choose the
/// same moves and a run gives the same result on either.
///
/// The scan is the tabu solver's hot loop (the flip after it costs O(degree) only). The SIMD
/// path keeps, per lane of a 32-byte vector, the lowest allowed delta, the number of times it
/// occurred and its first index, then merges the lanes: one pass, no branch per variable.
/// Written with the GCC/Clang vector extension, which maps to AVX2 on this project's builds
/// and to two SSE2 halves elsewhere; other compilers take the scalar path. The clock has the
/// width of Real (int64 for double, int32 for float) so that the lanes line up.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "qcoach/core/types.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define QCOACH_TABU_SIMD 1
#endif

namespace qcoach::qubo::detail {

/// Tabu clock type: as wide as Real.
template <precision Real>
using tabu_clock = std::conditional_t<sizeof(Real) == 8, std::int64_t, std::int32_t>;

/// Lowest allowed delta, how many allowed variables have it, and the first of them
/// (index n and count 0 when nothing is allowed).
template <precision Real>
struct scan_result {
    Real low = std::numeric_limits<Real>::infinity();
    std::uint32_t count = 0;
    std::size_t first = 0;
};

template <precision Real>
scan_result<Real> scan_scalar(const Real* delta, const tabu_clock<Real>* until, std::size_t n, tabu_clock<Real> clock,
                              Real aspiration) noexcept {
    scan_result<Real> s;
    s.first = n;
    for (std::size_t i = 0; i < n; ++i) {
        const Real d = delta[i];
        if (d > s.low) continue;
        if (until[i] >= clock && !(d < aspiration)) continue;
        if (d < s.low) {
            s.low = d;
            s.count = 1;
            s.first = i;
        } else {
            ++s.count;
        }
    }
    return s;
}

/// @brief Index of the r-th (from 0, in index order) allowed variable whose delta is `low`.
template <precision Real>
std::size_t nth_lowest(const Real* delta, const tabu_clock<Real>* until, std::size_t n, tabu_clock<Real> clock,
                       Real aspiration, Real low, std::uint32_t r) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        if (delta[i] == low && (until[i] < clock || delta[i] < aspiration)) {
            if (r == 0) return i;
            --r;
        }
    }
    return n; // not reached when r < count
}

#if defined(QCOACH_TABU_SIMD)

template <precision Real>
struct scan_vectors;

template <>
struct scan_vectors<double> {
    typedef double real_v __attribute__((vector_size(32)));
    typedef std::int64_t int_v __attribute__((vector_size(32)));
    static constexpr std::size_t lanes = 4;
};

template <>
struct scan_vectors<float> {
    typedef float real_v __attribute__((vector_size(32)));
    typedef std::int32_t int_v __attribute__((vector_size(32)));
    static constexpr std::size_t lanes = 8;
};

template <precision Real>
scan_result<Real> scan_simd(const Real* delta, const tabu_clock<Real>* until, std::size_t n, tabu_clock<Real> clock,
                            Real aspiration) noexcept {
    using V = scan_vectors<Real>;
    using real_v = typename V::real_v;
    using int_v = typename V::int_v;
    using clock_t = tabu_clock<Real>;
    constexpr std::size_t L = V::lanes;
    const Real inf = std::numeric_limits<Real>::infinity();
    real_v low, asp, infv;
    int_v count, first, index, clockv, step, one;
    for (std::size_t l = 0; l < L; ++l) {
        low[l] = inf;
        asp[l] = aspiration;
        infv[l] = inf;
        count[l] = 0;
        first[l] = 0;
        index[l] = static_cast<clock_t>(l);
        clockv[l] = clock;
        step[l] = static_cast<clock_t>(L);
        one[l] = 1;
    }
    const std::size_t full = n - n % L;
    for (std::size_t i = 0; i < full; i += L) {
        real_v d;
        int_v u;
        std::memcpy(&d, delta + i, sizeof d);
        std::memcpy(&u, until + i, sizeof u);
        const int_v allowed = (u < clockv) | (d < asp);
        const real_v v = allowed ? d : infv;
        const int_v lower = v < low;
        const int_v equal = (v == low) & allowed;
        low = lower ? v : low;
        first = lower ? index : first;
        count = lower ? one : count - equal; // equal is -1 where true
        index += step;
    }
    scan_result<Real> s;
    s.first = n;
    for (std::size_t l = 0; l < L; ++l) {
        if (count[l] == 0) continue;
        const auto f = static_cast<std::size_t>(first[l]);
        if (low[l] < s.low) {
            s.low = low[l];
            s.count = static_cast<std::uint32_t>(count[l]);
            s.first = f;
        } else if (low[l] == s.low) {
            s.count += static_cast<std::uint32_t>(count[l]);
            if (f < s.first) s.first = f;
        }
    }
    // The last n % L variables come after every vector lane in index order.
    for (std::size_t i = full; i < n; ++i) {
        const Real d = delta[i];
        if (until[i] >= clock && !(d < aspiration)) continue;
        if (d < s.low) {
            s.low = d;
            s.count = 1;
            s.first = i;
        } else if (d == s.low) {
            ++s.count;
        }
    }
    return s;
}

#endif

} // namespace qcoach::qubo::detail
