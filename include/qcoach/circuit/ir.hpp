#pragma once
/// @file
/// @brief Circuit: an ordered list of operations on a fixed number of qubits and classical bits.
///
/// Builder methods check each operation when it is added (qubit and bit ranges, repeated
/// qubits, matrix shapes), so a circuit that exists is well formed; binding checks only the
/// length of the parameter vector.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "qcoach/circuit/operation.hpp"
#include "qcoach/circuit/param.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"

namespace qcoach {

class Circuit {
public:
    explicit Circuit(qubit_t num_qubits, std::size_t num_clbits = 0) : n_(num_qubits), nc_(num_clbits) {
        if (num_qubits < 1 || num_qubits > max_qubits) {
            throw value_error("a circuit needs 1 to " + std::to_string(max_qubits) + " qubits, got " + std::to_string(num_qubits));
        }
    }

    qubit_t num_qubits() const noexcept { return n_; }
    std::size_t num_clbits() const noexcept { return nc_; }
    /// Length the parameter vector must have: one more than the largest index used.
    std::size_t num_params() const noexcept { return np_; }
    const std::vector<Operation>& operations() const noexcept { return ops_; }
    std::size_t size() const noexcept { return ops_.size(); }
    bool empty() const noexcept { return ops_.empty(); }

    // ------------------------------------------------------------------ one-qubit gates
    Circuit& i(qubit_t q) { return named(GateKind::i, {q}); }
    Circuit& x(qubit_t q) { return named(GateKind::x, {q}); }
    Circuit& y(qubit_t q) { return named(GateKind::y, {q}); }
    Circuit& z(qubit_t q) { return named(GateKind::z, {q}); }
    Circuit& h(qubit_t q) { return named(GateKind::h, {q}); }
    Circuit& s(qubit_t q) { return named(GateKind::s, {q}); }
    Circuit& sdg(qubit_t q) { return named(GateKind::sdg, {q}); }
    Circuit& t(qubit_t q) { return named(GateKind::t, {q}); }
    Circuit& tdg(qubit_t q) { return named(GateKind::tdg, {q}); }
    Circuit& sx(qubit_t q) { return named(GateKind::sx, {q}); }
    Circuit& sxdg(qubit_t q) { return named(GateKind::sxdg, {q}); }
    Circuit& rx(qubit_t q, Param a) { return named(GateKind::rx, {q}, {}, {a}); }
    Circuit& ry(qubit_t q, Param a) { return named(GateKind::ry, {q}, {}, {a}); }
    Circuit& rz(qubit_t q, Param a) { return named(GateKind::rz, {q}, {}, {a}); }
    Circuit& p(qubit_t q, Param a) { return named(GateKind::p, {q}, {}, {a}); }
    Circuit& u1(qubit_t q, Param a) { return p(q, a); }
    Circuit& u2(qubit_t q, Param phi, Param lambda) { return named(GateKind::u2, {q}, {}, {phi, lambda}); }
    Circuit& u3(qubit_t q, Param theta, Param phi, Param lambda) {
        return named(GateKind::u3, {q}, {}, {theta, phi, lambda});
    }

    // ------------------------------------------------------------------ two- and three-qubit gates
    Circuit& cx(qubit_t c, qubit_t t) { return named(GateKind::cx, {t}, {c}); }
    Circuit& cy(qubit_t c, qubit_t t) { return named(GateKind::cy, {t}, {c}); }
    Circuit& cz(qubit_t c, qubit_t t) { return named(GateKind::cz, {t}, {c}); }
    Circuit& ch(qubit_t c, qubit_t t) { return named(GateKind::ch, {t}, {c}); }
    Circuit& crx(qubit_t c, qubit_t t, Param a) { return named(GateKind::crx, {t}, {c}, {a}); }
    Circuit& cry(qubit_t c, qubit_t t, Param a) { return named(GateKind::cry, {t}, {c}, {a}); }
    Circuit& crz(qubit_t c, qubit_t t, Param a) { return named(GateKind::crz, {t}, {c}, {a}); }
    Circuit& cp(qubit_t c, qubit_t t, Param a) { return named(GateKind::cp, {t}, {c}, {a}); }
    Circuit& cu3(qubit_t c, qubit_t t, Param theta, Param phi, Param lambda) {
        return named(GateKind::cu3, {t}, {c}, {theta, phi, lambda});
    }
    Circuit& swap(qubit_t a, qubit_t b) { return named(GateKind::swap, {a, b}); }
    Circuit& iswap(qubit_t a, qubit_t b) { return named(GateKind::iswap, {a, b}); }
    Circuit& sqrt_swap(qubit_t a, qubit_t b) { return named(GateKind::sqrt_swap, {a, b}); }
    Circuit& rxx(qubit_t a, qubit_t b, Param t) { return named(GateKind::rxx, {a, b}, {}, {t}); }
    Circuit& ryy(qubit_t a, qubit_t b, Param t) { return named(GateKind::ryy, {a, b}, {}, {t}); }
    Circuit& rzz(qubit_t a, qubit_t b, Param t) { return named(GateKind::rzz, {a, b}, {}, {t}); }
    Circuit& ccx(qubit_t c0, qubit_t c1, qubit_t t) { return named(GateKind::ccx, {t}, {c0, c1}); }
    Circuit& cswap(qubit_t c, qubit_t a, qubit_t b) { return named(GateKind::cswap, {a, b}, {c}); }

