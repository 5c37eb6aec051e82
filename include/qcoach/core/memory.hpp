#pragma once
/// @file
/// @brief Memory limits: big allocations are checked against a configurable limit before they
/// are made, so a too-large request gets a clear error instead of an out-of-memory kill.

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include <unistd.h>

#include "qcoach/core/error.hpp"

namespace qcoach {

namespace detail {

inline std::optional<std::uint64_t> read_meminfo_available() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t value = 0;
    std::string unit;
    while (in >> key >> value) {
        std::getline(in, unit);
        if (key == "MemAvailable:") return value * 1024;
    }
    return std::nullopt;
}

/// cgroup v2 limit minus usage, when the process runs in a memory-limited container.
inline std::optional<std::uint64_t> read_cgroup_headroom() {
    std::ifstream max_in("/sys/fs/cgroup/memory.max");
    std::ifstream cur_in("/sys/fs/cgroup/memory.current");
    std::string max_s;
    std::uint64_t current = 0;
    if (!(max_in >> max_s) || max_s == "max" || !(cur_in >> current)) return std::nullopt;
    std::uint64_t max_v = 0;
    try {
        max_v = std::stoull(max_s);
    } catch (...) {
        return std::nullopt;
    }
    return max_v > current ? max_v - current : 0;
}

inline std::uint64_t& memory_limit_storage() noexcept {
    static std::uint64_t limit = 0; // 0: use what the machine has available
    return limit;
}

} // namespace detail

/// @brief Bytes of memory the machine (or the container it runs in) can still hand out.
inline std::uint64_t available_memory() {
    std::uint64_t avail = 0;
    if (auto m = detail::read_meminfo_available()) {
        avail = *m;
    } else {
        const long pages = ::sysconf(_SC_AVPHYS_PAGES);
        const long page_size = ::sysconf(_SC_PAGESIZE);
        avail = (pages > 0 && page_size > 0) ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
                                             : std::numeric_limits<std::uint64_t>::max();
    }
    if (auto c = detail::read_cgroup_headroom()) avail = std::min(avail, *c);
    return avail;
}

/// @brief Set the largest single allocation (bytes) that qcoach will attempt for a state or a
/// table. 0 restores the default: the memory available when the allocation is requested.
inline void set_memory_limit(std::uint64_t bytes) noexcept { detail::memory_limit_storage() = bytes; }

/// @brief The limit in force now (bytes): the configured one, or else the available memory.
inline std::uint64_t memory_limit() {
    const std::uint64_t l = detail::memory_limit_storage();
    return l != 0 ? l : available_memory();
}

/// @brief Human-readable byte count ("1.5 GiB").
inline std::string format_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 6) {
        v /= 1024.0;
        ++u;
    }
    std::ostringstream os;
    os.precision(u == 0 ? 0 : 3);
    os << std::fixed << v << ' ' << units[u];
    std::string s = os.str();
    return s;
}

/// Requests below this size are not compared with the available memory when no limit was set:
/// finding the available memory means reading /proc/meminfo (~20 us, more than a small state
/// costs to copy), and a request this small cannot be the one that exhausts the machine.
inline constexpr std::uint64_t memory_check_threshold = std::uint64_t{64} << 20;

/// @brief Throw memory_error unless `bytes` fits under the limit. `what` names the request.
/// A limit set with set_memory_limit is always applied; the default limit (available memory)
/// only to requests of at least memory_check_threshold bytes.
inline void check_memory(std::uint64_t bytes, const std::string& what) {
    if (detail::memory_limit_storage() == 0 && bytes < memory_check_threshold) return;
    const std::uint64_t limit = memory_limit();
    if (bytes > limit) {
        throw memory_error(what + " needs " + format_bytes(bytes) + " but the memory limit is " + format_bytes(limit) +
                           (detail::memory_limit_storage() == 0 ? " (memory available on this machine)"
                                                                : " (set with qcoach::set_memory_limit)"));
    }
}

} // namespace qcoach
