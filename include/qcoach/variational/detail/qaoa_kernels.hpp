#pragma once
/// @file
/// @brief In-cache kernels of the QAOA layer: the X mixer's RX rotations on a contiguous buffer,
/// the cost phase e^{-i gamma E(z)}, and the reductions of the energy and of the gradient.
///
/// All routines work on a contiguous buffer of 2^m amplitudes whose bit q is "buffer qubit q";
/// the passes (qaoa_passes.hpp) decide which state qubits a buffer qubit stands for.
///
/// ## RX on registers
/// e^{-i beta X} = [[c, -i s], [-i s, c]] with c = cos beta, s = sin beta: both real, so
/// (-i s) v = s (v_im, -v_re) is one re/im swap and one multiply by [s, -s, ...] (simd.hpp's
/// split form). For a qubit inside a register (lane qubit q) the partner of lane l is lane
/// l ^ 2^q of the same register, so the swap and the lane exchange are one permutation:
///     a' = c a + [s, -s] * permute_xor<(2 << q) | 1>(a).
/// Qubits between registers are taken two at a time: for the four registers a, b, c, d whose
/// bits (q, q + 1) are 00, 01, 10, 11, RX(q) RX(q + 1) = e^{-i beta (X_q + X_{q+1})} has entries
/// c^{2-h} (-i s)^h by Hamming distance h, so
///     a' = c^2 a - s^2 d + (-i c s)(b + c),   d' = c^2 d - s^2 a + (-i c s)(b + c),
///     b' = c^2 b - s^2 c + (-i c s)(a + d),   c' = c^2 c - s^2 b + (-i c s)(a + d):
/// two adds, two swaps, two multiplies and eight FMAs for two gates on four registers (1.75
/// operations per register and gate, against 3 for one gate at a time). A leftover qubit takes
/// the one-gate form a' = c a + (-i s) b, b' = c b + (-i s) a. The buffer sweeps take three
/// qubits at a time (two quads, then the one-gate form between them): eight registers loaded
/// and stored once per three gates.
///
/// ## Unit form
/// The kernels apply [[c, -i s], [-i s, c]] for any real c, s (not only c^2 + s^2 = 1). With
/// c = 1 (the caller passes s = tan beta and multiplies the state by cos(beta)^k elsewhere,
/// for QAOA in the phase table of the same layer) the multiplies by c vanish:
///     a' = a - t^2 d + (-i t)(b + c)  is two FMAs,
/// so a quad needs eight FMAs and no multiply (ten multiplies and FMAs in the general form) and
/// a lane gate one FMA instead of a multiply and an FMA: 16% less time per gate in float, 7% in
/// double (in L1, one thread). rx_consts::unit selects it (c == 1).
///
/// ## Phase
/// With integer levels (cost_table.hpp) the factor e^{-i gamma (E_min + k)} comes from a table
/// of num_levels complex numbers indexed by the level byte(s) of each amplitude; otherwise
/// sin and cos are evaluated, once per energy, as the statevector phase kernel does.
///
/// ## Scalar path
/// Every routine has a plain loop (in the working precision) used for tiny buffers, builds
/// without SIMD and exec_policy::path == kernel_path::scalar; the tests compare both.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/simd.hpp"

namespace qcoach::variational::detail {

using qcoach::detail::deposit_bits;
#if QCOACH_HAS_SIMD
using qcoach::detail::alternating;
using qcoach::detail::permute_xor;
using qcoach::detail::rbatch;
using qcoach::detail::simd_lanes;
using qcoach::detail::simd_low_qubits;
using qcoach::detail::simd_width;
#endif

/// Where the energies of a range of basis states come from (one of the three is set).
template <class Real>
struct energy_source {
    const std::uint8_t* k8 = nullptr;   ///< integer levels, one byte
    const std::uint16_t* k16 = nullptr; ///< integer levels, two bytes
    const Real* e = nullptr;            ///< energies in the working precision
    double base = 0.0;                  ///< E = base + level (levels only)

