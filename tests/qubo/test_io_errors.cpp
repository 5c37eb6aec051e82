#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "qcoach/core/rng.hpp"
#include "qcoach/qubo/qubo.hpp"
#include "support/matchers.hpp"

using namespace qcoach;
using namespace qcoach::qubo;
using qcoach::test::MessageContains;

namespace {

std::string crlf(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string lone_cr(std::string s) {
    for (char& c : s)
        if (c == '\n') c = '\r';
    return s;
}

const std::string bqp_text = "2\n 3 4\n 1 1 5\n 1 2 -3\n 2 3 7\n 3 3 -1\n 2 1\n 1 2 4\n";
const std::string rudy_text = "4 3 \n1 2 1\n2 3 -1\n4 1 2.5\n";
const std::string qubo_text = "c x\np qubo 0 3 2 1\n0 0 1.5\n2 2 -1\nc mid\n0 2 4\n";
const std::string json_text = R"({"vartype": "spin", "num_variables": 3,
 "linear": [1, 0, -2], "quadratic": [[0, 1, 0.5], [1, 2, -1]], "offset": 2})";

using reader = std::function<void(const std::string&)>;

const std::vector<std::pair<std::string, reader>> readers = {
    {bqp_text, [](const std::string& t) { (void)read_bqp(t, "f.bqp"); }},
    {rudy_text, [](const std::string& t) { (void)read_rudy(t, "f.rud"); }},
    {qubo_text, [](const std::string& t) { (void)read_qubo(t, "f.qubo"); }},
    {json_text, [](const std::string& t) { (void)read_json(t, "f.json"); }},
};

} // namespace

TEST_CASE("io: CRLF and lone CR line ends read like LF", "[qubo][io][crlf]") {
    const auto b = read_bqp(bqp_text, "b");
    const auto b2 = read_bqp(crlf(bqp_text), "b");
    const auto b3 = read_bqp(lone_cr(bqp_text), "b");
    REQUIRE(b.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
        CHECK(b2[k].model == b[k].model);
        CHECK(b3[k].model == b[k].model);
    }
    CHECK(b[0].model.linear(0) == -5.0);
    CHECK(b[0].model.quadratic(0, 1) == 6.0);
    CHECK(b[1].model.quadratic(0, 1) == -8.0);

    const auto r = read_rudy(rudy_text, "r");
    CHECK(read_rudy(crlf(rudy_text), "r").model == r.model);
    CHECK(read_rudy(lone_cr(rudy_text), "r").model == r.model);
    CHECK(r.model.quadratic(0, 3) == 2.5);
    CHECK(r.total_weight == 2.5);

    const auto q = read_qubo(qubo_text, "q");
    CHECK(read_qubo(crlf(qubo_text), "q") == q);
    CHECK(read_qubo(lone_cr(qubo_text), "q") == q);
    CHECK(q.num_variables() == 3);
    CHECK(q.quadratic(0, 2) == 4.0);

    const auto j = read_json(json_text, "j");
    CHECK(read_json(crlf(json_text), "j") == j);
    CHECK(j.quadratic(2, 1) == -1.0);
    // Line numbers count CRLF once.
    CHECK_THROWS_MATCHES(read_rudy(crlf("2 1\n\n1 3 1\n"), "crlf.rud"), parse_error, MessageContains("crlf.rud:3:3:"));
    CHECK_THROWS_MATCHES(read_json(crlf("{\n\"vartype\": \"spin\",\n  \"bad\": 1}"), "c.json"), parse_error,
                         MessageContains("c.json:3:"));
}

