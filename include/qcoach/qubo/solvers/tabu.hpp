#pragma once
/// @file
/// @brief TabuSolver: multistart one-flip tabu search with an elite pool.
///
/// Each restart runs a one-flip tabu search (detail/tabu_engine.hpp): the best non-tabu move,
/// or a tabu move that gives a new best (aspiration), with ties broken at random; every new
/// best is polished by a descent. The first round of restarts starts from random samples; the
/// later ones start from an elite sample (one of the best distinct samples found so far) with
/// a random few of its variables flipped, polished by a descent. Within a restart, a search
/// that finds no new best for a while is kicked the same way from its own best. This follows
/// Palubeckis' MST2 (G. Palubeckis, "Multistart tabu search strategies for the unconstrained
/// binary quadratic optimization problem", Ann. Oper. Res. 131 (2004) 259-282), which restarts
/// each tabu run from a perturbation of the previous run's best; the elite pool, the random
/// perturbation and the kicks are this library's choices, measured on OR-Library bqp250-1000
/// (benchmarks/bench_qubo_tabu.cpp) and on small penalty models.
///
/// Defaults and their sources:
///   - tenure min(20, n/4): MST2 as implemented in dwave-tabu (TabuSampler's default), raised
///     to n / (mean degree) on sparse models (detail::default_tenure has the measurements);
///   - moves per restart 10 n, at least 2,000: MST2 gives each tabu run after the first
///     2,500 (n <= 500) or 10,000 (n > 500) moves (its budget of Z2 n candidate evaluations,
///     about n per move); 10 n is of that order on the OR-Library sizes and scales with n;
///   - perturbation 2-10% of the variables, drawn uniformly per restart or kick: on bqp250-1000
///     anything from 2% to 25% reaches the best-known values equally fast, while on penalty
///     models (one-hot rows and capacities) larger perturbations break so many rows that the
///     descent lands far away, and the optimum was missed about twice as often;
///   - kick after 2 n moves without a new best (at least 20): with a fixed tenure the search can
///     fall into a cycle it never leaves. On penalty models of 14 variables, 8 restarts missed
///     the optimum in 5-10% of the cases whether a restart had 2,000 or 20,000 moves; with the
///     kick none of 400 cases did;
///   - elite pool of 8 samples, rounds of 8 restarts.
///
/// Reproducibility: restarts are the units of work. Restart k draws from Rng::stream(seed, k).
/// Restarts run in rounds of `restarts_per_round`; a restart of round r only reads the elite
/// pool as it stood after round r - 1, and the pool is updated in restart order after each
/// round, so the result is the same for any thread count (unless a time limit, a target or
/// the progress callback ends the run).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "qcoach/core/config.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/detail/format.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/solvers/detail/tabu_engine.hpp"

namespace qcoach::qubo {

/// @brief Tuning of TabuSolver. 0 (or 0.0) selects the documented default.
struct tabu_params {
    /// Moves a flipped variable stays tabu; 0: min(20, n/4), raised to n / (mean degree), at
    /// most n/4, on sparse models (detail::default_tenure). Must be < n.
    std::size_t tenure = 0;
    /// A random extra tenure, drawn uniformly from 0..tenure_span per move (default 0: fixed).
    std::size_t tenure_span = 0;
    /// Moves without a new best, per variable, after which the search is kicked: it goes back
    /// to its best sample and flips a random fraction of it, as a restart from the pool does;
    /// 0: 2 (at least 20 moves); infinity: never.
    double stall_per_variable = 0.0;
    /// Tabu moves per restart, per variable; 0: 10 (at least min_moves in total).
    double moves_per_variable = 0.0;
    /// Lower bound on the moves per restart; 0: 2,000.
    std::size_t min_moves = 0;
    /// Smallest and largest fraction of the variables flipped when a restart perturbs an elite
    /// sample, and when a stalled search is kicked (drawn uniformly in between); 0: 0.02 and 0.10.
    double perturb_min = 0.0;
    double perturb_max = 0.0;
    /// Distinct samples kept as restart points; 0: 8.
    std::size_t elite_size = 0;
    /// Restarts per round (the pool is updated between rounds); 0: 8. Also the most threads a
    /// run can use.
    std::size_t restarts_per_round = 0;
    /// The scan of each move: SIMD (default) or the scalar reference loop. Both choose the same
    /// moves (detail/tabu_scan.hpp), so the result does not depend on it.
    kernel_path path = kernel_path::simd;
};

/// @brief Multistart tabu search (see the file comment). Coefficients and deltas are held in
/// precision Real; reported energies are recomputed in double from the model.
template <precision Real = double>
class TabuSolver final : public Solver {
public:
    /// Restarts when neither `reads` nor a time limit is given.
    static constexpr std::size_t default_restarts = 16;

    TabuSolver() = default;
    explicit TabuSolver(const tabu_params& p) : params_(p) { check_params(p); }

