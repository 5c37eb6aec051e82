#pragma once
/// @file
/// @brief The solver portfolio of the coaching models: which solvers run on a coaching QUBO,
/// with a person's pins applied, and what each of them returned.
///
/// A coaching problem is encoded as a binary quadratic model (objective plus penalties). The
/// portfolio pins the variables a person fixed (qubo::fix_variables), runs the chosen solvers on
/// the smaller model, and maps every sample back to the full model, so each plan it returns
/// respects every pin whatever the solver did.
///
/// Automatic choice (solver_kind::automatic), on the number of free variables n:
///   - n <= tiny_max_variables: exact enumeration, the proven optimum of the penalized model
///     (instant at this size);
///   - QAOA on the simulator when one is configured and the model fits it: the XY-mixer QAOA on
///     the feasible subspace (make_xy_qaoa_solver()) when the caller passes the constrained
///     model, its one-hot constraints partition the original variables and the pinned subspace
///     has at most the solver's max_states states; otherwise the X-mixer QAOA on the full space
///     (make_qaoa_solver()) when n <= qaoa_max_qubits;
///   - n <= exact_max_variables: exact enumeration again (still well under a second);
///   - otherwise tabu search (the strongest classical solver of the library on the OR-Library
///     BQP instances, see benchmarks/bench_qubo_tabu.cpp).
/// The XY mixer keeps every sample inside the one-hot rows and the pins; penalties of the other
/// rows (capacities, precedence) stay in its cost table. When it does not apply, the QAOA run says
/// why in its note and the X mixer runs instead.
/// With `compare` set, the classical baselines (exact up to exact_max_variables, annealing,
/// tabu) run as well, so a QAOA result is never reported without a classical one beside it.
///
/// The portfolio decides nothing about feasibility or objectives: the caller decodes each
/// sample into a plan, checks it and reports it (see coaching/report.hpp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/solvers/anneal.hpp"
#include "qcoach/qubo/solvers/exact.hpp"
#include "qcoach/qubo/solvers/tabu.hpp"
#include "qcoach/qubo/solvers/tempering.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/variational/qaoa_solver.hpp"
#include "qcoach/variational/subspace_solver.hpp"

