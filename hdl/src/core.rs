//! `XpoCore`: the top of the engine, N lanes.
//!
//! Each per-lane port is a `Vec` of signals, one per lane, so the lane count
//! is a run-time configuration value rather than a type parameter. rust-hdl
//! names them `rx_data$0`, `rx_data$1`, ...; [`crate::emit`] wraps the core
//! in `xpo_engine`, whose ports are packed buses with plain names.

use crate::cmis::hwif::{DataLaneRegs, LaserRegs, ModuleStateRegs, MonitorRegs};
use crate::cmis::{AxiLiteSlave, CmisRegisters, I2cTarget, ModuleMonitors, ModuleStateMachine};
use crate::fanout::LaserFaultFanout;
use crate::join::Widen;
use crate::lane::Lane;
use crate::laser::LaserLane;
use crate::retimer::{Deskew, LaneAlignment, LinkBerMonitor, MonitorOnly, ReceiveEnds};
use rust_hdl::prelude::*;
use xpo_spec::laser::LaserParams;
use xpo_spec::monitors::MonitorParams;
use xpo_spec::retimer::LinkParams;
use xpo_spec::EngineConfig;

/// The engine top: clock, synchronous reset and the per-lane ports of
/// `xpo_spec::LaneInputs` / `LaneOutputs`.
#[derive(LogicBlock)]
pub struct XpoCore {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Management: I2C pins, AXI4-Lite, module pins, interrupt
    pub i2c_scl: Signal<In, Bit>,
    pub i2c_sda: Signal<In, Bit>,
    pub i2c_sda_low: Signal<Out, Bit>,
    pub axi_awvalid: Signal<In, Bit>,
    pub axi_awaddr: Signal<In, Bits<32>>,
    pub axi_awready: Signal<Out, Bit>,
    pub axi_wvalid: Signal<In, Bit>,
    pub axi_wdata: Signal<In, Bits<32>>,
    pub axi_wstrb: Signal<In, Bits<4>>,
    pub axi_wready: Signal<Out, Bit>,
    pub axi_bvalid: Signal<Out, Bit>,
    pub axi_bresp: Signal<Out, Bits<2>>,
    pub axi_bready: Signal<In, Bit>,
    pub axi_arvalid: Signal<In, Bit>,
    pub axi_araddr: Signal<In, Bits<32>>,
    pub axi_arready: Signal<Out, Bit>,
    pub axi_rvalid: Signal<Out, Bit>,
    pub axi_rdata: Signal<Out, Bits<32>>,
    pub axi_rresp: Signal<Out, Bits<2>>,
    pub axi_rready: Signal<In, Bit>,
    pub module_reset: Signal<In, Bit>,
    pub low_power_pin: Signal<In, Bit>,
    pub interlock: Signal<In, Bit>,
    pub module_fault: Signal<In, Bit>,
    pub temperature_adc: Signal<In, Bits<16>>,
    pub temperature_adc_valid: Signal<In, Bit>,
    pub vcc_adc: Signal<In, Bits<16>>,
    pub vcc_adc_valid: Signal<In, Bit>,
    pub supply_current_adc: Signal<In, Bits<16>>,
    pub supply_current_adc_valid: Signal<In, Bit>,
    pub int_l: Signal<Out, Bit>,
    // Laser converters, per laser lane
    pub bias_adc: Vec<Signal<In, Bits<16>>>,
    pub bias_adc_valid: Vec<Signal<In, Bit>>,
    pub power_adc: Vec<Signal<In, Bits<16>>>,
    pub power_adc_valid: Vec<Signal<In, Bit>>,
    pub voltage_adc: Vec<Signal<In, Bits<16>>>,
    pub voltage_adc_valid: Vec<Signal<In, Bit>>,
    pub bias_dac: Vec<Signal<Out, Bits<16>>>,
    pub driver_enable: Vec<Signal<Out, Bit>>,
    // SerDes interface, per lane
    pub rx_data: Vec<Signal<In, Bits<66>>>,
    pub rx_valid: Vec<Signal<In, Bit>>,
    pub tx_ready: Vec<Signal<In, Bit>>,
    pub host_tx_data: Vec<Signal<In, Bits<66>>>,
    pub host_tx_valid: Vec<Signal<In, Bit>>,
    pub tx_data: Vec<Signal<Out, Bits<66>>>,
    pub tx_valid: Vec<Signal<Out, Bit>>,
    pub rx_slip: Vec<Signal<Out, Bit>>,
    pub host_rx_data: Vec<Signal<Out, Bits<66>>>,
    pub host_rx_valid: Vec<Signal<Out, Bit>>,
    pub tx_slip: Vec<Signal<Out, Bit>>,
    // Retimer status, per lane
    pub tx_block_lock: Vec<Signal<Out, Bit>>,
    pub rx_block_lock: Vec<Signal<Out, Bit>>,
    pub tx_hi_ber: Vec<Signal<Out, Bit>>,
    pub rx_hi_ber: Vec<Signal<Out, Bit>>,
    pub tx_invalid_headers: Vec<Signal<Out, Bits<32>>>,
    pub tx_errored_blocks: Vec<Signal<Out, Bits<32>>>,
    pub rx_invalid_headers: Vec<Signal<Out, Bits<32>>>,
    pub rx_errored_blocks: Vec<Signal<Out, Bits<32>>>,
    // PRBS status, per lane
    pub media_chk_locked: Vec<Signal<Out, Bit>>,
    pub media_chk_error_count: Vec<Signal<Out, Bits<64>>>,
    pub media_chk_bit_count: Vec<Signal<Out, Bits<64>>>,
    pub host_chk_locked: Vec<Signal<Out, Bit>>,
    pub host_chk_error_count: Vec<Signal<Out, Bits<64>>>,
    pub host_chk_bit_count: Vec<Signal<Out, Bits<64>>>,
    // Link alignment probes, per lane (pages 81h/82h)
    pub rx_am_lock: Vec<Signal<Out, Bit>>,
    pub rx_lane_aligned: Vec<Signal<Out, Bit>>,
    pub rx_skew_valid: Vec<Signal<Out, Bit>>,
    pub rx_deskew_error: Vec<Signal<Out, Bit>>,
    pub rx_lane_number: Vec<Signal<Out, Bits<8>>>,
    pub rx_skew_blocks: Vec<Signal<Out, Bits<16>>>,
    pub rx_skew_bits: Vec<Signal<Out, Bits<32>>>,
    pub rx_bip_errors: Vec<Signal<Out, Bits<32>>>,
    pub rx_link_hi_ber: Vec<Signal<Out, Bit>>,
    pub tx_am_lock: Vec<Signal<Out, Bit>>,
    pub tx_lane_aligned: Vec<Signal<Out, Bit>>,
    pub tx_skew_valid: Vec<Signal<Out, Bit>>,
    pub tx_deskew_error: Vec<Signal<Out, Bit>>,
    pub tx_lane_number: Vec<Signal<Out, Bits<8>>>,
    pub tx_skew_blocks: Vec<Signal<Out, Bits<16>>>,
    pub tx_skew_bits: Vec<Signal<Out, Bits<32>>>,
    pub tx_bip_errors: Vec<Signal<Out, Bits<32>>>,
    pub tx_link_hi_ber: Vec<Signal<Out, Bit>>,
    pub lanes: Vec<Lane>,
    pub i2c: I2cTarget,
    pub axi: AxiLiteSlave,
    pub registers: CmisRegisters,
    pub module_state: ModuleStateMachine,
    pub monitors: ModuleMonitors,
    pub lasers: Vec<LaserLane>,
    /// Engine reset, the module reset pin, or SoftwareReset: the whole
    /// module returns to its reset state.
    reset_all: Signal<Local, Bit>,
    /// Each data lane's view of its laser's fault (CMIS TxFault).
    pub laser_faults: LaserFaultFanout,
    /// The module state machine is in ModuleReady (its code, CMIS 3).
    module_ready: Signal<Local, Bit>,
    ready_code: Constant<Bits<3>>,
    /// Each direction's lanes as one clause 82 link: alignment-marker
    /// lock, lane map, skew and BIP for pages 81h/82h
    /// (`xpo_host::model::link_alignment` is the contract); the receive
    /// link also deskews and reorders, its rows offered to every host
    /// lane (rule 5: taken where RxLinkDeskew selects them).
    pub rx_link: Deskew,
    pub tx_link: LaneAlignment,
    /// Each link's hi-BER over all its lanes (clause 82's BER monitor,
    /// rule 6 of the link contract), enabled by its shown `align_status`.
    pub rx_link_ber: LinkBerMonitor,
    pub tx_link_ber: LinkBerMonitor,
    /// The module reset one edge later, as each lane's: the links reset
    /// with the lanes whose samples they take.
    link_reset: DFFWithInit<Bit>,
    /// What the links give that nothing takes: the transmit link's
    /// deskew-buffer inputs (it only monitors), the receive link's marker
    /// flag and both links' last BIP mismatches.
    rx_ends: ReceiveEnds,
    tx_ends: MonitorOnly,
    rx_number: Vec<Widen<5, 8>>,
    tx_number: Vec<Widen<5, 8>>,
    rx_bits_wide: Vec<Widen<24, 32>>,
    tx_bits_wide: Vec<Widen<24, 32>>,
    /// The lane-number byte of a lane without AM lock.
    no_lane_number: Constant<Bits<8>>,
    /// The links' latched deskew errors are cleared every edge: they reach
    /// the register block as events, which it latches.
    clear_every_edge: Constant<Bit>,
}

