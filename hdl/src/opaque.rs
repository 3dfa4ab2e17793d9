//! `Opaque<T>`: plain Rust data held by a rust-hdl block (a generated
//! leaf's plan, a table computed at elaboration) as a member rust-hdl
//! walks past: it has no signals, nothing to connect or update, and
//! nothing to probe.

use rust_hdl::prelude::*;

/// `T` as a signal-free member of a `LogicBlock`.
pub struct Opaque<T>(pub T);

impl<T> Logic for Opaque<T> {
    fn update(&mut self) {}
}

impl<T> Block for Opaque<T> {
    fn connect_all(&mut self) {}
    fn update_all(&mut self) {}
    fn has_changed(&self) -> bool {
        false
    }
    fn accept(&self, _name: &str, _probe: &mut dyn Probe) {}
}

impl<T: Default> Default for Opaque<T> {
    fn default() -> Self {
        Self(T::default())
    }
}

/// The inputs a leaf last computed its outputs from. rust-hdl calls every
/// `update` on every settling pass (six or seven a clock phase for the
/// engine); a leaf whose outputs are a pure function of its inputs may
/// skip the work when they have not changed since, since its outputs'
/// `next` still hold the result. A simulation speed-up only: the emitted
/// Verilog is untouched.
pub type Memo<K> = Opaque<Option<K>>;

impl<K: PartialEq> Opaque<Option<K>> {
    /// Whether `key` differs from the last one (and remembers it).
    pub fn changed(&mut self, key: K) -> bool {
        if self.0.as_ref() == Some(&key) {
            false
        } else {
            self.0 = Some(key);
            true
        }
    }
}
