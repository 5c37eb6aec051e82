// Sampling 10^5 shots and a Pauli-string expectation on large states. Both read the state
// without writing it; bytes_per_second still counts 2 x sizeof(amplitude) x 2^n, as for gates,
// so the fractions of the in-place reference can be compared directly (a read-only pass may
// exceed 1).

#include <string>

#include "common.hpp"

namespace {

using namespace qcoach;

const std::vector<qubit_t> sizes{12, 16, 20, 24, 26};

template <class Real>
void run_sample(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const exec_policy pol = bench::threads_policy(static_cast<int>(state.range(2)));
    const StateVector<Real>& psi = bench::shared_state<Real>(n);
    std::uint64_t seed = 1;
    for (auto _ : state) {
        auto s = sample(psi, 100000, seed++, pol);
        benchmark::DoNotOptimize(s.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bench::sweep_bytes<Real>(n));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100000);
}

template <class Real>
void run_expect(benchmark::State& state) {
    const auto n = static_cast<qubit_t>(state.range(0));
    const exec_policy pol = bench::threads_policy(static_cast<int>(state.range(2)));
    const StateVector<Real>& psi = bench::shared_state<Real>(n);
    // X and Y on a low, a middle and the top qubit, Z elsewhere: flips and signs at every level.
    const PauliString p = PauliString::parse("X0 Z3 Y" + std::to_string(n / 2) + " Z" + std::to_string(n - 2) + " X" +
                                             std::to_string(n - 1));
    for (auto _ : state) {
        auto v = expectation(psi, p, pol);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bench::sweep_bytes<Real>(n));
}

template <class Real>
void register_all() {
    const std::string prec = bench::precision_name<Real>();
    auto* s = benchmark::RegisterBenchmark(("sample/" + prec).c_str(), [](benchmark::State& st) { run_sample<Real>(st); });
    auto* e = benchmark::RegisterBenchmark(("expect_pauli/" + prec).c_str(), [](benchmark::State& st) { run_expect<Real>(st); });
    for (auto* b : {s, e}) {
        b->ArgNames({"n", "target", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);
        for (qubit_t n : sizes)
            for (int th : {1, 2}) b->Args({n, 0, th});
    }
}

const int registered = [] {
    register_all<float>();
    register_all<double>();
    return 0;
}();

} // namespace
