#pragma once
/// @file
/// @brief The OpenQASM 2.0 statement parser: registers, includes, gate and opaque declarations,
/// gate applications with register broadcast, measure, reset, barrier and `if`.
///
/// One pass over the tokens. Operations are collected in a vector while the program is read
/// (the number of qubits is known only at the end, since qreg statements may follow
/// operations) and moved into a Circuit at the end. Every error is a parse_error with the
/// position of the offending token; errors found while expanding a statement (an angle that
/// is not finite, too many operations) carry the position of the statement.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qcoach/circuit/detail/qasm_expr.hpp"
#include "qcoach/circuit/detail/qasm_gates.hpp"
#include "qcoach/circuit/detail/qasm_lexer.hpp"
#include "qcoach/circuit/detail/qasm_qelib1.hpp"
#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"

namespace qcoach::detail::qasm {

/// Limits and dialect switches of the importer (the public qasm_options).
struct parse_limits {
    std::size_t max_qubits;
    std::size_t max_clbits;
    std::size_t max_operations;
    int max_gate_depth;
    bool qiskit_cu3;
};

struct reg_info {
    std::string name;
    bool quantum = true;
    std::size_t offset = 0;
    std::size_t size = 0;
};

struct parse_result {
    std::vector<Operation> ops;
    std::vector<reg_info> qregs, cregs;
    std::size_t num_qubits = 0, num_clbits = 0;
};

class parser {
public:
    parser(std::string_view text, std::string source, const parse_limits& limits)
        : source_(std::move(source)), lx_(text, source_), lim_(limits), out_(res_.ops, limits.max_operations) {}

    parse_result run() {
        bool first = true;
        while (lx_.peek().kind != tok::end) {
            const token start = lx_.peek();
            try {
                statement(first);
            } catch (const parse_error&) {
                throw;
            } catch (const memory_error&) {
                throw;
            } catch (const error& e) {
                // Found while expanding the statement (angle not finite, operation limit).
                lx_.fail(start, e.what());
            }
            first = false;
        }
        if (res_.num_qubits == 0) lx_.fail(lx_.peek(), "the program declares no quantum register (qreg)");
        return std::move(res_);
    }

private:
    // ---------------------------------------------------------------- helpers
    token expect(tok kind, const char* what) {
        const token& t = lx_.peek();
        if (t.kind != kind) lx_.fail(t, std::string("expected ") + what + ", got " + describe(t));
        return lx_.next();
    }

    bool accept(tok kind) {
        if (lx_.peek().kind != kind) return false;
        lx_.next();
        return true;
    }

    static std::string plural(std::size_t n, const char* word) {
        return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    }

    // ---------------------------------------------------------------- statements
    void statement(bool first) {
        const token t = lx_.peek();
        switch (t.kind) {
        case tok::kw_openqasm: return version(first);
        case tok::kw_include: return include();
        case tok::kw_qreg:
        case tok::kw_creg: return reg_decl();
        case tok::kw_gate: return gate_decl();
        case tok::kw_opaque: return opaque_decl();
        case tok::kw_if: return if_stmt();
        case tok::semicolon: lx_.next(); return; // empty statement, as permissive readers allow
        default: break;
        }
        quantum_op(std::nullopt);
    }

    void version(bool first) {
        const token kw = lx_.next();
        if (!first) lx_.fail(kw, "'OPENQASM' must be the first statement of the program");
        const token v = lx_.next();
        if (v.kind != tok::real && v.kind != tok::integer) lx_.fail(v, "expected a version number after 'OPENQASM', got " + describe(v));
        if (v.text != "2.0" && v.text != "2") {
            lx_.fail(v, "unsupported OpenQASM version " + quote_source(v.text) + " (this importer reads OpenQASM 2.0)");
        }
        expect(tok::semicolon, "';' after the version");
    }