    bool levels() const noexcept { return k8 != nullptr || k16 != nullptr; }
    /// The energy relative to `base` for levels, the energy itself otherwise.
    Real value(index_t z) const noexcept {
        if (k8) return static_cast<Real>(k8[z]);
        if (k16) return static_cast<Real>(k16[z]);
        return e[z];
    }
};

/// e^{-i gamma E} for one layer: the energy source, gamma and, for levels, the phase table
/// tab[k] = e^{-i gamma (base + k)}.
template <class Real>
struct phase_source {
    energy_source<Real> src;
    double gamma = 0.0;
    const std::complex<Real>* tab = nullptr;
    /// A real factor applied with the phase (the unit form's cos(beta)^k). The table of levels
    /// already includes it; energies multiply by it.
    double scale = 1.0;
};

/// One layer's mixer rotation as the kernels take it: [[c, -i s], [-i s, c]] per qubit, and the
/// factor `per_qubit` that each rotation leaves out (1 in the exact form). The unit form (c = 1,
/// s = tan beta, per_qubit = cos beta) is used when |tan beta| <= 1, so that the factor
/// cos(beta)^k stays above 2^{-k/2} and no amplitude grows past 1 on the way.
struct rx_form {
    double c = 1.0, s = 0.0, per_qubit = 1.0;
    static rx_form of(double beta) noexcept {
        const double cb = std::cos(beta), sb = std::sin(beta);
        if (std::abs(sb) <= std::abs(cb)) return {1.0, sb / cb, cb};
        return {cb, sb, 1.0};
    }
    /// The factor left out by k rotations.
    double scale(unsigned k) const noexcept { return std::pow(per_qubit, static_cast<double>(k)); }
};

/// Whether the SIMD routines can run on a buffer of 2^m amplitudes (four registers at least).
template <class Real>
constexpr bool simd_fits(unsigned m) noexcept {
#if QCOACH_HAS_SIMD
    return m >= simd_low_qubits<Real> + 2;
#else
    (void)m;
    return false;
#endif
}

// ---- scalar reference ---------------------------------------------------------------------

/// e^{-i beta X_q} for buffer qubits q in [q0, q1), one gate at a time.
template <class Real>
void rx_scalar(std::complex<Real>* buf, unsigned m, unsigned q0, unsigned q1, Real c, Real s) noexcept {
    const index_t len = index_t{1} << m;
    for (unsigned q = q0; q < q1; ++q) {
        const index_t d = index_t{1} << q;
        for (index_t b = 0; b < len; b += 2 * d) {
            for (index_t i = b; i < b + d; ++i) {
                const std::complex<Real> a = buf[i], v = buf[i + d];
                // (-i s) v = s (v_im, -v_re)
                buf[i] = {c * a.real() + s * v.imag(), c * a.imag() - s * v.real()};
                buf[i + d] = {c * v.real() + s * a.imag(), c * v.imag() - s * a.real()};
            }
        }
    }
}

/// dst[i] = factor(z0 + i) * (src ? src[i] : amp0) for i < len.
template <class Real>
void phase_scalar(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, index_t len,
                  const phase_source<Real>& ph) noexcept {
    for (index_t i = 0; i < len; ++i) {
        std::complex<Real> f;
        if (ph.src.levels()) {
            f = ph.tab[static_cast<std::size_t>(ph.src.value(z0 + i))];
        } else {
            const double phi = -ph.gamma * static_cast<double>(ph.src.e[z0 + i]);
            f = {static_cast<Real>(ph.scale * std::cos(phi)), static_cast<Real>(ph.scale * std::sin(phi))};
        }
        dst[i] = f * (src ? src[i] : std::complex<Real>(amp0));
    }
}

#if QCOACH_HAS_SIMD

// ---- SIMD ---------------------------------------------------------------------------------

/// (re, im) -> (im, re) in every lane. An in-lane permute with an immediate on AVX (the generic
/// swizzle would use a lane-crossing permute with an index register).
template <class Real>
inline rbatch<Real> swap_re_im(const rbatch<Real>& v) noexcept {
#if XSIMD_WITH_AVX
    if constexpr (sizeof(rbatch<Real>) == 32) { // a 256-bit register: AVX / AVX2
        if constexpr (std::is_same_v<Real, float>) return _mm256_permute_ps(v, 0xB1);
        else return _mm256_permute_pd(v, 0x5);
    }
#endif
    return permute_xor<1, Real>(v);
}

template <class Real>
struct rx_consts {
    rbatch<Real> c, sn;     ///< one gate: c, [s, -s]
    rbatch<Real> cc, ss, m; ///< two gates: c^2, -s^2, [c s, -c s]
    bool unit;              ///< c == 1: the unit form (file comment)
    rx_consts(Real cv, Real sv)
        : c(cv), sn(alternating<Real>(sv, -sv)), cc(cv * cv), ss(-sv * sv), m(alternating<Real>(cv * sv, -cv * sv)),
          unit(cv == Real(1)) {}
};

/// Float lane qubit 0: element i <- element i ^ 3 (partner lane, re/im swapped), in-lane.
/// A template so that the AVX branch is only instantiated where the register is 256 bits wide
/// (with AVX-512 enabled, rbatch<float> is a 512-bit batch).
template <class Real>
    requires std::is_same_v<Real, float>
inline rbatch<Real> swap_lanes_in_pair(const rbatch<Real>& v) noexcept {
#if XSIMD_WITH_AVX
    if constexpr (sizeof(rbatch<Real>) == 32) return _mm256_permute_ps(v, 0x1B);
#endif
    return permute_xor<3, Real>(v);
}

/// One gate's output for amplitudes x from the partners' registers already re/im-swapped (and
/// lane-permuted for a lane qubit): c x + [s, -s] partner, or x + [t, -t] partner in the unit
/// form.
template <bool Unit, class Real>
inline rbatch<Real> rx_one(const rbatch<Real>& x, const rbatch<Real>& partner, const rx_consts<Real>& k) noexcept {
    if constexpr (Unit) return xsimd::fma(k.sn, partner, x);
    else return xsimd::fma(k.c, x, k.sn * partner);
}

/// All lane qubits of one register (q = 0 .. log2(lanes) - 1).
template <bool Unit, class Real, unsigned Q = 0>
inline rbatch<Real> rx_lanes(rbatch<Real> a, const rx_consts<Real>& k) noexcept {
    if constexpr (Q >= simd_low_qubits<Real>) {
        return a;
    } else {
        rbatch<Real> partner;
        if constexpr (sizeof(Real) == 4 && Q == 0) partner = swap_lanes_in_pair<Real>(a);
        else partner = permute_xor<(2u << Q) | 1u, Real>(a);
        return rx_lanes<Unit, Real, Q + 1>(rx_one<Unit>(a, partner, k), k);
    }
}

/// Two gates on the four registers a (00), b (01), c (10), d (11) (file comment).
template <bool Unit, class Real>
inline void rx_quad(rbatch<Real>& a, rbatch<Real>& b, rbatch<Real>& c, rbatch<Real>& d, const rx_consts<Real>& k) noexcept {
    // x' = c^2 x - s^2 y + (-i c s) t, with y the register at Hamming distance 2 and t the
    // swapped sum of the other two; in the unit form c = 1 and the product by k.m goes into
    // the FMA.
    rbatch<Real> t1 = swap_re_im(b + c), t2 = swap_re_im(a + d);
    if constexpr (!Unit) {
        t1 = k.m * t1;
        t2 = k.m * t2;
    }
    auto out = [&k](const rbatch<Real>& x, const rbatch<Real>& y, const rbatch<Real>& t) {
        if constexpr (Unit) return xsimd::fma(k.ss, y, xsimd::fma(k.m, t, x));
        else return xsimd::fma(k.cc, x, xsimd::fma(k.ss, y, t));
    };
    const rbatch<Real> a2 = out(a, d, t1), d2 = out(d, a, t1), b2 = out(b, c, t2), c2 = out(c, b, t2);
    a = a2;
    b = b2;
    c = c2;
    d = d2;
}

template <bool Unit, class Real>
inline void rx_pair(rbatch<Real>& a, rbatch<Real>& b, const rx_consts<Real>& k) noexcept {
    const rbatch<Real> a2 = rx_one<Unit>(a, swap_re_im(b), k);
    b = rx_one<Unit>(b, swap_re_im(a), k);
    a = a2;
}

using qcoach::detail::load;
using qcoach::detail::store;

/// The gates of Bits consecutive qubits on the 2^Bits registers v[j] whose bits of those qubits
/// are j: one pair (Bits = 1), one quad (2), or two quads and the four pairs between them (3).
template <unsigned Bits, bool Unit, class Real>
inline void rx_group(rbatch<Real>* v, const rx_consts<Real>& k) noexcept {
    static_assert(Bits >= 1 && Bits <= 3);
    if constexpr (Bits == 1) {
        rx_pair<Unit>(v[0], v[1], k);
    } else if constexpr (Bits == 2) {
        rx_quad<Unit>(v[0], v[1], v[2], v[3], k);
    } else {
        rx_quad<Unit>(v[0], v[1], v[2], v[3], k);
        rx_quad<Unit>(v[4], v[5], v[6], v[7], k);
        for (unsigned j = 0; j < 4; ++j) rx_pair<Unit>(v[j], v[j + 4], k);
    }
}

/// Gates on register qubits q .. q + Bits - 1 (q >= lane bits) over a buffer of 2^m amplitudes:
/// 2^Bits registers loaded and stored once per Bits gates.
template <unsigned Bits, bool Unit, class Real>
void rx_sweep(std::complex<Real>* buf, unsigned m, unsigned q, const rx_consts<Real> k) noexcept {
    constexpr index_t lanes = simd_lanes<Real>;
    constexpr unsigned G = 1u << Bits;
    const index_t len = index_t{1} << m, d = index_t{1} << q;
    for (index_t b0 = 0; b0 < len; b0 += G * d) {
        for (index_t i = b0; i < b0 + d; i += lanes) {
            rbatch<Real> v[G];
            for (unsigned j = 0; j < G; ++j) v[j] = load(buf + i + j * d);
            rx_group<Bits, Unit>(v, k);
            for (unsigned j = 0; j < G; ++j) store(buf + i + j * d, v[j]);
        }
    }
}

/// Lane qubits together with register qubits lane_bits, lane_bits + 1 in one sweep.
template <bool Unit, class Real>
void rx_sweep_lanes2(std::complex<Real>* buf, unsigned m, const rx_consts<Real> k) noexcept {
    constexpr index_t lanes = simd_lanes<Real>;
    const index_t len = index_t{1} << m;
    for (index_t i = 0; i < len; i += 4 * lanes) {
        rbatch<Real> a = rx_lanes<Unit>(load(buf + i), k), b = rx_lanes<Unit>(load(buf + i + lanes), k);
        rbatch<Real> c = rx_lanes<Unit>(load(buf + i + 2 * lanes), k), e = rx_lanes<Unit>(load(buf + i + 3 * lanes), k);
        rx_quad<Unit>(a, b, c, e, k);
        store(buf + i, a);
        store(buf + i + lanes, b);
        store(buf + i + 2 * lanes, c);
        store(buf + i + 3 * lanes, e);
    }
}

/// A register whose lane l carries value(z + l) on both its re and im element.
template <class Real>
inline rbatch<Real> energy_pairs(const energy_source<Real>& es, index_t z) noexcept {
#if XSIMD_WITH_AVX
    if constexpr (sizeof(rbatch<Real>) == 32) {
        // Widen the lanes' values to Real in a 128-bit register, then duplicate each one.
        if constexpr (std::is_same_v<Real, float>) {
            __m128 f;
            if (es.k8) {
                std::int32_t four;
                std::memcpy(&four, es.k8 + z, 4);
                f = _mm_cvtepi32_ps(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(four)));
            } else if (es.k16) {
                f = _mm_cvtepi32_ps(_mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(es.k16 + z))));
            } else {
                f = _mm_loadu_ps(es.e + z);
            }
            return _mm256_set_m128(_mm_unpackhi_ps(f, f), _mm_unpacklo_ps(f, f));
        } else {
            __m128d d;
            if (es.k8) d = _mm_set_pd(es.k8[z + 1], es.k8[z]);
            else if (es.k16) d = _mm_set_pd(es.k16[z + 1], es.k16[z]);
            else d = _mm_loadu_pd(es.e + z);
            return _mm256_set_m128d(_mm_unpackhi_pd(d, d), _mm_unpacklo_pd(d, d));
        }
    }
