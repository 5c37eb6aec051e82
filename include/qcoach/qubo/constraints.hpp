#pragma once
/// @file
/// @brief Constraints on binary variables, their penalties, and the feasibility check.
///
/// A ConstrainedModel holds a binary objective f and named constraints. Each constraint keeps
/// its original linear form  sum_i a_i x_i (= or <=) b  with integer a_i and b, so that a sample
/// can be checked against it (feasibility_report), and knows its penalty:
///
///   kind          form               penalty g (P times it is added)        slack
///   one_hot       sum x  = 1         (sum x - 1)^2                          none
///   exactly_k     sum x  = k         (sum x - k)^2                          none
///   equality      sum a x = b        (sum a x - b)^2                        none
///   at_most_k     sum x <= k         (sum x + s - k)^2, s = sum c z         log or unary
///   inequality    sum a x <= b       (sum a x + s - b)^2                    log or unary
///   at_most_one   sum x <= 1         sum_{i<j} x_i x_j                      none
///
/// The penalty of a satisfied row is 0 (for slack rows: with the right slack bits, see
/// complete_sample) and at least 1 otherwise, because everything is an integer. Coefficients
/// must be integers: a fractional row would let the smallest violation cost an arbitrarily small
/// penalty, and no weight would be provably safe (penalty.hpp). Scale such a row by a common
/// denominator first. The rows are also limited to sum |a_i| + |b| <= 2^26 so that every penalty
/// coefficient (a product of two such numbers) is an exact integer in double.
///
/// Variables: the objective's n variables come first (indices 0..n-1, their labels kept); the
/// slack variables of the constraints follow in the order the constraints were added, labelled
/// "<constraint name>.slack[k]". A row that always holds (b >= max of sum a x) is kept for the
/// report but adds no penalty and no slack.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/penalty.hpp"
#include "qcoach/qubo/slack.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

enum class constraint_kind : std::uint8_t { one_hot, exactly_k, equality, at_most_k, inequality, at_most_one };
enum class relation : std::uint8_t { equal, less_equal };

constexpr std::string_view constraint_kind_name(constraint_kind k) noexcept {
    switch (k) {
    case constraint_kind::one_hot: return "one_hot";
    case constraint_kind::exactly_k: return "exactly_k";
    case constraint_kind::equality: return "equality";
    case constraint_kind::at_most_k: return "at_most_k";
    case constraint_kind::inequality: return "inequality";
    case constraint_kind::at_most_one: return "at_most_one";
    }
    return "?";
}

/// One term a x of a row as the caller gives it; the coefficient must be an integer.
struct linear_term {
    var_t variable;
    double coefficient;
};

/// One term of a stored row.
struct int_term {
    var_t variable;
    std::int64_t coefficient;
};

/// Largest sum |a_i| + |b| of a row (see the file comment).
inline constexpr std::int64_t max_row_magnitude = std::int64_t{1} << 26;

/// @brief A named constraint: its original row, its penalty weight request and its slack.
class Constraint {
public:
    const std::string& name() const noexcept { return name_; }
    constraint_kind kind() const noexcept { return kind_; }
    relation rel() const noexcept { return rel_; }
    std::span<const int_term> terms() const noexcept { return terms_; }
    std::int64_t rhs() const noexcept { return rhs_; }
    /// The weight the caller asked for, if any (else a default is chosen, see penalty.hpp).
    std::optional<double> requested_weight() const noexcept { return weight_; }
    slack_encoding encoding() const noexcept { return encoding_; }
    /// Slack coefficients c_k (empty when the row has no slack).
    std::span<const std::int64_t> slack_coefficients() const noexcept { return slack_; }
    /// Index (in the penalized model) of the first slack variable; the others follow.
    var_t first_slack() const noexcept { return first_slack_; }
    std::size_t num_slack() const noexcept { return slack_.size(); }
    /// The row holds for every x (it adds no penalty).
    bool redundant() const noexcept { return redundant_; }
    /// Smallest and largest value of sum a x over all x.
    std::int64_t min_lhs() const noexcept { return min_lhs_; }
    std::int64_t max_lhs() const noexcept { return max_lhs_; }

