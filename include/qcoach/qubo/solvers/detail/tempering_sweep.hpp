#pragma once
/// @file
/// @brief One Metropolis sweep of a tempering replica over the CSR model, with cached local
/// fields (CsrModel::flip keeps them current in O(degree) per accepted flip).
///
/// A sweep visits the variables in index order; a flip with change d <= 0 is always taken, one
/// with d > 0 with probability exp(-beta d). The exponential is the cost that matters, so:
///   - integer models (every coefficient an integer, hence every d): a table per ladder
///     position holds exp(-beta d) * 2^64 for the small d, and the test is one comparison with
///     a raw 64-bit random number;
///   - otherwise, and for d past the table: beta d > 40 is rejected without drawing (the
///     probability is below 5e-18, far under anything a run can observe), and only the rest
///     pays for std::exp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/csr.hpp"

namespace qcoach::qubo::detail {

/// beta d above which a flip is rejected without a random draw.
inline constexpr double metropolis_cutoff = 40.0;

/// @brief Whether every coefficient is an integer and every one-flip change stays below
/// `limit`: then the changes are integers and a lookup table replaces exp().
template <precision Real>
bool integer_changes(const CsrModel<Real>& m, double limit) noexcept {
    for (var_t i = 0; i < m.num_variables(); ++i) {
        if (std::trunc(m.linear(i)) != m.linear(i)) return false;
        for (const Real w : m.weights(i))
            if (std::trunc(w) != w) return false;
        if (static_cast<double>(m.max_flip_change(i)) >= limit) return false;
    }
    return true;
}

/// @brief Acceptance rule of one ladder position.
struct metropolis_rule {
    double beta = 0.0;
    /// For integer models: threshold[d] = exp(-beta d) 2^64 (saturated), d = 0..size-1.
    std::vector<std::uint64_t> threshold;

    void set(double b, std::size_t table_size) {
        beta = b;
        // Past beta d = cutoff the entries would be 0 anyway.
        const auto useful = static_cast<std::size_t>(metropolis_cutoff / b) + 2;
        threshold.resize(std::min(table_size, useful));
        for (std::size_t d = 0; d < threshold.size(); ++d) {
            const double p = std::exp(-b * static_cast<double>(d)) * 0x1.0p64;
            threshold[d] = p >= 0x1.0p64 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(p);
        }
    }
};

/// @brief One sweep at the rule's beta; `energy` is updated; returns the accepted flips.
/// `integer` selects the table path (the table may be shorter than the largest change).
/// The energy and the generator are worked on in local copies: replicas of other threads keep
/// theirs in the same arrays, and writing through on every flip would bounce cache lines
/// between the cores.
template <precision Real>
std::uint64_t metropolis_sweep(const CsrModel<Real>& m, std::span<std::int8_t> x, std::span<Real> fields,
                               double& energy, const metropolis_rule& rule, bool integer, Rng& generator) noexcept {
    const std::size_t n = m.num_variables();
    const double beta = rule.beta;
    const std::uint64_t* table = rule.threshold.data();
    const std::size_t table_size = rule.threshold.size();
    Rng rng = generator;
    double e = energy;
    std::uint64_t accepted = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Real d = m.flip_delta(x[i], fields[i]);
        bool take;
        if (d <= 0) {
            take = true;
        } else if (integer && static_cast<double>(d) < static_cast<double>(table_size)) {
            take = rng() < table[static_cast<std::size_t>(d)];
        } else {
            const double bd = beta * static_cast<double>(d);
            take = bd < metropolis_cutoff && rng.uniform() < std::exp(-bd);
        }
        if (take) {
            m.flip(x, fields, static_cast<var_t>(i));
            e += static_cast<double>(d);
            ++accepted;
        }
    }
    energy = e;
    generator = rng;
    return accepted;
}

} // namespace qcoach::qubo::detail
