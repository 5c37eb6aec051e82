#pragma once
/// @file
/// @brief The coach–client matching problem as plain data (a generalized assignment problem),
/// a plan, the person's pins, the feasibility check of a plan and its objective report.
///
/// Clients c = 0..n-1 are assigned to coaches k = 0..m-1. Each pair has a value v_ck (the
/// compatibility score when maximizing, a cost when minimizing, as in the OR-Library GAP files),
/// a load r_ck >= 0 (the share of the coach's capacity the client takes: 1 for "one client", or
/// hours per week) and may be excluded with a reason (no shared language, no overlapping
/// availability, forbidden by a person). Coach k has a capacity b_k >= 0. A plan gives every
/// client exactly one allowed coach and keeps every coach's load within capacity
/// (sum_c r_ck x_ck <= b_k), and maximizes (or minimizes) sum v_ck x_ck. Optionally a client may
/// stay unassigned, worth `unassigned_value` (0 by default).
///
/// A pair whose load alone exceeds the coach's whole capacity can never be part of a feasible
/// plan; it is treated as excluded (reason "load r exceeds the capacity b of coach-k"), so no
/// solver wastes a variable on it. The check runs on the current capacity, so raising a capacity
/// (explanations ask "what if") can bring the pair back.
///
/// Every method works with the gain g_ck = v_ck (maximize) or -v_ck (minimize), so "better" is
/// always "larger gain".

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/qubo/constraints.hpp"
#include "qcoach/qubo/detail/format.hpp"

namespace qcoach::coaching {

/// Whether the plan's total value is maximized (compatibility) or minimized (cost).
enum class objective_sense : std::uint8_t { maximize, minimize };

/// @brief A person's decision that a client stays with a coach (indices into the problem).
struct matching_pin {
    std::size_t client;
    std::size_t coach;
    friend bool operator==(const matching_pin&, const matching_pin&) = default;
};

/// @brief Clients, coaches, pair values, loads, capacities and exclusions (see the file comment).
class MatchingProblem {
public:
    MatchingProblem() = default;

    /// @brief n clients and m coaches with their capacities; every pair allowed, value 0, load 1.
    MatchingProblem(std::vector<std::string> clients, std::vector<std::string> coaches,
                    std::vector<std::int64_t> capacities, objective_sense sense = objective_sense::maximize)
        : clients_(std::move(clients)), coaches_(std::move(coaches)), capacity_(std::move(capacities)), sense_(sense) {
        if (capacity_.size() != coaches_.size()) {
            throw value_error("matching problem: " + std::to_string(coaches_.size()) + " coaches but " +
                              std::to_string(capacity_.size()) + " capacities");
        }
        index_ids(clients_, client_index_, "client");
        index_ids(coaches_, coach_index_, "coach");
        for (std::size_t k = 0; k < coaches_.size(); ++k) check_capacity(k, capacity_[k]);
        const std::size_t cells = clients_.size() * coaches_.size();
        value_.assign(cells, 0.0);
        load_.assign(cells, 1);
        exclusion_.assign(cells, std::string());
    }

    std::size_t num_clients() const noexcept { return clients_.size(); }
    std::size_t num_coaches() const noexcept { return coaches_.size(); }
    objective_sense sense() const noexcept { return sense_; }
    bool maximize() const noexcept { return sense_ == objective_sense::maximize; }
    /// "compatibility" or "cost": what the objective means, for reports.
    std::string_view objective_name() const noexcept { return maximize() ? "compatibility" : "cost"; }

    const std::string& client_id(std::size_t c) const { return clients_.at(check_client(c)); }
    const std::string& coach_id(std::size_t k) const { return coaches_.at(check_coach(k)); }
    std::span<const std::string> client_ids() const noexcept { return clients_; }
    std::span<const std::string> coach_ids() const noexcept { return coaches_; }

