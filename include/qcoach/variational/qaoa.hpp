#pragma once
/// @file
/// @brief Qaoa<Real>: the QAOA state, its energy <C>, the probability of the optimum, samples
/// and the adjoint gradient, on the full 2^n space from a CostTable.
///
/// ## Convention
///     |psi(gamma, beta)> = M(beta_p) P(gamma_p) ... M(beta_1) P(gamma_1) |psi_0>,
///     P(gamma) = e^{-i gamma C},   M(beta) = e^{-i beta B},   B = sum_q X_q (X mixer),
/// where C is the diagonal of the cost table (the energy to minimize; see cost_table.hpp for the
/// bit convention) and |psi_0> is |+>^n unless an initial state is set. gamma_1 acts first.
/// The literature on MaxCut (Farhi et al. 2014; Wurtz & Lykov 2021) maximizes the cut with
/// e^{-i gamma cut}: with a table of E = -cut (maxcut.hpp), its angles are (gamma, beta) ->
/// (-gamma, beta) here, giving the same state.
///
/// A flat parameter vector, as optimizers use it, is x = [gamma_1 .. gamma_p, beta_1 .. beta_p].
///
/// ## Mixers
/// A mixer is a small descriptor: x_mixer{} (the transverse field, applied by the blocked
/// passes of detail/qaoa_passes.hpp) or an xy_mixer (xy_mixer.hpp: XY mixers on one-hot
/// groups, ring or complete). The XY path applies the phase as one pass and the mixer through
/// xy_mixer::apply; its gradient uses xy_mixer::apply_adjoint and apply_generator (one extra
/// state). An XY mixer keeps the one-hot constraints only from a feasible start: set the
/// initial state, e.g. to w_state(n, groups) (|+>^n is not feasible).
///
/// ## Flip symmetry
/// When E(z) = E(~z) for every z (~z: all n bits flipped; MaxCut and Ising models without
/// fields, CostTable::flip_symmetric) and the start is |+>^n, every layer commutes with
/// X_0 ... X_{n-1} and so does the start: psi(~z) = psi(z) at every step. The upper half of the
/// state is then the lower half reversed, psi[2^{n-1} + y] = psi[2^{n-1} - 1 - y], and the runs
/// keep only the lower half h: the phase and the rotations of qubits 0 .. n-2 act on h as on a
/// state of n - 1 qubits, and the top qubit's rotation becomes
///     h'[z] = cos(beta) h[z] - i sin(beta) h[2^{n-1} - 1 - z]
/// (detail::flip_rx; the passes pair chunk i with chunk C - 1 - i for it). Sums over the state
/// (energy, norm, the gradient's inner products) are twice those over h. Half the memory and
/// about half the time: the MaxCut benchmark at n = 24, p = 5 takes 112-113 ms against
/// 211-219 ms in double (docs/performance.md). state() and prepare() mirror h into the full state;
/// set_flip_symmetry(false) keeps the full-state passes.
///
/// ## Cost
/// With the X mixer, p layers read and write the state p + 1 times: the first pass applies the
/// first phase and the low-qubit rotations; every later pass finishes the rotations of one layer
/// and, since the phase is diagonal, also applies the next phase and the next layer's rotations
/// on the same qubits (column tiles for the high qubits, chunks for the low ones). The energy is
/// summed in the last pass, and a run from |+>^n writes its first pass without reading. A Qaoa
/// object keeps a work state between calls, so it is not safe to call one object from several
/// threads at once.

#include <cmath>
#include <complex>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "qcoach/core/aligned.hpp"
#include "qcoach/core/error.hpp"
#include "qcoach/core/parallel.hpp"
#include "qcoach/core/types.hpp"
#include "qcoach/statevector/measure.hpp"
#include "qcoach/statevector/state.hpp"
#include "qcoach/variational/cost_table.hpp"
#include "qcoach/variational/detail/qaoa_gradient.hpp"
#include "qcoach/variational/detail/qaoa_passes.hpp"
#include "qcoach/variational/xy_mixer.hpp"

