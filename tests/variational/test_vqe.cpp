#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/circuit/circuit.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/statevector/statevector.hpp"
#include "qcoach/variational/ansatz.hpp"
#include "qcoach/variational/hamiltonians.hpp"
#include "qcoach/variational/vqe.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::cd;

namespace {

/// -J sum Z Z - h sum X as a dense real matrix, written entry by entry from the action on basis
/// states (Z|0> = |0>, so the bit b_i contributes the sign 1 - 2 b_i).
Eigen::MatrixXd dense_tfim(qubit_t n, double j, double h, bool periodic) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(dim, dim);
    const qubit_t bonds = periodic ? n : n - 1;
    for (Eigen::Index b = 0; b < dim; ++b) {
        for (qubit_t i = 0; i < bonds; ++i) {
            const int si = 1 - 2 * static_cast<int>((b >> i) & 1), sk = 1 - 2 * static_cast<int>((b >> ((i + 1) % n)) & 1);
            m(b, b) -= j * si * sk;
        }
        for (qubit_t i = 0; i < n; ++i) m(b ^ (Eigen::Index{1} << i), b) -= h;
    }
    return m;
}

/// sum (jx XX + jy YY + jz ZZ) as a dense real matrix: XX flips both bits; YY flips both with
/// sign +1 when the bits differ (Y|0> Y|1> = (i|1>)(-i|0>)) and -1 when they agree.
Eigen::MatrixXd dense_heisenberg(qubit_t n, double jx, double jy, double jz, bool periodic) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(dim, dim);
    const qubit_t bonds = periodic ? n : n - 1;
    for (Eigen::Index b = 0; b < dim; ++b) {
        for (qubit_t i = 0; i < bonds; ++i) {
            const qubit_t k = (i + 1) % n;
            const bool bi = (b >> i) & 1, bk = (b >> k) & 1;
            m(b, b) += jz * (bi == bk ? 1 : -1);
            const Eigen::Index f = b ^ (Eigen::Index{1} << i) ^ (Eigen::Index{1} << k);
            m(f, b) += jx + jy * (bi != bk ? 1 : -1);
        }
    }
    return m;
}

double ground_energy(const Eigen::MatrixXd& m) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m, Eigen::EigenvaluesOnly);
    return es.eigenvalues()(0);
}

/// The builder's operator equals the dense one: same H psi on random states (via the gradient
/// kernel) and the same expectation value (via the statevector layer).
void check_same_operator(const PauliSum& h, const Eigen::MatrixXd& dense, qubit_t n, std::uint64_t seed) {
    Rng rng(seed);
    for (int rep = 0; rep < 2; ++rep) {
        const auto psi = test::random_state<double>(n, rng);
        const Eigen::VectorXcd v = test::to_eigen(psi);
        const Eigen::VectorXcd hv = dense.cast<cd>() * v;
        StateVector<double> out(n);
        variational::detail::apply_pauli_sum(psi.data(), out.data(), n, variational::detail::flip_groups(h), default_policy());
        CHECK((test::to_eigen(out) - hv).cwiseAbs().maxCoeff() < 1e-11);
        CHECK(expectation(psi, h) == Approx(v.dot(hv).real()).margin(1e-11));
    }
}

std::vector<double> random_start(std::size_t k, double scale, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> x(k);
    for (auto& t : x) t = (rng.uniform() * 2 - 1) * scale;
    return x;
}

minimizer lbfgs(std::size_t iterations) {
    return [iterations](const objective& f, std::vector<double> x0) {
        optimize_options o;
        o.max_iterations = iterations;
        return minimize_lbfgs(f, std::move(x0), o);
    };
}

} // namespace

