#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/io_bqp.hpp"
#include "qcoach/qubo/solvers/tabu.hpp"
#include "qubo/reference.hpp"
#include "qubo/solver_cases.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

const std::vector<test::small_case>& tabu_cases() {
    static const std::vector<test::small_case> cases = test::make_small_cases(20240601);
    return cases;
}

/// A random binary objective with a few constraints of different kinds on 9 variables.
ConstrainedModel random_constrained(Rng& rng) {
    ConstrainedModel cm(test::random_model(vartype::binary, 9, 0.5, rng, true));
    cm.add_one_hot("pick", {0, 1, 2});
    cm.add_at_most_k("cap", {3, 4, 5, 6}, 2);
    cm.add_inequality("budget", {{6, 3.0}, {7, 2.0}, {8, 4.0}, {0, 1.0}}, 5.0);
    cm.add_at_most_one("pair", {7, 8});
    return cm;
}

} // namespace

TEMPLATE_TEST_CASE("tabu: finds the brute-force minimum of small random models", "[qubo][tabu]", float, double) {
    for (const test::small_case& c : tabu_cases()) {
        const std::size_t n = c.model.num_variables();
        solver_options o;
        o.seed = 7 + n;
        o.reads = 8;
        o.threads = 2;
        const auto r = TabuSolver<TestType>().solve(c.model, o);
        INFO("vartype " << vartype_name(c.model.type()) << ", n = " << n);
        const double tol = 1e-9 * (1.0 + std::abs(c.minimum));
        if (n <= 12) { // the Gray-code enumeration against the plain one of reference.hpp
            const auto plain = test::brute_force_min(c.model.type(), n, [&](auto v) { return c.raw.energy(v); });
            CHECK(c.minimum == Approx(plain.first).margin(tol));
        }
        CHECK(r.best_energy == Approx(c.minimum).margin(tol));
        CHECK(c.raw.energy(r.best_sample) == Approx(r.best_energy).margin(tol));
        CHECK(r.samples.type() == c.model.type());
        CHECK(r.samples.total_count() == 8);
        CHECK(r.solver == "tabu");
        CHECK(r.work > 0);
        CHECK(r.work_unit == "moves");
        CHECK_FALSE(r.stopped_early);
        for (const auto& e : r.samples.entries()) CHECK(e.energy == Approx(c.raw.energy(e.sample)).margin(tol));
    }
}

TEST_CASE("tabu: the best sample of a penalized model is a constrained optimum", "[qubo][tabu]") {
    Rng rng(99);
    for (int trial = 0; trial < 6; ++trial) {
        const ConstrainedModel cm = random_constrained(rng);
        const auto model = cm.to_model();
        solver_options o;
        o.seed = static_cast<std::uint64_t>(trial);
        o.reads = 8;
        const auto r = TabuSolver<>().solve(model, o);
        INFO("trial " << trial);
        const auto report = cm.check(r.best_sample);
        INFO(report.summary());
        CHECK(report.feasible());
        const double expected = test::feasible_minimum(cm);
        CHECK(cm.objective().energy(cm.original(r.best_sample)) == Approx(expected).margin(1e-9));
        CHECK(r.best_energy == Approx(expected).margin(1e-9)); // the penalty of the best sample is 0
    }
}

TEST_CASE("tabu: reaches the best-known value of every bqp50 and bqp100 instance", "[qubo][tabu]") {
    // Best-known values (maximization) from tests/data/orlib-bqp/README.md.
    const std::vector<std::pair<std::string, std::vector<double>>> sets = {
        {"bqp50.txt", {2098, 3702, 4626, 3544, 4012, 3693, 4520, 4216, 3780, 3507}},
        {"bqp100.txt", {7970, 11036, 12723, 10368, 9083, 10210, 10125, 11435, 11455, 12565}},
    };
    for (const auto& [file, best_known] : sets) {
        const auto instances = read_bqp_file(std::string(QCOACH_TEST_DATA_DIR) + "/orlib-bqp/" + file);
        REQUIRE(instances.size() == best_known.size());
        for (std::size_t k = 0; k < instances.size(); ++k) {
            solver_options o;
            o.seed = 1;
            o.reads = 400; // an upper bound: the target ends the run long before
            o.target_energy = BqpInstance::energy_from_objective(best_known[k]);
            const auto r = TabuSolver<>().solve(instances[k].model, o);
            INFO(file << " instance " << k + 1);
            CHECK(r.reached_target);
            CHECK(BqpInstance::objective_from_energy(r.best_energy) == best_known[k]);
            CHECK(instances[k].objective(r.best_sample) == best_known[k]);
        }
    }
}

