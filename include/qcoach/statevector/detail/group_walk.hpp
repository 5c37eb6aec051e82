#pragma once
/// @file
/// @brief The order in which gate kernels visit memory, and the prefetching that keeps it fast.
///
/// A gate on "high" qubits (those that select between SIMD registers) is applied group by
/// group: a group is one assignment of the untouched bits, its registers sit at base + offset[j]
/// for the 2^H combinations j of the high targets. Walking the groups in order walks each of
/// those 2^H "streams" upward through memory.
///
/// Why the middle qubits are slow in a plain walk: for a target k, the streams are 2^k
/// amplitudes apart and each advances for a run of 2^k amplitudes before jumping over the other
/// stream's run. When the distance is 512 B .. 32 KiB (k = 5..11 in double), both streams live in
/// the same or neighbouring 4 KiB pages and the requests reaching the memory system alternate
/// between them at short, irregular strides (line 0, 8, 1, 9, ... for k = 5). The hardware
/// prefetchers, which follow one ascending stream per page, lose track, and measured
/// bandwidth drops to 0.55 of an in-place sweep (the same 2-2.5x slowdown other simulators
/// show on these targets). Low targets (< 512 B apart) stay within one or two lines; high
/// targets (>= 64 KiB) give long independent runs the prefetchers follow well.
///
/// The remedy: turn the requests back into one ascending stream. The index bits are split at
/// `tile_bits`: a tile is 2^tile_bits consecutive amplitudes (a few KiB). Groups are visited tile
/// group by tile group (a tile group = the tiles coupled by the high targets above the tile
/// bits), and while one tile group is computed, every cache line the next tile group will touch
/// is prefetched in ascending address order, spread evenly over the current tile group's work.
/// Memory then sees sequential runs of a tile each, which the prefetchers extend, and the
/// kernel's own loads hit the cache. Lines the gate does not touch (a control that is not set)
/// are not prefetched. When every touched qubit is far (>= far_bits), the plain walk is already
/// at the memory floor and no prefetch is issued.
///
/// Threads split the tile groups into contiguous ranges, so each thread also sweeps upward.
/// A kernel only needs its group body; this walker owns the order, the prefetches and the
/// threading. It works on the whole state here; a distributed state would give it a slice.

#include <algorithm>
#include <cstring>
#include <new>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach::detail {

/// Tuning of the kernels: the walk (bytes, not qubits, so that float and double behave alike)
/// and the choice of dense kernel. The defaults come from the benchmarks; tests change them to
/// reach every path on small states.
struct kernel_tuning {
    /// Tile size in bytes (a power of two).
    std::uint64_t tile_bytes = 4096;
    /// Prefetching is used only when some touched high qubit has a pair distance in
    /// [near_bytes, far_bytes): closer pairs share lines, farther ones form long runs.
    std::uint64_t near_bytes = 512;
    std::uint64_t far_bytes = 65536;
    /// Prefetch into L1 (true) or only into L2 (false).
    bool prefetch_l1 = true;
    /// States smaller than this stay in the last-level cache; no prefetch is issued.
    std::uint64_t min_state_bytes = std::uint64_t{16} << 20;
    bool prefetch = true;
    /// Targets whose pair distance is at least this many bytes are "staged": each tile of every
    /// stream is copied into a per-thread buffer, computed there and copied back (0 = never).
    std::uint64_t stage_bytes = std::uint64_t{256} << 20;
    /// Tile size of the staged walk.
    std::uint64_t stage_tile_bytes = std::uint64_t{64} << 10;
    /// Dense gates with at least this many high targets (and none inside a register) use the
    /// three-multiplication planar kernel (kernel_dense_planar.hpp); 0 disables it.
    unsigned planar_min_high = 2;
};

inline kernel_tuning& kernel_tuning_storage() noexcept {
    static kernel_tuning t{};
    return t;
}

