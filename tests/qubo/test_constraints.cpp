#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/slack.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

/// A constraint as plain data, checked independently of the Constraint class.
struct row {
    constraint_kind kind;
    std::vector<var_t> vars;
    std::vector<std::int64_t> coef;
    bool equal; // else <=
    std::int64_t rhs;
    slack_encoding encoding = slack_encoding::logarithmic;

    bool holds(std::span<const std::int8_t> x) const {
        std::int64_t s = 0;
        for (std::size_t k = 0; k < vars.size(); ++k) s += coef[k] * x[vars[k]];
        return equal ? s == rhs : s <= rhs;
    }

    void add_to(ConstrainedModel& cm, const std::string& name, std::optional<double> weight = {}) const {
        std::vector<linear_term> terms;
        for (std::size_t k = 0; k < vars.size(); ++k) terms.push_back({vars[k], static_cast<double>(coef[k])});
        switch (kind) {
        case constraint_kind::one_hot: cm.add_one_hot(name, vars, weight); break;
        case constraint_kind::exactly_k: cm.add_exactly_k(name, vars, rhs, weight); break;
        case constraint_kind::at_most_k: cm.add_at_most_k(name, vars, rhs, weight, encoding); break;
        case constraint_kind::at_most_one: cm.add_at_most_one(name, vars, weight); break;
        case constraint_kind::equality: cm.add_equality(name, terms, static_cast<double>(rhs), weight); break;
        case constraint_kind::inequality:
            cm.add_inequality(name, terms, static_cast<double>(rhs), weight, encoding);
            break;
        }
    }
};

std::vector<var_t> random_subset(std::size_t n, std::size_t min_size, Rng& rng) {
    std::vector<var_t> all(n);
    for (var_t i = 0; i < n; ++i) all[i] = i;
    for (std::size_t i = n; i > 1; --i) std::swap(all[i - 1], all[rng.below(i)]);
    const std::size_t size = min_size + rng.below(n - min_size + 1);
    all.resize(size);
    return all;
}

/// A random non-redundant, satisfiable row of the given kind on variables 0..n-1.
row random_row(constraint_kind kind, std::size_t n, Rng& rng, slack_encoding enc = slack_encoding::logarithmic) {
    row r{kind, random_subset(n, 2, rng), {}, true, 1, enc};
    const std::size_t m = r.vars.size();
    r.coef.assign(m, 1);
    switch (kind) {
    case constraint_kind::one_hot: r.rhs = 1; break;
    case constraint_kind::exactly_k: r.rhs = static_cast<std::int64_t>(rng.below(m + 1)); break;
    case constraint_kind::at_most_k:
        r.equal = false;
        r.rhs = 1 + static_cast<std::int64_t>(rng.below(m - 1)); // 1..m-1: not redundant
        break;
    case constraint_kind::at_most_one:
        r.equal = false;
        r.rhs = 1;
        break;
    case constraint_kind::equality: {
        for (auto& a : r.coef) a = static_cast<std::int64_t>(rng.below(7)) - 3; // -3..3, zeros allowed
        r.coef[0] = 2;
        std::int64_t s = 0; // right-hand side of a random point: satisfiable
        for (std::size_t k = 0; k < m; ++k) s += r.coef[k] * static_cast<std::int64_t>(rng.below(2));
        r.rhs = s;
        break;
    }
    case constraint_kind::inequality: {
        r.equal = false;
        for (auto& a : r.coef) a = static_cast<std::int64_t>(rng.below(8)) - 2; // -2..5, zeros allowed
        r.coef[0] = 3;
        std::int64_t lo = 0, hi = 0; // range of the left side; hi >= 3 > 0 >= lo
        for (auto a : r.coef) (a < 0 ? lo : hi) += a;
        // rhs in lo..hi-1 (satisfiable, not redundant); unary slack kept to a range <= 4
        const std::int64_t cap = enc == slack_encoding::unary ? std::min<std::int64_t>(hi - 1, lo + 4) : hi - 1;
        r.rhs = lo + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(cap - lo + 1)));
        break;
    }
    }
    return r;
}

