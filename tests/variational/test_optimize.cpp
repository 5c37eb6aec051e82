// Tests of the local minimizers (qcoach/variational/optimize.hpp) on functions whose minimum is
// known analytically: the Rosenbrock function (minimum 0 at (1, ..., 1)) and convex quadratics
// f(x) = ½ (x − c)ᵀ A (x − c) + f* with A symmetric positive definite (minimum f* at c).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

#include "qcoach/variational/optimize.hpp"

namespace qv = qcoach::variational;

namespace {

// Chained Rosenbrock: sum_i 100 (x_{i+1} − x_i²)² + (1 − x_i)².
double rosenbrock(std::span<const double> x, std::span<double> g) {
    double f = 0;
    if (!g.empty()) std::fill(g.begin(), g.end(), 0.0);
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
        const double a = x[i + 1] - x[i] * x[i], b = 1.0 - x[i];
        f += 100.0 * a * a + b * b;
        if (!g.empty()) {
            g[i] += -400.0 * x[i] * a - 2.0 * b;
            g[i + 1] += 200.0 * a;
        }
    }
    return f;
}

// The classic start (−1.2, 1, −1.2, 1, ...).
std::vector<double> rosenbrock_start(std::size_t n) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = i % 2 == 0 ? -1.2 : 1.0;
    return x;
}

double max_abs_diff(std::span<const double> a, std::span<const double> b) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

// A 4-D convex quadratic: A has eigenvalues spread over about a factor 10, minimum f* = −2.5 at
// c (a negative minimum value, as a QAOA energy would have).
struct quadratic {
    std::vector<double> A{4.0, 1.0, 0.0, 0.5, //
                          1.0, 3.0, 0.5, 0.0, //
                          0.0, 0.5, 2.0, 0.3, //
                          0.5, 0.0, 0.3, 0.6};
    std::vector<double> c{0.7, -0.4, 1.3, 0.2};
    double fmin = -2.5;

    double operator()(std::span<const double> x, std::span<double> g) const {
        const std::size_t n = c.size();
        double f = 0;
        for (std::size_t i = 0; i < n; ++i) {
            double ai = 0;
            for (std::size_t j = 0; j < n; ++j) ai += A[i * n + j] * (x[j] - c[j]);
            f += 0.5 * (x[i] - c[i]) * ai;
            if (!g.empty()) g[i] = ai;
        }
        return f + fmin;
    }
};

// Counts every call; the tests compare the count with result.evaluations and the budget.
struct counting {
    qv::objective f;
    std::size_t calls = 0, gradient_calls = 0;
    qv::objective wrap() {
        return [this](std::span<const double> x, std::span<double> g) {
            ++calls;
            if (!g.empty()) ++gradient_calls;
            return f(x, g);
        };
    }
};

using runner = std::function<qv::optimize_result(const qv::objective&, std::vector<double>, const qv::optimize_options&)>;

struct named_runner {
    const char* name;
    runner run;
};

std::vector<named_runner> all_optimizers() {
    return {
        {"adam", [](const qv::objective& f, std::vector<double> x, const qv::optimize_options& o) {
             return qv::minimize_adam(f, std::move(x), o);
         }},
        {"spsa", [](const qv::objective& f, std::vector<double> x, const qv::optimize_options& o) {
             return qv::minimize_spsa(f, std::move(x), o);
         }},
        {"nelder_mead", [](const qv::objective& f, std::vector<double> x, const qv::optimize_options& o) {
             return qv::minimize_nelder_mead(f, std::move(x), o);
         }},
        {"lbfgs", [](const qv::objective& f, std::vector<double> x, const qv::optimize_options& o) {
             return qv::minimize_lbfgs(f, std::move(x), o);
         }},
    };
}

// Invariants every result must satisfy.
void check_result_shape(const qv::optimize_result& r, std::size_t n) {
    REQUIRE(r.x.size() == n);
    REQUIRE(r.history.size() == r.iterations + 1);
    for (std::size_t k = 1; k < r.history.size(); ++k) CHECK(r.history[k] <= r.history[k - 1]);
    CHECK(r.history.back() == r.value);
    CHECK(r.gradient_evaluations <= r.evaluations);
    CHECK(!r.reason.empty());
}

} // namespace

