#pragma once
/// @file
/// @brief Bit tricks used by the kernels to walk the amplitude index space.

#include <algorithm>
#include <bit>
#include <span>

#include "qcoach/core/types.hpp"

namespace qcoach::bits {

/// @brief Insert a zero bit at position k: bits [0, k) of i stay, bits [k, 63) move up by one.
/// Walking i over [0, 2^(n-1)) and inserting a zero at the target position visits every
/// amplitude index whose target bit is 0 exactly once, in increasing order.
constexpr index_t insert_zero_bit(index_t i, unsigned k) noexcept {
    const index_t low = i & ((index_t{1} << k) - 1);
    return ((i ^ low) << 1) | low;
}

/// @brief Insert zero bits at every position of `sorted` (ascending). The positions refer to the
/// result, so inserting in ascending order is correct: each insertion only moves higher bits.
inline index_t insert_zero_bits(index_t i, std::span<const qubit_t> sorted) noexcept {
    for (qubit_t k : sorted) i = insert_zero_bit(i, k);
    return i;
}

/// @brief Parity (popcount mod 2) of x.
constexpr unsigned parity(index_t x) noexcept { return static_cast<unsigned>(std::popcount(x) & 1); }

/// @brief Gather the bits of i at the given positions into a compact number: bit j of the result
/// is bit positions[j] of i.
inline index_t gather_bits(index_t i, std::span<const qubit_t> positions) noexcept {
    index_t out = 0;
    for (std::size_t j = 0; j < positions.size(); ++j) out |= ((i >> positions[j]) & 1u) << j;
    return out;
}

/// @brief Scatter the low bits of v to the given positions: the inverse of gather_bits.
inline index_t scatter_bits(index_t v, std::span<const qubit_t> positions) noexcept {
    index_t out = 0;
    for (std::size_t j = 0; j < positions.size(); ++j) out |= ((v >> j) & 1u) << positions[j];
    return out;
}

/// @brief Mask with the bits at the given positions set.
inline index_t mask_of(std::span<const qubit_t> positions) noexcept {
    index_t m = 0;
    for (qubit_t q : positions) m |= index_t{1} << q;
    return m;
}

} // namespace qcoach::bits
