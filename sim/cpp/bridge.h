// The whole C++ surface the Rust side sees: two factories and three calls.
// Port packing lives in the generated xpo_sim.cpp, shared with the C++ bench.
#pragma once
#include <cstdint>
#include <memory>
#include "rust/cxx.h"
#include "xpo_sim.h"

namespace xpo {
// The fast model of the default configuration, linked into xpo.
std::unique_ptr<XpoSim> new_sim();
// A model in a shared library built at run time (xpo-sim's
// verilated::library), through the C ABI it exports. Throws (an Err on the
// Rust side) when the library cannot be opened, lacks a function, speaks
// another ABI version, was built for other hardware (`hw_key`) or packs
// ports into other word counts.
std::unique_ptr<XpoSim> open_sim(rust::Str library, rust::Str hw_key, std::size_t input_words,
                                 std::size_t output_words);
void tick(XpoSim& sim, rust::Slice<const uint64_t> inputs, rust::Slice<uint64_t> outputs);
bool open_trace(XpoSim& sim, rust::Str path);
void close_trace(XpoSim& sim);
}  // namespace xpo
