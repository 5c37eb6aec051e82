#pragma once
/// @file
/// @brief CostTable: the energies of all 2^n basis states, computed once and shared by every
/// QAOA layer, every evaluation and the gradient.
///
/// ## Bit convention
/// Variable q of a model is qubit q, which is bit q of the basis index z (little-endian, as the
/// statevector layer). A binary variable takes x_q = bit q of z. A spin variable takes
/// s_q = 1 - 2 bit_q, so |0> <-> s = +1 and |1> <-> s = -1: s_q is the eigenvalue of Z_q, and the
/// Ising energy sum J s_i s_j is the diagonal of sum J Z_i Z_j. Note that this is not the order of
/// qubo::sample_from_bits (which maps bit 1 to +1); use sample_from_index() below to turn a
/// basis index into a model sample.
///
/// ## Method (models)
/// The model is rewritten in "bit form" E(b) = c + sum a_i b_i + sum_{i<j} B_ij b_i b_j (for spins
/// through s = 1 - 2b: c = offset + sum h + sum J, a_i = -2 h_i - 2 sum_j J_ij, B_ij = 4 J_ij).
/// The index splits into L low bits and n - L high bits. A table T[low] of the energy of the low
/// bits alone is built once by doubling (T[low + 2^t] = T[low] + a_t + sum_{i<t} B_it low_i).
/// Each chunk of 2^L states shares its high bits h, which give a constant C(h) and a field
/// g_i(h) = sum_{j in h} B_ij on each low bit; then
///     E[h 2^L + low] = (C(h) + T[low]) + G[low],   G[low] = sum_{i in low} g_i(h),
/// and G is built by doubling as well: one add per state for G and two for E, all contiguous and
/// vectorized, instead of n^2 work per state. Every chunk is computed the same way whichever
/// thread runs it, so the table does not depend on the thread count.
///
/// ## Integer levels
/// When every E - E_min is an integer (within 1e-9 relative) and the range is at most 65535 (MaxCut,
/// most penalized models with integer weights), the table keeps only the level k = E - E_min of
/// each state in one byte (range <= 255) or two, and drops the doubles: a QAOA layer then looks up
/// e^{-i gamma k} in a small table of phases instead of evaluating sin and cos per amplitude, and
/// reads 1-2 bytes per amplitude instead of 8.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::variational {

/// Largest number of qubits a cost table (and so a full-space QAOA) may have. The memory check
/// (core/memory.hpp) refuses smaller sizes earlier when the machine lacks the memory.
inline constexpr qubit_t cost_table_max_qubits = 34;

/// @brief The model sample of basis index z: binary x_q = bit q; spin s_q = 1 - 2 bit q.
inline std::vector<std::int8_t> sample_from_index(qubo::vartype type, qubit_t n, index_t z) {
    std::vector<std::int8_t> out(n);
    for (qubit_t q = 0; q < n; ++q) {
        const auto b = static_cast<std::int8_t>((z >> q) & 1u);
        out[q] = type == qubo::vartype::binary ? b : static_cast<std::int8_t>(1 - 2 * b);
    }
    return out;
}

/// @brief The basis index of a model sample (inverse of sample_from_index). The sample is checked.
inline index_t index_from_sample(qubo::vartype type, std::span<const std::int8_t> sample) {
    qubo::check_sample(type, sample.size(), sample);
    if (sample.size() > 63) throw value_error("index_from_sample takes at most 63 variables");
    index_t z = 0;
    for (std::size_t q = 0; q < sample.size(); ++q) {
        const bool one = type == qubo::vartype::binary ? sample[q] == 1 : sample[q] == -1;
        if (one) z |= index_t{1} << q;
    }
    return z;
}

/// @brief Energies E(z) of all 2^n basis states (see the file comment for the conventions).
class CostTable {
public:
    /// Ranges of integer levels kept in one byte / two bytes.
    static constexpr std::uint32_t max_levels8 = 256;
    static constexpr std::uint32_t max_levels16 = 65536;

    CostTable() = default;

