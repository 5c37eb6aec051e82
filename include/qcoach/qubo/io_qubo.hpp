#pragma once
/// @file
/// @brief qbsolv ".qubo" files (D-Wave qbsolv's input format).
///
///     c comment lines start with "c" and may appear anywhere
///     p qubo <topology> <maxNodes> <nNodes> <nCouplers>
///     i i <weight>        nNodes node lines    (0-based, i < maxNodes)
///     i j <strength>      nCouplers coupler lines, i < j
///
/// Meaning: minimize E(x) = sum_i Q_ii x_i + sum_{i<j} Q_ij x_i x_j over x in {0,1}^maxNodes.
/// The model has maxNodes variables. As the format requires, a repeated node or coupler is an
/// error; the topology word is read and ignored ("0" or "unconstrained" in practice). Two
/// rules of the qbsolv text are not enforced because real files break them and they change no
/// energy: couplers of strength 0, and nodes without couplers, are accepted.
///
/// Extension: the format has no constant term, so qcoach writes a non-zero offset as the
/// comment line "c qcoach offset <value>" and reads it back; qbsolv ignores it as a comment.
/// Labels are not stored (use the JSON format for a lossless copy).

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/detail/scanner.hpp"
#include "qcoach/qubo/model.hpp"

namespace qcoach::qubo {

namespace detail {
inline std::string out_of_range(std::uint64_t node, std::uint64_t max_nodes) {
    std::string s = "node " + std::to_string(node) + " is out of range: the problem line declares maxNodes = " +
                    std::to_string(max_nodes);
    if (max_nodes > 0) s += " (nodes 0.." + std::to_string(max_nodes - 1) + ")";
    return s;
}
} // namespace detail

/// @brief Parse a .qubo file's text; `source` names it in errors.
inline BinaryQuadraticModel read_qubo(std::string_view text, const std::string& source) {
    detail::line_scanner s(text, source);
    bool have_header = false;
    bool have_offset = false;
    double offset = 0.0;
    std::uint64_t max_nodes = 0, n_nodes = 0, n_couplers = 0, nodes = 0, couplers = 0;
    BinaryQuadraticModel m(vartype::binary);
    std::vector<bool> node_seen;
    while (s.next_line()) {
        const std::string_view first = s.word("a line");
        if (first.front() == 'c') {
            // A comment; "c qcoach offset <value>" carries the offset.
            if (first == "c" && !s.at_end_of_line() && s.word("a comment") == "qcoach" && !s.at_end_of_line() &&
                s.word("a comment") == "offset") {
                const double v = s.number("the offset value");
                s.expect_end_of_line("the offset");
                if (have_offset) s.fail("the offset is given twice");
                have_offset = true;
                offset = v;
            }
            continue;
        }
        if (!have_header) {
            if (first != "p") s.fail("expected the problem line \"p qubo topology maxNodes nNodes nCouplers\"");
            if (s.word("the file type \"qubo\"") != "qubo") s.fail("the file type must be \"qubo\"");
            (void)s.word("the topology");
            max_nodes = s.unsigned_integer("maxNodes");
            s.check_variable_count(max_nodes);
            n_nodes = s.unsigned_integer("nNodes");
            if (n_nodes > max_nodes) {
                s.fail("nNodes " + std::to_string(n_nodes) + " exceeds maxNodes " + std::to_string(max_nodes));
            }
            n_couplers = s.unsigned_integer("nCouplers");
            const std::uint64_t max_pairs = max_nodes == 0 ? 0 : max_nodes * (max_nodes - 1) / 2;
            if (n_couplers > max_pairs) {
                s.fail("nCouplers " + std::to_string(n_couplers) + " exceeds the " + std::to_string(max_pairs) +
                       " pairs of " + std::to_string(max_nodes) + " nodes");
            }
            s.expect_end_of_line("the problem line");
            s.check_count(n_nodes, 6, "node line");
            s.check_count(n_couplers, 6, "coupler line");
            s.check_count(n_nodes + n_couplers, 6, "node and coupler line");
            m.add_variables(static_cast<std::size_t>(max_nodes));
            node_seen.assign(static_cast<std::size_t>(max_nodes), false);
            have_header = true;
            continue;
        }
        const std::uint64_t i = s.to_unsigned(first, "a node index");
        const int line_column = s.token_column();
        if (i >= max_nodes) s.fail(detail::out_of_range(i, max_nodes));
        const std::uint64_t j = s.unsigned_integer("a node index");
        if (j >= max_nodes) s.fail(detail::out_of_range(j, max_nodes));
        const double v = s.number("a weight");
        s.expect_end_of_line("\"i j value\"");
        const auto vi = static_cast<var_t>(i);
        const auto vj = static_cast<var_t>(j);
        if (i == j) {
            if (node_seen[vi]) s.fail_at_column(line_column, "node " + std::to_string(i) + " is listed twice");
            if (++nodes > n_nodes) s.fail_at_column(line_column, "more node lines than the " + std::to_string(n_nodes) + " declared");
            node_seen[vi] = true;
            m.add_linear(vi, v);
        } else {
            if (j < i) s.fail_at_column(line_column, "coupler (" + std::to_string(i) + ", " + std::to_string(j) + ") must have i < j");
            if (m.has_interaction(vi, vj)) {
                s.fail_at_column(line_column, "coupler (" + std::to_string(i) + ", " + std::to_string(j) + ") is listed twice");
            }
            if (++couplers > n_couplers) s.fail_at_column(line_column, "more coupler lines than the " + std::to_string(n_couplers) + " declared");
            m.add_quadratic(vi, vj, v);
        }
    }
    if (!have_header) s.fail_at_end("no problem line \"p qubo topology maxNodes nNodes nCouplers\" found");
    if (nodes != n_nodes || couplers != n_couplers) {
        s.fail_at_end("the problem line declares " + std::to_string(n_nodes) + " nodes and " + std::to_string(n_couplers) +
                      " couplers, the file has " + std::to_string(nodes) + " and " + std::to_string(couplers));
    }
    m.set_offset(offset);
    return m;
}

inline BinaryQuadraticModel read_qubo(std::istream& in, const std::string& source = "<stream>") {
    const std::string text = detail::read_stream(in);
    return read_qubo(text, source);
}

inline BinaryQuadraticModel read_qubo_file(const std::string& path) {
    const std::string text = detail::read_text_file(path);
    return read_qubo(text, path);
}

/// @brief Write a binary model as a .qubo file: every variable as a node line (so the variable
/// count survives), every non-zero coupling as a coupler line, a non-zero offset as the
/// "c qcoach offset" comment.
inline void write_qubo(std::ostream& out, const BinaryQuadraticModel& m) {
    if (m.type() != vartype::binary) throw value_error("a .qubo file holds a binary model; convert it with to_binary()");
    std::size_t couplers = 0;
    m.for_each_interaction([&](var_t, var_t, double b) { couplers += b != 0.0 ? 1 : 0; });
    out << "c qbsolv QUBO written by qcoach: E(x) = sum_i Q_ii x_i + sum_{i<j} Q_ij x_i x_j\n";
    if (m.offset() != 0.0) out << "c qcoach offset " << detail::format_number(m.offset()) << '\n';
    out << "p qubo 0 " << m.num_variables() << ' ' << m.num_variables() << ' ' << couplers << '\n';
    for (var_t i = 0; i < m.num_variables(); ++i) out << i << ' ' << i << ' ' << detail::format_number(m.linear(i)) << '\n';
    m.for_each_interaction([&](var_t i, var_t j, double b) {
        if (b != 0.0) out << i << ' ' << j << ' ' << detail::format_number(b) << '\n';
    });
    if (!out) throw error("writing the .qubo file failed");
}

} // namespace qcoach::qubo
