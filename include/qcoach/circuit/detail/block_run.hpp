#pragma once
/// @file
/// @brief Running a cache-blocked plan: each stage gathers one sub-state at a time into a
/// per-thread buffer, runs the stage's program on it in cache, and scatters it back.
///
/// A stage on qubits Q = {0..w-1} ∪ H (ascending; local qubit i of the sub-state is Q[i]) has
/// one sub-state per assignment of the qubits outside Q. Its amplitudes are 2^h tiles of 2^w
/// contiguous amplitudes, tile j at base + scatter(j, H), where base is the assignment of the
/// outside qubits; copying the tiles in order j = 0, 1, ... makes a contiguous 2^(w+h)-amplitude
/// state whose qubit w + t is H[t]. When Q is {0..|Q|-1} the sub-states are contiguous chunks
/// and the program runs on the state in place.
///
/// Sub-states are visited in increasing base order (counting up around the bits of Q), so each
/// of the 2^h tile streams moves upward through memory. Threads take contiguous ranges of
/// sub-states, each with its own buffer; every sub-state goes through the same operations
/// whichever thread runs it, so results do not depend on the thread count.

#include <algorithm>
#include <complex>
#include <cstring>
#include <memory>
#include <new>
#include <variant>
#include <vector>

#include "qcoach/circuit/detail/stage_program.hpp"
#include "qcoach/core/aligned.hpp"
#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/detail/dense_apply.hpp"
#include "qcoach/statevector/detail/kernel_diagonal.hpp"
#include "qcoach/statevector/detail/kernel_phase_table.hpp"
#include "qcoach/statevector/detail/kernel_rotation.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach::detail {

/// One step of a blocked plan: a stage, or a gate applied directly to the whole state.
struct blocked_stage {
    bool direct = false;
    Gate gate;                   ///< direct step (global qubits)
    std::vector<qubit_t> qubits; ///< Q ascending
    stage_program program;       ///< on the sub-state's qubits
    std::size_t gates = 0;       ///< circuit gates in the stage
    unsigned block_size = 0;     ///< fused block size used inside the stage
};

/// A unitary stretch of a circuit, cut into stages.
struct blocked_segment {
    std::vector<blocked_stage> stages;
};

/// A stage program with its tables and dense plans prepared in the state's precision.
template <class Real>
struct stage_runtime {
    struct dense_gate {
        explicit dense_gate(gate_layout l) : layout(std::move(l)) {}
        gate_layout layout;
        std::vector<std::complex<double>> rowmajor;
        bool diagonal = false;
#if QCOACH_HAS_SIMD
        dense_plan<Real> plan;
        bool planar = false;
#endif
    };
    struct op {
        stage_op::kind type;
        std::size_t index;
    };
    std::vector<op> ops;
    std::vector<std::vector<rotation_op>> rotations;
    std::vector<phase_tables_real<Real>> phases;
    std::vector<dense_gate> gates;
    bool simd = true;

    stage_runtime(const stage_program& p, qubit_t nb, kernel_path path) : simd(path == kernel_path::simd) {
        for (const stage_op& o : p.ops) {
            switch (o.type) {
            case stage_op::kind::rotations:
                ops.push_back({o.type, rotations.size()});
                rotations.push_back(o.rots);
                break;
            case stage_op::kind::phases:
                ops.push_back({o.type, phases.size()});
                phases.emplace_back(o.tables);
                break;
            case stage_op::kind::gate: {
                const Gate& g = o.gate;
                dense_gate d(gate_layout(g.targets, g.controls, g.control_values));
                d.diagonal = g.is_diagonal();
                if (d.diagonal) {
                    d.rowmajor.assign(g.diag.data(), g.diag.data() + g.diag.size());
                } else {
                    const Eigen::Index dim = g.mat.rows();
                    d.rowmajor.resize(static_cast<std::size_t>(dim * dim));
                    for (Eigen::Index r = 0; r < dim; ++r)
                        for (Eigen::Index c = 0; c < dim; ++c) d.rowmajor[static_cast<std::size_t>(r * dim + c)] = g.mat(r, c);
#if QCOACH_HAS_SIMD
                    d.plan = make_dense_plan<Real>(nb, d.layout, d.rowmajor.data());
                    const unsigned planar_min = kernel_tuning_storage().planar_min_high;
                    d.planar = d.plan.usable && planar_min != 0 && d.plan.high_count >= planar_min && planar_applicable(d.plan, nb);
#endif
                }
                ops.push_back({o.type, gates.size()});
                gates.push_back(std::move(d));
                break;
            }
            }
        }
    }

