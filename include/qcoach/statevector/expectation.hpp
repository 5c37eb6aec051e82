#pragma once
/// @file
/// @brief Expectation values <psi|O|psi> of Pauli strings, Pauli sums and diagonal observables,
/// each computed in passes over the state without copying it, accumulated in double.
///
/// ## Method
/// A string P = i^{#Y} X^x Z^z (pauli.hpp) gives
///     <psi|P|psi> = i^{#Y} sum_b s_z(b) c(b),   c(b) = conj(psi[b ^ x]) psi[b],   s_z(b) = (-1)^{|b & z|}.
/// For x != 0 the indices pair up as (b, b ^ x) with c(b ^ x) = conj(c(b)) and
/// s_z(b ^ x) = (-1)^{#Y} s_z(b), so the sum over all b is twice the real part (#Y even) or 2i
/// times the imaginary part (#Y odd) of the sum over the b whose pivot bit (highest bit of x) is 0:
/// every amplitude is read once. Folding in i^{#Y}, a term w · P contributes
///     #Y = 0, 2 (mod 4):  +w, -w  times  sum s_z(b) Re c(b)
///     #Y = 1, 3 (mod 4):  -w, +w  times  sum s_z(b) Im c(b)
/// (times 2 when only half the indices are visited). All terms of a Pauli sum that share x share
/// c(b), so each group of equal x masks costs one pass: per amplitude pair, the weights of the
/// group's terms are added up with their signs s_z(b), then multiplied by Re c or Im c.
///
/// ## SIMD path
/// With exec_policy::path == kernel_path::simd (the default) a register of C complex lanes is
/// handled at once (see detail/simd.hpp). The x bits below log2(C) become a lane permutation of
/// the partner register, the others an offset; when x has no bit above log2(C) the pairs lie
/// inside one register and every register is visited (no factor 2). Signs split the same way:
/// the low bits of z give a fixed per-lane pattern, the high bits one sign per register, so terms
/// are grouped by the low part of z and each group costs one multiply-add per register. float
/// states accumulate 16 registers in float, then add to a double sum. kernel_path::scalar runs
/// the plain loop above; the tests compare both against dense matrices.
///
/// Reproducibility: sums run over fixed blocks (detail::ordered_reduce), so a given path gives
/// bit-identical results for every thread count. The value is <psi|O|psi> as is: a state that is
/// not normalized is not divided by its norm^2.

#include <algorithm>
#include <bit>
#include <complex>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/bits.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/simd.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/statevector/pauli.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach {

namespace detail {

/// The terms of an observable that flip the same qubits (same x mask), with the i^{#Y} phase
/// and sign folded into the weights as in the file comment.
struct pauli_group {
    index_t x = 0;
    std::vector<std::pair<index_t, double>> even; ///< (z mask, weight) multiplying s_z(b) Re c(b)
    std::vector<std::pair<index_t, double>> odd;  ///< (z mask, weight) multiplying s_z(b) Im c(b)

