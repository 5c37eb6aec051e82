#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "qcoach/coaching/learning_path.hpp"
#include "qcoach/coaching/portfolio.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching;
using qcoach::test::MessageContains;

namespace {

learning_module mod(std::string id, std::int64_t d, std::int64_t l, std::int64_t w, std::vector<std::string> pre = {}) {
    learning_module m;
    m.id = std::move(id);
    m.duration = d;
    m.load = l;
    m.weight = w;
    m.prerequisites = std::move(pre);
    return m;
}

// Four modules, three sessions: A -> B, A -> C, {B, C} -> D under the earlier-session rule
// would need four sessions, so D only needs B here.
LearningPathProblem small_problem(precedence_rule rule = precedence_rule::earlier_session) {
    return LearningPathProblem({mod("A", 30, 2, 2), mod("B", 40, 3, 1, {"A"}), mod("C", 20, 1, 3), mod("D", 50, 2, 1, {"B"})},
                               {{"Mon", 60, 4}, {"Tue", 70, 4}, {"Wed", 80, std::nullopt}}, rule, {2, 1});
}

// Direct objective, written out again from the definition (not through evaluate()).
double direct_objective(const LearningPathProblem& p, const std::vector<std::size_t>& at) {
    double completion = 0, sq = 0, total = 0;
    std::vector<double> load(p.num_sessions(), 0.0);
    for (std::size_t m = 0; m < at.size(); ++m) {
        completion += static_cast<double>(p.module(m).weight) * static_cast<double>(at[m] + 1);
        load[at[m]] += static_cast<double>(p.module(m).load);
        total += static_cast<double>(p.module(m).load);
    }
    const double mean = total / static_cast<double>(p.num_sessions());
    for (double l : load) sq += (l - mean) * (l - mean);
    return static_cast<double>(p.weights().completion) * completion + static_cast<double>(p.weights().balance) * sq;
}

// Is the assignment feasible, checked from the definition?
bool direct_feasible(const LearningPathProblem& p, const std::vector<std::size_t>& at) {
    std::vector<std::int64_t> time(p.num_sessions(), 0), load(p.num_sessions(), 0);
    for (std::size_t m = 0; m < at.size(); ++m) {
        time[at[m]] += p.module(m).duration;
        load[at[m]] += p.module(m).load;
        for (const auto& pre : p.module(m).prerequisites) {
            const std::size_t q = p.module_index(pre);
            if (at[q] + p.gap() > at[m]) return false;
        }
        if (p.pinned_session(m) != unplaced && p.pinned_session(m) != at[m]) return false;
        if (p.forbidden(m, at[m])) return false;
    }
    for (std::size_t s = 0; s < p.num_sessions(); ++s) {
        if (time[s] > p.session(s).capacity) return false;
        if (p.session(s).load_budget && load[s] > *p.session(s).load_budget) return false;
    }
    return true;
}

// Every complete assignment of modules to sessions (S^n of them).
template <class F>
void for_each_assignment(std::size_t n, std::size_t S, F&& f) {
    std::vector<std::size_t> at(n, 0);
    for (;;) {
        f(at);
        std::size_t k = 0;
        while (k < n && ++at[k] == S) at[k++] = 0;
        if (k == n) return;
    }
}

} // namespace

