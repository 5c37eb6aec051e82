#pragma once
/// @file
/// @brief QAOA with XY mixers simulated on the feasible subspace only.
///
/// When every variable belongs to exactly one one-hot group (m groups of k_g variables: clients
/// each assigned to one of k coaches), the XY mixer (xy_mixer.hpp) and a W-state start keep the
/// state inside the feasible set, which has prod k_g states instead of 2^(sum k_g). Each feasible
/// state is the choice of one variable per group, stored at a mixed-radix index
///
///     i = sum_g d_g s_g,   s_0 = 1, s_{g+1} = s_g k_g,   d_g = position of the chosen variable,
///
/// so group 0 varies fastest (the counterpart of "qubit 0 is bit 0"). 3 coaches x 15 clients
/// are 3^15 = 14.3 M amplitudes instead of 2^45. A layer is
///
///     exp(-i beta sum_g H_g) exp(-i gamma C),
///
/// C the diagonal of feasible costs (one table, computed once from the model over the original
/// variables) and H_g restricted to group g's one-hot states: 2 A_g, A_g the adjacency of the
/// ring or complete graph, so exp(-i beta H_g) is a dense k_g x k_g "qudit" gate along axis g
/// (detail/xy_graph.hpp gives it in closed form). The product form (xy_form::trotter) uses the
/// product of the per-edge k x k rotations instead; both agree with the full-space xy_mixer on
/// feasible states.
///
/// Conventions follow angles.hpp: layer l applies the cost phase with gammas[l-1], then the mixer
/// with betas[l-1]; C is the energy to minimize (the QUBO energy of the model).
///
/// Cost: a layer makes one or two passes over the state (the axes are applied in cache-sized
/// bands, the phase fused into the first; detail/subspace_kernels.hpp); the exact complete-graph
/// mixer (and the ring for k <= 3) costs O(k) per amplitude and axis, other forms O(k^2). The
/// adjoint gradient costs about three evaluations. Memory: the state, one work state for the
/// gradient and the cost table, 40 bytes per amplitude in double and 20 in float.
///
/// Helpers for constrained models: find_one_hot_groups() lists the one-hot constraints of a
/// qubo::ConstrainedModel and says whether they partition its variables (then the subspace
/// simulator applies), and objective_without_one_hot() is the model's penalized objective
/// without the one-hot penalties, which are zero on every state of the subspace. When other rows
/// have slack variables (capacity rows of a matching), assignment_space() is the space of the
/// original variables and constrained_costs() the penalized model with every slack at its best
/// value (the minimum over the slack bits), so QAOA runs on the k^m assignments alone.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/vartype.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/statevector/state.hpp"
#include "qcoach/variational/detail/subspace_buffer.hpp"
#include "qcoach/variational/detail/subspace_cost.hpp"
#include "qcoach/variational/detail/subspace_groups.hpp"
#include "qcoach/variational/detail/subspace_kernels.hpp"
#include "qcoach/variational/detail/subspace_sample.hpp"
#include "qcoach/variational/detail/xy_graph.hpp"

namespace qcoach::variational {

/// @brief The feasible states of a one-hot partition of n binary variables, indexed in mixed
/// radix (see the file comment).
class FeasibleSpace {
public:
    /// Group of a variable fixed at 0 (group_of()).
    static constexpr std::size_t no_group = std::numeric_limits<std::size_t>::max();

