#pragma once
/// @file
/// @brief Cutting a run of gates into cache-sized stages: each stage is a set Q of qubits and
/// the gates, taken from the front of the circuit, whose qubits all lie in Q.
///
/// A stage's qubits are the `w` lowest qubits of the state (so that one assignment of the other
/// qubits selects 2^h contiguous tiles of 2^w amplitudes) plus h <= L - w "high" qubits H. The
/// sub-state of one assignment of the qubits outside Q holds 2^(w+h) amplitudes, small enough
/// to stay in the L2 cache while every gate of the stage is applied to it; the stage then costs
/// one pass over memory however many gates it holds.
///
/// Which gates a stage may take: a gate is at the *front* when it is the first remaining gate
/// on each of its qubits; taking it can put later gates at the front. The gates a set Q can take
/// are the closure of that rule restricted to gates inside Q. Gates are only ever taken at the
/// front of every one of their qubits, so two gates that share a qubit keep their order; gates
/// on disjoint qubits commute, which is the only reordering the stages make.
///
/// Choosing H (greedy): repeatedly add the qubit whose addition lets the closure take the most
/// gates, ties going to the qubit whose first remaining gate comes earliest in the circuit (the
/// light-cone order). Two variants are run and the one with fewer stages kept: H seeded with
/// the qubits of the earliest remaining gate (which is always at the front, so every stage
/// makes progress), and H grown from nothing (seeded only when the greedy stage would take no
/// gate). A gate with more qubits than a stage can hold becomes a *direct* step, applied to the
/// whole state by the ordinary kernels.

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "qcoach/core/types.hpp"

namespace qcoach::detail {

/// One step of a blocked schedule: a stage (qubits and gates) or one gate applied directly.
struct schedule_step {
    bool direct = false;
    std::vector<qubit_t> high;        ///< H, ascending (empty for a direct step)
    std::vector<std::size_t> gates;   ///< gate indices in the order they are applied
};

/// One greedy schedule (see the file comment); `seed` selects the variant.
inline std::vector<schedule_step> schedule_greedy(const std::vector<std::vector<qubit_t>>& gates, qubit_t n, unsigned block,
                                                  unsigned tile, bool seed) {
    std::vector<schedule_step> out;
    const std::size_t count = gates.size();
    if (count == 0) return out;
    if (n <= block) {
        schedule_step s;
        for (qubit_t q = 0; q < n; ++q) s.high.push_back(q);
        s.gates.resize(count);
        for (std::size_t i = 0; i < count; ++i) s.gates[i] = i;
        out.push_back(std::move(s));
        return out;
    }
    tile = std::min<unsigned>(tile, block);
    // Per-qubit gate lists and the position of each qubit's first remaining gate.
    std::vector<std::vector<std::size_t>> on(n);
    for (std::size_t g = 0; g < count; ++g)
        for (qubit_t q : gates[g]) on[q].push_back(g);
    std::vector<std::size_t> head(n, 0);
    std::vector<char> done(count, 0);
    std::size_t remaining = count;
    std::size_t earliest = 0; // every gate before it is done

    auto at_front = [&](std::size_t g, const std::vector<std::size_t>& h) {
        for (qubit_t q : gates[g])
            if (h[q] >= on[q].size() || on[q][h[q]] != g) return false;
        return true;
    };
    // Closure of "take a front gate inside Q" from the heads h (updated); returns the taken
    // gates in the order taken.
    std::vector<char> in_q(n, 0);
    auto closure = [&](std::vector<std::size_t>& h, std::vector<std::size_t>* taken) {
        std::size_t c = 0;
        std::vector<qubit_t> work;
        for (qubit_t q = 0; q < n; ++q)
            if (in_q[q]) work.push_back(q);
        while (!work.empty()) {
            const qubit_t q = work.back();
            work.pop_back();
            while (h[q] < on[q].size()) {
                const std::size_t g = on[q][h[q]];
                bool inside = true;
                for (qubit_t x : gates[g]) inside = inside && in_q[x];
                if (!inside || !at_front(g, h)) break;
                for (qubit_t x : gates[g]) {
                    ++h[x];
                    if (x != q) work.push_back(x);
                }
                if (taken) taken->push_back(g);
                ++c;
            }
        }
        return c;
    };

    std::vector<char> seed_q(n, 0);
    while (remaining > 0) {
        while (done[earliest]) ++earliest;
        const std::size_t first = earliest;
        std::size_t size = tile;
        for (qubit_t q : gates[first]) size += q >= tile ? 1 : 0;
        if (size > block) {
            schedule_step s;
            s.direct = true;
            s.gates = {first};
            out.push_back(std::move(s));
            done[first] = 1;
            --remaining;
            for (qubit_t q : gates[first]) ++head[q];
            continue;
        }
        auto seed_with = [&](bool with_first) {
            std::fill(in_q.begin(), in_q.end(), 0);
            for (qubit_t q = 0; q < tile; ++q) in_q[q] = 1;
            size = tile;
            if (with_first)
                for (qubit_t q : gates[first])
                    if (!in_q[q]) {
                        in_q[q] = 1;
                        ++size;
                    }
        };
        seed_with(seed);
        // Greedy growth of H.
        for (bool retry = !seed;; retry = false) {
        while (size < block) {
            std::size_t best_gain = 0, best_order = std::numeric_limits<std::size_t>::max();
            qubit_t best = n;
            for (qubit_t c = static_cast<qubit_t>(tile); c < n; ++c) {
                if (in_q[c] || head[c] >= on[c].size()) continue;
                in_q[c] = 1;
                std::vector<std::size_t> h(head);
                const std::size_t gain = closure(h, nullptr);
                in_q[c] = 0;
                const std::size_t order = on[c][head[c]];
                if (gain > best_gain || (gain == best_gain && order < best_order)) {
                    best_gain = gain;
                    best_order = order;
                    best = c;
                }
            }
            if (best == n) break;
            in_q[best] = 1;
            ++size;
        }
        if (!retry) break;
        std::vector<std::size_t> h(head);
        if (closure(h, nullptr) > 0) break;
        seed_with(true); // the unseeded stage would take nothing
        }
        schedule_step s;
        for (qubit_t q = static_cast<qubit_t>(tile); q < n; ++q)
            if (in_q[q]) s.high.push_back(q);
        closure(head, &s.gates);
        for (std::size_t g : s.gates) done[g] = 1;
        remaining -= s.gates.size();
        out.push_back(std::move(s));
    }
    return out;
}

/// The schedule of `gates` (each a list of qubits, in circuit order) on n qubits with stages
/// of at most `block` qubits, the lowest `tile` of which are always part of the stage. When
/// n <= block the whole run is one stage.
inline std::vector<schedule_step> schedule_stages(const std::vector<std::vector<qubit_t>>& gates, qubit_t n, unsigned block,
                                                  unsigned tile) {
    std::vector<schedule_step> a = schedule_greedy(gates, n, block, tile, true);
    if (n <= block) return a;
    std::vector<schedule_step> b = schedule_greedy(gates, n, block, tile, false);
    return b.size() < a.size() ? b : a;
}

} // namespace qcoach::detail
