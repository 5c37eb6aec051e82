#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "qcoach/coaching/scheduling.hpp"
#include "qcoach/qubo/fix.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching;
using qcoach::test::MessageContains;

namespace {

// ---- an independent reference: placements, rules and score straight from the data --------

/// Slots occupied by session s starting at t, found by searching (day, start + k); empty when
/// one is missing.
std::vector<std::size_t> ref_occupied(const scheduling_problem& p, std::size_t s, std::size_t t) {
    std::vector<std::size_t> out;
    for (int k = 0; k < p.sessions[s].length; ++k) {
        std::size_t found = no_index;
        for (std::size_t u = 0; u < p.slots.size(); ++u)
            if (p.slots[u].day == p.slots[t].day && p.slots[u].start == p.slots[t].start + k) found = u;
        if (found == no_index) return {};
        out.push_back(found);
    }
    return out;
}

bool contains(const std::vector<std::size_t>& v, std::size_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

/// Whether s may start at t: it fits, both people are available at every occupied slot, and no
/// forbid covers an occupied slot.
bool ref_allowed(const scheduling_problem& p, const schedule_decisions& d, std::size_t s, std::size_t t) {
    const auto occ = ref_occupied(p, s, t);
    if (occ.empty()) return false;
    const session& ss = p.sessions[s];
    for (std::size_t u : occ) {
        if (ss.client && contains(p.clients[*ss.client].unavailable, u)) return false;
        if (ss.coach && contains(p.coaches[*ss.coach].unavailable, u)) return false;
        for (const slot_forbid& f : d.forbids) {
            if (f.slot != u) continue;
            if (f.scope == forbid_scope::everyone || (f.scope == forbid_scope::session && f.who == s) ||
                (f.scope == forbid_scope::coach && ss.coach == f.who) || (f.scope == forbid_scope::client && ss.client == f.who))
                return false;
        }
    }
    return true;
}

int ref_score(const scheduling_problem& p, std::size_t s, std::size_t t) {
    int last = 0;
    for (const auto& slot : p.slots) last = std::max(last, slot.day);
    const session& ss = p.sessions[s];
    int score = p.weights.earlier * (last - p.slots[t].day);
    if (contains(ss.preferred, t)) score += p.weights.preferred;
    if (ss.client && contains(p.clients[*ss.client].preferred, t)) score += p.weights.preferred;
    if (ss.coach && contains(p.coaches[*ss.coach].preferred, t)) score += p.weights.preferred;
    return score;
}

/// Whether one start slot per session (start[s]) satisfies every hard rule.
bool ref_feasible(const scheduling_problem& p, const std::vector<std::size_t>& start) {
    const std::size_t S = p.sessions.size();
    for (std::size_t a = 0; a < S; ++a) {
        for (std::size_t b = a + 1; b < S; ++b) {
            const session &sa = p.sessions[a], &sb = p.sessions[b];
            const auto oa = ref_occupied(p, a, start[a]), ob = ref_occupied(p, b, start[b]);
            bool overlap = false;
            for (std::size_t u : oa) overlap = overlap || contains(ob, u);
            const bool share = (sa.coach && sa.coach == sb.coach) || (sa.client && sa.client == sb.client);
            bool listed = false;
            for (auto [x, y] : p.conflicts) listed = listed || (x == a && y == b) || (x == b && y == a);
            if (overlap && (share || listed)) return false;
            if (sa.client && sa.client == sb.client && !overlap) {
                const person& c = p.clients[*sa.client];
                const int gap_days = c.min_gap_days.value_or(p.spacing.min_gap_days);
                const int gap_slots = c.min_gap_slots.value_or(p.spacing.min_gap_slots);
                const auto &ta = p.slots[start[a]], &tb = p.slots[start[b]];
                if (std::abs(ta.day - tb.day) < gap_days) return false;
                if (ta.day == tb.day && gap_slots > 0) {
                    const int gap = ta.start < tb.start ? tb.start - ta.start - sa.length : ta.start - tb.start - sb.length;
                    if (gap < gap_slots) return false;
                }
            }
        }
    }
    auto caps = [&](const std::vector<person>& people, bool coaches) {
        for (std::size_t c = 0; c < people.size(); ++c) {
            std::map<int, int> per_day, per_week;
            for (std::size_t s = 0; s < S; ++s) {
                if ((coaches ? p.sessions[s].coach : p.sessions[s].client) != c) continue;
                ++per_day[p.slots[start[s]].day];
                ++per_week[p.slots[start[s]].day / 7];
            }
            for (auto [d, n] : per_day)
                if (people[c].max_per_day > 0 && n > people[c].max_per_day) return false;
            for (auto [w, n] : per_week)
                if (people[c].max_per_week > 0 && n > people[c].max_per_week) return false;
        }
        return true;
    };
    return caps(p.coaches, true) && caps(p.clients, false);
}

time_slot slot(const std::string& id, int day, int start) { return {id, day, start, id.substr(0, 3)}; }

/// Two days: mon-09..mon-11, tue-09..tue-10. Coach co-1 runs three sessions (s-1 of length 2)
/// and may hold two per day (on mon an at-most-2 row with slack); client cl-1's two sessions
/// must be a day apart; cl-2 prefers tue; s-2 and s-3 conflict although they share nobody.
/// 14 placement variables + 2 slack bits.
scheduling_problem tiny_problem() {
    scheduling_problem p;
    p.slots = {slot("mon-09", 0, 9), slot("mon-10", 0, 10), slot("mon-11", 0, 11), slot("tue-09", 1, 9), slot("tue-10", 1, 10)};
    p.coaches = {person{"co-1", {}, {1}, 2, 0, {}, {}}, person{"co-2", {3}, {}, 0, 0, {}, {}}};
    p.clients = {person{"cl-1", {}, {}, 0, 0, 1, {}}, person{"cl-2", {0}, {3, 4}, 0, 0, {}, {}},
                 person{"cl-3", {3, 4}, {}, 0, 0, {}, {}}};
    p.sessions = {session{"s-1", 0, 0, 2, {}}, session{"s-2", 0, 1, 1, {}}, session{"s-3", 1, 0, 1, {}},
                  session{"s-4", 2, 0, 1, {2}}};
    p.conflicts = {{1, 2}};
    p.weights = {2, 1};
    return p;
}

} // namespace

TEST_CASE("scheduling: variables are exactly the allowed placements", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    schedule_decisions d;
    d.forbids.push_back({forbid_scope::client, 2, 2}); // cl-3 never at mon-11
    const schedule_encoding e = encode(p, d);
    std::size_t count = 0;
    for (std::size_t s = 0; s < p.sessions.size(); ++s) {
        for (std::size_t t = 0; t < p.slots.size(); ++t) {
            INFO(p.sessions[s].id << " at " << p.slots[t].id);
            CHECK(e.variable_of(s, t).has_value() == ref_allowed(p, d, s, t));
            if (e.variable_of(s, t)) {
                ++count;
                CHECK(e.placement(s, t).score == ref_score(p, s, t));
                CHECK(e.model().label(*e.variable_of(s, t)) == p.sessions[s].id + "@" + p.slots[t].id);
            }
        }
    }
    CHECK(e.num_placement_variables() == count);
    // s-1 (length 2) cannot start at mon-11 or tue-10; co-2 is off at tue-09; the forbid.
    CHECK(e.placement(0, 2).status == placement_status::does_not_fit);
    CHECK(e.placement(1, 3).status == placement_status::coach_unavailable);
    CHECK(e.placement(2, 0).status == placement_status::client_unavailable);
    CHECK(e.placement(3, 2).status == placement_status::forbidden);
    CHECK(e.reason(3, 2) == "forbidden (never mon-11 for cl-3)");
    CHECK(e.reason(2, 0) == "cl-2 is not available at mon-09");
    CHECK(e.reason(0, 2) == "needs 2 consecutive slots from mon-11");
}

TEST_CASE("scheduling: encoder energy equals the direct objective; infeasible is worse (brute force)", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    const schedule_encoding e = encode(p);
    const auto& m = e.model();
    const std::size_t n = e.num_placement_variables(), total = m.num_variables();
    REQUIRE(total > n);   // the at-most-2 cap of co-1 has slack bits
    REQUIRE(total <= 18); // keeps the enumeration small under sanitizers

    // Best feasible score by enumerating one start slot per session (the reference's own view).
    std::optional<int> best_score;
    std::vector<std::size_t> start(p.sessions.size(), 0);
    std::size_t feasible_count = 0;
    while (true) {
        bool allowed = true;
        int score = 0;
        for (std::size_t s = 0; s < start.size(); ++s) {
            allowed = allowed && ref_allowed(p, {}, s, start[s]);
            if (allowed) score += ref_score(p, s, start[s]);
        }
        if (allowed && ref_feasible(p, start)) {
            ++feasible_count;
            if (!best_score || score > *best_score) best_score = score;
        }
        std::size_t k = 0;
        while (k < start.size() && ++start[k] == p.slots.size()) start[k++] = 0;
        if (k == start.size()) break;
    }
    REQUIRE(best_score);
    REQUIRE(feasible_count >= 2);
    const double best_energy = -static_cast<double>(*best_score);

    // Every sample of the penalized model: each placement part once (the checks), then each
    // slack assignment for it (the energies).
    const std::size_t n_slack = total - n;
    std::vector<std::int8_t> x(total);
    std::size_t feasible_seen = 0;
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << n); ++bits) {
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::int8_t>((bits >> i) & 1);
        const std::vector<std::int8_t> orig(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
        // Reference view of the placement part: exactly one start per session, and the rules.
        std::vector<std::size_t> st(p.sessions.size(), no_index);
        bool one_each = true;
        for (std::size_t s = 0; s < p.sessions.size(); ++s) {
            std::size_t ones = 0;
            for (qubo::var_t v : e.one_hot_groups()[s]) {
                if (!x[v]) continue;
                ++ones;
                st[s] = e.variable(v).slot;
            }
            one_each = one_each && ones == 1;
        }
        const bool feasible = one_each && ref_feasible(p, st);
        REQUIRE(e.constrained().check(orig).feasible() == feasible);
        int score = 0;
        if (one_each || bits % 17 == 0) { // decode every one-start-each sample and a sample of the rest
            const schedule_plan plan = decode(e, orig);
            REQUIRE(plan.feasible() == feasible);
            if (feasible) {
                for (std::size_t s = 0; s < st.size(); ++s) score += ref_score(p, s, st[s]);
                REQUIRE(plan.score == score);
                // With the slack bits complete_sample chooses, the energy is exactly -score.
                REQUIRE(m.energy(e.constrained().complete_sample(orig)) == Approx(-score).margin(1e-9));
            }
        }
        for (std::uint64_t z = 0; z < (std::uint64_t{1} << n_slack); ++z) {
            for (std::size_t i = 0; i < n_slack; ++i) x[n + i] = static_cast<std::int8_t>((z >> i) & 1);
            const double energy = m.energy(x);
            if (feasible) {
                ++feasible_seen;
                REQUIRE(energy >= -score - 1e-9);
            } else {
                REQUIRE(energy > best_energy + 0.5); // integers: strictly worse means at least 1 worse
            }
        }
    }
    // Each feasible placement appears once per slack assignment.
    CHECK(feasible_seen == feasible_count * (std::size_t{1} << (total - n)));
    // The exact solver finds the best feasible score.
    portfolio_options o;
    o.solver = solver_kind::exact;
    o.compare = false;
    const auto runs = solve_schedule(e, o);
    REQUIRE(runs.front().plan);
    CHECK(runs.front().plan->feasible());
    CHECK(runs.front().plan->score == *best_score);
}

