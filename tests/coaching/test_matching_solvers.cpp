#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "coaching/matching_reference.hpp"
#include "qcoach/coaching/matching.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching;
using qcoach::test::MessageContains;

namespace {

/// Unit loads; coach-A (capacity 1) is everyone's favourite.
///            coach-A  coach-B (cap 3)  coach-C (cap 1)
///  client-1     90        60              10
///  client-2     80        76              10
///  client-3     50        70          (no shared language)
///  client-4     85        70              10
MatchingProblem small_round() {
    MatchingProblem p({"client-1", "client-2", "client-3", "client-4"}, {"coach-A", "coach-B", "coach-C"}, {1, 3, 1});
    const double v[4][3] = {{90, 60, 10}, {80, 76, 10}, {50, 70, 0}, {85, 70, 10}};
    for (std::size_t c = 0; c < 4; ++c)
        for (std::size_t k = 0; k < 3; ++k) p.set_value(c, k, v[c][k]);
    p.exclude(2, 2, "no shared language");
    return p;
}

const std::string gap_dir = std::string(QCOACH_TEST_DATA_DIR) + "/../../benchmarks/data/gap_orlib/cattrysse1994/";

} // namespace

TEST_CASE("pins and forbids are kept by every solver", "[coaching][matching]") {
    MatchingProblem p = small_round();
    p.forbid(3, 1); // never coach-B for client-4
    const std::vector<matching_pin> pins{{1, 0}}; // client-2 stays with coach-A
    // Brute force: client-2 on A fills it, client-4 can only go to C: 80 + 60 + 70 + 10.
    const auto best = test::brute_force_optimum(p, pins);
    REQUIRE(best == std::optional<double>(220));
    REQUIRE(test::brute_force_optimum(p) == std::optional<double>(85 + 60 + 76 + 70)); // client-4 takes coach-A
    for (auto m : {matching_method::exact, matching_method::anneal, matching_method::tempering, matching_method::tabu,
                   matching_method::local_search, matching_method::min_cost_flow}) {
        matching_solve_options o;
        o.method = m;
        o.compare = false;
        o.portfolio.seed = 3;
        o.portfolio.threads = 1;
        const matching_result r = solve_matching(p, pins, o);
        INFO("method " << to_string(m));
        REQUIRE(r.runs.size() == 1);
        const matching_run& run = r.shown_run();
        REQUIRE(run.ran);
        CHECK(run.plan.coach_of(1) == std::optional<std::size_t>(0));
        CHECK(std::find(run.plan.coaches[3].begin(), run.plan.coaches[3].end(), 1) == run.plan.coaches[3].end());
        if (m != matching_method::anneal && m != matching_method::tempering) {
            CHECK(run.feasibility.feasible());
            CHECK(run.objective == *best);
        }
        if (m == matching_method::exact || m == matching_method::min_cost_flow) CHECK(run.proven_optimal);
    }
    // The forbidden pair has no variable at all.
    CHECK_FALSE(MatchingEncoding(p).variable(3, 1).has_value());
}

TEST_CASE("solve_matching: automatic choice, comparison rows, unavailable QAOA", "[coaching][matching]") {
    const MatchingProblem p = small_round();
    matching_solve_options o;
    o.portfolio.seed = 1;
    o.portfolio.threads = 1;
    const matching_result r = solve_matching(p, std::vector<matching_pin>{}, o);
    // min-cost flow (unit loads), the portfolio (exact is chosen: the QUBO is small, then
    // annealing and tabu beside it), the local search.
    std::vector<std::string> names;
    for (const auto& run : r.runs) names.push_back(run.solver);
    REQUIRE(names.size() >= 4);
    CHECK(names.front() == "min-cost-flow");
    CHECK(names.back() == "gap-local-search");
    CHECK(r.shown_run().solver == "min-cost-flow");
    CHECK(r.shown_run().objective == 306);
    const auto rows = r.comparison();
    REQUIRE(rows.size() == r.runs.size());
    CHECK_THAT(rows.front().note, Catch::StartsWith("shown") && Catch::Contains("proven optimum"));
    const std::string table = format_comparison(rows, true, "compatibility");
    CHECK_THAT(table, Catch::Contains("min-cost-flow") && Catch::Contains("gap-local-search"));
    CHECK(r.qubo_variables > 0);

    // Explicit QAOA without a QAOA solver: reported as not run, with the reason.
    o.method = matching_method::qaoa;
    o.compare = false;
    const matching_result q = solve_matching(p, std::vector<matching_pin>{}, o);
    REQUIRE(q.shown);
    CHECK_FALSE(q.shown_run().ran);
    CHECK_THAT(q.shown_run().note, Catch::Contains("not available"));
    CHECK(parse_matching_method("gap-local-search") == matching_method::local_search);
    CHECK_THROWS_MATCHES(parse_matching_method("magic"), qcoach::value_error, MessageContains("gap-local-search"));
}

TEST_CASE("solve_matching: repair only when asked, and reported", "[coaching][matching]") {
    // Tight capacities and penalty weights too small to hold the rows: the QUBO optimum is a
    // sample that breaks them, which exact enumeration returns.
    MatchingProblem p({"client-1", "client-2", "client-3"}, {"coach-A", "coach-B"}, {1, 2});
    const double v[3][2] = {{30, 1}, {30, 1}, {30, 1}};
    for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t k = 0; k < 2; ++k) p.set_value(c, k, v[c][k]);
    matching_solve_options o;
    o.method = matching_method::exact;
    o.compare = false;
    o.encoding.capacity_weight = 1.0;
    const matching_result raw = solve_matching(p, std::vector<matching_pin>{}, o);
    REQUIRE(raw.shown_run().ran);
    CHECK_FALSE(raw.shown_run().feasibility.feasible());
    CHECK_FALSE(raw.shown_run().plan.repaired);
    CHECK_FALSE(raw.shown_run().proven_optimal);
    CHECK(raw.shown_run().feasibility.violations[0].name == "coach coach-A capacity");
    o.repair = true;
    const matching_result fixed = solve_matching(p, std::vector<matching_pin>{}, o);
    const matching_run& run = fixed.shown_run();
    CHECK(run.feasibility.feasible());
    CHECK(run.plan.repaired);
    REQUIRE(run.raw_feasibility.has_value());
    CHECK_FALSE(run.raw_feasibility->feasible());
    CHECK_THAT(run.note, Catch::Contains("repaired"));
    CHECK(run.objective == 32);
}

