#pragma once
/// @file
/// @brief The two passes over memory that make one QAOA layer with the X mixer.
///
/// A layer is e^{-i beta B} e^{-i gamma E}, and e^{-i beta B} = prod_q RX_q is a product of
/// commuting one-qubit rotations. The index bits split at L ("chunk bits"):
///  - low pass: the state is cut into chunks of 2^L consecutive amplitudes (a few hundred KiB,
///    held in L2). Each chunk is read once: the phase e^{-i gamma E(z)} is applied, then the RX
///    of qubits 0..L-1, which only mix amplitudes of the same chunk. Inside the chunk, sub-blocks
///    of 2^S amplitudes (L1-sized) take the phase and the qubits below S while they are in L1.
///  - high pass: the RX of qubits L..n-1 mix amplitudes 2^L apart. A column tile is W = 2^w
///    consecutive amplitudes at the same place of each of the 2^(n-L) rows (row r = the high
///    bits); it holds every partner of its amplitudes. The RX of the high qubits are applied two
///    row bits per sweep: the first sweep reads the tile's rows from the state and writes a
///    contiguous buffer (rows 2^L apart would all fall in the same cache sets), the middle ones
///    work in the buffer, the last one writes the rows back (and sums the energy in the final
///    layer). While the first sweep reads tile t, the rows of tile t + 1 (which continue each
///    row of t in memory) are prefetched, so their loads overlap the work on t.
/// So a layer reads and writes the state twice, whatever n; the energy <E> is summed in the last
/// high pass (or the last low pass when n <= L), not in a pass of its own, and the first low
/// pass of a run from |+>^n writes the state without reading it.
///
/// Determinism: chunks and tiles are fixed by the layout, not by the thread count, and their
/// partial sums are added in chunk (tile) order.

#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/variational/detail/qaoa_kernels.hpp"

namespace qcoach::variational::detail {

/// How the index bits are split (see the file comment). All are bit counts.
struct qaoa_layout {
    qubit_t n = 0;
    unsigned chunk = 0; ///< L: chunk of the low pass, <= n
    unsigned sub = 0;   ///< S: L1 sub-block of a chunk, <= L
    unsigned tile = 0;  ///< w: tile width of the high pass, <= L
    unsigned high() const noexcept { return n - chunk; }
};

/// Default layout for amplitudes of `amp_bytes` bytes: chunks of 256 KiB, sub-blocks of 16 KiB,
/// tiles of about 256 KiB with rows of at least 256 B (the benchmark's best on a 512 KiB L2).
inline qaoa_layout default_layout(qubit_t n, std::size_t amp_bytes) {
    auto log2 = [](std::size_t v) { return static_cast<unsigned>(std::countr_zero(v)); };
    qaoa_layout lay;
    lay.n = n;
    lay.chunk = std::min<unsigned>(n, log2((std::size_t{256} << 10) / amp_bytes));
    lay.sub = std::min<unsigned>(lay.chunk, log2((std::size_t{16} << 10) / amp_bytes));
    const unsigned h = lay.high();
    const unsigned target = log2((std::size_t{256} << 10) / amp_bytes);
    const unsigned min_w = log2(256 / amp_bytes);
    const unsigned w = target > h + min_w ? target - h : min_w;
    lay.tile = std::min(lay.chunk, w);
    return lay;
}

/// Sum of per-block pairs in block order.
inline std::pair<double, double> ordered_sum(const std::vector<std::pair<double, double>>& parts) {
    std::pair<double, double> s{0.0, 0.0};
    for (const auto& p : parts) {
        s.first += p.first;
        s.second += p.second;
    }
    return s;
}

/// Low pass: dst = RX_low(beta) e^{-i gamma E} src, chunk by chunk. src == nullptr means the
/// uniform state amp0 (|+>^n with amp0 = 2^{-n/2}); src may equal dst. With `sums`, each
/// chunk's {norm^2, sum p E'} is stored (used when there are no high qubits).
template <class Real>
void low_pass(const qaoa_layout& lay, std::complex<Real>* dst, const std::complex<Real>* src, Real amp0,
              const phase_source<Real>* ph, Real c, Real s, const exec_policy& pol,
              std::vector<std::pair<double, double>>* sums, const energy_source<Real>* es) {
    const unsigned L = lay.chunk, S = lay.sub;
    const index_t chunk = index_t{1} << L, sub = index_t{1} << S;
    const auto chunks = static_cast<std::int64_t>(index_t{1} << (lay.n - L));
    const bool simd = pol.path == kernel_path::simd;
    if (sums) sums->assign(static_cast<std::size_t>(chunks), {0.0, 0.0});
    const int threads = pol.threads_for(index_t{1} << lay.n);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && chunks > 1)
    for (std::int64_t ci = 0; ci < chunks; ++ci) {
        const index_t z0 = static_cast<index_t>(ci) * chunk;
        std::complex<Real>* d = dst + z0;
        const std::complex<Real>* sp = src ? src + z0 : nullptr;
        for (index_t b = 0; b < chunk; b += sub) {
            if (ph) {
                phase_rx_block(d + b, sp ? sp + b : nullptr, amp0, z0 + b, S, *ph, c, s, simd);
                continue;
            }
            if (sp && sp != d) std::memcpy(static_cast<void*>(d + b), sp + b, sub * sizeof(std::complex<Real>));
            rx_range(d + b, S, 0, S, c, s, simd);
        }
        rx_range(d, L, S, L, c, s, simd);
        if (sums) (*sums)[static_cast<std::size_t>(ci)] = energy_sums(d, z0, chunk, *es, simd);
    }
}

