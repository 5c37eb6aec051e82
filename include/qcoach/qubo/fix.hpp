#pragma once
/// @file
/// @brief Fixing variables: a person's pins (x_i = 0 or 1, or s_i = +-1) give a smaller model
/// whose samples map back to full samples with the pinned values in place.
///
/// With F the pinned set and v_F its values, the energy splits as
///
///     E(v) = [c + sum_{i in F} h_i v_i + sum_{i<j in F} J_ij v_i v_j]           (constant)
///          + sum_{j not in F} (h_j + sum_{i in F} J_ij v_i) v_j                  (linear)
///          + sum_{i<j not in F} J_ij v_i v_j                                     (quadratic)
///
/// so the reduced model has the bracket as its offset, and E_reduced(y) == E(expand(y)) exactly
/// in exact arithmetic. The minimum of the reduced model is the minimum of the full model over
/// the samples that respect the pins.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

/// A pinned variable: its index in the full model and the value it must take (in the model's
/// vartype: 0/1 or -1/+1).
struct pin {
    var_t variable;
    std::int8_t value;
};

/// @brief The model left after pinning some variables, and the maps between its samples and the
/// full model's samples. Free variables keep their relative order and their labels.
class ReducedModel {
public:
    /// The smaller model; its offset holds the energy of the pinned part.
    const BinaryQuadraticModel& model() const noexcept { return model_; }
    std::size_t num_original_variables() const noexcept { return pinned_.size(); }
    /// Full-model index of each reduced variable, in reduced order.
    std::span<const var_t> kept() const noexcept { return kept_; }
    std::span<const pin> pins() const noexcept { return pins_; }

    /// @brief The pinned value of full-model variable i, or nothing when it is free.
    std::optional<std::int8_t> pinned_value(var_t i) const {
        check_original(i);
        if (reduced_of_[i] != pinned_marker) return std::nullopt;
        return pinned_[i];
    }

    /// @brief Index of full-model variable i in the reduced model, or nothing when it is pinned.
    std::optional<var_t> reduced_index(var_t i) const {
        check_original(i);
        if (reduced_of_[i] == pinned_marker) return std::nullopt;
        return reduced_of_[i];
    }

    /// @brief The full sample for a sample of the reduced model: pinned values in place.
    std::vector<std::int8_t> expand(std::span<const std::int8_t> reduced_sample) const {
        check_sample(model_.type(), model_.num_variables(), reduced_sample, "reduced sample");
        std::vector<std::int8_t> full(pinned_);
        for (std::size_t k = 0; k < kept_.size(); ++k) full[kept_[k]] = reduced_sample[k];
        return full;
    }

    /// @brief The reduced sample (free variables only) of a full sample; the full sample must
    /// respect the pins.
    std::vector<std::int8_t> restrict_sample(std::span<const std::int8_t> full_sample) const {
        check_sample(model_.type(), pinned_.size(), full_sample, "full sample");
        for (const pin& p : pins_) {
            if (full_sample[p.variable] != p.value) {
                throw value_error("full sample has variable " + std::to_string(p.variable) + " = " +
                                  std::to_string(static_cast<int>(full_sample[p.variable])) + " but it is pinned to " +
                                  std::to_string(static_cast<int>(p.value)));
            }
        }
        std::vector<std::int8_t> out(kept_.size());
        for (std::size_t k = 0; k < kept_.size(); ++k) out[k] = full_sample[kept_[k]];
        return out;
    }

private:
    friend ReducedModel fix_variables(const BinaryQuadraticModel&, std::span<const pin>);
    static constexpr var_t pinned_marker = static_cast<var_t>(-1); // reduced_of_ entry of a pinned variable

    void check_original(var_t i) const {
        if (i >= pinned_.size()) {
            throw index_error("variable index " + std::to_string(i) + " is out of range; the full model has " +
                              std::to_string(pinned_.size()) + " variables");
        }
    }

    BinaryQuadraticModel model_;
    std::vector<var_t> kept_;
    std::vector<var_t> reduced_of_;   // full index -> reduced index (pinned_marker when pinned)
    std::vector<std::int8_t> pinned_; // full-length template: pinned values, 0/-1 filler elsewhere
    std::vector<pin> pins_;
};

