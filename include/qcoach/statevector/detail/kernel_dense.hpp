#pragma once
/// @file
/// @brief SIMD kernel for dense gates (any k <= 6 targets, any controls).
///
/// Layout (see simd.hpp): a register holds C complex lanes; qubits below log2(C) are "low"
/// (inside a register), the others "high". A gate is prepared once into a plan:
///  - high controls restrict which registers are visited;
///  - low controls select lanes: when the gate has at most `lane_control_max_high` high
///    targets, the product is computed on every lane and a blend keeps the old amplitude where
///    a low control does not hold (CX with its control on qubit 0 then costs a 1-qubit gate
///    plus a blend); otherwise they are folded into the matrix, which becomes a dense gate on
///    one more, low, qubit;
///  - the H high targets pick one of 2^H registers of a group; the L low targets mix lanes
///    inside each register.
/// For a group, output register j is
///     out[j] = sum over j' (registers) and p (low-bit patterns) of coef[j][j'][p] * perm_p(in[j'])
/// where perm_p moves lane l to lane l ^ deposit(p, low targets) and coef is a per-lane complex
/// factor: for output lane l (low-target bits a), the matrix element of row (a, j) and column
/// (a ^ p, j'). With no low targets this is the usual 2^H x 2^H matrix-vector product on whole
/// registers; with a low target it is a per-lane product plus a lane shuffle.
///
/// Group g (one assignment of the qubits the gate does not touch, in steps of C amplitudes)
/// starts at amplitude insert_zero_bits(g * C, high qubits) | control bits: walking g upward
/// walks memory upward, so every register of the state is read and written once, in order.

#include <array>
#include <complex>
#include <utility>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/statevector/detail/group_walk.hpp"
#include "qcoach/statevector/detail/kernel_scalar.hpp"
#include "qcoach/statevector/detail/simd.hpp"
#include "qcoach/statevector/gate.hpp"

