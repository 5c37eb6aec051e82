// Exact enumeration: states per second (items_per_second) of ExactSolver at n = 24, 28, 30 with
// 1 and 2 threads, for the float kernel (default), the double kernel and the scalar reference.
//
// Model: a dense binary model with real coefficients in [-5, 5) (every pair coupled), so no
// structure helps the enumeration; fixed seed. The solver keeps its default lists (16 lowest,
// 64 ground states).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>

#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/solvers/exact.hpp"

namespace {

using namespace qcoach;
using namespace qcoach::qubo;

const BinaryQuadraticModel& dense_model(std::size_t n) {
    static std::map<std::size_t, BinaryQuadraticModel> cache;
    auto it = cache.find(n);
    if (it == cache.end()) {
        Rng rng(n);
        BinaryQuadraticModel m(vartype::binary, n);
        for (var_t i = 0; i < n; ++i) {
            m.set_linear(i, 10.0 * rng.uniform() - 5.0);
            for (var_t j = i + 1; j < n; ++j) m.set_quadratic(i, j, 10.0 * rng.uniform() - 5.0);
        }
        it = cache.emplace(n, std::move(m)).first;
    }
    return it->second;
}

void run(benchmark::State& state, exact_kernel kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const auto& model = dense_model(n);
    exact_options eo;
    eo.kernel = kernel;
    const ExactSolver solver(eo);
    solver_options o;
    o.threads = threads;
    for (auto _ : state) {
        const auto sol = solver.enumerate(model, o);
        benchmark::DoNotOptimize(sol.ground_energy);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * (std::int64_t{1} << n));
    state.counters["threads"] = threads;
    // Per-thread rate, the figure the targets are stated in.
    state.counters["states_per_s_per_thread"] = benchmark::Counter(
        static_cast<double>(std::int64_t{1} << n) / threads, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_exact_float(benchmark::State& state) { run(state, exact_kernel::simd_float); }
void BM_exact_double(benchmark::State& state) { run(state, exact_kernel::simd_double); }
void BM_exact_scalar(benchmark::State& state) { run(state, exact_kernel::scalar); }

} // namespace

BENCHMARK(BM_exact_float)->ArgsProduct({{24, 28, 30}, {1, 2}})->ArgNames({"n", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_exact_double)->ArgsProduct({{24, 28}, {1, 2}})->ArgNames({"n", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_exact_scalar)->ArgsProduct({{24}, {1, 2}})->ArgNames({"n", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
