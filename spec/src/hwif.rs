//! The register block's hardware interface, declared once.
//!
//! Every map row with a hardware role (`Field::hw`) names a port; this
//! table says which block on the other side of the register block owns
//! that port, its width and its direction. A port is declared here and
//! nowhere else:
//!
//! - the RTL gets a pair of rust-hdl `LogicInterface` bundles per entry
//!   (`xpo_hdl::cmis::hwif`): the register block holds one, the block
//!   that produces or consumes the values holds its mirror, and the core
//!   joins the two in one statement;
//! - the host model gets the plain-value structs below, which its register
//!   memory fills and reads by the rows' roles ([`crate::regmap`]);
//! - the map rows take their port widths from here, and a test checks that
//!   every row's role agrees with the direction declared here and that no
//!   declared port lacks a row.
//!
//! Adding a hardware-driven field is therefore: its row (with its role),
//! one line here, and the logic that produces or consumes it.

/// Which way a hardware port carries values, seen from the register block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HwDir {
    /// Hardware to registers: a monitor, a state, a flag (row roles
    /// `Input` and `Latch`).
    Status,
    /// Registers to hardware: a control value or a pulse (row roles
    /// `Control` and `Pulse`).
    Control,
}

/// Whether a bundle exists once, once per laser lane or once per data
/// lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BundleScope {
    Module,
    Laser,
    Lane,
}

/// One port of a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HwSignal {
    /// The port name, as on the map row (`Hw::port`).
    pub name: &'static str,
    pub width: u8,
    pub dir: HwDir,
}

/// One bundle: its type name, the register block's member holding it, and
/// its ports in declaration order (the order of `get`/`set` indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleSpec {
    pub name: &'static str,
    /// The bundle as a value: the register block and the model dispatch on
    /// it (an exhaustive `match`, so a new bundle is a compile error until
    /// both hold it), never on `member`'s text.
    pub id: BundleId,
    /// The register block's field name (`state_machine`, `laser`, ...):
    /// the first part of the Verilog port names (`laser$3$lane_state`).
    pub member: &'static str,
    pub scope: BundleScope,
    pub signals: &'static [HwSignal],
}

impl BundleSpec {
    /// The index of port `name` in this bundle.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.signals.iter().position(|s| s.name == name)
    }
}

