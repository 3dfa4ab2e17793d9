// The whole C++ surface the Rust side sees: a factory and three calls.
// Port packing lives in the generated xpo_sim.cpp, shared with the C++ bench.
#pragma once
#include <cstdint>
#include <memory>
#include "rust/cxx.h"
#include "xpo_sim.h"

namespace xpo {
// The fast model, or the traced one (built with --trace) when `traced`.
std::unique_ptr<XpoSim> new_sim(bool traced);
void tick(XpoSim& sim, rust::Slice<const uint64_t> inputs, rust::Slice<uint64_t> outputs);
bool open_trace(XpoSim& sim, rust::Str path);
void close_trace(XpoSim& sim);
}  // namespace xpo
