#pragma once
/// @file
/// @brief The sequence mode of the learning path, as data: modules in one strict order with
/// transition costs and prerequisites (the sequential ordering problem, SOP), the positions
/// each module may take, a plan, its check and its objective. Included by
/// coaching/sequencing.hpp, which adds the QUBO encoder, the explanation and the solvers.
///
/// Problem. Items a = 1..k take positions 1..k, one each. The cost of an order (a_1, ..., a_k)
/// is
///     start(a_1) + sum_{p<k} c(a_p, a_{p+1}) + end(a_k) + sum_p w(a_p) p,
/// where c is the transition cost (for a TSPLIB SOP instance: the arc costs between the free
/// nodes, with start = the arcs from node 0 and end = the arcs into node n-1), and w a weight
/// per position (reach weighty modules early; 0 for SOP). Every prerequisite must come before
/// the module that needs it; pins fix an item's position and forbids rule one out.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qcoach/coaching/detail/learning_common.hpp"
#include "qcoach/coaching/detail/learning_sessions_model.hpp"
#include "qcoach/coaching/detail/learning_sop_reader.hpp"
#include "qcoach/core/error.hpp"

namespace qcoach::coaching {

/// @brief A validated sequence-mode problem with the person's pins and forbids.
class SequencingProblem {
public:
    /// @brief ids[a] names item a; transition[a][b] is the cost of b right after a (the
    /// diagonal is ignored); start/end/position weights default to 0; precedence (a, b): a
    /// before b. Throws value_error naming the bad entry.
    SequencingProblem(std::vector<std::string> ids, std::vector<std::vector<std::int64_t>> transition,
                      std::vector<std::int64_t> start_cost = {}, std::vector<std::int64_t> end_cost = {},
                      const std::vector<std::pair<std::size_t, std::size_t>>& precedence = {},
                      std::vector<std::int64_t> position_weight = {}, std::vector<std::string> titles = {})
        : ids_(std::move(ids)), titles_(std::move(titles)), c_(std::move(transition)), start_(std::move(start_cost)),
          end_(std::move(end_cost)), w_(std::move(position_weight)) {
        const std::size_t k = ids_.size();
        if (k == 0) throw value_error("a sequence needs at least one module");
        auto fill = [k](std::vector<std::int64_t>& v, const char* what) {
            if (v.empty()) v.assign(k, 0);
            if (v.size() != k)
                throw value_error(std::string(what) + " has " + std::to_string(v.size()) + " entries; there are " +
                                  std::to_string(k) + " modules");
        };
        fill(start_, "the start cost");
        fill(end_, "the end cost");
        fill(w_, "the position weight");
        if (titles_.empty()) titles_.assign(k, "");
        if (titles_.size() != k) throw value_error("titles has " + std::to_string(titles_.size()) + " entries");
        if (c_.size() != k) throw value_error("the transition matrix has " + std::to_string(c_.size()) + " rows; expected " + std::to_string(k));
        for (std::size_t a = 0; a < k; ++a) {
            if (ids_[a].empty()) throw value_error("module " + std::to_string(a + 1) + ": the id is empty");
            for (std::size_t b = 0; b < a; ++b)
                if (ids_[a] == ids_[b]) throw value_error("module id '" + ids_[a] + "' is used twice");
            if (c_[a].size() != k)
                throw value_error("row " + std::to_string(a + 1) + " of the transition matrix has " +
                                  std::to_string(c_[a].size()) + " entries; expected " + std::to_string(k));
        }
        graph_ = detail::precedence_graph(k);
        for (const auto& [a, b] : precedence) {
            if (a >= k || b >= k) throw index_error("precedence (" + std::to_string(a) + ", " + std::to_string(b) + ") is out of range");
            if (a == b) throw value_error("module " + ids_[a] + " is listed as its own prerequisite");
            graph_.add_arc(a, b);
        }
        topo_ = graph_.topological_order([this](std::size_t a) { return ids_[a]; });
        const auto reach = graph_.descendants(topo_);
        ancestors_.assign(k, 0);
        descendants_.assign(k, 0);
        for (std::size_t a = 0; a < k; ++a) {
            descendants_[a] = reach[a].count();
            for (std::size_t b = 0; b < k; ++b)
                if (reach[a].contains(b)) ++ancestors_[b];
        }
    }