TEST_CASE("transverse-field Ising builder: dense operator and free-fermion ground energies", "[vqe][hamiltonian]") {
    for (qubit_t n : {2u, 5u, 10u}) {
        for (bool periodic : {false, true}) {
            if (periodic && n < 3) continue;
            INFO("n = " << n << (periodic ? " periodic" : " open"));
            check_same_operator(transverse_field_ising(n, 0.7, 1.3, periodic), dense_tfim(n, 0.7, 1.3, periodic), n, n);
        }
    }
    // Pfeuty (1970): periodic chain, even n, E0 = -sum_k sqrt(J^2 + h^2 - 2 J h cos k) over
    // the antiperiodic momenta k = pi (2m - 1) / n. Checked against diagonalization for n = 6, 8.
    for (qubit_t n : {6u, 8u}) {
        for (double h : {0.5, 1.0, 1.7}) {
            double e0 = 0;
            for (qubit_t m = 1; m <= n; ++m) {
                const double k = std::numbers::pi * (2.0 * m - 1) / n;
                e0 -= std::sqrt(1.0 + h * h - 2 * h * std::cos(k));
            }
            const Eigen::MatrixXd d = dense_tfim(n, 1.0, h, true);
            CHECK(ground_energy(d) == Approx(e0).margin(1e-9));
        }
    }
    CHECK(transverse_field_ising(4, 1, 1, true).size() == 8);
    CHECK_THROWS_AS(transverse_field_ising(2, 1, 1, true), value_error);
    CHECK_THROWS_AS(transverse_field_ising(1, 1, 1), value_error);
}

TEST_CASE("Heisenberg builder: dense operator and known ground energies", "[vqe][hamiltonian]") {
    for (qubit_t n : {2u, 6u, 10u}) {
        for (bool periodic : {false, true}) {
            if (periodic && n < 3) continue;
            INFO("n = " << n << (periodic ? " periodic" : " open"));
            check_same_operator(heisenberg(n, 0.8, 1.1, -0.6, periodic), dense_heisenberg(n, 0.8, 1.1, -0.6, periodic), n, 30 + n);
        }
    }
    // Exact values in Pauli units (4 S·S): two sites, singlet -3; four-site ring, -8
    // (the spin-1/2 ring of 4 sites has E0 = -2J in S·S units).
    CHECK(ground_energy(dense_heisenberg(2, 1, 1, 1, false)) == Approx(-3.0).margin(1e-12));
    CHECK(ground_energy(dense_heisenberg(4, 1, 1, 1, true)) == Approx(-8.0).margin(1e-12));
    // Open chain of 4 sites: E0 = -(3 + 2 sqrt 3) in Pauli units (S·S: -(3 + 2 sqrt 3)/4).
    CHECK(ground_energy(dense_heisenberg(4, 1, 1, 1, false)) == Approx(-(3 + 2 * std::sqrt(3.0))).margin(1e-12));
}

TEST_CASE("VQE on the transverse-field Ising chain reaches the exact ground energy", "[vqe]") {
    for (qubit_t n : {4u, 5u}) {
        const double e0 = ground_energy(dense_tfim(n, 1.0, 1.0, false));
        // RY + CX with n layers: real amplitudes suffice (the ground state is real and positive).
        // RY + CZ from a small start stalls in a local minimum on this model, so the test uses CX.
        const Circuit ansatz = hardware_efficient(n, {.layers = n, .rotations = {rotation::y}, .gate = entangler::cx});
        const vqe_result r = vqe(ansatz, transverse_field_ising(n, 1.0, 1.0), random_start(ansatz.num_params(), 0.3, n), lbfgs(400));
        INFO("n = " << n << ": VQE " << r.energy << ", exact " << e0 << ", " << r.reason);
        CHECK(r.energy >= e0 - 1e-9);
        CHECK(r.energy - e0 < 1e-5 * std::abs(e0));
        CHECK(energy(ansatz, transverse_field_ising(n, 1.0, 1.0), r.parameters) == Approx(r.energy).margin(1e-12));
        REQUIRE(r.history.size() == r.iterations + 1);
        CHECK(r.history.back() == r.energy);
        CHECK(r.gradient_evaluations > 0);
        CHECK(r.circuit_runs == r.evaluations);
    }
}

