#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/solvers/anneal.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

void check_same_samples(const SampleSet& a, const SampleSet& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a.entries()[i].sample == b.entries()[i].sample);
        CHECK(a.entries()[i].energy == b.entries()[i].energy);
        CHECK(a.entries()[i].count == b.entries()[i].count);
    }
}

/// xoshiro128++ (Blackman & Vigna), scalar: the reference for one lane of the kernel's generator.
struct xoshiro128pp {
    std::uint32_t s[4];
    static std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
    std::uint32_t next() {
        const std::uint32_t result = rotl(s[0] + s[3], 7) + s[0];
        const std::uint32_t t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 11);
        return result;
    }
};

} // namespace

TEST_CASE("anneal: finds the brute-force minimum of small random models", "[qubo][anneal]") {
    Rng rng(404);
    int cases = 0;
    for (const vartype t : {vartype::binary, vartype::spin}) {
        for (const bool integral : {true, false}) {
            for (std::size_t n : {1u, 3u, 8u, 11u, 14u}) {
                const auto raw = test::random_raw_model(t, n, 0.5, rng, integral);
                const auto model = raw.build();
                const auto [best, arg] =
                    test::brute_force_min(t, n, [&](std::span<const std::int8_t> s) { return raw.energy(s); });
                for (const bool dbl : {false, true}) {
                    anneal_options ao;
                    ao.double_precision = dbl;
                    solver_options o;
                    o.seed = 1000 + n;
                    const auto r = SimulatedAnnealingSolver(ao).solve(model, o);
                    INFO("vartype " << vartype_name(t) << ", n = " << n << ", integral " << integral << ", double " << dbl);
                    CHECK(r.best_energy == Approx(best).margin(1e-9));
                    CHECK(raw.energy(r.best_sample) == Approx(r.best_energy).margin(1e-9));
                    CHECK(r.samples.total_count() == SimulatedAnnealingSolver::default_reads);
                    CHECK(r.work == SimulatedAnnealingSolver::default_reads * SimulatedAnnealingSolver::default_sweeps * n);
                    for (const auto& e : r.samples.entries()) CHECK(e.energy == Approx(raw.energy(e.sample)).margin(1e-9));
                    ++cases;
                }
            }
        }
    }
    CHECK(cases == 40);
}

TEST_CASE("anneal: the same samples for any thread count, and a read does not depend on the others",
          "[qubo][anneal]") {
    Rng rng(12);
    const auto model = test::random_model(vartype::spin, 60, 0.1, rng, false);
    solver_options a;
    a.seed = 5;
    a.reads = 19; // two full groups of 8 lanes and a partial one
    a.sweeps = 200;
    a.threads = 1;
    solver_options b = a;
    b.threads = 2;
    const auto ra = SimulatedAnnealingSolver().solve(model, a);
    const auto rb = SimulatedAnnealingSolver().solve(model, b);
    check_same_samples(ra.samples, rb.samples);
    CHECK(ra.best_sample == rb.best_sample);
    CHECK(ra.work == 19u * 200u * 60u);

    // Reads 0..2 alone (one partial group) return what they returned inside 19 reads.
    solver_options c = a;
    c.reads = 3;
    const auto rc = SimulatedAnnealingSolver().solve(model, c);
    std::map<std::vector<std::int8_t>, std::size_t> big;
    for (const auto& e : ra.samples.entries()) big[e.sample] = e.count;
    for (const auto& e : rc.samples.entries()) {
        REQUIRE(big.count(e.sample) == 1);
        CHECK(e.count <= big[e.sample]);
    }
}

TEST_CASE("anneal: constant-beta sampling follows the Boltzmann distribution", "[qubo][anneal]") {
    // One spin, E = h s: P(+1) / P(-1) = exp(-2 beta h). Two coupled spins add a check of the
    // field updates: E = J s0 s1 + h0 s0.
    SECTION("one spin") {
        BinaryQuadraticModel m(vartype::spin, 1);
        m.set_linear(0, 0.5);
        anneal_options ao;
        ao.schedule.assign(25, 1.0);
        solver_options o;
        o.reads = 4000;
        o.seed = 3;
        const auto r = SimulatedAnnealingSolver(ao).solve(m, o);
        std::size_t up = 0;
        for (const auto& e : r.samples.entries())
            if (e.sample[0] == 1) up += e.count;
        const double p = 1.0 / (1.0 + std::exp(1.0)); // 2 beta h = 1
        const double sd = std::sqrt(p * (1 - p) / 4000.0);
        CHECK(std::abs(static_cast<double>(up) / 4000.0 - p) < 4 * sd);
    }
    SECTION("two spins") {
        BinaryQuadraticModel m(vartype::spin, 2);
        m.set_quadratic(0, 1, -0.4);
        m.set_linear(0, 0.3);
        const double beta = 1.3;
        anneal_options ao;
        ao.schedule.assign(40, beta);
        solver_options o;
        o.reads = 4000;
        o.seed = 9;
        const auto r = SimulatedAnnealingSolver(ao).solve(m, o);
        double z = 0.0;
        std::map<std::vector<std::int8_t>, double> weight;
        for (std::uint64_t bits = 0; bits < 4; ++bits) {
            const auto s = sample_from_bits(vartype::spin, 2, bits);
            weight[s] = std::exp(-beta * m.energy(s));
            z += weight[s];
        }
        for (const auto& [s, w] : weight) {
            std::size_t count = 0;
            for (const auto& e : r.samples.entries())
                if (e.sample == s) count = e.count;
            const double p = w / z;
            const double sd = std::sqrt(p * (1 - p) / 4000.0);
            CHECK(std::abs(static_cast<double>(count) / 4000.0 - p) < 4 * sd);
        }
    }
}

