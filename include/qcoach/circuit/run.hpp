#pragma once
/// @file
/// @brief Running a circuit on a StateVector of either precision.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/statevector/apply.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach {

struct run_options {
    exec_policy policy = default_policy();
    /// Seed of the measurement and reset outcomes (one trajectory per run).
    std::uint64_t seed = 0;
};

/// @brief Apply a circuit to `psi` with angles bound to `theta`. Measurements collapse the state
/// and write their classical bit; resets measure and flip back to |0>; conditioned operations
/// run only when their classical bits hold the value. Returns the classical bits (0/1).
/// Throws value_error when the state's qubit count differs from the circuit's and index_error
/// when theta is too short, before anything is applied.
template <precision Real>
std::vector<std::uint8_t> run(const Circuit& c, StateVector<Real>& psi, std::span<const double> theta = {},
                              const run_options& options = {}) {
    if (psi.num_qubits() != c.num_qubits()) {
        throw value_error("circuit on " + std::to_string(c.num_qubits()) + " qubits run on a state of " +
                          std::to_string(psi.num_qubits()) + " qubits");
    }
    c.check_params(theta);
    std::vector<std::uint8_t> bits(c.num_clbits(), 0);
    Rng rng(options.seed);
    auto condition_holds = [&bits](const Condition& cond) {
        std::uint64_t v = 0;
        for (std::size_t b = 0; b < cond.count; ++b) v |= std::uint64_t{bits[cond.first + b]} << b;
        return v == cond.value;
    };
    for (const Operation& op : c.operations()) {
        if (op.condition && !condition_holds(*op.condition)) continue;
        switch (op.type) {
        case OpType::gate: apply(psi, bind_gate(op, theta), options.policy); break;
        case OpType::measure: bits[op.clbit] = static_cast<std::uint8_t>(measure(psi, op.targets[0], rng, options.policy)); break;
        case OpType::reset: reset(psi, op.targets[0], rng, options.policy); break;
        case OpType::barrier: break;
        }
    }
    return bits;
}

} // namespace qcoach
