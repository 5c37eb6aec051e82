#pragma once
/// @file
/// @brief A product of diagonal gates applied in one pass over a cache-resident state, from
/// two small factor tables.
///
/// A run of diagonal gates (phases left over from one-qubit gates, CZ, CP, RZZ, diagonal
/// blocks) multiplies amplitude i by one factor f(i). A table of f over a 2^14-amplitude
/// sub-state would be as large as the sub-state itself, so f is split at bit `a`:
///     f(i) = lo[(i mod 2^a) + 2^a * gather(i >> a, cross)] * hi[i >> a],
/// where `lo` holds every gate on qubits below a, together with the gates that straddle the
/// split (their qubits above a are the few `cross` bits that select one of 2^c copies of the
/// low table), and `hi` every gate entirely above a. Both tables are a few KiB; a row of 2^a
/// amplitudes shares one `hi` factor. Cost: two complex products per amplitude, whatever the
/// number of gates; one when every gate sits on one side of the split (the split is chosen so
/// where it can), none on rows whose factor is 1 when the low table is all ones.

#include <algorithm>
#include <array>
#include <complex>
#include <span>
#include <tuple>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/bits.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/detail/simd.hpp"

namespace qcoach::detail {

/// Factor tables of a diagonal product on an n-qubit (sub-)state (see the file comment).
struct phase_tables {
    unsigned split = 0;                    ///< a
    small_vector<qubit_t, 8> cross;        ///< qubits >= a whose bits select a copy of `lo`
    std::vector<std::complex<double>> lo;  ///< 2^(a + cross.size()) entries
    std::vector<std::complex<double>> hi;  ///< 2^(n - a) entries
    std::vector<std::uint8_t> hi_trivial;  ///< 1 where hi[h] == 1 exactly
    bool lo_trivial = false;               ///< every lo entry is 1 exactly
};

/// The tables in the precision of the state, low factors in the split form of simd.hpp.
template <class Real>
struct phase_tables_real {
    unsigned split = 0;
    small_vector<qubit_t, 8> cross;
    aligned_vector<Real> lo_re, lo_im;     ///< split form, one register's worth per register
    std::vector<std::complex<Real>> lo;    ///< plain, for the scalar path
    std::vector<std::complex<Real>> hi;
    std::vector<std::uint8_t> hi_trivial;
    bool lo_trivial = false;

