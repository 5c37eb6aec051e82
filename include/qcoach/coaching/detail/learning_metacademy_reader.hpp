#pragma once
/// @file
/// @brief Reader of the Metacademy concept prerequisite graph as two TSV files (Metacademy,
/// R. Grosse, C. Reed et al., CC BY-SA 3.0; see examples/learning_path/data/metacademy):
///   concepts.tsv        header "tag<TAB>title", one concept per line;
///   prerequisites.tsv   header "prerequisite<TAB>concept<TAB>shortcut", one arc per line
///                       (shortcut 1: a lighter version of the prerequisite suffices; the
///                       learning path treats it as a full prerequisite).
/// Errors name the file and line. ancestors() gives the concepts a target needs, in a
/// topological order ending with the target: the modules of a learning path to it.

#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/coaching/detail/learning_salbp_reader.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::coaching::detail {

struct concept_graph {
    std::vector<std::string> tags, titles;
    std::vector<std::pair<std::size_t, std::size_t>> arcs; ///< (prerequisite, concept)
    std::vector<bool> shortcut;                            ///< per arc
    std::unordered_map<std::string, std::size_t> index;

    std::size_t find(std::string_view tag) const {
        const auto it = index.find(std::string(tag));
        return it == index.end() ? unplaced : it->second;
    }
};

/// Split a line at tabs.
inline std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return out;
}

/// Call f(line, line_number) for each non-empty line after the header, which must be `header`.
template <class F>
void read_tsv(const std::string& path, std::string_view header, F&& f) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw parse_error(path, 0, 0, "cannot open the file");
    std::string raw;
    int line_no = 0;
    while (std::getline(in, raw)) {
        ++line_no;
        const std::string_view line = trim(raw);
        if (line_no == 1) {
            if (line != header) {
                std::string shown(header);
                for (auto& ch : shown)
                    if (ch == '\t') ch = ' ';
                throw parse_error(path, 1, 1, "expected the header line '" + shown + "' (tab-separated)");
            }
            continue;
        }
        if (line.empty()) continue;
        f(line, line_no);
    }
    if (line_no == 0) throw parse_error(path, 0, 0, "the file is empty");
}

/// @brief Read concepts.tsv and prerequisites.tsv from `dir`.
inline concept_graph read_metacademy(const std::string& dir) {
    concept_graph g;
    const std::string cfile = dir + "/concepts.tsv", pfile = dir + "/prerequisites.tsv";
    read_tsv(cfile, "tag\ttitle", [&](std::string_view line, int no) {
        const auto f = split_tabs(line);
        if (f.size() != 2 || f[0].empty())
            throw parse_error(cfile, no, 1, "expected 'tag<TAB>title', got " + std::to_string(f.size()) + " field(s)");
        if (!g.index.emplace(std::string(f[0]), g.tags.size()).second)
            throw parse_error(cfile, no, 1, "concept '" + std::string(f[0]) + "' is listed twice");
        g.tags.emplace_back(f[0]);
        g.titles.emplace_back(f[1]);
    });
    read_tsv(pfile, "prerequisite\tconcept\tshortcut", [&](std::string_view line, int no) {
        const auto f = split_tabs(line);
        if (f.size() != 3)
            throw parse_error(pfile, no, 1, "expected 'prerequisite<TAB>concept<TAB>shortcut', got " + std::to_string(f.size()) + " field(s)");
        const std::size_t a = g.find(f[0]), b = g.find(f[1]);
        if (a == unplaced) throw parse_error(pfile, no, 1, "unknown concept '" + std::string(f[0]) + "' (not in concepts.tsv)");
        if (b == unplaced)
            throw parse_error(pfile, no, static_cast<int>(f[0].size() + 2), "unknown concept '" + std::string(f[1]) + "' (not in concepts.tsv)");
        if (f[2] != "0" && f[2] != "1")
            throw parse_error(pfile, no, static_cast<int>(f[0].size() + f[1].size() + 3), "shortcut must be 0 or 1, got '" + std::string(f[2]) + "'");
        if (a == b) throw parse_error(pfile, no, 1, "concept '" + std::string(f[0]) + "' is its own prerequisite");
        g.arcs.emplace_back(a, b);
        g.shortcut.push_back(f[2] == "1");
    });
    return g;
}

/// @brief The target and everything it needs (transitively), in a topological order (the
/// target last). Throws value_error naming an unknown target, or a cycle among them.
inline std::vector<std::size_t> ancestors(const concept_graph& g, std::string_view target) {
    const std::size_t t = g.find(target);
    if (t == unplaced) throw value_error("unknown concept '" + std::string(target) + "'");
    precedence_graph pg(g.tags.size());
    for (const auto& [a, b] : g.arcs) pg.add_arc(a, b);
    std::vector<bool> keep(g.tags.size(), false);
    std::vector<std::size_t> stack{t};
    keep[t] = true;
    while (!stack.empty()) {
        const std::size_t v = stack.back();
        stack.pop_back();
        for (std::size_t q : pg.predecessors(v))
            if (!keep[q]) {
                keep[q] = true;
                stack.push_back(q);
            }
    }
    std::vector<std::size_t> out;
    for (std::size_t v : pg.topological_order([&](std::size_t v) { return g.tags[v]; }))
        if (keep[v]) out.push_back(v);
    return out;
}

} // namespace qcoach::coaching::detail
