#pragma once
/// @file
/// @brief small_vector<T, N>: a vector that keeps up to N elements inline and only allocates
/// beyond that. Gate plans are built for every gate application; with std::vector each one
/// cost a dozen allocations, more than applying a gate to a 256-amplitude state.
/// Only what the kernels need: trivially copyable T, push_back, resize, assign, insert, erase.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>

namespace qcoach {

template <class T, std::size_t N>
class small_vector {
    static_assert(std::is_trivially_copyable_v<T>, "small_vector holds trivially copyable values only");

public:
    using value_type = T;
    using size_type = std::size_t;
    using iterator = T*;
    using const_iterator = const T*;

    small_vector() noexcept = default;
    small_vector(std::initializer_list<T> init) { assign(init.begin(), init.end()); }
    template <class It>
    small_vector(It first, It last) {
        assign(first, last);
    }
    explicit small_vector(size_type count, const T& value = T()) { assign(count, value); }
    small_vector(const small_vector& o) { assign(o.begin(), o.end()); }
    small_vector& operator=(const small_vector& o) {
        if (this != &o) assign(o.begin(), o.end());
        return *this;
    }
    small_vector(small_vector&& o) noexcept { steal(o); }
    small_vector& operator=(small_vector&& o) noexcept {
        if (this != &o) {
            release();
            steal(o);
        }
        return *this;
    }
    ~small_vector() { release(); }

    T* data() noexcept { return heap_ ? heap_ : inline_ptr(); }
    const T* data() const noexcept { return heap_ ? heap_ : inline_ptr(); }
    size_type size() const noexcept { return size_; }
    size_type capacity() const noexcept { return heap_ ? cap_ : N; }
    bool empty() const noexcept { return size_ == 0; }
    iterator begin() noexcept { return data(); }
    iterator end() noexcept { return data() + size_; }
    const_iterator begin() const noexcept { return data(); }
    const_iterator end() const noexcept { return data() + size_; }
    T& operator[](size_type i) noexcept { return data()[i]; }
    const T& operator[](size_type i) const noexcept { return data()[i]; }
    T& front() noexcept { return data()[0]; }
    const T& front() const noexcept { return data()[0]; }
    T& back() noexcept { return data()[size_ - 1]; }
    const T& back() const noexcept { return data()[size_ - 1]; }

    void clear() noexcept { size_ = 0; }
    void reserve(size_type c) {
        if (c > capacity()) grow(c);
    }
    void resize(size_type s, const T& value = T()) {
        reserve(s);
        for (size_type i = size_; i < s; ++i) data()[i] = value;
        size_ = s;
    }
    void push_back(const T& v) {
        if (size_ == capacity()) grow(std::max<size_type>(2 * capacity(), 1));
        data()[size_++] = v;
    }
    template <class It>
    void assign(It first, It last) {
        const auto count = static_cast<size_type>(std::distance(first, last));
        clear();
        reserve(count);
        std::copy(first, last, data());
        size_ = count;
    }
    void assign(size_type count, const T& value) {
        clear();
        resize(count, value);
    }
    iterator insert(const_iterator pos, const T& v) {
        const auto at = static_cast<size_type>(pos - begin());
        push_back(v);
        std::rotate(begin() + at, end() - 1, end());
        return begin() + at;
    }
    template <class It>
    iterator insert(const_iterator pos, It first, It last) {
        const auto at = static_cast<size_type>(pos - begin());
        const size_type old = size_;
        for (; first != last; ++first) push_back(*first);
        std::rotate(begin() + at, begin() + old, end());
        return begin() + at;
    }
    iterator erase(const_iterator first, const_iterator last) {
        const auto a = static_cast<size_type>(first - begin()), b = static_cast<size_type>(last - begin());
        std::copy(begin() + b, end(), begin() + a);
        size_ -= b - a;
        return begin() + a;
    }

    friend bool operator==(const small_vector& a, const small_vector& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

private:
    T* inline_ptr() noexcept { return std::launder(reinterpret_cast<T*>(inline_)); }
    const T* inline_ptr() const noexcept { return std::launder(reinterpret_cast<const T*>(inline_)); }

    void grow(size_type c) {
        T* p = static_cast<T*>(::operator new(c * sizeof(T), std::align_val_t{alignof(T)}));
        if (size_ != 0) std::memcpy(static_cast<void*>(p), data(), size_ * sizeof(T));
        release();
        heap_ = p;
        cap_ = c;
    }
    void release() noexcept {
        if (heap_) ::operator delete(heap_, std::align_val_t{alignof(T)});
        heap_ = nullptr;
        cap_ = 0;
    }
    void steal(small_vector& o) noexcept {
        if (o.heap_) {
            heap_ = o.heap_;
            cap_ = o.cap_;
            o.heap_ = nullptr;
            o.cap_ = 0;
        } else {
            std::memcpy(static_cast<void*>(inline_), o.inline_, o.size_ * sizeof(T));
        }
        size_ = o.size_;
        o.size_ = 0;
    }

    alignas(T) unsigned char inline_[N * sizeof(T)];
    T* heap_ = nullptr;
    size_type size_ = 0;
    size_type cap_ = 0;
};

/// @brief A zero-initialized array of `size` values, 64-byte aligned, inline up to N values.
template <class T, std::size_t N>
class aligned_small_buffer {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    aligned_small_buffer() noexcept = default;
    aligned_small_buffer(const aligned_small_buffer&) = delete;
    aligned_small_buffer& operator=(const aligned_small_buffer&) = delete;
    aligned_small_buffer(aligned_small_buffer&& o) noexcept { steal(o); }
    aligned_small_buffer& operator=(aligned_small_buffer&& o) noexcept {
        if (this != &o) {
            release();
            steal(o);
        }
        return *this;
    }
    ~aligned_small_buffer() { release(); }

    /// Resize to `count` values, all `value` (previous contents are not kept).
    void assign(std::size_t count, const T& value) {
        release();
        if (count > N) heap_ = static_cast<T*>(::operator new(count * sizeof(T), std::align_val_t{64}));
        size_ = count;
        std::fill(data(), data() + count, value);
    }
    T* data() noexcept { return heap_ ? heap_ : inline_; }
    const T* data() const noexcept { return heap_ ? heap_ : inline_; }
    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data()[i]; }
    const T& operator[](std::size_t i) const noexcept { return data()[i]; }

private:
    void release() noexcept {
        if (heap_) ::operator delete(heap_, std::align_val_t{64});
        heap_ = nullptr;
    }
    void steal(aligned_small_buffer& o) noexcept {
        if (o.heap_) {
            heap_ = o.heap_;
            o.heap_ = nullptr;
        } else {
            std::memcpy(static_cast<void*>(inline_), o.inline_, o.size_ * sizeof(T));
        }
        size_ = o.size_;
        o.size_ = 0;
    }

    alignas(64) T inline_[N];
    T* heap_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace qcoach