TEST_CASE("scheduling: broken rules are named with their amounts", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    const schedule_encoding e = encode(p);
    auto names = [](const schedule_plan& plan) {
        std::map<std::string, std::int64_t> out;
        for (const auto& v : plan.feasibility.violations) out[v.name] = v.amount;
        return out;
    };
    SECTION("double-booking through a multi-slot session") {
        // s-1 (co-1, 2 slots) at tue-09 covers tue-10, where s-3 (co-1) starts.
        const auto plan = evaluate_plan(e, {{3}, {1}, {4}, {2}});
        const auto v = names(plan);
        CHECK_FALSE(plan.feasible());
        CHECK(v.count("coach co-1 not double-booked at tue-10") == 1);
        CHECK(v.size() == 1);
        CHECK(plan.feasibility.summary().find("coach co-1 not double-booked at tue-10: 2 <= 1 violated by 1") != std::string::npos);
    }
    SECTION("spacing of one client's sessions") {
        // cl-1 has s-1 (mon-09..10) and s-2 at mon-11: min_gap_days 1.
        const auto plan = evaluate_plan(e, {{0}, {2}, {3}, {2}});
        const auto v = names(plan);
        CHECK(v.count("client cl-1 sessions s-1 at mon-09 and s-2 at mon-11 too close") == 1);
        CHECK(v.size() == 1);
    }
    SECTION("cap per day") {
        // With co-1 allowed one session a day, s-1 and s-4 on mon break the cap (and nothing else).
        scheduling_problem q = p;
        q.coaches[0].max_per_day = 1;
        const schedule_encoding e1 = encode(q);
        const auto plan = evaluate_plan(e1, {{0}, {4}, {3}, {2}});
        const auto v = names(plan);
        REQUIRE(v.count("coach co-1 at most 1 session on mon") == 1);
        CHECK(v.at("coach co-1 at most 1 session on mon") == 1);
        CHECK(v.size() == 1);
        // At most 2 (the original) is an at-most-k row with slack: three on mon break it by 1
        // (s-3 and s-4 also share mon-11, a double-booking).
        const auto plan2 = evaluate_plan(e, {{0}, {4}, {2}, {2}});
        const auto v2 = names(plan2);
        REQUIRE(v2.count("coach co-1 at most 2 sessions on mon") == 1);
        CHECK(v2.at("coach co-1 at most 2 sessions on mon") == 1);
        CHECK(v2.at("coach co-1 not double-booked at mon-11") == 1);
        CHECK(v2.size() == 2);
    }
    SECTION("explicit conflict") {
        const auto plan = evaluate_plan(e, {{0}, {4}, {4}, {2}});
        const auto v = names(plan);
        CHECK(v.count("sessions s-2 and s-3 not both at tue-10") == 1);
        CHECK(v.size() == 1);
    }
    SECTION("a session placed twice and one not at all") {
        const auto plan = evaluate_plan(e, {{0, 3}, {}, {4}, {2}});
        const auto v = names(plan);
        CHECK(v.at("session s-1 is scheduled once") == 1);
        CHECK(v.at("session s-2 is scheduled once") == 1);
        CHECK_FALSE(plan.slot_of(0));
    }
    SECTION("a placement without a variable is refused") {
        CHECK_THROWS_MATCHES(evaluate_plan(e, {{2}, {3}, {1}, {4}}), value_error,
                             MessageContains("s-1 cannot start at mon-11: needs 2 consecutive slots"));
    }
}

