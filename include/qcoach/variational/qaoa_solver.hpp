#pragma once
/// @file
/// @brief QaoaSolver: QAOA on the full state space as a qubo::Solver. The model's cost table is
/// built once, the angles are fixed or optimized, and `reads` bitstrings are sampled from the
/// final state and returned with their model energies and counts.
///
/// Angles are in this engine's convention (qaoa.hpp: e^{-i gamma E} with E the model energy,
/// minimized). Angle tables written for a cost to maximize (angles.hpp: fixed angles, linear
/// ramp) are converted with rescale_gammas(a, -1) for E = -C.
///
/// Strategies:
///  - fixed: the given angles, or the linear ramp of depth p (Sack & Serbyn 2021) when none;
///  - optimize: L-BFGS (optimize.hpp) on <E> with the adjoint gradient, from the given angles or
///    the linear ramp;
///  - interp: depth by depth from 1 to p, each depth optimized from the INTERP extrapolation of
///    the previous optimum (Zhou et al., PRX 10, 021067 (2020)).
///
/// A time limit in the solver options bounds the angle search (the optimizer stops with the best
/// angles so far) and leaves time for the final state and the samples.
///
/// Size: the full space needs a state of 2^n amplitudes, the cost table and, when optimizing,
/// p + 1 states for the gradient. Models above qaoa_solver_options::max_qubits (default 26,
/// at most cost_table_max_qubits) are refused, and so is any request the memory check of
/// core/memory.hpp says will not fit, before any work starts.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/config.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"

namespace qcoach::variational {

/// How the QAOA solver chooses its angles.
enum class qaoa_strategy : std::uint8_t { fixed, optimize, interp };

/// @brief Options of the QAOA solver (the generic solver_options are passed to solve()).
struct qaoa_solver_options {
    std::size_t p = 1;                   ///< depth, >= 1
    qaoa_strategy strategy = qaoa_strategy::optimize;
    std::optional<qaoa_angles> angles;   ///< fixed angles or the optimizer's start (p each)
    double ramp_dt = 0.75;               ///< linear ramp step when no angles are given
    optimize_options optimizer{};        ///< L-BFGS stopping rules (per depth for interp)
    bool single_precision = false;       ///< simulate in float instead of double
    qubit_t max_qubits = 26;             ///< larger models are refused
    std::size_t default_shots = 1000;    ///< shots when solver_options::reads is 0
};

namespace detail {

/// @brief The solve_result of `shots` sampled bitstrings: `draw(add)` calls add(sample, count)
/// for each distinct sample (over the variables of `model`); each gets its model energy and is
/// offered to the run control (target energy, progress), then the best is recorded.
template <class Draw>
qubo::solve_result shots_result(std::string name, const qubo::BinaryQuadraticModel& model, std::size_t shots,
                                qubo::detail::run_control& control, Draw&& draw) {
    qubo::solve_result r;
    r.solver = std::move(name);
    r.samples = qubo::SampleSet(model.type(), model.num_variables());
    r.work_unit = "shots";
    r.work = shots;
    draw([&](const std::vector<std::int8_t>& sample, std::size_t count) {
        const double e = model.energy_unchecked(sample);
        r.samples.add(sample, e, count);
        control.offer(e, sample);
    });
    control.unit_done(shots);
    control.finish(r);
    if (!r.samples.empty()) {
        r.best_energy = r.samples.best().energy;
        r.best_sample = r.samples.best().sample;
    }
    return r;
}

} // namespace detail

/// @brief Everything a QAOA run produced.
struct qaoa_solution {
    qubo::solve_result result; ///< sampled bitstrings (work = shots)
    qaoa_angles angles;        ///< the angles used (engine convention)
    double expectation = 0.0;  ///< <E> at those angles
    double optimum_probability = 0.0; ///< probability of the table's minimal states
    double ground_energy = 0.0;       ///< minimum of the cost table
    std::size_t evaluations = 0;      ///< energy (and gradient) evaluations of the optimizer
};

/// @brief QAOA as a QUBO/Ising solver (see the file comment).
class QaoaSolver : public qubo::Solver {
public:
    explicit QaoaSolver(qaoa_solver_options options = {}) : opts_(std::move(options)) {
        if (opts_.p < 1) throw value_error("QAOA solver: depth p must be at least 1, got 0");
        if (opts_.max_qubits > cost_table_max_qubits) {
            throw value_error("QAOA solver: max_qubits is " + std::to_string(opts_.max_qubits) + "; the full-space engine takes at most " +
                              std::to_string(cost_table_max_qubits));
        }
        if (opts_.angles) {
            if (opts_.angles->gammas.size() != opts_.p || opts_.angles->betas.size() != opts_.p) {
                throw value_error("QAOA solver: angles have " + std::to_string(opts_.angles->gammas.size()) + " gammas and " +
                                  std::to_string(opts_.angles->betas.size()) + " betas; depth p = " + std::to_string(opts_.p) +
                                  " needs p of each");
            }
            detail::check_angles(opts_.angles->gammas, opts_.angles->betas);
        }
    }