namespace qcoach::coaching {

/// Which solver a coaching model runs.
enum class solver_kind : std::uint8_t { automatic, exact, qaoa, anneal, tempering, tabu };

/// @brief Command-line spelling of a solver kind ("auto", "exact", "qaoa", ...).
constexpr std::string_view to_string(solver_kind k) noexcept {
    switch (k) {
    case solver_kind::automatic: return "auto";
    case solver_kind::exact: return "exact";
    case solver_kind::qaoa: return "qaoa";
    case solver_kind::anneal: return "anneal";
    case solver_kind::tempering: return "tempering";
    case solver_kind::tabu: return "tabu";
    }
    return "?";
}

/// @brief Parse "auto|exact|qaoa|anneal|tempering|tabu"; throws value_error naming the word.
inline solver_kind parse_solver_kind(std::string_view s) {
    for (solver_kind k : {solver_kind::automatic, solver_kind::exact, solver_kind::qaoa, solver_kind::anneal,
                          solver_kind::tempering, solver_kind::tabu}) {
        if (s == to_string(k)) return k;
    }
    throw value_error("unknown solver '" + std::string(s) + "' (expected auto, exact, qaoa, anneal, tempering or tabu)");
}

/// @brief What the portfolio runs and with which budget.
struct portfolio_options {
    solver_kind solver = solver_kind::automatic;
    std::uint64_t seed = 0;
    /// Wall-clock budget of each solver run, seconds; 0 = the solvers' own defaults.
    double time_limit_s = 0.0;
    int threads = 0;
    /// The automatic choice takes exact enumeration up to this many free variables.
    std::size_t tiny_max_variables = 16;
    /// Exact enumeration (chosen or as a comparison baseline) up to this many free variables
    /// (2^26 states take well under a second with the SIMD enumerator; see
    /// benchmarks/bench_qubo_exact.cpp).
    std::size_t exact_max_variables = 26;
    /// QAOA up to this many free variables (qubits).
    std::size_t qaoa_max_qubits = 20;
    /// Also run the classical baselines beside the chosen solver, for the comparison table.
    bool compare = true;
    /// The QAOA solver; null when none is configured. Then a QAOA request is reported as not
    /// run, with the reason, and the comparison leaves QAOA out (as it leaves out a model too
    /// large for it).
    /// make_qaoa_solver() gives the default.
    std::shared_ptr<const qubo::Solver> qaoa;
    /// The XY-mixer QAOA on the feasible subspace; null when none is configured. It runs only
    /// when run_portfolio is given the constrained model; make_xy_qaoa_solver() gives the default.
    std::shared_ptr<const variational::SubspaceQaoaSolver> qaoa_xy;
    /// Extra solver options passed to every run (reads, sweeps, target); seed, threads, time
    /// limit and progress are set from the fields above.
    qubo::solver_options base;
    /// Progress of the run in progress, with the solver's name.
    std::function<bool(std::string_view solver, const qubo::progress_info&)> progress;
};

/// @brief One solver's outcome on the full (unpinned) model.
struct solver_run {
    solver_kind kind = solver_kind::automatic;
    std::string solver;              ///< the solver's own name
    bool ran = false;                ///< false when skipped or failed (see `note`)
    std::string note;                ///< why it was skipped or failed, or "" when it ran
    std::vector<std::int8_t> sample; ///< best sample over the full model (pins in place)
    double energy = 0.0;             ///< energy of `sample` on the full model
    double time_s = 0.0;
    double time_to_best_s = 0.0;
    bool stopped_early = false;
    bool chosen = false;             ///< the run whose plan is shown (the chosen solver)
};

namespace detail {

inline std::unique_ptr<qubo::Solver> classical_solver(solver_kind k) {
    switch (k) {
    case solver_kind::exact: return std::make_unique<qubo::ExactSolver>();
    case solver_kind::anneal: return std::make_unique<qubo::SimulatedAnnealingSolver>();
    case solver_kind::tempering: return std::make_unique<qubo::TemperingSolver<double>>();
    case solver_kind::tabu: return std::make_unique<qubo::TabuSolver<double>>();
    default: return nullptr;
    }
}

/// The solver options of one run: the base options with the portfolio's seed, threads, time
/// limit and progress (tagged with the solver's name).
inline qubo::solver_options run_options(const portfolio_options& opts, const std::string& name) {
    qubo::solver_options so = opts.base;
    so.seed = opts.seed;
    so.threads = opts.threads;
    if (opts.time_limit_s > 0) so.time_limit_s = opts.time_limit_s;
    if (opts.progress) so.progress = [&opts, name](const qubo::progress_info& p) { return opts.progress(name, p); };
    return so;
}

/// Record a solver's result in `run`: its best sample over the full model (mapped back through
/// `reduced` when the solver ran on the pinned model) and its energy there, or why there is none.
inline void record(solver_run& run, const qubo::solve_result& r, const qubo::BinaryQuadraticModel& model,
                   const qubo::ReducedModel* reduced) {
    run.time_s = r.total_time_s;
    if (r.best_sample.empty()) {
        run.note = "stopped before it returned a sample (time limit too short?)";
        return;
    }
    run.sample = reduced ? reduced->expand(r.best_sample) : r.best_sample;
    run.energy = model.energy(run.sample);
    run.time_to_best_s = r.time_to_best_s;
    run.stopped_early = r.stopped_early;
    run.ran = true;
}

} // namespace detail

/// @brief The QAOA solver the coaching examples use: X mixer on the full state space, depth p
/// grown from 1 by INTERP (each depth optimized by L-BFGS with the adjoint gradient, at most
/// `max_iterations` iterations per depth), then `reads` shots (default 1000) sampled from the
/// final state. Penalties of the coaching model are part of its cost table, so QAOA, like
/// annealing, may return infeasible samples; the caller checks every plan.
inline std::shared_ptr<const qubo::Solver> make_qaoa_solver(std::size_t p = 2, std::size_t max_iterations = 60) {
    variational::qaoa_solver_options o;
    o.p = p;
    o.strategy = variational::qaoa_strategy::interp;
    o.optimizer.max_iterations = max_iterations;
    return std::make_shared<const variational::QaoaSolver>(o);
}

/// @brief The XY-mixer QAOA the coaching examples use: the ring mixer on the feasible subspace,
/// depth grown from 1 (the best point of a coarse grid) by INTERP, each depth optimized by L-BFGS
/// with the adjoint gradient (at most `max_iterations` iterations), then `reads` shots (default
/// 1000). Subspaces above `max_states` states are left to the other solvers.
inline std::shared_ptr<const variational::SubspaceQaoaSolver> make_xy_qaoa_solver(std::size_t p = 2, std::size_t max_iterations = 60,
                                                                                  index_t max_states = index_t{1} << 20) {
    variational::subspace_solver_options o;
    o.p = p;
    o.strategy = variational::qaoa_strategy::interp;
    o.optimizer.max_iterations = max_iterations;
    o.max_states = max_states;
    return std::make_shared<const variational::SubspaceQaoaSolver>(o);
}

/// @brief The solver the automatic choice picks for `free_variables` free variables; `xy_fits`
/// says whether the XY-mixer QAOA applies to the model (and its subspace is small enough).
inline solver_kind automatic_choice(std::size_t free_variables, const portfolio_options& o, bool xy_fits = false) noexcept {
    if (free_variables <= std::min(o.tiny_max_variables, o.exact_max_variables)) return solver_kind::exact;
    if (xy_fits || (o.qaoa && free_variables <= o.qaoa_max_qubits)) return solver_kind::qaoa;
    if (free_variables <= o.exact_max_variables) return solver_kind::exact;
    return solver_kind::tabu;
}

/// @brief Run the portfolio on `model` with `pins` applied. The chosen solver comes first in
/// the result (chosen = true); the comparison runs follow. A solver that refuses the model
/// (too large for exact or QAOA) is reported with ran = false and its reason.
///
/// `constrained`, when given, is the constrained form of the model (model == constrained->to_model());
/// it lets the XY-mixer QAOA run on its feasible subspace (portfolio_options::qaoa_xy).
inline std::vector<solver_run> run_portfolio(const qubo::BinaryQuadraticModel& model, std::span<const qubo::pin> pins,
                                             const portfolio_options& opts, const qubo::ConstrainedModel* constrained = nullptr) {
    if (model.num_variables() == 0) throw value_error("the coaching model has no variables to solve for");
    if (constrained && constrained->num_total_variables() != model.num_variables()) {
        throw value_error("the constrained model has " + std::to_string(constrained->num_total_variables()) +
                          " variables with slack; the coaching model has " + std::to_string(model.num_variables()));
    }
    const qubo::ReducedModel reduced = qubo::fix_variables(model, pins);
    const std::size_t n_free = reduced.model().num_variables();

    // Whether the XY-mixer QAOA applies, and why not when it does not.
    bool xy_fits = false;
    std::string xy_reason;
    if (opts.qaoa_xy && constrained && n_free > 0) {
        try {
            const index_t states = opts.qaoa_xy->states(*constrained, pins);
            xy_fits = states <= opts.qaoa_xy->options().max_states;
            if (!xy_fits) {
                xy_reason = "XY mixer: the feasible subspace has " + std::to_string(states) + " states, above its limit of " +
                            std::to_string(opts.qaoa_xy->options().max_states);
            }
        } catch (const std::exception& e) {
            xy_reason = std::string("XY mixer: ") + e.what();
        }
    }
    const bool x_fits = opts.qaoa && n_free <= opts.qaoa_max_qubits;

    const solver_kind chosen = opts.solver == solver_kind::automatic ? automatic_choice(n_free, opts, xy_fits) : opts.solver;
    std::vector<solver_kind> order{chosen};
    if (opts.compare) {
        for (solver_kind k : {solver_kind::exact, solver_kind::qaoa, solver_kind::anneal, solver_kind::tabu}) {
            if (k == chosen) continue;
            if (k == solver_kind::exact && n_free > opts.exact_max_variables) continue;
            if (k == solver_kind::qaoa && !xy_fits && !x_fits) continue;
            order.push_back(k);
        }
    }

    std::vector<solver_run> runs;
    for (solver_kind k : order) {
        solver_run run;
        run.kind = k;
        run.chosen = k == chosen;
        std::unique_ptr<qubo::Solver> owned;
        const qubo::Solver* solver = nullptr;
        if (k == solver_kind::qaoa && xy_fits) {
            run.solver = opts.qaoa_xy->name();
            qubo::solver_options so = detail::run_options(opts, run.solver);
            try {
                detail::record(run, opts.qaoa_xy->run(*constrained, model, pins, so).result, model, nullptr);
            } catch (const std::exception& e) {
                run.note = e.what();
            }
            runs.push_back(std::move(run));
            continue;
        }
        if (k == solver_kind::qaoa) {
            solver = opts.qaoa.get();
            run.solver = "qaoa";
            if (!solver) {
                run.note = xy_reason.empty() ? "QAOA is not available: no QAOA solver is configured (portfolio_options::qaoa)"
                                             : xy_reason + "; no X-mixer QAOA is configured (portfolio_options::qaoa)";
                runs.push_back(std::move(run));
                continue;
            }
            if (n_free > opts.qaoa_max_qubits) {
                run.note = std::to_string(n_free) + " free variables exceed the QAOA limit of " +
                           std::to_string(opts.qaoa_max_qubits) + " qubits";
                if (!xy_reason.empty()) run.note = xy_reason + "; " + run.note;
                runs.push_back(std::move(run));
                continue;
            }
        } else {
            owned = detail::classical_solver(k);
            solver = owned.get();
        }
        run.solver = solver->name();
        if (n_free == 0) {
            // Every variable is pinned: the plan is fully decided by the person.
            run.sample = reduced.expand({});
            run.energy = model.energy(run.sample);
            run.ran = true;
            run.note = "every variable is pinned";
            runs.push_back(std::move(run));
            continue;
        }
        const qubo::solver_options so = detail::run_options(opts, run.solver);
        try {
            detail::record(run, solver->solve(reduced.model(), so), model, &reduced);
        } catch (const std::exception& e) {
            run.note = e.what();
        }
        runs.push_back(std::move(run));
    }
    return runs;
}

/// @brief run_portfolio with a vector of pins.
inline std::vector<solver_run> run_portfolio(const qubo::BinaryQuadraticModel& model, const std::vector<qubo::pin>& pins,
                                             const portfolio_options& opts, const qubo::ConstrainedModel* constrained = nullptr) {
    return run_portfolio(model, std::span<const qubo::pin>(pins), opts, constrained);
}

} // namespace qcoach::coaching
