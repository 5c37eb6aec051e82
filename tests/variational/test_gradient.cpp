#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include <Eigen/Dense>
#include <unsupported/Eigen/KroneckerProduct>

#include "qcoach/circuit/circuit.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/statevector/statevector.hpp"
#include "qcoach/variational/ansatz.hpp"
#include "qcoach/variational/gradient.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::cd;

namespace {

/// Dense matrix of a Pauli sum on n qubits from Kronecker products of 2x2 matrices (qubit 0 the
/// rightmost factor): independent of the library's Pauli kernels.
Eigen::MatrixXcd dense_pauli_sum(const PauliSum& h, qubit_t n) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    Eigen::MatrixXcd out = Eigen::MatrixXcd::Zero(dim, dim);
    for (const auto& [w, p] : h.terms()) {
        Eigen::MatrixXcd m = Eigen::MatrixXcd::Identity(1, 1);
        for (int q = static_cast<int>(n) - 1; q >= 0; --q) {
            Eigen::Matrix2cd s;
            switch (p.op(static_cast<qubit_t>(q))) {
            case Pauli::I: s << 1, 0, 0, 1; break;
            case Pauli::X: s << 0, 1, 1, 0; break;
            case Pauli::Y: s << 0, cd(0, -1), cd(0, 1), 0; break;
            case Pauli::Z: s << 1, 0, 0, -1; break;
            }
            m = Eigen::kroneckerProduct(m, s).eval();
        }
        out += w * m;
    }
    return out;
}

PauliSum random_pauli_sum(qubit_t n, std::size_t terms, Rng& rng) {
    PauliSum h;
    const index_t all = (index_t{1} << n) - 1;
    for (std::size_t t = 0; t < terms; ++t) h.add(rng.uniform() * 2 - 1, PauliString::from_masks(rng() & all, rng() & all));
    h.add_constant(0.3);
    return h;
}

/// Distinct random qubits.
std::vector<qubit_t> pick(qubit_t n, std::size_t k, Rng& rng) {
    std::vector<qubit_t> all(n);
    for (qubit_t q = 0; q < n; ++q) all[q] = q;
    for (std::size_t i = 0; i < k; ++i) std::swap(all[i], all[i + rng.below(n - i)]);
    all.resize(k);
    return all;
}

/// A random circuit that uses every parametric gate kind (also multi-controlled, with control
/// values 0 and 1), fixed gates between them, and affine angles that share parameters.
Circuit random_circuit(qubit_t n, std::size_t depth, std::size_t num_params, Rng& rng) {
    Circuit c(n);
    auto angle = [&]() -> Param {
        if (rng.uniform() < 0.1) return Param(rng.uniform() * 6 - 3);
        return Param::symbol(rng.below(num_params), rng.uniform() * 3 - 1.5, rng.uniform() - 0.5);
    };
    for (std::size_t d = 0; d < depth; ++d) {
        const auto q = pick(n, 4, rng);
        switch (rng.below(22)) {
        case 0: c.rx(q[0], angle()); break;
        case 1: c.ry(q[0], angle()); break;
        case 2: c.rz(q[0], angle()); break;
        case 3: c.p(q[0], angle()); break;
        case 4: c.u2(q[0], angle(), angle()); break;
        case 5: c.u3(q[0], angle(), angle(), angle()); break;
        case 6: c.crx(q[0], q[1], angle()); break;
        case 7: c.cry(q[0], q[1], angle()); break;
        case 8: c.crz(q[0], q[1], angle()); break;
        case 9: c.cp(q[0], q[1], angle()); break;
        case 10: c.cu3(q[0], q[1], angle(), angle(), angle()); break;
        case 11: c.rxx(q[0], q[1], angle()); break;
        case 12: c.ryy(q[0], q[1], angle()); break;
        case 13: c.rzz(q[0], q[1], angle()); break;
        case 14: c.mc(GateKind::ry, {q[1], q[2]}, q[0], {angle()}, {1, 0}); break;
        case 15: c.mc(GateKind::p, {q[1], q[2]}, q[0], {angle()}, {0, 1}); break;
        case 16: c.mc(GateKind::u3, {q[1]}, q[0], {angle(), angle(), angle()}, {0}); break;
        case 17: c.mc(GateKind::rx, {q[1], q[2], q[3]}, q[0], {angle()}); break;
        case 18: c.h(q[0]).cx(q[1], q[2]); break;
        case 19: c.sx(q[0]).iswap(q[1], q[2]); break;
        case 20: c.unitary({q[0], q[1]}, test::random_unitary(4, rng)); break;
        default: {
            Eigen::VectorXcd dg(4);
            for (auto& x : dg) x = std::polar(1.0, rng.uniform() * 6);
            c.diagonal({q[0], q[2]}, dg).ccx(q[1], q[2], q[3]);
        }
        }
    }
    return c;
}