/// The declaration. `$m` is a callback macro that receives the table:
/// `Name / MirrorName (member, Scope) { port: status|control width, ... }`
/// per bundle, where `Name` is the register block's side and `MirrorName`
/// the producing or consuming block's side.
#[macro_export]
macro_rules! hw_bundles {
    ($m:ident) => {
        $m! {
            /// The module state machine (CMIS 6.3.2): its state and
            /// state-change flag in, the software low-power controls out.
            ModuleStateRegs / ModuleStatePort (state_machine, Module) {
                module_state: status 3,
                module_state_changed: status 1,
                low_pwr_request_sw: control 1,
                low_pwr_allow_request_hw: control 1,
            }
            /// The module monitors (CMIS lower page 14..17, page 02h
            /// thresholds, lower byte 9 flags; ELSFP 1Bh:240 supply current).
            MonitorRegs / MonitorPort (monitors, Module) {
                temperature: status 16,
                vcc: status 16,
                supply_current: status 16,
                temp_ha: control 16,
                temp_la: control 16,
                temp_hw: control 16,
                temp_lw: control 16,
                vcc_ha: control 16,
                vcc_la: control 16,
                vcc_hw: control 16,
                vcc_lw: control 16,
                flag_temp_ha: status 1,
                flag_temp_la: status 1,
                flag_temp_hw: status 1,
                flag_temp_lw: status 1,
                flag_vcc_ha: status 1,
                flag_vcc_la: status 1,
                flag_vcc_hw: status 1,
                flag_vcc_lw: status 1,
            }
            /// Commands to the core: SoftwareReset (lower byte 26 bit 3)
            /// resets the module.
            CommandRegs / CommandPort (commands, Module) {
                software_reset: control 1,
            }
            /// One ELSFP laser lane (pages 1Ah, 1Bh): its controls,
            /// thresholds, state, codes, monitors and flags.
            LaserRegs / LaserPort (laser, Laser) {
                laser_enable: control 1,
                fiber_checked: control 1,
                laser_apc: control 1,
                check_power: control 16,
                bias_setpoint: control 16,
                power_setpoint: control 16,
                bias_ha: control 16,
                bias_la: control 16,
                bias_hw: control 16,
                bias_lw: control 16,
                power_ha: control 16,
                power_la: control 16,
                power_hw: control 16,
                power_lw: control 16,
                lane_state: status 2,
                fault_code: status 4,
                warning_code: status 4,
                lane_fault: status 1,
                lane_warning: status 1,
                bias_monitor: status 16,
                power_monitor: status 16,
                lane_voltage: status 8,
                flag_bias_ha: status 1,
                flag_bias_la: status 1,
                flag_bias_hw: status 1,
                flag_bias_lw: status 1,
                flag_power_ha: status 1,
                flag_power_la: status 1,
                flag_power_hw: status 1,
                flag_power_lw: status 1,
            }
            /// One data lane (CMIS pages 10h and 11h): its data-path
            /// state machine (DPDeinit, ApplyDPInit, the staged and active
            /// DPConfig, ConfigStatus, DPInitPending, the state and its
            /// change flag) and its retimer's controls, output status and
            /// LOS/LOL flags, both directions; (page 13h) its four
            /// loopbacks; (vendor page 80h) its bypass and whether
            /// its host output carries the deskewed receive link; (vendor pages 81h and 82h)
            /// its link's alignment status, both directions.
            DataLaneRegs / DataLanePort (data_lane, Lane) {
                dp_deinit: control 1,
                tx_polarity_flip: control 1,
                tx_disable: control 1,
                tx_squelch_disable: control 1,
                tx_squelch_force: control 1,
                rx_polarity_flip: control 1,
                rx_disable: control 1,
                rx_squelch_disable: control 1,
                apply_dp_init: control 1,
                dp_config: control 8,
                media_output_loopback: control 1,
                media_input_loopback: control 1,
                host_output_loopback: control 1,
                host_input_loopback: control 1,
                retimer_bypass: control 1,
                rx_link_deskew: control 1,
                host_gen_enable: control 1,
                host_gen_invert: control 1,
                host_gen_pattern: control 4,
                media_gen_enable: control 1,
                media_gen_invert: control 1,
                media_gen_pattern: control 4,
                host_chk_enable: control 1,
                host_chk_invert: control 1,
                host_chk_pattern: control 4,
                media_chk_enable: control 1,
                media_chk_invert: control 1,
                media_chk_pattern: control 4,
                prbs_counter_reset: control 1,
                prbs_run: control 1,
                dp_state: status 4,
                rx_output_status: status 1,
                tx_output_status: status 1,
                dp_state_changed: status 1,
                tx_los: status 1,
                tx_cdr_lol: status 1,
                rx_los: status 1,
                rx_cdr_lol: status 1,
                config_status: status 4,
                dp_config_active: status 8,
                dp_init_pending: status 1,
                tx_fault: status 1,
                host_chk_lol: status 1,
                media_chk_lol: status 1,
                rx_am_lock: status 1,
                rx_lane_aligned: status 1,
                rx_skew_valid: status 1,
                rx_deskew_error: status 1,
                rx_lane_number: status 8,
                rx_skew_blocks: status 16,
                rx_skew_bits: status 32,
                rx_bip_errors: status 32,
                rx_link_hi_ber: status 1,
                tx_am_lock: status 1,
                tx_lane_aligned: status 1,
                tx_skew_valid: status 1,
                tx_deskew_error: status 1,
                tx_lane_number: status 8,
                tx_skew_blocks: status 16,
                tx_skew_bits: status 32,
                tx_bip_errors: status 32,
                tx_link_hi_ber: status 1,
                host_chk_errors: status 64,
                host_chk_bits: status 64,
                media_chk_errors: status 64,
                media_chk_bits: status 64,
            }
        }
    };
}

/// The value of one port (the widest, the page 14h checker counts, are
/// CMIS U64s).
pub type HwValue = u64;

/// `status` / `control` to [`HwDir`].
#[doc(hidden)]
#[macro_export]
macro_rules! hw_dir {
    (status) => {
        $crate::hwif::HwDir::Status
    };
    (control) => {
        $crate::hwif::HwDir::Control
    };
}