    std::string name() const override { return "tabu"; }
    const tabu_params& params() const noexcept { return params_; }

    /// @brief Minimize `model`. options.reads = number of restarts (0: default_restarts, or
    /// unlimited when a time limit is set); options.sweeps is not used and must be 0.
    solve_result solve(const BinaryQuadraticModel& model, const solver_options& options) const override;

private:
    struct elite {
        double energy;
        std::vector<std::int8_t> sample;
    };
    struct restart_result {
        std::vector<std::int8_t> sample;
        double energy = 0.0;
        std::uint64_t moves = 0;
    };
    struct resolved {
        detail::tabu_settings search;
        std::size_t perturb_lo, perturb_hi;
        std::size_t elite;
        std::size_t round;
    };

    static void check_params(const tabu_params& p) {
        if (!(p.stall_per_variable >= 0)) {
            throw value_error("stall_per_variable must be >= 0 (infinity: never kick), got " +
                              detail::format_number(p.stall_per_variable));
        }
        if (!(std::isfinite(p.moves_per_variable) && p.moves_per_variable >= 0)) {
            throw value_error("moves_per_variable must be a finite number >= 0, got " + detail::format_number(p.moves_per_variable));
        }
        const auto fraction = [](double f, const char* what) {
            if (!(f >= 0.0 && f <= 1.0)) {
                throw value_error(std::string(what) + " must be a fraction in [0, 1], got " + detail::format_number(f));
            }
        };
        fraction(p.perturb_min, "perturb_min");
        fraction(p.perturb_max, "perturb_max");
        if (p.perturb_min > 0.0 && p.perturb_max > 0.0 && p.perturb_min > p.perturb_max) {
            throw value_error("perturb_min (" + detail::format_number(p.perturb_min) + ") exceeds perturb_max (" +
                              detail::format_number(p.perturb_max) + ")");
        }
    }

    resolved resolve(std::size_t n, std::size_t interactions) const {
        resolved r{};
        if (params_.tenure != 0 && params_.tenure >= n) {
            throw value_error("tabu tenure " + std::to_string(params_.tenure) + " must be less than the number of variables (" +
                              std::to_string(n) + ")");
        }
        r.search.tenure = params_.tenure != 0 ? params_.tenure : detail::default_tenure(n, interactions);
        r.search.tenure_span = params_.tenure_span;
        // The tabu clock is as wide as Real (int32 for float): keep marks far below its range.
        if (r.search.tenure + r.search.tenure_span >= (std::size_t{1} << 28)) {
            throw value_error("tabu tenure + tenure_span must be below 2^28, got " +
                              std::to_string(r.search.tenure + r.search.tenure_span));
        }
        const double stall = params_.stall_per_variable > 0 ? params_.stall_per_variable : 2.0;
        r.search.stall = std::isinf(stall) ? 0 : static_cast<std::uint64_t>(std::max(20.0, stall * static_cast<double>(n)));
        const double per_var = params_.moves_per_variable > 0 ? params_.moves_per_variable : 10.0;
        const std::size_t min_moves = params_.min_moves != 0 ? params_.min_moves : 2000;
        r.search.max_moves = static_cast<std::uint64_t>(std::max(per_var * static_cast<double>(n), static_cast<double>(min_moves)));
        const double lo = params_.perturb_min > 0 ? params_.perturb_min : 0.02;
        const double hi = params_.perturb_max > 0 ? params_.perturb_max : std::max(lo, 0.10);
        if (lo > hi) {
            throw value_error("perturb_min (" + detail::format_number(lo) + ") exceeds perturb_max (" + detail::format_number(hi) + ")");
        }
        r.perturb_lo = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(lo * static_cast<double>(n))));
        r.perturb_hi = std::max(r.perturb_lo, static_cast<std::size_t>(std::lround(hi * static_cast<double>(n))));
        r.perturb_lo = std::min(r.perturb_lo, n);
        r.perturb_hi = std::min(r.perturb_hi, n);
        r.elite = params_.elite_size != 0 ? params_.elite_size : 8;
        r.round = params_.restarts_per_round != 0 ? params_.restarts_per_round : 8;
        return r;
    }

    /// Flip a uniformly drawn number (in [perturb_lo, perturb_hi]) of distinct random variables.
    static std::uint64_t perturb(detail::tabu_engine<Real>& eng, std::vector<var_t>& order, const resolved& r, Rng& rng) {
        const std::size_t n = order.size();
        const std::size_t count = r.perturb_lo + rng.below(r.perturb_hi - r.perturb_lo + 1);
        std::iota(order.begin(), order.end(), var_t{0}); // reset: the draw must not depend on history
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t pick = k + rng.below(n - k);
            std::swap(order[k], order[pick]);
            eng.flip(order[k]);
        }
        return count;
    }

    /// Put a restart's best into the pool if it is new and good enough (pool sorted by energy;
    /// an equal energy goes after the ones already there).
    static void admit(std::vector<elite>& pool, const restart_result& res, std::size_t capacity) {
        for (const elite& e : pool)
            if (e.energy == res.energy && e.sample == res.sample) return;
        if (pool.size() == capacity && !(res.energy < pool.back().energy)) return;
        const auto at = std::upper_bound(pool.begin(), pool.end(), res.energy,
                                         [](double e, const elite& x) { return e < x.energy; });
        pool.insert(at, elite{res.energy, res.sample});
        if (pool.size() > capacity) pool.pop_back();
    }

    tabu_params params_{};
};