/// High pass: dst = RX_high(beta) src on column tiles (src may equal dst). With `sums`, each
/// tile's {norm^2, sum p E'} after the rotation is stored.
template <class Real>
void high_pass(const qaoa_layout& lay, std::complex<Real>* dst, const std::complex<Real>* src, Real c, Real s,
               const exec_policy& pol, std::vector<std::pair<double, double>>* sums, const energy_source<Real>* es) {
    const unsigned L = lay.chunk, w = lay.tile, H = lay.high();
    if (H == 0) return;
    const index_t row = index_t{1} << L, W = index_t{1} << w, rows = index_t{1} << H;
    const auto tiles = static_cast<std::int64_t>(index_t{1} << (L - w));
    const unsigned m = H + w;
    const bool simd = pol.path == kernel_path::simd;
    constexpr index_t line = 64 / sizeof(std::complex<Real>) > 0 ? 64 / sizeof(std::complex<Real>) : 1;
    if (sums) sums->assign(static_cast<std::size_t>(tiles), {0.0, 0.0});
    const int threads = pol.threads_for(index_t{1} << lay.n);
#pragma omp parallel num_threads(threads) if (threads > 1 && tiles > 1)
    {
        auto* buf = static_cast<std::complex<Real>*>(
            ::operator new((index_t{1} << m) * sizeof(std::complex<Real>), std::align_val_t{64}));
#pragma omp for schedule(static)
        for (std::int64_t ti = 0; ti < tiles; ++ti) {
            const index_t col = static_cast<index_t>(ti) * W;
            const bool next = ti + 1 < tiles;
#if QCOACH_HAS_SIMD
            if (simd && W >= simd_lanes<Real>) {
                // First sweep reads the state's rows, last one writes them (no separate copies)
                // and sums the energy while the values are in registers.
                if (sums) {
                    store_sums<Real> acc;
                    acc.es = es;
                    rx_tile(src + col, dst + col, row, buf, W, H, c, s, next, &acc, col);
                    (*sums)[static_cast<std::size_t>(ti)] = {static_cast<double>(xsimd::hadd(acc.n2)),
                                                             static_cast<double>(xsimd::hadd(acc.w))};
                } else {
                    rx_tile(src + col, dst + col, row, buf, W, H, c, s, next);
                }
                continue;
            }
#endif
            {
                for (index_t r = 0; r < rows; ++r) {
                    const std::complex<Real>* from = src + r * row + col;
                    if (next)
                        for (index_t o = 0; o < W; o += line) __builtin_prefetch(from + W + o, 0, 3);
                    std::memcpy(static_cast<void*>(buf + r * W), from, W * sizeof(std::complex<Real>));
                }
                rx_range(buf, m, w, m, c, s, simd);
                for (index_t r = 0; r < rows; ++r)
                    std::memcpy(static_cast<void*>(dst + r * row + col), buf + r * W, W * sizeof(std::complex<Real>));
            }
            if (sums) {
                double n2 = 0.0, wsum = 0.0;
                for (index_t r = 0; r < rows; ++r) {
                    const auto part = energy_sums(dst + r * row + col, r * row + col, W, *es, simd);
                    n2 += part.first;
                    wsum += part.second;
                }
                (*sums)[static_cast<std::size_t>(ti)] = {n2, wsum};
            }
        }
        ::operator delete(buf, std::align_val_t{64});
    }
}

} // namespace qcoach::variational::detail
