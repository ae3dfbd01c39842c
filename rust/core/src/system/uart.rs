//! A 16550 UART (byte-wide registers, as on QEMU's virt board) wired to the
//! console: transmitted bytes are captured, received bytes come from a
//! buffer given at construction. No interrupts (there is no PLIC yet).

use std::collections::VecDeque;

pub const BASE: u64 = 0x1000_0000;
pub const SIZE: u64 = 0x100;

const RBR_THR_DLL: u64 = 0;
const IER_DLM: u64 = 1;
const IIR_FCR: u64 = 2;
const LCR: u64 = 3;
const MCR: u64 = 4;
const LSR: u64 = 5;
const MSR: u64 = 6;
const SCR: u64 = 7;

const LCR_DLAB: u8 = 0x80;
const LSR_DATA_READY: u8 = 0x01;
/// Transmit holding register empty and transmitter empty: output is
/// taken at once.
const LSR_TX_IDLE: u8 = 0x60;
/// No interrupt pending; FIFOs enabled.
const IIR_NONE: u8 = 0xc1;

#[derive(Default)]
pub struct Uart {
    pub input: VecDeque<u8>,
    ier: u8,
    lcr: u8,
    mcr: u8,
    scr: u8,
    dll: u8,
    dlm: u8,
}

impl Uart {
    pub fn new(input: Vec<u8>) -> Self {
        Uart { input: input.into(), ..Default::default() }
    }

    pub fn read(&mut self, off: u64) -> u8 {
        let dlab = self.lcr & LCR_DLAB != 0;
        match off {
            RBR_THR_DLL if dlab => self.dll,
            RBR_THR_DLL => self.input.pop_front().unwrap_or(0),
            IER_DLM if dlab => self.dlm,
            IER_DLM => self.ier,
            IIR_FCR => IIR_NONE,
            LCR => self.lcr,
            MCR => self.mcr,
            LSR => LSR_TX_IDLE | if self.input.is_empty() { 0 } else { LSR_DATA_READY },
            MSR => 0,
            SCR => self.scr,
            _ => 0,
        }
    }

    /// A byte to transmit, if the write was one.
    pub fn write(&mut self, off: u64, v: u8) -> Option<u8> {
        let dlab = self.lcr & LCR_DLAB != 0;
        match off {
            RBR_THR_DLL if dlab => self.dll = v,
            RBR_THR_DLL => return Some(v),
            IER_DLM if dlab => self.dlm = v,
            IER_DLM => self.ier = v & 0x0f,
            LCR => self.lcr = v,
            MCR => self.mcr = v,
            SCR => self.scr = v,
            _ => {}
        }
        None
    }
}
