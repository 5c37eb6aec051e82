#pragma once
/// @file
/// @brief Classical graph-colouring methods: DSATUR (the upper bound), a greedy clique (the
/// lower bound) and TabuCol (a dedicated local search), all respecting a person's pins and
/// forbids on (vertex, colour).
///
/// DSATUR: D. Brélaz, "New methods to color the vertices of a graph", Commun. ACM 22 (1979)
/// 251-256. The uncoloured vertex with the most distinct colours among its neighbours goes
/// next (ties: most uncoloured neighbours, then the lowest index) and takes the smallest colour
/// its neighbours and the forbids leave.
///
/// TabuCol: A. Hertz and D. de Werra, "Using tabu search techniques for graph coloring",
/// Computing 39 (1987) 345-351, with the tenure of P. Galinier and J.-K. Hao, "Hybrid
/// evolutionary algorithms for graph coloring", J. Comb. Optim. 3 (1999) 379-397: minimize the
/// number of conflicting edges of a complete k-colouring; a move recolours one conflicting
/// vertex; the best non-tabu move is taken (ties at random), a tabu move only when it gives a
/// new best (aspiration); after moving v away from colour c, (v, c) stays tabu for
/// U(0..9) + 0.6 |conflicting vertices| iterations. gamma[v][c], the number of neighbours of v
/// with colour c, makes each move's change gamma[v][c] - gamma[v][colour(v)] an O(1) look-up.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/scheduling_dimacs.hpp"
#include "qcoach/coaching/detail/scheduling_problem.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/solver.hpp"

namespace qcoach::coaching {

/// @brief A person's decisions on a colouring: pins (vertex v gets colour c) and forbids
/// (vertex v, or every vertex, never gets colour c). Vertices and colours are 0-based; as text
/// they are "v1".."vn" and "c1".."ck" (DIMACS numbering).
struct colour_rules {
    std::vector<std::pair<std::uint32_t, int>> pins;
    std::vector<std::pair<std::optional<std::uint32_t>, int>> forbids;

    bool empty() const noexcept { return pins.empty() && forbids.empty(); }

    /// @brief Whether vertex v may take colour c under the forbids.
    bool allowed(std::uint32_t v, int c) const noexcept {
        for (const auto& [w, col] : forbids)
            if (col == c && (!w || *w == v)) return false;
        return true;
    }
    /// @brief The pinned colour of v, if any.
    std::optional<int> pinned(std::uint32_t v) const noexcept {
        for (const auto& [w, col] : pins)
            if (w == v) return col;
        return std::nullopt;
    }
    /// @brief One more than the largest pinned colour (0 without pins): no colouring with fewer
    /// colours can respect the pins.
    int min_colours() const noexcept {
        int m = 0;
        for (const auto& [w, c] : pins) m = std::max(m, c + 1);
        return m;
    }
};

namespace detail {

inline std::uint32_t parse_vertex(const graph& g, std::string_view s, std::string_view text) {
    std::string_view d = s;
    if (!d.empty() && (d[0] == 'v' || d[0] == 'V')) d.remove_prefix(1);
    std::uint64_t v = 0;
    const auto r = std::from_chars(d.data(), d.data() + d.size(), v);
    if (d.empty() || r.ec != std::errc{} || r.ptr != d.data() + d.size() || v < 1 || v > g.num_vertices) {
        throw value_error("\"" + std::string(text) + "\": \"" + std::string(s) + "\" is no vertex (v1..v" +
                          std::to_string(g.num_vertices) + ")");
    }
    return static_cast<std::uint32_t>(v - 1);
}

inline int parse_colour(std::string_view s, std::string_view text) {
    std::string_view d = s;
    if (!d.empty() && (d[0] == 'c' || d[0] == 'C')) d.remove_prefix(1);
    int c = 0;
    const auto r = std::from_chars(d.data(), d.data() + d.size(), c);
    if (d.empty() || r.ec != std::errc{} || r.ptr != d.data() + d.size() || c < 1) {
        throw value_error("\"" + std::string(text) + "\": \"" + std::string(s) + "\" is no colour (c1, c2, ...)");
    }
    return c - 1;
}

} // namespace detail

/// @brief Add a pin "v3=c2" (vertex 3 gets colour 2).
inline void add_colour_pin(colour_rules& r, const graph& g, std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) throw value_error("pin \"" + std::string(text) + "\" is not of the form VERTEX=COLOUR (v3=c2)");
    r.pins.emplace_back(detail::parse_vertex(g, text.substr(0, eq), text), detail::parse_colour(text.substr(eq + 1), text));
}

