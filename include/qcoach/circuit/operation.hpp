#pragma once
/// @file
/// @brief One step of a circuit: a gate with (possibly symbolic) angles, a measurement, a reset
/// or a barrier, optionally conditioned on classical bits.
///
/// A gate operation is a kind (GateKind), its targets, its controls with their values, its
/// angles (Param) and, for user matrices, the matrix. Named controlled kinds (cx, crx, ccx,
/// cswap, ...) keep their built-in controls in `controls`; controls added to any other kind make
/// the multi-controlled version of that gate. Binding the angles gives a statevector Gate.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/circuit/param.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"

namespace qcoach {

enum class OpType : std::uint8_t { gate, measure, reset, barrier };

/// A classical condition: the bits [first, first + count) of the classical register, read as a
/// little-endian integer, must equal `value` (OpenQASM 2 `if (creg == value)`).
struct Condition {
    std::size_t first = 0;
    std::size_t count = 0;
    std::uint64_t value = 0;
    std::string name; ///< register name, for printing
    friend bool operator==(const Condition&, const Condition&) = default;
};

struct Operation {
    OpType type = OpType::gate;
    GateKind kind = GateKind::i;
    std::vector<qubit_t> targets;              ///< gate targets; the measured/reset qubit; barrier qubits
    std::vector<qubit_t> controls;
    std::vector<std::uint8_t> control_values;  ///< one per control, 0 or 1
    std::vector<Param> params;
    Eigen::MatrixXcd matrix;                   ///< user dense matrix (unitary, matrix kinds)
    Eigen::VectorXcd diag;                     ///< user diagonal (diagonal kind)
    std::size_t clbit = 0;                     ///< classical bit written by a measurement
    std::optional<Condition> condition;

