#pragma once
/// @file
/// @brief Undirected graphs for the colouring relative of session scheduling, and the DIMACS
/// `.col` reader.
///
/// Format (DIMACS Second Implementation Challenge, 1993; the files of M. Trick's COLOR page):
///
///     c <comment>
///     p edge <n> <m>        (also "p col <n> <m>"; exactly one, before any edge)
///     e <u> <v>             (1 <= u, v <= n)
///
/// Some files list each edge twice (u v and v u) and count both in m; the reader keeps each
/// undirected edge once and records the declared m. A self-loop is an error (such a vertex has
/// no proper colour). Errors are qcoach::parse_error with source, line and column.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

/// @brief A simple undirected graph on vertices 0..n-1 (DIMACS vertex k is vertex k - 1).
struct graph {
    std::string name;                 ///< e.g. the file's stem
    std::size_t num_vertices = 0;
    /// Undirected edges, u < v, sorted, without repeats.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    std::size_t declared_edges = 0;   ///< m of the "p" line (files may count each edge twice)

    /// @brief Sorted neighbour lists.
    std::vector<std::vector<std::uint32_t>> adjacency() const {
        std::vector<std::vector<std::uint32_t>> adj(num_vertices);
        for (const auto& [u, v] : edges) {
            adj[u].push_back(v);
            adj[v].push_back(u);
        }
        for (auto& a : adj) std::sort(a.begin(), a.end());
        return adj;
    }
};

/// @brief A graph from an edge list (0-based): edges are normalized (u < v), sorted and made
/// unique. Throws index_error for a vertex out of range, value_error for a self-loop.
inline graph make_graph(std::size_t num_vertices, std::vector<std::pair<std::uint32_t, std::uint32_t>> edges,
                        std::string name = {}) {
    graph g;
    g.name = std::move(name);
    g.num_vertices = num_vertices;
    g.declared_edges = edges.size();
    for (auto& [u, v] : edges) {
        if (u >= num_vertices || v >= num_vertices) {
            throw index_error("edge (" + std::to_string(u) + ", " + std::to_string(v) + ") has a vertex out of range 0.." +
                              std::to_string(num_vertices == 0 ? 0 : num_vertices - 1));
        }
        if (u == v) throw value_error("vertex " + std::to_string(u) + " has a self-loop; it cannot be coloured");
        if (u > v) std::swap(u, v);
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    g.edges = std::move(edges);
    return g;
}

namespace detail {

/// Whitespace-separated tokens of a line with their 1-based columns.
inline std::vector<std::pair<std::string_view, int>> dimacs_tokens(std::string_view line) {
    std::vector<std::pair<std::string_view, int>> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const std::size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > b) out.emplace_back(line.substr(b, i - b), static_cast<int>(b + 1));
    }
    return out;
}

inline std::uint64_t dimacs_number(const std::pair<std::string_view, int>& tok, const std::string& source, int line,
                                   const char* what) {
    std::uint64_t v = 0;
    const auto* end = tok.first.data() + tok.first.size();
    const auto r = std::from_chars(tok.first.data(), end, v);
    if (r.ec != std::errc{} || r.ptr != end) {
        throw parse_error(source, line, tok.second,
                          std::string("expected ") + what + " (a non-negative integer), got \"" + std::string(tok.first) + "\"");
    }
    return v;
}

} // namespace detail

/// @brief Read a DIMACS `.col` graph from a stream; `source` names it in errors.
inline graph read_dimacs_col(std::istream& in, const std::string& source) {
    graph g;
    bool have_p = false;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    std::string text;
    int line_no = 0;
    // Vertex counts are capped so that n * colours variables stay addressable and the
    // adjacency fits in memory on any realistic machine.
    constexpr std::uint64_t max_vertices = 1u << 24;
    while (std::getline(in, text)) {
        ++line_no;
        const auto tok = detail::dimacs_tokens(text);
        if (tok.empty()) continue;
        const std::string_view kind = tok[0].first;
        if (kind == "c") continue;
        if (kind == "p") {
            if (have_p) throw parse_error(source, line_no, tok[0].second, "a second \"p\" line (there must be exactly one)");
            if (tok.size() != 4) throw parse_error(source, line_no, tok[0].second, "expected \"p edge <vertices> <edges>\"");
            if (tok[1].first != "edge" && tok[1].first != "edges" && tok[1].first != "col") {
                throw parse_error(source, line_no, tok[1].second,
                                  "unknown problem \"" + std::string(tok[1].first) + "\" (expected \"edge\" or \"col\")");
            }
            const std::uint64_t n = detail::dimacs_number(tok[2], source, line_no, "the number of vertices");
            if (n == 0 || n > max_vertices) {
                throw parse_error(source, line_no, tok[2].second,
                                  "the number of vertices must be in 1.." + std::to_string(max_vertices) + ", got " + std::to_string(n));
            }
            g.num_vertices = static_cast<std::size_t>(n);
            g.declared_edges = static_cast<std::size_t>(detail::dimacs_number(tok[3], source, line_no, "the number of edges"));
            have_p = true;
            continue;
        }
        if (kind == "e") {
            if (!have_p) throw parse_error(source, line_no, tok[0].second, "an edge before the \"p edge <n> <m>\" line");
            if (tok.size() != 3) {
                throw parse_error(source, line_no, tok.size() < 3 ? tok.back().second : tok[3].second,
                                  tok.size() < 3 ? "expected \"e <u> <v>\"" : "unexpected text after \"e <u> <v>\"");
            }
            std::uint32_t ends[2];
            for (int k = 0; k < 2; ++k) {
                const std::uint64_t v = detail::dimacs_number(tok[1 + k], source, line_no, "a vertex number");
                if (v < 1 || v > g.num_vertices) {
                    throw parse_error(source, line_no, tok[1 + k].second,
                                      "vertex " + std::to_string(v) + " is out of range 1.." + std::to_string(g.num_vertices));
                }
                ends[k] = static_cast<std::uint32_t>(v - 1);
            }
            if (ends[0] == ends[1]) {
                throw parse_error(source, line_no, tok[1].second,
                                  "self-loop on vertex " + std::to_string(ends[0] + 1) + " (such a vertex has no proper colour)");
            }
            edges.emplace_back(ends[0], ends[1]);
            continue;
        }
        throw parse_error(source, line_no, tok[0].second,
                          "unknown line type \"" + std::string(kind) + "\" (expected c, p or e)");
    }
    if (in.bad()) throw parse_error(source, line_no, 0, "read error");
    if (!have_p) throw parse_error(source, 0, 0, "no \"p edge <vertices> <edges>\" line");
    const std::size_t declared = g.declared_edges;
    g = make_graph(g.num_vertices, std::move(edges), source);
    g.declared_edges = declared;
    return g;
}

/// @brief Read a DIMACS `.col` file; the graph is named after the file's stem.
inline graph read_dimacs_col_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw parse_error(path, 0, 0, "is a directory, not a file");
    std::ifstream in(path);
    if (!in) throw parse_error(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
    graph g = read_dimacs_col(in, path);
    std::string stem = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    if (const auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
    g.name = stem;
    return g;
}

} // namespace qcoach::coaching
