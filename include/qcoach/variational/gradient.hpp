#pragma once
/// @file
/// @brief Energy E(theta) = <psi(theta)|H|psi(theta)> of a parametric circuit and its gradient,
/// by adjoint differentiation or by parameter-shift rules.
///
/// The circuit starts from |0...0>, must be unitary (gates and barriers only) and may use any
/// gate kind of the circuit layer; angles are affine in the parameters (Param: scale ·
/// theta[k] + offset). A parameter used by several gates gets the sum of their contributions,
/// each multiplied by its scale (chain rule). H is a Hermitian Pauli sum.
///
/// ## Adjoint method
/// Jones & Gacon, "Efficient calculation of gradients in classical simulations of variational
/// quantum algorithms", arXiv:2009.02823 (2020), Algorithm 1. With psi_k = U_k ... U_1 |0> and
/// lambda_k = U_{k+1}^dagger ... U_N^dagger H psi_N,
///     dE/da = 2 Re <lambda_k| G psi_k>,   G = (dU_k/da) U_k^dagger (detail/gradient_rules.hpp).
/// One forward pass gives psi_N; lambda_N = H psi_N is one pass of the Pauli sum; the backward
/// pass visits the gates in reverse order, takes <lambda|G|psi> for every symbolic angle and
/// un-applies the gate from both states. Two states in all (psi and lambda), whatever the
/// number of gates; the cost is about 3 circuit runs plus one read of both states per
/// parametric gate (an uncontrolled one-qubit gate needs one pass for all its angles: the pair
/// overlaps of detail/gradient_kernels.hpp). Gates in front of the first parametric one are not
/// un-applied.
///
/// ## Parameter-shift method
/// Each symbolic angle of each gate is shifted on its own and the energy evaluated (two or four
/// evaluations per angle, rules and references in detail/gradient_rules.hpp):
/// - two-term rule, shifts ±pi/2: rx, ry, rz, rxx, ryy, rzz, u3's theta (uncontrolled); the
///   phase angles of p, u2, u3 and of their controlled forms (cp, cu3's phi and lambda);
/// - four-term rule, shifts ±pi/2 and ±3pi/2: the rotation angle of a controlled rotation
///   (crx, cry, crz, cu3's theta, and rx, ry, rz, rxx, ryy, rzz, u3's theta with any number of
///   controls).
/// Any other gate with a symbolic angle (user matrices: unitary, controlled, diagonal) has no
/// rule: both methods throw value_error naming the operation before any work. The state in front of the gate is
/// kept, so each evaluation runs only the rest of the circuit. Two states in all; cost grows
/// as (number of angles) × (number of gates). It is the estimator a quantum device would use;
/// on a simulator the adjoint method is much cheaper.

#include <complex>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/expectation.hpp"
#include "qcoach/statevector/pauli.hpp"
#include "qcoach/statevector/state.hpp"
#include "qcoach/variational/detail/gradient_kernels.hpp"
#include "qcoach/variational/detail/gradient_rules.hpp"

