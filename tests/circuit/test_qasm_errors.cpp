// Malformed OpenQASM programs: each must throw a parse_error with exactly this message
// ("file:line:col: what was expected / what is wrong"), never crash.
#include <catch2/catch.hpp>

#include <string>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"

using namespace qcoach;

namespace {

struct broken {
    bool with_header; ///< prepend "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" (the program then starts on line 3)
    const char* program;
    const char* message;
};

// clang-format off
const broken table[] = {
    {false, "OPENQASM 3.0;\n", "prog.qasm:1:10: unsupported OpenQASM version 3.0 (this importer reads OpenQASM 2.0)"},
    {true, "qreg q[2];\ncxx q[0],q[1];\n", "prog.qasm:4:1: unknown gate 'cxx'"},
    {true, "qreg q[2]\nh q[0];\n", "prog.qasm:4:1: expected ';' after the register declaration, got identifier 'h'"},
    {true, "qreg q[2];\nh r[0];\n", "prog.qasm:4:3: unknown quantum register 'r'"},
    {true, "qreg q[2];\nh q[2];\n", "prog.qasm:4:5: index 2 is out of range for register 'q' of size 2"},
    {true, "qreg q[2];\ncreg q[2];\n", "prog.qasm:4:6: register 'q' is already declared"},
    {true, "qreg q[0];\n", "prog.qasm:3:8: register 'q' must have at least one bit"},
    {true, "qreg q[99999999999999999999999];\n", "prog.qasm:3:8: integer 99999999999999999999999 is too large"},
    {true, "qreg q[1];\nrx q[0];\n", "prog.qasm:4:1: gate 'rx' takes 1 parameter, got 0"},
    {true, "qreg q[2];\ncx q[0];\n", "prog.qasm:4:1: gate 'cx' acts on 2 qubits, got 1"},
    {true, "qreg q[2];\ncx q[0],q[0];\n", "prog.qasm:4:9: qubit q[0] is used twice in 'cx'"},
    {true, "qreg a[2];\nqreg b[3];\ncx a,b;\n", "prog.qasm:5:6: registers 'a' (size 2) and 'b' (size 3) have different sizes in 'cx'"},
    {true, "qreg q[2];\ncreg c[3];\nmeasure q -> c;\n", "prog.qasm:5:14: cannot measure register 'q' of size 2 into register 'c' of size 3"},
    {true, "qreg q[2];\nmeasure q[0] -> q[1];\n", "prog.qasm:4:17: 'q' is a quantum register; expected a classical one"},
    {true, "creg c[1];\nqreg q[1];\nx c[0];\n", "prog.qasm:5:3: 'c' is a classical register; expected a quantum one"},
    {false, "OPENQASM 2.0;\ninclude \"other.inc\";\n", "prog.qasm:2:9: cannot include \"other.inc\": only \"qelib1.inc\" is available (it is built in; no files are read)"},
    {false, "OPENQASM 2.0;\nqreg q[1];\nh q[0];\n", "prog.qasm:3:1: unknown gate 'h' (it is defined in qelib1.inc: add 'include \"qelib1.inc\";')"},
    {true, "opaque magic q;\nqreg q[1];\nmagic q[0];\n", "prog.qasm:5:1: opaque gate 'magic' has no definition and cannot be applied"},
    {true, "opaque magic q;\ngate g a { magic a; }\nqreg q[1];\ng q[0];\n", "prog.qasm:6:1: gate 'g' applies opaque gate 'magic', which has no definition"},
    {true, "gate h a { x a; }\n", "prog.qasm:3:6: gate 'h' is already defined in qelib1.inc"},
    {true, "gate g a { x a; }\ngate g a { y a; }\n", "prog.qasm:4:6: gate 'g' is already defined at 3:1"},
    {true, "gate g a { measure a -> c[0]; }\n", "prog.qasm:3:12: 'measure' is not allowed in a gate body (only gate applications and barriers are)"},
    {true, "gate g(t) a { rx(s) a; }\n", "prog.qasm:3:18: unknown parameter 's'"},
    {true, "gate g a { x b; }\n", "prog.qasm:3:14: unknown qubit argument 'b' in the gate body"},
    {true, "gate g a { x a[0]; }\n", "prog.qasm:3:15: qubit arguments of a gate are used without an index"},
    {true, "gate g a { x a;\n", "prog.qasm:3:10: gate body '{' is never closed"},
    {true, "qreg q[1];\nrx(1 +) q[0];\n", "prog.qasm:4:7: expected an expression (number, pi, parameter, function or '('), got ')'"},
    {true, "qreg q[1];\nrx(foo(1)) q[0];\n", "prog.qasm:4:4: unknown function 'foo' (expected sin, cos, tan, exp, ln or sqrt)"},
    {true, "qreg q[1];\nrx(theta) q[0];\n", "prog.qasm:4:4: unknown identifier 'theta' in expression (only gate bodies have parameters)"},
    {true, "qreg q[1];\nrx(1/0) q[0];\n", "prog.qasm:4:4: the angle evaluates to infinity"},
    {true, "qreg q[1];\nrx(ln(-1)) q[0];\n", "prog.qasm:4:4: the angle evaluates to nan"},
    {true, "qreg q[1];\nrx((1) q[0];\n", "prog.qasm:4:8: expected ',' or ')' after a gate parameter, got identifier 'q'"},
    {true, "qreg q[1];\ncreg c[1];\nif (c[0]==1) x q[0];\n", "prog.qasm:5:6: an OpenQASM 2 condition compares a whole classical register, not one bit"},
    {true, "qreg q[1];\ncreg c[1];\nif (c=1) x q[0];\n", "prog.qasm:5:6: unexpected '=': a condition is written 'if (creg == value)'"},
    {true, "qreg q[1];\ncreg c[1];\nif (c==1) barrier q;\n", "prog.qasm:5:11: 'barrier' cannot be conditioned"},
    {true, "qreg q[1];\ncreg c[1];\nif (c==1) if (c==0) x q[0];\n", "prog.qasm:5:11: 'if' cannot be nested"},
    {false, "qreg q[1];\nOPENQASM 2.0;\n", "prog.qasm:2:1: 'OPENQASM' must be the first statement of the program"},
    {true, "qreg q[1];\nh q[0]; @\n", "prog.qasm:4:9: unexpected character '@'"},
    {false, "OPENQASM 2.0;\ninclude \"qelib1.inc;\n", "prog.qasm:2:9: unterminated string"},
    {true, "creg c[1];\n", "prog.qasm:4:1: the program declares no quantum register (qreg)"},
    {true, "qreg q[1];\nrx(1e) q[0];\n", "prog.qasm:4:4: malformed number '1e': the exponent has no digits"},
    {true, "qreg q[1];\nrx(1e999) q[0];\n", "prog.qasm:4:4: number 1e999 is out of range"},
    {true, "gate g a,b { cx a,a; }\n", "prog.qasm:3:19: qubit argument 'a' is used twice in one application"},
    {true, "gate g(a,a) q { }\n", "prog.qasm:3:10: parameter 'a' is declared twice"},
    {true, "qreg q[1];\ncreg c[65];\nif (c==1) x q[0];\n", "prog.qasm:5:5: condition on register 'c' of 65 bits; at most 64 are supported"},
    {true, "qreg q[1];\nif (d==1) x q[0];\n", "prog.qasm:4:5: unknown classical register 'd'"},
    {true, "gate g a { cx a; }\n", "prog.qasm:3:12: gate 'cx' acts on 2 qubits, got 1"},
    {true, "qreg q[2];\ncreg c[2];\nmeasure q -> c[0];\n", "prog.qasm:5:14: measure takes a qubit into a bit or a register into a register"},
    {true, "3;\n", "prog.qasm:3:1: expected a statement (a gate application, measure, reset, barrier, if, qreg, creg, gate, opaque or include), got number '3'"},
    {true, "gate U a { }\n", "prog.qasm:3:6: expected a gate name, got 'U'"},
    {false, "OPENQASM 2.0;\ngate h a { U(pi/2,0,pi) a; }\ninclude \"qelib1.inc\";\n", "prog.qasm:3:9: qelib1.inc defines gate 'h', which the program already defined at 2:1"},
    {true, "gate g(t) a { rx(1/t) a; }\nqreg q[1];\ng(0) q[0];\n", "prog.qasm:5:1: in gate 'g': an angle of 'rx' evaluates to infinity"},
    {true, "qreg q[1];\nU(0,0) q[0];\n", "prog.qasm:4:1: gate 'U' takes 3 parameters, got 2"},
    {true, "qreg q[1];\nreset c;\n", "prog.qasm:4:7: unknown quantum register 'c'"},
    {true, "qreg q[1];\nmeasure q[0] c[0];\n", "prog.qasm:4:14: expected '->' after the measured qubit, got identifier 'c'"},
    {true, "qreg q[1];\nbarrier;\n", "prog.qasm:4:8: expected a qubit or quantum register, got ';'"},
    {true, "gate g a { if (c==1) x a; }\n", "prog.qasm:3:12: 'if' is not allowed in a gate body (only gate applications and barriers are)"},
    {true, "gate g a, { x a; }\n", "prog.qasm:3:11: expected a qubit argument name, got '{'"},
    {true, "qreg q[1];\nx q[0]\n", "prog.qasm:5:1: expected ',' or ';' after the gate arguments, got end of input"},
    {true, "qreg q[1];\nx q[-1];\n", "prog.qasm:4:5: expected an index, got '-'"},
    {true, "qreg q[1];\nx q[0.5];\n", "prog.qasm:4:5: expected an index, got number '0.5'"},
    {true, "gate g() { }\n", "prog.qasm:3:10: expected a qubit argument name, got '{'"},
};
// clang-format on

std::string full_text(const broken& b) {
    return (b.with_header ? std::string("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n") : std::string()) + b.program;
}

} // namespace