#endif
#if XSIMD_WITH_AVX512F
    if constexpr (sizeof(rbatch<Real>) == 64) {
        // The same with 512-bit registers (maskz forms: see permute_xor_512 in simd.hpp).
        if constexpr (std::is_same_v<Real, float>) {
            if (es.k8) {
                const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(es.k8 + z));
                return _mm512_maskz_cvtepi32_ps(__mmask16(0xFFFF), _mm512_maskz_cvtepu8_epi32(__mmask16(0xFFFF), _mm_unpacklo_epi8(x, x)));
            }
            if (es.k16) {
                const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(es.k16 + z));
                const __m256i d = _mm256_set_m128i(_mm_unpackhi_epi16(x, x), _mm_unpacklo_epi16(x, x));
                return _mm512_maskz_cvtepi32_ps(__mmask16(0xFFFF), _mm512_maskz_cvtepu16_epi32(__mmask16(0xFFFF), d));
            }
            const __m512i idx = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
            return _mm512_maskz_permutexvar_ps(__mmask16(0xFFFF), idx, _mm512_maskz_loadu_ps(__mmask16(0x00FF), es.e + z));
        } else {
            if (es.k8 || es.k16) {
                __m128i x;
                if (es.k8) {
                    std::int32_t four;
                    std::memcpy(&four, es.k8 + z, 4);
                    x = _mm_cvtepu8_epi32(_mm_cvtsi32_si128(four));
                } else {
                    x = _mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(es.k16 + z)));
                }
                const __m256i d = _mm256_set_m128i(_mm_unpackhi_epi32(x, x), _mm_unpacklo_epi32(x, x));
                return _mm512_maskz_cvtepi32_pd(__mmask8(0xFF), d);
            }
            const __m512i idx = _mm512_setr_epi64(0, 0, 1, 1, 2, 2, 3, 3);
            return _mm512_maskz_permutexvar_pd(__mmask8(0xFF), idx, _mm512_maskz_loadu_pd(__mmask8(0x0F), es.e + z));
        }
    }