TEST_CASE("VQE on the Heisenberg chain reaches the exact ground energy", "[vqe]") {
    const qubit_t n = 4;
    const double e0 = ground_energy(dense_heisenberg(n, 1, 1, 1, false));
    const Circuit ansatz = hardware_efficient(n, {.layers = 4, .rotations = {rotation::y, rotation::z}, .gate = entangler::cx});
    const vqe_result r = vqe(ansatz, heisenberg(n, 1, 1, 1), random_start(ansatz.num_params(), 1.0, 9), lbfgs(600));
    INFO("VQE " << r.energy << ", exact " << e0 << ", " << r.reason);
    CHECK(r.energy >= e0 - 1e-9);
    CHECK(r.energy - e0 < 1e-4 * std::abs(e0));
}

TEST_CASE("VQE on H2 (STO-3G, 0.735 Å, 2 qubits) reaches chemical accuracy", "[vqe][h2]") {
    const PauliSum h = h2_sto3g();
    // Exact: diagonalize the 4x4 matrix of the five Pauli terms written out by hand.
    const double g0 = -1.052373245772859, g1 = 0.39793742484318045, g2 = -0.39793742484318045, g3 = -0.01128010425623538,
                 g4 = 0.18093119978423156;
    Eigen::Matrix4d m = Eigen::Matrix4d::Zero();
    for (int b = 0; b < 4; ++b) {
        const int z0 = 1 - 2 * (b & 1), z1 = 1 - 2 * ((b >> 1) & 1);
        m(b, b) = g0 + g1 * z0 + g2 * z1 + g3 * z0 * z1;
        m(b ^ 3, b) += g4;
    }
    const double e0 = Eigen::SelfAdjointEigenSolver<Eigen::Matrix4d>(m).eigenvalues()(0);
    CHECK(e0 == Approx(-1.857275).margin(1e-6));
    // Total energy: the full-CI value -1.13731 Ha (the commonly quoted -1.13727 Ha agrees to
    // 0.04 mHa, far inside chemical accuracy).
    CHECK(e0 + h2_nuclear_repulsion == Approx(-1.137306).margin(1e-6));
    CHECK(std::abs(e0 + h2_nuclear_repulsion - (-1.13727)) < 1e-4);

    const Circuit ansatz = hardware_efficient(2, {.layers = 1, .rotations = {rotation::y}, .gate = entangler::cx});
    for (gradient_method method : {gradient_method::adjoint, gradient_method::parameter_shift}) {
        const vqe_result r = vqe(ansatz, h, {0.1, -0.2, 0.3, 0.05}, lbfgs(200), {.method = method});
        INFO("VQE " << r.energy << ", exact " << e0);
        CHECK(r.energy - e0 < 1.6e-3);
        CHECK(r.energy - e0 < 1e-8);
        CHECK(r.energy >= e0 - 1e-12);
        if (method == gradient_method::parameter_shift) CHECK(r.circuit_runs > r.evaluations);
    }
    // Single-precision states: the same minimum to float accuracy, far inside chemical accuracy.
    const vqe_result f = vqe<float>(ansatz, h, {0.1, -0.2, 0.3, 0.05});
    INFO("float VQE " << f.energy << ", exact " << e0);
    CHECK(std::abs(f.energy - e0) < 1e-5);
}

