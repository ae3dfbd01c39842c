//! Disassembler: one `Inst` to one line of text in GNU objdump's default
//! style (ABI register names, objdump's aliases such as `li`, `mv`, `ret`,
//! `beqz`, `csrr`, `frflags`, `fmv.d`, rounding modes only when not the
//! default, branch targets as absolute hex without `0x`), and whole ELF
//! images in `objdump -d` layout (`disassemble_elf`).
//!
//! A compressed instruction prints as its 32-bit twin, with one exception
//! taken from objdump: c.mv (`add rd,zero,rs2`) prints as `mv rd,rs2`.
//! Where objdump prints a compressed parcel by its `c.` name (HINTs such
//! as `c.nop 3`, `c.slli64`, `c.li zero,1`) this disassembler prints the
//! expanded form instead.
//!
//! Deliberate differences from binutils 2.40 objdump (the reference the
//! golden tests were made with):
//! - Immediate forms keep their own mnemonic: objdump 2.40 prints `addi`,
//!   `andi`, `ori`, `xori`, `addiw`, the immediate shifts and the `csr*i`
//!   instructions (and their aliases `csrwi`, ...) under the register
//!   form's name (`add a0,a0,1`, `sll a0,a0,0x3`, `csrrs a0,fcsr,5`).
//! - `fcvt.d.s`, `fcvt.d.w` and `fcvt.d.wu` with a rounding mode other than
//!   `rne` print it (as newer binutils do); objdump 2.40 does not know them.
//! - FENCE and FENCE.I with reserved bits set (rd, rs1, an unknown fm, the
//!   FENCE.I immediate) print as the fence they execute as; objdump prints
//!   the raw word.
//! - Encodings outside RV64GC that objdump knows (`uret`, `dret`,
//!   `sfence.vm`, reserved rounding modes printed as `unknown`, reserved
//!   compressed encodings such as `c.addi16sp` with a zero immediate) are
//!   illegal here and print as raw `.2byte`/`.4byte` words.
//! - CSRs of extensions outside the privileged spec 1.12 (vector, AIA,
//!   Sstc, Smstateen, ...) print as numbers; see `csr::name`.

mod elf;
mod hints;
mod listing;
mod names;
mod symbols;
#[cfg(test)]
mod tests;

use std::fmt::Write;

pub use elf::{disassemble_elf, DisasmError};

use super::csr;
use super::{Inst, Op};
use names::{fpr, gpr, DYNAMIC, FENCE_SET, ROUNDING};

/// The text of one instruction, e.g. `addi a0,a0,1` or `j 1013c`.
/// `pc` is the instruction's address, for pc-relative targets.
pub fn disasm(inst: &Inst, pc: u64) -> String {
    let text = render(inst, pc, &Hex);
    if text.operands.is_empty() {
        text.mnemonic
    } else {
        format!("{} {}", text.mnemonic, text.operands)
    }
}

/// How a code address (branch or jump target) is written: bare hex here,
/// hex followed by `<symbol+offset>` in `disassemble_elf`.
pub(crate) trait Addresses {
    fn write_address(&self, addr: u64, out: &mut String);
}

struct Hex;

impl Addresses for Hex {
    fn write_address(&self, addr: u64, out: &mut String) {
        let _ = write!(out, "{addr:x}");
    }
}

/// Mnemonic and operands of one instruction (objdump separates them with
/// a tab, `disasm` with a space).
pub(crate) struct Text {
    pub mnemonic: String,
    pub operands: String,
}

/// Comma-separated operands, built left to right.
struct Operands<'a> {
    text: String,
    pc: u64,
    addresses: &'a dyn Addresses,
}

impl Operands<'_> {
    fn next(&mut self) -> &mut String {
        if !self.text.is_empty() {
            self.text.push(',');
        }
        &mut self.text
    }

    fn x(mut self, r: u8) -> Self {
        self.next().push_str(gpr(r));
        self
    }

    fn f(mut self, r: u8) -> Self {
        self.next().push_str(fpr(r));
        self
    }

    fn int(mut self, v: i32) -> Self {
        let _ = write!(self.next(), "{v}");
        self
    }

    fn hex(mut self, v: u32) -> Self {
        let _ = write!(self.next(), "{v:#x}");
        self
    }

    fn word(mut self, s: &str) -> Self {
        self.next().push_str(s);
        self
    }

    /// A memory operand `offset(base)`.
    fn mem(mut self, offset: i32, base: u8) -> Self {
        let _ = write!(self.next(), "{offset}({})", gpr(base));
        self
    }

    /// An AMO address: `(base)`.
    fn at(mut self, base: u8) -> Self {
        let _ = write!(self.next(), "({})", gpr(base));
        self
    }

    /// A pc-relative target, printed as an absolute address.
    fn target(mut self, offset: i32) -> Self {
        let addr = self.pc.wrapping_add(offset as i64 as u64);
        let addresses = self.addresses;
        addresses.write_address(addr, self.next());
        self
    }

    /// A rounding mode, omitted when it is the default `default`.
    fn rm(self, rm: u8, default: u8) -> Self {
        if rm == default {
            self
        } else {
            self.word(ROUNDING[(rm & 7) as usize])
        }
    }

    fn csr(self, num: i32) -> Self {
        let num = (num & 0xfff) as u16;
        match csr::name(num) {
            Some(name) => self.word(name),
            None => self.hex(num as u32),
        }
    }
}