#endif
    constexpr unsigned lanes = simd_lanes<Real>;
    alignas(64) Real tmp[2 * lanes];
    for (unsigned l = 0; l < lanes; ++l) tmp[2 * l] = tmp[2 * l + 1] = es.value(z + l);
    return rbatch<Real>::load_aligned(tmp);
}

/// Running sums of |psi|^2 and |psi|^2 E' over the registers a sweep stores (the energy of the
/// last pass, summed while the values are still in registers).
/// Four pairs of accumulators (slot 0..3, one per register of a sweep's quad), so that the sums
/// of one iteration do not wait on each other's latency; total() adds them in a fixed order.
template <class Real>
struct store_sums {
    const energy_source<Real>* es = nullptr;
    rbatch<Real> n2[4] = {rbatch<Real>(Real(0)), rbatch<Real>(Real(0)), rbatch<Real>(Real(0)), rbatch<Real>(Real(0))};
    rbatch<Real> w[4] = {rbatch<Real>(Real(0)), rbatch<Real>(Real(0)), rbatch<Real>(Real(0)), rbatch<Real>(Real(0))};
    void add(unsigned slot, const rbatch<Real>& v, index_t z) noexcept {
        const rbatch<Real> p = v * v;
        n2[slot] += p;
        w[slot] = xsimd::fma(p, energy_pairs(*es, z), w[slot]);
    }
    /// {norm^2, sum p E'} of everything added.
    std::pair<double, double> total() const noexcept {
        return {static_cast<double>(xsimd::hadd((n2[0] + n2[1]) + (n2[2] + n2[3]))),
                static_cast<double>(xsimd::hadd((w[0] + w[1]) + (w[2] + w[3])))};
    }
};

/// Row form of the register sweeps, for the high pass: element (r, i) of the input is
/// in[r * in_stride + i], of the output out[r * out_stride + i] (in == out for a buffer, the
/// state's rows 2^L apart for the first and last sweep of a tile), W amplitudes per row, `rows`
/// rows. Two gates on row bits h, h + 1. With `next` (> 0) the W amplitudes that follow each
/// input row segment are prefetched (the next tile's part of that row).
template <bool Unit, class Real>
void rx_rows2(const std::complex<Real>* in, index_t in_stride, std::complex<Real>* out, index_t out_stride, index_t rows,
              index_t W, unsigned h, const rx_consts<Real> k, index_t next, store_sums<Real>* sums, index_t z0) noexcept {
    constexpr index_t lanes = simd_lanes<Real>;
    constexpr index_t line = 64 / sizeof(std::complex<Real>);
    const index_t d = index_t{1} << h;
    for (index_t r0 = 0; r0 < rows; r0 += 4 * d) {
        for (index_t r = r0; r < r0 + d; ++r) {
            const std::complex<Real>* ia = in + r * in_stride;
            const std::complex<Real>* ib = ia + d * in_stride;
            const std::complex<Real>* ic = ib + d * in_stride;
            const std::complex<Real>* id = ic + d * in_stride;
            std::complex<Real>* oa = out + r * out_stride;
            std::complex<Real>* ob = oa + d * out_stride;
            std::complex<Real>* oc = ob + d * out_stride;
            std::complex<Real>* od = oc + d * out_stride;
            if (next) {
                for (index_t o = 0; o < next; o += line) {
                    __builtin_prefetch(ia + W + o, 0, 3);
                    __builtin_prefetch(ib + W + o, 0, 3);
                    __builtin_prefetch(ic + W + o, 0, 3);
                    __builtin_prefetch(id + W + o, 0, 3);
                }
            }
            for (index_t i = 0; i < W; i += lanes) {
                rbatch<Real> a = load(ia + i), b = load(ib + i), c = load(ic + i), e = load(id + i);
                rx_quad<Unit>(a, b, c, e, k);
                store(oa + i, a);
                store(ob + i, b);
                store(oc + i, c);
                store(od + i, e);
                if (sums) {
                    const index_t z = z0 + r * out_stride + i;
                    sums->add(0, a, z);
                    sums->add(1, b, z + d * out_stride);
                    sums->add(2, c, z + 2 * d * out_stride);
                    sums->add(3, e, z + 3 * d * out_stride);
                }
            }
        }
    }
}

