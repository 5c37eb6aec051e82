#pragma once
/// @file
/// @brief A dedicated exact method for SALBP-1 (fewest stations of cycle time c, precedence
/// "same or earlier station"): priority-rule heuristics for an upper bound, simple lower
/// bounds, and a station-oriented depth-first branch-and-bound that searches downward in the
/// number of stations. It stands beside the QUBO solvers under its own name.
///
/// Lower bounds (Scholl 1999, "Balancing and sequencing of assembly lines", ch. 5):
///   LB1 = ceil(sum t / c);
///   LB2 = #{t_j > c/2} + ceil(#{t_j = c/2} / 2)   (two such tasks cannot share a station
///         with a third of size > c/2).
/// Upper bound: station-oriented priority rules (fill a station with the available task of
/// highest priority that fits, open a new one when none fits) with the priorities positional
/// weight (t_j plus the times of all its successors), time, number of successors, and a few
/// seeded random tie-breaks; the best plan is kept.
///
/// Branch and bound (as in SALOME/FABLE, Scholl & Klein 1997): for m = UB - 1 down to LB, try
/// to fill m stations one after the other. Each station takes a maximal load (no further
/// available task fits): any plan can be changed into one with maximal loads without adding a
/// station, because moving an available task earlier never breaks a precedence (Jackson's
/// dominance rule). A node is cut when the remaining time needs more than the stations left
/// (ceil(rest / c)), when the remaining tasks longer than c/2 outnumber them, or when the same
/// set of assigned tasks was already shown to fail with as few stations (memo). The first m
/// without a plan proves m + 1 optimal; a time or node limit stops the search and the result
/// says it is not proven.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/rng.hpp"

namespace qcoach::coaching::detail {

struct salbp_options {
    double time_limit_s = 10.0;   ///< 0: none
    std::uint64_t node_limit = 0; ///< 0: none
    std::uint64_t seed = 0;       ///< random tie-breaks of the heuristics
    /// Called now and then with (stations being tried, lower bound, best so far); false stops.
    std::function<bool(std::size_t, std::size_t, std::size_t)> progress;
};

struct salbp_result {
    std::vector<std::size_t> station_of; ///< per task, 0-based
    std::size_t stations = 0;
    std::size_t lower_bound = 0;         ///< proven lower bound (== stations when proven optimal)
    std::size_t heuristic_stations = 0;  ///< the best priority rule alone
    bool proven_optimal = false;
    std::uint64_t nodes = 0;
    double time_s = 0.0;
};

class salbp_search {
public:
    salbp_search(const std::vector<std::int64_t>& t, const precedence_graph& g, std::int64_t c, const salbp_options& o)
        : t_(t), g_(g), c_(c), o_(o), n_(t.size()), start_(clock::now()) {
        if (c <= 0) throw value_error("the cycle time must be > 0, got " + std::to_string(c));
        for (std::size_t j = 0; j < n_; ++j)
            if (t_[j] > c_)
                throw value_error("task " + std::to_string(j + 1) + " takes " + std::to_string(t_[j]) +
                                  ", more than the cycle time " + std::to_string(c_) + ": no plan exists");
        topo_ = g_.topological_order([](std::size_t j) { return "task " + std::to_string(j + 1); });
        const auto reach = g_.descendants(topo_);
        weight_.assign(n_, 0);
        succ_count_.assign(n_, 0);
        for (std::size_t j = 0; j < n_; ++j) {
            weight_[j] = t_[j];
            for (std::size_t k = 0; k < n_; ++k)
                if (reach[j].contains(k)) {
                    weight_[j] += t_[k];
                    ++succ_count_[j];
                }
        }
    }

    salbp_result run() {
        salbp_result r;
        total_ = std::accumulate(t_.begin(), t_.end(), std::int64_t{0});
        std::size_t half = 0, exact_half = 0;
        for (auto x : t_) {
            if (2 * x > c_) ++half;
            if (2 * x == c_) ++exact_half;
        }
        r.lower_bound = std::max<std::size_t>(static_cast<std::size_t>((total_ + c_ - 1) / c_), half + (exact_half + 1) / 2);
        r.lower_bound = std::max<std::size_t>(r.lower_bound, n_ ? 1 : 0);
        // Heuristic upper bound.
        std::vector<std::vector<double>> rules;
        rules.emplace_back(weight_.begin(), weight_.end());
        rules.emplace_back(t_.begin(), t_.end());
        rules.emplace_back(succ_count_.begin(), succ_count_.end());
        for (std::uint64_t k = 0; k < 16; ++k) {
            Rng rng = Rng::stream(o_.seed, k);
            std::vector<double> pr(n_);
            for (std::size_t j = 0; j < n_; ++j) pr[j] = static_cast<double>(weight_[j]) * (0.8 + 0.4 * rng.uniform());
            rules.push_back(std::move(pr));
        }
        for (const auto& pr : rules) {
            auto plan = greedy(pr);
            const std::size_t m = n_ ? 1 + *std::max_element(plan.begin(), plan.end()) : 0;
            if (r.station_of.empty() || m < r.stations) {
                r.stations = m;
                r.station_of = plan;
            }
        }
        r.heuristic_stations = r.stations;
        order_.resize(n_);
        std::iota(order_.begin(), order_.end(), 0);
        std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return weight_[a] > weight_[b]; });
        // Downward search.
        while (r.stations > r.lower_bound) {
            const std::size_t m = r.stations - 1;
            memo_.clear();
            at_.assign(n_, unplaced);
            if (o_.progress && !o_.progress(m, r.lower_bound, r.stations)) stopped_ = true;
            const bool found = !stopped_ && station(index_set(n_), 0, 0, m);
            if (found) {
                r.stations = m;
                r.station_of = at_;
            } else {
                if (!stopped_) r.lower_bound = m + 1;
                break;
            }
        }
        r.proven_optimal = r.stations == r.lower_bound;
        r.nodes = nodes_;
        r.time_s = elapsed();
        return r;
    }