namespace qcoach::variational {

/// @brief The transverse-field mixer B = sum_q X_q.
struct x_mixer {};

/// @brief A QAOA mixer: the transverse field or an XY mixer on one-hot groups (xy_mixer.hpp).
using mixer = std::variant<x_mixer, xy_mixer>;

namespace detail {

inline void check_angles(std::span<const double> gammas, std::span<const double> betas) {
    if (gammas.size() != betas.size()) {
        throw value_error("QAOA needs as many betas as gammas: got " + std::to_string(gammas.size()) + " gammas and " +
                          std::to_string(betas.size()) + " betas");
    }
    for (std::size_t l = 0; l < gammas.size(); ++l) {
        if (!std::isfinite(gammas[l])) throw value_error("gamma_" + std::to_string(l + 1) + " is not finite");
        if (!std::isfinite(betas[l])) throw value_error("beta_" + std::to_string(l + 1) + " is not finite");
    }
}

inline std::size_t check_flat(std::span<const double> x) {
    if (x.size() % 2 != 0) {
        throw value_error("a QAOA parameter vector [gammas, betas] has even length, got " + std::to_string(x.size()));
    }
    return x.size() / 2;
}

} // namespace detail

/// @brief QAOA on the full state space of a cost table, in precision Real.
template <precision Real>
class Qaoa {
public:
    /// @brief QAOA for a cost table (shared, not copied).
    explicit Qaoa(std::shared_ptr<const CostTable> table, mixer m = x_mixer{}, const exec_policy& pol = default_policy())
        : table_(std::move(table)), mixer_(std::move(m)), pol_(pol) {
        if (!table_ || table_->num_qubits() == 0) throw value_error("QAOA needs a non-empty cost table");
        n_ = table_->num_qubits();
        if (const auto* xy = std::get_if<xy_mixer>(&mixer_)) {
            if (xy->min_qubits() > n_) {
                throw index_error("the XY mixer acts on qubit " + std::to_string(xy->min_qubits() - 1) + "; the cost table has " +
                                  std::to_string(n_) + " qubits");
            }
            if (!xy->full_space_supported()) throw value_error("the XY mixer has a group too large for the full-space simulation");
        }
        layout_ = detail::default_layout(n_, sizeof(std::complex<Real>));
        flip_table_ = std::holds_alternative<x_mixer>(mixer_) && table_->flip_symmetric(pol_);
        setup_energies();
    }
    explicit Qaoa(CostTable table, mixer m = x_mixer{}, const exec_policy& pol = default_policy())
        : Qaoa(std::make_shared<const CostTable>(std::move(table)), std::move(m), pol) {}

    /// @brief QAOA for a binary or spin model (variable q is qubit q; cost_table.hpp).
    static Qaoa from_model(const qubo::BinaryQuadraticModel& model, mixer m = x_mixer{},
                           const exec_policy& pol = default_policy()) {
        return Qaoa(CostTable::from_model(model, pol), std::move(m), pol);
    }

    qubit_t num_qubits() const noexcept { return n_; }
    const CostTable& cost_table() const noexcept { return *table_; }
    std::shared_ptr<const CostTable> shared_cost_table() const noexcept { return table_; }
    const mixer& get_mixer() const noexcept { return mixer_; }
    const exec_policy& policy() const noexcept { return pol_; }
    void set_policy(const exec_policy& pol) { pol_ = pol; }

    /// @brief Start from `psi0` instead of |+>^n (it must have num_qubits() qubits).
    void set_initial_state(const StateVector<Real>& psi0) {
        if (psi0.num_qubits() != n_) {
            throw value_error("initial state has " + std::to_string(psi0.num_qubits()) + " qubits; the cost table has " +
                              std::to_string(n_));
        }
        initial_ = std::make_shared<const StateVector<Real>>(psi0);
    }
    /// @brief Back to the default start |+>^n.
    void reset_initial_state() noexcept { initial_.reset(); }
    bool has_initial_state() const noexcept { return initial_ != nullptr; }