/// Three gates on row bits h, h + 1, h + 2, in row form (see rx_rows2), on eight rows' registers.
/// rx_rows2 and rx_rows1 keep their own loops with one pointer per row: a template over the
/// group size kept more pointers live and made the double tile pass 5-12% slower.
template <bool Unit, class Real>
void rx_rows3(const std::complex<Real>* in, index_t in_stride, std::complex<Real>* out, index_t out_stride, index_t rows,
              index_t W, unsigned h, const rx_consts<Real> k, index_t next, store_sums<Real>* sums, index_t z0) noexcept {
    constexpr index_t lanes = simd_lanes<Real>;
    constexpr index_t line = 64 / sizeof(std::complex<Real>);
    const index_t d = index_t{1} << h;
    for (index_t r0 = 0; r0 < rows; r0 += 8 * d) {
        for (index_t r = r0; r < r0 + d; ++r) {
            const std::complex<Real>* ip[8];
            std::complex<Real>* op[8];
            for (unsigned j = 0; j < 8; ++j) {
                ip[j] = in + (r + j * d) * in_stride;
                op[j] = out + (r + j * d) * out_stride;
            }
            if (next) {
                for (index_t o = 0; o < next; o += line)
                    for (unsigned j = 0; j < 8; ++j) __builtin_prefetch(ip[j] + W + o, 0, 3);
            }
            for (index_t i = 0; i < W; i += lanes) {
                rbatch<Real> v[8];
                for (unsigned j = 0; j < 8; ++j) v[j] = load(ip[j] + i);
                rx_group<3, Unit>(v, k);
                for (unsigned j = 0; j < 8; ++j) store(op[j] + i, v[j]);
                if (sums) {
                    for (unsigned j = 0; j < 8; ++j) sums->add(j % 4, v[j], z0 + (r + j * d) * out_stride + i);
                }
            }
        }
    }
}

/// One gate on row bit h, in row form (see rx_rows2).
template <bool Unit, class Real>
void rx_rows1(const std::complex<Real>* in, index_t in_stride, std::complex<Real>* out, index_t out_stride, index_t rows,
              index_t W, unsigned h, const rx_consts<Real> k, index_t next, store_sums<Real>* sums, index_t z0) noexcept {
    constexpr index_t lanes = simd_lanes<Real>;
    constexpr index_t line = 64 / sizeof(std::complex<Real>);
    const index_t d = index_t{1} << h;
    for (index_t r0 = 0; r0 < rows; r0 += 2 * d) {
        for (index_t r = r0; r < r0 + d; ++r) {
            const std::complex<Real>* ia = in + r * in_stride;
            const std::complex<Real>* ib = ia + d * in_stride;
            std::complex<Real>* oa = out + r * out_stride;
            std::complex<Real>* ob = oa + d * out_stride;
            if (next) {
                for (index_t o = 0; o < next; o += line) {
                    __builtin_prefetch(ia + W + o, 0, 3);
                    __builtin_prefetch(ib + W + o, 0, 3);
                }
            }
            for (index_t i = 0; i < W; i += lanes) {
                rbatch<Real> a = load(ia + i), b = load(ib + i);
                rx_pair<Unit>(a, b, k);
                store(oa + i, a);
                store(ob + i, b);
                if (sums) {
                    const index_t z = z0 + r * out_stride + i;
                    sums->add(0, a, z);
                    sums->add(1, b, z + d * out_stride);
                }
            }
        }
    }
}

template <class Real>
void phase_range(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, index_t len,
                 const phase_source<Real>& ph, bool simd) noexcept;

/// Row stride of a tile buffer with rows of W amplitudes: W plus one cache line, so that rows
/// 2^k lines apart do not all fall into the same L1 set.
template <class Real>
constexpr index_t tile_stride(index_t W) noexcept {
    return W + 64 / sizeof(std::complex<Real>);
}

/// The RX of all H row bits of a tile: the first sweep reads the state rows (src, stride
/// `row`), the middle ones work in `buf` (2^H rows of stride tile_stride(W)), the last writes
/// the state rows (dst). Needs W >= lanes. With `sums`, the last sweep adds what it stores (z0:
/// index of the tile's first amplitude in the state). With `ph`, the tile then takes the phase
/// (in the buffer) and the rotations (c2, s2) of the next layer before the last sweep writes it;
/// with `mid` too, the rows before the phase are copied to mid (stride `row`).
template <class Real>
void rx_tile(const std::complex<Real>* src, std::complex<Real>* dst, index_t row, std::complex<Real>* buf, index_t W,
             unsigned H, Real cv, Real sv, bool prefetch_next, store_sums<Real>* sums = nullptr, index_t z0 = 0,
             const phase_source<Real>* ph = nullptr, Real c2 = 1, Real s2 = 0, std::complex<Real>* mid = nullptr) noexcept {
    const rx_consts<Real> k1(cv, sv);
    const rx_consts<Real> k2(c2, s2);
    const index_t rows = index_t{1} << H, bs = tile_stride<Real>(W);
    // Row bits per sweep: at most two in the sweeps that read or write the state's rows (four
    // row streams); inside the buffer three in float (eight rows; MaxCut n = 24, p = 5: 61-62 ->
    // 58 ms on half states, 116-127 -> 114-118 ms on full ones) and two in double (three were
    // 4% slower on full states, even with the padded stride).
    constexpr unsigned inner = sizeof(Real) == 4 ? 3u : 2u;
    auto plan = [H, inner](unsigned* out, bool reads_state, bool writes_state) {
        unsigned count = 0, h = 0;
        auto push = [&](unsigned width) {
            out[count++] = width;
            h += width;
        };
        if (reads_state) push(std::min(2u, H));
        const unsigned tail = writes_state ? std::min(2u, H - h) : 0;
        while (h + tail < H) push(std::min(inner, H - tail - h));
        if (tail > 0) push(tail);
        return count;
    };
    unsigned wa[64], wb[64];
    const unsigned na = plan(wa, true, ph == nullptr), nb = ph ? plan(wb, false, true) : 0;
    const unsigned sweeps = na + nb;
    unsigned h = 0;
    for (unsigned sw = 0; sw < sweeps; ++sw) {
        const bool first = sw == 0, last = sw + 1 == sweeps;
        const bool second = sw >= na;
        if (sw == na) {
            h = 0;
            for (index_t r = 0; r < rows; ++r) {
                if (mid) std::memcpy(static_cast<void*>(mid + r * row), buf + r * bs, W * sizeof(std::complex<Real>));
                phase_range(buf + r * bs, buf + r * bs, Real(0), z0 + r * row, W, *ph, true);
            }
        }
        const unsigned width = second ? wb[sw - na] : wa[sw];
        const rx_consts<Real>& k = second ? k2 : k1;
        const std::complex<Real>* in = first ? src : buf;
        const index_t in_stride = first ? row : bs;
        std::complex<Real>* out = last ? dst : buf;
        const index_t out_stride = last ? row : bs;
        const index_t next = first && prefetch_next ? W : 0;
        store_sums<Real>* ss = last ? sums : nullptr;
        // With sums, z0 + r * out_stride + i must be the state index: the last sweep writes the
        // state's rows (out_stride == row).
        auto sweep = [&]<bool Unit>() {
            if (width == 3) rx_rows3<Unit>(in, in_stride, out, out_stride, rows, W, h, k, next, ss, z0);
            else if (width == 2) rx_rows2<Unit>(in, in_stride, out, out_stride, rows, W, h, k, next, ss, z0);
            else rx_rows1<Unit>(in, in_stride, out, out_stride, rows, W, h, k, next, ss, z0);
        };
        if (k.unit) sweep.template operator()<true>();
        else sweep.template operator()<false>();
        h += width;
    }
}

