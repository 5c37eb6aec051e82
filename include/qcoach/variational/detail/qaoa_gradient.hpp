#pragma once
/// @file
/// @brief Adjoint gradient of QAOA with the X mixer (Jones & Gacon, arXiv:2009.02823).
///
/// With psi_l the state after layer l (psi_0 the initial state), psi_l = M_l P_l psi_{l-1},
/// M_l = e^{-i beta_l B}, P_l = e^{-i gamma_l E}, and lambda_l = (U_p ... U_{l+1})^dagger E psi_p,
///     dE/dbeta_l  = 2 Im <lambda_l | B | psi_l>,
///     dE/dgamma_l = 2 Im <lambda_{l-1} | E | psi_{l-1}>,
/// the second because E commutes with P_l (both sides are moved through P_l^dagger).
///
/// ## Passes
/// The forward run keeps checkpoints: a_l = RX_low(beta_l) P_l psi_{l-1} (after the low pass)
/// and psi_l (after the high pass), written by out-of-place passes at no extra traffic. Then,
/// for l = p .. 1, lambda goes back through the layer in two passes:
///  - high pass on column tiles of (lambda, psi_l): sum Im <lambda|X_q|psi_l> over the high
///    qubits q, the energy term of dgamma_{l+1} (lambda_l and psi_l are both at hand), then
///    lambda <- RX_high(-beta_l) lambda. At l = p the tile of lambda is made as E psi_p;
///  - low pass on chunks of (lambda, a_l): lambda is now RX_high^dagger lambda_l and a_l =
///    RX_high^dagger psi_l, and X_q (q low) commutes with RX_high, so the same pair gives the
///    low terms of <lambda_l|B|psi_l>; then lambda <- P_l^dagger RX_low(-beta_l) lambda.
///    For l = 1 it also sums dgamma_1 against psi_0.
/// Each backward layer reads lambda and one checkpoint and writes lambda, twice; the
/// reductions read both. The forward run makes two passes per layer (the energy alone makes
/// p + 1 for p layers), so the gradient costs about four energy evaluations (4.1 at n = 20,
/// p = 10, docs/performance.md).
///
/// The reduction over qubits q, q + 1 of the four registers a, b, c, d (bits 00, 01, 10, 11)
/// groups the eight pairs as  (l_a + l_d) . (p_b + p_c) + (l_b + l_c) . (p_a + p_d),  where
/// x . y = sum over lanes of Im(conj x y) is bilinear: four adds, two swaps, two FMAs. Lane
/// qubits use lambda . (sum_q perm_q psi). Sums run in fixed chunk / tile order (thread-count
/// independent).

#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/statevector/state.hpp"
#include "qcoach/variational/detail/qaoa_passes.hpp"

namespace qcoach::variational::detail {

/// Checkpoints and the adjoint state, kept between calls.
template <class Real>
struct gradient_workspace {
    qubit_t n = 0;
    bool high = false;
    std::vector<std::unique_ptr<StateVector<Real>>> low_ck, layer_ck; // a_l, psi_l (l = 1..p)
    std::unique_ptr<StateVector<Real>> lambda;

