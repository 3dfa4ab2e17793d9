//! The register block's hardware interface as rust-hdl `LogicInterface`
//! bundles, generated from the one declaration in [`xpo_spec::hwif`] (the
//! way rust-hdl's own `I2CBusDriver`/`I2CBusReceiver` pair works).
//!
//! Each declared bundle becomes two types: `Name` (held by
//! `CmisRegisters`: status ports in, control ports out) and its mirror
//! (held by the block on the other side: status out, control in). The core
//! connects a pair with one `Name::join(&mut a, &mut b)`. The register
//! block reaches the ports by index through [`HwBundle`], so its plumbing
//! follows the map rows without naming any port.

use rust_hdl::prelude::*;
use xpo_spec::hwif::{BundleSpec, HwValue};

/// A port value as the register block sees it (at most 64 bits).
pub trait HwWord: Synth {
    fn to_word(self) -> HwValue;
    fn from_word(v: HwValue) -> Self;
}

impl HwWord for Bit {
    fn to_word(self) -> HwValue {
        self as HwValue
    }
    fn from_word(v: HwValue) -> Self {
        v & 1 != 0
    }
}

impl<const N: usize> HwWord for Bits<N> {
    fn to_word(self) -> HwValue {
        self.to_u64()
    }
    fn from_word(v: HwValue) -> Self {
        v.into()
    }
}

/// The register block's side of a bundle, port by port in declaration
/// order.
pub trait HwBundle {
    const SPEC: BundleSpec;
    /// The current value of port `i`.
    fn get(&self, i: usize) -> HwValue;
    /// Drives port `i`.
    fn set(&mut self, i: usize, v: HwValue);
    /// Marks the control ports as driven by the register block (rust-hdl's
    /// connection check; the block's logic is custom, not `hdl_gen`).
    fn connect_controls(&mut self);
}

macro_rules! hw_ty {
    (1) => {
        Bit
    };
    ($w:tt) => {
        Bits<$w>
    };
}

macro_rules! regs_dir {
    (status) => {
        In
    };
    (control) => {
        Out
    };
}

macro_rules! port_dir {
    (status) => {
        Out
    };
    (control) => {
        In
    };
}

macro_rules! connect_control {
    (status, $s:expr) => {};
    (control, $s:expr) => {
        $s.connect()
    };
}

macro_rules! rust_hdl_bundles {
    ($(
        $(#[$meta:meta])*
        $name:ident / $mirror:ident ($member:ident, $scope:ident) {
            $( $field:ident : $dir:ident $width:tt, )*
        }
    )*) => {
        $(
            $(#[$meta])*
            ///
            /// The register block's side.
            #[derive(LogicInterface, Default)]
            pub struct $name {
                $( pub $field: Signal<regs_dir!($dir), hw_ty!($width)>, )*
            }

            $(#[$meta])*
            ///
            /// The side of the block that produces the status and consumes
            /// the controls.
            #[derive(LogicInterface, Default)]
            pub struct $mirror {
                $( pub $field: Signal<port_dir!($dir), hw_ty!($width)>, )*
            }

            impl $name {
                /// Connects the register block's side to its mirror, port
                /// by port (in `hdl_gen`: one link per port).
                pub fn join(&mut self, other: &mut $mirror) {
                    $( self.$field.join(&mut other.$field); )*
                }
            }

            impl HwBundle for $name {
                const SPEC: BundleSpec = xpo_spec::hwif::$name::SPEC;

                fn get(&self, i: usize) -> HwValue {
                    const GET: &[fn(&$name) -> HwValue] = &[$(|s| s.$field.val().to_word(),)*];
                    GET[i](self)
                }

                fn set(&mut self, i: usize, v: HwValue) {
                    const SET: &[fn(&mut $name, HwValue)] =
                        &[$(|s, v| s.$field.next = HwWord::from_word(v),)*];
                    SET[i](self, v)
                }

                fn connect_controls(&mut self) {
                    $( connect_control!($dir, self.$field); )*
                }
            }
        )*
    };
}

xpo_spec::hw_bundles!(rust_hdl_bundles);

#[cfg(test)]
mod tests {
    use super::*;

    /// Index `i` of the rust-hdl side is port `i` of the declaration.
    #[test]
    fn indices_follow_the_declaration() {
        let mut b = LaserRegs::default();
        let spec = <LaserRegs as HwBundle>::SPEC;
        let i = spec.index("check_power").unwrap();
        b.set(i, 1234);
        assert_eq!(b.check_power.next.index(), 1234);
        b.lane_state.next = 2u64.into();
        b.lane_state.connect();
        let k = spec.index("lane_state").unwrap();
        // `val()` reads what the last update latched; drive it through `next`.
        b.lane_state.update_all();
        assert_eq!(b.get(k), 2);
        assert_eq!(spec.signals.len(), 30);
    }
}