TEST_CASE("scheduling: pins and forbids hold for every solver", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    schedule_decisions d;
    d.pins.push_back(parse_pin(p, "s-4=mon-09"));          // s-4 prefers mon-11
    d.forbids.push_back(parse_forbid(p, "co-2=tue-10"));   // a coach-wide forbid
    d.forbids.push_back(parse_forbid(p, "*=mon-10"));      // a slot for everyone
    const schedule_encoding e = encode(p, d);
    for (solver_kind k : {solver_kind::exact, solver_kind::anneal, solver_kind::tempering, solver_kind::tabu}) {
        portfolio_options o;
        o.solver = k;
        o.compare = false;
        o.seed = 7;
        o.threads = 1;
        const auto runs = solve_schedule(e, o);
        REQUIRE(runs.size() == 1);
        INFO("solver " << runs.front().run.solver);
        REQUIRE(runs.front().plan);
        const schedule_plan& plan = *runs.front().plan;
        CHECK(plan.slot_of(3) == std::optional<std::size_t>(0));
        for (std::size_t s = 0; s < p.sessions.size(); ++s) {
            for (std::size_t t : plan.placements[s]) {
                const auto occ = e.occupied(s, t);
                CHECK_FALSE(contains(occ, 1)); // mon-10
                if (p.sessions[s].coach == std::optional<std::size_t>(1)) CHECK_FALSE(contains(occ, 4));
            }
        }
        CHECK(plan.feasible());
    }
    // Forbids remove variables: no variable covers mon-10, none of co-1's covers tue-10.
    for (const schedule_variable& v : e.variables()) {
        const auto occ = e.occupied(v.session, v.slot);
        CHECK_FALSE(contains(occ, 1));
        if (p.sessions[v.session].coach == std::optional<std::size_t>(1)) CHECK_FALSE(contains(occ, 4));
    }
    // Every variable of the pinned session is pinned (1 at mon-11, 0 elsewhere).
    std::size_t ones = 0;
    for (const qubo::pin& pin : e.pins()) {
        CHECK(e.variable(pin.variable).session == 3);
        ones += pin.value;
    }
    CHECK(ones == 1);
    CHECK(e.pins().size() == e.one_hot_groups()[3].size());
}