    /// @brief Sequence mode of learning modules: a topic switch costs `switch_cost`, a module's
    /// position weight is `early_weight` times its weight, the prerequisites become precedence.
    static SequencingProblem from_modules(const std::vector<learning_module>& modules, std::int64_t switch_cost,
                                          std::int64_t early_weight) {
        const std::size_t k = modules.size();
        std::vector<std::string> ids, titles;
        std::vector<std::vector<std::int64_t>> c(k, std::vector<std::int64_t>(k, 0));
        std::vector<std::int64_t> w;
        std::vector<std::pair<std::size_t, std::size_t>> prec;
        for (const auto& m : modules) {
            ids.push_back(m.id);
            titles.push_back(m.title);
            w.push_back(early_weight * m.weight);
        }
        for (std::size_t a = 0; a < k; ++a) {
            for (std::size_t b = 0; b < k; ++b)
                if (a != b && (modules[a].topic != modules[b].topic || modules[a].topic.empty())) c[a][b] = switch_cost;
            for (const auto& p : modules[a].prerequisites) {
                std::size_t q = unplaced;
                for (std::size_t j = 0; j < k; ++j)
                    if (modules[j].id == p) q = j;
                if (q == unplaced) throw value_error("module " + modules[a].id + ": prerequisite '" + p + "' is not a module");
                prec.emplace_back(q, a);
            }
        }
        return SequencingProblem(std::move(ids), std::move(c), {}, {}, prec, std::move(w), std::move(titles));
    }

    /// @brief The free nodes 1..n-2 of a TSPLIB SOP instance as items "1".."n-2" (the node
    /// numbers of the file); arcs from node 0 become start costs, arcs into node n-1 end costs.
    static SequencingProblem from_sop(const detail::sop_instance& s) {
        if (s.n < 3) throw value_error("an SOP instance needs at least one node besides start and end");
        const std::size_t k = s.n - 2;
        std::vector<std::string> ids;
        std::vector<std::vector<std::int64_t>> c(k, std::vector<std::int64_t>(k, 0));
        std::vector<std::int64_t> st(k), en(k);
        std::vector<std::pair<std::size_t, std::size_t>> prec;
        for (std::size_t a = 0; a < k; ++a) {
            ids.push_back(std::to_string(a + 1));
            st[a] = std::max<std::int64_t>(0, s.cost[0][a + 1]);
            en[a] = std::max<std::int64_t>(0, s.cost[a + 1][s.n - 1]);
            if (s.cost[0][a + 1] == -1)
                throw value_error(s.name + ": node " + std::to_string(a + 1) + " must precede the start node 0");
            for (std::size_t b = 0; b < k; ++b) {
                if (a == b) continue;
                const std::int64_t v = s.cost[a + 1][b + 1];
                if (v == -1) prec.emplace_back(b, a); // node b+1 before node a+1
                c[a][b] = std::max<std::int64_t>(0, v);
            }
        }
        return SequencingProblem(std::move(ids), std::move(c), std::move(st), std::move(en), prec);
    }

    std::size_t size() const noexcept { return ids_.size(); }
    const std::string& id(std::size_t a) const { return ids_.at(a); }
    const std::string& title(std::size_t a) const { return titles_.at(a); }
    std::string label(std::size_t a) const { return titles_.at(a).empty() ? ids_[a] : ids_[a] + " \"" + titles_[a] + "\""; }
    std::int64_t transition(std::size_t a, std::size_t b) const { return a == b ? 0 : c_[a][b]; }
    std::int64_t start_cost(std::size_t a) const { return start_.at(a); }
    std::int64_t end_cost(std::size_t a) const { return end_.at(a); }
    std::int64_t position_weight(std::size_t a) const { return w_.at(a); }
    const detail::precedence_graph& graph() const noexcept { return graph_; }
    const std::vector<std::size_t>& topological_order() const noexcept { return topo_; }
    std::size_t num_ancestors(std::size_t a) const { return ancestors_.at(a); }
    std::size_t num_descendants(std::size_t a) const { return descendants_.at(a); }