std::vector<double> random_theta(std::size_t k, Rng& rng) {
    std::vector<double> t(k);
    for (auto& x : t) x = rng.uniform() * 6 - 3;
    return t;
}

/// Central finite differences of energy() (step 1e-5: truncation ~1e-10, rounding ~1e-11).
std::vector<double> finite_difference(const Circuit& c, const PauliSum& h, std::vector<double> theta) {
    const double step = 1e-5;
    std::vector<double> g(theta.size());
    for (std::size_t k = 0; k < theta.size(); ++k) {
        const double t0 = theta[k];
        theta[k] = t0 + step;
        const double ep = energy(c, h, theta);
        theta[k] = t0 - step;
        const double em = energy(c, h, theta);
        theta[k] = t0;
        g[k] = (ep - em) / (2 * step);
    }
    return g;
}

double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

} // namespace

TEST_CASE("H psi of the gradient kernel equals the dense Pauli-sum matrix", "[gradient]") {
    Rng rng(11);
    const qubit_t n = 5;
    const PauliSum h = random_pauli_sum(n, 12, rng);
    const auto psi = test::random_state<double>(n, rng);
    StateVector<double> out(n);
    variational::detail::apply_pauli_sum(psi.data(), out.data(), n, variational::detail::flip_groups(h), default_policy());
    const Eigen::VectorXcd ref = dense_pauli_sum(h, n) * test::to_eigen(psi);
    CHECK((test::to_eigen(out) - ref).cwiseAbs().maxCoeff() < 1e-12);
}

TEMPLATE_TEST_CASE("pair overlaps of the adjoint pass: SIMD and scalar paths against a direct sum", "[gradient]", float, double) {
    // M_rc = sum conj(lambda[k_r]) psi[k_c] over the pairs that differ in bit t, for every t:
    // targets inside a SIMD register and above it.
    Rng rng(13);
    const qubit_t n = 7;
    const auto lambda = test::random_state<TestType>(n, rng);
    const auto psi = test::random_state<TestType>(n, rng);
    exec_policy simd, scalar;
    scalar.path = kernel_path::scalar;
    const double tol = std::is_same_v<TestType, float> ? 2e-6 : 1e-14;
    for (qubit_t t = 0; t < n; ++t) {
        cd ref[4] = {};
        for (index_t k = 0; k < psi.size(); ++k) {
            if ((k >> t) & 1) continue;
            const index_t k1 = k | (index_t{1} << t);
            ref[0] += std::conj(cd(lambda[k])) * cd(psi[k]);
            ref[1] += std::conj(cd(lambda[k])) * cd(psi[k1]);
            ref[2] += std::conj(cd(lambda[k1])) * cd(psi[k]);
            ref[3] += std::conj(cd(lambda[k1])) * cd(psi[k1]);
        }
        for (const exec_policy& pol : {simd, scalar}) {
            const auto m = variational::detail::pair_overlaps(lambda.data(), psi.data(), n, t, pol);
            INFO("t = " << t << (pol.path == kernel_path::scalar ? " scalar" : " simd"));
            for (int i = 0; i < 4; ++i) {
                CHECK(std::abs(m.re[i] - ref[i].real()) < tol);
                CHECK(std::abs(m.im[i] - ref[i].imag()) < tol);
            }
        }
    }
}

TEST_CASE("energy equals <psi|H|psi> with the dense Hamiltonian", "[gradient]") {
    Rng rng(12);
    const qubit_t n = 4;
    const Circuit c = random_circuit(n, 25, 6, rng);
    const PauliSum h = random_pauli_sum(n, 10, rng);
    const auto theta = random_theta(6, rng);
    const Eigen::VectorXcd v = test::to_eigen(prepare_state(c, theta));
    const double ref = (v.adjoint() * dense_pauli_sum(h, n) * v)(0, 0).real();
    CHECK(energy(c, h, theta) == Approx(ref).margin(1e-12));
    CHECK(adjoint_gradient(c, h, theta).energy == Approx(ref).margin(1e-12));
    CHECK(parameter_shift_gradient(c, h, theta).energy == Approx(ref).margin(1e-12));
}

