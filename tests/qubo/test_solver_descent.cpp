#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/solvers/descent.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

std::vector<std::int8_t> random_sample_of(vartype t, std::size_t n, Rng& rng) {
    return sample_from_bits(t, n, rng() & ((std::uint64_t{1} << n) - 1));
}

/// No single flip lowers the energy (checked on the raw term list, not through the CSR form).
bool is_local_minimum(const test::raw_model& r, std::vector<std::int8_t> v, double tol) {
    const double e = r.energy(v);
    for (std::size_t i = 0; i < v.size(); ++i) {
        v[i] = flipped(r.type, v[i]);
        const double ei = r.energy(v);
        v[i] = flipped(r.type, v[i]);
        if (ei < e - tol) return false;
    }
    return true;
}

} // namespace

TEMPLATE_TEST_CASE("descent: polish reaches a one-flip local minimum without raising the energy",
                   "[qubo][descent]", float, double) {
    Rng rng(17);
    for (const vartype t : {vartype::binary, vartype::spin}) {
        for (const bool integral : {true, false}) {
            for (std::size_t n : {1u, 4u, 10u, 20u}) {
                const auto raw = test::random_raw_model(t, n, 0.4, rng, integral);
                const auto model = raw.build();
                const CsrModel<TestType> csr(model);
                for (int start = 0; start < 5; ++start) {
                    auto v = random_sample_of(t, n, rng);
                    const double before = raw.energy(v);
                    polish(csr, std::span<std::int8_t>(v));
                    CHECK(valid_values(t, v));
                    CHECK(raw.energy(v) <= before + 1e-9);
                    // float fields: a change below a few ulps of the largest field may be left.
                    const double tol = std::is_same_v<TestType, float> ? 1e-3 : 1e-9;
                    CHECK(is_local_minimum(raw, v, tol));
                    // Polishing a local minimum again changes nothing.
                    const auto again = v;
                    CHECK(polish(csr, std::span<std::int8_t>(v)) == 0);
                    CHECK(v == again);
                }
            }
        }
    }
}

TEST_CASE("descent: polish keeps caller fields current and takes the steepest move", "[qubo][descent]") {
    Rng rng(4);
    const auto raw = test::random_raw_model(vartype::spin, 12, 0.5, rng, true);
    const auto model = raw.build();
    const CsrModel<double> csr(model);
    auto v = random_sample_of(vartype::spin, 12, rng);
    std::vector<double> fields(12);
    csr.local_fields(v, fields);
    const auto copy = v;
    // Independent steepest descent on the raw model (lowest index on ties).
    auto w = copy;
    for (;;) {
        const double e = raw.energy(w);
        double best = 0.0;
        std::size_t pick = w.size();
        for (std::size_t i = 0; i < w.size(); ++i) {
            w[i] = flipped(vartype::spin, w[i]);
            const double d = raw.energy(w) - e;
            w[i] = flipped(vartype::spin, w[i]);
            if (d < best) {
                best = d;
                pick = i;
            }
        }
        if (pick == w.size()) break;
        w[pick] = flipped(vartype::spin, w[pick]);
    }
    const std::size_t flips = polish<double>(csr, v, fields);
    CHECK(v == w);
    CHECK(flips > 0);
    std::vector<double> fresh(12);
    csr.local_fields(v, fresh);
    for (std::size_t i = 0; i < 12; ++i) CHECK(fields[i] == Approx(fresh[i]).margin(1e-12));

    auto u = copy;
    polish(model, std::span<std::int8_t>(u)); // the BinaryQuadraticModel overload
    CHECK(u == w);
}

TEST_CASE("descent: polish rejects bad samples and fields", "[qubo][descent][errors]") {
    BinaryQuadraticModel m(vartype::binary, 3);
    m.add_quadratic(0, 1, -1.0);
    const CsrModel<double> csr(m);
    std::vector<std::int8_t> short_sample{0, 1};
    CHECK_THROWS_MATCHES(polish(csr, std::span<std::int8_t>(short_sample)), value_error, MessageContains("2 values"));
    std::vector<std::int8_t> spins{-1, 1, 1};
    CHECK_THROWS_MATCHES(polish(csr, std::span<std::int8_t>(spins)), value_error, MessageContains("value -1"));
    std::vector<std::int8_t> ok{0, 0, 0};
    std::vector<double> fields(2);
    CHECK_THROWS_MATCHES(polish<double>(csr, ok, fields), value_error, MessageContains("fields has 2"));
    // Empty model: nothing to do.
    const CsrModel<float> empty(BinaryQuadraticModel(vartype::spin, 0));
    std::vector<std::int8_t> none;
    CHECK(polish(empty, std::span<std::int8_t>(none)) == 0);
}

