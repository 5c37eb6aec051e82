#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/model.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

TEST_CASE("model: symmetric couplings and folded squares", "[qubo][model]") {
    BinaryQuadraticModel b(vartype::binary, 3);
    b.add_quadratic(0, 1, 2.0);
    b.add_quadratic(1, 0, 3.0); // same pair, other order: accumulates
    CHECK(b.quadratic(0, 1) == 5.0);
    CHECK(b.quadratic(1, 0) == 5.0);
    CHECK(b.num_interactions() == 1);
    b.add_quadratic(2, 2, 4.0); // x^2 = x
    CHECK(b.linear(2) == 4.0);
    CHECK(b.num_interactions() == 1);
    CHECK_FALSE(b.has_interaction(2, 2));

    BinaryQuadraticModel s(vartype::spin, 3);
    s.add_quadratic(1, 1, 4.0); // s^2 = 1
    CHECK(s.offset() == 4.0);
    CHECK(s.linear(1) == 0.0);

    b.add_quadratic(2, 0, 1.0);
    b.add_quadratic(0, 2, -1.0); // cancels to an explicit zero: kept as structure
    CHECK(b.num_interactions() == 2);
    CHECK(b.quadratic(0, 2) == 0.0);
    BinaryQuadraticModel c(vartype::binary, 3);
    c.add_quadratic(0, 1, 5.0);
    c.add_linear(2, 4.0);
    CHECK(b == c); // explicit zero equals absent

    CHECK(b.neighbours(0).size() == 2);
    CHECK(b.neighbours(0)[0].neighbour == 1);
    CHECK(b.neighbours(0)[1].neighbour == 2);
    CHECK(b.remove_interaction(2, 0));
    CHECK_FALSE(b.remove_interaction(0, 2));
    CHECK(b.num_interactions() == 1);
    b.set_quadratic(1, 2, 7.0);
    CHECK(b.quadratic(2, 1) == 7.0);
    CHECK_THROWS_AS(b.set_quadratic(1, 1, 1.0), index_error);
}

TEST_CASE("model: adjacency stays sorted for out-of-order insertion", "[qubo][model]") {
    BinaryQuadraticModel m(vartype::binary, 10);
    for (var_t j : {7u, 3u, 9u, 1u, 5u, 2u}) m.add_quadratic(0, j, j);
    const auto row = m.neighbours(0);
    REQUIRE(row.size() == 6);
    for (std::size_t k = 1; k < row.size(); ++k) CHECK(row[k - 1].neighbour < row[k].neighbour);
    for (const auto& c : row) CHECK(m.quadratic(c.neighbour, 0) == c.neighbour);
}

TEST_CASE("model: labels, errors", "[qubo][model]") {
    BinaryQuadraticModel m;
    const var_t a = m.add_variable("a");
    const var_t anon = m.add_variable();
    const var_t b = m.add_variable("b");
    CHECK(m.num_variables() == 3);
    CHECK(m.has_labels());
    CHECK(m.index_of("b") == b);
    CHECK(m.label(anon).empty());
    CHECK(m.name(anon) == "#1");
    CHECK(m.name(a) == "a");
    CHECK_FALSE(m.find("zzz").has_value());
    CHECK_THROWS_MATCHES(m.index_of("zzz"), index_error, MessageContains("zzz"));
    CHECK_THROWS_MATCHES(m.set_label(anon, "a"), value_error, MessageContains("already names variable 0"));
    m.set_label(a, "renamed");
    CHECK(m.index_of("renamed") == a);
    CHECK_FALSE(m.find("a"));
    m.set_label(anon, "a"); // free again
    CHECK(m.index_of("a") == anon);

    CHECK_THROWS_MATCHES(m.add_linear(3, 1.0), index_error, MessageContains("variable index 3 is out of range"));
    CHECK_THROWS_AS(m.add_quadratic(0, 9, 1.0), index_error);
    CHECK_THROWS_AS(m.add_linear(0, std::nan("")), value_error);
    CHECK_THROWS_AS(m.add_quadratic(0, 1, INFINITY), value_error);
    CHECK_THROWS_AS(m.set_offset(-INFINITY), value_error);

    const std::vector<std::int8_t> bad{0, 2, 1};
    CHECK_THROWS_MATCHES(m.energy(bad), value_error, MessageContains("variable 1 has value 2"));
    const std::vector<std::int8_t> short_sample{0, 1};
    CHECK_THROWS_MATCHES(m.energy(short_sample), value_error, MessageContains("has 2 values"));
    CHECK_THROWS_AS(BinaryQuadraticModel(vartype::spin, 2).energy(std::vector<std::int8_t>{0, 1}), value_error);
}

