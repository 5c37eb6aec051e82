#pragma once
/// @file
/// @brief Local minimizers for variational parameters: Adam, SPSA, Nelder–Mead and L-BFGS.
///
/// All four share one objective type, one options block (stopping rules, seed, progress
/// callback) and one result type, so a QAOA or VQE driver can switch optimizer with one line:
///
///     auto r = qcoach::variational::minimize_lbfgs(f, x0, {.max_iterations = 500});
///
/// Which optimizer when:
/// - L-BFGS: exact gradients available (adjoint or parameter-shift on a statevector); the usual
///   first choice on smooth landscapes.
/// - Nelder–Mead: value only, few parameters (≲ 10), exact values.
/// - SPSA: value only and noisy (sampled) values; two evaluations per step whatever the
///   dimension.
/// - Adam: gradients that are noisy or a landscape where a fixed step size is wanted.
///
/// Common semantics (every minimize_* function):
/// - f(x0) is evaluated first (with the gradient for Adam and L-BFGS). An empty x0, a
///   non-finite entry of x0, or a non-finite value or gradient at x0 throws qcoach::value_error
///   before any further work.
/// - The result holds the best point evaluated during the run (lowest value), which for an exact
///   objective is never worse than the last iterate. For a noisy objective the best recorded
///   value is biased low: re-evaluate result.x if an unbiased value is needed.
/// - A stopping rule never lets the run exceed max_evaluations: the run stops before the call
///   that would exceed it, even inside a line search or a shrink step.
/// - result.history[0] = f(x0); result.history[k] = best value after iteration k, so
///   history.size() == iterations + 1. The last entry also counts calls made after the last
///   complete iteration (a step cut short by a limit, SPSA's final evaluation), so
///   history.back() == result.value.
/// - Exceptions thrown by the objective propagate unchanged.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace qcoach::variational {

/// @brief The function to minimize.
///
/// `f(x, grad)` returns f(x). When `grad` is non-empty (it then has x.size() entries) it also
/// writes ∇f(x) into it. Value-only optimizers (SPSA, Nelder–Mead) always pass an empty `grad`;
/// Adam and L-BFGS always pass a non-empty one.
using objective = std::function<double(std::span<const double> x, std::span<double> grad)>;

/// @brief Snapshot handed to the progress callback after every iteration.
struct optimize_progress {
    std::size_t iteration;   ///< iterations completed (1 for the first call)
    std::size_t evaluations; ///< objective calls so far, f(x0) included
    double value;            ///< value at the current iterate (SPSA: mean of the two probe values)
    double best_value;       ///< lowest value evaluated so far
    double elapsed_s;        ///< wall time since the start of the run
    std::span<const double> x; ///< current iterate (valid only during the callback)
};

/// @brief Stopping rules, seed and progress callback shared by all optimizers.
///
/// A limit of 0 means "no limit". The run ends at the first rule that fires; result.reason
/// names it and result.converged is true only for the tolerance rules.
struct optimize_options {
    /// Iterations (Adam/SPSA: one update; Nelder–Mead: one simplex step; L-BFGS: one line
    /// search). 0 = no limit.
    std::size_t max_iterations = 200;
    /// Objective calls, f(x0) included. 0 = no limit.
    std::size_t max_evaluations = 0;
    /// Value change. L-BFGS: (f_k − f_{k+1}) ≤ tol·max(|f_k|, |f_{k+1}|) (relative only).
    /// Nelder–Mead: f_worst − f_best ≤ tol·max(1, |f_best|) over the simplex (together with
    /// x_tolerance). Adam: the best value improved by at most tol·max(1, |best|) over the last
    /// `stall_iterations` iterations. SPSA: the means of its value estimates over the last two
    /// windows of `stall_iterations` iterations differ by at most tol·max(1, |mean|) (on a noisy
    /// objective set tol above the noise of such a mean, or rely on the other limits). 0 disables
    /// the rule.
    double value_tolerance = 1e-10;
    /// Euclidean norm of the gradient (Adam, L-BFGS): ‖∇f‖₂ ≤ tol. 0 disables the rule.
    double gradient_tolerance = 1e-8;
    /// Size of the step or simplex. Nelder–Mead: max_i ‖x_i − x_best‖_∞ ≤ tol (together with
    /// value_tolerance). L-BFGS: ‖x_{k+1} − x_k‖_∞ ≤ tol·max(1, ‖x_k‖_∞). Unused by Adam and
    /// SPSA, whose step length does not shrink to zero near a minimum. 0 disables the rule.
    double x_tolerance = 1e-10;
    /// Wall-clock limit in seconds, checked before every objective call. 0 = no limit.
    double time_limit_s = 0;
    /// Seed of the random stream (SPSA perturbations, multistart points). The same seed
    /// gives the same run.
    std::uint64_t seed = 0;
    /// Called after every iteration; return false to stop the run (reason "stopped by the
    /// progress callback", converged = false).
    std::function<bool(const optimize_progress&)> progress{};
};

