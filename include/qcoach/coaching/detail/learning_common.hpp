#pragma once
/// @file
/// @brief Pieces both learning-path modes share: the prerequisite graph (order, cycles,
/// reachability, transitive reduction), the list of broken hard constraints of a plan, and a
/// few text helpers. The user-facing entry points are coaching/learning_path.hpp and
/// coaching/sequencing.hpp.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

/// Marker for "none": a module placed in no session (or in several), no position, no module.
inline constexpr std::size_t unplaced = std::numeric_limits<std::size_t>::max();

/// @brief One broken hard constraint of a plan: its name (the same name the QUBO constraint
/// carries where there is one), by how much it is broken, and a sentence about it.
struct plan_violation {
    std::string constraint; ///< e.g. "session Tue time capacity", "prerequisite M1 before M3"
    std::int64_t amount = 0; ///< minutes over, sessions short, missing placements; always > 0
    std::string detail;      ///< e.g. "165 min planned, 150 available"
};

/// @brief The broken hard constraints of a plan (empty: the plan is feasible).
struct plan_check {
    std::vector<plan_violation> violations;

    bool feasible() const noexcept { return violations.empty(); }

    /// @brief "feasible", or a count followed by one line per broken constraint.
    std::string summary() const {
        if (violations.empty()) return "feasible";
        std::string s = "infeasible: " + std::to_string(violations.size()) + " hard constraint(s) broken";
        for (const auto& v : violations) {
            s += "\n  " + v.constraint + ": broken by " + std::to_string(v.amount);
            if (!v.detail.empty()) s += " (" + v.detail + ")";
        }
        return s;
    }
};

namespace detail {

/// @brief A growable set of small integers as 64-bit words (reachability rows, subset keys).
class index_set {
public:
    index_set() = default;
    explicit index_set(std::size_t n) : words_((n + 63) / 64, 0) {}
    void insert(std::size_t i) { words_[i >> 6] |= std::uint64_t{1} << (i & 63); }
    void erase(std::size_t i) { words_[i >> 6] &= ~(std::uint64_t{1} << (i & 63)); }
    bool contains(std::size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1U; }
    void unite(const index_set& o) {
        for (std::size_t w = 0; w < words_.size(); ++w) words_[w] |= o.words_[w];
    }
    std::size_t count() const {
        std::size_t c = 0;
        for (auto w : words_) c += static_cast<std::size_t>(__builtin_popcountll(w));
        return c;
    }
    const std::vector<std::uint64_t>& words() const noexcept { return words_; }
    friend bool operator==(const index_set&, const index_set&) = default;

private:
    std::vector<std::uint64_t> words_;
};

/// Hash of an index_set (FNV-style mix of its words), for memo tables.
struct index_set_hash {
    std::size_t operator()(const index_set& s) const noexcept {
        std::uint64_t h = 1469598103934665603ULL;
        for (auto w : s.words()) h = (h ^ w) * 1099511628211ULL ^ (h >> 29);
        return static_cast<std::size_t>(h);
    }
};

/// @brief A prerequisite graph: arc a -> b means a must come before b. Arcs are kept once.
class precedence_graph {
public:
    precedence_graph() = default;
    explicit precedence_graph(std::size_t n) : pred_(n), succ_(n) {}

    std::size_t size() const noexcept { return pred_.size(); }

    /// Add a -> b (ignored when present). Self-arcs are refused by the callers' validation.
    void add_arc(std::size_t a, std::size_t b) {
        if (std::find(succ_[a].begin(), succ_[a].end(), b) != succ_[a].end()) return;
        succ_[a].push_back(b);
        pred_[b].push_back(a);
        ++arcs_;
    }

    const std::vector<std::size_t>& predecessors(std::size_t v) const { return pred_[v]; }
    const std::vector<std::size_t>& successors(std::size_t v) const { return succ_[v]; }
    std::size_t num_arcs() const noexcept { return arcs_; }

    /// @brief A topological order (Kahn's algorithm, smallest index first among the ready
    /// ones, so the order is deterministic). Throws value_error naming one cycle, with the
    /// names `name(i)` gives, when the graph is not acyclic.
    template <class Name>
    std::vector<std::size_t> topological_order(Name&& name) const {
        const std::size_t n = size();
        std::vector<std::size_t> indeg(n), order;
        order.reserve(n);
        for (std::size_t v = 0; v < n; ++v) indeg[v] = pred_[v].size();
        std::vector<std::size_t> ready;
        for (std::size_t v = n; v-- > 0;)
            if (indeg[v] == 0) ready.push_back(v);
        while (!ready.empty()) {
            std::sort(ready.begin(), ready.end(), std::greater<>());
            const std::size_t v = ready.back();
            ready.pop_back();
            order.push_back(v);
            for (std::size_t w : succ_[v])
                if (--indeg[w] == 0) ready.push_back(w);
        }
        if (order.size() == n) return order;
        // Every vertex left has a predecessor that is left too: walking back along those
        // predecessors must revisit a vertex, and the walk between the two visits is a cycle.
        std::size_t v = 0;
        while (indeg[v] == 0) ++v;
        std::vector<std::size_t> seen_at(n, unplaced), walk;
        while (seen_at[v] == unplaced) {
            seen_at[v] = walk.size();
            walk.push_back(v);
            for (std::size_t p : pred_[v])
                if (indeg[p] > 0) {
                    v = p;
                    break;
                }
        }
        // walk[k + 1] is a predecessor of walk[k]: read backwards from the end, the walk goes
        // along the arcs, and the cycle closes at its first vertex, walk.back().
        std::string cycle;
        for (std::size_t k = walk.size(); k-- > seen_at[v];) cycle += std::string(name(walk[k])) + " -> ";
        cycle += std::string(name(walk.back()));
        throw value_error("the prerequisites form a cycle: " + cycle + " (each must come before the next)");
    }

    /// @brief reach[v] = every vertex reachable from v by one or more arcs (needs an order).
    std::vector<index_set> descendants(const std::vector<std::size_t>& topo) const {
        std::vector<index_set> reach(size(), index_set(size()));
        for (std::size_t k = topo.size(); k-- > 0;) {
            const std::size_t v = topo[k];
            for (std::size_t w : succ_[v]) {
                reach[v].insert(w);
                reach[v].unite(reach[w]);
            }
        }
        return reach;
    }

    /// @brief The arcs a -> b not implied by a longer path: keeping only these keeps the same
    /// order relation, so a penalty on them alone forbids exactly the same plans.
    std::vector<std::pair<std::size_t, std::size_t>> reduced_arcs(const std::vector<std::size_t>& topo) const {
        const auto reach = descendants(topo);
        std::vector<std::pair<std::size_t, std::size_t>> out;
        for (std::size_t a = 0; a < size(); ++a) {
            for (std::size_t b : succ_[a]) {
                bool implied = false;
                for (std::size_t c : succ_[a]) implied = implied || (c != b && reach[c].contains(b));
                if (!implied) out.emplace_back(a, b);
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::vector<std::vector<std::size_t>> pred_, succ_;
    std::size_t arcs_ = 0;
};

/// Text of an integer with a sign ("+3", "-2", "0").
inline std::string signed_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, v > 0 ? "+%.6g" : "%.6g", v);
    return buf;
}

/// Escape a string for a Graphviz double-quoted ID.
inline std::string dot_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

} // namespace detail
} // namespace qcoach::coaching
