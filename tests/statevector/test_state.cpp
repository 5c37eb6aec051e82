#include <catch2/catch.hpp>

#include "support/matchers.hpp"

#include <numbers>

#include "qcoach/statevector/statevector.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;

TEMPLATE_TEST_CASE("state construction", "[state]", float, double) {
    StateVector<TestType> s(4);
    CHECK(s.num_qubits() == 4);
    CHECK(s.size() == 16);
    CHECK(s[0] == std::complex<TestType>(1));
    CHECK(s.norm() == Approx(1.0));
    CHECK(reinterpret_cast<std::uintptr_t>(s.data()) % 64 == 0);

    auto b = StateVector<TestType>::basis(4, 9);
    CHECK(b[9] == std::complex<TestType>(1));
    CHECK(b[0] == std::complex<TestType>(0));
    CHECK(b.amplitude(9) == std::complex<TestType>(1));
    b.set_zero_state();
    CHECK(b[0] == std::complex<TestType>(1));
    b.set_basis_state(3);
    CHECK(b[3] == std::complex<TestType>(1));
    CHECK(b[0] == std::complex<TestType>(0));

    const double r = std::numbers::sqrt2 / 2;
    std::vector<cd> amps{r, 0, 0, cd(0, r)};
    auto bell = StateVector<TestType>::from_amplitudes(amps);
    CHECK(bell.num_qubits() == 2);
    CHECK(std::abs(cd(bell[3]) - cd(0, r)) < 1e-7);

    StateVector<TestType> copy(bell);
    CHECK(copy.fidelity(bell) == Approx(1.0));
    copy = s;
    CHECK(copy.num_qubits() == 4);
}

TEMPLATE_TEST_CASE("inner product, norm and fidelity against Eigen", "[state]", float, double) {
    Rng rng(5);
    auto a = test::random_state<TestType>(6, rng);
    auto b = test::random_state<TestType>(6, rng);
    const Eigen::VectorXcd ea = test::to_eigen(a), eb = test::to_eigen(b);
    const cd want = ea.dot(eb); // Eigen's dot conjugates the first argument
    CHECK(std::abs(a.inner(b) - want) < 1e-6);
    CHECK(a.fidelity(b) == Approx(std::norm(want) / (ea.squaredNorm() * eb.squaredNorm())).epsilon(1e-5));
    CHECK(a.norm() == Approx(ea.norm()).epsilon(1e-6));
    // fidelity ignores a global phase
    StateVector<TestType> c(a);
    apply(c, gates::p(0, 1.0));
    apply(c, gates::x(0));
    apply(c, gates::p(0, 1.0));
    apply(c, gates::x(0));
    CHECK(c.fidelity(a) == Approx(1.0).epsilon(1e-6));
    // normalize rescales an unnormalized state
    StateVector<TestType> d(a);
    for (auto& x : d.amplitudes()) x *= TestType(3);
    d.normalize();
    CHECK(d.norm() == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("state errors name the bad value", "[state][errors]") {
    std::vector<cd> three(3, cd(0.5));
    CHECK_THROWS_MATCHES(StateVector<double>::from_amplitudes(three), value_error, test::MessageContains("length 3"));
    std::vector<cd> unnormalized{1.0, 1.0};
    CHECK_THROWS_MATCHES(StateVector<double>::from_amplitudes(unnormalized), value_error,
                         test::MessageContains("not normalized: norm is 1.41"));
    std::vector<cd> nan_amp{std::nan(""), 0.0};
    CHECK_THROWS_MATCHES(StateVector<double>::from_amplitudes(nan_amp), value_error, test::MessageContains("not finite"));
    CHECK_THROWS_MATCHES(StateVector<double>::basis(3, 8), index_error, test::MessageContains("basis index 8 out of range [0, 8)"));
    StateVector<double> s(2);
    CHECK_THROWS_AS(s.amplitude(4), index_error);
    CHECK_THROWS_MATCHES(StateVector<double>(0), value_error, test::MessageContains("got 0"));
    CHECK_THROWS_MATCHES(StateVector<float>(64), value_error, test::MessageContains("[1, 50], got 64"));
    StateVector<double> zero(1);
    zero[0] = 0;
    CHECK_THROWS_AS(zero.normalize(), value_error);
    StateVector<double> other(3);
    CHECK_THROWS_MATCHES(s.inner(other), value_error, test::MessageContains("2 and 3 qubits"));
}

TEST_CASE("too many qubits for memory is refused before allocating", "[state][errors][memory]") {
    // 48 qubits in double is 4 PiB: far above any machine's memory, refused by the default limit.
    CHECK_THROWS_MATCHES(StateVector<double>(48), memory_error, test::MessageContains("a state of 48 qubits (double) needs 4.000 PiB"));
    CHECK(StateVector<double>::required_bytes(20) == (std::uint64_t{1} << 24));
    set_memory_limit(1 << 20); // 1 MiB
    CHECK_THROWS_MATCHES(StateVector<float>(18), memory_error,
                         test::MessageContains("needs 2.000 MiB but the memory limit is 1.000 MiB"));
    CHECK_THROWS_AS(StateVector<double>(17), memory_error);
    CHECK_NOTHROW(StateVector<float>(17)); // exactly 1 MiB
    set_memory_limit(0);
    CHECK_NOTHROW(StateVector<float>(18));
}
