// Pure C++ harness for `xpo bench`: drives the same Verilated model through
// the same packing code as the Rust engine, from a recorded stimulus file,
// so the Rust/C++ time ratio isolates what Rust and the FFI add.
//
// Usage: xpo-verilator-bench STIMULUS_FILE
// The file holds INPUT_WORDS little-endian u64 words per cycle. Prints one
// JSON object with cycles, seconds and the last cycle's output words.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>
#include "xpo_sim.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s STIMULUS_FILE\n", argv[0]);
        return 2;
    }
    std::ifstream f(argv[1], std::ios::binary | std::ios::ate);
    if (!f) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    const std::streamsize bytes = f.tellg();
    f.seekg(0);
    std::vector<uint64_t> in(static_cast<size_t>(bytes) / 8);
    f.read(reinterpret_cast<char*>(in.data()), bytes);
    const size_t cycles = in.size() / xpo::INPUT_WORDS;
    if (cycles == 0 || in.size() % xpo::INPUT_WORDS != 0) {
        std::fprintf(stderr, "%s: size is not a multiple of %zu words\n", argv[1], xpo::INPUT_WORDS);
        return 2;
    }
    const auto sim = xpo::new_fast_sim();
    std::vector<uint64_t> out(xpo::OUTPUT_WORDS);
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t c = 0; c < cycles; ++c) sim->tick(&in[c * xpo::INPUT_WORDS], out.data());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"cycles\": %zu, \"seconds\": %.9f, \"last_outputs\": [", cycles, s);
    for (size_t i = 0; i < out.size(); ++i) std::printf("%s%llu", i ? ", " : "", (unsigned long long)out[i]);
    std::printf("]}\n");
    return 0;
}
