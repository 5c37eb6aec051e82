#pragma once
/// @file
/// @brief Penalty weights for constraint penalties, with the bound that justifies each.
///
/// Setting. f is the objective (a binary model, minimized), each constraint c has a penalty
/// g_c(x, z) >= 0 over the original variables x and its own slack variables z, and the solver
/// minimizes F = f + sum_c P_c g_c. Write g*_c(x) = min_z g_c(x, z). The constraint builders
/// (constraints.hpp) guarantee, because every coefficient is an integer:
///   (G1) g*_c(x) = 0 when x satisfies c, and g*_c(x) >= 1 when it does not;
/// and for the "one-flip repairable" kinds (one-hot, exactly k, at most k, at most one, a <= row
/// with slack, an equality whose coefficients all have the same magnitude):
///   (G2) if x violates c, flipping one variable of c lowers g*_c by at least 1.
///
/// Bound 1, `one_flip` (the default when it applies). Let
///     B_c = max_{i in vars(c)} ( |a_i| + sum_j |b_ij| ),
/// an upper bound on |f(x with x_i flipped) - f(x)| for any x (the flip changes f by
/// +-(a_i + sum_j b_ij x_j)). Take P_c > B_c. If x violates c, the flip of (G2) changes f by at
/// most B_c and lowers P_c g*_c by at least P_c > B_c, so F strictly drops; repeating reaches an
/// x' that satisfies c with F(x') < F(x). If no other constraint shares a variable with c, the
/// flips do not change any other penalty, so this runs constraint by constraint: every violating
/// x is beaten by a feasible one, hence every minimizer of F is feasible, and on feasible points
/// F = f, so the minimizers of F are exactly the constrained optima of f. When c shares
/// variables with another constraint, a repairing flip may break the other one, and the argument
/// fails (assignment problems: a row's repair empties a column).
///
/// Bound 2, `objective_range` (safe for any set of constraints, overlapping or not, and for
/// every kind, including equalities with mixed coefficient sizes and slack-encoded rows). Let
///     R = sum_i |a_i| + sum_{i<j} |b_ij|  >=  max f - min f
/// (each term a_i x_i or b_ij x_i x_j moves within an interval of length |a_i| or |b_ij|). Take
/// every P_c > R. If x violates some c, F(x) >= min f + P_c g*_c(x) >= min f + P_c > max f >=
/// f(x_opt) = F(x_opt, z_opt) for any constrained optimum. Costlier for solvers (a larger weight
/// flattens the objective's landscape), so it is only used where bound 1 is not proved.
///
/// Mixed (what ConstrainedModel::weights does: bound 1 for repairable constraints that share no
/// variable with another constraint, bound 2 for the rest). A violating x either violates a
/// bound-2 constraint, and bound 2's argument beats it, or violates only bound-1 constraints,
/// whose repair flips touch no variable of any other constraint and so keep the rest satisfied.
///
/// Slack-encoded rows (a <= row with slack bits z, and at-most-k) need no extra multiple: the
/// slack bits do not appear in f, so they can be re-chosen at no cost, and the argument above
/// runs on g*_c. That needs the slack to cover exactly every value the row can need (0..range,
/// see slack.hpp) and integer coefficients (G1): with fractional coefficients the smallest
/// non-zero g* could be arbitrarily small and no finite multiple of B_c would be safe, which is
/// why the builders reject them. A local-search solver still has to flip slack bits after an
/// original flip; a larger weight does not make that easier, so none is added.
///
/// Strictness. The weight is B + 1 when every objective coefficient is an integer (then f moves
/// in integer steps and the margin is exact), otherwise B (1 + 2^-20), and 1 when B = 0.

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/detail/format.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo {

/// Which argument justifies a penalty weight.
enum class penalty_bound : std::uint8_t {
    none,            ///< no penalty: the constraint holds for every sample
    user,            ///< set by the caller; no guarantee is claimed
    one_flip,        ///< P > largest one-flip change of the objective over the constraint's variables
    objective_range, ///< P > sum of |coefficients| >= max f - min f
};

constexpr std::string_view penalty_bound_name(penalty_bound b) noexcept {
    switch (b) {
    case penalty_bound::none: return "none";
    case penalty_bound::user: return "user";
    case penalty_bound::one_flip: return "one_flip";
    case penalty_bound::objective_range: return "objective_range";
    }
    return "?";
}

/// A penalty weight and the bound it was chosen above.
struct penalty_weight {
    double value = 1.0;                      ///< the weight P
    penalty_bound bound = penalty_bound::user;
    double bound_value = 0.0;                ///< P > bound_value (0 for user weights)
    std::string reason;                      ///< one line a person can read
};

/// @brief Whether every linear bias and coupling of `m` is an integer.
inline bool has_integral_coefficients(const BinaryQuadraticModel& m) {
    for (double a : m.linear_biases())
        if (a != std::floor(a)) return false;
    bool integral = true;
    m.for_each_interaction([&](var_t, var_t, double b) { integral = integral && b == std::floor(b); });
    return integral;
}

/// @brief max over i in `variables` of the largest one-flip change of the objective at i
/// (|a_i| + sum_j |b_ij| for a binary objective). 0 for an empty list.
inline double one_flip_bound(const BinaryQuadraticModel& objective, std::span<const var_t> variables) {
    double b = 0.0;
    for (var_t i : variables) b = std::max(b, objective.max_flip_change(i));
    return b;
}

/// @brief An upper bound on max f - min f: sum |a_i| + sum_{i<j} |b_ij| for binary variables,
/// twice that for spins (h s and J s s move within [-|h|, |h|] and [-|J|, |J|]).
inline double objective_range_bound(const BinaryQuadraticModel& objective) {
    double r = 0.0;
    for (double a : objective.linear_biases()) r += std::abs(a);
    objective.for_each_interaction([&](var_t, var_t, double b) { r += std::abs(b); });
    return objective.type() == vartype::binary ? r : 2.0 * r;
}

/// @brief The weight just above `bound` (see the file comment, "Strictness").
inline double weight_above(double bound, bool integral_objective) {
    if (!(bound >= 0.0) || !std::isfinite(bound)) {
        throw value_error("a penalty bound must be finite and >= 0, got " + std::to_string(bound));
    }
    if (bound == 0.0) return 1.0;
    if (integral_objective) return bound + 1.0;
    return bound * (1.0 + 0x1.0p-20);
}

/// @brief Weight from bound 1 (one-flip) for a constraint over `variables`. `integral` says
/// whether every objective coefficient is an integer (computed when not given).
inline penalty_weight one_flip_weight(const BinaryQuadraticModel& objective, std::span<const var_t> variables,
                                      std::optional<bool> integral = std::nullopt) {
    penalty_weight w;
    w.bound = penalty_bound::one_flip;
    w.bound_value = one_flip_bound(objective, variables);
    w.value = weight_above(w.bound_value, integral ? *integral : has_integral_coefficients(objective));
    w.reason = "one-flip bound: weight > " + detail::format_number(w.bound_value) +
               ", the largest one-flip change of the objective over the constraint's variables";
    return w;
}

/// @brief Weight from bound 2 (objective range), valid for any set of constraints.
inline penalty_weight objective_range_weight(const BinaryQuadraticModel& objective,
                                             std::optional<bool> integral = std::nullopt) {
    penalty_weight w;
    w.bound = penalty_bound::objective_range;
    w.bound_value = objective_range_bound(objective);
    w.value = weight_above(w.bound_value, integral ? *integral : has_integral_coefficients(objective));
    w.reason = "objective-range bound: weight > " + detail::format_number(w.bound_value) +
               ", the sum of |objective coefficients| (>= max f - min f)";
    return w;
}

/// @brief A caller-chosen weight (must be finite and > 0).
inline penalty_weight user_weight(double value) {
    if (!(value > 0.0) || !std::isfinite(value)) {
        throw value_error("a penalty weight must be finite and > 0, got " + std::to_string(value));
    }
    return penalty_weight{value, penalty_bound::user, 0.0, "set by the caller"};
}

} // namespace qcoach::qubo