/// e^{-i beta X_q} for buffer qubits q in [q0, q1) (SIMD). Needs simd_fits(m); q0 is either 0
/// (then q1 >= lane bits + 2) or at least the lane bits.
template <bool Unit, class Real>
void rx_simd_form(std::complex<Real>* buf, unsigned m, unsigned q0, unsigned q1, const rx_consts<Real>& k) noexcept {
    constexpr unsigned lb = simd_low_qubits<Real>;
    unsigned q = q0;
    if (q == 0) {
        rx_sweep_lanes2<Unit>(buf, m, k);
        q = lb + 2;
    }
    // Three qubits per sweep, then two or one. One thread, unit form, cycles per
    // amplitude and gate: qubits 10-15 of a 2^16 buffer 0.44 -> 0.37 (double), 0.24 -> 0.19
    // (float) against two per sweep; all qubits of an L1 block 0.44 -> 0.42 (double). The tile
    // passes choose their own widths (rx_tile).
    for (; q + 2 < q1; q += 3) rx_sweep<3, Unit>(buf, m, q, k);
    if (q + 1 < q1) rx_sweep<2, Unit>(buf, m, q, k);
    else if (q < q1) rx_sweep<1, Unit>(buf, m, q, k);
}

template <class Real>
void rx_simd(std::complex<Real>* buf, unsigned m, unsigned q0, unsigned q1, const rx_consts<Real>& k) noexcept {
    if (k.unit) rx_simd_form<true>(buf, m, q0, q1, k);
    else rx_simd_form<false>(buf, m, q0, q1, k);
}

/// Interleaved phase register -> split form (simd.hpp) and product with v.
template <unsigned Odd>
struct dup_index {
    static constexpr unsigned get(unsigned i, unsigned) { return (i & ~1u) | Odd; }
};

template <class Real>
inline rbatch<Real> mul_interleaved(const rbatch<Real>& ph, const rbatch<Real>& v, const rbatch<Real>& sign) noexcept {
#if XSIMD_WITH_AVX
    if constexpr (sizeof(rbatch<Real>) == 32) { // in-lane duplicates instead of index permutes
        if constexpr (std::is_same_v<Real, float>) {
            return xsimd::fma(rbatch<Real>(_mm256_moveldup_ps(ph)), v, (rbatch<Real>(_mm256_movehdup_ps(ph)) * sign) * swap_re_im(v));
        } else {
            return xsimd::fma(rbatch<Real>(_mm256_movedup_pd(ph)), v, (rbatch<Real>(_mm256_permute_pd(ph, 0xF)) * sign) * swap_re_im(v));
        }
    }
#endif
#if XSIMD_WITH_AVX512F
    if constexpr (sizeof(rbatch<Real>) == 64) {
        if constexpr (std::is_same_v<Real, float>) {
            return xsimd::fma(rbatch<Real>(_mm512_maskz_moveldup_ps(__mmask16(0xFFFF), ph)), v,
                              (rbatch<Real>(_mm512_maskz_movehdup_ps(__mmask16(0xFFFF), ph)) * sign) * swap_re_im(v));
        } else {
            return xsimd::fma(rbatch<Real>(_mm512_maskz_movedup_pd(__mmask8(0xFF), ph)), v,
                              (rbatch<Real>(_mm512_maskz_permute_pd(__mmask8(0xFF), ph, 0xFF)) * sign) * swap_re_im(v));
        }
    }
#endif
    using index_type = std::conditional_t<sizeof(Real) == 8, std::uint64_t, std::uint32_t>;
    using arch = qcoach::detail::simd_arch;
    const rbatch<Real> re = xsimd::swizzle(ph, xsimd::make_batch_constant<xsimd::batch<index_type, arch>, dup_index<0>>());
    const rbatch<Real> im = xsimd::swizzle(ph, xsimd::make_batch_constant<xsimd::batch<index_type, arch>, dup_index<1>>());
    return xsimd::fma(re, v, (im * sign) * swap_re_im(v));
}