    std::size_t find_item(std::string_view id) const noexcept {
        for (std::size_t a = 0; a < ids_.size(); ++a)
            if (ids_[a] == id) return a;
        return unplaced;
    }
    std::size_t item_index(std::string_view id) const {
        const std::size_t a = find_item(id);
        if (a == unplaced) throw value_error("unknown module '" + std::string(id) + "'");
        return a;
    }
    /// @brief A position from "first", "last" or a 1-based number.
    std::size_t position_index(std::string_view text) const {
        if (text == "first") return 0;
        if (text == "last") return size() - 1;
        if (!text.empty() && text.size() < 9 && std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
            const std::size_t p = std::stoul(std::string(text));
            if (p >= 1 && p <= size()) return p - 1;
        }
        throw value_error("unknown position '" + std::string(text) + "' (give first, last or a number 1.." +
                          std::to_string(size()) + ")");
    }

    void pin(std::size_t a, std::size_t p) {
        check_cell(a, p);
        for (const auto& q : pins_) {
            if (q.module == a && q.slot != p)
                throw value_error("module " + ids_[a] + " is pinned to both position " + std::to_string(q.slot + 1) +
                                  " and position " + std::to_string(p + 1));
            if (q.slot == p && q.module != a)
                throw value_error("position " + std::to_string(p + 1) + " is pinned to both " + ids_[q.module] + " and " + ids_[a]);
        }
        pins_.push_back({a, p});
    }
    void forbid(std::size_t a, std::size_t p) {
        check_cell(a, p);
        forbids_.push_back({a, p});
    }
    const std::vector<placement_rule>& pins() const noexcept { return pins_; }
    const std::vector<placement_rule>& forbids() const noexcept { return forbids_; }
    std::size_t pinned_position(std::size_t a) const noexcept {
        for (const auto& q : pins_)
            if (q.module == a) return q.slot;
        return unplaced;
    }
    std::size_t pinned_item(std::size_t p) const noexcept {
        for (const auto& q : pins_)
            if (q.slot == p) return q.module;
        return unplaced;
    }
    bool forbidden(std::size_t a, std::size_t p) const noexcept {
        for (const auto& f : forbids_)
            if (f.module == a && f.slot == p) return true;
        return false;
    }

private:
    void check_cell(std::size_t a, std::size_t p) const {
        if (a >= size()) throw index_error("module index " + std::to_string(a) + " is out of range");
        if (p >= size()) throw index_error("position index " + std::to_string(p) + " is out of range");
    }

