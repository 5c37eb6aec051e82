#include <catch2/catch.hpp>

#include <numbers>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;

namespace {

/// A circuit with every kind of gate the IR supports, angles symbolic where the gate has any.
Circuit every_gate_circuit(qubit_t n, Rng& rng) {
    Circuit c(n);
    std::size_t k = 0;
    auto sym = [&](double scale, double offset) { return Param::symbol(k++, scale, offset); };
    c.h(0).x(1).y(2).z(3).s(0).sdg(1).t(2).tdg(3).sx(4).sxdg(0).i(1);
    c.rx(1, sym(2.0, 0.1)).ry(2, sym(-1.0, 0.0)).rz(3, sym(0.5, -0.3)).p(4, sym(1.0, 0.2));
    c.u2(0, sym(1.0, 0.0), Param(0.4)).u3(1, sym(1.0, 0.0), sym(-0.5, 0.0), Param(-0.7));
    c.cx(0, 4).cy(4, 1).cz(2, 0).ch(3, 1).swap(0, 3).iswap(1, 4).sqrt_swap(2, 3);
    c.crx(4, 0, sym(1.0, 0.0)).cry(1, 3, sym(1.0, 0.0)).crz(0, 2, sym(1.0, 0.0)).cp(3, 4, sym(1.0, 0.0));
    c.cu3(2, 1, sym(1.0, 0.0), Param(0.3), sym(1.0, 0.0));
    c.rxx(0, 2, sym(1.0, 0.0)).ryy(3, 1, sym(1.0, 0.0)).rzz(4, 2, sym(1.0, 0.0));
    c.ccx(0, 1, 2).cswap(4, 0, 3);
    c.mc(GateKind::ry, {0, 2}, 4, {sym(1.0, 0.0)}, {1, 0});
    c.mc(GateKind::u3, {1}, 3, {Param(0.1), sym(1.0, 0.0), Param(0.2)}, {0});
    c.unitary({1, 3}, test::random_unitary(4, rng));
    Eigen::VectorXcd d(8);
    for (auto& x : d) x = std::polar(1.0, rng.uniform() * 6);
    c.diagonal({4, 0, 2}, d);
    return c;
}

std::vector<double> random_params(std::size_t k, Rng& rng) {
    std::vector<double> t(k);
    for (auto& x : t) x = (rng.uniform() * 2 - 1) * 3;
    return t;
}

} // namespace

TEMPLATE_TEST_CASE("running a circuit equals applying its gates by hand", "[circuit]", float, double) {
    Circuit c(3);
    c.h(0).rx(1, Param::symbol(0, 2.0, 0.5)).cx(0, 2).crz(2, 1, Param::symbol(1)).u3(0, Param::symbol(1, -1.0), 0.3, Param::symbol(0));
    c.mc(GateKind::x, {0, 1}, 2, {}, {0, 1});
    REQUIRE(c.num_params() == 2);
    const std::vector<double> theta{0.7, -1.3};
    StateVector<TestType> a(3), b(3);
    run(c, a, theta);
    apply(b, gates::h(0));
    apply(b, gates::rx(1, 2.0 * 0.7 + 0.5));
    apply(b, gates::cx(0, 2));
    apply(b, gates::crz(2, 1, -1.3));
    apply(b, gates::u3(0, 1.3, 0.3, 0.7));
    apply(b, gates::mcu({0, 1}, 2, gates::mat::x(), {0, 1}));
    CHECK(a.fidelity(b) == Approx(1.0).margin(1e-6));
    double err = 0;
    for (index_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(cd(a[i]) - cd(b[i])));
    CHECK(err < test::state_tolerance<TestType>());
}

TEST_CASE("inverse undoes every gate kind", "[circuit][inverse]") {
    Rng rng(17);
    const Circuit c = every_gate_circuit(5, rng);
    const Circuit inv = c.inverse();
    CHECK(inv.size() == c.size());
    CHECK(inv.num_params() == c.num_params());
    const auto theta = random_params(c.num_params(), rng);
    const StateVector<double> psi0 = test::random_state<double>(5, rng);
    StateVector<double> psi(psi0);
    run(c, psi, theta);
    CHECK(psi.fidelity(psi0) < 0.999); // the circuit does something
    run(inv, psi, theta);
    double err = 0;
    for (index_t i = 0; i < psi.size(); ++i) err = std::max(err, std::abs(psi[i] - psi0[i]));
    CHECK(err < 1e-12);
    // Each operation's inverse matrix is the adjoint of its matrix.
    for (const Operation& op : c.operations()) {
        const Eigen::MatrixXcd m = bind_gate(op, theta).full_matrix();
        const Eigen::MatrixXcd mi = bind_gate(inverse_of(op), theta).full_matrix();
        INFO(op.name());
        CHECK((mi * m).isApprox(Eigen::MatrixXcd::Identity(m.rows(), m.cols()), 1e-12));
    }
}

TEST_CASE("a circuit is built once and run for many parameter vectors", "[circuit]") {
    Circuit c(2);
    c.ry(0, Param::symbol(0)).cx(0, 1).ry(1, Param::symbol(1));
    for (double a : {0.0, 0.4, 1.9}) {
        StateVector<double> psi(2);
        run(c, psi, std::vector<double>{a, -a});
        // <Z0> after RY(a) on |0> is cos a; CX then copies it onto qubit 1's parity.
        const double p1 = std::norm(psi[1]) + std::norm(psi[3]);
        CHECK(1 - 2 * p1 == Approx(std::cos(a)).margin(1e-12));
    }
}

