#include <catch2/catch.hpp>

#include "support/matchers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "qcoach/statevector/statevector.hpp"
#include "support/policies.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;
using qcoach::test::policy;

namespace {

/// The policies every reproducibility check runs: serial, one thread through the parallel code,
/// two threads with no serial cutoff (the parallel path really runs), and the scalar path.
std::vector<exec_policy> measure_policies() {
    return {policy(1, index_t{1} << 14), policy(1, 0), policy(2, 0), policy(2, 0, kernel_path::scalar)};
}

/// A state whose probabilities spread over several orders of magnitude: p(z) ~ (1 + z)^-1.3, a few
/// outcomes of probability ~1e-5 (their expected counts need merging in a chi-square test) and
/// every ninth outcome of probability exactly 0. Random phases.
template <class Real>
StateVector<Real> spread_state(qubit_t n, std::uint64_t seed) {
    Rng rng(seed);
    const std::size_t dim = std::size_t{1} << n;
    std::vector<double> w(dim);
    double sum = 0.0;
    for (std::size_t z = 0; z < dim; ++z) {
        w[z] = (z % 9 == 4) ? 0.0 : (z == 10 || z == 11 || z == 33) ? 1e-5 : std::pow(1.0 + double(z), -1.3);
        sum += w[z];
    }
    std::vector<cd> amps(dim);
    for (std::size_t z = 0; z < dim; ++z) amps[z] = std::polar(std::sqrt(w[z] / sum), 6.283185307179586 * rng.uniform());
    return StateVector<Real>::from_amplitudes(amps, 1e-4);
}

/// Projection of v onto "qubits[j] = bit j of m", normalized.
Eigen::VectorXcd projected(const Eigen::VectorXcd& v, const std::vector<qubit_t>& qubits, index_t m) {
    Eigen::VectorXcd out = v;
    for (Eigen::Index z = 0; z < v.size(); ++z) {
        for (std::size_t j = 0; j < qubits.size(); ++j) {
            if (((static_cast<index_t>(z) >> qubits[j]) & 1u) != ((m >> j) & 1u)) out(z) = 0;
        }
    }
    return out / out.norm();
}

std::vector<double> reference_marginal(const Eigen::VectorXcd& v, const std::vector<qubit_t>& qubits) {
    std::vector<double> out(std::size_t{1} << qubits.size(), 0.0);
    for (Eigen::Index z = 0; z < v.size(); ++z) {
        index_t m = 0;
        for (std::size_t j = 0; j < qubits.size(); ++j) m |= ((static_cast<index_t>(z) >> qubits[j]) & 1u) << j;
        out[m] += std::norm(v(z));
    }
    return out;
}

/// Upper quantile of the chi-square distribution (Wilson-Hilferty approximation, accurate to
/// about 1% for the 30+ degrees of freedom used here).
double chi_square_quantile(double df, double z_quantile) {
    const double a = 2.0 / (9.0 * df);
    return df * std::pow(1.0 - a + z_quantile * std::sqrt(a), 3.0);
}

template <class Real>
double max_diff(const StateVector<Real>& s, const Eigen::VectorXcd& want) {
    return (test::to_eigen(s) - want).cwiseAbs().maxCoeff();
}

} // namespace