/// min over the slack bits of the penalized model's energy at original sample x.
double min_over_slack(const BinaryQuadraticModel& pm, const ConstrainedModel& cm, std::span<const std::int8_t> x) {
    const std::size_t n = cm.num_variables();
    const std::size_t s = cm.num_slack_variables();
    std::vector<std::int8_t> full(x.begin(), x.end());
    full.resize(n + s);
    double best = std::numeric_limits<double>::infinity();
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << s); ++bits) {
        for (std::size_t k = 0; k < s; ++k) full[n + k] = static_cast<std::int8_t>((bits >> k) & 1u);
        best = std::min(best, pm.energy(full));
    }
    return best;
}

const constraint_kind all_kinds[] = {constraint_kind::one_hot,   constraint_kind::exactly_k,
                                     constraint_kind::at_most_k, constraint_kind::at_most_one,
                                     constraint_kind::equality,  constraint_kind::inequality};

} // namespace

TEST_CASE("slack: the logarithmic and unary encodings cover exactly 0..R", "[qubo][slack]") {
    CHECK(slack_coefficients(5, slack_encoding::logarithmic) == std::vector<std::int64_t>{1, 2, 2});
    CHECK(slack_coefficients(7, slack_encoding::logarithmic) == std::vector<std::int64_t>{1, 2, 4});
    CHECK(slack_coefficients(8, slack_encoding::logarithmic) == std::vector<std::int64_t>{1, 2, 4, 1});
    CHECK(slack_coefficients(1, slack_encoding::logarithmic) == std::vector<std::int64_t>{1});
    CHECK(slack_coefficients(0, slack_encoding::logarithmic).empty());
    CHECK(slack_coefficients(3, slack_encoding::unary) == std::vector<std::int64_t>{1, 1, 1});
    for (slack_encoding e : {slack_encoding::logarithmic, slack_encoding::unary}) {
        for (std::int64_t range = 0; range <= (e == slack_encoding::unary ? 12 : 300); ++range) {
            const auto c = slack_coefficients(range, e);
            if (e == slack_encoding::logarithmic) {
                CHECK(c.size() == static_cast<std::size_t>(std::bit_width(static_cast<std::uint64_t>(range))));
            }
            std::vector<bool> reached(static_cast<std::size_t>(range) + 1, false);
            for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << c.size()); ++bits) {
                std::int64_t s = 0;
                for (std::size_t k = 0; k < c.size(); ++k) s += ((bits >> k) & 1u) ? c[k] : 0;
                REQUIRE(s >= 0);
                REQUIRE(s <= range); // nothing above R
                reached[static_cast<std::size_t>(s)] = true;
            }
            for (std::int64_t v = 0; v <= range; ++v) {
                CHECK(reached[static_cast<std::size_t>(v)]); // everything in 0..R
                CHECK(decode_slack(encode_slack(v, c), c) == v);
            }
            CHECK_THROWS_AS(encode_slack(range + 1, c), value_error);
        }
    }
    CHECK_THROWS_AS(slack_coefficients(-1, slack_encoding::logarithmic), value_error);
    CHECK_THROWS_AS(slack_coefficients(max_unary_slack + 1, slack_encoding::unary), value_error);
}

TEST_CASE("constraints: the penalty is 0 exactly on feasible samples and >= its weight elsewhere",
          "[qubo][constraints]") {
    Rng rng(31);
    for (constraint_kind kind : all_kinds) {
        for (slack_encoding enc : {slack_encoding::logarithmic, slack_encoding::unary}) {
            for (int rep = 0; rep < 4; ++rep) {
                const std::size_t n = 3 + rng.below(5); // 3..7
                const row r = random_row(kind, n, rng, enc);
                ConstrainedModel cm(BinaryQuadraticModel(vartype::binary, n)); // zero objective
                r.add_to(cm, "c");
                const auto w = cm.weights();
                REQUIRE(w.size() == 1);
                CHECK(w[0].value == 1.0); // bound 0 (zero objective) -> weight 1
                const auto pm = cm.penalty_model();
                REQUIRE(pm.num_variables() == n + cm.num_slack_variables());
                REQUIRE(cm.num_slack_variables() <= 8);
                INFO("kind " << constraint_kind_name(kind) << ", " << cm.constraint(0).describe(cm.objective()));
                for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
                    const auto x = sample_from_bits(vartype::binary, n, bits);
                    const double g = min_over_slack(pm, cm, x);
                    if (r.holds(x)) {
                        CHECK(g == 0.0);
                        CHECK(cm.check(x).feasible());
                    } else {
                        CHECK(g >= 1.0);
                        CHECK_FALSE(cm.check(x).feasible());
                    }
                    // complete_sample picks the slack bits that reach that minimum.
                    CHECK(pm.energy(cm.complete_sample(x)) == g);
                }
            }
        }
    }
}

