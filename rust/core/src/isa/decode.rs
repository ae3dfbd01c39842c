//! Decoder of RV64GC encodings into `Inst`.
//!
//! `decode` takes the first 32 bits at the pc; the low 16 bits decide the
//! length. Compressed parcels go to `compressed::expand`; 32-bit words are
//! decoded here, one function per major opcode (unprivileged spec, table
//! "RISC-V base opcode map"), floating point in `fp`.
//!
//! Canonical form: every field an encoding does not use is 0, so equal
//! operations compare equal whatever their encoding (see `forms`). Fields
//! that select the operation rather than name an operand (funct3 of
//! fsgnj, fmin/fmax and the comparisons, the rs2 selector of the
//! conversions) are folded into `op`, and `rm` is 0 for floating-point
//! operations without a rounding mode. The reserved fields of FENCE (rd,
//! rs1) and FENCE.I (all of them) are dropped.
//!
//! Anything outside RV64GC decodes to `Inst::illegal(bits, 4)`: reserved
//! funct fields, rounding modes 5 and 6, shift amounts of 64 and more (32
//! and more for the W forms), and the 48-bit and longer encodings (they
//! are not part of RV64GC, so their first 32 bits are just an illegal
//! instruction).

mod fields;
pub(crate) mod forms;
mod fp;

#[cfg(test)]
pub(crate) mod encode;
#[cfg(test)]
mod tests;

use super::{compressed, inst_len, Inst, Op};
use fields::*;
use forms::{bare, imm, reg, two_sources, with_rm};

/// Decode the instruction whose first parcels are `bits` (for a compressed
/// instruction only the low 16 bits matter).
pub fn decode(bits: u32) -> Inst {
    if inst_len(bits as u16) == 2 {
        return compressed::expand(bits as u16);
    }
    decode32(bits).unwrap_or(Inst::illegal(bits, 4))
}

/// Decode a 32-bit encoding; `None` when it is not an RV64GC instruction.
fn decode32(bits: u32) -> Option<Inst> {
    match opcode(bits) {
        0x03 => load(bits),
        0x07 => fp::load(bits),
        0x0f => misc_mem(bits),
        0x13 => op_imm(bits),
        0x17 => Some(imm(Op::Auipc, rd(bits), 0, imm_u(bits))),
        0x1b => op_imm_32(bits),
        0x23 => store(bits),
        0x27 => fp::store(bits),
        0x2f => amo(bits),
        0x33 => op(bits),
        0x37 => Some(imm(Op::Lui, rd(bits), 0, imm_u(bits))),
        0x3b => op_32(bits),
        0x43 | 0x47 | 0x4b | 0x4f => fp::fused(bits),
        0x53 => fp::op_fp(bits),
        0x63 => branch(bits),
        0x67 if funct3(bits) == 0 => Some(imm(Op::Jalr, rd(bits), rs1(bits), imm_i(bits))),
        0x6f => Some(imm(Op::Jal, rd(bits), 0, imm_j(bits))),
        0x73 => system(bits),
        _ => None,
    }
}

fn load(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match funct3(bits) {
        0 => Lb,
        1 => Lh,
        2 => Lw,
        3 => Ld,
        4 => Lbu,
        5 => Lhu,
        6 => Lwu,
        _ => return None,
    };
    Some(imm(op, rd(bits), rs1(bits), imm_i(bits)))
}

fn store(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match funct3(bits) {
        0 => Sb,
        1 => Sh,
        2 => Sw,
        3 => Sd,
        _ => return None,
    };
    Some(two_sources(op, rs1(bits), rs2(bits), imm_s(bits)))
}

fn branch(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match funct3(bits) {
        0 => Beq,
        1 => Bne,
        4 => Blt,
        5 => Bge,
        6 => Bltu,
        7 => Bgeu,
        _ => return None,
    };
    Some(two_sources(op, rs1(bits), rs2(bits), imm_b(bits)))
}

/// FENCE and FENCE.I. Implementations must ignore their reserved fields
/// (rd and rs1, the FENCE.I immediate) and treat unknown FENCE fm values
/// as a plain fence (unprivileged spec, "Memory Ordering Instructions"
/// and the Zifencei chapter), so those decode as the plain instruction.
/// FENCE keeps `inst[31:20]` (fm, pred, succ) for the disassembler and for
/// a finer-grained implementation.
fn misc_mem(bits: u32) -> Option<Inst> {
    match funct3(bits) {
        0 => Some(imm(Op::Fence, 0, 0, imm_i_unsigned(bits))),
        1 => Some(bare(Op::FenceI)),
        _ => None,
    }
}

