#pragma once
/// @file
/// @brief Learning path, sessions mode: put modules into sessions (a relative of SALBP-1),
/// encoded as a QUBO, solved by the portfolio, decoded, checked, explained and drawn.
///
/// The problem, the plan, the check and the objective are in
/// detail/learning_sessions_model.hpp; the explanation and the Graphviz drawing in
/// detail/learning_sessions_explain.hpp; the repair and the dedicated local search in
/// detail/learning_sessions_search.hpp. This header includes them all.
///
/// Encoding (SessionQubo). One binary variable x[m,s] per module m and session s the module may
/// take (analyse_domain: forbidden sessions, sessions other than a pinned one, and - with
/// pruning, the default - sessions it cannot fit or that its prerequisite chains rule out are
/// left out). Objective, with integer coefficients:
///     sum_{m,s} (lambda_c w_m (s + 1) + lambda_b l_m^2) x[m,s]
///   + sum_s sum_{a<b} 2 lambda_b l_a l_b x[a,s] x[b,s]  -  lambda_b (sum_m l_m)^2 / S,
/// which is lambda_c completion + lambda_b sum_s L_s^2 - const, the objective of the model file.
/// Constraints (qubo::ConstrainedModel; each name starts with the name the plan check uses, and
/// a prerequisite row adds the pair of sessions it forbids):
///   - "module M in one session": one-hot over x[M, .];
///   - "session s time capacity": sum_m d_m x[m,s] <= C_s, with slack bits;
///   - "session s load budget": sum_m l_m x[m,s] <= B_s, with slack bits;
///     both rows divided by the gcd of their coefficients first (same solutions, a smaller
///     penalty step and fewer slack bits: see scale_row);
///   - "prerequisite A before B (A in s, B in t)": x[A,s] x[B,t] <= 1 as the pairwise penalty
///     P x[A,s] x[B,t], for every pair of sessions the rule forbids (t <= s, or t < s under the
///     same-or-earlier rule), on the arcs of the transitive reduction of the prerequisites (an
///     implied arc needs no penalty of its own: the others already forbid its violation).
/// Penalty weights come from qubo/penalty.hpp (ConstrainedModel::weights): here every
/// constraint shares variables with another, so each gets the objective-range bound, which is
/// provably large enough for any overlap; weight_summary() states the bound. A caller-set weight
/// is accepted and then no guarantee is claimed.
///
/// Pins become qubo::pin (x[m, pinned] = 1; the module's other variables do not exist), which
/// the portfolio applies with qubo::fix_variables, so every solver respects them; forbids remove
/// variables. The one-hot groups (one per module) are what an XY-mixer QAOA keeps invariant.

#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/coaching/detail/learning_sessions_explain.hpp"
#include "qcoach/coaching/detail/learning_sessions_model.hpp"
#include "qcoach/coaching/detail/learning_sessions_search.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/penalty.hpp"
#include "qcoach/qubo/slack.hpp"

namespace qcoach::coaching {

/// How a learning path becomes a QUBO.
struct session_encoding_options {
    /// Leave out the variables no feasible plan can use (too long, too heavy, ruled out by a
    /// prerequisite chain). Forbids and pins always remove variables.
    bool prune = true;
    qubo::slack_encoding slack = qubo::slack_encoding::logarithmic;
    /// One weight for every constraint; empty: the provable defaults of qubo/penalty.hpp.
    std::optional<double> penalty_weight;
};

/// @brief The QUBO of a sessions-mode learning path and the maps between its samples and plans.
class SessionQubo {
public:
    explicit SessionQubo(LearningPathProblem problem, session_encoding_options options = {})
        : problem_(std::move(problem)), domain_(analyse_domain(problem_, options.prune)), cm_(build_objective()) {
        add_constraints(options);
        model_ = cm_.to_model();
    }

    const LearningPathProblem& problem() const noexcept { return problem_; }
    const session_domain& domain() const noexcept { return domain_; }
    const qubo::ConstrainedModel& constrained() const noexcept { return cm_; }
    /// The penalized model: assignment variables first, then the slack variables.
    const qubo::BinaryQuadraticModel& model() const noexcept { return model_; }
    std::size_t num_assignment_variables() const noexcept { return cells_.size(); }

    /// @brief The variable x[m,s], or nothing when the module may not take the session.
    std::optional<qubo::var_t> variable(std::size_t m, std::size_t s) const {
        const qubo::var_t v = var_.at(m).at(s);
        if (v == missing) return std::nullopt;
        return v;
    }
    /// @brief (module, session) of assignment variable v.
    std::pair<std::size_t, std::size_t> cell(qubo::var_t v) const { return cells_.at(v); }
    /// The pins as the portfolio takes them.
    const std::vector<qubo::pin>& pins() const noexcept { return pins_; }
    /// One group of variables per module, exactly one of which is 1 in a valid plan.
    const std::vector<std::vector<qubo::var_t>>& one_hot_groups() const noexcept { return groups_; }

    /// @brief Penalty weight of each constraint, in constraints() order.
    std::vector<qubo::penalty_weight> weights() const { return cm_.weights(); }