    /// @brief Whether runs keep only half of the state (see "Flip symmetry" in the file
    /// comment): X mixer, a flip-symmetric cost table (CostTable::flip_symmetric), the start
    /// |+>^n, and not switched off.
    bool uses_flip_symmetry() const noexcept { return flip_table_ && flip_on_ && !initial_; }
    /// @brief Allow (default) or forbid the half-state runs; the full-state passes give the same
    /// results to rounding. For comparisons and tests.
    void set_flip_symmetry(bool on) noexcept { flip_on_ = on; }

    /// @brief Override the pass layout (bit counts, see detail/qaoa_passes.hpp): chunk L in
    /// [1, n], sub-block S in [0, L], tile width w in [0, L]. For tests and tuning.
    void set_layout(unsigned chunk_bits, unsigned sub_bits, unsigned tile_bits) {
        if (chunk_bits < 1 || chunk_bits > n_ || sub_bits > chunk_bits || tile_bits > chunk_bits) {
            throw value_error("QAOA layout needs 1 <= chunk <= n = " + std::to_string(n_) +
                              ", sub <= chunk and tile <= chunk; got chunk " + std::to_string(chunk_bits) + ", sub " +
                              std::to_string(sub_bits) + ", tile " + std::to_string(tile_bits));
        }
        layout_ = {n_, chunk_bits, sub_bits, tile_bits};
        user_layout_ = true;
    }
    detail::qaoa_layout layout() const noexcept { return layout_; }
    /// The layout the runs use: layout(), or with the flip symmetry its form for the n - 1
    /// qubits of the half state.
    detail::qaoa_layout run_layout() const noexcept { return uses_flip_symmetry() ? half_layout() : layout_; }

    // ---- states and energies ----------------------------------------------------------------

    /// @brief Write |psi(gamma, beta)> into psi (which must have num_qubits() qubits).
    void prepare(StateVector<Real>& psi, std::span<const double> gammas, std::span<const double> betas) {
        detail::check_angles(gammas, betas);
        check_state(psi, "output state");
        run(psi.data(), gammas, betas, nullptr);
    }

    /// @brief |psi(gamma, beta)> as a new state.
    StateVector<Real> state(std::span<const double> gammas, std::span<const double> betas) {
        detail::check_angles(gammas, betas);
        StateVector<Real> psi(n_);
        run(psi.data(), gammas, betas, nullptr);
        return psi;
    }
    StateVector<Real> state(const std::vector<double>& gammas, const std::vector<double>& betas) {
        return state(std::span<const double>(gammas), std::span<const double>(betas));
    }

    /// @brief <psi(gamma, beta)|C|psi(gamma, beta)>, summed in the last pass (no extra pass).
    double expectation(std::span<const double> gammas, std::span<const double> betas) {
        detail::check_angles(gammas, betas);
        double e = 0.0;
        if (!gammas.empty() && uses_flip_symmetry()) run(half_work().data(), gammas, betas, &e, false);
        else run(work().data(), gammas, betas, &e);
        return e;
    }
    double expectation(const std::vector<double>& gammas, const std::vector<double>& betas) {
        return expectation(std::span<const double>(gammas), std::span<const double>(betas));
    }

    /// @brief The energy of a flat parameter vector x = [gammas, betas].
    double objective(std::span<const double> x) {
        const std::size_t p = detail::check_flat(x);
        return expectation(x.first(p), x.subspan(p));
    }

    /// @brief <psi|C|psi> of any state of num_qubits() qubits (not divided by its norm^2).
    double expectation(const StateVector<Real>& psi) const {
        check_state(psi, "state");
        const auto es = energy_source_();
        const index_t len = psi.size();
        const index_t block = std::min<index_t>(len, 4096);
        const auto blocks = static_cast<std::int64_t>(len / block);
        std::vector<std::pair<double, double>> parts(static_cast<std::size_t>(blocks));
        const std::complex<Real>* d = psi.data();
        const int threads = pol_.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (std::int64_t b = 0; b < blocks; ++b)
            parts[static_cast<std::size_t>(b)] =
                detail::energy_sums(d + b * block, static_cast<index_t>(b) * block, block, es, pol_.path == kernel_path::simd);
        const auto s = detail::ordered_sum(parts);
        return combine(s);
    }

