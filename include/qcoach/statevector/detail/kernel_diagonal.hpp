#pragma once
/// @file
/// @brief SIMD kernels for diagonal gates and for the full-state phase exp(-i theta E[z]).
///
/// A diagonal gate on qubits Q multiplies amplitude z by d[bits of z on Q]. Low qubits of Q
/// (inside a register) give each lane its own factor; high qubits pick which factor register a
/// whole register gets. Groups are formed as for dense gates (zero bits inserted at the high
/// qubits of Q and at the high controls), and within a group only the registers whose factor
/// is not exactly 1 in every lane are touched: CZ on two high qubits reads and writes a quarter
/// of the state, RZ all of it.

#include <array>
#include <complex>
#include <span>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/statevector/detail/group_walk.hpp"
#include "qcoach/statevector/detail/kernel_scalar.hpp"
#include "qcoach/statevector/detail/simd.hpp"

namespace qcoach::detail {

#if QCOACH_HAS_SIMD

/// Largest number of high qubits (targets and controls) the group form handles; above it the
/// factor table would not fit in cache and the scalar kernel is used.
inline constexpr unsigned diagonal_simd_max_high = 12;

/// Walk with A (<= 4) factor registers held by value, so they stay in registers.
template <class Real, unsigned A, class Offsets, class Factors>
void diagonal_walk(std::complex<Real>* psi, const group_walk& walk, const Offsets& offsets, const Factors& f_re,
                   const Factors& f_im, const exec_policy& pol) {
    constexpr unsigned width = simd_width<Real>;
    std::array<rbatch<Real>, A> fre, fim;
    std::array<index_t, A> off;
    for (unsigned a = 0; a < A; ++a) {
        fre[a] = rbatch<Real>::load_unaligned(f_re.data() + a * width);
        fim[a] = rbatch<Real>::load_unaligned(f_im.data() + a * width);
        off[a] = offsets[a];
    }
    walk_groups(walk, psi, pol, [=](auto at) {
        std::array<std::complex<Real>*, A> s;
        for (unsigned a = 0; a < A; ++a) s[a] = at(off[a]);
        return [=](index_t base) {
            for (unsigned a = 0; a < A; ++a) {
                std::complex<Real>* q = s[a] + base;
                store(q, cmul(fre[a], fim[a], load(q)));
            }
        };
    });
}

template <class Real>
bool diagonal_simd(std::complex<Real>* psi, qubit_t n, const gate_layout& lay, const std::complex<double>* d,
                   const exec_policy& pol) {
    constexpr unsigned low_bits = simd_low_qubits<Real>;
    constexpr unsigned lanes = simd_lanes<Real>;
    constexpr unsigned width = simd_width<Real>;

    // Low controls become lane conditions; high controls restrict the groups.
    unsigned low_ctrl_mask = 0, low_ctrl_value = 0;
    small_vector<qubit_t, 16> high_q, inserted;
    index_t ctrl_value = 0;
    for (std::size_t c = 0; c < lay.controls.size(); ++c) {
        const qubit_t q = lay.controls[c];
        if (q < low_bits) {
            low_ctrl_mask |= 1u << q;
            if (lay.values[c]) low_ctrl_value |= 1u << q;
        } else {
            inserted.push_back(q);
            if (lay.values[c]) ctrl_value |= index_t{1} << q;
        }
    }
    small_vector<int, 16> high_pos(lay.targets.size(), -1);
    for (std::size_t i = 0; i < lay.targets.size(); ++i) {
        if (lay.targets[i] >= low_bits) {
            high_pos[i] = static_cast<int>(high_q.size());
            high_q.push_back(lay.targets[i]);
        }
    }
    inserted.insert(inserted.end(), high_q.begin(), high_q.end());
    std::sort(inserted.begin(), inserted.end());
    if (inserted.size() > diagonal_simd_max_high || n < low_bits + inserted.size()) return false;

    // Factor registers for each high combination; keep only those that change something.
    const unsigned combos = 1u << high_q.size();
    small_vector<Real, 256> f_re, f_im;
    small_vector<index_t, 64> offsets;
    f_re.reserve(std::size_t{combos} * width);
    f_im.reserve(std::size_t{combos} * width);
    for (unsigned h = 0; h < combos; ++h) {
        alignas(64) Real re[width], im[width];
        bool identity = true;
        for (unsigned lane = 0; lane < lanes; ++lane) {
            std::complex<double> f = 1.0;
            if ((lane & low_ctrl_mask) == low_ctrl_value) {
                std::size_t idx = 0;
                for (std::size_t i = 0; i < lay.targets.size(); ++i) {
                    const unsigned bit = high_pos[i] < 0 ? (lane >> lay.targets[i]) & 1u : (h >> high_pos[i]) & 1u;
                    idx |= std::size_t{bit} << i;
                }
                f = d[idx];
            }
            if (f != std::complex<double>(1.0)) identity = false;
            re[2 * lane] = re[2 * lane + 1] = static_cast<Real>(f.real());
            im[2 * lane] = static_cast<Real>(-f.imag());
            im[2 * lane + 1] = static_cast<Real>(f.imag());
        }
        if (identity) continue;
        for (unsigned w = 0; w < width; ++w) {
            f_re.push_back(re[w]);
            f_im.push_back(im[w]);
        }
        offsets.push_back(bits::scatter_bits(h, high_q));
    }
    const std::size_t active = offsets.size();
    if (active == 0) return true;

    group_walk walk;
    walk.low_bits = low_bits;
    walk.inserted = inserted;
    walk.ctrl_value = ctrl_value;
    walk.offsets.assign(offsets.begin(), offsets.end());
    walk.prepare(n, sizeof(std::complex<Real>));
    switch (active) {
    case 1: diagonal_walk<Real, 1>(psi, walk, offsets, f_re, f_im, pol); break;
    case 2: diagonal_walk<Real, 2>(psi, walk, offsets, f_re, f_im, pol); break;
    case 3: diagonal_walk<Real, 3>(psi, walk, offsets, f_re, f_im, pol); break;
    case 4: diagonal_walk<Real, 4>(psi, walk, offsets, f_re, f_im, pol); break;
    default: {
        const Real* fre = f_re.data();
        const Real* fim = f_im.data();
        walk_groups(walk, psi, pol, [&offsets, fre, fim, active](auto at) {
            small_vector<std::complex<Real>*, 64> s;
            for (std::size_t a = 0; a < active; ++a) s.push_back(at(offsets[a]));
            return [=](index_t base) {
                for (std::size_t a = 0; a < active; ++a) {
                    std::complex<Real>* q = s[a] + base;
                    store(q, cmul(rbatch<Real>::load_unaligned(fre + a * width), rbatch<Real>::load_unaligned(fim + a * width), load(q)));
                }
            };
        });
    }
    }
    return true;
}

/// psi[z] <- exp(-i theta E[z]) psi[z]; one register of energies covers two registers of
/// amplitudes, so sin and cos are evaluated once per energy.
template <class Real>
bool phase_simd(std::complex<Real>* psi, qubit_t n, const Real* energies, double theta, const exec_policy& pol) {
    constexpr unsigned lanes = simd_lanes<Real>;
    constexpr unsigned width = simd_width<Real>;
    if ((index_t{1} << n) < 2 * lanes) return false;
    const index_t blocks = (index_t{1} << n) / width; // each block: `width` energies, 2 amplitude registers
    const rbatch<Real> minus_theta(static_cast<Real>(-theta));
    const rbatch<Real> sign = alternating<Real>(Real(-1), Real(1));
    const int threads = pol.threads_for(index_t{1} << n);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t b = 0; b < blocks; ++b) {
        const rbatch<Real> phi = minus_theta * rbatch<Real>::load_unaligned(energies + b * width);
        const auto sc = xsimd::sincos(phi);
        // e^{i phi} (vr + i vi) = (c vr - s vi) + i (c vi + s vr): split-form im factor is [-s, s].
        std::complex<Real>* p0 = psi + b * width;
        std::complex<Real>* p1 = p0 + lanes;
        const rbatch<Real> v0 = load(p0), v1 = load(p1);
        store(p0, cmul(spread<0, Real>(sc.second), spread<0, Real>(sc.first) * sign, v0));
        store(p1, cmul(spread<lanes, Real>(sc.second), spread<lanes, Real>(sc.first) * sign, v1));
    }
    return true;
}

#endif // QCOACH_HAS_SIMD

template <class Real>
void diagonal_apply(std::complex<Real>* psi, qubit_t n, const gate_layout& lay, const std::complex<double>* d,
                    const exec_policy& pol) {
#if QCOACH_HAS_SIMD
    if (pol.path == kernel_path::simd && diagonal_simd(psi, n, lay, d, pol)) return;
#endif
    diagonal_scalar(psi, n, lay, d, pol);
}

template <class Real, class E>
void phase_apply(std::complex<Real>* psi, qubit_t n, const E* energies, double theta, const exec_policy& pol) {
#if QCOACH_HAS_SIMD
    if constexpr (std::is_same_v<E, Real>) {
        if (pol.path == kernel_path::simd && phase_simd(psi, n, energies, theta, pol)) return;
    }
#endif
    phase_scalar(psi, n, energies, theta, pol);
}

} // namespace qcoach::detail
