#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/solvers/exact.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

/// Every state of a raw model with its energy, evaluated from the term list and sorted by
/// (energy, sample): the independent reference the solver is checked against.
struct state_energy {
    std::vector<std::int8_t> sample;
    double energy;
};

std::vector<state_energy> all_states(const test::raw_model& r) {
    std::vector<state_energy> out;
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << r.n); ++bits) {
        auto s = sample_from_bits(r.type, r.n, bits);
        const double e = r.energy(s);
        out.push_back({std::move(s), e});
    }
    std::sort(out.begin(), out.end(), [](const state_energy& a, const state_energy& b) {
        return a.energy != b.energy ? a.energy < b.energy : a.sample < b.sample;
    });
    return out;
}

/// Ground states of the reference within `tol` of its minimum.
std::vector<std::vector<std::int8_t>> reference_ground(const std::vector<state_energy>& all, double tol) {
    std::vector<std::vector<std::int8_t>> g;
    for (const auto& s : all)
        if (s.energy <= all.front().energy + tol) g.push_back(s.sample);
    std::sort(g.begin(), g.end());
    return g;
}

const exact_kernel all_kernels[] = {exact_kernel::simd_float, exact_kernel::simd_double, exact_kernel::scalar};

} // namespace

TEST_CASE("exact: ground energy and ground states equal brute force on random models", "[qubo][exact]") {
    Rng rng(2024);
    int cases = 0;
    for (const vartype t : {vartype::binary, vartype::spin}) {
        for (const bool integral : {true, false}) {
            for (std::size_t n : {1u, 2u, 3u, 6u, 9u, 13u}) {
                const auto raw = test::random_raw_model(t, n, 0.5, rng, integral);
                const auto model = raw.build();
                // Two passes over all states: the minimum, then every state within the
                // tolerance of it (integer models: exact ties; real models: none expected).
                std::vector<double> energies(std::size_t{1} << n);
                for (std::uint64_t bits = 0; bits < energies.size(); ++bits) energies[bits] = raw.energy(sample_from_bits(t, n, bits));
                const double minimum = *std::min_element(energies.begin(), energies.end());
                std::vector<std::vector<std::int8_t>> ground;
                for (std::uint64_t bits = 0; bits < energies.size(); ++bits)
                    if (energies[bits] <= minimum + (integral ? 0.0 : 1e-9)) ground.push_back(sample_from_bits(t, n, bits));
                std::sort(ground.begin(), ground.end());
                // low_bits 7: up to 6 Gray-coded high bits in 8 blocks even at n = 13.
                for (const std::size_t low_bits : {std::size_t{0}, std::size_t{7}})
                for (const exact_kernel k : all_kernels) {
                    exact_options o;
                    o.kernel = k;
                    o.low_bits = low_bits;
                    const auto sol = ExactSolver(o).enumerate(model);
                    INFO("vartype " << vartype_name(t) << ", n = " << n << ", integral " << integral << ", kernel "
                                    << static_cast<int>(k) << ", low bits " << low_bits);
                    REQUIRE(sol.complete);
                    CHECK(sol.ground_energy == Approx(minimum).margin(1e-9));
                    auto got = sol.ground_states;
                    std::sort(got.begin(), got.end());
                    CHECK(got == ground);
                    CHECK_FALSE(sol.ground_states_truncated);
                    CHECK(sol.result.best_energy == Approx(minimum).margin(1e-9));
                    CHECK(model.energy(sol.result.best_sample) == Approx(minimum).margin(1e-9));
                    CHECK(sol.result.work == (std::uint64_t{1} << n));
                    CHECK(sol.result.work_unit == "states");
                    ++cases;
                }
            }
        }
    }
    CHECK(cases == 2 * 2 * 6 * 2 * 3);
}

TEST_CASE("exact: the lowest samples are the first entries of the sorted state list", "[qubo][exact]") {
    Rng rng(7);
    for (const vartype t : {vartype::binary, vartype::spin}) {
        const auto raw = test::random_raw_model(t, 11, 0.6, rng, false);
        const auto ref = all_states(raw);
        for (const exact_kernel k : all_kernels) {
            exact_options o;
            o.kernel = k;
            o.num_lowest = 25;
            o.max_ground_states = 1;
            o.low_bits = 7;
            const auto sol = ExactSolver(o).enumerate(raw.build());
            const auto& entries = sol.result.samples.entries();
            REQUIRE(entries.size() == 25);
            for (std::size_t i = 0; i < entries.size(); ++i) {
                CHECK(entries[i].sample == ref[i].sample);
                CHECK(entries[i].energy == Approx(ref[i].energy).margin(1e-9));
                CHECK(entries[i].count == 1);
            }
        }
    }
}

