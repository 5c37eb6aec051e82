#pragma once
/// @file
/// @brief Session scheduling, the data: time slots, coaches, clients, sessions, the hard rules
/// (availability, spacing, caps, explicit conflicts), the soft preferences, and a person's
/// decisions (pins and forbids). Plain structs; `validate` checks them before any work starts.
///
/// Slot geometry. A slot is one unit of time: a day (0-based day of the horizon; day 7 is the
/// Monday of the second week, so week = day / 7) and a start (an integer such as the hour).
/// A session of length L that starts at slot t occupies t and the slots at start + 1, ...,
/// start + L - 1 on the same day; if one of them is not in the slot list (end of the day, a
/// lunch break), the session cannot start at t. Only what a decision needs is stored: ids,
/// availability, lengths and preferences; no names or notes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

/// "No slot / no index" marker of the scheduling tables.
inline constexpr std::size_t no_index = std::numeric_limits<std::size_t>::max();

/// One unit of time.
struct time_slot {
    std::string id;          ///< e.g. "mon-09"
    int day = 0;             ///< day of the horizon, 0-based (week = day / 7)
    int start = 0;           ///< position within the day (e.g. the hour); consecutive = +1
    std::string day_label;   ///< e.g. "mon" (for timetables and messages; may be empty)
};

/// A coach or a client: availability, preferred slots and caps. Only ids, no personal data.
struct person {
    std::string id;                      ///< e.g. "coach-2", "client-07"
    std::vector<std::size_t> unavailable; ///< slot indices this person cannot attend
    std::vector<std::size_t> preferred;   ///< slot indices this person prefers (soft)
    int max_per_day = 0;                  ///< at most this many sessions starting on one day; 0: no cap
    int max_per_week = 0;                 ///< at most this many sessions starting in one week; 0: no cap
    /// Spacing between this client's sessions (overrides the problem's rule; clients only).
    std::optional<int> min_gap_days;
    std::optional<int> min_gap_slots;
};

/// A session to place: who meets and for how many consecutive slots.
struct session {
    std::string id;                       ///< e.g. "s-3"
    std::optional<std::size_t> client;    ///< index into scheduling_problem::clients
    std::optional<std::size_t> coach;     ///< index into scheduling_problem::coaches
    int length = 1;                       ///< consecutive slots
    std::vector<std::size_t> preferred;   ///< slot indices preferred for this session (soft)
};

/// Spacing of one client's sessions: they must start at least `min_gap_days` days apart
/// (1: not on the same day), and on the same day at least `min_gap_slots` free slots must lie
/// between the end of one and the start of the next.
struct spacing_rule {
    int min_gap_days = 0;
    int min_gap_slots = 0;
};

/// Integer weights of the soft terms (integers keep the penalty bound exact, see penalty.hpp).
/// Score of a session at slot t:
///   preferred x (number of the session's, its client's and its coach's preference lists that
///   hold t)  +  earlier x (last day of the horizon - day of t).
struct preference_weights {
    int preferred = 3;
    int earlier = 1;
};

/// @brief A scheduling problem. Every index refers into this struct's own vectors.
struct scheduling_problem {
    std::vector<time_slot> slots;
    std::vector<person> coaches;
    std::vector<person> clients;
    std::vector<session> sessions;
    /// Pairs of sessions that must not overlap although they share no person (a shared room;
    /// the edges of a colouring graph).
    std::vector<std::pair<std::size_t, std::size_t>> conflicts;
    spacing_rule spacing;          ///< default spacing for every client
    preference_weights weights;
};

/// Pin: this session starts at this slot (a person's decision; every solver respects it).
struct session_pin {
    std::size_t session = 0;
    std::size_t slot = 0;
};

/// Whom a forbid applies to.
enum class forbid_scope : std::uint8_t { session, coach, client, everyone };

/// Forbid: no session of `who` (a session, a coach, a client, or everyone) occupies `slot`.
/// Forbidden placements are removed from the model, so no solver can choose them.
struct slot_forbid {
    forbid_scope scope = forbid_scope::everyone;
    std::size_t who = 0; ///< session, coach or client index (unused for everyone)
    std::size_t slot = 0;
};

