#pragma once
/// @file
/// @brief CsrModel<Real>: the compact read-only form of a binary quadratic model for solvers.
///
/// Row i of the CSR arrays lists every neighbour j of variable i (both directions are stored,
/// so the row is the full neighbourhood) with the coupling J_ij, sorted by j:
///
///     neighbours(i) = columns[row_offsets[i] .. row_offsets[i+1])
///     weights(i)    = values [row_offsets[i] .. row_offsets[i+1])
///
/// Local field and one-flip energy change (the quantities every local-search solver needs):
///
///     field_i(v) = h_i + sum_j J_ij v_j
///     binary:  x_i -> 1 - x_i   changes E by  (1 - 2 x_i) field_i
///     spin:    s_i -> -s_i      changes E by  -2 s_i field_i
///
/// After flipping v_i by dv (= 1 - 2 x_i, or -2 s_i), every neighbour's field moves by J_ij dv;
/// flip() does exactly that, so a solver keeps all fields current in O(degree) per flip.
///
/// The hot helpers (local_field, flip_delta, flip) do not check their arguments; energy() and
/// local_fields() check the sample, as public entry points do.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

/// @brief Read-only CSR adjacency of a binary quadratic model, coefficients in precision Real.
/// Energies are always accumulated in double; fields and deltas are in Real.
template <precision Real = double>
class CsrModel {
public:
    using real_type = Real;

    CsrModel() = default;

    /// @brief Compile a model. Explicit zero couplings are dropped: they cost solver time and
    /// change no energy.
    explicit CsrModel(const BinaryQuadraticModel& m) : type_(m.type()), offset_(m.offset()) {
        const std::size_t n = m.num_variables();
        linear_.resize(n);
        row_offsets_.resize(n + 1);
        std::size_t nnz = 0;
        for (var_t i = 0; i < n; ++i) {
            linear_[i] = static_cast<Real>(m.linear(i));
            row_offsets_[i] = nnz;
            for (const coupling& c : m.neighbours(i)) nnz += c.bias != 0.0 ? 1 : 0;
        }
        row_offsets_[n] = nnz;
        columns_.resize(nnz);
        values_.resize(nnz);
        std::size_t k = 0;
        for (var_t i = 0; i < n; ++i) {
            for (const coupling& c : m.neighbours(i)) {
                if (c.bias == 0.0) continue;
                columns_[k] = c.neighbour;
                values_[k] = static_cast<Real>(c.bias);
                ++k;
            }
        }
    }

    vartype type() const noexcept { return type_; }
    std::size_t num_variables() const noexcept { return linear_.size(); }
    /// Couplings (unordered pairs); the CSR arrays hold each twice.
    std::size_t num_interactions() const noexcept { return columns_.size() / 2; }
    Real offset() const noexcept { return static_cast<Real>(offset_); }

    Real linear(var_t i) const noexcept { return linear_[i]; }
    std::span<const Real> linear_biases() const noexcept { return linear_; }
    std::span<const var_t> neighbours(var_t i) const noexcept {
        return {columns_.data() + row_offsets_[i], row_offsets_[i + 1] - row_offsets_[i]};
    }
    std::span<const Real> weights(var_t i) const noexcept {
        return {values_.data() + row_offsets_[i], row_offsets_[i + 1] - row_offsets_[i]};
    }
    std::size_t degree(var_t i) const noexcept { return row_offsets_[i + 1] - row_offsets_[i]; }

    /// Raw CSR arrays (n + 1 offsets; 2 * num_interactions() columns and values).
    std::span<const std::size_t> row_offsets() const noexcept { return row_offsets_; }
    std::span<const var_t> columns() const noexcept { return columns_; }
    std::span<const Real> values() const noexcept { return values_; }

    /// @brief E(sample), accumulated in double. The sample is checked.
    double energy(std::span<const std::int8_t> sample) const {
        check_sample(type_, num_variables(), sample);
        return energy_unchecked(sample);
    }

    /// @brief E(sample) without checks; each coupling is counted once (j > i).
    double energy_unchecked(std::span<const std::int8_t> v) const noexcept {
        double e = offset_;
        const std::size_t n = num_variables();
        for (std::size_t i = 0; i < n; ++i) {
            if (v[i] == 0) continue;
            double field = linear_[i];
            for (std::size_t k = row_offsets_[i]; k < row_offsets_[i + 1]; ++k) {
                if (columns_[k] > i) field += static_cast<double>(values_[k]) * v[columns_[k]];
            }
            e += v[i] * field;
        }
        return e;
    }

