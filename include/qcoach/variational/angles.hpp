#pragma once
/// @file
/// @brief QAOA starting angles: random, linear ramp, INTERP warm start, and the fixed angles of
/// Wurtz & Lykov (2021) for MaxCut on d-regular graphs.
///
/// **Convention.** Layer l = 1..p applies e^{−iγ_l C} and then e^{−iβ_l B} to |+⟩^n:
///
///     |ψ(γ, β)⟩ = e^{−iβ_p B} e^{−iγ_p C} ··· e^{−iβ_1 B} e^{−iγ_1 C} |+⟩^n,   B = Σ_j X_j,
///
/// with C the cost to MAXIMIZE; for MaxCut C = Σ_{(u,v)∈E} (1 − Z_u Z_v)/2, the number of cut
/// edges. This is the convention of Farhi, Goldstone & Gutmann (arXiv:1411.4028), of Zhou et
/// al. (2020) and of the fixed-angle table, and every function here returns angles in it.
///
/// **Engines that minimize an energy.** An engine whose cost layer is e^{−iγ E} with
/// E = s·C + const (same mixer B = ΣX, same start |+⟩^n) prepares the same state, up to a global
/// phase, with γ_E = γ_C / s and β unchanged; rescale_gammas(a, s) does that. Common cases:
/// - E = −C (the QUBO energy −cut, minimized): γ → −γ.
/// - E = Σ_{(u,v)∈E} Z_u Z_v = |E| − 2C (Ising form): γ → −γ/2.
/// Flipping β instead (γ unchanged, β → −β for E = −C) gives the complex-conjugate state: the
/// same measurement probabilities and expectation values, but not the same state.
/// A mixer written as −ΣX (as some packages do) needs β → −β on top.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qcoach/core/error.hpp"
#include "qcoach/core/rng.hpp"

namespace qcoach::variational {

/// @brief The 2p angles of a depth-p QAOA: gammas[l−1] and betas[l−1] belong to layer l.
struct qaoa_angles {
    std::vector<double> gammas;
    std::vector<double> betas;

    /// @brief Depth p (the number of layers); gammas and betas must have the same size.
    std::size_t p() const noexcept { return gammas.size(); }

    /// @brief The angles as one vector [γ_1..γ_p, β_1..β_p], the layout the optimizers use.
    std::vector<double> flatten() const {
        std::vector<double> out(gammas);
        out.insert(out.end(), betas.begin(), betas.end());
        return out;
    }

    /// @brief Inverse of flatten(): x = [γ_1..γ_p, β_1..β_p], x.size() even and ≥ 2.
    static qaoa_angles unflatten(std::span<const double> x) {
        if (x.empty() || x.size() % 2 != 0)
            throw value_error("qaoa_angles::unflatten: need 2p values [gammas, betas] with p >= 1, got " +
                              std::to_string(x.size()));
        const std::size_t p = x.size() / 2;
        return {std::vector<double>(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(p)),
                std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(p), x.end())};
    }

    friend bool operator==(const qaoa_angles&, const qaoa_angles&) = default;
};

namespace detail {

inline void check_depth(const char* where, std::size_t p) {
    if (p == 0) throw value_error(std::string(where) + ": depth p must be >= 1, got 0");
}

inline void check_angles(const char* where, const qaoa_angles& a) {
    if (a.gammas.size() != a.betas.size())
        throw value_error(std::string(where) + ": gammas and betas differ in size (" +
                          std::to_string(a.gammas.size()) + " vs " + std::to_string(a.betas.size()) + ")");
    check_depth(where, a.p());
    for (std::size_t l = 0; l < a.p(); ++l) {
        if (!std::isfinite(a.gammas[l]) || !std::isfinite(a.betas[l]))
            throw value_error(std::string(where) + ": angle of layer " + std::to_string(l + 1) + " is not finite");
    }
}

} // namespace detail

