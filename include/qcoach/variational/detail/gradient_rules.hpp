#pragma once
/// @file
/// @brief Derivative rules of the parametric gate kinds and the checks every gradient routine
/// runs before touching a state.
///
/// ## Generators (adjoint method)
/// For a gate M(a) on its targets and one of its angles a_j, the adjoint method needs
/// G_j = (dM/da_j) M^dagger, so that dM/da_j = G_j M: the derivative of the circuit state is
/// "the same state with G_j inserted right after the gate". With controls the gate is
/// P_C ⊗ M + (1 - P_C) ⊗ I, whose derivative is P_C ⊗ dM/da_j; the kernel applies P_C.
///
/// | kind | angle | G_j |
/// |---|---|---|
/// | rx, ry, rz (and crx, cry, crz) | theta | -i/2 X, -i/2 Y, -i/2 Z |
/// | rxx, ryy, rzz | theta | -i/2 X⊗X, -i/2 Y⊗Y, -i/2 Z⊗Z |
/// | p (and cp) | lambda | diag(0, i) |
/// | u3 (and cu3), u2 = u3(pi/2, ., .) | each | dM/da_j · M^dagger, from the closed forms below |
///
/// U3(t, f, l) = [[c, -e^{il} s], [e^{if} s, e^{i(f+l)} c]], c = cos(t/2), s = sin(t/2), so
///     dU3/dt = 1/2 [[-s, -e^{il} c], [e^{if} c, -e^{i(f+l)} s]]
///     dU3/df = [[0, 0], [i e^{if} s, i e^{i(f+l)} c]]
///     dU3/dl = [[0, -i e^{il} s], [0, i e^{i(f+l)} c]].
///
/// ## Shift rules (parameter-shift method)
/// Along one angle the gate is exp(-i a G) W with G Hermitian. When G has two eigenvalues that
/// differ by 1 ({±1/2} for every uncontrolled rotation, {0, 1} for the phase angles) the energy
/// is a + b cos a + c sin a and
///     dE/da = [E(a + pi/2) - E(a - pi/2)] / 2
/// (Mitarai et al., PRA 98, 032309 (2018); Schuld et al., PRA 99, 032331 (2019)).
/// U3 = P(f) RY(t) P(l): t is a rotation angle, f and l phase angles. A control turns the
/// spectrum {±1/2} into {0, ±1/2} (frequencies 1/2 and 1); then the four-term rule of
/// Anselmetti, Wierichs, Gogolin & Parrish (New J. Phys. 23, 113010 (2021), Eq. (7)) holds:
///     dE/da = d+ [E(a + pi/2) - E(a - pi/2)] - d- [E(a + 3pi/2) - E(a - 3pi/2)],
///     d± = (sqrt 2 ± 1) / (4 sqrt 2).
/// Phase angles keep the spectrum {0, 1} under any number of controls (two-term rule).

#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/circuit/ir.hpp"
#include "qcoach/circuit/operation.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"
#include "qcoach/statevector/pauli.hpp"