    std::vector<std::string> ids_, titles_;
    std::vector<std::vector<std::int64_t>> c_;
    std::vector<std::int64_t> start_, end_, w_;
    detail::precedence_graph graph_;
    std::vector<std::size_t> topo_, ancestors_, descendants_;
    std::vector<placement_rule> pins_, forbids_;
};

/// Why an item cannot take a position.
enum class position_exclusion : std::uint8_t {
    none, forbidden, pinned_elsewhere, taken_by_pin,
    after_prerequisite, ///< fewer positions before it than it has (transitive) prerequisites
    before_successor,   ///< fewer positions after it than modules that need it
};

constexpr std::string_view exclusion_text(position_exclusion e) noexcept {
    switch (e) {
    case position_exclusion::none: return "allowed";
    case position_exclusion::forbidden: return "forbidden";
    case position_exclusion::pinned_elsewhere: return "pinned to another position";
    case position_exclusion::taken_by_pin: return "another module is pinned there";
    case position_exclusion::after_prerequisite: return "too early for its prerequisites";
    case position_exclusion::before_successor: return "too late for the modules that need it";
    }
    return "?";
}

/// @brief The positions each item may take, and why not the others.
struct sequence_domain {
    std::vector<std::vector<position_exclusion>> why; ///< [item][position]
    std::vector<std::size_t> earliest, latest;
    bool allowed(std::size_t a, std::size_t p) const { return why[a][p] == position_exclusion::none; }
};

/// @brief Allowed positions: forbids and pins always; with `structural`, also the positions a
/// module's prerequisites (all of them, transitively) or dependants cannot leave room for, and
/// bounds pushed along the arcs by pins. Throws value_error when an item or a position is left
/// with no choice.
inline sequence_domain analyse_domain(const SequencingProblem& p, bool structural = true) {
    const std::size_t k = p.size();
    sequence_domain d;
    d.why.assign(k, std::vector<position_exclusion>(k, position_exclusion::none));
    auto own = [&](std::size_t a, std::size_t q) {
        if (p.forbidden(a, q)) return position_exclusion::forbidden;
        const std::size_t pin = p.pinned_position(a);
        if (pin != unplaced && pin != q) return position_exclusion::pinned_elsewhere;
        const std::size_t holder = p.pinned_item(q);
        if (holder != unplaced && holder != a) return position_exclusion::taken_by_pin;
        return position_exclusion::none;
    };
    for (const auto& pin : p.pins())
        if (p.forbidden(pin.module, pin.slot))
            throw value_error("module " + p.id(pin.module) + " is both pinned to and forbidden from position " +
                              std::to_string(pin.slot + 1));
    d.earliest.assign(k, 0);
    d.latest.assign(k, k - 1);
    std::vector<std::size_t> lo(k), hi(k);
    for (std::size_t a : p.topological_order()) {
        lo[a] = p.num_ancestors(a);
        for (std::size_t q : p.graph().predecessors(a)) lo[a] = std::max(lo[a], d.earliest[q] + 1);
        std::size_t s = lo[a];
        while (s < k && own(a, s) != position_exclusion::none) ++s;
        if (s >= k) throw value_error("module " + p.id(a) + " has no possible position (prerequisites, pins and forbids leave none)");
        d.earliest[a] = s;
    }
    const auto& topo = p.topological_order();
    for (std::size_t i = k; i-- > 0;) {
        const std::size_t a = topo[i];
        std::size_t h = k - 1 - p.num_descendants(a);
        for (std::size_t q : p.graph().successors(a)) {
            if (d.latest[q] == 0) throw value_error("module " + p.id(a) + " has no possible position before " + p.id(q));
            h = std::min(h, d.latest[q] - 1);
        }
        hi[a] = h;
        std::size_t s = h + 1;
        while (s > 0 && own(a, s - 1) != position_exclusion::none) --s;
        if (s == 0 || s - 1 < d.earliest[a])
            throw value_error("module " + p.id(a) + " has no possible position (prerequisites, pins and forbids leave none)");
        d.latest[a] = s - 1;
    }
    for (std::size_t a = 0; a < k; ++a)
        for (std::size_t q = 0; q < k; ++q) {
            position_exclusion e = own(a, q);
            if (e == position_exclusion::none && structural && q < lo[a]) e = position_exclusion::after_prerequisite;
            if (e == position_exclusion::none && structural && q > hi[a]) e = position_exclusion::before_successor;
            d.why[a][q] = e;
        }
    for (std::size_t q = 0; q < k; ++q) {
        bool any = false;
        for (std::size_t a = 0; a < k; ++a) any = any || d.allowed(a, q);
        if (!any) throw value_error("no module can take position " + std::to_string(q + 1));
    }
    return d;
}

/// @brief A sequence plan: the items at each position (exactly one in a valid plan).
struct sequence_plan {
    std::vector<std::vector<std::size_t>> at_position;
    bool repaired = false;
    std::vector<std::string> repairs;