TEST_CASE("learning path: QUBO energy equals the objective on every feasible plan", "[coaching][learning_path]") {
    for (auto rule : {precedence_rule::earlier_session, precedence_rule::same_or_earlier}) {
        for (bool prune : {true, false}) {
            const LearningPathProblem p = small_problem(rule);
            session_encoding_options eo;
            eo.prune = prune;
            const SessionQubo q(p, eo);
            std::size_t feasible = 0;
            double best = std::numeric_limits<double>::infinity();
            for_each_assignment(p.num_modules(), p.num_sessions(), [&](const std::vector<std::size_t>& at) {
                const session_plan plan = session_plan::from_sessions(at);
                const bool ok = direct_feasible(p, at);
                CHECK(check_plan(p, plan).feasible() == ok);
                if (!ok) return;
                ++feasible;
                const double f = direct_objective(p, at);
                best = std::min(best, f);
                CHECK(evaluate(p, plan).total == Approx(f).margin(1e-9));
                CHECK(q.model().energy(q.sample_of(plan)) == Approx(f).margin(1e-9));
                CHECK(q.constrained().check(q.sample_of(plan)).feasible());
            });
            REQUIRE(feasible > 1);

            // Every placement sample (none, one or several sessions per module), with its best
            // slack bits: feasible ones match the check, infeasible ones lie above the best plan.
            const std::size_t n = q.num_assignment_variables();
            REQUIRE(n <= 14);
            std::vector<std::int8_t> x(n);
            double best_energy = std::numeric_limits<double>::infinity();
            std::size_t disagree = 0, wrong_energy = 0, too_low = 0; // counted, then checked once
            for (std::uint64_t z = 0; z < (std::uint64_t{1} << n); ++z) {
                for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::int8_t>((z >> i) & 1);
                const session_plan plan = q.decode(x);
                const bool ok = check_plan(p, plan).feasible();
                disagree += q.constrained().check(x).feasible() != ok;
                const double e = q.model().energy(q.constrained().complete_sample(x));
                best_energy = std::min(best_energy, e);
                if (ok) wrong_energy += std::abs(e - evaluate(p, plan).total) > 1e-9;
                else too_low += !(e > best + 0.5);
            }
            CHECK(disagree == 0);
            CHECK(wrong_energy == 0);
            CHECK(too_low == 0);
            CHECK(best_energy == Approx(best).margin(1e-9));
        }
    }
}

TEST_CASE("learning path: exact solver and dedicated search reach the brute-force optimum", "[coaching][learning_path]") {
    const LearningPathProblem p = small_problem();
    const SessionQubo q(p);
    double best = std::numeric_limits<double>::infinity();
    for_each_assignment(p.num_modules(), p.num_sessions(), [&](const std::vector<std::size_t>& at) {
        if (direct_feasible(p, at)) best = std::min(best, direct_objective(p, at));
    });
    REQUIRE(q.model().num_variables() <= 26);
    portfolio_options o;
    o.solver = solver_kind::exact;
    o.compare = false;
    const auto runs = solve_sessions(q, o);
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].ran);
    CHECK(runs[0].check.feasible());
    CHECK(runs[0].objective.total == Approx(best));
    const auto ded = solve_sessions_dedicated(q, {});
    CHECK(ded.check.feasible());
    CHECK(ded.objective.total == Approx(best));
    // A QAOA request without a QAOA solver does not run, and its outcome is not a feasible plan
    // (its check is empty because there is no plan to check).
    o.solver = solver_kind::qaoa;
    const auto skipped = solve_sessions(q, o);
    REQUIRE(skipped.size() == 1);
    CHECK_FALSE(skipped[0].ran);
    CHECK(skipped[0].check.violations.empty());
    CHECK_FALSE(skipped[0].feasible());
    CHECK(runs[0].feasible());
}

TEST_CASE("learning path: the check names every broken constraint with its amount", "[coaching][learning_path]") {
    LearningPathProblem p = small_problem();
    p.forbid(p.module_index("C"), p.session_index("Wed"));
    session_plan plan;
    // A and B both in Mon (B needs A earlier: short by 1), C in Wed (forbidden) and Tue (twice),
    // D nowhere; Mon holds 70 of 60 minutes and load 5 of 4.
    plan.placements = {{0}, {0}, {1, 2}, {}};
    const plan_check c = check_plan(p, plan);
    auto find = [&](const std::string& name) -> const plan_violation* {
        for (const auto& v : c.violations)
            if (v.constraint == name) return &v;
        return nullptr;
    };
    REQUIRE_FALSE(c.feasible());
    REQUIRE(find("module C in one session"));
    CHECK(find("module C in one session")->amount == 1);
    REQUIRE(find("module D in one session"));
    CHECK(find("module D in one session")->detail == "placed in no session");
    REQUIRE(find("forbid C in Wed"));
    REQUIRE(find("session Mon time capacity"));
    CHECK(find("session Mon time capacity")->amount == 10);
    REQUIRE(find("session Mon load budget"));
    CHECK(find("session Mon load budget")->amount == 1);
    REQUIRE(find("prerequisite A before B"));
    CHECK(find("prerequisite A before B")->amount == 1);
    CHECK(c.violations.size() == 6);
    CHECK(c.summary().find("session Mon time capacity: broken by 10") != std::string::npos);
}

