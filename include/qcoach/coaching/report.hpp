#pragma once
/// @file
/// @brief The comparison every coaching example prints: each solver that ran, the objective of
/// its decoded plan in the problem's own terms, whether the plan is feasible, its gap to the
/// best feasible plan, and its time.
///
/// The gap of a feasible plan with objective v against the best feasible objective b is
/// 100 |v - b| / max(|b|, 1e-12) percent, so it is 0 for the best one whether the problem
/// maximizes or minimizes. Infeasible plans get no gap: their objective is not comparable.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qcoach::coaching {

/// One row of a comparison table.
struct comparison_row {
    std::string solver;
    std::optional<double> objective;  ///< empty when the solver did not run
    bool feasible = false;
    double time_s = 0.0;
    std::string note;                 ///< "repaired", "skipped: ...", "chosen", ...
};

/// @brief The best objective among the feasible rows, if any.
inline std::optional<double> best_feasible(std::span<const comparison_row> rows, bool maximize) {
    std::optional<double> best;
    for (const auto& r : rows) {
        if (!r.feasible || !r.objective) continue;
        if (!best || (maximize ? *r.objective > *best : *r.objective < *best)) best = *r.objective;
    }
    return best;
}

/// @brief Gap in percent of `value` to `best` (0 when equal).
inline double gap_percent(double value, double best) {
    return 100.0 * std::abs(value - best) / std::max(std::abs(best), 1e-12);
}

/// @brief The table as aligned text, one line per row, with a header naming the objective.
inline std::string format_comparison(std::span<const comparison_row> rows, bool maximize,
                                     std::string_view objective_name = "objective") {
    const std::optional<double> best = best_feasible(rows, maximize);
    std::size_t wsolver = 6, wobj = std::max<std::size_t>(objective_name.size(), 9);
    for (const auto& r : rows) wsolver = std::max(wsolver, r.solver.size());
    auto pad = [](std::string s, std::size_t w, bool right) {
        if (s.size() >= w) return s;
        return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
    };
    auto num = [](double v, const char* fmt) {
        char buf[64];
        std::snprintf(buf, sizeof buf, fmt, v);
        return std::string(buf);
    };
    std::string out = pad("solver", wsolver, false) + "  " + pad(std::string(objective_name), wobj, true) +
                      "  feasible  " + pad("gap %", 8, true) + "  " + pad("time s", 9, true) + "  note\n";
    for (const auto& r : rows) {
        std::string obj = r.objective ? num(*r.objective, "%.6g") : "-";
        std::string gap = "-";
        if (r.feasible && r.objective && best) gap = num(gap_percent(*r.objective, *best), "%.2f");
        out += pad(r.solver, wsolver, false) + "  " + pad(obj, wobj, true) + "  " +
               pad(r.objective ? (r.feasible ? "yes" : "NO") : "-", 8, false) + "  " + pad(gap, 8, true) + "  " +
               pad(r.objective ? num(r.time_s, "%.3f") : "-", 9, true) + "  " + r.note + "\n";
    }
    return out;
}

inline std::string format_comparison(const std::vector<comparison_row>& rows, bool maximize,
                                     std::string_view objective_name = "objective") {
    return format_comparison(std::span<const comparison_row>(rows), maximize, objective_name);
}

} // namespace qcoach::coaching