/// @brief Angles drawn uniformly: γ_l in [0, gamma_max), β_l in [0, beta_max).
///
/// The defaults cover one period of the MaxCut landscape for integer C: e^{−iγC} has period 2π
/// in γ and e^{−iβB} period π in β (up to a global phase), and the time-reversal symmetry
/// (γ, β) → (−γ, −β) (C and B are real) halves γ to [0, π). γ_1..γ_p come from
/// Rng::stream(seed, 0) and β_1..β_p from Rng::stream(seed, 1), so a given seed gives the same
/// γ's whatever beta_max is.
inline qaoa_angles random_angles(std::size_t p, std::uint64_t seed, double gamma_max = std::numbers::pi,
                                 double beta_max = std::numbers::pi / 2) {
    detail::check_depth("random_angles", p);
    if (!(std::isfinite(gamma_max) && gamma_max > 0) || !(std::isfinite(beta_max) && beta_max > 0))
        throw value_error("random_angles: gamma_max and beta_max must be finite and > 0, got " +
                          std::to_string(gamma_max) + " and " + std::to_string(beta_max));
    qaoa_angles a;
    a.gammas.resize(p);
    a.betas.resize(p);
    Rng rg = Rng::stream(seed, 0);
    Rng rb = Rng::stream(seed, 1);
    for (auto& g : a.gammas) g = gamma_max * rg.uniform();
    for (auto& b : a.betas) b = beta_max * rb.uniform();
    return a;
}

/// @brief Linear ramp: the discretized linear annealing schedule from B to C.
///
///     γ_l = ((l − 1/2)/p)·Δt,   β_l = (1 − (l − 1/2)/p)·Δt,   l = 1..p.
///
/// A first-order Trotter step of length Δt of H(s) = (1 − s)B + sC, with s sampled at the
/// midpoint of layer l, gives exactly these angles; since |+⟩^n is the top eigenstate of B, a
/// slow ramp ends near the top eigenstate of C (the maximum cut). This is the "Trotterized
/// quantum annealing" (TQA) initialization of Sack & Serbyn, Quantum 5, 491 (2021),
/// arXiv:2101.05742, who find Δt ≈ 0.75 near-optimal for MaxCut on 3-regular graphs; Zhou et
/// al., PRX 10, 021067 (2020) discuss the same annealing-inspired linear schedules. (Some
/// implementations sample s at l/p instead of the midpoint (l − 1/2)/p.) The ramp is
/// symmetric: γ_l + β_l = Δt and γ_l = β_{p+1−l}.
inline qaoa_angles linear_ramp(std::size_t p, double delta_t = 0.75) {
    detail::check_depth("linear_ramp", p);
    if (!(std::isfinite(delta_t) && delta_t > 0))
        throw value_error("linear_ramp: delta_t must be finite and > 0, got " + std::to_string(delta_t));
    qaoa_angles a;
    a.gammas.resize(p);
    a.betas.resize(p);
    const double pd = static_cast<double>(p);
    for (std::size_t l = 1; l <= p; ++l) {
        const double s = (static_cast<double>(l) - 0.5) / pd;
        a.gammas[l - 1] = s * delta_t;
        a.betas[l - 1] = (1.0 - s) * delta_t;
    }
    return a;
}

/// @brief INTERP: starting angles for depth p+1 from optimized angles at depth p.
///
/// Zhou, Wang, Choi, Pichler & Lukin, PRX 10, 021067 (2020), arXiv:1812.01041 (INTERP,
/// Appendix B): linear interpolation of the depth-p schedule onto p+1 points,
///
///     [γ⁰_{(p+1)}]_i = ((i−1)/p)·[γ*_{(p)}]_{i−1} + ((p−i+1)/p)·[γ*_{(p)}]_i,   i = 1..p+1,
///
/// with [γ]_0 = [γ]_{p+1} = 0, and the same for β. So the first and last angles are kept
/// (i = 1 gives γ*_1, i = p+1 gives γ*_p) and the inner ones are weighted averages of two
/// neighbours. Requires p ≥ 1 and finite angles of equal count.
inline qaoa_angles interp(const qaoa_angles& optimal_p) {
    detail::check_angles("interp", optimal_p);
    const std::size_t p = optimal_p.p();
    const double pd = static_cast<double>(p);
    // 1-based access with the zero padding of the formula: entry 0 and entry p+1 are zero.
    auto at = [p](const std::vector<double>& v, std::size_t i) { return (i == 0 || i > p) ? 0.0 : v[i - 1]; };
    qaoa_angles out;
    out.gammas.resize(p + 1);
    out.betas.resize(p + 1);
    for (std::size_t i = 1; i <= p + 1; ++i) {
        const double w_prev = static_cast<double>(i - 1) / pd;
        const double w_this = static_cast<double>(p - i + 1) / pd;
        out.gammas[i - 1] = w_prev * at(optimal_p.gammas, i - 1) + w_this * at(optimal_p.gammas, i);
        out.betas[i - 1] = w_prev * at(optimal_p.betas, i - 1) + w_this * at(optimal_p.betas, i);
    }
    return out;
}

