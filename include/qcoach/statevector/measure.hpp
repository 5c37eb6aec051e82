#pragma once
/// @file
/// @brief Born-rule probabilities, sampling and projective measurement of a StateVector.
///
/// Reproducibility: every sum that decides an outcome is taken over fixed blocks whose size
/// depends only on the number of amplitudes (see detail::fixed_block), each block summed in
/// index order and the block sums combined in a fixed pairwise order. The floating-point
/// results, and so the sampled and measured outcomes for a given seed, are therefore the same
/// for every thread count. These routines have one (scalar) path; exec_policy::path is ignored.
///
/// Zero-probability branches: an outcome of probability exactly 0 is never returned by sample()
/// or measure(), also when rounding puts a uniform draw at or above the total. Measuring a state
/// of norm 0 and project() onto an outcome of probability 0 throw value_error (nothing is ever
/// divided by zero) and leave the state untouched.
///
/// Normalization: probabilities(), probability_one() and marginal_probabilities() return
/// |amplitude|^2 sums as they are (they sum to norm^2). sample() and measure() divide by the
/// norm^2 they compute, so a slightly unnormalized state is fine, and measure() leaves a state of
/// norm 1.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qcoach/core/bits.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/rng.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/state.hpp"

namespace qcoach {

namespace detail {

/// Block length of the fixed-order reductions over `items` work items: at least 64, and at most
/// 2^14 blocks, so the table of block sums stays small (128 KiB of doubles at most). It depends
/// on `items` only, never on the thread count.
constexpr index_t fixed_block(index_t items) noexcept { return std::max<index_t>(64, items >> 14); }

/// Sum fn(begin, end) over the fixed blocks of [0, items): blocks run in parallel, each block is
/// summed by fn in index order, and block results are combined pairwise in a fixed order. Acc
/// needs a default (zero) value and +=.
template <class Acc, class BlockFn>
Acc ordered_reduce(index_t items, int threads, BlockFn&& fn) {
    const index_t block = fixed_block(items);
    if (items <= block) return fn(index_t{0}, items);
    const index_t blocks = (items + block - 1) / block;
    std::vector<Acc> part(static_cast<std::size_t>(blocks));
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t b = 0; b < blocks; ++b) part[b] = fn(b * block, std::min(items, (b + 1) * block));
    for (index_t step = 1; step < blocks; step *= 2)
        for (index_t i = 0; i + step < blocks; i += 2 * step) part[i] += part[i + step];
    return part[0];
}

/// |a|^2 in double; the single definition every routine here uses, so that the sampling table
/// and the sampling sweep see bit-identical probabilities.
template <class Real>
inline double born_prob(const std::complex<Real>& a) noexcept {
    const double re = a.real(), im = a.imag();
    return re * re + im * im;
}

/// Probabilities of qubit q being 0 and 1.
struct prob_pair {
    double p0 = 0.0;
    double p1 = 0.0;
    prob_pair& operator+=(const prob_pair& o) noexcept {
        p0 += o.p0;
        p1 += o.p1;
        return *this;
    }
};

inline void check_measured_qubit(qubit_t q, qubit_t n, const char* what) {
    if (q >= n) {
        throw index_error(std::string(what) + ": qubit " + std::to_string(q) + " out of range [0, " + std::to_string(n) +
                          ") for a state of " + std::to_string(n) + " qubits");
    }
}

inline void check_measured_qubits(std::span<const qubit_t> qubits, qubit_t n, const char* what) {
    index_t seen = 0;
    for (qubit_t q : qubits) {
        check_measured_qubit(q, n, what);
        if (seen & (index_t{1} << q)) throw index_error(std::string(what) + ": qubit " + std::to_string(q) + " is listed twice");
        seen |= index_t{1} << q;
    }
}

template <class Real>
double norm2_ordered(const std::complex<Real>* psi, qubit_t n, const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    return ordered_reduce<double>(len, pol.threads_for(len), [psi](index_t b, index_t e) {
        double s = 0.0;
        for (index_t i = b; i < e; ++i) s += born_prob(psi[i]);
        return s;
    });
}

/// Both branch probabilities of qubit q in one pass: pair i of [0, 2^(n-1)) is the amplitude
/// index with a zero inserted at bit q, and the same index with bit q set.
template <class Real>
prob_pair qubit_probs(const std::complex<Real>* psi, qubit_t n, qubit_t q, const exec_policy& pol) {
    const index_t half = index_t{1} << (n - 1);
    const index_t bit = index_t{1} << q;
    return ordered_reduce<prob_pair>(half, pol.threads_for(half * 2), [psi, q, bit](index_t b, index_t e) {
        prob_pair s;
        for (index_t i = b; i < e; ++i) {
            const index_t z0 = bits::insert_zero_bit(i, q);
            s.p0 += born_prob(psi[z0]);
            s.p1 += born_prob(psi[z0 | bit]);
        }
        return s;
    });
}

/// Keep branch `outcome` of qubit q scaled by 1/sqrt(p) (p: its probability, > 0), zero the other
/// branch; with `flip`, move the kept branch to |0> of qubit q (used by reset).
template <class Real>
void collapse_qubit(std::complex<Real>* psi, qubit_t n, qubit_t q, int outcome, double p, bool flip,
                    const exec_policy& pol) {
    const index_t half = index_t{1} << (n - 1);
    const index_t bit = index_t{1} << q;
    const Real scale = static_cast<Real>(1.0 / std::sqrt(p));
    const int threads = pol.threads_for(half * 2);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t i = 0; i < half; ++i) {
        const index_t z0 = bits::insert_zero_bit(i, q);
        const index_t z1 = z0 | bit;
        if (outcome == 0) {
            psi[z0] *= scale;
            psi[z1] = std::complex<Real>(0);
        } else if (flip) {
            psi[z0] = psi[z1] * scale;
            psi[z1] = std::complex<Real>(0);
        } else {
            psi[z0] = std::complex<Real>(0);
            psi[z1] *= scale;
        }
    }
}

