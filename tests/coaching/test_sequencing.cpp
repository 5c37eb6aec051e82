#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "qcoach/coaching/portfolio.hpp"
#include "qcoach/coaching/sequencing.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching;
using qcoach::test::MessageContains;

namespace {

// ESC07 of TSPLIB (Ascheuer / Escudero), as distributed; optimum 2125 (TSPLIB SOP table,
// Ascheuer, Juenger and Reinelt 2000).
const char* esc07 = R"(NAME: ESC07.sop
TYPE: SOP
COMMENT: Received by Norbert Ascheuer / Laureano Escudero
DIMENSION: 9
EDGE_WEIGHT_TYPE: EXPLICIT
EDGE_WEIGHT_FORMAT: FULL_MATRIX
EDGE_WEIGHT_SECTION
    0    0    0    0    0    0    0    0 1000000
   -1    0  100  200   75    0  300  100    0
   -1  400    0  500  325  400  600    0    0
   -1  700  800    0  550  700  900  800    0
   -1   -1  250  225    0  275  525  250    0
   -1   -1  100  200   -1    0   -1   -1    0
   -1   -1 1100 1200 1075 1000    0 1100    0
   -1   -1    0  500  325  400  600    0    0
   -1   -1   -1   -1   -1   -1   -1   -1    0
EOF
)";

// A random sequence of k modules with a random prerequisite DAG (arcs from lower to higher
// index) and random costs.
SequencingProblem random_problem(std::size_t k, std::uint64_t seed, bool with_weights) {
    std::mt19937_64 g(seed);
    std::uniform_int_distribution<int> cost(0, 30), coin(0, 3);
    std::vector<std::string> ids;
    std::vector<std::vector<std::int64_t>> c(k, std::vector<std::int64_t>(k));
    std::vector<std::int64_t> st(k), en(k), w(k);
    std::vector<std::pair<std::size_t, std::size_t>> prec;
    for (std::size_t a = 0; a < k; ++a) {
        ids.push_back("m" + std::to_string(a));
        st[a] = cost(g);
        en[a] = cost(g);
        w[a] = with_weights ? coin(g) : 0;
        for (std::size_t b = 0; b < k; ++b) c[a][b] = cost(g);
        for (std::size_t b = a + 1; b < k; ++b)
            if (coin(g) == 0) prec.emplace_back(a, b);
    }
    return SequencingProblem(ids, c, st, en, prec, w);
}

// Cost from the definition, and whether the order keeps the prerequisites and the rules.
std::int64_t direct_cost(const SequencingProblem& p, const std::vector<std::size_t>& o) {
    std::int64_t c = p.start_cost(o.front()) + p.end_cost(o.back());
    for (std::size_t q = 0; q < o.size(); ++q) {
        c += p.position_weight(o[q]) * static_cast<std::int64_t>(q + 1);
        if (q + 1 < o.size()) c += p.transition(o[q], o[q + 1]);
    }
    return c;
}
bool direct_valid(const SequencingProblem& p, const std::vector<std::size_t>& o) {
    std::vector<std::size_t> pos(o.size());
    for (std::size_t q = 0; q < o.size(); ++q) pos[o[q]] = q;
    for (std::size_t b = 0; b < o.size(); ++b)
        for (std::size_t a : p.graph().predecessors(b))
            if (pos[a] > pos[b]) return false;
    for (const auto& pin : p.pins())
        if (pos[pin.module] != pin.slot) return false;
    for (const auto& f : p.forbids())
        if (pos[f.module] == f.slot) return false;
    return true;
}
std::int64_t brute_force(const SequencingProblem& p) {
    std::vector<std::size_t> o(p.size());
    std::iota(o.begin(), o.end(), 0);
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    do {
        if (direct_valid(p, o)) best = std::min(best, direct_cost(p, o));
    } while (std::next_permutation(o.begin(), o.end()));
    return best;
}

} // namespace