TEST_CASE("malformed programs give parse errors with line, column and what was expected", "[qasm][errors]") {
    STATIC_REQUIRE(sizeof(table) / sizeof(table[0]) >= 30);
    for (const broken& b : table) {
        const std::string text = full_text(b);
        INFO(text);
        std::string got;
        try {
            parse_qasm(text, "prog.qasm");
            got = "(no error)";
        } catch (const parse_error& e) {
            got = e.what();
            // The position in the message is the one the exception carries.
            CHECK(got.rfind("prog.qasm:" + std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": ", 0) == 0);
            CHECK(e.source() == "prog.qasm");
        }
        CHECK(got == b.message);
    }
}

TEST_CASE("binary and odd input is reported, not crashed on", "[qasm][errors]") {
    using qcoach::test::MessageContains;
    CHECK_THROWS_MATCHES(parse_qasm(std::string("qreg q[1];\n\x01\x02", 14), "bin"), parse_error,
                         MessageContains("bin:2:1: unexpected character '\\x01'"));
    CHECK_THROWS_MATCHES(parse_qasm(std::string("qreg q[1];\0h q[0];", 18), "nul"), parse_error,
                         MessageContains("nul:1:11: unexpected character '\\x00'"));
    CHECK_THROWS_MATCHES(parse_qasm("", "empty"), parse_error, MessageContains("empty:1:1: the program declares no quantum register"));
    CHECK_THROWS_MATCHES(parse_qasm("qreg q[1];\nU(" + std::string(2000, '-') + "1,0,0) q[0];", "minus"), parse_error,
                         MessageContains("minus:2:"));
    CHECK_THROWS_MATCHES(load_qasm("/nonexistent/file.qasm"), parse_error, MessageContains("/nonexistent/file.qasm: cannot open file for reading"));
}
