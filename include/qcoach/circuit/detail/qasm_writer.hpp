#pragma once
/// @file
/// @brief Writing a Circuit as OpenQASM 2.0 with qelib1.inc names.
///
/// Each operation becomes the qelib1 gate that the importer reads back as the same operation
/// (see the table in qasm_qelib1.hpp): p is written as u1 and cp as cu1 (the paper's names), and
/// cu3 as `cu(θ,φ,λ,0)`, because the paper's cu3 carries a phase on the control that the cu3 kind
/// does not have. ryy, iswap and sqrt_swap are not in Qiskit's qelib1.inc; the text defines
/// them in qelib1 gates (the importer recognizes these definitions and restores the kinds).
///
/// Operations that need a different spelling but are still exact:
/// - a one-qubit gate with extra controls: x with 2/3/4 controls is ccx/c3x/c4x, sx with 3 is
///   c3sqrtx, swap with 1 is cswap; any one-qubit gate or 2x2 matrix with one control is
///   `cu(θ,φ,λ,γ)` from the Euler angles of its matrix (γ keeps the phase exact);
/// - a control on |0> is an x before and after on that control;
/// - a one-qubit user matrix (unitary or diagonal) is u3 / u1 with its global phase dropped,
///   which no measurement can see.
/// Everything else (dense or diagonal user matrices on several qubits, non-unitary matrices,
/// gates with more controls than qelib1 has names for) is a value_error naming the operation.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/circuit/detail/qasm_parser.hpp"
#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::detail::qasm {

/// Shortest text that reads back as exactly `v`, always a valid OpenQASM 2 number (a '.'
/// is added before an exponent, which the grammar's `real` requires).
inline std::string format_angle(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, r.ptr);
    const auto e = s.find_first_of("eE");
    if (e != std::string::npos && s.find('.') == std::string::npos) s.insert(e, ".0");
    return s;
}

/// Euler angles of a 2x2 unitary: m = e^{iγ} u3(θ, φ, λ).
struct euler {
    double theta, phi, lambda, gamma;
};

inline euler euler_of(const Eigen::Matrix2cd& m) {
    const double a = std::abs(m(0, 0)), c = std::abs(m(1, 0));
    euler e{2 * std::atan2(c, a), 0.0, 0.0, 0.0};
    if (c < 1e-15) { // diagonal: e^{iγ} diag(1, e^{i(φ+λ)})
        e.gamma = std::arg(m(0, 0));
        e.lambda = std::arg(m(1, 1)) - e.gamma;
    } else if (a < 1e-15) { // anti-diagonal: choose λ = 0
        e.gamma = std::arg(-m(0, 1));
        e.phi = std::arg(m(1, 0)) - e.gamma;
    } else {
        e.gamma = std::arg(m(0, 0));
        e.phi = std::arg(m(1, 0)) - e.gamma;
        e.lambda = std::arg(-m(0, 1)) - e.gamma;
    }
    return e;
}

class writer {
public:
    writer(const Circuit& c, std::span<const double> theta, std::vector<reg_info> qregs, std::vector<reg_info> cregs)
        : c_(c), theta_(theta), qregs_(std::move(qregs)), cregs_(std::move(cregs)) {
        if (qregs_.empty()) qregs_.push_back({"q", true, 0, c.num_qubits()});
        check_tiling(qregs_, c.num_qubits(), "quantum");
        if (cregs_.empty()) cregs_ = cregs_from_conditions();
        check_tiling(cregs_, c.num_clbits(), "classical");
    }

