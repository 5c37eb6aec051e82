#pragma once
/// @file
/// @brief MaxCut for QAOA: random regular graphs, the cost table E = -cut, cut values and the
/// angle convention of the MaxCut literature.
///
/// Graphs are qubo::MaxCutGraph (io_rudy.hpp): the Ising model E(s) = sum w_ij s_i s_j and the
/// total weight W, with cut(s) = (W - E(s)) / 2. Vertex q is qubit q and s_q = 1 - 2 bit_q
/// (cost_table.hpp), so a basis index z cuts edge (i, j) when bits i and j of z differ.
///
/// QAOA minimizes the cost table; for MaxCut it is E = -cut. The literature maximizes the cut
/// with e^{-i gamma cut} (Farhi, Goldstone, Gutmann 2014; the fixed angles of Wurtz & Lykov,
/// arXiv:2107.00677): its angles (gamma, beta) are (-gamma, beta) here, which is
/// rescale_gammas(angles, -1.0) of angles.hpp.

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/io_rudy.hpp"
#include "qcoach/variational/cost_table.hpp"

namespace qcoach::variational {

/// @brief A simple undirected graph as an edge list (0-based vertices, i < j in each edge).
using edge_list = std::vector<std::pair<unsigned, unsigned>>;

/// @brief A uniformly random d-regular simple graph on n vertices (seeded).
///
/// Pairing model (Bollobas 1980) built point by point as Steger & Wormald (1999) do: n d points,
/// d per vertex; two remaining points are paired when they lie on different vertices not yet
/// joined, and the construction restarts when no such pair is left. The result is
/// asymptotically uniform and, unlike whole-matching rejection, stays fast for large d.
/// Throws value_error when n d is odd or d >= n (no such graph), or after `max_restarts`.
inline edge_list random_regular_edges(unsigned n, unsigned d, std::uint64_t seed, unsigned max_restarts = 1000) {
    if (d >= n || (static_cast<std::uint64_t>(n) * d) % 2 != 0) {
        throw value_error("no " + std::to_string(d) + "-regular simple graph on " + std::to_string(n) +
                          " vertices (needs d < n and n d even)");
    }
    Rng rng(seed);
    for (unsigned attempt = 0; attempt < max_restarts; ++attempt) {
        std::vector<unsigned> points;
        points.reserve(static_cast<std::size_t>(n) * d);
        for (unsigned v = 0; v < n; ++v)
            for (unsigned k = 0; k < d; ++k) points.push_back(v);
        std::set<std::pair<unsigned, unsigned>> edges;
        bool stuck = false;
        while (!points.empty() && !stuck) {
            const std::size_t m = points.size();
            bool paired = false;
            // Random tries first; an exhaustive check decides whether a suitable pair is left.
            for (std::size_t t = 0; t < 8 * m && !paired; ++t) {
                const std::size_t i = rng.below(m), j = rng.below(m);
                const unsigned a = std::min(points[i], points[j]), b = std::max(points[i], points[j]);
                if (i == j || a == b || edges.count({a, b})) continue;
                edges.insert({a, b});
                const std::size_t hi = std::max(i, j), lo = std::min(i, j);
                points[hi] = points.back();
                points.pop_back();
                points[lo] = points.back();
                points.pop_back();
                paired = true;
            }
            if (paired) continue;
            stuck = true;
            for (std::size_t i = 0; i < m && stuck; ++i)
                for (std::size_t j = i + 1; j < m && stuck; ++j) {
                    const unsigned a = std::min(points[i], points[j]), b = std::max(points[i], points[j]);
                    if (a != b && !edges.count({a, b})) stuck = false;
                }
        }
        if (!stuck) return edge_list(edges.begin(), edges.end());
    }
    throw value_error("random regular graph: no simple " + std::to_string(d) + "-regular graph on " + std::to_string(n) +
                      " vertices after " + std::to_string(max_restarts) + " restarts");
}

/// @brief The MaxCut instance of an edge list with unit (or given) weights.
inline qubo::MaxCutGraph maxcut_graph(unsigned n, const edge_list& edges, const std::vector<double>& weights = {}) {
    if (!weights.empty() && weights.size() != edges.size()) {
        throw value_error(std::to_string(edges.size()) + " edges but " + std::to_string(weights.size()) + " weights");
    }
    qubo::MaxCutGraph g;
    g.model = qubo::BinaryQuadraticModel(qubo::vartype::spin, n);
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const auto [i, j] = edges[e];
        if (i >= n || j >= n || i == j) {
            throw value_error("edge (" + std::to_string(i) + ", " + std::to_string(j) + ") is not an edge of a simple graph on " +
                              std::to_string(n) + " vertices");
        }
        if (g.model.has_interaction(i, j)) {
            throw value_error("edge (" + std::to_string(i) + ", " + std::to_string(j) + ") is listed twice");
        }
        const double w = weights.empty() ? 1.0 : weights[e];
        g.model.add_quadratic(i, j, w);
        g.total_weight += w;
    }
    return g;
}

/// @brief A random d-regular MaxCut instance with unit weights (random_regular_edges).
inline qubo::MaxCutGraph random_regular_maxcut(unsigned n, unsigned d, std::uint64_t seed) {
    return maxcut_graph(n, random_regular_edges(n, d, seed));
}

/// @brief The model E = -cut (spin model; E(s) = (sum w s_i s_j - W) / 2).
inline qubo::BinaryQuadraticModel maxcut_cost_model(const qubo::MaxCutGraph& g) {
    qubo::BinaryQuadraticModel m = g.model;
    m.scale(0.5);
    m.add_offset(-0.5 * g.total_weight);
    return m;
}

/// @brief The QAOA cost table of MaxCut: E(z) = -cut(z) (integer levels for integer weights).
inline CostTable maxcut_cost_table(const qubo::MaxCutGraph& g, const exec_policy& pol = default_policy()) {
    return CostTable::from_model(maxcut_cost_model(g), pol);
}

/// @brief The cut of basis index z (edge (i, j) is cut when bits i and j differ).
inline double cut_value(const qubo::MaxCutGraph& g, index_t z) {
    double cut = 0.0;
    g.model.for_each_interaction([&](qubo::var_t i, qubo::var_t j, double w) {
        if (((z >> i) ^ (z >> j)) & 1u) cut += w;
    });
    return cut;
}

} // namespace qcoach::variational
