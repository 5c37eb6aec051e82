#pragma once
/// @file
/// @brief Row kernels of the feasible-subspace simulator: a k x k matrix applied to k rows of
/// contiguous amplitudes (one row per value of an axis digit; see subspace_kernels.hpp for the
/// layout), for the forward pass and for the fused backward pass of the adjoint gradient.
///
/// Two matrix forms: dense (any k x k, SIMD along the row, unrolled for k = 2..8) and I + c J,
/// the exact complete-graph mixer without its global phase, in O(k) per row position.

#include <complex>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/simd.hpp"

namespace qcoach::variational::detail {

/// Largest group (radix) the subspace simulator takes: the kernels keep one register per
/// group member on the stack.
inline constexpr unsigned subspace_max_radix = 64;

/// @brief A k x k complex matrix prepared for the kernels: real and imaginary parts row-major
/// (scalar loop), and per entry one register of the real part and one of [-im, +im, ...] (the
/// split form of statevector/detail/simd.hpp).
template <class Real>
struct qudit_matrix {
    unsigned k = 0;
    std::vector<Real> re, im;
#if QCOACH_HAS_SIMD
    aligned_vector<Real> vre, vim;
#endif
    /// I + c J (J: all ones) when `uniform`; then only k and c are set (see uniform_matrix).
    bool uniform = false;
    std::complex<Real> c{};

    /// @brief The matrix I + c J of size k; as a generator (second matrix of the backward kernel)
    /// it stands for c J.
    static qudit_matrix uniform_matrix(unsigned k, std::complex<double> c) {
        qudit_matrix m;
        m.k = k;
        m.uniform = true;
        m.c = std::complex<Real>(static_cast<Real>(c.real()), static_cast<Real>(c.imag()));
        return m;
    }

