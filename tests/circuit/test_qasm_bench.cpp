// QASMBench (small) circuits: all load; those without mid-circuit measurement, reset or `if`
// give the state of an independent dense reference: each operation's matrix as the Kronecker
// product I ⊗ m on the whole register (test::apply_reference, which the gate tests tie to the
// explicitly formed product), applied one by one to |0...0>, final measurements left out.
// Also the fuzzing corpus: every file there parses (and round-trips) or throws a parse_error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;
namespace fs = std::filesystem;

namespace {

const fs::path bench_dir = fs::path(QCOACH_TEST_DATA_DIR) / "qasmbench-small";
const fs::path corpus_dir = fs::path(QCOACH_TEST_DATA_DIR) / "qasm_corpus";

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext = "") {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && (ext.empty() || e.path().extension() == ext)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

/// The circuit without its measurements (all terminal when this is called).
Circuit without_measurements(const Circuit& c) {
    Circuit u(c.num_qubits(), c.num_clbits());
    for (const Operation& op : c.operations())
        if (op.type != OpType::measure) u.add(op);
    return u;
}

Eigen::VectorXcd dense_reference(const Circuit& c) {
    const qubit_t n = c.num_qubits();
    Eigen::VectorXcd v = Eigen::VectorXcd::Zero(Eigen::Index{1} << n);
    v(0) = 1.0;
    for (const Gate& g : c.bind()) v = test::apply_reference(g.full_matrix(), g.qubits(), n, v);
    return v;
}

// Two files of the suite measure into a register "q"/"c" they never declare; a correct reader
// must reject them. With those last lines removed they are ordinary circuits.
struct known_bad {
    const char* file;
    const char* message;
};
const known_bad malformed[] = {
    {"vqe_uccsd_n4.qasm", "vqe_uccsd_n4.qasm:225:9: unknown quantum register 'q'"},
    {"vqe_uccsd_n6.qasm", "vqe_uccsd_n6.qasm:2286:9: unknown quantum register 'q'"},
};

std::string drop_undeclared_measurements(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line))
        if (line.rfind("measure q[", 0) != 0) out += line + "\n";
    return out;
}

qasm_program load_bench(const fs::path& p) {
    for (const known_bad& b : malformed) {
        if (p.filename() == b.file) {
            CHECK_THROWS_MATCHES(load_qasm(p.string()), parse_error, test::MessageContains(b.message));
            return parse_qasm(drop_undeclared_measurements(read(p)), p.filename().string());
        }
    }
    return load_qasm(p.string());
}

} // namespace

TEST_CASE("QASMBench small circuits load and match a dense Kronecker-product reference", "[qasm][bench]") {
    const auto files = files_in(bench_dir, ".qasm");
    REQUIRE(files.size() == 41);
    std::size_t compared = 0;
    for (const fs::path& p : files) {
        INFO(p.filename().string());
        const qasm_program prog = load_bench(p);
        const Circuit& c = prog.circuit;
        CHECK(!c.empty());
        if (c.has_mid_circuit_operations()) {
            // No single final state; run one trajectory to see that it executes.
            StateVector<double> psi(c.num_qubits());
            run(c, psi, std::span<const double>(), run_options{default_policy(), 7});
            CHECK(psi.norm() == Approx(1.0).margin(1e-12));
            continue;
        }
        REQUIRE(c.num_qubits() <= 12); // every circuit here is small enough for the reference
        const Circuit u = without_measurements(c);
        StateVector<double> psi(c.num_qubits());
        run(u, psi);
        const Eigen::VectorXcd ref = dense_reference(u);
        const Eigen::VectorXcd got = test::to_eigen(psi);
        const double fidelity = std::norm(ref.dot(got));
        CHECK(fidelity >= 1 - 1e-10);
        CHECK((ref - got).cwiseAbs().maxCoeff() < 1e-10);
        ++compared;
    }
    // The ones with mid-circuit operations: ipea_n2, qec_sm_n5, shor_n5, inverseqft_n4, ...
    CHECK(compared >= 30);
}

TEST_CASE("QASMBench adder computes 0001 + 1111", "[qasm][bench]") {
    const qasm_program p = load_qasm((bench_dir / "adder_n10.qasm").string());
    REQUIRE(p.qregs.size() == 4); // cin[1], a[4], b[4], cout[1]
    StateVector<double> psi(p.circuit.num_qubits());
    run(without_measurements(p.circuit), psi);
    // a = 0001 is restored (qubit 1), b = 0000, carry out = 1 (qubit 9).
    CHECK(std::norm(psi[(index_t{1} << 1) | (index_t{1} << 9)]) == Approx(1.0).margin(1e-12));
}

TEST_CASE("the fuzzing corpus parses or throws a parse_error", "[qasm][corpus]") {
    REQUIRE(fs::is_directory(corpus_dir));
    const auto files = files_in(corpus_dir);
    REQUIRE(!files.empty());
    qasm_options o;
    o.max_operations = 1 << 16; // as in the fuzz target
    std::size_t parsed = 0, rejected = 0;
    for (const fs::path& p : files) {
        INFO(p.filename().string());
        try {
            const qasm_program prog = parse_qasm(read(p), p.filename().string(), o);
            ++parsed;
            // What parses also writes out, and reads back as the same number of operations.
            const qasm_program again = parse_qasm(to_qasm(prog), "exported", o);
            CHECK(again.circuit.size() == prog.circuit.size());
        } catch (const parse_error&) {
            // Every problem of the input is a parse_error with a position; any other exception
            // escapes and fails the test.
            ++rejected;
        }
    }
    CHECK(parsed + rejected == files.size());
}