TEST_CASE("L-BFGS reaches the Rosenbrock minimum in 2 and 10 dimensions", "[optimize][lbfgs]") {
    for (std::size_t n : {2u, 10u}) {
        INFO("n = " << n);
        counting f{rosenbrock};
        qv::optimize_options o;
        o.max_iterations = 1000;
        const auto r = qv::minimize_lbfgs(f.wrap(), rosenbrock_start(n), o);
        check_result_shape(r, n);
        CHECK(r.converged);
        CHECK(max_abs_diff(r.x, std::vector<double>(n, 1.0)) < 1e-6);
        CHECK(r.value < 1e-12);
        CHECK(rosenbrock(r.x, {}) == r.value); // the reported point has the reported value
        CHECK(r.evaluations == f.calls);
        CHECK(r.gradient_evaluations == f.gradient_calls);
        CHECK(f.calls == f.gradient_calls);
        // A quasi-Newton method needs far fewer steps than the ~10^3 of steepest descent here.
        CHECK(r.iterations < 150);
    }
}

TEST_CASE("Nelder-Mead reaches the Rosenbrock minimum in 2 and 10 dimensions", "[optimize][nelder_mead]") {
    for (bool adaptive : {true, false}) {
        for (std::size_t n : {2u, 10u}) {
            INFO("n = " << n << ", adaptive = " << adaptive);
            counting f{rosenbrock};
            qv::optimize_options o;
            o.max_iterations = 20000;
            qv::nelder_mead_options nm;
            nm.adaptive = adaptive;
            const auto r = qv::minimize_nelder_mead(f.wrap(), rosenbrock_start(n), o, nm);
            check_result_shape(r, n);
            CHECK(r.converged);
            CHECK(max_abs_diff(r.x, std::vector<double>(n, 1.0)) < 1e-4);
            CHECK(r.evaluations == f.calls);
            CHECK(f.gradient_calls == 0);
            CHECK(r.gradient_evaluations == 0);
        }
    }
}

TEST_CASE("All four optimizers find the minimum of a convex quadratic", "[optimize]") {
    const quadratic q;
    const std::vector<double> x0{0.0, 0.0, 0.0, 0.0};
    // adam, spsa, nelder_mead, lbfgs. The default value_tolerance (1e-10) bounds x only to about
    // its square root over the curvature, hence 1e-6 for L-BFGS.
    const double x_tol_of[] = {2e-3, 2e-2, 1e-5, 1e-6};
    const auto optimizers = all_optimizers();
    for (std::size_t k = 0; k < optimizers.size(); ++k) {
        INFO(optimizers[k].name);
        qv::optimize_options o;
        o.max_iterations = 5000;
        o.seed = 7;
        qv::optimize_result r;
        if (std::string(optimizers[k].name) == "adam") {
            r = qv::minimize_adam(q, x0, o, {.learning_rate = 0.02});
        } else {
            r = optimizers[k].run(q, x0, o);
        }
        check_result_shape(r, 4);
        CHECK(max_abs_diff(r.x, q.c) < x_tol_of[k]);
        CHECK(r.value >= q.fmin);
        CHECK(r.value - q.fmin < x_tol_of[k]);
        CHECK(r.value == q(r.x, {}));
    }
}

TEST_CASE("The progress callback sees every iteration and can stop the run", "[optimize]") {
    const quadratic q;
    for (const auto& opt : all_optimizers()) {
        INFO(opt.name);
        std::vector<qv::optimize_progress> seen;
        std::vector<std::vector<double>> xs;
        qv::optimize_options o;
        o.max_iterations = 1000;
        o.value_tolerance = 0;
        o.gradient_tolerance = 0;
        o.x_tolerance = 0;
        o.progress = [&](const qv::optimize_progress& p) {
            seen.push_back(p);
            xs.emplace_back(p.x.begin(), p.x.end());
            return p.iteration < 5;
        };
        const auto r = opt.run(q, std::vector<double>(4, 0.0), o);
        check_result_shape(r, 4);
        CHECK(r.iterations == 5);
        CHECK_FALSE(r.converged);
        CHECK(r.reason.find("progress callback") != std::string::npos);
        REQUIRE(seen.size() == 5);
        for (std::size_t k = 0; k < seen.size(); ++k) {
            CHECK(seen[k].iteration == k + 1);
            // SPSA's final evaluation may lower the last history entry after the callback ran.
            if (k + 1 < seen.size()) CHECK(seen[k].best_value == r.history[k + 1]);
            else CHECK(seen[k].best_value >= r.history[k + 1]);
            CHECK(seen[k].elapsed_s >= 0);
            CHECK(xs[k].size() == 4);
            if (k > 0) CHECK(seen[k].evaluations > seen[k - 1].evaluations);
        }
        CHECK(seen.back().evaluations <= r.evaluations);
    }
}