    /// @brief Index of the client with this id, if any.
    std::optional<std::size_t> find_client(std::string_view id) const {
        const auto it = client_index_.find(std::string(id));
        if (it == client_index_.end()) return std::nullopt;
        return it->second;
    }
    std::optional<std::size_t> find_coach(std::string_view id) const {
        const auto it = coach_index_.find(std::string(id));
        if (it == coach_index_.end()) return std::nullopt;
        return it->second;
    }
    /// @brief Index of the client with this id; throws index_error naming the id.
    std::size_t client_index(std::string_view id) const {
        if (auto c = find_client(id)) return *c;
        throw index_error("no client has the id \"" + std::string(id) + "\"");
    }
    std::size_t coach_index(std::string_view id) const {
        if (auto k = find_coach(id)) return *k;
        throw index_error("no coach has the id \"" + std::string(id) + "\"");
    }

    std::int64_t capacity(std::size_t k) const { return capacity_.at(check_coach(k)); }
    void set_capacity(std::size_t k, std::int64_t b) {
        check_coach(k);
        check_capacity(k, b);
        capacity_[k] = b;
    }

    /// @brief v_ck: compatibility (maximize) or cost (minimize).
    double value(std::size_t c, std::size_t k) const { return value_[cell(c, k)]; }
    void set_value(std::size_t c, std::size_t k, double v) {
        const std::size_t i = cell(c, k);
        if (!std::isfinite(v)) throw value_error("the value of " + pair_name(c, k) + " must be finite");
        value_[i] = v;
    }
    /// @brief g_ck = v_ck when maximizing, -v_ck when minimizing (larger is better).
    double gain(std::size_t c, std::size_t k) const { return maximize() ? value(c, k) : -value(c, k); }

    std::int64_t load(std::size_t c, std::size_t k) const { return load_[cell(c, k)]; }
    void set_load(std::size_t c, std::size_t k, std::int64_t r) {
        const std::size_t i = cell(c, k);
        if (r < 0 || r > qubo::max_row_magnitude) {
            throw value_error("the load of " + pair_name(c, k) + " is " + std::to_string(r) + "; loads must be in 0..2^26");
        }
        load_[i] = r;
    }

    /// @brief Exclude a pair (a hard constraint: the pair gets no variable). The first reason
    /// given is kept.
    void exclude(std::size_t c, std::size_t k, std::string reason) {
        const std::size_t i = cell(c, k);
        if (reason.empty()) reason = "excluded";
        if (exclusion_[i].empty()) exclusion_[i] = std::move(reason);
    }
    /// @brief A person's "never this coach for this client".
    void forbid(std::size_t c, std::size_t k) { exclude(c, k, "forbidden by a person"); }

    /// @brief Why the pair cannot be used, or "" when it can (see the file comment).
    std::string exclusion(std::size_t c, std::size_t k) const {
        const std::size_t i = cell(c, k);
        if (!exclusion_[i].empty()) return exclusion_[i];
        if (load_[i] > capacity_[k]) {
            return "load " + std::to_string(load_[i]) + " exceeds the capacity " + std::to_string(capacity_[k]) + " of " +
                   coaches_[k];
        }
        return {};
    }
    /// @brief The pair can be part of a plan.
    bool allowed(std::size_t c, std::size_t k) const {
        const std::size_t i = cell(c, k);
        return exclusion_[i].empty() && load_[i] <= capacity_[k];
    }
    /// @brief The coaches client c may get, by index.
    std::vector<std::size_t> allowed_coaches(std::size_t c) const {
        std::vector<std::size_t> out;
        for (std::size_t k = 0; k < num_coaches(); ++k)
            if (allowed(c, k)) out.push_back(k);
        return out;
    }

    /// @brief Let clients stay unassigned, each worth `value` (compatibility or cost).
    void allow_unassigned(double value = 0.0) {
        if (!std::isfinite(value)) throw value_error("the value of leaving a client unassigned must be finite");
        unassigned_ = value;
    }
    void disallow_unassigned() noexcept { unassigned_.reset(); }
    /// The value of an unassigned client, when clients may stay unassigned.
    std::optional<double> unassigned_value() const noexcept { return unassigned_; }
    /// Gain of leaving a client unassigned (when allowed).
    double unassigned_gain() const noexcept { return unassigned_ ? (maximize() ? *unassigned_ : -*unassigned_) : 0.0; }

