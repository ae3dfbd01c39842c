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

impl Op {
    /// Every operation, in declaration order (`Op::ALL[op as usize] == op`).
    pub const ALL: [Op; 161] = {
        use Op::*;
        [
            Illegal, Lui, Auipc, Jal, Jalr, Beq, Bne, Blt, Bge, Bltu, Bgeu, Lb, Lh, Lw, Ld,
            Lbu, Lhu, Lwu, Sb, Sh, Sw, Sd, Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli,
            Srai, Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And, Addiw, Slliw, Srliw, Sraiw,
            Addw, Subw, Sllw, Srlw, Sraw, Fence, FenceI, Ecall, Ebreak, Mul, Mulh, Mulhsu,
            Mulhu, Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw, LrW, ScW, AmoswapW,
            AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW, AmomaxW, AmominuW, AmomaxuW, LrD, ScD,
            AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD, AmominD, AmomaxD, AmominuD, AmomaxuD,
            Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci, Flw, Fsw, FmaddS, FmsubS, FnmsubS,
            FnmaddS, FaddS, FsubS, FmulS, FdivS, FsqrtS, FsgnjS, FsgnjnS, FsgnjxS, FminS,
            FmaxS, FcvtWS, FcvtWuS, FcvtLS, FcvtLuS, FcvtSW, FcvtSWu, FcvtSL, FcvtSLu, FmvXW,
            FmvWX, FeqS, FltS, FleS, FclassS, Fld, Fsd, FmaddD, FmsubD, FnmsubD, FnmaddD,
            FaddD, FsubD, FmulD, FdivD, FsqrtD, FsgnjD, FsgnjnD, FsgnjxD, FminD, FmaxD, FcvtSD,
            FcvtDS, FcvtWD, FcvtWuD, FcvtLD, FcvtLuD, FcvtDW, FcvtDWu, FcvtDL, FcvtDLu, FmvXD,
            FmvDX, FeqD, FltD, FleD, FclassD, Mret, Sret, Wfi, SfenceVma,
        ]
    };

