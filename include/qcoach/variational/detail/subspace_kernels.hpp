#pragma once
/// @file
/// @brief Kernels of the feasible-subspace simulator: small dense "qudit" matrices applied along
/// the axes of a mixed-radix state, the cost phase, and the fused passes of the adjoint gradient.
///
/// ## Layout
/// The state has N = prod_g k_g amplitudes; digit d_g of index i is (i / s_g) mod k_g with
/// s_0 = 1, s_{g+1} = s_g k_g (group 0 varies fastest). Applying a k x k matrix M along axis g
/// maps, for every "outer" o and "inner" position c < s_g, the k amplitudes
/// psi[o k s_g + j s_g + c] (j = 0..k-1) to M times them. For fixed o these are k rows of s_g
/// contiguous amplitudes, one row per j, `s_g` apart: a batch of mat-vecs that vectorizes along
/// the row (each SIMD register holds several inner positions) when s_g >= the register's lanes.
/// Only axis 0 (and axes behind groups of size 1) has s_g = 1 and runs the scalar loop.
///
/// ## Bands (one memory pass for several axes)
/// Axes with k >= 2 are cut into bands of consecutive axes. The work item of a band is a
/// sub-tensor: all digits of the band's axes, for one value of the digits above the band and a
/// tile of `tile` consecutive inner positions (the digits below the band). Its amplitudes are
/// span x tile values in span rows of tile contiguous amplitudes; a band is chosen so that this
/// fits in the L2 cache, and every axis of the band is applied to the item before the next item
/// is loaded. A layer with m axes then reads and writes the state once per band instead of m
/// times. The first band has inner stride 1 and a tile of 1, so its items are contiguous blocks;
/// the cost phase is fused into that band (before its axes in the forward pass, after them in the
/// backward pass), which saves one more pass per layer.
///
/// The matrices of different axes commute, so any band order gives the same state; the backward
/// pass runs the first band last so that the phase is undone after the whole mixer.

#include <algorithm>
#include <array>
#include <complex>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/simd.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/variational/detail/subspace_rows.hpp"

