// OpenQASM 2.0 import: registers and numbering, broadcast, measure/reset/barrier/if,
// expressions, gate definitions (and the same circuits written out), library overrides,
// limits, and the counts convention.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;
using std::numbers::pi;
using qcoach::test::MessageContains;

namespace {

const std::string header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

Circuit parse(const std::string& body, const qasm_options& o = {}) { return parse_qasm(header + body, "test.qasm", o).circuit; }

StateVector<double> final_state(const Circuit& c) {
    StateVector<double> psi(c.num_qubits());
    run(c, psi);
    return psi;
}

/// Same state to 1e-12 in every amplitude (not only up to a phase: the operations must agree).
void check_same_final_state(const Circuit& a, const Circuit& b) {
    REQUIRE(a.num_qubits() == b.num_qubits());
    const auto sa = final_state(a), sb = final_state(b);
    double err = 0;
    for (index_t i = 0; i < sa.size(); ++i) err = std::max(err, std::abs(sa[i] - sb[i]));
    CHECK(err < 1e-12);
}

double angle_of(const std::string& expr) {
    const Circuit c = parse("qreg q[1];\nrz(" + expr + ") q[0];\n");
    REQUIRE(c.size() == 1);
    return c.operations()[0].params[0].constant();
}

} // namespace

TEST_CASE("qubits and bits are numbered in declaration order across registers", "[qasm]") {
    const qasm_program p = parse_qasm(header + "qreg a[2];\ncreg m[1];\nqreg b[3];\ncreg n[2];\nx b[1];\nmeasure b[1] -> n[1];\n");
    REQUIRE(p.qregs == std::vector<qasm_register>{{"a", 0, 2}, {"b", 2, 3}});
    REQUIRE(p.cregs == std::vector<qasm_register>{{"m", 0, 1}, {"n", 1, 2}});
    REQUIRE(p.circuit.num_qubits() == 5);
    REQUIRE(p.circuit.num_clbits() == 3);
    const Operation& x = p.circuit.operations()[0];
    CHECK(x.kind == GateKind::x);
    CHECK(x.targets == std::vector<qubit_t>{3});
    CHECK(p.circuit.operations()[1].clbit == 2);
    // Qubit q is bit q of the amplitude index: b[1] = qubit 3 -> index 8.
    StateVector<double> psi(5);
    const auto bits = run(p.circuit, psi);
    CHECK(std::abs(psi[8]) == Approx(1.0));
    CHECK(bits == std::vector<std::uint8_t>{0, 0, 1});
}

TEST_CASE("register broadcast", "[qasm]") {
    const Circuit c = parse("qreg a[3];\nqreg b[3];\nqreg s[1];\nh a;\ncx a, b;\ncx s[0], b;\nccx a, s[0], b;\n");
    const auto& ops = c.operations();
    REQUIRE(ops.size() == 12);
    for (qubit_t i = 0; i < 3; ++i) {
        CHECK(ops[i].kind == GateKind::h);
        CHECK(ops[i].targets == std::vector<qubit_t>{i});
        CHECK(ops[3 + i].controls == std::vector<qubit_t>{i});
        CHECK(ops[3 + i].targets == std::vector<qubit_t>{3 + i});
        CHECK(ops[6 + i].controls == std::vector<qubit_t>{6});
        CHECK(ops[6 + i].targets == std::vector<qubit_t>{3 + i});
        CHECK(ops[9 + i].controls == std::vector<qubit_t>{i, 6});
        CHECK(ops[9 + i].targets == std::vector<qubit_t>{3 + i});
    }
}

