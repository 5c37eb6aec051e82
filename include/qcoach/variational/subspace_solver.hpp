#pragma once
/// @file
/// @brief SubspaceQaoaSolver: QAOA with an XY mixer on the feasible assignments of a constrained
/// model, with a person's pins applied, returning a sample set like the other solvers.
///
/// It applies when the one-hot constraints of a qubo::ConstrainedModel partition its original
/// variables (clients each assigned to one coach, modules each placed in one session, sessions
/// each given one slot). Rows with slack variables (capacities) are not mixed: their slack bits
/// take their best values in the cost table (constrained_costs(), subspace.hpp), and every sample
/// is completed with them (ConstrainedModel::complete_sample), so the samples are over all the
/// variables of cm.to_model(). Every sample satisfies every one-hot row and every pin by
/// construction; the other rows (capacities, precedence) are penalties, so a sample may still
/// break them and the caller checks it.
///
/// Pins (assignment_space(cm, pins), subspace.hpp): a variable pinned to 1 decides its group (the
/// group keeps that one variable and its others are fixed at 0); a variable pinned to 0 leaves its
/// group. Pins that leave a group with no choice, set two variables of one group, or touch a slack
/// variable are refused with a value_error naming the constraint or variable.
///
/// Angles. The cost table is divided by its spread (max - min) for the optimizer, so the gamma it
/// sees is on the same scale whatever the penalty weights; the reported angles are in the engine
/// convention of subspace.hpp (gamma multiplies the raw cost C to minimize). Depth 1 starts from
/// the best point of a coarse grid (gamma' in (0, pi], beta in (0, pi/2)), then L-BFGS with the
/// adjoint gradient; deeper layers follow INTERP (Zhou et al., PRX 10, 021067 (2020)) or one
/// optimization at depth p (qaoa_strategy::optimize), or no optimization at all (fixed: the given
/// angles, or the grid's depth-1 point extended by INTERP).
///
/// Size: the state has prod k_g amplitudes; larger spaces than subspace_solver_options::max_states
/// are refused before anything is allocated, and so is any request the memory check refuses.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/config.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa_solver.hpp"
#include "qcoach/variational/subspace.hpp"

namespace qcoach::variational {

/// @brief Options of the subspace QAOA solver (the generic solver_options are passed to run()).
struct subspace_solver_options {
    std::size_t p = 2;                                  ///< depth, >= 1
    qaoa_strategy strategy = qaoa_strategy::interp;
    /// Fixed angles (strategy fixed) or the optimizer's start (optimize), engine convention; interp
    /// always starts from the depth-1 grid.
    std::optional<qaoa_angles> angles;
    optimize_options optimizer{};                       ///< L-BFGS stopping rules (per depth for interp)
    xy_graph graph = xy_graph::ring;
    xy_form form = xy_form::exact;
    bool single_precision = false;                      ///< simulate in float instead of double
    index_t max_states = index_t{1} << 22;              ///< larger feasible spaces are refused
    std::size_t default_shots = 1000;                   ///< shots when solver_options::reads is 0
    std::size_t grid = 8;                               ///< grid points per angle for the depth-1 start
};

/// @brief XY-mixer QAOA on the feasible subspace of a constrained model (see the file comment).
class SubspaceQaoaSolver {
public:
    explicit SubspaceQaoaSolver(subspace_solver_options options = {}) : opts_(std::move(options)) {
        if (opts_.p < 1) throw value_error("subspace QAOA solver: depth p must be at least 1, got 0");
        if (opts_.grid < 1) throw value_error("subspace QAOA solver: the start grid needs at least 1 point per angle");
        if (opts_.angles) {
            if (opts_.angles->gammas.size() != opts_.p || opts_.angles->betas.size() != opts_.p) {
                throw value_error("subspace QAOA solver: angles have " + std::to_string(opts_.angles->gammas.size()) +
                                  " gammas and " + std::to_string(opts_.angles->betas.size()) + " betas; depth p = " +
                                  std::to_string(opts_.p) + " needs p of each");
            }
            detail::check_angles(opts_.angles->gammas, opts_.angles->betas);
        }
    }

    std::string name() const { return "qaoa-xy"; }
    const subspace_solver_options& options() const noexcept { return opts_; }

    /// @brief Number of feasible states of `cm` with `pins` applied, or a value_error saying why
    /// the subspace does not apply. Cheap: nothing is simulated.
    index_t states(const qubo::ConstrainedModel& cm, std::span<const qubo::pin> pins) const {
        return assignment_space(cm, pins).size();
    }

    /// @brief Run QAOA on the feasible assignments of `cm` with `pins`; the samples are over the
    /// variables of `model`, which must be cm.to_model() (passed in so it is built once).
    qaoa_solution run(const qubo::ConstrainedModel& cm, const qubo::BinaryQuadraticModel& model, std::span<const qubo::pin> pins,
                      const qubo::solver_options& options = {}) const;

private:
    template <class Real>
    struct scaled_objective {
        SubspaceQaoa<Real>* sim;
        double scale; // gamma = x / scale
        std::size_t* evaluations;

        double operator()(std::span<const double> x, std::span<double> grad) const {
            const std::size_t p = x.size() / 2;
            std::vector<double> g(p), b(x.begin() + static_cast<std::ptrdiff_t>(p), x.end());
            for (std::size_t l = 0; l < p; ++l) g[l] = x[l] / scale;
            ++*evaluations;
            if (grad.empty()) return sim->expectation(g, b);
            const subspace_gradient d = sim->gradient(g, b);
            for (std::size_t l = 0; l < p; ++l) {
                grad[l] = d.gammas[l] / scale;
                grad[p + l] = d.betas[l];
            }
            return d.value;
        }
    };

