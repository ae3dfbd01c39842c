//! Builders of the canonical `Inst` for each operand shape.
//!
//! Both decoders (32-bit and compressed) build through these, so a
//! compressed instruction and its 32-bit twin cannot disagree on which
//! fields are set: every field an encoding does not use stays 0.

use crate::isa::{Inst, Op};

const fn inst(op: Op, rd: u8, rs1: u8, rs2: u8, rs3: u8, rm: u8, imm: i32) -> Inst {
    Inst {
        op,
        rd,
        rs1,
        rs2,
        rs3,
        rm,
        len: 4,
        imm,
    }
}

/// Two source registers and a destination (R-type). Unary operations
/// (fsqrt, fcvt, fmv, fclass) pass `rs2 = 0`.
pub const fn reg(op: Op, rd: u8, rs1: u8, rs2: u8) -> Inst {
    inst(op, rd, rs1, rs2, 0, 0, 0)
}

/// A source register, an immediate and a destination: I-type ALU and
/// loads, JALR, shifts (`imm` = shift amount), CSR accesses (`imm` = CSR
/// number), and with `rs1 = 0` also LUI, AUIPC and JAL.
pub const fn imm(op: Op, rd: u8, rs1: u8, imm: i32) -> Inst {
    inst(op, rd, rs1, 0, 0, 0, imm)
}

/// Two source registers and an immediate, no destination: stores
/// (address `rs1 + imm`, data `rs2`) and branches (pc-relative `imm`).
pub const fn two_sources(op: Op, rs1: u8, rs2: u8, imm: i32) -> Inst {
    inst(op, 0, rs1, rs2, 0, 0, imm)
}

/// A floating-point operation with a rounding-mode field (`rm`), or an
/// AMO with its aq/rl bits in `rm`.
pub const fn with_rm(op: Op, rd: u8, rs1: u8, rs2: u8, rm: u8) -> Inst {
    inst(op, rd, rs1, rs2, 0, rm, 0)
}

/// A fused multiply-add (R4-type).
pub const fn fused(op: Op, rd: u8, rs1: u8, rs2: u8, rs3: u8, rm: u8) -> Inst {
    inst(op, rd, rs1, rs2, rs3, rm, 0)
}

/// An instruction without operands (ecall, mret, fence.i, ...).
pub const fn bare(op: Op) -> Inst {
    inst(op, 0, 0, 0, 0, 0, 0)
}
