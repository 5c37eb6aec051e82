#pragma once
/// @file
/// @brief StateVector<Real>: the 2^n complex amplitudes of an n-qubit pure state.
///
/// Qubit order: qubit q is bit q of the amplitude index (little-endian, as in qsim, Qulacs and
/// Qiskit). For n = 3, amplitude index 6 = 0b110 is the basis state with qubit 0 = 0,
/// qubit 1 = 1, qubit 2 = 1, written |q2 q1 q0> = |110>.

#include <algorithm>
#include <bit>
#include <vector>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach {

/// @brief Pure state of n qubits in 64-byte aligned storage, in precision Real (float or double).
template <precision Real>
class StateVector {
public:
    using real_type = Real;
    using complex_type = std::complex<Real>;

    /// @brief Bytes the amplitudes of an n-qubit state occupy (no allocation is made).
    static std::uint64_t required_bytes(qubit_t n) {
        check_qubit_count(n);
        return (std::uint64_t{1} << n) * sizeof(complex_type);
    }

    /// @brief |0...0> on n qubits. Throws memory_error, before allocating, when the state would
    /// exceed the memory limit (see set_memory_limit).
    explicit StateVector(qubit_t n) : n_(n) {
        allocate();
        fill_zero();
        data_[0] = complex_type(1);
    }

    /// @brief The basis state |z> on n qubits (bit q of z is qubit q).
    static StateVector basis(qubit_t n, index_t z) {
        StateVector s(n, uninitialized{});
        s.check_index(z);
        s.fill_zero();
        s.data_[z] = complex_type(1);
        return s;
    }

    /// @brief A state from user amplitudes: the length must be 2^n for some n >= 1 and the norm 1
    /// within `tolerance` (default: the precision's tolerance). Nothing is rescaled silently.
    template <class T>
    static StateVector from_amplitudes(std::span<const std::complex<T>> amps,
                                       double tolerance = precision_traits<Real>::norm_tolerance) {
        const std::size_t len = amps.size();
        if (len < 2 || (len & (len - 1)) != 0) {
            throw value_error("amplitude vector has length " + std::to_string(len) +
                              "; it must be 2^n for a number of qubits n >= 1");
        }
        const auto n = static_cast<qubit_t>(std::countr_zero(len));
        StateVector s(n, uninitialized{});
        double norm2 = 0.0;
        for (std::size_t i = 0; i < len; ++i) {
            const double re = static_cast<double>(amps[i].real());
            const double im = static_cast<double>(amps[i].imag());
            if (!std::isfinite(re) || !std::isfinite(im)) {
                throw value_error("amplitude " + std::to_string(i) + " is not finite");
            }
            norm2 += re * re + im * im;
            s.data_[i] = complex_type(static_cast<Real>(re), static_cast<Real>(im));
        }
        if (std::abs(std::sqrt(norm2) - 1.0) > tolerance) {
            throw value_error("amplitudes are not normalized: norm is " + std::to_string(std::sqrt(norm2)) +
                              ", expected 1 within " + std::to_string(tolerance));
        }
        return s;
    }

    template <class T, class Alloc>
    static StateVector from_amplitudes(const std::vector<std::complex<T>, Alloc>& amps,
                                       double tolerance = precision_traits<Real>::norm_tolerance) {
        return from_amplitudes(std::span<const std::complex<T>>(amps.data(), amps.size()), tolerance);
    }

    StateVector(const StateVector& other) : n_(other.n_) {
        allocate();
        std::memcpy(static_cast<void*>(data_.get()), other.data_.get(), size() * sizeof(complex_type));
    }
    StateVector& operator=(const StateVector& other) {
        if (this != &other) {
            StateVector tmp(other);
            *this = std::move(tmp);
        }
        return *this;
    }
    StateVector(StateVector&&) noexcept = default;
    StateVector& operator=(StateVector&&) noexcept = default;
    ~StateVector() = default;

    qubit_t num_qubits() const noexcept { return n_; }
    /// Number of amplitudes, 2^n.
    index_t size() const noexcept { return index_t{1} << n_; }

    complex_type* data() noexcept { return data_.get(); }
    const complex_type* data() const noexcept { return data_.get(); }
    std::span<complex_type> amplitudes() noexcept { return {data_.get(), size()}; }
    std::span<const complex_type> amplitudes() const noexcept { return {data_.get(), size()}; }

    /// Unchecked access to amplitude i.
    complex_type operator[](index_t i) const noexcept { return data_[i]; }
    complex_type& operator[](index_t i) noexcept { return data_[i]; }

    /// Checked access: throws index_error when i >= 2^n.
    complex_type amplitude(index_t i) const {
        check_index(i);
        return data_[i];
    }
    void set_amplitude(index_t i, complex_type a) {
        check_index(i);
        data_[i] = a;
    }

    /// @brief Reset to |0...0>.
    void set_zero_state() {
        fill_zero();
        data_[0] = complex_type(1);
    }

