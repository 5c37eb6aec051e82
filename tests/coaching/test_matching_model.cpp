#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "coaching/matching_reference.hpp"
#include "qcoach/coaching/matching.hpp"
#include "qcoach/core/rng.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching;
using qcoach::test::MessageContains;

namespace {

using assignment = std::vector<std::optional<std::size_t>>;

/// Whether the original-variable part of a raw sample is a feasible plan, checked directly: one
/// option per client, capacities.
bool raw_feasible(const MatchingEncoding& e, std::span<const std::int8_t> x) {
    const MatchingProblem& p = e.problem();
    std::vector<int> count(p.num_clients(), 0);
    std::vector<std::int64_t> load(p.num_coaches(), 0);
    for (qubo::var_t v = 0; v < e.num_assignment_variables(); ++v) {
        if (!x[v]) continue;
        const auto& d = e.decision(v);
        ++count[d.client];
        if (d.coach) load[*d.coach] += p.load(d.client, *d.coach);
    }
    for (int c : count)
        if (c != 1) return false;
    for (std::size_t k = 0; k < p.num_coaches(); ++k)
        if (load[k] > p.capacity(k)) return false;
    return true;
}

/// The three-coach example of the explanation tests (unit loads).
///            coach-A (cap 1)  coach-B (cap 3)  coach-C (cap 1)
///  client-1        90               60               10
///  client-2        80               76               10
///  client-3        50               70          no shared language
///  client-4        85               70               10
/// Optimum 90 + 76 + 70 + 70 = 306: coach-A takes client-1 (its margin over coach-B, 30, is the
/// largest), the others go to coach-B (capacity 3). coach-C scores too low to be used.
MatchingProblem explain_example() {
    MatchingProblem p({"client-1", "client-2", "client-3", "client-4"}, {"coach-A", "coach-B", "coach-C"}, {1, 3, 1});
    const double v[4][3] = {{90, 60, 10}, {80, 76, 10}, {50, 70, 0}, {85, 70, 10}};
    for (std::size_t c = 0; c < 4; ++c)
        for (std::size_t k = 0; k < 3; ++k) p.set_value(c, k, v[c][k]);
    p.exclude(2, 2, "no shared language");
    return p;
}

} // namespace

TEST_CASE("matching encoder: every plan's energy is minus its compatibility (plus its cost when minimizing)", "[coaching][matching]") {
    Rng rng(11);
    std::size_t plans = 0;
    for (int trial = 0; trial < 24; ++trial) {
        const bool skip = trial % 3 == 1;
        const auto sense = trial % 4 == 3 ? objective_sense::minimize : objective_sense::maximize;
        const MatchingProblem p = test::random_matching(3 + trial % 2, 2 + trial % 3, 3, 0.2, rng, skip, sense);
        bool solvable = true;
        for (std::size_t c = 0; c < p.num_clients(); ++c) solvable = solvable && (skip || !p.allowed_coaches(c).empty());
        if (!solvable) continue;
        for (bool shift : {true, false}) {
            matching_encoding_options eo;
            eo.shift_per_client = shift;
            const MatchingEncoding e(p, eo);
            test::for_each_assignment(p, [&](const assignment& a) {
                if (!test::assignment_feasible(p, a)) return;
                const auto x = e.encode(matching_plan::from_assignment(a));
                const double value = test::assignment_value(p, a);
                REQUIRE(e.model().energy(x) == Approx(p.maximize() ? -value : value).margin(1e-9));
                REQUIRE(e.constrained().check(x).feasible());
                ++plans;
            });
        }
    }
    CHECK(plans >= 100);
}

