#pragma once
/// @file
/// @brief The passes over memory that apply QAOA layers with the X mixer: chunk passes for the
/// low qubits, tile passes for the high ones.
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
/// Two layers per pass: the phase e^{-i gamma E} is diagonal, so a tile (all rows of its
/// columns) or a chunk can take it between the rotations of two layers. Qaoa::run orders a run
/// of p layers (P_l phase, XL_l / XH_l rotations of the low / high qubits of layer l) as
///     [P_0 XL_0] [XH_0 P_1 XH_1] [XL_1 P_2 XL_2] [XH_2 P_3 XH_3] ...
/// (low_pass with `pre`, high_pass with `ph` and `post`): p + 1 passes instead of 2p. Measured
/// at n = 24, p = 5 (2 threads): 236 -> 219 ms in double, 124 -> 116 ms in float; the passes
/// are bound by arithmetic more than by memory, so halving them saves less than half. The
/// energy <E> is summed in the last pass, not in a pass of its own, and the first low pass of a
/// run from |+>^n writes the state without reading it. The gradient's forward run makes the
/// same passes and writes the state after each layer on the way (`mid`).
///
/// Flip-symmetric runs (qaoa.hpp, "Flip symmetry") pass the lower half of the state as a state
/// of n - 1 qubits; the top qubit's rotation pairs h[z] with h[2^{n-1} - 1 - z], i.e. chunk i
/// with chunk C - 1 - i reversed. Since it commutes with every other rotation, the chunk
/// passes apply it to a pair of chunks held by one thread: before their other work for the
/// layer of `pre` (whose phase came in the tile pass before), after it for the layer of (c, s).
///
/// Determinism: chunks and tiles are fixed by the layout, not by the thread count, and their
/// partial sums are added in chunk (tile) order.

#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
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

/// Default layout for amplitudes of `amp_bytes` bytes, measured on the MaxCut benchmark
/// (bench_qaoa, n = 20, 24, 26, both precisions, 2 threads, 512 KiB L2, 32 MiB L3):
///  - chunks of 2^16 amplitudes (512 KiB float, 1 MiB double): the low pass is bound by its
///    arithmetic, so a chunk a little beyond L2 costs nothing and leaves fewer high qubits;
///  - sub-blocks of 16 KiB (L1);
///  - tiles of at most 2 MiB (in L3) with rows of up to 2^9 amplitudes (4-8 KiB) and at least
///    256 B: long row segments are what DRAM serves well (double, n = 24: the high pass took
///    25 ms with rows of 256 B, 20 ms with rows of 4 KiB).
inline qaoa_layout default_layout(qubit_t n, std::size_t amp_bytes) {
    auto log2 = [](std::size_t v) { return static_cast<unsigned>(std::countr_zero(v)); };
    qaoa_layout lay;
    lay.n = n;
    lay.chunk = std::min<unsigned>(n, 16);
    lay.sub = std::min<unsigned>(lay.chunk, log2((std::size_t{16} << 10) / amp_bytes));
    const unsigned h = lay.high();
    const unsigned tile_max = log2((std::size_t{2} << 20) / amp_bytes);
    const unsigned min_w = log2(256 / amp_bytes);
    const unsigned w = tile_max > h + min_w ? std::min(9u, tile_max - h) : min_w;
    lay.tile = std::min(lay.chunk, w);
    return lay;
}