/// @brief Add a forbid "v3=c2" (vertex 3 never gets colour 2) or "*=c2" (no vertex does).
inline void add_colour_forbid(colour_rules& r, const graph& g, std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) {
        throw value_error("forbid \"" + std::string(text) + "\" is not of the form VERTEX=COLOUR or *=COLOUR");
    }
    const std::string_view who = text.substr(0, eq);
    std::optional<std::uint32_t> v;
    if (who != "*") v = detail::parse_vertex(g, who, text);
    r.forbids.emplace_back(v, detail::parse_colour(text.substr(eq + 1), text));
}

/// @brief Check rules against a graph: vertices in range, colours >= 0, a vertex pinned to one
/// colour only, no pin on a forbidden colour, no two adjacent vertices pinned to one colour.
inline void validate(const graph& g, const colour_rules& r) {
    std::vector<int> pin(g.num_vertices, -1);
    for (const auto& [v, c] : r.pins) {
        if (v >= g.num_vertices || c < 0) throw index_error("pin (v" + std::to_string(v + 1) + ", c" + std::to_string(c + 1) + ") is out of range");
        if (pin[v] >= 0 && pin[v] != c) {
            throw value_error("v" + std::to_string(v + 1) + " is pinned to both c" + std::to_string(pin[v] + 1) + " and c" + std::to_string(c + 1));
        }
        if (!r.allowed(v, c)) throw value_error("v" + std::to_string(v + 1) + " is pinned to c" + std::to_string(c + 1) + ", which is forbidden for it");
        pin[v] = c;
    }
    for (const auto& [v, c] : r.forbids) {
        if ((v && *v >= g.num_vertices) || c < 0) throw index_error("a forbid names a vertex or colour out of range");
    }
    for (const auto& [u, v] : g.edges) {
        if (pin[u] >= 0 && pin[u] == pin[v]) {
            throw value_error("v" + std::to_string(u + 1) + " and v" + std::to_string(v + 1) + " are adjacent and both pinned to c" +
                              std::to_string(pin[u] + 1));
        }
    }
}

/// @brief Whether `colours` (one per vertex, >= 0) is a proper colouring of g.
inline bool is_proper(const graph& g, std::span<const int> colours) {
    if (colours.size() != g.num_vertices) return false;
    for (int c : colours)
        if (c < 0) return false;
    for (const auto& [u, v] : g.edges)
        if (colours[u] == colours[v]) return false;
    return true;
}

/// @brief Number of edges whose ends share a colour.
inline std::size_t count_conflicts(const graph& g, std::span<const int> colours) {
    std::size_t n = 0;
    for (const auto& [u, v] : g.edges) n += colours[u] == colours[v] ? 1 : 0;
    return n;
}

/// @brief Number of colours a colouring uses (the largest colour + 1).
inline int colours_used(std::span<const int> colours) {
    int m = 0;
    for (int c : colours) m = std::max(m, c + 1);
    return m;
}

/// @brief Number of distinct colours a colouring uses (the chromatic number counts these; with
/// a colour forbidden for everyone it can be below colours_used).
inline int distinct_colours(std::span<const int> colours) {
    std::set<int> seen(colours.begin(), colours.end());
    return static_cast<int>(seen.size());
}

/// @brief DSATUR colouring (see the file comment) respecting the rules; pinned vertices keep
/// their colours. Always proper.
inline std::vector<int> dsatur(const graph& g, const colour_rules& rules = {}) {
    validate(g, rules);
    const std::size_t n = g.num_vertices;
    const auto adj = g.adjacency();
    std::vector<int> colour(n, -1);
    std::vector<std::set<int>> seen(n);       // distinct colours among the neighbours
    std::vector<std::size_t> free_deg(n);     // uncoloured neighbours
    for (std::size_t v = 0; v < n; ++v) free_deg[v] = adj[v].size();
    auto assign = [&](std::uint32_t v, int c) {
        colour[v] = c;
        for (std::uint32_t u : adj[v]) {
            seen[u].insert(c);
            --free_deg[u];
        }
    };
    for (const auto& [v, c] : rules.pins)
        if (colour[v] < 0) assign(v, c);
    for (std::size_t step = 0; step < n; ++step) {
        std::size_t best = no_index;
        for (std::size_t v = 0; v < n; ++v) {
            if (colour[v] >= 0) continue;
            if (best == no_index || seen[v].size() > seen[best].size() ||
                (seen[v].size() == seen[best].size() && free_deg[v] > free_deg[best]))
                best = v;
        }
        if (best == no_index) break;
        int c = 0;
        while (seen[best].count(c) || !rules.allowed(static_cast<std::uint32_t>(best), c)) ++c;
        assign(static_cast<std::uint32_t>(best), c);
    }
    return colour;
}