TEST_CASE("scheduling: pins and forbids that cannot hold are refused before solving", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    CHECK_THROWS_MATCHES(encode(p, {{parse_pin(p, "s-3=mon-09")}, {}}), value_error,
                         MessageContains("cannot pin s-3 at mon-09: cl-2 is not available at mon-09"));
    CHECK_THROWS_MATCHES(encode(p, {{parse_pin(p, "s-1=mon-09"), parse_pin(p, "s-1=tue-09")}, {}}), value_error,
                         MessageContains("already pinned at mon-09"));
    CHECK_THROWS_MATCHES(encode(p, {{parse_pin(p, "s-2=mon-11"), parse_pin(p, "s-3=mon-11")}, {}}), value_error,
                         MessageContains("the pins alone break the rule \"sessions s-2 and s-3 not both at mon-11\""));
    schedule_decisions all_off;
    for (const char* t : {"*=mon-09", "*=mon-10", "*=tue-09"}) all_off.forbids.push_back(parse_forbid(p, t));
    CHECK_THROWS_MATCHES(encode(p, all_off), value_error, MessageContains("session \"s-1\" has no possible slot"));
    CHECK_THROWS_MATCHES(parse_pin(p, "s-9=mon-09"), value_error, MessageContains("unknown session \"s-9\""));
    CHECK_THROWS_MATCHES(parse_pin(p, "s-1"), value_error, MessageContains("SESSION=SLOT"));
    CHECK_THROWS_MATCHES(parse_forbid(p, "co-1=sun-09"), value_error, MessageContains("unknown time slot \"sun-09\""));
    CHECK_THROWS_MATCHES(parse_forbid(p, "nobody=mon-09"), value_error, MessageContains("no session, coach or client id"));
    CHECK(parse_forbid(p, "cl-2=tue-09").scope == forbid_scope::client);
    CHECK(parse_forbid(p, "s-2=tue-09").scope == forbid_scope::session);
}

