#pragma once
/// @file
/// @brief An uninitialized, aligned buffer for the large states of the subspace simulator.
///
/// A std::vector zero-fills on resize: one single-threaded pass that also takes every page fault
/// (4 KiB each; ~2 us apiece in a virtual machine, about as long as the arithmetic of a whole
/// layer per amplitude). This buffer leaves the memory untouched, so the first write (the
/// initial state, in parallel) takes the faults, and asks for transparent huge pages on buffers
/// of 4 MiB and more (2 MiB pages: 512 times fewer faults and TLB entries). Where huge pages are
/// not available the advice is a no-op.

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"

namespace qcoach::variational::detail {

template <class T>
class subspace_buffer {
public:
    subspace_buffer() = default;
    subspace_buffer(const subspace_buffer&) = delete;
    subspace_buffer& operator=(const subspace_buffer&) = delete;
    subspace_buffer(subspace_buffer&& o) noexcept { swap(o); }
    subspace_buffer& operator=(subspace_buffer&& o) noexcept {
        swap(o);
        return *this;
    }
    ~subspace_buffer() { release(); }

    /// @brief Drop the contents and hold `n` uninitialized elements.
    void allocate(std::size_t n) {
        release();
        if (n == 0) return;
        const std::size_t bytes = n * sizeof(T);
        align_ = bytes >= huge_threshold ? huge_page : simd_alignment;
        const std::size_t rounded = (bytes + align_ - 1) / align_ * align_;
        try {
            data_ = static_cast<T*>(::operator new(rounded, std::align_val_t{align_}));
        } catch (const std::bad_alloc&) {
            throw memory_error("allocation of " + format_bytes(rounded) + " for a feasible-subspace state failed");
        }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (align_ == huge_page) ::madvise(static_cast<void*>(data_), rounded, MADV_HUGEPAGE);
#endif
        size_ = n;
    }

    std::size_t size() const noexcept { return size_; }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20;
    static constexpr std::size_t huge_threshold = std::size_t{4} << 20;

    void release() noexcept {
        if (data_) ::operator delete(static_cast<void*>(data_), std::align_val_t{align_});
        data_ = nullptr;
        size_ = 0;
    }

    void swap(subspace_buffer& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(align_, o.align_);
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t align_ = simd_alignment;
};

} // namespace qcoach::variational::detail
