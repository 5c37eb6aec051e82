#pragma once
/// @file
/// @brief Session scheduling, the reasons: why a session is where a plan put it.
///
/// For a session s at slot t the other slots fall into three sets:
///   - ruled out by the data or a person: no variable exists (a party is unavailable, the
///     session does not fit, a forbid), or the session is pinned elsewhere;
///   - taken in this plan: s could start there, but with every other session where the plan
///     put it, a hard rule would break (double-booking, a conflict, spacing, a cap); the rule
///     and the sessions in the way are named;
///   - open: s could move there without breaking a rule; each carries its preference score.
/// Among t and the open slots the preference score decides: the explanation says whether t
/// has the best score, ties with others (the solver's pick among equals) or is beaten by an
/// open slot (the solver missed an improvement, which is said as plainly). "What would change
/// it" names the cheapest ways out: the next open slot and its score difference, the best
/// taken slot and the sessions that would have to move, or removing the pin.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/scheduling_encode.hpp"
#include "qcoach/coaching/detail/scheduling_plan.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

namespace detail {

/// A rule category in two or three words, for explanations.
inline const char* rule_short_name(rule_kind k) noexcept {
    switch (k) {
    case rule_kind::scheduled_once: return "scheduled once";
    case rule_kind::coach_double_booking: return "coach busy";
    case rule_kind::client_double_booking: return "client busy";
    case rule_kind::session_conflict: return "conflict";
    case rule_kind::spacing: return "spacing";
    case rule_kind::coach_cap: return "coach cap";
    case rule_kind::client_cap: return "client cap";
    }
    return "?";
}

} // namespace detail

/// One slot in an explanation.
struct slot_note {
    std::size_t slot = 0;
    std::string reason;  ///< full phrase: "coach-2 is not available at mon-10" (ruled out), or
                         ///< the broken rules with the sessions in the way (taken); "" when open
    std::string group;   ///< short category for grouping ("coach-2 not available", "coach busy, spacing")
    int score = 0;       ///< preference score of the session at this slot
    std::vector<std::size_t> in_the_way; ///< sessions whose placement rules the slot out (taken slots)
};

/// Why a session is where the plan put it.
struct decision_explanation {
    std::size_t session = 0;
    std::vector<std::size_t> placed_at; ///< the plan's start slots for the session (one when feasible)
    bool pinned = false;
    int score = 0;                      ///< score at the placed slot (first one)
    std::string score_detail;
    std::vector<slot_note> ruled_out;   ///< no variable, or pinned elsewhere
    std::vector<slot_note> taken;       ///< possible, but ruled out by other sessions in this plan
    std::vector<slot_note> open;        ///< possible and free in this plan (best score first)
    std::string decided_by;
    std::string would_change;
    std::string summary;                ///< first line: "s-3 (client-07, coach-2) at tue-10, score 7"

    /// @brief The explanation as indented text, lists shortened to `max_items` slots per group.
    std::string text(const scheduling_problem& p, std::size_t max_items = 8) const {
        auto list = [&](const std::vector<std::size_t>& slots) {
            std::string s;
            for (std::size_t k = 0; k < slots.size() && k < max_items; ++k) s += (k ? ", " : "") + p.slots[slots[k]].id;
            if (slots.size() > max_items) s += " and " + std::to_string(slots.size() - max_items) + " more";
            return s;
        };
        std::string out = summary + "\n";
        if (!ruled_out.empty()) {
            std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
            for (const slot_note& n : ruled_out) {
                auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == n.group; });
                if (it == groups.end()) groups.push_back({n.group, {n.slot}});
                else it->second.push_back(n.slot);
            }
            out += "  ruled out:";
            for (std::size_t k = 0; k < groups.size(); ++k)
                out += std::string(k ? ";" : "") + " " + groups[k].first + ": " + list(groups[k].second);
            out += "\n";
        }
        if (!taken.empty()) {
            // Grouped by the sessions in the way: "s-04 (coach busy, spacing): w2-tue-14, w2-tue-15".
            std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
            for (const slot_note& n : taken) {
                std::string key;
                for (std::size_t o : n.in_the_way) key += (key.empty() ? "" : "+") + p.sessions[o].id;
                key += " (" + n.group + ")";
                auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
                if (it == groups.end()) groups.push_back({key, {n.slot}});
                else it->second.push_back(n.slot);
            }
            out += "  taken in this plan by:";
            for (std::size_t k = 0; k < groups.size(); ++k)
                out += std::string(k ? ";" : "") + " " + groups[k].first + ": " + list(groups[k].second);
            out += "\n";
        }
        out += "  open:";
        if (open.empty()) out += " none";
        for (std::size_t k = 0; k < open.size() && k < max_items; ++k)
            out += std::string(k ? "," : "") + " " + p.slots[open[k].slot].id + " (" + std::to_string(open[k].score) + ")";
        if (open.size() > max_items) out += " and " + std::to_string(open.size() - max_items) + " more";
        out += "\n  decided by: " + decided_by + "\n  would change: " + would_change + "\n";
        return out;
    }
};