    explicit phase_tables_real(const phase_tables& t)
        : split(t.split), cross(t.cross), hi_trivial(t.hi_trivial), lo_trivial(t.lo_trivial) {
        lo.reserve(t.lo.size());
        for (const auto& z : t.lo) lo.emplace_back(static_cast<Real>(z.real()), static_cast<Real>(z.imag()));
        hi.reserve(t.hi.size());
        for (const auto& z : t.hi) hi.emplace_back(static_cast<Real>(z.real()), static_cast<Real>(z.imag()));
        lo_re.resize(2 * lo.size());
        lo_im.resize(2 * lo.size());
        for (std::size_t i = 0; i < lo.size(); ++i) {
            lo_re[2 * i] = lo_re[2 * i + 1] = lo[i].real();
            lo_im[2 * i] = -lo[i].imag();
            lo_im[2 * i + 1] = lo[i].imag();
        }
    }
};

#if QCOACH_HAS_SIMD
/// One complex factor z broadcast in the split form of simd.hpp (im carries the alternating
/// signs `alt` = [-1, 1, ...]), for cmul.
template <class Real>
struct split_factor {
    rbatch<Real> re, im;
    split_factor() = default;
    split_factor(std::complex<Real> z, const rbatch<Real>& alt) : re(z.real()), im(rbatch<Real>(z.imag()) * alt) {}
};
#endif

/// psi[i] *= f(i) for the amplitudes i in [begin, end) (multiples of 2^split or inside one row);
/// `psi` points at amplitude 0 of the (sub-)state; serial.
template <class Real>
void phase_tables_apply(std::complex<Real>* psi, index_t begin, index_t end, const phase_tables_real<Real>& t) noexcept {
    const unsigned a = t.split;
    const index_t row_mask = (index_t{1} << a) - 1;
    small_vector<qubit_t, 8> cross_rel;
    for (qubit_t q : t.cross) cross_rel.push_back(static_cast<qubit_t>(q - a));
    const std::span<const qubit_t> cross(cross_rel.data(), cross_rel.size());
#if QCOACH_HAS_SIMD
    const rbatch<Real> alt = alternating<Real>(Real(-1), Real(1));
#endif
    for (index_t i = begin; i < end;) {
        const index_t h = i >> a;
        const index_t stop = std::min(end, (h + 1) << a);
        const index_t copy = bits::gather_bits(h, cross) << a;
#if QCOACH_HAS_SIMD
        constexpr unsigned lanes = simd_lanes<Real>;
        if (((i | stop) & (lanes - 1)) == 0) {
            const Real* lre = t.lo_re.data() + 2 * copy;
            const Real* lim = t.lo_im.data() + 2 * copy;
            std::complex<Real>* p = psi + i;
            const index_t k0 = i & row_mask, k1 = k0 + (stop - i);
            // One product per amplitude for each table that is not 1 there; none on a row whose
            // factor is 1 when the low table is all ones.
            if (t.lo_trivial) {
                if (!t.hi_trivial[h]) {
                    const split_factor<Real> f(t.hi[h], alt);
                    for (index_t k = k0; k < k1; k += lanes, p += lanes) store(p, cmul(f.re, f.im, load(p)));
                }
            } else if (t.hi_trivial[h]) {
                for (index_t k = k0; k < k1; k += lanes, p += lanes)
                    store(p, cmul(rbatch<Real>::load_aligned(lre + 2 * k), rbatch<Real>::load_aligned(lim + 2 * k), load(p)));
            } else {
                const split_factor<Real> f(t.hi[h], alt);
                for (index_t k = k0; k < k1; k += lanes, p += lanes) {
                    const rbatch<Real> v = cmul(rbatch<Real>::load_aligned(lre + 2 * k), rbatch<Real>::load_aligned(lim + 2 * k), load(p));
                    store(p, cmul(f.re, f.im, v));
                }
            }
            i = stop;
            continue;
        }
#endif
        for (; i < stop; ++i) psi[i] = psi[i] * t.lo[copy + (i & row_mask)] * t.hi[h];
    }
}

#if QCOACH_HAS_SIMD
/// The row factors hi[i >> split] of tables whose low table is all ones, as the `pre` of a
/// rotation pass (kernel_rotation.hpp): the factors of a pass's 2^M registers change only from
/// one row to the next, so they are prepared once per row segment and each register costs one
/// complex product, with no pass over the state of the diagonal's own.
template <class Real>
struct row_phase_pre {
    static constexpr bool active = true;
    // Plain copies of what the loop reads (stores to the state go through may-alias vector
    // types, so anything behind a pointer would be reloaded after each store).
    const std::complex<Real>* hi = nullptr;
    unsigned split = 0;
    rbatch<Real> alt;
    std::array<split_factor<Real>, 8> f{};

    explicit row_phase_pre(const phase_tables_real<Real>& t)
        : hi(t.hi.data()), split(t.split), alt(alternating<Real>(Real(-1), Real(1))) {}

    static bool usable(const phase_tables_real<Real>& t) noexcept { return t.lo_trivial && t.cross.empty(); }

    index_t segment() const noexcept { return index_t{1} << split; }

    template <class Off>
    void begin(index_t start, const Off& off) noexcept {
        static_assert(std::tuple_size_v<Off> <= 8, "at most 2^3 registers per group");
        for (std::size_t j = 0; j < off.size(); ++j) f[j] = split_factor<Real>(hi[(start + off[j]) >> split], alt);
    }

    void apply(rbatch<Real>& v, unsigned j) const noexcept { v = cmul(f[j].re, f[j].im, v); }
};
#endif

/// The whole n-qubit (sub-)state.
template <class Real>
void phase_tables_apply(std::complex<Real>* psi, qubit_t n, const phase_tables_real<Real>& t) noexcept {
    phase_tables_apply(psi, index_t{0}, index_t{1} << n, t);
}

} // namespace qcoach::detail
