// QAOA on MaxCut of a random 3-regular graph (seed 1), p = 5, gamma = 0.4 and beta = 0.3 in every
// layer, float and double, 2 threads:
//  - qaoa_energy: one evaluation of <C> by Qaoa::expectation (p + 1 passes: each pass after
//    the first carries the rotations of two layers; the energy is summed in the last pass).
//    half:1 is the default run, which keeps half of the state (MaxCut is flip-symmetric, see
//    qaoa.hpp); half:0 switches that off and runs the same passes on the full state;
//  - qaoa_plain: the plain loop for comparison: one phase pass per layer, then n separate RX
//    gate passes, then one pass for <C>;
//  - qaoa_gradient: energy and full adjoint gradient (p = 10 at n = 20), reported as a ratio to
//    one energy evaluation measured in the same benchmark, both on half states (half:1) or
//    both on full states (half:0);
//  - rx_in_cache: the mixer kernel on a buffer that stays in L2, in ns per amplitude and gate,
//    in the exact form (c = cos beta, s = sin beta) and the unit form (c = 1, s = tan beta).
// "sweeps" divides the wall time by an in-place sweep x[i] <- a x[i] over the same bytes,
// measured right before each run (as bench_fusion does); the executable also carries the
// inplace/double/threads:2 reference of bench_bandwidth.cpp.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "common.hpp"
#include "qcoach/variational/maxcut.hpp"
#include "qcoach/variational/qaoa.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::variational;

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

/// An in-place sweep over `bytes` of memory starting at p (read and write every byte once).
double inplace_seconds(void* p, std::size_t bytes, int threads) {
    auto* x = static_cast<double*>(p);
    const std::size_t len = bytes / sizeof(double);
    static double a = 1.0000001;
    const auto t0 = clock_type::now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t i = 0; i < len; ++i) x[i] *= a;
    a = 1.0 / a;
    return seconds_since(t0);
}

std::shared_ptr<const CostTable> maxcut_table(qubit_t n) {
    static std::map<qubit_t, std::shared_ptr<const CostTable>> cache;
    auto& t = cache[n];
    if (!t) t = std::make_shared<const CostTable>(maxcut_cost_table(random_regular_maxcut(n, 3, 1), bench::threads_policy(2)));
    return t;
}

constexpr int threads = 2;

template <class Real>
void qaoa_energy(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const std::size_t p = static_cast<std::size_t>(state.range(1));
    Qaoa<Real> qa(maxcut_table(n), x_mixer{}, bench::threads_policy(threads));
    qa.set_flip_symmetry(state.range(2) != 0);
    const std::vector<double> g(p, 0.4), b(p, 0.3);
    double e = qa.expectation(g, b); // allocates the work state
    StateVector<Real>& ref = bench::shared_state<Real>(n);
    double sweep = 0, total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        sweep += inplace_seconds(ref.data(), ref.size() * sizeof(std::complex<Real>), threads);
        state.ResumeTiming();
        const auto t0 = clock_type::now();
        e = qa.expectation(g, b);
        total += seconds_since(t0);
        benchmark::DoNotOptimize(e);
    }
    state.counters["energy"] = e;
    state.counters["half"] = qa.uses_flip_symmetry() ? 1 : 0;
    // Passes over the state the run keeps (half of it with the flip symmetry); "sweeps" is
    // against a sweep of the full state either way.
    const double passes = qa.run_layout().high() > 0 ? static_cast<double>(p + 1) : static_cast<double>(p);
    state.counters["passes"] = passes;
    state.counters["passes_per_layer"] = passes / static_cast<double>(p);
    state.counters["sweeps"] = total / sweep;
    state.counters["sweeps_per_layer"] = total / sweep / static_cast<double>(p);
}

template <class Real>
void qaoa_plain(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const std::size_t p = static_cast<std::size_t>(state.range(1));
    const exec_policy pol = bench::threads_policy(threads);
    auto table = maxcut_table(n);
    std::vector<Real> e(table->size());
    for (index_t z = 0; z < table->size(); ++z) e[z] = static_cast<Real>((*table)[z]);
    StateVector<Real>& psi = bench::shared_state<Real>(n);
    double energy = 0, sweep = 0, total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        sweep += inplace_seconds(psi.data(), psi.size() * sizeof(std::complex<Real>), threads);
        state.ResumeTiming();
        const auto t0 = clock_type::now();
        const Real amp = static_cast<Real>(std::sqrt(std::ldexp(1.0, -static_cast<int>(n))));
        std::fill(psi.data(), psi.data() + psi.size(), std::complex<Real>(amp));
        for (std::size_t l = 0; l < p; ++l) {
            apply_phase(psi, std::span<const Real>(e), 0.4, pol);
            for (qubit_t q = 0; q < n; ++q) apply(psi, gates::rx(q, 0.6), pol);
        }
        double s = 0;
        const std::complex<Real>* d = psi.data();
        const index_t len = psi.size();
#pragma omp parallel for reduction(+ : s) num_threads(threads)
        for (index_t z = 0; z < len; ++z) s += static_cast<double>(std::norm(d[z])) * static_cast<double>(e[z]);
        energy = s;
        total += seconds_since(t0);
    }
    state.counters["energy"] = energy;
    state.counters["sweeps"] = total / sweep;
}