namespace {

/// Brute force: (1) the constrained optimum of f over feasible x; (2) the smallest value of
/// F = objective + penalties over (x, slack) with x infeasible; (3) the argmin of F.
struct optimum_check {
    double constrained_opt = std::numeric_limits<double>::infinity();
    double best_infeasible = std::numeric_limits<double>::infinity();
    double best_penalized = std::numeric_limits<double>::infinity();
    std::vector<std::int8_t> argmin;
};

template <class Holds>
optimum_check check_optimum(const ConstrainedModel& cm, Holds&& holds) {
    const auto full = cm.to_model();
    const std::size_t n = cm.num_variables();
    optimum_check out;
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
        const auto x = sample_from_bits(vartype::binary, n, bits);
        const double g = min_over_slack(full, cm, x);
        if (holds(x)) {
            out.constrained_opt = std::min(out.constrained_opt, cm.objective().energy(x));
        } else {
            out.best_infeasible = std::min(out.best_infeasible, g);
        }
        if (g < out.best_penalized) {
            out.best_penalized = g;
            out.argmin = cm.complete_sample(x);
        }
    }
    return out;
}

} // namespace

TEST_CASE("constraints: with the default weight every minimizer of objective + penalty is a constrained optimum",
          "[qubo][constraints]") {
    Rng rng(4242);
    int binding = 0;       // instances whose unconstrained optimum is infeasible (the test has teeth)
    int weak_failures = 0; // instances where a weight 20x below the default lets an infeasible point win
    for (constraint_kind kind : all_kinds) {
        for (int rep = 0; rep < 6; ++rep) {
            const std::size_t n = 4 + rng.below(4); // 4..7
            const bool integral = rep % 2 == 0;
            ConstrainedModel cm(test::random_model(vartype::binary, n, 0.6, rng, integral));
            const row r = random_row(kind, n, rng, rep % 3 == 2 ? slack_encoding::unary : slack_encoding::logarithmic);
            r.add_to(cm, "only");
            const auto w = cm.weights();
            CHECK(w[0].bound == (cm.constraint(0).one_flip_repairable() ? penalty_bound::one_flip
                                                                        : penalty_bound::objective_range));
            CHECK(w[0].value > w[0].bound_value);
            const auto res = check_optimum(cm, [&](auto x) { return r.holds(x); });
            INFO("kind " << constraint_kind_name(kind) << " rep " << rep << ": " << cm.constraint(0).describe(cm.objective())
                         << ", weight " << w[0].value << " (" << penalty_bound_name(w[0].bound) << ")");
            REQUIRE(std::isfinite(res.constrained_opt));
            CHECK(res.best_penalized == Approx(res.constrained_opt).margin(1e-9));
            CHECK(res.best_infeasible > res.constrained_opt); // no infeasible minimizer, not even a tie
            CHECK(cm.check(res.argmin).feasible());

            const auto& f = cm.objective();
            const auto free_opt = test::brute_force_min(vartype::binary, n, [&](auto x) { return f.energy(x); });
            if (!r.holds(sample_from_bits(vartype::binary, n, free_opt.second))) {
                ++binding;
                ConstrainedModel weak(f);
                r.add_to(weak, "only", w[0].value / 20.0);
                const auto wres = check_optimum(weak, [&](auto x) { return r.holds(x); });
                if (wres.best_infeasible < wres.constrained_opt) ++weak_failures;
            }
        }
    }
    CHECK(binding >= 12);
    CHECK(weak_failures > 0);
}