TEST_CASE("matching encoder: penalties put every infeasible sample above the best plan (brute force)", "[coaching][matching]") {
    Rng rng(5);
    int checked = 0;
    for (int trial = 0; trial < 40 && checked < 8; ++trial) {
        const bool skip = trial % 2 == 1;
        const MatchingProblem p = test::random_matching(3, 2 + trial % 2, 2, 0.15, rng, skip);
        const auto best = test::brute_force_optimum(p);
        bool solvable = true;
        for (std::size_t c = 0; c < p.num_clients(); ++c) solvable = solvable && (skip || !p.allowed_coaches(c).empty());
        if (!solvable || !best) continue;
        const MatchingEncoding e(p);
        const std::size_t n = e.num_variables();
        if (n > 16) continue;
        ++checked;
        double min_feasible = std::numeric_limits<double>::infinity();
        double min_infeasible = std::numeric_limits<double>::infinity();
        std::vector<std::int8_t> x(n);
        for (std::uint64_t s = 0; s < (std::uint64_t{1} << n); ++s) {
            for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<std::int8_t>((s >> i) & 1);
            double& slot = raw_feasible(e, x) ? min_feasible : min_infeasible;
            slot = std::min(slot, e.model().energy(x));
        }
        INFO("trial " << trial << ", " << n << " variables");
        CHECK(min_feasible == Approx(-*best));
        CHECK(min_infeasible > -*best + 0.5); // integer values: at least 1 above
    }
    CHECK(checked >= 4);
}

TEST_CASE("matching encoder: variables only for allowed pairs, one-hot groups, weights reported", "[coaching][matching]") {
    const MatchingProblem p = explain_example();
    const MatchingEncoding e(p);
    CHECK(e.num_assignment_variables() == 11); // 12 pairs, one excluded
    CHECK_FALSE(e.variable(2, 2).has_value());
    REQUIRE(e.variable(0, 1).has_value());
    CHECK(e.model().label(*e.variable(0, 1)) == "x[client-1,coach-B]");
    REQUIRE(e.one_hot_groups().size() == 4);
    CHECK(e.one_hot_groups()[2].size() == 2);
    for (const auto& g : e.one_hot_groups())
        for (qubo::var_t v : g) CHECK(v < e.num_assignment_variables());
    // coach-B's row (4 clients, capacity 3) needs slack; coach-A's and coach-C's (capacity 1)
    // too; every row shares variables, so every default weight is the objective-range bound.
    CHECK(e.constrained().constraint(e.capacity_constraint(1)).name() == "coach coach-B capacity");
    CHECK(e.constrained().constraint(e.client_constraint(3)).name() == "client client-4 gets one coach");
    for (const auto& w : e.weights()) {
        if (w.bound == qubo::penalty_bound::none) continue;
        CHECK(w.bound == qubo::penalty_bound::objective_range);
        CHECK(w.value == w.bound_value + 1);
    }
    CHECK_THAT(e.describe_weights(), Catch::Contains("objective-range bound"));
    // Pins decide the whole group.
    const std::vector<matching_pin> pins{{1, 0}};
    const auto qp = e.pins(pins);
    REQUIRE(qp.size() == 3);
    for (const auto& q : qp) CHECK(q.value == (q.variable == *e.variable(1, 0) ? 1 : 0));
    const auto groups = e.one_hot_groups_after(qp);
    CHECK(groups.size() == 3);
    // Pinning an excluded pair is refused, naming the reason.
    const std::vector<matching_pin> bad{{2, 2}};
    CHECK_THROWS_MATCHES(e.pins(bad), qcoach::value_error, MessageContains("no shared language"));
}

