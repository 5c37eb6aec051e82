#pragma once
/// @file
/// @brief Exact solver: enumerate all 2^n assignments, return the ground state(s) and the
/// lowest-energy samples.
///
/// Method (kernels in detail/exact_kernel.hpp). The model is taken in its binary form (a spin
/// model through s = 2x - 1). The L = min(14, n) low variables are evaluated 2^L at a time from
/// a fixed table plus L fields of the high part; the H = n - L high variables follow a Gray code
/// (one flip per step), and each flip of high variable j updates in O(n)
///
///     C   += dv fh_j,   fh_k += dv J_jk (k high),   g_i += dv J_ij (i low),   dv = 1 - 2 x_j,
///
/// where fh_j = h_j + sum_{k high} J_jk x_k. Per step the vectorized kernel finds the minimum
/// over the 2^L low states in float (or double), compares it with the current pruning bound
/// and, only when it may hold a kept sample, scans the step again and evaluates each hit in
/// double: E = C + T[low] + sum_{i in low} g_i. The float filter never loses a sample: it
/// compares with the bound plus a margin of (2L + 16) u S, u = 2^-24 (float) or 2^-53, S =
/// |offset| + sum |h| + sum |J| (every partial sum the kernel forms is at most S in size).
///
/// Determinism. The 2^H high steps are split into 2^min(8, H/2) fixed blocks (contiguous
/// ranges of the Gray sequence); each block keeps its own list of the best samples, C and g are
/// recomputed from scratch every 1024 steps (so rounding never drifts far and never depends on
/// where a thread started), and the lists are merged in block order. Threads only share a
/// pruning bound, which decides how often a step is scanned twice, not what is kept. So the
/// result is the same for any thread count.
///
/// What is returned: with m = max_ground_states and k = num_lowest, the samples are the k
/// lowest (by energy, then sample order) plus every state within `tolerance` of the minimum,
/// up to m of them, again in (energy, sample) order. When more than m states lie within the
/// tolerance the m first are returned and the solution says it was truncated. Energies in the
/// SampleSet are re-evaluated on the caller's model.

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "qcoach/core/config.hpp"
#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/solvers/detail/exact_kernel.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

/// Which kernel evaluates the low 2^L states of each high step.
enum class exact_kernel : std::uint8_t {
    simd_float,  ///< vectorized float filter + exact double re-evaluation (default, fastest;
                 ///< models with S > 1e30, where float sums could overflow, take simd_double)
    simd_double, ///< vectorized double filter (half the lanes)
    scalar,      ///< every state evaluated in double, one by one: the reference path
};

/// Largest number of variables ExactSolver enumerates by default: 2^40 = 1.1e12 states, about
/// 2 minutes per core at 1e10 states/s.
inline constexpr std::size_t exact_default_max_variables = 40;
/// Largest limit exact_options::max_variables may be raised to (the state index is 64 bits).
inline constexpr std::size_t exact_hard_max_variables = 62;

/// @brief Options of the exact solver (the generic solver_options are passed to solve()).
struct exact_options {
    /// Ground states returned at most (>= 1); all of them when there are fewer.
    std::size_t max_ground_states = 64;
    /// Lowest samples returned besides the ground states (0 = ground states only).
    std::size_t num_lowest = 16;
    /// States within this energy of the minimum count as ground states. Negative: automatic,
    /// 1e-10 S with S = |offset| + sum |h| + sum |J| of the binary form, which keeps integer
    /// models exact (energies 1 apart are never merged while S < 1e10) and absorbs rounding of
    /// real coefficients. 0: exact ties only.
    double tolerance = -1.0;
    /// Models with more variables are refused (at most exact_hard_max_variables).
    std::size_t max_variables = exact_default_max_variables;
    exact_kernel kernel = exact_kernel::simd_float;
    /// Low variables per Gray step, L (0 = the tuned default exact_low_bits; at most 20). Small
    /// values let the tests run many Gray steps and blocks on small models; below what the
    /// vector kernel needs (3 + log2 of the register's lanes) the scalar path runs.
    std::size_t low_bits = 0;
};

