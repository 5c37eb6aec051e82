#pragma once
/// @file
/// @brief OpenQASM 2.0 import (parse_qasm, load_qasm) and export (to_qasm).
///
/// ## Import
/// The whole of OpenQASM 2.0: `OPENQASM 2.0;` (optional, but first when present), `include
/// "qelib1.inc";` (built in; no file is ever read), several `qreg`/`creg`, `gate` definitions
/// with parameters (nested, in any order allowed by the rule "defined before used"; expanded
/// into the caller's operations), `opaque` declarations (applying one is an error naming it),
/// angle expressions (pi, + - * / ^, unary minus, sin cos tan exp ln sqrt, parentheses;
/// evaluated to doubles), register broadcast (`h q;`, `cx a, b;` on registers of one size,
/// registers mixed with single qubits), `barrier`, `measure` (qubit to bit, register to
/// register), `reset` and `if (creg == n) op;`. Empty statements (a stray ';') are accepted.
///
/// The library: the paper's qelib1.inc, Qiskit's additions and ryy/iswap; see
/// detail/qasm_qelib1.hpp for the gate-by-gate semantics, including the phase of cu3.
///
/// Numbering: qubits are numbered in declaration order across qreg statements (the first
/// register's qubit 0 is qubit 0), and qubit q is bit q of the amplitude index. Classical bits
/// likewise across creg statements. A condition `if (c == n)` becomes a Condition on the bits of
/// c (bit 0 of n is c[0]).
///
/// Errors: qcoach::parse_error "source:line:col: message", the position of the offending token;
/// memory_error when the program would need more memory than the limit (set_memory_limit).
/// Malformed input never crashes or hangs: register sizes, expression depth, definition
/// nesting and the number of operations after expansion are all bounded (qasm_options).
///
/// ## Export
/// to_qasm writes OpenQASM 2.0 that parse_qasm reads back as the same operations where a
/// qelib1 name exists for them; see detail/qasm_writer.hpp for the spellings and for what
/// cannot be written (value_error naming the operation). Symbolic angles are exported only
/// when qasm_write_options::theta gives their values; otherwise to_qasm throws value_error.
///
/// ## Counts
/// format_clbits prints classical bits as OpenQASM tools (Qiskit) print counts: one group per
/// creg, the last-declared register first, groups separated by a space, and within a register
/// its highest bit first. With `creg a[2]; creg b[3];`, a = (a0, a1), b = (b0, b1, b2) prints
/// "b2b1b0 a1a0".

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "qcoach/circuit/detail/qasm_parser.hpp"
#include "qcoach/circuit/detail/qasm_writer.hpp"
#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach {

/// @brief Limits and dialect switches of the OpenQASM importer. The limits make hostile input
/// fail with a parse_error instead of exhausting memory, stack or time.
struct qasm_options {
    /// Largest total number of qubits over all qreg statements (at most qcoach::max_qubits).
    std::size_t max_qubits = qcoach::max_qubits;
    /// Largest total number of classical bits over all creg statements.
    std::size_t max_clbits = std::size_t{1} << 16;
    /// Largest number of operations after every gate definition is expanded.
    std::size_t max_operations = std::size_t{1} << 22;
    /// Deepest nesting of gate definitions (a gate whose body uses a gate whose body uses ...).
    int max_gate_depth = 100;
    /// Read `cu3` as Qiskit's qelib1.inc defines it (controlled-u3, no phase on the control)
    /// instead of as the paper defines it (controlled-U with U's phase e^{-i(φ+λ)/2}). Programs
    /// written by Qiskit mean the former.
    bool qiskit_cu3 = false;
};

/// @brief A named register: bits [offset, offset + size) of the circuit's qubits or classical bits.
struct qasm_register {
    std::string name;
    std::size_t offset = 0;
    std::size_t size = 0;
    friend bool operator==(const qasm_register&, const qasm_register&) = default;
};

/// @brief An imported program: the circuit and its registers in declaration order.
struct qasm_program {
    Circuit circuit;
    std::vector<qasm_register> qregs;
    std::vector<qasm_register> cregs;
};

