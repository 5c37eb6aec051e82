#pragma once
/// @file
/// @brief Thread control: one small policy object (thread count, serial cutoff, kernel path).
///
/// Kernels take an execution policy. The library-wide default can be changed in code with
/// set_num_threads() / set_default_policy(); no environment variable is needed and none is
/// changed. OpenMP regions are never nested by the library.

#include <algorithm>
#include <atomic>
#include <cstdint>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "qcoach/core/error.hpp"
#include "qcoach/core/types.hpp"

namespace qcoach {

/// Which implementation of a kernel to run. `simd` is the default; `scalar` is the plain
/// reference loop that the tests compare against.
enum class kernel_path : std::uint8_t { simd, scalar };

/// @brief How a kernel may use the machine.
struct exec_policy {
    /// Number of OpenMP threads; 0 means "all the OpenMP runtime offers".
    int threads = 0;
    /// Work items (amplitudes) below which a kernel stays serial: thread start-up costs more
    /// than it saves on small states. 2^14 amplitudes (256 KiB in double) by default.
    index_t serial_cutoff = index_t{1} << 14;
    kernel_path path = kernel_path::simd;

    /// @brief Threads to use for `work` items: 1 below the cutoff, else the configured count.
    int threads_for(index_t work) const noexcept {
        if (work < serial_cutoff) return 1;
        return std::max(1, resolved_threads());
    }

    int resolved_threads() const noexcept {
        if (threads > 0) return threads;
#if defined(_OPENMP)
        return omp_get_max_threads();
#else
        return 1;
#endif
    }
};

namespace detail {
inline exec_policy& default_policy_storage() noexcept {
    static exec_policy policy{};
    return policy;
}
} // namespace detail

/// @brief The library-wide default policy used when a call does not pass one.
inline const exec_policy& default_policy() noexcept { return detail::default_policy_storage(); }

/// @brief Replace the library-wide default policy (not thread-safe against running kernels).
inline void set_default_policy(const exec_policy& p) {
    if (p.threads < 0) throw value_error("thread count must be >= 0 (0 = all available), got " + std::to_string(p.threads));
    detail::default_policy_storage() = p;
}

/// @brief Set the default thread count (0 = all the OpenMP runtime offers).
inline void set_num_threads(int threads) {
    exec_policy p = default_policy();
    p.threads = threads;
    set_default_policy(p);
}

/// @brief Threads the OpenMP runtime offers (1 when built without OpenMP).
inline int available_threads() noexcept {
#if defined(_OPENMP)
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/// @brief Split [0, count) into one contiguous range per thread, in thread order, and call
/// fn(begin, end, thread) for each range inside one OpenMP region of `threads` threads; with
/// threads <= 1 or count <= 1, call fn(0, count, 0) without entering the OpenMP runtime. Every
/// item goes through the same fn whichever thread runs it, so results do not depend on the
/// thread count when fn's work per item does not.
template <class F>
void parallel_ranges(int threads, index_t count, const F& fn) {
    if (threads <= 1 || count <= 1) {
        fn(index_t{0}, count, index_t{0});
        return;
    }
#pragma omp parallel num_threads(threads)
    {
#if defined(_OPENMP)
        const auto nt = static_cast<index_t>(omp_get_num_threads());
        const auto id = static_cast<index_t>(omp_get_thread_num());
#else
        const index_t nt = 1, id = 0;
#endif
        fn(count * id / nt, count * (id + 1) / nt, id);
    }
}

} // namespace qcoach
