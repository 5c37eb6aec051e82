#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/coaching/scheduling.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching;
using qcoach::test::MessageContains;

namespace {

graph cycle(std::uint32_t n) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> e;
    for (std::uint32_t v = 0; v < n; ++v) e.emplace_back(v, (v + 1) % n);
    return make_graph(n, e, "C" + std::to_string(n));
}

graph complete(std::uint32_t n) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> e;
    for (std::uint32_t u = 0; u < n; ++u)
        for (std::uint32_t v = u + 1; v < n; ++v) e.emplace_back(u, v);
    return make_graph(n, e, "K" + std::to_string(n));
}

/// The Petersen graph: outer 5-cycle 0..4, inner pentagram 5..9, spokes v -- v + 5.
graph petersen() {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> e;
    for (std::uint32_t v = 0; v < 5; ++v) {
        e.emplace_back(v, (v + 1) % 5);
        e.emplace_back(5 + v, 5 + (v + 2) % 5);
        e.emplace_back(v, v + 5);
    }
    return make_graph(10, e, "petersen");
}

/// myciel3 (the Grötzsch graph) as in the DIMACS file of M. Trick's COLOR page.
const char* myciel3_text = R"(c myciel3: Mycielski graph of the 5-cycle, chromatic number 4
p edge 11 20
e 1 2
e 1 4
e 1 7
e 1 9
e 2 3
e 2 6
e 2 8
e 3 5
e 3 7
e 3 10
e 4 5
e 4 6
e 4 10
e 5 8
e 5 9
e 6 11
e 7 11
e 8 11
e 9 11
e 10 11
)";

graph read_text(const std::string& text, const std::string& source = "test.col") {
    std::istringstream in(text);
    return read_dimacs_col(in, source);
}

colour_search_options quick_options(bool tabucol) {
    colour_search_options o;
    o.portfolio.seed = 3;
    o.portfolio.threads = 1;
    // No time limit: the solvers' default budgets are fixed work, so the results do not depend
    // on the machine's speed (or a sanitizer's slowdown); the failing k costs one budget each.
    o.portfolio.exact_max_variables = 16; // exhaustive proofs only where they are instant
    o.use_tabucol = tabucol;
    o.tabucol.max_iterations = 20000;
    return o;
}

} // namespace

TEST_CASE("colouring: small graphs reach their chromatic numbers", "[coaching][scheduling][colouring]") {
    struct known {
        graph g;
        int chi;
    };
    const std::vector<known> cases = {{cycle(5), 3}, {cycle(7), 3}, {cycle(6), 2}, {petersen(), 3},
                                      {read_text(myciel3_text), 4}, {complete(4), 4}, {complete(5), 5}};
    for (bool tabucol : {false, true}) {
        for (const known& c : cases) {
            INFO(c.g.name << (tabucol ? " with tabucol" : " QUBO solvers only"));
            const colour_search_result r = minimize_colours(c.g, {}, quick_options(tabucol));
            CHECK(r.colours == c.chi);
            CHECK(is_proper(c.g, r.colouring));
            CHECK(distinct_colours(r.colouring) == r.colours);
            CHECK(r.dsatur_colours >= c.chi);
            CHECK(r.clique_size <= c.chi);
            // Every member that found a colouring found a proper one at its k.
            for (const colour_attempt& a : r.attempts)
                for (const colour_member& m : a.members)
                    if (m.found) CHECK(m.colours <= a.k);
        }
    }
}

TEST_CASE("colouring: optimality proofs", "[coaching][scheduling][colouring]") {
    // K5: the clique bound.
    const colour_search_result k5 = minimize_colours(complete(5), {}, quick_options(false));
    CHECK(k5.proved_optimal);
    CHECK(k5.proof.find("clique of 5") != std::string::npos);
    // C5 and Petersen: 2 colours fail, and with 10 / 16 free variables the exact solver proves it.
    for (const graph& g : {cycle(5), petersen()}) {
        INFO(g.name);
        const colour_search_result r = minimize_colours(g, {}, quick_options(false));
        REQUIRE(r.colours == 3);
        CHECK(r.proved_optimal);
        CHECK(r.proof == "the exact solver found no proper 2-colouring");
        REQUIRE(r.attempts.back().k == 2);
        CHECK(r.attempts.back().proved_infeasible);
    }
}

TEST_CASE("colouring: the QUBO of k colours counts broken rows", "[coaching][scheduling][colouring]") {
    const graph g = cycle(5);
    const schedule_encoding e = encode(colouring_problem(g, 3));
    CHECK(e.num_placement_variables() == 15);
    CHECK(e.model().num_variables() == 15); // no slack
    for (const auto& w : e.weights()) CHECK(w.value == 1.0);
    // Proper colouring 0,1,0,1,2: energy 0. Vertices 0 and 1 both colour 0: one broken edge row.
    auto sample = [&](const std::vector<int>& c) {
        std::vector<std::int8_t> x(15, 0);
        for (std::size_t v = 0; v < 5; ++v) x[*e.variable_of(v, static_cast<std::size_t>(c[v]))] = 1;
        return x;
    };
    CHECK(e.model().energy(sample({0, 1, 0, 1, 2})) == 0.0);
    CHECK(e.model().energy(sample({0, 0, 1, 0, 2})) == 1.0);
    CHECK(e.model().energy(sample({0, 0, 0, 0, 0})) == 5.0);
    const schedule_plan plan = decode(e, sample({0, 0, 1, 0, 2}));
    REQUIRE(plan.feasibility.violations.size() == 1);
    CHECK(plan.feasibility.violations[0].name == "sessions v1 and v2 not both at c1");
}