TEST_CASE("matching decoder: plans round-trip and broken rows keep their names", "[coaching][matching]") {
    MatchingProblem p = explain_example();
    const MatchingEncoding e(p);
    const matching_plan plan = matching_plan::from_assignment({0, 1, 1, 1});
    const auto x = e.encode(plan);
    CHECK(e.decode(x).coaches == plan.coaches);
    CHECK(check_plan(p, plan).feasible());

    // client-2 on two coaches, client-3 on none, coach-A over capacity.
    std::vector<std::int8_t> raw(e.num_assignment_variables(), 0);
    raw[*e.variable(0, 0)] = 1;
    raw[*e.variable(1, 0)] = 1;
    raw[*e.variable(1, 1)] = 1;
    raw[*e.variable(3, 0)] = 1;
    const matching_plan bad = e.decode(raw);
    CHECK(bad.coaches[1] == std::vector<std::size_t>{0, 1});
    CHECK(bad.coaches[2].empty());
    const auto report = check_plan(p, bad);
    std::vector<std::string> names;
    for (const auto& v : report.violations) names.push_back(v.name);
    CHECK(names == std::vector<std::string>{"client client-2 gets one coach", "client client-3 gets one coach",
                                            "coach coach-A capacity"});
    CHECK(report.violations[2].amount == 2); // three clients on a coach of capacity 1
    CHECK(report.violations[2].lhs == 3);
    // The QUBO side names the same rows.
    std::vector<std::string> qnames;
    for (const auto& v : e.constrained().check(raw).violations) qnames.push_back(v.name);
    CHECK(qnames == names);
    // A pin the plan does not keep, and an excluded pair.
    const std::vector<matching_pin> pins{{3, 2}};
    matching_plan odd = plan;
    odd.coaches[2] = {2};
    const auto r2 = check_plan(p, odd, pins);
    REQUIRE(r2.violations.size() == 2);
    CHECK(r2.violations[0].name == "pair client-3/coach-C excluded (no shared language)");
    CHECK(r2.violations[1].name == "pin client-4 stays with coach-C");
    CHECK_THROWS_MATCHES(e.encode(odd), qcoach::value_error, MessageContains("excluded pair"));
    // Objective report.
    const objective_report obj = report_objective(p, plan);
    CHECK(obj.total == 306);
    CHECK(obj.loads[1].load == 3);
    CHECK(obj.loads[1].clients == std::vector<std::size_t>{1, 2, 3});
}

TEST_CASE("min-cost flow matches brute force on random unit-load problems", "[coaching][matching]") {
    Rng rng(2024);
    int infeasible = 0, feasible = 0;
    for (int trial = 0; trial < 60; ++trial) {
        const bool skip = trial % 5 == 4;
        const auto sense = trial % 3 == 2 ? objective_sense::minimize : objective_sense::maximize;
        const std::size_t n = 2 + rng.below(5), m = 1 + rng.below(3);
        const MatchingProblem p = test::random_matching(n, m, 1, 0.25, rng, skip, sense);
        bool solvable = true;
        for (std::size_t c = 0; c < n; ++c) solvable = solvable && (skip || !p.allowed_coaches(c).empty());
        if (!solvable) continue;
        const auto best = test::brute_force_optimum(p);
        const flow_result f = solve_min_cost_flow(p);
        INFO("trial " << trial);
        REQUIRE(f.all_placed == best.has_value());
        if (!best) {
            ++infeasible;
            CHECK_FALSE(check_plan(p, f.plan).feasible());
            continue;
        }
        ++feasible;
        CHECK(check_plan(p, f.plan).feasible());
        CHECK(f.objective == Approx(*best));
    }
    CHECK(feasible >= 30);
    CHECK(infeasible >= 1);
    // Loads other than 1 are refused.
    MatchingProblem q = explain_example();
    q.set_load(0, 1, 2);
    CHECK_THROWS_MATCHES(solve_min_cost_flow(q), qcoach::value_error, MessageContains("load 1"));
}

