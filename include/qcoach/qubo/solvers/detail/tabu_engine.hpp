#pragma once
/// @file
/// @brief The inner loop of the tabu solver: one-flip tabu search over a sample whose one-flip
/// energy changes (deltas) are all kept current. Also used for the local search of the
/// tempering solver.
///
/// Delta bookkeeping. With field_j = h_j + sum_k J_jk v_k (csr.hpp), the change of E when v_j
/// flips is delta_j = g(v_j) field_j with g(x) = 1 - 2x (binary) or g(s) = -2s (spin). When v_i
/// flips, field_j moves by J_ij (v_i' - v_i) and delta_j moves by
///
///     binary:  (1 - 2 x_j) J_ij (1 - 2 x_i)        spin:  (-2 s_j) J_ij (-2 s_i) = 4 J_ij s_j s_i
///
/// (v_i before the flip) and delta_i changes sign. So a flip costs O(degree) and the deltas are
/// stored directly: the O(n) scan of every tabu iteration then reads one array.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/solvers/detail/tabu_scan.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo::detail {

/// Settings of one tabu_engine::search call.
struct tabu_settings {
    std::uint64_t max_moves = 0;   ///< tabu moves (descent flips not counted)
    std::uint64_t tenure = 0;      ///< smallest tabu tenure
    std::uint64_t tenure_span = 0; ///< tenure is drawn uniformly from tenure .. tenure + span
    std::uint64_t stall = 0;       ///< moves without a new best before a kick; 0: never
};

/// @brief Default tabu tenure: min(20, n/4), Palubeckis' MST2 value (also dwave-tabu's), raised
/// to n / (mean degree) = n^2 / (2 interactions), at most n/4, on sparse models. The MST2 value
/// suits the dense OR-Library BQP instances (10% density, where the rule gives 10 and 20
/// stays); on sparse MaxCut graphs it lets the search cycle: on G22 (n = 2000, mean degree 20)
/// tenure 100 reached cut 13356 in 20 s where 20 stalled at 13239, while 50 instead of 20
/// made bqp1000 ten times slower to reach its best-known values.
inline std::uint64_t default_tenure(std::size_t n, std::size_t interactions) noexcept {
    const std::size_t base = std::min<std::size_t>(20, n / 4);
    if (interactions == 0) return base;
    const double sparse = static_cast<double>(n) * static_cast<double>(n) / (2.0 * static_cast<double>(interactions));
    const auto raised = static_cast<std::size_t>(std::min(sparse, static_cast<double>(n / 4)));
    return std::max(base, raised);
}

/// What one call of tabu_engine::search did.
struct tabu_run {
    std::uint64_t moves = 0;   ///< tabu moves plus descent and kick flips
    std::uint64_t kicks = 0;   ///< stalls ended by a kick
    bool stopped = false;      ///< the stop predicate ended it early
};

/// @brief One sample with cached deltas, the best sample seen since the last reset, and the
/// tabu loop. Not thread-safe: each thread owns one. Aligned to a cache line: the engines of
/// different threads are allocated side by side, and their counters, written on every move,
/// must not share a line (measured: 2 threads ran slower than 1 before).
template <precision Real>
class alignas(64) tabu_engine {
public:
    explicit tabu_engine(const CsrModel<Real>& m)
        : m_(&m), n_(m.num_variables()), x_(n_), delta_(n_), tabu_until_(n_), best_x_(n_) {
        // Tolerance below which a delta counts as zero in the descent: sums of Real-rounded
        // updates drift by a few ulps of the largest coefficient, and a "negative" delta
        // that is only drift must not be taken (it could cycle).
        Real scale = 0;
        for (const Real h : m.linear_biases()) scale = std::max(scale, std::abs(h));
        for (const Real w : m.values()) scale = std::max(scale, std::abs(w));
        tolerance_ = static_cast<Real>(64) * std::numeric_limits<Real>::epsilon() * scale;
    }

    std::size_t size() const noexcept { return n_; }
    double energy() const noexcept { return energy_; }
    std::span<const std::int8_t> sample() const noexcept { return x_; }
    std::span<const Real> deltas() const noexcept { return delta_; }
    double best_energy() const noexcept { return best_e_; }
    std::span<const std::int8_t> best_sample() const noexcept { return best_x_; }

