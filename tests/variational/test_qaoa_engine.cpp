// QAOA engine: the cost table against model.energy on every state, the blocked layer passes
// against gate-by-gate RX and the statevector phase for every n <= 12 and every chunk split, and
// whole QAOA states against dense Eigen operators.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "qcoach/statevector/statevector.hpp"
#include "qcoach/variational/cost_table.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "support/policies.hpp"
#include "support/reference.hpp"
#include "support/sanitized.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::cd;

namespace {

qubo::BinaryQuadraticModel random_model(qubo::vartype type, std::size_t n, Rng& rng, bool integer) {
    qubo::BinaryQuadraticModel m(type, n);
    auto coef = [&] { return integer ? static_cast<double>(static_cast<int>(rng.below(7)) - 3) : rng.normal(); };
    for (qubo::var_t i = 0; i < n; ++i) m.set_linear(i, coef());
    for (qubo::var_t i = 0; i < n; ++i)
        for (qubo::var_t j = i + 1; j < n; ++j)
            if (rng.uniform() < 0.6) m.set_quadratic(i, j, coef());
    m.set_offset(integer ? 2.0 : rng.normal());
    return m;
}

template <class Real>
double tol() {
    return std::is_same_v<Real, float> ? 2e-5 : 1e-12;
}

/// Dense reference: prod_l e^{-i beta_l B} e^{-i gamma_l C} psi0.
Eigen::VectorXcd dense_qaoa(const std::vector<double>& energies, qubit_t n, const std::vector<double>& gammas,
                            const std::vector<double>& betas, Eigen::VectorXcd psi) {
    const Eigen::Index dim = Eigen::Index{1} << n;
    for (std::size_t l = 0; l < gammas.size(); ++l) {
        for (Eigen::Index z = 0; z < dim; ++z) psi(z) *= std::exp(cd(0, -gammas[l] * energies[static_cast<std::size_t>(z)]));
        Eigen::MatrixXcd mix = Eigen::MatrixXcd::Identity(dim, dim);
        for (qubit_t q = 0; q < n; ++q) mix = test::kron_single(gates::mat::rx(2 * betas[l]), q, n) * mix;
        psi = mix * psi;
    }
    return psi;
}

} // namespace

TEST_CASE("cost table equals model.energy on every state", "[qaoa][cost_table]") {
    Rng rng(11);
    for (auto type : {qubo::vartype::binary, qubo::vartype::spin}) {
        for (bool integer : {true, false}) {
            for (std::size_t n : {1u, 3u, 7u, 13u, 14u}) {
                const auto m = random_model(type, n, rng, integer);
                const CostTable t = CostTable::from_model(m);
                REQUIRE(t.num_qubits() == n);
                REQUIRE(t.has_levels() == integer);
                double lo = 1e300;
                index_t minima = 0;
                for (index_t z = 0; z < t.size(); ++z) {
                    const auto s = sample_from_index(type, static_cast<qubit_t>(n), z);
                    const double e = m.energy(s);
                    REQUIRE(t[z] == Approx(e).margin(1e-9));
                    REQUIRE(index_from_sample(type, s) == z);
                    lo = std::min(lo, e);
                }
                for (index_t z = 0; z < t.size(); ++z) minima += std::abs(m.energy(sample_from_index(type, static_cast<qubit_t>(n), z)) - lo) < 1e-9;
                CHECK(t.min() == Approx(lo).margin(1e-9));
                CHECK(t.num_minima() == minima);
            }
        }
    }
}

TEST_CASE("cost table conventions: spin s = 1 - 2 bit, levels and errors", "[qaoa][cost_table]") {
    qubo::BinaryQuadraticModel m(qubo::vartype::spin, 2);
    m.set_linear(0, 1.0); // E = s_0: |0> (s = +1) has energy +1
    const CostTable t = CostTable::from_model(m);
    CHECK(t[0] == 1.0);
    CHECK(t[1] == -1.0);
    CHECK(t.levels8().size() == 4);
    CHECK(t.num_levels() == 3);
    CHECK(t.minimizers() == std::vector<index_t>{1, 3});

    std::vector<double> wide(8);
    for (std::size_t z = 0; z < 8; ++z) wide[z] = 1000.0 * static_cast<double>(z);
    const CostTable t16 = CostTable::from_energies(wide);
    CHECK(!t16.levels16().empty());
    CHECK(t16[7] == 7000.0);
    const CostTable tf = CostTable::from_function(3, [](index_t z) { return 0.5 * static_cast<double>(z); });
    CHECK(!tf.has_levels());
    CHECK(tf.energies()[3] == 1.5);

    CHECK_THROWS_AS(CostTable::from_model(qubo::BinaryQuadraticModel(qubo::vartype::binary, 0)), value_error);
    CHECK_THROWS_AS(CostTable::from_model(qubo::BinaryQuadraticModel(qubo::vartype::binary, 40)), value_error);
    CHECK_THROWS_AS(CostTable::from_energies(std::vector<double>(6, 0.0)), value_error);
    CHECK_THROWS_AS(CostTable::from_function(2, [](index_t) { return std::nan(""); }), value_error);
    CHECK_THROWS_AS(t.energy(4), index_error);
}

