//! Exactly what crosses into C++: two factories (the linked model, or one
//! in a shared library built at run time), a tick on packed words, and
//! tracing. Built only when Verilator was found (cfg `xpo_verilator`).

#[cxx::bridge(namespace = "xpo")]
pub(crate) mod bridge {
    unsafe extern "C++" {
        include!("bridge.h");

        /// One Verilated `xpo_engine` with its own `VerilatedContext`.
        type XpoSim;

        /// The default configuration's fast model, linked into xpo.
        fn new_sim() -> UniquePtr<XpoSim>;
        /// A model from a shared library of `verilated::library`, checked
        /// against the hardware key and word counts the caller expects.
        fn open_sim(
            library: &str,
            hw_key: &str,
            input_words: usize,
            output_words: usize,
        ) -> Result<UniquePtr<XpoSim>>;
        fn tick(sim: Pin<&mut XpoSim>, inputs: &[u64], outputs: &mut [u64]);
        fn open_trace(sim: Pin<&mut XpoSim>, path: &str) -> bool;
        fn close_trace(sim: Pin<&mut XpoSim>);
    }
}
