#pragma once
/// @file
/// @brief Scalar types and precision traits shared by every layer.

#include <complex>
#include <cstdint>
#include <type_traits>

namespace qcoach {

/// Index of an amplitude, a basis state or a variable assignment (bit q is qubit q).
using index_t = std::uint64_t;
/// Index of a qubit.
using qubit_t = unsigned;

/// Precisions the simulator supports: float and double (no long double paths).
template <class Real>
concept precision = std::is_same_v<Real, float> || std::is_same_v<Real, double>;

template <precision Real>
using complex = std::complex<Real>;

using complexf = std::complex<float>;
using complexd = std::complex<double>;

/// Tolerances that scale with the working precision.
template <precision Real>
struct precision_traits;

template <>
struct precision_traits<float> {
    /// Tolerance for "is this state normalized / this matrix unitary" checks.
    static constexpr double norm_tolerance = 1e-4;
    static constexpr const char* name = "float";
};

template <>
struct precision_traits<double> {
    static constexpr double norm_tolerance = 1e-10;
    static constexpr const char* name = "double";
};

/// Largest number of qubits any state may have: 2^n amplitudes must be indexable and the byte
/// count must fit in 64 bits (2^n * 16 B < 2^64).
inline constexpr qubit_t max_qubits = 50;

} // namespace qcoach