    void include() {
        lx_.next();
        const token f = expect(tok::string, "a file name in double quotes after 'include'");
        if (f.text != "qelib1.inc") {
            lx_.fail(f, "cannot include \"" + quote_source(f.text) +
                            "\": only \"qelib1.inc\" is available (it is built in; no files are read)");
        }
        expect(tok::semicolon, "';' after the include");
        const std::string clash = gates_.include_library();
        if (!clash.empty()) {
            const gate_entry& e = gates_.entry(static_cast<std::size_t>(gates_.find(clash)));
            lx_.fail(f, "qelib1.inc defines gate '" + clash + "', which the program already defined at " + std::to_string(e.line) +
                            ":" + std::to_string(e.col));
        }
    }

    void check_new_register_name(const token& name) {
        for (const auto* regs : {&res_.qregs, &res_.cregs})
            for (const reg_info& r : *regs)
                if (r.name == name.text) lx_.fail(name, "register '" + r.name + "' is already declared");
    }

    void reg_decl() {
        const bool quantum = lx_.next().kind == tok::kw_qreg;
        const token name = expect(tok::ident, "a register name");
        check_new_register_name(name);
        expect(tok::lbracket, "'[' and the register size");
        const token sz = expect(tok::integer, "the register size (a non-negative integer)");
        const std::uint64_t size = integer_value(lx_, sz);
        expect(tok::rbracket, "']' after the register size");
        expect(tok::semicolon, "';' after the register declaration");
        if (size == 0) lx_.fail(sz, "register '" + std::string(name.text) + "' must have at least one bit");
        std::size_t& total = quantum ? res_.num_qubits : res_.num_clbits;
        const std::size_t limit = quantum ? lim_.max_qubits : lim_.max_clbits;
        if (sat_add(total, size) > limit) {
            lx_.fail(sz, std::string(quantum ? "qreg" : "creg") + " '" + std::string(name.text) + "[" + std::to_string(size) +
                             "]' would make " + std::to_string(sat_add(total, size)) + (quantum ? " qubits" : " classical bits") +
                             " in all; the limit is " + std::to_string(limit));
        }
        reg_info r{std::string(name.text), quantum, total, static_cast<std::size_t>(size)};
        total += r.size;
        (quantum ? res_.qregs : res_.cregs).push_back(std::move(r));
    }

    // ---------------------------------------------------------------- gate declarations
    /// `(a, b, c)` after a gate name in a declaration: identifiers, possibly none.
    std::vector<std::string> param_names() {
        std::vector<std::string> names;
        if (!accept(tok::lparen)) return names;
        if (accept(tok::rparen)) return names;
        do {
            const token p = expect(tok::ident, "a parameter name");
            if (std::find(names.begin(), names.end(), p.text) != names.end()) {
                lx_.fail(p, "parameter '" + std::string(p.text) + "' is declared twice");
            }
            names.emplace_back(p.text);
        } while (accept(tok::comma));
        expect(tok::rparen, "',' or ')' in the parameter list");
        return names;
    }

    std::vector<std::string> qubit_names(const std::vector<std::string>& params) {
        std::vector<std::string> names;
        do {
            const token q = expect(tok::ident, "a qubit argument name");
            if (std::find(names.begin(), names.end(), q.text) != names.end()) {
                lx_.fail(q, "qubit argument '" + std::string(q.text) + "' is declared twice");
            }
            if (std::find(params.begin(), params.end(), q.text) != params.end()) {
                lx_.fail(q, "'" + std::string(q.text) + "' is both a parameter and a qubit argument");
            }
            names.emplace_back(q.text);
        } while (accept(tok::comma));
        return names;
    }

    /// Checks that `name` may be declared; returns the library gate it would replace, if any.
    const lib_gate* check_gate_name(const token& name) {
        const std::ptrdiff_t prev = gates_.find(name.text);
        if (prev < 0) return nullptr;
        const gate_entry& e = gates_.entry(static_cast<std::size_t>(prev));
        // An extension the include provided may be replaced; anything the program declared may not.
        if (e.kind == gate_entry::kind_t::lib && e.lib->tier != lib_tier::spec && e.line == 0) return e.lib;
        if (e.line == 0) lx_.fail(name, "gate '" + e.name + "' is already defined in qelib1.inc");
        lx_.fail(name, "gate '" + e.name + "' is already defined at " + std::to_string(e.line) + ":" + std::to_string(e.col));
    }