namespace qcoach::variational::detail {

/// "operation 5 (crx on q[0], q[3])": how error messages name an operation.
inline std::string describe_op(const Operation& op, std::size_t position) {
    std::string s = "operation " + std::to_string(position) + " (" + op.name();
    const std::vector<qubit_t> qs = op.qubits();
    for (std::size_t i = 0; i < qs.size(); ++i) s += (i ? ", q[" : " on q[") + std::to_string(qs[i]) + "]";
    return s + ")";
}

/// The statevector gate of `op` with explicit angles (bind_gate with angles instead of theta).
inline Gate gate_with_angles(const Operation& op, const std::vector<double>& angles) {
    Gate g = qcoach::detail::base_gate(op, angles);
    if (!op.controls.empty()) {
        g.controls = op.controls;
        g.control_values = op.control_values;
    }
    g.kind = op.kind;
    g.params = angles;
    return g;
}

/// The bound angles of `op` for theta.
inline std::vector<double> bound_angles(const Operation& op, std::span<const double> theta) {
    std::vector<double> a(op.params.size());
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = op.params[i].value(theta);
    return a;
}

/// Turn a bound gate into its adjoint in place (gates in a checked circuit are unitary).
inline void make_adjoint(Gate& g) {
    if (g.is_diagonal()) g.diag = g.diag.conjugate().eval();
    else g.mat = g.mat.adjoint().eval();
}

/// True for the kinds whose angles have a derivative rule here.
inline bool has_angle_rule(GateKind k) noexcept {
    switch (k) {
    case GateKind::rx: case GateKind::ry: case GateKind::rz: case GateKind::p:
    case GateKind::crx: case GateKind::cry: case GateKind::crz: case GateKind::cp:
    case GateKind::rxx: case GateKind::ryy: case GateKind::rzz:
    case GateKind::u2: case GateKind::u3: case GateKind::cu3: return true;
    default: return false;
    }
}

inline Eigen::MatrixXcd u3_derivative(double t, double f, double l, std::size_t which) {
    using cd = std::complex<double>;
    const double c = std::cos(t / 2), s = std::sin(t / 2);
    const cd el = std::polar(1.0, l), ef = std::polar(1.0, f), efl = std::polar(1.0, f + l);
    const cd i(0.0, 1.0);
    Eigen::Matrix2cd d;
    if (which == 0) d << -s / 2, -el * (c / 2), ef * (c / 2), -efl * (s / 2);
    else if (which == 1) d << 0.0, 0.0, i * ef * s, i * efl * c;
    else d << 0.0, -i * el * s, 0.0, i * efl * c;
    return d;
}

/// G_j = (dM/da_j) M^dagger on the targets of `op`, for bound angles `a` (table in the file
/// comment). Call only for kinds with has_angle_rule().
inline Eigen::MatrixXcd angle_generator(const Operation& op, const std::vector<double>& a, std::size_t j) {
    using cd = std::complex<double>;
    const cd mi(0.0, -0.5);
    switch (op.kind) {
    case GateKind::rx: case GateKind::crx: return mi * gates::mat::x();
    case GateKind::ry: case GateKind::cry: return mi * gates::mat::y();
    case GateKind::rz: case GateKind::crz: return mi * gates::mat::z();
    case GateKind::p: case GateKind::cp: {
        Eigen::Matrix2cd g = Eigen::Matrix2cd::Zero();
        g(1, 1) = cd(0.0, 1.0);
        return g;
    }
    case GateKind::rxx: return mi * gates::mat::kron_ab(gates::mat::x(), gates::mat::x());
    case GateKind::ryy: return mi * gates::mat::kron_ab(gates::mat::y(), gates::mat::y());
    case GateKind::rzz: return mi * gates::mat::kron_ab(gates::mat::z(), gates::mat::z());
    case GateKind::u2: {
        // U2(f, l) = U3(pi/2, f, l): angle 0 is f, angle 1 is l.
        const double t = std::numbers::pi / 2;
        return u3_derivative(t, a[0], a[1], j + 1) * gates::mat::u3(t, a[0], a[1]).adjoint();
    }
    case GateKind::u3: case GateKind::cu3:
        return u3_derivative(a[0], a[1], a[2], j) * gates::mat::u3(a[0], a[1], a[2]).adjoint();
    default: break;
    }
    throw value_error(std::string("no derivative rule for gate kind ") + gate_kind_name(op.kind));
}

/// One term of a shift rule: dE/da = sum coefficient · E(a + shift).
struct shift_term {
    double shift;
    double coefficient;
};

/// The shift rule of angle j of `op` (see the file comment).
inline std::vector<shift_term> shift_rule(const Operation& op, std::size_t j) {
    constexpr double h = std::numbers::pi / 2;
    const std::vector<shift_term> two{{h, 0.5}, {-h, -0.5}};
    bool phase_angle = false;
    switch (op.kind) {
    case GateKind::p: case GateKind::cp: phase_angle = true; break;
    case GateKind::u2: phase_angle = true; break;
    case GateKind::u3: case GateKind::cu3: phase_angle = j != 0; break;
    default: break;
    }
    if (phase_angle || op.controls.empty()) return two;
    const double r2 = std::numbers::sqrt2;
    const double dp = (r2 + 1) / (4 * r2), dm = (r2 - 1) / (4 * r2);
    return {{h, dp}, {-h, -dp}, {3 * h, -dm}, {-3 * h, dm}};
}

/// Checks shared by energy and gradient routines, all done before any state is allocated:
/// the Hamiltonian fits the circuit, theta is long enough and finite, every operation is a
/// unitary gate (or a barrier), user matrices are unitary, and (when `need_rules`) every
/// symbolic angle belongs to a kind with a derivative rule. Messages start with `who`.
inline void check_circuit(const Circuit& c, const PauliSum& h, std::span<const double> theta, bool need_rules, const std::string& who) {
    if (h.min_qubits() > c.num_qubits()) {
        throw index_error(who + ": the Hamiltonian acts on qubit " + std::to_string(h.min_qubits() - 1) + " but the circuit has " +
                          std::to_string(c.num_qubits()) + " qubits");
    }
    if (theta.size() < c.num_params()) {
        throw index_error(who + ": the circuit uses " + std::to_string(c.num_params()) + " parameters but " +
                          std::to_string(theta.size()) + " were given");
    }
    for (std::size_t i = 0; i < theta.size(); ++i)
        if (!std::isfinite(theta[i])) throw value_error(who + ": parameter theta[" + std::to_string(i) + "] is not finite");
    const auto& ops = c.operations();
    for (std::size_t k = 0; k < ops.size(); ++k) {
        const Operation& op = ops[k];
        if (op.type == OpType::barrier) continue;
        if (op.type != OpType::gate || op.condition) {
            throw value_error(who + ": " + describe_op(op, k) + (op.condition ? " is conditioned on classical bits" : " is not unitary") +
                              "; only unitary circuits have an energy gradient");
        }
        switch (op.kind) {
        case GateKind::unitary: case GateKind::controlled: case GateKind::matrix:
            qcoach::detail::check_unitary(op.matrix, who + ": " + describe_op(op, k));
            break;
        case GateKind::diagonal:
            for (Eigen::Index i = 0; i < op.diag.size(); ++i)
                if (!(std::abs(std::abs(op.diag(i)) - 1.0) <= 1e-8))
                    throw value_error(who + ": " + describe_op(op, k) + " has a diagonal entry of modulus " +
                                      std::to_string(std::abs(op.diag(i))) + "; it is not unitary");
            break;
        default: break;
        }
        if (!need_rules || !op.is_parametric() || has_angle_rule(op.kind)) continue;
        for (const Param& p : op.params) {
            if (p.is_constant()) continue;
            throw value_error(who + ": " + describe_op(op, k) + " depends on the symbolic angle " + p.to_string() + ", but " +
                              op.name() + " gates have no derivative rule (supported: rx, ry, rz, p, crx, cry, crz, cp, rxx, ryy, "
                                          "rzz, u2, u3, cu3 and their multi-controlled forms)");
        }
    }
}

} // namespace qcoach::variational::detail