namespace qcoach::detail {

#if QCOACH_HAS_SIMD

/// A dense gate prepared for the SIMD kernel.
template <class Real>
struct dense_plan {
    unsigned high_count = 0;             ///< H
    unsigned low_mask = 0;               ///< bit q set for each low target q
    small_vector<qubit_t, 8> high_targets; ///< bit j of a register index <-> qubit high_targets[j]
    small_vector<qubit_t, 16> inserted;    ///< high targets and high controls, ascending
    index_t control_value = 0;           ///< values of the high controls
    small_vector<index_t, 16> offsets;     ///< amplitude offset of register j in a group
    /// Per-lane coefficient registers, [(j * 2^H + j') * 2^L + p]; small tables live inline.
    aligned_small_buffer<Real, 512> coef_re;
    aligned_small_buffer<Real, 512> coef_im;
    /// Low controls kept as a lane condition: `lanes_on` holds, per real of a register, 1 where
    /// every low control holds and 0 elsewhere.
    bool lane_controls = false;
    aligned_small_buffer<Real, 16> lanes_on;
    bool usable = false;                 ///< false when the state is too small for this layout
};

/// Low controls become a lane blend (instead of a larger matrix) up to this many high targets.
inline constexpr unsigned lane_control_max_high = 2;

/// Fold low controls into the matrix (or keep them as a lane condition) and build the per-lane
/// coefficient tables.
template <class Real>
dense_plan<Real> make_dense_plan(qubit_t n, const gate_layout& lay_in, const std::complex<double>* m_in) {
    constexpr unsigned low_bits = simd_low_qubits<Real>;
    constexpr unsigned lanes = simd_lanes<Real>;
    constexpr unsigned width = simd_width<Real>;
    dense_plan<Real> plan;

    // 1. Targets and matrix, with low controls promoted to targets unless they select lanes.
    small_vector<qubit_t, 16> targets(lay_in.targets.begin(), lay_in.targets.end());
    std::size_t dim = std::size_t{1} << targets.size();
    small_vector<std::complex<double>, 64> m(m_in, m_in + dim * dim);
    small_vector<qubit_t, 16> high_controls;
    std::size_t high_target_count = 0, low_control_count = 0;
    for (qubit_t q : targets) high_target_count += q >= low_bits ? 1 : 0;
    for (qubit_t q : lay_in.controls) low_control_count += q < low_bits ? 1 : 0;
    plan.lane_controls = low_control_count > 0 && high_target_count <= lane_control_max_high;
    if (plan.lane_controls) {
        plan.lanes_on.assign(width, Real(0));
        for (unsigned lane = 0; lane < lanes; ++lane) {
            bool on = true;
            for (std::size_t c = 0; c < lay_in.controls.size(); ++c)
                if (lay_in.controls[c] < low_bits && ((lane >> lay_in.controls[c]) & 1u) != lay_in.values[c]) on = false;
            plan.lanes_on[2 * lane] = plan.lanes_on[2 * lane + 1] = on ? Real(1) : Real(0);
        }
    }
    for (std::size_t c = 0; c < lay_in.controls.size(); ++c) {
        const qubit_t q = lay_in.controls[c];
        const unsigned v = lay_in.values[c];
        if (q >= low_bits) {
            high_controls.push_back(q);
            if (v) plan.control_value |= index_t{1} << q;
            continue;
        }
        if (plan.lane_controls) continue;
        // New top bit b of the matrix index is the control: act with m where b == v, else identity.
        const std::size_t d2 = dim * 2;
        small_vector<std::complex<double>, 64> m2(d2 * d2, 0.0);
        for (std::size_t r = 0; r < d2; ++r) {
            for (std::size_t col = 0; col < d2; ++col) {
                const unsigned br = static_cast<unsigned>(r / dim), bc = static_cast<unsigned>(col / dim);
                if (br != bc) continue;
                if (br == v) m2[r * d2 + col] = m[(r % dim) * dim + col % dim];
                else if (r == col) m2[r * d2 + col] = 1.0;
            }
        }
        m = std::move(m2);
        dim = d2;
        targets.push_back(q);
    }

    // 2. Split targets into low (in-register) and high.
    small_vector<unsigned, 16> target_is_low(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (targets[i] < low_bits) {
            plan.low_mask |= 1u << targets[i];
            target_is_low[i] = 1;
        } else {
            plan.high_targets.push_back(targets[i]);
        }
    }
    plan.high_count = static_cast<unsigned>(plan.high_targets.size());
    plan.inserted.assign(plan.high_targets.begin(), plan.high_targets.end());
    plan.inserted.insert(plan.inserted.end(), high_controls.begin(), high_controls.end());
    std::sort(plan.inserted.begin(), plan.inserted.end());
    if (n < low_bits + plan.inserted.size()) return plan; // too few qubits: use the scalar path
    plan.usable = true;

    const unsigned nj = 1u << plan.high_count;
    const unsigned np = 1u << std::popcount(plan.low_mask);
    plan.offsets.resize(nj);
    for (unsigned j = 0; j < nj; ++j) plan.offsets[j] = bits::scatter_bits(j, plan.high_targets);

    // 3. Per-lane coefficients.
    auto matrix_index = [&](unsigned lane, unsigned reg) {
        std::size_t idx = 0;
        unsigned h = 0;
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const unsigned bit = target_is_low[i] ? (lane >> targets[i]) & 1u : (reg >> h++) & 1u;
            idx |= std::size_t{bit} << i;
        }
        return idx;
    };
    plan.coef_re.assign(std::size_t{nj} * nj * np * width, Real(0));
    plan.coef_im.assign(std::size_t{nj} * nj * np * width, Real(0));
    for (unsigned j = 0; j < nj; ++j) {
        for (unsigned jp = 0; jp < nj; ++jp) {
            for (unsigned p = 0; p < np; ++p) {
                const std::size_t slot = ((std::size_t{j} * nj + jp) * np + p) * width;
                const unsigned x = deposit_bits(p, plan.low_mask);
                for (unsigned lane = 0; lane < lanes; ++lane) {
                    const std::complex<double> c = m[matrix_index(lane, j) * dim + matrix_index(lane ^ x, jp)];
                    plan.coef_re[slot + 2 * lane] = static_cast<Real>(c.real());
                    plan.coef_re[slot + 2 * lane + 1] = static_cast<Real>(c.real());
                    plan.coef_im[slot + 2 * lane] = static_cast<Real>(-c.imag());
                    plan.coef_im[slot + 2 * lane + 1] = static_cast<Real>(c.imag());
                }
            }
        }
    }
    return plan;
}

