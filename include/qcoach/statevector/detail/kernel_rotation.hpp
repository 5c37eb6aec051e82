#pragma once
/// @file
/// @brief Real plane rotations on several qubits in one pass over a cache-resident state.
///
/// Every one-qubit unitary factors as U = D_a R D_b, with D_a, D_b diagonal (phases) and R a
/// real rotation by an angle theta (the Z-Y-Z Euler decomposition; see
/// circuit/detail/stage_program.hpp). The diagonals of many gates merge into one phase pass, so
/// what remains per gate is R. Written as R = cos(theta) [[1, -t], [t, 1]], t = tan(theta), the
/// factor cos(theta) is a real scalar on the whole state and joins the pending phases too; what
/// is left is
///     x0' = x0 - t x1,   x1' = x1 + t x0:
/// two FMAs per pair of registers, with no lane shuffle because the coefficients are real
/// (a general 2x2 complex matrix takes 8 FMA-unit operations and 4 shuffles). To keep |t| <= 1,
/// an angle above pi/4 is applied as a rotation by theta - pi/2 followed by a swap of the two
/// outputs (R(pi/2) = diag(-1, 1) X, the sign again joining the phases): `swap` in rotation_op.
///
/// In cache the cost of a pass is then bounded by the traffic between L1 and L2 (a
/// 2^14-amplitude double state is 256 KiB), so up to `rotation_max_high` rotations on
/// register-selecting ("high") qubits are applied per group of 2^M registers in one pass, plus
/// any rotation on in-register ("low") qubits, done per register with a lane permutation.
/// Rotations in one pass act on distinct qubits, so they commute and their order is free.
///
/// Serial on purpose: the blocked executor calls these kernels on one sub-state per thread.

#include <algorithm>
#include <array>
#include <complex>
#include <span>
#include <utility>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/simd.hpp"

