// The feasible-subspace simulator: mixed-radix indexing, the incremental cost table against
// brute force, agreement with the full-space QAOA with XY mixers (state, <C>, probabilities of
// every feasible bitstring, nothing outside the feasible set), every kernel path and blocking,
// the optimum probability, seeded sampling, and the helpers for constrained models.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/variational/subspace.hpp"
#include "support/matchers.hpp"
#include "variational/test_subspace_support.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::MessageContains;

namespace {

exec_policy threaded(int threads) {
    exec_policy p;
    p.threads = threads;
    p.serial_cutoff = 1; // enter the parallel regions even for the small test states
    return p;
}

} // namespace

TEST_CASE("subspace: mixed-radix indexing", "[variational][subspace]") {
    const FeasibleSpace s({{4, 0}, {2, 5, 1}, {3}}, 6);
    CHECK(s.size() == 6);
    CHECK(s.num_groups() == 3);
    CHECK(s.stride(0) == 1);
    CHECK(s.stride(1) == 2);
    CHECK(s.stride(2) == 6);
    // Index 5 = digits (1, 2, 0): variables 0, 1 and 3 are set.
    CHECK(s.decode(5) == std::vector<std::int8_t>{1, 1, 0, 1, 0, 0});
    CHECK(s.bitstring(5) == 0b001011);
    for (index_t i = 0; i < s.size(); ++i) {
        const auto x = s.decode(i);
        REQUIRE(s.encode(x));
        CHECK(*s.encode(x) == i);
    }
    CHECK_FALSE(s.encode(std::vector<std::int8_t>{1, 1, 0, 1, 1, 0}));
    CHECK_FALSE(s.encode(std::vector<std::int8_t>{0, 1, 0, 1, 0, 0}));
    CHECK(s.group_of(5) == 1);
    CHECK(s.position_of(5) == 1);

    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}, {1, 2}}, 3), index_error, MessageContains("variable 1 is in one-hot group 0 and in group 1"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}}, 3), index_error, MessageContains("variable 2 is in no one-hot group"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 3}}, 2), index_error, MessageContains("variable 3 is out of range"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0}, {}}, 1), value_error, MessageContains("group 1 has no variable"));
    CHECK_THROWS_MATCHES(s.decode(6), index_error, MessageContains("out of range [0, 6)"));
}

TEST_CASE("subspace: incremental cost table equals the model's energies", "[variational][subspace]") {
    Rng rng(3);
    // 1440 feasible states: enough for the task split of the table (>= 1024 tasks).
    for (const std::vector<unsigned>& sizes : {std::vector<unsigned>{4, 3, 5, 2, 3, 4}, std::vector<unsigned>{1, 3, 2},
                                               std::vector<unsigned>{6}}) {
        const auto groups = test::random_groups(sizes, rng);
        std::size_t n = 0;
        for (unsigned k : sizes) n += k;
        const FeasibleSpace space(groups, n);
        const auto model = test::random_model(n, rng);
        const auto one = feasible_costs(space, model, threaded(1));
        const auto two = feasible_costs(space, model, threaded(2));
        CHECK(one == two); // bit-identical for any thread count
        for (index_t i = 0; i < space.size(); ++i) {
            const double e = model.energy(space.decode(i));
            CHECK(std::abs(one[i] - e) < 1e-12 * (1 + std::abs(e)));
        }
        // A spin model of the same energy function gives the same table.
        const auto spin = feasible_costs(space, model.to_spin());
        for (index_t i = 0; i < space.size(); ++i) CHECK(std::abs(spin[i] - one[i]) < 1e-11);
    }
    const FeasibleSpace s({{0, 1}}, 2);
    CHECK_THROWS_MATCHES(feasible_costs(s, qubo::BinaryQuadraticModel(qubo::vartype::binary, 3)), value_error,
                         MessageContains("the model has 3 variables; the feasible space has 2"));
}

