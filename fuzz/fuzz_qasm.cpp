// libFuzzer target for the OpenQASM 2 importer.
//
// Property 1: parse_qasm on any bytes returns or throws parse_error (or memory_error); any
// other exception is a bug (the importer must report every problem of the input with its
// position) and aborts. ASan/UBSan and libFuzzer's timeout and RSS limit catch crashes,
// undefined behaviour, hangs and unbounded allocation.
// Property 2: a program that parses can be written with to_qasm (every operation the importer
// makes has a qelib1 spelling), and reading that text gives the same operations.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "qcoach/circuit/circuit.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_qasm: %s\n", what);
    std::abort();
}

bool same(const qcoach::Operation& a, const qcoach::Operation& b) {
    if (a.type != b.type || a.targets != b.targets || a.condition.has_value() != b.condition.has_value()) return false;
    if (a.condition && (a.condition->first != b.condition->first || a.condition->count != b.condition->count ||
                        a.condition->value != b.condition->value))
        return false;
    if (a.type == qcoach::OpType::measure && a.clbit != b.clbit) return false;
    if (a.type != qcoach::OpType::gate) return true;
    return a.kind == b.kind && a.controls == b.controls && a.control_values == b.control_values && a.params == b.params;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    qcoach::qasm_options options;
    options.max_operations = 1 << 16; // keeps each input fast; the limit logic is the same
    try {
        const qcoach::qasm_program p = qcoach::parse_qasm(text, "fuzz.qasm", options);
        std::string out;
        try {
            out = qcoach::to_qasm(p);
        } catch (const qcoach::error& e) {
            std::fprintf(stderr, "%s\n", e.what());
            fail("an imported program could not be exported");
        }
        qcoach::qasm_program q = [&] {
            try {
                return qcoach::parse_qasm(out, "exported.qasm", options);
            } catch (const qcoach::error& e) {
                std::fprintf(stderr, "%s\n%s\n", e.what(), out.c_str());
                fail("the exported text does not parse");
            }
        }();
        const auto& a = p.circuit.operations();
        const auto& b = q.circuit.operations();
        if (a.size() != b.size() || p.circuit.num_qubits() != q.circuit.num_qubits() || p.circuit.num_clbits() != q.circuit.num_clbits()) {
            fail("round trip changed the circuit's shape");
        }
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same(a[i], b[i])) fail("round trip changed an operation");
    } catch (const qcoach::parse_error&) {
        // Rejected input: fine.
    } catch (const qcoach::memory_error&) {
    } catch (const qcoach::error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        fail("parse_qasm threw a qcoach::error that is not a parse_error");
    }
    return 0;
}
