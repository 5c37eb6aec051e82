#pragma once
/// @file
/// @brief Steepest descent: flip the variable whose flip lowers the energy most, until no flip
/// lowers it. As a free function polish() any solver can apply to its samples, and as a Solver
/// that polishes random starts.
///
/// One step scans the n cached one-flip changes (CsrModel::flip_delta from the local fields),
/// picks the most negative one (lowest index on ties, so the result is deterministic) and flips
/// it, updating the neighbours' fields in O(degree). The energy falls strictly at every step, so
/// the loop ends, at a one-flip local minimum.
///
/// Rounding: fields kept in float drift a little over many flips, and a change that is exactly 0
/// may then show as -1e-7. A flip is taken only when its change is below -tol with
///     tol = 16 eps(Real) max_i max_flip_change(i),
/// a few units in the last place of the largest field: below that a "descent" may be rounding
/// noise, and taking it risks a loop. Integer coefficients up to 2^20 in float (2^49 in double)
/// give exact fields, where any true descent is at least 1 and is always taken.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/csr.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/qubo/solver.hpp"
#include "qcoach/qubo/vartype.hpp"

namespace qcoach::qubo {

namespace detail {

/// Smallest one-flip change a descent takes as a real descent (see the file comment).
template <precision Real>
Real descent_tolerance(const CsrModel<Real>& csr) noexcept {
    Real m = 0;
    for (var_t i = 0; i < csr.num_variables(); ++i) m = std::max(m, csr.max_flip_change(i));
    return Real(16) * std::numeric_limits<Real>::epsilon() * m;
}

/// Descent from `sample` whose local fields are in `fields` (kept current). Returns the flips.
template <precision Real>
std::size_t descend(const CsrModel<Real>& csr, std::span<std::int8_t> sample, std::span<Real> fields, Real tol) noexcept {
    const std::size_t n = csr.num_variables();
    std::size_t flips = 0;
    for (;;) {
        Real best = -tol;
        std::size_t pick = n;
        for (std::size_t i = 0; i < n; ++i) {
            const Real d = csr.flip_delta(sample[i], fields[i]);
            if (d < best) {
                best = d;
                pick = i;
            }
        }
        if (pick == n) return flips;
        csr.flip(sample, fields, static_cast<var_t>(pick));
        ++flips;
    }
}

} // namespace detail

/// @brief Steepest descent from `sample` (in place) to a one-flip local minimum; returns the
/// number of flips made.
/// @param csr    the model in CSR form (float or double)
/// @param sample a valid sample of the model (0/1 or -1/+1, length n); checked
/// @param fields optional scratch of length n; when given it must already hold the local fields
///               of `sample` (CsrModel::local_fields) and holds those of the result on return.
///               Solvers that keep fields current pass theirs and skip the O(nnz) recomputation.
/// Deterministic: ties go to the lowest index. Thread-safe (no shared state).
template <precision Real>
std::size_t polish(const CsrModel<Real>& csr, std::span<std::int8_t> sample, std::span<Real> fields = {}) {
    check_sample(csr.type(), csr.num_variables(), sample);
    std::vector<Real> own;
    if (fields.empty() && csr.num_variables() != 0) {
        own.resize(csr.num_variables());
        csr.local_fields(sample, own);
        fields = own;
    } else if (fields.size() != csr.num_variables()) {
        throw value_error("polish: fields has " + std::to_string(fields.size()) + " entries; the model has " +
                          std::to_string(csr.num_variables()) + " variables");
    }
    return detail::descend(csr, sample, fields, detail::descent_tolerance(csr));
}

/// @brief Steepest descent on a BinaryQuadraticModel (compiled to CSR in double on each call;
/// compile once and use the CsrModel overload in loops).
inline std::size_t polish(const BinaryQuadraticModel& model, std::span<std::int8_t> sample) {
    const CsrModel<double> csr(model);
    return polish<double>(csr, sample);
}

/// @brief Steepest descent from random starts: read k draws a uniform random sample from
/// Rng::stream(seed, k) and polishes it (double precision).
///
/// Options: `reads` (default 100), `seed`, `threads`, `time_limit_s`, `target_energy`,
/// `progress`; `sweeps` is ignored. Reads are merged in read order, so the SampleSet is the same
/// for any thread count (unless a time limit, target or callback stops the run early).
/// `work` counts flips. A model without variables gives one empty sample at the offset energy,
/// counted `reads` times.
class SteepestDescentSolver : public Solver {
public:
    static constexpr std::size_t default_reads = 100;

    std::string name() const override { return "steepest_descent"; }

    solve_result solve(const BinaryQuadraticModel& model, const solver_options& options) const override {
        detail::run_control control(options);
        const std::size_t reads = options.reads ? options.reads : default_reads;
        const std::size_t n = model.num_variables();
        solve_result r;
        r.solver = name();
        r.work_unit = "flips";
        r.samples = SampleSet(model.type(), n);
        if (n == 0) {
            r.samples.add({}, model.offset(), reads);
            r.best_energy = model.offset();
            control.finish(r);
            return r;
        }
        const CsrModel<double> csr(model);
        const double tol = detail::descent_tolerance(csr);
        const vartype t = model.type();
        std::vector<std::int8_t> samples(reads * n);
        std::vector<double> energies(reads);
        std::vector<char> done(reads, 0);
        std::uint64_t flips = 0;
        [[maybe_unused]] const int threads = std::max(1, std::min<int>(exec_policy{options.threads}.resolved_threads(),
                                                      static_cast<int>(reads)));
#if defined(_OPENMP)
#pragma omp parallel num_threads(threads) if (threads > 1) reduction(+ : flips)
#endif
        {
            std::vector<double> fields(n);
#if defined(_OPENMP)
#pragma omp for schedule(dynamic, 1)
#endif
            for (std::int64_t k = 0; k < static_cast<std::int64_t>(reads); ++k) {
                if (control.should_stop()) continue;
                Rng rng = Rng::stream(options.seed, static_cast<std::uint64_t>(k));
                std::span<std::int8_t> v(samples.data() + static_cast<std::size_t>(k) * n, n);
                for (std::size_t i = 0; i < n; i += 64) {
                    const std::uint64_t bits = rng();
                    for (std::size_t b = 0; b < 64 && i + b < n; ++b) {
                        const auto x = static_cast<std::int8_t>((bits >> b) & 1u);
                        v[i + b] = t == vartype::binary ? x : static_cast<std::int8_t>(2 * x - 1);
                    }
                }
                for (std::size_t i = 0; i < n; ++i) fields[i] = csr.local_field(v, static_cast<var_t>(i));
                flips += detail::descend<double>(csr, v, fields, tol);
                energies[static_cast<std::size_t>(k)] = csr.energy_unchecked(v);
                done[static_cast<std::size_t>(k)] = 1;
                control.offer(energies[static_cast<std::size_t>(k)], v);
                control.unit_done();
            }
        }
        for (std::size_t k = 0; k < reads; ++k) {
            if (done[k]) r.samples.add(std::span<const std::int8_t>(samples.data() + k * n, n), energies[k]);
        }
        r.work = flips;
        control.finish(r);
        // The best entry of the merged set, not the first one any thread offered: among equal
        // energies that one depends on timing.
        if (!r.samples.empty()) {
            r.best_energy = r.samples.best().energy;
            r.best_sample = r.samples.best().sample;
        }
        return r;
    }
};

} // namespace qcoach::qubo