/// Disassemble `inst` at `pc`, writing targets through `addresses`.
pub(crate) fn render(inst: &Inst, pc: u64, addresses: &dyn Addresses) -> Text {
    let ops = Operands {
        text: String::new(),
        pc,
        addresses,
    };
    let (mnemonic, ops) = choose(inst, ops);
    Text {
        mnemonic: mnemonic.into_owned(),
        operands: ops.text,
    }
}

type Choice<'a> = (std::borrow::Cow<'static, str>, Operands<'a>);

/// Pick objdump's mnemonic (an alias where objdump has one) and operands.
fn choose<'a>(inst: &Inst, ops: Operands<'a>) -> Choice<'a> {
    use Op::*;
    let Inst {
        op,
        rd,
        rs1,
        rs2,
        rs3,
        rm,
        imm,
        ..
    } = *inst;
    let name = op.mnemonic();
    let pick = |m: &'static str, ops: Operands<'a>| -> Choice<'a> { (m.into(), ops) };
    match op {
        Illegal => illegal(inst, ops),
        Lui | Auipc => pick(name, ops.x(rd).hex((imm as u32) >> 12)),
        Jal => match rd {
            0 => pick("j", ops.target(imm)),
            1 => pick("jal", ops.target(imm)),
            _ => pick("jal", ops.x(rd).target(imm)),
        },
        Jalr => match (rd, rs1, imm) {
            (0, 1, 0) => pick("ret", ops),
            (0, _, 0) => pick("jr", ops.x(rs1)),
            (0, _, _) => pick("jr", ops.mem(imm, rs1)),
            (1, _, 0) => pick("jalr", ops.x(rs1)),
            (1, _, _) => pick("jalr", ops.mem(imm, rs1)),
            (_, _, 0) => pick("jalr", ops.x(rd).x(rs1)),
            _ => pick("jalr", ops.x(rd).mem(imm, rs1)),
        },
        Beq | Bne | Blt | Bge | Bltu | Bgeu => branch(inst, ops),
        Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => pick(name, ops.x(rd).mem(imm, rs1)),
        Sb | Sh | Sw | Sd => pick(name, ops.x(rs2).mem(imm, rs1)),
        Flw | Fld => pick(name, ops.f(rd).mem(imm, rs1)),
        Fsw | Fsd => pick(name, ops.f(rs2).mem(imm, rs1)),
        Addi => match (rd, rs1, imm) {
            (0, 0, 0) => pick("nop", ops),
            (_, 0, _) => pick("li", ops.x(rd).int(imm)),
            (_, _, 0) => pick("mv", ops.x(rd).x(rs1)),
            _ => pick(name, ops.x(rd).x(rs1).int(imm)),
        },
        Addiw if imm == 0 => pick("sext.w", ops.x(rd).x(rs1)),
        Xori if imm == -1 => pick("not", ops.x(rd).x(rs1)),
        Sltiu if imm == 1 => pick("seqz", ops.x(rd).x(rs1)),
        Andi if imm == 255 => pick("zext.b", ops.x(rd).x(rs1)),
        Addiw | Slti | Sltiu | Xori | Ori | Andi => pick(name, ops.x(rd).x(rs1).int(imm)),
        Slli | Srli | Srai | Slliw | Srliw | Sraiw => {
            pick(name, ops.x(rd).x(rs1).hex(imm as u32 & 0x3f))
        }
        // c.mv expands to `add rd,zero,rs2`; objdump prints it as `mv`
        // (and the 32-bit `add rd,zero,rs2` as it is).
        Add if rs1 == 0 && inst.len == 2 => pick("mv", ops.x(rd).x(rs2)),
        Sub if rs1 == 0 => pick("neg", ops.x(rd).x(rs2)),
        Subw if rs1 == 0 => pick("negw", ops.x(rd).x(rs2)),
        Sltu if rs1 == 0 => pick("snez", ops.x(rd).x(rs2)),
        Slt if rs2 == 0 => pick("sltz", ops.x(rd).x(rs1)),
        Slt if rs1 == 0 => pick("sgtz", ops.x(rd).x(rs2)),
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addw | Subw | Sllw | Srlw
        | Sraw | Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw
        | Remw | Remuw => pick(name, ops.x(rd).x(rs1).x(rs2)),
        Fence => fence(imm, ops),
        FenceI | Ecall | Ebreak | Mret | Sret | Wfi => pick(name, ops),
        SfenceVma => match (rs1, rs2) {
            (0, 0) => pick(name, ops),
            (_, 0) => pick(name, ops.x(rs1)),
            _ => pick(name, ops.x(rs1).x(rs2)),
        },
        LrW | LrD => (amo_name(name, rm).into(), ops.x(rd).at(rs1)),
        ScW | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW
        | AmomaxuW | ScD | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD
        | AmominuD | AmomaxuD => (amo_name(name, rm).into(), ops.x(rd).x(rs2).at(rs1)),
        Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => zicsr(inst, ops),
        FmaddS | FmsubS | FnmsubS | FnmaddS | FmaddD | FmsubD | FnmsubD | FnmaddD => {
            pick(name, ops.f(rd).f(rs1).f(rs2).f(rs3).rm(rm, DYNAMIC))
        }
        FaddS | FsubS | FmulS | FdivS | FaddD | FsubD | FmulD | FdivD => {
            pick(name, ops.f(rd).f(rs1).f(rs2).rm(rm, DYNAMIC))
        }
        FsqrtS | FsqrtD | FcvtSD => pick(name, ops.f(rd).f(rs1).rm(rm, DYNAMIC)),
        // Widening conversions are exact: assemblers default their rounding
        // mode to rne rather than dyn.
        FcvtDS => pick(name, ops.f(rd).f(rs1).rm(rm, 0)),
        FcvtDW | FcvtDWu => pick(name, ops.f(rd).x(rs1).rm(rm, 0)),
        FsgnjS | FsgnjnS | FsgnjxS | FsgnjD | FsgnjnD | FsgnjxD if rs1 == rs2 => {
            pick(sign_injection_alias(op), ops.f(rd).f(rs1))
        }
        FsgnjS | FsgnjnS | FsgnjxS | FsgnjD | FsgnjnD | FsgnjxD | FminS | FmaxS | FminD | FmaxD => {
            pick(name, ops.f(rd).f(rs1).f(rs2))
        }
        FeqS | FltS | FleS | FeqD | FltD | FleD => pick(name, ops.x(rd).f(rs1).f(rs2)),
        FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FcvtWD | FcvtWuD | FcvtLD | FcvtLuD => {
            pick(name, ops.x(rd).f(rs1).rm(rm, DYNAMIC))
        }
        FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FcvtDL | FcvtDLu => {
            pick(name, ops.f(rd).x(rs1).rm(rm, DYNAMIC))
        }
        FmvXW | FmvXD | FclassS | FclassD => pick(name, ops.x(rd).f(rs1)),
        FmvWX | FmvDX => pick(name, ops.f(rd).x(rs1)),
    }
}