/// @brief Everything the exact solver found.
struct exact_solution {
    solve_result result;  ///< samples: ground states and lowest samples; work = states enumerated
    double ground_energy = std::numeric_limits<double>::infinity();
    /// Ground states in (energy, sample) order, at most max_ground_states.
    std::vector<std::vector<std::int8_t>> ground_states;
    /// More than max_ground_states states lie within the tolerance of the minimum.
    bool ground_states_truncated = false;
    /// Every state was enumerated (false when a time limit, target or callback stopped the run).
    bool complete = false;
};

namespace detail {

/// One kept state: its energy as enumerated, its index (bit i = x_i) and its sample-order key.
struct exact_candidate {
    double energy;
    std::uint64_t state;
    std::uint64_t key;
    friend bool operator<(const exact_candidate& a, const exact_candidate& b) noexcept {
        return a.energy != b.energy ? a.energy < b.energy : a.key < b.key;
    }
};

/// Sample order (lexicographic, variable 0 first; -1 < +1 and 0 < 1 both map to bit 0 < 1) is
/// the integer order of the state's n bits reversed.
inline std::uint64_t exact_sample_key(std::uint64_t state, std::size_t n) noexcept {
    if (n == 0) return 0;
    std::uint64_t x = state;
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
    x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
    x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
    x = (x >> 32) | (x << 32);
    return x >> (64 - n);
}

/// The `capacity` best candidates of one block, as a max-heap on (energy, key).
class exact_store {
public:
    explicit exact_store(std::size_t capacity) : capacity_(capacity) {}

    void offer(const exact_candidate& c) {
        if (heap_.size() < capacity_) {
            heap_.push_back(c);
            std::push_heap(heap_.begin(), heap_.end());
        } else if (c < heap_.front()) {
            std::pop_heap(heap_.begin(), heap_.end());
            heap_.back() = c;
            std::push_heap(heap_.begin(), heap_.end());
        }
    }
    bool full() const noexcept { return heap_.size() == capacity_; }
    /// Energy above which nothing can enter (infinity until full).
    double bound() const noexcept {
        return full() ? heap_.front().energy : std::numeric_limits<double>::infinity();
    }
    std::vector<exact_candidate>& items() noexcept { return heap_; }

private:
    std::size_t capacity_;
    std::vector<exact_candidate> heap_;
};

/// The binary form of the model, dense, with the tables of the low part.
struct exact_problem {
    std::size_t n = 0, L = 0, H = 0, B = 0;
    double offset = 0.0;
    double scale = 0.0; // S = |offset| + sum |h| + sum_{i<j} |J|
    std::vector<double> h;
    std::vector<double> J;      // n x n, symmetric, zero diagonal
    std::vector<double> table;  // T[low], 2^L entries
    aligned_vector<float> ttf;  // tt[a][b] = T[a + 8 b] (float kernel)
    aligned_vector<double> ttd; // same in double

