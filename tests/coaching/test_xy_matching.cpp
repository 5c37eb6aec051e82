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
#include <map>
#include <string>
#include <memory>
#include <numbers>
#include <span>
#include <vector>

#include "qcoach/coaching/matching.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "qcoach/variational/subspace.hpp"
#include "qcoach/variational/subspace_solver.hpp"
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
    // Variables fixed at 0 stand outside the groups, once each, and in range.
    CHECK(FeasibleSpace({{0, 1}}, 3, {2}).size() == 2);
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}}, 3, {2, 2}), index_error, MessageContains("variable 2 is fixed at 0 twice"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}}, 3, {1, 2}), index_error, MessageContains("variable 1 is in one-hot group 0 and fixed at 0"));
    CHECK_THROWS_MATCHES(FeasibleSpace({{0, 1}}, 3, {5}), index_error, MessageContains("fixed variable 5 is out of range"));
}

namespace {

/// Every 0/1 assignment of the original variables of `cm` that sets exactly one variable of each
/// group and respects the pins, with the penalized energy of its best slack completion.
std::map<std::vector<std::int8_t>, double> pinned_feasible_brute_force(const qubo::ConstrainedModel& cm,
                                                                       const std::vector<std::vector<qubo::var_t>>& groups,
                                                                       const std::vector<qubo::pin>& pins) {
    const auto model = cm.to_model();
    const std::size_t n = cm.num_variables(), ns = cm.num_slack_variables();
    std::map<std::vector<std::int8_t>, double> out;
    std::vector<std::int8_t> x(n), full(n + ns);
    for (index_t z = 0; z < (index_t{1} << n); ++z) {
        for (std::size_t v = 0; v < n; ++v) x[v] = static_cast<std::int8_t>((z >> v) & 1);
        bool ok = true;
        for (const auto& g : groups) {
            int on = 0;
            for (auto v : g) on += x[v];
            ok = ok && on == 1;
        }
        for (const auto& p : pins) ok = ok && x[p.variable] == p.value;
        if (!ok) continue;
        double best = std::numeric_limits<double>::infinity();
        std::copy(x.begin(), x.end(), full.begin());
        for (index_t s = 0; s < (index_t{1} << ns); ++s) {
            for (std::size_t b = 0; b < ns; ++b) full[n + b] = static_cast<std::int8_t>((s >> b) & 1);
            best = std::min(best, model.energy(full));
        }
        out[x] = best;
    }
    return out;
}

} // namespace

TEST_CASE("xy matching: pins shrink the assignment space; its costs match brute force", "[coaching][xy][subspace]") {
    // Four clients x three coaches, capacities 1, 2, 2 (slack rows); client 0 pinned to coach 1,
    // client 2 kept away from coach 0 and coach 2 (so decided), client 3 away from coach 2.
    auto p = small_matching(4, 3, {1, 2, 2}, 17);
    const coaching::MatchingEncoding enc(p);
    const auto& cm = enc.constrained();
    REQUIRE(cm.num_slack_variables() >= 2);
    const auto var = [&](std::size_t c, std::size_t k) { return *enc.variable(c, k); };
    const std::vector<qubo::pin> pins{{var(0, 1), 1}, {var(2, 0), 0}, {var(2, 2), 0}, {var(3, 2), 0}};
    const FeasibleSpace space = assignment_space(cm, pins);
    CHECK(space.size() == 1 * 3 * 1 * 2);
    CHECK(space.fixed_zero(var(0, 0)));
    CHECK(space.fixed_zero(var(0, 2)));
    CHECK(space.fixed_zero(var(3, 2)));
    CHECK_FALSE(space.fixed_zero(var(1, 0)));
    const auto want = pinned_feasible_brute_force(cm, enc.one_hot_groups(), pins);
    REQUIRE(want.size() == space.size());
    const auto costs = constrained_costs(space, cm);
    for (index_t i = 0; i < space.size(); ++i) {
        const auto x = space.decode(i);
        REQUIRE(want.count(x) == 1);
        CHECK(costs[i] == Approx(want.at(x)).margin(1e-9));
        CHECK(space.encode(x) == i);
    }
    // An assignment that breaks a pin (a fixed variable set) has no index.
    auto broken = space.decode(0);
    broken[var(3, 2)] = 1;
    broken[var(3, 0)] = broken[var(3, 1)] = 0;
    CHECK_FALSE(space.encode(broken).has_value());
}

TEST_CASE("xy matching: pins the subspace cannot hold are refused with the constraint's name", "[coaching][xy][subspace]") {
    const auto p = small_matching(3, 3, {1, 2, 3}, 5);
    const coaching::MatchingEncoding enc(p);
    const auto& cm = enc.constrained();
    const auto var = [&](std::size_t c, std::size_t k) { return *enc.variable(c, k); };
    const std::string client1 = cm.constraints()[enc.client_constraint(1)].name();
    const std::vector<qubo::pin> two{{var(1, 0), 1}, {var(1, 2), 1}};
    CHECK_THROWS_MATCHES(assignment_space(cm, two), value_error, MessageContains("\"" + client1 + "\" allows one"));
    const std::vector<qubo::pin> none{{var(1, 0), 0}, {var(1, 1), 0}, {var(1, 2), 0}};
    CHECK_THROWS_MATCHES(assignment_space(cm, none), value_error, MessageContains("\"" + client1 + "\" to 0"));
    const auto slack = static_cast<qubo::var_t>(cm.num_variables());
    CHECK_THROWS_MATCHES(assignment_space(cm, std::vector<qubo::pin>{{slack, 1}}), value_error, MessageContains("slack variable"));
    CHECK_THROWS_MATCHES(assignment_space(cm, std::vector<qubo::pin>{{var(0, 0), 2}}), value_error, MessageContains("pinned to 2"));
    const auto out = static_cast<qubo::var_t>(cm.num_total_variables());
    CHECK_THROWS_MATCHES(assignment_space(cm, std::vector<qubo::pin>{{out, 1}}), index_error, MessageContains("out of range"));
}

