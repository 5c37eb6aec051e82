#pragma once
// Execution policies for the reproducibility checks of the kernel tests.

#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach::test {

/// A policy with the given thread count, serial cutoff and kernel path.
inline exec_policy policy(int threads, index_t cutoff, kernel_path path = kernel_path::simd) {
    exec_policy p;
    p.threads = threads;
    p.serial_cutoff = cutoff;
    p.path = path;
    return p;
}

} // namespace qcoach::test