TEST_CASE("model: energy equals the term list, batch equals single", "[qubo][model]") {
    Rng rng(11);
    for (vartype t : {vartype::binary, vartype::spin}) {
        for (int rep = 0; rep < 5; ++rep) {
            const std::size_t n = 1 + rng.below(10);
            const auto raw = test::random_raw_model(t, n, 0.5, rng, false);
            const auto m = raw.build();
            const CsrModel<double> csr(m);
            std::vector<std::int8_t> batch;
            std::vector<double> expected;
            for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
                const auto v = sample_from_bits(t, n, bits);
                const double e = raw.energy(v);
                CHECK(m.energy(v) == Approx(e).margin(test::energy_tolerance()));
                CHECK(csr.energy(v) == Approx(e).margin(test::energy_tolerance()));
                batch.insert(batch.end(), v.begin(), v.end());
                expected.push_back(m.energy(v));
            }
            exec_policy parallel;
            parallel.threads = 2;
            parallel.serial_cutoff = 0;
            const std::size_t count = expected.size();
            const auto serial_e = m.energies(batch, count);
            const auto parallel_e = m.energies(batch, count, parallel);
            const auto csr_e = csr.energies(batch, count, parallel);
            REQUIRE(serial_e.size() == count);
            for (std::size_t k = 0; k < count; ++k) {
                CHECK(serial_e[k] == expected[k]);
                CHECK(parallel_e[k] == expected[k]); // same order of summation whatever the threads
                CHECK(csr_e[k] == Approx(expected[k]).margin(test::energy_tolerance()));
            }
            CHECK_THROWS_AS(m.energies(batch, count + 1), value_error);
        }
    }
}

TEST_CASE("model: QUBO <-> Ising conversion is exact on every sample", "[qubo][model]") {
    Rng rng(2024);
    for (int rep = 0; rep < 20; ++rep) {
        const std::size_t n = 1 + rng.below(10);
        const bool integral = rep % 2 == 0;
        const auto bin = test::random_model(vartype::binary, n, 0.6, rng, integral);
        const auto spin = bin.to_spin();
        REQUIRE(spin.type() == vartype::spin);
        const auto back = spin.to_binary();
        const auto spin2 = test::random_model(vartype::spin, n, 0.6, rng, integral);
        const auto bin2 = spin2.to_binary();
        for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
            const auto x = sample_from_bits(vartype::binary, n, bits);
            const auto s = spins_from_binary(x); // s = 2x - 1
            if (integral) {
                // Integer coefficients: every step (/2, /4, sums) is exact in double.
                CHECK(spin.energy(s) == bin.energy(x));
                CHECK(back.energy(x) == bin.energy(x));
                CHECK(bin2.energy(x) == spin2.energy(s));
            } else {
                CHECK(spin.energy(s) == Approx(bin.energy(x)).margin(1e-11));
                CHECK(back.energy(x) == Approx(bin.energy(x)).margin(1e-11));
                CHECK(bin2.energy(x) == Approx(spin2.energy(s)).margin(1e-11));
            }
        }
        if (integral) CHECK(back == bin);
    }
    // Labels and structure survive.
    BinaryQuadraticModel m(vartype::binary);
    m.add_variable("p");
    m.add_variable("q");
    m.add_quadratic(0, 1, 4.0);
    m.add_linear(0, 2.0);
    const auto s = m.to_spin();
    CHECK(s.label(1) == "q");
    CHECK(s.quadratic(0, 1) == 1.0);          // b / 4
    CHECK(s.linear(0) == 2.0);                // a/2 + b/4 = 1 + 1
    CHECK(s.linear(1) == 1.0);                // 0 + b/4
    CHECK(s.offset() == 2.0);                 // a/2 + b/4 = 1 + 1
    CHECK(binary_from_spins(std::vector<std::int8_t>{-1, 1, 1}) == std::vector<std::int8_t>{0, 1, 1});
}