TEMPLATE_TEST_CASE("layer passes equal the phase and RX gate by gate, every n and split", "[qaoa][kernels]", float, double) {
    using Real = TestType;
    Rng rng(3);
    // Sizes 11 and 12 take the paths of 10 with longer rows; the sanitizer build stops at 10.
    const qubit_t n_max = test::sanitized ? 10 : 12;
    for (qubit_t n = 1; n <= n_max; ++n) {
        // Three kinds of energies: one-byte levels, two-byte levels, real values.
        for (int kind = 0; kind < 3; ++kind) {
            if (kind == 1 && n % 4 != 1) continue; // two-byte levels: n = 1, 5, 9
            std::vector<double> e(std::size_t{1} << n);
            for (auto& v : e) v = kind == 0 ? static_cast<double>(rng.below(9)) : kind == 1 ? static_cast<double>(rng.below(3000)) : rng.normal();
            auto table = std::make_shared<const CostTable>(CostTable::from_energies(e));
            const StateVector<Real> psi0 = test::random_state<Real>(n, rng);
            // beta = -0.61 runs the rotations in the unit form (|tan beta| <= 1, the factor
            // cos(beta)^n goes with the phase), beta = 1.1 in the exact form.
            for (const double beta : {-0.61, 1.1}) {
                const double gamma = 0.37 + 0.1 * kind;
                StateVector<Real> ref = psi0;
                std::vector<Real> er(e.begin(), e.end());
                apply_phase(ref, std::span<const Real>(er), gamma);
                for (qubit_t q = 0; q < n; ++q) apply(ref, gates::rx(q, 2 * beta));
                const double e_ref = [&] {
                    double s = 0;
                    for (index_t z = 0; z < ref.size(); ++z) s += std::norm(cd(ref[z])) * e[z];
                    return s;
                }();
                Qaoa<Real> qa(table);
                qa.set_initial_state(psi0);
                // Sub-block and tile widths: 0 (everything in the second call), 1 (below a register:
                // scalar fallback), 3 (registers) and L; every chunk width L.
                StateVector<Real> out(n);
                const std::vector<double> g{gamma}, b{beta};
                for (unsigned L = 1; L <= n; ++L) {
                    std::vector<std::pair<unsigned, unsigned>> done;
                    for (unsigned S : {0u, 1u, 3u, L}) {
                        for (unsigned w : {0u, 1u, 3u, L}) {
                            const unsigned s2 = std::min(S, L), w2 = std::min(w, L);
                            if (std::find(done.begin(), done.end(), std::make_pair(s2, w2)) != done.end()) continue;
                            done.emplace_back(s2, w2);
                            qa.set_layout(L, s2, w2);
                            for (auto path : {kernel_path::simd, kernel_path::scalar}) {
                                if (path == kernel_path::scalar && (s2 > 1 || w2 > 1 || n > 9)) continue;
                                exec_policy pol;
                                pol.path = path;
                                pol.threads = 2;
                                pol.serial_cutoff = n >= 10 && L + 2 == n && kind == 0 ? 16 : index_t{1} << 20; // threads on a few small states
                                qa.set_policy(pol);
                                qa.prepare(out, g, b);
                                double err = 0;
                                for (index_t z = 0; z < out.size(); ++z) err = std::max(err, std::abs(cd(out[z]) - cd(ref[z])));
                                INFO("n " << n << " kind " << kind << " beta " << beta << " L " << L << " S " << s2 << " w " << w2);
                                REQUIRE(err < 20 * tol<Real>());
                                if (w2 == s2) REQUIRE(qa.expectation(g, b) == Approx(e_ref).margin(1e3 * tol<Real>()));
                            }
                        }
                    }
                }
            }
        }
    }
}