/// Cumulative probabilities over fixed chunks of the amplitude index, for sampling.
struct sample_table {
    index_t chunk = 0;          ///< amplitudes per chunk (fixed_block(2^n))
    std::vector<double> prefix; ///< prefix[c] = sum of the chunks before c; prefix.back() = total
    index_t last_nonzero = 0;   ///< highest amplitude index of non-zero probability

    double total() const noexcept { return prefix.back(); }
};

/// Amplitudes per sampling block: the unit whose probability sum both sampling passes compute
/// the same way, so the assignment pass can skip a block that holds no target.
inline constexpr index_t sample_block = 16;

/// Sum of |psi[z]|^2 over [0, len), in four interleaved partial sums: four independent addition
/// chains instead of one, which is what bounded the sampling passes (a chain of dependent
/// additions, one per amplitude). Both passes call it, so their block sums agree bit for bit.
template <class Real>
inline double block_prob(const std::complex<Real>* psi, index_t len) noexcept {
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    index_t z = 0;
    for (; z + 4 <= len; z += 4)
        for (index_t k = 0; k < 4; ++k) s[k] += born_prob(psi[z + k]);
    for (; z < len; ++z) s[0] += born_prob(psi[z]);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/// The highest index in [begin, end) of non-zero probability, or end when there is none.
template <class Real>
inline index_t last_nonzero_in(const std::complex<Real>* psi, index_t begin, index_t end) noexcept {
    for (index_t z = end; z-- > begin;)
        if (born_prob(psi[z]) > 0.0) return z;
    return end;
}

template <class Real>
sample_table make_sample_table(const std::complex<Real>* psi, qubit_t n, const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    sample_table t;
    t.chunk = fixed_block(len);
    const index_t chunks = (len + t.chunk - 1) / t.chunk;
    std::vector<double> sums(static_cast<std::size_t>(chunks));
    const index_t chunk = t.chunk;
    const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t c = 0; c < chunks; ++c) {
        double s = 0.0;
        for (index_t z = c * chunk, e = std::min(len, (c + 1) * chunk); z < e; z += sample_block)
            s += block_prob(psi + z, std::min(sample_block, e - z));
        sums[c] = s;
    }
    t.prefix.assign(static_cast<std::size_t>(chunks) + 1, 0.0);
    for (index_t c = 0; c < chunks; ++c) t.prefix[c + 1] = t.prefix[c] + sums[c];
    for (index_t c = chunks; c-- > 0;) {
        if (sums[c] > 0.0) {
            const index_t ce = std::min(len, (c + 1) * chunk);
            const index_t z = last_nonzero_in(psi, c * chunk, ce);
            if (z != ce) {
                t.last_nonzero = z;
                return t;
            }
        }
    }
    return t;
}