    /// @brief Probability (|amplitude|^2 summed, not divided by the norm^2) of the minimal
    /// states: every degenerate minimum of the cost table counts.
    double optimum_probability(const StateVector<Real>& psi) const {
        check_state(psi, "state");
        const index_t len = psi.size();
        const index_t block = std::min<index_t>(len, 4096);
        const auto blocks = static_cast<std::int64_t>(len / block);
        std::vector<double> parts(static_cast<std::size_t>(blocks), 0.0);
        const std::complex<Real>* d = psi.data();
        const CostTable& t = *table_;
        const int threads = pol_.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (std::int64_t b = 0; b < blocks; ++b) {
            double s = 0.0;
            for (index_t z = static_cast<index_t>(b) * block, e = z + block; z < e; ++z)
                if (t.is_minimum(z)) s += std::norm(std::complex<double>(d[z]));
            parts[static_cast<std::size_t>(b)] = s;
        }
        double s = 0.0;
        for (double v : parts) s += v;
        return s;
    }

    /// @brief `shots` basis states drawn from |psi|^2 (seeded; statevector/measure.hpp), as
    /// (index, count) pairs ascending by index.
    std::vector<std::pair<index_t, std::size_t>> sample_counts(const StateVector<Real>& psi, std::size_t shots,
                                                               std::uint64_t seed) const {
        check_state(psi, "state");
        return qcoach::sample_counts(psi, shots, seed, pol_);
    }

    // ---- gradient ---------------------------------------------------------------------------

    /// @brief <C> and its gradient with respect to every gamma and beta by adjoint
    /// differentiation (detail/qaoa_gradient.hpp). dgammas and dbetas must have p entries.
    double gradient(std::span<const double> gammas, std::span<const double> betas, std::span<double> dgammas,
                    std::span<double> dbetas) {
        detail::check_angles(gammas, betas);
        if (dgammas.size() != gammas.size() || dbetas.size() != betas.size()) {
            throw value_error("gradient outputs need " + std::to_string(gammas.size()) + " entries each, got " +
                              std::to_string(dgammas.size()) + " and " + std::to_string(dbetas.size()));
        }
        const std::size_t p = gammas.size();
        if (p == 0) return expectation(gammas, betas);
        if (const auto* xy = std::get_if<xy_mixer>(&mixer_)) return xy_gradient(*xy, gammas, betas, dgammas, dbetas);
        const bool half = uses_flip_symmetry();
        const detail::qaoa_layout lay = half ? half_layout() : layout_;
        grad_.ensure(lay.n, p);
        std::vector<std::vector<std::complex<Real>>> tabs(2 * p);
        std::vector<detail::phase_source<Real>> ph(p), ph_inv(p);
        for (std::size_t l = 0; l < p; ++l) {
            // The rotations run in the unit form both ways; their factor goes with the phases
            // (detail::adjoint_gradient).
            ph[l] = phase_for(gammas[l], tabs[2 * l], detail::rx_form::of(betas[l]).scale(n_));
            ph_inv[l] = phase_for(-gammas[l], tabs[2 * l + 1], detail::rx_form::of(-betas[l]).scale(n_));
        }
        return detail::adjoint_gradient<Real>(lay, grad_, initial_ ? initial_->data() : nullptr, uniform_amplitude(), ph,
                                              ph_inv, betas, energy_source_(), pol_, dgammas, dbetas, half);
    }

