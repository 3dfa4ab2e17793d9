//! The top module's ports as Rust structs.
//!
//! Each per-lane port is declared once, in the tables below, with its width
//! and meaning. From that declaration come the struct fields, the port list
//! used to emit the Verilog wrapper and the Verilator shim, and the generic
//! accessors the lockstep runner uses to compare and report ports by name.
//!
//! In the emitted `xpo_engine` module every per-lane port becomes one packed
//! bus across lanes, lane 0 in the least significant bits (the convention of
//! multi-lane transceiver wrappers), e.g. `rx_data[8*66-1:0]`.

use serde::{Deserialize, Serialize};

/// One per-lane port of the top module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSpec {
    /// Port name, the same in Rust, in Verilog and in reports.
    pub name: &'static str,
    /// Bits per lane.
    pub width: usize,
    /// What it carries.
    pub doc: &'static str,
    /// A simulation probe, not a pin: internal state the lockstep compares
    /// every cycle, which a host reads over the management bus instead.
    /// `xpo_engine` declares probe ports only when [`PROBES_DEFINE`] is
    /// defined (the Verilator build does; FPGA projects do not), so the
    /// engine an FPGA project instantiates has no such pins.
    pub probe: bool,
}

/// The Verilog macro that gives `xpo_engine` its simulation probe ports
/// ([`PortSpec::probe`]).
pub const PROBES_DEFINE: &str = "XPO_SIM_PROBES";

/// A Rust field type that carries a port value of up to 128 bits.
pub trait PortValue: Copy {
    fn to_port(self) -> u128;
    fn from_port(v: u128) -> Self;
}

impl PortValue for bool {
    fn to_port(self) -> u128 {
        self as u128
    }
    fn from_port(v: u128) -> Self {
        v & 1 != 0
    }
}

macro_rules! port_value_int {
    ($($t:ty),*) => {$(
        impl PortValue for $t {
            fn to_port(self) -> u128 {
                self as u128
            }
            fn from_port(v: u128) -> Self {
                v as $t
            }
        }
    )*};
}
port_value_int!(u8, u16, u32, u64, u128);

/// One port of the emitted top module `xpo_engine` as a whole packed bus
/// (all lanes), `clock` and `reset` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopPort {
    pub name: &'static str,
    /// Total width: bits per lane times the lanes it spans.
    pub width: usize,
    pub input: bool,
    /// Declared only under [`PROBES_DEFINE`] ([`PortSpec::probe`]).
    pub probe: bool,
}

/// Every port of `xpo_engine` for `lanes` data lanes and `lasers` laser
/// lanes, in the order it declares them: clock and reset, management,
/// lane, laser. The wrappers around it (the simulation one in `xpo-sim`,
/// the FPGA pin wrapper in `xpo-fpga`) are generated from this list.
pub fn top_ports(lanes: usize, lasers: usize) -> Vec<TopPort> {
    let mut v = vec![
        TopPort {
            name: "clock",
            width: 1,
            input: true,
            probe: false,
        },
        TopPort {
            name: "reset",
            width: 1,
            input: true,
            probe: false,
        },
    ];
    for (table, n, input) in [
        (MgmtInputs::PORTS, 1, true),
        (MgmtOutputs::PORTS, 1, false),
        (LaneInputs::PORTS, lanes, true),
        (LaneOutputs::PORTS, lanes, false),
        (LaserInputs::PORTS, lasers, true),
        (LaserOutputs::PORTS, lasers, false),
    ] {
        v.extend(table.iter().map(|p| TopPort {
            name: p.name,
            width: p.width * n,
            input,
            probe: p.probe,
        }));
    }
    v
}

/// Mask of the low `width` bits.
pub fn width_mask(width: usize) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

