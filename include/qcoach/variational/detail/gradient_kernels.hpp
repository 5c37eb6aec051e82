#pragma once
/// @file
/// @brief State kernels of the gradient code: a Pauli sum applied to a state (out of place),
/// the pair overlaps that give <lambda|G|psi> for any one-qubit G, and the matrix element
/// <lambda| P_C ⊗ A |psi> of a general small operator between two states.
///
/// All read their inputs in place and accumulate in double (float SIMD sums are moved to
/// double every 16 registers); none allocates a state. Sums run over fixed blocks
/// (qcoach::detail::ordered_reduce), so results do not depend on the thread count.
///
/// ## H psi
/// A Pauli string P = i^{#Y} X^x Z^z (statevector/pauli.hpp) maps |z> to
/// i^{#Y} (-1)^{|z & zmask|} |z ^ x>, so
///     (P psi)[b] = i^{#Y} (-1)^{|(b ^ x) & zmask|} psi[b ^ x]
///               = (-i)^{#Y} (-1)^{|b & zmask|} psi[b ^ x],
/// using |(b ^ x) & z| = |b & z| + |x & z| (mod 2) and #Y = |x & z|. Terms that share x share
/// the partner amplitude psi[b ^ x]; their coefficients w (-i)^{#Y} are summed with the sign
/// (-1)^{|b & z|} of each term, then multiply that amplitude. Each output amplitude is written
/// once, by the thread that owns it, in a single pass over the state.
///
/// ## Pair overlaps (uncontrolled one-qubit gates)
/// For a target t, M_rc = sum conj(lambda[k_r]) psi[k_c] over the index pairs (k_0, k_1) that
/// differ only in bit t. Then <lambda|A|psi> = sum_rc A_rc M_rc for every 2x2 matrix A, so one
/// pass over the two states serves all angles of the gate. On the SIMD path (detail/simd.hpp) a
/// target above the in-register qubits pairs whole registers; a target inside a register pairs
/// each lane with the lane that differs in bit t (a lane permutation), and the lanes are sorted
/// into M_00 / M_11 (products with the register itself) and M_01 / M_10 (with the permuted one).
///
/// ## <lambda| P_C ⊗ A |psi>
/// P_C projects onto the control qubits holding their control values; A (2^k x 2^k, row-major,
/// first-listed target = least significant bit, as gate.hpp) acts on the targets. The sum runs
/// over the groups of the untouched qubits (a zero bit inserted at every target and control
/// position, the control values then set), each group contributing
///     sum_{r, c} conj(lambda[g + off_r]) A[r][c] psi[g + off_c].
///
/// Complex products are written out in real arithmetic: std::complex multiplication calls the
/// NaN-checking library routine unless the user compiles with -fcx-limited-range.

#include <algorithm>
#include <bit>
#include <complex>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/kernel_scalar.hpp"
#include "qcoach/statevector/detail/simd.hpp"
#include "qcoach/statevector/expectation.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/statevector/pauli.hpp"

namespace qcoach::variational::detail {

/// Terms of a Pauli sum that flip the same qubits. The coefficient w (-i)^{#Y} of a term is
/// real (#Y even) or imaginary (#Y odd); the two kinds are kept apart as (z mask, real weight)
/// lists so that the sign (-1)^{|b & z|} is applied by flipping a sign bit, without a branch
/// (qcoach::detail::signed_weight, as in the expectation kernel).
struct flip_group {
    index_t x = 0;
    std::vector<std::pair<index_t, double>> re; ///< terms whose coefficient is real
    std::vector<std::pair<index_t, double>> im; ///< terms whose coefficient is imaginary (weight = its imaginary part)
};

/// The terms of `h` grouped by x mask (PauliSum keeps them ordered by x mask).
inline std::vector<flip_group> flip_groups(const PauliSum& h) {
    std::vector<flip_group> groups;
    for (const auto& [w, p] : h.terms()) {
        if (groups.empty() || groups.back().x != p.x_mask()) {
            groups.emplace_back();
            groups.back().x = p.x_mask();
        }
        // (-i)^{#Y}: 1, -i, -1, i for #Y = 0, 1, 2, 3 (mod 4).
        switch (std::popcount(p.x_mask() & p.z_mask()) & 3) {
        case 0: groups.back().re.emplace_back(p.z_mask(), w); break;
        case 1: groups.back().im.emplace_back(p.z_mask(), -w); break;
        case 2: groups.back().re.emplace_back(p.z_mask(), -w); break;
        default: groups.back().im.emplace_back(p.z_mask(), w); break;
        }
    }
    return groups;
}

/// out = H psi for the grouped Pauli sum (out and psi must not alias). An empty sum gives 0.
template <class Real>
void apply_pauli_sum(const std::complex<Real>* psi, std::complex<Real>* out, qubit_t n, const std::vector<flip_group>& groups,
                     const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t b = 0; b < len; ++b) {
        double acc_re = 0.0, acc_im = 0.0;
        for (const flip_group& g : groups) {
            const double f_re = g.re.empty() ? 0.0 : qcoach::detail::signed_weight(g.re, b);
            const double f_im = g.im.empty() ? 0.0 : qcoach::detail::signed_weight(g.im, b);
            const double p_re = psi[b ^ g.x].real(), p_im = psi[b ^ g.x].imag();
            acc_re += f_re * p_re - f_im * p_im;
            acc_im += f_re * p_im + f_im * p_re;
        }
        out[b] = std::complex<Real>(static_cast<Real>(acc_re), static_cast<Real>(acc_im));
    }
}