    /// @brief Flat form: value and gradient of x = [gammas, betas] (grad has the size of x).
    double objective_and_gradient(std::span<const double> x, std::span<double> grad) {
        const std::size_t p = detail::check_flat(x);
        if (grad.size() != x.size()) {
            throw value_error("gradient output has " + std::to_string(grad.size()) + " entries, expected " + std::to_string(x.size()));
        }
        return gradient(x.first(p), x.subspan(p), grad.first(p), grad.subspan(p));
    }

private:
    void check_state(const StateVector<Real>& psi, const char* what) const {
        if (psi.num_qubits() != n_) {
            throw value_error(std::string(what) + " has " + std::to_string(psi.num_qubits()) + " qubits; the QAOA has " +
                              std::to_string(n_));
        }
    }

    void setup_energies() {
        const CostTable& t = *table_;
        if (t.has_levels()) return;
        if constexpr (std::is_same_v<Real, double>) {
            return; // the table's doubles are used directly
        } else {
            const auto e = t.energies();
            energies_.resize(e.size());
            for (std::size_t z = 0; z < e.size(); ++z) energies_[z] = static_cast<Real>(e[z]);
        }
    }

    detail::energy_source<Real> energy_source_() const noexcept {
        detail::energy_source<Real> es;
        const CostTable& t = *table_;
        if (!t.levels8().empty()) es.k8 = t.levels8().data();
        else if (!t.levels16().empty()) es.k16 = t.levels16().data();
        else if constexpr (std::is_same_v<Real, double>) es.e = t.energies().data();
        else es.e = energies_.data();
        es.base = t.has_levels() ? t.min() : 0.0;
        return es;
    }

    /// <E> from a pass's {norm^2, sum p E'}: E' is relative to the base for levels.
    double combine(const std::pair<double, double>& s) const noexcept {
        return table_->has_levels() ? table_->min() * s.first + s.second : s.second;
    }

    /// Layer phase e^{-i gamma E}, times `scale` (detail::rx_form).
    detail::phase_source<Real> phase_for(double gamma, std::vector<std::complex<Real>>& tab, double scale = 1.0) const {
        detail::phase_source<Real> ph;
        ph.src = energy_source_();
        ph.gamma = gamma;
        ph.scale = scale;
        if (table_->has_levels()) {
            const std::uint32_t levels = table_->num_levels();
            tab.resize(levels);
            const double base = table_->min();
            for (std::uint32_t k = 0; k < levels; ++k) {
                const double phi = -gamma * (base + static_cast<double>(k));
                tab[k] = {static_cast<Real>(scale * std::cos(phi)), static_cast<Real>(scale * std::sin(phi))};
            }
            ph.tab = tab.data();
        }
        return ph;
    }

    /// 2^{-n/2}, the amplitude of |+>^n.
    Real uniform_amplitude() const noexcept { return static_cast<Real>(std::sqrt(std::ldexp(1.0, -static_cast<int>(n_)))); }

    StateVector<Real>& work() {
        // Large states ask for transparent huge pages themselves (statevector/state.hpp).
        if (!work_) work_ = std::make_unique<StateVector<Real>>(n_);
        return *work_;
    }
    /// Work buffer of the half-state runs (2^{n-1} amplitudes).
    StateVector<Real>& half_work() {
        if (!half_work_) half_work_ = std::make_unique<StateVector<Real>>(n_ - 1);
        return *half_work_;
    }

    /// The layout of the half-state runs: the default one for n - 1 qubits, or set_layout's
    /// clipped to n - 1.
    detail::qaoa_layout half_layout() const noexcept {
        const unsigned h = n_ - 1;
        if (!user_layout_) return detail::default_layout(h, sizeof(std::complex<Real>));
        const unsigned chunk = std::min(layout_.chunk, h);
        return {static_cast<qubit_t>(h), chunk, std::min(layout_.sub, chunk), std::min(layout_.tile, chunk)};
    }