macro_rules! port_table {
    (@probe) => { false };
    (@probe probe) => { true };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( #[doc = $doc:literal] $(#[$probe:ident])? $field:ident : $ty:ty = $width:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $( #[doc = $doc] pub $field: $ty, )*
        }

        impl $name {
            /// The ports in declaration order, which is also the packing order.
            pub const PORTS: &'static [PortSpec] = &[
                $( PortSpec {
                    name: stringify!($field),
                    width: $width,
                    doc: $doc.trim_ascii(),
                    probe: port_table!(@probe $($probe)?),
                }, )*
            ];

            /// Calls `f(port index, value)` for every port, in table order.
            #[inline]
            pub fn visit(&self, mut f: impl FnMut(usize, u128)) {
                let mut i = 0usize;
                $(
                    f(i, PortValue::to_port(self.$field));
                    i += 1;
                )*
                let _ = i;
            }

            /// Sets every port from `f(port index)`, in table order; bits
            /// above a port's width are dropped.
            #[inline]
            pub fn load(&mut self, mut f: impl FnMut(usize) -> u128) {
                let mut i = 0usize;
                $(
                    self.$field = PortValue::from_port(f(i) & width_mask($width));
                    i += 1;
                )*
                let _ = i;
            }

            /// Value of port number `port` (index into `PORTS`).
            #[inline]
            pub fn get(&self, port: usize) -> u128 {
                let mut i = 0usize;
                $(
                    if port == i {
                        return PortValue::to_port(self.$field);
                    }
                    i += 1;
                )*
                let _ = i;
                panic!("port index {port} out of range for {}", stringify!($name))
            }

            /// Sets port number `port`; bits above its width are dropped.
            #[inline]
            pub fn set(&mut self, port: usize, value: u128) {
                let mut i = 0usize;
                $(
                    if port == i {
                        self.$field = PortValue::from_port(value & width_mask($width));
                        return;
                    }
                    i += 1;
                )*
                let _ = i;
                panic!("port index {port} out of range for {}", stringify!($name))
            }
        }
    };
}

port_table! {
    /// Inputs of one lane, sampled on the rising edge.
    pub struct LaneInputs {
        /// Received 66-bit word from the SerDes gearbox, bit 0 first on the wire.
        rx_data: u128 = 66,
        /// `rx_data` holds a new word this cycle (gearbox gaps are low cycles).
        rx_valid: bool = 1,
        /// The media serializer takes a word this cycle: paces the media-side PRBS generator (retimed data follows its input's `valid` instead).
        tx_ready: bool = 1,
        /// Host SerDes gearbox word into the Tx path, bit 0 first on the wire.
        host_tx_data: u128 = 66,
        /// `host_tx_data` holds a new word this cycle.
        host_tx_valid: bool = 1,
    }
}

