//! The core-local interruptor (SiFive CLINT layout, as on QEMU's virt
//! board): msip, mtimecmp and mtime of hart 0.
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
    pub msip: bool,
    pub mtimecmp: u64,
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
    pub fn new(clock: Arc<AtomicU64>) -> Self {
        Clint { msip: false, mtimecmp: u64::MAX, clock, mtime_written: None }
    }

    /// `off` is relative to `BASE`; accesses must stay within a register.
    pub fn read(&self, off: u64, size: usize) -> Option<u64> {
        match off {
            MSIP..=0x3 => Some(slice(self.msip as u64, off - MSIP, size)),
            MTIMECMP..=0x4007 if off - MTIMECMP + size as u64 <= 8 => Some(slice(self.mtimecmp, off - MTIMECMP, size)),
            MTIME..=0xbfff if off - MTIME + size as u64 <= 8 => {
                Some(slice(self.clock.load(Ordering::Relaxed), off - MTIME, size))
            }
            // Other harts' registers: this board has one hart.
            _ => Some(0),
        }
    }

    pub fn write(&mut self, off: u64, size: usize, value: u64) -> bool {
        match off {
            MSIP => self.msip = value & 1 != 0,
            MTIMECMP..=0x4007 if off - MTIMECMP + size as u64 <= 8 => {
                self.mtimecmp = merge(self.mtimecmp, off - MTIMECMP, size, value);
            }
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
