// Adjoint gradient of the feasible-subspace QAOA against central differences of <C>, for both
// graphs and both mixer forms, p = 1..3, from the uniform start and from a given state; and its
// independence of blocking, kernel path and thread count.

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <tuple>
#include <utility>
#include <vector>

#include "qcoach/variational/subspace.hpp"
#include "variational/test_subspace_support.hpp"

using namespace qcoach;
using namespace qcoach::variational;

namespace {

struct fd_gradient {
    std::vector<double> gammas, betas;
};

/// Central differences of <C> in double, step h.
fd_gradient central_differences(SubspaceQaoaD& sim, std::vector<double> gammas, std::vector<double> betas, double h) {
    fd_gradient out;
    for (std::size_t l = 0; l < gammas.size(); ++l) {
        for (int which = 0; which < 2; ++which) {
            auto& angles = which == 0 ? gammas : betas;
            const double keep = angles[l];
            angles[l] = keep + h;
            const double up = sim.expectation(gammas, betas);
            angles[l] = keep - h;
            const double down = sim.expectation(gammas, betas);
            angles[l] = keep;
            (which == 0 ? out.gammas : out.betas).push_back((up - down) / (2 * h));
        }
    }
    return out;
}

} // namespace

TEST_CASE("subspace gradient: adjoint equals central differences (double)", "[variational][subspace][gradient]") {
    Rng rng(29);
    for (const std::vector<unsigned>& sizes : {std::vector<unsigned>{3, 2, 4}, std::vector<unsigned>{3, 3, 3, 3},
                                               std::vector<unsigned>{5, 1, 4, 3}}) {
        const auto groups = test::random_groups(sizes, rng);
        std::size_t n = 0;
        for (unsigned k : sizes) n += k;
        const FeasibleSpace space(groups, n);
        const auto costs = feasible_costs(space, test::random_model(n, rng));
        for (xy_graph g : {xy_graph::ring, xy_graph::complete})
            for (xy_form f : {xy_form::exact, xy_form::trotter})
                for (std::size_t p = 1; p <= 3; ++p) {
                    subspace_options opt;
                    opt.graph = g;
                    opt.form = f;
                    SubspaceQaoaD sim(space, costs, opt);
                    std::vector<double> gammas(p), betas(p);
                    for (std::size_t l = 0; l < p; ++l) {
                        gammas[l] = 2 * rng.uniform() - 1;
                        betas[l] = 2 * rng.uniform() - 1;
                    }
                    const auto grad = sim.gradient(gammas, betas);
                    const auto fd = central_differences(sim, gammas, betas, 1e-5);
                    INFO(sizes.size() << " groups, " << xy_graph_name(g) << ", " << xy_form_name(f) << ", p = " << p);
                    CHECK(grad.value == Approx(sim.expectation(gammas, betas)).margin(1e-12));
                    for (std::size_t l = 0; l < p; ++l) {
                        CHECK(std::abs(grad.gammas[l] - fd.gammas[l]) < 1e-6);
                        CHECK(std::abs(grad.betas[l] - fd.betas[l]) < 1e-6);
                    }
                }
    }
}

TEST_CASE("subspace gradient: from a given initial state", "[variational][subspace][gradient]") {
    Rng rng(31);
    const auto groups = test::random_groups({4, 3, 2}, rng);
    const FeasibleSpace space(groups, 9);
    SubspaceQaoaD sim(space, test::random_model(9, rng));
    std::vector<std::complex<double>> init(space.size());
    double norm = 0.0;
    for (auto& a : init) {
        a = {rng.normal(), rng.normal()};
        norm += std::norm(a);
    }
    for (auto& a : init) a /= std::sqrt(norm);
    sim.set_initial_state(init);
    const std::vector<double> gammas{0.4, -0.9, 0.2}, betas{-0.3, 0.6, 1.1};
    const auto grad = sim.gradient(gammas, betas);
    const auto fd = central_differences(sim, gammas, betas, 1e-5);
    for (std::size_t l = 0; l < 3; ++l) {
        CHECK(std::abs(grad.gammas[l] - fd.gammas[l]) < 1e-6);
        CHECK(std::abs(grad.betas[l] - fd.betas[l]) < 1e-6);
    }
    // gradient() leaves the simulator at its initial state.
    sim.run(gammas, betas);
    (void)sim.gradient(betas, gammas);
    CHECK(std::equal(init.begin(), init.end(), sim.state().begin()));
}

TEST_CASE("subspace gradient: float matches double", "[variational][subspace][gradient]") {
    Rng rng(37);
    const auto groups = test::random_groups({3, 4, 3}, rng);
    const FeasibleSpace space(groups, 10);
    const auto costs = feasible_costs(space, test::random_model(10, rng));
    const std::vector<double> gammas{0.7, 0.1}, betas{0.35, -0.45};
    for (xy_form f : {xy_form::exact, xy_form::trotter}) {
        subspace_options opt;
        opt.form = f;
        SubspaceQaoaD d(space, costs, opt);
        SubspaceQaoaF s(space, costs, opt);
        const auto gd = d.gradient(gammas, betas);
        const auto gs = s.gradient(gammas, betas);
        CHECK(gs.value == Approx(gd.value).margin(1e-5));
        for (std::size_t l = 0; l < 2; ++l) {
            CHECK(std::abs(gs.gammas[l] - gd.gammas[l]) < 1e-4);
            CHECK(std::abs(gs.betas[l] - gd.betas[l]) < 1e-4);
        }
    }
}

TEST_CASE("subspace gradient: blocking, path and threads", "[variational][subspace][gradient]") {
    Rng rng(41);
    const auto groups = test::random_groups({2, 3, 4, 5, 3, 2}, rng);
    const FeasibleSpace space(groups, 19);
    const auto costs = feasible_costs(space, test::random_model(19, rng));
    const std::vector<double> gammas{0.3, -0.2}, betas{0.8, 0.5};
    const auto ref = SubspaceQaoaD(space, costs).gradient(gammas, betas);
    for (auto [band, tile, scalar] : std::vector<std::tuple<index_t, index_t, bool>>{{1, 1, false}, {12, 5, false}, {30, 2, true}, {150, 32, false}}) {
        for (int threads : {1, 2}) {
            subspace_options opt;
            opt.band_amplitudes = band;
            opt.tile = tile;
            opt.policy.threads = threads;
            opt.policy.serial_cutoff = 1;
            if (scalar) opt.policy.path = kernel_path::scalar;
            SubspaceQaoaD sim(space, costs, opt);
            const auto g = sim.gradient(gammas, betas);
            INFO("band " << band << ", tile " << tile << ", scalar " << scalar << ", threads " << threads);
            CHECK(g.value == Approx(ref.value).margin(1e-13));
            for (std::size_t l = 0; l < 2; ++l) {
                CHECK(g.gammas[l] == Approx(ref.gammas[l]).margin(1e-12));
                CHECK(g.betas[l] == Approx(ref.betas[l]).margin(1e-12));
            }
            if (threads == 2) {
                opt.policy.threads = 1;
                const auto g1 = SubspaceQaoaD(space, costs, opt).gradient(gammas, betas);
                CHECK(g1.value == g.value);
                CHECK(g1.gammas == g.gammas);
                CHECK(g1.betas == g.betas);
            }
        }
    }
}