TEST_CASE("counts, depth, qubits touched and the text dump", "[circuit]") {
    Circuit c(4, 2);
    c.h(0).h(1).cx(0, 1).rz(3, Param::symbol(2, 0.5, 1.0)).barrier().cx(1, 2).measure(2, 1);
    const auto counts = c.count_ops();
    CHECK(counts.at("h") == 2);
    CHECK(counts.at("cx") == 2);
    CHECK(counts.at("rz") == 1);
    CHECK(counts.at("measure") == 1);
    CHECK(counts.count("barrier") == 0);
    // h(0), h(1) | cx(0,1) | barrier aligns all qubits at 2 | cx(1,2) | measure(2)
    CHECK(c.depth() == 4);
    CHECK(c.qubits_touched() == std::vector<qubit_t>{0, 1, 2, 3});
    CHECK(c.num_params() == 3);
    const std::string dump = c.to_string();
    CHECK(dump.find("rz(0.5*theta[2] + 1) q[3]") != std::string::npos);
    CHECK(dump.find("cx q[0], q[1]") != std::string::npos);
    CHECK(dump.find("measure q[2] -> c[1]") != std::string::npos);
    CHECK_FALSE(c.is_unitary());
    CHECK(Circuit(3).h(0).cx(0, 2).depth() == 2);
}

TEMPLATE_TEST_CASE("measurement, reset and classical conditions", "[circuit][measure]", float, double) {
    // Bell pair measured: both bits agree, each outcome about half the time.
    Circuit bell(2, 2);
    bell.h(0).cx(0, 1).measure(0, 0).measure(1, 1);
    CHECK_FALSE(bell.has_mid_circuit_operations());
    int ones = 0;
    bool agree = true;
    for (std::uint64_t seed = 0; seed < 400; ++seed) {
        StateVector<TestType> psi(2);
        run_options o;
        o.seed = seed;
        const auto bits = run(bell, psi, std::span<const double>{}, o);
        agree = agree && bits[0] == bits[1];
        ones += bits[0];
    }
    CHECK(agree);
    CHECK(ones > 140);
    CHECK(ones < 260);

    // Conditioned correction: measure |1> into c0, then X on qubit 1 only if c == 1.
    Circuit fix(2, 1);
    fix.x(0).measure(0, 0).x(1).c_if({0, 1, 1, "c"}).reset(0);
    CHECK(fix.has_mid_circuit_operations());
    StateVector<TestType> psi(2);
    const auto bits = run(fix, psi);
    CHECK(bits[0] == 1);
    CHECK(std::abs(psi[2]) == Approx(1.0)); // qubit 1 flipped, qubit 0 reset to 0
    // The condition false: nothing happens.
    Circuit skip(2, 1);
    skip.measure(0, 0).x(1).c_if({0, 1, 1, "c"});
    StateVector<TestType> psi2(2);
    run(skip, psi2);
    CHECK(std::abs(psi2[0]) == Approx(1.0));
}

TEST_CASE("circuit errors name the bad value", "[circuit][errors]") {
    CHECK_THROWS_MATCHES(Circuit(0), value_error, test::MessageContains("got 0"));
    Circuit c(3, 1);
    CHECK_THROWS_MATCHES(c.h(3), index_error, test::MessageContains("h: qubit 3 out of range [0, 3)"));
    CHECK_THROWS_MATCHES(c.cx(1, 1), index_error, test::MessageContains("qubit 1 is used more than once"));
    CHECK_THROWS_MATCHES(c.measure(0, 1), index_error, test::MessageContains("classical bit 1 out of range [0, 1)"));
    CHECK_THROWS_MATCHES(c.mc(GateKind::cx, {0}, 1), value_error, test::MessageContains("uncontrolled one-qubit gate kind"));
    CHECK_THROWS_MATCHES(c.unitary({0, 1}, Eigen::MatrixXcd::Identity(2, 2)), value_error, test::MessageContains("4x4"));
    CHECK_THROWS_MATCHES(Circuit(2).c_if({0, 1, 0, "c"}), value_error, test::MessageContains("no operation"));
    CHECK_THROWS_MATCHES(c.x(0).c_if({0, 2, 1, "c"}), index_error, test::MessageContains("outside the 1 classical bits"));
    Operation bad;
    bad.kind = GateKind::rx;
    bad.targets = {0};
    CHECK_THROWS_MATCHES(c.add(bad), value_error, test::MessageContains("rx takes 1 angle(s), got 0"));
    CHECK_THROWS_MATCHES(Param(std::nan("")), value_error, test::MessageContains("not finite"));

    Circuit p(2);
    p.rx(0, Param::symbol(4));
    StateVector<double> psi(2);
    CHECK_THROWS_MATCHES(run(p, psi, std::vector<double>{0.1}), index_error,
                         test::MessageContains("uses 5 parameters but 1 were given"));
    StateVector<double> wrong(3);
    CHECK_THROWS_MATCHES(run(p, wrong, std::vector<double>(5)), value_error, test::MessageContains("on a state of 3 qubits"));
    Circuit m(1, 1);
    m.measure(0, 0);
    CHECK_THROWS_MATCHES(m.inverse(), value_error, test::MessageContains("not unitary"));
    CHECK_THROWS_MATCHES(m.bind(), value_error, test::MessageContains("only unitary circuits"));
    CHECK(psi[0] == cd(1.0)); // failed runs changed nothing
}