    /// @brief The table of a binary or spin model; variable q is qubit q. Throws value_error for
    /// a model without variables or with more than cost_table_max_qubits, memory_error when the
    /// table does not fit under the memory limit.
    static CostTable from_model(const qubo::BinaryQuadraticModel& model, const exec_policy& pol = default_policy()) {
        const std::size_t nv = model.num_variables();
        check_size(nv, "the model");
        const auto n = static_cast<qubit_t>(nv);
        CostTable t(n);
        t.alloc_energies();
        // Bit form: E(b) = c + sum a_i b_i + sum_{i<j} B_ij b_i b_j.
        const bool spin = model.type() == qubo::vartype::spin;
        double c = model.offset();
        std::vector<double> a(n, 0.0), B(std::size_t{n} * n, 0.0);
        for (qubit_t i = 0; i < n; ++i) {
            const double h = model.linear(i);
            if (spin) {
                c += h;
                a[i] -= 2.0 * h;
            } else {
                a[i] += h;
            }
        }
        model.for_each_interaction([&](qubo::var_t i, qubo::var_t j, double J) {
            if (spin) {
                c += J;
                a[i] -= 2.0 * J;
                a[j] -= 2.0 * J;
                B[std::size_t{i} * n + j] = B[std::size_t{j} * n + i] = 4.0 * J;
            } else {
                B[std::size_t{i} * n + j] = B[std::size_t{j} * n + i] = J;
            }
        });
        t.fill_from_bit_form(c, a, B, pol);
        t.finish(pol);
        return t;
    }

