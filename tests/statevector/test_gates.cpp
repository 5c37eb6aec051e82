// Every gate against a dense reference built from Eigen Kronecker products, on random states,
// with its qubits at 0, at n-1 and at non-adjacent positions in both orders; SIMD and scalar
// kernels both checked.

#include <catch2/catch.hpp>

#include "support/matchers.hpp"

#include <functional>
#include <numbers>
#include <string>

#include "qcoach/statevector/statevector.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using qcoach::test::cd;

namespace {

struct GateMaker {
    std::string name;
    unsigned arity; // controls + targets
    std::function<Gate(const std::vector<qubit_t>&, Rng&)> make;
};

double angle(Rng& rng) { return (rng.uniform() * 2 - 1) * 2 * std::numbers::pi; }

std::vector<GateMaker> all_gates() {
    using Q = const std::vector<qubit_t>&;
    std::vector<GateMaker> g = {
        {"i", 1, [](Q q, Rng&) { return gates::i(q[0]); }},
        {"x", 1, [](Q q, Rng&) { return gates::x(q[0]); }},
        {"y", 1, [](Q q, Rng&) { return gates::y(q[0]); }},
        {"z", 1, [](Q q, Rng&) { return gates::z(q[0]); }},
        {"h", 1, [](Q q, Rng&) { return gates::h(q[0]); }},
        {"s", 1, [](Q q, Rng&) { return gates::s(q[0]); }},
        {"sdg", 1, [](Q q, Rng&) { return gates::sdg(q[0]); }},
        {"t", 1, [](Q q, Rng&) { return gates::t(q[0]); }},
        {"tdg", 1, [](Q q, Rng&) { return gates::tdg(q[0]); }},
        {"sx", 1, [](Q q, Rng&) { return gates::sx(q[0]); }},
        {"sxdg", 1, [](Q q, Rng&) { return gates::sxdg(q[0]); }},
        {"rx", 1, [](Q q, Rng& r) { return gates::rx(q[0], angle(r)); }},
        {"ry", 1, [](Q q, Rng& r) { return gates::ry(q[0], angle(r)); }},
        {"rz", 1, [](Q q, Rng& r) { return gates::rz(q[0], angle(r)); }},
        {"p", 1, [](Q q, Rng& r) { return gates::p(q[0], angle(r)); }},
        {"u2", 1, [](Q q, Rng& r) { return gates::u2(q[0], angle(r), angle(r)); }},
        {"u3", 1, [](Q q, Rng& r) { return gates::u3(q[0], angle(r), angle(r), angle(r)); }},
        {"cx", 2, [](Q q, Rng&) { return gates::cx(q[0], q[1]); }},
        {"cy", 2, [](Q q, Rng&) { return gates::cy(q[0], q[1]); }},
        {"cz", 2, [](Q q, Rng&) { return gates::cz(q[0], q[1]); }},
        {"ch", 2, [](Q q, Rng&) { return gates::ch(q[0], q[1]); }},
        {"swap", 2, [](Q q, Rng&) { return gates::swap(q[0], q[1]); }},
        {"iswap", 2, [](Q q, Rng&) { return gates::iswap(q[0], q[1]); }},
        {"sqrt_swap", 2, [](Q q, Rng&) { return gates::sqrt_swap(q[0], q[1]); }},
        {"crx", 2, [](Q q, Rng& r) { return gates::crx(q[0], q[1], angle(r)); }},
        {"cry", 2, [](Q q, Rng& r) { return gates::cry(q[0], q[1], angle(r)); }},
        {"crz", 2, [](Q q, Rng& r) { return gates::crz(q[0], q[1], angle(r)); }},
        {"cp", 2, [](Q q, Rng& r) { return gates::cp(q[0], q[1], angle(r)); }},
        {"cu3", 2, [](Q q, Rng& r) { return gates::cu3(q[0], q[1], angle(r), angle(r), angle(r)); }},
        {"rxx", 2, [](Q q, Rng& r) { return gates::rxx(q[0], q[1], angle(r)); }},
        {"ryy", 2, [](Q q, Rng& r) { return gates::ryy(q[0], q[1], angle(r)); }},
        {"rzz", 2, [](Q q, Rng& r) { return gates::rzz(q[0], q[1], angle(r)); }},
        {"ccx", 3, [](Q q, Rng&) { return gates::ccx(q[0], q[1], q[2]); }},
        {"cswap", 3, [](Q q, Rng&) { return gates::cswap(q[0], q[1], q[2]); }},
        {"mcu 2 controls (1,0)", 3,
         [](Q q, Rng& r) { return gates::mcu({q[0], q[1]}, q[2], test::random_unitary(2, r), {1, 0}); }},
        {"mcu 3 controls (0,1,0)", 4,
         [](Q q, Rng& r) { return gates::mcu({q[0], q[1], q[2]}, q[3], test::random_unitary(2, r), {0, 1, 0}); }},
        {"mcu 4 controls", 5,
         [](Q q, Rng& r) { return gates::mcu({q[0], q[1], q[2], q[3]}, q[4], test::random_unitary(2, r)); }},
        {"controlled 2q unitary, control 0", 3,
         [](Q q, Rng& r) { return gates::controlled(gates::unitary({q[1], q[2]}, test::random_unitary(4, r)), {q[0]}, {0}); }},
        {"controlled rzz", 3, [](Q q, Rng& r) { return gates::controlled(gates::rzz(q[1], q[2], angle(r)), {q[0]}); }},
        {"diagonal 3q", 3,
         [](Q q, Rng& r) {
             Eigen::VectorXcd d(8);
             for (auto& x : d) x = std::polar(1.0, angle(r));
             return gates::diagonal({q[0], q[1], q[2]}, d);
         }},
        {"controlled diagonal 2q, control 0", 3,
         [](Q q, Rng& r) {
             Eigen::VectorXcd d(4);
             for (auto& x : d) x = std::polar(1.0, angle(r));
             return gates::controlled(gates::diagonal({q[1], q[2]}, d), {q[0]}, {0});
         }},
    };
    for (unsigned k = 1; k <= 6; ++k) {
        g.push_back({"unitary " + std::to_string(k) + "q", k, [k](Q q, Rng& r) {
                         return gates::unitary(std::vector<qubit_t>(q.begin(), q.begin() + k), test::random_unitary(std::size_t{1} << k, r));
                     }});
    }
    return g;
}

/// Placements of an arity-k gate on n qubits: from qubit 0 up, from n-1 down, low and high mixed,
/// spaced apart, in both orders, and two random ones.
std::vector<std::vector<qubit_t>> placements(unsigned k, qubit_t n, Rng& rng) {
    std::vector<std::vector<qubit_t>> out;
    std::vector<qubit_t> up(k), down(k);
    for (unsigned i = 0; i < k; ++i) {
        up[i] = i;
        down[i] = n - 1 - i;
    }
    out.push_back(up);
    out.push_back(down);
    out.emplace_back(up.rbegin(), up.rend());
    if (n >= 2 * k) {
        std::vector<qubit_t> spaced(k), mixed(k);
        for (unsigned i = 0; i < k; ++i) spaced[i] = 1 + 2 * i < n ? 1 + 2 * i : 2 * i;
        out.push_back(spaced);
        out.emplace_back(spaced.rbegin(), spaced.rend());
        // alternate low and high ends: 0, n-1, 1, n-2, ...
        for (unsigned i = 0; i < k; ++i) mixed[i] = (i % 2 == 0) ? i / 2 : n - 1 - i / 2;
        out.push_back(mixed);
        out.emplace_back(mixed.rbegin(), mixed.rend());
    }
    for (int r = 0; r < 2; ++r) {
        std::vector<qubit_t> all(n);
        for (qubit_t q = 0; q < n; ++q) all[q] = q;
        for (qubit_t i = n - 1; i > 0; --i) std::swap(all[i], all[rng.below(i + 1)]);
        out.emplace_back(all.begin(), all.begin() + k);
    }
    return out;
}

exec_policy path_policy(kernel_path p) {
    exec_policy pol;
    pol.path = p;
    return pol;
}

template <class Real>
void check_gate_on(const Gate& g, qubit_t n, Rng& rng) {
    const StateVector<Real> psi0 = test::random_state<Real>(n, rng);
    const Eigen::VectorXcd expected = test::apply_reference(g.full_matrix(), g.qubits(), n, test::to_eigen(psi0));
    for (kernel_path path : {kernel_path::simd, kernel_path::scalar}) {
        StateVector<Real> psi(psi0);
        apply(psi, g, path_policy(path));
        const double err = (test::to_eigen(psi) - expected).cwiseAbs().maxCoeff();
        INFO("gate " << g.name() << " on qubits " << ::Catch::Detail::stringify(g.qubits()) << ", n = " << n
                     << ", path " << (path == kernel_path::simd ? "simd" : "scalar"));
        CHECK(err < test::state_tolerance<Real>());
    }
}

} // namespace

