#pragma once
/// @file
/// @brief BinaryQuadraticModel: an editable binary quadratic model in the QUBO or Ising view.
///
///     E(v) = offset + sum_i h_i v_i + sum_{i<j} J_ij v_i v_j,   v in {0,1}^n or {-1,+1}^n
///
/// Every unordered pair {i, j} has one coupling J_ij: adding (i, j) and then (j, i) adds both to
/// the same J_ij. A square term v_i^2 folds away: into h_i on binary variables (x^2 = x) and into
/// the offset on spins (s^2 = 1). The adjacency is kept sorted per variable (as dimod does), so
/// a model read from a file in row order is built with appends only; solvers take the compact
/// read-only CsrModel (csr.hpp) made from it.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

/// One entry of a variable's adjacency: the other variable and the coupling J between them.
struct coupling {
    var_t neighbour;
    double bias;
    friend bool operator==(const coupling&, const coupling&) = default;
};

/// @brief An editable binary quadratic model over binary (0/1) or spin (+-1) variables.
///
/// Variables are indexed 0..n-1 and may carry a unique label (an empty label means "none").
/// Coefficients must be finite. Explicit zero couplings are kept as structure (so a file that
/// lists them round-trips) but count as absent in operator==.
class BinaryQuadraticModel {
public:
    /// @brief A model of `num_variables` variables of type `type`, all coefficients zero.
    explicit BinaryQuadraticModel(vartype type = vartype::binary, std::size_t num_variables = 0) : type_(type) {
        add_variables(num_variables);
    }

    vartype type() const noexcept { return type_; }
    std::size_t num_variables() const noexcept { return linear_.size(); }
    /// Stored couplings (unordered pairs, explicit zeros included).
    std::size_t num_interactions() const noexcept { return num_interactions_; }

    // ---- variables and labels -------------------------------------------------------------

    /// @brief Append one variable (optionally labelled) and return its index.
    var_t add_variable(std::string label = {}) {
        const var_t i = add_variables(1);
        if (!label.empty()) set_label(i, std::move(label));
        return i;
    }

    /// @brief Append `count` unlabelled variables; returns the index of the first one.
    var_t add_variables(std::size_t count) {
        const std::size_t n = num_variables();
        if (count > max_variables - n) {
            throw index_error("a model holds at most " + std::to_string(max_variables) + " variables; asked for " +
                              std::to_string(n) + " + " + std::to_string(count));
        }
        // Only big requests are checked: reading the available memory costs a file read.
        if (const std::uint64_t bytes = static_cast<std::uint64_t>(count) * bytes_per_variable; bytes >= (1u << 26)) {
            check_memory(bytes, "a model with " + std::to_string(n + count) + " variables");
        }
        linear_.resize(n + count, 0.0);
        adj_.resize(n + count);
        if (!labels_.empty()) labels_.resize(n + count);
        return static_cast<var_t>(n);
    }

    /// Bytes one variable costs before any coupling (linear bias and adjacency header).
    static constexpr std::size_t bytes_per_variable = sizeof(double) + sizeof(std::vector<coupling>);

    /// @brief Whether any variable carries a label.
    bool has_labels() const noexcept { return !by_label_.empty(); }

    /// @brief The label of variable i ("" when it has none).
    const std::string& label(var_t i) const {
        check_index(i);
        static const std::string none;
        return labels_.empty() ? none : labels_[i];
    }

    /// @brief Set (or with "" clear) the label of variable i. Labels are unique.
    void set_label(var_t i, std::string label) {
        check_index(i);
        if (!label.empty()) {
            const auto it = by_label_.find(label);
            if (it != by_label_.end() && it->second != i) {
                throw value_error("label \"" + label + "\" already names variable " + std::to_string(it->second));
            }
        }
        if (labels_.empty()) {
            if (label.empty()) return;
            labels_.resize(num_variables());
        }
        if (!labels_[i].empty()) by_label_.erase(labels_[i]);
        if (!label.empty()) by_label_.emplace(label, i);
        labels_[i] = std::move(label);
    }

    /// @brief The variable with this label, if any.
    std::optional<var_t> find(std::string_view label) const {
        const auto it = by_label_.find(label);
        if (it == by_label_.end()) return std::nullopt;
        return it->second;
    }

    /// @brief The variable with this label; throws index_error when there is none.
    var_t index_of(std::string_view label) const {
        if (auto i = find(label)) return *i;
        throw index_error("no variable is labelled \"" + std::string(label) + "\"");
    }

    /// @brief A printable name: the label, or "#i" for an unlabelled variable.
    std::string name(var_t i) const {
        const std::string& l = label(i);
        if (!l.empty()) return l;
        std::string s(1, '#'); // (not "#" + to_string: GCC 12 warns falsely, PR 105329)
        s += std::to_string(i);
        return s;
    }

    // ---- coefficients ---------------------------------------------------------------------

    double linear(var_t i) const {
        check_index(i);
        return linear_[i];
    }
    /// All linear biases, by variable index.
    std::span<const double> linear_biases() const noexcept { return linear_; }
    void set_linear(var_t i, double bias) {
        check_index(i);
        linear_[i] = check_finite(bias, "linear bias");
    }
    void add_linear(var_t i, double bias) {
        check_index(i);
        linear_[i] += check_finite(bias, "linear bias");
    }

