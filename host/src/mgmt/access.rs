//! `RegisterAccess`: the management memory at optoe/SONiC linear addresses,
//! over any transport that can select a page and move a run of bytes.

use super::axi_slave::resp;
use super::memory::{AccessError, CmisMemory};
use crate::bfm::{AxiOp, AxiResult, I2cOp, I2cResult};

/// Splits a linear address into `(bank, page, byte)`; the lower page is
/// bank 0, page 0, bytes 0..127.
pub fn split_linear(addr: u32) -> (u8, u8, u8) {
    if addr < 128 {
        (0, 0, addr as u8)
    } else {
        let half = addr / 128 - 1; // bank * 256 + page
        (
            (half / 256) as u8,
            (half % 256) as u8,
            (128 + addr % 128) as u8,
        )
    }
}

/// Byte access at linear addresses, as Linux optoe and SONiC present a
/// module. Each call is one bus transaction per half page touched, with the
/// bank and page selected first when needed.
pub trait RegisterAccess {
    /// Reads `buf.len()` bytes starting at `addr`.
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError>;
    /// Writes `data` starting at `addr`.
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError>;
    /// Whether refused accesses come back as errors (AXI SLVERR, a direct
    /// model) or silently read 0 / are ignored (I2C).
    fn reports_errors(&self) -> bool;
}

/// What a transport provides: the 256-byte window of the device.
pub trait WindowAccess {
    /// See [`RegisterAccess::reports_errors`].
    fn reports_errors(&self) -> bool {
        true
    }
    /// The (bank, page) currently selected.
    fn selected(&mut self) -> (u8, u8);
    /// Writes BankSelect and PageSelect in one transaction.
    fn select(&mut self, bank: u8, page: u8) -> Result<(), AccessError>;
    /// Reads a run of window bytes in one transaction.
    fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), AccessError>;
    /// Writes a run of window bytes in one transaction.
    fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), AccessError>;
}

/// Splits a linear range into half-page runs: `(bank, page, byte, offset,
/// length)`.
fn runs(addr: u32, n: usize) -> Vec<(u8, u8, u8, usize, usize)> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < n {
        let (bank, page, byte) = split_linear(addr + i as u32);
        let len = (128 - (byte as usize % 128)).min(n - i);
        v.push((bank, page, byte, i, len));
        i += len;
    }
    v
}

impl<W: WindowAccess> RegisterAccess for W {
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError> {
        let mut result = Ok(());
        for (bank, page, byte, at, len) in runs(addr, buf.len()) {
            if byte >= 128 && self.selected() != (bank, page) {
                self.select(bank, page)?;
            }
            result = result.and(self.read_run(byte, &mut buf[at..at + len]));
        }
        result
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError> {
        let mut result = Ok(());
        for (bank, page, byte, at, len) in runs(addr, data.len()) {
            if byte >= 128 && self.selected() != (bank, page) {
                self.select(bank, page)?;
            }
            result = result.and(self.write_run(byte, &data[at..at + len]));
        }
        result
    }

    fn reports_errors(&self) -> bool {
        WindowAccess::reports_errors(self)
    }
}

/// A transport that carries whole I2C operations to a CMIS target (a
/// bit-level master on some engine's pins, or a host program's channel to
/// one): the window over it, at address 50h, with the BankSelect and
/// PageSelect it last wrote remembered rather than read back.
pub trait I2cTransport {
    /// Runs one operation to completion.
    fn run_op(&mut self, op: I2cOp) -> Result<I2cResult, AccessError>;
    /// The `(bank, page)` this transport last selected.
    fn selection(&mut self) -> &mut (u8, u8);
}

/// I2C reports no refusals: a refused byte reads 0 or is ignored.
impl<T: I2cTransport> WindowAccess for T {
    fn reports_errors(&self) -> bool {
        false
    }

    fn selected(&mut self) -> (u8, u8) {
        *self.selection()
    }

    fn select(&mut self, bank: u8, page: u8) -> Result<(), AccessError> {
        self.write_run(126, &[bank, page])
    }

    fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), AccessError> {
        let r = self.run_op(I2cOp::Read {
            addr: byte,
            n: buf.len(),
        })?;
        buf.copy_from_slice(&r.data);
        Ok(())
    }

    fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), AccessError> {
        let mut d = vec![byte];
        d.extend_from_slice(data);
        let r = self.run_op(I2cOp::Write { data: d })?;
        if !r.acks.iter().all(|&a| a) {
            return Err(AccessError::Nack { byte });
        }
        for (k, &v) in data.iter().enumerate() {
            match byte.wrapping_add(k as u8) {
                126 => self.selection().0 = v,
                127 => self.selection().1 = v,
                _ => {}
            }
        }
        Ok(())
    }
}

/// The model reached directly at its byte port. Like the device, a run
/// carries on past a refused byte (it reads 0 or ignores the write) and the
/// first refusal is reported at the end.
impl WindowAccess for CmisMemory {
    fn selected(&mut self) -> (u8, u8) {
        (
            self.peek("BankSelect", 0, 0) as u8,
            self.peek("PageSelect", 0, 0) as u8,
        )
    }