TEST_CASE("exact: heavily tied lowest samples come out in sample order", "[qubo][exact]") {
    // A +-1 spin glass: every energy level is shared by many states, so the kept list is cut
    // inside a tie and the filter must let equal energies through to compare their samples.
    Rng rng(41);
    test::raw_model raw;
    raw.type = vartype::spin;
    raw.n = 14;
    raw.linear.assign(raw.n, 0.0);
    for (var_t i = 0; i < raw.n; ++i)
        for (var_t j = i + 1; j < raw.n; ++j)
            if (rng.uniform() < 0.4) raw.terms.push_back({i, j, rng.below(2) ? 1.0 : -1.0});
    const auto ref = all_states(raw);
    for (const std::size_t keep : {5u, 40u, 300u}) {
        REQUIRE(ref[keep - 1].energy == ref[keep].energy); // the cut falls inside a tie
        for (const exact_kernel k : all_kernels) {
            exact_options o;
            o.kernel = k;
            o.num_lowest = keep;
            o.max_ground_states = 1;
            o.low_bits = 7;
            const auto sol = ExactSolver(o).enumerate(raw.build());
            const auto& entries = sol.result.samples.entries();
            REQUIRE(entries.size() == keep);
            for (std::size_t i = 0; i < keep; ++i) CHECK(entries[i].sample == ref[i].sample);
        }
    }
}

TEMPLATE_TEST_CASE("exact: the kernel's estimates stay within the filter margin of the exact energies",
                   "[qubo][exact]", float, double) {
    // White-box check of the filter: for every Gray step of a model with a wide range of real
    // coefficients, the vector kernel's estimate of each state (built from the kernel's own
    // subset sums, in the kernel's order) is within exact_margin of the exact energy, the row
    // minima are the minima of those estimates, and the scan returns exactly the states at or
    // below its limit.
    using Real = TestType;
    constexpr std::size_t V = qubo::detail::exact_lanes<Real>;
    constexpr unsigned lane_bits = qubo::detail::exact_lane_bits<Real>;
    Rng rng(61);
    for (const vartype t : {vartype::binary, vartype::spin}) {
        BinaryQuadraticModel m(t, 13);
        for (var_t i = 0; i < 13; ++i) {
            m.set_linear(i, 2000.0 * rng.uniform() - 1000.0);
            for (var_t j = i + 1; j < 13; ++j) m.set_quadratic(i, j, 2000.0 * rng.uniform() - 1000.0);
        }
        const exact_kernel kernel = std::is_same_v<Real, float> ? exact_kernel::simd_float : exact_kernel::simd_double;
        const auto p = qubo::detail::exact_prepare(m, kernel, 8);
        REQUIRE(p.L == 8);
        const Real* tt = std::is_same_v<Real, float> ? reinterpret_cast<const Real*>(p.ttf.data())
                                                     : reinterpret_cast<const Real*>(p.ttd.data());
        REQUIRE(tt != nullptr);
        const double margin = qubo::detail::exact_margin<Real>(p);
        const std::size_t nb = std::size_t{1} << p.B;
        qubo::detail::exact_walker w(p);
        double worst = 0.0;
        for (std::uint64_t s = 0; s < (std::uint64_t{1} << p.H); ++s) {
            if (s == 0) w.reset(0);
            alignas(64) Real gf[64], ga[8], gl[64], rows[8];
            aligned_vector<Real> gh(nb >> lane_bits);
            for (std::size_t i = 0; i < p.L; ++i) gf[i] = static_cast<Real>(w.g[i]);
            qubo::detail::exact_subset_sums<Real>(gf, 3, ga);
            qubo::detail::exact_subset_sums<Real>(gf + 3, lane_bits, gl);
            qubo::detail::exact_subset_sums<Real>(gf + 3 + lane_bits, static_cast<unsigned>(p.B) - lane_bits, gh.data());
            qubo::detail::exact_row_minima<Real>(tt, gl, gh.data(), nb, rows);
            std::vector<Real> est(std::size_t{1} << p.L);
            for (std::size_t a = 0; a < 8; ++a) {
                Real row_min = std::numeric_limits<Real>::infinity();
                for (std::size_t b = 0; b < nb; ++b) {
                    const Real e = tt[a * nb + b] + (gl[b % V] + gh[b / V]);
                    row_min = std::min(row_min, e);
                    const std::uint64_t low = a | (b << 3);
                    est[low] = e + ga[a];
                    const double exact = w.energy(low);
                    worst = std::max(worst, std::abs(static_cast<double>(e) + static_cast<double>(ga[a]) + w.C - exact));
                }
                CHECK(rows[a] == row_min);
            }
            // The scan at a limit through the middle of the estimates.
            std::vector<Real> sorted = est;
            std::sort(sorted.begin(), sorted.end());
            const Real limit = sorted[sorted.size() / 3];
            std::vector<std::uint64_t> got, want;
            qubo::detail::exact_scan<Real>(tt, gl, gh.data(), nb, ga, limit, [&](std::uint64_t low) { got.push_back(low); });
            for (std::size_t a = 0; a < 8; ++a)
                for (std::size_t b = 0; b < nb; ++b)
                    if (tt[a * nb + b] + (gl[b % V] + gh[b / V]) <= limit - ga[a]) want.push_back(a | (b << 3));
            CHECK(got == want);
            if (s + 1 < (std::uint64_t{1} << p.H)) w.flip(static_cast<std::size_t>(std::countr_zero(s + 1)));
        }
        CHECK(worst <= margin);
        CHECK(worst > 0.0); // the check is not vacuous: rounding does happen
    }
}