TEST_CASE("measure, reset, barrier and if", "[qasm]") {
    const Circuit c = parse("qreg q[3];\ncreg c[3];\ncreg d[1];\nmeasure q -> c;\nmeasure q[2] -> d[0];\n"
                            "reset q;\nreset q[1];\nbarrier q[2], q;\nbarrier q[0];\n"
                            "if (c == 5) x q[1];\nif(d==1) measure q[0] -> c[0];\nif (c==0) reset q[2];\n");
    const auto& ops = c.operations();
    REQUIRE(ops.size() == 13);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(ops[i].type == OpType::measure);
        CHECK(ops[i].targets[0] == i);
        CHECK(ops[i].clbit == i);
        CHECK(ops[4 + i].type == OpType::reset);
        CHECK(ops[4 + i].targets[0] == i);
    }
    CHECK(ops[3].clbit == 3);
    CHECK(ops[7].targets[0] == 1);
    CHECK(ops[8].type == OpType::barrier);
    CHECK(ops[8].targets == std::vector<qubit_t>{2, 0, 1}); // listed order, each qubit once
    CHECK(ops[9].targets == std::vector<qubit_t>{0});
    REQUIRE(ops[10].condition);
    CHECK(*ops[10].condition == Condition{0, 3, 5, "c"});
    CHECK(ops[11].type == OpType::measure);
    CHECK(*ops[11].condition == Condition{3, 1, 1, "d"});
    CHECK(ops[12].type == OpType::reset);
    CHECK(*ops[12].condition == Condition{0, 3, 0, "c"});
    CHECK(c.has_mid_circuit_operations());
}

TEST_CASE("a conditioned gate runs only when the register holds the value", "[qasm]") {
    const Circuit c = parse("qreg q[2];\ncreg c[2];\nx q[1];\nmeasure q -> c;\nif (c == 2) x q[0];\nif (c == 1) x q[1];\n");
    StateVector<double> psi(2);
    run(c, psi);
    CHECK(std::abs(psi[3]) == Approx(1.0)); // c = 2: q[0] flipped, q[1] untouched
}

TEST_CASE("angle expressions", "[qasm]") {
    CHECK(angle_of("pi") == pi);
    CHECK(angle_of("-pi/2") == -pi / 2);
    CHECK(angle_of("3*pi/8") == Approx(3 * pi / 8).epsilon(1e-15));
    CHECK(angle_of("1 - 2 - 3") == -4.0);  // left-associative
    CHECK(angle_of("8 / 4 / 2") == 1.0);
    CHECK(angle_of("2^3^2") == 512.0);     // right-associative
    CHECK(angle_of("-2^2") == -4.0);       // '^' binds tighter than unary minus
    CHECK(angle_of("2^-1") == 0.5);
    CHECK(angle_of("--1") == 1.0);
    CHECK(angle_of("+1.5e-1") == 0.15);
    CHECK(angle_of(".5") == 0.5);
    CHECK(angle_of("2.") == 2.0);
    CHECK(angle_of("1 + 2*3") == 7.0);
    CHECK(angle_of("(1 + 2)*3") == 9.0);
    CHECK(angle_of("sin(pi/6)") == Approx(0.5).epsilon(1e-15));
    CHECK(angle_of("cos(0) + tan(0)") == 1.0);
    CHECK(angle_of("exp(1)") == std::exp(1.0));
    CHECK(angle_of("ln(exp(2))") == Approx(2.0).epsilon(1e-15));
    CHECK(angle_of("sqrt(2)*sqrt(2)") == Approx(2.0).epsilon(1e-15));
    CHECK(angle_of("((((((1))))))") == 1.0);
    std::string deep(150, '(');
    CHECK(angle_of(deep + "0.25" + std::string(150, ')')) == 0.25);
}

TEST_CASE("gate definitions expand into the caller's operations", "[qasm]") {
    const Circuit c = parse("gate inner(a) x, y { rz(a/2) y; cx x, y; }\n"
                            "qreg q[3];\n"
                            "gate outer(a, b) x, y, z { inner(a) x, y; barrier x, z; U(b, 0, -b) z; CX z, x; inner(b*2) z, y; }\n"
                            "outer(0.5, -pi) q[2], q[0], q[1];\n");
    const auto& ops = c.operations();
    REQUIRE(ops.size() == 7);
    CHECK(ops[0].kind == GateKind::rz);
    CHECK(ops[0].targets == std::vector<qubit_t>{0});
    CHECK(ops[0].params[0].constant() == 0.25);
    CHECK(ops[1].kind == GateKind::cx);
    CHECK(ops[1].controls == std::vector<qubit_t>{2});
    CHECK(ops[2].type == OpType::barrier);
    CHECK(ops[2].targets == std::vector<qubit_t>{2, 1});
    CHECK(ops[3].kind == GateKind::u3);
    CHECK(ops[3].params[0].constant() == -pi);
    CHECK(ops[3].params[2].constant() == pi);
    CHECK(ops[4].controls == std::vector<qubit_t>{1});
    CHECK(ops[5].params[0].constant() == -pi);
    CHECK(ops[5].targets == std::vector<qubit_t>{0});
    CHECK(ops[6].controls == std::vector<qubit_t>{1});
}

