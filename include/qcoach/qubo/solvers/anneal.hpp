#pragma once
/// @file
/// @brief Simulated annealing: Metropolis sweeps over cached local fields along a geometric
/// schedule of inverse temperatures.
///
/// Schedule. Sweep t of S uses beta_t = beta_hot (beta_cold / beta_hot)^{t / (S - 1)}. The
/// default range follows dwave-neal's rule, on the model's own one-flip changes:
///
///     beta_hot  = ln 2   / max_delta   the largest possible uphill move is accepted with
///                                      probability 1/2 in the first sweep, so almost every
///                                      uphill move is;
///     beta_cold = ln 100 / min_delta   the smallest uphill move is accepted with probability
///                                      1/100 in the last sweep, so almost none is;
///
///     max_delta = max_i c (|h_i| + sum_j |J_ij|)       (CsrModel::max_flip_change)
///     min_delta = c min { |h_i|, |J_ij| : non-zero }   c = 1 binary, 2 spin (a spin moves by 2).
///
/// The smallest coefficient stands in for the smallest non-zero one-flip change, which would be
/// as hard to find as the ground state. A model without coefficients gets beta = 1 throughout.
///
/// Reads. Read k starts from a uniform random sample drawn from Rng::stream(seed, k) and runs
/// all sweeps (variables in index order). Reads run eight at a time in the SIMD lanes of one
/// group (detail/anneal_kernel.hpp: each lane is an independent read, bit for bit the same
/// whatever shares its group), groups run on the threads, and reads are merged in read order,
/// so the SampleSet is the same for any thread count. Fields are recomputed from the sample
/// every 256 sweeps, which bounds the rounding drift of non-integer models kept in float.
/// Energies in the result are evaluated on the caller's model in double.
///
/// Metropolis test (detail/anneal_kernel.hpp): flip iff delta <= -ln(u) / beta with u uniform in
/// (0, 1]. Downhill moves always pass and moves with beta delta > 32 ln 2 (acceptance < 2.4e-10)
/// never do, without a branch; every attempt still draws its u, because the 8 lanes draw and
/// take the logarithm together in one vector operation, which costs less than deciding per lane
/// whether to draw.
///
/// Default 16 reads of 1000 sweeps: 16 reads fill two groups, and cost the same as 10 would.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/config.hpp"
#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/solvers/descent.hpp"
#include "qcoach/qubo/solvers/detail/anneal_kernel.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

/// Inverse temperatures at the start (hot, small beta) and the end (cold, large beta).
struct beta_range {
    double hot = 1.0;
    double cold = 1.0;
};

/// @brief The default range of the file comment: beta_hot = ln 2 / max_delta,
/// beta_cold = ln 100 / min_delta; {1, 1} when the model has no non-zero coefficient.
template <precision Real>
beta_range default_beta_range(const CsrModel<Real>& csr) {
    double max_delta = 0.0;
    double min_coef = std::numeric_limits<double>::infinity();
    for (var_t i = 0; i < csr.num_variables(); ++i) {
        max_delta = std::max(max_delta, static_cast<double>(csr.max_flip_change(i)));
        if (csr.linear(i) != 0) min_coef = std::min(min_coef, std::abs(static_cast<double>(csr.linear(i))));
        for (const Real w : csr.weights(i)) min_coef = std::min(min_coef, std::abs(static_cast<double>(w)));
    }
    if (max_delta == 0.0 || !std::isfinite(min_coef)) return {1.0, 1.0};
    const double c = csr.type() == vartype::spin ? 2.0 : 1.0;
    return {std::log(2.0) / max_delta, std::log(100.0) / (c * min_coef)};
}

/// @brief default_beta_range of a BinaryQuadraticModel.
inline beta_range default_beta_range(const BinaryQuadraticModel& model) {
    return default_beta_range(CsrModel<double>(model));
}

