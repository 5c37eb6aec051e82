#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/coaching/report.hpp"

using namespace qcoach;
using namespace qcoach::coaching;

namespace {

qubo::BinaryQuadraticModel random_model(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::uniform_int_distribution<int> w(-5, 5);
    qubo::BinaryQuadraticModel m(qubo::vartype::binary, n);
    for (std::size_t i = 0; i < n; ++i) {
        m.add_linear(i, w(g));
        for (std::size_t j = i + 1; j < n; ++j)
            if (g() % 3 == 0) m.add_quadratic(i, j, w(g));
    }
    return m;
}

// Minimum energy over the samples that respect the pins, by enumeration.
double brute_force_min(const qubo::BinaryQuadraticModel& m, const std::vector<qubo::pin>& pins) {
    const std::size_t n = m.num_variables();
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::int8_t> x(n);
    for (std::uint64_t z = 0; z < (std::uint64_t{1} << n); ++z) {
        bool ok = true;
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::int8_t>((z >> i) & 1);
        for (const auto& p : pins) ok = ok && x[p.variable] == p.value;
        if (ok) best = std::min(best, m.energy(x));
    }
    return best;
}

} // namespace

TEST_CASE("solver kinds parse and print", "[coaching][portfolio]") {
    for (auto k : {solver_kind::automatic, solver_kind::exact, solver_kind::qaoa, solver_kind::anneal,
                   solver_kind::tempering, solver_kind::tabu})
        CHECK(parse_solver_kind(to_string(k)) == k);
    CHECK_THROWS_WITH(parse_solver_kind("quantum"), Catch::Contains("unknown solver 'quantum'"));
}

TEST_CASE("automatic choice follows the documented size limits", "[coaching][portfolio]") {
    portfolio_options o;
    o.tiny_max_variables = 8;
    o.exact_max_variables = 10;
    o.qaoa_max_qubits = 16;
    CHECK(automatic_choice(8, o) == solver_kind::exact);
    CHECK(automatic_choice(10, o) == solver_kind::exact); // no QAOA configured: exact while it fits
    CHECK(automatic_choice(12, o) == solver_kind::tabu);
    o.qaoa = std::make_shared<qubo::TabuSolver<double>>(); // any solver stands in for QAOA here
    CHECK(automatic_choice(8, o) == solver_kind::exact);  // tiny: exact even with QAOA
    CHECK(automatic_choice(9, o) == solver_kind::qaoa);
    CHECK(automatic_choice(16, o) == solver_kind::qaoa);
    CHECK(automatic_choice(17, o) == solver_kind::tabu);
}

TEST_CASE("every portfolio run respects the pins and the chosen one reaches the pinned optimum",
          "[coaching][portfolio]") {
    const auto m = random_model(12, 7);
    const std::vector<qubo::pin> pins{{0, 1}, {5, 0}, {11, 1}};
    const double want = brute_force_min(m, pins);
    portfolio_options o;
    o.seed = 3;
    o.threads = 1;
    const auto runs = run_portfolio(m, pins, o);
    REQUIRE(runs.size() == 3); // exact (chosen), annealing and tabu beside it; no QAOA configured
    CHECK(runs[0].chosen);
    CHECK(runs[0].kind == solver_kind::exact);
    for (const auto& r : runs) {
        INFO(r.solver);
        REQUIRE(r.ran);
        REQUIRE(r.sample.size() == 12);
        for (const auto& p : pins) CHECK(r.sample[p.variable] == p.value);
        CHECK(r.energy == Approx(m.energy(r.sample)));
        CHECK(r.energy >= want - 1e-9);
    }
    CHECK(runs[0].energy == Approx(want));
}

TEST_CASE("the default QAOA solver runs in the portfolio, respects the pins and finds the optimum", "[coaching][portfolio]") {
    // 10 variables, 3 pinned: QAOA works on the 7 free ones (128 states), and 1000 shots of a
    // depth-2 state put weight on the optimum, which enumeration confirms.
    const auto m = random_model(10, 11);
    const std::vector<qubo::pin> pins{{1, 1}, {4, 0}, {8, 1}};
    const double want = brute_force_min(m, pins);
    portfolio_options o;
    o.seed = 5;
    o.threads = 1;
    o.tiny_max_variables = 4; // 7 free variables: the automatic choice is QAOA
    o.qaoa = make_qaoa_solver();
    const auto runs = run_portfolio(m, pins, o);
    REQUIRE(runs.size() == 4); // QAOA (chosen), exact, annealing, tabu
    CHECK(runs[0].kind == solver_kind::qaoa);
    CHECK(runs[0].solver == "qaoa");
    CHECK(runs[1].kind == solver_kind::exact);
    for (const auto& r : runs) {
        INFO(r.solver);
        REQUIRE(r.ran);
        for (const auto& p : pins) CHECK(r.sample[p.variable] == p.value);
        CHECK(r.energy >= want - 1e-9);
    }
    CHECK(runs[0].energy == Approx(want));
    CHECK(runs[1].energy == Approx(want));
}

TEST_CASE("a QAOA request without a QAOA solver is reported, not silently replaced", "[coaching][portfolio]") {
    const auto m = random_model(6, 1);
    portfolio_options o;
    o.solver = solver_kind::qaoa;
    o.compare = false;
    const auto runs = run_portfolio(m, std::vector<qubo::pin>{}, o);
    REQUIRE(runs.size() == 1);
    CHECK_FALSE(runs[0].ran);
    CHECK(runs[0].note.find("not available") != std::string::npos);
}

TEST_CASE("a refused run carries the solver's reason", "[coaching][portfolio]") {
    const auto m = random_model(45, 2); // above the exact solver's limit of 40
    portfolio_options o;
    o.solver = solver_kind::exact;
    o.compare = false;
    const auto runs = run_portfolio(m, std::vector<qubo::pin>{}, o);
    REQUIRE(runs.size() == 1);
    CHECK_FALSE(runs[0].ran);
    CHECK_FALSE(runs[0].note.empty());
}

TEST_CASE("a fully pinned model is decided by the pins", "[coaching][portfolio]") {
    const auto m = random_model(3, 4);
    const std::vector<qubo::pin> pins{{0, 1}, {1, 1}, {2, 0}};
    const auto runs = run_portfolio(m, pins, portfolio_options{});
    REQUIRE_FALSE(runs.empty());
    CHECK(runs[0].sample == std::vector<std::int8_t>{1, 1, 0});
    CHECK(runs[0].energy == Approx(m.energy(runs[0].sample)));
}

TEST_CASE("comparison gaps are measured against the best feasible row", "[coaching][report]") {
    std::vector<comparison_row> rows{
        {"exact", 100.0, true, 0.1, "chosen"},
        {"tabu", 95.0, true, 0.2, ""},
        {"anneal", 120.0, false, 0.3, ""}, // infeasible: better objective, no gap, not the best
        {"qaoa", std::nullopt, false, 0.0, "skipped"},
    };
    REQUIRE(best_feasible(rows, true) == 100.0);
    REQUIRE(best_feasible(rows, false) == 95.0);
    CHECK(gap_percent(95.0, 100.0) == Approx(5.0));
    const std::string t = format_comparison(rows, true, "compatibility");
    CHECK(t.find("compatibility") != std::string::npos);
    CHECK(t.find("5.00") != std::string::npos);  // tabu's gap
    CHECK(t.find("NO") != std::string::npos);    // anneal infeasible
    CHECK(t.find("skipped") != std::string::npos);
}
