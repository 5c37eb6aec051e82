#pragma once
/// @file
/// @brief rudy graph files (the G-set MaxCut benchmarks of Helmberg and Rendl) as MaxCut Ising
/// models.
///
/// Format: a line "n m", then m lines "i j w": 1-based vertices i != j, edge weight w.
/// Undirected; an edge may be given as (i, j) or (j, i) but only once.
///
/// MaxCut: maximize cut(s) = sum_{(i,j) in E} w_ij (1 - s_i s_j) / 2 over s in {-1, +1}^n
/// (an edge is cut when its ends have different spins). The model is the Ising model
///
///     E(s) = sum_{(i,j) in E} w_ij s_i s_j      (J_ij = w_ij, no fields, offset 0)
///
/// and cut(s) = (W - E(s)) / 2 with W = sum w_ij, so minimizing E maximizes the cut.

#include <cstdint>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/detail/scanner.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo {

/// @brief cut(s) = sum_{i<j} J_ij (1 - s_i s_j) / 2 of an Ising model read as a weighted graph
/// (the linear biases and offset are ignored). The spins are checked.
inline double maxcut_value(const BinaryQuadraticModel& ising, std::span<const std::int8_t> spins) {
    if (ising.type() != vartype::spin) throw value_error("a MaxCut model is a spin model");
    check_sample(vartype::spin, ising.num_variables(), spins, "spins");
    double cut = 0.0;
    ising.for_each_interaction([&](var_t i, var_t j, double w) {
        if (spins[i] != spins[j]) cut += w;
    });
    return cut;
}

/// A MaxCut instance: the Ising model and the total edge weight.
struct MaxCutGraph {
    BinaryQuadraticModel model{vartype::spin}; ///< E(s) = sum w_ij s_i s_j
    double total_weight = 0.0;                 ///< W = sum w_ij

    /// @brief The cut value of a spin assignment (computed from the edges).
    double cut_value(std::span<const std::int8_t> spins) const { return maxcut_value(model, spins); }
    /// @brief cut = (W - E) / 2.
    double cut_from_energy(double energy) const noexcept { return 0.5 * (total_weight - energy); }
    double energy_from_cut(double cut) const noexcept { return total_weight - 2.0 * cut; }
};

/// @brief Parse a rudy file's text; `source` names it in errors.
inline MaxCutGraph read_rudy(std::string_view text, const std::string& source) {
    detail::line_scanner s(text, source);
    if (!s.next_line()) s.fail_at_end("empty input: expected \"n m\"");
    const std::uint64_t n = s.unsigned_integer("the number of vertices");
    s.check_variable_count(n);
    const std::uint64_t m = s.unsigned_integer("the number of edges");
    s.expect_end_of_line("\"n m\"");
    if (n > 0 && m > n * (n - 1) / 2) {
        s.fail_at_token("declares " + std::to_string(m) + " edges; a simple graph on " + std::to_string(n) +
                        " vertices has at most " + std::to_string(n * (n - 1) / 2));
    }
    s.check_count(m, 6, "edge"); // "i j w" and a line end
    MaxCutGraph g;
    g.model = BinaryQuadraticModel(vartype::spin, static_cast<std::size_t>(n));
    for (std::uint64_t e = 0; e < m; ++e) {
        if (!s.next_line()) {
            s.fail_at_end("declares " + std::to_string(m) + " edges but the input ends after " + std::to_string(e));
        }
        const std::uint64_t i = s.unsigned_integer("a vertex");
        const int edge_column = s.token_column();
        if (i < 1 || i > n) s.fail("vertex " + std::to_string(i) + " is out of range 1.." + std::to_string(n));
        const std::uint64_t j = s.unsigned_integer("a vertex");
        if (j < 1 || j > n) s.fail("vertex " + std::to_string(j) + " is out of range 1.." + std::to_string(n));
        if (i == j) s.fail_at_column(edge_column, "self loop at vertex " + std::to_string(i) + " (a cut never separates it)");
        const double w = s.number("an edge weight");
        s.expect_end_of_line("\"i j w\"");
        const auto vi = static_cast<var_t>(i - 1);
        const auto vj = static_cast<var_t>(j - 1);
        if (g.model.has_interaction(vi, vj)) {
            s.fail_at_column(edge_column, "edge (" + std::to_string(i) + ", " + std::to_string(j) + ") is listed twice");
        }
        g.model.add_quadratic(vi, vj, w);
        g.total_weight += w;
    }
    if (s.next_line()) s.fail("unexpected text after the " + std::to_string(m) + " declared edges");
    return g;
}

inline MaxCutGraph read_rudy(std::istream& in, const std::string& source = "<stream>") {
    const std::string text = detail::read_stream(in);
    return read_rudy(text, source);
}

inline MaxCutGraph read_rudy_file(const std::string& path) {
    const std::string text = detail::read_text_file(path);
    return read_rudy(text, path);
}

/// @brief The MaxCut instance of an Ising model without fields (J_ij = edge weights).
inline MaxCutGraph maxcut_graph(const BinaryQuadraticModel& ising) {
    if (ising.type() != vartype::spin) throw value_error("a MaxCut model is a spin model");
    for (var_t i = 0; i < ising.num_variables(); ++i) {
        if (ising.linear(i) != 0.0) {
            throw value_error("variable " + ising.name(i) + " has a field; a MaxCut graph has couplings only");
        }
    }
    if (ising.offset() != 0.0) throw value_error("a MaxCut graph model has offset 0");
    MaxCutGraph g;
    g.model = ising;
    ising.for_each_interaction([&](var_t, var_t, double w) { g.total_weight += w; });
    return g;
}

/// @brief Write an Ising model without fields and offset as a rudy graph (1-based, i < j).
inline void write_rudy(std::ostream& out, const BinaryQuadraticModel& ising) {
    (void)maxcut_graph(ising); // validates
    out << ising.num_variables() << ' ' << ising.num_interactions() << '\n';
    ising.for_each_interaction([&](var_t i, var_t j, double w) {
        out << i + 1 << ' ' << j + 1 << ' ' << detail::format_number(w) << '\n';
    });
    if (!out) throw error("writing the rudy file failed");
}

} // namespace qcoach::qubo
