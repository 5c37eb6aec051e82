#pragma once
/// @file
/// @brief Variable types of a binary quadratic model, the variable index type and samples.
///
/// A sample is a `std::span<const std::int8_t>` with one entry per variable, in variable-index
/// order: 0/1 for a binary model, -1/+1 for a spin model. The two views are related by
/// s = 2x - 1 (x = 1 <-> s = +1). A batch of samples is stored row-major: sample k occupies
/// entries [k n, (k + 1) n).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"

namespace qcoach::qubo {

/// Index of a variable. 32 bits keep the CSR neighbour arrays compact.
using var_t = std::uint32_t;

/// Largest number of variables a model may have (every index and the count fit in var_t).
inline constexpr std::size_t max_variables = std::numeric_limits<var_t>::max();

/// Domain of the variables: binary x in {0, 1} (QUBO view) or spin s in {-1, +1} (Ising view).
enum class vartype : std::uint8_t { binary, spin };

/// @brief "binary" or "spin".
constexpr std::string_view vartype_name(vartype t) noexcept { return t == vartype::binary ? "binary" : "spin"; }

/// @brief Parse "binary" / "spin" (also the dimod spellings "BINARY" / "SPIN").
inline vartype parse_vartype(std::string_view s) {
    if (s == "binary" || s == "BINARY") return vartype::binary;
    if (s == "spin" || s == "SPIN") return vartype::spin;
    throw value_error("unknown vartype \"" + std::string(s) + "\"; allowed: \"binary\", \"spin\"");
}

/// @brief Whether v is a value a variable of type t can take.
constexpr bool valid_value(vartype t, std::int8_t v) noexcept {
    return t == vartype::binary ? (v == 0 || v == 1) : (v == -1 || v == 1);
}

/// @brief The other value of a variable: 1 - x for binary, -s for spin.
constexpr std::int8_t flipped(vartype t, std::int8_t v) noexcept {
    return t == vartype::binary ? static_cast<std::int8_t>(1 - v) : static_cast<std::int8_t>(-v);
}

/// @brief Whether every value of `sample` is valid for vartype t (no allocation, no throw).
inline bool valid_values(vartype t, std::span<const std::int8_t> sample) noexcept {
    for (const std::int8_t v : sample)
        if (!valid_value(t, v)) return false;
    return true;
}

/// @brief Throw unless `sample` has `n` entries, all valid for vartype t. `what` names it in the
/// message ("sample", "sample 3", ...).
inline void check_sample(vartype t, std::size_t n, std::span<const std::int8_t> sample,
                         std::string_view what = "sample") {
    if (sample.size() != n) {
        throw value_error(std::string(what) + " has " + std::to_string(sample.size()) + " values; the model has " +
                          std::to_string(n) + " variables");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!valid_value(t, sample[i])) {
            throw value_error(std::string(what) + ": variable " + std::to_string(i) + " has value " +
                              std::to_string(static_cast<int>(sample[i])) + "; a " + std::string(vartype_name(t)) +
                              " variable takes " + (t == vartype::binary ? "0 or 1" : "-1 or +1"));
        }
    }
}

/// @brief Spin view of a binary sample: s = 2x - 1. The input is checked.
inline std::vector<std::int8_t> spins_from_binary(std::span<const std::int8_t> x) {
    check_sample(vartype::binary, x.size(), x);
    std::vector<std::int8_t> s(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) s[i] = static_cast<std::int8_t>(2 * x[i] - 1);
    return s;
}

/// @brief Binary view of a spin sample: x = (s + 1) / 2. The input is checked.
inline std::vector<std::int8_t> binary_from_spins(std::span<const std::int8_t> s) {
    check_sample(vartype::spin, s.size(), s);
    std::vector<std::int8_t> x(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) x[i] = static_cast<std::int8_t>((s[i] + 1) / 2);
    return x;
}

/// @brief The sample whose bit i (of the integer `bits`) gives variable i: 0/1 for binary,
/// -1/+1 for spin. Handy for exhaustive enumeration of small models (n <= 64).
inline std::vector<std::int8_t> sample_from_bits(vartype t, std::size_t n, std::uint64_t bits) {
    if (n > 64) throw value_error("sample_from_bits takes at most 64 variables, got " + std::to_string(n));
    std::vector<std::int8_t> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<std::int8_t>((bits >> i) & 1u);
        out[i] = t == vartype::binary ? b : static_cast<std::int8_t>(2 * b - 1);
    }
    return out;
}

} // namespace qcoach::qubo
