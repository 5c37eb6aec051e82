#pragma once
/// @file
/// @brief Compiling the gates of one stage (already renumbered onto the sub-state's qubits and
/// fused) into the operations that run on a cache-resident sub-state.
///
/// In cache a gate costs its arithmetic, not a pass over memory, so the program minimizes
/// arithmetic:
///  - a one-qubit unitary is split as U = D_a R D_b (Z-Y-Z Euler form): R = [[c, -s], [s, c]]
///    is real and runs at ~3 FMA-unit operations per 4 amplitudes
///    (statevector/detail/kernel_rotation.hpp), D_a and D_b are one-qubit phases;
///  - every diagonal (those phases, CZ, CP, RZZ, fused diagonal blocks) is deferred into a
///    pending product P, which commutes with everything on other qubits, and applied in one
///    pass of two complex products per amplitude (kernel_phase_table.hpp) only when a
///    non-diagonal operation needs one of P's qubits;
///  - rotations that are ready together (distinct qubits, none under P) run in shared passes;
///  - any other gate (controlled, two-qubit dense, fused blocks) runs through the ordinary
///    kernels on the sub-state.
/// For a layer of one-qubit gates followed by CZs this gives one rotation batch and one phase
/// pass per layer.
///
/// Ordering: items (phase, rotation, other) are taken only from the front of each of their
/// qubits, a non-diagonal item only when P has none of its qubits, and diagonal items commute
/// with each other; so the result applies the same unitary as the gate list.
///
/// The cost model (nanoseconds per amplitude in L2, one thread) comes from measurements of the
/// kernels on a 2^14-amplitude double state on AVX2 (docs/performance.md, "Gate fusion"); it
/// only ranks alternatives, such as the fused block size of a stage.

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/statevector/detail/kernel_phase_table.hpp"
#include "qcoach/statevector/detail/kernel_rotation.hpp"
#include "qcoach/statevector/gate.hpp"