/// Re <a|b> summed over fixed blocks (same value for every thread count, unlike an OpenMP
/// reduction).
template <class Real>
double inner_real(const std::complex<Real>* a, const std::complex<Real>* b, qubit_t n, const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    return qcoach::detail::ordered_reduce<double>(len, pol.threads_for(len), [a, b](index_t i0, index_t i1) {
        double acc = 0.0;
        for (index_t i = i0; i < i1; ++i) {
            acc += static_cast<double>(a[i].real()) * static_cast<double>(b[i].real()) +
                   static_cast<double>(a[i].imag()) * static_cast<double>(b[i].imag());
        }
        return acc;
    });
}

/// <lambda| P_C ⊗ A |psi> for K targets (A row-major 2^K x 2^K, complex<double>).
template <unsigned K, class Real>
std::complex<double> matrix_element_k(const std::complex<Real>* lambda, const std::complex<Real>* psi, qubit_t n,
                                      const qcoach::detail::gate_layout& lay, const std::complex<double>* a,
                                      const exec_policy& pol) {
    constexpr std::size_t dim = std::size_t{1} << K;
    const small_vector<qubit_t, 16> sorted = lay.sorted_all();
    index_t off[dim];
    double are[dim * dim], aim[dim * dim];
    for (std::size_t j = 0; j < dim; ++j) off[j] = bits::scatter_bits(j, std::span<const qubit_t>(lay.targets.data(), K));
    for (std::size_t j = 0; j < dim * dim; ++j) {
        are[j] = a[j].real();
        aim[j] = a[j].imag();
    }
    const index_t groups = index_t{1} << (n - sorted.size());
    const index_t ctrl = lay.control_value;
    const std::span<const qubit_t> pos(sorted.data(), sorted.size());
    struct acc2 {
        double re = 0.0, im = 0.0;
        acc2& operator+=(const acc2& o) noexcept {
            re += o.re;
            im += o.im;
            return *this;
        }
    };
    const acc2 sum = qcoach::detail::ordered_reduce<acc2>(groups, pol.threads_for(index_t{1} << n), [&](index_t i0, index_t i1) {
        acc2 acc;
        for (index_t i = i0; i < i1; ++i) {
            const index_t g = bits::insert_zero_bits(i, pos) | ctrl;
            double p_re[dim], p_im[dim];
            for (std::size_t c = 0; c < dim; ++c) {
                p_re[c] = static_cast<double>(psi[g + off[c]].real());
                p_im[c] = static_cast<double>(psi[g + off[c]].imag());
            }
            for (std::size_t r = 0; r < dim; ++r) {
                double row_re = 0.0, row_im = 0.0;
                for (std::size_t c = 0; c < dim; ++c) {
                    row_re += are[r * dim + c] * p_re[c] - aim[r * dim + c] * p_im[c];
                    row_im += are[r * dim + c] * p_im[c] + aim[r * dim + c] * p_re[c];
                }
                // conj(l) * row
                const double l_re = static_cast<double>(lambda[g + off[r]].real()), l_im = static_cast<double>(lambda[g + off[r]].imag());
                acc.re += l_re * row_re + l_im * row_im;
                acc.im += l_re * row_im - l_im * row_re;
            }
        }
        return acc;
    });
    return {sum.re, sum.im};
}

/// The four overlaps M_rc = sum over pairs conj(lambda[k_r]) psi[k_c], where (k_0, k_1) runs
/// over the index pairs that differ only in bit t (k_0 has it clear). For any 2x2 matrix A on
/// qubit t, <lambda| A |psi> = sum_rc A_rc M_rc: one pass over both states serves every angle
/// of an uncontrolled one-qubit gate.
struct pair_overlap {
    double re[4] = {0, 0, 0, 0}; ///< Re M_00, M_01, M_10, M_11
    double im[4] = {0, 0, 0, 0};
    pair_overlap& operator+=(const pair_overlap& o) noexcept {
        for (int i = 0; i < 4; ++i) {
            re[i] += o.re[i];
            im[i] += o.im[i];
        }
        return *this;
    }
    /// sum_rc A_rc M_rc for A row-major.
    std::complex<double> contract(const std::complex<double>* a) const noexcept {
        double r = 0, i = 0;
        for (int k = 0; k < 4; ++k) {
            r += a[k].real() * re[k] - a[k].imag() * im[k];
            i += a[k].real() * im[k] + a[k].imag() * re[k];
        }
        return {r, i};
    }
};

