#include <catch2/catch.hpp>

#include "support/matchers.hpp"

#include <string>
#include <vector>

#include <Eigen/Sparse>
#include <unsupported/Eigen/KroneckerProduct>

#include "qcoach/statevector/statevector.hpp"
#include "support/policies.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;
using qcoach::test::policy;

namespace {

Eigen::MatrixXcd pauli_matrix(Pauli p) {
    Eigen::MatrixXcd m(2, 2);
    switch (p) {
    case Pauli::I: m << 1, 0, 0, 1; break;
    case Pauli::X: m << 0, 1, 1, 0; break;
    case Pauli::Y: m << 0, cd(0, -1), cd(0, 1), 0; break;
    case Pauli::Z: m << 1, 0, 0, -1; break;
    }
    return m;
}

/// Dense reference: coefficient · P_{n-1} ⊗ ... ⊗ P_0 (qubit 0 is the rightmost, least
/// significant factor), built from the letters alone, not from the masks.
Eigen::MatrixXcd dense(const PauliString& p, qubit_t n) {
    Eigen::MatrixXcd out = Eigen::MatrixXcd::Identity(1, 1);
    for (int q = static_cast<int>(n) - 1; q >= 0; --q) out = Eigen::kroneckerProduct(out, pauli_matrix(p.op(q))).eval();
    return p.coefficient() * out;
}

/// The same Kronecker product with sparse factors, for the 10-qubit states.
Eigen::SparseMatrix<cd> sparse(const PauliString& p, qubit_t n) {
    Eigen::SparseMatrix<cd> out(1, 1);
    out.insert(0, 0) = p.coefficient();
    for (int q = static_cast<int>(n) - 1; q >= 0; --q) {
        const Eigen::SparseMatrix<cd> f = pauli_matrix(p.op(q)).sparseView();
        Eigen::SparseMatrix<cd> next = Eigen::kroneckerProduct(out, f);
        out = next;
    }
    return out;
}

/// Both kernel paths, each serial and with two threads and no serial cutoff.
std::vector<exec_policy> pauli_policies() {
    return {policy(1, index_t{1} << 14, kernel_path::simd), policy(1, index_t{1} << 14, kernel_path::scalar),
            policy(2, 0, kernel_path::simd), policy(2, 0, kernel_path::scalar)};
}

std::string name(const exec_policy& p) {
    return std::string(p.path == kernel_path::simd ? "simd" : "scalar") + ", " + std::to_string(p.threads) + " thread(s)";
}

PauliString random_string(qubit_t n, Rng& rng) {
    PauliString p;
    for (qubit_t q = 0; q < n; ++q) {
        const auto op = static_cast<Pauli>(rng.below(4));
        if (op != Pauli::I) p.set(q, op);
    }
    return p;
}

template <class Real>
double tolerance() {
    return std::is_same_v<Real, float> ? 2e-5 : 1e-12;
}

void check_parse_error(const std::string& text, bool sum, int line, int column, const std::string& part) {
    INFO("text \"" << text << "\"");
    try {
        if (sum) {
            (void)PauliSum::parse(text);
        } else {
            (void)PauliString::parse(text);
        }
        FAIL("no parse_error");
    } catch (const parse_error& e) {
        INFO("message: " << e.what());
        CHECK(e.line() == line);
        CHECK(e.column() == column);
        CHECK(std::string(e.what()).find(part) != std::string::npos);
    }
}

} // namespace