TEST_CASE("anneal: the lane generator and the -ln(u) thresholds", "[qubo][anneal]") {
    Rng seed_rng(77);
    qubo::detail::anneal_lane_rng lanes;
    xoshiro128pp ref[qubo::detail::anneal_lanes];
    for (std::size_t l = 0; l < qubo::detail::anneal_lanes; ++l) {
        Rng copy = seed_rng;
        lanes.seed(l, seed_rng);
        const std::uint64_t a = copy();
        const std::uint64_t b = copy();
        ref[l] = {{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32), static_cast<std::uint32_t>(b),
                   static_cast<std::uint32_t>(b >> 32)}};
    }
    double worst = 0.0;
    for (int step = 0; step < 20000; ++step) {
        qubo::detail::anneal_f32v nl;
        qubo::detail::anneal_neg_log_uniform(lanes, nl);
        for (std::size_t l = 0; l < qubo::detail::anneal_lanes; ++l) {
            const std::uint32_t r = ref[l].next();
            // The kernel's u: (r >> 1) rounded to float, times 2^-31, plus 2^-32.
            const float u = static_cast<float>(static_cast<std::int32_t>(r >> 1)) * 0x1p-31f + 0x1p-32f;
            const double exact = -std::log(static_cast<double>(u));
            REQUIRE(nl[l] >= 0.0f);
            worst = std::max(worst, std::abs(nl[l] - exact) / std::max(1.0, exact));
        }
    }
    CHECK(worst < 1e-6);
    // The smallest u gives the largest threshold: 32 ln 2, the documented cutoff.
    CHECK(-std::log(0x1p-32) == Approx(qubo::detail::anneal_max_threshold).epsilon(1e-12));
}

TEST_CASE("anneal: default schedule formulas", "[qubo][anneal]") {
    BinaryQuadraticModel b(vartype::binary, 3);
    b.set_linear(0, 1.0);
    b.set_linear(1, -3.0);
    b.set_quadratic(0, 1, 2.0);
    b.set_quadratic(1, 2, 0.5);
    // max_delta = max(1 + 2, 3 + 2 + 0.5, 0.5) = 5.5; smallest coefficient 0.5.
    auto range = default_beta_range(b);
    CHECK(range.hot == Approx(std::log(2.0) / 5.5));
    CHECK(range.cold == Approx(std::log(100.0) / 0.5));
    // Spins move by 2: both changes double.
    BinaryQuadraticModel s(vartype::spin, 2);
    s.set_linear(0, 1.0);
    s.set_quadratic(0, 1, -0.25);
    range = default_beta_range(s);
    CHECK(range.hot == Approx(std::log(2.0) / 2.5));
    CHECK(range.cold == Approx(std::log(100.0) / 0.5));
    // Nothing to anneal.
    range = default_beta_range(BinaryQuadraticModel(vartype::spin, 4));
    CHECK(range.hot == 1.0);
    CHECK(range.cold == 1.0);

    const auto betas = geometric_beta_schedule(0.1, 10.0, 5);
    REQUIRE(betas.size() == 5);
    CHECK(betas.front() == Approx(0.1));
    CHECK(betas.back() == Approx(10.0));
    for (std::size_t t = 1; t < 5; ++t) CHECK(betas[t] / betas[t - 1] == Approx(std::sqrt(10.0)));
    CHECK(geometric_beta_schedule(0.1, 10.0, 1) == std::vector<double>{10.0});

    const SimulatedAnnealingSolver sa;
    const auto sched = sa.schedule_for(b);
    CHECK(sched.size() == SimulatedAnnealingSolver::default_sweeps);
    CHECK(sched.front() == Approx(std::log(2.0) / 5.5));
    CHECK(sched.back() == Approx(std::log(100.0) / 0.5));
    anneal_options ao;
    ao.beta_hot = 0.5;
    CHECK(SimulatedAnnealingSolver(ao).schedule_for(b, 10).front() == 0.5);
}

