// QaoaSolver: finds the optimum of small MaxCut and penalized models with high probability at
// good angles (checked against the exact solver), honours the strategies, and refuses bad input.

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "qcoach/qubo/solvers/exact.hpp"
#include "qcoach/variational/maxcut.hpp"
#include "qcoach/variational/qaoa_solver.hpp"

using namespace qcoach;
using namespace qcoach::variational;

TEST_CASE("QaoaSolver samples the maximum cut of a small graph", "[qaoa][solver]") {
    const auto g = random_regular_maxcut(8, 3, 2);
    const double exact = qubo::ExactSolver().solve(g.model, {}).best_energy;
    for (auto strategy : {qaoa_strategy::optimize, qaoa_strategy::interp}) {
        qaoa_solver_options o;
        o.p = 3;
        o.strategy = strategy;
        const QaoaSolver solver(o);
        qubo::solver_options so;
        so.reads = 500;
        so.seed = 4;
        const qaoa_solution s = solver.run(g.model, so);
        CHECK(s.result.solver == "qaoa");
        CHECK(s.result.samples.total_count() == 500);
        CHECK(s.result.best_energy == exact);
        CHECK(s.ground_energy == exact);
        CHECK(s.optimum_probability > 0.3);
        CHECK(s.expectation < 0.5 * exact); // well below the |+> average 0
        std::size_t hits = 0;
        for (const auto& e : s.result.samples.entries()) {
            CHECK(e.energy == g.model.energy(e.sample));
            if (e.energy == exact) hits += e.count;
        }
        CHECK(static_cast<double>(hits) / 500 == Approx(s.optimum_probability).margin(0.08));
        // Same seed, same samples.
        CHECK(solver.solve(g.model, so).samples.entries().size() == s.result.samples.entries().size());
    }
}

TEST_CASE("QaoaSolver on a binary model with fixed angles", "[qaoa][solver]") {
    // min x0 + x1 - 2 x0 x1 + 2 x2 (binary): minima 000 and 110 at energy 0.
    qubo::BinaryQuadraticModel m(qubo::vartype::binary, 3);
    m.set_linear(0, 1);
    m.set_linear(1, 1);
    m.set_linear(2, 2);
    m.set_quadratic(0, 1, -2);
    qaoa_solver_options o;
    o.p = 1;
    o.strategy = qaoa_strategy::fixed;
    o.angles = qaoa_angles{{0.0}, {0.0}}; // |+>: uniform samples
    qubo::solver_options so;
    so.reads = 8000;
    const qaoa_solution s = QaoaSolver(o).run(m, so);
    CHECK(s.optimum_probability == Approx(0.25));
    CHECK(s.expectation == Approx(1.5)); // average of 0,1,1,0,2,3,3,2
    CHECK(s.result.best_energy == 0);
    CHECK(s.result.samples.size() == 8);
    CHECK(s.angles == *o.angles);
}

TEST_CASE("QaoaSolver errors", "[qaoa][solver]") {
    qaoa_solver_options o;
    o.p = 0;
    CHECK_THROWS_AS(QaoaSolver(o), value_error);
    o.p = 2;
    o.angles = qaoa_angles{{0.1}, {0.2}};
    CHECK_THROWS_AS(QaoaSolver(o), value_error);
    o.angles = qaoa_angles{{0.1, 0.2}, {0.2}};
    CHECK_THROWS_AS(QaoaSolver(o), value_error);
    o.angles.reset();
    o.max_qubits = 40;
    CHECK_THROWS_AS(QaoaSolver(o), value_error);
    o.max_qubits = 6;
    const QaoaSolver small(o);
    CHECK_THROWS_AS(small.solve(qubo::BinaryQuadraticModel(qubo::vartype::spin, 7), {}), value_error);
    CHECK_THROWS_AS(small.solve(qubo::BinaryQuadraticModel(qubo::vartype::spin, 0), {}), value_error);
    // The memory check refuses before any work.
    set_memory_limit(1024);
    o.max_qubits = 26;
    CHECK_THROWS_AS(QaoaSolver(o).solve(qubo::BinaryQuadraticModel(qubo::vartype::spin, 12), {}), memory_error);
    set_memory_limit(0);
}