/// acc + coef[p] * perm_p(v) for one low pattern p (compile-time, so the shuffles are fixed).
template <class Real, unsigned LowMask, unsigned P>
inline rbatch<Real> pattern_term(const rbatch<Real>& v, const rbatch<Real>& re, const rbatch<Real>& im,
                                 const rbatch<Real>& acc) noexcept {
    // The re/im swap of the lane-permuted register is an in-lane shuffle of it; taking it
    // directly from v would cost a second lane-crossing shuffle, the expensive kind.
    const rbatch<Real> moved = permute_xor<2 * deposit_bits(P, LowMask), Real>(v);
    return xsimd::fma(im, permute_xor<1, Real>(moved), xsimd::fma(re, moved, acc));
}

/// acc + sum over the low patterns p of coef[p] * perm_p(v): two FMAs per pattern, no adds.
template <class Real, unsigned LowMask, std::size_t... P>
inline rbatch<Real> pattern_terms(const rbatch<Real>& v, const rbatch<Real>* re, const rbatch<Real>* im,
                                  std::index_sequence<P...>, rbatch<Real> acc) noexcept {
    ((acc = pattern_term<Real, LowMask, static_cast<unsigned>(P)>(v, re[P], im[P], acc)), ...);
    return acc;
}

/// coef * v for a register without low targets (a sum of products: measured faster than the
/// FMA chain when there is a single pattern).
template <class Real>
inline rbatch<Real> plain_term(const rbatch<Real>& v, const rbatch<Real>& re, const rbatch<Real>& im) noexcept {
    return xsimd::fma(re, v, im * permute_xor<1, Real>(v));
}

/// The group body: load the 2^H registers, multiply by the per-lane coefficient matrix, store.
/// Everything it uses is passed by value or through restrict-free local copies, so after
/// inlining the compiler keeps offsets and (small) coefficient tables in registers instead of
/// reloading them after every store to the state.
template <class Real, unsigned H, unsigned LowMask, bool Masked = false>
struct dense_body {
    static constexpr unsigned nj = 1u << H;
    static constexpr unsigned np = 1u << std::popcount(LowMask);
    static constexpr std::size_t ncoef = std::size_t{nj} * nj * np;
    using mask_type = typename rbatch<Real>::batch_bool_type;

    // Always inlined into the walk: a call per group would cost more than the group's work.
    template <class Coef>
    [[gnu::always_inline]] static inline void run(const std::array<std::complex<Real>*, nj>& at, index_t base, const Coef& cre,
                           const Coef& cim, const mask_type& on = mask_type(true)) noexcept {
        std::array<rbatch<Real>, nj> in;
        for (unsigned j = 0; j < nj; ++j) in[j] = load(at[j] + base);
        for (unsigned j = 0; j < nj; ++j) {
            // two accumulators halve the length of the dependency chain
            const auto terms = [&](unsigned jp, const rbatch<Real>& acc) __attribute__((always_inline)) {
                const std::size_t k = (std::size_t{j} * nj + jp) * np;
                if constexpr (np == 1) return acc + plain_term<Real>(in[jp], cre[k], cim[k]);
                else return pattern_terms<Real, LowMask>(in[jp], &cre[k], &cim[k], std::make_index_sequence<np>{}, acc);
            };
            const auto first = [&](unsigned jp) __attribute__((always_inline)) {
                const std::size_t k = (std::size_t{j} * nj + jp) * np;
                if constexpr (np == 1) return plain_term<Real>(in[jp], cre[k], cim[k]);
                else return pattern_terms<Real, LowMask>(in[jp], &cre[k], &cim[k], std::make_index_sequence<np>{}, rbatch<Real>(Real(0)));
            };
            rbatch<Real> acc0 = first(0);
            if constexpr (nj > 1) {
                rbatch<Real> acc1 = first(1);
                for (unsigned jp = 2; jp < nj; jp += 2) {
                    acc0 = terms(jp, acc0);
                    acc1 = terms(jp + 1, acc1);
                }
                acc0 += acc1;
            }
            if constexpr (Masked) acc0 = xsimd::select(on, acc0, in[j]);
            store(at[j] + base, acc0);
        }
    }
};