TEST_CASE("Pauli strings parse, build and report their masks", "[pauli]") {
    const PauliString p = PauliString::parse("X0 Z3 Y5");
    CHECK(p.x_mask() == 0b100001);
    CHECK(p.z_mask() == 0b101000);
    CHECK(p.num_y() == 1);
    CHECK(p.weight() == 3);
    CHECK(p.min_qubits() == 6);
    CHECK(p.op(0) == Pauli::X);
    CHECK(p.op(1) == Pauli::I);
    CHECK(p.op(3) == Pauli::Z);
    CHECK(p.op(5) == Pauli::Y);
    CHECK(p.coefficient() == cd(1));
    CHECK(p.to_string() == "X0 Z3 Y5");
    CHECK(p.ops() == std::vector<std::pair<qubit_t, Pauli>>{{0, Pauli::X}, {3, Pauli::Z}, {5, Pauli::Y}});
    CHECK_FALSE(p.is_diagonal());

    CHECK(PauliString::parse("x0 z3 y5") == p);
    CHECK(PauliString::parse("  X0*Z3 *  Y5\t") == p);
    CHECK(PauliString::parse("Y5 I1 X0 Z3") == p);
    CHECK(PauliString().x(0).z(3).y(5) == p);
    CHECK(PauliString{{0, Pauli::X}, {3, Pauli::Z}, {5, Pauli::Y}} == p);
    CHECK(PauliString(std::vector<std::pair<qubit_t, Pauli>>{{5, Pauli::Y}, {2, Pauli::I}, {0, Pauli::X}, {3, Pauli::Z}}) == p);
    CHECK(PauliString::from_masks(0b100001, 0b101000) == p);
    CHECK(PauliString::parse(p.to_string()) == p);

    CHECK(PauliString::parse("I").is_identity());
    CHECK(PauliString::parse("I7").is_identity());
    CHECK(PauliString::parse("I").to_string() == "I");
    CHECK(PauliString::parse("\tZ2\nZ4 ").is_diagonal());
    CHECK(PauliString::parse("X49").min_qubits() == 50);

    // P|z> = i^{#Y} (-1)^{popcount(z & zmask)} |z ^ xmask>
    CHECK(PauliString::parse("Y0").apply_to_basis(0) == std::pair<index_t, cd>{1, cd(0, 1)});
    CHECK(PauliString::parse("Y0").apply_to_basis(1) == std::pair<index_t, cd>{0, cd(0, -1)});
    CHECK(PauliString::parse("Z1").apply_to_basis(2) == std::pair<index_t, cd>{2, cd(-1)});
    CHECK(PauliString::parse("X2").apply_to_basis(1) == std::pair<index_t, cd>{5, cd(1)});
}

TEST_CASE("Pauli string parse errors name the token and its position", "[pauli][errors]") {
    check_parse_error("X0 Q3", false, 1, 4, "unknown Pauli letter 'Q' in token \"Q3\"");
    check_parse_error("X0 Q3", false, 1, 4, "Pauli string \"X0 Q3\":1:4:");
    check_parse_error("X0 Z", false, 1, 4, "missing qubit index after 'Z' in token \"Z\"");
    check_parse_error("X0 y", false, 1, 4, "missing qubit index after 'y'");
    check_parse_error("X3 Z3", false, 1, 4, "qubit 3 appears twice in one product (token \"Z3\"; first use at column 1)");
    check_parse_error("X3 I3", false, 1, 4, "qubit 3 appears twice");
    check_parse_error("X0Z1", false, 1, 1, "unexpected 'Z' in token \"X0Z1\"");
    check_parse_error("X50", false, 1, 1, "qubit 50 in token \"X50\" out of range [0, 50)");
    check_parse_error("Z1 X99999999999999999999999", false, 1, 4, "out of range [0, 50)");
    check_parse_error("", false, 1, 1, "empty input");
    check_parse_error("   ", false, 1, 4, "empty input");
    check_parse_error("0.5 X0", false, 1, 1, "unexpected number \"0.5\": a Pauli string has no coefficient");
    check_parse_error("X0 + Z1", false, 1, 4, "unexpected \"+\"");
    check_parse_error("X0 *", false, 1, 5, "expected a Pauli factor after '*', found the end of the input");
    check_parse_error("X0 # Z1", false, 1, 4, "unexpected \"#\"");
    check_parse_error("X0\n  Q1", false, 2, 3, "unknown Pauli letter 'Q'");
    CHECK_THROWS_AS(PauliString::parse("X0 Q3"), qcoach::error);

    CHECK_THROWS_MATCHES(PauliString().x(0).z(0), index_error, test::MessageContains("qubit 0 already carries X"));
    CHECK_THROWS_MATCHES(PauliString().y(50), index_error, test::MessageContains("qubit 50 out of range [0, 50)"));
    CHECK_THROWS_MATCHES((PauliString{{1, Pauli::X}, {1, Pauli::Z}}), index_error, test::MessageContains("qubit 1 is listed twice"));
    CHECK_THROWS_MATCHES(PauliString::from_masks(index_t{1} << 55, 0), index_error, test::MessageContains("qubit 55 out of range"));
}

