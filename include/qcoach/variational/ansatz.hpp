#pragma once
/// @file
/// @brief Hardware-efficient ansatz: blocks of single-qubit rotations separated by entangling
/// layers, built as a parametric circuit (Kandala et al., "Hardware-efficient variational
/// quantum eigensolver for small molecules and quantum magnets", Nature 549, 242 (2017)).
///
/// ## Layout
/// With L = layers, R = rotations.size() and n qubits the circuit is
///
///     rotation block 0, entangler, rotation block 1, entangler, ..., entangler, rotation block L
///
/// (the last rotation block only when final_rotations is true; L = 0 gives a single rotation
/// block). A rotation block applies rotations[0] to qubits 0..n-1, then rotations[1] to qubits
/// 0..n-1, and so on. An entangler applies CX(a, b) or CZ(a, b) to every pair of the chosen
/// topology, in this order:
/// - linear:   (0,1), (1,2), ..., (n-2,n-1)
/// - circular: linear, then (n-1, 0) (only for n >= 3, where it is a new pair)
/// - full:     all (a, b) with a < b, ordered by a, then b.
///
/// ## Parameter order
/// Every rotation has its own parameter, in the order the gates appear:
///     index(block b, rotation j, qubit q) = (b·R + j)·n + q,
/// so num_params = (L + [final_rotations])·R·n. hea_param_index() computes it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/circuit/ir.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::variational {

/// @brief Axis of a single-qubit rotation gate of the ansatz.
enum class rotation : std::uint8_t { x, y, z };
/// @brief Two-qubit gate of the entangling layers.
enum class entangler : std::uint8_t { cx, cz };
/// @brief Which pairs the entangling layers couple.
enum class entanglement : std::uint8_t { linear, circular, full };

/// @brief Shape of a hardware-efficient ansatz (see the file comment).
struct hea_options {
    std::size_t layers = 1;                                   ///< entangling layers L
    std::vector<rotation> rotations{rotation::y, rotation::z}; ///< rotations per qubit per block, in order
    entangler gate = entangler::cz;
    entanglement topology = entanglement::linear;
    bool final_rotations = true; ///< end with a rotation block after the last entangler
};

/// @brief The (a, b) pairs of one entangling layer on n qubits, in application order.
inline std::vector<std::pair<qubit_t, qubit_t>> entangler_pairs(qubit_t n, entanglement topology) {
    std::vector<std::pair<qubit_t, qubit_t>> pairs;
    switch (topology) {
    case entanglement::linear:
    case entanglement::circular:
        for (qubit_t q = 0; q + 1 < n; ++q) pairs.emplace_back(q, q + 1);
        if (topology == entanglement::circular && n >= 3) pairs.emplace_back(n - 1, 0);
        break;
    case entanglement::full:
        for (qubit_t a = 0; a < n; ++a)
            for (qubit_t b = a + 1; b < n; ++b) pairs.emplace_back(a, b);
        break;
    }
    return pairs;
}

namespace detail {

inline void check_hea(qubit_t n, const hea_options& o) {
    if (n < 1 || n > max_qubits) {
        throw value_error("hardware-efficient ansatz needs 1 to " + std::to_string(max_qubits) + " qubits, got " + std::to_string(n));
    }
    if (o.rotations.empty()) throw value_error("hardware-efficient ansatz needs at least one rotation per block");
    for (std::size_t j = 0; j < o.rotations.size(); ++j)
        if (static_cast<unsigned>(o.rotations[j]) > 2)
            throw value_error("hardware-efficient ansatz: rotation " + std::to_string(j) + " is not x, y or z");
    if (o.layers == 0 && !o.final_rotations) {
        throw value_error("hardware-efficient ansatz with 0 layers and no final rotations has no gates");
    }
}

inline std::size_t hea_blocks(const hea_options& o) noexcept { return o.layers + (o.final_rotations ? 1 : 0); }

} // namespace detail

/// @brief Number of parameters: (L + [final_rotations]) · R · n.
inline std::size_t hea_num_params(qubit_t n, const hea_options& o = {}) {
    detail::check_hea(n, o);
    return detail::hea_blocks(o) * o.rotations.size() * n;
}

/// @brief Index of the parameter of rotation j (into o.rotations) on qubit q in rotation block b.
/// Throws index_error when b, j or q is out of range.
inline std::size_t hea_param_index(qubit_t n, const hea_options& o, std::size_t block, std::size_t j, qubit_t q) {
    detail::check_hea(n, o);
    const std::size_t blocks = detail::hea_blocks(o);
    if (block >= blocks) throw index_error("rotation block " + std::to_string(block) + " out of range [0, " + std::to_string(blocks) + ")");
    if (j >= o.rotations.size()) {
        throw index_error("rotation " + std::to_string(j) + " out of range [0, " + std::to_string(o.rotations.size()) + ")");
    }
    if (q >= n) throw index_error("qubit " + std::to_string(q) + " out of range [0, " + std::to_string(n) + ")");
    return (block * o.rotations.size() + j) * n + q;
}

/// @brief The hardware-efficient ansatz on n qubits as a parametric circuit with
/// hea_num_params(n, o) parameters (layout and parameter order in the file comment).
/// Throws value_error for n outside [1, max_qubits], no rotations, or no gates at all.
inline Circuit hardware_efficient(qubit_t n, const hea_options& o = {}) {
    detail::check_hea(n, o);
    Circuit c(n);
    const auto pairs = entangler_pairs(n, o.topology);
    const std::size_t blocks = detail::hea_blocks(o);
    const std::size_t r = o.rotations.size();
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t j = 0; j < r; ++j) {
            for (qubit_t q = 0; q < n; ++q) {
                const Param a = Param::symbol((b * r + j) * n + q);
                switch (o.rotations[j]) {
                case rotation::x: c.rx(q, a); break;
                case rotation::y: c.ry(q, a); break;
                case rotation::z: c.rz(q, a); break;
                }
            }
        }
        if (b >= o.layers) continue; // the final rotation block has no entangler after it
        for (const auto& [a, t] : pairs) {
            if (o.gate == entangler::cx) c.cx(a, t);
            else c.cz(a, t);
        }
    }
    return c;
}

} // namespace qcoach::variational
