#pragma once
/// @file
/// @brief Slack encodings: binary slack variables whose weighted sum covers exactly 0..R.
///
/// An inequality sum_i a_i x_i <= b becomes the equality sum_i a_i x_i + s = b with an integer
/// slack s in 0..R, R = b - min_x sum_i a_i x_i, and s = sum_k c_k z_k over binary z_k.
///
/// Logarithmic encoding: c = 1, 2, 4, ..., 2^(K-2), t with K = bit_width(R) and the last
/// coefficient trimmed to t = R - (2^(K-1) - 1), so that sum c_k = R exactly (R = 5: 1, 2, 2).
/// Every value v in 0..R is reachable: if v >= t, take t and write v - t <= 2^(K-1) - 1 in binary
/// with the powers; if v < t <= 2^(K-1), v itself is written in binary with the powers. No value
/// above R is reachable, so the slack cannot hide a violated row. K = ceil(log2(R + 1)) bits.
///
/// Unary encoding: R coefficients equal to 1. More variables, but every slack value has many
/// encodings and a one-step change of s is one flip, which some annealers prefer.

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"

namespace qcoach::qubo {

enum class slack_encoding : std::uint8_t {
    logarithmic, ///< 1, 2, 4, ..., trimmed last coefficient: ceil(log2(R + 1)) variables
    unary,       ///< R coefficients of 1
};

constexpr std::string_view slack_encoding_name(slack_encoding e) noexcept {
    return e == slack_encoding::logarithmic ? "logarithmic" : "unary";
}

/// Largest slack range accepted by the unary encoding (one variable per unit).
inline constexpr std::int64_t max_unary_slack = 1 << 16;

/// @brief The slack coefficients covering exactly 0..range (empty for range 0).
inline std::vector<std::int64_t> slack_coefficients(std::int64_t range, slack_encoding e) {
    if (range < 0) throw value_error("a slack range must be >= 0, got " + std::to_string(range));
    std::vector<std::int64_t> c;
    if (range == 0) return c;
    if (e == slack_encoding::unary) {
        if (range > max_unary_slack) {
            throw value_error("unary slack for a range of " + std::to_string(range) + " would need that many variables (at most " +
                              std::to_string(max_unary_slack) + "); use the logarithmic encoding");
        }
        c.assign(static_cast<std::size_t>(range), 1);
        return c;
    }
    const int k = std::bit_width(static_cast<std::uint64_t>(range));
    for (int j = 0; j + 1 < k; ++j) c.push_back(std::int64_t{1} << j);
    c.push_back(range - ((std::int64_t{1} << (k - 1)) - 1));
    return c;
}

/// @brief Bits z_k with sum_k c_k z_k == value, for coefficients made by slack_coefficients
/// (value in 0..sum c). Uses the argument in the file comment: the trimmed last coefficient
/// first, then the powers of two.
inline std::vector<std::int8_t> encode_slack(std::int64_t value, const std::vector<std::int64_t>& c) {
    std::int64_t total = 0;
    for (auto v : c) total += v;
    if (value < 0 || value > total) {
        throw value_error("slack value " + std::to_string(value) + " is outside 0.." + std::to_string(total));
    }
    std::vector<std::int8_t> z(c.size(), 0);
    const bool unary = !c.empty() && c.back() == 1 && total == static_cast<std::int64_t>(c.size());
    if (unary) {
        for (std::int64_t k = 0; k < value; ++k) z[static_cast<std::size_t>(k)] = 1;
        return z;
    }
    std::int64_t rest = value;
    if (!c.empty() && rest >= c.back()) {
        z.back() = 1;
        rest -= c.back();
    }
    for (std::size_t j = 0; j + 1 < c.size(); ++j) z[j] = static_cast<std::int8_t>((rest >> j) & 1);
    return z;
}

/// @brief The slack value sum_k c_k z_k of slack bits z.
inline std::int64_t decode_slack(const std::vector<std::int8_t>& z, const std::vector<std::int64_t>& c) {
    std::int64_t s = 0;
    for (std::size_t k = 0; k < c.size() && k < z.size(); ++k) s += c[k] * z[k];
    return s;
}

} // namespace qcoach::qubo
