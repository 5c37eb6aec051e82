// Feasible-subspace QAOA with XY mixers on coach-client matching instances, built as the
// coaching layer builds them (coaching/matching.hpp: MatchingEncoding of a MatchingProblem):
// m clients, k coaches, every pair allowed, compatibility values in [0, 1) with two decimals
// (seed 1), unit loads, capacity ceil(m / k) + 1 per coach (binding rows with slack bits). The
// subspace holds the k^m assignments; the cost of each is the encoding's penalized QUBO with the
// slack bits at their best values (constrained_costs), so one-hot penalties vanish and capacity
// penalties stay. 2 threads throughout.
//
//  - cost_table: constrained_costs for the whole subspace, ns per amplitude.
//  - evaluate<Real>/coaches/clients/p: one <C> at depth p = 1..3 (exact ring mixer). Counters:
//    amplitudes, eval_s (run from the initial state + <C>), bytes (state + cost table), passes
//    (memory passes per layer, one band of axes each, detail/subspace_kernels.hpp),
//    ns_per_amp_layer (the layers alone: run() minus its reset pass, over p), and
//    sweeps_per_layer: that layer time over an in-place sweep x[i] <- a x[i] over the state's
//    bytes measured right before (the floor of any pass; the executable also carries
//    bench_bandwidth.cpp's inplace/double/threads:2 reference over 1 GiB).
//  - optimize<Real>/coaches/clients: L-BFGS on the adjoint gradient at p = 3, 30 objective
//    calls (each a value and a gradient), from the linear ramp; opt_s, bytes (two states + costs).
//  - xy_vs_x: 4 clients x 3 coaches, capacities 2, 2, 1. X mixer: full space of the penalized
//    QUBO (12 assignment + 5 slack qubits) from |+>^17; XY: subspace of 81 assignments from the
//    W state. Angles optimized at p = 1..3 (best of 4 L-BFGS starts, plus INTERP from p - 1).
//    Counters: p_onehot (probability that every client has exactly one coach), p_feasible (the
//    plan also meets the capacities), p_opt (the best plan), ratio (expected compatibility of a
//    sampled plan, infeasible plans counting 0, over the best plan's), energy_ratio
//    ((E_max - <E>) / (E_max - E_min) over the states the mixer can reach).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "qcoach/coaching/matching.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/variational/angles.hpp"
#include "qcoach/variational/optimize.hpp"
#include "qcoach/variational/qaoa.hpp"
#include "qcoach/variational/subspace.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::variational;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

coaching::MatchingProblem matching_problem(std::size_t coaches, std::size_t clients, std::vector<std::int64_t> caps = {}) {
    std::vector<std::string> cl, co;
    for (std::size_t c = 0; c < clients; ++c) cl.push_back("client-" + std::to_string(c));
    for (std::size_t k = 0; k < coaches; ++k) co.push_back("coach-" + std::to_string(k));
    if (caps.empty()) caps.assign(coaches, static_cast<std::int64_t>((clients + coaches - 1) / coaches + 1));
    coaching::MatchingProblem p(cl, co, caps);
    Rng rng(1);
    for (std::size_t c = 0; c < clients; ++c)
        for (std::size_t k = 0; k < coaches; ++k) p.set_value(c, k, std::floor(100 * rng.uniform()) / 100);
    return p;
}

exec_policy two_threads() {
    exec_policy p = default_policy();
    p.threads = 2;
    return p;
}

/// An in-place sweep over `bytes` at p, 2 threads (best of three): the cost of one memory pass.
double sweep_seconds(void* p, std::size_t bytes) {
    auto* x = static_cast<double*>(p);
    const std::size_t len = bytes / sizeof(double);
    double best = 1e300, a = 1.0000001;
    for (int r = 0; r < 3; ++r) {
        const auto t0 = clock_type::now();
#pragma omp parallel for num_threads(2) schedule(static)
        for (std::size_t i = 0; i < len; ++i) x[i] *= a;
        a = 1.0 / a;
        best = std::min(best, seconds_since(t0));
    }
    return best;
}

/// The simulator of a (coaches, clients) instance, or null (and the benchmark skipped) when it
/// does not fit the memory limit.
template <class Real>
std::unique_ptr<SubspaceQaoa<Real>> make_sim(benchmark::State& state, std::size_t coaches, std::size_t clients) {
    try {
        const coaching::MatchingEncoding enc(matching_problem(coaches, clients));
        const FeasibleSpace space = assignment_space(enc.constrained());
        subspace_options opt;
        opt.policy = two_threads();
        return std::make_unique<SubspaceQaoa<Real>>(space, constrained_costs(space, enc.constrained(), opt.policy), opt);
    } catch (const qcoach::memory_error& e) {
        state.SkipWithError(e.what());
        return nullptr;
    }
}