    /// @brief Whether a violated row can always be improved by one flip of its own variables
    /// (property G2 of penalty.hpp): every kind except an equality whose non-zero coefficients
    /// differ in magnitude.
    bool one_flip_repairable() const noexcept {
        if (kind_ != constraint_kind::equality) return true;
        std::int64_t mag = 0;
        for (const int_term& t : terms_) {
            const std::int64_t a = t.coefficient < 0 ? -t.coefficient : t.coefficient;
            if (a == 0) continue;
            if (mag != 0 && a != mag) return false;
            mag = a;
        }
        return true;
    }

    /// @brief sum a_i x_i for a sample of (at least) the original variables. No checks.
    std::int64_t lhs(std::span<const std::int8_t> x) const noexcept {
        std::int64_t s = 0;
        for (const int_term& t : terms_) s += t.coefficient * x[t.variable];
        return s;
    }

    /// @brief How much the row is violated: |lhs - b| for =, max(0, lhs - b) for <=.
    std::int64_t violation(std::span<const std::int8_t> x) const noexcept {
        const std::int64_t d = lhs(x) - rhs_;
        if (rel_ == relation::equal) return d < 0 ? -d : d;
        return d > 0 ? d : 0;
    }

    /// @brief The row as text, e.g. "cap: 3 a + 2 #4 <= 5", with names from `m`.
    std::string describe(const BinaryQuadraticModel& m) const {
        std::string s = name_ + ": ";
        for (std::size_t k = 0; k < terms_.size(); ++k) {
            const std::int64_t a = terms_[k].coefficient;
            if (k > 0) s += a < 0 ? " - " : " + ";
            else if (a < 0) s += "-";
            const std::int64_t mag = a < 0 ? -a : a;
            if (mag != 1) s += std::to_string(mag) + " ";
            s += m.name(terms_[k].variable);
        }
        if (terms_.empty()) s += "0";
        s += rel_ == relation::equal ? " = " : " <= ";
        s += std::to_string(rhs_);
        return s;
    }

private:
    friend class ConstrainedModel;
    std::string name_;
    constraint_kind kind_ = constraint_kind::equality;
    relation rel_ = relation::equal;
    std::vector<int_term> terms_;
    std::int64_t rhs_ = 0;
    std::optional<double> weight_;
    slack_encoding encoding_ = slack_encoding::logarithmic;
    std::vector<std::int64_t> slack_;
    var_t first_slack_ = 0;
    bool redundant_ = false;
    std::int64_t min_lhs_ = 0;
    std::int64_t max_lhs_ = 0;
};

/// One violated constraint in a feasibility report.
struct violation {
    std::size_t constraint;  ///< index in ConstrainedModel::constraints()
    std::string name;
    std::int64_t lhs;        ///< sum a x of the sample
    relation rel;
    std::int64_t rhs;
    std::int64_t amount;     ///< |lhs - rhs| for =, lhs - rhs for <=; always > 0
};

/// The violated constraints of a sample (empty: feasible).
struct feasibility_report {
    std::vector<violation> violations;

    bool feasible() const noexcept { return violations.empty(); }
    /// Sum of the amounts.
    std::int64_t total_violation() const noexcept {
        std::int64_t s = 0;
        for (const auto& v : violations) s += v.amount;
        return s;
    }
    /// @brief "feasible", or one line per violation: "cap: 7 <= 5 violated by 2".
    std::string summary() const {
        if (violations.empty()) return "feasible";
        std::string s = std::to_string(violations.size()) + " constraint(s) violated";
        for (const auto& v : violations) {
            s += "\n  " + v.name + ": " + std::to_string(v.lhs) + (v.rel == relation::equal ? " = " : " <= ") +
                 std::to_string(v.rhs) + " violated by " + std::to_string(v.amount);
        }
        return s;
    }
};

/// @brief A binary objective plus named constraints, turned into one penalized model.
class ConstrainedModel {
public:
    /// @brief Take the objective (it must be binary; convert a spin model with to_binary()).
    explicit ConstrainedModel(BinaryQuadraticModel objective) : objective_(std::move(objective)) {
        if (objective_.type() != vartype::binary) {
            throw value_error("constraints are over binary variables; convert the spin objective with to_binary()");
        }
        next_slack_ = objective_.num_variables();
    }

    const BinaryQuadraticModel& objective() const noexcept { return objective_; }
    /// Original (objective) variables; slack variables come after them.
    std::size_t num_variables() const noexcept { return objective_.num_variables(); }
    std::size_t num_slack_variables() const noexcept { return next_slack_ - objective_.num_variables(); }
    /// Variables of the penalized model: original then slack.
    std::size_t num_total_variables() const noexcept { return next_slack_; }
    std::span<const Constraint> constraints() const noexcept { return constraints_; }
    const Constraint& constraint(std::size_t c) const {
        if (c >= constraints_.size()) {
            throw index_error("constraint index " + std::to_string(c) + " is out of range; there are " +
                              std::to_string(constraints_.size()));
        }
        return constraints_[c];
    }
    /// @brief The constraint with this name, or nullptr.
    const Constraint* find(std::string_view name) const noexcept {
        for (const auto& c : constraints_)
            if (c.name() == name) return &c;
        return nullptr;
    }

    // ---- builders (each returns the new constraint's index in constraints()) --------------

    /// sum x = 1: exactly one of the variables is 1.
    std::size_t add_one_hot(std::string name, const std::vector<var_t>& vars, std::optional<double> weight = {}) {
        return add(std::move(name), constraint_kind::one_hot, ones(vars), relation::equal, 1.0, weight,
                   slack_encoding::logarithmic);
    }
    /// sum x = k.
    std::size_t add_exactly_k(std::string name, const std::vector<var_t>& vars, std::int64_t k,
                                    std::optional<double> weight = {}) {
        return add(std::move(name), constraint_kind::exactly_k, ones(vars), relation::equal, static_cast<double>(k),
                   weight, slack_encoding::logarithmic);
    }
    /// sum x <= k, with slack variables.
    std::size_t add_at_most_k(std::string name, const std::vector<var_t>& vars, std::int64_t k,
                                    std::optional<double> weight = {},
                                    slack_encoding encoding = slack_encoding::logarithmic) {
        return add(std::move(name), constraint_kind::at_most_k, ones(vars), relation::less_equal,
                   static_cast<double>(k), weight, encoding);
    }
    /// sum x <= 1 as the pairwise penalty P sum_{i<j} x_i x_j (no slack).
    std::size_t add_at_most_one(std::string name, const std::vector<var_t>& vars,
                                      std::optional<double> weight = {}) {
        return add(std::move(name), constraint_kind::at_most_one, ones(vars), relation::less_equal, 1.0, weight,
                   slack_encoding::logarithmic);
    }
    /// sum a x = b (integer a, b).
    std::size_t add_equality(std::string name, const std::vector<linear_term>& terms, double rhs,
                                   std::optional<double> weight = {}) {
        return add(std::move(name), constraint_kind::equality, terms, relation::equal, rhs, weight,
                   slack_encoding::logarithmic);
    }
    /// sum a x <= b (integer a, b), with slack variables.
    std::size_t add_inequality(std::string name, const std::vector<linear_term>& terms, double rhs,
                                     std::optional<double> weight = {},
                                     slack_encoding encoding = slack_encoding::logarithmic) {
        return add(std::move(name), constraint_kind::inequality, terms, relation::less_equal, rhs, weight, encoding);
    }

    // ---- weights and models ---------------------------------------------------------------

    /// @brief The weight each constraint gets, with the bound that justifies it (penalty.hpp):
    /// the caller's weight if given; else the one-flip bound when the constraint is one-flip
    /// repairable and shares no variable with another (non-redundant) constraint; else the
    /// objective-range bound. Redundant rows get weight 0.
    std::vector<penalty_weight> weights() const {
        std::vector<std::uint32_t> uses(num_variables(), 0);
        for (const auto& c : constraints_)
            if (!c.redundant())
                for (const int_term& t : c.terms()) ++uses[t.variable];
        std::vector<penalty_weight> out;
        out.reserve(constraints_.size());
        std::optional<penalty_weight> range;
        const bool integral = has_integral_coefficients(objective_);
        for (const auto& c : constraints_) {
            if (c.redundant()) {
                out.push_back({0.0, penalty_bound::none, 0.0, "always satisfied: no penalty"});
            } else if (c.requested_weight()) {
                out.push_back(user_weight(*c.requested_weight()));
            } else {
                bool shared = false;
                std::vector<var_t> vars;
                for (const int_term& t : c.terms()) {
                    shared = shared || uses[t.variable] > 1;
                    vars.push_back(t.variable);
                }
                if (c.one_flip_repairable() && !shared) {
                    out.push_back(one_flip_weight(objective_, vars, integral));
                } else {
                    if (!range) range = objective_range_weight(objective_, integral);
                    out.push_back(*range);
                }
            }
        }
        return out;
    }

