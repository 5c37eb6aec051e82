#pragma once
/// @file
/// @brief Seeded sampling from the amplitudes of a state of any length (the feasible subspace has
/// prod k_g amplitudes, rarely a power of two).
///
/// The same method as statevector/measure.hpp: sorted uniform targets made directly from
/// exponential spacings, one sweep over the cumulative probabilities in fixed chunks (chunk
/// prefix sums first, then each chunk on its own), and a Fisher-Yates shuffle. Chunks depend on
/// the length only, so a seed gives the same outcomes for every thread count. An outcome of
/// probability 0 is never returned.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/measure.hpp"

namespace qcoach::variational::detail {

/// @brief `shots` indices drawn from |psi_i|^2 / sum |psi|^2, in draw order.
template <class Real>
std::vector<index_t> sample_indices(const std::complex<Real>* psi, index_t size, std::size_t shots, std::uint64_t seed,
                                    const exec_policy& pol) {
    if (shots == 0) return {};
    constexpr std::uint64_t per_shot = sizeof(double) + sizeof(index_t);
    const std::uint64_t bytes = shots > std::numeric_limits<std::uint64_t>::max() / per_shot
                                    ? std::numeric_limits<std::uint64_t>::max()
                                    : static_cast<std::uint64_t>(shots) * per_shot;
    check_memory(bytes, "sampling " + std::to_string(shots) + " shots");
    using qcoach::detail::born_prob;
    const index_t chunk = qcoach::detail::fixed_block(size);
    const index_t chunks = (size + chunk - 1) / chunk;
    std::vector<double> prefix(static_cast<std::size_t>(chunks) + 1, 0.0);
    const int threads = pol.threads_for(size);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t c = 0; c < chunks; ++c) {
        double s = 0.0;
        for (index_t i = c * chunk, e = std::min(size, (c + 1) * chunk); i < e; ++i) s += born_prob(psi[i]);
        prefix[c + 1] = s;
    }
    for (index_t c = 0; c < chunks; ++c) prefix[c + 1] += prefix[c];
    const double total = prefix[chunks];
    if (!(total > 0.0) || !std::isfinite(total)) throw value_error("cannot sample from a state of norm^2 " + std::to_string(total));
    index_t last_nonzero = 0;
    for (index_t i = size; i-- > 0;)
        if (born_prob(psi[i]) > 0.0) {
            last_nonzero = i;
            break;
        }

    Rng rng(seed);
    const std::vector<double> u = qcoach::detail::sorted_targets(shots, rng, total);
    std::vector<index_t> out(shots);
    std::vector<std::size_t> start(static_cast<std::size_t>(chunks) + 1);
    std::size_t j = 0;
    for (index_t c = 0; c < chunks; ++c) {
        start[c] = j;
        while (j < shots && u[j] < prefix[c + 1]) ++j;
    }
    start[chunks] = j;
    for (; j < shots; ++j) out[j] = last_nonzero; // rounding put the target at or above the total
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16) if (threads > 1)
    for (index_t c = 0; c < chunks; ++c) {
        std::size_t k = start[c];
        const std::size_t end = start[c + 1];
        if (k == end) continue;
        double acc = prefix[c];
        index_t last = c * chunk;
        for (index_t i = c * chunk, e = std::min(size, (c + 1) * chunk); i < e && k < end; ++i) {
            const double p = born_prob(psi[i]);
            if (!(p > 0.0)) continue;
            acc += p;
            last = i;
            while (k < end && u[k] < acc) out[k++] = i;
        }
        while (k < end) out[k++] = last;
    }
    for (std::size_t i = shots - 1; i > 0; --i) std::swap(out[i], out[rng.below(i + 1)]);
    return out;
}

} // namespace qcoach::variational::detail