TEST_CASE("SPSA runs are reproducible from the seed", "[optimize][spsa]") {
    const quadratic q;
    qv::optimize_options o;
    o.max_iterations = 300;
    o.seed = 12345;
    const auto a = qv::minimize_spsa(q, std::vector<double>(4, 0.0), o);
    const auto b = qv::minimize_spsa(q, std::vector<double>(4, 0.0), o);
    CHECK(a.x == b.x);
    CHECK(a.value == b.value);
    CHECK(a.history == b.history);
    CHECK(a.evaluations == b.evaluations);
    o.seed = 54321;
    const auto c = qv::minimize_spsa(q, std::vector<double>(4, 0.0), o);
    CHECK(c.x != a.x);
    // Averaging several gradient estimates per step is also reproducible and spends 2 calls each.
    o.max_iterations = 20;
    o.value_tolerance = 0;
    counting f{q};
    const auto d = qv::minimize_spsa(f.wrap(), std::vector<double>(4, 0.0), o, {.averaging = 3});
    CHECK(d.iterations == 20);
    CHECK(f.calls == 1 + 20 * 6 + 1); // f(x0), 20 steps of 3 pairs, the final iterate
    CHECK(d.evaluations == f.calls);
}

TEST_CASE("max_evaluations is never exceeded", "[optimize]") {
    for (const auto& opt : all_optimizers()) {
        for (std::size_t budget : {1u, 2u, 3u, 7u, 20u, 41u}) {
            INFO(opt.name << ", budget " << budget);
            counting f{rosenbrock};
            qv::optimize_options o;
            o.max_iterations = 0; // no iteration limit: the budget must end the run
            o.max_evaluations = budget;
            const auto r = opt.run(f.wrap(), rosenbrock_start(6), o);
            check_result_shape(r, 6);
            CHECK(f.calls <= budget);
            CHECK(r.evaluations == f.calls);
            CHECK(r.reason == "max_evaluations reached");
            CHECK_FALSE(r.converged);
            // The whole budget is used, except by SPSA, which does not start a step (2 calls) it
            // cannot finish together with the final evaluation.
            if (std::string(opt.name) != "spsa") CHECK(f.calls == budget);
            else CHECK(f.calls + 3 > budget);
        }
    }
}

TEST_CASE("max_iterations and time_limit_s end the run", "[optimize]") {
    const quadratic q;
    for (const auto& opt : all_optimizers()) {
        INFO(opt.name);
        qv::optimize_options o;
        o.max_iterations = 3;
        o.value_tolerance = o.gradient_tolerance = o.x_tolerance = 0;
        auto r = opt.run(q, std::vector<double>(4, 0.0), o);
        CHECK(r.iterations == 3);
        CHECK(r.reason == "max_iterations reached");
        check_result_shape(r, 4);

        // The limit is checked before every call after f(x0); an objective that takes 1 ms with a
        // limit of 0.5 ms stops the run before the second call, with the start as the result.
        const qv::objective slow = [&](std::span<const double> x, std::span<double> g) {
            const auto t0 = std::chrono::steady_clock::now();
            while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1)) {
            }
            return q(x, g);
        };
        o.max_iterations = 0;
        o.time_limit_s = 0.5e-3;
        r = opt.run(slow, std::vector<double>(4, 0.0), o);
        CHECK(r.reason == "time limit reached");
        CHECK(r.iterations == 0);
        CHECK(r.evaluations == 1);
        CHECK(r.x == std::vector<double>(4, 0.0));
        CHECK(r.value == q(r.x, {}));
    }
}

TEST_CASE("Bad input is rejected before any evaluation", "[optimize]") {
    const quadratic q;
    for (const auto& opt : all_optimizers()) {
        INFO(opt.name);
        counting f{q};
        CHECK_THROWS_AS(opt.run(f.wrap(), {}, {}), qcoach::value_error);
        CHECK_THROWS_AS(opt.run(f.wrap(), {0.0, std::nan(""), 0.0, 0.0}, {}), qcoach::value_error);
        qv::optimize_options bad;
        bad.value_tolerance = -1;
        CHECK_THROWS_AS(opt.run(f.wrap(), std::vector<double>(4, 0.0), bad), qcoach::value_error);
        CHECK(f.calls == 0);
        CHECK_THROWS_AS(opt.run(qv::objective{}, std::vector<double>(4, 0.0), {}), qcoach::value_error);

        // A non-finite value at x0 is an input error too.
        const qv::objective nan_at_start = [](std::span<const double>, std::span<double> g) {
            std::fill(g.begin(), g.end(), 0.0);
            return std::numeric_limits<double>::quiet_NaN();
        };
        CHECK_THROWS_WITH(opt.run(nan_at_start, std::vector<double>(4, 0.0), {}), Catch::Contains("x0"));
    }
    CHECK_THROWS_AS(qv::minimize_adam(q, std::vector<double>(4, 0.0), {}, {.learning_rate = 0}), qcoach::value_error);
    CHECK_THROWS_AS(qv::minimize_spsa(q, std::vector<double>(4, 0.0), {}, {.averaging = 0}), qcoach::value_error);
    CHECK_THROWS_AS(qv::minimize_nelder_mead(q, std::vector<double>(4, 0.0), {}, {.initial_step = -1}),
                    qcoach::value_error);
    CHECK_THROWS_AS(qv::minimize_lbfgs(q, std::vector<double>(4, 0.0), {}, {.c1 = 0.9, .c2 = 0.5}), qcoach::value_error);
    CHECK_THROWS_AS(qv::minimize_lbfgs(q, std::vector<double>(4, 0.0), {}, {.memory = 0}), qcoach::value_error);
    // A non-finite gradient at x0 names the component.
    const qv::objective bad_grad = [](std::span<const double>, std::span<double> g) {
        std::fill(g.begin(), g.end(), 0.0);
        g[2] = std::numeric_limits<double>::infinity();
        return 1.0;
    };
    CHECK_THROWS_WITH(qv::minimize_lbfgs(bad_grad, std::vector<double>(4, 0.0)), Catch::Contains("component 2"));
}

TEST_CASE("Non-finite values after the start stop the run or are stepped around", "[optimize]") {
    // f = sqrt(1 + (x0 − 1)²) + (x1 − 1)², minimum 1 at (1, 1), fenced off (+inf) for x0 > 1.5.
    // Far from the minimum the first term is almost linear, so the secant curvature is tiny and
    // the quasi-Newton step (and Nelder–Mead's expansions) jump far past x0 = 1.5 into the fence.
    std::size_t infinite = 0;
    const qv::objective fenced = [&](std::span<const double> x, std::span<double> g) {
        const double r = std::sqrt(1.0 + (x[0] - 1) * (x[0] - 1));
        if (!g.empty()) {
            g[0] = (x[0] - 1) / r;
            g[1] = 2 * (x[1] - 1);
        }
        if (x[0] > 1.5) {
            ++infinite;
            return std::numeric_limits<double>::infinity();
        }
        return r + (x[1] - 1) * (x[1] - 1);
    };
    const std::vector<double> start{-10.0, 1.5}, target{1.0, 1.0};
    qv::optimize_options o;
    o.max_iterations = 2000;
    auto r = qv::minimize_lbfgs(fenced, start, o);
    CHECK(infinite > 0);
    CHECK(r.converged);
    CHECK(max_abs_diff(r.x, target) < 1e-7);
    CHECK(r.value == Approx(1.0).margin(1e-14));
    infinite = 0;
    r = qv::minimize_nelder_mead(fenced, start, o, {.initial_step = 3.0});
    CHECK(infinite > 0);
    CHECK(r.converged);
    CHECK(max_abs_diff(r.x, target) < 1e-4);

    // NaN for x0 > 1.5: Adam with a large step walks into it and stops with the reason.
    const qv::objective nan_region = [](std::span<const double> x, std::span<double> g) {
        if (!g.empty()) g[0] = -1.0;
        return x[0] > 1.5 ? std::numeric_limits<double>::quiet_NaN() : -x[0];
    };
    r = qv::minimize_adam(nan_region, {0.0}, o, {.learning_rate = 0.4});
    CHECK_FALSE(r.converged);
    CHECK(r.reason.find("nan") != std::string::npos);
    CHECK(r.x[0] == Approx(1.2));
    CHECK(r.value == Approx(-1.2));
    check_result_shape(r, 1);

    // −inf is never a usable minimum: Nelder–Mead stops.
    const qv::objective minus_inf = [](std::span<const double> x, std::span<double>) {
        return x[0] > 0.05 ? -std::numeric_limits<double>::infinity() : x[0] * x[0];
    };
    r = qv::minimize_nelder_mead(minus_inf, {0.0}, o);
    CHECK_FALSE(r.converged);
    CHECK(r.reason.find("-inf") != std::string::npos);
}