/// @brief beta_t = hot (cold / hot)^{t / (sweeps - 1)}, t = 0..sweeps-1 (one sweep: cold).
/// @throws value_error unless 0 < hot <= cold, both finite.
inline std::vector<double> geometric_beta_schedule(double hot, double cold, std::size_t sweeps) {
    if (!(hot > 0.0) || !(cold >= hot) || !std::isfinite(cold)) {
        throw value_error("annealing needs 0 < beta_hot <= beta_cold (finite), got beta_hot = " + std::to_string(hot) +
                          ", beta_cold = " + std::to_string(cold));
    }
    std::vector<double> betas(sweeps);
    if (sweeps == 1) betas[0] = cold;
    const double ratio = std::log(cold / hot);
    for (std::size_t t = 0; t < sweeps && sweeps > 1; ++t)
        betas[t] = hot * std::exp(ratio * static_cast<double>(t) / static_cast<double>(sweeps - 1));
    return betas;
}

/// @brief Options of simulated annealing beyond solver_options.
struct anneal_options {
    std::optional<double> beta_hot;  ///< override the default hot end
    std::optional<double> beta_cold; ///< override the default cold end
    /// Explicit beta per sweep (each finite and >= 0); when given, its length is the number of
    /// sweeps and the range is ignored.
    std::vector<double> schedule;
    /// Polish each read's final sample with steepest descent (polish()).
    bool polish = false;
    /// Keep fields in double instead of float (slower; for coefficients float cannot hold).
    bool double_precision = false;
};

/// @brief Simulated annealing over reads (see the file comment).
///
/// Options used: `reads` (default 16), `sweeps` (default 1000), `seed`, `threads`,
/// `time_limit_s`, `target_energy`, `progress`. A stop (time limit, target, callback) ends the
/// running reads after their current sweep (checked every 16 sweeps); each returns the sample it
/// holds, unstarted reads return nothing. With a target, each read's current energy (kept
/// incrementally) is checked after every sweep, so time_to_best_s has sweep resolution. work
/// counts flip attempts (n per sweep and read). A model without variables gives one empty
/// sample at the offset energy, counted `reads` times.
class SimulatedAnnealingSolver : public Solver {
public:
    static constexpr std::size_t default_reads = 16;
    static constexpr std::size_t default_sweeps = 1000;

    /// @throws value_error on an invalid beta override or schedule.
    explicit SimulatedAnnealingSolver(anneal_options options = {}) : opts_(std::move(options)) {
        for (const auto* b : {&opts_.beta_hot, &opts_.beta_cold}) {
            if (*b && (!(**b > 0.0) || !std::isfinite(**b))) {
                throw value_error("annealing: an inverse temperature must be finite and > 0, got " + std::to_string(**b));
            }
        }
        if (opts_.beta_hot && opts_.beta_cold && *opts_.beta_cold < *opts_.beta_hot) {
            throw value_error("annealing: beta_cold (" + std::to_string(*opts_.beta_cold) + ") is below beta_hot (" +
                              std::to_string(*opts_.beta_hot) + ")");
        }
        for (std::size_t t = 0; t < opts_.schedule.size(); ++t) {
            if (!(opts_.schedule[t] >= 0.0) || !std::isfinite(opts_.schedule[t])) {
                throw value_error("annealing: schedule entry " + std::to_string(t) + " is " +
                                  std::to_string(opts_.schedule[t]) + "; each beta must be finite and >= 0");
            }
        }
    }

    std::string name() const override { return "simulated_annealing"; }
    const anneal_options& options() const noexcept { return opts_; }

    /// @brief The betas a solve of `model` with `sweeps` sweeps (0 = default) would use.
    std::vector<double> schedule_for(const BinaryQuadraticModel& model, std::size_t sweeps = 0) const {
        return schedule_for(CsrModel<double>(model), sweeps);
    }