/// Everything needed to walk the groups of one gate.
struct group_walk {
    unsigned low_bits = 0;              ///< log2 of amplitudes per register
    qubit_t n = 0;
    small_vector<qubit_t, 16> inserted; ///< high targets and high controls, ascending
    index_t ctrl_value = 0;             ///< set bits of the high controls
    small_vector<index_t, 16> offsets;  ///< stream offsets of a group (amplitudes)

    // derived by prepare()
    unsigned tile_bits = 0;
    small_vector<qubit_t, 16> far_inserted; ///< inserted qubits >= tile_bits
    index_t far_ctrl_value = 0;
    index_t near_mask = 0;              ///< in-register bits and near inserted qubits
    index_t near_ctrl = 0;              ///< set bits of the near controls
    index_t near_groups = 0;            ///< groups per tile group
    small_vector<index_t, 128> lines;   ///< touched line starts of a tile group (amplitudes, ascending)
    index_t tile_groups = 0;
    bool prefetch = false;
    bool prefetch_l1 = true;
    bool staged = false;                ///< copy tiles through a buffer (see walk_staged)
    small_vector<qubit_t, 8> far_targets; ///< target bits >= tile_bits (staged walk)

    /// Compute the tiling for a state of n qubits and amplitudes of `amp_bytes` bytes.
    void prepare(qubit_t n_qubits, std::size_t amp_bytes) {
        n = n_qubits;
        const kernel_tuning& tune = kernel_tuning_storage();
        const std::uint64_t state_bytes = (std::uint64_t{1} << n) * amp_bytes;
        bool middle = false;
        for (qubit_t q : inserted) {
            const std::uint64_t distance = (std::uint64_t{1} << q) * amp_bytes;
            middle = middle || (distance >= tune.near_bytes && distance < tune.far_bytes);
        }
        prefetch = tune.prefetch && state_bytes >= tune.min_state_bytes && middle;
        prefetch_l1 = tune.prefetch_l1;
        index_t target_bits = 0;
        for (index_t off : offsets) target_bits |= off;
        staged = false;
        if (tune.stage_bytes != 0 && state_bytes >= tune.min_state_bytes) {
            for (qubit_t q = 0; q < 64; ++q)
                if (((target_bits >> q) & 1) && (std::uint64_t{1} << q) * amp_bytes >= tune.stage_bytes) staged = true;
        }
        if (staged) prefetch = false;

        // With prefetching, a tile is tune.tile_bytes. Without, tiles only split the work
        // between threads: up to 2^8 tile groups, each at least 16 registers.
        unsigned tb = staged     ? static_cast<unsigned>(std::countr_zero(tune.stage_tile_bytes / amp_bytes))
                      : prefetch ? static_cast<unsigned>(std::countr_zero(tune.tile_bytes / amp_bytes))
                                 : std::max<unsigned>(n > 8 ? n - 8 : 0, std::min<unsigned>(n, low_bits + 4));
        tb = std::max(tb, low_bits);
        // The tile bits must leave room for the inserted far qubits.
        std::size_t near_count = 0;
        for (qubit_t q : inserted)
            if (q < tb) ++near_count;
        const std::size_t far_count = inserted.size() - near_count;
        if (tb + far_count > n) tb = static_cast<unsigned>(n - far_count);
        // recount with the final tile size
        near_count = 0;
        far_inserted.clear();
        for (qubit_t q : inserted) {
            if (q < tb) ++near_count;
            else far_inserted.push_back(q);
        }
        tile_bits = tb;
        const index_t far_mask = ~((index_t{1} << tb) - 1);
        far_ctrl_value = ctrl_value & far_mask;
        near_ctrl = ctrl_value & ~far_mask;
        near_mask = (index_t{1} << low_bits) - 1;
        for (std::size_t i = 0; i < near_count; ++i) near_mask |= index_t{1} << inserted[i];
        near_groups = index_t{1} << (tb - low_bits - near_count);
        tile_groups = index_t{1} << (n - tb - far_inserted.size());
        prefetch = prefetch && tile_groups > 1;
        far_targets.clear();
        for (qubit_t q = tb; q < 64; ++q)
            if ((target_bits >> q) & 1) far_targets.push_back(q);
        staged = staged && !far_targets.empty();

        lines.clear();
        if (prefetch) {
            const unsigned line_amps_log = static_cast<unsigned>(std::countr_zero(64 / amp_bytes));
            const index_t line_amps = index_t{1} << line_amps_log;
            index_t b = 0;
            for (index_t g = 0; g < near_groups; ++g, b = next_near(b))
                for (index_t off : offsets) lines.push_back(((b | near_ctrl) + off) & ~(line_amps - 1));
            std::sort(lines.begin(), lines.end());
            lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
        }
    }

