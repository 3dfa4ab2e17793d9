//! `RustHdlEngine`: the rust-hdl description stepped directly.
//!
//! Not through rust-hdl's `Simulation`, which hands the circuit between one
//! OS thread per clock and testbench and runs hundreds of times slower: here
//! the inputs are set, the clock toggled and the circuit settled in place.

use crate::core::XpoCore;
use crate::emit::EmitError;
use rust_hdl::prelude::*;
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs};

/// Upper bound of settling passes per clock phase; the design settles in far
/// fewer, so reaching it means a combinational loop.
const MAX_SETTLE: usize = 200;

/// The rust-hdl block as an [`Engine`].
pub struct RustHdlEngine {
    core: XpoCore,
    config: EngineConfig,
}

impl RustHdlEngine {
    /// Elaborates and checks the design for `cfg`.
    pub fn new(cfg: &EngineConfig) -> Result<Self, EmitError> {
        cfg.validate()?;
        let mut core = XpoCore::new(cfg);
        core.connect_all();
        check_all(&core).map_err(|e| EmitError::Check(format!("{e:?}")))?;
        let mut engine = Self {
            core,
            config: cfg.clone(),
        };
        engine.reset();
        Ok(engine)
    }

    fn settle(&mut self) {
        assert!(
            simulate(&mut self.core, MAX_SETTLE),
            "rust-hdl design failed to settle in {MAX_SETTLE} passes (combinational loop)"
        );
    }
}

impl Engine for RustHdlEngine {
    fn name(&self) -> &str {
        "rusthdl"
    }