    /// @brief Objective + sum of weighted penalties, over original then slack variables.
    BinaryQuadraticModel to_model() const { return build(true); }
    /// @brief The weighted penalties alone (zero objective), same variables as to_model().
    BinaryQuadraticModel penalty_model() const { return build(false); }

    // ---- samples --------------------------------------------------------------------------

    /// @brief Which constraints a sample violates and by how much. The sample holds the original
    /// variables, optionally followed by the slack variables (which are ignored).
    feasibility_report check(std::span<const std::int8_t> sample) const {
        const auto x = original(sample);
        feasibility_report r;
        for (std::size_t k = 0; k < constraints_.size(); ++k) {
            const Constraint& c = constraints_[k];
            const std::int64_t amount = c.violation(x);
            if (amount > 0) r.violations.push_back({k, c.name(), c.lhs(x), c.rel(), c.rhs(), amount});
        }
        return r;
    }

    /// @brief The original-variable part of a sample of length n or n + slack (checked).
    std::span<const std::int8_t> original(std::span<const std::int8_t> sample) const {
        const std::size_t n = num_variables();
        if (sample.size() != n && sample.size() != num_total_variables()) {
            throw value_error("sample has " + std::to_string(sample.size()) + " values; expected " + std::to_string(n) +
                              " (original variables) or " + std::to_string(num_total_variables()) + " (with slack)");
        }
        const auto x = sample.first(n);
        check_sample(vartype::binary, n, x);
        return x;
    }

    /// @brief A sample of the penalized model: x followed by the slack bits that minimize each
    /// slack row's penalty (so a feasible x gets penalty exactly 0).
    std::vector<std::int8_t> complete_sample(std::span<const std::int8_t> sample) const {
        const auto x = original(sample);
        std::vector<std::int8_t> full(x.begin(), x.end());
        full.resize(num_total_variables(), 0);
        for (const auto& c : constraints_) {
            if (c.num_slack() == 0) continue;
            std::int64_t total = 0;
            for (auto v : c.slack_) total += v;
            const std::int64_t need = std::clamp<std::int64_t>(c.rhs() - c.lhs(x), 0, total);
            const auto z = encode_slack(need, c.slack_);
            std::copy(z.begin(), z.end(), full.begin() + c.first_slack());
        }
        return full;
    }

private:
    static std::vector<linear_term> ones(const std::vector<var_t>& vars) {
        std::vector<linear_term> t;
        t.reserve(vars.size());
        for (var_t v : vars) t.push_back({v, 1.0});
        return t;
    }

