//! `RegisterAccess`: the management memory at optoe/SONiC linear addresses.

use super::memory::{AccessError, CmisMemory};

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
/// module. Implementations select bank and page as needed; each call is one
/// bus transaction per half page touched.
pub trait RegisterAccess {
    /// Reads `buf.len()` bytes starting at `addr`.
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError>;
    /// Writes `data` starting at `addr`.
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError>;
}

/// Runs `op(byte, i)` for each byte of a linear range, selecting bank and
/// page before each half page and wrapping each half page in a transaction.
fn walk(
    m: &mut CmisMemory,
    addr: u32,
    n: usize,
    mut op: impl FnMut(&mut CmisMemory, u8, usize) -> Result<(), AccessError>,
) -> Result<(), AccessError> {
    let mut i = 0;
    while i < n {
        let (bank, page, byte) = split_linear(addr + i as u32);
        let run = (128 - (byte as usize % 128)).min(n - i);
        if byte >= 128 {
            let cur = (
                m.peek("BankSelect", 0, 0) as u8,
                m.peek("PageSelect", 0, 0) as u8,
            );
            if cur != (bank, page) {
                m.begin();
                let r = m
                    .write_byte(126, bank)
                    .and_then(|_| m.write_byte(127, page));
                m.end();
                r?;
            }
        }
        // Like the device, carry on past a refused byte (it reads 0 or
        // ignores the write) and report the first refusal at the end.
        m.begin();
        let mut result = Ok(());
        for k in 0..run {
            if let Err(e) = op(m, byte + k as u8, i + k) {
                result = result.and(Err(e));
            }
        }
        m.end();
        result?;
        i += run;
    }
    Ok(())
}

impl RegisterAccess for CmisMemory {
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError> {
        let n = buf.len();
        walk(self, addr, n, |m, byte, i| {
            let r = m.read_byte(byte);
            buf[i] = *r.as_ref().unwrap_or(&0);
            r.map(|_| ())
        })
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError> {
        walk(self, addr, data.len(), |m, byte, i| {
            m.write_byte(byte, data[i])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