TEST_CASE("circuits with custom gates equal the same circuits written out", "[qasm]") {
    struct pair {
        const char* with_gates;
        const char* written_out;
    };
    const pair pairs[] = {
        // Cuccaro adder blocks, as in QASMBench's adder.
        {"gate majority a,b,c { cx c,b; cx c,a; ccx a,b,c; }\n"
         "gate unmaj a,b,c { ccx a,b,c; cx c,a; cx a,b; }\n"
         "qreg cin[1]; qreg a[2]; qreg b[2]; qreg cout[1];\n"
         "x a[0]; x b;\n"
         "majority cin[0],b[0],a[0]; majority a[0],b[1],a[1]; cx a[1],cout[0]; unmaj a[0],b[1],a[1]; unmaj cin[0],b[0],a[0];\n",
         "qreg cin[1]; qreg a[2]; qreg b[2]; qreg cout[1];\n"
         "x a[0]; x b;\n"
         "cx a[0],b[0]; cx a[0],cin[0]; ccx cin[0],b[0],a[0];\n"
         "cx a[1],b[1]; cx a[1],a[0]; ccx a[0],b[1],a[1];\n"
         "cx a[1],cout[0];\n"
         "ccx a[0],b[1],a[1]; cx a[1],a[0]; cx a[0],b[1];\n"
         "ccx cin[0],b[0],a[0]; cx a[0],cin[0]; cx cin[0],b[0];\n"},
        // Parametric, nested three deep, parameters in expressions and functions.
        {"gate rot(t, p) q { rz(p) q; ry(t/2) q; rz(-p) q; }\n"
         "gate ent(t) a, b { rot(t, t^2) a; cx a, b; rot(-t, sin(t)) b; }\n"
         "gate layer(t) a, b, c { ent(t) a, b; ent(2*t) b, c; barrier a, c; ent(t/3) c, a; }\n"
         "qreg q[3];\nh q;\nlayer(0.7) q[0], q[1], q[2];\nlayer(-1.1) q[2], q[0], q[1];\n",
         "qreg q[3];\nh q;\n"
         "rz(0.49) q[0]; ry(0.35) q[0]; rz(-0.49) q[0]; cx q[0],q[1]; rz(sin(0.7)) q[1]; ry(-0.35) q[1]; rz(-sin(0.7)) q[1];\n"
         "rz(1.96) q[1]; ry(0.7) q[1]; rz(-1.96) q[1]; cx q[1],q[2]; rz(sin(1.4)) q[2]; ry(-0.7) q[2]; rz(-sin(1.4)) q[2];\n"
         "rz((0.7/3)^2) q[2]; ry(0.7/6) q[2]; rz(-(0.7/3)^2) q[2]; cx q[2],q[0]; rz(sin(0.7/3)) q[0]; ry(-0.7/6) q[0]; rz(-sin(0.7/3)) q[0];\n"
         "rz(1.21) q[2]; ry(-0.55) q[2]; rz(-1.21) q[2]; cx q[2],q[0]; rz(sin(-1.1)) q[0]; ry(0.55) q[0]; rz(-sin(-1.1)) q[0];\n"
         "rz(4.84) q[0]; ry(-1.1) q[0]; rz(-4.84) q[0]; cx q[0],q[1]; rz(sin(-2.2)) q[1]; ry(1.1) q[1]; rz(-sin(-2.2)) q[1];\n"
         "rz((1.1/3)^2) q[1]; ry(-1.1/6) q[1]; rz(-(1.1/3)^2) q[1]; cx q[1],q[2]; rz(sin(-1.1/3)) q[2]; ry(1.1/6) q[2]; rz(-sin(-1.1/3)) q[2];\n"},
        // A gate applied by broadcast, with a library gate inside.
        {"gate bell a, b { h a; cx a, b; }\nqreg x[2]; qreg y[2];\nbell x, y;\ngate zz(t) a, b { rzz(t) a, b; }\nzz(0.3) x[0], y[1];\n",
         "qreg x[2]; qreg y[2];\nh x[0]; cx x[0], y[0]; h x[1]; cx x[1], y[1];\nrzz(0.3) x[0], y[1];\n"},
        // Definitions written in U and CX only.
        {"gate myh a { U(pi/2, 0, pi) a; }\ngate mycz a, b { myh b; CX a, b; myh b; }\nqreg q[2];\nmyh q;\nmycz q[0], q[1];\nmyh q[1];\n",
         "qreg q[2];\nh q;\ncz q[0], q[1];\nh q[1];\n"},
    };
    for (const pair& p : pairs) {
        INFO(p.with_gates);
        check_same_final_state(parse(p.with_gates), parse(p.written_out));
    }
}

