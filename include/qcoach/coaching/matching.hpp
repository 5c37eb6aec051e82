#pragma once
/// @file
/// @brief Coach–client matching: clients to coaches by compatibility under capacities (a
/// generalized assignment problem), solved by the QUBO portfolio with classical methods beside it.
///
/// The pieces (each in its own header under detail/, all in namespace qcoach::coaching):
///   - matching_problem.hpp   MatchingProblem (values, loads, capacities, exclusions), plans, pins,
///                            check_plan (every broken hard constraint by name and amount),
///                            report_objective (total and per-coach load);
///   - matching_features.hpp  scores and hard exclusions from client/coach profiles;
///   - matching_encoding.hpp  MatchingEncoding: the QUBO (energy = -compatibility + penalties),
///                            decoder, one-hot groups for an XY mixer, pins as variable pins;
///   - matching_flow.hpp      exact min-cost flow for unit loads (the classical baseline);
///   - matching_local_search.hpp  "gap-local-search", a dedicated method for general loads;
///   - matching_repair.hpp    greedy repair of an infeasible plan, only when asked;
///   - matching_explain.hpp   why each client got its coach, and what would change it;
///   - matching_gap_reader.hpp    OR-Library GAP files.
///
/// solve_matching (below) runs what the options ask for and returns every run with its decoded,
/// checked plan, so that a report can show the QUBO solvers and the classical methods side by
/// side (coaching/report.hpp). Pins reach every method: the portfolio fixes the pinned variables
/// (qubo::fix_variables), the flow and the local search never move a pinned client, the repair
/// neither. Forbidden pairs are excluded in the problem itself (MatchingProblem::forbid), so no
/// method has a variable or a move for them.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/coaching/detail/matching_encoding.hpp"
#include "qcoach/coaching/detail/matching_explain.hpp"
#include "qcoach/coaching/detail/matching_features.hpp"
#include "qcoach/coaching/detail/matching_flow.hpp"
#include "qcoach/coaching/detail/matching_gap_reader.hpp"
#include "qcoach/coaching/detail/matching_local_search.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/coaching/detail/matching_repair.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/coaching/report.hpp"

namespace qcoach::coaching {

/// Which method's plan a matching run shows: a QUBO solver of the portfolio, or a dedicated one.
enum class matching_method : std::uint8_t { automatic, exact, qaoa, anneal, tempering, tabu, local_search, min_cost_flow };

/// @brief Command-line spelling: the portfolio's words plus "gap-local-search" and "min-cost-flow".
constexpr std::string_view to_string(matching_method m) noexcept {
    switch (m) {
    case matching_method::automatic: return "auto";
    case matching_method::exact: return "exact";
    case matching_method::qaoa: return "qaoa";
    case matching_method::anneal: return "anneal";
    case matching_method::tempering: return "tempering";
    case matching_method::tabu: return "tabu";
    case matching_method::local_search: return "gap-local-search";
    case matching_method::min_cost_flow: return "min-cost-flow";
    }
    return "?";
}

/// @brief Parse a method name; throws value_error naming the word and the choices.
inline matching_method parse_matching_method(std::string_view s) {
    for (auto m : {matching_method::automatic, matching_method::exact, matching_method::qaoa, matching_method::anneal,
                   matching_method::tempering, matching_method::tabu, matching_method::local_search,
                   matching_method::min_cost_flow}) {
        if (s == to_string(m)) return m;
    }
    throw value_error("unknown solver '" + std::string(s) +
                      "' (expected auto, exact, qaoa, anneal, tempering, tabu, gap-local-search or min-cost-flow)");
}

/// @brief What solve_matching runs.
///
/// method = automatic: with `compare`, every applicable method runs (min-cost flow for unit
/// loads, the portfolio with its automatic choice and baselines, the local search) and the shown
/// plan is the best feasible one (the first of equal ones in table order); without `compare`,
/// one method runs: min-cost flow for unit loads, else exact enumeration when the QUBO fits
/// portfolio.exact_max_variables, else the local search. Any other method: its plan is shown,
/// feasible or not, and with `compare` the others run beside it.
struct matching_solve_options {
    matching_method method = matching_method::automatic;
    bool compare = true;
    /// Repair infeasible plans (matching_repair.hpp); the run's note and plan say so.
    bool repair = false;
    /// The QUBO solvers; its seed, time limit, threads and progress also drive the local search.
    portfolio_options portfolio;
    matching_encoding_options encoding;
    /// Budget of the local search (its seed, threads, time limit and progress are taken from
    /// `portfolio`).
    gap_search_options local_search;
};

/// @brief One method's outcome.
struct matching_run {
    std::string solver;       ///< "tabu", "exact", "gap-local-search", "min-cost-flow", ...
    bool qubo = false;        ///< it solved the QUBO (through the portfolio)
    bool ran = false;
    std::string note;         ///< why it was skipped, or remarks ("repaired", "proven optimum")
    matching_plan plan;       ///< decoded (and, when asked, repaired) plan
    qubo::feasibility_report feasibility;                 ///< of `plan`
    std::optional<qubo::feasibility_report> raw_feasibility; ///< before the repair, when repaired
    double objective = 0.0;   ///< plan_objective(plan)
    std::optional<double> energy; ///< QUBO energy of the solver's sample
    double time_s = 0.0;
    bool proven_optimal = false; ///< min-cost flow, or exact enumeration with safe weights
    bool shown = false;
};

/// @brief Every run, which one is shown, and the QUBO's size.
struct matching_result {
    std::vector<matching_run> runs;
    std::optional<std::size_t> shown;   ///< index into runs
    std::size_t qubo_variables = 0;     ///< 0 when no QUBO was built
    std::size_t slack_variables = 0;
    std::string weights;                ///< MatchingEncoding::describe_weights, when built

