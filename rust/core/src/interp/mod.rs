//! The interpreter: executes predecoded basic blocks.
//!
//! This is the reference semantics of vmjit (the JIT is checked against it).
//! Integer, atomic, CSR and memory instructions are defined here; floating
//! point computation lives in `hart::fp`.

pub(crate) mod csr;

use crate::engine::block::Block;
use crate::hart::{Exception, Hart, NO_RESERVATION};
use crate::isa::{Inst, Op};
use crate::mem::{MemFault, Memory};

/// How a block (or the part of it that ran) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockExit {
    /// Ran to its end (or to the instruction limit); `hart.pc` is the next pc.
    Continue,
    /// An instruction raised an exception (`ecall`, `ebreak` and fence.i
    /// included: they need the run loop). `hart.pc` is that instruction's
    /// pc; it did not retire, unless it is an ecall or fence.i, which the run
    /// loop completes.
    Trap(Exception),
    /// fence.i retired; `hart.pc` is the next pc. Decoded code must be
    /// dropped before going on.
    FenceI,
}

/// Run at most `limit` instructions of `block`, starting with its first.
/// Returns how it ended and how many instructions retired.
#[inline]
pub fn run_block(hart: &mut Hart, mem: &mut Memory, block: &Block, limit: usize) -> (BlockExit, usize) {
    let mut pc = block.start;
    let n = block.insts.len().min(limit);
    for (i, inst) in block.insts[..n].iter().enumerate() {
        match step(hart, mem, inst, pc) {
            Ok(Flow::Next) => pc = pc.wrapping_add(inst.len as u64),
            Ok(Flow::Jump(target)) => {
                hart.pc = target;
                return (BlockExit::Continue, i + 1);
            }
            Ok(Flow::FenceI) => {
                hart.pc = pc.wrapping_add(inst.len as u64);
                return (BlockExit::FenceI, i + 1);
            }
            Err(e) => {
                hart.pc = pc;
                return (BlockExit::Trap(e), i);
            }
        }
    }
    hart.pc = pc;
    (BlockExit::Continue, n)
}

/// Control flow after one instruction.
enum Flow {
    Next,
    Jump(u64),
    FenceI,
}

#[inline(always)]
fn load_fault(f: MemFault) -> Exception {
    f.exception()
}

/// AMOs and SC report every failure as a store fault (privileged spec 3.7).
#[inline(always)]
fn amo_fault(f: MemFault) -> Exception {
    f.as_store().exception()
}

#[inline(always)]
fn check_aligned(addr: u64, size: u64) -> Result<(), Exception> {
    if addr & (size - 1) != 0 {
        Err(Exception::StoreMisaligned(addr))
    } else {
        Ok(())
    }
}