    void gate_decl() {
        const token kw = lx_.next();
        const token name = expect(tok::ident, "a gate name");
        check_gate_name(name);
        user_gate def;
        def.params = param_names();
        const std::vector<std::string> qnames = qubit_names(def.params);
        def.num_qubits = qnames.size();
        const token open = expect(tok::lbrace, "'{' to open the gate body");
        while (lx_.peek().kind != tok::rbrace) {
            if (lx_.peek().kind == tok::end) lx_.fail(open, "gate body '{' is never closed");
            body_statement(def, qnames);
        }
        lx_.next();
        const std::size_t id = gates_.add_user(std::string(name.text), std::move(def), kw.line, kw.col);
        const gate_entry& e = gates_.entry(id);
        if (e.depth > lim_.max_gate_depth) {
            lx_.fail(name, "gate '" + e.name + "' nests gate definitions " + std::to_string(e.depth) + " deep; the limit is " +
                               std::to_string(lim_.max_gate_depth));
        }
        // A definition of a library gate's name that has the library gate's unitary is that gate
        // written out; import it as the named kind.
        if (const lib_gate* g = find_lib_gate(name.text); g && gates_.same_as_library(id, *g, lim_.qiskit_cu3)) {
            gates_.map_to_library(*g, kw.line, kw.col);
        }
    }

    void body_statement(user_gate& def, const std::vector<std::string>& qnames) {
        const token t = lx_.peek();
        body_op op;
        std::size_t nparams = 0;
        switch (t.kind) {
        case tok::kw_barrier: lx_.next(); op.barrier = true; break;
        case tok::kw_U: lx_.next(); op.callee = gates_.U(); break;
        case tok::kw_CX: lx_.next(); op.callee = gates_.CX(); break;
        case tok::ident: {
            lx_.next();
            op.callee = resolve_gate(t);
            break;
        }
        case tok::kw_measure:
        case tok::kw_reset:
        case tok::kw_if:
        case tok::kw_qreg:
        case tok::kw_creg:
        case tok::kw_gate:
        case tok::kw_opaque:
        case tok::kw_include:
            lx_.fail(t, "'" + std::string(t.text) + "' is not allowed in a gate body (only gate applications and barriers are)");
        default: lx_.fail(t, "expected a gate application, 'barrier' or '}' in the gate body, got " + describe(t));
        }
        if (!op.barrier) {
            const gate_entry& callee = gates_.entry(op.callee);
            nparams = callee.num_params;
            if (accept(tok::lparen)) {
                if (!accept(tok::rparen)) {
                    do {
                        op.args.push_back(expr_parser(lx_, def.exprs, def.params).parse());
                    } while (accept(tok::comma));
                    expect(tok::rparen, "',' or ')' after a gate parameter");
                }
            }
            if (op.args.size() != nparams) lx_.fail(t, "gate '" + callee.name + "' takes " + plural(nparams, "parameter") + ", got " + std::to_string(op.args.size()));
        }
        do {
            const token q = lx_.peek();
            if (q.kind != tok::ident) lx_.fail(q, "expected a qubit argument of the gate, got " + describe(q));
            lx_.next();
            const auto it = std::find(qnames.begin(), qnames.end(), q.text);
            if (it == qnames.end()) lx_.fail(q, "unknown qubit argument '" + std::string(q.text) + "' in the gate body");
            if (lx_.peek().kind == tok::lbracket) lx_.fail(lx_.peek(), "qubit arguments of a gate are used without an index");
            const auto j = static_cast<std::uint32_t>(it - qnames.begin());
            if (std::find(op.qubits.begin(), op.qubits.end(), j) != op.qubits.end()) {
                if (!op.barrier) lx_.fail(q, "qubit argument '" + std::string(q.text) + "' is used twice in one application");
                continue;
            }
            op.qubits.push_back(j);
        } while (accept(tok::comma));
        expect(tok::semicolon, "';' after the gate application");
        if (!op.barrier && op.qubits.size() != gates_.entry(op.callee).num_qubits) {
            const gate_entry& callee = gates_.entry(op.callee);
            lx_.fail(t, "gate '" + callee.name + "' acts on " + plural(callee.num_qubits, "qubit") + ", got " + std::to_string(op.qubits.size()));
        }
        def.body.push_back(std::move(op));
    }

