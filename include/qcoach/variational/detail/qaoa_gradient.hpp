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
/// The forward run makes Qaoa's p + 1 passes (qaoa_passes.hpp): a chunk or tile pass applies
/// the rotations of layer a on its qubit group, the phase of layer b = a + 1 and the rotations of
/// layer b on the same group. The state where the phase starts is psi_a (every rotation of
/// layer a done); the pass also writes it to the checkpoint ck[a] while it is in cache. So the
/// run keeps p states (ck[0..p-2] and the final state), not 2p as with a checkpoint per pass.
///
/// The backward run undoes the passes in reverse, each in one pass over lambda:
///  - lambda <- RX_group(b)^dagger lambda: lambda is now at the point right after P_b, where
///    the state is P_b psi_a, made in cache from ck[a];
///  - there: the group's terms of dE/dbeta_b (any point between P_b and P_{b+1} gives the same
///    <lambda|X_q|psi>, since X_q commutes with every rotation) and dE/dgamma_b;
///  - lambda <- P_b^dagger lambda: now at psi_a itself, the group's terms of dE/dbeta_a;
///  - lambda <- RX_group(a)^dagger lambda.
/// Each layer's rotations appear in one chunk pass and one tile pass, so each gets its terms of
/// both groups once. The last pass has one layer's rotations and no phase: there lambda starts
/// as E psi_p and meets psi_p. Without high qubits every layer is a chunk pass of its own
/// (phase, then rotations), written out of place.
///
/// Each backward pass reads lambda and one checkpoint and writes lambda; the forward passes
/// write one checkpoint more than an energy evaluation. At n = 20, p = 10 (double, 2 threads)
/// the gradient takes 4.1 energy evaluations (docs/performance.md): the two reductions per
/// pass and the phase of the checkpoint cost about as much as the rotations.
///
/// Scale: the rotations run in the unit form (rx_form) both ways, ph[b] and ph_inv[b] carry the
/// factor cos(beta_b)^n. Between the undone rotations of layer b and P_b^dagger, lambda is
/// cos(beta_b)^{-n} too large and P_b psi_a (made with ph[b]) cos(beta_b)^n too large, so their
/// products come out exact; psi_a and lambda after P_b^dagger are exact.
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

/// Checkpoints and the adjoint state, kept between calls: ck[l] = psi_l (the state after layer
/// l) for l < p - 1, ck[p - 1] the final state, and lambda.
template <class Real>
struct gradient_workspace {
    qubit_t n = 0;
    std::vector<std::unique_ptr<StateVector<Real>>> ck;
    std::unique_ptr<StateVector<Real>> lambda;

