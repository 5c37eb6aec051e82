// QAOA with XY mixers on coach-client matching: the subspace cost of a constrained model (slack
// minimized out) against brute force, the qualitative comparison XY vs X after optimizing the
// angles (XY keeps every sample one-hot feasible, X with penalties does not), and the checks made
// before allocation.

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numbers>
#include <span>
#include <vector>

#include "qcoach/coaching/matching.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "qcoach/variational/subspace.hpp"
#include "support/matchers.hpp"
#include "variational/test_subspace_support.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::MessageContains;

namespace {

/// clients x coaches, every pair allowed, values in [0, 1) with two decimals (seeded).
coaching::MatchingProblem small_matching(std::size_t clients, std::size_t coaches, std::vector<std::int64_t> caps,
                                         std::uint64_t seed) {
    std::vector<std::string> cl, co;
    for (std::size_t c = 0; c < clients; ++c) cl.push_back("client-" + std::to_string(c));
    for (std::size_t k = 0; k < coaches; ++k) co.push_back("coach-" + std::to_string(k));
    coaching::MatchingProblem p(cl, co, std::move(caps));
    Rng rng(seed);
    for (std::size_t c = 0; c < clients; ++c)
        for (std::size_t k = 0; k < coaches; ++k) p.set_value(c, k, std::floor(100 * rng.uniform()) / 100);
    return p;
}

/// Best of two L-BFGS runs from random points in the box, at depths 1..p, each depth also
/// started from INTERP of the previous optimum (angles.hpp).
std::vector<double> optimize_angles(const objective& f, std::size_t p, double gamma_box, std::uint64_t seed) {
    optimize_options o;
    o.max_iterations = 30;
    const minimizer local = [&](const objective& g, std::vector<double> x0) { return minimize_lbfgs(g, std::move(x0), o); };
    std::vector<double> best;
    for (std::size_t depth = 1; depth <= p; ++depth) {
        std::vector<double> lo(2 * depth), hi(2 * depth);
        for (std::size_t l = 0; l < depth; ++l) {
            lo[l] = -gamma_box;
            hi[l] = gamma_box;
            lo[depth + l] = -std::numbers::pi / 2;
            hi[depth + l] = std::numbers::pi / 2;
        }
        optimize_result r = minimize_multistart(f, local, lo, hi, 2, seed + depth);
        if (!best.empty()) {
            optimize_result w = local(f, interp(qaoa_angles::unflatten(best)).flatten());
            if (w.value < r.value) r = std::move(w);
        }
        best = r.x;
    }
    return best;
}

} // namespace

TEST_CASE("xy matching: subspace costs of a constrained model minimize out the slack", "[coaching][xy][subspace]") {
    // Three clients x three coaches, capacities 1, 2, 3: rows with 1 and 2 slack bits and one
    // redundant row; one pair excluded, so the groups have 3, 2 and 3 variables.
    auto p = small_matching(3, 3, {1, 2, 3}, 5);
    p.forbid(1, 2);
    const coaching::MatchingEncoding enc(p);
    const auto& cm = enc.constrained();
    REQUIRE(cm.num_slack_variables() >= 2);
    const auto oh = find_one_hot_groups(cm);
    CHECK_FALSE(oh.partition);
    CHECK(oh.partition_original);
    CHECK_THROWS_MATCHES(feasible_space(cm), value_error, MessageContains("slack"));
    const FeasibleSpace space = assignment_space(cm);
    CHECK(space.size() == 18);
    const auto costs = constrained_costs(space, cm);
    const auto model = cm.to_model();
    const std::size_t n = cm.num_variables(), ns = cm.num_slack_variables();
    for (index_t i = 0; i < space.size(); ++i) {
        const auto x = space.decode(i);
        // Brute force over every slack assignment.
        double best = std::numeric_limits<double>::infinity();
        std::vector<std::int8_t> full(x.begin(), x.end());
        full.resize(n + ns);
        for (index_t s = 0; s < (index_t{1} << ns); ++s) {
            for (std::size_t b = 0; b < ns; ++b) full[n + b] = static_cast<std::int8_t>((s >> b) & 1);
            best = std::min(best, model.energy(full));
        }
        CHECK(costs[i] == Approx(best).margin(1e-9));
        CHECK(costs[i] == Approx(model.energy(cm.complete_sample(x))).margin(1e-9));
    }
    // Thread-count independent, bit for bit.
    exec_policy two;
    two.threads = 2;
    two.serial_cutoff = 1;
    CHECK(constrained_costs(space, cm, two) == costs);
    CHECK_THROWS_MATCHES(constrained_costs(FeasibleSpace({{0, 1}}, 2), cm), value_error, MessageContains("original variables"));
}