    /// @brief Groups of variable indices; together with `fixed_zero` (variables that are 0 in
    /// every state: pinned to 0, or the rest of a group whose choice is pinned) they must contain
    /// every variable 0..n-1 exactly once, and each group has 1..64 variables. Throws
    /// index_error / value_error naming the variable or group otherwise, and value_error when
    /// prod k_g exceeds 2^62.
    FeasibleSpace(std::vector<std::vector<qubo::var_t>> groups, std::size_t num_variables,
                  const std::vector<qubo::var_t>& fixed_zero = {})
        : groups_(std::move(groups)), n_(num_variables) {
        constexpr std::size_t none = no_group;
        group_of_.assign(n_, none);
        fixed_.assign(n_, 0);
        for (qubo::var_t v : fixed_zero) {
            if (v >= n_) {
                throw index_error("fixed variable " + std::to_string(v) + " is out of range; there are " + std::to_string(n_) +
                                  " variables");
            }
            if (fixed_[v]) throw index_error("variable " + std::to_string(v) + " is fixed at 0 twice");
            fixed_[v] = 1;
        }
        position_of_.assign(n_, 0);
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const auto& grp = groups_[g];
            if (grp.empty()) throw value_error("one-hot group " + std::to_string(g) + " has no variable");
            if (grp.size() > detail::subspace_max_radix) {
                throw value_error("one-hot group " + std::to_string(g) + " has " + std::to_string(grp.size()) +
                                  " variables; the subspace simulator takes at most " +
                                  std::to_string(detail::subspace_max_radix));
            }
            for (std::size_t d = 0; d < grp.size(); ++d) {
                const qubo::var_t v = grp[d];
                if (v >= n_) {
                    throw index_error("one-hot group " + std::to_string(g) + ": variable " + std::to_string(v) +
                                      " is out of range; there are " + std::to_string(n_) + " variables");
                }
                if (fixed_[v]) {
                    throw index_error("variable " + std::to_string(v) + " is in one-hot group " + std::to_string(g) +
                                      " and fixed at 0");
                }
                if (group_of_[v] != none) {
                    throw index_error("variable " + std::to_string(v) + " is in one-hot group " +
                                      std::to_string(group_of_[v]) +
                                      (group_of_[v] == g ? " twice" : " and in group " + std::to_string(g)));
                }
                group_of_[v] = g;
                position_of_[v] = static_cast<unsigned>(d);
            }
            if (size_ > (index_t{1} << 62) / grp.size()) {
                throw value_error("the feasible space of these one-hot groups has more than 2^62 states");
            }
            strides_.push_back(size_);
            size_ *= grp.size();
        }
        for (std::size_t v = 0; v < n_; ++v)
            if (group_of_[v] == none && !fixed_[v])
                throw index_error("variable " + std::to_string(v) + " is in no one-hot group; the groups must partition "
                                  "all " + std::to_string(n_) + " variables (or fix it at 0)");
    }

    std::size_t num_groups() const noexcept { return groups_.size(); }
    std::size_t num_variables() const noexcept { return n_; }
    const std::vector<std::vector<qubo::var_t>>& groups() const noexcept { return groups_; }
    /// Number of feasible states, prod k_g.
    index_t size() const noexcept { return size_; }
    /// k_g and s_g of group g (unchecked index).
    unsigned radix(std::size_t g) const noexcept { return static_cast<unsigned>(groups_[g].size()); }
    index_t stride(std::size_t g) const noexcept { return strides_[g]; }
    const std::vector<index_t>& strides() const noexcept { return strides_; }

    /// Group and position of variable v (unchecked index); no_group for a variable fixed at 0.
    std::size_t group_of(qubo::var_t v) const noexcept { return group_of_[v]; }
    /// Whether variable v is 0 in every state (unchecked index).
    bool fixed_zero(qubo::var_t v) const noexcept { return fixed_[v] != 0; }
    unsigned position_of(qubo::var_t v) const noexcept { return position_of_[v]; }

    /// Digit of group g in index i: the position of its chosen variable.
    unsigned digit(index_t i, std::size_t g) const noexcept { return static_cast<unsigned>((i / strides_[g]) % radix(g)); }

    /// @brief The 0/1 assignment of the n variables for feasible index i (into x, length n).
    void decode(index_t i, std::span<std::int8_t> x) const {
        check_index(i);
        if (x.size() != n_) throw value_error("decode: output has " + std::to_string(x.size()) + " entries, expected " + std::to_string(n_));
        std::fill(x.begin(), x.end(), std::int8_t{0});
        for (std::size_t g = 0; g < groups_.size(); ++g) x[groups_[g][digit(i, g)]] = 1;
    }
    std::vector<std::int8_t> decode(index_t i) const {
        std::vector<std::int8_t> x(n_);
        decode(i, x);
        return x;
    }

    /// @brief The feasible index of a 0/1 assignment, or nullopt when some group does not have
    /// exactly one variable set. Throws value_error for a wrong length or a value other than 0/1.
    std::optional<index_t> encode(std::span<const std::int8_t> x) const {
        qubo::check_sample(qubo::vartype::binary, n_, x);
        index_t i = 0;
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            int set = 0;
            for (std::size_t d = 0; d < groups_[g].size(); ++d)
                if (x[groups_[g][d]]) {
                    ++set;
                    i += d * strides_[g];
                }
            if (set != 1) return std::nullopt;
        }
        for (std::size_t v = 0; v < n_; ++v)
            if (fixed_[v] && x[v]) return std::nullopt;
        return i;
    }

    /// @brief Feasible index i as a full-space basis index (bit v = variable v); n <= 63.
    index_t bitstring(index_t i) const {
        check_index(i);
        if (n_ > 63) throw value_error("a basis index holds at most 63 variables; the space has " + std::to_string(n_));
        index_t z = 0;
        for (std::size_t g = 0; g < groups_.size(); ++g) z |= index_t{1} << groups_[g][digit(i, g)];
        return z;
    }