    void ensure(qubit_t nq, std::size_t p) {
        if (nq != n) {
            ck.clear();
            lambda.reset();
            n = nq;
        }
        const std::size_t states = 1 + p;
        const std::size_t have = (lambda ? 1 : 0) + std::min(ck.size(), p);
        if (states > have) {
            check_memory(StateVector<Real>::required_bytes(nq) * (states - have),
                         "the QAOA gradient's " + std::to_string(states) + " states of " + std::to_string(nq) + " qubits");
        }
        if (!lambda) lambda = std::make_unique<StateVector<Real>>(nq);
        while (ck.size() < p) ck.push_back(std::make_unique<StateVector<Real>>(nq));
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

/// The forward and backward runs of the gradient. ph[l] is layer l's phase source (gamma_l,
/// scaled by rx_form::of(beta_l).scale(n)), ph_inv[l] the phase of -gamma_l (scaled by
/// rx_form::of(-beta_l).scale(n), the same factor). Returns <E>; writes dgammas and dbetas.
/// With `flip` the states are the lower halves of flip-symmetric states (qaoa_passes.hpp; lay
/// has n - 1 qubits, init is |+>): the top qubit's rotation pairs chunk i with chunk C - 1 - i
/// in the chunk passes, its term of <lambda|B|psi> comes from flip_dot, and every sum counts
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
    const std::vector<layer_pass> passes = layer_passes(p, H > 0);
    auto ck = [&](std::size_t l) { return ws.ck[l]->data(); };
    std::complex<Real>* fin = ck(p - 1);
    std::vector<rx_form> fwd(p), back(p);
    for (std::size_t l = 0; l < p; ++l) {
        fwd[l] = rx_form::of(betas[l]);
        back[l] = rx_form::of(-betas[l]);
    }
    auto rc = [](const rx_form& f) { return static_cast<Real>(f.c); };
    auto rs = [](const rx_form& f) { return static_cast<Real>(f.s); };

    // Forward: Qaoa's passes, with the state after each layer l < p - 1 (where the next phase
    // starts, inside a pass) written to ck[l] on the way.
    {
        std::vector<std::complex<Real>*> keep(p - 1);
        for (std::size_t l = 0; l + 1 < p; ++l) keep[l] = ck(l);
        run_layers<Real>(lay, fin, init, amp0, ph, fwd, pol, flip, nullptr, nullptr, keep);
    }

    // Backward, pass by pass in reverse (file comment): lambda undoes the pass; the state it
    // meets comes from the checkpoint of the pass, before the phase (C = psi_{b-1}) or after it
    // (ph[b] C, made in cache).
    std::complex<Real>* lam = ws.lambda->data();
    std::pair<double, double> energy{0.0, 0.0};
    std::vector<double> xs(p, 0.0), eg(p, 0.0);
    const int threads = pol.threads_for(index_t{1} << lay.n);
    const index_t chunk = index_t{1} << L, sub = index_t{1} << S;
    const auto chunks = static_cast<std::int64_t>(index_t{1} << (lay.n - L));
    for (std::size_t pi = passes.size(); pi-- > 0;) {
        const layer_pass& g = passes[pi];
        const bool top = pi + 1 == passes.size();
        const int a = g.first, b = g.phase;
        const int second = b >= 0 ? b : a; // the layer whose rotations end the pass
        // The state the pass starts from: ck[b - 1] for b > 0, the initial state for b = 0.
        const std::complex<Real>* cin = b > 0 ? ck(static_cast<std::size_t>(b - 1)) : init;
        const rx_form f2 = back[static_cast<std::size_t>(second)];
        const rx_form f1 = a >= 0 ? back[static_cast<std::size_t>(a)] : rx_form{};
        // Per tile / chunk: {x terms of `second`, x terms of `first`}, {E term}, energy sums.
        std::vector<std::pair<double, double>> part_x, part_e, part_n;
        if (g.tile) {
            const index_t row = chunk, W = index_t{1} << w, rows = index_t{1} << H;
            const auto tiles = static_cast<std::int64_t>(index_t{1} << (L - w));
            const unsigned m = H + w;
            part_x.assign(static_cast<std::size_t>(tiles), {0.0, 0.0});
            part_e = part_n = part_x;
#pragma omp parallel num_threads(threads) if (threads > 1 && tiles > 1)
            {
                const index_t tl = index_t{1} << m;
                auto* bl = static_cast<std::complex<Real>*>(thread_scratch(3 * tl * sizeof(std::complex<Real>)));
                std::complex<Real>* bc = bl + tl; // checkpoint (or final state)
                std::complex<Real>* bp = bc + tl; // checkpoint after the phase
#pragma omp for schedule(static)
                for (std::int64_t ti = 0; ti < tiles; ++ti) {
                    const auto t = static_cast<std::size_t>(ti);
                    const index_t col = static_cast<index_t>(ti) * W;
                    const std::complex<Real>* from = b >= 0 ? cin : fin;
                    for (index_t r = 0; r < rows; ++r) {
                        std::memcpy(static_cast<void*>(bc + r * W), from + r * row + col, W * sizeof(std::complex<Real>));
                        if (!top) std::memcpy(static_cast<void*>(bl + r * W), lam + r * row + col, W * sizeof(std::complex<Real>));
                    }
                    if (top) {
                        std::pair<double, double> en{0.0, 0.0};
                        for (index_t r = 0; r < rows; ++r) {
                            const auto q = times_energy(bl + r * W, bc + r * W, r * row + col, W, es);
                            en.first += q.first;
                            en.second += q.second;
                        }
                        part_n[t] = en;
                    }
                    if (b < 0) {
                        // A pass of one layer's rotations (the last pass): lambda meets the final state.
                        part_x[t].second = xsum(bl, bc, m, w, m, simd);
                        rx_range(bl, m, w, m, rc(f1), rs(f1), simd);
                    } else {
                        rx_range(bl, m, w, m, rc(f2), rs(f2), simd);
                        std::pair<double, double> pe{0.0, 0.0};
                        for (index_t r = 0; r < rows; ++r) {
                            phase_range(bp + r * W, bc + r * W, amp0, r * row + col, W, ph[static_cast<std::size_t>(b)], simd);
                            const auto q = esum(bl + r * W, bp + r * W, amp0, r * row + col, W, es, simd);
                            pe.first += q.first;
                            pe.second += q.second;
                        }
                        part_e[t] = pe;
                        part_x[t].first = xsum(bl, bp, m, w, m, simd);
                        for (index_t r = 0; r < rows; ++r)
                            phase_range(bl + r * W, bl + r * W, amp0, r * row + col, W, ph_inv[static_cast<std::size_t>(b)], simd);
                        part_x[t].second = xsum(bl, bc, m, w, m, simd);
                        rx_range(bl, m, w, m, rc(f1), rs(f1), simd);
                    }
                    for (index_t r = 0; r < rows; ++r)
                        std::memcpy(static_cast<void*>(lam + r * row + col), bl + r * W, W * sizeof(std::complex<Real>));
                }
            }
        } else {
            part_x.assign(static_cast<std::size_t>(chunks), {0.0, 0.0});
            part_e = part_n = part_x;
            // Low qubits' x terms of (lambda, psi) over chunk ci.
            auto xlow = [&](const std::complex<Real>* lc, const std::complex<Real>* pc) {
                double x = 0.0;
                for (index_t bb = 0; bb < chunk; bb += sub) x += xsum(lc + bb, pc + bb, S, 0, S, simd);
                return x + xsum(lc, pc, L, S, L, simd);
            };
            auto rot = [&](std::complex<Real>* lc, const rx_form& f) {
                rx_range(lc, L, S, L, rc(f), rs(f), simd);
                for (index_t bb = 0; bb < chunk; bb += sub) rx_range(lc + bb, S, 0, S, rc(f), rs(f), simd);
            };
            // Chunks ci (and its mirror cj with flip; cj == ci without): the whole backward pass.
            auto work = [&](std::int64_t ci, std::int64_t cj, std::complex<Real>* scratch) {
                const bool two = cj != ci;
                const index_t zi = static_cast<index_t>(ci) * chunk, zj = static_cast<index_t>(cj) * chunk;
                std::complex<Real>* li = lam + zi;
                std::complex<Real>* lj = lam + zj;
                auto& xi = part_x[static_cast<std::size_t>(ci)];
                if (top) {
                    part_n[static_cast<std::size_t>(ci)] = times_energy(li, fin + zi, zi, chunk, es);
                    if (two) part_n[static_cast<std::size_t>(cj)] = times_energy(lj, fin + zj, zj, chunk, es);
                }
                auto xterms = [&](const std::complex<Real>* pi_, const std::complex<Real>* pj_) {
                    double x = xlow(li, pi_);
                    if (two) x += xlow(lj, pj_);
                    if (flip) x += flip_dot(li, lj, pi_, pj_, chunk, simd);
                    return x;
                };
                if (b < 0) {
                    xi.second = xterms(fin + zi, fin + zj);
                    if (flip) flip_rx(li, lj, chunk, rc(f1), rs(f1), simd);
                    rot(li, f1);
                    if (two) rot(lj, f1);
                    return;
                }
                if (flip) flip_rx(li, lj, chunk, rc(f2), rs(f2), simd);
                rot(li, f2);
                if (two) rot(lj, f2);
                const auto& phb = ph[static_cast<std::size_t>(b)];
                std::complex<Real>* pi_ = scratch;
                std::complex<Real>* pj_ = two ? scratch + chunk : scratch;
                phase_range(pi_, cin ? cin + zi : nullptr, amp0, zi, chunk, phb, simd);
                if (two) phase_range(pj_, cin ? cin + zj : nullptr, amp0, zj, chunk, phb, simd);
                auto e = esum(li, pi_, amp0, zi, chunk, es, simd);
                if (two) {
                    const auto e2 = esum(lj, pj_, amp0, zj, chunk, es, simd);
                    e.first += e2.first;
                    e.second += e2.second;
                }
                part_e[static_cast<std::size_t>(ci)] = e;
                xi.first = xterms(pi_, pj_);
                if (pi == 0) return; // lambda is not needed before the first phase
                phase_range(li, li, amp0, zi, chunk, ph_inv[static_cast<std::size_t>(b)], simd);
                if (two) phase_range(lj, lj, amp0, zj, chunk, ph_inv[static_cast<std::size_t>(b)], simd);
                if (a < 0) return; // a pass of one layer (no high qubits): the next pass goes on
                // a >= 0 and b > 0: cin is a checkpoint.
                xi.second = xterms(cin + zi, cin + zj);
                if (flip) flip_rx(li, lj, chunk, rc(f1), rs(f1), simd);
                rot(li, f1);
                if (two) rot(lj, f1);
            };
            const std::int64_t units = flip ? (chunks + 1) / 2 : chunks;
#pragma omp parallel num_threads(threads) if (threads > 1 && units > 1)
            {
                auto* scratch = static_cast<std::complex<Real>*>(thread_scratch(2 * chunk * sizeof(std::complex<Real>)));
#pragma omp for schedule(static)
                for (std::int64_t u = 0; u < units; ++u) work(u, flip ? chunks - 1 - u : u, scratch);
            }
        }
        double x_second = 0.0, x_first = 0.0;
        for (const auto& v : part_x) {
            x_second += v.first;
            x_first += v.second;
        }
        // In a one-layer pass the only x terms are those of `first` (= second).
        if (b >= 0) xs[static_cast<std::size_t>(b)] += x_second;
        if (a >= 0) xs[static_cast<std::size_t>(a)] += x_first;
        if (b >= 0) {
            const auto se = ordered_sum(part_e);
            eg[static_cast<std::size_t>(b)] = base * se.first + se.second;
        }
        if (top) energy = ordered_sum(part_n);
    }
    // The upper half of a flip-symmetric pair of states adds as much as the lower one.
    const double twice = flip ? 2.0 : 1.0;
    for (std::size_t l = 0; l < p; ++l) {
        dgammas[l] = 2.0 * twice * eg[l];
        dbetas[l] = 2.0 * twice * xs[l];
    }
    return twice * (base * energy.first + energy.second);
}

} // namespace qcoach::variational::detail