    /// @brief Every allowed pair has load 1 (then the problem is a transportation problem and
    /// min-cost flow solves it exactly).
    bool unit_loads() const {
        for (std::size_t c = 0; c < num_clients(); ++c)
            for (std::size_t k = 0; k < num_coaches(); ++k)
                if (allowed(c, k) && load(c, k) != 1) return false;
        return true;
    }

    /// @brief "client-07/coach-2".
    std::string pair_name(std::size_t c, std::size_t k) const { return client_id(c) + "/" + coach_id(k); }

    /// @brief Throw value_error when some client has no allowed coach and clients may not stay
    /// unassigned, naming the client and why each coach is out.
    void check_solvable_rows() const {
        if (unassigned_) return;
        for (std::size_t c = 0; c < num_clients(); ++c) {
            if (!allowed_coaches(c).empty()) continue;
            std::string why;
            for (std::size_t k = 0; k < num_coaches(); ++k) why += (k ? "; " : "") + coaches_[k] + ": " + exclusion(c, k);
            if (num_coaches() == 0) why = "there are no coaches";
            throw value_error("client " + clients_[c] + " has no allowed coach (" + why +
                              ") and clients may not stay unassigned");
        }
    }

private:
    static void index_ids(const std::vector<std::string>& ids, std::unordered_map<std::string, std::size_t>& index,
                          const char* what) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i].empty()) throw value_error(std::string(what) + " " + std::to_string(i + 1) + " has an empty id");
            if (!index.emplace(ids[i], i).second) throw value_error("two " + std::string(what) + "s have the id \"" + ids[i] + "\"");
        }
    }
    void check_capacity(std::size_t k, std::int64_t b) const {
        if (b < 0 || b > qubo::max_row_magnitude) {
            throw value_error("the capacity of coach " + coaches_[k] + " is " + std::to_string(b) +
                              "; capacities must be in 0..2^26");
        }
    }
    std::size_t check_client(std::size_t c) const {
        if (c >= clients_.size()) {
            throw index_error("client index " + std::to_string(c) + " is out of range; there are " +
                              std::to_string(clients_.size()) + " clients");
        }
        return c;
    }
    std::size_t check_coach(std::size_t k) const {
        if (k >= coaches_.size()) {
            throw index_error("coach index " + std::to_string(k) + " is out of range; there are " +
                              std::to_string(coaches_.size()) + " coaches");
        }
        return k;
    }
    std::size_t cell(std::size_t c, std::size_t k) const { return check_client(c) * coaches_.size() + check_coach(k); }

    std::vector<std::string> clients_, coaches_;
    std::unordered_map<std::string, std::size_t> client_index_, coach_index_;
    std::vector<std::int64_t> capacity_;
    std::vector<double> value_;           // n x m, row-major by client
    std::vector<std::int64_t> load_;      // n x m
    std::vector<std::string> exclusion_;  // n x m, "" = allowed
    std::optional<double> unassigned_;
    objective_sense sense_ = objective_sense::maximize;
};

/// @brief Who gets whom. Normally each client has exactly one coach; a decoded sample may give
/// a client none or several, and the plan keeps that so the feasibility check can report it.
struct matching_plan {
    /// Coaches selected for each client (empty: unassigned).
    std::vector<std::vector<std::size_t>> coaches;
    /// The plan came from an infeasible one through repair_plan (matching_repair.hpp).
    bool repaired = false;
    /// What the repair changed, one line per change.
    std::vector<std::string> repair_log;

    /// @brief The client's coach when it has exactly one.
    std::optional<std::size_t> coach_of(std::size_t c) const {
        if (c >= coaches.size() || coaches[c].size() != 1) return std::nullopt;
        return coaches[c].front();
    }
    /// @brief A plan with one coach (or none) per client.
    static matching_plan from_assignment(const std::vector<std::optional<std::size_t>>& assignment) {
        matching_plan p;
        p.coaches.resize(assignment.size());
        for (std::size_t c = 0; c < assignment.size(); ++c)
            if (assignment[c]) p.coaches[c].push_back(*assignment[c]);
        return p;
    }
};