TEMPLATE_TEST_CASE("probabilities and marginals match Eigen", "[measure]", float, double) {
    Rng rng(11);
    const qubit_t n = 6;
    const auto s = test::random_state<TestType>(n, rng);
    const Eigen::VectorXcd v = test::to_eigen(s);

    const std::vector<double> p = probabilities(s);
    REQUIRE(p.size() == 64);
    double sum = 0.0;
    for (Eigen::Index z = 0; z < v.size(); ++z) {
        CHECK(p[z] == Approx(std::norm(v(z))).epsilon(1e-12).margin(1e-15));
        sum += p[z];
    }
    CHECK(sum == Approx(1.0).epsilon(1e-5));

    for (qubit_t q = 0; q < n; ++q) {
        double want = 0.0;
        for (Eigen::Index z = 0; z < v.size(); ++z)
            if ((z >> q) & 1) want += std::norm(v(z));
        CHECK(probability_one(s, q) == Approx(want).epsilon(1e-12));
    }

    // {2, 4} and {0} take the histogram path, the larger subsets the per-outcome path.
    const std::vector<std::vector<qubit_t>> subsets{{}, {0}, {5}, {2, 4}, {3, 1}, {0, 2, 4}, {5, 0, 3, 1}, {4, 0, 5, 1, 3, 2}};
    for (const auto& qs : subsets) {
        INFO("qubits " << ::Catch::Detail::stringify(qs));
        const std::vector<double> want = reference_marginal(v, qs);
        const std::vector<double> got = marginal_probabilities(s, qs);
        REQUIRE(got.size() == want.size());
        for (std::size_t m = 0; m < want.size(); ++m) CHECK(got[m] == Approx(want[m]).epsilon(1e-12).margin(1e-15));
        for (const exec_policy& pol : measure_policies()) CHECK(marginal_probabilities(s, qs, pol) == got);
    }
    // Qubit order: bit j of the marginal index is qubits[j].
    const auto b = StateVector<TestType>::basis(3, 0b110);
    CHECK(marginal_probabilities(b, std::vector<qubit_t>{2, 0}) == std::vector<double>{0, 1, 0, 0});
    CHECK(marginal_probabilities(b, std::vector<qubit_t>{0, 2}) == std::vector<double>{0, 0, 1, 0});
}

TEMPLATE_TEST_CASE("sampled frequencies pass a chi-square test", "[measure][sample]", float, double) {
    const qubit_t n = 6;
    const auto s = spread_state<TestType>(n, 3);
    const std::vector<double> p = probabilities(s);
    const std::size_t shots = 100000;
    const auto counts = sample_counts(s, shots, 2024);

    std::vector<double> observed(p.size(), 0.0);
    std::size_t total = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (i > 0) CHECK(counts[i].first > counts[i - 1].first);
        REQUIRE(counts[i].first < p.size());
        observed[counts[i].first] = static_cast<double>(counts[i].second);
        total += counts[i].second;
    }
    CHECK(total == shots);

    // sample() gives the same draws in draw order.
    const std::vector<index_t> draws = sample(s, shots, 2024);
    REQUIRE(draws.size() == shots);
    std::vector<double> hist(p.size(), 0.0);
    for (index_t z : draws) hist[z] += 1;
    CHECK(hist == observed);

    // Outcomes of probability 0 never appear; the others are binned in index order, merging
    // neighbours until every bin expects at least 5 counts.
    double psum = 0.0;
    for (double x : p) psum += x;
    std::vector<std::pair<double, double>> bins; // (expected, observed)
    double e_acc = 0.0, o_acc = 0.0;
    for (std::size_t z = 0; z < p.size(); ++z) {
        if (p[z] == 0.0) {
            CHECK(observed[z] == 0.0);
            continue;
        }
        e_acc += static_cast<double>(shots) * p[z] / psum;
        o_acc += observed[z];
        if (e_acc >= 5.0) {
            bins.emplace_back(e_acc, o_acc);
            e_acc = o_acc = 0.0;
        }
    }
    if (e_acc > 0.0) {
        bins.back().first += e_acc;
        bins.back().second += o_acc;
    }
    double chi2 = 0.0;
    for (const auto& [e, o] : bins) chi2 += (o - e) * (o - e) / e;
    const double df = static_cast<double>(bins.size() - 1);
    const double critical = chi_square_quantile(df, 3.0902); // 0.999 quantile (z = 3.0902)
    INFO("chi2 = " << chi2 << " with " << df << " degrees of freedom; 0.999 critical value " << critical);
    CHECK(bins.size() >= 40);
    CHECK(chi2 < critical);
}