TEST_CASE("scheduling: invalid data is refused with the item named", "[coaching][scheduling]") {
    scheduling_problem p = tiny_problem();
    p.sessions[1].length = 0;
    CHECK_THROWS_MATCHES(encode(p), value_error, MessageContains("session \"s-2\": length is 0"));
    p = tiny_problem();
    p.clients[0].id = "co-1";
    CHECK_THROWS_MATCHES(encode(p), value_error, MessageContains("already used by a coach"));
    p = tiny_problem();
    p.slots[1].start = 9;
    CHECK_THROWS_MATCHES(encode(p), value_error, MessageContains("same day and start"));
    p = tiny_problem();
    p.coaches[1].unavailable.push_back(9);
    CHECK_THROWS_MATCHES(encode(p), index_error, MessageContains("coach \"co-2\": unavailable slot index 9"));
}

TEST_CASE("scheduling: explanation of a hand-made plan", "[coaching][scheduling]") {
    // mon-09, tue-09, wed-09; cl-a is away on mon; cl-b prefers tue. One coach.
    scheduling_problem p;
    p.slots = {slot("mon-09", 0, 9), slot("tue-09", 1, 9), slot("wed-09", 2, 9)};
    p.coaches = {person{"co-1", {}, {}, 0, 0, {}, {}}};
    p.clients = {person{"cl-a", {0}, {}, 0, 0, {}, {}}, person{"cl-b", {}, {1}, 0, 0, {}, {}}};
    p.sessions = {session{"s-1", 0, 0, 1, {}}, session{"s-2", 1, 0, 1, {}}};
    p.weights = {3, 1};
    const schedule_encoding e = encode(p);
    // Scores: s-2 at mon 2, tue 1 + 3 = 4, wed 0; s-1 at tue 1, wed 0. Best: s-2 tue, s-1 wed (4).
    portfolio_options o;
    o.solver = solver_kind::exact;
    o.compare = false;
    const auto runs = solve_schedule(e, o);
    const schedule_plan& plan = *runs.front().plan;
    REQUIRE(plan.slot_of(0) == std::optional<std::size_t>(2));
    REQUIRE(plan.slot_of(1) == std::optional<std::size_t>(1));
    CHECK(plan.score == 4);

    const decision_explanation a = explain(e, plan, 0);
    REQUIRE(a.ruled_out.size() == 1);
    CHECK(a.ruled_out[0].slot == 0);
    CHECK(a.ruled_out[0].reason == "cl-a is not available at mon-09");
    REQUIRE(a.taken.size() == 1);
    CHECK(a.taken[0].slot == 1);
    CHECK(a.taken[0].in_the_way == std::vector<std::size_t>{1});
    CHECK(a.taken[0].reason == "coach co-1 not double-booked at tue-09 (s-2)");
    CHECK(a.open.empty());
    CHECK(a.decided_by.find("the only possible slot") == 0);
    CHECK(a.would_change.find("tue-09 would score 1 but is taken (coach busy with s-2); moving s-2 would free it") == 0);
    CHECK(a.summary == "s-1 (cl-a, co-1) at wed-09, score 0 (no preference)");

    const decision_explanation b = explain(e, plan, 1);
    CHECK(b.score == 4);
    CHECK(b.score_detail == "preferred by cl-b +3, earlier in the week +1");
    REQUIRE(b.open.size() == 1);
    CHECK(b.open[0].slot == 0);
    CHECK(b.open[0].score == 2);
    REQUIRE(b.taken.size() == 1);
    CHECK(b.taken[0].slot == 2);
    CHECK(b.decided_by == "the best preference score among 2 possible slots; next: mon-09 with 2");
    CHECK(b.would_change.find("forbidding tue-09 would likely move it to mon-09 (score -2)") == 0);
    const std::string text = b.text(p);
    CHECK(text.find("open: mon-09 (2)") != std::string::npos);
    CHECK(text.find("taken in this plan by: s-1 (coach busy): wed-09") != std::string::npos);

    // A pinned session says so; and a plan that misses an improvement says that too.
    const schedule_encoding pinned = encode(p, {{parse_pin(p, "s-2=mon-09")}, {}});
    const schedule_plan pp = evaluate_plan(pinned, {{1}, {0}});
    const decision_explanation c = explain(pinned, pp, 1);
    CHECK(c.pinned);
    CHECK(c.decided_by == "pinned by a person");
    CHECK(c.ruled_out.size() == 2);
    const schedule_plan worse = evaluate_plan(e, {{2}, {0}});
    CHECK(explain(e, worse, 1).decided_by.find("not the best open slot: tue-09 scores 4 (+2)") == 0);
}

