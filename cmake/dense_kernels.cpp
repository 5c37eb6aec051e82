// The dense gate kernels of both precisions, compiled once for all of the project's tests and
// examples, which include qcoach with QCOACH_EXTERN_DENSE_KERNELS defined
// (qcoach/statevector/detail/dense_apply.hpp).
#include "qcoach/statevector/detail/dense_apply.hpp"

template void qcoach::detail::dense_apply<float>(std::complex<float>*, qcoach::qubit_t, const qcoach::detail::gate_layout&,
                                                 const std::complex<double>*, const qcoach::exec_policy&);
template void qcoach::detail::dense_apply<double>(std::complex<double>*, qcoach::qubit_t, const qcoach::detail::gate_layout&,
                                                  const std::complex<double>*, const qcoach::exec_policy&);
#if QCOACH_HAS_SIMD
template void qcoach::detail::dense_simd_dispatch<float, 0>(std::complex<float>*, qcoach::qubit_t,
                                                            const qcoach::detail::dense_plan<float>&, const qcoach::exec_policy&);
template void qcoach::detail::dense_simd_dispatch<double, 0>(std::complex<double>*, qcoach::qubit_t,
                                                             const qcoach::detail::dense_plan<double>&, const qcoach::exec_policy&);
template void qcoach::detail::dense_planar_dispatch<float, 1>(std::complex<float>*, qcoach::qubit_t,
                                                              const qcoach::detail::dense_plan<float>&, const qcoach::exec_policy&);
template void qcoach::detail::dense_planar_dispatch<double, 1>(std::complex<double>*, qcoach::qubit_t,
                                                               const qcoach::detail::dense_plan<double>&, const qcoach::exec_policy&);
#endif