    /// @brief J_ij (0 when the pair is not coupled); i == j is allowed and gives 0.
    double quadratic(var_t i, var_t j) const {
        check_index(i);
        check_index(j);
        const auto* c = lookup(i, j);
        return c ? c->bias : 0.0;
    }

    bool has_interaction(var_t i, var_t j) const {
        check_index(i);
        check_index(j);
        return lookup(i, j) != nullptr;
    }

    /// @brief Add b to J_ij (symmetric). i == j folds: into h_i (binary) or the offset (spin).
    void add_quadratic(var_t i, var_t j, double bias) {
        check_index(i);
        check_index(j);
        check_finite(bias, "quadratic bias");
        if (i == j) {
            if (type_ == vartype::binary) linear_[i] += bias;
            else offset_ += bias;
            return;
        }
        slot(i, j) += bias;
        slot(j, i) += bias;
    }

    /// @brief Set J_ij = b (creating the coupling). i == j is rejected: a square term has no
    /// coupling of its own; use add_quadratic to fold it.
    void set_quadratic(var_t i, var_t j, double bias) {
        check_index(i);
        check_index(j);
        check_finite(bias, "quadratic bias");
        if (i == j) {
            throw index_error("set_quadratic needs two different variables, got " + std::to_string(i) +
                              " twice (add_quadratic folds a square term)");
        }
        slot(i, j) = bias;
        slot(j, i) = bias;
    }

    /// @brief Remove the coupling between i and j; returns whether there was one.
    bool remove_interaction(var_t i, var_t j) {
        check_index(i);
        check_index(j);
        if (i == j || lookup(i, j) == nullptr) return false;
        erase(i, j);
        erase(j, i);
        --num_interactions_;
        return true;
    }

    /// @brief The couplings of variable i, sorted by neighbour index.
    std::span<const coupling> neighbours(var_t i) const {
        check_index(i);
        return adj_[i];
    }
    std::size_t degree(var_t i) const { return neighbours(i).size(); }

    /// @brief Call f(i, j, J_ij) once per stored coupling, with i < j, in (i, j) order.
    template <class F>
    void for_each_interaction(F&& f) const {
        for (std::size_t i = 0; i < adj_.size(); ++i) {
            for (const coupling& c : adj_[i]) {
                if (c.neighbour > i) std::invoke(f, static_cast<var_t>(i), c.neighbour, c.bias);
            }
        }
    }

    double offset() const noexcept { return offset_; }
    void set_offset(double v) { offset_ = check_finite(v, "offset"); }
    void add_offset(double v) { offset_ += check_finite(v, "offset"); }

    /// @brief Multiply every coefficient (and the offset) by `factor`.
    void scale(double factor) {
        check_finite(factor, "scale factor");
        for (double& h : linear_) h *= factor;
        for (auto& row : adj_)
            for (coupling& c : row) c.bias *= factor;
        offset_ *= factor;
    }

    // ---- evaluation -----------------------------------------------------------------------

    /// @brief E(sample). The sample is checked (length and values).
    double energy(std::span<const std::int8_t> sample) const {
        check_sample(type_, num_variables(), sample);
        return energy_unchecked(sample);
    }

