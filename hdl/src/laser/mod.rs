//! OIF-ELSFP laser lanes: the engine controls lasers it does not contain,
//! through a bias DAC, a bias-sense ADC and a monitor-photodiode ADC per
//! lane.

pub mod control;
pub mod laser_lane;

pub use laser_lane::{LaserLane, LaserParams};
pub mod stepper;
