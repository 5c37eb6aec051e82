#pragma once
/// @file
/// @brief The variational quantum eigensolver (Peruzzo et al., "A variational eigenvalue solver
/// on a photonic quantum processor", Nat. Commun. 5, 4213 (2014)) on the statevector simulator:
/// minimize E(theta) = <psi(theta)|H|psi(theta)> over the parameters of an ansatz circuit.
///
///     namespace v = qcoach::variational;
///     auto h = v::transverse_field_ising(6, 1.0, 1.0);
///     auto ansatz = v::hardware_efficient(6, {.layers = 3});
///     auto x0 = v::random_parameters(ansatz.num_params(), 0.1, 7);
///     auto r = v::vqe(ansatz, h, x0);                      // L-BFGS, adjoint gradient
///     v::vqe_options o;
///     o.optimizer = v::vqe_optimizer::spsa;                // or adam, nelder_mead
///     o.stop.max_iterations = 2000;                        // stopping rules, seed, callback
///     o.stop.seed = 42;
///     o.stop.progress = [](const v::optimize_progress& p) { return p.best_value > -7.2; };
///     auto s = v::vqe(ansatz, h, x0, o);
///
/// The ansatz is built once and bound to each parameter vector the optimizer asks for; it is
/// never rebuilt. Energies are exact expectation values (no sampling). The optimizer sees the
/// energy, and the gradient whenever it asks for one (Adam and L-BFGS; adjoint by default).
/// Any other minimizer with the signature of optimize.hpp can be passed instead of the
/// built-in choice.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/statevector/pauli.hpp"
#include "qcoach/variational/gradient.hpp"
#include "qcoach/variational/optimize.hpp"