TEMPLATE_TEST_CASE("two layers per pass: p = 1..5 equal the gates one by one, every ending and split", "[qaoa][kernels]",
                   float, double) {
    // With high qubits, the run takes p + 1 passes: the tile passes apply the high rotations of
    // one layer, the next phase and the next layer's high rotations, the chunk passes likewise
    // for the low rotations. p odd ends on a tile pass, p even on a chunk pass.
    using Real = TestType;
    Rng rng(21);
    const std::vector<double> gammas{0.41, -0.27, 0.93, 0.18, -0.6};
    const std::vector<double> betas{0.3, 1.2, -0.5, 2.0, -1.35}; // unit and exact forms mixed
    // The layouts are set relative to n, so 7 qubits take the same paths as 10; the sanitizer
    // build runs 7 only.
    for (qubit_t n : test::sanitized ? std::vector<qubit_t>{7u} : std::vector<qubit_t>{7u, 10u}) {
        for (int kind = 0; kind < 2; ++kind) { // one-byte levels, real energies
            std::vector<double> e(std::size_t{1} << n);
            for (auto& v : e) v = kind == 0 ? static_cast<double>(rng.below(12)) : rng.normal();
            auto table = std::make_shared<const CostTable>(CostTable::from_energies(e));
            std::vector<Real> er(e.begin(), e.end());
            const StateVector<Real> psi0 = test::random_state<Real>(n, rng);
            for (std::size_t p = 1; p <= gammas.size(); ++p) {
                const std::vector<double> g(gammas.begin(), gammas.begin() + static_cast<std::ptrdiff_t>(p));
                const std::vector<double> b(betas.begin(), betas.begin() + static_cast<std::ptrdiff_t>(p));
                for (bool uniform : {true, false}) {
                    StateVector<Real> ref(n);
                    if (uniform) {
                        for (qubit_t q = 0; q < n; ++q) apply(ref, gates::h(q));
                    } else {
                        ref = psi0;
                    }
                    for (std::size_t l = 0; l < p; ++l) {
                        apply_phase(ref, std::span<const Real>(er), g[l]);
                        for (qubit_t q = 0; q < n; ++q) apply(ref, gates::rx(q, 2 * b[l]));
                    }
                    double e_ref = 0;
                    for (index_t z = 0; z < ref.size(); ++z) e_ref += std::norm(cd(ref[z])) * e[z];
                    Qaoa<Real> qa(table);
                    if (!uniform) qa.set_initial_state(psi0);
                    // Chunk L, sub-block S, tile w: tiles of registers, of one amplitude (the
                    // scalar fallback) and of several rows per register.
                    for (const auto& [L, S, w] : std::vector<std::array<unsigned, 3>>{{n - 3, 2, 3}, {n - 2, 3, 0}, {n - 4, 3, 3}, {3, 3, 2}}) {
                        qa.set_layout(L, S, w);
                        for (auto path : {kernel_path::simd, kernel_path::scalar}) {
                            qa.set_policy(test::policy(2, 16, path));
                            const StateVector<Real> got = qa.state(g, b);
                            double err = 0;
                            for (index_t z = 0; z < got.size(); ++z) err = std::max(err, std::abs(cd(got[z]) - cd(ref[z])));
                            INFO("n " << n << " kind " << kind << " p " << p << " uniform " << uniform << " L " << L << " S " << S
                                      << " w " << w << " scalar " << (path == kernel_path::scalar));
                            REQUIRE(err < 50 * tol<Real>());
                            REQUIRE(qa.expectation(g, b) == Approx(e_ref).margin(1e3 * tol<Real>()));
                        }
                    }
                }
            }
        }
    }
}