TEST_CASE("Pauli products and basis action follow the matrices", "[pauli]") {
    const cd i(0, 1);
    CHECK(PauliString::parse("X0") * PauliString::parse("Y0") == PauliString::from_masks(0, 1, i));
    CHECK(PauliString::parse("Y0") * PauliString::parse("X0") == PauliString::from_masks(0, 1, -i));
    CHECK(PauliString::parse("X0") * PauliString::parse("Z0") == PauliString::from_masks(1, 1, -i));

    // Every pair of strings on two qubits, with coefficients.
    std::vector<PauliString> all;
    for (index_t x = 0; x < 4; ++x)
        for (index_t z = 0; z < 4; ++z) all.push_back(PauliString::from_masks(x, z, cd(0.5 + x, 0.25 * z - 0.3)));
    for (const auto& a : all) {
        for (const auto& b : all) {
            INFO(a.to_string() << " * " << b.to_string());
            CHECK((dense(a * b, 2) - dense(a, 2) * dense(b, 2)).cwiseAbs().maxCoeff() < 1e-12);
        }
    }
    CHECK((dense(2.0 * all[7], 2) - 2.0 * dense(all[7], 2)).cwiseAbs().maxCoeff() < 1e-12);

    // Column z of the matrix has one entry, at apply_to_basis(z).
    for (index_t x = 0; x < 8; ++x) {
        for (index_t z = 0; z < 8; ++z) {
            const PauliString p = PauliString::from_masks(x, z, cd(0.3, -0.8));
            const Eigen::MatrixXcd m = dense(p, 3);
            for (index_t b = 0; b < 8; ++b) {
                const auto [image, amp] = p.apply_to_basis(b);
                Eigen::VectorXcd col = Eigen::VectorXcd::Zero(8);
                col(static_cast<Eigen::Index>(image)) = amp;
                INFO(p.to_string() << " on |" << b << ">");
                CHECK((m.col(static_cast<Eigen::Index>(b)) - col).cwiseAbs().maxCoeff() < 1e-15);
            }
        }
    }
}