namespace qcoach::variational::detail {

// ---- cost phase on a contiguous range ------------------------------------------------------

/// p[i] <- exp(i (theta - gamma e[i])) p[i] for i in [0, count); theta is a global phase.
template <class Real>
inline void phase_range(std::complex<Real>* p, const Real* e, index_t count, double gamma, double theta, bool simd) {
    index_t i = 0;
#if QCOACH_HAS_SIMD
    if (simd) {
        using B = qcoach::detail::rbatch<Real>;
        constexpr unsigned w = qcoach::detail::simd_width<Real>;
        constexpr unsigned lanes = qcoach::detail::simd_lanes<Real>;
        const B mg(static_cast<Real>(-gamma)), th(static_cast<Real>(theta));
        const B sign = qcoach::detail::alternating<Real>(Real(-1), Real(1));
        // One register of w energies covers two registers (2 x lanes) of amplitudes.
        for (; i + w <= count; i += w) {
            const auto sc = xsimd::sincos(xsimd::fma(mg, B::load_unaligned(e + i), th));
            std::complex<Real>* p0 = p + i;
            std::complex<Real>* p1 = p0 + lanes;
            storeu(p0, qcoach::detail::cmul(qcoach::detail::spread<0, Real>(sc.second),
                                            qcoach::detail::spread<0, Real>(sc.first) * sign, loadu(p0)));
            storeu(p1, qcoach::detail::cmul(qcoach::detail::spread<lanes, Real>(sc.second),
                                            qcoach::detail::spread<lanes, Real>(sc.first) * sign, loadu(p1)));
        }
    }
#else
    (void)simd;
#endif
    for (; i < count; ++i) {
        const Real a = static_cast<Real>(-gamma) * e[i] + static_cast<Real>(theta);
        const Real c = std::cos(a), s = std::sin(a);
        const Real vr = p[i].real(), vi = p[i].imag();
        p[i] = std::complex<Real>(c * vr - s * vi, c * vi + s * vr);
    }
}

/// Backward phase on [0, count): returns sum_i e[i] Im(conj(lam_i) phi_i) (so that
/// d<C>/d gamma = 2 times the total), then phi and lam are multiplied by exp(+i gamma e[i]).
template <class Real>
inline double phase_backward_range(std::complex<Real>* phi, std::complex<Real>* lam, const Real* e, index_t count, double gamma,
                                   bool simd) {
    index_t i = 0;
    double out = 0.0;
#if QCOACH_HAS_SIMD
    if (simd) {
        using B = qcoach::detail::rbatch<Real>;
        constexpr unsigned w = qcoach::detail::simd_width<Real>;
        constexpr unsigned lanes = qcoach::detail::simd_lanes<Real>;
        const B g(static_cast<Real>(gamma));
        const B sign = qcoach::detail::alternating<Real>(Real(-1), Real(1));
        const B im_sign = qcoach::detail::alternating<Real>(Real(1), Real(-1));
        B acc(Real(0));
        for (; i + w <= count; i += w) {
            const B ev = B::load_unaligned(e + i);
            const auto sc = xsimd::sincos(g * ev);
            auto step = [&](std::complex<Real>* pp, std::complex<Real>* ll, const B& es, const B& sn, const B& cs) {
                const B pv = loadu(pp), lv = loadu(ll);
                // lam * swap(phi) = [l_re phi_im, l_im phi_re]; with signs [+, -] the pair sums to
                // Im(conj(lam) phi).
                acc = xsimd::fma(es * im_sign, lv * qcoach::detail::permute_xor<1, Real>(pv), acc);
                storeu(pp, qcoach::detail::cmul(cs, sn * sign, pv));
                storeu(ll, qcoach::detail::cmul(cs, sn * sign, lv));
            };
            step(phi + i, lam + i, qcoach::detail::spread<0, Real>(ev), qcoach::detail::spread<0, Real>(sc.first),
                 qcoach::detail::spread<0, Real>(sc.second));
            step(phi + i + lanes, lam + i + lanes, qcoach::detail::spread<lanes, Real>(ev),
                 qcoach::detail::spread<lanes, Real>(sc.first), qcoach::detail::spread<lanes, Real>(sc.second));
        }
        out = static_cast<double>(xsimd::hadd(acc));
    }
#else
    (void)simd;
#endif
    for (; i < count; ++i) {
        const Real pr = phi[i].real(), pi = phi[i].imag(), lr = lam[i].real(), li = lam[i].imag();
        out += static_cast<double>(e[i]) * (static_cast<double>(lr) * pi - static_cast<double>(li) * pr);
        const Real a = static_cast<Real>(gamma) * e[i];
        const Real c = std::cos(a), s = std::sin(a);
        phi[i] = std::complex<Real>(c * pr - s * pi, c * pi + s * pr);
        lam[i] = std::complex<Real>(c * lr - s * li, c * li + s * lr);
    }
    return out;
}

// ---- band plan and passes ------------------------------------------------------------------

/// One axis of radix >= 2: its radix and stride.
struct subspace_axis {
    unsigned radix = 0;
    index_t stride = 0;
};

/// Consecutive axes [first, last) applied in one pass (see the file comment).
struct subspace_band {
    std::size_t first = 0, last = 0;
    index_t inner = 1; ///< stride of the first axis: the digits below the band
    index_t span = 1;  ///< product of the band's radixes
    index_t tile = 1;  ///< inner positions per work item
    index_t tiles = 1; ///< ceil(inner / tile)
    index_t items = 0; ///< work items: (size / (inner span)) x tiles
};

/// @brief Cut the axes into bands whose work item (span x tile amplitudes) stays within
/// `band_limit` amplitudes; `tile_limit` caps the tile. Depends on the sizes only.
///
/// The first band takes as many low axes as fit (tile 1). A later band first tries to take all
/// the remaining axes at once with the widest tile in [min_tile, tile_limit] that fits (a
/// multiple of min_tile); when even min_tile is too wide the axes are cut greedily with
/// tile_limit. min_tile = tile_limit gives the plain greedy cut (what SubspaceQaoa uses: rows of
/// 4 amplitudes measured slower than a third pass).
inline std::vector<subspace_band> plan_bands(const std::vector<subspace_axis>& axes, index_t size, index_t band_limit,
                                             index_t tile_limit, index_t min_tile = 1) {
    std::vector<subspace_band> out;
    std::size_t i = 0;
    while (i < axes.size()) {
        subspace_band b;
        b.first = i;
        b.inner = axes[i].stride;
        index_t rest = 1;
        for (std::size_t j = i; j < axes.size(); ++j) rest = rest > band_limit ? rest : rest * axes[j].radix;
        const index_t widest = std::max<index_t>(1, std::min(b.inner, tile_limit));
        const index_t narrowest = std::max<index_t>(1, std::min(min_tile, widest));
        const index_t fit = rest <= band_limit ? band_limit / rest : 0; // widest tile with every axis in
        if (i > 0 && fit >= narrowest) {
            // A multiple of the narrowest tile, so rows keep whole cache lines and SIMD registers.
            b.tile = std::min(widest, fit / narrowest * narrowest);
            b.span = rest;
            b.last = axes.size();
        } else {
            b.tile = widest;
            b.span = axes[i].radix;
            std::size_t j = i + 1;
            while (j < axes.size() && b.span * axes[j].radix * b.tile <= band_limit) b.span *= axes[j++].radix;
            b.last = j;
        }
        b.tiles = (b.inner + b.tile - 1) / b.tile;
        b.items = size / (b.inner * b.span) * b.tiles;
        out.push_back(b);
        i = b.last;
    }
    return out;
}

/// Visit the rows of axis `ax` inside work item `item` of band `b`:
/// f(offset, width, row_stride, count, set_stride) for `count` sets of k rows.
template <class F>
inline void for_each_rows(const subspace_band& b, const subspace_axis& ax, index_t item, F&& f) {
    const index_t outer = item / b.tiles, t = item % b.tiles;
    const index_t base = outer * b.inner * b.span + t * b.tile;
    const index_t width = std::min(b.tile, b.inner - t * b.tile);
    const index_t block = ax.stride * ax.radix; // one value of the digits above the axis
    const index_t ups = b.inner * b.span / block;
    if (width == b.inner) {
        // The tile covers the whole inner range: digits below the axis (inside the band) and the
        // inner positions together form one contiguous row of `stride` amplitudes.
        f(base, ax.stride, ax.stride, ups, block);
    } else {
        const index_t lows = ax.stride / b.inner;
        for (index_t u = 0; u < ups; ++u) f(base + u * block, width, ax.stride, lows, b.inner);
    }
}

/// Per-axis kernels and matrices of one pass.
template <class Real>
struct axis_ops {
    const qudit_matrix<Real>* forward = nullptr;  ///< U (forward) or U^dagger (backward)
    const qudit_matrix<Real>* generator = nullptr; ///< D, backward only
    rows_apply_fn<Real> apply = nullptr;
    rows_backward_fn<Real> backward = nullptr;
};

/// @brief One forward layer: psi <- U_M (prod over axes) e^{i theta} exp(-i gamma E) psi.
template <class Real>
void forward_layer(std::complex<Real>* psi, index_t size, const Real* energies, double gamma, double theta,
                   const std::vector<subspace_axis>& axes, const std::vector<subspace_band>& bands,
                   const std::vector<axis_ops<Real>>& ops, bool simd, const exec_policy& pol) {
    const int threads = pol.threads_for(size);
    if (bands.empty()) {
        const index_t block = qcoach::detail::fixed_block(size);
        const index_t blocks = (size + block - 1) / block;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t c = 0; c < blocks; ++c)
            phase_range(psi + c * block, energies + c * block, std::min(block, size - c * block), gamma, theta, simd);
        return;
    }
    for (std::size_t bi = 0; bi < bands.size(); ++bi) {
        const subspace_band& b = bands[bi];
        const bool with_phase = bi == 0;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t item = 0; item < b.items; ++item) {
            if (with_phase) phase_range(psi + item * b.span, energies + item * b.span, b.span, gamma, theta, simd);
            for (std::size_t a = b.first; a < b.last; ++a) {
                const axis_ops<Real>& op = ops[a];
                for_each_rows(b, axes[a], item, [&](index_t off, index_t width, index_t rs, index_t count, index_t bs) {
                    op.apply(psi + off, width, rs, count, bs, *op.forward);
                });
            }
        }
    }
}

