#pragma once
/// @file
/// @brief TemperingSolver: parallel tempering (replica exchange Monte Carlo) with an adaptive
/// inverse-temperature ladder and a local search on the coldest replica.
///
/// R replicas of the model each hold a sample and sweep it with Metropolis updates at their
/// rung of a beta ladder (detail/tempering_sweep.hpp). After every sweep, neighbouring rungs
/// try to exchange their samples, accepted with probability min(1, exp((b_k - b_{k+1})
/// (E_k - E_{k+1}))); even pairs try on even sweeps and odd pairs on odd ones (the
/// deterministic even/odd order, which makes samples travel the ladder in one direction:
/// Okabe et al., Chem. Phys. Lett. 335 (2001) 435; Syed et al., J. R. Stat. Soc. B 84 (2022)
/// 321). The ladder runs from the model's hot to its cold end, starts geometric and is
/// re-spaced during the first sweeps so that every pair rejects equally often
/// (detail/tempering_ladder.hpp).
///
/// Local search. A tabu search (detail/tabu_engine.hpp, tenure detail::default_tenure) starts
/// every `search_interval` sweeps from the coldest replica's sample, polished by a descent.
/// It runs in slices, one per sweep, as one more work item beside the replicas' sweeps, so no
/// thread waits for it; by default a slice does as much work as all the sweeps of a round
/// (`search_share` 1), which on 2 threads keeps one core on it. When the next search starts,
/// the finished one's best is recorded and, if lower, replaces the coldest sample: tempering
/// finds the good valleys, the local search their bottoms. Feeding the result back breaks
/// detailed balance, which does not matter for optimization; `feedback = false` keeps the
/// chain exact. On G22 (benchmarks/bench_qubo_tempering.cpp) plain tempering reached cut 13358
/// within about a second and then nothing better in a minute, the local search alone (the
/// tabu solver) 13356 in 20 s; together they reached the best-known 13359 within 60 s for 5 of
/// 8 seeds on a loaded machine. Variants tried there and not taken (30-60 s runs, a few seeds
/// each, too few to tell small differences): a warmer cold end (smallest change accepted with
/// 10% instead of 1%: 13356), a colder one (1e-3, 1e-4: no better), starting the searches from
/// the coldest 4, 8 or 16 rungs in turn, with or without feedback, a random tenure spread, and
/// kicks inside the search as TabuSolver does them (one failing seed fixed, one broken).
///
/// Work counted: Metropolis flip attempts (sweeps x replicas x n); local-search moves are not
/// in it.
///
/// Reproducibility: replica r of ensemble e draws from Rng::stream(seed, e (R + 2) + r); the
/// exchanges and the local search use streams R and R + 1 of the ensemble. Replicas sweep in
/// parallel, each with its own stream; the local-search slices depend only on the search's
/// own state; everything else (exchanges, adaptation, starting and ending a search, recording
/// the best) runs serially between sweeps in a fixed order. So the result is the same for any
/// thread count (unless a time limit, a target or the progress callback ends the run). The
/// serial step, and so the progress callback, runs on whichever of the solver's threads ends
/// its sweeps last; an exception the callback throws reaches the caller. Models whose round of
/// sweeps is below the library's serial cutoff (exec_policy) run on one thread.

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
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
#include "qcoach/qubo/solvers/detail/tempering_ladder.hpp"
#include "qcoach/qubo/solvers/detail/tempering_sweep.hpp"