    /// @brief One line per distinct weight: value, how many constraints carry it, its bound.
    std::string weight_summary() const {
        std::map<std::pair<double, std::string>, std::size_t> count;
        for (const auto& w : cm_.weights())
            if (w.bound != qubo::penalty_bound::none) ++count[{w.value, w.reason}];
        std::string s;
        for (const auto& [key, k] : count)
            s += "penalty weight " + qubo::detail::format_number(key.first) + " on " + std::to_string(k) +
                 " constraint(s): " + key.second + "\n";
        return s;
    }

    /// @brief The plan a sample encodes (every placement it makes; no repair). The sample holds
    /// the assignment variables, optionally followed by the slack variables.
    session_plan decode(std::span<const std::int8_t> sample) const {
        const auto x = cm_.original(sample);
        session_plan plan;
        plan.placements.resize(problem_.num_modules());
        for (qubo::var_t v = 0; v < cells_.size(); ++v)
            if (x[v]) plan.placements[cells_[v].first].push_back(cells_[v].second);
        return plan;
    }

    /// @brief The full sample (assignment and best slack bits) of a plan. Throws value_error
    /// when the plan uses a placement the model has no variable for, naming it and why.
    std::vector<std::int8_t> sample_of(const session_plan& plan) const {
        detail::check_plan_size(problem_, plan);
        std::vector<std::int8_t> x(cells_.size(), 0);
        for (std::size_t m = 0; m < plan.placements.size(); ++m) {
            for (std::size_t s : plan.placements[m]) {
                if (var_[m][s] == missing)
                    throw value_error("the model has no variable for " + problem_.module(m).id + " in session " +
                                      problem_.session(s).id + " (" + std::string(exclusion_text(domain_.why[m][s])) + ")");
                x[var_[m][s]] = 1;
            }
        }
        return cm_.complete_sample(x);
    }

private:
    static constexpr qubo::var_t missing = static_cast<qubo::var_t>(-1);

    qubo::BinaryQuadraticModel build_objective() {
        const std::size_t n = problem_.num_modules(), S = problem_.num_sessions();
        var_.assign(n, std::vector<qubo::var_t>(S, missing));
        for (std::size_t m = 0; m < n; ++m)
            for (std::size_t s = 0; s < S; ++s)
                if (domain_.allowed(m, s)) {
                    var_[m][s] = static_cast<qubo::var_t>(cells_.size());
                    cells_.emplace_back(m, s);
                }
        qubo::BinaryQuadraticModel f(qubo::vartype::binary, cells_.size());
        const auto lc = static_cast<double>(problem_.weights().completion);
        const auto lb = static_cast<double>(problem_.weights().balance);
        double total_load = 0;
        for (qubo::var_t v = 0; v < cells_.size(); ++v) {
            const auto [m, s] = cells_[v];
            const auto& mod = problem_.module(m);
            f.set_label(v, "x[" + mod.id + "," + problem_.session(s).id + "]");
            const auto l = static_cast<double>(mod.load);
            f.add_linear(v, lc * static_cast<double>(mod.weight) * static_cast<double>(s + 1) + lb * l * l);
        }
        for (std::size_t m = 0; m < n; ++m) total_load += static_cast<double>(problem_.module(m).load);
        if (lb != 0) {
            for (std::size_t s = 0; s < S; ++s)
                for (std::size_t a = 0; a < n; ++a)
                    for (std::size_t b = a + 1; b < n; ++b) {
                        const double w = 2 * lb * static_cast<double>(problem_.module(a).load) *
                                         static_cast<double>(problem_.module(b).load);
                        if (w != 0 && var_[a][s] != missing && var_[b][s] != missing)
                            f.add_quadratic(var_[a][s], var_[b][s], w);
                    }
            f.set_offset(-lb * total_load * total_load / static_cast<double>(S));
        }
        return f;
    }

    void add_constraints(const session_encoding_options& o) {
        const std::size_t n = problem_.num_modules(), S = problem_.num_sessions();
        const auto w = o.penalty_weight;
        for (std::size_t m = 0; m < n; ++m) {
            std::vector<qubo::var_t> g;
            for (std::size_t s = 0; s < S; ++s)
                if (var_[m][s] != missing) g.push_back(var_[m][s]);
            cm_.add_one_hot("module " + problem_.module(m).id + " in one session", g, w);
            groups_.push_back(std::move(g));
        }
        for (std::size_t s = 0; s < S; ++s) {
            const auto& ses = problem_.session(s);
            std::vector<qubo::linear_term> time, load;
            for (std::size_t m = 0; m < n; ++m) {
                if (var_[m][s] == missing) continue;
                const auto& mod = problem_.module(m);
                if (mod.duration > 0) time.push_back({var_[m][s], static_cast<double>(mod.duration)});
                if (mod.load > 0) load.push_back({var_[m][s], static_cast<double>(mod.load)});
            }
            if (!time.empty())
                cm_.add_inequality("session " + ses.id + " time capacity", time,
                                   scale_row(time, static_cast<double>(ses.capacity)), w, o.slack);
            if (ses.load_budget && !load.empty())
                cm_.add_inequality("session " + ses.id + " load budget", load,
                                   scale_row(load, static_cast<double>(*ses.load_budget)), w, o.slack);
        }
        const std::size_t gap = problem_.gap();
        for (const auto& [a, b] : problem_.graph().reduced_arcs(problem_.topological_order())) {
            for (std::size_t sa = 0; sa < S; ++sa) {
                if (var_[a][sa] == missing) continue;
                for (std::size_t sb = 0; sb < sa + gap && sb < S; ++sb) {
                    if (var_[b][sb] == missing) continue;
                    cm_.add_at_most_one("prerequisite " + problem_.module(a).id + " before " + problem_.module(b).id +
                                            " (" + problem_.module(a).id + " in " + problem_.session(sa).id + ", " +
                                            problem_.module(b).id + " in " + problem_.session(sb).id + ")",
                                        {var_[a][sa], var_[b][sb]}, w);
                }
            }
        }
        for (const auto& pin : problem_.pins()) pins_.push_back({var_[pin.module][pin.slot], 1});
    }

