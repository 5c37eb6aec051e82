#pragma once
/// @file
/// @brief Gate descriptors: what a gate is (kind, qubits, parameters, matrix), not how it runs.
///
/// ## Matrix convention (the one place it is written down)
/// A gate acts on an ordered list of qubits. Its matrix is row-major in the computational basis
/// of those qubits with the **first-listed qubit as the least significant bit** of the row and
/// column index. For a controlled gate the list is controls first, then targets: CX(c, t) acts on
/// (c, t), so its 4x4 matrix has c as bit 0 and t as bit 1:
///
///     CX = [[1,0,0,0],[0,0,0,1],[0,0,1,0],[0,1,0,0]]
///
/// which is the same matrix Qiskit prints for cx(0, 1). `matrix()` is the matrix on the targets
/// alone (for CX: X); `full_matrix()` includes the controls.
///
/// A gate is stored as (targets, controls, control values, matrix on the targets). Diagonal gates
/// store only their diagonal, so that they take the diagonal kernel and may act on many qubits.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/error.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach {

/// Kinds of gates. Named kinds have a fixed matrix (given in gates.hpp); `unitary`, `matrix`,
/// `diagonal` and `controlled` carry a user matrix.
enum class GateKind : std::uint8_t {
    // 1 qubit
    i, x, y, z, h, s, sdg, t, tdg, sx, sxdg, rx, ry, rz, p, u2, u3,
    // 2 qubits
    cx, cy, cz, ch, swap, iswap, sqrt_swap, crx, cry, crz, cp, cu3, rxx, ryy, rzz,
    // 3 qubits
    ccx, cswap,
    // user matrices
    controlled, ///< any 1-qubit (or dense) matrix with any number of controls and control values
    unitary,    ///< dense k-qubit unitary, k <= 6
    diagonal,   ///< diagonal on k qubits
    matrix      ///< dense k-qubit matrix, not required to be unitary (internal use, observables)
};

/// Largest number of target qubits of a dense gate.
inline constexpr unsigned max_dense_qubits = 6;
/// Largest number of qubits of a diagonal gate (its diagonal has 2^k entries).
inline constexpr unsigned max_diagonal_qubits = 30;

/// @brief Lower-case name of a gate kind, as OpenQASM spells it where it has a spelling.
inline const char* gate_kind_name(GateKind k) noexcept {
    switch (k) {
    case GateKind::i: return "id";
    case GateKind::x: return "x";
    case GateKind::y: return "y";
    case GateKind::z: return "z";
    case GateKind::h: return "h";
    case GateKind::s: return "s";
    case GateKind::sdg: return "sdg";
    case GateKind::t: return "t";
    case GateKind::tdg: return "tdg";
    case GateKind::sx: return "sx";
    case GateKind::sxdg: return "sxdg";
    case GateKind::rx: return "rx";
    case GateKind::ry: return "ry";
    case GateKind::rz: return "rz";
    case GateKind::p: return "p";
    case GateKind::u2: return "u2";
    case GateKind::u3: return "u3";
    case GateKind::cx: return "cx";
    case GateKind::cy: return "cy";
    case GateKind::cz: return "cz";
    case GateKind::ch: return "ch";
    case GateKind::swap: return "swap";
    case GateKind::iswap: return "iswap";
    case GateKind::sqrt_swap: return "sqrt_swap";
    case GateKind::crx: return "crx";
    case GateKind::cry: return "cry";
    case GateKind::crz: return "crz";
    case GateKind::cp: return "cp";
    case GateKind::cu3: return "cu3";
    case GateKind::rxx: return "rxx";
    case GateKind::ryy: return "ryy";
    case GateKind::rzz: return "rzz";
    case GateKind::ccx: return "ccx";
    case GateKind::cswap: return "cswap";
    case GateKind::controlled: return "controlled";
    case GateKind::unitary: return "unitary";
    case GateKind::diagonal: return "diagonal";
    case GateKind::matrix: return "matrix";
    }
    return "?";
}

