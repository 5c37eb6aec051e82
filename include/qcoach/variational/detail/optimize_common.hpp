#pragma once
/// @file
/// @brief Bookkeeping shared by the optimizers: evaluation counting, best-point tracking,
/// stopping rules and the progress callback.
///
/// A run ends in one of many places (before an objective call when the budget or the time is
/// spent, at the end of an iteration, deep inside a line search). Every such place throws a
/// private stop_signal that unwinds to run_optimizer(), which turns it into the result. This
/// keeps each algorithm a plain loop; the signal never leaves this library.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/variational/optimize.hpp"

namespace qcoach::variational::detail {

/// Thrown to end a run; caught by run_optimizer().
struct stop_signal {
    std::string reason;
    bool converged;
};

inline std::string format_double(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

inline double norm2(std::span<const double> v) noexcept {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s);
}

inline double norm_inf(std::span<const double> v) noexcept {
    double m = 0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
}

inline double dot(std::span<const double> a, std::span<const double> b) noexcept {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

/// How an objective value that is not finite is handled after the start.
enum class nonfinite : unsigned char {
    stop,     ///< end the run (Adam, SPSA)
    as_worse, ///< NaN and +inf are returned as +inf for the algorithm to reject; −inf stops
};

/// State of one run: counters, best point, history, clock.
class run_state {
public:
    run_state(const char* name, const objective& f, const optimize_options& options, std::size_t n)
        : name_(name), f_(f), opt_(options), start_(clock::now()) {
        best_x_.assign(n, 0.0);
    }

    const char* name() const noexcept { return name_; }
    const optimize_options& options() const noexcept { return opt_; }
    std::size_t evaluations() const noexcept { return evaluations_; }
    std::size_t iterations() const noexcept { return iterations_; }
    double best_value() const noexcept { return best_value_; }
    std::span<const double> best_x() const noexcept { return best_x_; }

    double elapsed_s() const noexcept { return std::chrono::duration<double>(clock::now() - start_).count(); }

    /// True when `count` more objective calls fit the evaluation budget.
    bool can_evaluate(std::size_t count = 1) const noexcept {
        return opt_.max_evaluations == 0 || evaluations_ + count <= opt_.max_evaluations;
    }

    /// f at the starting point; a problem there is the caller's input error, so it throws.
    double evaluate_start(std::span<const double> x, std::span<double> grad) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!std::isfinite(x[i]))
                throw value_error(std::string(name_) + ": x0[" + std::to_string(i) + "] is not finite (" +
                                  format_double(x[i]) + ")");
        }
        const double v = call(x, grad);
        if (!std::isfinite(v))
            throw value_error(std::string(name_) + ": the objective is not finite at x0 (value " + format_double(v) + ")");
        for (std::size_t i = 0; i < grad.size(); ++i) {
            if (!std::isfinite(grad[i]))
                throw value_error(std::string(name_) + ": gradient component " + std::to_string(i) +
                                  " is not finite at x0 (" + format_double(grad[i]) + ")");
        }
        record(x, v);
        history_.push_back(v);
        return v;
    }

    /// f(x) (and ∇f(x) when grad is non-empty) after the start. Stops the run first when the
    /// budget or time is spent; a non-finite value is handled according to `policy`; a non-finite
    /// gradient at a finite value always stops the run.
    double evaluate(std::span<const double> x, std::span<double> grad, nonfinite policy = nonfinite::stop) {
        if (!can_evaluate()) throw stop_signal{"max_evaluations reached", false};
        if (opt_.time_limit_s > 0 && elapsed_s() >= opt_.time_limit_s) throw stop_signal{"time limit reached", false};
        const double v = call(x, grad);
        if (!std::isfinite(v)) {
            if (policy == nonfinite::as_worse && !(v < 0)) return std::numeric_limits<double>::infinity();
            throw stop_signal{"the objective returned " + format_double(v) + " at evaluation " +
                                  std::to_string(evaluations_),
                              false};
        }
        for (std::size_t i = 0; i < grad.size(); ++i) {
            if (!std::isfinite(grad[i]))
                throw stop_signal{"gradient component " + std::to_string(i) + " is " + format_double(grad[i]) +
                                      " at evaluation " + std::to_string(evaluations_),
                                  false};
        }
        record(x, v);
        return v;
    }

    /// Closes an iteration: history, progress callback, then the iteration and time limits.
    /// `value` is the value at the current iterate (or its estimate), `x` the iterate.
    void end_iteration(double value, std::span<const double> x) {
        ++iterations_;
        history_.push_back(best_value_);
        if (opt_.progress) {
            const optimize_progress p{iterations_, evaluations_, value, best_value_, elapsed_s(), x};
            if (!opt_.progress(p)) throw stop_signal{"stopped by the progress callback", false};
        }
    }

    /// Called by the algorithm after end_iteration() and its own tolerance tests.
    void check_limits() const {
        if (opt_.max_iterations != 0 && iterations_ >= opt_.max_iterations)
            throw stop_signal{"max_iterations reached", false};
        if (opt_.time_limit_s > 0 && elapsed_s() >= opt_.time_limit_s) throw stop_signal{"time limit reached", false};
    }

    /// True when the best value improved by at most tol·max(1, |best|) over the last `window`
    /// iterations (the value_tolerance rule of Adam and SPSA).
    bool stalled(std::size_t window, double tol) const noexcept {
        if (tol <= 0 || window == 0 || history_.size() <= window) return false;
        const double then = history_[history_.size() - 1 - window];
        const double now = history_.back();
        return then - now <= tol * std::max(1.0, std::abs(now));
    }

    /// Folds calls made after the last complete iteration (a step cut short, SPSA's final
    /// point) into history.back().
    void refresh_last_history() noexcept {
        if (!history_.empty()) history_.back() = std::min(history_.back(), best_value_);
    }

    optimize_result result(const stop_signal& s) && {
        optimize_result r;
        r.x = std::move(best_x_);
        r.value = best_value_;
        r.iterations = iterations_;
        r.evaluations = evaluations_;
        r.gradient_evaluations = gradient_evaluations_;
        r.converged = s.converged;
        r.reason = s.reason;
        r.history = std::move(history_);
        return r;
    }

