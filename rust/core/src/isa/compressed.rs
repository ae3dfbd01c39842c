//! Expansion of compressed (RVC) encodings, RV64 variant (unprivileged
//! spec chapter 16, "C" Standard Extension, tables 16.5 to 16.7).
//!
//! Each parcel expands to exactly the `Inst` its 32-bit twin decodes to,
//! with `len = 2`. Reserved encodings are illegal; HINTs (c.nop with a
//! non-zero immediate, c.addi/c.li/c.lui/c.mv/c.add/c.slli with rd = 0,
//! shifts by 0, ...) are legal and expand like their base instruction.
//! The encodings RV32C uses for c.jal and the c.flw/c.fsw family are
//! RV64C's c.addiw and c.ld/c.sd family, so no RV32-only form exists here.

#[cfg(test)]
mod tests;

use super::decode::forms::{bare, imm, reg, two_sources};
use super::{Inst, Op};

const ZERO: u8 = 0;
const RA: u8 = 1;
const SP: u8 = 2;

/// Expand the compressed instruction `bits` (its low two bits are not 3).
pub fn expand(bits: u16) -> Inst {
    let expanded = match bits & 3 {
        0 => quadrant0(bits),
        1 => quadrant1(bits),
        2 => quadrant2(bits),
        _ => None,
    };
    match expanded {
        Some(inst) => Inst { len: 2, ..inst },
        None => Inst::illegal(bits as u32, 2),
    }
}

// Fields of the compressed formats. The "prime" registers (3 bits) name
// x8..x15 / f8..f15.

fn bit(bits: u16, n: u32) -> u32 {
    (bits as u32 >> n) & 1
}

fn funct3(bits: u16) -> u16 {
    bits >> 13
}

/// rd or rs1 in the CR and CI formats, `inst[11:7]`.
fn rd_full(bits: u16) -> u8 {
    ((bits >> 7) & 0x1f) as u8
}

/// rs2 in the CR and CSS formats, `inst[6:2]`.
fn rs2_full(bits: u16) -> u8 {
    ((bits >> 2) & 0x1f) as u8
}

/// rs1' / rd' at `inst[9:7]`.
fn rs1_prime(bits: u16) -> u8 {
    ((bits >> 7) & 7) as u8 + 8
}

/// rs2' / rd' at `inst[4:2]`.
fn rs2_prime(bits: u16) -> u8 {
    ((bits >> 2) & 7) as u8 + 8
}

/// The 6-bit signed immediate of the CI format: `imm[5]` at `inst[12]`,
/// `imm[4:0]` at `inst[6:2]`.
fn imm_ci(bits: u16) -> i32 {
    let raw = (bit(bits, 12) << 5 | (bits as u32 >> 2) & 0x1f) as i32;
    (raw << 26) >> 26
}

/// The unsigned 6-bit shift amount (same bits as `imm_ci`).
fn shamt(bits: u16) -> i32 {
    (bit(bits, 12) << 5 | (bits as u32 >> 2) & 0x1f) as i32
}

/// c.lw/c.sw offset: `uimm[5:3]` at `inst[12:10]`, `uimm[2]` at
/// `inst[6]`, `uimm[6]` at `inst[5]`.
fn offset_word(bits: u16) -> i32 {
    let b = bits as u32;
    ((b >> 10 & 7) << 3 | bit(bits, 6) << 2 | bit(bits, 5) << 6) as i32
}

/// c.ld/c.sd/c.fld/c.fsd offset: `uimm[5:3]` at `inst[12:10]`,
/// `uimm[7:6]` at `inst[6:5]`.
fn offset_double(bits: u16) -> i32 {
    let b = bits as u32;
    ((b >> 10 & 7) << 3 | (b >> 5 & 3) << 6) as i32
}

/// c.lwsp offset: `uimm[5]` at `inst[12]`, `uimm[4:2]` at `inst[6:4]`,
/// `uimm[7:6]` at `inst[3:2]`.
fn offset_lwsp(bits: u16) -> i32 {
    let b = bits as u32;
    (bit(bits, 12) << 5 | (b >> 4 & 7) << 2 | (b >> 2 & 3) << 6) as i32
}

