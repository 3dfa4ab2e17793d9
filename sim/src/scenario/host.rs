//! The scenario's hosts: one thread per bus that carries out that bus's
//! register actions in time order and polls its register expectations,
//! through the same [`Driver`] host software uses — over I2C (a window with
//! its page selects) or AXI4-Lite (word accesses with strobes). Each access
//! becomes operations the run's stimulus puts on every engine's pins. The
//! two buses are independent masters, as a board's I2C host and an FPGA's
//! AXI master are: a slow I2C read-modify-write (tens of microseconds)
//! never delays an AXI poll.
//!
//! Why a thread: as in [`crate::host_program`], the host is written the
//! way host code is (call, wait, decide) while the run steps cycles. The
//! stimulus never runs ahead of the thread: after each reply it waits for
//! the thread's next request, so the cycle every access starts at depends
//! on the scenario alone.
//!
//! Scheduling: the next thing due is the earliest of the next timeline
//! action and every undecided expectation's next poll (polls first on a
//! tie: what holds at a time is seen before the host acts at it). A `by`
//! expectation passes at the first poll that holds; it is polled every
//! `poll` from `after`, with a last poll at `by` itself. A `from`/`until`
//! expectation must hold at every poll from `from` to `until` (both
//! included). A poll counts when it is due in its window, even if the bus
//! starts it a little later because an earlier access on the same bus is
//! still running.

use super::{Action, ActionKind, Bus, Check, Expectation, Window};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender};
use xpo_host::mgmt::{
    AccessError, AxiOp, AxiResult, AxiTransport, Driver, DriverError, I2cOp, I2cResult,
    I2cTransport, OverAxi,
};
use xpo_spec::regmap::codes::value_name;
use xpo_spec::regmap::RegisterMap;

/// What the thread asks of the stimulus.
#[derive(Debug)]
pub(super) enum Request {
    /// Answer at the first cycle at or after this one.
    WaitUntil(u64),
    I2c(I2cOp),
    Axi(AxiOp),
}

/// The stimulus's answer, with the cycle it was given at.
#[derive(Debug)]
pub(super) struct Reply {
    pub cycle: u64,
    pub kind: ReplyKind,
}

#[derive(Debug)]
pub(super) enum ReplyKind {
    Time,
    I2c(I2cResult),
    Axi(AxiResult),
}

/// A register action's outcome, as the host saw it.
#[derive(Debug, Clone, Default)]
pub(super) struct HostAction {
    pub started: Option<u64>,
    pub completed: Option<u64>,
    /// A read's values, lane by lane.
    pub value: Option<Vec<u64>>,
    pub error: Option<String>,
    /// The error was the device refusing the access (SLVERR, a NACK).
    pub refused: bool,
}

/// An expectation's verdict, as the host saw it.
#[derive(Debug, Clone, Default)]
pub(super) struct HostVerdict {
    pub passed: bool,
    /// The cycle the verdict was reached (the deciding read completed).
    pub at: Option<u64>,
    /// The last read's values, lane by lane.
    pub last_value: Option<Vec<u64>>,
    pub polls: u64,
    pub reason: Option<String>,
}

/// The thread's whole result, indexed as the plan it was given.
#[derive(Debug, Default)]
pub(super) struct HostOutcome {
    pub actions: Vec<HostAction>,
    pub verdicts: Vec<HostVerdict>,
}

/// The thread's end of the channel pair, shared by its two transports.
struct Link {
    requests: Sender<Request>,
    replies: Receiver<Reply>,
    now: u64,
    /// The run ended before the thread: nothing more will be answered.
    ended: bool,
}

impl Link {
    fn ask(&mut self, r: Request) -> Option<ReplyKind> {
        if self.ended {
            return None;
        }
        if self.requests.send(r).is_err() {
            self.ended = true;
            return None;
        }
        match self.replies.recv() {
            Ok(reply) => {
                self.now = reply.cycle;
                Some(reply.kind)
            }
            Err(_) => {
                self.ended = true;
                None
            }
        }
    }
}

const ENDED: AccessError = AccessError::Hung {
    bus: "scenario (the run ended first)",
    cycles: 0,
};