TEST_CASE("gap-local-search finds the brute-force optimum of small problems", "[coaching][matching]") {
    Rng rng(99);
    int tested = 0;
    for (int trial = 0; trial < 40; ++trial) {
        const bool skip = trial % 4 == 3;
        const auto sense = trial % 3 == 1 ? objective_sense::minimize : objective_sense::maximize;
        const MatchingProblem p = test::random_matching(4 + rng.below(4), 2 + rng.below(2), 4, 0.1, rng, skip, sense);
        bool solvable = true;
        for (std::size_t c = 0; c < p.num_clients(); ++c) solvable = solvable && (skip || !p.allowed_coaches(c).empty());
        const auto best = solvable ? test::brute_force_optimum(p) : std::nullopt;
        if (!best) continue;
        ++tested;
        gap_search_options o;
        o.seed = static_cast<std::uint64_t>(trial);
        o.restarts = 4;
        o.iterations = 300;
        const gap_search_result r = gap_local_search(p, {}, o);
        INFO("trial " << trial);
        REQUIRE(r.feasible);
        CHECK(check_plan(p, r.plan).feasible());
        CHECK(r.objective == Approx(*best));
    }
    CHECK(tested >= 20);
}

TEST_CASE("gap-local-search is the same for any thread count", "[coaching][matching]") {
    Rng rng(3);
    const MatchingProblem p = test::random_matching(12, 3, 5, 0.1, rng);
    gap_search_options o;
    o.seed = 7;
    o.restarts = 4;
    o.iterations = 200;
    o.threads = 1;
    const auto a = gap_local_search(p, {}, o);
    o.threads = 2;
    const auto b = gap_local_search(p, {}, o);
    CHECK(a.plan.coaches == b.plan.coaches);
    CHECK(a.objective == b.objective);
}

TEST_CASE("repair makes an infeasible plan feasible and says so, keeping pins", "[coaching][matching]") {
    const MatchingProblem p = explain_example();
    const std::vector<matching_pin> pins{{3, 0}};
    // client-1 on two coaches, client-3 on none, coach-A (capacity 1) holds client-1 and client-4.
    matching_plan bad;
    bad.coaches = {{0, 1}, {1}, {}, {0}};
    REQUIRE_FALSE(check_plan(p, bad, pins).feasible());
    const matching_plan fixed = repair_plan(p, bad, pins);
    CHECK(fixed.repaired);
    CHECK_FALSE(fixed.repair_log.empty());
    CHECK(check_plan(p, fixed, pins).feasible());
    CHECK(fixed.coach_of(3) == std::optional<std::size_t>(0));
    // A feasible plan is left as it is.
    const matching_plan good = matching_plan::from_assignment({0, 1, 1, 1});
    const matching_plan same = repair_plan(p, good);
    CHECK_FALSE(same.repaired);
    CHECK(same.coaches == good.coaches);
}

