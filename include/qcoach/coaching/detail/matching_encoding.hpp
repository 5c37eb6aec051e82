#pragma once
/// @file
/// @brief The matching problem as a constrained binary model and a QUBO, and back.
///
/// Variables. x[c,k] = 1 when client c gets coach k, one per allowed pair only: excluded and
/// forbidden pairs get no variable at all (a hard exclusion removes the variable rather than
/// adding a penalty, so it can never be broken and costs no qubit). When clients may stay
/// unassigned, each client also has x[c,none]. Variables are numbered client by client, coaches
/// in index order, the none option last; the capacity slack bits follow (constraints.hpp).
///
/// Objective (minimized): E(x) = -sum_{c,k} g_ck x[c,k] - g_none sum_c x[c,none], so that on every
/// plan the energy is minus the plan's compatibility (or plus its cost when minimizing). It is
/// stored in the shifted form
///     E(x) = -sum_c sum_k (g_ck - s_c) x[c,k]  -  sum_c s_c,     s_c = a median of client c's gains,
/// which equals the form above whenever client c has exactly one option on, i.e. on every
/// sample that meets the one-hot rows. The shift changes nothing a solver can find (the
/// penalized optimum is a plan), but it lowers sum |coefficients|, the objective-range bound that
/// sets the penalty weight below (penalty.hpp): on the OR-Library gap instances, whose values lie
/// in 15..25 (types 1-12), the median shift cuts the bound about fourfold. The median (the lower
/// one for an even count, so integer gains stay integer) minimizes sum_k |g_ck - s_c|.
///
/// Constraints (named, constraints.hpp):
///   "client client-07 gets one coach"   one-hot over the client's variables (with x[c,none]);
///   "coach coach-2 capacity"            sum_c r_ck x[c,k] <= b_k, with slack bits (logarithmic
///                                       by default), or no row when it always holds.
/// Every variable sits in a one-hot row and (unless it is a none option or its coach's row is
/// redundant) a capacity row, so the rows overlap and penalty.hpp's default is the objective-range
/// bound for all of them: P > sum |coefficients| of the shifted objective. It is safe (every
/// minimizer of the QUBO is a feasible plan) whatever the instance, and `weights()` reports it
/// with its reason. A smaller weight may be asked for (matching_encoding_options) and is then
/// reported as the caller's, with no guarantee.
///
/// XY mixer. `one_hot_groups()` lists each client's variables: a QAOA whose mixer swaps
/// excitations within each group, started from a state with one excitation per group, keeps every
/// one-hot row satisfied (Hadfield et al., "From the quantum approximate optimization algorithm to
/// a quantum alternating operator ansatz", Algorithms 12 (2019) 34), leaving only the capacity
/// penalties.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/penalty.hpp"
#include "qcoach/qubo/slack.hpp"

