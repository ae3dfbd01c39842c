//! A small encoder of canonical `Inst`s into 32-bit words, for tests only.
//!
//! Written from the spec's encoding tables independently of the decoder:
//! `decode(encode(i)) == i` checks both, and re-encoding the expansion of
//! every compressed parcel checks it against its 32-bit twin.

use crate::isa::{Inst, Op};

fn r_type(opcode: u32, funct3: u32, funct7: u32, inst: &Inst) -> u32 {
    funct7 << 25
        | (inst.rs2 as u32) << 20
        | (inst.rs1 as u32) << 15
        | funct3 << 12
        | (inst.rd as u32) << 7
        | opcode
}

fn i_type(opcode: u32, funct3: u32, imm12: u32, inst: &Inst) -> u32 {
    (imm12 & 0xfff) << 20 | (inst.rs1 as u32) << 15 | funct3 << 12 | (inst.rd as u32) << 7 | opcode
}

fn s_type(opcode: u32, funct3: u32, inst: &Inst) -> u32 {
    let imm = inst.imm as u32;
    (imm >> 5 & 0x7f) << 25
        | (inst.rs2 as u32) << 20
        | (inst.rs1 as u32) << 15
        | funct3 << 12
        | (imm & 0x1f) << 7
        | opcode
}

fn b_type(funct3: u32, inst: &Inst) -> u32 {
    let imm = inst.imm as u32;
    (imm >> 12 & 1) << 31
        | (imm >> 5 & 0x3f) << 25
        | (inst.rs2 as u32) << 20
        | (inst.rs1 as u32) << 15
        | funct3 << 12
        | (imm >> 1 & 0xf) << 8
        | (imm >> 11 & 1) << 7
        | 0x63
}

fn u_type(opcode: u32, inst: &Inst) -> u32 {
    (inst.imm as u32 & 0xffff_f000) | (inst.rd as u32) << 7 | opcode
}

fn j_type(inst: &Inst) -> u32 {
    let imm = inst.imm as u32;
    (imm >> 20 & 1) << 31
        | (imm >> 1 & 0x3ff) << 21
        | (imm >> 11 & 1) << 20
        | (imm >> 12 & 0xff) << 12
        | (inst.rd as u32) << 7
        | 0x6f
}

/// OP-FP with funct7 = `funct5 << 2 | fmt` and funct3 = `funct3`.
fn fp(funct5: u32, fmt: u32, funct3: u32, inst: &Inst) -> u32 {
    r_type(0x53, funct3, funct5 << 2 | fmt, inst)
}

/// OP-FP whose rs2 field selects a variant (conversions).
fn fp_unary(funct5: u32, fmt: u32, selector: u32, inst: &Inst) -> u32 {
    fp(
        funct5,
        fmt,
        inst.rm as u32,
        &Inst {
            rs2: selector as u8,
            ..*inst
        },
    )
}

fn fused(opcode: u32, fmt: u32, inst: &Inst) -> u32 {
    (inst.rs3 as u32) << 27 | r_type(opcode, inst.rm as u32, fmt, inst)
}

fn amo(funct5: u32, funct3: u32, inst: &Inst) -> u32 {
    r_type(0x2f, funct3, funct5 << 2 | inst.rm as u32 & 3, inst)
}