fn per_lane<T: Default>(n: usize) -> Vec<T> {
    (0..n).map(|_| T::default()).collect()
}

impl XpoCore {
    /// The core for `cfg`, which must already be validated.
    pub fn new(cfg: &EngineConfig) -> Self {
        let n = cfg.lanes;
        let link = LinkParams::new(cfg);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            i2c_scl: Default::default(),
            i2c_sda: Default::default(),
            i2c_sda_low: Default::default(),
            axi_awvalid: Default::default(),
            axi_awaddr: Default::default(),
            axi_awready: Default::default(),
            axi_wvalid: Default::default(),
            axi_wdata: Default::default(),
            axi_wstrb: Default::default(),
            axi_wready: Default::default(),
            axi_bvalid: Default::default(),
            axi_bresp: Default::default(),
            axi_bready: Default::default(),
            axi_arvalid: Default::default(),
            axi_araddr: Default::default(),
            axi_arready: Default::default(),
            axi_rvalid: Default::default(),
            axi_rdata: Default::default(),
            axi_rresp: Default::default(),
            axi_rready: Default::default(),
            module_reset: Default::default(),
            low_power_pin: Default::default(),
            interlock: Default::default(),
            module_fault: Default::default(),
            temperature_adc: Default::default(),
            temperature_adc_valid: Default::default(),
            vcc_adc: Default::default(),
            vcc_adc_valid: Default::default(),
            supply_current_adc: Default::default(),
            supply_current_adc_valid: Default::default(),
            int_l: Default::default(),
            bias_adc: per_lane(cfg.laser_lanes),
            bias_adc_valid: per_lane(cfg.laser_lanes),
            power_adc: per_lane(cfg.laser_lanes),
            power_adc_valid: per_lane(cfg.laser_lanes),
            voltage_adc: per_lane(cfg.laser_lanes),
            voltage_adc_valid: per_lane(cfg.laser_lanes),
            bias_dac: per_lane(cfg.laser_lanes),
            driver_enable: per_lane(cfg.laser_lanes),
            rx_data: per_lane(n),
            rx_valid: per_lane(n),
            tx_ready: per_lane(n),
            host_tx_data: per_lane(n),
            host_tx_valid: per_lane(n),
            tx_data: per_lane(n),
            tx_valid: per_lane(n),
            rx_slip: per_lane(n),
            host_rx_data: per_lane(n),
            host_rx_valid: per_lane(n),
            tx_slip: per_lane(n),
            tx_block_lock: per_lane(n),
            rx_block_lock: per_lane(n),
            tx_hi_ber: per_lane(n),
            rx_hi_ber: per_lane(n),
            tx_invalid_headers: per_lane(n),
            tx_errored_blocks: per_lane(n),
            rx_invalid_headers: per_lane(n),
            rx_errored_blocks: per_lane(n),
            media_chk_locked: per_lane(n),
            media_chk_error_count: per_lane(n),
            media_chk_bit_count: per_lane(n),
            host_chk_locked: per_lane(n),
            host_chk_error_count: per_lane(n),
            host_chk_bit_count: per_lane(n),
            rx_am_lock: per_lane(n),
            rx_lane_aligned: per_lane(n),
            rx_skew_valid: per_lane(n),
            rx_deskew_error: per_lane(n),
            rx_lane_number: per_lane(n),
            rx_skew_blocks: per_lane(n),
            rx_skew_bits: per_lane(n),
            rx_bip_errors: per_lane(n),
            rx_link_hi_ber: per_lane(n),
            tx_am_lock: per_lane(n),
            tx_lane_aligned: per_lane(n),
            tx_skew_valid: per_lane(n),
            tx_deskew_error: per_lane(n),
            tx_lane_number: per_lane(n),
            tx_skew_blocks: per_lane(n),
            tx_skew_bits: per_lane(n),
            tx_bip_errors: per_lane(n),
            tx_link_hi_ber: per_lane(n),
            lanes: (0..n).map(|i| Lane::new(cfg, i)).collect(),
            i2c: I2cTarget::new(cfg),
            axi: Default::default(),
            registers: CmisRegisters::new(cfg),
            module_state: ModuleStateMachine::new(cfg),
            monitors: ModuleMonitors::new(&MonitorParams::new(cfg)),
            lasers: (0..cfg.laser_lanes)
                .map(|_| LaserLane::new(&LaserParams::new(cfg)))
                .collect(),
            reset_all: Default::default(),
            laser_faults: LaserFaultFanout::new(cfg),
            module_ready: Default::default(),
            ready_code: Constant::new(3u64.into()),
            rx_link: Deskew::new(link.lanes, link.period, link.max_skew),
            tx_link: LaneAlignment::new(link.lanes, link.period, link.max_skew),
            rx_link_ber: LinkBerMonitor::new(link.lanes, link.ber_window, link.ber_threshold),
            tx_link_ber: LinkBerMonitor::new(link.lanes, link.ber_window, link.ber_threshold),
            link_reset: DFFWithInit::new(true),
            rx_ends: ReceiveEnds::new(n),
            tx_ends: MonitorOnly::new(n),
            rx_number: per_lane(n),
            tx_number: per_lane(n),
            rx_bits_wide: per_lane(n),
            tx_bits_wide: per_lane(n),
            no_lane_number: Constant::new(0xFFu64.into()),
            clear_every_edge: Constant::new(true),
        }
    }
}