namespace qcoach::coaching {

/// @brief Choices of the QUBO encoding; the defaults are the safe ones.
struct matching_encoding_options {
    /// Penalty weight of every one-hot row (default: penalty.hpp's choice, reported).
    std::optional<double> one_hot_weight;
    /// Penalty weight of every capacity row (default: penalty.hpp's choice, reported).
    std::optional<double> capacity_weight;
    qubo::slack_encoding slack = qubo::slack_encoding::logarithmic;
    /// Shift each client's objective coefficients by their median (see the file comment).
    bool shift_per_client = true;
};

/// @brief Which decision a variable of the encoding stands for.
struct matching_variable {
    std::size_t client;
    std::optional<std::size_t> coach; ///< empty: the "unassigned" option
};

/// @brief The encoding of one matching problem (see the file comment).
class MatchingEncoding {
public:
    explicit MatchingEncoding(const MatchingProblem& problem, const matching_encoding_options& options = {})
        : problem_(problem), cm_(qubo::BinaryQuadraticModel()) {
        problem_.check_solvable_rows();
        const std::size_t n = problem_.num_clients(), m = problem_.num_coaches();
        const bool skip = problem_.unassigned_value().has_value();
        index_.assign(n * (m + 1), none_);
        groups_.resize(n);
        for (std::size_t c = 0; c < n; ++c) {
            for (std::size_t k = 0; k <= m; ++k) {
                if (k == m ? !skip : !problem_.allowed(c, k)) continue;
                index_[c * (m + 1) + k] = static_cast<qubo::var_t>(vars_.size());
                groups_[c].push_back(static_cast<qubo::var_t>(vars_.size()));
                vars_.push_back({c, k == m ? std::nullopt : std::optional<std::size_t>(k)});
            }
        }
        qubo::BinaryQuadraticModel objective(qubo::vartype::binary, vars_.size());
        double offset = 0.0;
        for (std::size_t c = 0; c < n; ++c) {
            std::vector<double> gains;
            for (qubo::var_t v : groups_[c]) gains.push_back(gain_of(v));
            double shift = 0.0;
            if (options.shift_per_client && !gains.empty()) {
                std::vector<double> sorted = gains;
                const std::size_t mid = (sorted.size() - 1) / 2;
                std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(mid), sorted.end());
                shift = sorted[mid];
            }
            shift_.push_back(shift);
            offset -= shift;
            for (std::size_t i = 0; i < groups_[c].size(); ++i) objective.set_linear(groups_[c][i], -(gains[i] - shift));
        }
        objective.set_offset(offset);
        for (qubo::var_t v = 0; v < vars_.size(); ++v) objective.set_label(v, label_of(v));
        cm_ = qubo::ConstrainedModel(std::move(objective));
        for (std::size_t c = 0; c < n; ++c) {
            client_row_.push_back(
                cm_.add_one_hot(client_constraint_name(problem_.client_id(c)), groups_[c], options.one_hot_weight));
        }
        for (std::size_t k = 0; k < m; ++k) {
            std::vector<qubo::linear_term> terms;
            for (std::size_t c = 0; c < n; ++c)
                if (auto v = variable(c, k)) terms.push_back({*v, static_cast<double>(problem_.load(c, k))});
            capacity_row_.push_back(cm_.add_inequality(capacity_constraint_name(problem_.coach_id(k)), terms,
                                                       static_cast<double>(problem_.capacity(k)), options.capacity_weight,
                                                       options.slack));
        }
        model_ = cm_.to_model();
    }

    const MatchingProblem& problem() const noexcept { return problem_; }
    /// The objective with its named constraints.
    const qubo::ConstrainedModel& constrained() const noexcept { return cm_; }
    /// The penalized model the solvers minimize: assignment variables, then slack bits.
    const qubo::BinaryQuadraticModel& model() const noexcept { return model_; }
    /// Assignment variables (the first ones of model()).
    std::size_t num_assignment_variables() const noexcept { return vars_.size(); }
    std::size_t num_slack_variables() const noexcept { return cm_.num_slack_variables(); }
    std::size_t num_variables() const noexcept { return model_.num_variables(); }

    /// @brief The decision variable v stands for (v < num_assignment_variables()).
    const matching_variable& decision(qubo::var_t v) const {
        if (v >= vars_.size()) {
            throw index_error("variable " + std::to_string(v) + " is not an assignment variable; there are " +
                              std::to_string(vars_.size()));
        }
        return vars_[v];
    }
    /// @brief x[c,k], or nothing when the pair is excluded.
    std::optional<qubo::var_t> variable(std::size_t c, std::size_t k) const {
        (void)problem_.allowed(c, k); // range check
        const qubo::var_t v = index_[c * (problem_.num_coaches() + 1) + k];
        if (v == none_) return std::nullopt;
        return v;
    }
    /// @brief x[c,none], when clients may stay unassigned.
    std::optional<qubo::var_t> unassigned_variable(std::size_t c) const {
        (void)problem_.client_id(c);
        const qubo::var_t v = index_[c * (problem_.num_coaches() + 1) + problem_.num_coaches()];
        if (v == none_) return std::nullopt;
        return v;
    }
    /// @brief Each client's variables (its one-hot group), by client index, for an XY mixer.
    const std::vector<std::vector<qubo::var_t>>& one_hot_groups() const noexcept { return groups_; }
    /// @brief Index in constrained().constraints() of client c's one-hot row.
    std::size_t client_constraint(std::size_t c) const { return client_row_.at(c); }
    /// @brief Index in constrained().constraints() of coach k's capacity row.
    std::size_t capacity_constraint(std::size_t k) const { return capacity_row_.at(k); }
    /// @brief The per-client objective shift s_c (see the file comment).
    double shift(std::size_t c) const { return shift_.at(c); }

    /// @brief Penalty weight of every constraint with the bound behind it (penalty.hpp).
    std::vector<qubo::penalty_weight> weights() const { return cm_.weights(); }

