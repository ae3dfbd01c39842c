//! The state compiled code shares with Rust: one `JitContext` per run of
//! the dispatcher, and the table that maps guest pcs to compiled blocks.

use std::mem::offset_of;

use crate::hart::{Exception, Hart};
use crate::mem::Memory;

/// Entries of the pc -> compiled code table (direct mapped).
pub const TABLE_SIZE: usize = 4096;

/// One slot of the compiled-code table: the dispatcher's only lookup.
/// 32 bytes so that a slot's address is `base + (index << 5)`.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct JitEntry {
    /// Guest pc of the block, `u64::MAX` when empty (pcs are even).
    pub pc: u64,
    /// Host address of the compiled block function.
    pub code: u64,
    /// Instructions in the block (charged to the budget on entry).
    pub n: u64,
    _pad: u64,
}

impl JitEntry {
    pub const EMPTY: JitEntry = JitEntry { pc: u64::MAX, code: 0, n: 0, _pad: 0 };

    pub fn new(pc: u64, code: u64, n: u64) -> Self {
        JitEntry { pc, code, n, _pad: 0 }
    }
}

/// Slot of `pc` in the table.
#[inline(always)]
pub fn table_slot(pc: u64) -> usize {
    ((pc >> 1) as usize) & (TABLE_SIZE - 1)
}

/// Exit codes of block functions and of the dispatcher.
pub mod exit {
    /// A block ran to its end; `hart.pc` holds the next pc.
    pub const NEXT: u32 = 0;
    /// The dispatcher stopped: next block not compiled or budget too small
    /// for it. `hart.pc` is the next pc.
    pub const RETURN: u32 = 1;
    /// An ecall is at `hart.pc`; it has not retired yet.
    pub const ECALL: u32 = 2;
    /// An instruction at `hart.pc` faulted; the exception is in `pending`.
    pub const FAULT: u32 = 3;
    /// The memory access at `hart.pc` cannot take the inline fast path (TLB
    /// miss, misaligned atomic); it has not run: the interpreter must run
    /// it (and may go on to the block's end).
    pub const SLOW: u32 = 4;
}

/// Shared with compiled code through the offsets below; `pending` is only
/// touched by Rust helpers.
#[repr(C)]
pub struct JitContext {
    /// Instructions compiled code may still retire. The dispatcher charges
    /// a whole block on entry; exits before the block's end refund the rest.
    pub budget: u64,
    pub table: *const JitEntry,
    pub read_tlb: *const u8,
    pub write_tlb: *const u8,
    /// Compiled functions entered through the pc table, by the
    /// dispatcher or another function's chain exit.
    pub entered: u64,
    pub hart: *mut Hart,
    pub mem: *mut Memory,
    /// Set by a helper that raised an exception.
    pub fault: u64,
    /// After a SLOW or FAULT exit: instructions of the block left unrun,
    /// the one at `hart.pc` included (where the block's end lies, for a run
    /// loop that must finish the block before its next boundary).
    pub left: u64,
    pub pending: Option<Exception>,
}

pub const OFF_BUDGET: i32 = offset_of!(JitContext, budget) as i32;
pub const OFF_TABLE: i32 = offset_of!(JitContext, table) as i32;
pub const OFF_READ_TLB: i32 = offset_of!(JitContext, read_tlb) as i32;
pub const OFF_WRITE_TLB: i32 = offset_of!(JitContext, write_tlb) as i32;
pub const OFF_ENTERED: i32 = offset_of!(JitContext, entered) as i32;
pub const OFF_FAULT: i32 = offset_of!(JitContext, fault) as i32;
pub const OFF_LEFT: i32 = offset_of!(JitContext, left) as i32;

pub const OFF_X: i32 = offset_of!(Hart, x) as i32;
pub const OFF_F: i32 = offset_of!(Hart, f) as i32;
pub const OFF_PC: i32 = offset_of!(Hart, pc) as i32;
pub const OFF_FFLAGS: i32 = offset_of!(Hart, fflags) as i32;
pub const OFF_FRM: i32 = offset_of!(Hart, frm) as i32;
pub const OFF_RESERVATION: i32 = offset_of!(Hart, reservation) as i32;

pub const OFF_ENTRY_PC: i32 = offset_of!(JitEntry, pc) as i32;
pub const OFF_ENTRY_CODE: i32 = offset_of!(JitEntry, code) as i32;
pub const OFF_ENTRY_N: i32 = offset_of!(JitEntry, n) as i32;

const _: () = assert!(std::mem::size_of::<JitEntry>() == 32);
const _: () = assert!(std::mem::size_of::<crate::mem::tlb::Entry>() == 16);