TEST_CASE("vqe works with every optimizer and checks its inputs", "[vqe]") {
    using test::MessageContains;
    const PauliSum h = transverse_field_ising(3, 1.0, 0.5);
    const double e0 = ground_energy(dense_tfim(3, 1.0, 0.5, false));
    const Circuit ansatz = hardware_efficient(3, {.layers = 2, .rotations = {rotation::y}, .gate = entangler::cx});
    const auto x0 = random_start(ansatz.num_params(), 0.2, 4);
    const vqe_result adam = vqe(ansatz, h, x0, [](const objective& f, std::vector<double> x) {
        optimize_options o;
        o.max_iterations = 1500;
        adam_options a;
        a.learning_rate = 0.05;
        return minimize_adam(f, std::move(x), o, a);
    });
    CHECK(adam.energy - e0 < 1e-3);
    const vqe_result nm = vqe(ansatz, h, x0, [](const objective& f, std::vector<double> x) {
        optimize_options o;
        o.max_iterations = 3000;
        return minimize_nelder_mead(f, std::move(x), o);
    });
    CHECK(nm.energy - e0 < 1e-3);
    CHECK(nm.gradient_evaluations == 0);
    const vqe_result def = vqe(ansatz, h, x0);
    CHECK(def.energy - e0 < 1e-6);

    CHECK_THROWS_MATCHES(vqe(ansatz, h, {0.1}), index_error, MessageContains("uses 9 parameters but the initial point has 1"));
    std::vector<double> longer = x0;
    longer.push_back(0.0);
    CHECK_THROWS_MATCHES(vqe(ansatz, h, longer), index_error, MessageContains("uses 9 parameters but the initial point has 10"));
    CHECK_THROWS_MATCHES(vqe(ansatz, transverse_field_ising(4, 1, 1), x0), index_error, MessageContains("acts on qubit 3"));
    Circuit fixed(3);
    fixed.h(0).cx(0, 1);
    CHECK_THROWS_MATCHES(vqe(fixed, h, {}), value_error, MessageContains("no symbolic parameters"));
    CHECK_THROWS_MATCHES(vqe(ansatz, h, x0, minimizer{}), value_error, MessageContains("no optimizer"));
    // A complex weight never reaches vqe(): a PauliSum is Hermitian by construction.
    // X0 * Z0 = -i Y0, so the product has an imaginary coefficient.
    const PauliString xz = PauliString().x(0) * PauliString().z(0);
    CHECK_THROWS_MATCHES(PauliSum(xz), value_error, MessageContains("must be real"));
    CHECK_THROWS_MATCHES(PauliSum().add(0.5, PauliString::from_masks(1, 1, cd(0.3, 0.2))), value_error, MessageContains("must be real"));
    // The objective rejects a gradient buffer of the wrong length.
    const objective f = vqe_objective(ansatz, h);
    std::vector<double> g(3);
    CHECK_THROWS_MATCHES(f(x0, g), value_error, MessageContains("gradient buffer has 3 entries for 9 parameters"));
}