    void add(index_t z, double w) {
        const int ny = std::popcount(x & z) & 3;
        if (ny == 0 || ny == 2) even.emplace_back(z, ny == 0 ? w : -w);
        else odd.emplace_back(z, ny == 1 ? -w : w);
    }
};

/// sum over terms of w · s_z(b). The sign goes straight into the sign bit of w: a branch on the
/// parity would be mispredicted half the time.
inline double signed_weight(const std::vector<std::pair<index_t, double>>& terms, index_t b) noexcept {
    double f = 0.0;
    for (const auto& [z, w] : terms) {
        const auto flip = static_cast<std::uint64_t>(std::popcount(b & z) & 1) << 63;
        f += std::bit_cast<double>(std::bit_cast<std::uint64_t>(w) ^ flip);
    }
    return f;
}

template <class Real>
double pauli_group_scalar(const std::complex<Real>* psi, qubit_t n, const pauli_group& g, const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    const int threads = pol.threads_for(len);
    if (g.x == 0) {
        // Diagonal group: c(b) = |psi[b]|^2 and #Y = 0 for every term.
        return ordered_reduce<double>(len, threads, [psi, &g](index_t b0, index_t b1) {
            double acc = 0.0;
            for (index_t b = b0; b < b1; ++b) acc += signed_weight(g.even, b) * born_prob(psi[b]);
            return acc;
        });
    }
    const auto pivot = static_cast<qubit_t>(std::bit_width(g.x) - 1);
    const index_t x = g.x;
    return 2.0 * ordered_reduce<double>(len / 2, threads, [psi, &g, pivot, x](index_t i0, index_t i1) {
        double acc = 0.0;
        for (index_t i = i0; i < i1; ++i) {
            const index_t b = bits::insert_zero_bit(i, pivot);
            const std::complex<double> a(psi[b]), p(psi[b ^ x]);
            const double re = p.real() * a.real() + p.imag() * a.imag(); // conj(p) a
            const double im = p.real() * a.imag() - p.imag() * a.real();
            if (!g.even.empty()) acc += signed_weight(g.even, b) * re;
            if (!g.odd.empty()) acc += signed_weight(g.odd, b) * im;
        }
        return acc;
    });
}

#if QCOACH_HAS_SIMD

/// Terms whose z masks agree on the low (in-register) qubits: one per-lane sign pattern, and the
/// high parts of z that give each register its scalar sign.
template <class Real>
struct lane_class {
    aligned_vector<Real> sign;                      ///< simd_width reals: the lane's sign on re and im
    std::vector<std::pair<index_t, double>> terms;  ///< (high bits of z, weight)
};

/// `im_part`: the class multiplies p * swap(v) = [pr vi, pi vr], whose lane sum needs the
/// pattern [+1, -1] to give Im(conj(p) v) = pr vi - pi vr; fold that into the sign pattern.
template <class Real>
std::vector<lane_class<Real>> make_lane_classes(const std::vector<std::pair<index_t, double>>& terms, bool im_part) {
    constexpr unsigned lanes = simd_lanes<Real>;
    constexpr unsigned width = simd_width<Real>;
    const index_t low = lanes - 1;
    std::vector<lane_class<Real>> out;
    std::vector<int> where(lanes, -1);
    for (const auto& [z, w] : terms) {
        const auto zl = static_cast<unsigned>(z & low);
        if (where[zl] < 0) {
            where[zl] = static_cast<int>(out.size());
            lane_class<Real> c;
            c.sign.resize(width);
            for (unsigned e = 0; e < width; ++e) {
                const bool flip = (std::popcount((e / 2) & zl) & 1) != (im_part && (e & 1));
                c.sign[e] = flip ? Real(-1) : Real(1);
            }
            out.push_back(std::move(c));
        }
        out[static_cast<std::size_t>(where[zl])].terms.emplace_back(z & ~low, w);
    }
    return out;
}

/// Per-lane weight register for the register starting at amplitude `base` (low bits zero).
template <class Real>
inline rbatch<Real> lane_weights(const std::vector<lane_class<Real>>& classes, index_t base) noexcept {
    rbatch<Real> g(Real(0));
    for (const auto& c : classes) {
        const double s = signed_weight(c.terms, base);
        g = xsimd::fma(rbatch<Real>(static_cast<Real>(s)), rbatch<Real>::load_aligned(c.sign.data()), g);
    }
    return g;
}

/// One group on the SIMD path; XL = the low bits of x (a compile-time lane permutation).
template <class Real, unsigned XL>
double pauli_group_simd_x(const std::complex<Real>* psi, qubit_t n, index_t x_hi, const std::vector<lane_class<Real>>& ev,
                          const std::vector<lane_class<Real>>& od, const exec_policy& pol) {
    using B = rbatch<Real>;
    constexpr unsigned low_bits = simd_low_qubits<Real>;
    // Registers summed in the working precision before moving the sum to double.
    constexpr index_t sub = std::is_same_v<Real, float> ? 16 : (index_t{1} << 62);
    const bool half = x_hi != 0;
    const auto pivot = half ? static_cast<qubit_t>(std::bit_width(x_hi) - 1) : qubit_t{0};
    const index_t regs = index_t{1} << (n - low_bits - (half ? 1 : 0));
    const double sum = ordered_reduce<double>(regs, pol.threads_for(index_t{1} << n), [&](index_t r0, index_t r1) {
        double total = 0.0;
        for (index_t s = r0; s < r1; s += sub) {
            B acc_e(Real(0)), acc_o(Real(0));
            for (index_t r = s, re = std::min(r1, s + sub); r < re; ++r) {
                // Register r of the visited set: with a high pivot, a zero inserted at the pivot.
                const index_t base = half ? bits::insert_zero_bit(r << low_bits, pivot) : (r << low_bits);
                const B v = load(psi + base);
                // Lane l of p is psi[(base + l) ^ x] = psi[(base ^ x_hi) + (l ^ XL)].
                const B p = permute_xor<2 * XL, Real>(half ? load(psi + (base ^ x_hi)) : v);
                if (!ev.empty()) acc_e = xsimd::fma(lane_weights(ev, base), p * v, acc_e);
                if (!od.empty()) acc_o = xsimd::fma(lane_weights(od, base), p * permute_xor<1, Real>(v), acc_o);
            }
            total += static_cast<double>(xsimd::hadd(acc_e)) + static_cast<double>(xsimd::hadd(acc_o));
        }
        return total;
    });
    return half ? 2.0 * sum : sum;
}

template <class Real, unsigned XL = 0>
double pauli_group_simd_dispatch(unsigned x_lo, const std::complex<Real>* psi, qubit_t n, index_t x_hi,
                                 const std::vector<lane_class<Real>>& ev, const std::vector<lane_class<Real>>& od,
                                 const exec_policy& pol) {
    if constexpr (XL + 1 < simd_lanes<Real>) {
        if (x_lo != XL) return pauli_group_simd_dispatch<Real, XL + 1>(x_lo, psi, n, x_hi, ev, od, pol);
    }
    return pauli_group_simd_x<Real, XL>(psi, n, x_hi, ev, od, pol);
}

#endif // QCOACH_HAS_SIMD

/// Value of one group: the SIMD path when asked for and the state fills at least one register.
template <class Real>
double pauli_group_value(const std::complex<Real>* psi, qubit_t n, const pauli_group& g, const exec_policy& pol) {
#if QCOACH_HAS_SIMD
    if (pol.path == kernel_path::simd && n >= simd_low_qubits<Real>) {
        const index_t low = simd_lanes<Real> - 1;
        const auto ev = make_lane_classes<Real>(g.even, false);
        const auto od = make_lane_classes<Real>(g.odd, true);
        return pauli_group_simd_dispatch<Real>(static_cast<unsigned>(g.x & low), psi, n, g.x & ~low, ev, od, pol);
    }
#endif
    return pauli_group_scalar(psi, n, g, pol);
}

inline void check_pauli_fits(const PauliString& p, qubit_t n, const std::string& what) {
    if (p.min_qubits() > n) {
        throw index_error("expectation: " + what + " " + p.to_string() + " acts on qubit " + std::to_string(p.min_qubits() - 1) +
                          ", out of range [0, " + std::to_string(n) + ") for a state of " + std::to_string(n) + " qubits");
    }
}

} // namespace detail