port_table! {
    /// Outputs of one lane, as they stand after the rising edge.
    pub struct LaneOutputs {
        /// Media transmit word (the Tx path's output, or the media-side PRBS generator's while 13h:152 enables it), bit 0 first on the wire.
        tx_data: u128 = 66,
        /// `tx_data` holds a new word this cycle.
        tx_valid: bool = 1,
        /// Bit-slip request to the media Rx gearbox (one cycle).
        rx_slip: bool = 1,
        /// Rx path output word to the host SerDes.
        host_rx_data: u128 = 66,
        /// `host_rx_data` holds a new word this cycle.
        host_rx_valid: bool = 1,
        /// Bit-slip request to the host Tx gearbox (one cycle).
        tx_slip: bool = 1,
        /// Tx path (host input) 64b/66b block lock.
        tx_block_lock: bool = 1,
        /// Rx path (media input) 64b/66b block lock.
        rx_block_lock: bool = 1,
        /// Tx path hi-BER (clause 49 monitor).
        tx_hi_ber: bool = 1,
        /// Rx path hi-BER.
        rx_hi_ber: bool = 1,
        /// Tx path invalid sync headers counted while locked (saturating).
        tx_invalid_headers: u32 = 32,
        /// Tx path errored blocks (invalid header or block type) counted while locked.
        tx_errored_blocks: u32 = 32,
        /// Rx path invalid sync headers counted while locked.
        rx_invalid_headers: u32 = 32,
        /// Rx path errored blocks counted while locked.
        rx_errored_blocks: u32 = 32,
        /// Probe: the media-side PRBS checker (13h:168..175, watching the Rx path's input) is locked to the received pattern and counting. A host reads the checkers on page 14h; the probes let the lockstep compare them every cycle.
        #[probe]
        media_chk_locked: bool = 1,
        /// Probe: media-side checker bit errors counted while locked (saturating; 14h DiagnosticsSelector 4/5).
        #[probe]
        media_chk_error_count: u64 = 64,
        /// Probe: media-side checker bits compared while locked (saturating); BER = errors / bits.
        #[probe]
        media_chk_bit_count: u64 = 64,
        /// Probe: the host-side PRBS checker (13h:160..167, watching the Tx path's input) is locked.
        #[probe]
        host_chk_locked: bool = 1,
        /// Probe: host-side checker bit errors counted while locked (saturating; 14h DiagnosticsSelector 2/3).
        #[probe]
        host_chk_error_count: u64 = 64,
        /// Probe: host-side checker bits compared while locked (saturating).
        #[probe]
        host_chk_bit_count: u64 = 64,
        /// Probe: the receive (media to host) link's alignment-marker lock on this lane (page 81h RxAmLock).
        #[probe]
        rx_am_lock: bool = 1,
        /// Probe: the receive (media to host) link is aligned (align_status).
        #[probe]
        rx_lane_aligned: bool = 1,
        /// Probe: the receive (media to host) link's skew fields hold a measurement.
        #[probe]
        rx_skew_valid: bool = 1,
        /// Probe: a marker instant measured this lane's receive (media to host) skew out of range (an event; the register block latches it).
        #[probe]
        rx_deskew_error: bool = 1,
        /// Probe: the PCS lane number this lane's receive (media to host) markers carry, FFh while not AM-locked.
        #[probe]
        rx_lane_number: u8 = 8,
        /// Probe: this lane's receive (media to host) skew in blocks.
        #[probe]
        rx_skew_blocks: u16 = 16,
        /// Probe: this lane's receive (media to host) skew in bits.
        #[probe]
        rx_skew_bits: u32 = 32,
        /// Probe: this lane's receive (media to host) BIP-8 errors (saturating).
        #[probe]
        rx_bip_errors: u32 = 32,
        /// Probe: the receive (media to host) link's hi-BER (clause 82's BER monitor over all its lanes; the same on every lane).
        #[probe]
        rx_link_hi_ber: bool = 1,
        /// Probe: the transmit (host to media) link's alignment-marker lock on this lane (page 82h TxAmLock).
        #[probe]
        tx_am_lock: bool = 1,
        /// Probe: the transmit (host to media) link is aligned (align_status).
        #[probe]
        tx_lane_aligned: bool = 1,
        /// Probe: the transmit (host to media) link's skew fields hold a measurement.
        #[probe]
        tx_skew_valid: bool = 1,
        /// Probe: a marker instant measured this lane's transmit (host to media) skew out of range (an event; the register block latches it).
        #[probe]
        tx_deskew_error: bool = 1,
        /// Probe: the PCS lane number this lane's transmit (host to media) markers carry, FFh while not AM-locked.
        #[probe]
        tx_lane_number: u8 = 8,
        /// Probe: this lane's transmit (host to media) skew in blocks.
        #[probe]
        tx_skew_blocks: u16 = 16,
        /// Probe: this lane's transmit (host to media) skew in bits.
        #[probe]
        tx_skew_bits: u32 = 32,
        /// Probe: this lane's transmit (host to media) BIP-8 errors (saturating).
        #[probe]
        tx_bip_errors: u32 = 32,
        /// Probe: the transmit (host to media) link's hi-BER (clause 82's BER monitor over all its lanes; the same on every lane).
        #[probe]
        tx_link_hi_ber: bool = 1,
    }
}

