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

} // namespace qcoach::detail