struct I2cSide {
    link: Rc<RefCell<Link>>,
    selected: (u8, u8),
}

impl I2cTransport for I2cSide {
    fn run_op(&mut self, op: I2cOp) -> Result<I2cResult, AccessError> {
        match self.link.borrow_mut().ask(Request::I2c(op)) {
            Some(ReplyKind::I2c(r)) => Ok(r),
            _ => Err(ENDED),
        }
    }

    fn selection(&mut self) -> &mut (u8, u8) {
        &mut self.selected
    }
}

struct AxiSide {
    link: Rc<RefCell<Link>>,
}

impl AxiTransport for AxiSide {
    fn run_axi(&mut self, op: AxiOp) -> Result<AxiResult, AccessError> {
        match self.link.borrow_mut().ask(Request::Axi(op)) {
            Some(ReplyKind::Axi(r)) => Ok(r),
            _ => Err(ENDED),
        }
    }
}

/// The state of one expectation's polling.
struct Polling {
    next: Option<u64>,
}

/// Runs the plan's items on `bus` (register actions in time order,
/// register expectations) and returns what happened, indexed as the plan.
/// Items of the other bus and expectations of other kinds are left to
/// others (their entries here stay default and are not used).
pub(super) fn program(
    bus: Bus,
    map: RegisterMap,
    actions: Vec<Action>,
    expectations: Vec<Expectation>,
    requests: Sender<Request>,
    replies: Receiver<Reply>,
) -> HostOutcome {
    let mine = |k: &ActionKind| match k {
        ActionKind::Write { bus: b, .. } | ActionKind::Read { bus: b, .. } => *b == bus,
        _ => false,
    };
    let link = Rc::new(RefCell::new(Link {
        requests,
        replies,
        now: 0,
        ended: false,
    }));
    let mut i2c = Driver::new(
        I2cSide {
            link: link.clone(),
            selected: (0, 0),
        },
        map.clone(),
    );
    let mut axi = Driver::new(OverAxi(AxiSide { link: link.clone() }), map);
    let now = |l: &Rc<RefCell<Link>>| l.borrow().now;
    let mut out = HostOutcome {
        actions: vec![HostAction::default(); actions.len()],
        verdicts: vec![HostVerdict::default(); expectations.len()],
    };
    let mut polling: Vec<Polling> = expectations
        .iter()
        .map(|e| Polling {
            next: match (&e.check, e.window) {
                (Check::Field { bus: b, .. }, Window::By { after, .. }) if *b == bus => Some(after),
                (Check::Field { bus: b, .. }, Window::Throughout { from, .. }) if *b == bus => {
                    Some(from)
                }
                _ => None,
            },
        })
        .collect();
    let mut next_action = 0;
    loop {
        // Actions not on this bus are others': skip them here.
        if actions.get(next_action).is_some_and(|a| !mine(&a.kind)) {
            next_action += 1;
            continue;
        }
        let due_action = actions.get(next_action).map(|a| a.cycle);
        let due_poll = polling
            .iter()
            .enumerate()
            .filter_map(|(k, p)| p.next.map(|t| (t, k)))
            .min();
        let t = match (due_action, due_poll) {
            (None, None) => break,
            (Some(a), Some((p, _))) => a.min(p),
            (Some(a), None) => a,
            (None, Some((p, _))) => p,
        };
        if link.borrow_mut().ask(Request::WaitUntil(t)).is_none() {
            break;
        }
        if due_action == Some(t) && due_poll.is_none_or(|(p, _)| p > t) {
            let a = &actions[next_action];
            let o = &mut out.actions[next_action];
            o.started = Some(now(&link));
            let r = match &a.kind {
                ActionKind::Write {
                    field,
                    lanes,
                    value,
                    bus,
                } => match bus {
                    Bus::I2c => i2c.write_lanes(field, lanes.clone(), *value),
                    Bus::Axi => axi.write_lanes(field, lanes.clone(), *value),
                }
                .map(|()| None),
                ActionKind::Read { field, lanes, bus } => match bus {
                    Bus::I2c => i2c.read_lanes(field, lanes.clone()),
                    Bus::Axi => axi.read_lanes(field, lanes.clone()),
                }
                .map(Some),
                _ => unreachable!("filtered above"),
            };
            if link.borrow().ended {
                break;
            }
            o.completed = Some(now(&link));
            match r {
                Ok(v) => o.value = v,
                Err(e) => {
                    o.refused = matches!(
                        e,
                        DriverError::Access(
                            AccessError::Slverr { .. }
                                | AccessError::Nack { .. }
                                | AccessError::Refused { .. }
                        )
                    );
                    o.error = Some(e.to_string());
                }
            }
            next_action += 1;
            continue;
        }
        let (_, k) = due_poll.expect("a poll is due");
        let e = &expectations[k];
        let Check::Field {
            field, lanes, bus, ..
        } = &e.check
        else {
            unreachable!("only field checks are polled here")
        };
        let started = now(&link);
        let v = &mut out.verdicts[k];
        let close = match e.window {
            Window::By { by, .. } => by,
            Window::Throughout { until, .. } => until,
        };
        let r: Result<Vec<u64>, DriverError> = match bus {
            Bus::I2c => i2c.read_lanes(field, lanes.clone()),
            Bus::Axi => axi.read_lanes(field, lanes.clone()),
        };
        if link.borrow().ended {
            break;
        }
        v.polls += 1;
        let value = match r {
            Ok(x) => x,
            Err(err) => {
                v.reason = Some(format!("the read failed: {err}"));
                v.at = Some(now(&link));
                polling[k].next = None;
                continue;
            }
        };
        let holds = value.iter().all(|&x| e.check.holds(x as f64));
        let shown_value = shown_all(field, &value);
        v.last_value = Some(value);
        // The last poll: due at the window's end, or one whose read ran past
        // it (no later poll could start in the window).
        let last_poll = t >= close || now(&link) >= close;
        let following = (t + e.poll).max(now(&link) + 1).min(close);
        match (e.window, holds) {
            (Window::By { .. }, true) => {
                v.passed = true;
                v.at = Some(now(&link));
                polling[k].next = None;
            }
            (Window::Throughout { .. }, false) => {
                v.at = Some(now(&link));
                v.reason = Some(format!("read {shown_value} at cycle {started}"));
                polling[k].next = None;
            }
            (Window::By { .. }, false) if last_poll => {
                v.at = Some(now(&link));
                v.reason = Some(format!(
                    "last read {shown_value} (cycle {started}), {} polls",
                    v.polls
                ));
                polling[k].next = None;
            }
            (Window::Throughout { .. }, true) if last_poll => {
                v.passed = true;
                v.at = Some(now(&link));
                polling[k].next = None;
            }
            _ => polling[k].next = Some(following),
        }
    }
    // Whatever is still undecided: the run ended first.
    for (k, p) in polling.iter().enumerate() {
        if p.next.is_some() {
            let v = &mut out.verdicts[k];
            v.reason = Some(match &v.last_value {
                Some(x) => format!(
                    "the run ended before the window closed (last read {})",
                    shown_all(expectation_field(&expectations[k]), x)
                ),
                None => "the run ended before the first poll".into(),
            });
        }
    }
    for (a, o) in actions.iter().zip(&mut out.actions) {
        if mine(&a.kind) && o.completed.is_none() && o.error.is_none() {
            o.error = Some("the run ended before it completed".into());
        }
    }
    out
}

fn expectation_field(e: &Expectation) -> &str {
    match &e.check {
        Check::Field { field, .. } => field,
        Check::LaserPower { .. } => "laser power",
    }
}

/// Values of `field`, lane by lane: one as [`shown`], several as a list.
pub(super) fn shown_all(field: &str, values: &[u64]) -> String {
    match values {
        [one] => shown(field, *one),
        [first, rest @ ..] if rest.iter().all(|v| v == first) => {
            format!("{} on all {} lanes", shown(field, *first), values.len())
        }
        many => format!(
            "[{}]",
            many.iter()
                .map(|&v| shown(field, v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `value` of `field`, with its state name when it has one.
pub(super) fn shown(field: &str, value: u64) -> String {
    match value_name(field, value) {
        Some(n) => format!("{value} ({n})"),
        None => value.to_string(),
    }
}