    std::size_t resolve_gate(const token& name) {
        const std::ptrdiff_t i = gates_.find(name.text);
        if (i >= 0) return static_cast<std::size_t>(i);
        const lib_gate* g = find_lib_gate(name.text);
        if (g && g->tier != lib_tier::recognized && !gates_.included()) {
            lx_.fail(name, "unknown gate '" + std::string(name.text) + "' (it is defined in qelib1.inc: add 'include \"qelib1.inc\";')");
        }
        lx_.fail(name, "unknown gate '" + std::string(name.text) + "'");
    }

    void opaque_decl() {
        const token kw = lx_.next();
        const token name = expect(tok::ident, "a gate name");
        check_gate_name(name);
        const std::vector<std::string> params = param_names();
        const std::vector<std::string> qnames = qubit_names(params);
        expect(tok::semicolon, "';' after the opaque declaration");
        gates_.add_opaque(std::string(name.text), params.size(), qnames.size(), kw.line, kw.col);
    }

    // ---------------------------------------------------------------- operations
    struct arg {
        const reg_info* reg = nullptr;
        bool indexed = false;
        std::size_t index = 0;
        token at;
    };

    const reg_info& find_register(const token& name, bool quantum) const {
        for (const auto* regs : {&res_.qregs, &res_.cregs}) {
            for (const reg_info& r : *regs) {
                if (r.name != name.text) continue;
                if (r.quantum != quantum) {
                    lx_.fail(name, "'" + r.name + "' is a " + (r.quantum ? "quantum" : "classical") + " register; expected a " +
                                       (quantum ? "quantum" : "classical") + " one");
                }
                return r;
            }
        }
        lx_.fail(name, std::string("unknown ") + (quantum ? "quantum" : "classical") + " register '" + quote_source(name.text) + "'");
    }

    arg parse_arg(bool quantum) {
        arg a;
        a.at = lx_.peek();
        if (a.at.kind != tok::ident) {
            lx_.fail(a.at, std::string("expected a ") + (quantum ? "qubit or quantum register" : "bit or classical register") + ", got " + describe(a.at));
        }
        lx_.next();
        a.reg = &find_register(a.at, quantum);
        if (accept(tok::lbracket)) {
            const token i = expect(tok::integer, "an index");
            const std::uint64_t v = integer_value(lx_, i);
            expect(tok::rbracket, "']' after the index");
            if (v >= a.reg->size) {
                lx_.fail(i, "index " + std::to_string(v) + " is out of range for register '" + a.reg->name + "' of size " + std::to_string(a.reg->size));
            }
            a.indexed = true;
            a.index = static_cast<std::size_t>(v);
        }
        return a;
    }

    static std::size_t position(const arg& a, std::size_t i) { return a.reg->offset + (a.indexed ? a.index : i); }
    static std::string bit_name(const arg& a, std::size_t i) {
        return a.reg->name + "[" + std::to_string(a.indexed ? a.index : i) + "]";
    }

    /// Number of applications a broadcast makes: 1 when every argument is indexed, else the common
    /// size of the register arguments.
    std::size_t broadcast_size(const std::vector<arg>& args, const std::string& what) const {
        std::size_t n = 0;
        const arg* first = nullptr;
        for (const arg& a : args) {
            if (a.indexed) continue;
            if (!first) {
                first = &a;
                n = a.reg->size;
            } else if (a.reg->size != n) {
                lx_.fail(a.at, "registers '" + first->reg->name + "' (size " + std::to_string(n) + ") and '" + a.reg->name + "' (size " +
                                   std::to_string(a.reg->size) + ") have different sizes in " + what);
            }
        }
        return first ? n : 1;
    }