/// Names of the hard constraints, shared by the QUBO encoder and the plan check so that both
/// report a broken constraint under the same name.
inline std::string client_constraint_name(std::string_view client) {
    return "client " + std::string(client) + " gets one coach";
}
inline std::string capacity_constraint_name(std::string_view coach) { return "coach " + std::string(coach) + " capacity"; }
inline std::string pin_constraint_name(std::string_view client, std::string_view coach) {
    return "pin " + std::string(client) + " stays with " + std::string(coach);
}
inline std::string exclusion_constraint_name(std::string_view client, std::string_view coach, std::string_view reason) {
    return "pair " + std::string(client) + "/" + std::string(coach) + " excluded (" + std::string(reason) + ")";
}

/// @brief Check pins before any work: indices in range, the pair allowed, one coach per client,
/// and the pinned loads alone within every capacity. Throws value_error/index_error naming the
/// pin. Returns the pins without repeats.
inline std::vector<matching_pin> check_pins(const MatchingProblem& p, std::span<const matching_pin> pins) {
    std::vector<matching_pin> out;
    std::vector<std::optional<std::size_t>> pinned(p.num_clients());
    std::vector<std::int64_t> load(p.num_coaches(), 0);
    for (const matching_pin& pin : pins) {
        const std::string& client = p.client_id(pin.client);
        const std::string& coach = p.coach_id(pin.coach);
        if (!p.allowed(pin.client, pin.coach)) {
            throw value_error("cannot pin " + client + " to " + coach + ": the pair is excluded (" +
                              p.exclusion(pin.client, pin.coach) + ")");
        }
        if (pinned[pin.client]) {
            if (*pinned[pin.client] == pin.coach) continue;
            throw value_error(client + " is pinned to both " + p.coach_id(*pinned[pin.client]) + " and " + coach);
        }
        pinned[pin.client] = pin.coach;
        load[pin.coach] += p.load(pin.client, pin.coach);
        out.push_back(pin);
    }
    for (std::size_t k = 0; k < p.num_coaches(); ++k) {
        if (load[k] > p.capacity(k)) {
            throw value_error("the pins put a load of " + std::to_string(load[k]) + " on coach " + p.coach_id(k) +
                              ", whose capacity is " + std::to_string(p.capacity(k)));
        }
    }
    return out;
}

/// @brief Every hard constraint the plan breaks, by name and amount: one coach per client (at
/// most one when clients may stay unassigned), no excluded pair, capacities, pins. The
/// `constraint` index of each violation counts the rows in that order (clients, then excluded
/// pairs as met, then coaches, then pins).
inline qubo::feasibility_report check_plan(const MatchingProblem& p, const matching_plan& plan,
                                           std::span<const matching_pin> pins = {}) {
    if (plan.coaches.size() != p.num_clients()) {
        throw value_error("the plan has " + std::to_string(plan.coaches.size()) + " clients; the problem has " +
                          std::to_string(p.num_clients()));
    }
    qubo::feasibility_report r;
    std::size_t row = 0;
    const bool may_skip = p.unassigned_value().has_value();
    std::vector<std::int64_t> load(p.num_coaches(), 0);
    for (std::size_t c = 0; c < p.num_clients(); ++c, ++row) {
        const auto count = static_cast<std::int64_t>(plan.coaches[c].size());
        if (may_skip ? count > 1 : count != 1) {
            // With the "unassigned" option the row reads sum x + x_none = 1, so the left side
            // counts the coaches (the none option is off as soon as one coach is on).
            r.violations.push_back({row, client_constraint_name(p.client_id(c)), count, qubo::relation::equal, 1,
                                    count > 1 ? count - 1 : 1});
        }
        for (std::size_t k : plan.coaches[c]) {
            load[k] += p.load(c, k);
            if (!p.allowed(c, k)) {
                r.violations.push_back({row, exclusion_constraint_name(p.client_id(c), p.coach_id(k), p.exclusion(c, k)), 1,
                                        qubo::relation::equal, 0, 1});
            }
        }
    }
    for (std::size_t k = 0; k < p.num_coaches(); ++k, ++row) {
        if (load[k] > p.capacity(k)) {
            r.violations.push_back({row, capacity_constraint_name(p.coach_id(k)), load[k], qubo::relation::less_equal,
                                    p.capacity(k), load[k] - p.capacity(k)});
        }
    }
    for (const matching_pin& pin : pins) {
        const bool held = std::find(plan.coaches.at(pin.client).begin(), plan.coaches[pin.client].end(), pin.coach) !=
                          plan.coaches[pin.client].end();
        if (!held) {
            r.violations.push_back({row, pin_constraint_name(p.client_id(pin.client), p.coach_id(pin.coach)), 0,
                                    qubo::relation::equal, 1, 1});
        }
        ++row;
    }
    return r;
}