    // ------------------------------------------------------------------ general gates
    /// @brief Multi-controlled version of a one-qubit gate kind (x, ry, u3, ...) with its angles;
    /// control j acts on value values[j] (default all 1).
    Circuit& mc(GateKind kind, std::vector<qubit_t> controls, qubit_t target, std::vector<Param> angles = {},
                std::vector<std::uint8_t> values = {}) {
        if (detail::shape_of(kind).targets != 1 || detail::shape_of(kind).controls != 0) {
            throw value_error(std::string("mc() takes an uncontrolled one-qubit gate kind, got ") + gate_kind_name(kind));
        }
        if (values.empty()) values.assign(controls.size(), 1);
        return named(kind, {target}, std::move(controls), std::move(angles), std::move(values));
    }

    /// @brief A concrete gate of the statevector layer (any kind, controls and matrix included).
    Circuit& gate(const Gate& g) {
        Operation op;
        op.kind = g.kind;
        op.targets = g.targets;
        op.controls = g.controls;
        op.control_values = g.control_values;
        const bool named_kind = detail::shape_of(g.kind).targets >= 0 && g.params.size() == detail::param_count(g.kind);
        if (named_kind) {
            for (double a : g.params) op.params.emplace_back(a);
        } else if (g.is_diagonal()) {
            op.kind = GateKind::diagonal;
            op.diag = g.diag;
        } else {
            op.kind = g.kind == GateKind::matrix ? GateKind::matrix : !g.controls.empty() ? GateKind::controlled : GateKind::unitary;
            op.matrix = g.mat;
        }
        return add(std::move(op));
    }

    /// @brief Dense unitary on k <= 6 qubits (checked for unitarity).
    Circuit& unitary(std::vector<qubit_t> targets, const Eigen::MatrixXcd& u) { return gate(gates::unitary(std::move(targets), u)); }
    /// @brief Diagonal gate on k qubits (entries of modulus 1).
    Circuit& diagonal(std::vector<qubit_t> targets, const Eigen::VectorXcd& d) { return gate(gates::diagonal(std::move(targets), d)); }

    // ------------------------------------------------------------------ non-unitary operations
    Circuit& measure(qubit_t q, std::size_t clbit) {
        Operation op;
        op.type = OpType::measure;
        op.targets = {q};
        op.clbit = clbit;
        return add(std::move(op));
    }
    Circuit& reset(qubit_t q) {
        Operation op;
        op.type = OpType::reset;
        op.targets = {q};
        return add(std::move(op));
    }
    /// @brief Barrier on the given qubits (all when empty): a fusion and scheduling boundary.
    Circuit& barrier(std::vector<qubit_t> qubits = {}) {
        Operation op;
        op.type = OpType::barrier;
        if (qubits.empty())
            for (qubit_t q = 0; q < n_; ++q) qubits.push_back(q);
        op.targets = std::move(qubits);
        return add(std::move(op));
    }

    /// @brief Add any operation (checked).
    Circuit& add(Operation op) {
        validate(op);
        for (const Param& p : op.params)
            if (!p.is_constant()) np_ = std::max(np_, p.index() + 1);
        ops_.push_back(std::move(op));
        return *this;
    }

    /// @brief Make the last added operation conditional on classical bits.
    Circuit& c_if(Condition c) {
        if (ops_.empty()) throw value_error("c_if: the circuit has no operation to condition");
        check_condition(c);
        ops_.back().condition = std::move(c);
        return *this;
    }

    /// @brief Append another circuit on the same numbers of qubits and classical bits.
    Circuit& append(const Circuit& other) {
        if (other.n_ != n_ || other.nc_ > nc_) {
            throw value_error("append: circuit on " + std::to_string(other.n_) + " qubits and " + std::to_string(other.nc_) +
                              " bits does not fit one on " + std::to_string(n_) + " qubits and " + std::to_string(nc_) + " bits");
        }
        for (const Operation& op : other.ops_) add(op);
        return *this;
    }