TEST_CASE("Pauli sums parse, combine like terms and print back", "[pauli]") {
    const PauliSum h = PauliSum::parse("0.5 * X0 Z1 - 0.3 * Y2 + 1.2");
    CHECK(h.size() == 3);
    CHECK(h.constant() == 1.2);
    CHECK(h.min_qubits() == 3);
    const PauliSum built = PauliSum().add(0.5, "X0 Z1").add(-0.3, PauliString().y(2)).add_constant(1.2);
    CHECK(h == built);
    const auto terms = h.terms();
    REQUIRE(terms.size() == 3);
    CHECK(terms[0] == std::pair<double, PauliString>{1.2, PauliString()}); // ordered by (x mask, z mask)
    CHECK(terms[1] == std::pair<double, PauliString>{0.5, PauliString::parse("X0 Z1")});
    CHECK(terms[2] == std::pair<double, PauliString>{-0.3, PauliString::parse("Y2")});

    CHECK(PauliSum::parse("X0 + x0").terms() == std::vector<std::pair<double, PauliString>>{{2.0, PauliString().x(0)}});
    CHECK(PauliSum::parse("X0 - X0").empty());
    CHECK(PauliSum::parse("2 X0 Z1 + Z1*X0").terms()[0].first == 3.0);
    CHECK(PauliSum::parse("-Z0").terms()[0].first == -1.0);
    CHECK(PauliSum::parse("+ 1e-3 * Z0 + .5").constant() == 0.5);
    CHECK(PauliSum::parse("0.5*I - 0.5 * I").empty());
    CHECK(PauliSum::parse("3\n - 2 * X1").size() == 2);

    PauliSum odd;
    odd.add(0.1, "X0 Y1").add(-1.0 / 3.0, "Z2").add(1e-17, "Y0 Y1 Y2").add_constant(-2.5);
    CHECK(PauliSum::parse(odd.to_string()) == odd);
    CHECK(PauliSum().to_string() == "0");
    CHECK(PauliSum::parse("0").empty());
    CHECK(h.to_string() == "1.2 + 0.5 * X0 Z1 - 0.3 * Y2");

    CHECK(h + built == 2.0 * h);
    CHECK((h - built).empty());
    CHECK(-h == h * -1.0);
    CHECK((h * 0.0).empty());
    PauliSum acc;
    acc += h;
    acc -= PauliSum(PauliString::parse("Y2") * -0.3);
    CHECK(acc.size() == 2);

    // A PauliSum is Hermitian: X0 Z0 = -i Y0 has an imaginary coefficient, i X0 Z0 = Y0 does not.
    const PauliString xz = PauliString::parse("X0") * PauliString::parse("Z0");
    CHECK_THROWS_MATCHES(PauliSum().add(xz), value_error, test::MessageContains("weights must be real"));
    CHECK(PauliSum().add(cd(0, 1) * xz) == PauliSum::parse("Y0"));
    CHECK_THROWS_MATCHES(PauliSum().add(std::nan(""), "X0"), value_error, test::MessageContains("not finite"));
}

TEST_CASE("Pauli sum parse errors name the token and its position", "[pauli][errors]") {
    check_parse_error("0.5 *", true, 1, 6, "expected a Pauli factor after '*', found the end of the input");
    check_parse_error("0.5 * 2 * X0", true, 1, 7, "expected a Pauli factor after '*', found \"2\"");
    check_parse_error("X0 +", true, 1, 5, "expected a term after '+'");
    check_parse_error("X0 Z1 Q2", true, 1, 7, "unknown Pauli letter 'Q' in token \"Q2\"");
    check_parse_error("X0 Z1 Q2", true, 1, 7, "Pauli sum \"X0 Z1 Q2\":1:7:");
    check_parse_error("1e999 X0", true, 1, 1, "number \"1e999\" is out of range");
    check_parse_error("X0 0.5", true, 1, 4, "expected '+' or '-' between terms, found \"0.5\"");
    check_parse_error("", true, 1, 1, "empty input");
    check_parse_error("-", true, 1, 2, "expected a term after the sign");
    check_parse_error("X0 + * Z1", true, 1, 6, "expected a term (number or Pauli factor such as X0), found \"*\"");
    check_parse_error("X0 - - Z1", true, 1, 6, "expected a term");
    check_parse_error("0.5 X1 Z2 X1", true, 1, 11, "qubit 1 appears twice in one product (token \"X1\"; first use at column 5)");
    check_parse_error("2 * X", true, 1, 5, "missing qubit index after 'X'");
}