TEST_CASE("learning path: pins and forbids hold for every solver", "[coaching][learning_path]") {
    LearningPathProblem p = small_problem(precedence_rule::same_or_earlier);
    const std::size_t C = p.module_index("C"), A = p.module_index("A");
    p.pin(C, p.session_index("Wed"));
    p.forbid(A, p.session_index("Mon"));
    const SessionQubo q(p);
    CHECK_FALSE(q.variable(A, 0).has_value()); // the forbid removed the variable
    CHECK(q.pins().size() == 1);
    for (auto kind : {solver_kind::exact, solver_kind::anneal, solver_kind::tempering, solver_kind::tabu}) {
        portfolio_options o;
        o.solver = kind;
        o.compare = false;
        o.seed = 3;
        o.base.reads = 2;
        if (kind == solver_kind::anneal || kind == solver_kind::tempering) o.base.sweeps = 100;
        if (kind == solver_kind::exact) o.base.reads = 0;
        for (bool repair : {false, true}) {
            const auto runs = solve_sessions(q, o, repair);
            REQUIRE(runs.size() == 1);
            REQUIRE(runs[0].ran);
            const auto& plan = runs[0].plan;
            CHECK(plan.placements[C] == std::vector<std::size_t>{2});
            CHECK(std::find(plan.placements[A].begin(), plan.placements[A].end(), 0) == plan.placements[A].end());
        }
    }
    const auto ded = solve_sessions_dedicated(q, {});
    CHECK(ded.plan.session_of(C) == 2);
    CHECK(ded.plan.session_of(A) != 0);
}

TEST_CASE("learning path: impossible pins and inputs are refused with a named reason", "[coaching][learning_path]") {
    CHECK_THROWS_MATCHES(LearningPathProblem({mod("A", 10, 1, 1, {"B"}), mod("B", 10, 1, 1, {"A"})}, {{"Mon", 60, {}}}),
                         value_error, MessageContains("cycle: B -> A -> B"));
    CHECK_THROWS_MATCHES(LearningPathProblem({mod("A", 10, 1, 1, {"Z"})}, {{"Mon", 60, {}}}), value_error,
                         MessageContains("prerequisite 'Z' is not a module"));
    LearningPathProblem p = small_problem();
    p.pin(p.module_index("B"), p.session_index("Mon")); // B needs A in an earlier session
    CHECK_THROWS_MATCHES(SessionQubo(p), value_error, MessageContains("module B has no possible session: it must come after A"));
    LearningPathProblem big = small_problem();
    big.pin(big.module_index("D"), big.session_index("1")); // 50 min fits Mon (60) but D needs B earlier
    CHECK_THROWS_AS(analyse_domain(big), value_error);
    CHECK_THROWS_MATCHES(small_problem().session_index("Sun"), value_error, MessageContains("unknown session 'Sun'"));
}