TEST_CASE("descent: the solver's best equals brute force on small random models", "[qubo][descent]") {
    Rng rng(123);
    for (const vartype t : {vartype::binary, vartype::spin}) {
        for (const bool integral : {true, false}) {
            for (std::size_t n : {2u, 6u, 11u}) {
                const auto raw = test::random_raw_model(t, n, 0.5, rng, integral);
                const auto [best, arg] = test::brute_force_min(t, n, [&](std::span<const std::int8_t> s) { return raw.energy(s); });
                solver_options o;
                o.reads = 300;
                o.seed = n;
                const auto r = SteepestDescentSolver().solve(raw.build(), o);
                INFO("vartype " << vartype_name(t) << ", n = " << n << ", integral " << integral);
                CHECK(r.best_energy == Approx(best).margin(1e-9));
                CHECK(r.samples.total_count() == 300);
                for (const auto& e : r.samples.entries()) {
                    CHECK(e.energy >= best - 1e-9);
                    CHECK(is_local_minimum(raw, e.sample, 1e-9));
                }
            }
        }
    }
}

TEST_CASE("descent: the same samples for 1 and 2 threads", "[qubo][descent]") {
    Rng rng(8);
    const auto model = test::random_model(vartype::binary, 40, 0.2, rng);
    solver_options a, b;
    a.threads = 1;
    b.threads = 2;
    a.seed = b.seed = 77;
    a.reads = b.reads = 64;
    const auto ra = SteepestDescentSolver().solve(model, a);
    const auto rb = SteepestDescentSolver().solve(model, b);
    REQUIRE(ra.samples.size() == rb.samples.size());
    for (std::size_t i = 0; i < ra.samples.size(); ++i) {
        CHECK(ra.samples.entries()[i].sample == rb.samples.entries()[i].sample);
        CHECK(ra.samples.entries()[i].count == rb.samples.entries()[i].count);
        CHECK(ra.samples.entries()[i].energy == rb.samples.entries()[i].energy);
    }
    CHECK(ra.best_sample == rb.best_sample);
    CHECK(ra.work == rb.work);
}

TEST_CASE("descent: best feasible energy of a constrained model equals brute force over the feasible set",
          "[qubo][descent][constraints]") {
    Rng rng(31);
    BinaryQuadraticModel objective(vartype::binary, 6);
    for (var_t i = 0; i < 6; ++i) {
        objective.add_linear(i, test::random_coefficient(rng, true));
        for (var_t j = i + 1; j < 6; ++j) objective.add_quadratic(i, j, test::random_coefficient(rng, true));
    }
    ConstrainedModel cm(objective);
    cm.add_one_hot("slot", {0, 1, 2});
    cm.add_at_most_one("pair", {3, 4, 5});
    double best_feasible = std::numeric_limits<double>::infinity();
    for (std::uint64_t bits = 0; bits < 64; ++bits) {
        const auto x = sample_from_bits(vartype::binary, 6, bits);
        if (cm.check(x).feasible()) best_feasible = std::min(best_feasible, objective.energy(x));
    }
    solver_options o;
    o.reads = 200;
    const auto r = SteepestDescentSolver().solve(cm.to_model(), o);
    CHECK(r.best_energy == Approx(best_feasible).margin(1e-9));
    CHECK(cm.check(cm.original(r.best_sample)).feasible());
}

TEST_CASE("descent: empty model and bad options", "[qubo][descent][errors]") {
    BinaryQuadraticModel empty(vartype::binary, 0);
    empty.set_offset(-1.5);
    solver_options o;
    o.reads = 4;
    const auto r = SteepestDescentSolver().solve(empty, o);
    REQUIRE(r.samples.size() == 1);
    CHECK(r.samples.best().count == 4);
    CHECK(r.best_energy == -1.5);
    CHECK(r.best_sample.empty());

    const BinaryQuadraticModel m(vartype::spin, 3);
    solver_options bad;
    bad.time_limit_s = -0.5;
    CHECK_THROWS_MATCHES(SteepestDescentSolver().solve(m, bad), value_error, MessageContains("time limit"));
    bad = {};
    bad.time_limit_s = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(SteepestDescentSolver().solve(m, bad), value_error);
    bad = {};
    bad.threads = -1;
    CHECK_THROWS_MATCHES(SteepestDescentSolver().solve(m, bad), value_error, MessageContains("thread count"));
}
