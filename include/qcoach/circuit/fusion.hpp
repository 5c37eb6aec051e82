#pragma once
/// @file
/// @brief Gate fusion: neighbouring gates merged into dense blocks of up to k qubits and runs of
/// diagonal gates into diagonal blocks, so a circuit makes fewer passes over the state.
///
/// Greedy, in circuit order. For each gate G on qubits Q, let B be the latest block that
/// touches any qubit of Q. No block after B touches Q (B is the latest), so G may join B
/// whenever B's qubits together with Q stay within the limit. Joining can also pull in, for
/// each qubit of Q outside B, the last block L on that qubit when L is still the last block on
/// all of its own qubits and fits: L then commutes with everything between it and B (nothing
/// there touches its qubits), so it can move forward and run first inside the merged block.
/// Otherwise G starts a new block. A block made only of diagonal gates stays diagonal and may
/// grow to `max_diagonal_qubits`; a dense gate joining it makes it dense (so it must then fit k).
///
/// A block's matrix is the ordered product of its gates, computed by applying each gate to the
/// identity with the scalar kernels (the 2^b x 2^b matrix is a 2b-qubit "state" whose low b
/// bits are the row index). Parameters are bound before fusion; fusion never crosses a
/// measurement, reset, barrier or conditioned operation.
///
/// Cache blocking (fusion_options::cache_blocking, on by default): each unitary stretch is cut
/// into stages of at most `block_qubits` qubits (circuit/detail/block_schedule.hpp); a stage
/// runs one cache-sized sub-state at a time, so it costs one pass over memory however many
/// gates it holds. Inside a stage the gates are fused as above and compiled into in-cache
/// operations (circuit/detail/stage_program.hpp); the fused block size is chosen per stage
/// from a cost model of the in-cache kernels unless `choose_block_size` is false.

#include <algorithm>
#include <complex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/circuit/detail/block_run.hpp"
#include "qcoach/circuit/detail/block_schedule.hpp"
#include "qcoach/circuit/detail/stage_program.hpp"
#include "qcoach/circuit/ir.hpp"
#include "qcoach/circuit/run.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/statevector/detail/kernel_scalar.hpp"
#include "qcoach/statevector/gate.hpp"
#include "qcoach/statevector/gates.hpp"

