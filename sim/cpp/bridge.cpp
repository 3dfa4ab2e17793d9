#include "bridge.h"
#include <string>

namespace xpo {
std::unique_ptr<XpoSim> new_sim(bool traced) { return traced ? new_traced_sim() : new_fast_sim(); }

void tick(XpoSim& sim, rust::Slice<const uint64_t> inputs, rust::Slice<uint64_t> outputs) {
    // Lengths are checked on the Rust side, once, when the engine is built.
    sim.tick(inputs.data(), outputs.data());
}

bool open_trace(XpoSim& sim, rust::Str path) { return sim.open_trace(std::string(path).c_str()); }

void close_trace(XpoSim& sim) { sim.close_trace(); }
}  // namespace xpo