namespace qcoach::detail {

/// One diagonal factor: d[bits of targets] where the controls hold their values, else 1.
struct diag_term {
    small_vector<qubit_t, 8> targets, controls;
    small_vector<std::uint8_t, 8> values;
    std::vector<std::complex<double>> d;
};

/// One operation of a stage program.
struct stage_op {
    enum class kind : std::uint8_t { rotations, phases, gate };
    kind type = kind::gate;
    std::vector<rotation_op> rots;  ///< rotations: distinct qubits
    phase_tables tables;            ///< phases
    Gate gate;                      ///< gate (qubits of the sub-state)
};

struct stage_program {
    std::vector<stage_op> ops;
    double cost = 0;  ///< modelled ns per amplitude
};

/// Modelled in-cache cost (ns per amplitude, one thread, double, AVX2) of the operations.
struct stage_cost_model {
    double rotation_pass = 0.50;    ///< one pass of up to rotation_max_high rotations
    double lane_rotation = 0.30;    ///< extra for each rotation on an in-register qubit
    double phase_pass = 0.60;
    double diagonal_gate = 0.50;
    /// Dense gate by number of qubits (targets plus controls folded in), index 1..6. The 4- to
    /// 6-qubit kernels spill their coefficient tables and run far slower per multiply.
    std::array<double, 7> dense = {0.0, 0.50, 1.00, 1.95, 19.0, 40.0, 80.0};
};

/// U = D_a R D_b for a 2x2 unitary: D_a = diag(a0, a1), R = [[c, -s], [s, c]], D_b = diag(1, b1).
/// Returns false when the factors do not reproduce U to 1e-12 (a matrix that is not unitary).
inline bool split_one_qubit(const Eigen::MatrixXcd& u, std::complex<double>& a0, std::complex<double>& a1, double& c, double& s,
                            std::complex<double>& b1) {
    c = std::abs(u(0, 0));
    s = std::abs(u(1, 0));
    const double r = std::hypot(c, s);
    if (!(r > 0.5)) return false;
    c /= r;
    s /= r;
    constexpr double tiny = 1e-300;
    if (s <= tiny) { // diagonal
        a0 = u(0, 0);
        a1 = 1.0;
        b1 = u(1, 1);
        c = 1.0;
        s = 0.0;
    } else if (c <= tiny) { // anti-diagonal: U = [[0, -a0 b1], [a1, 0]]
        a0 = 1.0;
        a1 = u(1, 0);
        b1 = -u(0, 1);
        c = 0.0;
        s = 1.0;
    } else {
        a0 = u(0, 0) / c;
        a1 = u(1, 0) / s;
        b1 = u(1, 1) / (a1 * c);
    }
    const std::complex<double> m00 = a0 * c, m01 = -a0 * s * b1, m10 = a1 * s, m11 = a1 * c * b1;
    const double err = std::max(std::max(std::abs(m00 - u(0, 0)), std::abs(m01 - u(0, 1))),
                                std::max(std::abs(m10 - u(1, 0)), std::abs(m11 - u(1, 1))));
    return err <= 1e-12;
}

/// Factor tables of a product of diagonal terms on an nb-qubit sub-state (see
/// kernel_phase_table.hpp). Returns false when no split keeps both tables small.
///
/// The split is chosen first for the arithmetic per amplitude (one complex product for each
/// side that holds a term: the pass costs half when all terms sit on one side of it), then for
/// the size of the tables. Terms on no qubit (a real scale) join a side that has terms anyway.
inline bool build_phase_tables(const std::vector<diag_term>& terms, qubit_t nb, phase_tables& out) {
    constexpr unsigned max_lo_bits = 12, max_hi_bits = 13;
    const unsigned a_min = std::min<unsigned>(nb, 3);
    long best = -1;
    double best_cost = 0;
    bool best_lo_has = false;
    small_vector<qubit_t, 8> best_cross;
    auto mask_of_term = [](const diag_term& t) {
        index_t all = 0;
        for (qubit_t q : t.targets) all |= index_t{1} << q;
        for (qubit_t q : t.controls) all |= index_t{1} << q;
        return all;
    };
    for (unsigned a = a_min; a <= nb; ++a) {
        if (nb - a > max_hi_bits) continue;
        index_t cross_mask = 0;
        bool lo_has = false, hi_has = false;
        for (const diag_term& t : terms) {
            // A term straddles the split when it has qubits on both sides; its upper qubits
            // then select copies of the low table.
            const index_t all = mask_of_term(t);
            const index_t low_part = all & ((index_t{1} << a) - 1);
            if (low_part != 0 && low_part != all) cross_mask |= all & ~low_part;
            lo_has = lo_has || low_part != 0;
            hi_has = hi_has || (all != 0 && low_part == 0);
        }
        const unsigned c = static_cast<unsigned>(std::popcount(cross_mask));
        if (a + c > max_lo_bits) continue;
        const int products = std::max(1, int{lo_has} + int{hi_has});
        const double cost = static_cast<double>(products) * std::ldexp(1.0, static_cast<int>(nb)) +
                            std::ldexp(1.0, static_cast<int>(a + c)) + std::ldexp(1.0, static_cast<int>(nb - a));
        if (best < 0 || cost < best_cost) {
            best = a;
            best_cost = cost;
            best_lo_has = lo_has;
            best_cross.clear();
            for (qubit_t q = 0; q < 64; ++q)
                if ((cross_mask >> q) & 1) best_cross.push_back(q);
        }
    }
    if (best < 0) return false;
    const unsigned a = static_cast<unsigned>(best);
    out.split = a;
    out.cross = best_cross;
    const std::size_t nc = best_cross.size();
    out.lo.assign(std::size_t{1} << (a + nc), 1.0);
    out.hi.assign(std::size_t{1} << (nb - a), 1.0);
    // Bit of qubit q in a lo-table index (low bits, then the cross bits) or a hi-table index.
    auto lo_bit = [&](index_t idx, qubit_t q) -> unsigned {
        if (q < a) return (idx >> q) & 1u;
        const auto p = static_cast<unsigned>(std::find(best_cross.begin(), best_cross.end(), q) - best_cross.begin());
        return (idx >> (a + p)) & 1u;
    };
    auto hi_bit = [&](index_t h, qubit_t q) -> unsigned { return (h >> (q - a)) & 1u; };
    for (const diag_term& t : terms) {
        const index_t all = mask_of_term(t);
        const bool all_hi = all == 0 ? !best_lo_has : (all & ((index_t{1} << a) - 1)) == 0;
        auto value = [&](auto bit_of, index_t idx) -> std::complex<double> {
            for (std::size_t j = 0; j < t.controls.size(); ++j)
                if (bit_of(idx, t.controls[j]) != t.values[j]) return 1.0;
            std::size_t sub = 0;
            for (std::size_t j = 0; j < t.targets.size(); ++j) sub |= std::size_t{bit_of(idx, t.targets[j])} << j;
            return t.d[sub];
        };
        if (all_hi) {
            for (index_t h = 0; h < out.hi.size(); ++h) out.hi[h] *= value(hi_bit, h);
        } else {
            for (index_t i = 0; i < out.lo.size(); ++i) out.lo[i] *= value(lo_bit, i);
        }
    }
    out.hi_trivial.resize(out.hi.size());
    for (std::size_t h = 0; h < out.hi.size(); ++h) out.hi_trivial[h] = out.hi[h] == std::complex<double>(1.0);
    out.lo_trivial = std::all_of(out.lo.begin(), out.lo.end(), [](const std::complex<double>& z) { return z == 1.0; });
    return true;
}

inline diag_term term_of(const Gate& g) {
    diag_term t;
    t.targets.assign(g.targets.begin(), g.targets.end());
    t.controls.assign(g.controls.begin(), g.controls.end());
    t.values.assign(g.control_values.begin(), g.control_values.end());
    t.d.assign(g.diag.data(), g.diag.data() + g.diag.size());
    return t;
}

/// Modelled cost of one operation.
inline double op_cost(const stage_op& op, const stage_cost_model& m) {
    switch (op.type) {
    case stage_op::kind::rotations: {
        std::size_t low = 0, high = 0;
        for (const rotation_op& r : op.rots) (r.q < 1 ? low : high) += 1;
        const std::size_t passes = std::max<std::size_t>(1, (high + rotation_max_high - 1) / rotation_max_high);
        return static_cast<double>(passes) * m.rotation_pass + static_cast<double>(low) * m.lane_rotation;
    }
    case stage_op::kind::phases: return m.phase_pass;
    case stage_op::kind::gate: {
        if (op.gate.is_diagonal()) return m.diagonal_gate;
        const std::size_t k = std::min<std::size_t>(op.gate.targets.size() + op.gate.controls.size(), 6);
        return m.dense[k];
    }
    }
    return 0;
}

/// @brief Compile gates on an nb-qubit sub-state (qubits already renumbered) into a program.
inline stage_program compile_stage(std::span<const Gate> gates, qubit_t nb, const stage_cost_model& model = {}) {
    enum class ik : std::uint8_t { diag, rot, other };
    struct item {
        ik type;
        small_vector<qubit_t, 8> qubits;
        diag_term term;
        rotation_op rot;
        double scale = 1.0; ///< rot: the cos(theta) left out of the rotation
        std::size_t gate = 0;
    };
    std::vector<item> items;
    auto add_diag = [&](diag_term t) {
        item it;
        it.type = ik::diag;
        it.qubits.assign(t.targets.begin(), t.targets.end());
        it.qubits.insert(it.qubits.end(), t.controls.begin(), t.controls.end());
        it.term = std::move(t);
        items.push_back(std::move(it));
    };
    for (std::size_t gi = 0; gi < gates.size(); ++gi) {
        const Gate& g = gates[gi];
        if (g.is_diagonal()) {
            add_diag(term_of(g));
            continue;
        }
        std::complex<double> a0, a1, b1;
        double c = 1, s = 0;
        if (g.controls.empty() && g.targets.size() == 1 && split_one_qubit(g.mat, a0, a1, c, s, b1)) {
            const qubit_t q = g.targets[0];
            auto phase = [&](std::complex<double> d0, std::complex<double> d1) {
                if (d0 == std::complex<double>(1.0) && d1 == std::complex<double>(1.0)) return;
                diag_term t;
                t.targets = {q};
                t.d = {d0, d1};
                add_diag(std::move(t));
            };
            phase(1.0, b1);
            if (s != 0.0) {
                // R(theta) = cos(theta) [[1, -t], [t, 1]] with t = tan(theta) <= 1; above pi/4,
                // R(theta) = diag(-1, 1) X R(theta - pi/2). Scale and sign join D_a.
                item it;
                it.type = ik::rot;
                it.qubits = {q};
                if (s <= c) {
                    it.rot = {q, s / c, false};
                    it.scale = c;
                } else {
                    it.rot = {q, -c / s, true};
                    it.scale = s;
                    a0 = -a0;
                }
                items.push_back(std::move(it));
            }
            phase(a0, a1);
            continue;
        }
        item it;
        it.type = ik::other;
        const std::vector<qubit_t> qs = g.qubits();
        it.qubits.assign(qs.begin(), qs.end());
        it.gate = gi;
        items.push_back(std::move(it));
    }

    // Front-of-qubit scheduling (see the file comment).
    std::vector<std::vector<std::size_t>> on(nb);
    for (std::size_t i = 0; i < items.size(); ++i)
        for (qubit_t q : items[i].qubits) on[q].push_back(i);
    std::vector<std::size_t> head(nb, 0);
    std::vector<int> pending_on(nb, 0); // P's terms per qubit
    std::vector<diag_term> pending;
    std::vector<rotation_op> batch;
    std::vector<char> in_batch(nb, 0);
    stage_program prog;
    auto close_batch = [&] {
        if (batch.empty()) return;
        stage_op op;
        op.type = stage_op::kind::rotations;
        op.rots = std::move(batch);
        prog.ops.push_back(std::move(op));
        batch.clear();
        std::fill(in_batch.begin(), in_batch.end(), 0);
    };
    // The real scale factors left out of the rotations commute with everything: they are
    // multiplied up and join the next phase pass (forced before they could overflow).
    double scale = 1.0;
    auto flush = [&] {
        close_batch();
        if (scale != 1.0) {
            diag_term t;
            t.d = {scale};
            pending.push_back(std::move(t));
            scale = 1.0;
        }
        if (pending.empty()) return;
        stage_op op;
        if (build_phase_tables(pending, nb, op.tables)) {
            op.type = stage_op::kind::phases;
            prog.ops.push_back(std::move(op));
        } else {
            for (diag_term t : pending) {
                if (t.targets.empty()) { // the global scale: a diagonal on qubit 0
                    t.targets = {0};
                    t.d = {t.d[0], t.d[0]};
                }
                stage_op g;
                g.type = stage_op::kind::gate;
                g.gate.kind = GateKind::diagonal;
                g.gate.targets.assign(t.targets.begin(), t.targets.end());
                g.gate.controls.assign(t.controls.begin(), t.controls.end());
                g.gate.control_values.assign(t.values.begin(), t.values.end());
                g.gate.diag = Eigen::Map<const Eigen::VectorXcd>(t.d.data(), static_cast<Eigen::Index>(t.d.size()));
                prog.ops.push_back(std::move(g));
            }
        }
        pending.clear();
        std::fill(pending_on.begin(), pending_on.end(), 0);
    };
    std::size_t left = items.size();
    std::vector<qubit_t> work;
    for (qubit_t q = 0; q < nb; ++q) work.push_back(q);
    while (left > 0) {
        while (!work.empty()) {
            const qubit_t q = work.back();
            work.pop_back();
            while (head[q] < on[q].size()) {
                const std::size_t i = on[q][head[q]];
                item& it = items[i];
                bool front = true, free_of_p = true;
                for (qubit_t x : it.qubits) {
                    front = front && on[x][head[x]] == i;
                    free_of_p = free_of_p && pending_on[x] == 0;
                }
                if (!front) break;
                if (it.type == ik::diag) {
                    for (qubit_t x : it.qubits) ++pending_on[x];
                    pending.push_back(std::move(it.term));
                } else if (!free_of_p) {
                    break;
                } else if (it.type == ik::rot) {
                    if (in_batch[it.rot.q]) close_batch();
                    batch.push_back(it.rot);
                    in_batch[it.rot.q] = 1;
                    scale *= it.scale;
                    if (scale < 0x1p-60) flush();
                } else {
                    close_batch();
                    stage_op op;
                    op.type = stage_op::kind::gate;
                    op.gate = gates[it.gate];
                    prog.ops.push_back(std::move(op));
                }
                --left;
                for (qubit_t x : it.qubits) {
                    ++head[x];
                    if (x != q) work.push_back(x);
                }
            }
        }
        if (left == 0) break;
        flush();
        for (qubit_t q = 0; q < nb; ++q)
            if (head[q] < on[q].size()) work.push_back(q);
    }
    flush();
    for (const stage_op& op : prog.ops) prog.cost += op_cost(op, model);
    return prog;
}

} // namespace qcoach::detail
