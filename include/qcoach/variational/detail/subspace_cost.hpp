#pragma once
/// @file
/// @brief The cost of every feasible assignment of a one-hot partition, in O(1) amortized work
/// per assignment.
///
/// A feasible assignment picks one variable per group (digit d_g of group g), so a binary
/// quadratic model reduces to a pairwise model over the digits:
///
///     E(d) = offset + sum_g h[v(g, d_g)] + sum_{g' < g} J[v(g', d_g'), v(g, d_g)]
///
/// (couplings inside a group never contribute: two of its variables are never both 1). The table
/// is filled depth first from the slowest group down: fixing group g at digit d adds the "field"
/// f_g[d] (its linear bias plus the couplings to the groups fixed above it) to the running
/// constant, and adds the couplings of v(g, d) to the fields of the groups below. Fixing a group
/// costs one copy of the lower fields plus its couplings, shared by all the entries below it.
///
/// The lowest groups, up to a block of at most 4096 entries, are not walked: their couplings
/// among themselves form a table T over the block, made once, and the entries of a block are
///
///     constant + T[i] + sum_{g in block} f_g[d_g(i)],
///
/// the last sum built digit by digit as a broadcast add over the block (about one addition per
/// entry). So the whole table costs a few contiguous additions per entry, whatever the number of
/// groups, instead of the O(m^2) of evaluating each assignment on its own.
///
/// Threads: the top groups are enumerated as independent tasks (at least 1024 of them when the
/// table is that large); each task rebuilds its fields from scratch with the same additions in
/// the same order as the depth-first walk, so every entry is bit-identical for any thread count.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/qubo/model.hpp"
#include "qcoach/statevector/measure.hpp"

namespace qcoach::variational::detail {

/// Couplings of one variable into the fields of the groups below its own.
struct down_coupling {
    std::uint32_t field; ///< index into the concatenated fields (group offset + position)
    double bias;
};

class cost_filler {
public:
    /// `groups` partition the variables of the binary model `m`; strides[g] as in the space.
    cost_filler(const std::vector<std::vector<qubo::var_t>>& groups, const std::vector<index_t>& strides,
                const qubo::BinaryQuadraticModel& m)
        : strides_(strides), offset_(m.offset()) {
        const std::size_t ng = groups.size();
        foff_.assign(ng + 1, 0);
        for (std::size_t g = 0; g < ng; ++g) {
            radix_.push_back(static_cast<unsigned>(groups[g].size()));
            foff_[g + 1] = foff_[g] + static_cast<std::uint32_t>(groups[g].size());
        }
        const std::size_t n = m.num_variables();
        // Variables in no group are fixed at 0: their terms never contribute, and the sentinel
        // group keeps their couplings out of the fields below.
        std::vector<std::uint32_t> field_of(n), group_of(n, std::numeric_limits<std::uint32_t>::max());
        for (std::size_t g = 0; g < ng; ++g)
            for (std::size_t d = 0; d < groups[g].size(); ++d) {
                field_of[groups[g][d]] = foff_[g] + static_cast<std::uint32_t>(d);
                group_of[groups[g][d]] = static_cast<std::uint32_t>(g);
            }
        linear_.assign(foff_[ng], 0.0);
        start_.assign(std::size_t{foff_[ng]} + 1, 0);
        for (std::size_t g = 0; g < ng; ++g)
            for (std::size_t d = 0; d < groups[g].size(); ++d) {
                const qubo::var_t v = groups[g][d];
                const std::uint32_t f = foff_[g] + static_cast<std::uint32_t>(d);
                linear_[f] = m.linear_biases()[v];
                for (const qubo::coupling& c : m.neighbours(v))
                    if (group_of[c.neighbour] < g) down_.push_back({field_of[c.neighbour], c.bias});
                start_[f + 1] = static_cast<std::uint32_t>(down_.size());
            }
    }