TEST_CASE("adjoint and parameter-shift gradients agree with finite differences on random circuits", "[gradient]") {
    for (std::uint64_t seed = 0; seed < 8; ++seed) {
        Rng rng(100 + seed);
        const qubit_t n = 4 + static_cast<qubit_t>(seed % 2);
        const std::size_t k = 3 + seed % 5;
        const Circuit c = random_circuit(n, 30, k, rng);
        const PauliSum h = random_pauli_sum(n, 8, rng);
        const auto theta = random_theta(k + 1, rng); // one parameter more than the circuit may use
        const energy_gradient adj = adjoint_gradient(c, h, theta);
        const energy_gradient ps = parameter_shift_gradient(c, h, theta);
        const auto fd = finite_difference(c, h, theta);
        INFO("seed " << seed << "\n" << c.to_string());
        CHECK(max_diff(adj.gradient, fd) < 1e-6);
        CHECK(max_diff(ps.gradient, fd) < 1e-6);
        CHECK(max_diff(adj.gradient, ps.gradient) < 1e-10);
        CHECK(adj.energy == Approx(ps.energy).margin(1e-12));
        if (c.num_params() < theta.size()) CHECK(adj.gradient.back() == 0.0);
    }
}

TEST_CASE("each parametric gate kind alone: adjoint, shift rule and finite differences agree", "[gradient]") {
    // One gate per circuit between fixed layers that make every amplitude non-trivial, so a
    // wrong generator, sign or shift rule of any single kind shows up.
    Rng rng(7);
    const PauliSum h = random_pauli_sum(3, 10, rng);
    const Param a = Param::symbol(0, 1.3, 0.2), b = Param::symbol(1, -0.7), d = Param::symbol(2, 2.0, -0.4);
    std::vector<Circuit> cases;
    auto add = [&](auto build) {
        Circuit c(3);
        c.u3(0, 0.3, 0.5, -0.2).u3(1, 1.1, -0.4, 0.9).u3(2, -0.8, 0.2, 0.6).cx(0, 1).cx(1, 2);
        build(c);
        c.u3(0, 0.7, 0.1, 0.4).u3(1, -0.3, 0.8, -0.5).u3(2, 0.5, -0.6, 0.3).cz(2, 0);
        cases.push_back(c);
    };
    add([&](Circuit& c) { c.rx(1, a); });
    add([&](Circuit& c) { c.ry(1, a); });
    add([&](Circuit& c) { c.rz(1, a); });
    add([&](Circuit& c) { c.p(1, a); });
    add([&](Circuit& c) { c.u2(1, a, b); });
    add([&](Circuit& c) { c.u3(1, a, b, d); });
    add([&](Circuit& c) { c.crx(0, 2, a); });
    add([&](Circuit& c) { c.cry(2, 0, a); });
    add([&](Circuit& c) { c.crz(1, 2, a); });
    add([&](Circuit& c) { c.cp(0, 1, a); });
    add([&](Circuit& c) { c.cu3(2, 1, a, b, d); });
    add([&](Circuit& c) { c.rxx(0, 2, a); });
    add([&](Circuit& c) { c.ryy(1, 0, a); });
    add([&](Circuit& c) { c.rzz(2, 1, a); });
    add([&](Circuit& c) { c.mc(GateKind::rz, {0, 2}, 1, {a}, {0, 1}); });
    add([&](Circuit& c) { c.mc(GateKind::u2, {2}, 0, {a, b}, {0}); });
    const std::vector<double> theta{0.9, -1.7, 2.3};
    for (const Circuit& c : cases) {
        INFO(c.to_string());
        const auto fd = finite_difference(c, h, theta);
        const auto adj = adjoint_gradient(c, h, theta).gradient;
        const auto ps = parameter_shift_gradient(c, h, theta).gradient;
        CHECK(max_diff(adj, fd) < 1e-6);
        CHECK(max_diff(ps, fd) < 1e-6);
        double norm = 0;
        for (double g : fd) norm += std::abs(g);
        CHECK(norm > 1e-3); // the gate matters for this observable
    }
}

TEST_CASE("a shared parameter collects every gate's contribution with its scale", "[gradient]") {
    // E(t) = <Z> after RY(2t + 0.1) RY(-t) on |0>: RY(t + 0.1) in all, E = cos(t + 0.1).
    Circuit c(1);
    c.ry(0, Param::symbol(0, 2.0, 0.1)).ry(0, Param::symbol(0, -1.0));
    const PauliSum z(PauliString().z(0));
    const std::vector<double> theta{0.4};
    const double expect = -std::sin(0.5);
    CHECK(adjoint_gradient(c, z, theta).gradient[0] == Approx(expect).margin(1e-13));
    CHECK(parameter_shift_gradient(c, z, theta).gradient[0] == Approx(expect).margin(1e-13));
    CHECK(energy(c, z, theta) == Approx(std::cos(0.5)).margin(1e-13));
}