port_table! {
    /// Management inputs: the CMIS two-wire interface (I2C target at 50h),
    /// an AXI4-Lite slave (32-bit data; each word holds 4 bytes of the
    /// linear optoe layout, see `regmap::linear_address`), and the module
    /// pins. Both buses reach the same register block; see `xpo_hdl::cmis`
    /// for their cycle contracts and arbitration.
    pub struct MgmtInputs {
        /// SCL as it is on the bus (wired-AND of every driver; idle high).
        i2c_scl: bool = 1,
        /// SDA as it is on the bus, including this engine's own pull-down.
        i2c_sda: bool = 1,
        /// AXI write address valid.
        axi_awvalid: bool = 1,
        /// AXI write address: a byte address in the linear layout; bits 1:0 are ignored.
        axi_awaddr: u32 = 32,
        /// AXI write data valid.
        axi_wvalid: bool = 1,
        /// AXI write data; byte k of the word is linear address + k.
        axi_wdata: u32 = 32,
        /// AXI write strobes, one per byte lane.
        axi_wstrb: u8 = 4,
        /// AXI write response accepted.
        axi_bready: bool = 1,
        /// AXI read address valid.
        axi_arvalid: bool = 1,
        /// AXI read address (linear layout; bits 1:0 ignored).
        axi_araddr: u32 = 32,
        /// AXI read data accepted.
        axi_rready: bool = 1,
        /// Module reset pin (CMIS ResetL asserted): resets the whole module but not the bus interfaces.
        module_reset: bool = 1,
        /// Low-power pin (CMIS LPMode): requests ModuleLowPwr when LowPwrAllowRequestHW is set.
        low_power_pin: bool = 1,
        /// Laser safety interlock (synchronous): every laser dark in the same cycle while high.
        interlock: bool = 1,
        /// Module fault (a board supervisor's fault output: power-good lost, over-temperature shutdown): ModuleFault until a module reset.
        module_fault: bool = 1,
        /// Module temperature sensor ADC code.
        temperature_adc: u16 = 16,
        /// `temperature_adc` holds a new conversion this cycle.
        temperature_adc_valid: bool = 1,
        /// Supply-voltage sense ADC code.
        vcc_adc: u16 = 16,
        /// `vcc_adc` holds a new conversion this cycle.
        vcc_adc_valid: bool = 1,
        /// Module supply-current sense ADC code (ELSFP 1Bh:240).
        supply_current_adc: u16 = 16,
        /// `supply_current_adc` holds a new conversion this cycle.
        supply_current_adc_valid: bool = 1,
    }
}

impl MgmtInputs {
    /// Idle buses: I2C lines released (high), no AXI requests, pins
    /// deasserted.
    pub fn idle() -> Self {
        Self {
            i2c_scl: true,
            i2c_sda: true,
            ..Default::default()
        }
    }
}

port_table! {
    /// Management outputs of the engine.
    pub struct MgmtOutputs {
        /// Open-drain SDA: 1 pulls the line low, 0 releases it.
        i2c_sda_low: bool = 1,
        /// AXI write address ready.
        axi_awready: bool = 1,
        /// AXI write data ready.
        axi_wready: bool = 1,
        /// AXI write response valid.
        axi_bvalid: bool = 1,
        /// AXI write response: 0 OKAY, 2 SLVERR (nothing was written).
        axi_bresp: u8 = 2,
        /// AXI read address ready.
        axi_arready: bool = 1,
        /// AXI read data valid.
        axi_rvalid: bool = 1,
        /// AXI read data.
        axi_rdata: u32 = 32,
        /// AXI read response: 0 OKAY, 2 SLVERR (unimplemented page, bank or address).
        axi_rresp: u8 = 2,
        /// IntL, active low: 0 while an unmasked latched flag is set.
        int_l: bool = 1,
    }
}

port_table! {
    /// Inputs of one laser lane: its converters, sampled on the rising edge.
    pub struct LaserInputs {
        /// Bias-sense ADC code.
        bias_adc: u16 = 16,
        /// `bias_adc` holds a new conversion this cycle.
        bias_adc_valid: bool = 1,
        /// Monitor-photodiode ADC code.
        power_adc: u16 = 16,
        /// `power_adc` holds a new conversion this cycle.
        power_adc_valid: bool = 1,
        /// Laser forward-voltage sense ADC code.
        voltage_adc: u16 = 16,
        /// `voltage_adc` holds a new conversion this cycle.
        voltage_adc_valid: bool = 1,
    }
}

port_table! {
    /// Outputs of one laser lane.
    pub struct LaserOutputs {
        /// Bias DAC code (the low `laser.dac_bits` bits are used).
        bias_dac: u16 = 16,
        /// Laser driver enable.
        driver_enable: bool = 1,
    }
}

/// Where a port is: a management port, a data lane's or a laser lane's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Place {
    Management,
    Lane(usize),
    Laser(usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Management => write!(f, "management"),
            Self::Lane(l) => write!(f, "lane {l}"),
            Self::Laser(l) => write!(f, "laser {l}"),
        }
    }
}

