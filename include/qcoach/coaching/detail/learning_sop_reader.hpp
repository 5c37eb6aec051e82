#pragma once
/// @file
/// @brief Reader of sequential ordering problem (SOP) instances in TSPLIB format (G. Reinelt,
/// "TSPLIB - A traveling salesman problem library", ORSA J. Computing 3(4), 1991).
///
/// Format: "KEY : value" header lines (NAME, TYPE: SOP, DIMENSION: n, EDGE_WEIGHT_TYPE:
/// EXPLICIT, EDGE_WEIGHT_FORMAT: FULL_MATRIX, COMMENT, ...), then EDGE_WEIGHT_SECTION and the
/// n x n matrix row by row, then EOF (optional). Some copies repeat n as the first number of
/// the section, so n*n + 1 numbers whose first equals n are accepted too. Semantics: node 0 is
/// the start, node n-1 the end; c[i][j] = -1 means node j must come before node i; the cost
/// of a path 0 -> ... -> n-1 through all nodes is the sum of c over its arcs.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "qcoach/coaching/detail/learning_salbp_reader.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::coaching::detail {

/// An SOP instance: the full cost matrix including the start (0) and end (n-1) nodes.
struct sop_instance {
    std::string name;
    std::size_t n = 0;
    std::vector<std::vector<std::int64_t>> cost; ///< cost[i][j]; -1: j before i
};

/// @brief Parse TSPLIB SOP text; errors are parse_error(source, line, column, message).
inline sop_instance parse_sop(std::string_view text, const std::string& source) {
    sop_instance inst;
    std::size_t pos = 0;
    int line_no = 0;
    bool in_section = false;
    std::int64_t dim = -1;
    std::vector<std::int64_t> values;
    std::vector<int> value_line;
    while (pos < text.size()) {
        const std::size_t end = text.find('\n', pos);
        const std::string_view raw = text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
        ++line_no;
        const std::string_view line = trim(raw);
        if (line.empty()) continue;
        if (line == "EOF") break;
        if (!in_section) {
            if (line.rfind("EDGE_WEIGHT_SECTION", 0) == 0) {
                if (dim < 0) throw parse_error(source, line_no, 1, "EDGE_WEIGHT_SECTION before DIMENSION");
                in_section = true;
                continue;
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos)
                throw parse_error(source, line_no, 1, "expected 'KEY : value' or EDGE_WEIGHT_SECTION, got '" +
                                                           std::string(line.substr(0, 40)) + "'");
            const std::string_view key = trim(line.substr(0, colon));
            const std::string_view value = trim(line.substr(colon + 1));
            const int col = static_cast<int>(value.data() - raw.data() + 1);
            if (key == "NAME") {
                inst.name = std::string(value);
            } else if (key == "TYPE") {
                if (value != "SOP") throw parse_error(source, line_no, col, "TYPE is '" + std::string(value) + "'; expected SOP");
            } else if (key == "DIMENSION") {
                if (!parse_int(value, dim) || dim < 2 || dim > 5000)
                    throw parse_error(source, line_no, col, "DIMENSION must be an integer in 2..5000, got '" + std::string(value) + "'");
            } else if (key == "EDGE_WEIGHT_TYPE") {
                if (value != "EXPLICIT")
                    throw parse_error(source, line_no, col, "EDGE_WEIGHT_TYPE '" + std::string(value) + "' is not supported; expected EXPLICIT");
            } else if (key == "EDGE_WEIGHT_FORMAT") {
                if (value != "FULL_MATRIX")
                    throw parse_error(source, line_no, col, "EDGE_WEIGHT_FORMAT '" + std::string(value) + "' is not supported; expected FULL_MATRIX");
            }
            continue; // COMMENT and other keys carry nothing the problem needs
        }
        std::size_t k = 0;
        while (k < line.size()) {
            while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
            std::size_t e = k;
            while (e < line.size() && line[e] != ' ' && line[e] != '\t') ++e;
            if (e == k) break;
            std::int64_t v = 0;
            if (!parse_int(line.substr(k, e - k), v))
                throw parse_error(source, line_no, static_cast<int>(line.data() - raw.data() + k + 1),
                                  "expected an integer edge weight, got '" + std::string(line.substr(k, e - k)) + "'");
            values.push_back(v);
            value_line.push_back(line_no);
            k = e;
        }
    }
    if (!in_section) throw parse_error(source, line_no, 0, "no EDGE_WEIGHT_SECTION");
    const auto n = static_cast<std::size_t>(dim);
    std::size_t first = 0;
    if (values.size() == n * n + 1 && values[0] == dim) first = 1;
    if (values.size() - first != n * n)
        throw parse_error(source, line_no, 0, "EDGE_WEIGHT_SECTION holds " + std::to_string(values.size()) +
                                                  " numbers; a " + std::to_string(n) + " x " + std::to_string(n) +
                                                  " matrix needs " + std::to_string(n * n));
    inst.n = n;
    inst.cost.assign(n, std::vector<std::int64_t>(n, 0));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const std::int64_t v = values[first + i * n + j];
            if (v < -1)
                throw parse_error(source, value_line[first + i * n + j], 0,
                                  "weight c[" + std::to_string(i) + "][" + std::to_string(j) + "] = " + std::to_string(v) +
                                      "; weights are >= 0, or -1 for a precedence");
            inst.cost[i][j] = v;
        }
    if (inst.name.empty()) {
        inst.name = source;
        if (const auto slash = inst.name.find_last_of('/'); slash != std::string::npos) inst.name = inst.name.substr(slash + 1);
    }
    if (const auto dot = inst.name.find(".sop"); dot != std::string::npos) inst.name = inst.name.substr(0, dot);
    return inst;
}

/// @brief Read a TSPLIB SOP file.
inline sop_instance read_sop(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw parse_error(path, 0, 0, "cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_sop(ss.str(), path);
}

} // namespace qcoach::coaching::detail
