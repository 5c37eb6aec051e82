#pragma once
/// @file
/// @brief Sessions mode without the QUBO: the repair of an infeasible plan (only when a
/// person asks for it) and a dedicated local search that stands beside the QUBO solvers in the
/// comparison, under its own name.
///
/// Repair (repair_plan). Pinned modules, and modules whose domain leaves a single session, go
/// first to their sessions. The others follow a topological order of the prerequisites; each
/// takes, among the sessions its domain allows and its already placed prerequisites leave open,
/// the one that still has room (time and load) and is closest to where the sample put it (the
/// earliest of its placements; the earliest session with room when the sample placed it
/// nowhere), or else the one with the smallest overflow. Overflow left is then lowered by the
/// relocations and swaps of the local search below, taken only when they lower it. When that is
/// not enough the plan stays infeasible, and the check says so. Every change against the sample
/// is listed in plan.repairs.
///
/// Local search (search_plan). An iterated local search over complete plans that keep every
/// prerequisite and every pin: it starts from the repair of the empty plan (first fit in
/// topological order), moves one module to another session or swaps two modules of different
/// sessions while the score drops, then perturbs the best plan with a few random moves and
/// searches again. The score is (capacity and budget overflow, objective), compared in that
/// order, so a plan without overflow always beats one with. Randomness from
/// Rng::stream(seed, round). This is a classical heuristic for the problem itself, not a QUBO
/// solver.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/learning_sessions_model.hpp"
#include "qcoach/core/rng.hpp"

namespace qcoach::coaching {

/// Budget and seed of search_plan.
struct plan_search_options {
    std::uint64_t seed = 0;
    /// Perturb-and-search rounds; 0: 100 + 20 n.
    std::size_t rounds = 0;
    /// Wall-clock budget in seconds; 0: none (the rounds bound the run).
    double time_limit_s = 0.0;
    /// Called after each round with (rounds done, rounds total, best objective); false stops.
    std::function<bool(std::size_t, std::size_t, double)> progress;
};

struct plan_search_result {
    session_plan plan;
    double time_s = 0.0;
    std::size_t rounds = 0;
    bool stopped_early = false;
};

namespace detail {

/// State of the local search: one session per module, the sessions' totals and the score.
class plan_state {
public:
    plan_state(const LearningPathProblem& p, const session_domain& d, std::vector<std::size_t> at)
        : p_(&p), d_(&d), at_(std::move(at)), time_(p.num_sessions(), 0), load_(p.num_sessions(), 0) {
        for (std::size_t m = 0; m < at_.size(); ++m) {
            time_[at_[m]] += p.module(m).duration;
            load_[at_[m]] += p.module(m).load;
            completion_ += p.module(m).weight * static_cast<std::int64_t>(at_[m] + 1);
        }
    }

    const std::vector<std::size_t>& at() const noexcept { return at_; }

    /// Overflow of session s with the given totals.
    std::int64_t overflow(std::size_t s, std::int64_t t, std::int64_t l) const {
        const auto& ses = p_->session(s);
        std::int64_t o = std::max<std::int64_t>(0, t - ses.capacity);
        if (ses.load_budget) o += std::max<std::int64_t>(0, l - *ses.load_budget);
        return o;
    }
    std::int64_t total_overflow() const {
        std::int64_t o = 0;
        for (std::size_t s = 0; s < time_.size(); ++s) o += overflow(s, time_[s], load_[s]);
        return o;
    }
    /// Objective without the constant term: lambda_c completion + lambda_b sum L_s^2.
    double objective() const {
        double sq = 0;
        for (auto l : load_) sq += static_cast<double>(l) * static_cast<double>(l);
        return static_cast<double>(p_->weights().completion) * static_cast<double>(completion_) +
               static_cast<double>(p_->weights().balance) * sq;
    }

    /// Whether module m may sit in session s given every other module's session.
    bool fits_order(std::size_t m, std::size_t s) const {
        if (!d_->allowed(m, s)) return false;
        const std::size_t gap = p_->gap();
        for (std::size_t q : p_->graph().predecessors(m))
            if (at_[q] + gap > s) return false;
        for (std::size_t q : p_->graph().successors(m))
            if (s + gap > at_[q]) return false;
        return true;
    }

