#pragma once
/// @file
/// @brief The built-in `qelib1.inc`: every gate of the standard library and of the common
/// extensions, as a function that appends the equivalent qcoach operations.
///
/// ## Semantics and phases
/// A qelib1 gate means the unitary of its definition written out in `U` and `CX`, where
/// OpenQASM 2's U(θ,φ,λ) = Rz(φ)Ry(θ)Rz(λ) = e^{-i(φ+λ)/2} u3(θ,φ,λ). The factor of each U is a
/// global phase of the whole program (OpenQASM 2 cannot control a defined gate), so it cannot be
/// observed and qcoach::Circuit, which has no global phase, drops it. Every *relative* phase is
/// kept exactly. Checked numerically in tests/circuit/test_qasm_qelib1.cpp:
///
/// | qelib1 gate | equals (up to the unobservable global phase) | imported as |
/// |---|---|---|
/// | U, u3, u | u3 | u3 |
/// | u2 | u2 | u2 |
/// | u1, p | P(λ) = diag(1, e^{iλ}) | p |
/// | rz | Rz(φ) (exactly, phase included: u1 = U(0,0,λ) = Rz(λ)) | rz |
/// | id, u0 | identity | id |
/// | x y z h s sdg t tdg sx sxdg rx ry | the named matrix | same kind |
/// | CX cx cy cz ch swap ccx cswap | the named gate | same kind |
/// | crx cry crz | controlled RX/RY/RZ (no extra phase) | same kind |
/// | cu1, cp | controlled P | cp |
/// | **cu3(θ,φ,λ)** (paper version) | controlled-U(θ,φ,λ) *with U's phase*: the control-1 block is e^{-i(φ+λ)/2} u3 | cu3 **plus p(-(φ+λ)/2) on the control** |
/// | cu3 with qasm_options::qiskit_cu3 | Qiskit's qelib1.inc adds u1((λ+φ)/2) on the control: controlled-u3 | cu3 |
/// | cu(θ,φ,λ,γ) | controlled e^{iγ} u3(θ,φ,λ) | cu3 plus p(γ) on the control |
/// | csx | controlled SX | sx with one control |
/// | rxx rzz (ryy, iswap) | exp(-iθ/2 P⊗P) (iSWAP) | same kind |
/// | c3x, c4x | X with 3 / 4 controls | x with 3 / 4 controls |
/// | c3sqrtx | SX with 3 controls | sx with 3 controls |
/// | rccx, rc3x | relative-phase Toffolis (not equal to ccx / c3x) | their definitions: h, t, tdg, cx |
///
/// A zero phase correction (φ + λ = 0 for cu3, γ = 0 for cu) adds no operation, so that
/// exporting a cu3 operation as `cu(θ,φ,λ,0)` and importing it again gives the same operation.
///
/// The gate set: the paper's qelib1.inc (arXiv:1707.03429: u3 u2 u1 cx id x y z h s sdg t tdg
/// rx ry rz cz cy ch ccx crz cu1 cu3), plus the gates Qiskit's qelib1.inc adds (u0 u p sx sxdg
/// swap cswap crx cry cp csx cu rxx rzz rccx rc3x c3x c3sqrtx c4x) and ryy and iswap, which
/// other tools assume. The additions are "extensions": a program may define a gate of the same
/// name, which then replaces the built-in one (tools that only know the paper's file write such
/// definitions). sqrt_swap is not defined by the include but recognized when a program defines
/// it (to_qasm writes its definition).

#include <cstdint>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/circuit/operation.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::detail::qasm {

/// Appends operations for gate expansions, counting them against a limit.
class emitter {
public:
    emitter(std::vector<Operation>& out, std::size_t max_operations) : out_(out), max_(max_operations) {}

    void set_condition(std::optional<Condition> c) { cond_ = std::move(c); }
    const std::optional<Condition>& condition() const noexcept { return cond_; }
    std::size_t count() const noexcept { return out_.size(); }
    std::size_t limit() const noexcept { return max_; }

    void gate(GateKind kind, std::vector<qubit_t> targets, std::vector<qubit_t> controls = {}, std::vector<double> angles = {}) {
        Operation op;
        op.kind = kind;
        op.targets = std::move(targets);
        op.control_values.assign(controls.size(), 1);
        op.controls = std::move(controls);
        for (double a : angles) op.params.emplace_back(a); // Param throws value_error for inf / nan
        push(std::move(op));
    }

