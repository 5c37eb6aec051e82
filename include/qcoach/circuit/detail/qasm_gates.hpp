#pragma once
/// @file
/// @brief The gates an OpenQASM 2 program can apply: U, CX, the built-in library, the program's
/// own `gate` definitions and its `opaque` declarations; and the expansion of an application
/// into qcoach operations.
///
/// Every gate a program declares gets an entry in an append-only list, and a name maps to the
/// entry in force. A definition refers to its callees by entry, so when a program later
/// replaces an extension gate (see qasm_qelib1.hpp), definitions made earlier keep calling the
/// gate they were written against.
///
/// Bounds: OpenQASM 2 gates cannot recurse (a gate is defined only after its body), but nesting
/// can make expansions grow exponentially ("gate g2 a { g1 a; g1 a; }" ...). Each entry
/// therefore records an upper bound on the operations one application appends (saturating at
/// 2^63) and the nesting depth of its definition; the parser refuses a definition nested deeper
/// than the limit and an application whose bound exceeds the operations still allowed, before
/// expanding anything. Expansion recurses once per nesting level, so the depth limit also
/// bounds the stack.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/circuit/detail/qasm_expr.hpp"
#include "qcoach/circuit/detail/qasm_qelib1.hpp"
#include "qcoach/circuit/operation.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach::detail::qasm {

/// One application inside a gate body: a gate (by entry) on some of the body's qubit
/// arguments with angle expressions, or a barrier on some of them.
struct body_op {
    bool barrier = false;
    std::size_t callee = 0;
    std::vector<std::uint32_t> args;   ///< expression ids in the definition's pool
    std::vector<std::uint32_t> qubits; ///< indices of the definition's qubit arguments
};

struct user_gate {
    std::vector<std::string> params;
    std::size_t num_qubits = 0;
    std::vector<body_op> body;
    expr_pool exprs;
};

struct gate_entry {
    enum class kind_t : std::uint8_t { U, CX, lib, user, opaque } kind = kind_t::user;
    std::string name;
    std::size_t num_params = 0;
    std::size_t num_qubits = 0;
    const lib_gate* lib = nullptr; ///< kind lib
    std::size_t def = 0;           ///< kind user: index into gate_table::defs
    std::uint64_t size = 1;        ///< most operations one application appends
    int depth = 0;                 ///< definition nesting (U, CX, library: 0)
    std::string opaque_callee;     ///< non-empty: the body (transitively) applies this opaque gate
    int line = 0, col = 0;         ///< where the program declared it (0: built in)
};