    // ------------------------------------------------------------------ queries
    /// True when every operation is a gate or a barrier and nothing is conditioned.
    bool is_unitary() const noexcept {
        for (const Operation& op : ops_)
            if (op.type == OpType::measure || op.type == OpType::reset || op.condition) return false;
        return true;
    }

    /// True when some gate, reset or conditioned operation follows a measurement (or a reset),
    /// so that no single final state describes the circuit.
    bool has_mid_circuit_operations() const noexcept {
        bool seen_nonunitary = false;
        std::set<qubit_t> measured;
        for (const Operation& op : ops_) {
            if (op.condition || op.type == OpType::reset) return true;
            if (op.type == OpType::measure) {
                measured.insert(op.targets[0]);
                seen_nonunitary = true;
                continue;
            }
            if (op.type == OpType::gate && seen_nonunitary)
                for (qubit_t q : op.qubits())
                    if (measured.count(q)) return true;
        }
        return false;
    }

    /// @brief Adjoint circuit: gates in reverse order, each inverted. Throws value_error when
    /// the circuit measures, resets or conditions.
    Circuit inverse() const {
        Circuit r(n_, nc_);
        for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) {
            if (it->condition) throw value_error("inverse: a conditioned operation is not unitary");
            if (it->type == OpType::barrier) r.ops_.push_back(*it);
            else r.ops_.push_back(inverse_of(*it));
        }
        r.np_ = np_;
        return r;
    }

    /// @brief Gate counts by name ("cx" -> 12, "measure" -> 3; barriers not counted).
    std::map<std::string, std::size_t> count_ops() const {
        std::map<std::string, std::size_t> c;
        for (const Operation& op : ops_)
            if (op.type != OpType::barrier) ++c[op.name()];
        return c;
    }

    /// @brief Circuit depth: the longest chain of operations that share qubits (barriers align
    /// their qubits but add no layer; a measurement also occupies its classical bit).
    std::size_t depth() const {
        std::vector<std::size_t> level(n_, 0), clevel(nc_, 0);
        std::size_t d = 0;
        for (const Operation& op : ops_) {
            const std::vector<qubit_t> qs = op.qubits();
            std::size_t l = 0;
            for (qubit_t q : qs) l = std::max(l, level[q]);
            if (op.type == OpType::measure) l = std::max(l, clevel[op.clbit]);
            if (op.condition)
                for (std::size_t b = op.condition->first; b < op.condition->first + op.condition->count; ++b) l = std::max(l, clevel[b]);
            if (op.type != OpType::barrier) ++l;
            for (qubit_t q : qs) level[q] = l;
            if (op.type == OpType::measure) clevel[op.clbit] = l;
            d = std::max(d, l);
        }
        return d;
    }

    /// @brief Qubits some operation (other than a barrier) acts on, ascending.
    std::vector<qubit_t> qubits_touched() const {
        std::set<qubit_t> s;
        for (const Operation& op : ops_)
            if (op.type != OpType::barrier)
                for (qubit_t q : op.qubits()) s.insert(q);
        return {s.begin(), s.end()};
    }

    /// @brief The gates with angles bound to theta, in order. Throws value_error when the
    /// circuit is not unitary, index_error when theta is shorter than num_params().
    std::vector<Gate> bind(std::span<const double> theta = {}) const {
        check_params(theta);
        std::vector<Gate> out;
        out.reserve(ops_.size());
        for (const Operation& op : ops_) {
            if (op.type == OpType::barrier) continue;
            if (op.type != OpType::gate || op.condition) {
                throw value_error("bind: the circuit has a " + op.name() + (op.condition ? " (conditioned)" : "") +
                                  " operation; only unitary circuits bind to a gate list");
            }
            out.push_back(bind_gate(op, theta));
        }
        return out;
    }

    /// @brief Throws index_error unless theta has at least num_params() entries.
    void check_params(std::span<const double> theta) const {
        if (theta.size() < np_) {
            throw index_error("the circuit uses " + std::to_string(np_) + " parameters but " + std::to_string(theta.size()) +
                              " were given");
        }
    }

