#pragma once
/// @file
/// @brief Learning path, sequence mode: one strict order of modules with transition costs and
/// prerequisites (the sequential ordering problem), encoded as a QUBO, solved by the
/// portfolio, decoded, checked, explained and drawn.
///
/// The problem, the plan, the check and the objective are in
/// detail/learning_sequence_model.hpp; the repair and the dedicated methods (exact dynamic
/// program, iterated local search) in detail/learning_sop_search.hpp.
///
/// Encoding (SequenceQubo), position based: x[a,p] = 1 when module a takes position p, for the
/// positions its domain allows (analyse_domain: forbids, pins, and - with pruning - the first
/// positions its transitive prerequisites need and the last ones its dependants need).
/// Objective, integer coefficients:
///     sum_a start(a) x[a,1] + sum_a end(a) x[a,k] + sum_{a,p} w(a) p x[a,p]
///   + sum_{p<k} sum_{a != b} c(a,b) x[a,p] x[b,p+1],
/// the cost of the order on every permutation. Constraints, named as the plan check names them:
///   - "module M at one position": one-hot over x[M, .];
///   - "position p holds one module": one-hot over x[., p];
///   - "prerequisite A before B (A at p, B at q)": the pairwise penalty P x[A,p] x[B,q] for
///     every q < p, on the arcs of the transitive reduction (the others follow from them).
/// Penalty weights from qubo/penalty.hpp, as in learning_path.hpp: the rows overlap, so each
/// gets the objective-range bound. Pins are qubo::pin x[a,p] = 1 (the other variables of the
/// module and of the position are removed by the domain), forbids remove the variable.

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/coaching/detail/learning_sequence_model.hpp"
#include "qcoach/coaching/detail/learning_sop_search.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/penalty.hpp"

namespace qcoach::coaching {

/// How a sequence becomes a QUBO.
struct sequence_encoding_options {
    bool prune = true;                   ///< leave out positions the prerequisites rule out
    std::optional<double> penalty_weight; ///< one weight for all; empty: penalty.hpp defaults
};

/// @brief The position-based QUBO of a sequence and the maps between samples and plans.
class SequenceQubo {
public:
    explicit SequenceQubo(SequencingProblem problem, sequence_encoding_options options = {})
        : problem_(std::move(problem)), domain_(analyse_domain(problem_, options.prune)), cm_(build_objective()) {
        add_constraints(options);
        model_ = cm_.to_model();
    }

    const SequencingProblem& problem() const noexcept { return problem_; }
    const sequence_domain& domain() const noexcept { return domain_; }
    const qubo::ConstrainedModel& constrained() const noexcept { return cm_; }
    const qubo::BinaryQuadraticModel& model() const noexcept { return model_; }
    std::optional<qubo::var_t> variable(std::size_t a, std::size_t p) const {
        const qubo::var_t v = var_.at(a).at(p);
        if (v == missing) return std::nullopt;
        return v;
    }
    std::pair<std::size_t, std::size_t> cell(qubo::var_t v) const { return cells_.at(v); }
    const std::vector<qubo::pin>& pins() const noexcept { return pins_; }
    /// One group per module (its positions): the XY-mixer groups.
    const std::vector<std::vector<qubo::var_t>>& one_hot_groups() const noexcept { return groups_; }
    /// One group per position (its modules).
    const std::vector<std::vector<qubo::var_t>>& position_groups() const noexcept { return columns_; }

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

    /// @brief The plan a sample encodes (every placement; no repair).
    sequence_plan decode(std::span<const std::int8_t> sample) const {
        const auto x = cm_.original(sample);
        sequence_plan plan;
        plan.at_position.resize(problem_.size());
        for (qubo::var_t v = 0; v < cells_.size(); ++v)
            if (x[v]) plan.at_position[cells_[v].second].push_back(cells_[v].first);
        return plan;
    }

    /// @brief The full sample of a plan; throws value_error for a placement without a variable.
    std::vector<std::int8_t> sample_of(const sequence_plan& plan) const {
        if (plan.at_position.size() != problem_.size()) throw value_error("the plan has the wrong number of positions");
        std::vector<std::int8_t> x(cells_.size(), 0);
        for (std::size_t p = 0; p < plan.at_position.size(); ++p)
            for (std::size_t a : plan.at_position[p]) {
                if (a >= problem_.size() || var_[a][p] == missing)
                    throw value_error("the model has no variable for module " + (a < problem_.size() ? problem_.id(a) : std::to_string(a)) +
                                      " at position " + std::to_string(p + 1) +
                                      (a < problem_.size() ? " (" + std::string(exclusion_text(domain_.why[a][p])) + ")" : ""));
                x[var_[a][p]] = 1;
            }
        return cm_.complete_sample(x);
    }

private:
    static constexpr qubo::var_t missing = static_cast<qubo::var_t>(-1);

    qubo::BinaryQuadraticModel build_objective() {
        const std::size_t k = problem_.size();
        var_.assign(k, std::vector<qubo::var_t>(k, missing));
        for (std::size_t a = 0; a < k; ++a)
            for (std::size_t p = 0; p < k; ++p)
                if (domain_.allowed(a, p)) {
                    var_[a][p] = static_cast<qubo::var_t>(cells_.size());
                    cells_.emplace_back(a, p);
                }
        qubo::BinaryQuadraticModel f(qubo::vartype::binary, cells_.size());
        for (qubo::var_t v = 0; v < cells_.size(); ++v) {
            const auto [a, p] = cells_[v];
            f.set_label(v, "y[" + problem_.id(a) + "," + std::to_string(p + 1) + "]");
            double lin = static_cast<double>(problem_.position_weight(a)) * static_cast<double>(p + 1);
            if (p == 0) lin += static_cast<double>(problem_.start_cost(a));
            if (p + 1 == k) lin += static_cast<double>(problem_.end_cost(a));
            f.add_linear(v, lin);
        }
        for (std::size_t p = 0; p + 1 < k; ++p)
            for (std::size_t a = 0; a < k; ++a) {
                if (var_[a][p] == missing) continue;
                for (std::size_t b = 0; b < k; ++b) {
                    if (a == b || var_[b][p + 1] == missing) continue;
                    const auto c = static_cast<double>(problem_.transition(a, b));
                    if (c != 0) f.add_quadratic(var_[a][p], var_[b][p + 1], c);
                }
            }
        return f;
    }

    void add_constraints(const sequence_encoding_options& o) {
        const std::size_t k = problem_.size();
        const auto w = o.penalty_weight;
        for (std::size_t a = 0; a < k; ++a) {
            std::vector<qubo::var_t> g;
            for (std::size_t p = 0; p < k; ++p)
                if (var_[a][p] != missing) g.push_back(var_[a][p]);
            cm_.add_one_hot("module " + problem_.id(a) + " at one position", g, w);
            groups_.push_back(std::move(g));
        }
        for (std::size_t p = 0; p < k; ++p) {
            std::vector<qubo::var_t> g;
            for (std::size_t a = 0; a < k; ++a)
                if (var_[a][p] != missing) g.push_back(var_[a][p]);
            cm_.add_one_hot("position " + std::to_string(p + 1) + " holds one module", g, w);
            columns_.push_back(std::move(g));
        }
        for (const auto& [a, b] : problem_.graph().reduced_arcs(problem_.topological_order()))
            for (std::size_t pa = 0; pa < k; ++pa) {
                if (var_[a][pa] == missing) continue;
                for (std::size_t pb = 0; pb < pa; ++pb) {
                    if (var_[b][pb] == missing) continue;
                    cm_.add_at_most_one("prerequisite " + problem_.id(a) + " before " + problem_.id(b) + " (" + problem_.id(a) +
                                            " at " + std::to_string(pa + 1) + ", " + problem_.id(b) + " at " +
                                            std::to_string(pb + 1) + ")",
                                        {var_[a][pa], var_[b][pb]}, w);
                }
            }
        for (const auto& pin : problem_.pins()) pins_.push_back({var_[pin.module][pin.slot], 1});
    }

    SequencingProblem problem_;
    sequence_domain domain_;
    std::vector<std::vector<qubo::var_t>> var_;
    std::vector<std::pair<std::size_t, std::size_t>> cells_;
    qubo::ConstrainedModel cm_;
    qubo::BinaryQuadraticModel model_;
    std::vector<qubo::pin> pins_;
    std::vector<std::vector<qubo::var_t>> groups_, columns_;
};

/// @brief One solver's order, decoded, checked and evaluated.
struct sequence_outcome {
    std::string solver;
    bool ran = false;
    std::string note;
    bool chosen = false;
    double time_s = 0.0;
    double energy = std::nan("");
    sequence_plan plan;
    plan_check check;
    sequence_objective_report objective;

