#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/circuit/circuit.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/variational/ansatz.hpp"
#include "qcoach/variational/gradient.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;
using namespace qcoach::variational;
using qcoach::test::cd;

TEST_CASE("hardware-efficient ansatz: parameter count, gate counts and parameter order", "[ansatz]") {
    const hea_options o{.layers = 3, .rotations = {rotation::y, rotation::z}, .gate = entangler::cx, .topology = entanglement::linear};
    const Circuit c = hardware_efficient(5, o);
    CHECK(hea_num_params(5, o) == 4 * 2 * 5);
    CHECK(c.num_params() == 40);
    const auto counts = c.count_ops();
    CHECK(counts.at("ry") == 20);
    CHECK(counts.at("rz") == 20);
    CHECK(counts.at("cx") == 3 * 4);
    CHECK(counts.size() == 3);

    // The documented order: block b, rotation j, qubit q -> (b R + j) n + q, gates in that order,
    // an entangling layer after every block but the last.
    const auto& ops = c.operations();
    std::size_t k = 0;
    for (std::size_t b = 0; b < 4; ++b) {
        for (std::size_t j = 0; j < 2; ++j) {
            for (qubit_t q = 0; q < 5; ++q, ++k) {
                REQUIRE(k < ops.size());
                CHECK(ops[k].kind == (j == 0 ? GateKind::ry : GateKind::rz));
                CHECK(ops[k].targets[0] == q);
                CHECK(ops[k].params[0] == Param::symbol((b * 2 + j) * 5 + q));
                CHECK(hea_param_index(5, o, b, j, q) == (b * 2 + j) * 5 + q);
            }
        }
        if (b < 3) {
            for (qubit_t q = 0; q + 1 < 5; ++q, ++k) {
                CHECK(ops[k].kind == GateKind::cx);
                CHECK(ops[k].controls[0] == q);
                CHECK(ops[k].targets[0] == q + 1);
            }
        }
    }
    CHECK(k == ops.size());

    hea_options no_final = o;
    no_final.final_rotations = false;
    CHECK(hea_num_params(5, no_final) == 3 * 2 * 5);
    CHECK(hardware_efficient(5, no_final).operations().back().kind == GateKind::cx);
    hea_options single{.layers = 0, .rotations = {rotation::x}};
    CHECK(hardware_efficient(3, single).size() == 3);
}

TEST_CASE("entangler topologies", "[ansatz]") {
    using P = std::vector<std::pair<qubit_t, qubit_t>>;
    CHECK(entangler_pairs(4, entanglement::linear) == P{{0, 1}, {1, 2}, {2, 3}});
    CHECK(entangler_pairs(4, entanglement::circular) == P{{0, 1}, {1, 2}, {2, 3}, {3, 0}});
    CHECK(entangler_pairs(2, entanglement::circular) == P{{0, 1}});
    CHECK(entangler_pairs(4, entanglement::full) == P{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}});
    CHECK(entangler_pairs(1, entanglement::full).empty());
    const Circuit c =
        hardware_efficient(4, {.layers = 2, .rotations = {rotation::x}, .gate = entangler::cz, .topology = entanglement::full});
    CHECK(c.count_ops().at("cz") == 12);
    CHECK(c.num_params() == 12);
}

