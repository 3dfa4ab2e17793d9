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