    /// Change of (overflow, objective) when a moves to ta and, unless b is unplaced, b to tb.
    std::pair<std::int64_t, double> delta(std::size_t a, std::size_t ta, std::size_t b, std::size_t tb) const {
        // Sessions touched and their totals after the move (at most four distinct sessions).
        std::size_t ss[4] = {at_[a], ta, b == unplaced ? ta : at_[b], b == unplaced ? ta : tb};
        std::int64_t dt[4] = {0, 0, 0, 0}, dl[4] = {0, 0, 0, 0};
        auto add = [&](std::size_t s, std::int64_t t, std::int64_t l) {
            for (int k = 0; k < 4; ++k)
                if (ss[k] == s) {
                    dt[k] += t;
                    dl[k] += l;
                    return;
                }
        };
        const auto& ma = p_->module(a);
        add(at_[a], -ma.duration, -ma.load);
        add(ta, ma.duration, ma.load);
        std::int64_t dc = ma.weight * (static_cast<std::int64_t>(ta) - static_cast<std::int64_t>(at_[a]));
        if (b != unplaced) {
            const auto& mb = p_->module(b);
            add(at_[b], -mb.duration, -mb.load);
            add(tb, mb.duration, mb.load);
            dc += mb.weight * (static_cast<std::int64_t>(tb) - static_cast<std::int64_t>(at_[b]));
        }
        std::int64_t dover = 0;
        double dsq = 0;
        for (int k = 0; k < 4; ++k) {
            bool first = true;
            for (int j = 0; j < k; ++j) first = first && ss[j] != ss[k];
            if (!first) continue;
            const std::size_t s = ss[k];
            dover += overflow(s, time_[s] + dt[k], load_[s] + dl[k]) - overflow(s, time_[s], load_[s]);
            const double l0 = static_cast<double>(load_[s]), l1 = static_cast<double>(load_[s] + dl[k]);
            dsq += l1 * l1 - l0 * l0;
        }
        return {dover, static_cast<double>(p_->weights().completion) * static_cast<double>(dc) +
                           static_cast<double>(p_->weights().balance) * dsq};
    }

    void move(std::size_t m, std::size_t s) {
        const auto& mod = p_->module(m);
        time_[at_[m]] -= mod.duration;
        load_[at_[m]] -= mod.load;
        completion_ += mod.weight * (static_cast<std::int64_t>(s) - static_cast<std::int64_t>(at_[m]));
        at_[m] = s;
        time_[s] += mod.duration;
        load_[s] += mod.load;
    }