/// @brief Parse an OpenQASM 2.0 program. `source_name` is the file name used in error messages.
/// Throws parse_error (with line and column) for malformed input, memory_error when the program
/// does not fit in the memory limit.
inline qasm_program parse_qasm(std::string_view text, std::string source_name = "<input>", const qasm_options& options = {}) {
    if (options.max_qubits > max_qubits || options.max_gate_depth < 1) {
        throw value_error("qasm_options: max_qubits must be at most " + std::to_string(max_qubits) + " and max_gate_depth at least 1");
    }
    const detail::qasm::parse_limits lim{options.max_qubits, options.max_clbits, options.max_operations, options.max_gate_depth,
                                         options.qiskit_cu3};
    detail::qasm::parse_result r = detail::qasm::parser(text, source_name, lim).run();
    qasm_program p{Circuit(static_cast<qubit_t>(r.num_qubits), r.num_clbits), {}, {}};
    for (const auto& q : r.qregs) p.qregs.push_back({q.name, q.offset, q.size});
    for (const auto& c : r.cregs) p.cregs.push_back({c.name, c.offset, c.size});
    for (Operation& op : r.ops) p.circuit.add(std::move(op));
    return p;
}

/// @brief Read and parse an OpenQASM 2.0 file; a missing or unreadable file is a parse_error
/// naming the path.
inline qasm_program load_qasm(const std::string& path, const qasm_options& options = {}) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw parse_error(path, 0, 0, "is a directory, not an OpenQASM file");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw parse_error(path, 0, 0, "cannot open file for reading");
    const std::streamoff size = in.tellg();
    if (size < 0) throw parse_error(path, 0, 0, "cannot determine the file size");
    check_memory(static_cast<std::uint64_t>(size), "reading " + path);
    std::string text(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    if (size > 0 && !in.read(text.data(), size)) throw parse_error(path, 0, 0, "read error");
    return parse_qasm(text, path, options);
}

/// @brief Classical bits (0/1, bit k = classical bit k) as OpenQASM tools print counts: the
/// last-declared register first, registers separated by a space, highest bit first within a
/// register. No registers: all bits as one register.
inline std::string format_clbits(std::span<const std::uint8_t> bits, std::span<const qasm_register> cregs) {
    std::string s;
    auto group = [&](std::size_t offset, std::size_t size) {
        if (!s.empty()) s += ' ';
        for (std::size_t k = size; k-- > 0;) s += offset + k < bits.size() && bits[offset + k] ? '1' : '0';
    };
    if (cregs.empty()) {
        group(0, bits.size());
        return s;
    }
    for (std::size_t r = cregs.size(); r-- > 0;) group(cregs[r].offset, cregs[r].size);
    return s;
}

inline std::string format_clbits(const std::vector<std::uint8_t>& bits, const std::vector<qasm_register>& cregs) {
    return format_clbits(std::span<const std::uint8_t>(bits), std::span<const qasm_register>(cregs));
}

/// @brief Options of to_qasm.
struct qasm_write_options {
    /// Values of the circuit's parameters; needed when some angle is symbolic.
    std::vector<double> theta;
    /// Registers to declare (must cover every qubit / classical bit exactly once). Empty: one
    /// `qreg q[n]`; classical registers made from the conditions' bit ranges and names, and
    /// `creg c[...]` for the bits between them.
    std::vector<qasm_register> qregs, cregs;
};

/// @brief The circuit as OpenQASM 2.0 text with qelib1.inc names. Throws value_error naming the
/// first operation OpenQASM 2 cannot express, or one with symbolic angles when no theta is given.
inline std::string to_qasm(const Circuit& c, const qasm_write_options& options = {}) {
    // Without theta, the first symbolic angle is reported by the writer, naming its operation.
    if (!options.theta.empty()) c.check_params(options.theta);
    std::vector<detail::qasm::reg_info> q, k;
    for (const auto& r : options.qregs) q.push_back({r.name, true, r.offset, r.size});
    for (const auto& r : options.cregs) k.push_back({r.name, false, r.offset, r.size});
    return detail::qasm::writer(c, options.theta, std::move(q), std::move(k)).write();
}

/// @brief An imported program written back with its own register names.
inline std::string to_qasm(const qasm_program& p, std::vector<double> theta = {}) {
    qasm_write_options o;
    o.theta = std::move(theta);
    o.qregs = p.qregs;
    o.cregs = p.cregs;
    return to_qasm(p.circuit, o);
}

} // namespace qcoach
