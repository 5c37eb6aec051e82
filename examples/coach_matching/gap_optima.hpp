#pragma once
// Known optima of the OR-Library GAP files gap1..gap12 (one instance per file, gapK-i = problem
// i+1 of file gapK), copied from benchmarks/data/gap_orlib/README.md: the maximization optima
// from the OR-Library gapinfo table (J.E. Beasley), the minimization optima from the fontanf
// collection's data.csv. coach_matching reports the gap to them for a file named gapK-i.

#include <optional>
#include <string_view>

namespace coach_matching {

struct gap_optimum {
    std::string_view instance;
    int maximum;
    int minimum;
};

inline constexpr gap_optimum gap_optima[] = {
    {"gap1-0", 336, 261}, {"gap1-1", 327, 269}, {"gap1-2", 339, 256},
    {"gap1-3", 341, 274}, {"gap1-4", 326, 251}, {"gap2-0", 434, 277},
    {"gap2-1", 436, 269}, {"gap2-2", 420, 260}, {"gap2-3", 419, 269},
    {"gap2-4", 428, 267}, {"gap3-0", 580, 438}, {"gap3-1", 564, 415},
    {"gap3-2", 573, 446}, {"gap3-3", 570, 430}, {"gap3-4", 564, 411},
    {"gap4-0", 656, 423}, {"gap4-1", 644, 424}, {"gap4-2", 673, 426},
    {"gap4-3", 647, 395}, {"gap4-4", 664, 406}, {"gap5-0", 563, 403},
    {"gap5-1", 558, 389}, {"gap5-2", 564, 383}, {"gap5-3", 568, 384},
    {"gap5-4", 559, 396}, {"gap6-0", 761, 525}, {"gap6-1", 759, 527},
    {"gap6-2", 758, 519}, {"gap6-3", 752, 516}, {"gap6-4", 747, 521},
    {"gap7-0", 942, 646}, {"gap7-1", 949, 662}, {"gap7-2", 968, 662},
    {"gap7-3", 945, 645}, {"gap7-4", 951, 649}, {"gap8-0", 1133, 797},
    {"gap8-1", 1134, 783}, {"gap8-2", 1141, 800}, {"gap8-3", 1117, 789},
    {"gap8-4", 1127, 792}, {"gap9-0", 709, 482}, {"gap9-1", 717, 476},
    {"gap9-2", 712, 496}, {"gap9-3", 723, 497}, {"gap9-4", 706, 488},
    {"gap10-0", 958, 638}, {"gap10-1", 963, 638}, {"gap10-2", 960, 654},
    {"gap10-3", 947, 635}, {"gap10-4", 947, 639}, {"gap11-0", 1139, 573},
    {"gap11-1", 1178, 583}, {"gap11-2", 1195, 589}, {"gap11-3", 1171, 578},
    {"gap11-4", 1171, 581}, {"gap12-0", 1451, 974}, {"gap12-1", 1449, 956},
    {"gap12-2", 1433, 941}, {"gap12-3", 1447, 954}, {"gap12-4", 1446, 945},
};

/// The optimum of `instance` ("gap1-0") for the given sense, if it is one of the table.
inline std::optional<double> known_gap_optimum(std::string_view instance, bool maximize) {
    for (const auto& g : gap_optima)
        if (g.instance == instance) return maximize ? g.maximum : g.minimum;
    return std::nullopt;
}

} // namespace coach_matching
