//! `Driver`: typed access to the management memory, by field name.
//!
//! Every accessor looks its field up in the register map; no offset is typed
//! here. Lanes are 0-based across banks: lane 9 of a banked page is instance
//! (or bit) 1 of bank 1.

use super::access::RegisterAccess;
use super::memory::AccessError;
use std::ops::Range;
use xpo_spec::regmap::{linear_address, Encoding, Field, RegisterMap};

/// Why a driver call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DriverError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("no field `{0}` in the register map")]
    UnknownField(String),
    #[error("{field}: lane {lane} is beyond its {lanes} lanes")]
    LaneOutOfRange {
        field: String,
        lane: usize,
        lanes: usize,
    },
    #[error("{field}: value {value} does not fit in {width} bits")]
    TooWide {
        field: String,
        value: u64,
        width: u8,
    },
    #[error("{field} is {width} bits wide: use read_bytes/write_bytes")]
    NotAnInteger { field: String, width: u8 },
}

/// CMIS module states (lower page byte 3, bits 3:1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleState {
    LowPwr,
    PwrUp,
    Ready,
    PwrDn,
    Fault,
    /// A reserved code.
    Reserved(u8),
}

impl From<u64> for ModuleState {
    fn from(v: u64) -> Self {
        match v {
            1 => ModuleState::LowPwr,
            2 => ModuleState::PwrUp,
            3 => ModuleState::Ready,
            4 => ModuleState::PwrDn,
            5 => ModuleState::Fault,
            x => ModuleState::Reserved(x as u8),
        }
    }
}

/// Where one lane's value of a field lives.
struct Target {
    addr: u32,
    len: usize,
    lsb: u8,
    width: u8,
}

impl Target {
    /// The field is an integer of at most 64 bits, and `value` fits it.
    fn check(&self, name: &str, value: u64) -> Result<(), DriverError> {
        if self.width > 64 {
            return Err(DriverError::NotAnInteger {
                field: name.into(),
                width: self.width,
            });
        }
        if self.width < 64 && value >> self.width != 0 {
            return Err(DriverError::TooWide {
                field: name.into(),
                value,
                width: self.width,
            });
        }
        Ok(())
    }

    /// The value at the start of `bytes` (the target's first byte).
    fn extract(&self, name: &str, bytes: &[u8]) -> Result<u64, DriverError> {
        self.check(name, 0)?;
        Ok(if self.len > 1 {
            bytes[..self.len]
                .iter()
                .fold(0u64, |a, &b| a << 8 | b as u64)
        } else {
            ((bytes[0] >> self.lsb) as u64) & ((1u64 << self.width) - 1)
        })
    }

    /// Puts `value` into `bytes` (from the target's first byte), leaving
    /// the other bits of a shared byte as they are.
    fn place(&self, name: &str, value: u64, bytes: &mut [u8]) -> Result<(), DriverError> {
        self.check(name, value)?;
        if self.len > 1 {
            for (k, b) in bytes[..self.len].iter_mut().enumerate() {
                *b = (value >> (8 * (self.len - 1 - k))) as u8;
            }
        } else {
            let mask = (((1u16 << self.width) - 1) << self.lsb) as u8;
            bytes[0] = (bytes[0] & !mask) | (((value as u8) << self.lsb) & mask);
        }
        Ok(())
    }
}

/// Consecutive bytes on one page holding some lanes' values.
struct Run {
    addr: u32,
    len: usize,
    targets: Vec<(usize, Target)>,
}

/// The shape of field `name` as the [`Driver`] addresses it: how many
/// lanes (instances across banks; 1 for a scalar) and the bits of one
/// lane's value; an error naming the field when the map has none. Lets a
/// caller check a lane and a value before any access is made.
pub fn field_shape(map: &RegisterMap, name: &str) -> Result<(usize, u8), DriverError> {
    let width = target(map, name, 0)?.width;
    match target(map, name, usize::MAX) {
        Err(DriverError::LaneOutOfRange { lanes, .. }) => Ok((lanes, width)),
        Err(e) => Err(e),
        Ok(_) => unreachable!("no field has usize::MAX lanes"),
    }
}