TEMPLATE_TEST_CASE("Pauli string expectations match dense matrices", "[pauli][expectation]", float, double) {
    const double tol = tolerance<TestType>();
    Rng rng(17);
    // Every string on 1, 2 and 4 qubits: X, Y, Z in and across SIMD registers.
    for (qubit_t n : {1u, 2u, 4u}) {
        const auto s = test::random_state<TestType>(n, rng);
        const Eigen::VectorXcd v = test::to_eigen(s);
        for (index_t x = 0; x < (index_t{1} << n); ++x) {
            for (index_t z = 0; z < (index_t{1} << n); ++z) {
                const PauliString p = PauliString::from_masks(x, z);
                const cd want = v.dot(dense(p, n) * v);
                for (const exec_policy& pol : pauli_policies()) {
                    INFO(p.to_string() << " on " << n << " qubits, " << name(pol));
                    const cd got = expectation(s, p, pol);
                    CHECK(std::abs(got - want) < tol);
                    CHECK(std::abs(got.imag()) < tol);
                }
            }
        }
    }

    // First and last qubit, scattered positions, several Y, complex coefficients.
    const qubit_t n = 7;
    const auto s = test::random_state<TestType>(n, rng);
    const Eigen::VectorXcd v = test::to_eigen(s);
    std::vector<PauliString> strings;
    for (const char* t : {"X0", "Y0", "Z0", "X6", "Y6", "Z6", "X0 Y6", "Y0 Z6", "Z0 X6", "Y1 Z3 X6", "X1 Y2 Z4 X5",
                          "Y0 Y1 Y2", "Y0 Y1 Y2 Y3", "X0 X1", "Z0 Z1 Z2 Z3 Z4 Z5 Z6", "X0 X1 X2 X3 X4 X5 X6", "I"})
        strings.push_back(PauliString::parse(t));
    strings.push_back(PauliString::parse("Y2 X5") * cd(0.3, -0.7));
    for (int k = 0; k < 30; ++k) strings.push_back(random_string(n, rng));
    for (const PauliString& p : strings) {
        const cd want = v.dot(dense(p, n) * v);
        for (const exec_policy& pol : pauli_policies()) {
            INFO(p.to_string() << " (coefficient " << p.coefficient() << "), " << name(pol));
            CHECK(std::abs(expectation(s, p, pol) - want) < tol);
        }
    }
}

TEMPLATE_TEST_CASE("Pauli sum expectations match dense matrices", "[pauli][expectation]", float, double) {
    const double tol = 4 * tolerance<TestType>();
    Rng rng(23);
    const qubit_t n = 6;
    const auto s = test::random_state<TestType>(n, rng);
    const Eigen::VectorXcd v = test::to_eigen(s);

    // Terms drawn from a few x masks, so that groups hold several terms with different z and #Y.
    const index_t xs[] = {0, 0b000001, 0b100000, 0b010110, 0b111111};
    PauliSum h;
    for (int k = 0; k < 60; ++k) {
        const index_t x = xs[rng.below(5)];
        const index_t z = rng.below(64);
        h.add(rng.normal(), PauliString::from_masks(x, z));
    }
    h.add_constant(0.75);
    Eigen::MatrixXcd m = Eigen::MatrixXcd::Zero(64, 64);
    for (const auto& [w, p] : h.terms()) m += w * dense(p, n);
    const cd want = v.dot(m * v);
    CHECK(std::abs(want.imag()) < 1e-10);
    for (const exec_policy& pol : pauli_policies()) {
        INFO(name(pol));
        CHECK(std::abs(expectation(s, h, pol) - want.real()) < tol);
    }

    const PauliSum parsed = PauliSum::parse("0.5 * X0 Z1 - 0.3 * Y2 + 1.2 - 2 Z5 Y0 + X5 X4");
    Eigen::MatrixXcd mp = Eigen::MatrixXcd::Zero(64, 64);
    for (const auto& [w, p] : parsed.terms()) mp += w * dense(p, n);
    for (const exec_policy& pol : pauli_policies()) CHECK(std::abs(expectation(s, parsed, pol) - v.dot(mp * v).real()) < tol);
    CHECK(expectation(s, PauliSum()) == 0.0);
}