TEST_CASE("io: malformed BQP files give file:line:column errors", "[qubo][io][errors]") {
    auto fails = [](const std::string& text, const std::string& part) {
        INFO(text);
        CHECK_THROWS_MATCHES(read_bqp(text, "bad.txt"), parse_error, MessageContains(part));
    };
    fails("", "bad.txt: empty input");
    fails("x\n", "bad.txt:1:1: expected the number of instances");
    fails("2\n 2 1\n 1 1 3\n", "bad.txt:3: the input ends before instance 2 of 2");
    fails("1\n 3 4\n 1 1 5\n 1 2 -3\n", "bad.txt:2:4: declared entry count 4 cannot fit in the 15 bytes left");
    fails("1\n 3 4\n 1 1 5.000000000\n 1 2 -3.00000000\n",
          "bad.txt:4: instance 1 of 1 declares 4 entries but the input ends after 2");
    fails("1\n 3 1\n 1 2 x7\n", "bad.txt:3:6: expected a coefficient (a finite number), got \"x7\"");
    fails("1\n 3 1\n 1 2\n", "bad.txt:3:5: expected a coefficient");
    fails("1\n 3 1\n 1 4 1\n", "bad.txt:3:4: column index 4 is out of range 1..3");
    fails("1\n 3 1\n 0 2 1\n", "bad.txt:3:2: row index 0 is out of range");
    fails("1\n 3 1\n 2 1 1\n", "below the diagonal");
    fails("1\n 3 2\n 1 2 1\n 1 2 1\n", "bad.txt:4:2: entry (1, 2) is listed twice");
    fails("1\n 3 2\n 2 2 1\n 2 2 1\n", "entry (2, 2) is listed twice");
    fails("1\n 3 1\n 1 2 1 9\n", "bad.txt:3:8: unexpected \"9\"");
    fails("1\n 3 1\n 1 2 nan\n", "expected a coefficient");
    fails("1\n 3 1\n 1 2 1e999\n", "expected a coefficient");
    fails("1\n -3 1\n", "bad.txt:2:2: expected the number of variables (a non-negative integer)");
    fails("1\n 3 1\n 1 2 1\n extra\n", "bad.txt:4:2: unexpected text after the 1 declared instances");
    fails("1\n 3 7\n", "declares 7 entries; an upper triangle of 3 variables has at most 6");
    fails("99999999999999999999\n", "too large");
    fails("1000000000\n 1 0\n", "declared instance count 1000000000 cannot fit");
    fails("1\n 100000 4000000000\n", "declared entry count 4000000000 cannot fit");
    fails("1\n 99999999999 0\n", "declared 99999999999 variables; at most 4294967295");
    set_memory_limit(1 << 20);
    fails("1\n 4000000000 0\n", "more than the memory limit");
    // Many instances that each fit but together do not: the declared total counts.
    std::string many = "40\n";
    for (int k = 0; k < 40; ++k) many += " 1000 0\n";
    fails(many, "bad.txt:34:2: declared 1000 variables; the models of this input would need 1.0");
    set_memory_limit(0);
    fails(std::string("1\n 3 1\n 1 2 \0\n", 14), "got \"\\x00\"");
}

TEST_CASE("io: malformed rudy files", "[qubo][io][errors]") {
    auto fails = [](const std::string& text, const std::string& part) {
        INFO(text);
        CHECK_THROWS_MATCHES(read_rudy(text, "g.rud"), parse_error, MessageContains(part));
    };
    fails("", "g.rud: empty input");
    fails("3\n", "g.rud:1:2: expected the number of edges, found the end of the line");
    fails("3 2\n1 2 1\n", "g.rud:1:3: declared edge count 2 cannot fit in the 6 bytes left");
    fails("3 2\n1 2 1.00000\n", "g.rud:2: declares 2 edges but the input ends after 1");
    fails("3 1\n1 4 1\n", "g.rud:2:3: vertex 4 is out of range 1..3");
    fails("3 1\n2 2 1\n", "self loop at vertex 2");
    fails("3 2\n1 2 1\n2 1 1\n", "g.rud:3:1: edge (2, 1) is listed twice");
    fails("3 1\n1 2 one\n", "g.rud:2:5: expected an edge weight");
    fails("3 4\n", "declares 4 edges; a simple graph on 3 vertices has at most 3");
    fails("100000 4000000000\n", "cannot fit");
    fails("3 1\n1 2 1\n1 3 1\n", "g.rud:3:1: unexpected text after the 1 declared edges");
}