TEST_CASE("tabu: the same seed gives the same result for 1 and 2 threads", "[qubo][tabu]") {
    Rng rng(5);
    // Short restarts on a model large enough that they end in different samples.
    const auto model = test::random_model(vartype::binary, 300, 0.05, rng, false);
    tabu_params p;
    p.restarts_per_round = 4; // several rounds, so restarts from the elite pool are covered
    p.moves_per_variable = 1;
    p.min_moves = 50;
    solver_options o;
    o.seed = 42;
    o.reads = 13; // a partial last round
    o.threads = 1;
    const auto one = TabuSolver<>(p).solve(model, o);
    o.threads = 2;
    const auto two = TabuSolver<>(p).solve(model, o);
    CHECK(test::same_samples(one.samples, two.samples));
    CHECK(one.best_sample == two.best_sample);
    CHECK(one.best_energy == two.best_energy);
    CHECK(one.work == two.work);
    CHECK(one.samples.total_count() == 13);
    CHECK(one.samples.size() > 1);
    o.seed = 43;
    const auto other = TabuSolver<>(p).solve(model, o);
    CHECK_FALSE(test::same_samples(one.samples, other.samples)); // the seed matters
}

TEMPLATE_TEST_CASE("tabu: the SIMD and the scalar scan choose the same moves", "[qubo][tabu]", float, double) {
    Rng rng(11);
    for (const vartype t : {vartype::binary, vartype::spin}) {
        // Integer coefficients give many tied deltas; 203 variables leave a partial vector.
        const auto model = test::random_model(t, 203, 0.05, rng, true);
        tabu_params p;
        p.moves_per_variable = 3;
        p.tenure_span = 3;
        solver_options o;
        o.seed = 9;
        o.reads = 10;
        p.path = kernel_path::scalar;
        const auto scalar = TabuSolver<TestType>(p).solve(model, o);
        p.path = kernel_path::simd;
        const auto simd = TabuSolver<TestType>(p).solve(model, o);
        CHECK(test::same_samples(scalar.samples, simd.samples));
        CHECK(scalar.work == simd.work);
    }
}

TEST_CASE("tabu: a target energy stops the run", "[qubo][tabu]") {
    const auto instances = read_bqp_file(std::string(QCOACH_TEST_DATA_DIR) + "/orlib-bqp/bqp100.txt");
    solver_options o;
    o.seed = 3;
    o.reads = 1'000'000; // would take minutes without the target
    o.threads = 2;
    o.target_energy = BqpInstance::energy_from_objective(7970);
    const auto r = TabuSolver<>().solve(instances[0].model, o);
    CHECK(r.reached_target);
    CHECK(r.stopped_early);
    CHECK(r.best_energy <= *o.target_energy);
    CHECK(r.samples.total_count() < 1000);
    CHECK(r.time_to_best_s <= r.total_time_s);

    // An unreachable target runs the whole budget.
    o.reads = 4;
    o.target_energy = BqpInstance::energy_from_objective(7971);
    const auto all = TabuSolver<>().solve(instances[0].model, o);
    CHECK_FALSE(all.reached_target);
    CHECK_FALSE(all.stopped_early);
    CHECK(all.samples.total_count() == 4);
}