    /// @brief Reset to the basis state |z>.
    void set_basis_state(index_t z) {
        check_index(z);
        fill_zero();
        data_[z] = complex_type(1);
    }

    /// @brief Sum of |amplitude|^2, accumulated in double.
    double norm_squared(const exec_policy& pol = default_policy()) const {
        const index_t len = size();
        const complex_type* d = data_.get();
        double acc = 0.0;
        const int threads = pol.threads_for(len);
#pragma omp parallel for reduction(+ : acc) num_threads(threads) schedule(static) if (threads > 1)
        for (index_t i = 0; i < len; ++i) acc += static_cast<double>(std::norm(d[i]));
        return acc;
    }

    double norm(const exec_policy& pol = default_policy()) const { return std::sqrt(norm_squared(pol)); }

    /// @brief Divide by the norm. Throws value_error for the zero vector.
    void normalize(const exec_policy& pol = default_policy()) {
        const double nrm = norm(pol);
        if (!(nrm > 0.0) || !std::isfinite(nrm)) throw value_error("cannot normalize a state of norm " + std::to_string(nrm));
        const Real inv = static_cast<Real>(1.0 / nrm);
        const index_t len = size();
        complex_type* d = data_.get();
        const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t i = 0; i < len; ++i) d[i] *= inv;
    }

    /// @brief <this|other>, accumulated in double. Both states must have the same qubit count.
    std::complex<double> inner(const StateVector& other, const exec_policy& pol = default_policy()) const {
        if (other.n_ != n_) {
            throw value_error("inner product of states with " + std::to_string(n_) + " and " +
                              std::to_string(other.n_) + " qubits");
        }
        const index_t len = size();
        const complex_type* a = data_.get();
        const complex_type* b = other.data_.get();
        double re = 0.0, im = 0.0;
        const int threads = pol.threads_for(len);
#pragma omp parallel for reduction(+ : re, im) num_threads(threads) schedule(static) if (threads > 1)
        for (index_t i = 0; i < len; ++i) {
            const double ar = a[i].real(), ai = a[i].imag(), br = b[i].real(), bi = b[i].imag();
            re += ar * br + ai * bi;
            im += ar * bi - ai * br;
        }
        return {re, im};
    }

    /// @brief |<this|other>|^2 / (<this|this><other|other>): 1 for equal states up to a phase.
    double fidelity(const StateVector& other, const exec_policy& pol = default_policy()) const {
        const double denom = norm_squared(pol) * other.norm_squared(pol);
        if (!(denom > 0.0)) throw value_error("fidelity with a zero state is undefined");
        return std::norm(inner(other, pol)) / denom;
    }

private:
    struct uninitialized {};
    StateVector(qubit_t n, uninitialized) : n_(n) { allocate(); }

    struct aligned_deleter {
        void operator()(complex_type* p) const noexcept { ::operator delete(p, std::align_val_t{simd_alignment}); }
    };

    static void check_qubit_count(qubit_t n) {
        if (n < 1 || n > max_qubits) {
            throw value_error("number of qubits must be in [1, " + std::to_string(max_qubits) + "], got " +
                              std::to_string(n));
        }
    }

    void check_index(index_t i) const {
        if (i >= size()) {
            throw index_error("basis index " + std::to_string(i) + " out of range [0, " + std::to_string(size()) +
                              ") for " + std::to_string(n_) + " qubits");
        }
    }

    void allocate() {
        const std::uint64_t bytes = required_bytes(n_);
        check_memory(bytes, "a state of " + std::to_string(n_) + " qubits (" + precision_traits<Real>::name + ")");
        void* p = nullptr;
        try {
            p = ::operator new(bytes, std::align_val_t{simd_alignment});
        } catch (const std::bad_alloc&) {
            throw memory_error("allocation of " + format_bytes(bytes) + " for a state of " + std::to_string(n_) +
                               " qubits failed");
        }
        data_.reset(static_cast<complex_type*>(p));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        // Large states on 2 MiB pages where the kernel offers them only on request
        // (transparent_hugepage = madvise): gates and cache-blocked stages that touch many
        // pages at once then miss the TLB far less. Advice only; failure changes nothing.
        if (bytes >= (std::uint64_t{32} << 20)) {
            const auto addr = reinterpret_cast<std::uintptr_t>(p);
            const std::uintptr_t page = std::uintptr_t{2} << 20;
            const std::uintptr_t first = (addr + page - 1) & ~(page - 1);
            const std::uintptr_t last = (addr + bytes) & ~(page - 1);
            if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
        }
#endif
    }

    /// Zero in parallel: the first touch places pages near the threads that will use them.
    void fill_zero() {
        const index_t len = size();
        complex_type* d = data_.get();
        const exec_policy& pol = default_policy();
        const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t i = 0; i < len; ++i) d[i] = complex_type(0);
    }

    qubit_t n_ = 0;
    std::unique_ptr<complex_type[], aligned_deleter> data_;
};

using StateVectorF = StateVector<float>;
using StateVectorD = StateVector<double>;

} // namespace qcoach
