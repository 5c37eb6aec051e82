// The dense gate kernels of both precisions, compiled once for all of the project's tests and
// examples, which include qcoach with QCOACH_EXTERN_DENSE_KERNELS defined
// (qcoach/statevector/detail/dense_apply.hpp).
#include "qcoach/statevector/detail/dense_apply.hpp"

namespace qcoach::detail {
QCOACH_DENSE_KERNEL_ENTRIES(template)
} // namespace qcoach::detail