/// Where lane `lane` of field `name` lives.
fn target(map: &RegisterMap, name: &str, lane: usize) -> Result<Target, DriverError> {
    let f: &Field = map
        .field(name)
        .ok_or_else(|| DriverError::UnknownField(name.into()))?;
    let banks = if f.in_lower() {
        1
    } else {
        map.page(f.page).map_or(1, |p| p.banks) as usize
    };
    let per_bank = if f.encoding == Encoding::LaneBitmap {
        8 * f.count as usize
    } else {
        f.count as usize
    };
    let lanes = per_bank * if f.page >= 0x10 { banks } else { 1 };
    if lane >= lanes {
        return Err(DriverError::LaneOutOfRange {
            field: name.into(),
            lane,
            lanes,
        });
    }
    let (bank, idx) = ((lane / per_bank) as u8, lane % per_bank);
    let (inst, bit) = if f.encoding == Encoding::LaneBitmap {
        (idx / 8, Some(idx % 8))
    } else {
        (idx, None)
    };
    let l = f.instance(inst as u8);
    Ok(Target {
        addr: linear_address(bank, f.page, l.byte),
        len: l.len as usize,
        lsb: bit.map_or(l.lsb, |b| l.lsb + b as u8),
        width: if bit.is_some() { 1 } else { l.width },
    })
}

/// Typed management access over any [`RegisterAccess`].
pub struct Driver<A: RegisterAccess> {
    access: A,
    map: RegisterMap,
}

impl<A: RegisterAccess> Driver<A> {
    pub fn new(access: A, map: RegisterMap) -> Self {
        Self { access, map }
    }

    /// The underlying access, e.g. to drive hardware inputs of a model.
    pub fn access_mut(&mut self) -> &mut A {
        &mut self.access
    }

    pub fn map(&self) -> &RegisterMap {
        &self.map
    }

    fn target(&self, name: &str, lane: usize) -> Result<Target, DriverError> {
        target(&self.map, name, lane)
    }

    /// Reads the raw bytes of one lane's value (e.g. identity text).
    pub fn read_bytes(&mut self, name: &str, lane: usize) -> Result<Vec<u8>, DriverError> {
        let t = self.target(name, lane)?;
        let mut buf = vec![0u8; t.len];
        self.access.read(t.addr, &mut buf)?;
        Ok(buf)
    }

    /// Writes the raw bytes of one lane's value in one transaction.
    pub fn write_bytes(&mut self, name: &str, lane: usize, data: &[u8]) -> Result<(), DriverError> {
        let t = self.target(name, lane)?;
        if data.len() != t.len {
            return Err(DriverError::NotAnInteger {
                field: name.into(),
                width: t.width,
            });
        }
        Ok(self.access.write(t.addr, data)?)
    }

    /// Reads one lane's value of a field (lane 0 for scalar fields).
    pub fn read_field(&mut self, name: &str, lane: usize) -> Result<u64, DriverError> {
        let t = self.target(name, lane)?;
        t.check(name, 0)?;
        let mut buf = vec![0u8; t.len];
        self.access.read(t.addr, &mut buf)?;
        t.extract(name, &buf)
    }

    /// Writes one lane's value of a field. Sub-byte fields are written by
    /// read-modify-write of their byte (the map guarantees no byte mixes
    /// latched flags with writable bits, so the read clears nothing).
    pub fn write_field(&mut self, name: &str, lane: usize, value: u64) -> Result<(), DriverError> {
        let t = self.target(name, lane)?;
        t.check(name, value)?;
        let mut buf = vec![0u8; t.len];
        if t.len == 1 {
            self.access.read(t.addr, &mut buf)?;
        }
        t.place(name, value, &mut buf)?;
        Ok(self.access.write(t.addr, &buf)?)
    }