/// A person's decisions about a schedule.
struct schedule_decisions {
    std::vector<session_pin> pins;
    std::vector<slot_forbid> forbids;
};

namespace detail {

inline std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

} // namespace detail

/// @brief The spacing rule that applies to client `c` (its own override, else the problem's).
inline spacing_rule client_spacing(const scheduling_problem& p, std::size_t c) {
    spacing_rule r = p.spacing;
    if (p.clients[c].min_gap_days) r.min_gap_days = *p.clients[c].min_gap_days;
    if (p.clients[c].min_gap_slots) r.min_gap_slots = *p.clients[c].min_gap_slots;
    return r;
}

/// @brief A day as people read it: its label ("mon", "w2 tue") or "day 3".
inline std::string day_name(const scheduling_problem& p, int day) {
    for (const time_slot& s : p.slots)
        if (s.day == day && !s.day_label.empty()) return s.day_label;
    return "day " + std::to_string(day);
}

/// @brief Check a problem: non-empty unique ids (sessions, coaches and clients share one name
/// space, so a forbid like "coach-2=fri-16" is never ambiguous), one slot per (day, start),
/// indices in range, lengths >= 1, caps and spacing >= 0, weights >= 0. Throws value_error or
/// index_error naming the item.
inline void validate(const scheduling_problem& p) {
    if (p.slots.empty()) throw value_error("the scheduling problem has no time slots");
    std::map<std::string, std::string, std::less<>> ids; // id -> what it names
    std::map<std::pair<int, int>, std::size_t> at;
    for (std::size_t t = 0; t < p.slots.size(); ++t) {
        const time_slot& s = p.slots[t];
        if (s.id.empty()) throw value_error("time slot " + std::to_string(t) + " has no id");
        if (s.day < 0) throw value_error("time slot " + detail::quoted(s.id) + " has day " + std::to_string(s.day) + " (must be >= 0)");
        if (!ids.emplace(s.id, "time slot").second) throw value_error("two time slots have the id " + detail::quoted(s.id));
        const auto [it, fresh] = at.emplace(std::pair{s.day, s.start}, t);
        if (!fresh) {
            throw value_error("time slots " + detail::quoted(p.slots[it->second].id) + " and " + detail::quoted(s.id) +
                              " have the same day and start (" + std::to_string(s.day) + ", " + std::to_string(s.start) + ")");
        }
    }
    ids.clear(); // slots have their own name space
    const std::size_t n_slots = p.slots.size();
    auto check_slots = [&](const std::vector<std::size_t>& list, const std::string& owner, const char* what) {
        for (std::size_t t : list) {
            if (t >= n_slots) {
                throw index_error(owner + ": " + what + " slot index " + std::to_string(t) + " is out of range (" +
                                  std::to_string(n_slots) + " slots)");
            }
        }
    };
    auto check_person = [&](const person& q, const char* kind) {
        const std::string owner = std::string(kind) + " " + detail::quoted(q.id);
        if (q.id.empty()) throw value_error(std::string("a ") + kind + " has no id");
        if (const auto [it, fresh] = ids.emplace(q.id, kind); !fresh) {
            throw value_error(owner + ": the id is already used by a " + it->second);
        }
        check_slots(q.unavailable, owner, "unavailable");
        check_slots(q.preferred, owner, "preferred");
        if (q.max_per_day < 0) throw value_error(owner + ": max_per_day is " + std::to_string(q.max_per_day) + " (must be >= 0)");
        if (q.max_per_week < 0) throw value_error(owner + ": max_per_week is " + std::to_string(q.max_per_week) + " (must be >= 0)");
        if (q.min_gap_days && *q.min_gap_days < 0) throw value_error(owner + ": min_gap_days must be >= 0");
        if (q.min_gap_slots && *q.min_gap_slots < 0) throw value_error(owner + ": min_gap_slots must be >= 0");
    };
    for (const person& q : p.coaches) check_person(q, "coach");
    for (const person& q : p.clients) check_person(q, "client");
    for (const session& s : p.sessions) {
        const std::string owner = "session " + detail::quoted(s.id);
        if (s.id.empty()) throw value_error("a session has no id");
        if (const auto [it, fresh] = ids.emplace(s.id, "session"); !fresh) {
            throw value_error(owner + ": the id is already used by a " + it->second);
        }
        if (s.client && *s.client >= p.clients.size()) {
            throw index_error(owner + ": client index " + std::to_string(*s.client) + " is out of range (" +
                              std::to_string(p.clients.size()) + " clients)");
        }
        if (s.coach && *s.coach >= p.coaches.size()) {
            throw index_error(owner + ": coach index " + std::to_string(*s.coach) + " is out of range (" +
                              std::to_string(p.coaches.size()) + " coaches)");
        }
        if (s.length < 1) throw value_error(owner + ": length is " + std::to_string(s.length) + " (must be >= 1 slot)");
        check_slots(s.preferred, owner, "preferred");
    }
    for (const auto& [a, b] : p.conflicts) {
        if (a >= p.sessions.size() || b >= p.sessions.size()) {
            throw index_error("conflict (" + std::to_string(a) + ", " + std::to_string(b) + ") names a session index out of range (" +
                              std::to_string(p.sessions.size()) + " sessions)");
        }
        if (a == b) throw value_error("session " + detail::quoted(p.sessions[a].id) + " is listed in conflict with itself");
    }
    if (p.spacing.min_gap_days < 0 || p.spacing.min_gap_slots < 0) throw value_error("spacing gaps must be >= 0");
    if (p.weights.preferred < 0 || p.weights.earlier < 0) throw value_error("preference weights must be >= 0");
}