TEST_CASE("exact: all degenerate ground states are found and the cap is respected", "[qubo][exact]") {
    SECTION("a frustrated +-1 spin glass without fields: every ground state comes with its mirror") {
        Rng rng(11);
        test::raw_model raw;
        raw.type = vartype::spin;
        raw.n = 14;
        raw.linear.assign(raw.n, 0.0);
        for (var_t i = 0; i < raw.n; ++i)
            for (var_t j = i + 1; j < raw.n; ++j)
                if (rng.uniform() < 0.3) raw.terms.push_back({i, j, rng.below(2) ? 1.0 : -1.0});
        const auto ref = all_states(raw);
        const auto ground = reference_ground(ref, 0.0);
        REQUIRE(ground.size() >= 2);
        REQUIRE(ground.size() % 2 == 0);
        for (const exact_kernel k : all_kernels) {
            exact_options o;
            o.kernel = k;
            o.max_ground_states = 1000;
            o.low_bits = 8;
            const auto sol = ExactSolver(o).enumerate(raw.build());
            auto got = sol.ground_states;
            std::sort(got.begin(), got.end());
            CHECK(got == ground);
            CHECK_FALSE(sol.ground_states_truncated);
        }
    }
    SECTION("a model without coefficients: every state is a ground state") {
        const BinaryQuadraticModel zero(vartype::binary, 9);
        exact_options o;
        o.max_ground_states = 600;
        auto sol = ExactSolver(o).enumerate(zero);
        CHECK(sol.ground_states.size() == 512);
        CHECK_FALSE(sol.ground_states_truncated);
        CHECK(sol.ground_energy == 0.0);

        o.max_ground_states = 10;
        o.num_lowest = 3;
        sol = ExactSolver(o).enumerate(zero);
        REQUIRE(sol.ground_states.size() == 10);
        CHECK(sol.ground_states_truncated);
        // The first 10 in sample order: variable 0 most significant.
        for (std::uint64_t k = 0; k < 10; ++k) {
            std::vector<std::int8_t> expect(9);
            for (std::size_t i = 0; i < 9; ++i) expect[i] = static_cast<std::int8_t>((k >> (8 - i)) & 1u);
            CHECK(sol.ground_states[k] == expect);
        }
        CHECK(sol.result.samples.size() == 10);
    }
    SECTION("cap 1 with many ties keeps the first tie in sample order") {
        BinaryQuadraticModel m(vartype::spin, 6);
        for (var_t i = 0; i + 1 < 6; ++i) m.add_quadratic(i, i + 1, 1.0); // antiferromagnetic chain: 2 ground states
        exact_options o;
        o.max_ground_states = 1;
        o.num_lowest = 0;
        const auto sol = ExactSolver(o).enumerate(m);
        REQUIRE(sol.ground_states.size() == 1);
        CHECK(sol.ground_states_truncated);
        CHECK(sol.ground_states[0] == std::vector<std::int8_t>{-1, 1, -1, 1, -1, 1});
        CHECK(sol.ground_energy == -5.0);
    }
}

