//! A host bringing the data paths up the way SONiC's CMIS state machine
//! (`xcvrd`'s `CmisManagerTask`, states INSERTED → DP_DEINIT → AP_CONF →
//! DP_INIT → DP_TXON → DP_ACTIVATE) does, over any [`RegisterAccess`] —
//! I2C or AXI on any engine. Every step is a field-named register access;
//! each wait is a bounded poll, so a module that never answers is an
//! error naming the step and what the lanes showed, never a hang.
//!
//! The steps (CMIS 5.2 §6.3.3 and SONiC's order):
//! 1. read Application 1's advertisement (lower 86..89) and its media lane
//!    options (01h:176); it must exist and may begin on lane 1;
//! 2. DPDeinit on every lane (10h:128), Tx outputs disabled (10h:130),
//!    LowPwrRequestSW cleared (lower 26 bit 4); wait for ModuleReady and
//!    every lane DPDeactivated;
//! 3. stage AppSel 1 / DataPathID 0 on every lane (10h:145..), then
//!    ApplyDPInit (10h:143); wait for ConfigStatus ConfigSuccess (11h:202);
//! 4. clear DPDeinit; wait for DPInitialized (the Tx outputs are still
//!    disabled);
//! 5. enable the Tx outputs; wait for DPActivated.

use super::access::RegisterAccess;
use super::driver::{Driver, DriverError, ModuleState};
use xpo_spec::data_path::Application;

/// CMIS DPState codes (11h:128..131).
pub mod dp_state {
    pub const DEACTIVATED: u64 = 1;
    pub const ACTIVATED: u64 = 4;
    pub const INITIALIZED: u64 = 7;
}

/// ConfigStatus codes (11h:202..205).
pub mod config_status {
    pub const SUCCESS: u64 = 1;
    pub const IN_PROGRESS: u64 = 0x0C;
}

/// Why the bring-up stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BringUpError {
    #[error(transparent)]
    Driver(#[from] DriverError),
    #[error("the module advertises no Application (host interface ID {0:#04x} in byte 86)")]
    NoApplication(u8),
    #[error("Application 1 may not begin on lane 1 (host options {host:#04x}, media options {media:#04x})")]
    NotOnLaneOne { host: u8, media: u8 },
    #[error("ApplyDPInit rejected on lane {lane}: ConfigStatus {status:#x}")]
    Rejected { lane: usize, status: u64 },
    #[error("{step}: not reached after {polls} polls (last seen: {seen})")]
    Timeout {
        step: &'static str,
        polls: u32,
        seen: String,
    },
}

/// What the bring-up saw: the Application it used and the polls each wait
/// took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BringUpReport {
    /// Application 1 as the module advertises it.
    pub application: Application,
    /// `(step, polls)` in order.
    pub waits: Vec<(&'static str, u32)>,
}

/// Brings lanes `0..lanes` up on Application 1, polling each wait at most
/// `max_polls` times.
pub fn bring_up<A: RegisterAccess>(
    d: &mut Driver<A>,
    lanes: usize,
    max_polls: u32,
) -> Result<BringUpReport, BringUpError> {
    let app = d.read_bytes("AppDescriptor1", 0)?;
    let media_lane_options = d.read_field("MediaLaneAssignmentOptions1", 0)? as u8;
    let application = Application {
        host_interface: app[0],
        media_interface: app[1],
        host_lanes: app[2] >> 4,
        media_lanes: app[2] & 0x0F,
        host_lane_options: app[3],
        media_lane_options,
    };
    if matches!(application.host_interface, 0 | 0xFF) {
        return Err(BringUpError::NoApplication(application.host_interface));
    }
    if application.host_lane_options & application.media_lane_options & 1 == 0 {
        return Err(BringUpError::NotOnLaneOne {
            host: application.host_lane_options,
            media: application.media_lane_options,
        });
    }
    let mut waits = Vec::new();
    // Lane registers are written for all lanes at once (a bitmap byte by
    // read-modify-write, the staged DPConfig bytes in one write) and read
    // at once, as `sonic_xcvr`'s `set_datapath_deinit(channel_mask)` and
    // `get_datapath_state()` do.
    let all = |d: &mut Driver<A>, name: &str, v: u64| -> Result<(), DriverError> {
        d.write_lanes(name, 0..lanes, v)
    };
    // DP_DEINIT
    all(d, "DPDeinit", 1)?;
    all(d, "TxDisable", 1)?;
    d.set_low_power_request(false)?;
    waits.push((
        "ModuleReady",
        poll(max_polls, "ModuleReady", || {
            let s = d.module_state()?;
            Ok((s == ModuleState::Ready, format!("{s:?}")))
        })?,
    ));
    waits.push((
        "DPDeactivated",
        wait_states(d, lanes, max_polls, "DPDeactivated", dp_state::DEACTIVATED)?,
    ));
    // AP_CONF: AppSel 1 in 7:4, DataPathID 0 (the data path's first lane)
    // in 3:1, no explicit control.
    all(d, "DPConfig", 1 << 4)?;
    all(d, "ApplyDPInit", 1)?;
    // DP_INIT
    let mut status = Vec::new();
    let polls = poll(max_polls, "ConfigSuccess", || {
        status = d.read_lanes("ConfigStatus", 0..lanes)?;
        Ok((
            status
                .iter()
                .all(|&s| s != config_status::IN_PROGRESS && s != 0),
            format!("{status:?}"),
        ))
    })?;
    if let Some((lane, &status)) = status
        .iter()
        .enumerate()
        .find(|(_, &s)| s != config_status::SUCCESS)
    {
        return Err(BringUpError::Rejected { lane, status });
    }
    waits.push(("ConfigSuccess", polls));
    all(d, "DPDeinit", 0)?;
    waits.push((
        "DPInitialized",
        wait_states(d, lanes, max_polls, "DPInitialized", dp_state::INITIALIZED)?,
    ));
    // DP_TXON, DP_ACTIVATE
    all(d, "TxDisable", 0)?;
    waits.push((
        "DPActivated",
        wait_states(d, lanes, max_polls, "DPActivated", dp_state::ACTIVATED)?,
    ));
    Ok(BringUpReport { application, waits })
}

/// Polls `done` until it says so, at most `max` times: the polls taken.
fn poll(
    max: u32,
    step: &'static str,
    mut done: impl FnMut() -> Result<(bool, String), DriverError>,
) -> Result<u32, BringUpError> {
    let mut seen = String::new();
    for n in 1..=max {
        let (ok, s) = done()?;
        if ok {
            return Ok(n);
        }
        seen = s;
    }
    Err(BringUpError::Timeout {
        step,
        polls: max,
        seen,
    })
}

/// Polls until every lane's DPState is `want`.
fn wait_states<A: RegisterAccess>(
    d: &mut Driver<A>,
    lanes: usize,
    max: u32,
    step: &'static str,
    want: u64,
) -> Result<u32, BringUpError> {
    poll(max, step, || {
        let s = d.read_lanes("DPState", 0..lanes)?;
        Ok((s.iter().all(|&x| x == want), format!("DPState {s:?}")))
    })
}
