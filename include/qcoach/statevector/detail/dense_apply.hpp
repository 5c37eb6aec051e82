#pragma once
/// @file
/// @brief Choice of kernel for a dense gate: planar SIMD, interleaved SIMD or scalar.

#include <complex>

#include "qcoach/core/parallel.hpp"
#include "qcoach/statevector/detail/kernel_dense.hpp"
#include "qcoach/statevector/detail/kernel_dense_planar.hpp"
#include "qcoach/statevector/detail/kernel_scalar.hpp"

namespace qcoach::detail {

/// Dense gate through the fastest SIMD kernel the layout allows, else the scalar kernel.
template <class Real>
void dense_apply(std::complex<Real>* psi, qubit_t n, const gate_layout& lay, const std::complex<double>* m,
                 const exec_policy& pol) {
#if QCOACH_HAS_SIMD
    if (pol.path == kernel_path::simd) {
        const dense_plan<Real> plan = make_dense_plan<Real>(n, lay, m);
        if (plan.usable && plan.high_count <= max_dense_qubits) {
            const unsigned planar_min = kernel_tuning_storage().planar_min_high;
            if (planar_min != 0 && plan.high_count >= planar_min && planar_applicable(plan, n)) {
                dense_planar_dispatch<Real>(psi, n, plan, pol);
            } else {
                dense_simd_dispatch<Real>(psi, n, plan, pol);
            }
            return;
        }
    }
#endif
    dense_scalar(psi, n, lay, m, pol);
}

// The dense kernels are most of what a program that applies gates compiles (one body per count
// of register-pair targets and in-register target set: about 40 s of a 45 s translation unit
// at -O2 with AVX-512). A program of many translation units can compile them once: define
// QCOACH_EXTERN_DENSE_KERNELS where qcoach is included, and in one translation unit (compiled
// with the same target flags, without the macro) write
//     namespace qcoach::detail { QCOACH_DENSE_KERNEL_ENTRIES(template) }
// The entries are dense_apply and the two dispatchers, which the circuit runner calls directly.
// The project's tests and examples do this (cmake/dense_kernels.cpp).
#if QCOACH_HAS_SIMD
#define QCOACH_DENSE_KERNEL_SIMD_ENTRIES(KIND)                                                                               \
    KIND void dense_simd_dispatch<float, 0>(std::complex<float>*, qubit_t, const dense_plan<float>&, const exec_policy&);     \
    KIND void dense_simd_dispatch<double, 0>(std::complex<double>*, qubit_t, const dense_plan<double>&, const exec_policy&);  \
    KIND void dense_planar_dispatch<float, 1>(std::complex<float>*, qubit_t, const dense_plan<float>&, const exec_policy&);   \
    KIND void dense_planar_dispatch<double, 1>(std::complex<double>*, qubit_t, const dense_plan<double>&, const exec_policy&);
#else
#define QCOACH_DENSE_KERNEL_SIMD_ENTRIES(KIND)
#endif
#define QCOACH_DENSE_KERNEL_ENTRIES(KIND)                                                                                    \
    KIND void dense_apply<float>(std::complex<float>*, qubit_t, const gate_layout&, const std::complex<double>*,             \
                                 const exec_policy&);                                                                      \
    KIND void dense_apply<double>(std::complex<double>*, qubit_t, const gate_layout&, const std::complex<double>*,           \
                                  const exec_policy&);                                                                     \
    QCOACH_DENSE_KERNEL_SIMD_ENTRIES(KIND)

#ifdef QCOACH_EXTERN_DENSE_KERNELS
QCOACH_DENSE_KERNEL_ENTRIES(extern template)
#endif

} // namespace qcoach::detail
