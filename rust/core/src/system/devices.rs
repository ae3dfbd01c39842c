//! The board's physical map outside RAM: CLINT and UART, and the console
//! they (and HTIF) write to.

use std::any::Any;

use super::clint::{self, Clint};
use super::uart::{self, Uart};
use crate::mem::Mmio;

pub struct Devices {
    pub clint: Clint,
    pub uart: Uart,
    /// Console output not yet taken by the host.
    pub console: Vec<u8>,
}

impl Devices {
    pub fn new(input: Vec<u8>) -> Self {
        Devices { clint: Clint::default(), uart: Uart::new(input), console: Vec::new() }
    }
}

/// The windows of the physical map the devices claim, as (base, size).
const WINDOWS: [(u64, u64); 2] = [(clint::BASE, clint::SIZE), (uart::BASE, uart::SIZE)];

fn within(addr: u64, base: u64, size: u64) -> bool {
    addr >= base && addr - base < size
}

impl Mmio for Devices {
    fn contains(&self, addr: u64) -> bool {
        WINDOWS.iter().any(|&(base, size)| within(addr, base, size))
    }

    fn overlaps(&self, start: u64, end: u64) -> bool {
        WINDOWS.iter().any(|&(base, size)| base < end && start < base + size)
    }

    fn read(&mut self, addr: u64, size: usize) -> Option<u64> {
        if within(addr, clint::BASE, clint::SIZE) {
            return self.clint.read(addr - clint::BASE, size);
        }
        if within(addr, uart::BASE, uart::SIZE) && size == 1 {
            return Some(self.uart.read(addr - uart::BASE) as u64);
        }
        None
    }

    fn write(&mut self, addr: u64, size: usize, value: u64) -> bool {
        if within(addr, clint::BASE, clint::SIZE) {
            return self.clint.write(addr - clint::BASE, size, value);
        }
        if within(addr, uart::BASE, uart::SIZE) && size == 1 {
            if let Some(b) = self.uart.write(addr - uart::BASE, value as u8) {
                self.console.push(b);
            }
            return true;
        }
        false
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