/// Outcomes of ascending targets u(0) <= u(1) <= ... <= u(count-1), each in [0, total]: outcome z
/// is the index with cum(z) <= u < cum(z) + p(z), where cum runs over the amplitudes in order.
/// First a merge of the sorted targets with the chunk boundaries gives each chunk its range of
/// targets; then each chunk with targets is swept on its own (in parallel), restarting its running
/// sum from prefix[chunk]. Within a chunk, a block of `sample_block` amplitudes whose sum does not
/// reach the next target is skipped with that sum (four addition chains, not one per amplitude);
/// only blocks that hold a target are walked amplitude by amplitude. A target the running sum
/// does not reach (rounding at a block or chunk end, or a target at or above the total) goes to
/// the last index of non-zero probability before it, never
/// to an index of probability 0. emit(j, z) is called once per target, from any thread.
template <class Real, class U, class Emit>
void assign_sorted(const std::complex<Real>* psi, qubit_t n, const sample_table& t, index_t count, U&& u, Emit&& emit,
                   const exec_policy& pol) {
    const index_t len = index_t{1} << n;
    const index_t chunks = static_cast<index_t>(t.prefix.size()) - 1;
    std::vector<index_t> start(static_cast<std::size_t>(chunks) + 1);
    index_t j = 0;
    for (index_t c = 0; c < chunks; ++c) {
        start[c] = j;
        while (j < count && u(j) < t.prefix[c + 1]) ++j;
    }
    start[chunks] = j;
    for (; j < count; ++j) emit(j, t.last_nonzero); // at or above the total
    const index_t chunk = t.chunk;
    const int threads = pol.threads_for(std::max(len, count));
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16) if (threads > 1)
    for (index_t c = 0; c < chunks; ++c) {
        index_t k = start[c];
        const index_t end = start[c + 1];
        if (k == end) continue;
        double acc = t.prefix[c];
        index_t last = len; // last index of non-zero probability in the block being walked
        const index_t zb = c * chunk, ze = std::min(len, (c + 1) * chunk);
        for (index_t b = zb; b < ze && k < end; b += sample_block) {
            const index_t be = std::min(ze, b + sample_block);
            const double bsum = block_prob(psi + b, be - b);
            if (!(u(k) < acc + bsum)) { // no target in this block: skip it whole
                acc += bsum;
                continue;
            }
            double run = acc;
            for (index_t z = b; z < be && k < end; ++z) {
                const double p = born_prob(psi[z]);
                if (!(p > 0.0)) continue;
                run += p;
                last = z;
                while (k < end && u(k) < run) emit(k++, z);
            }
            // Targets between the running sum and the block sum (rounding) take the block's
            // last index of non-zero probability.
            while (k < end && u(k) < acc + bsum) emit(k++, last);
            acc += bsum;
        }
        if (k < end) {
            // Targets the chunk's sums did not reach (rounding at the chunk end) take the
            // chunk's last index of non-zero probability; a chunk with targets has one.
            last = last_nonzero_in(psi, zb, ze);
            while (k < end) emit(k++, last);
        }
    }
}

/// `shots` ascending targets distributed as the order statistics of `shots` independent uniforms
/// on [0, total), made in O(shots) without sorting: with E_0..E_shots independent Exp(1) draws
/// and S_j = E_0 + ... + E_j, the ratios S_j / S_shots (j < shots) are distributed exactly as the
/// sorted uniforms (Devroye, "Non-Uniform Random Variate Generation", 1986, ch. V.2).
inline std::vector<double> sorted_targets(std::size_t shots, Rng& rng, double total) {
    std::vector<double> u(shots);
    double s = 0.0;
    for (std::size_t i = 0; i < shots; ++i) {
        s += -std::log(rng.uniform_pos());
        u[i] = s;
    }
    s += -std::log(rng.uniform_pos());
    const double scale = total / s;
    for (double& x : u) x *= scale;
    return u;
}