    /// @brief Fill out[0 .. prod k_g).
    void fill(double* out, index_t size, const exec_policy& pol) const {
        const std::size_t ng = radix_.size();
        if (ng == 0) {
            out[0] = offset_;
            return;
        }
        // The block: groups [0, r) with at most 4096 entries.
        std::size_t r = 0;
        index_t block = 1;
        while (r < ng && block * radix_[r] <= 4096) block *= radix_[r++];
        // T: couplings inside the block only (no linear terms, no offset).
        std::vector<double> inner(block);
        {
            std::vector<std::vector<double>> level(r + 1);
            for (std::size_t g = 0; g <= r; ++g) level[g].assign(foff_[g], 0.0);
            if (r == 0) inner[0] = 0.0;
            else walk_plain(r - 1, level[r].data(), 0.0, 0, inner.data(), level);
        }
        // Tasks: every combination of the digits of groups [split, ng), split >= r.
        std::size_t split = ng;
        index_t tasks = 1;
        while (split > r && tasks < 1024) tasks *= radix_[--split];
        const int threads = pol.threads_for(size);
#pragma omp parallel num_threads(threads) if (threads > 1)
        {
            // Fields per level: level g holds the fields of groups [0, g) after fixing g and above.
            std::vector<std::vector<double>> level(ng + 1);
            for (std::size_t g = 0; g <= ng; ++g) level[g].resize(foff_[g]);
            level[ng] = linear_;
            std::vector<double> sum(block);
#pragma omp for schedule(dynamic, 1)
            for (index_t t = 0; t < tasks; ++t) {
                double c = offset_;
                index_t base = 0, rest = t;
                const double* f = level[ng].data();
                for (std::size_t g = ng; g-- > split;) {
                    const unsigned d = static_cast<unsigned>(rest % radix_[g]);
                    rest /= radix_[g];
                    c += f[foff_[g] + d];
                    f = descend(g, d, f, level[g].data());
                    base += d * strides_[g];
                }
                walk(split, r, f, c, base, out, level, inner.data(), sum.data());
            }
        }
    }

private:
    /// Fields of groups [0, g) after fixing group g at digit d: a copy plus v(g, d)'s couplings.
    const double* descend(std::size_t g, unsigned d, const double* f, double* nf) const {
        std::copy(f, f + foff_[g], nf);
        const std::uint32_t fi = foff_[g] + d;
        for (std::uint32_t e = start_[fi]; e < start_[fi + 1]; ++e) nf[down_[e].field] += down_[e].bias;
        return nf;
    }

    /// Entries of every digit combination of groups [0, top) given the fields of those groups,
    /// groups [r, top) walked and the block [0, r) filled at once.
    void walk(std::size_t top, std::size_t r, const double* f, double c, index_t base, double* out,
              std::vector<std::vector<double>>& level, const double* inner, double* sum) const {
        if (top == r) {
            fill_block(r, f, c, out + base, inner, sum);
            return;
        }
        const std::size_t g = top - 1;
        for (unsigned d = 0; d < radix_[g]; ++d) {
            const double* nf = descend(g, d, f, level[g].data());
            walk(g, r, nf, c + f[foff_[g] + d], base + d * strides_[g], out, level, inner, sum);
        }
    }

    /// out[i] = c + inner[i] + sum_{g < r} f_g[d_g(i)] over the block of groups [0, r). The sum is
    /// built digit by digit: the entries with digit d of group g are those of digit 0 shifted by
    /// d times the block so far, plus f_g[d].
    void fill_block(std::size_t r, const double* f, double c, double* out, const double* inner, double* sum) const {
        index_t len = 1;
        sum[0] = 0.0;
        for (std::size_t g = 0; g < r; ++g) {
            const double* fg = f + foff_[g];
            for (unsigned d = radix_[g]; d-- > 1;) {
                double* dst = sum + d * len;
                for (index_t i = 0; i < len; ++i) dst[i] = sum[i] + fg[d];
            }
            for (index_t i = 0; i < len; ++i) sum[i] += fg[0];
            len *= radix_[g];
        }
        for (index_t i = 0; i < len; ++i) out[i] = c + inner[i] + sum[i];
    }