    void ensure(qubit_t nq, std::size_t p, bool has_high) {
        if (nq != n) {
            low_ck.clear();
            layer_ck.clear();
            lambda.reset();
            n = nq;
        }
        high = has_high;
        const std::size_t states = 1 + p * (has_high ? 2 : 1);
        const std::uint64_t bytes = StateVector<Real>::required_bytes(nq);
        std::size_t have = (lambda ? 1 : 0) + layer_ck.size() + (has_high ? std::min(low_ck.size(), p) : 0);
        if (states > have) {
            check_memory(bytes * (states - std::min(states, have)),
                         "the QAOA gradient's " + std::to_string(states) + " states of " + std::to_string(nq) + " qubits");
        }
        if (!lambda) lambda = std::make_unique<StateVector<Real>>(nq);
        while (layer_ck.size() < p) layer_ck.push_back(std::make_unique<StateVector<Real>>(nq));
        if (has_high)
            while (low_ck.size() < p) low_ck.push_back(std::make_unique<StateVector<Real>>(nq));
    }
};

// ---- reductions ---------------------------------------------------------------------------

/// sum over q in [q0, q1) and all z of Im(conj(lam_z) psi_{z ^ 2^q}), plain loops.
template <class Real>
double xsum_scalar(const std::complex<Real>* lam, const std::complex<Real>* psi, unsigned m, unsigned q0, unsigned q1) noexcept {
    const index_t len = index_t{1} << m;
    double acc = 0.0;
    for (unsigned q = q0; q < q1; ++q) {
        const index_t d = index_t{1} << q;
        for (index_t z = 0; z < len; ++z) {
            const std::complex<Real> x = lam[z], y = psi[z ^ d];
            acc += static_cast<double>(x.real() * y.imag() - x.imag() * y.real());
        }
    }
    return acc;
}

#if QCOACH_HAS_SIMD

template <class Real, unsigned Q = 0>
inline rbatch<Real> lane_partners(const rbatch<Real>& p) noexcept {
    if constexpr (Q + 1 >= simd_low_qubits<Real>) {
        return permute_xor<(2u << Q) | 1u, Real>(p);
    } else {
        return permute_xor<(2u << Q) | 1u, Real>(p) + lane_partners<Real, Q + 1>(p);
    }
}

/// Lane elements (even) minus (odd), summed: the x . y form from an accumulator of x * swap(y).
template <class Real>
inline double finish_dot(const rbatch<Real>& acc) noexcept {
    return static_cast<double>(xsimd::hadd(acc * alternating<Real>(Real(1), Real(-1))));
}

/// SIMD form of xsum_scalar (needs simd_fits(m); q0 == 0 with q1 >= lane bits + 2, or q0 >= lane bits).
template <class Real>
double xsum_simd(const std::complex<Real>* lam, const std::complex<Real>* psi, unsigned m, unsigned q0, unsigned q1) noexcept {
    constexpr unsigned lb = simd_low_qubits<Real>;
    constexpr index_t lanes = simd_lanes<Real>;
    const index_t len = index_t{1} << m;
    rbatch<Real> acc0(Real(0)), acc1(Real(0));
    auto quad = [&](index_t i, index_t d, bool with_lanes) {
        const rbatch<Real> la = load(lam + i), lb_ = load(lam + i + d), lc = load(lam + i + 2 * d), ld = load(lam + i + 3 * d);
        const rbatch<Real> pa = load(psi + i), pb = load(psi + i + d), pc = load(psi + i + 2 * d), pd = load(psi + i + 3 * d);
        acc0 = xsimd::fma(la + ld, permute_xor<1, Real>(pb + pc), acc0);
        acc1 = xsimd::fma(lb_ + lc, permute_xor<1, Real>(pa + pd), acc1);
        if constexpr (lb > 0) {
            if (with_lanes) {
                acc0 = xsimd::fma(la, lane_partners<Real>(pa), acc0);
                acc1 = xsimd::fma(lb_, lane_partners<Real>(pb), acc1);
                acc0 = xsimd::fma(lc, lane_partners<Real>(pc), acc0);
                acc1 = xsimd::fma(ld, lane_partners<Real>(pd), acc1);
            }
        }
    };
    unsigned q = q0;
    if (q == 0) {
        for (index_t i = 0; i < len; i += 4 * lanes) quad(i, lanes, true);
        q = lb + 2;
    }
    for (; q + 1 < q1; q += 2) {
        const index_t d = index_t{1} << q;
        for (index_t b0 = 0; b0 < len; b0 += 4 * d)
            for (index_t i = b0; i < b0 + d; i += lanes) quad(i, d, false);
    }
    if (q < q1) {
        const index_t d = index_t{1} << q;
        for (index_t b0 = 0; b0 < len; b0 += 2 * d) {
            for (index_t i = b0; i < b0 + d; i += lanes) {
                acc0 = xsimd::fma(load(lam + i), permute_xor<1, Real>(load(psi + i + d)), acc0);
                acc1 = xsimd::fma(load(lam + i + d), permute_xor<1, Real>(load(psi + i)), acc1);
            }
        }
    }
    return finish_dot(acc0 + acc1);
}

#endif // QCOACH_HAS_SIMD

template <class Real>
double xsum(const std::complex<Real>* lam, const std::complex<Real>* psi, unsigned m, unsigned q0, unsigned q1, bool simd) noexcept {
    if (q0 >= q1) return 0.0;
#if QCOACH_HAS_SIMD
    constexpr unsigned lb = simd_low_qubits<Real>;
    if (simd && simd_fits<Real>(m) && (q0 >= lb || (q0 == 0 && q1 >= lb + 2))) return xsum_simd(lam, psi, m, q0, q1);
#endif
    (void)simd;
    return xsum_scalar(lam, psi, m, q0, q1);
}

/// {sum Im(conj lam_z) psi_z, sum E'(z) Im(conj lam_z psi_z)} over len amplitudes from z0
/// (psi == nullptr: the uniform amplitude amp0).
template <class Real>
std::pair<double, double> esum(const std::complex<Real>* lam, const std::complex<Real>* psi, Real amp0, index_t z0,
                               index_t len, const energy_source<Real>& es, bool simd) noexcept {
#if QCOACH_HAS_SIMD
    constexpr index_t lanes = simd_lanes<Real>;
    if (simd && len % lanes == 0) {
        rbatch<Real> a0(Real(0)), a1(Real(0));
        const rbatch<Real> uni = alternating<Real>(amp0, Real(0)); // amp0 + 0i
        for (index_t i = 0; i < len; i += lanes) {
            const rbatch<Real> t = load(lam + i) * permute_xor<1, Real>(psi ? load(psi + i) : uni);
            a0 += t;
            a1 = xsimd::fma(t, energy_pairs(es, z0 + i), a1);
        }
        return {finish_dot(a0), finish_dot(a1)};
    }
#endif
    (void)simd;
    double s0 = 0.0, s1 = 0.0;
    for (index_t i = 0; i < len; ++i) {
        const std::complex<Real> x = lam[i], y = psi ? psi[i] : std::complex<Real>(amp0);
        const double t = static_cast<double>(x.real() * y.imag() - x.imag() * y.real());
        s0 += t;
        s1 += t * static_cast<double>(es.value(z0 + i));
    }
    return {s0, s1};
}

/// The top qubit's term of a flip-symmetric pair of half states (flip_rx): over the chunk `la`
/// of lambda and its mirror chunk `lb` (and the same chunks pa, pb of psi), the sum of
/// Im(conj(lam_z) psi_{M-1-z}) for every z of both chunks; la == lb is a chunk that mirrors
/// itself.
template <class Real>
double flip_dot(const std::complex<Real>* la, const std::complex<Real>* lb, const std::complex<Real>* pa,
                const std::complex<Real>* pb, index_t len, bool simd) noexcept {
    const index_t count = la == lb ? len / 2 : len;
#if QCOACH_HAS_SIMD
    constexpr index_t lanes = simd_lanes<Real>;
    if (simd && count % lanes == 0 && count > 0) {
        constexpr unsigned rev_swap = (2 * (lanes - 1)) | 1u; // reverse the lanes, swap re and im
        rbatch<Real> a0(Real(0)), a1(Real(0));
        for (index_t o = 0; o < count; o += lanes) {
            const index_t ob = len - lanes - o;
            a0 = xsimd::fma(load(la + o), permute_xor<rev_swap, Real>(load(pb + ob)), a0);
            a1 = xsimd::fma(load(lb + ob), permute_xor<rev_swap, Real>(load(pa + o)), a1);
        }
        return finish_dot(a0 + a1);
    }
#endif
    (void)simd;
    double acc = 0.0;
    auto im = [](const std::complex<Real>& x, const std::complex<Real>& y) {
        return static_cast<double>(x.real() * y.imag() - x.imag() * y.real());
    };
    for (index_t k = 0; k < count; ++k) acc += im(la[k], pb[len - 1 - k]) + im(lb[len - 1 - k], pa[k]);
    return acc;
}

/// lam = E psi over len amplitudes from z0 (E = base + E' for levels); returns the energy sums
/// {norm^2, sum p E'} of psi.
template <class Real>
std::pair<double, double> times_energy(std::complex<Real>* lam, const std::complex<Real>* psi, index_t z0, index_t len,
                                       const energy_source<Real>& es) noexcept {
    const Real base = static_cast<Real>(es.levels() ? es.base : 0.0);
    for (index_t i = 0; i < len; ++i) lam[i] = psi[i] * (base + es.value(z0 + i));
    return energy_sums(psi, z0, len, es);
}

/// The backward and forward passes of the gradient. ph[l] is layer l's phase source (gamma_l,
/// scaled by rx_form::of(beta_l).scale(n)), ph_inv[l] the phase of -gamma_l (scaled by
/// rx_form::of(-beta_l).scale(n), the same factor). Returns <E>; writes dgammas and dbetas.
/// With `flip` the states are the lower halves of flip-symmetric states (qaoa_passes.hpp; lay
/// has n - 1 qubits, init is |+>): the top qubit's rotation pairs chunk i with chunk C - 1 - i
/// in the low passes, its term of <lambda|B|psi> comes from flip_dot, and every sum counts
/// twice (the upper half mirrors the lower one).
template <class Real>
double adjoint_gradient(const qaoa_layout& lay, gradient_workspace<Real>& ws, const std::complex<Real>* init, Real amp0,
                        const std::vector<phase_source<Real>>& ph, const std::vector<phase_source<Real>>& ph_inv,
                        std::span<const double> betas, const energy_source<Real>& es, const exec_policy& pol,
                        std::span<double> dgammas, std::span<double> dbetas, bool flip = false) {
    const std::size_t p = ph.size();
    const unsigned L = lay.chunk, S = lay.sub, w = lay.tile, H = lay.high();
    const bool simd = pol.path == kernel_path::simd;
    const double base = es.levels() ? es.base : 0.0;
    auto a_of = [&](std::size_t l) { return H > 0 ? ws.low_ck[l]->data() : ws.layer_ck[l]->data(); };
    auto psi_of = [&](std::size_t l) { return ws.layer_ck[l]->data(); };

    // Forward with checkpoints, the rotations in the unit form (rx_form): ph[l] carries the
    // factor cos(beta_l)^n, so psi_l is exact while a_l = c^H RX_low P_l psi_{l-1} (c^H too
    // large). Backward, lambda takes the unit form of RX(-beta_l) and ph_inv[l] the factor, so
    // between its high and its low rotations lambda is c^-H too large: the low pass's products
    // of lambda and a_l come out exact.
    for (std::size_t l = 0; l < p; ++l) {
        const auto form = rx_form::of(betas[l]);
        const Real c = static_cast<Real>(form.c), s = static_cast<Real>(form.s);
        const std::complex<Real>* src = l == 0 ? init : psi_of(l - 1);
        low_pass<Real>(lay, a_of(l), src, amp0, &ph[l], c, s, pol, nullptr, nullptr, nullptr, flip);
        if (H > 0) high_pass<Real>(lay, psi_of(l), a_of(l), c, s, pol, nullptr, nullptr);
    }

    std::complex<Real>* lam = ws.lambda->data();
    std::pair<double, double> energy{0.0, 0.0};
    std::vector<double> eg(p + 1, 0.0); // eg[l]: Im <lambda_l|E|psi_l>, l = 0..p-1
    const int threads = pol.threads_for(index_t{1} << lay.n);
    const index_t chunk = index_t{1} << L, sub = index_t{1} << S;
    const auto chunks = static_cast<std::int64_t>(index_t{1} << (lay.n - L));

    for (std::size_t li = p; li-- > 0;) {
        const auto form = rx_form::of(-betas[li]);
        const Real c = static_cast<Real>(form.c), sn = static_cast<Real>(form.s);
        const bool top = li + 1 == p;
        double xs = 0.0;
        // High pass on tiles of (lambda, psi_l).
        if (H > 0) {
            const index_t row = chunk, W = index_t{1} << w, rows = index_t{1} << H;
            const auto tiles = static_cast<std::int64_t>(index_t{1} << (L - w));
            const unsigned m = H + w;
            std::vector<double> part_x(static_cast<std::size_t>(tiles), 0.0);
            std::vector<std::pair<double, double>> part_e(static_cast<std::size_t>(tiles), {0.0, 0.0});
            const std::complex<Real>* psi_l = psi_of(li);
#pragma omp parallel num_threads(threads) if (threads > 1 && tiles > 1)
            {
                const std::size_t bytes = (index_t{1} << m) * sizeof(std::complex<Real>);
                auto* bl = static_cast<std::complex<Real>*>(thread_scratch(2 * bytes));
                std::complex<Real>* bp = bl + (index_t{1} << m);
#pragma omp for schedule(static)
                for (std::int64_t ti = 0; ti < tiles; ++ti) {
                    const index_t col = static_cast<index_t>(ti) * W;
                    for (index_t r = 0; r < rows; ++r) {
                        std::memcpy(static_cast<void*>(bp + r * W), psi_l + r * row + col, W * sizeof(std::complex<Real>));
                        if (!top) std::memcpy(static_cast<void*>(bl + r * W), lam + r * row + col, W * sizeof(std::complex<Real>));
                    }
                    std::pair<double, double> pe{0.0, 0.0};
                    for (index_t r = 0; r < rows; ++r) {
                        const auto q = top ? times_energy(bl + r * W, bp + r * W, r * row + col, W, es)
                                           : esum(bl + r * W, bp + r * W, amp0, r * row + col, W, es, simd);
                        pe.first += q.first;
                        pe.second += q.second;
                    }
                    part_e[static_cast<std::size_t>(ti)] = pe;
                    part_x[static_cast<std::size_t>(ti)] = xsum(bl, bp, m, w, m, simd);
                    rx_range(bl, m, w, m, c, sn, simd);
                    for (index_t r = 0; r < rows; ++r)
                        std::memcpy(static_cast<void*>(lam + r * row + col), bl + r * W, W * sizeof(std::complex<Real>));
                }
            }
            const auto se = ordered_sum(part_e);
            if (top) energy = se;
            else eg[li + 1] = base * se.first + se.second;
            for (double v : part_x) xs += v;
        }
        // Low pass on chunks of (lambda, a_l).
        {
            const std::complex<Real>* al = a_of(li);
            const std::complex<Real>* psi0 = li == 0 ? init : nullptr;
            std::vector<double> part_x(static_cast<std::size_t>(chunks), 0.0);
            std::vector<std::pair<double, double>> part_e(static_cast<std::size_t>(chunks), {0.0, 0.0}),
                part_0(static_cast<std::size_t>(chunks), {0.0, 0.0});
            // Before lambda changes: the energy terms (H == 0) and the low qubits' X terms.
            auto measure = [&](std::int64_t ci) {
                const index_t z0 = static_cast<index_t>(ci) * chunk;
                std::complex<Real>* lc = lam + z0;
                const std::complex<Real>* ac = al + z0;
                // Without high qubits this pass also starts lambda (top layer) or takes the
                // energy term of dgamma_{l+1}, before lambda changes.
                if (H == 0) {
                    part_e[static_cast<std::size_t>(ci)] = top ? times_energy(lc, ac, z0, chunk, es) : esum(lc, ac, amp0, z0, chunk, es, simd);
                }
                double x = 0.0;
                for (index_t b = 0; b < chunk; b += sub) x += xsum(lc + b, ac + b, S, 0, S, simd);
                x += xsum(lc, ac, L, S, L, simd);
                part_x[static_cast<std::size_t>(ci)] = x;
            };
            // lambda <- P_l^dagger RX_low(-beta_l) lambda; the dgamma_1 term at l = 0.
            auto update = [&](std::int64_t ci) {
                const index_t z0 = static_cast<index_t>(ci) * chunk;
                std::complex<Real>* lc = lam + z0;
                rx_range(lc, L, S, L, c, sn, simd);
                for (index_t b = 0; b < chunk; b += sub) {
                    rx_range(lc + b, S, 0, S, c, sn, simd);
                    phase_range(lc + b, lc + b, amp0, z0 + b, sub, ph_inv[li], simd);
                }
                if (li == 0) part_0[static_cast<std::size_t>(ci)] = esum(lc, psi0 ? psi0 + z0 : nullptr, amp0, z0, chunk, es, simd);
            };
            if (!flip) {
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && chunks > 1)
                for (std::int64_t ci = 0; ci < chunks; ++ci) {
                    measure(ci);
                    update(ci);
                }
            } else {
                // Chunk pairs (i, C - 1 - i): the top qubit's X term and rotation.
                const std::int64_t pairs = (chunks + 1) / 2;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && pairs > 1)
                for (std::int64_t pi = 0; pi < pairs; ++pi) {
                    const std::int64_t cj = chunks - 1 - pi;
                    const index_t zi = static_cast<index_t>(pi) * chunk, zj = static_cast<index_t>(cj) * chunk;
                    measure(pi);
                    if (cj != pi) measure(cj);
                    part_x[static_cast<std::size_t>(pi)] += flip_dot(lam + zi, lam + zj, al + zi, al + zj, chunk, simd);
                    flip_rx(lam + zi, lam + zj, chunk, c, sn, simd);
                    update(pi);
                    if (cj != pi) update(cj);
                }
            }
            if (H == 0) {
                const auto se = ordered_sum(part_e);
                if (top) energy = se;
                else eg[li + 1] = base * se.first + se.second;
            }
            if (li == 0) {
                const auto s0 = ordered_sum(part_0);
                eg[0] = base * s0.first + s0.second;
            }
            for (double v : part_x) xs += v;
        }
        dbetas[li] = 2.0 * xs;
    }
    // The upper half of a flip-symmetric pair of states adds as much as the lower one.
    const double twice = flip ? 2.0 : 1.0;
    for (std::size_t l = 0; l < p; ++l) dgammas[l] = 2.0 * twice * eg[l];
    for (std::size_t l = 0; l < p; ++l) dbetas[l] *= twice;
    return twice * (base * energy.first + energy.second);
}

} // namespace qcoach::variational::detail
