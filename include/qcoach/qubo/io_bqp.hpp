#pragma once
/// @file
/// @brief OR-Library BQP files (Beasley 1998): several unconstrained binary quadratic
/// programs per file.
///
/// Format (whitespace-separated integers; lines may start with blanks):
///
///     K                  number of instances
///     n m                instance 1: variables, non-zero entries
///     i j q              m lines, 1-based, i <= j: the upper triangle of Q incl. the diagonal
///     ...                then instance 2, ...
///
/// Convention (data README): the instance MAXIMIZES f(x) = x^T Q x with Q symmetric and each
/// off-diagonal pair listed once, so f(x) = sum_i q_ii x_i + 2 sum_{i<j} q_ij x_i x_j. qcoach
/// minimizes, so the model holds E(x) = -f(x):
///
///     linear a_i = -q_ii,   coupling b_ij = -2 q_ij,   offset 0,   f(x) = -E(x).
///
/// A best-known value V of the literature is the energy -V. Entries with i > j and repeated
/// entries are rejected (the format lists each pair once).

#include <cstdint>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/detail/scanner.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo {

/// One instance of a BQP file.
struct BqpInstance {
    std::size_t index = 0;       ///< 1-based position in the file
    BinaryQuadraticModel model;  ///< E(x) = -x^T Q x (minimize)

    /// @brief The instance's own objective f(x) = x^T Q x (maximized) = -E(x).
    double objective(std::span<const std::int8_t> x) const { return objective_from_energy(model.energy(x)); }
    static constexpr double objective_from_energy(double energy) noexcept { return -energy; }
    static constexpr double energy_from_objective(double objective) noexcept { return -objective; }
};

/// @brief Parse a BQP file's text; `source` names it in errors.
inline std::vector<BqpInstance> read_bqp(std::string_view text, const std::string& source) {
    detail::line_scanner s(text, source);
    if (!s.next_line()) s.fail_at_end("empty input: expected the number of instances");
    const std::uint64_t count = s.unsigned_integer("the number of instances");
    s.expect_end_of_line("the number of instances");
    s.check_count(count, 4, "instance"); // each instance needs at least "n m" and a line end
    std::vector<BqpInstance> out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t k = 1; k <= count; ++k) {
        const std::string inst = "instance " + std::to_string(k) + " of " + std::to_string(count);
        if (!s.next_line()) s.fail_at_end("the input ends before " + inst);
        const std::uint64_t n = s.unsigned_integer("the number of variables");
        s.check_variable_count(n);
        const std::uint64_t m = s.unsigned_integer("the number of entries");
        s.expect_end_of_line("\"n m\"");
        if (m > n * (n + 1) / 2) {
            s.fail_at_token(inst + " declares " + std::to_string(m) + " entries; an upper triangle of " +
                            std::to_string(n) + " variables has at most " + std::to_string(n * (n + 1) / 2));
        }
        s.check_count(m, 6, "entry"); // "i j q" and a line end
        BqpInstance bi;
        bi.index = static_cast<std::size_t>(k);
        bi.model = BinaryQuadraticModel(vartype::binary, static_cast<std::size_t>(n));
        std::vector<bool> diagonal(static_cast<std::size_t>(n), false);
        for (std::uint64_t e = 0; e < m; ++e) {
            if (!s.next_line()) {
                s.fail_at_end(inst + " declares " + std::to_string(m) + " entries but the input ends after " +
                              std::to_string(e));
            }
            const std::uint64_t i = s.unsigned_integer("a row index");
            const int entry_column = s.token_column();
            if (i < 1 || i > n) s.fail("row index " + std::to_string(i) + " is out of range 1.." + std::to_string(n));
            const std::uint64_t j = s.unsigned_integer("a column index");
            if (j < 1 || j > n) s.fail("column index " + std::to_string(j) + " is out of range 1.." + std::to_string(n));
            if (j < i) {
                s.fail_at_column(entry_column, "entry (" + std::to_string(i) + ", " + std::to_string(j) +
                       ") is below the diagonal; the format lists the upper triangle (i <= j)");
            }
            const double q = s.number("a coefficient");
            s.expect_end_of_line("\"i j q\"");
            const auto vi = static_cast<var_t>(i - 1);
            const auto vj = static_cast<var_t>(j - 1);
            if (i == j) {
                if (diagonal[vi]) {
                    s.fail_at_column(entry_column, "entry (" + std::to_string(i) + ", " + std::to_string(j) + ") is listed twice");
                }
                diagonal[vi] = true;
                bi.model.add_linear(vi, -q);
            } else {
                if (bi.model.has_interaction(vi, vj)) {
                    s.fail_at_column(entry_column, "entry (" + std::to_string(i) + ", " + std::to_string(j) + ") is listed twice");
                }
                bi.model.add_quadratic(vi, vj, -2.0 * q);
            }
        }
        out.push_back(std::move(bi));
    }
    if (s.next_line()) s.fail("unexpected text after the " + std::to_string(count) + " declared instances");
    return out;
}

inline std::vector<BqpInstance> read_bqp(std::istream& in, const std::string& source = "<stream>") {
    const std::string text = detail::read_stream(in);
    return read_bqp(text, source);
}

inline std::vector<BqpInstance> read_bqp_file(const std::string& path) {
    const std::string text = detail::read_text_file(path);
    return read_bqp(text, path);
}

/// @brief Write binary models as one BQP file (q_ii = -a_i, q_ij = -b_ij / 2). Every model must
/// be binary with offset 0 (the format has no offset). Zero diagonal entries are omitted;
/// stored couplings are all written.
inline void write_bqp(std::ostream& out, std::span<const BinaryQuadraticModel> models) {
    for (std::size_t k = 0; k < models.size(); ++k) {
        const auto& m = models[k];
        if (m.type() != vartype::binary) {
            throw value_error("BQP instance " + std::to_string(k + 1) + " is a spin model; convert it with to_binary()");
        }
        if (m.offset() != 0.0) {
            throw value_error("BQP instance " + std::to_string(k + 1) + " has offset " + detail::format_number(m.offset()) +
                              "; the BQP format cannot store an offset");
        }
    }
    out << ' ' << models.size() << '\n';
    for (const auto& m : models) {
        std::size_t entries = m.num_interactions();
        for (double a : m.linear_biases()) entries += a != 0.0 ? 1 : 0;
        out << ' ' << m.num_variables() << ' ' << entries << '\n';
        for (var_t i = 0; i < m.num_variables(); ++i) {
            if (m.linear(i) != 0.0) out << ' ' << i + 1 << ' ' << i + 1 << ' ' << detail::format_number(-m.linear(i)) << '\n';
            for (const coupling& c : m.neighbours(i)) {
                if (c.neighbour > i) {
                    out << ' ' << i + 1 << ' ' << c.neighbour + 1 << ' ' << detail::format_number(-0.5 * c.bias) << '\n';
                }
            }
        }
    }
    if (!out) throw error("writing the BQP file failed");
}

inline void write_bqp(std::ostream& out, const BinaryQuadraticModel& model) {
    write_bqp(out, std::span<const BinaryQuadraticModel>(&model, 1));
}

} // namespace qcoach::qubo