template <class Real>
sample_table checked_sample_table(const StateVector<Real>& state, std::size_t shots, const exec_policy& pol) {
    // Sorted targets (8 bytes) plus the result (8 bytes) per shot; saturate instead of overflowing.
    constexpr std::uint64_t per_shot = sizeof(double) + sizeof(index_t);
    const std::uint64_t bytes = shots > std::numeric_limits<std::uint64_t>::max() / per_shot
                                    ? std::numeric_limits<std::uint64_t>::max()
                                    : static_cast<std::uint64_t>(shots) * per_shot;
    check_memory(bytes, "sampling " + std::to_string(shots) + " shots");
    sample_table t = make_sample_table(state.data(), state.num_qubits(), pol);
    if (!(t.total() > 0.0) || !std::isfinite(t.total())) {
        throw value_error("cannot sample from a state of norm^2 " + std::to_string(t.total()));
    }
    return t;
}

} // namespace detail

/// @brief |amplitude z|^2 for every z, in double (2^n values, summing to the state's norm^2).
/// Throws memory_error when 2^n doubles exceed the memory limit.
template <precision Real>
std::vector<double> probabilities(const StateVector<Real>& state, const exec_policy& pol = default_policy()) {
    const index_t len = state.size();
    check_memory(len * sizeof(double), "probabilities of a " + std::to_string(state.num_qubits()) + "-qubit state");
    std::vector<double> out(static_cast<std::size_t>(len));
    const std::complex<Real>* psi = state.data();
    const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t z = 0; z < len; ++z) out[z] = detail::born_prob(psi[z]);
    return out;
}

/// @brief Probability that qubit q is 1 (sum of |amplitude|^2 over indices with bit q set).
/// Throws index_error when q >= n.
template <precision Real>
double probability_one(const StateVector<Real>& state, qubit_t qubit, const exec_policy& pol = default_policy()) {
    detail::check_measured_qubit(qubit, state.num_qubits(), "probability_one");
    return detail::qubit_probs(state.data(), state.num_qubits(), qubit, pol).p1;
}

/// @brief Marginal distribution of the listed qubits: entry m is the probability that qubit
/// qubits[j] equals bit j of m for every j (2^|qubits| entries; the empty list gives {norm^2}).
/// Throws index_error for a qubit out of range or listed twice.
template <precision Real>
std::vector<double> marginal_probabilities(const StateVector<Real>& state, std::span<const qubit_t> qubits,
                                           const exec_policy& pol = default_policy()) {
    const qubit_t n = state.num_qubits();
    detail::check_measured_qubits(qubits, n, "marginal_probabilities");
    const auto k = static_cast<qubit_t>(qubits.size());
    const index_t outcomes = index_t{1} << k;
    check_memory(outcomes * sizeof(double), "marginal probabilities of " + std::to_string(k) + " qubits");
    std::vector<double> out(static_cast<std::size_t>(outcomes), 0.0);
    const std::complex<Real>* psi = state.data();
    const index_t len = state.size();
    const int threads = pol.threads_for(len);
    if (k > 10 || n - k <= 3) {
        // Many outcomes, or few amplitudes per outcome: outcome m owns the amplitudes
        // scatter(m) | (r with zeros inserted at the listed qubits), r < 2^(n-k); each thread
        // sums whole outcomes, so every entry has one fixed summation order.
        std::vector<qubit_t> sorted(qubits.begin(), qubits.end());
        std::sort(sorted.begin(), sorted.end());
        const index_t rest = index_t{1} << (n - k);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (index_t m = 0; m < outcomes; ++m) {
            const index_t base = bits::scatter_bits(m, qubits);
            double s = 0.0;
            for (index_t r = 0; r < rest; ++r) s += detail::born_prob(psi[bits::insert_zero_bits(r, sorted) | base]);
            out[m] = s;
        }
        return out;
    }
    // Few outcomes (at most 2^10): one histogram per fixed block of the index range (at most 64
    // blocks, independent of the thread count), added up in block order.
    const index_t block = std::max<index_t>(detail::fixed_block(len), len / 64);
    const index_t blocks = (len + block - 1) / block;
    std::vector<double> hist(static_cast<std::size_t>(blocks * outcomes), 0.0);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t b = 0; b < blocks; ++b) {
        double* h = hist.data() + b * outcomes;
        for (index_t z = b * block, e = std::min(len, (b + 1) * block); z < e; ++z) {
            h[bits::gather_bits(z, qubits)] += detail::born_prob(psi[z]);
        }
    }
    for (index_t b = 0; b < blocks; ++b)
        for (index_t m = 0; m < outcomes; ++m) out[m] += hist[b * outcomes + m];
    return out;
}