TEST_CASE("exact: the same result for 1 and 2 threads and for every kernel", "[qubo][exact]") {
    Rng rng(99);
    // n = 17 with 7 low bits: 10 Gray-coded high bits in 32 blocks, so both threads get work.
    const auto model = test::random_model(vartype::spin, 17, 0.3, rng, true);
    solver_options one, two;
    one.threads = 1;
    two.threads = 2;
    exact_options o;
    o.low_bits = 7;
    o.num_lowest = 40;
    o.max_ground_states = 8;
    const auto a = ExactSolver(o).enumerate(model, one);
    const auto b = ExactSolver(o).enumerate(model, two);
    REQUIRE(a.result.samples.size() == b.result.samples.size());
    for (std::size_t i = 0; i < a.result.samples.size(); ++i) {
        CHECK(a.result.samples.entries()[i].sample == b.result.samples.entries()[i].sample);
        CHECK(a.result.samples.entries()[i].energy == b.result.samples.entries()[i].energy);
    }
    CHECK(a.ground_states == b.ground_states);
    for (const exact_kernel k : {exact_kernel::simd_double, exact_kernel::scalar}) {
        exact_options ok = o;
        ok.kernel = k;
        const auto c = ExactSolver(ok).enumerate(model, two);
        CHECK(c.ground_states == a.ground_states);
        REQUIRE(c.result.samples.size() == a.result.samples.size());
        for (std::size_t i = 0; i < a.result.samples.size(); ++i)
            CHECK(c.result.samples.entries()[i].sample == a.result.samples.entries()[i].sample);
    }
    // The brute-force minimum, from an independent loop over the model's own energy.
    const auto [best, arg] = test::brute_force_min(vartype::spin, 17, [&](std::span<const std::int8_t> s) {
        return model.energy_unchecked(s);
    });
    CHECK(a.ground_energy == best);
    CHECK(std::find(a.ground_states.begin(), a.ground_states.end(), sample_from_bits(vartype::spin, 17, arg)) !=
          a.ground_states.end());
}

TEST_CASE("exact: best feasible energy of a constrained model equals brute force over the feasible set",
          "[qubo][exact][constraints]") {
    Rng rng(5);
    for (int trial = 0; trial < 3; ++trial) {
        // 8 decisions: two one-hot groups of 3 and a capacity row with slack bits.
        BinaryQuadraticModel objective(vartype::binary, 8);
        for (var_t i = 0; i < 8; ++i) {
            objective.add_linear(i, test::random_coefficient(rng, true));
            for (var_t j = i + 1; j < 8; ++j)
                if (rng.uniform() < 0.4) objective.add_quadratic(i, j, test::random_coefficient(rng, true));
        }
        ConstrainedModel cm(objective);
        cm.add_one_hot("group a", {0, 1, 2});
        cm.add_one_hot("group b", {3, 4, 5});
        cm.add_at_most_k("cap", {2, 5, 6, 7}, 2);
        const auto penalized = cm.to_model();
        REQUIRE(penalized.num_variables() <= 14);

        double best_feasible = std::numeric_limits<double>::infinity();
        for (std::uint64_t bits = 0; bits < 256; ++bits) {
            const auto x = sample_from_bits(vartype::binary, 8, bits);
            if (cm.check(x).feasible()) best_feasible = std::min(best_feasible, objective.energy(x));
        }
        const auto sol = ExactSolver().enumerate(penalized);
        CHECK(sol.ground_energy == Approx(best_feasible).margin(1e-9));
        for (const auto& g : sol.ground_states) {
            CHECK(cm.check(cm.original(g)).feasible());
            CHECK(objective.energy(cm.original(g)) == Approx(best_feasible).margin(1e-9));
        }
    }
}

