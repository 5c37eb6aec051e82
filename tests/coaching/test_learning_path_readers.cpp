#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "qcoach/coaching/detail/learning_metacademy_reader.hpp"
#include "qcoach/coaching/detail/learning_salbp_reader.hpp"
#include "qcoach/coaching/detail/learning_salbp_search.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::coaching::detail;
using qcoach::test::MessageContains;

namespace {

// MERTENS.IN2 of Scholl's SALBP data set as distributed (CRLF line endings).
const char* mertens = "7\r\n1\r\n5\r\n4\r\n3\r\n5\r\n6\r\n5\r\n1,2\r\n1,4\r\n2,3\r\n2,5\r\n4,7\r\n5,6\r\n-1,-1\r\n";

// Fewest stations by brute force: every assignment of tasks to stations 0..m-1 for growing m.
std::size_t brute_force_stations(const salbp_instance& inst, std::int64_t c) {
    const std::size_t n = inst.times.size();
    for (std::size_t m = 1; m <= n; ++m) {
        std::vector<std::size_t> at(n, 0);
        for (;;) {
            bool ok = true;
            std::vector<std::int64_t> load(m, 0);
            for (std::size_t j = 0; j < n; ++j) load[at[j]] += inst.times[j];
            for (auto l : load) ok = ok && l <= c;
            for (const auto& [a, b] : inst.arcs) ok = ok && at[a] <= at[b];
            if (ok) return m;
            std::size_t k = 0;
            while (k < n && ++at[k] == m) at[k++] = 0;
            if (k == n) break;
        }
    }
    return n;
}

struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(const std::string& name) : path(std::filesystem::temp_directory_path() / name) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    void write(const std::string& file, const std::string& text) const { std::ofstream(path / file, std::ios::binary) << text; }
};

} // namespace

TEST_CASE("SALBP reader: Scholl's .IN2 text and its errors", "[coaching][learning_path][readers]") {
    const auto inst = parse_salbp_in2(mertens, "data/MERTENS.IN2");
    CHECK(inst.name == "MERTENS");
    CHECK(inst.times == std::vector<std::int64_t>{1, 5, 4, 3, 5, 6, 5});
    REQUIRE(inst.arcs.size() == 6);
    CHECK(inst.arcs[0] == std::pair<std::size_t, std::size_t>{0, 1});
    // Text after the terminator is ignored (ARC111 carries remarks there).
    CHECK(parse_salbp_in2(std::string(mertens) + "(* remark \x94 *)\r\n", "m.IN2").arcs.size() == 6);
    CHECK_THROWS_MATCHES(parse_salbp_in2("3\n4\nx\n2\n", "bad.IN2"), parse_error,
                         MessageContains("bad.IN2:3:1: task 2: expected a time"));
    CHECK_THROWS_MATCHES(parse_salbp_in2("2\n4\n5\n1,3\n-1,-1\n", "arc.IN2"), parse_error,
                         MessageContains("arc.IN2:4:1: arc 1,3 names a task outside 1..2"));
    CHECK_THROWS_MATCHES(parse_salbp_in2("2\n4\n5\n1;2\n", "sep.IN2"), parse_error, MessageContains("sep.IN2:4:1: expected a precedence arc"));
    CHECK_THROWS_MATCHES(parse_salbp_in2("3\n4\n5\n", "short.IN2"), parse_error, MessageContains("short.IN2:4: the file ends after 2 task times"));
    CHECK_THROWS_MATCHES(parse_salbp_in2("", "empty.IN2"), parse_error, MessageContains("empty.IN2: the file is empty"));
    CHECK_THROWS_MATCHES(read_salbp_in2("/nonexistent/X.IN2"), parse_error, MessageContains("X.IN2: cannot open the file"));
}

TEST_CASE("SALBP-1 branch and bound matches brute force on MERTENS for every cycle time", "[coaching][learning_path]") {
    const auto inst = parse_salbp_in2(mertens, "MERTENS.IN2");
    precedence_graph g(inst.times.size());
    for (const auto& [a, b] : inst.arcs) g.add_arc(a, b);
    // Every cycle time from the longest task to the total; the published optima (Scholl 1993,
    // benchmarks/data/salbp_scholl/README.md) are among them: c = 6 -> 6, 7 -> 5, 8 -> 5,
    // 10 -> 3, 15 -> 2, 18 -> 2.
    for (std::int64_t c = 6; c <= 29; ++c) {
        const auto r = solve_salbp1(inst.times, g, c);
        INFO("c = " << c);
        CHECK(r.proven_optimal);
        CHECK(r.stations == brute_force_stations(inst, c));
        REQUIRE(r.station_of.size() == inst.times.size());
        std::vector<std::int64_t> load(r.stations, 0);
        for (std::size_t j = 0; j < inst.times.size(); ++j) load.at(r.station_of[j]) += inst.times[j];
        for (auto l : load) CHECK(l <= c);
        for (const auto& [a, b] : inst.arcs) CHECK(r.station_of[a] <= r.station_of[b]);
    }
    CHECK(solve_salbp1(inst.times, g, 6).stations == 6);
    CHECK(solve_salbp1(inst.times, g, 10).stations == 3);
    CHECK_THROWS_MATCHES(solve_salbp1(inst.times, g, 5), value_error, MessageContains("task 6 takes 6, more than the cycle time 5"));
}

TEST_CASE("Metacademy reader: concepts, arcs, ancestors and errors with file and line", "[coaching][learning_path][readers]") {
    const temp_dir dir("qcoach_test_metacademy");
    dir.write("concepts.tsv", "tag\ttitle\nsum\tsums\nmean\tthe mean\nvariance\tvariance\nother\tunrelated\n");
    dir.write("prerequisites.tsv", "prerequisite\tconcept\tshortcut\nsum\tmean\t0\nmean\tvariance\t1\nsum\tvariance\t0\n");
    const auto g = read_metacademy(dir.path.string());
    CHECK(g.tags.size() == 4);
    CHECK(g.arcs.size() == 3);
    CHECK(g.shortcut == std::vector<bool>{false, true, false});
    const auto anc = ancestors(g, "variance");
    REQUIRE(anc.size() == 3);
    CHECK(g.tags[anc[0]] == "sum");
    CHECK(g.tags[anc[2]] == "variance");
    CHECK_THROWS_MATCHES(ancestors(g, "nope"), value_error, MessageContains("unknown concept 'nope'"));

    dir.write("prerequisites.tsv", "prerequisite\tconcept\tshortcut\nsum\tmean\t0\nmean\tmedian\t0\n");
    CHECK_THROWS_MATCHES(read_metacademy(dir.path.string()), parse_error,
                         MessageContains("prerequisites.tsv:3:6: unknown concept 'median'"));
    dir.write("prerequisites.tsv", "prerequisite\tconcept\tshortcut\nsum\tmean\n");
    CHECK_THROWS_MATCHES(read_metacademy(dir.path.string()), parse_error, MessageContains("prerequisites.tsv:2:1: expected"));
    dir.write("concepts.tsv", "tag,title\nsum,sums\n");
    CHECK_THROWS_MATCHES(read_metacademy(dir.path.string()), parse_error, MessageContains("concepts.tsv:1:1: expected the header line"));
    dir.write("concepts.tsv", "tag\ttitle\nsum\tsums\nsum\tagain\n");
    CHECK_THROWS_MATCHES(read_metacademy(dir.path.string()), parse_error, MessageContains("concepts.tsv:3:1: concept 'sum' is listed twice"));
}