TEMPLATE_TEST_CASE("samples are the same for every thread count and path", "[measure][sample]", float, double) {
    // 2^10 amplitudes: 16 fixed chunks of 64, so the chunked sweep really runs in parallel.
    Rng rng(21);
    const auto s = test::random_state<TestType>(10, rng);
    const std::size_t shots = 20000;
    const std::vector<index_t> ref = sample(s, shots, 7, policy(1, index_t{1} << 20));
    CHECK(sample(s, shots, 7) == ref);
    for (const exec_policy& pol : measure_policies()) {
        CHECK(sample(s, shots, 7, pol) == ref);
        const auto counts = sample_counts(s, shots, 7, pol);
        std::map<index_t, std::size_t> hist;
        for (index_t z : ref) ++hist[z];
        CHECK(counts == std::vector<std::pair<index_t, std::size_t>>(hist.begin(), hist.end()));
    }
    CHECK(sample(s, shots, 8) != ref);
    CHECK(sample(s, 0, 7).empty());
    CHECK(sample_counts(s, 0, 7).empty());

    // Scaling every amplitude by 2 scales every probability and sum by exactly 4: normalizing by
    // the total gives the very same samples.
    StateVector<TestType> twice(s);
    for (auto& a : twice.amplitudes()) a *= TestType(2);
    CHECK(sample(twice, shots, 7) == ref);
}

TEST_CASE("sampling never picks an outcome of probability 0, also at the top end", "[measure][sample]") {
    // Only |2> and |9> have weight; everything above 9 has probability 0.
    StateVector<double> s(4);
    s[0] = 0;
    s[2] = std::sqrt(0.25);
    s[9] = std::sqrt(0.75);
    const auto t = detail::make_sample_table(s.data(), 4, default_policy());
    CHECK(t.last_nonzero == 9);
    const double total = t.total();
    const std::vector<double> u{0.0, 0.2499, 0.25, 0.9 * total, total, std::nextafter(total, 2.0), 2.0 * total};
    std::vector<index_t> out(u.size(), 99);
    detail::assign_sorted(
        s.data(), 4, t, u.size(), [&u](index_t j) { return u[j]; }, [&out](index_t j, index_t z) { out[j] = z; },
        default_policy());
    CHECK(out == std::vector<index_t>{2, 2, 9, 9, 9, 9, 9});

    for (std::uint64_t seed = 0; seed < 20; ++seed)
        for (index_t z : sample(s, 500, seed)) CHECK((z == 2 || z == 9));
}

TEMPLATE_TEST_CASE("measurement collapses onto the normalized projection", "[measure]", float, double) {
    const double tol = 5 * test::state_tolerance<TestType>();
    Rng rng(5);
    const qubit_t n = 5;
    const auto s = test::random_state<TestType>(n, rng);
    const Eigen::VectorXcd v = test::to_eigen(s);

    for (qubit_t q : {0u, 2u, 4u}) {
        for (int o : {0, 1}) {
            StateVector<TestType> c(s);
            const double p = project(c, q, o);
            CHECK(p == Approx(reference_marginal(v, {q})[o] / v.squaredNorm()).epsilon(1e-12)); // relative to the norm^2
            CHECK(max_diff(c, projected(v, {q}, static_cast<index_t>(o))) < tol);
        }
    }

    bool seen[2] = {false, false};
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        Rng r(seed);
        StateVector<TestType> c(s);
        const int o = measure(c, 3, r);
        REQUIRE((o == 0 || o == 1));
        seen[o] = true;
        CHECK(max_diff(c, projected(v, {3}, static_cast<index_t>(o))) < tol);
        CHECK(c.norm() == Approx(1.0).epsilon(1e-6));
    }
    CHECK((seen[0] && seen[1]));

    // Several qubits: the returned bits follow the list order.
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
        Rng r(seed);
        StateVector<TestType> c(s);
        const std::vector<qubit_t> qs{3, 0};
        const index_t m = measure(c, qs, r);
        REQUIRE(m < 4);
        CHECK(max_diff(c, projected(v, qs, m)) < tol);
    }

    // A state that is not normalized is measured relative to its norm and left normalized.
    StateVector<TestType> big(s);
    for (auto& a : big.amplitudes()) a *= TestType(3);
    Rng r(1);
    const int o = measure(big, 1, r);
    CHECK(max_diff(big, projected(v, {1}, static_cast<index_t>(o))) < tol);
}

