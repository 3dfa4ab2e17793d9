//! Host scripts for the lasers (AXI writes located in the register map)
//! and the two laser scenarios of `xpo run`: the default bring-up and the
//! fault campaign.

use super::{LaserBench, LaserEvent};
use xpo_spec::EngineConfig;

/// AXI writes that set field `name` (instance `instance` in `bank`) to
/// `value` — located in the register map, never by typed offsets. A
/// multi-byte value that straddles a word boundary takes two writes (the
/// slave commits it when both are in). Bits of other fields sharing the
/// bytes are written as 0; read-only ones ignore it.
pub fn field_writes(
    map: &xpo_spec::regmap::RegisterMap,
    name: &str,
    bank: u8,
    instance: u8,
    value: u64,
) -> Vec<xpo_host::mgmt::AxiOp> {
    let f = map
        .field(name)
        .unwrap_or_else(|| panic!("{name} is not in the register map"));
    let l = f.instance(instance);
    let bytes: Vec<u8> = if l.len > 1 {
        (0..l.len)
            .map(|k| (value >> (8 * (l.len - 1 - k))) as u8)
            .collect()
    } else {
        vec![((value as u8) << l.lsb) & l.mask()]
    };
    let mut ops: Vec<xpo_host::mgmt::AxiOp> = Vec::new();
    for (k, b) in bytes.into_iter().enumerate() {
        let addr = xpo_spec::regmap::linear_address(bank, f.page, l.byte + k as u8);
        let (word, lane) = (addr & !3, addr & 3);
        match ops.last_mut() {
            Some(xpo_host::mgmt::AxiOp::Write {
                addr: a,
                data,
                strb,
            }) if *a == word => {
                *data |= (b as u32) << (8 * lane);
                *strb |= 1 << lane;
            }
            _ => ops.push(xpo_host::mgmt::AxiOp::Write {
                addr: word,
                data: (b as u32) << (8 * lane),
                strb: 1 << lane,
            }),
        }
    }
    ops
}

/// A host bringing the lasers up over AXI, as the default run does: APC,
/// a power setpoint per lane (50 mW plus 7 mW a lane), all lanes enabled
/// at 10 µs, the fibers confirmed at 300 µs; then the interlock pulses at
/// 500 µs for 5 µs, and the host re-enables every lane at 520 µs. Returns
/// the script and the laser bench with its events.
pub fn default_bring_up(
    cfg: &EngineConfig,
    seed: u64,
) -> (Vec<(u64, xpo_host::mgmt::AxiOp)>, LaserBench) {
    let map = cfg.register_map();
    let us = |t: u64| cfg.cycles_for_ns(t * 1_000);
    let mut script = Vec::new();
    let mut at = |t: u64, ops: Vec<xpo_host::mgmt::AxiOp>| {
        for op in ops {
            script.push((us(t), op));
        }
    };
    let banks = cfg.laser_lanes.div_ceil(8) as u8;
    for bank in 0..banks {
        at(2, field_writes(&map, "LaserControlMode", bank, 0, 1));
    }
    for g in 0..cfg.laser_lanes {
        let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
        at(
            3,
            field_writes(&map, "PowerSetpoint", bank, k, 5_000 + 700 * g as u64),
        );
    }
    let all = |n: usize| -> u64 {
        if n >= 8 {
            0xFF
        } else {
            (1u64 << n) - 1
        }
    };
    for bank in 0..banks {
        let n = cfg.laser_lanes - 8 * bank as usize;
        at(10, field_writes(&map, "LaneEnable", bank, 0, all(n)));
        at(
            300,
            field_writes(&map, "OutputFiberChecked", bank, 0, all(n)),
        );
        at(515, field_writes(&map, "LaneEnable", bank, 0, 0));
        at(520, field_writes(&map, "LaneEnable", bank, 0, all(n)));
    }
    let bench = LaserBench::new(cfg, seed)
        .at(us(500), LaserEvent::Interlock(true))
        .at(us(505), LaserEvent::Interlock(false))
        .watching_lane_enable(cfg);
    (script, bench)
}

/// What a [`fault_campaign`] plans: its schedule, not its outcome (the
/// bench counts that: [`LaserObservations`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CampaignPlan {
    /// Rounds of `round_us` each, started and run to their end (the faults
    /// of a round cut short by the run's end may not have happened yet).
    pub rounds: u64,
    pub complete_rounds: u64,
    pub round_us: u64,
    /// Per round, the lanes to be provoked into faults 1 (APC loop: a
    /// degraded laser), 9 (over-current: a shorted driver) and 2 (ACC
    /// loop: an open bias sense).
    pub fault_lanes: Vec<[usize; 3]>,
}