    /// @brief The table of any cost function of a bitstring: f(z) for z in [0, 2^n). f is called
    /// once per state, from several threads at once (it must be safe for that), and must return
    /// finite values.
    template <class F>
    static CostTable from_function(qubit_t n, F&& f, const exec_policy& pol = default_policy()) {
        check_size(n, "the cost function");
        CostTable t(n);
        t.alloc_energies();
        double* e = t.energies_.data();
        const index_t len = t.size();
        const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t z = 0; z < len; ++z) e[z] = static_cast<double>(f(z));
        t.finish(pol);
        return t;
    }

    /// @brief A table from given energies (length 2^n, n >= 1).
    static CostTable from_energies(std::span<const double> energies, const exec_policy& pol = default_policy()) {
        const std::size_t len = energies.size();
        if (len < 2 || (len & (len - 1)) != 0) {
            throw value_error("a cost table needs 2^n energies for some n >= 1, got " + std::to_string(len));
        }
        const auto n = static_cast<qubit_t>(std::countr_zero(len));
        check_size(n, "the energy list");
        CostTable t(n);
        t.alloc_energies();
        std::copy(energies.begin(), energies.end(), t.energies_.begin());
        t.finish(pol);
        return t;
    }

    qubit_t num_qubits() const noexcept { return n_; }
    /// Number of basis states, 2^n.
    index_t size() const noexcept { return index_t{1} << n_; }

    /// @brief E(z), unchecked.
    double operator[](index_t z) const noexcept {
        if (!k8_.empty()) return min_ + static_cast<double>(k8_[z]);
        if (!k16_.empty()) return min_ + static_cast<double>(k16_[z]);
        return energies_[z];
    }
    /// @brief E(z); throws index_error when z >= 2^n.
    double energy(index_t z) const {
        if (z >= size()) {
            throw index_error("basis index " + std::to_string(z) + " out of range [0, " + std::to_string(size()) + ")");
        }
        return (*this)[z];
    }

    double min() const noexcept { return min_; }
    double max() const noexcept { return max_; }

    /// @brief Whether the energies are E_min + k with integer levels k (see the file comment).
    bool has_levels() const noexcept { return !k8_.empty() || !k16_.empty(); }
    /// Number of levels (max - min + 1) when has_levels(), else 0.
    std::uint32_t num_levels() const noexcept { return has_levels() ? levels_ : 0; }
    /// Level of every state in one byte (empty unless the levels fit in a byte).
    std::span<const std::uint8_t> levels8() const noexcept { return k8_; }
    /// Level of every state in two bytes (empty unless more than 256 levels fit in two bytes).
    std::span<const std::uint16_t> levels16() const noexcept { return k16_; }
    /// The energies as doubles (empty when the table keeps integer levels).
    std::span<const double> energies() const noexcept { return energies_; }

    /// @brief Tolerance within which an energy counts as minimal: 0 with integer levels, else
    /// 1e-9 max(1, |E_min|, |E_max|).
    double degeneracy_tolerance() const noexcept {
        return has_levels() ? 0.0 : 1e-9 * std::max({1.0, std::abs(min_), std::abs(max_)});
    }

    /// @brief Whether state z is a minimum (within degeneracy_tolerance()).
    bool is_minimum(index_t z) const noexcept {
        if (!k8_.empty()) return k8_[z] == 0;
        if (!k16_.empty()) return k16_[z] == 0;
        return energies_[z] <= min_ + degeneracy_tolerance();
    }

    /// @brief Number of minimal states (all degenerate minima).
    index_t num_minima() const noexcept { return num_minima_; }

    /// @brief The minimal states in ascending order, at most `max_count` of them.
    std::vector<index_t> minimizers(std::size_t max_count = 1024) const {
        std::vector<index_t> out;
        for (index_t z = 0; z < size() && out.size() < max_count; ++z)
            if (is_minimum(z)) out.push_back(z);
        return out;
    }

    /// @brief Whether E(z) = E(~z) for every z (~z flips all n bits): MaxCut and any Ising
    /// model without fields. Exact with integer levels; energies may differ by
    /// 1e-12 max(1, |E_min|, |E_max|) (sums of the same terms in another order). Reads the
    /// whole table.
    bool flip_symmetric(const exec_policy& pol = default_policy()) const {
        if (n_ < 2) return false;
        const index_t half = size() / 2, all = size() - 1;
        const double tol = has_levels() ? 0.0 : 1e-12 * std::max({1.0, std::abs(min_), std::abs(max_)});
        const int threads = pol.threads_for(size());
        int broken = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(| : broken) if (threads > 1)
        for (std::int64_t b = 0; b < static_cast<std::int64_t>(half); b += 4096) {
            const index_t e = std::min<index_t>(half, static_cast<index_t>(b) + 4096);
            for (index_t z = static_cast<index_t>(b); z < e; ++z) {
                const bool same = !k8_.empty()    ? k8_[z] == k8_[all ^ z]
                                  : !k16_.empty() ? k16_[z] == k16_[all ^ z]
                                                  : std::abs(energies_[z] - energies_[all ^ z]) <= tol;
                if (!same) {
                    broken = 1;
                    break;
                }
            }
        }
        return broken == 0;
    }

    /// @brief Bytes the table of n qubits needs while it is built (doubles for every state).
    static std::uint64_t required_bytes(qubit_t n) { return (std::uint64_t{1} << n) * sizeof(double); }