    /// @brief Anneal. Fields run in float unless double_precision is set or a coefficient is
    /// beyond float's comfortable range (|c| > 1e30, where sums could overflow).
    solve_result solve(const BinaryQuadraticModel& model, const solver_options& options) const override;

private:
    template <precision Real>
    std::vector<double> schedule_for(const CsrModel<Real>& csr, std::size_t sweeps) const {
        if (!opts_.schedule.empty()) {
            if (sweeps != 0 && sweeps != opts_.schedule.size()) {
                throw value_error("annealing: " + std::to_string(sweeps) + " sweeps asked for, but the explicit schedule has " +
                                  std::to_string(opts_.schedule.size()) + " betas");
            }
            return opts_.schedule;
        }
        const std::size_t count = sweeps ? sweeps : default_sweeps;
        beta_range r = default_beta_range(csr);
        if (opts_.beta_hot) r.hot = *opts_.beta_hot;
        if (opts_.beta_cold) r.cold = *opts_.beta_cold;
        if (opts_.beta_hot && !opts_.beta_cold) r.cold = std::max(r.cold, r.hot);
        if (opts_.beta_cold && !opts_.beta_hot) r.hot = std::min(r.hot, r.cold);
        return geometric_beta_schedule(r.hot, r.cold, count);
    }