    static std::int64_t to_integer(double v, const std::string& cname, const std::string& what) {
        if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > static_cast<double>(max_row_magnitude)) {
            throw value_error("constraint \"" + cname + "\": " + what + " is " + std::to_string(v) +
                              "; constraint coefficients must be integers of magnitude <= 2^26 "
                              "(scale a fractional row by a common denominator)");
        }
        return static_cast<std::int64_t>(v);
    }

    std::size_t add(std::string name, constraint_kind kind, const std::vector<linear_term>& terms, relation rel,
                          double rhs, std::optional<double> weight, slack_encoding encoding) {
        if (name.empty()) throw value_error("a constraint needs a name");
        if (find(name)) throw value_error("a constraint named \"" + name + "\" already exists");
        if (weight) (void)user_weight(*weight); // validates
        Constraint c;
        c.name_ = std::move(name);
        c.kind_ = kind;
        c.rel_ = rel;
        c.weight_ = weight;
        c.encoding_ = encoding;
        c.rhs_ = to_integer(rhs, c.name_, "the right-hand side");
        std::int64_t magnitude = c.rhs_ < 0 ? -c.rhs_ : c.rhs_;
        std::int64_t g = 0;
        for (const linear_term& t : terms) {
            if (t.variable >= num_variables()) {
                throw index_error("constraint \"" + c.name_ + "\": variable index " + std::to_string(t.variable) +
                                  " is out of range; the objective has " + std::to_string(num_variables()) + " variables");
            }
            const std::int64_t a = to_integer(t.coefficient, c.name_, "the coefficient of " + objective_.name(t.variable));
            magnitude += a < 0 ? -a : a;
            if (magnitude > max_row_magnitude) {
                throw value_error("constraint \"" + c.name_ + "\": sum of |coefficients| + |rhs| exceeds 2^26");
            }
            (a < 0 ? c.min_lhs_ : c.max_lhs_) += a;
            g = std::gcd(g, a);
            c.terms_.push_back({t.variable, a});
        }
        std::vector<var_t> sorted;
        sorted.reserve(c.terms_.size());
        for (const int_term& t : c.terms_) sorted.push_back(t.variable);
        std::sort(sorted.begin(), sorted.end());
        if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end()) {
            throw index_error("constraint \"" + c.name_ + "\": variable " + objective_.name(*dup) + " appears twice");
        }
        if (rel == relation::equal) {
            if (c.rhs_ < c.min_lhs_ || c.rhs_ > c.max_lhs_ || (g != 0 && c.rhs_ % g != 0) || (g == 0 && c.rhs_ != 0)) {
                throw value_error("constraint \"" + c.name_ + "\" can never be satisfied: " + c.describe(objective_) +
                                  " (left side ranges over " + std::to_string(c.min_lhs_) + ".." +
                                  std::to_string(c.max_lhs_) + " in steps of " + std::to_string(g) + ")");
            }
            c.redundant_ = c.min_lhs_ == c.max_lhs_;
        } else {
            if (c.rhs_ < c.min_lhs_) {
                throw value_error("constraint \"" + c.name_ + "\" can never be satisfied: " + c.describe(objective_) +
                                  " (the left side is at least " + std::to_string(c.min_lhs_) + ")");
            }
            c.redundant_ = c.rhs_ >= c.max_lhs_;
            if (!c.redundant_ && kind != constraint_kind::at_most_one) {
                c.slack_ = slack_coefficients(c.rhs_ - c.min_lhs_, encoding);
                if (c.slack_.size() > max_variables - next_slack_) throw index_error("too many slack variables");
                c.first_slack_ = static_cast<var_t>(next_slack_);
                next_slack_ += c.slack_.size();
            }
        }
        constraints_.push_back(std::move(c));
        return constraints_.size() - 1;
    }

    BinaryQuadraticModel build(bool with_objective) const {
        BinaryQuadraticModel out = with_objective ? objective_ : BinaryQuadraticModel(vartype::binary, num_variables());
        if (!with_objective)
            for (var_t i = 0; i < num_variables(); ++i)
                if (!objective_.label(i).empty()) out.set_label(i, objective_.label(i));
        out.add_variables(num_slack_variables());
        const auto w = weights();
        std::vector<std::pair<var_t, double>> y; // variables and coefficients of the squared row
        for (std::size_t k = 0; k < constraints_.size(); ++k) {
            const Constraint& c = constraints_[k];
            for (std::size_t s = 0; s < c.num_slack(); ++s) {
                out.set_label(static_cast<var_t>(c.first_slack() + s), c.name() + ".slack[" + std::to_string(s) + "]");
            }
            if (c.redundant()) continue;
            const double p = w[k].value;
            if (c.kind() == constraint_kind::at_most_one) {
                const auto t = c.terms();
                for (std::size_t a = 0; a < t.size(); ++a)
                    for (std::size_t b = a + 1; b < t.size(); ++b) out.add_quadratic(t[a].variable, t[b].variable, p);
                continue;
            }
            // P (sum_k w_k y_k + d)^2 with y binary (y^2 = y):
            //   linear P (w_k^2 + 2 d w_k),  pairs 2 P w_k w_l,  constant P d^2.
            y.clear();
            for (const int_term& t : c.terms())
                if (t.coefficient != 0) y.emplace_back(t.variable, static_cast<double>(t.coefficient));
            for (std::size_t s = 0; s < c.num_slack(); ++s)
                y.emplace_back(static_cast<var_t>(c.first_slack() + s), static_cast<double>(c.slack_[s]));
            const double d = -static_cast<double>(c.rhs());
            for (std::size_t a = 0; a < y.size(); ++a) {
                const double wa = y[a].second;
                out.add_linear(y[a].first, p * (wa * wa + 2.0 * d * wa));
                for (std::size_t b = a + 1; b < y.size(); ++b) out.add_quadratic(y[a].first, y[b].first, 2.0 * p * wa * y[b].second);
            }
            out.add_offset(p * d * d);
        }
        return out;
    }

    BinaryQuadraticModel objective_;
    std::vector<Constraint> constraints_;
    std::size_t next_slack_ = 0;
};

} // namespace qcoach::qubo