private:
    void check_index(index_t i) const {
        if (i >= size_) {
            throw index_error("feasible index " + std::to_string(i) + " is out of range [0, " + std::to_string(size_) + ")");
        }
    }

    std::vector<std::vector<qubo::var_t>> groups_;
    std::size_t n_ = 0;
    std::vector<std::size_t> group_of_;
    std::vector<unsigned> position_of_;
    std::vector<std::uint8_t> fixed_;
    std::vector<index_t> strides_;
    index_t size_ = 1;
};

/// @brief The feasible space of a constrained model whose one-hot constraints partition all its
/// variables (find_one_hot_groups); throws value_error with the reason otherwise. Pair it with
/// objective_without_one_hot(cm) as the cost.
inline FeasibleSpace feasible_space(const qubo::ConstrainedModel& cm) {
    one_hot_groups g = find_one_hot_groups(cm);
    if (!g.partition) {
        throw value_error("the one-hot constraints do not partition the variables, so the feasible-subspace simulator "
                          "does not apply: " + g.reason);
    }
    return FeasibleSpace(std::move(g.groups), cm.num_total_variables());
}

/// @brief The cost of every feasible state under a binary quadratic model over the space's
/// variables (a spin model is converted first), by the incremental walk of
/// detail/subspace_cost.hpp. Entry i is model.energy(space.decode(i)); the result does not depend
/// on the thread count.
inline std::vector<double> feasible_costs(const FeasibleSpace& space, const qubo::BinaryQuadraticModel& model,
                                          const exec_policy& pol = default_policy()) {
    if (model.num_variables() != space.num_variables()) {
        throw value_error("the model has " + std::to_string(model.num_variables()) + " variables; the feasible space has " +
                          std::to_string(space.num_variables()));
    }
    check_memory(space.size() * sizeof(double), "a cost table of " + std::to_string(space.size()) + " feasible states");
    std::vector<double> out(space.size());
    const auto fill = [&](const qubo::BinaryQuadraticModel& m) {
        detail::cost_filler(space.groups(), space.strides(), m).fill(out.data(), space.size(), pol);
    };
    if (model.type() == qubo::vartype::binary) fill(model);
    else fill(model.to_binary());
    return out;
}

/// @brief The feasible space of the original variables of a constrained model whose one-hot
/// constraints partition them; slack variables (of capacity rows, say) are left out, to be set
/// to their best values by constrained_costs(). Throws value_error with the reason otherwise.
inline FeasibleSpace assignment_space(const qubo::ConstrainedModel& cm) {
    one_hot_groups g = find_one_hot_groups(cm);
    if (!g.partition_original) {
        throw value_error("the one-hot constraints do not partition the original variables, so the feasible-subspace "
                          "simulator does not apply: " + g.reason);
    }
    return FeasibleSpace(std::move(g.groups), cm.num_variables());
}