/// c.ldsp/c.fldsp offset: `uimm[5]` at `inst[12]`, `uimm[4:3]` at
/// `inst[6:5]`, `uimm[8:6]` at `inst[4:2]`.
fn offset_ldsp(bits: u16) -> i32 {
    let b = bits as u32;
    (bit(bits, 12) << 5 | (b >> 5 & 3) << 3 | (b >> 2 & 7) << 6) as i32
}

/// c.swsp offset: `uimm[5:2]` at `inst[12:9]`, `uimm[7:6]` at `inst[8:7]`.
fn offset_swsp(bits: u16) -> i32 {
    let b = bits as u32;
    ((b >> 9 & 0xf) << 2 | (b >> 7 & 3) << 6) as i32
}

/// c.sdsp/c.fsdsp offset: `uimm[5:3]` at `inst[12:10]`, `uimm[8:6]` at
/// `inst[9:7]`.
fn offset_sdsp(bits: u16) -> i32 {
    let b = bits as u32;
    ((b >> 10 & 7) << 3 | (b >> 7 & 7) << 6) as i32
}

/// c.addi4spn: `nzuimm[5:4|9:6|2|3]` at `inst[12:5]`.
fn imm_addi4spn(bits: u16) -> i32 {
    let b = bits as u32;
    ((b >> 11 & 3) << 4 | (b >> 7 & 0xf) << 6 | bit(bits, 6) << 2 | bit(bits, 5) << 3) as i32
}

/// c.addi16sp: `nzimm[9]` at `inst[12]`, `nzimm[4|6|8:7|5]` at
/// `inst[6:2]`, sign-extended.
fn imm_addi16sp(bits: u16) -> i32 {
    let b = bits as u32;
    let raw = (bit(bits, 12) << 9
        | bit(bits, 6) << 4
        | bit(bits, 5) << 6
        | (b >> 3 & 3) << 7
        | bit(bits, 2) << 5) as i32;
    (raw << 22) >> 22
}

/// c.j: `imm[11|4|9:8|10|6|7|3:1|5]` at `inst[12:2]`, sign-extended.
fn imm_cj(bits: u16) -> i32 {
    let b = bits as u32;
    let raw = (bit(bits, 12) << 11
        | bit(bits, 11) << 4
        | (b >> 9 & 3) << 8
        | bit(bits, 8) << 10
        | bit(bits, 7) << 6
        | bit(bits, 6) << 7
        | (b >> 3 & 7) << 1
        | bit(bits, 2) << 5) as i32;
    (raw << 20) >> 20
}

/// c.beqz/c.bnez: `imm[8|4:3]` at `inst[12:10]`, `imm[7:6|2:1|5]` at
/// `inst[6:2]`, sign-extended.
fn imm_cb(bits: u16) -> i32 {
    let b = bits as u32;
    let raw = (bit(bits, 12) << 8
        | (b >> 10 & 3) << 3
        | (b >> 5 & 3) << 6
        | (b >> 3 & 3) << 1
        | bit(bits, 2) << 5) as i32;
    (raw << 23) >> 23
}

/// Quadrant 0: stack-pointer-based address generation, loads and stores
/// with prime registers.
fn quadrant0(bits: u16) -> Option<Inst> {
    use Op::*;
    let (rd, rs1) = (rs2_prime(bits), rs1_prime(bits));
    Some(match funct3(bits) {
        // c.addi4spn: a zero immediate is reserved (this also makes the
        // all-zero parcel illegal, as the spec intends).
        0 => match imm_addi4spn(bits) {
            0 => return None,
            nzuimm => imm(Addi, rd, SP, nzuimm),
        },
        1 => imm(Fld, rd, rs1, offset_double(bits)),
        2 => imm(Lw, rd, rs1, offset_word(bits)),
        3 => imm(Ld, rd, rs1, offset_double(bits)),
        5 => two_sources(Fsd, rs1, rd, offset_double(bits)),
        6 => two_sources(Sw, rs1, rd, offset_word(bits)),
        7 => two_sources(Sd, rs1, rd, offset_double(bits)),
        // funct3 = 4 is reserved.
        _ => return None,
    })
}