    /// The layers into out; with `energy`, <C> of the result (summed in the last pass). With
    /// the flip symmetry the passes fill out's lower half; `full` then mirrors it into the
    /// upper half (out[2^{n-1} + y] = out[2^{n-1} - 1 - y]).
    void run(std::complex<Real>* out, std::span<const double> gammas, std::span<const double> betas, double* energy,
             bool full = true) {
        const std::size_t p = gammas.size();
        const Real amp0 = uniform_amplitude();
        const auto es = energy_source_();
        const index_t len = index_t{1} << n_;
        if (p == 0) {
            if (initial_) std::memcpy(static_cast<void*>(out), initial_->data(), len * sizeof(std::complex<Real>));
            else std::fill(out, out + len, std::complex<Real>(amp0));
            if (energy) {
                std::pair<double, double> s{0.0, 0.0};
                for (index_t z = 0; z < len; ++z) {
                    const double pz = std::norm(std::complex<double>(out[z]));
                    s.first += pz;
                    s.second += pz * static_cast<double>(es.value(z));
                }
                *energy = combine(s);
            }
            return;
        }
        if (const auto* xy = std::get_if<xy_mixer>(&mixer_)) {
            run_xy(*xy, out, gammas, betas, energy);
            return;
        }
        const bool half = uses_flip_symmetry();
        const detail::qaoa_layout lay = half ? half_layout() : layout_;
        std::vector<std::pair<double, double>> sums;
        // Rotations in the unit form where it applies; the factor they leave out goes with the
        // layer's phase, which comes before all of the layer's rotations.
        std::vector<std::vector<std::complex<Real>>> tabs(p);
        std::vector<detail::phase_source<Real>> ph(p);
        std::vector<detail::rx_form> rx(p);
        for (std::size_t l = 0; l < p; ++l) {
            rx[l] = detail::rx_form::of(betas[l]);
            ph[l] = phase_for(gammas[l], tabs[l], rx[l].scale(n_));
        }
        // p + 1 passes (file comment): [P_0 XL_0], then [XH_l P_l+1 XH_l+1] on tiles and
        // [XL_l+1 P_l+2 XL_l+2] on chunks, two layers per pass; the last pass sums <C>.
        detail::run_layers<Real>(lay, out, initial_ ? initial_->data() : nullptr, amp0, ph, rx, pol_, half,
                                 energy ? &sums : nullptr, &es);
        if (half) {
            // The upper half mirrors the lower one: its sums equal the lower half's.
            auto s = detail::ordered_sum(sums);
            if (energy) *energy = combine({2.0 * s.first, 2.0 * s.second});
            if (full) mirror_upper(out);
        } else if (energy) {
            *energy = combine(detail::ordered_sum(sums));
        }
    }

    /// out[2^{n-1} + y] = out[2^{n-1} - 1 - y]: the full flip-symmetric state from its lower half.
    void mirror_upper(std::complex<Real>* out) const {
        const index_t half = index_t{1} << (n_ - 1), block = std::min<index_t>(half, 4096);
        const auto blocks = static_cast<std::int64_t>(half / block);
        const int threads = pol_.threads_for(2 * half);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (std::int64_t b = 0; b < blocks; ++b) {
            const index_t y0 = static_cast<index_t>(b) * block;
            for (index_t y = y0; y < y0 + block; ++y) out[half + y] = out[half - 1 - y];
        }
    }

    /// Phase of every amplitude, whole state (src may equal dst).
    void phase_all(std::complex<Real>* dst, const std::complex<Real>* src, double gamma, std::vector<std::complex<Real>>& tab) const {
        const auto ph = phase_for(gamma, tab);
        const index_t len = index_t{1} << n_, block = std::min<index_t>(len, 4096);
        const auto blocks = static_cast<std::int64_t>(len / block);
        const bool simd = pol_.path == kernel_path::simd;
        const Real amp0 = uniform_amplitude();
        const int threads = pol_.threads_for(len);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (std::int64_t b = 0; b < blocks; ++b) {
            const index_t z0 = static_cast<index_t>(b) * block;
            detail::phase_range(dst + z0, src ? src + z0 : nullptr, amp0, z0, block, ph, simd);
        }
    }