    void push(Operation op) {
        if (out_.size() >= max_) {
            throw value_error("the program expands to more than " + std::to_string(max_) +
                              " operations (qasm_options::max_operations)");
        }
        if (cond_ && op.type != OpType::barrier) op.condition = cond_;
        out_.push_back(std::move(op));
    }

private:
    std::vector<Operation>& out_;
    std::size_t max_;
    std::optional<Condition> cond_;
};

enum class lib_tier : std::uint8_t {
    spec,      ///< in the paper's qelib1.inc; defined by the include, never redefined
    extension, ///< defined by the include; a program's own definition replaces it
    recognized ///< not defined by the include; a matching definition in the program maps to it
};

using emit_fn = void (*)(emitter&, const double* p, const qubit_t* q, bool qiskit_cu3);

struct lib_gate {
    std::string_view name;
    std::uint8_t num_params;
    std::uint8_t num_qubits;
    lib_tier tier;
    std::uint8_t max_ops; ///< most operations one application appends
    emit_fn emit;
};

namespace lib {

using K = GateKind;
inline constexpr double pi = std::numbers::pi;

inline void one(emitter& e, K k, qubit_t q) { e.gate(k, {q}); }
inline void cx(emitter& e, qubit_t c, qubit_t t) { e.gate(K::cx, {t}, {c}); }

// rccx and rc3x are "relative-phase" Toffolis: cheaper than ccx / c3x and equal to them only up
// to a diagonal, so they are imported as the circuits that define them (u2(0,pi) = h and
// u1(±pi/4) = t / tdg exactly).
inline void rccx(emitter& e, const qubit_t* q) {
    const qubit_t a = q[0], b = q[1], c = q[2];
    one(e, K::h, c), one(e, K::t, c), cx(e, b, c), one(e, K::tdg, c), cx(e, a, c);
    one(e, K::t, c), cx(e, b, c), one(e, K::tdg, c), one(e, K::h, c);
}

inline void rc3x(emitter& e, const qubit_t* q) {
    const qubit_t a = q[0], b = q[1], c = q[2], d = q[3];
    one(e, K::h, d), one(e, K::t, d), cx(e, c, d), one(e, K::tdg, d), one(e, K::h, d);
    cx(e, a, d), one(e, K::t, d), cx(e, b, d), one(e, K::tdg, d), cx(e, a, d), one(e, K::t, d), cx(e, b, d), one(e, K::tdg, d);
    one(e, K::h, d), one(e, K::t, d), cx(e, c, d), one(e, K::tdg, d), one(e, K::h, d);
}

/// cu3 of the paper: controlled-U with U's own phase e^{-i(φ+λ)/2} on the control-1 block.
inline void cu3(emitter& e, const double* p, const qubit_t* q, bool qiskit) {
    e.gate(K::cu3, {q[1]}, {q[0]}, {p[0], p[1], p[2]});
    if (!qiskit && p[1] + p[2] != 0.0) e.gate(K::p, {q[0]}, {}, {-(p[1] + p[2]) / 2});
}

/// Qiskit's cu: controlled e^{iγ} u3(θ,φ,λ).
inline void cu(emitter& e, const double* p, const qubit_t* q) {
    e.gate(K::cu3, {q[1]}, {q[0]}, {p[0], p[1], p[2]});
    if (p[3] != 0.0) e.gate(K::p, {q[0]}, {}, {p[3]});
}

// clang-format off
inline constexpr lib_gate table[] = {
    // ---- the paper's qelib1.inc
    {"u3", 3, 1, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::u3, {q[0]}, {}, {p[0], p[1], p[2]}); }},
    {"u2", 2, 1, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::u2, {q[0]}, {}, {p[0], p[1]}); }},
    {"u1", 1, 1, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::p, {q[0]}, {}, {p[0]}); }},
    {"cx", 0, 2, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { cx(e, q[0], q[1]); }},
    {"id", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::i, q[0]); }},
    {"x", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::x, q[0]); }},
    {"y", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::y, q[0]); }},
    {"z", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::z, q[0]); }},
    {"h", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::h, q[0]); }},
    {"s", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::s, q[0]); }},
    {"sdg", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::sdg, q[0]); }},
    {"t", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::t, q[0]); }},
    {"tdg", 0, 1, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::tdg, q[0]); }},
    {"rx", 1, 1, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::rx, {q[0]}, {}, {p[0]}); }},
    {"ry", 1, 1, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::ry, {q[0]}, {}, {p[0]}); }},
    {"rz", 1, 1, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::rz, {q[0]}, {}, {p[0]}); }},
    {"cz", 0, 2, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::cz, {q[1]}, {q[0]}); }},
    {"cy", 0, 2, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::cy, {q[1]}, {q[0]}); }},
    {"ch", 0, 2, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::ch, {q[1]}, {q[0]}); }},
    {"ccx", 0, 3, lib_tier::spec, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::ccx, {q[2]}, {q[0], q[1]}); }},
    {"crz", 1, 2, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::crz, {q[1]}, {q[0]}, {p[0]}); }},
    {"cu1", 1, 2, lib_tier::spec, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::cp, {q[1]}, {q[0]}, {p[0]}); }},
    {"cu3", 3, 2, lib_tier::spec, 2, [](emitter& e, const double* p, const qubit_t* q, bool qk) { cu3(e, p, q, qk); }},
    // ---- Qiskit's additions
    {"u0", 1, 1, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::i, q[0]); }},
    {"u", 3, 1, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::u3, {q[0]}, {}, {p[0], p[1], p[2]}); }},
    {"p", 1, 1, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::p, {q[0]}, {}, {p[0]}); }},
    {"sx", 0, 1, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::sx, q[0]); }},
    {"sxdg", 0, 1, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { one(e, K::sxdg, q[0]); }},
    {"swap", 0, 2, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::swap, {q[0], q[1]}); }},
    {"cswap", 0, 3, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::cswap, {q[1], q[2]}, {q[0]}); }},
    {"crx", 1, 2, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::crx, {q[1]}, {q[0]}, {p[0]}); }},
    {"cry", 1, 2, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::cry, {q[1]}, {q[0]}, {p[0]}); }},
    {"cp", 1, 2, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::cp, {q[1]}, {q[0]}, {p[0]}); }},
    {"csx", 0, 2, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::sx, {q[1]}, {q[0]}); }},
    {"cu", 4, 2, lib_tier::extension, 2, [](emitter& e, const double* p, const qubit_t* q, bool) { cu(e, p, q); }},
    {"rxx", 1, 2, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::rxx, {q[0], q[1]}, {}, {p[0]}); }},
    {"rzz", 1, 2, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::rzz, {q[0], q[1]}, {}, {p[0]}); }},
    {"rccx", 0, 3, lib_tier::extension, 9, [](emitter& e, const double*, const qubit_t* q, bool) { rccx(e, q); }},
    {"rc3x", 0, 4, lib_tier::extension, 18, [](emitter& e, const double*, const qubit_t* q, bool) { rc3x(e, q); }},
    {"c3x", 0, 4, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::x, {q[3]}, {q[0], q[1], q[2]}); }},
    {"c3sqrtx", 0, 4, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::sx, {q[3]}, {q[0], q[1], q[2]}); }},
    {"c4x", 0, 5, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::x, {q[4]}, {q[0], q[1], q[2], q[3]}); }},
    // ---- other tools' names
    {"ryy", 1, 2, lib_tier::extension, 1, [](emitter& e, const double* p, const qubit_t* q, bool) { e.gate(K::ryy, {q[0], q[1]}, {}, {p[0]}); }},
    {"iswap", 0, 2, lib_tier::extension, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::iswap, {q[0], q[1]}); }},
    {"sqrt_swap", 0, 2, lib_tier::recognized, 1, [](emitter& e, const double*, const qubit_t* q, bool) { e.gate(K::sqrt_swap, {q[0], q[1]}); }},
};
// clang-format on

} // namespace lib

/// The library entry called `name`, or nullptr.
inline const lib_gate* find_lib_gate(std::string_view name) noexcept {
    for (const lib_gate& g : lib::table)
        if (g.name == name) return &g;
    return nullptr;
}

} // namespace qcoach::detail::qasm