TEMPLATE_TEST_CASE("flip-symmetric tables: half-state runs equal the gates one by one", "[qaoa][kernels][flip]", float, double) {
    // E(z) = E(~z) and the start |+>^n: the runs keep the lower half of the state and rotate the
    // top qubit by pairing z with 2^{n-1} - 1 - z. Every layout kind (one chunk mirroring
    // itself, chunk pairs, tile passes) against the gate-by-gate reference on the full state.
    using Real = TestType;
    Rng rng(33);
    const std::vector<double> gammas{0.41, -0.27, 0.93, 0.18, -0.6};
    const std::vector<double> betas{0.3, 1.2, -0.5, 2.0, -1.35};
    for (qubit_t n : {2u, 3u, 7u, 10u}) {
        const index_t dim = index_t{1} << n;
        for (int kind = 0; kind < 2; ++kind) {
            std::vector<double> e(dim);
            for (index_t z = 0; z < dim / 2; ++z) e[z] = e[(dim - 1) ^ z] = kind == 0 ? static_cast<double>(rng.below(12)) : rng.normal();
            auto table = std::make_shared<const CostTable>(CostTable::from_energies(e));
            REQUIRE(table->flip_symmetric());
            std::vector<Real> er(e.begin(), e.end());
            Qaoa<Real> qa(table);
            REQUIRE(qa.uses_flip_symmetry());
            // Under the sanitizers the largest size stops at three layers: the same paths, with
            // two fifths of the work of five.
            const std::size_t p_max = test::sanitized && n >= 10 ? 3 : gammas.size();
            for (std::size_t p = 1; p <= p_max; ++p) {
                const std::vector<double> g(gammas.begin(), gammas.begin() + static_cast<std::ptrdiff_t>(p));
                const std::vector<double> b(betas.begin(), betas.begin() + static_cast<std::ptrdiff_t>(p));
                StateVector<Real> ref(n);
                for (qubit_t q = 0; q < n; ++q) apply(ref, gates::h(q));
                for (std::size_t l = 0; l < p; ++l) {
                    apply_phase(ref, std::span<const Real>(er), g[l]);
                    for (qubit_t q = 0; q < n; ++q) apply(ref, gates::rx(q, 2 * b[l]));
                }
                double e_ref = 0;
                for (index_t z = 0; z < dim; ++z) e_ref += std::norm(cd(ref[z])) * e[z];
                using layout = std::array<unsigned, 3>;
                std::vector<layout> layouts{{0, 0, 0}}; // {0, 0, 0}: the default
                if (n >= 7) layouts.insert(layouts.end(), {layout{n - 3, 2, 3}, layout{n - 2, 3, 0}, layout{3, 3, 2}, layout{2, 1, 1}});
                for (const auto& [L, S, w] : layouts) {
                    if (L > 0) qa.set_layout(L, S, w);
                    for (auto path : {kernel_path::simd, kernel_path::scalar}) {
                        qa.set_policy(test::policy(2, 16, path));
                        INFO("n " << n << " kind " << kind << " p " << p << " L " << L << " S " << S << " w " << w << " scalar "
                                  << (path == kernel_path::scalar));
                        const StateVector<Real> got = qa.state(g, b);
                        double err = 0;
                        for (index_t z = 0; z < dim; ++z) err = std::max(err, std::abs(cd(got[z]) - cd(ref[z])));
                        REQUIRE(err < 50 * tol<Real>());
                        REQUIRE(qa.expectation(g, b) == Approx(e_ref).margin(1e3 * tol<Real>()));
                    }
                }
            }
            // Chunk pairs are summed in chunk order: the same bits for any thread count.
            qa.set_layout(n >= 7 ? 3 : 1, 1, 1);
            qa.set_policy(test::policy(1, 16));
            const double one = qa.expectation(gammas, betas);
            qa.set_policy(test::policy(2, 16));
            CHECK(qa.expectation(gammas, betas) == one);
            // The runs' layout: n - 1 qubits (the set layout clipped) on the half state, the set
            // layout on the full one.
            CHECK(qa.run_layout().n == n - 1);
            CHECK(qa.run_layout().chunk == std::min<unsigned>(qa.layout().chunk, n - 1));
            // Switched off, or another start: the full-state passes.
            qa.set_flip_symmetry(false);
            CHECK_FALSE(qa.uses_flip_symmetry());
            CHECK(qa.run_layout().n == n);
            CHECK(qa.run_layout().chunk == qa.layout().chunk);
            qa.set_flip_symmetry(true);
            qa.set_initial_state(StateVector<Real>(n));
            CHECK_FALSE(qa.uses_flip_symmetry());
        }
    }
    // One pair out of place breaks the symmetry; so does a field on a MaxCut-like model.
    std::vector<double> e(64);
    for (index_t z = 0; z < 32; ++z) e[z] = e[63 ^ z] = static_cast<double>(z % 5);
    CHECK(CostTable::from_energies(e).flip_symmetric());
    e[9] += 1;
    CHECK_FALSE(CostTable::from_energies(e).flip_symmetric());
    e[9] -= 1;
    e[40] += 1e-6; // real energies (no longer integer levels) beyond the 1e-12 tolerance
    CHECK_FALSE(CostTable::from_energies(e).flip_symmetric());
    CHECK_FALSE(Qaoa<Real>(CostTable::from_energies(e)).uses_flip_symmetry());
    qubo::BinaryQuadraticModel ising(qubo::vartype::spin, 4);
    ising.set_quadratic(0, 1, 1.0);
    ising.set_quadratic(2, 3, -0.5);
    CHECK(Qaoa<Real>::from_model(ising).uses_flip_symmetry());
    ising.set_linear(2, 0.25);
    CHECK_FALSE(Qaoa<Real>::from_model(ising).uses_flip_symmetry());
}

