#pragma once
/// @file
/// @brief L-BFGS with a strong-Wolfe line search (Nocedal & Wright, "Numerical Optimization",
/// 2nd ed., 2006: Alg. 7.4 and 7.5 for the quasi-Newton direction, Alg. 3.5 and 3.6 for the
/// line search, eq. 3.59 for the cubic interpolation in the zoom phase), with the approximate
/// Wolfe test of Hager & Zhang (2005) once value differences reach rounding level.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "qcoach/variational/optimize.hpp" // first: the types, then detail/optimize_common.hpp

namespace qcoach::variational {

namespace detail {

/// The last `m` correction pairs s_k = x_{k+1} − x_k, y_k = ∇f_{k+1} − ∇f_k in a ring.
class lbfgs_memory {
public:
    lbfgs_memory(std::size_t m, std::size_t n) : s_(m, std::vector<double>(n)), y_(m, std::vector<double>(n)), rho_(m), alpha_(m) {}

    std::size_t size() const noexcept { return count_; }
    void clear() noexcept { count_ = 0; }

    /// Stores a pair; returns false (and stores nothing) when s·y is not safely positive, which
    /// would make the implied inverse Hessian indefinite.
    bool push(std::span<const double> s, std::span<const double> y) {
        const double sy = dot(s, y), yy = dot(y, y);
        if (!(sy > std::numeric_limits<double>::epsilon() * yy) || !(yy > 0)) return false;
        const std::size_t slot = (head_ + count_) % s_.size();
        std::copy(s.begin(), s.end(), s_[slot].begin());
        std::copy(y.begin(), y.end(), y_[slot].begin());
        rho_[slot] = 1.0 / sy;
        if (count_ < s_.size()) ++count_;
        else head_ = (head_ + 1) % s_.size();
        return true;
    }