TEST_CASE("a client with no allowed coach is an error naming it", "[coaching][matching]") {
    MatchingProblem p({"client-1", "client-2"}, {"coach-A"}, {2});
    p.exclude(1, 0, "no shared language");
    CHECK_THROWS_MATCHES(MatchingEncoding(p), qcoach::value_error,
                         MessageContains("client client-2 has no allowed coach (coach-A: no shared language)"));
    p.allow_unassigned(0.0);
    CHECK(MatchingEncoding(p).unassigned_variable(1).has_value());
    CHECK_THROWS_MATCHES(check_pins(p, std::vector<matching_pin>{{0, 0}, {0, 0}, {1, 0}}), qcoach::value_error,
                         MessageContains("cannot pin client-2 to coach-A"));
    MatchingProblem q({"client-1", "client-2"}, {"coach-A", "coach-B"}, {1, 1});
    CHECK_THROWS_MATCHES(check_pins(q, std::vector<matching_pin>{{0, 0}, {1, 0}}), qcoach::value_error,
                         MessageContains("load of 2 on coach coach-A, whose capacity is 1"));
    CHECK_THROWS_MATCHES(check_pins(q, std::vector<matching_pin>{{0, 0}, {0, 1}}), qcoach::value_error,
                         MessageContains("pinned to both"));
}

TEST_CASE("GAP reader: the OR-Library format and its published optimum", "[coaching][matching]") {
    const MatchingProblem p = read_gap_file(gap_dir + "gap1-0", objective_sense::maximize);
    REQUIRE(p.num_coaches() == 5);
    REQUIRE(p.num_clients() == 15);
    CHECK(p.client_id(0) == "client-01");
    CHECK(p.coach_id(4) == "coach-5");
    CHECK(p.value(0, 0) == 17);  // first value row
    CHECK(p.value(14, 4) == 24); // last value of the fifth row
    CHECK(p.load(0, 0) == 8);    // first load row
    CHECK(p.capacity(0) == 36);
    CHECK(p.capacity(4) == 33);
    // gap1-0 = c515-1: maximum 336 (OR-Library gapinfo; README of the data folder).
    gap_search_options o;
    o.seed = 1;
    o.restarts = 4;
    o.iterations = 1000;
    const gap_search_result r = gap_local_search(p, {}, o);
    CHECK(r.feasible);
    CHECK(r.objective == 336);
    // The OR-Library files with several instances.
    const std::string multi = "2\n1 2\n5 6\n1 1\n2\n1 1\n7\n3\n3\n";
    const MatchingProblem second = read_gap(multi, "multi.gap", objective_sense::minimize, 2);
    CHECK(second.num_clients() == 1);
    CHECK(second.value(0, 0) == 7);
    CHECK(second.capacity(0) == 3);
    CHECK_FALSE(second.maximize());
    CHECK_THROWS_MATCHES(read_gap(multi, "multi.gap", objective_sense::minimize, 3), qcoach::value_error,
                         MessageContains("holds 2 instance(s); instance 3 is out of range"));
}

TEST_CASE("GAP reader errors name the file, the line and the problem", "[coaching][matching]") {
    const auto fails = [](const std::string& text, const std::string& part) {
        CHECK_THROWS_MATCHES(read_gap(text, "bad.gap", objective_sense::maximize), qcoach::parse_error, MessageContains(part));
    };
    fails("0 3\n", "bad.gap:1:1: the number of agents (coaches) must be positive, got 0");
    fails("2 -1\n", "bad.gap:1:3: the number of jobs (clients) must be positive, got -1");
    fails("2 2\n1 2\n3 4\n1 1\n1 1\n5\n", "bad.gap:6: expected the capacity of agent 2, found the end of the file");
    fails("2 2\n1 2\n3 4\n1 1\n1 1\n5 -3\n", "bad.gap:6:3: the capacity of agent 2 is -3; capacities must be in 0..2^26");
    fails("2 2\n1 2\n3 4\n1.5 1\n1 1\n5 5\n", "bad.gap:4:1: expected the load for agent 1, job 1 (an integer), got \"1.5\"");
    fails("2 2\n1 2\n3 -4\n1 1\n1 -2\n5 5\n", "bad.gap:5:3: the load for agent 2, job 2 is -2");
    fails("2 2\n1 x\n3 4\n1 1\n1 1\n5 5\n", "bad.gap:2:3: expected the value for agent 1, job 2 (a finite number), got \"x\"");
    fails("2 2\n1 2\n3 4\n1 1\n1 1\n5 5\n9\n", "bad.gap:7:1: unexpected text after the last instance");
    fails("1000000 1000000\n", "at most 2^20");
    fails("100 100\n1 2 3\n", "cannot fit in the");
    CHECK_THROWS_MATCHES(read_gap_file(gap_dir + "no-such-file", objective_sense::maximize), qcoach::parse_error,
                         MessageContains("no-such-file: cannot open"));
}