/// All inputs of the top module for one cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineInputs {
    /// Synchronous reset, active high: every register returns to its reset
    /// value at this edge.
    pub reset: bool,
    /// The management buses and pins.
    pub mgmt: MgmtInputs,
    /// Per-lane inputs, lane 0 first.
    pub lanes: Vec<LaneInputs>,
    /// Per-laser-lane inputs, laser 0 first.
    pub lasers: Vec<LaserInputs>,
}

impl EngineInputs {
    /// Idle inputs for `lanes` data lanes and `lasers` laser lanes.
    pub fn new(lanes: usize, lasers: usize) -> Self {
        Self {
            reset: false,
            mgmt: MgmtInputs::idle(),
            lanes: vec![LaneInputs::default(); lanes],
            lasers: vec![LaserInputs::default(); lasers],
        }
    }

    /// Idle inputs for `cfg`'s lane counts.
    pub fn for_config(cfg: &crate::EngineConfig) -> Self {
        Self::new(cfg.lanes, cfg.laser_lanes)
    }
}

/// All outputs of the top module after one cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineOutputs {
    /// Management outputs.
    pub mgmt: MgmtOutputs,
    /// Per-lane outputs, lane 0 first.
    pub lanes: Vec<LaneOutputs>,
    /// Per-laser-lane outputs, laser 0 first.
    pub lasers: Vec<LaserOutputs>,
}

impl EngineOutputs {
    /// Zeroed outputs for `lanes` data lanes and `lasers` laser lanes.
    pub fn new(lanes: usize, lasers: usize) -> Self {
        Self {
            mgmt: MgmtOutputs::default(),
            lanes: vec![LaneOutputs::default(); lanes],
            lasers: vec![LaserOutputs::default(); lasers],
        }
    }

    /// Zeroed outputs for `cfg`'s lane counts.
    pub fn for_config(cfg: &crate::EngineConfig) -> Self {
        Self::new(cfg.lanes, cfg.laser_lanes)
    }

    /// Every `(place, port)` where `self` and `other` differ: management
    /// ports first, then data lanes, then laser lanes, in port order.
    pub fn differences(&self, other: &Self) -> Vec<(Place, &'static PortSpec)> {
        let mut diffs = Vec::new();
        for (i, p) in MgmtOutputs::PORTS.iter().enumerate() {
            if self.mgmt.get(i) != other.mgmt.get(i) {
                diffs.push((Place::Management, p));
            }
        }
        for (lane, (a, b)) in self.lanes.iter().zip(&other.lanes).enumerate() {
            if a != b {
                for (i, p) in LaneOutputs::PORTS.iter().enumerate() {
                    if a.get(i) != b.get(i) {
                        diffs.push((Place::Lane(lane), p));
                    }
                }
            }
        }
        for (laser, (a, b)) in self.lasers.iter().zip(&other.lasers).enumerate() {
            if a != b {
                for (i, p) in LaserOutputs::PORTS.iter().enumerate() {
                    if a.get(i) != b.get(i) {
                        diffs.push((Place::Laser(laser), p));
                    }
                }
            }
        }
        diffs
    }

    /// The value of output `port` at `place`.
    pub fn value(&self, place: Place, port: &str) -> Option<u128> {
        match place {
            Place::Management => MgmtOutputs::PORTS
                .iter()
                .position(|p| p.name == port)
                .map(|i| self.mgmt.get(i)),
            Place::Lane(l) => {
                let i = LaneOutputs::PORTS.iter().position(|p| p.name == port)?;
                self.lanes.get(l).map(|o| o.get(i))
            }
            Place::Laser(l) => {
                let i = LaserOutputs::PORTS.iter().position(|p| p.name == port)?;
                self.lasers.get(l).map(|o| o.get(i))
            }
        }
    }
}

/// How the ports are laid out as 64-bit words when they cross into C++ (the
/// Verilator shim): for inputs, word 0 bit 0 is `reset`; then one word per
/// management port (all are at most 64 bits); then one slot per (port,
/// lane), port-major, each slot `ceil(width / 64)` words, low word first;
/// then one word per (laser port, laser lane), port-major (laser ports are
/// at most 64 bits). The shim generator and the Rust packer both use this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordLayout {
    /// Word of each management port, in table order.
    pub mgmt_offsets: Vec<usize>,
    /// First word of each port's lane-0 slot, in table order.
    pub port_offsets: Vec<usize>,
    /// Words per slot, in table order.
    pub slot_words: Vec<usize>,
    /// Word of each laser port's laser-0 value, in table order.
    pub laser_offsets: Vec<usize>,
    /// Total words.
    pub words: usize,
}