TEST_CASE("model: max_flip_change bounds every one-flip change", "[qubo][model]") {
    Rng rng(5);
    for (vartype t : {vartype::binary, vartype::spin}) {
        const std::size_t n = 8;
        const auto m = test::random_model(t, n, 0.7, rng);
        for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
            auto v = sample_from_bits(t, n, bits);
            const double e = m.energy(v);
            for (var_t i = 0; i < n; ++i) {
                v[i] = flipped(t, v[i]);
                CHECK(std::abs(m.energy(v) - e) <= m.max_flip_change(i) + 1e-12);
                v[i] = flipped(t, v[i]);
            }
        }
    }
}

TEMPLATE_TEST_CASE("csr: fields, flip deltas and incremental updates", "[qubo][csr]", float, double) {
    Rng rng(77);
    const double tol = std::is_same_v<TestType, float> ? 1e-3 : 1e-10;
    for (vartype t : {vartype::binary, vartype::spin}) {
        const std::size_t n = 12;
        auto m = test::random_model(t, n, 0.4, rng);
        m.add_quadratic(0, 1, 0.0); // an explicit zero is dropped from the CSR arrays
        const CsrModel<TestType> csr(m);
        CHECK(csr.num_variables() == n);
        CHECK(csr.row_offsets().size() == n + 1);
        CHECK(csr.columns().size() == csr.row_offsets()[n]);
        std::size_t nonzero = 0;
        m.for_each_interaction([&](var_t, var_t, double b) { nonzero += b != 0.0; });
        CHECK(csr.num_interactions() == nonzero);
        for (var_t i = 0; i < n; ++i) {
            const auto nb = csr.neighbours(i);
            const auto w = csr.weights(i);
            REQUIRE(nb.size() == w.size());
            for (std::size_t k = 0; k < nb.size(); ++k) {
                if (k > 0) CHECK(nb[k - 1] < nb[k]);
                CHECK(static_cast<double>(w[k]) == Approx(m.quadratic(i, nb[k])).margin(tol));
            }
            CHECK(static_cast<double>(csr.max_flip_change(i)) == Approx(m.max_flip_change(i)).margin(tol));
        }

        std::vector<std::int8_t> v = sample_from_bits(t, n, rng.below(1u << n));
        std::vector<TestType> fields(n);
        csr.local_fields(v, fields);
        double e = m.energy(v);
        for (int step = 0; step < 200; ++step) {
            const auto i = static_cast<var_t>(rng.below(n));
            const TestType d = csr.flip_delta(v[i], fields[i]);
            CHECK(static_cast<double>(csr.flip_delta(v, i)) == Approx(static_cast<double>(d)).margin(tol));
            csr.flip(v, fields, i);
            const double e_new = m.energy(v);
            CHECK(e_new - e == Approx(static_cast<double>(d)).margin(tol * 10));
            e = e_new;
        }
        // Fields maintained incrementally equal freshly computed ones.
        std::vector<TestType> fresh(n);
        csr.local_fields(v, fresh);
        for (var_t i = 0; i < n; ++i) CHECK(static_cast<double>(fields[i]) == Approx(fresh[i]).margin(tol * 10));
        CHECK_THROWS_AS(csr.local_fields(v, std::span<TestType>(fresh.data(), n - 1)), value_error);
    }
}

TEST_CASE("model: scale, add_variables limits", "[qubo][model]") {
    auto m = BinaryQuadraticModel(vartype::spin, 2);
    m.add_linear(0, 1.5);
    m.add_quadratic(0, 1, -2.0);
    m.set_offset(3.0);
    m.scale(2.0);
    CHECK(m.linear(0) == 3.0);
    CHECK(m.quadratic(1, 0) == -4.0);
    CHECK(m.offset() == 6.0);
    CHECK(m.max_flip_change(0) == 2.0 * (3.0 + 4.0));
    CHECK_THROWS_AS(m.add_variables(max_variables), index_error);
    set_memory_limit(1 << 20);
    CHECK_THROWS_AS(m.add_variables(10'000'000), memory_error); // checked before allocating
    set_memory_limit(0);
}
