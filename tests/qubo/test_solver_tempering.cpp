#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/qubo/solvers/tempering.hpp"
#include "qubo/reference.hpp"
#include "qubo/solver_cases.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

const std::vector<test::small_case>& tempering_cases() {
    static const std::vector<test::small_case> cases = test::make_small_cases(424242);
    return cases;
}

} // namespace

TEMPLATE_TEST_CASE("tempering: finds the brute-force minimum of small random models", "[qubo][tempering]", float,
                   double) {
    for (const auto search : {tempering_search::none, tempering_search::tabu}) {
        tempering_params p;
        p.replicas = 10;
        p.search = search;
        p.search_share = 0.25;
        for (const test::small_case& c : tempering_cases()) {
            const std::size_t n = c.model.num_variables();
            solver_options o;
            o.seed = 3 + n;
            o.sweeps = 300;
            o.threads = 2;
            const auto r = TemperingSolver<TestType>(p).solve(c.model, o);
            INFO("search " << static_cast<int>(search) << ", vartype " << vartype_name(c.model.type()) << ", n = " << n);
            const double tol = 1e-9 * (1.0 + std::abs(c.minimum));
            CHECK(r.best_energy == Approx(c.minimum).margin(tol));
            CHECK(c.raw.energy(r.best_sample) == Approx(r.best_energy).margin(tol));
            CHECK(r.solver == "tempering");
            CHECK(r.work == 300u * 10u * n); // flip attempts: sweeps x replicas x variables
            CHECK(r.samples.total_count() == 1);
            CHECK_FALSE(r.stopped_early);
        }
    }
}

TEST_CASE("tempering: the best sample of a penalized model is a constrained optimum", "[qubo][tempering]") {
    Rng rng(7);
    for (int trial = 0; trial < 5; ++trial) {
        ConstrainedModel cm(test::random_model(vartype::binary, 9, 0.5, rng, true));
        cm.add_one_hot("pick", {0, 1, 2});
        cm.add_at_most_k("cap", {3, 4, 5, 6}, 2);
        cm.add_inequality("budget", {{6, 3.0}, {7, 2.0}, {8, 4.0}, {0, 1.0}}, 5.0);
        const auto model = cm.to_model();
        solver_options o;
        o.seed = static_cast<std::uint64_t>(trial);
        o.sweeps = 600;
        const auto r = TemperingSolver<>().solve(model, o);
        INFO("trial " << trial);
        const auto report = cm.check(r.best_sample);
        INFO(report.summary());
        CHECK(report.feasible());
        const double expected = test::feasible_minimum(cm);
        CHECK(cm.objective().energy(cm.original(r.best_sample)) == Approx(expected).margin(1e-9));
        CHECK(r.best_energy == Approx(expected).margin(1e-9));
    }
}

TEST_CASE("tempering: the same seed gives the same result for 1 and 2 threads", "[qubo][tempering]") {
    Rng rng(17);
    // Large enough that a round (9 replicas x (n + 2 m) visits) passes the serial cutoff
    // and really runs on 2 threads.
    const auto model = test::random_model(vartype::spin, 300, 0.03, rng, true);
    for (const auto search : {tempering_search::none, tempering_search::descent, tempering_search::tabu}) {
        tempering_params p;
        p.replicas = 9;
        p.search = search;
        p.search_interval = 20;
        p.adapt_sweeps = 100; // rounds of 32 and 64 sweeps, then the rest of 4
        solver_options o;
        o.seed = 5;
        o.sweeps = 120;
        o.reads = 2; // two ensembles
        o.threads = 1;
        const auto one = TemperingSolver<>(p).solve(model, o);
        o.threads = 2;
        const auto two = TemperingSolver<>(p).solve(model, o);
        INFO("search " << static_cast<int>(search));
        CHECK(test::same_samples(one.samples, two.samples));
        CHECK(one.best_sample == two.best_sample);
        CHECK(one.work == two.work);
        CHECK(one.samples.total_count() == 2);
    }
}

TEST_CASE("tempering: a target energy stops the run", "[qubo][tempering]") {
    const MaxCutGraph g = read_rudy_file(std::string(QCOACH_TEST_DATA_DIR) + "/gset/g11.rud");
    solver_options o;
    o.seed = 2;
    o.threads = 2;
    o.sweeps = 1'000'000; // minutes without the target
    o.target_energy = g.energy_from_cut(540); // best known 564; 540 comes within a second
    const auto r = TemperingSolver<>().solve(g.model, o);
    CHECK(r.reached_target);
    CHECK(r.stopped_early);
    CHECK(g.cut_from_energy(r.best_energy) >= 540);
    CHECK(g.cut_value(r.best_sample) == g.cut_from_energy(r.best_energy));
    CHECK(r.total_time_s < 30.0);
}

