// to_qasm: import(export(c)) gives the same operations where the mapping is one-to-one, and the
// same state otherwise; what OpenQASM 2 cannot express is a value_error naming the operation.
#include <catch2/catch.hpp>

#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;
using qcoach::test::MessageContains;

namespace {

void check_same_ops(const Circuit& a, const Circuit& b) {
    REQUIRE(a.num_qubits() == b.num_qubits());
    REQUIRE(a.num_clbits() == b.num_clbits());
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Operation &x = a.operations()[i], &y = b.operations()[i];
        INFO("operation " << i << ": " << x.name() << " vs " << y.name());
        CHECK(x.type == y.type);
        CHECK(x.targets == y.targets);
        if (x.type == OpType::measure) CHECK(x.clbit == y.clbit);
        if (x.type == OpType::gate) {
            CHECK(x.kind == y.kind);
            CHECK(x.controls == y.controls);
            CHECK(x.control_values == y.control_values);
            CHECK(x.params == y.params);
        }
        REQUIRE(x.condition.has_value() == y.condition.has_value());
        if (x.condition) {
            CHECK(x.condition->first == y.condition->first);
            CHECK(x.condition->count == y.condition->count);
            CHECK(x.condition->value == y.condition->value);
        }
    }
}

Circuit round_trip(const Circuit& c) { return parse_qasm(to_qasm(c), "exported").circuit; }

/// Final states from a generic start (a layer of rotations), compared amplitude by amplitude;
/// with `up_to_phase`, only the fidelity.
void check_same_state(const Circuit& a, const Circuit& b, bool up_to_phase = false) {
    REQUIRE(a.num_qubits() == b.num_qubits());
    StateVector<double> sa(a.num_qubits()), sb(b.num_qubits());
    for (qubit_t q = 0; q < a.num_qubits(); ++q) {
        apply(sa, gates::u3(q, 0.3 + q, 0.7 * q, -0.2));
        apply(sb, gates::u3(q, 0.3 + q, 0.7 * q, -0.2));
    }
    run(a, sa);
    run(b, sb);
    CHECK(sa.fidelity(sb) >= 1 - 1e-12);
    if (!up_to_phase) {
        double err = 0;
        for (index_t i = 0; i < sa.size(); ++i) err = std::max(err, std::abs(sa[i] - sb[i]));
        CHECK(err < 1e-12);
    }
}

} // namespace

TEST_CASE("every named kind round-trips to the same operations", "[qasm][export]") {
    Circuit c(5, 4);
    c.i(0).x(1).y(2).z(3).h(4).s(0).sdg(1).t(2).tdg(3).sx(4).sxdg(0);
    c.rx(1, 0.1).ry(2, -0.25).rz(3, 1e-7).p(4, 3.25).u2(0, 0.5, -0.75).u3(1, 1.0 / 3, 2e10, -0.0);
    c.cx(0, 4).cy(4, 1).cz(2, 0).ch(3, 1).crx(4, 0, 0.3).cry(1, 3, -0.3).crz(0, 2, 0.9).cp(3, 4, -1.1);
    c.cu3(2, 1, 0.4, -0.5, 0.6).swap(0, 3).iswap(1, 4).sqrt_swap(2, 3).rxx(0, 2, 0.7).ryy(3, 1, -0.8).rzz(4, 2, 0.9);
    c.ccx(0, 1, 2).cswap(4, 0, 3);
    c.mc(GateKind::x, {0, 1, 2}, 3).mc(GateKind::x, {4, 1, 2, 0}, 3).mc(GateKind::sx, {3, 1, 0}, 2).mc(GateKind::sx, {2}, 4);
    c.barrier().barrier({1, 3}).measure(0, 2).reset(1).measure(4, 0);
    c.x(2).c_if(Condition{0, 4, 9, "c"});
    c.measure(3, 1).c_if(Condition{0, 4, 1, "c"});
    const std::string text = to_qasm(c);
    INFO(text);
    const Circuit back = round_trip(c);
    // x with 3 / 4 controls and sx with 1 / 3 controls are the kinds c3x, c4x, c3sqrtx, csx read as.
    check_same_ops(c, back);
    // Angles are written in the shortest form that reads back exactly.
    CHECK(text.find("rz(1e-07)") == std::string::npos);
    CHECK(text.find("rz(1.0e-07)") != std::string::npos);
    CHECK(text.find("cu(0.4,-0.5,0.6,0)") != std::string::npos);
    CHECK(text.find("gate sqrt_swap a,b") != std::string::npos);
}

