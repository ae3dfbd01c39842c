//! The operation of a decoded instruction.

/// Every operation of RV64GC (I, M, A, F, D, C, Zicsr, Zifencei) plus the
/// privileged instructions. Compressed encodings map to these as well.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Op {
    Illegal,
    // RV64I
    Lui, Auipc, Jal, Jalr,
    Beq, Bne, Blt, Bge, Bltu, Bgeu,
    Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu,
    Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai,
    Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw, Addw, Subw, Sllw, Srlw, Sraw,
    Fence, FenceI, Ecall, Ebreak,
    // M
    Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu,
    Mulw, Divw, Divuw, Remw, Remuw,
    // A
    LrW, ScW, AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW,
    LrD, ScD, AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,
    // Zicsr
    Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci,
    // F
    Flw, Fsw,
    FmaddS, FmsubS, FnmsubS, FnmaddS,
    FaddS, FsubS, FmulS, FdivS, FsqrtS,
    FsgnjS, FsgnjnS, FsgnjxS, FminS, FmaxS,
    FcvtWS, FcvtWuS, FcvtLS, FcvtLuS,
    FcvtSW, FcvtSWu, FcvtSL, FcvtSLu,
    FmvXW, FmvWX, FeqS, FltS, FleS, FclassS,
    // D
    Fld, Fsd,
    FmaddD, FmsubD, FnmsubD, FnmaddD,
    FaddD, FsubD, FmulD, FdivD, FsqrtD,
    FsgnjD, FsgnjnD, FsgnjxD, FminD, FmaxD,
    FcvtSD, FcvtDS,
    FcvtWD, FcvtWuD, FcvtLD, FcvtLuD,
    FcvtDW, FcvtDWu, FcvtDL, FcvtDLu,
    FmvXD, FmvDX, FeqD, FltD, FleD, FclassD,
    // Privileged
    Mret, Sret, Wfi, SfenceVma,
}

impl Op {
    /// True for operations after which a basic block must end.
    pub fn ends_block(self) -> bool {
        use Op::*;
        matches!(
            self,
            Illegal | Jal | Jalr | Beq | Bne | Blt | Bge | Bltu | Bgeu | Ecall | Ebreak | FenceI
                | Mret | Sret | Wfi | SfenceVma
                // CSR writes may change fp rounding state or privilege-visible
                // state the next instructions depend on; end the block so the
                // run loop observes them.
                | Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci
        )
    }

    /// True for floating-point operations other than loads and stores
    /// (they are executed by `hart::fp`).
    pub fn is_fp_compute(self) -> bool {
        (self as u8) >= (Op::FmaddS as u8) && (self as u8) <= (Op::FclassS as u8)
            || (self as u8) >= (Op::FmaddD as u8) && (self as u8) <= (Op::FclassD as u8)
    }
}