private:
    using clock = std::chrono::steady_clock;

    double call(std::span<const double> x, std::span<double> grad) {
        ++evaluations_;
        if (!grad.empty()) ++gradient_evaluations_;
        return f_(x, grad);
    }

    void record(std::span<const double> x, double v) {
        if (v < best_value_) {
            best_value_ = v;
            std::copy(x.begin(), x.end(), best_x_.begin());
        }
    }

    const char* name_;
    const objective& f_;
    const optimize_options& opt_;
    clock::time_point start_;
    std::size_t evaluations_ = 0;
    std::size_t gradient_evaluations_ = 0;
    std::size_t iterations_ = 0;
    double best_value_ = std::numeric_limits<double>::infinity();
    std::vector<double> best_x_;
    std::vector<double> history_;
};

/// Checks shared by every optimizer, before any work.
inline void check_common(const char* name, const objective& f, const std::vector<double>& x0,
                         const optimize_options& o) {
    if (!f) throw value_error(std::string(name) + ": the objective is empty");
    if (x0.empty()) throw value_error(std::string(name) + ": x0 is empty; need at least one parameter");
    auto nonneg = [&](double v, const char* field) {
        if (!(v >= 0) || std::isinf(v))
            throw value_error(std::string(name) + ": optimize_options::" + field + " must be finite and >= 0, got " +
                              format_double(v));
    };
    nonneg(o.value_tolerance, "value_tolerance");
    nonneg(o.gradient_tolerance, "gradient_tolerance");
    nonneg(o.x_tolerance, "x_tolerance");
    nonneg(o.time_limit_s, "time_limit_s");
}

/// Runs `body(state)`, which ends by throwing stop_signal, and returns the result. `finish`
/// (may be null) runs after the stop with the evaluation budget still enforced, e.g. to evaluate
/// the last iterate; a stop it raises itself is ignored.
template <class Body, class Finish>
optimize_result run_optimizer(const char* name, const objective& f, std::size_t n, const optimize_options& o,
                              Body&& body, Finish&& finish) {
    run_state state(name, f, o, n);
    stop_signal stop{"", false};
    try {
        body(state);
        stop = {"finished", false}; // not reached: every body ends with a stop_signal
    } catch (stop_signal& s) {
        stop = std::move(s);
    }
    try {
        finish(state);
    } catch (stop_signal&) {
    }
    state.refresh_last_history();
    return std::move(state).result(stop);
}

} // namespace qcoach::variational::detail

namespace qcoach::variational {

inline optimize_result minimize_multistart(const objective& f, const minimizer& local, std::span<const double> lower,
                                           std::span<const double> upper, std::size_t starts, std::uint64_t seed) {
    if (!f) throw value_error("minimize_multistart: the objective is empty");
    if (!local) throw value_error("minimize_multistart: the local minimizer is empty");
    if (starts == 0) throw value_error("minimize_multistart: starts must be >= 1");
    if (lower.empty() || lower.size() != upper.size())
        throw value_error("minimize_multistart: lower and upper must have the same non-zero size, got " +
                          std::to_string(lower.size()) + " and " + std::to_string(upper.size()));
    for (std::size_t i = 0; i < lower.size(); ++i) {
        if (!std::isfinite(lower[i]) || !std::isfinite(upper[i]) || lower[i] > upper[i])
            throw value_error("minimize_multistart: bound " + std::to_string(i) + " is [" +
                              detail::format_double(lower[i]) + ", " + detail::format_double(upper[i]) +
                              "]; need finite lower <= upper");
    }
    optimize_result best;
    std::size_t evaluations = 0, gradient_evaluations = 0, iterations = 0;
    for (std::size_t k = 0; k < starts; ++k) {
        Rng rng = Rng::stream(seed, k);
        std::vector<double> x0(lower.size());
        for (std::size_t i = 0; i < x0.size(); ++i) x0[i] = lower[i] + (upper[i] - lower[i]) * rng.uniform();
        optimize_result r = local(f, std::move(x0));
        evaluations += r.evaluations;
        gradient_evaluations += r.gradient_evaluations;
        iterations += r.iterations;
        if (k == 0 || r.value < best.value) best = std::move(r);
    }
    best.evaluations = evaluations;
    best.gradient_evaluations = gradient_evaluations;
    best.iterations = iterations;
    return best;
}

} // namespace qcoach::variational

// The optimizers use the machinery above; they are included here (not from optimize.hpp) so that
// the machinery is complete whichever header of this family is included first.
#include "qcoach/variational/detail/optimize_adam.hpp"
#include "qcoach/variational/detail/optimize_lbfgs.hpp"
#include "qcoach/variational/detail/optimize_nelder_mead.hpp"
#include "qcoach/variational/detail/optimize_spsa.hpp"