/// @brief assignment_space(cm) with a person's pins applied: a variable pinned to 1 decides its
/// group (the group keeps that variable alone, its others are fixed at 0); a variable pinned to 0
/// leaves its group and is fixed at 0. Throws index_error for a pin out of range and value_error,
/// naming the constraint or variable, for a pin on a slack variable, a value other than 0/1, two
/// variables of one group pinned to 1, or a group whose every variable is pinned to 0.
inline FeasibleSpace assignment_space(const qubo::ConstrainedModel& cm, std::span<const qubo::pin> pins) {
    one_hot_groups og = find_one_hot_groups(cm);
    if (!og.partition_original) {
        throw value_error("the one-hot constraints do not partition the original variables, so the feasible-subspace "
                          "simulator does not apply: " + og.reason);
    }
    const std::size_t n = cm.num_variables();
    const auto& obj = cm.objective();
    std::vector<std::int8_t> value(n, -1);
    for (const qubo::pin& p : pins) {
        if (p.variable >= cm.num_total_variables()) {
            throw index_error("pinned variable " + std::to_string(p.variable) + " is out of range; the model has " +
                              std::to_string(cm.num_total_variables()) + " variables");
        }
        if (p.variable >= n) {
            throw value_error("pinned variable " + std::to_string(p.variable) + " is a slack variable; the feasible subspace "
                              "holds the original variables only");
        }
        if (p.value != 0 && p.value != 1) {
            throw value_error("variable " + obj.name(p.variable) + " is pinned to " + std::to_string(p.value) + "; expected 0 or 1");
        }
        value[p.variable] = p.value;
    }
    if (pins.empty()) return FeasibleSpace(std::move(og.groups), n);
    const auto cs = cm.constraints();
    std::vector<std::vector<qubo::var_t>> groups;
    std::vector<qubo::var_t> fixed;
    for (std::size_t g = 0; g < og.groups.size(); ++g) {
        const std::string& cname = cs[og.constraints[g]].name();
        std::vector<qubo::var_t> chosen, free;
        for (qubo::var_t v : og.groups[g]) {
            if (value[v] == 1) chosen.push_back(v);
            else if (value[v] == -1) free.push_back(v);
        }
        if (chosen.size() > 1) {
            throw value_error("pins set " + obj.name(chosen[0]) + " and " + obj.name(chosen[1]) + " to 1, but one-hot constraint \"" +
                              cname + "\" allows one");
        }
        if (chosen.empty() && free.empty()) {
            throw value_error("pins set every variable of one-hot constraint \"" + cname + "\" to 0, so it has no feasible choice");
        }
        for (qubo::var_t v : og.groups[g])
            if (chosen.empty() ? value[v] == 0 : v != chosen[0]) fixed.push_back(v);
        groups.push_back(chosen.empty() ? std::move(free) : std::move(chosen));
    }
    return FeasibleSpace(std::move(groups), n, fixed);
}

/// @brief The cost of every feasible state under the penalized model of a constrained model,
/// with each row's slack variables at their best values: entry i is
/// cm.to_model().energy(cm.complete_sample(space.decode(i))), the minimum of the penalized
/// model over the slack bits. `space` is over the original variables (assignment_space()). The
/// rows without slack go through the incremental walk of feasible_costs(); a row with slack adds
/// P (lhs + s* - b)^2 state by state (detail/subspace_cost.hpp). The one-hot rows of the
/// space's groups add 0. Thread-count independent.
inline std::vector<double> constrained_costs(const FeasibleSpace& space, const qubo::ConstrainedModel& cm,
                                             const exec_policy& pol = default_policy()) {
    if (space.num_variables() != cm.num_variables()) {
        throw value_error("the constrained model has " + std::to_string(cm.num_variables()) +
                          " original variables; the feasible space has " + std::to_string(space.num_variables()));
    }
    std::vector<double> out = feasible_costs(space, slack_free_part(cm), pol);
    const auto cs = cm.constraints();
    const auto w = cm.weights();
    std::vector<detail::slack_row> rows;
    for (std::size_t k = 0; k < cs.size(); ++k) {
        const qubo::Constraint& c = cs[k];
        if (c.num_slack() == 0 || c.redundant()) continue;
        detail::slack_row r;
        r.rhs = c.rhs();
        for (std::int64_t v : c.slack_coefficients()) r.total += v;
        r.weight = w[k].value;
        r.a.resize(space.num_groups());
        for (std::size_t g = 0; g < space.num_groups(); ++g) r.a[g].assign(space.radix(g), 0);
        for (const qubo::int_term& t : c.terms())
            if (!space.fixed_zero(t.variable)) r.a[space.group_of(t.variable)][space.position_of(t.variable)] += t.coefficient;
        rows.push_back(std::move(r));
    }
    std::vector<unsigned> radix(space.num_groups());
    for (std::size_t g = 0; g < space.num_groups(); ++g) radix[g] = space.radix(g);
    detail::add_slack_penalties(out.data(), space.size(), space.strides(), radix, rows, pol);
    return out;
}

/// @brief How the subspace simulator mixes and runs.
struct subspace_options {
    xy_graph graph = xy_graph::ring;
    xy_form form = xy_form::exact;
    /// Threads and kernel path (kernel_path::scalar runs the reference loops).
    exec_policy policy = default_policy();
    /// Amplitudes one work item of a pass may span (it should stay in the L2 cache); the
    /// default, 2^14, is 256 KiB in double. Smaller values give more, narrower passes.
    index_t band_amplitudes = index_t{1} << 14;
    /// Inner positions (contiguous amplitudes of a row) per work item on the higher axes.
    index_t tile = 32;
};