impl WordLayout {
    fn new(
        mgmt: &[PortSpec],
        ports: &[PortSpec],
        lanes: usize,
        laser_ports: &[PortSpec],
        lasers: usize,
        header_words: usize,
    ) -> Self {
        let mut port_offsets = Vec::new();
        let mut slot_words = Vec::new();
        let mgmt_offsets: Vec<usize> = (0..mgmt.len()).map(|i| header_words + i).collect();
        let mut at = header_words + mgmt.len();
        for p in ports {
            let w = p.width.div_ceil(64);
            port_offsets.push(at);
            slot_words.push(w);
            at += w * lanes;
        }
        let mut laser_offsets = Vec::new();
        for p in laser_ports {
            assert!(p.width <= 64, "laser port {} wider than a word", p.name);
            laser_offsets.push(at);
            at += lasers;
        }
        Self {
            mgmt_offsets,
            port_offsets,
            slot_words,
            laser_offsets,
            words: at,
        }
    }

    /// Layout of the inputs (one header word for `reset`).
    pub fn inputs(lanes: usize, lasers: usize) -> Self {
        Self::new(
            MgmtInputs::PORTS,
            LaneInputs::PORTS,
            lanes,
            LaserInputs::PORTS,
            lasers,
            1,
        )
    }

    /// Layout of the outputs (no header).
    pub fn outputs(lanes: usize, lasers: usize) -> Self {
        Self::new(
            MgmtOutputs::PORTS,
            LaneOutputs::PORTS,
            lanes,
            LaserOutputs::PORTS,
            lasers,
            0,
        )
    }

    /// First word of `(port, lane)`.
    #[inline]
    pub fn slot(&self, port: usize, lane: usize) -> usize {
        self.port_offsets[port] + lane * self.slot_words[port]
    }

    /// Packs inputs into `words` (length `self.words`).
    pub fn pack_inputs(&self, inputs: &EngineInputs, words: &mut [u64]) {
        words[0] = inputs.reset as u64;
        inputs
            .mgmt
            .visit(|p, v| words[self.mgmt_offsets[p]] = v as u64);
        for (lane, l) in inputs.lanes.iter().enumerate() {
            l.visit(|p, v| {
                let at = self.slot(p, lane);
                words[at] = v as u64;
                if self.slot_words[p] == 2 {
                    words[at + 1] = (v >> 64) as u64;
                }
            });
        }
        for (laser, l) in inputs.lasers.iter().enumerate() {
            l.visit(|p, v| words[self.laser_offsets[p] + laser] = v as u64);
        }
    }

    /// Unpacks outputs from `words` (length `self.words`).
    pub fn unpack_outputs(&self, words: &[u64], outputs: &mut EngineOutputs) {
        outputs.mgmt.load(|p| words[self.mgmt_offsets[p]] as u128);
        for (lane, l) in outputs.lanes.iter_mut().enumerate() {
            l.load(|p| {
                let at = self.slot(p, lane);
                let lo = words[at] as u128;
                if self.slot_words[p] == 2 {
                    lo | (words[at + 1] as u128) << 64
                } else {
                    lo
                }
            });
        }
        for (laser, l) in outputs.lasers.iter_mut().enumerate() {
            l.load(|p| words[self.laser_offsets[p] + laser] as u128);
        }
    }
}

// The link ports of both sides, by `LinkProbes` field.
use crate::retimer::{link_fields, link_sides};
link_fields!(link_sides!(probes LaneOutputs;));

#[cfg(test)]
mod tests {
    use super::*;