impl Logic for XpoCore {
    #[hdl_gen]
    fn update(&mut self) {
        self.reset_all.next = self.reset.val()
            | self.module_reset.val()
            | self.registers.commands.software_reset.val();
        self.registers.clock.next = self.clock.val();
        self.registers.reset.next = self.reset_all.val();
        self.module_state.clock.next = self.clock.val();
        self.module_state.reset.next = self.reset_all.val();
        self.module_state.low_power_pin.next = self.low_power_pin.val();
        self.module_state.fault.next = self.module_fault.val();
        ModuleStateRegs::join(
            &mut self.registers.state_machine,
            &mut self.module_state.regs,
        );
        self.int_l.next = self.registers.int_l.val();
        // Module monitors: converters in, thresholds from page 02h, flags
        // into lower byte 9.
        self.monitors.clock.next = self.clock.val();
        self.monitors.reset.next = self.reset_all.val();
        self.monitors.temperature_adc.next = self.temperature_adc.val();
        self.monitors.temperature_adc_valid.next = self.temperature_adc_valid.val();
        self.monitors.vcc_adc.next = self.vcc_adc.val();
        self.monitors.vcc_adc_valid.next = self.vcc_adc_valid.val();
        self.monitors.supply_current_adc.next = self.supply_current_adc.val();
        self.monitors.supply_current_adc_valid.next = self.supply_current_adc_valid.val();
        MonitorRegs::join(&mut self.registers.monitors, &mut self.monitors.regs);
        // The buses, reset only by the bus reset (a module reset must not
        // lose the response to the write that requested it).
        self.i2c.clock.next = self.clock.val();
        self.i2c.reset.next = self.reset.val();
        self.i2c.scl.next = self.i2c_scl.val();
        self.i2c.sda.next = self.i2c_sda.val();
        self.i2c_sda_low.next = self.i2c.sda_low.val();
        self.i2c.grant.next = !self.axi.active.val();
        self.i2c.rdata.next = self.registers.rdata.val();
        self.axi.clock.next = self.clock.val();
        self.axi.reset.next = self.reset.val();
        self.axi.awvalid.next = self.axi_awvalid.val();
        self.axi.awaddr.next = self.axi_awaddr.val();
        self.axi_awready.next = self.axi.awready.val();
        self.axi.wvalid.next = self.axi_wvalid.val();
        self.axi.wdata.next = self.axi_wdata.val();
        self.axi.wstrb.next = self.axi_wstrb.val();
        self.axi_wready.next = self.axi.wready.val();
        self.axi_bvalid.next = self.axi.bvalid.val();
        self.axi_bresp.next = self.axi.bresp.val();
        self.axi.bready.next = self.axi_bready.val();
        self.axi.arvalid.next = self.axi_arvalid.val();
        self.axi.araddr.next = self.axi_araddr.val();
        self.axi_arready.next = self.axi.arready.val();
        self.axi_rvalid.next = self.axi.rvalid.val();
        self.axi_rdata.next = self.axi.rdata.val();
        self.axi_rresp.next = self.axi.rresp.val();
        self.axi.rready.next = self.axi_rready.val();
        self.axi.i2c_busy.next = self.i2c.busy.val();
        self.axi.page_ok.next = self.registers.page_ok.val();
        self.axi.writable.next = self.registers.writable.val();
        self.axi.port_rdata.next = self.registers.rdata.val();
        // The byte port: the AXI slave while it is active, else the I2C
        // target.
        self.registers.dpage.next = self.axi.dpage.val();
        self.registers.dbank.next = self.axi.dbank.val();
        if self.axi.active.val() {
            self.registers.txn.next = self.axi.txn.val();
            self.registers.read.next = self.axi.read.val();
            self.registers.write.next = self.axi.write.val();
            self.registers.addr.next = self.axi.addr.val();
            self.registers.wdata.next = self.axi.wbyte.val();
            self.registers.direct.next = true;
            self.registers.hold.next = true;
        } else {
            self.registers.txn.next = self.i2c.txn.val();
            self.registers.read.next = self.i2c.read.val();
            self.registers.write.next = self.i2c.write.val();
            self.registers.addr.next = self.i2c.addr.val();
            self.registers.wdata.next = self.i2c.wdata.val();
            self.registers.direct.next = false;
            self.registers.hold.next = false;
        }
        for g in 0..self.lasers.len() {
            self.lasers[g].clock.next = self.clock.val();
            self.lasers[g].reset.next = self.reset_all.val();
            self.lasers[g].interlock.next = self.interlock.val();
            self.lasers[g].bias_adc.next = self.bias_adc[g].val();
            self.lasers[g].bias_adc_valid.next = self.bias_adc_valid[g].val();
            self.lasers[g].power_adc.next = self.power_adc[g].val();
            self.lasers[g].power_adc_valid.next = self.power_adc_valid[g].val();
            self.lasers[g].voltage_adc.next = self.voltage_adc[g].val();
            self.lasers[g].voltage_adc_valid.next = self.voltage_adc_valid[g].val();
            self.bias_dac[g].next = self.lasers[g].dac.val();
            self.driver_enable[g].next = self.lasers[g].driver_enable.val();
            LaserRegs::join(&mut self.registers.laser[g], &mut self.lasers[g].regs);
            self.laser_faults.laser_fault[g].next = self.lasers[g].regs.lane_fault.val();
        }
        self.module_ready.next =
            self.registers.state_machine.module_state.val() == self.ready_code.val();
        for i in 0..self.lanes.len() {
            self.lanes[i].clock.next = self.clock.val();
            self.lanes[i].reset.next = self.reset_all.val();
            self.lanes[i].module_ready.next = self.module_ready.val();
            self.lanes[i].laser_fault.next = self.laser_faults.lane_fault[i].val();
            self.lanes[i].rx_data.next = self.rx_data[i].val();
            self.lanes[i].rx_valid.next = self.rx_valid[i].val();
            self.lanes[i].tx_ready.next = self.tx_ready[i].val();
            self.lanes[i].host_tx_data.next = self.host_tx_data[i].val();
            self.lanes[i].host_tx_valid.next = self.host_tx_valid[i].val();
            self.rx_slip[i].next = self.lanes[i].rx_slip.val();
            self.tx_slip[i].next = self.lanes[i].tx_slip.val();
            self.host_rx_data[i].next = self.lanes[i].host_rx_data.val();
            self.host_rx_valid[i].next = self.lanes[i].host_rx_valid.val();
            self.tx_block_lock[i].next = self.lanes[i].tx_block_lock.val();
            self.rx_block_lock[i].next = self.lanes[i].rx_block_lock.val();
            self.tx_hi_ber[i].next = self.lanes[i].tx_hi_ber.val();
            self.rx_hi_ber[i].next = self.lanes[i].rx_hi_ber.val();
            self.tx_invalid_headers[i].next = self.lanes[i].tx_invalid_headers.val();
            self.tx_errored_blocks[i].next = self.lanes[i].tx_errored_blocks.val();
            self.rx_invalid_headers[i].next = self.lanes[i].rx_invalid_headers.val();
            self.rx_errored_blocks[i].next = self.lanes[i].rx_errored_blocks.val();
            DataLaneRegs::join(&mut self.registers.data_lane[i], &mut self.lanes[i].regs);
            self.tx_data[i].next = self.lanes[i].tx_data.val();
            self.tx_valid[i].next = self.lanes[i].tx_valid.val();
            self.media_chk_locked[i].next = self.lanes[i].media_chk_locked.val();
            self.media_chk_error_count[i].next = self.lanes[i].media_chk_error_count.val();
            self.media_chk_bit_count[i].next = self.lanes[i].media_chk_bit_count.val();
            self.host_chk_locked[i].next = self.lanes[i].host_chk_locked.val();
            self.host_chk_error_count[i].next = self.lanes[i].host_chk_error_count.val();
            self.host_chk_bit_count[i].next = self.lanes[i].host_chk_bit_count.val();
        }
        // The links (pages 81h/82h): each lane's path sample in, its
        // status back to the lane for the register block.
        self.link_reset.clock.next = self.clock.val();
        self.link_reset.d.next = self.reset_all.val();
        self.rx_link.clock.next = self.clock.val();
        self.rx_link.reset.next = self.link_reset.q.val();
        self.tx_link.clock.next = self.clock.val();
        self.tx_link.reset.next = self.link_reset.q.val();
        self.rx_link_ber.clock.next = self.clock.val();
        self.rx_link_ber.reset.next = self.link_reset.q.val();
        self.rx_link_ber.enable.next = self.rx_link.align_status.val();
        self.tx_link_ber.clock.next = self.clock.val();
        self.tx_link_ber.reset.next = self.link_reset.q.val();
        self.tx_link_ber.enable.next = self.tx_link.align_status.val();
        self.rx_ends.out_marker.next = self.rx_link.out_marker.val();
        self.tx_ends.row_in.next = self.tx_link.row_in.val();
        self.tx_ends.row.next = self.tx_link.row.val();
        self.tx_ends.acquire.next = self.tx_link.acquire.val();
        self.tx_ends.aligned_next.next = self.tx_link.aligned_next.val();
        for i in 0..self.lanes.len() {
            self.rx_ends.last_bip_mismatch[i].next = self.rx_link.last_bip_mismatch[i].val();
            self.tx_ends.good[i].next = self.tx_link.good[i].val();
            self.tx_ends.select[i].next = self.tx_link.select[i].val();
            self.tx_ends.last_bip_mismatch[i].next = self.tx_link.last_bip_mismatch[i].val();
            self.lanes[i].rx_deskew_valid.next = self.rx_link.out_valid.val();
            self.lanes[i].rx_deskew_block.next = self.rx_link.out_block[i].val();
            self.rx_link.valid[i].next = self.lanes[i].rx_link_valid.val();
            self.rx_link.block[i].next = self.lanes[i].rx_link_block.val();
            self.rx_link.block_lock[i].next = self.lanes[i].rx_link_lock.val();
            self.rx_link.bit_phase[i].next = self.lanes[i].rx_link_phase.val();
            self.rx_link.clear_deskew_error[i].next = self.clear_every_edge.val();
            self.tx_link.valid[i].next = self.lanes[i].tx_link_valid.val();
            self.tx_link.block[i].next = self.lanes[i].tx_link_block.val();
            self.tx_link.block_lock[i].next = self.lanes[i].tx_link_lock.val();
            self.tx_link.bit_phase[i].next = self.lanes[i].tx_link_phase.val();
            self.tx_link.clear_deskew_error[i].next = self.clear_every_edge.val();
            self.rx_link_ber.valid[i].next = self.lanes[i].rx_link_valid.val();
            self.rx_link_ber.header[i].next = self.lanes[i].rx_link_block.val().get_bits::<2>(0);
            self.tx_link_ber.valid[i].next = self.lanes[i].tx_link_valid.val();
            self.tx_link_ber.header[i].next = self.lanes[i].tx_link_block.val().get_bits::<2>(0);
            self.lanes[i].rx_link_hi_ber.next = self.rx_link_ber.hi_ber.val();
            self.lanes[i].tx_link_hi_ber.next = self.tx_link_ber.hi_ber.val();
            self.rx_link_hi_ber[i].next = self.lanes[i].rx_link_hi_ber.val();
            self.tx_link_hi_ber[i].next = self.lanes[i].tx_link_hi_ber.val();

            self.rx_number[i].narrow.next = self.rx_link.lane_number[i].val();
            self.tx_number[i].narrow.next = self.tx_link.lane_number[i].val();
            if self.rx_link.am_lock[i].val() {
                self.lanes[i].rx_lane_number.next = self.rx_number[i].wide.val();
            } else {
                self.lanes[i].rx_lane_number.next = self.no_lane_number.val();
            }
            if self.tx_link.am_lock[i].val() {
                self.lanes[i].tx_lane_number.next = self.tx_number[i].wide.val();
            } else {
                self.lanes[i].tx_lane_number.next = self.no_lane_number.val();
            }
            self.rx_bits_wide[i].narrow.next = self.rx_link.skew_bits[i].val();
            self.tx_bits_wide[i].narrow.next = self.tx_link.skew_bits[i].val();
            self.lanes[i].rx_skew_bits.next = self.rx_bits_wide[i].wide.val();
            self.lanes[i].tx_skew_bits.next = self.tx_bits_wide[i].wide.val();
            self.lanes[i].rx_am_lock.next = self.rx_link.am_lock[i].val();
            self.lanes[i].tx_am_lock.next = self.tx_link.am_lock[i].val();
            self.lanes[i].rx_lane_aligned.next = self.rx_link.align_status.val();
            self.lanes[i].tx_lane_aligned.next = self.tx_link.align_status.val();
            self.lanes[i].rx_skew_valid.next = self.rx_link.skew_measured.val();
            self.lanes[i].tx_skew_valid.next = self.tx_link.skew_measured.val();
            self.lanes[i].rx_deskew_error.next = self.rx_link.deskew_error[i].val();
            self.lanes[i].tx_deskew_error.next = self.tx_link.deskew_error[i].val();
            self.lanes[i].rx_skew_blocks.next = self.rx_link.skew_blocks[i].val();
            self.lanes[i].tx_skew_blocks.next = self.tx_link.skew_blocks[i].val();
            self.lanes[i].rx_bip_errors.next = self.rx_link.bip_errors[i].val();
            self.lanes[i].tx_bip_errors.next = self.tx_link.bip_errors[i].val();
            self.rx_am_lock[i].next = self.lanes[i].rx_am_lock.val();
            self.rx_lane_aligned[i].next = self.lanes[i].rx_lane_aligned.val();
            self.rx_skew_valid[i].next = self.lanes[i].rx_skew_valid.val();
            self.rx_deskew_error[i].next = self.lanes[i].rx_deskew_error.val();
            self.rx_lane_number[i].next = self.lanes[i].rx_lane_number.val();
            self.rx_skew_blocks[i].next = self.lanes[i].rx_skew_blocks.val();
            self.rx_skew_bits[i].next = self.lanes[i].rx_skew_bits.val();
            self.rx_bip_errors[i].next = self.lanes[i].rx_bip_errors.val();
            self.tx_am_lock[i].next = self.lanes[i].tx_am_lock.val();
            self.tx_lane_aligned[i].next = self.lanes[i].tx_lane_aligned.val();
            self.tx_skew_valid[i].next = self.lanes[i].tx_skew_valid.val();
            self.tx_deskew_error[i].next = self.lanes[i].tx_deskew_error.val();
            self.tx_lane_number[i].next = self.lanes[i].tx_lane_number.val();
            self.tx_skew_blocks[i].next = self.lanes[i].tx_skew_blocks.val();
            self.tx_skew_bits[i].next = self.lanes[i].tx_skew_bits.val();
            self.tx_bip_errors[i].next = self.lanes[i].tx_bip_errors.val();
        }
    }
}