TEST_CASE("documented gate matrices", "[gates]") {
    const cd i(0, 1);
    const double r = std::numbers::sqrt2 / 2;
    Eigen::Matrix4cd cx;
    cx << 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0;
    CHECK(gates::cx(0, 1).full_matrix().isApprox(Eigen::MatrixXcd(cx)));
    Eigen::Matrix4cd cz = Eigen::Matrix4cd::Identity();
    cz(3, 3) = -1;
    CHECK(gates::cz(0, 1).full_matrix().isApprox(Eigen::MatrixXcd(cz)));
    Eigen::Matrix2cd y;
    y << 0, -i, i, 0;
    CHECK(gates::y(0).matrix().isApprox(Eigen::MatrixXcd(y)));
    Eigen::Matrix2cd h;
    h << r, r, r, -r;
    CHECK(gates::h(0).matrix().isApprox(Eigen::MatrixXcd(h)));
    CHECK(std::abs(gates::t(0).matrix()(1, 1) - std::polar(1.0, std::numbers::pi / 4)) < 1e-15);
    CHECK(std::abs(gates::s(0).matrix()(1, 1) - i) < 1e-15);
    // sx squared is X
    const Eigen::MatrixXcd sx = gates::sx(0).matrix();
    CHECK((sx * sx).isApprox(gates::x(0).matrix()));
    CHECK((gates::sxdg(0).matrix() * sx).isApprox(Eigen::MatrixXcd::Identity(2, 2)));
    // rotations: RX(theta) = exp(-i theta X / 2)
    const double th = 0.7;
    Eigen::Matrix2cd rx;
    rx << std::cos(th / 2), -i * std::sin(th / 2), -i * std::sin(th / 2), std::cos(th / 2);
    CHECK(gates::rx(0, th).matrix().isApprox(Eigen::MatrixXcd(rx)));
    Eigen::Matrix2cd ry;
    ry << std::cos(th / 2), -std::sin(th / 2), std::sin(th / 2), std::cos(th / 2);
    CHECK(gates::ry(0, th).matrix().isApprox(Eigen::MatrixXcd(ry)));
    CHECK(std::abs(gates::rz(0, th).matrix()(0, 0) - std::exp(-i * th / 2.0)) < 1e-15);
    // U3(theta, phi, lambda) = RZ(phi) RY(theta) RZ(lambda) up to the global phase e^{i(phi+lambda)/2}
    const double ph = 0.3, la = -1.1;
    const Eigen::MatrixXcd u3 = gates::u3(0, th, ph, la).matrix();
    const Eigen::MatrixXcd zyz = gates::rz(0, ph).matrix() * gates::ry(0, th).matrix() * gates::rz(0, la).matrix();
    CHECK(u3.isApprox(std::exp(i * (ph + la) / 2.0) * zyz));
    CHECK(gates::u2(0, ph, la).matrix().isApprox(gates::u3(0, std::numbers::pi / 2, ph, la).matrix()));
    // RZZ is exp(-i theta/2 Z⊗Z): diagonal with the parity pattern
    const Eigen::MatrixXcd rzz = gates::rzz(0, 1, th).matrix();
    CHECK(std::abs(rzz(1, 1) - std::exp(i * th / 2.0)) < 1e-15);
    CHECK(std::abs(rzz(3, 3) - std::exp(-i * th / 2.0)) < 1e-15);
    // RXX(pi) = -i X⊗X
    const Eigen::MatrixXcd xx = Eigen::kroneckerProduct(gates::x(0).matrix(), gates::x(0).matrix());
    CHECK(gates::rxx(0, 1, std::numbers::pi).matrix().isApprox(-i * xx));
    // √SWAP squared is SWAP; iSWAP maps |01> to i|10>
    const Eigen::MatrixXcd ss = gates::sqrt_swap(0, 1).matrix();
    CHECK((ss * ss).isApprox(gates::swap(0, 1).matrix()));
    CHECK(std::abs(gates::iswap(0, 1).matrix()(2, 1) - i) < 1e-15);
    // CCX flips bit 2 when bits 0 and 1 are set: |011> <-> |111>
    const Eigen::MatrixXcd ccx = gates::ccx(0, 1, 2).full_matrix();
    CHECK(std::abs(ccx(7, 3) - 1.0) < 1e-15);
    CHECK(std::abs(ccx(3, 7) - 1.0) < 1e-15);
    CHECK(std::abs(ccx(5, 5) - 1.0) < 1e-15);
    // CSWAP(c, a, b) exchanges a and b when c is set: |011> (c=1, a=1, b=0) <-> |101>
    const Eigen::MatrixXcd cswap = gates::cswap(0, 1, 2).full_matrix();
    CHECK(std::abs(cswap(5, 3) - 1.0) < 1e-15);
    CHECK(std::abs(cswap(2, 2) - 1.0) < 1e-15);
}