TEST_CASE("io: malformed .qubo files", "[qubo][io][errors]") {
    auto fails = [](const std::string& text, const std::string& part) {
        INFO(text);
        CHECK_THROWS_MATCHES(read_qubo(text, "q.qubo"), parse_error, MessageContains(part));
    };
    fails("c only comments\n", "no problem line");
    fails("0 0 1\n", "q.qubo:1:1: expected the problem line");
    fails("p qubo 0 2\n", "q.qubo:1:11: expected nNodes, found the end of the line");
    fails("p qubx 0 2 1 0\n", "the file type must be \"qubo\"");
    fails("p qubo 0 2 3 0\n", "nNodes 3 exceeds maxNodes 2");
    fails("p qubo 0 3 0 4\n", "nCouplers 4 exceeds the 3 pairs of 3 nodes");
    fails("p qubo 0 2 1 0\n2 2 1\n", "q.qubo:2:1: node 2 is out of range: the problem line declares maxNodes = 2");
    fails("p qubo 0 2 2 0\n1 1 1\n1 1 2\n", "q.qubo:3:1: node 1 is listed twice");
    fails("p qubo 0 3 0 1\n2 1 1\n", "coupler (2, 1) must have i < j");
    fails("p qubo 0 3 0 2\n0 1 1\n0 1 1\n", "coupler (0, 1) is listed twice");
    fails("p qubo 0 3 1 0\n0 0 1\n1 1 1\n", "more node lines than the 1 declared");
    fails("p qubo 0 3 1 1\n0 0 1\n", "q.qubo:1:14: declared node and coupler line count 2 cannot fit");
    fails("p qubo 0 3 1 1\n0 0 1.0000000\n", "q.qubo:2: the problem line declares 1 nodes and 1 couplers, the file has 1 and 0");
    fails("p qubo 0 3 0 1\n0 x 1\n", "q.qubo:2:3: expected a node index");
    fails("p qubo 0 3 0 1\n-1 1 1\n", "expected a node index");
    fails("p qubo 0 3 0 1\n0 1 1 1\n", "unexpected \"1\"");
    fails("c qcoach offset 1\nc qcoach offset 2\np qubo 0 1 0 0\n", "the offset is given twice");
    fails("p qubo 0 100000 50000 4000000000\n", "cannot fit");
    fails("p qubo 0 99999999999 0 0\n", "at most 4294967295 are supported");
    // Other comments, the topology word and zero couplers are accepted.
    const auto m = read_qubo("c\np qubo unconstrained 3 0 1\nc a comment\n0 1 0\n", "ok");
    CHECK(m.num_variables() == 3);
    CHECK(m.has_interaction(0, 1));
}