    /// Whether a and b may exchange sessions (both stay in order with everything else and with
    /// each other).
    bool swap_ok(std::size_t a, std::size_t b) {
        const std::size_t sa = at_[a], sb = at_[b];
        at_[a] = sb;
        at_[b] = sa;
        const bool ok = fits_order(a, sb) && fits_order(b, sa);
        at_[a] = sa;
        at_[b] = sb;
        return ok;
    }

private:
    const LearningPathProblem* p_;
    const session_domain* d_;
    std::vector<std::size_t> at_;
    std::vector<std::int64_t> time_, load_;
    std::int64_t completion_ = 0;
};

/// (overflow, objective) lexicographic "a is better than b" with a small tolerance on the
/// objective (it is an integer plus a constant, so 1e-9 separates real changes from rounding).
inline bool better(std::int64_t oa, double fa, std::int64_t ob, double fb) {
    return oa < ob || (oa == ob && fa < fb - 1e-9);
}

/// Descend with relocations and swaps until no move improves the score; with
/// `overflow_only`, only moves that lower the overflow count (the repair's last step).
inline void descend(plan_state& st, const LearningPathProblem& p, Rng& rng, bool overflow_only = false) {
    const std::size_t n = p.num_modules(), S = p.num_sessions();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    for (bool improved = true; improved;) {
        improved = false;
        for (std::size_t k = n; k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
        for (std::size_t a : order) {
            for (std::size_t t = 0; t < S; ++t) {
                if (t == st.at()[a] || !st.fits_order(a, t)) continue;
                const auto [dov, dobj] = st.delta(a, t, unplaced, 0);
                if (overflow_only ? dov < 0 : better(dov, dobj, 0, 0.0)) {
                    st.move(a, t);
                    improved = true;
                }
            }
            for (std::size_t b = 0; b < n; ++b) {
                if (b == a || st.at()[b] == st.at()[a] || !st.swap_ok(a, b)) continue;
                const std::size_t sa = st.at()[a], sb = st.at()[b];
                const auto [dov, dobj] = st.delta(a, sb, b, sa);
                if (overflow_only ? dov < 0 : better(dov, dobj, 0, 0.0)) {
                    st.move(a, sb);
                    st.move(b, sa);
                    improved = true;
                }
            }
        }
    }
}

} // namespace detail

/// @brief Repair a plan (see the file comment). The result has exactly one session per module
/// and respects pins, forbids and prerequisites; it respects capacities when it can.
inline session_plan repair_plan(const LearningPathProblem& p, const session_domain& d, const session_plan& broken) {
    detail::check_plan_size(p, broken);
    const std::size_t n = p.num_modules(), S = p.num_sessions(), gap = p.gap();
    std::vector<std::size_t> at(n, unplaced);
    std::vector<std::int64_t> time(S, 0), load(S, 0);
    // Pinned modules, and modules left with a single allowed session, first: their room is
    // reserved before anything else is placed.
    for (std::size_t m = 0; m < n; ++m) {
        std::size_t only = unplaced, count = 0;
        for (std::size_t s = 0; s < S; ++s)
            if (d.allowed(m, s)) {
                only = s;
                ++count;
            }
        if (count != 1) continue;
        at[m] = only;
        time[only] += p.module(m).duration;
        load[only] += p.module(m).load;
    }
    auto over = [&](std::size_t m, std::size_t s) {
        const auto& ses = p.session(s);
        std::int64_t o = std::max<std::int64_t>(0, time[s] + p.module(m).duration - ses.capacity);
        if (ses.load_budget) o += std::max<std::int64_t>(0, load[s] + p.module(m).load - *ses.load_budget);
        return o;
    };
    for (std::size_t m : p.topological_order()) {
        if (at[m] != unplaced) continue;
        std::size_t lower = d.earliest[m];
        for (std::size_t q : p.graph().predecessors(m)) lower = std::max(lower, at[q] + gap);
        const std::size_t want = broken.placements[m].empty() ? lower : broken.placements[m].front();
        std::size_t best = unplaced;
        std::int64_t best_over = 0;
        std::size_t best_dist = 0;
        for (std::size_t s = std::min(lower, S); s < S; ++s) {
            if (!d.allowed(m, s)) continue;
            const std::int64_t o = over(m, s);
            const std::size_t dist = s > want ? s - want : want - s;
            if (best == unplaced || o < best_over || (o == best_over && dist < best_dist)) {
                best = s;
                best_over = o;
                best_dist = dist;
            }
        }
        // No allowed session at or after the bound (earlier choices pushed it too far): take
        // the last allowed one; the check reports the prerequisite it breaks.
        if (best == unplaced) best = d.latest[m];
        at[m] = best;
        time[best] += p.module(m).duration;
        load[best] += p.module(m).load;
    }
    // Overflow left: relocations and swaps that keep the order and lower the overflow.
    {
        detail::plan_state st(p, d, at);
        if (st.total_overflow() > 0) {
            Rng rng = Rng::stream(0, 0);
            detail::descend(st, p, rng, true);
            at = st.at();
        }
    }
    session_plan out = session_plan::from_sessions(at);
    out.repaired = true;
    for (std::size_t m = 0; m < n; ++m) {
        const auto& was = broken.placements[m];
        if (was.size() == 1 && was[0] == at[m]) continue;
        std::string line = p.module(m).id + ": ";
        if (was.empty()) {
            line += "placed in " + p.session(at[m]).id + " (the sample placed it in no session)";
        } else if (was.size() > 1) {
            std::string list;
            for (std::size_t s : was) list += (list.empty() ? "" : ", ") + p.session(s).id;
            line += "kept in " + p.session(at[m]).id + " only (the sample placed it in " + list + ")";
        } else {
            line += "moved from " + p.session(was[0]).id + " to " + p.session(at[m]).id;
        }
        out.repairs.push_back(std::move(line));
    }
    return out;
}

/// @brief The dedicated iterated local search (see the file comment). The result keeps every
/// pin, forbid and prerequisite; it is feasible unless no capacity-respecting plan was found.
inline plan_search_result search_plan(const LearningPathProblem& p, const session_domain& d,
                                      const plan_search_options& o = {}) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
    const std::size_t n = p.num_modules(), S = p.num_sessions();
    session_plan empty;
    empty.placements.resize(n);
    const session_plan start = repair_plan(p, d, empty);
    std::vector<std::size_t> at(n);
    for (std::size_t m = 0; m < n; ++m) at[m] = start.session_of(m);
    detail::plan_state cur(p, d, at);
    Rng rng0 = Rng::stream(o.seed, 0);
    detail::descend(cur, p, rng0);
    detail::plan_state best = cur;
    std::int64_t best_over = best.total_overflow();
    double best_obj = best.objective();
    const std::size_t rounds = o.rounds ? o.rounds : 100 + 20 * n;
    plan_search_result r;
    for (std::size_t round = 1; round <= rounds; ++round) {
        if (o.time_limit_s > 0 && elapsed() >= o.time_limit_s) {
            r.stopped_early = true;
            break;
        }
        Rng rng = Rng::stream(o.seed, round);
        detail::plan_state trial = best;
        // Perturbation: 1 to 3 random moves that keep the order (capacity may break; the
        // descent repairs what it can).
        const std::size_t kicks = 1 + rng.below(3);
        for (std::size_t k = 0; k < kicks * 4 && k < 4 * n; ++k) {
            const std::size_t m = rng.below(n), t = rng.below(S);
            if (t != trial.at()[m] && trial.fits_order(m, t)) trial.move(m, t);
        }
        detail::descend(trial, p, rng);
        const std::int64_t ov = trial.total_overflow();
        const double obj = trial.objective();
        if (detail::better(ov, obj, best_over, best_obj)) {
            best = trial;
            best_over = ov;
            best_obj = obj;
        }
        r.rounds = round;
        if (o.progress && !o.progress(round, rounds, best_obj)) {
            r.stopped_early = true;
            break;
        }
    }
    r.plan = session_plan::from_sessions(best.at());
    r.time_s = elapsed();
    return r;
}

} // namespace qcoach::coaching