    double coupling(std::size_t i, std::size_t j) const noexcept { return J[i * n + j]; }
};

inline exact_problem exact_prepare(const BinaryQuadraticModel& model, exact_kernel kernel, std::size_t low_bits) {
    const BinaryQuadraticModel bin = model.type() == vartype::binary ? model : model.to_binary();
    exact_problem p;
    p.n = bin.num_variables();
    p.offset = bin.offset();
    p.h.assign(bin.linear_biases().begin(), bin.linear_biases().end());
    p.J.assign(p.n * p.n, 0.0);
    p.scale = std::abs(p.offset);
    for (double v : p.h) p.scale += std::abs(v);
    bin.for_each_interaction([&](var_t i, var_t j, double b) {
        p.J[i * p.n + j] = b;
        p.J[j * p.n + i] = b;
        p.scale += std::abs(b);
    });
    // The vector kernels need B >= log2(lanes): 8 float lanes on AVX2 need L >= 6.
    const std::size_t min_l = exact_a_bits + static_cast<std::size_t>(std::countr_zero(
                                                 kernel == exact_kernel::simd_double ? exact_lanes<double> : exact_lanes<float>));
    p.L = std::min<std::size_t>(low_bits ? low_bits : exact_low_bits, p.n);
    p.H = p.n - p.L;
    p.B = p.L >= exact_a_bits ? p.L - exact_a_bits : 0;
    const std::size_t size = std::size_t{1} << p.L;
    // T[low] by doubling over the top bit t: T[low + 2^t] = T[low] + h_t + S_t[low] with
    // S_t[low] = sum_{i < t, i in low} J_it, itself built by doubling: O(2^L) in all.
    p.table.assign(size, 0.0);
    std::vector<double> partial(size / 2 + 1);
    for (std::size_t t = 0; t < p.L; ++t) {
        const std::size_t half = std::size_t{1} << t;
        partial[0] = 0.0;
        for (std::size_t i = 0; i < t; ++i) {
            const std::size_t w = std::size_t{1} << i;
            const double c = p.coupling(i, t);
            for (std::size_t low = 0; low < w; ++low) partial[w + low] = partial[low] + c;
        }
        for (std::size_t low = 0; low < half; ++low) p.table[half + low] = p.table[low] + p.h[t] + partial[low];
    }
    if (p.L >= min_l && kernel != exact_kernel::scalar) {
        const std::size_t nb = std::size_t{1} << p.B;
        if (kernel == exact_kernel::simd_float) p.ttf.resize(size);
        else p.ttd.resize(size);
        for (std::size_t a = 0; a < 8; ++a) {
            for (std::size_t b = 0; b < nb; ++b) {
                const double t = p.table[a | (b << exact_a_bits)];
                if (kernel == exact_kernel::simd_float) p.ttf[a * nb + b] = static_cast<float>(t);
                else p.ttd[a * nb + b] = t;
            }
        }
    }
    return p;
}

/// Shared pruning bound: the smallest "capacity-th best energy" any block has seen. Any such
/// value bounds the global capacity-th best from above, so states above it are never kept.
inline void exact_lower_bound(std::atomic<double>& bound, double v) noexcept {
    double cur = bound.load(std::memory_order_relaxed);
    while (v < cur && !bound.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

/// Running state of one block: the high bits and the quantities that follow them.
struct exact_walker {
    const exact_problem& p;
    std::uint64_t high = 0;  // current high assignment (H bits)
    double C = 0.0;
    std::vector<double> g;   // L fields of the high part on the low variables
    std::vector<double> fh;  // H fields of the high part on the high variables

    explicit exact_walker(const exact_problem& pr) : p(pr), g(pr.L), fh(pr.H) {}

    /// Recompute everything for high assignment `hs` (O(n H)).
    void reset(std::uint64_t hs) {
        high = hs;
        const std::size_t L = p.L;
        C = p.offset;
        std::fill(g.begin(), g.end(), 0.0);
        for (std::size_t j = 0; j < p.H; ++j) {
            double f = p.h[L + j];
            for (std::size_t k = 0; k < p.H; ++k)
                if ((hs >> k) & 1u) f += p.coupling(L + j, L + k);
            fh[j] = f;
        }
        for (std::size_t j = 0; j < p.H; ++j) {
            if (!((hs >> j) & 1u)) continue;
            C += p.h[L + j];
            for (std::size_t k = j + 1; k < p.H; ++k)
                if ((hs >> k) & 1u) C += p.coupling(L + j, L + k);
            const double* row = &p.J[(L + j) * p.n];
            for (std::size_t i = 0; i < L; ++i) g[i] += row[i];
        }
    }

    /// Flip high variable j.
    void flip(std::size_t j) noexcept {
        const std::size_t L = p.L;
        const double dv = ((high >> j) & 1u) ? -1.0 : 1.0;
        C += dv * fh[j];
        const double* row = &p.J[(L + j) * p.n];
        for (std::size_t k = 0; k < p.H; ++k) fh[k] += dv * row[L + k]; // J_jj = 0 keeps fh_j
        for (std::size_t i = 0; i < L; ++i) g[i] += dv * row[i];
        high ^= std::uint64_t{1} << j;
    }

    /// Exact energy of low assignment `low` for the current high part.
    double energy(std::uint64_t low) const noexcept {
        double e = C + p.table[low];
        for (std::uint64_t m = low; m != 0; m &= m - 1) e += g[static_cast<std::size_t>(std::countr_zero(m))];
        return e;
    }
};

/// Bound on |kernel estimate - exact energy| for the vector kernel in precision Real: every
/// rounded quantity (table entry, field, subset sum, add) is at most S in size and each state's
/// estimate passes through at most L + 8 roundings of relative size u, so (2L + 16) u S holds
/// with room to spare.
template <class Real>
double exact_margin(const exact_problem& p) noexcept {
    constexpr double unit = std::is_same_v<Real, float> ? 0x1p-24 : 0x1p-53;
    return (2.0 * static_cast<double>(p.L) + 16.0) * unit * p.scale;
}

/// Enumerate Gray steps [s0, s1) of the high part into `store`. Returns false when stopped.
template <class Real>
bool exact_run_block(const exact_problem& p, exact_kernel kernel, std::uint64_t s0, std::uint64_t s1,
                     exact_store& store, std::atomic<double>& shared_bound, run_control& control) {
    constexpr std::uint64_t refresh = 1024; // steps between recomputations from scratch
    const std::size_t L = p.L;
    const std::size_t size = std::size_t{1} << L;
    const std::size_t nb = std::size_t{1} << p.B;
    const bool vector = kernel != exact_kernel::scalar && (kernel == exact_kernel::simd_float ? !p.ttf.empty() : !p.ttd.empty());
    const Real* tt = nullptr;
    if constexpr (std::is_same_v<Real, float>) tt = p.ttf.data();
    else tt = p.ttd.data();
    const double margin = exact_margin<Real>(p);

    exact_walker w(p);
    constexpr unsigned lane_bits = exact_lane_bits<Real>;
    aligned_vector<Real> gh(vector ? nb >> lane_bits : 0);
    alignas(64) Real gf[64];
    alignas(64) Real ga[8];
    alignas(64) Real gl[64];
    alignas(64) Real rows[8];
    for (std::uint64_t s = s0; s < s1; ++s) {
        if (s == s0 || s % refresh == 0) {
            if (s != s0 && control.should_stop()) return false;
            w.reset(s ^ (s >> 1));
        }
        const std::uint64_t base = w.high << L;
        const double bound = std::min(store.bound(), shared_bound.load(std::memory_order_relaxed));
        bool offered = false;
        if (vector) {
            for (std::size_t i = 0; i < L; ++i) gf[i] = static_cast<Real>(w.g[i]);
            exact_subset_sums<Real>(gf, exact_a_bits, ga);
            exact_subset_sums<Real>(gf + exact_a_bits, lane_bits, gl);
            exact_subset_sums<Real>(gf + exact_a_bits + lane_bits, static_cast<unsigned>(p.B) - lane_bits, gh.data());
            exact_row_minima<Real>(tt, gl, gh.data(), nb, rows);
            double m = std::numeric_limits<double>::infinity();
            for (std::size_t a = 0; a < 8; ++a) m = std::min(m, static_cast<double>(rows[a]) + static_cast<double>(ga[a]));
            // Compare in double: an infinite bound (store not yet full) lets every step through.
            if (m + w.C <= bound + margin) {
                const double lim = bound - w.C + margin;
                const Real limit = std::isinf(lim) ? std::numeric_limits<Real>::infinity() : static_cast<Real>(lim);
                exact_scan<Real>(tt, gl, gh.data(), nb, ga, limit, [&](std::uint64_t low) {
                    const double e = w.energy(low);
                    if (e <= store.bound()) {
                        const std::uint64_t st = base | low;
                        store.offer({e, st, exact_sample_key(st, p.n)});
                        offered = true;
                    }
                });
            }
        } else {
            for (std::uint64_t low = 0; low < size; ++low) {
                const double e = w.energy(low);
                if (e <= bound && e <= store.bound()) {
                    const std::uint64_t st = base | low;
                    store.offer({e, st, exact_sample_key(st, p.n)});
                    offered = true;
                }
            }
        }
        if (offered && store.full()) exact_lower_bound(shared_bound, store.bound());
        if (s + 1 < s1) w.flip(static_cast<std::size_t>(std::countr_zero(s + 1)));
    }
    return true;
}

} // namespace detail

/// @brief Exhaustive enumeration (Gray code, incremental energies, SIMD, OpenMP).
///
/// Options used: `threads`, `time_limit_s`, `target_energy` (stop once a state this low is seen),
/// `progress`; `seed`, `reads` and `sweeps` are ignored (the method is deterministic). A stopped
/// run returns what it saw, marked incomplete. work = states enumerated. The empty model (no
/// variables) has one state, the empty sample, at the offset energy.
class ExactSolver : public Solver {
public:
    /// @throws value_error on invalid options (max_ground_states 0, NaN or infinite tolerance,
    /// max_variables above exact_hard_max_variables).
    explicit ExactSolver(exact_options options = {}) : opts_(options) {
        if (opts_.max_ground_states == 0) throw value_error("exact solver: max_ground_states must be at least 1, got 0");
        if (std::isnan(opts_.tolerance) || std::isinf(opts_.tolerance)) {
            throw value_error("exact solver: tolerance must be finite (negative = automatic), got " +
                              std::to_string(opts_.tolerance));
        }
        if (opts_.low_bits > 20) {
            throw value_error("exact solver: low_bits must be at most 20 (0 = default), got " + std::to_string(opts_.low_bits));
        }
        if (opts_.max_variables > exact_hard_max_variables) {
            throw value_error("exact solver: max_variables is " + std::to_string(opts_.max_variables) +
                              "; it can be raised to at most " + std::to_string(exact_hard_max_variables));
        }
    }

    std::string name() const override { return "exact"; }
    const exact_options& options() const noexcept { return opts_; }

    solve_result solve(const BinaryQuadraticModel& model, const solver_options& options) const override {
        return enumerate(model, options).result;
    }

    /// @brief Enumerate and return the ground states with the truncation flag.
    /// @throws value_error when the model has more than max_variables variables.
    exact_solution enumerate(const BinaryQuadraticModel& model, const solver_options& options = {}) const;

private:
    exact_options opts_;
};

#if QCOACH_HEADER_DEFINITIONS
QCOACH_DECL exact_solution ExactSolver::enumerate(const BinaryQuadraticModel& model, const solver_options& options) const {
    const std::size_t n = model.num_variables();
    if (n > opts_.max_variables) {
        throw value_error("exact solver: the model has " + std::to_string(n) +
                          " variables; exhaustive enumeration is limited to " + std::to_string(opts_.max_variables) +
                          " (2^" + std::to_string(opts_.max_variables) +
                          " states; raise exact_options::max_variables up to " +
                          std::to_string(exact_hard_max_variables) + " or use a heuristic solver)");
    }
    detail::run_control control(options);
    exact_solution out;
    out.result.solver = name();
    out.result.work_unit = "states";
    out.result.samples = SampleSet(model.type(), n);

    // The float kernel's sums would overflow past ~1e38; such models take the double one.
    exact_kernel kernel = opts_.kernel;
    const detail::exact_problem p = [&] {
        auto q = detail::exact_prepare(model, kernel, opts_.low_bits);
        if (kernel == exact_kernel::simd_float && q.scale > 1e30) {
            kernel = exact_kernel::simd_double;
            q = detail::exact_prepare(model, kernel, opts_.low_bits);
        }
        return q;
    }();
    const double tol = opts_.tolerance >= 0 ? opts_.tolerance : 1e-10 * p.scale;
    const std::size_t keep = std::max(opts_.num_lowest, opts_.max_ground_states + 1);

    // Blocks: fixed ranges of the Gray sequence that depend on n only (2^min(8, H/2) blocks
    // of at least 2^(H/2) steps, so a block's start-up is paid over many steps).
    const unsigned block_bits = static_cast<unsigned>(std::min<std::size_t>(p.H / 2, 8));
    const std::uint64_t blocks = std::uint64_t{1} << block_bits;
    const std::uint64_t steps = std::uint64_t{1} << (p.H - block_bits);
    // Each block keeps at most `keep` candidates (and never more than it has states).
    const std::uint64_t most = std::min<std::uint64_t>(static_cast<std::uint64_t>(keep) * blocks,
                                                       std::uint64_t{1} << std::min<std::size_t>(n, 62));
    check_memory(most * sizeof(detail::exact_candidate),
                 "the exact solver's list of " + std::to_string(keep) + " best states per block");
    std::vector<detail::exact_store> stores(blocks, detail::exact_store(keep));
    std::vector<char> done(blocks, 0);
    std::atomic<double> shared_bound{std::numeric_limits<double>::infinity()};
    const bool use_double = kernel == exact_kernel::simd_double;
    const auto run_block = [&](std::uint64_t b) {
        if (control.should_stop()) return;
        auto& store = stores[b];
        const bool finished =
            use_double ? detail::exact_run_block<double>(p, kernel, b * steps, (b + 1) * steps, store, shared_bound, control)
                       : detail::exact_run_block<float>(p, kernel, b * steps, (b + 1) * steps, store, shared_bound, control);
        if (!finished) return;
        done[b] = 1;
        if (!store.items().empty()) {
            const auto best = *std::min_element(store.items().begin(), store.items().end());
            control.offer(best.energy, sample_from_bits(model.type(), n, best.state));
        }
        control.unit_done();
    };

    // Block 0 first, alone: its list gives every other block a pruning bound from the start.
    run_block(0);
    const exec_policy policy{options.threads};
    [[maybe_unused]] const int threads = static_cast<int>(std::min<std::uint64_t>(
        static_cast<std::uint64_t>(policy.threads_for(index_t{1} << std::min<std::size_t>(n, 62))), blocks));
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1)
#endif
    for (std::int64_t bi = 1; bi < static_cast<std::int64_t>(blocks); ++bi) run_block(static_cast<std::uint64_t>(bi));

    // Merge in block order; the order of the union does not matter after sorting.
    std::vector<detail::exact_candidate> all;
    std::uint64_t blocks_done = 0;
    for (std::uint64_t b = 0; b < blocks; ++b) {
        if (!done[b]) continue;
        ++blocks_done;
        all.insert(all.end(), stores[b].items().begin(), stores[b].items().end());
    }
    std::sort(all.begin(), all.end());
    if (all.size() > keep) all.resize(keep);

    out.complete = blocks_done == blocks;
    out.result.work = blocks_done * steps << p.L;
    if (!all.empty()) {
        out.ground_energy = all.front().energy;
        std::size_t in_band = 0;
        while (in_band < all.size() && all[in_band].energy <= out.ground_energy + tol) ++in_band;
        out.ground_states_truncated = in_band > opts_.max_ground_states;
        const std::size_t ground = std::min(in_band, opts_.max_ground_states);
        for (std::size_t k = 0; k < all.size(); ++k) {
            if (k >= ground && k >= opts_.num_lowest) break;
            const auto sample = sample_from_bits(model.type(), n, all[k].state);
            out.result.samples.add(sample, model.energy_unchecked(sample));
            if (k < ground) out.ground_states.push_back(sample);
        }
        // Reported on the caller's model (the enumeration ran on the binary form).
        out.ground_energy = std::numeric_limits<double>::infinity();
        for (const auto& g : out.ground_states) out.ground_energy = std::min(out.ground_energy, model.energy_unchecked(g));
    }
    control.finish(out.result);
    if (!out.result.samples.empty()) {
        out.result.best_energy = out.result.samples.best().energy;
        out.result.best_sample = out.result.samples.best().sample;
    }
    return out;
}
#endif

} // namespace qcoach::qubo
