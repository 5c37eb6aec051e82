#pragma once
/// @file
/// @brief 64-byte aligned storage: one cache line, and the widest SIMD register (AVX-512).

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

namespace qcoach {

inline constexpr std::size_t simd_alignment = 64;

/// @brief Allocator handing out 64-byte aligned blocks; usable with std::vector.
template <class T>
struct aligned_allocator {
    using value_type = T;

    aligned_allocator() noexcept = default;
    template <class U>
    aligned_allocator(const aligned_allocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
        const std::size_t bytes = (n * sizeof(T) + simd_alignment - 1) / simd_alignment * simd_alignment;
        void* p = ::operator new(bytes == 0 ? simd_alignment : bytes, std::align_val_t{simd_alignment});
        return static_cast<T*>(p);
    }

    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{simd_alignment}); }

    template <class U>
    struct rebind {
        using other = aligned_allocator<U>;
    };

    friend bool operator==(const aligned_allocator&, const aligned_allocator&) noexcept { return true; }
};

template <class T>
using aligned_vector = std::vector<T, aligned_allocator<T>>;

} // namespace qcoach