template <precision Real>
std::vector<double> marginal_probabilities(const StateVector<Real>& state, const std::vector<qubit_t>& qubits,
                                           const exec_policy& pol = default_policy()) {
    return marginal_probabilities(state, std::span<const qubit_t>(qubits), pol);
}

/// @brief `shots` basis-state outcomes drawn from |amplitude|^2 / norm^2, in draw order.
///
/// One Rng(seed) gives the order statistics of the uniforms directly (detail::sorted_targets),
/// outcomes are assigned by one sweep over the cumulative probabilities (detail::assign_sorted)
/// and put in a uniformly random order. Cost O(2^n + shots); the result is identical for every
/// thread count. shots == 0 gives an empty vector.
/// Throws value_error for a state of norm 0, memory_error when the shots do not fit in memory.
template <precision Real>
std::vector<index_t> sample(const StateVector<Real>& state, std::size_t shots, std::uint64_t seed,
                            const exec_policy& pol = default_policy()) {
    if (shots == 0) return {};
    const detail::sample_table t = detail::checked_sample_table(state, shots, pol);
    Rng rng(seed);
    const auto targets = detail::sorted_targets(shots, rng, t.total());
    std::vector<index_t> out(shots);
    detail::assign_sorted(
        state.data(), state.num_qubits(), t, static_cast<index_t>(shots), [&targets](index_t j) { return targets[j]; },
        [&out](index_t j, index_t z) { out[j] = z; }, pol);
    // The multiset of outcomes is that of `shots` independent draws; a uniform random order
    // (Fisher-Yates) makes the sequence one of independent draws too.
    for (std::size_t i = shots - 1; i > 0; --i) std::swap(out[i], out[rng.below(i + 1)]);
    return out;
}

/// @brief The same draws as sample(state, shots, seed) as (outcome, count) pairs, ascending by
/// outcome, outcomes with count 0 left out.
template <precision Real>
std::vector<std::pair<index_t, std::size_t>> sample_counts(const StateVector<Real>& state, std::size_t shots,
                                                           std::uint64_t seed, const exec_policy& pol = default_policy()) {
    if (shots == 0) return {};
    const detail::sample_table t = detail::checked_sample_table(state, shots, pol);
    Rng rng(seed);
    const auto targets = detail::sorted_targets(shots, rng, t.total());
    // The outcome is non-decreasing in the target, so outcomes in target order come out sorted.
    std::vector<index_t> sorted(shots);
    detail::assign_sorted(
        state.data(), state.num_qubits(), t, static_cast<index_t>(shots), [&targets](index_t j) { return targets[j]; },
        [&sorted](index_t j, index_t z) { sorted[j] = z; }, pol);
    std::vector<std::pair<index_t, std::size_t>> counts;
    for (std::size_t i = 0; i < shots; ++i) {
        if (counts.empty() || counts.back().first != sorted[i]) counts.emplace_back(sorted[i], 0);
        ++counts.back().second;
    }
    return counts;
}

/// @brief Project qubit q onto |outcome> and renormalize to norm 1; returns the probability of
/// that outcome (relative to the state's norm^2). Throws value_error when the outcome has
/// probability 0 or the state has norm 0 (the state is then unchanged), index_error for a bad q.
template <precision Real>
double project(StateVector<Real>& state, qubit_t qubit, int outcome, const exec_policy& pol = default_policy()) {
    const qubit_t n = state.num_qubits();
    detail::check_measured_qubit(qubit, n, "project");
    if (outcome != 0 && outcome != 1) throw value_error("project: outcome must be 0 or 1, got " + std::to_string(outcome));
    const detail::prob_pair pp = detail::qubit_probs(state.data(), n, qubit, pol);
    const double total = pp.p0 + pp.p1;
    if (!(total > 0.0) || !std::isfinite(total)) throw value_error("project: the state has norm^2 " + std::to_string(total));
    const double p = outcome ? pp.p1 : pp.p0;
    if (!(p > 0.0)) {
        throw value_error("cannot project qubit " + std::to_string(qubit) + " onto |" + std::to_string(outcome) +
                          ">: that outcome has probability 0");
    }
    detail::collapse_qubit(state.data(), n, qubit, outcome, p, false, pol);
    return p / total;
}