/// @brief Outcome of a run.
struct optimize_result {
    std::vector<double> x;                ///< best point evaluated
    double value = 0;                     ///< f(x)
    std::size_t iterations = 0;           ///< iterations completed
    std::size_t evaluations = 0;          ///< objective calls (f(x0) included)
    std::size_t gradient_evaluations = 0; ///< calls that asked for the gradient
    bool converged = false;               ///< stopped by a tolerance rule
    std::string reason;                   ///< why the run stopped, in words
    std::vector<double> history;          ///< history[0] = f(x0), history[k] = best after iteration k
};

/// @brief Adam (Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015,
/// arXiv:1412.6980, Algorithm 1), with bias-corrected moment estimates.
struct adam_options {
    double learning_rate = 0.01; ///< step size α (the step per coordinate is at most ≈ α)
    double beta1 = 0.9;          ///< decay of the first-moment estimate, in [0, 1)
    double beta2 = 0.999;        ///< decay of the second-moment estimate, in [0, 1)
    double epsilon = 1e-8;       ///< added to √v̂ in the denominator, > 0
    std::size_t stall_iterations = 50; ///< window of the value_tolerance rule, ≥ 1
};

/// @brief SPSA (Spall, "Implementation of the simultaneous perturbation algorithm for
/// stochastic optimization", IEEE Trans. Aerosp. Electron. Syst. 34(3), 817–823, 1998).
///
/// Gains a_k = a/(k+1+A)^alpha and c_k = c/(k+1)^gamma (k = 0, 1, ...); the defaults alpha =
/// 0.602, gamma = 0.101 and A ≈ 10% of the iteration budget are Spall's recommendations
/// (in the paper's guidelines for choosing the gains). Perturbations are Rademacher (±1) vectors from
/// qcoach::Rng::stream(seed, k), so a run depends only on the seed.
struct spsa_options {
    double a = 0.2;       ///< step gain numerator, > 0
    double c = 0.1;       ///< perturbation size numerator, > 0
    double A = 0;         ///< stability constant ≥ 0; 0 → 10% of max_iterations (0 if unlimited)
    double alpha = 0.602; ///< step gain exponent, > 0
    double gamma = 0.101; ///< perturbation exponent, > 0
    std::size_t averaging = 1;          ///< gradient estimates averaged per step, ≥ 1
    std::size_t stall_iterations = 50;  ///< window of the value_tolerance rule, ≥ 1
    bool evaluate_final = true; ///< evaluate the last iterate (1 call) so it can be the result
};