    /// d = −H_k g by the two-loop recursion (Alg. 7.4) with H_k^0 = (s·y / y·y) I (eq. 7.20).
    void direction(std::span<const double> g, std::span<double> d) {
        const std::size_t m = s_.size();
        std::copy(g.begin(), g.end(), d.begin());
        for (std::size_t k = count_; k-- > 0;) { // newest to oldest
            const std::size_t i = (head_ + k) % m;
            alpha_[i] = rho_[i] * dot(s_[i], d);
            for (std::size_t j = 0; j < d.size(); ++j) d[j] -= alpha_[i] * y_[i][j];
        }
        if (count_ > 0) {
            const std::size_t last = (head_ + count_ - 1) % m;
            const double gamma = 1.0 / (rho_[last] * dot(y_[last], y_[last]));
            for (auto& v : d) v *= gamma;
        }
        for (std::size_t k = 0; k < count_; ++k) { // oldest to newest
            const std::size_t i = (head_ + k) % m;
            const double beta = rho_[i] * dot(y_[i], d);
            for (std::size_t j = 0; j < d.size(); ++j) d[j] += (alpha_[i] - beta) * s_[i][j];
        }
        for (auto& v : d) v = -v;
    }

private:
    std::vector<std::vector<double>> s_, y_;
    std::vector<double> rho_, alpha_;
    std::size_t head_ = 0, count_ = 0;
};

/// A point on the search line: step, value, directional derivative, and x, ∇f there.
struct line_point {
    double step = 0, value = 0, slope = 0;
    std::vector<double> x, g;
};

/// Minimizer of the cubic through (a, fa, da) and (b, fb, db) (Nocedal & Wright eq. 3.59),
/// kept at least 10% of |b − a| away from both ends; bisection when the cubic has no usable
/// minimizer or a value is not finite.
inline double cubic_step(double a, double fa, double da, double b, double fb, double db) {
    const double lo = std::min(a, b), hi = std::max(a, b), margin = 0.1 * (hi - lo);
    const double mid = 0.5 * (a + b);
    if (!std::isfinite(fa) || !std::isfinite(fb) || !std::isfinite(da) || !std::isfinite(db)) return mid;
    const double d1 = da + db - 3.0 * (fa - fb) / (a - b);
    const double disc = d1 * d1 - da * db;
    if (!(disc >= 0)) return mid;
    const double d2 = std::copysign(std::sqrt(disc), b - a);
    const double denom = db - da + 2.0 * d2;
    if (denom == 0) return mid;
    const double t = b - (b - a) * (db + d2 - d1) / denom;
    if (!std::isfinite(t) || t < lo + margin || t > hi - margin) return mid;
    return t;
}

/// Strong-Wolfe line search along d from `start` (Alg. 3.5 bracketing, Alg. 3.6 zoom). On
/// success `out` holds the accepted point. When the call budget of the search runs out, a
/// point with sufficient decrease (but no curvature condition) is accepted if one was seen.
inline bool wolfe_search(run_state& run, const lbfgs_options& o, const line_point& start, std::span<const double> d,
                         double first_step, line_point& out, line_point& lo, line_point& hi) {
    const double f0 = start.value, d0 = start.slope;
    const std::size_t n = d.size();
    std::size_t calls = 0;
    auto probe = [&](double step, line_point& p) {
        p.step = step;
        for (std::size_t j = 0; j < n; ++j) p.x[j] = start.x[j] + step * d[j];
        ++calls;
        p.value = run.evaluate(p.x, p.g, nonfinite::as_worse);
        p.slope = std::isfinite(p.value) ? dot(p.g, d) : std::numeric_limits<double>::quiet_NaN();
    };
    // Near a minimum the decrease c1·α·φ'(0) falls below the rounding error of f, and the plain
    // Armijo test rejects every step although the slope still carries information. There the
    // "approximate Wolfe" test of Hager & Zhang (SIAM J. Optim. 16, 170, 2005) is used
    // instead: φ(α) ≤ φ(0) + noise and φ'(α) ≤ (2c1 − 1)φ'(0), the Armijo condition for the
    // quadratic interpolant of the two slopes. `noise` is a few ulps of f.
    const double noise = 8.0 * std::numeric_limits<double>::epsilon() * std::abs(f0);
    auto armijo = [&](const line_point& p) {
        return p.value <= f0 + o.c1 * p.step * d0 ||
               (p.value <= f0 + noise && p.slope <= (2.0 * o.c1 - 1.0) * d0);
    };
    auto higher = [&](const line_point& p, const line_point& q) { return p.value > q.value + noise; };
    auto curvature = [&](const line_point& p) { return std::abs(p.slope) <= -o.c2 * d0; };

    // Zoom between lo (sufficient decrease, lowest value so far) and hi (Alg. 3.6).
    auto zoom = [&]() -> bool {
        while (calls < o.max_line_search) {
            const double width = std::abs(hi.step - lo.step);
            if (width <= 1e-14 * std::max(lo.step, hi.step)) break; // interval below resolution
            probe(cubic_step(lo.step, lo.value, lo.slope, hi.step, hi.value, hi.slope), out);
            if (!armijo(out) || higher(out, lo)) {
                std::swap(hi, out);
            } else {
                if (curvature(out)) return true;
                if (out.slope * (hi.step - lo.step) >= 0) std::swap(hi, lo);
                std::swap(lo, out);
            }
        }
        if (lo.step > 0) { // weak step: (approximate) decrease without the curvature condition
            std::swap(out, lo);
            return true;
        }
        return false;
    };

    // lo plays "α_{i−1}" of Alg. 3.5 and starts at α = 0.
    lo.step = 0;
    lo.value = f0;
    lo.slope = d0;
    lo.x = start.x;
    lo.g = start.g;
    double step = first_step;
    for (bool first = true;; first = false) {
        if (calls >= o.max_line_search) {
            if (lo.step > 0) {
                std::swap(out, lo);
                return true;
            }
            return false;
        }
        probe(step, hi);
        if (!armijo(hi) || (!first && higher(hi, lo))) return zoom(); // minimum bracketed
        if (curvature(hi)) {
            std::swap(out, hi);
            return true;
        }
        if (hi.slope >= 0) { // the slope turned: the minimum lies between hi and lo
            std::swap(lo, hi);
            return zoom();
        }
        std::swap(lo, hi); // still descending: extrapolate
        step *= 4.0;
    }
}

} // namespace detail

inline optimize_result minimize_lbfgs(const objective& f, std::vector<double> x0, const optimize_options& options,
                                      const lbfgs_options& lbfgs) {
    constexpr const char* name = "minimize_lbfgs";
    detail::check_common(name, f, x0, options);
    if (lbfgs.memory == 0) throw value_error("minimize_lbfgs: lbfgs_options::memory must be >= 1");
    if (lbfgs.max_line_search == 0) throw value_error("minimize_lbfgs: lbfgs_options::max_line_search must be >= 1");
    if (!(lbfgs.c1 > 0 && lbfgs.c1 < lbfgs.c2 && lbfgs.c2 < 1))
        throw value_error("minimize_lbfgs: need 0 < c1 < c2 < 1, got c1 = " + detail::format_double(lbfgs.c1) +
                          ", c2 = " + detail::format_double(lbfgs.c2));

    const std::size_t n = x0.size();
    auto body = [&](detail::run_state& run) {
        detail::line_point cur, next, lo, hi;
        for (auto* p : {&cur, &next, &lo, &hi}) {
            p->x.assign(n, 0.0);
            p->g.assign(n, 0.0);
        }
        cur.x = std::move(x0);
        cur.value = run.evaluate_start(cur.x, cur.g);
        if (options.gradient_tolerance > 0 && detail::norm2(cur.g) <= options.gradient_tolerance)
            throw detail::stop_signal{"gradient norm below gradient_tolerance", true};
        run.check_limits();

        detail::lbfgs_memory memory(lbfgs.memory, n);
        std::vector<double> d(n), s(n), y(n);
        bool retried = false;
        for (;;) {
            memory.direction(cur.g, d);
            double slope = detail::dot(cur.g, d);
            if (!(slope < 0)) { // not a descent direction (rounding): restart from steepest descent
                memory.clear();
                memory.direction(cur.g, d);
                slope = detail::dot(cur.g, d);
            }
            cur.slope = slope;
            // Without curvature information the scale of d = −∇f is unknown: the first trial
            // moves by at most a unit length (as LBFGS++ and SciPy do); afterwards α = 1 is the
            // natural quasi-Newton step.
            const double first_step = memory.size() == 0 ? std::min(1.0, 1.0 / detail::norm2(d)) : 1.0;
            if (!detail::wolfe_search(run, lbfgs, cur, d, first_step, next, lo, hi)) {
                if (memory.size() > 0 && !retried) { // try once more along steepest descent
                    memory.clear();
                    retried = true;
                    continue;
                }
                throw detail::stop_signal{"line search found no lower value (gradient norm " +
                                              detail::format_double(detail::norm2(cur.g)) + ")",
                                          false};
            }
            retried = false;
            for (std::size_t j = 0; j < n; ++j) {
                s[j] = next.x[j] - cur.x[j];
                y[j] = next.g[j] - cur.g[j];
            }
            const double prev_value = cur.value, prev_xnorm = detail::norm_inf(cur.x);
            std::swap(cur, next);
            memory.push(s, y);
            run.end_iteration(cur.value, cur.x);

            if (options.gradient_tolerance > 0 && detail::norm2(cur.g) <= options.gradient_tolerance)
                throw detail::stop_signal{"gradient norm below gradient_tolerance", true};
            // Relative test only: an absolute floor (max(1, |f|)) would stop at f − f* ≈ tol on
            // objectives whose minimum is near 0, long before x is accurate; there the gradient
            // rule ends the run instead.
            const double scale = std::max(std::abs(prev_value), std::abs(cur.value));
            if (options.value_tolerance > 0 && prev_value - cur.value <= options.value_tolerance * scale)
                throw detail::stop_signal{"value change below value_tolerance", true};
            if (options.x_tolerance > 0 && detail::norm_inf(s) <= options.x_tolerance * std::max(1.0, prev_xnorm))
                throw detail::stop_signal{"step below x_tolerance", true};
            run.check_limits();
        }
    };
    return detail::run_optimizer(name, f, n, options, body, [](detail::run_state&) {});
}

} // namespace qcoach::variational