TEMPLATE_TEST_CASE("subspace: agrees with the full-space XY QAOA", "[variational][subspace]", float, double) {
    const double tol = std::is_same_v<TestType, float> ? 2e-5 : 1e-11;
    Rng rng(11);
    const std::vector<std::vector<unsigned>> layouts = {{2, 3, 4}, {3, 3, 3}, {4, 4, 4}, {2, 2, 2, 2, 3}, {1, 3, 2, 4}};
    // Default blocking; narrow bands and tiles that split rows; the scalar loops with an uneven tile.
    std::vector<subspace_options> variants(3);
    variants[1].band_amplitudes = 12; // {2,2,2,2,3}: a second band of two axes, tiles of 2 of 8
    variants[1].tile = 2;
    variants[2].band_amplitudes = 16;
    variants[2].tile = 3;
    variants[2].policy.path = kernel_path::scalar;
    for (const auto& sizes : layouts) {
        const auto groups = test::random_groups(sizes, rng);
        std::size_t n = 0;
        for (unsigned k : sizes) n += k;
        const auto model = test::random_model(n, rng);
        const auto energies = test::full_energies(model);
        const FeasibleSpace space(groups, n);
        for (xy_graph g : {xy_graph::ring, xy_graph::complete})
            for (xy_form f : {xy_form::exact, xy_form::trotter})
                for (std::size_t p = 1; p <= 3; ++p) {
                    std::vector<double> gammas(p), betas(p);
                    for (std::size_t l = 0; l < p; ++l) {
                        gammas[l] = 2 * rng.uniform() - 1;
                        betas[l] = 2 * rng.uniform() - 1;
                    }
                    const auto full = test::full_qaoa<TestType>(groups, energies, g, f, gammas, betas);
                    double full_c = 0.0, outside = 0.0;
                    for (index_t z = 0; z < full.size(); ++z) {
                        const double pz = std::norm(std::complex<double>(full[z]));
                        full_c += pz * energies[z];
                        std::vector<std::int8_t> x(n);
                        for (std::size_t v = 0; v < n; ++v) x[v] = static_cast<std::int8_t>((z >> v) & 1);
                        if (!space.encode(x)) outside += pz;
                    }
                    INFO("sizes " << sizes.size() << " groups, n = " << n << ", " << xy_graph_name(g) << ", "
                                  << xy_form_name(f) << ", p = " << p);
                    CHECK(outside < tol);
                    for (std::size_t vi = 0; vi < variants.size(); ++vi) {
                        subspace_options opt = variants[vi];
                        opt.graph = g;
                        opt.form = f;
                        SubspaceQaoa<TestType> sim(space, model, opt);
                        const double c = sim.expectation(gammas, betas);
                        INFO("variant " << vi);
                        CHECK(std::abs(c - full_c) < tol * 10);
                        const auto probs = sim.probabilities();
                        double worst = 0.0;
                        for (index_t i = 0; i < space.size(); ++i)
                            worst = std::max(worst, std::abs(probs[i] - std::norm(std::complex<double>(full[space.bitstring(i)]))));
                        CHECK(worst < tol);
                        // Same amplitudes, phases included.
                        const auto emb = sim.full_state();
                        double diff = 0.0;
                        for (index_t z = 0; z < full.size(); ++z)
                            diff = std::max(diff, std::abs(std::complex<double>(emb[z]) - std::complex<double>(full[z])));
                        CHECK(diff < tol * 10);
                    }
                }
    }
}