void qaoa_gradient(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const std::size_t p = static_cast<std::size_t>(state.range(1));
    Qaoa<double> qa(maxcut_table(n), x_mixer{}, bench::threads_policy(threads));
    qa.set_flip_symmetry(state.range(2) != 0);
    std::vector<double> g(p), b(p), dg(p), db(p);
    for (std::size_t l = 0; l < p; ++l) {
        g[l] = 0.1 + 0.3 * static_cast<double>(l) / static_cast<double>(p);
        b[l] = 0.4 - 0.3 * static_cast<double>(l) / static_cast<double>(p);
    }
    double e = qa.gradient(g, b, dg, db); // allocates the checkpoints
    e = qa.expectation(g, b);
    double t_energy = 0, t_grad = 0;
    for (auto _ : state) {
        auto t0 = clock_type::now();
        e = qa.expectation(g, b);
        t_energy += seconds_since(t0);
        t0 = clock_type::now();
        e = qa.gradient(g, b, dg, db);
        t_grad += seconds_since(t0);
        benchmark::DoNotOptimize(e);
    }
    state.counters["energy_s"] = t_energy / static_cast<double>(state.iterations());
    state.counters["gradient_s"] = t_grad / static_cast<double>(state.iterations());
    state.counters["ratio"] = t_grad / t_energy;
    state.counters["half"] = qa.uses_flip_symmetry() ? 1 : 0;
}

/// The mixer alone on a 2^m buffer (L2-resident): ns per amplitude and gate.
template <class Real, bool Unit>
void rx_in_cache(benchmark::State& state) {
    const auto m = static_cast<unsigned>(state.range(0));
    aligned_vector<std::complex<Real>> buf(std::size_t{1} << m, std::complex<Real>(Real(0.01)));
    const Real c = Unit ? Real(1) : static_cast<Real>(std::cos(0.3));
    const Real s = static_cast<Real>(Unit ? std::tan(0.3) : std::sin(0.3));
    // The unit form grows the norm by 1/cos(0.3) per gate: refill the buffer now and then
    // (outside the timing) so that the values stay finite.
    int runs = 0;
    for (auto _ : state) {
        variational::detail::rx_range(buf.data(), m, 0, m, c, s, true);
        benchmark::ClobberMemory();
        if (Unit && ++runs == 64) {
            state.PauseTiming();
            std::fill(buf.begin(), buf.end(), std::complex<Real>(Real(0.01)));
            runs = 0;
            state.ResumeTiming();
        }
    }
    const double gates_amps = static_cast<double>(state.iterations()) * m * static_cast<double>(buf.size());
    state.counters["ns_per_amp_gate"] = benchmark::Counter(gates_amps * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

const int registered = [] {
    for (auto* b : {benchmark::RegisterBenchmark("qaoa_energy/float", qaoa_energy<float>),
                    benchmark::RegisterBenchmark("qaoa_energy/double", qaoa_energy<double>)}) {
        b->ArgNames({"n", "p", "half"})->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(5);
        for (int n : {20, 24})
            for (int half : {1, 0}) b->Args({n, 5, half});
    }
    for (auto* b : {benchmark::RegisterBenchmark("qaoa_plain/float", qaoa_plain<float>),
                    benchmark::RegisterBenchmark("qaoa_plain/double", qaoa_plain<double>)}) {
        b->ArgNames({"n", "p"})->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(5);
        for (int n : {20, 24}) b->Args({n, 5});
    }
    benchmark::RegisterBenchmark("qaoa_gradient/double", qaoa_gradient)
        ->ArgNames({"n", "p", "half"})
        ->Args({20, 10, 1})
        ->Args({20, 10, 0})
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(5);
    for (auto* b : {benchmark::RegisterBenchmark("rx_in_cache/float", rx_in_cache<float, false>),
                    benchmark::RegisterBenchmark("rx_in_cache/double", rx_in_cache<double, false>),
                    benchmark::RegisterBenchmark("rx_in_cache_unit/float", rx_in_cache<float, true>),
                    benchmark::RegisterBenchmark("rx_in_cache_unit/double", rx_in_cache<double, true>)})
        b->ArgName("log2_amps")->Arg(10)->Arg(14)->Unit(benchmark::kMicrosecond);
    return 0;
}();

} // namespace