    template <precision Real>
    solve_result run(const BinaryQuadraticModel& model, const solver_options& options) const {
        detail::run_control control(options);
        const std::size_t reads = options.reads ? options.reads : default_reads;
        const std::size_t n = model.num_variables();
        solve_result r;
        r.solver = name();
        r.work_unit = "flip attempts";
        r.samples = SampleSet(model.type(), n);
        const CsrModel<Real> csr(model);
        const std::vector<double> betas = schedule_for(csr, options.sweeps);
        if (n == 0) {
            r.samples.add({}, model.offset(), reads);
            control.finish(r);
            r.best_energy = model.offset();
            return r;
        }
        const vartype type = model.type();
        const std::size_t sweeps = betas.size();
        constexpr std::size_t W = detail::anneal_lanes;
        const std::size_t groups = (reads + W - 1) / W;
        check_memory(static_cast<std::uint64_t>(reads) * (n + sizeof(double) + sizeof(std::size_t)),
                     "simulated annealing with " + std::to_string(reads) + " reads of " + std::to_string(n) + " variables");
        std::vector<std::int8_t> samples(reads * n);
        std::vector<double> energies(reads);
        std::vector<std::size_t> sweeps_done(reads, 0);
        const bool has_target = options.target_energy.has_value();
        const double target = has_target ? *options.target_energy : 0.0;
        // The incremental energy only decides when to evaluate exactly; the slack covers its
        // rounding in float (integer models: exact).
        const double slack = 1e-5 * (1.0 + std::abs(target));

        const exec_policy policy{options.threads};
        [[maybe_unused]] const int threads = static_cast<int>(std::min<std::uint64_t>(
            static_cast<std::uint64_t>(policy.threads_for(static_cast<index_t>(groups * W) * n * std::max<std::size_t>(sweeps, 1))),
            groups));
#if defined(_OPENMP)
#pragma omp parallel num_threads(threads) if (threads > 1)
#endif
        {
            aligned_vector<Real> field(n * W), sgn(n * W);
            std::vector<std::int8_t> lanes(n * W); // lane l's sample at [l n, (l + 1) n)
#if defined(_OPENMP)
#pragma omp for schedule(dynamic, 1)
#endif
            for (std::int64_t gg = 0; gg < static_cast<std::int64_t>(groups); ++gg) {
                const std::size_t first = static_cast<std::size_t>(gg) * W;
                const std::size_t count = std::min(W, reads - first);
                if (control.should_stop()) continue;
                const auto lane = [&](std::size_t l) { return std::span<std::int8_t>(lanes.data() + l * n, n); };
                // Lane l runs read first + l; lanes past the last read run streams nobody reads.
                detail::anneal_lane_rng lane_rng;
                for (std::size_t l = 0; l < W; ++l) {
                    Rng rng = Rng::stream(options.seed, first + l);
                    random_sample(type, lane(l), rng);
                    lane_rng.seed(l, rng);
                }
                double energy[W];
                const auto load = [&] {
                    for (std::size_t l = 0; l < W; ++l) {
                        const auto v = lane(l);
                        for (std::size_t i = 0; i < n; ++i) {
                            field[i * W + l] = csr.local_field(v, static_cast<var_t>(i));
                            sgn[i * W + l] = static_cast<Real>(type == vartype::binary ? 1 - 2 * v[i] : -2 * v[i]);
                        }
                        energy[l] = csr.energy_unchecked(v);
                    }
                };
                const auto store = [&](std::size_t l) {
                    const auto v = lane(l);
                    for (std::size_t i = 0; i < n; ++i) {
                        const bool up = sgn[i * W + l] < Real(0); // x = 1 or s = +1
                        v[i] = type == vartype::binary ? static_cast<std::int8_t>(up) : static_cast<std::int8_t>(up ? 1 : -1);
                    }
                };
                load();
                std::size_t t = 0;
                bool stop = false;
                while (t < sweeps && !stop) {
                    Real change[W] = {};
                    detail::anneal_sweep<Real>(csr, field.data(), sgn.data(), betas[t], lane_rng, change);
                    for (std::size_t l = 0; l < W; ++l) energy[l] += static_cast<double>(change[l]);
                    ++t;
                    if (t % 256 == 0 && t < sweeps) { // bound the drift of float fields
                        for (std::size_t l = 0; l < W; ++l) store(l);
                        load();
                    }
                    if (has_target) {
                        for (std::size_t l = 0; l < count; ++l) {
                            if (energy[l] > target + slack) continue;
                            store(l);
                            const double exact = model.energy_unchecked(lane(l));
                            if (exact <= target) {
                                control.offer(exact, lane(l));
                                stop = true;
                            }
                        }
                    }
                    if (t % 16 == 0 && control.should_stop()) stop = true;
                }
                for (std::size_t l = 0; l < count; ++l) {
                    const std::size_t k = first + l;
                    store(l);
                    if (opts_.polish) polish<Real>(csr, lane(l));
                    std::copy_n(lanes.data() + l * n, n, samples.data() + k * n);
                    energies[k] = model.energy_unchecked(lane(l));
                    sweeps_done[k] = t;
                    control.offer(energies[k], lane(l));
                }
                control.unit_done(count);
            }
        }
        std::uint64_t attempts = 0;
        for (std::size_t k = 0; k < reads; ++k) {
            if (sweeps_done[k] == 0 && sweeps != 0) continue; // never started
            attempts += static_cast<std::uint64_t>(sweeps_done[k]) * n;
            r.samples.add(std::span<const std::int8_t>(samples.data() + k * n, n), energies[k]);
        }
        r.work = attempts;
        control.finish(r);
        if (!r.samples.empty()) {
            r.best_energy = r.samples.best().energy;
            r.best_sample = r.samples.best().sample;
        }
        return r;
    }

    static void random_sample(vartype type, std::span<std::int8_t> v, Rng& rng) noexcept {
        for (std::size_t i = 0; i < v.size(); i += 64) {
            const std::uint64_t word = rng();
            for (std::size_t b = 0; b < 64 && i + b < v.size(); ++b) {
                const auto x = static_cast<std::int8_t>((word >> b) & 1u);
                v[i + b] = type == vartype::binary ? x : static_cast<std::int8_t>(2 * x - 1);
            }
        }
    }

    anneal_options opts_;
};

#if QCOACH_HEADER_DEFINITIONS
QCOACH_DECL solve_result SimulatedAnnealingSolver::solve(const BinaryQuadraticModel& model, const solver_options& options) const {
    double largest = std::abs(model.offset());
    for (const double h : model.linear_biases()) largest = std::max(largest, std::abs(h));
    model.for_each_interaction([&](var_t, var_t, double b) { largest = std::max(largest, std::abs(b)); });
    return opts_.double_precision || largest > 1e30 ? run<double>(model, options) : run<float>(model, options);
}
#endif

} // namespace qcoach::qubo