/// Quadrant 1: immediates, register-register arithmetic on prime
/// registers, jumps and branches.
fn quadrant1(bits: u16) -> Option<Inst> {
    use Op::*;
    let rd = rd_full(bits);
    Some(match funct3(bits) {
        // c.addi; rd = 0 is c.nop (a HINT when the immediate is not 0).
        0 => imm(Addi, rd, rd, imm_ci(bits)),
        // c.addiw; rd = 0 is reserved.
        1 if rd != ZERO => imm(Addiw, rd, rd, imm_ci(bits)),
        1 => return None,
        // c.li
        2 => imm(Addi, rd, ZERO, imm_ci(bits)),
        3 if rd == SP => match imm_addi16sp(bits) {
            0 => return None,
            nzimm => imm(Addi, SP, SP, nzimm),
        },
        // c.lui: a zero immediate is reserved.
        3 => match imm_ci(bits) {
            0 => return None,
            nzimm => imm(Lui, rd, ZERO, nzimm << 12),
        },
        4 => return misc_alu(bits),
        5 => imm(Jal, ZERO, 0, imm_cj(bits)),
        6 => two_sources(Beq, rs1_prime(bits), ZERO, imm_cb(bits)),
        _ => two_sources(Bne, rs1_prime(bits), ZERO, imm_cb(bits)),
    })
}

/// Quadrant 1, funct3 = 4: c.srli, c.srai, c.andi and the CA format.
fn misc_alu(bits: u16) -> Option<Inst> {
    use Op::*;
    let rd = rs1_prime(bits);
    let rs2 = rs2_prime(bits);
    Some(match (bits >> 10) & 3 {
        0 => imm(Srli, rd, rd, shamt(bits)),
        1 => imm(Srai, rd, rd, shamt(bits)),
        2 => imm(Andi, rd, rd, imm_ci(bits)),
        _ => {
            let op = match (bit(bits, 12), (bits >> 5) & 3) {
                (0, 0) => Sub,
                (0, 1) => Xor,
                (0, 2) => Or,
                (0, 3) => And,
                (1, 0) => Subw,
                (1, 1) => Addw,
                // Reserved.
                _ => return None,
            };
            reg(op, rd, rd, rs2)
        }
    })
}

/// Quadrant 2: shifts, stack-pointer-based loads and stores, and the CR
/// format (jumps, moves, adds, ebreak).
fn quadrant2(bits: u16) -> Option<Inst> {
    use Op::*;
    let rd = rd_full(bits);
    let rs2 = rs2_full(bits);
    Some(match funct3(bits) {
        0 => imm(Slli, rd, rd, shamt(bits)),
        1 => imm(Fld, rd, SP, offset_ldsp(bits)),
        // c.lwsp and c.ldsp with rd = 0 are reserved.
        2 if rd != ZERO => imm(Lw, rd, SP, offset_lwsp(bits)),
        3 if rd != ZERO => imm(Ld, rd, SP, offset_ldsp(bits)),
        2 | 3 => return None,
        4 => match (bit(bits, 12), rd, rs2) {
            // c.jr; rs1 = 0 is reserved.
            (0, ZERO, 0) => return None,
            (0, rs1, 0) => imm(Jalr, ZERO, rs1, 0),
            // c.mv
            (0, rd, rs2) => reg(Add, rd, ZERO, rs2),
            (1, ZERO, 0) => bare(Ebreak),
            // c.jalr
            (1, rs1, 0) => imm(Jalr, RA, rs1, 0),
            // c.add
            (_, rd, rs2) => reg(Add, rd, rd, rs2),
        },
        5 => two_sources(Fsd, SP, rs2, offset_sdsp(bits)),
        6 => two_sources(Sw, SP, rs2, offset_swsp(bits)),
        _ => two_sources(Sd, SP, rs2, offset_sdsp(bits)),
    })
}