namespace qcoach::detail {

/// The unscaled rotation [[1, -t], [t, 1]] on qubit q, its two outputs exchanged when `swap`
/// (matrix bit order as everywhere: row 0 is the amplitude with bit q clear).
struct rotation_op {
    qubit_t q = 0;
    double t = 0.0;
    bool swap = false;
};

/// Largest number of rotations on high qubits one pass applies (2^M registers per group).
inline constexpr unsigned rotation_max_high = 3;
static_assert(rotation_max_high <= 3, "rotations_simd dispatches passes of at most three high qubits");

/// Reference loop (double arithmetic), also the path for states too small for a register group.
template <class Real>
void rotations_scalar(std::complex<Real>* psi, qubit_t n, std::span<const rotation_op> rots) noexcept {
    const index_t half = index_t{1} << (n - 1);
    for (const rotation_op& r : rots) {
        const index_t bit = index_t{1} << r.q;
        for (index_t g = 0; g < half; ++g) {
            const index_t i0 = bits::insert_zero_bit(g, r.q), i1 = i0 | bit;
            const std::complex<double> x0(psi[i0]), x1(psi[i1]);
            const std::complex<double> y0 = x0 - r.t * x1, y1 = x1 + r.t * x0;
            psi[i0] = std::complex<Real>(r.swap ? y1 : y0);
            psi[i1] = std::complex<Real>(r.swap ? y0 : y1);
        }
    }
}

#if QCOACH_HAS_SIMD

/// Coefficient of one high rotation as a register.
template <class Real>
struct rotation_coef {
    rbatch<Real> t;
};

/// Coefficients of one low rotation: out = alpha v + beta perm(v) per lane, with the swap
/// folded in (unswapped: alpha = 1, beta = -t where the lane's bit is 0 and +t where it is 1;
/// swapped, the same permuted: alpha = -+t, beta = 1).
template <class Real>
struct lane_coef {
    rbatch<Real> alpha, beta;
};

template <class Real, unsigned LaneBit>
inline rbatch<Real> lane_rotate(const rbatch<Real>& v, const lane_coef<Real>& k) noexcept {
    // Complex lane l sits at reals 2l, 2l + 1; its partner l ^ 2^b is reals (2l) ^ 2^(b+1).
    return xsimd::fma(k.alpha, v, k.beta * permute_xor<(2u << LaneBit), Real>(v));
}

/// Apply the low rotations of LaneMask (one coefficient per set bit, ascending) to v.
template <class Real, unsigned LaneMask, unsigned Bit = 0>
inline void lane_rotations(rbatch<Real>& v, const lane_coef<Real>* k) noexcept {
    if constexpr (Bit < simd_low_qubits<Real>) {
        if constexpr ((LaneMask >> Bit) & 1u) {
            v = lane_rotate<Real, Bit>(v, *k);
            lane_rotations<Real, LaneMask, Bit + 1>(v, k + 1);
        } else {
            lane_rotations<Real, LaneMask, Bit + 1>(v, k);
        }
    }
}

/// A swap on high rotation i exchanges registers j and j ^ 2^i of every pair; the other
/// rotations of the pass pair registers by other bits and do not notice the relabeling, so the
/// swaps are done at the end by storing register j to the location of j ^ swap_mask.
///
/// `Pre` (no_pre, or a row factor of kernel_phase_table.hpp) multiplies the registers by a
/// diagonal as they are loaded: begin(start, off) prepares the factors of the registers
/// start + off[j] for the next `segment` amplitudes, apply(v, j) multiplies.
template <class Real, unsigned M, unsigned LaneMask, class Pre>
void rotations_simd_kernel(std::complex<Real>* psi, qubit_t n, const small_vector<qubit_t, 8>& high, unsigned swap_mask,
                           const std::array<rotation_coef<Real>, M>& hc, const small_vector<lane_coef<Real>, 4>& lc_in,
                           const Pre& pre_in) {
    constexpr unsigned nr = 1u << M;
    Pre pre = pre_in; // a local copy: the state's stores cannot change it
    constexpr unsigned nlow = static_cast<unsigned>(std::popcount(LaneMask));
    std::array<lane_coef<Real>, (nlow > 0 ? nlow : 1)> lc{};
    for (unsigned i = 0; i < nlow; ++i) lc[i] = lc_in[i];
    std::array<index_t, nr> off{}, out{};
    for (unsigned j = 0; j < nr; ++j) off[j] = bits::scatter_bits(j, std::span<const qubit_t>(high.data(), M));
    for (unsigned j = 0; j < nr; ++j) out[j] = off[j ^ swap_mask];
    // One group of 2^M registers, fully unrolled and inlined into both loops below (without the
    // pragmas GCC kept the group's loops rolled and the registers on the stack: 2x slower).
    auto group = [&](index_t k) __attribute__((always_inline)) {
        std::array<rbatch<Real>, nr> v;
#pragma GCC unroll 16
        for (unsigned j = 0; j < nr; ++j) v[j] = load(psi + k + off[j]);
        if constexpr (Pre::active) {
#pragma GCC unroll 16
            for (unsigned j = 0; j < nr; ++j) pre.apply(v[j], j);
        }
#pragma GCC unroll 4
        for (unsigned i = 0; i < M; ++i) {
            const unsigned bit = 1u << i;
#pragma GCC unroll 16
            for (unsigned j = 0; j < nr; ++j) {
                if (j & bit) continue;
                const rbatch<Real> y0 = xsimd::fnma(hc[i].t, v[j | bit], v[j]);
                v[j | bit] = xsimd::fma(hc[i].t, v[j], v[j | bit]);
                v[j] = y0;
            }
        }
        if constexpr (nlow > 0) {
#pragma GCC unroll 16
            for (unsigned j = 0; j < nr; ++j) lane_rotations<Real, LaneMask>(v[j], lc.data());
        }
#pragma GCC unroll 16
        for (unsigned j = 0; j < nr; ++j) store(psi + k + out[j], v[j]);
    };
    // Groups count up around the in-register bits and the high qubits: a carried chain of three
    // operations per step, which costs more than a one- or two-rotation group's arithmetic. So
    // when the lowest high qubit leaves runs of four or more consecutive groups, those run on a plain
    // counter and only the runs count around the high qubits.
    constexpr qubit_t low = simd_low_qubits<Real>;
    const qubit_t h0 = M > 0 ? high[0] : n;
    if (h0 >= low + 2) {
        const index_t run = index_t{1} << h0;
        index_t mask = run - 1;
        for (unsigned i = 0; i < M; ++i) mask |= index_t{1} << high[i];
        const index_t runs = index_t{1} << (n - M - h0);
        const index_t segment = std::min(run, pre.segment());
        index_t b = 0;
        for (index_t g = 0; g < runs; ++g, b = ((b | mask) + 1) & ~mask)
            for (index_t s = b; s < b + run; s += segment) {
                pre.begin(s, off);
                for (index_t k = s; k < s + segment; k += simd_lanes<Real>) group(k);
            }
        return;
    }
    index_t mask = (index_t{1} << low) - 1;
    for (unsigned i = 0; i < M; ++i) mask |= index_t{1} << high[i];
    const index_t groups = index_t{1} << (n - low - M);
    index_t b = 0;
    for (index_t g = 0; g < groups; ++g, b = ((b | mask) + 1) & ~mask) {
        pre.begin(b, off);
        group(b);
    }
}

template <class Real, unsigned M, class Pre, unsigned LaneMask = 0>
void rotations_dispatch_lanes(std::complex<Real>* psi, qubit_t n, unsigned lane_mask, const small_vector<qubit_t, 8>& high,
                              unsigned swap_mask, const std::array<rotation_coef<Real>, M>& hc,
                              const small_vector<lane_coef<Real>, 4>& lc, const Pre& pre) {
    if constexpr (LaneMask >= (1u << simd_low_qubits<Real>)) {
        (void)psi, (void)n, (void)lane_mask, (void)high, (void)swap_mask, (void)hc, (void)lc, (void)pre;
    } else {
        if (lane_mask == LaneMask) rotations_simd_kernel<Real, M, LaneMask>(psi, n, high, swap_mask, hc, lc, pre);
        else rotations_dispatch_lanes<Real, M, Pre, LaneMask + 1>(psi, n, lane_mask, high, swap_mask, hc, lc, pre);
    }
}

template <class Real, unsigned M, class Pre>
void rotations_with_high(std::complex<Real>* psi, qubit_t n, unsigned lane_mask, const small_vector<qubit_t, 8>& high,
                         const small_vector<rotation_op, 8>& hr, const small_vector<lane_coef<Real>, 4>& lc, const Pre& pre) {
    std::array<rotation_coef<Real>, M> hc;
    unsigned swap_mask = 0;
    for (unsigned i = 0; i < M; ++i) {
        hc[i] = {rbatch<Real>(static_cast<Real>(hr[i].t))};
        if (hr[i].swap) swap_mask |= 1u << i;
    }
    rotations_dispatch_lanes<Real, M, Pre>(psi, n, lane_mask, high, swap_mask, hc, lc, pre);
}

#endif // QCOACH_HAS_SIMD

/// Nothing to do to the registers before a pass's rotations.
struct no_pre {
    static constexpr bool active = false;
    static constexpr index_t segment() noexcept { return ~index_t{0}; }
    template <class Off>
    void begin(index_t, const Off&) noexcept {}
    template <class V>
    void apply(V&, unsigned) const noexcept {}
};

/// Whether rotations_simd runs SIMD passes on an n-qubit state (and so can take a `pre`).
template <class Real>
constexpr bool rotations_simd_runs(qubit_t n) noexcept {
#if QCOACH_HAS_SIMD
    return n >= simd_low_qubits<Real> + rotation_max_high;
#else
    (void)n;
    return false;
#endif
}

/// @brief Apply rotations on distinct qubits, serially, in SIMD passes of at most
/// rotation_max_high high qubits plus any low ones (the order within a pass is free since the
/// rotations commute). The first pass multiplies every register it loads by `pre` before the
/// rotations (see rotations_simd_kernel): a diagonal due before them then costs no pass of its
/// own. Needs rotations_simd_runs(n).
template <class Real, class Pre>
void rotations_simd(std::complex<Real>* psi, qubit_t n, std::span<const rotation_op> rots, const Pre& pre) {
#if QCOACH_HAS_SIMD
    constexpr unsigned low = simd_low_qubits<Real>;
    small_vector<rotation_op, 8> lows, highs;
    for (const rotation_op& r : rots) (r.q < low ? lows : highs).push_back(r);
    // Low rotations ride along with the first pass; later passes carry only high ones.
    std::size_t done = 0;
    bool lows_pending = !lows.empty();
    while (done < highs.size() || lows_pending) {
        const unsigned m = static_cast<unsigned>(std::min<std::size_t>(rotation_max_high, highs.size() - done));
        small_vector<rotation_op, 8> hr(highs.begin() + static_cast<std::ptrdiff_t>(done),
                                        highs.begin() + static_cast<std::ptrdiff_t>(done + m));
        std::sort(hr.begin(), hr.end(), [](const rotation_op& a, const rotation_op& b) { return a.q < b.q; });
        small_vector<qubit_t, 8> high;
        for (const rotation_op& r : hr) high.push_back(r.q);
        unsigned lane_mask = 0;
        small_vector<lane_coef<Real>, 4> lc;
        if (lows_pending) {
            std::sort(lows.begin(), lows.end(), [](const rotation_op& a, const rotation_op& b) { return a.q < b.q; });
            for (const rotation_op& r : lows) {
                lane_mask |= 1u << r.q;
                alignas(64) Real al[simd_width<Real>], be[simd_width<Real>];
                for (unsigned e = 0; e < simd_width<Real>; ++e) {
                    const bool one = ((e / 2) >> r.q) & 1u;
                    // y0 = x0 - t x1, y1 = x1 + t x0; swapped, lane 0 gets y1 and lane 1 y0.
                    al[e] = r.swap ? static_cast<Real>(one ? -r.t : r.t) : Real(1);
                    be[e] = r.swap ? Real(1) : static_cast<Real>(one ? r.t : -r.t);
                }
                lc.push_back({rbatch<Real>::load_aligned(al), rbatch<Real>::load_aligned(be)});
            }
            lows_pending = false;
        }
        auto pass = [&](const auto& p) {
            switch (m) {
            case 0: rotations_with_high<Real, 0>(psi, n, lane_mask, high, hr, lc, p); break;
            case 1: rotations_with_high<Real, 1>(psi, n, lane_mask, high, hr, lc, p); break;
            case 2: rotations_with_high<Real, 2>(psi, n, lane_mask, high, hr, lc, p); break;
            default: rotations_with_high<Real, 3>(psi, n, lane_mask, high, hr, lc, p); break;
            }
        };
        if (done == 0) pass(pre);
        else pass(no_pre{});
        done += m;
    }
#else
    (void)psi, (void)n, (void)rots, (void)pre;
#endif
}

/// @brief Apply rotations on distinct qubits, serially (SIMD passes when the state is large
/// enough for them, else the reference loop).
template <class Real>
void rotations_apply(std::complex<Real>* psi, qubit_t n, std::span<const rotation_op> rots) {
    if (rotations_simd_runs<Real>(n)) rotations_simd(psi, n, rots, no_pre{});
    else rotations_scalar(psi, n, rots);
}

} // namespace qcoach::detail