/// @brief A gate bound to qubits and parameter values.
struct Gate {
    GateKind kind = GateKind::i;
    /// Target qubits, in matrix bit order (targets[0] is the least significant bit).
    std::vector<qubit_t> targets;
    /// Control qubits; the gate acts where every control has its control value.
    std::vector<qubit_t> controls;
    /// One value (0 or 1) per control; 1 means "control on |1>".
    std::vector<std::uint8_t> control_values;
    /// Angles of parametric gates, in the order of the gate's definition.
    std::vector<double> params;
    /// Matrix on the targets (2^k x 2^k); empty for diagonal gates.
    Eigen::MatrixXcd mat;
    /// Diagonal on the targets (2^k entries); filled only for diagonal gates.
    Eigen::VectorXcd diag;

    bool is_diagonal() const noexcept { return diag.size() != 0; }
    std::size_t num_targets() const noexcept { return targets.size(); }
    std::size_t num_controls() const noexcept { return controls.size(); }

    /// Controls first, then targets: the qubit order of full_matrix().
    std::vector<qubit_t> qubits() const {
        std::vector<qubit_t> q(controls);
        q.insert(q.end(), targets.begin(), targets.end());
        return q;
    }

    std::string name() const { return gate_kind_name(kind); }

    /// @brief The matrix on the targets (dense, also for diagonal gates).
    Eigen::MatrixXcd matrix() const {
        if (is_diagonal()) return diag.asDiagonal();
        return mat;
    }

    /// @brief The matrix on qubits() (controls, then targets; first-listed = least significant).
    Eigen::MatrixXcd full_matrix() const {
        const std::size_t c = controls.size();
        const Eigen::MatrixXcd m = matrix();
        const Eigen::Index dt = m.rows();
        const Eigen::Index dim = (Eigen::Index{1} << c) * dt;
        Eigen::MatrixXcd full = Eigen::MatrixXcd::Identity(dim, dim);
        Eigen::Index ctrl_pattern = 0;
        for (std::size_t j = 0; j < c; ++j) ctrl_pattern |= static_cast<Eigen::Index>(control_values[j]) << j;
        const Eigen::Index stride = Eigen::Index{1} << c;
        for (Eigen::Index r = 0; r < dt; ++r)
            for (Eigen::Index col = 0; col < dt; ++col) full(ctrl_pattern + r * stride, ctrl_pattern + col * stride) = m(r, col);
        return full;
    }
};

namespace detail {

/// Throws value_error unless `m` is unitary within `tol` (max-norm of m^dagger m - I).
inline void check_unitary(const Eigen::MatrixXcd& m, const std::string& what, double tol = 1e-8) {
    const Eigen::Index d = m.rows();
    const double err = (m.adjoint() * m - Eigen::MatrixXcd::Identity(d, d)).cwiseAbs().maxCoeff();
    if (!(err <= tol)) {
        throw value_error(what + " is not unitary: max |U^dagger U - I| = " + std::to_string(err) + " exceeds " +
                          std::to_string(tol));
    }
}

inline void check_square_power_of_two(const Eigen::MatrixXcd& m, std::size_t k, const std::string& what) {
    const Eigen::Index d = Eigen::Index{1} << k;
    if (m.rows() != d || m.cols() != d) {
        throw value_error(what + " on " + std::to_string(k) + " qubit(s) needs a " + std::to_string(d) + "x" +
                          std::to_string(d) + " matrix, got " + std::to_string(m.rows()) + "x" + std::to_string(m.cols()));
    }
}

/// Throws index_error when a qubit appears twice among targets and controls.
inline void check_distinct(const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls) {
    std::vector<qubit_t> all(controls);
    all.insert(all.end(), targets.begin(), targets.end());
    std::vector<qubit_t> sorted(all);
    std::sort(sorted.begin(), sorted.end());
    auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    if (dup != sorted.end()) {
        throw index_error("qubit " + std::to_string(*dup) + " is used more than once in one gate");
    }
}

} // namespace detail

/// @brief Check that every qubit of the gate is below n (throws index_error naming the qubit).
inline void check_gate_qubits(const Gate& g, qubit_t n) {
    for (qubit_t q : g.targets)
        if (q >= n)
            throw index_error("gate " + g.name() + ": qubit " + std::to_string(q) + " out of range [0, " + std::to_string(n) + ")");
    for (qubit_t q : g.controls)
        if (q >= n)
            throw index_error("gate " + g.name() + ": control qubit " + std::to_string(q) + " out of range [0, " +
                              std::to_string(n) + ")");
}

} // namespace qcoach
