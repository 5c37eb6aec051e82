#pragma once
/// @file
/// @brief Scalar reference kernels: plain loops over std::complex, computed in double.
/// They define what every SIMD kernel must produce; the tests run both and compare.

#include <algorithm>
#include <cmath>
#include <complex>
#include <span>
#include <vector>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/small_vector.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach::detail {

/// Everything a kernel needs to know about where a gate acts.
struct gate_layout {
    small_vector<qubit_t, 8> targets;      ///< matrix bit order
    small_vector<qubit_t, 8> controls;     ///< any order
    small_vector<std::uint8_t, 8> values;  ///< control values, one per control
    index_t control_mask = 0;           ///< bits of all controls
    index_t control_value = 0;          ///< required values of those bits

    gate_layout(std::span<const qubit_t> t, std::span<const qubit_t> c, std::span<const std::uint8_t> v)
        : targets(t.begin(), t.end()), controls(c.begin(), c.end()), values(v.begin(), v.end()) {
        for (std::size_t j = 0; j < controls.size(); ++j) {
            control_mask |= index_t{1} << controls[j];
            if (values[j]) control_value |= index_t{1} << controls[j];
        }
    }

    /// Targets and controls, ascending: the positions where group indices get zero bits.
    small_vector<qubit_t, 16> sorted_all() const {
        small_vector<qubit_t, 16> all(controls.begin(), controls.end());
        all.insert(all.end(), targets.begin(), targets.end());
        std::sort(all.begin(), all.end());
        return all;
    }
};

/// Dense 2^k x 2^k matrix `m` (row-major, complex<double>) on `lay.targets`, where the controls
/// hold their values. Each group is one assignment of the untouched qubits: gather the 2^k
/// amplitudes it couples, multiply, scatter back.
template <class Real>
void dense_scalar(std::complex<Real>* psi, qubit_t n, const gate_layout& lay, const std::complex<double>* m,
                  const exec_policy& pol) {
    const std::size_t k = lay.targets.size();
    const std::size_t dim = std::size_t{1} << k;
    const small_vector<qubit_t, 16> sorted = lay.sorted_all();
    std::vector<index_t> offsets(dim);
    for (std::size_t j = 0; j < dim; ++j) offsets[j] = bits::scatter_bits(j, lay.targets);
    const index_t groups = index_t{1} << (n - sorted.size());
    const int threads = pol.threads_for(index_t{1} << n);
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        std::vector<std::complex<double>> in(dim);
#pragma omp for schedule(static)
        for (index_t g = 0; g < groups; ++g) {
            const index_t base = bits::insert_zero_bits(g, sorted) | lay.control_value;
            for (std::size_t j = 0; j < dim; ++j) in[j] = std::complex<double>(psi[base + offsets[j]]);
            for (std::size_t r = 0; r < dim; ++r) {
                std::complex<double> acc = 0;
                for (std::size_t c = 0; c < dim; ++c) acc += m[r * dim + c] * in[c];
                psi[base + offsets[r]] = std::complex<Real>(acc);
            }
        }
    }
}

/// Diagonal `d` (2^k entries) on `lay.targets` where the controls hold their values.
template <class Real>
void diagonal_scalar(std::complex<Real>* psi, qubit_t n, const gate_layout& lay, const std::complex<double>* d,
                     const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t i = 0; i < len; ++i) {
        if ((i & lay.control_mask) != lay.control_value) continue;
        const index_t sub = bits::gather_bits(i, lay.targets);
        psi[i] = std::complex<Real>(d[sub] * std::complex<double>(psi[i]));
    }
}

/// psi[z] <- exp(-i theta E[z]) psi[z].
template <class Real, class E>
void phase_scalar(std::complex<Real>* psi, qubit_t n, const E* energies, double theta, const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t i = 0; i < len; ++i) {
        const double phi = -theta * static_cast<double>(energies[i]);
        psi[i] = std::complex<Real>(std::polar(1.0, phi) * std::complex<double>(psi[i]));
    }
}

} // namespace qcoach::detail
