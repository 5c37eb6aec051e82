#pragma once
/// @file
/// @brief One-hot groups of a qubo::ConstrainedModel, and its penalized objective without the
/// one-hot penalties (part of the API of subspace.hpp, which includes this file).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::variational {

/// @brief The one-hot constraints of a constrained model and whether they partition its variables.
struct one_hot_groups {
    /// Variables of each one-hot constraint, in the constraint's order.
    std::vector<std::vector<qubo::var_t>> groups;
    /// Index of each group's constraint in ConstrainedModel::constraints().
    std::vector<std::size_t> constraints;
    /// True when every variable of the model (original and slack) is in exactly one group: then
    /// the feasible-subspace simulator applies.
    bool partition = false;
    /// Why the groups are not a partition (empty when they are).
    std::string reason;
    /// True when every original variable is in exactly one group (slack variables aside): then
    /// assignment_space() and constrained_costs() of subspace.hpp apply, with the slack
    /// variables of the other rows set to their best values.
    bool partition_original = false;
};

/// @brief Collect the constraints of kind one_hot and check whether they partition the variables.
inline one_hot_groups find_one_hot_groups(const qubo::ConstrainedModel& cm) {
    one_hot_groups out;
    const auto cs = cm.constraints();
    for (std::size_t k = 0; k < cs.size(); ++k) {
        if (cs[k].kind() != qubo::constraint_kind::one_hot) continue;
        std::vector<qubo::var_t> g;
        for (const qubo::int_term& t : cs[k].terms()) g.push_back(t.variable);
        out.groups.push_back(std::move(g));
        out.constraints.push_back(k);
    }
    const auto& obj = cm.objective();
    std::vector<std::size_t> owner(cm.num_total_variables(), SIZE_MAX);
    for (std::size_t g = 0; g < out.groups.size() && out.reason.empty(); ++g) {
        for (qubo::var_t v : out.groups[g]) {
            if (owner[v] != SIZE_MAX) {
                out.reason = "variable " + obj.name(v) + " is in one-hot constraints \"" +
                             cs[out.constraints[owner[v]]].name() + "\" and \"" + cs[out.constraints[g]].name() + "\"";
                break;
            }
            owner[v] = g;
        }
    }
    if (out.reason.empty()) {
        for (std::size_t v = 0; v < owner.size(); ++v) {
            if (owner[v] != SIZE_MAX) continue;
            if (v < cm.num_variables()) {
                out.reason = "variable " + obj.name(static_cast<qubo::var_t>(v)) + " is in no one-hot constraint";
            } else {
                out.partition_original = true; // only slack variables are left out
                out.reason = "the model has " + std::to_string(cm.num_slack_variables()) +
                             " slack variable(s), which are in no one-hot constraint";
            }
            break;
        }
    }
    out.partition = out.reason.empty();
    if (out.partition) out.partition_original = true;
    return out;
}

namespace detail {

/// @brief Add to `out` the penalty of row c with weight p (the expansion of qubo/constraints.hpp:
/// p (sum a x + sum c s - b)^2, or p sum_{i<j} x_i x_j for at_most_one); `out` must hold the
/// row's variables, slack included when it has any. A redundant row adds nothing.
inline void add_row_penalty(qubo::BinaryQuadraticModel& out, const qubo::Constraint& c, double p) {
    if (c.redundant()) return;
    if (c.kind() == qubo::constraint_kind::at_most_one) {
        const auto t = c.terms();
        for (std::size_t a = 0; a < t.size(); ++a)
            for (std::size_t b = a + 1; b < t.size(); ++b) out.add_quadratic(t[a].variable, t[b].variable, p);
        return;
    }
    std::vector<std::pair<qubo::var_t, double>> y;
    for (const qubo::int_term& t : c.terms())
        if (t.coefficient != 0) y.emplace_back(t.variable, static_cast<double>(t.coefficient));
    for (std::size_t s = 0; s < c.num_slack(); ++s)
        y.emplace_back(static_cast<qubo::var_t>(c.first_slack() + s), static_cast<double>(c.slack_coefficients()[s]));
    const double d = -static_cast<double>(c.rhs());
    for (std::size_t a = 0; a < y.size(); ++a) {
        const double wa = y[a].second;
        out.add_linear(y[a].first, p * (wa * wa + 2.0 * d * wa));
        for (std::size_t b = a + 1; b < y.size(); ++b) out.add_quadratic(y[a].first, y[b].first, 2.0 * p * wa * y[b].second);
    }
    out.add_offset(p * d * d);
}

} // namespace detail

/// @brief The penalized model of `cm` (objective plus weighted penalties, over the original then
/// the slack variables, as ConstrainedModel::to_model()) without the penalties of the one-hot
/// constraints: on every assignment that satisfies the one-hot rows it has the same energy as
/// to_model(). Weights are those of cm.weights(), so the other penalties are unchanged; the
/// expansion of P (sum a x + s - b)^2 is the one documented in qubo/constraints.hpp.
inline qubo::BinaryQuadraticModel objective_without_one_hot(const qubo::ConstrainedModel& cm) {
    qubo::BinaryQuadraticModel out = cm.objective();
    out.add_variables(cm.num_slack_variables());
    const auto cs = cm.constraints();
    const auto w = cm.weights();
    for (std::size_t k = 0; k < cs.size(); ++k) {
        const qubo::Constraint& c = cs[k];
        for (std::size_t s = 0; s < c.num_slack(); ++s)
            out.set_label(static_cast<qubo::var_t>(c.first_slack() + s), c.name() + ".slack[" + std::to_string(s) + "]");
        if (c.kind() != qubo::constraint_kind::one_hot) detail::add_row_penalty(out, c, w[k].value);
    }
    return out;
}

/// @brief The objective of `cm` plus the penalties of its rows without slack variables (one-hot
/// rows included), over the original variables only: the part of to_model() that does not
/// depend on slack. constrained_costs() (subspace.hpp) adds the slack rows state by state.
inline qubo::BinaryQuadraticModel slack_free_part(const qubo::ConstrainedModel& cm) {
    qubo::BinaryQuadraticModel out = cm.objective();
    const auto cs = cm.constraints();
    const auto w = cm.weights();
    for (std::size_t k = 0; k < cs.size(); ++k)
        if (cs[k].num_slack() == 0) detail::add_row_penalty(out, cs[k], w[k].value);
    return out;
}

} // namespace qcoach::variational