    /// The assembler mnemonic of the base instruction (`"fcvt.w.s"`,
    /// `"amoadd.d"`); the disassembler adds aliases and suffixes.
    pub fn mnemonic(self) -> &'static str {
        use Op::*;
        match self {
            Illegal => "illegal",
            Lui => "lui",
            Auipc => "auipc",
            Jal => "jal",
            Jalr => "jalr",
            Beq => "beq",
            Bne => "bne",
            Blt => "blt",
            Bge => "bge",
            Bltu => "bltu",
            Bgeu => "bgeu",
            Lb => "lb",
            Lh => "lh",
            Lw => "lw",
            Ld => "ld",
            Lbu => "lbu",
            Lhu => "lhu",
            Lwu => "lwu",
            Sb => "sb",
            Sh => "sh",
            Sw => "sw",
            Sd => "sd",
            Addi => "addi",
            Slti => "slti",
            Sltiu => "sltiu",
            Xori => "xori",
            Ori => "ori",
            Andi => "andi",
            Slli => "slli",
            Srli => "srli",
            Srai => "srai",
            Add => "add",
            Sub => "sub",
            Sll => "sll",
            Slt => "slt",
            Sltu => "sltu",
            Xor => "xor",
            Srl => "srl",
            Sra => "sra",
            Or => "or",
            And => "and",
            Addiw => "addiw",
            Slliw => "slliw",
            Srliw => "srliw",
            Sraiw => "sraiw",
            Addw => "addw",
            Subw => "subw",
            Sllw => "sllw",
            Srlw => "srlw",
            Sraw => "sraw",
            Fence => "fence",
            FenceI => "fence.i",
            Ecall => "ecall",
            Ebreak => "ebreak",
            Mul => "mul",
            Mulh => "mulh",
            Mulhsu => "mulhsu",
            Mulhu => "mulhu",
            Div => "div",
            Divu => "divu",
            Rem => "rem",
            Remu => "remu",
            Mulw => "mulw",
            Divw => "divw",
            Divuw => "divuw",
            Remw => "remw",
            Remuw => "remuw",
            LrW => "lr.w",
            ScW => "sc.w",
            AmoswapW => "amoswap.w",
            AmoaddW => "amoadd.w",
            AmoxorW => "amoxor.w",
            AmoandW => "amoand.w",
            AmoorW => "amoor.w",
            AmominW => "amomin.w",
            AmomaxW => "amomax.w",
            AmominuW => "amominu.w",
            AmomaxuW => "amomaxu.w",
            LrD => "lr.d",
            ScD => "sc.d",
            AmoswapD => "amoswap.d",
            AmoaddD => "amoadd.d",
            AmoxorD => "amoxor.d",
            AmoandD => "amoand.d",
            AmoorD => "amoor.d",
            AmominD => "amomin.d",
            AmomaxD => "amomax.d",
            AmominuD => "amominu.d",
            AmomaxuD => "amomaxu.d",
            Csrrw => "csrrw",
            Csrrs => "csrrs",
            Csrrc => "csrrc",
            Csrrwi => "csrrwi",
            Csrrsi => "csrrsi",
            Csrrci => "csrrci",
            Flw => "flw",
            Fsw => "fsw",
            FmaddS => "fmadd.s",
            FmsubS => "fmsub.s",
            FnmsubS => "fnmsub.s",
            FnmaddS => "fnmadd.s",
            FaddS => "fadd.s",
            FsubS => "fsub.s",
            FmulS => "fmul.s",
            FdivS => "fdiv.s",
            FsqrtS => "fsqrt.s",
            FsgnjS => "fsgnj.s",
            FsgnjnS => "fsgnjn.s",
            FsgnjxS => "fsgnjx.s",
            FminS => "fmin.s",
            FmaxS => "fmax.s",
            FcvtWS => "fcvt.w.s",
            FcvtWuS => "fcvt.wu.s",
            FcvtLS => "fcvt.l.s",
            FcvtLuS => "fcvt.lu.s",
            FcvtSW => "fcvt.s.w",
            FcvtSWu => "fcvt.s.wu",
            FcvtSL => "fcvt.s.l",
            FcvtSLu => "fcvt.s.lu",
            FmvXW => "fmv.x.w",
            FmvWX => "fmv.w.x",
            FeqS => "feq.s",
            FltS => "flt.s",
            FleS => "fle.s",
            FclassS => "fclass.s",
            Fld => "fld",
            Fsd => "fsd",
            FmaddD => "fmadd.d",
            FmsubD => "fmsub.d",
            FnmsubD => "fnmsub.d",
            FnmaddD => "fnmadd.d",
            FaddD => "fadd.d",
            FsubD => "fsub.d",
            FmulD => "fmul.d",
            FdivD => "fdiv.d",
            FsqrtD => "fsqrt.d",
            FsgnjD => "fsgnj.d",
            FsgnjnD => "fsgnjn.d",
            FsgnjxD => "fsgnjx.d",
            FminD => "fmin.d",
            FmaxD => "fmax.d",
            FcvtSD => "fcvt.s.d",
            FcvtDS => "fcvt.d.s",
            FcvtWD => "fcvt.w.d",
            FcvtWuD => "fcvt.wu.d",
            FcvtLD => "fcvt.l.d",
            FcvtLuD => "fcvt.lu.d",
            FcvtDW => "fcvt.d.w",
            FcvtDWu => "fcvt.d.wu",
            FcvtDL => "fcvt.d.l",
            FcvtDLu => "fcvt.d.lu",
            FmvXD => "fmv.x.d",
            FmvDX => "fmv.d.x",
            FeqD => "feq.d",
            FltD => "flt.d",
            FleD => "fle.d",
            FclassD => "fclass.d",
            Mret => "mret",
            Sret => "sret",
            Wfi => "wfi",
            SfenceVma => "sfence.vma",
        }
    }
}