/// The table entries of `lanes` consecutive levels as one register: 128-bit loads and inserts on
/// AVX (a store of the entries to memory and a vector load would stall on store forwarding).
template <class Real, class K>
inline rbatch<Real> gather_phase(const std::complex<Real>* tab, const K* k) noexcept {
#if XSIMD_WITH_AVX
    if constexpr (sizeof(rbatch<Real>) == 32) {
        if constexpr (std::is_same_v<Real, double>) {
            const __m128d lo = _mm_load_pd(reinterpret_cast<const double*>(tab + k[0]));
            const __m128d hi = _mm_load_pd(reinterpret_cast<const double*>(tab + k[1]));
            return _mm256_insertf128_pd(_mm256_castpd128_pd256(lo), hi, 1);
        } else {
            const auto* t = reinterpret_cast<const double*>(tab); // one complex<float> = 8 bytes
            const __m128d lo = _mm_loadh_pd(_mm_load_sd(t + k[0]), t + k[1]);
            const __m128d hi = _mm_loadh_pd(_mm_load_sd(t + k[2]), t + k[3]);
            return _mm256_castpd_ps(_mm256_insertf128_pd(_mm256_castpd128_pd256(lo), hi, 1));
        }
    }
#endif
#if XSIMD_WITH_AVX512F
    if constexpr (sizeof(rbatch<Real>) == 64) {
        // One gather of eight 64-bit words: a float entry each, or the halves of a double entry.
        const auto* t = reinterpret_cast<const double*>(tab);
        __m256i idx;
        if constexpr (std::is_same_v<Real, float>) {
            idx = _mm256_setr_epi32(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]);
        } else {
            idx = _mm256_setr_epi32(2 * k[0], 2 * k[0] + 1, 2 * k[1], 2 * k[1] + 1, 2 * k[2], 2 * k[2] + 1, 2 * k[3], 2 * k[3] + 1);
        }
        const __m512d g = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), __mmask8(0xFF), idx, t, 8);
        if constexpr (std::is_same_v<Real, float>) return _mm512_castpd_ps(g);
        else return g;
    }
#endif
    constexpr unsigned lanes = simd_lanes<Real>;
    alignas(64) std::complex<Real> tmp[lanes];
    for (unsigned l = 0; l < lanes; ++l) tmp[l] = tab[k[l]];
    return load(tmp);
}

/// dst[i] = e^{-i gamma E(z0 + i)} (src ? src[i] : amp0) for i < len (len a multiple of 2
/// registers). dst may equal src.
template <class Real>
void phase_simd(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, index_t len,
                const phase_source<Real>& ph) noexcept {
    constexpr unsigned lanes = simd_lanes<Real>;
    constexpr unsigned width = simd_width<Real>;
    const rbatch<Real> sign = alternating<Real>(Real(-1), Real(1));
    const rbatch<Real> uni = alternating<Real>(amp0, Real(0)); // amp0 + 0i in every lane
    auto input = [&](index_t i) { return src ? load(src + i) : uni; };
    if (ph.src.k8 || ph.src.k16) {
        for (index_t i = 0; i < len; i += lanes) {
            const rbatch<Real> f = ph.src.k8 ? gather_phase(ph.tab, ph.src.k8 + z0 + i) : gather_phase(ph.tab, ph.src.k16 + z0 + i);
            store(dst + i, src ? mul_interleaved(f, load(src + i), sign) : mul_interleaved(f, uni, sign));
        }
        return;
    }
    // Energies: width energies cover two registers; sin and cos once per energy.
    const rbatch<Real> minus_gamma(static_cast<Real>(-ph.gamma));
    const rbatch<Real> scale(static_cast<Real>(ph.scale));
    for (index_t i = 0; i < len; i += width) {
        const rbatch<Real> phi = minus_gamma * rbatch<Real>::load_unaligned(ph.src.e + z0 + i);
        auto sc = xsimd::sincos(phi);
        sc.first *= scale;
        sc.second *= scale;
        using qcoach::detail::spread;
        store(dst + i, qcoach::detail::cmul(spread<0, Real>(sc.second), spread<0, Real>(sc.first) * sign, input(i)));
        store(dst + i + lanes,
              qcoach::detail::cmul(spread<lanes, Real>(sc.second), spread<lanes, Real>(sc.first) * sign, input(i + lanes)));
    }
}

/// Phase (integer levels) and the RX of buffer qubits [0, m) of a 2^m block, the phase applied
/// as the first sweep loads its registers: one load and store fewer per amplitude than a phase
/// pass followed by the RX sweeps. Needs simd_fits(m).
template <bool Unit, class Real, class K>
void phase_rx_levels_form(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, unsigned m,
                          const K* keys, const std::complex<Real>* tab, const rx_consts<Real>& k) noexcept {
    constexpr index_t lanes = simd_lanes<Real>;
    constexpr unsigned lb = simd_low_qubits<Real>;
    const rbatch<Real> sign = alternating<Real>(Real(-1), Real(1));
    const rbatch<Real> uni = alternating<Real>(amp0, Real(0));
    const index_t len = index_t{1} << m;
    for (index_t i = 0; i < len; i += 4 * lanes) {
        rbatch<Real> v[4];
        for (unsigned j = 0; j < 4; ++j) {
            const index_t o = i + j * lanes;
            const rbatch<Real> f = gather_phase(tab, keys + z0 + o);
            v[j] = rx_lanes<Unit>(mul_interleaved(f, src ? load(src + o) : uni, sign), k);
        }
        rx_quad<Unit>(v[0], v[1], v[2], v[3], k);
        for (unsigned j = 0; j < 4; ++j) store(dst + i + j * lanes, v[j]);
    }
    rx_simd_form<Unit>(dst, m, lb + 2, m, k);
}

template <class Real, class K>
void phase_rx_levels(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, unsigned m, const K* keys,
                     const std::complex<Real>* tab, Real cv, Real sv) noexcept {
    const rx_consts<Real> k(cv, sv);
    if (k.unit) phase_rx_levels_form<true>(dst, src, amp0, z0, m, keys, tab, k);
    else phase_rx_levels_form<false>(dst, src, amp0, z0, m, keys, tab, k);
}

#endif // QCOACH_HAS_SIMD

