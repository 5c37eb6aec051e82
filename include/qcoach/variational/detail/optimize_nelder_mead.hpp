#pragma once
/// @file
/// @brief Nelder–Mead simplex search, Lagarias et al. (SIAM J. Optim. 9, 112, 1998) form, with
/// the dimension-dependent coefficients of Gao & Han (Comput. Optim. Appl. 51, 259, 2012).

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "qcoach/variational/optimize.hpp" // first: the types, then detail/optimize_common.hpp

namespace qcoach::variational {

inline optimize_result minimize_nelder_mead(const objective& f, std::vector<double> x0,
                                            const optimize_options& options, const nelder_mead_options& nm) {
    constexpr const char* name = "minimize_nelder_mead";
    detail::check_common(name, f, x0, options);
    if (!(nm.initial_step > 0) || !std::isfinite(nm.initial_step))
        throw value_error("minimize_nelder_mead: initial_step must be finite and > 0, got " +
                          detail::format_double(nm.initial_step));

    const std::size_t n = x0.size();
    const double nd = static_cast<double>(n);
    // Reflection, expansion, contraction and shrink coefficients. Gao & Han (2012):
    // 1, 1 + 2/n, 3/4 − 1/(2n), 1 − 1/n. At n = 2 these are the classic 1, 2, 1/2, 1/2; at n = 1
    // the shrink factor would be 0 (the simplex would collapse), so n ≤ 2 uses the classic set.
    const bool adaptive = nm.adaptive && n > 2;
    const double rho = 1.0;
    const double chi = adaptive ? 1.0 + 2.0 / nd : 2.0;
    const double psi = adaptive ? 0.75 - 0.5 / nd : 0.5;
    const double sigma = adaptive ? 1.0 - 1.0 / nd : 0.5;

    auto body = [&](detail::run_state& run) {
        constexpr auto as_worse = detail::nonfinite::as_worse;
        std::vector<std::vector<double>> vertex(n + 1, x0);
        std::vector<double> value(n + 1);
        value[0] = run.evaluate_start(x0, {});
        for (std::size_t i = 1; i <= n; ++i) {
            vertex[i][i - 1] += nm.initial_step;
            value[i] = run.evaluate(vertex[i], {}, as_worse);
        }
        run.check_limits();

        std::vector<std::size_t> order(n + 1);
        std::vector<double> centroid(n), xr(n), xe(n), xc(n);
        auto affine = [&](std::vector<double>& out, const std::vector<double>& from, const std::vector<double>& to,
                          double t) { // out = from + t (to − from)
            for (std::size_t j = 0; j < n; ++j) out[j] = from[j] + t * (to[j] - from[j]);
        };
        for (;;) {
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return value[a] < value[b]; });
            const std::size_t best = order[0], worst = order[n], second = order[n - 1];
            std::fill(centroid.begin(), centroid.end(), 0.0);
            for (std::size_t k = 0; k < n; ++k)
                for (std::size_t j = 0; j < n; ++j) centroid[j] += vertex[order[k]][j];
            for (auto& c : centroid) c /= nd;

            // Reflection x_r = c + ρ(c − x_worst), i.e. from x_worst through c by 1 + ρ.
            affine(xr, vertex[worst], centroid, 1.0 + rho);
            const double fr = run.evaluate(xr, {}, as_worse);
            bool shrink = false;
            if (fr < value[best]) {
                affine(xe, centroid, xr, chi); // expansion x_e = c + χ(x_r − c)
                const double fe = run.evaluate(xe, {}, as_worse);
                if (fe < fr) {
                    vertex[worst] = xe;
                    value[worst] = fe;
                } else {
                    vertex[worst] = xr;
                    value[worst] = fr;
                }
            } else if (fr < value[second]) {
                vertex[worst] = xr;
                value[worst] = fr;
            } else if (fr < value[worst]) {
                affine(xc, centroid, xr, psi); // outside contraction x_c = c + ψ(x_r − c)
                const double fc = run.evaluate(xc, {}, as_worse);
                if (fc <= fr) {
                    vertex[worst] = xc;
                    value[worst] = fc;
                } else {
                    shrink = true;
                }
            } else {
                affine(xc, centroid, vertex[worst], psi); // inside contraction x_cc = c + ψ(x_worst − c)
                const double fc = run.evaluate(xc, {}, as_worse);
                if (fc < value[worst]) {
                    vertex[worst] = xc;
                    value[worst] = fc;
                } else {
                    shrink = true;
                }
            }
            if (shrink) { // every vertex moves toward the best: x_i = x_best + σ(x_i − x_best)
                for (std::size_t i = 0; i <= n; ++i) {
                    if (i == best) continue;
                    affine(vertex[i], vertex[best], vertex[i], sigma);
                    value[i] = run.evaluate(vertex[i], {}, as_worse);
                }
            }

            std::size_t lo = 0, hi = 0;
            for (std::size_t i = 1; i <= n; ++i) {
                if (value[i] < value[lo]) lo = i;
                if (value[i] > value[hi]) hi = i;
            }
            run.end_iteration(value[lo], vertex[lo]);

            // Converged when every enabled test holds (Lagarias et al. and SciPy use both): the
            // simplex is small in x and its values agree.
            const bool use_x = options.x_tolerance > 0, use_f = options.value_tolerance > 0;
            if (use_x || use_f) {
                double size = 0;
                for (std::size_t i = 0; i <= n && use_x; ++i)
                    for (std::size_t j = 0; j < n; ++j) size = std::max(size, std::abs(vertex[i][j] - vertex[lo][j]));
                const bool x_ok = !use_x || size <= options.x_tolerance;
                const bool f_ok = !use_f || value[hi] - value[lo] <= options.value_tolerance * std::max(1.0, std::abs(value[lo]));
                if (x_ok && f_ok)
                    throw detail::stop_signal{!use_x   ? "simplex value spread below value_tolerance"
                                              : !use_f ? "simplex size below x_tolerance"
                                                       : "simplex size and value spread below tolerance",
                                              true};
            }
            run.check_limits();
        }
    };
    return detail::run_optimizer(name, f, n, options, body, [](detail::run_state&) {});
}

} // namespace qcoach::variational
