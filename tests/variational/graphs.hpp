#pragma once
// Small graphs with published QAOA results (3-regular Petersen and Heawood graphs) and rings,
// as edge lists (i < j in every edge).

#include <algorithm>

#include "qcoach/variational/maxcut.hpp"

namespace qcoach::test {

/// The n-cycle 0-1-...-(n-1)-0.
inline variational::edge_list ring(unsigned n) {
    variational::edge_list e;
    for (unsigned i = 0; i < n; ++i) e.emplace_back(std::min(i, (i + 1) % n), std::max(i, (i + 1) % n));
    return e;
}

/// Petersen graph: 3-regular, 10 vertices, girth 5 (outer 5-cycle, spokes, inner pentagram).
inline variational::edge_list petersen() {
    variational::edge_list e;
    for (unsigned i = 0; i < 5; ++i) {
        e.emplace_back(std::min(i, (i + 1) % 5), std::max(i, (i + 1) % 5)); // outer cycle
        e.emplace_back(i, i + 5);                                           // spokes
        const unsigned a = i + 5, b = (i + 2) % 5 + 5;                      // inner pentagram
        e.emplace_back(std::min(a, b), std::max(a, b));
    }
    return e;
}

/// Heawood graph: 3-regular, 14 vertices, girth 6; LCF notation [5, -5]^7 (the 14-cycle plus the
/// chord i -> i + 5 from every even i).
inline variational::edge_list heawood() {
    variational::edge_list e = ring(14);
    for (unsigned i = 0; i < 14; i += 2) e.emplace_back(std::min(i, (i + 5) % 14), std::max(i, (i + 5) % 14));
    return e;
}

} // namespace qcoach::test