    void quantum_op(std::optional<Condition> cond) {
        out_.set_condition(cond);
        const token t = lx_.peek();
        switch (t.kind) {
        case tok::kw_measure: return measure();
        case tok::kw_reset: return reset();
        case tok::kw_barrier:
            if (cond) lx_.fail(t, "'barrier' cannot be conditioned");
            return barrier();
        case tok::kw_U:
        case tok::kw_CX:
        case tok::ident: return gate_call();
        default: break;
        }
        lx_.fail(t, "expected a statement (a gate application, measure, reset, barrier, if, qreg, creg, gate, opaque or include), got " + describe(t));
    }

    void measure() {
        lx_.next();
        const arg q = parse_arg(true);
        expect(tok::arrow, "'->' after the measured qubit");
        const arg c = parse_arg(false);
        expect(tok::semicolon, "';' after the measurement");
        if (q.indexed != c.indexed) lx_.fail(c.at, "measure takes a qubit into a bit or a register into a register");
        if (!q.indexed && q.reg->size != c.reg->size) {
            lx_.fail(c.at, "cannot measure register '" + q.reg->name + "' of size " + std::to_string(q.reg->size) + " into register '" +
                               c.reg->name + "' of size " + std::to_string(c.reg->size));
        }
        const std::size_t n = q.indexed ? 1 : q.reg->size;
        for (std::size_t i = 0; i < n; ++i) {
            Operation op;
            op.type = OpType::measure;
            op.targets = {static_cast<qubit_t>(position(q, i))};
            op.clbit = position(c, i);
            push(std::move(op));
        }
    }

    void reset() {
        lx_.next();
        const arg q = parse_arg(true);
        expect(tok::semicolon, "';' after the reset");
        const std::size_t n = q.indexed ? 1 : q.reg->size;
        for (std::size_t i = 0; i < n; ++i) {
            Operation op;
            op.type = OpType::reset;
            op.targets = {static_cast<qubit_t>(position(q, i))};
            push(std::move(op));
        }
    }

    void barrier() {
        lx_.next();
        Operation op;
        op.type = OpType::barrier;
        do {
            const arg a = parse_arg(true);
            const std::size_t n = a.indexed ? 1 : a.reg->size;
            for (std::size_t i = 0; i < n; ++i) {
                const auto q = static_cast<qubit_t>(position(a, i));
                if (std::find(op.targets.begin(), op.targets.end(), q) == op.targets.end()) op.targets.push_back(q);
            }
        } while (accept(tok::comma));
        expect(tok::semicolon, "';' after the barrier");
        push(std::move(op));
    }

