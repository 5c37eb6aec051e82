#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "qcoach/circuit/circuit.hpp"
#include "support/matchers.hpp"
#include "support/reference.hpp"

using namespace qcoach;

namespace {

/// Random unit-modulus diagonal on k qubits.
Eigen::VectorXcd random_diagonal(unsigned k, Rng& rng) {
    Eigen::VectorXcd d(Eigen::Index{1} << k);
    for (auto& x : d) x = std::polar(1.0, (rng.uniform() * 2 - 1) * 3.14159);
    return d;
}

/// Random circuit: 1-, 2- and 3-qubit gates, controlled gates, diagonals, dense 3-qubit
/// unitaries and (when `boundaries`) barriers and measurements.
Circuit random_circuit(qubit_t n, std::size_t count, Rng& rng, bool boundaries) {
    Circuit c(n, boundaries ? n : 0);
    auto q = [&] { return static_cast<qubit_t>(rng.below(n)); };
    auto two = [&](qubit_t& a, qubit_t& b) {
        a = q();
        do b = q();
        while (b == a);
    };
    for (std::size_t i = 0; i < count; ++i) {
        const double a = (rng.uniform() * 2 - 1) * 3;
        const std::uint64_t pick = rng.below(n >= 3 ? 16 : n == 2 ? 12 : 6);
        qubit_t x = 0, y = 0, z = 0;
        if (pick >= 6) two(x, y);
        if (pick >= 12) {
            do z = q();
            while (z == x || z == y);
        }
        switch (pick) {
        case 0: c.h(q()); break;
        case 1: c.rx(q(), a); break;
        case 2: c.ry(q(), a); break;
        case 3: c.rz(q(), a); break;
        case 4: c.t(q()); break;
        case 5: c.u3(q(), a, 0.3 * a, -a); break;
        case 6: c.cx(x, y); break;
        case 7: c.cz(x, y); break;
        case 8: c.rzz(x, y, a); break;
        case 9: c.cp(x, y, a); break;
        case 10: c.iswap(x, y); break;
        case 11: c.crx(x, y, a); break;
        case 12: c.ccx(x, y, z); break;
        case 13: c.diagonal({x, y, z}, random_diagonal(3, rng)); break;
        case 14: c.unitary({x, y, z}, test::random_unitary(8, rng)); break;
        default: c.mc(GateKind::ry, {x, y}, z, {a}, {1, 0}); break;
        }
        if (boundaries && rng.below(25) == 0) c.barrier();
        if (boundaries && rng.below(40) == 0) c.measure(q(), rng.below(n));
    }
    return c;
}

/// A diagonal term applied to a reference state, amplitude by amplitude from the bits of its
/// index (a term on no qubit is a scale): linear in the state size, unlike a dense matrix.
Eigen::VectorXcd apply_term(const detail::diag_term& d, const Eigen::VectorXcd& v) {
    Eigen::VectorXcd out = v;
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        bool on = true;
        for (std::size_t c = 0; c < d.controls.size(); ++c) on = on && ((i >> d.controls[c]) & 1) == d.values[c];
        if (!on) continue;
        std::size_t sub = 0;
        for (std::size_t t = 0; t < d.targets.size(); ++t) sub |= static_cast<std::size_t>((i >> d.targets[t]) & 1) << t;
        out(i) *= d.d[sub];
    }
    return out;
}

/// Unscaled rotations [[1, -t], [t, 1]] (rows exchanged when swapped) applied one by one to a
/// dense reference state.
Eigen::VectorXcd apply_rotations(const std::vector<detail::rotation_op>& rots, qubit_t n, Eigen::VectorXcd v) {
    for (const auto& r : rots) {
        Eigen::MatrixXcd m(2, 2);
        m << 1.0, -r.t, r.t, 1.0;
        if (r.swap) m.row(0).swap(m.row(1));
        v = test::apply_reference(m, {r.q}, n, v);
    }
    return v;
}

template <class Real>
double max_diff(const StateVector<Real>& a, const StateVector<Real>& b) {
    double err = 0;
    for (index_t i = 0; i < a.size(); ++i) err = std::max(err, static_cast<double>(std::abs(a[i] - b[i])));
    return err;
}