/// @brief Angles for an engine whose cost layer is e^{−iγE} with E = scale·C + const, from
/// angles `a` in this header's convention (e^{−iγC}, C maximized): γ → γ/scale, β unchanged.
/// scale = −1 for E = −C (cut energy to minimize); scale = −2 for E = Σ Z_u Z_v.
inline qaoa_angles rescale_gammas(qaoa_angles a, double scale) {
    if (!(std::isfinite(scale) && scale != 0))
        throw value_error("rescale_gammas: scale must be finite and non-zero, got " + std::to_string(scale));
    for (auto& g : a.gammas) g /= scale;
    return a;
}

// ---- fixed angles for MaxCut on d-regular graphs ----------------------------------------------

namespace detail {

/// One row of the fixed-angle table: the 2p angles start at fixed_angle_values[offset].
struct fixed_angle_entry {
    unsigned degree;
    unsigned p;
    double ratio;
    std::size_t offset;
};

// Origin of the table below. Generated from `angles_regular_graphs.json` of GitHub
// danlkv/fixed-angle-QAOA (HEAD e0c1cdd14b96f5d1e173f35021371c05f935ddb0; file last changed in
// 956be14, 2021-09-08), the companion data of J. Wurtz and D. Lykov, "The fixed angle conjecture
// for QAOA on regular MaxCut graphs", arXiv:2107.00677, Phys. Rev. A 104, 052419 (2021). The
// same file is bundled by QAOAKit (data/fixed-angle-2021-08/). The repository has no licence
// file; the values are numerical data published with the paper. Each number is the JSON's
// decimal text (shortest round-trip form), so the doubles are bit-identical to the file's;
// tests/variational/test_angles.cpp checks every entry against the copy in
// tests/data/qaoa_fixed_angles/. Coverage: d = 3: p ≤ 11; d = 4: p ≤ 5; d = 5: p ≤ 4;
// d = 6..10: p ≤ 3; d = 11: p ≤ 2.
// Convention (checked there by statevector simulation): the one of this header, γ on
// C = number of cut edges, β on B = ΣX, γ_1 applied first. `ratio` (the JSON's "AR") is <C>/|E|
// on any d-regular graph whose radius-p edge neighbourhoods are trees (girth ≥ 2p + 2).
inline constexpr double fixed_angle_values[] = {
    0.615533629093832,  // d=3 p=1 gamma
    0.3926720292447629,  // d=3 p=1 beta
    0.4877097327098487, 0.8979876956225422,  // d=3 p=2 gamma
    0.5550603400685824, 0.29250781484335187,  // d=3 p=2 beta
    0.4220840819023261, 0.7984127540558412, 0.9370887965673924,  // d=3 p=3 gamma
    0.608757260014991, 0.45927530900125874, 0.23539562255067184,  // d=3 p=3 beta
    0.4087638451376018, 0.7805849642303698, 0.9877281203234828, 1.1563136754269583,  // d=3 p=4 gamma
    0.5995654665076653, 0.4344182507567688, 0.29695001489559947, 0.15906683733146543,  // d=3 p=4 beta
    0.3595894069747186, 0.7065726026028729, 0.8225565476596165, 1.0047548948734175,  // d=3 p=5 gamma
    1.154274581864511,
    0.6318520293950315, 0.5226524412470716, 0.3897420609614237, 0.2754121638618102,  // d=3 p=5 beta
    0.1491700495831238,
    0.3310418098207508, 0.6450310061053609, 0.7307769161793426, 0.836583144632134,  // d=3 p=6 gamma
    1.0091635404435226, 1.1261003732383816,
    0.6355589295314058, 0.5339629402370255, 0.4631092335134802, 0.3602554466252171,  // d=3 p=6 beta
    0.25915232549960054, 0.13902573609703753,
    0.31008979622262184, 0.6182188190089186, 0.6902478518219215, 0.7512220778320337,  // d=3 p=7 gamma
    0.8590852547459236, 1.0203900290324208, 1.1220662506886752,
    0.6481402507440225, 0.553924977795485, 0.489883395749668, 0.4450177185381082,  // d=3 p=7 beta
    0.3405836917027854, 0.2438269283195185, 0.1306345706291833,
    0.29460578399845716, 0.5867855563839934, 0.6544101338605631, 0.7079285831294416,  // d=3 p=8 gamma
    0.7645742048056706, 0.8642502415428974, 1.0256656628956398, 1.1162872335171907,
    0.6491604649814701, 0.5546799488534804, 0.5003222457916596, 0.4686938845614677,  // d=3 p=8 beta
    0.41960894909047436, 0.31891713167388375, 0.23132378988234067, 0.12290392279079686,
    0.2794011924832918, 0.5661332449495192, 0.6312225917782034, 0.6793325189483329,  // d=3 p=9 gamma
    0.7262406506047812, 0.7680564192050686, 0.8745220050355192, 1.0374709214132756,
    1.1179866501257232,
    0.6544738691800278, 0.5618639663372907, 0.5090114025125145, 0.4867762872507141,  // d=3 p=9 beta
    0.4514350922540272, 0.40321108228165636, 0.30473032103041725, 0.2198329630539531,
    0.11718174267088216,
    0.26671636739366406, 0.544822698106431, 0.6099810245305547, 0.6562600851574694,  // d=3 p=10 gamma
    0.6957083572595683, 0.7287573975239775, 0.7738775819972508, 0.882111389799642,
    1.0438010077525992, 1.1152592242707038,
    0.6555835372498169, 0.5631814864780931, 0.5138881653307606, 0.49558421683669446,  // d=3 p=10 beta
    0.4688948671814715, 0.4357432798966732, 0.3884706701377942, 0.29117618969626957,
    0.21050904544590224, 0.11238794493527438,
    0.257287401304126, 0.5280405724278872, 0.5917709544691275, 0.6396914913796506,  // d=3 p=11 gamma
    0.6772056138057753, 0.7020614534590051, 0.7370242568081657, 0.7753074973682114,
    0.8835587304543469, 1.046970255431072, 1.1152377164688672,
    0.6564387949836022, 0.5633471282117171, 0.5163014280756274, 0.5036682504396424,  // d=3 p=11 beta
    0.4818229959468761, 0.45601255796623946, 0.421434626428442, 0.3707732712794268,
    0.27645017426067187, 0.20094698054318946, 0.10725070156301893,
    0.5234801120857124,  // d=4 p=1 gamma
    0.392757551327448,  // d=4 p=1 beta
    0.40812124329694976, 0.7398019631394029,  // d=4 p=2 gamma
    0.5343441634121997, 0.2830366020507894,  // d=4 p=2 beta
    0.35450349562772787, 0.6513770002137367, 0.7542700008731634,  // d=4 p=3 gamma
    0.5879466969458422, 0.423177520059303, 0.22301355999797107,  // d=4 p=3 beta
    0.3150062244692523, 0.5875508950252964, 0.67322404139524, 0.7712049702971912,  // d=4 p=4 gamma
    0.6049882911890669, 0.4777982182658282, 0.3612667298872113, 0.18751890947162025,  // d=4 p=4 beta
    0.2909100700492341, 0.5467732379181015, 0.6033300664566472, 0.6871930644288442,  // d=4 p=5 gamma
    0.7844694704197804,
    0.6225358200399561, 0.5050671398134732, 0.4167120205184159, 0.32533352199648796,  // d=4 p=5 beta
    0.16279504172541723,
    0.4636450135812144,  // d=5 p=1 gamma
    0.3927087074791786,  // d=5 p=1 beta
    0.35866021565916045, 0.6448710304718615,  // d=5 p=2 gamma
    0.5241108355143725, 0.27879346142220535,  // d=5 p=2 beta
    0.31164606483936663, 0.5635138416936022, 0.6477102740918916,  // d=5 p=3 gamma
    0.5783284846368953, 0.40761955248990894, 0.21892785129401973,  // d=5 p=3 beta
    0.2774572583269933, 0.5097293130541525, 0.5770849110148142, 0.6616388625311488,  // d=5 p=4 gamma
    0.5972548605956374, 0.46346915890043644, 0.34518004357030235, 0.1827751538168603,  // d=5 p=4 beta
    0.42054826610527324,  // d=6 p=1 gamma
    0.392700849042019,  // d=6 p=1 beta
    0.32421194171104956, 0.5797720763398636,  // d=6 p=2 gamma
    0.5182459260034281, 0.27656092253240366,  // d=6 p=2 beta
    0.2814248763770048, 0.5040317615408882, 0.5768088401732892,  // d=6 p=3 gamma
    0.5726472558194594, 0.3989181635085229, 0.2169419894926061,  // d=6 p=3 beta
    0.38744972391036764,  // d=7 p=1 gamma
    0.3926950024908073,  // d=7 p=1 beta
    0.2982490648603368, 0.5312828444663301,  // d=7 p=2 gamma
    0.5143828787758217, 0.27508714632897385,  // d=7 p=2 beta
    0.25891678484366526, 0.46079666018024584, 0.5253447642601667,  // d=7 p=3 gamma
    0.5689099038469293, 0.39327924836363015, 0.2155788644358811,  // d=7 p=3 beta
    0.3613794259810469,  // d=8 p=1 gamma
    0.39269636709923234,  // d=8 p=1 beta
    0.27763490974187677, 0.4931217077093033,  // d=8 p=2 gamma
    0.5116859680922209, 0.2741471385417523,  // d=8 p=2 beta
    0.24068348841850726, 0.4264471925463284, 0.48567283056970284,  // d=8 p=3 gamma
    0.566205680559073, 0.38942934335906626, 0.21492501816555915,  // d=8 p=3 beta
    0.33978782215440595,  // d=9 p=1 gamma
    0.3926942359920502,  // d=9 p=1 beta
    0.26065720389935326, 0.4622640845086935,  // d=9 p=2 gamma
    0.5096941269194841, 0.27364248297758464,  // d=9 p=2 beta
    0.22600978920768922, 0.39909950131071786, 0.45389055169579134,  // d=9 p=3 gamma
    0.5641826965322783, 0.3865542835213426, 0.21439859728017918,  // d=9 p=3 beta
    0.3218137997470188,  // d=10 p=1 gamma
    0.39269535590571675,  // d=10 p=1 beta
    0.24678106656283366, 0.43661412685091355,  // d=10 p=2 gamma
    0.5081080645590884, 0.272898590740289,  // d=10 p=2 beta
    0.21378753113344476, 0.3765379319131453, 0.42765928721690416,  // d=10 p=3 gamma
    0.5625866405166696, 0.3843104086494302, 0.21387921490236161,  // d=10 p=3 beta
    0.30627303493815716,  // d=11 p=1 gamma
    0.3926992518152339,  // d=11 p=1 beta
    0.23477647075662886, 0.4147937029794093,  // d=11 p=2 gamma
    0.5068637810086931, 0.2724799686267124,  // d=11 p=2 beta
};

inline constexpr fixed_angle_entry fixed_angle_entries[] = {
    {3, 1, 0.6924500474008557, 0},
    {3, 2, 0.7559062918257108, 2},
    {3, 3, 0.7923980072764281, 6},
    {3, 4, 0.8168758698205445, 12},
    {3, 5, 0.8363791264990517, 20},
    {3, 6, 0.8498936745383119, 30},
    {3, 7, 0.8597933410827674, 42},
    {3, 8, 0.8674066482812723, 56},
    {3, 9, 0.8735215640022997, 72},
    {3, 10, 0.8785275447411593, 90},
    {3, 11, 0.8828425408436951, 110},
    {4, 1, 0.6623797244430844, 132},
    {4, 2, 0.7160913880778959, 134},
    {4, 3, 0.74856499006392, 138},
    {4, 4, 0.7690249856420008, 144},
    {4, 5, 0.7841319843559285, 152},
    {5, 1, 0.6431084006026848, 162},
    {5, 2, 0.6907090465730246, 164},
    {5, 3, 0.7199012005671692, 168},
    {5, 4, 0.738556028551146, 174},
    {6, 1, 0.629402145665985, 182},
    {6, 2, 0.672644159847265, 184},
    {6, 3, 0.6993213274806402, 188},
    {7, 1, 0.619009279736069, 194},
    {7, 2, 0.6589237320152124, 196},
    {7, 3, 0.6836233545199477, 200},
    {8, 1, 0.6107779955081902, 206},
    {8, 2, 0.6480388540610312, 208},
    {8, 3, 0.6711389794409695, 212},
    {9, 1, 0.6040492591358448, 218},
    {9, 2, 0.6391275529314292, 220},
    {9, 3, 0.6609015020123361, 224},
    {10, 1, 0.5984151120484339, 230},
    {10, 2, 0.6316564711963937, 232},
    {10, 3, 0.6523067744462694, 236},
    {11, 1, 0.5936074811398427, 242},
    {11, 2, 0.6252746657196956, 244},
};

} // namespace detail