    /// The targets of `lanes`, as runs of consecutive bytes on one page:
    /// `(first linear address, length, the targets in it)`.
    fn runs(&self, name: &str, lanes: Range<usize>) -> Result<Vec<Run>, DriverError> {
        let mut ts = lanes
            .map(|l| self.target(name, l).map(|t| (l, t)))
            .collect::<Result<Vec<_>, _>>()?;
        ts.sort_by_key(|(_, t)| t.addr);
        let mut runs: Vec<Run> = Vec::new();
        for (lane, t) in ts {
            let end = t.addr + t.len as u32;
            match runs.last_mut() {
                // Linear addresses 128 apart are different pages.
                Some(r) if t.addr <= r.addr + r.len as u32 && t.addr / 128 == r.addr / 128 => {
                    r.len = r.len.max((end - r.addr) as usize);
                    r.targets.push((lane, t));
                }
                _ => runs.push(Run {
                    addr: t.addr,
                    len: t.len,
                    targets: vec![(lane, t)],
                }),
            }
        }
        Ok(runs)
    }

    /// Reads lanes `lanes` of an integer field with one read per run of
    /// consecutive bytes (as a host reads every lane's DPState at once);
    /// the values in lane order.
    pub fn read_lanes(&mut self, name: &str, lanes: Range<usize>) -> Result<Vec<u64>, DriverError> {
        let first = lanes.start;
        let mut out = vec![0; lanes.len()];
        for r in self.runs(name, lanes)? {
            let mut buf = vec![0u8; r.len];
            self.access.read(r.addr, &mut buf)?;
            for (lane, t) in r.targets {
                out[lane - first] = t.extract(name, &buf[(t.addr - r.addr) as usize..])?;
            }
        }
        Ok(out)
    }

    /// Writes `value` to lanes `lanes` of an integer field with one write
    /// per run of consecutive bytes (as a host sets a lane bitmap at once);
    /// runs holding sub-byte fields are read first and modified (see
    /// [`Self::write_field`] on why the read clears nothing).
    pub fn write_lanes(
        &mut self,
        name: &str,
        lanes: Range<usize>,
        value: u64,
    ) -> Result<(), DriverError> {
        for r in self.runs(name, lanes)? {
            let mut buf = vec![0u8; r.len];
            if r.targets.iter().any(|(_, t)| t.len == 1 && t.width < 8) {
                self.access.read(r.addr, &mut buf)?;
            }
            for (_, t) in &r.targets {
                t.place(name, value, &mut buf[(t.addr - r.addr) as usize..])?;
            }
            self.access.write(r.addr, &buf)?;
        }
        Ok(())
    }

    /// ModuleState.
    pub fn module_state(&mut self) -> Result<ModuleState, DriverError> {
        Ok(self.read_field("ModuleState", 0)?.into())
    }

    /// Requests (or releases) ModuleLowPwr by software.
    pub fn set_low_power_request(&mut self, on: bool) -> Result<(), DriverError> {
        self.write_field("LowPwrRequestSW", 0, on as u64)
    }

    /// Enables or disables a laser lane (1Ah LaneEnable).
    pub fn set_laser_enable(&mut self, lane: usize, on: bool) -> Result<(), DriverError> {
        self.write_field("LaneEnable", lane, on as u64)
    }

    /// Sets a laser lane's bias setpoint, in 100 uA.
    pub fn set_bias_setpoint(&mut self, lane: usize, units_100ua: u16) -> Result<(), DriverError> {
        self.write_field("BiasSetpoint", lane, units_100ua as u64)
    }

    /// Sets a laser lane's optical power setpoint, in 10 uW.
    pub fn set_power_setpoint(&mut self, lane: usize, units_10uw: u16) -> Result<(), DriverError> {
        self.write_field("PowerSetpoint", lane, units_10uw as u64)
    }

    /// A laser lane's bias monitor, in 100 uA.
    pub fn bias_monitor(&mut self, lane: usize) -> Result<u16, DriverError> {
        Ok(self.read_field("BiasMonitor", lane)? as u16)
    }