/// The 32-bit encoding of a canonical `Inst` (`len` is ignored); an
/// illegal instruction gives back its raw bits.
pub fn encode(inst: &Inst) -> u32 {
    use Op::*;
    let imm = inst.imm as u32;
    let rm = inst.rm as u32;
    match inst.op {
        Illegal => imm,
        Lui => u_type(0x37, inst),
        Auipc => u_type(0x17, inst),
        Jal => j_type(inst),
        Jalr => i_type(0x67, 0, imm, inst),
        Beq => b_type(0, inst),
        Bne => b_type(1, inst),
        Blt => b_type(4, inst),
        Bge => b_type(5, inst),
        Bltu => b_type(6, inst),
        Bgeu => b_type(7, inst),
        Lb => i_type(0x03, 0, imm, inst),
        Lh => i_type(0x03, 1, imm, inst),
        Lw => i_type(0x03, 2, imm, inst),
        Ld => i_type(0x03, 3, imm, inst),
        Lbu => i_type(0x03, 4, imm, inst),
        Lhu => i_type(0x03, 5, imm, inst),
        Lwu => i_type(0x03, 6, imm, inst),
        Sb => s_type(0x23, 0, inst),
        Sh => s_type(0x23, 1, inst),
        Sw => s_type(0x23, 2, inst),
        Sd => s_type(0x23, 3, inst),
        Addi => i_type(0x13, 0, imm, inst),
        Slti => i_type(0x13, 2, imm, inst),
        Sltiu => i_type(0x13, 3, imm, inst),
        Xori => i_type(0x13, 4, imm, inst),
        Ori => i_type(0x13, 6, imm, inst),
        Andi => i_type(0x13, 7, imm, inst),
        Slli => i_type(0x13, 1, imm, inst),
        Srli => i_type(0x13, 5, imm, inst),
        Srai => i_type(0x13, 5, 0x400 | imm, inst),
        Add => r_type(0x33, 0, 0, inst),
        Sub => r_type(0x33, 0, 0x20, inst),
        Sll => r_type(0x33, 1, 0, inst),
        Slt => r_type(0x33, 2, 0, inst),
        Sltu => r_type(0x33, 3, 0, inst),
        Xor => r_type(0x33, 4, 0, inst),
        Srl => r_type(0x33, 5, 0, inst),
        Sra => r_type(0x33, 5, 0x20, inst),
        Or => r_type(0x33, 6, 0, inst),
        And => r_type(0x33, 7, 0, inst),
        Addiw => i_type(0x1b, 0, imm, inst),
        Slliw => i_type(0x1b, 1, imm, inst),
        Srliw => i_type(0x1b, 5, imm, inst),
        Sraiw => i_type(0x1b, 5, 0x400 | imm, inst),
        Addw => r_type(0x3b, 0, 0, inst),
        Subw => r_type(0x3b, 0, 0x20, inst),
        Sllw => r_type(0x3b, 1, 0, inst),
        Srlw => r_type(0x3b, 5, 0, inst),
        Sraw => r_type(0x3b, 5, 0x20, inst),
        Fence => i_type(0x0f, 0, imm, inst),
        FenceI => 0x0000_100f,
        Ecall => 0x0000_0073,
        Ebreak => 0x0010_0073,
        Mul => r_type(0x33, 0, 1, inst),
        Mulh => r_type(0x33, 1, 1, inst),
        Mulhsu => r_type(0x33, 2, 1, inst),
        Mulhu => r_type(0x33, 3, 1, inst),
        Div => r_type(0x33, 4, 1, inst),
        Divu => r_type(0x33, 5, 1, inst),
        Rem => r_type(0x33, 6, 1, inst),
        Remu => r_type(0x33, 7, 1, inst),
        Mulw => r_type(0x3b, 0, 1, inst),
        Divw => r_type(0x3b, 4, 1, inst),
        Divuw => r_type(0x3b, 5, 1, inst),
        Remw => r_type(0x3b, 6, 1, inst),
        Remuw => r_type(0x3b, 7, 1, inst),
        LrW => amo(0b00010, 2, inst),
        ScW => amo(0b00011, 2, inst),
        AmoswapW => amo(0b00001, 2, inst),
        AmoaddW => amo(0b00000, 2, inst),
        AmoxorW => amo(0b00100, 2, inst),
        AmoandW => amo(0b01100, 2, inst),
        AmoorW => amo(0b01000, 2, inst),
        AmominW => amo(0b10000, 2, inst),
        AmomaxW => amo(0b10100, 2, inst),
        AmominuW => amo(0b11000, 2, inst),
        AmomaxuW => amo(0b11100, 2, inst),
        LrD => amo(0b00010, 3, inst),
        ScD => amo(0b00011, 3, inst),
        AmoswapD => amo(0b00001, 3, inst),
        AmoaddD => amo(0b00000, 3, inst),
        AmoxorD => amo(0b00100, 3, inst),
        AmoandD => amo(0b01100, 3, inst),
        AmoorD => amo(0b01000, 3, inst),
        AmominD => amo(0b10000, 3, inst),
        AmomaxD => amo(0b10100, 3, inst),
        AmominuD => amo(0b11000, 3, inst),
        AmomaxuD => amo(0b11100, 3, inst),
        Csrrw => i_type(0x73, 1, imm, inst),
        Csrrs => i_type(0x73, 2, imm, inst),
        Csrrc => i_type(0x73, 3, imm, inst),
        Csrrwi => i_type(0x73, 5, imm, inst),
        Csrrsi => i_type(0x73, 6, imm, inst),
        Csrrci => i_type(0x73, 7, imm, inst),
        Flw => i_type(0x07, 2, imm, inst),
        Fld => i_type(0x07, 3, imm, inst),
        Fsw => s_type(0x27, 2, inst),
        Fsd => s_type(0x27, 3, inst),
        FmaddS => fused(0x43, 0, inst),
        FmsubS => fused(0x47, 0, inst),
        FnmsubS => fused(0x4b, 0, inst),
        FnmaddS => fused(0x4f, 0, inst),
        FmaddD => fused(0x43, 1, inst),
        FmsubD => fused(0x47, 1, inst),
        FnmsubD => fused(0x4b, 1, inst),
        FnmaddD => fused(0x4f, 1, inst),
        FaddS => fp(0x00, 0, rm, inst),
        FsubS => fp(0x01, 0, rm, inst),
        FmulS => fp(0x02, 0, rm, inst),
        FdivS => fp(0x03, 0, rm, inst),
        FsqrtS => fp_unary(0x0b, 0, 0, inst),
        FaddD => fp(0x00, 1, rm, inst),
        FsubD => fp(0x01, 1, rm, inst),
        FmulD => fp(0x02, 1, rm, inst),
        FdivD => fp(0x03, 1, rm, inst),
        FsqrtD => fp_unary(0x0b, 1, 0, inst),
        FsgnjS => fp(0x04, 0, 0, inst),
        FsgnjnS => fp(0x04, 0, 1, inst),
        FsgnjxS => fp(0x04, 0, 2, inst),
        FsgnjD => fp(0x04, 1, 0, inst),
        FsgnjnD => fp(0x04, 1, 1, inst),
        FsgnjxD => fp(0x04, 1, 2, inst),
        FminS => fp(0x05, 0, 0, inst),
        FmaxS => fp(0x05, 0, 1, inst),
        FminD => fp(0x05, 1, 0, inst),
        FmaxD => fp(0x05, 1, 1, inst),
        FcvtSD => fp_unary(0x08, 0, 1, inst),
        FcvtDS => fp_unary(0x08, 1, 0, inst),
        FeqS => fp(0x14, 0, 2, inst),
        FltS => fp(0x14, 0, 1, inst),
        FleS => fp(0x14, 0, 0, inst),
        FeqD => fp(0x14, 1, 2, inst),
        FltD => fp(0x14, 1, 1, inst),
        FleD => fp(0x14, 1, 0, inst),
        FcvtWS => fp_unary(0x18, 0, 0, inst),
        FcvtWuS => fp_unary(0x18, 0, 1, inst),
        FcvtLS => fp_unary(0x18, 0, 2, inst),
        FcvtLuS => fp_unary(0x18, 0, 3, inst),
        FcvtWD => fp_unary(0x18, 1, 0, inst),
        FcvtWuD => fp_unary(0x18, 1, 1, inst),
        FcvtLD => fp_unary(0x18, 1, 2, inst),
        FcvtLuD => fp_unary(0x18, 1, 3, inst),
        FcvtSW => fp_unary(0x1a, 0, 0, inst),
        FcvtSWu => fp_unary(0x1a, 0, 1, inst),
        FcvtSL => fp_unary(0x1a, 0, 2, inst),
        FcvtSLu => fp_unary(0x1a, 0, 3, inst),
        FcvtDW => fp_unary(0x1a, 1, 0, inst),
        FcvtDWu => fp_unary(0x1a, 1, 1, inst),
        FcvtDL => fp_unary(0x1a, 1, 2, inst),
        FcvtDLu => fp_unary(0x1a, 1, 3, inst),
        FmvXW => fp(0x1c, 0, 0, inst),
        FclassS => fp(0x1c, 0, 1, inst),
        FmvXD => fp(0x1c, 1, 0, inst),
        FclassD => fp(0x1c, 1, 1, inst),
        FmvWX => fp(0x1e, 0, 0, inst),
        FmvDX => fp(0x1e, 1, 0, inst),
        Mret => 0x3020_0073,
        Sret => 0x1020_0073,
        Wfi => 0x1050_0073,
        SfenceVma => r_type(0x73, 0, 0b000_1001, inst),
    }
}