    /// @brief The shown run; throws when nothing ran.
    const matching_run& shown_run() const {
        if (!shown) throw value_error("no matching method produced a plan");
        return runs[*shown];
    }
    /// @brief The rows of the comparison table (report.hpp).
    std::vector<comparison_row> comparison() const {
        std::vector<comparison_row> rows;
        for (const auto& r : runs) {
            comparison_row row;
            row.solver = r.solver;
            row.feasible = r.ran && r.feasibility.feasible();
            row.time_s = r.time_s;
            if (r.ran) row.objective = r.objective;
            row.note = r.ran ? r.note : "skipped: " + r.note;
            if (r.shown) row.note = row.note.empty() ? "shown" : "shown; " + row.note;
            rows.push_back(std::move(row));
        }
        return rows;
    }
};

namespace detail {

inline std::string join_notes(std::string a, const std::string& b) {
    if (b.empty()) return a;
    return a.empty() ? b : a + "; " + b;
}

/// Check a run's plan, repair it when asked, fill the feasibility and objective fields.
inline void finish_run(const MatchingProblem& p, std::span<const matching_pin> pins, bool repair, matching_run& r) {
    r.feasibility = check_plan(p, r.plan, pins);
    if (!r.feasibility.feasible() && repair) {
        const std::size_t broken = r.feasibility.violations.size();
        r.raw_feasibility = r.feasibility;
        r.plan = repair_plan(p, r.plan, pins);
        r.feasibility = check_plan(p, r.plan, pins);
        r.note = join_notes(r.note, std::string(r.feasibility.feasible() ? "repaired" : "repair failed") + " (the raw plan broke " +
                                        std::to_string(broken) + " constraint" + (broken == 1 ? "" : "s") + ")");
    }
    r.objective = plan_objective(p, r.plan);
}

inline solver_kind portfolio_kind(matching_method m) {
    switch (m) {
    case matching_method::exact: return solver_kind::exact;
    case matching_method::qaoa: return solver_kind::qaoa;
    case matching_method::anneal: return solver_kind::anneal;
    case matching_method::tempering: return solver_kind::tempering;
    case matching_method::tabu: return solver_kind::tabu;
    default: return solver_kind::automatic;
    }
}

} // namespace detail

/// @brief Solve a matching problem as the options say (see matching_solve_options), with the
/// pins kept by every method. Pins are checked before any work starts.
inline matching_result solve_matching(const MatchingProblem& p, std::span<const matching_pin> pins,
                                      const matching_solve_options& o) {
    p.check_solvable_rows();
    const std::vector<matching_pin> ps = check_pins(p, pins);
    const bool unit = p.unit_loads();
    const matching_method method = o.method;
    if (method == matching_method::min_cost_flow && !unit) {
        throw value_error("min-cost-flow needs every allowed pair to have load 1; this problem has other loads "
                          "(use gap-local-search or a QUBO solver)");
    }
    matching_result res;
    std::optional<MatchingEncoding> enc;
    const auto encoding = [&]() -> const MatchingEncoding& {
        if (!enc) {
            enc.emplace(p, o.encoding);
            res.qubo_variables = enc->num_variables();
            res.slack_variables = enc->num_slack_variables();
            res.weights = enc->describe_weights();
        }
        return *enc;
    };

    std::size_t chosen_qubo_run = static_cast<std::size_t>(-1); // index in res.runs

    // Which methods run.
    bool run_flow = false, run_local = false, run_qubo = false;
    solver_kind kind = detail::portfolio_kind(method);
    bool portfolio_compare = o.compare;
    if (method == matching_method::automatic && !o.compare) {
        if (unit) {
            run_flow = true;
        } else if (encoding().num_variables() - encoding().pins(ps).size() <= o.portfolio.exact_max_variables) {
            run_qubo = true;
            kind = solver_kind::exact;
        } else {
            run_local = true;
        }
    } else {
        run_flow = unit && (method == matching_method::min_cost_flow || o.compare);
        run_local = method == matching_method::local_search || o.compare;
        run_qubo = (method != matching_method::local_search && method != matching_method::min_cost_flow) || o.compare;
    }

    if (run_flow) {
        matching_run r;
        r.solver = std::string(to_string(matching_method::min_cost_flow));
        const flow_result f = solve_min_cost_flow(p, ps);
        r.ran = true;
        r.plan = f.plan;
        r.time_s = f.time_s;
        r.proven_optimal = f.all_placed;
        r.note = f.all_placed ? "proven optimum"
                              : "no feasible plan exists: at most " + std::to_string(f.placed) + " of " +
                                    std::to_string(p.num_clients()) + " clients fit";
        detail::finish_run(p, ps, o.repair, r);
        res.runs.push_back(std::move(r));
    }
    if (run_qubo) {
        const MatchingEncoding& e = encoding();
        portfolio_options po = o.portfolio;
        po.solver = kind;
        po.compare = portfolio_compare;
        const std::vector<qubo::pin> qpins = e.pins(ps);
        bool safe = true;
        for (const auto& w : e.weights()) safe = safe && w.bound != qubo::penalty_bound::user;
        for (const solver_run& s : run_portfolio(e.model(), qpins, po, &e.constrained())) {
            if (s.chosen) chosen_qubo_run = res.runs.size();
            matching_run r;
            r.solver = s.solver;
            r.qubo = true;
            r.ran = s.ran;
            r.note = s.note;
            r.time_s = s.time_s;
            if (s.ran) {
                r.plan = e.decode(s.sample);
                r.energy = s.energy;
                detail::finish_run(p, ps, o.repair, r);
                // Exact enumeration of a model whose weights are proven safe returns a plan.
                r.proven_optimal = s.kind == solver_kind::exact && safe && r.feasibility.feasible() && !r.plan.repaired;
                if (r.proven_optimal) r.note = detail::join_notes(r.note, "proven optimum");
            }
            res.runs.push_back(std::move(r));
        }
    }
    if (run_local) {
        matching_run r;
        r.solver = std::string(to_string(matching_method::local_search));
        gap_search_options lo = o.local_search;
        lo.seed = o.portfolio.seed;
        lo.threads = o.portfolio.threads;
        lo.time_limit_s = o.portfolio.time_limit_s;
        if (o.portfolio.progress) {
            const auto& cb = o.portfolio.progress;
            lo.progress = [&cb, name = r.solver](const qubo::progress_info& info) { return cb(name, info); };
        }
        const gap_search_result g = gap_local_search(p, ps, lo);
        r.ran = true;
        r.plan = g.plan;
        r.time_s = g.time_s;
        if (g.stopped_early) r.note = g.reached_target ? "reached the target" : "time limit";
        detail::finish_run(p, ps, o.repair, r);
        res.runs.push_back(std::move(r));
    }

    // The shown run.
    const auto better = [&](const matching_run& a, const matching_run& b) {
        return p.maximize() ? a.objective > b.objective : a.objective < b.objective;
    };
    for (std::size_t i = 0; i < res.runs.size(); ++i) {
        const matching_run& r = res.runs[i];
        if (!r.ran && !(i == chosen_qubo_run && method != matching_method::automatic)) continue;
        bool pick = false;
        if (method == matching_method::automatic) {
            pick = r.feasibility.feasible() && (!res.shown || better(r, res.runs[*res.shown]));
        } else if (method == matching_method::local_search || method == matching_method::min_cost_flow) {
            pick = r.solver == to_string(method);
        } else {
            pick = i == chosen_qubo_run;
        }
        if (pick && (method == matching_method::automatic || !res.shown)) res.shown = i;
    }
    if (!res.shown) {
        // Automatic and nothing feasible: show the first plan.
        for (std::size_t i = 0; i < res.runs.size() && !res.shown; ++i)
            if (res.runs[i].ran) res.shown = i;
    }
    if (res.shown) res.runs[*res.shown].shown = true;
    return res;
}

/// @brief solve_matching with a vector of pins.
inline matching_result solve_matching(const MatchingProblem& p, const std::vector<matching_pin>& pins,
                                      const matching_solve_options& o) {
    return solve_matching(p, std::span<const matching_pin>(pins), o);
}

} // namespace qcoach::coaching
