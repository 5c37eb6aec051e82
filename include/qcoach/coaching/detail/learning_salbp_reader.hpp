#pragma once
/// @file
/// @brief Reader of SALBP instances in Scholl's .IN2 format (A. Scholl, "Data of assembly line
/// balancing problems", TH Darmstadt 1993; assembly-line-balancing.de).
///
/// Format: line 1 the number of tasks n; the next n lines the integer task times t_1..t_n; then
/// one precedence arc "i,j" per line (1-based: task i in the same or an earlier station than
/// task j), up to the terminator "-1,-1". Everything after the terminator is ignored (some
/// files carry remarks there, in CP437); a file may also simply end after its last arc. Lines
/// end in LF or CRLF; blank lines are skipped. The cycle time is not part of the file.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"

namespace qcoach::coaching::detail {

/// A SALBP instance: task times and precedence arcs (0-based).
struct salbp_instance {
    std::string name;                                     ///< file name without directory and extension
    std::vector<std::int64_t> times;
    std::vector<std::pair<std::size_t, std::size_t>> arcs; ///< (i, j): i no later than j
};

/// Read the text after a position as a whole decimal integer with optional sign; false on junk.
inline bool parse_int(std::string_view s, std::int64_t& v) {
    std::size_t k = 0;
    bool neg = false;
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) neg = s[k++] == '-';
    if (k == s.size()) return false;
    v = 0;
    for (; k < s.size(); ++k) {
        if (s[k] < '0' || s[k] > '9') return false;
        if (v > (std::int64_t{1} << 50)) return false;
        v = v * 10 + (s[k] - '0');
    }
    if (neg) v = -v;
    return true;
}

/// Trim spaces, tabs and a trailing CR.
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/// @brief Parse .IN2 text. `source` names the input in errors (parse_error: source:line:col).
inline salbp_instance parse_salbp_in2(std::string_view text, const std::string& source) {
    salbp_instance inst;
    {
        std::string base = source;
        if (const auto slash = base.find_last_of('/'); slash != std::string::npos) base = base.substr(slash + 1);
        if (const auto dot = base.find_last_of('.'); dot != std::string::npos && dot > 0) base = base.substr(0, dot);
        inst.name = base;
    }
    std::size_t pos = 0;
    int line_no = 0;
    auto next_line = [&](std::string_view& out) {
        while (pos < text.size()) {
            const std::size_t end = text.find('\n', pos);
            const std::string_view raw = text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos);
            pos = end == std::string_view::npos ? text.size() : end + 1;
            ++line_no;
            out = trim(raw);
            if (!out.empty()) return true;
        }
        return false;
    };
    std::string_view line;
    std::int64_t n = 0;
    if (!next_line(line)) throw parse_error(source, 0, 0, "the file is empty; expected the number of tasks");
    if (!parse_int(line, n) || n <= 0 || n > 100000)
        throw parse_error(source, line_no, 1, "expected the number of tasks (a positive integer), got '" + std::string(line) + "'");
    for (std::int64_t k = 0; k < n; ++k) {
        if (!next_line(line))
            throw parse_error(source, line_no + 1, 0,
                              "the file ends after " + std::to_string(k) + " task times; expected " + std::to_string(n));
        std::int64_t t = 0;
        if (!parse_int(line, t) || t < 0)
            throw parse_error(source, line_no, 1,
                              "task " + std::to_string(k + 1) + ": expected a time (an integer >= 0), got '" + std::string(line) + "'");
        inst.times.push_back(t);
    }
    while (next_line(line)) {
        const std::size_t comma = line.find(',');
        std::int64_t i = 0, j = 0;
        if (comma == std::string_view::npos || !parse_int(trim(line.substr(0, comma)), i) ||
            !parse_int(trim(line.substr(comma + 1)), j))
            throw parse_error(source, line_no, 1, "expected a precedence arc 'i,j' or the terminator '-1,-1', got '" +
                                                       std::string(line.substr(0, 40)) + "'");
        if (i == -1 && j == -1) break;
        if (i < 1 || i > n || j < 1 || j > n)
            throw parse_error(source, line_no, 1, "arc " + std::to_string(i) + "," + std::to_string(j) +
                                                       " names a task outside 1.." + std::to_string(n));
        if (i == j) throw parse_error(source, line_no, 1, "arc " + std::to_string(i) + "," + std::to_string(j) + " is a loop");
        inst.arcs.emplace_back(static_cast<std::size_t>(i - 1), static_cast<std::size_t>(j - 1));
    }
    return inst;
}

/// @brief Read an .IN2 file (bytes taken as they are; only ASCII matters before the terminator).
inline salbp_instance read_salbp_in2(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw parse_error(path, 0, 0, "cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_salbp_in2(ss.str(), path);
}

} // namespace qcoach::coaching::detail