/// Scalar pair_overlaps: pairs in runs of consecutive indices (length 2^t).
template <class Real>
pair_overlap pair_overlaps_scalar(const std::complex<Real>* lambda, const std::complex<Real>* psi, qubit_t n, qubit_t t,
                                  const exec_policy& pol) {
    const index_t half = index_t{1} << t;
    const index_t pairs = index_t{1} << (n - 1);
    return qcoach::detail::ordered_reduce<pair_overlap>(pairs, pol.threads_for(index_t{1} << n), [&](index_t i0, index_t i1) {
        pair_overlap m;
        for (index_t i = i0; i < i1;) {
            const index_t lo = i & (half - 1);
            const index_t count = std::min(half - lo, i1 - i);
            const index_t first = bits::insert_zero_bit(i, t);
            for (index_t k0 = first; k0 < first + count; ++k0) {
                const index_t k1 = k0 + half;
                const double l0r = lambda[k0].real(), l0i = lambda[k0].imag(), l1r = lambda[k1].real(), l1i = lambda[k1].imag();
                const double p0r = psi[k0].real(), p0i = psi[k0].imag(), p1r = psi[k1].real(), p1i = psi[k1].imag();
                // conj(l) p = (lr pr + li pi) + i (lr pi - li pr)
                m.re[0] += l0r * p0r + l0i * p0i;
                m.im[0] += l0r * p0i - l0i * p0r;
                m.re[1] += l0r * p1r + l0i * p1i;
                m.im[1] += l0r * p1i - l0i * p1r;
                m.re[2] += l1r * p0r + l1i * p0i;
                m.im[2] += l1r * p0i - l1i * p0r;
                m.re[3] += l1r * p1r + l1i * p1i;
                m.im[3] += l1r * p1i - l1i * p1r;
            }
            i += count;
        }
        return m;
    });
}

#if QCOACH_HAS_SIMD

using qcoach::detail::load;
using qcoach::detail::permute_xor;
using qcoach::detail::rbatch;
using qcoach::detail::simd_low_qubits;
using qcoach::detail::simd_width;

/// Sum of the elements of a batch of products L * P (real parts of conj(l) p, both halves)
/// or L * swap(P) with the sign pattern [+1, -1] (imaginary parts), for the lanes whose bit
/// `bit` of the lane index equals `value` (bit < 0: all lanes).
template <class Real>
void add_lanes(const rbatch<Real>& prod_re, const rbatch<Real>& prod_im, int bit, unsigned value, double& re, double& im) {
    alignas(64) Real a[simd_width<Real>], b[simd_width<Real>];
    prod_re.store_aligned(a);
    prod_im.store_aligned(b);
    for (unsigned e = 0; e < simd_width<Real>; ++e) {
        if (bit >= 0 && (((e / 2) >> bit) & 1u) != value) continue;
        re += static_cast<double>(a[e]);
        im += (e & 1) ? -static_cast<double>(b[e]) : static_cast<double>(b[e]);
    }
}

/// SIMD pair_overlaps for a target above the in-register qubits: register pairs (v, v + 2^t).
template <class Real>
pair_overlap pair_overlaps_high(const std::complex<Real>* lambda, const std::complex<Real>* psi, qubit_t n, qubit_t t,
                                const exec_policy& pol) {
    using B = rbatch<Real>;
    constexpr unsigned low = simd_low_qubits<Real>;
    constexpr index_t sub = std::is_same_v<Real, float> ? 16 : (index_t{1} << 62); // float: registers per double flush
    const index_t half = index_t{1} << t;
    const index_t regs = index_t{1} << (n - 1 - low);
    return qcoach::detail::ordered_reduce<pair_overlap>(regs, pol.threads_for(index_t{1} << n), [&](index_t r0, index_t r1) {
        pair_overlap m;
        for (index_t s = r0; s < r1; s += sub) {
            B rr[4] = {B(Real(0)), B(Real(0)), B(Real(0)), B(Real(0))};
            B ii[4] = {B(Real(0)), B(Real(0)), B(Real(0)), B(Real(0))};
            for (index_t r = s, re = std::min(r1, s + sub); r < re; ++r) {
                const index_t k0 = bits::insert_zero_bit(r << low, t);
                const B l0 = load(lambda + k0), l1 = load(lambda + k0 + half);
                const B p0 = load(psi + k0), p1 = load(psi + k0 + half);
                const B q0 = permute_xor<1, Real>(p0), q1 = permute_xor<1, Real>(p1);
                rr[0] = xsimd::fma(l0, p0, rr[0]);
                ii[0] = xsimd::fma(l0, q0, ii[0]);
                rr[1] = xsimd::fma(l0, p1, rr[1]);
                ii[1] = xsimd::fma(l0, q1, ii[1]);
                rr[2] = xsimd::fma(l1, p0, rr[2]);
                ii[2] = xsimd::fma(l1, q0, ii[2]);
                rr[3] = xsimd::fma(l1, p1, rr[3]);
                ii[3] = xsimd::fma(l1, q1, ii[3]);
            }
            for (int k = 0; k < 4; ++k) add_lanes(rr[k], ii[k], -1, 0, m.re[k], m.im[k]);
        }
        return m;
    });
}

