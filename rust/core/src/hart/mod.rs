//! Architectural state of one hart.

pub mod fp;

/// Floating-point exception flags, as in the `fflags` CSR.
pub mod fflags {
    pub const NX: u8 = 1 << 0; // inexact
    pub const UF: u8 = 1 << 1; // underflow
    pub const OF: u8 = 1 << 2; // overflow
    pub const DZ: u8 = 1 << 3; // divide by zero
    pub const NV: u8 = 1 << 4; // invalid operation
}

/// The register file and user-visible state of one RV64GC hart.
/// `Hart::reservation` when no LR is outstanding (LR addresses are
/// aligned, so never this).
pub const NO_RESERVATION: u64 = u64::MAX;

#[derive(Clone, Debug)]
#[repr(C)]
pub struct Hart {
    /// Integer registers; `x[0]` is kept at zero by every writer.
    pub x: [u64; 32],
    /// Floating-point registers as raw bits; singles are NaN-boxed
    /// (upper 32 bits all ones).
    pub f: [u64; 32],
    pub pc: u64,
    /// Accrued exception flags (`fflags`, low 5 bits).
    pub fflags: u8,
    /// Dynamic rounding mode (`frm`, 0..=7; 5..=7 are reserved).
    pub frm: u8,
    /// Address reserved by the last LR (`NO_RESERVATION` when none),
    /// cleared by SC and by AMOs. A plain integer, so compiled code can
    /// read and write it.
    pub reservation: u64,
    /// Instructions retired (the `instret` counter).
    pub instret: u64,
}

impl Default for Hart {
    fn default() -> Self {
        Hart { x: [0; 32], f: [0; 32], pc: 0, fflags: 0, frm: 0, reservation: NO_RESERVATION, instret: 0 }
    }
}

impl Hart {
    pub fn new() -> Self {
        Self::default()
    }

    /// The `fcsr` CSR: `frm` in bits 7:5, `fflags` in bits 4:0.
    pub fn fcsr(&self) -> u64 {
        ((self.frm as u64) << 5) | self.fflags as u64
    }

    pub fn set_fcsr(&mut self, v: u64) {
        self.fflags = (v & 0x1f) as u8;
        self.frm = ((v >> 5) & 7) as u8;
    }
}

/// A synchronous exception raised by an instruction, with its trap value.
/// Causes and their `tval` follow the privileged specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    InstructionMisaligned(u64),
    InstructionAccessFault(u64),
    /// Raw instruction bits.
    IllegalInstruction(u32),
    Breakpoint(u64),
    LoadMisaligned(u64),
    LoadAccessFault(u64),
    StoreMisaligned(u64),
    StoreAccessFault(u64),
    EcallFromU,
    EcallFromS,
    EcallFromM,
    InstructionPageFault(u64),
    LoadPageFault(u64),
    StorePageFault(u64),
}

impl Exception {
    /// The `mcause`/`scause` exception code.
    pub fn cause(&self) -> u64 {
        use Exception::*;
        match self {
            InstructionMisaligned(_) => 0,
            InstructionAccessFault(_) => 1,
            IllegalInstruction(_) => 2,
            Breakpoint(_) => 3,
            LoadMisaligned(_) => 4,
            LoadAccessFault(_) => 5,
            StoreMisaligned(_) => 6,
            StoreAccessFault(_) => 7,
            EcallFromU => 8,
            EcallFromS => 9,
            EcallFromM => 11,
            InstructionPageFault(_) => 12,
            LoadPageFault(_) => 13,
            StorePageFault(_) => 15,
        }
    }

    /// The trap value (`mtval`/`stval`).
    pub fn tval(&self) -> u64 {
        use Exception::*;
        match *self {
            InstructionMisaligned(a) | InstructionAccessFault(a) | Breakpoint(a)
            | LoadMisaligned(a) | LoadAccessFault(a) | StoreMisaligned(a)
            | StoreAccessFault(a) | InstructionPageFault(a) | LoadPageFault(a)
            | StorePageFault(a) => a,
            IllegalInstruction(bits) => bits as u64,
            EcallFromU | EcallFromS | EcallFromM => 0,
        }
    }
}