    /// The XY-mixer layers: a phase pass, then the mixer (xy_mixer.hpp), per layer.
    void run_xy(const xy_mixer& xy, std::complex<Real>* out, std::span<const double> gammas, std::span<const double> betas,
                double* energy) {
        StateVector<Real>* psi = nullptr;
        std::unique_ptr<StateVector<Real>> own;
        if (work_ && work_->data() == out) psi = work_.get();
        else {
            own = std::make_unique<StateVector<Real>>(n_);
            psi = own.get();
        }
        std::vector<std::complex<Real>> tab;
        for (std::size_t l = 0; l < gammas.size(); ++l) {
            const std::complex<Real>* src = l == 0 ? (initial_ ? initial_->data() : nullptr) : psi->data();
            phase_all(psi->data(), src, gammas[l], tab);
            xy.apply(*psi, betas[l], pol_);
        }
        if (own) std::memcpy(static_cast<void*>(out), psi->data(), psi->size() * sizeof(std::complex<Real>));
        if (energy) *energy = expectation(*psi);
    }

    /// Adjoint gradient with the XY mixer (Jones & Gacon): dE/dbeta_l = 2 Im <lambda|G|psi>
    /// after layer l, dE/dgamma_l = 2 Im <lambda|E|psi> before its mixer, walking back with
    /// U^dagger on both states.
    double xy_gradient(const xy_mixer& xy, std::span<const double> gammas, std::span<const double> betas, std::span<double> dg,
                       std::span<double> db) {
        const std::size_t p = gammas.size();
        check_memory(3 * StateVector<Real>::required_bytes(n_), "the XY-mixer QAOA gradient's 3 states");
        StateVector<Real> psi(n_), lam(n_), tmp(n_);
        std::vector<std::complex<Real>> tab;
        for (std::size_t l = 0; l < p; ++l) {
            const std::complex<Real>* src = l == 0 ? (initial_ ? initial_->data() : nullptr) : psi.data();
            phase_all(psi.data(), src, gammas[l], tab);
            xy.apply(psi, betas[l], pol_);
        }
        const double energy = expectation(psi);
        const index_t len = psi.size();
        for (index_t z = 0; z < len; ++z) lam[z] = psi[z] * static_cast<Real>((*table_)[z]);
        auto im_dot = [&](const StateVector<Real>& a, const StateVector<Real>& b) { return a.inner(b, pol_).imag(); };
        for (std::size_t l = p; l-- > 0;) {
            xy.apply_generator(psi, tmp, betas[l], pol_);
            db[l] = 2.0 * im_dot(lam, tmp);
            xy.apply_adjoint(psi, betas[l], pol_);
            xy.apply_adjoint(lam, betas[l], pol_);
            for (index_t z = 0; z < len; ++z) tmp[z] = psi[z] * static_cast<Real>((*table_)[z]);
            dg[l] = 2.0 * im_dot(lam, tmp);
            phase_all(psi.data(), psi.data(), -gammas[l], tab);
            phase_all(lam.data(), lam.data(), -gammas[l], tab);
        }
        return energy;
    }

    std::shared_ptr<const CostTable> table_;
    mixer mixer_;
    exec_policy pol_;
    qubit_t n_ = 0;
    detail::qaoa_layout layout_;
    std::shared_ptr<const StateVector<Real>> initial_;
    aligned_vector<Real> energies_; // float copy of real-valued energies (Real = float only)
    std::unique_ptr<StateVector<Real>> work_;
    std::unique_ptr<StateVector<Real>> half_work_;
    detail::gradient_workspace<Real> grad_;
    bool flip_table_ = false;  // X mixer and CostTable::flip_symmetric()
    bool flip_on_ = true;      // set_flip_symmetry
    bool user_layout_ = false; // set_layout was called
};

using QaoaF = Qaoa<float>;
using QaoaD = Qaoa<double>;

} // namespace qcoach::variational
