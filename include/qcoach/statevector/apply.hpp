#pragma once
/// @file
/// @brief Applying gates to a state: the user-facing entry points. Checks happen here, once,
/// before any amplitude changes; the kernels behind them do no checking.

#include <complex>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/statevector/detail/dense_apply.hpp"
#include "qcoach/statevector/detail/kernel_diagonal.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach {

namespace detail {

inline void check_gate_shape(const Gate& g) {
    if (g.targets.empty()) throw value_error("gate " + g.name() + " has no target qubit");
    if (g.control_values.size() != g.controls.size()) {
        throw value_error("gate " + g.name() + ": " + std::to_string(g.controls.size()) + " controls but " +
                          std::to_string(g.control_values.size()) + " control values");
    }
    check_distinct(g.targets, g.controls);
    const std::size_t k = g.targets.size();
    if (g.is_diagonal()) {
        if (k > max_diagonal_qubits || g.diag.size() != (Eigen::Index{1} << k)) {
            throw value_error("gate " + g.name() + ": diagonal on " + std::to_string(k) + " qubit(s) needs " +
                              std::to_string(Eigen::Index{1} << std::min<std::size_t>(k, 62)) + " entries, got " +
                              std::to_string(g.diag.size()));
        }
    } else {
        if (k > max_dense_qubits) {
            throw value_error("gate " + g.name() + " acts on " + std::to_string(k) + " target qubits; dense gates support at most " +
                              std::to_string(max_dense_qubits));
        }
        check_square_power_of_two(g.mat, k, "gate " + g.name());
    }
}

} // namespace detail

/// @brief Apply a gate to a state in place. Throws index_error for a qubit outside the state or
/// used twice, value_error for a malformed gate; the state is untouched when it throws.
template <precision Real>
void apply(StateVector<Real>& psi, const Gate& g, const exec_policy& pol = default_policy()) {
    detail::check_gate_shape(g);
    check_gate_qubits(g, psi.num_qubits());
    const detail::gate_layout lay(g.targets, g.controls, g.control_values);
    if (g.is_diagonal()) {
        detail::diagonal_apply(psi.data(), psi.num_qubits(), lay, g.diag.data(), pol);
    } else {
        // Eigen stores column-major; the kernels take row-major.
        const Eigen::Index d = g.mat.rows();
        small_vector<std::complex<double>, 64> rm(static_cast<std::size_t>(d * d));
        for (Eigen::Index r = 0; r < d; ++r)
            for (Eigen::Index c = 0; c < d; ++c) rm[static_cast<std::size_t>(r * d + c)] = g.mat(r, c);
        detail::dense_apply(psi.data(), psi.num_qubits(), lay, rm.data(), pol);
    }
}

/// @brief Apply gates in order.
template <precision Real>
void apply(StateVector<Real>& psi, std::span<const Gate> gates, const exec_policy& pol = default_policy()) {
    for (const Gate& g : gates) apply(psi, g, pol);
}

template <precision Real>
void apply(StateVector<Real>& psi, const std::vector<Gate>& gates, const exec_policy& pol = default_policy()) {
    apply(psi, std::span<const Gate>(gates), pol);
}

/// @brief Full-state diagonal phase: psi[z] <- exp(-i theta E[z]) psi[z] (the QAOA cost layer).
/// `energies` has one real value per amplitude (2^n entries). Energies in the state's own
/// precision take the SIMD path; double energies on a float state take the scalar path.
template <precision Real, class E>
    requires std::is_same_v<E, float> || std::is_same_v<E, double>
void apply_phase(StateVector<Real>& psi, std::span<const E> energies, double theta, const exec_policy& pol = default_policy()) {
    if (energies.size() != psi.size()) {
        throw value_error("phase diagonal has " + std::to_string(energies.size()) + " entries; a state of " +
                          std::to_string(psi.num_qubits()) + " qubits needs " + std::to_string(psi.size()));
    }
    if (!std::isfinite(theta)) throw value_error("phase angle theta is not finite");
    detail::phase_apply(psi.data(), psi.num_qubits(), energies.data(), theta, pol);
}

template <precision Real, class E, class Alloc>
void apply_phase(StateVector<Real>& psi, const std::vector<E, Alloc>& energies, double theta,
                 const exec_policy& pol = default_policy()) {
    apply_phase(psi, std::span<const E>(energies.data(), energies.size()), theta, pol);
}

} // namespace qcoach