    /// Divide a row sum a x <= b by g = gcd(a) and round b down: sum (a/g) x <= floor(b/g)
    /// holds for exactly the same x (the left side is a multiple of g), and a violation by one
    /// step of g now costs P instead of P g^2, with fewer slack bits (durations in steps of
    /// 15 minutes: 225 times less).
    static double scale_row(std::vector<qubo::linear_term>& row, double rhs) {
        std::int64_t g = 0;
        for (const auto& t : row) g = std::gcd(g, static_cast<std::int64_t>(t.coefficient));
        if (g <= 1) return rhs;
        for (auto& t : row) t.coefficient /= static_cast<double>(g);
        return std::floor(rhs / static_cast<double>(g));
    }

    LearningPathProblem problem_;
    session_domain domain_;
    std::vector<std::vector<qubo::var_t>> var_;
    std::vector<std::pair<std::size_t, std::size_t>> cells_;
    qubo::ConstrainedModel cm_;
    qubo::BinaryQuadraticModel model_;
    std::vector<qubo::pin> pins_;
    std::vector<std::vector<qubo::var_t>> groups_;
};

/// @brief One solver's plan on a learning path, decoded, checked and evaluated.
struct session_outcome {
    std::string solver;
    bool ran = false;
    std::string note;       ///< why it did not run, or "" / "repaired" / other remarks
    bool chosen = false;
    double time_s = 0.0;
    double energy = std::nan(""); ///< QUBO energy of the sample (NaN for a dedicated method)
    session_plan plan;
    plan_check check;
    session_objective_report objective;

    /// True when the run returned a plan and that plan keeps every hard constraint (a run that
    /// did not happen has no plan, so it is not feasible whatever `check` holds).
    bool feasible() const noexcept { return ran && check.feasible(); }
};

/// @brief Decode, check and evaluate a sample; with `repair`, an infeasible plan is repaired
/// (repair_plan) and marked as such. Pins hold either way.
inline void finish_outcome(const SessionQubo& q, std::span<const std::int8_t> sample, bool repair, session_outcome& out) {
    out.plan = q.decode(sample);
    out.check = check_plan(q.problem(), out.plan);
    if (!out.check.feasible() && repair) {
        out.plan = repair_plan(q.problem(), q.domain(), out.plan);
        out.check = check_plan(q.problem(), out.plan);
        out.note += out.note.empty() ? "repaired" : ", repaired";
    }
    out.objective = evaluate(q.problem(), out.plan);
}

/// @brief Run the portfolio (portfolio.hpp) on the QUBO with the problem's pins, and decode,
/// check (and, only when `repair` is set, repair) each solver's best sample.
inline std::vector<session_outcome> solve_sessions(const SessionQubo& q, const portfolio_options& options,
                                                   bool repair = false) {
    std::vector<session_outcome> out;
    for (const solver_run& r : run_portfolio(q.model(), q.pins(), options, &q.constrained())) {
        session_outcome o;
        o.solver = r.solver;
        o.ran = r.ran;
        o.note = r.ran ? "" : r.note;
        o.chosen = r.chosen;
        o.time_s = r.time_s;
        if (r.ran) {
            o.energy = r.energy;
            finish_outcome(q, r.sample, repair, o);
        }
        out.push_back(std::move(o));
    }
    return out;
}

/// @brief The dedicated local search (learning_sessions_search.hpp) as an outcome row.
inline session_outcome solve_sessions_dedicated(const SessionQubo& q, const plan_search_options& options) {
    const plan_search_result r = search_plan(q.problem(), q.domain(), options);
    session_outcome o;
    o.solver = "plan local search (dedicated)";
    o.ran = true;
    o.time_s = r.time_s;
    o.plan = r.plan;
    o.check = check_plan(q.problem(), o.plan);
    o.objective = evaluate(q.problem(), o.plan);
    if (!o.check.feasible()) o.note = "no feasible plan found";
    return o;
}

/// @brief One-hot groups renumbered for the pinned model (qubo/fix.hpp).
using qubo::groups_after_pins;

} // namespace qcoach::coaching