fn op_imm(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match funct3(bits) {
        0 => Addi,
        2 => Slti,
        3 => Sltiu,
        4 => Xori,
        6 => Ori,
        7 => Andi,
        // RV64 shifts: a 6-bit shamt in inst[25:20]; inst[31:26] selects
        // logical (0) or arithmetic (0b010000), anything else is reserved.
        shift => {
            let op = match (shift, bits >> 26) {
                (1, 0) => Slli,
                (5, 0) => Srli,
                (5, 0x10) => Srai,
                _ => return None,
            };
            return Some(imm(op, rd(bits), rs1(bits), ((bits >> 20) & 0x3f) as i32));
        }
    };
    Some(imm(op, rd(bits), rs1(bits), imm_i(bits)))
}

fn op_imm_32(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match (funct3(bits), funct7(bits)) {
        (0, _) => return Some(imm(Addiw, rd(bits), rs1(bits), imm_i(bits))),
        // The W shifts have a 5-bit shamt: inst[25] set (shamt >= 32) is
        // reserved, which the funct7 match rejects.
        (1, 0) => Slliw,
        (5, 0) => Srliw,
        (5, 0x20) => Sraiw,
        _ => return None,
    };
    Some(imm(op, rd(bits), rs1(bits), rs2(bits) as i32))
}

fn op(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match (funct7(bits), funct3(bits)) {
        (0, 0) => Add,
        (0x20, 0) => Sub,
        (0, 1) => Sll,
        (0, 2) => Slt,
        (0, 3) => Sltu,
        (0, 4) => Xor,
        (0, 5) => Srl,
        (0x20, 5) => Sra,
        (0, 6) => Or,
        (0, 7) => And,
        (1, 0) => Mul,
        (1, 1) => Mulh,
        (1, 2) => Mulhsu,
        (1, 3) => Mulhu,
        (1, 4) => Div,
        (1, 5) => Divu,
        (1, 6) => Rem,
        (1, 7) => Remu,
        _ => return None,
    };
    Some(reg(op, rd(bits), rs1(bits), rs2(bits)))
}

fn op_32(bits: u32) -> Option<Inst> {
    use Op::*;
    let op = match (funct7(bits), funct3(bits)) {
        (0, 0) => Addw,
        (0x20, 0) => Subw,
        (0, 1) => Sllw,
        (0, 5) => Srlw,
        (0x20, 5) => Sraw,
        (1, 0) => Mulw,
        (1, 4) => Divw,
        (1, 5) => Divuw,
        (1, 6) => Remw,
        (1, 7) => Remuw,
        _ => return None,
    };
    Some(reg(op, rd(bits), rs1(bits), rs2(bits)))
}

/// The A extension: funct3 gives the width, `inst[31:27]` the operation,
/// `inst[26:25]` the aq/rl bits (kept in `rm`).
fn amo(bits: u32) -> Option<Inst> {
    use Op::*;
    let double = match funct3(bits) {
        2 => false,
        3 => true,
        _ => return None,
    };
    let (w, d) = match funct5(bits) {
        // LR has no data source: rs2 must be 0.
        0b00010 if rs2(bits) == 0 => (LrW, LrD),
        0b00011 => (ScW, ScD),
        0b00001 => (AmoswapW, AmoswapD),
        0b00000 => (AmoaddW, AmoaddD),
        0b00100 => (AmoxorW, AmoxorD),
        0b01100 => (AmoandW, AmoandD),
        0b01000 => (AmoorW, AmoorD),
        0b10000 => (AmominW, AmominD),
        0b10100 => (AmomaxW, AmomaxD),
        0b11000 => (AmominuW, AmominuD),
        0b11100 => (AmomaxuW, AmomaxuD),
        _ => return None,
    };
    let op = if double { d } else { w };
    let aq_rl = funct2(bits) as u8;
    Some(with_rm(op, rd(bits), rs1(bits), rs2(bits), aq_rl))
}

/// SYSTEM: the Zicsr instructions, and with funct3 = 0 the environment
/// calls and the privileged instructions, which are matched exactly
/// (every other field is 0, privileged spec chapter 3.3 and 4.2).
fn system(bits: u32) -> Option<Inst> {
    use Op::*;
    let csr = imm_i_unsigned(bits);
    let op = match funct3(bits) {
        0 => {
            return match bits {
                0x0000_0073 => Some(bare(Ecall)),
                0x0010_0073 => Some(bare(Ebreak)),
                0x1020_0073 => Some(bare(Sret)),
                0x3020_0073 => Some(bare(Mret)),
                0x1050_0073 => Some(bare(Wfi)),
                _ if funct7(bits) == 0b000_1001 && rd(bits) == 0 => {
                    Some(reg(SfenceVma, 0, rs1(bits), rs2(bits)))
                }
                _ => None,
            }
        }
        1 => Csrrw,
        2 => Csrrs,
        3 => Csrrc,
        // The immediate forms keep their 5-bit zero-extended uimm in rs1.
        5 => Csrrwi,
        6 => Csrrsi,
        7 => Csrrci,
        _ => return None,
    };
    Some(imm(op, rd(bits), rs1(bits), csr))
}
