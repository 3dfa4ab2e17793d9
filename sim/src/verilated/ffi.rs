//! Exactly what crosses into C++: a factory, a tick on packed words, and
//! tracing. Built only when Verilator was found (cfg `xpo_verilator`).

#[cxx::bridge(namespace = "xpo")]
pub(crate) mod bridge {
    unsafe extern "C++" {
        include!("bridge.h");

        /// One Verilated `xpo_engine` with its own `VerilatedContext`.
        type XpoSim;

        /// The fast model, or the one built with `--trace` when `traced`.
        fn new_sim(traced: bool) -> UniquePtr<XpoSim>;
        fn tick(sim: Pin<&mut XpoSim>, inputs: &[u64], outputs: &mut [u64]);
        fn open_trace(sim: Pin<&mut XpoSim>, path: &str) -> bool;
        fn close_trace(sim: Pin<&mut XpoSim>);
    }
}