// ---- look-ups by id ------------------------------------------------------------------------

/// @brief Index of the slot with this id; throws value_error naming it when there is none.
inline std::size_t slot_index(const scheduling_problem& p, std::string_view id) {
    for (std::size_t t = 0; t < p.slots.size(); ++t)
        if (p.slots[t].id == id) return t;
    throw value_error("unknown time slot " + detail::quoted(id));
}

/// @brief Index of the session with this id, if any.
inline std::optional<std::size_t> find_session(const scheduling_problem& p, std::string_view id) {
    for (std::size_t s = 0; s < p.sessions.size(); ++s)
        if (p.sessions[s].id == id) return s;
    return std::nullopt;
}

/// @brief Index of the person with this id in `people`, if any.
inline std::optional<std::size_t> find_person(const std::vector<person>& people, std::string_view id) {
    for (std::size_t k = 0; k < people.size(); ++k)
        if (people[k].id == id) return k;
    return std::nullopt;
}

namespace detail {

/// Split "LEFT=RIGHT" (both non-empty) or throw naming the option text.
inline std::pair<std::string_view, std::string_view> split_assignment(std::string_view text, const char* what,
                                                                      const char* form) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size() || text.find('=', eq + 1) != std::string_view::npos) {
        throw value_error(std::string(what) + " " + quoted(text) + " is not of the form " + form);
    }
    return {text.substr(0, eq), text.substr(eq + 1)};
}

} // namespace detail

/// @brief Parse a pin "SESSION=SLOT" (e.g. "s-3=tue-10").
inline session_pin parse_pin(const scheduling_problem& p, std::string_view text) {
    const auto [who, slot] = detail::split_assignment(text, "pin", "SESSION=SLOT");
    const auto s = find_session(p, who);
    if (!s) throw value_error("pin " + detail::quoted(text) + ": unknown session " + detail::quoted(who));
    try {
        return {*s, slot_index(p, slot)};
    } catch (const value_error& e) {
        throw value_error("pin " + detail::quoted(text) + ": " + e.what());
    }
}