TEST_CASE("constraints: several constraints, disjoint (one-flip bound) and overlapping (range bound)",
          "[qubo][constraints]") {
    Rng rng(8);
    for (int rep = 0; rep < 6; ++rep) {
        // 3 x 3 assignment: rows and columns one-hot. The groups overlap, so the default weights
        // must come from the objective-range bound.
        ConstrainedModel assign(test::random_model(vartype::binary, 9, 0.5, rng, rep % 2 == 0));
        std::vector<row> rows;
        for (var_t a = 0; a < 3; ++a) {
            rows.push_back({constraint_kind::one_hot, {3 * a, 3 * a + 1, 3 * a + 2}, {1, 1, 1}, true, 1});
            rows.push_back({constraint_kind::one_hot, {a, a + 3, a + 6}, {1, 1, 1}, true, 1});
        }
        for (std::size_t k = 0; k < rows.size(); ++k) rows[k].add_to(assign, std::string("g") + std::to_string(k));
        for (const auto& w : assign.weights()) CHECK(w.bound == penalty_bound::objective_range);
        auto holds_all = [&](auto x) {
            return std::all_of(rows.begin(), rows.end(), [&](const row& r) { return r.holds(x); });
        };
        const auto res = check_optimum(assign, holds_all);
        CHECK(res.best_penalized == Approx(res.constrained_opt).margin(1e-9));
        CHECK(res.best_infeasible > res.constrained_opt);

        // Disjoint groups: one-hot on {0,1,2}, at most 2 of {3,4,5} (slack), exactly 1 of {6,7}.
        ConstrainedModel disjoint(test::random_model(vartype::binary, 8, 0.6, rng, rep % 2 == 1));
        std::vector<row> drows{{constraint_kind::one_hot, {0, 1, 2}, {1, 1, 1}, true, 1},
                               {constraint_kind::at_most_k, {3, 4, 5}, {1, 1, 1}, false, 2},
                               {constraint_kind::exactly_k, {6, 7}, {1, 1}, true, 1}};
        for (std::size_t k = 0; k < drows.size(); ++k) drows[k].add_to(disjoint, std::string("d") + std::to_string(k));
        for (const auto& w : disjoint.weights()) CHECK(w.bound == penalty_bound::one_flip);
        auto holds_d = [&](auto x) {
            return std::all_of(drows.begin(), drows.end(), [&](const row& r) { return r.holds(x); });
        };
        const auto dres = check_optimum(disjoint, holds_d);
        CHECK(dres.best_penalized == Approx(dres.constrained_opt).margin(1e-9));
        CHECK(dres.best_infeasible > dres.constrained_opt);

        // An equality with mixed coefficient sizes is not one-flip repairable: range bound.
        ConstrainedModel mixed(test::random_model(vartype::binary, 5, 0.6, rng, true));
        const row eq{constraint_kind::equality, {0, 1, 2}, {2, 3, 1}, true, 3};
        eq.add_to(mixed, "eq");
        CHECK_FALSE(mixed.constraint(0).one_flip_repairable());
        CHECK(mixed.weights()[0].bound == penalty_bound::objective_range);
        const auto mres = check_optimum(mixed, [&](auto x) { return eq.holds(x); });
        CHECK(mres.best_infeasible > mres.constrained_opt);
    }
}