template <class Real>
constexpr double tolerance() {
    return std::is_same_v<Real, double> ? 1e-12 : 2e-5;
}

} // namespace

TEMPLATE_TEST_CASE("blocked runs agree with unfused runs, any thread count", "[fusion][blocking]", float, double) {
    Rng rng(77);
    for (qubit_t n = 1; n <= 14; ++n) {
        // Stage sizes below n so that stage boundaries, gathers with several high qubits and the
        // in-place path all occur; a few configurations per size keep the test fast.
        for (int config = 0; config < 3; ++config) {
            fusion_options opt;
            opt.block_qubits = 4 + static_cast<unsigned>(rng.below(4));
            opt.tile_qubits = static_cast<unsigned>(rng.below(4));
            opt.max_qubits = 1 + static_cast<unsigned>(rng.below(3));
            opt.choose_block_size = config == 0;
            const bool boundaries = config == 2;
            const Circuit c = random_circuit(n, 40, rng, boundaries);
            const FusedCircuit fc = fuse(c, {}, opt);
            const StateVector<TestType> psi0 = test::random_state<TestType>(n, rng);
            StateVector<TestType> ref(psi0), one(psi0), two(psi0);
            run_options ro;
            ro.seed = 5;
            const auto bits_ref = run(c, ref, std::span<const double>{}, ro);
            ro.policy.threads = 1;
            const auto bits_one = run(fc, one, ro);
            ro.policy.threads = 2;
            ro.policy.serial_cutoff = 1; // use both threads even on small states
            const auto bits_two = run(fc, two, ro);
            INFO("n = " << n << ", L = " << opt.block_qubits << ", w = " << opt.tile_qubits << ", k = " << opt.max_qubits);
            CHECK(bits_one == bits_ref);
            CHECK(bits_two == bits_ref);
            CHECK(max_diff(ref, one) < tolerance<TestType>());
            CHECK(max_diff(one, two) == 0.0); // the same operations on every sub-state
            std::size_t gate_ops = 0;
            for (const Operation& op : c.operations()) gate_ops += op.is_gate() ? 1 : 0;
            CHECK(fc.gates_in == gate_ops);
        }
    }
}

TEST_CASE("a large circuit is cut into several in-place and gathered stages", "[fusion][blocking]") {
    Rng rng(3);
    const qubit_t n = 10;
    Circuit c(n);
    for (int layer = 0; layer < 6; ++layer) {
        for (qubit_t q = 0; q < n; ++q) c.rx(q, 0.3 + 0.1 * q).ry(q, 0.1 * layer - 0.2);
        for (qubit_t q = layer % 2; q + 1 < n; q += 2) c.cz(q, q + 1);
    }
    fusion_options opt;
    opt.block_qubits = 6;
    opt.tile_qubits = 2;
    const FusedCircuit fc = fuse(c, {}, opt);
    REQUIRE(fc.segments.size() == 1);
    const auto& stages = fc.segments[0].stages;
    CHECK(fc.stages >= 3);
    std::size_t in_place = 0, gathered = 0, gates = 0;
    for (const auto& st : stages) {
        gates += st.gates;
        if (st.direct) continue;
        CHECK(st.qubits.size() <= opt.block_qubits);
        const bool contiguous = st.qubits.back() + 1u == st.qubits.size();
        (contiguous ? in_place : gathered) += 1;
        if (!contiguous) {
            CHECK(st.qubits[0] == 0);
            CHECK(st.qubits[1] == 1);
            CHECK(st.qubits.size() - 2 >= 2); // several high qubits
        }
    }
    CHECK(in_place >= 1);
    CHECK(gathered >= 1);
    CHECK(gates == c.size());
    const StateVector<double> psi0 = test::random_state<double>(n, rng);
    StateVector<double> a(psi0), b(psi0);
    run(c, a);
    run(fc, b);
    CHECK(max_diff(a, b) < 1e-12);
}

