#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "qcoach/qubo/qubo.hpp"
#include "qubo/reference.hpp"
#include "support/matchers.hpp"

#if defined(QCOACH_TEST_HAVE_NLOHMANN_JSON)
#include <nlohmann/json.hpp>
#endif

using namespace qcoach;
using namespace qcoach::qubo;

namespace {

const std::string data_dir = QCOACH_TEST_DATA_DIR;

/// Independent reading of an OR-Library BQP file: dense symmetric Q per instance.
std::vector<std::vector<std::vector<double>>> dense_bqp(const std::string& path) {
    std::ifstream in(path);
    int k = 0;
    in >> k;
    std::vector<std::vector<std::vector<double>>> out;
    for (int t = 0; t < k; ++t) {
        std::size_t n = 0, m = 0;
        in >> n >> m;
        std::vector<std::vector<double>> q(n, std::vector<double>(n, 0.0));
        for (std::size_t e = 0; e < m; ++e) {
            std::size_t i = 0, j = 0;
            double v = 0;
            in >> i >> j >> v;
            q[i - 1][j - 1] = v;
            q[j - 1][i - 1] = v;
        }
        out.push_back(std::move(q));
    }
    return out;
}

/// Best-known values of the data README (maximization of x^T Q x).
const double bqp50_best[10] = {2098, 3702, 4626, 3544, 4012, 3693, 4520, 4216, 3780, 3507};
const double bqp100_best[10] = {7970, 11036, 12723, 10368, 9083, 10210, 10125, 11435, 11455, 12565};

std::filesystem::path temp_dir() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("qcoach_test_qubo_" + std::to_string(static_cast<unsigned long>(::getpid())));
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace

TEST_CASE("bqp: OR-Library instances, objective x^T Q x = -E on random samples", "[qubo][io][bqp]") {
    for (const char* file : {"bqp50.txt", "bqp100.txt"}) {
        const std::string path = data_dir + "/orlib-bqp/" + file;
        const auto instances = read_bqp_file(path);
        const auto dense = dense_bqp(path);
        REQUIRE(instances.size() == 10);
        REQUIRE(dense.size() == 10);
        Rng rng(1);
        for (std::size_t k = 0; k < 10; ++k) {
            const auto& inst = instances[k];
            CHECK(inst.index == k + 1);
            const std::size_t n = dense[k].size();
            REQUIRE(inst.model.num_variables() == n);
            CHECK(inst.model.type() == vartype::binary);
            CHECK(inst.model.offset() == 0.0);
            for (int rep = 0; rep < 20; ++rep) {
                std::vector<std::int8_t> x(n);
                for (auto& v : x) v = static_cast<std::int8_t>(rng.below(2));
                double f = 0.0; // x^T Q x, directly
                for (std::size_t i = 0; i < n; ++i)
                    for (std::size_t j = 0; j < n; ++j) f += x[i] * dense[k][i][j] * x[j];
                CHECK(inst.objective(x) == f); // integers: exact
                CHECK(inst.model.energy(x) == -f);
                CHECK(BqpInstance::objective_from_energy(inst.model.energy(x)) == f);
            }
        }
    }
}

TEST_CASE("bqp: a plain tabu search reaches exactly the best-known values of bqp50 and bqp100", "[qubo][io][bqp]") {
    // The README's values are maxima of x^T Q x; under E = -f they are the energies -V. Reaching
    // each -V exactly (and never going below it) confirms the sign and the factor 2.
    const auto instances = read_bqp_file(data_dir + "/orlib-bqp/bqp50.txt");
    for (std::size_t k = 0; k < 10; ++k) {
        const CsrModel<double> csr(instances[k].model);
        const double target = BqpInstance::energy_from_objective(bqp50_best[k]);
        const double best = test::tabu_search(csr, 100 + k, target, 20, 2000);
        INFO("bqp50 instance " << k + 1);
        CHECK(best == target);
    }
    const auto i100 = read_bqp_file(data_dir + "/orlib-bqp/bqp100.txt");
    for (std::size_t k = 0; k < 10; ++k) {
        const CsrModel<double> csr(i100[k].model);
        INFO("bqp100 instance " << k + 1);
        CHECK(test::tabu_search(csr, 7 + k, -bqp100_best[k], 40, 4000) == -bqp100_best[k]);
    }
    // Negative control: without the factor 2 on the couplings, the values are far off.
    BinaryQuadraticModel wrong(vartype::binary, 50);
    for (var_t i = 0; i < 50; ++i) wrong.set_linear(i, instances[0].model.linear(i));
    instances[0].model.for_each_interaction([&](var_t i, var_t j, double b) { wrong.add_quadratic(i, j, b / 2); });
    CHECK(test::tabu_search(CsrModel<double>(wrong), 1, -bqp50_best[0], 5, 2000) > -bqp50_best[0] + 100);
}

TEST_CASE("rudy: G-set G11 as a MaxCut Ising model", "[qubo][io][rudy]") {
    const std::string path = data_dir + "/gset/g11.rud";
    const auto g = read_rudy_file(path); // CRLF line ends, trailing blank on the header
    REQUIRE(g.model.num_variables() == 800);
    CHECK(g.model.num_interactions() == 1600);
    CHECK(g.model.type() == vartype::spin);

    // Independent edge list.
    std::ifstream in(path);
    std::size_t n = 0, m = 0;
    in >> n >> m;
    std::vector<std::tuple<std::size_t, std::size_t, double>> edges(m);
    double w_total = 0.0;
    for (auto& [i, j, w] : edges) {
        in >> i >> j >> w;
        w_total += w;
    }
    CHECK(g.total_weight == w_total);
    Rng rng(2);
    for (int rep = 0; rep < 20; ++rep) {
        std::vector<std::int8_t> s(n);
        for (auto& v : s) v = static_cast<std::int8_t>(2 * static_cast<int>(rng.below(2)) - 1);
        double cut = 0.0;
        for (const auto& [i, j, w] : edges) cut += w * (1 - s[i - 1] * s[j - 1]) / 2.0;
        CHECK(g.cut_value(s) == cut);
        CHECK(g.cut_from_energy(g.model.energy(s)) == cut);
        CHECK(g.energy_from_cut(cut) == g.model.energy(s));
        // The QUBO view gives the same energies under x = (s + 1) / 2.
        CHECK(g.model.to_binary().energy(binary_from_spins(s)) == g.model.energy(s));
    }
    // A short tabu run never beats the best-known cut 564 (README); it gets close.
    const CsrModel<double> csr(g.model);
    const double e = test::tabu_search(csr, 3, g.energy_from_cut(564), 1, 3000);
    CHECK(g.cut_from_energy(e) <= 564);
    CHECK(g.cut_from_energy(e) >= 500);
}

TEST_CASE("formats: write -> read round trips", "[qubo][io]") {
    Rng rng(55);
    SECTION("bqp") {
        const auto inst = read_bqp_file(data_dir + "/orlib-bqp/bqp50.txt");
        std::vector<BinaryQuadraticModel> models;
        for (const auto& i : inst) models.push_back(i.model);
        std::ostringstream os;
        write_bqp(os, models);
        const auto back = read_bqp(os.str(), "round trip");
        REQUIRE(back.size() == models.size());
        for (std::size_t k = 0; k < models.size(); ++k) CHECK(back[k].model == models[k]);
        // Non-integer coefficients survive too.
        auto m = test::random_model(vartype::binary, 7, 0.5, rng);
        m.set_offset(0.0);
        std::ostringstream os2;
        write_bqp(os2, m);
        CHECK(read_bqp(os2.str(), "x")[0].model == m);
        m.set_offset(1.0);
        CHECK_THROWS_AS(write_bqp(os2, m), value_error);
        CHECK_THROWS_AS(write_bqp(os2, m.to_spin()), value_error);
    }
    SECTION("rudy") {
        const auto g = read_rudy_file(data_dir + "/gset/g11.rud");
        std::ostringstream os;
        write_rudy(os, g.model);
        const auto back = read_rudy(os.str(), "round trip");
        CHECK(back.model == g.model);
        CHECK(back.total_weight == g.total_weight);
        BinaryQuadraticModel with_field(vartype::spin, 2);
        with_field.add_linear(0, 1.0);
        CHECK_THROWS_AS(write_rudy(os, with_field), value_error);
    }
    SECTION("qubo") {
        for (int rep = 0; rep < 10; ++rep) {
            const auto m = test::random_model(vartype::binary, 1 + rng.below(12), 0.5, rng, rep % 2 == 0);
            std::ostringstream os;
            write_qubo(os, m);
            const auto back = read_qubo(os.str(), "round trip");
            CHECK(back == m); // offset through the "c qcoach offset" comment
        }
        CHECK_THROWS_AS(write_qubo(std::cout, BinaryQuadraticModel(vartype::spin, 1)), value_error);
    }
    SECTION("json") {
        for (vartype t : {vartype::binary, vartype::spin}) {
            for (int rep = 0; rep < 10; ++rep) {
                auto m = test::random_model(t, rng.below(12), 0.5, rng, rep % 3 == 0);
                for (var_t i = 0; i < m.num_variables(); ++i) {
                    if (rng.below(3) == 0) continue; // some unlabelled
                    m.set_label(i, i % 2 ? "v" + std::to_string(i) : "q\"uo\\te\n\t\x01 \xc3\xa9 " + std::to_string(i));
                }
                if (m.num_variables() >= 3) {
                    m.set_linear(0, 1e-300);
                    m.set_linear(1, -1.7976931348623157e308);
                    m.add_quadratic(1, 2, 0.0); // explicit zero: kept by JSON
                    m.set_linear(2, -0.0);
                }
                m.set_offset(0.1);
                std::ostringstream os;
                write_json(os, m, rep == 0 ? "a \"test\" model" : "");
                const auto back = read_json(os.str(), "round trip");
                CHECK(back == m);
                CHECK(back.num_interactions() == m.num_interactions());
                for (var_t i = 0; i < m.num_variables(); ++i) CHECK(back.label(i) == m.label(i));
#if defined(QCOACH_TEST_HAVE_NLOHMANN_JSON)
                // Independent check: the text is valid JSON holding the same numbers.
                const auto doc = nlohmann::json::parse(os.str());
                CHECK(doc.at("vartype") == std::string(vartype_name(t)));
                CHECK(doc.at("num_variables").get<std::size_t>() == m.num_variables());
                CHECK(doc.at("offset").get<double>() == m.offset());
                for (var_t i = 0; i < m.num_variables(); ++i) CHECK(doc.at("linear")[i].get<double>() == m.linear(i));
                CHECK(doc.at("quadratic").size() == m.num_interactions());
                for (const auto& e : doc.at("quadratic")) {
                    CHECK(m.quadratic(e[0].get<var_t>(), e[1].get<var_t>()) == e[2].get<double>());
                }
                if (m.has_labels()) {
                    for (var_t i = 0; i < m.num_variables(); ++i) {
                        const auto& l = doc.at("labels")[i];
                        CHECK((l.is_null() ? std::string() : l.get<std::string>()) == m.label(i));
                    }
                }
#endif
            }
        }
#if defined(QCOACH_TEST_HAVE_NLOHMANN_JSON)
        // And a document written by nlohmann-json (other spacing, member order, escapes) reads.
        nlohmann::json doc = {{"quadratic", {{0, 1, -2.5}, {2, 1, 0.25}}}, {"offset", 3},      {"num_variables", 3},
                              {"labels", {"\xe2\x82\xac", nullptr, "c"}},  {"vartype", "spin"}, {"linear", {1, 0, -1}}};
        const auto m = read_json(doc.dump(), "nlohmann");
        CHECK(m.type() == vartype::spin);
        CHECK(m.quadratic(1, 2) == 0.25);
        CHECK(m.label(0) == "\xe2\x82\xac");
        CHECK(m.offset() == 3.0);
#endif
    }
}

TEST_CASE("json: a hand-written model with escapes and folding rules", "[qubo][io][json]") {
    const std::string text = "{ \"vartype\": \"binary\", \"num_variables\": 2,\r\n"
                             "  \"labels\": [\"\\u00e9t\\u00E9 \\ud83d\\ude00\", null],\r\n"
                             "  \"quadratic\": [[0, 1, 1.5], [1, 0, 0.5], [1, 1, 2e0]],\r\n"
                             "  \"description\": \"x\" }\r\n";
    const auto m = read_json(text, "hand");
    CHECK(m.label(0) == "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK(m.quadratic(0, 1) == 2.0); // both orders add up
    CHECK(m.linear(1) == 2.0);       // square folds into the linear bias on binary
    CHECK(m.offset() == 0.0);
}

TEST_CASE("qubo: the qbsolv example file means sum Q_ii x_i + sum Q_ij x_i x_j", "[qubo][io][qubo]") {
    const std::string text = "c\r\nc  a sample .qubo file\r\nc\r\np  qubo  0  4  4  6\r\nc ------\r\n"
                             "0  0   3.4\r\n1  1   4.5\r\n2  2   2.1\r\n3  3   -2.4\r\nc ------\r\n"
                             "0  1   2.2\r\n0  2   3.4\r\n1  2   4.5\r\n0  3   -2\r\n1  3   4.5678\r\n2  3   -3.22\r\n";
    const auto m = read_qubo(text, "example.qubo");
    REQUIRE(m.num_variables() == 4);
    CHECK(m.linear(3) == -2.4);
    CHECK(m.quadratic(1, 3) == 4.5678);
    const std::vector<std::int8_t> x{1, 0, 1, 1};
    CHECK(m.energy(x) == Approx(3.4 + 2.1 - 2.4 + 3.4 - 2 - 3.22).margin(1e-12));
}

TEST_CASE("formats: names, detection and loading", "[qubo][io][formats]") {
    CHECK(parse_format("auto") == file_format::automatic);
    CHECK(parse_format("rudy") == file_format::rudy);
    CHECK_THROWS_MATCHES(parse_format("xml"), value_error, test::MessageContains("allowed: auto, bqp, rudy, qubo, json"));
    CHECK(format_from_extension("dir.v2/G11.RUD") == file_format::rudy);
    CHECK(format_from_extension("a/b.json") == file_format::json);
    CHECK(format_from_extension("bqp50.txt") == file_format::automatic);
    CHECK(format_from_extension("noext") == file_format::automatic);
    CHECK(detect_format("x.txt", " 10\n 50 111\n") == file_format::bqp);
    CHECK(detect_format("x.txt", "\r\n800 1600 \r\n1 2 1\r\n") == file_format::rudy);
    CHECK(detect_format("x.txt", "c hi\np qubo 0 1 1 0\n0 0 1\n") == file_format::qubo);
    CHECK(detect_format("x.txt", "p qubo 0 1 1 0\n") == file_format::qubo);
    CHECK(detect_format("x.txt", "  {\"vartype\": \"spin\"}") == file_format::json);
    CHECK(detect_format("x.qubo", "10\n") == file_format::qubo); // the extension wins
    CHECK_THROWS_AS(detect_format("x.txt", "1 2 3\n"), parse_error);
    CHECK_THROWS_AS(detect_format("x.txt", "\n\n"), parse_error);

    const auto bqp = load_problems(data_dir + "/orlib-bqp/bqp50.txt");
    REQUIRE(bqp.size() == 10);
    CHECK(bqp[2].format == file_format::bqp);
    CHECK(bqp[2].name == data_dir + "/orlib-bqp/bqp50.txt#3");
    CHECK(bqp[2].objective.maximize);
    CHECK(bqp[2].objective(-4626.0) == 4626.0);
    CHECK(bqp[2].objective.energy_of(4626.0) == -4626.0);

    const auto gset = load_problems(data_dir + "/gset/g11.rud", file_format::rudy);
    REQUIRE(gset.size() == 1);
    const auto g = read_rudy_file(data_dir + "/gset/g11.rud");
    std::vector<std::int8_t> s(800, 1);
    for (std::size_t i = 0; i < 800; i += 3) s[i] = -1;
    CHECK(gset[0].objective(gset[0].model.energy(s)) == g.cut_value(s));
    CHECK(gset[0].objective.name == "cut");

    // save_model / load_problems through real files, every format.
    const auto dir = temp_dir();
    Rng rng(9);
    auto m = test::random_model(vartype::binary, 6, 0.5, rng, true);
    m.set_label(0, "first");
    const auto json_path = (dir / "m.json").string();
    save_model(json_path, m);
    CHECK(load_problems(json_path)[0].model == m);
    const auto qubo_path = (dir / "m.qubo").string();
    save_model(qubo_path, m);
    auto unlabelled = m;
    unlabelled.set_label(0, "");
    CHECK(load_problems(qubo_path)[0].model == unlabelled);
    const auto txt_path = (dir / "instances.txt").string();
    m.set_offset(0.0);
    unlabelled.set_offset(0.0);
    save_model(txt_path, m, file_format::bqp);
    CHECK(load_problems(txt_path)[0].model == unlabelled); // detected by content
    CHECK_THROWS_AS(save_model((dir / "m.txt").string(), m), value_error);
    std::filesystem::remove_all(dir);
}