    /// The best depth-1 point of the grid, in scaled variables [gamma', beta].
    template <class Real>
    std::vector<double> grid_start(const scaled_objective<Real>& f) const {
        std::vector<double> best{0.5, 0.25};
        double best_v = std::numeric_limits<double>::infinity();
        const std::size_t m = opts_.grid;
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < m; ++j) {
                const std::vector<double> x{std::numbers::pi * (static_cast<double>(i) + 1) / static_cast<double>(m),
                                            std::numbers::pi / 2 * (static_cast<double>(j) + 0.5) / static_cast<double>(m)};
                const double v = f(x, {});
                if (v < best_v) {
                    best_v = v;
                    best = x;
                }
            }
        return best;
    }

    template <class Real>
    std::vector<double> minimize(const scaled_objective<Real>& f, std::vector<double> x0, const qubo::solver_options& options,
                                 const qubo::detail::run_control& control) const {
        optimize_options oo = opts_.optimizer;
        if (options.time_limit_s > 0) {
            const double cap = std::max(0.9 * options.time_limit_s - control.elapsed(), 1e-3);
            oo.time_limit_s = oo.time_limit_s > 0 ? std::min(oo.time_limit_s, cap) : cap;
        }
        const objective obj = [&f](std::span<const double> x, std::span<double> grad) { return f(x, grad); };
        return minimize_lbfgs(obj, std::move(x0), oo).x;
    }

    static std::vector<double> scaled(const qaoa_angles& a, double scale) {
        std::vector<double> x = a.flatten();
        for (std::size_t l = 0; l < a.p(); ++l) x[l] *= scale;
        return x;
    }

    template <class Real>
    qaoa_solution run_engine(FeasibleSpace space, std::vector<double> costs, const subspace_options& so,
                             const qubo::ConstrainedModel& cm, const qubo::BinaryQuadraticModel& model,
                             const qubo::solver_options& options, qubo::detail::run_control& control) const {
        SubspaceQaoa<Real> sim(std::move(space), std::move(costs), so);
        qaoa_solution out;
        const double spread = sim.max_cost() - sim.min_cost();
        const double scale = spread > 0 ? spread : 1.0;
        const scaled_objective<Real> f{&sim, scale, &out.evaluations};
        std::vector<double> x;
        if (sim.size() == 1) {
            // Nothing to mix: the pins decide every group.
            x.assign(2 * opts_.p, 0.0);
        } else if (opts_.angles && opts_.strategy != qaoa_strategy::interp) {
            x = scaled(*opts_.angles, scale);
            if (opts_.strategy == qaoa_strategy::optimize) x = minimize(f, std::move(x), options, control);
        } else {
            x = grid_start(f);
            if (opts_.strategy != qaoa_strategy::fixed) x = minimize(f, std::move(x), options, control);
            for (std::size_t q = 2; q <= opts_.p; ++q) {
                x = interp(qaoa_angles::unflatten(x)).flatten();
                const bool last = q == opts_.p;
                if (opts_.strategy == qaoa_strategy::interp || (last && opts_.strategy == qaoa_strategy::optimize))
                    x = minimize(f, std::move(x), options, control);
            }
        }
        out.angles = qaoa_angles::unflatten(x);
        for (double& g : out.angles.gammas) g /= scale;
        sim.run(out.angles.gammas, out.angles.betas);
        out.expectation = sim.expectation();
        out.optimum_probability = sim.optimum_probability();
        out.ground_energy = sim.min_cost();

        const std::size_t shots = options.reads ? options.reads : opts_.default_shots;
        std::map<index_t, std::size_t> counts;
        for (index_t i : sim.sample(shots, options.seed)) ++counts[i];
        out.result = detail::shots_result(name(), model, shots, control, [&](const auto& add) {
            std::vector<std::int8_t> assignment(cm.num_variables());
            for (const auto& [i, count] : counts) {
                sim.space().decode(i, assignment);
                add(cm.complete_sample(assignment), count);
            }
        });
        return out;
    }

    subspace_solver_options opts_;
};

#if QCOACH_HEADER_DEFINITIONS
QCOACH_DECL qaoa_solution SubspaceQaoaSolver::run(const qubo::ConstrainedModel& cm, const qubo::BinaryQuadraticModel& model,
                                                  std::span<const qubo::pin> pins, const qubo::solver_options& options) const {
    if (model.num_variables() != cm.num_total_variables() || model.type() != qubo::vartype::binary) {
        throw value_error("subspace QAOA solver: the model has " + std::to_string(model.num_variables()) +
                          " variables; the constrained model's penalized form has " +
                          std::to_string(cm.num_total_variables()) + " binary variables");
    }
    FeasibleSpace space = assignment_space(cm, pins);
    const index_t size = space.size();
    if (size > opts_.max_states) {
        throw value_error("the feasible subspace has " + std::to_string(size) + " states; the subspace QAOA solver takes at most " +
                          std::to_string(opts_.max_states) + " (subspace_solver_options::max_states)");
    }
    const std::uint64_t amp = opts_.single_precision ? sizeof(std::complex<float>) : sizeof(std::complex<double>);
    check_memory(size * (2 * amp + 2 * sizeof(double)),
                 "XY-mixer QAOA on " + std::to_string(size) + " feasible states");
    qubo::detail::run_control control(options);
    exec_policy pol = default_policy();
    pol.threads = options.threads;
    std::vector<double> costs = constrained_costs(space, cm, pol);
    subspace_options so;
    so.graph = opts_.graph;
    so.form = opts_.form;
    so.policy = pol;
    return opts_.single_precision ? run_engine<float>(std::move(space), std::move(costs), so, cm, model, options, control)
                                  : run_engine<double>(std::move(space), std::move(costs), so, cm, model, options, control);
}
#endif

} // namespace qcoach::variational