namespace qcoach::variational {

/// @brief The minimizers of optimize.hpp that vqe() can run.
enum class vqe_optimizer : std::uint8_t {
    lbfgs,      ///< L-BFGS with exact gradients (the default)
    adam,       ///< Adam with exact gradients
    spsa,       ///< SPSA, values only (seeded by stop.seed)
    nelder_mead ///< Nelder–Mead, values only
};

/// @brief Lower-case name of an optimizer choice ("lbfgs", "adam", "spsa", "nelder_mead").
inline const char* vqe_optimizer_name(vqe_optimizer o) noexcept {
    switch (o) {
    case vqe_optimizer::lbfgs: return "lbfgs";
    case vqe_optimizer::adam: return "adam";
    case vqe_optimizer::spsa: return "spsa";
    case vqe_optimizer::nelder_mead: return "nelder_mead";
    }
    return "unknown";
}

namespace detail {
inline optimize_options vqe_default_stop() {
    optimize_options o;
    o.max_iterations = 500;
    return o;
}
} // namespace detail

/// @brief How vqe() evaluates the objective and which optimizer it runs.
struct vqe_options {
    gradient_method method = gradient_method::adjoint; ///< used when the optimizer asks for a gradient
    exec_policy policy = default_policy();            ///< threads of the simulator kernels
    vqe_optimizer optimizer = vqe_optimizer::lbfgs;   ///< ignored by the overload that takes a minimizer
    /// Stopping rules (max_iterations 500 unless set), seed (SPSA) and progress callback of the
    /// optimizer; the callback sees the energy after every iteration and may stop the run.
    optimize_options stop = detail::vqe_default_stop();
    adam_options adam{};               ///< used when optimizer == adam
    spsa_options spsa{};               ///< used when optimizer == spsa
    nelder_mead_options nelder_mead{}; ///< used when optimizer == nelder_mead
    lbfgs_options lbfgs{};             ///< used when optimizer == lbfgs
};

/// @brief Outcome of a VQE run.
struct vqe_result {
    double energy = 0.0;              ///< lowest energy found, E(parameters)
    std::vector<double> parameters;   ///< the parameters that give it
    std::vector<double> history;      ///< optimizer history: history[0] = E(x0), history[k] = best after iteration k
    std::size_t iterations = 0;       ///< optimizer iterations
    std::size_t evaluations = 0;      ///< objective calls (energy, with or without gradient)
    std::size_t gradient_evaluations = 0; ///< objective calls that computed a gradient
    std::size_t circuit_runs = 0;     ///< circuit simulations spent (a parameter-shift gradient costs many)
    bool converged = false;           ///< the optimizer stopped on a tolerance rule
    std::string reason;               ///< why the optimizer stopped
};

/// @brief k starting parameters drawn uniformly from [-scale, scale] with the given seed (the
/// same seed gives the same point). Small angles start a hardware-efficient ansatz near
/// |0...0> (or near the reference state prepared in front of it).
inline std::vector<double> random_parameters(std::size_t k, double scale, std::uint64_t seed) {
    if (!(scale >= 0) || !std::isfinite(scale)) {
        throw value_error("random_parameters: scale must be finite and >= 0, got " + std::to_string(scale));
    }
    Rng rng(seed);
    std::vector<double> x(k);
    for (double& t : x) t = (2 * rng.uniform() - 1) * scale;
    return x;
}

/// @brief The VQE objective f(theta) = E(theta) with the gradient on request, in the form the
/// optimizers of optimize.hpp take. `circuit_runs`, when given, counts the simulations spent.
/// The objective refers to `ansatz` and `h`, which must outlive it. Checks the circuit and the
/// Hamiltonian once, when the objective is made (throws as vqe() does).
template <precision Real = double>
objective vqe_objective(const Circuit& ansatz, const PauliSum& h, const vqe_options& options = {},
                        std::size_t* circuit_runs = nullptr) {
    const std::vector<double> probe(ansatz.num_params(), 0.0);
    detail::check_circuit(ansatz, h, probe, true, "vqe");
    return [&ansatz, &h, method = options.method, policy = options.policy, circuit_runs](std::span<const double> x,
                                                                                         std::span<double> grad) -> double {
        if (grad.empty()) {
            if (circuit_runs) ++*circuit_runs;
            return energy<Real>(ansatz, h, x, policy);
        }
        if (grad.size() != x.size()) {
            throw value_error("vqe objective: gradient buffer has " + std::to_string(grad.size()) + " entries for " +
                              std::to_string(x.size()) + " parameters");
        }
        energy_gradient eg = gradient<Real>(ansatz, h, x, method, policy);
        if (circuit_runs) *circuit_runs += eg.evaluations;
        for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = eg.gradient[i];
        return eg.energy;
    };
}

/// @brief The minimizer that options.optimizer names, with options.stop and that optimizer's own
/// options bound.
inline minimizer make_minimizer(const vqe_options& options) {
    switch (options.optimizer) {
    case vqe_optimizer::lbfgs:
        return [stop = options.stop, o = options.lbfgs](const objective& f, std::vector<double> x0) {
            return minimize_lbfgs(f, std::move(x0), stop, o);
        };
    case vqe_optimizer::adam:
        return [stop = options.stop, o = options.adam](const objective& f, std::vector<double> x0) {
            return minimize_adam(f, std::move(x0), stop, o);
        };
    case vqe_optimizer::spsa:
        return [stop = options.stop, o = options.spsa](const objective& f, std::vector<double> x0) {
            return minimize_spsa(f, std::move(x0), stop, o);
        };
    case vqe_optimizer::nelder_mead:
        return [stop = options.stop, o = options.nelder_mead](const objective& f, std::vector<double> x0) {
            return minimize_nelder_mead(f, std::move(x0), stop, o);
        };
    }
    throw value_error("vqe: unknown optimizer choice " + std::to_string(static_cast<unsigned>(options.optimizer)));
}

/// @brief Minimize <psi(theta)|H|psi(theta)> over the ansatz parameters from `initial` with
/// `optimizer` (any minimizer with the signature of optimize.hpp; options.optimizer and
/// options.stop are not used).
///
/// Throws, before any simulation: index_error when `initial` does not have exactly
/// ansatz.num_params() entries or H acts on a qubit the ansatz lacks; value_error for an ansatz
/// without parameters, a non-unitary ansatz, or a symbolic angle without a derivative rule. A
/// PauliSum cannot hold a complex weight (PauliSum::add throws value_error), so H is Hermitian.
/// The optimizer's own errors propagate.
template <precision Real = double>
vqe_result vqe(const Circuit& ansatz, const PauliSum& h, std::vector<double> initial, const minimizer& optimizer,
               const vqe_options& options = {}) {
    if (ansatz.num_params() == 0) throw value_error("vqe: the ansatz has no symbolic parameters to optimize");
    if (initial.size() != ansatz.num_params()) {
        throw index_error("vqe: the ansatz uses " + std::to_string(ansatz.num_params()) + " parameters but the initial point has " +
                          std::to_string(initial.size()));
    }
    if (!optimizer) throw value_error("vqe: no optimizer given");
    std::size_t runs = 0;
    const objective f = vqe_objective<Real>(ansatz, h, options, &runs);
    optimize_result o = optimizer(f, std::move(initial));
    vqe_result r;
    r.energy = o.value;
    r.parameters = std::move(o.x);
    r.history = std::move(o.history);
    r.iterations = o.iterations;
    r.evaluations = o.evaluations;
    r.gradient_evaluations = o.gradient_evaluations;
    r.circuit_runs = runs;
    r.converged = o.converged;
    r.reason = std::move(o.reason);
    return r;
}

/// @brief VQE with the optimizer that options.optimizer names (default: L-BFGS, at most 500
/// iterations, adjoint gradients). Throws as the overload above.
template <precision Real = double>
vqe_result vqe(const Circuit& ansatz, const PauliSum& h, std::vector<double> initial, const vqe_options& options = {}) {
    return vqe<Real>(ansatz, h, std::move(initial), make_minimizer(options), options);
}

} // namespace qcoach::variational
