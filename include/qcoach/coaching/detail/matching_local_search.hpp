#pragma once
/// @file
/// @brief "gap-local-search": a dedicated classical method for the matching problem with general
/// loads (the generalized assignment problem), beside the QUBO solvers and named as such.
///
/// Why it exists: on the QUBO of a GAP (one-hot rows plus capacity rows with slack bits, whose
/// safe penalty weight is the objective range, see matching_encoding.hpp) a one-flip solver
/// must break a one-hot row or a capacity row to move a client, and every such step costs a
/// penalty far above any gain; tabu search and annealing on that landscape stop at feasible but
/// poor plans on the OR-Library gap1-gap12 instances (figures in
/// examples/coach_matching/README.md). This method works on assignments directly, so moving a
/// client is one step.
///
/// Method: tabu search with strategic oscillation over complete assignments, after J.A. Díaz and
/// E. Fernández, "A tabu search heuristic for the generalized assignment problem", EJOR 132
/// (2001) 22-38: the search may overload coaches, at a cost alpha per unit of excess load,
///
///     F(x) = -sum_c g_c,x(c) + alpha * sum_k max(0, load_k - b_k),
///
/// and alpha adapts: multiplied by 1.1 after an iteration that ends infeasible, divided by 1.1
/// after one that ends feasible, so the search oscillates across the capacity boundary instead
/// of staying on one side. Each iteration takes the best move of the full neighbourhood:
///   shift  one client to another allowed coach (n (m - 1) moves),
///   swap   two clients of different coaches (n (n - 1) / 2 moves),
/// each evaluated in O(1) from the coach loads. A moved client may not return to the coach it
/// left for a tenure drawn from [3, 3 + n/8] iterations, unless the move gives a feasible plan
/// better than the restart's best (aspiration). After 4 n iterations without a new best feasible
/// plan the search goes back to that plan and shifts a random 10% of the clients (a kick).
/// Restart 0 starts from a regret greedy (clients with the largest gap between their best and
/// second-best coach first, each on its best coach with room); the others from the same greedy
/// on gains perturbed by uniform noise of a quarter of the gain range. The constants were set on
/// gap1-gap12 (benchmarks/coaching_matching_report.sh) and on the bundled examples.
///
/// Budget: 8 restarts of 50 n iterations (at least 1,000, at most 5,000), and no more than 4e7
/// move evaluations per restart (at least 500 iterations): an iteration scans n (m - 1) + n (n - 1)/2
/// moves, so the cap only binds from about 150 clients on (200 clients x 20 coaches: 1,660
/// iterations). On gap1-gap12 (up to 60 clients x 10 coaches) the last improvement came within
/// 100 ms in every run tried; 4 restarts of 500 iterations already reached 57 of the 60 optima,
/// 4 of 1,500 all 60.
///
/// Pins: pinned clients never move and their loads are taken off their coaches' capacities.
/// Forbidden and excluded pairs have no move. When clients may stay unassigned, "unassigned" is
/// one more coach with unlimited capacity and the unassigned gain.
///
/// Reproducibility: restarts are the units of work; restart k draws from Rng::stream(seed, k) and
/// the best plan is taken in restart order (the first of equal ones), so the result does not
/// depend on the thread count unless a time limit or a target ends the run.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/qubo/solver.hpp"