TEST_CASE("sequencing: QUBO energy equals the cost on every order, infeasible samples cost more", "[coaching][sequencing]") {
    // Three modules without pruning (all 9 variables), four with position weights and pruning.
    for (std::uint64_t seed : {1, 2}) {
        const SequencingProblem p = random_problem(seed == 1 ? 3 : 4, seed, seed == 2);
        for (bool prune : {seed == 2}) {
            sequence_encoding_options eo;
            eo.prune = prune;
            const SequenceQubo q(p, eo);
            std::vector<std::size_t> o(p.size());
            std::iota(o.begin(), o.end(), 0);
            std::int64_t best = std::numeric_limits<std::int64_t>::max();
            do {
                if (!direct_valid(p, o)) continue;
                const auto plan = sequence_plan::from_order(o);
                const std::int64_t c = direct_cost(p, o);
                best = std::min(best, c);
                CHECK(check_plan(p, plan).feasible());
                CHECK(evaluate(p, plan).total == c);
                CHECK(q.model().energy(q.sample_of(plan)) == Approx(static_cast<double>(c)));
            } while (std::next_permutation(o.begin(), o.end()));
            const std::size_t n = q.model().num_variables();
            REQUIRE(q.constrained().num_slack_variables() == 0);
            REQUIRE(n <= 16);
            std::vector<std::int8_t> x(n);
            double lowest = std::numeric_limits<double>::infinity();
            std::size_t disagree = 0, wrong_energy = 0, too_low = 0; // counted, then checked once
            for (std::uint64_t z = 0; z < (std::uint64_t{1} << n); ++z) {
                for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::int8_t>((z >> i) & 1);
                const auto plan = q.decode(x);
                const bool ok = check_plan(p, plan).feasible();
                disagree += q.constrained().check(x).feasible() != ok;
                const double e = q.model().energy(x);
                lowest = std::min(lowest, e);
                if (ok) wrong_energy += std::abs(e - static_cast<double>(evaluate(p, plan).total)) > 1e-9;
                else too_low += !(e > static_cast<double>(best) + 0.5);
            }
            CHECK(disagree == 0);
            CHECK(wrong_energy == 0);
            CHECK(too_low == 0);
            CHECK(lowest == Approx(static_cast<double>(best)));
        }
    }
}

TEST_CASE("sequencing: dynamic program and local search reach the brute-force optimum", "[coaching][sequencing]") {
    for (std::uint64_t seed = 10; seed < 16; ++seed) {
        const SequencingProblem p = random_problem(6, seed, seed % 2 == 0);
        const auto d = analyse_domain(p);
        const std::int64_t best = brute_force(p);
        const auto dp = solve_sequence_dp(p, d);
        REQUIRE(dp.order.size() == p.size());
        CHECK(dp.proven_optimal);
        CHECK(dp.cost == best);
        CHECK(direct_cost(p, dp.order) == best);
        sequence_search_options o;
        o.seed = seed;
        o.rounds = 40;
        const auto ls = search_sequence(p, d, o);
        REQUIRE(ls.order.size() == p.size());
        CHECK(direct_valid(p, ls.order));
        CHECK(ls.cost == best);
    }
}

TEST_CASE("sequencing: ESC07 read from TSPLIB text reaches its published optimum", "[coaching][sequencing]") {
    const auto inst = coaching::detail::parse_sop(esc07, "ESC07.sop");
    CHECK(inst.name == "ESC07");
    const SequencingProblem p = SequencingProblem::from_sop(inst);
    REQUIRE(p.size() == 7);
    const auto dp = solve_sequence_dp(p, analyse_domain(p));
    CHECK(dp.cost == 2125);
    CHECK(brute_force(p) == 2125);
    const SequenceQubo q(p);
    CHECK(q.model().energy(q.sample_of(sequence_plan::from_order(dp.order))) == Approx(2125.0));
}

TEST_CASE("sequencing: the SOP reader names file, line and problem", "[coaching][sequencing]") {
    std::string bad = esc07;
    bad.replace(bad.find("  100  200   75"), 5, "  1x0");
    CHECK_THROWS_MATCHES(coaching::detail::parse_sop(bad, "bad.sop"), parse_error, MessageContains("bad.sop:9:"));
    CHECK_THROWS_MATCHES(coaching::detail::parse_sop(bad, "bad.sop"), parse_error, MessageContains("expected an integer edge weight, got '1x0'"));
    std::string short_matrix = esc07;
    short_matrix.replace(short_matrix.find("   -1   -1   -1   -1   -1   -1   -1   -1    0"), 45, "");
    CHECK_THROWS_MATCHES(coaching::detail::parse_sop(short_matrix, "short.sop"), parse_error, MessageContains("holds 72 numbers; a 9 x 9 matrix needs 81"));
    std::string wrong_type = esc07;
    wrong_type.replace(wrong_type.find("TYPE: SOP"), 9, "TYPE: TSP");
    CHECK_THROWS_MATCHES(coaching::detail::parse_sop(wrong_type, "t.sop"), parse_error, MessageContains("t.sop:2:7: TYPE is 'TSP'"));
    CHECK_THROWS_MATCHES(coaching::detail::read_sop("/nonexistent/x.sop"), parse_error, MessageContains("x.sop: cannot open the file"));
}