TEST_CASE("colouring: pins and forbids hold for every member", "[coaching][scheduling][colouring]") {
    const graph g = read_text(myciel3_text);
    colour_rules rules;
    add_colour_pin(rules, g, "v1=c4");
    add_colour_forbid(rules, g, "v2=c1");
    add_colour_forbid(rules, g, "*=c2");
    // c2 is forbidden for everyone, so a proper colouring needs the palette c1..c5.
    const colour_search_result r = minimize_colours(g, rules, quick_options(true));
    CHECK(r.symmetry_clique.empty()); // no symmetry breaking with rules
    CHECK(r.colours == 4);
    CHECK(r.palette == 5);
    for (const colour_attempt& a : r.attempts) CHECK(a.k >= 4); // the pin on c4 needs k >= 4
    CHECK(r.colouring[0] == 3);
    CHECK(r.colouring[1] != 0);
    for (int c : r.colouring) CHECK(c != 1);
    // Each member on its own, at k = 5.
    const schedule_encoding e = encode(colouring_problem(g, 5), colouring_decisions(rules, 5));
    for (solver_kind k : {solver_kind::anneal, solver_kind::tempering, solver_kind::tabu}) {
        portfolio_options o;
        o.solver = k;
        o.compare = false;
        o.threads = 1;
        o.seed = 11;
        const auto runs = run_portfolio(e.model(), e.pins(), o);
        INFO(runs.front().solver);
        const schedule_plan plan = decode(e, runs.front().sample);
        CHECK(plan.slot_of(0) == std::optional<std::size_t>(3));
        for (std::size_t v = 0; v < g.num_vertices; ++v)
            for (std::size_t t : plan.placements[v]) CHECK(t != 1);
        for (std::size_t t : plan.placements[1]) CHECK(t != 0);
    }
    tabucol_options to;
    to.seed = 5;
    to.max_iterations = 20000;
    const tabucol_result tr = tabucol(g, 5, rules, to);
    CHECK(tr.found());
    CHECK(tr.colours[0] == 3);
    CHECK(tr.colours[1] != 0);
    for (int c : tr.colours) CHECK(c != 1);
    CHECK(is_proper(g, tr.colours));
}

TEST_CASE("colouring: DSATUR, clique and rule checks", "[coaching][scheduling][colouring]") {
    const graph p = petersen();
    const auto d = dsatur(p);
    CHECK(is_proper(p, d));
    CHECK(colours_used(d) == 3);
    CHECK(greedy_clique(complete(6)).size() == 6);
    CHECK(greedy_clique(p).size() == 2);
    colour_rules bad;
    add_colour_pin(bad, p, "v1=c1");
    add_colour_pin(bad, p, "v2=c1");
    CHECK_THROWS_MATCHES(validate(p, bad), value_error, MessageContains("v1 and v2 are adjacent and both pinned to c1"));
    colour_rules r;
    CHECK_THROWS_MATCHES(add_colour_pin(r, p, "v11=c1"), value_error, MessageContains("no vertex (v1..v10)"));
    CHECK_THROWS_MATCHES(add_colour_forbid(r, p, "v1=blue"), value_error, MessageContains("no colour"));
    CHECK_THROWS_MATCHES(add_colour_pin(r, p, "v1"), value_error, MessageContains("VERTEX=COLOUR"));
    add_colour_pin(r, p, "3=2"); // plain numbers work too
    CHECK(r.pins.back() == std::pair<std::uint32_t, int>{2, 1});
}

TEST_CASE("colouring: DIMACS reader", "[coaching][scheduling][colouring]") {
    const graph g = read_text(myciel3_text);
    CHECK(g.num_vertices == 11);
    CHECK(g.edges.size() == 20);
    // Each edge listed twice (as the queen files do) is kept once; the declared m is kept.
    const graph twice = read_text("p edge 3 4\ne 1 2\ne 2 1\ne 2 3\ne 3 2\n");
    CHECK(twice.edges.size() == 2);
    CHECK(twice.declared_edges == 4);
    CHECK(read_text("c only\n\np col 2 1\n  e 1 2  \n").edges.size() == 1);

    struct bad {
        const char* text;
        const char* message;
    };
    const std::vector<bad> cases = {
        {"c no problem line\n", "test.col: no \"p edge <vertices> <edges>\" line"},
        {"e 1 2\np edge 2 1\n", "test.col:1:1: an edge before the \"p edge <n> <m>\" line"},
        {"p edge 3 1\ne 1 4\n", "test.col:2:5: vertex 4 is out of range 1..3"},
        {"p edge 3 1\ne 2 2\n", "test.col:2:3: self-loop on vertex 2"},
        {"p edge 3 1\ne 1 x\n", "test.col:2:5: expected a vertex number (a non-negative integer), got \"x\""},
        {"p edge 3 1\ne 1\n", "test.col:2:3: expected \"e <u> <v>\""},
        {"p edge 3 1\ne 1 2 3\n", "test.col:2:7: unexpected text after \"e <u> <v>\""},
        {"p edge 3 1\nq 1 2\n", "test.col:2:1: unknown line type \"q\""},
        {"p edge 3 1\np edge 3 1\n", "test.col:2:1: a second \"p\" line"},
        {"p graph 3 1\n", "test.col:1:3: unknown problem \"graph\""},
        {"p edge 0 0\n", "test.col:1:8: the number of vertices must be in 1.."},
    };
    for (const bad& c : cases) {
        INFO(c.text);
        CHECK_THROWS_MATCHES(read_text(c.text), parse_error, MessageContains(c.message));
    }
    CHECK_THROWS_MATCHES(read_dimacs_col_file("/nonexistent/graph.col"), parse_error,
                         MessageContains("/nonexistent/graph.col: cannot open the file"));
}