/// @brief A clique found greedily: from each vertex (highest degree first), add the
/// highest-degree neighbours adjacent to everything taken so far; the largest is returned.
/// Its size is a lower bound on the chromatic number.
inline std::vector<std::uint32_t> greedy_clique(const graph& g) {
    const std::size_t n = g.num_vertices;
    const auto adj = g.adjacency();
    auto adjacent = [&](std::uint32_t a, std::uint32_t b) { return std::binary_search(adj[a].begin(), adj[a].end(), b); };
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t v = 0; v < n; ++v) order[v] = v;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return adj[a].size() > adj[b].size(); });
    std::vector<std::uint32_t> best;
    for (std::uint32_t v : order) {
        if (adj[v].size() + 1 <= best.size()) break; // no larger clique can contain v (or any later vertex)
        std::vector<std::uint32_t> cand(adj[v]);
        std::stable_sort(cand.begin(), cand.end(), [&](std::uint32_t a, std::uint32_t b) { return adj[a].size() > adj[b].size(); });
        std::vector<std::uint32_t> clique{v};
        for (std::uint32_t u : cand) {
            if (std::all_of(clique.begin(), clique.end(), [&](std::uint32_t w) { return adjacent(u, w); })) clique.push_back(u);
        }
        if (clique.size() > best.size()) best = std::move(clique);
    }
    return best;
}

/// Options of TabuCol (0 selects the documented default).
struct tabucol_options {
    std::uint64_t seed = 0;
    /// Moves at most; 0: 2,000,000 (Galinier & Hao's runs use 10^5 to 10^7 per k).
    std::size_t max_iterations = 0;
    double time_limit_s = 0.0;  ///< wall-clock budget; 0: none
    int tenure_random = 10;     ///< tenure's random part is U(0..tenure_random-1)
    double tenure_factor = 0.6; ///< tenure's part proportional to the conflicting vertices
    /// Called about every 0.5 s; return false to stop.
    std::function<bool(const qubo::progress_info&)> progress;
};

/// What TabuCol returned.
struct tabucol_result {
    std::vector<int> colours;       ///< best complete k-colouring found (fewest conflicts)
    std::size_t conflicts = 0;      ///< conflicting edges of `colours` (0: proper)
    std::size_t iterations = 0;
    double time_s = 0.0;
    double time_to_best_s = 0.0;
    bool found() const noexcept { return conflicts == 0; }
    bool stopped_early = false;     ///< time limit or callback
};