TEST_CASE("gates without a one-to-one spelling round-trip to the same state", "[qasm][export]") {
    Rng rng(11);
    Circuit c(4);
    c.h(0).h(1).h(2).h(3);
    c.mc(GateKind::x, {0, 1}, 2);                                  // -> ccx
    c.mc(GateKind::ry, {3}, 0, {Param(0.4)});                      // -> cry
    c.mc(GateKind::u2, {1}, 3, {Param(0.3), Param(-1.2)});         // -> cu with Euler angles
    c.mc(GateKind::s, {2}, 1).mc(GateKind::tdg, {0}, 3).mc(GateKind::y, {1}, 2);
    c.mc(GateKind::h, {0}, 1, {}, {0});                            // control on |0>: x around ch
    c.mc(GateKind::x, {3, 2, 0}, 1, {}, {1, 0, 1});
    c.mc(GateKind::u3, {2}, 0, {Param(0.5), Param(0.6), Param(0.7)}, {0});
    c.cx(0, 1);
    Operation swap_c;
    swap_c.kind = GateKind::swap;
    swap_c.targets = {1, 2};
    swap_c.controls = {0};
    swap_c.control_values = {1};
    c.add(swap_c);                                                 // swap with one control -> cswap
    c.gate(gates::mcu({2}, 3, test::random_unitary(2, rng)));     // controlled 2x2 -> cu (exact)
    c.gate(gates::controlled(gates::u3(0, 0.3, 0.2, 0.1), {1}, {0}));
    const Circuit back = round_trip(c);
    check_same_state(c, back);
}

TEST_CASE("one-qubit user matrices export up to their global phase", "[qasm][export]") {
    Rng rng(3);
    Circuit c(2);
    c.h(0).cx(0, 1);
    c.unitary({1}, test::random_unitary(2, rng));
    Eigen::VectorXcd d(2);
    d << std::polar(1.0, 0.4), std::polar(1.0, -1.3);
    c.diagonal({0}, d);
    const Circuit back = round_trip(c);
    REQUIRE(back.size() == 4);
    CHECK(back.operations()[2].kind == GateKind::u3);
    check_same_state(c, back, true);
}

TEST_CASE("what OpenQASM 2 cannot express is a value_error naming the operation", "[qasm][export]") {
    Rng rng(5);
    Circuit dense(3);
    dense.h(0).unitary({0, 2}, test::random_unitary(4, rng));
    CHECK_THROWS_MATCHES(to_qasm(dense), value_error, MessageContains("to_qasm: operation 'unitary' is a 2-qubit matrix"));
    Circuit diag(3);
    diag.diagonal({0, 1}, Eigen::VectorXcd::Ones(4));
    CHECK_THROWS_MATCHES(to_qasm(diag), value_error, MessageContains("operation 'diagonal' is a 2-qubit diagonal"));
    Circuit mat(1);
    mat.gate(gates::matrix({0}, Eigen::MatrixXcd::Identity(2, 2)));
    CHECK_THROWS_MATCHES(to_qasm(mat), value_error, MessageContains("operation 'matrix' is a general (non-unitary) matrix"));
    Circuit mcx(6);
    mcx.mc(GateKind::x, {0, 1, 2, 3, 4}, 5);
    CHECK_THROWS_MATCHES(to_qasm(mcx), value_error, MessageContains("operation 'x' on 1 target(s) with 5 control(s) has no qelib1.inc name"));
    Circuit mcry(3);
    mcry.mc(GateKind::ry, {0, 1}, 2, {Param(0.2)});
    CHECK_THROWS_MATCHES(to_qasm(mcry), value_error, MessageContains("operation 'ry' on 1 target(s) with 2 control(s)"));
    Circuit cdense(3);
    cdense.gate(gates::controlled(gates::iswap(1, 2), {0}));
    CHECK_THROWS_MATCHES(to_qasm(cdense), value_error, MessageContains("operation 'controlled' on 2 target(s) with 1 control(s)"));
}