TEMPLATE_TEST_CASE("repeated measurement follows the Born rule", "[measure]", float, double) {
    // P(qubit 1 = 1) = sin^2(theta / 2) = 0.3.
    StateVector<TestType> s(3);
    apply(s, gates::h(0));
    apply(s, gates::ry(1, 2.0 * std::asin(std::sqrt(0.3))));
    apply(s, gates::cx(1, 2));
    const int trials = 4000;
    int ones = 0;
    StateVector<TestType> c(3);
    const auto restore = [&c](const StateVector<TestType>& from) {
        std::copy(from.amplitudes().begin(), from.amplitudes().end(), c.amplitudes().begin());
    };
    for (int t = 0; t < trials; ++t) {
        restore(s);
        Rng rng(1000 + static_cast<std::uint64_t>(t)); // a fresh seed per trial
        const int o = measure(c, 1, rng);
        ones += o;
        CHECK(probability_one(c, 2) == Approx(o).margin(1e-6)); // CX copied qubit 1 into qubit 2
    }
    const double sigma = std::sqrt(0.3 * 0.7 / trials);
    CHECK(std::abs(ones / double(trials) - 0.3) < 4 * sigma);

    // Two qubits at once: every outcome's frequency against the marginal.
    Rng srng(8);
    const auto r = test::random_state<TestType>(3, srng);
    const std::vector<qubit_t> qs{2, 0};
    const std::vector<double> marg = marginal_probabilities(r, qs);
    std::vector<int> hits(4, 0);
    for (int t = 0; t < trials; ++t) {
        restore(r);
        Rng rng(50000 + static_cast<std::uint64_t>(t));
        ++hits[measure(c, qs, rng)];
    }
    for (std::size_t m = 0; m < 4; ++m) {
        INFO("outcome " << m);
        CHECK(std::abs(hits[m] / double(trials) - marg[m]) < 5 * std::sqrt(marg[m] * (1 - marg[m]) / trials) + 1e-9);
    }
}

TEMPLATE_TEST_CASE("zero-probability branches are never chosen", "[measure]", float, double) {
    const auto b = StateVector<TestType>::basis(3, 5); // qubits 0 and 2 are 1, qubit 1 is 0
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        Rng rng(seed);
        StateVector<TestType> c(b);
        CHECK(measure(c, 0, rng) == 1);
        CHECK(measure(c, 1, rng) == 0);
        CHECK(measure(c, std::vector<qubit_t>{1, 2, 0}, rng) == 0b110);
        CHECK(c[5] == std::complex<TestType>(1));
    }
    StateVector<TestType> c(b);
    CHECK_THROWS_MATCHES(project(c, 1, 1), value_error, test::MessageContains("cannot project qubit 1 onto |1>: that outcome has probability 0"));
    CHECK(c[5] == std::complex<TestType>(1)); // untouched
}

TEMPLATE_TEST_CASE("reset leaves the qubit in |0> and the rest as projected", "[measure]", float, double) {
    const double tol = 5 * test::state_tolerance<TestType>();
    Rng srng(31);
    const qubit_t n = 4, q = 2;
    const auto s = test::random_state<TestType>(n, srng);
    const Eigen::VectorXcd v = test::to_eigen(s);
    bool seen[2] = {false, false};
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
        Rng rng(seed);
        StateVector<TestType> c(s);
        const int o = reset(c, q, rng);
        seen[o] = true;
        CHECK(probability_one(c, q) == 0.0);
        // Expected: project onto o, then move the branch to qubit q = 0.
        const Eigen::VectorXcd proj = projected(v, {q}, static_cast<index_t>(o));
        Eigen::VectorXcd want = Eigen::VectorXcd::Zero(v.size());
        for (Eigen::Index z = 0; z < v.size(); ++z)
            if ((static_cast<index_t>(z) >> q & 1u) == static_cast<index_t>(o)) want(z & ~(Eigen::Index{1} << q)) = proj(z);
        CHECK(max_diff(c, want) < tol);
    }
    CHECK((seen[0] && seen[1]));
}

