#pragma once
/// @file
/// @brief Compatibility scores from client and coach profiles, and the hard exclusions.
///
/// A profile holds only what the decision needs: skills wanted or offered, languages,
/// modalities, weekly availability windows, capacity and load. No names, notes or health data.
///
/// Hard exclusions (the pair gets no variable, matching_problem.hpp):
///   - no shared language (when both sides list languages);
///   - no overlapping availability long enough for one session (when both sides list windows).
///
/// Score of an allowed pair, in points (an integer, so explanations read "4 points" and the
/// penalty bounds of penalty.hpp get their exact +1 margin):
///
///     score = round( w_specialty f_specialty + w_modality f_modality + w_language f_language
///                  + w_schedule f_schedule + w_history f_history )     (halves away from zero)
///
/// with each feature in [0, 1]:
///   specialty  share of the client's needs among the coach's specialties (1 when none listed);
///   modality   1 when the coach offers the client's modality ("online", "in_person"; a client
///              with "any" or none matches every coach), else 0 (a soft preference);
///   language   1 when the client's first (preferred) language is shared, 0.5 when only another
///              one is (1 when either side lists none);
///   schedule   shared available minutes over three sessions' worth, capped at 1: a pair that can
///              meet at three different times is as flexible as this score rewards (1 when
///              either side lists no windows);
///   history    the rating (in [0, 1]) of earlier work together, 0.5 when there is none.
/// Default weights 40, 15, 10, 20, 15 (sum 100, so a score reads as a percentage): what the
/// client came for dominates, then whether they can meet at all, then the rest. They are a
/// starting point for a platform to set, not a finding.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/coaching/detail/matching_problem.hpp"
#include "qcoach/qubo/detail/format.hpp"

namespace qcoach::coaching {

/// @brief A weekly availability window: day 0..6 (Monday = 0), minutes since midnight.
struct time_window {
    int day = 0;
    int start_minute = 0;
    int end_minute = 0;
};

/// @brief What matching needs to know about a client.
struct client_profile {
    std::string id;
    std::vector<std::string> needs;      ///< specialties wanted
    std::vector<std::string> languages;  ///< first = preferred
    std::string modality = "any";        ///< "online", "in_person" or "any"
    std::vector<time_window> availability;
    int session_minutes = 60;
    std::int64_t load = 1;               ///< capacity units the client takes on any coach
};

/// @brief What matching needs to know about a coach.
struct coach_profile {
    std::string id;
    std::vector<std::string> specialties;
    std::vector<std::string> languages;
    std::vector<std::string> modalities; ///< offered; empty = every modality
    std::vector<time_window> availability;
    std::int64_t capacity = 0;
};

/// @brief A rating in [0, 1] of earlier work of a client with a coach.
struct history_entry {
    std::string client;
    std::string coach;
    double rating = 0.5;
};

/// @brief Weights of the score features (see the file comment).
struct feature_weights {
    double specialty = 40.0;
    double modality = 15.0;
    double language = 10.0;
    double schedule = 20.0;
    double history = 15.0;
};

/// @brief The features of one pair and whether a hard rule excludes it.
struct pair_features {
    double specialty = 1.0, modality = 1.0, language = 1.0, schedule = 1.0, history = 0.5;
    int overlap_minutes = 0;
    bool has_history = false;
    std::string exclusion; ///< "" when the pair is allowed
};

/// @brief Minutes two sets of weekly windows share.
inline int overlap_minutes(const std::vector<time_window>& a, const std::vector<time_window>& b) {
    int total = 0;
    for (const auto& x : a)
        for (const auto& y : b)
            if (x.day == y.day) total += std::max(0, std::min(x.end_minute, y.end_minute) - std::max(x.start_minute, y.start_minute));
    return total;
}

/// @brief The features of a pair (see the file comment).
inline pair_features compute_features(const client_profile& c, const coach_profile& k, std::optional<double> history) {
    const auto has = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    pair_features f;
    if (!c.needs.empty()) {
        std::size_t met = 0;
        for (const auto& n : c.needs) met += has(k.specialties, n) ? 1 : 0;
        f.specialty = static_cast<double>(met) / static_cast<double>(c.needs.size());
    }
    if (c.modality != "any" && !c.modality.empty() && !k.modalities.empty()) f.modality = has(k.modalities, c.modality) ? 1.0 : 0.0;
    if (!c.languages.empty() && !k.languages.empty()) {
        bool shared = false;
        for (const auto& l : c.languages) shared = shared || has(k.languages, l);
        if (!shared) f.exclusion = "no shared language";
        f.language = has(k.languages, c.languages.front()) ? 1.0 : shared ? 0.5 : 0.0;
    }
    if (!c.availability.empty() && !k.availability.empty()) {
        f.overlap_minutes = overlap_minutes(c.availability, k.availability);
        // One session needs one window of session_minutes shared on one day.
        bool fits = false;
        for (const auto& x : c.availability)
            for (const auto& y : k.availability)
                fits = fits || (x.day == y.day &&
                                std::min(x.end_minute, y.end_minute) - std::max(x.start_minute, y.start_minute) >= c.session_minutes);
        if (!fits && f.exclusion.empty()) f.exclusion = "no overlapping availability";
        f.schedule = std::min(1.0, static_cast<double>(f.overlap_minutes) / (3.0 * std::max(1, c.session_minutes)));
    }
    if (history) {
        f.history = *history;
        f.has_history = true;
    }
    return f;
}

/// @brief The score of a pair in points (see the file comment).
inline double feature_score(const pair_features& f, const feature_weights& w) {
    return std::round(w.specialty * f.specialty + w.modality * f.modality + w.language * f.language +
                      w.schedule * f.schedule + w.history * f.history);
}

/// @brief "specialty 40 + modality 15 + language 5 + schedule 13 + history 8": the points each
/// feature gave (rounded), for explanations.
inline std::string describe_score(const pair_features& f, const feature_weights& w) {
    const auto pts = [](double v) { return qubo::detail::format_number(std::round(v * 10.0) / 10.0); };
    return "specialty " + pts(w.specialty * f.specialty) + " + modality " + pts(w.modality * f.modality) + " + language " +
           pts(w.language * f.language) + " + schedule " + pts(w.schedule * f.schedule) + " + history " +
           pts(w.history * f.history) + (f.has_history ? "" : " (no history: neutral)");
}

/// @brief A problem built from profiles, with every pair's features kept for explanations.
struct scored_problem {
    MatchingProblem problem;
    std::vector<pair_features> features; ///< n x m, row-major by client
    feature_weights weights;