TEST_CASE("anneal: bad options get clear errors", "[qubo][anneal][errors]") {
    anneal_options ao;
    ao.beta_hot = -1.0;
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver{ao}, value_error, MessageContains("inverse temperature"));
    ao = {};
    ao.beta_cold = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(SimulatedAnnealingSolver{ao}, value_error);
    ao = {};
    ao.beta_hot = 2.0;
    ao.beta_cold = 1.0;
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver{ao}, value_error, MessageContains("below beta_hot"));
    ao = {};
    ao.schedule = {0.1, -0.2};
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver{ao}, value_error, MessageContains("schedule entry 1"));
    CHECK_THROWS_MATCHES(geometric_beta_schedule(0.0, 1.0, 3), value_error, MessageContains("beta_hot"));

    const BinaryQuadraticModel m(vartype::spin, 3);
    ao = {};
    ao.schedule = {0.1, 0.2, 0.3};
    solver_options o;
    o.sweeps = 5;
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver(ao).solve(m, o), value_error, MessageContains("explicit schedule has 3"));
    o = {};
    o.time_limit_s = -1.0;
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver().solve(m, o), value_error, MessageContains("time limit"));
    o = {};
    o.threads = -3;
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver().solve(m, o), value_error, MessageContains("thread count"));
    o = {};
    o.target_energy = std::numeric_limits<double>::infinity();
    CHECK_THROWS_MATCHES(SimulatedAnnealingSolver().solve(m, o), value_error, MessageContains("target energy"));
}

TEST_CASE("anneal: empty model, target energy, polish", "[qubo][anneal]") {
    BinaryQuadraticModel empty(vartype::spin, 0);
    empty.set_offset(4.0);
    solver_options o;
    o.reads = 3;
    auto r = SimulatedAnnealingSolver().solve(empty, o);
    REQUIRE(r.samples.size() == 1);
    CHECK(r.samples.best().count == 3);
    CHECK(r.best_energy == 4.0);

    Rng rng(21);
    const auto raw = test::random_raw_model(vartype::binary, 14, 0.5, rng, true);
    const auto model = raw.build();
    const auto [best, arg] = test::brute_force_min(vartype::binary, 14, [&](std::span<const std::int8_t> s) { return raw.energy(s); });
    o = {};
    o.reads = 64;
    o.threads = 1;
    o.target_energy = best;
    r = SimulatedAnnealingSolver().solve(model, o);
    CHECK(r.reached_target);
    CHECK(r.stopped_early);
    CHECK(r.best_energy == Approx(best).margin(1e-9));
    CHECK(r.work < 64u * 1000u * 14u);

    anneal_options ao;
    ao.polish = true;
    o = {};
    o.sweeps = 3; // far too short to settle: the descent does the rest
    r = SimulatedAnnealingSolver(ao).solve(model, o);
    for (const auto& e : r.samples.entries()) {
        auto v = e.sample;
        for (std::size_t i = 0; i < v.size(); ++i) {
            v[i] = flipped(vartype::binary, v[i]);
            CHECK(raw.energy(v) >= e.energy - 1e-9);
            v[i] = flipped(vartype::binary, v[i]);
        }
    }
}

TEST_CASE("anneal: coefficients beyond float's range run in double", "[qubo][anneal]") {
    Rng rng(14);
    auto raw = test::random_raw_model(vartype::binary, 10, 0.5, rng, true);
    for (auto& h : raw.linear) h *= 1e36;
    for (auto& t : raw.terms) t.bias *= 1e36;
    const auto [best, arg] = test::brute_force_min(vartype::binary, 10, [&](std::span<const std::int8_t> s) { return raw.energy(s); });
    const auto r = SimulatedAnnealingSolver().solve(raw.build(), {});
    CHECK(r.best_energy == Approx(best).epsilon(1e-12));
}

TEST_CASE("anneal: best feasible energy of a constrained model equals brute force over the feasible set",
          "[qubo][anneal][constraints]") {
    Rng rng(8);
    for (int trial = 0; trial < 3; ++trial) {
        BinaryQuadraticModel objective(vartype::binary, 9);
        for (var_t i = 0; i < 9; ++i) {
            objective.add_linear(i, test::random_coefficient(rng, true));
            for (var_t j = i + 1; j < 9; ++j)
                if (rng.uniform() < 0.5) objective.add_quadratic(i, j, test::random_coefficient(rng, true));
        }
        ConstrainedModel cm(objective);
        cm.add_one_hot("row 0", {0, 1, 2});
        cm.add_one_hot("row 1", {3, 4, 5});
        cm.add_one_hot("row 2", {6, 7, 8});
        cm.add_at_most_k("column", {0, 3, 6}, 1);
        double best_feasible = std::numeric_limits<double>::infinity();
        for (std::uint64_t bits = 0; bits < 512; ++bits) {
            const auto x = sample_from_bits(vartype::binary, 9, bits);
            if (cm.check(x).feasible()) best_feasible = std::min(best_feasible, objective.energy(x));
        }
        solver_options o;
        o.seed = static_cast<std::uint64_t>(trial);
        const auto r = SimulatedAnnealingSolver().solve(cm.to_model(), o);
        CHECK(r.best_energy == Approx(best_feasible).margin(1e-9));
        CHECK(cm.check(cm.original(r.best_sample)).feasible());
    }
}