    /// @brief One line per operation: "cx q[0], q[3]", "rx(2*theta[1] + 0.5) q[2]", "measure q[1] -> c[1]".
    std::string to_string() const {
        std::ostringstream os;
        os << "circuit: " << n_ << " qubits, " << nc_ << " classical bits, " << np_ << " parameters, " << ops_.size()
           << " operations\n";
        for (const Operation& op : ops_) {
            if (op.condition) os << "if (" << (op.condition->name.empty() ? "c" : op.condition->name) << " == " << op.condition->value << ") ";
            os << op.name();
            if (!op.controls.empty() && detail::shape_of(op.kind).controls != static_cast<int>(op.controls.size())) {
                os << "[ctrl";
                for (auto v : op.control_values) os << ' ' << int(v);
                os << ']';
            }
            if (!op.params.empty()) {
                os << '(';
                for (std::size_t i = 0; i < op.params.size(); ++i) os << (i ? ", " : "") << op.params[i].to_string();
                os << ')';
            }
            const std::vector<qubit_t> qs = op.qubits();
            for (std::size_t i = 0; i < qs.size(); ++i) os << (i ? ", q[" : " q[") << qs[i] << ']';
            if (op.type == OpType::measure) os << " -> c[" << op.clbit << ']';
            os << '\n';
        }
        return os.str();
    }

private:
    Circuit& named(GateKind kind, std::vector<qubit_t> targets, std::vector<qubit_t> controls = {},
                   std::vector<Param> params = {}, std::vector<std::uint8_t> values = {}) {
        Operation op;
        op.kind = kind;
        op.targets = std::move(targets);
        if (values.empty()) values.assign(controls.size(), 1);
        op.controls = std::move(controls);
        op.control_values = std::move(values);
        op.params = std::move(params);
        return add(std::move(op));
    }

    void check_qubit(qubit_t q, const std::string& what) const {
        if (q >= n_) {
            throw index_error(what + ": qubit " + std::to_string(q) + " out of range [0, " + std::to_string(n_) + ")");
        }
    }

    void check_condition(const Condition& c) const {
        if (c.count == 0 || c.count > 64 || c.first + c.count > nc_) {
            throw index_error("condition on classical bits [" + std::to_string(c.first) + ", " + std::to_string(c.first + c.count) +
                              ") outside the " + std::to_string(nc_) + " classical bits");
        }
    }

    void validate(const Operation& op) const {
        const std::string what = op.name();
        for (qubit_t q : op.targets) check_qubit(q, what);
        for (qubit_t q : op.controls) check_qubit(q, what);
        if (op.condition) check_condition(*op.condition);
        switch (op.type) {
        case OpType::measure:
            if (op.targets.size() != 1) throw value_error("measure takes one qubit");
            if (op.clbit >= nc_) {
                throw index_error("measure: classical bit " + std::to_string(op.clbit) + " out of range [0, " + std::to_string(nc_) + ")");
            }
            return;
        case OpType::reset:
            if (op.targets.size() != 1) throw value_error("reset takes one qubit");
            return;
        case OpType::barrier: return;
        case OpType::gate: break;
        }
        detail::check_distinct(op.targets, op.controls);
        if (op.control_values.size() != op.controls.size()) {
            throw value_error(what + ": " + std::to_string(op.controls.size()) + " controls but " +
                              std::to_string(op.control_values.size()) + " control values");
        }
        for (auto v : op.control_values)
            if (v > 1) throw value_error(what + ": control values must be 0 or 1");
        const detail::kind_shape sh = detail::shape_of(op.kind);
        if (sh.targets >= 0) {
            if (op.targets.size() != static_cast<std::size_t>(sh.targets) || op.controls.size() < static_cast<std::size_t>(sh.controls)) {
                throw value_error(what + " acts on " + std::to_string(sh.controls) + " control(s) and " + std::to_string(sh.targets) +
                                  " target(s)");
            }
            if (op.params.size() != detail::param_count(op.kind)) {
                throw value_error(what + " takes " + std::to_string(detail::param_count(op.kind)) + " angle(s), got " +
                                  std::to_string(op.params.size()));
            }
        } else if (op.kind == GateKind::diagonal) {
            if (op.targets.empty() || op.diag.size() != (Eigen::Index{1} << std::min<std::size_t>(op.targets.size(), 62))) {
                throw value_error("diagonal on " + std::to_string(op.targets.size()) + " qubit(s) has " + std::to_string(op.diag.size()) +
                                  " entries");
            }
        } else {
            if (op.targets.empty() || op.targets.size() > max_dense_qubits) {
                throw value_error(what + " must act on 1 to " + std::to_string(max_dense_qubits) + " qubits");
            }
            detail::check_square_power_of_two(op.matrix, op.targets.size(), what);
        }
    }

    qubit_t n_;
    std::size_t nc_;
    std::size_t np_ = 0;
    std::vector<Operation> ops_;
};

} // namespace qcoach
