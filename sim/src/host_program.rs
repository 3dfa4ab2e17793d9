//! A host program inside a lockstep run: ordinary synchronous host code —
//! a [`Driver`] over a window transport, such as
//! `xpo_host::mgmt::bring_up` — runs on its own thread, and each of its
//! window accesses becomes one I2C operation that the run's bus stimulus
//! ([`crate::traffic::BusTraffic::with_i2c_host`]) puts on every engine's
//! pins, in lockstep, with the bit-level master.
//!
//! Why a thread: the host code is written the way host software is (call,
//! wait for the answer, decide), while a lockstep run drives the pins one
//! cycle at a time. The thread is the host's call stack, suspended while
//! its access is on the bus.
//!
//! Determinism: the stimulus never runs ahead of the program. When an
//! operation completes it hands over the result and then *waits* for the
//! program's next operation (or its end) before the bus starts anything
//! else, so the cycle every operation starts at depends on the seed alone,
//! never on thread scheduling.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;
use xpo_host::mgmt::{AccessError, Driver, I2cOp, I2cResult, I2cTransport};
use xpo_spec::regmap::RegisterMap;

/// The I2C side of a host program, as the bus stimulus sees it.
pub trait I2cHost {
    /// The program's next operation, waiting until it has decided; `None`
    /// once the program has ended (`cycle`: when the bus asked, recorded
    /// as the end).
    fn next_op(&mut self, cycle: u64) -> Option<I2cOp>;
    /// The result of the operation last returned by [`Self::next_op`].
    fn complete(&mut self, result: I2cResult);
}

/// The window the program's [`Driver`] talks to: each access is sent to
/// the stimulus and the call waits for its result.
pub struct ChannelWindow {
    ops: Sender<I2cOp>,
    results: Receiver<I2cResult>,
    selected: (u8, u8),
}

impl I2cTransport for ChannelWindow {
    fn run_op(&mut self, op: I2cOp) -> Result<I2cResult, AccessError> {
        // Either side gone means the run ended first.
        let ended = AccessError::Hung {
            bus: "I2C (the run ended before the host program)",
            cycles: 0,
        };
        self.ops.send(op).map_err(|_| ended)?;
        self.results.recv().map_err(|_| ended)
    }

    fn selection(&mut self) -> &mut (u8, u8) {
        &mut self.selected
    }
}

/// A host program running against the engines' I2C pins; `R` is what it
/// returns.
pub struct HostProgram<R> {
    ops: Receiver<I2cOp>,
    results: Option<Sender<I2cResult>>,
    thread: Option<JoinHandle<R>>,
    /// The cycle the bus found the program ended.
    ended_at: Option<u64>,
}

impl<R: Send + 'static> HostProgram<R> {
    /// Starts `program` with a [`Driver`] over `map`. The window starts on
    /// bank 0, page 0 (the reset selection); the program should leave it
    /// there, since random I2C traffic after it assumes so.
    pub fn start<F>(map: RegisterMap, program: F) -> Self
    where
        F: FnOnce(&mut Driver<ChannelWindow>) -> R + Send + 'static,
    {
        let (op_tx, op_rx) = channel();
        let (res_tx, res_rx) = channel();
        let window = ChannelWindow {
            ops: op_tx,
            results: res_rx,
            selected: (0, 0),
        };
        let thread = std::thread::spawn(move || {
            let mut d = Driver::new(window, map);
            program(&mut d)
        });
        Self {
            ops: op_rx,
            results: Some(res_tx),
            thread: Some(thread),
            ended_at: None,
        }
    }

    /// Ends the program and returns what it returned, with the cycle it
    /// ended at (`None`: the run ended first, and the program's pending
    /// access failed). A program that panicked is reported as `Err` with
    /// the panic's message.
    pub fn finish(&mut self) -> Result<(R, Option<u64>), String> {
        match self.stop().ok_or("the host program was already finished")? {
            Ok(r) => Ok((r, self.ended_at)),
            Err(p) => Err(p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the host program panicked".into())),
        }
    }
}

impl<R> HostProgram<R> {
    /// Ends the program: dropping our ends fails its pending access, if
    /// any, and its remaining operations are drained until it returns.
    /// `None` if it was stopped before.
    fn stop(&mut self) -> Option<std::thread::Result<R>> {
        self.results = None;
        let thread = self.thread.take()?;
        while self.ops.recv().is_ok() {}
        Some(thread.join())
    }
}

impl<R> I2cHost for HostProgram<R> {
    fn next_op(&mut self, cycle: u64) -> Option<I2cOp> {
        if self.ended_at.is_some() || self.results.is_none() {
            return None;
        }
        match self.ops.recv() {
            Ok(op) => Some(op),
            Err(_) => {
                self.ended_at = Some(cycle);
                None
            }
        }
    }

    fn complete(&mut self, result: I2cResult) {
        if let Some(tx) = &self.results {
            // A program that already returned has nobody to tell.
            let _ = tx.send(result);
        }
    }
}

impl<R> Drop for HostProgram<R> {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::EngineConfig;

    /// The program's accesses come out in its order, each waits for its
    /// result, and its return value and end cycle come back.
    #[test]
    fn accesses_go_out_in_order_and_results_come_back() {
        let map = EngineConfig::default().register_map();
        let mut p = HostProgram::start(map, |d| {
            let a = d.read_bytes("VendorName", 0).map_err(|e| e.to_string())?;
            d.write_field("DPDeinit", 0, 1).map_err(|e| e.to_string())?;
            Ok::<_, String>(a)
        });
        // VendorName is 00h:129..144, and page 00h is already selected.
        assert_eq!(p.next_op(0), Some(I2cOp::Read { addr: 129, n: 16 }));
        let name = b"XPO             ".to_vec();
        p.complete(I2cResult {
            data: name.clone(),
            acks: vec![true; 3],
        });
        let mut ops = Vec::new();
        let mut cycle = 1;
        while let Some(op) = p.next_op(cycle) {
            let data = match &op {
                I2cOp::Read { n, .. } => vec![0; *n],
                _ => Vec::new(),
            };
            ops.push(op);
            p.complete(I2cResult {
                data,
                acks: vec![true; 4],
            });
            cycle += 1;
        }
        // DPDeinit is 10h:128: the window moves to page 10h first.
        assert_eq!(
            ops.first(),
            Some(&I2cOp::Write {
                data: vec![126, 0, 0x10]
            })
        );
        assert!(ops
            .iter()
            .any(|o| matches!(o, I2cOp::Write { data } if data[0] == 128)));
        let (r, ended) = p.finish().unwrap();
        assert_eq!(r, Ok(name));
        assert_eq!(ended, Some(cycle));
    }

    /// A run that ends first fails the program's pending access; the
    /// program's own error comes back, with no end cycle.
    #[test]
    fn a_run_that_ends_first_fails_the_pending_access() {
        let map = EngineConfig::default().register_map();
        let mut p = HostProgram::start(map, |d| d.read_field("DPState", 0));
        assert!(p.next_op(0).is_some());
        let (r, ended) = p.finish().unwrap();
        assert!(r.unwrap_err().to_string().contains("run ended"));
        assert_eq!(ended, None);
    }
}