void BM_cost_table(benchmark::State& state) {
    const auto k = static_cast<std::size_t>(state.range(0)), m = static_cast<std::size_t>(state.range(1));
    const coaching::MatchingEncoding enc(matching_problem(k, m));
    const FeasibleSpace space = assignment_space(enc.constrained());
    for (auto _ : state) {
        auto c = constrained_costs(space, enc.constrained(), two_threads());
        benchmark::DoNotOptimize(c.data());
    }
    state.counters["amplitudes"] = static_cast<double>(space.size());
    state.counters["ns_per_amplitude"] = benchmark::Counter(static_cast<double>(space.size()) * 1e-9,
                                                            benchmark::Counter::kIsIterationInvariantRate |
                                                                benchmark::Counter::kInvert);
}

template <class Real>
void BM_evaluate(benchmark::State& state) {
    const auto k = static_cast<std::size_t>(state.range(0)), m = static_cast<std::size_t>(state.range(1));
    const auto p = static_cast<std::size_t>(state.range(2));
    auto sim = make_sim<Real>(state, k, m);
    if (!sim) return;
    const qaoa_angles a = linear_ramp(p);
    const std::size_t bytes = sim->size() * (sizeof(std::complex<Real>) + sizeof(Real));
    const double sweep = sweep_seconds(const_cast<std::complex<Real>*>(sim->state().data()), sim->size() * sizeof(std::complex<Real>));
    double eval_s = 0.0, run_s = 0.0;
    for (auto _ : state) {
        const auto t0 = clock_type::now();
        sim->run(a.gammas, a.betas);
        run_s += seconds_since(t0);
        benchmark::DoNotOptimize(sim->expectation());
        eval_s += seconds_since(t0);
    }
    // The reset to the initial state (one write pass) is part of run(); measured apart so that
    // the per-layer figures count the layers only.
    double reset_s = 1e300;
    for (int r = 0; r < 3; ++r) {
        const auto t0 = clock_type::now();
        sim->run(std::span<const double>(), std::span<const double>());
        reset_s = std::min(reset_s, seconds_since(t0));
    }
    const double it = static_cast<double>(state.iterations());
    const double layer_s = std::max(0.0, run_s / it - reset_s) / static_cast<double>(p);
    state.counters["amplitudes"] = static_cast<double>(sim->size());
    state.counters["eval_s"] = eval_s / it;
    state.counters["bytes"] = static_cast<double>(bytes);
    state.counters["passes"] = static_cast<double>(sim->passes_per_layer());
    state.counters["ns_per_amp_layer"] = layer_s / static_cast<double>(sim->size()) * 1e9;
    state.counters["sweep_ns_per_amp"] = sweep / static_cast<double>(sim->size()) * 1e9;
    state.counters["sweeps_per_layer"] = layer_s / sweep;
}

template <class Real>
void BM_optimize(benchmark::State& state) {
    const auto k = static_cast<std::size_t>(state.range(0)), m = static_cast<std::size_t>(state.range(1));
    auto sim = make_sim<Real>(state, k, m);
    if (!sim) return;
    const std::size_t bytes = sim->size() * (2 * sizeof(std::complex<Real>) + sizeof(Real));
    const objective f = [&](std::span<const double> x, std::span<double> g) {
        const auto a = qaoa_angles::unflatten(x);
        if (g.empty()) return sim->expectation(a.gammas, a.betas);
        const subspace_gradient r = sim->gradient(a.gammas, a.betas);
        std::copy(r.gammas.begin(), r.gammas.end(), g.begin());
        std::copy(r.betas.begin(), r.betas.end(), g.begin() + static_cast<std::ptrdiff_t>(r.gammas.size()));
        return r.value;
    };
    optimize_options o;
    o.max_evaluations = 30;
    double opt_s = 0.0, value = 0.0, start = 0.0;
    std::size_t evals = 0;
    for (auto _ : state) {
        const auto t0 = clock_type::now();
        const optimize_result r = minimize_lbfgs(f, linear_ramp(3).flatten(), o);
        opt_s += seconds_since(t0);
        value = r.value;
        start = r.history.front();
        evals = r.evaluations;
    }
    state.counters["amplitudes"] = static_cast<double>(sim->size());
    state.counters["opt_s"] = opt_s / static_cast<double>(state.iterations());
    state.counters["evaluations"] = static_cast<double>(evals);
    state.counters["bytes"] = static_cast<double>(bytes);
    state.counters["E_start"] = start;
    state.counters["E_end"] = value;
}