TEMPLATE_TEST_CASE("subspace: blocking, paths and threads give the same state", "[variational][subspace]", float, double) {
    const double tol = std::is_same_v<TestType, float> ? 1e-5 : 1e-13;
    Rng rng(5);
    // 2 x 3 x 4 x 5 x 3 x 2 = 720 states; radixes above 8 take the runtime-k kernels.
    for (const std::vector<unsigned>& sizes : {std::vector<unsigned>{2, 3, 4, 5, 3, 2}, std::vector<unsigned>{9, 2, 11}}) {
        const auto groups = test::random_groups(sizes, rng);
        std::size_t n = 0;
        for (unsigned k : sizes) n += k;
        const FeasibleSpace space(groups, n);
        const auto costs = feasible_costs(space, test::random_model(n, rng));
        const std::vector<double> gammas{0.3, -0.7}, betas{0.9, 0.25};
        subspace_options base;
        base.graph = xy_graph::complete;
        SubspaceQaoa<TestType> ref(space, costs, base);
        ref.run(gammas, betas);
        for (auto [band, tile, scalar, threads] : std::vector<std::tuple<index_t, index_t, bool, int>>{
                 {1, 1, false, 1}, {6, 2, false, 2}, {40, 5, true, 1}, {1u << 14, 32, true, 1}, {100, 7, false, 2},
                 {150, 32, false, 2}, {150, 32, true, 1}}) {
            subspace_options opt = base;
            opt.band_amplitudes = band;
            opt.tile = tile;
            opt.policy = threaded(threads);
            if (scalar) opt.policy.path = kernel_path::scalar;
            SubspaceQaoa<TestType> sim(space, costs, opt);
            sim.run(gammas, betas);
            double diff = 0.0;
            for (index_t i = 0; i < sim.size(); ++i)
                diff = std::max(diff, std::abs(std::complex<double>(sim.state()[i]) - std::complex<double>(ref.state()[i])));
            INFO("band " << band << ", tile " << tile << ", scalar " << scalar << ", passes " << sim.passes_per_layer());
            CHECK(diff < tol);
        }
        // The same policy with 1 and 2 threads: bit-identical <C>.
        subspace_options o1 = base, o2 = base;
        o1.policy = threaded(1);
        o2.policy = threaded(2);
        o1.band_amplitudes = o2.band_amplitudes = 8;
        SubspaceQaoa<TestType> s1(space, costs, o1), s2(space, costs, o2);
        CHECK(s1.expectation(gammas, betas) == s2.expectation(gammas, betas));
    }
}

TEST_CASE("subspace: band plan covers every axis once", "[variational][subspace]") {
    namespace vd = qcoach::variational::detail;
    const auto axes_of = [](unsigned k, std::size_t m) {
        std::vector<vd::subspace_axis> axes;
        index_t s = 1;
        for (std::size_t g = 0; g < m; ++g, s *= k) axes.push_back({k, s});
        return std::make_pair(axes, s);
    };
    const auto check_cover = [](const std::vector<vd::subspace_band>& bands, const std::vector<vd::subspace_axis>& axes,
                                index_t size, index_t limit) {
        std::size_t next = 0;
        for (const auto& b : bands) {
            CHECK(b.first == next);
            CHECK(b.span * b.tile <= limit);
            CHECK(b.inner == axes[b.first].stride);
            CHECK(b.items == size / (b.inner * b.span) * ((b.inner + b.tile - 1) / b.tile));
            next = b.last;
        }
        CHECK(next == axes.size());
    };
    // 3^15 amplitudes, items of 2^14: 8 axes in the first band; the other 7 (3^7 = 2187) fit
    // together with rows of 4 amplitudes, so a layer makes two passes.
    auto [axes, size] = axes_of(3, 15);
    const auto two = vd::plan_bands(axes, size, index_t{1} << 14, 32, 4);
    check_cover(two, axes, size, index_t{1} << 14);
    REQUIRE(two.size() == 2);
    CHECK(two[0].last == 8);
    CHECK(two[1].tile == 4);
    // Rows may not be narrower than 32: the greedy cut needs a third band.
    const auto three = vd::plan_bands(axes, size, index_t{1} << 14, 32, 32);
    check_cover(three, axes, size, index_t{1} << 14);
    CHECK(three.size() == 3);
    // 3^17: the rest after the first band (3^9) exceeds an item, so three bands.
    auto [axes17, size17] = axes_of(3, 17);
    const auto big = vd::plan_bands(axes17, size17, index_t{1} << 14, 32, 4);
    check_cover(big, axes17, size17, index_t{1} << 14);
    CHECK(big.size() == 3);
}

TEST_CASE("subspace: optimum probability and seeded sampling", "[variational][subspace]") {
    Rng rng(17);
    const auto groups = test::random_groups({3, 4, 2}, rng);
    const FeasibleSpace space(groups, 9);
    const auto model = test::random_model(9, rng);
    SubspaceQaoaD sim(space, model);
    // Before any layer the state is uniform over the 24 feasible states.
    CHECK(sim.optimum_probability() == Approx(1.0 / 24));
    sim.run(std::vector<double>{0.8, 0.4}, std::vector<double>{0.5, 0.3});
    const auto probs = sim.probabilities();
    std::size_t best = 0;
    for (std::size_t i = 1; i < probs.size(); ++i)
        if (sim.costs()[i] < sim.costs()[best]) best = i;
    CHECK(sim.optimum_probability() == Approx(probs[best]).epsilon(1e-12));
    CHECK(sim.min_cost() == sim.costs()[best]);
    CHECK(sim.min_cost() == Approx(model.energy(space.decode(best))).margin(1e-12));

    const std::size_t shots = 20000;
    const auto a = sim.sample(shots, 99);
    CHECK(a == sim.sample(shots, 99));
    CHECK(a != sim.sample(shots, 100));
    subspace_options two;
    two.policy = threaded(2);
    SubspaceQaoaD sim2(space, model, two);
    sim2.run(std::vector<double>{0.8, 0.4}, std::vector<double>{0.5, 0.3});
    CHECK(sim2.sample(shots, 99) == a);
    std::vector<double> freq(probs.size(), 0.0);
    for (index_t i : a) freq[i] += 1.0 / shots;
    for (std::size_t i = 0; i < probs.size(); ++i) {
        const double sigma = std::sqrt(probs[i] * (1 - probs[i]) / shots);
        CHECK(std::abs(freq[i] - probs[i]) < 5 * sigma + 1e-9);
    }
    const auto set = sim.sample_set(shots, 99);
    CHECK(set.total_count() == shots);
    for (const auto& e : set.entries()) {
        CHECK(space.encode(e.sample).has_value());
        CHECK(e.energy == Approx(model.energy(e.sample)).margin(1e-12));
    }
}

TEST_CASE("subspace: initial state and argument checks", "[variational][subspace]") {
    const FeasibleSpace space({{0, 1}, {2, 3, 4}}, 5);
    SubspaceQaoaD sim(space, std::vector<double>{1, 2, 3, 4, 5, 6});
    CHECK(sim.expectation() == Approx(3.5));
    std::vector<std::complex<double>> basis(6, 0.0);
    basis[4] = 1.0;
    sim.set_initial_state(basis);
    CHECK(sim.expectation() == Approx(5.0));
    // A basis state is left alone by the cost layer and spread by the mixer.
    sim.run(std::vector<double>{0.3}, std::vector<double>{0.0});
    CHECK(std::abs(sim.state()[4] - std::exp(std::complex<double>(0, -0.3 * 5))) < 1e-14);
    basis[4] = 0.9;
    CHECK_THROWS_MATCHES(sim.set_initial_state(basis), value_error, MessageContains("not normalized"));
    CHECK_THROWS_MATCHES(sim.set_initial_state(std::vector<std::complex<double>>(5, 0.1)), value_error, MessageContains("has 5 amplitudes"));
    CHECK_THROWS_MATCHES(sim.run(std::vector<double>{0.1, 0.2}, std::vector<double>{0.1}), value_error, MessageContains("2 gammas but 1 betas"));
    CHECK_THROWS_MATCHES(sim.run(std::vector<double>{0.1}, std::vector<double>{INFINITY}), value_error, MessageContains("layer 1"));
    CHECK_THROWS_MATCHES(SubspaceQaoaD(space, std::vector<double>{1, 2}), value_error, MessageContains("cost table has 2 entries"));
    sim.set_uniform_initial_state();
    CHECK(sim.expectation() == Approx(3.5));
}