    /// @brief Take sample x (valid values, length n): deltas and energy from scratch, O(nnz).
    /// The best-so-far becomes x.
    void load(std::span<const std::int8_t> x) noexcept {
        std::copy(x.begin(), x.end(), x_.begin());
        reload();
    }

    /// @brief Recompute deltas and energy of the current sample (also clears Real drift).
    void reload() noexcept {
        for (var_t i = 0; i < n_; ++i) delta_[i] = m_->flip_delta(x_[i], m_->local_field(x_, i));
        energy_ = m_->energy_unchecked(x_);
        remember_best();
    }

    /// @brief A uniformly random sample, loaded.
    void randomize(Rng& rng) noexcept {
        const bool binary = m_->type() == vartype::binary;
        for (std::size_t i = 0; i < n_; i += 64) {
            std::uint64_t bits = rng();
            for (std::size_t k = i; k < std::min(n_, i + 64); ++k, bits >>= 1) {
                const auto b = static_cast<std::int8_t>(bits & 1u);
                x_[k] = binary ? b : static_cast<std::int8_t>(2 * b - 1);
            }
        }
        reload();
    }

    /// @brief Make the current sample the best-so-far.
    void remember_best() noexcept {
        best_e_ = energy_;
        std::copy(x_.begin(), x_.end(), best_x_.begin());
    }

    /// @brief Flip v_i and update every delta it touches: O(degree(i)).
    void flip(var_t i) noexcept {
        const Real d = delta_[i];
        energy_ += static_cast<double>(d);
        const std::int8_t old = x_[i];
        delta_[i] = -d;
        const auto cols = m_->neighbours(i);
        const auto ws = m_->weights(i);
        const std::size_t deg = cols.size();
        Real* __restrict delta = delta_.data();
        const std::int8_t* __restrict x = x_.data();
        if (m_->type() == vartype::binary) {
            x_[i] = static_cast<std::int8_t>(1 - old);
            const Real gi = static_cast<Real>(1 - 2 * old);
            for (std::size_t k = 0; k < deg; ++k) {
                const var_t j = cols[k];
                delta[j] += ws[k] * gi * static_cast<Real>(1 - 2 * x[j]);
            }
        } else {
            x_[i] = static_cast<std::int8_t>(-old);
            const Real gi = static_cast<Real>(4 * old);
            for (std::size_t k = 0; k < deg; ++k) {
                const var_t j = cols[k];
                delta[j] += ws[k] * gi * static_cast<Real>(x[j]);
            }
        }
    }

    /// @brief First-improvement descent: sweep the variables in index order, flipping each one
    /// whose delta is negative, until a full sweep flips nothing (a one-flip local minimum).
    /// Returns the number of flips.
    std::uint64_t descend() noexcept {
        std::uint64_t flips = 0;
        const Real tol = -tolerance_;
        bool improved = true;
        while (improved) {
            improved = false;
            for (var_t i = 0; i < n_; ++i) {
                if (delta_[i] < tol) {
                    flip(i);
                    ++flips;
                    improved = true;
                }
            }
        }
        return flips;
    }

    /// @brief Start a tabu search from the current sample: nothing is tabu, no move made yet.
    /// The best-so-far is not reset: call remember_best() (or load) first.
    void start_search() noexcept {
        std::fill(tabu_until_.begin(), tabu_until_.end(), clock_t{0});
        clock_ = 0;
        moves_done_ = 0;
        last_best_ = 0;
    }

    /// Tabu moves made since start_search().
    std::uint64_t moves_done() const noexcept { return moves_done_; }
    bool search_finished(const tabu_settings& s) const noexcept { return moves_done_ >= s.max_moves; }