/// A long laser scenario for soak runs (`xpo run --lasers campaign`):
/// rounds of 1.8 ms, each a complete bring-up with seeded variations, that
/// end with one lane in each fault.
///
/// Every round: the host disables all lanes and the world is healed (new
/// laser and module temperatures and supply voltage, drawn per round); APC
/// with random power and bias setpoints and bias/power high-warning
/// thresholds inside the operating range, a random subset of fibers already
/// confirmed, the masks restored to the factory defaults and the controls
/// saved (save/restore), all lanes enabled at +10 µs, fibers confirmed at
/// +300 µs. The
/// interlock pulses for 2..10 µs at +310 µs (lanes ramping) in even rounds
/// and at +520 µs (lanes on) in odd ones; the host disables and re-enables
/// every lane 15 and 20 µs later. Then three distinct random lanes are
/// provoked: a laser degraded 25 µs after the pulse (APC loop failure,
/// code 1, 500 µs into its new ramp), a driver shorting at +1100 µs
/// (over-current, 9), and, after the switch to ACC at +1150 µs, an open
/// bias sense at +1170 µs (ACC loop failure, 2, by +1670 µs). With fewer
/// than 3 laser lanes the faults share lanes.
pub fn fault_campaign(
    cfg: &EngineConfig,
    seed: u64,
    cycles: u64,
) -> (Vec<(u64, xpo_host::mgmt::AxiOp)>, LaserBench, CampaignPlan) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xca3a_1a5e);
    let map = cfg.register_map();
    let us = |t: u64| cfg.cycles_for_ns(t * 1_000);
    const ROUND_US: u64 = 1_800;
    let rounds = cycles.div_ceil(us(ROUND_US).max(1)).max(1);
    let n = cfg.laser_lanes;
    let banks = n.div_ceil(8) as u8;
    let all = |bank: u8| -> u64 {
        let k = (n - 8 * bank as usize).min(8);
        (1u64 << k) - 1
    };
    let mut script = Vec::new();
    let mut bench = LaserBench::new(cfg, seed).watching_lane_enable(cfg);
    let mut plan = CampaignPlan {
        rounds,
        complete_rounds: cycles / us(ROUND_US).max(1),
        round_us: ROUND_US,
        ..Default::default()
    };
    for r in 0..rounds {
        let t0 = r * ROUND_US;
        let mut at = |t: u64, ops: Vec<xpo_host::mgmt::AxiOp>| {
            for op in ops {
                script.push((us(t0 + t), op));
            }
        };
        for bank in 0..banks {
            at(0, field_writes(&map, "LaneEnable", bank, 0, 0));
            at(1, field_writes(&map, "LaserControlMode", bank, 0, 1));
            let checked = rng.gen_range(0..=all(bank));
            at(
                2,
                field_writes(&map, "OutputFiberChecked", bank, 0, checked),
            );
            // Thresholds inside the range the lanes run in, so some cross
            // them while on and latch 1Ah:186..193.
            let power_hw = rng.gen_range(6_000..=9_500);
            let bias_hw = rng.gen_range(1_800..=3_200);
            at(
                2,
                field_writes(&map, "LaserPowerHighWarning", bank, 0, power_hw),
            );
            at(
                2,
                field_writes(&map, "LaserBiasHighWarning", bank, 0, bias_hw),
            );
            // Save/restore in the soak: masks back to the factory defaults,
            // then this round's controls saved to set 1 or 2.
            at(6, field_writes(&map, "SaveRestoreCommand", bank, 0, 0x20));
            let save = if r % 2 == 0 { 0x18 } else { 0x19 };
            at(7, field_writes(&map, "SaveRestoreCommand", bank, 0, save));
        }
        for g in 0..n {
            let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
            let power = rng.gen_range(4_000..=9_000);
            let bias = rng.gen_range(2_000..=3_000);
            at(3, field_writes(&map, "PowerSetpoint", bank, k, power));
            at(4, field_writes(&map, "BiasSetpoint", bank, k, bias));
        }
        let mut lanes: Vec<usize> = (0..n).collect();
        for i in 0..lanes.len().min(3) {
            let j = rng.gen_range(i..lanes.len());
            lanes.swap(i, j);
        }
        let pick = |i: usize| lanes[i % lanes.len()];
        let [apc, short, open] = [pick(0), pick(1), pick(2)];
        plan.fault_lanes.push([apc, short, open]);
        let pulse = rng.gen_range(2..=10);
        let hit = if r % 2 == 0 { 310 } else { 520 };
        for bank in 0..banks {
            at(10, field_writes(&map, "LaneEnable", bank, 0, all(bank)));
            at(
                300,
                field_writes(&map, "OutputFiberChecked", bank, 0, all(bank)),
            );
            at(hit + 15, field_writes(&map, "LaneEnable", bank, 0, 0));
            at(
                hit + 20,
                field_writes(&map, "LaneEnable", bank, 0, all(bank)),
            );
            at(1_150, field_writes(&map, "LaserControlMode", bank, 0, 0));
        }
        let ev = |t: u64| us(t0 + t);
        bench = bench
            .at(ev(0), LaserEvent::Temperature(rng.gen_range(20.0..45.0)))
            .at(
                ev(0),
                LaserEvent::ModuleTemperature(rng.gen_range(15.0..80.0)),
            )
            .at(ev(0), LaserEvent::Supply(rng.gen_range(3.0..3.6)));
        for g in 0..n {
            bench = bench
                .at(
                    ev(0),
                    LaserEvent::Health {
                        lane: g,
                        health: 1.0,
                    },
                )
                .at(
                    ev(0),
                    LaserEvent::Short {
                        lane: g,
                        shorted: false,
                    },
                )
                .at(
                    ev(0),
                    LaserEvent::OpenBiasSense {
                        lane: g,
                        open: false,
                    },
                );
        }
        bench = bench
            .at(
                ev(hit + 25),
                LaserEvent::Health {
                    lane: apc,
                    health: 0.2,
                },
            )
            .at(
                ev(1_100),
                LaserEvent::Short {
                    lane: short,
                    shorted: true,
                },
            )
            .at(
                ev(1_170),
                LaserEvent::OpenBiasSense {
                    lane: open,
                    open: true,
                },
            )
            .at(ev(hit), LaserEvent::Interlock(true))
            .at(ev(hit + pulse), LaserEvent::Interlock(false));
    }
    (script, bench, plan)
}