namespace qcoach::qubo {

/// Local search applied to the coldest replica of TemperingSolver.
enum class tempering_search : std::uint8_t {
    none,    ///< plain parallel tempering
    descent, ///< first-improvement descent to a one-flip local minimum
    tabu     ///< descent, then a short tabu search (the default)
};

/// @brief Tuning of TemperingSolver. 0 (or 0.0) selects the documented default.
struct tempering_params {
    /// Replicas (rungs of the ladder), at least 2; 0: 32.
    std::size_t replicas = 0;
    /// Inverse temperatures of the hot and the cold end; 0: from the model (see
    /// detail/tempering_ladder.hpp: ln 2 / largest one-flip change, ln 100 / smallest).
    double beta_hot = 0.0;
    double beta_cold = 0.0;
    /// Re-space the ladder to equalize swap rejection rates.
    bool adapt = true;
    /// Sweeps spent adapting (rounds of 32, 64, 128, ... sweeps); 0: a quarter of the sweeps,
    /// at most 4,096, or 4,096 when the run is open-ended (time limit).
    std::size_t adapt_sweeps = 0;
    /// Local search on the coldest replica.
    tempering_search search = tempering_search::tabu;
    /// Sweeps between two local searches (each starts from the coldest sample of its time);
    /// 0: 200.
    std::size_t search_interval = 0;
    /// Work of the local search per sweep, relative to the sweeps of all replicas together
    /// (counted in coupling visits: a sweep visits n + 2 m, a tabu move about n); 0: 1, i.e.
    /// half of the computation goes to the local search, which on 2 threads keeps one thread
    /// on it while the other sweeps.
    double search_share = 0.0;
    /// Tabu tenure of the local search; 0: detail::default_tenure (as TabuSolver).
    std::size_t search_tenure = 0;
    /// Put a local search's result back in place of the coldest sample when it is lower.
    bool feedback = true;
};

/// @brief Parallel tempering (see the file comment). options.sweeps = sweeps per replica
/// (0: 1,000, or unlimited with a time limit); options.reads = independent ensembles run one
/// after the other (0: 1), each returning its best sample.
template <precision Real = double>
class TemperingSolver final : public Solver {
public:
    static constexpr std::size_t default_sweeps = 1000;
    static constexpr std::size_t default_replicas = 32;

    TemperingSolver() = default;
    explicit TemperingSolver(const tempering_params& p) : params_(p) { check_params(p); }

    std::string name() const override { return "tempering"; }
    const tempering_params& params() const noexcept { return params_; }

    solve_result solve(const BinaryQuadraticModel& model, const solver_options& options) const override;

    /// @brief The ladder a run on `model` starts from (before adaptation), hot to cold.
    std::vector<double> initial_ladder(const BinaryQuadraticModel& model) const {
        const CsrModel<Real> csr(model);
        return prepare(csr, default_sweeps).ladder;
    }

private:
    struct setup {
        std::size_t replicas;
        std::vector<double> ladder;
        bool integer;
        std::size_t table_size;
        std::size_t adapt_sweeps;
        std::size_t interval;
        std::uint64_t slice;
        detail::tabu_settings search;
    };

    struct ensemble_result {
        std::vector<std::int8_t> sample;
        double energy = 0.0;
        std::uint64_t work = 0;
    };

    static void check_params(const tempering_params& p) {
        if (p.replicas == 1) throw value_error("tempering needs at least 2 replicas, got 1");
        const auto beta = [](double b, const char* what) {
            if (!(std::isfinite(b) && b >= 0.0)) {
                throw value_error(std::string(what) + " must be a finite inverse temperature > 0 (0: from the model), got " +
                                  detail::format_number(b));
            }
        };
        beta(p.beta_hot, "beta_hot");
        beta(p.beta_cold, "beta_cold");
        if (p.beta_hot > 0 && p.beta_cold > 0 && !(p.beta_hot < p.beta_cold)) {
            throw value_error("beta_hot (" + detail::format_number(p.beta_hot) + ") must be below beta_cold (" +
                              detail::format_number(p.beta_cold) + ")");
        }
        if (!(std::isfinite(p.search_share) && p.search_share >= 0)) {
            throw value_error("search_share must be a finite number >= 0, got " + detail::format_number(p.search_share));
        }
    }