TEST_CASE("tempering: a time limit or the progress callback ends an open-ended run", "[qubo][tempering]") {
    Rng rng(3);
    const auto model = test::random_model(vartype::binary, 100, 0.1, rng, false);
    solver_options o;
    o.time_limit_s = 0.05; // sweeps = 0 with a time limit: until the time is up
    const auto timed = TemperingSolver<>().solve(model, o);
    CHECK(timed.stopped_early);
    CHECK(timed.total_time_s >= 0.05);
    CHECK(timed.total_time_s < 5.0);
    CHECK(timed.samples.total_count() == 1);

    int calls = 0;
    o.time_limit_s = 10.0;
    o.progress_interval_s = 0.0;
    o.progress = [&calls](const progress_info& info) {
        ++calls;
        CHECK(info.units_total == 0);
        return calls < 5;
    };
    const auto stopped = TemperingSolver<>().solve(model, o);
    CHECK(calls == 5);
    CHECK(stopped.stopped_early);

    // A callback that throws: the exception reaches the caller (after the threads have met).
    o.progress = [](const progress_info&) -> bool { throw std::runtime_error("stop from the callback"); };
    CHECK_THROWS_MATCHES(TemperingSolver<>().solve(model, o), std::runtime_error, MessageContains("stop from the callback"));
}

TEST_CASE("tempering: the starting ladder comes from the model's one-flip changes", "[qubo][tempering]") {
    // Spin model: largest one-flip change 2 (|h| + sum |J|) = 2 (1 + 3 + 0.5) = 9 at variable 1,
    // smallest non-zero coefficient 0.5, so the smallest change scale is 2 x 0.5 = 1.
    BinaryQuadraticModel m(vartype::spin, 3);
    m.set_linear(1, -1.0);
    m.set_quadratic(0, 1, 3.0);
    m.set_quadratic(1, 2, -0.5);
    tempering_params p;
    p.replicas = 5;
    const auto ladder = TemperingSolver<>(p).initial_ladder(m);
    REQUIRE(ladder.size() == 5);
    CHECK(ladder.front() == Approx(std::log(2.0) / 9.0));
    CHECK(ladder.back() == Approx(std::log(100.0) / 1.0));
    for (std::size_t k = 1; k + 1 < ladder.size(); ++k) {
        CHECK(ladder[k] / ladder[k - 1] == Approx(ladder[k + 1] / ladder[k])); // geometric
    }
    p.beta_hot = 0.5;
    p.beta_cold = 4.0;
    const auto given = TemperingSolver<>(p).initial_ladder(m);
    CHECK(given.front() == 0.5);
    CHECK(given.back() == 4.0);
}

TEST_CASE("tempering: re-spacing the ladder equalizes rejection rates", "[qubo][tempering]") {
    std::vector<double> beta = {0.1, 0.2, 0.4, 0.8, 1.6};
    // Equal rejections: the ladder stays (up to rounding).
    auto same = beta;
    const std::vector<double> equal = {0.3, 0.3, 0.3, 0.3};
    qubo::detail::equalize_rejections(same, equal);
    for (std::size_t k = 0; k < beta.size(); ++k) CHECK(same[k] == Approx(beta[k]));
    // The first pair rejects almost everything: rungs move towards it, the ends stay.
    auto moved = beta;
    const std::vector<double> skewed = {0.9, 0.1, 0.1, 0.1};
    const double lambda = qubo::detail::equalize_rejections(moved, skewed);
    CHECK(lambda == Approx(1.2));
    CHECK(moved.front() == 0.1);
    CHECK(moved.back() == 1.6);
    CHECK(moved[1] < beta[1]);
    for (std::size_t k = 1; k < moved.size(); ++k) CHECK(moved[k] > moved[k - 1]);
    // Barrier 1.2 split in 4 steps of 0.3: rung 1 lies a third into the first segment (in log beta).
    CHECK(std::log(moved[1]) == Approx(std::log(0.1) + (0.3 / 0.9) * std::log(2.0)));
    // Nothing rejected: nothing to learn, the ladder stays.
    auto none = beta;
    CHECK(qubo::detail::equalize_rejections(none, std::vector<double>(4, 0.0)) == 0.0);
    CHECK(none == beta);
}