TEST_CASE("exact: refuses models above the variable limit", "[qubo][exact][errors]") {
    const BinaryQuadraticModel big(vartype::binary, exact_default_max_variables + 1);
    CHECK_THROWS_AS(ExactSolver().solve(big, {}), value_error);
    CHECK_THROWS_WITH(ExactSolver().solve(big, {}),
                      Catch::Contains("41 variables") && Catch::Contains("limited to 40"));
    exact_options o;
    o.max_variables = 8;
    const BinaryQuadraticModel nine(vartype::spin, 9);
    CHECK_THROWS_MATCHES(ExactSolver(o).solve(nine, {}), value_error, MessageContains("limited to 8"));
    o.max_variables = exact_hard_max_variables + 1;
    CHECK_THROWS_MATCHES(ExactSolver{o}, value_error, MessageContains("at most 62"));
}

TEST_CASE("exact: bad options get clear errors", "[qubo][exact][errors]") {
    exact_options o;
    o.max_ground_states = 0;
    CHECK_THROWS_MATCHES(ExactSolver{o}, value_error, MessageContains("max_ground_states"));
    o = {};
    o.tolerance = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_MATCHES(ExactSolver{o}, value_error, MessageContains("tolerance"));
    o = {};
    o.low_bits = 21;
    CHECK_THROWS_MATCHES(ExactSolver{o}, value_error, MessageContains("low_bits"));
    const BinaryQuadraticModel m(vartype::binary, 3);
    solver_options bad;
    bad.time_limit_s = -1.0;
    CHECK_THROWS_MATCHES(ExactSolver().solve(m, bad), value_error, MessageContains("time limit"));
    bad = {};
    bad.threads = -2;
    CHECK_THROWS_MATCHES(ExactSolver().solve(m, bad), value_error, MessageContains("thread count"));
}

TEST_CASE("exact: the empty model has one state, the empty sample at the offset", "[qubo][exact]") {
    BinaryQuadraticModel m(vartype::spin, 0);
    m.set_offset(2.5);
    for (const exact_kernel k : all_kernels) {
        exact_options o;
        o.kernel = k;
        const auto sol = ExactSolver(o).enumerate(m);
        CHECK(sol.complete);
        CHECK(sol.ground_energy == 2.5);
        REQUIRE(sol.ground_states.size() == 1);
        CHECK(sol.ground_states[0].empty());
        REQUIRE(sol.result.samples.size() == 1);
        CHECK(sol.result.samples.best().energy == 2.5);
        CHECK(sol.result.best_energy == 2.5);
        CHECK(sol.result.best_sample.empty());
        CHECK(sol.result.work == 1);
    }
}

TEST_CASE("exact: a target energy stops the enumeration early", "[qubo][exact]") {
    Rng rng(3);
    const auto model = test::random_model(vartype::binary, 20, 0.5, rng, true);
    const auto full = ExactSolver().enumerate(model);
    solver_options o;
    o.threads = 1;
    o.target_energy = full.ground_energy + 1000.0; // reached by the first block already
    const auto sol = ExactSolver().enumerate(model, o);
    CHECK(sol.result.reached_target);
    CHECK(sol.result.stopped_early);
    CHECK_FALSE(sol.complete);
    CHECK(sol.result.best_energy <= *o.target_energy);
    CHECK(sol.result.work < full.result.work);
}

TEST_CASE("exact: coefficients beyond float's range are handled", "[qubo][exact]") {
    Rng rng(13);
    auto raw = test::random_raw_model(vartype::spin, 12, 0.5, rng, true);
    for (auto& h : raw.linear) h *= 1e36;
    for (auto& t : raw.terms) t.bias *= 1e36;
    const auto [best, arg] = test::brute_force_min(vartype::spin, 12, [&](std::span<const std::int8_t> s) { return raw.energy(s); });
    exact_options o;
    o.low_bits = 7;
    const auto sol = ExactSolver(o).enumerate(raw.build());
    CHECK(sol.ground_energy == Approx(best).epsilon(1e-12));
    CHECK(std::isfinite(sol.ground_energy));
}

TEST_CASE("exact: the sample key orders states like samples", "[qubo][exact]") {
    for (std::size_t n : {1u, 5u, 13u}) {
        for (std::uint64_t a = 0; a < (std::uint64_t{1} << std::min<std::size_t>(n, 6)); ++a) {
            for (std::uint64_t b = 0; b < (std::uint64_t{1} << std::min<std::size_t>(n, 6)); ++b) {
                const bool by_key = qubo::detail::exact_sample_key(a, n) < qubo::detail::exact_sample_key(b, n);
                const bool by_sample = sample_from_bits(vartype::spin, n, a) < sample_from_bits(vartype::spin, n, b);
                CHECK(by_key == by_sample);
            }
        }
    }
}
