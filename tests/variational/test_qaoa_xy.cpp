// QAOA with the XY mixer slot: the state against the phase of the statevector layer followed by
// xy_mixer::apply, from the W state; the adjoint gradient against central differences.

#include <catch2/catch.hpp>

#include <bit>
#include <vector>

#include "qcoach/statevector/statevector.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "qcoach/variational/xy_mixer.hpp"

using namespace qcoach;
using namespace qcoach::variational;

TEST_CASE("QAOA with an XY mixer: state and adjoint gradient", "[qaoa][xy]") {
    Rng rng(13);
    const qubit_t n = 6;
    std::vector<double> e(std::size_t{1} << n);
    for (auto& v : e) v = rng.normal();
    auto table = std::make_shared<const CostTable>(CostTable::from_energies(e));
    const std::vector<std::vector<qubit_t>> groups{{0, 1, 2}, {3, 4, 5}};
    for (auto [graph, form] : {std::pair{xy_graph::ring, xy_form::exact}, std::pair{xy_graph::complete, xy_form::exact},
                               std::pair{xy_graph::ring, xy_form::trotter}}) {
        const xy_mixer mix(groups, graph, form);
        QaoaD qa(table, mix);
        qa.set_initial_state(w_state<double>(n, groups));
        const std::vector<double> g{0.4, -0.2}, b{0.7, 0.3};
        StateVector<double> ref = w_state<double>(n, groups);
        for (std::size_t l = 0; l < g.size(); ++l) {
            apply_phase(ref, std::span<const double>(e), g[l]);
            mix.apply(ref, b[l]);
        }
        const StateVector<double> got = qa.state(g, b);
        CHECK(got.fidelity(ref) == Approx(1.0).margin(1e-12));
        CHECK(std::abs(got.inner(ref) - std::complex<double>(1.0)) < 1e-12);
        // Feasibility is kept: no weight outside one-hot states.
        double outside = 0;
        for (index_t z = 0; z < got.size(); ++z)
            if (std::popcount(z & 7u) != 1 || std::popcount(z & 56u) != 1) outside += std::norm(got[z]);
        CHECK(outside < 1e-20);
        std::vector<double> x{0.4, -0.2, 0.7, 0.3}, grad(4);
        const double val = qa.objective_and_gradient(x, grad);
        CHECK(val == Approx(qa.objective(x)).margin(1e-12));
        for (std::size_t k = 0; k < x.size(); ++k) {
            std::vector<double> xp = x, xm = x;
            xp[k] += 1e-5;
            xm[k] -= 1e-5;
            CHECK(grad[k] == Approx((qa.objective(xp) - qa.objective(xm)) / 2e-5).margin(1e-6));
        }
    }
    CHECK_THROWS_AS(QaoaD(table, xy_mixer({{0, 7}})), index_error);
}