TEST_CASE("constraints: weights report their bound, user weights are kept", "[qubo][constraints]") {
    BinaryQuadraticModel f(vartype::binary, 4);
    f.add_linear(0, -3.0);
    f.add_quadratic(0, 1, 2.0);
    f.add_quadratic(2, 3, -1.0);
    ConstrainedModel cm(f);
    cm.add_one_hot("pick", {0, 1});
    cm.add_at_most_one("pair", {2, 3}, 10.0);
    const auto w = cm.weights();
    // one-flip bound over {0, 1}: max(|-3| + |2|, |2|) = 5, integer objective -> 6
    CHECK(w[0].bound == penalty_bound::one_flip);
    CHECK(w[0].bound_value == 5.0);
    CHECK(w[0].value == 6.0);
    CHECK_THAT(w[0].reason, Catch::Contains("one-flip"));
    CHECK(w[1].bound == penalty_bound::user);
    CHECK(w[1].value == 10.0);
    CHECK(objective_range_bound(f) == 6.0);
    CHECK(objective_range_weight(f).value == 7.0);
    auto g = f;
    g.add_linear(3, 0.5);                                               // no longer integral
    CHECK(objective_range_weight(g).value == 6.5 * (1.0 + 0x1.0p-20)); // relative margin
    CHECK(one_flip_weight(g, std::vector<var_t>{3}).value == 1.5 * (1.0 + 0x1.0p-20));
    CHECK(weight_above(0.0, true) == 1.0);
    CHECK_THROWS_AS(user_weight(0.0), value_error);
    CHECK_THROWS_AS(cm.add_one_hot("bad weight", {2, 3}, -1.0), value_error);

    // A redundant row adds nothing.
    const auto idx = cm.add_at_most_k("loose", {0, 1, 2}, 3);
    CHECK(cm.constraint(idx).redundant());
    CHECK(cm.weights()[idx].bound == penalty_bound::none);
    CHECK(cm.constraint(idx).num_slack() == 0);
}

TEST_CASE("constraints: slack variables are labelled and laid out after the originals", "[qubo][constraints]") {
    BinaryQuadraticModel f(vartype::binary);
    for (const char* name : {"m1", "m2", "m3", "m4"}) f.add_variable(name);
    ConstrainedModel cm(f);
    const auto cap = cm.add_inequality("capacity", {{0, 2.0}, {1, 3.0}, {2, 4.0}}, 5.0); // range 5: 1,2,2
    const auto few = cm.add_at_most_k("few", {0, 1, 2, 3}, 2, std::nullopt, slack_encoding::unary);
    CHECK(cm.num_slack_variables() == 3 + 2);
    CHECK(cm.constraint(cap).first_slack() == 4);
    CHECK(cm.constraint(few).first_slack() == 7);
    const auto coeffs = cm.constraint(cap).slack_coefficients();
    CHECK(std::vector<std::int64_t>(coeffs.begin(), coeffs.end()) == std::vector<std::int64_t>{1, 2, 2});
    const auto m = cm.to_model();
    REQUIRE(m.num_variables() == 9);
    CHECK(m.label(0) == "m1");
    CHECK(m.label(4) == "capacity.slack[0]");
    CHECK(m.label(6) == "capacity.slack[2]");
    CHECK(m.label(8) == "few.slack[1]");
    CHECK(cm.constraint(cap).describe(f) == "capacity: 2 m1 + 3 m2 + 4 m3 <= 5");
    CHECK(cm.penalty_model().label(7) == "few.slack[0]");

    // A person's pin on the penalized model: solutions of the reduced model map back, pins in place.
    const auto reduced = fix_variables(m, std::vector<pin>{{m.index_of("m3"), 1}});
    const auto full = reduced.expand(std::vector<std::int8_t>(reduced.model().num_variables(), 0));
    CHECK(full[2] == 1);
    CHECK(cm.check(full).violations.size() == 0); // 4 <= 5, at most 2: feasible
}

