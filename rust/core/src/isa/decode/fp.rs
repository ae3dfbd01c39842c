//! The F and D extensions: loads, stores, fused multiply-adds and OP-FP.
//!
//! The two formats share every encoding but the `fmt` field (0 = S,
//! 1 = D); H and Q (fmt 2 and 3) are not part of RV64GC.

use super::fields::*;
use super::forms::{fused as r4, imm, two_sources, with_rm};
use crate::isa::{Inst, Op};

/// The rounding-mode field if it names a mode: 0..=4 or 7 (dynamic).
/// Values 5 and 6 are reserved (unprivileged spec 13.2).
fn rounding(bits: u32) -> Option<u8> {
    match funct3(bits) {
        rm @ (0..=4 | 7) => Some(rm as u8),
        _ => None,
    }
}

/// Pick the single or the double variant from the `fmt` field.
fn by_format(fmt: u32, single: Op, double: Op) -> Option<Op> {
    match fmt {
        0 => Some(single),
        1 => Some(double),
        _ => None,
    }
}

pub(super) fn load(bits: u32) -> Option<Inst> {
    let op = match funct3(bits) {
        2 => Op::Flw,
        3 => Op::Fld,
        _ => return None,
    };
    Some(imm(op, rd(bits), rs1(bits), imm_i(bits)))
}

pub(super) fn store(bits: u32) -> Option<Inst> {
    let op = match funct3(bits) {
        2 => Op::Fsw,
        3 => Op::Fsd,
        _ => return None,
    };
    Some(two_sources(op, rs1(bits), rs2(bits), imm_s(bits)))
}

/// FMADD, FMSUB, FNMSUB, FNMADD (opcodes 0x43, 0x47, 0x4b, 0x4f).
pub(super) fn fused(bits: u32) -> Option<Inst> {
    use Op::*;
    let (single, double) = match opcode(bits) {
        0x43 => (FmaddS, FmaddD),
        0x47 => (FmsubS, FmsubD),
        0x4b => (FnmsubS, FnmsubD),
        _ => (FnmaddS, FnmaddD),
    };
    let op = by_format(funct2(bits), single, double)?;
    let rm = rounding(bits)?;
    Some(r4(op, rd(bits), rs1(bits), rs2(bits), rs3(bits), rm))
}

/// OP-FP: `inst[31:27]` selects the operation, `inst[26:25]` the format.
/// Where funct3 or rs2 select a variant rather than hold a rounding mode
/// or a register, they are folded into the op and left 0 in the `Inst`.
pub(super) fn op_fp(bits: u32) -> Option<Inst> {
    use Op::*;
    let fmt = funct2(bits);
    let (rd, rs1, rs2) = (rd(bits), rs1(bits), rs2(bits));
    let rounded = |single, double| -> Option<Inst> {
        let op = by_format(fmt, single, double)?;
        Some(with_rm(op, rd, rs1, rs2, rounding(bits)?))
    };
    // A unary operation with a rounding mode: rs2 is a selector.
    let unary_rounded = |op| -> Option<Inst> { Some(with_rm(op, rd, rs1, 0, rounding(bits)?)) };
    let plain = |op| -> Option<Inst> { Some(with_rm(op, rd, rs1, rs2, 0)) };
    match funct5(bits) {
        0x00 => rounded(FaddS, FaddD),
        0x01 => rounded(FsubS, FsubD),
        0x02 => rounded(FmulS, FmulD),
        0x03 => rounded(FdivS, FdivD),
        0x0b if rs2 == 0 => unary_rounded(by_format(fmt, FsqrtS, FsqrtD)?),
        0x04 => plain(match funct3(bits) {
            0 => by_format(fmt, FsgnjS, FsgnjD)?,
            1 => by_format(fmt, FsgnjnS, FsgnjnD)?,
            2 => by_format(fmt, FsgnjxS, FsgnjxD)?,
            _ => return None,
        }),
        0x05 => plain(match funct3(bits) {
            0 => by_format(fmt, FminS, FminD)?,
            1 => by_format(fmt, FmaxS, FmaxD)?,
            _ => return None,
        }),
        // Between formats: fmt is the destination, rs2 the source format.
        0x08 => match (fmt, rs2) {
            (0, 1) => unary_rounded(FcvtSD),
            (1, 0) => unary_rounded(FcvtDS),
            _ => None,
        },
        0x14 => {
            let op = match funct3(bits) {
                0 => by_format(fmt, FleS, FleD)?,
                1 => by_format(fmt, FltS, FltD)?,
                2 => by_format(fmt, FeqS, FeqD)?,
                _ => return None,
            };
            plain(op)
        }
        // Float to integer; rs2 picks the integer type (W, WU, L, LU).
        0x18 => unary_rounded(match (fmt, rs2) {
            (0, 0) => FcvtWS,
            (0, 1) => FcvtWuS,
            (0, 2) => FcvtLS,
            (0, 3) => FcvtLuS,
            (1, 0) => FcvtWD,
            (1, 1) => FcvtWuD,
            (1, 2) => FcvtLD,
            (1, 3) => FcvtLuD,
            _ => return None,
        }),
        // Integer to float.
        0x1a => unary_rounded(match (fmt, rs2) {
            (0, 0) => FcvtSW,
            (0, 1) => FcvtSWu,
            (0, 2) => FcvtSL,
            (0, 3) => FcvtSLu,
            (1, 0) => FcvtDW,
            (1, 1) => FcvtDWu,
            (1, 2) => FcvtDL,
            (1, 3) => FcvtDLu,
            _ => return None,
        }),
        0x1c if rs2 == 0 => {
            let op = match funct3(bits) {
                0 => by_format(fmt, FmvXW, FmvXD)?,
                1 => by_format(fmt, FclassS, FclassD)?,
                _ => return None,
            };
            plain(op)
        }
        0x1e if rs2 == 0 && funct3(bits) == 0 => plain(by_format(fmt, FmvWX, FmvDX)?),
        _ => None,
    }
}