TEST_CASE("vqe_options selects the optimizer, its seed, limits and progress callback", "[vqe]") {
    const PauliSum h = transverse_field_ising(3, 1.0, 0.5);
    const double e0 = ground_energy(dense_tfim(3, 1.0, 0.5, false));
    const Circuit ansatz = hardware_efficient(3, {.layers = 2, .rotations = {rotation::y}, .gate = entangler::cx});
    const auto x0 = random_parameters(ansatz.num_params(), 0.2, 4);
    CHECK(x0 == random_start(ansatz.num_params(), 0.2, 4)); // same stream, same point
    CHECK(random_parameters(5, 0.2, 4) != random_parameters(5, 0.2, 5));

    struct expectation_t {
        vqe_optimizer kind;
        std::size_t iterations;
        double tolerance;
        bool uses_gradient;
    };
    const std::vector<expectation_t> runs{{vqe_optimizer::lbfgs, 300, 1e-8, true},
                                          {vqe_optimizer::adam, 1500, 1e-3, true},
                                          {vqe_optimizer::spsa, 1500, 3e-2, false},
                                          {vqe_optimizer::nelder_mead, 3000, 1e-3, false}};
    for (const expectation_t& e : runs) {
        INFO(vqe_optimizer_name(e.kind));
        vqe_options o;
        o.optimizer = e.kind;
        o.stop.max_iterations = e.iterations;
        o.stop.seed = 11;
        o.adam.learning_rate = 0.05;
        o.spsa.a = 0.5; // the default gain 0.2 is still 0.04 above E0 after 1500 steps here
        std::size_t calls = 0;
        double last = 0;
        o.stop.progress = [&](const optimize_progress& p) {
            ++calls;
            last = p.best_value;
            return true;
        };
        const vqe_result r = vqe(ansatz, h, x0, o);
        INFO("VQE " << r.energy << ", exact " << e0 << ", " << r.reason);
        CHECK(r.energy - e0 < e.tolerance);
        CHECK(r.energy >= e0 - 1e-9);
        CHECK(r.iterations <= e.iterations);
        CHECK(calls == r.iterations);
        CHECK(last >= r.energy);
        CHECK((r.gradient_evaluations > 0) == e.uses_gradient);
        CHECK(energy(ansatz, h, r.parameters) == Approx(r.energy).margin(1e-12));
    }

    // SPSA is random: the same seed repeats the run, another seed does not.
    vqe_options spsa;
    spsa.optimizer = vqe_optimizer::spsa;
    spsa.stop.max_iterations = 50;
    spsa.stop.seed = 3;
    const vqe_result a = vqe(ansatz, h, x0, spsa), b = vqe(ansatz, h, x0, spsa);
    CHECK(a.parameters == b.parameters);
    CHECK(a.energy == b.energy);
    spsa.stop.seed = 4;
    CHECK(vqe(ansatz, h, x0, spsa).parameters != a.parameters);

    // The callback stops the run: L-BFGS until the energy is within 0.05 of the ground energy.
    vqe_options stop_early;
    stop_early.stop.progress = [e0](const optimize_progress& p) { return p.best_value > e0 + 0.05; };
    const vqe_result s = vqe(ansatz, h, x0, stop_early);
    CHECK_FALSE(s.converged);
    CHECK_THAT(s.reason, Catch::Matchers::Contains("progress callback"));
    CHECK(s.energy <= e0 + 0.05);
    CHECK(s.energy - e0 > 1e-6);
}

// Configurations of the next two tests reach the ground energy from every start tried (seeds 1
// to 4). Not every shape does: on the Ising chain a circular CX entangler stalls at the product
// state |+...+> (error -h n - E0) from small starts, and in the ordered phase (h < J) the two
// nearly degenerate lowest states trap the optimizer half a gap above E0.
TEST_CASE("VQE on the Ising chain, n = 6, with RX RY rotations and CZ entanglers", "[vqe]") {
    const qubit_t n = 6;
    const double e0 = ground_energy(dense_tfim(n, 1.0, 1.5, false));
    const Circuit ansatz = hardware_efficient(n, {.layers = 4, .rotations = {rotation::x, rotation::y}, .gate = entangler::cz});
    vqe_options o;
    o.stop.max_iterations = 1000;
    const vqe_result r = vqe(ansatz, transverse_field_ising(n, 1.0, 1.5), random_parameters(ansatz.num_params(), 0.5, 1), o);
    INFO("Ising: VQE " << r.energy << ", exact " << e0 << ", " << r.reason);
    CHECK(r.energy >= e0 - 1e-9);
    CHECK(r.energy - e0 < 1e-4 * std::abs(e0));
}

TEST_CASE("VQE on the Heisenberg chain, n = 5, with RY RZ rotations and all-to-all CX", "[vqe]") {
    const qubit_t n = 5;
    const double e0 = ground_energy(dense_heisenberg(n, 1, 1, 1, false));
    const Circuit ansatz = hardware_efficient(
        n, {.layers = 6, .rotations = {rotation::y, rotation::z}, .gate = entangler::cx, .topology = entanglement::full});
    vqe_options o;
    o.stop.max_iterations = 1500;
    const vqe_result r = vqe(ansatz, heisenberg(n, 1, 1, 1), random_parameters(ansatz.num_params(), 1.0, 2), o);
    INFO("Heisenberg: VQE " << r.energy << ", exact " << e0 << ", " << r.reason);
    CHECK(r.energy >= e0 - 1e-9);
    CHECK(r.energy - e0 < 1e-5 * std::abs(e0));
}