    void gate_call() {
        const token name = lx_.next();
        std::size_t id = 0;
        if (name.kind == tok::kw_U) id = gates_.U();
        else if (name.kind == tok::kw_CX) id = gates_.CX();
        else id = resolve_gate(name);
        const gate_entry& g = gates_.entry(id);
        // Angles: constant expressions, evaluated now.
        std::vector<double> params;
        if (accept(tok::lparen)) {
            if (!accept(tok::rparen)) {
                do {
                    const token at = lx_.peek();
                    exprs_.clear();
                    const double v = exprs_.eval(expr_parser(lx_, exprs_, {}).parse(), {});
                    if (!std::isfinite(v)) lx_.fail(at, std::string("the angle evaluates to ") + (std::isnan(v) ? "nan" : "infinity"));
                    params.push_back(v);
                } while (accept(tok::comma));
                expect(tok::rparen, "',' or ')' after a gate parameter");
            }
        }
        if (params.size() != g.num_params) {
            lx_.fail(name, "gate '" + g.name + "' takes " + plural(g.num_params, "parameter") + ", got " + std::to_string(params.size()));
        }
        std::vector<arg> args;
        if (lx_.peek().kind != tok::semicolon) {
            do {
                args.push_back(parse_arg(true));
            } while (accept(tok::comma));
        }
        expect(tok::semicolon, "',' or ';' after the gate arguments");
        if (args.size() != g.num_qubits) {
            lx_.fail(name, "gate '" + g.name + "' acts on " + plural(g.num_qubits, "qubit") + ", got " + std::to_string(args.size()));
        }
        if (g.kind == gate_entry::kind_t::opaque) lx_.fail(name, "opaque gate '" + g.name + "' has no definition and cannot be applied");
        if (!g.opaque_callee.empty()) {
            lx_.fail(name, "gate '" + g.name + "' applies opaque gate '" + g.opaque_callee + "', which has no definition");
        }
        const std::string what = "'" + g.name + "'";
        const std::size_t n = broadcast_size(args, what);
        // Bound the expansion before doing it (see qasm_gates.hpp).
        const std::uint64_t room = lim_.max_operations - std::min(lim_.max_operations, out_.count());
        if (g.size > room / n) {
            lx_.fail(name, "applying gate '" + g.name + "' would make the program more than " + std::to_string(lim_.max_operations) +
                               " operations (qasm_options::max_operations)");
        }
        reserve_ops(g.size * n);
        std::vector<qubit_t> qs(args.size());
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < args.size(); ++j) {
                qs[j] = static_cast<qubit_t>(position(args[j], i));
                for (std::size_t k = 0; k < j; ++k)
                    if (qs[k] == qs[j]) lx_.fail(args[j].at, "qubit " + bit_name(args[j], i) + " is used twice in " + what);
            }
            gates_.expand(out_, id, params, qs, lim_.qiskit_cu3);
        }
    }

    void if_stmt() {
        lx_.next();
        expect(tok::lparen, "'(' after 'if'");
        const token name = expect(tok::ident, "a classical register name");
        const reg_info& r = find_register(name, false);
        if (lx_.peek().kind == tok::lbracket) lx_.fail(lx_.peek(), "an OpenQASM 2 condition compares a whole classical register, not one bit");
        expect(tok::eqeq, "'==' in the condition");
        const token v = expect(tok::integer, "a non-negative integer to compare with");
        const std::uint64_t value = integer_value(lx_, v);
        expect(tok::rparen, "')' after the condition");
        if (r.size > 64) lx_.fail(name, "condition on register '" + r.name + "' of " + std::to_string(r.size) + " bits; at most 64 are supported");
        Condition c;
        c.first = r.offset;
        c.count = r.size;
        c.value = value;
        c.name = r.name;
        const token& next = lx_.peek();
        if (next.kind == tok::kw_if) lx_.fail(next, "'if' cannot be nested");
        quantum_op(std::move(c));
    }

    void push(Operation op) {
        reserve_ops(1);
        out_.push(std::move(op));
    }

    /// The operation list is the one allocation that grows with the input. Before a statement
    /// appends up to `more` operations, check the memory limit whenever the list is about to
    /// pass the size checked last by another 2^16 entries.
    void reserve_ops(std::uint64_t more) {
        const std::uint64_t want = sat_add(out_.count(), more);
        if (want < next_memory_check_) return;
        next_memory_check_ = sat_add(want, std::uint64_t{1} << 16);
        const std::uint64_t per_op = sizeof(Operation) + 64; // the struct and its small vectors
        check_memory(want > std::numeric_limits<std::uint64_t>::max() / per_op ? std::numeric_limits<std::uint64_t>::max() : want * per_op,
                     "importing the OpenQASM program");
    }

    std::string source_;
    lexer lx_;
    parse_limits lim_;
    parse_result res_;
    emitter out_;
    gate_table gates_;
    expr_pool exprs_;
    std::uint64_t next_memory_check_ = 0;
};

} // namespace qcoach::detail::qasm
