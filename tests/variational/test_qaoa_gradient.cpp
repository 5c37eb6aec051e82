// Adjoint QAOA gradient against central finite differences of the energy, over layouts with and
// without high qubits, integer and real energies, |+> and a random initial state.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "qcoach/variational/qaoa.hpp"
#include "support/policies.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using namespace qcoach::variational;

namespace {

std::shared_ptr<const CostTable> random_table(qubit_t n, Rng& rng, bool integer) {
    std::vector<double> e(std::size_t{1} << n);
    for (auto& v : e) v = integer ? static_cast<double>(rng.below(11)) - 4.0 : 2.0 * rng.normal();
    return std::make_shared<const CostTable>(CostTable::from_energies(e));
}

template <class Real>
void check_gradient(Qaoa<Real>& qa, const std::vector<double>& x, double h, double tol) {
    const std::size_t p = x.size() / 2;
    std::vector<double> grad(x.size());
    const double e = qa.objective_and_gradient(x, grad);
    REQUIRE(e == Approx(qa.objective(x)).margin(tol));
    for (std::size_t k = 0; k < x.size(); ++k) {
        std::vector<double> xp = x, xm = x;
        xp[k] += h;
        xm[k] -= h;
        const double fd = (qa.objective(xp) - qa.objective(xm)) / (2 * h);
        INFO((k < p ? "gamma_" : "beta_") << (k % p + 1) << " of p = " << p);
        REQUIRE(grad[k] == Approx(fd).margin(tol));
    }
}

} // namespace

TEST_CASE("adjoint gradient equals central differences (double, 1e-6)", "[qaoa][gradient]") {
    Rng rng(21);
    for (qubit_t n : {1u, 2u, 3u, 5u, 8u}) {
        for (bool integer : {true, false}) {
            auto table = random_table(n, rng, integer);
            QaoaD qa(table);
            for (std::size_t p : {1u, 2u, 4u}) {
                std::vector<double> x(2 * p);
                for (auto& v : x) v = rng.normal();
                // Layouts: one chunk (no high pass), and split ones that cover tiles and sub-blocks.
                std::vector<std::array<unsigned, 3>> layouts{{n, 0, 0}};
                if (n >= 3) layouts.push_back({n - 2, 1, 1});
                if (n >= 5) layouts.push_back({3, 3, 2});
                for (const auto& lay : layouts) {
                    qa.set_layout(lay[0], lay[1], lay[2]);
                    INFO("n " << n << " integer " << integer << " L " << lay[0] << " S " << lay[1] << " w " << lay[2]);
                    check_gradient(qa, x, 1e-5, 1e-6);
                }
            }
        }
    }
}

TEST_CASE("adjoint gradient on half states of flip-symmetric tables", "[qaoa][gradient][flip]") {
    // E(z) = E(~z): the gradient runs on the lower half of each state. Against central
    // differences of the full-state energy and against the full-state gradient.
    Rng rng(17);
    for (qubit_t n : {2u, 3u, 5u, 8u}) {
        for (bool integer : {true, false}) {
            const index_t dim = index_t{1} << n;
            std::vector<double> e(dim);
            for (index_t z = 0; z < dim / 2; ++z) e[z] = e[(dim - 1) ^ z] = integer ? static_cast<double>(rng.below(9)) : rng.normal();
            auto table = std::make_shared<const CostTable>(CostTable::from_energies(e));
            QaoaD half(table), full(table);
            full.set_flip_symmetry(false);
            REQUIRE(half.uses_flip_symmetry());
            for (std::size_t p : {1u, 3u}) {
                std::vector<double> x(2 * p);
                for (auto& v : x) v = rng.normal();
                std::vector<std::array<unsigned, 3>> layouts{{n, 0, 0}};
                if (n >= 5) layouts.insert(layouts.end(), {{n - 2, 1, 1}, {3, 3, 2}, {2, 1, 1}});
                for (const auto& lay : layouts) {
                    half.set_layout(lay[0], lay[1], lay[2]);
                    for (auto path : {kernel_path::simd, kernel_path::scalar}) {
                        half.set_policy(test::policy(2, 16, path));
                        INFO("n " << n << " integer " << integer << " p " << p << " L " << lay[0] << " S " << lay[1] << " w "
                                  << lay[2] << " scalar " << (path == kernel_path::scalar));
                        std::vector<double> gh(x.size()), gf(x.size());
                        const double eh = half.objective_and_gradient(x, gh);
                        const double ef = full.objective_and_gradient(x, gf);
                        REQUIRE(eh == Approx(ef).margin(1e-10));
                        // The same bits for one thread as for two.
                        std::vector<double> g1(x.size());
                        half.set_policy(test::policy(1, 16, path));
                        CHECK(half.objective_and_gradient(x, g1) == eh);
                        CHECK(g1 == gh);
                        for (std::size_t k = 0; k < x.size(); ++k) {
                            std::vector<double> xp = x, xm = x;
                            xp[k] += 1e-5;
                            xm[k] -= 1e-5;
                            const double fd = (full.objective(xp) - full.objective(xm)) / 2e-5;
                            REQUIRE(gh[k] == Approx(gf[k]).margin(1e-10));
                            REQUIRE(gh[k] == Approx(fd).margin(1e-6));
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("adjoint gradient with an initial state, scalar path and threads", "[qaoa][gradient]") {
    Rng rng(5);
    const qubit_t n = 7;
    auto table = random_table(n, rng, false);
    QaoaD qa(table);
    qa.set_initial_state(test::random_state<double>(n, rng));
    std::vector<double> x{0.3, -0.7, 0.2, 0.5, 1.1, -0.4};
    for (auto path : {kernel_path::simd, kernel_path::scalar}) {
        exec_policy pol;
        pol.path = path;
        pol.threads = 2;
        pol.serial_cutoff = path == kernel_path::simd ? 16 : index_t{1} << 20; // threads on the SIMD path
        qa.set_policy(pol);
        qa.set_layout(4, 2, 2);
        check_gradient(qa, x, 1e-5, 1e-6);
    }
}

TEST_CASE("adjoint gradient in float", "[qaoa][gradient]") {
    Rng rng(9);
    const qubit_t n = 8;
    auto table = random_table(n, rng, true);
    QaoaF qf(table);
    QaoaD qd(table);
    std::vector<double> x{0.2, 0.45, -0.3, 0.6, 0.25, 0.1};
    std::vector<double> gf(x.size()), gd(x.size());
    for (auto lay : {std::array<unsigned, 3>{8, 3, 3}, std::array<unsigned, 3>{5, 4, 3}}) {
        qf.set_layout(lay[0], lay[1], lay[2]);
        const double ef = qf.objective_and_gradient(x, gf);
        const double ed = qd.objective_and_gradient(x, gd);
        CHECK(ef == Approx(ed).margin(1e-4));
        for (std::size_t k = 0; k < x.size(); ++k) CHECK(gf[k] == Approx(gd[k]).margin(1e-3));
    }
    std::vector<double> wrong(3);
    CHECK_THROWS_AS(qd.objective_and_gradient(x, wrong), value_error);
    std::vector<double> g1(1), g2(2);
    CHECK_THROWS_AS(qd.gradient(std::vector<double>{0.1, 0.2}, std::vector<double>{0.1, 0.2}, g1, g2), value_error);
}