/// @brief TabuCol for k colours (see the file comment), respecting the rules (pinned vertices
/// never move, forbidden colours are never taken). `initial`, if given, is a start colouring;
/// colours >= k or forbidden ones are replaced by the allowed colour with the fewest conflicts.
inline tabucol_result tabucol(const graph& g, int k, const colour_rules& rules, const tabucol_options& opt,
                              std::span<const int> initial = {}) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
    validate(g, rules);
    const std::size_t n = g.num_vertices;
    if (k < 1) throw value_error("tabucol: k must be at least 1, got " + std::to_string(k));
    if (rules.min_colours() > k) throw value_error("tabucol: a pin needs colour c" + std::to_string(rules.min_colours()) + " > k = " + std::to_string(k));
    if (!initial.empty() && initial.size() != n) throw value_error("tabucol: the initial colouring has the wrong length");
    if (opt.tenure_random < 1 || opt.tenure_factor < 0) throw value_error("tabucol: tenure_random must be >= 1 and tenure_factor >= 0");
    const std::size_t K = static_cast<std::size_t>(k);
    const std::size_t max_it = opt.max_iterations ? opt.max_iterations : 2'000'000;
    const auto adj = g.adjacency();
    std::vector<std::uint8_t> allowed(n * K, 1), fixed(n, 0);
    for (std::uint32_t v = 0; v < n; ++v) {
        bool any = false;
        for (int c = 0; c < k; ++c) {
            allowed[v * K + c] = rules.allowed(v, c) ? 1 : 0;
            any = any || allowed[v * K + c];
        }
        if (!any) throw value_error("tabucol: every colour c1..c" + std::to_string(k) + " is forbidden for v" + std::to_string(v + 1));
    }
    Rng rng = Rng::stream(opt.seed, 0);

    // Start: pins, then the initial colours where valid, then the least-conflicting colour.
    std::vector<int> col(n, -1);
    for (const auto& [v, c] : rules.pins) {
        col[v] = c;
        fixed[v] = 1;
    }
    std::vector<std::uint32_t> gamma(n * K, 0);
    auto set_colour = [&](std::uint32_t v, int c) {
        col[v] = c;
        for (std::uint32_t u : adj[v]) ++gamma[u * K + c];
    };
    for (std::uint32_t v = 0; v < n; ++v)
        if (fixed[v]) set_colour(v, col[v]);
    std::vector<std::uint32_t> pending;
    for (std::uint32_t v = 0; v < n; ++v) {
        if (fixed[v]) continue;
        if (!initial.empty() && initial[v] >= 0 && initial[v] < k && allowed[v * K + initial[v]]) set_colour(v, initial[v]);
        else pending.push_back(v);
    }
    for (std::uint32_t v : pending) {
        int best = -1;
        std::uint32_t best_g = 0, ties = 0;
        for (int c = 0; c < k; ++c) {
            if (!allowed[v * K + c]) continue;
            const std::uint32_t gv = gamma[v * K + c];
            if (best < 0 || gv < best_g) {
                best = c;
                best_g = gv;
                ties = 1;
            } else if (gv == best_g && rng.below(++ties) == 0) {
                best = c;
            }
        }
        set_colour(v, best);
    }

    // Conflicting vertices, kept as a set with positions for O(1) updates.
    std::vector<std::uint32_t> conf;
    std::vector<std::size_t> pos(n, no_index);
    auto refresh = [&](std::uint32_t v) {
        const bool in = gamma[v * K + col[v]] > 0;
        if (in && pos[v] == no_index) {
            pos[v] = conf.size();
            conf.push_back(v);
        } else if (!in && pos[v] != no_index) {
            const std::uint32_t last = conf.back();
            conf[pos[v]] = last;
            pos[last] = pos[v];
            conf.pop_back();
            pos[v] = no_index;
        }
    };
    std::int64_t f = 0;
    for (std::uint32_t v = 0; v < n; ++v) {
        refresh(v);
        f += gamma[v * K + col[v]];
    }
    f /= 2;

    tabucol_result out;
    out.colours = col;
    std::int64_t best_f = f;
    std::vector<std::size_t> tabu(n * K, 0);
    double next_report = 0.5;
    std::size_t it = 0;
    while (best_f > 0 && it < max_it) {
        ++it;
        if ((it & 255) == 0) {
            const double t = elapsed();
            if (opt.time_limit_s > 0 && t >= opt.time_limit_s) {
                out.stopped_early = true;
                break;
            }
            if (opt.progress && t >= next_report) {
                next_report = t + 0.5;
                if (!opt.progress({it, max_it, static_cast<double>(best_f), t})) {
                    out.stopped_early = true;
                    break;
                }
            }
        }
        std::int64_t best_delta = std::numeric_limits<std::int64_t>::max();
        std::uint32_t mv = 0;
        int mc = -1;
        std::uint32_t ties = 0;
        for (std::uint32_t v : conf) {
            if (fixed[v]) continue;
            const std::int64_t gv = gamma[v * K + col[v]];
            for (int c = 0; c < k; ++c) {
                if (c == col[v] || !allowed[v * K + c]) continue;
                const std::int64_t delta = static_cast<std::int64_t>(gamma[v * K + c]) - gv;
                if (tabu[v * K + c] > it && f + delta >= best_f) continue; // tabu, no aspiration
                if (delta < best_delta) {
                    best_delta = delta;
                    mv = v;
                    mc = c;
                    ties = 1;
                } else if (delta == best_delta && rng.below(++ties) == 0) {
                    mv = v;
                    mc = c;
                }
            }
        }
        if (mc < 0) continue; // every move is tabu: wait for tenures to expire
        const int old = col[mv];
        for (std::uint32_t u : adj[mv]) {
            --gamma[u * K + old];
            ++gamma[u * K + mc];
        }
        col[mv] = mc;
        for (std::uint32_t u : adj[mv]) refresh(u);
        refresh(mv);
        f += best_delta;
        tabu[mv * K + old] = it + rng.below(static_cast<std::uint64_t>(opt.tenure_random)) +
                             static_cast<std::size_t>(opt.tenure_factor * static_cast<double>(conf.size()));
        if (f < best_f) {
            best_f = f;
            out.colours = col;
            out.time_to_best_s = elapsed();
        }
    }
    out.conflicts = static_cast<std::size_t>(best_f);
    out.iterations = it;
    out.time_s = elapsed();
    return out;
}

} // namespace qcoach::coaching