TEST_CASE("tabu: a time limit or the progress callback ends an open-ended run", "[qubo][tabu]") {
    Rng rng(8);
    const auto model = test::random_model(vartype::spin, 200, 0.05, rng, false);
    solver_options o;
    o.time_limit_s = 0.05; // reads = 0 with a time limit: restarts until the time is up
    const auto timed = TabuSolver<>().solve(model, o);
    CHECK(timed.stopped_early);
    CHECK(timed.total_time_s >= 0.05);
    CHECK(timed.total_time_s < 5.0);
    CHECK(timed.samples.total_count() >= 1);

    // A limit too short for one round: an empty result that says it stopped, not an exception.
    o.time_limit_s = 1e-9;
    solve_result none;
    REQUIRE_NOTHROW(none = TabuSolver<>().solve(model, o));
    CHECK(none.stopped_early);
    CHECK(none.best_sample.size() == (none.samples.empty() ? 0u : 200u));

    int calls = 0;
    o.time_limit_s = 10.0;
    o.progress_interval_s = 0.0;
    o.progress = [&calls](const progress_info& info) {
        ++calls;
        CHECK(std::isfinite(info.best_energy));
        return calls < 3;
    };
    const auto stopped = TabuSolver<>().solve(model, o);
    CHECK(calls == 3);
    CHECK(stopped.stopped_early);
    CHECK(stopped.total_time_s < 5.0);

    o.progress = [](const progress_info&) -> bool { throw std::runtime_error("stop from the callback"); };
    CHECK_THROWS_MATCHES(TabuSolver<>().solve(model, o), std::runtime_error, MessageContains("stop from the callback"));
}

TEST_CASE("tabu: empty and one-variable models", "[qubo][tabu]") {
    BinaryQuadraticModel empty(vartype::spin, 0);
    empty.set_offset(2.5);
    const auto r0 = TabuSolver<>().solve(empty, {});
    CHECK(r0.best_energy == 2.5);
    CHECK(r0.best_sample.empty());
    CHECK(r0.samples.size() == 1);

    BinaryQuadraticModel one(vartype::binary, 1);
    one.set_linear(0, -1.5);
    const auto r1 = TabuSolver<>().solve(one, {});
    CHECK(r1.best_energy == -1.5);
    CHECK(r1.best_sample == std::vector<std::int8_t>{1});
}

TEST_CASE("tabu: bad options are rejected with clear messages", "[qubo][tabu]") {
    Rng rng(1);
    const auto model = test::random_model(vartype::binary, 10, 0.5, rng);
    tabu_params p;
    p.tenure = 10;
    CHECK_THROWS_MATCHES(TabuSolver<>(p).solve(model, {}), value_error,
                         MessageContains("tabu tenure 10 must be less than the number of variables (10)"));
    p = {};
    p.moves_per_variable = -1;
    CHECK_THROWS_MATCHES(TabuSolver<>{p}, value_error, MessageContains("moves_per_variable must be a finite number >= 0"));
    p = {};
    p.perturb_max = 1.5;
    CHECK_THROWS_MATCHES(TabuSolver<>{p}, value_error, MessageContains("perturb_max must be a fraction in [0, 1], got 1.5"));
    p = {};
    p.perturb_min = 0.5;
    p.perturb_max = 0.2;
    CHECK_THROWS_MATCHES(TabuSolver<>{p}, value_error, MessageContains("perturb_min (0.5) exceeds perturb_max (0.2)"));
    p = {};
    p.perturb_min = 0.4; // above the default maximum 0.25: the maximum follows
    CHECK_NOTHROW(TabuSolver<>(p).solve(model, {}));

    solver_options o;
    o.sweeps = 10;
    CHECK_THROWS_MATCHES(TabuSolver<>().solve(model, o), value_error, MessageContains("tabu search has no sweeps"));
    o = {};
    o.time_limit_s = -1;
    CHECK_THROWS_MATCHES(TabuSolver<>().solve(model, o), value_error, MessageContains("time limit must be"));
    o = {};
    o.threads = -2;
    CHECK_THROWS_MATCHES(TabuSolver<>().solve(model, o), value_error, MessageContains("thread count must be >= 0"));
}