    fn select(&mut self, bank: u8, page: u8) -> Result<(), AccessError> {
        self.write_run(126, &[bank, page])
    }

    fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), AccessError> {
        self.begin();
        let mut result = Ok(());
        for (k, b) in buf.iter_mut().enumerate() {
            match self.read_byte(byte.wrapping_add(k as u8)) {
                Ok(v) => *b = v,
                Err(e) => {
                    *b = 0;
                    result = result.and(Err(e));
                }
            }
        }
        self.end();
        result
    }

    fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), AccessError> {
        self.begin();
        let mut result = Ok(());
        for (k, &v) in data.iter().enumerate() {
            result = result.and(self.write_byte(byte.wrapping_add(k as u8), v));
        }
        self.end();
        result
    }
}

/// What an AXI4-Lite transport provides: one operation run to its
/// response. [`OverAxi`] turns it into byte access.
pub trait AxiTransport {
    fn run_axi(&mut self, op: AxiOp) -> Result<AxiResult, AccessError>;
}

/// Byte access at linear addresses over an AXI4-Lite transport: one word
/// operation per 32-bit word touched, the bytes outside the access masked
/// by the write strobes. A SLVERR is reported after every word was tried,
/// as a host driver sees a refused access.
pub struct OverAxi<T: AxiTransport>(pub T);

/// Words touched by `n` bytes from `addr`: `(word address, first byte
/// offset in the buffer, lane mask)`.
fn axi_words(addr: u32, n: usize) -> Vec<(u32, usize, u8)> {
    let mut v: Vec<(u32, usize, u8)> = Vec::new();
    for k in 0..n {
        let a = addr + k as u32;
        let (word, lane) = (a & !3, (a & 3) as u8);
        match v.last_mut() {
            Some((w, _, mask)) if *w == word => *mask |= 1 << lane,
            _ => v.push((word, k, 1 << lane)),
        }
    }
    v
}

/// [`RegisterAccess::read`] over `t`.
pub fn axi_read(t: &mut impl AxiTransport, addr: u32, buf: &mut [u8]) -> Result<(), AccessError> {
    let mut result = Ok(());
    for (word, at, mask) in axi_words(addr, buf.len()) {
        let r = t.run_axi(AxiOp::Read { addr: word })?;
        if r.resp != resp::OKAY && result.is_ok() {
            result = Err(AccessError::Slverr { addr: word });
        }
        let mut k = at;
        for (lane, &b) in r.data.to_le_bytes().iter().enumerate() {
            if mask & (1 << lane) != 0 {
                buf[k] = b;
                k += 1;
            }
        }
    }
    result
}

/// [`RegisterAccess::write`] over `t`.
pub fn axi_write(t: &mut impl AxiTransport, addr: u32, data: &[u8]) -> Result<(), AccessError> {
    let mut result = Ok(());
    for (word, at, mask) in axi_words(addr, data.len()) {
        let mut bytes = [0u8; 4];
        let mut k = at;
        for (lane, b) in bytes.iter_mut().enumerate() {
            if mask & (1 << lane) != 0 {
                *b = data[k];
                k += 1;
            }
        }
        let r = t.run_axi(AxiOp::Write {
            addr: word,
            data: u32::from_le_bytes(bytes),
            strb: mask,
        })?;
        if r.resp != resp::OKAY && result.is_ok() {
            result = Err(AccessError::Slverr { addr: word });
        }
    }
    result
}

impl<T: AxiTransport> RegisterAccess for OverAxi<T> {
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError> {
        axi_read(&mut self.0, addr, buf)
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError> {
        axi_write(&mut self.0, addr, data)
    }

    fn reports_errors(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axi_words_cover_exactly_the_bytes_given() {
        assert_eq!(axi_words(143, 2), vec![(140, 0, 0b1000), (144, 1, 0b0001)]);
        assert_eq!(axi_words(26, 1), vec![(24, 0, 0b0100)]);
        assert_eq!(axi_words(0, 6), vec![(0, 0, 0b1111), (4, 4, 0b0011)]);
    }
    use xpo_spec::regmap::linear_address;

    #[test]
    fn linear_split_inverts_the_layout() {
        for (bank, page, byte) in [
            (0, 0, 5),
            (0, 0, 200),
            (1, 0x1B, 128),
            (3, 0x10, 255),
            (0, 0x02, 130),
        ] {
            let want = if byte < 128 {
                (0, 0, byte)
            } else {
                (bank, page, byte)
            };
            assert_eq!(split_linear(linear_address(bank, page, byte)), want);
        }
    }

    #[test]
    fn runs_split_at_half_pages() {
        let r = runs(linear_address(0, 1, 250), 10);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].1, r[0].2, r[0].4), (1, 250, 6));
        assert_eq!((r[1].1, r[1].2, r[1].4), (2, 128, 4));
    }
}
