//! The core-local interruptor (SiFive CLINT layout, as on QEMU's virt
//! board): msip (a word per hart from offset 0), mtimecmp (a double word
//! per hart from 0x4000) and the one mtime every hart shares.
//!
//! mtime is not a register here but a function of the hart's retired
//! instructions (see `csr::INSTRUCTIONS_PER_TICK`), so runs are
//! deterministic; the board stores the current value into the shared
//! clock before each block.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub const BASE: u64 = 0x0200_0000;
pub const SIZE: u64 = 0x1_0000;
const MSIP: u64 = 0x0;
const MTIMECMP: u64 = 0x4000;
const MTIME: u64 = 0xbff8;

pub struct Clint {
    /// Per hart, indexed by hart id.
    pub msip: Vec<bool>,
    pub mtimecmp: Vec<u64>,
    /// mtime as of the current block, kept by the board.
    clock: Arc<AtomicU64>,
    /// A guest write to mtime, for the board to apply to its time offset.
    pub mtime_written: Option<u64>,
}

/// Read `size` bytes at `off` of the 64-bit register `reg`.
fn slice(reg: u64, off: u64, size: usize) -> u64 {
    let v = reg >> (8 * off);
    if size >= 8 {
        v
    } else {
        v & ((1u64 << (8 * size)) - 1)
    }
}

/// Replace `size` bytes at `off` of `reg` by `value`.
fn merge(reg: u64, off: u64, size: usize, value: u64) -> u64 {
    let mask = if size >= 8 { u64::MAX } else { ((1u64 << (8 * size)) - 1) << (8 * off) };
    (reg & !mask) | ((value << (8 * off)) & mask)
}

impl Clint {
    /// The CLINT of a board with `harts` harts.
    pub fn new(harts: usize, clock: Arc<AtomicU64>) -> Self {
        Clint { msip: vec![false; harts], mtimecmp: vec![u64::MAX; harts], clock, mtime_written: None }
    }

    /// The hart whose msip word holds `off`, if that hart exists.
    fn msip_hart(&self, off: u64) -> Option<usize> {
        let hart = usize::try_from((off - MSIP) / 4).ok()?;
        (off < MTIMECMP && hart < self.msip.len()).then_some(hart)
    }

    /// The hart whose mtimecmp holds `off` (the access of `size` bytes
    /// staying inside the register), if that hart exists.
    fn mtimecmp_hart(&self, off: u64, size: usize) -> Option<usize> {
        let rel = off.checked_sub(MTIMECMP).filter(|_| off < MTIME)?;
        let hart = usize::try_from(rel / 8).ok()?;
        (rel % 8 + size as u64 <= 8 && hart < self.mtimecmp.len()).then_some(hart)
    }

    /// `off` is relative to `BASE`; accesses must stay within a register.
    /// Registers of harts the board does not have read as zero.
    pub fn read(&self, off: u64, size: usize) -> Option<u64> {
        if let Some(h) = self.msip_hart(off) {
            return Some(slice(self.msip[h] as u64, (off - MSIP) % 4, size));
        }
        if let Some(h) = self.mtimecmp_hart(off, size) {
            return Some(slice(self.mtimecmp[h], (off - MTIMECMP) % 8, size));
        }
        match off {
            MTIME..=0xbfff if off - MTIME + size as u64 <= 8 => {
                Some(slice(self.clock.load(Ordering::Relaxed), off - MTIME, size))
            }
            _ => Some(0),
        }
    }

    /// Writes to registers of harts the board does not have are ignored.
    pub fn write(&mut self, off: u64, size: usize, value: u64) -> bool {
        if let Some(h) = self.msip_hart(off) {
            // Only bit 0 of the word's first byte is implemented.
            if (off - MSIP) % 4 == 0 {
                self.msip[h] = value & 1 != 0;
            }
            return true;
        }
        if let Some(h) = self.mtimecmp_hart(off, size) {
            self.mtimecmp[h] = merge(self.mtimecmp[h], (off - MTIMECMP) % 8, size, value);
            return true;
        }
        match off {
            MTIME..=0xbfff if off - MTIME + size as u64 <= 8 => {
                let v = merge(self.clock.load(Ordering::Relaxed), off - MTIME, size, value);
                self.clock.store(v, Ordering::Relaxed);
                self.mtime_written = Some(v);
            }
            _ => {}
        }
        true
    }
}