/// @brief Value and derivatives of <C> at given angles (derivatives in layer order).
struct subspace_gradient {
    double value = 0.0;
    std::vector<double> gammas;
    std::vector<double> betas;
};

/// @brief QAOA with XY mixers on the feasible subspace of a one-hot partition, in precision
/// Real. Starts from the uniform superposition of feasible states (the product of W states), or
/// from a state set with set_initial_state(). Move-only; one object must not be used from
/// several threads at once (it keeps its state and a work state between calls).
template <precision Real>
class SubspaceQaoa {
public:
    using complex_type = std::complex<Real>;

    /// @brief A simulator with a ready cost table (entry i: the cost of feasible state i, as
    /// feasible_costs() makes it). The table is kept in precision Real (a float simulator rounds
    /// it to float, which halves its memory). Throws memory_error before allocating when the
    /// state does not fit under the memory limit.
    SubspaceQaoa(FeasibleSpace space, std::vector<double> costs, subspace_options options = {})
        : space_(std::move(space)), opt_(options) {
        const index_t n = space_.size();
        if (costs.size() != n) {
            throw value_error("cost table has " + std::to_string(costs.size()) + " entries; the feasible space has " +
                              std::to_string(n) + " states");
        }
        if (opt_.band_amplitudes < 1 || opt_.tile < 1) throw value_error("subspace options: band_amplitudes and tile must be >= 1");
        const std::uint64_t bytes = n * (sizeof(complex_type) + (std::is_same_v<Real, double> ? 0 : sizeof(Real)));
        check_memory(bytes, "a feasible-subspace state of " + std::to_string(n) + " amplitudes");
        min_cost_ = std::numeric_limits<double>::infinity();
        max_cost_ = -min_cost_;
        for (index_t i = 0; i < n; ++i) {
            if (!std::isfinite(costs[i])) throw value_error("cost of feasible state " + std::to_string(i) + " is not finite");
            min_cost_ = std::min(min_cost_, costs[i]);
            max_cost_ = std::max(max_cost_, costs[i]);
        }
        if constexpr (std::is_same_v<Real, double>) {
            costs_ = std::move(costs);
        } else {
            costs_.assign(costs.begin(), costs.end());
            std::vector<double>().swap(costs);
        }
        for (std::size_t g = 0; g < space_.num_groups(); ++g)
            if (space_.radix(g) >= 2) axes_.push_back({space_.radix(g), space_.stride(g)});
        // Rows keep the full tile: a last band with rows of one cache line saves a pass but
        // measured 1.8x slower per layer (3^15 amplitudes, one thread), the scattered short rows
        // costing more than the pass.
        bands_ = detail::plan_bands(axes_, n, opt_.band_amplitudes, opt_.tile, opt_.tile);
        state_.allocate(n);
        set_uniform_initial_state();
    }

    /// @brief A simulator whose costs come from a model over the space's variables.
    SubspaceQaoa(FeasibleSpace space, const qubo::BinaryQuadraticModel& model, subspace_options options = {})
        : SubspaceQaoa(space, feasible_costs(space, model, options.policy), options) {}

    const FeasibleSpace& space() const noexcept { return space_; }
    const subspace_options& options() const noexcept { return opt_; }
    /// Number of amplitudes (feasible states).
    index_t size() const noexcept { return space_.size(); }
    /// The cost table, in precision Real.
    std::span<const Real> costs() const noexcept { return costs_; }
    /// Smallest and largest cost, from the double table given to the constructor.
    double min_cost() const noexcept { return min_cost_; }
    double max_cost() const noexcept { return max_cost_; }
    /// The passes a layer makes over the state (bands of axes; see detail/subspace_kernels.hpp).
    std::size_t passes_per_layer() const noexcept { return std::max<std::size_t>(1, bands_.size()); }

    /// @brief Start every run from the uniform superposition (the product of W states).
    void set_uniform_initial_state() {
        initial_.clear();
        initial_.shrink_to_fit();
        reset_state();
    }