    /// Run the program on one nb-qubit sub-state, serially.
    void run(std::complex<Real>* psi, qubit_t nb) const {
        exec_policy serial;
        serial.threads = 1;
        serial.path = simd ? kernel_path::simd : kernel_path::scalar;
        for (std::size_t k = 0; k < ops.size(); ++k) {
            const op& o = ops[k];
            switch (o.type) {
            case stage_op::kind::rotations:
                if (simd) rotations_apply(psi, nb, std::span<const rotation_op>(rotations[o.index]));
                else rotations_scalar(psi, nb, std::span<const rotation_op>(rotations[o.index]));
                break;
            case stage_op::kind::phases:
#if QCOACH_HAS_SIMD
                // Row factors right before rotations ride along with their first pass.
                if (simd && k + 1 < ops.size() && ops[k + 1].type == stage_op::kind::rotations && rotations_simd_runs<Real>(nb) &&
                    row_phase_pre<Real>::usable(phases[o.index])) {
                    rotations_simd(psi, nb, std::span<const rotation_op>(rotations[ops[k + 1].index]),
                                   row_phase_pre<Real>(phases[o.index]));
                    ++k;
                    break;
                }
#endif
                phase_tables_apply(psi, nb, phases[o.index]);
                break;
            case stage_op::kind::gate: {
                const dense_gate& d = gates[o.index];
                if (d.diagonal) {
                    diagonal_apply(psi, nb, d.layout, d.rowmajor.data(), serial);
                    break;
                }
#if QCOACH_HAS_SIMD
                if (simd && d.plan.usable && d.plan.high_count <= max_dense_qubits) {
                    if (d.planar) dense_planar_dispatch<Real>(psi, nb, d.plan, serial);
                    else dense_simd_dispatch<Real>(psi, nb, d.plan, serial);
                    break;
                }
#endif
                dense_scalar(psi, nb, d.layout, d.rowmajor.data(), serial);
                break;
            }
            }
        }
    }
};

/// Run one stage on the state.
template <class Real>
void run_stage(const blocked_stage& st, StateVector<Real>& psi, const exec_policy& pol) {
    const qubit_t n = psi.num_qubits();
    const auto nb = static_cast<qubit_t>(st.qubits.size());
    const stage_runtime<Real> rt(st.program, nb, pol.path);
    unsigned w = 0;
    while (w < nb && st.qubits[w] == w) ++w;
    const index_t subs = index_t{1} << (n - nb);
    const index_t sub_size = index_t{1} << nb;
    const index_t q_mask = bits::mask_of(st.qubits);
    std::complex<Real>* data = psi.data();
    const int threads = subs > 1 ? static_cast<int>(std::min<index_t>(static_cast<index_t>(pol.threads_for(psi.size())), subs)) : 1;
    if (w == nb) {
        // Contiguous chunks: in place.
        parallel_ranges(threads, subs, [&](index_t begin, index_t end, index_t) {
            for (index_t s = begin; s < end; ++s) rt.run(data + s * sub_size, nb);
        });
        return;
    }
    const std::vector<qubit_t> high(st.qubits.begin() + w, st.qubits.end());
    const index_t tiles = index_t{1} << high.size();
    const index_t tile = index_t{1} << w;
    std::vector<index_t> offsets(tiles);
    for (index_t j = 0; j < tiles; ++j) offsets[j] = bits::scatter_bits(j, high);
    std::vector<qubit_t> outside;
    for (qubit_t q = 0; q < n; ++q)
        if (!((q_mask >> q) & 1)) outside.push_back(q);
    // One buffer per thread, allocated before any parallel region (an allocation failure then
    // throws in the caller's thread).
    std::vector<aligned_vector<std::complex<Real>>> buffers(static_cast<std::size_t>(std::max(threads, 1)));
    for (auto& b : buffers) b.resize(sub_size);
    parallel_ranges(threads, subs, [&](index_t begin, index_t end, index_t id) {
        std::complex<Real>* buf = buffers[static_cast<std::size_t>(id)].data();
        index_t base = bits::scatter_bits(begin, outside);
        for (index_t s = begin; s < end; ++s, base = ((base | q_mask) + 1) & ~q_mask) {
            for (index_t j = 0; j < tiles; ++j) std::copy_n(data + base + offsets[j], tile, buf + j * tile);
            rt.run(buf, nb);
            for (index_t j = 0; j < tiles; ++j) std::copy_n(buf + j * tile, tile, data + base + offsets[j]);
        }
    });
}

/// @brief Run a blocked segment on the state.
template <class Real>
void run_blocked(const blocked_segment& seg, StateVector<Real>& psi, const exec_policy& pol) {
    for (const blocked_stage& st : seg.stages) {
        if (st.direct) apply(psi, st.gate, pol);
        else run_stage(st, psi, pol);
    }
}

} // namespace qcoach::detail