TEMPLATE_TEST_CASE("tempering: a Metropolis sweep samples the Boltzmann distribution", "[qubo][tempering]", float,
                   double) {
    for (const bool integral : {true, false}) {
        BinaryQuadraticModel m(vartype::binary, 3);
        if (integral) {
            m.set_linear(0, 1);
            m.set_linear(2, -2);
            m.set_quadratic(0, 1, -3);
            m.set_quadratic(1, 2, 2);
            m.set_quadratic(0, 2, 1);
        } else {
            m.set_linear(0, 0.7);
            m.set_linear(1, -1.3);
            m.set_quadratic(0, 1, 0.9);
            m.set_quadratic(1, 2, -1.6);
        }
        const CsrModel<TestType> csr(m);
        const bool table = qubo::detail::integer_changes(csr, 65536.0);
        CHECK(table == integral);
        const double beta = 0.8;
        qubo::detail::metropolis_rule rule;
        rule.set(beta, table ? 8 : 0);
        std::vector<std::int8_t> x(3, 0);
        std::vector<TestType> fields(3);
        csr.local_fields(x, fields);
        double energy = csr.energy(x);
        Rng rng(99);
        std::vector<double> histogram(8, 0.0);
        const int sweeps = 200000;
        for (int s = 0; s < sweeps; ++s) {
            qubo::detail::metropolis_sweep(csr, std::span<std::int8_t>(x), std::span<TestType>(fields), energy, rule, table, rng);
            histogram[static_cast<std::size_t>(x[0] + 2 * x[1] + 4 * x[2])] += 1.0;
        }
        // The energy is tracked by adding changes; float fields drift by a few ulps per flip.
        CHECK(energy == Approx(csr.energy(x)).margin(sizeof(TestType) == 4 ? 1e-2 : 1e-9));
        double z = 0.0;
        std::vector<double> weight(8);
        for (std::uint64_t b = 0; b < 8; ++b) z += weight[b] = std::exp(-beta * m.energy(sample_from_bits(vartype::binary, 3, b)));
        INFO((integral ? "integer (table)" : "real (exp)"));
        for (std::size_t b = 0; b < 8; ++b) {
            // Sweeps are correlated; 0.01 is several standard errors at 200,000 sweeps.
            CHECK(histogram[b] / sweeps == Approx(weight[b] / z).margin(0.01));
        }
    }
}

TEST_CASE("tempering: empty models and bad options", "[qubo][tempering]") {
    BinaryQuadraticModel empty(vartype::binary, 0);
    empty.set_offset(-1.0);
    const auto r0 = TemperingSolver<>().solve(empty, {});
    CHECK(r0.best_energy == -1.0);
    CHECK(r0.samples.size() == 1);

    Rng rng(2);
    const auto model = test::random_model(vartype::spin, 8, 0.5, rng);
    tempering_params p;
    p.replicas = 1;
    CHECK_THROWS_MATCHES(TemperingSolver<>{p}, value_error, MessageContains("tempering needs at least 2 replicas, got 1"));
    p = {};
    p.beta_hot = 2.0;
    p.beta_cold = 1.0;
    CHECK_THROWS_MATCHES(TemperingSolver<>{p}, value_error, MessageContains("beta_hot (2) must be below beta_cold (1)"));
    p = {};
    p.beta_cold = -1.0;
    CHECK_THROWS_MATCHES(TemperingSolver<>{p}, value_error, MessageContains("beta_cold must be a finite inverse temperature"));
    p = {};
    p.beta_hot = std::numeric_limits<double>::infinity();
    CHECK_THROWS_MATCHES(TemperingSolver<>{p}, value_error, MessageContains("got inf"));
    p = {};
    p.search_share = -0.5;
    CHECK_THROWS_MATCHES(TemperingSolver<>{p}, value_error, MessageContains("search_share must be a finite number >= 0, got -0.5"));
    p = {};
    p.search_tenure = 8;
    CHECK_THROWS_MATCHES(TemperingSolver<>(p).solve(model, {}), value_error,
                         MessageContains("search_tenure 8 must be less than the number of variables (8)"));
    solver_options o;
    o.time_limit_s = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_MATCHES(TemperingSolver<>().solve(model, o), value_error, MessageContains("time limit must be"));
}