TEST_CASE("qubit q is bit q of the amplitude index", "[gates][convention]") {
    StateVector<double> s(3);
    apply(s, gates::x(1));
    CHECK(s[2] == cd(1.0));
    auto b = StateVector<double>::basis(3, 0b001);
    apply(b, gates::cx(0, 2));
    CHECK(b[0b101] == cd(1.0));
    // reference helpers agree with each other on the convention
    Rng rng(3);
    const Eigen::MatrixXcd u = test::random_unitary(2, rng);
    CHECK(test::embed(u, {1}, 3).isApprox(test::kron_single(u, 1, 3)));
    // The gate tests' reference applies embed() without forming it; on 1-, 2- and 3-qubit
    // operators, in and out of order, both give the same vector.
    const qubit_t n = 6;
    for (const std::vector<qubit_t>& qs : std::vector<std::vector<qubit_t>>{{0}, {5}, {4, 1}, {2, 3}, {5, 0, 3}}) {
        const Eigen::MatrixXcd m = test::random_unitary(std::size_t{1} << qs.size(), rng);
        const Eigen::VectorXcd v = test::random_vector(std::size_t{1} << n, rng);
        CHECK((test::apply_reference(m, qs, n, v) - test::embed(m, qs, n) * v).cwiseAbs().maxCoeff() < 1e-13);
    }
}