    fn config(&self) -> &EngineConfig {
        &self.config
    }

    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs) {
        let c = &mut self.core;
        c.reset.next = inputs.reset;
        let m = &inputs.mgmt;
        c.i2c_scl.next = m.i2c_scl;
        c.i2c_sda.next = m.i2c_sda;
        c.axi_awvalid.next = m.axi_awvalid;
        c.axi_awaddr.next = (m.axi_awaddr as u64).into();
        c.axi_wvalid.next = m.axi_wvalid;
        c.axi_wdata.next = (m.axi_wdata as u64).into();
        c.axi_wstrb.next = (m.axi_wstrb as u64).into();
        c.axi_bready.next = m.axi_bready;
        c.axi_arvalid.next = m.axi_arvalid;
        c.axi_araddr.next = (m.axi_araddr as u64).into();
        c.axi_rready.next = m.axi_rready;
        c.module_reset.next = m.module_reset;
        c.low_power_pin.next = m.low_power_pin;
        c.interlock.next = m.interlock;
        c.module_fault.next = m.module_fault;
        c.temperature_adc.next = (m.temperature_adc as u64).into();
        c.temperature_adc_valid.next = m.temperature_adc_valid;
        c.vcc_adc.next = (m.vcc_adc as u64).into();
        c.vcc_adc_valid.next = m.vcc_adc_valid;
        c.supply_current_adc.next = (m.supply_current_adc as u64).into();
        c.supply_current_adc_valid.next = m.supply_current_adc_valid;
        for (g, l) in inputs.lasers.iter().enumerate() {
            c.bias_adc[g].next = (l.bias_adc as u64).into();
            c.bias_adc_valid[g].next = l.bias_adc_valid;
            c.power_adc[g].next = (l.power_adc as u64).into();
            c.power_adc_valid[g].next = l.power_adc_valid;
            c.voltage_adc[g].next = (l.voltage_adc as u64).into();
            c.voltage_adc_valid[g].next = l.voltage_adc_valid;
        }
        for (i, l) in inputs.lanes.iter().enumerate() {
            c.rx_data[i].next = l.rx_data.to_bits();
            c.rx_valid[i].next = l.rx_valid;
            c.tx_ready[i].next = l.tx_ready;
            c.host_tx_data[i].next = l.host_tx_data.to_bits();
            c.host_tx_valid[i].next = l.host_tx_valid;
        }
        c.clock.next = false.into();
        self.settle();
        self.core.clock.next = true.into();
        self.settle();
        let c = &self.core;
        let o = &mut outputs.mgmt;
        o.i2c_sda_low = c.i2c_sda_low.val();
        o.axi_awready = c.axi_awready.val();
        o.axi_wready = c.axi_wready.val();
        o.axi_bvalid = c.axi_bvalid.val();
        o.axi_bresp = c.axi_bresp.val().index() as u8;
        o.axi_arready = c.axi_arready.val();
        o.axi_rvalid = c.axi_rvalid.val();
        o.axi_rdata = c.axi_rdata.val().index() as u32;
        o.axi_rresp = c.axi_rresp.val().index() as u8;
        o.int_l = c.int_l.val();
        for (g, o) in outputs.lasers.iter_mut().enumerate() {
            o.bias_dac = c.bias_dac[g].val().index() as u16;
            o.driver_enable = c.driver_enable[g].val();
        }
        for (i, o) in outputs.lanes.iter_mut().enumerate() {
            o.tx_data = c.tx_data[i].val().to_u128();
            o.tx_valid = c.tx_valid[i].val();
            o.rx_slip = c.rx_slip[i].val();
            o.host_rx_data = c.host_rx_data[i].val().to_u128();
            o.host_rx_valid = c.host_rx_valid[i].val();
            o.tx_slip = c.tx_slip[i].val();
            o.tx_block_lock = c.tx_block_lock[i].val();
            o.rx_block_lock = c.rx_block_lock[i].val();
            o.tx_hi_ber = c.tx_hi_ber[i].val();
            o.rx_hi_ber = c.rx_hi_ber[i].val();
            o.tx_invalid_headers = c.tx_invalid_headers[i].val().index() as u32;
            o.tx_errored_blocks = c.tx_errored_blocks[i].val().index() as u32;
            o.rx_invalid_headers = c.rx_invalid_headers[i].val().index() as u32;
            o.rx_errored_blocks = c.rx_errored_blocks[i].val().index() as u32;
            o.media_chk_locked = c.media_chk_locked[i].val();
            o.media_chk_error_count = c.media_chk_error_count[i].val().to_u64();
            o.media_chk_bit_count = c.media_chk_bit_count[i].val().to_u64();
            o.host_chk_locked = c.host_chk_locked[i].val();
            o.host_chk_error_count = c.host_chk_error_count[i].val().to_u64();
            o.host_chk_bit_count = c.host_chk_bit_count[i].val().to_u64();
            o.rx_am_lock = c.rx_am_lock[i].val();
            o.rx_lane_aligned = c.rx_lane_aligned[i].val();
            o.rx_skew_valid = c.rx_skew_valid[i].val();
            o.rx_deskew_error = c.rx_deskew_error[i].val();
            o.rx_lane_number = c.rx_lane_number[i].val().index() as u8;
            o.rx_skew_blocks = c.rx_skew_blocks[i].val().index() as u16;
            o.rx_skew_bits = c.rx_skew_bits[i].val().index() as u32;
            o.rx_bip_errors = c.rx_bip_errors[i].val().index() as u32;
            o.rx_link_hi_ber = c.rx_link_hi_ber[i].val();
            o.tx_am_lock = c.tx_am_lock[i].val();
            o.tx_lane_aligned = c.tx_lane_aligned[i].val();
            o.tx_skew_valid = c.tx_skew_valid[i].val();
            o.tx_deskew_error = c.tx_deskew_error[i].val();
            o.tx_lane_number = c.tx_lane_number[i].val().index() as u8;
            o.tx_skew_blocks = c.tx_skew_blocks[i].val().index() as u16;
            o.tx_skew_bits = c.tx_skew_bits[i].val().index() as u32;
            o.tx_bip_errors = c.tx_bip_errors[i].val().index() as u32;
            o.tx_link_hi_ber = c.tx_link_hi_ber[i].val();
        }
    }
}