/// Raw bits, as objdump prints what it cannot decode. The all-zero
/// parcel is the defined illegal instruction `unimp` (`c.unimp`).
fn illegal<'a>(inst: &Inst, ops: Operands<'a>) -> Choice<'a> {
    let bits = inst.imm as u32;
    if inst.len == 2 {
        if bits & 0xffff == 0 {
            return ("unimp".into(), ops);
        }
        let raw = format!("{:#x}", bits & 0xffff);
        (".2byte".into(), ops.word(&raw))
    } else {
        let raw = format!("{bits:#x}");
        (".4byte".into(), ops.word(&raw))
    }
}

fn branch<'a>(inst: &Inst, ops: Operands<'a>) -> Choice<'a> {
    use Op::*;
    let Inst {
        op, rs1, rs2, imm, ..
    } = *inst;
    let (alias, reg) = match (op, rs1, rs2) {
        (Beq, _, 0) => ("beqz", rs1),
        (Bne, _, 0) => ("bnez", rs1),
        (Blt, _, 0) => ("bltz", rs1),
        (Blt, 0, _) => ("bgtz", rs2),
        // bge zero,zero is `blez zero` for objdump: blez comes first.
        (Bge, 0, _) => ("blez", rs2),
        (Bge, _, 0) => ("bgez", rs1),
        _ => return (op.mnemonic().into(), ops.x(rs1).x(rs2).target(imm)),
    };
    (alias.into(), ops.x(reg).target(imm))
}