/// Scratch memory of the calling thread: at least `bytes` bytes, 64-byte aligned, kept for the
/// thread's lifetime (it grows and never shrinks; the passes' tile buffers take a few MiB per
/// thread). Allocating the tile buffers on every pass mapped and faulted in fresh pages each
/// time (page faults and page clearing showed in the gradient's profile). One user at a time
/// per thread.
inline void* thread_scratch(std::size_t bytes) {
    struct block {
        void* p = nullptr;
        std::size_t size = 0;
        block() = default;
        block(const block&) = delete;
        block& operator=(const block&) = delete;
        ~block() { ::operator delete(p, std::align_val_t{64}); }
    };
    thread_local block b;
    if (b.size < bytes) {
        ::operator delete(b.p, std::align_val_t{64});
        b.p = nullptr;
        b.size = 0;
        b.p = ::operator new(bytes, std::align_val_t{64});
        b.size = bytes;
    }
    return b.p;
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

/// Low pass: dst = RX_low(c, s) e^{-i gamma E} RX_low(pre) src, chunk by chunk (ph == nullptr:
/// no phase; pre == nullptr: no first rotation). src == nullptr means the uniform state amp0
/// (|+>^n with amp0 = 2^{-n/2}); src may equal dst. With `sums`, each chunk's
/// {norm^2, sum p E'} is stored (the energy of the last pass).
///
/// With `flip` the buffer is the lower half of a flip-symmetric state (file comment) and the
/// pass also applies the top qubit's rotation of each of its layers: pre's before everything
/// (it commutes with the other rotations, and the phase of its layer came before the pass) and
/// (c, s)'s after everything. Both pair chunk i with chunk C - 1 - i, so a thread takes the two
/// together.
///
/// With `mid` (and pre and ph), the state between pre's rotations and the phase (the state
/// after pre's layer) is also written to mid, sub-block by sub-block while it is in L1: the
/// gradient's checkpoints.
template <class Real>
void low_pass(const qaoa_layout& lay, std::complex<Real>* dst, const std::complex<Real>* src, Real amp0,
              const phase_source<Real>* ph, Real c, Real s, const exec_policy& pol,
              std::vector<std::pair<double, double>>* sums, const energy_source<Real>* es, const rx_form* pre = nullptr,
              bool flip = false, std::complex<Real>* mid = nullptr) {
    const unsigned L = lay.chunk, S = lay.sub;
    const index_t chunk = index_t{1} << L, sub = index_t{1} << S;
    const auto chunks = static_cast<std::int64_t>(index_t{1} << (lay.n - L));
    const bool simd = pol.path == kernel_path::simd;
    if (sums) sums->assign(static_cast<std::size_t>(chunks), {0.0, 0.0});
    const Real pc = pre ? static_cast<Real>(pre->c) : Real(1), ps = pre ? static_cast<Real>(pre->s) : Real(0);
    // The chunk at d takes its input from sp (nullptr: uniform; sp == d: already in place).
    auto load_chunk = [&](std::complex<Real>* d, const std::complex<Real>* sp) {
        if (!sp) std::fill(d, d + chunk, std::complex<Real>(amp0));
        else if (sp != d) std::memcpy(static_cast<void*>(d), sp, chunk * sizeof(std::complex<Real>));
    };
    // Chunk ci from sp (nullptr: uniform; may equal the chunk's place in dst).
    auto chunk_work = [&](std::int64_t ci, const std::complex<Real>* sp) {
        const index_t z0 = static_cast<index_t>(ci) * chunk;
        std::complex<Real>* d = dst + z0;
        if (pre) {
            // The first rotation's chunk qubits over the chunk, then per sub-block its low
            // qubits, the phase and the second rotation's low qubits while the sub-block is in L1.
            load_chunk(d, sp);
            rx_range(d, L, S, L, pc, ps, simd);
            for (index_t b = 0; b < chunk; b += sub) {
                rx_range(d + b, S, 0, S, pc, ps, simd);
                if (mid) std::memcpy(static_cast<void*>(mid + z0 + b), d + b, sub * sizeof(std::complex<Real>));
                if (ph) phase_rx_block(d + b, d + b, amp0, z0 + b, S, *ph, c, s, simd);
                else rx_range(d + b, S, 0, S, c, s, simd);
            }
            rx_range(d, L, S, L, c, s, simd);
            return;
        }
        for (index_t b = 0; b < chunk; b += sub) {
            if (ph) {
                phase_rx_block(d + b, sp ? sp + b : nullptr, amp0, z0 + b, S, *ph, c, s, simd);
                continue;
            }
            if (sp && sp != d) std::memcpy(static_cast<void*>(d + b), sp + b, sub * sizeof(std::complex<Real>));
            rx_range(d + b, S, 0, S, c, s, simd);
        }
        rx_range(d, L, S, L, c, s, simd);
    };
    auto chunk_sums = [&](std::int64_t ci) {
        if (!sums) return;
        const index_t z0 = static_cast<index_t>(ci) * chunk;
        (*sums)[static_cast<std::size_t>(ci)] = energy_sums(dst + z0, z0, chunk, *es, simd);
    };
    const int threads = pol.threads_for(index_t{1} << lay.n);
    if (!flip) {
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && chunks > 1)
        for (std::int64_t ci = 0; ci < chunks; ++ci) {
            chunk_work(ci, src ? src + static_cast<index_t>(ci) * chunk : nullptr);
            chunk_sums(ci);
        }
        return;
    }
    const std::int64_t pairs = (chunks + 1) / 2;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && pairs > 1)
    for (std::int64_t pi = 0; pi < pairs; ++pi) {
        const std::int64_t cj = chunks - 1 - pi;
        std::complex<Real>* di = dst + static_cast<index_t>(pi) * chunk;
        std::complex<Real>* dj = dst + static_cast<index_t>(cj) * chunk;
        auto from = [&](std::int64_t ci) { return src ? src + static_cast<index_t>(ci) * chunk : nullptr; };
        if (pre) {
            load_chunk(di, from(pi));
            if (cj != pi) load_chunk(dj, from(cj));
            flip_rx(di, dj, chunk, pc, ps, simd);
            chunk_work(pi, di);
            if (cj != pi) chunk_work(cj, dj);
        } else {
            chunk_work(pi, from(pi));
            if (cj != pi) chunk_work(cj, from(cj));
        }
        flip_rx(di, dj, chunk, c, s, simd);
        chunk_sums(pi);
        if (cj != pi) chunk_sums(cj);
    }
}