TEMPLATE_TEST_CASE("measurement is the same for every thread count", "[measure]", float, double) {
    Rng srng(41);
    const auto s = test::random_state<TestType>(10, srng);
    std::vector<StateVector<TestType>> results;
    std::vector<index_t> outcomes;
    for (const exec_policy& pol : measure_policies()) {
        Rng rng(3);
        StateVector<TestType> c(s);
        index_t o = static_cast<index_t>(measure(c, 7, rng, pol));
        o |= measure(c, std::vector<qubit_t>{1, 4, 9}, rng, pol) << 1;
        o |= static_cast<index_t>(reset(c, 0, rng, pol)) << 4;
        outcomes.push_back(o);
        results.push_back(c);
    }
    for (std::size_t i = 1; i < results.size(); ++i) {
        CHECK(outcomes[i] == outcomes[0]);
        CHECK(test::to_eigen(results[i]) == test::to_eigen(results[0]));
    }
}

TEST_CASE("measurement errors name the bad value", "[measure][errors]") {
    StateVector<double> s(5);
    Rng rng(1);
    CHECK_THROWS_MATCHES(probability_one(s, 5), index_error, test::MessageContains("qubit 5 out of range [0, 5)"));
    CHECK_THROWS_MATCHES(marginal_probabilities(s, std::vector<qubit_t>{1, 1}), index_error,
                         test::MessageContains("qubit 1 is listed twice"));
    CHECK_THROWS_MATCHES(marginal_probabilities(s, std::vector<qubit_t>{0, 7}), index_error,
                         test::MessageContains("qubit 7 out of range [0, 5)"));
    CHECK_THROWS_MATCHES(measure(s, 9, rng), index_error, test::MessageContains("measure: qubit 9 out of range [0, 5)"));
    CHECK_THROWS_MATCHES(measure(s, std::vector<qubit_t>{2, 3, 2}, rng), index_error,
                         test::MessageContains("measure: qubit 2 is listed twice"));
    CHECK_THROWS_MATCHES(measure(s, std::vector<qubit_t>{2, 6}, rng), index_error,
                         test::MessageContains("qubit 6 out of range [0, 5)"));
    CHECK_THROWS_MATCHES(reset(s, 5, rng), index_error, test::MessageContains("reset: qubit 5 out of range [0, 5)"));
    CHECK_THROWS_MATCHES(project(s, 8, 0), index_error, test::MessageContains("project: qubit 8 out of range [0, 5)"));
    CHECK_THROWS_MATCHES(project(s, 0, 2), value_error, test::MessageContains("outcome must be 0 or 1, got 2"));

    StateVector<float> zero(3);
    zero[0] = 0;
    CHECK_THROWS_MATCHES(sample(zero, 10, 1), value_error, test::MessageContains("cannot sample from a state of norm^2 0"));
    CHECK_THROWS_MATCHES(sample_counts(zero, 10, 1), value_error, test::MessageContains("norm^2 0"));
    CHECK_THROWS_MATCHES(measure(zero, 1, rng), value_error, test::MessageContains("cannot measure qubit 1: the state has norm^2 0"));
    CHECK_THROWS_MATCHES(measure(zero, std::vector<qubit_t>{0}, rng), value_error, test::MessageContains("norm^2 0"));
    CHECK_THROWS_MATCHES(reset(zero, 2, rng), value_error, test::MessageContains("cannot reset qubit 2"));
    CHECK_THROWS_MATCHES(project(zero, 2, 0), value_error, test::MessageContains("norm^2 0"));

    // Shot counts beyond memory fail before allocating.
    CHECK_THROWS_MATCHES(sample(s, std::size_t{1} << 60, 1), memory_error, test::MessageContains("sampling 1152921504606846976 shots"));
    CHECK_THROWS_AS(sample_counts(s, std::numeric_limits<std::size_t>::max(), 1), memory_error);
    set_memory_limit(1000);
    CHECK_THROWS_MATCHES(sample(s, 100, 1), memory_error, test::MessageContains("set with qcoach::set_memory_limit"));
    set_memory_limit(0);
    CHECK(sample(s, 100, 1).size() == 100);
}