private:
    explicit CostTable(qubit_t n) : n_(n) {}

    static void check_size(std::size_t n, const char* what) {
        if (n < 1 || n > cost_table_max_qubits) {
            throw value_error(std::string(what) + " has " + std::to_string(n) +
                              " variables; a full-space cost table takes 1 to " + std::to_string(cost_table_max_qubits));
        }
    }

    void alloc_energies() {
        check_memory(required_bytes(n_), "the cost table of " + std::to_string(n_) + " qubits");
        energies_.resize(size());
    }

    /// Energies of the bit form by low tables and per-chunk doubling (file comment).
    void fill_from_bit_form(double c, const std::vector<double>& a, const std::vector<double>& B, const exec_policy& pol) {
        const qubit_t n = n_;
        const qubit_t L = std::min<qubit_t>(n, 12);
        const index_t chunk = index_t{1} << L;
        const index_t chunks = index_t{1} << (n - L);
        auto coupling = [&](qubit_t i, qubit_t j) { return B[std::size_t{i} * n + j]; };
        // T[low]: energy of the low bits alone (offset excluded).
        std::vector<double> T(chunk, 0.0), partial(chunk, 0.0);
        for (qubit_t t = 0; t < L; ++t) {
            const index_t half = index_t{1} << t;
            partial[0] = 0.0;
            for (qubit_t i = 0; i < t; ++i) {
                const index_t w = index_t{1} << i;
                const double bij = coupling(i, t);
                for (index_t low = 0; low < w; ++low) partial[w + low] = partial[low] + bij;
            }
            for (index_t low = 0; low < half; ++low) T[half + low] = T[low] + a[t] + partial[low];
        }
        double* e = energies_.data();
        const int threads = pol.threads_for(size());
#pragma omp parallel num_threads(threads) if (threads > 1)
        {
            std::vector<double> G(chunk), g(L);
#pragma omp for schedule(static)
            for (index_t h = 0; h < chunks; ++h) {
                // Constant and fields of the high bits of this chunk.
                double C = c;
                std::fill(g.begin(), g.end(), 0.0);
                for (qubit_t j = L; j < n; ++j) {
                    if (!((h >> (j - L)) & 1u)) continue;
                    C += a[j];
                    for (qubit_t k = j + 1; k < n; ++k)
                        if ((h >> (k - L)) & 1u) C += coupling(j, k);
                    for (qubit_t i = 0; i < L; ++i) g[i] += coupling(i, j);
                }
                G[0] = 0.0;
                for (qubit_t t = 0; t < L; ++t) {
                    const index_t half = index_t{1} << t;
                    const double gt = g[t];
                    for (index_t low = 0; low < half; ++low) G[half + low] = G[low] + gt;
                }
                double* out = e + h * chunk;
                for (index_t low = 0; low < chunk; ++low) out[low] = (C + T[low]) + G[low];
            }
        }
    }

    /// Range, integer levels, number of minima.
    void finish(const exec_policy& pol) {
        const index_t len = size();
        const double* e = energies_.data();
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        bool finite = true;
        const int threads = pol.threads_for(len);
#pragma omp parallel for reduction(min : lo) reduction(max : hi) reduction(&& : finite) num_threads(threads) if (threads > 1)
        for (index_t z = 0; z < len; ++z) {
            lo = std::min(lo, e[z]);
            hi = std::max(hi, e[z]);
            finite = finite && std::isfinite(e[z]);
        }
        if (!finite) throw value_error("the cost function gave a value that is not finite");
        min_ = lo;
        max_ = hi;
        // Integer levels: every E - E_min within 1e-9 (relative) of an integer, range < 2^16.
        const double span = hi - lo;
        if (span < static_cast<double>(max_levels16)) {
            const double tol = 1e-9 * std::max({1.0, std::abs(lo), std::abs(hi)});
            bool integral = true;
#pragma omp parallel for reduction(&& : integral) num_threads(threads) if (threads > 1)
            for (index_t z = 0; z < len; ++z) {
                const double d = e[z] - lo;
                integral = integral && std::abs(d - std::nearbyint(d)) <= tol;
            }
            if (integral) {
                levels_ = static_cast<std::uint32_t>(std::nearbyint(span)) + 1;
                if (levels_ <= max_levels8) {
                    k8_.resize(len);
                    std::uint8_t* k = k8_.data();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
                    for (index_t z = 0; z < len; ++z) k[z] = static_cast<std::uint8_t>(std::nearbyint(e[z] - lo));
                } else {
                    k16_.resize(len);
                    std::uint16_t* k = k16_.data();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
                    for (index_t z = 0; z < len; ++z) k[z] = static_cast<std::uint16_t>(std::nearbyint(e[z] - lo));
                }
                energies_ = aligned_vector<double>(); // release the doubles
                max_ = min_ + static_cast<double>(levels_ - 1);
            }
        }
        index_t count = 0;
#pragma omp parallel for reduction(+ : count) num_threads(threads) if (threads > 1)
        for (index_t z = 0; z < len; ++z) count += is_minimum(z) ? 1 : 0;
        num_minima_ = count;
    }

    qubit_t n_ = 0;
    aligned_vector<double> energies_;
    aligned_vector<std::uint8_t> k8_;
    aligned_vector<std::uint16_t> k16_;
    std::uint32_t levels_ = 0;
    double min_ = 0.0, max_ = 0.0;
    index_t num_minima_ = 0;
};

} // namespace qcoach::variational