TEST_CASE("constraints: feasibility report names the violated constraints and the amounts", "[qubo][constraints]") {
    BinaryQuadraticModel f(vartype::binary);
    for (const char* name : {"a", "b", "c", "d"}) f.add_variable(name);
    ConstrainedModel cm(f);
    cm.add_one_hot("one coach", {0, 1});
    cm.add_inequality("hours", {{0, 3.0}, {2, 2.0}, {3, 2.0}}, 4.0);
    cm.add_at_most_one("no overlap", {1, 2, 3});
    cm.add_equality("balance", {{0, 1.0}, {3, -1.0}}, 0.0);

    const std::vector<std::int8_t> good{1, 0, 0, 1}; // one coach ok, hours 5 > 4!
    auto rep = cm.check(good);
    REQUIRE(rep.violations.size() == 1);
    CHECK(rep.violations[0].name == "hours");
    CHECK(rep.violations[0].amount == 1);
    CHECK(rep.violations[0].lhs == 5);

    const std::vector<std::int8_t> bad{1, 1, 1, 0};
    rep = cm.check(bad);
    REQUIRE(rep.violations.size() == 4);
    CHECK(rep.violations[0].name == "one coach");
    CHECK(rep.violations[0].amount == 1); // 2 = 1
    CHECK(rep.violations[1].name == "hours");
    CHECK(rep.violations[1].amount == 1); // 5 <= 4
    CHECK(rep.violations[2].name == "no overlap");
    CHECK(rep.violations[2].amount == 1); // 2 <= 1
    CHECK(rep.violations[3].name == "balance");
    CHECK(rep.violations[3].amount == 1); // 1 = 0
    CHECK(rep.total_violation() == 4);
    CHECK_THAT(rep.summary(), Catch::Contains("hours: 5 <= 4 violated by 1"));
    CHECK_THAT(rep.summary(), Catch::Contains("4 constraint(s) violated"));

    const std::vector<std::int8_t> ok{0, 1, 0, 0};
    CHECK(cm.check(ok).feasible());
    CHECK(cm.check(ok).summary() == "feasible");
    // A full sample (with slack) is accepted, the slack ignored.
    auto with_slack = cm.complete_sample(ok);
    CHECK(with_slack.size() == cm.num_total_variables());
    CHECK(cm.check(with_slack).feasible());
    CHECK_THROWS_AS(cm.check(std::vector<std::int8_t>{0, 1}), value_error);
    CHECK_THROWS_AS(cm.check(std::vector<std::int8_t>{0, 1, 2, 0}), value_error);
}

TEST_CASE("constraints: invalid rows are rejected with clear messages", "[qubo][constraints]") {
    BinaryQuadraticModel f(vartype::binary);
    for (const char* name : {"a", "b", "c"}) f.add_variable(name);
    ConstrainedModel cm(f);
    CHECK_THROWS_MATCHES(cm.add_inequality("frac", {{0, 1.5}, {1, 1.0}}, 2.0), value_error,
                         MessageContains("must be integers"));
    CHECK_THROWS_MATCHES(cm.add_equality("frac rhs", {{0, 1.0}}, 0.5), value_error, MessageContains("right-hand side"));
    CHECK_THROWS_MATCHES(cm.add_one_hot("dup", {0, 1, 0}), index_error, MessageContains("a appears twice"));
    CHECK_THROWS_MATCHES(cm.add_one_hot("range", {0, 7}), index_error, MessageContains("variable index 7"));
    CHECK_THROWS_MATCHES(cm.add_equality("parity", {{0, 2.0}, {1, 2.0}}, 3.0), value_error,
                         MessageContains("can never be satisfied"));
    CHECK_THROWS_MATCHES(cm.add_exactly_k("too many", {0, 1}, 3), value_error, MessageContains("can never be satisfied"));
    CHECK_THROWS_MATCHES(cm.add_inequality("negative", {{0, 1.0}}, -1.0), value_error,
                         MessageContains("can never be satisfied"));
    CHECK_THROWS_MATCHES(cm.add_inequality("huge", {{0, 1e9}}, 1.0), value_error, MessageContains("2^26"));
    CHECK_THROWS_AS(cm.add_one_hot("", {0, 1}), value_error);
    cm.add_one_hot("x", {0, 1});
    CHECK_THROWS_MATCHES(cm.add_one_hot("x", {1, 2}), value_error, MessageContains("already exists"));
    CHECK_THROWS_MATCHES(ConstrainedModel(BinaryQuadraticModel(vartype::spin, 2)), value_error,
                         MessageContains("to_binary"));
    CHECK(cm.find("x") != nullptr);
    CHECK(cm.find("nope") == nullptr);
    CHECK_THROWS_AS(cm.constraint(5), index_error);
}