    /// @brief Start every run from the given amplitudes (one per feasible state, norm 1 within
    /// `tolerance`; nothing is rescaled).
    void set_initial_state(std::span<const std::complex<double>> amplitudes,
                           double tolerance = precision_traits<Real>::norm_tolerance) {
        if (amplitudes.size() != size()) {
            throw value_error("initial state has " + std::to_string(amplitudes.size()) + " amplitudes; the feasible space has " +
                              std::to_string(size()));
        }
        double norm2 = 0.0;
        for (std::size_t i = 0; i < amplitudes.size(); ++i) {
            if (!std::isfinite(amplitudes[i].real()) || !std::isfinite(amplitudes[i].imag()))
                throw value_error("initial amplitude " + std::to_string(i) + " is not finite");
            norm2 += std::norm(amplitudes[i]);
        }
        if (std::abs(std::sqrt(norm2) - 1.0) > tolerance) {
            throw value_error("initial state is not normalized: norm is " + std::to_string(std::sqrt(norm2)) +
                              ", expected 1 within " + std::to_string(tolerance));
        }
        initial_.assign(amplitudes.begin(), amplitudes.end());
        reset_state();
    }

    /// @brief Prepare the state of angles (gammas[l], betas[l]), l = 0..p-1, from the initial state.
    void run(std::span<const double> gammas, std::span<const double> betas) {
        check_angles(gammas, betas);
        reset_state();
        // The global phases the I + c J kernels leave out (e^{2 i beta} per such axis and layer),
        // applied together in the first cost phase: they commute with every layer.
        double theta = 0.0;
        for (std::size_t l = 0; l < betas.size(); ++l) theta += 2.0 * betas[l] * static_cast<double>(uniform_axes());
        theta = std::remainder(theta, 2.0 * std::numbers::pi); // small, so exact enough in float
        for (std::size_t l = 0; l < gammas.size(); ++l) {
            prepare_ops(betas[l], false);
            detail::forward_layer(state_.data(), size(), costs_.data(), gammas[l], l == 0 ? theta : 0.0, axes_, bands_, ops_,
                                  simd(), opt_.policy);
        }
    }
    void run(const std::vector<double>& gammas, const std::vector<double>& betas) {
        run(std::span<const double>(gammas), std::span<const double>(betas));
    }

    /// The current state (after the last run(), or the initial state).
    std::span<const complex_type> state() const noexcept { return {state_.data(), state_.size()}; }

    /// @brief <C> of the current state, sum_i |psi_i|^2 C_i in double (thread-count independent).
    double expectation() const { return weighted_sum(state_.data()); }

    /// @brief run(gammas, betas), then expectation().
    double expectation(std::span<const double> gammas, std::span<const double> betas) {
        run(gammas, betas);
        return expectation();
    }
    double expectation(const std::vector<double>& gammas, const std::vector<double>& betas) {
        return expectation(std::span<const double>(gammas), std::span<const double>(betas));
    }

    /// @brief <C> and its derivatives by the adjoint method (one forward pass, then one backward
    /// pass over the state and one more work state: Jones & Gacon, arXiv:2009.02823). The
    /// generators are C for gamma and sum_g H_g for beta (for the product form, the
    /// beta-dependent (dU/dbeta) U^dagger of detail/xy_graph.hpp). The backward pass undoes the
    /// circuit in place, so afterwards state() is the initial state (call run() for the state at
    /// the angles); this keeps the memory at two states.
    subspace_gradient gradient(std::span<const double> gammas, std::span<const double> betas) {
        check_angles(gammas, betas);
        const index_t n = size();
        if (lam_.size() != n) {
            check_memory(n * sizeof(complex_type), "the work state of the adjoint gradient");
            lam_.allocate(n);
        }
        fill_initial(state_.data());
        const std::size_t p = gammas.size();
        for (std::size_t l = 0; l < p; ++l) {
            prepare_ops(betas[l], false);
            // Global phases change neither <C> nor its derivatives: left out here.
            detail::forward_layer(state_.data(), n, costs_.data(), gammas[l], 0.0, axes_, bands_, ops_, simd(), opt_.policy);
        }
        subspace_gradient out;
        out.gammas.assign(p, 0.0);
        out.betas.assign(p, 0.0);
        // lam = C phi, and <C> in the same pass.
        const Real* c = costs_.data();
        complex_type* ph = state_.data();
        complex_type* la = lam_.data();
        out.value = qcoach::detail::ordered_reduce<double>(n, opt_.policy.threads_for(n), [=](index_t b, index_t e) {
            double s = 0.0;
            for (index_t i = b; i < e; ++i) {
                s += static_cast<double>(c[i]) * qcoach::detail::born_prob(ph[i]);
                la[i] = ph[i] * c[i];
            }
            return s;
        });
        for (std::size_t l = p; l-- > 0;) {
            prepare_ops(betas[l], true);
            const detail::layer_sums s =
                detail::backward_layer(ph, la, n, costs_.data(), gammas[l], axes_, bands_, ops_, simd(), opt_.policy);
            out.betas[l] = 2.0 * s.mixer;
            out.gammas[l] = 2.0 * s.cost;
        }
        reset_state(); // the exact initial state, not its rounded round trip
        return out;
    }
    subspace_gradient gradient(const std::vector<double>& gammas, const std::vector<double>& betas) {
        return gradient(std::span<const double>(gammas), std::span<const double>(betas));
    }