TEST_CASE("xy matching: the subspace QAOA solver samples pinned one-hot plans and finds the optimum", "[coaching][xy][subspace]") {
    // Five clients x three coaches, capacities 2, 2, 1; client 4 pinned to coach 0.
    const auto p = small_matching(5, 3, {2, 2, 1}, 23);
    const coaching::MatchingEncoding enc(p);
    const auto& cm = enc.constrained();
    const auto& model = enc.model();
    const std::vector<qubo::pin> pins{{*enc.variable(4, 0), 1}};
    const auto want = pinned_feasible_brute_force(cm, enc.one_hot_groups(), pins);
    double best = std::numeric_limits<double>::infinity(), mean = 0;
    for (const auto& [x, e] : want) {
        best = std::min(best, e);
        mean += e / static_cast<double>(want.size());
    }
    for (const auto strategy : {qaoa_strategy::interp, qaoa_strategy::optimize}) {
        subspace_solver_options o;
        o.p = 2;
        o.strategy = strategy;
        o.optimizer.max_iterations = 40;
        const SubspaceQaoaSolver solver(o);
        CHECK(solver.states(cm, pins) == 81);
        qubo::solver_options so;
        so.seed = 3;
        so.reads = 500;
        const qaoa_solution sol = solver.run(cm, model, pins, so);
        INFO("strategy " << static_cast<int>(strategy));
        CHECK(sol.result.solver == "qaoa-xy");
        CHECK(sol.ground_energy == Approx(best).margin(1e-9));
        // Optimized angles beat the uniform superposition (its <C> is the mean cost).
        CHECK(sol.expectation < mean - 0.1 * (mean - best));
        std::size_t shots = 0;
        for (const auto& e : sol.result.samples.entries()) {
            shots += e.count;
            REQUIRE(e.sample.size() == model.num_variables());
            const std::vector<std::int8_t> x(e.sample.begin(), e.sample.begin() + static_cast<std::ptrdiff_t>(cm.num_variables()));
            REQUIRE(want.count(x) == 1); // one-hot and pinned
            CHECK(e.energy == Approx(want.at(x)).margin(1e-9)); // slack completed at its best
        }
        CHECK(shots == 500);
        CHECK(sol.result.best_energy == Approx(best).margin(1e-9));
        // The reported angles reproduce the reported <C> on an independent simulator.
        SubspaceQaoaD sim(assignment_space(cm, pins), constrained_costs(assignment_space(cm, pins), cm));
        CHECK(sim.expectation(sol.angles.gammas, sol.angles.betas) == Approx(sol.expectation).margin(1e-9));
    }
}

TEST_CASE("xy matching: the portfolio runs the XY mixer where it fits and says why not elsewhere", "[coaching][xy][portfolio]") {
    const auto p = small_matching(5, 3, {2, 2, 1}, 29);
    const coaching::MatchingEncoding enc(p);
    const std::vector<qubo::pin> pins{{*enc.variable(0, 2), 1}, {*enc.variable(1, 1), 0}};
    coaching::portfolio_options o;
    o.solver = coaching::solver_kind::qaoa;
    o.compare = false;
    o.qaoa_xy = coaching::make_xy_qaoa_solver(2, 30);
    o.qaoa = coaching::make_qaoa_solver(1, 10);
    const auto runs = coaching::run_portfolio(enc.model(), pins, o, &enc.constrained());
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].solver == "qaoa-xy");
    REQUIRE(runs[0].ran);
    for (const auto& pin : pins) CHECK(runs[0].sample[pin.variable] == pin.value);
    const auto brute = pinned_feasible_brute_force(enc.constrained(), enc.one_hot_groups(), pins);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& [x, e] : brute) best = std::min(best, e);
    CHECK(runs[0].energy == Approx(best).margin(1e-9));
    // Automatic choice: 15 variables with slack exceed the tiny limit only when it is lowered.
    o.solver = coaching::solver_kind::automatic;
    o.tiny_max_variables = 4;
    CHECK(coaching::run_portfolio(enc.model(), pins, o, &enc.constrained()).front().solver == "qaoa-xy");
    // Without the constrained model, or with a subspace over the limit, the X-mixer QAOA is
    // asked for (here none is configured, so the run says why it did not run).
    o.qaoa = nullptr;
    o.solver = coaching::solver_kind::qaoa;
    const auto plain = coaching::run_portfolio(enc.model(), pins, o);
    CHECK(plain.front().solver == "qaoa");
    CHECK_FALSE(plain.front().ran);
    CHECK_THAT(plain.front().note, Catch::Contains("no QAOA solver is configured"));
    o.qaoa_xy = coaching::make_xy_qaoa_solver(2, 30, 10);
    const auto over = coaching::run_portfolio(enc.model(), pins, o, &enc.constrained());
    CHECK(over.front().solver == "qaoa");
    CHECK_FALSE(over.front().ran);
    CHECK_THAT(over.front().note, Catch::Contains("54 states, above its limit of 10"));
}
