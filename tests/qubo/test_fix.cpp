#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "qcoach/qubo/fix.hpp"
#include "qcoach/qubo/model.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

TEST_CASE("fix: reduced energies equal full energies, minima agree with the pinned brute force", "[qubo][fix]") {
    Rng rng(99);
    for (vartype t : {vartype::binary, vartype::spin}) {
        for (int rep = 0; rep < 8; ++rep) {
            const std::size_t n = 2 + rng.below(9); // 2..10
            auto m = test::random_model(t, n, 0.6, rng, rep % 2 == 0);
            for (var_t i = 0; i < n; ++i)
                if (rng.below(2) == 0) m.set_label(i, std::string("v") + std::to_string(i));
            // Pin a random subset (at least one variable, at most n - 1).
            std::vector<pin> pins;
            for (var_t i = 0; i < n; ++i) {
                if (rng.below(3) == 0 && pins.size() + 1 < n) {
                    const auto b = static_cast<std::int8_t>(rng.below(2));
                    pins.push_back({i, t == vartype::binary ? b : static_cast<std::int8_t>(2 * b - 1)});
                }
            }
            if (pins.empty()) pins.push_back({0, t == vartype::binary ? std::int8_t{1} : std::int8_t{-1}});
            const ReducedModel r = fix_variables(m, pins);
            const auto& red = r.model();
            REQUIRE(red.num_variables() == n - pins.size());
            REQUIRE(red.type() == t);
            CHECK(r.num_original_variables() == n);

            // Labels follow the free variables; the maps are consistent.
            for (std::size_t k = 0; k < r.kept().size(); ++k) {
                const var_t orig = r.kept()[k];
                CHECK(red.label(static_cast<var_t>(k)) == m.label(orig));
                CHECK(r.reduced_index(orig) == std::optional<var_t>(static_cast<var_t>(k)));
                CHECK_FALSE(r.pinned_value(orig).has_value());
            }
            for (const pin& p : pins) {
                CHECK_FALSE(r.reduced_index(p.variable).has_value());
                CHECK(r.pinned_value(p.variable) == std::optional<std::int8_t>(p.value));
            }

            // Every reduced sample: same energy as its expansion, pins in place, restrict inverts.
            const std::size_t nr = red.num_variables();
            for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << nr); ++bits) {
                const auto y = sample_from_bits(t, nr, bits);
                const auto full = r.expand(y);
                for (const pin& p : pins) CHECK(full[p.variable] == p.value);
                CHECK(red.energy(y) == Approx(m.energy(full)).margin(test::energy_tolerance()));
                CHECK(r.restrict_sample(full) == y);
            }

            // min(reduced) == min over full samples that respect the pins.
            const double red_min = test::brute_force_min(t, nr, [&](auto y) { return red.energy(y); }).first;
            double full_min = std::numeric_limits<double>::infinity();
            for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
                const auto v = sample_from_bits(t, n, bits);
                bool ok = true;
                for (const pin& p : pins) ok = ok && v[p.variable] == p.value;
                if (ok) full_min = std::min(full_min, m.energy(v));
            }
            CHECK(red_min == Approx(full_min).margin(test::energy_tolerance()));
        }
    }
}

TEST_CASE("fix: pinning everything or nothing", "[qubo][fix]") {
    Rng rng(3);
    const auto m = test::random_model(vartype::binary, 5, 0.8, rng);
    const auto none = fix_variables(m, std::vector<pin>{});
    CHECK(none.model() == m);
    std::vector<pin> all;
    std::vector<std::int8_t> x{1, 0, 1, 1, 0};
    for (var_t i = 0; i < 5; ++i) all.push_back({i, x[i]});
    const auto r = fix_variables(m, all);
    CHECK(r.model().num_variables() == 0);
    CHECK(r.model().offset() == Approx(m.energy(x)).margin(1e-12));
    CHECK(r.expand(std::vector<std::int8_t>{}) == x);
}

TEST_CASE("fix: errors", "[qubo][fix]") {
    BinaryQuadraticModel m(vartype::binary);
    m.add_variable("coach_a");
    m.add_variable("coach_b");
    CHECK_THROWS_MATCHES(fix_variables(m, std::vector<pin>{{5, 1}}), index_error, MessageContains("pinned variable 5"));
    CHECK_THROWS_MATCHES(fix_variables(m, std::vector<pin>{{0, -1}}), value_error, MessageContains("coach_a is pinned to -1"));
    CHECK_THROWS_MATCHES(fix_variables(m, std::vector<pin>{{1, 1}, {1, 0}}), value_error,
                         MessageContains("coach_b is pinned to both 1 and 0"));
    CHECK_NOTHROW(fix_variables(m, std::vector<pin>{{1, 1}, {1, 1}})); // the same pin twice is harmless
    const auto r = fix_variables(m, std::vector<pin>{{0, 1}});
    CHECK_THROWS_MATCHES(r.restrict_sample(std::vector<std::int8_t>{0, 1}), value_error, MessageContains("pinned to 1"));
    CHECK_THROWS_AS(r.expand(std::vector<std::int8_t>{0, 1}), value_error);
    CHECK_THROWS_AS(r.reduced_index(2), index_error);
}

TEST_CASE("fix: one-hot groups after pins", "[qubo][fix]") {
    // 9 variables, three groups of three. Pins: 1 -> 0 (leaves group 0), 4 -> 1 (decides group 1),
    // 8 -> 0. Free variables 0 2 3 5 6 7 become 0 1 2 3 4 5.
    const std::vector<std::vector<var_t>> groups{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}};
    const std::vector<pin> pins{{1, 0}, {4, 1}, {8, 0}};
    const auto g = groups_after_pins(groups, pins, 9);
    CHECK(g == std::vector<std::vector<var_t>>{{0, 1}, {4, 5}});
    // The numbering is fix_variables' own.
    BinaryQuadraticModel m(vartype::binary, 9);
    const auto r = fix_variables(m, pins);
    CHECK(*r.reduced_index(2) == 1);
    CHECK(*r.reduced_index(7) == 5);
    // Every variable of a group pinned to 0: the group is gone.
    CHECK(groups_after_pins(groups, std::vector<pin>{{0, 0}, {1, 0}, {2, 0}}, 9).size() == 2);
    CHECK_THROWS_MATCHES(groups_after_pins(groups, std::vector<pin>{}, 8), index_error,
                         MessageContains("variable 8 of one-hot group 2"));
    CHECK_THROWS_MATCHES(groups_after_pins(groups, std::vector<pin>{{9, 1}}, 9), index_error, MessageContains("pinned variable 9"));
}