TEST_CASE("scheduling: repair only when asked, and the plan says so", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    const schedule_encoding e = encode(p, {{parse_pin(p, "s-3=tue-09")}, {}});
    // s-1 over the pinned slot, s-2 unplaced, s-4 placed twice.
    const schedule_plan bad = evaluate_plan(e, {{3}, {}, {3}, {0, 1}});
    REQUIRE_FALSE(bad.feasible());
    CHECK_FALSE(bad.repaired);
    const schedule_plan fixed = repair(e, bad);
    CHECK(fixed.repaired);
    CHECK(fixed.feasible());
    CHECK(fixed.slot_of(2) == std::optional<std::size_t>(3)); // the pin stays
    CHECK_FALSE(fixed.repair_log.empty());
    std::vector<std::size_t> start;
    for (std::size_t s = 0; s < p.sessions.size(); ++s) start.push_back(*fixed.slot_of(s));
    CHECK(ref_feasible(p, start));
    // A feasible plan is returned unchanged.
    const schedule_plan again = repair(e, fixed);
    CHECK(again.placements == fixed.placements);
    // solve_schedule repairs only with the flag.
    portfolio_options o;
    o.solver = solver_kind::tabu;
    o.compare = false;
    const auto runs = solve_schedule(e, o, true);
    CHECK_FALSE(runs.front().plan->repaired); // tabu's plan was feasible: nothing to repair
}