/// SIMD pair_overlaps for a target inside the register (t < log2(lanes)): lane l pairs with
/// lane l ^ 2^t of the same register. Products with the register itself give M_00 (lanes with
/// bit t clear) and M_11 (set); products with the lane-swapped register give M_01 and M_10.
template <unsigned T, class Real>
pair_overlap pair_overlaps_low(const std::complex<Real>* lambda, const std::complex<Real>* psi, qubit_t n, const exec_policy& pol) {
    using B = rbatch<Real>;
    constexpr unsigned low = simd_low_qubits<Real>;
    constexpr index_t sub = std::is_same_v<Real, float> ? 16 : (index_t{1} << 62);
    const index_t regs = index_t{1} << (n - low);
    return qcoach::detail::ordered_reduce<pair_overlap>(regs, pol.threads_for(index_t{1} << n), [&](index_t r0, index_t r1) {
        pair_overlap m;
        for (index_t s = r0; s < r1; s += sub) {
            B same_r(Real(0)), same_i(Real(0)), cross_r(Real(0)), cross_i(Real(0));
            for (index_t r = s, re = std::min(r1, s + sub); r < re; ++r) {
                const B l = load(lambda + (r << low)), p = load(psi + (r << low));
                const B x = permute_xor<(2u << T), Real>(p);
                same_r = xsimd::fma(l, p, same_r);
                same_i = xsimd::fma(l, permute_xor<1, Real>(p), same_i);
                cross_r = xsimd::fma(l, x, cross_r);
                cross_i = xsimd::fma(l, permute_xor<1, Real>(x), cross_i);
            }
            add_lanes(same_r, same_i, T, 0, m.re[0], m.im[0]);
            add_lanes(same_r, same_i, T, 1, m.re[3], m.im[3]);
            add_lanes(cross_r, cross_i, T, 0, m.re[1], m.im[1]);
            add_lanes(cross_r, cross_i, T, 1, m.re[2], m.im[2]);
        }
        return m;
    });
}

#endif // QCOACH_HAS_SIMD

/// pair_overlaps on the SIMD path when the policy asks for it and the state fills a register
/// pair, else on the scalar path.
template <class Real>
pair_overlap pair_overlaps(const std::complex<Real>* lambda, const std::complex<Real>* psi, qubit_t n, qubit_t t, const exec_policy& pol) {
#if QCOACH_HAS_SIMD
    constexpr unsigned low = qcoach::detail::simd_low_qubits<Real>;
    if (pol.path == kernel_path::simd && n >= low + 1) {
        if (t >= low) return pair_overlaps_high(lambda, psi, n, t, pol);
        if constexpr (low > 0) {
            if (t == 0) return pair_overlaps_low<0>(lambda, psi, n, pol);
        }
        if constexpr (low > 1) {
            if (t == 1) return pair_overlaps_low<1>(lambda, psi, n, pol);
        }
        if constexpr (low > 2) {
            if (t == 2) return pair_overlaps_low<2>(lambda, psi, n, pol);
        }
    }
#endif
    return pair_overlaps_scalar(lambda, psi, n, t, pol);
}

/// <lambda| P_C ⊗ A |psi> for a layout with 1 to 6 targets.
template <class Real>
std::complex<double> matrix_element(const std::complex<Real>* lambda, const std::complex<Real>* psi, qubit_t n,
                                    const qcoach::detail::gate_layout& lay, const std::complex<double>* a, const exec_policy& pol) {
    switch (lay.targets.size()) {
    case 1: return matrix_element_k<1>(lambda, psi, n, lay, a, pol);
    case 2: return matrix_element_k<2>(lambda, psi, n, lay, a, pol);
    case 3: return matrix_element_k<3>(lambda, psi, n, lay, a, pol);
    case 4: return matrix_element_k<4>(lambda, psi, n, lay, a, pol);
    case 5: return matrix_element_k<5>(lambda, psi, n, lay, a, pol);
    default: return matrix_element_k<6>(lambda, psi, n, lay, a, pol);
    }
}

} // namespace qcoach::variational::detail
