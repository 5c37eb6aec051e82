#pragma once
/// @file
/// @brief Dense gates on high qubits with three real multiplications per complex product.
///
/// A dense gate on high targets is compute-bound on AVX2: every complex multiply-add costs two
/// vector FMA-unit operations per register in the interleaved form, so a 2-qubit gate needs 16
/// per four registers, as many as the two FMA units can issue while memory delivers the data.
/// Gauss's trick trades a multiplication for additions, which run on separate units:
///     (mr + i mi)(xr + i xi) = K - mi' xi + i (K + mi'' xr),  K = mr (xr + xi),
/// with mi' = mr + mi and mi'' = mi - mr precomputed. Summed over the 2^H inputs of an output,
/// the real parts need sum(mr s) - sum(mi' xi) and the imaginary parts sum(mr s) + sum(mi'' xr):
/// three products per matrix element on whole registers of real or imaginary parts, against
/// four for the plain form, plus additions.
///
/// That needs the real and imaginary parts in separate registers. Two registers of a stream are
/// split with in-lane unpacks (xsimd::zip_lo / zip_hi), which leave the lanes in a permuted but
/// consistent order; the same unpacks put them back. A group therefore takes two registers per
/// stream: the second is one "pair bit" away, the lowest high qubit the gate does not touch
/// (usually the register right after the first).

#include <algorithm>
#include <array>
#include <complex>
#include <utility>

#include "qcoach/statevector/detail/group_walk.hpp"
#include "qcoach/statevector/detail/kernel_dense.hpp"
#include "qcoach/statevector/detail/simd.hpp"

