#pragma once
/// @file
/// @brief Exact matching for unit loads: minimum-cost flow by successive shortest paths.
///
/// With every allowed pair of load 1, the matching is a transportation problem whose constraint
/// matrix is totally unimodular, so the minimum-cost flow is an optimal integral plan:
///
///     source --(1, 0)--> client c --(1, -g_ck)--> coach k --(b_k, 0)--> sink
///                        client c --(1, -g_none)------------------------> sink  (unassigned allowed)
///
/// (capacity, cost) on each arc. Successive shortest paths (Ahuja, Magnanti & Orlin, "Network
/// Flows", 1993, section 9.7) augments one unit along a cheapest source-sink path in the
/// residual network until n units flow or no path is left; after each augmentation the flow is
/// a cheapest flow of its value, so after n units it is a cheapest plan that places every client.
/// Costs are negative, so the first potentials come from one Bellman-Ford pass in topological
/// order (the network is a DAG: source, clients, coaches, sink); later paths use Dijkstra on the
/// reduced costs c(u,v) + pi(u) - pi(v) >= 0. Costs are doubles: reduced costs within 1e-9 of
/// the largest |cost| below zero, which rounding can produce, count as zero.
///
/// Work: n augmentations of O(E log V) with E = allowed pairs + n + m, e.g. 200 clients x 20
/// coaches in about a millisecond.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <utility>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"

namespace qcoach::coaching::detail {

/// @brief A small min-cost-flow network with integer capacities and double costs.
class min_cost_flow {
public:
    explicit min_cost_flow(std::size_t nodes) : graph_(nodes) {}

    /// @brief Add an arc u -> v; returns its index (its residual twin is index + 1).
    std::size_t add_arc(std::size_t u, std::size_t v, std::int64_t capacity, double cost) {
        const std::size_t id = arcs_.size();
        arcs_.push_back({v, capacity, cost});
        graph_[u].push_back(id);
        arcs_.push_back({u, 0, -cost});
        graph_[v].push_back(id + 1);
        max_abs_cost_ = std::max(max_abs_cost_, std::abs(cost));
        return id;
    }

    /// @brief Flow on arc `id` (as returned by add_arc).
    std::int64_t flow(std::size_t id) const { return arcs_[id ^ 1].capacity; }

    /// @brief Send up to `limit` units from s to t at least cost; `topological` lists every node
    /// in an order where each arc goes forward (used for the first potentials). Returns the
    /// units sent and their total cost.
    std::pair<std::int64_t, double> solve(std::size_t s, std::size_t t, std::int64_t limit,
                                          const std::vector<std::size_t>& topological) {
        const std::size_t n = graph_.size();
        constexpr double inf = std::numeric_limits<double>::infinity();
        const double eps = 1e-9 * std::max(1.0, max_abs_cost_);
        // Potentials: shortest distances from s in the initial (acyclic) network.
        std::vector<double> pi(n, inf);
        pi[s] = 0.0;
        for (std::size_t u : topological) {
            if (pi[u] == inf) continue;
            for (std::size_t id : graph_[u]) {
                const arc& a = arcs_[id];
                if (a.capacity > 0 && pi[u] + a.cost < pi[a.to]) pi[a.to] = pi[u] + a.cost;
            }
        }
        for (double& p : pi)
            if (p == inf) p = 0.0; // unreachable nodes stay unreachable; any finite value will do

        std::int64_t sent = 0;
        double cost = 0.0;
        std::vector<double> dist(n);
        std::vector<std::size_t> via(n);
        using item = std::pair<double, std::size_t>;
        while (sent < limit) {
            std::fill(dist.begin(), dist.end(), inf);
            dist[s] = 0.0;
            std::priority_queue<item, std::vector<item>, std::greater<item>> queue;
            queue.push({0.0, s});
            while (!queue.empty()) {
                const auto [d, u] = queue.top();
                queue.pop();
                if (d > dist[u]) continue;
                for (std::size_t id : graph_[u]) {
                    const arc& a = arcs_[id];
                    if (a.capacity <= 0) continue;
                    double reduced = a.cost + pi[u] - pi[a.to];
                    if (reduced < 0.0 && reduced > -eps) reduced = 0.0;
                    if (d + reduced < dist[a.to]) {
                        dist[a.to] = d + reduced;
                        via[a.to] = id;
                        queue.push({dist[a.to], a.to});
                    }
                }
            }
            if (dist[t] == inf) break;
            for (std::size_t u = 0; u < n; ++u)
                if (dist[u] < inf) pi[u] += dist[u];
            // Bottleneck along the path (unit arcs out of the source make it 1 here, but keep
            // the network general).
            std::int64_t push = limit - sent;
            for (std::size_t v = t; v != s; v = arcs_[via[v] ^ 1].to) push = std::min(push, arcs_[via[v]].capacity);
            for (std::size_t v = t; v != s; v = arcs_[via[v] ^ 1].to) {
                arcs_[via[v]].capacity -= push;
                arcs_[via[v] ^ 1].capacity += push;
                cost += static_cast<double>(push) * arcs_[via[v]].cost;
            }
            sent += push;
        }
        return {sent, cost};
    }

private:
    struct arc {
        std::size_t to;
        std::int64_t capacity;
        double cost;
    };
    std::vector<std::vector<std::size_t>> graph_;
    std::vector<arc> arcs_;
    double max_abs_cost_ = 0.0;
};

} // namespace qcoach::coaching::detail