TEST_CASE("the stage scheduler keeps the order of gates that share a qubit", "[fusion][blocking]") {
    Rng rng(11);
    for (int trial = 0; trial < 20; ++trial) {
        const qubit_t n = static_cast<qubit_t>(5 + rng.below(6));
        std::vector<std::vector<qubit_t>> gates;
        for (int g = 0; g < 80; ++g) {
            std::vector<qubit_t> qs{static_cast<qubit_t>(rng.below(n))};
            if (rng.below(2)) {
                qubit_t y;
                do y = static_cast<qubit_t>(rng.below(n));
                while (y == qs[0]);
                qs.push_back(y);
            }
            gates.push_back(qs);
        }
        const auto sched = detail::schedule_stages(gates, n, 4, static_cast<unsigned>(rng.below(3)));
        std::vector<std::size_t> order;
        for (const auto& st : sched) {
            if (!st.direct) CHECK(st.high.size() <= 4);
            order.insert(order.end(), st.gates.begin(), st.gates.end());
        }
        REQUIRE(order.size() == gates.size());
        // Per qubit, gates appear in circuit order.
        for (qubit_t q = 0; q < n; ++q) {
            std::size_t last = 0;
            bool first = true;
            for (std::size_t g : order) {
                if (std::find(gates[g].begin(), gates[g].end(), q) == gates[g].end()) continue;
                if (!first) CHECK(g > last);
                last = g;
                first = false;
            }
        }
    }
    // A chain where any reordering changes the state: each gate feeds the next through a shared
    // qubit, spread over qubits far apart so that it crosses several stages.
    Circuit c(9);
    for (int r = 0; r < 3; ++r)
        for (qubit_t q = 0; q < 8; ++q) c.h(q).cx(q, static_cast<qubit_t>((q + 5) % 9)).ry(static_cast<qubit_t>((q + 5) % 9), 0.4 + 0.1 * q).t(q);
    fusion_options opt;
    opt.block_qubits = 4;
    opt.tile_qubits = 1;
    const FusedCircuit fc = fuse(c, {}, opt);
    CHECK(fc.segments.at(0).stages.size() > 1);
    StateVector<double> a(9), b(9);
    run(c, a);
    run(fc, b);
    CHECK(max_diff(a, b) < 1e-12);
}

TEST_CASE("gates wider than a stage run directly", "[fusion][blocking]") {
    Rng rng(5);
    const qubit_t n = 8;
    Circuit c(n);
    c.h(0).h(5).diagonal({0, 2, 4, 5, 6, 7}, random_diagonal(6, rng)).ry(7, 0.3).cx(7, 1);
    fusion_options opt;
    opt.block_qubits = 4;
    opt.tile_qubits = 1;
    const FusedCircuit fc = fuse(c, {}, opt);
    bool direct = false;
    for (const auto& st : fc.segments[0].stages) direct = direct || (st.direct && st.gate.targets.size() == 6);
    CHECK(direct);
    const StateVector<double> psi0 = test::random_state<double>(n, rng);
    StateVector<double> a(psi0), b(psi0);
    run(c, a);
    run(fc, b);
    CHECK(max_diff(a, b) < 1e-12);
}