    /// The next group base inside a tile: count up in the bits that are neither in-register
    /// nor near inserted qubits ((b | M) + 1 carries through the masked bits, & ~M clears them).
    index_t next_near(index_t b) const noexcept { return ((b | near_mask) + 1) & ~near_mask; }

    index_t tile_base(index_t tg) const noexcept {
        index_t b = tg << tile_bits;
        for (qubit_t q : far_inserted) b = bits::insert_zero_bit(b, q);
        return b | far_ctrl_value;
    }
};

/// The groups of one tile group: body(b) for each group base b inside the tile (near controls
/// included), counting up around the masked bits, and prefetch(i) for i = 0 .. nl - 1 spread
/// evenly over the groups (a Bresenham walk: no division in the loop). Both walks use it.
template <class Body, class Prefetch>
[[gnu::always_inline]] inline void tile_group_walk(const group_walk& w, index_t nl, Body&& body, Prefetch&& prefetch) {
    const index_t ng = w.near_groups;
    const index_t near_mask = w.near_mask;
    const index_t near_ctrl = w.near_ctrl;
    index_t b = 0;
    if (nl == 0) {
        for (index_t g = 0; g < ng; ++g, b = ((b | near_mask) + 1) & ~near_mask) body(b | near_ctrl);
        return;
    }
    index_t done = 0, err = 0;
    for (index_t g = 0; g < ng; ++g, b = ((b | near_mask) + 1) & ~near_mask) {
        err += nl;
        while (err >= ng) {
            err -= ng;
            prefetch(done++);
        }
        body(b | near_ctrl);
    }
}

/// Groups of tile groups [begin, end). Everything the loop reads is copied into locals first,
/// the body included: a store to the state could otherwise alias them in the compiler's eyes,
/// forcing a reload of every coefficient and mask after each store.
template <class T, class Body>
inline void walk_range(const group_walk& w, index_t begin, index_t end, const T* psi, Body body) {
    const index_t* lines = w.lines.data();
    const index_t nl = static_cast<index_t>(w.lines.size());
    const bool prefetch = w.prefetch;
    const bool l1 = w.prefetch_l1;
    for (index_t tg = begin; tg < end; ++tg) {
        const index_t tbase = w.tile_base(tg);
        // While this tile group computes, its successor's touched lines are prefetched.
        const bool ahead = prefetch && tg + 1 < end;
        const T* next = ahead ? psi + w.tile_base(tg + 1) : psi;
        tile_group_walk(
            w, ahead ? nl : 0, [&](index_t b) __attribute__((always_inline)) { body(tbase + b); },
            [&](index_t i) __attribute__((always_inline)) {
                if (l1) __builtin_prefetch(next + lines[i], 1, 3);
                else __builtin_prefetch(next + lines[i], 1, 2);
            });
    }
}