TEMPLATE_TEST_CASE("every gate matches the Kronecker-product reference", "[gates][kernels]", float, double) {
    Rng rng(20261121);
    const qubit_t n = 8;
    for (const GateMaker& maker : all_gates()) {
        for (const auto& q : placements(maker.arity, n, rng)) {
            check_gate_on<TestType>(maker.make(q, rng), n, rng);
        }
    }
}

TEMPLATE_TEST_CASE("gates on small registers (register-internal layouts)", "[gates][kernels]", float, double) {
    Rng rng(7);
    for (const GateMaker& maker : all_gates()) {
        for (qubit_t n = maker.arity; n <= 5; ++n) {
            for (const auto& q : placements(maker.arity, n, rng)) check_gate_on<TestType>(maker.make(q, rng), n, rng);
        }
    }
}

TEMPLATE_TEST_CASE("SIMD and scalar kernels agree on a 14-qubit state", "[gates][kernels]", float, double) {
    Rng rng(99);
    const qubit_t n = 14;
    StateVector<TestType> a = test::random_state<TestType>(n, rng);
    StateVector<TestType> b(a);
    const auto makers = all_gates();
    for (int step = 0; step < 60; ++step) {
        const GateMaker& m = makers[rng.below(makers.size())];
        const auto qs = placements(m.arity, n, rng);
        const Gate g = m.make(qs[rng.below(qs.size())], rng);
        apply(a, g, path_policy(kernel_path::simd));
        apply(b, g, path_policy(kernel_path::scalar));
    }
    double err = 0;
    for (index_t i = 0; i < a.size(); ++i) err = std::max(err, static_cast<double>(std::abs(a[i] - b[i])));
    CHECK(err < (std::is_same_v<TestType, float> ? 1e-5 : 1e-12));
}

