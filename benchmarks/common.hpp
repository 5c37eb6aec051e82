#pragma once
// Shared pieces of the benchmark executables: a cache of states (so a 1 GiB state is
// allocated once per run, not once per benchmark), thread policies and the in-place sweep that
// is the bandwidth reference every kernel is compared with.

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "qcoach/statevector/statevector.hpp"

namespace qcoach::bench {

/// A state of n qubits in a random-looking but fixed, normalized configuration, shared by every
/// benchmark of the same precision and size. Gates are unitary, so repeated application keeps it
/// normalized and free of denormals.
template <class Real>
StateVector<Real>& shared_state(qubit_t n) {
    static std::map<qubit_t, std::unique_ptr<StateVector<Real>>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<StateVector<Real>>(n);
        exec_policy pol;
        pol.threads = 2;
        for (qubit_t q = 0; q < n; ++q) apply(*slot, gates::u3(q, 0.3 + 0.1 * q, 0.2, -0.4), pol);
    }
    return *slot;
}

/// Policy with a fixed thread count; the serial cutoff is left at the library default.
inline exec_policy threads_policy(int threads) {
    exec_policy pol = default_policy();
    pol.threads = threads;
    return pol;
}

/// Bytes a gate moves: every amplitude read once and written once.
template <class Real>
constexpr std::int64_t sweep_bytes(qubit_t n) {
    return 2 * static_cast<std::int64_t>(sizeof(std::complex<Real>)) * (std::int64_t{1} << n);
}

template <class Real>
constexpr const char* precision_name() {
    return std::is_same_v<Real, float> ? "float" : "double";
}

} // namespace qcoach::bench