/// @brief Nelder–Mead simplex search (Nelder & Mead, Comput. J. 7, 308, 1965) in the form of
/// Lagarias, Reeds, Wright & Wright (SIAM J. Optim. 9, 112, 1998).
///
/// The initial simplex is x0 and x0 + initial_step·e_i. With `adaptive` the coefficients depend
/// on the dimension n (Gao & Han, Comput. Optim. Appl. 51, 259, 2012): reflection 1, expansion
/// 1 + 2/n, contraction 3/4 − 1/(2n), shrink 1 − 1/n, which keeps the search effective for
/// n ≳ 5; for n ≤ 2 they equal the classic 1, 2, 1/2, 1/2, which are used then. Values of +inf
/// and NaN after the start count as worse than any finite value (so +inf can fence off a
/// region); −inf stops the run.
struct nelder_mead_options {
    double initial_step = 0.1; ///< edge length of the initial simplex, > 0
    bool adaptive = true;      ///< dimension-dependent coefficients (Gao & Han 2012)
};

/// @brief L-BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed., 2006: Alg. 7.4 two-loop
/// recursion, Alg. 7.5) with a strong-Wolfe line search (Alg. 3.5 bracketing + Alg. 3.6 zoom
/// with safeguarded cubic interpolation, eq. 3.59).
///
/// Written here rather than taken from LBFGS++ so the header needs nothing beyond the
/// standard library. Once value differences reach rounding level the line search switches to
/// the approximate Wolfe test of Hager & Zhang (SIAM J. Optim. 16, 170, 2005), so the gradient
/// rule can still be met on objectives whose minimum value is far from 0. A trial point whose
/// value is not finite counts as a step that is too long (the step is cut back); a non-finite
/// gradient at a finite value stops the run. The first step along −∇f has length ≤ 1.
struct lbfgs_options {
    std::size_t memory = 8;          ///< correction pairs kept, ≥ 1
    double c1 = 1e-4;                ///< sufficient-decrease constant, 0 < c1 < c2
    double c2 = 0.9;                 ///< curvature constant, c1 < c2 < 1
    std::size_t max_line_search = 40; ///< objective calls per line search, ≥ 1
};

/// @brief Minimize f with Adam; uses the gradient. See adam_options.
inline optimize_result minimize_adam(const objective& f, std::vector<double> x0,
                                     const optimize_options& options = {},
                                     const adam_options& adam = {});

/// @brief Minimize f with SPSA; value only (f is called with an empty gradient span).
inline optimize_result minimize_spsa(const objective& f, std::vector<double> x0,
                                     const optimize_options& options = {},
                                     const spsa_options& spsa = {});

/// @brief Minimize f with Nelder–Mead; value only (f is called with an empty gradient span).
inline optimize_result minimize_nelder_mead(const objective& f, std::vector<double> x0,
                                            const optimize_options& options = {},
                                            const nelder_mead_options& nm = {});

/// @brief Minimize f with L-BFGS; uses the gradient.
inline optimize_result minimize_lbfgs(const objective& f, std::vector<double> x0,
                                      const optimize_options& options = {},
                                      const lbfgs_options& lbfgs = {});

/// @brief A local minimizer with its options bound, e.g.
/// `[&](const objective& g, std::vector<double> x) { return minimize_lbfgs(g, std::move(x), opts); }`.
using minimizer = std::function<optimize_result(const objective&, std::vector<double> x0)>;

/// @brief Run `local` from `starts` points drawn uniformly in the box [lower, upper] and return
/// the best result.
///
/// Start k is drawn from qcoach::Rng::stream(seed, k), so the points do not depend on the
/// budget of the other starts. The returned result is that of the best start, with
/// evaluations, gradient_evaluations and iterations summed over all starts. lower and upper
/// must have the same non-zero size, be finite and satisfy lower ≤ upper; starts ≥ 1.
inline optimize_result minimize_multistart(const objective& f, const minimizer& local,
                                           std::span<const double> lower,
                                           std::span<const double> upper, std::size_t starts,
                                           std::uint64_t seed);

} // namespace qcoach::variational

// The definitions: the shared machinery, which then includes the four optimizers. Every header
// of this family includes this one first, so any of them can be included on its own.
#include "qcoach/variational/detail/optimize_common.hpp"