/// `inst[31:20]` of FENCE is fm (4 bits), pred (4), succ (4).
fn fence<'a>(imm: i32, ops: Operands<'a>) -> Choice<'a> {
    let (fm, pred, succ) = (imm >> 8 & 0xf, imm >> 4 & 0xf, imm & 0xf);
    match (fm, pred, succ) {
        (0, 0xf, 0xf) => ("fence".into(), ops),
        (0b1000, 0b0011, 0b0011) => ("fence.tso".into(), ops),
        _ => (
            "fence".into(),
            ops.word(FENCE_SET[pred as usize])
                .word(FENCE_SET[succ as usize]),
        ),
    }
}

/// `.aq`, `.rl` or `.aqrl` from the aq (2) and rl (1) bits.
fn amo_name(name: &str, aqrl: u8) -> String {
    let suffix = ["", ".rl", ".aq", ".aqrl"][(aqrl & 3) as usize];
    format!("{name}{suffix}")
}

fn sign_injection_alias(op: Op) -> &'static str {
    use Op::*;
    match op {
        FsgnjS => "fmv.s",
        FsgnjnS => "fneg.s",
        FsgnjxS => "fabs.s",
        FsgnjD => "fmv.d",
        FsgnjnD => "fneg.d",
        _ => "fabs.d",
    }
}

/// Zicsr, with objdump's aliases: `csrr`/`csrw`/`csrs`/`csrc` and their
/// immediate forms, the floating-point CSR accessors (`frflags`,
/// `fsrm`, ...), the counter reads (`rdcycle`, ...) and `unimp`
/// (`csrrw zero,cycle,zero`, the canonical illegal instruction).
fn zicsr<'a>(inst: &Inst, ops: Operands<'a>) -> Choice<'a> {
    use Op::*;
    let Inst {
        op, rd, rs1, imm, ..
    } = *inst;
    let num = (imm & 0xfff) as u16;
    let uimm = rs1 as i32;
    let pick = |m: &'static str, ops: Operands<'a>| -> Choice<'a> { (m.into(), ops) };
    match op {
        Csrrs if rs1 == 0 => match num {
            csr::FFLAGS => pick("frflags", ops.x(rd)),
            csr::FRM => pick("frrm", ops.x(rd)),
            csr::FCSR => pick("frcsr", ops.x(rd)),
            csr::CYCLE => pick("rdcycle", ops.x(rd)),
            csr::TIME => pick("rdtime", ops.x(rd)),
            csr::INSTRET => pick("rdinstret", ops.x(rd)),
            _ => pick("csrr", ops.x(rd).csr(imm)),
        },
        Csrrw => {
            let fp_alias = match num {
                csr::FFLAGS => Some("fsflags"),
                csr::FRM => Some("fsrm"),
                csr::FCSR => Some("fscsr"),
                _ => None,
            };
            match (fp_alias, rd) {
                (Some(alias), 0) => pick(alias, ops.x(rs1)),
                (Some(alias), _) => pick(alias, ops.x(rd).x(rs1)),
                (None, 0) if num == csr::CYCLE && rs1 == 0 => pick("unimp", ops),
                (None, 0) => pick("csrw", ops.csr(imm).x(rs1)),
                (None, _) => pick("csrrw", ops.x(rd).csr(imm).x(rs1)),
            }
        }
        Csrrwi if num == csr::FFLAGS => pick("fsflagsi", ops.x(rd).int(uimm)),
        Csrrwi if num == csr::FRM => pick("fsrmi", ops.x(rd).int(uimm)),
        Csrrs | Csrrc if rd == 0 => pick(
            if op == Csrrs { "csrs" } else { "csrc" },
            ops.csr(imm).x(rs1),
        ),
        Csrrwi | Csrrsi | Csrrci if rd == 0 => {
            let alias = match op {
                Csrrwi => "csrwi",
                Csrrsi => "csrsi",
                _ => "csrci",
            };
            pick(alias, ops.csr(imm).int(uimm))
        }
        Csrrs | Csrrc => pick(op.mnemonic(), ops.x(rd).csr(imm).x(rs1)),
        _ => pick(op.mnemonic(), ops.x(rd).csr(imm).int(uimm)),
    }
}