namespace qcoach::coaching {

/// @brief What the min-cost-flow method returns.
struct flow_result {
    matching_plan plan;
    /// Every client got a coach (or, when clients may stay unassigned, always true). When false,
    /// no feasible plan exists: the maximum flow is a proof that the capacities cannot hold
    /// every client.
    bool all_placed = false;
    std::size_t placed = 0;  ///< clients placed on a coach or (when allowed) left unassigned
    double objective = 0.0;  ///< plan_objective of the plan
    double time_s = 0.0;
};

/// @brief The optimal plan of a unit-load problem (see the file comment), with the pins kept:
/// a pinned client is taken out of the network and its coach's capacity lowered by one.
/// Throws value_error when some allowed pair has a load other than 1.
inline flow_result solve_min_cost_flow(const MatchingProblem& p, std::span<const matching_pin> pins = {}) {
    const auto start = std::chrono::steady_clock::now();
    if (!p.unit_loads()) {
        throw value_error("min-cost flow needs every allowed pair to have load 1; use the local search for general loads");
    }
    const std::vector<matching_pin> ps = check_pins(p, pins);
    const std::size_t n = p.num_clients(), m = p.num_coaches();
    std::vector<std::optional<std::size_t>> assignment(n);
    std::vector<std::int64_t> room(m);
    for (std::size_t k = 0; k < m; ++k) room[k] = p.capacity(k);
    for (const matching_pin& pin : ps) {
        assignment[pin.client] = pin.coach;
        room[pin.coach] -= 1;
    }
    // Nodes: 0 source, 1..n clients, n+1..n+m coaches, n+m+1 sink.
    const std::size_t source = 0, sink = n + m + 1;
    detail::min_cost_flow net(n + m + 2);
    std::vector<std::size_t> topo(n + m + 2);
    for (std::size_t i = 0; i < topo.size(); ++i) topo[i] = i;
    struct pair_arc {
        std::size_t client, coach, arc;
    };
    std::vector<pair_arc> pair_arcs;
    std::int64_t free_clients = 0;
    for (std::size_t c = 0; c < n; ++c) {
        if (assignment[c]) continue;
        ++free_clients;
        net.add_arc(source, 1 + c, 1, 0.0);
        for (std::size_t k = 0; k < m; ++k)
            if (p.allowed(c, k)) pair_arcs.push_back({c, k, net.add_arc(1 + c, 1 + n + k, 1, -p.gain(c, k))});
        if (p.unassigned_value()) net.add_arc(1 + c, sink, 1, -p.unassigned_gain());
    }
    for (std::size_t k = 0; k < m; ++k)
        if (room[k] > 0) net.add_arc(1 + n + k, sink, room[k], 0.0);
    const auto [sent, cost] = net.solve(source, sink, free_clients, topo);
    (void)cost;
    for (const pair_arc& a : pair_arcs)
        if (net.flow(a.arc) > 0) assignment[a.client] = a.coach;

    flow_result r;
    r.plan = matching_plan::from_assignment(assignment);
    r.placed = static_cast<std::size_t>(sent) + ps.size();
    r.all_placed = sent == free_clients;
    r.objective = plan_objective(p, r.plan);
    r.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace qcoach::coaching