    setup prepare(const CsrModel<Real>& csr, std::size_t sweeps) const {
        setup s{};
        const std::size_t n = csr.num_variables();
        s.replicas = params_.replicas != 0 ? params_.replicas : default_replicas;
        const detail::flip_scales scale = detail::model_flip_scales(csr);
        // A model without couplings or fields has nothing to sample; any ladder will do.
        double hot = params_.beta_hot > 0 ? params_.beta_hot : (scale.largest > 0 ? std::log(2.0) / scale.largest : 0.1);
        double cold = params_.beta_cold > 0 ? params_.beta_cold : (scale.smallest > 0 ? std::log(100.0) / scale.smallest : 10.0);
        if (!(hot < cold)) {
            if (params_.beta_hot > 0 && params_.beta_cold == 0) cold = 100.0 * hot;
            else if (params_.beta_cold > 0 && params_.beta_hot == 0) hot = cold / 100.0;
            else cold = 100.0 * hot;
        }
        s.ladder = detail::geometric_ladder(hot, cold, s.replicas);
        // Lookup tables up to 2^16 entries per rung: larger ones would not stay in cache.
        constexpr double table_limit = 65536.0;
        s.integer = detail::integer_changes(csr, table_limit);
        s.table_size = s.integer ? static_cast<std::size_t>(scale.largest) + 1 : 0;
        if (!params_.adapt) {
            s.adapt_sweeps = 0;
        } else if (params_.adapt_sweeps != 0) {
            s.adapt_sweeps = params_.adapt_sweeps;
        } else {
            s.adapt_sweeps = sweeps == std::numeric_limits<std::size_t>::max() ? 4096 : std::min<std::size_t>(4096, sweeps / 4);
        }
        s.interval = params_.search_interval != 0 ? params_.search_interval : 200;
        const double share = params_.search_share > 0 ? params_.search_share : 1.0;
        if (params_.search_tenure != 0 && params_.search_tenure >= n) {
            throw value_error("search_tenure " + std::to_string(params_.search_tenure) +
                              " must be less than the number of variables (" + std::to_string(n) + ")");
        }
        s.search.tenure = params_.search_tenure != 0 ? params_.search_tenure : detail::default_tenure(n, csr.num_interactions());
        // Tabu moves per sweep: share x (replicas x coupling visits of a sweep) / (visits of a move).
        const double visits = static_cast<double>(n + 2 * csr.num_interactions());
        s.slice = params_.search == tempering_search::tabu
                      ? static_cast<std::uint64_t>(std::ceil(share * static_cast<double>(s.replicas) * visits / static_cast<double>(n)))
                      : 0;
        s.search.max_moves = s.slice * s.interval;
        s.search.stall = 0;
        return s;
    }

