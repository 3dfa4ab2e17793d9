#include "bridge.h"
#include <dlfcn.h>
#include <stdexcept>
#include <string>

namespace xpo {
std::unique_ptr<XpoSim> new_sim() { return new_fast_sim(); }

namespace {
// The C ABI of shim_gen::abi_source, version 1.
struct Abi {
    uint32_t (*abi_version)();
    const char* (*hw_key)();
    uint64_t (*input_words)();
    uint64_t (*output_words)();
    void* (*create)();
    void (*destroy)(void*);
    void (*tick)(void*, const uint64_t*, uint64_t*);
    int (*open_trace)(void*, const char*);
    void (*close_trace)(void*);
};

template <typename F>
void bind(void* handle, const std::string& lib, const char* name, F& f) {
    f = reinterpret_cast<F>(dlsym(handle, name));
    if (!f) throw std::runtime_error(lib + " does not export " + name);
}

// A model in a shared library, behind the same interface as a linked one.
class LibrarySim final : public XpoSim {
public:
    LibrarySim(const Abi& abi, void* sim) : abi_(abi), sim_(sim) {}
    ~LibrarySim() override { abi_.destroy(sim_); }
    void tick(const uint64_t* in, uint64_t* out) override { abi_.tick(sim_, in, out); }
    bool open_trace(const char* path) override { return abi_.open_trace(sim_, path) != 0; }
    void close_trace() override { abi_.close_trace(sim_); }

private:
    Abi abi_;
    void* sim_;
};
}  // namespace

std::unique_ptr<XpoSim> open_sim(rust::Str library, rust::Str hw_key, std::size_t input_words,
                                 std::size_t output_words) {
    const std::string lib(library);
    // Local: the library's symbols stay out of the global namespace.
    // Never unloaded: the Verilator runtime inside keeps thread-local state.
    void* handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) {
        const char* why = dlerror();
        throw std::runtime_error("cannot load " + lib + ": " + (why ? why : "unknown error"));
    }
    Abi abi{};
    bind(handle, lib, "xpo_sim_abi_version", abi.abi_version);
    if (abi.abi_version() != 1) {
        throw std::runtime_error(lib + " speaks C ABI version " + std::to_string(abi.abi_version()) +
                                 ", this xpo version 1");
    }
    bind(handle, lib, "xpo_sim_hw_key", abi.hw_key);
    bind(handle, lib, "xpo_sim_input_words", abi.input_words);
    bind(handle, lib, "xpo_sim_output_words", abi.output_words);
    bind(handle, lib, "xpo_sim_new", abi.create);
    bind(handle, lib, "xpo_sim_delete", abi.destroy);
    bind(handle, lib, "xpo_sim_tick", abi.tick);
    bind(handle, lib, "xpo_sim_open_trace", abi.open_trace);
    bind(handle, lib, "xpo_sim_close_trace", abi.close_trace);
    if (std::string(abi.hw_key()) != std::string(hw_key)) {
        throw std::runtime_error(lib + " was built for [" + abi.hw_key() + "], not [" +
                                 std::string(hw_key) + "]");
    }
    if (abi.input_words() != input_words || abi.output_words() != output_words) {
        throw std::runtime_error(lib + " packs " + std::to_string(abi.input_words()) + "/" +
                                 std::to_string(abi.output_words()) + " words, this xpo " +
                                 std::to_string(input_words) + "/" + std::to_string(output_words));
    }
    void* sim = abi.create();
    if (!sim) throw std::runtime_error(lib + ": the model could not be constructed");
    return std::make_unique<LibrarySim>(abi, sim);
}

void tick(XpoSim& sim, rust::Slice<const uint64_t> inputs, rust::Slice<uint64_t> outputs) {
    // Lengths are checked on the Rust side, once, when the engine is built.
    sim.tick(inputs.data(), outputs.data());
}

bool open_trace(XpoSim& sim, rust::Str path) { return sim.open_trace(std::string(path).c_str()); }

void close_trace(XpoSim& sim) { sim.close_trace(); }
}  // namespace xpo