/// Staged walk for targets whose pair distance is very large (hundreds of MiB). On the machines
/// we measured, a loop that reads and writes two regions that far apart runs at a third of the
/// in-place bandwidth, even when it first reads a whole tile of one region (by prefetch or
/// load) before working on the pair; read-only access at that distance is at full speed. What
/// matters is that the written lines of the two regions are interleaved line by line, so their
/// write-backs alternate between the regions. So, per tile group, the tiles of every stream but
/// the last are copied into a thread-local buffer, the groups are computed there with the last
/// stream in place, and the buffered tiles are copied back one after the other: the writes of
/// each region then leave in runs of a tile. On a 1 GiB double state this lifts a 1-qubit gate
/// on the top qubit from 0.4 (plain walk) and 0.7 (every stream buffered) to 0.9-1.0 of the
/// in-place sweep. (Reading the buffered streams in place and writing only their results to the
/// buffer saves the copy in, but measured 15% slower.) While a tile group computes, the next
/// one's buffered tiles are prefetched into L2 (reads at that distance are harmless), so the
/// copy in runs from cache: kernels with more arithmetic per amplitude (a gate that includes
/// qubit 0, whose partner sits in the same register) went from 0.70 to 0.85 with it.
template <class T, class Factory>
inline void walk_staged(const group_walk& w, index_t begin, index_t end, T* psi, const Factory& factory) {
    const std::size_t streams = std::size_t{1} << w.far_targets.size();
    const std::size_t buffered = streams - 1;
    const index_t tile = index_t{1} << w.tile_bits;
    const index_t tile_mask = tile - 1;
    const index_t line_amps = std::max<index_t>(1, 64 / sizeof(T));
    const auto line_shift = static_cast<unsigned>(std::countr_zero(line_amps));
    const index_t tile_lines = tile / line_amps; // a power of two, like the tile
    const auto tile_lines_shift = static_cast<unsigned>(std::countr_zero(tile_lines));
    T* buf = static_cast<T*>(::operator new(buffered * tile * sizeof(T), std::align_val_t{64}));
    small_vector<index_t, 64> far_off(streams);
    for (std::size_t f = 0; f < streams; ++f) far_off[f] = bits::scatter_bits(f, w.far_targets);
    for (index_t tg = begin; tg < end; ++tg) {
        const index_t tbase = w.tile_base(tg);
        for (std::size_t f = 0; f < buffered; ++f) std::memcpy(static_cast<void*>(buf + f * tile), psi + tbase + far_off[f], tile * sizeof(T));
        const auto at = [&](index_t off) -> T* {
            const auto f = static_cast<std::size_t>(bits::gather_bits(off, w.far_targets));
            return f < buffered ? buf + f * tile + (off & tile_mask) : psi + tbase + off;
        };
        auto body = factory(at);
        // Read the next tile group's buffered tiles into L2 while this one computes.
        const bool ahead = tg + 1 < end;
        const index_t next = ahead ? w.tile_base(tg + 1) : 0;
        tile_group_walk(w, ahead ? static_cast<index_t>(buffered) * tile_lines : 0, body, [&](index_t i) __attribute__((always_inline)) {
            __builtin_prefetch(psi + next + far_off[i >> tile_lines_shift] + ((i & (tile_lines - 1)) << line_shift), 0, 2);
        });
        for (std::size_t f = 0; f < buffered; ++f) std::memcpy(static_cast<void*>(psi + tbase + far_off[f]), buf + f * tile, tile * sizeof(T));
    }
    ::operator delete(buf, std::align_val_t{64});
}

/// Call the body for every group of the walk, with the prefetching, staging and threading
/// described in the file comment. `factory(at)` makes the body: `at(offset)` is the address of
/// the stream with that offset for group base 0, and the body, called with a group base `b`,
/// reads and writes that stream at `at(offset) + b`. The staged walk makes a body per tile group.
template <class T, class Factory>
void walk_groups(const group_walk& w, T* psi, const exec_policy& pol, const Factory& factory) {
    const int threads = pol.threads_for(index_t{1} << w.n);
    const index_t tgs = w.tile_groups;
    // Small states skip the OpenMP runtime entirely (parallel_ranges runs them inline).
    parallel_ranges(threads, tgs, [&](index_t begin, index_t end, index_t) {
        if (w.staged) {
            walk_staged(w, begin, end, psi, factory);
        } else {
            walk_range(w, begin, end, psi, factory([psi](index_t off) { return psi + off; }));
        }
    });
}

} // namespace qcoach::detail