    std::string name() const override { return "qaoa"; }
    const qaoa_solver_options& options() const noexcept { return opts_; }

    qubo::solve_result solve(const qubo::BinaryQuadraticModel& model, const qubo::solver_options& options) const override {
        return run(model, options).result;
    }

    /// @brief Run QAOA and return the samples with the angles, <E> and the optimum's probability.
    qaoa_solution run(const qubo::BinaryQuadraticModel& model, const qubo::solver_options& options = {}) const;

private:
    qaoa_angles start_angles(std::size_t p) const {
        if (opts_.angles && opts_.angles->gammas.size() == p) return *opts_.angles;
        return rescale_gammas(linear_ramp(p, opts_.ramp_dt), -1.0);
    }

    template <class Real>
    qaoa_angles optimize_from(Qaoa<Real>& qa, const qaoa_angles& start, std::size_t& evaluations,
                              const qubo::solver_options& options, const qubo::detail::run_control& control) const {
        const objective f = [&qa](std::span<const double> x, std::span<double> grad) {
            return grad.empty() ? qa.objective(x) : qa.objective_and_gradient(x, grad);
        };
        optimize_options oo = opts_.optimizer;
        if (options.time_limit_s > 0) {
            // The solver's wall-clock budget bounds the angle search too; a tenth of it (at
            // least what is left) is kept for preparing the final state and sampling.
            const double left = 0.9 * options.time_limit_s - control.elapsed();
            const double cap = std::max(left, 1e-3);
            oo.time_limit_s = oo.time_limit_s > 0 ? std::min(oo.time_limit_s, cap) : cap;
        }
        const optimize_result r = minimize_lbfgs(f, start.flatten(), oo);
        evaluations += r.evaluations;
        return qaoa_angles::unflatten(r.x);
    }

    template <class Real>
    qaoa_solution run_engine(const qubo::BinaryQuadraticModel& model, std::shared_ptr<const CostTable> table, const exec_policy& pol,
                             const qubo::solver_options& options, qubo::detail::run_control& control) const {
        Qaoa<Real> qa(table, x_mixer{}, pol);
        qaoa_solution out;
        switch (opts_.strategy) {
        case qaoa_strategy::fixed: out.angles = start_angles(opts_.p); break;
        case qaoa_strategy::optimize:
            out.angles = optimize_from(qa, start_angles(opts_.p), out.evaluations, options, control);
            break;
        case qaoa_strategy::interp: {
            qaoa_angles a = optimize_from(qa, start_angles(1), out.evaluations, options, control);
            for (std::size_t q = 2; q <= opts_.p; ++q) a = optimize_from(qa, interp(a), out.evaluations, options, control);
            out.angles = a;
            break;
        }
        }
        const StateVector<Real> psi = qa.state(out.angles.gammas, out.angles.betas);
        out.expectation = qa.expectation(psi);
        out.optimum_probability = qa.optimum_probability(psi);
        out.ground_energy = table->min();

        const std::size_t shots = options.reads ? options.reads : opts_.default_shots;
        const auto nq = static_cast<qubit_t>(model.num_variables());
        out.result = detail::shots_result(name(), model, shots, control, [&](const auto& add) {
            for (const auto& [z, count] : qa.sample_counts(psi, shots, options.seed)) add(sample_from_index(model.type(), nq, z), count);
        });
        return out;
    }

    qaoa_solver_options opts_;
};

#if QCOACH_HEADER_DEFINITIONS
QCOACH_DECL qaoa_solution QaoaSolver::run(const qubo::BinaryQuadraticModel& model, const qubo::solver_options& options) const {
    const std::size_t n = model.num_variables();
    if (n < 1) throw value_error("QAOA solver: the model has no variables");
    if (n > opts_.max_qubits) {
        throw value_error("QAOA solver: the model has " + std::to_string(n) + " variables; the full-space simulation is limited to " +
                          std::to_string(opts_.max_qubits) + " qubits (qaoa_solver_options::max_qubits)");
    }
    const auto nq = static_cast<qubit_t>(n);
    const std::uint64_t amp = opts_.single_precision ? sizeof(std::complex<float>) : sizeof(std::complex<double>);
    // The work state and the final state, and p + 1 more for the gradient.
    const std::size_t states = opts_.strategy == qaoa_strategy::fixed ? 2 : opts_.p + 3;
    check_memory(CostTable::required_bytes(nq) + states * (std::uint64_t{1} << nq) * amp,
                 "QAOA on " + std::to_string(n) + " qubits at depth " + std::to_string(opts_.p));
    qubo::detail::run_control control(options);
    exec_policy pol = default_policy();
    pol.threads = options.threads;
    auto table = std::make_shared<const CostTable>(CostTable::from_model(model, pol));
    return opts_.single_precision ? run_engine<float>(model, table, pol, options, control)
                                  : run_engine<double>(model, table, pol, options, control);
}
#endif

} // namespace qcoach::variational
