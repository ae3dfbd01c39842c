//! The board's physical map outside RAM: CLINT, PLIC and UART, and the
//! console they (and HTIF) write to.

use std::any::Any;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use super::clint::{self, Clint};
use super::plic::{self, Plic};
use super::uart::{self, Uart};
use crate::mem::Mmio;

pub struct Devices {
    pub clint: Clint,
    pub plic: Plic,
    pub uart: Uart,
    /// Console output not yet taken by the host.
    pub console: Vec<u8>,
}

impl Devices {
    /// The devices of a board with `harts` harts; `clock` is mtime, kept
    /// current by the board.
    pub fn new(harts: usize, input: Vec<u8>, clock: Arc<AtomicU64>) -> Self {
        Devices { clint: Clint::new(harts, clock), plic: Plic::new(harts), uart: Uart::new(input), console: Vec::new() }
    }

    /// Pass the UART's interrupt line to the PLIC; called after every UART
    /// access, the only thing that moves it.
    fn update_uart_line(&mut self) {
        self.plic.set_line(uart::IRQ, self.uart.interrupt());
    }
}

/// The windows of the physical map the devices claim, as (base, size).
const WINDOWS: [(u64, u64); 3] = [(clint::BASE, clint::SIZE), (plic::BASE, plic::SIZE), (uart::BASE, uart::SIZE)];

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
        if within(addr, plic::BASE, plic::SIZE) {
            return self.plic.read(addr - plic::BASE, size);
        }
        if within(addr, uart::BASE, uart::SIZE) && size == 1 {
            let v = self.uart.read(addr - uart::BASE);
            self.update_uart_line();
            return Some(v as u64);
        }
        None
    }

    fn write(&mut self, addr: u64, size: usize, value: u64) -> bool {
        if within(addr, clint::BASE, clint::SIZE) {
            return self.clint.write(addr - clint::BASE, size, value);
        }
        if within(addr, plic::BASE, plic::SIZE) {
            return self.plic.write(addr - plic::BASE, size, value);
        }
        if within(addr, uart::BASE, uart::SIZE) && size == 1 {
            if let Some(b) = self.uart.write(addr - uart::BASE, value as u8) {
                self.console.push(b);
            }
            self.update_uart_line();
            return true;
        }
        false
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