/// @brief Largest depth p tabulated for degree d (0 when d is not in the table).
inline std::size_t fixed_angles_max_p(unsigned degree) noexcept {
    std::size_t best = 0;
    for (const auto& e : detail::fixed_angle_entries)
        if (e.degree == degree) best = std::max<std::size_t>(best, e.p);
    return best;
}

/// @brief Fixed angles for MaxCut on d-regular graphs at depth p (Wurtz & Lykov, PRA 104,
/// 052419 (2021)); std::nullopt when (degree, p) is not tabulated.
///
/// Tabulated: d = 3 with p = 1..11, d = 4 with p ≤ 5, d = 5 with p ≤ 4, d = 6..10 with p ≤ 3,
/// d = 11 with p ≤ 2. The angles are in this header's convention (e^{−iγC} with C = number of
/// cut edges, to maximize; then e^{−iβ ΣX}); for an engine that minimizes E = −C use
/// rescale_gammas(*fixed_angles(d, p), -1.0). They maximize <C>/|E| on d-regular graphs of
/// girth ≥ 2p + 2 (where the value is fixed_angles_ratio(d, p)) and are conjectured to give at
/// least that ratio on every d-regular graph ("fixed angle conjecture"). At p = 1 they agree with
/// the closed form β = π/8, γ = arctan(1/√(d−1)) to about 1e-4 (the table comes from a numerical
/// optimization).
inline std::optional<qaoa_angles> fixed_angles(unsigned degree, std::size_t p) {
    for (const auto& e : detail::fixed_angle_entries) {
        if (e.degree != degree || e.p != p) continue;
        const double* v = detail::fixed_angle_values + e.offset;
        qaoa_angles a;
        a.gammas.assign(v, v + p);
        a.betas.assign(v + p, v + 2 * p);
        return a;
    }
    return std::nullopt;
}

/// @brief The tabulated approximation ratio <C>/|E| of fixed_angles(degree, p) on d-regular
/// graphs of girth ≥ 2p + 2 (a lower bound on <C>/C_max there, since C_max ≤ |E|).
/// Throws qcoach::index_error when (degree, p) is not tabulated.
inline double fixed_angles_ratio(unsigned degree, std::size_t p) {
    for (const auto& e : detail::fixed_angle_entries)
        if (e.degree == degree && e.p == p) return e.ratio;
    const std::size_t max_p = fixed_angles_max_p(degree);
    throw index_error("fixed_angles_ratio: no fixed angles for degree " + std::to_string(degree) + " and p = " +
                      std::to_string(p) +
                      (max_p == 0 ? std::string("; tabulated degrees are 3..11")
                                  : "; degree " + std::to_string(degree) + " has p = 1.." + std::to_string(max_p)));
}

} // namespace qcoach::variational