TEMPLATE_TEST_CASE("QAOA state equals dense e^{-i beta B} e^{-i gamma C} products", "[qaoa]", float, double) {
    using Real = TestType;
    Rng rng(8);
    for (qubit_t n = 1; n <= 6; ++n) {
        const auto m = random_model(qubo::vartype::spin, n, rng, n % 2 == 0);
        std::vector<double> e(std::size_t{1} << n);
        for (index_t z = 0; z < e.size(); ++z) e[z] = m.energy(sample_from_index(m.type(), n, z));
        std::vector<double> gammas, betas;
        for (int l = 0; l < 3; ++l) {
            gammas.push_back(rng.normal());
            betas.push_back(rng.normal());
        }
        Qaoa<Real> qa = Qaoa<Real>::from_model(m);
        const Eigen::VectorXcd plus = Eigen::VectorXcd::Constant(Eigen::Index{1} << n, cd(std::pow(2.0, -0.5 * n)));
        const Eigen::VectorXcd want = dense_qaoa(e, n, gammas, betas, plus);
        // The default layout (one chunk, SIMD where it fits) and a split one.
        for (bool split : {false, true}) {
            if (split) qa.set_layout(std::max<unsigned>(1, n / 2), 1, 1);
            const StateVector<Real> got = qa.state(gammas, betas);
            for (index_t z = 0; z < got.size(); ++z) REQUIRE(std::abs(cd(got[z]) - want(static_cast<Eigen::Index>(z))) < 50 * tol<Real>());
        }
        const StateVector<Real> got = qa.state(gammas, betas);
        const double e_want = [&] {
            double s = 0;
            for (Eigen::Index z = 0; z < want.size(); ++z) s += std::norm(want(z)) * e[static_cast<std::size_t>(z)];
            return s;
        }();
        CHECK(qa.expectation(gammas, betas) == Approx(e_want).margin(1e3 * tol<Real>()));
        CHECK(qa.expectation(got) == Approx(e_want).margin(1e3 * tol<Real>()));
        // Initial state: a random one instead of |+>.
        const StateVector<Real> psi0 = test::random_state<Real>(n, rng);
        qa.set_initial_state(psi0);
        const Eigen::VectorXcd want0 = dense_qaoa(e, n, gammas, betas, test::to_eigen(psi0));
        const StateVector<Real> got0 = qa.state(gammas, betas);
        for (index_t z = 0; z < got0.size(); ++z) REQUIRE(std::abs(cd(got0[z]) - want0(static_cast<Eigen::Index>(z))) < 50 * tol<Real>());
        // p = 0 is the initial state.
        const StateVector<Real> same = qa.state(std::vector<double>{}, std::vector<double>{});
        CHECK(same.fidelity(psi0) == Approx(1.0).margin(1e-6));
    }
}

TEST_CASE("QAOA argument errors", "[qaoa]") {
    qubo::BinaryQuadraticModel m(qubo::vartype::binary, 3);
    m.set_quadratic(0, 1, 1.0);
    QaoaD qa = QaoaD::from_model(m);
    const std::vector<double> two{0.1, 0.2}, one{0.1};
    CHECK_THROWS_AS(qa.state(two, one), value_error);
    CHECK_THROWS_AS(qa.expectation(two, std::vector<double>{0.1, std::nan("")}), value_error);
    const std::vector<double> odd{0.1, 0.2, 0.3};
    CHECK_THROWS_AS(qa.objective(odd), value_error);
    CHECK_THROWS_AS(qa.set_initial_state(StateVector<double>(4)), value_error);
    CHECK_THROWS_AS(qa.set_layout(4, 0, 0), value_error);
    CHECK_THROWS_AS(qa.set_layout(2, 3, 0), value_error);
    StateVector<double> wrong(2);
    CHECK_THROWS_AS(qa.prepare(wrong, one, one), value_error);
    CHECK_THROWS_AS(qa.expectation(wrong), value_error);
}