namespace qcoach::detail {

#if QCOACH_HAS_SIMD

/// Split two interleaved registers into real and imaginary parts (lanes in a fixed permuted
/// order) and back.
template <class Real>
inline void split_complex(const rbatch<Real>& a, const rbatch<Real>& b, rbatch<Real>& re, rbatch<Real>& im) noexcept {
    if constexpr (sizeof(Real) == 8) {
        re = xsimd::zip_lo(a, b);
        im = xsimd::zip_hi(a, b);
    } else {
        const rbatch<Real> x = xsimd::zip_lo(a, b), y = xsimd::zip_hi(a, b);
        re = xsimd::zip_lo(x, y);
        im = xsimd::zip_hi(x, y);
    }
}

template <class Real>
inline void join_complex(const rbatch<Real>& re, const rbatch<Real>& im, rbatch<Real>& a, rbatch<Real>& b) noexcept {
    a = xsimd::zip_lo(re, im);
    b = xsimd::zip_hi(re, im);
}

/// Coefficients of the planar kernel: for element (j, j'), mr, mr + mi and mi - mr.
template <class Real, unsigned H>
struct planar_coefficients {
    static constexpr std::size_t count = std::size_t{1} << (2 * H);
    std::array<Real, count> mr{}, p1{}, p2{};
};

/// The group body; `at[2j]` and `at[2j + 1]` address the two registers of row j.
template <class Real, unsigned H, class Coef>
inline void planar_body(const std::array<std::complex<Real>*, (2u << H)>& at, index_t base, const Coef& c) noexcept {
    constexpr unsigned nj = 1u << H;
    std::array<rbatch<Real>, nj> xr, xi, s;
    for (unsigned j = 0; j < nj; ++j) {
        split_complex<Real>(load(at[2 * j] + base), load(at[2 * j + 1] + base), xr[j], xi[j]);
        s[j] = xr[j] + xi[j];
    }
    for (unsigned j = 0; j < nj; ++j) {
        const std::size_t row = std::size_t{j} * nj;
        rbatch<Real> k = rbatch<Real>(c.mr[row]) * s[0];
        rbatch<Real> a = rbatch<Real>(c.p1[row]) * xi[0];
        rbatch<Real> b = rbatch<Real>(c.p2[row]) * xr[0];
        for (unsigned jp = 1; jp < nj; ++jp) {
            k = xsimd::fma(rbatch<Real>(c.mr[row + jp]), s[jp], k);
            a = xsimd::fma(rbatch<Real>(c.p1[row + jp]), xi[jp], a);
            b = xsimd::fma(rbatch<Real>(c.p2[row + jp]), xr[jp], b);
        }
        rbatch<Real> lo, hi;
        join_complex<Real>(k - a, k + b, lo, hi);
        store(at[2 * j] + base, lo);
        store(at[2 * j + 1] + base, hi);
    }
}

/// The lowest high qubit the plan does not touch: the second register of a planar group.
template <class Real>
qubit_t planar_pair_bit(const dense_plan<Real>& plan) noexcept {
    qubit_t b = simd_low_qubits<Real>;
    for (qubit_t q : plan.inserted)
        if (q == b) ++b;
    return b;
}

/// True when the planar kernel applies to the plan: no low targets or lane controls, and room
/// in the state for the pair bit beside the touched qubits.
template <class Real>
bool planar_applicable(const dense_plan<Real>& plan, qubit_t n) noexcept {
    return plan.low_mask == 0 && !plan.lane_controls && plan.high_count >= 1 &&
           simd_low_qubits<Real> + plan.inserted.size() + 1 <= n;
}

template <class Real, unsigned H>
void dense_planar_kernel(std::complex<Real>* psi, qubit_t n, const dense_plan<Real>& plan, const exec_policy& pol) {
    constexpr unsigned nj = 1u << H;
    constexpr unsigned width = simd_width<Real>;
    // The plan's per-lane tables hold, for element (j, j'), re in every slot and [-im, im].
    planar_coefficients<Real, H> c;
    for (std::size_t e = 0; e < c.count; ++e) {
        const Real mr = plan.coef_re[e * width];
        const Real mi = plan.coef_im[e * width + 1];
        c.mr[e] = mr;
        c.p1[e] = mr + mi;
        c.p2[e] = mi - mr;
    }
    std::array<index_t, nj> off{};
    for (unsigned j = 0; j < nj; ++j) off[j] = plan.offsets[j];
    const qubit_t pair_bit = planar_pair_bit(plan);
    const index_t pair = index_t{1} << pair_bit;
    group_walk walk;
    walk.low_bits = simd_low_qubits<Real>;
    walk.inserted = plan.inserted;
    walk.inserted.insert(std::upper_bound(walk.inserted.begin(), walk.inserted.end(), pair_bit), pair_bit);
    walk.ctrl_value = plan.control_value;
    walk.offsets.reserve(2 * nj);
    for (unsigned j = 0; j < nj; ++j) {
        walk.offsets.push_back(off[j]);
        walk.offsets.push_back(off[j] + pair);
    }
    walk.prepare(n, sizeof(std::complex<Real>));
    std::array<index_t, 2 * nj> walk_off{};
    std::copy(walk.offsets.begin(), walk.offsets.end(), walk_off.begin());
    if constexpr (H <= 3) {
        walk_groups(walk, psi, pol, [=](auto at) {
            std::array<std::complex<Real>*, (2u << H)> a;
            for (unsigned k = 0; k < 2 * nj; ++k) a[k] = at(walk_off[k]);
            return [=](index_t base) { planar_body<Real, H>(a, base, c); };
        });
    } else {
        // Large tables are read through a pointer (L1/L2-resident) instead of being copied.
        const auto* cp = &c;
        walk_groups(walk, psi, pol, [=](auto at) {
            std::array<std::complex<Real>*, (2u << H)> a;
            for (unsigned k = 0; k < 2 * nj; ++k) a[k] = at(walk_off[k]);
            return [=](index_t base) { planar_body<Real, H>(a, base, *cp); };
        });
    }
}

template <class Real, unsigned H = 1>
void dense_planar_dispatch(std::complex<Real>* psi, qubit_t n, const dense_plan<Real>& plan, const exec_policy& pol) {
    if constexpr (H > max_dense_qubits) {
        (void)psi, (void)n, (void)plan, (void)pol;
    } else {
        if (plan.high_count == H) dense_planar_kernel<Real, H>(psi, n, plan, pol);
        else dense_planar_dispatch<Real, H + 1>(psi, n, plan, pol);
    }
}

#endif // QCOACH_HAS_SIMD

} // namespace qcoach::detail