    qudit_matrix() = default;
    explicit qudit_matrix(const Eigen::MatrixXcd& m) : k(static_cast<unsigned>(m.rows())) {
        re.resize(std::size_t{k} * k);
        im.resize(std::size_t{k} * k);
        for (unsigned a = 0; a < k; ++a)
            for (unsigned j = 0; j < k; ++j) {
                re[a * k + j] = static_cast<Real>(m(a, j).real());
                im[a * k + j] = static_cast<Real>(m(a, j).imag());
            }
#if QCOACH_HAS_SIMD
        constexpr unsigned w = qcoach::detail::simd_width<Real>;
        vre.resize(std::size_t{k} * k * w);
        vim.resize(std::size_t{k} * k * w);
        for (std::size_t e = 0; e < std::size_t{k} * k; ++e)
            for (unsigned l = 0; l < w; ++l) {
                vre[e * w + l] = re[e];
                vim[e * w + l] = (l & 1) ? im[e] : -im[e];
            }
#endif
    }
};

// ---- rows: k rows of `width` amplitudes, `rs` apart --------------------------------------------

/// Scalar rows [from, width): p[a rs + c] <- sum_j M(a, j) p[j rs + c]. K = 0: k from the matrix.
template <class Real, unsigned K>
inline void rows_apply_scalar(std::complex<Real>* p, index_t from, index_t width, index_t rs, const qudit_matrix<Real>& m) {
    const unsigned k = K != 0 ? K : m.k;
    Real vr[K != 0 ? K : subspace_max_radix], vi[K != 0 ? K : subspace_max_radix];
    const Real* mr = m.re.data();
    const Real* mi = m.im.data();
    for (index_t c = from; c < width; ++c) {
        for (unsigned j = 0; j < k; ++j) {
            vr[j] = p[j * rs + c].real();
            vi[j] = p[j * rs + c].imag();
        }
        for (unsigned a = 0; a < k; ++a) {
            Real r = 0, i = 0;
            for (unsigned j = 0; j < k; ++j) {
                r += mr[a * k + j] * vr[j] - mi[a * k + j] * vi[j];
                i += mr[a * k + j] * vi[j] + mi[a * k + j] * vr[j];
            }
            p[a * rs + c] = std::complex<Real>(r, i);
        }
    }
}

/// Scalar backward rows: returns sum_c sum_a Re(conj(lam_a) (D phi)_a) and then applies U to both
/// phi and lam (U: the inverse of the forward matrix).
template <class Real, unsigned K>
inline double rows_backward_scalar(std::complex<Real>* phi, std::complex<Real>* lam, index_t from, index_t width, index_t rs,
                                   const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    const unsigned k = K != 0 ? K : u.k;
    Real pr[K != 0 ? K : subspace_max_radix], pi[K != 0 ? K : subspace_max_radix];
    Real lr[K != 0 ? K : subspace_max_radix], li[K != 0 ? K : subspace_max_radix];
    double dot = 0.0;
    for (index_t c = from; c < width; ++c) {
        for (unsigned j = 0; j < k; ++j) {
            pr[j] = phi[j * rs + c].real();
            pi[j] = phi[j * rs + c].imag();
            lr[j] = lam[j * rs + c].real();
            li[j] = lam[j * rs + c].imag();
        }
        for (unsigned a = 0; a < k; ++a) {
            Real xr = 0, xi = 0, yr = 0, yi = 0, zr = 0, zi = 0;
            for (unsigned j = 0; j < k; ++j) {
                const Real dr = d.re[a * k + j], di = d.im[a * k + j];
                xr += dr * pr[j] - di * pi[j];
                xi += dr * pi[j] + di * pr[j];
                const Real ur = u.re[a * k + j], ui = u.im[a * k + j];
                yr += ur * pr[j] - ui * pi[j];
                yi += ur * pi[j] + ui * pr[j];
                zr += ur * lr[j] - ui * li[j];
                zi += ur * li[j] + ui * lr[j];
            }
            dot += static_cast<double>(lr[a]) * xr + static_cast<double>(li[a]) * xi;
            phi[a * rs + c] = std::complex<Real>(yr, yi);
            lam[a * rs + c] = std::complex<Real>(zr, zi);
        }
    }
    return dot;
}

#if QCOACH_HAS_SIMD

template <class Real>
inline qcoach::detail::rbatch<Real> loadu(const std::complex<Real>* p) noexcept {
    return qcoach::detail::rbatch<Real>::load_unaligned(reinterpret_cast<const Real*>(p));
}
template <class Real>
inline void storeu(std::complex<Real>* p, const qcoach::detail::rbatch<Real>& v) noexcept {
    v.store_unaligned(reinterpret_cast<Real*>(p));
}

/// SIMD rows: each register holds `lanes` consecutive inner positions of one row; the k inputs
/// are loaded (and their re/im-swapped copies made) before any output is stored, so the update is
/// in place. The last width mod lanes positions take the scalar loop.
template <class Real, unsigned K>
inline void rows_apply_simd(std::complex<Real>* p, index_t width, index_t rs, const qudit_matrix<Real>& m) {
    using B = qcoach::detail::rbatch<Real>;
    constexpr unsigned w = qcoach::detail::simd_width<Real>;
    constexpr unsigned lanes = qcoach::detail::simd_lanes<Real>;
    const unsigned k = K != 0 ? K : m.k;
    B v[K != 0 ? K : subspace_max_radix], sv[K != 0 ? K : subspace_max_radix];
    const Real* mr = m.vre.data();
    const Real* mi = m.vim.data();
    index_t c = 0;
    for (; c + lanes <= width; c += lanes) {
        for (unsigned j = 0; j < k; ++j) {
            v[j] = loadu(p + j * rs + c);
            sv[j] = qcoach::detail::permute_xor<1, Real>(v[j]);
        }
        for (unsigned a = 0; a < k; ++a) {
            const Real* r = mr + std::size_t{a} * k * w;
            const Real* i = mi + std::size_t{a} * k * w;
            B acc = xsimd::fma(B::load_aligned(i), sv[0], B::load_aligned(r) * v[0]);
            for (unsigned j = 1; j < k; ++j) {
                acc = xsimd::fma(B::load_aligned(r + j * w), v[j], acc);
                acc = xsimd::fma(B::load_aligned(i + j * w), sv[j], acc);
            }
            storeu(p + a * rs + c, acc);
        }
    }
    if (c < width) rows_apply_scalar<Real, K>(p, c, width, rs, m);
}

template <class Real, unsigned K>
inline double rows_backward_simd(std::complex<Real>* phi, std::complex<Real>* lam, index_t width, index_t rs,
                                 const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    using B = qcoach::detail::rbatch<Real>;
    constexpr unsigned w = qcoach::detail::simd_width<Real>;
    constexpr unsigned lanes = qcoach::detail::simd_lanes<Real>;
    const unsigned k = K != 0 ? K : u.k;
    B pv[K != 0 ? K : subspace_max_radix], ps[K != 0 ? K : subspace_max_radix];
    B lv[K != 0 ? K : subspace_max_radix], ls[K != 0 ? K : subspace_max_radix];
    B dot(Real(0));
    index_t c = 0;
    for (; c + lanes <= width; c += lanes) {
        for (unsigned j = 0; j < k; ++j) {
            pv[j] = loadu(phi + j * rs + c);
            ps[j] = qcoach::detail::permute_xor<1, Real>(pv[j]);
            lv[j] = loadu(lam + j * rs + c);
            ls[j] = qcoach::detail::permute_xor<1, Real>(lv[j]);
        }
        for (unsigned a = 0; a < k; ++a) {
            const std::size_t row = std::size_t{a} * k * w;
            B x(Real(0)), y(Real(0)), z(Real(0));
            for (unsigned j = 0; j < k; ++j) {
                const B dr = B::load_aligned(d.vre.data() + row + j * w), di = B::load_aligned(d.vim.data() + row + j * w);
                x = xsimd::fma(di, ps[j], xsimd::fma(dr, pv[j], x));
                const B ur = B::load_aligned(u.vre.data() + row + j * w), ui = B::load_aligned(u.vim.data() + row + j * w);
                y = xsimd::fma(ui, ps[j], xsimd::fma(ur, pv[j], y));
                z = xsimd::fma(ui, ls[j], xsimd::fma(ur, lv[j], z));
            }
            // Re(conj(l) x) = l_re x_re + l_im x_im: the element-wise product, summed at the end.
            dot = xsimd::fma(lv[a], x, dot);
            storeu(phi + a * rs + c, y);
            storeu(lam + a * rs + c, z);
        }
    }
    double out = static_cast<double>(xsimd::hadd(dot));
    if (c < width) out += rows_backward_scalar<Real, K>(phi, lam, c, width, rs, d, u);
    return out;
}

#endif // QCOACH_HAS_SIMD

// ---- rows of a matrix I + c J (complete graph, exact form) -----------------------------------
//
// The exact mixer of the complete graph K_k (and of the ring for k <= 3, which is K_k) is
// e^{2 i beta} (I + c J) with c = (e^{-2 i beta k} - 1) / k (xy_graph.hpp). The factor e^{2 i beta}
// is the same for every amplitude: the simulator applies the product of these global phases once,
// in the first cost phase, and applies I + c J here: out_a = v_a + c S with S = sum_j v_j, O(k)
// work per row instead of O(k^2). Without the global factor the generator (dU/dbeta) U^dagger is
// -2i J (the -2i I part belongs to the phase), so the backward term is
// Re sum_a conj(lam_a) d S_phi = Re(d conj(S_lam) S_phi) with d = -2i.

template <class Real>
inline void uniform_apply_scalar(std::complex<Real>* p, index_t from, index_t width, index_t rs, const qudit_matrix<Real>& m) {
    const Real cr = m.c.real(), ci = m.c.imag();
    for (index_t x = from; x < width; ++x) {
        Real sr = 0, si = 0;
        for (unsigned j = 0; j < m.k; ++j) {
            sr += p[j * rs + x].real();
            si += p[j * rs + x].imag();
        }
        const Real gr = cr * sr - ci * si, gi = cr * si + ci * sr;
        for (unsigned a = 0; a < m.k; ++a) p[a * rs + x] += std::complex<Real>(gr, gi);
    }
}

template <class Real>
inline double uniform_backward_scalar(std::complex<Real>* phi, std::complex<Real>* lam, index_t from, index_t width, index_t rs,
                                      const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    const Real cr = u.c.real(), ci = u.c.imag();
    double re_t = 0.0, im_t = 0.0;
    for (index_t x = from; x < width; ++x) {
        Real pr = 0, pi = 0, lr = 0, li = 0;
        for (unsigned j = 0; j < u.k; ++j) {
            pr += phi[j * rs + x].real();
            pi += phi[j * rs + x].imag();
            lr += lam[j * rs + x].real();
            li += lam[j * rs + x].imag();
        }
        // t = conj(S_lam) S_phi
        re_t += static_cast<double>(lr) * pr + static_cast<double>(li) * pi;
        im_t += static_cast<double>(lr) * pi - static_cast<double>(li) * pr;
        const std::complex<Real> gp(cr * pr - ci * pi, cr * pi + ci * pr), gl(cr * lr - ci * li, cr * li + ci * lr);
        for (unsigned a = 0; a < u.k; ++a) {
            phi[a * rs + x] += gp;
            lam[a * rs + x] += gl;
        }
    }
    return static_cast<double>(d.c.real()) * re_t - static_cast<double>(d.c.imag()) * im_t;
}

#if QCOACH_HAS_SIMD

/// K > 0: the k inputs stay in registers (one load and one store per amplitude); K = 0 reloads
/// them from L1 for the output.
template <class Real, unsigned K>
inline void uniform_apply_simd(std::complex<Real>* p, index_t width, index_t rs, const qudit_matrix<Real>& m) {
    using B = qcoach::detail::rbatch<Real>;
    constexpr unsigned lanes = qcoach::detail::simd_lanes<Real>;
    const unsigned k = K != 0 ? K : m.k;
    const B cre(m.c.real());
    const B cim = B(m.c.imag()) * qcoach::detail::alternating<Real>(Real(-1), Real(1));
    B v[K != 0 ? K : 1];
    index_t x = 0;
    for (; x + lanes <= width; x += lanes) {
        B sum;
        if constexpr (K != 0) {
            for (unsigned j = 0; j < K; ++j) v[j] = loadu(p + j * rs + x);
            sum = v[0];
            for (unsigned j = 1; j < K; ++j) sum += v[j];
        } else {
            sum = loadu(p + x);
            for (unsigned j = 1; j < k; ++j) sum += loadu(p + j * rs + x);
        }
        const B g = xsimd::fma(cre, sum, cim * qcoach::detail::permute_xor<1, Real>(sum));
        if constexpr (K != 0) {
            for (unsigned a = 0; a < K; ++a) storeu(p + a * rs + x, v[a] + g);
        } else {
            for (unsigned a = 0; a < k; ++a) storeu(p + a * rs + x, loadu(p + a * rs + x) + g);
        }
    }
    if (x < width) uniform_apply_scalar(p, x, width, rs, m);
}

template <class Real, unsigned K>
inline double uniform_backward_simd(std::complex<Real>* phi, std::complex<Real>* lam, index_t width, index_t rs,
                                    const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    using B = qcoach::detail::rbatch<Real>;
    constexpr unsigned lanes = qcoach::detail::simd_lanes<Real>;
    const unsigned k = K != 0 ? K : u.k;
    const B cre(u.c.real());
    const B cim = B(u.c.imag()) * qcoach::detail::alternating<Real>(Real(-1), Real(1));
    B pv[K != 0 ? K : 1], lv[K != 0 ? K : 1];
    B re_acc(Real(0)), im_acc(Real(0));
    index_t x = 0;
    for (; x + lanes <= width; x += lanes) {
        B sp, sl;
        if constexpr (K != 0) {
            for (unsigned j = 0; j < K; ++j) {
                pv[j] = loadu(phi + j * rs + x);
                lv[j] = loadu(lam + j * rs + x);
            }
            sp = pv[0];
            sl = lv[0];
            for (unsigned j = 1; j < K; ++j) {
                sp += pv[j];
                sl += lv[j];
            }
        } else {
            sp = loadu(phi + x);
            sl = loadu(lam + x);
            for (unsigned j = 1; j < k; ++j) {
                sp += loadu(phi + j * rs + x);
                sl += loadu(lam + j * rs + x);
            }
        }
        const B spw = qcoach::detail::permute_xor<1, Real>(sp);
        re_acc = xsimd::fma(sl, sp, re_acc);  // pairs sum to Re conj(S_lam) S_phi
        im_acc = xsimd::fma(sl, spw, im_acc); // [l_re p_im, l_im p_re]: the difference is the Im part
        const B gp = xsimd::fma(cre, sp, cim * spw);
        const B gl = xsimd::fma(cre, sl, cim * qcoach::detail::permute_xor<1, Real>(sl));
        if constexpr (K != 0) {
            for (unsigned a = 0; a < K; ++a) {
                storeu(phi + a * rs + x, pv[a] + gp);
                storeu(lam + a * rs + x, lv[a] + gl);
            }
        } else {
            for (unsigned a = 0; a < k; ++a) {
                storeu(phi + a * rs + x, loadu(phi + a * rs + x) + gp);
                storeu(lam + a * rs + x, loadu(lam + a * rs + x) + gl);
            }
        }
    }
    const double re_t = static_cast<double>(xsimd::hadd(re_acc));
    const double im_t = static_cast<double>(xsimd::hadd(im_acc * qcoach::detail::alternating<Real>(Real(1), Real(-1))));
    double out = static_cast<double>(d.c.real()) * re_t - static_cast<double>(d.c.imag()) * im_t;
    if (x < width) out += uniform_backward_scalar(phi, lam, x, width, rs, d, u);
    return out;
}

#endif // QCOACH_HAS_SIMD

template <class Real, unsigned K>
void uniform_apply_entry(std::complex<Real>* p, index_t width, index_t rs, index_t count, index_t bstride, const qudit_matrix<Real>& m) {
#if QCOACH_HAS_SIMD
    if (width >= qcoach::detail::simd_lanes<Real>) {
        for (index_t b = 0; b < count; ++b) uniform_apply_simd<Real, K>(p + b * bstride, width, rs, m);
        return;
    }
#endif
    for (index_t b = 0; b < count; ++b) uniform_apply_scalar(p + b * bstride, 0, width, rs, m);
}
template <class Real>
void uniform_apply_scalar_entry(std::complex<Real>* p, index_t width, index_t rs, index_t count, index_t bstride,
                                const qudit_matrix<Real>& m) {
    for (index_t b = 0; b < count; ++b) uniform_apply_scalar(p + b * bstride, 0, width, rs, m);
}
template <class Real, unsigned K>
double uniform_backward_entry(std::complex<Real>* phi, std::complex<Real>* lam, index_t width, index_t rs, index_t count,
                              index_t bstride, const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    double s = 0.0;
#if QCOACH_HAS_SIMD
    if (width >= qcoach::detail::simd_lanes<Real>) {
        for (index_t b = 0; b < count; ++b) s += uniform_backward_simd<Real, K>(phi + b * bstride, lam + b * bstride, width, rs, d, u);
        return s;
    }
#endif
    for (index_t b = 0; b < count; ++b) s += uniform_backward_scalar(phi + b * bstride, lam + b * bstride, 0, width, rs, d, u);
    return s;
}
template <class Real>
double uniform_backward_scalar_entry(std::complex<Real>* phi, std::complex<Real>* lam, index_t width, index_t rs, index_t count,
                                     index_t bstride, const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    double s = 0.0;
    for (index_t b = 0; b < count; ++b) s += uniform_backward_scalar(phi + b * bstride, lam + b * bstride, 0, width, rs, d, u);
    return s;
}

/// A row kernel applied to `count` sets of k rows, set b starting `bstride` after set b - 1.
template <class Real>
using rows_apply_fn = void (*)(std::complex<Real>*, index_t width, index_t rs, index_t count, index_t bstride,
                               const qudit_matrix<Real>&);
template <class Real>
using rows_backward_fn = double (*)(std::complex<Real>*, std::complex<Real>*, index_t width, index_t rs, index_t count,
                                    index_t bstride, const qudit_matrix<Real>&, const qudit_matrix<Real>&);

template <class Real, unsigned K>
void rows_apply_entry(std::complex<Real>* p, index_t width, index_t rs, index_t count, index_t bstride, const qudit_matrix<Real>& m) {
#if QCOACH_HAS_SIMD
    if (width >= qcoach::detail::simd_lanes<Real>) {
        for (index_t b = 0; b < count; ++b) rows_apply_simd<Real, K>(p + b * bstride, width, rs, m);
        return;
    }
#endif
    for (index_t b = 0; b < count; ++b) rows_apply_scalar<Real, K>(p + b * bstride, 0, width, rs, m);
}
template <class Real, unsigned K>
void rows_apply_scalar_entry(std::complex<Real>* p, index_t width, index_t rs, index_t count, index_t bstride,
                             const qudit_matrix<Real>& m) {
    for (index_t b = 0; b < count; ++b) rows_apply_scalar<Real, K>(p + b * bstride, 0, width, rs, m);
}
template <class Real, unsigned K>
double rows_backward_entry(std::complex<Real>* phi, std::complex<Real>* lam, index_t width, index_t rs, index_t count,
                           index_t bstride, const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    double s = 0.0;
#if QCOACH_HAS_SIMD
    if (width >= qcoach::detail::simd_lanes<Real>) {
        for (index_t b = 0; b < count; ++b) s += rows_backward_simd<Real, K>(phi + b * bstride, lam + b * bstride, width, rs, d, u);
        return s;
    }
#endif
    for (index_t b = 0; b < count; ++b) s += rows_backward_scalar<Real, K>(phi + b * bstride, lam + b * bstride, 0, width, rs, d, u);
    return s;
}
template <class Real, unsigned K>
double rows_backward_scalar_entry(std::complex<Real>* phi, std::complex<Real>* lam, index_t width, index_t rs, index_t count,
                                  index_t bstride, const qudit_matrix<Real>& d, const qudit_matrix<Real>& u) {
    double s = 0.0;
    for (index_t b = 0; b < count; ++b) s += rows_backward_scalar<Real, K>(phi + b * bstride, lam + b * bstride, 0, width, rs, d, u);
    return s;
}

/// The kernel for radix k: the I + c J form when `uniform`; else the dense one, unrolled for
/// k = 2..8 and a runtime loop above. `simd` false picks the scalar reference loop
/// (exec_policy::path == kernel_path::scalar). Rows narrower than a register go to the scalar
/// loop inside the SIMD entry.
template <class Real>
rows_apply_fn<Real> select_rows_apply(unsigned k, bool simd, bool uniform) {
#define QCOACH_ROWS_CASE(K) \
    case K:                 \
        if (uniform) return simd ? &uniform_apply_entry<Real, K> : &uniform_apply_scalar_entry<Real>; \
        return simd ? &rows_apply_entry<Real, K> : &rows_apply_scalar_entry<Real, K>;
    switch (k) {
        QCOACH_ROWS_CASE(2)
        QCOACH_ROWS_CASE(3)
        QCOACH_ROWS_CASE(4)
        QCOACH_ROWS_CASE(5)
        QCOACH_ROWS_CASE(6)
        QCOACH_ROWS_CASE(7)
        QCOACH_ROWS_CASE(8)
    default:
        if (uniform) return simd ? &uniform_apply_entry<Real, 0> : &uniform_apply_scalar_entry<Real>;
        return simd ? &rows_apply_entry<Real, 0> : &rows_apply_scalar_entry<Real, 0>;
    }
#undef QCOACH_ROWS_CASE
}

template <class Real>
rows_backward_fn<Real> select_rows_backward(unsigned k, bool simd, bool uniform) {
#define QCOACH_ROWS_CASE(K) \
    case K:                 \
        if (uniform) return simd ? &uniform_backward_entry<Real, K> : &uniform_backward_scalar_entry<Real>; \
        return simd ? &rows_backward_entry<Real, K> : &rows_backward_scalar_entry<Real, K>;
    switch (k) {
        QCOACH_ROWS_CASE(2)
        QCOACH_ROWS_CASE(3)
        QCOACH_ROWS_CASE(4)
        QCOACH_ROWS_CASE(5)
        QCOACH_ROWS_CASE(6)
        QCOACH_ROWS_CASE(7)
        QCOACH_ROWS_CASE(8)
    default:
        if (uniform) return simd ? &uniform_backward_entry<Real, 0> : &uniform_backward_scalar_entry<Real>;
        return simd ? &rows_backward_entry<Real, 0> : &rows_backward_scalar_entry<Real, 0>;
    }
#undef QCOACH_ROWS_CASE
}

} // namespace qcoach::variational::detail