TEMPLATE_TEST_CASE("500 random gates keep the norm", "[gates][norm]", float, double) {
    Rng rng(500);
    const qubit_t n = 10;
    StateVector<TestType> psi = test::random_state<TestType>(n, rng);
    const double n0 = psi.norm();
    const auto makers = all_gates();
    for (int step = 0; step < 500; ++step) {
        const GateMaker& m = makers[rng.below(makers.size())];
        const auto qs = placements(m.arity, n, rng);
        apply(psi, m.make(qs[rng.below(qs.size())], rng));
    }
    const double tol = std::is_same_v<TestType, float> ? 1e-5 : 1e-12;
    CHECK(std::abs(psi.norm() - n0) < tol);
}

TEMPLATE_TEST_CASE("full-state phase diagonal", "[gates][phase]", float, double) {
    Rng rng(11);
    for (qubit_t n : {1u, 2u, 3u, 9u}) {
        const StateVector<TestType> psi0 = test::random_state<TestType>(n, rng);
        std::vector<TestType> e(psi0.size());
        std::vector<double> ed(psi0.size());
        for (std::size_t z = 0; z < e.size(); ++z) {
            ed[z] = std::round((rng.uniform() * 2 - 1) * 400) / 8; // exact in float
            e[z] = static_cast<TestType>(ed[z]);
        }
        const double theta = 0.37;
        for (kernel_path path : {kernel_path::simd, kernel_path::scalar}) {
            StateVector<TestType> psi(psi0), psi_d(psi0);
            apply_phase(psi, std::span<const TestType>(e), theta, path_policy(path));
            apply_phase(psi_d, std::span<const double>(ed), theta, path_policy(path));
            double err = 0, err_d = 0;
            for (index_t z = 0; z < psi.size(); ++z) {
                const cd want = std::exp(cd(0, -theta * ed[z])) * cd(psi0[z]);
                err = std::max(err, std::abs(cd(psi[z]) - want));
                err_d = std::max(err_d, std::abs(cd(psi_d[z]) - want));
            }
            INFO("n = " << n);
            CHECK(err < test::state_tolerance<TestType>());
            CHECK(err_d < test::state_tolerance<TestType>());
        }
    }
}

TEST_CASE("gate errors name the bad value", "[gates][errors]") {
    StateVector<double> s(3);
    CHECK_THROWS_MATCHES(apply(s, gates::x(3)), index_error, test::MessageContains("qubit 3 out of range [0, 3)"));
    CHECK_THROWS_MATCHES(apply(s, gates::cx(5, 0)), index_error, test::MessageContains("control qubit 5"));
    CHECK_THROWS_MATCHES(gates::cx(1, 1), index_error, test::MessageContains("qubit 1 is used more than once"));
    CHECK_THROWS_MATCHES(gates::unitary({0, 1}, Eigen::MatrixXcd::Identity(2, 2)), value_error,
                         test::MessageContains("needs a 4x4 matrix, got 2x2"));
    Eigen::MatrixXcd not_unitary = Eigen::MatrixXcd::Identity(2, 2);
    not_unitary(0, 1) = 0.5;
    CHECK_THROWS_MATCHES(gates::unitary({0}, not_unitary), value_error, test::MessageContains("not unitary"));
    CHECK_THROWS_MATCHES(gates::mcu({0}, 1, Eigen::Matrix2cd(not_unitary)), value_error, test::MessageContains("not unitary"));
    CHECK_THROWS_MATCHES(gates::unitary({0, 1, 2, 3, 4, 5, 6}, Eigen::MatrixXcd::Identity(128, 128)), value_error,
                         test::MessageContains("1 to 6 qubits, got 7"));
    Eigen::VectorXcd d(2);
    d << 1.0, 2.0;
    CHECK_THROWS_MATCHES(gates::diagonal({0}, d), value_error, test::MessageContains("entry 1 has modulus"));
    CHECK_THROWS_MATCHES(gates::controlled(gates::x(0), {1}, {2}), value_error, test::MessageContains("must be 0 or 1"));
    std::vector<double> e(4);
    CHECK_THROWS_MATCHES(apply_phase(s, e, 0.1), value_error, test::MessageContains("needs 8"));
    // A gate assembled by hand with a wrong matrix size is refused at apply time.
    Gate bad = gates::x(0);
    bad.mat = Eigen::MatrixXcd::Identity(4, 4);
    CHECK_THROWS_AS(apply(s, bad), value_error);
    // Nothing changed the state.
    CHECK(s[0] == cd(1.0));
}