TEMPLATE_TEST_CASE("in-cache rotation and phase kernels match their references", "[fusion][blocking]", float, double) {
    Rng rng(9);
    for (qubit_t n : {4, 5, 7}) {
        // Rotations on every qubit (in-register ones included), either output order.
        std::vector<detail::rotation_op> rots;
        for (qubit_t q = 0; q < n; ++q) rots.push_back({q, rng.uniform() * 2 - 1, rng.below(2) == 1});
        StateVector<TestType> simd = test::random_state<TestType>(n, rng);
        StateVector<TestType> scalar(simd);
        const Eigen::VectorXcd v0 = test::to_eigen(simd);
        detail::rotations_apply(simd.data(), n, std::span<const detail::rotation_op>(rots));
        detail::rotations_scalar(scalar.data(), n, std::span<const detail::rotation_op>(rots));
        const Eigen::VectorXcd expect = apply_rotations(rots, n, v0);
        CHECK(max_diff(simd, scalar) < 10 * tolerance<TestType>());
        CHECK((test::to_eigen(scalar) - expect).cwiseAbs().maxCoeff() < 10 * tolerance<TestType>());

        // A product of diagonal terms straddling the table split.
        std::vector<detail::diag_term> terms;
        for (int t = 0; t < 6; ++t) {
            detail::diag_term d;
            const qubit_t a = static_cast<qubit_t>(rng.below(n));
            qubit_t b;
            do b = static_cast<qubit_t>(rng.below(n));
            while (b == a);
            d.targets = {a, b};
            if (t % 3 == 0) {
                d.targets = {a};
                d.controls = {b};
                d.values = {static_cast<std::uint8_t>(t % 2)};
            }
            const Eigen::VectorXcd e = random_diagonal(static_cast<unsigned>(d.targets.size()), rng);
            d.d.assign(e.data(), e.data() + e.size());
            terms.push_back(d);
        }
        detail::phase_tables tables;
        REQUIRE(detail::build_phase_tables(terms, n, tables));
        StateVector<TestType> ph = test::random_state<TestType>(n, rng);
        Eigen::VectorXcd want = test::to_eigen(ph);
        for (const auto& d : terms) want = apply_term(d, want);
        detail::phase_tables_apply(ph.data(), n, detail::phase_tables_real<TestType>(tables));
        CHECK((test::to_eigen(ph) - want).cwiseAbs().maxCoeff() < 10 * tolerance<TestType>());
    }
}

TEMPLATE_TEST_CASE("phase tables put terms on one side of the split when they can", "[fusion][blocking]", float, double) {
    // Terms only on upper qubits, only on lower qubits, and on both, each with a real scale:
    // the first two need one product per amplitude (one table all ones), the third two.
    Rng rng(31);
    const qubit_t n = 14; // above the largest low table, so that terms on 0 and 13 need both
    auto term = [&](std::vector<qubit_t> targets) {
        detail::diag_term d;
        d.targets.assign(targets.begin(), targets.end());
        const Eigen::VectorXcd e = random_diagonal(static_cast<unsigned>(targets.size()), rng);
        d.d.assign(e.data(), e.data() + e.size());
        return d;
    };
    detail::diag_term scale;
    scale.d = {0.75};
    const std::vector<std::vector<detail::diag_term>> cases = {
        {term({11, 12}), term({13}), scale},
        {term({0, 1}), term({2}), term({1, 3}), scale},
        {term({0}), term({13}), term({4, 5}), scale},
    };
    for (std::size_t c = 0; c < cases.size(); ++c) {
        CAPTURE(c);
        const auto& terms = cases[c];
        detail::phase_tables tables;
        REQUIRE(detail::build_phase_tables(terms, n, tables));
        const bool hi_all_ones = std::all_of(tables.hi_trivial.begin(), tables.hi_trivial.end(), [](auto x) { return x != 0; });
        CHECK(tables.lo_trivial == (c == 0));
        CHECK(hi_all_ones == (c == 1));
        StateVector<TestType> ph = test::random_state<TestType>(n, rng);
        Eigen::VectorXcd want = test::to_eigen(ph);
        for (const auto& d : terms) want = apply_term(d, want);
        detail::phase_tables_apply(ph.data(), n, detail::phase_tables_real<TestType>(tables));
        CHECK((test::to_eigen(ph) - want).cwiseAbs().maxCoeff() < 10 * tolerance<TestType>());
    }
}

TEMPLATE_TEST_CASE("rotation passes on one to three upper qubits match the reference", "[fusion][blocking]", float, double) {
    // Passes whose lowest qubit leaves runs of consecutive register groups, and passes whose
    // lowest qubit does not, with either output order.
    Rng rng(33);
    const qubit_t n = 10;
    for (const std::vector<qubit_t>& qs : std::vector<std::vector<qubit_t>>{{9}, {4}, {3, 9}, {7, 8, 9}, {2, 5, 6}, {0, 5}, {1, 2, 8}}) {
        std::vector<detail::rotation_op> rots;
        for (qubit_t q : qs) rots.push_back({q, rng.uniform() * 2 - 1, rng.below(2) == 1});
        StateVector<TestType> simd = test::random_state<TestType>(n, rng);
        const Eigen::VectorXcd expect = apply_rotations(rots, n, test::to_eigen(simd));
        detail::rotations_apply(simd.data(), n, std::span<const detail::rotation_op>(rots));
        CHECK((test::to_eigen(simd) - expect).cwiseAbs().maxCoeff() < 10 * tolerance<TestType>());
    }
}

