#pragma once
// Known optima of the benchmark instances the example recognises by file name, so that it can
// print the gap of each plan. Sources: benchmarks/data/salbp_scholl/README.md (SALBP-1 station
// counts m*(c), solved to optimality with GLPK for the Scholl data set) and
// benchmarks/data/sop_tsplib/README.md (SOP: exact dynamic program, agreeing with the
// literature best-known values; ESC47/63/78 are literature best-known values only).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace learning_input {

struct known_value {
    std::int64_t value;
    bool proven; ///< proven optimal (else a best-known upper bound)
};

/// Optimal number of stations of a SALBP-1 instance (name in upper case, as the file) at cycle time c.
inline std::optional<known_value> salbp_optimum(std::string_view name, std::int64_t c) {
    struct entry {
        const char* name;
        std::int64_t c, m;
    };
    static constexpr entry table[] = {
        {"MERTENS", 6, 6},    {"MERTENS", 7, 5},    {"MERTENS", 8, 5},    {"MERTENS", 10, 3},   {"MERTENS", 15, 2},
        {"MERTENS", 18, 2},   {"BOWMAN8", 20, 5},   {"JAESCHKE", 6, 8},   {"JAESCHKE", 7, 7},   {"JAESCHKE", 8, 6},
        {"JAESCHKE", 10, 4},  {"JAESCHKE", 18, 3},  {"JACKSON", 7, 8},    {"JACKSON", 9, 6},    {"JACKSON", 10, 5},
        {"JACKSON", 13, 4},   {"JACKSON", 14, 4},   {"JACKSON", 21, 3},   {"MANSOOR", 48, 4},   {"MANSOOR", 62, 3},
        {"MANSOOR", 94, 2},   {"MITCHELL", 14, 8},  {"MITCHELL", 15, 8},  {"MITCHELL", 21, 5},  {"MITCHELL", 26, 5},
        {"MITCHELL", 35, 3},  {"MITCHELL", 39, 3},  {"HESKIA", 138, 8},   {"HESKIA", 205, 5},   {"HESKIA", 216, 5},
        {"HESKIA", 256, 4},   {"HESKIA", 324, 4},   {"HESKIA", 342, 3},
    };
    std::string upper(name);
    for (auto& ch : upper)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    for (const auto& e : table)
        if (upper == e.name && c == e.c) return known_value{e.m, true};
    return std::nullopt;
}

/// Optimal (or best-known) cost of an SOP instance.
inline std::optional<known_value> sop_optimum(std::string_view name) {
    struct entry {
        const char* name;
        std::int64_t cost;
        bool proven;
    };
    static constexpr entry table[] = {
        {"ESC07", 2125, true}, {"ESC11", 2075, true}, {"ESC12", 1675, true}, {"ESC25", 1681, true},
        {"br17.10", 55, true}, {"br17.12", 55, true}, {"ESC47", 1288, false}, {"ESC63", 62, false},
        {"ESC78", 18230, false},
    };
    for (const auto& e : table)
        if (name == e.name) return known_value{e.cost, e.proven};
    return std::nullopt;
}

} // namespace learning_input