/// @brief <psi|P|psi> for a Pauli string, coefficient included (real for a real coefficient).
/// One pass over the state. Throws index_error when P acts on a qubit >= n.
template <precision Real>
std::complex<double> expectation(const StateVector<Real>& state, const PauliString& p,
                                 const exec_policy& pol = default_policy()) {
    detail::check_pauli_fits(p, state.num_qubits(), "Pauli string");
    detail::pauli_group g;
    g.x = p.x_mask();
    g.add(p.z_mask(), 1.0);
    return p.coefficient() * detail::pauli_group_value(state.data(), state.num_qubits(), g, pol);
}

/// @brief <psi|H|psi> for a Hermitian Pauli sum: one pass per distinct x mask among its terms
/// (all diagonal terms together cost one pass). Throws index_error when a term acts on a qubit >= n.
template <precision Real>
double expectation(const StateVector<Real>& state, const PauliSum& h, const exec_policy& pol = default_policy()) {
    const qubit_t n = state.num_qubits();
    std::vector<detail::pauli_group> groups;
    // terms() is ordered by x mask, so each group is a contiguous run.
    for (const auto& [w, p] : h.terms()) {
        detail::check_pauli_fits(p, n, "term");
        if (groups.empty() || groups.back().x != p.x_mask()) {
            groups.emplace_back();
            groups.back().x = p.x_mask();
        }
        groups.back().add(p.z_mask(), w);
    }
    double value = 0.0;
    for (const auto& g : groups) value += detail::pauli_group_value(state.data(), n, g, pol);
    return value;
}

/// @brief sum_z |psi[z]|^2 d[z] for a diagonal observable given by its 2^n diagonal entries (for
/// example the energies of a QUBO). Throws value_error when d does not have 2^n entries.
template <precision Real, class E>
    requires std::is_same_v<E, float> || std::is_same_v<E, double>
double expectation_diagonal(const StateVector<Real>& state, std::span<const E> diagonal,
                            const exec_policy& pol = default_policy()) {
    if (diagonal.size() != state.size()) {
        throw value_error("diagonal observable has " + std::to_string(diagonal.size()) + " entries; a state of " +
                          std::to_string(state.num_qubits()) + " qubits needs " + std::to_string(state.size()));
    }
    const std::complex<Real>* psi = state.data();
    const E* d = diagonal.data();
    const index_t len = state.size();
    return detail::ordered_reduce<double>(len, pol.threads_for(len), [psi, d](index_t b0, index_t b1) {
        double acc = 0.0;
        for (index_t z = b0; z < b1; ++z) acc += detail::born_prob(psi[z]) * static_cast<double>(d[z]);
        return acc;
    });
}

template <precision Real, class E, class Alloc>
double expectation_diagonal(const StateVector<Real>& state, const std::vector<E, Alloc>& diagonal,
                            const exec_policy& pol = default_policy()) {
    return expectation_diagonal(state, std::span<const E>(diagonal.data(), diagonal.size()), pol);
}

} // namespace qcoach
