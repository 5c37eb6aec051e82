#pragma once
/// @file
/// @brief Adam (Kingma & Ba, ICLR 2015, arXiv:1412.6980, Algorithm 1).

#include <cmath>
#include <string>
#include <vector>

#include "qcoach/variational/optimize.hpp" // first: the types, then detail/optimize_common.hpp

namespace qcoach::variational {

inline optimize_result minimize_adam(const objective& f, std::vector<double> x0, const optimize_options& options,
                                     const adam_options& adam) {
    constexpr const char* name = "minimize_adam";
    detail::check_common(name, f, x0, options);
    if (!(adam.learning_rate > 0) || !std::isfinite(adam.learning_rate))
        throw value_error("minimize_adam: learning_rate must be finite and > 0, got " +
                          detail::format_double(adam.learning_rate));
    if (!(adam.beta1 >= 0 && adam.beta1 < 1) || !(adam.beta2 >= 0 && adam.beta2 < 1))
        throw value_error("minimize_adam: beta1 and beta2 must lie in [0, 1), got " + detail::format_double(adam.beta1) +
                          " and " + detail::format_double(adam.beta2));
    if (!(adam.epsilon > 0) || !std::isfinite(adam.epsilon))
        throw value_error("minimize_adam: epsilon must be finite and > 0, got " + detail::format_double(adam.epsilon));
    if (adam.stall_iterations == 0) throw value_error("minimize_adam: stall_iterations must be >= 1");

    const std::size_t n = x0.size();
    auto body = [&](detail::run_state& run) {
        std::vector<double> x = std::move(x0), g(n), m(n, 0.0), v(n, 0.0);
        double value = run.evaluate_start(x, g);
        if (options.gradient_tolerance > 0 && detail::norm2(g) <= options.gradient_tolerance)
            throw detail::stop_signal{"gradient norm below gradient_tolerance", true};
        run.check_limits();
        // beta^t computed by running products, not pow(), so long runs stay cheap and exact.
        double beta1_t = 1.0, beta2_t = 1.0;
        for (;;) {
            beta1_t *= adam.beta1;
            beta2_t *= adam.beta2;
            const double bias1 = 1.0 - beta1_t, bias2 = 1.0 - beta2_t;
            for (std::size_t i = 0; i < n; ++i) {
                m[i] = adam.beta1 * m[i] + (1.0 - adam.beta1) * g[i];
                v[i] = adam.beta2 * v[i] + (1.0 - adam.beta2) * g[i] * g[i];
                const double m_hat = m[i] / bias1;
                const double v_hat = v[i] / bias2;
                x[i] -= adam.learning_rate * m_hat / (std::sqrt(v_hat) + adam.epsilon);
            }
            value = run.evaluate(x, g);
            run.end_iteration(value, x);
            if (options.gradient_tolerance > 0 && detail::norm2(g) <= options.gradient_tolerance)
                throw detail::stop_signal{"gradient norm below gradient_tolerance", true};
            if (run.stalled(adam.stall_iterations, options.value_tolerance))
                throw detail::stop_signal{"best value changed by less than value_tolerance over " +
                                              std::to_string(adam.stall_iterations) + " iterations",
                                          true};
            run.check_limits();
        }
    };
    return detail::run_optimizer(name, f, n, options, body, [](detail::run_state&) {});
}

} // namespace qcoach::variational