template <class Real, unsigned H, unsigned LowMask, bool Masked = false>
void dense_simd_kernel(std::complex<Real>* psi, qubit_t n, const dense_plan<Real>& plan, const exec_policy& pol) {
    using body = dense_body<Real, H, LowMask, Masked>;
    typename body::mask_type on(true);
    if constexpr (Masked) on = rbatch<Real>::load_aligned(plan.lanes_on.data()) != rbatch<Real>(Real(0));
    constexpr unsigned width = simd_width<Real>;
    constexpr std::size_t ncoef = body::ncoef;
    std::array<index_t, body::nj> off{};
    for (unsigned j = 0; j < body::nj; ++j) off[j] = plan.offsets[j];
    group_walk walk;
    walk.low_bits = simd_low_qubits<Real>;
    walk.inserted = plan.inserted;
    walk.ctrl_value = plan.control_value;
    walk.offsets.assign(off.begin(), off.end());
    walk.prepare(n, sizeof(std::complex<Real>));
    if constexpr (ncoef <= 32) {
        // Small matrices travel by value into the loop, where they stay in registers.
        std::array<rbatch<Real>, ncoef> cre, cim;
        for (std::size_t c = 0; c < ncoef; ++c) {
            cre[c] = rbatch<Real>::load_aligned(plan.coef_re.data() + c * width);
            cim[c] = rbatch<Real>::load_aligned(plan.coef_im.data() + c * width);
        }
        walk_groups(walk, psi, pol, [=](auto at) {
            std::array<std::complex<Real>*, body::nj> a;
            for (unsigned j = 0; j < body::nj; ++j) a[j] = at(off[j]);
            return [=](index_t base) { body::run(a, base, cre, cim, on); };
        });
    } else {
        const auto* cre = reinterpret_cast<const rbatch<Real>*>(plan.coef_re.data());
        const auto* cim = reinterpret_cast<const rbatch<Real>*>(plan.coef_im.data());
        struct view {
            const rbatch<Real>* p;
            const rbatch<Real>& operator[](std::size_t i) const noexcept { return p[i]; }
        };
        walk_groups(walk, psi, pol, [=](auto at) {
            std::array<std::complex<Real>*, body::nj> a;
            for (unsigned j = 0; j < body::nj; ++j) a[j] = at(off[j]);
            return [=](index_t base) { body::run(a, base, view{cre}, view{cim}, on); };
        });
    }
}

/// Compile-time dispatch on (H, LowMask) and on lane controls (only up to
/// lane_control_max_high high targets, where make_dense_plan uses them).
template <class Real, unsigned H, unsigned LowMask = 0>
void dense_simd_dispatch_low(std::complex<Real>* psi, qubit_t n, const dense_plan<Real>& plan, const exec_policy& pol) {
    constexpr unsigned max_mask = (1u << simd_low_qubits<Real>) - 1;
    if constexpr (LowMask > max_mask) {
        (void)psi, (void)n, (void)plan, (void)pol;
    } else {
        if (plan.low_mask == LowMask) {
            if constexpr (H <= lane_control_max_high) {
                if (plan.lane_controls) {
                    dense_simd_kernel<Real, H, LowMask, true>(psi, n, plan, pol);
                    return;
                }
            }
            dense_simd_kernel<Real, H, LowMask>(psi, n, plan, pol);
        } else {
            dense_simd_dispatch_low<Real, H, LowMask + 1>(psi, n, plan, pol);
        }
    }
}

template <class Real, unsigned H = 0>
void dense_simd_dispatch(std::complex<Real>* psi, qubit_t n, const dense_plan<Real>& plan, const exec_policy& pol) {
    if constexpr (H > max_dense_qubits) {
        (void)psi, (void)n, (void)plan, (void)pol;
    } else {
        if (plan.high_count == H) dense_simd_dispatch_low<Real, H>(psi, n, plan, pol);
        else dense_simd_dispatch<Real, H + 1>(psi, n, plan, pol);
    }
}

#endif // QCOACH_HAS_SIMD

} // namespace qcoach::detail