    /// @brief Energies of a row-major batch (see BinaryQuadraticModel::energies).
    std::vector<double> energies(std::span<const std::int8_t> samples, std::size_t num_samples,
                                 const exec_policy& policy = default_policy()) const {
        const std::size_t n = num_variables();
        if (samples.size() != num_samples * n || (n == 0 && !samples.empty())) {
            throw value_error("a batch of " + std::to_string(num_samples) + " samples of " + std::to_string(n) +
                              " variables needs " + std::to_string(num_samples * n) + " values, got " +
                              std::to_string(samples.size()));
        }
        for (std::size_t k = 0; k < num_samples; ++k) {
            const auto one = samples.subspan(k * n, n);
            if (!valid_values(type_, one)) check_sample(type_, n, one, "sample " + std::to_string(k));
        }
        std::vector<double> out(num_samples);
        const auto count = static_cast<std::int64_t>(num_samples);
        [[maybe_unused]] const int threads = policy.threads_for(static_cast<index_t>(num_samples) * (n + columns_.size()));
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
#endif
        for (std::int64_t k = 0; k < count; ++k) {
            out[static_cast<std::size_t>(k)] = energy_unchecked(samples.subspan(static_cast<std::size_t>(k) * n, n));
        }
        return out;
    }

    /// @brief field_i(v) = h_i + sum_j J_ij v_j. No checks.
    Real local_field(std::span<const std::int8_t> v, var_t i) const noexcept {
        Real f = linear_[i];
        for (std::size_t k = row_offsets_[i]; k < row_offsets_[i + 1]; ++k) f += values_[k] * v[columns_[k]];
        return f;
    }

    /// @brief All local fields of a sample into `fields` (length n). The sample is checked.
    void local_fields(std::span<const std::int8_t> v, std::span<Real> fields) const {
        check_sample(type_, num_variables(), v);
        if (fields.size() != num_variables()) {
            throw value_error("fields has " + std::to_string(fields.size()) + " entries; the model has " +
                              std::to_string(num_variables()) + " variables");
        }
        for (var_t i = 0; i < num_variables(); ++i) fields[i] = local_field(v, i);
    }

    /// @brief Energy change when variable i (now at `value`) flips, given its local field.
    Real flip_delta(std::int8_t value, Real field) const noexcept {
        return type_ == vartype::binary ? static_cast<Real>(1 - 2 * value) * field
                                        : static_cast<Real>(-2 * value) * field;
    }

    /// @brief Energy change when variable i of sample v flips (O(degree)). No checks.
    Real flip_delta(std::span<const std::int8_t> v, var_t i) const noexcept {
        return flip_delta(v[i], local_field(v, i));
    }

    /// @brief Flip variable i of `v` and update the neighbours' entries of `fields` (which must
    /// hold the local fields of v). fields[i] itself does not change: it does not depend on v_i.
    void flip(std::span<std::int8_t> v, std::span<Real> fields, var_t i) const noexcept {
        const std::int8_t old = v[i];
        const Real dv = type_ == vartype::binary ? static_cast<Real>(1 - 2 * old) : static_cast<Real>(-2 * old);
        v[i] = flipped(type_, old);
        for (std::size_t k = row_offsets_[i]; k < row_offsets_[i + 1]; ++k) fields[columns_[k]] += values_[k] * dv;
    }

    /// @brief Upper bound on |one-flip energy change| of variable i over all samples:
    /// |h_i| + sum_j |J_ij| (binary), twice that (spin).
    Real max_flip_change(var_t i) const noexcept {
        Real s = std::abs(linear_[i]);
        for (std::size_t k = row_offsets_[i]; k < row_offsets_[i + 1]; ++k) s += std::abs(values_[k]);
        return type_ == vartype::binary ? s : Real(2) * s;
    }

private:
    vartype type_ = vartype::binary;
    double offset_ = 0.0;
    aligned_vector<Real> linear_;
    aligned_vector<std::size_t> row_offsets_{0};
    aligned_vector<var_t> columns_;
    aligned_vector<Real> values_;
};

using CsrModelD = CsrModel<double>;
using CsrModelF = CsrModel<float>;

/// @brief Compile a model into its CSR form in precision Real.
template <precision Real = double>
CsrModel<Real> compile(const BinaryQuadraticModel& m) {
    return CsrModel<Real>(m);
}

} // namespace qcoach::qubo