// ---- XY vs X on a small instance -----------------------------------------------------------

/// Best of `starts` L-BFGS runs from random points in the box (gamma in +-gamma_box, beta in
/// +-pi/2) and, for p > 1, the INTERP warm start from `prev`.
std::vector<double> optimize_depth(const objective& f, std::size_t p, double gamma_box, const std::vector<double>& prev) {
    optimize_options o;
    o.max_iterations = 100;
    const minimizer local = [&](const objective& g, std::vector<double> x0) { return minimize_lbfgs(g, std::move(x0), o); };
    std::vector<double> lo(2 * p), hi(2 * p);
    for (std::size_t l = 0; l < p; ++l) {
        lo[l] = -gamma_box;
        hi[l] = gamma_box;
        lo[p + l] = -std::numbers::pi / 2;
        hi[p + l] = std::numbers::pi / 2;
    }
    optimize_result r = minimize_multistart(f, local, lo, hi, 4, 7 + p);
    if (!prev.empty()) {
        optimize_result w = local(f, interp(qaoa_angles::unflatten(prev)).flatten());
        if (w.value < r.value) r = std::move(w);
    }
    return r.x;
}

struct plan_stats {
    double onehot = 0, feasible = 0, optimum = 0, ratio = 0, energy_ratio = 0;
};

void BM_xy_vs_x(benchmark::State& state) {
    const bool xy = state.range(0) != 0;
    const auto p = static_cast<std::size_t>(state.range(1));
    const auto problem = matching_problem(3, 4, {2, 2, 1});
    const coaching::MatchingEncoding enc(problem);
    const auto& cm = enc.constrained();
    const std::size_t na = enc.num_assignment_variables();
    // Plans of every one-hot assignment: compatibility and feasibility; the best feasible plan.
    const FeasibleSpace space = assignment_space(cm);
    std::vector<double> value(space.size());
    std::vector<bool> ok(space.size());
    double best = 0.0;
    for (index_t i = 0; i < space.size(); ++i) {
        const auto x = space.decode(i);
        const auto plan = enc.decode(x);
        for (std::size_t c = 0; c < problem.num_clients(); ++c) value[i] += problem.value(c, plan.coaches[c][0]);
        ok[i] = cm.check(x).violations.empty();
        if (ok[i]) best = std::max(best, value[i]);
    }
    plan_stats s;
    std::vector<double> prev;
    const std::vector<double> costs = constrained_costs(space, cm);
    if (xy) {
        SubspaceQaoaD sim(space, costs);
        const objective f = [&](std::span<const double> x, std::span<double> g) {
            const auto a = qaoa_angles::unflatten(x);
            if (g.empty()) return sim.expectation(a.gammas, a.betas);
            const auto r = sim.gradient(a.gammas, a.betas);
            std::copy(r.gammas.begin(), r.gammas.end(), g.begin());
            std::copy(r.betas.begin(), r.betas.end(), g.begin() + static_cast<std::ptrdiff_t>(r.gammas.size()));
            return r.value;
        };
        for (auto _ : state) {
            prev.clear();
            for (std::size_t d = 1; d <= p; ++d) prev = optimize_depth(f, d, 2.0, prev);
        }
        const auto a = qaoa_angles::unflatten(prev);
        const double e = sim.expectation(a.gammas, a.betas);
        const auto probs = sim.probabilities();
        for (index_t i = 0; i < space.size(); ++i) {
            s.onehot += probs[i];
            if (ok[i]) s.feasible += probs[i];
            if (ok[i] && value[i] >= best - 1e-9) s.optimum += probs[i];
            if (ok[i]) s.ratio += probs[i] * value[i] / best;
        }
        s.energy_ratio = (sim.max_cost() - e) / (sim.max_cost() - sim.min_cost());
    } else {
        const auto table = std::make_shared<const CostTable>(CostTable::from_model(enc.model()));
        QaoaD qa(table, x_mixer{});
        const objective f = [&](std::span<const double> x, std::span<double> g) {
            return g.empty() ? qa.objective(x) : qa.objective_and_gradient(x, g);
        };
        // The penalties set the energy scale: gammas of order pi / (spread of E over |+>^n).
        double mean = 0, sq = 0;
        for (index_t z = 0; z < table->size(); ++z) {
            mean += table->energy(z);
            sq += table->energy(z) * table->energy(z);
        }
        mean /= static_cast<double>(table->size());
        const double sigma = std::sqrt(sq / static_cast<double>(table->size()) - mean * mean);
        for (auto _ : state) {
            prev.clear();
            for (std::size_t d = 1; d <= p; ++d) prev = optimize_depth(f, d, std::numbers::pi / sigma, prev);
        }
        const auto a = qaoa_angles::unflatten(prev);
        const auto psi = qa.state(a.gammas, a.betas);
        double e = 0, e_min = std::numeric_limits<double>::infinity(), e_max = -e_min;
        std::vector<std::int8_t> x(na);
        for (index_t z = 0; z < psi.size(); ++z) {
            const double pz = std::norm(psi[z]);
            const double ez = table->energy(z);
            e += pz * ez;
            e_min = std::min(e_min, ez);
            e_max = std::max(e_max, ez);
            for (std::size_t v = 0; v < na; ++v) x[v] = static_cast<std::int8_t>((z >> v) & 1);
            const auto i = space.encode(x);
            if (!i) continue;
            s.onehot += pz;
            if (ok[*i]) s.feasible += pz;
            if (ok[*i] && value[*i] >= best - 1e-9) s.optimum += pz;
            if (ok[*i]) s.ratio += pz * value[*i] / best;
        }
        s.energy_ratio = (e_max - e) / (e_max - e_min);
    }
    state.counters["qubits_or_states"] = xy ? static_cast<double>(space.size()) : static_cast<double>(enc.num_variables());
    state.counters["p_onehot"] = s.onehot;
    state.counters["p_feasible"] = s.feasible;
    state.counters["p_opt"] = s.optimum;
    state.counters["ratio"] = s.ratio;
    state.counters["energy_ratio"] = s.energy_ratio;
}

