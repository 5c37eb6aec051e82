// The brick circuit of the fusion target: 10 layers of RX and RY on every qubit followed by CZ
// on alternating pairs ((0,1),(2,3),... in even layers, (1,2),(3,4),... in odd ones); 595 gates
// at n = 24. Reported per run: wall time, fused blocks, stages, and the time in in-place sweeps
// of the same state (x[i] <- a x[i], measured in the same benchmark right before each circuit
// run).
//
// Modes (argument "mode"):
//   0 unfused: one pass per gate
//   1 fused:   greedy dense blocks of <= k qubits, one pass per block (cache_blocking off)
//   2 blocked: cache-blocked stages, every stage fused with blocks of exactly <= k qubits
//   3 default: fusion_options{} as shipped (cache-blocked, block size chosen per stage)
// Run with --benchmark_repetitions=5 (as docs/performance.md does) and read the medians.

#include <algorithm>
#include <array>
#include <chrono>

#include "common.hpp"
#include "qcoach/circuit/circuit.hpp"

namespace {

using namespace qcoach;

Circuit brick(qubit_t n) {
    Circuit c(n);
    for (int layer = 0; layer < 10; ++layer) {
        for (qubit_t q = 0; q < n; ++q) c.rx(q, 0.1 + 0.01 * q + 0.1 * layer).ry(q, 0.2 - 0.01 * q);
        for (qubit_t q = layer % 2; q + 1 < n; q += 2) c.cz(q, q + 1);
    }
    return c;
}

/// Median of five in-place sweeps (one sweep of a 2^20 state takes well under a millisecond,
/// too short to time alone on a shared machine).
double inplace_seconds(StateVector<double>& psi, int threads) {
    auto* x = reinterpret_cast<double*>(psi.data());
    const std::size_t len = 2 * psi.size();
    static double a = 1.0000001;
    std::array<double, 5> t{};
    for (double& ti : t) {
        const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (std::size_t i = 0; i < len; ++i) x[i] *= a;
        a = 1.0 / a;
        ti = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    std::sort(t.begin(), t.end());
    return t[2];
}

void run_brick(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const auto mode = state.range(1);
    const auto k = static_cast<unsigned>(state.range(2));
    const int threads = 2;
    const exec_policy pol = bench::threads_policy(threads);
    StateVector<double>& psi = bench::shared_state<double>(n);
    const Circuit c = brick(n);
    fusion_options opt;
    if (mode == 1 || mode == 2) opt.max_qubits = k;
    opt.cache_blocking = mode != 1;
    opt.choose_block_size = mode == 3;
    const FusedCircuit fc = fuse(c, {}, opt);
    run_options ro;
    ro.policy = pol;
    double sweep_total = 0, circuit_total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        sweep_total += inplace_seconds(psi, threads);
        state.ResumeTiming();
        const auto t0 = std::chrono::steady_clock::now();
        if (mode == 0) run(c, psi, std::span<const double>{}, ro);
        else run(fc, psi, ro);
        circuit_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    state.counters["gates"] = static_cast<double>(c.size());
    state.counters["blocks"] = static_cast<double>(mode == 0 ? c.size() : fc.blocks_out);
    state.counters["stages"] = static_cast<double>(mode == 0 ? 0 : fc.stages);
    state.counters["sweeps"] = circuit_total / sweep_total;
}

const int registered = [] {
    auto* b = benchmark::RegisterBenchmark("brick/double", run_brick);
    b->ArgNames({"n", "mode", "k"})->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
    for (qubit_t n : {20, 24, 26}) {
        b->Args({n, 0, 0});
        for (int k : {2, 3, 4, 5}) b->Args({n, 1, k});
        for (int k : {1, 2, 3, 4, 5}) b->Args({n, 2, k});
        b->Args({n, 3, 0});
    }
    return 0;
}();

} // namespace