TEST_CASE("subspace: one-hot groups of a constrained model", "[variational][subspace]") {
    // Two clients x three coaches; x[c][k] = variable 3c + k.
    qubo::BinaryQuadraticModel obj(qubo::vartype::binary, 6);
    Rng rng(23);
    for (qubo::var_t v = 0; v < 6; ++v) obj.set_linear(v, -rng.uniform());
    obj.set_quadratic(0, 3, 0.7);
    qubo::ConstrainedModel cm(obj);
    cm.add_one_hot("client0", {0, 1, 2});
    cm.add_one_hot("client1", {3, 4, 5});
    auto oh = find_one_hot_groups(cm);
    CHECK(oh.partition);
    CHECK(oh.groups == std::vector<std::vector<qubo::var_t>>{{0, 1, 2}, {3, 4, 5}});
    CHECK(oh.constraints == std::vector<std::size_t>{0, 1});
    CHECK(objective_without_one_hot(cm) == obj);

    // A pairwise at-most-one row (no slack) keeps the partition; its penalty stays in the cost.
    cm.add_at_most_one("coach0", {0, 3});
    CHECK(find_one_hot_groups(cm).partition);
    const auto cost = objective_without_one_hot(cm);
    const auto full = cm.to_model();
    const FeasibleSpace space = feasible_space(cm);
    const SubspaceQaoaD sim(space, cost);
    for (index_t z = 0; z < 64; ++z) {
        std::vector<std::int8_t> x(6);
        for (int v = 0; v < 6; ++v) x[v] = static_cast<std::int8_t>((z >> v) & 1);
        const bool feasible = space.encode(x).has_value();
        if (feasible) {
            CHECK(cost.energy(x) == Approx(full.energy(x)).margin(1e-12));
            CHECK(sim.costs()[*space.encode(x)] == Approx(full.energy(x)).margin(1e-12));
        } else {
            CHECK(full.energy(x) > cost.energy(x)); // the one-hot penalty is gone
        }
    }

    qubo::ConstrainedModel overlap(obj);
    overlap.add_one_hot("a", {0, 1, 2});
    overlap.add_one_hot("b", {2, 3, 4, 5});
    oh = find_one_hot_groups(overlap);
    CHECK_FALSE(oh.partition);
    CHECK_THAT(oh.reason, Catch::Contains("\"a\" and \"b\""));

    qubo::ConstrainedModel missing(obj);
    missing.add_one_hot("a", {0, 1, 2});
    missing.add_one_hot("b", {3, 5});
    oh = find_one_hot_groups(missing);
    CHECK_FALSE(oh.partition);
    CHECK_THAT(oh.reason, Catch::Contains("#4 is in no one-hot constraint"));

    qubo::ConstrainedModel slack(obj);
    slack.add_one_hot("a", {0, 1, 2});
    slack.add_one_hot("b", {3, 4, 5});
    slack.add_at_most_k("cap", {0, 3, 1}, 1);
    oh = find_one_hot_groups(slack);
    CHECK_FALSE(oh.partition);
    CHECK_THAT(oh.reason, Catch::Contains("slack"));
    CHECK_THROWS_MATCHES(feasible_space(slack), value_error, MessageContains("do not partition"));
    // Without the one-hot rows the slack row's penalty is kept, with the same weight.
    const auto part = objective_without_one_hot(slack);
    const auto whole = slack.to_model();
    for (index_t z = 0; z < (index_t{1} << whole.num_variables()); ++z) {
        std::vector<std::int8_t> x(whole.num_variables());
        for (std::size_t v = 0; v < x.size(); ++v) x[v] = static_cast<std::int8_t>((z >> v) & 1);
        if (x[0] + x[1] + x[2] == 1 && x[3] + x[4] + x[5] == 1)
            CHECK(part.energy(x) == Approx(whole.energy(x)).margin(1e-9));
    }
}