TEST_CASE("scheduling: one-hot groups after pinning match fix_variables", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    const schedule_encoding e = encode(p, {{parse_pin(p, "s-2=mon-11")}, {}});
    const auto reduced = qubo::fix_variables(e.model(), e.pins());
    const auto groups = qubo::groups_after_pins(e.one_hot_groups(), e.pins(), e.model().num_variables());
    std::vector<std::vector<qubo::var_t>> expected;
    for (const auto& g : e.one_hot_groups()) {
        std::vector<qubo::var_t> r;
        for (qubo::var_t v : g)
            if (auto i = reduced.reduced_index(v)) r.push_back(*i);
        if (!r.empty()) expected.push_back(r);
    }
    CHECK(groups == expected);
    CHECK(groups.size() == p.sessions.size() - 1);
    for (const auto& g : groups)
        for (qubo::var_t v : g) CHECK(reduced.model().label(v).find('@') != std::string::npos);
}

TEST_CASE("scheduling: weights come from penalty.hpp with their reason", "[coaching][scheduling]") {
    const scheduling_problem p = tiny_problem();
    const schedule_encoding e = encode(p);
    double range = 0;
    for (double a : e.constrained().objective().linear_biases()) range += std::abs(a);
    for (const auto& w : e.weights()) {
        CHECK(w.bound == qubo::penalty_bound::objective_range);
        CHECK(w.value == range + 1); // integer scores: bound + 1
    }
    const schedule_encoding user = encode(p, {}, encode_options{2.5});
    for (const auto& w : user.weights()) CHECK(w.bound == qubo::penalty_bound::user);
}
