//! The PMP registers (privileged spec 3.7): 64 entries, each a config
//! byte packed eight to a pmpcfg CSR (the even-numbered ones, on RV64) and
//! an address register. The board keeps them with their WARL rules, so
//! firmware that programs PMP reads back what the hardware would hold,
//! but checks no access against them (all memory stays reachable).

pub const ENTRIES: usize = 64;

/// Config byte fields (figure 3.32).
const R: u8 = 1 << 0;
const W: u8 = 1 << 1;
const A_SHIFT: u32 = 3;
const A: u8 = 3 << A_SHIFT;
const A_TOR: u8 = 1 << A_SHIFT;
const L: u8 = 1 << 7;
/// X, R, W, A and L: bits 6:5 are reserved and read as zero.
const CFG_BITS: u8 = 0x9f;
/// pmpaddr holds bits 55:2 of an address (the grain is 4 bytes).
const ADDR_BITS: u64 = (1 << 54) - 1;

#[derive(Clone, Debug)]
pub struct Pmp {
    cfg: [u8; ENTRIES],
    addr: [u64; ENTRIES],
}

impl Default for Pmp {
    fn default() -> Self {
        Pmp { cfg: [0; ENTRIES], addr: [0; ENTRIES] }
    }
}

impl Pmp {
    /// pmpcfg`index` (even, 0 to 14): the config bytes of entries
    /// 4*index to 4*index + 7.
    pub fn read_cfg(&self, index: usize) -> u64 {
        let first = index * 4;
        (0..8).fold(0, |v, i| v | (self.cfg[first + i] as u64) << (8 * i))
    }

    /// Write pmpcfg`index`. A locked entry's byte keeps its value; the
    /// reserved combination R=0 W=1 reads back with W clear.
    pub fn write_cfg(&mut self, index: usize, v: u64) {
        let first = index * 4;
        for i in 0..8 {
            let entry = &mut self.cfg[first + i];
            if *entry & L != 0 {
                continue;
            }
            let mut byte = (v >> (8 * i)) as u8 & CFG_BITS;
            if byte & (R | W) == W {
                byte &= !W;
            }
            *entry = byte;
        }
    }

    pub fn read_addr(&self, entry: usize) -> u64 {
        self.addr[entry]
    }

    /// Write pmpaddr`entry`, unless the entry is locked or is the base of
    /// a locked top-of-range entry above it.
    pub fn write_addr(&mut self, entry: usize, v: u64) {
        let locked = self.cfg[entry] & L != 0;
        let next = self.cfg.get(entry + 1).copied().unwrap_or(0);
        let base_of_locked_tor = next & L != 0 && next & A == A_TOR;
        if !locked && !base_of_locked_tor {
            self.addr[entry] = v & ADDR_BITS;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warl_fields_and_locks() {
        let mut p = Pmp::default();
        p.write_cfg(0, u64::MAX);
        assert_eq!(p.read_cfg(0), 0x9f9f_9f9f_9f9f_9f9f);
        // W without R is reserved.
        p.write_cfg(2, 0x02);
        assert_eq!(p.read_cfg(2), 0);
        p.write_addr(63, u64::MAX);
        assert_eq!(p.read_addr(63), (1 << 54) - 1);
        // Entry 9 locked as TOR: its cfg byte, its address and entry 8's
        // address are frozen until reset.
        p.write_addr(8, 0x100);
        p.write_addr(9, 0x200);
        p.write_cfg(2, (L as u64 | A_TOR as u64 | 1) << 8);
        p.write_cfg(2, 0);
        assert_eq!(p.read_cfg(2), (L as u64 | A_TOR as u64 | 1) << 8);
        p.write_addr(8, 0x111);
        p.write_addr(9, 0x222);
        p.write_addr(10, 0x333);
        assert_eq!((p.read_addr(8), p.read_addr(9), p.read_addr(10)), (0x100, 0x200, 0x333));
    }
}