/// @brief Explain where `plan` put session `s` (see the file comment).
inline decision_explanation explain(const schedule_encoding& e, const schedule_plan& plan, std::size_t s) {
    const scheduling_problem& p = e.problem();
    if (s >= p.sessions.size()) throw index_error("session index " + std::to_string(s) + " is out of range");
    if (plan.placements.size() != p.sessions.size()) throw value_error("the plan does not belong to this encoding");
    const session& ss = p.sessions[s];
    decision_explanation x;
    x.session = s;
    x.placed_at = plan.placements[s];
    x.pinned = e.pinned_slot(s).has_value();

    // Left-hand sides of every rule with session s taken out of the plan.
    const auto cons = e.constrained().constraints();
    std::vector<std::int8_t> sample = plan_sample(e, plan.placements);
    for (std::size_t t : plan.placements[s]) sample[*e.variable_of(s, t)] = 0;
    std::vector<std::int64_t> lhs(cons.size());
    for (std::size_t c = 0; c < cons.size(); ++c) lhs[c] = cons[c].lhs(sample);
    std::vector<std::vector<std::size_t>> member(e.num_placement_variables());
    for (std::size_t c = 0; c < cons.size(); ++c) {
        if (e.rules()[c] == rule_kind::scheduled_once) continue;
        for (const qubo::int_term& t : cons[c].terms()) member[t.variable].push_back(c);
    }

    for (std::size_t t = 0; t < p.slots.size(); ++t) {
        if (std::find(x.placed_at.begin(), x.placed_at.end(), t) != x.placed_at.end()) continue;
        const placement_info& pi = e.placement(s, t);
        slot_note n;
        n.slot = t;
        n.score = pi.score;
        switch (pi.status) {
        case placement_status::does_not_fit: n.group = "too long to start there"; break;
        case placement_status::client_unavailable: n.group = p.clients[*ss.client].id + " not available"; break;
        case placement_status::coach_unavailable: n.group = p.coaches[*ss.coach].id + " not available"; break;
        case placement_status::forbidden: n.group = describe(p, e.decisions().forbids[pi.cause]); break;
        case placement_status::pinned_elsewhere: n.group = "pinned at " + p.slots[pi.cause].id; break;
        case placement_status::candidate: break;
        }
        if (pi.status != placement_status::candidate) {
            n.reason = e.reason(s, t);
            x.ruled_out.push_back(std::move(n));
            continue;
        }
        for (std::size_t c : member[*pi.variable]) {
            if (lhs[c] + 1 <= cons[c].rhs()) continue;
            std::vector<std::size_t> here; // sessions of this rule in the way
            for (const qubo::int_term& term : cons[c].terms()) {
                if (!sample[term.variable]) continue;
                const std::size_t other = e.variable(term.variable).session;
                if (std::find(here.begin(), here.end(), other) == here.end()) here.push_back(other);
                if (std::find(n.in_the_way.begin(), n.in_the_way.end(), other) == n.in_the_way.end()) n.in_the_way.push_back(other);
            }
            std::string who;
            for (std::size_t o : here) who += (who.empty() ? "" : ", ") + p.sessions[o].id;
            if (!n.reason.empty()) n.reason += "; ";
            n.reason += cons[c].name() + " (" + who + ")";
            const char* kind = detail::rule_short_name(e.rules()[c]);
            if (n.group.find(kind) == std::string::npos) n.group += (n.group.empty() ? "" : ", ") + std::string(kind);
        }
        std::sort(n.in_the_way.begin(), n.in_the_way.end());
        if (n.reason.empty()) x.open.push_back(std::move(n));
        else x.taken.push_back(std::move(n));
    }
    std::stable_sort(x.open.begin(), x.open.end(), [](const slot_note& a, const slot_note& b) { return a.score > b.score; });

    std::string who = ss.id + " (";
    who += ss.client ? p.clients[*ss.client].id : std::string("no client");
    who += ", ";
    who += ss.coach ? p.coaches[*ss.coach].id : std::string("no coach");
    who += ss.length > 1 ? ", " + std::to_string(ss.length) + " slots)" : ")";

    if (x.placed_at.size() != 1) {
        x.summary = who + (x.placed_at.empty() ? " is not scheduled" : " is scheduled " + std::to_string(x.placed_at.size()) + " times");
        x.decided_by = "nothing: the plan breaks the rule \"session " + ss.id + " is scheduled once\"";
        x.would_change = x.open.empty() ? "no slot is open for it; a repair (--repair) moves other sessions to make room"
                                        : "placing it at " + p.slots[x.open.front().slot].id + " (open, score " +
                                              std::to_string(x.open.front().score) + "); a repair does this";
        return x;
    }
    const std::size_t t = x.placed_at.front();
    x.score = e.placement(s, t).score;
    x.score_detail = e.score_detail(s, t);
    x.summary = who + " at " + p.slots[t].id + ", score " + std::to_string(x.score) + " (" + x.score_detail + ")";

    const slot_note* best_taken = nullptr;
    for (const slot_note& n : x.taken)
        if (n.score > x.score && (!best_taken || n.score > best_taken->score)) best_taken = &n;
    std::string taken_hint;
    if (best_taken) {
        std::string movers;
        for (std::size_t o : best_taken->in_the_way) movers += (movers.empty() ? "" : ", ") + p.sessions[o].id;
        taken_hint = p.slots[best_taken->slot].id + " would score " + std::to_string(best_taken->score) + " but is taken (" +
                     best_taken->group + " with " + movers + "); moving " + movers + " would free it";
    }

    if (x.pinned) {
        x.decided_by = "pinned by a person";
        x.would_change = "removing the pin lets the solvers choose";
        if (!x.open.empty())
            x.would_change += " (best open slot now: " + p.slots[x.open.front().slot].id + ", score " +
                              std::to_string(x.open.front().score) + ")";
        return x;
    }
    if (x.open.empty()) {
        x.decided_by = "the only possible slot: every other one is ruled out or taken by another session";
        x.would_change = best_taken ? taken_hint : "freeing a taken slot, or more availability";
        return x;
    }
    const slot_note& next = x.open.front();
    std::vector<std::size_t> ties;
    for (const slot_note& n : x.open)
        if (n.score == x.score) ties.push_back(n.slot);
    if (next.score > x.score) {
        x.decided_by = "not the best open slot: " + p.slots[next.slot].id + " scores " + std::to_string(next.score) + " (+" +
                       std::to_string(next.score - x.score) + "); the solver missed this improvement";
        x.would_change = "moving it to " + p.slots[next.slot].id + " improves the plan";
        return x;
    }
    if (!ties.empty()) {
        std::string list;
        for (std::size_t k = 0; k < ties.size() && k < 4; ++k) list += (k ? ", " : "") + p.slots[ties[k]].id;
        if (ties.size() > 4) list += " and " + std::to_string(ties.size() - 4) + " more";
        x.decided_by = "tied for the best score (" + std::to_string(x.score) + ") with " + list +
                       ": the solver's pick among equals";
        x.would_change = "any preference for one of the tied slots, or pinning it there";
    } else {
        x.decided_by = "the best preference score among " + std::to_string(x.open.size() + 1) + " possible slots; next: " +
                       p.slots[next.slot].id + " with " + std::to_string(next.score);
        x.would_change = "forbidding " + p.slots[t].id + " would likely move it to " + p.slots[next.slot].id + " (score -" +
                         std::to_string(x.score - next.score) + "); a preference worth more than " +
                         std::to_string(x.score - next.score) + " for another open slot would too";
    }
    if (best_taken) x.would_change += "; " + taken_hint;
    return x;
}

} // namespace qcoach::coaching