    /// Each side's link reaches its own `rx_*`/`tx_*` fields, and only them.
    #[test]
    fn link_sides_reach_their_own_fields() {
        use crate::retimer::{LinkProbes, LinkSide};
        let rx = LinkProbes {
            am_lock: true,
            lane_aligned: false,
            skew_valid: true,
            deskew_error: false,
            lane_number: 5,
            skew_blocks: 300,
            skew_bits: 19_800,
            bip_errors: 7,
            hi_ber: true,
        };
        let mut o = LaneOutputs::default();
        o.set_link(LinkSide::Rx, &rx);
        assert_eq!(o.link(LinkSide::Rx), rx);
        assert_eq!(o.link(LinkSide::Tx), LinkProbes::default());
        assert_eq!(
            (o.rx_lane_number, o.rx_skew_bits, o.tx_skew_bits),
            (5, 19_800, 0)
        );
        let mut r = crate::hwif::DataLaneRegs::default();
        r.set_link(LinkSide::Tx, &rx);
        assert_eq!(
            (r.tx_am_lock, r.tx_skew_blocks, r.tx_bip_errors),
            (1, 300, 7)
        );
        assert_eq!((r.rx_am_lock, r.rx_skew_blocks), (0, 0));
    }

    #[test]
    fn get_set_follow_the_table() {
        let mut l = LaneInputs::default();
        for (i, p) in LaneInputs::PORTS.iter().enumerate() {
            l.set(i, u128::MAX);
            assert_eq!(l.get(i), width_mask(p.width), "{}", p.name);
        }
        assert!(l.host_tx_valid && l.tx_ready);
        assert_eq!(l.rx_data, (1u128 << 66) - 1);
        assert_eq!(LaneOutputs::PORTS[2].name, "rx_slip");
        assert!(!LaneOutputs::PORTS[0].doc.is_empty());
    }

    #[test]
    fn layout_round_trips_and_widths_fit_two_words() {
        assert!(LaneInputs::PORTS
            .iter()
            .chain(LaneOutputs::PORTS)
            .all(|p| p.width <= 128));
        let lay = WordLayout::inputs(3, 2);
        let m = MgmtInputs::PORTS.len();
        assert_eq!(lay.mgmt_offsets, (1..1 + m).collect::<Vec<_>>());
        assert_eq!(lay.port_offsets[0], 1 + m);
        assert_eq!(lay.slot_words[0], 2); // rx_data: 66 bits
        assert_eq!(lay.port_offsets[1], 1 + m + 2 * 3);
        let mut inp = EngineInputs::new(3, 2);
        inp.reset = true;
        inp.lanes[2].rx_data = (1u128 << 65) | 5;
        inp.lanes[1].host_tx_valid = true;
        let mut words = vec![0; lay.words];
        lay.pack_inputs(&inp, &mut words);
        assert_eq!(words[0], 1);
        assert_eq!(words[lay.slot(0, 2)], 5);
        assert_eq!(words[lay.slot(0, 2) + 1], 2);
        let out_lay = WordLayout::outputs(3, 2);
        let mut out = EngineOutputs::new(3, 2);
        out.mgmt.axi_rdata = 0xA5A5_5A5A;
        out.mgmt.int_l = true;
        out.lanes[1].tx_data = (3u128 << 64) | 1;
        out.lanes[2].media_chk_bit_count = u64::MAX;
        let mut w = vec![0; out_lay.words];
        out.mgmt.visit(|p, v| w[out_lay.mgmt_offsets[p]] = v as u64);
        for (lane, l) in out.lanes.iter().enumerate() {
            l.visit(|p, v| {
                let at = out_lay.slot(p, lane);
                w[at] = v as u64;
                if out_lay.slot_words[p] == 2 {
                    w[at + 1] = (v >> 64) as u64;
                }
            });
        }
        let mut back = EngineOutputs::new(3, 2);
        out_lay.unpack_outputs(&w, &mut back);
        assert_eq!(back, out);
    }

    #[test]
    fn differences_name_lane_and_port() {
        let a = EngineOutputs::new(3, 2);
        let mut b = a.clone();
        b.lanes[2].media_chk_locked = true;
        b.mgmt.axi_bvalid = true;
        let d = a.differences(&b);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].0, d[0].1.name), (Place::Management, "axi_bvalid"));
        assert_eq!((d[1].0, d[1].1.name), (Place::Lane(2), "media_chk_locked"));
        assert_eq!(b.value(Place::Lane(2), "media_chk_locked"), Some(1));
        assert_eq!(b.value(Place::Management, "axi_bvalid"), Some(1));
    }
}
