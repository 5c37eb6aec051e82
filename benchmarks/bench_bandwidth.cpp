// The machine's own limits, measured in the same run as the kernels:
//  - inplace: x[i] <- a * x[i] over a 1 GiB array, counting the read and the write (2 GiB per
//    sweep). This is exactly the memory traffic of a gate on a large state, so a kernel's
//    bytes_per_second divided by this one is the fraction of the attainable floor it reaches.
//  - triad: STREAM's a[i] = b[i] + s * c[i] over three 256 MiB arrays (3 x 256 MiB counted),
//    for information.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/parallel.hpp"

namespace {

constexpr std::size_t inplace_doubles = std::size_t{1} << 27; // 1 GiB
constexpr std::size_t triad_doubles = std::size_t{1} << 25;   // 256 MiB each

double* inplace_array() {
    static qcoach::aligned_vector<double> x = [] {
        qcoach::aligned_vector<double> v(inplace_doubles);
#pragma omp parallel for num_threads(2) schedule(static)
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = 1.0 + static_cast<double>(i % 7) * 0.125;
        return v;
    }();
    return x.data();
}

void inplace(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    double* x = inplace_array();
    // Alternate a and 1/a so the values stay bounded over any number of sweeps.
    double a = 1.0000001;
    for (auto _ : state) {
#pragma omp parallel for num_threads(threads) schedule(static)
        for (std::size_t i = 0; i < inplace_doubles; ++i) x[i] *= a;
        a = 1.0 / a;
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * static_cast<std::int64_t>(inplace_doubles * sizeof(double)));
}
BENCHMARK(inplace)->Name("inplace/double")->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void triad(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    static qcoach::aligned_vector<double> a(triad_doubles, 0.0), b(triad_doubles, 1.0), c(triad_doubles, 2.0);
    const double s = 0.5;
    for (auto _ : state) {
        double* pa = a.data();
        const double* pb = b.data();
        const double* pc = c.data();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (std::size_t i = 0; i < triad_doubles; ++i) pa[i] = pb[i] + s * pc[i];
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 3 * static_cast<std::int64_t>(triad_doubles * sizeof(double)));
}
BENCHMARK(triad)->Name("triad/double")->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace
