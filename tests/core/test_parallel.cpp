#include <catch2/catch.hpp>

#include <vector>

#include "qcoach/core/parallel.hpp"

using namespace qcoach;

TEST_CASE("parallel_ranges covers [0, count) once, in contiguous per-thread ranges", "[parallel]") {
    for (int threads : {0, 1, 2, 3}) {
        for (index_t count : {index_t{0}, index_t{1}, index_t{2}, index_t{7}, index_t{64}}) {
            INFO("threads " << threads << ", count " << count);
            std::vector<int> hits(count, 0);
            std::vector<index_t> firsts(4, count), ends(4, 0);
            parallel_ranges(threads, count, [&](index_t begin, index_t end, index_t id) {
                REQUIRE(id < 4);
                firsts[id] = begin;
                ends[id] = end;
                for (index_t i = begin; i < end; ++i) ++hits[i]; // ranges are disjoint: no race
            });
            for (index_t i = 0; i < count; ++i) CHECK(hits[i] == 1);
            // Ranges follow thread order: thread k's range ends where thread k + 1's begins.
            for (index_t k = 0; k + 1 < 4; ++k)
                if (ends[k + 1] > 0) CHECK(ends[k] == firsts[k + 1]);
        }
    }
}
