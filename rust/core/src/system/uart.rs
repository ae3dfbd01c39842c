//! A 16550 UART (byte-wide registers, as on QEMU's virt board) wired to the
//! console: transmitted bytes are captured, received bytes come from a
//! buffer given at construction. Its interrupt line (PLIC source 10, as on
//! QEMU's virt board) carries two conditions enabled in IER: received data
//! available, and transmit holding register empty. The transmitter empties
//! at once, so the latter rises again after every transmitted byte, and
//! reading IIR while it is the reported cause clears it (as on a 16550).

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
/// IIR with FIFOs enabled (bits 7:6) and, in bits 3:0, the cause.
const IIR_FIFO: u8 = 0xc0;
const IIR_NONE: u8 = 0x01;
const IIR_THR_EMPTY: u8 = 0x02;
const IIR_RX_DATA: u8 = 0x04;
const IER_RX_DATA: u8 = 0x01;
const IER_THR_EMPTY: u8 = 0x02;
/// The PLIC source of the UART's interrupt line.
pub const IRQ: u32 = 10;

#[derive(Default)]
pub struct Uart {
    pub input: VecDeque<u8>,
    ier: u8,
    lcr: u8,
    mcr: u8,
    scr: u8,
    dll: u8,
    dlm: u8,
    /// The THR-empty condition, until IIR reports it or THR is written.
    thr_empty_pending: bool,
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
            IIR_FCR => {
                let cause = self.cause();
                if cause == IIR_THR_EMPTY {
                    self.thr_empty_pending = false;
                }
                IIR_FIFO | cause
            }
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
            RBR_THR_DLL => {
                // Sent at once: the holding register is empty again.
                self.thr_empty_pending = true;
                return Some(v);
            }
            IER_DLM if dlab => self.dlm = v,
            IER_DLM => {
                // Enabling the THR-empty interrupt while the register is
                // empty raises it.
                if v & IER_THR_EMPTY != 0 && self.ier & IER_THR_EMPTY == 0 {
                    self.thr_empty_pending = true;
                }
                self.ier = v & 0x0f;
            }
            LCR => self.lcr = v,
            MCR => self.mcr = v,
            SCR => self.scr = v,
            _ => {}
        }
        None
    }

    /// The highest-priority enabled interrupt condition, as IIR bits 3:0.
    fn cause(&self) -> u8 {
        if self.ier & IER_RX_DATA != 0 && !self.input.is_empty() {
            IIR_RX_DATA
        } else if self.ier & IER_THR_EMPTY != 0 && self.thr_empty_pending {
            IIR_THR_EMPTY
        } else {
            IIR_NONE
        }
    }

    /// The level of the interrupt line.
    pub fn interrupt(&self) -> bool {
        self.cause() != IIR_NONE
    }
}