    /// @brief |psi_i|^2 for every feasible state.
    std::vector<double> probabilities() const {
        check_memory(size() * sizeof(double), "the probabilities of " + std::to_string(size()) + " feasible states");
        std::vector<double> p(size());
        const int threads = opt_.policy.threads_for(size());
        const complex_type* s = state_.data();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t i = 0; i < size(); ++i) p[i] = qcoach::detail::born_prob(s[i]);
        return p;
    }

    /// @brief Probability of the optimal feasible states: the sum of |psi_i|^2 over the states of
    /// cost <= min_cost() + tolerance (both as stored, in precision Real). The default
    /// tolerance, 1e-9 max(1, |C| max), absorbs the rounding of the cost table's sums.
    double optimum_probability(std::optional<double> tolerance = std::nullopt) const {
        const double tol = tolerance ? *tolerance : 1e-9 * std::max({1.0, std::abs(min_cost_), std::abs(max_cost_)});
        const double bound = static_cast<double>(static_cast<Real>(min_cost_)) + tol;
        const Real* c = costs_.data();
        const complex_type* s = state_.data();
        return qcoach::detail::ordered_reduce<double>(size(), opt_.policy.threads_for(size()), [=](index_t b, index_t e) {
            double acc = 0.0;
            for (index_t i = b; i < e; ++i)
                if (c[i] <= bound) acc += qcoach::detail::born_prob(s[i]);
            return acc;
        });
    }

    /// @brief `shots` feasible indices drawn from the current state (same seed, same draws for
    /// every thread count); decode them with space().decode().
    std::vector<index_t> sample(std::size_t shots, std::uint64_t seed) const {
        return detail::sample_indices(state_.data(), size(), shots, seed, opt_.policy);
    }

    /// @brief The same draws as sample(), decoded to assignments of the original variables with
    /// their costs (from the table, so rounded to float by a float simulator).
    qubo::SampleSet sample_set(std::size_t shots, std::uint64_t seed) const {
        qubo::SampleSet set(qubo::vartype::binary, space_.num_variables());
        std::map<index_t, std::size_t> counts;
        for (index_t i : sample(shots, seed)) ++counts[i];
        std::vector<std::int8_t> x(space_.num_variables());
        for (const auto& [i, c] : counts) {
            space_.decode(i, x);
            set.add(x, costs_[i], c);
        }
        return set;
    }

    /// @brief The current state embedded in the full space of n = num_variables qubits (qubit v =
    /// variable v), zero outside the feasible set. For comparisons on small cases.
    StateVector<Real> full_state() const {
        const std::size_t nv = space_.num_variables();
        if (nv < 1 || nv > 30) throw value_error("full_state: " + std::to_string(nv) + " variables; at most 30 qubits are embedded");
        StateVector<Real> psi(static_cast<qubit_t>(nv));
        psi[0] = complex_type(0);
        for (index_t i = 0; i < size(); ++i) psi[space_.bitstring(i)] = state_[i];
        return psi;
    }