TEST_CASE("explanations: scores, capacity, what-if re-solved exactly, exclusions, pins", "[coaching][matching]") {
    const MatchingProblem p = explain_example();
    const flow_result f = solve_min_cost_flow(p);
    REQUIRE(f.objective == 306);
    REQUIRE(f.plan.coaches == std::vector<std::vector<std::size_t>>{{0}, {1}, {1}, {1}});
    const auto ex = explain_plan(p, f.plan);
    REQUIRE(ex.size() == 4);
    // client-1: its best coach; next best coach-B, 30 lower.
    CHECK(ex[0].better_full.empty());
    CHECK(ex[0].runner_up == std::optional<std::size_t>(1));
    CHECK_THAT(ex[0].text, Catch::Contains("best allowed coach") && Catch::Contains("next best coach-B (60, 30 lower)"));
    // client-2: coach-A is better (80 vs 76) but full. With one more unit, moving client-2 alone
    // gains 4; the exact re-solve gains 15 by moving client-4 (85 vs 70) instead.
    REQUIRE(ex[1].what_if.has_value());
    CHECK(ex[1].better_full == std::vector<std::size_t>{0});
    CHECK(ex[1].what_if->coach == 0);
    CHECK(ex[1].what_if->extra == 1);
    CHECK(ex[1].what_if->local_gain == 4);
    CHECK(ex[1].what_if->resolved_gain == std::optional<double>(15));
    CHECK(ex[1].what_if->moves_in_resolve == std::optional<bool>(false));
    CHECK_THAT(ex[1].text, Catch::Contains("If coach-A had 1 more unit of capacity, moving client-2 there (nothing else "
                                           "changes) would gain 4 points") &&
                               Catch::Contains("client-2 would not be the one to move"));
    // client-4: the re-solve moves client-4 itself.
    REQUIRE(ex[3].what_if.has_value());
    CHECK(ex[3].what_if->local_gain == 15);
    CHECK(ex[3].what_if->moves_in_resolve == std::optional<bool>(true));
    // client-3: excluded coach listed with its reason.
    REQUIRE(ex[2].excluded.size() == 1);
    CHECK(ex[2].excluded[0].first == 2);
    CHECK_THAT(ex[2].text, Catch::Contains("Excluded: coach-C (no shared language)"));
    // A plan that is not locally optimal says so.
    const auto ex2 = explain_plan(p, matching_plan::from_assignment({1, 0, 1, 1}));
    CHECK(ex2[0].better_with_room.empty()); // coach-A is full (client-2 holds it)
    CHECK(ex2[0].better_full == std::vector<std::size_t>{0});
    const auto ex3 = explain_plan(p, matching_plan::from_assignment({0, 1, 1, 2}));
    CHECK(ex3[3].better_with_room == std::vector<std::size_t>{1});
    CHECK_THAT(ex3[3].text, Catch::Contains("not locally optimal"));
    // A pinned client: the pin decided, no what-if.
    const std::vector<matching_pin> pins{{1, 1}};
    const auto ex4 = explain_plan(p, f.plan, pins);
    CHECK(ex4[1].pinned);
    CHECK_FALSE(ex4[1].what_if.has_value());
    CHECK_THAT(ex4[1].text, Catch::Contains("pinned by a person") && Catch::Contains("Without the pin"));
}

TEST_CASE("profile features: exclusions and scores", "[coaching][matching]") {
    client_profile c;
    c.id = "client-07";
    c.needs = {"career", "leadership"};
    c.languages = {"de", "en"};
    c.modality = "online";
    c.availability = {{0, 9 * 60, 12 * 60}};
    coach_profile a;
    a.id = "coach-1";
    a.specialties = {"career"};
    a.languages = {"en"};
    a.modalities = {"online"};
    a.availability = {{0, 10 * 60, 13 * 60}, {2, 9 * 60, 10 * 60}};
    a.capacity = 2;
    coach_profile b = a;
    b.id = "coach-2";
    b.languages = {"fr"};
    coach_profile d = a;
    d.id = "coach-3";
    d.availability = {{0, 11 * 60 + 30, 13 * 60}};
    const auto fa = compute_features(c, a, 0.9);
    CHECK(fa.exclusion.empty());
    CHECK(fa.specialty == 0.5);
    CHECK(fa.language == 0.5);      // shared, but not the preferred language
    CHECK(fa.overlap_minutes == 120);
    CHECK(fa.schedule == Approx(120.0 / 180.0));
    // 40*0.5 + 15 + 10*0.5 + 20*(2/3) + 15*0.9 = 66.83 -> 67
    CHECK(feature_score(fa, {}) == 67);
    CHECK(compute_features(c, b, std::nullopt).exclusion == "no shared language");
    CHECK(compute_features(c, d, std::nullopt).exclusion == "no overlapping availability"); // 30 shared minutes < 60
    const scored_problem sp = build_problem({c}, {a, b, d}, {{"client-07", "coach-1", 0.9}});
    CHECK(sp.problem.value(0, 0) == 67);
    CHECK(sp.problem.allowed(0, 0));
    CHECK(sp.problem.exclusion(0, 1) == "no shared language");
    CHECK_FALSE(sp.problem.allowed(0, 2));
    CHECK_THROWS_MATCHES(build_problem({c}, {a}, {{"client-07", "coach-9", 0.5}}), qcoach::index_error,
                         MessageContains("coach-9"));
}