    const pair_features& at(std::size_t c, std::size_t k) const { return features.at(c * problem.num_coaches() + k); }
};

/// @brief Check a weekly window; throws value_error naming `where`.
inline void check_window(const time_window& w, const std::string& where) {
    if (w.day < 0 || w.day > 6) throw value_error(where + ": day " + std::to_string(w.day) + " is not in 0..6");
    if (w.start_minute < 0 || w.end_minute > 24 * 60 || w.start_minute >= w.end_minute) {
        throw value_error(where + ": the window " + std::to_string(w.start_minute) + ".." + std::to_string(w.end_minute) +
                          " minutes is empty or outside the day");
    }
}

/// @brief Score every pair from the profiles, exclude the pairs a hard rule rules out, and set
/// loads (the client's load on every coach) and capacities. History entries name clients and
/// coaches by id.
inline scored_problem build_problem(const std::vector<client_profile>& clients, const std::vector<coach_profile>& coaches,
                                    const std::vector<history_entry>& history = {}, const feature_weights& weights = {}) {
    for (double w : {weights.specialty, weights.modality, weights.language, weights.schedule, weights.history}) {
        if (!std::isfinite(w) || w < 0) throw value_error("feature weights must be finite and >= 0");
    }
    std::vector<std::string> cids, kids;
    std::vector<std::int64_t> caps;
    for (const auto& c : clients) {
        cids.push_back(c.id);
        if (c.load < 0) throw value_error("client " + c.id + ": load " + std::to_string(c.load) + " is negative");
        if (c.session_minutes <= 0) throw value_error("client " + c.id + ": session length must be > 0 minutes");
        for (const auto& w : c.availability) check_window(w, "client " + c.id + " availability");
        if (c.modality != "any" && c.modality != "online" && c.modality != "in_person" && !c.modality.empty()) {
            throw value_error("client " + c.id + ": modality \"" + c.modality + "\" is not online, in_person or any");
        }
    }
    for (const auto& k : coaches) {
        kids.push_back(k.id);
        caps.push_back(k.capacity);
        for (const auto& w : k.availability) check_window(w, "coach " + k.id + " availability");
    }
    scored_problem out{MatchingProblem(cids, kids, caps), {}, weights};
    MatchingProblem& p = out.problem;
    std::vector<std::optional<double>> hist(clients.size() * coaches.size());
    for (const auto& h : history) {
        if (!(h.rating >= 0.0 && h.rating <= 1.0)) {
            throw value_error("history of " + h.client + " with " + h.coach + ": rating " + qubo::detail::format_number(h.rating) +
                              " is not in [0, 1]");
        }
        hist[p.client_index(h.client) * coaches.size() + p.coach_index(h.coach)] = h.rating;
    }
    for (std::size_t c = 0; c < clients.size(); ++c) {
        for (std::size_t k = 0; k < coaches.size(); ++k) {
            pair_features f = compute_features(clients[c], coaches[k], hist[c * coaches.size() + k]);
            p.set_value(c, k, feature_score(f, weights));
            p.set_load(c, k, clients[c].load);
            if (!f.exclusion.empty()) p.exclude(c, k, f.exclusion);
            out.features.push_back(std::move(f));
        }
    }
    return out;
}

} // namespace qcoach::coaching