    /// True when the run returned a plan and that plan keeps every hard constraint (a run that
    /// did not happen has no plan, so it is not feasible whatever `check` holds).
    bool feasible() const noexcept { return ran && check.feasible(); }
};

inline void finish_outcome(const SequenceQubo& q, std::span<const std::int8_t> sample, bool repair, sequence_outcome& out) {
    out.plan = q.decode(sample);
    out.check = check_plan(q.problem(), out.plan);
    if (!out.check.feasible() && repair) {
        out.plan = repair_sequence(q.problem(), q.domain(), out.plan);
        out.check = check_plan(q.problem(), out.plan);
        out.note += out.note.empty() ? "repaired" : ", repaired";
    }
    out.objective = evaluate(q.problem(), out.plan);
}

/// @brief Run the portfolio on the sequence QUBO with the pins; decode, check, repair on request.
inline std::vector<sequence_outcome> solve_sequence(const SequenceQubo& q, const portfolio_options& options,
                                                    bool repair = false) {
    std::vector<sequence_outcome> out;
    for (const solver_run& r : run_portfolio(q.model(), q.pins(), options, &q.constrained())) {
        sequence_outcome o;
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

/// @brief The dedicated methods as outcome rows: the exact dynamic program when the sequence
/// is small enough (options.dp_max_items), and the iterated local search.
inline std::vector<sequence_outcome> solve_sequence_dedicated(const SequenceQubo& q, const sequence_search_options& options) {
    std::vector<sequence_outcome> out;
    auto row = [&](const std::string& name, const sequence_search_result& r) {
        sequence_outcome o;
        o.solver = name;
        o.ran = true;
        o.time_s = r.time_s;
        o.plan = r.order.empty() ? sequence_plan{std::vector<std::vector<std::size_t>>(q.problem().size()), false, {}}
                                 : sequence_plan::from_order(r.order);
        o.check = check_plan(q.problem(), o.plan);
        o.objective = evaluate(q.problem(), o.plan);
        if (r.order.empty()) o.note = "no order found";
        else if (r.proven_optimal) o.note = "proven optimal";
        out.push_back(std::move(o));
    };
    if (q.problem().size() <= options.dp_max_items) row("sequence dynamic program (dedicated)", solve_sequence_dp(q.problem(), q.domain(), options));
    row("sequence local search (dedicated)", search_sequence(q.problem(), q.domain(), options));
    return out;
}

/// The explanation of one module's position.
struct sequence_explanation {
    std::size_t module = 0;
    std::size_t position = unplaced;
    std::string headline;
    std::vector<std::string> reasons;
    std::vector<std::string> to_change;

    std::string text() const {
        std::string s = headline + "\n";
        for (const auto& r : reasons) s += "    " + r + "\n";
        for (const auto& c : to_change) s += "    to change: " + c + "\n";
        return s;
    }
};

/// @brief Why each module is where it is: what a pin fixes, which prerequisite it follows and
/// which dependant it precedes, what its two transitions cost, and the cheapest other
/// position that keeps every rule (moving it there, the others keeping their order).
inline std::vector<sequence_explanation> explain(const SequencingProblem& p, const sequence_domain& d,
                                                 const sequence_plan& plan) {
    std::vector<sequence_explanation> out;
    const std::size_t k = p.size();
    const std::vector<std::size_t> order = plan.order();
    if (order.empty()) {
        sequence_explanation e;
        e.headline = "the plan is not a complete order (some position holds no module or several): infeasible";
        out.push_back(std::move(e));
        return out;
    }
    std::vector<std::size_t> pos(k);
    for (std::size_t q = 0; q < k; ++q) pos[order[q]] = q;
    const std::int64_t base = detail::order_cost(p, order);
    std::vector<std::size_t> scratch(k);
    for (std::size_t q = 0; q < k; ++q) {
        const std::size_t a = order[q];
        sequence_explanation e;
        e.module = a;
        e.position = q;
        e.headline = std::to_string(q + 1) + ". " + p.label(a);
        if (p.pinned_position(a) == q) e.reasons.push_back("pinned there by a person");
        std::size_t last_pre = unplaced;
        for (std::size_t b : p.graph().predecessors(a))
            if (last_pre == unplaced || pos[b] > pos[last_pre]) last_pre = b;
        if (last_pre != unplaced)
            e.reasons.push_back("after its prerequisite " + p.id(last_pre) + " (position " + std::to_string(pos[last_pre] + 1) +
                                ")" + (pos[last_pre] + 1 == q ? ": it cannot come earlier" : ""));
        std::size_t first_dep = unplaced;
        for (std::size_t b : p.graph().successors(a))
            if (first_dep == unplaced || pos[b] < pos[first_dep]) first_dep = b;
        if (first_dep != unplaced)
            e.reasons.push_back("before " + p.id(first_dep) + ", which needs it (position " + std::to_string(pos[first_dep] + 1) + ")");
        std::string tr = q == 0 ? "starts the sequence (cost " + std::to_string(p.start_cost(a)) + ")"
                                : "follows " + p.id(order[q - 1]) + " (cost " + std::to_string(p.transition(order[q - 1], a)) + ")";
        tr += q + 1 == k ? ", ends it (cost " + std::to_string(p.end_cost(a)) + ")"
                         : ", leads to " + p.id(order[q + 1]) + " (cost " + std::to_string(p.transition(a, order[q + 1])) + ")";
        e.reasons.push_back(tr);
        // Every other position for a, the rest keeping their order.
        std::size_t best_r = unplaced;
        std::int64_t best_delta = 0;
        for (std::size_t r = 0; r < k; ++r) {
            if (r == q) continue;
            std::vector<std::size_t> t;
            for (std::size_t x : order)
                if (x != a) t.push_back(x);
            t.insert(t.begin() + static_cast<std::ptrdiff_t>(r), a);
            if (!detail::order_valid(p, d, t, scratch)) continue;
            const std::int64_t delta = detail::order_cost(p, t) - base;
            if (best_r == unplaced || delta < best_delta) {
                best_r = r;
                best_delta = delta;
            }
        }
        if (best_r == unplaced) {
            e.to_change.push_back("no other position keeps every prerequisite, pin and forbid");
        } else {
            e.to_change.push_back("the best other position is " + std::to_string(best_r + 1) + ": the cost would change by " +
                                  detail::signed_text(static_cast<double>(best_delta)));
        }
        out.push_back(std::move(e));
    }
    return out;
}

inline std::string explain_text(const SequencingProblem& p, const sequence_domain& d, const sequence_plan& plan) {
    std::string s;
    for (const auto& e : explain(p, d, plan)) s += e.text();
    return s;
}

/// @brief Graphviz DOT: the order as a bold chain labelled with transition costs, the
/// prerequisites as dashed arcs (red and bold when broken), each node labelled with its
/// position. Modules at no position or at several are drawn in red.
inline std::string to_dot(const SequencingProblem& p, const sequence_plan& plan) {
    const std::size_t k = p.size();
    (void)evaluate(p, plan);
    std::vector<std::vector<std::size_t>> pos(k);
    for (std::size_t q = 0; q < plan.at_position.size(); ++q)
        for (std::size_t a : plan.at_position[q]) pos[a].push_back(q);
    std::string s = "digraph learning_sequence {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontsize=10];\n";
    for (std::size_t a = 0; a < k; ++a) {
        std::string label = pos[a].size() == 1 ? std::to_string(pos[a][0] + 1) + ". " + p.id(a) : p.id(a) + " (unplaced)";
        if (!p.title(a).empty()) label += "\n" + p.title(a);
        if (p.pinned_position(a) != unplaced) label += "\npinned";
        s += "  " + detail::dot_quote(p.id(a)) + " [label=" + detail::dot_quote(label) +
             (pos[a].size() == 1 ? "" : ", color=red, fontcolor=red") + "];\n";
    }
    for (std::size_t q = 0; q + 1 < plan.at_position.size(); ++q)
        for (std::size_t a : plan.at_position[q])
            for (std::size_t b : plan.at_position[q + 1])
                s += "  " + detail::dot_quote(p.id(a)) + " -> " + detail::dot_quote(p.id(b)) + " [penwidth=2, label=" +
                     detail::dot_quote(std::to_string(p.transition(a, b))) + "];\n";
    for (std::size_t b = 0; b < k; ++b)
        for (std::size_t a : p.graph().predecessors(b)) {
            const bool broken = !pos[a].empty() && !pos[b].empty() && pos[a].back() >= pos[b].front();
            s += "  " + detail::dot_quote(p.id(a)) + " -> " + detail::dot_quote(p.id(b)) + " [style=dashed, constraint=false" +
                 (broken ? ", color=red, penwidth=2, label=\"broken\"" : ", color=gray") + "];\n";
        }
    return s + "}\n";
}

} // namespace qcoach::coaching