TEST_CASE("a definition of a library gate's name", "[qasm]") {
    // Written out as the library has it: recognized, imported as the library kind.
    const Circuit same = parse("gate rzz(theta) a,b { cx a,b; u1(theta) b; cx a,b; }\nqreg q[2];\nrzz(0.4) q[0], q[1];\n");
    REQUIRE(same.size() == 1);
    CHECK(same.operations()[0].kind == GateKind::rzz);
    // A different definition of an extension replaces the library gate.
    const Circuit other = parse("gate rzz(theta) a,b { rx(theta) a; }\nqreg q[2];\nrzz(0.4) q[0], q[1];\n");
    REQUIRE(other.size() == 1);
    CHECK(other.operations()[0].kind == GateKind::rx);
    // A definition that cannot be evaluated at the angles the comparison uses is simply not the
    // library gate (1/(t - 0.7363) is infinite at the first of them).
    const Circuit odd = parse("gate rzz(t) a,b { rz(1/(t-0.7363)) a; }\nqreg q[2];\nrzz(1) q[0], q[1];\n");
    REQUIRE(odd.size() == 1);
    CHECK(odd.operations()[0].kind == GateKind::rz);
    CHECK(odd.operations()[0].params[0].constant() == Approx(1 / (1 - 0.7363)));
    // Without the include, a program may define the paper's gates itself.
    const Circuit own = parse_qasm("OPENQASM 2.0;\ngate h a { U(pi/2,0,pi) a; }\ngate cx c,t { CX c,t; }\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n").circuit;
    REQUIRE(own.size() == 2);
    CHECK(own.operations()[0].kind == GateKind::h);
    CHECK(own.operations()[1].kind == GateKind::cx);
    // Definitions made before an override keep calling the gate they were written against.
    const Circuit before = parse("gate f a,b { rzz(0.5) a,b; }\ngate rzz(theta) a,b { rx(theta) a; }\nqreg q[2];\nf q[0],q[1];\nrzz(0.2) q[0],q[1];\n");
    REQUIRE(before.size() == 2);
    CHECK(before.operations()[0].kind == GateKind::rzz);
    CHECK(before.operations()[1].kind == GateKind::rx);
}

TEST_CASE("permissive details: no header, comments, CRLF, empty statements", "[qasm]") {
    const Circuit c = parse_qasm("// a comment\r\ninclude \"qelib1.inc\"; // trailing\r\nqreg q[2];;\r\nh q[0]; cx q[0],q[1];\r\n", "crlf").circuit;
    CHECK(c.size() == 2);
    CHECK_THROWS_MATCHES(parse_qasm("qreg q[1];\r\nh q[0];\r\nfoo q[0];\r\n", "crlf.qasm"), parse_error,
                         MessageContains("crlf.qasm:2:1: unknown gate 'h'"));
}