/// Saturating a + b and a * b for expansion-size bounds.
inline std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) noexcept {
    return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

class gate_table {
public:
    gate_table() {
        add_entry(make_entry(gate_entry::kind_t::U, "U", 3, 1));
        add_entry(make_entry(gate_entry::kind_t::CX, "CX", 0, 2));
    }

    std::size_t U() const noexcept { return 0; }
    std::size_t CX() const noexcept { return 1; }

    /// The entry in force for `name`, or -1.
    std::ptrdiff_t find(std::string_view name) const {
        const auto it = names_.find(std::string(name));
        return it == names_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
    }
    const gate_entry& entry(std::size_t i) const { return entries_[i]; }
    const user_gate& def(std::size_t i) const { return defs_[i]; }
    bool included() const noexcept { return included_; }

    /// Define the library gates (`include "qelib1.inc"`). Returns the name of a gate the
    /// program defined earlier that clashes with a library gate, or an empty string.
    std::string include_library() {
        if (included_) return {};
        for (const lib_gate& g : lib::table) {
            if (g.tier == lib_tier::recognized) continue;
            const std::ptrdiff_t prev = find(g.name);
            if (prev >= 0) {
                // A definition that the library would replace: keep the program's own for an
                // extension (as when the definition comes after the include); a paper gate
                // cannot be defined twice.
                if (g.tier == lib_tier::spec) return std::string(g.name);
                continue;
            }
            add_entry(lib_entry(g));
        }
        included_ = true;
        return {};
    }

    static gate_entry make_entry(gate_entry::kind_t kind, std::string name, std::size_t num_params, std::size_t num_qubits) {
        gate_entry e;
        e.kind = kind;
        e.name = std::move(name);
        e.num_params = num_params;
        e.num_qubits = num_qubits;
        return e;
    }

    static gate_entry lib_entry(const lib_gate& g) {
        gate_entry e = make_entry(gate_entry::kind_t::lib, std::string(g.name), g.num_params, g.num_qubits);
        e.lib = &g;
        e.size = g.max_ops;
        return e;
    }

    /// Add a program's definition (checked by the caller: name free or replaceable).
    std::size_t add_user(std::string name, user_gate def, int line, int col) {
        gate_entry e = make_entry(gate_entry::kind_t::user, std::move(name), def.params.size(), def.num_qubits);
        e.line = line;
        e.col = col;
        e.size = 0;
        e.depth = 1;
        for (const body_op& op : def.body) {
            if (op.barrier) {
                e.size = sat_add(e.size, 1);
                continue;
            }
            const gate_entry& c = entries_[op.callee];
            e.size = sat_add(e.size, c.size);
            e.depth = std::max(e.depth, c.depth + 1);
            if (e.opaque_callee.empty()) e.opaque_callee = c.kind == gate_entry::kind_t::opaque ? c.name : c.opaque_callee;
        }
        e.def = defs_.size();
        defs_.push_back(std::move(def));
        return add_entry(std::move(e));
    }

    std::size_t add_opaque(std::string name, std::size_t num_params, std::size_t num_qubits, int line, int col) {
        gate_entry e = make_entry(gate_entry::kind_t::opaque, std::move(name), num_params, num_qubits);
        e.line = line;
        e.col = col;
        return add_entry(std::move(e));
    }

    /// Make `name` refer to the library gate `g` (a program's definition matched it).
    std::size_t map_to_library(const lib_gate& g, int line, int col) {
        gate_entry e = lib_entry(g);
        e.line = line;
        e.col = col;
        return add_entry(std::move(e));
    }

    /// Append the operations of one application of entry `i`. Angles and qubits were checked by
    /// the caller; angles computed inside bodies are checked here (value_error when not finite).
    void expand(emitter& out, std::size_t i, std::span<const double> params, std::span<const qubit_t> qubits, bool qiskit_cu3) const {
        const gate_entry& e = entries_[i];
        switch (e.kind) {
        case gate_entry::kind_t::U: out.gate(GateKind::u3, {qubits[0]}, {}, {params[0], params[1], params[2]}); return;
        case gate_entry::kind_t::CX: out.gate(GateKind::cx, {qubits[1]}, {qubits[0]}); return;
        case gate_entry::kind_t::lib: e.lib->emit(out, params.data(), qubits.data(), qiskit_cu3); return;
        case gate_entry::kind_t::opaque: throw value_error("opaque gate '" + e.name + "' has no definition and cannot be applied");
        case gate_entry::kind_t::user: break;
        }
        const user_gate& d = defs_[e.def];
        std::vector<double> args;
        std::vector<qubit_t> qs;
        for (const body_op& op : d.body) {
            qs.clear();
            for (std::uint32_t j : op.qubits) qs.push_back(qubits[j]);
            if (op.barrier) {
                Operation b;
                b.type = OpType::barrier;
                b.targets = qs;
                out.push(std::move(b));
                continue;
            }
            args.clear();
            for (std::uint32_t x : op.args) {
                const double v = d.exprs.eval(x, params);
                if (!std::isfinite(v)) {
                    throw value_error("in gate '" + e.name + "': an angle of '" + entries_[op.callee].name + "' evaluates to " +
                                      (std::isnan(v) ? "nan" : "infinity"));
                }
                args.push_back(v);
            }
            expand(out, op.callee, args, qs, qiskit_cu3);
        }
    }

    /// True when entry `user_entry` (a program's definition) has the same unitary as library
    /// gate `g` up to a global phase, at a few fixed angle sets: such a definition is the library
    /// gate written out, and importing it as the named kind keeps operations compact.
    bool same_as_library(std::size_t user_entry, const lib_gate& g, bool qiskit_cu3) const {
        const gate_entry& e = entries_[user_entry];
        if (e.num_params != g.num_params || e.num_qubits != g.num_qubits || !e.opaque_callee.empty() || e.size > 4096) return false;
        // Angles with no special relation to pi or to each other.
        static constexpr double angle_sets[3][4] = {
            {0.7363, -1.2817, 2.0553, 0.4129}, {-2.6401, 0.3187, -0.9021, 1.7733}, {1.1119, 2.4862, -0.5377, -1.9954}};
        std::vector<qubit_t> qubits(g.num_qubits);
        for (qubit_t q = 0; q < g.num_qubits; ++q) qubits[q] = q;
        for (const auto& set : angle_sets) {
            const std::span<const double> p(set, g.num_params);
            std::vector<Operation> a, b;
            emitter ea(a, 1 << 13), eb(b, 1 << 13);
            try {
                expand(ea, user_entry, p, qubits, qiskit_cu3);
            } catch (const error&) {
                return false; // e.g. an angle that is not finite at these values: not the library gate
            }
            g.emit(eb, p.data(), qubits.data(), qiskit_cu3);
            if (!equal_up_to_phase(unitary_of(a, g.num_qubits), unitary_of(b, g.num_qubits))) return false;
        }
        return true;
    }

private:
    std::size_t add_entry(gate_entry e) {
        entries_.push_back(std::move(e));
        const std::size_t i = entries_.size() - 1;
        names_[entries_[i].name] = i;
        return i;
    }

    static Eigen::MatrixXcd unitary_of(const std::vector<Operation>& ops, qubit_t k) {
        const Eigen::Index dim = Eigen::Index{1} << k;
        Eigen::MatrixXcd u(dim, dim);
        for (Eigen::Index col = 0; col < dim; ++col) {
            StateVector<double> psi = StateVector<double>::basis(k, static_cast<index_t>(col));
            for (const Operation& op : ops)
                if (op.is_gate()) apply(psi, bind_gate(op, {}));
            for (Eigen::Index row = 0; row < dim; ++row) u(row, col) = psi[static_cast<index_t>(row)];
        }
        return u;
    }

    static bool equal_up_to_phase(const Eigen::MatrixXcd& a, const Eigen::MatrixXcd& b) {
        Eigen::Index r = 0, c = 0;
        b.cwiseAbs().maxCoeff(&r, &c);
        const std::complex<double> phase = a(r, c) / b(r, c);
        return std::abs(std::abs(phase) - 1.0) < 1e-9 && (a - phase * b).cwiseAbs().maxCoeff() < 1e-9;
    }

    std::vector<gate_entry> entries_;
    std::vector<user_gate> defs_;
    std::unordered_map<std::string, std::size_t> names_;
    bool included_ = false;
};

} // namespace qcoach::detail::qasm
