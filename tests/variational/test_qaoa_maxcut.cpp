// QAOA on MaxCut against exact values: the ring of disagrees, the p = 1 closed form on any graph
// (Wang, Hadfield, Jiang, Rieffel, PRA 97, 022304 (2018)), the fixed angles of Wurtz & Lykov
// on the Petersen (p = 1) and Heawood (p = 2) graphs; the random regular graph generator; the
// probability of the optimum and sampling.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <set>
#include <vector>

#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/maxcut.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "variational/graphs.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::heawood;
using qcoach::test::petersen;
using qcoach::test::ring;

namespace {

/// <cut> of the literature's angles (e^{-i gamma cut}) through the engine (E = -cut).
template <class Real>
double expected_cut(const qubo::MaxCutGraph& g, const qaoa_angles& lit) {
    Qaoa<Real> qa(maxcut_cost_table(g));
    const qaoa_angles a = rescale_gammas(lit, -1.0);
    return -qa.expectation(a.gammas, a.betas);
}

} // namespace

TEMPLATE_TEST_CASE("ring of disagrees at p = 1: <C>/n = 3/4 at gamma = pi/4, beta = pi/8", "[qaoa][maxcut]", float, double) {
    for (unsigned n : {4u, 6u, 9u}) {
        const auto g = maxcut_graph(n, ring(n));
        const qaoa_angles lit{{std::numbers::pi / 4}, {std::numbers::pi / 8}};
        CHECK(expected_cut<TestType>(g, lit) / n == Approx(0.75).margin(1e-5));
        // The sign matters: the same angles without the conversion give 1 - 3/4.
        Qaoa<TestType> qa(maxcut_cost_table(g));
        CHECK(-qa.expectation(lit.gammas, lit.betas) / n == Approx(0.25).margin(1e-5));
    }
}

TEST_CASE("ring of disagrees, optimized: <C>/n = (2p+1)/(2p+2) for p = 1, 2, 3", "[qaoa][maxcut]") {
    // Farhi, Goldstone, Gutmann 2014, sec. IV: on the ring (n >= 2p + 2) a depth-p QAOA sees
    // only paths of 2p + 2 vertices, and its optimum is (2p+1)/(2p+2) of the edges. The angles
    // are optimized from scratch here: INTERP warm starts for increasing p plus random starts,
    // each polished by L-BFGS on the adjoint gradient.
    const unsigned n = 8;
    const auto g = maxcut_graph(n, ring(n));
    Qaoa<double> qa(maxcut_cost_table(g));
    const objective f = [&](std::span<const double> x, std::span<double> grad) {
        return grad.empty() ? qa.objective(x) : qa.objective_and_gradient(x, grad);
    };
    optimize_options opt;
    opt.max_iterations = 300;
    const minimizer local = [&](const objective& h, std::vector<double> x0) { return minimize_lbfgs(h, std::move(x0), opt); };
    qaoa_angles warm{{-std::numbers::pi / 4}, {std::numbers::pi / 8}};
    for (std::size_t p = 1; p <= 3; ++p) {
        optimize_result best = local(f, warm.flatten());
        const std::vector<double> lo(2 * p, 0.0), hi(2 * p, std::numbers::pi);
        const optimize_result ms = minimize_multistart(f, local, lo, hi, 6, 17 + p);
        if (ms.value < best.value) best = ms;
        const double want = (2.0 * p + 1) / (2.0 * p + 2);
        CHECK(-best.value / n == Approx(want).margin(1e-6));
        // No angles do better than the bound (the optimizer could not have overshot it).
        CHECK(-best.value / n <= want + 1e-9);
        warm = interp(qaoa_angles{std::vector<double>(best.x.begin(), best.x.begin() + static_cast<long>(p)),
                                  std::vector<double>(best.x.begin() + static_cast<long>(p), best.x.end())});
    }
}

TEST_CASE("p = 1 closed form on random graphs", "[qaoa][maxcut]") {
    Rng rng(4);
    for (int trial = 0; trial < 4; ++trial) {
        const unsigned n = 8;
        edge_list edges;
        for (unsigned i = 0; i < n; ++i)
            for (unsigned j = i + 1; j < n; ++j)
                if (rng.uniform() < 0.5) edges.emplace_back(i, j);
        const auto g = maxcut_graph(n, edges);
        std::vector<std::set<unsigned>> adj(n);
        for (auto [i, j] : edges) {
            adj[i].insert(j);
            adj[j].insert(i);
        }
        const double gm = rng.uniform() * 2, b = rng.uniform() * 2;
        double want = 0;
        for (auto [u, v] : edges) {
            const double d = static_cast<double>(adj[u].size()) - 1, e = static_cast<double>(adj[v].size()) - 1;
            double f = 0;
            for (unsigned k : adj[u]) f += adj[v].count(k);
            want += 0.5 + 0.25 * std::sin(4 * b) * std::sin(gm) * (std::pow(std::cos(gm), d) + std::pow(std::cos(gm), e)) -
                    0.25 * std::pow(std::sin(2 * b), 2) * std::pow(std::cos(gm), d + e - 2 * f) * (1 - std::pow(std::cos(2 * gm), f));
        }
        CHECK(expected_cut<double>(g, qaoa_angles{{gm}, {b}}) == Approx(want).margin(1e-10));
    }
}