/// One coach's load against its capacity.
struct coach_load {
    std::size_t coach;
    std::int64_t load = 0;
    std::int64_t capacity = 0;
    std::vector<std::size_t> clients;
};

/// @brief The plan's objective in the problem's own terms and the load of every coach.
struct objective_report {
    double total = 0.0;          ///< sum of v_ck over the chosen pairs (+ unassigned values)
    std::size_t assigned = 0;    ///< clients with exactly one coach
    std::size_t unassigned = 0;  ///< clients with none
    std::size_t conflicting = 0; ///< clients with several (an infeasible plan)
    std::vector<coach_load> loads;
};

/// @brief Objective and loads of a plan (the plan need not be feasible; then its total counts
/// every selected pair and is not comparable with a feasible one).
inline objective_report report_objective(const MatchingProblem& p, const matching_plan& plan) {
    if (plan.coaches.size() != p.num_clients()) {
        throw value_error("the plan has " + std::to_string(plan.coaches.size()) + " clients; the problem has " +
                          std::to_string(p.num_clients()));
    }
    objective_report r;
    for (std::size_t k = 0; k < p.num_coaches(); ++k) r.loads.push_back({k, 0, p.capacity(k), {}});
    for (std::size_t c = 0; c < p.num_clients(); ++c) {
        const auto& ks = plan.coaches[c];
        if (ks.empty()) {
            ++r.unassigned;
            if (p.unassigned_value()) r.total += *p.unassigned_value();
        } else {
            (ks.size() == 1 ? r.assigned : r.conflicting) += 1;
        }
        for (std::size_t k : ks) {
            r.total += p.value(c, k);
            r.loads.at(k).load += p.load(c, k);
            r.loads[k].clients.push_back(c);
        }
    }
    return r;
}

/// @brief The plan's total value (see report_objective).
inline double plan_objective(const MatchingProblem& p, const matching_plan& plan) { return report_objective(p, plan).total; }

/// @brief "client-01 -> coach-2" lines, "client-05 -> (unassigned)", "client-06 -> coach-1 + coach-3 (conflict)".
inline std::string format_plan(const MatchingProblem& p, const matching_plan& plan) {
    std::string out;
    std::size_t w = 6;
    for (const auto& id : p.client_ids()) w = std::max(w, id.size());
    for (std::size_t c = 0; c < p.num_clients(); ++c) {
        std::string line = p.client_id(c);
        line.resize(w, ' ');
        line += " -> ";
        const auto& ks = plan.coaches.at(c);
        if (ks.empty()) line += "(unassigned)";
        for (std::size_t i = 0; i < ks.size(); ++i) line += (i ? " + " : "") + p.coach_id(ks[i]);
        if (ks.size() == 1) line += "  (" + qubo::detail::format_number(p.value(c, ks[0])) + ")";
        if (ks.size() > 1) line += "  (conflict)";
        out += line + "\n";
    }
    return out;
}

} // namespace qcoach::coaching
