//! A served module (`xpo serve`) as a [`RegisterAccess`]: the `Driver`, the
//! bring-up and any host code run unchanged against the simulated engine
//! over TCP. Each `read`/`write` is one `R`/`W` line; the server carries
//! it out as I2C transactions on the module's pins (I2C semantics: a
//! refused byte reads 0 or is ignored, so no errors are reported).

use super::{AccessError, RegisterAccess};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};

/// A connection to `xpo serve`.
pub struct ServedModule {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

/// What went wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ServedError {
    #[error("xpo serve connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("xpo serve refused `{command}`: {reason}")]
    Refused { command: String, reason: String },
    #[error("xpo serve answered `{0}`, not OK")]
    Garbled(String),
}

impl ServedModule {
    pub fn connect(addr: impl ToSocketAddrs) -> Result<Self, ServedError> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Self {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    /// Sends one command line and returns what follows its `OK`.
    pub fn command(&mut self, line: &str) -> Result<String, ServedError> {
        writeln!(self.writer, "{line}")?;
        let mut answer = String::new();
        if self.reader.read_line(&mut answer)? == 0 {
            return Err(ServedError::Garbled("(connection closed)".into()));
        }
        let answer = answer.trim_end();
        if let Some(reason) = answer.strip_prefix("ERR ") {
            return Err(ServedError::Refused {
                command: line.into(),
                reason: reason.into(),
            });
        }
        match answer.strip_prefix("OK") {
            Some(rest) => Ok(rest.trim_start().to_string()),
            None => Err(ServedError::Garbled(answer.into())),
        }
    }

    /// Sets a module pin (`LPMode`, `ResetL`, `Interlock`, `ModuleFault`).
    pub fn pin(&mut self, name: &str, high: bool) -> Result<(), ServedError> {
        self.command(&format!("PIN {name} {}", u8::from(high)))
            .map(|_| ())
    }

    /// Waits until `cycles` more cycles have run.
    pub fn step(&mut self, cycles: u64) -> Result<(), ServedError> {
        self.command(&format!("STEP {cycles}")).map(|_| ())
    }

    /// The simulated time, ns.
    pub fn time_ns(&mut self) -> Result<u64, ServedError> {
        let t = self.command("TIME")?;
        t.parse().map_err(|_| ServedError::Garbled(t))
    }

    fn io(e: ServedError) -> AccessError {
        // The register access API knows hung buses, not sockets.
        let _ = e;
        AccessError::Hung {
            bus: "xpo serve (the connection failed)",
            cycles: 0,
        }
    }
}

impl RegisterAccess for ServedModule {
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError> {
        let hex = self
            .command(&format!("R {addr} {}", buf.len()))
            .map_err(Self::io)?;
        if hex.len() != 2 * buf.len() {
            return Err(Self::io(ServedError::Garbled(hex)));
        }
        for (i, b) in buf.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| Self::io(ServedError::Garbled(hex.clone())))?;
        }
        Ok(())
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError> {
        let hex: String = data.iter().map(|b| format!("{b:02X}")).collect();
        self.command(&format!("W {addr} {hex}"))
            .map(|_| ())
            .map_err(Self::io)
    }

    fn reports_errors(&self) -> bool {
        false
    }
}