TEST_CASE("opaque gates may be declared but not applied", "[qasm]") {
    const Circuit c = parse("opaque magic(a) x, y;\nqreg q[2];\nh q[0];\ngate uses_magic x { h x; }\n");
    CHECK(c.size() == 1);
}

TEST_CASE("limits on expansion, nesting, registers and depth", "[qasm]") {
    // 2^40 operations from 40 nested doublings: refused before any expansion.
    std::string prog = "qreg q[1];\ngate g0 a { x a; }\n";
    for (int i = 1; i <= 40; ++i) prog += "gate g" + std::to_string(i) + " a { g" + std::to_string(i - 1) + " a; g" + std::to_string(i - 1) + " a; }\n";
    prog += "g40 q[0];\n";
    CHECK_THROWS_MATCHES(parse(prog), parse_error, MessageContains("applying gate 'g40' would make the program more than 4194304 operations"));
    qasm_options small;
    small.max_operations = 100;
    CHECK_THROWS_MATCHES(parse("qreg q[50];\nh q; h q; h q;\n", small), parse_error, MessageContains("more than 100 operations"));
    small.max_gate_depth = 3;
    CHECK_THROWS_MATCHES(parse("qreg q[1];\ngate a x { h x; }\ngate b x { a x; }\ngate c x { b x; }\ngate d x { c x; }\n", small),
                         parse_error, MessageContains("test.qasm:7:6: gate 'd' nests gate definitions 4 deep; the limit is 3"));
    CHECK_THROWS_MATCHES(parse("qreg q[51];\n"), parse_error, MessageContains("test.qasm:3:8: qreg 'q[51]' would make 51 qubits in all; the limit is 50"));
    small.max_qubits = 4;
    CHECK_THROWS_MATCHES(parse("qreg a[3];\nqreg b[2];\n", small), parse_error, MessageContains("would make 5 qubits in all; the limit is 4"));
    CHECK_THROWS_MATCHES(parse("qreg q[1];\nrz(" + std::string(300, '(') + "1" + std::string(300, ')') + ") q[0];\n"), parse_error,
                         MessageContains("expression nested too deeply"));
    std::string chain = "x";
    for (int i = 0; i < 1100; ++i) chain += "+x";
    CHECK_THROWS_MATCHES(parse("qreg q[1];\ngate g(x) a { rz(" + chain + ") a; }\n"), parse_error, MessageContains("expression nested too deeply"));
}

TEST_CASE("classical bits print as OpenQASM tools print counts", "[qasm]") {
    // creg a[2]; creg b[3]; bits a0 a1 b0 b1 b2 -> "b2b1b0 a1a0".
    const std::vector<qasm_register> cregs{{"a", 0, 2}, {"b", 2, 3}};
    CHECK(format_clbits(std::vector<std::uint8_t>{1, 0, 0, 1, 1}, cregs) == "110 01");
    CHECK(format_clbits(std::vector<std::uint8_t>{0, 1, 1, 0, 0}, cregs) == "001 10");
    CHECK(format_clbits(std::vector<std::uint8_t>{1, 1, 0}, std::vector<qasm_register>{}) == "011");
    // Through the importer: measure q[0] (set) into b[2].
    const qasm_program p = parse_qasm(header + "qreg q[1];\ncreg a[2];\ncreg b[3];\nx q[0];\nmeasure q[0] -> b[2];\n");
    StateVector<double> psi(1);
    const auto bits = run(p.circuit, psi);
    CHECK(format_clbits(bits, p.cregs) == "100 00");
}

TEST_CASE("qiskit_cu3 switches the meaning of cu3 only", "[qasm]") {
    qasm_options o;
    o.qiskit_cu3 = true;
    const Circuit a = parse("qreg q[2];\ncu3(0.1,0.2,0.3) q[0],q[1];\n", o);
    const Circuit b = parse("qreg q[2];\ncu(0.1,0.2,0.3,0) q[0],q[1];\n");
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    CHECK(a.operations()[0].kind == b.operations()[0].kind);
    CHECK(a.operations()[0].params == b.operations()[0].params);
}