namespace qcoach::variational {

/// @brief Gradient estimators.
enum class gradient_method : std::uint8_t {
    adjoint,         ///< adjoint differentiation (exact, ~3 circuit runs)
    parameter_shift  ///< shift rules (exact, 2 or 4 runs of the circuit tail per angle)
};

/// @brief An energy and its gradient with respect to theta (same length as theta).
struct energy_gradient {
    double energy = 0.0;
    std::vector<double> gradient;
    /// Circuit evaluations spent (adjoint: 1; parameter-shift: 1 + one per shifted angle).
    std::size_t evaluations = 0;
};

namespace detail {

inline std::vector<Gate> bind_all(const Circuit& c, std::span<const double> theta) {
    std::vector<Gate> out;
    out.reserve(c.size());
    for (const Operation& op : c.operations())
        if (op.type == OpType::gate) out.push_back(bind_gate(op, theta));
    return out;
}

} // namespace detail

/// @brief The state the circuit prepares from |0...0> with angles bound to theta.
/// Throws as energy() does.
template <precision Real = double>
StateVector<Real> prepare_state(const Circuit& c, std::span<const double> theta, const exec_policy& pol = default_policy()) {
    detail::check_circuit(c, PauliSum(), theta, false, "prepare_state");
    StateVector<Real> psi(c.num_qubits());
    for (const Operation& op : c.operations())
        if (op.type == OpType::gate) apply(psi, bind_gate(op, theta), pol);
    return psi;
}

/// @brief E(theta) = <psi(theta)|H|psi(theta)>.
///
/// Throws (before any work) index_error when theta is shorter than c.num_params() or H acts on
/// a qubit the circuit lacks; value_error for a non-finite theta, a measurement, reset or
/// conditioned operation, or a user matrix that is not unitary.
template <precision Real = double>
double energy(const Circuit& c, const PauliSum& h, std::span<const double> theta, const exec_policy& pol = default_policy()) {
    detail::check_circuit(c, h, theta, false, "energy");
    StateVector<Real> psi(c.num_qubits());
    for (const Operation& op : c.operations())
        if (op.type == OpType::gate) apply(psi, bind_gate(op, theta), pol);
    return expectation(psi, h, pol);
}

/// @brief Energy and gradient by adjoint differentiation (see the file comment).
///
/// Throws as energy() does, and value_error naming the operation and its position when a
/// symbolic angle belongs to a gate kind without a derivative rule.
template <precision Real = double>
energy_gradient adjoint_gradient(const Circuit& c, const PauliSum& h, std::span<const double> theta,
                                 const exec_policy& pol = default_policy()) {
    detail::check_circuit(c, h, theta, true, "adjoint_gradient");
    const qubit_t n = c.num_qubits();
    const auto& ops = c.operations();
    std::vector<Gate> gates = detail::bind_all(c, theta);

    StateVector<Real> psi(n);
    for (const Gate& g : gates) apply(psi, g, pol);
    StateVector<Real> lambda(n);
    detail::apply_pauli_sum(psi.data(), lambda.data(), n, detail::flip_groups(h), pol);

    energy_gradient r;
    r.energy = detail::inner_real(psi.data(), lambda.data(), n, pol);
    r.gradient.assign(theta.size(), 0.0);
    r.evaluations = 1;

    // Position (in `gates`) of the first parametric gate: nothing before it needs un-applying.
    std::size_t first_param = gates.size();
    for (std::size_t k = 0, gi = 0; k < ops.size(); ++k) {
        if (ops[k].type != OpType::gate) continue;
        if (ops[k].is_parametric()) {
            first_param = gi;
            break;
        }
        ++gi;
    }

    std::size_t gi = gates.size();
    for (std::size_t k = ops.size(); k-- > 0;) {
        const Operation& op = ops[k];
        if (op.type != OpType::gate) continue;
        --gi;
        if (op.is_parametric()) {
            const std::vector<double>& a = gates[gi].params;
            // Uncontrolled one-qubit gates: one pass for the 2x2 overlaps, shared by all angles.
            const bool one_qubit = op.controls.empty() && op.targets.size() == 1;
            detail::pair_overlap m;
            if (one_qubit) m = detail::pair_overlaps(lambda.data(), psi.data(), n, op.targets[0], pol);
            const qcoach::detail::gate_layout lay(op.targets, op.controls, op.control_values);
            for (std::size_t j = 0; j < op.params.size(); ++j) {
                const Param& p = op.params[j];
                if (p.is_constant()) continue;
                // The kernels take row-major matrices; Eigen stores column-major.
                const Eigen::Matrix<std::complex<double>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> g =
                    detail::angle_generator(op, a, j);
                const std::complex<double> v =
                    one_qubit ? m.contract(g.data()) : detail::matrix_element(lambda.data(), psi.data(), n, lay, g.data(), pol);
                r.gradient[p.index()] += 2.0 * p.scale() * v.real();
            }
        }
        if (gi <= first_param) break;
        Gate inv = gates[gi];
        detail::make_adjoint(inv);
        apply(psi, inv, pol);
        apply(lambda, inv, pol);
    }
    return r;
}

/// @brief Energy and gradient by parameter-shift rules (see the file comment and
/// detail/gradient_rules.hpp for the rule each gate kind uses).
///
/// Throws as adjoint_gradient() does.
template <precision Real = double>
energy_gradient parameter_shift_gradient(const Circuit& c, const PauliSum& h, std::span<const double> theta,
                                         const exec_policy& pol = default_policy()) {
    detail::check_circuit(c, h, theta, true, "parameter_shift_gradient");
    const qubit_t n = c.num_qubits();
    const auto& ops = c.operations();
    std::vector<Gate> gates = detail::bind_all(c, theta);

    energy_gradient r;
    r.gradient.assign(theta.size(), 0.0);
    StateVector<Real> prefix(n); // state in front of gate gi
    StateVector<Real> work(n);
    const std::size_t bytes = prefix.size() * sizeof(std::complex<Real>);
    std::size_t gi = 0;
    for (std::size_t k = 0; k < ops.size(); ++k) {
        const Operation& op = ops[k];
        if (op.type != OpType::gate) continue;
        if (op.is_parametric()) {
            for (std::size_t j = 0; j < op.params.size(); ++j) {
                const Param& p = op.params[j];
                if (p.is_constant()) continue;
                double d = 0.0;
                for (const detail::shift_term& s : detail::shift_rule(op, j)) {
                    std::vector<double> a = gates[gi].params;
                    a[j] += s.shift;
                    std::memcpy(static_cast<void*>(work.data()), prefix.data(), bytes);
                    apply(work, detail::gate_with_angles(op, a), pol);
                    for (std::size_t m = gi + 1; m < gates.size(); ++m) apply(work, gates[m], pol);
                    d += s.coefficient * expectation(work, h, pol);
                    ++r.evaluations;
                }
                r.gradient[p.index()] += p.scale() * d;
            }
        }
        apply(prefix, gates[gi], pol);
        ++gi;
    }
    r.energy = expectation(prefix, h, pol);
    ++r.evaluations;
    return r;
}

/// @brief Energy and gradient by the chosen method.
template <precision Real = double>
energy_gradient gradient(const Circuit& c, const PauliSum& h, std::span<const double> theta, gradient_method method,
                         const exec_policy& pol = default_policy()) {
    return method == gradient_method::adjoint ? adjoint_gradient<Real>(c, h, theta, pol)
                                              : parameter_shift_gradient<Real>(c, h, theta, pol);
}

} // namespace qcoach::variational
