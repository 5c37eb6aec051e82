#pragma once
/// @file
/// @brief The one interface every QUBO/Ising solver shares: options in, sample set out.
///
/// Reproducibility: a solver splits its work into numbered units (reads, restarts, replicas);
/// unit k draws from Rng::stream(seed, k) and results are merged in unit order, so the same
/// seed gives the same SampleSet for any thread count. A time limit, a target energy or a
/// progress callback that asks to stop end the run early; which units finished then depends on
/// timing, and the result says that it stopped early.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

/// What a solver reports while it runs.
struct progress_info {
    std::size_t units_done = 0;   ///< reads / restarts / sweeps completed
    std::size_t units_total = 0;  ///< 0 when open-ended (time-limited)
    double best_energy = std::numeric_limits<double>::infinity();
    double elapsed_s = 0.0;
};

/// Called from the solver's own thread at most every `progress_interval_s`; return false to stop.
using progress_callback = std::function<bool(const progress_info&)>;

/// Options every solver understands. 0 means "the solver's documented default".
struct solver_options {
    std::uint64_t seed = 0;
    std::size_t reads = 0;             ///< independent runs (restarts for tabu)
    std::size_t sweeps = 0;            ///< sweeps per read (annealing, tempering)
    double time_limit_s = 0.0;         ///< wall-clock budget; 0 = none
    std::optional<double> target_energy; ///< stop as soon as a sample this low is found
    int threads = 0;                   ///< OpenMP threads; 0 = all available
    progress_callback progress;        ///< optional
    double progress_interval_s = 0.5;
};

/// One distinct sample with its energy and how many times the solver returned it.
struct sample_entry {
    std::vector<std::int8_t> sample;
    double energy = 0.0;
    std::size_t count = 0;
};

/// @brief Distinct samples sorted by energy (then lexicographically), with multiplicities.
class SampleSet {
public:
    SampleSet() = default;
    SampleSet(vartype type, std::size_t num_variables) : type_(type), n_(num_variables) {}

    vartype type() const noexcept { return type_; }
    std::size_t num_variables() const noexcept { return n_; }

    /// Add `count` copies of a sample with its energy (duplicates are merged).
    void add(std::span<const std::int8_t> sample, double energy, std::size_t count = 1) {
        if (sample.size() != n_) {
            throw value_error("sample of length " + std::to_string(sample.size()) + " added to a set of " +
                              std::to_string(n_) + " variables");
        }
        std::vector<std::int8_t> key(sample.begin(), sample.end());
        auto [it, inserted] = index_.try_emplace(key, entries_.size());
        if (inserted) entries_.push_back({std::move(key), energy, count});
        else entries_[it->second].count += count;
        sorted_ = false;
    }

    void merge(const SampleSet& other) {
        for (const auto& e : other.entries()) add(e.sample, e.energy, e.count);
    }

    /// Entries sorted by energy, ties by sample.
    const std::vector<sample_entry>& entries() const {
        if (!sorted_) {
            std::sort(entries_.begin(), entries_.end(), [](const sample_entry& a, const sample_entry& b) {
                return a.energy != b.energy ? a.energy < b.energy : a.sample < b.sample;
            });
            for (std::size_t i = 0; i < entries_.size(); ++i) index_[entries_[i].sample] = i;
            sorted_ = true;
        }
        return entries_;
    }

    bool empty() const noexcept { return entries_.empty(); }
    std::size_t size() const noexcept { return entries_.size(); }
    /// Total count over all entries (the number of samples returned, with repeats).
    std::size_t total_count() const noexcept {
        std::size_t c = 0;
        for (const auto& e : entries_) c += e.count;
        return c;
    }
    const sample_entry& best() const {
        if (entries_.empty()) throw value_error("the sample set is empty");
        return entries().front();
    }

    /// Keep only the `k` lowest entries.
    void truncate(std::size_t k) {
        entries();
        if (entries_.size() > k) {
            for (std::size_t i = k; i < entries_.size(); ++i) index_.erase(entries_[i].sample);
            entries_.resize(k);
        }
    }

private:
    vartype type_ = vartype::binary;
    std::size_t n_ = 0;
    mutable std::vector<sample_entry> entries_;
    mutable std::map<std::vector<std::int8_t>, std::size_t> index_;
    mutable bool sorted_ = true;
};

/// What a solver returns.
struct solve_result {
    std::string solver;
    SampleSet samples;
    std::vector<std::int8_t> best_sample;
    double best_energy = std::numeric_limits<double>::infinity();
    double time_to_best_s = 0.0;  ///< wall time until best_energy was first reached
    double total_time_s = 0.0;
    bool reached_target = false;
    bool stopped_early = false;   ///< time limit, target or callback ended the run
    std::uint64_t work = 0;       ///< solver-specific count (flip attempts, states, moves)
    std::string work_unit;        ///< what `work` counts
};