/// @brief Measure qubit q in the computational basis: draws one uniform u from rng, returns 1 when
/// u < P(1) / norm^2, collapses the state onto the outcome and renormalizes it to norm 1. An
/// outcome of probability 0 is never chosen. Throws value_error for a state of norm 0.
template <precision Real>
int measure(StateVector<Real>& state, qubit_t qubit, Rng& rng, const exec_policy& pol = default_policy()) {
    const qubit_t n = state.num_qubits();
    detail::check_measured_qubit(qubit, n, "measure");
    const detail::prob_pair pp = detail::qubit_probs(state.data(), n, qubit, pol);
    const double total = pp.p0 + pp.p1;
    if (!(total > 0.0) || !std::isfinite(total)) {
        throw value_error("cannot measure qubit " + std::to_string(qubit) + ": the state has norm^2 " + std::to_string(total));
    }
    // p1 / total is exactly 0 when p1 == 0 and exactly 1 when p0 == 0, and u is in [0, 1).
    const int outcome = rng.uniform() < pp.p1 / total ? 1 : 0;
    detail::collapse_qubit(state.data(), n, qubit, outcome, outcome ? pp.p1 : pp.p0, false, pol);
    return outcome;
}

/// @brief Measure several qubits at once: returns the outcome m with bit j = result of qubits[j],
/// drawn with one uniform from rng; the state is collapsed onto it and renormalized to norm 1.
/// Throws index_error for a qubit out of range or listed twice, value_error for a state of norm 0.
template <precision Real>
index_t measure(StateVector<Real>& state, std::span<const qubit_t> qubits, Rng& rng,
                const exec_policy& pol = default_policy()) {
    detail::check_measured_qubits(qubits, state.num_qubits(), "measure");
    const std::vector<double> marg = marginal_probabilities(state, qubits, pol);
    double total = 0.0;
    index_t last = 0;
    for (std::size_t m = 0; m < marg.size(); ++m) {
        total += marg[m];
        if (marg[m] > 0.0) last = m;
    }
    if (!(total > 0.0) || !std::isfinite(total)) throw value_error("cannot measure: the state has norm^2 " + std::to_string(total));
    // The same running sum as `total`, so a draw below the total is always reached; a draw the
    // sum does not reach keeps `last`, the highest outcome of non-zero probability.
    const double u = rng.uniform() * total;
    index_t chosen = last;
    double acc = 0.0;
    for (std::size_t m = 0; m < marg.size(); ++m) {
        if (!(marg[m] > 0.0)) continue;
        acc += marg[m];
        if (u < acc) {
            chosen = m;
            break;
        }
    }
    const index_t mask = bits::mask_of(qubits);
    const index_t want = bits::scatter_bits(chosen, qubits);
    const Real scale = static_cast<Real>(1.0 / std::sqrt(marg[chosen]));
    std::complex<Real>* psi = state.data();
    const index_t len = state.size();
    const int threads = pol.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (index_t z = 0; z < len; ++z) psi[z] = (z & mask) == want ? psi[z] * scale : std::complex<Real>(0);
    return chosen;
}

template <precision Real>
index_t measure(StateVector<Real>& state, const std::vector<qubit_t>& qubits, Rng& rng,
                const exec_policy& pol = default_policy()) {
    return measure(state, std::span<const qubit_t>(qubits), rng, pol);
}

/// @brief Reset qubit q to |0>: measure it (one uniform from rng), and if the outcome was 1 flip
/// it back; the other qubits are left as the measurement projected them, renormalized. Returns
/// the measured outcome.
template <precision Real>
int reset(StateVector<Real>& state, qubit_t qubit, Rng& rng, const exec_policy& pol = default_policy()) {
    const qubit_t n = state.num_qubits();
    detail::check_measured_qubit(qubit, n, "reset");
    const detail::prob_pair pp = detail::qubit_probs(state.data(), n, qubit, pol);
    const double total = pp.p0 + pp.p1;
    if (!(total > 0.0) || !std::isfinite(total)) {
        throw value_error("cannot reset qubit " + std::to_string(qubit) + ": the state has norm^2 " + std::to_string(total));
    }
    const int outcome = rng.uniform() < pp.p1 / total ? 1 : 0;
    detail::collapse_qubit(state.data(), n, qubit, outcome, outcome ? pp.p1 : pp.p0, true, pol);
    return outcome;
}

} // namespace qcoach