TEST_CASE("the ansatz state equals the product of dense gate matrices", "[ansatz]") {
    // Independent reference: RX, RY, RZ and CX/CZ written out as 2x2 / 4x4 matrices, embedded
    // with Kronecker products, multiplied in the documented order. Each circuit is built once
    // and bound to several parameter vectors.
    const qubit_t n = 3;
    auto rot = [](rotation r, double t) {
        const double co = std::cos(t / 2), si = std::sin(t / 2);
        Eigen::Matrix2cd m;
        if (r == rotation::x) m << co, cd(0, -si), cd(0, -si), co;
        else if (r == rotation::y) m << co, -si, si, co;
        else m << std::polar(1.0, -t / 2), 0, 0, std::polar(1.0, t / 2);
        return m;
    };
    Eigen::Matrix4cd cx; // control = first-listed qubit = bit 0
    cx << 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0;
    const Eigen::Matrix4cd cz = Eigen::Vector4cd(1, 1, 1, -1).asDiagonal();
    using pairs = std::vector<std::pair<qubit_t, qubit_t>>;
    struct shape {
        hea_options o;
        pairs p;
    };
    // Built field by field: GCC 12 warns (maybe-uninitialized, a false positive) on nested
    // designated initializers of vectors inside an initializer list.
    std::vector<shape> shapes(3);
    shapes[0].o.layers = 2;
    shapes[0].o.rotations = {rotation::x, rotation::y, rotation::z};
    shapes[0].o.gate = entangler::cx;
    shapes[0].o.topology = entanglement::circular;
    shapes[0].p = {{0, 1}, {1, 2}, {2, 0}};
    shapes[1].o.layers = 2;
    shapes[1].o.rotations = {rotation::z, rotation::x};
    shapes[1].o.gate = entangler::cz;
    shapes[1].o.topology = entanglement::full;
    shapes[1].p = {{0, 1}, {0, 2}, {1, 2}};
    shapes[2].o.layers = 1;
    shapes[2].o.rotations = {rotation::y};
    shapes[2].o.gate = entangler::cx;
    shapes[2].o.final_rotations = false;
    shapes[2].p = {{0, 1}, {1, 2}};
    Rng rng(3);
    for (const shape& s : shapes) {
        const Circuit c = hardware_efficient(n, s.o);
        const std::size_t r = s.o.rotations.size();
        const std::size_t blocks = s.o.layers + (s.o.final_rotations ? 1 : 0);
        REQUIRE(c.num_params() == blocks * r * n);
        for (int rep = 0; rep < 3; ++rep) {
            std::vector<double> theta(c.num_params());
            for (auto& t : theta) t = rng.uniform() * 6 - 3;
            Eigen::VectorXcd v = Eigen::VectorXcd::Zero(8);
            v(0) = 1;
            for (std::size_t b = 0; b <= s.o.layers; ++b) {
                if (b < blocks) {
                    for (std::size_t j = 0; j < r; ++j)
                        for (qubit_t q = 0; q < n; ++q) v = test::kron_single(rot(s.o.rotations[j], theta[(b * r + j) * n + q]), q, n) * v;
                }
                if (b == s.o.layers) break;
                for (auto [a, t] : s.p) v = test::embed(s.o.gate == entangler::cx ? cx : cz, {a, t}, n) * v;
            }
            const Eigen::VectorXcd got = test::to_eigen(prepare_state(c, theta));
            CHECK((got - v).cwiseAbs().maxCoeff() < 1e-12);
        }
    }
}

TEST_CASE("hardware-efficient ansatz rejects bad shapes", "[ansatz]") {
    using test::MessageContains;
    CHECK_THROWS_MATCHES(hardware_efficient(3, {.layers = 1, .rotations = {}}), value_error, MessageContains("at least one rotation"));
    CHECK_THROWS_MATCHES(hardware_efficient(0), value_error, MessageContains("got 0"));
    CHECK_THROWS_MATCHES(hardware_efficient(2, {.layers = 0, .final_rotations = false}), value_error, MessageContains("no gates"));
    const hea_options o{};
    CHECK_THROWS_MATCHES(hea_param_index(3, o, 2, 0, 0), index_error, MessageContains("rotation block 2 out of range [0, 2)"));
    CHECK_THROWS_MATCHES(hea_param_index(3, o, 0, 2, 0), index_error, MessageContains("rotation 2 out of range [0, 2)"));
    CHECK_THROWS_MATCHES(hea_param_index(3, o, 0, 0, 3), index_error, MessageContains("qubit 3 out of range [0, 3)"));
}