    /// @brief The pins as variable pins of the full model: x[c,k] = 1 and every other option of
    /// client c = 0, so the whole one-hot group is decided. Checked first (check_pins).
    std::vector<qubo::pin> pins(std::span<const matching_pin> pins) const {
        std::vector<qubo::pin> out;
        for (const matching_pin& pin : check_pins(problem_, pins)) {
            const qubo::var_t on = *variable(pin.client, pin.coach);
            for (qubo::var_t v : groups_[pin.client]) out.push_back({v, static_cast<std::int8_t>(v == on ? 1 : 0)});
        }
        return out;
    }

    /// @brief One-hot groups after pinning (indices of the reduced model of qubo::fix_variables,
    /// which keeps free variables in order): the groups of pinned clients are gone.
    std::vector<std::vector<qubo::var_t>> one_hot_groups_after(std::span<const qubo::pin> pins) const {
        return qubo::groups_after_pins(groups_, pins, model_.num_variables());
    }

    /// @brief The plan a sample stands for: each client gets the coaches whose variable is 1.
    /// A none option that is on together with a coach is read as that coach; the sample-level
    /// check (constrained().check) still lists the broken row.
    matching_plan decode(std::span<const std::int8_t> sample) const {
        const auto x = cm_.original(sample);
        matching_plan plan;
        plan.coaches.resize(problem_.num_clients());
        for (qubo::var_t v = 0; v < vars_.size(); ++v)
            if (x[v] != 0 && vars_[v].coach) plan.coaches[vars_[v].client].push_back(*vars_[v].coach);
        return plan;
    }

    /// @brief The sample of the penalized model for a plan (slack bits completed so a feasible
    /// plan has penalty 0). Throws when the plan uses an excluded pair.
    std::vector<std::int8_t> encode(const matching_plan& plan) const {
        if (plan.coaches.size() != problem_.num_clients()) {
            throw value_error("the plan has " + std::to_string(plan.coaches.size()) + " clients; the problem has " +
                              std::to_string(problem_.num_clients()));
        }
        std::vector<std::int8_t> x(vars_.size(), 0);
        for (std::size_t c = 0; c < plan.coaches.size(); ++c) {
            for (std::size_t k : plan.coaches[c]) {
                const auto v = variable(c, k);
                if (!v) {
                    throw value_error("the plan gives " + problem_.pair_name(c, k) + ", an excluded pair (" +
                                      problem_.exclusion(c, k) + "); it has no variable");
                }
                x[*v] = 1;
            }
            if (plan.coaches[c].empty())
                if (auto v = unassigned_variable(c)) x[*v] = 1;
        }
        return cm_.complete_sample(x);
    }

    /// @brief "one-hot rows: weight 1201 (objective-range bound: weight > 1200, ...)" lines.
    std::string describe_weights() const {
        const auto w = weights();
        std::string out;
        const auto line = [&](const char* what, const std::vector<std::size_t>& rows) {
            for (std::size_t r : rows) {
                if (w[r].bound == qubo::penalty_bound::none) continue;
                out += std::string(what) + ": weight " + qubo::detail::format_number(w[r].value) + " (" + w[r].reason + ")\n";
                return;
            }
            out += std::string(what) + ": none needed (every row always holds)\n";
        };
        line("one-hot rows", client_row_);
        line("capacity rows", capacity_row_);
        return out;
    }

private:
    static constexpr qubo::var_t none_ = static_cast<qubo::var_t>(-1);

    double gain_of(qubo::var_t v) const {
        const auto& d = vars_[v];
        return d.coach ? problem_.gain(d.client, *d.coach) : problem_.unassigned_gain();
    }
    std::string label_of(qubo::var_t v) const {
        const auto& d = vars_[v];
        return "x[" + problem_.client_id(d.client) + "," + (d.coach ? problem_.coach_id(*d.coach) : std::string("none")) + "]";
    }

    MatchingProblem problem_;
    std::vector<matching_variable> vars_;
    std::vector<qubo::var_t> index_;                // (c, k or none) -> variable
    std::vector<std::vector<qubo::var_t>> groups_;  // per client
    std::vector<double> shift_;
    qubo::ConstrainedModel cm_;
    std::vector<std::size_t> client_row_, capacity_row_;
    qubo::BinaryQuadraticModel model_;
};

} // namespace qcoach::coaching