TEST_CASE("xy matching: XY keeps every sample feasible, X with penalties does not", "[coaching][xy][subspace]") {
    // Four clients x three coaches (12 qubits); capacities of 4 make the capacity rows redundant,
    // so the X mixer runs on the 12 assignment qubits with the one-hot penalties.
    const auto p = small_matching(4, 3, {4, 4, 4}, 11);
    const coaching::MatchingEncoding enc(p);
    const auto& model = enc.model();
    REQUIRE(model.num_variables() == 12);
    const auto groups = enc.one_hot_groups();
    const auto qgroups = test::as_qubits(groups);
    const auto feasible = [&](index_t z) {
        for (const auto& g : groups) {
            int on = 0;
            for (auto v : g) on += static_cast<int>((z >> v) & 1);
            if (on != 1) return false;
        }
        return true;
    };
    auto table = std::make_shared<const CostTable>(CostTable::from_model(model));
    double e_min = std::numeric_limits<double>::infinity();
    for (index_t z = 0; z < table->size(); ++z)
        if (feasible(z)) e_min = std::min(e_min, table->energy(z));

    // XY angles optimized on the subspace (81 amplitudes); the state at those angles in the full
    // space from the W state. X: the full space of the penalized QUBO from |+>^12.
    const FeasibleSpace space = assignment_space(enc.constrained());
    SubspaceQaoaD sub(space, constrained_costs(space, enc.constrained()));
    QaoaD xy(table, xy_mixer(qgroups, xy_graph::ring));
    xy.set_initial_state(w_state<double>(12, qgroups));
    QaoaD xq(table, x_mixer{});
    const objective fxy = [&](std::span<const double> x, std::span<double> g) {
        const auto a = qaoa_angles::unflatten(x);
        if (g.empty()) return sub.expectation(a.gammas, a.betas);
        const auto r = sub.gradient(a.gammas, a.betas);
        std::copy(r.gammas.begin(), r.gammas.end(), g.begin());
        std::copy(r.betas.begin(), r.betas.end(), g.begin() + static_cast<std::ptrdiff_t>(r.gammas.size()));
        return r.value;
    };
    const objective fx = [&](std::span<const double> x, std::span<double> g) {
        return g.empty() ? xq.objective(x) : xq.objective_and_gradient(x, g);
    };
    for (std::size_t depth = 1; depth <= 2; ++depth) {
        const auto a_xy = qaoa_angles::unflatten(optimize_angles(fxy, depth, 1.5, 3));
        const auto a_x = qaoa_angles::unflatten(optimize_angles(fx, depth, 0.2, 3));
        const auto s_xy = xy.state(a_xy.gammas, a_xy.betas);
        const auto s_x = xq.state(a_x.gammas, a_x.betas);
        double in_xy = 0, in_x = 0, opt_xy = 0;
        for (index_t z = 0; z < s_xy.size(); ++z) {
            if (!feasible(z)) continue;
            in_xy += std::norm(s_xy[z]);
            in_x += std::norm(s_x[z]);
            if (table->energy(z) <= e_min + 1e-9) opt_xy += std::norm(s_xy[z]);
        }
        INFO("p = " << depth);
        CHECK(std::abs(1.0 - in_xy) < 1e-12);
        CHECK(in_x < 0.99);
        // The optimized XY state beats the uniform start on the optimum (1/81 there).
        CHECK(opt_xy > 2.0 / 81.0);
        // The subspace simulator gives the same <C> and optimum probability at these angles.
        CHECK(sub.expectation(a_xy.gammas, a_xy.betas) == Approx(xy.expectation(a_xy.gammas, a_xy.betas)).margin(1e-10));
        CHECK(sub.optimum_probability() == Approx(opt_xy).margin(1e-10));
        // Samples decode to one-hot assignments of the original variables.
        const qubo::SampleSet samples = sub.sample_set(64, depth);
        for (const auto& e : samples.entries()) CHECK(space.encode(e.sample).has_value());
    }
}

TEST_CASE("xy matching: sizes are checked before allocation", "[coaching][xy][subspace]") {
    // 3^30 amplitudes: 3.3 TB in double; refused with the size in the message.
    std::vector<std::vector<qubo::var_t>> groups(30);
    for (qubo::var_t v = 0; v < 90; ++v) groups[v / 3].push_back(v);
    const FeasibleSpace big(groups, 90);
    CHECK(big.size() == 205891132094649ull);
    CHECK_THROWS_MATCHES(SubspaceQaoaD(big, qubo::BinaryQuadraticModel(qubo::vartype::binary, 90)), memory_error,
                         MessageContains("205891132094649"));
    // Under a configured limit of 1 MiB: a cost table of 3^11 entries (1.4 MB, made here) is
    // accepted by the constructor, its state (2.8 MB) is not.
    const std::uint64_t keep = qcoach::detail::memory_limit_storage();
    set_memory_limit(std::uint64_t{1} << 20);
    std::vector<std::vector<qubo::var_t>> eleven(11);
    for (qubo::var_t v = 0; v < 33; ++v) eleven[v / 3].push_back(v);
    const FeasibleSpace mid(eleven, 33);
    CHECK_THROWS_MATCHES(SubspaceQaoaD(mid, std::vector<double>(mid.size(), 0.0)), memory_error,
                         MessageContains("177147 amplitudes"));
    set_memory_limit(keep);
    // Group problems name the group or variable.
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}, {2, 1}}, 3), index_error, MessageContains("variable 1"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}}, 4), index_error, MessageContains("variable 2 is in no one-hot group"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 7}}, 2), index_error, MessageContains("variable 7 is out of range"));
}