private:
    bool simd() const noexcept { return opt_.policy.path == kernel_path::simd; }

    void check_angles(std::span<const double> gammas, std::span<const double> betas) const {
        if (gammas.size() != betas.size()) {
            throw value_error("QAOA angles: " + std::to_string(gammas.size()) + " gammas but " + std::to_string(betas.size()) +
                              " betas");
        }
        for (std::size_t l = 0; l < gammas.size(); ++l)
            if (!std::isfinite(gammas[l]) || !std::isfinite(betas[l]))
                throw value_error("QAOA angles of layer " + std::to_string(l + 1) + " are not finite");
    }

    void fill_initial(complex_type* out) const {
        const index_t n = size();
        const int threads = opt_.policy.threads_for(n);
        if (initial_.empty()) {
            const complex_type a(static_cast<Real>(1.0 / std::sqrt(static_cast<double>(n))));
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
            for (index_t i = 0; i < n; ++i) out[i] = a;
        } else {
            const std::complex<double>* init = initial_.data();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
            for (index_t i = 0; i < n; ++i) out[i] = complex_type(init[i]);
        }
    }

    void reset_state() { fill_initial(state_.data()); }

    double weighted_sum(const complex_type* s) const {
        const Real* c = costs_.data();
        return qcoach::detail::ordered_reduce<double>(size(), opt_.policy.threads_for(size()), [=](index_t b, index_t e) {
            double acc = 0.0;
            for (index_t i = b; i < e; ++i) acc += static_cast<double>(c[i]) * qcoach::detail::born_prob(s[i]);
            return acc;
        });
    }

    /// Whether the mixer of radix k is e^{2 i beta} (I + c J): the exact form of the complete
    /// graph, which is also the ring for k <= 3.
    bool uniform(unsigned k) const noexcept {
        return opt_.form == xy_form::exact && (opt_.graph == xy_graph::complete || k <= 3);
    }

    std::size_t uniform_axes() const noexcept {
        std::size_t c = 0;
        for (const auto& ax : axes_) c += uniform(ax.radix) ? 1 : 0;
        return c;
    }

    /// Matrices for one angle: U (forward) or U^dagger and D = (dU/dbeta) U^dagger (backward),
    /// one set per distinct radix. For the I + c J form, U leaves out e^{2 i beta}, so
    /// c = (e^{-2 i beta k} - 1) / k and D = -2i J (see detail/subspace_kernels.hpp).
    void prepare_ops(double beta, bool backward) {
        using cd = std::complex<double>;
        mats_.clear();
        gens_.clear();
        std::map<unsigned, std::size_t> slot;
        for (const auto& ax : axes_) {
            if (slot.count(ax.radix)) continue;
            slot.emplace(ax.radix, mats_.size());
            const unsigned k = ax.radix;
            if (uniform(k)) {
                const cd c = (std::exp(cd(0.0, -2.0 * beta * k)) - 1.0) / static_cast<double>(k);
                mats_.push_back(detail::qudit_matrix<Real>::uniform_matrix(k, backward ? std::conj(c) : c));
                if (backward) gens_.push_back(detail::qudit_matrix<Real>::uniform_matrix(k, cd(0.0, -2.0)));
                continue;
            }
            const Eigen::MatrixXcd u = detail::xy_onehot_unitary(k, opt_.graph, opt_.form, beta);
            if (backward) {
                mats_.emplace_back(u.adjoint());
                gens_.emplace_back(detail::xy_onehot_generator(k, opt_.graph, opt_.form, beta));
            } else {
                mats_.emplace_back(u);
            }
        }
        ops_.assign(axes_.size(), {});
        for (std::size_t a = 0; a < axes_.size(); ++a) {
            const std::size_t s = slot.at(axes_[a].radix);
            const bool uni = uniform(axes_[a].radix);
            ops_[a].forward = &mats_[s];
            if (backward) {
                ops_[a].generator = &gens_[s];
                ops_[a].backward = detail::select_rows_backward<Real>(axes_[a].radix, simd(), uni);
            } else {
                ops_[a].apply = detail::select_rows_apply<Real>(axes_[a].radix, simd(), uni);
            }
        }
    }

    FeasibleSpace space_;
    subspace_options opt_;
    std::vector<Real> costs_;
    double min_cost_ = 0.0, max_cost_ = 0.0;
    std::vector<detail::subspace_axis> axes_;
    std::vector<detail::subspace_band> bands_;
    std::vector<std::complex<double>> initial_; // empty: uniform
    detail::subspace_buffer<complex_type> state_, lam_; // uninitialized; first touched in parallel
    std::vector<detail::qudit_matrix<Real>> mats_, gens_;
    std::vector<detail::axis_ops<Real>> ops_;
};

using SubspaceQaoaF = SubspaceQaoa<float>;
using SubspaceQaoaD = SubspaceQaoa<double>;

} // namespace qcoach::variational