TEST_CASE("sequencing: pins and forbids hold for every solver", "[coaching][sequencing]") {
    // a before c; b pinned first; a never second. The one order left: b, d, a, c.
    std::vector<std::vector<std::int64_t>> c(4, std::vector<std::int64_t>(4, 5));
    c[3][0] = 1;
    SequencingProblem p({"a", "b", "c", "d"}, c, {}, {}, {{0, 2}});
    p.pin(1, p.position_index("first"));
    p.forbid(0, 1);
    const SequenceQubo q(p);
    for (auto kind : {solver_kind::exact, solver_kind::anneal, solver_kind::tempering, solver_kind::tabu}) {
        portfolio_options o;
        o.solver = kind;
        o.compare = false;
        o.seed = 5;
        o.base.reads = kind == solver_kind::exact ? 0 : 2;
        if (kind == solver_kind::anneal || kind == solver_kind::tempering) o.base.sweeps = 100;
        for (bool repair : {false, true}) {
            const auto runs = solve_sequence(q, o, repair);
            REQUIRE(runs.size() == 1);
            REQUIRE(runs[0].ran);
            CHECK(runs[0].plan.at_position[0] == std::vector<std::size_t>{1});
            CHECK(std::find(runs[0].plan.at_position[1].begin(), runs[0].plan.at_position[1].end(), 0) ==
                  runs[0].plan.at_position[1].end());
        }
    }
    for (const auto& o : solve_sequence_dedicated(q, {})) {
        REQUIRE(o.plan.order().size() == 4);
        CHECK(o.plan.order() == std::vector<std::size_t>{1, 3, 0, 2});
        CHECK(o.check.feasible());
        CHECK(o.objective.total == brute_force(p));
    }
}

TEST_CASE("sequencing: violations, explanation and repair", "[coaching][sequencing]") {
    // a -> b -> c; d free. Transitions cost 10 except a->b (1) and b->c (2).
    std::vector<std::vector<std::int64_t>> c(4, std::vector<std::int64_t>(4, 10));
    c[0][1] = 1;
    c[1][2] = 2;
    const SequencingProblem p({"a", "b", "c", "d"}, c, {}, {}, {{0, 1}, {1, 2}});
    sequence_plan bad;
    bad.at_position = {{1}, {0}, {2, 3}, {}}; // b before a; c and d share position 3
    const plan_check ch = check_plan(p, bad);
    auto has = [&](const std::string& name, std::int64_t amount) {
        for (const auto& v : ch.violations)
            if (v.constraint == name) return v.amount == amount;
        return false;
    };
    CHECK(has("prerequisite a before b", 2));
    CHECK(has("position 3 holds one module", 1));
    CHECK(has("position 4 holds one module", 1));
    CHECK(ch.violations.size() == 3);
    const auto d = analyse_domain(p);
    const sequence_plan fixed = repair_sequence(p, d, bad);
    CHECK(fixed.repaired);
    CHECK(check_plan(p, fixed).feasible());
    CHECK_FALSE(fixed.repairs.empty());

    const sequence_plan plan = sequence_plan::from_order({0, 1, 2, 3});
    const auto ex = explain(p, d, plan);
    REQUIRE(ex.size() == 4);
    CHECK(ex[1].headline == "2. b");
    CHECK(ex[1].reasons[0] == "after its prerequisite a (position 1): it cannot come earlier");
    CHECK(ex[1].reasons[1] == "before c, which needs it (position 3)");
    CHECK(ex[1].reasons[2] == "follows a (cost 1), leads to c (cost 2)");
    CHECK(ex[1].to_change[0] == "no other position keeps every prerequisite, pin and forbid");
    // d can go anywhere: at the front it would save 10 - 0 ... the explanation gives the delta.
    CHECK(ex[3].to_change[0].find("the best other position is ") == 0);
    const std::string dot = to_dot(p, plan);
    CHECK(dot.find("\"a\" -> \"b\" [penwidth=2, label=\"1\"]") != std::string::npos);
    CHECK(dot.find("broken") == std::string::npos);
}
