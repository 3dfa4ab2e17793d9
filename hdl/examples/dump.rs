fn main() {
    let cfg = xpo_spec::EngineConfig {
        lanes: std::env::args()
            .nth(1)
            .map(|s| s.parse().unwrap())
            .unwrap_or(8),
        ..Default::default()
    };
    print!("{}", xpo_hdl::emit_verilog(&cfg).unwrap().verilog);
}