TEST_CASE("parameter-shift costs two evaluations per angle, four for controlled rotations", "[gradient]") {
    Circuit c(2);
    c.ry(0, Param::symbol(0)).crx(0, 1, Param::symbol(1)).cp(1, 0, Param::symbol(0)).rz(1, 0.3);
    const PauliSum h = PauliSum::parse("Z0 Z1 + 0.5 X1");
    const std::vector<double> theta{0.3, 0.8};
    CHECK(parameter_shift_gradient(c, h, theta).evaluations == 1 + 2 + 4 + 2);
    CHECK(adjoint_gradient(c, h, theta).evaluations == 1);
}

TEMPLATE_TEST_CASE("float states give the double gradient to single precision", "[gradient]", float, double) {
    Rng rng(21);
    const Circuit c = hardware_efficient(5, {.layers = 2, .rotations = {rotation::y, rotation::z}, .gate = entangler::cx});
    const PauliSum h = random_pauli_sum(5, 10, rng);
    const auto theta = random_theta(c.num_params(), rng);
    const auto ref = adjoint_gradient<double>(c, h, theta);
    const auto adj = adjoint_gradient<TestType>(c, h, theta);
    const auto ps = parameter_shift_gradient<TestType>(c, h, theta);
    const double tol = std::is_same_v<TestType, float> ? 1e-4 : 1e-12;
    CHECK(max_diff(adj.gradient, ref.gradient) < tol);
    CHECK(max_diff(ps.gradient, ref.gradient) < tol);
    CHECK(adj.energy == Approx(ref.energy).margin(tol));
}

TEST_CASE("gradients do not depend on the thread count", "[gradient]") {
    Rng rng(5);
    const qubit_t n = 7;
    const Circuit c = hardware_efficient(n, {.layers = 1});
    const PauliSum h = random_pauli_sum(n, 6, rng);
    const auto theta = random_theta(c.num_params(), rng);
    exec_policy one, two;
    one.threads = 1;
    two.threads = 2;
    one.serial_cutoff = two.serial_cutoff = 16;
    const auto a = adjoint_gradient(c, h, theta, one);
    const auto b = adjoint_gradient(c, h, theta, two);
    CHECK(a.energy == b.energy);
    CHECK(a.gradient == b.gradient);
}

TEST_CASE("gradient routines reject what they cannot differentiate, naming it", "[gradient]") {
    using test::MessageContains;
    const PauliSum h = PauliSum::parse("Z0 + X1");
    const std::vector<double> theta{0.1, 0.2};

    // A user matrix carrying a symbolic angle: no derivative rule, never a silent zero.
    Circuit c(2);
    c.ry(0, Param::symbol(0)).h(1);
    Operation op;
    op.kind = GateKind::unitary;
    op.targets = {1};
    op.matrix = gates::mat::h();
    op.params = {Param::symbol(1)};
    c.add(op);
    CHECK_THROWS_MATCHES(adjoint_gradient(c, h, theta), value_error, MessageContains("operation 2 (unitary on q[1])"));
    CHECK_THROWS_MATCHES(parameter_shift_gradient(c, h, theta), value_error, MessageContains("no derivative rule"));
    CHECK_NOTHROW(energy(c, h, theta)); // the energy itself is defined

    Circuit m(2, 1);
    m.ry(0, Param::symbol(0)).measure(0, 0).rx(1, Param::symbol(1));
    CHECK_THROWS_MATCHES(adjoint_gradient(m, h, theta), value_error, MessageContains("operation 1 (measure on q[0]) is not unitary"));

    Circuit small(1);
    small.ry(0, Param::symbol(0));
    CHECK_THROWS_MATCHES(adjoint_gradient(small, h, theta), index_error, MessageContains("acts on qubit 1"));
    const std::vector<double> none;
    CHECK_THROWS_MATCHES(parameter_shift_gradient(small, PauliSum::parse("Z0"), none), index_error,
                         MessageContains("uses 1 parameters but 0 were given"));
    const std::vector<double> nan{std::nan("")};
    CHECK_THROWS_MATCHES(energy(small, PauliSum::parse("Z0"), nan), value_error, MessageContains("theta[0] is not finite"));
}