TEST_CASE("io: malformed JSON models", "[qubo][io][errors]") {
    auto fails = [](const std::string& text, const std::string& part) {
        INFO(text);
        CHECK_THROWS_MATCHES(read_json(text, "m.json"), parse_error, MessageContains(part));
    };
    const std::string head = R"({"vartype": "binary", "num_variables": 2)";
    fails("", "m.json:1:1: expected '{' at the start of a model, found the end of the input");
    fails("[]", "m.json:1:1: expected '{'");
    fails(R"({"num_variables": 2})", "no \"vartype\"");
    fails(R"({"vartype": "binary"})", "no \"num_variables\"");
    fails(R"({"vartype": "ising", "num_variables": 1})", "m.json:1:13: \"vartype\" must be \"binary\" or \"spin\"");
    fails(head + R"(, "vartype": "spin"})", "member \"vartype\" appears twice");
    fails(head + R"(, "linaer": [1, 2]})", "unknown member \"linaer\"");
    fails(head + R"(, "linear": [1, 2],})", "expected a member name");
    fails(head + R"(, "linear": [1, 2, ]})", "expected a linear bias (a number), found \"]\"");
    fails(head + R"(, "linear": [1]})", "\"linear\" has 1 entries; num_variables is 2");
    fails(head + R"(, "linear": [1, 1e999]})", "out of the range of a double");
    fails(head + R"(, "linear": [1, .5]})", "expected a linear bias (a number)");
    fails(head + R"(, "linear": [1, 01]})", "expected ',' or ']'");
    fails(head + R"(, "linear": [1, NaN]})", "expected a linear bias (a number)");
    fails(head + ",\n \"quadratic\": [[0, 2, 1]]}", "m.json:2:16: quadratic entry [0, 2] has an index out of range");
    fails(head + R"(, "quadratic": [[0, 1]]})", "expected ','");
    fails(head + R"(, "quadratic": [[0, -1, 1]]})", "expected a variable index");
    fails(head + R"(, "quadratic": [[0, 1.0, 1]]})", "(a non-negative integer)");
    fails(head + R"(, "labels": ["a"]})", "\"labels\" has 1 entries");
    fails(head + R"(, "labels": ["a", "a"]})", "label \"a\" names two variables");
    fails(head + R"(, "labels": ["a", 3]})", "expected a string");
    fails(head + R"(, "labels": ["a\q", null]})", "invalid escape");
    fails(head + R"(, "labels": ["a\ud800", null]})", "high surrogate");
    fails(head + ", \"labels\": [\"a\tb\", null]}", "control character");
    fails(head + R"(, "labels": ["abc)", "unterminated string");
    fails(head + R"(, "format": "other"})", "\"format\" must be \"qcoach.bqm\"");
    fails(head + R"(, "version": 2})", "unsupported version");
    fails(head + "} x", "after the end of the JSON value");
    fails(head, "expected ',' or '}'");
    fails(R"({"vartype": "binary", "num_variables": 99999999999})", "at most 4294967295 variables");
    set_memory_limit(1 << 20);
    fails(R"({"vartype": "binary", "num_variables": 4000000000})", "more than the memory limit");
    set_memory_limit(0);
}

TEST_CASE("io: every truncation and random corruption of valid files parses or throws qcoach::error",
          "[qubo][io][fuzz]") {
    Rng rng(123);
    std::size_t parsed = 0, rejected = 0;
    for (const auto& [valid, read] : readers) {
        for (const std::string& text : {valid, crlf(valid)}) {
            REQUIRE_NOTHROW(read(text));
            for (std::size_t len = 0; len < text.size(); ++len) {
                try {
                    read(text.substr(0, len));
                    ++parsed;
                } catch (const qcoach::error&) {
                    ++rejected;
                }
            }
            std::string alphabet = "0123456789 -+.eE\n\r\t{}[],:\"pqcx\\u";
            alphabet += '\0';
            alphabet += '\xff';
            for (int rep = 0; rep < 400; ++rep) {
                std::string t = text;
                const int edits = 1 + static_cast<int>(rng.below(3));
                for (int e = 0; e < edits; ++e) {
                    const std::size_t at = rng.below(t.size());
                    switch (rng.below(3)) {
                    case 0: t[at] = alphabet[rng.below(alphabet.size())]; break;
                    case 1: t.erase(at, 1); break;
                    default: t.insert(at, 1, alphabet[rng.below(alphabet.size())]); break;
                    }
                }
                try {
                    read(t);
                    ++parsed;
                } catch (const qcoach::error&) {
                    ++rejected;
                }
            }
        }
    }
    CHECK(parsed > 0);
    CHECK(rejected > 0);
}

TEST_CASE("io: a missing file is a parse_error naming it", "[qubo][io][errors]") {
    CHECK_THROWS_MATCHES(read_bqp_file("/nonexistent/qcoach/bqp.txt"), parse_error,
                         MessageContains("/nonexistent/qcoach/bqp.txt: cannot open file"));
    CHECK_THROWS_AS(load_problems("/nonexistent/qcoach/g.rud"), parse_error);
}
