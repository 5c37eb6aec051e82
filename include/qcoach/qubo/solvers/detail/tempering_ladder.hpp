#pragma once
/// @file
/// @brief The inverse-temperature ladder of the tempering solver: its end points from the
/// model, the geometric start, and the adaptation that equalizes swap rejection rates.
///
/// End points. A replica at the hot end should move almost freely: there, the largest one-flip
/// change of the model (the bound max_i max_flip_change(i)) is accepted with probability 1/2,
/// beta_hot = ln 2 / max_change. At the cold end the smallest non-zero one-flip change (at
/// least the smallest non-zero |h_i| or |J_ij|, doubled for spins) is accepted with
/// probability 1/100 only, beta_cold = ln 100 / min_change: the replica is then a greedy
/// descent with rare escapes. Between them the start ladder is geometric (constant ratio),
/// the usual first guess when the energy variance is unknown.
///
/// Adaptation (Syed, Bouchard-Cote, Deligiannidis and Doucet, "Non-reversible parallel
/// tempering: a scalable highly parallel MCMC scheme", J. R. Stat. Soc. B 84 (2022) 321-350,
/// section 5): with the even/odd swap order, the round trips of a replica between the ends are
/// fastest when every neighbour pair has the same swap rejection rate. Measure the mean
/// rejection r_k of each pair (k, k+1) over a round, take the cumulative barrier
/// Lambda(beta_k) = r_0 + ... + r_{k-1}, interpolate it piecewise linearly, and place the new
/// betas where Lambda reaches equal steps Lambda_total k / (R - 1). The end points stay. (Syed
/// et al. interpolate over beta; here the abscissa is log beta, because the ladder spans
/// decades and a linear step in beta crowds a wide segment's hot end.) Since
/// the rejection rate of a pair grows with its beta gap, repeating the step converges to equal
/// rates; the ladder stays strictly increasing.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "qcoach/core/types.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo::detail {

/// Largest and smallest non-zero one-flip change scales of a model (see the file comment).
struct flip_scales {
    double largest = 0.0;
    double smallest = 0.0;
};

template <precision Real>
flip_scales model_flip_scales(const CsrModel<Real>& m) noexcept {
    flip_scales s;
    double small = std::numeric_limits<double>::infinity();
    for (var_t i = 0; i < m.num_variables(); ++i) {
        s.largest = std::max(s.largest, static_cast<double>(m.max_flip_change(i)));
        if (m.linear(i) != 0) small = std::min(small, std::abs(static_cast<double>(m.linear(i))));
        for (const Real w : m.weights(i)) small = std::min(small, std::abs(static_cast<double>(w)));
    }
    const double factor = m.type() == vartype::spin ? 2.0 : 1.0;
    s.smallest = std::isfinite(small) ? factor * small : 0.0;
    return s;
}

/// @brief `count` betas from `hot` to `cold` with a constant ratio (count >= 2, 0 < hot < cold).
inline std::vector<double> geometric_ladder(double hot, double cold, std::size_t count) {
    std::vector<double> b(count);
    const double ratio = std::pow(cold / hot, 1.0 / static_cast<double>(count - 1));
    b[0] = hot;
    for (std::size_t k = 1; k + 1 < count; ++k) b[k] = b[k - 1] * ratio;
    b[count - 1] = cold;
    return b;
}

/// @brief Move the interior betas so that the measured rejection rates (rejection[k] for the
/// pair k, k+1) would be equal (see the file comment). Returns the total barrier Lambda; the
/// ladder is unchanged when every swap was accepted.
inline double equalize_rejections(std::vector<double>& beta, std::span<const double> rejection) {
    const std::size_t r = beta.size();
    std::vector<double> lambda(r, 0.0);
    for (std::size_t k = 0; k + 1 < r; ++k) {
        // A pair that never rejected still gets a little weight, so that its gap can grow
        // without the interpolation dividing by zero further on.
        lambda[k + 1] = lambda[k] + std::max(rejection[k], 1e-3);
    }
    const double total = lambda[r - 1];
    double measured = 0.0;
    for (const double x : rejection) measured += x;
    if (measured <= 0.0) return 0.0;
    std::vector<double> out(beta);
    std::size_t seg = 0;
    for (std::size_t k = 1; k + 1 < r; ++k) {
        const double target = total * static_cast<double>(k) / static_cast<double>(r - 1);
        while (seg + 2 < r && lambda[seg + 1] < target) ++seg;
        const double span = lambda[seg + 1] - lambda[seg];
        const double t = span > 0 ? (target - lambda[seg]) / span : 0.0;
        // Interpolate log(beta): the ladder spans decades, and a linear step in beta would
        // crowd the hot end of a segment.
        out[k] = std::exp(std::log(beta[seg]) + std::clamp(t, 0.0, 1.0) * (std::log(beta[seg + 1]) - std::log(beta[seg])));
    }
    // Keep it strictly increasing even if rounding made two points meet.
    for (std::size_t k = 1; k + 1 < r; ++k) out[k] = std::max(out[k], std::nextafter(out[k - 1], out[r - 1]));
    beta = std::move(out);
    return measured;
}

} // namespace qcoach::qubo::detail