/// Dispatch: RX on buffer qubits [q0, q1) of a 2^m buffer.
template <class Real>
void rx_range(std::complex<Real>* buf, unsigned m, unsigned q0, unsigned q1, Real c, Real s, bool simd) noexcept {
    if (q0 >= q1) return;
#if QCOACH_HAS_SIMD
    constexpr unsigned lb = simd_low_qubits<Real>;
    if (simd && simd_fits<Real>(m) && (q0 >= lb || (q0 == 0 && q1 >= lb + 2))) {
        rx_simd(buf, m, q0, q1, rx_consts<Real>(c, s));
        return;
    }
#endif
    (void)simd;
    rx_scalar(buf, m, q0, q1, c, s);
}

/// The top qubit's rotation on a flip-symmetric state kept as its lower half h (M amplitudes;
/// the upper half is h reversed, see qaoa_passes.hpp): h'[z] = c h[z] + (-i s) h[M - 1 - z].
/// `a` is a chunk of len amplitudes and `b` its mirror chunk, whose element len - 1 - k pairs
/// with a[k]; a == b is a chunk that mirrors itself (k pairs with len - 1 - k inside it).
template <class Real>
void flip_rx(std::complex<Real>* a, std::complex<Real>* b, index_t len, Real c, Real s, bool simd) noexcept {
    const index_t count = a == b ? len / 2 : len;
#if QCOACH_HAS_SIMD
    constexpr index_t lanes = simd_lanes<Real>;
    if (simd && count % lanes == 0 && count > 0) {
        // Lane l of a register at offset o pairs with lane lanes - 1 - l of the register at
        // len - lanes - o: one permute reverses the lanes and swaps re and im.
        constexpr unsigned rev_swap = (2 * (lanes - 1)) | 1u;
        const rx_consts<Real> k(c, s);
        auto sweep = [&]<bool Unit>() {
            for (index_t o = 0; o < count; o += lanes) {
                const index_t ob = len - lanes - o;
                const rbatch<Real> x = load(a + o), y = load(b + ob);
                store(a + o, rx_one<Unit>(x, permute_xor<rev_swap, Real>(y), k));
                store(b + ob, rx_one<Unit>(y, permute_xor<rev_swap, Real>(x), k));
            }
        };
        if (k.unit) sweep.template operator()<true>();
        else sweep.template operator()<false>();
        return;
    }
#endif
    (void)simd;
    for (index_t i = 0; i < count; ++i) {
        const std::complex<Real> x = a[i], y = b[len - 1 - i];
        // (-i s) v = s (v_im, -v_re)
        a[i] = {c * x.real() + s * y.imag(), c * x.imag() - s * y.real()};
        b[len - 1 - i] = {c * y.real() + s * x.imag(), c * y.imag() - s * x.real()};
    }
}

template <class Real>
void phase_range(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, index_t len,
                 const phase_source<Real>& ph, bool simd) noexcept {
#if QCOACH_HAS_SIMD
    if (simd && len % (2 * simd_lanes<Real>) == 0) {
        phase_simd(dst, src, amp0, z0, len, ph);
        return;
    }
#endif
    (void)simd;
    phase_scalar(dst, src, amp0, z0, len, ph);
}

/// Phase then RX of buffer qubits [0, m) on a 2^m block (dst may equal src; src == nullptr is
/// the uniform amplitude amp0): fused for integer levels on the SIMD path.
template <class Real>
void phase_rx_block(std::complex<Real>* dst, const std::complex<Real>* src, Real amp0, index_t z0, unsigned m,
                    const phase_source<Real>& ph, Real c, Real s, bool simd) noexcept {
#if QCOACH_HAS_SIMD
    if (simd && simd_fits<Real>(m) && ph.src.levels()) {
        if (ph.src.k8) phase_rx_levels(dst, src, amp0, z0, m, ph.src.k8, ph.tab, c, s);
        else phase_rx_levels(dst, src, amp0, z0, m, ph.src.k16, ph.tab, c, s);
        return;
    }
#endif
    phase_range(dst, src, amp0, z0, index_t{1} << m, ph, simd);
    rx_range(dst, m, 0, m, c, s, simd);
}

/// sum over i < len of |buf[i]|^2 and |buf[i]|^2 E'(z(i)), where z(i) = z0 + i and E' is the
/// source's value (relative to `base` for levels). Returned as {norm^2, weighted}. Partial sums
/// run in the working precision over at most 256 amplitudes, then in double.
template <class Real>
std::pair<double, double> energy_sums(const std::complex<Real>* buf, index_t z0, index_t len, const energy_source<Real>& es,
                                      bool simd = true) noexcept {
    double n2 = 0.0, w = 0.0;
#if QCOACH_HAS_SIMD
    constexpr index_t lanes = simd_lanes<Real>;
    if (simd && len % lanes == 0) {
        for (index_t b = 0; b < len; b += 256) {
            rbatch<Real> bn(Real(0)), bw(Real(0));
            for (index_t i = b, e = std::min(len, b + 256); i < e; i += lanes) {
                const rbatch<Real> v = load(buf + i);
                const rbatch<Real> p = v * v;
                bn += p;
                bw = xsimd::fma(p, energy_pairs(es, z0 + i), bw);
            }
            n2 += static_cast<double>(xsimd::hadd(bn));
            w += static_cast<double>(xsimd::hadd(bw));
        }
        return {n2, w};
    }
#endif
    (void)simd;
    for (index_t b = 0; b < len; b += 64) {
        Real bn = 0, bw = 0;
        const index_t e = std::min(len, b + 64);
        for (index_t i = b; i < e; ++i) {
            const Real p = buf[i].real() * buf[i].real() + buf[i].imag() * buf[i].imag();
            bn += p;
            bw += p * es.value(z0 + i);
        }
        n2 += static_cast<double>(bn);
        w += static_cast<double>(bw);
    }
    return {n2, w};
}

} // namespace qcoach::variational::detail
