#pragma once
/// @file
/// @brief SPSA (Spall, IEEE Trans. Aerosp. Electron. Syst. 34(3), 817, 1998).

#include <cmath>
#include <string>
#include <vector>

#include "qcoach/core/rng.hpp"
#include "qcoach/variational/optimize.hpp" // first: the types, then detail/optimize_common.hpp

namespace qcoach::variational {

inline optimize_result minimize_spsa(const objective& f, std::vector<double> x0, const optimize_options& options,
                                     const spsa_options& spsa) {
    constexpr const char* name = "minimize_spsa";
    detail::check_common(name, f, x0, options);
    auto positive = [](double v, const char* field) {
        if (!(v > 0) || !std::isfinite(v))
            throw value_error(std::string("minimize_spsa: spsa_options::") + field + " must be finite and > 0, got " +
                              detail::format_double(v));
    };
    positive(spsa.a, "a");
    positive(spsa.c, "c");
    positive(spsa.alpha, "alpha");
    positive(spsa.gamma, "gamma");
    if (!(spsa.A >= 0) || !std::isfinite(spsa.A))
        throw value_error("minimize_spsa: spsa_options::A must be finite and >= 0, got " + detail::format_double(spsa.A));
    if (spsa.averaging == 0) throw value_error("minimize_spsa: spsa_options::averaging must be >= 1");
    if (spsa.stall_iterations == 0) throw value_error("minimize_spsa: spsa_options::stall_iterations must be >= 1");

    // Spall (1998, gain selection guidelines): A of about 10% of the iterations expected keeps the first steps from
    // being much larger than the later ones.
    const double A = spsa.A > 0 ? spsa.A : 0.1 * static_cast<double>(options.max_iterations);
    const std::size_t n = x0.size();
    const std::size_t calls_per_step = 2 * spsa.averaging;
    std::vector<double> x = std::move(x0);

    auto body = [&](detail::run_state& run) {
        std::vector<double> ghat(n), probe(n), delta(n), estimates;
        run.evaluate_start(x, {});
        run.check_limits();
        for (std::size_t k = 0;; ++k) {
            // Leave room for the final evaluation of the iterate; a step that cannot be completed
            // would only spend budget on probes whose update is never applied.
            const std::size_t reserve = spsa.evaluate_final ? 1 : 0;
            if (!run.can_evaluate(calls_per_step + reserve)) throw detail::stop_signal{"max_evaluations reached", false};
            const double kd = static_cast<double>(k);
            const double a_k = spsa.a / std::pow(kd + 1.0 + A, spsa.alpha);
            const double c_k = spsa.c / std::pow(kd + 1.0, spsa.gamma);
            // One stream per iteration: the perturbations of step k depend on (seed, k) only.
            Rng rng = Rng::stream(options.seed, k);
            std::fill(ghat.begin(), ghat.end(), 0.0);
            double mean_value = 0;
            for (std::size_t r = 0; r < spsa.averaging; ++r) {
                for (auto& d : delta) d = (rng() >> 63) != 0 ? 1.0 : -1.0;
                for (std::size_t i = 0; i < n; ++i) probe[i] = x[i] + c_k * delta[i];
                const double f_plus = run.evaluate(probe, {});
                for (std::size_t i = 0; i < n; ++i) probe[i] = x[i] - c_k * delta[i];
                const double f_minus = run.evaluate(probe, {});
                // ĝ_i = (f+ − f−) / (2 c_k Δ_i); Δ_i = ±1, so dividing by Δ_i is multiplying by it.
                const double scale = (f_plus - f_minus) / (2.0 * c_k);
                for (std::size_t i = 0; i < n; ++i) ghat[i] += scale * delta[i];
                mean_value += 0.5 * (f_plus + f_minus);
            }
            const double inv = 1.0 / static_cast<double>(spsa.averaging);
            for (std::size_t i = 0; i < n; ++i) x[i] -= a_k * ghat[i] * inv;
            estimates.push_back(mean_value * inv);
            run.end_iteration(estimates.back(), x);
            // The probe values scatter by O(c_k) around f(x_k), so the best of them stalls long
            // before x_k does; compare window means of the estimates instead.
            const std::size_t w = spsa.stall_iterations;
            if (options.value_tolerance > 0 && estimates.size() >= 2 * w) {
                double recent = 0, before = 0;
                for (std::size_t i = 0; i < w; ++i) {
                    recent += estimates[estimates.size() - 1 - i];
                    before += estimates[estimates.size() - 1 - w - i];
                }
                recent /= static_cast<double>(w);
                before /= static_cast<double>(w);
                if (std::abs(before - recent) <= options.value_tolerance * std::max(1.0, std::abs(recent)))
                    throw detail::stop_signal{"mean value changed by less than value_tolerance between the last two "
                                              "windows of " + std::to_string(w) + " iterations",
                                              true};
            }
            run.check_limits();
        }
    };
    auto finish = [&](detail::run_state& run) {
        if (spsa.evaluate_final && run.iterations() > 0 && run.can_evaluate()) run.evaluate(x, {});
    };
    return detail::run_optimizer(name, f, n, options, body, finish);
}

} // namespace qcoach::variational
