//! Prints the standalone laser-lane module for the default configuration.
fn main() {
    let v = xpo_hdl::emit::emit_laser_lane(&xpo_spec::EngineConfig::default()).expect("emits");
    print!("{v}");
}
