#include <catch2/catch.hpp>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;

namespace {

/// Random circuit mixing 1-, 2- and 3-qubit gates, diagonal runs and controlled gates.
Circuit random_circuit(qubit_t n, std::size_t count, Rng& rng) {
    Circuit c(n);
    auto q = [&] { return static_cast<qubit_t>(rng.below(n)); };
    auto two = [&](qubit_t& a, qubit_t& b) {
        a = q();
        do b = q();
        while (b == a);
    };
    for (std::size_t i = 0; i < count; ++i) {
        const double a = (rng.uniform() * 2 - 1) * 3;
        qubit_t x, y;
        switch (rng.below(12)) {
        case 0: c.h(q()); break;
        case 1: c.rx(q(), a); break;
        case 2: c.ry(q(), a); break;
        case 3: c.rz(q(), a); break;
        case 4: c.t(q()); break;
        case 5: two(x, y); c.cx(x, y); break;
        case 6: two(x, y); c.cz(x, y); break;
        case 7: two(x, y); c.rzz(x, y, a); break;
        case 8: two(x, y); c.cp(x, y, a); break;
        case 9: two(x, y); c.iswap(x, y); break;
        case 10: {
            two(x, y);
            qubit_t z;
            do z = q();
            while (z == x || z == y);
            c.ccx(x, y, z);
            break;
        }
        default: c.u3(q(), a, 0.3 * a, -a); break;
        }
    }
    return c;
}

} // namespace

TEST_CASE("fused and unfused runs agree to 1e-12", "[fusion]") {
    Rng rng(2024);
    for (unsigned k : {1u, 2u, 3u, 4u, 5u, 6u}) {
        for (int trial = 0; trial < 3; ++trial) {
            const qubit_t n = 8;
            const Circuit c = random_circuit(n, 150, rng);
            fusion_options opt;
            opt.max_qubits = k;
            opt.cache_blocking = false; // one step per fused block, inspected below
            const FusedCircuit fc = fuse(c, {}, opt);
            const StateVector<double> psi0 = test::random_state<double>(n, rng);
            StateVector<double> a(psi0), b(psi0);
            run(c, a);
            run(fc, b);
            double err = 0;
            for (index_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
            INFO("k = " << k);
            CHECK(err < 1e-12);
            CHECK(fc.gates_in == c.size());
            CHECK(fc.blocks_out <= fc.gates_in);
            for (const auto& s : fc.steps) {
                REQUIRE(s.is_gate);
                const std::size_t width = s.gate.qubits().size();
                if (!s.gate.is_diagonal() && s.gate.kind == GateKind::unitary && width > 1) CHECK(width <= std::max(k, 3u));
            }
            if (k == 2) CHECK(fc.blocks_out * 10 < fc.gates_in * 6);
            if (k >= 3) CHECK(fc.blocks_out * 2 < fc.gates_in);
        }
    }
}

TEST_CASE("diagonal runs become one diagonal block", "[fusion]") {
    Circuit c(6);
    for (qubit_t q = 0; q < 6; ++q) c.rz(q, 0.1 * (q + 1));
    for (qubit_t q = 0; q + 1 < 6; ++q) c.cz(q, q + 1);
    c.rzz(0, 5, 0.7);
    fusion_options opt;
    opt.max_qubits = 2;
    opt.cache_blocking = false;
    const FusedCircuit fc = fuse(c, {}, opt);
    REQUIRE(fc.blocks_out == 1);
    CHECK(fc.steps[0].gate.is_diagonal());
    CHECK(fc.steps[0].gate.targets.size() == 6);
    StateVector<double> a(6), b(6);
    for (qubit_t q = 0; q < 6; ++q) {
        apply(a, gates::h(q));
        apply(b, gates::h(q));
    }
    run(c, a);
    run(fc, b);
    CHECK(a.fidelity(b) == Approx(1.0).margin(1e-14));
    double err = 0;
    for (index_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
    CHECK(err < 1e-14);
}

TEST_CASE("fusion does not cross measurements, resets, barriers or conditions", "[fusion]") {
    Circuit c(2, 1);
    c.h(0).h(0).barrier().x(0).measure(0, 0).x(1).c_if({0, 1, 1, "c"}).h(1).h(1).reset(0).h(0);
    fusion_options per_block;
    per_block.cache_blocking = false;
    const FusedCircuit fc = fuse(c, {}, per_block);
    // h h | barrier | x | measure | x (conditioned) | h h | reset | h
    REQUIRE(fc.steps.size() == 8);
    CHECK(fc.steps[0].is_gate);
    CHECK_FALSE(fc.steps[1].is_gate);
    CHECK(fc.steps[1].op.type == OpType::barrier);
    CHECK(fc.steps[3].op.type == OpType::measure);
    CHECK(fc.steps[4].op.condition.has_value());
    CHECK(fc.steps[6].op.type == OpType::reset);
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
        StateVector<double> a(2), b(2);
        run_options o;
        o.seed = seed;
        const auto ba = run(c, a, std::span<const double>{}, o);
        const auto bb = run(fc, b, o);
        CHECK(ba == bb);
        CHECK(a.fidelity(b) == Approx(1.0).margin(1e-12));
    }
}

TEST_CASE("parameters are bound before fusion", "[fusion]") {
    Circuit c(3);
    c.ry(0, Param::symbol(0)).cx(0, 1).rz(1, Param::symbol(1, 2.0, 0.1)).cx(1, 2).rx(2, Param::symbol(0, -1.0));
    const std::vector<double> theta{0.3, -0.8};
    const FusedCircuit fc = fuse(c, theta);
    StateVector<double> a(3), b(3);
    run(c, a, theta);
    run(fc, b);
    CHECK(a.fidelity(b) == Approx(1.0).margin(1e-14));
    CHECK_THROWS_MATCHES(fuse(c, std::vector<double>{0.1}), index_error, test::MessageContains("uses 2 parameters"));
    fusion_options bad;
    bad.max_qubits = 7;
    CHECK_THROWS_MATCHES(fuse(c, theta, bad), value_error, test::MessageContains("at most 6, got 7"));
}