/// High pass: dst = RX_high(c, s) src on column tiles (src may equal dst); with `ph` and
/// `post`, dst = RX_high(post) e^{-i gamma E} RX_high(c, s) src (the phase is diagonal, so a
/// tile that holds all rows of its columns can take it between the rotations of two layers).
/// With `sums`, each tile's {norm^2, sum p E'} of the result is stored. With `mid` (and ph and
/// post), the tile between the first rotations and the phase is also written to mid.
template <class Real>
void high_pass(const qaoa_layout& lay, std::complex<Real>* dst, const std::complex<Real>* src, Real c, Real s,
               const exec_policy& pol, std::vector<std::pair<double, double>>* sums, const energy_source<Real>* es,
               const phase_source<Real>* ph = nullptr, const rx_form* post = nullptr, std::complex<Real>* mid = nullptr) {
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
        // Tile buffer: rows of tile_stride(W) on the SIMD path (rx_tile), 2^m amplitudes otherwise.
#if QCOACH_HAS_SIMD
        const index_t buf_len = std::max(index_t{1} << m, rows * tile_stride<Real>(W));
#else
        const index_t buf_len = index_t{1} << m;
#endif
        auto* buf = static_cast<std::complex<Real>*>(thread_scratch(buf_len * sizeof(std::complex<Real>)));
#pragma omp for schedule(static)
        for (std::int64_t ti = 0; ti < tiles; ++ti) {
            const index_t col = static_cast<index_t>(ti) * W;
            const bool next = ti + 1 < tiles;
#if QCOACH_HAS_SIMD
            if (simd && W >= simd_lanes<Real>) {
                // First sweep reads the state's rows, last one writes them (no separate copies)
                // and sums the energy while the values are in registers.
                store_sums<Real> acc;
                acc.es = es;
                rx_tile(src + col, dst + col, row, buf, W, H, c, s, next, sums ? &acc : nullptr, col, post ? ph : nullptr,
                        post ? static_cast<Real>(post->c) : Real(1), post ? static_cast<Real>(post->s) : Real(0),
                        mid ? mid + col : nullptr);
                if (sums) (*sums)[static_cast<std::size_t>(ti)] = acc.total();
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
                if (mid && ph && post) {
                    for (index_t r = 0; r < rows; ++r)
                        std::memcpy(static_cast<void*>(mid + r * row + col), buf + r * W, W * sizeof(std::complex<Real>));
                }
                if (ph && post) {
                    for (index_t r = 0; r < rows; ++r)
                        phase_range(buf + r * W, buf + r * W, Real(0), r * row + col, W, *ph, simd);
                    rx_range(buf, m, w, m, static_cast<Real>(post->c), static_cast<Real>(post->s), simd);
                }
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
    }
}

/// One pass of a run of layers: the rotations of layer `first`
/// on this pass's qubit group, then (phase >= 0) the phase of layer `phase` and the rotations
/// of the same layer. -1: absent. A tile pass rotates the high qubits, a chunk pass the low ones
/// (and the top qubit of a half state).
struct layer_pass {
    bool tile = false;
    int first = -1;
    int phase = -1;
};

/// The passes of a run of p layers (file comment): [P_0 XL_0], then tile and chunk passes of two
/// layers each, the last one of one layer's rotations; without high qubits one pass per layer.
inline std::vector<layer_pass> layer_passes(std::size_t p, bool high) {
    std::vector<layer_pass> v;
    const int pl = static_cast<int>(p);
    if (!high) {
        for (int l = 0; l < pl; ++l) v.push_back({false, -1, l});
        return v;
    }
    v.push_back({false, -1, 0});
    for (int l = 0;; l += 2) {
        if (l + 1 == pl) {
            v.push_back({true, l, -1});
            break;
        }
        v.push_back({true, l, l + 1});
        if (l + 2 == pl) {
            v.push_back({false, l + 1, -1});
            break;
        }
        v.push_back({false, l + 1, l + 2});
    }
    return v;
}

/// The passes of layer_passes(p) for the phases ph and rotations rx of p layers, from src
/// (nullptr: the uniform amplitude amp0) into out. With `sums`, the last pass stores its
/// per-block energy sums. With `keep` (p - 1 pointers), the state after layer l < p - 1 is also
/// written to keep[l] from inside the pass that reaches it; without high qubits each layer is
/// then a pass of its own, from keep[l - 1] into keep[l] (the last one into out).
template <class Real>
void run_layers(const qaoa_layout& lay, std::complex<Real>* out, const std::complex<Real>* src, Real amp0,
                const std::vector<phase_source<Real>>& ph, const std::vector<rx_form>& rx, const exec_policy& pol, bool flip,
                std::vector<std::pair<double, double>>* sums, const energy_source<Real>* es,
                std::span<std::complex<Real>* const> keep = {}) {
    const std::size_t p = ph.size();
    auto c_of = [&](std::size_t l) { return static_cast<Real>(rx[l].c); };
    auto s_of = [&](std::size_t l) { return static_cast<Real>(rx[l].s); };
    const bool chain = lay.high() == 0 && !keep.empty();
    const std::vector<layer_pass> passes = layer_passes(p, lay.high() > 0);
    for (std::size_t k = 0; k < passes.size(); ++k) {
        const layer_pass& g = passes[k];
        auto* s_out = k + 1 == passes.size() ? sums : nullptr;
        if (g.first < 0) { // the phase and rotations of one layer
            const auto b = static_cast<std::size_t>(g.phase);
            std::complex<Real>* dst = chain && b + 1 < p ? keep[b] : out;
            const std::complex<Real>* from = b == 0 ? src : chain ? keep[b - 1] : out;
            low_pass<Real>(lay, dst, from, amp0, &ph[b], c_of(b), s_of(b), pol, s_out, es, nullptr, flip);
            continue;
        }
        const auto a = static_cast<std::size_t>(g.first);
        std::complex<Real>* mid = keep.empty() || g.phase < 0 ? nullptr : keep[a];
        if (g.tile) {
            if (g.phase < 0) high_pass<Real>(lay, out, out, c_of(a), s_of(a), pol, s_out, es);
            else high_pass<Real>(lay, out, out, c_of(a), s_of(a), pol, s_out, es, &ph[a + 1], &rx[a + 1], mid);
        } else if (g.phase < 0) {
            low_pass<Real>(lay, out, out, amp0, nullptr, c_of(a), s_of(a), pol, s_out, es, nullptr, flip);
        } else {
            low_pass<Real>(lay, out, out, amp0, &ph[a + 1], c_of(a + 1), s_of(a + 1), pol, s_out, es, &rx[a], flip, mid);
        }
    }
}

} // namespace qcoach::variational::detail