TEST_CASE("learning path: the explanation names prerequisites, capacity, pins and trade-offs", "[coaching][learning_path]") {
    // Mon 60 min: A (40) and C (20) fill it; B needs A, so it waits for Tue; D (30) does not fit
    // Mon either. E is pinned to Tue by a person.
    LearningPathProblem p({mod("A", 40, 1, 1), mod("B", 30, 1, 1, {"A"}), mod("C", 20, 1, 1), mod("D", 30, 1, 1), mod("E", 10, 1, 1)},
                          {{"Mon", 60, {}}, {"Tue", 90, {}}}, precedence_rule::earlier_session, {1, 0});
    p.pin(p.module_index("E"), p.session_index("Tue"));
    const auto d = analyse_domain(p);
    const session_plan plan = session_plan::from_sessions({0, 1, 0, 1, 1});
    REQUIRE(check_plan(p, plan).feasible());
    const auto ex = explain(p, d, plan);
    auto of = [&](const std::string& id) {
        for (const auto& e : ex)
            if (p.module(e.module).id == id) return e;
        FAIL("no explanation for " << id);
        return module_explanation{};
    };
    const auto b = of("B");
    REQUIRE(b.reasons.size() == 1);
    CHECK(b.reasons[0].find("Mon: ruled out: its prerequisite A must come in an earlier session") == 0);
    const auto dd = of("D");
    REQUIRE(dd.reasons.size() == 1);
    CHECK(dd.reasons[0] == "Mon: full: 60 of 60 min used, it needs 30");
    REQUIRE(dd.to_change.size() == 1);
    CHECK(dd.to_change[0] == "free 30 min in Mon (e.g. move A, 40 min, elsewhere)");
    const auto e = of("E");
    CHECK(e.reasons[0] == "pinned there by a person");
    CHECK(e.reasons[1] == "Mon: the module is pinned to Tue");
    const auto c = of("C");
    REQUIRE(c.reasons.size() == 1);
    CHECK(c.reasons[0] == "Tue: allowed, but the objective would change by +1 (completion +1, balance 0)");
    const std::string dot = to_dot(p, plan);
    CHECK(dot.find("subgraph cluster_0") != std::string::npos);
    CHECK(dot.find("\"A\" -> \"B\";") != std::string::npos);
    CHECK(dot.find("broken") == std::string::npos);
}

TEST_CASE("learning path: repair happens only on request and says so", "[coaching][learning_path]") {
    const LearningPathProblem p = small_problem();
    const auto d = analyse_domain(p);
    session_plan broken;
    broken.placements = {{0, 1}, {0}, {}, {2}}; // A twice, B too early, C nowhere
    REQUIRE_FALSE(check_plan(p, broken).feasible());
    const session_plan fixed = repair_plan(p, d, broken);
    CHECK(fixed.repaired);
    CHECK(check_plan(p, fixed).feasible());
    CHECK(fixed.repairs.size() == 3);
    CHECK(fixed.repairs[0] == "A: kept in Mon only (the sample placed it in Mon, Tue)");
    CHECK(fixed.repairs[1] == "B: moved from Mon to Tue");
    CHECK(fixed.repairs[2].find("C: placed in ") == 0);

    // A sample whose decoding is infeasible is reported as is unless repair is asked for.
    const SessionQubo q(p);
    std::vector<std::int8_t> x(q.model().num_variables(), 0);
    session_outcome plain, asked;
    finish_outcome(q, x, false, plain);
    finish_outcome(q, x, true, asked);
    CHECK_FALSE(plain.check.feasible());
    CHECK_FALSE(plain.plan.repaired);
    CHECK(asked.check.feasible());
    CHECK(asked.plan.repaired);
    CHECK(asked.note == "repaired");
}

TEST_CASE("learning path: one-hot groups after pins follow fix_variables' numbering", "[coaching][learning_path]") {
    LearningPathProblem p = small_problem(precedence_rule::same_or_earlier);
    p.pin(p.module_index("B"), p.session_index("Tue"));
    const SessionQubo q(p);
    const auto reduced = qubo::fix_variables(q.model(), q.pins());
    const auto groups = groups_after_pins(q.one_hot_groups(), q.pins(), q.model().num_variables());
    // B's group is its pinned variable alone: it disappears; the others keep their variables.
    REQUIRE(q.one_hot_groups()[1].size() == 1);
    REQUIRE(groups.size() == 3);
    const std::size_t others[] = {0, 2, 3};
    for (std::size_t gi = 0; gi < 3; ++gi) {
        const auto& g = q.one_hot_groups()[others[gi]];
        REQUIRE(groups[gi].size() == g.size());
        for (std::size_t i = 0; i < g.size(); ++i) CHECK(reduced.reduced_index(g[i]).value() == groups[gi][i]);
    }
}