namespace qcoach::coaching {

/// @brief Budget and stop conditions of gap_local_search. 0 selects the documented default.
struct gap_search_options {
    std::uint64_t seed = 0;
    int threads = 0;                ///< 0: all available
    double time_limit_s = 0.0;      ///< wall-clock budget; 0: none (the iteration budget ends it)
    std::size_t restarts = 0;       ///< independent restarts; 0: 8
    /// Iterations per restart; 0: 50 n within [1,000, 5,000], and at most 4e7 move evaluations
    /// per restart (at least 500 iterations).
    std::size_t iterations = 0;
    /// Stop as soon as a feasible plan reaches this objective (the problem's own terms).
    std::optional<double> target;
    qubo::progress_callback progress; ///< best_energy is -objective (maximize) or objective
    double progress_interval_s = 0.5;
};

/// @brief What gap_local_search returns.
struct gap_search_result {
    matching_plan plan;
    bool feasible = false;   ///< the plan meets every capacity (false: none was found)
    double objective = 0.0;  ///< plan_objective of the plan
    double time_s = 0.0;
    double time_to_best_s = 0.0;
    std::uint64_t iterations = 0;
    std::size_t restarts_done = 0;
    bool stopped_early = false;
    bool reached_target = false;
};

namespace detail {

/// Read-only data of one search: movable clients, their options, reduced capacities.
struct gap_instance {
    std::size_t n = 0;               // movable clients
    std::size_t m = 0;               // coaches, plus one "unassigned" coach when allowed
    std::vector<std::size_t> client; // problem index of movable client i
    std::vector<double> gain;        // n x m; -inf when not allowed
    std::vector<std::int64_t> load;  // n x m
    std::vector<std::int64_t> cap;   // m (the unassigned coach: unlimited)
    std::vector<std::vector<std::uint32_t>> options; // allowed coaches of each client
    double gain_range = 1.0;
    double alpha0 = 1.0;
    double fixed_gain = 0.0;         // gain of the pinned clients
    std::size_t real_coaches = 0;
};

inline gap_instance make_gap_instance(const MatchingProblem& p, std::span<const matching_pin> pins) {
    gap_instance g;
    g.real_coaches = p.num_coaches();
    const bool skip = p.unassigned_value().has_value();
    g.m = p.num_coaches() + (skip ? 1 : 0);
    std::vector<bool> pinned(p.num_clients(), false);
    g.cap.resize(g.m);
    for (std::size_t k = 0; k < p.num_coaches(); ++k) g.cap[k] = p.capacity(k);
    if (skip) g.cap.back() = std::numeric_limits<std::int64_t>::max() / 4;
    for (const matching_pin& pin : pins) {
        pinned[pin.client] = true;
        g.cap[pin.coach] -= p.load(pin.client, pin.coach);
        g.fixed_gain += p.gain(pin.client, pin.coach);
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::int64_t min_load = std::numeric_limits<std::int64_t>::max();
    for (std::size_t c = 0; c < p.num_clients(); ++c) {
        if (pinned[c]) continue;
        g.client.push_back(c);
        std::vector<std::uint32_t> opts;
        for (std::size_t k = 0; k < g.m; ++k) {
            const bool none = k == p.num_coaches();
            const bool ok = none || (p.allowed(c, k) && p.load(c, k) <= g.cap[k]);
            const double gk = none ? p.unassigned_gain() : p.gain(c, k);
            g.gain.push_back(ok ? gk : -std::numeric_limits<double>::infinity());
            g.load.push_back(none ? 0 : p.load(c, k));
            if (!ok) continue;
            opts.push_back(static_cast<std::uint32_t>(k));
            lo = std::min(lo, gk);
            hi = std::max(hi, gk);
            if (!none && p.load(c, k) > 0) min_load = std::min(min_load, p.load(c, k));
        }
        if (opts.empty()) {
            throw value_error("client " + p.client_id(c) + " has no allowed coach with room left after the pins");
        }
        g.options.push_back(std::move(opts));
    }
    g.n = g.client.size();
    g.gain_range = hi > lo ? hi - lo : 1.0;
    if (min_load == std::numeric_limits<std::int64_t>::max()) min_load = 1;
    // Start where one unit of excess costs about as much as the largest gain difference per unit
    // of the smallest load: the first iterations then trade gain against excess at par.
    g.alpha0 = g.gain_range / static_cast<double>(min_load);
    return g;
}

/// One restart's search state and loop (see the file comment).
class gap_tabu {
public:
    explicit gap_tabu(const gap_instance& g) : g_(g), at_(g.n), loads_(g.m), tabu_(g.n * g.m) {}

    template <class Stop, class Offer>
    void run(std::uint64_t k, std::size_t iterations, Rng& rng, Stop&& stop, Offer&& offer) {
        start(k == 0 ? 0.0 : 0.25 * g_.gain_range, rng);
        best_gain_ = -std::numeric_limits<double>::infinity();
        best_excess_ = std::numeric_limits<std::int64_t>::max();
        note_best(offer);
        double alpha = g_.alpha0;
        const std::size_t tenure_span = 1 + g_.n / 8;
        const std::uint64_t stall_limit = std::max<std::uint64_t>(50, 4 * g_.n);
        std::uint64_t since_best = 0;
        std::fill(tabu_.begin(), tabu_.end(), 0);
        for (std::uint64_t it = 1; it <= iterations; ++it) {
            if ((it & 15) == 0 && stop()) break;
            ++iterations_;
            if (!step(it, alpha, tenure_span, rng)) break;
            alpha = excess_ > 0 ? alpha * 1.1 : alpha / 1.1;
            alpha = std::clamp(alpha, 1e-3 * g_.alpha0, 1e6 * g_.alpha0);
            if (note_best(offer)) {
                since_best = 0;
            } else if (++since_best >= stall_limit) {
                kick(rng);
                alpha = g_.alpha0;
                since_best = 0;
            }
        }
    }

    /// Best plan of this restart: feasible when found, else the least overloaded one.
    const std::vector<std::uint32_t>& best() const noexcept { return best_at_; }
    bool best_feasible() const noexcept { return best_excess_ == 0; }
    double best_gain() const noexcept { return best_gain_; }
    std::int64_t best_excess() const noexcept { return best_excess_; }
    std::uint64_t iterations() const noexcept { return iterations_; }

private:
    static std::int64_t over(std::int64_t load, std::int64_t cap) noexcept { return load > cap ? load - cap : 0; }
    double g(std::size_t i, std::size_t k) const noexcept { return g_.gain[i * g_.m + k]; }
    std::int64_t r(std::size_t i, std::size_t k) const noexcept { return g_.load[i * g_.m + k]; }

    void assign(std::size_t i, std::uint32_t k) {
        at_[i] = k;
        loads_[k] += r(i, k);
    }

    void recompute() {
        gain_ = 0.0;
        excess_ = 0;
        for (std::size_t i = 0; i < g_.n; ++i) gain_ += g(i, at_[i]);
        for (std::size_t k = 0; k < g_.m; ++k) excess_ += over(loads_[k], g_.cap[k]);
    }

    /// Regret greedy on gains plus uniform noise in [0, noise).
    void start(double noise, Rng& rng) {
        std::fill(loads_.begin(), loads_.end(), 0);
        std::vector<double> noisy(g_.gain.size());
        for (std::size_t i = 0; i < noisy.size(); ++i) noisy[i] = g_.gain[i] + (noise > 0 ? noise * rng.uniform() : 0.0);
        std::vector<std::pair<double, std::size_t>> order;
        for (std::size_t i = 0; i < g_.n; ++i) {
            double b1 = -std::numeric_limits<double>::infinity(), b2 = b1;
            for (std::uint32_t k : g_.options[i]) {
                const double v = noisy[i * g_.m + k];
                if (v > b1) {
                    b2 = b1;
                    b1 = v;
                } else if (v > b2) {
                    b2 = v;
                }
            }
            order.push_back({std::isfinite(b2) ? b1 - b2 : std::numeric_limits<double>::max(), i});
        }
        std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [regret, i] : order) {
            (void)regret;
            std::uint32_t pick = g_.options[i].front();
            double pick_v = -std::numeric_limits<double>::infinity();
            bool pick_fits = false;
            for (std::uint32_t k : g_.options[i]) {
                const bool fits = loads_[k] + r(i, k) <= g_.cap[k];
                const double v = noisy[i * g_.m + k];
                if ((fits && !pick_fits) || (fits == pick_fits && v > pick_v)) {
                    pick = k;
                    pick_v = v;
                    pick_fits = fits;
                }
            }
            assign(i, pick);
        }
        recompute();
    }

    template <class Offer>
    bool note_best(Offer&& offer) {
        const bool better = excess_ == 0 ? (best_excess_ != 0 || gain_ > best_gain_ + 1e-9 * g_.gain_range)
                                         : (best_excess_ != 0 && excess_ < best_excess_);
        if (!better) return false;
        best_at_ = at_;
        best_gain_ = gain_;
        best_excess_ = excess_;
        if (excess_ == 0) offer(gain_, best_at_);
        return excess_ == 0;
    }

    /// One iteration: apply the best admissible move. False when there is none.
    bool step(std::uint64_t it, double alpha, std::size_t tenure_span, Rng& rng) {
        const double aspire = best_excess_ == 0 ? best_gain_ + 1e-9 * g_.gain_range : -std::numeric_limits<double>::infinity();
        double best_score = std::numeric_limits<double>::infinity();
        std::size_t ties = 0;
        // Chosen move: shift (i, -, to) or swap (i, j).
        std::size_t mi = 0, mj = 0;
        std::uint32_t mto = 0;
        bool mswap = false;
        const auto consider = [&](double score, bool is_tabu, double new_gain, std::int64_t new_excess) {
            if (is_tabu && !(new_excess == 0 && new_gain > aspire)) return false;
            if (score < best_score) {
                best_score = score;
                ties = 1;
                return true;
            }
            if (score == best_score) return rng.below(++ties) == 0;
            return false;
        };
        for (std::size_t i = 0; i < g_.n; ++i) {
            const std::uint32_t k1 = at_[i];
            const double g1 = g(i, k1);
            const std::int64_t e1 = over(loads_[k1] - r(i, k1), g_.cap[k1]) - over(loads_[k1], g_.cap[k1]);
            for (std::uint32_t k2 : g_.options[i]) {
                if (k2 == k1) continue;
                const double dg = g(i, k2) - g1;
                const std::int64_t de = e1 + over(loads_[k2] + r(i, k2), g_.cap[k2]) - over(loads_[k2], g_.cap[k2]);
                const double score = -dg + alpha * static_cast<double>(de);
                if (score > best_score) continue;
                if (consider(score, tabu_[i * g_.m + k2] > it, gain_ + dg, excess_ + de)) {
                    mi = i;
                    mto = k2;
                    mswap = false;
                }
            }
        }
        for (std::size_t i = 0; i < g_.n; ++i) {
            const std::uint32_t k1 = at_[i];
            for (std::size_t j = i + 1; j < g_.n; ++j) {
                const std::uint32_t k2 = at_[j];
                if (k1 == k2) continue;
                const double gi2 = g(i, k2), gj1 = g(j, k1);
                if (!std::isfinite(gi2) || !std::isfinite(gj1)) continue;
                const double dg = gi2 + gj1 - g(i, k1) - g(j, k2);
                const std::int64_t l1 = loads_[k1] - r(i, k1) + r(j, k1);
                const std::int64_t l2 = loads_[k2] - r(j, k2) + r(i, k2);
                const std::int64_t de = over(l1, g_.cap[k1]) - over(loads_[k1], g_.cap[k1]) + over(l2, g_.cap[k2]) -
                                        over(loads_[k2], g_.cap[k2]);
                const double score = -dg + alpha * static_cast<double>(de);
                if (score > best_score) continue;
                const bool is_tabu = tabu_[i * g_.m + k2] > it || tabu_[j * g_.m + k1] > it;
                if (consider(score, is_tabu, gain_ + dg, excess_ + de)) {
                    mi = i;
                    mj = j;
                    mswap = true;
                }
            }
        }
        if (!std::isfinite(best_score)) return false;
        const auto move = [&](std::size_t i, std::uint32_t to) {
            const std::uint32_t from = at_[i];
            loads_[from] -= r(i, from);
            tabu_[i * g_.m + from] = it + 3 + rng.below(tenure_span);
            assign(i, to);
        };
        if (mswap) {
            const std::uint32_t ki = at_[mi], kj = at_[mj];
            move(mi, kj);
            move(mj, ki);
        } else {
            move(mi, mto);
        }
        // Recomputing the totals costs n + m, little next to the O(n^2) scan, and cannot drift.
        recompute();
        return true;
    }

    /// Back to the restart's best plan, then shift a random 10% of the clients.
    void kick(Rng& rng) {
        if (best_at_.empty()) return;
        std::fill(loads_.begin(), loads_.end(), 0);
        for (std::size_t i = 0; i < g_.n; ++i) assign(i, best_at_[i]);
        const std::size_t count = std::max<std::size_t>(1, g_.n / 10);
        for (std::size_t t = 0; t < count; ++t) {
            const std::size_t i = rng.below(g_.n);
            const auto& opts = g_.options[i];
            const std::uint32_t to = opts[rng.below(opts.size())];
            loads_[at_[i]] -= r(i, at_[i]);
            assign(i, to);
        }
        recompute();
    }

    const gap_instance& g_;
    std::vector<std::uint32_t> at_;
    std::vector<std::int64_t> loads_;
    std::vector<std::uint64_t> tabu_;
    double gain_ = 0.0;
    std::int64_t excess_ = 0;
    std::vector<std::uint32_t> best_at_;
    double best_gain_ = 0.0;
    std::int64_t best_excess_ = 0;
    std::uint64_t iterations_ = 0;
};

} // namespace detail

/// @brief Run the dedicated local search (see the file comment) with the pins kept.
inline gap_search_result gap_local_search(const MatchingProblem& p, std::span<const matching_pin> pins = {},
                                          const gap_search_options& o = {}) {
    p.check_solvable_rows();
    const std::vector<matching_pin> ps = check_pins(p, pins);
    const detail::gap_instance g = detail::make_gap_instance(p, ps);
    const bool maximize = p.maximize();
    // Energies for the shared run control: lower is better, -gain in total.
    qubo::solver_options so;
    so.seed = o.seed;
    so.threads = o.threads;
    so.time_limit_s = o.time_limit_s;
    so.progress = o.progress;
    so.progress_interval_s = o.progress_interval_s;
    if (o.target) so.target_energy = maximize ? -*o.target : *o.target;
    const std::size_t restarts = o.restarts != 0 ? o.restarts : 8;
    std::size_t iterations = o.iterations;
    if (iterations == 0) {
        // Moves scanned per iteration: shifts n (m - 1) and swaps n (n - 1) / 2 (upper bounds).
        const double moves = static_cast<double>(g.n) * static_cast<double>(g.m) + 0.5 * static_cast<double>(g.n) * static_cast<double>(g.n);
        const auto cap = static_cast<std::size_t>(std::max(500.0, 4e7 / std::max(1.0, moves)));
        iterations = std::min(std::clamp<std::size_t>(50 * g.n, 1000, 5000), cap);
    }
    qubo::detail::run_control rc(so, restarts);

    std::vector<matching_pin> pin_list(ps);
    const auto to_plan = [&](const std::vector<std::uint32_t>& at) {
        std::vector<std::optional<std::size_t>> a(p.num_clients());
        for (const matching_pin& pin : pin_list) a[pin.client] = pin.coach;
        for (std::size_t i = 0; i < g.n; ++i)
            if (at[i] < g.real_coaches) a[g.client[i]] = at[i];
        return matching_plan::from_assignment(a);
    };

    struct outcome {
        std::vector<std::uint32_t> at;
        bool feasible = false;
        double gain = 0.0;
        std::int64_t excess = 0;
        std::uint64_t iterations = 0;
        bool ran = false;
    };
    std::vector<outcome> outcomes(restarts);
    if (g.n == 0) {
        gap_search_result r;
        r.plan = to_plan({});
        r.feasible = true;
        r.objective = plan_objective(p, r.plan);
        rc.offer(maximize ? -r.objective : r.objective, {});
        r.restarts_done = restarts;
        r.reached_target = o.target && (maximize ? r.objective >= *o.target : r.objective <= *o.target);
        return r;
    }
    int threads = o.threads > 0 ? o.threads : available_threads();
    threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), restarts));
    const auto count = static_cast<std::int64_t>(restarts);
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (threads > 1)
#endif
    for (std::int64_t k = 0; k < count; ++k) {
        if (rc.should_stop()) continue;
        Rng rng = Rng::stream(o.seed, static_cast<std::uint64_t>(k));
        detail::gap_tabu search(g);
        const auto stop = [&rc] {
            rc.maybe_report();
            return rc.should_stop();
        };
        const auto offer = [&](double gain, const std::vector<std::uint32_t>&) {
            rc.offer(-(gain + g.fixed_gain), {});
        };
        search.run(static_cast<std::uint64_t>(k), iterations, rng, stop, offer);
        outcome& out = outcomes[static_cast<std::size_t>(k)];
        out.at = search.best();
        out.feasible = search.best_feasible();
        out.gain = search.best_gain();
        out.excess = search.best_excess();
        out.iterations = search.iterations();
        out.ran = true;
        rc.unit_done();
    }
    gap_search_result r;
    const outcome* best = nullptr;
    for (const outcome& out : outcomes) {
        if (!out.ran) continue;
        ++r.restarts_done;
        r.iterations += out.iterations;
        if (!best || (out.feasible && (!best->feasible || out.gain > best->gain)) ||
            (!out.feasible && !best->feasible && out.excess < best->excess)) {
            best = &out;
        }
    }
    qubo::solve_result timing;
    rc.finish(timing);
    r.time_s = timing.total_time_s;
    r.time_to_best_s = timing.time_to_best_s;
    r.stopped_early = timing.stopped_early;
    r.reached_target = timing.reached_target;
    if (best) {
        r.plan = to_plan(best->at);
        r.feasible = best->feasible;
        r.objective = plan_objective(p, r.plan);
    } else {
        r.plan.coaches.resize(p.num_clients());
        r.objective = plan_objective(p, r.plan);
    }
    return r;
}

} // namespace qcoach::coaching