    /// The plain depth-first walk down to group 0 (used for the block table).
    void walk_plain(std::size_t g, const double* f, double c, index_t base, double* out,
                    std::vector<std::vector<double>>& level) const {
        if (g == 0) {
            for (unsigned d = 0; d < radix_[0]; ++d) out[base + d] = c + f[d];
            return;
        }
        for (unsigned d = 0; d < radix_[g]; ++d) {
            const double* nf = descend(g, d, f, level[g].data());
            walk_plain(g - 1, nf, c + f[foff_[g] + d], base + d * strides_[g], out, level);
        }
    }

    std::vector<index_t> strides_;
    std::vector<unsigned> radix_;
    std::vector<std::uint32_t> foff_;
    std::vector<double> linear_;
    std::vector<std::uint32_t> start_;
    std::vector<down_coupling> down_;
    double offset_ = 0.0;
};

/// @brief A row with slack variables, seen on the feasible states: its left-hand side is
/// sum_g a[g][d_g] (the coefficient of the variable chosen in group g, 0 when it is not in the
/// row), and its penalty with the best slack value is
///     P (lhs + s* - b)^2,   s* = clamp(b - lhs, 0, total)
/// (ConstrainedModel::complete_sample; every integer in 0..total is a slack value for both
/// slack encodings of qubo/slack.hpp, so s* is the minimizing slack).
struct slack_row {
    std::vector<std::vector<std::int64_t>> a; ///< [group][digit]
    std::int64_t rhs = 0;
    std::int64_t total = 0; ///< sum of the slack coefficients
    double weight = 0.0;
};

/// @brief out[i] += the penalties of `rows` at feasible state i, for i in [0, size). Blocks of
/// fixed length are walked with an odometer over the digits, so each state costs O(rows)
/// amortized; the result does not depend on the thread count.
inline void add_slack_penalties(double* out, index_t size, const std::vector<index_t>& strides,
                                const std::vector<unsigned>& radix, const std::vector<slack_row>& rows,
                                const exec_policy& pol) {
    if (rows.empty()) return;
    const std::size_t ng = radix.size(), nr = rows.size();
    const index_t block = qcoach::detail::fixed_block(size);
    const index_t blocks = (size + block - 1) / block;
    const int threads = pol.threads_for(size);
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        std::vector<unsigned> digit(ng);
        std::vector<std::int64_t> lhs(nr);
#pragma omp for schedule(static)
        for (index_t b = 0; b < blocks; ++b) {
            const index_t first = b * block, last = std::min(size, first + block);
            std::fill(lhs.begin(), lhs.end(), 0);
            for (std::size_t g = 0; g < ng; ++g) {
                digit[g] = static_cast<unsigned>((first / strides[g]) % radix[g]);
                for (std::size_t r = 0; r < nr; ++r) lhs[r] += rows[r].a[g][digit[g]];
            }
            for (index_t i = first; i < last; ++i) {
                double pen = 0.0;
                for (std::size_t r = 0; r < nr; ++r) {
                    const slack_row& row = rows[r];
                    const std::int64_t s = std::clamp<std::int64_t>(row.rhs - lhs[r], 0, row.total);
                    const auto d = static_cast<double>(lhs[r] + s - row.rhs);
                    pen += row.weight * d * d;
                }
                out[i] += pen;
                // Odometer step: group 0 is the fastest digit.
                for (std::size_t g = 0; g < ng; ++g) {
                    const unsigned old = digit[g];
                    digit[g] = old + 1 == radix[g] ? 0 : old + 1;
                    for (std::size_t r = 0; r < nr; ++r) lhs[r] += rows[r].a[g][digit[g]] - rows[r].a[g][old];
                    if (digit[g] != 0) break;
                }
            }
        }
    }
}

} // namespace qcoach::variational::detail