TEMPLATE_TEST_CASE("prefetching and staged walks agree with the scalar kernels", "[gates][kernels][walk]", float, double) {
    // On large states the kernels visit memory tile group by tile group and prefetch the next
    // one. Shrink the tiles and lift the size threshold so that path runs on a small state.
    auto& tune = detail::kernel_tuning_storage();
    const detail::kernel_tuning saved = tune;
    Rng rng(123);
    const qubit_t n = 12;
    const auto makers = all_gates();
    for (std::uint64_t tile : {128u, 1024u}) {
        tune.tile_bytes = tile;
        tune.min_state_bytes = 0;
        tune.near_bytes = 16;
        tune.far_bytes = std::uint64_t{1} << 20;
        // tile 128: also stage targets 1 KiB or more apart through per-thread buffers
        tune.stage_bytes = tile == 128 ? 1024 : 0;
        tune.stage_tile_bytes = 256;
        for (const bool l1 : {true, false}) {
            tune.prefetch_l1 = l1;
            tune.planar_min_high = l1 ? 1 : 3; // the planar kernel also for 1-qubit gates, or only from 3
            StateVector<TestType> a = test::random_state<TestType>(n, rng);
            StateVector<TestType> b(a);
            for (int step = 0; step < 80; ++step) {
                const GateMaker& m = makers[rng.below(makers.size())];
                const auto qs = placements(m.arity, n, rng);
                const Gate g = m.make(qs[rng.below(qs.size())], rng);
                exec_policy two = path_policy(kernel_path::simd);
                two.threads = 2;
                two.serial_cutoff = 0;
                apply(a, g, two);
                apply(b, g, path_policy(kernel_path::scalar));
            }
            double err = 0;
            for (index_t i = 0; i < a.size(); ++i) err = std::max(err, static_cast<double>(std::abs(a[i] - b[i])));
            INFO("tile " << tile << " bytes");
            CHECK(err < (std::is_same_v<TestType, float> ? 1e-5 : 1e-12));
        }
    }
    tune = saved;
}

TEMPLATE_TEST_CASE("staged walks keep one stream in place for one to three far targets", "[gates][kernels][walk]", float,
                   double) {
    // Staging copies every stream of a tile group but the last into a buffer; with 1, 2 and 3
    // far targets that is 1, 3 and 7 buffered streams. Low targets, low controls (lane blends)
    // and far controls ride along. Each gate is checked on its own against the scalar kernel.
    auto& tune = detail::kernel_tuning_storage();
    const detail::kernel_tuning saved = tune;
    tune.min_state_bytes = 0;
    tune.stage_bytes = 1024; // qubits 6.. (double) or 7.. (float) are staged
    tune.stage_tile_bytes = 256;
    Rng rng(77);
    const qubit_t n = 12;
    const std::vector<Gate> gs{gates::h(11),
                               gates::unitary({10, 11}, test::random_unitary(4, rng)),
                               gates::unitary({11, 9, 10}, test::random_unitary(8, rng)),
                               gates::unitary({11, 0}, test::random_unitary(4, rng)),
                               gates::cx(0, 11),
                               gates::mcu({0, 9}, 11, test::random_unitary(2, rng), {1, 0}),
                               gates::controlled(gates::unitary({10, 11}, test::random_unitary(4, rng)), {1, 8}, {0, 1})};
    for (const Gate& g : gs) {
        const StateVector<TestType> before = test::random_state<TestType>(n, rng);
        StateVector<TestType> a(before), b(before);
        exec_policy two = path_policy(kernel_path::simd);
        two.threads = 2;
        two.serial_cutoff = 0;
        apply(a, g, two);
        apply(b, g, path_policy(kernel_path::scalar));
        double err = 0, moved = 0;
        for (index_t i = 0; i < a.size(); ++i) {
            err = std::max(err, static_cast<double>(std::abs(a[i] - b[i])));
            moved = std::max(moved, static_cast<double>(std::abs(b[i] - before[i])));
        }
        INFO(g.name());
        CHECK(moved > 1e-3); // the gate changes the state, so a skipped stream would show
        CHECK(err < (std::is_same_v<TestType, float> ? 1e-5 : 1e-12));
    }
    tune = saved;
}