#if QCOACH_HEADER_DEFINITIONS
template <precision Real>
solve_result TabuSolver<Real>::solve(const BinaryQuadraticModel& model, const solver_options& options) const {
    detail::run_control rc(options);
    if (options.sweeps != 0) {
        throw value_error("tabu search has no sweeps (got sweeps = " + std::to_string(options.sweeps) +
                          "); set reads (restarts) or moves_per_variable instead");
    }
    const std::size_t n = model.num_variables();
    const resolved r = resolve(n, model.num_interactions());
    solve_result out;
    out.solver = name();
    out.work_unit = "moves";
    out.samples = SampleSet(model.type(), n);
    if (n == 0) {
        out.samples.add({}, model.offset(), 1);
        rc.finish(out);
        out.best_energy = model.offset();
        return out;
    }
    const CsrModel<Real> csr(model);
    std::size_t total = options.reads;
    if (total == 0) total = options.time_limit_s > 0 ? std::numeric_limits<std::size_t>::max() : default_restarts;

    int threads = options.threads > 0 ? options.threads : available_threads();
    threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), r.round));
    std::vector<std::unique_ptr<detail::tabu_engine<Real>>> engines;
    std::vector<std::vector<var_t>> orders(static_cast<std::size_t>(threads), std::vector<var_t>(n));
    for (int t = 0; t < threads; ++t) {
        engines.push_back(std::make_unique<detail::tabu_engine<Real>>(csr));
        engines.back()->set_path(params_.path);
    }

    std::vector<elite> pool;
    std::vector<restart_result> results(r.round);
    const auto stop = [&rc] { return rc.should_stop(); };
    const auto on_best = [&rc](double e, std::span<const std::int8_t> x) { rc.offer(e, x); };
    std::uint64_t work = 0;
    for (std::size_t first = 0; first < total && !rc.should_stop(); first += r.round) {
        const auto count = static_cast<std::int64_t>(std::min(r.round, total - first));
        const bool from_pool = !pool.empty();
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (threads > 1)
#endif
        for (std::int64_t j = 0; j < count; ++j) {
#if defined(_OPENMP)
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
#else
            const std::size_t t = 0;
#endif
            auto& eng = *engines[t];
            const std::uint64_t k = first + static_cast<std::uint64_t>(j);
            Rng rng = Rng::stream(options.seed, k);
            restart_result& res = results[static_cast<std::size_t>(j)];
            res.moves = 0;
            if (!from_pool) {
                eng.randomize(rng);
            } else {
                eng.load(pool[rng.below(pool.size())].sample);
                res.moves += perturb(eng, orders[t], r, rng);
            }
            res.moves += eng.descend();
            eng.remember_best();
            on_best(eng.best_energy(), eng.best_sample());
            if (!rc.should_stop()) {
                auto& order = orders[t];
                const auto kick = [&order, &r](detail::tabu_engine<Real>& e, Rng& g) {
                    e.load(e.best_sample());
                    return perturb(e, order, r, g) + e.descend();
                };
                res.moves += eng.search(r.search, rng, stop, on_best, kick).moves;
            }
            res.sample.assign(eng.best_sample().begin(), eng.best_sample().end());
            res.energy = model.energy_unchecked(res.sample);
        }
        // Merge in restart order: the pool and the sample set do not depend on which thread
        // ran which restart.
        for (std::int64_t j = 0; j < count; ++j) {
            restart_result& res = results[static_cast<std::size_t>(j)];
            out.samples.add(res.sample, res.energy);
            work += res.moves;
            admit(pool, res, r.elite);
        }
        rc.unit_done(static_cast<std::size_t>(count));
    }
    rc.finish(out);
    out.work = work;
    // The sample set holds every restart's best, with energies recomputed from the model:
    // its first entry is the result (deterministic even when two threads tie). A time limit
    // too short for one round leaves it empty, as the other solvers do.
    if (out.samples.empty()) return out;
    const sample_entry& best = out.samples.best();
    out.best_energy = best.energy;
    out.best_sample = best.sample;
    return out;
}
#endif

// Under separate compilation (core/config.hpp) both precisions come from the source file.
#ifdef QCOACH_SEPARATE_COMPILATION
extern template class TabuSolver<float>;
extern template class TabuSolver<double>;
#endif

} // namespace qcoach::qubo