    ensemble_result run_ensemble(const BinaryQuadraticModel& model, const CsrModel<Real>& csr, const setup& s,
                                 std::uint64_t seed, std::size_t ensemble, std::size_t sweeps, int threads,
                                 detail::run_control& rc) const {
        const std::size_t n = csr.num_variables();
        const std::size_t R = s.replicas;
        const std::uint64_t base = static_cast<std::uint64_t>(ensemble) * (R + 2);
        std::vector<std::int8_t> x(R * n);
        std::vector<Real> fields(R * n);
        std::vector<double> energy(R);
        std::vector<Rng> rng;
        rng.reserve(R);
        for (std::size_t r = 0; r < R; ++r) rng.push_back(Rng::stream(seed, base + r));
        Rng exchange_rng = Rng::stream(seed, base + R);
        Rng search_rng = Rng::stream(seed, base + R + 1);
        const vartype type = csr.type();
        const auto sample_of = [&](std::size_t r) { return std::span<std::int8_t>(x.data() + r * n, n); };
        const auto fields_of = [&](std::size_t r) { return std::span<Real>(fields.data() + r * n, n); };
        const auto resync = [&](std::size_t r) {
            csr.local_fields(sample_of(r), fields_of(r));
            energy[r] = csr.energy_unchecked(sample_of(r));
        };
        for (std::size_t r = 0; r < R; ++r) {
            auto v = sample_of(r);
            for (std::size_t i = 0; i < n; ++i) {
                const auto b = static_cast<std::int8_t>(rng[r]() >> 63);
                v[i] = type == vartype::binary ? b : static_cast<std::int8_t>(2 * b - 1);
            }
            resync(r);
        }
        // slot_at[k]: the replica (sample) at rung k; rung 0 is the hot end.
        std::vector<std::size_t> slot_at(R);
        std::vector<std::size_t> rung_of(R);
        for (std::size_t k = 0; k < R; ++k) slot_at[k] = rung_of[k] = k;
        std::vector<double> beta = s.ladder;
        std::vector<detail::metropolis_rule> rules(R);
        const auto set_rules = [&] {
            for (std::size_t k = 0; k < R; ++k) rules[k].set(beta[k], s.table_size);
        };
        set_rules();
        std::vector<double> rejection(R - 1, 0.0);
        std::vector<std::uint64_t> attempts(R - 1, 0);
        std::size_t round_length = 32;
        std::uint64_t work = 0;
        std::size_t next_adapt = s.adapt_sweeps > 0 ? std::min(round_length, s.adapt_sweeps) : 0;

        detail::tabu_engine<Real> engine(csr);
        ensemble_result best;
        best.energy = std::numeric_limits<double>::infinity();
        double best_tracked = std::numeric_limits<double>::infinity();
        const auto record = [&](double tracked, std::span<const std::int8_t> v) {
            if (!(tracked < best_tracked)) return;
            best_tracked = tracked;
            best.sample.assign(v.begin(), v.end());
            best.energy = model.energy_unchecked(best.sample);
            rc.offer(best.energy, best.sample);
        };
        // The local search runs in slices, one per sweep, beside the replicas' sweeps, so that
        // no thread waits for it. It starts from a copy of the coldest sample; its result is
        // recorded and fed back at the start of the next one (a fixed sweep), so the outcome
        // does not depend on timing. It reports new bests to the run control at once, for the
        // time to best and the target.
        const bool searching = params_.search != tempering_search::none;
        std::vector<std::int8_t> search_start(n);
        bool search_active = false;
        bool search_fresh = false;
        const std::uint64_t slice = s.slice;
        const auto no_kick = [](detail::tabu_engine<Real>&, Rng&) { return std::uint64_t{0}; };
        const auto stop_search = [&rc] { return rc.should_stop(); };
        const auto report = [&rc](double e, std::span<const std::int8_t> v) { rc.offer(e, v); };
        const auto search_step = [&] {
            if (!search_active) return;
            if (search_fresh) {
                engine.load(search_start);
                engine.descend();
                engine.remember_best();
                report(engine.best_energy(), engine.best_sample());
                engine.start_search();
                search_fresh = false;
            }
            if (slice > 0 && !engine.search_finished(s.search)) {
                engine.search(s.search, slice, search_rng, stop_search, report, no_kick);
            }
        };
        const auto finish_search = [&] {
            if (!search_active || search_fresh) return;
            record(engine.best_energy(), engine.best_sample());
            const std::size_t cold = slot_at[R - 1];
            if (params_.feedback && engine.best_energy() < energy[cold]) {
                std::copy(engine.best_sample().begin(), engine.best_sample().end(), sample_of(cold).begin());
                resync(cold);
            }
            search_active = false;
        };

        std::size_t done = 0;
        bool stop = false;
        std::exception_ptr failure;
        // Between two sweeps: exchanges, best, adaptation, local-search hand-over, stop test.
        const auto serial_step = [&] {
            ++done;
            // Exchanges, even or odd pairs by sweep parity, in rung order.
            for (std::size_t k = done & 1u; k + 1 < R; k += 2) {
                const std::size_t a = slot_at[k], b = slot_at[k + 1];
                const double log_p = (beta[k] - beta[k + 1]) * (energy[a] - energy[b]);
                const double p = log_p >= 0 ? 1.0 : std::exp(log_p);
                rejection[k] += 1.0 - p;
                ++attempts[k];
                if (p >= 1.0 || exchange_rng.uniform() < p) {
                    std::swap(slot_at[k], slot_at[k + 1]);
                    rung_of[slot_at[k]] = k;
                    rung_of[slot_at[k + 1]] = k + 1;
                }
            }
            for (std::size_t k = 0; k < R; ++k) record(energy[slot_at[k]], sample_of(slot_at[k]));
            if (next_adapt != 0 && done == next_adapt) {
                for (std::size_t k = 0; k + 1 < R; ++k) {
                    rejection[k] = attempts[k] > 0 ? rejection[k] / static_cast<double>(attempts[k]) : 0.0;
                }
                detail::equalize_rejections(beta, rejection);
                set_rules();
                std::fill(rejection.begin(), rejection.end(), 0.0);
                std::fill(attempts.begin(), attempts.end(), std::uint64_t{0});
                round_length *= 2;
                next_adapt = done < s.adapt_sweeps ? std::min(done + round_length, s.adapt_sweeps) : 0;
                if (next_adapt == done) next_adapt = 0;
            }
            // Float fields drift with every flip; recompute now and then (O(nnz) each).
            if (done % 1024 == 0)
                for (std::size_t r = 0; r < R; ++r) resync(r);
            rc.unit_done();
            stop = done >= sweeps || rc.should_stop();
            if (searching && (stop || (done - 1) % s.interval == 0)) {
                finish_search();
                if (!stop) {
                    const auto cold = sample_of(slot_at[R - 1]);
                    std::copy(cold.begin(), cold.end(), search_start.begin());
                    search_active = search_fresh = true;
                }
            }
        };
        // Item 0 is the local-search slice, items 1..R the replicas' sweeps.
        const auto run_item = [&](std::size_t item) {
            if (item == 0) {
                search_step();
                return;
            }
            const std::size_t u = item - 1;
            detail::metropolis_sweep(csr, sample_of(u), fields_of(u), energy[u], rules[rung_of[u]], s.integer, rng[u]);
        };
        std::atomic<std::size_t> next_item{0};
        const auto complete = [&]() noexcept {
            try {
                serial_step();
            } catch (...) { // the progress callback may throw; rethrown after the threads join
                failure = std::current_exception();
                stop = true;
            }
            next_item.store(0, std::memory_order_relaxed);
        };
        if (threads <= 1) {
            while (!stop) {
                for (std::size_t item = 0; item <= R; ++item) run_item(item);
                complete();
            }
        } else {
            // Rounds are short (a sweep of each replica) and end at a barrier. OpenMP's own
            // barrier spins for a long time before it sleeps; on a machine shared with other
            // work, a spinning thread takes the core its partner needs, and a run on G22 was
            // measured 4x slower. std::barrier (C++20) spins briefly, then waits in the kernel.
            // Its completion step runs the serial part on the last thread to arrive.
            std::optional<std::barrier<decltype(complete)>> sync;
#if defined(_OPENMP)
#pragma omp parallel num_threads(threads)
#endif
            {
#if defined(_OPENMP)
#pragma omp single
#endif
                sync.emplace(available_team(), complete); // the team OpenMP actually gave us
                while (true) {
                    for (std::size_t item; (item = next_item.fetch_add(1, std::memory_order_relaxed)) <= R;) run_item(item);
                    sync->arrive_and_wait();
                    if (stop) break;
                }
            }
        }
        if (failure) std::rethrow_exception(failure);
        work = static_cast<std::uint64_t>(done) * R * n;
        best.work = work;
        return best;
    }