    /// A laser lane's optical power monitor, in 10 uW.
    pub fn power_monitor(&mut self, lane: usize) -> Result<u16, DriverError> {
        Ok(self.read_field("PowerMonitor", lane)? as u16)
    }

    /// Module temperature in degrees Celsius.
    pub fn temperature_c(&mut self) -> Result<f64, DriverError> {
        Ok(self.read_field("TemperatureMonitor", 0)? as u16 as i16 as f64 / 256.0)
    }

    /// Module temperature thresholds (high alarm, low alarm, high warning,
    /// low warning) in degrees Celsius.
    pub fn temperature_thresholds_c(&mut self) -> Result<[f64; 4], DriverError> {
        let mut out = [0.0; 4];
        for (o, n) in out.iter_mut().zip([
            "TempHighAlarm",
            "TempLowAlarm",
            "TempHighWarning",
            "TempLowWarning",
        ]) {
            *o = self.read_field(n, 0)? as u16 as i16 as f64 / 256.0;
        }
        Ok(out)
    }

    /// Reads (and so clears) a lane's latched flag.
    pub fn take_flag(&mut self, name: &str, lane: usize) -> Result<bool, DriverError> {
        Ok(self.read_field(name, lane)? != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mgmt::{CmisMemory, WindowAccess};
    use xpo_spec::EngineConfig;

    /// The model, counting the transactions a driver makes.
    struct Counted(CmisMemory, usize);

    impl WindowAccess for Counted {
        fn selected(&mut self) -> (u8, u8) {
            self.0.selected()
        }
        fn select(&mut self, bank: u8, page: u8) -> Result<(), AccessError> {
            self.1 += 1;
            self.0.select(bank, page)
        }
        fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), AccessError> {
            self.1 += 1;
            self.0.read_run(byte, buf)
        }
        fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), AccessError> {
            self.1 += 1;
            self.0.write_run(byte, data)
        }
    }

    fn driver() -> Driver<Counted> {
        let cfg = EngineConfig::default();
        Driver::new(Counted(CmisMemory::new(&cfg), 0), cfg.register_map())
    }

    /// A lane bitmap for 8 lanes is one byte: one read and one write, and
    /// the lanes outside the range keep their bits.
    #[test]
    fn a_lane_bitmap_is_set_with_one_read_modify_write() {
        let mut d = driver();
        d.write_field("DPDeinit", 7, 1).unwrap();
        // (Page 10h is selected now: the count is of the accesses alone.)
        d.access_mut().1 = 0;
        d.write_lanes("DPDeinit", 0..4, 1).unwrap();
        assert_eq!(d.access_mut().1, 2, "one read, one write");
        let v = d.read_lanes("DPDeinit", 0..8).unwrap();
        assert_eq!(v, [1, 1, 1, 1, 0, 0, 0, 1]);
        assert_eq!(d.access_mut().1, 3, "and one read for all eight");
    }

    /// Whole-byte fields on consecutive bytes (the staged DPConfig) go out
    /// in one write, with nothing read; each lane reads back its value.
    #[test]
    fn consecutive_byte_fields_go_out_in_one_write() {
        let mut d = driver();
        // (Page 10h selected first: the count is of the accesses alone.)
        d.read_field("DPConfig", 0).unwrap();
        d.access_mut().1 = 0;
        d.write_lanes("DPConfig", 0..8, 0x10).unwrap();
        assert_eq!(d.access_mut().1, 1);
        for l in 0..8 {
            assert_eq!(d.read_field("DPConfig", l).unwrap(), 0x10, "lane {l}");
        }
        assert_eq!(
            d.write_lanes("DPConfig", 0..8, 0x100),
            Err(DriverError::TooWide {
                field: "DPConfig".into(),
                value: 0x100,
                width: 8
            })
        );
        assert!(matches!(
            d.read_lanes("DPConfig", 0..9),
            Err(DriverError::LaneOutOfRange { lane: 8, .. })
        ));
    }
}