/// The plain-value side: a struct of `u16` per bundle, for the host model.
macro_rules! plain_bundles {
    ($(
        $(#[$meta:meta])*
        $name:ident / $mirror:ident ($member:ident, $scope:ident) {
            $( $field:ident : $dir:ident $width:tt, )*
        }
    )*) => {
        /// Which bundle: one variant per bundle, named as its register
        /// block side.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum BundleId {
            $( $name, )*
        }

        $(
            $(#[$meta])*
            ///
            /// Only [`HwValue`] ports, laid out in declaration order, so the
            /// struct is also a slice of its ports (`ports`): the model's
            /// wiring indexes it without a call per port.
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
            #[repr(C)]
            pub struct $name {
                $( pub $field: HwValue, )*
            }

            impl $name {
                pub const SPEC: BundleSpec = BundleSpec {
                    name: stringify!($name),
                    id: BundleId::$name,
                    member: stringify!($member),
                    scope: BundleScope::$scope,
                    signals: &[$(
                        HwSignal {
                            name: stringify!($field),
                            width: $width,
                            dir: $crate::hw_dir!($dir),
                        },
                    )*],
                };
                /// The ports in declaration order.
                #[inline]
                pub fn ports(&self) -> &[HwValue] {
                    bytemuck::cast_slice(std::slice::from_ref(self))
                }

                /// The ports in declaration order, writable.
                #[inline]
                pub fn ports_mut(&mut self) -> &mut [HwValue] {
                    bytemuck::cast_slice_mut(std::slice::from_mut(self))
                }

                /// Port `i` (in declaration order).
                #[inline]
                pub fn get(&self, i: usize) -> HwValue {
                    self.ports()[i]
                }

                /// Sets port `i` (in declaration order).
                #[inline]
                pub fn set(&mut self, i: usize, v: HwValue) {
                    self.ports_mut()[i] = v
                }
            }
        )*

        /// Every bundle, in declaration order.
        pub const BUNDLES: &[BundleSpec] = &[$($name::SPEC,)*];
    };
}

hw_bundles!(plain_bundles);

/// Where port `name` is declared: its bundle's index in [`BUNDLES`] and
/// its index in that bundle; `None` if no bundle declares it.
pub fn find(name: &str) -> Option<(usize, usize)> {
    BUNDLES
        .iter()
        .enumerate()
        .find_map(|(k, b)| b.index(name).map(|i| (k, i)))
}

/// The declaration of port `name`.
pub fn signal(name: &str) -> Option<HwSignal> {
    find(name).map(|(b, i)| BUNDLES[b].signals[i])
}

// The link ports of both sides, by `LinkProbes` field.
use crate::retimer::{link_fields, link_sides};
link_fields!(link_sides!(ports DataLaneRegs;));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regmap::{HwRole, HwScope};
    use crate::EngineConfig;
    use std::collections::HashSet;

    /// Port names are unique across bundles (a row names one port).
    #[test]
    fn port_names_are_unique() {
        let mut seen = HashSet::new();
        for b in BUNDLES {
            for s in b.signals {
                assert!(seen.insert(s.name), "{} declared twice", s.name);
            }
        }
    }

    /// Every row's port is declared with the direction its role implies and
    /// the scope its rows use; every declared port has a row.
    #[test]
    fn rows_and_bundles_agree() {
        let map = EngineConfig::default().register_map();
        let mut used = HashSet::new();
        for f in &map.fields {
            let Some(hw) = &f.hw else { continue };
            if matches!(
                hw.role,
                HwRole::Summary | HwRole::Selected | HwRole::FlagSummary
            ) {
                assert!(
                    find(&hw.port).is_none(),
                    "{}: computed values have no port",
                    f.name
                );
                // A selection's sources are per-lane status ports.
                for c in hw.selects.iter().flat_map(|s| &s.choices) {
                    for p in &c.ports {
                        let (b, i) = find(p).expect("a declared source");
                        assert_eq!(BUNDLES[b].scope, BundleScope::Lane, "{p}");
                        assert_eq!(BUNDLES[b].signals[i].dir, HwDir::Status, "{p}");
                        used.insert(BUNDLES[b].signals[i].name);
                    }
                }
                continue;
            }
            let (b, i) = find(&hw.port)
                .unwrap_or_else(|| panic!("{}: port {} is in no bundle", f.name, hw.port));
            let (b, s) = (&BUNDLES[b], BUNDLES[b].signals[i]);
            let dir = match hw.role {
                HwRole::Input | HwRole::Latch => HwDir::Status,
                _ => HwDir::Control,
            };
            assert_eq!(s.dir, dir, "{}: {} direction", f.name, hw.port);
            let scope = match hw.scope {
                HwScope::Laser => BundleScope::Laser,
                HwScope::Lane => BundleScope::Lane,
                _ => BundleScope::Module,
            };
            assert_eq!(b.scope, scope, "{}: {} scope", f.name, hw.port);
            assert_eq!(hw.port_width, s.width, "{}: width from the bundle", f.name);
            used.insert(s.name);
        }
        for b in BUNDLES {
            for s in b.signals {
                assert!(
                    used.contains(s.name),
                    "{}.{} has no map row",
                    b.name,
                    s.name
                );
            }
        }
    }

    /// `get` and `set` address the field declared at that index.
    #[test]
    fn plain_accessors_follow_the_declaration() {
        let mut m = MonitorRegs::default();
        let vcc = MonitorRegs::SPEC.index("vcc").unwrap();
        m.set(vcc, 3300);
        assert_eq!(m.vcc, 3300);
        assert_eq!(m.temperature, 0);
        m.flag_vcc_lw = 1;
        assert_eq!(m.get(MonitorRegs::SPEC.index("flag_vcc_lw").unwrap()), 1);
        assert_eq!(m.ports().len(), MonitorRegs::SPEC.signals.len());
    }
}