    /// @brief Continue the tabu search for at most `budget` moves, and not past `s.max_moves`
    /// since start_search() (so a search can run in slices).
    ///
    /// Each move flips the variable with the lowest delta among the non-tabu ones, or a tabu one
    /// whose flip gives a sample better than the best-so-far (aspiration); ties are broken
    /// uniformly at random (detail/tabu_scan.hpp). A flipped variable stays tabu for
    /// tenure + U{0..tenure_span} moves. When a move reaches a new best, a descent follows (so
    /// every recorded best is a local minimum, as in Palubeckis' MST2) and on_best(energy,
    /// sample) is called. After `s.stall` moves without a new best (0: never), kick(*this, rng)
    /// moves the search elsewhere and the tabu list is cleared. stop() is polled every 64 moves.
    template <class Stop, class OnBest, class Kick>
    tabu_run search(const tabu_settings& s, std::uint64_t budget, Rng& rng, Stop&& stop, OnBest&& on_best,
                    Kick&& kick) {
        tabu_run run;
        const std::uint64_t end = moves_done_ + std::min(budget, s.max_moves - std::min(s.max_moves, moves_done_));
        while (moves_done_ < end) {
            if ((moves_done_ & 63u) == 63u && stop()) {
                run.stopped = true;
                break;
            }
            if (s.stall != 0 && moves_done_ - last_best_ >= s.stall) {
                run.moves += kick(*this, rng);
                ++run.kicks;
                std::fill(tabu_until_.begin(), tabu_until_.end(), clock_t{0});
                clock_ = 0;
                last_best_ = moves_done_;
            }
            if (clock_ >= clock_limit) rebase();
            ++clock_;
            ++moves_done_;
            ++run.moves;
            // A tabu move is allowed when energy + delta < best, i.e. delta < best - energy.
            const Real aspiration = static_cast<Real>(best_e_ - energy_);
            const scan_result<Real> found = path_ == kernel_path::simd
                                                ? scan_fast(aspiration)
                                                : scan_scalar(delta_.data(), tabu_until_.data(), n_, clock_, aspiration);
            if (found.count == 0) continue; // everything tabu and nothing aspirates (tenure near n)
            std::size_t pick = found.first;
            if (found.count > 1) {
                const auto r = static_cast<std::uint32_t>(rng.below(found.count));
                if (r != 0) pick = nth_lowest(delta_.data(), tabu_until_.data(), n_, clock_, aspiration, found.low, r);
            }
            flip(static_cast<var_t>(pick));
            tabu_until_[pick] = static_cast<clock_t>(
                clock_ + static_cast<clock_t>(s.tenure + (s.tenure_span != 0 ? rng.below(s.tenure_span + 1) : 0)));
            if (energy_ < best_e_) {
                run.moves += descend();
                remember_best();
                last_best_ = moves_done_;
                on_best(best_e_, std::span<const std::int8_t>(best_x_));
            }
        }
        return run;
    }

    /// @brief start_search() and search() over the whole budget `s.max_moves`.
    template <class Stop, class OnBest, class Kick>
    tabu_run search(const tabu_settings& s, Rng& rng, Stop&& stop, OnBest&& on_best, Kick&& kick) {
        start_search();
        return search(s, s.max_moves, rng, stop, on_best, kick);
    }

    /// @brief Scalar or SIMD scan (the tests run both; they choose the same moves).
    void set_path(kernel_path p) noexcept { path_ = p; }

private:
    const CsrModel<Real>* m_;
    std::size_t n_;
    std::vector<std::int8_t> x_;
    aligned_vector<Real> delta_;
    using clock_t = tabu_clock<Real>;
    // The clock restarts before it could overflow (int32 for float): see rebase().
    static constexpr clock_t clock_limit = std::numeric_limits<clock_t>::max() / 4;

    scan_result<Real> scan_fast(Real aspiration) const noexcept {
#if defined(QCOACH_TABU_SIMD)
        return scan_simd(delta_.data(), tabu_until_.data(), n_, clock_, aspiration);
#else
        return scan_scalar(delta_.data(), tabu_until_.data(), n_, clock_, aspiration);
#endif
    }

    /// Shift the clock and every tabu mark down by the same amount (marks in the past become 0).
    void rebase() noexcept {
        const clock_t shift = clock_ - 1;
        for (clock_t& u : tabu_until_) u = u > shift ? u - shift : clock_t{0};
        clock_ -= shift;
    }

    aligned_vector<clock_t> tabu_until_;
    clock_t clock_ = 0;
    std::uint64_t moves_done_ = 0;
    std::uint64_t last_best_ = 0;
    kernel_path path_ = kernel_path::simd;
    std::vector<std::int8_t> best_x_;
    double energy_ = 0.0;
    double best_e_ = std::numeric_limits<double>::infinity();
    Real tolerance_ = 0;
};

} // namespace qcoach::qubo::detail