void mid_sizes(benchmark::internal::Benchmark* b) {
    for (auto [k, m] : std::vector<std::pair<int, int>>{{3, 12}, {4, 10}, {5, 8}, {8, 6}, {20, 4}})
        for (int p = 1; p <= 3; ++p) b->Args({k, m, p});
}
/// The largest instances run one iteration each; the figure of merit is eval_s < 60.
void large_sizes(benchmark::internal::Benchmark* b) {
    for (auto [k, m] : std::vector<std::pair<int, int>>{{3, 15}, {3, 16}, {3, 17}, {4, 13}, {5, 11}, {8, 8}, {20, 6}})
        for (int p = 1; p <= 3; ++p) b->Args({k, m, p});
}
/// 3^18 = 387 M amplitudes: 9.3 GB in double, 4.6 GB in float (plus the double cost table while
/// it is converted), the largest that fits this machine's memory next to other work.
void huge_sizes(benchmark::internal::Benchmark* b) { b->Args({3, 18, 3}); }
void optimize_sizes(benchmark::internal::Benchmark* b) {
    for (auto [k, m] : std::vector<std::pair<int, int>>{{3, 13}, {3, 14}, {3, 15}, {4, 11}, {4, 12}, {5, 9}, {5, 10}}) b->Args({k, m});
}

} // namespace

BENCHMARK(BM_cost_table)->Args({3, 12})->Args({3, 15})->Args({5, 10})->ArgNames({"coaches", "clients"})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_evaluate, double)->Apply(mid_sizes)->ArgNames({"coaches", "clients", "p"})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_evaluate, float)->Apply(mid_sizes)->ArgNames({"coaches", "clients", "p"})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_evaluate, double)->Name("large/evaluate/double")->Apply(large_sizes)->ArgNames({"coaches", "clients", "p"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_evaluate, float)->Name("large/evaluate/float")->Apply(large_sizes)->ArgNames({"coaches", "clients", "p"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_evaluate, double)->Name("huge/evaluate/double")->Apply(huge_sizes)->ArgNames({"coaches", "clients", "p"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_evaluate, float)->Name("huge/evaluate/float")->Apply(huge_sizes)->ArgNames({"coaches", "clients", "p"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_optimize, double)->Apply(optimize_sizes)->ArgNames({"coaches", "clients"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_optimize, float)->Apply(optimize_sizes)->ArgNames({"coaches", "clients"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_xy_vs_x)->ArgsProduct({{1, 0}, {1, 2, 3}})->ArgNames({"xy", "p"})->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