private:
    using clock = std::chrono::steady_clock;
    double elapsed() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

    bool available(std::size_t j, const index_set& done, const index_set& load) const {
        for (std::size_t q : g_.predecessors(j))
            if (!done.contains(q) && !load.contains(q)) return false;
        return true;
    }

    std::vector<std::size_t> greedy(const std::vector<double>& pr) const {
        std::vector<std::size_t> at(n_, unplaced);
        index_set done(n_), none(n_);
        std::size_t placed = 0, s = 0;
        std::int64_t used = 0;
        while (placed < n_) {
            std::size_t pick = unplaced;
            for (std::size_t j = 0; j < n_; ++j) {
                if (at[j] != unplaced || t_[j] > c_ - used || !available(j, done, none)) continue;
                if (pick == unplaced || pr[j] > pr[pick]) pick = j;
            }
            if (pick == unplaced) {
                ++s;
                used = 0;
                continue;
            }
            at[pick] = s;
            done.insert(pick);
            used += t_[pick];
            ++placed;
        }
        return at;
    }

    /// Fill station `s` (0-based) given the tasks already assigned; m stations in all.
    bool station(const index_set& done, std::size_t s, std::int64_t done_time, std::size_t m) {
        if (stopped_) return false;
        const std::int64_t rest = total_ - done_time;
        if (rest == 0) return true;
        if (s == m) return false;
        const auto left = static_cast<std::int64_t>(m - s);
        if ((rest + c_ - 1) / c_ > left) return false;
        std::int64_t big = 0;
        for (std::size_t j = 0; j < n_; ++j)
            if (!done.contains(j) && 2 * t_[j] > c_) ++big;
        if (big > left) return false;
        if (auto it = memo_.find(done); it != memo_.end() && it->second <= s) return false;
        if ((++nodes_ & 255) == 0) {
            if ((o_.time_limit_s > 0 && elapsed() > o_.time_limit_s) || (o_.node_limit && nodes_ > o_.node_limit)) {
                stopped_ = true;
                return false;
            }
        }
        std::vector<std::size_t> cand, excluded, load;
        index_set in_load(n_);
        for (std::size_t j : order_)
            if (!done.contains(j) && available(j, done, in_load)) cand.push_back(j);
        const bool ok = fill(done, in_load, cand, 0, excluded, load, 0, s, done_time, m);
        if (!ok && !stopped_) {
            auto [it, inserted] = memo_.try_emplace(done, s);
            if (!inserted) it->second = std::min(it->second, s);
        }
        return ok;
    }

    /// Enumerate the maximal loads of station s by including or excluding the candidates in
    /// turn (cand[k..] undecided), and go on to the next station for each.
    bool fill(const index_set& done, index_set& in_load, std::vector<std::size_t>& cand, std::size_t k,
              std::vector<std::size_t>& excluded, std::vector<std::size_t>& load, std::int64_t used, std::size_t s,
              std::int64_t done_time, std::size_t m) {
        if (stopped_) return false;
        if (k == cand.size()) {
            for (std::size_t j : excluded)
                if (t_[j] <= c_ - used) return false; // not maximal
            if (load.empty()) return false;
            index_set next = done;
            next.unite(in_load);
            for (std::size_t j : load) at_[j] = s;
            return station(next, s + 1, done_time + used, m);
        }
        const std::size_t j = cand[k];
        if (t_[j] <= c_ - used) {
            in_load.insert(j);
            load.push_back(j);
            const std::size_t before = cand.size();
            for (std::size_t q : g_.successors(j))
                if (!done.contains(q) && !in_load.contains(q) && available(q, done, in_load) &&
                    std::find(cand.begin(), cand.end(), q) == cand.end())
                    cand.push_back(q);
            if (fill(done, in_load, cand, k + 1, excluded, load, used + t_[j], s, done_time, m)) return true;
            cand.resize(before);
            load.pop_back();
            in_load.erase(j);
        }
        excluded.push_back(j);
        const bool ok = fill(done, in_load, cand, k + 1, excluded, load, used, s, done_time, m);
        excluded.pop_back();
        return ok;
    }

    const std::vector<std::int64_t>& t_;
    const precedence_graph& g_;
    std::int64_t c_;
    salbp_options o_;
    std::size_t n_;
    clock::time_point start_;
    std::vector<std::size_t> topo_, order_, at_;
    std::vector<std::int64_t> weight_;
    std::vector<std::size_t> succ_count_;
    std::int64_t total_ = 0;
    std::unordered_map<index_set, std::size_t, index_set_hash> memo_;
    std::uint64_t nodes_ = 0;
    bool stopped_ = false;
};

/// @brief Solve SALBP-1 with the dedicated method (see the file comment).
inline salbp_result solve_salbp1(const std::vector<std::int64_t>& times, const precedence_graph& g,
                                 std::int64_t cycle_time, const salbp_options& o = {}) {
    salbp_search s(times, g, cycle_time, o);
    return s.run();
}

} // namespace qcoach::coaching::detail