    std::string write() {
        std::string body;
        for (const Operation& op : c_.operations()) operation(op, body);
        std::string out = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";
        // Definitions of the gates Qiskit's qelib1.inc lacks, in qelib1 gates; the importer
        // recognizes them (same unitary) and restores the kinds.
        if (uses_ryy_ || uses_sqrt_swap_) out += "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; rx(-pi/2) a; rx(-pi/2) b; }\n";
        if (uses_iswap_) out += "gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }\n";
        if (uses_sqrt_swap_) out += "gate sqrt_swap a,b { rxx(pi/4) a,b; ryy(pi/4) a,b; rzz(pi/4) a,b; }\n";
        for (const reg_info& r : qregs_) out += "qreg " + r.name + "[" + std::to_string(r.size) + "];\n";
        for (const reg_info& r : cregs_) out += "creg " + r.name + "[" + std::to_string(r.size) + "];\n";
        return out + body;
    }

private:
    static bool valid_name(const std::string& s) {
        if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return false;
        for (char ch : s)
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
        static const char* const reserved[] = {"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "barrier", "measure", "reset", "if", "U", "CX", "pi"};
        for (const char* r : reserved)
            if (s == r) return false;
        return true;
    }

    static void check_tiling(const std::vector<reg_info>& regs, std::size_t n, const char* what) {
        std::vector<std::uint8_t> seen(n, 0);
        for (std::size_t i = 0; i < regs.size(); ++i) {
            const reg_info& r = regs[i];
            if (!valid_name(r.name)) throw value_error(std::string("to_qasm: '") + r.name + "' is not a valid OpenQASM register name");
            for (std::size_t j = 0; j < i; ++j)
                if (regs[j].name == r.name) throw value_error("to_qasm: register name '" + r.name + "' is used twice");
            if (r.size == 0 || r.offset > n || r.size > n - r.offset) {
                throw value_error(std::string("to_qasm: ") + what + " register '" + r.name + "' does not fit in the circuit's " + std::to_string(n) + " " + what + " bits");
            }
            for (std::size_t k = r.offset; k < r.offset + r.size; ++k) {
                if (seen[k]) throw value_error(std::string("to_qasm: ") + what + " registers overlap at bit " + std::to_string(k));
                seen[k] = 1;
            }
        }
        for (std::size_t k = 0; k < n; ++k)
            if (!seen[k]) throw value_error(std::string("to_qasm: ") + what + " bit " + std::to_string(k) + " is in no register");
    }

    /// Classical registers for a circuit built in code: every condition range becomes a register
    /// (named as the condition names it, when that is a valid and unused name) and the bits
    /// between them registers "c", "c1", ...
    std::vector<reg_info> cregs_from_conditions() const {
        std::vector<reg_info> regs;
        for (const Operation& op : c_.operations()) {
            if (!op.condition) continue;
            const Condition& k = *op.condition;
            bool found = false;
            for (const reg_info& r : regs) {
                if (r.offset == k.first && r.size == k.count) found = true;
                else if (k.first < r.offset + r.size && r.offset < k.first + k.count) {
                    throw value_error("to_qasm: conditions on classical bits [" + std::to_string(k.first) + ", " + std::to_string(k.first + k.count) +
                                      ") and [" + std::to_string(r.offset) + ", " + std::to_string(r.offset + r.size) +
                                      ") overlap; OpenQASM 2 conditions compare whole registers");
                }
            }
            if (!found) regs.push_back({k.name, false, k.first, k.count});
        }
        std::sort(regs.begin(), regs.end(), [](const reg_info& a, const reg_info& b) { return a.offset < b.offset; });
        std::vector<reg_info> out;
        std::size_t next = 0;
        int counter = 0;
        auto taken = [&](const std::string& name) {
            for (const reg_info& r : regs)
                if (r.name == name) return true;
            for (const reg_info& r : out)
                if (r.name == name) return true;
            return false;
        };
        auto fresh = [&] {
            for (;;) {
                std::string name = "c";
                if (counter != 0) name += std::to_string(counter); // (operator+ here trips GCC 12's -Wrestrict)
                ++counter;
                if (!taken(name)) return name;
            }
        };
        for (reg_info& r : regs) {
            if (r.offset > next) out.push_back({fresh(), false, next, r.offset - next});
            // Keep the condition's name unless it cannot be written or another range has it.
            bool clash = !valid_name(r.name);
            for (const reg_info& o : regs)
                if (&o != &r && o.name == r.name) clash = true;
            for (const reg_info& o : out)
                if (o.name == r.name) clash = true;
            if (clash) r.name.clear();
            out.push_back(r);
            next = r.offset + r.size;
        }
        if (next < c_.num_clbits()) out.push_back({fresh(), false, next, c_.num_clbits() - next});
        for (reg_info& r : out)
            if (r.name.empty()) r.name = fresh();
        return out;
    }

    std::string qubit(qubit_t q) const { return bit(qregs_, q); }
    std::string clbit(std::size_t b) const { return bit(cregs_, b); }
    static std::string bit(const std::vector<reg_info>& regs, std::size_t k) {
        for (const reg_info& r : regs)
            if (k >= r.offset && k < r.offset + r.size) return r.name + "[" + std::to_string(k - r.offset) + "]";
        return "?";
    }

    std::string condition_prefix(const Operation& op) const {
        if (!op.condition) return {};
        const Condition& k = *op.condition;
        for (const reg_info& r : cregs_)
            if (r.offset == k.first && r.size == k.count) return "if(" + r.name + "==" + std::to_string(k.value) + ") ";
        throw value_error("to_qasm: the condition of operation '" + op.name() + "' on classical bits [" + std::to_string(k.first) + ", " +
                          std::to_string(k.first + k.count) + ") is not a whole classical register");
    }

    void operation(const Operation& op, std::string& out) {
        const std::string prefix = condition_prefix(op);
        switch (op.type) {
        case OpType::measure: out += prefix + "measure " + qubit(op.targets[0]) + " -> " + clbit(op.clbit) + ";\n"; return;
        case OpType::reset: out += prefix + "reset " + qubit(op.targets[0]) + ";\n"; return;
        case OpType::barrier: {
            out += "barrier ";
            for (std::size_t i = 0; i < op.targets.size(); ++i) {
                if (i) out += ',';
                out += qubit(op.targets[i]);
            }
            out += ";\n";
            return;
        }
        case OpType::gate: break;
        }
        if (op.is_parametric() && theta_.empty()) {
            std::string angles;
            for (const Param& p : op.params) {
                if (!angles.empty()) angles += ", ";
                angles += p.to_string();
            }
            throw value_error("to_qasm: operation '" + op.name() + "' has symbolic angles (" + angles +
                              "); pass theta in qasm_write_options to export bound values");
        }
        const Gate g = bind_gate(op, theta_);
        // Controls on |0> become x before and after on that control.
        std::string flips;
        for (std::size_t j = 0; j < op.controls.size(); ++j)
            if (op.control_values[j] == 0) flips += prefix + "x " + qubit(op.controls[j]) + ";\n";
        out += flips + prefix + gate_text(op, g) + ";\n" + flips;
    }

    static std::string angles(std::initializer_list<double> a) {
        std::string s = "(";
        bool first = true;
        for (double v : a) {
            if (!first) s += ',';
            s += format_angle(v);
            first = false;
        }
        return s + ")";
    }

    std::string args(const std::vector<qubit_t>& qs) const {
        std::string s;
        for (std::size_t i = 0; i < qs.size(); ++i) {
            s += i ? ',' : ' ';
            s += qubit(qs[i]);
        }
        return s;
    }

    [[noreturn]] static void inexpressible(const Operation& op, const std::string& why) {
        throw value_error("to_qasm: operation '" + op.name() + "' " + why + "; OpenQASM 2 with qelib1.inc cannot express it");
    }

    /// The text of one gate operation (without condition and ';').
    std::string gate_text(const Operation& op, const Gate& g) {
        using K = GateKind;
        const std::vector<double>& a = g.params;
        const std::vector<qubit_t> all = op.qubits(); // controls, then targets
        // Named controlled kinds stand for a base gate with that many built-in controls.
        K base = op.kind;
        switch (op.kind) {
        case K::cx: case K::ccx: base = K::x; break;
        case K::cy: base = K::y; break;
        case K::cz: base = K::z; break;
        case K::ch: base = K::h; break;
        case K::crx: base = K::rx; break;
        case K::cry: base = K::ry; break;
        case K::crz: base = K::rz; break;
        case K::cp: base = K::p; break;
        case K::cu3: base = K::u3; break;
        case K::cswap: base = K::swap; break;
        case K::controlled: base = K::unitary; break;
        default: break;
        }
        const std::size_t nc = op.controls.size();
        if (op.kind == K::matrix) inexpressible(op, "is a general (non-unitary) matrix");
        if (nc == 0) {
            switch (base) {
            case K::i: return "id" + args(all);
            case K::x: case K::y: case K::z: case K::h: case K::s: case K::sdg: case K::t: case K::tdg: case K::sx: case K::sxdg:
                return std::string(gate_kind_name(base)) + args(all);
            case K::rx: case K::ry: case K::rz: return std::string(gate_kind_name(base)) + angles({a[0]}) + args(all);
            case K::p: return "u1" + angles({a[0]}) + args(all);
            case K::u2: return "u2" + angles({a[0], a[1]}) + args(all);
            case K::u3: return "u3" + angles({a[0], a[1], a[2]}) + args(all);
            case K::swap: return "swap" + args(all);
            case K::rxx: case K::rzz: return std::string(gate_kind_name(base)) + angles({a[0]}) + args(all);
            case K::ryy: uses_ryy_ = true; return "ryy" + angles({a[0]}) + args(all);
            case K::iswap: uses_iswap_ = true; return "iswap" + args(all);
            case K::sqrt_swap: uses_sqrt_swap_ = true; return "sqrt_swap" + args(all);
            default: break;
            }
            if (op.targets.size() == 1) { // a one-qubit user matrix: u3 up to its global phase
                const euler e = euler_of(g.matrix());
                return "u3" + angles({e.theta, e.phi, e.lambda}) + args(all);
            }
            inexpressible(op, "is a " + std::to_string(op.targets.size()) + "-qubit " + (g.is_diagonal() ? "diagonal" : "matrix"));
        }
        if (base == K::x && nc <= 4) {
            static const char* const names[] = {"", "cx", "ccx", "c3x", "c4x"};
            return names[nc] + args(all);
        }
        if (base == K::sx && nc == 3) return "c3sqrtx" + args(all);
        if (base == K::swap && nc == 1) return "cswap" + args(all);
        if (nc == 1 && op.targets.size() == 1) {
            switch (base) {
            case K::y: return "cy" + args(all);
            case K::z: return "cz" + args(all);
            case K::h: return "ch" + args(all);
            case K::sx: return "csx" + args(all);
            case K::rx: return "crx" + angles({a[0]}) + args(all);
            case K::ry: return "cry" + angles({a[0]}) + args(all);
            case K::rz: return "crz" + angles({a[0]}) + args(all);
            case K::p: return "cu1" + angles({a[0]}) + args(all);
            case K::u3: return "cu" + angles({a[0], a[1], a[2], 0.0}) + args(all);
            default: break;
            }
            // Any other one-qubit gate with one control: cu with the phase as its fourth angle.
            const euler e = euler_of(g.matrix());
            return "cu" + angles({e.theta, e.phi, e.lambda, e.gamma}) + args(all);
        }
        inexpressible(op, "on " + std::to_string(op.targets.size()) + " target(s) with " + std::to_string(nc) + " control(s) has no qelib1.inc name");
    }

    const Circuit& c_;
    std::span<const double> theta_;
    std::vector<reg_info> qregs_, cregs_;
    bool uses_ryy_ = false, uses_iswap_ = false, uses_sqrt_swap_ = false;
};

} // namespace qcoach::detail::qasm