TEMPLATE_TEST_CASE("row phases ride along with the next rotation pass", "[fusion][blocking]", float, double) {
    // Diagonals on upper qubits only (a low table of ones) followed by rotations: the program
    // runs them in one pass, on runs of register groups and on single groups, with swaps.
    Rng rng(35);
    const qubit_t n = 12;
    for (const std::vector<qubit_t>& rot_qubits : std::vector<std::vector<qubit_t>>{{11, 10, 9}, {11, 10, 9, 8, 3}, {9, 2, 1}, {11, 0}}) {
        std::vector<Gate> gs;
        gs.push_back(gates::rz(9, 0.7));
        gs.push_back(gates::cz(10, 11));
        gs.push_back(gates::p(11, -0.4));
        // Angles above pi/2 on the upper qubits (swapped outputs); small positive ones below, so
        // that rotations free of the diagonal, which run first, leave no phase on lower qubits.
        for (qubit_t q : rot_qubits) gs.push_back(gates::ry(q, q >= 8 ? 1.7 + rng.uniform() : 0.2 + 0.8 * rng.uniform()));
        const detail::stage_program prog = detail::compile_stage(gs, n);
        bool fused = false; // a phase pass with a low table of ones right before rotations
        for (std::size_t k = 0; k + 1 < prog.ops.size(); ++k)
            fused = fused || (prog.ops[k].type == detail::stage_op::kind::phases && prog.ops[k].tables.lo_trivial &&
                              prog.ops[k + 1].type == detail::stage_op::kind::rotations);
        CHECK(fused);
        StateVector<TestType> got = test::random_state<TestType>(n, rng);
        StateVector<TestType> want(got);
        detail::stage_runtime<TestType>(prog, n, kernel_path::simd).run(got.data(), n);
        exec_policy pol;
        pol.path = kernel_path::scalar;
        for (const Gate& g : gs) apply(want, g, pol);
        CHECK(max_diff(got, want) < 10 * tolerance<TestType>());
    }
}

TEST_CASE("one-qubit unitaries split into phases and a rotation", "[fusion][blocking]") {
    Rng rng(21);
    for (int trial = 0; trial < 50; ++trial) {
        Eigen::MatrixXcd u = test::random_unitary(2, rng);
        if (trial == 0) u = gates::x(0).mat;             // anti-diagonal
        if (trial == 1) u = gates::rz(0, 0.7).matrix();  // diagonal
        std::complex<double> a0, a1, b1;
        double c = 0, s = 0;
        REQUIRE(detail::split_one_qubit(u, a0, a1, c, s, b1));
        Eigen::MatrixXcd da(2, 2), r(2, 2), db(2, 2);
        da << a0, 0, 0, a1;
        r << c, -s, s, c;
        db << 1, 0, 0, b1;
        CHECK((da * r * db - u).cwiseAbs().maxCoeff() < 1e-12);
    }
    Eigen::MatrixXcd bad(2, 2);
    bad << 1, 1, 0, 1;
    std::complex<double> a0, a1, b1;
    double c = 0, s = 0;
    CHECK_FALSE(detail::split_one_qubit(bad, a0, a1, c, s, b1));
}

TEST_CASE("cache blocking options are checked", "[fusion][blocking]") {
    Circuit c(6);
    c.h(0).cx(0, 5);
    fusion_options opt;
    opt.block_qubits = 3;
    CHECK_THROWS_MATCHES(fuse(c, {}, opt), value_error, test::MessageContains("block_qubits must be in [4, 30], got 3"));
    opt.block_qubits = 5;
    opt.tile_qubits = 6;
    CHECK_THROWS_MATCHES(fuse(c, {}, opt), value_error, test::MessageContains("tile_qubits (6) exceeds block_qubits (5)"));
}