TEMPLATE_TEST_CASE("fixed angles: Petersen p = 1 and Heawood p = 2", "[qaoa][maxcut]", float, double) {
    const auto pg = maxcut_graph(10, petersen());
    REQUIRE(pg.total_weight == 15);
    const auto a1 = fixed_angles(3, 1);
    REQUIRE(a1);
    CHECK(expected_cut<TestType>(pg, *a1) / 15 == Approx(0.6924500869).margin(1e-6));
    // Closed form angles for triangle-free 3-regular graphs: beta = pi/8, gamma = arctan(1/sqrt 2).
    const qaoa_angles exact{{std::atan(1 / std::sqrt(2.0))}, {std::numbers::pi / 8}};
    CHECK(expected_cut<TestType>(pg, exact) / 15 == Approx(0.5 + 0.5 / std::sqrt(3.0) * (2.0 / 3.0)).margin(1e-6));
    const auto hg = maxcut_graph(14, heawood());
    const auto a2 = fixed_angles(3, 2);
    REQUIRE(a2);
    CHECK(expected_cut<TestType>(hg, *a2) / 21 == Approx(0.7559064145).margin(1e-6));
}

TEST_CASE("random regular graphs are simple, regular and seeded", "[qaoa][maxcut]") {
    for (auto [n, d] : {std::pair{10u, 3u}, std::pair{16u, 3u}, std::pair{12u, 5u}, std::pair{9u, 8u}}) {
        const edge_list e = random_regular_edges(n, d, 7);
        CHECK(e == random_regular_edges(n, d, 7));
        CHECK(e.size() == n * d / 2);
        std::vector<unsigned> deg(n);
        std::set<std::pair<unsigned, unsigned>> seen;
        for (auto [i, j] : e) {
            REQUIRE(i < j);
            REQUIRE(j < n);
            REQUIRE(seen.insert({i, j}).second);
            ++deg[i];
            ++deg[j];
        }
        for (unsigned v = 0; v < n; ++v) CHECK(deg[v] == d);
    }
    CHECK(random_regular_edges(20, 3, 1) != random_regular_edges(20, 3, 2));
    CHECK_THROWS_AS(random_regular_edges(5, 3, 1), value_error);
    CHECK_THROWS_AS(random_regular_edges(4, 4, 1), value_error);
    CHECK_THROWS_AS(maxcut_graph(3, edge_list{{0, 3}}), value_error);
    CHECK_THROWS_AS(maxcut_graph(3, edge_list{{0, 1}, {0, 1}}), value_error);
}

TEST_CASE("probability of the optimum counts every degenerate maximum cut; sampling", "[qaoa][maxcut]") {
    const auto g = maxcut_graph(6, ring(6));
    const CostTable t = maxcut_cost_table(g);
    CHECK(t.min() == -6);
    CHECK(t.num_minima() == 2); // 010101 and 101010
    CHECK(t.minimizers() == std::vector<index_t>{0b010101, 0b101010});
    QaoaD qa(std::make_shared<const CostTable>(t));
    const StateVector<double> plus = qa.state(std::vector<double>{}, std::vector<double>{});
    CHECK(qa.optimum_probability(plus) == Approx(2.0 / 64));
    const std::vector<double> gm{-std::numbers::pi / 4}, b{std::numbers::pi / 8};
    const StateVector<double> psi = qa.state(gm, b);
    const double p_opt = std::norm(psi[0b010101]) + std::norm(psi[0b101010]);
    CHECK(qa.optimum_probability(psi) == Approx(p_opt));
    const auto counts = qa.sample_counts(psi, 4000, 3);
    CHECK(counts == qa.sample_counts(psi, 4000, 3));
    std::size_t total = 0, opt = 0;
    for (auto [z, c] : counts) {
        total += c;
        if (t.is_minimum(z)) opt += c;
        CHECK(cut_value(g, z) == -t[z]);
    }
    CHECK(total == 4000);
    CHECK(static_cast<double>(opt) / 4000 == Approx(p_opt).margin(0.03));
}