TEST_CASE("samples come in an independent order, not sorted", "[measure][sample]") {
    // For |+> every shot is 0 or 1 with probability 1/2 independently, so consecutive shots
    // differ with probability 1/2: over N shots the number of changes is N/2 +- sqrt(N)/2.
    StateVector<double> plus(1);
    apply(plus, gates::h(0));
    const std::size_t shots = 10000;
    const auto s = sample(plus, shots, 99);
    std::size_t changes = 0, ones = 0;
    for (std::size_t i = 0; i < shots; ++i) {
        ones += s[i];
        if (i > 0 && s[i] != s[i - 1]) ++changes;
    }
    CHECK(std::abs(static_cast<double>(changes) - shots / 2.0) < 4 * 50.0);
    CHECK(std::abs(static_cast<double>(ones) - shots / 2.0) < 4 * 50.0);
}

TEMPLATE_TEST_CASE("few shots on a broad state pass a chi-square test", "[measure][sample]", float, double) {
    // With few shots per call most probability blocks hold no target and are skipped by their
    // sum; pooling 5000 calls of 20 shots checks that skipping keeps the distribution. The
    // weights 1 + (z mod 7) give every outcome of the 2^12 some probability.
    const qubit_t n = 12;
    const std::size_t dim = std::size_t{1} << n;
    std::vector<double> w(dim);
    double sum = 0.0;
    for (std::size_t z = 0; z < dim; ++z) sum += (w[z] = 1.0 + static_cast<double>(z % 7));
    std::vector<cd> amps(dim);
    for (std::size_t z = 0; z < dim; ++z) amps[z] = std::polar(std::sqrt(w[z] / sum), 0.37 * static_cast<double>(z));
    const auto s = StateVector<TestType>::from_amplitudes(amps, 1e-4);
    const std::vector<double> p = probabilities(s);
    double psum = 0.0;
    for (double x : p) psum += x;
    std::vector<double> observed(dim, 0.0);
    const std::size_t calls = 5000, shots = 20;
    for (std::size_t c = 0; c < calls; ++c)
        for (index_t z : sample(s, shots, 1000 + c)) observed[z] += 1.0;
    // Bins of 64 consecutive outcomes: ~31 expected counts each.
    const double total = static_cast<double>(calls * shots);
    double chi2 = 0.0;
    const std::size_t bin = 64;
    for (std::size_t b = 0; b < dim; b += bin) {
        double e = 0.0, o = 0.0;
        for (std::size_t z = b; z < b + bin; ++z) {
            e += total * p[z] / psum;
            o += observed[z];
        }
        chi2 += (o - e) * (o - e) / e;
    }
    const double df = static_cast<double>(dim / bin - 1);
    const double critical = chi_square_quantile(df, 3.0902);
    INFO("chi2 = " << chi2 << " with " << df << " degrees of freedom; 0.999 critical value " << critical);
    CHECK(chi2 < critical);
    // Within a bin the outcomes must not drift to the later indices either: counts by the
    // position inside the 64-outcome chunk against their expectation.
    std::vector<double> pos_e(bin, 0.0), pos_o(bin, 0.0);
    for (std::size_t z = 0; z < dim; ++z) {
        pos_e[z % bin] += total * p[z] / psum;
        pos_o[z % bin] += observed[z];
    }
    double chi2_pos = 0.0;
    for (std::size_t k = 0; k < bin; ++k) chi2_pos += (pos_o[k] - pos_e[k]) * (pos_o[k] - pos_e[k]) / pos_e[k];
    const double critical_pos = chi_square_quantile(static_cast<double>(bin - 1), 3.0902);
    INFO("position chi2 = " << chi2_pos << "; critical " << critical_pos);
    CHECK(chi2_pos < critical_pos);
}
