#pragma once
/// @file
/// @brief xsimd helpers shared by the statevector kernels.
///
/// Amplitudes are stored interleaved (re, im, re, im, ...), exactly as std::complex arrays are.
/// A batch of W reals therefore holds C = W / 2 complex "lanes"; lane l of a batch loaded at
/// amplitude index i is amplitude i + l. Qubits q < log2(C) select a lane inside one register
/// ("low" qubits); qubits q >= log2(C) select between registers ("high" qubits).
///
/// Complex products use the split form: for a complex factor c = cr + i ci and interleaved v,
///   c * v = cr * v + (ci * [-1, +1, -1, +1, ...]) * swap_re_im(v),
/// so a factor is kept as two batches: `re` = [cr, cr, ...] and `im` = [-ci, ci, ...]. Different
/// lanes may carry different factors, which is how gates on low qubits are applied.

#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

// The kernels use the xsimd 8 API (make_batch_constant generators, in-lane zip_lo/zip_hi).
static_assert(XSIMD_VERSION_MAJOR == 8, "qcoach needs xsimd 8.x (Debian 12: libxsimd-dev 8.1)");

#include "qcoach/core/types.hpp"

namespace qcoach::detail {

#if XSIMD_WITH_SSE2
#define QCOACH_HAS_SIMD 1
/// The instruction set the kernels are compiled for: the best one the compiler flags allow
/// (SSE2 on plain x86-64, AVX2+FMA or AVX-512 with -march=native on machines that have them).
using simd_arch = xsimd::default_arch;
#else
#define QCOACH_HAS_SIMD 0
#endif

#if QCOACH_HAS_SIMD

template <class Real>
using rbatch = xsimd::batch<Real, simd_arch>;

/// Reals per register.
template <class Real>
inline constexpr unsigned simd_width = static_cast<unsigned>(rbatch<Real>::size);
/// Complex amplitudes per register.
template <class Real>
inline constexpr unsigned simd_lanes = simd_width<Real> / 2;
/// log2 of the complex lanes: qubits below this index live inside one register.
template <class Real>
inline constexpr unsigned simd_low_qubits = simd_lanes<Real> == 1 ? 0 : simd_lanes<Real> == 2 ? 1 : simd_lanes<Real> == 4 ? 2 : 3;

template <unsigned X>
struct xor_index {
    static constexpr unsigned get(unsigned i, unsigned) { return i ^ X; }
};

#if XSIMD_WITH_AVX512F
/// The 8-bit immediate that sends each of four 2-bit fields i to i ^ x (vpermilps, vshuff32x4).
constexpr int xor_imm4(unsigned x) noexcept {
    return static_cast<int>((0u ^ x) | ((1u ^ x) << 2) | ((2u ^ x) << 4) | ((3u ^ x) << 6));
}

/// permute_xor on a 512-bit register with immediates: the bits of X inside a 128-bit block as an
/// in-lane permute, the bits above as a shuffle of 128-bit blocks (the generic swizzle loads an
/// index register and uses the full-width permute). The maskz forms with a full mask compile to
/// the plain instructions; GCC 12.2's plain intrinsics draw a false -Wuninitialized.
template <unsigned X, class Real>
inline rbatch<Real> permute_xor_512(const rbatch<Real>& v) noexcept {
    // The immediates are constexpr variables: without optimization the intrinsics are macros
    // that need a constant expression there.
    if constexpr (std::is_same_v<Real, float>) {
        constexpr int in = xor_imm4(X & 3u), block = xor_imm4(X >> 2);
        __m512 r = v;
        if constexpr ((X & 3u) != 0) r = _mm512_maskz_permute_ps(__mmask16(0xFFFF), r, in);
        if constexpr ((X >> 2) != 0) r = _mm512_maskz_shuffle_f32x4(__mmask16(0xFFFF), r, r, block);
        return r;
    } else {
        constexpr int block = xor_imm4(X >> 1);
        __m512d r = v;
        if constexpr ((X & 1u) != 0) r = _mm512_maskz_permute_pd(__mmask8(0xFF), r, 0x55);
        if constexpr ((X >> 1) != 0) r = _mm512_maskz_shuffle_f64x2(__mmask8(0xFF), r, r, block);
        return r;
    }
}
#endif

/// Permute the reals of a batch: element i of the result is element i ^ X of v.
/// X = 1 swaps re and im; X = 2m moves complex lane l to lane l ^ m.
template <unsigned X, class Real>
inline rbatch<Real> permute_xor(const rbatch<Real>& v) noexcept {
    if constexpr (X == 0) {
        return v;
    }
#if XSIMD_WITH_AVX512F
    else if constexpr (sizeof(rbatch<Real>) == 64) {
        return permute_xor_512<X, Real>(v);
    }
#endif
    else {
        using index_type = std::conditional_t<sizeof(Real) == 8, std::uint64_t, std::uint32_t>;
        return xsimd::swizzle(v, xsimd::make_batch_constant<xsimd::batch<index_type, simd_arch>, xor_index<X>>());
    }
}

/// Lane l of the result duplicates real element (Offset + l / 2) of v: spreads C reals over the
/// C complex lanes of a register (an energy per amplitude, say).
template <unsigned Offset>
struct spread_index {
    static constexpr unsigned get(unsigned i, unsigned) { return Offset + i / 2; }
};

template <unsigned Offset, class Real>
inline rbatch<Real> spread(const rbatch<Real>& v) noexcept {
    using index_type = std::conditional_t<sizeof(Real) == 8, std::uint64_t, std::uint32_t>;
    return xsimd::swizzle(v, xsimd::make_batch_constant<xsimd::batch<index_type, simd_arch>, spread_index<Offset>>());
}

template <class Real>
inline rbatch<Real> load(const complex<Real>* p) noexcept {
    return rbatch<Real>::load_aligned(reinterpret_cast<const Real*>(p));
}

template <class Real>
inline void store(complex<Real>* p, const rbatch<Real>& v) noexcept {
    v.store_aligned(reinterpret_cast<Real*>(p));
}

/// c * v for a per-lane complex factor given in split form (see the file comment).
template <class Real>
inline rbatch<Real> cmul(const rbatch<Real>& re, const rbatch<Real>& im, const rbatch<Real>& v) noexcept {
    return xsimd::fma(re, v, im * permute_xor<1, Real>(v));
}

/// Alternating sign pattern [s0, s1, s0, s1, ...] as a batch.
template <class Real>
inline rbatch<Real> alternating(Real even, Real odd) noexcept {
    alignas(64) Real tmp[simd_width<Real>];
    for (unsigned i = 0; i < simd_width<Real>; ++i) tmp[i] = (i & 1) ? odd : even;
    return rbatch<Real>::load_aligned(tmp);
}

#endif // QCOACH_HAS_SIMD

/// Constexpr bit deposit: scatter the low bits of v to the set bits of mask (like BMI2 pdep).
constexpr unsigned deposit_bits(unsigned v, unsigned mask) noexcept {
    unsigned out = 0;
    for (unsigned bit = 1; mask != 0; bit <<= 1) {
        const unsigned lowest = mask & (~mask + 1);
        if (v & bit) out |= lowest;
        mask &= mask - 1;
    }
    return out;
}

} // namespace qcoach::detail