TEST_CASE("Gradient-based stops: a start at the minimum converges at once", "[optimize]") {
    const quadratic q;
    for (auto* name : {"adam", "lbfgs"}) {
        INFO(name);
        const auto r = std::string(name) == "adam" ? qv::minimize_adam(q, q.c) : qv::minimize_lbfgs(q, q.c);
        CHECK(r.converged);
        CHECK(r.iterations == 0);
        CHECK(r.evaluations == 1);
        CHECK(r.value == q.fmin);
    }
}

TEST_CASE("L-BFGS works with the smallest memory and on a 1-D problem", "[optimize][lbfgs]") {
    const quadratic q;
    auto r = qv::minimize_lbfgs(q, std::vector<double>(4, 0.0), {}, {.memory = 1});
    CHECK(r.converged);
    CHECK(max_abs_diff(r.x, q.c) < 1e-4);
    CHECK(r.value - q.fmin < 1e-9);
    // Without the value rule the gradient rule (‖∇f‖ ≤ 1e-8) decides, and x is far more accurate.
    r = qv::minimize_lbfgs(q, std::vector<double>(4, 0.0), {.value_tolerance = 0, .x_tolerance = 0}, {.memory = 1});
    CHECK(r.converged);
    CHECK(r.reason == "gradient norm below gradient_tolerance");
    CHECK(max_abs_diff(r.x, q.c) < 1e-7);
    // f(x) = cos(x): from x = 0.5 the nearest minimum is π.
    const qv::objective cosine = [](std::span<const double> x, std::span<double> g) {
        if (!g.empty()) g[0] = -std::sin(x[0]);
        return std::cos(x[0]);
    };
    r = qv::minimize_lbfgs(cosine, {0.5});
    CHECK(r.converged);
    CHECK(r.x[0] == Approx(std::numbers::pi).margin(1e-7));
    CHECK(r.value == Approx(-1.0).margin(1e-14));
}

TEST_CASE("Multistart keeps the best of seeded random starts", "[optimize]") {
    // Tilted double well: local minimum near x = +0.96, global minimum near x = −1.04.
    const qv::objective well = [](std::span<const double> x, std::span<double> g) {
        const double t = x[0] * x[0] - 1.0;
        if (!g.empty()) g[0] = 4.0 * x[0] * t + 0.3;
        return t * t + 0.3 * x[0];
    };
    const std::vector<double> lower{-2.0}, upper{2.0};
    const qv::minimizer local = [](const qv::objective& f, std::vector<double> x0) {
        return qv::minimize_lbfgs(f, std::move(x0));
    };
    const auto a = qv::minimize_multistart(well, local, lower, upper, 8, 99);
    const auto b = qv::minimize_multistart(well, local, lower, upper, 8, 99);
    CHECK(a.x == b.x);
    CHECK(a.evaluations == b.evaluations);
    CHECK(a.x[0] < -1.0);
    CHECK(a.x[0] > -1.1);
    // The returned counts cover all starts: more than any single L-BFGS run from one start.
    const auto single = qv::minimize_lbfgs(well, {1.5});
    CHECK(a.evaluations > single.evaluations);
    CHECK_THROWS_AS(qv::minimize_multistart(well, local, lower, upper, 0, 1), qcoach::value_error);
    const std::vector<double> bad_upper{-3.0};
    CHECK_THROWS_AS(qv::minimize_multistart(well, local, lower, bad_upper, 2, 1), qcoach::value_error);
}