/// @brief Parse a forbid "WHO=SLOT": WHO is a session, coach or client id, or "*" for everyone
/// (e.g. "coach-2=fri-16", "*=fri-16").
inline slot_forbid parse_forbid(const scheduling_problem& p, std::string_view text) {
    const auto [who, slot_id] = detail::split_assignment(text, "forbid", "WHO=SLOT (WHO: a session, coach or client id, or *)");
    slot_forbid f;
    try {
        f.slot = slot_index(p, slot_id);
    } catch (const value_error& e) {
        throw value_error("forbid " + detail::quoted(text) + ": " + e.what());
    }
    if (who == "*") {
        f.scope = forbid_scope::everyone;
    } else if (const auto s = find_session(p, who)) {
        f.scope = forbid_scope::session;
        f.who = *s;
    } else if (const auto c = find_person(p.coaches, who)) {
        f.scope = forbid_scope::coach;
        f.who = *c;
    } else if (const auto c = find_person(p.clients, who)) {
        f.scope = forbid_scope::client;
        f.who = *c;
    } else {
        throw value_error("forbid " + detail::quoted(text) + ": " + detail::quoted(who) +
                          " is no session, coach or client id (use * for everyone)");
    }
    return f;
}

/// @brief A pin as text: "s-3 at tue-10".
inline std::string describe(const scheduling_problem& p, const session_pin& pin) {
    return p.sessions[pin.session].id + " at " + p.slots[pin.slot].id;
}

/// @brief A forbid as text: "never fri-16 for coach-2", "never fri-16 for anyone".
inline std::string describe(const scheduling_problem& p, const slot_forbid& f) {
    std::string who;
    switch (f.scope) {
    case forbid_scope::session: who = p.sessions[f.who].id; break;
    case forbid_scope::coach: who = p.coaches[f.who].id; break;
    case forbid_scope::client: who = p.clients[f.who].id; break;
    case forbid_scope::everyone: who = "anyone"; break;
    }
    return "never " + p.slots[f.slot].id + " for " + who;
}

/// @brief Check decisions against a (valid) problem: indices in range. Throws index_error.
inline void validate(const scheduling_problem& p, const schedule_decisions& d) {
    for (const session_pin& pin : d.pins) {
        if (pin.session >= p.sessions.size() || pin.slot >= p.slots.size()) {
            throw index_error("pin (session " + std::to_string(pin.session) + ", slot " + std::to_string(pin.slot) +
                              ") is out of range");
        }
    }
    for (const slot_forbid& f : d.forbids) {
        const std::size_t limit = f.scope == forbid_scope::session  ? p.sessions.size()
                                  : f.scope == forbid_scope::coach  ? p.coaches.size()
                                  : f.scope == forbid_scope::client ? p.clients.size()
                                                                    : 1;
        if (f.slot >= p.slots.size() || (f.scope != forbid_scope::everyone && f.who >= limit)) {
            throw index_error("forbid (who " + std::to_string(f.who) + ", slot " + std::to_string(f.slot) + ") is out of range");
        }
    }
}

/// @brief For each slot, the slot one start later on the same day (no_index when there is none).
inline std::vector<std::size_t> next_slots(const scheduling_problem& p) {
    std::map<std::pair<int, int>, std::size_t> at;
    for (std::size_t t = 0; t < p.slots.size(); ++t) at.emplace(std::pair{p.slots[t].day, p.slots[t].start}, t);
    std::vector<std::size_t> next(p.slots.size(), no_index);
    for (std::size_t t = 0; t < p.slots.size(); ++t) {
        const auto it = at.find({p.slots[t].day, p.slots[t].start + 1});
        if (it != at.end()) next[t] = it->second;
    }
    return next;
}

/// @brief The slots a session of `length` occupies when it starts at `t` (empty when it does
/// not fit: a needed slot is missing).
inline std::vector<std::size_t> occupied_slots(const std::vector<std::size_t>& next, std::size_t t, int length) {
    std::vector<std::size_t> out{t};
    for (int k = 1; k < length; ++k) {
        const std::size_t u = next[out.back()];
        if (u == no_index) return {};
        out.push_back(u);
    }
    return out;
}

} // namespace qcoach::coaching