    /// Controls first, then targets.
    std::vector<qubit_t> qubits() const {
        std::vector<qubit_t> q(controls);
        q.insert(q.end(), targets.begin(), targets.end());
        return q;
    }
    bool is_gate() const noexcept { return type == OpType::gate; }
    bool is_parametric() const noexcept {
        for (const Param& p : params)
            if (!p.is_constant()) return true;
        return false;
    }
    /// Name as printed: the gate kind, or measure / reset / barrier.
    std::string name() const {
        switch (type) {
        case OpType::measure: return "measure";
        case OpType::reset: return "reset";
        case OpType::barrier: return "barrier";
        case OpType::gate: break;
        }
        return gate_kind_name(kind);
    }
};

namespace detail {

/// Number of angles each gate kind takes.
inline std::size_t param_count(GateKind k) noexcept {
    switch (k) {
    case GateKind::rx: case GateKind::ry: case GateKind::rz: case GateKind::p:
    case GateKind::crx: case GateKind::cry: case GateKind::crz: case GateKind::cp:
    case GateKind::rxx: case GateKind::ryy: case GateKind::rzz: return 1;
    case GateKind::u2: return 2;
    case GateKind::u3: case GateKind::cu3: return 3;
    default: return 0;
    }
}

/// Targets and built-in controls of each named kind (user-matrix kinds: -1, any).
struct kind_shape {
    int targets;
    int controls;
};
inline kind_shape shape_of(GateKind k) noexcept {
    switch (k) {
    case GateKind::cx: case GateKind::cy: case GateKind::cz: case GateKind::ch:
    case GateKind::crx: case GateKind::cry: case GateKind::crz: case GateKind::cp: case GateKind::cu3: return {1, 1};
    case GateKind::swap: case GateKind::iswap: case GateKind::sqrt_swap:
    case GateKind::rxx: case GateKind::ryy: case GateKind::rzz: return {2, 0};
    case GateKind::ccx: return {1, 2};
    case GateKind::cswap: return {2, 1};
    case GateKind::controlled: case GateKind::unitary: case GateKind::diagonal: case GateKind::matrix: return {-1, -1};
    default: return {1, 0};
    }
}

/// The uncontrolled gate of a kind on `t` with bound angles `a`.
inline Gate base_gate(const Operation& op, const std::vector<double>& a) {
    const auto& t = op.targets;
    switch (op.kind) {
    case GateKind::i: return gates::i(t[0]);
    case GateKind::x: case GateKind::cx: case GateKind::ccx: return gates::x(t[0]);
    case GateKind::y: case GateKind::cy: return gates::y(t[0]);
    case GateKind::z: case GateKind::cz: return gates::z(t[0]);
    case GateKind::h: case GateKind::ch: return gates::h(t[0]);
    case GateKind::s: return gates::s(t[0]);
    case GateKind::sdg: return gates::sdg(t[0]);
    case GateKind::t: return gates::t(t[0]);
    case GateKind::tdg: return gates::tdg(t[0]);
    case GateKind::sx: return gates::sx(t[0]);
    case GateKind::sxdg: return gates::sxdg(t[0]);
    case GateKind::rx: case GateKind::crx: return gates::rx(t[0], a[0]);
    case GateKind::ry: case GateKind::cry: return gates::ry(t[0], a[0]);
    case GateKind::rz: case GateKind::crz: return gates::rz(t[0], a[0]);
    case GateKind::p: case GateKind::cp: return gates::p(t[0], a[0]);
    case GateKind::u2: return gates::u2(t[0], a[0], a[1]);
    case GateKind::u3: case GateKind::cu3: return gates::u3(t[0], a[0], a[1], a[2]);
    case GateKind::swap: case GateKind::cswap: return gates::swap(t[0], t[1]);
    case GateKind::iswap: return gates::iswap(t[0], t[1]);
    case GateKind::sqrt_swap: return gates::sqrt_swap(t[0], t[1]);
    case GateKind::rxx: return gates::rxx(t[0], t[1], a[0]);
    case GateKind::ryy: return gates::ryy(t[0], t[1], a[0]);
    case GateKind::rzz: return gates::rzz(t[0], t[1], a[0]);
    case GateKind::unitary: case GateKind::controlled: {
        Gate g;
        g.kind = GateKind::unitary;
        g.targets = t;
        g.mat = op.matrix;
        return g;
    }
    case GateKind::matrix: return gates::matrix(t, op.matrix);
    case GateKind::diagonal: {
        Gate g;
        g.kind = GateKind::diagonal;
        g.targets = t;
        g.diag = op.diag;
        return g;
    }
    }
    throw value_error("unknown gate kind");
}

} // namespace detail

/// @brief The statevector Gate of a gate operation with its angles bound to `theta`.
inline Gate bind_gate(const Operation& op, std::span<const double> theta) {
    if (!op.is_gate()) throw value_error("operation " + op.name() + " is not a gate");
    std::vector<double> a(op.params.size());
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = op.params[i].value(theta);
    Gate g = detail::base_gate(op, a);
    if (!op.controls.empty()) {
        g.controls = op.controls;
        g.control_values = op.control_values;
    }
    g.kind = op.kind;
    g.params = std::move(a);
    return g;
}

/// @brief The adjoint of a gate operation (same qubits, angles negated or matrix inverted).
inline Operation inverse_of(const Operation& op) {
    if (!op.is_gate()) throw value_error("operation " + op.name() + " is not unitary and has no inverse");
    Operation r = op;
    auto negate_all = [&] {
        for (Param& p : r.params) p = -p;
    };
    switch (op.kind) {
    case GateKind::s: r.kind = GateKind::sdg; break;
    case GateKind::sdg: r.kind = GateKind::s; break;
    case GateKind::t: r.kind = GateKind::tdg; break;
    case GateKind::tdg: r.kind = GateKind::t; break;
    case GateKind::sx: r.kind = GateKind::sxdg; break;
    case GateKind::sxdg: r.kind = GateKind::sx; break;
    case GateKind::rx: case GateKind::ry: case GateKind::rz: case GateKind::p:
    case GateKind::crx: case GateKind::cry: case GateKind::crz: case GateKind::cp:
    case GateKind::rxx: case GateKind::ryy: case GateKind::rzz: negate_all(); break;
    case GateKind::u2: // U2(phi, lambda)^-1 = U3(-pi/2, -lambda, -phi)
        r.kind = GateKind::u3;
        r.params = {Param(-std::numbers::pi / 2), -op.params[1], -op.params[0]};
        break;
    case GateKind::u3: case GateKind::cu3: // U3(theta, phi, lambda)^-1 = U3(-theta, -lambda, -phi)
        r.params = {-op.params[0], -op.params[2], -op.params[1]};
        break;
    case GateKind::iswap: case GateKind::sqrt_swap: {
        r.matrix = detail::base_gate(op, {}).matrix().adjoint();
        r.kind = GateKind::unitary;
        break;
    }
    case GateKind::unitary: case GateKind::matrix: case GateKind::controlled: r.matrix = op.matrix.adjoint(); break;
    case GateKind::diagonal: r.diag = op.diag.conjugate(); break;
    default: break; // i, x, y, z, h, cx, cy, cz, ch, swap, ccx, cswap are their own inverses
    }
    return r;
}

} // namespace qcoach