/// @brief Base class of the solvers (exact, annealing, tempering, tabu, QAOA).
class Solver {
public:
    virtual ~Solver() = default;
    virtual std::string name() const = 0;
    virtual solve_result solve(const BinaryQuadraticModel& model, const solver_options& options) const = 0;
};

namespace detail {

/// Shared run bookkeeping: wall clock, stop conditions, best-so-far and its time, progress.
/// Thread-safe; offer() is cheap when the energy does not improve.
class run_control {
public:
    explicit run_control(const solver_options& o, std::size_t units_total = 0)
        : opts_(o), start_(clock::now()), units_total_(units_total) {
        if (o.time_limit_s < 0 || !std::isfinite(o.time_limit_s))
            throw value_error("time limit must be a finite number of seconds >= 0, got " + std::to_string(o.time_limit_s));
        if (o.threads < 0) throw value_error("thread count must be >= 0, got " + std::to_string(o.threads));
        if (o.target_energy && !std::isfinite(*o.target_energy)) throw value_error("target energy must be finite");
    }

    double elapsed() const noexcept { return std::chrono::duration<double>(clock::now() - start_).count(); }

    /// True once the run should end (time limit, target reached, callback said stop).
    bool should_stop() const noexcept {
        if (stop_.load(std::memory_order_relaxed)) return true;
        if (opts_.time_limit_s > 0 && elapsed() >= opts_.time_limit_s) {
            stop_.store(true, std::memory_order_relaxed);
            stopped_early_.store(true, std::memory_order_relaxed);
            return true;
        }
        return false;
    }

    /// Report a candidate; returns true when it is a new best.
    bool offer(double energy, std::span<const std::int8_t> sample) {
        if (!(energy < best_hint_.load(std::memory_order_relaxed))) return false;
        std::lock_guard<std::mutex> lock(mutex_);
        if (!(energy < best_energy_)) return false;
        best_energy_ = energy;
        best_hint_.store(energy, std::memory_order_relaxed);
        best_sample_.assign(sample.begin(), sample.end());
        time_to_best_ = elapsed();
        if (opts_.target_energy && energy <= *opts_.target_energy) {
            reached_target_ = true;
            stop_.store(true, std::memory_order_relaxed);
            stopped_early_.store(true, std::memory_order_relaxed);
        }
        return true;
    }

    /// Count finished units and call the progress callback when it is due (any thread).
    void unit_done(std::size_t k = 1) {
        units_done_.fetch_add(k, std::memory_order_relaxed);
        maybe_report();
    }

    void maybe_report() {
        if (!opts_.progress) return;
        const double t = elapsed();
        if (t < next_report_.load(std::memory_order_relaxed)) return;
        std::lock_guard<std::mutex> lock(mutex_);
        if (t < next_report_.load(std::memory_order_relaxed)) return;
        next_report_.store(t + opts_.progress_interval_s, std::memory_order_relaxed);
        progress_info info{units_done_.load(), units_total_, best_energy_, t};
        if (!opts_.progress(info)) {
            stop_.store(true, std::memory_order_relaxed);
            stopped_early_.store(true, std::memory_order_relaxed);
        }
    }

    double best_energy() const noexcept { return best_hint_.load(std::memory_order_relaxed); }

    /// Fill the timing and best fields of a result.
    void finish(solve_result& r) const {
        r.total_time_s = elapsed();
        r.time_to_best_s = time_to_best_;
        r.reached_target = reached_target_;
        r.stopped_early = stopped_early_.load();
        if (!best_sample_.empty() && best_energy_ <= r.best_energy) {
            r.best_energy = best_energy_;
            r.best_sample = best_sample_;
        }
    }

    const solver_options& options() const noexcept { return opts_; }

private:
    using clock = std::chrono::steady_clock;
    solver_options opts_;
    clock::time_point start_;
    std::size_t units_total_ = 0;
    mutable std::atomic<bool> stop_{false};
    mutable std::atomic<bool> stopped_early_{false};
    std::atomic<double> best_hint_{std::numeric_limits<double>::infinity()};
    std::atomic<double> next_report_{0.0};
    std::atomic<std::size_t> units_done_{0};
    std::mutex mutex_;
    double best_energy_ = std::numeric_limits<double>::infinity();
    std::vector<std::int8_t> best_sample_;
    double time_to_best_ = 0.0;
    bool reached_target_ = false;
};

} // namespace detail

} // namespace qcoach::qubo