    /// Threads in the current OpenMP team (1 outside a parallel region or without OpenMP).
    static std::ptrdiff_t available_team() noexcept {
#if defined(_OPENMP)
        return omp_get_num_threads();
#else
        return 1;
#endif
    }

    tempering_params params_{};
};

#if QCOACH_HEADER_DEFINITIONS
template <precision Real>
solve_result TemperingSolver<Real>::solve(const BinaryQuadraticModel& model, const solver_options& options) const {
    const std::size_t n = model.num_variables();
    const std::size_t ensembles = std::max<std::size_t>(1, options.reads);
    const bool open_ended = options.sweeps == 0 && options.time_limit_s > 0;
    const std::size_t sweeps = options.sweeps != 0 ? options.sweeps
                               : open_ended       ? std::numeric_limits<std::size_t>::max()
                                                  : default_sweeps;
    detail::run_control rc(options, open_ended ? 0 : ensembles * sweeps);
    solve_result out;
    out.solver = name();
    out.work_unit = "flip attempts";
    out.samples = SampleSet(model.type(), n);
    if (n == 0) {
        out.samples.add({}, model.offset(), ensembles);
        rc.finish(out);
        out.best_energy = model.offset();
        return out;
    }
    const CsrModel<Real> csr(model);
    const setup s = prepare(csr, sweeps);
    // Below the library's serial cutoff a round is too short to share: threads would spend
    // more time meeting at the barrier than sweeping.
    exec_policy policy;
    policy.threads = options.threads;
    const auto round_work = static_cast<index_t>(s.replicas * (n + 2 * csr.num_interactions()));
    int threads = policy.threads_for(round_work);
    threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), s.replicas + 1));
    for (std::size_t e = 0; e < ensembles && !rc.should_stop(); ++e) {
        ensemble_result r = run_ensemble(model, csr, s, options.seed, e, sweeps, threads, rc);
        out.samples.add(r.sample, r.energy);
        out.work += r.work;
    }
    rc.finish(out);
    if (!out.samples.empty()) {
        out.best_energy = out.samples.best().energy;
        out.best_sample = out.samples.best().sample;
    }
    return out;
}
#endif

// Under separate compilation (core/config.hpp) both precisions come from the source file.
#ifdef QCOACH_SEPARATE_COMPILATION
extern template class TemperingSolver<float>;
extern template class TemperingSolver<double>;
#endif

} // namespace qcoach::qubo