TEMPLATE_TEST_CASE("expectations are the same for every thread count", "[pauli][expectation]", float, double) {
    const double tol = 10 * tolerance<TestType>();
    Rng rng(29);
    const qubit_t n = 10;
    const auto s = test::random_state<TestType>(n, rng);
    const Eigen::VectorXcd v = test::to_eigen(s);
    PauliSum h;
    for (int k = 0; k < 25; ++k) h.add(rng.normal(), random_string(n, rng));
    h.add(0.5, "Z0 Z9").add(-0.25, "Y0 X9").add(0.125, "X1 X2");
    Eigen::SparseMatrix<cd> m(1024, 1024);
    for (const auto& [w, p] : h.terms()) m += w * sparse(p, n);
    const double want = v.dot(m * v).real();
    for (kernel_path path : {kernel_path::simd, kernel_path::scalar}) {
        const double one = expectation(s, h, policy(1, 0, path));
        const double two = expectation(s, h, policy(2, 0, path));
        const double serial = expectation(s, h, policy(2, index_t{1} << 20, path));
        INFO((path == kernel_path::simd ? "simd" : "scalar"));
        CHECK(one == two);
        CHECK(one == serial);
        CHECK(std::abs(one - want) < tol);
        const PauliString p = PauliString::parse("Y0 X3 Z7 Y9");
        CHECK(expectation(s, p, policy(1, 0, path)) == expectation(s, p, policy(2, 0, path)));
        CHECK(std::abs(expectation(s, p, policy(2, 0, path)) - v.dot(sparse(p, n) * v)) < tol);
    }
}

TEMPLATE_TEST_CASE("diagonal observables", "[pauli][expectation]", float, double) {
    Rng rng(37);
    const qubit_t n = 7;
    const auto s = test::random_state<TestType>(n, rng);
    const Eigen::VectorXcd v = test::to_eigen(s);
    std::vector<double> d(128);
    std::vector<float> df(128);
    double want = 0.0, want_f = 0.0;
    for (std::size_t z = 0; z < d.size(); ++z) {
        d[z] = rng.normal() * 3;
        df[z] = static_cast<float>(d[z]);
        want += std::norm(v(static_cast<Eigen::Index>(z))) * d[z];
        want_f += std::norm(v(static_cast<Eigen::Index>(z))) * double(df[z]);
    }
    CHECK(expectation_diagonal(s, d) == Approx(want).epsilon(1e-12));
    CHECK(expectation_diagonal(s, std::span<const double>(d)) == Approx(want).epsilon(1e-12));
    CHECK(expectation_diagonal(s, df) == Approx(want_f).epsilon(1e-12));
    CHECK(expectation_diagonal(s, d, policy(2, 0, kernel_path::simd)) == expectation_diagonal(s, d, policy(1, 0, kernel_path::simd)));

    // A Z string is the diagonal (-1)^{popcount(z & zmask)}.
    const PauliString zz = PauliString::parse("Z1 Z4 Z6");
    std::vector<double> sign(128);
    for (index_t z = 0; z < 128; ++z) sign[z] = (std::popcount(z & zz.z_mask()) & 1) ? -1.0 : 1.0;
    CHECK(expectation(s, zz).real() == Approx(expectation_diagonal(s, sign)).margin(tolerance<TestType>()));

    CHECK_THROWS_MATCHES(expectation_diagonal(s, std::vector<double>(127)), value_error,
                         test::MessageContains("diagonal observable has 127 entries; a state of 7 qubits needs 128"));
}

TEST_CASE("expectation errors name the qubit", "[pauli][errors]") {
    StateVector<double> s(5);
    CHECK_THROWS_MATCHES(expectation(s, PauliString::parse("X0 Y7")), index_error,
                         test::MessageContains("Pauli string X0 Y7 acts on qubit 7, out of range [0, 5)"));
    CHECK_THROWS_MATCHES(expectation(s, PauliSum::parse("Z0 + 0.5 * Z0 X5")), index_error,
                         test::MessageContains("term Z0 X5 acts on qubit 5, out of range [0, 5) for a state of 5 qubits"));
    CHECK(expectation(s, PauliString::parse("Z4")).real() == 1.0);
}