/// @brief Pin variables of `m` and return the reduced model. A variable pinned twice to the same
/// value is accepted; to different values, or to a value outside the vartype, is an error.
inline ReducedModel fix_variables(const BinaryQuadraticModel& m, std::span<const pin> pins) {
    const std::size_t n = m.num_variables();
    const vartype t = m.type();
    ReducedModel r;
    r.pinned_.assign(n, t == vartype::binary ? std::int8_t{0} : std::int8_t{-1});
    std::vector<bool> is_pinned(n, false);
    for (const pin& p : pins) {
        if (p.variable >= n) {
            throw index_error("pinned variable " + std::to_string(p.variable) + " is out of range; the model has " +
                              std::to_string(n) + " variables");
        }
        if (!valid_value(t, p.value)) {
            throw value_error("variable " + m.name(p.variable) + " is pinned to " + std::to_string(static_cast<int>(p.value)) +
                              "; a " + std::string(vartype_name(t)) + " variable takes " +
                              (t == vartype::binary ? "0 or 1" : "-1 or +1"));
        }
        if (is_pinned[p.variable]) {
            if (r.pinned_[p.variable] != p.value) {
                throw value_error("variable " + m.name(p.variable) + " is pinned to both " +
                                  std::to_string(static_cast<int>(r.pinned_[p.variable])) + " and " +
                                  std::to_string(static_cast<int>(p.value)));
            }
            continue;
        }
        is_pinned[p.variable] = true;
        r.pinned_[p.variable] = p.value;
        r.pins_.push_back(p);
    }

    r.reduced_of_.assign(n, ReducedModel::pinned_marker);
    for (var_t i = 0; i < n; ++i) {
        if (is_pinned[i]) continue;
        r.reduced_of_[i] = static_cast<var_t>(r.kept_.size());
        r.kept_.push_back(i);
    }

    BinaryQuadraticModel out(t, r.kept_.size());
    double offset = m.offset();
    for (var_t i = 0; i < n; ++i) {
        if (is_pinned[i]) {
            const double vi = r.pinned_[i];
            offset += m.linear(i) * vi;
            for (const coupling& c : m.neighbours(i)) {
                // Pinned-pinned pairs count once (j > i); pinned-free pairs feed the free side.
                if (is_pinned[c.neighbour]) {
                    if (c.neighbour > i) offset += c.bias * vi * r.pinned_[c.neighbour];
                } else {
                    out.add_linear(r.reduced_of_[c.neighbour], c.bias * vi);
                }
            }
        } else {
            const var_t ri = r.reduced_of_[i];
            out.add_linear(ri, m.linear(i));
            if (!m.label(i).empty()) out.set_label(ri, m.label(i));
            for (const coupling& c : m.neighbours(i)) {
                if (c.neighbour > i && !is_pinned[c.neighbour]) out.add_quadratic(ri, r.reduced_of_[c.neighbour], c.bias);
            }
        }
    }
    out.set_offset(offset);
    r.model_ = std::move(out);
    return r;
}

/// @brief Convenience overload taking an initializer list or vector of pins.
inline ReducedModel fix_variables(const BinaryQuadraticModel& m, const std::vector<pin>& pins) {
    return fix_variables(m, std::span<const pin>(pins));
}

/// @brief One-hot groups (binary variables, exactly one 1 per group) in the numbering of the
/// model that fix_variables(m, pins) leaves: free variables keep their order. For a QAOA whose
/// XY mixer keeps each group one-hot on the reduced model:
///   - a variable pinned to 0 leaves its group;
///   - a group with a variable pinned to 1 is decided (its other variables must be 0) and is
///     dropped, since the rest of it is no longer one-hot;
///   - groups left empty are dropped.
/// Throws index_error for a pin or group variable >= num_variables.
inline std::vector<std::vector<var_t>> groups_after_pins(const std::vector<std::vector<var_t>>& groups,
                                                         std::span<const pin> pins, std::size_t num_variables) {
    constexpr std::int8_t free_marker = -1;
    std::vector<std::int8_t> value(num_variables, free_marker);
    for (const pin& p : pins) {
        if (p.variable >= num_variables) {
            throw index_error("pinned variable " + std::to_string(p.variable) + " is out of range; the model has " +
                              std::to_string(num_variables) + " variables");
        }
        value[p.variable] = p.value;
    }
    std::vector<var_t> reduced(num_variables, 0);
    var_t next = 0;
    for (std::size_t v = 0; v < num_variables; ++v)
        if (value[v] == free_marker) reduced[v] = next++;
    std::vector<std::vector<var_t>> out;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        std::vector<var_t> r;
        bool decided = false;
        for (var_t v : groups[gi]) {
            if (v >= num_variables) {
                throw index_error("variable " + std::to_string(v) + " of one-hot group " + std::to_string(gi) +
                                  " is out of range; the model has " + std::to_string(num_variables) + " variables");
            }
            if (value[v] == free_marker) r.push_back(reduced[v]);
            else if (value[v] == 1) decided = true;
        }
        if (!decided && !r.empty()) out.push_back(std::move(r));
    }
    return out;
}

} // namespace qcoach::qubo
