// qasm_run: run an OpenQASM 2.0 file on the qcoach statevector simulator and print the result
// as JSON (amplitudes, probabilities or measurement counts). See README.md.
#include <qcoach/circuit/circuit.hpp>
#include <qcoach/statevector/statevector.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace {

struct settings {
    std::string file;
    std::string precision = "double";
    int threads = 0;
    int fuse = 0;
    std::string output; // empty: counts when the program has classical bits, else amplitudes
    std::size_t shots = 1024;
    std::uint64_t seed = 1;
};

// ---------------------------------------------------------------------------------------------
// The simulation call site: every state this program computes comes from run_circuit. With
// --fuse K >= 1 the gates between measurements, resets and barriers are fused into blocks of at
// most K qubits first (K = 0: gate by gate).
template <qcoach::precision Real>
std::vector<std::uint8_t> run_circuit(const qcoach::Circuit& c, qcoach::StateVector<Real>& psi, int fuse,
                                      const qcoach::run_options& options) {
    if (fuse <= 0) return qcoach::run(c, psi, std::span<const double>(), options);
    qcoach::fusion_options opt;
    opt.max_qubits = static_cast<unsigned>(fuse);
    return qcoach::run(qcoach::fuse(c, {}, opt), psi, options);
}
// ---------------------------------------------------------------------------------------------

/// The circuit without measurements (called when every measurement is terminal: the state
/// before them is the one they would measure).
qcoach::Circuit unitary_part(const qcoach::Circuit& c) {
    qcoach::Circuit u(c.num_qubits(), c.num_clbits());
    for (const qcoach::Operation& op : c.operations())
        if (op.type != qcoach::OpType::measure) u.add(op);
    return u;
}

template <qcoach::precision Real>
nlohmann::ordered_json state_output(const qcoach::qasm_program& p, const settings& s, const qcoach::exec_policy& pol) {
    qcoach::StateVector<Real> psi(p.circuit.num_qubits());
    run_circuit(unitary_part(p.circuit), psi, s.fuse, qcoach::run_options{pol, s.seed});
    nlohmann::ordered_json j;
    j["num_qubits"] = p.circuit.num_qubits();
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    if (s.output == "amplitudes") {
        for (qcoach::index_t i = 0; i < psi.size(); ++i)
            values.push_back({static_cast<double>(psi[i].real()), static_cast<double>(psi[i].imag())});
        j["amplitudes"] = std::move(values);
    } else {
        for (double x : qcoach::probabilities(psi, pol)) values.push_back(x);
        j["probabilities"] = std::move(values);
    }
    return j;
}

template <qcoach::precision Real>
nlohmann::ordered_json counts_output(const qcoach::qasm_program& p, const settings& s, const qcoach::exec_policy& pol) {
    const qcoach::Circuit& c = p.circuit;
    std::map<std::string, std::size_t> counts;
    if (!c.has_mid_circuit_operations()) {
        // Every measurement is terminal: simulate once, sample basis states, read the bits.
        qcoach::StateVector<Real> psi(c.num_qubits());
        run_circuit(unitary_part(c), psi, s.fuse, qcoach::run_options{pol, s.seed});
        std::vector<std::uint8_t> bits(c.num_clbits());
        for (const auto& [z, n] : qcoach::sample_counts(psi, s.shots, s.seed, pol)) {
            std::fill(bits.begin(), bits.end(), 0);
            for (const qcoach::Operation& op : c.operations())
                if (op.type == qcoach::OpType::measure) bits[op.clbit] = static_cast<std::uint8_t>((z >> op.targets[0]) & 1);
            counts[qcoach::format_clbits(bits, p.cregs)] += n;
        }
    } else {
        // Mid-circuit measurement, reset or `if`: one trajectory per shot, each with its own
        // random stream derived from the seed (the same counts for any thread count).
        for (std::size_t shot = 0; shot < s.shots; ++shot) {
            qcoach::StateVector<Real> psi(c.num_qubits());
            const std::uint64_t seed = qcoach::Rng::stream(s.seed, shot)();
            const auto bits = run_circuit(c, psi, s.fuse, qcoach::run_options{pol, seed});
            ++counts[qcoach::format_clbits(bits, p.cregs)];
        }
    }
    nlohmann::ordered_json j;
    j["counts"] = counts;
    return j;
}

template <qcoach::precision Real>
nlohmann::ordered_json simulate(const qcoach::qasm_program& p, const settings& s, const qcoach::exec_policy& pol) {
    return s.output == "counts" ? counts_output<Real>(p, s, pol) : state_output<Real>(p, s, pol);
}

} // namespace

int main(int argc, char** argv) {
    settings s;
    CLI::App app{"Run an OpenQASM 2.0 program on the qcoach statevector simulator and print JSON."};
    app.add_option("file", s.file, "OpenQASM 2.0 file")->required();
    app.add_option("--precision", s.precision, "float or double (default double)")->check(CLI::IsMember({"float", "double"}));
    app.add_option("--threads", s.threads, "OpenMP threads (0 = all available)")->check(CLI::Range(0, 4096));
    app.add_option("--fuse", s.fuse, "gate fusion: largest fused block in qubits, 0 = none (0..6)")->check(CLI::Range(0, 6));
    app.add_option("--output", s.output, "amplitudes, probabilities or counts (default: counts when the program has classical bits)")
        ->check(CLI::IsMember({"amplitudes", "probabilities", "counts"}));
    app.add_option("--shots", s.shots, "shots for counts (default 1024)")->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
    app.add_option("--seed", s.seed, "seed of sampling and measurement outcomes (default 1)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }

    qcoach::qasm_program program = [&] {
        try {
            return qcoach::load_qasm(s.file);
        } catch (const qcoach::error& e) {
            std::cerr << e.what() << '\n';
            std::exit(2);
        }
    }();
    const qcoach::Circuit& c = program.circuit;
    if (s.output.empty()) s.output = c.num_clbits() > 0 ? "counts" : "amplitudes";
    if (s.output != "counts" && c.has_mid_circuit_operations()) {
        std::cerr << s.file << ": no single final state to print as " << s.output
                  << ": the program measures or resets a qubit before other operations act on it, or conditions an operation "
                     "on a measurement ('if'), so its state depends on random measurement outcomes; use --output counts, which "
                     "samples one run per shot\n";
        return 2;
    }

    qcoach::exec_policy pol = qcoach::default_policy();
    pol.threads = s.threads;
    try {
        const nlohmann::ordered_json j = s.precision == "float" ? simulate<float>(program, s, pol) : simulate<double>(program, s, pol);
        std::cout << j.dump() << '\n';
    } catch (const qcoach::error& e) {
        std::cerr << "qasm_run: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