/// Sums of the backward pass of one layer: sum over axes of Re <lam|D|phi> and sum_i E_i
/// Im(conj(lam_i) phi_i); the derivatives are twice these.
struct layer_sums {
    double mixer = 0.0;
    double cost = 0.0;
    layer_sums& operator+=(const layer_sums& o) noexcept {
        mixer += o.mixer;
        cost += o.cost;
        return *this;
    }
};

/// @brief One backward layer of the adjoint method: at the point just after the layer's mixer,
/// accumulate the mixer term, undo the mixer on phi and lam (ops[].forward hold U^dagger), then
/// accumulate the cost term and undo the phase. Sums run over fixed blocks of work items in a
/// fixed order, so they do not depend on the thread count.
template <class Real>
layer_sums backward_layer(std::complex<Real>* phi, std::complex<Real>* lam, index_t size, const Real* energies, double gamma,
                          const std::vector<subspace_axis>& axes, const std::vector<subspace_band>& bands,
                          const std::vector<axis_ops<Real>>& ops, bool simd, const exec_policy& pol) {
    const int threads = pol.threads_for(size);
    layer_sums total;
    if (bands.empty()) {
        const index_t block = qcoach::detail::fixed_block(size);
        const index_t blocks = (size + block - 1) / block;
        total.cost = qcoach::detail::ordered_reduce<double>(blocks, threads, [&](index_t c0, index_t c1) {
            double s = 0.0;
            for (index_t c = c0; c < c1; ++c) {
                const index_t off = c * block;
                s += phase_backward_range(phi + off, lam + off, energies + off, std::min(block, size - off), gamma, simd);
            }
            return s;
        });
        return total;
    }
    for (std::size_t bi = bands.size(); bi-- > 0;) {
        const subspace_band& b = bands[bi];
        const bool with_phase = bi == 0;
        total += qcoach::detail::ordered_reduce<layer_sums>(b.items, threads, [&](index_t i0, index_t i1) {
            layer_sums s;
            for (index_t item = i0; item < i1; ++item) {
                for (std::size_t a = b.first; a < b.last; ++a) {
                    const axis_ops<Real>& op = ops[a];
                    for_each_rows(b, axes[a], item, [&](index_t off, index_t width, index_t rs, index_t count, index_t bs) {
                        s.mixer += op.backward(phi + off, lam + off, width, rs, count, bs, *op.generator, *op.forward);
                    });
                }
                if (with_phase) {
                    const index_t off = item * b.span;
                    s.cost += phase_backward_range(phi + off, lam + off, energies + off, b.span, gamma, simd);
                }
            }
            return s;
        });
    }
    return total;
}

} // namespace qcoach::variational::detail