namespace qcoach {

struct fusion_options {
    /// Largest dense block (qubits), 1..6. 0 or 1 leaves dense gates unfused (except exact
    /// duplicates of qubit sets, which still merge when max_qubits >= their size). With cache
    /// blocking this is the largest block inside a stage (see choose_block_size).
    unsigned max_qubits = 3;
    /// Largest diagonal block (qubits).
    unsigned max_diagonal_qubits = 10;
    /// Run each unitary stretch in cache-sized stages (one pass over memory per stage) instead
    /// of one pass per fused block.
    bool cache_blocking = true;
    /// With cache blocking: pick the block size of each stage (1..max_qubits) with the lowest
    /// modelled in-cache cost; false uses max_qubits everywhere.
    bool choose_block_size = true;
    /// Qubits of a stage's sub-state (2^14 double amplitudes = 256 KiB, half the L2 cache of
    /// the machines measured in docs/performance.md), 4..30.
    unsigned block_qubits = 14;
    /// Lowest qubits that belong to every stage: a sub-state is made of tiles of 2^tile_qubits
    /// contiguous amplitudes (2: one 64-byte line in double).
    unsigned tile_qubits = 2;
};

namespace detail {

struct fusion_block {
    std::vector<qubit_t> qubits;  ///< ascending
    std::vector<std::size_t> gates;
    bool diagonal = true;
    bool alive = true;
};

inline std::vector<qubit_t> union_of(const std::vector<qubit_t>& a, const std::vector<qubit_t>& b) {
    std::vector<qubit_t> u;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(u));
    return u;
}

/// The fused gate of one block: a dense unitary or a diagonal on the block's qubits.
inline Gate block_gate(const fusion_block& blk, std::span<const Gate> gates) {
    const std::size_t b = blk.qubits.size();
    auto local = [&](qubit_t q) {
        return static_cast<qubit_t>(std::lower_bound(blk.qubits.begin(), blk.qubits.end(), q) - blk.qubits.begin());
    };
    exec_policy serial;
    serial.threads = 1;
    serial.path = kernel_path::scalar;
    if (blk.diagonal) {
        Eigen::VectorXcd d = Eigen::VectorXcd::Ones(Eigen::Index{1} << b);
        for (std::size_t gi : blk.gates) {
            const Gate& g = gates[gi];
            std::vector<qubit_t> lt, lc;
            for (qubit_t q : g.targets) lt.push_back(local(q));
            for (qubit_t q : g.controls) lc.push_back(local(q));
            const gate_layout lay(lt, lc, g.control_values);
            diagonal_scalar(d.data(), static_cast<qubit_t>(b), lay, g.diag.data(), serial);
        }
        Gate out;
        out.kind = GateKind::diagonal;
        out.targets = blk.qubits;
        out.diag = std::move(d);
        return out;
    }
    // Columns of the identity as one 2b-qubit vector: entry (row, col) at row + 2^b col.
    const std::size_t dim = std::size_t{1} << b;
    std::vector<std::complex<double>> u(dim * dim, 0.0);
    for (std::size_t i = 0; i < dim; ++i) u[i + dim * i] = 1.0;
    for (std::size_t gi : blk.gates) {
        const Gate& g = gates[gi];
        std::vector<qubit_t> lt, lc;
        for (qubit_t q : g.targets) lt.push_back(local(q));
        for (qubit_t q : g.controls) lc.push_back(local(q));
        const gate_layout lay(lt, lc, g.control_values);
        if (g.is_diagonal()) {
            diagonal_scalar(u.data(), static_cast<qubit_t>(2 * b), lay, g.diag.data(), serial);
        } else {
            const Eigen::Index d = g.mat.rows();
            std::vector<std::complex<double>> rm(static_cast<std::size_t>(d * d));
            for (Eigen::Index r = 0; r < d; ++r)
                for (Eigen::Index c = 0; c < d; ++c) rm[static_cast<std::size_t>(r * d + c)] = g.mat(r, c);
            dense_scalar(u.data(), static_cast<qubit_t>(2 * b), lay, rm.data(), serial);
        }
    }
    Gate out;
    out.kind = GateKind::unitary;
    out.targets = blk.qubits;
    out.mat.resize(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
    for (std::size_t r = 0; r < dim; ++r)
        for (std::size_t c = 0; c < dim; ++c) out.mat(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = u[r + dim * c];
    return out;
}

} // namespace detail

/// @brief Fuse a sequence of bound gates on n qubits (see the file comment). The result applies
/// the same unitary. A block of one gate is returned as that gate, unchanged.
inline std::vector<Gate> fuse(std::span<const Gate> gates, qubit_t n, const fusion_options& opt = {}) {
    if (opt.max_qubits > max_dense_qubits) {
        throw value_error("fusion block size must be at most " + std::to_string(max_dense_qubits) + ", got " +
                          std::to_string(opt.max_qubits));
    }
    const std::size_t kmax = std::max<unsigned>(opt.max_qubits, 1);
    const std::size_t dmax = std::min<unsigned>(std::max<unsigned>(opt.max_diagonal_qubits, 1), max_diagonal_qubits);
    std::vector<detail::fusion_block> blocks;
    std::vector<long> last(n, -1);
    for (std::size_t gi = 0; gi < gates.size(); ++gi) {
        const Gate& g = gates[gi];
        check_gate_qubits(g, n);
        std::vector<qubit_t> q = g.qubits();
        std::sort(q.begin(), q.end());
        const bool diag = g.is_diagonal();
        long bstar = -1;
        for (qubit_t x : q) bstar = std::max(bstar, last[x]);
        bool placed = false;
        if (bstar >= 0) {
            detail::fusion_block& B = blocks[static_cast<std::size_t>(bstar)];
            std::vector<qubit_t> merged = detail::union_of(B.qubits, q);
            // Earlier blocks on G's other qubits that can move forward into B.
            std::vector<long> pulled;
            for (qubit_t x : q) {
                const long L = last[x];
                if (L < 0 || L == bstar || std::find(pulled.begin(), pulled.end(), L) != pulled.end()) continue;
                const detail::fusion_block& lb = blocks[static_cast<std::size_t>(L)];
                bool last_everywhere = true;
                for (qubit_t y : lb.qubits) last_everywhere = last_everywhere && last[y] == L;
                if (last_everywhere) pulled.push_back(L);
            }
            bool all_diag = B.diagonal && diag;
            std::vector<qubit_t> with_pulled = merged;
            for (long L : pulled) {
                with_pulled = detail::union_of(with_pulled, blocks[static_cast<std::size_t>(L)].qubits);
                all_diag = all_diag && blocks[static_cast<std::size_t>(L)].diagonal;
            }
            const std::size_t limit = all_diag ? dmax : kmax;
            if (with_pulled.size() <= limit) {
                std::vector<std::size_t> order;
                for (long L : pulled) {
                    auto& lb = blocks[static_cast<std::size_t>(L)];
                    order.insert(order.end(), lb.gates.begin(), lb.gates.end());
                    lb.alive = false;
                    for (qubit_t y : lb.qubits) last[y] = bstar;
                }
                order.insert(order.end(), B.gates.begin(), B.gates.end());
                order.push_back(gi);
                B.gates = std::move(order);
                B.qubits = std::move(with_pulled);
                B.diagonal = all_diag;
                placed = true;
            } else if (merged.size() <= (B.diagonal && diag ? dmax : kmax)) {
                B.gates.push_back(gi);
                B.qubits = std::move(merged);
                B.diagonal = B.diagonal && diag;
                placed = true;
            }
        }
        if (!placed) {
            detail::fusion_block nb;
            nb.qubits = q;
            nb.gates = {gi};
            nb.diagonal = diag;
            blocks.push_back(std::move(nb));
            bstar = static_cast<long>(blocks.size()) - 1;
        }
        // G (and any pulled block, updated above) now ends at bstar on G's qubits. B's other
        // qubits keep their own last block, which may be later than B.
        for (qubit_t x : q) last[x] = bstar;
    }
    std::vector<Gate> out;
    for (const auto& blk : blocks) {
        if (!blk.alive) continue;
        if (blk.gates.size() == 1) out.push_back(gates[blk.gates.front()]);
        else out.push_back(detail::block_gate(blk, gates));
    }
    return out;
}

/// @brief A circuit with its gates fused: fused gates for every unitary stretch, the
/// measurements, resets, barriers and conditioned operations kept in place as they were.
struct FusedCircuit {
    struct Step {
        bool is_gate = true;
        Gate gate;           ///< when is_gate
        Operation op;        ///< when neither a gate nor a segment (measure, reset, barrier, conditioned gate)
        long segment = -1;   ///< >= 0: a cache-blocked stretch, segments[segment] (is_gate is false)
    };
    qubit_t num_qubits = 0;
    std::size_t num_clbits = 0;
    std::vector<Step> steps;
    std::vector<detail::blocked_segment> segments; ///< cache-blocked stretches
    std::size_t gates_in = 0;   ///< gates before fusion
    std::size_t blocks_out = 0; ///< fused gates after (inside stages: fused gates of the stages)
    std::size_t stages = 0;     ///< stages of the cache-blocked stretches (passes over memory)
};

namespace detail {

/// The blocked plan of one unitary stretch (see the file comment).
inline blocked_segment plan_blocked(std::span<const Gate> gates, qubit_t n, const fusion_options& opt, std::size_t& blocks) {
    if (opt.max_qubits > max_dense_qubits) {
        throw value_error("fusion block size must be at most " + std::to_string(max_dense_qubits) + ", got " +
                          std::to_string(opt.max_qubits));
    }
    if (opt.block_qubits < 4 || opt.block_qubits > 30) {
        throw value_error("cache blocking: block_qubits must be in [4, 30], got " + std::to_string(opt.block_qubits));
    }
    if (opt.tile_qubits > opt.block_qubits) {
        throw value_error("cache blocking: tile_qubits (" + std::to_string(opt.tile_qubits) + ") exceeds block_qubits (" +
                          std::to_string(opt.block_qubits) + ")");
    }
    std::vector<std::vector<qubit_t>> qs;
    qs.reserve(gates.size());
    for (const Gate& g : gates) qs.push_back(g.qubits());
    const std::vector<schedule_step> sched = schedule_stages(qs, n, opt.block_qubits, opt.tile_qubits);
    blocked_segment seg;
    const unsigned kmax = std::max<unsigned>(1, opt.max_qubits);
    for (const schedule_step& step : sched) {
        blocked_stage st;
        st.gates = step.gates.size();
        if (step.direct) {
            st.direct = true;
            st.gate = gates[step.gates.front()];
            ++blocks;
            seg.stages.push_back(std::move(st));
            continue;
        }
        std::vector<qubit_t> q;
        if (n > opt.block_qubits)
            for (qubit_t t = 0; t < opt.tile_qubits; ++t) q.push_back(t);
        q.insert(q.end(), step.high.begin(), step.high.end());
        std::sort(q.begin(), q.end());
        q.erase(std::unique(q.begin(), q.end()), q.end());
        const bool in_place = q.back() + 1u == q.size();
        if (!in_place) {
            // A few leftover gates cost less as ordinary full-state passes than a gather and a
            // scatter (about three passes with one-line tiles, docs/performance.md).
            std::vector<Gate> few;
            for (std::size_t gi : step.gates) few.push_back(gates[gi]);
            few = fuse(std::span<const Gate>(few), n, opt);
            if (few.size() <= 2) {
                for (Gate& g : few) {
                    blocked_stage d;
                    d.direct = true;
                    d.gates = std::exchange(st.gates, 0); // the stage's circuit gates, counted once
                    d.gate = std::move(g);
                    ++blocks;
                    seg.stages.push_back(std::move(d));
                }
                continue;
            }
        }
        std::vector<qubit_t> local(n, 0);
        for (std::size_t i = 0; i < q.size(); ++i) local[q[i]] = static_cast<qubit_t>(i);
        std::vector<Gate> sub;
        sub.reserve(step.gates.size());
        for (std::size_t gi : step.gates) {
            Gate g = gates[gi];
            for (qubit_t& x : g.targets) x = local[x];
            for (qubit_t& x : g.controls) x = local[x];
            sub.push_back(std::move(g));
        }
        const auto nb = static_cast<qubit_t>(q.size());
        std::size_t best_blocks = 0;
        for (unsigned k = opt.choose_block_size ? 1 : kmax; k <= kmax; ++k) {
            fusion_options inner = opt;
            inner.max_qubits = k;
            const std::vector<Gate> fused = fuse(std::span<const Gate>(sub), nb, inner);
            stage_program prog = compile_stage(std::span<const Gate>(fused), nb);
            if (k == (opt.choose_block_size ? 1u : kmax) || prog.cost < st.program.cost) {
                st.program = std::move(prog);
                st.block_size = k;
                best_blocks = fused.size();
            }
        }
        blocks += best_blocks;
        st.qubits = std::move(q);
        seg.stages.push_back(std::move(st));
    }
    return seg;
}

} // namespace detail

/// @brief Bind `theta` and fuse every stretch of unconditioned gates between boundaries.
inline FusedCircuit fuse(const Circuit& c, std::span<const double> theta, const fusion_options& opt = {}) {
    c.check_params(theta);
    FusedCircuit out;
    out.num_qubits = c.num_qubits();
    out.num_clbits = c.num_clbits();
    std::vector<Gate> pending;
    auto flush = [&] {
        if (opt.cache_blocking && !pending.empty()) {
            FusedCircuit::Step s;
            s.is_gate = false;
            s.segment = static_cast<long>(out.segments.size());
            out.segments.push_back(detail::plan_blocked(std::span<const Gate>(pending), c.num_qubits(), opt, out.blocks_out));
            for (const auto& st : out.segments.back().stages) out.stages += st.direct ? 0 : 1;
            out.steps.push_back(std::move(s));
            pending.clear();
            return;
        }
        for (Gate& g : fuse(std::span<const Gate>(pending), c.num_qubits(), opt)) {
            FusedCircuit::Step s;
            s.gate = std::move(g);
            out.steps.push_back(std::move(s));
            ++out.blocks_out;
        }
        pending.clear();
    };
    for (const Operation& op : c.operations()) {
        if (op.type == OpType::gate && !op.condition) {
            pending.push_back(bind_gate(op, theta));
            ++out.gates_in;
            continue;
        }
        flush();
        FusedCircuit::Step s;
        s.is_gate = false;
        s.op = op;
        if (op.type == OpType::gate) {
            // A conditioned gate stays a single step, its angles bound.
            s.op.params.clear();
            for (const Param& p : op.params) s.op.params.emplace_back(p.value(theta));
            ++out.gates_in;
        }
        out.steps.push_back(std::move(s));
    }
    flush();
    return out;
}

/// @brief Run a fused circuit (see run() in run.hpp for measurement and condition semantics).
template <precision Real>
std::vector<std::uint8_t> run(const FusedCircuit& fc, StateVector<Real>& psi, const run_options& options = {}) {
    if (psi.num_qubits() != fc.num_qubits) {
        throw value_error("circuit on " + std::to_string(fc.num_qubits) + " qubits run on a state of " +
                          std::to_string(psi.num_qubits()) + " qubits");
    }
    std::vector<std::uint8_t> bits(fc.num_clbits, 0);
    Rng rng(options.seed);
    for (const auto& s : fc.steps) {
        if (s.is_gate) {
            apply(psi, s.gate, options.policy);
            continue;
        }
        if (s.segment >= 0) {
            detail::run_blocked(fc.segments[static_cast<std::size_t>(s.segment)], psi, options.policy);
            continue;
        }
        const Operation& op = s.op;
        if (op.condition) {
            std::uint64_t v = 0;
            for (std::size_t b = 0; b < op.condition->count; ++b) v |= std::uint64_t{bits[op.condition->first + b]} << b;
            if (v != op.condition->value) continue;
        }
        switch (op.type) {
        case OpType::gate: apply(psi, bind_gate(op, {}), options.policy); break;
        case OpType::measure: bits[op.clbit] = static_cast<std::uint8_t>(measure(psi, op.targets[0], rng, options.policy)); break;
        case OpType::reset: reset(psi, op.targets[0], rng, options.policy); break;
        case OpType::barrier: break;
        }
    }
    return bits;
}

} // namespace qcoach