    static sequence_plan from_order(const std::vector<std::size_t>& order) {
        sequence_plan s;
        s.at_position.resize(order.size());
        for (std::size_t q = 0; q < order.size(); ++q)
            if (order[q] != unplaced) s.at_position[q].push_back(order[q]);
        return s;
    }
    /// The positions of item a (ascending).
    std::vector<std::size_t> positions_of(std::size_t a) const {
        std::vector<std::size_t> out;
        for (std::size_t q = 0; q < at_position.size(); ++q)
            if (std::find(at_position[q].begin(), at_position[q].end(), a) != at_position[q].end()) out.push_back(q);
        return out;
    }
    /// The item order when every position holds one item and every item appears once; else empty.
    std::vector<std::size_t> order() const {
        std::vector<std::size_t> o;
        std::vector<bool> seen(at_position.size(), false);
        for (const auto& at : at_position) {
            if (at.size() != 1 || at[0] >= seen.size() || seen[at[0]]) return {};
            seen[at[0]] = true;
            o.push_back(at[0]);
        }
        return o;
    }
};

/// Objective of a sequence plan, counting every placement (equals the QUBO objective part).
struct sequence_objective_report {
    std::int64_t transitions = 0; ///< start + transitions + end
    std::int64_t position = 0;    ///< sum_a w(a) p(a), positions from 1
    std::int64_t total = 0;
};

inline sequence_objective_report evaluate(const SequencingProblem& p, const sequence_plan& plan) {
    const std::size_t k = p.size();
    if (plan.at_position.size() != k)
        throw value_error("the plan has " + std::to_string(plan.at_position.size()) + " positions; the problem has " + std::to_string(k));
    sequence_objective_report r;
    for (std::size_t q = 0; q < k; ++q) {
        for (std::size_t a : plan.at_position[q]) {
            if (a >= k) throw index_error("the plan names module index " + std::to_string(a));
            if (q == 0) r.transitions += p.start_cost(a);
            if (q + 1 == k) r.transitions += p.end_cost(a);
            r.position += p.position_weight(a) * static_cast<std::int64_t>(q + 1);
            if (q + 1 < k)
                for (std::size_t b : plan.at_position[q + 1])
                    if (a != b) r.transitions += p.transition(a, b);
        }
    }
    r.total = r.transitions + r.position;
    return r;
}

/// @brief Every broken hard constraint: "module M at one position", "position 3 holds one
/// module", "pin M at position 1", "forbid M at position 4", "prerequisite A before B"
/// (amount: positions short).
inline plan_check check_plan(const SequencingProblem& p, const sequence_plan& plan) {
    (void)evaluate(p, plan); // validates the shape
    const std::size_t k = p.size();
    plan_check c;
    std::vector<std::vector<std::size_t>> pos(k);
    for (std::size_t q = 0; q < k; ++q)
        for (std::size_t a : plan.at_position[q]) pos[a].push_back(q);
    auto list = [](const std::vector<std::size_t>& v) {
        std::string t;
        for (std::size_t i = 0; i < v.size(); ++i) t += (i ? ", " : "") + std::to_string(v[i] + 1);
        return t;
    };
    for (std::size_t a = 0; a < k; ++a)
        if (pos[a].size() != 1)
            c.violations.push_back({"module " + p.id(a) + " at one position", static_cast<std::int64_t>(pos[a].empty() ? 1 : pos[a].size() - 1),
                                    pos[a].empty() ? "at no position" : "at positions " + list(pos[a])});
    for (std::size_t q = 0; q < k; ++q)
        if (plan.at_position[q].size() != 1) {
            std::string who;
            for (std::size_t a : plan.at_position[q]) who += (who.empty() ? "" : ", ") + p.id(a);
            c.violations.push_back({"position " + std::to_string(q + 1) + " holds one module",
                                    static_cast<std::int64_t>(plan.at_position[q].empty() ? 1 : plan.at_position[q].size() - 1),
                                    plan.at_position[q].empty() ? "empty" : "holds " + who});
        }
    for (const auto& pin : p.pins())
        if (pos[pin.module].size() != 1 || pos[pin.module][0] != pin.slot)
            c.violations.push_back({"pin " + p.id(pin.module) + " at position " + std::to_string(pin.slot + 1), 1,
                                    pos[pin.module].empty() ? "at no position" : "at " + list(pos[pin.module])});
    for (const auto& f : p.forbids())
        if (std::find(pos[f.module].begin(), pos[f.module].end(), f.slot) != pos[f.module].end())
            c.violations.push_back({"forbid " + p.id(f.module) + " at position " + std::to_string(f.slot + 1), 1, "placed there"});
    for (std::size_t b = 0; b < k; ++b)
        for (std::size_t a : p.graph().predecessors(b)) {
            if (pos[a].empty() || pos[b].empty()) continue;
            const auto short_by = static_cast<std::int64_t>(pos[a].back()) + 1 - static_cast<std::int64_t>(pos[b].front());
            if (short_by > 0)
                c.violations.push_back({"prerequisite " + p.id(a) + " before " + p.id(b), short_by,
                                        p.id(a) + " at " + list(pos[a]) + ", " + p.id(b) + " at " + list(pos[b])});
        }
    return c;
}

} // namespace qcoach::coaching