/// Execute one instruction at `pc`.
#[inline(always)]
fn step(hart: &mut Hart, mem: &mut Memory, inst: &Inst, pc: u64) -> Result<Flow, Exception> {
    let rd = inst.rd as usize;
    let rs1 = hart.x[inst.rs1 as usize];
    let rs2 = hart.x[inst.rs2 as usize];
    let imm = inst.imm as i64 as u64;
    let x = &mut hart.x;

    macro_rules! set {
        ($v:expr) => {{
            let v: u64 = $v;
            x[rd] = v;
            x[0] = 0;
        }};
    }
    macro_rules! setw {
        ($v:expr) => {{
            set!(($v) as i32 as i64 as u64)
        }};
    }
    macro_rules! load {
        ($f:ident, $($conv:ty),*) => {{
            let addr = rs1.wrapping_add(imm);
            let v = mem.$f(addr).map_err(load_fault)?;
            set!(v $(as $conv)* as u64)
        }};
    }
    macro_rules! store {
        ($f:ident, $t:ty) => {{
            let addr = rs1.wrapping_add(imm);
            mem.$f(addr, rs2 as $t).map_err(load_fault)?;
        }};
    }
    macro_rules! branch {
        ($cond:expr) => {{
            if $cond {
                return Ok(Flow::Jump(pc.wrapping_add(imm)));
            }
        }};
    }
    macro_rules! amo_w {
        ($f:expr) => {{
            check_aligned(rs1, 4)?;
            let old = mem.read_u32(rs1).map_err(amo_fault)?;
            let f: fn(u32, u32) -> u32 = $f;
            mem.write_u32(rs1, f(old, rs2 as u32)).map_err(amo_fault)?;
            hart.reservation = NO_RESERVATION;
            setw!(old)
        }};
    }
    macro_rules! amo_d {
        ($f:expr) => {{
            check_aligned(rs1, 8)?;
            let old = mem.read_u64(rs1).map_err(amo_fault)?;
            let f: fn(u64, u64) -> u64 = $f;
            mem.write_u64(rs1, f(old, rs2)).map_err(amo_fault)?;
            hart.reservation = NO_RESERVATION;
            set!(old)
        }};
    }

    use Op::*;
    match inst.op {
        Lui => set!(imm),
        Auipc => set!(pc.wrapping_add(imm)),
        Jal => {
            set!(pc.wrapping_add(inst.len as u64));
            return Ok(Flow::Jump(pc.wrapping_add(imm)));
        }
        Jalr => {
            let target = rs1.wrapping_add(imm) & !1;
            set!(pc.wrapping_add(inst.len as u64));
            return Ok(Flow::Jump(target));
        }
        Beq => branch!(rs1 == rs2),
        Bne => branch!(rs1 != rs2),
        Blt => branch!((rs1 as i64) < (rs2 as i64)),
        Bge => branch!((rs1 as i64) >= (rs2 as i64)),
        Bltu => branch!(rs1 < rs2),
        Bgeu => branch!(rs1 >= rs2),

        Lb => load!(read_u8, i8, i64),
        Lh => load!(read_u16, i16, i64),
        Lw => load!(read_u32, i32, i64),
        Ld => load!(read_u64, u64),
        Lbu => load!(read_u8, u64),
        Lhu => load!(read_u16, u64),
        Lwu => load!(read_u32, u64),
        Sb => store!(write_u8, u8),
        Sh => store!(write_u16, u16),
        Sw => store!(write_u32, u32),
        Sd => store!(write_u64, u64),

        Addi => set!(rs1.wrapping_add(imm)),
        Slti => set!(((rs1 as i64) < (imm as i64)) as u64),
        Sltiu => set!((rs1 < imm) as u64),
        Xori => set!(rs1 ^ imm),
        Ori => set!(rs1 | imm),
        Andi => set!(rs1 & imm),
        Slli => set!(rs1 << (imm & 63)),
        Srli => set!(rs1 >> (imm & 63)),
        Srai => set!(((rs1 as i64) >> (imm & 63)) as u64),
        Add => set!(rs1.wrapping_add(rs2)),
        Sub => set!(rs1.wrapping_sub(rs2)),
        Sll => set!(rs1 << (rs2 & 63)),
        Slt => set!(((rs1 as i64) < (rs2 as i64)) as u64),
        Sltu => set!((rs1 < rs2) as u64),
        Xor => set!(rs1 ^ rs2),
        Srl => set!(rs1 >> (rs2 & 63)),
        Sra => set!(((rs1 as i64) >> (rs2 & 63)) as u64),
        Or => set!(rs1 | rs2),
        And => set!(rs1 & rs2),
        Addiw => setw!(rs1.wrapping_add(imm)),
        Slliw => setw!((rs1 as u32) << (imm & 31)),
        Srliw => setw!((rs1 as u32) >> (imm & 31)),
        Sraiw => setw!((rs1 as i32) >> (imm & 31)),
        Addw => setw!(rs1.wrapping_add(rs2)),
        Subw => setw!(rs1.wrapping_sub(rs2)),
        Sllw => setw!((rs1 as u32) << (rs2 & 31)),
        Srlw => setw!((rs1 as u32) >> (rs2 & 31)),
        Sraw => setw!((rs1 as i32) >> (rs2 & 31)),

        // Single hart, in-order: fences have nothing to order.
        Fence => {}
        FenceI => return Ok(Flow::FenceI),
        Ecall => return Err(Exception::EcallFromU),
        Ebreak => return Err(Exception::Breakpoint(pc)),

        Mul => set!(rs1.wrapping_mul(rs2)),
        Mulh => set!(((rs1 as i64 as i128 * rs2 as i64 as i128) >> 64) as u64),
        Mulhsu => set!(((rs1 as i64 as i128).wrapping_mul(rs2 as i128) >> 64) as u64),
        Mulhu => set!(((rs1 as u128 * rs2 as u128) >> 64) as u64),
        // Division by zero and overflow do not trap (unprivileged spec 7.2).
        Div => set!(match (rs1 as i64, rs2 as i64) {
            (_, 0) => u64::MAX,
            (a, b) => a.wrapping_div(b) as u64,
        }),
        Divu => set!(rs1.checked_div(rs2).unwrap_or(u64::MAX)),
        Rem => set!(match (rs1 as i64, rs2 as i64) {
            (a, 0) => a as u64,
            (a, b) => a.wrapping_rem(b) as u64,
        }),
        Remu => set!(if rs2 == 0 { rs1 } else { rs1 % rs2 }),
        Mulw => setw!((rs1 as u32).wrapping_mul(rs2 as u32)),
        Divw => setw!(match (rs1 as i32, rs2 as i32) {
            (_, 0) => -1,
            (a, b) => a.wrapping_div(b),
        }),
        Divuw => setw!((rs1 as u32).checked_div(rs2 as u32).unwrap_or(u32::MAX)),
        Remw => setw!(match (rs1 as i32, rs2 as i32) {
            (a, 0) => a,
            (a, b) => a.wrapping_rem(b),
        }),
        Remuw => setw!(if rs2 as u32 == 0 { rs1 as u32 } else { rs1 as u32 % rs2 as u32 }),

        LrW => {
            check_aligned(rs1, 4).map_err(|_| Exception::LoadMisaligned(rs1))?;
            let v = mem.read_u32(rs1).map_err(load_fault)?;
            hart.reservation = rs1;
            setw!(v)
        }
        LrD => {
            check_aligned(rs1, 8).map_err(|_| Exception::LoadMisaligned(rs1))?;
            let v = mem.read_u64(rs1).map_err(load_fault)?;
            hart.reservation = rs1;
            set!(v)
        }
        ScW => {
            check_aligned(rs1, 4)?;
            // A store that did not happen (a fault, a watchpoint, a device
            // the host has yet to serve) keeps the reservation: the SC runs
            // again as if for the first time.
            let ok = hart.reservation == rs1;
            if ok {
                mem.write_u32(rs1, rs2 as u32).map_err(amo_fault)?;
            }
            hart.reservation = NO_RESERVATION;
            set!(!ok as u64)
        }
        ScD => {
            check_aligned(rs1, 8)?;
            // A store that did not happen (a fault, a watchpoint, a device
            // the host has yet to serve) keeps the reservation: the SC runs
            // again as if for the first time.
            let ok = hart.reservation == rs1;
            if ok {
                mem.write_u64(rs1, rs2).map_err(amo_fault)?;
            }
            hart.reservation = NO_RESERVATION;
            set!(!ok as u64)
        }
        AmoswapW => amo_w!(|_, b| b),
        AmoaddW => amo_w!(|a, b| a.wrapping_add(b)),
        AmoxorW => amo_w!(|a, b| a ^ b),
        AmoandW => amo_w!(|a, b| a & b),
        AmoorW => amo_w!(|a, b| a | b),
        AmominW => amo_w!(|a, b| (a as i32).min(b as i32) as u32),
        AmomaxW => amo_w!(|a, b| (a as i32).max(b as i32) as u32),
        AmominuW => amo_w!(|a, b| a.min(b)),
        AmomaxuW => amo_w!(|a, b| a.max(b)),
        AmoswapD => amo_d!(|_, b| b),
        AmoaddD => amo_d!(|a, b| a.wrapping_add(b)),
        AmoxorD => amo_d!(|a, b| a ^ b),
        AmoandD => amo_d!(|a, b| a & b),
        AmoorD => amo_d!(|a, b| a | b),
        AmominD => amo_d!(|a, b| (a as i64).min(b as i64) as u64),
        AmomaxD => amo_d!(|a, b| (a as i64).max(b as i64) as u64),
        AmominuD => amo_d!(|a, b| a.min(b)),
        AmomaxuD => amo_d!(|a, b| a.max(b)),

        Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => csr::execute(hart, inst)?,

        Flw => {
            let v = mem.read_u32(rs1.wrapping_add(imm)).map_err(load_fault)?;
            hart.f[rd] = 0xffff_ffff_0000_0000 | v as u64;
        }
        Fld => {
            hart.f[rd] = mem.read_u64(rs1.wrapping_add(imm)).map_err(load_fault)?;
        }
        Fsw => {
            let v = hart.f[inst.rs2 as usize] as u32;
            mem.write_u32(rs1.wrapping_add(imm), v).map_err(load_fault)?;
        }
        Fsd => {
            let v = hart.f[inst.rs2 as usize];
            mem.write_u64(rs1.wrapping_add(imm), v).map_err(load_fault)?;
        }

        // User mode: the privileged instructions and anything undecodable
        // are illegal. The trap carries the raw bits when known.
        Illegal => return Err(Exception::IllegalInstruction(inst.imm as u32)),
        Mret | Sret | Wfi | SfenceVma => return Err(Exception::IllegalInstruction(0)),

        _ => crate::hart::fp::execute(hart, inst)?,
    }
    Ok(Flow::Next)
}

#[cfg(test)]
mod tests;