TEST_CASE("symbolic angles need theta", "[qasm][export]") {
    Circuit c(2);
    c.h(0).rx(0, Param::symbol(0, 2.0, 0.5)).crz(0, 1, Param::symbol(1));
    CHECK_THROWS_MATCHES(to_qasm(c), value_error, MessageContains("to_qasm: operation 'rx' has symbolic angles (2*theta[0] + 0.5)"));
    qasm_write_options o;
    o.theta = {0.25};
    CHECK_THROWS_AS(to_qasm(c, o), index_error); // too short
    o.theta = {0.25, -0.75};
    const Circuit back = parse_qasm(to_qasm(c, o)).circuit;
    REQUIRE(back.size() == 3);
    CHECK(back.operations()[1].params[0].constant() == 1.0);
    CHECK(back.operations()[2].params[0].constant() == -0.75);
    CHECK(back.num_params() == 0);
}

TEST_CASE("registers and conditions survive the round trip", "[qasm][export]") {
    const std::string text = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg data[3];\nqreg anc[2];\ncreg syn[2];\ncreg out[3];\n"
                             "h data;\ncx data[0], anc[0];\ncx data[1], anc[1];\nmeasure anc -> syn;\n"
                             "if (syn == 1) x data[0];\nif (syn == 3) x data[1];\nreset anc;\nmeasure data -> out;\n";
    const qasm_program p = parse_qasm(text);
    const std::string out = to_qasm(p);
    const qasm_program q = parse_qasm(out);
    CHECK(q.qregs == p.qregs);
    CHECK(q.cregs == p.cregs);
    check_same_ops(p.circuit, q.circuit);
    CHECK(out.find("if(syn==3) x data[1];") != std::string::npos);
    // A circuit built in code: condition ranges become registers named after the conditions.
    Circuit c(2, 5);
    c.h(0).measure(0, 1).measure(1, 2);
    c.x(1).c_if(Condition{1, 2, 3, "flag"});
    c.x(0).c_if(Condition{4, 1, 1, ""});
    const qasm_program r = parse_qasm(to_qasm(c));
    CHECK(r.cregs == std::vector<qasm_register>{{"c", 0, 1}, {"flag", 1, 2}, {"c1", 3, 1}, {"c2", 4, 1}});
    check_same_ops(c, r.circuit);
    // Overlapping condition ranges cannot be registers.
    Circuit bad(1, 3);
    bad.x(0).c_if(Condition{0, 2, 1, "a"});
    bad.x(0).c_if(Condition{1, 2, 1, "b"});
    CHECK_THROWS_MATCHES(to_qasm(bad), value_error, MessageContains("overlap"));
    // Registers given explicitly must cover the bits.
    qasm_write_options o;
    o.qregs = {{"q", 0, 1}};
    CHECK_THROWS_MATCHES(to_qasm(Circuit(2), o), value_error, MessageContains("quantum bit 1 is in no register"));
}

TEST_CASE("QASMBench circuits round-trip to the same operations", "[qasm][export][bench]") {
    namespace fs = std::filesystem;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(fs::path(QCOACH_TEST_DATA_DIR) / "qasmbench-small")) {
        if (e.path().extension() != ".qasm") continue;
        qasm_program p = [&] {
            try {
                return load_qasm(e.path().string());
            } catch (const parse_error&) { // the two files that measure an undeclared register
                return parse_qasm("qreg q[1];");
            }
        }();
        INFO(e.path().filename().string());
        const qasm_program q = parse_qasm(to_qasm(p));
        CHECK(q.qregs == p.qregs);
        CHECK(q.cregs == p.cregs);
        check_same_ops(p.circuit, q.circuit);
        ++n;
    }
    CHECK(n == 41);
}