    /// @brief Energies of `num_samples` samples stored row-major in `samples`. Each sample's sum
    /// runs in a fixed order, so the result does not depend on the thread count.
    std::vector<double> energies(std::span<const std::int8_t> samples, std::size_t num_samples,
                                 const exec_policy& policy = default_policy()) const {
        const std::size_t n = num_variables();
        if (n != 0 ? samples.size() / n != num_samples || samples.size() % n != 0 : !samples.empty()) {
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
        [[maybe_unused]] const int threads = policy.threads_for(static_cast<index_t>(num_samples) * (n + 2 * num_interactions_));
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
#endif
        for (std::int64_t k = 0; k < count; ++k) {
            out[static_cast<std::size_t>(k)] = energy_unchecked(samples.subspan(static_cast<std::size_t>(k) * n, n));
        }
        return out;
    }

    /// @brief An upper bound on |E(v with v_i flipped) - E(v)| over all samples v:
    /// |h_i| + sum_j |J_ij| for binary, twice that for spin (a spin flip moves s_i by 2).
    double max_flip_change(var_t i) const {
        check_index(i);
        double s = std::abs(linear_[i]);
        for (const coupling& c : adj_[i]) s += std::abs(c.bias);
        return type_ == vartype::binary ? s : 2.0 * s;
    }

    // ---- views ----------------------------------------------------------------------------

    /// @brief The same energy function over the other variable type, through s = 2x - 1:
    ///   spin -> binary: a_i = 2 h_i - 2 sum_j J_ij,  b_ij = 4 J_ij,  c' = c - sum h_i + sum_{i<j} J_ij
    ///   binary -> spin: h_i = a_i / 2 + sum_j b_ij / 4,  J_ij = b_ij / 4,
    ///                   c' = c + sum a_i / 2 + sum_{i<j} b_ij / 4
    /// so that E_binary(x) == E_spin(2x - 1) for every x. Labels and structure are kept.
    BinaryQuadraticModel change_vartype(vartype target) const {
        BinaryQuadraticModel out = *this;
        if (target == type_) return out;
        out.type_ = target;
        double off = offset_;
        if (target == vartype::binary) {
            for (std::size_t i = 0; i < adj_.size(); ++i) {
                double coupled = 0.0;
                for (const coupling& c : adj_[i]) {
                    coupled += c.bias;
                    if (c.neighbour > i) off += c.bias;
                }
                out.linear_[i] = 2.0 * linear_[i] - 2.0 * coupled;
                off -= linear_[i];
                for (coupling& c : out.adj_[i]) c.bias *= 4.0;
            }
        } else {
            for (std::size_t i = 0; i < adj_.size(); ++i) {
                double coupled = 0.0;
                for (const coupling& c : adj_[i]) {
                    coupled += c.bias;
                    if (c.neighbour > i) off += 0.25 * c.bias;
                }
                out.linear_[i] = 0.5 * linear_[i] + 0.25 * coupled;
                off += 0.5 * linear_[i];
                for (coupling& c : out.adj_[i]) c.bias *= 0.25;
            }
        }
        out.offset_ = off;
        return out;
    }
    BinaryQuadraticModel to_binary() const { return change_vartype(vartype::binary); }
    BinaryQuadraticModel to_spin() const { return change_vartype(vartype::spin); }

    /// @brief Same vartype, variables, labels, offset, linear biases and couplings (a missing
    /// coupling equals an explicit zero one). Exact comparison of doubles.
    friend bool operator==(const BinaryQuadraticModel& a, const BinaryQuadraticModel& b) {
        if (a.type_ != b.type_ || a.linear_ != b.linear_ || a.offset_ != b.offset_) return false;
        for (var_t i = 0; i < a.num_variables(); ++i) {
            if (a.label(i) != b.label(i)) return false;
            if (!same_nonzero(a.adj_[i], b.adj_[i])) return false;
        }
        return true;
    }

    /// @brief Energy without checking the sample (length n, valid values): for solver loops.
    double energy_unchecked(std::span<const std::int8_t> v) const noexcept {
        double e = offset_;
        for (std::size_t i = 0; i < adj_.size(); ++i) {
            const double vi = v[i];
            if (vi == 0.0) continue;
            double field = linear_[i];
            for (const coupling& c : adj_[i]) {
                if (c.neighbour > i) field += c.bias * v[c.neighbour];
            }
            e += vi * field;
        }
        return e;
    }

private:
    void check_index(var_t i) const {
        if (i >= num_variables()) {
            throw index_error("variable index " + std::to_string(i) + " is out of range; the model has " +
                              std::to_string(num_variables()) + " variables");
        }
    }

    static double check_finite(double v, const char* what) {
        if (!std::isfinite(v)) throw value_error(std::string(what) + " must be finite, got " + std::to_string(v));
        return v;
    }

    const coupling* lookup(var_t i, var_t j) const noexcept {
        const auto& row = adj_[i];
        const auto it = std::lower_bound(row.begin(), row.end(), j,
                                         [](const coupling& c, var_t k) { return c.neighbour < k; });
        return (it != row.end() && it->neighbour == j) ? &*it : nullptr;
    }

    /// The bias slot for j in row i, inserted (zero) when missing. Appending a neighbour larger
    /// than all present ones, the common case when reading files, costs O(1).
    double& slot(var_t i, var_t j) {
        auto& row = adj_[i];
        if (row.empty() || row.back().neighbour < j) {
            if (i < j) ++num_interactions_;
            row.push_back({j, 0.0});
            return row.back().bias;
        }
        const auto it = std::lower_bound(row.begin(), row.end(), j,
                                         [](const coupling& c, var_t k) { return c.neighbour < k; });
        if (it != row.end() && it->neighbour == j) return it->bias;
        if (i < j) ++num_interactions_;
        return row.insert(it, coupling{j, 0.0})->bias;
    }

    void erase(var_t i, var_t j) {
        auto& row = adj_[i];
        const auto it = std::lower_bound(row.begin(), row.end(), j,
                                         [](const coupling& c, var_t k) { return c.neighbour < k; });
        row.erase(it);
    }

    static bool same_nonzero(const std::vector<coupling>& a, const std::vector<coupling>& b) {
        auto ia = a.begin();
        auto ib = b.begin();
        while (true) {
            while (ia != a.end() && ia->bias == 0.0) ++ia;
            while (ib != b.end() && ib->bias == 0.0) ++ib;
            if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
            if (!(*ia == *ib)) return false;
            ++ia;
            ++ib;
        }
    }

    vartype type_;
    std::vector<double> linear_;
    std::vector<std::vector<coupling>> adj_;
    std::vector<std::string> labels_; // empty until a label is set, then one per variable
    std::map<std::string, var_t, std::less<>> by_label_;
    std::size_t num_interactions_ = 0;
    double offset_ = 0.0;
};

} // namespace qcoach::qubo
